"""axe-core (bundled by axe-playwright-python) over a page: no violation of WCAG 2.1 A and AA."""

from __future__ import annotations

from typing import Any

from axe_playwright_python.sync_playwright import Axe

TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
_axe = Axe()
checked: list[str] = []  # what was checked in this run (the report counts it)


def assert_accessible(page: Any, what: str, open_details: bool = True) -> None:
    """Every <details> opened first, so the forms inside are checked too."""
    if open_details:
        page.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true; })")
    results = _axe.run(page, options={"runOnly": {"type": "tag", "values": TAGS}, "resultTypes": ["violations"]})
    violations = results.response["violations"]
    checked.append(what)
    if violations:
        lines = [f"{v['id']} ({v['impact']}): {v['help']} – " + "; ".join(
            str(n["target"]) for n in v["nodes"][:5]) for v in violations]
        raise AssertionError(f"axe: {len(violations)} Verstöße auf „{what}“ ({page.url}):\n" + "\n".join(lines))
