"""MMT-8 (0-150), HAQ-DI and the IMACS core set count.

Sources: Rider LG et al. Arthritis Care Res 2010;62:465-72 (MMT-8 groups, Kendall 0-10); Fries JF et al.
Arthritis Rheum 1980;23:137-45 with the Stanford/ARAMIS 2009 and CLINHAQ scoring text (worst item per category,
aid/help raises to >=2, sum / categories answered, /7 with one category missing); protocol 002 (MMT-8 <=141,
core set thresholds), protocol 004 (MMT-8 "lower than 142"). Worked examples are hand computations.
"""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from trialscreen_iim.criteria import abnormal_core_set_count, core_set_at_least, p002_mmt8_ok, p004_mmt8_ok
from trialscreen_iim.items import (
    HAQ_CATEGORIES,
    MMT8_FIELDS,
    EnzymeResult,
    HaqDiItems,
    ImacsCoreSet,
    Mmt8Items,
    MuscleEnzyme,
)
from trialscreen_iim.scores import haq_category_scores, haq_di, mmt8

# ---------------------------------------------------------------------------
# MMT-8
# ---------------------------------------------------------------------------


def mmt(total_loss: int) -> Mmt8Items:
    """All 15 tests at 10, minus ``total_loss`` taken from the first tests."""
    grades = {k: 10 for k in MMT8_FIELDS}
    for k in MMT8_FIELDS:
        take = min(total_loss, 10)
        grades[k] -= take
        total_loss -= take
    return Mmt8Items(**grades)


def test_mmt8_range():
    assert len(MMT8_FIELDS) == 15
    assert mmt8(mmt(0)).total == 150
    assert mmt8(Mmt8Items(**{k: 0 for k in MMT8_FIELDS})).total == 0


def test_mmt8_141_meets_both_protocols_142_neither():
    r141, r142 = mmt8(mmt(9)), mmt8(mmt(8))
    assert (r141.total, r142.total) == (141, 142)
    assert p002_mmt8_ok(r141) is True and p004_mmt8_ok(r141) is True
    assert p002_mmt8_ok(r142) is False and p004_mmt8_ok(r142) is False


def test_mmt8_missing_test_bounds():
    grades = mmt(20).model_dump()
    grades["neck_flexors"] = None  # 130 known without neck flexors? compute: first test lost 10 -> neck 0
    result = mmt8(Mmt8Items(**grades))
    # tests: neck (missing), right deltoid 0, 13 others at 10 -> known 130 ; neck 0..10
    assert result.total is None
    assert (result.minimum, result.maximum) == (130, 140)
    assert p002_mmt8_ok(result) is True  # even at 140 <= 141
    grades2 = mmt(0).model_dump()
    grades2["neck_flexors"] = None  # 140..150
    assert p002_mmt8_ok(mmt8(Mmt8Items(**grades2))) is None


def test_mmt8_grades_validated():
    with pytest.raises(ValidationError):
        Mmt8Items(neck_flexors=11)


# ---------------------------------------------------------------------------
# HAQ-DI
# ---------------------------------------------------------------------------

ALL_ITEMS = [k for keys in HAQ_CATEGORIES.values() for k in keys]


def haq(**answers: int | bool | None) -> HaqDiItems:
    return HaqDiItems(**{**{k: 0 for k in ALL_ITEMS}, **answers})


def test_haq_all_zero_and_all_three():
    assert haq_di(haq()).total == 0
    assert haq_di(HaqDiItems(**{k: 3 for k in ALL_ITEMS})).total == 3


def test_haq_worst_item_per_category():
    # dressing: max(1, 2) = 2 ; grip: max(0, 1, 3) = 3 ; others 0 -> (2 + 3) / 8 = 0.625
    result = haq_di(haq(dress_yourself=1, shampoo_hair=2, open_jars=1, turn_faucets=3))
    assert result.total == 0.625


def test_haq_threshold_0_25_exactly():
    # two categories at 1 -> 2 / 8 = 0.25 -> meets ">=0.25"; one -> 0.125 does not
    assert haq_di(haq(dress_yourself=1, cut_meat=1)).at_least(0.25) is True
    assert haq_di(haq(dress_yourself=1)).at_least(0.25) is False


def test_haq_aid_and_help_raise_to_2():
    # walking item 1 with a cane -> 2 ; eating 0 with help -> 2 ; grip 3 with jar opener stays 3
    items = haq(walk_outdoors_flat=1, aid_walking=True, help_eating=True, open_jars=3, aid_grip=True)
    scores = haq_category_scores(items)
    assert scores["walking"][0] == 2 and scores["eating"][0] == 2 and scores["grip"][0] == 3
    assert haq_di(items).total == (2 + 2 + 3) / 8


def test_haq_seven_categories_divides_by_7():
    answers = {k: None for k in HAQ_CATEGORIES["activities"]}
    result = haq_di(haq(dress_yourself=2, **answers))
    assert result.total == pytest.approx(2 / 7)
    assert result.missing == ("activities",)


def test_haq_six_categories_bounds_only():
    answers = {k: None for k in HAQ_CATEGORIES["activities"] + HAQ_CATEGORIES["reach"]}
    result = haq_di(haq(dress_yourself=2, **answers))
    # answered sum 2 over 6; completions: one more (7) or both (8): min 2/8 = 0.25, max (2+6)/8 = 1.0
    assert result.total is None
    assert (result.minimum, result.maximum) == (0.25, 1.0)
    assert result.at_least(0.25) is True


def test_haq_model_strict():
    with pytest.raises(ValidationError):
        HaqDiItems(dress_yourself=4)


# ---------------------------------------------------------------------------
# IMACS core set measures (protocol 002 thresholds)
# ---------------------------------------------------------------------------


def ck(x_uln: float) -> EnzymeResult:
    return EnzymeResult(enzyme=MuscleEnzyme.CK, value=x_uln * 200, uln=200)


def test_exactly_two_abnormal_meets():
    core = ImacsCoreSet(patient_global_activity_vas=2, physician_global_activity_vas=1.9,
                        extramuscular_activity_vas=0, haq_di=0.25, enzymes=(ck(1.0),), enzymes_panel_complete=True)
    count = abnormal_core_set_count(core)
    assert count.abnormal == ("patient_global", "haq_di")
    assert (count.minimum, count.maximum) == (2, 2)
    assert core_set_at_least(core) is True


def test_one_abnormal_does_not_meet():
    core = ImacsCoreSet(patient_global_activity_vas=1.9, physician_global_activity_vas=1.9,
                        extramuscular_activity_vas=1.9, haq_di=0.125, enzymes=(ck(1.6),),
                        enzymes_panel_complete=True)
    assert abnormal_core_set_count(core).abnormal == ("muscle_enzymes",)
    assert core_set_at_least(core) is False


def test_enzyme_exactly_1_5_uln():
    core = ImacsCoreSet(enzymes=(EnzymeResult(enzyme=MuscleEnzyme.CK, value=300, uln=200),),
                        enzymes_panel_complete=True)
    assert "muscle_enzymes" not in abnormal_core_set_count(core).abnormal  # ">1.5 x ULN" strict
    assert "muscle_enzymes" in abnormal_core_set_count(core, enzyme_strict=False).abnormal
    above = ImacsCoreSet(enzymes=(EnzymeResult(enzyme=MuscleEnzyme.ALDOLASE, value=9.1, uln=6),))
    assert "muscle_enzymes" in abnormal_core_set_count(above).abnormal  # 1.5167 x ULN


def test_unknown_measures_keep_count_open():
    core = ImacsCoreSet(patient_global_activity_vas=5, enzymes=(ck(1.2),))  # panel not complete
    count = abnormal_core_set_count(core)
    assert (count.minimum, count.maximum) == (1, 5)
    assert core_set_at_least(core) is None


def test_haq_score_result_overrides():
    six = {k: None for k in HAQ_CATEGORIES["activities"] + HAQ_CATEGORIES["reach"]}
    haq_result = haq_di(haq(dress_yourself=2, **six))  # bounds [0.25, 1.0] -> >=0.25 decided
    core = ImacsCoreSet(patient_global_activity_vas=3, physician_global_activity_vas=0,
                        extramuscular_activity_vas=0, enzymes=(ck(1.0),), enzymes_panel_complete=True)
    assert core_set_at_least(core, haq=haq_result) is True
