"""The properties of promises 1 (soundness) and 2 (agreement), as functions that return what is wrong.

Shared by the CI tests (tests/safety/) and the full-size runs (tests/stress/). Each check recomputes what it
needs from the ruleset and the patient, not from the code under test: the verdict from the per-criterion
outcomes, applicability from the criterion scopes and the chosen cohort, the cohort from the diagnoses.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from trialscreen.engine.compile import CompiledRuleset
from trialscreen.engine.evaluate import evaluate_record
from trialscreen.facts.record import PatientRecord
from trialscreen.plugins.manager import PluginManager
from trialscreen.report import Report

BACKENDS = ("durable", "python")


def favourable(kind: str, outcome: str) -> bool:
    return outcome == ("met" if kind == "inclusion" else "not_met")


def expected_verdict(report: Report) -> str:
    """The verdict the per-criterion outcomes call for (docs/architecture.md, "Verdict")."""
    applicable = [c for c in report.criteria if c.applies]
    if any((c.kind == "inclusion" and c.outcome == "not_met") or (c.kind == "exclusion" and c.outcome == "met")
           for c in applicable):
        return "ineligible"
    if any(c.outcome == "unknown" for c in applicable):
        return "incomplete"
    if any(c.outcome == "review" for c in applicable):
        return "needs_review"
    return "eligible"


def _applies(scope: Any, cohort_id: str | None) -> bool:
    if scope is None:
        return True
    if cohort_id is None:
        return False
    if scope.only is not None:
        return cohort_id in scope.only
    return cohort_id not in (scope.except_ or [])


def soundness_problems(report: Report, compiled: CompiledRuleset, patient: dict[str, Any]) -> list[str]:
    """Promise 1 on one report: never "eligible" unless every applicable criterion is decided in the patient's
    favour; the verdict, applicability and cohort agree with what the ruleset and the record say."""
    problems: list[str] = []
    applicable = [c for c in report.criteria if c.applies]
    if report.verdict == "eligible":
        against = [f"{c.id} ({c.kind}) is {c.outcome}" for c in applicable if not favourable(c.kind, c.outcome)]
        if against:
            problems.append("eligible while " + "; ".join(against))
        if report.missing_facts or report.review_items:
            problems.append(f"eligible with missing facts {report.missing_facts} or review items {report.review_items}")
        if report.cohort is None:
            problems.append("eligible without a cohort")
    want = expected_verdict(report)
    if report.verdict != want:
        problems.append(f"verdict {report.verdict}, but the criterion outcomes call for {want}")
    if report.verdict == "incomplete" and not report.missing_facts:
        problems.append("incomplete without a list of missing facts")

    cohort_id = report.cohort.id if report.cohort else None
    by_id = {c.id: c for c in report.criteria}
    for criterion in compiled.ruleset.criteria:
        got = by_id.get(criterion.id)
        if got is None:
            problems.append(f"criterion {criterion.id} missing from the report")
            continue
        should = _applies(criterion.cohorts, cohort_id)
        if got.applies != should:
            problems.append(f"{criterion.id}: applies={got.applies}, but its scope says {should} for cohort {cohort_id}")
        if got.applies and got.outcome not in ("met", "not_met", "unknown", "review"):
            problems.append(f"{criterion.id}: applicable with outcome {got.outcome!r}")
        if not got.applies and got.outcome != "not_applicable":
            problems.append(f"{criterion.id}: not applicable but outcome {got.outcome!r}")

    if report.cohort is not None:
        cohort = next(c for c in compiled.ruleset.cohorts if c.id == report.cohort.id)
        target = (patient.get("screening") or {}).get("target_indication")
        fits = any(dx.get("indication") == cohort.indication
                   and (cohort.conditions is None or dx.get("condition") in cohort.conditions)
                   for dx in patient.get("diagnoses") or [])
        if not fits:
            problems.append(f"cohort {cohort.id} chosen, but no recorded diagnosis fits it")
        if target is not None and target != cohort.indication:
            problems.append(f"cohort {cohort.id} ({cohort.indication}) chosen for target indication {target}")
    return problems


def report_difference(durable: Report, python: Report) -> str | None:
    """Promise 2 on one case: the two evaluators' reports are identical apart from the `backend` field (and the
    `generated_at` time stamp)."""
    d = durable.model_dump(mode="json", exclude={"backend", "generated_at"})
    p = python.model_dump(mode="json", exclude={"backend", "generated_at"})
    if d == p:
        return None
    if d["verdict"] != p["verdict"]:
        return f"verdict: durable {d['verdict']}, python {p['verdict']}"
    outcomes = [f"{a['id']}: durable {a['outcome']}, python {b['outcome']}"
                for a, b in zip(d["criteria"], p["criteria"]) if a["outcome"] != b["outcome"]]
    if outcomes:
        return "criterion outcomes differ: " + "; ".join(outcomes)
    keys = sorted(k for k in d if d[k] != p.get(k))
    return f"reports differ in {keys}"


def decided_after_removal(fuller: Report, reduced: Report) -> list[tuple[str, str, str, str]]:
    """Criteria that a removal *decided*: (criterion id, kind, outcome with more facts, outcome with fewer), for
    every criterion that applies in both reports and is met or not_met in the reduced one but was not so before."""
    if (fuller.cohort and fuller.cohort.id) != (reduced.cohort and reduced.cohort.id):
        return []
    before = {c.id: c for c in fuller.criteria}
    return [(c.id, c.kind, before[c.id].outcome, c.outcome) for c in reduced.criteria
            if c.applies and before[c.id].applies and c.outcome in ("met", "not_met") and c.outcome != before[c.id].outcome]


#: (criterion id, start of the removal's description) -> why that removal may decide that criterion in the
#: patient's favour. Each is a documented limitation (docs/reliability.md, "Soundness"), not an oversight.
BY_DESIGN: dict[tuple[str, str], str] = {
    ("inc-iim-classification", "remove condition of diagnosis IIM"):
        "two sources: the IIM subgroup recorded in the diagnosis takes precedence over the one the 2017 EULAR/ACR "
        "tree derives from the classification items; without it, the items decide",
    ("exc-iim-ibm", "remove condition of diagnosis IIM"):
        "two sources: inclusion body myositis as recorded, else as the 2017 EULAR/ACR tree derives it",
    ("exc-qtc", "remove every vitals result of rr_interval"):
        "two sources: QTc from QT and the RR interval, else from QT and the heart rate",
    ("inc-sle-refractory", "remove assessment sle.lldas"):
        "open visit history: 'not in LLDAS at the monthly visits' is read from the visits recorded; the record "
        "cannot say that its assessments are complete",
    ("inc-aav-refractory", "remove assessment aav.bvas_v3"):
        "open visit history: 'no assessment shows BVAS 0 on <= 7.5 mg/day' is read from the assessments recorded; "
        "the record cannot say that its assessments are complete",
    # found by tests/stress/soundness.py --n 20400 --seed 1 (session 3):
    ("inc-aav-bvas", "remove assessment aav.bvas_v3"):
        "latest value: current activity is the latest BVAS v3 in the screening window; without it, the one before "
        "it is the latest (as with any latest lab result)",
    ("inc-ssc-ild", "remove assessment ssc.chest_hrct"):
        "two sources: ILD present or absent from the latest chest HRCT, else from the ILD history category "
        "(reviewed with none = absent); ground glass on a scan that does not say ILD is never cleared by the history",
    ("inc-pregnancy-test", "remove reproductive.childbearing_potential"):
        "two sources: childbearing potential as the investigator recorded it, else derived from the protocol's "
        "definitions (sterilisation, >= 12 months postmenopausal)",
    ("exc-live-vaccine", "remove end_date of medication"):
        "a vaccine entry without an end or last-dose date is one administration on its start date (each dose is "
        "its own entry); removing the end date of a multi-month 'course' makes it a single dose",
    ("exc-live-vaccine", "remove last_dose_date of medication"):
        "as above: without a last-dose or end date, a vaccine entry is one administration on its start date",
}


def by_design(criterion: str, removal: str) -> str | None:
    return next((why for (cid, prefix), why in BY_DESIGN.items() if cid == criterion and removal.startswith(prefix)), None)


def unsafe_changes(fuller: Report, reduced: Report, removal: str) -> list[str]:
    """Criteria a removal decided in the patient's favour (inclusion -> met, exclusion -> not_met), except the
    documented `BY_DESIGN` cases: with less known, a criterion may become undecided, never decided for the
    patient. (Decisions *against* the patient after a removal are counted by the stress scripts, not failed:
    they can make a patient wrongly ineligible, never wrongly eligible.)"""
    return [f"{cid} ({kind}): {before} -> {after} with a fact removed"
            for cid, kind, before, after in decided_after_removal(fuller, reduced)
            if favourable(kind, after) and not by_design(cid, removal)]


def monotonicity_problem(fuller: Report, reduced: Report, removal: str = "") -> str | None:
    """Promise 1, second half: the record with a fact removed is never "eligible" unless the fuller one was
    (or every criterion that changed did so by a documented `BY_DESIGN` case)."""
    if reduced.verdict != "eligible" or fuller.verdict == "eligible":
        return None
    changed = [c for c in fuller.criteria if c.applies and not favourable(c.kind, c.outcome)]
    same_cohort = (fuller.cohort and fuller.cohort.id) == (reduced.cohort and reduced.cohort.id)
    if same_cohort and changed and all(by_design(c.id, removal) for c in changed):
        return None
    return f"removing a fact turned {fuller.verdict} (because of {', '.join(c.id for c in changed)}) into eligible"


@dataclass
class Screened:
    reports: dict[str, Report]  # backend -> report

    @property
    def report(self) -> Report:
        return next(iter(self.reports.values()))


def screen(compiled: CompiledRuleset, record: PatientRecord, plugins: PluginManager,
           backends: tuple[str, ...] = BACKENDS) -> Screened:
    return Screened({b: evaluate_record(compiled, record, plugins, backend=b) for b in backends})  # type: ignore[arg-type]
