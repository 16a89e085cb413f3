"""Temporal workflows of alliances and commitments, their activities, and the relay."""
