"""The nct07212322 APS and ITP example patients (examples/patients/nct07212322-aps.yaml, -itp.yaml) give the
verdicts their header comments state, on both backends; the variants the headers describe (the APS patient on
warfarin, the ITP patient once the investigator confirms the guideline diagnosis) give theirs too.

The other four nct07212322 examples are checked by tests/rulesets/test_examples.py.
"""

from __future__ import annotations

import copy
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

import trialscreen

from .conftest import DURABLE_CRASH, run_isolated

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples" / "patients"
RULESET = "nct07212322"

#: file -> (verdict, earliest eligible date, criteria outcomes that must hold)
EXPECTED: dict[str, tuple[str, date | None, dict[str, str]]] = {
    "nct07212322-aps.yaml": (
        "eligible", None,
        {"inc-aps-diagnosis-refractory": "met", "inc-aps-apl-persistent": "met",
         "inc-aps-non-criteria-manifestation": "met", "inc-platelets": "met", "inc-inr": "met", "inc-aptt": "met",
         "exc-catastrophic-aps": "not_met", "exc-other-autoimmune": "not_met", "inc-sle-classification": "not_applicable"},
    ),
    "nct07212322-itp.yaml": (
        "needs_review", None,
        {"inc-itp-diagnosis": "review", "inc-itp-prior-treatment": "met", "inc-itp-chronic-refractory": "met",
         "inc-platelets": "not_applicable", "exc-platelet-boosting-transfusion": "not_applicable",
         "inc-no-transfusion-before-testing": "met", "exc-hbv": "not_met", "exc-hbv-hbcab-dna-review": "not_met",
         "exc-bcell-depleting": "not_met", "exc-ivig-high-dose": "not_met"},
    ),
}


def _summary(patient: str | dict[str, Any], backend: str) -> tuple[str, date | None, dict[str, str], list[str]]:
    report = trialscreen.evaluate(patient, RULESET, backend=backend)
    outcomes = {c.id: c.outcome for c in report.criteria}
    decisive = sorted(c.id for c in report.criteria if c.decisive)
    return report.verdict, report.earliest_eligible_date, outcomes, decisive


def _run(patient: str | dict[str, Any], backend: str) -> tuple[str, date | None, dict[str, str], list[str]]:
    if backend == "python":
        return _summary(patient, backend)
    kind, value = run_isolated(_summary, patient, backend)
    if kind == "crashed":
        pytest.fail(DURABLE_CRASH.format(how=value), pytrace=False)
    assert kind == "ok", value
    return value


def _record(name: str) -> dict[str, Any]:
    return yaml.safe_load((EXAMPLES / name).read_text(encoding="utf-8"))


def test_every_nct07212322_example_of_this_module_exists() -> None:
    for name in EXPECTED:
        assert (EXAMPLES / name).is_file(), name


@pytest.mark.parametrize("backend", ["durable", "python"])
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_example_verdict(name: str, backend: str) -> None:
    verdict, earliest, criteria = EXPECTED[name]
    got_verdict, got_earliest, outcomes, decisive = _run(str(EXAMPLES / name), backend)
    assert (got_verdict, got_earliest) == (verdict, earliest), f"decisive: {decisive}"
    assert {cid: outcomes[cid] for cid in criteria} == criteria


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_header_states_trial_and_verdict(name: str) -> None:
    header = (EXAMPLES / name).read_text(encoding="utf-8").split("\nid:")[0]
    verdict = EXPECTED[name][0]
    assert RULESET in header
    assert f"--ruleset {RULESET}`: {verdict}" in header


def test_itp_review_item_names_the_decision_to_record() -> None:
    report = trialscreen.evaluate(str(EXAMPLES / "nct07212322-itp.yaml"), RULESET, backend="python")
    assert [item.criterion for item in report.review_items] == ["inc-itp-diagnosis"]
    assert "itp_diagnosis_chinese_guideline_2020" in report.review_items[0].reason


@pytest.mark.parametrize("backend", ["durable", "python"])
def test_itp_example_is_eligible_once_the_investigator_confirms_the_guideline_diagnosis(backend: str) -> None:
    record = _record("nct07212322-itp.yaml")
    record["investigator"]["decisions"] = [
        {"topic": "itp_diagnosis_chinese_guideline_2020", "applies": True, "by": "PI", "date": "2026-03-16"}]
    verdict, _, outcomes, _ = _run(record, backend)
    assert verdict == "eligible"
    assert outcomes["inc-itp-diagnosis"] == "met"


@pytest.mark.parametrize("backend", ["durable", "python"])
def test_aps_example_on_warfarin_is_ineligible_on_the_inr(backend: str) -> None:
    """The header's counterfactual: INR 2.6 with ULN 1.2 is 2.17 × ULN > 1.5 (no anticoagulation exception)."""
    record = copy.deepcopy(_record("nct07212322-aps.yaml"))
    record["medications"]["items"][1] = {"drug": "warfarin", "start_date": "2022-06-20", "ongoing": True,
                                         "dose": {"value": 6, "unit": "mg", "per": "day"}}
    inr = next(lab for lab in record["labs"] if lab["test"] == "inr")
    inr["value"] = 2.6
    verdict, _, outcomes, decisive = _run(record, backend)
    assert verdict == "ineligible"
    assert decisive == ["inc-inr"]
    assert outcomes["inc-aps-diagnosis-refractory"] == "met"
