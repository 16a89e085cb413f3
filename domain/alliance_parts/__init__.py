"""The Alliance aggregate's parts, one module per part of the guide, composed in domain/alliance.py.

Each part holds its events (nested, so each becomes `Alliance.<Event>` with the topic
`domain.alliance:Alliance.<Event>`) and the commands that trigger them.
"""
