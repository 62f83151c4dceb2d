"""Resolve one ruleset leaf against a patient: a `Fact` holding the value (or what is missing, or why the
investigator must decide) and the evidence it rests on. This is where "absence is explicit" is enforced: a
question about history is answered "no" only when that part of the history is recorded as complete."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from trialscreen.facts.context import ScreeningContext
from trialscreen.facts.record import Exposure
from trialscreen.plugins.types import Evidence
from trialscreen.rules.model import (
    Compare,
    DiagnosisLeaf,
    DrugLeaf,
    EventLeaf,
    JudgementLeaf,
    PredicateLeaf,
    ReviewLeaf,
    SerologyLeaf,
    Window,
)
from trialscreen.units import clean

Leaf = Compare | EventLeaf | DrugLeaf | SerologyLeaf | DiagnosisLeaf | PredicateLeaf | JudgementLeaf | ReviewLeaf


@dataclass(frozen=True)
class Fact:
    """A leaf's answer. Exactly one of: `value` is not None; `missing` non-empty; `review` set."""

    value: float | bool | str | None = None
    unit: str | None = None
    evidence: tuple[Evidence, ...] = ()
    missing: tuple[str, ...] = ()
    review: str | None = None
    notes: tuple[str, ...] = field(default=())
    #: For time-window facts that are true: the date from which the window no longer reaches the exposure.
    lapses_on: date | None = None
    #: The plugin that computed the value (plugin values and predicates only).
    provider: str | None = None


def _window_text(window: Window | None) -> str:
    return f" within {window.describe()} before screening" if window else ""


OBSERVATION_PREFIXES = ("lab", "vital", "cardiac", "pulmonary")


def resolve(leaf: Leaf, ctx: ScreeningContext) -> Fact:
    if isinstance(leaf, Compare):
        return _compare_fact(leaf, ctx)
    if isinstance(leaf, EventLeaf):
        return _event(leaf, ctx)
    if isinstance(leaf, DrugLeaf):
        return _drug(leaf, ctx)
    if isinstance(leaf, SerologyLeaf):
        return _serology(leaf, ctx)
    if isinstance(leaf, DiagnosisLeaf):
        return _diagnosis(leaf, ctx)
    if isinstance(leaf, PredicateLeaf):
        return _plugin_value(leaf.predicate.id, leaf.predicate.params, ctx)
    if isinstance(leaf, JudgementLeaf):
        return _judgement(leaf, ctx)
    if isinstance(leaf, ReviewLeaf):
        return Fact(review=leaf.review)
    raise TypeError(f"not a leaf: {leaf!r}")


def _compare_fact(leaf: Compare, ctx: ScreeningContext) -> Fact:
    head, _, rest = leaf.fact.partition(".")
    if head in OBSERVATION_PREFIXES:
        test_id, _, derived = rest.partition(".")
        return _observation(test_id, derived, leaf.within, ctx)
    if head == "patient":
        return _patient_field(rest, ctx)
    return _plugin_value(leaf.fact, leaf.params, ctx)


def _observation(test_id: str, derived: str, within: Window | None, ctx: ScreeningContext) -> Fact:
    test = ctx.plugins.observation_tests[test_id]
    obs = ctx.observation(test_id, within)
    if obs is None:
        return Fact(missing=(f"{test.name} result{_window_text(within)}",))
    ev = ctx.evidence_of(obs)
    if not derived:
        return Fact(value=obs.value, unit=test.unit, evidence=(ev,))
    limit_name, limit = ("upper limit of normal", obs.ref_high) if derived == "x_uln" else ("lower limit of normal", obs.ref_low)
    if limit is None or limit <= 0:
        return Fact(evidence=(ev,), missing=(f"{limit_name} of {test.name} ({obs.source}: reference range not recorded)",))
    from decimal import Decimal

    ratio = clean(float(Decimal(repr(obs.value)) / Decimal(repr(limit))))
    unit = "xULN" if derived == "x_uln" else "xLLN"
    ev_limit = Evidence(label=f"{test.name} {limit_name}", value=limit, unit=test.unit, date=obs.date, source=obs.source)
    return Fact(value=ratio, unit=unit, evidence=(ev, ev_limit, Evidence(label=f"{test.name} ×{'ULN' if derived == 'x_uln' else 'LLN'}", value=ratio, unit=unit)))


def _patient_field(path: str, ctx: ScreeningContext) -> Fact:
    node: Any = ctx.patient
    for part in path.split("."):
        node = getattr(node, part, None)
        if node is None:
            break
    if node is None:
        return Fact(missing=(f"patient {path.replace('_', ' ')}",))
    return Fact(value=node, evidence=(Evidence(label=path, value=node, source=path),))


def _plugin_value(value_id: str, params: dict[str, Any], ctx: ScreeningContext) -> Fact:
    result = ctx.value(value_id, params)
    hook = "trialscreen_values" if value_id in ctx.plugins.values else "trialscreen_predicates"
    return Fact(
        provider=ctx.plugins.provider_of(hook, value_id),
        value=result.value,
        unit=result.unit,
        evidence=result.evidence,
        missing=result.missing if result.value is None and result.review is None else (),
        review=result.review if result.value is None else None,
        notes=(result.note,) if result.note else (),
        lapses_on=result.lapses_on if result.value is True else None,
    )


def _event_span(event: Any, ctx: ScreeningContext) -> tuple[date | None, date | None]:
    end = ctx.as_of if event.ongoing else (event.end_date or event.date)
    return event.date, end


def _event(leaf: EventLeaf, ctx: ScreeningContext) -> Fact:
    q = leaf.event
    label = ctx.plugins.history_categories[q.category].label
    window = q.within
    start = ctx.window_start(window)
    undated: list[str] = []
    for i, event in enumerate(ctx.patient.history.events):
        if event.category != q.category:
            continue
        if q.codes and event.code is not None and event.code not in q.codes:
            continue
        began, ended = _event_span(event, ctx)
        if began is not None and began > ctx.as_of:
            continue
        # Time first: an event outside the window is irrelevant, whatever else is unknown about it.
        in_window = True if start is None else (None if ended is None else ended >= start)
        if in_window is False:
            continue
        if q.codes and event.code is None:  # an uncoded event of the category may be one of the codes
            undated.append(f"code of {label} (history.events[{i}]: one of {', '.join(q.codes)}?)")
            continue
        if q.severity and event.severity not in q.severity:
            if event.severity is None:
                undated.append(f"severity of {label} (history.events[{i}])")
            continue
        if q.uncontrolled is not None and event.controlled is not (not q.uncontrolled):
            if event.controlled is None:
                undated.append(f"whether {label} is controlled (history.events[{i}])")
            continue
        if in_window is None:
            undated.append(f"date of {label} (history.events[{i}])")
            continue
        ev = Evidence(label=event.description or (f"{label}: {event.code}" if event.code else label),
                      value=event.code or True, date=event.date, source=f"history.events[{i}]")
        lapses = None
        if start is not None and not event.ongoing and window is not None and ended is not None:
            lapses = _lapse_date(ended, window)
        return Fact(value=True, evidence=(ev,), lapses_on=lapses)
    if undated:
        return Fact(missing=tuple(undated))
    if ctx.history_reviewed(q.category):
        return Fact(value=False, evidence=(Evidence(label=f"history of {label}{_window_text(window)}", value="none recorded", source="history.reviewed"),))
    return Fact(missing=(f"history of {label}{_window_text(window)} (category not recorded as reviewed)",))


def _lapse_date(last: date, window: Window) -> date:
    """The first as-of date on which `last` falls outside `window`."""
    from dateutil.relativedelta import relativedelta

    delta = relativedelta(days=window.days or 0, weeks=window.weeks or 0, months=window.months or 0, years=window.years or 0)
    return last + delta + relativedelta(days=1)


def _drug(leaf: DrugLeaf, ctx: ScreeningContext) -> Fact:
    q = leaf.drug
    what = ", ".join([*(q.names or []), *(c.replace("_", " ") for c in (q.classes or []))])
    matched, unidentified = ctx.exposures(names=q.names or (), classes=q.classes or ())
    start = ctx.window_start(q.within)
    missing: list[str] = []
    for exp in matched:
        med = exp.medication
        ev = _exposure_evidence(exp)
        # Time first: a course outside the window is irrelevant, whatever its outcome.
        last = ctx.last_exposure(exp)
        lapse = None
        if start is not None:
            if last is not None:
                if last < start:
                    continue
                lapse = None if med.ongoing else _lapse_date(last, q.within)  # type: ignore[arg-type]
            elif not (med.start_date is not None and med.start_date >= start):
                missing.append(f"end or last-dose date of {med.drug} ({exp.source})")
                continue
        if q.outcomes is not None and med.outcome not in q.outcomes:
            if med.outcome is None or med.outcome == "unknown":
                missing.append(f"outcome of {med.drug} ({exp.source}.outcome)")
            continue
        return Fact(value=True, evidence=(ev,), lapses_on=lapse)
    if missing:
        return Fact(missing=tuple(missing))
    if not ctx.medication_history_complete:
        return Fact(missing=(f"complete medication history (for {what}{_window_text(q.within)})",))
    if unidentified and q.classes:
        return Fact(missing=tuple(f"identity of {e.medication.drug!r} ({e.source}: not in the drug catalogue)" for e in unidentified))
    return Fact(value=False, evidence=(Evidence(label=f"{what}{_window_text(q.within)}", value="none in complete medication history", source="medications"),))


def _exposure_evidence(exp: Exposure) -> Evidence:
    med = exp.medication
    span = f"{med.start_date or '?'} → {'ongoing' if med.ongoing else (med.last_dose_date or med.end_date or '?')}"
    name = exp.drug.name if exp.drug else med.drug
    return Evidence(label=f"{name} ({span})", value=med.outcome or "exposed", date=med.last_dose_date or med.end_date or med.start_date, source=exp.source)


def _serology(leaf: SerologyLeaf, ctx: ScreeningContext) -> Fact:
    q = leaf.serology
    test = ctx.plugins.observation_tests[q.test]
    ser = ctx.serology(q.test, q.within)
    if ser is None:
        return Fact(missing=(f"{test.name}{_window_text(q.within)}",))
    ev = Evidence(label=test.name, value=ser.result, date=ser.date, source=ser.source)
    if ser.result == "indeterminate":
        return Fact(evidence=(ev,), missing=(f"{test.name}: result indeterminate, repeat the test",))
    return Fact(value=ser.result in q.results, evidence=(ev,))


def _diagnosis(leaf: DiagnosisLeaf, ctx: ScreeningContext) -> Fact:
    q = leaf.diagnosis
    missing: list[str] = []
    for i, dx in enumerate(ctx.patient.diagnoses):
        if q.indications and dx.indication not in q.indications:
            continue
        if q.exclude_indications and dx.indication in q.exclude_indications:
            continue
        if q.conditions and dx.condition is not None and dx.condition not in q.conditions:
            continue
        ev = Evidence(label=f"diagnosis {dx.indication}{' / ' + dx.condition if dx.condition else ''}", value=True, date=dx.diagnosis_date or dx.onset_date, source=f"diagnoses[{i}]")
        if q.requires_systemic_treatment is not None and dx.requires_systemic_treatment is not q.requires_systemic_treatment:
            if dx.requires_systemic_treatment is None:
                missing.append(f"whether {dx.condition or dx.indication} requires systemic treatment (diagnoses[{i}])")
            continue
        if q.conditions and dx.condition is None:  # a diagnosis without its condition may be one of them
            missing.append(f"condition of the {dx.indication} diagnosis (diagnoses[{i}].condition: one of {', '.join(q.conditions)}?)")
            continue
        return Fact(value=True, evidence=(ev,))
    if missing:
        return Fact(missing=tuple(missing))
    if ctx.history_reviewed("autoimmune_disease"):
        return Fact(value=False, evidence=(Evidence(label="matching diagnosis", value="none recorded", source="diagnoses"),))
    return Fact(missing=("history of autoimmune disease (category not recorded as reviewed)",))


def _judgement(leaf: JudgementLeaf, ctx: ScreeningContext) -> Fact:
    topic = leaf.judgement
    inv = ctx.patient.investigator
    for i, decision in enumerate(inv.decisions):
        if decision.topic == topic:
            return Fact(value=decision.applies, evidence=(Evidence(label=f"investigator decision on {topic}", value=decision.applies, date=decision.date, source=f"investigator.decisions[{i}]"),))
    for i, concern in enumerate(inv.concerns):
        if concern.topic == topic:
            return Fact(review=f"investigator concern on {topic}: {concern.note or 'flagged'}", evidence=(Evidence(label=f"investigator concern on {topic}", value=concern.note or "flagged", source=f"investigator.concerns[{i}]"),))
    if leaf.when_silent == "review":
        return Fact(review=f"investigator decision needed on {topic} (none recorded)")
    return Fact(value=False, evidence=(Evidence(label=f"investigator concern on {topic}", value="none recorded", source="investigator"),))
