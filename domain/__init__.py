"""The alliance domain: aggregates, events, rules and the application, in the guide's language."""
