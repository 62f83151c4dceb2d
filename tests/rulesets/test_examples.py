"""The example patients in examples/patients/ give the verdicts their header comments state.

This module checks the first four nct07212322 examples; other modules named test_examples_*.py check the rest
(each with its own ``EXPECTED`` mapping file name -> expectation), and every example file must be claimed by one.
"""

from __future__ import annotations

import importlib
from datetime import date
from pathlib import Path

import pytest

import trialscreen

from .conftest import DURABLE_CRASH, run_isolated

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples" / "patients"

#: file -> (ruleset id, verdict, earliest eligible date, criteria that must decide the verdict)
EXPECTED: dict[str, tuple[str, str, date | None, dict[str, str]]] = {
    "nct07212322-eligible.yaml": (
        "nct07212322", "eligible", None,
        {"inc-sle-classification": "met", "inc-sle-autoantibodies": "met", "inc-sle-sledai": "met",
         "inc-sle-refractory": "met", "exc-bcell-depleting": "not_met", "exc-belimumab": "not_met"},
    ),
    "nct07212322-ineligible.yaml": (
        "nct07212322", "ineligible", None,
        {"exc-bcell-depleting": "met", "inc-platelets": "not_met", "inc-sle-sledai": "met", "inc-sle-refractory": "met"},
    ),
    "nct07212322-incomplete.yaml": (
        "nct07212322", "incomplete", None,
        {"inc-inr": "unknown", "inc-aptt": "unknown", "exc-pulmonary-hypertension-pasp": "unknown",
         "exc-hbv-hbcab-dna-review": "unknown", "exc-bcell-depleting": "unknown", "inc-ssc-classification": "met",
         "inc-ssc-subtype-duration": "met", "inc-ssc-ild": "met", "inc-ssc-refractory": "met"},
    ),
    "nct07212322-washout.yaml": (
        "nct07212322", "ineligible", date(2026, 7, 6),
        {"exc-bcell-depleting": "met", "inc-sle-sledai": "met", "inc-sle-refractory": "met"},
    ),
}


def _summary(report: trialscreen.report.Report) -> tuple[str, date | None, dict[str, str], list[str]]:
    outcomes = {c.id: c.outcome for c in report.criteria}
    decisive = sorted(c.id for c in report.criteria if c.decisive)
    return report.verdict, report.earliest_eligible_date, outcomes, decisive


def _evaluate(path: str, ruleset: str, backend: str, as_of: date | None = None):
    return _summary(trialscreen.evaluate(path, ruleset, backend=backend, as_of=as_of))


def _claimed() -> list[str]:
    """Every example file named in the ``EXPECTED`` mapping of this module or of a sibling test_examples_*.py."""
    names = list(EXPECTED)
    for path in sorted(Path(__file__).parent.glob("test_examples_*.py")):
        module = importlib.import_module(f"{__package__}.{path.stem}")
        names.extend(getattr(module, "EXPECTED", {}))
    return names


def test_every_example_has_an_expectation() -> None:
    files = sorted(p.name for p in EXAMPLES.glob("*.yaml"))
    assert files, "no example patients"
    claimed = _claimed()
    assert len(claimed) == len(set(claimed)), "an example is claimed by two test modules"
    assert sorted(claimed) == files


@pytest.mark.parametrize("backend", ["durable", "python"])
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_example_verdict(name: str, backend: str) -> None:
    ruleset, verdict, earliest, criteria = EXPECTED[name]
    path = str(EXAMPLES / name)
    if backend == "durable":
        kind, value = run_isolated(_evaluate, path, ruleset, backend)
        if kind == "crashed":
            pytest.fail(f"{name}: " + DURABLE_CRASH.format(how=value), pytrace=False)
        assert kind == "ok", value
    else:
        value = _evaluate(path, ruleset, backend)
    got_verdict, got_earliest, outcomes, decisive = value
    assert (got_verdict, got_earliest) == (verdict, earliest), f"decisive: {decisive}"
    assert {cid: outcomes[cid] for cid in criteria} == criteria


def test_washout_example_lapses_on_the_earliest_eligible_date() -> None:
    path = str(EXAMPLES / "nct07212322-washout.yaml")
    _, _, before, _ = _evaluate(path, "nct07212322", "python", as_of=date(2026, 7, 5))
    _, _, on, _ = _evaluate(path, "nct07212322", "python", as_of=date(2026, 7, 6))
    assert before["exc-bcell-depleting"] == "met"
    assert on["exc-bcell-depleting"] == "not_met"


def test_ineligible_example_has_no_earliest_date_because_platelets_are_not_a_washout() -> None:
    report = trialscreen.evaluate(str(EXAMPLES / "nct07212322-ineligible.yaml"), "nct07212322", backend="python")
    bcell = next(c for c in report.criteria if c.id == "exc-bcell-depleting")
    assert bcell.lapses_on == date(2026, 6, 17)  # last dose 2025-12-16 + 6 months + 1 day
    assert report.earliest_eligible_date is None
