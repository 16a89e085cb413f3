"""Stores beside the event store (adapters the composition roots plug into the domain)."""
