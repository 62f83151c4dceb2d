"""The ANCA-associated vasculitis plugin wired into trialscreen: every value and predicate computed from small
patient records through `ScreeningContext` — met, not met and unknown (or review), with the evidence and the missing
data named. Clinical logic is tested in test_aav_bvas.py / test_aav_classification.py / test_aav_criteria.py."""

from __future__ import annotations

from functools import partial
from typing import Any

import pytest

from trialscreen.plugins.manager import default_manager
from trialscreen_aav.items import BVAS_V3_ITEMS
from trialscreen_aav.predicates import prednisone_on

from .conftest import evidence_text, record_context, record_value

AS_OF = "2026-03-16"
BASE: dict[str, Any] = {
    "id": "aav", "screening": {"date": AS_OF}, "sex": "female", "birth_date": "1980-03-15",
    "weight": "60 kg", "height": "165 cm", "diagnoses": [{"indication": "AAV", "condition": "GPA"}],
}


ctx = partial(record_context, BASE)
value = partial(record_value, BASE)
labels = evidence_text


def bvas(date: str = "2026-03-10", total: float | None = None, **present: bool | None) -> dict[str, Any]:
    items = {**{i.key: False for i in BVAS_V3_ITEMS}, "persistent": False, "first_assessment": False, **present}
    out: dict[str, Any] = {"instrument": "aav.bvas_v3", "date": date, "items": items}
    if total is not None:
        out["total"] = total
    return out


def bvas_total(date: str, total: float) -> dict[str, Any]:
    return {"instrument": "aav.bvas_v3", "date": date, "total": total}


# -- registration ---------------------------------------------------------------------------------------------


def test_plugin_registers_its_records():
    m = default_manager()
    for vid in ("aav.bvas_v3", "aav.gpa_2022_score", "aav.mpa_2022_score"):
        assert m.provider_of("trialscreen_values", vid) == "aav"
    for pid in ("aav.bvas_major_or_three_other", "aav.bvas_zero", "aav.gpa_2022", "aav.mpa_2022",
                "aav.chcc2012_diagnosis", "aav.anca_positive", "aav.relapsed_p002", "aav.refractory_p002",
                "aav.relapsed_refractory_requiring_cyc_rtx_p001", "aav.major_organ_induction_p001"):
        assert m.provider_of("trialscreen_predicates", pid) == "aav" and m.predicates[pid].compute.__doc__
    assert m.predicates["aav.bvas_major_or_three_other"].parameters["major_items"] == []  # no verified list
    assert m.observation_tests["anca_pr3"].loinc == ("29644-2",)
    assert m.indications["AAV"].icd10 == ("M31.3", "M31.7")


# -- BVAS v3 value --------------------------------------------------------------------------------------------


def test_bvas_value_from_verified_items():
    r = value("aav.bvas_v3", assessments=[bvas(fever=True, purpura=True)])
    assert r.value == 4 and "Purpura=2" in labels(r)  # new/worse column: fever 2 + purpura 2


def test_bvas_value_unknown_when_an_item_value_is_unverified():
    r = value("aav.bvas_v3", assessments=[bvas(headache=True)])
    assert r.value is None and "total from the official form" in r.missing[0]
    assert r.evidence[0].value.endswith("(no total)")


def test_bvas_value_entered_total_within_bounds_is_accepted_outside_reviewed():
    r = value("aav.bvas_v3", assessments=[bvas(total=3, headache=True)])
    assert r.value == 3 and r.note.startswith("total entered")
    r = value("aav.bvas_v3", assessments=[bvas(total=60, headache=True)])
    assert r.review and "outside what the recorded items allow" in r.review


def test_bvas_value_total_only_and_unanswered_items():
    r = value("aav.bvas_v3", assessments=[bvas_total("2026-03-10", 12)])
    assert r.value == 12 and r.note == "total entered without items"
    r = value("aav.bvas_v3", assessments=[bvas(fever=None)])
    assert r.missing == ("BVAS v3 item: fever (assessments[0])",)
    assert value("aav.bvas_v3", assessments=[bvas("2025-01-01")]).missing == (
        "BVAS v3 assessment within 28 days before screening",)


# -- major item / three others; BVAS 0 ------------------------------------------------------------------------


def test_three_items_meet_whatever_the_major_list():
    r = value("aav.bvas_major_or_three_other", assessments=[bvas(fever=True, purpura=True, myalgia=True)])
    assert r.value is True and "BVAS v3 items present=3" in labels(r)


def test_no_item_present_is_not_met():
    assert value("aav.bvas_major_or_three_other", assessments=[bvas()]).value is False


def test_one_or_two_items_of_unknown_major_status_go_to_review():
    r = value("aav.bvas_major_or_three_other", assessments=[bvas(massive_haemoptysis_alveolar_haemorrhage=True)])
    assert r.review and "massive_haemoptysis_alveolar_haemorrhage" in r.review


def test_major_and_other_lists_decide_one_or_two_items():
    params = {"major_items": ["massive_haemoptysis_alveolar_haemorrhage"], "other_items": ["fever", "purpura"]}
    r = value("aav.bvas_major_or_three_other", params, assessments=[bvas(massive_haemoptysis_alveolar_haemorrhage=True)])
    assert r.value is True and "major item: Massive haemoptysis / alveolar haemorrhage=True" in labels(r)
    r = value("aav.bvas_major_or_three_other", params, assessments=[bvas(fever=True, purpura=True)])
    assert r.value is False
    r = value("aav.bvas_major_or_three_other", params, assessments=[bvas(fever=True, myalgia=True)])
    assert r.review and "myalgia" in r.review  # myalgia is in neither list
    r = value("aav.bvas_major_or_three_other", {"major_items": ["gangrene"], "unlisted_are_other": True},
              assessments=[bvas(fever=True, myalgia=True)])
    assert r.value is False


def test_unanswered_items_leave_it_unknown_total_only_decides_zero():
    r = value("aav.bvas_major_or_three_other", assessments=[bvas(fever=True, headache=None)])
    assert r.value is None and r.missing == ("BVAS v3 item: headache (assessments[0])",)
    assert value("aav.bvas_major_or_three_other", assessments=[bvas_total("2026-03-10", 0)]).value is False
    r = value("aav.bvas_major_or_three_other", assessments=[bvas_total("2026-03-10", 6)])
    assert r.value is None and "a total cannot show which items are present" in r.missing[0]


def test_bvas_zero():
    assert value("aav.bvas_zero", assessments=[bvas()]).value is True
    r = value("aav.bvas_zero", assessments=[bvas(headache=True)])
    assert r.value is False and "present: Headache=True" in labels(r)  # no weight needed
    r = value("aav.bvas_zero", assessments=[bvas_total("2026-03-10", 0)])
    assert r.value is True and r.note == "total entered without items"
    r = value("aav.bvas_zero", assessments=[bvas(uveitis=None)])
    assert r.value is None and r.missing == ("BVAS v3 item: uveitis (assessments[0])",)
    assert value("aav.bvas_zero", assessments=[bvas(total=2)]).review


# -- 2022 classification, Chapel Hill ---------------------------------------------------------------------------

GPA_ITEMS = {"entry_small_or_medium_vessel_vasculitis": True, "nasal_involvement": True,
             "cartilaginous_involvement": False, "hearing_loss": False, "canca_or_anti_pr3_positive": None,
             "panca_or_anti_mpo_positive": False, "pulmonary_nodules_mass_or_cavitation": True,
             "granuloma_or_giant_cells_on_biopsy": False, "sinus_inflammation_or_mastoiditis_on_imaging": False,
             "pauci_immune_glomerulonephritis": False, "fibrosis_or_ild_on_chest_imaging": False,
             "eosinophils_ge_1e9_per_l": False}


def crit(**items: Any) -> dict[str, Any]:
    return {"instrument": "aav.acr_eular_2022", "date": "2024-01-01", "items": {**GPA_ITEMS, **items}}


PR3 = {"test": "anca_pr3", "result": "positive", "date": "2024-01-01"}


def test_2022_scores_with_anca_from_serology():
    r = value("aav.gpa_2022_score", assessments=[crit()], serologies=[PR3])
    assert r.value == 10 and "item canca_or_anti_pr3_positive from serology" in labels(r)
    assert value("aav.mpa_2022_score", assessments=[crit()], serologies=[PR3]).value == -4
    r = value("aav.gpa_2022_score", assessments=[crit()])
    assert r.missing == ("2022 ACR/EULAR item: canca_or_anti_pr3_positive (assessments[0])",)


def test_2022_classified_and_not():
    assert value("aav.gpa_2022", assessments=[crit()], serologies=[PR3]).value is True
    assert value("aav.mpa_2022", assessments=[crit()], serologies=[PR3]).value is False
    r = value("aav.gpa_2022", assessments=[crit(entry_small_or_medium_vessel_vasculitis=None)], serologies=[PR3])
    assert r.value is None and "entry requirement" in r.missing[0]
    # nasal 3 + nodules 2 = 5 already: classified even with the ANCA item unanswered
    assert value("aav.gpa_2022", assessments=[crit()]).value is True


def test_2022_documented_classification():
    documented = [{"indication": "AAV", "condition": "MPA", "classification": ["ACR/EULAR 2022"]}]
    assert value("aav.mpa_2022", diagnoses=documented).value is True
    assert value("aav.gpa_2022", diagnoses=documented).value is None
    assert value("aav.mpa_2022", diagnoses=documented, assessments=[crit()], serologies=[PR3]).review


@pytest.mark.parametrize(("condition", "expected"), [("GPA", True), ("microscopic polyangiitis", True),
                                                     ("Wegener's granulomatosis", True), ("EGPA", False)])
def test_chcc2012_diagnosis(condition, expected):
    r = value("aav.chcc2012_diagnosis", diagnoses=[{"indication": "AAV", "condition": condition}])
    assert r.value is expected and r.evidence[0].source == "diagnoses[0].condition"


def test_chcc2012_unknown_name_review_missing_name_unknown():
    assert value("aav.chcc2012_diagnosis", diagnoses=[{"indication": "AAV", "condition": "vasculitis NOS"}]).review
    assert value("aav.chcc2012_diagnosis", diagnoses=[{"indication": "AAV"}]).missing == (
        "AAV diagnosis name, e.g. GPA or MPA (diagnoses[0].condition)",)
    assert value("aav.chcc2012_diagnosis", diagnoses=[]).value is None


# -- ANCA -----------------------------------------------------------------------------------------------------

SCREENING = {"within": {"days": 28}}


def anca(test: str, result: str, date: str = "2026-03-01") -> dict[str, Any]:
    return {"test": test, "result": result, "date": date}


def test_anca_at_screening():
    assert value("aav.anca_positive", SCREENING, serologies=[anca("anca_mpo", "positive")]).value is True
    r = value("aav.anca_positive", SCREENING, serologies=[anca("pr3-anca", "negative"), anca("anca_mpo", "negative")])
    assert r.value is False
    r = value("aav.anca_positive", SCREENING, serologies=[anca("anca_mpo", "negative")])
    assert r.value is None and r.missing == ("anti-PR3 ANCA within 28 days before screening",)


def test_anca_history_versus_screening():
    old = [anca("anca_pr3", "positive", "2023-01-01"), anca("anca_pr3", "negative"), anca("anca_mpo", "negative")]
    assert value("aav.anca_positive", SCREENING, serologies=old).value is False
    r = value("aav.anca_positive", serologies=old)
    assert r.value is True and labels(r) == "Anti-proteinase 3 ANCA (PR3-ANCA)=positive"
    r = value("aav.anca_positive", serologies=old[1:])
    assert r.value is None and "cannot show the ANCA history is complete" in r.missing[0]


# -- protocol 002 relapsed / refractory -------------------------------------------------------------------------


def med(drug: str, start: str, end: str | None = None, mg: float | None = None, **extra: Any) -> dict[str, Any]:
    out = {"drug": drug, "start_date": start, **extra}
    if end is None:
        out["ongoing"] = True
    else:
        out["end_date"] = end
    if mg is not None:
        out["dose"] = {"value": mg, "unit": "mg", "per": "day"}
    return out


TREATED = {"complete": True, "items": [
    med("prednisone", "2025-01-01", "2025-05-31", mg=20), med("prednisone", "2025-06-01", mg=5),
    med("rituximab", "2025-01-10", "2025-07-10", dose={"value": 1, "unit": "g", "per": "dose"})]}


def test_prednisone_on_a_past_day_uses_the_core_equivalents():
    c = ctx(medications={"complete": True, "items": [med("methylprednisolone", "2025-01-01", "2025-02-01", mg=8)]})
    assert prednisone_on(c, __import__("datetime").date(2025, 1, 15)).value == 10  # 8 mg MP = 10 mg prednisone
    assert prednisone_on(c, __import__("datetime").date(2025, 3, 1)).value == 0


def test_relapsed_after_response_within_12_weeks():
    r = value("aav.relapsed_p002", medications=TREATED,
              assessments=[bvas("2025-07-01"), bvas("2026-02-01", fever=True, purpura=True, myalgia=True)])
    assert r.value is True
    assert "prednisone-equivalent on 2025-07-01=5" in labels(r) and "BVAS v3 on 2025-07-01: BVAS 0=True" in labels(r)


def test_relapse_before_the_12_weeks_or_without_response_is_not():
    early = [bvas("2025-07-01"), bvas("2025-12-01", fever=True, purpura=True, myalgia=True)]
    assert value("aav.relapsed_p002", medications=TREATED, assessments=early).value is False
    no_response = [bvas("2025-05-01"), bvas("2026-02-01", fever=True, purpura=True, myalgia=True)]  # dose 20 mg
    assert value("aav.relapsed_p002", medications=TREATED, assessments=no_response).value is False


def test_relapse_with_items_of_unknown_major_status_goes_to_review_or_uses_the_lists():
    visits = [bvas("2025-07-01"), bvas("2026-02-01", massive_haemoptysis_alveolar_haemorrhage=True)]
    assert value("aav.relapsed_p002", medications=TREATED, assessments=visits).review
    r = value("aav.relapsed_p002", {"major_items": ["massive_haemoptysis_alveolar_haemorrhage"]},
              medications=TREATED, assessments=visits)
    assert r.value is True


def test_relapse_unknown_dose_is_missing():
    meds = {"complete": True, "items": [med("prednisone", "2025-01-01"),
                                        med("rituximab", "2025-01-10", "2025-07-10")]}
    r = value("aav.relapsed_p002", medications=meds,
              assessments=[bvas("2025-07-01"), bvas("2026-02-01", fever=True, purpura=True, myalgia=True)])
    assert r.value is None and any("daily dose of prednisone" in m for m in r.missing)


def test_refractory_no_response_after_three_months():
    r = value("aav.refractory_p002", medications=TREATED, assessments=[bvas("2025-05-01", fever=True)])
    assert r.value is True  # 2025-05-01 is after 2025-04-10 (3 months of combination) with BVAS > 0
    assert value("aav.refractory_p002", medications=TREATED, assessments=[bvas("2025-07-01")]).value is False


def test_refractory_needs_an_assessment_after_three_months_and_the_combination():
    r = value("aav.refractory_p002", medications=TREATED, assessments=[bvas("2025-03-01", fever=True)])
    assert r.value is None and "a BVAS v3 assessment after 3 months of treatment (from 2025-04-10)" in r.missing
    only_gc = {"complete": True, "items": [med("prednisone", "2025-01-01", mg=20)]}
    assert value("aav.refractory_p002", medications=only_gc, assessments=[bvas("2025-07-01", fever=True)]).value is False


# -- protocol 001 ---------------------------------------------------------------------------------------------

DECISION = {"decisions": [{"topic": "aav_requires_cyclophosphamide_or_rituximab", "applies": True}]}
RELAPSED = {"complete": True, "items": [med("rituximab", "2024-01-01", "2024-07-01", outcome="relapse")]}


def test_p001_relapsed_refractory_requiring_cyc_rtx():
    r = value("aav.relapsed_refractory_requiring_cyc_rtx_p001", medications=RELAPSED, investigator=DECISION)
    assert r.value is True and "investigator decision: aav_requires_cyclophosphamide_or_rituximab=True" in labels(r)
    r = value("aav.relapsed_refractory_requiring_cyc_rtx_p001", medications=RELAPSED)
    assert r.review and "aav_requires_cyclophosphamide_or_rituximab" in r.review
    no = {"decisions": [{"topic": "aav_requires_cyclophosphamide_or_rituximab", "applies": False}]}
    assert value("aav.relapsed_refractory_requiring_cyc_rtx_p001", medications=RELAPSED, investigator=no).value is False


def test_p001_not_relapsed_refractory_or_unknown():
    responded = {"complete": True, "items": [med("rituximab", "2024-01-01", "2024-07-01", outcome="response")]}
    r = value("aav.relapsed_refractory_requiring_cyc_rtx_p001", medications=responded, investigator=DECISION)
    assert r.value is False
    r = value("aav.relapsed_refractory_requiring_cyc_rtx_p001", medications={"complete": False, "items": []},
              investigator=DECISION)
    assert r.value is None and r.missing[0].startswith("complete medication history")


def test_p001_major_organ_requiring_induction():
    r = value("aav.major_organ_induction_p001", assessments=[bvas(haematuria=True)], investigator=DECISION)
    assert r.value is True and "renal: Haematuria >=10 RBCs/hpf=True" in labels(r)
    assert value("aav.major_organ_induction_p001", assessments=[bvas(haematuria=True)]).review
    assert value("aav.major_organ_induction_p001", assessments=[bvas(fever=True)], investigator=DECISION).value is False


def test_p001_major_organ_open_list_review_and_unanswered_unknown():
    r = value("aav.major_organ_induction_p001", assessments=[bvas(mononeuritis_multiplex=True)], investigator=DECISION)
    assert r.review and "Motor mononeuritis multiplex" in r.review
    r = value("aav.major_organ_induction_p001", assessments=[bvas(proteinuria=None)], investigator=DECISION)
    assert r.value is None and r.missing == ("BVAS v3 item: proteinuria (assessments[0])",)
