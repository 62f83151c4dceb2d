"""Scores of the systemic sclerosis plugin: modified Rodnan skin score and the 2013 ACR/EULAR criteria score.

Both return :class:`trialscreen.plugins.types.ScoreResult` with bounded totals (``minimum`` = known points,
``maximum`` = unanswered items at their most).
"""

from __future__ import annotations

from trialscreen.plugins.types import ScoreItem, ScoreResult

from .items import (
    MRSS_AREAS,
    MRSS_MAX_PER_AREA,
    SSC_2013_CATEGORIES,
    SSC_2013_THRESHOLD,
    MrssItems,
    Ssc2013Items,
)

__all__ = ["MRSS_INSTRUMENT", "SSC_2013_INSTRUMENT", "mrss", "ssc_2013_score"]

MRSS_INSTRUMENT = "ssc.mrss"
SSC_2013_INSTRUMENT = "ssc.acr_eular_2013"


def mrss(items: MrssItems) -> ScoreResult:
    """Modified Rodnan skin score: sum of 17 areas graded 0-3, total 0-51.

    Primary publications: Clements PJ, Lachenbruch PA, Seibold JR, et al. J Rheumatol 1995;22:1281-5 (17-site
    mRSS; also Clements 1993 J Rheumatol 20:1892-6); Khanna D, Furst DE, Clements PJ, et al. Standardization of
    the modified Rodnan skin score for use in clinical trials of systemic sclerosis. J Scleroderma Relat Disord
    2017;2:11-18. Sites, grades and 0-51 range verified in the project notes (03_ssc.md, VERIFIED).

    Missing areas: ``minimum`` counts them 0, ``maximum`` counts them 3 each.
    """
    values = items.model_dump()
    graded = {area: values[area] for area in MRSS_AREAS if values[area] is not None}
    missing = tuple(area for area in MRSS_AREAS if values[area] is None)
    known = sum(graded.values())
    return ScoreResult(
        instrument=MRSS_INSTRUMENT,
        total=known if not missing else None,
        minimum=known,
        maximum=known + MRSS_MAX_PER_AREA * len(missing),
        contributing=tuple(ScoreItem(item=area, points=grade) for area, grade in graded.items() if grade),
        missing=missing,
    )


def ssc_2013_score(items: Ssc2013Items) -> ScoreResult:
    """2013 ACR/EULAR classification criteria for systemic sclerosis — total score.

    Primary publication: van den Hoogen F, Khanna D, Fransen J, Johnson SR, Baron M, Tyndall A, et al. 2013
    classification criteria for systemic sclerosis: an American College of Rheumatology/European League Against
    Rheumatism collaborative initiative. Arthritis Rheum 2013;65:2737-47 (Ann Rheum Dis 2013;72:1747-55).

    Total = sum of the highest weight in each category (Table 1; verified in the project notes against the ARD
    table and two agreeing copies): skin thickening of the fingers of both hands extending proximal to the MCPs
    9 (sufficient criterion); skin thickening of the fingers — puffy fingers 2, sclerodactyly 4 (higher only);
    fingertip lesions — digital tip ulcers 2, pitting scars 3 (higher only); telangiectasia 2; abnormal nailfold
    capillaries 2; PAH and/or ILD 2 (max 2); Raynaud's phenomenon 3; SSc-related autoantibodies
    (anticentromere, anti-topoisomerase I, anti-RNA polymerase III) 3 (max 3). ``>=9`` = classified
    (``criteria.ssc_2013_classified`` also applies the applicability exclusions).

    Bounds: within a category ``minimum`` takes the highest *present* weight, ``maximum`` the highest weight
    among present and unanswered items.
    """
    values = items.model_dump()
    lo = hi = 0
    contributing: list[ScoreItem] = []
    missing: list[str] = []
    for category, weights in SSC_2013_CATEGORIES:
        present = {k: w for k, w in weights.items() if values[k] is True}
        unanswered = {k: w for k, w in weights.items() if values[k] is None}
        best_present = max(present.values(), default=0)
        best_possible = max([best_present, *unanswered.values()])
        lo += best_present
        hi += best_possible
        if present:
            key = max(present, key=present.__getitem__)
            contributing.append(ScoreItem(item=key, points=best_present, label=category))
        if best_possible > best_present:
            missing.extend(unanswered)
    return ScoreResult(
        instrument=SSC_2013_INSTRUMENT,
        total=lo if lo == hi else None,
        minimum=lo,
        maximum=hi,
        contributing=tuple(contributing),
        missing=tuple(missing),
        note=f"classified as SSc if >= {SSC_2013_THRESHOLD}",
    )
