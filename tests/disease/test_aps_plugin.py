"""APS plugin wiring (plugins/trialscreen_aps/plugin.py, predicates.py): each predicate computed from a small
patient record through the ScreeningContext — met, not met and unknown, with evidence and missing data.

Expected values: [ACR/EULAR2023] Barbhaiya 2023 weights (see test_aps_criteria.py); [Sydney2006] Miyakis 2006;
[P002] the NCT07212322 registry text (">12 weeks apart" = more than 84 days; CAPS "within 3 months").
"""

from __future__ import annotations

from functools import partial
from typing import Any

from trialscreen.facts.context import ScreeningContext
from trialscreen.plugins.manager import default_manager
from trialscreen.plugins.types import ValueResult
from trialscreen_aps.items import Aps2023Items

from .conftest import record_context

AS_OF = "2026-03-20"
BASE: dict[str, Any] = {
    "id": "aps-t", "screening": {"date": AS_OF}, "sex": "female", "birth_date": "1985-05-05",
    "diagnoses": [{"indication": "APS", "diagnosis_date": "2021-01-01"}],
}


ctx = partial(record_context, BASE)


def value(c: ScreeningContext, vid: str, **params: Any) -> ValueResult:
    return c.value(vid, params)


def test_plugin_registers_predicates_instruments_and_tests() -> None:
    pm = default_manager()
    assert {"aps.acr_eular_2023", "aps.sydney_2006", "aps.apl_persistent", "aps.non_criteria_manifestation_p002",
            "aps.catastrophic_within"} <= set(pm.predicates)
    assert {"aps.acr_eular_2023", "aps.sydney_2006", "aps.non_criteria_manifestations"} <= set(pm.assessment_instruments)
    assert {"lupus_anticoagulant", "acl_igg", "acl_igm", "ab2gpi_igg", "ab2gpi_igm"} <= set(pm.observation_tests)
    assert "26843008" in pm.indications["APS"].snomed
    for spec in pm.predicates.values():
        if spec.id.startswith("aps."):
            assert spec.compute.__doc__ and spec.citation, spec.id


# ------------------------------------------------------------------------------------------------------------
# classification
# ------------------------------------------------------------------------------------------------------------

_ABSENT = {name: False for name in Aps2023Items.model_fields}


def aps2023(**answers: Any) -> dict:
    return {"instrument": "aps.acr_eular_2023", "date": "2025-09-01", "items": {**_ABSENT, **answers}}


def sydney(**answers: Any) -> dict:
    items = {"vascular_thrombosis": True, "pregnancy_morbidity": False, "lupus_anticoagulant_persistent": True,
             "anticardiolipin_medium_high_persistent": False, "anti_b2gpi_persistent": False,
             "apl_clinical_interval_acceptable": True, **answers}
    return {"instrument": "aps.sydney_2006", "date": "2025-09-01", "items": items}


def test_acr_eular_2023_from_items() -> None:
    # [ACR/EULAR2023] VTE without high-risk profile 3 + persistent LAC 5: 3 clinical ≥3, 5 laboratory ≥3
    met = value(ctx(assessments=[aps2023(apl_positive_within_3_years=True, vte_without_high_risk_profile=True,
                                         lupus_anticoagulant_persistent=True)]), "aps.acr_eular_2023")
    assert met.value is True
    assert ("2023 ACR/EULAR clinical points", "3") in [(e.label, e.value) for e in met.evidence]
    # VTE with high-risk profile 1 point only: clinical side <3
    assert value(ctx(assessments=[aps2023(apl_positive_within_3_years=True, vte_with_high_risk_profile=True,
                                          lupus_anticoagulant_persistent=True)]), "aps.acr_eular_2023").value is False
    open_ = value(ctx(assessments=[aps2023(apl_positive_within_3_years=None, vte_without_high_risk_profile=True,
                                           lupus_anticoagulant_persistent=True)]), "aps.acr_eular_2023")
    assert open_.value is None
    assert open_.missing == ("2023 ACR/EULAR APS item 'apl_positive_within_3_years' "
                             "(assessments[0].items.apl_positive_within_3_years)",)


def test_acr_eular_2023_documented_conflict_missing() -> None:
    documented = ctx(diagnoses=[{"indication": "APS", "classification": ["2023 ACR/EULAR APS criteria"]}])
    assert value(documented, "aps.acr_eular_2023").value is True
    conflict = ctx(diagnoses=[{"indication": "APS", "classification": ["ACR/EULAR 2023"]}],
                   assessments=[aps2023(apl_positive_within_3_years=False, vte_without_high_risk_profile=True)])
    assert "conflicts" in (value(conflict, "aps.acr_eular_2023").review or "")
    assert value(ctx(), "aps.acr_eular_2023").missing == (
        "2023 ACR/EULAR APS classification: a criteria assessment (aps.acr_eular_2023) or a documented "
        "classification (diagnoses[].classification)",)


def test_sydney_2006() -> None:
    assert value(ctx(assessments=[sydney()]), "aps.sydney_2006").value is True
    assert value(ctx(assessments=[sydney(apl_clinical_interval_acceptable=False)]), "aps.sydney_2006").value is False
    open_ = value(ctx(assessments=[sydney(vascular_thrombosis=None)]), "aps.sydney_2006")
    assert open_.value is None and open_.missing == (
        "2006 Sydney APS item 'vascular_thrombosis' (assessments[0].items.vascular_thrombosis)",)
    documented = ctx(diagnoses=[{"indication": "APS", "classification": ["revised Sapporo (Sydney) 2006"]}])
    assert value(documented, "aps.sydney_2006").value is True
    negated = ctx(diagnoses=[{"indication": "APS", "classification": ["Sydney criteria not met"]}])
    assert value(negated, "aps.sydney_2006").value is None


# ------------------------------------------------------------------------------------------------------------
# aPL persistence
# ------------------------------------------------------------------------------------------------------------


def sero(test: str, result: str, date: str) -> dict:
    return {"test": test, "result": result, "date": date}


def test_apl_persistent_boundary() -> None:
    first = sero("LAC", "positive", "2025-07-02")
    met = value(ctx(serologies=[first, sero("lupus_anticoagulant", "positive", "2025-09-25")]), "aps.apl_persistent")
    assert met.value is True and len(met.evidence) == 2                         # 85 days: ">12 weeks"
    # 84 days is not ">12 weeks"; while no result has followed more than 12 weeks later, that is a repeat to do
    at_84 = value(ctx(serologies=[first, sero("lupus_anticoagulant", "positive", "2025-09-24")]), "aps.apl_persistent")
    assert at_84.value is None
    assert at_84.missing == ("Lupus anticoagulant repeated more than 12 weeks after the positive result of 2025-09-24",)
    # ... and once the repeat came back negative, persistence was tested and not shown
    refuted = [first, sero("lupus_anticoagulant", "positive", "2025-09-24"), sero("lac", "negative", "2026-01-10")]
    assert value(ctx(serologies=refuted), "aps.apl_persistent").value is False


def test_apl_persistent_sydney_reading_and_same_test() -> None:
    c = ctx(serologies=[sero("acl igg", "positive", "2025-07-02"), sero("acl_igg", "positive", "2025-09-24")])
    assert value(c, "aps.apl_persistent", strict=False).value is True       # [Sydney2006] "at least 12 weeks"
    different = ctx(serologies=[sero("acl_igg", "positive", "2025-01-02"), sero("ab2gpi_igg", "positive", "2025-09-24"),
                                sero("acl_igg", "negative", "2025-09-24"), sero("ab2gpi_igg", "negative", "2026-03-01")])
    assert value(different, "aps.apl_persistent").value is False            # different tests do not pair


def test_apl_persistent_unknown() -> None:
    assert "on two occasions more than 12 weeks apart" in value(ctx(), "aps.apl_persistent").missing[0]
    single = value(ctx(serologies=[sero("acl_igm", "positive", "2026-02-01")]), "aps.apl_persistent")
    assert single.value is None
    assert single.missing == ("Anticardiolipin antibody IgM repeated more than 12 weeks after the positive result of "
                              "2026-02-01",)
    indeterminate = ctx(serologies=[sero("lupus_anticoagulant", "positive", "2025-06-01"),
                                    sero("lupus_anticoagulant", "indeterminate", "2025-10-01")])
    assert value(indeterminate, "aps.apl_persistent").value is None


# ------------------------------------------------------------------------------------------------------------
# non-criteria manifestations, CAPS
# ------------------------------------------------------------------------------------------------------------


def manifestations(**answers: Any) -> dict:
    return {"instrument": "aps.non_criteria_manifestations", "date": "2026-03-01", "items": answers}


def test_non_criteria_manifestation_p002() -> None:
    met = value(ctx(assessments=[manifestations(valvular_heart_disease=True)]), "aps.non_criteria_manifestation_p002")
    assert met.value is True and met.evidence[0].label == "valvular heart disease"
    none = {k: False for k in ("thrombocytopenia", "haemolytic_anaemia", "apl_nephropathy", "valvular_heart_disease",
                               "neurological")}
    assert value(ctx(assessments=[manifestations(**none)]), "aps.non_criteria_manifestation_p002").value is False
    open_ = value(ctx(assessments=[manifestations(**{**none, "neurological": None})]), "aps.non_criteria_manifestation_p002")
    assert open_.missing == ("non-criteria manifestation 'neurological' (assessments[0].items.neurological)",)
    assert value(ctx(), "aps.non_criteria_manifestation_p002").missing == (
        "APS non-criteria manifestations assessment (aps.non_criteria_manifestations)",)


def caps(date: str | None, **extra: Any) -> dict:
    return {"category": "catastrophic_aps", "date": date, **extra}


def test_catastrophic_within() -> None:
    on_boundary = value(ctx(history={"events": [caps("2025-12-20")]}), "aps.catastrophic_within")
    assert on_boundary.value is True                                          # boundary day included
    assert str(on_boundary.lapses_on) == "2026-03-21"
    before = ctx(history={"reviewed": ["catastrophic_aps"], "events": [caps("2025-12-19")]})
    assert value(before, "aps.catastrophic_within").value is False
    lasted = ctx(history={"events": [caps("2025-11-01", end_date="2026-01-05")]})
    assert value(lasted, "aps.catastrophic_within").value is True
    assert value(ctx(history={"reviewed": "all"}), "aps.catastrophic_within").value is False
    assert value(before, "aps.catastrophic_within", months=6).value is True


def test_catastrophic_within_unknown() -> None:
    assert "not recorded as reviewed" in value(ctx(), "aps.catastrophic_within").missing[0]
    undated = value(ctx(history={"reviewed": "all", "events": [caps(None)]}), "aps.catastrophic_within")
    assert undated.missing == ("date of the catastrophic APS episode (history.events[0])",)
