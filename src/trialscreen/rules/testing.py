"""Run a ruleset's inline test cases (``tests:`` in the YAML), the way ``opa test`` runs policy tests.

A case gives a patient (inline, from a file, or an earlier case's patient with dotted-path ``changes``), an
optional as-of date, and the expected verdict and per-criterion outcomes. Used by ``trialscreen rulesets test``
and by pytest (tests/rulesets/test_inline_cases.py).
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from trialscreen.errors import RulesetError, TrialscreenError
from trialscreen.plugins.manager import PluginManager
from trialscreen.rules.loader import LoadedRuleset
from trialscreen.rules.model import RulesetCase

_PATH_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


@dataclass
class CaseResult:
    name: str
    passed: bool
    failures: list[str] = field(default_factory=list)
    backend: str = "durable"


def apply_changes(patient: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    """Copy `patient` and set each dotted path (``labs[0].value``, ``medications.items``); ``null`` deletes."""
    out = copy.deepcopy(patient)
    for path, value in changes.items():
        parts = [(m.group(1), m.group(2)) for m in _PATH_PART.finditer(path)]
        node: Any = out
        try:
            for name, index in parts[:-1]:
                node = node[int(index)] if index is not None else node.setdefault(name, {})
            name, index = parts[-1]
            if index is not None:
                node[int(index)] = value
            elif value is None:
                node.pop(name, None)
            else:
                node[name] = value
        except (IndexError, KeyError, TypeError, AttributeError) as exc:
            raise RulesetError(f"test change {path!r} does not fit the base patient ({type(exc).__name__}: {exc})") from exc
    return out


def case_patients(loaded: LoadedRuleset) -> dict[str, dict[str, Any]]:
    """Each case's patient as a plain dict, resolving files and bases."""
    from trialscreen.io.files import parse_document, read_text

    patients: dict[str, dict[str, Any]] = {}
    for case in loaded.ruleset.tests:
        if case.patient is not None:
            patients[case.name] = _plain(case.patient)
        elif case.patient_file is not None:
            text, name = read_text(loaded.path.parent / case.patient_file)
            patients[case.name] = _plain(parse_document(text, name))
        else:
            patients[case.name] = apply_changes(patients[case.base], _plain(case.changes or {}))  # type: ignore[index]
    return patients


def _plain(data: Any) -> Any:
    if isinstance(data, dict):
        return {k: _plain(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_plain(v) for v in data]
    return data


def run_case(loaded: LoadedRuleset, case: RulesetCase, patient: dict[str, Any], plugins: PluginManager,
             backend: str = "durable") -> CaseResult:
    from trialscreen.api import evaluate

    try:
        report = evaluate(patient, loaded, as_of=case.as_of, backend=backend, plugins=plugins,  # type: ignore[arg-type]
                          patient_name=f"{loaded.path}: test {case.name!r}")
    except TrialscreenError as exc:
        return CaseResult(case.name, False, [f"evaluation failed: {exc}"], backend)
    failures = []
    if case.expect.verdict is not None and report.verdict != case.expect.verdict:
        failures.append(f"verdict: expected {case.expect.verdict}, got {report.verdict} ({report.summary})")
    outcomes = {c.id: c for c in report.criteria}
    for cid, expected in case.expect.criteria.items():
        got = outcomes[cid]
        if got.outcome != expected:
            detail = "; ".join(got.missing or got.review or [f"{e.label}={e.value}" for e in got.evidence][:4])
            failures.append(f"{cid}: expected {expected}, got {got.outcome}" + (f" ({detail})" if detail else ""))
    return CaseResult(case.name, not failures, failures, backend)


def run_ruleset_tests(loaded: LoadedRuleset, plugins: PluginManager, backends: tuple[str, ...] = ("durable", "python")) -> list[CaseResult]:
    patients = case_patients(loaded)
    results = []
    for case in loaded.ruleset.tests:
        for backend in backends:
            results.append(run_case(loaded, case, patients[case.name], plugins, backend))
    return results


def ruleset_files(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.yaml"))
