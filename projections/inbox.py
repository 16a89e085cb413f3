"""The in-app inbox: one row per sent follow-up and recipient role, from FollowUpRecorded events."""

from __future__ import annotations

from domain.alliance import Alliance
from domain.commitment import Commitment
from domain.follow_ups import RULE_LABELS
from projections.alliance_events import AppendOnlyProjection, Seen
from projections.sentences import describe
from projections.store import Db, Schema
from projections.values import iso

SCHEMA = Schema(
    tables={
        "messages": "position BIGINT, recipient TEXT, role TEXT, actor_id TEXT, alliance_id TEXT, "
        "commitment_id TEXT, rule TEXT, label TEXT, subject_id TEXT, follow_up_key TEXT, "
        "due_at TEXT, sent_at TEXT, text TEXT, PRIMARY KEY (position, recipient)"
    },
    indexes={
        "messages_role": "messages(role, alliance_id, position)",
        "messages_actor": "messages(actor_id, position)",
    },
)


class InboxProjection(AppendOnlyProjection):
    name = "inbox"
    title = "Posteingang je Rolle"
    schema = SCHEMA

    table = "messages"

    def see(self, seen: Seen, db: Db) -> None:
        e = seen.event
        if not isinstance(e, (Alliance.FollowUpRecorded, Commitment.FollowUpRecorded)):
            return
        commitment_id = seen.commitment_id
        subject = getattr(e, "subject_id", None) or commitment_id
        text = describe(e, seen.alliance, seen.commitment)
        for recipient in dict.fromkeys(e.recipients):
            role, _, actor = recipient.partition(":")
            self._rows.append(
                (
                    seen.item.position,
                    recipient,
                    role,
                    actor or None,
                    seen.alliance_id,
                    commitment_id,
                    e.rule,
                    RULE_LABELS.get(e.rule, e.rule) + (" (in einer Zusammenfassung)" if getattr(e, "missed", False)
                                                       else ""),
                    subject,
                    e.key,
                    iso(e.due_at),
                    seen.at,
                    text,
                )
            )
