"""Criteria and protocol predicates of the systemic sclerosis plugin.

Three-valued: ``True`` / ``False`` / ``None`` (the facts do not decide — collect data or review). Missing data
never yields ``True``. Percent arithmetic is done in :class:`decimal.Decimal` on the shortest repr of each input
so that boundaries are exact (a +10% mRSS change is exactly 10, never 10.000000000000002).

Protocol sources (shared/protocols): 002 (NCT07212322) — 2013 EULAR/ACR classification; diffuse or limited
subtype; disease duration <=7 years from the first Raynaud's phenomenon to screening; if ILD present, FVC >=45%
or DLCO >=40% predicted. 004 (CHEC2024-181) — 2013 criteria; if ILD, ground glass on HRCT and FVC or DLCO <70%
predicted; cutaneous progression "increase in mRSS >10%"; lung progression "10% decrease in FVC or 5% decrease in
FVC with 15% decrease in DLCO (OMERACT progression)".
"""

from __future__ import annotations

import calendar
import datetime as dt
from decimal import Decimal

from trialscreen.plugins.helpers import and3, or3
from trialscreen.plugins.types import ScoreResult

from .items import SSC_2013_THRESHOLD, Ssc2013Items, SscSubtype
from .scores import ssc_2013_score

__all__ = [
    "add_years",
    "disease_duration_completed_years",
    "disease_duration_within_years",
    "mrss_progression",
    "omeract_ild_progression",
    "p002_disease_duration_ok",
    "p002_ild_lung_function_ok",
    "p002_subtype_ok",
    "p004_ild_requirement",
    "relative_decline_pct",
    "ssc_2013_classified",
    "ssc_subtype_from_extent",
]


def _d(x: float | int) -> Decimal:
    if isinstance(x, bool) or not isinstance(x, (int, float, Decimal)):
        raise TypeError(f"expected a number, got {type(x).__name__}: {x!r}")
    return Decimal(repr(float(x))) if isinstance(x, float) else Decimal(x)


# ---------------------------------------------------------------------------
# 2013 ACR/EULAR classification
# ---------------------------------------------------------------------------


def ssc_2013_classified(items: Ssc2013Items) -> bool | None:
    """Classified as SSc by the 2013 ACR/EULAR criteria (van den Hoogen F et al. Arthritis Rheum
    2013;65:2737-47 / Ann Rheum Dis 2013;72:1747-55): total >=9 (``scores.ssc_2013_score``) and the criteria
    applicable — not applicable (so not classified) when skin thickening spares the fingers or a
    scleroderma-like disorder better explains the manifestations. Unknown applicability leaves a reached
    score undecided (``None``)."""
    if items.skin_thickening_sparing_fingers is True or items.better_explained_by_scleroderma_like_disorder is True:
        return False
    applicable = and3(
        None if items.skin_thickening_sparing_fingers is None else True,
        None if items.better_explained_by_scleroderma_like_disorder is None else True,
    )
    return and3(applicable, ssc_2013_score(items).at_least(SSC_2013_THRESHOLD))


# ---------------------------------------------------------------------------
# mRSS progression
# ---------------------------------------------------------------------------


def _bounds(value: float | int | ScoreResult) -> tuple[Decimal, Decimal]:
    if isinstance(value, ScoreResult):
        if value.total is not None:
            return _d(value.total), _d(value.total)
        return _d(value.minimum), _d(value.maximum)
    return _d(value), _d(value)


def mrss_progression(
    previous: float | int | ScoreResult, current: float | int | ScoreResult, threshold_pct: float = 10
) -> bool | None:
    """Protocol 004 cutaneous progression: "increase in mRSS >10%" — relative to the previous mRSS, strictly
    greater: ``(current - previous) / previous * 100 > threshold_pct``.

    Exactly +10% is NOT progression (20 -> 22 is False; 20 -> 22.02 is +10.1%, True). Computed exactly in decimal
    arithmetic. Accepts numbers or ``ScoreResult`` totals; incomplete scores are decided from their bounds when
    possible (``True`` if the smallest current exceeds the largest previous by more than the threshold,
    ``False`` if even the largest current does not exceed the smallest previous by it).

    Baseline-0 edge: a relative change from 0 is undefined (any increase is "infinite %"); an increase from a
    previous mRSS of 0 returns ``None`` (investigator review), no increase returns ``False``.

    Source of the number: the protocol text (shared/protocols/004); no published mRSS progression definition is
    implied. (mRSS itself: Clements 1995; Khanna 2017 — see ``scores.mrss``.)
    """
    p_lo, p_hi = _bounds(previous)
    c_lo, c_hi = _bounds(current)
    t = _d(threshold_pct)
    hundred = Decimal(100)
    if c_hi <= p_lo:
        return False  # no increase at all (covers the baseline-0 "no increase" case)
    if p_lo == 0:
        return None  # previous may be 0: relative change undefined
    if (c_lo - p_hi) * hundred > t * p_hi:
        return True
    if (c_hi - p_lo) * hundred <= t * p_lo:
        return False
    return None


# ---------------------------------------------------------------------------
# disease duration (calendar arithmetic)
# ---------------------------------------------------------------------------


def add_years(day: dt.date, years: int) -> dt.date:
    """The anniversary ``years`` later. 29 February maps to 1 March in non-leap years — the same convention as
    the core plugin's ``age_completed_years`` (an onset on 2016-02-29 has its 7th anniversary on 2023-03-01)."""
    year = day.year + years
    if (day.month, day.day) == (2, 29) and not calendar.isleap(year):
        return dt.date(year, 3, 1)
    return dt.date(year, day.month, day.day)


def disease_duration_completed_years(onset: dt.date, as_of: dt.date) -> int:
    """Completed years from ``onset`` to ``as_of`` (the anniversary itself counts)."""
    if as_of < onset:
        raise ValueError(f"as_of ({as_of.isoformat()}) is before onset ({onset.isoformat()})")
    years = as_of.year - onset.year
    if as_of < add_years(onset, years):
        years -= 1
    return years


def disease_duration_within_years(onset: dt.date | None, as_of: dt.date, max_years: int = 7) -> bool | None:
    """Disease duration ``<= max_years`` on ``as_of``: ``as_of <= onset + max_years`` calendar years.

    Inclusive: exactly 7 years (the 7th anniversary) is within; the day after is not (7 years and 1 day > 7
    years). An onset after ``as_of`` raises (a data error, not an eligibility fact). ``None`` if onset unknown.
    """
    if onset is None:
        return None
    if as_of < onset:
        raise ValueError(f"as_of ({as_of.isoformat()}) is before onset ({onset.isoformat()})")
    return as_of <= add_years(onset, max_years)


def p002_disease_duration_ok(first_raynaud: dt.date | None, screening: dt.date, max_years: int = 7) -> bool | None:
    """Protocol 002: "disease duration <=7 years (from the first occurrence of Raynaud's phenomenon to
    screening)". For a duration counted from the first non-Raynaud manifestation (the usual trial convention),
    call :func:`disease_duration_within_years` with that date instead."""
    return disease_duration_within_years(first_raynaud, screening, max_years)


# ---------------------------------------------------------------------------
# subtype
# ---------------------------------------------------------------------------


def ssc_subtype_from_extent(proximal_or_trunk: bool | None, distal_or_face: bool | None) -> SscSubtype | None:
    """Cutaneous subset from the extent of skin thickening (LeRoy EC et al. J Rheumatol 1988;15:202-5; the
    LeRoy-Medsger regions as reproduced by medicalalgorithms.com "Criteria of LeRoy and Medsger": diffuse =
    upper arm, thigh, chest, abdomen or back involved; limited = only fingers, hands, forearms, lower legs,
    feet, toes, neck or face). ``proximal_or_trunk`` = any diffuse-site involvement."""
    if proximal_or_trunk is True:
        return SscSubtype.DIFFUSE
    if proximal_or_trunk is False and distal_or_face is True:
        return SscSubtype.LIMITED
    if proximal_or_trunk is False and distal_or_face is False:
        return SscSubtype.SINE_SCLERODERMA
    return None


def p002_subtype_ok(subtype: SscSubtype | None) -> bool | None:
    """Protocol 002: "classified as diffuse cutaneous or limited cutaneous subtype"."""
    if subtype is None:
        return None
    return subtype in (SscSubtype.DIFFUSE, SscSubtype.LIMITED)


# ---------------------------------------------------------------------------
# lung: protocol thresholds and OMERACT progression
# ---------------------------------------------------------------------------


def p002_ild_lung_function_ok(
    ild_present: bool | None, fvc_pct_predicted: float | None, dlco_pct_predicted: float | None
) -> bool | None:
    """Protocol 002: "If ILD is present at screening, FVC must be >=45% of predicted value, or DLCO must be
    >=40% of predicted value" (either suffices; both inclusive). No ILD: met."""
    if ild_present is False:
        return True
    fvc_ok = None if fvc_pct_predicted is None else _d(fvc_pct_predicted) >= 45
    dlco_ok = None if dlco_pct_predicted is None else _d(dlco_pct_predicted) >= 40
    lung_ok = or3(fvc_ok, dlco_ok)
    if ild_present is True:
        return lung_ok
    return True if lung_ok is True else None  # ILD status unknown: met only if met either way


def p004_ild_requirement(
    ild_present: bool | None,
    hrct_ground_glass: bool | None,
    fvc_pct_predicted: float | None,
    dlco_pct_predicted: float | None,
) -> bool | None:
    """Protocol 004: "If combined with interstitial pneumonia, interstitial changes suggestive of ground-glass
    exudates on chest HRCT and FVC or DLCO <70% predictive value on pulmonary function tests".

    Reading encoded: applies only when ILD is present; then ground glass on HRCT AND (FVC <70% OR DLCO <70%
    predicted), both strict. No ILD: met (the clause does not apply)."""
    if ild_present is False:
        return True
    fvc_low = None if fvc_pct_predicted is None else _d(fvc_pct_predicted) < 70
    dlco_low = None if dlco_pct_predicted is None else _d(dlco_pct_predicted) < 70
    requirement = and3(hrct_ground_glass, or3(fvc_low, dlco_low))
    if ild_present is True:
        return requirement
    return True if requirement is True else None


def relative_decline_pct(baseline: float, follow_up: float) -> Decimal:
    """Relative decline in percent: ``(baseline - follow_up) / baseline * 100`` (exact decimal). For FVC and
    DLCO this is applied to the % predicted values (a fall from 80% to 72% predicted is a 10% relative
    decline, not 8 points)."""
    b = _d(baseline)
    if b <= 0:
        raise ValueError(f"baseline must be > 0, got {baseline!r}")
    return (b - _d(follow_up)) * 100 / b


def omeract_ild_progression(
    fvc_baseline_pct: float | None,
    fvc_follow_up_pct: float | None,
    dlco_baseline_pct: float | None = None,
    dlco_follow_up_pct: float | None = None,
) -> bool | None:
    """OMERACT clinically meaningful progression of CTD-ILD: ">=10% relative decline in FVC% or >=5-<10%
    relative decline in FVC% and >=15% relative decline in DLCO%".

    Source (verified: PMC4809413 abstract and the J Rheumatol citation record): Khanna D, Mittoo S, Aggarwal R,
    Proudman SM, Dalbeth N, Matteson EL, et al. Connective Tissue Disease-associated Interstitial Lung Diseases
    (CTD-ILD) — Report from OMERACT CTD-ILD Working Group. J Rheumatol 2015;42:2168-71. The declines are
    RELATIVE changes of the % predicted values (:func:`relative_decline_pct`), not absolute percentage points.
    Protocol 004's "10% decrease in FVC or 5% decrease in FVC with 15% decrease in DLCO (OMERACT progression)"
    is read as this definition. All thresholds inclusive (>=).
    """
    if fvc_baseline_pct is None or fvc_follow_up_pct is None:
        return None
    fvc = relative_decline_pct(fvc_baseline_pct, fvc_follow_up_pct)
    if fvc >= 10:
        return True
    if fvc < 5:
        return False
    if dlco_baseline_pct is None or dlco_follow_up_pct is None:
        return None
    return relative_decline_pct(dlco_baseline_pct, dlco_follow_up_pct) >= 15
