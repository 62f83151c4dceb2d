"""The plugin's values and predicates: what a ruleset can compare (``fact: myasthenia.mg_adl``) or call
(``predicate: {id: myasthenia.refractory_gmg}``).

Each compute function takes the `ScreeningContext` and the merged parameters and returns a `ValueResult`: a
value with the evidence used, or what is missing. None of them raises for missing or odd data (that is for
``missing``); an exception would only make the dependent criteria unknown with the error and this plugin named.
Treatment history questions go through the core predicates (``ctx.value("core.…")``), so "not treated" is
answered only from a complete medication history, as everywhere in trialscreen.

Sources for every number
------------------------
* MG-ADL 0-24, 8 items 0-3: Wolfe GI et al. Neurology 1999;52:1487-9 (see `scores`).
* MG-ADL ≥ 6 (default threshold of `mg_adl_at_least`): the inclusion threshold of REGAIN (eculizumab in
  refractory AChR+ generalised MG, ClinicalTrials.gov NCT01997229; main report Howard JF Jr et al., Lancet
  Neurol 2017 — journal pages not checked here), "an MG Activities of Daily Living (MG-ADL) total score of 6 or
  higher", as the REGAIN open-label extension report restates the REGAIN criteria.
* MGFA classes II-IV = generalised MG (default of `mgfa_class`): Jaretzki A et al. Neurology 2000;55:16-23;
  class I is ocular only and class V is intubation (myasthenic crisis), both excluded in REGAIN ("ocular-only MG
  symptoms (MGFA class I) or myasthenic crisis (MGFA class V) at screening").
* Refractory generalised MG (`refractory_gmg`), two routes, either suffices:
  (A) corticosteroids and at least 2 other immunosuppressive (IS) agents that failed (persistent symptoms) or
      were not tolerated (side effects that limit functioning): the refractory-MG definition of the
      international consensus guidance, Sanders DB et al. Neurology 2016;87:419-25 (post-intervention status
      unchanged or worse after corticosteroids and at least 2 other IS agents in adequate doses for an adequate
      duration). Paraphrased: the steroid requirement and the count of 2 were checked in secondary sources that
      apply the guidance's definition (cohort studies comparing refractory-MG criteria); the guidance's own
      sentence was not retrieved;
  (B) at least 1 IS agent failed and chronic IVIG or plasma exchange over the preceding 12 months: the REGAIN
      inclusion ("failed treatment with 2 or more ISTs or at least 1 IST with requirement for chronic IVIg or
      plasma exchange therapy over the preceding 12 months").
  "Chronic" = at least 4 treatments in the 12 months (`chronic_rescue_therapy`): the REGAIN chronic-IVIG
  subgroup ("received IVIg at least four times in 1 year"), or a maintenance IVIG course lasting 12 months
  (the "maintenance immunoglobulins or plasma exchange therapy for at least 1 year" criterion of an Austrian
  refractory-MG cohort study, PMC7109164).
  "Adequate dose and duration" is not quantified in either source, so it is not checked: a course recorded with
  outcome failure/intolerance counts, as the recording clinician judged it.
"""

from __future__ import annotations

from typing import Any

from trialscreen.facts.context import ScreeningContext
from trialscreen.logic import Outcome, all_of, any_of
from trialscreen.plugins.results import answer, no_assessment, score_at_least, score_value, window_param
from trialscreen.plugins.types import DerivedValue, Evidence, Predicate, ScoreResult, ValueResult

from trialscreen_myasthenia.scores import (
    MG_ADL_CITATION,
    MG_ADL_INSTRUMENT,
    mg_adl,
    mg_adl_entered_total,
    mg_adl_unanswered,
)
from trialscreen_myasthenia.vocabulary import MGFA_CITATION, MGFA_INSTRUMENT

# -- MG-ADL ----------------------------------------------------------------------------------------------------


def _mg_adl_score(ctx: ScreeningContext, params: dict[str, Any]) -> tuple[ScoreResult | None, ValueResult | None, Any]:
    """(score, problem, parsed assessment) for the latest MG-ADL in the window."""
    window = window_param(params)
    parsed = ctx.assessment(MG_ADL_INSTRUMENT, window)
    if parsed is None:
        return None, no_assessment(ctx, "MG-ADL", window), None
    record = parsed.assessment
    if parsed.items is not None:
        score = mg_adl(parsed.items)  # type: ignore[arg-type]
        if record.total is not None and score.total is not None and record.total != score.total:
            return None, ValueResult(missing=(
                f"a consistent MG-ADL ({parsed.source}: entered total {record.total:g} but the items add up to "
                f"{score.total:g})",)), parsed
        return score, None, parsed
    if record.total is not None:
        try:
            return mg_adl_entered_total(record.total), None, parsed
        except ValueError as exc:
            return None, ValueResult(missing=(f"a valid MG-ADL total ({parsed.source}: {exc})",)), parsed
    return mg_adl_unanswered(), None, parsed


def mg_adl_value(ctx: ScreeningContext, params: dict[str, Any]) -> ValueResult:
    """The MG-ADL total (0-24) of the latest assessment in ``within``; missing names the unanswered items."""
    score, problem, parsed = _mg_adl_score(ctx, params)
    if score is None:
        return problem  # type: ignore[return-value]
    result = score_value(score, label="MG-ADL", source=parsed.source, date=parsed.assessment.date)
    if result.value is None:
        return ValueResult(missing=tuple(f"MG-ADL item '{m}' ({parsed.source})" for m in score.missing),
                           evidence=result.evidence)
    return ValueResult(value=result.value, unit="points", evidence=result.evidence, note=result.note)


def mg_adl_at_least(ctx: ScreeningContext, params: dict[str, Any]) -> ValueResult:
    """MG-ADL ≥ ``threshold`` (default 6, REGAIN), decided from the score's bounds when items are unanswered:
    met when the answered items already reach it, not met when even 3 points per unanswered item cannot."""
    score, problem, parsed = _mg_adl_score(ctx, params)
    if score is None:
        return problem  # type: ignore[return-value]
    result = score_at_least(score, float(params["threshold"]), label="MG-ADL", source=parsed.source,
                            date=parsed.assessment.date)
    if result.value is None and result.review is None:
        return ValueResult(missing=tuple(f"MG-ADL item '{m}' ({parsed.source})" for m in score.missing),
                           evidence=result.evidence)
    return result


# -- MGFA class ------------------------------------------------------------------------------------------------


def _main_class(mgfa: str) -> str:
    return mgfa.rstrip("ab")


def mgfa_class(ctx: ScreeningContext, params: dict[str, Any]) -> ValueResult:
    """Whether the latest MGFA clinical class in ``within`` is one of ``allowed``.

    An allowed main class (``III``) matches every subclass (``IIIa``, ``IIIb``); an allowed subclass (``IIIb``)
    matches only itself, so a class recorded without its subclass letter is unknown against it.
    """
    window = window_param(params)
    allowed = [str(a) for a in params["allowed"]]
    parsed = ctx.assessment(MGFA_INSTRUMENT, window)
    if parsed is None:
        return no_assessment(ctx, "MGFA clinical class", window)
    if parsed.items is None:
        return ValueResult(missing=(f"the MGFA class itself ({parsed.source}.items.class)",))
    recorded: str = parsed.items.mgfa_class  # type: ignore[attr-defined]
    evidence = (Evidence(label="MGFA clinical class", value=recorded, date=parsed.assessment.date,
                         source=parsed.source),)
    if recorded in allowed or _main_class(recorded) in allowed:
        return answer(True, evidence=evidence)
    if recorded == _main_class(recorded) and any(_main_class(a) == recorded for a in allowed):
        return answer(None, evidence=evidence,
                      missing=(f"MGFA subclass (a or b) of class {recorded} ({parsed.source})",))
    return answer(False, evidence=evidence)


# -- refractoriness ----------------------------------------------------------------------------------------------

_TO_OUTCOME = {True: Outcome.MET, False: Outcome.NOT_MET}


def _outcome(result: ValueResult) -> Outcome:
    if isinstance(result.value, bool):
        return _TO_OUTCOME[result.value]
    return Outcome.REVIEW if result.review is not None else Outcome.UNKNOWN


def _plasmapheresis_events(ctx: ScreeningContext, start: Any) -> tuple[list[tuple[Any, str]], list[str]]:
    dated, undated = [], []
    for i, event in enumerate(ctx.patient.history.events):
        if event.category != "plasmapheresis":
            continue
        where = f"history.events[{i}]"
        day = event.date
        if day is None:
            undated.append(where)
        elif start <= day <= ctx.as_of or (event.ongoing and day <= ctx.as_of):
            dated.append((day, where))
    return dated, undated


def chronic_rescue_therapy(ctx: ScreeningContext, params: dict[str, Any]) -> ValueResult:
    """Chronic IVIG or plasma exchange: at least ``min_treatments`` (default 4, REGAIN) IVIG courses and plasma
    exchange events in ``within`` (default 12 months, REGAIN), or one IVIG course lasting ``maintenance_months``
    (default 12) continuously, via ``core.exposure_duration_at_least``.

    Each IVIG medication item and each ``plasmapheresis`` history event counts as one treatment. "No" needs a
    complete medication history and the plasmapheresis history reviewed.
    """
    window = window_param(params) or window_param({"within": {"months": 12}})
    start = ctx.window_start(window)
    need = int(params["min_treatments"])
    maintenance = ctx.value("core.exposure_duration_at_least",
                            {"classes": ["ivig"], "months": int(params["maintenance_months"])})
    if maintenance.value is True:
        return answer(True, evidence=maintenance.evidence)
    evidence: list[Evidence] = []
    missing: list[str] = []
    ivig, unidentified = ctx.exposures(classes=("ivig",))
    for exp in ivig:
        med = exp.medication
        day = med.start_date or ctx.last_exposure(exp)
        last = ctx.last_exposure(exp) or med.start_date
        if day is None:
            missing.append(f"dates of {med.drug} ({exp.source})")
        elif last is not None and last >= start and day <= ctx.as_of:  # type: ignore[operator]
            evidence.append(Evidence(label=f"{med.drug} course", value=str(day), date=day, source=exp.source))
    events, undated = _plasmapheresis_events(ctx, start)
    evidence += [Evidence(label="plasma exchange", value=str(day), date=day, source=where) for day, where in events]
    missing += [f"date of plasma exchange ({where})" for where in undated]
    count = len(evidence)
    if count >= need:
        return answer(True, evidence=evidence)
    summary = Evidence(label=f"IVIG courses and plasma exchanges within {window.describe()}", value=count,
                       source="myasthenia.chronic_rescue_therapy")
    if count + len(missing) >= need:
        return answer(None, evidence=(*evidence, summary), missing=missing)
    if maintenance.value is None:
        missing += list(maintenance.missing)
    if not ctx.medication_history_complete:
        missing.append("complete medication history (IVIG courses)")
    if unidentified:
        missing += [f"identity of {e.medication.drug!r} ({e.source}: could it be IVIG?)" for e in unidentified]
    if not ctx.history_reviewed("plasmapheresis"):
        missing.append("plasma exchange history (history.reviewed: plasmapheresis)")
    if missing:
        return answer(None, evidence=(*evidence, summary), missing=dict.fromkeys(missing))
    return answer(False, evidence=(*evidence, summary))


def refractory_gmg(ctx: ScreeningContext, params: dict[str, Any]) -> ValueResult:
    """Refractory generalised MG: route (A) or route (B) of the module docstring, in Kleene logic.

    (A) ``require_glucocorticoid`` (default true) a glucocorticoid ever taken, and ≥ ``min_failed`` (default 2)
        distinct agents of ``classes`` / ``names`` (default: conventional immunosuppressants) with an outcome in
        ``outcomes`` (default failure, intolerance);
    (B) ≥ ``min_failed_with_rescue`` (default 1) such agents and `chronic_rescue_therapy` with ``rescue_*``.
    """
    query = {"classes": params["classes"], "names": params["names"], "outcomes": params["outcomes"]}
    steroid = ctx.value("core.distinct_agents_at_least", {"classes": ["glucocorticoid"], "count": 1})
    failed_a = ctx.value("core.distinct_agents_at_least", {**query, "count": int(params["min_failed"])})
    failed_b = ctx.value("core.distinct_agents_at_least", {**query, "count": int(params["min_failed_with_rescue"])})
    rescue = ctx.value("myasthenia.chronic_rescue_therapy", {
        "min_treatments": params["rescue_min_treatments"], "within": params["rescue_within"],
        "maintenance_months": params["rescue_maintenance_months"]})
    parts_a = [steroid, failed_a] if params["require_glucocorticoid"] else [failed_a]
    parts_b = [failed_b, rescue]
    route_a = all_of(_outcome(r) for r in parts_a)
    route_b = all_of(_outcome(r) for r in parts_b)
    verdict = any_of((route_a, route_b))

    def collect(parts: list[ValueResult]) -> list[Evidence]:
        return [e for r in parts for e in r.evidence]

    if verdict is Outcome.MET:
        used = parts_a if route_a is Outcome.MET else parts_b
        route = "A: corticosteroids + ≥{} IS agents failed".format(params["min_failed"]) if route_a is Outcome.MET \
            else "B: ≥{} IS agent failed + chronic IVIG/plasma exchange".format(params["min_failed_with_rescue"])
        return answer(True, evidence=(Evidence(label="refractory generalised MG", value=f"route {route}",
                                               source="myasthenia.refractory_gmg"), *collect(used)))
    if verdict is Outcome.NOT_MET:
        return answer(False, evidence=(Evidence(label="refractory generalised MG", value="neither route met",
                                                source="myasthenia.refractory_gmg"), *collect(parts_a + parts_b)))
    open_parts = [r for r in parts_a + parts_b if _outcome(r) in (Outcome.UNKNOWN, Outcome.REVIEW)]
    missing = dict.fromkeys(m for r in open_parts for m in r.missing)
    reviews = [r.review for r in open_parts if r.review]
    if not missing and reviews:
        return answer(None, evidence=collect(parts_a + parts_b), review="; ".join(reviews))
    return answer(None, evidence=collect(parts_a + parts_b), missing=missing)


VALUES = [
    DerivedValue(id="myasthenia.mg_adl", name="MG-ADL total (0-24)", unit="points", compute=mg_adl_value,
                 parameters={"within": None}, citation=MG_ADL_CITATION),
]

PREDICATES = [
    Predicate(id="myasthenia.mg_adl_at_least", name="MG-ADL total at least a threshold (bounds decide)",
              compute=mg_adl_at_least, parameters={"threshold": 6, "within": None}, citation=MG_ADL_CITATION),
    Predicate(id="myasthenia.mgfa_class", name="MGFA clinical class among the allowed classes",
              compute=mgfa_class, parameters={"allowed": ["II", "III", "IV"], "within": None},
              citation=MGFA_CITATION),
    Predicate(id="myasthenia.chronic_rescue_therapy", name="Chronic IVIG or plasma exchange",
              compute=chronic_rescue_therapy,
              parameters={"min_treatments": 4, "within": {"months": 12}, "maintenance_months": 12},
              citation="REGAIN, NCT01997229 (Howard JF Jr et al. Lancet Neurol 2017)"),
    Predicate(id="myasthenia.refractory_gmg", name="Refractory generalised myasthenia gravis",
              compute=refractory_gmg,
              parameters={"classes": ["conventional_immunosuppressant"], "names": None,
                          "outcomes": ["failure", "intolerance"], "min_failed": 2, "min_failed_with_rescue": 1,
                          "require_glucocorticoid": True, "rescue_min_treatments": 4,
                          "rescue_within": {"months": 12}, "rescue_maintenance_months": 12},
              citation="Sanders DB et al. Neurology 2016;87:419-25; REGAIN, NCT01997229"),
]
