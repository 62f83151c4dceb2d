"""Systemic sclerosis values and predicates computed from the patient record (the compute functions behind
`trialscreen_ssc.plugin`).

Each function takes a `trialscreen.facts.context.ScreeningContext` and the call's parameters and returns a
three-valued `ValueResult`: a value with the evidence it rests on, or what is missing (or why the investigator
must decide). Missing data never passes. The clinical logic is the cited, tested pure code in
`trialscreen_ssc.scores` and `trialscreen_ssc.criteria`; this module finds the facts in the record:

* assessments of ``ssc.mrss`` (17-area mRSS), ``ssc.acr_eular_2013`` (classification items) and
  ``ssc.chest_hrct`` (HRCT findings);
* documented classifications in ``diagnoses[].classification`` and the cutaneous subset in
  ``diagnoses[].condition`` of SSC diagnoses;
* this plugin's observation tests ``fvc_pct_predicted`` / ``dlco_pct_predicted`` and serologies
  ``anticentromere`` / ``anti_scl70`` / ``anti_rnap3``;
* this plugin's history categories ``raynaud_phenomenon``, ``ssc_first_non_raynaud_manifestation`` and
  ``interstitial_lung_disease`` (the event date of the earliest one is the first occurrence);
* the medication history, through the core predicates (``core.exposure_duration_at_least``,
  ``core.distinct_agents_at_least``), and for protocol 004 through the Sjögren's plugin's
  ``sjogren.refractory_p004`` (the same protocol sentence).
"""

from __future__ import annotations

from typing import Any

from trialscreen.facts.context import ScreeningContext
from trialscreen.facts.record import ParsedAssessment
from trialscreen.plugins.helpers import (
    and3,
    assessment_score,
    assessment_score_evidence,
    combined_exposure,
    documented_classification,
    documented_or_computed,
    history_events,
    serology_status,
    tri,
    within_text,
)
from trialscreen.plugins.results import answer, window_param
from trialscreen.plugins.types import Evidence, ScoreResult, ValueResult
from trialscreen.rules.model import Window

from trialscreen_ssc import criteria, scores
from trialscreen_ssc.items import SSC_2013_THRESHOLD, Ssc2013Items, SscSubtype

MRSS = scores.MRSS_INSTRUMENT  # "ssc.mrss"
ACR_EULAR_2013 = scores.SSC_2013_INSTRUMENT  # "ssc.acr_eular_2013"
CHEST_HRCT = "ssc.chest_hrct"
INDICATION = "SSC"

RAYNAUD = "raynaud_phenomenon"
NON_RAYNAUD = "ssc_first_non_raynaud_manifestation"
ILD = "interstitial_lung_disease"
FVC = "fvc_pct_predicted"
DLCO = "dlco_pct_predicted"

#: Classification items that a serology can answer when the assessment leaves them blank (ever positive).
SEROLOGY_ITEMS = {"anticentromere": "anticentromere", "anti_topoisomerase_i": "anti_scl70",
                  "anti_rna_polymerase_iii": "anti_rnap3"}

#: Screening measurements default to the latest result within 28 days (the screening window nct07212322 uses).
SCREENING_WINDOW = {"days": 28}

#: "Immunosuppressive/immunomodulatory drug" (protocol 002) as catalogue classes. Antimalarials are left out by
#: default (a narrower set cannot wrongly admit a patient as refractory); a ruleset may add them.
IMMUNOSUPPRESSANT_CLASSES = ["conventional_immunosuppressant", "bdmard", "tsdmard", "b_cell_depleting", "ivig"]

# -- shared helpers -------------------------------------------------------------------------------------------


def _event_evidence(i: int, event: Any, label: str) -> Evidence:
    return Evidence(label=event.description or label, value=event.code or True, date=event.date,
                    source=f"history.events[{i}]")


def _is_2013(label: str) -> bool:
    text = label.upper()
    return "2013" in text and ("ACR" in text or "EULAR" in text)


# -- mRSS -----------------------------------------------------------------------------------------------------


def _mrss_score(ctx: ScreeningContext, parsed: ParsedAssessment) -> ScoreResult | ValueResult:
    return assessment_score(parsed, scores.mrss, "mRSS", MRSS)


def mrss_value(ctx: ScreeningContext, params: dict[str, Any]) -> ValueResult:
    """Modified Rodnan skin score (0-51) from the latest ``ssc.mrss`` assessment in ``within``; unknown unless all
    17 areas are graded (or a total is entered, which is accepted and marked).

    Clements PJ, Lachenbruch PA, Seibold JR, et al. J Rheumatol 1995;22:1281-5; Khanna D, Furst DE, Clements PJ,
    et al. J Scleroderma Relat Disord 2017;2:11-18. Scoring: `trialscreen_ssc.scores.mrss`.
    """
    within = window_param(params)
    parsed = ctx.assessment(MRSS, within)
    if parsed is None:
        return ValueResult(missing=(f"mRSS assessment{within_text(within)}",))
    score = _mrss_score(ctx, parsed)
    if isinstance(score, ValueResult):
        return score
    evidence = assessment_score_evidence(score, parsed, "mRSS")
    if score.total is None:
        return ValueResult(missing=tuple(f"mRSS area: {a} ({parsed.source})" for a in score.missing), evidence=evidence)
    return ValueResult(value=score.total, evidence=evidence,
                       note="total entered without items" if score.total_entered else score.note)


def mrss_progression(ctx: ScreeningContext, params: dict[str, Any]) -> ValueResult:
    """Protocol 004 cutaneous progression, "increase in mRSS >10%": the latest mRSS in ``within`` (default 12
    months) against the earliest one in the same window, strictly more than ``threshold_pct`` (10) percent
    higher. Needs two dated assessments; incomplete scores are decided from their bounds.

    Source of the rule: protocol 004 text (CHEC2024-181); `trialscreen_ssc.criteria.mrss_progression` (exact
    decimal arithmetic; exactly +10% is not progression; from a baseline of 0 any increase goes to review).
    The protocol names no interval; the earliest assessment in the window is the baseline (pass ``within``).
    """
    within = window_param(params)
    assessed = ctx.assessments(MRSS, within)
    if len(assessed) < 2:
        return ValueResult(missing=(f"two dated mRSS assessments{within_text(within)} (found {len(assessed)})",))
    baseline, current = assessed[0], assessed[-1]
    if baseline.assessment.date == current.assessment.date:
        return ValueResult(missing=(f"two mRSS assessments on different dates{within_text(within)}",))
    first, last = _mrss_score(ctx, baseline), _mrss_score(ctx, current)
    for s in (first, last):
        if isinstance(s, ValueResult):
            return s
    evidence = (*assessment_score_evidence(first, baseline, "baseline mRSS"), *assessment_score_evidence(last, current, "latest mRSS"))
    threshold = float(params.get("threshold_pct", 10))
    if first.total and last.total is not None:
        change = (last.total - first.total) * 100 / first.total
        evidence = (*evidence, Evidence(label="mRSS change from baseline", value=round(change, 2), unit="%",
                                        source="ssc.mrss_progression"))
    decided = criteria.mrss_progression(first, last, threshold)
    if decided is None:
        if first.total == 0:
            return ValueResult(review="baseline mRSS is 0: a relative increase from 0 is undefined", evidence=evidence)
        return ValueResult(missing=tuple(f"mRSS area: {a}" for a in (*first.missing, *last.missing)) or
                           ("complete mRSS assessments",), evidence=evidence)
    return ValueResult(value=decided, evidence=evidence)


# -- 2013 ACR/EULAR classification ------------------------------------------------------------------------------


def _fill_2013(ctx: ScreeningContext, items: Ssc2013Items) -> tuple[Ssc2013Items, list[Evidence]]:
    update: dict[str, Any] = {}
    evidence: list[Evidence] = []
    for field, test in SEROLOGY_ITEMS.items():
        if getattr(items, field) is None:
            status, ev = serology_status(ctx, test)
            if status is not None:
                update[field] = status
                evidence.append(ev.model_copy(update={"label": f"{ev.label} (item {field} from serology)"}))
    return (items.model_copy(update=update) if update else items), evidence


def acr_eular_2013_score(ctx: ScreeningContext, params: dict[str, Any]) -> ValueResult:
    """2013 ACR/EULAR SSc criteria total (sum of the highest weight per category) from the latest
    ``ssc.acr_eular_2013`` assessment in ``within`` (default: any time); unanswered autoantibody items are taken
    from the serologies. Unknown unless every category is decided.

    van den Hoogen F, Khanna D, Fransen J, et al. 2013 classification criteria for systemic sclerosis. Arthritis
    Rheum 2013;65:2737-47 / Ann Rheum Dis 2013;72:1747-55 (Table 1). Scoring: `scores.ssc_2013_score`.
    """
    within = window_param(params)
    parsed = ctx.assessment(ACR_EULAR_2013, within)
    if parsed is None:
        return ValueResult(missing=(f"2013 ACR/EULAR classification items{within_text(within)}",))
    extra: list[Evidence] = []
    if parsed.items is not None:
        items, extra = _fill_2013(ctx, parsed.items)
        parsed = ParsedAssessment(parsed.assessment, items, parsed.source)
    score = assessment_score(parsed, scores.ssc_2013_score, "2013 ACR/EULAR", ACR_EULAR_2013)
    if isinstance(score, ValueResult):
        return score
    evidence = (*assessment_score_evidence(score, parsed, "2013 ACR/EULAR SSc score"), *extra)
    if score.total is None:
        return ValueResult(missing=tuple(f"2013 ACR/EULAR item: {m} ({parsed.source})" for m in score.missing),
                           evidence=evidence)
    return ValueResult(value=score.total, evidence=evidence,
                       note="total entered without items" if score.total_entered else None)


def acr_eular_2013(ctx: ScreeningContext, params: dict[str, Any]) -> ValueResult:
    """Classified as SSc by the 2013 ACR/EULAR criteria: total >= 9 and the criteria applicable (not skin
    thickening sparing the fingers, not a better-explaining scleroderma-like disorder).

    van den Hoogen F et al. Arthritis Rheum 2013;65:2737-47 / Ann Rheum Dis 2013;72:1747-55. From the latest
    ``ssc.acr_eular_2013`` assessment (`criteria.ssc_2013_classified`; autoantibody items from the serologies
    when blank). A classification documented in ``diagnoses[].classification`` (a label with "2013" and ACR or
    EULAR) answers when the items do not decide it; items deciding "not classified" against a documented
    classification go to review. A total entered without items decides only "not classified" (< 9): the
    applicability conditions need the items.
    """
    within = window_param(params)
    documented = documented_classification(ctx, INDICATION, _is_2013) if params.get("accept_documented", True) else []
    parsed = ctx.assessment(ACR_EULAR_2013, within)
    computed: ValueResult | None = None
    if parsed is not None and parsed.items is not None:
        items, extra = _fill_2013(ctx, parsed.items)
        score = scores.ssc_2013_score(items)
        decided = criteria.ssc_2013_classified(items)
        evidence = (*assessment_score_evidence(score, parsed, "2013 ACR/EULAR SSc score"), *extra)
        missing = [f"2013 ACR/EULAR item: {m} ({parsed.source})" for m in score.missing]
        for field in ("skin_thickening_sparing_fingers", "better_explained_by_scleroderma_like_disorder"):
            if getattr(items, field) is None:
                missing.append(f"2013 ACR/EULAR applicability: {field} ({parsed.source})")
        computed = answer(decided, evidence=evidence, missing=missing)
    elif parsed is not None and parsed.assessment.total is not None:
        total = parsed.assessment.total
        ev = Evidence(label="2013 ACR/EULAR SSc score (total entered, no items)", value=total,
                      date=parsed.assessment.date, source=parsed.source)
        if total < SSC_2013_THRESHOLD:
            computed = ValueResult(value=False, evidence=(ev,), note="total entered without items")
        else:
            computed = ValueResult(missing=(f"2013 ACR/EULAR applicability items ({parsed.source})",), evidence=(ev,))
    return documented_or_computed(
        computed, documented, note="documented classification",
        conflict="2013 ACR/EULAR classification documented as met, but the recorded items do not meet it",
        missing=f"2013 ACR/EULAR classification items (assessment {ACR_EULAR_2013}{within_text(within)}) or a "
                "documented classification (diagnoses[].classification)")


# -- cutaneous subset -----------------------------------------------------------------------------------------

_SUBSETS = {
    "diffuse": SscSubtype.DIFFUSE, "dcssc": SscSubtype.DIFFUSE, "diffuse cutaneous": SscSubtype.DIFFUSE,
    "diffuse cutaneous ssc": SscSubtype.DIFFUSE, "diffuse cutaneous systemic sclerosis": SscSubtype.DIFFUSE,
    "limited": SscSubtype.LIMITED, "lcssc": SscSubtype.LIMITED, "limited cutaneous": SscSubtype.LIMITED,
    "limited cutaneous ssc": SscSubtype.LIMITED, "limited cutaneous systemic sclerosis": SscSubtype.LIMITED,
    "crest": SscSubtype.LIMITED,
    "sine": SscSubtype.SINE_SCLERODERMA, "sine scleroderma": SscSubtype.SINE_SCLERODERMA,
    "sssc": SscSubtype.SINE_SCLERODERMA, "sscss": SscSubtype.SINE_SCLERODERMA,
    "ssc sine scleroderma": SscSubtype.SINE_SCLERODERMA,
}
#: mRSS areas that lie proximal to the elbows/knees or on the trunk (LeRoy-Medsger "diffuse" regions).
_PROXIMAL_AREAS = ("anterior_chest", "abdomen", "right_upper_arm", "left_upper_arm", "right_thigh", "left_thigh")


def _subset_key(text: str) -> str:
    return " ".join(text.lower().replace("-", " ").replace("_", " ").split())


def cutaneous_subset(ctx: ScreeningContext, params: dict[str, Any]) -> ValueResult:
    """The cutaneous subset is one of ``subsets`` (default diffuse or limited, protocol 002: "classified as
    diffuse cutaneous or limited cutaneous subtype").

    Subsets: LeRoy EC, Black C, Fleischmajer R, et al. J Rheumatol 1988;15:202-5 (`criteria.p002_subtype_ok`,
    `criteria.ssc_subtype_from_extent`). Read from the SSC diagnosis's ``condition`` (diffuse / dcSSc, limited /
    lcSSc / CREST, sine scleroderma); an unrecognised condition goes to review. Without one, the latest mRSS can
    only show the diffuse subset (skin thickening on the upper arm, thigh, chest or abdomen); it cannot show the
    limited subset (the back and neck are not mRSS areas), so that stays unknown.
    """
    wanted = {_SUBSETS.get(_subset_key(s), s) for s in params.get("subsets") or ("diffuse", "limited")}
    for i, dx in enumerate(ctx.patient.diagnoses):
        if dx.indication != INDICATION or not dx.condition:
            continue
        ev = Evidence(label="SSc cutaneous subset (recorded)", value=dx.condition, source=f"diagnoses[{i}].condition")
        subset = _SUBSETS.get(_subset_key(dx.condition))
        if subset is None:
            return ValueResult(review=f"SSc condition {dx.condition!r} is not a recognised cutaneous subset",
                               evidence=(ev,))
        return ValueResult(value=subset in wanted, evidence=(ev,))
    parsed = ctx.assessment(MRSS, window_param(params))
    if parsed is not None and parsed.items is not None:
        grades = parsed.items.model_dump()
        proximal = [a for a in _PROXIMAL_AREAS if (grades.get(a) or 0) > 0]
        if proximal:
            subset = criteria.ssc_subtype_from_extent(True, None)
            return ValueResult(value=subset in wanted, evidence=(Evidence(
                label="skin thickening proximal to elbows/knees or on the trunk (mRSS)", value=", ".join(proximal),
                date=parsed.assessment.date, source=parsed.source),), note="diffuse subset inferred from the mRSS")
    return ValueResult(missing=("SSc cutaneous subset (diagnoses[].condition: diffuse or limited)",))


# -- disease duration -----------------------------------------------------------------------------------------


def disease_duration(ctx: ScreeningContext, params: dict[str, Any]) -> ValueResult:
    """Disease duration of at most ``years`` (default 7) on the as-of date, counted ``from`` the first Raynaud's
    phenomenon (``raynaud``, protocol 002: "disease duration ≤7 years (from the first occurrence of Raynaud's
    phenomenon to screening)") or from the first non-Raynaud manifestation (``non_raynaud``, the usual trial
    convention).

    The first occurrence is the earliest dated event of the history category ``raynaud_phenomenon`` /
    ``ssc_first_non_raynaud_manifestation``. Inclusive: the 7th anniversary itself is within, the day after is not
    (`criteria.disease_duration_within_years`; calendar years, 29 February -> 1 March). An undated event of the
    category leaves a "within" answer unknown (it could be earlier); no event at all is unknown unless the
    category was reviewed, and then goes to review (no onset to count from). Source: protocol 002 text.
    """
    years = int(params.get("years", 7))
    start_from = params.get("from", "raynaud")
    if start_from not in ("raynaud", "non_raynaud"):
        raise ValueError(f"'from' must be raynaud or non_raynaud, not {start_from!r}")
    category = RAYNAUD if start_from == "raynaud" else NON_RAYNAUD
    label = "Raynaud's phenomenon" if start_from == "raynaud" else "first non-Raynaud manifestation of SSc"
    events = history_events(ctx, category)
    dated = [(i, e) for i, e in events if e.date is not None]
    undated = [f"date of {label} (history.events[{i}])" for i, e in events if e.date is None]
    if dated:
        i, first = min(dated, key=lambda pair: pair[1].date)
        within = criteria.disease_duration_within_years(first.date, ctx.as_of, years)
        completed = criteria.disease_duration_completed_years(first.date, ctx.as_of)
        evidence = (_event_evidence(i, first, f"first {label}"),
                    Evidence(label=f"disease duration from the first {label}", value=completed, unit="years",
                             source="ssc.disease_duration"))
        if within and undated:
            return ValueResult(missing=tuple(undated), evidence=evidence)
        return ValueResult(value=within, evidence=evidence)
    if undated:
        return ValueResult(missing=tuple(undated))
    if ctx.history_reviewed(category):
        return ValueResult(review=f"no {label} recorded (category {category} reviewed): the disease duration "
                                  "cannot be counted from it")
    return ValueResult(missing=(f"date of the first {label} (history category {category})",))


# -- lungs ----------------------------------------------------------------------------------------------------


def ild_present(ctx: ScreeningContext, params: dict[str, Any]) -> tuple[bool | None, list[Evidence], list[str]]:
    """ILD present at screening: an ``interstitial_lung_disease`` event ongoing (or without an end date before the
    as-of date), or the latest ``ssc.chest_hrct`` in ``hrct_within`` reporting ILD. Absent when that HRCT reports
    no ILD and no ILD event is current, or the category was reviewed with none — unless that HRCT shows
    ground-glass opacities without saying whether they are ILD (then unknown). Else unknown."""
    evidence: list[Evidence] = []
    current = [(i, e) for i, e in history_events(ctx, ILD)
               if e.ongoing is True or (e.end_date is not None and e.end_date >= ctx.as_of)
               or (e.ongoing is None and e.end_date is None)]
    evidence.extend(_event_evidence(i, e, "interstitial lung disease") for i, e in current)
    hrct = _latest_hrct(ctx, params)
    hrct_ild = _hrct_item(hrct, "interstitial_lung_disease")
    if hrct_ild is not None:
        evidence.append(_hrct_evidence(hrct, "interstitial lung disease", hrct_ild))
    if current or hrct_ild is True:
        return True, evidence, []
    if hrct_ild is False:
        return False, evidence, []
    if _hrct_item(hrct, "ground_glass_opacities") is True:  # the scan suggests ILD but does not say: a reviewed
        evidence.append(_hrct_evidence(hrct, "ground-glass opacities", True))  # history cannot rule it out
        return None, evidence, [f"whether the chest HRCT of {hrct.assessment.date} with ground-glass opacities "
                                "shows interstitial lung disease (item interstitial_lung_disease)"]
    if ctx.history_reviewed(ILD):
        evidence.append(Evidence(label="history of interstitial lung disease", value="none recorded",
                                 source="history.reviewed"))
        return False, evidence, []
    return None, evidence, ["whether interstitial lung disease is present (chest HRCT or history category "
                            "interstitial_lung_disease)"]


def _latest_hrct(ctx: ScreeningContext, params: dict[str, Any]) -> Any:
    """The latest ``ssc.chest_hrct`` in the ``hrct_within`` window, or None."""
    return ctx.assessment(CHEST_HRCT, window_param(params, "hrct_within"))


def _hrct_item(hrct: Any, item: str) -> bool | None:
    return getattr(hrct.items, item) if hrct is not None and hrct.items is not None else None


def _hrct_evidence(hrct: Any, finding: str, value: bool) -> Evidence:
    return Evidence(label=f"chest HRCT: {finding}", value=value, date=hrct.assessment.date, source=hrct.source)


def _pft(ctx: ScreeningContext, within: Window | None) -> tuple[float | None, float | None, list[Evidence], list[str]]:
    fvc = ctx.observation(FVC, within)
    dlco = ctx.observation(DLCO, within)
    evidence = [ctx.evidence_of(o) for o in (fvc, dlco) if o is not None]
    missing = [f"{name} % predicted{within_text(within)}" for name, o in (("FVC", fvc), ("DLCO", dlco)) if o is None]
    return (fvc.value if fvc else None), (dlco.value if dlco else None), evidence, missing


def ild_lung_function_p002(ctx: ScreeningContext, params: dict[str, Any]) -> ValueResult:
    """Protocol 002: "If interstitial lung disease (ILD) is present at screening, forced vital capacity (FVC) must
    be ≥45% of predicted value, or diffusing capacity for carbon monoxide (DLCO) must be ≥40% of predicted value."

    Met without ILD; with ILD, the latest FVC / DLCO % predicted in ``within`` (default 28 days), either
    suffices, both inclusive. ILD status unknown: met only if the lung function would pass anyway. Source: the
    protocol text; `criteria.p002_ild_lung_function_ok`.
    """
    ild, evidence, ild_missing = ild_present(ctx, params)
    fvc, dlco, pft_evidence, pft_missing = _pft(ctx, window_param(params))
    decided = criteria.p002_ild_lung_function_ok(ild, fvc, dlco)
    return answer(decided, evidence=[*evidence, *pft_evidence], missing=[*ild_missing, *pft_missing])


def ild_requirement_p004(ctx: ScreeningContext, params: dict[str, Any]) -> ValueResult:
    """Protocol 004: "If combined with interstitial pneumonia, interstitial changes suggestive of ground-glass
    exudates on chest HRCT and FVC or DLCO <70% predictive value on pulmonary function tests".

    Met without ILD; with ILD: ground-glass opacities on the latest ``ssc.chest_hrct`` in ``hrct_within`` AND
    (FVC < 70% OR DLCO < 70% predicted, the latest in ``within``, default 28 days). Source: the protocol text;
    `criteria.p004_ild_requirement`.
    """
    ild, evidence, ild_missing = ild_present(ctx, params)
    hrct = _latest_hrct(ctx, params)
    ground_glass = _hrct_item(hrct, "ground_glass_opacities")
    missing = list(ild_missing)
    if ground_glass is None:
        missing.append("chest HRCT: ground-glass opacities (assessment ssc.chest_hrct)")
    elif (finding := _hrct_evidence(hrct, "ground-glass opacities", ground_glass)) not in evidence:
        evidence.append(finding)  # unless ild_present already cited it
    fvc, dlco, pft_evidence, pft_missing = _pft(ctx, window_param(params))
    decided = criteria.p004_ild_requirement(ild, ground_glass, fvc, dlco)
    return answer(decided, evidence=[*evidence, *pft_evidence], missing=[*missing, *pft_missing])


def ild_progression_omeract(ctx: ScreeningContext, params: dict[str, Any]) -> ValueResult:
    """Lung progression (protocol 004: "10% decrease in FVC or 5% decrease in FVC with 15% decrease in DLCO
    (OMERACT progression)"): relative decline of FVC % predicted >= 10%, or >= 5% (and < 10%) with a relative
    DLCO % predicted decline >= 15%, from the earliest to the latest result in ``within`` (default 12 months).

    Khanna D, Mittoo S, Aggarwal R, et al. Connective Tissue Disease-associated Interstitial Lung Diseases
    (CTD-ILD) - Report from OMERACT CTD-ILD Working Group. J Rheumatol 2015;42:2168-71.
    `criteria.omeract_ild_progression` (relative changes of the % predicted values, exact decimals).
    """
    within = window_param(params)
    fvcs = ctx.observations(FVC, within)
    dlcos = ctx.observations(DLCO, within)
    if len(fvcs) < 2 or fvcs[0].date == fvcs[-1].date:
        return ValueResult(missing=(f"two FVC % predicted results on different dates{within_text(within)}",),
                           evidence=tuple(ctx.evidence_of(o) for o in fvcs))
    evidence = [ctx.evidence_of(fvcs[0]), ctx.evidence_of(fvcs[-1])]
    d0 = d1 = None
    if len(dlcos) >= 2 and dlcos[0].date != dlcos[-1].date:
        d0, d1 = dlcos[0].value, dlcos[-1].value
        evidence += [ctx.evidence_of(dlcos[0]), ctx.evidence_of(dlcos[-1])]
    decline = criteria.relative_decline_pct(fvcs[0].value, fvcs[-1].value)
    evidence.append(Evidence(label="FVC % predicted relative decline", value=float(round(decline, 2)), unit="%",
                             source="ssc.ild_progression_omeract"))
    decided = criteria.omeract_ild_progression(fvcs[0].value, fvcs[-1].value, d0, d1)
    return answer(decided, evidence=evidence,
                  missing=[f"two DLCO % predicted results on different dates{within_text(within)} (FVC fell 5-<10%)"])


# -- relapsed / refractory ------------------------------------------------------------------------------------


def relapsed_refractory_p002(ctx: ScreeningContext, params: dict[str, Any]) -> ValueResult:
    """Protocol 002: "Relapsed/refractory is defined as: failure to respond to prior conventional therapy or
    disease relapse after remission. Conventional therapy refers to the use of glucocorticoids combined with at
    least one immunosuppressive/immunomodulatory drug for ≥6 months."

    Encoded: (a) conventional therapy = a glucocorticoid and a drug of ``immunosuppressant_classes`` taken
    together, each continuously, for ``months`` (6) calendar months (`combined_treatment`); AND (b) failure or
    relapse = a glucocorticoid or immunosuppressant course with outcome ``failure`` or ``relapse``
    (``core.distinct_agents_at_least``). The record's outcome field is the only place the response is read;
    the protocol gives no measure of response. Source: protocol 002 text only.
    """
    months = int(params.get("months", 6))
    classes = list(params.get("immunosuppressant_classes") or IMMUNOSUPPRESSANT_CLASSES)
    therapy, _ = combined_exposure(ctx, [{"classes": ["glucocorticoid"]}, {"classes": classes}], months,
                                    "glucocorticoid combined with an immunosuppressant/immunomodulator")
    outcome = ctx.value("core.distinct_agents_at_least", {"classes": ["glucocorticoid", *classes], "count": 1,
                                                         "outcomes": ["failure", "relapse"]})
    decided = and3(tri(therapy.value), tri(outcome.value))
    evidence = [*therapy.evidence, Evidence(label="course with outcome failure or relapse", value=outcome.value,
                                            source="core.distinct_agents_at_least"), *outcome.evidence]
    return answer(decided, evidence=evidence, missing=[*therapy.missing, *outcome.missing])


def relapsed_refractory_p004(ctx: ScreeningContext, params: dict[str, Any]) -> ValueResult:
    """Protocol 004 (CHEC2024-181), SSc inclusion 3 (the same sentence as its IIM and Sjögren's arms):
    "Ineffective conventional treatment or relapse of disease activity after remission. Definition of routine
    treatment: Use of glucocorticoids (above 1mg/Kg/d) and cyclophosphamide, as well as any of the following
    immunomodulatory drugs for more than 6 months: antimalarials, methotrexate, leflunomide, cyclophosphamide,
    azathioprine, mertiomate, tacrolimus, cyclosporine, and biologics, including rituximab, belimumab and
    tetracycline".

    The sentence reads only the medication history, nothing SSc-specific, so it has one implementation: the
    Sjögren's plugin's ``sjogren.refractory_p004`` (its conservative reading of the garbled text: glucocorticoid
    strictly above 1 mg/kg/day AND cyclophosphamide AND a listed drug for more than 6 cumulative months, with a
    failure or relapse outcome; mycophenolate ("mertiomate"?), telitacicept ("tetracycline"?) and other biologics
    go to review), answered here through ``ctx.value``. Without that plugin installed the answer is unknown,
    naming it. Source: protocol 004.
    """
    return ctx.value("sjogren.refractory_p004", params)
