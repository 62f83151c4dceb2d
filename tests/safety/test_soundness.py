"""Promise 1 (soundness) and promise 2 (agreement) on generated patients, at CI size.

For every seed ruleset, hypothesis draws patients aimed at it (tests/safety/strategies.py: realistic records
changed around every threshold, window edge, missing section and completeness flag) and then removes facts one
at a time. Every record in the chain is screened with both evaluators, and:

- no report is "eligible" unless every applicable criterion is decided in the patient's favour, and its verdict,
  applicability and cohort agree with the ruleset and the record (`checks.soundness_problems`);
- a record with a fact removed is never "eligible" when the fuller record was not (`checks.monotonicity_problem`),
  and no criterion is decided in the patient's favour by the removal (`checks.unsafe_changes`), apart from the
  documented `checks.BY_DESIGN` cases;
- the durable-rules and plain-Python reports are identical apart from the `backend` field.

The full-size run (100,000 patients per ruleset) is tests/stress/soundness.py; figures in docs/reliability.md.
Runs are reproducible: derandomized, no example database.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, assume, given, note, settings

from trialscreen.api import compiled_ruleset, normalise_patient
from trialscreen.engine import durable_backend
from trialscreen.errors import TrialscreenError
from trialscreen.plugins.manager import default_manager

from . import checks, strategies

pytestmark = pytest.mark.skipif(
    durable_backend.IMPORT_ERROR is not None, reason="durable-rules is not importable on this Python"
)

#: Chains per ruleset in CI (4 patients each, 2 backends): about 10 s per ruleset on an idle core.
CHAINS_PER_RULESET = 60

CI = settings(max_examples=CHAINS_PER_RULESET, derandomize=True, database=None, deadline=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def screen_chain(ruleset_id: str, chain: strategies.Chain) -> None:
    plugins = default_manager()
    compiled = compiled_ruleset(ruleset_id, plugins)
    for step in chain.steps:
        note(step)
    records = []
    for patient in chain.patients:
        try:
            records.append(normalise_patient(patient, plugins, name="generated"))
        except TrialscreenError:
            break  # generation made an input error (rare): check the records before it
    assume(records)
    offset = len(chain.steps) - len(chain.patients)  # chain.steps[offset + k]: how record k was made
    previous = None
    for k, (patient, record) in enumerate(zip(chain.patients, records)):
        screened = checks.screen(compiled, record, plugins)
        for backend, report in screened.reports.items():
            problems = checks.soundness_problems(report, compiled, patient)
            assert not problems, f"record {k} ({backend}): {problems}"
        difference = checks.report_difference(screened.reports["durable"], screened.reports["python"])
        assert difference is None, f"record {k}: {difference}"
        if previous is not None:
            removal = chain.steps[offset + k].removeprefix("reduce: ")
            problem = checks.monotonicity_problem(previous, screened.report, removal)
            assert problem is None, f"record {k} ({removal}): {problem}"
            changes = checks.unsafe_changes(previous, screened.report, removal)
            assert not changes, f"record {k} ({removal}): {changes}"
        previous = screened.report


@pytest.mark.parametrize("ruleset_id", strategies.seed_ruleset_ids())
def test_generated_patients_are_screened_soundly_and_identically_by_both_backends(ruleset_id: str) -> None:
    @CI
    @given(chain=strategies.chains(ruleset=ruleset_id, reductions=3))
    def run(chain: strategies.Chain) -> None:
        screen_chain(ruleset_id, chain)

    run()


def test_the_generator_reaches_every_verdict_and_every_indication() -> None:
    """The generated population is not degenerate: a fixed seed gives every verdict for every ruleset, and
    diagnoses of all 8 indications."""
    import random

    plugins = default_manager()
    vocab = strategies.vocabulary()
    indications: set[str] = set()
    for ruleset_id in vocab.ruleset_ids:
        compiled = compiled_ruleset(ruleset_id, plugins)
        verdicts: set[str] = set()
        chooser = strategies.RandomChooser(random.Random(f"verdicts:{ruleset_id}"))
        for _ in range(60):
            patient, _ = strategies.generate_patient(chooser, vocab, ruleset=ruleset_id)
            indications.update(dx["indication"] for dx in patient.get("diagnoses") or [])
            record = normalise_patient(patient, plugins, name="generated")
            verdicts.add(checks.screen(compiled, record, plugins, ("python",)).report.verdict)
            if len(verdicts) == 4:
                break
        assert verdicts == {"eligible", "needs_review", "incomplete", "ineligible"}, ruleset_id
    assert indications == set(vocab.indications) and len(indications) == 8
