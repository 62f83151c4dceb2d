"""Compute functions of the ITP plugin's value and predicates: each reads the patient record through the
`ScreeningContext` (the ITP diagnosis date, the medication history through the core predicates, the
``splenectomy`` history category, ``itp.reassessment`` assessments) and returns a three-valued `ValueResult`. The
definitions are the cited pure functions of `trialscreen_itp.phases`.

The ITP diagnosis date is ``diagnoses[].diagnosis_date`` of a diagnosis with indication ITP; with several dated
ITP diagnoses the latest is used (the conservative reading for "≥12 months").
"""

from __future__ import annotations

from datetime import date
from typing import Any

from trialscreen.facts.context import ScreeningContext
from trialscreen.facts.record import ParsedAssessment
from trialscreen.plugins.helpers import tri, within_text
from trialscreen.plugins.results import answer, window_param
from trialscreen.plugins.types import Evidence, ValueResult
from trialscreen.rules.model import Window

from trialscreen_itp import phases
from trialscreen_itp.items import ItpReassessment

REASSESSMENT = "itp.reassessment"

#: Protocol 002's "first-line therapies" (the first-line ITP treatments are glucocorticoids and IVIG; by default
#: a glucocorticoid failure is required, a ruleset may pass [glucocorticoid, ivig] to accept either).
FIRST_LINE_CLASSES: tuple[str, ...] = ("glucocorticoid",)
#: "Guideline-recommended standard ITP treatment" (protocol 002 cites the Chinese 2020 adult ITP guideline, which
#: we could not verify): glucocorticoids, IVIG, rhTPO, TPO receptor agonists and rituximab.
STANDARD_CLASSES: tuple[str, ...] = ("glucocorticoid", "ivig", "tpo", "tpo_ra")
STANDARD_NAMES: tuple[str, ...] = ("rituximab",)


def _missing_of(*results: ValueResult) -> list[str]:
    return list(dict.fromkeys(m for r in results if r.value is None for m in r.missing))


def _diagnosis_date(ctx: ScreeningContext) -> tuple[date | None, list[Evidence], str | None]:
    """(date, evidence, what is missing) of the ITP diagnosis."""
    found = [(i, dx) for i, dx in enumerate(ctx.patient.diagnoses) if dx.indication == "ITP"]
    if not found:
        return None, [], "ITP diagnosis (diagnoses[] with indication ITP)"
    dated = [(dx.diagnosis_date, i) for i, dx in found if dx.diagnosis_date is not None]
    if not dated:
        return None, [], "date of the ITP diagnosis (" + ", ".join(f"diagnoses[{i}].diagnosis_date" for i, _ in found) + ")"
    day, i = max(dated)
    evidence = [Evidence(label="ITP diagnosis date", value=day.isoformat(), date=day, source=f"diagnoses[{i}].diagnosis_date")]
    if day > ctx.as_of:
        return None, evidence, f"an ITP diagnosis date on or before screening (diagnoses[{i}].diagnosis_date is {day})"
    return day, evidence, None


def phase(ctx: ScreeningContext, params: dict[str, Any]) -> ValueResult:
    """ITP phase on the screening date from the diagnosis date: ``newly_diagnosed`` (<3 months), ``persistent``
    (3-12 months) or ``chronic`` (from 12 months; ``chronic_at_12_months: false`` gives the IWG "more than 12
    months" reading) — `phases.itp_phase`, calendar months.
    Source: Rodeghiero F et al. Blood 2009;113:2386-93 (phase definitions).
    """
    since, evidence, problem = _diagnosis_date(ctx)
    if since is None:
        return ValueResult(missing=(problem or "ITP diagnosis date",), evidence=tuple(evidence))
    value = phases.itp_phase(since, ctx.as_of, chronic_at_12_months=bool(params["chronic_at_12_months"]))
    return ValueResult(value=value, evidence=(*evidence, Evidence(label="ITP phase", value=value, source="itp.phase")))


def chronic(ctx: ScreeningContext, params: dict[str, Any]) -> ValueResult:
    """Chronic ITP: thrombocytopenia persisting for at least ``months`` calendar months (protocol 002: "Chronic:
    Persistent thrombocytopenia for ≥12 months"), counted from the ITP diagnosis date (thrombocytopenia may have
    begun earlier; the diagnosis date is the documented, conservative start). ``inclusive: false`` needs more than
    ``months`` (the IWG "lasting for more than 12 months").
    Sources: protocol NCT07212322 registry text (`phases.chronic_p002`); Rodeghiero F et al. Blood 2009;113:2386-93.
    """
    since, evidence, problem = _diagnosis_date(ctx)
    if since is None:
        return ValueResult(missing=(problem or "ITP diagnosis date",), evidence=tuple(evidence))
    months = int(params["months"])
    boundary = phases.add_months(since, months)
    met = ctx.as_of >= boundary if params["inclusive"] else ctx.as_of > boundary
    evidence.append(Evidence(label=f"{'≥' if params['inclusive'] else '>'}{months} months since diagnosis on "
                                   f"{ctx.as_of.isoformat()}", value=met, source="itp.chronic"))
    return ValueResult(value=met, evidence=tuple(evidence))


def _reassessment(ctx: ScreeningContext, window: Window | None) -> tuple[ParsedAssessment | None, ItpReassessment]:
    parsed = ctx.assessment(REASSESSMENT, window)
    items = parsed.items if parsed is not None and isinstance(parsed.items, ItpReassessment) else ItpReassessment()
    return parsed, items


def _splenectomy(ctx: ScreeningContext, items: ItpReassessment, source: str) -> tuple[bool | None, list[Evidence], str | None]:
    for i, event in enumerate(ctx.patient.history.events):
        if event.category == "splenectomy" and (event.date is None or event.date <= ctx.as_of):
            return True, [Evidence(label="splenectomy", value=True, date=event.date, source=f"history.events[{i}]")], None
    if items.splenectomy_performed is not None:
        return items.splenectomy_performed, [Evidence(label="splenectomy performed", value=items.splenectomy_performed,
                                                      source=source)], None
    if ctx.history_reviewed("splenectomy"):
        return False, [Evidence(label="splenectomy", value="none recorded", source="history.reviewed")], None
    return None, [], "splenectomy history (category splenectomy not recorded as reviewed)"


def refractory_iwg_2009(ctx: ScreeningContext, params: dict[str, Any]) -> ValueResult:
    """IWG 2009 refractory ITP: no response (R or CR) or relapse after splenectomy, and treatment needed to minimise
    the risk of clinically significant bleeding (`phases.iwg_refractory_2009`; without splenectomy not refractory
    — the adult definition). Splenectomy from a ``splenectomy`` history event or the reassessment; the response and
    the need for treatment from the latest ``itp.reassessment`` within ``within``.
    Source: Rodeghiero F et al. Blood 2009;113:2386-93.
    """
    window = window_param(params)
    parsed, items = _reassessment(ctx, window)
    source = parsed.source if parsed is not None else REASSESSMENT
    splenectomy, evidence, problem = _splenectomy(ctx, items, source)
    met = phases.iwg_refractory_2009(
        splenectomy_performed=splenectomy,
        no_response_or_relapse_after_splenectomy=items.no_response_or_relapse_after_splenectomy,
        needs_treatment_to_minimise_bleeding_risk=items.needs_treatment_to_minimise_bleeding_risk)
    if parsed is not None:
        evidence += [Evidence(label=name.replace("_", " "), value=getattr(items, name), date=parsed.assessment.date,
                              source=parsed.source)
                     for name in ("no_response_or_relapse_after_splenectomy", "needs_treatment_to_minimise_bleeding_risk")]
    missing = [problem] if splenectomy is None and problem else []
    for name, label in (("no_response_or_relapse_after_splenectomy", "response after splenectomy"),
                        ("needs_treatment_to_minimise_bleeding_risk", "need for treatment to minimise bleeding risk")):
        if getattr(items, name) is None:
            missing.append(f"{label} ({source}.items.{name}{within_text(window) if parsed is None else ''})")
    return answer(met, evidence=evidence, missing=missing)


def _failed(ctx: ScreeningContext, *, classes: list[str] | None = None, names: list[str] | None = None) -> ValueResult:
    return ctx.value("core.distinct_agents_at_least", {"classes": classes, "names": names, "outcomes": ["failure"],
                                                       "count": 1})


def refractory_p002(ctx: ScreeningContext, params: dict[str, Any]) -> ValueResult:
    """Protocol 002: "Refractory: Failure to respond to first-line therapies, thrombopoietin receptor agonists, and
    rituximab; or failure/relapse after splenectomy; with confirmed ITP diagnosis upon recent reassessment"
    (`phases.refractory_p002`).

    * Failure to respond: a course with outcome ``failure`` of a first-line therapy (``first_line_classes``,
      default glucocorticoid), of a TPO receptor agonist (class tpo_ra; rhTPO is not a receptor agonist) and of
      rituximab (core.distinct_agents_at_least; a course without an outcome is named as missing).
    * Failure/relapse after splenectomy: splenectomy (history event or reassessment) and the reassessment's
      ``no_response_or_relapse_after_splenectomy``.
    * "Recent reassessment": an ``itp.reassessment`` within ``reassessment_within`` (default 3 months — "recent"
      is not defined; the shorter reading) with ``itp_reconfirmed``.
    Source: protocol NCT07212322 registry text.
    """
    window = window_param(params, "reassessment_within")
    first_line = _failed(ctx, classes=list(params["first_line_classes"]))
    tpo_ra = _failed(ctx, classes=["tpo_ra"])
    rituximab = _failed(ctx, names=["rituximab"])
    latest, latest_items = _reassessment(ctx, None)
    recent, items = _reassessment(ctx, window)
    splenectomy, spl_evidence, problem = _splenectomy(ctx, latest_items, latest.source if latest else REASSESSMENT)
    after_splenectomy = None if splenectomy is None else (
        False if splenectomy is False else latest_items.no_response_or_relapse_after_splenectomy)
    met = phases.refractory_p002(
        failed_first_line=tri(first_line), failed_tpo_receptor_agonist=tri(tpo_ra),
        failed_rituximab=tri(rituximab), failed_or_relapsed_after_splenectomy=after_splenectomy,
        itp_reconfirmed_on_recent_reassessment=items.itp_reconfirmed)
    evidence = [Evidence(label="failure of a first-line therapy", value=tri(first_line)), *first_line.evidence,
                Evidence(label="failure of a TPO receptor agonist", value=tri(tpo_ra)), *tpo_ra.evidence,
                Evidence(label="failure of rituximab", value=tri(rituximab)), *rituximab.evidence,
                *spl_evidence, Evidence(label="failure or relapse after splenectomy", value=after_splenectomy)]
    if recent is not None:
        evidence.append(Evidence(label="ITP reconfirmed on reassessment", value=items.itp_reconfirmed,
                                 date=recent.assessment.date, source=recent.source))
    missing: list[str] = []
    drugs = [tri(first_line), tri(tpo_ra), tri(rituximab)]
    drugs_open = False not in drugs and None in drugs
    if drugs_open:
        missing += _missing_of(first_line, tpo_ra, rituximab)
    if after_splenectomy is None:
        missing.append(problem or f"response after splenectomy ({latest.source if latest else REASSESSMENT}"
                                  ".items.no_response_or_relapse_after_splenectomy)")
    if items.itp_reconfirmed is None:
        missing.append(f"ITP diagnosis reconfirmed on a reassessment ({REASSESSMENT}){within_text(window)}")
    return answer(met, evidence=evidence, missing=missing)


def prior_treatment_failure_p002(ctx: ScreeningContext, params: dict[str, Any]) -> ValueResult:
    """Protocol 002: "Patients who previously received at least one guideline-recommended standard ITP treatment
    but exhibited inability to maintain response, relapse, intolerance to standard therapy, or insufficient
    response" (`phases.prior_treatment_failure_p002`), from the medication history: a course of a standard
    treatment (``classes`` / ``names``; default glucocorticoids, IVIG, rhTPO, TPO-RAs, rituximab) with outcome
    ``relapse`` (inability to maintain response, relapse), ``intolerance`` or ``failure`` (insufficient
    response). A course without an outcome is named as missing.
    Source: protocol NCT07212322 registry text; the cited Chinese 2020 guideline's treatment list is unverified.
    """
    query = {"classes": list(params["classes"]), "names": list(params["names"]), "count": 1}
    received = ctx.value("core.distinct_agents_at_least", query)
    relapse = ctx.value("core.distinct_agents_at_least", {**query, "outcomes": ["relapse"]})
    intolerance = ctx.value("core.distinct_agents_at_least", {**query, "outcomes": ["intolerance"]})
    failure = ctx.value("core.distinct_agents_at_least", {**query, "outcomes": ["failure"]})
    met = phases.prior_treatment_failure_p002(
        received_standard_treatment=tri(received), unable_to_maintain_response=tri(relapse),
        relapse=tri(relapse), intolerance=tri(intolerance), insufficient_response=tri(failure))
    evidence = [e for r in (relapse, intolerance, failure) if tri(r) for e in r.evidence] or list(received.evidence)
    return answer(met, evidence=evidence, missing=_missing_of(received, relapse, intolerance, failure))
