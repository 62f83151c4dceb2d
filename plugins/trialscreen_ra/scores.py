"""Rheumatoid-arthritis scores: DAS28-ESR, DAS28-CRP, CDAI, SDAI and the 2010 ACR/EULAR classification score.

Pure functions over `trialscreen_ra.items`; each returns a `trialscreen.plugins.types.ScoreResult` whose
bounds cover unassessed inputs: every score here is non-decreasing in each input, so ``minimum`` evaluates the
unknown inputs at their lowest and ``maximum`` at their highest possible value (joint counts 0-28, global
assessments 0-100 mm; a laboratory value has no upper limit, and ln(ESR) no lower limit, so an unknown ESR or
CRP gives an infinite bound).

Numerical contract: DAS28 values are floats passed through `clean` (10 significant digits, as in
`trialscreen_core.formulas`) so that float noise cannot move a value across a cut-off; CDAI and SDAI are plain
sums and are computed in `decimal.Decimal` on the shortest repr of each input, so 2.5 + 3.5 + 2 + 2 is exactly
10.0 and "CDAI > 10" is decided correctly. Band functions apply the cut-offs to the unrounded (cleaned)
value; a report that rounds DAS28 to 2 decimals first could band 3.204 differently (documented ambiguity).

Verification of every number
----------------------------
DAS28-ESR = 0.56*sqrt(TJC28) + 0.28*sqrt(SJC28) + 0.70*ln(ESR) + 0.014*GH:
  Prevoo MLL et al. Arthritis Rheum 1995;38:44-48; formula as printed on das-score.nl ("DAS28 score" page);
  also our notes 06_ra.md (CamCOPS das28.py, RheumaComposites.jl).
DAS28-CRP(4) = 0.56*sqrt(TJC28) + 0.28*sqrt(SJC28) + 0.36*ln(CRP mg/L + 1) + 0.014*GH + 0.96:
  das-score.nl (Fransen/van Riel); notes 06_ra.md; independent calculator pages agree (mg/L).
DAS28 bands remission < 2.6; low 2.6-3.2; moderate > 3.2-5.1; high > 5.1, i.e. 2.6 is low, 3.2 is low,
  5.1 is moderate: das-score.nl "DAS28 score" page ("lower than 2.6" = remission; "in between 2.6 and 3.2" = low;
  "above 3.2" = moderate; "above 5.1" = high). The same cut-offs are applied to DAS28-CRP by convention
  (CRP-specific cut-offs 2.4/2.9/4.6 exist, Fleischmann RMD Open 2017;3:e000382, not used here).
CDAI = SJC28 + TJC28 + PtGA(0-10) + PhGA(0-10); SDAI = CDAI + CRP (mg/dL); bands CDAI <= 2.8 / <= 10 / <= 22 /
  > 22 and SDAI <= 3.3 / <= 11 / <= 26 / > 26: Aletaha D, Smolen J. Clin Exp Rheumatol 2005;23(5 Suppl 39):
  S100-8; Smolen JS et al. Rheumatology 2003;42:244-57; verified per notes 06_ra.md (RheumaComposites.jl tests,
  MDCalc SDAI reference value 2.1 for TJC 1/SJC 0/PtGA 1/PhGA 0/CRP 0.1 mg/dL).
2010 ACR/EULAR (joints 0/1/2/3/5, serology 0/2/3, acute phase 0/1, duration 0/1, >= 6 of 10):
  Aletaha D et al. Arthritis Rheum 2010;62:2569-81 (= Ann Rheum Dis 2010;69:1580-88), Table 3; the scoring
  table verified in the J Rheumatol reprint (jrheum.org/highwire/markup/21507) and notes 06_ra.md.
"""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Literal

from trialscreen.plugins.types import ScoreItem, ScoreResult

from trialscreen_ra.items import AcrEular2010Items, JointAssessment28, SerologyLevel

__all__ = [
    "DAS28_ESR_INSTRUMENT", "DAS28_CRP_INSTRUMENT", "CDAI_INSTRUMENT", "SDAI_INSTRUMENT",
    "ACR_EULAR_2010_INSTRUMENT",
    "clean", "das28_esr", "das28_crp", "cdai", "sdai",
    "das28_category", "cdai_category", "sdai_category", "category_from_bounds",
    "exceeds", "at_least",
    "acr_eular_2010_joint_points", "acr_eular_2010_serology_points", "acr_eular_2010_score",
    "ACR_EULAR_2010_THRESHOLD",
]

DAS28_ESR_INSTRUMENT = "ra.das28_esr"
DAS28_CRP_INSTRUMENT = "ra.das28_crp"
CDAI_INSTRUMENT = "ra.cdai"
SDAI_INSTRUMENT = "ra.sdai"
ACR_EULAR_2010_INSTRUMENT = "ra.acr_eular_2010"

Activity = Literal["remission", "low", "moderate", "high"]

_MAX_JOINTS_28 = 28
_MAX_VAS_MM = 100.0
_INF = math.inf


def clean(x: float) -> float:
    """Round to 10 significant digits (removes binary float noise; see `trialscreen_core.formulas.clean`)."""
    if math.isinf(x):
        return x
    if x == 0:
        return 0.0
    return float(format(x, ".10g"))


def _dec(x: float | int) -> Decimal:
    return Decimal(repr(x)) if isinstance(x, float) else Decimal(x)


# --------------------------------------------------------------------------------------------------
# DAS28
# --------------------------------------------------------------------------------------------------

def _das28(a: JointAssessment28, lab: Literal["esr", "crp"]) -> ScoreResult:
    parts: list[tuple[str, float | None, float, float, str]] = []  # (item, value, lo, hi, label)

    def add(item: str, known: float | None, lo: float, hi: float, label: str) -> None:
        parts.append((item, known, lo, hi, label))

    if a.tjc28 is None:
        add("tjc28", None, 0.0, 0.56 * math.sqrt(_MAX_JOINTS_28), "0.56*sqrt(TJC28)")
    else:
        add("tjc28", 0.56 * math.sqrt(a.tjc28), 0, 0, f"0.56*sqrt(TJC28={a.tjc28})")
    if a.sjc28 is None:
        add("sjc28", None, 0.0, 0.28 * math.sqrt(_MAX_JOINTS_28), "0.28*sqrt(SJC28)")
    else:
        add("sjc28", 0.28 * math.sqrt(a.sjc28), 0, 0, f"0.28*sqrt(SJC28={a.sjc28})")
    if lab == "esr":
        if a.esr_mm_h is None:
            add("esr", None, -_INF, _INF, "0.70*ln(ESR)")
        else:
            add("esr", 0.70 * math.log(a.esr_mm_h), 0, 0, f"0.70*ln(ESR={a.esr_mm_h:g} mm/h)")
    else:
        if a.crp_mg_l is None:
            add("crp", None, 0.0, _INF, "0.36*ln(CRP+1)")
        else:
            add("crp", 0.36 * math.log(a.crp_mg_l + 1), 0, 0, f"0.36*ln(CRP={a.crp_mg_l:g} mg/L + 1)")
    if a.patient_global_mm is None:
        add("patient_global", None, 0.0, 0.014 * _MAX_VAS_MM, "0.014*GH")
    else:
        add("patient_global", 0.014 * a.patient_global_mm, 0, 0, f"0.014*GH={a.patient_global_mm:g} mm")
    if lab == "crp":
        add("constant", 0.96, 0, 0, "constant 0.96")

    known_sum = sum(v for _, v, *_ in parts if v is not None)
    lo = known_sum + sum(p[2] for p in parts if p[1] is None)
    hi = known_sum + sum(p[3] for p in parts if p[1] is None)
    missing = tuple(item for item, v, *_ in parts if v is None)
    contributing = tuple(ScoreItem(item=item, points=clean(v), label=label)
                         for item, v, _, _, label in parts if v is not None)
    instrument = DAS28_ESR_INSTRUMENT if lab == "esr" else DAS28_CRP_INSTRUMENT
    total = None if missing else clean(known_sum)
    return ScoreResult(instrument=instrument, total=total, minimum=clean(lo), maximum=clean(hi),
                       contributing=contributing, missing=missing,
                       note=None if not missing else "bounds over the unassessed component(s): " + ", ".join(missing))


def das28_esr(a: JointAssessment28) -> ScoreResult:
    """DAS28-ESR = 0.56*sqrt(TJC28) + 0.28*sqrt(SJC28) + 0.70*ln(ESR mm/h) + 0.014*PtGA(0-100 mm).

    Prevoo MLL, van 't Hof MA, Kuper HH, et al. Modified disease activity scores that include twenty-eight-joint
    counts. Arthritis Rheum 1995;38:44-48. Coefficients verified on das-score.nl (module docstring).
    """
    return _das28(a, "esr")


def das28_crp(a: JointAssessment28) -> ScoreResult:
    """DAS28-CRP(4) = 0.56*sqrt(TJC28) + 0.28*sqrt(SJC28) + 0.36*ln(CRP mg/L + 1) + 0.014*PtGA + 0.96.

    Derived from Prevoo MLL et al. Arthritis Rheum 1995;38:44-48 with the CRP substitution published on
    das-score.nl (Fransen J, van Riel PLCM). CRP must be in mg/L. Verified as in the module docstring.
    """
    return _das28(a, "crp")


def das28_category(value: float) -> Activity:
    """EULAR DAS28 activity: remission < 2.6; low 2.6 to <= 3.2; moderate > 3.2 to <= 5.1; high > 5.1.

    Edges (das-score.nl, verified): exactly 2.6 is low, exactly 3.2 is low, exactly 5.1 is moderate.
    """
    if value < 2.6:
        return "remission"
    if value <= 3.2:
        return "low"
    if value <= 5.1:
        return "moderate"
    return "high"


# --------------------------------------------------------------------------------------------------
# CDAI / SDAI
# --------------------------------------------------------------------------------------------------

def _index(a: JointAssessment28, with_crp: bool) -> ScoreResult:
    items: list[tuple[str, Decimal | None, Decimal, str]] = []  # (item, known, max if unknown, label)
    items.append(("tjc28", None if a.tjc28 is None else Decimal(a.tjc28), Decimal(_MAX_JOINTS_28), "TJC28"))
    items.append(("sjc28", None if a.sjc28 is None else Decimal(a.sjc28), Decimal(_MAX_JOINTS_28), "SJC28"))
    items.append(("patient_global", None if a.patient_global_mm is None else _dec(a.patient_global_mm) / 10,
                  Decimal(10), "patient global (0-10 cm)"))
    items.append(("evaluator_global", None if a.evaluator_global_mm is None else _dec(a.evaluator_global_mm) / 10,
                  Decimal(10), "evaluator global (0-10 cm)"))
    unbounded = False
    if with_crp:
        crp = None if a.crp_mg_l is None else _dec(a.crp_mg_l) / 10
        items.append(("crp", crp, Decimal(0), "CRP (mg/dL = mg/L / 10)"))
        unbounded = crp is None
    known = sum((v for _, v, _, _ in items if v is not None), Decimal(0))
    missing = tuple(name for name, v, _, _ in items if v is None)
    hi = known + sum((m for _, v, m, _ in items if v is None), Decimal(0))
    contributing = tuple(ScoreItem(item=name, points=float(v), label=label)
                         for name, v, _, label in items if v is not None and v != 0)
    instrument = SDAI_INSTRUMENT if with_crp else CDAI_INSTRUMENT
    return ScoreResult(instrument=instrument, total=None if missing else float(known), minimum=float(known),
                       maximum=_INF if unbounded else float(hi), contributing=contributing, missing=missing,
                       note=None if not missing else "bounds over the unassessed component(s): " + ", ".join(missing))


def cdai(a: JointAssessment28) -> ScoreResult:
    """CDAI = SJC28 + TJC28 + PtGA (0-10 cm) + PhGA/EGA (0-10 cm); range 0-76.

    Aletaha D, Smolen J. The Simplified Disease Activity Index (SDAI) and the Clinical Disease Activity Index
    (CDAI): a review of their usefulness and validity in rheumatoid arthritis. Clin Exp Rheumatol
    2005;23(5 Suppl 39):S100-8. Globals are entered in mm (0-100) and divided by 10 exactly.
    """
    return _index(a, with_crp=False)


def sdai(a: JointAssessment28) -> ScoreResult:
    """SDAI = CDAI + CRP (mg/dL); range 0-86. CRP is entered in mg/L and divided by 10 exactly.

    Smolen JS, Breedveld FC, Schiff MH, et al. A simplified disease activity index for rheumatoid arthritis for
    use in clinical practice. Rheumatology (Oxford) 2003;42:244-57.
    """
    return _index(a, with_crp=True)


def cdai_category(value: float) -> Activity:
    """CDAI: remission <= 2.8; low <= 10; moderate <= 22; high > 22 (Aletaha & Smolen 2005)."""
    if value <= 2.8:
        return "remission"
    if value <= 10:
        return "low"
    if value <= 22:
        return "moderate"
    return "high"


def sdai_category(value: float) -> Activity:
    """SDAI: remission <= 3.3; low <= 11; moderate <= 26; high > 26 (Aletaha & Smolen 2005)."""
    if value <= 3.3:
        return "remission"
    if value <= 11:
        return "low"
    if value <= 26:
        return "moderate"
    return "high"


_CATEGORISERS = {DAS28_ESR_INSTRUMENT: das28_category, DAS28_CRP_INSTRUMENT: das28_category,
                 CDAI_INSTRUMENT: cdai_category, SDAI_INSTRUMENT: sdai_category}


def category_from_bounds(result: ScoreResult) -> Activity | None:
    """The activity category when both bounds fall in the same category, else None."""
    categorise = _CATEGORISERS.get(result.instrument)
    if categorise is None:
        raise ValueError(f"no activity categories for {result.instrument!r}")
    if math.isinf(result.minimum) or math.isinf(result.maximum):
        return None
    low, high = categorise(result.minimum), categorise(result.maximum)
    return low if low == high else None


def exceeds(score: ScoreResult | float | None, threshold: float) -> bool | None:
    """``score > threshold`` (strict), decided from bounds; None when undecided or no score."""
    if score is None:
        return None
    if isinstance(score, ScoreResult):
        if score.minimum > threshold:
            return True
        if score.maximum <= threshold:
            return False
        return None
    return clean(float(score)) > threshold


def at_least(score: ScoreResult | float | None, threshold: float) -> bool | None:
    """``score >= threshold``, decided from bounds; None when undecided or no score."""
    if score is None:
        return None
    if isinstance(score, ScoreResult):
        return score.at_least(threshold)
    return clean(float(score)) >= threshold


# --------------------------------------------------------------------------------------------------
# 2010 ACR/EULAR classification score
# --------------------------------------------------------------------------------------------------

#: Classified as definite RA at >= 6 of 10 (Aletaha 2010).
ACR_EULAR_2010_THRESHOLD = 6
_BIG = 10**6  # stands in for "as many joints as possible"; the joint points saturate at 5


def acr_eular_2010_joint_points(large: int, small: int, other: int = 0) -> int:
    """Domain A, joint involvement (Aletaha 2010 Table 3; the patient goes in the highest category possible).

    1 large joint = 0; 2-10 large = 1; 1-3 small (with or without large) = 2; 4-10 small (with or without
    large) = 3; > 10 joints (at least 1 small) = 5. ``other`` joints count only towards "> 10 joints".
    More than 10 large joints with no small joint stays at 1 (the 5-point category requires a small joint).
    """
    for name, v in (("large", large), ("small", small), ("other", other)):
        if isinstance(v, bool) or not isinstance(v, int) or v < 0:
            raise ValueError(f"{name} joint count must be a non-negative integer, got {v!r}")
    if small >= 1 and large + small + other > 10:
        return 5
    if small >= 4:
        return 3
    if small >= 1:
        return 2
    if large >= 2:
        return 1
    return 0


_SEROLOGY_POINTS: dict[SerologyLevel, int] = {"negative": 0, "low_positive": 2, "high_positive": 3}


def acr_eular_2010_serology_points(rf: SerologyLevel, acpa: SerologyLevel) -> int:
    """Domain B: negative RF and ACPA = 0; low-positive RF or ACPA (> ULN, <= 3 x ULN) = 2; high-positive
    (> 3 x ULN) = 3 (Aletaha 2010 Table 3)."""
    return max(_SEROLOGY_POINTS[rf], _SEROLOGY_POINTS[acpa])


def acr_eular_2010_score(items: AcrEular2010Items) -> ScoreResult:
    """2010 ACR/EULAR RA classification score (0-10), bounded over unassessed items.

    Aletaha D, Neogi T, Silman AJ, et al. 2010 Rheumatoid arthritis classification criteria: an American
    College of Rheumatology/European League Against Rheumatism collaborative initiative. Arthritis Rheum
    2010;62:2569-81 (Table 3; verified as in the module docstring). Each domain is non-decreasing in its inputs,
    so the minimum takes unknown inputs at their lowest (0 joints, negative test, normal reactant, < 6 weeks)
    and the maximum at their highest. The target population and the erosive-disease route are applied by
    `trialscreen_ra.criteria.acr_eular_2010_classified`.
    """
    contributing: list[ScoreItem] = []
    missing: list[str] = []
    lo = hi = 0

    def count(v: int | None, name: str, at_most: bool) -> int:
        if v is None:
            if name not in missing:
                missing.append(name)
            return _BIG if at_most else 0
        return v

    # A. joints
    joints_known = None not in (items.large_joints, items.small_joints, items.other_joints)
    a_lo = acr_eular_2010_joint_points(*(count(v, n, False) for v, n in (
        (items.large_joints, "large_joints"), (items.small_joints, "small_joints"), (items.other_joints, "other_joints"))))
    a_hi = acr_eular_2010_joint_points(*(count(v, n, True) for v, n in (
        (items.large_joints, "large_joints"), (items.small_joints, "small_joints"), (items.other_joints, "other_joints"))))
    if a_lo == a_hi and not joints_known:
        # decided although a count is missing (e.g. > 10 joints already with a small joint)
        missing[:] = [m for m in missing if m not in ("large_joints", "small_joints", "other_joints")]
    lo, hi = lo + a_lo, hi + a_hi
    if a_lo:
        contributing.append(ScoreItem(item="joints", points=a_lo, label="A. joint involvement"))

    # B. serology
    rf, acpa = items.rf, items.acpa
    b_lo = acr_eular_2010_serology_points(rf or "negative", acpa or "negative")
    b_hi = acr_eular_2010_serology_points(rf or "high_positive", acpa or "high_positive")
    if b_lo != b_hi:
        missing += [n for n, v in (("rf", rf), ("acpa", acpa)) if v is None]
    lo, hi = lo + b_lo, hi + b_hi
    if b_lo:
        contributing.append(ScoreItem(item="serology", points=b_lo, label="B. serology (RF/ACPA)"))

    # C. acute-phase reactants
    crp, esr = items.crp_abnormal, items.esr_abnormal
    c_lo = 1 if (crp is True or esr is True) else 0
    c_hi = 0 if (crp is False and esr is False) else 1
    if c_lo != c_hi:
        missing += [n for n, v in (("crp_abnormal", crp), ("esr_abnormal", esr)) if v is None]
    lo, hi = lo + c_lo, hi + c_hi
    if c_lo:
        contributing.append(ScoreItem(item="acute_phase", points=1, label="C. abnormal CRP or ESR"))

    # D. duration
    if items.symptom_duration_weeks is None:
        missing.append("symptom_duration_weeks")
        hi += 1
    elif items.symptom_duration_weeks >= 6:
        lo += 1
        hi += 1
        contributing.append(ScoreItem(item="duration", points=1, label="D. symptoms >= 6 weeks"))

    decided = lo == hi
    return ScoreResult(instrument=ACR_EULAR_2010_INSTRUMENT, total=lo if decided else None, minimum=lo, maximum=hi,
                       contributing=tuple(contributing), missing=tuple(missing),
                       note=None if not missing else "not assessed: " + ", ".join(missing))
