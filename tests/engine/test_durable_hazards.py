"""One named regression test per durable-rules hazard listed in trialscreen.engine.durable_backend.

Each hazard is shown twice where that is cheap: the RAW durable-rules 2.0.28 behaviour (on a bare `Host` subclass
without timer threads, with its own ruleset names) and our `DurableBackend` giving the right answer anyway.
Hazards that would hang or crash this process (an unguarded ``$nex`` loops at 100% CPU; arithmetic on an absent
field reads uninitialised memory; more than 64 comparison matches in one fact overflow a fixed stack and can
corrupt the heap) are checked structurally on the definitions we register, or in a subprocess.

The adapter decides each distinct comparison with two one-expression rules (the comparison and its negation) and
reads the names of the matched rules from the C engine (`DurableBackend._fired`); the tests that reach inside
monkeypatch `_fired` to simulate an engine that misbehaves (a misbehaving engine is retried once in a fresh
session, then reported: test_durable_faults.py injects faults into the C API itself).
"""

from __future__ import annotations

import itertools
import json
import subprocess
import sys
import textwrap
import threading
import uuid
from typing import Any

import pytest

from trialscreen.engine import durable_backend as db
from trialscreen.engine.durable_backend import DurableBackend
from trialscreen.engine.python_backend import PythonBackend
from trialscreen.engine.tree import And, AtLeast, IfThenElse, Not, Or, ReviewIf
from trialscreen.engine.tree import Test as Cmp
from trialscreen.errors import EngineError
from trialscreen.logic import Outcome

durable_engine = pytest.importorskip("durable.engine", reason="durable-rules is not importable on this Python")

T, F, U, R = Outcome.MET, Outcome.NOT_MET, Outcome.UNKNOWN, Outcome.REVIEW


def unique(prefix: str) -> str:
    """A fresh ruleset key: DurableBackend instances and durable ruleset names live for the whole process."""
    return f"{prefix}_{uuid.uuid4().hex[:12]}"


def durable_names(backend: DurableBackend) -> list[str]:
    """The durable-rules ruleset names a backend registered (one per group of comparisons)."""
    return [g.ruleset_name for g in backend.groups]


# -- the raw engine ----------------------------------------------------------------------------------------------


class RawHost(durable_engine.Host):
    """A bare host for the raw demonstrations (no timer threads, like ours, so nothing races the test)."""

    def _run(self) -> None:
        return None


@pytest.fixture(scope="module")
def raw():
    host = RawHost()
    fired: list[str] = []

    def register(rules: dict[str, dict[str, Any]], *, catch_all: bool = True) -> str:
        name = unique("raw")
        definition = {}
        for rule_name, pattern in rules.items():
            definition[rule_name] = {"all": [{"m": pattern}], "run": (lambda n: lambda c: fired.append(n))(rule_name)}
        if catch_all:
            definition["catch_all"] = {"all": [{"m": {"t": "x"}}], "run": lambda c: fired.append("catch_all")}
        host.set_rulesets({name: definition})
        return name

    def assert_fact(name: str, fact: dict[str, Any]) -> list[str]:
        fired.clear()
        host.assert_fact(name, {"t": "x", "id": 1, "sid": uuid.uuid4().hex, **fact})
        return sorted(fired)

    return type("Raw", (), {"host": host, "register": staticmethod(register), "assert_fact": staticmethod(assert_fact)})


def gte_age(value: Any) -> dict[str, Any]:
    return {"$and": [{"t": "x"}, {"$gte": {"age": value}}]}


def test_raw_comparison_on_absent_field_is_false(raw):
    name = raw.register({"gte": gte_age(18), "lt": {"$and": [{"t": "x"}, {"$lt": {"age": 18}}]}})
    # neither "age >= 18" nor its negation "age < 18" holds: this is what makes UNKNOWN possible
    assert raw.assert_fact(name, {}) == ["catch_all"]
    assert raw.assert_fact(name, {"age": 30}) == ["catch_all", "gte"]


def test_raw_neq_on_absent_field_is_false(raw):
    name = raw.register({"neq": {"$and": [{"t": "x"}, {"$neq": {"s": "a"}}]},
                         "nex": {"$and": [{"t": "x"}, {"$nex": {"s": 1}}]}})
    assert raw.assert_fact(name, {}) == ["catch_all", "nex"]
    assert raw.assert_fact(name, {"s": "b"}) == ["catch_all", "neq"]


def test_raw_null_is_not_absent(raw):
    name = raw.register({"ex": {"$and": [{"t": "x"}, {"$ex": {"age": 1}}]}, "gte": gte_age(18),
                         "lt": {"$and": [{"t": "x"}, {"$lt": {"age": 18}}]}})
    # null: $ex is true, yet every comparison is false
    assert raw.assert_fact(name, {"age": None}) == ["catch_all", "ex"]


def test_raw_or_whose_two_branches_match_fires_twice(raw):
    name = raw.register({"or": {"$and": [{"t": "x"}, {"$or": [{"$gte": {"a": 1}}, {"$gte": {"b": 1}}]}]}})
    assert raw.assert_fact(name, {"a": 2, "b": 2}) == ["catch_all", "or", "or"]
    assert raw.assert_fact(name, {"a": 2, "b": 0}) == ["catch_all", "or"]


def test_raw_true_matches_one(raw):
    name = raw.register({"one": {"$and": [{"t": "x"}, {"flag": 1}]}})
    assert raw.assert_fact(name, {"flag": True}) == ["catch_all", "one"]
    assert raw.assert_fact(name, {"flag": 1}) == ["catch_all", "one"]


def test_raw_strings_compare_as_text(raw):
    name = raw.register({"adult": gte_age(18)})
    assert raw.assert_fact(name, {"age": "9"}) == ["adult", "catch_all"]  # "9" >= 18: true, as text
    assert raw.assert_fact(name, {"age": 9}) == ["catch_all"]


def test_raw_object_with_two_keys_tests_only_the_first(raw):
    name = raw.register({"two_keys": {"t": "x", "age": 30}})
    assert raw.assert_fact(name, {"age": 5}) == ["catch_all", "two_keys"]  # age was never tested


def test_raw_fact_matching_no_rule_raises_message_not_handled(raw):
    name = raw.register({"gte": gte_age(18)}, catch_all=False)
    with pytest.raises(durable_engine.MessageNotHandledException):
        raw.assert_fact(name, {"age": 5})


def test_raw_same_content_twice_raises_message_observed(raw):
    name = raw.register({"gte": gte_age(18)})
    fact = {"t": "x", "id": 1, "sid": "same", "age": 30}
    raw.host.assert_fact(name, dict(fact))
    with pytest.raises(durable_engine.MessageObservedException):
        raw.host.assert_fact(name, dict(fact))


def test_raw_action_exception_is_swallowed_into_the_state(raw):
    name = unique("raw")

    def boom(_c):
        raise RuntimeError("kaput")

    raw.host.set_rulesets({name: {"r": {"all": [{"m": {"t": "x"}}], "run": boom}}})
    state = raw.host.assert_fact(name, {"t": "x", "id": 1, "sid": "1"})  # does not raise
    assert "kaput" in state["exception"]


def test_raw_set_rulesets_mutates_its_argument_and_names_register_once(raw):
    name = unique("raw")
    definition = {"r": {"all": [{"m": {"t": "x"}}], "run": lambda c: None}}
    raw.host.set_rulesets({name: definition})
    assert "run" not in definition["r"]  # the action was deleted from the caller's dict
    with pytest.raises(Exception, match="already registered"):
        raw.host.set_rulesets({name: {"r": {"all": [{"m": {"t": "x"}}], "run": lambda c: None}}})


def test_raw_live_session_limit(raw):
    name = raw.register({})
    with pytest.raises(MemoryError):
        for i in range(1100):
            raw.host.assert_fact(name, {"t": "x", "id": 1, "sid": f"s{i}"})
    assert i == 1024  # ~1,020 live sessions, then MemoryError
    for j in range(i):
        raw.host.delete_state(name, f"s{j}")
    raw.host.assert_fact(name, {"t": "x", "id": 1, "sid": "after"})  # space again once states are deleted


def test_raw_default_host_starts_timer_threads():
    # in a subprocess: the stock host's timers re-arm forever and would pollute this process's thread list
    script = textwrap.dedent(
        """
        import threading, time
        from durable import engine
        before = set(threading.enumerate())
        engine.Host()
        time.sleep(0.3)
        print(sum(isinstance(t, threading.Timer) for t in threading.enumerate() if t not in before))
        """
    )
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "2"  # two timers polling every 0.2 s, racing whoever asserts facts




def test_raw_nested_and_or_is_refused_with_error_113(raw):
    # what sank the former whole-formula encoding: and/or nested four levels deep (16 comparisons) is refused,
    # the same 16 comparisons in one flat $and are not
    counter = itertools.count()

    def nest(depth: int, op: str) -> dict[str, Any]:
        if depth == 0:
            return {"$gte": {f"f{next(counter)}": 1}}
        other = "$and" if op == "$or" else "$or"
        return {op: [nest(depth - 1, other), nest(depth - 1, other)]}

    raw.register({"flat": {"$and": [{"t": "x"}] + [{"$gte": {f"g{i}": 1}} for i in range(16)]}})
    raw.register({"three_levels": {"$and": [{"t": "x"}, nest(3, "$or")]}})
    with pytest.raises(Exception, match="error code: 113"):
        raw.register({"four_levels": {"$and": [{"t": "x"}, nest(4, "$or")]}})


RAW_MATCHES = textwrap.dedent(
    """
    from durable import engine
    class H(engine.Host):
        def _run(self): pass
    h = H()
    for n in (64, 65):  # n rules on one field, all matched by x = 1000
        rules = {f"r{i}": {"all": [{"m": {"$and": [{"t": "x"}, {"$gte": {"x": float(i)}}]}}], "run": lambda c: None}
                 for i in range(n)}
        h.set_rulesets({f"big{n}": rules})
        try:
            h.assert_fact(f"big{n}", {"t": "x", "id": "a", "sid": "1", "x": 1000.0})
            print(n, "ok")
        except Exception as exc:
            print(n, exc)
    """
)


def test_raw_fact_matching_more_than_64_comparisons_is_refused_with_error_303():
    # in a subprocess: past the fixed stack, durable-rules may corrupt the heap (through the C API the adapter
    # uses, 65 matched comparisons aborted with "munmap_chunk(): invalid pointer")
    proc = subprocess.run([sys.executable, "-c", RAW_MATCHES], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr[-800:]
    assert proc.stdout.splitlines() == ["64 ok", "65 Could not assert fact, error code: 303"]


def test_raw_number_in_exponent_notation_without_a_point_is_refused(raw):
    # found while writing these tests: Python's json writes 1e-05 and 1e+16 without a decimal point, and
    # durable-rules' number parser refuses them (error 204); with a point in the mantissa they parse
    name = raw.register({"gte": gte_age(18)})
    assert raw.assert_fact(name, {"age": 1.5e-05}) == ["catch_all"]
    assert raw.assert_fact(name, {"age": 1e5}) == ["catch_all", "gte"]  # json: 100000.0
    for value in (1e-05, 2e-07, 1e16):
        with pytest.raises(Exception, match="error code: 204"):
            raw.assert_fact(name, {"age": value})


# -- our adapter: the right answer anyway ----------------------------------------------------------------------


def both(trees, facts):
    durable = DurableBackend(trees, unique("hz")).evaluate(facts)
    python = PythonBackend(trees, "-").evaluate(facts)
    assert durable == python
    return durable


def test_absent_field_is_unknown_never_met():
    age = Cmp("age", ">=", 18.0)
    trees = {
        "inc": age, "exc": Cmp("age", "<", 18.0), "not": Not(age), "neq": Cmp("sex", "!=", "male"),
        "not_neq": Not(Cmp("sex", "!=", "male")), "or": Or((age, Cmp("plt", ">=", 50.0))),
        "and": And((age, Cmp("plt", ">=", 50.0))), "at_least": AtLeast(1, (age, Not(age))),
        "review_if": ReviewIf(age), "flag": Cmp("flag", "==", True), "not_flag": Not(Cmp("flag", "==", True)),
        "ite": IfThenElse(Cmp("flag", "==", True), age, Not(age)),
    }
    assert both(trees, {}) == {cid: U for cid in trees}


def test_absent_field_is_never_sent_and_never_answered(monkeypatch):
    sent: list[dict[str, Any]] = []
    real_fired = DurableBackend._fired
    monkeypatch.setattr(DurableBackend, "_fired", lambda self, group, fields: (
        sent.append(json.loads(group.head + fields + "}")), real_fired(self, group, fields))[1])
    trees = {"a": Cmp("age", ">=", 18.0), "p": Cmp("plt", "<", 50.0), "f": Cmp("flag", "==", False)}
    backend = DurableBackend(trees, unique("hz_absent"))
    assert backend.leaf_answers({"age": 30, "plt": None, "flag__review": True}) == {Cmp("age", ">=", 18.0): True}
    [fact] = sent
    assert fact == {"t": db.FACT_TYPE, "id": db.FACT_ID, "sid": backend.groups[0].sid,
                    backend.wire_names[("age", "number")]: 30.0}  # no None, no review marker


def test_absent_field_with_review_marker_is_review_never_met():
    trees = {"inc": Cmp("age", ">=", 18.0), "not": Not(Cmp("age", ">=", 18.0))}
    assert both(trees, {"age__review": True}) == {"inc": R, "not": R}


def test_absence_on_one_branch_still_decides_when_the_other_branch_does():
    # Kleene: F and U = F, T or U = T
    trees = {"and": And((Cmp("a", ">=", 1.0), Cmp("b", ">=", 1.0))), "or": Or((Cmp("a", ">=", 1.0), Cmp("b", ">=", 1.0)))}
    assert both(trees, {"a": 0}) == {"and": F, "or": U}
    assert both(trees, {"a": 5}) == {"and": U, "or": T}


def test_if_then_else_ignores_missing_data_in_the_branch_not_taken():
    """Regression (logic.if_then_else): with a decided test, an UNKNOWN in the branch not taken used to beat a
    REVIEW in the chosen one. Here: no CKD, so the creatinine branch decides; eGFR is simply irrelevant."""
    ckd, egfr, creat = Cmp("ckd", "==", True), Cmp("egfr", ">=", 30.0), Cmp("creat", "<=", 1.5)
    trees = {"renal": IfThenElse(ckd, egfr, creat)}
    assert both(trees, {"ckd": False, "creat__review": True}) == {"renal": R}  # egfr absent: not UNKNOWN
    assert both(trees, {"ckd": True, "egfr__review": True}) == {"renal": R}  # creat absent: not UNKNOWN
    assert both(trees, {"ckd": False, "creat": 1.2}) == {"renal": T}
    # undecided test: the consensus term still decides when both branches agree
    assert both(trees, {"egfr": 45, "creat": 1.0}) == {"renal": T}
    assert both(trees, {"egfr": 45, "creat": 2.0}) == {"renal": U}


def test_none_fact_is_unknown_on_both_backends():
    """Regression: PythonBackend treated a None fact as present (Test(f >= 18) raised TypeError, Test(f == 18)
    gave NOT_MET) where DurableBackend drops None and gives UNKNOWN; a review marker still applies."""
    for op in (">=", "==", "!="):
        trees = {"c": Cmp("f", op, 18.0), "not": Not(Cmp("f", op, 18.0))}
        assert both(trees, {"f": None}) == {"c": U, "not": U}
        assert both(trees, {"f": None, "f__review": True}) == {"c": R, "not": R}


# -- what the engine reports, and how the adapter checks it -----------------------------------------------------


def partner(backend: DurableBackend, rule_name: str) -> str:
    """The other rule of the same comparison (its negation, or the comparison itself)."""
    test, holds = backend.rule_tests[rule_name]
    [other] = [n for n, (t, h) in backend.rule_tests.items() if t == test and h is not holds]
    return other


def test_every_present_comparison_matches_exactly_one_of_its_two_rules(monkeypatch):
    fired: list[list[str]] = []
    real_fired = DurableBackend._fired
    monkeypatch.setattr(DurableBackend, "_fired",
                        lambda self, group, fields: (fired.append(real_fired(self, group, fields)), fired[-1])[1])
    trees = {"a": Cmp("age", ">=", 18.0), "b": Cmp("age", "<", 18.0), "s": Cmp("sex", "!=", "male"),
             "f": Cmp("flag", "==", True)}
    backend = DurableBackend(trees, unique("hz_pairs"))
    assert backend.evaluate({"age": 18, "sex": "male", "flag": False}) == {"a": T, "b": F, "s": F, "f": F}
    [names] = fired
    matched = [backend.rule_tests[n] for n in names]
    assert sorted(matched, key=str) == sorted(
        [(Cmp("age", ">=", 18.0), True), (Cmp("age", "<", 18.0), False), (Cmp("sex", "!=", "male"), False),
         (Cmp("flag", "==", True), False)], key=str)


def test_a_comparison_matched_by_both_its_rules_raises_engine_error(monkeypatch):
    backend = DurableBackend({"c": Cmp("age", ">=", 18.0), "d": Cmp("plt", "<", 50.0)}, unique("hz_both"))
    real_fired = DurableBackend._fired

    def with_negations(self, group, fields):
        names = real_fired(self, group, fields)
        return names + [partner(self, n) for n in names if self.rule_tests[n][0].field == "plt"]

    monkeypatch.setattr(DurableBackend, "_fired", with_negations)
    with pytest.raises(EngineError, match=r"matched both Test\(field='plt', op='<', value=50.0\) and its negation"):
        backend.evaluate({"age": 30, "plt": 20})
    assert backend.evaluate({"age": 30}) == {"c": T, "d": U}  # an absent field fires nothing to contradict


def test_a_present_comparison_matched_by_neither_rule_raises_engine_error(monkeypatch):
    backend = DurableBackend({"c": Cmp("age", ">=", 18.0), "d": Cmp("plt", "<", 50.0)}, unique("hz_neither"))
    real_fired = DurableBackend._fired

    def dropping_plt(self, group, fields):
        return [n for n in real_fired(self, group, fields) if self.rule_tests[n][0].field != "plt"]

    monkeypatch.setattr(DurableBackend, "_fired", dropping_plt)
    for plt in (20, 80):  # whether the dropped rule was the comparison or its negation
        with pytest.raises(EngineError, match=r"matched neither Test\(field='plt', op='<', value=50.0\) nor its"):
            backend.evaluate({"age": 30, "plt": plt})
    # never silently "not met": an absent plt is UNKNOWN because it is absent, not because nothing fired
    assert backend.evaluate({"age": 30}) == {"c": T, "d": U}


def test_a_rule_reported_twice_raises_engine_error(monkeypatch):
    # the raw engine fires an $or rule once per matching branch; we use no $or, so a repeated name means the
    # engine is not doing what we think: no answer rather than a guess
    backend = DurableBackend({"c": Or((Cmp("a", ">=", 1.0), Cmp("b", ">=", 1.0)))}, unique("hz_twice"))
    real_fired = DurableBackend._fired
    monkeypatch.setattr(DurableBackend, "_fired", lambda self, group, fields: real_fired(self, group, fields) * 2)
    with pytest.raises(EngineError, match=r"reported Test\(field='a', op='>=', value=1.0\) twice"):
        backend.evaluate({"a": 2, "b": 2})
    monkeypatch.undo()
    assert backend.evaluate({"a": 2, "b": 2}) == {"c": T}
    assert backend.evaluate({"a": 0, "b": 0}) == {"c": F}


def test_a_sabotaged_negation_is_caught_by_the_real_engine(monkeypatch):
    # make every ">=" rule's "negation" another ">=": for age 30 the engine fires both, for age 5 neither
    monkeypatch.setitem(db._NEGATED_OP, ">=", ">=")
    backend = DurableBackend({"c": Cmp("age", ">=", 18.0)}, unique("hz_sabotage"))
    with pytest.raises(EngineError, match="matched both"):
        backend.evaluate({"age": 30})
    with pytest.raises(EngineError, match="matched neither"):
        backend.evaluate({"age": 5})
    assert backend.evaluate({}) == {"c": U}


def test_no_python_action_ever_runs(monkeypatch):
    # exceptions in actions are swallowed by durable-rules (raw test above): we run none, we read rule names
    backend = DurableBackend({"c": Cmp("age", ">=", 18.0), "n": Not(Cmp("age", ">=", 18.0))}, unique("hz_noaction"))
    ran: list[str] = []
    for name in durable_names(backend):
        for rule_name, promise in db._get_host().get_ruleset(name)._actions.items():
            assert promise._func is db._never_called, rule_name
            monkeypatch.setattr(promise, "_func", lambda c, rule_name=rule_name: ran.append(rule_name))
    assert backend.evaluate({"age": 30}) == {"c": T, "n": F}
    assert backend.evaluate({"age": 5}) == {"c": F, "n": T}
    assert ran == []


def test_unseen_fact_raises_engine_error(monkeypatch):
    # the engine took the fact but matched nothing at all
    monkeypatch.setattr(DurableBackend, "_fired", lambda self, group, fields: [])
    backend = DurableBackend({"c": Cmp("age", ">=", 18.0)}, unique("hz_unseen"))
    with pytest.raises(EngineError, match="matched neither"):
        backend.evaluate({"age": 30})


def test_identical_facts_evaluate_repeatedly_in_one_session(monkeypatch):
    sids = itertools.count(10**9)
    monkeypatch.setattr(db, "_sids", sids)
    backend = DurableBackend({"c": Cmp("age", ">=", 18.0)}, unique("hz_repeat"))
    for _ in range(5):
        assert backend.evaluate({"age": 30}) == {"c": T}  # no MessageObservedException: the fact was retracted
    assert next(sids) == 10**9 + 1  # one session for the group, reused
    assert backend.retries == 0


def test_fact_is_retracted_after_every_evaluation():
    backend = DurableBackend({"c": Cmp("age", ">=", 18.0)}, unique("hz_state"))
    for age in (30, 3, 30):
        backend.evaluate({"age": age})
        [(name, sid)] = backend.live_sessions()
        assert db._get_host().get_facts(name, sid) == []  # nothing of this patient is left for the next
        assert db._get_host().get_state(name, sid) == {"sid": sid, "id": f"sid-{sid}", "$s": 1}  # only its own state


def test_two_thousand_evaluations_stay_under_the_session_limit():
    backend = DurableBackend({"c": Cmp("age", ">=", 18.0), "d": Not(Cmp("plt", ">=", 50.0))}, unique("hz_many"))
    results = [backend.evaluate({"age": 18 + i % 3, "plt": 49 + i % 2} if i % 5 else {}) for i in range(2000)]
    assert results[0] == {"c": U, "d": U}
    assert results[1] == {"c": T, "d": F}  # age 19, plt 50
    assert results[2] == {"c": T, "d": T}  # age 20, plt 49
    assert sum(r == {"c": U, "d": U} for r in results) == 400


def test_our_host_starts_no_timer_threads():
    before = set(threading.enumerate())
    host = db._QuietHost()
    backend = DurableBackend({"c": Cmp("age", ">=", 18.0)}, unique("hz_threads"))
    for _ in range(20):
        backend.evaluate({"age": 30})
    new = [t for t in threading.enumerate() if t not in before]
    assert new == []
    assert isinstance(db._get_host(), db._QuietHost)
    assert not hasattr(host, "_d_timer") and not hasattr(db._get_host(), "_t_timer")


def test_a_fact_with_nothing_to_ask_is_never_asserted(monkeypatch):
    # no comparison rule could match a fact without fields (durable-rules would raise MessageNotHandled): a
    # group whose fields are all absent, or of the wrong type, is not asked at all
    backend = DurableBackend({"c": Cmp("age", ">=", 18.0)}, unique("hz_unmatched"))
    calls: list[str] = []
    real_assert = db._C.assert_fact
    monkeypatch.setattr(db._C, "assert_fact", lambda handle, fact: (calls.append(fact), real_assert(handle, fact))[1])
    assert backend.evaluate({}) == {"c": U}
    assert backend.evaluate({"age": "30", "other": 1.0}) == {"c": U}
    assert calls == []
    assert backend.evaluate({"age": 30}) == {"c": T}
    assert [json.loads(c)["t"] for c in calls] == [db.SESSION_TYPE, db.FACT_TYPE]  # a new session is primed first
    assert DurableBackend({}, unique("hz_empty")).evaluate({"age": 3}) == {}


def test_booleans_and_numbers_are_not_confused_on_the_wire():
    trees = {"flag": Cmp("flag", "==", True), "not_flag": Cmp("flag", "!=", True), "n": Cmp("n", "==", 1.0),
             "false": Cmp("flag", "==", False)}
    assert both(trees, {"flag": True, "n": 1}) == {"flag": T, "not_flag": F, "n": T, "false": F}
    assert both(trees, {"flag": False, "n": 0}) == {"flag": F, "not_flag": T, "n": F, "false": T}


ILL_TYPED = [
    pytest.param(Cmp("f", ">=", 1.0), True, id="bool-fact-numeric-test"),
    pytest.param(Cmp("f", "==", True), 1, id="int-fact-bool-test"),
    pytest.param(Cmp("f", "==", False), 0, id="zero-fact-false-test"),
    pytest.param(Cmp("f", ">=", 18.0), "9", id="text-fact-numeric-test"),
    pytest.param(Cmp("f", "==", "a"), 20, id="number-fact-text-test"),
    pytest.param(Cmp("f", "!=", "a"), False, id="bool-fact-text-test"),
]


@pytest.mark.parametrize(("test", "value"), ILL_TYPED)
def test_ill_typed_fact_is_unknown_not_compared_on_the_wire(test, value):
    """Regression: durable-rules compares True == 1 and "9" >= 18 (as text), so an ill-typed fact used to give
    MET/NOT_MET on the durable backend where the Python backend gives UNKNOWN (or REVIEW when marked)."""
    trees = {"c": test, "not": Not(test)}
    assert both(trees, {"f": value}) == {"c": U, "not": U}
    assert both(trees, {"f": value, "f__review": True}) == {"c": R, "not": R}
    assert DurableBackend(trees, unique("hz_type")).leaf_answers({"f": value}) == {}


def test_a_field_compared_as_a_number_and_as_a_boolean_travels_under_two_wire_names(monkeypatch):
    """A value is sent only under the wire name of its own type, so the comparisons of the other type are never
    asked (UNKNOWN, as in Python) and cannot be answered by durable-rules' True == 1."""
    trees = {"num": Cmp("f", ">=", 1.0), "flag": Cmp("f", "==", True), "text": Cmp("f", "!=", "a")}
    backend = DurableBackend(trees, unique("hz_mixed"))
    assert len({backend.wire_names[("f", kind)] for kind in ("number", "boolean", "text")}) == 3
    assert both(trees, {"f": True}) == {"num": U, "flag": T, "text": U}
    assert both(trees, {"f": 1}) == {"num": T, "flag": U, "text": U}
    assert both(trees, {"f": "b", "f__review": True}) == {"num": R, "flag": R, "text": T}
    sent: list[dict[str, Any]] = []
    real_fired = DurableBackend._fired
    monkeypatch.setattr(DurableBackend, "_fired", lambda self, group, fields: (
        sent.append(json.loads(group.head + fields + "}")), real_fired(self, group, fields))[1])
    assert backend.leaf_answers({"f": True}) == {Cmp("f", "==", True): True}
    [fact] = sent
    assert set(fact) == {"t", "id", "sid", backend.wire_names[("f", "boolean")]}


@pytest.mark.parametrize("value", [2**53 + 1, 10**400, -(2**60) - 1])
def test_an_integer_a_double_cannot_hold_is_refused_not_rounded(value):
    """durable-rules compares doubles: 2**53 + 1 would arrive as 2**53 and could meet a threshold it does not
    meet. The adapter refuses such a value with a clear error instead (the Python evaluator compares exactly)."""
    backend = DurableBackend({"c": Cmp("n", ">", 9007199254740992.0)}, unique("hz_bigint"))
    with pytest.raises(EngineError, match=r"fact n = .* cannot be compared exactly by durable-rules"):
        backend.evaluate({"n": value})
    assert backend.evaluate({"n": 2**53}) == {"c": F}  # exactly representable: answered
    assert backend.retries == 0  # refused before durable-rules is asked: nothing to retry


EXPONENT_VALUES = [1e-05, 5e-05, 2e-07, -1e-05, 1e16]


@pytest.mark.parametrize("value", EXPONENT_VALUES)
def test_fact_in_exponent_notation_is_answered(value):
    """Regression: json.dumps writes 1e-05 without a decimal point, which durable-rules refuses (error 204); the
    adapter now writes facts as 1.0e-05."""
    trees = {"ge": Cmp("x", ">=", 10.0), "lt": Cmp("x", "<", 10.0)}
    want = {"ge": T, "lt": F} if value >= 10 else {"ge": F, "lt": T}
    assert both(trees, {"x": value}) == want


@pytest.mark.parametrize("threshold", [1e-05, 1e16])
def test_threshold_in_exponent_notation_is_refused_clearly(threshold):
    """durable-rules writes its ruleset with json.dumps itself, so such a threshold cannot be expressed: the
    adapter refuses it up front with a message saying why, instead of durable's bare error 204."""
    with pytest.raises(EngineError, match="exponent notation"):
        DurableBackend({"c": Cmp("x", ">=", threshold)}, unique("hz_exp"))


def test_same_ruleset_key_is_registered_once():
    key = unique("hz_once")
    trees = {"c": Cmp("age", ">=", 18.0)}
    first = DurableBackend(trees, key)
    second = DurableBackend({"other": Cmp("x", "<", 1.0)}, key)
    assert second is first and second.trees == trees  # the first compilation is reused as is
    host = db._get_host()
    [name] = durable_names(first)
    assert name.startswith(f"ts_{key}")
    assert sum(1 for r in host._ruleset_list if r._name == name) == 1
    assert [n for n in host._ruleset_directory if n.startswith(f"ts_{key}")] == [name]


def test_registered_definition_survives_set_rulesets_mutating_it():
    # set_rulesets deletes "run" from what it is given: evaluating twice proves the rules are still wired
    backend = DurableBackend({"c": Cmp("age", ">=", 18.0)}, unique("hz_fresh"))
    assert backend.evaluate({"age": 30}) == {"c": T}
    assert backend.evaluate({"age": 3}) == {"c": F}


# -- structural checks on what we register (hazards too dangerous to trigger raw) ---------------------------


def registered_patterns(backend: DurableBackend) -> dict[str, Any]:
    patterns = {}
    for ruleset in durable_names(backend):
        definition = db._get_host().get_ruleset(ruleset).get_definition()
        for name, rule in definition.items():
            [pattern] = rule["all"]
            patterns[f"{ruleset}:{name}"] = pattern["m"]
    return patterns


def walk(pattern: Any):
    yield pattern
    if isinstance(pattern, dict):
        for key, value in pattern.items():
            if key in ("$and", "$or"):
                for item in value:
                    yield from walk(item)


@pytest.fixture(scope="module")
def sample_backend():
    x, y = Cmp("x", ">=", 10.0), Cmp("y", "==", True)
    trees = {"leaf": x, "not": Not(x), "and": And((x, y)), "or": Or((x, Cmp("z", "!=", "a"))),
             "al": AtLeast(2, (x, y, Cmp("z", "==", "b"))), "rev": ReviewIf(y), "notrev": Not(ReviewIf(x)),
             "ite": IfThenElse(y, Cmp("w", "<", 3.0), Not(x))}
    return DurableBackend(trees, unique("hz_struct"))


def test_every_pattern_starts_with_the_type_test(sample_backend):
    # an unguarded $nex matches the session's own state and loops at 100% CPU
    patterns = registered_patterns(sample_backend)
    assert len(patterns) == sample_backend.rule_count == 2 * 5 + 1  # and the session rule
    for name, pattern in patterns.items():
        assert pattern == {"t": db.SESSION_TYPE} or pattern["$and"][0] == {"t": db.FACT_TYPE}, name


def test_no_negation_patterns_no_existence_tests_no_or_and_no_arithmetic(sample_backend):
    # $not is order-dependent; $nex needs a guard; $or fires once per matching branch; arithmetic on an absent
    # field reads uninitialised memory. A comparison on an absent field is simply false (raw tests above).
    text = repr(registered_patterns(sample_backend))
    for forbidden in ("$not", "$ex", "$nex", "$or", "$add", "$sub", "$mul", "$div", "'$m'", "'$l'", "'$r'"):
        assert forbidden not in text, forbidden


def test_every_object_has_one_key(sample_backend):
    # an object with two keys tests only the first
    for pattern in registered_patterns(sample_backend).values():
        for node in walk(pattern):
            assert len(node) == 1, node


# -- hazards that crash the process: only in a subprocess ------------------------------------------------------

CRASH_SCRIPT = textwrap.dedent(
    """
    import sys
    from trialscreen.engine.durable_backend import DurableBackend
    from trialscreen.engine.tree import Test
    n, layout = int(sys.argv[1]), sys.argv[2]
    if layout == "same":  # n thresholds on one field, all met
        trees = {f"c{i}": Test("x", ">=", float(i)) for i in range(n)}
        facts = {"x": 1000}
    else:  # one field per criterion, all absent or all met
        trees = {f"c{i}": Test(f"x{i}", ">=", 1.0) for i in range(n)}
        facts = {} if layout == "distinct_absent" else {f"x{i}": 5 for i in range(n)}
    try:
        out = DurableBackend(trees, "crash").evaluate(facts)
    except Exception as exc:
        print("raised", type(exc).__module__, type(exc).__name__)
    else:
        print("outcomes", sorted(set(o.value for o in out.values())))
    """
)


def run_crash_script(n: int, layout: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", CRASH_SCRIPT, str(n), layout], capture_output=True, text=True,
                          timeout=120)


@pytest.mark.parametrize(
    ("n", "layout", "expected"),
    [(64, "same", "met"), (65, "distinct_absent", "unknown"), (65, "distinct_present", "met"),
     (200, "distinct_absent", "unknown"), (200, "distinct_present", "met")],
)
def test_many_criteria_evaluate_without_crashing(n, layout, expected):
    # 65+ criteria on distinct fields used to kill the process (heap corruption) even with every field absent
    proc = run_crash_script(n, layout)
    assert proc.returncode == 0, f"exit code {proc.returncode}: {proc.stderr[-800:]}"
    assert proc.stdout.strip() == f"outcomes ['{expected}']"


@pytest.mark.parametrize("n", [65, 200])
def test_many_thresholds_on_one_field_answer_instead_of_crashing(n):
    """Regression: 65 criteria comparing ONE field with 65 thresholds, all met (a 4-property fact), overflowed
    durable-rules' fixed stack and segfaulted the process (exit -11): grouping by fields did not bound the
    number of matches. Groups of at most MAX_TESTS_PER_GROUP comparisons do."""
    proc = run_crash_script(n, "same")
    assert proc.returncode == 0, f"exit code {proc.returncode}: {proc.stderr[-800:]}"
    assert proc.stdout.strip() == "outcomes ['met']"


# -- the pipeline protects the engine from ill-typed plugin values -------------------------------------------


def test_pipeline_turns_ill_typed_plugin_values_into_unknown(tmp_path):
    import trialscreen
    from trialscreen import hookimpl
    from trialscreen.plugins.manager import PluginManager
    from trialscreen.plugins.types import DerivedValue, Predicate, ValueResult

    class TypePlugin:
        @hookimpl
        def trialscreen_values(self):
            return [DerivedValue(id="typo.count", name="A count that is really a boolean",
                                 compute=lambda ctx, params: ValueResult(value=True))]

        @hookimpl
        def trialscreen_predicates(self):
            return [Predicate(id="typo.flag", name="A flag that is really an int",
                              compute=lambda ctx, params: ValueResult(value=1))]

    ruleset = tmp_path / "typo.yaml"
    ruleset.write_text(textwrap.dedent(
        """\
        id: typo
        title: Typo
        version: "0.1"
        source: {file: none.txt}
        cohorts:
          - {id: sle, indication: SLE, title: SLE}
        criteria:
          - id: inc-count
            kind: inclusion
            text: count >= 1
            condition: {fact: typo.count, op: ">=", value: 1}
          - id: exc-flag
            kind: exclusion
            text: flag
            condition: {predicate: {id: typo.flag}}
        """
    ), encoding="utf-8")
    pm = PluginManager()
    pm.register(TypePlugin(), "typo")
    patient = {"id": "t1", "screening": {"date": "2026-11-20"}, "sex": "female", "birth_date": "1990-05-01",
               "diagnoses": [{"indication": "SLE"}]}
    for backend in ("durable", "python"):
        report = trialscreen.evaluate(patient, ruleset, plugins=pm, backend=backend)
        by_id = {c.id: c for c in report.criteria}
        # True is not 1 and 1 is not True: both unknown, with the type problem named
        assert by_id["inc-count"].outcome == "unknown"
        assert any("got bool True from plugin 'typo', expected float" in m for m in by_id["inc-count"].missing)
        assert by_id["exc-flag"].outcome == "unknown"
        assert any("got int 1 from plugin 'typo', expected bool" in m for m in by_id["exc-flag"].missing)
        assert report.verdict == "incomplete"


# -- end to end: a number durable-rules cannot parse ------------------------------------------------------------

TINY_PLATELETS_RULESET = """\
id: tiny-plt
title: Tiny platelets
version: "0.1"
source: {file: none.txt}
cohorts:
  - {id: sle, indication: SLE, title: SLE}
criteria:
  - id: inc-plt
    kind: inclusion
    text: "platelets >= 50 x10^9/L"
    condition: {fact: lab.platelets, op: ">=", value: 50, unit: 10^9/L}
"""


def test_tiny_lab_value_is_evaluated_on_the_default_backend(tmp_path):
    """Regression: a platelet count of 5e-05 x10^9/L reached durable-rules as 5e-05 and was refused (error 204)."""
    import trialscreen

    ruleset = tmp_path / "tiny-plt.yaml"
    ruleset.write_text(TINY_PLATELETS_RULESET, encoding="utf-8")
    patient = {"id": "t1", "screening": {"date": "2026-11-20"}, "sex": "female", "birth_date": "1990-05-01",
               "diagnoses": [{"indication": "SLE"}],
               "labs": [{"test": "platelets", "value": 5e-05, "unit": "10^9/L", "date": "2026-11-10"}]}
    python = trialscreen.evaluate(patient, ruleset, backend="python")
    assert {c.id: c.outcome for c in python.criteria}["inc-plt"] == "not_met"
    durable = trialscreen.evaluate(patient, ruleset)
    assert {c.id: c.outcome for c in durable.criteria} == {c.id: c.outcome for c in python.criteria}
