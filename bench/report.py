"""Writes docs/PERFORMANCE.md from bench/results/*.json and the hand-written notes in bench/notes/.

Per module: its notes (`bench/notes/<module>.md`; the table goes where the line `<!-- figures -->`
stands, else after the notes' heading), then a table of its figures with value, anchor, ratio,
target and whether it is met (✔/✘; "–" for figures measured only for comparison), and the
machine's 1-minute load average when each figure was taken: on 2 shared cores the load of the
other work explains much of the spread between runs. `bench/notes/intro.md` opens the page.

Run: python -m bench.report [--results DIR] [--out FILE]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from bench.common import RESULTS

ROOT = Path(__file__).resolve().parent.parent
NOTES = Path(__file__).parent / "notes"
OUT = ROOT / "docs" / "PERFORMANCE.md"
ORDER = ("event_store", "projections", "scale", "api", "workflows")
MARK = "<!-- figures -->"


def number(x: float | None) -> str:
    if x is None:
        return "–"
    if abs(x) >= 100:
        return f"{x:,.0f}"
    if abs(x) >= 10:
        return f"{x:,.1f}"
    return f"{x:,.2f}" if x != int(x) else f"{x:,.0f}"


def cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def verdict(f: dict[str, Any]) -> str:
    if f.get("target") is None:
        return "–"
    return "✔" if f["ratio"] >= f["target"] else "✘"


def table(payload: dict[str, Any]) -> str:
    lines = [
        f"Measured {payload['measured_at']} (Python {payload['python']}, {payload['machine']}"
        + (f", {payload['cpus']} cores" if payload.get("cpus") else "") + ").",
        "",
        "| figure | value | anchor (same run) | ratio | target | met | load |",
        "|---|---|---|---|---|---|---|",
    ]
    for f in payload["figures"]:
        if "target_text" not in f:  # a results file from before targets were numbers
            f = {**f, "target_text": f"{f.get('target')} (old format: not checked)", "target": None}
        target = f["target_text"] + (f" (ratio ≥ {number(f['target'])})" if f.get("target") is not None else "")
        lines.append(
            f"| {cell(f['name'])} | {number(f['value'])} {f['unit']} "
            f"| {cell(f['anchor'])}: {number(f['anchor_value'])} | {number(f['ratio'])} "
            f"| {cell(target)} | {verdict(f)} | {number(f.get('load_average'))} |"
        )
    return "\n".join(lines) + "\n"


def section(name: str, payload: dict[str, Any] | None) -> str:
    notes_path = NOTES / f"{name}.md"
    notes = notes_path.read_text() if notes_path.exists() else f"## `bench/{name}.py`\n"
    figures = table(payload) if payload is not None else "No results yet: run `python -m bench " + name + "`.\n"
    if MARK in notes:
        before, after = notes.split(MARK, 1)
        return before.rstrip("\n") + "\n\n" + figures + "\n" + after.lstrip("\n")
    heading, _, rest = notes.partition("\n")
    return heading + "\n\n" + figures + ("\n" + rest.lstrip("\n") if rest.strip() else "")


def render(results: Path) -> str:
    payloads = {p.stem: json.loads(p.read_text()) for p in sorted(results.glob("*.json"))}
    names = [n for n in ORDER if n in payloads or (NOTES / f"{n}.md").exists()]
    names += sorted(n for n in payloads if n not in names)
    intro = (NOTES / "intro.md").read_text() if (NOTES / "intro.md").exists() else "# Performance\n"
    parts = [intro.rstrip("\n") + "\n"]
    parts += [section(n, payloads.get(n)).rstrip("\n") + "\n" for n in names]
    return "\n".join(parts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--results", type=Path, default=RESULTS)
    parser.add_argument("--out", type=Path, default=OUT)
    args, _ = parser.parse_known_args()
    args.out.write_text(render(args.results))
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
