"""Cohort choice: a diagnosis whose finer condition is missing is unknown (not ineligible); a patient who fits
several cohorts is screened for each and the most favourable verdict is kept; judgement topics can demand an
explicit decision."""

from __future__ import annotations

import textwrap

import pytest

import trialscreen

RULESET = textwrap.dedent("""
    id: cohort-test
    title: Cohort test
    version: "1"
    source: {file: none.txt}
    cohorts:
      - {id: ln, indication: SLE, title: Lupus nephritis, conditions: [LN]}
      - {id: itp, indication: SLE, title: SLE-ITP, conditions: [SLE-ITP]}
    criteria:
      - id: inc-platelets-itp
        kind: inclusion
        text: platelets below 50 (ITP cohort)
        cohorts: {only: [itp]}
        condition: {fact: lab.platelets, op: "<", value: 50, unit: 10^9/L}
      - id: inc-platelets-ln
        kind: inclusion
        text: platelets at least 100 (LN cohort)
        cohorts: {only: [ln]}
        condition: {fact: lab.platelets, op: ">=", value: 100, unit: 10^9/L}
      - id: inc-relaxation
        kind: inclusion
        text: investigator allows the renal relaxation
        cohorts: {only: [ln]}
        condition: {judgement: renal_relaxation, when_silent: review}
    """)


def patient(conditions, platelets=30.0, decisions=()):
    return {
        "id": "c", "screening": {"date": "2026-11-20"}, "sex": "female", "birth_date": "1990-01-01",
        "diagnoses": [{"indication": "SLE", "condition": c} for c in conditions],
        "labs": [{"test": "platelets", "value": platelets, "unit": "10^9/L", "date": "2026-11-18"}],
        "investigator": {"decisions": [{"topic": t, "applies": a} for t, a in decisions]},
    }


@pytest.fixture(scope="module")
def ruleset(tmp_path_factory):
    path = tmp_path_factory.mktemp("rs") / "cohort-test.yaml"
    path.write_text(RULESET)
    return str(path)


@pytest.mark.parametrize("backend", ["durable", "python"])
def test_missing_condition_is_unknown_not_ineligible(ruleset, backend):
    report = trialscreen.evaluate(patient([None]), ruleset, backend=backend)
    cohort = report.criteria[0]
    assert (report.verdict, cohort.outcome) == ("incomplete", "unknown")
    assert any("diagnoses[0].condition" in m for m in cohort.missing)


@pytest.mark.parametrize("backend", ["durable", "python"])
def test_several_cohorts_are_each_screened_and_the_best_kept(ruleset, backend):
    # Platelets 30: fails the LN cohort (>= 100) but meets the ITP cohort (< 50).
    report = trialscreen.evaluate(patient(["LN", "SLE-ITP"]), ruleset, backend=backend)
    assert report.cohort.id == "itp" and report.verdict == "eligible"
    assert "also fits ln" in report.criteria[0].note
    # Platelets 150: the LN cohort is better, but its relaxation needs an explicit decision.
    report = trialscreen.evaluate(patient(["LN", "SLE-ITP"], platelets=150.0), ruleset, backend=backend)
    assert report.cohort.id == "ln" and report.verdict == "needs_review"


def test_judgement_when_silent_review_distinguishes_no_decision_from_refusal(ruleset):
    outcome = lambda r: {c.id: c.outcome for c in r.criteria}["inc-relaxation"]  # noqa: E731
    silent = trialscreen.evaluate(patient(["LN"], platelets=150.0), ruleset)
    refused = trialscreen.evaluate(patient(["LN"], 150.0, [("renal_relaxation", False)]), ruleset)
    allowed = trialscreen.evaluate(patient(["LN"], 150.0, [("renal_relaxation", True)]), ruleset)
    assert (outcome(silent), outcome(refused), outcome(allowed)) == ("review", "not_met", "met")
    assert refused.verdict == "ineligible" and allowed.verdict == "eligible"
