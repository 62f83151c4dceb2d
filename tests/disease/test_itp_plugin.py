"""ITP plugin wiring (plugins/trialscreen_itp/plugin.py, predicates.py): the phase value and each predicate
computed from a small patient record through the ScreeningContext — met, not met and unknown.

Expected values: [IWG] Rodeghiero F et al. Blood 2009;113:2386-93 (phases <3 / 3-12 / ≥12 months; refractory =
failure or relapse after splenectomy + need for treatment); [P002] the NCT07212322 registry text.
"""

from __future__ import annotations

from functools import partial
from typing import Any

import pytest

from trialscreen.facts.context import ScreeningContext
from trialscreen.plugins.manager import default_manager
from trialscreen.plugins.types import ValueResult

from .conftest import meds, record_context

AS_OF = "2026-03-20"
BASE: dict[str, Any] = {
    "id": "itp-t", "screening": {"date": AS_OF, "target_indication": "ITP"}, "sex": "male", "birth_date": "1980-02-02",
    "diagnoses": [{"indication": "ITP", "diagnosis_date": "2023-06-01"}],
}


ctx = partial(record_context, BASE)


def value(c: ScreeningContext, vid: str, **params: Any) -> ValueResult:
    return c.value(vid, params)


def diagnosed(day: str | None) -> list[dict]:
    return [{"indication": "ITP", "diagnosis_date": day}] if day else [{"indication": "ITP"}]


def course(drug: str, outcome: str | None, start: str = "2024-01-01", end: str = "2024-03-01") -> dict:
    out: dict[str, Any] = {"drug": drug, "start_date": start, "end_date": end}
    if outcome:
        out["outcome"] = outcome
    return out


def reassessment(date: str = "2026-03-01", **items: Any) -> dict:
    return {"instrument": "itp.reassessment", "date": date, "items": items}


def test_plugin_registers_value_predicates_instrument_category() -> None:
    pm = default_manager()
    assert "itp.phase" in pm.values
    assert {"itp.chronic", "itp.refractory_iwg_2009", "itp.refractory_p002", "itp.prior_treatment_failure_p002"} <= set(pm.predicates)
    assert "itp.reassessment" in pm.assessment_instruments and "splenectomy" in pm.history_categories
    assert pm.indications["ITP"].snomed == ("2897005", "32273002")
    for spec in [*pm.values.values(), *pm.predicates.values()]:
        if spec.id.startswith("itp."):
            assert spec.compute.__doc__ and spec.citation, spec.id


# ------------------------------------------------------------------------------------------------------------
# phase, chronic
# ------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("day", "expected"), [
    ("2026-01-01", "newly_diagnosed"),     # 2.6 months
    ("2025-12-20", "persistent"),          # exactly 3 months: persistent [IWG]
    ("2025-03-21", "persistent"),          # one day short of 12 months
    ("2025-03-20", "chronic"),             # exactly 12 months: chronic (protocol 002 "≥12 months")
])
def test_phase(day: str, expected: str) -> None:
    result = value(ctx(diagnoses=diagnosed(day)), "itp.phase")
    assert result.value == expected and result.evidence[0].source == "diagnoses[0].diagnosis_date"


def test_phase_iwg_reading_and_missing() -> None:
    assert value(ctx(diagnoses=diagnosed("2025-03-20")), "itp.phase", chronic_at_12_months=False).value == "persistent"
    assert value(ctx(diagnoses=diagnosed(None)), "itp.phase").missing == (
        "date of the ITP diagnosis (diagnoses[0].diagnosis_date)",)
    assert value(ctx(diagnoses=[{"indication": "SLE"}]), "itp.phase").missing == (
        "ITP diagnosis (diagnoses[] with indication ITP)",)


def test_chronic() -> None:
    assert value(ctx(diagnoses=diagnosed("2025-03-20")), "itp.chronic").value is True    # [P002] ≥12 months
    assert value(ctx(diagnoses=diagnosed("2025-03-21")), "itp.chronic").value is False
    assert value(ctx(diagnoses=diagnosed("2025-03-20")), "itp.chronic", inclusive=False).value is False
    # several dated ITP diagnoses: the latest counts (conservative)
    two = [{"indication": "ITP", "diagnosis_date": "2020-01-01"}, {"indication": "ITP", "diagnosis_date": "2025-09-01"}]
    assert value(ctx(diagnoses=two), "itp.chronic").value is False
    assert value(ctx(diagnoses=diagnosed(None)), "itp.chronic").value is None


# ------------------------------------------------------------------------------------------------------------
# refractoriness
# ------------------------------------------------------------------------------------------------------------


def test_refractory_iwg_2009() -> None:
    splenectomised = {"reviewed": ["splenectomy"], "events": [{"category": "splenectomy", "date": "2024-05-01"}]}
    met = ctx(history=splenectomised, assessments=[reassessment(no_response_or_relapse_after_splenectomy=True,
                                                                needs_treatment_to_minimise_bleeding_risk=True)])
    result = value(met, "itp.refractory_iwg_2009")
    assert result.value is True and result.evidence[0].source == "history.events[0]"
    no_spleen = ctx(history={"reviewed": ["splenectomy"]}, assessments=[reassessment(
        needs_treatment_to_minimise_bleeding_risk=True)])
    assert value(no_spleen, "itp.refractory_iwg_2009").value is False           # [IWG] adult: splenectomy needed
    responded = ctx(history=splenectomised, assessments=[reassessment(no_response_or_relapse_after_splenectomy=False,
                                                                      needs_treatment_to_minimise_bleeding_risk=True)])
    assert value(responded, "itp.refractory_iwg_2009").value is False


def test_refractory_iwg_2009_unknown() -> None:
    result = value(ctx(assessments=[reassessment(no_response_or_relapse_after_splenectomy=True,
                                                 needs_treatment_to_minimise_bleeding_risk=True)]), "itp.refractory_iwg_2009")
    assert result.value is None
    assert result.missing == ("splenectomy history (category splenectomy not recorded as reviewed)",)
    item_only = ctx(assessments=[reassessment(splenectomy_performed=True, no_response_or_relapse_after_splenectomy=True)])
    open_ = value(item_only, "itp.refractory_iwg_2009")
    assert open_.missing == ("need for treatment to minimise bleeding risk (assessments[0].items."
                             "needs_treatment_to_minimise_bleeding_risk)",)


FAILED_ALL = meds(course("prednisone", "failure"), course("eltrombopag", "failure"), course("rituximab", "failure"))


def test_refractory_p002_drug_route() -> None:
    c = ctx(medications=FAILED_ALL, history={"reviewed": ["splenectomy"]}, assessments=[reassessment(itp_reconfirmed=True)])
    result = value(c, "itp.refractory_p002")
    assert result.value is True
    assert ("failure of rituximab", True) in [(e.label, e.value) for e in result.evidence]
    not_reconfirmed = ctx(medications=FAILED_ALL, history={"reviewed": ["splenectomy"]},
                          assessments=[reassessment(itp_reconfirmed=False)])
    assert value(not_reconfirmed, "itp.refractory_p002").value is False
    stale = ctx(medications=FAILED_ALL, history={"reviewed": ["splenectomy"]},
                assessments=[reassessment("2025-10-01", itp_reconfirmed=True)])           # not "recent" (3 months)
    stale_result = value(stale, "itp.refractory_p002")
    assert stale_result.value is None
    assert stale_result.missing == ("ITP diagnosis reconfirmed on a reassessment (itp.reassessment) within 3 months "
                                    "before screening",)
    assert value(stale, "itp.refractory_p002", reassessment_within={"months": 6}).value is True


def test_refractory_p002_not_met_and_splenectomy_route() -> None:
    rituximab_responded = meds(course("prednisone", "failure"), course("eltrombopag", "failure"),
                               course("rituximab", "response"))
    c = ctx(medications=rituximab_responded, history={"reviewed": ["splenectomy"]},
            assessments=[reassessment(itp_reconfirmed=True)])
    assert value(c, "itp.refractory_p002").value is False
    spleen = ctx(medications=rituximab_responded, history={"events": [{"category": "splenectomy", "date": "2025-01-10"}]},
                 assessments=[reassessment(itp_reconfirmed=True, no_response_or_relapse_after_splenectomy=True)])
    assert value(spleen, "itp.refractory_p002").value is True


def test_refractory_p002_unknown() -> None:
    no_outcome = meds(course("prednisone", "failure"), course("eltrombopag", "failure"), course("rituximab", None))
    result = value(ctx(medications=no_outcome, history={"reviewed": ["splenectomy"]},
                       assessments=[reassessment(itp_reconfirmed=True)]), "itp.refractory_p002")
    assert result.value is None
    assert result.missing == ("outcome of rituximab (medications.items[2].outcome)",)


def test_prior_treatment_failure_p002() -> None:
    for outcome in ("relapse", "intolerance", "failure"):
        c = ctx(medications=meds(course("dexamethasone", outcome)))
        assert value(c, "itp.prior_treatment_failure_p002").value is True, outcome
    responded = ctx(medications=meds(course("dexamethasone", "response"), course("IVIG", "response")))
    assert value(responded, "itp.prior_treatment_failure_p002").value is False
    never = ctx(medications=meds())
    assert value(never, "itp.prior_treatment_failure_p002").value is False
    open_ = value(ctx(medications=meds(course("hetrombopag", None))), "itp.prior_treatment_failure_p002")
    assert open_.value is None and open_.missing == ("outcome of hetrombopag (medications.items[0].outcome)",)
    assert value(ctx(), "itp.prior_treatment_failure_p002").value is None            # no medication history
