"""The renji-cd19-car-dnt example patients (examples/patients/renji-*.yaml) give the verdicts their header comments
state, on both backends; the notes document lists every criterion note of the ruleset."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

import trialscreen

from .conftest import check_example_verdict, example_summary

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples" / "patients"
RULESET = "renji-cd19-car-dnt"

#: file -> (verdict, earliest eligible date, criteria outcomes that must hold)
EXPECTED: dict[str, tuple[str, date | None, dict[str, str]]] = {
    "renji-aav-mpa-relapse.yaml": (
        "eligible", None,
        {"inc-aav-classification": "met", "inc-aav-refractory": "met", "inc-renal": "met",
         "exc-renal-function": "not_met", "exc-hbv": "not_met", "exc-hbv-hbsag-review": "not_met",
         "exc-rituximab": "not_met", "exc-high-dose-glucocorticoid": "not_met", "inc-contraception": "met",
         "inc-pregnancy-test": "met", "inc-sle-refractory": "not_applicable"},
    ),
    "renji-ssc-diffuse-ild.yaml": (
        "needs_review", None,
        {"inc-ssc-classification": "met", "inc-ssc-refractory": "review", "inc-pregnancy-test": "met",
         "inc-lvef": "met", "exc-active-infection": "not_met"},
    ),
    "renji-iim-dm-jak-washout.yaml": (
        "ineligible", date(2026, 3, 17),
        {"exc-jak-inhibitor": "met", "inc-iim-classification": "met", "inc-iim-refractory": "met",
         "inc-pregnancy-test": "met", "inc-contraception": "met"},
    ),
}


def _summary(path: str, backend: str, as_of: date | None = None) -> tuple[str, date | None, dict[str, str], list[str]]:
    return example_summary(path, RULESET, backend, as_of)


def test_every_renji_example_has_an_expectation() -> None:
    files = sorted(p.name for p in EXAMPLES.glob("renji-*.yaml"))
    assert files == sorted(EXPECTED)


@pytest.mark.parametrize("backend", ["durable", "python"])
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_example_verdict(name: str, backend: str) -> None:
    check_example_verdict(str(EXAMPLES / name), RULESET, backend, EXPECTED[name])


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_example_header_names_the_trial_and_verdict(name: str) -> None:
    header = (EXAMPLES / name).read_text(encoding="utf-8").split("\nid:")[0]
    verdict = EXPECTED[name][0]
    assert RULESET in header and f"{verdict} (both backends)" in header


def test_washout_example_is_decided_by_the_jak_washout_alone_and_lapses() -> None:
    path = str(EXAMPLES / "renji-iim-dm-jak-washout.yaml")
    _, _, _, decisive = _summary(path, "python")
    assert decisive == ["exc-jak-inhibitor"]
    verdict, _, outcomes, _ = _summary(path, "python", as_of=date(2026, 3, 17))
    assert outcomes["exc-jak-inhibitor"] == "not_met"
    assert verdict == "eligible"


def test_ssc_example_is_open_only_on_refractoriness() -> None:
    report = trialscreen.evaluate(str(EXAMPLES / "renji-ssc-diffuse-ild.yaml"), RULESET, backend="python")
    open_items = sorted(c.id for c in report.criteria if c.outcome in ("review", "unknown"))
    assert open_items == ["inc-ssc-refractory"]


def test_protocol_notes_document_lists_every_criterion_note() -> None:
    """docs/protocol-notes/renji-cd19-car-dnt.md holds one bullet per criterion note, exactly as in the ruleset."""
    from trialscreen.rules.loader import load_ruleset_file

    doc = (ROOT / "docs" / "protocol-notes" / f"{RULESET}.md").read_text(encoding="utf-8")
    ruleset = load_ruleset_file(ROOT / "rulesets" / f"{RULESET}.yaml").ruleset
    bullets = [f"- **`{c.id}`** ({c.kind}): {' '.join(c.note.split())}" for c in ruleset.criteria if c.note]
    assert len(bullets) == len(ruleset.criteria)
    missing = [b.split("**")[1] for b in bullets if b not in doc.splitlines()]
    assert not missing, "regenerate the criterion section of the notes document for: " + ", ".join(missing)
