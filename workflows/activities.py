"""Activities of the alliance and commitment workflows: load the view, re-check and record, send.

Every rule check runs at the `now` the workflow passes in (workflow time), on a fresh load from
the event store; recording goes through the application with the follow-up's deterministic key,
so a retried activity records nothing twice.
"""

from __future__ import annotations

import smtplib
from dataclasses import replace
from datetime import datetime
from email.message import EmailMessage
from uuid import UUID

import structlog
from eventsourcing.application import AggregateNotFoundError
from temporalio import activity

from domain.alliance import Alliance
from domain.application import AllianceApplication
from domain.commitment import Commitment
from domain.dates import berlin
from domain.errors import NotFound
from domain.facts import alliance_facts, commitment_facts
from domain.follow_ups import (
    CommitmentFacts,
    FollowUp,
    FollowUpPolicy,
    due_now,
    plan_alliance,
    plan_commitment,
)
from workflows.clock import at
from workflows.mail_content import mail_for, summary_for
from workflows.notifications import (
    Mailer,
    compose,
    compose_summary,
    partial_refusal,
    permanent_refusal,
)
from workflows.payloads import (
    AllianceView,
    CommitmentView,
    EndOrder,
    FollowUpOrder,
    FollowUpOutcome,
    LoadRequest,
    Notification,
    Summary,
)
from workflows.view import compact

log = structlog.get_logger(__name__)
ENDED_WITH_ALLIANCE = "Das Bündnis wurde aufgelöst; die Zusage endet mit ihm."


def _uuid(value: str) -> UUID | None:
    try:
        return UUID(value)
    except ValueError:
        return None


class FollowUpActivities:
    """Holds the application, the follow-up policy and the mailer (given by the worker)."""

    def __init__(
        self,
        application: AllianceApplication,
        policy: FollowUpPolicy,
        mailer: Mailer,
        *,
        sender: str,
        site_url: str = "http://127.0.0.1:8000",
    ) -> None:
        self.application = application
        self.policy = policy
        self.mailer = mailer
        self.sender = sender
        self.site_url = site_url.rstrip("/")
        self.domain = sender.rpartition("@")[2] or "buendnis.invalid"

    # ---- loading ---------------------------------------------------------------------------

    # None only when the store holds no such aggregate. Anything else that goes wrong while
    # loading (the store unreachable, an event that cannot be read: often a ValueError) fails the
    # activity, so the workflow retries and then fails, instead of ending as if it had nothing to do.

    def _alliance(self, alliance_id: str) -> Alliance | None:
        aggregate_id = _uuid(alliance_id)
        if aggregate_id is None:
            return None
        try:
            return self.application.get_alliance(aggregate_id)
        except NotFound:
            return None

    def _commitment(self, commitment_id: str) -> Commitment | None:
        aggregate_id = _uuid(commitment_id)
        if aggregate_id is None:
            return None
        try:
            commitment: object = self.application.repository.get(aggregate_id)
        except AggregateNotFoundError:
            return None
        return commitment if isinstance(commitment, Commitment) else None

    def _alliance_status(self, commitment: Commitment) -> str:
        alliance = self._alliance(str(commitment.alliance_id))
        return alliance.status.value if alliance is not None else "active"

    @activity.defn(name="load_alliance")
    def load_alliance(self, request: LoadRequest) -> AllianceView | None:
        alliance = self._alliance(request.aggregate_id)
        if alliance is None:
            return None
        facts = alliance_facts(alliance, self.application.policy)
        awaited = [alliance.follow_ups[key] for key in alliance.undelivered]
        mails = [Notification(request.aggregate_id,
                              FollowUp(r.rule, r.key, r.due_at, tuple(r.recipients), r.subject_id)) for r in awaited]
        return AllianceView(
            compact(facts, self.policy, request.now),
            self.policy,
            alliance.name,
            alliance.state.value,
            tuple(m for m, r in zip(mails, awaited, strict=True) if not r.missed),
            tuple(m for m, r in zip(mails, awaited, strict=True) if r.missed),
        )

    @activity.defn(name="load_commitment")
    def load_commitment(self, request: LoadRequest) -> CommitmentView | None:
        commitment = self._commitment(request.aggregate_id)
        if commitment is None:
            return None
        facts = commitment_facts(commitment, self._alliance_status(commitment))
        mails = self._undelivered(commitment, facts, request.now)
        missed = set(commitment.missed_undelivered)
        return CommitmentView(facts, self.policy, commitment.description,
                              tuple(n for n in mails if n.follow_up.key not in missed),
                              tuple(n for n in mails if n.follow_up.key in missed))

    def _undelivered(self, commitment: Commitment, facts: CommitmentFacts, now: datetime) -> list[Notification]:
        """The commitment's recorded reminders awaiting their mail, planned again (the commitment
        keeps only their keys; one that no longer plans, e.g. after an amendment, is left out)."""
        if not commitment.undelivered:
            return []
        again = {f.key: f for f in plan_commitment(replace(facts, sent=frozenset()), now, self.policy)}
        return [Notification(str(commitment.alliance_id), again[key], commitment_id=str(commitment.id))
                for key in commitment.undelivered if key in again]

    # ---- re-check and record ---------------------------------------------------------------

    @activity.defn(name="record_alliance_follow_up")
    def record_alliance_follow_up(self, order: FollowUpOrder) -> FollowUpOutcome:
        alliance = self._alliance(order.aggregate_id)
        if alliance is None:
            return FollowUpOutcome("cancelled")
        if order.key in alliance.follow_ups:  # an earlier attempt recorded it; delivered is not known
            r = alliance.follow_ups[order.key]
            earlier = FollowUp(r.rule, r.key, r.due_at, tuple(r.recipients), r.subject_id)
            return FollowUpOutcome("already", Notification(order.aggregate_id, earlier))
        policy = replace(self.policy, timing=order.timing)
        plans = plan_alliance(alliance_facts(alliance, self.application.policy), order.now, policy)
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
                missed=order.missed,
                awaits_delivery=order.awaits_delivery,
            )
        log.info(
            "follow_up_recorded", alliance_id=order.aggregate_id, key=order.key, recorded=recorded,
            missed=order.missed,
        )
        return FollowUpOutcome("recorded" if recorded else "already", Notification(order.aggregate_id, follow_up))

    @activity.defn(name="record_commitment_follow_up")
    def record_commitment_follow_up(self, order: FollowUpOrder) -> FollowUpOutcome:
        commitment = self._commitment(order.aggregate_id)
        if commitment is None:
            return FollowUpOutcome("cancelled")
        policy = replace(self.policy, timing=order.timing)
        facts = commitment_facts(commitment, self._alliance_status(commitment))
        if order.key in commitment.follow_ups:  # an earlier attempt recorded it; delivered is not known
            again = plan_commitment(replace(facts, sent=frozenset()), order.now, policy)
            known = next((f for f in again if f.key == order.key), None)
            return FollowUpOutcome("already", None if known is None else Notification(
                str(commitment.alliance_id), known, commitment_id=order.aggregate_id))
        plans = plan_commitment(facts, order.now, policy)
        follow_up = next((f for f in due_now(plans, order.now) if f.key == order.key), None)
        if follow_up is None:
            log.info("follow_up_cancelled", commitment_id=order.aggregate_id, key=order.key)
            return FollowUpOutcome("cancelled")
        app, alliance_id = self.application, commitment.alliance_id
        with at(order.now):
            if follow_up.rule == "commitment_overdue":
                app.mark_commitment_overdue(alliance_id, commitment.id, on=berlin(order.now).date())
            recorded = app.record_commitment_follow_up(
                alliance_id,
                commitment.id,
                key=follow_up.key,
                rule=follow_up.rule,
                recipients=list(follow_up.recipients),
                due_at=follow_up.due_at,
                missed=order.missed,
                awaits_delivery=order.awaits_delivery,
            )
        log.info(
            "follow_up_recorded", commitment_id=order.aggregate_id, key=order.key, recorded=recorded,
            missed=order.missed,
        )
        notification = Notification(str(alliance_id), follow_up, commitment_id=order.aggregate_id)
        return FollowUpOutcome("recorded" if recorded else "already", notification)

    @activity.defn(name="end_commitment_with_alliance")
    def end_commitment_with_alliance(self, order: EndOrder) -> str:
        """Withdraws an open commitment whose alliance was dissolved, saying so; answers its status."""
        commitment = self._commitment(order.commitment_id)
        if commitment is None:
            return "unbekannt"
        if not commitment.is_open or self._alliance_status(commitment) != "dissolved":
            return str(commitment.status)
        with at(order.now):
            status = self.application.withdraw_commitment(
                commitment.alliance_id, commitment.id, reason=ENDED_WITH_ALLIANCE, by="system",
                command_id=f"end-with-alliance:{commitment.id}")
        log.info("commitment_ended_with_alliance", commitment_id=order.commitment_id)
        return str(status)

    # ---- sending -----------------------------------------------------------------------------

    @activity.defn(name="send_notification")
    def send_notification(self, notification: Notification) -> str:
        """Sends the e-mail of a recorded follow-up; its Message-ID is the same on every retry."""
        alliance = self._alliance(notification.alliance_id)
        if alliance is None:
            return ""
        commitment = None
        if notification.commitment_id is not None:
            commitment = self._commitment(notification.commitment_id)
        mail = mail_for(self.application, alliance, notification, commitment,
                        sender=self.sender, domain=self.domain, site_url=self.site_url)
        message = compose(
            mail,
            notification.follow_up,
            sender=self.sender,
            domain=self.domain,
            sent_at=activity.info().current_attempt_scheduled_time,
        )
        if not self._deliver(message, notification.alliance_id, notification.commitment_id,
                             [notification.follow_up.key]):
            return ""
        log.info(
            "follow_up_mailed",
            alliance_id=notification.alliance_id,
            key=notification.follow_up.key,
            to=len(mail.to),
        )
        return str(message["Message-ID"])

    @activity.defn(name="send_summary")
    def send_summary(self, summary: Summary) -> str:
        """One mail to one recipient role listing the follow-ups missed while nothing could be sent."""
        alliance = self._alliance(summary.alliance_id)
        if alliance is None:
            return ""
        commitment = None
        if summary.commitment_id is not None:
            commitment = self._commitment(summary.commitment_id)
        mail = summary_for(self.application, alliance, summary, commitment,
                           sender=self.sender, domain=self.domain, site_url=self.site_url)
        message = compose_summary(mail, summary, sender=self.sender, domain=self.domain,
                                  sent_at=activity.info().current_attempt_scheduled_time)
        if not self._deliver(message, summary.alliance_id, summary.commitment_id,
                             [f.key for f in summary.follow_ups]):
            return ""
        log.info("follow_up_summary_mailed", alliance_id=summary.alliance_id, recipient=summary.recipient,
                 follow_ups=len(summary.follow_ups))
        return str(message["Message-ID"])

    def _deliver(self, message: EmailMessage, alliance_id: str, commitment_id: str | None, keys: list[str]) -> bool:
        """Hands the mail to the SMTP server. A permanent refusal (5xx) is recorded on the aggregate
        as "Zustellung fehlgeschlagen" for each follow-up in it and answers False (retrying would be
        refused again); anything else that fails raises, and the activity is retried. Recipients
        refused while others took the mail are recorded the same way, and the mail counts as sent.
        A mail taken is recorded as delivered (FollowUpDelivered) for each follow-up awaiting it; a
        worker that dies in between sends it again on the retry, with the same Message-ID."""
        try:
            reason = partial_refusal(self.mailer.send(message))
            if reason is None:
                self._record_delivery(alliance_id, commitment_id, keys)
                return True
            sent = True
        except smtplib.SMTPException as e:
            reason, sent = permanent_refusal(e), False
            if reason is None:
                raise
        self._record_refusal(alliance_id, commitment_id, keys, reason)
        return sent

    def _record_delivery(self, alliance_id: str, commitment_id: str | None, keys: list[str]) -> None:
        with at(activity.info().current_attempt_scheduled_time):
            for key in keys:
                if commitment_id is None:
                    self.application.record_alliance_delivery(UUID(alliance_id), key=key)
                else:
                    self.application.record_commitment_delivery(UUID(alliance_id), UUID(commitment_id), key=key)

    def _record_refusal(self, alliance_id: str, commitment_id: str | None, keys: list[str], reason: str) -> None:
        with at(activity.info().current_attempt_scheduled_time):
            for key in keys:
                if commitment_id is None:
                    self.application.record_alliance_delivery_failure(UUID(alliance_id), key=key, reason=reason)
                else:
                    self.application.record_commitment_delivery_failure(
                        UUID(alliance_id), UUID(commitment_id), key=key, reason=reason)
        log.warning("follow_up_refused", alliance_id=alliance_id, commitment_id=commitment_id, keys=keys,
                    reason=reason)
