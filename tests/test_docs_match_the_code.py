"""Docs that say what the code does: every setting an operator can set is documented where an
operator looks (README.md, infra/buendnis.env.example), and every CLI command the docs name exists."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from config.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
BUENDNIS = Path(sys.executable).parent / "buendnis"
DOCS = [ROOT / "README.md", ROOT / "infra" / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def variables() -> list[str]:
    return sorted(f"BUENDNIS_{name.upper()}" for name in Settings.model_fields)


@pytest.mark.parametrize("document", ["README.md", "infra/buendnis.env.example"])
def test_every_setting_is_documented(document: str) -> None:
    text = (ROOT / document).read_text()
    missing = [v for v in variables() if v not in text]
    assert missing == [], f"{document} erwähnt nicht: {', '.join(missing)}"


def named_commands() -> list[tuple[str, ...]]:
    """`buendnis word word …` as the docs write it, up to the first option or placeholder."""
    found: set[tuple[str, ...]] = set()
    for doc in DOCS:
        # As code: in backticks or after the venv's bin/, not the word in prose.
        for match in re.finditer(r"(?:`|bin/)buendnis((?: [a-z][a-z-]*)+)", doc.read_text()):
            words = tuple(match.group(1).split())
            found.add(words[:2])
    return sorted(found)


def test_the_docs_name_commands() -> None:
    assert len(named_commands()) >= 5


@pytest.mark.parametrize("words", named_commands(), ids=" ".join)
def test_every_command_the_docs_name_exists(words: tuple[str, ...]) -> None:
    # A second word may be the first word's argument ("token servicebuero"): then the first must exist.
    for candidate in (words, words[:1]):
        done = subprocess.run([str(BUENDNIS), *candidate, "--help"], capture_output=True, text=True, timeout=60)
        if done.returncode == 0:
            return
    raise AssertionError(f"`buendnis {' '.join(words)} --help` endet mit {done.returncode}: {done.stderr[-500:]}")


def test_the_docs_point_only_to_files_in_the_repository() -> None:
    """A reader of the project can open every file the docs name: nothing outside it."""
    outside = []
    for doc in DOCS:
        for match in re.finditer(r"`(\.\./[^`]+|[A-Za-z_./-]+\.(?:md|py|toml|txt|json))`", doc.read_text()):
            name = match.group(1)
            if name.startswith("../") or "shared/" in name:
                outside.append(f"{doc.name}: {name}")
                continue
            if name.startswith("/"):  # a URL path of the running server, e.g. /openapi.json
                continue
            if "/" in name and not any((base / name).exists() for base in (ROOT, doc.parent)):
                outside.append(f"{doc.name}: {name}")
    assert outside == []
