"""The zju-children-sle-cart example patients (examples/patients/zju-children-sle-cart-*.yaml) give the verdicts
their header comments state, on both backends; the eligible 7-year-old is accepted by this trial only."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

import trialscreen

from .conftest import check_example_verdict, example_summary

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples" / "patients"
RULESET = "zju-children-sle-cart"

#: file -> (verdict, earliest eligible date, criteria outcomes that must hold)
EXPECTED: dict[str, tuple[str, date | None, dict[str, str]]] = {
    "zju-children-sle-cart-child-eligible.yaml": (
        "eligible", None,
        {"inc-age": "met", "exc-age-adult-review": "not_met", "inc-sle-classification": "met",
         "inc-sle-refractory": "met", "inc-sledai": "met", "inc-egfr": "met", "inc-pregnancy-test": "met",
         "inc-contraception": "met", "exc-kidney-disease-expected": "not_met", "exc-live-vaccine": "not_met"},
    ),
    "zju-children-sle-cart-child-ineligible.yaml": (
        "ineligible", None, {"inc-egfr": "not_met", "inc-sle-refractory": "met", "inc-contraception": "met"},
    ),
    "zju-children-sle-cart-child-incomplete.yaml": (
        "incomplete", None, {"inc-egfr": "unknown", "exc-hbv": "unknown", "inc-sle-refractory": "met"},
    ),
}


def _summary(path: str, backend: str, as_of: date | None = None) -> tuple[str, date | None, dict[str, str], list[str]]:
    return example_summary(path, RULESET, backend, as_of)


def test_every_zju_example_has_an_expectation() -> None:
    files = sorted(p.name for p in EXAMPLES.glob(f"{RULESET}-*.yaml"))
    assert files == sorted(EXPECTED)


@pytest.mark.parametrize("backend", ["durable", "python"])
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_example_verdict(name: str, backend: str) -> None:
    check_example_verdict(str(EXAMPLES / name), RULESET, backend, EXPECTED[name])


def test_ineligible_example_is_decided_by_egfr_alone() -> None:
    _, _, _, decisive = _summary(str(EXAMPLES / "zju-children-sle-cart-child-ineligible.yaml"), "python")
    assert decisive == ["inc-egfr"]


def test_eligible_child_example_header_states_the_verdict() -> None:
    header = (EXAMPLES / "zju-children-sle-cart-child-eligible.yaml").read_text(encoding="utf-8").split("\nid:")[0]
    assert "zju-children-sle-cart" in header and "eligible" in header


def test_seven_year_old_is_accepted_by_this_trial_only() -> None:
    """A 7-year-old with SLE: every other trial enrols adults, so only zju-children-sle-cart may accept her."""
    result = trialscreen.match(str(EXAMPLES / "zju-children-sle-cart-child-eligible.yaml"), backend="python")
    assert result.by_id(RULESET).verdict == "eligible"
    others = {t.ruleset: t.verdict for t in result.trials if t.ruleset != RULESET}
    assert others, "no other trial installed to compare with"
    assert "eligible" not in others.values(), others


def test_protocol_notes_document_lists_every_criterion_note() -> None:
    """docs/protocol-notes/zju-children-sle-cart.md holds one bullet per criterion note, exactly as in the ruleset."""
    from trialscreen.rules.loader import load_ruleset_file

    doc = (ROOT / "docs" / "protocol-notes" / f"{RULESET}.md").read_text(encoding="utf-8")
    ruleset = load_ruleset_file(ROOT / "rulesets" / f"{RULESET}.yaml").ruleset
    bullets = [f"- **`{c.id}`** ({c.kind}): {' '.join(c.note.split())}" for c in ruleset.criteria if c.note]
    assert len(bullets) == len(ruleset.criteria)
    missing = [b.split("**")[1] for b in bullets if b not in doc.splitlines()]
    assert not missing, "regenerate the criterion section of the notes document for: " + ", ".join(missing)
