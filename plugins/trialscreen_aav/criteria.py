"""Criteria and protocol predicates of the ANCA-associated vasculitis plugin.

Every predicate returns ``True`` / ``False`` / ``None`` (three-valued: ``None`` = the facts given do not decide
it — data to collect or investigator review). Missing data never yields ``True``.

Protocol sources (shared/protocols): 002 (NCT07212322) — "at least one major item or at least three other items
in BVAS version 3", PR3/MPO-ANCA positive at screening, GPA/MPA by CHCC 2012, relapsed/refractory definitions;
001 (NCT06316791) — AAV by Chapel Hill, anti-PR3 or anti-MPO positive "current or history".
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Iterable, Sequence

from pydantic import BaseModel, ConfigDict

from trialscreen.plugins.helpers import add_months, and3, not3, or3
from trialscreen.plugins.types import ScoreResult

from .items import (
    AAV_2022_THRESHOLD,
    BVAS_V3_ITEM_BY_KEY,
    AavClassificationItems,
    AncaResult,
    BvasV3Items,
    BvasVisit,
    Chcc2012Diagnosis,
)
from .scores import bvas_scorable_items, gpa_2022_score, mpa_2022_score

__all__ = [
    "BvasItemCounts",
    "add_months",
    "and3",
    "anca_positive_current",
    "anca_positive_ever",
    "bvas_is_zero",
    "bvas_item_counts",
    "bvas_major_or_three_other",
    "bvas_new_other_one_or_two",
    "chcc2012_is_aav",
    "chcc2012_is_gpa_or_mpa",
    "gpa_2022_classified",
    "mpa_2022_classified",
    "not3",
    "or3",
    "p002_initial_response",
    "p002_relapsed",
    "p002_refractory",
    "p002_relapsed_or_refractory",
    "visit_bvas_zero",
]

# ---------------------------------------------------------------------------
# three-valued logic (Kleene)
# ---------------------------------------------------------------------------


# ---------------------------------------------------------------------------
# BVAS item counts: "at least one major item or at least three other items"
# ---------------------------------------------------------------------------


class BvasItemCounts(BaseModel):
    """Which scorable BVAS v3 items are present at one assessment, split by the caller's major-item list."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    present: tuple[str, ...]
    major_present: tuple[str, ...]
    other_present: tuple[str, ...]
    unclassified_present: tuple[str, ...]
    unanswered: tuple[str, ...]


def bvas_item_counts(
    items: BvasV3Items, major_items: Iterable[str] | None = None, other_items: Iterable[str] | None = None
) -> BvasItemCounts:
    """Present / unanswered scorable items, split into major / other / unclassified.

    ``major_items=None`` and ``other_items=None``: the split is unknown (every present item unclassified).
    ``major_items`` only: every item not listed is "other". Both given: an item in neither list is unclassified
    (its major status is not known) — use this when the major list itself is partial or unverified.
    Creatinine bands at a non-first assessment are not items of that assessment (they cannot be scored).
    """
    major = None if major_items is None else frozenset(major_items)
    other = None if other_items is None else frozenset(other_items)
    for name, listed in (("major_items", major), ("other_items", other)):
        if listed is not None:
            unknown = sorted(listed - set(BVAS_V3_ITEM_BY_KEY))
            if unknown:
                raise ValueError(f"unknown BVAS v3 item(s) in {name}: {unknown}")
    if major is not None and other is not None and major & other:
        raise ValueError(f"BVAS v3 item(s) listed both major and other: {sorted(major & other)}")
    scorable = bvas_scorable_items(items)
    present = tuple(item.key for item, answer in scorable if answer is True)
    unanswered = tuple(item.key for item, answer in scorable if answer is None)
    if major is None and other is None:
        return BvasItemCounts(present=present, major_present=(), other_present=(), unclassified_present=present,
                              unanswered=unanswered)
    major = major or frozenset()
    if other is None:
        return BvasItemCounts(present=present, major_present=tuple(k for k in present if k in major),
                              other_present=tuple(k for k in present if k not in major), unclassified_present=(),
                              unanswered=unanswered)
    return BvasItemCounts(
        present=present,
        major_present=tuple(k for k in present if k in major),
        other_present=tuple(k for k in present if k in other),
        unclassified_present=tuple(k for k in present if k not in major and k not in other),
        unanswered=unanswered,
    )


def bvas_major_or_three_other(
    items: BvasV3Items, major_items: Iterable[str] | None = None, other_items: Iterable[str] | None = None
) -> bool | None:
    """Protocol 002: "at least one major item or at least three other items in BVAS version 3".

    Source of the rule: EULAR recommendations for clinical studies in systemic vasculitis (Hellmich B, Flossmann
    O, Gross WL, et al. Ann Rheum Dis 2007;66:605-17, Table 2 — confirmed wording: "presence of at least one
    major or three minor items on the disease activity score list (eg, BVAS or BVAS/WG)"). "Other" = any present
    BVAS item that is not major.

    Which items are major: BVAS v3 (Mukhtyar 2009) does NOT label items major or minor — its sections are organ
    systems, not severity classes, so "major" here is a *different* notion from the BVAS v3 sections and from
    the BVAS v3 item values. The major/minor labels come from BVAS/WG (Stone JH, Hoffman GS, Merkel PA, et al.
    Arthritis Rheum 2001;44:912-20: items weighted "minor (e.g. nasal crusting = 1 point) or major (e.g.
    alveolar haemorrhage = 3 points)"); the full BVAS/WG major list was NOT confirmed here and BVAS/WG items do
    not map one-to-one onto BVAS v3 items (TODO, see ``items.BVAS_MAJOR_ITEMS_VERIFIED``). The caller therefore
    passes ``major_items`` (BVAS v3 item keys the protocol treats as major); with ``major_items=None`` the split
    is unknown.

    Decision (sound whatever the split): >=3 present items always meets the rule (if none is major, all are
    "other"); any present major item meets it; 0 present items with every item answered does not; 1-2 present
    items meet it only if one of them is major, so with an unknown split the answer is ``None``. Unanswered
    items leave the answer ``None`` unless it is already met. ``other_items``: see :func:`bvas_item_counts`.
    """
    counts = bvas_item_counts(items, major_items, other_items)
    if counts.major_present or len(counts.present) >= 3:
        return True
    # now: no known major item present and fewer than 3 present
    if counts.unclassified_present:
        return None
    if counts.unanswered:
        return None
    return False


def bvas_new_other_one_or_two(
    items: BvasV3Items, major_items: Iterable[str] | None = None, other_items: Iterable[str] | None = None
) -> bool | None:
    """One assessment showing "1-2 new other items" (protocol 002 relapse, second limb).

    BVAS v3 records new/worse versus persistent only for the whole assessment (the form's PERSISTENT box), so
    "new" means: assessment not marked persistent, 1-2 items present, none of them major.
    """
    counts = bvas_item_counts(items, major_items, other_items)
    if counts.major_present or len(counts.present) >= 3:
        return False
    if items.persistent is True:
        return False
    if counts.unclassified_present or counts.unanswered:
        return None if (counts.present or counts.unanswered) else False
    if not counts.present:
        return False
    return True if items.persistent is False else None


def bvas_is_zero(items: BvasV3Items) -> bool | None:
    """BVAS = 0 ⇔ no scorable item present (every BVAS item carries points; no weights needed).

    ``True`` when every scorable item is answered absent, ``False`` when any is present, else ``None``.
    """
    scorable = bvas_scorable_items(items)
    if any(answer is True for _, answer in scorable):
        return False
    if any(answer is None for _, answer in scorable):
        return None
    return True


def visit_bvas_zero(visit: BvasVisit) -> bool | None:
    """BVAS 0 at a visit, from its items if given, otherwise from an entered total."""
    from_items = bvas_is_zero(visit.items) if visit.items is not None else None
    from_total = None if visit.bvas_total is None else visit.bvas_total == 0
    if from_items is not None:
        return from_items
    return from_total


# ---------------------------------------------------------------------------
# 2022 ACR/EULAR classification; Chapel Hill 2012 diagnosis
# ---------------------------------------------------------------------------


def _classified(score: ScoreResult, entry: bool | None) -> bool | None:
    return and3(entry, score.at_least(AAV_2022_THRESHOLD))


def gpa_2022_classified(items: AavClassificationItems) -> bool | None:
    """GPA by the 2022 ACR/EULAR criteria (Robson JC et al. Ann Rheum Dis 2022;81:315-20): entry requirement
    (small- or medium-vessel vasculitis diagnosed, mimics excluded) and total >=5. Weights: see
    ``scores.gpa_2022_score``."""
    return _classified(gpa_2022_score(items), items.entry_small_or_medium_vessel_vasculitis)


def mpa_2022_classified(items: AavClassificationItems) -> bool | None:
    """MPA by the 2022 ACR/EULAR criteria (Suppiah R et al. Ann Rheum Dis 2022;81:321-6): entry requirement and
    total >=5. A patient can meet both GPA and MPA criteria (reported in about 1%)."""
    return _classified(mpa_2022_score(items), items.entry_small_or_medium_vessel_vasculitis)


def chcc2012_is_gpa_or_mpa(diagnosis: Chcc2012Diagnosis | None) -> bool | None:
    """Protocol 002: "clinically diagnosed with GPA or MPA according to the definitions established at the 2012
    Chapel Hill Consensus Conference" (Jennette JC, Falk RJ, Bacon PA, et al. 2012 Revised International Chapel
    Hill Consensus Conference Nomenclature of Vasculitides. Arthritis Rheum 2013;65:1-11). CHCC is a
    nomenclature, not criteria: the diagnosis is recorded by the investigator and only read here."""
    if diagnosis is None:
        return None
    return diagnosis in (Chcc2012Diagnosis.GPA, Chcc2012Diagnosis.MPA)


def chcc2012_is_aav(diagnosis: Chcc2012Diagnosis | None) -> bool | None:
    """Protocol 001: "ANCA GN or vasculitis based on the ... Chapel Hill Consensus Conference definition of AAV"
    — GPA, MPA, EGPA or single-organ AAV (e.g. renal-limited) in the CHCC 2012 nomenclature."""
    if diagnosis is None:
        return None
    return diagnosis is not Chcc2012Diagnosis.OTHER_VASCULITIS


# ---------------------------------------------------------------------------
# ANCA status (PR3 / MPO, dated)
# ---------------------------------------------------------------------------


def anca_positive_current(results: Sequence[AncaResult], as_of: dt.date, window_days: int) -> bool | None:
    """PR3- or MPO-ANCA positive "at screening": the latest result of each antigen dated within
    ``[as_of - window_days, as_of]`` (both ends inclusive; later-dated results ignored).

    ``True`` if the latest in-window PR3 or the latest in-window MPO result is positive; ``False`` if both
    antigens have an in-window latest result and neither is positive (indeterminate counts as not positive only
    when the other antigen is negative too — it yields ``None``); ``None`` when an antigen was not tested in the
    window (it could be positive) or a latest result is indeterminate. Same-day conflicting results: a positive
    wins (reported, not hidden, by returning ``True`` — the investigator sees the evidence).
    """
    if window_days < 0:
        raise ValueError("window_days must be >= 0")
    start = as_of - dt.timedelta(days=window_days)
    latest: dict[str, list[AncaResult]] = {}
    for result in results:
        if start <= result.date <= as_of:
            bucket = latest.setdefault(result.antigen, [])
            if not bucket or result.date > bucket[0].date:
                latest[result.antigen] = [result]
            elif result.date == bucket[0].date:
                bucket.append(result)
    states: list[bool | None] = []
    for antigen in ("PR3", "MPO"):
        day = latest.get(antigen)
        if not day:
            states.append(None)
            continue
        outcomes = {r.result for r in day}
        if "positive" in outcomes:
            states.append(True)
        elif outcomes == {"negative"}:
            states.append(False)
        else:
            states.append(None)
    return or3(*states)


def anca_positive_ever(results: Sequence[AncaResult], history_complete: bool = False) -> bool | None:
    """Anti-PR3 or anti-MPO positive "current or history" (protocol 001).

    ``True`` if any recorded result is positive. Absence of a positive result proves "never positive" only when
    the record states that the ANCA history is complete (``history_complete=True``); otherwise ``None``.
    """
    if any(r.result == "positive" for r in results):
        return True
    return False if history_complete and results else None


# ---------------------------------------------------------------------------
# Protocol 002 relapse / refractory (extracted facts: dated BVAS visits with GC dose)
# ---------------------------------------------------------------------------

#: Protocol 002 numbers: "glucocorticoid dose <=7.5 mg/day prednisone or equivalent", "at least 3 months of
#: treatment with glucocorticoids combined with immunosuppressants", "relapse occurring within 12 weeks prior to
#: screening".
P002_MAX_PREDNISONE_MG = 7.5
P002_MIN_TREATMENT_MONTHS = 3
P002_RELAPSE_WINDOW_DAYS = 12 * 7


def p002_initial_response(visit: BvasVisit, gc_is_start: dt.date | None) -> bool | None:
    """"Initial efficacy (BVAS score of 0 and glucocorticoid dose <=7.5 mg/day prednisone or equivalent)
    following at least 3 months of treatment with glucocorticoids combined with immunosuppressants".

    ``gc_is_start`` is the date glucocorticoids and an immunosuppressant were first given together. "3 months" is
    calendar months (:func:`add_months`), inclusive: a visit exactly 3 months after the start counts.
    """
    if gc_is_start is None:
        treated_long_enough = None
    else:
        treated_long_enough = visit.date >= add_months(gc_is_start, P002_MIN_TREATMENT_MONTHS)
    dose_ok = None if visit.prednisone_mg_per_day is None else visit.prednisone_mg_per_day <= P002_MAX_PREDNISONE_MG
    return and3(treated_long_enough, visit_bvas_zero(visit), dose_ok)


def _visit_relapse_single(visit: BvasVisit, major_items: Iterable[str] | None,
                          other_items: Iterable[str] | None = None) -> bool | None:
    if visit.items is None:
        # a total alone cannot show which items are major/other; a total of 0 is certainly no relapse
        return False if visit.bvas_total == 0 else None
    return bvas_major_or_three_other(visit.items, major_items, other_items)


def _visit_new_other(visit: BvasVisit, major_items: Iterable[str] | None,
                     other_items: Iterable[str] | None = None) -> bool | None:
    if visit.items is None:
        return False if visit.bvas_total == 0 else None
    return bvas_new_other_one_or_two(visit.items, major_items, other_items)


def p002_relapsed(
    visits: Sequence[BvasVisit],
    gc_is_start: dt.date | None,
    screening: dt.date,
    major_items: Iterable[str] | None = None,
    other_items: Iterable[str] | None = None,
) -> bool | None:
    """Protocol 002 "relapsed AAV": disease relapse after initial efficacy, occurring within 12 weeks before
    screening.

    Relapse = "presence of at least one major item or at least three other items in BVAS assessment, or
    occurrence of 1-2 new other items in two consecutive assessments". Encoded reading (conservative, see the
    report): the relapse assessment(s) are dated after a visit meeting :func:`p002_initial_response`; for the
    second limb *both* consecutive assessments after the response must each show 1-2 new other items
    (:func:`bvas_new_other_one_or_two`) and the relapse date is the second one; the relapse date must lie in
    ``[screening - 84 days, screening]`` (both inclusive). Visits after ``screening`` are ignored. Major items:
    see :func:`bvas_major_or_three_other` (``other_items``: :func:`bvas_item_counts`).
    """
    ordered = sorted((v for v in visits if v.date <= screening), key=lambda v: v.date)
    if not ordered:
        return None  # no BVAS history at all
    window_start = screening - dt.timedelta(days=P002_RELAPSE_WINDOW_DAYS)
    dates = [v.date for v in ordered]
    in_window = [k for k, d in enumerate(dates) if window_start <= d <= screening]
    # Each visit's own answers are computed once (a record of 1,000 visits took minutes when they were
    # recomputed for every (response, relapse) pair).
    single = {k: _visit_relapse_single(ordered[k], major_items, other_items) for k in in_window}
    new_other: dict[int, bool | None] = {}

    def new_other_at(k: int) -> bool | None:
        if k not in new_other:
            new_other[k] = _visit_new_other(ordered[k], major_items, other_items)
        return new_other[k]

    undecided = False
    for response_visit in ordered:
        response = p002_initial_response(response_visit, gc_is_start)
        if response is False:
            continue
        first_later = bisect.bisect_right(dates, response_visit.date)  # visits dated after the response
        for k in in_window:
            if k < first_later:
                continue
            # the second limb: this visit and the one before it, both after the response
            two = and3(new_other_at(k - 1), new_other_at(k)) if k - 1 >= first_later else False
            candidate = and3(response, or3(single[k], two))
            if candidate is True:
                return True
            undecided = undecided or candidate is None
    return None if undecided else False  # no response-then-relapse pair in the window: False


def p002_refractory(visits: Sequence[BvasVisit], gc_is_start: dt.date | None, screening: dt.date) -> bool | None:
    """Protocol 002 "refractory AAV": "failure to achieve efficacy (BVAS score of 0 and glucocorticoid dose
    <=7.5 mg/day prednisone or equivalent) after at least 3 months of treatment with glucocorticoids combined
    with immunosuppressants".

    ``True`` when the combined treatment started at least 3 calendar months before screening and no visit from
    the 3-month point up to screening meets :func:`p002_initial_response` (at least one such visit must exist
    — the failure must be assessed). ``False`` when a visit in that period shows a response, or screening is
    less than 3 months into treatment. ``None`` when the start date is unknown, no visit was made after
    3 months, or a visit's BVAS/dose is unknown.
    """
    if gc_is_start is None:
        return None
    three_months = add_months(gc_is_start, P002_MIN_TREATMENT_MONTHS)
    if screening < three_months:
        return False
    assessed = [v for v in visits if three_months <= v.date <= screening]
    if not assessed:
        return None
    return not3(or3(*(p002_initial_response(v, gc_is_start) for v in assessed)))


def p002_relapsed_or_refractory(
    visits: Sequence[BvasVisit],
    gc_is_start: dt.date | None,
    screening: dt.date,
    major_items: Iterable[str] | None = None,
    other_items: Iterable[str] | None = None,
) -> bool | None:
    """Protocol 002 "relapsed/refractory AAV" = relapsed OR refractory (three-valued)."""
    return or3(p002_relapsed(visits, gc_is_start, screening, major_items, other_items),
               p002_refractory(visits, gc_is_start, screening))
