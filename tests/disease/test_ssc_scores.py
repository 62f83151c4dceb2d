"""mRSS and the 2013 ACR/EULAR SSc classification score.

Sources: Clements PJ et al. J Rheumatol 1995;22:1281-5 / Khanna D et al. J Scleroderma Relat Disord 2017;2:11-18
(17 areas, 0-3, total 0-51); van den Hoogen F et al. Arthritis Rheum 2013;65:2737-47, Table 1 (weights, highest
per item, >=9). Worked examples are hand computations; arithmetic in the comments.
"""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from trialscreen_ssc.criteria import ssc_2013_classified
from trialscreen_ssc.items import MRSS_AREAS, MrssItems, Ssc2013Items
from trialscreen_ssc.scores import mrss, ssc_2013_score

NO_SSC = {k: False for k in Ssc2013Items.model_fields}


def ssc(**present: bool | None) -> Ssc2013Items:
    return Ssc2013Items(**{**NO_SSC, **present})


# ---------------------------------------------------------------------------
# mRSS
# ---------------------------------------------------------------------------


def test_mrss_17_areas_range():
    assert len(MRSS_AREAS) == 17
    zero = mrss(MrssItems(**{a: 0 for a in MRSS_AREAS}))
    top = mrss(MrssItems(**{a: 3 for a in MRSS_AREAS}))
    assert (zero.total, top.total) == (0, 51)


def test_mrss_worked_example_diffuse():
    # fingers 3+3, hands 2+2, forearms 2+2, upper arms 1+1, face 1, chest 1, abdomen 0, thighs 1+1,
    # legs 1+1, feet 1+1 = 6+4+4+2+1+1+2+2+2 = 24
    grades = dict(right_fingers=3, left_fingers=3, right_dorsum_hand=2, left_dorsum_hand=2, right_forearm=2,
                  left_forearm=2, right_upper_arm=1, left_upper_arm=1, face=1, anterior_chest=1, abdomen=0,
                  right_thigh=1, left_thigh=1, right_lower_leg=1, left_lower_leg=1, right_dorsum_foot=1,
                  left_dorsum_foot=1)
    assert mrss(MrssItems(**grades)).total == 24


def test_mrss_missing_area_bounds():
    grades = {a: 1 for a in MRSS_AREAS}
    grades["abdomen"] = None
    grades["face"] = None
    result = mrss(MrssItems(**grades))
    # 15 areas x 1 known; two missing areas 0..3 each
    assert result.total is None
    assert (result.minimum, result.maximum) == (15, 21)
    assert set(result.missing) == {"abdomen", "face"}


def test_mrss_grades_validated():
    with pytest.raises(ValidationError):
        MrssItems(face=4)
    with pytest.raises(ValidationError):
        MrssItems(nose=1)


# ---------------------------------------------------------------------------
# 2013 ACR/EULAR classification
# ---------------------------------------------------------------------------


def test_sufficient_criterion_alone_is_9():
    f = ssc(skin_thickening_proximal_to_mcps=True)
    assert ssc_2013_score(f).total == 9
    assert ssc_2013_classified(f) is True


def test_exactly_9_classified():
    # Raynaud 3 + sclerodactyly 4 + telangiectasia 2 = 9
    f = ssc(raynauds_phenomenon=True, sclerodactyly=True, telangiectasia=True)
    assert ssc_2013_score(f).total == 9
    assert ssc_2013_classified(f) is True


def test_8_not_classified():
    # Raynaud 3 + puffy fingers 2 + anticentromere 3 = 8
    f = ssc(raynauds_phenomenon=True, puffy_fingers=True, anticentromere=True)
    assert ssc_2013_score(f).total == 8
    assert ssc_2013_classified(f) is False


def test_highest_weight_per_item_only():
    # puffy 2 + sclerodactyly 4 -> 4 (not 6); ulcers 2 + pitting scars 3 -> 3; PAH 2 + ILD 2 -> 2;
    # ACA 3 + Scl-70 3 -> 3 ; total 4 + 3 + 2 + 3 = 12
    f = ssc(puffy_fingers=True, sclerodactyly=True, digital_tip_ulcers=True, fingertip_pitting_scars=True,
            pulmonary_arterial_hypertension=True, interstitial_lung_disease=True, anticentromere=True,
            anti_topoisomerase_i=True)
    assert ssc_2013_score(f).total == 12


def test_maximum_without_sufficient_criterion_is_19():
    f = ssc(sclerodactyly=True, fingertip_pitting_scars=True, telangiectasia=True,
            abnormal_nailfold_capillaries=True, interstitial_lung_disease=True, raynauds_phenomenon=True,
            anti_rna_polymerase_iii=True)
    # 4 + 3 + 2 + 2 + 2 + 3 + 3 = 19 (notes 03_ssc.md)
    assert ssc_2013_score(f).total == 19


def test_bounds_with_unanswered_items():
    f = ssc(raynauds_phenomenon=True, sclerodactyly=True, telangiectasia=None, puffy_fingers=None)
    result = ssc_2013_score(f)
    # known 3 + 4 = 7; telangiectasia could add 2; puffy fingers cannot change the finger item (4 > 2)
    assert result.total is None
    assert (result.minimum, result.maximum) == (7, 9)
    assert result.missing == ("telangiectasia",)
    assert ssc_2013_classified(f) is None


def test_not_applicable_when_fingers_spared_or_better_explained():
    f = ssc(raynauds_phenomenon=True, sclerodactyly=True, telangiectasia=True,
            better_explained_by_scleroderma_like_disorder=True)
    assert ssc_2013_classified(f) is False
    g = ssc(raynauds_phenomenon=True, sclerodactyly=True, telangiectasia=True,
            skin_thickening_sparing_fingers=None)
    assert ssc_2013_classified(g) is None
