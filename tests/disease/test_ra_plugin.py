"""The rheumatoid-arthritis plugin wired end to end: hooks registered, and every value and predicate computed from
a patient record through `ScreeningContext` (met / not met / unknown, with evidence and named missing data)."""

from __future__ import annotations

import copy
import math
from functools import partial
from typing import Any

import pytest

from trialscreen.facts.record import normalise
from trialscreen.model.patient import Patient
from trialscreen.plugins.manager import default_manager

from .conftest import evidence_labels, record_context

JOINTS = {"tjc28": 8, "sjc28": 6, "tjc68": 10, "sjc66": 7, "patient_global_mm": 60, "evaluator_global_mm": 50}
D2T_ITEMS = {"treated_according_to_eular": True, "problematic_for_rheumatologist": True, "problematic_for_patient": True}
FAILED = [
    {"drug": "methotrexate", "start_date": "2019-07-01", "end_date": "2020-06-30", "outcome": "failure"},
    {"drug": "adalimumab", "start_date": "2020-08-01", "end_date": "2021-12-31", "outcome": "failure"},
    {"drug": "tocilizumab", "start_date": "2022-02-01", "end_date": "2023-06-30", "outcome": "intolerance"},
    {"drug": "prednisone", "start_date": "2023-01-01", "ongoing": True, "dose": {"value": 10, "unit": "mg", "per": "day"}},
]

BASE: dict[str, Any] = {
    "id": "ra", "screening": {"date": "2026-03-16"}, "sex": "female", "birth_date": "1972-08-20", "weight": "64 kg",
    "diagnoses": [{"indication": "RA", "diagnosis_date": "2019-06-01"}],
}


labels = evidence_labels


@pytest.fixture
def context():
    return partial(record_context, BASE)


def joint(items: dict[str, Any] | None = None, date: str = "2026-03-10", **extra: Any) -> dict[str, Any]:
    return {"instrument": "ra.joint_assessment", "date": date, "items": {**JOINTS, **(items or {})}, **extra}


def labs(esr: float | None = 40, crp_mg_l: float | None = 25, date: str = "2026-03-09") -> list[dict[str, Any]]:
    out = []
    if esr is not None:
        out.append({"test": "esr", "value": esr, "unit": "mm/h", "date": date})
    if crp_mg_l is not None:
        out.append({"test": "crp", "value": crp_mg_l, "unit": "mg/L", "date": date})
    return out


# -- registration ---------------------------------------------------------------------------------------------


def test_hooks_register_everything():
    pm = default_manager()
    assert pm.indications["RA"].snomed == ("69896004",)
    assert {"esr", "crp", "rf", "acpa"} <= set(pm.observation_tests)
    assert pm.observation_tests["crp"].unit == "mg/L" and "1988-5" in pm.observation_tests["crp"].loinc
    assert {"ra.joint_assessment", "ra.das28_esr", "ra.das28_crp", "ra.cdai", "ra.sdai", "ra.acr_eular_2010",
            "ra.d2t", "ra.functional_status"} <= set(pm.assessment_instruments)
    values = {"ra.das28_esr", "ra.das28_crp", "ra.cdai", "ra.sdai", "ra.das28_esr_activity", "ra.das28_crp_activity",
              "ra.cdai_activity", "ra.sdai_activity", "ra.acr_functional_class"}
    predicates = {"ra.acr_eular_2010", "ra.diagnosis_duration_p004", "ra.joint_counts_p004", "ra.acute_phase_p004",
                  "ra.d2t_treatment_failure", "ra.d2t_active_disease", "ra.d2t_problematic_management",
                  "ra.difficult_to_treat", "ra.functional_class_4_p004"}
    assert values <= set(pm.values) and predicates <= set(pm.predicates)
    listed = pm.contributions("ra")
    assert values <= set(listed["values"]) and predicates <= set(listed["predicates"])


def test_every_compute_cites_a_source():
    pm = default_manager()
    for vid, spec in {**pm.values, **pm.predicates}.items():
        if vid.startswith("ra."):
            assert spec.citation, vid
            doc = spec.compute.__doc__ or ""
            assert any(w in doc for w in ("Arthritis Rheum", "Ann Rheum Dis", "Rheumatology", "Clin Exp Rheumatol",
                                          "protocol", "Protocol", "das-score")), vid


def test_crp_in_mg_dl_converts():
    ctx_labs = [{"test": "CRP", "value": 2.5, "unit": "mg/dL", "date": "2026-03-09"}]
    patient = Patient.model_validate({**BASE, "labs": ctx_labs})
    record = normalise(patient, default_manager())
    assert record.observations["crp"][0].value == 25


# -- composite scores -------------------------------------------------------------------------------------------


def test_das28_esr_from_joint_assessment_and_lab(context):
    r = context(assessments=[joint()], labs=labs()).value("ra.das28_esr")
    expected = 0.56 * math.sqrt(8) + 0.28 * math.sqrt(6) + 0.70 * math.log(40) + 0.014 * 60
    assert r.value == pytest.approx(expected)
    assert "Erythrocyte sedimentation rate" in labels(r)
    assert r.evidence[0].source == "assessments[0]"


def test_das28_crp_cdai_sdai(context):
    ctx = context(assessments=[joint()], labs=labs())
    assert ctx.value("ra.das28_crp").value == pytest.approx(
        0.56 * math.sqrt(8) + 0.28 * math.sqrt(6) + 0.36 * math.log(26) + 0.014 * 60 + 0.96)
    assert ctx.value("ra.cdai").value == 25.0
    assert ctx.value("ra.sdai").value == 27.5  # CRP 25 mg/L = 2.5 mg/dL


def test_lab_preferred_over_value_recorded_with_assessment(context):
    ctx = context(assessments=[joint({"esr_mm_h": 10})], labs=labs(esr=40))
    assert ctx.value("ra.das28_esr").value > 5
    recorded = context(assessments=[joint({"esr_mm_h": 10})]).value("ra.das28_esr")
    assert recorded.value == pytest.approx(0.56 * math.sqrt(8) + 0.28 * math.sqrt(6) + 0.70 * math.log(10) + 0.84)
    assert "ESR (recorded with the joint assessment)" in labels(recorded)


def test_score_unknown_without_lab_names_it(context):
    r = context(assessments=[joint()]).value("ra.das28_esr")
    assert r.value is None and r.missing == ("ESR (mm/h) within 28 days before screening",)
    assert context(assessments=[joint()]).value("ra.cdai").value == 25.0  # CDAI needs no lab


def test_score_unknown_component(context):
    items = {k: v for k, v in JOINTS.items() if k != "evaluator_global_mm"}
    r = context(assessments=[{"instrument": "ra.joint_assessment", "date": "2026-03-10", "items": items}]).value("ra.cdai")
    assert r.value is None
    assert r.missing == ("evaluator global assessment (0-100 mm) (assessments[0], 2026-03-10)",)


def test_no_assessment(context):
    r = context(labs=labs()).value("ra.sdai")
    assert r.value is None and "joint assessment (ra.joint_assessment) within 28 days" in r.missing[0]


def test_entered_total_marked_and_latest_wins(context):
    ctx = context(assessments=[joint(date="2026-03-01"), {"instrument": "ra.cdai", "date": "2026-03-10", "total": 8}])
    r = ctx.value("ra.cdai")
    assert r.value == 8 and r.note == "total entered without items"
    assert "CDAI (total entered, no items)" in labels(r)
    older = context(assessments=[joint(date="2026-03-10"), {"instrument": "ra.cdai", "date": "2026-03-01", "total": 8}])
    assert older.value("ra.cdai").value == 25.0


@pytest.mark.parametrize(("value_id", "items", "lab", "band"), [
    ("ra.das28_esr_activity", JOINTS, labs(), "high"),
    ("ra.das28_esr_activity", {"tjc28": 1, "sjc28": 0, "patient_global_mm": 10}, labs(esr=10), "remission"),
    ("ra.das28_crp_activity", {"tjc28": 3, "sjc28": 2, "patient_global_mm": 40}, labs(crp_mg_l=5), "moderate"),
    ("ra.cdai_activity", {"tjc28": 4, "sjc28": 3, "patient_global_mm": 20, "evaluator_global_mm": 10}, [], "low"),  # 10
    ("ra.sdai_activity", {"tjc28": 4, "sjc28": 3, "patient_global_mm": 20, "evaluator_global_mm": 10}, labs(crp_mg_l=10), "low"),  # 11
    ("ra.sdai_activity", {"tjc28": 4, "sjc28": 3, "patient_global_mm": 20, "evaluator_global_mm": 10}, labs(crp_mg_l=15), "moderate"),
])
def test_activity_bands(context, value_id, items, lab, band):
    r = context(assessments=[joint({**JOINTS, **items} if items is not JOINTS else None)], labs=lab).value(value_id)
    assert r.value == band


def test_band_from_bounds_when_incomplete(context):
    items = {"tjc28": 20, "sjc28": 20, "tjc68": 20, "sjc66": 20, "patient_global_mm": 80}  # no evaluator global
    r = context(assessments=[{"instrument": "ra.joint_assessment", "date": "2026-03-10", "items": items}]).value("ra.cdai_activity")
    assert r.value == "high"  # 48 already
    assert context(assessments=[{"instrument": "ra.joint_assessment", "date": "2026-03-10", "items": {"tjc28": 2}}]
                   ).value("ra.cdai_activity").value is None


def test_joint_model_rejects_28_above_68():
    from trialscreen.errors import PatientInputError

    with pytest.raises(PatientInputError, match="tjc28 exceeds tjc68"):
        patient = Patient.model_validate({**BASE, "assessments": [joint({"tjc28": 12, "tjc68": 10})]})
        normalise(patient, default_manager())


# -- classification and protocol 004 inclusions ---------------------------------------------------------------


ACR_2010_MET = {"large_joints": 2, "small_joints": 4, "other_joints": 0, "rf": "high_positive", "acpa": "negative",
                "crp_abnormal": True, "esr_abnormal": False, "symptom_duration_weeks": 12,
                "definite_synovitis_one_joint": True, "synovitis_better_explained_by_other_disease": False}


def test_acr_eular_2010(context):
    met = context(assessments=[{"instrument": "ra.acr_eular_2010", "date": "2019-06-01", "items": ACR_2010_MET}])
    assert met.value("ra.acr_eular_2010").value is True  # 3 + 3 + 1 + 1
    low = {**ACR_2010_MET, "small_joints": 0, "large_joints": 1, "rf": "negative", "erosive_disease_typical_of_ra": False}
    assert context(assessments=[{"instrument": "ra.acr_eular_2010", "date": "2019-06-01", "items": low}]
                   ).value("ra.acr_eular_2010").value is False
    documented = context(diagnoses=[{"indication": "RA", "classification": ["2010 ACR/EULAR"]}]).value("ra.acr_eular_2010")
    assert documented.value is True and documented.evidence[0].source == "diagnoses[0].classification"
    nothing = context().value("ra.acr_eular_2010")
    assert nothing.value is None and "documented classification" in nothing.missing[0]
    conflict = context(diagnoses=[{"indication": "RA", "classification": ["ACR/EULAR 2010"]}],
                       assessments=[{"instrument": "ra.acr_eular_2010", "date": "2019-06-01", "items": low}])
    assert conflict.value("ra.acr_eular_2010").review


@pytest.mark.parametrize(("diagnoses", "expected"), [
    ([{"indication": "RA", "diagnosis_date": "2025-09-16"}], True),  # anniversary counts
    ([{"indication": "RA", "diagnosis_date": "2025-09-17"}], False),
    ([{"indication": "RA", "diagnosis_date": "2025-12-01"}, {"indication": "RA", "diagnosis_date": "2020-01-01"}], True),
    ([{"indication": "RA"}], None),
    ([{"indication": "SJOGREN", "diagnosis_date": "2010-01-01"}], None),
])
def test_diagnosis_duration(context, diagnoses, expected):
    r = context(diagnoses=diagnoses).value("ra.diagnosis_duration_p004")
    assert r.value is expected
    if expected is not None:
        assert any(e.source and e.source.startswith("diagnoses[") for e in r.evidence)


def test_diagnosis_duration_months_parameter(context):
    ctx = context(diagnoses=[{"indication": "RA", "diagnosis_date": "2025-09-16"}])
    assert ctx.value("ra.diagnosis_duration_p004", {"months": 12}).value is False


@pytest.mark.parametrize(("items", "expected"), [
    ({"sjc66": 6, "tjc68": 6, "sjc28": 6, "tjc28": 6}, True),
    ({"sjc66": 5, "tjc68": 20, "sjc28": 5}, False),
    ({"sjc66": 8, "tjc68": None}, None),
])
def test_joint_counts(context, items, expected):
    r = context(assessments=[joint(items)]).value("ra.joint_counts_p004")
    assert r.value is expected
    if expected is None:
        assert r.missing == ("TJC68 (assessments[0].items)",)


def test_joint_counts_without_assessment(context):
    assert "SJC66 and TJC68" in context().value("ra.joint_counts_p004").missing[0]


@pytest.mark.parametrize(("lab", "expected"), [
    (labs(esr=None, crp_mg_l=10), True),
    (labs(esr=28, crp_mg_l=None), True),
    (labs(esr=27, crp_mg_l=9.9), False),
    (labs(esr=27, crp_mg_l=None), None),
    (labs(date="2025-12-01"), None),
])
def test_acute_phase(context, lab, expected):
    r = context(labs=lab).value("ra.acute_phase_p004")
    assert r.value is expected
    if expected is None:
        assert all("within 28 days" in m for m in r.missing)


# -- difficult-to-treat RA --------------------------------------------------------------------------------------


def d2t(**items: Any) -> dict[str, Any]:
    return {"instrument": "ra.d2t", "date": "2026-03-10", "items": {**D2T_ITEMS, **items}}


def full(**overrides: Any) -> dict[str, Any]:
    data = {"assessments": [joint(), d2t()], "labs": labs(), "medications": {"complete": True, "items": copy.deepcopy(FAILED)}}
    return {**data, **overrides}


def test_d2t_all_parts_met(context):
    ctx = context(**full())
    for pid in ("ra.d2t_treatment_failure", "ra.d2t_active_disease", "ra.d2t_problematic_management", "ra.difficult_to_treat"):
        assert ctx.value(pid).value is True, pid
    r = ctx.value("ra.d2t_treatment_failure")
    assert any("adalimumab" in label for label in labels(r)) and any("tocilizumab" in label for label in labels(r))


def test_d2t_same_mechanism_twice_is_one(context):
    items = copy.deepcopy(FAILED)
    items[2]["drug"] = "etanercept"  # TNF again
    ctx = context(**full(medications={"complete": True, "items": items}))
    assert ctx.value("ra.d2t_treatment_failure").value is False
    assert ctx.value("ra.difficult_to_treat").value is False


def test_d2t_csdmard_contraindicated_replaces_failure(context):
    no_mtx = copy.deepcopy(FAILED[1:])
    ctx = context(**full(medications={"complete": True, "items": no_mtx}))
    assert ctx.value("ra.d2t_treatment_failure").value is None  # contraindication not recorded
    assert "csDMARD failure or contraindication: ra.d2t item csdmard_contraindicated" in \
        ctx.value("ra.d2t_treatment_failure").missing
    contraindicated = context(**full(medications={"complete": True, "items": no_mtx},
                                     assessments=[joint(), d2t(csdmard_contraindicated=True)]))
    assert contraindicated.value("ra.d2t_treatment_failure").value is True


def test_d2t_incomplete_history_names_it(context):
    items = copy.deepcopy(FAILED)
    items[2]["drug"] = "etanercept"
    r = context(**full(medications={"complete": False, "items": items})).value("ra.d2t_treatment_failure")
    assert r.value is None
    assert any("complete medication history" in m for m in r.missing)


def test_d2t_socioeconomic_restriction_goes_to_review(context):
    items = copy.deepcopy(FAILED)
    items[2]["drug"] = "etanercept"
    ctx = context(**full(medications={"complete": True, "items": items},
                         assessments=[joint(), d2t(access_restricted_by_socioeconomic_factors=True)]))
    assert "socioeconomic" in ctx.value("ra.d2t_treatment_failure").review


def test_d2t_active_disease_each_sign(context):
    calm_joint = joint({"tjc28": 1, "sjc28": 0, "tjc68": 1, "sjc66": 0, "patient_global_mm": 10, "evaluator_global_mm": 5})
    calm = {"signs_or_symptoms_of_active_disease": False, "vdh_msharp_progression_1y": 1,
            "well_controlled_but_symptoms_reduce_qol": False}
    low_gc = copy.deepcopy(FAILED)
    low_gc[3]["dose"]["value"] = 5
    base = full(assessments=[calm_joint, d2t(**calm)], labs=labs(esr=8, crp_mg_l=1),
                medications={"complete": True, "items": low_gc})
    assert context(**base).value("ra.d2t_active_disease").value is False
    assert context(**{**base, "medications": {"complete": True, "items": copy.deepcopy(FAILED)}}
                   ).value("ra.d2t_active_disease").value is True  # prednisone 10 mg/day
    assert context(**{**base, "assessments": [calm_joint, d2t(**{**calm, "vdh_msharp_progression_1y": 5})]}
                   ).value("ra.d2t_active_disease").value is True
    assert context(**{**base, "assessments": [calm_joint, d2t(**{**calm, "well_controlled_but_symptoms_reduce_qol": True})]}
                   ).value("ra.d2t_active_disease").value is True
    unknown = context(**{**base, "labs": [], "assessments": [calm_joint, d2t(**{**calm, "signs_or_symptoms_of_active_disease": None})]})
    r = unknown.value("ra.d2t_active_disease")
    assert r.value is None
    assert "(b) signs/symptoms of active disease: ra.d2t item signs_or_symptoms_of_active_disease" in r.missing
    assert any(m.startswith("(a) DAS28-ESR > 3.2: ESR") for m in r.missing)


def test_d2t_glucocorticoid_falls_back_to_record_item(context):
    calm_joint = joint({"tjc28": 1, "sjc28": 0, "tjc68": 1, "sjc66": 0, "patient_global_mm": 10, "evaluator_global_mm": 5})
    calm = {"signs_or_symptoms_of_active_disease": False, "vdh_msharp_progression_1y": 1,
            "well_controlled_but_symptoms_reduce_qol": False}
    undosed = copy.deepcopy(FAILED)
    del undosed[3]["dose"]
    base = full(assessments=[calm_joint, d2t(**calm)], labs=labs(esr=8, crp_mg_l=1), medications={"complete": True, "items": undosed})
    r = context(**base).value("ra.d2t_active_disease")
    assert r.value is None and any("daily dose of prednisone" in m for m in r.missing)
    recorded = {**base, "assessments": [calm_joint, d2t(**calm, unable_to_taper_glucocorticoid_below_7_5_mg=True)]}
    assert context(**recorded).value("ra.d2t_active_disease").value is True


def test_d2t_problematic_management(context):
    assert context(**full(assessments=[d2t(problematic_for_patient=False)])).value("ra.d2t_problematic_management").value is False
    either = context(**full(assessments=[d2t(problematic_for_patient=False)]))
    assert either.value("ra.d2t_problematic_management", {"perception": "either"}).value is True
    r = context(**full(assessments=[joint()])).value("ra.d2t_problematic_management")
    assert r.value is None
    assert "difficult-to-treat RA assessment (ra.d2t) within 28 days before screening" in r.missing


def test_difficult_to_treat_unknown_collects_missing(context):
    r = context(**full(assessments=[joint()])).value("ra.difficult_to_treat")
    assert r.value is None
    assert "treated according to EULAR recommendations: ra.d2t item treated_according_to_eular" in r.missing
    assert "problematic for patient: ra.d2t item problematic_for_patient" in r.missing


# -- functional class -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("items", "cls"), [
    ({"self_care_unlimited": True, "vocational_unlimited": True, "avocational_unlimited": True}, 1),
    ({"self_care_unlimited": True, "vocational_unlimited": True, "avocational_unlimited": False}, 2),
    ({"self_care_unlimited": True, "vocational_unlimited": False, "avocational_unlimited": False}, 3),
    ({"self_care_unlimited": False}, 4),
])
def test_functional_class(context, items, cls):
    ctx = context(assessments=[{"instrument": "ra.functional_status", "date": "2026-03-10", "items": items}])
    assert ctx.value("ra.acr_functional_class").value == cls
    assert ctx.value("ra.functional_class_4_p004").value is (cls == 4)


def test_functional_class_entered_review_and_missing(context):
    entered = context(assessments=[{"instrument": "ra.functional_status", "date": "2026-03-10", "total": 4}])
    assert entered.value("ra.acr_functional_class").value == 4
    assert entered.value("ra.functional_class_4_p004").value is True
    odd = context(assessments=[{"instrument": "ra.functional_status", "date": "2026-03-10",
                                "items": {"self_care_unlimited": True, "vocational_unlimited": False, "avocational_unlimited": True}}])
    assert odd.value("ra.functional_class_4_p004").review
    partial = context(assessments=[{"instrument": "ra.functional_status", "date": "2026-03-10",
                                    "items": {"self_care_unlimited": True}}])
    assert partial.value("ra.functional_class_4_p004").missing == (
        "vocational limitation (assessments[0].items)", "avocational limitation (assessments[0].items)")
    none = context().value("ra.functional_class_4_p004")
    assert none.missing == ("ACR functional status assessment (ra.functional_status) within 28 days before screening",)
