"""RA classification and protocol 004 criteria: 2010 classification, diagnosis duration, joint counts,
acute-phase reactants, EULAR difficult-to-treat RA (Nagy G et al. Ann Rheum Dis 2021;80:31-35) and the ACR
functional class (Hochberg MC et al. Arthritis Rheum 1992;35:498-502)."""

from __future__ import annotations

import datetime as dt

import pytest

from trialscreen_ra.criteria import (
    acr_eular_2010_classified,
    acr_functional_class,
    add_calendar_months,
    d2t_active_disease,
    d2t_problematic_management,
    d2t_treatment_failure,
    eular_difficult_to_treat,
    protocol_004_acute_phase,
    protocol_004_diagnosis_duration,
    protocol_004_functional_class_exclusion,
    protocol_004_joint_counts,
)
from trialscreen_ra.items import AcrEular2010Items, AdvancedTherapyFailure, DifficultToTreatFacts, JointAssessment28
from trialscreen_ra.scores import cdai, das28_esr


# ------------------------------------------------------------------ 2010 classification

def items_2010(**kw) -> AcrEular2010Items:
    base = dict(large_joints=0, small_joints=2, other_joints=0, rf="negative", acpa="high_positive",
                crp_abnormal=False, esr_abnormal=False, symptom_duration_weeks=8,
                definite_synovitis_one_joint=True, synovitis_better_explained_by_other_disease=False,
                erosive_disease_typical_of_ra=False)
    return AcrEular2010Items(**(base | kw))


def test_2010_classified_at_exactly_6_and_not_at_5():
    assert acr_eular_2010_classified(items_2010()).value is True
    assert acr_eular_2010_classified(items_2010(symptom_duration_weeks=3)).value is False


def test_2010_target_population_and_erosive_route():
    assert acr_eular_2010_classified(items_2010(synovitis_better_explained_by_other_disease=True)).value is False
    eroded = AcrEular2010Items(erosive_disease_typical_of_ra=True)
    assert acr_eular_2010_classified(eroded).value is True
    res = acr_eular_2010_classified(AcrEular2010Items(small_joints=1, definite_synovitis_one_joint=True,
                                                      synovitis_better_explained_by_other_disease=False))
    assert res.value is None and "symptom_duration_weeks" in res.missing


# ------------------------------------------------------------------ protocol 004: duration, counts, labs

def test_add_calendar_months():
    assert add_calendar_months(dt.date(2025, 1, 15), 6) == dt.date(2025, 7, 15)
    assert add_calendar_months(dt.date(2025, 8, 31), 6) == dt.date(2026, 2, 28)
    assert add_calendar_months(dt.date(2023, 8, 31), 6) == dt.date(2024, 2, 29)
    assert add_calendar_months(dt.date(2025, 12, 1), 1) == dt.date(2026, 1, 1)


@pytest.mark.parametrize("diagnosed, screened, expected", [
    (dt.date(2025, 1, 15), dt.date(2025, 7, 15), True),    # the 6-month anniversary counts
    (dt.date(2025, 1, 15), dt.date(2025, 7, 14), False),
    (dt.date(2025, 8, 31), dt.date(2026, 2, 28), True),    # clamped month end
    (dt.date(2025, 8, 31), dt.date(2026, 2, 27), False),
    (dt.date(2020, 3, 1), dt.date(2026, 1, 1), True),
])
def test_protocol_004_diagnosis_duration(diagnosed, screened, expected):
    assert protocol_004_diagnosis_duration(diagnosed, screened).value is expected


def test_protocol_004_diagnosis_duration_missing_and_invalid():
    assert protocol_004_diagnosis_duration(None, dt.date(2026, 1, 1)).missing == ("date of RA diagnosis",)
    with pytest.raises(ValueError):
        protocol_004_diagnosis_duration(dt.date(2026, 2, 1), dt.date(2026, 1, 1))


@pytest.mark.parametrize("sjc, tjc, expected", [
    (6, 6, True), (5, 6, False), (6, 5, False), (66, 68, True), (None, 6, None), (5, None, False),
])
def test_protocol_004_joint_counts(sjc, tjc, expected):
    assert protocol_004_joint_counts(sjc, tjc).value is expected


def test_protocol_004_joint_counts_validate():
    with pytest.raises(ValueError):
        protocol_004_joint_counts(67, 6)
    with pytest.raises(ValueError):
        protocol_004_joint_counts(True, 6)  # type: ignore[arg-type]


@pytest.mark.parametrize("crp, esr, expected", [
    (10, None, True), (None, 28, True), (9.99, 27.9, False), (9.99, 28, True), (10, 5, True),
    (9.99, None, None), (None, 27, None), (None, None, None),
])
def test_protocol_004_acute_phase(crp, esr, expected):
    res = protocol_004_acute_phase(crp, esr)
    assert res.value is expected
    if expected is None:
        assert res.missing


# ------------------------------------------------------------------ EULAR difficult-to-treat RA

TNF = AdvancedTherapyFailure(drug="adalimumab", mechanism="TNF inhibitor")
TNF2 = AdvancedTherapyFailure(drug="etanercept", mechanism="anti-TNF")
IL6 = AdvancedTherapyFailure(drug="tocilizumab", mechanism="IL-6 receptor")
JAK = AdvancedTherapyFailure(drug="tofacitinib", mechanism="JAK inhibitor")


def d2t(**kw) -> DifficultToTreatFacts:
    base = dict(treated_according_to_eular=True, csdmard_failed=True, csdmard_contraindicated=False,
                failed_advanced_therapies=(TNF, IL6), access_restricted_by_socioeconomic_factors=False,
                das28_esr=4.5, cdai=None, signs_or_symptoms_of_active_disease=None,
                unable_to_taper_glucocorticoid_below_7_5_mg=None, vdh_msharp_progression_1y=None,
                well_controlled_but_symptoms_reduce_qol=None,
                problematic_for_rheumatologist=True, problematic_for_patient=True)
    return DifficultToTreatFacts(**(base | kw))


def test_d2t_all_three_parts_met():
    res = eular_difficult_to_treat(d2t())
    assert res.value is True


def test_d2t_part_1_requires_different_mechanisms():
    assert d2t_treatment_failure(d2t(failed_advanced_therapies=(TNF, TNF2))).value is False
    assert d2t_treatment_failure(d2t(failed_advanced_therapies=(TNF, JAK))).value is True
    assert d2t_treatment_failure(d2t(failed_advanced_therapies=(TNF,))).value is False
    assert eular_difficult_to_treat(d2t(failed_advanced_therapies=(TNF, TNF2))).value is False
    unknown_moa = d2t(failed_advanced_therapies=(TNF, AdvancedTherapyFailure(drug="sarilumab")))
    res = d2t_treatment_failure(unknown_moa)
    assert res.value is None and "mechanism of action of failed b/tsDMARDs" in res.missing


def test_d2t_part_1_csdmard_contraindicated_suffices():
    assert d2t_treatment_failure(d2t(csdmard_failed=False, csdmard_contraindicated=True)).value is True
    assert d2t_treatment_failure(d2t(csdmard_failed=False, csdmard_contraindicated=False)).value is False


def test_d2t_part_1_socioeconomic_restriction_goes_to_review():
    res = d2t_treatment_failure(d2t(failed_advanced_therapies=(TNF,), access_restricted_by_socioeconomic_factors=True))
    assert res.value is None and res.review
    assert eular_difficult_to_treat(d2t(failed_advanced_therapies=(TNF,),
                                        access_restricted_by_socioeconomic_factors=True)).review


def test_d2t_part_2_edges():
    only_das = dict(signs_or_symptoms_of_active_disease=False, unable_to_taper_glucocorticoid_below_7_5_mg=False,
                    vdh_msharp_progression_1y=0.0, well_controlled_but_symptoms_reduce_qol=False)
    assert d2t_active_disease(d2t(das28_esr=3.2, cdai=None, **only_das)).value is None  # CDAI unknown
    assert d2t_active_disease(d2t(das28_esr=3.2, cdai=10.0, **only_das)).value is False  # both exactly at cut-off
    assert d2t_active_disease(d2t(das28_esr=3.21, cdai=10.0, **only_das)).value is True
    assert d2t_active_disease(d2t(das28_esr=3.0, cdai=10.5, **only_das)).value is True
    sharp = dict(only_das, vdh_msharp_progression_1y=5.0)
    assert d2t_active_disease(d2t(das28_esr=2.0, cdai=5.0, **sharp)).value is True
    sharp = dict(only_das, vdh_msharp_progression_1y=4.9)
    assert d2t_active_disease(d2t(das28_esr=2.0, cdai=5.0, **sharp)).value is False
    taper = dict(only_das, unable_to_taper_glucocorticoid_below_7_5_mg=True)
    assert d2t_active_disease(d2t(das28_esr=None, **taper)).value is True


def test_d2t_part_2_from_score_bounds():
    # CDAI with globals unassessed: 8 + 3 joints already exceed 10.
    bounded = cdai(JointAssessment28(tjc28=8, sjc28=3))
    assert d2t_active_disease(d2t(das28_esr=None, cdai=bounded)).value is True
    das = das28_esr(JointAssessment28(tjc28=9, sjc28=4, esr_mm_h=36, patient_global_mm=62))
    assert d2t_active_disease(d2t(das28_esr=das)).value is True


def test_d2t_part_3_perception_rule():
    one_sided = d2t(problematic_for_rheumatologist=True, problematic_for_patient=False)
    assert d2t_problematic_management(one_sided).value is False                      # protocol: "both"
    assert d2t_problematic_management(one_sided, perception="either").value is True  # paper: "and/or"
    assert eular_difficult_to_treat(one_sided).value is False
    assert eular_difficult_to_treat(one_sided, perception="either").value is True
    res = eular_difficult_to_treat(d2t(problematic_for_patient=None))
    assert res.value is None and "problematic for patient" in res.missing


def test_d2t_any_part_false_decides_false():
    assert eular_difficult_to_treat(d2t(treated_according_to_eular=False, problematic_for_patient=None)).value is False


# ------------------------------------------------------------------ ACR functional class

@pytest.mark.parametrize("s, v, a, cls", [
    (True, True, True, 1), (True, True, False, 2), (True, False, False, 3), (False, None, None, 4),
    (False, True, True, 4),
])
def test_acr_functional_class(s, v, a, cls):
    assert acr_functional_class(s, v, a).value == cls


def test_acr_functional_class_undefined_and_missing():
    assert acr_functional_class(True, False, True).review
    assert acr_functional_class(None, True, True).missing == ("self-care limitation",)
    assert acr_functional_class(True, True, None).missing == ("avocational limitation",)


def test_functional_class_4_exclusion():
    assert protocol_004_functional_class_exclusion(4).value is True
    assert protocol_004_functional_class_exclusion(3).value is False
    assert protocol_004_functional_class_exclusion(acr_functional_class(False, None, None)).value is True
    assert protocol_004_functional_class_exclusion(None).missing == ("ACR functional class",)
    with pytest.raises(ValueError):
        protocol_004_functional_class_exclusion(5)
