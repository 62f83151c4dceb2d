"""Compute functions of the SLE plugin's values and predicates: each reads the patient record through the
`ScreeningContext` (assessments, labs, serologies, medications via the core predicates, documented
classifications) and returns a three-valued `ValueResult` — a value with the evidence used, the data still
missing, or a question for the investigator. The clinical rules themselves are the cited pure functions of
`trialscreen_sle.scores` and `trialscreen_sle.criteria`; this module only extracts their inputs.

Conventions
-----------
* ``within`` parameters are windows before the screening date (``{days: 28}``); the latest assessment or result
  in the window is used. "At screening" predicates default to 28 days, the screening-period reading of the
  NCT07212322 ruleset (its ``observation_window``); classifications and biopsies default to no window.
* A documented classification is a label in ``diagnoses[].classification`` of an SLE diagnosis. Labels are
  compared by their words and numbers (case and punctuation ignored): a label matches an accepted form when it
  contains all of its words (``"2019 EULAR/ACR classification criteria"`` matches ``"EULAR/ACR 2019"``); a label
  with a negation word (not, no, unmet, failed…) never matches.
* Treatment history goes through the core predicates (`core.exposure_duration_at_least`,
  `core.distinct_agents_at_least`), so "not treated" needs ``medications.complete: true`` and a course without
  dates, dose or outcome is named as missing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from dateutil.relativedelta import relativedelta

from trialscreen.facts.context import ScreeningContext
from trialscreen.facts.record import ParsedAssessment
from trialscreen.plugins.helpers import and3, or3, tri, within_text
from trialscreen.plugins.results import answer, score_at_least, score_evidence, score_value, window_param
from trialscreen.plugins.types import Evidence, ScoreResult, ValueResult
from trialscreen.rules.model import Window

from trialscreen_sle import criteria, scores
from trialscreen_sle.items import SLEDAI2K_ITEMS, Eular2019Items, LldasInputs, SleItpWorkup, Sledai2kItems

# Instrument ids (assessments[].instrument in a patient record).
SLEDAI2K = "sle.sledai2k"
EULAR2019 = "sle.eular_acr_2019"
LLDAS = "sle.lldas"
LN_BIOPSY = "sle.ln_biopsy"
ITP_WORKUP = "sle.itp_workup"

#: "At screening": the latest result within 28 days (the screening-period reading of rulesets/nct07212322.yaml).
SCREENING_WINDOW: dict[str, int] = {"days": 28}

#: Accepted labels of documented classifications (see the module docstring for how labels match).
EULAR2019_LABELS: tuple[str, ...] = ("EULAR/ACR 2019",)
#: Protocol 001 says "American College of Rheumatology (ACR) criteria" without a year: the 1982 revised criteria
#: (Tan EM et al. Arthritis Rheum 1982;25:1271-7) as updated in 1997 (Hochberg MC. Arthritis Rheum 1997;40:1725).
#: The 2019 EULAR/ACR and SLICC 2012 criteria are not "ACR criteria" in this reading (conservative).
ACR1997_LABELS: tuple[str, ...] = ("ACR 1997", "ACR 1982")
#: Protocol 000's "relapsed/refractory … in 2022 EULAR/ACR": no published EULAR/ACR definition of that name was
#: found, so only a documented label with one of these words counts as documented.
REFRACTORY_LABELS: tuple[str, ...] = ("refractory", "relapsed")
_NEGATIONS = frozenset({"not", "no", "non", "unmet", "failed", "fails", "excluded", "without", "never"})

#: Protocol 002's "standard treatment regimen": glucocorticoids, antimalarials, biologics, and other
#: immunosuppressants or immunomodulators (catalogue classes; belimumab/telitacicept are baff_april_inhibitor,
#: rituximab and anifrolumab bdmard).
STANDARD_TREATMENT_CLASSES: tuple[str, ...] = (
    "glucocorticoid", "antimalarial", "conventional_immunosuppressant", "calcineurin_inhibitor", "bdmard",
    "baff_april_inhibitor",
)
#: Drugs whose failure or relapse counts as a prior treatment failure (protocol 000 operationalisation).
TREATMENT_CLASSES_FOR_FAILURE: tuple[str, ...] = (*STANDARD_TREATMENT_CLASSES, "b_cell_depleting", "ivig")


# --------------------------------------------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------------------------------------------


def _missing_of(*results: ValueResult) -> list[str]:
    out: list[str] = []
    for result in results:
        if result.value is None:
            out.extend(result.missing or ((result.review,) if result.review else ()))
    return list(dict.fromkeys(out))


def _uniq(items: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))


def _tokens(text: str) -> frozenset[str]:
    return frozenset(re.findall(r"[a-z]+|\d+", text.lower()))


@dataclass
class Documented:
    """What the SLE diagnoses document about a classification."""

    found: bool = False
    evidence: list[Evidence] = field(default_factory=list)
    diagnoses: list[str] = field(default_factory=list)  # sources of the SLE diagnoses seen


def documented_classification(ctx: ScreeningContext, accepted: Sequence[str], indication: str = "SLE") -> Documented:
    """Whether a diagnosis of `indication` lists a classification label matching one of `accepted`."""
    wanted = [_tokens(label) for label in accepted]
    out = Documented()
    for i, dx in enumerate(ctx.patient.diagnoses):
        if dx.indication != indication:
            continue
        out.diagnoses.append(f"diagnoses[{i}]")
        for j, label in enumerate(dx.classification):
            words = _tokens(label)
            if words & _NEGATIONS:
                continue
            if any(w and w <= words for w in wanted):
                out.found = True
                out.evidence.append(Evidence(label="documented classification", value=label,
                                             date=dx.diagnosis_date, source=f"diagnoses[{i}].classification[{j}]"))
    return out


def _assessment_evidence(parsed: ParsedAssessment, label: str, value: Any) -> Evidence:
    return Evidence(label=label, value=value, date=parsed.assessment.date, source=parsed.source)


def _no_assessment(name: str, instrument: str, window: Window | None) -> str:
    return f"{name} assessment ({instrument}){within_text(window)}"


# --------------------------------------------------------------------------------------------------------------
# SLEDAI-2K
# --------------------------------------------------------------------------------------------------------------


@dataclass
class _Sledai:
    parsed: ParsedAssessment
    full: ScoreResult | None = None
    clinical: ScoreResult | None = None
    problem: str | None = None
    note: str | None = None


def _sledai(ctx: ScreeningContext, window: Window | None) -> _Sledai | None:
    parsed = ctx.assessment(SLEDAI2K, window)
    if parsed is None:
        return None
    out = _Sledai(parsed)
    total = parsed.assessment.total
    if isinstance(parsed.items, Sledai2kItems):
        out.full = scores.sledai2k(parsed.items)
        out.clinical = scores.sledai2k_clinical(parsed.items)
        if total is not None and out.full.total is not None and float(total) != out.full.total:
            out.note = (f"entered total {total:g} differs from the item sum {out.full.total:g} "
                        f"({parsed.source}); the item sum is used")
    elif total is not None:
        try:
            out.full = scores.sledai2k_from_total(total)
        except (TypeError, ValueError) as exc:
            out.problem = f"a valid SLEDAI-2K total ({parsed.source}.total: {exc})"
    else:
        out.problem = f"SLEDAI-2K items or total ({parsed.source} records neither)"
    return out


def _missing_items(score: ScoreResult, parsed: ParsedAssessment) -> tuple[str, ...]:
    return tuple(f"SLEDAI-2K item '{SLEDAI2K_ITEMS[name][1]}' ({parsed.source}.items.{name})" for name in score.missing)


def sledai2k_value(ctx: ScreeningContext, params: dict[str, Any]) -> ValueResult:
    """SLEDAI-2K total (0-105) of the latest ``sle.sledai2k`` assessment within ``within``.

    Computed from the item-level answers when the record has them (`scores.sledai2k`); a total entered without
    items is accepted and marked (``total entered without items``). Unknown, with the unanswered descriptors
    named, when items are incomplete (a threshold can still be decided by `sle.sledai2k_at_least`).
    Source: Gladman DD, Ibañez D, Urowitz MB. Systemic lupus erythematosus disease activity index 2000.
    J Rheumatol 2002;29:288-91 (weights verified as recorded in `trialscreen_sle.items.SLEDAI2K_ITEMS`).
    """
    window = window_param(params)
    found = _sledai(ctx, window)
    if found is None:
        return ValueResult(missing=(_no_assessment("SLEDAI-2K", SLEDAI2K, window),))
    if found.full is None:
        return ValueResult(missing=(found.problem or "SLEDAI-2K",))
    result = score_value(found.full, label="SLEDAI-2K", source=found.parsed.source, date=found.parsed.assessment.date)
    if result.value is None:
        result = result.model_copy(update={"missing": _missing_items(found.full, found.parsed)})
    return result.model_copy(update={"note": found.note}) if found.note else result


def sledai2k_clinical_value(ctx: ScreeningContext, params: dict[str, Any]) -> ValueResult:
    """Clinical SLEDAI-2K (SLEDAI-2K without the low-complement and increased-DNA-binding descriptors, 0-101) of
    the latest ``sle.sledai2k`` assessment within ``within``. Needs item-level answers: a total entered alone
    cannot be split, so it leaves this value unknown.
    Source: Gladman DD et al. J Rheumatol 2002;29:288-91; the clinical SLEDAI drops exactly the two serological
    descriptors (Rheumatology (Oxford) 2020, PMC7719036 Table 1) — see `scores.sledai2k_clinical`.
    """
    window = window_param(params)
    found = _sledai(ctx, window)
    if found is None:
        return ValueResult(missing=(_no_assessment("SLEDAI-2K", SLEDAI2K, window),))
    if found.clinical is None:
        if found.full is not None and found.full.total_entered:
            return ValueResult(missing=(f"SLEDAI-2K item-level answers ({found.parsed.source} has only a total, "
                                        "which cannot be split into clinical and serological points)",),
                               evidence=score_evidence(found.full, label="SLEDAI-2K", source=found.parsed.source,
                                                       date=found.parsed.assessment.date))
        return ValueResult(missing=(found.problem or "SLEDAI-2K items",))
    result = score_value(found.clinical, label="Clinical SLEDAI-2K", source=found.parsed.source,
                         date=found.parsed.assessment.date)
    if result.value is None:
        result = result.model_copy(update={"missing": _missing_items(found.clinical, found.parsed)})
    return result


def sledai2k_at_least(ctx: ScreeningContext, params: dict[str, Any]) -> ValueResult:
    """SLEDAI-2K ≥ ``threshold`` (default 8: protocol 003 "SLEDAI 2K score≥8 points") at the latest assessment
    within ``within``, decided from the score's bounds when items are unanswered (`ScoreResult.at_least`); a total
    entered without items decides it exactly.
    Source: SLEDAI-2K per Gladman DD et al. J Rheumatol 2002;29:288-91; threshold from the protocol text.
    """
    window = window_param(params)
    threshold = float(params["threshold"])
    found = _sledai(ctx, window)
    if found is None:
        return ValueResult(missing=(_no_assessment("SLEDAI-2K", SLEDAI2K, window),))
    if found.full is None:
        return ValueResult(missing=(found.problem or "SLEDAI-2K",))
    result = score_at_least(found.full, threshold, label="SLEDAI-2K", source=found.parsed.source,
                            date=found.parsed.assessment.date)
    if result.value is None:
        result = result.model_copy(update={"missing": _missing_items(found.full, found.parsed)})
    return result


def sledai_p002(ctx: ScreeningContext, params: dict[str, Any]) -> ValueResult:
    """NCT07212322 (protocol 002): "SLEDAI-2000 score ≥8 at screening; if points are attributed for low complement
    and/or anti-dsDNA antibody, the SLEDAI-2000 clinical symptom score (excluding points for low complement and/or
    anti-dsDNA antibody) must be ≥6" — at the latest ``sle.sledai2k`` assessment within ``within``.

    Decided exactly from the item answers by `scores.nct07212322_sledai_met` (every completion of unanswered
    descriptors must agree). A total entered without items decides only a total below 8 (not met); a total of 8 or
    more is unknown: the items are needed to see whether serological points were attributed.
    Sources: Gladman DD et al. J Rheumatol 2002;29:288-91 (weights); protocol NCT07212322 registry text.
    """
    window = window_param(params)
    found = _sledai(ctx, window)
    if found is None:
        return ValueResult(missing=(_no_assessment("SLEDAI-2K", SLEDAI2K, window),))
    if found.full is None:
        return ValueResult(missing=(found.problem or "SLEDAI-2K",))
    parsed = found.parsed
    evidence = list(score_evidence(found.full, label="SLEDAI-2K", source=parsed.source, date=parsed.assessment.date))
    if found.full.total_entered:
        met = scores.nct07212322_sledai_met(found.full, None)
        missing = () if met is not None else (
            f"SLEDAI-2K item-level answers ({parsed.source} has only a total of {found.full.total:g}: whether points "
            "were attributed for low complement or anti-dsDNA, and the clinical score, need the items)",)
        return answer(met, evidence=evidence, missing=missing)
    clinical = found.clinical
    assert clinical is not None
    shown = clinical.total if clinical.total is not None else f"{clinical.minimum:g}–{clinical.maximum:g} (incomplete)"
    evidence.append(Evidence(label="Clinical SLEDAI-2K (without low complement, anti-dsDNA)", value=shown,
                             date=parsed.assessment.date, source=parsed.source))
    met = scores.nct07212322_sledai_met(found.full, clinical)
    return answer(met, evidence=evidence, missing=_missing_items(found.full, parsed))


# --------------------------------------------------------------------------------------------------------------
# classification
# --------------------------------------------------------------------------------------------------------------


def eular_acr_2019(ctx: ScreeningContext, params: dict[str, Any]) -> ValueResult:
    """SLE classified by the 2019 EULAR/ACR criteria: documented (an SLE diagnosis lists a classification label
    matching ``documented_as``), or computed by `criteria.eular_acr_2019` from the latest ``sle.eular_acr_2019``
    assessment within ``within`` (entry ANA ≥1:80; ≥10 points with ≥1 clinical criterion; highest weight per
    domain). A documented classification contradicted by a decided assessment goes to the investigator.
    Source: Aringer M et al. Ann Rheum Dis 2019;78:1151-59 / Arthritis Rheumatol 2019;71:1400-12.
    """
    window = window_param(params)
    documented = documented_classification(ctx, params["documented_as"])
    parsed = ctx.assessment(EULAR2019, window)
    evidence = list(documented.evidence)
    computed: bool | None = None
    missing: list[str] = []
    if parsed is not None:
        if isinstance(parsed.items, Eular2019Items):
            result = criteria.eular_acr_2019(parsed.items)
            computed = result.classified
            points = result.total if result.total is not None else f"{result.minimum}–{result.maximum} (incomplete)"
            evidence.append(_assessment_evidence(parsed, "2019 EULAR/ACR points", points))
            evidence.append(_assessment_evidence(parsed, "ANA ≥1:80 entry criterion", result.entry_criterion))
            evidence.extend(Evidence(label=f"  {domain}: {name}", value=weight, source=parsed.source)
                            for domain, (name, weight) in result.domains.items())
            missing = [f"2019 EULAR/ACR item '{name}' ({parsed.source}.items.{name})" for name in result.missing]
        else:
            missing = [f"2019 EULAR/ACR item-level answers ({parsed.source} has none)"]
    if documented.found:
        if computed is False:
            return ValueResult(review="the documented 2019 EULAR/ACR classification conflicts with the criteria "
                                      f"assessment ({parsed.source}, not classified)", evidence=tuple(evidence))
        return ValueResult(value=True, evidence=tuple(evidence))
    if parsed is None:
        return ValueResult(missing=(f"2019 EULAR/ACR classification: a criteria assessment ({EULAR2019}){within_text(window)} "
                                    "or a documented classification (diagnoses[].classification)",),
                           evidence=tuple(evidence))
    return answer(computed, evidence=evidence, missing=missing)


def acr_1997_documented(ctx: ScreeningContext, params: dict[str, Any]) -> ValueResult:
    """SLE diagnosed according to the ACR criteria (protocol 001, NCT06316791: "Diagnosed with systemic lupus
    erythematosus according to American College of Rheumatology (ACR) criteria"), as documented: an SLE
    diagnosis lists a label matching ``documented_as`` (default ACR 1997 / ACR 1982).

    Met when documented. Unknown when SLE diagnoses are recorded without such a label (the list records the
    criteria sets met; a set not listed may not have been assessed). Not met when no SLE diagnosis is recorded and
    the autoimmune-disease history is recorded as reviewed.
    Sources: Tan EM et al. Arthritis Rheum 1982;25:1271-7; Hochberg MC. Arthritis Rheum 1997;40:1725 (the ACR
    criteria as updated in 1997); protocol NCT06316791 registry text.
    """
    documented = documented_classification(ctx, params["documented_as"])
    if documented.found:
        return ValueResult(value=True, evidence=tuple(documented.evidence))
    if documented.diagnoses:
        return ValueResult(missing=tuple(f"documented ACR (1982/1997) classification of the SLE diagnosis "
                                         f"({src}.classification)" for src in documented.diagnoses))
    if ctx.history_reviewed("autoimmune_disease"):
        return ValueResult(value=False, evidence=(Evidence(label="SLE diagnosis", value="none recorded",
                                                           source="diagnoses"),))
    return ValueResult(missing=("SLE diagnosis with its ACR classification (autoimmune history not recorded as "
                                "reviewed)",))


# --------------------------------------------------------------------------------------------------------------
# autoantibodies at screening (protocol 002)
# --------------------------------------------------------------------------------------------------------------


def autoantibodies_p002(ctx: ScreeningContext, params: dict[str, Any]) -> ValueResult:
    """Protocol 002 (NCT07212322): "Positive for antinuclear antibody (ANA) (titer ≥1:80) and/or anti-dsDNA
    antibody and/or anti-Sm antibody at screening" — the latest result of each within ``within``.

    ANA: the titre (``ana_titre``, the dilution denominator: 80 for 1:80) ≥ ``ana_min_titre``; a negative
    qualitative ANA (``ana``) rules it out, a positive one without a titre leaves it unknown. anti-dsDNA and
    anti-Sm: qualitative ``anti_dsdna`` / ``anti_sm`` positive. Met if any part is met; not met only when all
    three are known negative.
    Source: protocol NCT07212322 registry text (1:80 is also the 2019 EULAR/ACR entry titre, Aringer 2019).
    """
    window = window_param(params)
    min_titre = float(params["ana_min_titre"])
    evidence: list[Evidence] = []
    missing: list[str] = []
    parts: list[bool | None] = []

    titre = ctx.observation("ana_titre", window)
    if titre is not None:
        evidence.append(ctx.evidence_of(titre))
        parts.append(titre.value >= min_titre)
    else:
        ana = ctx.serology("ana", window)
        if ana is not None:
            evidence.append(Evidence(label=ana.test.name, value=ana.result, date=ana.date, source=ana.source))
        if ana is not None and ana.result in ("negative", "undetectable"):
            parts.append(False)
        else:
            parts.append(None)
            why = " (a positive ANA without a titre does not show ≥1:80)" if ana is not None and ana.result == "positive" else ""
            missing.append(f"ANA titre{within_text(window)}{why}")
    for test_id, name in (("anti_dsdna", "anti-dsDNA antibody"), ("anti_sm", "anti-Sm antibody")):
        ser = ctx.serology(test_id, window)
        if ser is None or ser.result == "indeterminate":
            parts.append(None)
            missing.append(f"{name}{within_text(window)}" + (" (indeterminate: repeat)" if ser is not None else ""))
        else:
            parts.append(ser.result in ("positive", "detectable"))
        if ser is not None:
            evidence.append(Evidence(label=ser.test.name, value=ser.result, date=ser.date, source=ser.source))
    return answer(or3(*parts), evidence=evidence, missing=missing)


# --------------------------------------------------------------------------------------------------------------
# LLDAS
# --------------------------------------------------------------------------------------------------------------


@dataclass
class _LldasAt:
    parsed: ParsedAssessment
    result: criteria.LldasResult | None
    evidence: list[Evidence]
    missing: list[str]


def _lldas_at(ctx: ScreeningContext, parsed: ParsedAssessment) -> _LldasAt:
    """LLDAS at one ``sle.lldas`` assessment. Its SLEDAI-2K may come from an ``sle.sledai2k`` assessment of the
    same day; its prednisolone dose, for an assessment on the screening date, from the current medication list
    (core.prednisone_equivalent_mg_per_day; prednisone and prednisolone are equipotent)."""
    day = parsed.assessment.date
    if not isinstance(parsed.items, LldasInputs):
        return _LldasAt(parsed, None, [], [f"LLDAS item-level answers ({parsed.source} has none)"])
    inputs = parsed.items
    evidence: list[Evidence] = []
    update: dict[str, Any] = {}
    if inputs.sledai2k is None:
        same_day = [a for a in ctx.assessments(SLEDAI2K) if a.assessment.date == day and isinstance(a.items, Sledai2kItems)]
        if same_day:
            update["sledai2k"] = same_day[-1].items
            evidence.append(Evidence(label="SLEDAI-2K items for LLDAS", value="same-day assessment", date=day,
                                     source=same_day[-1].source))
    if inputs.prednisolone_equivalent_mg_day is None and day == ctx.as_of:
        dose = ctx.value("core.prednisone_equivalent_mg_per_day")
        if isinstance(dose.value, (int, float)) and not isinstance(dose.value, bool):
            update["prednisolone_equivalent_mg_day"] = float(dose.value)
            evidence.extend(dose.evidence)
    if update:
        inputs = inputs.model_copy(update=update)
    result = criteria.lldas(inputs)
    evidence.insert(0, _assessment_evidence(parsed, "LLDAS", {True: "met", False: "not met", None: "undetermined"}[result.met]))
    evidence.extend(Evidence(label=f"  LLDAS {name}", value=value, source=parsed.source)
                    for name, value in result.components.items())
    missing = [f"LLDAS input '{name}' ({parsed.source}.items, {day})" for name in result.missing]
    return _LldasAt(parsed, result, evidence, missing)


def lldas_value(ctx: ScreeningContext, params: dict[str, Any]) -> ValueResult:
    """Lupus Low Disease Activity State at the latest ``sle.lldas`` assessment within ``within``: SLEDAI-2K ≤4
    without major-organ activity, haemolytic anaemia or GI activity; no new activity; PGA ≤1; prednisolone
    ≤7.5 mg/day; standard maintenance immunosuppression only (`criteria.lldas`).
    Source: Franklyn K et al. Ann Rheum Dis 2016;75:1615-21, Table 1.
    """
    window = window_param(params)
    parsed = ctx.assessment(LLDAS, window)
    if parsed is None:
        return ValueResult(missing=(_no_assessment("LLDAS", LLDAS, window),))
    at = _lldas_at(ctx, parsed)
    return answer(at.result.met if at.result else None, evidence=at.evidence, missing=at.missing)


def lldas_not_achieved(ctx: ScreeningContext, params: dict[str, Any]) -> ValueResult:
    """Failure to achieve LLDAS for at least ``months`` calendar months before screening (protocol 002: "failure
    to achieve LLDAS criteria for at least 2 months before screening"), from every dated ``sle.lldas`` assessment
    up to the screening date, by `criteria.failure_to_achieve_lldas`: any assessment in the period (or the last
    one before it) in LLDAS → not met; the assessments must span the period → otherwise unknown.
    Sources: Franklyn K et al. Ann Rheum Dis 2016;75:1615-21 (LLDAS); protocol NCT07212322 registry text.
    """
    months = int(params["months"])
    assessed = [_lldas_at(ctx, parsed) for parsed in ctx.assessments(LLDAS)]
    series = [(at.parsed.assessment.date, at.result.met if at.result else None) for at in assessed]
    failed = criteria.failure_to_achieve_lldas(series, ctx.as_of, months=months)
    evidence = [Evidence(label="LLDAS", value={True: "met", False: "not met", None: "undetermined"}[state],
                         date=day, source=at.parsed.source) for (day, state), at in zip(series, assessed)]
    if failed is not None:
        return ValueResult(value=failed, evidence=tuple(evidence))
    start = Window(months=months).start(ctx.as_of)
    inside = [at for at in assessed if at.parsed.assessment.date >= start]
    before = [at for at in assessed if at.parsed.assessment.date < start]
    considered = before[-1:] + inside
    missing: list[str] = []
    if len(considered) < 2 or considered[0].parsed.assessment.date + relativedelta(months=months) > considered[-1].parsed.assessment.date:
        missing.append(f"LLDAS assessments ({LLDAS}) spanning at least {months} months before screening "
                       f"(the last one on or before {start.isoformat()} and those after it)")
    for at in considered:
        if at.result is None or at.result.met is None:
            missing.extend(at.missing)
    return ValueResult(missing=_uniq(missing), evidence=tuple(evidence))


# --------------------------------------------------------------------------------------------------------------
# lupus nephritis (protocols 001, 002)
# --------------------------------------------------------------------------------------------------------------


def ln_class_eligible_p001(ctx: ScreeningContext, params: dict[str, Any]) -> ValueResult:
    """Protocol 001: "Active and biopsy-confirmed proliferative lupus nephritis grade III or IV or simple grade V
    alone according to 2003 ISN/RPS criteria" — the class part, from the latest ``sle.ln_biopsy`` assessment within
    ``within`` (`criteria.ln_class_eligible_p001`: III/IV ± V with activity A or A/C, or pure V; C lesions are
    not eligible; III/IV without an activity qualifier is unknown).
    Sources: Weening JJ et al. J Am Soc Nephrol 2004;15:241-50 (ISN/RPS 2003); protocol NCT06316791 text.
    """
    window = window_param(params)
    parsed = ctx.assessment(LN_BIOPSY, window)
    if parsed is None:
        return ValueResult(missing=(f"renal biopsy classified by ISN/RPS 2003 ({LN_BIOPSY}){within_text(window)}",))
    biopsy = parsed.items
    if not isinstance(biopsy, criteria.LupusNephritisBiopsy):
        return ValueResult(missing=(f"ISN/RPS class of the renal biopsy ({parsed.source}.items)",))
    shown = biopsy.isn_rps_class + (f" ({biopsy.activity})" if biopsy.activity else "") + (
        f" {biopsy.class_iv_extent}" if biopsy.class_iv_extent else "")
    met = criteria.ln_class_eligible_p001(biopsy)
    return answer(met, evidence=[_assessment_evidence(parsed, "renal biopsy ISN/RPS class", shown)],
                  missing=[f"activity qualifier (A, A/C or C) of the class {biopsy.isn_rps_class} biopsy "
                           f"({parsed.source}.items.activity)"])


def ln_active_p001(ctx: ScreeningContext, params: dict[str, Any]) -> ValueResult:
    """Protocol 001: "Active renal disease was defined as a urine protein: creatinine ratio > 1.0 or proteinuria
    > 3.5 grams/day" — the latest UPCR (mg/mg) and 24-hour proteinuria (g/day) within ``within``
    (`criteria.ln_active_p001`; either suffices, not met only when both are known and neither exceeds).
    Source: protocol NCT06316791 registry text (UPCR read in mg/mg = g/g, as the pure function documents).
    """
    window = window_param(params)
    upcr = ctx.observation("upcr", window)
    protein = ctx.observation("proteinuria_24h", window)
    met = criteria.ln_active_p001(upcr.value if upcr else None, protein.value if protein else None)
    evidence = [ctx.evidence_of(o) for o in (upcr, protein) if o is not None]
    missing = [f"{name}{within_text(window)}" for name, obs in (("urine protein/creatinine ratio", upcr),
                                                         ("24-hour urine protein", protein)) if obs is None]
    return answer(met, evidence=evidence, missing=missing)


def severe_ln_p002(ctx: ScreeningContext, params: dict[str, Any]) -> ValueResult:
    """Protocol 002 exclusion: "Severe lupus nephritis [defined as urine protein > 6g/24h or serum creatinine >
    1.5×ULN. Creatinine clearance (Cockcroft Gault formula) < 40mL/min]" within ``within`` (8 weeks).

    Any one suffices (`criteria.severe_ln_p002`, the conservative reading for an exclusion). For an exclusion
    "within 8 weeks" every result in the window counts (the highest urine protein and creatinine × ULN), and the
    Cockcroft-Gault clearance is core.crcl_cockcroft_gault from the latest creatinine in the window. Not met only
    when all three are known and none qualifies.
    Source: protocol NCT07212322 registry text; CrCl per Cockcroft DW, Gault MH. Nephron 1976;16:31-41.
    """
    window = window_param(params)
    evidence: list[Evidence] = []
    missing: list[str] = []
    proteins = ctx.observations("proteinuria_24h", window)
    protein = max((o.value for o in proteins), default=None)
    evidence.extend(ctx.evidence_of(o) for o in proteins)
    if protein is None:
        missing.append(f"24-hour urine protein{within_text(window)}")
    creatinines = ctx.observations("creatinine", window)
    ratios = [o.value / o.ref_high for o in creatinines if o.ref_high]
    no_uln = [o for o in creatinines if not o.ref_high]
    ratio: float | None = max(ratios, default=None)
    if ratio is not None and ratio <= 1.5 and no_uln:
        ratio = None
    for o in creatinines:
        evidence.append(ctx.evidence_of(o))
        if o.ref_high:
            evidence.append(Evidence(label="serum creatinine × ULN", value=round(o.value / o.ref_high, 3), unit="xULN",
                                     date=o.date, source=o.source))
    if ratio is None:
        missing.extend([f"upper limit of normal of serum creatinine ({o.source})" for o in no_uln]
                       or [f"serum creatinine{within_text(window)}"])
    crcl = ctx.value("core.crcl_cockcroft_gault", {"within": params.get("within")})
    crcl_value = crcl.value if isinstance(crcl.value, (int, float)) and not isinstance(crcl.value, bool) else None
    if crcl_value is not None:
        evidence.append(Evidence(label="creatinine clearance (Cockcroft-Gault)", value=crcl_value, unit="mL/min",
                                 source="core.crcl_cockcroft_gault"))
    else:
        missing.extend(crcl.missing)
    met = criteria.severe_ln_p002(protein, ratio, crcl_value)
    return answer(met, evidence=evidence, missing=_uniq(missing))


# --------------------------------------------------------------------------------------------------------------
# SLE-ITP (protocol 001)
# --------------------------------------------------------------------------------------------------------------


def itp_p001(ctx: ScreeningContext, params: dict[str, Any]) -> ValueResult:
    """Protocol 001 SLE with thrombocytopenia: two consecutive platelet counts <50×10⁹/L (all dated counts within
    ``counts_within``, default the whole record), a normal smear, bone-marrow megakaryocytes increased or normal
    with maturation disorder (latest ``sle.itp_workup`` assessment) and a current count >10×10⁹/L (latest within
    ``within``). An enlarged spleen ("generally not enlarged") goes to the investigator
    (`criteria.sle_itp_p001`).
    Source: protocol NCT06316791 registry text.
    """
    counts_window = window_param(params, "counts_within")
    window = window_param(params)
    counts = ctx.observations("platelets", counts_window)
    latest = ctx.observation("platelets", window)
    workup = ctx.assessment(ITP_WORKUP)
    items = workup.items if workup is not None and isinstance(workup.items, SleItpWorkup) else SleItpWorkup()
    met = criteria.sle_itp_p001(
        [(o.date, o.value) for o in counts], items.smear_normal, items.spleen_enlarged,
        items.marrow_megakaryocytes_increased_or_normal_with_maturation_disorder,
        latest.value if latest else None)
    evidence = [ctx.evidence_of(o) for o in counts]
    if workup is not None:
        evidence.extend(_assessment_evidence(workup, name.replace("_", " "), getattr(items, name))
                        for name in SleItpWorkup.model_fields)
    if met is None and items.spleen_enlarged is True and criteria.sle_itp_p001(
            [(o.date, o.value) for o in counts], items.smear_normal, False,
            items.marrow_megakaryocytes_increased_or_normal_with_maturation_disorder,
            latest.value if latest else None) is True:
        return ValueResult(review="spleen enlarged: the protocol says the spleen is 'generally not enlarged'; the "
                                  "investigator decides", evidence=tuple(evidence))
    missing: list[str] = []
    if len(counts) < 2:
        missing.append("two consecutive platelet counts (blood routine examinations)" + within_text(counts_window))
    src = workup.source if workup is not None else ITP_WORKUP
    if items.smear_normal is None:
        missing.append(f"peripheral blood smear morphology ({src})")
    if items.marrow_megakaryocytes_increased_or_normal_with_maturation_disorder is None:
        missing.append(f"bone marrow megakaryocyte morphology ({src})")
    if items.spleen_enlarged is None:
        missing.append(f"spleen size ({src})")
    if latest is None:
        missing.append(f"platelet count{within_text(window)}")
    return answer(met, evidence=evidence, missing=missing)


# --------------------------------------------------------------------------------------------------------------
# treatment and refractoriness
# --------------------------------------------------------------------------------------------------------------


def _ongoing(ctx: ScreeningContext, classes: Sequence[str], names: Sequence[str] = ()) -> ValueResult:
    matched, unidentified = ctx.exposures(names=names, classes=classes)
    missing: list[str] = []
    for exp in matched:
        med = exp.medication
        if med.start_date is not None and med.start_date > ctx.as_of:
            continue
        last = ctx.last_exposure(exp)
        if last is None:
            missing.append(f"end date or 'ongoing' of {med.drug} ({exp.source})")
            continue
        if last >= ctx.as_of:
            name = exp.drug.name if exp.drug else med.drug
            return ValueResult(value=True, evidence=(Evidence(
                label=f"{name} ongoing ({med.start_date or '?'} →)", value=med.outcome or "ongoing",
                date=med.start_date, source=exp.source),))
    if missing:
        return ValueResult(missing=tuple(missing))
    what = ", ".join(c.replace("_", " ") for c in classes)
    if not ctx.medication_history_complete:
        return ValueResult(missing=(f"complete medication history (ongoing {what})",))
    if unidentified:
        return ValueResult(missing=tuple(f"identity of {e.medication.drug!r} ({e.source}: not in the drug catalogue)"
                                         for e in unidentified))
    return ValueResult(value=False, evidence=(Evidence(label=f"ongoing {what}", value="none in complete medication "
                                                       "history", source="medications"),))


def standard_treatment_ongoing(ctx: ScreeningContext, params: dict[str, Any]) -> ValueResult:
    """Receiving standard SLE treatment on the screening date (protocol 001: "… and receiving standard
    treatment"): an ongoing course (or one whose last dose is on or after the screening date) of a drug in
    ``classes`` (default: glucocorticoids, antimalarials, conventional immunosuppressants, calcineurin
    inhibitors, biologic DMARDs, BAFF/APRIL inhibitors). Not met only with a complete medication history.
    Source: protocol NCT06316791 registry text; drug classes from the core drug catalogue.
    """
    return _ongoing(ctx, params["classes"])


def _used(ctx: ScreeningContext, name: str, months: int | None) -> ValueResult:
    if months is None:
        return ctx.value("core.distinct_agents_at_least", {"names": [name], "count": 1})
    return ctx.value("core.exposure_duration_at_least", {"names": [name], "months": months})


def refractory_p003(ctx: ScreeningContext, params: dict[str, Any]) -> ValueResult:
    """Protocol 003 (ZJU children's SLE CAR-T): "despite ≥3M of high dose glucocorticoids(prednisone≥1mg/kg/d or
    other equivalent amount of other steriod), hydroxychloroquine and at least 2 of the following treatments
    (cyclophosphamide, MMF, azathioprine, methotrexate, cyclosporin, tacrolimus, sirolimus, leflunomide,
    telitacicept, Beliumab, and rituximab); or Intolerant to standard treatments" (`criteria.refractory_p003`).

    * High-dose glucocorticoids: core.exposure_duration_at_least, glucocorticoid courses at ≥
      ``gc_min_mg_per_kg_per_day`` prednisone-equivalent covering ``gc_months`` calendar months continuously.
    * Hydroxychloroquine and each listed agent (`criteria.P003_AGENTS`; MMF means mycophenolate mofetil only):
      the text does not say whether "≥3M" also applies to them; the conservative reading applies it
      (``other_min_months`` 3; pass null for "ever used"). ≥ ``min_listed_agents`` agents must qualify.
    * "Intolerant to standard treatments" is not defined: a course of glucocorticoid, hydroxychloroquine or a
      listed agent with outcome intolerance sends the case to the investigator (``intolerance: review``) or,
      with ``intolerance: accept``, meets the definition.
    Source: protocol 003 registry text (all numbers).
    """
    gc = ctx.value("core.exposure_duration_at_least", {
        "classes": ["glucocorticoid"], "months": int(params["gc_months"]),
        "min_prednisone_eq_mg_per_kg_per_day": float(params["gc_min_mg_per_kg_per_day"])})
    other_months = params.get("other_min_months")
    other_months = None if other_months is None else int(other_months)
    hcq = _used(ctx, "hydroxychloroquine", other_months)
    agents = {name: _used(ctx, name, other_months) for name in criteria.P003_AGENTS}
    n_true = sum(tri(r) is True for r in agents.values())
    n_open = sum(tri(r) is None for r in agents.values())
    need = int(params["min_listed_agents"])
    agents_ok = True if n_true >= need else (False if n_true + n_open < need else None)
    treatment = and3(tri(gc), tri(hcq), agents_ok)
    intolerant = ctx.value("core.distinct_agents_at_least", {
        "names": ["hydroxychloroquine", *criteria.P003_AGENTS], "classes": ["glucocorticoid"],
        "outcomes": ["intolerance"], "count": 1})
    duration = f" ≥{other_months} months" if other_months else ""
    evidence = [
        Evidence(label=f"glucocorticoid ≥{params['gc_min_mg_per_kg_per_day']} mg/kg/day for ≥{params['gc_months']} months",
                 value=tri(gc)), *gc.evidence,
        Evidence(label=f"hydroxychloroquine{duration}", value=tri(hcq)), *hcq.evidence,
        Evidence(label=f"listed agents{duration} (≥{need} needed)", value=n_true),
        *(e for r in agents.values() if tri(r) for e in r.evidence),
    ]
    if treatment is True:
        return ValueResult(value=True, evidence=tuple(evidence))
    if tri(intolerant) is True:
        evidence.extend(intolerant.evidence)
        if params["intolerance"] == "accept":
            return ValueResult(value=True, evidence=tuple(evidence))
        return ValueResult(review="intolerance of a standard treatment is recorded; whether the patient is "
                                  "'Intolerant to standard treatments' is for the investigator", evidence=tuple(evidence))
    if treatment is False and tri(intolerant) is False:
        return ValueResult(value=False, evidence=tuple(evidence))
    missing: list[str] = []
    if treatment is None:
        missing += _missing_of(*(r for r in (gc, hcq) if tri(r) is None))
        if agents_ok is None:
            missing += _missing_of(*(r for r in agents.values() if tri(r) is None))
    if tri(intolerant) is None:
        missing += _missing_of(intolerant)
    return ValueResult(missing=_uniq(missing) or ("treatment history for protocol 003 refractoriness",),
                       evidence=tuple(evidence))


def refractory_p002(ctx: ScreeningContext, params: dict[str, Any]) -> ValueResult:
    """Protocol 002 (NCT07212322): "A history of at least 6 months of stable standard treatment regimen prior to
    screening, with failure to achieve LLDAS criteria for at least 2 months before screening" (glucocorticoids,
    antimalarials, biologics, other immunosuppressants or immunomodulators, alone or in combination).

    * Stable standard treatment: courses of ``classes`` covering, merged, the last ``months`` calendar months up
      to the screening date without a gap (core.exposure_duration_at_least with ``within`` the same months).
      Dose stability is not recorded as such and is not checked (a change of drug within the classes is allowed).
    * LLDAS failure: `sle.lldas_not_achieved` over ``lldas_months``.
    Rule (`criteria.refractory_p002`): both. Source: protocol NCT07212322 registry text; LLDAS per Franklyn K et
    al. Ann Rheum Dis 2016;75:1615-21.
    """
    months = int(params["months"])
    stable = ctx.value("core.exposure_duration_at_least", {
        "classes": list(params["classes"]), "months": months, "within": {"months": months}})
    lldas_failed = ctx.value("sle.lldas_not_achieved", {"months": int(params["lldas_months"])})
    met = and3(tri(stable), tri(lldas_failed))
    evidence = [Evidence(label=f"standard treatment throughout the last {months} months", value=tri(stable)),
                *stable.evidence,
                Evidence(label=f"LLDAS not achieved for ≥{params['lldas_months']} months", value=tri(lldas_failed)),
                *lldas_failed.evidence]
    return answer(met, evidence=evidence, missing=_missing_of(stable, lldas_failed))


def refractory_p000(ctx: ScreeningContext, params: dict[str, Any]) -> ValueResult:
    """Protocol 000 (Renji CD19-CAR-DNT): "Meets the criteria of relapsed/refractory autoimmune diseases in 2022
    EULAR/ACR." No EULAR/ACR publication defining relapsed/refractory SLE under that name was found, so it is
    operationalised as:

    * met when an SLE diagnosis documents it (a classification label with a word of ``documented_as``:
      refractory, relapsed);
    * otherwise, if the medication history shows a course with outcome failure or relapse (core
      distinct_agents_at_least over ``classes``), the investigator decides (review);
    * not met when the complete medication history shows no failure or relapse at all (a disease never failed
      by treatment cannot be relapsed/refractory);
    * unknown otherwise.
    Source: protocol 000 registry text; the missing definition is recorded in the plugin's report.
    """
    documented = documented_classification(ctx, params["documented_as"])
    if documented.found:
        return ValueResult(value=True, evidence=tuple(documented.evidence))
    failures = ctx.value("core.distinct_agents_at_least", {
        "classes": list(params["classes"]), "outcomes": ["failure", "relapse"], "count": 1})
    if tri(failures) is True:
        return ValueResult(review="treatment failure or relapse is recorded; whether the disease is relapsed/refractory "
                                  "'per 2022 EULAR/ACR' (no such published definition) is for the investigator",
                           evidence=failures.evidence)
    if tri(failures) is False:
        return ValueResult(value=False, evidence=failures.evidence)
    return ValueResult(missing=failures.missing or ("treatment failure or relapse history",), evidence=failures.evidence)


def refractory_p001(ctx: ScreeningContext, params: dict[str, Any]) -> ValueResult:
    """Protocol 001 (NCT06316791): "Subjects with refractory systemic lupus erythematosus (lupus nephritis, immune
    thrombocytopenia): … accompanied by lupus nephritis (SLE-LN) or immune thrombocytopenia (SLE-ITP) and
    receiving standard treatment", with the two sub-definitions that follow in the text:

    * SLE-LN (an SLE diagnosis with condition in ``ln_conditions``): `sle.ln_class_eligible_p001` and
      `sle.ln_active_p001`;
    * SLE-ITP (condition in ``itp_conditions``): `sle.itp_p001`;
    * and `sle.standard_treatment_ongoing` on the screening date.
    An SLE diagnosis without a recorded condition is unknown; one with another condition is not met. The ACR
    classification is a separate criterion (`sle.acr_1997_documented`).
    Source: protocol NCT06316791 registry text.
    """
    ln_names = {c.lower() for c in params["ln_conditions"]}
    itp_names = {c.lower() for c in params["itp_conditions"]}
    conditions = [(i, (dx.condition or "").lower()) for i, dx in enumerate(ctx.patient.diagnoses) if dx.indication == "SLE"]
    branches: list[tuple[bool | None, list[str]]] = []
    evidence: list[Evidence] = []
    if any(c in ln_names for _, c in conditions):
        cls = ctx.value("sle.ln_class_eligible_p001", {"within": params.get("biopsy_within")})
        active = ctx.value("sle.ln_active_p001", {"within": params.get("within")})
        branches.append((and3(tri(cls), tri(active)), _missing_of(cls, active)))
        evidence += [Evidence(label="SLE-LN: biopsy class eligible", value=tri(cls)), *cls.evidence,
                     Evidence(label="SLE-LN: active renal disease", value=tri(active)), *active.evidence]
    if any(c in itp_names for _, c in conditions):
        itp = ctx.value("sle.itp_p001", {"within": params.get("within")})
        if itp.review is not None:
            return ValueResult(review=itp.review, evidence=tuple(evidence + list(itp.evidence)))
        branches.append((tri(itp), _missing_of(itp)))
        evidence += [Evidence(label="SLE-ITP", value=tri(itp)), *itp.evidence]
    if not branches:
        unrecorded = [i for i, c in conditions if not c]
        if unrecorded or not conditions:
            where = ", ".join(f"diagnoses[{i}].condition" for i in unrecorded) or "diagnoses"
            return ValueResult(missing=(f"SLE manifestation: lupus nephritis (LN) or SLE-ITP ({where})",))
        return ValueResult(value=False, evidence=tuple(
            Evidence(label="SLE condition", value=ctx.patient.diagnoses[i].condition, source=f"diagnoses[{i}].condition")
            for i, _ in conditions))
    manifestation = or3(*(state for state, _ in branches))
    treated = ctx.value("sle.standard_treatment_ongoing", {"classes": list(params["classes"])})
    evidence += [Evidence(label="receiving standard treatment", value=tri(treated)), *treated.evidence]
    met = and3(manifestation, tri(treated))
    missing = [m for state, gaps in branches if state is None for m in gaps] if manifestation is None else []
    return answer(met, evidence=evidence, missing=missing + _missing_of(treated))
