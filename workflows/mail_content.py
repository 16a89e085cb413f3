"""What a follow-up e-mail says and to whom: roles resolved to addresses, the template variables.

Recipients are roles (`koordination`, `servicebuero`, `partner:<actor>`, `organiser:<actor>`).
A partner or organiser is written to at the e-mail of its (not erased) contact persons; a role
without a stored address gets a role address in the mail domain (`koordination+<alliance>@…`).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from domain.alliance import Alliance
from domain.application import AllianceApplication
from domain.commitment import Commitment
from domain.facts import alliance_facts
from domain.follow_up_words import page_anchor
from domain.follow_ups import COORDINATOR, SERVICEBUERO
from domain.steps import STEP_TITLES
from workflows.notifications import MEETING_RULES, Mail, german_date
from workflows.payloads import Notification, Summary


def addresses(application: AllianceApplication, alliance: Alliance, role: str, *, sender: str,
              domain: str) -> list[str]:
    """The e-mail addresses behind a role (see the module docstring)."""
    kind, _, actor_id = role.partition(":")
    if role == SERVICEBUERO:
        return [sender]
    if role == COORDINATOR or not actor_id:
        return [f"koordination+{alliance.id}@{domain}"]
    found = []
    for person in alliance.persons.values():
        if str(person.actor_id) == actor_id and not person.erased:
            data = application.contact_person(alliance.id, person.id)
            if data is not None and data.email:
                found.append(data.email)
    return found or [f"{kind}+{actor_id}@{domain}"]


def mail_for(application: AllianceApplication, alliance: Alliance, notification: Notification,
             commitment: Commitment | None, *, sender: str, domain: str, site_url: str | None = None) -> Mail:
    f = notification.follow_up
    to = tuple(dict.fromkeys(
        a for role in f.recipients
        for a in addresses(application, alliance, role, sender=sender, domain=domain)))
    context: dict[str, object] = {
        "alliance": alliance.name,
        "municipality": alliance.municipality,
        "state": alliance.state.value,
        "step": alliance.step,
        "step_title": STEP_TITLES.get(alliance.step, ""),
        "since": german_date(alliance.step_entered_at),
        "due_on": german_date(f.due_at),
        "subject": alliance.name,
        "link": _link(site_url, alliance, f.rule, f.subject_id, str(commitment.id) if commitment else None),
    }
    meeting = None
    if commitment is not None:
        context.update(subject=commitment.description, due_on=german_date(commitment.due_on))
    elif f.subject_id in alliance.meetings:
        m = alliance.meetings[f.subject_id]
        context.update(subject=m.title, due_on=german_date(m.held_on or m.on))
        meeting = (m.title, m.held_on or m.on)
    elif f.subject_id in alliance.working_groups:
        context["subject"] = alliance.working_groups[f.subject_id].name
    elif f.subject_id in alliance.contacts:
        contact = alliance.contacts[f.subject_id]
        actor = alliance.actors.get(str(contact.actor_id))
        context.update(subject=actor.name if actor else "einer Organisation",
                       due_on=german_date(contact.follow_up_on))
    if f.rule == "passive_partners_uninvited":
        facts = alliance_facts(alliance, application.policy).network
        names = [alliance.actors[k].name for k in (facts.passive_uninvited if facts else ()) if k in alliance.actors]
        context["partners"] = ", ".join(names) or "einige Partner"
    if f.rule in MEETING_RULES and f.rule != "minutes_missing":
        context["since"] = german_date(_last_all_partner_meeting(application, alliance))
        meeting = ("Bündnistreffen planen", (f.due_at + timedelta(days=30)).date())
    return Mail(to, f"{f.label}: {alliance.name}", context, meeting)


def _last_all_partner_meeting(application: AllianceApplication, alliance: Alliance) -> datetime:
    on = alliance_facts(alliance, application.policy).last_all_partner_meeting_on
    return alliance.step_entered_at if on is None else datetime.combine(on, datetime.min.time())


def _link(site_url: str | None, alliance: Alliance, rule: str, subject_id: str | None,
          commitment_id: str | None) -> str | None:
    """The alliance page, at the section where the reminded thing is done."""
    if site_url is None:
        return None
    return f"{site_url.rstrip('/')}/alliances/{alliance.id}{page_anchor(rule, subject_id, commitment_id)}"


def summary_for(application: AllianceApplication, alliance: Alliance, summary: Summary,
                commitment: Commitment | None, *, sender: str, domain: str, site_url: str | None = None) -> Mail:
    """One mail listing the missed follow-ups of one workflow for one recipient role."""
    to = tuple(dict.fromkeys(addresses(application, alliance, summary.recipient, sender=sender, domain=domain)))
    items = []
    for f in sorted(summary.follow_ups, key=lambda f: f.due_at):
        single = mail_for(application, alliance, Notification(str(alliance.id), f,
                                                              str(commitment.id) if commitment else None),
                          commitment, sender=sender, domain=domain)
        items.append({"label": f.label, "subject": single.context["subject"], "due_on": german_date(f.due_at)})
    n = len(items)
    what = "eine verpasste Erinnerung" if n == 1 else f"{n} verpasste Erinnerungen"
    first = min(summary.follow_ups, key=lambda f: f.due_at)
    context: dict[str, object] = {
        "alliance": alliance.name, "items": items, "what": what,
        "link": _link(site_url, alliance, first.rule, first.subject_id, str(commitment.id) if commitment else None),
    }
    return Mail(to, f"Zusammenfassung: {what} – {alliance.name}", context)
