"""SSc protocol predicates: mRSS progression (protocol 004 ">10%"), disease duration (protocol 002 "<=7 years"),
ILD thresholds (002: FVC >=45% or DLCO >=40%; 004: ground glass and FVC or DLCO <70%), OMERACT lung progression
(Khanna D et al. J Rheumatol 2015;42:2168-71: >=10% relative FVC decline, or >=5-<10% with >=15% relative DLCO
decline), subtype (LeRoy 1988). Boundary values are hand-chosen; arithmetic in the comments.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from trialscreen_ssc.criteria import (
    add_years,
    disease_duration_completed_years,
    disease_duration_within_years,
    mrss_progression,
    omeract_ild_progression,
    p002_disease_duration_ok,
    p002_ild_lung_function_ok,
    p002_subtype_ok,
    p004_ild_requirement,
    relative_decline_pct,
    ssc_subtype_from_extent,
)
from trialscreen_ssc.items import MRSS_AREAS, MrssItems, SscSubtype
from trialscreen_ssc.scores import mrss

# ---------------------------------------------------------------------------
# mRSS progression ">10%"
# ---------------------------------------------------------------------------


def test_exactly_10_percent_is_not_progression():
    assert mrss_progression(20, 22) is False  # +2/20 = 10.0%
    assert mrss_progression(10, 11) is False


def test_10_point_1_percent_is_progression():
    assert mrss_progression(20, 22.02) is True  # +2.02/20 = 10.1%


def test_exact_decimal_arithmetic_at_the_boundary():
    # naive float: (14.3 - 13) / 13 * 100 = 10.000000000000005 > 10 (wrong); exact = 10
    assert (14.3 - 13) / 13 * 100 > 10
    assert mrss_progression(13, 14.3) is False


def test_threshold_parameter_and_decrease():
    assert mrss_progression(20, 25, threshold_pct=25) is False  # exactly +25%
    assert mrss_progression(20, 26, threshold_pct=25) is True
    assert mrss_progression(20, 18) is False


def test_baseline_zero_edge():
    assert mrss_progression(0, 0) is False
    assert mrss_progression(0, 3) is None  # relative change undefined: investigator review


def test_progression_from_incomplete_scores():
    prev = {a: 1 for a in MRSS_AREAS}  # 17
    cur = {a: 2 for a in MRSS_AREAS}
    cur["face"] = None  # current 32..35
    assert mrss_progression(mrss(MrssItems(**prev)), mrss(MrssItems(**cur))) is True
    near = dict(prev)
    near["face"] = None  # previous 16..19 ; current 20 -> from 16: +25% ; from 19: +5.3%
    cur20 = {a: 1 for a in MRSS_AREAS}
    cur20.update(right_fingers=2, left_fingers=2, face=2)  # 20
    assert mrss(MrssItems(**cur20)).total == 20
    assert mrss_progression(mrss(MrssItems(**near)), mrss(MrssItems(**cur20))) is None


# ---------------------------------------------------------------------------
# disease duration <= 7 years (calendar)
# ---------------------------------------------------------------------------


def test_exactly_7_years_is_within():
    onset = dt.date(2019, 1, 15)
    assert disease_duration_within_years(onset, dt.date(2026, 1, 15)) is True
    assert disease_duration_within_years(onset, dt.date(2026, 1, 16)) is False
    assert disease_duration_completed_years(onset, dt.date(2026, 1, 14)) == 6
    assert disease_duration_completed_years(onset, dt.date(2026, 1, 15)) == 7


def test_feb_29_onset():
    onset = dt.date(2016, 2, 29)
    assert add_years(onset, 7) == dt.date(2023, 3, 1)  # same convention as the core age function
    assert disease_duration_within_years(onset, dt.date(2023, 3, 1)) is True
    assert disease_duration_within_years(onset, dt.date(2023, 3, 2)) is False
    assert add_years(onset, 8) == dt.date(2024, 2, 29)


def test_p002_duration_from_raynaud():
    assert p002_disease_duration_ok(dt.date(2018, 6, 1), dt.date(2025, 6, 1)) is True
    assert p002_disease_duration_ok(dt.date(2018, 6, 1), dt.date(2025, 6, 2)) is False
    assert p002_disease_duration_ok(None, dt.date(2025, 6, 2)) is None
    with pytest.raises(ValueError):
        disease_duration_within_years(dt.date(2026, 1, 1), dt.date(2025, 1, 1))


# ---------------------------------------------------------------------------
# subtype
# ---------------------------------------------------------------------------


def test_subtype():
    assert ssc_subtype_from_extent(True, True) is SscSubtype.DIFFUSE
    assert ssc_subtype_from_extent(False, True) is SscSubtype.LIMITED
    assert ssc_subtype_from_extent(False, False) is SscSubtype.SINE_SCLERODERMA
    assert ssc_subtype_from_extent(None, True) is None
    assert p002_subtype_ok(SscSubtype.LIMITED) is True
    assert p002_subtype_ok(SscSubtype.SINE_SCLERODERMA) is False
    assert p002_subtype_ok(None) is None


# ---------------------------------------------------------------------------
# ILD thresholds
# ---------------------------------------------------------------------------


def test_p002_ild_thresholds():
    assert p002_ild_lung_function_ok(False, None, None) is True
    assert p002_ild_lung_function_ok(True, 45, 30) is True  # FVC exactly 45
    assert p002_ild_lung_function_ok(True, 44.9, 40) is True  # DLCO exactly 40
    assert p002_ild_lung_function_ok(True, 44.9, 39.9) is False
    assert p002_ild_lung_function_ok(True, 44.9, None) is None
    assert p002_ild_lung_function_ok(None, 60, 50) is True
    assert p002_ild_lung_function_ok(None, 40, 30) is None


def test_p004_ild_requirement():
    assert p004_ild_requirement(False, None, None, None) is True
    assert p004_ild_requirement(True, True, 70, 69.9) is True  # DLCO < 70
    assert p004_ild_requirement(True, True, 70, 70) is False  # neither < 70
    assert p004_ild_requirement(True, False, 50, 50) is False  # no ground glass
    assert p004_ild_requirement(True, None, 50, 50) is None


# ---------------------------------------------------------------------------
# OMERACT lung progression (relative declines of % predicted)
# ---------------------------------------------------------------------------


def test_relative_decline_exact():
    assert relative_decline_pct(80, 72) == Decimal(10)
    assert relative_decline_pct(60, 51) == Decimal(15)


def test_fvc_10_percent_relative():
    assert omeract_ild_progression(80, 72) is True  # 10% relative (8 points)
    assert omeract_ild_progression(50, 45) is True  # 10% relative although only 5 points absolute
    # 9 points absolute but 90 -> 81.1 is 9.89% relative: needs DLCO
    assert omeract_ild_progression(90, 81.1) is None


def test_fvc_5_to_10_with_dlco_15():
    assert omeract_ild_progression(80, 76, 60, 51) is True  # FVC 5%, DLCO 15%
    assert omeract_ild_progression(80, 76, 60, 51.1) is False  # DLCO 14.83%
    assert omeract_ild_progression(80, 76.1, 60, 40) is False  # FVC 4.875% < 5


def test_omeract_missing_data():
    assert omeract_ild_progression(None, 70) is None
    with pytest.raises(ValueError):
        relative_decline_pct(0, 10)
