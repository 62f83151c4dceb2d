"""Rheumatoid-arthritis classification and protocol 004 criteria, as three-valued decisions.

Every function is pure and returns a `trialscreen.plugins.types.ValueResult`: ``value`` True/False, or --
when the facts do not decide it -- ``missing`` (facts to collect) or ``review`` (an investigator must judge).
Unknown facts combine with Kleene logic (``False and unknown = False``; ``True or unknown = True``).

Protocol 004 (CHEC2024-181, CD19 CAR-NK), "Inclusion criteria for relapsing refractory rheumatoid arthritis":
1. meets the 2010 ACR/EULAR classification; moderately or severely active RA with a previous diagnosis
   >= 6 months; 2. SJC >= 6 (66 joints) and TJC >= 6 (68 joints); 3. CRP >= 10 mg/L or ESR >= 28 mm/h;
4. EULAR definition of refractory (difficult-to-treat) RA. Exclusion: ACR functional status class 4.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Iterable, Sequence
from typing import Literal

from trialscreen.plugins.helpers import and3, not3, or3, tri
from trialscreen.plugins.types import Evidence, ValueResult

from trialscreen_ra.items import AcrEular2010Items, DifficultToTreatFacts
from trialscreen_ra.scores import ACR_EULAR_2010_THRESHOLD, acr_eular_2010_score, at_least, exceeds

__all__ = [
    "acr_eular_2010_classified",
    "add_calendar_months",
    "protocol_004_diagnosis_duration",
    "protocol_004_joint_counts",
    "protocol_004_acute_phase",
    "normalise_mechanism",
    "d2t_treatment_failure",
    "d2t_active_disease",
    "d2t_problematic_management",
    "eular_difficult_to_treat",
    "acr_functional_class",
    "protocol_004_functional_class_exclusion",
]

Tri = bool | None


def _decided(value: Tri | int, evidence: Iterable[Evidence] = (), *, missing: Sequence[str] = (),
             review: str | None = None, note: str | None = None, unit: str | None = None) -> ValueResult:
    ev = tuple(evidence)
    if value is not None:
        return ValueResult(value=value, unit=unit, evidence=ev, note=note)
    if review is not None:
        return ValueResult(review=review, evidence=ev, note=note)
    return ValueResult(missing=tuple(dict.fromkeys(missing)) or ("(undetermined input)",), evidence=ev, note=note)


# --------------------------------------------------------------------------------------------------
# 2010 ACR/EULAR classification
# --------------------------------------------------------------------------------------------------

def acr_eular_2010_classified(items: AcrEular2010Items) -> ValueResult:
    """Definite RA by the 2010 ACR/EULAR criteria.

    Aletaha D, Neogi T, Silman AJ, et al. Arthritis Rheum 2010;62:2569-81 (Table 3, verified). Classified when
    (target population: >= 1 joint with definite clinical synovitis not better explained by another disease)
    AND score >= 6/10 -- or, by the criteria's own provision, erosive disease typical of RA with a compatible
    history. Exactly 6 classifies.
    """
    score = acr_eular_2010_score(items)
    target = and3(items.definite_synovitis_one_joint, not3(items.synovitis_better_explained_by_other_disease))
    score_ok = score.at_least(ACR_EULAR_2010_THRESHOLD)
    value = or3(items.erosive_disease_typical_of_ra, and3(target, score_ok))
    evidence = (
        Evidence(label="2010 ACR/EULAR score", value=score.total if score.total is not None
                 else f"{score.minimum:g}-{score.maximum:g}", source=score.instrument),
        Evidence(label="target population (definite synovitis, not better explained)", value=target),
        Evidence(label="erosive disease typical of RA", value=items.erosive_disease_typical_of_ra),
    )
    missing: list[str] = []
    if target is None:
        missing += [n for n, v in (("definite_synovitis_one_joint", items.definite_synovitis_one_joint),
                                   ("synovitis_better_explained_by_other_disease",
                                    items.synovitis_better_explained_by_other_disease)) if v is None]
    if score_ok is None:
        missing += list(score.missing)
    if not missing and items.erosive_disease_typical_of_ra is None:
        missing.append("erosive_disease_typical_of_ra")
    return _decided(value, evidence, missing=missing)


# --------------------------------------------------------------------------------------------------
# Protocol 004: duration, joint counts, acute-phase reactants
# --------------------------------------------------------------------------------------------------

def add_calendar_months(start: dt.date, months: int) -> dt.date:
    """``start`` plus whole calendar months, the day clamped to the target month's last day.

    2025-01-15 + 6 = 2025-07-15; 2025-08-31 + 6 = 2026-02-28 (no 31 February). Calendar arithmetic, no source.
    """
    if isinstance(start, dt.datetime):
        start = start.date()
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def protocol_004_diagnosis_duration(diagnosis_date: dt.date | None, screening_date: dt.date,
                                    months: int = 6) -> ValueResult:
    """Protocol 004 RA inclusion 1: "a previous diagnosis of rheumatoid arthritis >= 6 months".

    Calendar reading: met when ``screening_date >= diagnosis_date + 6 calendar months`` (day clamped to the
    month end, see `add_calendar_months`), so the 6-month anniversary itself counts. Source: protocol 004 text.
    """
    if diagnosis_date is None:
        return _decided(None, missing=["date of RA diagnosis"])
    if screening_date < diagnosis_date:
        raise ValueError(f"screening date {screening_date} is before the diagnosis date {diagnosis_date}")
    due = add_calendar_months(diagnosis_date, months)
    value = screening_date >= due
    return _decided(value, (Evidence(label="RA diagnosis", date=diagnosis_date),
                            Evidence(label=f"{months} calendar months reached on", value=due.isoformat()),
                            Evidence(label="screening", date=screening_date)))


def protocol_004_joint_counts(sjc66: int | None, tjc68: int | None) -> ValueResult:
    """Protocol 004 RA inclusion 2: "swollen joint count of >= 6 (66 joints) and tender joint count of >= 6
    (68 joints)" at screening. Exactly 6 meets each. Source: protocol 004 text."""
    for name, v, top in (("SJC66", sjc66, 66), ("TJC68", tjc68, 68)):
        if v is not None and (isinstance(v, bool) or not isinstance(v, int) or not 0 <= v <= top):
            raise ValueError(f"{name} must be an integer 0..{top}, got {v!r}")
    s = None if sjc66 is None else sjc66 >= 6
    t = None if tjc68 is None else tjc68 >= 6
    return _decided(and3(s, t), (Evidence(label="SJC66", value=sjc66), Evidence(label="TJC68", value=tjc68)),
                    missing=[n for n, v in (("SJC66", s), ("TJC68", t)) if v is None])


def protocol_004_acute_phase(crp_mg_l: float | None, esr_mm_h: float | None) -> ValueResult:
    """Protocol 004 RA inclusion 3: "CRP >= 10 mg/L or ESR >= 28 mm/h" at screening (inclusive; CRP in mg/L).
    Source: protocol 004 text."""
    for name, v in (("CRP", crp_mg_l), ("ESR", esr_mm_h)):
        if v is not None and (isinstance(v, bool) or v < 0):
            raise ValueError(f"{name} must be a non-negative number, got {v!r}")
    c = None if crp_mg_l is None else crp_mg_l >= 10
    e = None if esr_mm_h is None else esr_mm_h >= 28
    return _decided(or3(c, e), (Evidence(label="CRP", value=crp_mg_l, unit="mg/L"),
                                Evidence(label="ESR", value=esr_mm_h, unit="mm/h")),
                    missing=[n for n, v in (("CRP (mg/L)", c), ("ESR (mm/h)", e)) if v is None])


# --------------------------------------------------------------------------------------------------
# EULAR difficult-to-treat RA (Nagy 2021) -- protocol 004 RA inclusion 4
# --------------------------------------------------------------------------------------------------

_MECH_NOISE = re.compile(r"\b(inhibitors?|blockers?|antagonists?|agents?|therapy|mab)\b")


def normalise_mechanism(mechanism: str) -> str:
    """Canonical key for comparing mechanisms of action: lower case, without "anti", "inhibitor", punctuation.

    "TNF inhibitor", "anti-TNF" and "TNF-alpha blocker" differ in wording, so extraction should use consistent
    labels; this only removes the common noise words ("TNF inhibitor" and "anti-TNF" both become "tnf").
    """
    key = mechanism.lower().replace("α", "alpha").replace("receptor", "r")
    key = _MECH_NOISE.sub(" ", key)
    key = re.sub(r"\banti\b", " ", key.replace("anti-", "anti "))
    key = re.sub(r"alpha\b", "", key)
    return re.sub(r"[^a-z0-9]+", "", key)


def d2t_treatment_failure(f: DifficultToTreatFacts) -> ValueResult:
    """Nagy 2021 criterion 1: treatment according to EULAR recommendation and failure of >= 2 b/tsDMARDs with
    different mechanisms of action after failing csDMARD therapy (unless contraindicated*).

    Footnotes: *unless restricted by access to treatment due to socioeconomic factors; if csDMARD treatment is
    contraindicated, failure of >= 2 b/tsDMARDs with different mechanisms of action is sufficient. Protocol
    004's wording drops "with different mechanisms" from the main clause but keeps it in (ii); the paper's
    stricter wording (different mechanisms) is applied. When access is restricted by socioeconomic factors and
    two mechanisms have not failed, the outcome is sent to review (the definition gives no fewer number).
    """
    therapies = f.failed_advanced_therapies
    two_moa: Tri
    if therapies is None:
        two_moa = f.two_mechanisms_failed
        n_known = n_unknown = 0
    else:
        known = {normalise_mechanism(t.mechanism) for t in therapies if t.mechanism}
        n_known = len(known - {""})
        n_unknown = sum(1 for t in therapies if not t.mechanism)
        two_moa = True if n_known >= 2 else (False if n_known + n_unknown < 2 else None)
    csdmard = or3(f.csdmard_failed, f.csdmard_contraindicated)
    value = and3(f.treated_according_to_eular, csdmard, two_moa)
    evidence = (
        Evidence(label="treated according to EULAR recommendations", value=f.treated_according_to_eular),
        Evidence(label="csDMARD failed (or contraindicated)", value=csdmard),
        Evidence(label="failed b/tsDMARD mechanisms (distinct, known)",
                 value=n_known if therapies is not None else "not listed (decided from the medication history)"),
        Evidence(label=">= 2 different mechanisms failed", value=two_moa),
    )
    if f.access_restricted_by_socioeconomic_factors is True and two_moa is not True \
            and f.treated_according_to_eular is not False and csdmard is not False:
        return _decided(None, evidence, review="access to b/tsDMARDs restricted by socioeconomic factors: the "
                        "EULAR definition waives the two-mechanism requirement without a stated alternative")
    missing = [n for n, v in (("treated according to EULAR recommendations", f.treated_according_to_eular),
                              ("csDMARD failure or contraindication", csdmard)) if v is None]
    if therapies is None and two_moa is None:
        missing.append("failed b/tsDMARDs")
    elif two_moa is None:
        missing.append("mechanism of action of failed b/tsDMARDs")
    return _decided(value, evidence, missing=missing)


def d2t_active_disease(f: DifficultToTreatFacts) -> ValueResult:
    """Nagy 2021 criterion 2: signs suggestive of active/progressive disease, >= 1 of:

    (a) at least moderate activity by a validated composite including joint counts -- DAS28-ESR > 3.2 or
    CDAI > 10 (strict; exactly 3.2 / 10 do not meet it); (b) signs and/or symptoms suggestive of active disease;
    (c) inability to taper glucocorticoids below 7.5 mg/day prednisone or equivalent; (d) rapid radiographic
    progression, >= 5 points change in van der Heijde-modified Sharp score at 1 year; (e) well-controlled disease
    but RA symptoms still reducing quality of life. Verified: Nagy G et al. Ann Rheum Dis 2021;80:31-35 (abstract).
    """
    das = exceeds(f.das28_esr, 3.2)
    cd = exceeds(f.cdai, 10)
    vdh = None if f.vdh_msharp_progression_1y is None else at_least(f.vdh_msharp_progression_1y, 5)
    parts = (("(a) DAS28-ESR > 3.2", das), ("(a) CDAI > 10", cd),
             ("(b) signs/symptoms of active disease", f.signs_or_symptoms_of_active_disease),
             ("(c) unable to taper glucocorticoids below 7.5 mg/day", f.unable_to_taper_glucocorticoid_below_7_5_mg),
             ("(d) vdH-mSharp progression >= 5 in 1 year", vdh),
             ("(e) well controlled but symptoms reduce quality of life", f.well_controlled_but_symptoms_reduce_qol))
    value = or3(*(v for _, v in parts))
    return _decided(value, (Evidence(label=n, value=v) for n, v in parts),
                    missing=[n for n, v in parts if v is None])


def d2t_problematic_management(f: DifficultToTreatFacts,
                               perception: Literal["both", "either"] = "both") -> ValueResult:
    """Nagy 2021 criterion 3: management of signs and/or symptoms perceived as problematic by the rheumatologist
    and/or the patient.

    ``perception="either"`` is the paper's "and/or". The default ``"both"`` follows protocol 004's own wording
    ("considered problematic by both the patient and the physician"), the stricter reading for eligibility.
    """
    r, p = f.problematic_for_rheumatologist, f.problematic_for_patient
    value = and3(r, p) if perception == "both" else or3(r, p)
    return _decided(value, (Evidence(label="problematic for rheumatologist", value=r),
                            Evidence(label="problematic for patient", value=p)),
                    missing=[n for n, v in (("problematic for rheumatologist", r),
                                            ("problematic for patient", p)) if v is None],
                    note=f"perception rule: {perception}")


def eular_difficult_to_treat(f: DifficultToTreatFacts,
                             perception: Literal["both", "either"] = "both") -> ValueResult:
    """EULAR difficult-to-treat RA: all three criteria required.

    Nagy G, Roodenrijs NMT, Welsing PMJ, et al. EULAR definition of difficult-to-treat rheumatoid arthritis.
    Ann Rheum Dis 2021;80:31-35 ("The following three criteria were agreed ... as mandatory elements";
    verified). Protocol 004 lists the parts in another order -- 1 treatment failure, 2 problematic management,
    3 active/progressive disease with its five sub-items numbered 1-5 -- and then a sixth line "Refractory
    rheumatoid arthritis is diagnosed if three of the above criteria are met". That line is read as "all three
    parts" (as in the paper), not as "3 of the 5 sub-items"; all three parts are required here.
    """
    p1 = d2t_treatment_failure(f)
    p2 = d2t_active_disease(f)
    p3 = d2t_problematic_management(f, perception)
    value = and3(tri(p1), tri(p2), tri(p3))
    evidence = (Evidence(label="1 treatment failure", value=tri(p1)),
                Evidence(label="2 active/progressive disease", value=tri(p2)),
                Evidence(label="3 problematic management", value=tri(p3)))
    if value is None:
        reviews = [r.review for r, v in ((p1, tri(p1)), (p2, tri(p2)), (p3, tri(p3))) if v is None and r.review]
        missing = [m for r in (p1, p2, p3) if tri(r) is None for m in r.missing]
        if reviews and not missing:
            return _decided(None, evidence, review="; ".join(reviews))
        return _decided(None, evidence, missing=missing, note="; ".join(reviews) or None)
    return _decided(value, evidence)


# --------------------------------------------------------------------------------------------------
# ACR functional class (Hochberg 1992) -- protocol 004 RA exclusion
# --------------------------------------------------------------------------------------------------

def acr_functional_class(self_care_unlimited: bool | None, vocational_unlimited: bool | None,
                         avocational_unlimited: bool | None) -> ValueResult:
    """ACR 1991 revised global functional status class (I-IV as 1-4).

    Hochberg MC, Chang RW, Dwosh I, et al. The American College of Rheumatology 1991 revised criteria for the
    classification of global functional status in rheumatoid arthritis. Arthritis Rheum 1992;35:498-502
    (abstract, verified): I = able to perform usual self-care, vocational and avocational activities; II = able
    to perform usual self-care and vocational activities, limited in avocational; III = able to perform usual
    self-care, limited in vocational and avocational; IV = limited in self-care, vocational and avocational.
    Combinations the scheme does not define (e.g. vocational limited but avocational not) go to review.
    """
    s, v, a = self_care_unlimited, vocational_unlimited, avocational_unlimited
    evidence = (Evidence(label="usual self-care unlimited", value=s), Evidence(label="vocational unlimited", value=v),
                Evidence(label="avocational unlimited", value=a))
    if s is False:
        return _decided(4, evidence)
    if s is None:
        return _decided(None, evidence, missing=["self-care limitation"])
    if v is True and a is True:
        return _decided(1, evidence)
    if v is True and a is False:
        return _decided(2, evidence)
    if v is False and a is False:
        return _decided(3, evidence)
    if v is False and a is True:
        return _decided(None, evidence, review="limited in vocational but not avocational activities: not a "
                        "class defined by Hochberg 1992")
    return _decided(None, evidence, missing=[n for n, x in (("vocational limitation", v),
                                                            ("avocational limitation", a)) if x is None])


def protocol_004_functional_class_exclusion(functional_class: int | ValueResult | None) -> ValueResult:
    """Protocol 004 RA exclusion: "Functional status of rheumatoid arthritis graded at level 4 according to ACR"
    (Hochberg 1992 class IV). ``True`` = excluded; classes 1-3 are not excluded."""
    cls = functional_class.value if isinstance(functional_class, ValueResult) else functional_class
    if cls is None:
        return _decided(None, missing=["ACR functional class"])
    if isinstance(cls, bool) or not isinstance(cls, int) or not 1 <= cls <= 4:
        raise ValueError(f"ACR functional class must be 1-4, got {cls!r}")
    return _decided(cls == 4, (Evidence(label="ACR functional class", value=cls),))
