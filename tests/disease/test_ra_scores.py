"""RA activity scores (DAS28-ESR/CRP, CDAI, SDAI) and the 2010 ACR/EULAR classification score.

Sources: Prevoo MLL et al. Arthritis Rheum 1995;38:44-48 and das-score.nl (DAS28 formulas and cut-offs);
Aletaha D, Smolen J. Clin Exp Rheumatol 2005;23(5 Suppl 39):S100-8 and Smolen JS et al. Rheumatology
2003;42:244-57 (CDAI/SDAI); Aletaha D et al. Arthritis Rheum 2010;62:2569-81 (2010 criteria, Table 3).
Expected DAS28 values are recomputed here independently from the published formula.
"""

from __future__ import annotations

import math

import pytest
from pydantic import ValidationError

from trialscreen_ra.items import AcrEular2010Items, JointAssessment28
from trialscreen_ra.scores import (
    acr_eular_2010_joint_points,
    acr_eular_2010_score,
    acr_eular_2010_serology_points,
    category_from_bounds,
    cdai,
    cdai_category,
    das28_category,
    das28_crp,
    das28_esr,
    exceeds,
    sdai,
    sdai_category,
)


def prevoo_esr(t, s, esr, gh):
    return 0.56 * math.sqrt(t) + 0.28 * math.sqrt(s) + 0.70 * math.log(esr) + 0.014 * gh


def das_crp(t, s, crp, gh):
    return 0.56 * math.sqrt(t) + 0.28 * math.sqrt(s) + 0.36 * math.log(crp + 1) + 0.014 * gh + 0.96


# ------------------------------------------------------------------ DAS28

@pytest.mark.parametrize("t, s, esr, gh", [(4, 4, 25, 50), (0, 0, 1, 0), (28, 28, 120, 100), (9, 4, 36, 62),
                                           (1, 0, 2, 10)])
def test_das28_esr_matches_published_formula(t, s, esr, gh):
    r = das28_esr(JointAssessment28(tjc28=t, sjc28=s, esr_mm_h=esr, patient_global_mm=gh))
    assert r.total == pytest.approx(prevoo_esr(t, s, esr, gh), abs=1e-9)
    assert r.minimum == r.maximum == r.total and r.complete


def test_das28_esr_worked_example_by_hand():
    # 0.56*2 + 0.28*2 + 0.70*ln(25) + 0.014*50 = 1.12 + 0.56 + 2.2532131 + 0.70 = 4.6332131 -> moderate.
    r = das28_esr(JointAssessment28(tjc28=4, sjc28=4, esr_mm_h=25, patient_global_mm=50))
    assert r.total == pytest.approx(4.6332131, abs=1e-7)
    assert das28_category(r.total) == "moderate"
    # Zero joints, ESR 1, GH 0: every term is 0.
    zero = das28_esr(JointAssessment28(tjc28=0, sjc28=0, esr_mm_h=1, patient_global_mm=0))
    assert zero.total == 0.0 and das28_category(zero.total) == "remission"


@pytest.mark.parametrize("t, s, crp, gh", [(4, 4, 10, 50), (0, 0, 0, 0), (16, 9, 35.5, 60)])
def test_das28_crp_matches_published_formula(t, s, crp, gh):
    r = das28_crp(JointAssessment28(tjc28=t, sjc28=s, crp_mg_l=crp, patient_global_mm=gh))
    assert r.total == pytest.approx(das_crp(t, s, crp, gh), abs=1e-9)


def test_das28_crp_floor_is_0_96():
    r = das28_crp(JointAssessment28(tjc28=0, sjc28=0, crp_mg_l=0, patient_global_mm=0))
    assert r.total == 0.96


@pytest.mark.parametrize("value, band", [
    (2.5999999, "remission"), (2.6, "low"), (3.2, "low"), (3.2000001, "moderate"),
    (5.1, "moderate"), (5.1000001, "high"), (0.0, "remission"), (9.4, "high"),
])
def test_das28_band_edges(value, band):
    assert das28_category(value) == band


def test_das28_bounds_with_unassessed_components():
    # ESR unknown: ln(ESR) has no bounds -> nothing decidable.
    r = das28_esr(JointAssessment28(tjc28=10, sjc28=6, patient_global_mm=70))
    assert r.total is None and r.missing == ("esr",)
    assert r.minimum == -math.inf and r.maximum == math.inf
    assert exceeds(r, 3.2) is None and category_from_bounds(r) is None
    # CRP unknown: 0.36*ln(CRP+1) >= 0, so the minimum is finite: 0.56*4 + 0.28*3 + 0.84 + 0.96 = 4.88.
    r = das28_crp(JointAssessment28(tjc28=16, sjc28=9, patient_global_mm=60))
    assert r.minimum == pytest.approx(4.88, abs=1e-9) and r.maximum == math.inf
    assert exceeds(r, 3.2) is True
    # Joint counts unknown, labs known: bounded by 0..28 joints.
    r = das28_esr(JointAssessment28(esr_mm_h=5, patient_global_mm=0))
    assert r.minimum == pytest.approx(0.70 * math.log(5), abs=1e-9)
    assert r.maximum == pytest.approx(0.70 * math.log(5) + 0.84 * math.sqrt(28), abs=1e-9)
    assert exceeds(r, 3.2) is None


def test_joint_assessment_validation():
    with pytest.raises(ValidationError):
        JointAssessment28(tjc28=29)
    with pytest.raises(ValidationError):
        JointAssessment28(esr_mm_h=0)
    with pytest.raises(ValidationError):
        JointAssessment28(patient_global_mm=101)
    with pytest.raises(ValidationError):
        JointAssessment28(crp=5)  # unknown key (units must be explicit)


# ------------------------------------------------------------------ CDAI / SDAI

def test_cdai_exactly_10_is_low_and_not_above_10():
    r = cdai(JointAssessment28(tjc28=3, sjc28=2, patient_global_mm=25, evaluator_global_mm=25))
    assert r.total == 10.0
    assert cdai_category(r.total) == "low"
    assert exceeds(r, 10) is False
    r2 = cdai(JointAssessment28(tjc28=3, sjc28=2, patient_global_mm=26, evaluator_global_mm=25))
    assert r2.total == 10.1 and exceeds(r2, 10) is True and cdai_category(r2.total) == "moderate"


def test_cdai_decimal_sums_are_exact():
    # 0.1 + 0.2 style float noise must not appear: 3.3 + 3.3 + 3.4 + 0 = 10.0 exactly.
    r = cdai(JointAssessment28(tjc28=0, sjc28=0, patient_global_mm=33, evaluator_global_mm=67))
    assert r.total == 10.0


@pytest.mark.parametrize("value, band", [(2.8, "remission"), (2.9, "low"), (10, "low"), (10.1, "moderate"),
                                         (22, "moderate"), (22.1, "high")])
def test_cdai_band_edges(value, band):
    assert cdai_category(value) == band


@pytest.mark.parametrize("value, band", [(3.3, "remission"), (3.4, "low"), (11, "low"), (11.1, "moderate"),
                                         (26, "moderate"), (26.1, "high")])
def test_sdai_band_edges(value, band):
    assert sdai_category(value) == band


def test_sdai_mdcalc_reference_value():
    # TJC 1, SJC 0, PtGA 1 cm, PhGA 0, CRP 0.1 mg/dL (= 1 mg/L) -> SDAI 2.1 (MDCalc; notes 06_ra.md).
    r = sdai(JointAssessment28(tjc28=1, sjc28=0, patient_global_mm=10, evaluator_global_mm=0, crp_mg_l=1))
    assert r.total == 2.1
    assert sdai_category(r.total) == "remission"
    c = cdai(JointAssessment28(tjc28=1, sjc28=0, patient_global_mm=10, evaluator_global_mm=0))
    assert c.total == 2.0


def test_cdai_sdai_bounds():
    r = cdai(JointAssessment28(tjc28=3, sjc28=2))
    assert (r.minimum, r.maximum) == (5.0, 25.0) and exceeds(r, 10) is None
    r = cdai(JointAssessment28(tjc28=8, sjc28=3))
    assert r.minimum == 11.0 and exceeds(r, 10) is True
    r = cdai(JointAssessment28(tjc28=0, sjc28=0, patient_global_mm=5))
    assert r.maximum == 10.5 and category_from_bounds(r) is None
    r = sdai(JointAssessment28(tjc28=1, sjc28=1, patient_global_mm=10, evaluator_global_mm=10))
    assert r.minimum == 4.0 and r.maximum == math.inf and r.missing == ("crp",)


# ------------------------------------------------------------------ 2010 ACR/EULAR

@pytest.mark.parametrize("large, small, other, points", [
    (1, 0, 0, 0), (0, 0, 0, 0), (2, 0, 0, 1), (10, 0, 0, 1), (11, 0, 0, 1),
    (0, 1, 0, 2), (5, 3, 0, 2), (0, 4, 0, 3), (0, 10, 0, 3), (1, 10, 0, 5), (0, 11, 0, 5), (8, 2, 1, 5),
    (0, 3, 8, 5), (7, 3, 0, 2),
])
def test_2010_joint_points(large, small, other, points):
    assert acr_eular_2010_joint_points(large, small, other) == points


def test_2010_serology_points():
    assert acr_eular_2010_serology_points("negative", "negative") == 0
    assert acr_eular_2010_serology_points("low_positive", "negative") == 2
    assert acr_eular_2010_serology_points("low_positive", "high_positive") == 3


def complete_2010(**kw) -> AcrEular2010Items:
    base = dict(large_joints=0, small_joints=2, other_joints=0, rf="negative", acpa="high_positive",
                crp_abnormal=False, esr_abnormal=False, symptom_duration_weeks=8,
                definite_synovitis_one_joint=True, synovitis_better_explained_by_other_disease=False,
                erosive_disease_typical_of_ra=False)
    return AcrEular2010Items(**(base | kw))


def test_2010_exactly_6():
    # 1-3 small joints (2) + high-positive ACPA (3) + >= 6 weeks (1) = 6.
    r = acr_eular_2010_score(complete_2010())
    assert r.total == 6 and r.complete


def test_2010_duration_edge():
    assert acr_eular_2010_score(complete_2010(symptom_duration_weeks=6)).total == 6
    assert acr_eular_2010_score(complete_2010(symptom_duration_weeks=5.9)).total == 5


def test_2010_bounds():
    r = acr_eular_2010_score(AcrEular2010Items(small_joints=2, acpa="high_positive", symptom_duration_weeks=8))
    # joints: 2 known (more unknown large/other joints could make > 10 -> 5); RF unknown but ACPA already high;
    # acute phase unknown (0-1).
    assert (r.minimum, r.maximum) == (6, 10)
    assert r.at_least(6) is True
    r = acr_eular_2010_score(AcrEular2010Items())
    assert (r.minimum, r.maximum) == (0, 10)
    # Joint category decided although other_joints is unrecorded: > 10 joints with a small joint already.
    r = acr_eular_2010_score(complete_2010(large_joints=6, small_joints=6, other_joints=None))
    assert "other_joints" not in r.missing and r.total == 9
