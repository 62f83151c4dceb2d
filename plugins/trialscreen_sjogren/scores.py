"""Sjögren's disease scores: ESSDAI and the 2016 ACR/EULAR classification score, as bounded totals.

Pure functions over the frozen item models in `trialscreen_sjogren.items`; they return
`trialscreen.plugins.types.ScoreResult`. When an item is not assessed the total is ``None`` but bounded:
``minimum`` counts only the points known to be present and ``maximum`` assumes every unassessed item
scores its most, so a threshold (ESSDAI >= 5, classification score >= 4) can still be decided.

Verification of every number (primary sources, looked up for this module)
-------------------------------------------------------------------------
ESSDAI domain weights 3/4/2/2/3/5/5/6/5/5/2/1 (constitutional, lymphadenopathy, glandular, articular,
cutaneous, pulmonary, renal, muscular, PNS, CNS, haematological, biological):
  Seror R et al. Ann Rheum Dis 2010;69:1103-09, Table 2 "Weight" column (ard.bmj.com/highwire/markup/183801),
  and the bracketed weights of Table 3 (ard.bmj.com/highwire/markup/183802) for constitutional to pulmonary.
ESSDAI activity levels per domain:
  * constitutional 0-2, lymphadenopathy 0-3, glandular 0-2, articular 0-3, cutaneous 0-3: Seror 2010 Table 3,
    and the weighted-score form of the same table (Seror R et al. Ann Rheum Dis 2015;74:859-66,
    ard.bmj.com/highwire/markup/194094: e.g. constitutional 3/6, lymphadenopathy 4/8/12, cutaneous 3/6/9).
  * CNS {0, 2, 3} (no "low" level): ESSDAI user guide, Seror R et al. RMD Open 2015;1:e000022, CNS table
    (rmdopen.bmj.com/highwire/markup/135683: No = 0, Moderate = 10, High = 15).
  * pulmonary, renal, muscular, PNS, haematological 0-3 and biological 0-2: the Seror 2010 Table 2 footnote
    states domain scores range from 0 "no activity" to 3 "high activity"; the *absence* of a "high" level in
    the biological domain was confirmed only in secondary copies of the EULAR form (two independent public
    implementations) and in our notes (05_sjogren.md), not in a primary table -- see the report. The maxima
    used here reproduce the published total maximum of 123 (not itself re-read in a primary source).
ESSDAI activity bands (<5 low, 5-13 moderate, >=14 high): Seror R et al. Ann Rheum Dis 2016;75:382-89,
  abstract (Newcastle ePrints 219683 and Utrecht repository copies): "Low-activity (ESSDAI<5),
  moderate-activity (5<=ESSDAI<=13) and high-activity (ESSDAI>=14)".
2016 ACR/EULAR weights (focus score >= 1: 3; anti-SSA/Ro: 3; OSS >= 5 or van Bijsterveld >= 4: 1;
  Schirmer <= 5 mm/5 min: 1; unstimulated whole saliva <= 0.1 mL/min: 1; classified at >= 4):
  Shiboski CH et al. Ann Rheum Dis 2017;76:9-16, Table 3 (ard.bmj.com/highwire/markup/227347).
"""

from __future__ import annotations

from typing import Literal, NamedTuple

from trialscreen.plugins.types import ScoreItem, ScoreResult

from trialscreen_sjogren.items import AcrEular2016Items, EssdaiItems

__all__ = [
    "ESSDAI_INSTRUMENT",
    "ACR_EULAR_2016_INSTRUMENT",
    "EssdaiDomain",
    "ESSDAI_DOMAINS",
    "ESSDAI_MAXIMUM",
    "essdai",
    "essdai_from_total",
    "essdai_at_least",
    "essdai_activity_level",
    "essdai_activity_band",
    "acr_eular_2016_item_status",
    "acr_eular_2016_score",
    "ACR_EULAR_2016_WEIGHTS",
    "ACR_EULAR_2016_THRESHOLD",
]

ESSDAI_INSTRUMENT = "sjogren.essdai"
ACR_EULAR_2016_INSTRUMENT = "sjogren.acr_eular_2016"

EssdaiActivity = Literal["low", "moderate", "high"]
_LEVEL_WORDS = {0: "no", 1: "low", 2: "moderate", 3: "high"}


class EssdaiDomain(NamedTuple):
    """A domain's weight and the activity levels it allows."""

    weight: int
    levels: tuple[int, ...]

    @property
    def max_points(self) -> int:
        return self.weight * max(self.levels)


#: Seror 2010 Table 2 weights; levels per Table 3 / RMD Open 2015 user guide (see module docstring).
ESSDAI_DOMAINS: dict[str, EssdaiDomain] = {
    "constitutional": EssdaiDomain(3, (0, 1, 2)),
    "lymphadenopathy": EssdaiDomain(4, (0, 1, 2, 3)),
    "glandular": EssdaiDomain(2, (0, 1, 2)),
    "articular": EssdaiDomain(2, (0, 1, 2, 3)),
    "cutaneous": EssdaiDomain(3, (0, 1, 2, 3)),
    "pulmonary": EssdaiDomain(5, (0, 1, 2, 3)),
    "renal": EssdaiDomain(5, (0, 1, 2, 3)),
    "muscular": EssdaiDomain(6, (0, 1, 2, 3)),
    "pns": EssdaiDomain(5, (0, 1, 2, 3)),
    "cns": EssdaiDomain(5, (0, 2, 3)),
    "haematological": EssdaiDomain(2, (0, 1, 2, 3)),
    "biological": EssdaiDomain(1, (0, 1, 2)),
}

#: 6+12+4+6+9+15+15+18+15+15+6+2 = 123, the published range 0-123.
ESSDAI_MAXIMUM: int = sum(d.max_points for d in ESSDAI_DOMAINS.values())

# Seror 2016: low < 5; moderate 5..13; high >= 14 (ESSDAI is an integer, so 13 < x < 14 cannot occur).
_ESSDAI_MODERATE_FROM = 5
_ESSDAI_HIGH_FROM = 14


def essdai(items: EssdaiItems) -> ScoreResult:
    """ESSDAI = sum over the 12 domains of weight x activity level, bounded when domains are unassessed.

    Seror R, Ravaud P, Bowman SJ, et al. EULAR Sjögren's syndrome disease activity index: development of a
    consensus systemic disease activity index for primary Sjögren's syndrome. Ann Rheum Dis 2010;69:1103-09
    (weights: Table 2; definitions: Table 3). Rating rules per the user guide, Seror R et al. RMD Open
    2015;1:e000022. Weights and levels verified as listed in this module's docstring.

    An unassessed domain (``None``) adds 0 to ``minimum`` and weight x its highest level to ``maximum``;
    the total is given only when all 12 domains are assessed. ``contributing`` lists the domains scoring
    points, labelled with their level.
    """
    contributing: list[ScoreItem] = []
    missing: list[str] = []
    minimum = 0
    unassessed_max = 0
    for name, domain in ESSDAI_DOMAINS.items():
        level = getattr(items, name)
        if level is None:
            missing.append(name)
            unassessed_max += domain.max_points
            continue
        if level not in domain.levels:  # the item model's Literal already prevents this
            raise ValueError(f"ESSDAI {name}: level {level!r} not allowed (allowed: {domain.levels})")
        points = domain.weight * level
        minimum += points
        if points:
            contributing.append(ScoreItem(item=name, points=points, label=f"{name}: {_LEVEL_WORDS[level]} "
                                          f"(level {level} x weight {domain.weight})"))
    complete = not missing
    note = None if complete else (
        f"{len(missing)} of 12 ESSDAI domains not assessed; the total lies between {minimum} and "
        f"{minimum + unassessed_max}.")
    return ScoreResult(instrument=ESSDAI_INSTRUMENT, total=minimum if complete else None, minimum=minimum,
                       maximum=minimum + unassessed_max, contributing=tuple(contributing),
                       missing=tuple(missing), note=note)


def essdai_from_total(total: int) -> ScoreResult:
    """An ESSDAI total recorded without its domains (``total_entered=True``, no contributing items).

    A rule that needs the domain breakdown must treat this as unknown. The total must be an integer in
    0..123 (the ESSDAI range, Seror 2010).
    """
    if isinstance(total, bool) or not isinstance(total, int):
        raise TypeError(f"an ESSDAI total is an integer, got {total!r}")
    if not 0 <= total <= ESSDAI_MAXIMUM:
        raise ValueError(f"ESSDAI total must be within 0..{ESSDAI_MAXIMUM}, got {total}")
    return ScoreResult(instrument=ESSDAI_INSTRUMENT, total=total, minimum=total, maximum=total,
                       total_entered=True, note="total entered without domain items")


def essdai_at_least(result: ScoreResult, threshold: float = _ESSDAI_MODERATE_FROM) -> bool | None:
    """``ESSDAI >= threshold`` decided from the bounds: True, False, or None when the bounds straddle it.

    The default threshold 5 is the moderate-activity cut-off of Seror R et al. Ann Rheum Dis
    2016;75:382-89, used as "active disease" by protocols 002 and 004 ("ESSDAI score >= 5").
    """
    if result.instrument != ESSDAI_INSTRUMENT:
        raise ValueError(f"expected an ESSDAI result, got {result.instrument!r}")
    return result.at_least(threshold)


def essdai_activity_level(value: float) -> EssdaiActivity:
    """Activity state for an ESSDAI value: low < 5, moderate 5-13, high >= 14.

    Seror R, Bootsma H, Saraux A, et al. Defining disease activity states and clinically meaningful
    improvement in primary Sjögren's syndrome with EULAR primary Sjögren's syndrome disease activity (ESSDAI)
    and patient-reported indexes (ESSPRI). Ann Rheum Dis 2016;75:382-89 (abstract, verified).
    """
    if value < 0:
        raise ValueError(f"ESSDAI cannot be negative, got {value}")
    if value >= _ESSDAI_HIGH_FROM:
        return "high"
    if value >= _ESSDAI_MODERATE_FROM:
        return "moderate"
    return "low"


def essdai_activity_band(result: ScoreResult) -> EssdaiActivity | None:
    """The activity state when both bounds fall in the same band (Seror 2016), else None."""
    low = essdai_activity_level(result.minimum)
    high = essdai_activity_level(result.maximum)
    return low if low == high else None


# --------------------------------------------------------------------------------------------------
# 2016 ACR/EULAR classification criteria (Shiboski 2017)
# --------------------------------------------------------------------------------------------------

#: Item weights, Shiboski 2017 Table 3.
ACR_EULAR_2016_WEIGHTS: dict[str, int] = {
    "labial_gland_focus_score_ge_1": 3,
    "anti_ssa_ro": 3,
    "ocular_staining_score_ge_5": 1,
    "schirmer_le_5mm": 1,
    "unstimulated_saliva_le_0_1": 1,
}
#: Classified as primary SS at a summed weight >= 4 (Shiboski 2017 Table 3).
ACR_EULAR_2016_THRESHOLD = 4

_ITEM_LABELS = {
    "labial_gland_focus_score_ge_1": "labial salivary gland FLS, focus score >= 1 focus/4 mm2",
    "anti_ssa_ro": "anti-SSA/Ro positive",
    "ocular_staining_score_ge_5": "OSS >= 5 (or van Bijsterveld >= 4) in at least one eye",
    "schirmer_le_5mm": "Schirmer <= 5 mm/5 min in at least one eye",
    "unstimulated_saliva_le_0_1": "unstimulated whole saliva flow <= 0.1 mL/min",
}


def acr_eular_2016_item_status(items: AcrEular2016Items) -> dict[str, bool | None]:
    """Each 2016 item as True (present), False (tested, absent) or None (not tested).

    Thresholds are inclusive as published: focus score >= 1; OSS >= 5 or van Bijsterveld >= 4; Schirmer
    <= 5 mm/5 min; unstimulated whole saliva <= 0.1 mL/min (Shiboski 2017 Table 3). The ocular staining item
    is present if either staining score meets its cut-off, absent if at least one was measured and none
    meets it, and unknown if neither was measured.
    """
    def at_least(value: float | None, cut: float) -> bool | None:
        return None if value is None else value >= cut

    def at_most(value: float | None, cut: float) -> bool | None:
        return None if value is None else value <= cut

    oss = at_least(items.ocular_staining_score, 5)
    vb = at_least(items.van_bijsterveld_score, 4)
    if oss is True or vb is True:
        ocular: bool | None = True
    elif oss is None and vb is None:
        ocular = None
    else:
        ocular = False
    return {
        "labial_gland_focus_score_ge_1": at_least(items.labial_gland_focus_score, 1),
        "anti_ssa_ro": items.anti_ssa_ro,
        "ocular_staining_score_ge_5": ocular,
        "schirmer_le_5mm": at_most(items.schirmer_mm_5min, 5),
        "unstimulated_saliva_le_0_1": at_most(items.unstimulated_whole_saliva_ml_min, 0.1),
    }


def acr_eular_2016_score(items: AcrEular2016Items) -> ScoreResult:
    """Summed weight of the 2016 ACR/EULAR items (0-9), bounded when items are untested.

    Shiboski CH, Shiboski SC, Seror R, et al. 2016 American College of Rheumatology/European League Against
    Rheumatism classification criteria for primary Sjögren's syndrome: a consensus and data-driven methodology
    involving three international patient cohorts. Ann Rheum Dis 2017;76:9-16 (Table 3; weights verified,
    see module docstring). The entry criterion and exclusions are applied by
    `trialscreen_sjogren.criteria.acr_eular_2016_classified`, not here.
    """
    status = acr_eular_2016_item_status(items)
    contributing: list[ScoreItem] = []
    missing: list[str] = []
    minimum = 0
    unknown_max = 0
    for name, weight in ACR_EULAR_2016_WEIGHTS.items():
        present = status[name]
        if present is None:
            missing.append(name)
            unknown_max += weight
        elif present:
            minimum += weight
            contributing.append(ScoreItem(item=name, points=weight, label=_ITEM_LABELS[name]))
    complete = not missing
    return ScoreResult(instrument=ACR_EULAR_2016_INSTRUMENT, total=minimum if complete else None,
                       minimum=minimum, maximum=minimum + unknown_max, contributing=tuple(contributing),
                       missing=tuple(missing),
                       note=None if complete else f"{len(missing)} item(s) not tested")
