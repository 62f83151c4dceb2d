"""The idiopathic inflammatory myopathy plugin wired into trialscreen: every value and predicate computed from
small patient records through `ScreeningContext` — met, not met and unknown, with the evidence and the missing data
named. Clinical logic is tested in test_iim_classification.py / test_iim_measures.py / test_iim_criteria.py."""

from __future__ import annotations

from functools import partial
from typing import Any

import pytest

from trialscreen.plugins.manager import default_manager
from trialscreen_iim.items import HAQ_CATEGORIES, MMT8_FIELDS

from .conftest import evidence_text, med, meds, record_context, record_value

AS_OF = "2026-03-16"
BASE: dict[str, Any] = {
    "id": "iim", "screening": {"date": AS_OF}, "sex": "female", "birth_date": "1980-03-15",
    "weight": "60 kg", "height": "165 cm", "diagnoses": [{"indication": "IIM", "onset_date": "2024-05-01"}],
}


ctx = partial(record_context, BASE)
value = partial(record_value, BASE)
labels = evidence_text


def mmt8(date: str = "2026-03-10", grade: int = 9, **grades: int | None) -> dict[str, Any]:
    return {"instrument": "iim.mmt8", "date": date, "items": {**{f: grade for f in MMT8_FIELDS}, **grades}}


DM_ITEMS = {"weakness_proximal_upper": True, "weakness_proximal_lower": True,
            "neck_flexors_weaker_than_extensors": False, "legs_proximal_weaker_than_distal": False,
            "heliotrope_rash": True, "gottron_papules": True, "gottron_sign": False,
            "dysphagia_or_oesophageal_dysmotility": False, "elevated_muscle_enzymes": True,
            "muscle_biopsy_performed": False}


def crit(**items: Any) -> dict[str, Any]:
    return {"instrument": "iim.eular_acr_2017", "date": "2024-06-01", "items": {**DM_ITEMS, **items}}


def ser(test: str, result: str, date: str = "2024-06-01") -> dict[str, Any]:
    return {"test": test, "result": result, "date": date}


# -- registration ---------------------------------------------------------------------------------------------


def test_plugin_registers_its_records():
    m = default_manager()
    for vid in ("iim.eular_acr_2017_score", "iim.mmt8", "iim.haq_di", "iim.patient_global_vas",
                "iim.physician_global_vas", "iim.extramuscular_vas", "iim.muscle_enzyme_max_x_uln"):
        assert m.provider_of("trialscreen_values", vid) == "iim"
    for pid in ("iim.eular_acr_2017", "iim.subgroup", "iim.mmt8_below", "iim.core_set_abnormal",
                "iim.myositis_antibody_positive", "iim.mda5_dm_refractory_p001", "iim.refractory_p002",
                "iim.drug_induced_myositis", "iim.inclusion_body_myositis", "iim.cancer_associated_myositis"):
        assert m.provider_of("trialscreen_predicates", pid) == "iim" and m.predicates[pid].compute.__doc__
    assert {"iim.eular_acr_2017", "iim.mmt8", "iim.haq_di", "iim.global_activity"} <= set(m.assessment_instruments)
    assert m.observation_tests["ck"].loinc == ("2157-6",) and m.observation_tests["anti_jo1"].loinc == ("5234-0",)


# -- 2017 classification --------------------------------------------------------------------------------------


def test_2017_score_fills_age_at_onset_from_the_record():
    r = value("iim.eular_acr_2017_score", assessments=[crit(anti_jo1=False)])
    # onset 2024-05-01 at 44 -> 2.1; weakness 0.7 + 0.8; heliotrope 3.1; Gottron papules 2.1; enzymes 1.3
    assert r.value == pytest.approx(10.1)
    assert "age at onset (birth date, IIM onset date)=44" in labels(r)


def test_2017_score_missing_item_named():
    r = value("iim.eular_acr_2017_score", assessments=[crit(dysphagia_or_oesophageal_dysmotility=None, anti_jo1=False)])
    assert r.missing == ("2017 EULAR/ACR item: dysphagia_or_oesophageal_dysmotility (assessments[0])",)


def test_2017_score_anti_jo1_from_serology_and_biopsy_model_needed():
    r = value("iim.eular_acr_2017_score", assessments=[crit(anti_jo1=None)], serologies=[ser("anti_jo1", "positive")])
    assert r.value == pytest.approx(14.0)
    r = value("iim.eular_acr_2017_score", assessments=[crit(muscle_biopsy_performed=None, anti_jo1=False)])
    assert r.missing[0].startswith("whether a muscle biopsy was performed")


def test_2017_probable_met_by_score_cut_off():
    r = value("iim.eular_acr_2017", assessments=[crit(anti_jo1=False)])
    assert r.value is True and "published cut-off for probability ≥55%=5.5" in labels(r)
    assert "logistic intercepts not verified" in r.note


def test_2017_not_met_below_cut_off_and_skin_or_biopsy_rule():
    low = crit(anti_jo1=False, heliotrope_rash=False, gottron_papules=False, elevated_muscle_enzymes=False)
    assert value("iim.eular_acr_2017", assessments=[low]).value is False  # 2.1 + 0.7 + 0.8 = 3.6


def test_2017_definite_needs_90_percent_cut_off():
    r = value("iim.eular_acr_2017", {"min_probability": 90}, assessments=[crit(anti_jo1=False)])
    assert r.value is True  # 10.1 >= 7.5
    r = value("iim.eular_acr_2017", {"min_probability": 90},
              assessments=[crit(anti_jo1=False, gottron_papules=False, weakness_proximal_upper=False)])
    assert r.value is False  # 2.1 + 0.8 + 3.1 + 1.3 = 7.3


def test_2017_documented_classification_and_conflict():
    documented = [{"indication": "IIM", "onset_date": "2024-05-01", "classification": ["EULAR/ACR 2017"]}]
    r = value("iim.eular_acr_2017", diagnoses=documented)
    assert r.value is True and "documented" in r.note
    assert value("iim.eular_acr_2017", {"min_probability": 90}, diagnoses=documented).value is None
    low = crit(anti_jo1=False, heliotrope_rash=False, gottron_papules=False, elevated_muscle_enzymes=False)
    assert value("iim.eular_acr_2017", diagnoses=documented, assessments=[low]).review


def test_2017_nothing_recorded_is_missing():
    r = value("iim.eular_acr_2017")
    assert r.missing == ("2017 EULAR/ACR IIM classification items (assessment iim.eular_acr_2017) or a documented "
                         "classification",)


# -- subgroup -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("condition", "subgroups", "expected"), [
    ("DM", ["DM", "IMNM", "ASyS"], True), ("IMNM", ["DM", "IMNM", "ASyS"], True),
    ("antisynthetase syndrome", ["DM", "IMNM", "ASyS"], True), ("PM", ["DM", "IMNM", "ASyS"], False),
    ("PM", ["DM", "PM", "ASS", "NM"], True), ("necrotizing myopathy", ["DM", "PM", "ASS", "NM"], True),
    ("IBM", ["DM", "PM", "ASS", "NM"], False)])
def test_subgroup_from_recorded_condition(condition, subgroups, expected):
    r = value("iim.subgroup", {"subgroups": subgroups}, diagnoses=[{"indication": "IIM", "condition": condition}])
    assert r.value is expected and r.evidence[0].source == "diagnoses[0].condition"


def test_subgroup_amyopathic_dm_and_unknown_condition_go_to_review():
    assert value("iim.subgroup", diagnoses=[{"indication": "IIM", "condition": "CADM"}]).review
    assert value("iim.subgroup", diagnoses=[{"indication": "IIM", "condition": "overlap myositis"}]).review


def test_subgroup_from_tree_and_antibodies():
    r = value("iim.subgroup", assessments=[crit(anti_jo1=False)])
    assert r.value is True and "2017 EULAR/ACR classification tree=dermatomyositis" in labels(r)
    r = value("iim.subgroup", serologies=[ser("anti_jo1", "positive")])
    assert r.value is True and r.note == "anti-synthetase syndrome: anti-Jo-1 positive"
    pm = crit(heliotrope_rash=False, gottron_papules=False, gottron_sign=False, finger_flexor_weakness=False,
              biopsy_rimmed_vacuoles=False, anti_jo1=False)
    r = value("iim.subgroup", assessments=[pm], serologies=[ser("anti_jo1", "negative")])
    assert r.value is None and "the 2017 tree places IMNM within PM" in r.missing[0]
    assert value("iim.subgroup", {"subgroups": ["DM", "PM", "ASS", "NM"]}, assessments=[pm]).value is True


def test_subgroup_nothing_recorded_is_missing():
    r = value("iim.subgroup")
    assert r.missing == ("IIM subgroup (diagnoses[].condition) or complete 2017 EULAR/ACR items",)


# -- MMT-8, HAQ-DI, globals, enzymes ----------------------------------------------------------------------------


def test_mmt8_value_and_missing_test():
    assert value("iim.mmt8", assessments=[mmt8()]).value == 135
    r = value("iim.mmt8", assessments=[mmt8(neck_flexors=None)])
    assert r.missing == ("MMT-8 item: neck_flexors (assessments[0])",)


@pytest.mark.parametrize(("grades", "params", "expected"), [
    ({}, {"threshold": 141, "inclusive": True}, True),                      # 135
    ({"neck_flexors": 10, "right_quadriceps": 10, "left_quadriceps": 10,
      "right_deltoid_middle": 10, "left_deltoid_middle": 10, "right_biceps_brachii": 10}, {"threshold": 141, "inclusive": True}, True),  # 141
    ({"neck_flexors": 10, "right_quadriceps": 10, "left_quadriceps": 10, "right_deltoid_middle": 10,
      "left_deltoid_middle": 10, "right_biceps_brachii": 10, "left_biceps_brachii": 10}, {"threshold": 141, "inclusive": True}, False),  # 142
    ({"neck_flexors": 10, "right_quadriceps": 10, "left_quadriceps": 10, "right_deltoid_middle": 10,
      "left_deltoid_middle": 10, "right_biceps_brachii": 10, "left_biceps_brachii": 10}, {"threshold": 142, "inclusive": False}, False),
])
def test_mmt8_below_thresholds(grades, params, expected):
    assert value("iim.mmt8_below", params, assessments=[mmt8(**grades)]).value is expected


def test_mmt8_below_decided_from_bounds_or_unknown():
    # 14 tests at 5 = 70, one ungraded: at most 80 -> below 142 whatever it is
    assert value("iim.mmt8_below", {"threshold": 142}, assessments=[mmt8(grade=5, neck_flexors=None)]).value is True
    r = value("iim.mmt8_below", {"threshold": 142}, assessments=[mmt8(grade=10, neck_flexors=None)])
    assert r.value is None and r.missing == ("MMT-8 test: neck_flexors (assessments[0])",)


def test_haq_di_from_items_and_total():
    items = {k: 1 for keys in HAQ_CATEGORIES.values() for k in keys}
    assert value("iim.haq_di", assessments=[{"instrument": "iim.haq_di", "date": "2026-03-10", "items": items}]).value == 1
    r = value("iim.haq_di", assessments=[{"instrument": "iim.haq_di", "date": "2026-03-10", "total": 0.375}])
    assert r.value == 0.375 and r.note == "total entered without items"


def globals_(date: str = "2026-03-10", **vas: float | None) -> dict[str, Any]:
    return {"instrument": "iim.global_activity", "date": date, "items": vas}


def test_global_vas_values():
    record = {"assessments": [globals_(patient_global_activity_vas=4), globals_("2026-03-12", physician_global_activity_vas=2.5)]}
    assert value("iim.patient_global_vas", **record).value == 4
    assert value("iim.physician_global_vas", **record).value == 2.5
    r = value("iim.extramuscular_vas", **record)
    assert r.missing == ("Extramuscular global activity VAS (assessment iim.global_activity) within 28 days before screening",)


def enzyme(test: str, val: float, uln: float | None, date: str = "2026-03-10") -> dict[str, Any]:
    out = {"test": test, "value": val, "unit": "U/L", "date": date}
    if uln is not None:
        out["ref_high"] = uln
    return out


def test_muscle_enzyme_max_needs_every_enzyme():
    labs = [enzyme("ck", 600, 200), enzyme("alt", 30, 40)]
    r = value("iim.muscle_enzyme_max_x_uln", labs=labs)
    assert r.value is None and "Aldolase within 28 days before screening" in r.missing
    r = value("iim.muscle_enzyme_max_x_uln", {"enzymes": ["ck", "alt"]}, labs=labs)
    assert r.value == 3 and r.unit == "xULN"
    r = value("iim.muscle_enzyme_max_x_uln", {"enzymes": ["ck"]}, labs=[enzyme("ck", 600, None)])
    assert r.missing == ("upper limit of normal of Creatine kinase (labs[0]: reference range not recorded)",)


ALL_ENZYMES_NORMAL = [enzyme(t, 10, 100) for t in ("ck", "aldolase", "ldh", "ast", "alt")]


def test_core_set_two_abnormal_measures():
    r = value("iim.core_set_abnormal", assessments=[globals_(patient_global_activity_vas=3, physician_global_activity_vas=1,
                                                             extramuscular_activity_vas=0)],
              labs=[enzyme("ck", 301, 200)])
    assert r.value is True  # PtGA >= 2 and CK 1.505 x ULN
    assert "core set measure abnormal: muscle_enzymes=yes" in labels(r)
    assert "core set measure abnormal: haq_di=unknown" in labels(r)


def test_core_set_enzyme_exactly_1_5_is_not_abnormal_by_default():
    record = {"assessments": [globals_(patient_global_activity_vas=3, physician_global_activity_vas=1,
                                       extramuscular_activity_vas=0),
                              {"instrument": "iim.haq_di", "date": "2026-03-10", "total": 0.125}],
              "labs": [enzyme("ck", 300, 200), *ALL_ENZYMES_NORMAL[1:]]}
    assert value("iim.core_set_abnormal", **record).value is False
    assert value("iim.core_set_abnormal", {"enzyme_strict": False}, **record).value is True


def test_core_set_unknown_names_what_is_missing():
    r = value("iim.core_set_abnormal", assessments=[globals_(patient_global_activity_vas=3)])
    assert r.value is None
    assert "HAQ-DI assessment within 28 days before screening" in r.missing
    assert "Creatine kinase within 28 days before screening" in r.missing


# -- antibodies -----------------------------------------------------------------------------------------------


def test_myositis_antibody_positive_any():
    r = value("iim.myositis_antibody_positive", serologies=[ser("anti_jo1", "negative"), ser("anti-mda5", "positive")])
    assert r.value is True and labels(r) == "Anti-MDA5 antibody=positive"


def test_myositis_antibody_negative_only_when_the_panel_was_tested():
    panel = ["anti_jo1", "anti_mda5"]
    r = value("iim.myositis_antibody_positive", {"antibodies": panel},
              serologies=[ser("anti_jo1", "negative"), ser("anti_mda5", "negative")])
    assert r.value is False
    r = value("iim.myositis_antibody_positive", {"antibodies": panel}, serologies=[ser("anti_jo1", "negative")])
    assert r.value is None and r.missing == ("Anti-MDA5 antibody",)


# -- refractoriness -------------------------------------------------------------------------------------------


def test_p002_refractory_three_months_combined_with_failure_or_intolerance():
    r = value("iim.refractory_p002", medications=meds(med("prednisone", "2025-01-01"),
                                                      med("methotrexate", "2025-02-01", "2025-05-01", outcome="failure")))
    assert r.value is True and r.note == "doses not checked against 'known effective doses'"
    r = value("iim.refractory_p002", medications=meds(med("prednisone", "2025-01-01"),
                                                      med("tacrolimus", "2025-02-01", "2025-05-01", outcome="intolerance")))
    assert r.value is True


def test_p002_refractory_not_met_short_or_responding():
    short = meds(med("prednisone", "2025-01-01"), med("methotrexate", "2025-02-01", "2025-04-30", outcome="failure"))
    assert value("iim.refractory_p002", medications=short).value is False
    responding = meds(med("prednisone", "2025-01-01"), med("methotrexate", "2025-02-01", outcome="response"))
    assert value("iim.refractory_p002", medications=responding).value is False


def test_p002_refractory_unknown_with_incomplete_history():
    r = value("iim.refractory_p002", medications=meds(med("prednisone", "2025-01-01"), complete=False))
    assert r.value is None and any("complete medication history" in m for m in r.missing)


MDA5 = {"serologies": [ser("anti_mda5", "positive")],
        "diagnoses": [{"indication": "IIM", "condition": "DM", "onset_date": "2025-06-01"}],
        "investigator": {"decisions": [{"topic": "mda5_dm_active_disease", "applies": True}]}}


def test_mda5_refractory_conservative_reading():
    r = value("iim.mda5_dm_refractory_p001", **MDA5, medications=meds(
        med("prednisone", "2025-07-01"), med("tacrolimus", "2025-08-01", "2025-09-15")))
    assert r.value is True
    assert "glucocorticoid: more than 28 days or intolerance=True" in labels(r)


def test_mda5_refractory_glucocorticoid_alone_only_permissive():
    medications = meds(med("prednisone", "2025-07-01"))
    assert value("iim.mda5_dm_refractory_p001", **MDA5, medications=medications).value is False
    assert value("iim.mda5_dm_refractory_p001", {"reading": "permissive"}, **MDA5, medications=medications).value is True


def test_mda5_refractory_28_days_is_not_more_than_four_weeks_intolerance_counts():
    base = med("prednisone", "2025-07-01")
    exact = meds(base, med("tacrolimus", "2025-08-01", "2025-08-29", outcome="failure"))  # 28 days
    assert value("iim.mda5_dm_refractory_p001", **MDA5, medications=exact).value is False
    unknown = meds(base, med("tacrolimus", "2025-08-01", "2025-08-29"))  # might have been stopped for intolerance
    r = value("iim.mda5_dm_refractory_p001", **MDA5, medications=unknown)
    assert r.value is None and "outcome of tacrolimus (medications.items[1].outcome)" in r.missing
    intolerant = meds(base, med("tacrolimus", "2025-08-01", "2025-08-05", outcome="intolerance"))
    assert value("iim.mda5_dm_refractory_p001", **MDA5, medications=intolerant).value is True


def test_mda5_refractory_without_active_decision_goes_to_review_and_mda5_negative_is_not():
    record = {**MDA5, "investigator": {}}
    r = value("iim.mda5_dm_refractory_p001", **record, medications=meds(
        med("prednisone", "2025-07-01"), med("tacrolimus", "2025-08-01", "2025-09-15")))
    assert r.review and "mda5_dm_active_disease" in r.review
    negative = {**MDA5, "serologies": [ser("anti_mda5", "negative")]}
    assert value("iim.mda5_dm_refractory_p001", **negative, medications=meds()).value is False


# -- exclusions -----------------------------------------------------------------------------------------------


def test_drug_induced_from_history_code_or_condition():
    history = {"reviewed": "all", "events": [{"category": "myopathy_non_iim", "code": "statin_myopathy", "date": "2024-01-01"}]}
    assert value("iim.drug_induced_myositis", history=history).value is True
    assert value("iim.drug_induced_myositis",
                 diagnoses=[{"indication": "IIM", "condition": "drug-induced myositis"}]).value is True


def test_drug_induced_not_met_reviewed_uncoded_review_unreviewed_missing():
    assert value("iim.drug_induced_myositis", history={"reviewed": ["myopathy_non_iim"]}).value is False
    hiv = {"reviewed": "all", "events": [{"category": "myopathy_non_iim", "code": "hiv"}]}
    assert value("iim.drug_induced_myositis", history=hiv).value is False
    uncoded = {"events": [{"category": "myopathy_non_iim", "date": "2024-01-01"}]}
    assert value("iim.drug_induced_myositis", history=uncoded).review
    assert value("iim.drug_induced_myositis").missing == (
        "history of drug-induced myopathy (category myopathy_non_iim not recorded as reviewed)",)


def test_ibm_from_condition_or_tree():
    assert value("iim.inclusion_body_myositis", diagnoses=[{"indication": "IIM", "condition": "sIBM"}]).value is True
    assert value("iim.inclusion_body_myositis", diagnoses=[{"indication": "IIM", "condition": "DM"}]).value is False
    ibm = crit(heliotrope_rash=False, gottron_papules=False, gottron_sign=False, biopsy_rimmed_vacuoles=True, anti_jo1=False)
    assert value("iim.inclusion_body_myositis", assessments=[ibm]).value is True
    assert value("iim.inclusion_body_myositis", assessments=[crit(anti_jo1=False)]).value is False
    assert value("iim.inclusion_body_myositis").value is None


def test_cancer_associated_within_two_years_inclusive():
    def tumour(date: str | None) -> dict[str, Any]:
        return {"reviewed": ["malignancy"], "events": [{"category": "malignancy", "date": date}]}

    assert value("iim.cancer_associated_myositis", history=tumour("2026-05-01")).value is False  # after as-of: not seen
    assert value("iim.cancer_associated_myositis", history=tumour("2022-05-01")).value is True  # exactly 2 years before
    assert value("iim.cancer_associated_myositis", history=tumour("2022-04-30")).value is False
    assert value("iim.cancer_associated_myositis", history=tumour("2025-11-01")).value is True
    assert value("iim.cancer_associated_myositis", history={"reviewed": ["malignancy"]}).value is False
    r = value("iim.cancer_associated_myositis", history=tumour(None))
    assert r.value is None and r.missing == ("date of the malignancy (history.events[0])",)
    r = value("iim.cancer_associated_myositis")
    assert r.missing == ("history of malignancy (category malignancy not recorded as reviewed)",)


def test_cancer_associated_unknown_onset():
    r = value("iim.cancer_associated_myositis", diagnoses=[{"indication": "IIM"}],
              history={"reviewed": ["malignancy"], "events": [{"category": "malignancy", "date": "2020-01-01"}]})
    assert r.value is None and r.missing == ("onset date of the myositis (diagnoses[].onset_date)",)
