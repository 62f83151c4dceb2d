"""Promise 1, monotonicity, exhaustively on the example patients: every single-fact removal from every example
patient (screened against the ruleset it was written for) is checked.

- The verdict: a record with a fact removed is never "eligible" when the full record was not.
- Each criterion: a removal never decides one in the patient's favour (inclusion -> met, exclusion -> not_met
  when it was anything else). This catches "missing data read as favourable" even when the full record is
  already eligible: e.g. a drug exclusion answered "no" from an incomplete medication list flips from met (the
  drug listed) to not_met (the drug removed and the list marked incomplete).
- Documented exceptions (`checks.BY_DESIGN`): two sources of one fact where one takes precedence, and
  "never responded" read from an open list of visits.

The same check over every inline test patient of every ruleset (about 143,000 removals) is
tests/stress/every_removal.py.
"""

from __future__ import annotations

import copy

import pytest

from trialscreen.api import compiled_ruleset, normalise_patient
from trialscreen.errors import TrialscreenError
from trialscreen.plugins.manager import default_manager

from . import checks, strategies

EXAMPLE_BASES = [i for i, b in enumerate(strategies.vocabulary().bases) if b.origin.startswith("example ")]


@pytest.mark.parametrize("index", EXAMPLE_BASES, ids=[strategies.vocabulary().bases[i].origin[8:-5] for i in EXAMPLE_BASES])
def test_no_single_removal_from_an_example_patient_decides_anything(index: int) -> None:
    plugins = default_manager()
    vocab = strategies.vocabulary()
    base = vocab.bases[index]
    compiled = compiled_ruleset(base.ruleset, plugins)
    full = checks.screen(compiled, normalise_patient(base.patient, plugins, name=base.origin), plugins, ("python",)).report
    removals = strategies.reductions(base.patient, vocab)
    assert len(removals) >= 40, "an example patient with little to remove: the generator's reductions are broken"
    failures = []
    for _, description, remove in removals:
        reduced = copy.deepcopy(base.patient)
        remove(reduced)
        try:
            record = normalise_patient(reduced, plugins, name="reduced")
        except TrialscreenError as exc:
            failures.append(f"{description}: the reduced record is an input error ({exc})")
            continue
        report = checks.screen(compiled, record, plugins, ("python",)).report
        problem = checks.monotonicity_problem(full, report, description)
        if problem:
            failures.append(f"{description}: {problem}")
        failures += [f"{description}: {change}" for change in checks.unsafe_changes(full, report, description)]
    assert not failures, f"{base.origin} ({full.verdict}):\n" + "\n".join(failures)
