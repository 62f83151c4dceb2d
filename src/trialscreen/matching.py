"""Cross-trial matching: one patient against every installed ruleset, with one deduplicated list of what to
collect. `trialscreen match` and `trialscreen.match` use it."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from trialscreen.engine.backends import BackendName
from trialscreen.engine.evaluate import evaluate_record
from trialscreen.model.patient import Patient
from trialscreen.plugins.manager import PluginManager, default_manager
from trialscreen.report import Report, Verdict


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True)


class Reason(_Model):
    criterion: str
    kind: str
    outcome: str
    text: str


class TrialMatch(_Model):
    ruleset: str
    title: str
    version: str
    verdict: Verdict
    summary: str
    cohort: str | None
    reasons: list[Reason] = Field(description="Decisive criteria if ineligible; otherwise the undecided ones.")
    earliest_eligible_date: date | None = None
    report: Report


class CollectItem(_Model):
    fact: str
    trials: list[str]


class MatchReport(_Model):
    patient_id: str
    as_of: date
    trials: list[TrialMatch]
    collect: list[CollectItem] = Field(description="Missing facts across all trials, each with the trials it settles.")
    warnings: list[str] = Field(default_factory=list)

    def by_id(self, ruleset_id: str) -> TrialMatch:
        return next(t for t in self.trials if t.ruleset == ruleset_id)


_VERDICT_ORDER = {"eligible": 0, "needs_review": 1, "incomplete": 2, "ineligible": 3}


def _reasons(report: Report) -> list[Reason]:
    applicable = [c for c in report.criteria if c.applies]
    if report.verdict == "ineligible":
        chosen = [c for c in applicable if c.decisive]
    elif report.verdict == "incomplete":
        chosen = [c for c in applicable if c.outcome == "unknown"]
    elif report.verdict == "needs_review":
        chosen = [c for c in applicable if c.outcome == "review"]
    else:
        chosen = []
    return [Reason(criterion=c.id, kind=c.kind, outcome=c.outcome, text=" ".join(c.text.split())) for c in chosen]


def match(
    patient: str | Path | dict[str, Any] | Patient,
    *,
    as_of: date | None = None,
    backend: BackendName = "durable",
    plugins: PluginManager | None = None,
    rulesets: list[str] | None = None,
) -> MatchReport:
    """Evaluate one patient against every installed ruleset (or the ids given) and summarise."""
    from trialscreen.api import compiled_ruleset, normalise_patient

    plugins = plugins or default_manager()
    record = normalise_patient(patient, plugins)
    ids = rulesets or sorted(plugins.rulesets)
    trials: list[TrialMatch] = []
    collect: dict[str, list[str]] = {}
    for rid in ids:
        compiled = compiled_ruleset(rid, plugins)
        report = evaluate_record(compiled, record, plugins, as_of=as_of, backend=backend)
        trials.append(TrialMatch(
            ruleset=compiled.ruleset.id, title=compiled.ruleset.title, version=compiled.ruleset.version,
            verdict=report.verdict, summary=report.summary, cohort=report.cohort.title if report.cohort else None,
            reasons=_reasons(report), earliest_eligible_date=report.earliest_eligible_date, report=report,
        ))
        if report.verdict != "ineligible":  # facts that cannot change an ineligible verdict are not worth asking
            for item in report.missing_facts:
                collect.setdefault(item.fact, []).append(compiled.ruleset.id)
    trials.sort(key=lambda t: (_VERDICT_ORDER[t.verdict], t.ruleset))
    as_of_used = as_of or record.patient.screening.date
    return MatchReport(
        patient_id=record.patient.id, as_of=as_of_used, trials=trials,
        collect=sorted((CollectItem(fact=f, trials=t) for f, t in collect.items()), key=lambda c: (-len(c.trials), c.fact)),
        warnings=list(record.warnings),
    )
