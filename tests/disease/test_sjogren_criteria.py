"""Sjögren's classification criteria (2016 ACR/EULAR, 2002 AECG) and protocol 002/004 criteria.

Sources: Shiboski CH et al. Ann Rheum Dis 2017;76:9-16 (Table 3); Vitali C et al. Ann Rheum Dis 2002;61:554-58
(Tables 2-3); protocol texts 002 (NCT07212322) and 004 (CHEC2024-181).
"""

from __future__ import annotations

import pytest

from trialscreen_sjogren.criteria import (
    aecg_2002_classified,
    aecg_2002_item_status,
    aecg_2002_rule,
    acr_eular_2016_classified,
    classify_protocol_004_drug,
    protocol_002_salivary_flow,
    protocol_004_classification,
    protocol_004_exclusion_cirrhosis,
    protocol_004_exclusion_marrow_disorder,
    protocol_004_refractory,
)
from trialscreen_sjogren.items import AcrEular2016Items, Aecg2002Items, ConventionalTreatmentFacts, DrugExposure
from trialscreen_sjogren.scores import acr_eular_2016_item_status, acr_eular_2016_score

NO_EXCLUSIONS = dict(head_neck_radiation=False, active_hcv_pcr_confirmed=False, aids=False, sarcoidosis=False,
                     amyloidosis=False, graft_versus_host_disease=False, igg4_related_disease=False)
ALL_TESTS_NEGATIVE = dict(labial_gland_focus_score=0.0, anti_ssa_ro=False, ocular_staining_score=0.0,
                          schirmer_mm_5min=15.0, unstimulated_whole_saliva_ml_min=0.5)


def acr(**kw) -> AcrEular2016Items:
    base = dict(dry_mouth_over_3_months=True) | NO_EXCLUSIONS | ALL_TESTS_NEGATIVE
    return AcrEular2016Items(**(base | kw))


# ------------------------------------------------------------------ 2016 ACR/EULAR

def test_2016_exactly_4_is_classified():
    # anti-SSA/Ro (3) + Schirmer exactly 5 mm/5 min (1) = 4.
    it = acr(anti_ssa_ro=True, schirmer_mm_5min=5.0)
    score = acr_eular_2016_score(it)
    assert score.total == 4
    assert acr_eular_2016_classified(it).value is True


def test_2016_score_3_is_not_classified():
    it = acr(anti_ssa_ro=True)
    assert acr_eular_2016_score(it).total == 3
    assert acr_eular_2016_classified(it).value is False


def test_2016_item_thresholds_are_inclusive():
    def status(**kw):
        return acr_eular_2016_item_status(AcrEular2016Items(**kw))
    assert status(labial_gland_focus_score=1.0)["labial_gland_focus_score_ge_1"] is True
    assert status(labial_gland_focus_score=0.99)["labial_gland_focus_score_ge_1"] is False
    assert status(ocular_staining_score=5)["ocular_staining_score_ge_5"] is True
    assert status(ocular_staining_score=4)["ocular_staining_score_ge_5"] is False
    assert status(ocular_staining_score=4, van_bijsterveld_score=4)["ocular_staining_score_ge_5"] is True
    assert status(van_bijsterveld_score=3.5)["ocular_staining_score_ge_5"] is False
    assert status()["ocular_staining_score_ge_5"] is None
    assert status(schirmer_mm_5min=5.0)["schirmer_le_5mm"] is True
    assert status(schirmer_mm_5min=5.1)["schirmer_le_5mm"] is False
    assert status(unstimulated_whole_saliva_ml_min=0.1)["unstimulated_saliva_le_0_1"] is True
    assert status(unstimulated_whole_saliva_ml_min=0.11)["unstimulated_saliva_le_0_1"] is False


def test_2016_weights_sum_to_9():
    it = acr(labial_gland_focus_score=2.0, anti_ssa_ro=True, ocular_staining_score=6, schirmer_mm_5min=3,
             unstimulated_whole_saliva_ml_min=0.05)
    r = acr_eular_2016_score(it)
    assert r.total == 9
    assert {c.item: c.points for c in r.contributing} == {
        "labial_gland_focus_score_ge_1": 3, "anti_ssa_ro": 3, "ocular_staining_score_ge_5": 1,
        "schirmer_le_5mm": 1, "unstimulated_saliva_le_0_1": 1}


def test_2016_bounds_with_untested_items():
    it = AcrEular2016Items(anti_ssa_ro=True, dry_eyes_over_3_months=True, **NO_EXCLUSIONS)
    r = acr_eular_2016_score(it)
    assert (r.minimum, r.maximum, r.total) == (3, 9, None)
    res = acr_eular_2016_classified(it)
    assert res.value is None
    assert "schirmer_le_5mm" in res.missing and "labial_gland_focus_score_ge_1" in res.missing


def test_2016_decided_by_minimum_despite_untested_items():
    it = AcrEular2016Items(anti_ssa_ro=True, labial_gland_focus_score=1.0, dry_eyes_over_3_months=True,
                           **NO_EXCLUSIONS)
    r = acr_eular_2016_score(it)
    assert (r.minimum, r.maximum) == (6, 9)
    assert acr_eular_2016_classified(it).value is True


def test_2016_decided_false_when_maximum_below_4():
    it = acr(anti_ssa_ro=False, labial_gland_focus_score=0.0, schirmer_mm_5min=None,
             unstimulated_whole_saliva_ml_min=None, ocular_staining_score=None)
    r = acr_eular_2016_score(it)
    assert (r.minimum, r.maximum) == (0, 3)
    assert acr_eular_2016_classified(it).value is False


def test_2016_exclusion_and_entry_criterion():
    assert acr_eular_2016_classified(acr(anti_ssa_ro=True, labial_gland_focus_score=3,
                                         igg4_related_disease=True)).value is False
    # No dryness symptom and no ESSDAI suspicion: criteria do not apply.
    no_entry = AcrEular2016Items(**(NO_EXCLUSIONS | ALL_TESTS_NEGATIVE | dict(
        anti_ssa_ro=True, labial_gland_focus_score=2.0, dry_eyes_over_3_months=False, sand_or_gravel_sensation=False,
        tear_substitutes_over_3_per_day=False, dry_mouth_over_3_months=False,
        drinks_liquids_to_swallow_dry_food=False, essdai_domain_positive=False)))
    assert acr_eular_2016_classified(no_entry).value is False
    # ESSDAI suspicion alone satisfies the entry criterion.
    by_essdai = AcrEular2016Items(**(NO_EXCLUSIONS | ALL_TESTS_NEGATIVE | dict(
        anti_ssa_ro=True, labial_gland_focus_score=2.0, essdai_domain_positive=True)))
    assert acr_eular_2016_classified(by_essdai).value is True
    # Entry unknown -> unknown, naming the questions.
    unknown_entry = AcrEular2016Items(**(NO_EXCLUSIONS | ALL_TESTS_NEGATIVE | dict(anti_ssa_ro=True,
                                                                                   labial_gland_focus_score=2.0)))
    res = acr_eular_2016_classified(unknown_entry)
    assert res.value is None and "dry_mouth_over_3_months" in res.missing


# ------------------------------------------------------------------ 2002 AECG

def test_aecg_rule_a_requires_histopathology_or_serology():
    base = dict.fromkeys(["I", "II", "III", "IV", "V", "VI"], False)
    assert aecg_2002_rule(base | {"I": True, "II": True, "IV": True, "V": True}) is True
    # 4 items but neither IV nor VI, and only 2 objective items: not classified.
    assert aecg_2002_rule(base | {"I": True, "II": True, "III": True, "V": True}) is False
    # 3 of the 6 items including VI: not enough for (a), 2 objective: not (b).
    assert aecg_2002_rule(base | {"I": True, "II": True, "VI": True}) is False


def test_aecg_rule_b_three_objective_items():
    base = dict.fromkeys(["I", "II", "III", "IV", "V", "VI"], False)
    assert aecg_2002_rule(base | {"III": True, "V": True, "VI": True}) is True


def test_aecg_item_thresholds_and_classification():
    it = Aecg2002Items(ocular_symptoms=False, oral_symptoms=False, schirmer_mm_5min=5.0,
                       rose_bengal_van_bijsterveld=None, focus_score=0.0,
                       unstimulated_whole_salivary_flow_ml_15min=1.5, anti_ro_ssa=True, anti_la_ssb=None,
                       head_neck_radiation=False, hepatitis_c=False, aids=False, pre_existing_lymphoma=False,
                       graft_versus_host_disease=False, anticholinergic_drugs_recent=False)
    st = aecg_2002_item_status(it)
    assert st["III"] is True and st["V"] is True and st["VI"] is True and st["IV"] is False
    assert aecg_2002_classified(it).value is True  # rule (b): III, V, VI


def test_aecg_unknown_items_decided_over_completions():
    # III, IV, V positive: rule (b) holds whatever the unknown items are.
    it = Aecg2002Items(schirmer_mm_5min=2, focus_score=1.0, unstimulated_whole_salivary_flow_ml_15min=1.0,
                       head_neck_radiation=False, hepatitis_c=False, aids=False, pre_existing_lymphoma=False,
                       graft_versus_host_disease=False, anticholinergic_drugs_recent=False)
    assert aecg_2002_classified(it).value is True
    # I, II and VI positive, everything else unknown: classification depends on the unknown items.
    open_case = Aecg2002Items(ocular_symptoms=True, oral_symptoms=True, anti_ro_ssa=True,
                              head_neck_radiation=False, hepatitis_c=False, aids=False, pre_existing_lymphoma=False,
                              graft_versus_host_disease=False, anticholinergic_drugs_recent=False)
    res = aecg_2002_classified(open_case)
    assert res.value is None and "AECG item IV" in res.missing


def test_aecg_exclusion():
    it = Aecg2002Items(schirmer_mm_5min=2, focus_score=1.0, unstimulated_whole_salivary_flow_ml_15min=1.0,
                       anticholinergic_drugs_recent=True)
    assert aecg_2002_classified(it).value is False


def test_protocol_004_classification_either():
    assert protocol_004_classification(True, None).value is True
    assert protocol_004_classification(None, True).value is True
    assert protocol_004_classification(False, False).value is False
    res = protocol_004_classification(False, None)
    assert res.value is None and res.missing == ("2016 ACR/EULAR classification",)
    computed = acr_eular_2016_classified(acr(anti_ssa_ro=True, schirmer_mm_5min=5.0))
    assert protocol_004_classification(None, computed).value is True


# ------------------------------------------------------------------ protocol 002 salivary flow

@pytest.mark.parametrize("unstim, stim, expected", [
    (0.05, None, True),      # exactly the unstimulated cut-off
    (None, 0.01, True),      # exactly the stimulated cut-off
    (0.049, 0.01, True),
    (0.049, 0.009, False),
    (0.049, None, None),
    (None, 0.009, None),
    (None, None, None),
    (0.0, 0.5, True),
])
def test_protocol_002_salivary_flow(unstim, stim, expected):
    res = protocol_002_salivary_flow(unstim, stim)
    assert res.value is expected
    if expected is None:
        assert res.missing


def test_protocol_002_salivary_flow_rejects_negative():
    with pytest.raises(ValueError):
        protocol_002_salivary_flow(-0.1, None)


# ------------------------------------------------------------------ protocol 004 exclusions

def test_protocol_004_exclusions():
    assert protocol_004_exclusion_cirrhosis(True).value is True
    assert protocol_004_exclusion_cirrhosis(False).value is False
    assert protocol_004_exclusion_cirrhosis(None).missing == ("liver cirrhosis",)
    assert protocol_004_exclusion_marrow_disorder(False, True, None).value is True
    assert protocol_004_exclusion_marrow_disorder(False, False, False).value is False
    res = protocol_004_exclusion_marrow_disorder(False, None, False)
    assert res.value is None and res.missing == ("myelodysplastic syndrome",)


# ------------------------------------------------------------------ protocol 004 refractoriness

def facts(**kw) -> ConventionalTreatmentFacts:
    base = dict(glucocorticoid_max_mg_per_kg_day=1.5, cyclophosphamide_used=True,
                immunomodulators=(DrugExposure(name="Methotrexate", months=12),),
                conventional_treatment_ineffective=True, relapse_after_remission=False)
    return ConventionalTreatmentFacts(**(base | kw))


def test_refractory_full_case():
    assert protocol_004_refractory(facts()).value is True
    assert protocol_004_refractory(facts(conventional_treatment_ineffective=False,
                                         relapse_after_remission=True)).value is True
    assert protocol_004_refractory(facts(conventional_treatment_ineffective=False,
                                         relapse_after_remission=False)).value is False


def test_refractory_glucocorticoid_above_1_mg_kg_is_strict():
    assert protocol_004_refractory(facts(glucocorticoid_max_mg_per_kg_day=1.0)).value is False
    assert protocol_004_refractory(facts(glucocorticoid_max_mg_per_kg_day=1.01)).value is True


def test_refractory_more_than_6_months_is_strict():
    exactly_6 = (DrugExposure(name="azathioprine", months=6),)
    assert protocol_004_refractory(facts(immunomodulators=exactly_6)).value is False
    over_6 = (DrugExposure(name="hydroxychloroquine", months=6.5),)
    assert protocol_004_refractory(facts(immunomodulators=over_6)).value is True


def test_refractory_cyclophosphamide_over_6_months_counts_for_both_parts():
    res = protocol_004_refractory(facts(cyclophosphamide_used=None,
                                        immunomodulators=(DrugExposure(name="cyclophosphamide", months=7),)))
    assert res.value is True


def test_refractory_requires_cyclophosphamide():
    assert protocol_004_refractory(facts(cyclophosphamide_used=False)).value is False


@pytest.mark.parametrize("name", ["mycophenolate mofetil", "MMF", "mertiomate", "tetracycline", "telitacicept",
                                  "abatacept", "tocilizumab"])
def test_refractory_garbled_or_unnamed_drugs_go_to_review(name):
    res = protocol_004_refractory(facts(immunomodulators=(DrugExposure(name=name, months=24),)))
    assert res.value is None
    assert res.review is not None and name in res.review


def test_refractory_listed_drug_beats_unresolved_one():
    drugs = (DrugExposure(name="mycophenolate mofetil", months=24), DrugExposure(name="Leflunomide", months=9))
    assert protocol_004_refractory(facts(immunomodulators=drugs)).value is True


def test_refractory_missing_facts_named():
    res = protocol_004_refractory(facts(immunomodulators=None))
    assert res.value is None and "immunomodulator history (drugs and durations)" in res.missing
    res = protocol_004_refractory(facts(immunomodulators=(DrugExposure(name="tacrolimus"),)))
    assert res.value is None and "duration of tacrolimus" in res.missing
    res = protocol_004_refractory(facts(glucocorticoid_max_mg_per_kg_day=None))
    assert res.value is None and any("glucocorticoid" in m for m in res.missing)


def test_drug_classification():
    assert classify_protocol_004_drug("Hydroxychloroquine") == ("listed", "antimalarial")
    assert classify_protocol_004_drug("ciclosporin") == ("listed", "cyclosporine")
    assert classify_protocol_004_drug("rituximab")[0] == "listed"
    assert classify_protocol_004_drug("mertiomate")[0] == "unresolved"
    assert classify_protocol_004_drug("prednisone") == ("not_listed", "")
