"""Text that enters the domain is storable everywhere: no C0 controls but tab and newline."""

from __future__ import annotations

import pytest

from domain.application import AllianceApplication
from domain.errors import InvalidInput
from tests.builders import BY, new_alliance


@pytest.mark.parametrize("control", ["\x00", "\x07", "\x1b", "\x0b", "\x0c", "\x1f", "\ud800"])
def test_a_commitment_description_with_a_control_character_is_refused(
    memory_app: AllianceApplication, control: str
) -> None:
    g = new_alliance(memory_app)
    with pytest.raises(InvalidInput, match=f"U\\+{ord(control):04X}"):
        memory_app.pledge_commitment(g.alliance_id, partner_id=g.actors[0], description=f"Räume{control}frei",
                                     kind="raeume", by=BY)
    assert memory_app.commitments(g.alliance_id) == []


def test_tabs_and_line_breaks_are_kept_and_windows_line_ends_become_newlines(memory_app: AllianceApplication) -> None:
    g = new_alliance(memory_app)
    cid = memory_app.pledge_commitment(g.alliance_id, partner_id=g.actors[0], kind="raeume", by=BY,
                                       description="Räume\tfrei\r\nmontags\rund freitags\n")
    assert memory_app.get_commitment(g.alliance_id, cid).description == "Räume\tfrei\nmontags\nund freitags"
