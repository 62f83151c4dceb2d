"""2022 ACR/EULAR GPA and MPA classification, Chapel Hill 2012 diagnosis, ANCA status.

Sources: Robson JC et al. Ann Rheum Dis 2022;81:315-20 (GPA) and Suppiah R et al. Ann Rheum Dis 2022;81:321-6
(MPA) — item weights and ">=5" as in the project notes (three agreeing copies each). Worked examples are hand
computations; arithmetic in the comments.
"""

from __future__ import annotations

import datetime as dt

import pytest
from pydantic import ValidationError

from trialscreen_aav.criteria import (
    anca_positive_current,
    anca_positive_ever,
    chcc2012_is_aav,
    chcc2012_is_gpa_or_mpa,
    gpa_2022_classified,
    mpa_2022_classified,
)
from trialscreen_aav.items import AavClassificationItems, AncaResult, Chcc2012Diagnosis
from trialscreen_aav.scores import gpa_2022_score, mpa_2022_score

ALL_FALSE = {k: False for k in AavClassificationItems.model_fields}


def facts(**present: bool | None) -> AavClassificationItems:
    return AavClassificationItems(**{**ALL_FALSE, "entry_small_or_medium_vessel_vasculitis": True, **present})


# ---------------------------------------------------------------------------
# GPA
# ---------------------------------------------------------------------------


def test_gpa_typical_case():
    # nasal crusting +3, anti-PR3 +5, lung nodules +2 = 10
    f = facts(nasal_involvement=True, canca_or_anti_pr3_positive=True, pulmonary_nodules_mass_or_cavitation=True)
    assert gpa_2022_score(f).total == 10
    assert gpa_2022_classified(f) is True


def test_gpa_exactly_5_classified_and_4_not():
    assert gpa_2022_score(facts(canca_or_anti_pr3_positive=True)).total == 5
    assert gpa_2022_classified(facts(canca_or_anti_pr3_positive=True)) is True
    # nasal +3, hearing loss +1 = 4
    four = facts(nasal_involvement=True, hearing_loss=True)
    assert gpa_2022_score(four).total == 4
    assert gpa_2022_classified(four) is False


def test_gpa_negative_weights():
    # anti-PR3 +5, eosinophils >=1e9/L -4 = 1 ; anti-PR3 +5, anti-MPO -1, cartilage +2 = 6
    assert gpa_2022_score(facts(canca_or_anti_pr3_positive=True, eosinophils_ge_1e9_per_l=True)).total == 1
    assert gpa_2022_score(facts(canca_or_anti_pr3_positive=True, panca_or_anti_mpo_positive=True,
                                cartilaginous_involvement=True)).total == 6


def test_gpa_all_positive_items_and_maximum():
    # 3 + 2 + 1 + 5 + 2 + 2 + 1 + 1 = 17
    f = facts(nasal_involvement=True, cartilaginous_involvement=True, hearing_loss=True,
              canca_or_anti_pr3_positive=True, pulmonary_nodules_mass_or_cavitation=True,
              granuloma_or_giant_cells_on_biopsy=True, sinus_inflammation_or_mastoiditis_on_imaging=True,
              pauci_immune_glomerulonephritis=True)
    assert gpa_2022_score(f).total == 17


def test_gpa_bounds_with_negative_unanswered_items():
    # anti-PR3 +5 known; eosinophils unknown (-4 possible), pANCA unknown (-1 possible) -> [0, 5]
    f = facts(canca_or_anti_pr3_positive=True, eosinophils_ge_1e9_per_l=None, panca_or_anti_mpo_positive=None)
    result = gpa_2022_score(f)
    assert result.total is None
    assert (result.minimum, result.maximum) == (0, 5)
    assert gpa_2022_classified(f) is None  # cannot be decided until the negative items are known


def test_gpa_entry_requirement():
    f = facts(canca_or_anti_pr3_positive=True, entry_small_or_medium_vessel_vasculitis=False)
    assert gpa_2022_classified(f) is False
    f = facts(canca_or_anti_pr3_positive=True, entry_small_or_medium_vessel_vasculitis=None)
    assert gpa_2022_classified(f) is None


# ---------------------------------------------------------------------------
# MPA
# ---------------------------------------------------------------------------


def test_mpa_mpo_alone_classified():
    assert mpa_2022_score(facts(panca_or_anti_mpo_positive=True)).total == 6
    assert mpa_2022_classified(facts(panca_or_anti_mpo_positive=True)) is True


def test_mpa_boundary_5_and_below():
    # MPO +6, PR3 -1 = 5 -> classified ; MPO +6, nasal -3 = 3 -> not
    assert mpa_2022_score(facts(panca_or_anti_mpo_positive=True, canca_or_anti_pr3_positive=True)).total == 5
    assert mpa_2022_classified(facts(panca_or_anti_mpo_positive=True, canca_or_anti_pr3_positive=True)) is True
    assert mpa_2022_score(facts(panca_or_anti_mpo_positive=True, nasal_involvement=True)).total == 3
    assert mpa_2022_classified(facts(panca_or_anti_mpo_positive=True, nasal_involvement=True)) is False


def test_mpa_without_anca():
    # fibrosis/ILD +3, pauci-immune GN +3 = 6 ; minus eosinophilia -4 = 2
    assert mpa_2022_classified(facts(fibrosis_or_ild_on_chest_imaging=True,
                                     pauci_immune_glomerulonephritis=True)) is True
    assert mpa_2022_score(facts(fibrosis_or_ild_on_chest_imaging=True, pauci_immune_glomerulonephritis=True,
                                eosinophils_ge_1e9_per_l=True)).total == 2


def test_patient_can_meet_both():
    # PR3 +5 & MPO: GPA 5 - 1 + GN 1 + nodules 2 = 7 ; MPA 6 - 1 + GN 3 = 8
    f = facts(canca_or_anti_pr3_positive=True, panca_or_anti_mpo_positive=True,
              pauci_immune_glomerulonephritis=True, pulmonary_nodules_mass_or_cavitation=True)
    assert gpa_2022_score(f).total == 7 and mpa_2022_score(f).total == 8
    assert gpa_2022_classified(f) is True and mpa_2022_classified(f) is True


def test_classification_model_strict():
    with pytest.raises(ValidationError):
        AavClassificationItems(c_anca=True)


# ---------------------------------------------------------------------------
# Chapel Hill 2012 diagnosis
# ---------------------------------------------------------------------------


def test_chcc_gpa_or_mpa():
    assert chcc2012_is_gpa_or_mpa(Chcc2012Diagnosis.GPA) is True
    assert chcc2012_is_gpa_or_mpa(Chcc2012Diagnosis.MPA) is True
    assert chcc2012_is_gpa_or_mpa(Chcc2012Diagnosis.EGPA) is False
    assert chcc2012_is_gpa_or_mpa(None) is None
    assert chcc2012_is_aav(Chcc2012Diagnosis.SINGLE_ORGAN_AAV) is True
    assert chcc2012_is_aav(Chcc2012Diagnosis.OTHER_VASCULITIS) is False


# ---------------------------------------------------------------------------
# ANCA status
# ---------------------------------------------------------------------------

SCREEN = dt.date(2026, 3, 1)


def anca(antigen: str, day: dt.date, result: str) -> AncaResult:
    return AncaResult(antigen=antigen, date=day, result=result)


def test_anca_current_positive_within_window():
    results = [anca("PR3", dt.date(2026, 2, 20), "positive")]
    assert anca_positive_current(results, SCREEN, window_days=28) is True


def test_anca_current_window_boundary_inclusive():
    edge = SCREEN - dt.timedelta(days=28)
    assert anca_positive_current([anca("MPO", edge, "positive")], SCREEN, 28) is True
    assert anca_positive_current([anca("MPO", edge - dt.timedelta(days=1), "positive")], SCREEN, 28) is None


def test_anca_current_both_negative_is_false_one_untested_is_none():
    both = [anca("PR3", dt.date(2026, 2, 20), "negative"), anca("MPO", dt.date(2026, 2, 20), "negative")]
    assert anca_positive_current(both, SCREEN, 28) is False
    assert anca_positive_current(both[:1], SCREEN, 28) is None


def test_anca_current_latest_result_wins_and_future_ignored():
    results = [anca("PR3", dt.date(2026, 2, 1), "positive"), anca("PR3", dt.date(2026, 2, 25), "negative"),
               anca("MPO", dt.date(2026, 2, 25), "negative"), anca("MPO", dt.date(2026, 3, 5), "positive")]
    assert anca_positive_current(results, SCREEN, 60) is False


def test_anca_ever():
    old = [anca("MPO", dt.date(2019, 5, 1), "positive"), anca("MPO", dt.date(2025, 5, 1), "negative")]
    assert anca_positive_ever(old) is True
    negatives = [anca("PR3", dt.date(2025, 5, 1), "negative")]
    assert anca_positive_ever(negatives) is None
    assert anca_positive_ever(negatives, history_complete=True) is False
