"""Temporal workflows of the alliances and commitments, their activities, and the relay that feeds them."""
