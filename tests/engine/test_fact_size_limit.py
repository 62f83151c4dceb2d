"""Regression: durable-rules holds at most 64 properties per fact (MAX_OBJECT_PROPERTIES in its state.h).

With simple rules a 70-property fact is refused (error 303); with the NCT07212322 ruleset's formulas a
71-property fact aborted the process ("double free or corruption"). One fact may also match at most ~128
alpha nodes (error 303). The adapter groups comparisons so that neither limit is reached."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from trialscreen.engine.durable_backend import MAX_TESTS_PER_GROUP, DurableBackend
from trialscreen.engine.python_backend import PythonBackend
from trialscreen.engine.tree import And, Test
from trialscreen.logic import Outcome

RAW = textwrap.dedent("""
    from durable import engine
    class H(engine.Host):
        def _run(self): pass
    h = H()
    n = 70
    rules = {f"r{i}": {"all": [{"m": {"$and": [{"t": "x"}, {"$gte": {f"f{i}": 1}}]}}], "run": lambda c: None}
             for i in range(n)}
    h.set_rulesets({"big": rules})
    h.assert_fact("big", {"t": "x", "id": "a", "sid": "1", **{f"f{i}": 2 for i in range(n)}})
""")


def test_raw_durable_rules_refuses_a_fact_with_70_properties():
    result = subprocess.run([sys.executable, "-c", RAW], capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert "error code: 303" in result.stderr or "free" in result.stderr


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
    """One field compared with 65 thresholds: 130 alpha nodes in one fact overflowed durable-rules' stack."""
    trees = {f"c{i}": Test("x", ">=", float(i)) for i in range(65)}
    backend = DurableBackend(trees, "fact_size_limit_65_thresholds")
    got = backend.evaluate({"x": 100.0})
    assert set(got.values()) == {Outcome.MET}
    assert backend.evaluate({"x": 10.0})["c11"] is Outcome.NOT_MET
