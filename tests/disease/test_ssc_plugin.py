"""The systemic sclerosis plugin wired into trialscreen: every value and predicate computed from small patient
records through `ScreeningContext` — met, not met and unknown, with the evidence and the missing data named.

Clinical logic is tested in test_ssc_criteria.py / test_ssc_scores.py; these tests check that the record's facts
(assessments, diagnoses, history events, labs, serologies, medications) reach it correctly.
"""

from __future__ import annotations

from functools import partial
from typing import Any

import pytest

from trialscreen.plugins.manager import default_manager
from trialscreen_ssc.items import MRSS_AREAS

from .conftest import evidence_text, med, meds, record_context, record_value

AS_OF = "2026-03-16"
BASE: dict[str, Any] = {
    "id": "ssc", "screening": {"date": AS_OF}, "sex": "female", "birth_date": "1980-03-15",
    "weight": "60 kg", "height": "165 cm", "diagnoses": [{"indication": "SSC"}],
}


ctx = partial(record_context, BASE)
value = partial(record_value, BASE)
labels = evidence_text


def mrss(date: str, grade: int = 1, **grades: int | None) -> dict[str, Any]:
    return {"instrument": "ssc.mrss", "date": date, "items": {**{a: grade for a in MRSS_AREAS}, **grades}}


def lab(test: str, val: float, date: str) -> dict[str, Any]:
    return {"test": test, "value": val, "unit": "%", "date": date}


# -- plugin registration --------------------------------------------------------------------------------------


def test_plugin_registers_its_records():
    m = default_manager()
    assert m.provider_of("trialscreen_values", "ssc.mrss") == "ssc"
    for pid in ("ssc.acr_eular_2013", "ssc.cutaneous_subset", "ssc.disease_duration", "ssc.mrss_progression",
                "ssc.ild_lung_function_p002", "ssc.ild_requirement_p004", "ssc.ild_progression_omeract",
                "ssc.relapsed_refractory_p002", "ssc.relapsed_refractory_p004"):
        assert pid in m.predicates and m.predicates[pid].compute.__doc__
    assert {"ssc.mrss", "ssc.acr_eular_2013", "ssc.chest_hrct"} <= set(m.assessment_instruments)
    assert {"fvc_pct_predicted", "dlco_pct_predicted", "anti_scl70"} <= set(m.observation_tests)
    assert {"raynaud_phenomenon", "ssc_first_non_raynaud_manifestation", "interstitial_lung_disease"} <= set(
        m.history_categories)
    assert m.indications["SSC"].snomed == ("89155008",)


# -- mRSS -----------------------------------------------------------------------------------------------------


def test_mrss_from_items():
    r = value("ssc.mrss", assessments=[mrss("2026-03-10", 1, face=3)])
    assert r.value == 19 and r.evidence[0].label == "mRSS" and r.evidence[0].date.isoformat() == "2026-03-10"


def test_mrss_ungraded_area_is_missing_by_name():
    r = value("ssc.mrss", assessments=[mrss("2026-03-10", 1, left_thigh=None)])
    assert r.value is None and r.missing == ("mRSS area: left_thigh (assessments[0])",)
    assert r.evidence[0].value == "16-19 (incomplete)"


def test_mrss_total_entered_is_accepted_and_marked():
    r = value("ssc.mrss", assessments=[{"instrument": "ssc.mrss", "date": "2026-03-10", "total": 24}])
    assert r.value == 24 and r.note == "total entered without items"
    assert r.evidence[0].label == "mRSS (total entered)"


def test_mrss_total_outside_item_bounds_goes_to_review():
    item = mrss("2026-03-10", 0, left_thigh=None)
    r = value("ssc.mrss", assessments=[{**item, "total": 10}])
    assert r.review and "outside what the recorded items allow (0-3)" in r.review


def test_mrss_outside_window_is_missing():
    r = value("ssc.mrss", assessments=[mrss("2026-01-01")])
    assert r.missing == ("mRSS assessment within 28 days before screening",)
    assert value("ssc.mrss", {"within": {"months": 6}}, assessments=[mrss("2026-01-01")]).value == 17


# -- mRSS progression -----------------------------------------------------------------------------------------


def total(date: str, t: float) -> dict[str, Any]:
    return {"instrument": "ssc.mrss", "date": date, "total": t}


def test_mrss_progression_more_than_10_percent():
    r = value("ssc.mrss_progression", assessments=[total("2025-06-01", 20), total("2026-03-01", 23)])
    assert r.value is True
    assert "mRSS change from baseline=15.0" in labels(r)


def test_mrss_progression_exactly_10_percent_is_not():
    r = value("ssc.mrss_progression", assessments=[total("2025-06-01", 20), total("2026-03-01", 22)])
    assert r.value is False


def test_mrss_progression_baseline_is_earliest_in_window():
    records = [total("2024-01-01", 10), total("2025-06-01", 20), total("2026-03-01", 23)]
    assert value("ssc.mrss_progression", assessments=records).value is True  # 2024 is outside 12 months
    assert value("ssc.mrss_progression", {"within": {"years": 3}}, assessments=records).value is True


def test_mrss_progression_needs_two_assessments():
    r = value("ssc.mrss_progression", assessments=[total("2026-03-01", 23)])
    assert r.missing == ("two dated mRSS assessments within 12 months before screening (found 1)",)


def test_mrss_progression_from_zero_goes_to_review():
    r = value("ssc.mrss_progression", assessments=[total("2025-06-01", 0), total("2026-03-01", 3)])
    assert r.review and "from 0" in r.review


def test_mrss_progression_undecided_bounds_name_the_ungraded_area():
    r = value("ssc.mrss_progression", assessments=[mrss("2025-06-01", 1), mrss("2026-03-01", 1, face=None)])
    # baseline 17, current 16-19: could be +11.8%
    assert r.value is None and r.missing == ("mRSS area: face",)


# -- 2013 ACR/EULAR -------------------------------------------------------------------------------------------

CLASSIFIED = {"skin_thickening_sparing_fingers": False, "better_explained_by_scleroderma_like_disorder": False,
              "skin_thickening_proximal_to_mcps": False, "puffy_fingers": True, "sclerodactyly": True,
              "digital_tip_ulcers": False, "fingertip_pitting_scars": False, "telangiectasia": False,
              "abnormal_nailfold_capillaries": True, "pulmonary_arterial_hypertension": False,
              "interstitial_lung_disease": False, "raynauds_phenomenon": True, "anticentromere": False,
              "anti_topoisomerase_i": None, "anti_rna_polymerase_iii": False}


def crit(**items: Any) -> dict[str, Any]:
    return {"instrument": "ssc.acr_eular_2013", "date": "2024-05-01", "items": {**CLASSIFIED, **items}}


def test_2013_score_fills_antibody_from_serology():
    r = value("ssc.acr_eular_2013_score", assessments=[crit()],
              serologies=[{"test": "anti-scl-70", "result": "positive", "date": "2024-04-01"}])
    assert r.value == 12  # sclerodactyly 4 + nailfold 2 + Raynaud 3 + autoantibody 3
    assert "Anti-topoisomerase I (Scl-70) antibody (item anti_topoisomerase_i from serology)=positive" in labels(r)


def test_2013_score_unknown_names_the_item():
    r = value("ssc.acr_eular_2013_score", assessments=[crit()])
    assert r.missing == ("2013 ACR/EULAR item: anti_topoisomerase_i (assessments[0])",)


def test_2013_classified_from_items_even_with_an_unanswered_item():
    assert value("ssc.acr_eular_2013", assessments=[crit()]).value is True  # 9 already without Scl-70


def test_2013_not_classified_below_9():
    r = value("ssc.acr_eular_2013", assessments=[crit(sclerodactyly=False, anti_topoisomerase_i=False)])
    assert r.value is False  # puffy 2 + nailfold 2 + Raynaud 3 = 7


def test_2013_not_applicable_when_skin_spares_the_fingers():
    assert value("ssc.acr_eular_2013", assessments=[crit(skin_thickening_sparing_fingers=True)]).value is False


def test_2013_documented_classification_counts_without_items():
    r = value("ssc.acr_eular_2013", diagnoses=[{"indication": "SSC", "classification": ["ACR/EULAR 2013"]}])
    assert r.value is True and r.note == "documented classification"


def test_2013_items_against_documented_goes_to_review():
    r = value("ssc.acr_eular_2013", assessments=[crit(sclerodactyly=False, anti_topoisomerase_i=False)],
              diagnoses=[{"indication": "SSC", "classification": ["2013 ACR/EULAR"]}])
    assert r.review and "documented as met" in r.review


def test_2013_total_entered_below_9_is_not_classified_at_or_above_unknown():
    low = {"instrument": "ssc.acr_eular_2013", "date": "2024-05-01", "total": 7}
    assert value("ssc.acr_eular_2013", assessments=[low]).value is False
    r = value("ssc.acr_eular_2013", assessments=[{**low, "total": 11}])
    assert r.value is None and "applicability" in r.missing[0]


def test_2013_nothing_recorded_is_missing():
    r = value("ssc.acr_eular_2013")
    assert r.value is None and "diagnoses[].classification" in r.missing[0]


# -- subset ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("condition", "expected"), [("dcSSc", True), ("limited cutaneous", True), ("CREST", True),
                                                     ("sine scleroderma", False)])
def test_subset_from_recorded_condition(condition, expected):
    r = value("ssc.cutaneous_subset", diagnoses=[{"indication": "SSC", "condition": condition}])
    assert r.value is expected and r.evidence[0].source == "diagnoses[0].condition"


def test_subset_only_limited_asked():
    r = value("ssc.cutaneous_subset", {"subsets": ["limited"]}, diagnoses=[{"indication": "SSC", "condition": "diffuse"}])
    assert r.value is False


def test_subset_unrecognised_condition_goes_to_review():
    assert value("ssc.cutaneous_subset", diagnoses=[{"indication": "SSC", "condition": "overlap"}]).review


def test_subset_diffuse_inferred_from_mrss_limited_is_not():
    proximal = mrss("2026-03-10", 0, right_thigh=2)
    r = value("ssc.cutaneous_subset", assessments=[proximal])
    assert r.value is True and "right_thigh" in labels(r)
    distal = mrss("2026-03-10", 0, right_fingers=2)
    r = value("ssc.cutaneous_subset", assessments=[distal])
    assert r.value is None and r.missing == ("SSc cutaneous subset (diagnoses[].condition: diffuse or limited)",)


# -- disease duration -----------------------------------------------------------------------------------------


def raynaud(date: str | None, category: str = "raynaud_phenomenon") -> dict[str, Any]:
    return {"category": category, "date": date}


def test_duration_exactly_7_years_is_within():
    r = value("ssc.disease_duration", history={"events": [raynaud("2019-03-16")]})
    assert r.value is True and r.evidence[0].date.isoformat() == "2019-03-16"


def test_duration_7_years_and_a_day_is_not():
    r = value("ssc.disease_duration", history={"events": [raynaud("2019-03-15"), raynaud("2022-01-01")]})
    assert r.value is False  # the earliest occurrence counts


def test_duration_undated_event_leaves_within_unknown():
    r = value("ssc.disease_duration", history={"events": [raynaud("2022-01-01"), raynaud(None)]})
    assert r.value is None and r.missing == ("date of Raynaud's phenomenon (history.events[1])",)


def test_duration_no_raynaud_reviewed_goes_to_review_not_reviewed_is_missing():
    assert value("ssc.disease_duration", history={"reviewed": ["raynaud_phenomenon"]}).review
    r = value("ssc.disease_duration")
    assert r.missing == ("date of the first Raynaud's phenomenon (history category raynaud_phenomenon)",)


def test_duration_from_first_non_raynaud_manifestation():
    events = [raynaud("2015-01-01"), raynaud("2020-01-01", "ssc_first_non_raynaud_manifestation")]
    assert value("ssc.disease_duration", {"from": "non_raynaud"}, history={"events": events}).value is True
    assert value("ssc.disease_duration", {"from": "raynaud"}, history={"events": events}).value is False


# -- lungs ----------------------------------------------------------------------------------------------------

ILD = {"reviewed": ["interstitial_lung_disease"], "events": [{"category": "interstitial_lung_disease", "date": "2023-01-01"}]}
NO_ILD = {"reviewed": ["interstitial_lung_disease"]}


def hrct(ild: bool | None, ground_glass: bool | None, date: str = "2026-02-01") -> dict[str, Any]:
    return {"instrument": "ssc.chest_hrct", "date": date,
            "items": {"interstitial_lung_disease": ild, "ground_glass_opacities": ground_glass}}


def test_p002_no_ild_is_met():
    r = value("ssc.ild_lung_function_p002", history=NO_ILD)
    assert r.value is True and "history of interstitial lung disease=none recorded" in labels(r)


@pytest.mark.parametrize(("fvc", "dlco", "expected"), [(45, 30, True), (44, 40, True), (44, 39, False)])
def test_p002_ild_thresholds(fvc, dlco, expected):
    r = value("ssc.ild_lung_function_p002", history=ILD,
              labs=[lab("fvc_pct_predicted", fvc, "2026-03-01"), lab("dlco_pct_predicted", dlco, "2026-03-01")])
    assert r.value is expected


def test_p002_ild_without_pft_is_missing():
    r = value("ssc.ild_lung_function_p002", history=ILD)
    assert r.missing == ("FVC % predicted within 28 days before screening",
                         "DLCO % predicted within 28 days before screening")


def test_p002_ild_unknown_but_lung_function_passes_anyway():
    assert value("ssc.ild_lung_function_p002", labs=[lab("fvc_pct_predicted", 80, "2026-03-01")]).value is True
    r = value("ssc.ild_lung_function_p002", labs=[lab("fvc_pct_predicted", 40, "2026-03-01")])
    assert r.value is None and r.missing[0].startswith("whether interstitial lung disease is present")


def test_ild_presence_from_hrct():
    r = value("ssc.ild_lung_function_p002", assessments=[hrct(True, True)],
              labs=[lab("fvc_pct_predicted", 40, "2026-03-01"), lab("dlco_pct_predicted", 30, "2026-03-01")])
    assert r.value is False and "chest HRCT: interstitial lung disease=True" in labels(r)
    assert value("ssc.ild_lung_function_p002", assessments=[hrct(False, False)]).value is True


def test_p004_no_ild_is_met_with_ild_needs_ground_glass_and_low_pft():
    assert value("ssc.ild_requirement_p004", history=NO_ILD).value is True
    low = [lab("fvc_pct_predicted", 75, "2026-03-01"), lab("dlco_pct_predicted", 65, "2026-03-01")]
    assert value("ssc.ild_requirement_p004", history=ILD, assessments=[hrct(True, True)], labs=low).value is True
    assert value("ssc.ild_requirement_p004", history=ILD, assessments=[hrct(True, False)], labs=low).value is False
    high = [lab("fvc_pct_predicted", 70, "2026-03-01"), lab("dlco_pct_predicted", 70, "2026-03-01")]
    assert value("ssc.ild_requirement_p004", history=ILD, assessments=[hrct(True, True)], labs=high).value is False


def test_p004_ild_without_hrct_reading_is_missing():
    r = value("ssc.ild_requirement_p004", history=ILD, labs=[lab("fvc_pct_predicted", 60, "2026-03-01")])
    assert r.value is None and r.missing == ("chest HRCT: ground-glass opacities (assessment ssc.chest_hrct)",
                                             "DLCO % predicted within 28 days before screening")


def test_omeract_fvc_decline_of_10_percent():
    labs = [lab("fvc_pct_predicted", 80, "2025-06-01"), lab("fvc_pct_predicted", 72, "2026-03-01")]
    r = value("ssc.ild_progression_omeract", labs=labs)
    assert r.value is True and "FVC % predicted relative decline=10.0" in labels(r)


def test_omeract_fvc_5_with_dlco_15():
    labs = [lab("fvc_pct_predicted", 80, "2025-06-01"), lab("fvc_pct_predicted", 76, "2026-03-01"),
            lab("dlco_pct_predicted", 60, "2025-06-01"), lab("dlco_pct_predicted", 51, "2026-03-01")]
    assert value("ssc.ild_progression_omeract", labs=labs).value is True
    labs[-1] = lab("dlco_pct_predicted", 52, "2026-03-01")
    assert value("ssc.ild_progression_omeract", labs=labs).value is False


def test_omeract_small_fvc_decline_is_not_progression_without_dlco_unknown():
    assert value("ssc.ild_progression_omeract", labs=[lab("fvc_pct_predicted", 80, "2025-06-01"),
                                                      lab("fvc_pct_predicted", 78, "2026-03-01")]).value is False
    r = value("ssc.ild_progression_omeract", labs=[lab("fvc_pct_predicted", 80, "2025-06-01"),
                                                   lab("fvc_pct_predicted", 76, "2026-03-01")])
    assert r.value is None and "two DLCO % predicted results" in r.missing[0]
    r = value("ssc.ild_progression_omeract", labs=[lab("fvc_pct_predicted", 80, "2026-03-01")])
    assert r.missing == ("two FVC % predicted results on different dates within 12 months before screening",)


# -- relapsed / refractory ------------------------------------------------------------------------------------


def test_p002_six_months_combined_with_failure():
    r = value("ssc.relapsed_refractory_p002", medications=meds(
        med("prednisone", "2024-01-01", "2024-09-01"), med("mycophenolate mofetil", "2024-02-01", "2024-08-01",
                                                           outcome="failure")))
    assert r.value is True
    assert "glucocorticoid combined with an immunosuppressant/immunomodulator for 6 months=2024-02-01 → 2024-08-01" \
        in labels(r)


def test_p002_combined_less_than_six_months_is_not():
    r = value("ssc.relapsed_refractory_p002", medications=meds(
        med("prednisone", "2024-01-01", "2024-09-01"), med("mycophenolate mofetil", "2024-03-05", "2024-09-01",
                                                           outcome="failure")))
    assert r.value is False  # 2024-03-05 -> 2024-09-01 is under 6 months


def test_p002_sequential_not_overlapping_is_not_combined():
    r = value("ssc.relapsed_refractory_p002", medications=meds(
        med("prednisone", "2023-01-01", "2023-12-31"), med("methotrexate", "2024-01-01", "2024-12-31", outcome="failure")))
    assert r.value is False


def test_p002_without_failure_or_relapse_is_not_unknown_outcome_is_unknown():
    r = value("ssc.relapsed_refractory_p002", medications=meds(
        med("prednisone", "2024-01-01", outcome="response"),
        med("mycophenolate mofetil", "2024-01-01", outcome="response")))
    assert r.value is False
    r = value("ssc.relapsed_refractory_p002", medications=meds(
        med("prednisone", "2024-01-01"), med("mycophenolate mofetil", "2024-01-01", outcome="response")))
    assert r.value is None and r.missing == ("outcome of prednisone (medications.items[0].outcome)",)


def test_p002_incomplete_history_is_unknown():
    r = value("ssc.relapsed_refractory_p002", medications=meds(med("prednisone", "2024-01-01"), complete=False))
    assert r.value is None and any("complete medication history" in m for m in r.missing)


P004_BASE = (med("prednisone", "2023-01-01", "2023-02-01", dose={"value": 72, "unit": "mg", "per": "day"}),
             med("cyclophosphamide", "2023-01-15", "2023-06-15", dose={"value": 1, "unit": "g", "per": "dose"}),
             med("methotrexate", "2023-07-01", "2024-03-01", outcome="failure"))


def test_p004_routine_treatment_with_failure():
    r = value("ssc.relapsed_refractory_p004", medications=meds(*P004_BASE))
    assert r.value is True  # 72 mg = 1.2 mg/kg; MTX 8 months
    assert "glucocorticoid above 1 mg/kg/day prednisone-equivalent=True" in labels(r)


def test_p004_exactly_1_mg_per_kg_is_not_above():
    gc = med("prednisone", "2023-01-01", "2023-02-01", dose={"value": 60, "unit": "mg", "per": "day"})
    r = value("ssc.relapsed_refractory_p004", medications=meds(gc, *P004_BASE[1:]))
    assert r.value is False


def test_p004_needs_cyclophosphamide():
    r = value("ssc.relapsed_refractory_p004", medications=meds(P004_BASE[0], P004_BASE[2]))
    assert r.value is False and "cyclophosphamide used=False" in labels(r)


def test_p004_garbled_drug_goes_to_review():
    mmf = med("mycophenolate mofetil", "2023-07-01", "2024-03-01", outcome="failure")
    r = value("ssc.relapsed_refractory_p004", medications=meds(P004_BASE[0], P004_BASE[1], mmf))
    assert r.review and "mycophenolate mofetil" in r.review


def test_p004_incomplete_history_is_unknown():
    r = value("ssc.relapsed_refractory_p004", medications=meds(P004_BASE[0], complete=False))
    assert r.value is None and "complete medication history (cyclophosphamide use)" in r.missing


def test_p004_drug_outside_the_catalogue_is_named():
    """Regression: cyclophosphamide recorded under a name the drug catalogue does not know, in a complete history,
    leaves the criterion unknown naming that drug (not "complete medication history")."""
    cyc = {**P004_BASE[1], "drug": "Ciclofosfamida"}
    r = value("ssc.relapsed_refractory_p004", medications=meds(P004_BASE[0], cyc, P004_BASE[2]))
    assert r.value is None and r.review is None
    assert "identity of 'Ciclofosfamida' (medications.items[1]: not in the drug catalogue)" in r.missing
    assert "complete medication history (cyclophosphamide use)" not in r.missing
