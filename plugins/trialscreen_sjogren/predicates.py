"""Sjögren's disease values and predicates computed from the patient record (the compute functions behind
`trialscreen_sjogren.plugin`).

Each function takes a `trialscreen.facts.context.ScreeningContext` and the call's parameters and returns a
three-valued `ValueResult`: a value with the evidence it rests on, or what is missing (or why the investigator
must decide). The clinical logic is the cited, tested pure code in `trialscreen_sjogren.scores` and
`trialscreen_sjogren.criteria`; this module only finds the facts in the record and feeds them in:

* assessments of the instruments ``sjogren.essdai``, ``sjogren.acr_eular_2016`` and ``sjogren.aecg_2002``
  (the latest on or before the as-of date, in the call's ``within`` window);
* documented classifications in ``diagnoses[].classification`` of SJOGREN diagnoses;
* the observation tests ``salivary_flow_unstimulated`` / ``salivary_flow_stimulated`` and the serologies
  ``anti_ssa`` / ``anti_ssb`` (this plugin's vocabulary);
* the history categories ``liver_cirrhosis`` and ``bone_marrow_failure`` (core vocabulary);
* the medication history, through the core predicates (``ctx.value("core....")``) where the core has one.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from datetime import date
from typing import Any

from dateutil.relativedelta import relativedelta

from trialscreen.facts.context import ScreeningContext
from trialscreen.facts.record import Exposure, ParsedAssessment
from trialscreen.plugins.helpers import (
    documented_classification,
    documented_or_computed,
    history_events,
    serology_status,
    within_text,
)
from trialscreen.plugins.results import window_param
from trialscreen.plugins.types import Evidence, ScoreResult, ValueResult

from trialscreen_sjogren import criteria, scores
from trialscreen_sjogren.items import AcrEular2016Items, Aecg2002Items, ConventionalTreatmentFacts, DrugExposure

ESSDAI = scores.ESSDAI_INSTRUMENT  # "sjogren.essdai"
ACR_EULAR_2016 = scores.ACR_EULAR_2016_INSTRUMENT  # "sjogren.acr_eular_2016"
AECG_2002 = "sjogren.aecg_2002"
INDICATION = "SJOGREN"

#: Screening-time measurements default to the latest result within 28 days of the as-of date (the screening
#: window nct07212322 uses); a ruleset passes its own ``within`` (or ``null`` for any time).
SCREENING_WINDOW = {"days": 28}

# -- shared helpers -------------------------------------------------------------------------------------------


def _assessment_evidence(parsed: ParsedAssessment, label: str) -> Evidence:
    return Evidence(label=label, value="assessed", date=parsed.assessment.date, source=parsed.source)


def _unanswered(result: ValueResult, missing: Iterable[str]) -> ValueResult:
    """Keep a result's value/review, or replace its missing list."""
    if result.value is not None or result.review is not None:
        return result
    return ValueResult(missing=tuple(dict.fromkeys(missing)) or result.missing, evidence=result.evidence,
                       note=result.note)


def _with_evidence(result: ValueResult, evidence: Iterable[Evidence], note: str | None = None) -> ValueResult:
    notes = "; ".join(n for n in (result.note, note) if n) or None
    return result.model_copy(update={"evidence": (*tuple(evidence), *result.evidence), "note": notes})


# -- documented classifications -------------------------------------------------------------------------------


def _is_acr_eular_2016(label: str) -> bool:
    text = label.upper()
    return "2016" in text and ("ACR" in text or "EULAR" in text)


def _is_aecg_2002(label: str) -> bool:
    text = label.upper()
    return "AECG" in text or ("2002" in text and ("EUROPEAN" in text or "VITALI" in text))


# -- record facts used as fallbacks for classification items ---------------------------------------------------


def lowest_observation(ctx: ScreeningContext, test_id: str) -> tuple[float | None, Evidence | None]:
    """The lowest recorded result on or before the as-of date (a "≤ cut-off" item present at any time)."""
    series = ctx.observations(test_id)
    if not series:
        return None, None
    low = min(series, key=lambda o: o.value)
    return low.value, ctx.evidence_of(low)


def _fill_2016(ctx: ScreeningContext, items: AcrEular2016Items) -> tuple[AcrEular2016Items, list[Evidence]]:
    update: dict[str, Any] = {}
    evidence: list[Evidence] = []
    if items.anti_ssa_ro is None:
        status, ev = serology_status(ctx, "anti_ssa")
        if status is not None:
            update["anti_ssa_ro"] = status
            evidence.append(ev.model_copy(update={"label": f"{ev.label} (item anti_ssa_ro from serology)"}))
    if items.unstimulated_whole_saliva_ml_min is None:
        low, ev = lowest_observation(ctx, "salivary_flow_unstimulated")
        if low is not None:
            update["unstimulated_whole_saliva_ml_min"] = low
            evidence.append(ev.model_copy(update={"label": f"{ev.label} (lowest recorded; item from labs)"}))
    return (items.model_copy(update=update) if update else items), evidence


def _fill_aecg(ctx: ScreeningContext, items: Aecg2002Items) -> tuple[Aecg2002Items, list[Evidence]]:
    update: dict[str, Any] = {}
    evidence: list[Evidence] = []
    for field, test in (("anti_ro_ssa", "anti_ssa"), ("anti_la_ssb", "anti_ssb")):
        if getattr(items, field) is None:
            status, ev = serology_status(ctx, test)
            if status is not None:
                update[field] = status
                evidence.append(ev.model_copy(update={"label": f"{ev.label} (item {field} from serology)"}))
    if items.unstimulated_whole_salivary_flow_ml_15min is None:
        low, ev = lowest_observation(ctx, "salivary_flow_unstimulated")
        if low is not None:
            update["unstimulated_whole_salivary_flow_ml_15min"] = low * 15
            evidence.append(ev.model_copy(update={"label": f"{ev.label} (lowest recorded, x 15 min for item V)"}))
    return (items.model_copy(update=update) if update else items), evidence


# -- ESSDAI ---------------------------------------------------------------------------------------------------


def essdai_score(ctx: ScreeningContext, params: dict[str, Any]) -> tuple[ScoreResult | None, list[Evidence], ValueResult | None]:
    """(score, evidence, early answer) from the latest ``sjogren.essdai`` assessment in ``within``.

    Domains given -> `scores.essdai` (bounded when some are unassessed). A total entered without domains ->
    `scores.essdai_from_total` (``total_entered``). Domains incomplete *and* a total entered: the total is used
    when it lies within the domains' bounds (marked entered), and sent to review when it does not.
    """
    within = window_param(params)
    parsed = ctx.assessment(ESSDAI, within)
    if parsed is None:
        return None, [], ValueResult(missing=(f"ESSDAI assessment{within_text(within)}",))
    total = parsed.assessment.total
    head = Evidence(label="ESSDAI assessment", value="domains" if parsed.items is not None else "total only",
                    date=parsed.assessment.date, source=parsed.source)
    if parsed.items is None and total is None:
        return None, [head], ValueResult(missing=(f"ESSDAI domains or total ({parsed.source})",), evidence=(head,))
    if total is not None and (total != int(total) or not 0 <= total <= scores.ESSDAI_MAXIMUM):
        return None, [head], ValueResult(review=f"ESSDAI total {total:g} is not an integer in 0..{scores.ESSDAI_MAXIMUM} "
                                         f"({parsed.source})", evidence=(head,))
    if parsed.items is None:
        return scores.essdai_from_total(int(total)), [head], None
    score = scores.essdai(parsed.items)
    if total is None or score.complete:
        note = None
        if total is not None and total != score.total:
            note = f"entered total {total:g} differs from the domain sum {score.total:g}; the domain sum is used"
        return (score.model_copy(update={"note": note}) if note else score), [head], None
    if score.minimum <= total <= score.maximum:
        entered = ScoreResult(instrument=ESSDAI, total=total, minimum=total, maximum=total,
                              contributing=score.contributing, total_entered=True,
                              note=f"total entered; {len(score.missing)} domain(s) not itemised")
        return entered, [head], None
    return None, [head], ValueResult(
        review=f"entered ESSDAI total {total:g} is outside what the recorded domains allow "
               f"({score.minimum:g}-{score.maximum:g}) ({parsed.source})", evidence=(head,))


def _essdai_evidence(score: ScoreResult, head: list[Evidence]) -> tuple[Evidence, ...]:
    shown = score.total if score.total is not None else f"{score.minimum:g}-{score.maximum:g} (incomplete)"
    label = "ESSDAI" + (" (total entered, no item breakdown)" if score.total_entered else "")
    items = [Evidence(label=f"  {i.label or i.item}", value=i.points, source=ESSDAI) for i in score.contributing]
    return (*head, Evidence(label=label, value=shown, source="sjogren.essdai"), *items)


def _essdai_missing(score: ScoreResult, head: list[Evidence]) -> list[str]:
    where = f" ({head[0].source}, {head[0].date})" if head else ""
    return [f"ESSDAI domain: {d}{where}" for d in score.missing]


def essdai_value(ctx: ScreeningContext, params: dict[str, Any]) -> ValueResult:
    """ESSDAI total (0-123) from the latest assessment; unknown unless all 12 domains are rated (or a total is
    entered, which is accepted and marked).

    Seror R et al. EULAR Sjögren's syndrome disease activity index: development of a consensus systemic disease
    activity index for primary Sjögren's syndrome. Ann Rheum Dis 2010;69:1103-09 (weights Table 2, levels
    Table 3); user guide Seror R et al. RMD Open 2015;1:e000022. Scoring: `trialscreen_sjogren.scores.essdai`.
    """
    score, head, early = essdai_score(ctx, params)
    if early is not None:
        return early
    evidence = _essdai_evidence(score, head)
    if score.total is None:
        return ValueResult(missing=tuple(_essdai_missing(score, head)), evidence=evidence, note=score.note)
    return ValueResult(value=score.total, evidence=evidence,
                       note="total entered without domain items" if score.total_entered else score.note)


def essdai_activity(ctx: ScreeningContext, params: dict[str, Any]) -> ValueResult:
    """ESSDAI activity level: "low" (< 5), "moderate" (5-13) or "high" (>= 14), decided from the bounds when
    some domains are unrated (unknown when the bounds straddle a cut-off).

    Seror R et al. Ann Rheum Dis 2016;75:382-89 (abstract: ESSDAI < 5 low, 5-13 moderate, >= 14 high).
    `trialscreen_sjogren.scores.essdai_activity_band`.
    """
    score, head, early = essdai_score(ctx, params)
    if early is not None:
        return early
    evidence = _essdai_evidence(score, head)
    band = scores.essdai_activity_band(score)
    if band is None:
        return ValueResult(missing=tuple(_essdai_missing(score, head)), evidence=evidence,
                           note=f"ESSDAI {score.minimum:g}-{score.maximum:g} spans more than one activity level")
    return ValueResult(value=band, evidence=evidence, note="total entered without domain items" if score.total_entered else None)


def essdai_at_least(ctx: ScreeningContext, params: dict[str, Any]) -> ValueResult:
    """ESSDAI >= ``threshold`` (default 5, "active disease" in protocols 002 and 004), decided from the bounds:
    true once the rated domains already reach it, false when even the unrated domains at their highest cannot.

    Threshold: Seror R et al. Ann Rheum Dis 2016;75:382-89 (moderate activity from 5). Pure rule:
    `trialscreen_sjogren.criteria.essdai_active`.
    """
    score, head, early = essdai_score(ctx, params)
    if early is not None:
        return early
    result = criteria.essdai_active(score, float(params.get("threshold", 5)))
    result = _unanswered(result, _essdai_missing(score, head))
    return result.model_copy(update={"evidence": _essdai_evidence(score, head)})


# -- classification criteria ----------------------------------------------------------------------------------


def _classified(ctx: ScreeningContext, params: dict[str, Any], *, instrument: str, name: str,
                classify: Callable[[Any], ValueResult], fill: Callable[[ScreeningContext, Any], tuple[Any, list[Evidence]]],
                matches: Callable[[str], bool], total_threshold: float | None) -> ValueResult:
    """Classification from the latest assessment's items (with record fallbacks), or a documented one.

    Items that decide it win; when they decide "not classified" but the chart documents the classification, the
    investigator reviews the conflict. A documented classification answers when items are absent or undecided.
    """
    within = window_param(params)
    documented = documented_classification(ctx, INDICATION, matches) if params.get("accept_documented", True) else []
    parsed = ctx.assessment(instrument, within)
    computed: ValueResult | None = None
    if parsed is not None and parsed.items is not None:
        items, extra = fill(ctx, parsed.items)
        computed = _with_evidence(classify(items), [_assessment_evidence(parsed, f"{name} assessment"), *extra])
    elif parsed is not None and parsed.assessment.total is not None:
        total = parsed.assessment.total
        ev = Evidence(label=f"{name} score (total entered, no items)", value=total, date=parsed.assessment.date,
                      source=parsed.source)
        if total_threshold is not None and total < total_threshold:
            computed = ValueResult(value=False, evidence=(ev,), note="total entered without items")
        else:
            computed = ValueResult(missing=(f"{name} items: entry criterion and exclusions ({parsed.source})",),
                                   evidence=(ev,))
    return documented_or_computed(
        computed, documented, note="documented classification",
        undecided_note="documented classification; recorded items undecided",
        conflict=f"{name}: documented as met, but the recorded items do not meet it",
        missing=f"{name} items (assessment {instrument}{within_text(within)}) or a documented "
                "classification (diagnoses[].classification)")


def acr_eular_2016(ctx: ScreeningContext, params: dict[str, Any]) -> ValueResult:
    """Primary Sjögren's by the 2016 ACR/EULAR criteria (entry criterion, no exclusion, weighted score >= 4).

    Shiboski CH et al. 2016 American College of Rheumatology/European League Against Rheumatism classification
    criteria for primary Sjögren's syndrome. Ann Rheum Dis 2017;76:9-16 (Table 3). From the latest
    ``sjogren.acr_eular_2016`` assessment (`trialscreen_sjogren.criteria.acr_eular_2016_classified`); an
    unanswered anti-SSA/Ro item is taken from the ``anti_ssa`` serology (ever positive) and an unanswered
    unstimulated saliva item from the lowest recorded ``salivary_flow_unstimulated``. A classification
    documented in ``diagnoses[].classification`` (a label with "2016" and ACR or EULAR) answers when the items
    do not decide it. A total entered without items decides only "not classified" (< 4).
    """
    return _classified(ctx, params, instrument=ACR_EULAR_2016, name="2016 ACR/EULAR classification",
                       classify=criteria.acr_eular_2016_classified, fill=_fill_2016, matches=_is_acr_eular_2016,
                       total_threshold=scores.ACR_EULAR_2016_THRESHOLD)


def aecg_2002(ctx: ScreeningContext, params: dict[str, Any]) -> ValueResult:
    """Primary Sjögren's by the 2002 American-European Consensus Group criteria.

    Vitali C et al. Classification criteria for Sjögren's syndrome: a revised version of the European criteria
    proposed by the American-European Consensus Group. Ann Rheum Dis 2002;61:554-58 (Tables 2-3). From the
    latest ``sjogren.aecg_2002`` assessment (`trialscreen_sjogren.criteria.aecg_2002_classified`, decided over
    the unknown items); unanswered items VI (anti-Ro/SSA, anti-La/SSB) are taken from the serologies and item V's
    unstimulated flow from the lowest recorded ``salivary_flow_unstimulated`` (x 15 min). A documented
    classification (a label with "AECG", or "2002" with "European"/"Vitali") answers when the items do not.
    """
    return _classified(ctx, params, instrument=AECG_2002, name="2002 AECG classification",
                       classify=criteria.aecg_2002_classified, fill=_fill_aecg, matches=_is_aecg_2002,
                       total_threshold=None)


# -- protocol 002 ---------------------------------------------------------------------------------------------


def salivary_flow_p002(ctx: ScreeningContext, params: dict[str, Any]) -> ValueResult:
    """Protocol 002 (NCT07212322): "Unstimulated whole salivary flow rate >=0.05 mL/min or stimulated whole
    salivary flow rate >=0.01 mL/min at screening" -- the latest of each in ``within`` (default 28 days).

    Source: the protocol text (no published definition); `trialscreen_sjogren.criteria.protocol_002_salivary_flow`
    (true if either measured rate meets its cut-off, false only if both were measured and neither does).
    """
    within = window_param(params)
    unstim = ctx.observation("salivary_flow_unstimulated", within)
    stim = ctx.observation("salivary_flow_stimulated", within)
    result = criteria.protocol_002_salivary_flow(unstim.value if unstim else None, stim.value if stim else None)
    evidence = tuple(ctx.evidence_of(o) for o in (unstim, stim) if o is not None)
    result = _unanswered(result, [f"{m}{within_text(within)}" for m in result.missing])
    return result.model_copy(update={"evidence": evidence})


# -- protocol 004 exclusions ----------------------------------------------------------------------------------


def cirrhosis_p004(ctx: ScreeningContext, params: dict[str, Any]) -> ValueResult:
    """Protocol 004 Sjögren's exclusion 1, "Combined cirrhosis of the liver": true when the history holds a
    ``liver_cirrhosis`` event (cirrhosis is lasting, so any date counts); false only when that category was
    reviewed. Source: protocol 004 text (CHEC2024-181); `criteria.protocol_004_exclusion_cirrhosis`.
    """
    events = history_events(ctx, "liver_cirrhosis")
    if events:
        result = criteria.protocol_004_exclusion_cirrhosis(True)
        return result.model_copy(update={"evidence": tuple(
            Evidence(label=e.description or "liver cirrhosis", value=e.code or True, date=e.date,
                     source=f"history.events[{i}]") for i, e in events)})
    if ctx.history_reviewed("liver_cirrhosis"):
        result = criteria.protocol_004_exclusion_cirrhosis(False)
        return result.model_copy(update={"evidence": (Evidence(label="history of liver cirrhosis", value="none recorded",
                                                               source="history.reviewed"),)})
    return ValueResult(missing=("history of liver cirrhosis (category liver_cirrhosis not recorded as reviewed)",))


#: Event codes within ``bone_marrow_failure`` that name one of the three disorders of the exclusion.
MARROW_CODES = {
    "aplastic_anaemia": "aplastic_anaemia", "aplastic_anemia": "aplastic_anaemia", "aa": "aplastic_anaemia",
    "myelodysplastic_syndrome": "myelodysplastic_syndrome", "mds": "myelodysplastic_syndrome",
    "myeloproliferative_disease": "myeloproliferative_disease", "myeloproliferative_neoplasm": "myeloproliferative_disease",
    "mpd": "myeloproliferative_disease", "mpn": "myeloproliferative_disease",
}


def marrow_disorder_p004(ctx: ScreeningContext, params: dict[str, Any]) -> ValueResult:
    """Protocol 004 Sjögren's exclusion 2, "Combination of aplastic anemia (AA), myelodysplastic syndrome (MDS),
    or other myeloproliferative disease (MPD)": true when the history holds a ``bone_marrow_failure`` event (the
    category is exactly these disorders; a code such as ``mds`` names which); false only when that category was
    reviewed. Source: protocol 004 text; `criteria.protocol_004_exclusion_marrow_disorder` (any one suffices).
    """
    events = history_events(ctx, "bone_marrow_failure")
    evidence = tuple(Evidence(label=e.description or "aplastic anaemia / MDS / myeloproliferative disease",
                              value=e.code or True, date=e.date, source=f"history.events[{i}]") for i, e in events)
    if events:
        named = {MARROW_CODES.get((e.code or "").lower()) for _, e in events} - {None}
        if not named:  # an uncoded event in the category is one of the three by definition
            return ValueResult(value=True, evidence=evidence,
                               note="event in category bone_marrow_failure (AA, MDS or MPD) without a finer code")
        flags = {k: (k in named) or None for k in ("aplastic_anaemia", "myelodysplastic_syndrome", "myeloproliferative_disease")}
        result = criteria.protocol_004_exclusion_marrow_disorder(**flags)
        return result.model_copy(update={"evidence": (*evidence, *result.evidence)})
    if ctx.history_reviewed("bone_marrow_failure"):
        result = criteria.protocol_004_exclusion_marrow_disorder(False, False, False)
        return result.model_copy(update={"evidence": (Evidence(
            label="history of aplastic anaemia, MDS or myeloproliferative disease", value="none recorded",
            source="history.reviewed"),)})
    return ValueResult(missing=("history of aplastic anaemia, MDS or myeloproliferative disease (category "
                                "bone_marrow_failure not recorded as reviewed)",))


# -- protocol 004 refractoriness ------------------------------------------------------------------------------


def months_between(start: date, end: date) -> float:
    """Calendar months from `start` to `end`: whole months (start + n months <= end) plus the fraction of the next
    month, so the result exceeds 6 exactly when `end` is after ``start + 6 calendar months``."""
    if end <= start:
        return 0.0
    whole = 0
    while start + relativedelta(months=whole + 1) <= end:
        whole += 1
    anchor = start + relativedelta(months=whole)
    following = start + relativedelta(months=whole + 1)
    return whole + (end - anchor).days / (following - anchor).days


def _next_above(threshold: float) -> float:
    """The smallest 10-significant-digit number above `threshold`: the core compares cleaned (10-digit) doses with
    ``>=``, so ``>= _next_above(t)`` is exactly ``> t`` at the core's precision."""
    step = 10 ** (math.floor(math.log10(threshold)) - 9)
    return float(format(threshold + step, ".10g"))


def _course_span(ctx: ScreeningContext, exp: Exposure) -> tuple[date, date] | None:
    med = exp.medication
    end = ctx.last_exposure(exp)
    if med.start_date is None or end is None:
        return None
    return med.start_date, min(end, ctx.as_of)


def _drug_months(ctx: ScreeningContext, courses: list[Exposure]) -> float | None:
    """Cumulative months of one drug: overlapping courses merged, disjoint ones added; None if a course is undated."""
    spans = []
    for exp in courses:
        span = _course_span(ctx, exp)
        if span is None:
            return None
        spans.append(span)
    spans.sort()
    merged: list[list[date]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return sum(months_between(s, e) for s, e in merged)


def _name(exp: Exposure) -> str:
    return exp.drug.name if exp.drug else exp.medication.drug


def refractory_p004(ctx: ScreeningContext, params: dict[str, Any]) -> ValueResult:
    """Protocol 004 (CHEC2024-181) Sjögren's inclusion 3 -- the same sentence as its SSc and IIM arms, which use this
    one implementation through ``ssc.relapsed_refractory_p004``: "Ineffective conventional treatment or relapse of
    disease activity after remission", with routine treatment = glucocorticoids above 1 mg/kg/d AND cyclophosphamide AND
    a listed immunomodulator for more than 6 months. Source: protocol 004 text only; the conservative reading of
    the garbled text is `trialscreen_sjogren.criteria.protocol_004_refractory` (unresolved names such as
    mycophenolate/"mertiomate" or telitacicept/"tetracycline" go to review, never counted automatically).

    Fed from the medication history:
    * glucocorticoid > 1 mg/kg/day prednisone-equivalent in any dated course: ``core.exposure_duration_at_least``
      (class glucocorticoid, ``min_prednisone_eq_mg_per_kg_per_day`` just above 1 at the core's 10-digit
      precision, so exactly 1 mg/kg/day does not count; current body weight);
    * cyclophosphamide and each other drug with its cumulative months (courses merged per drug; an ongoing course
      runs to the as-of date); "none" only when ``medications.complete``;
    * the outcome: any course of these drugs with outcome ``failure`` = ineffective, ``relapse`` = relapse after
      remission; "neither" only when every such course has a known outcome and the history is complete.

    A drug the catalogue does not know, under a name the protocol does not list (``Ciclofosfamida``), may be
    cyclophosphamide or a listed drug: "no cyclophosphamide", "no listed drug for more than 6 months" (if it was
    taken that long, or undated) and "neither failure nor relapse" (if its outcome is one of them, or unknown) are
    then unknown, naming its identity as missing -- as the core's class queries do.
    """
    evidence: list[Evidence] = []
    complete = ctx.medication_history_complete
    gc_result = ctx.value("core.exposure_duration_at_least", {
        "classes": ["glucocorticoid"], "min_prednisone_eq_mg_per_kg_per_day": _next_above(1.0)})
    gc_above = gc_result.value if isinstance(gc_result.value, bool) else None
    evidence.append(Evidence(label="glucocorticoid above 1 mg/kg/day prednisone-equivalent", value=gc_above,
                             source="core.exposure_duration_at_least"))
    evidence.extend(gc_result.evidence if gc_above else ())
    gc_missing = [] if gc_above is not None else list(gc_result.missing)

    by_drug: dict[str, list[Exposure]] = {}
    glucocorticoids: list[Exposure] = []
    for exp in ctx.record.exposures:
        if ctx.in_window(exp.medication.start_date, None) is False:
            continue  # started after the as-of date
        if exp.drug is not None and "glucocorticoid" in exp.drug.classes:
            glucocorticoids.append(exp)
        else:
            by_drug.setdefault(_name(exp), []).append(exp)
    exposures = tuple(DrugExposure(name=name, months=_drug_months(ctx, courses)) for name, courses in by_drug.items())
    for drug in exposures:
        evidence.append(Evidence(label=f"{drug.name}: cumulative months",
                                 value=None if drug.months is None else round(drug.months, 2), source="medications"))
    # A drug the catalogue does not know, under a name the protocol does not list ("Ciclofosfamida"), may be
    # cyclophosphamide or a listed drug under another name: no part it could change is decided "no" while it is
    # unidentified (as the core's class queries do), and its identity is what is missing.
    unidentified = [exp for courses in by_drug.values() for exp in courses if exp.drug is None
                    and criteria.classify_protocol_004_drug(exp.medication.drug)[0] == "not_listed"]
    identities = [f"identity of {e.medication.drug!r} ({e.source}: not in the drug catalogue)" for e in unidentified]
    unidentified_long = any(d.months is None or d.months > 6 for d in exposures
                            if d.name in {e.medication.drug for e in unidentified})
    listed_long = any(criteria.classify_protocol_004_drug(d.name)[0] == "listed" and d.months is not None and d.months > 6
                      for d in exposures)
    immunomodulators = exposures if ((complete and not unidentified_long) or listed_long) else None
    cyclophosphamide = any(criteria.classify_protocol_004_drug(d.name) == ("listed", "cyclophosphamide") for d in exposures)
    cyc_used = True if cyclophosphamide else (False if complete and not unidentified else None)

    counted = [*glucocorticoids, *(exp for name, courses in by_drug.items() for exp in courses
                                   if criteria.classify_protocol_004_drug(name)[0] in ("listed", "unresolved"))]
    outcomes = [exp.medication.outcome for exp in counted]
    ineffective: bool | None = True if "failure" in outcomes else None
    relapse: bool | None = True if "relapse" in outcomes else None
    unidentified_failed = any(e.medication.outcome in (None, "unknown", "failure", "relapse") for e in unidentified)
    if ineffective is None and relapse is None and complete and not unidentified_failed \
            and all(o not in (None, "unknown") for o in outcomes):
        ineffective = relapse = False
    for exp in counted:
        if exp.medication.outcome in ("failure", "relapse"):
            evidence.append(Evidence(label=f"{_name(exp)} outcome", value=exp.medication.outcome,
                                     date=ctx.last_exposure(exp), source=f"{exp.source}.outcome"))

    facts = ConventionalTreatmentFacts(glucocorticoid_above_1_mg_per_kg_day=gc_above, cyclophosphamide_used=cyc_used,
                                       immunomodulators=immunomodulators,
                                       conventional_treatment_ineffective=ineffective, relapse_after_remission=relapse)
    result = criteria.protocol_004_refractory(facts)
    if result.value is None and result.review is None:
        named = [m for m in result.missing if not m.startswith("maximum glucocorticoid dose")]
        for label, incomplete in (("immunomodulator history (drugs and durations)",
                                   "complete medication history (immunomodulators and their durations)"),
                                  ("cyclophosphamide use", "complete medication history (cyclophosphamide use)")):
            if label in named:
                at = named.index(label)
                named[at:at + 1] = [incomplete] if not complete else identities
        for label in ("conventional treatment ineffective", "relapse after remission"):
            if label in named:
                named[named.index(label)] = f"{label} (outcome of the glucocorticoid/immunomodulator courses)"
                named += identities if complete and unidentified_failed else []
        result = ValueResult(missing=tuple(dict.fromkeys([*gc_missing, *named])) or result.missing,
                             evidence=result.evidence, note=result.note)
    return result.model_copy(update={"evidence": (*result.evidence, *evidence)})
