"""Compute functions of the APS plugin's predicates: each reads the patient record through the
`ScreeningContext` (classification assessments, documented classifications, aPL serologies, history events) and
returns a three-valued `ValueResult`. The clinical rules are the cited pure functions of `trialscreen_aps.criteria`.

Documented classifications are labels in ``diagnoses[].classification`` of an APS diagnosis, compared by their
words and numbers (case and punctuation ignored): a label matches an accepted form when it contains all of its
words; a label with a negation word (not, no, unmet, failed…) never matches.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from dateutil.relativedelta import relativedelta

from trialscreen.facts.context import ScreeningContext
from trialscreen.facts.record import ParsedAssessment
from trialscreen.plugins.helpers import within_text
from trialscreen.plugins.results import answer, window_param
from trialscreen.plugins.types import Evidence, ValueResult
from trialscreen.rules.model import Window

from trialscreen_aps import criteria
from trialscreen_aps.items import Aps2023Items, NonCriteriaManifestationsP002, Sydney2006Items

# Instrument ids (assessments[].instrument in a patient record).
ACR_EULAR_2023 = "aps.acr_eular_2023"
SYDNEY_2006 = "aps.sydney_2006"
NON_CRITERIA = "aps.non_criteria_manifestations"

#: The qualitative aPL tests this plugin registers (serologies[].test), as protocol 002 lists them: "lupus
#: anticoagulant, anticardiolipin antibodies, and anti-β2 glycoprotein I antibodies".
APL_TESTS: tuple[str, ...] = ("lupus_anticoagulant", "acl_igg", "acl_igm", "ab2gpi_igg", "ab2gpi_igm")

ACR_EULAR_2023_LABELS: tuple[str, ...] = ("ACR/EULAR 2023",)
SYDNEY_2006_LABELS: tuple[str, ...] = ("Sydney", "revised Sapporo")
_NEGATIONS = frozenset({"not", "no", "non", "unmet", "failed", "fails", "excluded", "without", "never"})


def _tokens(text: str) -> frozenset[str]:
    return frozenset(re.findall(r"[a-z]+|\d+", text.lower()))


def _documented(ctx: ScreeningContext, accepted: Sequence[str]) -> list[Evidence]:
    wanted = [_tokens(label) for label in accepted]
    found: list[Evidence] = []
    for i, dx in enumerate(ctx.patient.diagnoses):
        if dx.indication != "APS":
            continue
        for j, label in enumerate(dx.classification):
            words = _tokens(label)
            if not words & _NEGATIONS and any(w and w <= words for w in wanted):
                found.append(Evidence(label="documented classification", value=label, date=dx.diagnosis_date,
                                      source=f"diagnoses[{i}].classification[{j}]"))
    return found


def _assessment_evidence(parsed: ParsedAssessment, label: str, value: Any) -> Evidence:
    return Evidence(label=label, value=value, date=parsed.assessment.date, source=parsed.source)


def _classification(ctx: ScreeningContext, params: dict[str, Any], *, name: str, instrument: str,
                    items_type: type, compute: Any) -> ValueResult:
    window = window_param(params)
    documented = _documented(ctx, params["documented_as"])
    parsed = ctx.assessment(instrument, window)
    evidence = list(documented)
    computed: bool | None = None
    missing: list[str] = []
    if parsed is not None:
        if isinstance(parsed.items, items_type):
            computed, more, unanswered = compute(parsed)
            evidence += more
            missing = [f"{name} item '{field}' ({parsed.source}.items.{field})" for field in unanswered]
        else:
            missing = [f"{name} item-level answers ({parsed.source} has none)"]
    if documented:
        if computed is False:
            return ValueResult(review=f"the documented {name} classification conflicts with the criteria assessment "
                                      f"({parsed.source}, not classified)", evidence=tuple(evidence))
        return ValueResult(value=True, evidence=tuple(evidence))
    if parsed is None:
        return ValueResult(missing=(f"{name} classification: a criteria assessment ({instrument}){within_text(window)} "
                                    "or a documented classification (diagnoses[].classification)",))
    return answer(computed, evidence=evidence, missing=missing)


def acr_eular_2023(ctx: ScreeningContext, params: dict[str, Any]) -> ValueResult:
    """APS classified by the 2023 ACR/EULAR criteria: documented (an APS diagnosis lists a label matching
    ``documented_as``), or computed by `criteria.aps_acr_eular_2023` from the latest ``aps.acr_eular_2023``
    assessment within ``within`` (entry: ≥1 clinical criterion and a positive aPL within 3 years; ≥3 clinical and
    ≥3 laboratory points, highest weight per domain). A documented classification contradicted by a decided
    assessment goes to the investigator.
    Source: Barbhaiya M et al. Arthritis Rheumatol 2023;75:1687-1702 / Ann Rheum Dis 2023;82:1258-70.
    """
    def compute(parsed: ParsedAssessment) -> tuple[bool | None, list[Evidence], tuple[str, ...]]:
        result = criteria.aps_acr_eular_2023(parsed.items)
        evidence = [
            _assessment_evidence(parsed, "2023 ACR/EULAR clinical points",
                                 f"{result.clinical_minimum}" if result.clinical_minimum == result.clinical_maximum
                                 else f"{result.clinical_minimum}–{result.clinical_maximum} (incomplete)"),
            _assessment_evidence(parsed, "2023 ACR/EULAR laboratory points",
                                 f"{result.laboratory_minimum}" if result.laboratory_minimum == result.laboratory_maximum
                                 else f"{result.laboratory_minimum}–{result.laboratory_maximum} (incomplete)"),
            _assessment_evidence(parsed, "entry criterion (clinical criterion + aPL within 3 years)",
                                 result.entry_criterion),
            *(Evidence(label=f"  {domain}: {item}", value=weight, source=parsed.source)
              for domain, (item, weight) in result.domains.items()),
        ]
        return result.classified, evidence, result.missing

    return _classification(ctx, params, name="2023 ACR/EULAR APS", instrument=ACR_EULAR_2023, items_type=Aps2023Items,
                           compute=compute)


def sydney_2006(ctx: ScreeningContext, params: dict[str, Any]) -> ValueResult:
    """APS classified by the 2006 revised Sapporo (Sydney) criteria: documented (an APS diagnosis lists a label
    matching ``documented_as``: Sydney, revised Sapporo), or computed by `criteria.sydney_2006` from the latest
    ``aps.sydney_2006`` assessment within ``within`` (≥1 clinical and ≥1 persistent laboratory criterion, the aPL
    test and the clinical event neither <12 weeks nor >5 years apart).
    Source: Miyakis S et al. J Thromb Haemost 2006;4:295-306.
    """
    def compute(parsed: ParsedAssessment) -> tuple[bool | None, list[Evidence], tuple[str, ...]]:
        items: Sydney2006Items = parsed.items
        result = criteria.sydney_2006(items)
        evidence = [_assessment_evidence(parsed, "2006 Sydney criteria", result),
                    *(Evidence(label=f"  {field.replace('_', ' ')}", value=getattr(items, field), source=parsed.source)
                      for field in Sydney2006Items.model_fields if getattr(items, field) is not None)]
        unanswered = tuple(field for field in Sydney2006Items.model_fields if getattr(items, field) is None)
        return result, evidence, unanswered if result is None else ()

    return _classification(ctx, params, name="2006 Sydney APS", instrument=SYDNEY_2006, items_type=Sydney2006Items,
                           compute=compute)


def apl_persistent(ctx: ScreeningContext, params: dict[str, Any]) -> ValueResult:
    """Protocol 002: "Positive for antiphospholipid antibodies (including lupus anticoagulant, anticardiolipin
    antibodies, and anti-β2 glycoprotein I antibodies) on at least two occasions >12 weeks apart", from the dated
    qualitative results of ``tests`` (`criteria.apl_persistent`: the same test positive twice more than
    ``min_days_apart`` days apart; ``strict: false`` gives the Sydney "at least 12 weeks" reading).

    Not met only when persistence was tested and not shown; when a positive result has not yet been repeated
    more than 12 weeks later, the repeat is named as missing (a single positive result does not show it either way).
    Sources: protocol NCT07212322 registry text (">12 weeks"); Miyakis S et al. J Thromb Haemost 2006;4:295-306.
    """
    tests = list(params["tests"])
    min_days = int(params["min_days_apart"])
    strict = bool(params["strict"])
    results: list[tuple[date, str, bool | None]] = []
    evidence: list[Evidence] = []
    series: dict[str, list[tuple[date, bool | None]]] = {}
    for test_id in tests:
        for ser in ctx.record.serologies.get(test_id, []):
            if ser.date > ctx.as_of:
                continue
            positive = {"positive": True, "detectable": True, "negative": False, "undetectable": False}.get(ser.result)
            results.append((ser.date, test_id, positive))
            series.setdefault(test_id, []).append((ser.date, positive))
            evidence.append(Evidence(label=ser.test.name, value=ser.result, date=ser.date, source=ser.source))
    persistent = criteria.apl_persistent(results, min_days, strict=strict)
    if persistent is not None and not (persistent is False and _awaiting_repeat(series, min_days, strict)):
        return ValueResult(value=persistent, evidence=tuple(evidence))
    names = {t: ctx.plugins.observation_tests[t].name for t in tests if t in ctx.plugins.observation_tests}
    if not results:
        return ValueResult(missing=(f"antiphospholipid antibody results ({', '.join(names.values())}) on two occasions "
                                    f"more than {min_days // 7} weeks apart",))
    missing = [f"{names.get(test, test)} repeated more than {min_days // 7} weeks after the {kind} result of "
               f"{day.isoformat()}" for test, (day, kind) in _awaiting_repeat(series, min_days, strict).items()]
    return ValueResult(missing=tuple(missing) or ("a determinate repeat of the indeterminate aPL result(s)",),
                       evidence=tuple(evidence))


def _awaiting_repeat(series: dict[str, list[tuple[date, bool | None]]], min_days: int,
                     strict: bool) -> dict[str, tuple[date, str]]:
    """Per test, the latest positive (or indeterminate) result with no later result of that test far enough after
    it to confirm or refute persistence."""
    out: dict[str, tuple[date, str]] = {}
    for test, points in series.items():
        for day, positive in sorted(points, reverse=True):
            if positive is False:
                continue
            later = [d for d, _ in points if (d - day).days > min_days or (not strict and (d - day).days == min_days)]
            if not later:
                out[test] = (day, "positive" if positive else "indeterminate")
            break
    return out


def non_criteria_manifestation_p002(ctx: ScreeningContext, params: dict[str, Any]) -> ValueResult:
    """Protocol 002: "Presence of at least one non-criteria clinical manifestation, including thrombocytopenia,
    hemolytic anemia, aPL nephropathy, valvular heart disease, and neurological manifestations" — from the latest
    ``aps.non_criteria_manifestations`` assessment within ``within`` (`criteria.non_criteria_manifestation_p002`:
    any one present; the list is read as closed).
    Source: protocol NCT07212322 registry text.
    """
    window = window_param(params)
    parsed = ctx.assessment(NON_CRITERIA, window)
    if parsed is None:
        return ValueResult(
            missing=(f"APS non-criteria manifestations assessment ({NON_CRITERIA}){within_text(window)}",))
    if not isinstance(parsed.items, NonCriteriaManifestationsP002):
        return ValueResult(missing=(f"non-criteria manifestation answers ({parsed.source} has none)",))
    answers = parsed.items.model_dump()
    met = criteria.non_criteria_manifestation_p002(answers)
    evidence = [_assessment_evidence(parsed, name.replace("_", " "), present) for name, present in answers.items()
                if present is not None]
    missing = [f"non-criteria manifestation '{name.replace('_', ' ')}' ({parsed.source}.items.{name})"
               for name, present in answers.items() if present is None]
    return answer(met, evidence=evidence, missing=missing)


def catastrophic_within(ctx: ScreeningContext, params: dict[str, Any]) -> ValueResult:
    """Protocol 002 exclusion: "History of catastrophic APS within 3 months prior to screening" — a history event
    of category ``catastrophic_aps`` dated (or, if it lasted, ending or ongoing) within ``months`` calendar months
    before screening, the boundary day included (`criteria.catastrophic_aps_within`). Not met only when the
    category is recorded as reviewed; an undated episode is named as missing.
    Source: protocol NCT07212322 registry text.
    """
    months = int(params["months"])
    episodes: list[date] = []
    evidence: list[Evidence] = []
    undated: list[str] = []
    for i, event in enumerate(ctx.patient.history.events):
        if event.category != "catastrophic_aps":
            continue
        if event.date is not None and event.date > ctx.as_of:
            continue
        end = ctx.as_of if event.ongoing else (event.end_date or event.date)
        if end is None:
            undated.append(f"date of the catastrophic APS episode (history.events[{i}])")
            continue
        episodes.append(min(end, ctx.as_of))
        evidence.append(Evidence(label=event.description or "catastrophic APS", value=event.code or True,
                                 date=event.date, source=f"history.events[{i}]"))
    within = criteria.catastrophic_aps_within(episodes, ctx.as_of, months)
    if within:
        start = Window(months=months).start(ctx.as_of)
        last = max(d for d in episodes if d >= start)
        ongoing = any(e.ongoing for e in ctx.patient.history.events if e.category == "catastrophic_aps")
        lapses = None if ongoing else last + relativedelta(months=months) + timedelta(days=1)
        return ValueResult(value=True, evidence=tuple(evidence), lapses_on=lapses)
    if undated:
        return ValueResult(missing=tuple(undated), evidence=tuple(evidence))
    if not ctx.history_reviewed("catastrophic_aps"):
        return ValueResult(missing=(f"history of catastrophic APS within {months} months before screening "
                                    "(category catastrophic_aps not recorded as reviewed)",), evidence=tuple(evidence))
    return ValueResult(value=False, evidence=tuple(evidence) or (Evidence(
        label=f"catastrophic APS within {months} months", value="none recorded", source="history.reviewed"),))
