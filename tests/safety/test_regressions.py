"""Regression tests for the bugs the soundness and agreement tests found, each named after what it caught."""

from __future__ import annotations

import copy
from pathlib import Path

import trialscreen
from trialscreen.io.files import parse_document, read_text

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "patients"


def _example(name: str) -> dict:
    return parse_document(*read_text(EXAMPLES / name))


def _outcomes(report: trialscreen.report.Report) -> dict[str, str]:
    return {c.id: c.outcome for c in report.criteria}


def test_regression_eligible_when_the_spleen_was_not_assessed() -> None:
    """Found by tests/safety/test_every_removal.py: the SLE-ITP example (spleen enlarged) needs review; removing
    the spleen finding (not assessed) made it eligible. An unassessed spleen now leaves SLE-ITP unknown, asking
    for the spleen size, and only a spleen recorded as not enlarged decides it."""
    patient = _example("nct06316791-sle-itp.yaml")
    items = patient["assessments"][0]["items"]
    assert items["spleen_enlarged"] is True

    enlarged = trialscreen.evaluate(patient, "nct06316791", backend="python")
    assert enlarged.verdict == "needs_review" and _outcomes(enlarged)["inc-sle-itp"] == "review"

    not_assessed = copy.deepcopy(patient)
    del not_assessed["assessments"][0]["items"]["spleen_enlarged"]
    for backend in ("durable", "python"):
        report = trialscreen.evaluate(not_assessed, "nct06316791", backend=backend)
        assert report.verdict == "incomplete"
        assert _outcomes(report)["inc-sle-itp"] == "unknown"
        assert [m.fact for m in report.missing_facts] == ["spleen size (assessments[0])"]

    normal = copy.deepcopy(patient)
    normal["assessments"][0]["items"]["spleen_enlarged"] = False
    report = trialscreen.evaluate(normal, "nct06316791", backend="python")
    assert report.verdict == "eligible" and _outcomes(report)["inc-sle-itp"] == "met"
