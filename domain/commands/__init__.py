"""The application's commands as data, one module per part of the guide (as domain/alliance_parts/).

Each command is a frozen dataclass: its fields are what it asks (and, without personal data, the
fingerprint a repeated command id is compared by), its docstring states the rule, and one method
decides it. `AllianceApplication.handle` runs any of them; the methods of the `*Commands` mixins
keep the calls callers know (`app.add_actor(alliance_id, name=..., by=...)`).
"""
