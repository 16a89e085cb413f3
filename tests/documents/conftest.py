"""The Kassel story on the in-memory store with a simulated clock; readers of PDF and DOCX text."""

from __future__ import annotations

import io
import re
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest
from docx import Document as read_docx
from pypdf import PdfReader

from config.settings import load_settings
from domain.application import AllianceApplication
from tests.documents.story import Clock, Kassel, kassel
from workers.bootstrap import build_application

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts" / "documents"


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2024, 9, 1, tzinfo=UTC))


@pytest.fixture
def app(clock: Clock) -> AllianceApplication:
    return build_application(load_settings(store="memory"), clock=clock)


@pytest.fixture
def story(app: AllianceApplication, clock: Clock) -> Kassel:
    return kassel(app, clock)


def words(text: str) -> str:
    """Extracted text as one line: hyphenation at line ends undone, whitespace collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"[\u2010-]\n(?=[a-zäöüß])", "", text)).strip()


def pdf_text(content: bytes) -> str:
    return words("\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages))


def docx_text(content: bytes) -> str:
    document = read_docx(io.BytesIO(content))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts += [" ".join(cell.text for cell in row.cells) for row in table.rows]
    section = document.sections[0]
    parts += [p.text for p in section.header.paragraphs] + [p.text for p in section.footer.paragraphs]
    return words("\n".join(parts))


def picture(content: bytes, name: str) -> Path:
    """The first page as PNG under tests/artifacts/documents/ (pdftoppm, Debian's poppler-utils)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    source = ARTIFACTS / f"{name}.pdf"
    source.write_bytes(content)
    subprocess.run(["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile", str(source),
                    str(ARTIFACTS / name)], check=True, timeout=60)
    return ARTIFACTS / f"{name}.png"
