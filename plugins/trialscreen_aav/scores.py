"""Scores of the ANCA-associated vasculitis plugin: BVAS v3 and the 2022 ACR/EULAR GPA and MPA point scores.

Pure functions over the frozen item models of :mod:`trialscreen_aav.items`; they return
:class:`trialscreen.plugins.types.ScoreResult` with bounded totals: when an answer is missing (``None``), or a
value is not confirmed (BVAS v3 TODO cells), ``total`` is ``None`` and ``minimum``/``maximum`` bound the total a
complete, fully-verified scoring could give. Thresholds can still be decided with ``ScoreResult.at_least``.
"""

from __future__ import annotations

from collections.abc import Mapping

from trialscreen.plugins.types import ScoreItem, ScoreResult

from .items import (
    AAV_2022_THRESHOLD,
    BVAS_V3_ITEMS,
    BVAS_V3_MAX_NEW_WORSE,
    BVAS_V3_MAX_PERSISTENT,
    BVAS_V3_SECTIONS,
    GPA_2022_WEIGHTS,
    MPA_2022_WEIGHTS,
    AavClassificationItems,
    BvasItem,
    BvasV3Items,
)

__all__ = [
    "BVAS_V3_INSTRUMENT",
    "GPA_2022_INSTRUMENT",
    "MPA_2022_INSTRUMENT",
    "bvas_v3",
    "bvas_scorable_items",
    "gpa_2022_score",
    "mpa_2022_score",
    "weighted_bounded_score",
]

BVAS_V3_INSTRUMENT = "aav.bvas_v3"
GPA_2022_INSTRUMENT = "aav.gpa_2022"
MPA_2022_INSTRUMENT = "aav.mpa_2022"


def _num(x: float) -> float | int:
    """Integers stay integers in reports (``5`` not ``5.0``)."""
    return int(x) if float(x).is_integer() else x


# ---------------------------------------------------------------------------
# BVAS version 3
# ---------------------------------------------------------------------------


def bvas_scorable_items(items: BvasV3Items) -> tuple[tuple[BvasItem, bool | None], ...]:
    """The items that can score at this assessment, with their answers.

    The serum-creatinine bands count only at the patient's first assessment (official form: "*Can only be scored
    on the first assessment"); with ``first_assessment=False`` they are dropped, with ``first_assessment=None``
    a ticked band is kept as *uncertain* (its answer becomes ``None``).
    """
    out: list[tuple[BvasItem, bool | None]] = []
    for item in BVAS_V3_ITEMS:
        answer: bool | None = getattr(items, item.key)
        if item.first_assessment_only:
            if items.first_assessment is False:
                continue
            if items.first_assessment is None and answer is True:
                answer = None
        out.append((item, answer))
    return tuple(out)


def bvas_v3(items: BvasV3Items) -> ScoreResult:
    """Birmingham Vasculitis Activity Score version 3 from item-level answers.

    Primary publication: Mukhtyar C, Lee R, Brown D, Carruthers D, Dasgupta B, Dubey S, et al. Modification and
    validation of the Birmingham Vasculitis Activity Score (version 3). Ann Rheum Dis 2009;68:1827-32.

    Rules (official BVAS v3 form and glossary): score only features attributable to active vasculitis; if *all*
    abnormalities are persistent (active, not new/worse in the prior 4 weeks) the assessment is marked
    "persistent" and every item scores its *persistent* value, otherwise every item scores its *new/worse*
    value; each section is capped at its maximum; BVAS = sum of the section scores (persistent 0-33,
    new/worse 0-63); the creatinine bands count only at the first assessment.

    Where the numbers were verified: see :mod:`trialscreen_aav.items` — sections 1, 2, 6 in full, the maxima and
    first five items of section 3, and five items of section 5 were confirmed against copies of the official
    scoring sheet; the other cells are TODO and are not guessed.

    Bounds: ``minimum`` uses the persistent column when ``persistent`` is unknown, scores unanswered items 0,
    and counts 0 for any section whose maximum is unconfirmed; ``maximum`` uses the new/worse column when
    ``persistent`` is unknown, scores unanswered items at their value (section maximum when the value is
    unconfirmed), and lets the sections with unconfirmed maxima (ENT, chest, abdominal, renal, nervous system)
    together reach the rest of the confirmed total (63 - 21 = 42 new/worse; 33 - 11 = 22 persistent). ``total``
    is given only when every scorable item is answered, ``persistent`` is known and every present item lies in a
    fully confirmed cell. Note: a BVAS of exactly 0 is decided without any weight — see
    ``criteria.bvas_is_zero``.
    """
    scorable = bvas_scorable_items(items)
    any_present = any(answer is True for _, answer in scorable)
    column_known = items.persistent is not None or not any_present
    use_persistent = bool(items.persistent)

    missing: list[str] = [item.key for item, answer in scorable if answer is None and getattr(items, item.key) is None]
    if any(item.first_assessment_only and getattr(items, item.key) is True for item, _ in scorable) \
            and items.first_assessment is None:
        missing.append("first_assessment")
    if items.persistent is None and any_present:
        missing.append("persistent")

    notes: list[str] = []
    unconfirmed_present: list[str] = []
    contributing: list[ScoreItem] = []
    lo_total = 0.0
    hi_total = 0.0
    # sections with unconfirmed maxima share the remaining confirmed budget
    known_cap_p = sum(s.max_persistent for s in BVAS_V3_SECTIONS if s.max_persistent is not None)
    known_cap_nw = sum(s.max_new_worse for s in BVAS_V3_SECTIONS if s.max_new_worse is not None)
    budget_p = BVAS_V3_MAX_PERSISTENT - known_cap_p
    budget_nw = BVAS_V3_MAX_NEW_WORSE - known_cap_nw
    open_group_active = False

    if items.persistent is True:
        starred = [item.key for item, answer in scorable if answer is True and item.new_worse_only]
        if starred:
            notes.append("assessment marked persistent but starred (new/worse-only) items are present: "
                         + ", ".join(starred))
            column_known = False

    for section in BVAS_V3_SECTIONS:
        members = [(item, answer) for item, answer in scorable if item.section == section.key]
        present = [item for item, answer in members if answer is True]
        unanswered = [item for item, answer in members if answer is None]
        if section.max_persistent is None or section.max_new_worse is None:
            if present or unanswered:
                open_group_active = True
            unconfirmed_present.extend(item.key for item in present)
            continue
        cap_lo = section.max_persistent if not column_known or use_persistent else section.max_new_worse
        cap_hi = section.max_new_worse if not column_known or not use_persistent else section.max_persistent

        def value(item: BvasItem, low: bool) -> int | None:
            if low:
                return item.persistent if not column_known or use_persistent else item.new_worse
            return item.new_worse if not column_known or not use_persistent else item.persistent

        known_lo = sum(v for v in (value(i, True) for i in present) if v is not None)
        known_hi = sum(v for v in (value(i, False) for i in present) if v is not None)
        open_hi = any(value(i, False) is None for i in present + unanswered)
        unconfirmed_present.extend(i.key for i in present if value(i, True) is None or value(i, False) is None)
        unanswered_hi = sum(v for v in (value(i, False) for i in unanswered) if v is not None)
        section_lo = min(known_lo, cap_lo)
        section_hi = cap_hi if open_hi else min(known_hi + unanswered_hi, cap_hi)
        lo_total += section_lo
        hi_total += section_hi
        if column_known:
            for item in present:
                points = value(item, True)
                if points is not None:
                    contributing.append(ScoreItem(item=item.key, points=points, label=item.label))
            if known_lo > cap_lo:
                contributing.append(ScoreItem(item=f"cap:{section.key}", points=cap_lo - known_lo,
                                              label=f"{section.label}: section maximum {cap_lo} applied"))

    if open_group_active:
        hi_total += budget_nw if not column_known or not use_persistent else budget_p

    complete = not missing and column_known and not unconfirmed_present and not open_group_active
    if unconfirmed_present:
        notes.append("no confirmed BVAS v3 value (TODO in trialscreen_aav.items) for present item(s): "
                     + ", ".join(dict.fromkeys(unconfirmed_present)))
    if not complete and not unconfirmed_present and open_group_active:
        notes.append("unanswered items lie in sections whose maxima are not confirmed; total bounded only")
    column = "persistent" if use_persistent else "new/worse"
    if column_known and any_present:
        notes.insert(0, f"{column} column")
    return ScoreResult(
        instrument=BVAS_V3_INSTRUMENT,
        total=_num(lo_total) if complete else None,
        minimum=_num(lo_total),
        maximum=_num(hi_total),
        contributing=tuple(contributing) if complete else (),
        missing=tuple(missing),
        note="; ".join(notes) or None,
    )


# ---------------------------------------------------------------------------
# 2022 ACR/EULAR classification point scores
# ---------------------------------------------------------------------------


def weighted_bounded_score(
    instrument: str, answers: Mapping[str, bool | None], weights: Mapping[str, float], note: str | None = None
) -> ScoreResult:
    """Sum of ``weights`` over items answered ``True``, with bounds for unanswered items.

    Negative weights are handled in both bounds: ``minimum`` = present points + every *negative* weight of an
    unanswered item; ``maximum`` = present points + every *positive* weight of an unanswered item. (This extends
    the ``ScoreResult`` convention "minimum counts points known present" to criteria with negative items, so
    that ``at_least`` stays sound.)
    """
    present = [key for key in weights if answers.get(key) is True]
    unanswered = [key for key in weights if answers.get(key) is None]
    known = sum(weights[key] for key in present)
    lo = known + sum(min(weights[key], 0) for key in unanswered)
    hi = known + sum(max(weights[key], 0) for key in unanswered)
    return ScoreResult(
        instrument=instrument,
        total=_num(known) if not unanswered else None,
        minimum=_num(lo),
        maximum=_num(hi),
        contributing=tuple(ScoreItem(item=key, points=weights[key]) for key in present),
        missing=tuple(unanswered),
        note=note,
    )


def gpa_2022_score(items: AavClassificationItems) -> ScoreResult:
    """2022 ACR/EULAR classification criteria for granulomatosis with polyangiitis — point total.

    Primary publication: Robson JC, Grayson PC, Ponte C, Suppiah R, Craven A, Judge A, et al. 2022 American
    College of Rheumatology/European Alliance of Associations for Rheumatology classification criteria for
    granulomatosis with polyangiitis. Ann Rheum Dis 2022;81:315-20 (also Arthritis Rheumatol 2022;74:393-9).

    Points (verified in the project notes against three agreeing copies — BMJ Best Practice, RheumNow, Bristol
    abstract): nasal involvement +3; cartilaginous involvement +2; conductive or sensorineural hearing loss +1;
    cANCA or anti-PR3 +5; pulmonary nodules, mass or cavitation +2; granuloma / extravascular granulomatous
    inflammation / giant cells on biopsy +2; nasal/paranasal sinus inflammation, consolidation or effusion, or
    mastoiditis, on imaging +1; pauci-immune glomerulonephritis +1; pANCA or anti-MPO -1; blood eosinophils
    >=1 x 10^9/L -4. Classify as GPA at >=5 (see ``criteria.gpa_2022_classified``, which also applies the entry
    requirement).
    """
    return weighted_bounded_score(GPA_2022_INSTRUMENT, items.model_dump(), GPA_2022_WEIGHTS,
                                  note=f"classify as GPA if >= {AAV_2022_THRESHOLD}")


def mpa_2022_score(items: AavClassificationItems) -> ScoreResult:
    """2022 ACR/EULAR classification criteria for microscopic polyangiitis — point total.

    Primary publication: Suppiah R, Robson JC, Grayson PC, Ponte C, Craven A, Khalid S, et al. 2022 American
    College of Rheumatology/European Alliance of Associations for Rheumatology classification criteria for
    microscopic polyangiitis. Ann Rheum Dis 2022;81:321-6 (also Arthritis Rheumatol 2022;74:400-6).

    Points (verified in the project notes against three agreeing copies — RheumNow, rheumatv, pathway.md):
    pANCA or anti-MPO +6; fibrosis or interstitial lung disease on chest imaging +3; pauci-immune
    glomerulonephritis on biopsy +3; nasal involvement -3; cANCA or anti-PR3 -1; blood eosinophils
    >=1 x 10^9/L -4. Classify as MPA at >=5.
    """
    return weighted_bounded_score(MPA_2022_INSTRUMENT, items.model_dump(), MPA_2022_WEIGHTS,
                                  note=f"classify as MPA if >= {AAV_2022_THRESHOLD}")
