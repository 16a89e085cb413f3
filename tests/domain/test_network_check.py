"""Step 5 as a living Netzwerk-Check: the guide's health rules shown and counted, never blocking, and
followed up where the guide implies it (steering group, press work, passive partners)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from domain.application import AllianceApplication
from domain.facts import alliance_facts
from domain.follow_ups import AllianceFacts, FollowUpPolicy, due_now, plan_alliance
from domain.network import NETWORK_TITLES, NetworkFacts, network_check, network_facts
from domain.steps import StepPolicy
from tests.builders import BY, Given, alliance_in_step

TODAY = date(2027, 6, 1)
ENTERED = datetime(2027, 1, 4, 9, tzinfo=UTC)
HEALTHY = NetworkFacts(working_groups=2, groups_without_speaker=0, quick_wins=1, steering_group=3,
                       meetings_held=(date(2026, 9, 1), date(2027, 3, 1)), last_publicity_on=date(2027, 5, 1),
                       anchorings=1)


def unmet(facts: NetworkFacts, today: date = TODAY) -> list[str]:
    return [c.code for c in network_check(facts, today, StepPolicy()) if not c.met]


def test_a_healthy_network_meets_every_rule_of_the_guide() -> None:
    criteria = network_check(HEALTHY, TODAY, StepPolicy())
    assert [c.code for c in criteria] == list(NETWORK_TITLES)
    assert all(c.met for c in criteria)


@pytest.mark.parametrize(("change", "code"), [
    ({"working_groups": 0}, "working_groups"),
    ({"groups_without_speaker": 1}, "speakers"),
    ({"quick_wins": 0}, "quick_wins"),
    ({"steering_group": 0}, "steering_group"),
    ({"meetings_held": (date(2026, 5, 1), date(2027, 3, 1))}, "partner_meetings"),
    ({"passive_uninvited": ("x",)}, "passive_partners"),
    ({"last_publicity_on": date(2026, 11, 30)}, "publicity"),
    ({"last_publicity_on": None}, "publicity"),
    ({"anchorings": 0}, "anchoring"),
])
def test_each_rule_of_the_guide_is_judged_on_its_own(change: dict[str, object], code: str) -> None:
    assert unmet(replace(HEALTHY, **change)) == [code]  # type: ignore[arg-type]


def test_meetings_and_press_work_look_back_from_the_day_asked() -> None:
    assert unmet(HEALTHY, date(2027, 11, 2)) == ["partner_meetings", "publicity"]


def test_the_facts_round_trip_through_plain_json_values() -> None:
    facts = replace(HEALTHY, meetings_planned=(("m1", date(2027, 9, 1)),), passive_uninvited=("a", "b"))
    assert NetworkFacts.from_dict(facts.as_dict()) == facts


def step_5(app: AllianceApplication) -> Given:
    g = alliance_in_step(app, 5)
    return g


def test_the_facts_are_read_off_the_alliance(memory_app: AllianceApplication) -> None:
    g = step_5(memory_app)  # team: actors 0–2; signed: actors 0–3; actor 4 said yes, never signed
    app, aid = memory_app, g.alliance_id
    group = app.form_working_group(aid, name="AG Betreuung", theme="Betreuung", by=BY)
    app.join_working_group(aid, group, actor_id=g.actors[4], by=BY)
    app.set_steering_group(aid, member_ids=g.actors[:2], by=BY)
    app.record_publicity(aid, on=date(2027, 2, 1), title="Pressemitteilung", by=BY)
    app.record_anchoring(aid, kind="kooperation", name="Pflegenetzwerk", since=date(2027, 1, 1), by=BY)
    meeting = app.schedule_meeting(aid, kind="all_partners", on=date(2027, 9, 1), title="Bündnistreffen", by=BY)

    facts = network_facts(app.get_alliance(aid))

    assert (facts.working_groups, facts.groups_without_speaker, facts.steering_group, facts.anchorings) == (1, 1, 2, 1)
    assert facts.passive_uninvited == (str(g.actors[3]),)  # signed, in no group, never invited
    assert facts.meetings_planned == ((str(meeting), date(2027, 9, 1)),)
    assert facts.last_publicity_on == date(2027, 2, 1)

    app.invite_to_meeting(aid, meeting, actor_ids=[g.actors[3]], by=BY)
    assert network_facts(app.get_alliance(aid)).passive_uninvited == ()


def test_a_partner_who_declined_is_no_passive_partner(memory_app: AllianceApplication) -> None:
    g = step_5(memory_app)
    memory_app.record_contact(g.alliance_id, actor_id=g.actors[4], on=date(2027, 1, 5), outcome="not_interested",
                              by=BY)
    assert str(g.actors[4]) not in network_facts(memory_app.get_alliance(g.alliance_id)).passive_uninvited


# ---- follow-ups -------------------------------------------------------------------------------------

POLICY = FollowUpPolicy()


def in_step_5(network: NetworkFacts | None, **kwargs: object) -> AllianceFacts:
    base = AllianceFacts(alliance_id="a1", step=5, status="active", step_entered_at=ENTERED,
                         last_all_partner_meeting_on=date(2027, 5, 1), network=network)
    return replace(base, **kwargs)  # type: ignore[arg-type]


def due(facts: AllianceFacts, now: datetime, policy: FollowUpPolicy = POLICY) -> dict[str, str]:
    return {f.rule: f.key for f in due_now(plan_alliance(facts, now, policy), now)}


def test_a_missing_steering_group_is_followed_up_90_days_into_step_5() -> None:
    f = in_step_5(replace(HEALTHY, steering_group=0))
    assert "steering_group_missing" not in due(f, ENTERED + timedelta(days=89))
    key = due(f, ENTERED + timedelta(days=91))["steering_group_missing"]
    assert key == f"steering_group_missing:a1:{ENTERED.isoformat()}"
    assert "steering_group_missing" not in due(in_step_5(HEALTHY), ENTERED + timedelta(days=91))


def test_six_months_without_press_work_are_followed_up_anchored_on_the_last() -> None:
    f = in_step_5(replace(HEALTHY, last_publicity_on=date(2027, 2, 1)))
    assert "publicity_missing" not in due(f, datetime(2027, 7, 31, 12, tzinfo=UTC))
    assert due(f, datetime(2027, 8, 1, 12, tzinfo=UTC))["publicity_missing"] == "publicity_missing:a1:2027-02-01"
    # Without any press work, the six months count from entering step 5.
    never = in_step_5(replace(HEALTHY, last_publicity_on=None))
    assert due(never, datetime(2027, 7, 5, 12, tzinfo=UTC))["publicity_missing"] == "publicity_missing:a1:2027-01-04"


def test_passive_partners_never_invited_are_followed_up_before_the_next_all_partner_meeting() -> None:
    f = in_step_5(replace(HEALTHY, passive_uninvited=("p1",), meetings_planned=(("m1", date(2027, 9, 15)),)))
    assert "passive_partners_uninvited" not in due(f, datetime(2027, 8, 31, 12, tzinfo=UTC))
    assert due(f, datetime(2027, 9, 1, 12, tzinfo=UTC))["passive_partners_uninvited"] == "passive_partners_uninvited:m1"
    # Once the meeting's day has passed, there is nothing left to invite them to.
    assert "passive_partners_uninvited" not in due(f, datetime(2027, 9, 16, 12, tzinfo=UTC))
    assert "passive_partners_uninvited" not in due(replace(f, network=HEALTHY), datetime(2027, 9, 1, 12, tzinfo=UTC))


def test_without_the_network_facts_or_with_the_rules_off_nothing_new_is_planned() -> None:
    """Views recorded before the Netzwerk-Check carry no facts; runs started before run with the rules off."""
    late = datetime(2028, 6, 1, 12, tzinfo=UTC)
    bare = NetworkFacts()
    assert not {"steering_group_missing", "publicity_missing"} & set(due(in_step_5(None), late))
    assert not {"steering_group_missing", "publicity_missing"} & set(
        due(in_step_5(bare), late, replace(POLICY, network_rules=0)))
    assert {"steering_group_missing", "publicity_missing"} <= set(due(in_step_5(bare), late))


def test_the_workflows_facts_carry_the_network_in_step_5_only(memory_app: AllianceApplication) -> None:
    four = alliance_in_step(memory_app, 4)
    five = alliance_in_step(memory_app, 5)
    assert alliance_facts(memory_app.get_alliance(four.alliance_id), memory_app.policy).network is None
    assert alliance_facts(memory_app.get_alliance(five.alliance_id), memory_app.policy).network is not None
