"""Helpers for plugin authors that read a patient record: three-valued (Kleene) logic on ``bool | None``, calendar
arithmetic, the "within … before screening" wording, and questions the built-in disease plugins all ask of the
medication history and of documented classifications.

They sit beside `trialscreen.plugins.results` (turning answers into a `ValueResult`: `answer`, `score_value`,
`score_at_least`, `window_param`, `no_assessment`). A plugin imports them from here rather than keeping its own
copy; plugins never import each other.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from dateutil.relativedelta import relativedelta

from trialscreen.facts.context import ScreeningContext
from trialscreen.facts.record import ParsedAssessment
from trialscreen.plugins.types import Evidence, ScoreResult, ValueResult
from trialscreen.rules.model import Window

__all__ = [
    "add_months",
    "and3",
    "assessment_score",
    "assessment_score_evidence",
    "combined_exposure",
    "documented_classification",
    "documented_or_computed",
    "history_events",
    "not3",
    "on_day",
    "or3",
    "serology_status",
    "tri",
    "within_text",
]

# -- three-valued logic ---------------------------------------------------------------------------------------


def tri(value: object) -> bool | None:
    """A value (or a `ValueResult`'s value) as a three-valued truth: the bool itself, None for anything else
    (unknown, review, a number)."""
    if isinstance(value, ValueResult):
        value = value.value
    return value if isinstance(value, bool) else None


def and3(*values: bool | None) -> bool | None:
    """Kleene AND: False if any is False, True if all are True (so for none), else None."""
    if any(v is False for v in values):
        return False
    if all(v is True for v in values):
        return True
    return None


def or3(*values: bool | None) -> bool | None:
    """Kleene OR: True if any is True, False if all are False (so for none), else None."""
    if any(v is True for v in values):
        return True
    if all(v is False for v in values):
        return False
    return None


def not3(value: bool | None) -> bool | None:
    """Kleene NOT: None stays None."""
    return None if value is None else not value


# -- dates and windows ----------------------------------------------------------------------------------------


def add_months(day: date, months: int) -> date:
    """`day` plus (or, negative, minus) whole calendar months, the day clamped to the last day of a shorter month
    (31 Jan + 1 month = 28/29 Feb; 31 Mar - 1 month = 28/29 Feb)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def within_text(window: Window | None) -> str:
    """`` within 28 days before screening`` for a window (to append to what is missing), ``""`` for none."""
    return f" within {window.describe()} before screening" if window else ""


def on_day(ctx: ScreeningContext, day: date) -> ScreeningContext:
    """The same record seen on another as-of date: what any value or predicate would answer on `day`."""
    return ScreeningContext(ctx.record, day, ctx.plugins)


# -- medication history ---------------------------------------------------------------------------------------


def _candidate_days(ctx: ScreeningContext, queries: Sequence[dict[str, Any]],
                    months: int) -> list[tuple[date, date | None]]:
    """Days on which a period of `months` of combined treatment can first be complete: each course start +
    `months` (with that start) and each course end, up to the as-of date."""
    days: dict[date, date | None] = {ctx.as_of: None}
    for q in queries:
        matched, _ = ctx.exposures(names=q.get("names") or (), classes=q.get("classes") or ())
        for exp in matched:
            start = exp.medication.start_date
            if start is not None:
                reached = start + relativedelta(months=months)
                if reached <= ctx.as_of and days.get(reached) is None:
                    days[reached] = start
            end = ctx.last_exposure(exp)
            if end is not None and end <= ctx.as_of:
                days.setdefault(end, None)
    return sorted(days.items())


def combined_exposure(ctx: ScreeningContext, queries: Sequence[dict[str, Any]], months: int,
                      what: str) -> tuple[ValueResult, date | None]:
    """Every query's drugs (``{classes: [...]}`` / ``{names: [...]}``) taken together, each continuously, over
    the same `months` calendar months ("glucocorticoids combined with ≥1 immunosuppressant for ≥3 months"):
    (answer, the start of the earliest such period, or None).

    Through ``core.exposure_duration_at_least`` evaluated as of each candidate day (a course start + `months`, a
    course end, the as-of date) with ``within: {months}``: true on the first day on which every query covers the
    whole preceding `months`. Unknown dates, doses or an incomplete medication history make it unknown, as the
    core decides; false needs every candidate day decided false. `what` names the combination in the evidence.
    """
    unknown: list[str] = []
    for day, origin in _candidate_days(ctx, queries, months):
        sub = on_day(ctx, day)
        results = [sub.value("core.exposure_duration_at_least", {**q, "months": months, "within": {"months": months}})
                   for q in queries]
        if all(r.value is True for r in results):
            start = origin or (day - relativedelta(months=months))
            evidence = (Evidence(label=f"{what} for {months} months", value=f"{start} → {day}",
                                 source="core.exposure_duration_at_least"),
                        *(ev for r in results for ev in r.evidence))
            return ValueResult(value=True, evidence=evidence), start
        if any(r.value is False for r in results):
            continue
        unknown.extend(m for r in results for m in r.missing)
    if unknown:
        return ValueResult(missing=tuple(dict.fromkeys(unknown))), None
    return ValueResult(value=False, evidence=(Evidence(label=f"{what} for {months} months",
                                                       value="no such period in the medication history",
                                                       source="medications"),)), None


# -- assessments and diagnoses --------------------------------------------------------------------------------


def assessment_score(parsed: ParsedAssessment, score: Callable[[Any], ScoreResult], name: str,
                     instrument: str) -> ScoreResult | ValueResult:
    """The score of one assessment: computed from its items; a total entered without items is accepted and
    marked (``total_entered``); a total entered beside incomplete items is used when the items' bounds allow it
    and goes to review when they do not; beside complete items, the item sum is used (the note says when the
    entered total differs). `name` labels the missing data and the review."""
    total = parsed.assessment.total
    if parsed.items is None:
        if total is None:
            return ValueResult(missing=(f"{name} items or total ({parsed.source})",))
        return ScoreResult(instrument=instrument, total=total, minimum=total, maximum=total, total_entered=True,
                           note="total entered without items")
    result = score(parsed.items)
    if total is None or result.complete:
        if total is not None and total != result.total:
            return result.model_copy(update={"note": f"entered total {total:g} differs from the item sum "
                                                     f"{result.total:g}; the item sum is used"})
        return result
    if result.minimum <= total <= result.maximum:
        return ScoreResult(instrument=instrument, total=total, minimum=total, maximum=total, total_entered=True,
                           contributing=result.contributing, note="total entered; items incomplete")
    return ValueResult(review=f"entered {name} total {total:g} is outside what the recorded items allow "
                              f"({result.minimum:g}-{result.maximum:g}) ({parsed.source})")


def assessment_score_evidence(score: ScoreResult, parsed: ParsedAssessment, label: str) -> tuple[Evidence, ...]:
    """Evidence lines for an assessment's score: the total (or its bounds, "(incomplete)"), dated by the assessment
    and marked "(total entered)" when it was, then each contributing item with its points."""
    shown = score.total if score.total is not None else f"{score.minimum:g}-{score.maximum:g} (incomplete)"
    head = Evidence(label=label + (" (total entered)" if score.total_entered else ""), value=shown,
                    date=parsed.assessment.date, source=parsed.source)
    return (head, *(Evidence(label=f"  {i.label or i.item}", value=i.points, source=parsed.source)
                    for i in score.contributing))


def documented_classification(ctx: ScreeningContext, indication: str, matches: Callable[[str], bool]) -> list[Evidence]:
    """Evidence for each diagnosis of `indication` whose ``classification`` list has a label `matches` accepts
    (e.g. "2013 ACR/EULAR"), dated by the diagnosis (or onset) date."""
    found = []
    for i, dx in enumerate(ctx.patient.diagnoses):
        if dx.indication != indication:
            continue
        for label in dx.classification:
            if matches(label):
                found.append(Evidence(label=f"documented classification: {label}", value=True,
                                      date=dx.diagnosis_date or dx.onset_date, source=f"diagnoses[{i}].classification"))
    return found



def documented_or_computed(computed: ValueResult | None, documented: Sequence[Evidence], *, conflict: str, note: str,
                           missing: str, undecided_note: str | None = None) -> ValueResult:
    """A classification from the criteria computed on recorded items (`computed`, None without an assessment)
    and from documented classifications (`documented`, see `documented_classification`).

    A decided computation wins, the documented labels shown first; except that computed "not met" against a
    documented classification goes to review (`conflict`). Undecided or not computed: documented means met
    (`note`; `undecided_note` instead when the items were recorded but undecided); else the computation's own
    missing data, or `missing` (no assessment, nothing documented)."""
    if computed is not None and computed.value is not None:
        if computed.value is False and documented:
            return ValueResult(review=conflict, evidence=(*documented, *computed.evidence))
        return computed.model_copy(update={"evidence": (*documented, *computed.evidence)})
    if documented:
        return ValueResult(value=True, evidence=(*documented, *(computed.evidence if computed else ())),
                           note=undecided_note if computed is not None and undecided_note is not None else note)
    if computed is not None:
        return computed
    return ValueResult(missing=(missing,))

# -- serologies and history -----------------------------------------------------------------------------------


def serology_status(ctx: ScreeningContext, test_id: str,
                    within: Window | None = None) -> tuple[bool | None, Evidence | None]:
    """Whether a classification item such as "anti-Jo-1 positive" holds from the serologies on or before the as-of
    date (and in `within`): ever positive (or detectable) -> True; else the latest negative (or undetectable) ->
    False; else None. Indeterminate results are ignored. Returns the deciding result's evidence too."""
    results = [s for s in ctx.record.serologies.get(test_id, []) if ctx.in_window(s.date, within)]
    for ser in reversed(results):
        if ser.result in ("positive", "detectable"):
            return True, Evidence(label=ser.test.name, value=ser.result, date=ser.date, source=ser.source)
    for ser in reversed(results):
        if ser.result in ("negative", "undetectable"):
            return False, Evidence(label=ser.test.name, value=ser.result, date=ser.date, source=ser.source)
    return None, None


def history_events(ctx: ScreeningContext, category: str) -> list[tuple[int, Any]]:
    """(index, event) of each history event of `category` dated on or before the as-of date, or undated; the
    index locates it in the record (``history.events[i]``)."""
    return [(i, e) for i, e in enumerate(ctx.patient.history.events)
            if e.category == category and (e.date is None or e.date <= ctx.as_of)]
