"""Treatment-history predicates rulesets call by id: washout in half-lives, duration of exposure (optionally
dose-qualified), distinct agents or mechanisms tried, and the current glucocorticoid dose.

Every one is three-valued in the same way: a matching course in the record can make it true; "not true" needs
`medications.complete: true`, and a course whose dates, dose or identity are not recorded makes it unknown with
that gap named.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from dateutil.relativedelta import relativedelta

from trialscreen.facts.context import ScreeningContext
from trialscreen.facts.record import Exposure
from trialscreen.plugins.types import DerivedValue, Evidence, Predicate, ValueResult
from trialscreen.rules.model import Window
from trialscreen_core import formulas


def _what(params: dict[str, Any]) -> str:
    parts = [*(params.get("names") or []), *(c.replace("_", " ") for c in (params.get("classes") or []))]
    return ", ".join(parts) or "any drug"


def _matching(ctx: ScreeningContext, params: dict[str, Any]) -> tuple[list[Exposure], list[Exposure]]:
    return ctx.exposures(names=params.get("names") or (), classes=params.get("classes") or ())


def _name(exp: Exposure) -> str:
    return exp.drug.name if exp.drug else exp.medication.drug


def _evidence(exp: Exposure, ctx: ScreeningContext, extra: str = "") -> Evidence:
    med = exp.medication
    end = "ongoing" if med.ongoing else (ctx.last_exposure(exp) or "?")
    return Evidence(label=f"{_name(exp)} {med.start_date or '?'} → {end}{extra}", value=med.outcome or "exposed",
                    date=ctx.last_exposure(exp) or med.start_date, source=exp.source)


def _absent(ctx: ScreeningContext, unidentified: list[Exposure], params: dict[str, Any], what: str) -> ValueResult:
    """The answer when nothing matched: false only for a complete history with every drug identified."""
    if not ctx.medication_history_complete:
        return ValueResult(missing=(f"complete medication history ({what})",))
    if unidentified and params.get("classes"):
        return ValueResult(missing=tuple(f"identity of {e.medication.drug!r} ({e.source}: not in the drug catalogue)"
                                         for e in unidentified))
    return ValueResult(value=False, evidence=(Evidence(label=what, value="none in complete medication history", source="medications"),))


# -- washout in half-lives ------------------------------------------------------------------------------------


def exposure_within_half_lives(ctx: ScreeningContext, params: dict[str, Any]) -> ValueResult:
    """True while any matching drug was last taken less than ``half_lives`` × its elimination half-life ago.

    Dates carry no clock time, so the elapsed time is taken conservatively as whole days between the day after
    the last dose and the as-of date: the washout is complete from day ``last + 1 + ceil(n × t½ / 24 h)``.
    Half-lives come from the drug catalogue (data/drugs.yaml, cited there); a drug without one is unknown.
    """
    n = float(params["half_lives"])
    what = f"{_what(params)} within {n:g} half-lives"
    matched, unidentified = _matching(ctx, params)
    missing: list[str] = []
    for exp in matched:
        last = ctx.last_exposure(exp)
        half_life = exp.drug.half_life_hours if exp.drug else None
        if half_life is None:
            missing.append(f"elimination half-life of {_name(exp)} (not in the drug catalogue)")
            continue
        if last is None:
            missing.append(f"end or last-dose date of {_name(exp)} ({exp.source})")
            continue
        washout_days = math.ceil(n * half_life / 24)
        lapses = last + timedelta(days=1 + washout_days)
        if ctx.as_of < lapses:
            return ValueResult(value=True, evidence=(_evidence(exp, ctx, f" (t½ {half_life:g} h; {n:g} × t½ = "
                                                                          f"{n * half_life:g} h)"),), lapses_on=lapses)
    if missing:
        return ValueResult(missing=tuple(missing))
    return _absent(ctx, unidentified, params, what)


# -- duration of exposure -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Span:
    start: date
    end: date
    courses: tuple[Exposure, ...]


def _daily_prednisone_equivalent(exp: Exposure, weight_kg: float | None) -> tuple[float | None, str | None]:
    """(mg/day prednisone-equivalent, problem) for a glucocorticoid course."""
    dose = exp.medication.dose
    if dose is None or dose.per != "day":
        return None, f"daily dose of {_name(exp)} ({exp.source}.dose)"
    if dose.unit in ("mg", "g"):
        mg = dose.value * (1000 if dose.unit == "g" else 1)
    elif dose.unit == "mg/kg":
        if weight_kg is None:
            return None, "body weight"
        mg = dose.value * weight_kg
    else:
        return None, f"dose of {_name(exp)} in mg or mg/kg ({exp.source}.dose)"
    try:
        return formulas.prednisone_equivalent_mg(_name(exp), mg), None
    except ValueError:
        return None, f"prednisone equivalent of {_name(exp)}"


def _qualifies(exp: Exposure, ctx: ScreeningContext, params: dict[str, Any]) -> tuple[bool | None, str | None]:
    """Whether a course meets the dose and outcome conditions: True, False, or None with what is missing."""
    if params.get("outcomes") and exp.medication.outcome not in params["outcomes"]:
        if exp.medication.outcome in (None, "unknown"):
            return None, f"outcome of {_name(exp)} ({exp.source}.outcome)"
        return False, None
    min_mg = params.get("min_prednisone_eq_mg_per_day")
    min_mg_kg = params.get("min_prednisone_eq_mg_per_kg_per_day")
    if min_mg is None and min_mg_kg is None:
        return True, None
    weight = ctx.record.weight_kg
    mg, problem = _daily_prednisone_equivalent(exp, weight)
    if mg is None:
        return None, problem
    if min_mg is not None and mg < float(min_mg):
        return False, None
    if min_mg_kg is not None:
        if weight is None:
            return None, "body weight (for mg/kg/day)"
        if formulas.ratio_to_limit(mg, weight) < float(min_mg_kg):
            return False, None
    return True, None


def _spans(courses: list[tuple[Exposure, date, date]]) -> list[_Span]:
    """Merge courses that overlap or touch (next starts no later than the day after the previous ends)."""
    spans: list[_Span] = []
    for exp, start, end in sorted(courses, key=lambda c: c[1]):
        if spans and start <= spans[-1].end + timedelta(days=1):
            last = spans[-1]
            spans[-1] = _Span(last.start, max(last.end, end), (*last.courses, exp))
        else:
            spans.append(_Span(start, end, (exp,)))
    return spans


def _duration(params: dict[str, Any]) -> relativedelta:
    return relativedelta(months=int(params.get("months") or 0), days=int(params.get("days") or 0))


def exposure_duration_at_least(ctx: ScreeningContext, params: dict[str, Any]) -> ValueResult:
    """True when matching courses (optionally only those meeting a prednisone-equivalent dose or an outcome)
    cover at least ``months``/``days`` continuously before the as-of date (only the part inside ``within``,
    if given: "prednisone >100 mg/d for ≥14 days within 8 weeks").

    Continuous means courses overlapping or following each other within a day are merged; N months are calendar
    months (start + N months ≤ end), so 1 Jan → 1 Apr is 3 months. An ongoing course runs to the as-of date.
    """
    need = _duration(params)
    window = params.get("within")
    window_start = ctx.window_start(Window.model_validate(window)) if window else None
    what = f"{_what(params)} for ≥ {params.get('months') or 0} months {params.get('days') or 0} days".replace(" 0 days", "").replace("≥ 0 months ", "≥ ")
    matched, unidentified = _matching(ctx, params)
    dated: list[tuple[Exposure, date, date]] = []
    missing: list[str] = []
    uncertain: list[tuple[Exposure, date, date]] = []
    for exp in matched:
        med = exp.medication
        start = med.start_date
        end = ctx.as_of if med.ongoing else ctx.last_exposure(exp)
        if start is None or end is None:
            missing.append(f"start and end dates of {_name(exp)} ({exp.source})")
            continue
        end = min(end, ctx.as_of)
        if window_start is not None:  # only the part of the course inside the window counts
            if end < window_start:
                continue
            start = max(start, window_start)
        ok, problem = _qualifies(exp, ctx, params)
        if ok is None:
            missing.append(problem or f"details of {_name(exp)}")
            uncertain.append((exp, start, end))
        elif ok:
            dated.append((exp, start, end))
    for span in _spans(dated):
        if span.start + need <= span.end:
            return ValueResult(value=True, evidence=tuple(_evidence(e, ctx) for e in span.courses))
    if missing:
        # Could the unknown courses complete a long-enough span? Only then is the answer unknown.
        if any(s.start + need <= s.end for s in _spans(dated + uncertain)) or any(m.startswith("start and end") for m in missing):
            return ValueResult(missing=tuple(dict.fromkeys(missing)))
    if matched and ctx.medication_history_complete and not (unidentified and params.get("classes")):
        longest = max((s.end - s.start).days for s in _spans(dated)) if dated else 0
        return ValueResult(value=False, evidence=(Evidence(label=what, value=f"longest qualifying span {longest} days",
                                                           source="medications"),))
    return _absent(ctx, unidentified, params, what)


# -- distinct agents or mechanisms ------------------------------------------------------------------------------


def distinct_agents_at_least(ctx: ScreeningContext, params: dict[str, Any]) -> ValueResult:
    """True when at least ``count`` distinct drugs (``by: agent``) or mechanisms (``by: mechanism``, the
    catalogue's mechanism field) among matching courses, optionally only those with an outcome in ``outcomes``
    (e.g. failure, intolerance), appear in the history."""
    count = int(params["count"])
    by = params.get("by", "agent")
    what = f"≥{count} distinct {'mechanisms' if by == 'mechanism' else 'agents'} of {_what(params)}"
    matched, unidentified = _matching(ctx, params)
    found: dict[str, Exposure] = {}
    possible: dict[str, Exposure] = {}
    missing: list[str] = []
    for exp in matched:
        key = _name(exp) if by == "agent" else (exp.drug.mechanism if exp.drug else None)
        if key is None:
            missing.append(f"mechanism of {_name(exp)}")
            continue
        ok, problem = _qualifies(exp, ctx, params)
        if ok:
            found.setdefault(key, exp)
        elif ok is None:
            possible.setdefault(key, exp)
            missing.append(problem or f"details of {_name(exp)}")
    evidence = tuple(_evidence(e, ctx) for e in found.values())
    if len(found) >= count:
        return ValueResult(value=True, evidence=evidence)
    could_reach = len(found) + len(set(possible) - set(found)) + len(missing) >= count
    if could_reach and missing:
        return ValueResult(missing=tuple(dict.fromkeys(missing)), evidence=evidence)
    if not ctx.medication_history_complete:
        return ValueResult(missing=(f"complete medication history ({what})",), evidence=evidence)
    if unidentified and params.get("classes"):
        return ValueResult(missing=tuple(f"identity of {e.medication.drug!r} ({e.source})" for e in unidentified), evidence=evidence)
    return ValueResult(value=False, evidence=evidence or (Evidence(label=what, value=f"{len(found)} found", source="medications"),))


# -- current glucocorticoid dose -------------------------------------------------------------------------------


def current_prednisone_equivalent(ctx: ScreeningContext, params: dict[str, Any]) -> ValueResult:
    """The prednisone-equivalent daily dose (mg/day) of systemic glucocorticoids ongoing on the as-of date
    (sum over courses); 0 when the complete history shows none. Equivalences: `formulas`, cited there."""
    matched, unidentified = ctx.exposures(classes=("glucocorticoid",))
    weight = ctx.record.weight_kg
    total = 0.0
    evidence: list[Evidence] = []
    missing: list[str] = []
    for exp in matched:
        if not exp.medication.ongoing:
            continue
        mg, problem = _daily_prednisone_equivalent(exp, weight)
        if mg is None:
            missing.append(problem or f"dose of {_name(exp)}")
            continue
        total += mg
        evidence.append(_evidence(exp, ctx, f" = {mg:g} mg/day prednisone-equivalent"))
    if missing:
        return ValueResult(missing=tuple(missing), evidence=tuple(evidence))
    if not evidence and not ctx.medication_history_complete:
        return ValueResult(missing=("complete medication history (current glucocorticoid dose)",))
    if unidentified and not ctx.medication_history_complete:
        return ValueResult(missing=tuple(f"identity of {e.medication.drug!r}" for e in unidentified))
    value = formulas.clean(total)
    return ValueResult(value=value, unit="mg/day", evidence=tuple(evidence) or (
        Evidence(label="ongoing systemic glucocorticoid", value="none", source="medications"),))


def current_prednisone_equivalent_per_kg(ctx: ScreeningContext, params: dict[str, Any]) -> ValueResult:
    mg = current_prednisone_equivalent(ctx, params)
    if mg.value is None:
        return mg
    weight = ctx.record.weight_kg
    if weight is None:
        return ValueResult(missing=("body weight",), evidence=mg.evidence)
    value = formulas.ratio_to_limit(float(mg.value), weight)
    return ValueResult(value=value, unit="mg/kg/day", evidence=(*mg.evidence, Evidence(label="weight", value=weight, unit="kg", source="weight")))


_QUERY = {"names": None, "classes": None}

PREDICATES = [
    Predicate(id="core.exposure_within_half_lives", name="Drug taken within N elimination half-lives",
              compute=exposure_within_half_lives, parameters={**_QUERY, "half_lives": 5}),
    Predicate(id="core.exposure_duration_at_least", name="Continuous exposure of at least a duration",
              compute=exposure_duration_at_least,
              parameters={**_QUERY, "months": None, "days": None, "outcomes": None, "within": None,
                          "min_prednisone_eq_mg_per_day": None, "min_prednisone_eq_mg_per_kg_per_day": None}),
    Predicate(id="core.distinct_agents_at_least", name="At least N distinct agents or mechanisms tried",
              compute=distinct_agents_at_least,
              parameters={**_QUERY, "count": 2, "by": "agent", "outcomes": None}),
]

VALUES = [
    DerivedValue(id="core.prednisone_equivalent_mg_per_day", name="Current glucocorticoid dose (prednisone-equivalent)",
                 unit="mg/day", compute=current_prednisone_equivalent),
    DerivedValue(id="core.prednisone_equivalent_mg_per_kg_per_day",
                 name="Current glucocorticoid dose per kg (prednisone-equivalent)", unit="mg/kg/day",
                 compute=current_prednisone_equivalent_per_kg),
]
