"""Read models built from the notification log exactly once, and the audit hash chain."""
