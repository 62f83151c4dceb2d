"""ANCA-associated vasculitis values and predicates computed from the patient record (the compute functions
behind `trialscreen_aav.plugin`).

Each function takes a `trialscreen.facts.context.ScreeningContext` and the call's parameters and returns a
three-valued `ValueResult`: a value with the evidence it rests on, or what is missing (or why the investigator
must decide). Missing data never passes. The clinical logic is the cited, tested pure code in
`trialscreen_aav.scores` and `trialscreen_aav.criteria`; this module finds the facts in the record:

* assessments of ``aav.bvas_v3`` (BVAS v3 items, dated) and ``aav.acr_eular_2022`` (2022 GPA/MPA items);
* the AAV diagnosis: ``condition`` (GPA, MPA, EGPA... as the Chapel Hill 2012 nomenclature names them) and
  documented ``classification`` labels;
* this plugin's serologies ``anca_pr3`` and ``anca_mpo``;
* the medication history, through the core predicates and values (``core.exposure_duration_at_least``,
  ``core.distinct_agents_at_least``, ``core.prednisone_equivalent_mg_per_day`` evaluated on a past day);
* investigator decisions (``investigator.decisions``) for "requiring cyclophosphamide or rituximab".

"Major" BVAS items: BVAS v3 labels no item major (see `trialscreen_aav.items`); the BVAS/WG major list was not
verified and does not map one-to-one onto BVAS v3, so the default major and other lists are EMPTY and every
present item's major status is unknown. ``≥3`` present items always meets "≥1 major or ≥3 other items" (whatever
the split), no present item never does, and 1-2 present items go to investigator review unless the ruleset
passes its protocol committee's ``major_items`` / ``other_items`` lists.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from trialscreen.facts.context import ScreeningContext
from trialscreen.facts.record import ParsedAssessment
from trialscreen.plugins.helpers import and3, combined_exposure, documented_or_computed, tri, within_text
from trialscreen.plugins.results import answer, window_param
from trialscreen.plugins.types import Evidence, ScoreResult, ValueResult

from trialscreen_aav import criteria, scores
from trialscreen_aav.items import (
    AAV_2022_THRESHOLD,
    BVAS_V3_ITEM_BY_KEY,
    AavClassificationItems,
    AncaResult,
    BvasVisit,
)

BVAS = scores.BVAS_V3_INSTRUMENT  # "aav.bvas_v3"
ACR_EULAR_2022 = "aav.acr_eular_2022"
INDICATION = "AAV"
ANCA_TESTS = {"PR3": "anca_pr3", "MPO": "anca_mpo"}

#: Screening measurements default to the latest result within 28 days (the screening window nct07212322 uses).
SCREENING_WINDOW = {"days": 28}

#: "Immunosuppressants" combined with glucocorticoids in protocol 002's treatment condition. Rituximab (anti-CD20)
#: is a standard AAV remission-induction agent and counts.
IMMUNOSUPPRESSANT_CLASSES = ["conventional_immunosuppressant", "anti_cd20"]

#: Protocol 001 "relapsed or refractory": a remission-induction or maintenance course that ended in relapse or
#: failure.
INDUCTION_CLASSES = ["glucocorticoid", "conventional_immunosuppressant", "anti_cd20"]

#: BVAS v3 sections for protocol 001's "major organ (e.g., kidney, lung, heart)" and sections whose involvement
#: may also be a major organ (the list is open: "e.g."), which go to review.
MAJOR_ORGAN_SECTIONS = ["renal", "chest", "cardiovascular"]
POSSIBLY_MAJOR_ORGAN_SECTIONS = ["nervous_system", "abdominal", "mucous_membranes_eyes", "ent"]

REQUIRES_CYC_RTX_TOPIC = "aav_requires_cyclophosphamide_or_rituximab"

# -- shared helpers -------------------------------------------------------------------------------------------


def _decision(ctx: ScreeningContext, topic: str) -> tuple[bool | None, list[Evidence]]:
    decisions = [d for d in ctx.patient.investigator.decisions if d.topic == topic]
    if not decisions:
        return None, []
    last = decisions[-1]
    return last.applies, [Evidence(label=f"investigator decision: {topic}", value=last.applies, date=last.date,
                                   source="investigator.decisions")]


def _aav_diagnoses(ctx: ScreeningContext) -> list[tuple[int, Any]]:
    return [(i, dx) for i, dx in enumerate(ctx.patient.diagnoses) if dx.indication == INDICATION]


def _item_list(params: dict[str, Any], key: str) -> list[str]:
    listed = list(params.get(key) or ())
    unknown = [k for k in listed if k not in BVAS_V3_ITEM_BY_KEY]
    if unknown:
        raise ValueError(f"unknown BVAS v3 item(s) in {key}: {unknown}")
    return listed


def _major_other(params: dict[str, Any]) -> tuple[list[str], list[str]]:
    """(major, other) BVAS v3 item keys: the ``major_items`` / ``other_items`` parameters; with
    ``unlisted_are_other: true`` every item not in ``major_items`` is "other" (for a complete major list)."""
    major = _item_list(params, "major_items")
    if params.get("unlisted_are_other"):
        return major, [k for k in BVAS_V3_ITEM_BY_KEY if k not in major]
    return major, _item_list(params, "other_items")


# -- BVAS v3 --------------------------------------------------------------------------------------------------


def _bvas_score(parsed: ParsedAssessment) -> ScoreResult | ValueResult:
    """BVAS v3 of one assessment. Items: `scores.bvas_v3` (bounded where item values are unverified). A total
    entered without items is accepted and marked; beside items whose score has no total, an entered total within
    the items' bounds is accepted and marked, one outside them goes to review."""
    total = parsed.assessment.total
    if parsed.items is None:
        if total is None:
            return ValueResult(missing=(f"BVAS v3 items or total ({parsed.source})",))
        return ScoreResult(instrument=BVAS, total=total, minimum=total, maximum=total, total_entered=True,
                           note="total entered without items")
    score = scores.bvas_v3(parsed.items)
    if total is None or score.total is not None:
        if total is not None and total != score.total:
            return score.model_copy(update={"note": f"entered total {total:g} differs from the item score "
                                                    f"{score.total:g}; the item score is used"})
        return score
    if score.minimum <= total <= score.maximum:
        return ScoreResult(instrument=BVAS, total=total, minimum=total, maximum=total, total_entered=True,
                           note="total entered; " + (score.note or "item score incomplete"))
    return ValueResult(review=f"entered BVAS v3 total {total:g} is outside what the recorded items allow "
                              f"({score.minimum:g}-{score.maximum:g}) ({parsed.source})")


def _bvas_evidence(score: ScoreResult, parsed: ParsedAssessment) -> tuple[Evidence, ...]:
    shown = score.total if score.total is not None else f"{score.minimum:g}-{score.maximum:g} (no total)"
    head = Evidence(label="BVAS v3" + (" (total entered)" if score.total_entered else ""), value=shown,
                    date=parsed.assessment.date, source=parsed.source)
    return (head, *(Evidence(label=f"  {i.label or i.item}", value=i.points, source=parsed.source)
                    for i in score.contributing))


def bvas_value(ctx: ScreeningContext, params: dict[str, Any]) -> ValueResult:
    """BVAS v3 total from the latest ``aav.bvas_v3`` assessment in ``within`` (default 28 days).

    Mukhtyar C, Lee R, Brown D, et al. Modification and validation of the Birmingham Vasculitis Activity Score
    (version 3). Ann Rheum Dis 2009;68:1827-32. Scoring: `trialscreen_aav.scores.bvas_v3`. Unknown unless the
    score is complete: every item answered, the persistent box known, and every present item in a cell whose
    value was verified (sections 4, 7, 8, 9 and parts of 3 and 5 are not); then the bounds are shown and the
    investigator may enter the total from the official form (accepted when within the bounds, and marked).
    """
    within = window_param(params)
    parsed = ctx.assessment(BVAS, within)
    if parsed is None:
        return ValueResult(missing=(f"BVAS v3 assessment{within_text(within)}",))
    score = _bvas_score(parsed)
    if isinstance(score, ValueResult):
        return score
    evidence = _bvas_evidence(score, parsed)
    if score.total is not None:
        return ValueResult(value=score.total, evidence=evidence, note=score.note)
    if score.missing:
        return ValueResult(missing=tuple(f"BVAS v3 item: {m} ({parsed.source})" for m in score.missing),
                           evidence=evidence, note=score.note)
    return ValueResult(missing=(f"BVAS v3 total from the official form ({parsed.source}.total): {score.note}",),
                       evidence=evidence, note=score.note)


def _latest_bvas(ctx: ScreeningContext, params: dict[str, Any]) -> tuple[ParsedAssessment | None, ValueResult | None]:
    within = window_param(params)
    parsed = ctx.assessment(BVAS, within)
    if parsed is None:
        return None, ValueResult(missing=(f"BVAS v3 assessment{within_text(within)}",))
    return parsed, None


def bvas_major_or_three_other(ctx: ScreeningContext, params: dict[str, Any]) -> ValueResult:
    """Protocol 002: "Meet at least one major item or at least three other items in the Birmingham Vasculitis
    Activity Score (BVAS) version 3" — on the latest ``aav.bvas_v3`` assessment in ``within`` (28 days).

    Rule: EULAR recommendations for clinical studies in systemic vasculitis (Hellmich B, Flossmann O, Gross WL,
    et al. Ann Rheum Dis 2007;66:605-17, Table 2: "at least one major or three minor items"). Major items:
    ``major_items`` / ``other_items`` (BVAS v3 item keys; default EMPTY — no major list is verified, see the
    module docstring): ≥3 present items meet it, a listed major item meets it, no present item with every item
    answered does not; 1-2 present items whose major status is unknown go to review; unanswered items leave it
    unknown. `criteria.bvas_major_or_three_other`. A total entered without items decides only a total of 0.
    """
    parsed, early = _latest_bvas(ctx, params)
    if early is not None:
        return early
    major, other = _major_other(params)
    head = Evidence(label="BVAS v3 assessment", value="items" if parsed.items is not None else "total only",
                    date=parsed.assessment.date, source=parsed.source)
    if parsed.items is None:
        total = parsed.assessment.total
        if total == 0:
            return ValueResult(value=False, evidence=(head, Evidence(label="BVAS v3 (total entered)", value=0)))
        return ValueResult(missing=(f"BVAS v3 items ({parsed.source}): a total cannot show which items are present",),
                           evidence=(head,))
    counts = criteria.bvas_item_counts(parsed.items, major, other)
    decided = criteria.bvas_major_or_three_other(parsed.items, major, other)
    evidence = [head,
                *(Evidence(label=f"  major item: {BVAS_V3_ITEM_BY_KEY[k].label}", value=True) for k in counts.major_present),
                *(Evidence(label=f"  other item: {BVAS_V3_ITEM_BY_KEY[k].label}", value=True) for k in counts.other_present),
                *(Evidence(label=f"  item (major status unknown): {BVAS_V3_ITEM_BY_KEY[k].label}", value=True)
                  for k in counts.unclassified_present),
                Evidence(label="BVAS v3 items present", value=len(counts.present))]
    if decided is None and counts.unclassified_present and len(counts.present) < 3 and not counts.unanswered:
        return ValueResult(review="BVAS v3 item(s) present whose major status is not known (no verified major-item "
                                  "list): " + ", ".join(counts.unclassified_present), evidence=tuple(evidence))
    return answer(decided, evidence=evidence,
                  missing=[f"BVAS v3 item: {k} ({parsed.source})" for k in counts.unanswered])


def bvas_zero(ctx: ScreeningContext, params: dict[str, Any]) -> ValueResult:
    """BVAS v3 = 0 on the latest ``aav.bvas_v3`` assessment in ``within``: every scorable item answered absent
    (no item values needed: every BVAS item scores points), or a total of 0 entered. `criteria.bvas_is_zero`
    (Mukhtyar C et al. Ann Rheum Dis 2009;68:1827-32; EULAR remission = BVAS 0, Hellmich B et al. Ann Rheum Dis
    2007;66:605-17)."""
    parsed, early = _latest_bvas(ctx, params)
    if early is not None:
        return early
    head = Evidence(label="BVAS v3 assessment", value="items" if parsed.items is not None else "total only",
                    date=parsed.assessment.date, source=parsed.source)
    from_items = criteria.bvas_is_zero(parsed.items) if parsed.items is not None else None
    total = parsed.assessment.total
    if from_items is not None:
        present = [item.label for item, answer in scores.bvas_scorable_items(parsed.items) if answer is True]
        evidence = [head, *(Evidence(label=f"  present: {label}", value=True) for label in present)]
        if total is not None and (total == 0) != from_items:
            return ValueResult(review=f"entered BVAS v3 total {total:g} contradicts the items", evidence=tuple(evidence))
        return ValueResult(value=from_items, evidence=tuple(evidence))
    if total is not None:
        return ValueResult(value=total == 0, evidence=(head, Evidence(label="BVAS v3 (total entered)", value=total)),
                           note="total entered without items")
    unanswered = [item.key for item, answer in scores.bvas_scorable_items(parsed.items) if answer is None] \
        if parsed.items is not None else []
    return ValueResult(missing=tuple(f"BVAS v3 item: {k} ({parsed.source})" for k in unanswered) or
                       (f"BVAS v3 items or total ({parsed.source})",), evidence=(head,))


# -- 2022 ACR/EULAR classification; Chapel Hill 2012 ------------------------------------------------------------


def _anca_ever(ctx: ScreeningContext, antigen: str) -> tuple[bool, Evidence | None]:
    for ser in reversed(ctx.record.serologies.get(ANCA_TESTS[antigen], [])):
        if ser.result in ("positive", "detectable"):
            return True, Evidence(label=ser.test.name, value=ser.result, date=ser.date, source=ser.source)
    return False, None


def _fill_2022(ctx: ScreeningContext, items: AavClassificationItems) -> tuple[AavClassificationItems, list[Evidence]]:
    """Blank ANCA items answered "yes" from a positive anti-PR3 / anti-MPO serology (a negative antigen-specific
    test does not answer the cANCA/pANCA immunofluorescence half of the item, so it never answers "no")."""
    update: dict[str, Any] = {}
    evidence: list[Evidence] = []
    for field, antigen in (("canca_or_anti_pr3_positive", "PR3"), ("panca_or_anti_mpo_positive", "MPO")):
        if getattr(items, field) is None:
            positive, ev = _anca_ever(ctx, antigen)
            if positive:
                update[field] = True
                evidence.append(ev.model_copy(update={"label": f"{ev.label} (item {field} from serology)"}))
    return (items.model_copy(update=update) if update else items), evidence


def _classification_score(ctx: ScreeningContext, params: dict[str, Any], disease: str,
                          score: Callable[[AavClassificationItems], ScoreResult]) -> ValueResult:
    within = window_param(params)
    parsed = ctx.assessment(ACR_EULAR_2022, within)
    if parsed is None or parsed.items is None:
        return ValueResult(missing=(f"2022 ACR/EULAR {disease} classification items{within_text(within)}",))
    items, extra = _fill_2022(ctx, parsed.items)
    result = score(items)
    shown = result.total if result.total is not None else f"{result.minimum:g}-{result.maximum:g} (incomplete)"
    evidence = (Evidence(label=f"2022 ACR/EULAR {disease} score", value=shown, date=parsed.assessment.date,
                         source=parsed.source),
                *(Evidence(label=f"  {i.item}", value=i.points, source=parsed.source) for i in result.contributing),
                *extra)
    if result.total is None:
        return ValueResult(missing=tuple(f"2022 ACR/EULAR item: {m} ({parsed.source})" for m in result.missing),
                           evidence=evidence)
    return ValueResult(value=result.total, evidence=evidence)


def gpa_2022_score(ctx: ScreeningContext, params: dict[str, Any]) -> ValueResult:
    """2022 ACR/EULAR GPA criteria point total from the latest ``aav.acr_eular_2022`` assessment (blank ANCA items
    answered "yes" from a positive anti-PR3/MPO). Robson JC, Grayson PC, Ponte C, et al. Ann Rheum Dis
    2022;81:315-20. Weights: `scores.gpa_2022_score`."""
    return _classification_score(ctx, params, "GPA", scores.gpa_2022_score)


def mpa_2022_score(ctx: ScreeningContext, params: dict[str, Any]) -> ValueResult:
    """2022 ACR/EULAR MPA criteria point total from the latest ``aav.acr_eular_2022`` assessment (blank ANCA items
    answered "yes" from a positive anti-PR3/MPO). Suppiah R, Robson JC, Grayson PC, et al. Ann Rheum Dis
    2022;81:321-6. Weights: `scores.mpa_2022_score`."""
    return _classification_score(ctx, params, "MPA", scores.mpa_2022_score)


def _classified(ctx: ScreeningContext, params: dict[str, Any], disease: str,
                classify: Callable[[AavClassificationItems], bool | None],
                score: Callable[[AavClassificationItems], ScoreResult]) -> ValueResult:
    within = window_param(params)
    documented: list[Evidence] = []
    if params.get("accept_documented", True):
        for i, dx in _aav_diagnoses(ctx):
            for label in dx.classification:
                text = label.upper()
                if "2022" in text and ("ACR" in text or "EULAR" in text) and (
                        disease in text or (dx.condition or "").upper() == disease):
                    documented.append(Evidence(label=f"documented classification: {label}", value=True,
                                               date=dx.diagnosis_date or dx.onset_date,
                                               source=f"diagnoses[{i}].classification"))
    parsed = ctx.assessment(ACR_EULAR_2022, within)
    computed: ValueResult | None = None
    if parsed is not None and parsed.items is not None:
        items, extra = _fill_2022(ctx, parsed.items)
        result = score(items)
        shown = result.total if result.total is not None else f"{result.minimum:g}-{result.maximum:g} (incomplete)"
        evidence = [Evidence(label=f"2022 ACR/EULAR {disease} score (classify at ≥{AAV_2022_THRESHOLD})", value=shown,
                             date=parsed.assessment.date, source=parsed.source),
                    *(Evidence(label=f"  {i.item}", value=i.points) for i in result.contributing),
                    Evidence(label="entry: small- or medium-vessel vasculitis, mimics excluded",
                             value=items.entry_small_or_medium_vessel_vasculitis), *extra]
        missing = [f"2022 ACR/EULAR item: {m} ({parsed.source})" for m in result.missing]
        if items.entry_small_or_medium_vessel_vasculitis is None:
            missing.insert(0, f"2022 ACR/EULAR entry requirement ({parsed.source}.items.entry_small_or_medium_vessel_vasculitis)")
        computed = answer(classify(items), evidence=evidence, missing=missing)
    return documented_or_computed(
        computed, documented, note="documented classification",
        conflict=f"2022 ACR/EULAR {disease} classification documented, but the recorded items do not meet it",
        missing=f"2022 ACR/EULAR {disease} items (assessment {ACR_EULAR_2022}{within_text(within)}) or a documented "
                "classification (diagnoses[].classification)")


def gpa_2022(ctx: ScreeningContext, params: dict[str, Any]) -> ValueResult:
    """GPA by the 2022 ACR/EULAR criteria: entry requirement (small- or medium-vessel vasculitis diagnosed, mimics
    excluded) and score ≥5, decided from the bounds (`criteria.gpa_2022_classified`; Robson JC et al. Ann Rheum
    Dis 2022;81:315-20). A classification documented on the AAV diagnosis (a label with "2022", ACR or EULAR, and
    GPA — or on a GPA diagnosis) answers when the items do not; items deciding "no" against it go to review."""
    return _classified(ctx, params, "GPA", criteria.gpa_2022_classified, scores.gpa_2022_score)


def mpa_2022(ctx: ScreeningContext, params: dict[str, Any]) -> ValueResult:
    """MPA by the 2022 ACR/EULAR criteria: entry requirement and score ≥5 (`criteria.mpa_2022_classified`;
    Suppiah R et al. Ann Rheum Dis 2022;81:321-6). Documented classification as for ``aav.gpa_2022``."""
    return _classified(ctx, params, "MPA", criteria.mpa_2022_classified, scores.mpa_2022_score)


_CHCC = {
    "gpa": "GPA", "granulomatosis with polyangiitis": "GPA", "wegener's granulomatosis": "GPA",
    "wegeners granulomatosis": "GPA", "wegener granulomatosis": "GPA",
    "mpa": "MPA", "microscopic polyangiitis": "MPA",
    "egpa": "EGPA", "eosinophilic granulomatosis with polyangiitis": "EGPA", "churg-strauss syndrome": "EGPA",
    "single-organ aav": "single_organ_aav", "single organ aav": "single_organ_aav",
    "renal-limited aav": "single_organ_aav", "renal limited vasculitis": "single_organ_aav",
    # other categories of the 2012 nomenclature (not AAV)
    "polyarteritis nodosa": "other_vasculitis", "kawasaki disease": "other_vasculitis",
    "takayasu arteritis": "other_vasculitis", "giant cell arteritis": "other_vasculitis",
    "anti-gbm disease": "other_vasculitis", "cryoglobulinemic vasculitis": "other_vasculitis",
    "cryoglobulinaemic vasculitis": "other_vasculitis", "iga vasculitis": "other_vasculitis",
    "henoch-schonlein purpura": "other_vasculitis", "behcet's disease": "other_vasculitis",
}


def chcc2012_diagnosis(ctx: ScreeningContext, params: dict[str, Any]) -> ValueResult:
    """Protocol 002: "Clinically diagnosed with granulomatosis with polyangiitis (GPA) or microscopic polyangiitis
    (MPA) according to the definitions established at the 2012 Chapel Hill Consensus Conference (CHCC)" — the
    AAV diagnosis's recorded ``condition`` is one of ``conditions`` (default GPA, MPA; synonyms such as
    "granulomatosis with polyangiitis" and "Wegener's granulomatosis" normalised). Protocol 001's "Chapel Hill
    Consensus Conference definition of AAV" is ``conditions: [GPA, MPA, EGPA, single_organ_aav]``; other
    categories of the nomenclature (polyarteritis nodosa, Takayasu arteritis...) are ``other_vasculitis``.

    Jennette JC, Falk RJ, Bacon PA, et al. 2012 Revised International Chapel Hill Consensus Conference
    Nomenclature of Vasculitides. Arthritis Rheum 2013;65:1-11. CHCC is a nomenclature, not classification
    criteria: the investigator's diagnosis is read, not derived (`criteria.chcc2012_is_gpa_or_mpa`). An
    unrecognised condition goes to review; no AAV diagnosis or no condition is unknown.
    """
    wanted = {_CHCC.get(str(c).strip().lower(), str(c)) for c in params.get("conditions") or ("GPA", "MPA")}
    dxs = _aav_diagnoses(ctx)
    if not dxs:
        return ValueResult(missing=("an AAV diagnosis (diagnoses[] with indication AAV)",))
    for i, dx in dxs:
        if not dx.condition:
            continue
        ev = Evidence(label="AAV diagnosis (CHCC 2012 name, recorded)", value=dx.condition,
                      date=dx.diagnosis_date or dx.onset_date, source=f"diagnoses[{i}].condition")
        name = _CHCC.get(dx.condition.strip().lower())
        if name is None:
            return ValueResult(review=f"AAV condition {dx.condition!r} is not a Chapel Hill 2012 name this plugin "
                                      "recognises", evidence=(ev,))
        return ValueResult(value=name in wanted, evidence=(ev,))
    return ValueResult(missing=(f"AAV diagnosis name, e.g. GPA or MPA (diagnoses[{dxs[0][0]}].condition)",))


# -- ANCA -----------------------------------------------------------------------------------------------------


def anca_positive(ctx: ScreeningContext, params: dict[str, Any]) -> ValueResult:
    """Anti-PR3 or anti-MPO ANCA positive. With ``within`` (protocol 002 "at screening": e.g. 28 days): the latest
    result of each antigen in the window decides (`criteria.anca_positive_current`: positive if either is,
    negative only if both were tested negative in the window). Without ``within`` (protocol 001 "current or
    history"): any positive result ever (`criteria.anca_positive_ever`); "never positive" cannot be shown from a
    record that does not say its ANCA history is complete, so it stays unknown. ``antigens`` narrows to PR3 or
    MPO. Serologies ``anca_pr3`` / ``anca_mpo`` (detectable = positive, undetectable = negative)."""
    within = window_param(params)
    antigens = [a.upper() for a in params.get("antigens") or ("PR3", "MPO")]
    if not set(antigens) <= set(ANCA_TESTS):
        raise ValueError(f"antigens must be PR3 and/or MPO, not {antigens}")
    results: list[AncaResult] = []
    evidence: list[Evidence] = []
    for antigen in antigens:
        for ser in ctx.record.serologies.get(ANCA_TESTS[antigen], []):
            if not ctx.in_window(ser.date, within):
                continue
            mapped = {"detectable": "positive", "undetectable": "negative"}.get(ser.result, ser.result)
            results.append(AncaResult(antigen=antigen, date=ser.date, result=mapped))
            evidence.append(Evidence(label=ser.test.name, value=ser.result, date=ser.date, source=ser.source))
    if within is None:
        decided = criteria.anca_positive_ever(results, history_complete=False)
        shown = [e for e in evidence if e.value in ("positive", "detectable")] if decided else evidence
        return answer(decided, evidence=shown, missing=["a positive anti-PR3 or anti-MPO result (none recorded; the "
                                                        "record cannot show the ANCA history is complete)"])
    start = ctx.window_start(within)
    if len(antigens) == 2:
        decided = criteria.anca_positive_current(results, ctx.as_of, (ctx.as_of - start).days)
    else:  # one antigen: its latest result in the window
        latest = max((r for r in results), key=lambda r: r.date, default=None)
        decided = None if latest is None or latest.result == "indeterminate" else latest.result == "positive"
    tested = {r.antigen for r in results if r.result != "indeterminate"}
    missing = [f"anti-{a} ANCA{within_text(within)}" for a in antigens if a not in tested]
    return answer(decided, evidence=evidence,
                  missing=missing or [f"a conclusive anti-PR3/anti-MPO result{within_text(within)}"])


# -- protocol 002 relapsed / refractory ----------------------------------------------------------------------


def prednisone_on(ctx: ScreeningContext, day: date) -> ValueResult:
    """The prednisone-equivalent glucocorticoid dose (mg/day) taken on `day`: ``core.prednisone_equivalent_mg_per_day``
    evaluated as of `day` on a view of the record in which exactly the courses running on that day are ongoing
    (equivalence table and dose rules: the core's). A glucocorticoid course whose dates do not say whether it ran
    that day makes the dose unknown."""
    missing: list[str] = []
    exposures = []
    for exp in ctx.record.exposures:
        med = exp.medication
        start = med.start_date
        end = ctx.as_of if med.ongoing else (med.last_dose_date or med.end_date)
        glucocorticoid = exp.drug is not None and "glucocorticoid" in exp.drug.classes
        if glucocorticoid and (start is None or end is None) and not (start is not None and start > day) \
                and not (end is not None and end < day):
            missing.append(f"start and end dates of {med.drug} ({exp.source})")
        running = start is not None and end is not None and start <= day <= end
        exposures.append(dataclasses.replace(exp, medication=med.model_copy(update={"ongoing": running})))
    if missing:
        return ValueResult(missing=tuple(missing))
    view = dataclasses.replace(ctx.record, exposures=exposures)
    return ScreeningContext(view, day, ctx.plugins).value("core.prednisone_equivalent_mg_per_day")


def _bvas_visits(ctx: ScreeningContext) -> tuple[list[BvasVisit], list[Evidence], list[str]]:
    visits, evidence, missing = [], [], []
    for parsed in ctx.assessments(BVAS):
        day = parsed.assessment.date
        dose = prednisone_on(ctx, day)
        if dose.value is None:
            missing.extend(f"glucocorticoid dose on {day} ({m})" for m in dose.missing)
        total = parsed.assessment.total
        zero = criteria.bvas_is_zero(parsed.items) if parsed.items is not None else (None if total is None else total == 0)
        visits.append(BvasVisit(date=day, items=parsed.items, bvas_total=total,
                                prednisone_mg_per_day=dose.value if isinstance(dose.value, (int, float)) else None))
        evidence.append(Evidence(label=f"BVAS v3 on {day}: BVAS 0", value=zero, date=day, source=parsed.source))
        evidence.append(Evidence(label=f"prednisone-equivalent on {day}", value=dose.value, unit="mg/day", date=day,
                                 source="core.prednisone_equivalent_mg_per_day"))
    return visits, evidence, missing


def _combined_start(ctx: ScreeningContext, params: dict[str, Any]) -> tuple[ValueResult, date | None]:
    months = int(params.get("months", 3))
    classes = list(params.get("immunosuppressant_classes") or IMMUNOSUPPRESSANT_CLASSES)
    return combined_exposure(ctx, [{"classes": ["glucocorticoid"]}, {"classes": classes}], months,
                              "glucocorticoid combined with an immunosuppressant")


def _p002_review(visits: Sequence[BvasVisit], major: list[str], other: list[str]) -> list[str]:
    """Assessments with 1-2 present items whose major status is unknown (they keep a relapse undecided)."""
    out = []
    for v in visits:
        if v.items is None:
            continue
        counts = criteria.bvas_item_counts(v.items, major, other)
        if counts.unclassified_present and len(counts.present) < 3:
            out.append(f"{v.date}: " + ", ".join(counts.unclassified_present))
    return out


def relapsed_p002(ctx: ScreeningContext, params: dict[str, Any]) -> ValueResult:
    """Protocol 002 "Relapsed AAV subjects: Disease relapse (defined as: presence of at least one major item or at
    least three other items in BVAS assessment, or occurrence of 1-2 new other items in two consecutive
    assessments) after achieving initial efficacy (BVAS score of 0 and glucocorticoid dose ≤7.5 mg/day prednisone
    or equivalent) following at least 3 months of treatment with glucocorticoids combined with
    immunosuppressants, with relapse occurring within 12 weeks prior to screening".

    From every dated ``aav.bvas_v3`` assessment, the prednisone-equivalent dose on its day (`prednisone_on`) and
    the start of ``months`` (3) of glucocorticoid + immunosuppressant (`combined_treatment`): a response visit
    (BVAS 0, dose ≤7.5, at least 3 months in), then a relapse assessment dated within 84 days before screening
    (`criteria.p002_relapsed`; the second limb needs both consecutive assessments after the response). Major
    items: ``major_items`` / ``other_items`` (default empty, see the module docstring); an assessment with 1-2
    items of unknown major status that leaves the answer open goes to review. Source: protocol 002 text.
    """
    major, other = _major_other(params)
    visits, evidence, missing = _bvas_visits(ctx)
    if not visits:
        return ValueResult(missing=("dated BVAS v3 assessments (aav.bvas_v3)",))
    therapy, start = _combined_start(ctx, params)
    evidence = [*therapy.evidence, *evidence]
    if therapy.value is False:
        return ValueResult(value=False, evidence=tuple(evidence),
                           note="no initial efficacy is possible without 3 months of glucocorticoid + immunosuppressant")
    decided = criteria.p002_relapsed(visits, start, ctx.as_of, major, other)
    if decided is None:
        unclear = _p002_review(visits, major, other)
        if unclear and not missing and therapy.value is True:
            return ValueResult(review="BVAS v3 items of unknown major status decide the relapse: " + "; ".join(unclear),
                               evidence=tuple(evidence))
        for v in visits:
            if v.items is not None:
                missing += [f"BVAS v3 item on {v.date}: {k}" for k in criteria.bvas_item_counts(v.items).unanswered]
            elif v.bvas_total not in (None, 0):
                missing.append(f"BVAS v3 items on {v.date} (a total cannot show which items are present)")
    return answer(decided, evidence=evidence, missing=[*therapy.missing, *missing])


def refractory_p002(ctx: ScreeningContext, params: dict[str, Any]) -> ValueResult:
    """Protocol 002 "Refractory AAV subjects: Failure to achieve efficacy (BVAS score of 0 and glucocorticoid dose
    ≤7.5 mg/day prednisone or equivalent) after at least 3 months of treatment with glucocorticoids combined with
    immunosuppressants."

    True when ``months`` (3) of glucocorticoid + immunosuppressant (`combined_treatment`) were reached and no
    ``aav.bvas_v3`` assessment from then to screening shows BVAS 0 with a prednisone-equivalent dose ≤7.5 mg/day
    on its day (at least one such assessment must exist); false when one does, or the treatment never reached 3
    months in a complete history (`criteria.p002_refractory`). Source: protocol 002 text.
    """
    visits, evidence, missing = _bvas_visits(ctx)
    therapy, start = _combined_start(ctx, params)
    evidence = [*therapy.evidence, *evidence]
    if therapy.value is False:
        return ValueResult(value=False, evidence=tuple(evidence),
                           note="never 3 months of glucocorticoid + immunosuppressant")
    decided = criteria.p002_refractory(visits, start, ctx.as_of)
    extra = [] if visits else ["dated BVAS v3 assessments (aav.bvas_v3)"]
    if decided is None and start is not None:
        extra.append(f"a BVAS v3 assessment after 3 months of treatment (from "
                     f"{criteria.add_months(start, int(params.get('months', 3)))})")
    return answer(decided, evidence=evidence, missing=[*therapy.missing, *missing, *extra])


# -- protocol 001 ---------------------------------------------------------------------------------------------


def _requires_cyc_rtx(ctx: ScreeningContext, params: dict[str, Any], base: bool | None, evidence: list[Evidence],
                      missing: list[str], what: str) -> ValueResult:
    topic = params.get("decision_topic") or REQUIRES_CYC_RTX_TOPIC
    decision, decision_ev = _decision(ctx, topic)
    evidence = [*evidence, *decision_ev]
    decided = and3(base, decision)
    if decided is None and base is True:
        return ValueResult(review=f"{what}: whether it requires cyclophosphamide or rituximab is the investigator's "
                                  f"call (record decision '{topic}')", evidence=tuple(evidence))
    return answer(decided, evidence=evidence, missing=missing)


def relapsed_refractory_requiring_cyc_rtx_p001(ctx: ScreeningContext, params: dict[str, Any]) -> ValueResult:
    """Protocol 001: "Relapsed or refractory AAV requiring treatment with cyclophosphamide or rituximab".

    Protocol 001 does not define relapsed or refractory; encoded: a course of a remission-induction or
    maintenance drug (``classes``: glucocorticoid, conventional immunosuppressant, anti-CD20) with outcome
    ``relapse`` or ``failure`` (``core.distinct_agents_at_least``), AND the investigator's recorded decision
    (``decision_topic``, default ``aav_requires_cyclophosphamide_or_rituximab``) that the disease requires
    cyclophosphamide or rituximab — a clinical judgement no record field holds; without the decision a relapsed /
    refractory patient goes to review. Source: protocol 001 text only.
    """
    classes = list(params.get("classes") or INDUCTION_CLASSES)
    course = ctx.value("core.distinct_agents_at_least", {"classes": classes, "count": 1,
                                                         "outcomes": ["relapse", "failure"]})
    evidence = [Evidence(label="course ended in relapse or failure", value=course.value,
                         source="core.distinct_agents_at_least"), *course.evidence]
    return _requires_cyc_rtx(ctx, params, tri(course.value), evidence, list(course.missing), "relapsed/refractory AAV")


def major_organ_induction_p001(ctx: ScreeningContext, params: dict[str, Any]) -> ValueResult:
    """Protocol 001: "Newly diagnosed or recurrent AAV--, defined as accumulation of at least one major organ (e.g.,
    kidney, lung, heart) requiring induction therapy with cyclophosphamide or rituximab".

    Encoded ("accumulation" read as involvement): a BVAS v3 item present on the latest ``aav.bvas_v3``
    assessment in ``within`` (28 days) in one of ``organ_sections`` (default renal, chest, cardiovascular — the
    protocol's examples); items only in sections that may also be a major organ (nervous system, abdominal,
    eyes, ENT: the list is open, "e.g.") go to review; no present item with every item answered: not met. AND
    the investigator's recorded decision (``decision_topic``) that it requires induction with cyclophosphamide or
    rituximab (no decision: review). "Newly diagnosed or recurrent" is not checked separately. BVAS v3: Mukhtyar
    C et al. Ann Rheum Dis 2009;68:1827-32. Source: protocol 001 text only.
    """
    parsed, early = _latest_bvas(ctx, params)
    if early is not None:
        return early
    sections = list(params.get("organ_sections") or MAJOR_ORGAN_SECTIONS)
    possible = [s for s in POSSIBLY_MAJOR_ORGAN_SECTIONS if s not in sections]
    head = Evidence(label="BVAS v3 assessment", value="items" if parsed.items is not None else "total only",
                    date=parsed.assessment.date, source=parsed.source)
    if parsed.items is None:
        if parsed.assessment.total == 0:
            return ValueResult(value=False, evidence=(head,), note="BVAS v3 total 0 entered")
        return ValueResult(missing=(f"BVAS v3 items ({parsed.source}): a total cannot show which organs are involved",),
                           evidence=(head,))
    scorable = scores.bvas_scorable_items(parsed.items)
    organ = [item for item, answer in scorable if answer is True and item.section in sections]
    maybe = [item for item, answer in scorable if answer is True and item.section in possible]
    unanswered = [item.key for item, answer in scorable if answer is None and item.section in (*sections, *possible)]
    evidence = [head, *(Evidence(label=f"  {item.section}: {item.label}", value=True) for item in (*organ, *maybe))]
    if organ:
        involved: bool | None = True
    elif unanswered:
        involved = None
    elif maybe:
        return ValueResult(review="organ involvement only outside kidney, lung and heart ("
                                  + ", ".join(i.label for i in maybe) + "): is it a major organ?", evidence=tuple(evidence))
    else:
        involved = False
    missing = [f"BVAS v3 item: {k} ({parsed.source})" for k in unanswered]
    return _requires_cyc_rtx(ctx, params, involved, evidence, missing, "major organ involvement")
