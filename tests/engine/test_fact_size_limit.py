"""Regression: durable-rules' fixed per-fact limits (MAX_OBJECT_PROPERTIES is 64 in its state.h).

With the former whole-formula encoding a 71-property fact of the NCT07212322 ruleset aborted the process ("double
free or corruption"). Measured on a bare host, what bites is the number of comparison nodes one fact matches: 64
are fine, 65 are refused with error 303 (test_durable_hazards.py), or corrupt the heap through the C API the adapter
uses; many properties with few matches are not refused. The adapter keeps both small: at most
`MAX_TESTS_PER_GROUP` comparisons per group, one group per durable-rules ruleset and fact, so a fact carries at
most that many fields and matches at most that many comparisons (one of each comparison's two rules)."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from trialscreen.engine.durable_backend import MAX_TESTS_PER_GROUP, DurableBackend
from trialscreen.engine.python_backend import PythonBackend
from trialscreen.engine.tree import And, Test
from trialscreen.logic import Outcome

RAW = textwrap.dedent("""
    import sys
    from durable import engine
    class H(engine.Host):
        def _run(self): pass
    h = H()
    n, matched = int(sys.argv[1]), int(sys.argv[2])
    fired = []
    rules = {f"r{i}": {"all": [{"m": {"$and": [{"t": "x"}, {"$gte": {f"f{i}": 1}}]}}],
                       "run": (lambda i: lambda c: fired.append(i))(i)} for i in range(n)}
    h.set_rulesets({"big": rules})
    facts = {f"f{i}": 2 if i >= n - matched else 0 for i in range(n)}  # the last `matched` fields match
    h.assert_fact("big", {"t": "x", "id": "a", "sid": "1", **facts})
    print(sorted(fired))
""")


def run_raw(properties: int, matched: int) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", RAW, str(properties), str(matched)], capture_output=True, text=True,
                          timeout=60)


def test_raw_durable_rules_refuses_a_fact_matching_70_rules():
    result = run_raw(70, 70)
    assert result.returncode != 0
    assert "error code: 303" in result.stderr or "free" in result.stderr


def test_raw_durable_rules_takes_a_fact_with_100_properties_and_10_matches():
    result = run_raw(100, 10)
    assert result.returncode == 0, result.stderr[-800:]
    assert result.stdout.strip() == str(list(range(90, 100)))  # properties past the 64th are read correctly


def test_adapter_splits_150_fields_into_groups_and_agrees_with_python():
    trees = {f"c{i}": And((Test(f"a{i}", ">=", 1.0), Test(f"b{i}", "<", 5.0))) for i in range(75)}
    backend = DurableBackend(trees, "fact_size_limit_150")
    assert len(backend.groups) >= 3
    assert all(len(g.tests) <= MAX_TESTS_PER_GROUP and len(g.fields) <= 60 for g in backend.groups)
    facts = {}
    for i in range(75):
        if i % 5:
            facts[f"a{i}"] = float(i % 3)
        if i % 7:
            facts[f"b{i}"] = float(i % 9)
        if i % 11 == 0:
            facts[f"a{i}__review"] = True
    for _ in range(3):
        got = backend.evaluate(facts)
        assert got == PythonBackend(trees, "x").evaluate(facts)
    assert set(got.values()) == {Outcome.MET, Outcome.NOT_MET, Outcome.UNKNOWN, Outcome.REVIEW}


def test_65_thresholds_on_one_field_all_met():
    """One field compared with 65 thresholds, all met: 65 matches in one fact overflowed durable-rules' stack."""
    trees = {f"c{i}": Test("x", ">=", float(i)) for i in range(65)}
    backend = DurableBackend(trees, "fact_size_limit_65_thresholds")
    got = backend.evaluate({"x": 100.0})
    assert set(got.values()) == {Outcome.MET}
    assert backend.evaluate({"x": 10.0})["c11"] is Outcome.NOT_MET
