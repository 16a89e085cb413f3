"""Runnable processes and their wiring: one composition root per process."""
