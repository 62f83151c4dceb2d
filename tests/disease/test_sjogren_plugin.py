"""The Sjögren's plugin wired end to end: hooks registered, and every value and predicate computed from a patient
record through `ScreeningContext` (met / not met / unknown, with evidence and named missing data)."""

from __future__ import annotations

import copy
from functools import partial
from pathlib import Path
from typing import Any

import pytest

from trialscreen.plugins.manager import default_manager
from trialscreen.rules.loader import LoadedRuleset
from trialscreen.rules.model import Ruleset
from trialscreen.rules.testing import run_ruleset_tests
from trialscreen_sjogren import predicates

from .conftest import evidence_labels, meds, record_context

ROOT = Path(__file__).resolve().parents[2]
PROTOCOL_002 = ROOT.parent / "shared" / "protocols" / "002_452abfaa42c09986.txt"

ESSDAI_9 = {"constitutional": 1, "lymphadenopathy": 0, "glandular": 1, "articular": 2, "cutaneous": 0, "pulmonary": 0,
            "renal": 0, "muscular": 0, "pns": 0, "cns": 0, "haematological": 0, "biological": 0}
AECG_MET = {"ocular_symptoms": True, "oral_symptoms": True, "schirmer_mm_5min": 3, "focus_score": 2,
            "head_neck_radiation": False, "hepatitis_c": False, "aids": False, "pre_existing_lymphoma": False,
            "graft_versus_host_disease": False, "anticholinergic_drugs_recent": False}
ACR_2016_MET = {"labial_gland_focus_score": 1.5, "anti_ssa_ro": True, "dry_mouth_over_3_months": True,
                "head_neck_radiation": False, "active_hcv_pcr_confirmed": False, "aids": False, "sarcoidosis": False,
                "amyloidosis": False, "graft_versus_host_disease": False, "igg4_related_disease": False}

BASE: dict[str, Any] = {
    "id": "sj", "screening": {"date": "2026-03-16"}, "sex": "female", "birth_date": "1975-05-02", "weight": "60 kg",
    "diagnoses": [{"indication": "SJOGREN", "diagnosis_date": "2018-02-01"}],
}


labels = evidence_labels


@pytest.fixture
def context():
    return partial(record_context, BASE)


def essdai(items: dict[str, Any] | None = None, *, date: str = "2026-03-10", total: float | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"instrument": "sjogren.essdai", "date": date}
    if items is not None:
        out["items"] = items
    if total is not None:
        out["total"] = total
    return out


# -- registration ---------------------------------------------------------------------------------------------


def test_hooks_register_everything():
    pm = default_manager()
    assert pm.indications["SJOGREN"].icd10 == ("M35.0",)
    assert "83901003" in pm.indications["SJOGREN"].snomed
    for test in ("salivary_flow_unstimulated", "salivary_flow_stimulated", "anti_ssa", "anti_ssb"):
        assert test in pm.observation_tests
    assert {"sjogren.essdai", "sjogren.acr_eular_2016", "sjogren.aecg_2002"} <= set(pm.assessment_instruments)
    assert {"sjogren.essdai", "sjogren.essdai_activity"} <= set(pm.values)
    assert {"sjogren.essdai_at_least", "sjogren.acr_eular_2016", "sjogren.aecg_2002", "sjogren.salivary_flow_p002",
            "sjogren.cirrhosis_p004", "sjogren.marrow_disorder_p004", "sjogren.refractory_p004"} <= set(pm.predicates)
    contributions = pm.contributions("sjogren")
    assert "sjogren.refractory_p004" in contributions["predicates"]
    assert "sjogren.essdai" in contributions["values"]


def test_every_compute_cites_a_source():
    pm = default_manager()
    for vid, spec in {**pm.values, **pm.predicates}.items():
        if vid.startswith("sjogren."):
            assert spec.citation, vid
            assert spec.compute.__doc__ and any(w in spec.compute.__doc__ for w in ("Ann Rheum Dis", "protocol", "Protocol")), vid


# -- ESSDAI ---------------------------------------------------------------------------------------------------


def test_essdai_value_complete(context):
    r = context(assessments=[essdai(ESSDAI_9)]).value("sjogren.essdai")
    assert r.value == 9
    assert "ESSDAI" in labels(r)
    assert any("articular: moderate" in label for label in labels(r))
    assert r.evidence[0].source == "assessments[0]"


def test_essdai_value_unknown_unless_complete(context):
    r = context(assessments=[essdai({"constitutional": 2, "articular": 2})]).value("sjogren.essdai")
    assert r.value is None
    assert len(r.missing) == 10
    assert "ESSDAI domain: lymphadenopathy (assessments[0], 2026-03-10)" in r.missing


def test_essdai_missing_and_stale(context):
    assert context().value("sjogren.essdai").missing == ("ESSDAI assessment within 28 days before screening",)
    stale = context(assessments=[essdai(ESSDAI_9, date="2025-12-01")])
    assert stale.value("sjogren.essdai").value is None
    assert stale.value("sjogren.essdai", {"within": None}).value == 9


def test_essdai_total_entered_is_marked(context):
    r = context(assessments=[essdai(total=7)]).value("sjogren.essdai")
    assert r.value == 7
    assert r.note == "total entered without domain items"
    assert any("total entered" in label for label in labels(r))


def test_essdai_entered_total_outside_domain_bounds_goes_to_review(context):
    r = context(assessments=[essdai({"constitutional": 2, "articular": 2}, total=3)]).value("sjogren.essdai")
    assert r.review and "outside" in r.review


def test_essdai_entered_total_within_bounds_is_used(context):
    r = context(assessments=[essdai({"constitutional": 2, "articular": 2}, total=14)]).value("sjogren.essdai_activity")
    assert r.value == "high"


@pytest.mark.parametrize(("items", "expected"), [
    (ESSDAI_9, True),
    ({**ESSDAI_9, "constitutional": 0, "articular": 0}, False),  # 2
    ({"constitutional": 2, "articular": 2}, True),  # minimum already 10
    ({"glandular": 1}, None),  # 2 .. 121
])
def test_essdai_at_least_5_from_bounds(context, items, expected):
    r = context(assessments=[essdai(items)]).value("sjogren.essdai_at_least")
    assert r.value is expected
    if expected is None:
        assert r.missing and all(m.startswith("ESSDAI domain") for m in r.missing)


def test_essdai_at_least_threshold_parameter(context):
    ctx = context(assessments=[essdai(ESSDAI_9)])
    assert ctx.value("sjogren.essdai_at_least", {"threshold": 14}).value is False
    assert ctx.value("sjogren.essdai_at_least", {"threshold": 9}).value is True


@pytest.mark.parametrize(("items", "band"), [
    (ESSDAI_9, "moderate"),
    ({**ESSDAI_9, "constitutional": 0, "articular": 0}, "low"),
    ({**ESSDAI_9, "pulmonary": 2}, "high"),  # 9 + 10
    ({k: v for k, v in ESSDAI_9.items() if k != "pns"}, None),  # 9 .. 24: moderate or high
])
def test_essdai_activity_band(context, items, band):
    r = context(assessments=[essdai(items)]).value("sjogren.essdai_activity")
    assert r.value == band
    if band is None:
        assert r.missing == ("ESSDAI domain: pns (assessments[0], 2026-03-10)",)


# -- classification -------------------------------------------------------------------------------------------


def test_2016_from_items(context):
    r = context(assessments=[{"instrument": "sjogren.acr_eular_2016", "date": "2018-02-01", "items": ACR_2016_MET}]
                ).value("sjogren.acr_eular_2016")
    assert r.value is True
    assert "2016 ACR/EULAR classification assessment" in labels(r)


def test_2016_anti_ssa_item_from_serology(context):
    items = {k: v for k, v in ACR_2016_MET.items() if k != "anti_ssa_ro"}
    assessment = {"instrument": "sjogren.acr_eular_2016", "date": "2018-02-01", "items": items}
    unknown = context(assessments=[assessment]).value("sjogren.acr_eular_2016")
    assert unknown.value is None and "anti_ssa_ro" in unknown.missing
    positive = context(assessments=[assessment],
                       serologies=[{"test": "anti_ssa", "result": "negative", "date": "2019-01-01"},
                                   {"test": "Anti-Ro", "result": "positive", "date": "2018-01-10"}])
    r = positive.value("sjogren.acr_eular_2016")
    assert r.value is True
    assert any("item anti_ssa_ro from serology" in label for label in labels(r))


def test_2016_saliva_item_from_lowest_flow(context):
    items = {**{k: v for k, v in ACR_2016_MET.items() if k != "anti_ssa_ro"}, "anti_ssa_ro": False,
             "labial_gland_focus_score": 1.2, "schirmer_mm_5min": 10, "ocular_staining_score": 2}
    assessment = {"instrument": "sjogren.acr_eular_2016", "date": "2018-02-01", "items": items}
    flows = [{"test": "salivary_flow_unstimulated", "value": v, "unit": "mL/min", "date": d}
             for v, d in ((0.08, "2018-01-15"), (0.3, "2026-03-01"))]
    assert context(assessments=[assessment], labs=flows).value("sjogren.acr_eular_2016").value is True  # 3 + 1
    high = [{**f, "value": 0.3} for f in flows]
    assert context(assessments=[assessment], labs=high).value("sjogren.acr_eular_2016").value is False  # 3


def test_2016_documented(context):
    ctx = context(diagnoses=[{"indication": "SJOGREN", "classification": ["EULAR/ACR 2016"]}])
    r = ctx.value("sjogren.acr_eular_2016")
    assert r.value is True and r.note == "documented classification"
    assert r.evidence[0].source == "diagnoses[0].classification"
    assert ctx.value("sjogren.acr_eular_2016", {"accept_documented": False}).value is None


def test_2016_items_against_documentation_goes_to_review(context):
    items = {**ACR_2016_MET, "labial_gland_focus_score": 0, "anti_ssa_ro": False, "ocular_staining_score": 0,
             "schirmer_mm_5min": 20, "unstimulated_whole_saliva_ml_min": 0.5}
    ctx = context(diagnoses=[{"indication": "SJOGREN", "classification": ["2016 ACR/EULAR"]}],
                  assessments=[{"instrument": "sjogren.acr_eular_2016", "date": "2018-02-01", "items": items}])
    assert "documented as met" in ctx.value("sjogren.acr_eular_2016").review


def test_2016_total_entered_decides_only_below_threshold(context):
    low = context(assessments=[{"instrument": "sjogren.acr_eular_2016", "date": "2018-02-01", "total": 3}])
    assert low.value("sjogren.acr_eular_2016").value is False
    high = context(assessments=[{"instrument": "sjogren.acr_eular_2016", "date": "2018-02-01", "total": 6}])
    r = high.value("sjogren.acr_eular_2016")
    assert r.value is None and "entry criterion and exclusions" in r.missing[0]


def test_2016_nothing_recorded(context):
    r = context().value("sjogren.acr_eular_2016")
    assert r.value is None
    assert "assessment sjogren.acr_eular_2016" in r.missing[0] and "documented classification" in r.missing[0]


def test_aecg_from_items_and_fallbacks(context):
    assert context(assessments=[{"instrument": "sjogren.aecg_2002", "date": "2018-02-01", "items": AECG_MET}]
                   ).value("sjogren.aecg_2002").value is True
    # items I, II and VI (from serology) with III unknown: 4 of 6 with VI, so classified whatever else
    items = {k: v for k, v in AECG_MET.items() if k not in ("schirmer_mm_5min", "focus_score")}
    assessment = {"instrument": "sjogren.aecg_2002", "date": "2018-02-01", "items": items}
    assert context(assessments=[assessment]).value("sjogren.aecg_2002").value is None
    r = context(assessments=[assessment], serologies=[{"test": "anti_ssb", "result": "positive", "date": "2018-01-10"}],
                labs=[{"test": "salivary_flow_unstimulated", "value": 0.05, "unit": "mL/min", "date": "2018-01-12"}]
                ).value("sjogren.aecg_2002")
    assert r.value is True  # I, II, V (0.75 mL/15 min), VI
    assert any("x 15 min" in label for label in labels(r))


def test_aecg_not_met_and_documented(context):
    items = {**AECG_MET, "schirmer_mm_5min": 15, "rose_bengal_van_bijsterveld": 0, "focus_score": 0,
             "unstimulated_whole_salivary_flow_ml_15min": 5, "parotid_sialography_diffuse_sialectasis": False,
             "salivary_scintigraphy_abnormal": False, "anti_ro_ssa": False, "anti_la_ssb": False}
    assert context(assessments=[{"instrument": "sjogren.aecg_2002", "date": "2018-02-01", "items": items}]
                   ).value("sjogren.aecg_2002").value is False
    documented = context(diagnoses=[{"indication": "SJOGREN", "classification": ["AECG 2002"]}])
    assert documented.value("sjogren.aecg_2002").value is True
    assert documented.value("sjogren.acr_eular_2016").value is None


# -- protocol 002 salivary flow -------------------------------------------------------------------------------


def flow(test: str, value: float, date: str = "2026-03-09", unit: str = "mL/min") -> dict[str, Any]:
    return {"test": test, "value": value, "unit": unit, "date": date}


@pytest.mark.parametrize(("labs", "expected"), [
    ([flow("salivary_flow_unstimulated", 0.05)], True),  # inclusive
    ([flow("salivary_flow_unstimulated", 0.02), flow("salivary_flow_stimulated", 0.01)], True),
    ([flow("salivary_flow_unstimulated", 0.02), flow("salivary_flow_stimulated", 0.005)], False),
    ([flow("salivary_flow_unstimulated", 0.02)], None),
    ([flow("salivary_flow_unstimulated", 0.5, date="2025-10-01")], None),  # not at screening
])
def test_salivary_flow_p002(context, labs, expected):
    r = context(labs=labs).value("sjogren.salivary_flow_p002")
    assert r.value is expected
    if expected is None:
        assert any(m.endswith("within 28 days before screening") for m in r.missing)
    else:
        assert all(e.source.startswith("labs[") for e in r.evidence)


def test_protocol_002_salivary_flow_ruleset():
    """sjogren.salivary_flow_p002 end to end on both backends, quoting protocol 002 verbatim (the fixture ruleset
    sjogren-predicates.yaml quotes protocol 004, which has no such sentence)."""
    text = ("Unstimulated whole salivary flow rate ≥0.05 mL/min or stimulated whole salivary flow rate ≥0.01 mL/min "
            "at screening.")
    if PROTOCOL_002.is_file():
        assert text in PROTOCOL_002.read_text(encoding="utf-8")
    patient = {**copy.deepcopy(BASE), "labs": [flow("salivary_flow_unstimulated", 0.06)]}
    data = {
        "id": "sjogren-p002-salivary-flow", "title": "protocol 002 salivary flow (test)", "version": "1",
        "source": {"file": PROTOCOL_002.name}, "observation_window": {"days": 28},
        "cohorts": [{"id": "sjogren", "indication": "SJOGREN", "title": "Active Sjögren's"}],
        "criteria": [{"id": "inc-salivary-flow", "kind": "inclusion", "text": text,
                      "condition": {"predicate": {"id": "sjogren.salivary_flow_p002", "params": {"within": {"days": 28}}}}}],
        "tests": [
            {"name": "met", "patient": patient, "expect": {"criteria": {"inc-salivary-flow": "met"}}},
            {"name": "not-met", "base": "met", "expect": {"criteria": {"inc-salivary-flow": "not_met"}},
             "changes": {"labs": [flow("salivary_flow_unstimulated", 0.01), flow("salivary_flow_stimulated", 0.005)]}},
            {"name": "unknown", "base": "met", "expect": {"criteria": {"inc-salivary-flow": "unknown"}},
             "changes": {"labs": [flow("salivary_flow_unstimulated", 0.01)]}},
        ],
    }
    loaded = LoadedRuleset(Ruleset.model_validate(data), ROOT / "tests" / "fixtures" / "rulesets" / "p002.yaml", "", data)
    from tests.rulesets.conftest import run_isolated

    python = run_ruleset_tests(loaded, default_manager(), backends=("python",))
    kind, durable = run_isolated(run_ruleset_tests, loaded, default_manager(), ("durable",))
    assert kind == "ok", durable
    for result in [*python, *durable]:
        assert result.passed, (result.backend, result.name, result.failures)


# -- protocol 004 exclusions ----------------------------------------------------------------------------------


def test_cirrhosis(context):
    met = context(history={"reviewed": ["liver_cirrhosis"], "events": [
        {"category": "liver_cirrhosis", "date": "2023-01-01", "description": "PBC cirrhosis"}]}).value("sjogren.cirrhosis_p004")
    assert met.value is True and met.evidence[0].source == "history.events[0]"
    assert context(history={"reviewed": ["liver_cirrhosis"]}).value("sjogren.cirrhosis_p004").value is False
    unknown = context(history={"reviewed": ["malignancy"]}).value("sjogren.cirrhosis_p004")
    assert unknown.value is None and "not recorded as reviewed" in unknown.missing[0]


@pytest.mark.parametrize(("events", "reviewed", "expected"), [
    ([{"category": "bone_marrow_failure", "code": "mds", "date": "2024-01-01"}], [], True),
    ([{"category": "bone_marrow_failure", "date": "2024-01-01"}], [], True),
    ([{"category": "bone_marrow_failure", "code": "other", "date": "2024-01-01"}], [], True),
    ([], ["bone_marrow_failure"], False),
    ([], "all", False),
    ([], [], None),
])
def test_marrow_disorder(context, events, reviewed, expected):
    r = context(history={"reviewed": reviewed, "events": events}).value("sjogren.marrow_disorder_p004")
    assert r.value is expected
    if events:
        assert r.evidence[0].source == "history.events[0]"


# -- protocol 004 refractoriness ------------------------------------------------------------------------------


def med(drug: str, start: str, end: str | None = None, *, outcome: str | None = "failure", mg: float | None = None,
        ongoing: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {"drug": drug, "start_date": start}
    if end:
        out["end_date"] = end
    if ongoing:
        out["ongoing"] = True
    if outcome:
        out["outcome"] = outcome
    if mg is not None:
        out["dose"] = {"value": mg, "unit": "mg", "per": "day"}
    return out


ROUTINE = [med("prednisone", "2019-01-01", "2019-03-01", mg=70),  # 70 mg / 60 kg = 1.17 mg/kg/d
           med("cyclophosphamide", "2019-01-15", "2019-04-15"),
           med("hydroxychloroquine", "2018-03-01", "2018-09-02")]  # 6 months and 1 day


def test_refractory_met(context):
    r = context(medications=meds(*ROUTINE)).value("sjogren.refractory_p004")
    assert r.value is True
    shown = {e.label: e.value for e in r.evidence}
    assert shown["glucocorticoid above 1 mg/kg/day prednisone-equivalent"] is True
    assert shown["hydroxychloroquine: cumulative months"] > 6


def test_refractory_exactly_1_mg_per_kg_and_exactly_6_months_do_not_count(context):
    at_1 = [med("prednisone", "2019-01-01", "2019-03-01", mg=60), *ROUTINE[1:]]
    assert context(medications=meds(*at_1)).value("sjogren.refractory_p004").value is False
    six = [*ROUTINE[:2], med("hydroxychloroquine", "2018-03-01", "2018-09-01")]
    assert context(medications=meds(*six)).value("sjogren.refractory_p004").value is False


def test_refractory_courses_of_one_drug_add_up(context):
    split = [*ROUTINE[:2], med("methotrexate", "2018-01-01", "2018-04-01"), med("methotrexate", "2018-06-01", "2018-10-01")]
    assert context(medications=meds(*split)).value("sjogren.refractory_p004").value is True  # 3 + 4 months


def test_refractory_not_met_without_cyclophosphamide(context):
    r = context(medications=meds(ROUTINE[0], ROUTINE[2])).value("sjogren.refractory_p004")
    assert r.value is False


def test_refractory_not_met_when_treatment_worked(context):
    worked = [{**m, "outcome": "response"} for m in ROUTINE]
    assert context(medications=meds(*worked)).value("sjogren.refractory_p004").value is False


def test_refractory_relapse_counts(context):
    relapsed = [{**m, "outcome": "response"} for m in ROUTINE[:2]] + [{**ROUTINE[2], "outcome": "relapse"}]
    assert context(medications=meds(*relapsed)).value("sjogren.refractory_p004").value is True


def test_refractory_unknown_outcomes_and_weight(context):
    unrecorded = [{k: v for k, v in m.items() if k != "outcome"} for m in ROUTINE]
    r = context(medications=meds(*unrecorded)).value("sjogren.refractory_p004")
    assert r.value is None
    assert any(m.startswith("conventional treatment ineffective") for m in r.missing)
    no_weight = context(medications=meds(*ROUTINE), weight=None).value("sjogren.refractory_p004")
    assert no_weight.value is None and "body weight (for mg/kg/day)" in no_weight.missing


def test_refractory_incomplete_history(context):
    ctx = context(medications=meds(ROUTINE[0], ROUTINE[2], complete=False))
    r = ctx.value("sjogren.refractory_p004")
    assert r.value is None
    assert "complete medication history (cyclophosphamide use)" in r.missing


def test_refractory_garbled_drug_names_go_to_review(context):
    mmf = [*ROUTINE[:2], med("mycophenolate mofetil", "2018-01-01", "2019-01-01")]
    r = context(medications=meds(*mmf)).value("sjogren.refractory_p004")
    assert r.value is None and r.review and "mycophenolate mofetil" in r.review


def test_months_between():
    from datetime import date

    assert predicates.months_between(date(2025, 1, 15), date(2025, 7, 15)) == 6
    assert predicates.months_between(date(2025, 1, 15), date(2025, 7, 16)) > 6
    assert predicates.months_between(date(2025, 8, 31), date(2026, 2, 28)) == 6  # calendar clamp
    assert predicates._next_above(1.0) == 1.000000001


def test_windows_are_measured_from_the_as_of_date(context):
    """Regression for the id()-keyed window cache (since removed from ScreeningContext): the plugin's 28-day
    windows must start 28 days before the as-of date, whatever other windows were built before."""
    from trialscreen.rules.model import Window

    ctx = context(assessments=[essdai(ESSDAI_9, date="2026-03-10")], labs=[flow("salivary_flow_unstimulated", 0.2)])
    for _ in range(50):
        ctx.window_start(Window.model_validate({"months": 6}))
    assert ctx.value("sjogren.essdai").value == 9
    assert ctx.value("sjogren.salivary_flow_p002").value is True


def test_refractory_drug_outside_the_catalogue_may_be_cyclophosphamide(context):
    """Regression: cyclophosphamide recorded under a name the drug catalogue does not know ("Ciclofosfamida") in a
    complete history was read as "no cyclophosphamide" (not met); it is unknown, naming the unidentified drug, as
    the core's class queries do."""
    unnamed = [ROUTINE[0], {**ROUTINE[1], "drug": "Ciclofosfamida"}, ROUTINE[2]]
    r = context(medications=meds(*unnamed)).value("sjogren.refractory_p004")
    assert r.value is None and r.review is None
    assert "identity of 'Ciclofosfamida' (medications.items[1]: not in the drug catalogue)" in r.missing
    assert "complete medication history (cyclophosphamide use)" not in r.missing
    assert {e.label: e.value for e in r.evidence}["cyclophosphamide used"] is None
    # Identified cyclophosphamide beside the unknown drug still decides it.
    both = [*ROUTINE, {**ROUTINE[1], "drug": "Ciclofosfamida"}]
    assert context(medications=meds(*both)).value("sjogren.refractory_p004").value is True


def test_refractory_unidentified_drug_blocks_not_met_of_the_other_parts(context):
    """The same for the other parts: a drug outside the catalogue may be a listed drug taken > 6 months, or one
    whose failure or relapse counts, so "no" is not concluded from the identified drugs alone."""
    worked = [{**m, "outcome": "response"} for m in ROUTINE]
    relapsed = med("Metotrexato", "2019-05-01", "2019-07-01", outcome="relapse")
    unknown_drug = "identity of 'Metotrexato' (medications.items[3]: not in the drug catalogue)"
    r = context(medications=meds(*worked, relapsed)).value("sjogren.refractory_p004")
    assert r.value is None and unknown_drug in r.missing
    short_hcq = [*ROUTINE[:2], med("hydroxychloroquine", "2018-03-01", "2018-05-01"),
                 med("Metotrexato", "2018-01-01", "2019-01-01", outcome="response")]
    r = context(medications=meds(*short_hcq)).value("sjogren.refractory_p004")
    assert r.value is None and unknown_drug in r.missing
    known_short = [*ROUTINE[:2], med("hydroxychloroquine", "2018-03-01", "2018-05-01"),
                   med("Metotrexato", "2018-01-01", "2018-02-01", outcome="response")]
    assert context(medications=meds(*known_short)).value("sjogren.refractory_p004").value is False
