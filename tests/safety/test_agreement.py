"""Promise 2 (agreement) on every hand-written case: the durable-rules and plain-Python evaluators give identical
reports — every criterion's outcome, evidence, missing facts, the verdict, the earliest eligible date — apart
from the `backend` field, and each report passes the soundness checks of promise 1.

tests/rulesets/ compares each backend with the *expected* outcomes an author wrote (often a few criteria per
case); tests/engine/test_differential.py compares the backends on random trees and one small ruleset. This module
closes the gap: whole reports, both backends side by side, on

- every example patient against every seed ruleset (not only the ruleset it was written for), and
- every inline test case of every ruleset (rulesets/ and tests/fixtures/rulesets/), at the case's as-of date.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from trialscreen.api import compiled_ruleset, normalise_patient
from trialscreen.engine import durable_backend
from trialscreen.engine.evaluate import evaluate_record
from trialscreen.plugins.manager import default_manager
from trialscreen.rules.loader import load_ruleset_file
from trialscreen.rules.testing import case_patients, ruleset_files

from . import checks, strategies

pytestmark = pytest.mark.skipif(
    durable_backend.IMPORT_ERROR is not None, reason="durable-rules is not importable on this Python"
)

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((ROOT / "examples" / "patients").glob("*.yaml"))
RULESET_FILES = ruleset_files(ROOT / "rulesets") + ruleset_files(ROOT / "tests" / "fixtures" / "rulesets")


def _both(compiled, record, plugins, patient, as_of=None) -> list[str]:
    reports = {b: evaluate_record(compiled, record, plugins, as_of=as_of, backend=b) for b in checks.BACKENDS}
    problems = [f"[{b}] {p}" for b, r in reports.items() for p in checks.soundness_problems(r, compiled, patient)]
    difference = checks.report_difference(reports["durable"], reports["python"])
    if difference:
        problems.append(f"backends disagree: {difference}")
    return problems


@pytest.mark.parametrize("ruleset_id", strategies.seed_ruleset_ids())
def test_every_example_patient_gets_identical_reports_from_both_backends(ruleset_id: str) -> None:
    from trialscreen.io.files import parse_document, read_text

    plugins = default_manager()
    compiled = compiled_ruleset(ruleset_id, plugins)
    assert len(EXAMPLES) >= 20
    failures = []
    for path in EXAMPLES:
        patient = parse_document(*read_text(path))
        record = normalise_patient(patient, plugins, name=str(path))
        failures += [f"{path.name}: {p}" for p in _both(compiled, record, plugins, patient)]
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("path", RULESET_FILES, ids=[p.stem for p in RULESET_FILES])
def test_every_inline_case_gets_identical_reports_from_both_backends(path: Path) -> None:
    plugins = default_manager()
    loaded = load_ruleset_file(path)
    compiled = compiled_ruleset(loaded, plugins)
    patients = case_patients(loaded)
    assert loaded.ruleset.tests, f"{path.name} has no inline cases"
    failures = []
    for case in loaded.ruleset.tests:
        patient = patients[case.name]
        record = normalise_patient(patient, plugins, name=f"{path.name}: {case.name}")
        failures += [f"{case.name}: {p}" for p in _both(compiled, record, plugins, patient, case.as_of)]
    assert not failures, "\n".join(failures)
