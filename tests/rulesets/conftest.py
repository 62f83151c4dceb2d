"""Helpers for the ruleset tests: run the durable-rules backend where a native crash cannot kill pytest.

durable-rules 2.0.28 is a C extension that can abort or segfault the process (it did on this project's
94-criterion ruleset, a fact with more than 64 properties, until the adapter split facts in 2d7cad5). The
durable-backend evaluations therefore run in a forked child: a crash fails the test that caused it, naming the
signal, and the rest of the run goes on.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from trialscreen import testing

#: Seconds a child may run before it is killed (an unguarded durable-rules pattern can loop at 100 % CPU).
CHILD_TIMEOUT = 120

DURABLE_CRASH = (
    "durable-rules killed the evaluating process ({how}): an engine bug, not a ruleset failure; evaluate the case "
    "with backend='python' to compare, and report it against trialscreen.engine.durable_backend."
)


def run_isolated(fn: Callable[..., Any], *args: Any) -> tuple[str, Any]:
    """``fn(*args)`` in a forked child: ("ok", result), ("error", message) or ("crashed", how it died)."""
    return testing.run_isolated(fn, *args, timeout=CHILD_TIMEOUT)


def example_summary(patient: Any, ruleset: str, backend: str, as_of: Any = None) -> tuple[str, Any, dict[str, str], list[str]]:
    """(verdict, earliest eligible date, outcome per criterion, decisive criteria) of one example."""
    import trialscreen

    report = trialscreen.evaluate(patient, ruleset, backend=backend, as_of=as_of)
    outcomes = {c.id: c.outcome for c in report.criteria}
    decisive = sorted(c.id for c in report.criteria if c.decisive)
    return report.verdict, report.earliest_eligible_date, outcomes, decisive


def check_example_verdict(path: str, ruleset: str, backend: str, expected: tuple[str, Any, dict[str, str]]) -> None:
    """The example gives the expected verdict, earliest date and criterion outcomes; durable runs in a child."""
    import pytest

    verdict, earliest, criteria = expected
    if backend == "durable":
        kind, value = run_isolated(example_summary, path, ruleset, backend)
        if kind == "crashed":
            pytest.fail(f"{path}: " + DURABLE_CRASH.format(how=value), pytrace=False)
        assert kind == "ok", value
    else:
        value = example_summary(path, ruleset, backend)
    got_verdict, got_earliest, outcomes, decisive = value
    assert (got_verdict, got_earliest) == (verdict, earliest), f"decisive: {decisive}"
    assert {cid: outcomes[cid] for cid in criteria} == criteria
