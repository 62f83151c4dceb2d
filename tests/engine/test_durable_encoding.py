"""The durable-rules encoding, and an exhaustive check of both backends against `trialscreen.logic`.

The adapter (`trialscreen.engine.durable_backend`) turns every distinct comparison (`Test`) of a compiled ruleset
into two durable-rules rules on one flat fact: the comparison and its negation, each a type test plus ONE
comparison. Comparisons are split into durable rulesets ("groups") of at most `MAX_TESTS_PER_GROUP`. durable-rules
answers the leaves (`leaf_answers`); the four-valued logic combines them (the adapter's `compile_on_leaves`, the
Python backend's `compile_node`). Part 1 checks that structure on the definitions actually registered with the
host.

Part 2 is exhaustive: every small tree shape (And / Or / Not / AtLeast / IfThenElse / ReviewIf over 1-3 Test
leaves, depth <= 3: 5,361 shapes) is evaluated by the DurableBackend and the PythonBackend for EVERY assignment of
each leaf to met / not met / unknown (field absent) / review (field absent, review marker present), and both must
equal the combination of the leaf outcomes computed here, in the test, with `trialscreen.logic` (not through either
backend, nor through `tree.evaluate`). Every shape must compile: under the former whole-formula encoding most
nested shapes over three fields failed with durable-rules error 113.

The shapes are evaluated many at a time as the criteria of one ruleset (the production layout); a ruleset that
does not compile is retried one shape at a time so that the error names a shape. All durable work of part 2 runs
in the isolated worker process of conftest.py, so a crash of the C extension fails a test instead of the run.
"""

from __future__ import annotations

import copy
import hashlib
import itertools
import json
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from trialscreen import logic
from trialscreen.engine import durable_backend
from trialscreen.engine.durable_backend import MAX_TESTS_PER_GROUP, DurableBackend
from trialscreen.engine.python_backend import PythonBackend
from trialscreen.engine.tree import And, AtLeast, IfThenElse, Node, Not, Or, ReviewIf, review_field
from trialscreen.engine.tree import Test as Cmp
from trialscreen.errors import EngineError
from trialscreen.logic import Outcome

pytestmark = pytest.mark.skipif(
    durable_backend.IMPORT_ERROR is not None, reason="durable-rules is not importable on this Python"
)

T, F, U, R = Outcome.MET, Outcome.NOT_MET, Outcome.UNKNOWN, Outcome.REVIEW


def unique(prefix: str) -> str:
    """A fresh ruleset key: DurableBackend instances and durable ruleset names live for the whole process."""
    return f"{prefix}_{uuid.uuid4().hex[:12]}"


# -- 1. the encoding: one comparison, two one-expression rules ----------------------------------------------------

#: op -> (durable-rules key of the rule that holds when the comparison holds, key of its negation's rule),
#: written out by hand; None is plain equality ({field: value}).
DURABLE_KEYS = {
    ">=": ("$gte", "$lt"),
    ">": ("$gt", "$lte"),
    "<=": ("$lte", "$gt"),
    "<": ("$lt", "$gte"),
    "==": (None, "$neq"),
    "!=": ("$neq", None),
}
TYPE_TEST = {"t": durable_backend.FACT_TYPE}
#: durable-rules' fixed per-fact limits (see test_fact_size_limit.py): 64 properties per fact (MAX_OBJECT_PROPERTIES
#: in its state.h; kept as a precaution), and at most 64 matched comparison nodes (65 -> error 303, or heap corruption).
MAX_FACT_PROPERTIES = 64
MAX_MATCHED_COMPARISONS = 64


def kind(threshold: object) -> str:
    """The type of value a comparison accepts, which names the wire property its field travels under."""
    return "boolean" if isinstance(threshold, bool) else "text" if isinstance(threshold, str) else "number"


def sent_fact(group: Any, fields: str) -> dict[str, Any]:
    """The fact `DurableBackend._fired` asserts for `group`, given the fields text it was called with."""
    return json.loads(group.head + fields + "}")


def wire(value: object) -> object:
    """How a constant travels: booleans as 1.0/0.0, numbers as floats, text as is."""
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, (int, float)):
        return float(value)
    return value


def leaves_of(node: Node) -> Iterator[Cmp]:
    """The Test leaves of a tree (written here, not taken from engine.tree)."""
    if isinstance(node, Cmp):
        yield node
    elif isinstance(node, (Not, ReviewIf)):
        yield from leaves_of(node.child)
    elif isinstance(node, IfThenElse):
        for part in (node.test, node.then, node.otherwise):
            yield from leaves_of(part)
    else:
        for child in node.children:
            yield from leaves_of(child)


def distinct_tests(trees: dict[str, Node]) -> list[Cmp]:
    return list(dict.fromkeys(leaf for tree in trees.values() for leaf in leaves_of(tree)))


@pytest.fixture
def captured(monkeypatch) -> list[dict[str, dict[str, Any]]]:
    """Every definitions dict the adapter hands to `set_rulesets` (deep-copied before durable-rules mutates it)."""
    host = durable_backend._get_host()
    real = host.set_rulesets
    calls: list[dict[str, dict[str, Any]]] = []

    def capture(definitions):
        for rules in definitions.values():
            assert all(callable(rule.get("run")) for rule in rules.values())  # every rule has an action to skip
        calls.append({name: {r: copy.deepcopy(rule["all"]) for r, rule in rules.items()}
                      for name, rules in definitions.items()})
        return real(definitions)

    monkeypatch.setattr(host, "set_rulesets", capture)
    return calls


def registered(backend: DurableBackend) -> dict[str, dict[str, Any]]:
    """ruleset name -> rule name -> the "all" list, as registered with the host (what the C engine got)."""
    host = durable_backend._get_host()
    return {g.ruleset_name: {r: rule["all"] for r, rule in host.get_ruleset(g.ruleset_name).get_definition().items()}
            for g in backend.groups}


X, Y, Z = Cmp("x", ">=", 10.0), Cmp("y", "==", True), Cmp("z", "!=", "a")
SAMPLE = {
    **{f"num{op}": Cmp("n", op, 18.0) for op in DURABLE_KEYS},
    "int_threshold": Cmp("n", ">", 3),
    "flag_true": Cmp("y", "==", True), "flag_false": Cmp("y", "==", False), "flag_neq": Cmp("y", "!=", False),
    "text_eq": Cmp("z", "==", "é\"b"), "text_neq": Cmp("z", "!=", "a"),
    "nested": And((X, Or((Y, Not(Z))), AtLeast(2, (X, Y, Z)))),
    "ite": IfThenElse(Y, ReviewIf(X), Or((X, Z))),
    "deep": Not(ReviewIf(And((Or((X, Y)), Or((Y, Z)), Or((X, Z)))))),
}


def test_every_rule_is_the_type_test_and_one_comparison(captured):
    backend = DurableBackend(SAMPLE, unique("enc_struct"))
    [definitions] = captured  # one set_rulesets call registers every group
    assert definitions == registered(backend)  # what we captured is what the engine holds
    assert list(definitions) == [g.ruleset_name for g in backend.groups]
    for rules in definitions.values():
        # the session rule matches only the fact that primes a new session (never a patient fact)
        assert rules[durable_backend.SESSION_RULE] == [{"m": {"t": durable_backend.SESSION_TYPE}}]
        for name, pattern in rules.items():
            if name == durable_backend.SESSION_RULE:
                continue
            [only] = pattern  # one pattern (one fact), no joins
            assert list(only) == ["m"], name
            condition = only["m"]
            assert list(condition) == ["$and"], (name, condition)
            first, comparison = condition["$and"]  # exactly two expressions
            assert first == TYPE_TEST, name
            [(key, operand)] = comparison.items()  # one key: a two-key object would test only its first key
            if key.startswith("$"):
                assert key in {"$gte", "$gt", "$lte", "$lt", "$neq"}, name
                [(_, value)] = operand.items()
            else:
                value = operand
            assert isinstance(value, (float, str)), (name, value)  # a constant: no $ex, no arithmetic, no nesting


def test_each_comparison_is_a_rule_and_its_negation(captured):
    backend = DurableBackend(SAMPLE, unique("enc_pairs"))
    [definitions] = captured
    patterns = {name: pattern for rules in definitions.values() for name, pattern in rules.items()}
    tests = distinct_tests(SAMPLE)
    assert len(tests) == 13  # seven on n, three on y, two on z, one on x
    assert sorted(backend.rule_tests) == sorted(n for n in patterns if n != durable_backend.SESSION_RULE)
    assert backend.rule_count == 2 * len(tests) + len(backend.groups) == len(patterns)  # and one session rule
    wire_names = backend.wire_names
    assert sorted(wire_names) == [("n", "number"), ("x", "number"), ("y", "boolean"), ("z", "text")]
    assert len(set(wire_names.values())) == 4
    for test in tests:
        rules = sorted(((holds, name) for name, (t, holds) in backend.rule_tests.items() if t == test), reverse=True)
        assert [holds for holds, _ in rules] == [True, False], test
        for (holds, name), key in zip(rules, DURABLE_KEYS[test.op]):
            operand = {wire_names[(test.field, kind(test.value))]: wire(test.value)}
            want = operand if key is None else {key: operand}
            assert patterns[name] == [{"m": {"$and": [TYPE_TEST, want]}}], (test, holds)


def test_a_comparison_shared_by_many_criteria_is_registered_once(captured):
    trees = {f"c{i}": And((X, Cmp("k", "<", float(i % 3)))) for i in range(40)}
    backend = DurableBackend(trees, unique("enc_dedup"))
    [definitions] = captured
    # X and three distinct thresholds on k: four comparisons, eight rules, and the session rule
    assert [len(rules) for rules in definitions.values()] == [9]
    assert sorted(str(t) for t, holds in backend.rule_tests.values() if holds) == sorted(
        str(t) for t in (X, Cmp("k", "<", 0.0), Cmp("k", "<", 1.0), Cmp("k", "<", 2.0)))


def test_groups_respect_the_per_fact_limits(captured, monkeypatch):
    # 130 comparisons on distinct fields, 200 thresholds on one field, and one comparison in every criterion
    shared = Cmp("shared", "==", True)
    trees: dict[str, Node] = {f"d{i}": And((Cmp(f"v{i}", ">=", 1.0), shared)) for i in range(130)}
    trees.update({f"x{i}": Or((Cmp("x", "<", float(i)), shared)) for i in range(200)})
    tests = distinct_tests(trees)
    assert len(tests) == 331
    backend = DurableBackend(trees, unique("enc_groups"))
    [definitions] = captured
    assert len(backend.groups) == -(-331 // MAX_TESTS_PER_GROUP) == len(definitions)
    # the groups partition the distinct comparisons, in order, none twice
    assert [t for g in backend.groups for t in g.tests] == tests
    for group in backend.groups:
        assert 1 <= len(group.tests) <= MAX_TESTS_PER_GROUP
        assert group.fields == {t.field for t in group.tests} and len(group.fields) <= 60
        assert len(definitions[group.ruleset_name]) == 2 * len(group.tests) + 1
    assert MAX_TESTS_PER_GROUP <= MAX_MATCHED_COMPARISONS

    sent: list[tuple[Any, dict[str, Any], list[str]]] = []
    real_fired = DurableBackend._fired

    def spy(self, group, fields):
        names = real_fired(self, group, fields)
        sent.append((group, sent_fact(group, fields), names))
        return names

    monkeypatch.setattr(DurableBackend, "_fired", spy)
    facts: dict[str, Any] = {f"v{i}": float(i % 3) for i in range(130)}
    facts.update({"x": 99.5, "shared": True, "x__review": True, "v0__review": True, "unrelated": 5.0})
    got = backend.evaluate(facts)
    assert got == PythonBackend(trees, "-").evaluate(facts)
    assert {o for cid, o in got.items() if cid.startswith("d")} == {T, F}
    assert [g for g, _, _ in sent] == backend.groups  # one fact per group
    for group, fact, names in sent:
        assert len(fact) <= MAX_FACT_PROPERTIES
        # every field of the group, under its wire name, and nothing else: no review markers, no strays
        assert set(fact) - {"t", "id", "sid"} == {backend.wire_names[(t.field, kind(t.value))] for t in group.tests}
        assert fact["t"] == durable_backend.FACT_TYPE and fact["sid"] == group.sid
        # with every field present, each comparison or its negation matches, never both: one per comparison
        assert len(names) == len(group.tests) <= MAX_MATCHED_COMPARISONS


# -- 2. every shape, every assignment -----------------------------------------------------------------------------

# Three leaves on three fields of three types; each has a value that meets it and one that does not.
LEAVES = (X, Y, Z)
MET_VALUE = {"x": 20, "y": True, "z": "b"}  # int 20 also exercises int -> float on the wire
NOT_MET_VALUE = {"x": 9.5, "y": False, "z": "a"}


def shapes(leaves: tuple[Cmp, ...], depth: int) -> Iterator[Node]:
    """Every tree using exactly `leaves`, in order, each once, with at most `depth` combinator levels."""
    if len(leaves) == 1:
        yield leaves[0]
    if depth == 0:
        return
    for child in shapes(leaves, depth - 1):
        yield Not(child)
        yield ReviewIf(child)
    n = len(leaves)
    # split the leaves into >= 2 contiguous non-empty groups, one per child
    for cuts_count in range(1, n):
        for cuts in itertools.combinations(range(1, n), cuts_count):
            bounds = (0, *cuts, n)
            groups = [leaves[bounds[i]:bounds[i + 1]] for i in range(len(bounds) - 1)]
            for children in itertools.product(*(list(shapes(g, depth - 1)) for g in groups)):
                yield And(children)
                yield Or(children)
                for k in range(1, len(children) + 1):
                    yield AtLeast(k, children)
                if len(children) == 3:
                    yield IfThenElse(*children)


ALL_TREES: list[Node] = [t for n in (1, 2, 3) for t in shapes(LEAVES[:n], 3)]
CHUNK = 336  # shapes per parametrized test: 16 chunks


def expected(node: Node, leaf_outcome) -> Outcome:
    """The outcome from the leaf outcomes, straight from the logic module. `leaf_outcome(test) -> Outcome`."""
    if isinstance(node, Cmp):
        return leaf_outcome(node)
    if isinstance(node, And):
        return logic.all_of([expected(c, leaf_outcome) for c in node.children])
    if isinstance(node, Or):
        return logic.any_of([expected(c, leaf_outcome) for c in node.children])
    if isinstance(node, Not):
        return logic.negate(expected(node.child, leaf_outcome))
    if isinstance(node, AtLeast):
        return logic.at_least(node.count, [expected(c, leaf_outcome) for c in node.children])
    if isinstance(node, IfThenElse):
        return logic.if_then_else(*(expected(c, leaf_outcome) for c in (node.test, node.then, node.otherwise)))
    if isinstance(node, ReviewIf):
        return logic.review_if(expected(node.child, leaf_outcome))
    raise TypeError(node)


def facts_for(assignment: dict[str, Outcome]) -> dict[str, object]:
    facts: dict[str, object] = {}
    for field, outcome in assignment.items():
        if outcome is T:
            facts[field] = MET_VALUE[field]
        elif outcome is F:
            facts[field] = NOT_MET_VALUE[field]
        elif outcome is R:
            facts[review_field(field)] = True
        # UNKNOWN: the field is simply absent
    return facts


ASSIGNMENTS = [dict(zip("xyz", combo)) for combo in itertools.product(Outcome, repeat=3)]
FACTS = [facts_for(a) for a in ASSIGNMENTS]


def key_for(prefix: str, tree: object) -> str:
    return prefix + hashlib.sha256(repr(tree).encode()).hexdigest()[:20]


def run_per_tree(worker, prefix: str, trees: list[Node], facts: list[dict], group: int = 64) -> list[dict]:
    """One reply per tree: {"compile_error": ...} or {"outcomes": [{"c": value} per facts]}.

    Trees are evaluated `group` at a time as the criteria of one ruleset; a ruleset that does not compile is
    retried one tree at a time, so that a compile error names one shape."""
    replies: list[dict] = []
    for lo in range(0, len(trees), group):
        members = trees[lo:lo + group]
        ruleset = {f"c{i}": tree for i, tree in enumerate(members)}
        [reply] = worker.run([(key_for(prefix + "group_", ruleset), ruleset)], facts)
        if "outcomes" in reply:
            replies += [{"outcomes": [o if "error" in o else {"c": o[f"c{i}"]} for o in reply["outcomes"]]}
                        for i in range(len(members))]
        else:
            replies += worker.run([(key_for(prefix + "alone_", tree), {"c": tree}) for tree in members], facts)
    return replies


@pytest.fixture(scope="module")
def durable_results(durable_worker):
    """Durable outcomes of every shape under every assignment (or its compile error), computed once."""
    return run_per_tree(durable_worker, "enc_", ALL_TREES, FACTS)


def test_shape_enumeration_is_complete():
    # counted by hand: depth <= 3 gives 15 one-leaf and 284 two-leaf shapes, and 4,661 three-leaf shapes without
    # IfThenElse plus 401 with it (7^3 at the top, 2 x (3^3 + 2 x 1) under Not / ReviewIf)
    assert sum(1 for _ in shapes(LEAVES[:1], 3)) == 15
    assert sum(1 for _ in shapes(LEAVES[:2], 3)) == 284
    three = list(shapes(LEAVES[:3], 3))
    assert len(three) == 4661 + 401
    assert sum(isinstance(t, IfThenElse) for t in three) == 7 ** 3
    assert len(set(ALL_TREES)) == len(ALL_TREES) == 5361
    assert len(ASSIGNMENTS) == 64 and len({tuple(sorted(f.items())) for f in FACTS}) == 64
    assert len(range(0, len(ALL_TREES), CHUNK)) == 16


def test_leaf_fact_encoding_means_what_it_says():
    # guards the test's own fixture, in-process: one leaf gives exactly the assigned outcome on both backends
    trees = {f"leaf_{leaf.field}": leaf for leaf in LEAVES}
    durable = DurableBackend(trees, key_for("enc_leaves_", trees))
    python = PythonBackend(trees, "unused")
    for assignment, facts in zip(ASSIGNMENTS, FACTS):
        want = {f"leaf_{f}": o for f, o in assignment.items()}
        assert durable.evaluate(facts) == want
        assert python.evaluate(facts) == want
        assert durable.leaf_answers(facts) == {leaf: o is T for leaf, o in zip(LEAVES, assignment.values())
                                               if o.definite}


def test_flat_combinators_in_one_ruleset_in_process():
    # A handful of shapes in ONE ruleset, in-process (the production path: many criteria share a ruleset).
    x, y, z = LEAVES
    trees = {
        "and3": And((x, y, z)), "or3": Or((x, y, z)), "al1": AtLeast(1, (x, y, z)), "al2": AtLeast(2, (x, y, z)),
        "al3": AtLeast(3, (x, y, z)), "not": Not(x), "rev": ReviewIf(y), "notrev": Not(ReviewIf(z)),
        "and_not": And((Not(x), y)), "or_rev": Or((ReviewIf(x), z)), "ite": IfThenElse(x, y, z),
    }
    durable = DurableBackend(trees, key_for("enc_flat_", trees))
    python = PythonBackend(trees, "unused")
    for assignment, facts in zip(ASSIGNMENTS, FACTS):
        want = {cid: expected(t, lambda leaf: assignment[leaf.field]) for cid, t in trees.items()}
        assert durable.evaluate(facts) == want, assignment
        assert python.evaluate(facts) == want, assignment


@pytest.mark.parametrize("lo", range(0, len(ALL_TREES), CHUNK),
                         ids=lambda lo: f"shapes{lo}-{min(lo + CHUNK, len(ALL_TREES)) - 1}")
def test_every_shape_every_assignment(lo, durable_results):
    python_failures, durable_failures, uncompiled = [], [], []
    for tree, reply in zip(ALL_TREES[lo:lo + CHUNK], durable_results[lo:lo + CHUNK]):
        python = PythonBackend({"c": tree}, "unused")
        durable_outcomes = reply.get("outcomes")
        if durable_outcomes is None:
            uncompiled.append(f"{tree!r}: {reply['compile_error']}")
        for i, (assignment, facts) in enumerate(zip(ASSIGNMENTS, FACTS)):
            want = expected(tree, lambda leaf: assignment[leaf.field])
            got = python.evaluate(facts)["c"]
            if got is not want:
                python_failures.append(f"{tree!r} @ {assignment}: want {want.value}, python {got.value}")
            if durable_outcomes is not None and durable_outcomes[i] != {"c": want.value}:
                durable_failures.append(f"{tree!r} @ {assignment}: want {want.value}, durable {durable_outcomes[i]}")
    assert not python_failures, f"{len(python_failures)} python disagreements:\n" + "\n".join(python_failures[:5])
    assert not durable_failures, f"{len(durable_failures)} durable disagreements:\n" + "\n".join(durable_failures[:5])
    assert not uncompiled, f"{len(uncompiled)} shapes do not compile:\n" + "\n".join(uncompiled[:3])


def test_nested_shapes_compile_without_error_113(durable_results):
    """Regression: under the whole-formula encoding, 3,112 of the 4,661 three-leaf shapes (e.g. And(x, Or(y, z)),
    ReviewIf(And(x, y, z))) were refused with durable_rules_engine.error 113 (ERR_EXPRESSION_LIMIT_EXCEEDED)."""
    errors = [(t, r["compile_error"]) for t, r in zip(ALL_TREES, durable_results) if "compile_error" in r]
    assert not errors, f"{len(errors)} of {len(ALL_TREES)} shapes do not compile, first: {errors[:3]}"
    assert len(durable_results) == len(ALL_TREES)


NESTED_REALISTIC = {
    # "adult, and (platelets >= 50 or haemoglobin >= 9)"
    "all_of_any": And((Cmp("age", ">=", 18.0), Or((Cmp("plt", ">=", 50.0), Cmp("hb", ">=", 9.0))))),
    # all: [a, all: [b, c]] (sub-lists are common when a protocol groups conditions)
    "all_of_all": And((Cmp("age", ">=", 18.0), And((Cmp("plt", ">=", 50.0), Cmp("hb", ">=", 9.0))))),
    # review_if over a three-part all
    "review_if_all": ReviewIf(And((Cmp("a", "==", True), Cmp("b", "==", True), Cmp("c", "==", True)))),
}


@pytest.mark.parametrize("name", list(NESTED_REALISTIC))
def test_realistic_nested_criterion_compiles_without_error_113(name, durable_worker):
    """Regression: all: [age, any: [plt, hb]] and the like could not be compiled for the default backend."""
    tree = NESTED_REALISTIC[name]
    [reply] = durable_worker.run([(key_for(f"enc_real_{name}_", tree), {"c": tree})], [{}])
    assert "compile_error" not in reply, reply["compile_error"]
    assert reply["outcomes"] == [{"c": "unknown"}]


def test_compile_failure_is_an_engine_error(monkeypatch):
    """Regression: a durable_rules_engine.error from set_rulesets escaped DurableBackend() as is, so evaluate()
    and the CLI showed a traceback instead of an EngineError."""
    import durable_rules_engine

    def refuse(definitions):
        raise durable_rules_engine.error("Could not create ruleset, error code: 113")

    monkeypatch.setattr(durable_backend._get_host(), "set_rulesets", refuse)
    key = unique("enc_err")
    with pytest.raises(EngineError, match=f"refused the compiled ruleset {key}.*113"):
        DurableBackend({"c": Cmp("age", ">=", 18.0)}, key)


# -- leaves that share a field (comparisons and negations with identical conditions in one ruleset) -------------

SHARED_PAIRS = {
    "same_leaf_twice": (Cmp("v", ">=", 10.0), Cmp("v", ">=", 10.0)),
    "window": (Cmp("v", ">=", 10.0), Cmp("v", "<", 15.0)),
    "eq_neq": (Cmp("v", "==", 12.0), Cmp("v", "!=", 12.0)),  # one's rule is the other's negation
    "gt_le": (Cmp("v", ">", 10.0), Cmp("v", "<=", 10.0)),
}
SHARED_VALUES: list[object] = ["absent", "review", 5, 10, 12, 15, 20.5]
SHARED_FACTS = [{} if v == "absent" else {"v__review": True} if v == "review" else {"v": v} for v in SHARED_VALUES]


def shared_leaf(value: object):
    def leaf(t: Cmp) -> Outcome:
        if value == "absent":
            return U
        if value == "review":
            return R
        holds = {">=": value >= t.value, ">": value > t.value, "<=": value <= t.value, "<": value < t.value,
                 "==": value == t.value, "!=": value != t.value}[t.op]
        return T if holds else F

    return leaf


@pytest.mark.parametrize("pair", list(SHARED_PAIRS))
def test_shapes_over_one_shared_field(pair, durable_worker):
    trees = list(shapes(SHARED_PAIRS[pair], 3))
    assert len(trees) == 284
    replies = run_per_tree(durable_worker, f"enc_shared_{pair}_", trees, SHARED_FACTS)
    failures, compile_errors = [], []
    for tree, reply in zip(trees, replies):
        python = PythonBackend({"c": tree}, "unused")
        for i, value in enumerate(SHARED_VALUES):
            want = expected(tree, shared_leaf(value))
            got_python = python.evaluate(SHARED_FACTS[i])["c"]
            got_durable = reply["outcomes"][i] if "outcomes" in reply else None
            if got_python is not want or (got_durable is not None and got_durable != {"c": want.value}):
                failures.append(f"{tree!r} @ v={value}: want {want.value}, python {got_python.value}, "
                                f"durable {got_durable}")
        if "compile_error" in reply:
            compile_errors.append(tree)
    assert not failures, f"{len(failures)} disagreements, first:\n" + "\n".join(failures[:5])
    assert not compile_errors, f"{len(compile_errors)} shapes over one field do not compile: {compile_errors[:3]}"


def test_if_then_else_over_one_shared_field():
    # every IfThenElse over four comparisons of one field (and their negations) in one ruleset, in-process
    options = [Cmp("v", ">=", 10.0), Cmp("v", "<", 15.0), Cmp("v", "!=", 12.0), Not(Cmp("v", ">=", 10.0))]
    trees = {f"c{i}": IfThenElse(*parts) for i, parts in enumerate(itertools.product(options, repeat=3))}
    durable = DurableBackend(trees, key_for("enc_shared_ite_", trees))
    python = PythonBackend(trees, "unused")
    for value, facts in zip(SHARED_VALUES, SHARED_FACTS):
        want = {cid: expected(tree, shared_leaf(value)) for cid, tree in trees.items()}
        assert durable.evaluate(facts) == want, value
        assert python.evaluate(facts) == want, value


def test_present_value_wins_over_review_marker():
    # a field that is present AND review-marked is decided by its value, on both backends
    trees = {"a": Cmp("x", ">=", 10.0), "b": Not(Cmp("x", ">=", 10.0))}
    durable = DurableBackend(trees, key_for("enc_both_", trees))
    python = PythonBackend(trees, "unused")
    for value, want_a in ((20, T), (5, F)):
        facts = {"x": value, "x__review": True}
        want = {"a": want_a, "b": logic.negate(want_a)}
        assert durable.evaluate(facts) == want
        assert python.evaluate(facts) == want
