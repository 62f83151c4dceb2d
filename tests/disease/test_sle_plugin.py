"""SLE plugin wiring (plugins/trialscreen_sle/plugin.py, predicates.py): every value and predicate computed from a
small patient record through the ScreeningContext — met, not met and unknown, with evidence and missing data.

Expected values come from the pure functions' sources ([SLEDAI] Gladman 2002 weights; [EULAR2019] Aringer 2019;
[LLDAS] Franklyn 2016; [P001]/[P002]/[P003]/[P000] the protocol texts) and hand arithmetic in the comments.
"""

from __future__ import annotations

from functools import partial
from typing import Any

import pytest

from trialscreen.facts.context import ScreeningContext
from trialscreen.plugins.manager import default_manager
from trialscreen.plugins.types import ValueResult
from trialscreen_sle.items import SLEDAI2K_ITEMS, Eular2019Items

from .conftest import evidence_labels, meds, record_context

AS_OF = "2026-03-20"
BASE: dict[str, Any] = {
    "id": "sle-t", "screening": {"date": AS_OF}, "sex": "female", "birth_date": "1990-01-01",
    "weight": "50 kg", "height": "160 cm", "diagnoses": [{"indication": "SLE", "diagnosis_date": "2020-01-01"}],
}


ctx = partial(record_context, BASE)
labels = evidence_labels


def value(c: ScreeningContext, vid: str, **params: Any) -> ValueResult:
    return c.value(vid, params)


def sledai(*present: str, unanswered: tuple[str, ...] = (), date: str = AS_OF, total: float | None = None) -> dict:
    items = {name: (name in present) for name in SLEDAI2K_ITEMS if name not in unanswered}
    out: dict[str, Any] = {"instrument": "sle.sledai2k", "date": date, "items": items}
    if total is not None:
        out["total"] = total
    return out


def sledai_total(total: float, date: str = AS_OF) -> dict:
    return {"instrument": "sle.sledai2k", "date": date, "total": total}


# ------------------------------------------------------------------------------------------------------------
# registration
# ------------------------------------------------------------------------------------------------------------


def test_plugin_registers_values_predicates_instruments_and_tests() -> None:
    pm = default_manager()
    assert {"sle.sledai2k", "sle.sledai2k_clinical"} <= set(pm.values)
    assert {"sle.sledai2k_at_least", "sle.sledai_p002", "sle.eular_acr_2019", "sle.acr_1997_documented",
            "sle.autoantibodies_p002", "sle.lldas", "sle.lldas_not_achieved", "sle.ln_class_eligible_p001",
            "sle.ln_active_p001", "sle.severe_ln_p002", "sle.itp_p001", "sle.standard_treatment_ongoing",
            "sle.refractory_p001", "sle.refractory_p002", "sle.refractory_p003", "sle.refractory_p000"} <= set(pm.predicates)
    assert {"sle.sledai2k", "sle.eular_acr_2019", "sle.lldas", "sle.ln_biopsy", "sle.itp_workup"} <= set(pm.assessment_instruments)
    assert {"c3", "c4", "ana_titre", "ana", "anti_dsdna", "anti_sm"} <= set(pm.observation_tests)
    assert pm.indications["SLE"].snomed == ("55464009",)
    for spec in [*pm.values.values(), *pm.predicates.values()]:
        if spec.id.startswith("sle."):
            assert spec.compute.__doc__ and spec.citation, spec.id


def test_complement_converts_from_mg_per_dl() -> None:
    c = ctx(labs=[{"test": "C3", "value": 65, "unit": "mg/dL", "date": AS_OF, "ref_low": 90, "ref_high": 180}])
    obs = c.observation("c3")
    assert obs is not None and obs.value == 0.65 and obs.ref_low == 0.9


# ------------------------------------------------------------------------------------------------------------
# SLEDAI-2K values
# ------------------------------------------------------------------------------------------------------------


def test_sledai_value_from_items() -> None:
    # [SLEDAI] arthritis 4 + rash 2 + low complement 2 + DNA binding 2 = 10; clinical = 6
    c = ctx(assessments=[sledai("arthritis", "rash", "low_complement", "increased_dna_binding")])
    full = value(c, "sle.sledai2k")
    assert full.value == 10 and full.note is None
    assert "  Arthritis" in labels(full) and full.evidence[0].source == "assessments[0]"
    assert value(c, "sle.sledai2k_clinical").value == 6


def test_sledai_value_incomplete_items_names_them() -> None:
    c = ctx(assessments=[sledai("arthritis", unanswered=("seizure", "fever"))])
    result = value(c, "sle.sledai2k")
    assert result.value is None
    assert result.missing == ("SLEDAI-2K item 'Seizure' (assessments[0].items.seizure)",
                              "SLEDAI-2K item 'Fever' (assessments[0].items.fever)")
    assert result.evidence[0].value == "4–13 (incomplete)"


def test_sledai_total_entered_is_accepted_and_marked() -> None:
    c = ctx(assessments=[sledai_total(12)])
    result = value(c, "sle.sledai2k")
    assert result.value == 12 and result.note == "total entered without items"
    assert result.evidence[0].label == "SLEDAI-2K (total entered, no items)"
    clinical = value(c, "sle.sledai2k_clinical")
    assert clinical.value is None and "cannot be split" in clinical.missing[0]


def test_sledai_items_and_conflicting_total_use_items_with_a_note() -> None:
    c = ctx(assessments=[sledai("arthritis", total=8)])
    result = value(c, "sle.sledai2k")
    assert result.value == 4 and "differs from the item sum 4" in (result.note or "")


def test_sledai_invalid_total_is_missing_not_an_error() -> None:
    result = value(ctx(assessments=[sledai_total(7.5)]), "sle.sledai2k")
    assert result.value is None and "a valid SLEDAI-2K total" in result.missing[0]


def test_sledai_window_and_latest_assessment() -> None:
    c = ctx(assessments=[sledai("arthritis", date="2026-01-01"), sledai("rash", date="2026-03-01")])
    assert value(c, "sle.sledai2k").value == 2                       # latest
    missing = value(c, "sle.sledai2k", within={"days": 7})
    assert missing.missing == ("SLEDAI-2K assessment (sle.sledai2k) within 7 days before screening",)
    assert value(ctx(), "sle.sledai2k").missing == ("SLEDAI-2K assessment (sle.sledai2k)",)


def test_sledai_at_least_decided_from_bounds() -> None:
    # arthritis 4 + myositis 4 = 8 already: met although fever is unanswered
    met = value(ctx(assessments=[sledai("arthritis", "myositis", unanswered=("fever",))]), "sle.sledai2k_at_least")
    assert met.value is True
    # 2 known + seizure (8) unanswered: could be 2 or 10 → unknown, seizure named
    open_ = value(ctx(assessments=[sledai("rash", unanswered=("seizure",))]), "sle.sledai2k_at_least")
    assert open_.value is None and open_.missing == ("SLEDAI-2K item 'Seizure' (assessments[0].items.seizure)",)
    assert value(ctx(assessments=[sledai("rash")]), "sle.sledai2k_at_least").value is False
    assert value(ctx(assessments=[sledai_total(9)]), "sle.sledai2k_at_least").value is True
    assert value(ctx(assessments=[sledai("rash")]), "sle.sledai2k_at_least", threshold=2).value is True


@pytest.mark.parametrize(("present", "expected"), [
    (("arthritis", "rash", "low_complement"), True),                 # 8 total, clinical 6 ≥ 6
    (("arthritis", "myositis"), True),                               # 8, no serology → clinical 8 ≥ 8
    (("arthritis", "low_complement", "increased_dna_binding"), False),  # 8 total but clinical 4 < 6
    (("arthritis", "rash"), False),                                  # 6 < 8
])
def test_sledai_p002_rule(present: tuple[str, ...], expected: bool) -> None:
    result = value(ctx(assessments=[sledai(*present)]), "sle.sledai_p002")
    assert result.value is expected
    assert "Clinical SLEDAI-2K (without low complement, anti-dsDNA)" in labels(result)


def test_sledai_p002_unknown_cases() -> None:
    # clinical 6 known; the serological items unanswered: k=0 needs clinical ≥8 (fails), k≥1 passes → unknown
    open_ = value(ctx(assessments=[sledai("arthritis", "rash", unanswered=("low_complement", "increased_dna_binding"))]),
                  "sle.sledai_p002")
    assert open_.value is None
    assert open_.missing == ("SLEDAI-2K item 'Low complement' (assessments[0].items.low_complement)",
                             "SLEDAI-2K item 'Increased DNA binding' (assessments[0].items.increased_dna_binding)")
    total_only = value(ctx(assessments=[sledai_total(12)]), "sle.sledai_p002")
    assert total_only.value is None and "need the items" in total_only.missing[0]
    assert value(ctx(assessments=[sledai_total(6)]), "sle.sledai_p002").value is False
    assert value(ctx(), "sle.sledai_p002").missing == ("SLEDAI-2K assessment (sle.sledai2k)",)


# ------------------------------------------------------------------------------------------------------------
# classification
# ------------------------------------------------------------------------------------------------------------

_ABSENT = {name: False for name in Eular2019Items.model_fields if name not in ("ana_titre", "ana_equivalent_positive")}


def eular(date: str = "2025-06-01", **answers: Any) -> dict:
    return {"instrument": "sle.eular_acr_2019", "date": date, "items": {**_ABSENT, **answers}}


def test_eular_2019_documented() -> None:
    c = ctx(diagnoses=[{"indication": "SLE", "classification": ["2019 EULAR/ACR classification criteria"]}])
    result = value(c, "sle.eular_acr_2019")
    assert result.value is True and result.evidence[0].source == "diagnoses[0].classification[0]"
    negated = ctx(diagnoses=[{"indication": "SLE", "classification": ["EULAR/ACR 2019 not met"]}])
    assert value(negated, "sle.eular_acr_2019").value is None


def test_eular_2019_from_items() -> None:
    # [EULAR2019] ANA 1:160; joints 6 + anti-dsDNA 6 = 12 ≥ 10 with a clinical criterion
    met = value(ctx(assessments=[eular(ana_titre=160, joint_involvement=True, anti_dsdna=True)]), "sle.eular_acr_2019")
    assert met.value is True and "2019 EULAR/ACR points" in labels(met)
    assert value(ctx(assessments=[eular(ana_titre=40, joint_involvement=True, anti_dsdna=True)]),
                 "sle.eular_acr_2019").value is False                         # entry criterion fails
    open_ = value(ctx(assessments=[eular(ana_titre=160, joint_involvement=True, anti_dsdna=None)]), "sle.eular_acr_2019")
    assert open_.value is None and "2019 EULAR/ACR item 'anti_dsdna' (assessments[0].items.anti_dsdna)" in open_.missing


def test_eular_2019_conflict_and_missing() -> None:
    c = ctx(diagnoses=[{"indication": "SLE", "classification": ["EULAR/ACR 2019"]}],
            assessments=[eular(ana_titre=40, joint_involvement=True)])
    assert "conflicts" in (value(c, "sle.eular_acr_2019").review or "")
    assert "a criteria assessment (sle.eular_acr_2019)" in value(ctx(), "sle.eular_acr_2019").missing[0]


def test_acr_1997_documented() -> None:
    assert value(ctx(diagnoses=[{"indication": "SLE", "classification": ["ACR 1997"]}]),
                 "sle.acr_1997_documented").value is True
    assert value(ctx(diagnoses=[{"indication": "SLE", "classification": ["ACR 1982/1997 revised"]}]),
                 "sle.acr_1997_documented").value is True
    only_2019 = value(ctx(diagnoses=[{"indication": "SLE", "classification": ["EULAR/ACR 2019"]}]), "sle.acr_1997_documented")
    assert only_2019.value is None and only_2019.missing == (
        "documented ACR (1982/1997) classification of the SLE diagnosis (diagnoses[0].classification)",)
    no_sle = ctx(diagnoses=[{"indication": "ITP"}], history={"reviewed": "all"})
    assert value(no_sle, "sle.acr_1997_documented").value is False
    assert value(ctx(diagnoses=[{"indication": "ITP"}]), "sle.acr_1997_documented").value is None


# ------------------------------------------------------------------------------------------------------------
# autoantibodies at screening (protocol 002)
# ------------------------------------------------------------------------------------------------------------


def lab(test: str, val: float, date: str = "2026-03-10", unit: str = "dimensionless", **extra: Any) -> dict:
    return {"test": test, "value": val, "unit": unit, "date": date, **extra}


def sero(test: str, result: str, date: str = "2026-03-10") -> dict:
    return {"test": test, "result": result, "date": date}


def test_autoantibodies_p002() -> None:
    assert value(ctx(labs=[lab("ana_titre", 80)]), "sle.autoantibodies_p002").value is True     # [P002] ≥1:80
    negative = ctx(labs=[lab("ANA titer", 40)], serologies=[sero("anti-dsDNA", "negative"), sero("anti-Sm", "negative")])
    result = value(negative, "sle.autoantibodies_p002")
    assert result.value is False and len(result.evidence) == 3
    assert value(ctx(serologies=[sero("anti_dsdna", "positive")]), "sle.autoantibodies_p002").value is True


def test_autoantibodies_p002_unknown() -> None:
    open_ = value(ctx(labs=[lab("ana_titre", 40)], serologies=[sero("anti_sm", "negative")]), "sle.autoantibodies_p002")
    assert open_.value is None and open_.missing == ("anti-dsDNA antibody within 28 days before screening",)
    no_titre = value(ctx(serologies=[sero("ana", "positive"), sero("anti_dsdna", "negative"), sero("anti_sm", "negative")]),
                     "sle.autoantibodies_p002")
    assert no_titre.value is None and "without a titre" in no_titre.missing[0]
    old = value(ctx(serologies=[sero("anti_dsdna", "positive", date="2025-12-01")]), "sle.autoantibodies_p002")
    assert old.value is None                                                  # outside 28 days
    assert value(ctx(serologies=[sero("anti_dsdna", "positive", date="2025-12-01")]), "sle.autoantibodies_p002",
                 within={"months": 6}).value is True


# ------------------------------------------------------------------------------------------------------------
# LLDAS
# ------------------------------------------------------------------------------------------------------------


def lldas_items(*present: str, pga: float | None = 0.5, pred: float | None = 5, new: bool = False, **extra: Any) -> dict:
    items: dict[str, Any] = {
        "sledai2k": {name: (name in present) for name in SLEDAI2K_ITEMS}, "haemolytic_anaemia": False,
        "gastrointestinal_activity": False, "new_activity_since_previous": new, "physician_global_assessment": pga,
        "prednisolone_equivalent_mg_day": pred, "maintenance_immunosuppression_acceptable": True}
    items.update(extra)
    return items


def lldas(date: str, *present: str, **kw: Any) -> dict:
    return {"instrument": "sle.lldas", "date": date, "items": lldas_items(*present, **kw)}


def test_lldas_met_and_not_met() -> None:
    met = value(ctx(assessments=[lldas(AS_OF, "rash")]), "sle.lldas")           # [LLDAS] SLEDAI 2 ≤ 4, PGA 0.5, 5 mg
    assert met.value is True and met.evidence[0].value == "met"
    failed = value(ctx(assessments=[lldas(AS_OF, "rash", pga=1.5)]), "sle.lldas")
    assert failed.value is False and ("  LLDAS pga", False) in [(e.label, e.value) for e in failed.evidence]
    renal = value(ctx(assessments=[lldas(AS_OF, "proteinuria")]), "sle.lldas")    # 4 ≤ 4 but renal activity
    assert renal.value is False


def test_lldas_prednisolone_from_current_medications_and_sledai_from_same_day() -> None:
    items = lldas_items("rash", pred=None)
    del items["sledai2k"]
    c = ctx(assessments=[{"instrument": "sle.lldas", "date": AS_OF, "items": items}, sledai("rash")],
            medications=meds({"drug": "prednisone", "start_date": "2025-01-01", "ongoing": True,
                              "dose": {"value": 5, "unit": "mg", "per": "day"}}))
    result = value(c, "sle.lldas")
    assert result.value is True
    assert "SLEDAI-2K items for LLDAS" in labels(result)


def test_lldas_unknown_names_the_input() -> None:
    result = value(ctx(assessments=[lldas("2026-01-10", "rash", pred=None)]), "sle.lldas")
    assert result.value is None
    assert result.missing == ("LLDAS input 'prednisolone_equivalent_mg_day' (assessments[0].items, 2026-01-10)",)
    assert value(ctx(), "sle.lldas").missing == ("LLDAS assessment (sle.lldas)",)


def test_lldas_not_achieved() -> None:
    monthly = [lldas(d, "arthritis", "rash", pga=1.5) for d in ("2025-12-20", "2026-01-20", "2026-02-20")]
    assert value(ctx(assessments=monthly), "sle.lldas_not_achieved").value is True
    reached = monthly[:2] + [lldas("2026-02-20", "rash")]
    assert value(ctx(assessments=reached), "sle.lldas_not_achieved").value is False
    single = value(ctx(assessments=monthly[2:]), "sle.lldas_not_achieved")
    assert single.value is None and "spanning at least 2 months" in single.missing[0]
    undetermined = monthly[:2] + [lldas("2026-02-20", "arthritis", pga=None)]
    open_ = value(ctx(assessments=undetermined), "sle.lldas_not_achieved")
    assert open_.value is None
    assert open_.missing == ("LLDAS input 'physician_global_assessment' (assessments[2].items, 2026-02-20)",)


# ------------------------------------------------------------------------------------------------------------
# lupus nephritis
# ------------------------------------------------------------------------------------------------------------


def biopsy(cls: str, activity: str | None = None, date: str = "2025-11-02") -> dict:
    items: dict[str, Any] = {"isn_rps_class": cls}
    if activity:
        items["activity"] = activity
    return {"instrument": "sle.ln_biopsy", "date": date, "items": items}


@pytest.mark.parametrize(("cls", "activity", "expected"), [
    ("IV", "A", True), ("III+V", "A/C", True), ("V", None, True), ("IV", "C", False), ("II", None, False),
    ("IV", None, None),
])
def test_ln_class_eligible_p001(cls: str, activity: str | None, expected: bool | None) -> None:
    result = value(ctx(assessments=[biopsy(cls, activity)]), "sle.ln_class_eligible_p001")
    assert result.value is expected
    assert result.evidence[0].label == "renal biopsy ISN/RPS class"
    if expected is None:
        assert result.missing == ("activity qualifier (A, A/C or C) of the class IV biopsy (assessments[0].items.activity)",)


def test_ln_class_without_biopsy() -> None:
    assert value(ctx(), "sle.ln_class_eligible_p001").missing == ("renal biopsy classified by ISN/RPS 2003 (sle.ln_biopsy)",)


def test_ln_active_p001() -> None:
    assert value(ctx(labs=[lab("upcr", 1.5, unit="mg/mg")]), "sle.ln_active_p001").value is True
    # 150 mg/mmol = 150 / 113.12 = 1.33 mg/mg > 1.0
    assert value(ctx(labs=[lab("upcr", 150, unit="mg/mmol")]), "sle.ln_active_p001").value is True
    both_low = ctx(labs=[lab("upcr", 0.5, unit="mg/mg"), lab("proteinuria_24h", 2.0, unit="g/24h")])
    assert value(both_low, "sle.ln_active_p001").value is False
    open_ = value(ctx(labs=[lab("upcr", 0.5, unit="mg/mg")]), "sle.ln_active_p001")
    assert open_.value is None and open_.missing == ("24-hour urine protein within 28 days before screening",)


def renal_labs(protein: float = 1.0, creatinine: float = 70, uln: float | None = 90) -> list[dict]:
    crea = lab("creatinine", creatinine, unit="umol/L", date="2026-03-01")
    if uln is not None:
        crea["ref_high"] = uln
    return [lab("proteinuria_24h", protein, unit="g/24h", date="2026-03-01"), crea]


def test_severe_ln_p002() -> None:
    # CrCl (Cockcroft-Gault) for 36 y, 50 kg, female, 70 µmol/L (0.792 mg/dL): (140-36)×50/(72×0.792)×0.85 ≈ 77.5
    assert value(ctx(labs=renal_labs()), "sle.severe_ln_p002").value is False
    assert value(ctx(labs=renal_labs(protein=6.5)), "sle.severe_ln_p002").value is True
    assert value(ctx(labs=renal_labs(creatinine=140)), "sle.severe_ln_p002").value is True    # 140/90 = 1.56 × ULN
    # an earlier high protein within 8 weeks counts although the latest is lower (exclusion: any result)
    earlier = [lab("proteinuria_24h", 7, unit="g/24h", date="2026-02-01"), *renal_labs()]
    assert value(ctx(labs=earlier), "sle.severe_ln_p002").value is True
    open_ = value(ctx(labs=renal_labs(uln=None)), "sle.severe_ln_p002")
    assert open_.value is None
    assert open_.missing == ("upper limit of normal of serum creatinine (labs[1])",)


def test_severe_ln_p002_low_clearance() -> None:
    # 36 y, 50 kg, 130 µmol/L (1.471 mg/dL), ULN 140: ×ULN 0.93; CrCl = 104×50/(72×1.471)×0.85 ≈ 41.7 → not < 40
    assert value(ctx(labs=renal_labs(creatinine=130, uln=140)), "sle.severe_ln_p002").value is False
    assert value(ctx(labs=renal_labs(creatinine=140, uln=160), weight="45 kg"), "sle.severe_ln_p002").value is True


# ------------------------------------------------------------------------------------------------------------
# SLE-ITP (protocol 001)
# ------------------------------------------------------------------------------------------------------------


def itp_workup(spleen: bool | None = False, **kw: Any) -> dict:
    items = {"smear_normal": True, "spleen_enlarged": spleen,
             "marrow_megakaryocytes_increased_or_normal_with_maturation_disorder": True, **kw}
    return {"instrument": "sle.itp_workup", "date": "2026-02-01", "items": items}


def platelets(*counts: tuple[str, float]) -> list[dict]:
    return [lab("platelets", v, unit="10^9/L", date=d) for d, v in counts]


LOW_COUNTS = (("2026-01-10", 40), ("2026-02-10", 45), ("2026-03-15", 30))


def test_itp_p001() -> None:
    met = value(ctx(labs=platelets(*LOW_COUNTS), assessments=[itp_workup()]), "sle.itp_p001")
    assert met.value is True and len(met.evidence) == 3 + 3
    not_consecutive = platelets(("2026-01-10", 40), ("2026-02-10", 120), ("2026-03-15", 45))
    assert value(ctx(labs=not_consecutive, assessments=[itp_workup()]), "sle.itp_p001").value is False
    too_low_now = platelets(("2026-01-10", 40), ("2026-02-10", 45), ("2026-03-15", 8))
    assert value(ctx(labs=too_low_now, assessments=[itp_workup()]), "sle.itp_p001").value is False


def test_itp_p001_review_and_unknown() -> None:
    spleen = value(ctx(labs=platelets(*LOW_COUNTS), assessments=[itp_workup(spleen=True)]), "sle.itp_p001")
    assert spleen.value is None and "generally not enlarged" in (spleen.review or "")
    no_workup = value(ctx(labs=platelets(*LOW_COUNTS)), "sle.itp_p001")
    assert no_workup.value is None
    assert no_workup.missing == ("peripheral blood smear morphology (sle.itp_workup)",
                                 "bone marrow megakaryocyte morphology (sle.itp_workup)", "spleen size (sle.itp_workup)")


# ------------------------------------------------------------------------------------------------------------
# treatment and refractoriness
# ------------------------------------------------------------------------------------------------------------


def course(drug: str, start: str, end: str | None = None, mg: float | None = None, outcome: str | None = None,
           per: str = "day") -> dict:
    out: dict[str, Any] = {"drug": drug, "start_date": start}
    if end is None:
        out["ongoing"] = True
    else:
        out["end_date"] = end
    if mg is not None:
        out["dose"] = {"value": mg, "unit": "mg", "per": per}
    if outcome:
        out["outcome"] = outcome
    return out


def test_standard_treatment_ongoing() -> None:
    assert value(ctx(medications=meds(course("hydroxychloroquine", "2024-01-01"))), "sle.standard_treatment_ongoing").value is True
    stopped = ctx(medications=meds(course("hydroxychloroquine", "2024-01-01", "2025-01-01")))
    assert value(stopped, "sle.standard_treatment_ongoing").value is False
    assert value(ctx(medications=meds(complete=False)), "sle.standard_treatment_ongoing").missing[0].startswith(
        "complete medication history")


REFRACTORY_003 = [
    # 50 kg: prednisone 60 mg/day = 1.2 mg/kg/day for 4 months; HCQ, MMF and tacrolimus ≥3 months
    course("prednisone", "2025-08-01", "2025-12-01", mg=60, outcome="failure"),
    course("hydroxychloroquine", "2025-01-01", mg=400, outcome="ongoing"),
    course("mycophenolate mofetil", "2025-03-01", "2025-09-30", mg=2000, outcome="failure"),
    course("tacrolimus", "2025-10-01", mg=3, outcome="ongoing"),
]


def test_refractory_p003_met() -> None:
    result = value(ctx(medications=meds(*REFRACTORY_003)), "sle.refractory_p003")
    assert result.value is True
    assert ("listed agents ≥3 months (≥2 needed)", 2) in [(e.label, e.value) for e in result.evidence]


def test_refractory_p003_not_met_and_unknown() -> None:
    one_agent = meds(*REFRACTORY_003[:3])
    assert value(ctx(medications=one_agent), "sle.refractory_p003").value is False
    low_dose = meds(course("prednisone", "2025-08-01", "2025-12-01", mg=40, outcome="failure"), *REFRACTORY_003[1:])  # 0.8 mg/kg
    assert value(ctx(medications=low_dose), "sle.refractory_p003").value is False
    incomplete = value(ctx(medications=meds(*REFRACTORY_003[:3], complete=False)), "sle.refractory_p003")
    assert incomplete.value is None and incomplete.missing
    # a course without an outcome might have ended in intolerance: unknown, and the outcome is named
    no_outcome = meds(*REFRACTORY_003[:2], course("mycophenolate mofetil", "2025-03-01", "2025-09-30", mg=2000))
    open_ = value(ctx(medications=no_outcome), "sle.refractory_p003")
    assert open_.value is None and open_.missing == ("outcome of mycophenolate mofetil (medications.items[2].outcome)",)
    # "≥3M" read as applying to HCQ and the agents too (conservative); null: ever used
    short_tac = meds(*REFRACTORY_003[:3], course("tacrolimus", "2026-02-01", mg=3, outcome="ongoing"))
    assert value(ctx(medications=short_tac), "sle.refractory_p003").value is False
    assert value(ctx(medications=short_tac), "sle.refractory_p003", other_min_months=None).value is True


def test_refractory_p003_intolerance() -> None:
    intolerant = meds(course("methotrexate", "2025-01-01", "2025-02-01", mg=15, per="week", outcome="intolerance"))
    result = value(ctx(medications=intolerant), "sle.refractory_p003")
    assert result.value is None and "Intolerant to standard treatments" in (result.review or "")
    assert value(ctx(medications=intolerant), "sle.refractory_p003", intolerance="accept").value is True


def lldas_failing(*dates: str) -> list[dict]:
    return [lldas(d, "arthritis", "rash", pga=1.5) for d in dates]


FAILING = lldas_failing("2025-12-20", "2026-01-20", "2026-02-20")


def test_refractory_p002() -> None:
    treated = meds(course("hydroxychloroquine", "2025-01-01"), course("prednisone", "2025-01-01", mg=10))
    met = value(ctx(medications=treated, assessments=FAILING), "sle.refractory_p002")
    assert met.value is True
    recent = meds(course("hydroxychloroquine", "2025-12-01"))                 # under 6 months
    assert value(ctx(medications=recent, assessments=FAILING), "sle.refractory_p002").value is False
    gap = meds(course("hydroxychloroquine", "2025-01-01", "2025-12-31"), course("azathioprine", "2026-01-15", mg=100))
    assert value(ctx(medications=gap, assessments=FAILING), "sle.refractory_p002").value is False
    open_ = value(ctx(medications=treated, assessments=FAILING[2:]), "sle.refractory_p002")
    assert open_.value is None and "spanning at least 2 months" in open_.missing[0]


def test_refractory_p000() -> None:
    documented = ctx(diagnoses=[{"indication": "SLE", "classification": ["relapsed/refractory (2022 EULAR/ACR)"]}])
    assert value(documented, "sle.refractory_p000").value is True
    failed = ctx(medications=meds(course("mycophenolate mofetil", "2024-01-01", "2025-01-01", outcome="failure")))
    assert "no such published definition" in (value(failed, "sle.refractory_p000").review or "")
    responded = ctx(medications=meds(course("hydroxychloroquine", "2024-01-01", outcome="response")))
    assert value(responded, "sle.refractory_p000").value is False
    assert value(ctx(), "sle.refractory_p000").value is None                  # no medication history at all


def ln_patient(**overrides: Any) -> ScreeningContext:
    data = {"diagnoses": [{"indication": "SLE", "condition": "LN", "classification": ["ACR 1997"]}],
            "assessments": [biopsy("IV", "A")], "labs": [lab("upcr", 2.0, unit="mg/mg")],
            "medications": meds(course("hydroxychloroquine", "2024-01-01"))}
    return ctx(**{**data, **overrides})


def test_refractory_p001() -> None:
    assert value(ln_patient(), "sle.refractory_p001").value is True
    assert value(ln_patient(assessments=[biopsy("II")]), "sle.refractory_p001").value is False
    untreated = ln_patient(medications=meds(course("hydroxychloroquine", "2024-01-01", "2025-01-01")))
    assert value(untreated, "sle.refractory_p001").value is False
    no_condition = value(ln_patient(diagnoses=[{"indication": "SLE"}]), "sle.refractory_p001")
    assert no_condition.missing == ("SLE manifestation: lupus nephritis (LN) or SLE-ITP (diagnoses[0].condition)",)
    other = ln_patient(diagnoses=[{"indication": "SLE", "condition": "cutaneous"}])
    assert value(other, "sle.refractory_p001").value is False


def test_refractory_p001_sle_itp() -> None:
    itp = dict(diagnoses=[{"indication": "SLE", "condition": "SLE-ITP"}], labs=platelets(*LOW_COUNTS))
    assert value(ln_patient(**itp, assessments=[itp_workup()]), "sle.refractory_p001").value is True
    assert value(ln_patient(**itp, assessments=[itp_workup(spleen=True)]), "sle.refractory_p001").review
    open_ = value(ln_patient(**itp, assessments=[]), "sle.refractory_p001")
    assert open_.value is None and "peripheral blood smear morphology (sle.itp_workup)" in open_.missing


def test_windows_of_successive_calls_do_not_share_a_start_date() -> None:
    """Successive calls with different windows in one context each get their own window start (regression: the
    context once cached starts by id(window), and a freed per-call Window's id could be reused)."""
    import gc

    c = ctx(assessments=[sledai("arthritis", date="2026-01-01")])
    assert value(c, "sle.sledai2k", within={"days": 7}).value is None
    gc.collect()
    assert value(c, "sle.sledai2k", within={"days": 90}).value == 4
    assert value(c, "sle.sledai2k_clinical", within={"weeks": 1}).value is None
    assert value(c, "sle.sledai2k_clinical", within={"months": 3}).value == 4
