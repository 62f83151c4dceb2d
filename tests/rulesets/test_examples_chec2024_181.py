"""The chec2024-181 example patients (examples/patients/chec2024-181-*.yaml) give the verdicts their header
comments state, on both backends, decided by the criteria named here."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest


from .conftest import check_example_verdict, example_summary

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples" / "patients"
RULESET = "chec2024-181"

#: file -> (verdict, earliest eligible date, outcomes of the criteria that decide the verdict)
EXPECTED: dict[str, tuple[str, date | None, dict[str, str]]] = {
    "chec2024-181-sjogren.yaml": (
        "eligible", None,
        {"inc-sjogren-classification": "met", "inc-sjogren-essdai": "met", "inc-sjogren-refractory": "met",
         "exc-hbv": "not_met", "exc-sjogren-cirrhosis": "not_met", "inc-ssc-classification": "not_applicable"},
    ),
    "chec2024-181-ssc.yaml": (
        "ineligible", None,
        {"inc-ssc-progression": "not_met", "inc-ssc-classification": "met", "inc-ssc-ild": "met",
         "inc-ssc-refractory": "met", "inc-contraception": "met", "inc-pregnancy-test": "met"},
    ),
    "chec2024-181-iim.yaml": (
        "needs_review", None,
        {"inc-alt": "review", "inc-ast": "review", "inc-iim-classification": "met", "inc-iim-activity": "met",
         "inc-iim-antibodies": "met", "inc-iim-refractory": "met", "exc-iim-tumour-associated": "not_met"},
    ),
    "chec2024-181-ra.yaml": (
        "eligible", None,
        {"inc-ra-classification": "met", "inc-ra-active": "met", "inc-ra-d2t-treatment-failure": "met",
         "inc-ra-d2t-all-three": "met", "exc-ra-functional-class-4": "not_met", "inc-pregnancy-test": "met"},
    ),
}


def _summary(path: str, backend: str, as_of: date | None = None) -> tuple[str, date | None, dict[str, str], list[str]]:
    return example_summary(path, RULESET, backend, as_of)


def test_every_chec2024_181_example_has_an_expectation() -> None:
    files = sorted(p.name for p in EXAMPLES.glob("chec2024-181-*.yaml"))
    assert len(files) >= 4, "one example per cohort (sjogren, ssc, iim, ra) at least"
    assert sorted(EXPECTED) == files


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_header_comment_states_the_verdict(name: str) -> None:
    header = "".join(line for line in (EXAMPLES / name).read_text(encoding="utf-8").splitlines(keepends=True)
                     if line.startswith("#"))
    assert "chec2024-181" in header.splitlines()[0]
    stated = re.search(r"--ruleset chec2024-181`:\s*#?\s*(\w+)", header)
    assert stated, "the header must quote the `trialscreen evaluate ... --ruleset chec2024-181` verdict"
    assert stated.group(1) == EXPECTED[name][0]


@pytest.mark.parametrize("backend", ["durable", "python"])
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_example_verdict(name: str, backend: str) -> None:
    check_example_verdict(str(EXAMPLES / name), RULESET, backend, EXPECTED[name])


def test_protocol_notes_document_carries_every_criterion_note() -> None:
    """docs/protocol-notes/chec2024-181.md lists each criterion note of the ruleset word for word (as `trialscreen
    rulesets notes` renders it), and no bullet for a criterion that has no note (or no longer exists)."""
    from trialscreen.rules.notes import render_notes

    rendered = render_notes([ROOT / "rulesets" / f"{RULESET}.yaml"])
    bullets = [line for line in rendered.splitlines() if line.startswith("- **`")]
    doc = (ROOT / "docs" / "protocol-notes" / f"{RULESET}.md").read_text(encoding="utf-8")
    documented = [line for line in doc.splitlines() if line.startswith("- **`")]
    assert bullets, "the ruleset carries no notes"
    assert documented == bullets, "regenerate the criterion-notes section of docs/protocol-notes/chec2024-181.md"
