"""The pipeline from a patient and a ruleset to a `Report`:

normalise the record (`facts.record`) → choose the cohort → resolve every leaf to a fact (`facts.resolve`) →
evaluate the lowered trees (durable-rules or plain Python) → assemble per-criterion results and the verdict.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timezone
from typing import Any

from trialscreen import __version__
from trialscreen.engine.backends import BackendName, make_backend
from trialscreen.engine.compile import CompiledCriterion, CompiledRuleset
from trialscreen.engine.tree import review_field
from trialscreen.errors import ArgumentError
from trialscreen.facts.context import ScreeningContext
from trialscreen.facts.record import PatientRecord, patient_digest
from trialscreen.facts.resolve import Fact, resolve
from trialscreen.logic import Outcome
from trialscreen.model.patient import check_date_range
from trialscreen.plugins.manager import PluginManager
from trialscreen.report import CohortRef, CriterionResult, MissingFact, PluginRef, Report, ReviewItem, RulesetRef
from trialscreen.rules.model import Cohort, Criterion

COHORT_CRITERION = "cohort"


@dataclass(frozen=True)
class CohortChoice:
    outcome: Outcome
    cohort: Cohort | None
    detail: str
    missing: tuple[str, ...] = ()


def cohort_candidates(compiled: CompiledRuleset, record: PatientRecord) -> tuple[list[Cohort], list[str]]:
    """The cohorts a recorded diagnosis fits, and what is missing to tell (a diagnosis whose finer condition
    is not recorded, where a cohort requires one)."""
    patient = record.patient
    target = patient.screening.target_indication
    fits: list[Cohort] = []
    undetermined: list[str] = []
    for cohort in compiled.ruleset.cohorts:
        if target is not None and cohort.indication != target:
            continue
        for i, dx in enumerate(patient.diagnoses):
            if dx.indication != cohort.indication:
                continue
            if cohort.conditions is None or dx.condition in cohort.conditions:
                fits.append(cohort)
                break
            if dx.condition is None:
                undetermined.append(f"diagnoses[{i}].condition (for cohort {cohort.id}: one of "
                                    f"{', '.join(cohort.conditions)})")
    return fits, undetermined


def choose_cohort(compiled: CompiledRuleset, record: PatientRecord) -> CohortChoice:
    """The single cohort the patient fits. With several, `evaluate_record` screens each and keeps the best."""
    patient = record.patient
    cohorts = compiled.ruleset.cohorts
    target = patient.screening.target_indication
    fits, undetermined = cohort_candidates(compiled, record)
    offered = ", ".join(f"{c.title} ({c.indication})" for c in cohorts)
    if len(fits) == 1 and not undetermined:
        return CohortChoice(Outcome.MET, fits[0], f"screened for cohort {fits[0].title}")
    if fits:
        return CohortChoice(Outcome.MET, fits[0], f"screened for cohort {fits[0].title}")
    if undetermined:
        return CohortChoice(Outcome.UNKNOWN, None, "the diagnosis does not say which cohort it fits",
                            tuple(dict.fromkeys(undetermined)))
    if target is not None and not any(c.indication == target for c in cohorts):
        return CohortChoice(Outcome.NOT_MET, None, f"target indication {target} is not enrolled; cohorts: {offered}")
    if not patient.diagnoses:
        return CohortChoice(Outcome.UNKNOWN, None, "no diagnosis recorded", ("diagnosis (indication)",))
    return CohortChoice(Outcome.NOT_MET, None, f"no recorded diagnosis fits a cohort; cohorts: {offered}")


_PREFERENCE = {"eligible": 0, "needs_review": 1, "incomplete": 2, "ineligible": 3}


def _scope_text(criterion: Criterion) -> str:
    scope = criterion.cohorts
    if scope is None:
        return "all cohorts"
    if scope.only is not None:
        return "only " + ", ".join(scope.only)
    return "all cohorts except " + ", ".join(scope.except_ or [])


def _type_ok(value: Any, kind: type) -> bool:
    if kind is bool:
        return type(value) is bool
    if kind is float:
        return type(value) in (int, float)
    return type(value) is kind


def gather_facts(compiled: CompiledRuleset, ctx: ScreeningContext, keys: Iterable[str] | None = None,
                 known: dict[str, Fact] | None = None) -> tuple[dict[str, Any], dict[str, Fact]]:
    """Resolve the leaves `keys` (default: every leaf): the flat fact dict the evaluators read, and each leaf's
    `Fact` for the report. `known` holds facts already resolved in the same context; it is filled in."""
    flat: dict[str, Any] = {}
    resolved: dict[str, Fact] = known if known is not None else {}
    for key in compiled.leaves if keys is None else keys:
        fact = resolved.get(key)
        if fact is None:
            fact = resolved[key] = _checked(compiled, key, resolve(compiled.leaves[key].leaf, ctx))
        if fact.value is not None:
            flat[key] = fact.value
        elif fact.review is not None:
            flat[review_field(key)] = True
    return flat, resolved


def _checked(compiled: CompiledRuleset, key: str, fact: Fact) -> Fact:
    """A plugin value of the wrong type becomes missing data naming the plugin (never compared)."""
    kind = compiled.field_types[key]
    if fact.value is None or _type_ok(fact.value, kind):
        return fact
    by = f" from plugin {fact.provider!r}" if fact.provider else ""
    return Fact(evidence=fact.evidence, provider=fact.provider, missing=(
        f"{compiled.leaves[key].label}: got {type(fact.value).__name__} {fact.value!r}{by}, expected {kind.__name__}",))


def evaluate_record(
    compiled: CompiledRuleset,
    record: PatientRecord,
    plugins: PluginManager,
    *,
    as_of: date | None = None,
    backend: BackendName = "durable",
    explicit_backend: bool = False,
) -> Report:
    as_of = _checked_as_of(as_of, record)
    fits, _ = cohort_candidates(compiled, record)
    if len(fits) > 1:
        # A patient who fits several cohorts may enrol in any: screen each and keep the most favourable.
        choices = [CohortChoice(Outcome.MET, c, f"screened for cohort {c.title}; also fits "
                                + ", ".join(o.id for o in fits if o is not c)) for c in fits]
    else:
        choices = [choose_cohort(compiled, record)]
    screening = _Screening(compiled, record, plugins, backend, explicit_backend)
    reports = []
    for choice in choices:
        facts, outcomes, engine_name = screening.evaluate(choice, as_of)
        results = _criterion_results(compiled, choice, facts, outcomes)
        earliest = _earliest_eligible(screening, choice, results)
        reports.append(_assemble(compiled, record, as_of, choice, results, engine_name, earliest))
    report = min(reports, key=lambda r: _PREFERENCE[r.verdict])
    used = {p for r in report.criteria for p in r.providers}
    loaded = [PluginRef(name=i.name, distribution=i.distribution, version=i.version, builtin=i.builtin)
              for i in plugins.plugins() if i.name in used]
    return report.model_copy(update={"plugins": loaded})


def _checked_as_of(as_of: Any, record: PatientRecord) -> date:
    """The date to screen as of: the record's screening date unless given; a given one must be a plain date in the
    range a record can hold, and not before the patient's birth (windows and ages would be meaningless)."""
    if as_of is None:
        return record.patient.screening.date
    if not isinstance(as_of, date) or isinstance(as_of, datetime):
        raise ArgumentError(f"as_of must be a datetime.date, not {type(as_of).__name__} {as_of!r:.40}")
    try:
        check_date_range(as_of)
    except ValueError as exc:
        raise ArgumentError(f"as_of {exc}") from None
    born = record.patient.birth_date
    if born is not None and as_of < born:
        raise ArgumentError(f"as_of {as_of} is before the patient's birth date {born} (patient {record.patient.id})")
    return as_of


class _Screening:
    """One patient against one ruleset: only the criteria of the cohort being screened are resolved and
    evaluated, and a fact is resolved once per as-of date whichever cohorts read it."""

    def __init__(self, compiled: CompiledRuleset, record: PatientRecord, plugins: PluginManager,
                 backend: BackendName, explicit: bool) -> None:
        self.compiled, self.record, self.plugins = compiled, record, plugins
        self.backend, self.explicit = backend, explicit
        self._facts: dict[date, tuple[ScreeningContext, dict[str, Fact]]] = {}

    def evaluate(self, choice: CohortChoice, as_of: date) -> tuple[dict[str, Fact], dict[str, Outcome], str]:
        scope = self.compiled.scope(choice.cohort.id if choice.cohort else None)
        engine = make_backend(self.backend, scope.trees, scope.key, explicit=self.explicit)
        if as_of not in self._facts:
            self._facts[as_of] = (ScreeningContext(self.record, as_of, self.plugins), {})
        ctx, known = self._facts[as_of]
        flat, facts = gather_facts(self.compiled, ctx, scope.leaf_keys, known)
        return facts, engine.evaluate(flat), engine.name


def _criterion_results(compiled: CompiledRuleset, choice: CohortChoice, facts: dict[str, Fact],
                       outcomes: dict[str, Outcome]) -> list[CriterionResult]:
    """One result per criterion; those outside the cohort's scope (absent from `outcomes`) are listed as not
    applicable, with no facts (they were never resolved)."""
    results: list[CriterionResult] = [
        CriterionResult(
            id=COHORT_CRITERION, kind="inclusion",
            text="Has a diagnosis one of the trial's cohorts enrols: "
            + ", ".join(dict.fromkeys(c.indication for c in compiled.ruleset.cohorts)),
            applies=True, outcome=choice.outcome.value, decisive=choice.outcome is Outcome.NOT_MET,
            scope="all cohorts", evidence=[], missing=list(choice.missing), note=choice.detail,
        )
    ]
    for cid, cc in compiled.criteria.items():
        crit = cc.criterion
        outcome = outcomes.get(cid)
        if outcome is None:
            results.append(_not_applicable(cc))
            continue
        used = [facts[k] for k in cc.leaf_keys]
        evidence = list({id(e): e for f in used for e in f.evidence}.values())  # leaves share Fact objects
        missing = list(dict.fromkeys(m for f in used for m in f.missing)) if outcome is Outcome.UNKNOWN else []
        review = list(dict.fromkeys(f.review for f in used if f.review)) if outcome is Outcome.REVIEW else []
        decisive = (crit.kind == "inclusion" and outcome is Outcome.NOT_MET) or (
            crit.kind == "exclusion" and outcome is Outcome.MET)
        lapses = None
        if decisive and crit.kind == "exclusion":
            true_leaves = [f for f in used if f.value is True]
            if true_leaves and all(f.lapses_on is not None for f in true_leaves):
                lapses = max(f.lapses_on for f in true_leaves if f.lapses_on)
        results.append(CriterionResult(
            id=cid, kind=crit.kind, text=crit.text, applies=True,
            outcome=outcome.value, decisive=decisive, scope=_scope_text(crit),
            thresholds=list(cc.thresholds), evidence=evidence, missing=missing, review=review, note=crit.note,
            lapses_on=lapses, providers=sorted({f.provider for f in used if f.provider}),
        ))
    return results


_NOT_APPLICABLE: dict[int, tuple[CompiledCriterion, CriterionResult]] = {}


def _not_applicable(cc: CompiledCriterion) -> CriterionResult:
    """The (immutable) result of a criterion outside the screened cohort, built once per compiled criterion."""
    entry = _NOT_APPLICABLE.get(id(cc))
    if entry is None or entry[0] is not cc:
        crit = cc.criterion
        entry = _NOT_APPLICABLE[id(cc)] = (cc, CriterionResult(
            id=crit.id, kind=crit.kind, text=crit.text, applies=False, outcome="not_applicable", decisive=False,
            scope=_scope_text(crit), thresholds=list(cc.thresholds), note=crit.note))
    return entry[1]


def _earliest_eligible(screening: _Screening, choice: CohortChoice, results: list[CriterionResult]) -> date | None:
    """When only time-window exclusions make the patient ineligible: the first day all of them have lapsed,
    confirmed by evaluating those criteria again as of that day (never a guess from one leaf)."""
    applicable = [r for r in results if r.applies]
    decisive = [r for r in applicable if r.decisive]
    if not decisive or any(r.lapses_on is None for r in decisive):
        return None
    if any(r.outcome == "unknown" for r in applicable):
        return None
    candidate = max(r.lapses_on for r in decisive if r.lapses_on)
    later_facts, later_outcomes, _ = screening.evaluate(choice, candidate)
    later = {r.id: r for r in _criterion_results(screening.compiled, choice, later_facts, later_outcomes)}
    if any(later[r.id].decisive for r in decisive):
        return None
    return candidate


def report_time() -> datetime:
    """Now (UTC, whole seconds), or SOURCE_DATE_EPOCH when set (the reproducible-builds convention), so that two
    runs can be made byte-identical for an audit."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.strip().isdigit():
        return datetime.fromtimestamp(int(epoch), tz=timezone.utc)
    return datetime.now(timezone.utc).replace(microsecond=0)


def _assemble(compiled: CompiledRuleset, record: PatientRecord, as_of: date, choice: CohortChoice,
              results: list[CriterionResult], backend: str, earliest: date | None) -> Report:
    applicable = [r for r in results if r.applies]
    decisive = [r for r in applicable if r.decisive]
    unknown = [r for r in applicable if r.outcome == "unknown"]
    review = [r for r in applicable if r.outcome == "review"]
    if decisive:
        verdict = "ineligible"
        failed = [r.id for r in decisive if r.kind == "inclusion"]
        applies = [r.id for r in decisive if r.kind == "exclusion"]
        parts = ([f"inclusion not met: {', '.join(failed)}"] if failed else []) + (
            [f"exclusion applies: {', '.join(applies)}"] if applies else [])
        summary = "Ineligible — " + "; ".join(parts) + "."
        if earliest:
            summary += (f" Only time-window exclusions apply; they have all lapsed on {earliest.isoformat()}: "
                        "re-screen from that date.")
    elif unknown:
        verdict = "incomplete"
        summary = (f"Incomplete — {len(unknown)} criteria cannot be decided until the missing data are collected"
                   f" ({len({m for r in unknown for m in r.missing})} items).")
    elif review:
        verdict = "needs_review"
        summary = f"Needs investigator review — {', '.join(r.id for r in review)}."
    else:
        verdict = "eligible"
        summary = "Eligible — every applicable criterion is decided in the patient's favour."
    missing: dict[str, list[str]] = {}
    for r in unknown:
        for item in r.missing:
            missing.setdefault(item, []).append(r.id)
    reviews = [ReviewItem(criterion=r.id, reason=reason) for r in review for reason in (r.review or ["investigator review"])]
    ruleset = compiled.ruleset
    return Report(
        verdict=verdict, summary=summary, patient_id=record.patient.id, as_of=as_of,
        ruleset=RulesetRef(id=ruleset.id, version=ruleset.version, title=ruleset.title, sha256=compiled.sha256, source=compiled.source),
        cohort=CohortRef(id=choice.cohort.id, indication=choice.cohort.indication, title=choice.cohort.title) if choice.cohort else None,
        criteria=results,
        missing_facts=[MissingFact(fact=k, criteria=v) for k, v in missing.items()],
        review_items=reviews, warnings=list(record.warnings), earliest_eligible_date=earliest,
        backend=backend, trialscreen_version=__version__,
        input_sha256=record.digest or patient_digest(record.patient), generated_at=report_time(),
    )
