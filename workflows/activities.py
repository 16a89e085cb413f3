"""Activities of the alliance and commitment workflows: load the view, re-check and record, send.

Every rule check runs at the `now` the workflow passes in (workflow time), on a fresh load from
the event store; recording goes through the application with the follow-up's deterministic key,
so a retried activity records nothing twice.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from uuid import UUID

import structlog
from eventsourcing.application import AggregateNotFoundError
from temporalio import activity

from domain.alliance import Alliance
from domain.application import AllianceApplication
from domain.commitment import Commitment
from domain.errors import NotFound
from domain.facts import alliance_facts, commitment_facts
from domain.follow_ups import (
    COORDINATOR,
    SERVICEBUERO,
    FollowUp,
    FollowUpPolicy,
    due_now,
    plan_alliance,
    plan_commitment,
)
from domain.steps import STEP_TITLES
from workflows.clock import at
from workflows.notifications import (
    MEETING_RULES,
    Mail,
    Mailer,
    compose,
    german_date,
)
from workflows.payloads import (
    AllianceView,
    CommitmentView,
    FollowUpOrder,
    FollowUpOutcome,
    LoadRequest,
    Notification,
)

log = structlog.get_logger(__name__)


class FollowUpActivities:
    """Holds the application, the follow-up policy and the mailer (given by the worker)."""

    def __init__(
        self,
        application: AllianceApplication,
        policy: FollowUpPolicy,
        mailer: Mailer,
        *,
        sender: str,
    ) -> None:
        self.application = application
        self.policy = policy
        self.mailer = mailer
        self.sender = sender
        self.domain = sender.rpartition("@")[2] or "buendnis.invalid"

    # ---- loading ---------------------------------------------------------------------------

    def _alliance(self, alliance_id: str) -> Alliance | None:
        try:
            return self.application.get_alliance(UUID(alliance_id))
        except (NotFound, ValueError):
            return None

    def _commitment(self, commitment_id: str) -> Commitment | None:
        try:
            commitment: object = self.application.repository.get(UUID(commitment_id))
        except (AggregateNotFoundError, ValueError):
            return None
        return commitment if isinstance(commitment, Commitment) else None

    @activity.defn(name="load_alliance")
    def load_alliance(self, request: LoadRequest) -> AllianceView | None:
        alliance = self._alliance(request.aggregate_id)
        if alliance is None:
            return None
        return AllianceView(
            alliance_facts(alliance, self.application.policy),
            self.policy,
            alliance.name,
            alliance.state.value,
        )

    @activity.defn(name="load_commitment")
    def load_commitment(self, request: LoadRequest) -> CommitmentView | None:
        commitment = self._commitment(request.aggregate_id)
        if commitment is None:
            return None
        return CommitmentView(commitment_facts(commitment), self.policy, commitment.description)

    # ---- re-check and record ---------------------------------------------------------------

    @activity.defn(name="record_alliance_follow_up")
    def record_alliance_follow_up(self, order: FollowUpOrder) -> FollowUpOutcome:
        alliance = self._alliance(order.aggregate_id)
        if alliance is None:
            return FollowUpOutcome("cancelled")
        if order.key in alliance.follow_ups:
            return FollowUpOutcome("already")
        plans = plan_alliance(
            alliance_facts(alliance, self.application.policy), order.now, self.policy
        )
        follow_up = next((f for f in due_now(plans, order.now) if f.key == order.key), None)
        if follow_up is None:
            log.info("follow_up_cancelled", alliance_id=order.aggregate_id, key=order.key)
            return FollowUpOutcome("cancelled")
        with at(order.now):
            recorded = self.application.record_alliance_follow_up(
                alliance.id,
                key=follow_up.key,
                rule=follow_up.rule,
                subject_id=follow_up.subject_id,
                recipients=list(follow_up.recipients),
                due_at=follow_up.due_at,
            )
        log.info(
            "follow_up_recorded", alliance_id=order.aggregate_id, key=order.key, recorded=recorded
        )
        return FollowUpOutcome(
            "recorded" if recorded else "already",
            Notification(order.aggregate_id, follow_up) if recorded else None,
        )

    @activity.defn(name="record_commitment_follow_up")
    def record_commitment_follow_up(self, order: FollowUpOrder) -> FollowUpOutcome:
        commitment = self._commitment(order.aggregate_id)
        if commitment is None:
            return FollowUpOutcome("cancelled")
        if order.key in commitment.follow_ups:
            return FollowUpOutcome("already")
        plans = plan_commitment(commitment_facts(commitment), order.now, self.policy)
        follow_up = next((f for f in due_now(plans, order.now) if f.key == order.key), None)
        if follow_up is None:
            log.info("follow_up_cancelled", commitment_id=order.aggregate_id, key=order.key)
            return FollowUpOutcome("cancelled")
        app, alliance_id = self.application, commitment.alliance_id
        with at(order.now):
            if follow_up.rule == "commitment_overdue":
                app.mark_commitment_overdue(alliance_id, commitment.id, on=order.now.date())
            recorded = app.record_commitment_follow_up(
                alliance_id,
                commitment.id,
                key=follow_up.key,
                rule=follow_up.rule,
                recipients=list(follow_up.recipients),
                due_at=follow_up.due_at,
            )
        log.info(
            "follow_up_recorded", commitment_id=order.aggregate_id, key=order.key, recorded=recorded
        )
        notification = Notification(str(alliance_id), follow_up, commitment_id=order.aggregate_id)
        return FollowUpOutcome(
            "recorded" if recorded else "already", notification if recorded else None
        )

    # ---- sending -----------------------------------------------------------------------------

    @activity.defn(name="send_notification")
    def send_notification(self, notification: Notification) -> str:
        """Sends the e-mail of a recorded follow-up; its Message-ID is the same on every retry."""
        alliance = self._alliance(notification.alliance_id)
        if alliance is None:
            return ""
        mail = self.mail_for(alliance, notification)
        message = compose(
            mail,
            notification.follow_up,
            sender=self.sender,
            domain=self.domain,
            sent_at=activity.info().current_attempt_scheduled_time,
        )
        self.mailer.send(message)
        log.info(
            "follow_up_mailed",
            alliance_id=notification.alliance_id,
            key=notification.follow_up.key,
            to=len(mail.to),
        )
        return str(message["Message-ID"])

    def addresses(self, alliance: Alliance, role: str) -> list[str]:
        """The e-mail addresses behind a role (see the module docstring)."""
        kind, _, actor_id = role.partition(":")
        if role == SERVICEBUERO:
            return [self.sender]
        if role == COORDINATOR or not actor_id:
            return [f"koordination+{alliance.id}@{self.domain}"]
        found = []
        for person in alliance.persons.values():
            if str(person.actor_id) == actor_id and not person.erased:
                data = self.application.contact_person(alliance.id, person.id)
                if data is not None and data.email:
                    found.append(data.email)
        return found or [f"{kind}+{actor_id}@{self.domain}"]

    def mail_for(self, alliance: Alliance, notification: Notification) -> Mail:
        f = notification.follow_up
        to = tuple(
            dict.fromkeys(a for role in f.recipients for a in self.addresses(alliance, role))
        )
        context = {
            "alliance": alliance.name,
            "municipality": alliance.municipality,
            "state": alliance.state.value,
            "step": alliance.step,
            "step_title": STEP_TITLES.get(alliance.step, ""),
            "since": german_date(alliance.step_entered_at),
            "due_on": german_date(f.due_at),
            "subject": alliance.name,
        }
        meeting = None
        if notification.commitment_id is not None:
            commitment = self._commitment(notification.commitment_id)
            if commitment is not None:
                context.update(
                    subject=commitment.description, due_on=german_date(commitment.due_on)
                )
        elif f.subject_id in alliance.meetings:
            m = alliance.meetings[f.subject_id]
            context.update(subject=m.title, due_on=german_date(m.held_on or m.on))
            meeting = (m.title, m.held_on or m.on)
        elif f.subject_id in alliance.working_groups:
            context["subject"] = alliance.working_groups[f.subject_id].name
        elif f.subject_id in alliance.contacts:
            contact = alliance.contacts[f.subject_id]
            actor = alliance.actors.get(str(contact.actor_id))
            context.update(
                subject=actor.name if actor else "einer Organisation",
                due_on=german_date(contact.follow_up_on),
            )
        if f.rule in MEETING_RULES and f.rule != "minutes_missing":
            last = self._last_all_partner_meeting(alliance)
            context["since"] = german_date(last)
            meeting = ("Bündnistreffen planen", (f.due_at + timedelta(days=30)).date())
        subject = f"{f.label}: {alliance.name}"
        return Mail(to, subject, context, meeting)

    def _last_all_partner_meeting(self, alliance: Alliance) -> datetime | None:
        facts = alliance_facts(alliance, self.application.policy)
        on = facts.last_all_partner_meeting_on
        return alliance.step_entered_at if on is None else datetime.combine(on, datetime.min.time())


def follow_up_subject(f: FollowUp) -> str:
    return f.subject_id or ""
