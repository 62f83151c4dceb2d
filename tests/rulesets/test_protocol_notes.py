"""docs/protocol-notes.md lists every ambiguity note of every trial ruleset, and is kept current."""

from __future__ import annotations

from pathlib import Path

from trialscreen.rules.notes import render_notes
from trialscreen.rules.testing import ruleset_files

ROOT = Path(__file__).resolve().parents[2]


def test_protocol_notes_document_is_current():
    expected = render_notes(ruleset_files(ROOT / "rulesets"))
    actual = (ROOT / "docs" / "protocol-notes.md").read_text(encoding="utf-8")
    assert actual == expected, "regenerate: trialscreen rulesets notes rulesets/*.yaml > docs/protocol-notes.md"
