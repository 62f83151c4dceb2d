"""Differential tests: the durable-rules backend against the plain-Python backend (and an oracle written here).

1. Random lowered trees (depth <= 4, every node kind including IfThenElse; numeric, boolean and text tests;
   thresholds and fact values drawn from one small pool so that boundaries are hit) and random fact dicts (fields
   sometimes absent, None, of the wrong type, and independently review-marked): both backends give the outcome
   the oracle computes for every criterion, and durable-rules compiles every tree. The durable side runs in the
   isolated worker process of conftest.py, so a crash of durable-rules' C extension fails the test, not the run.
2. Whole reports: a tiny ruleset and random patients (age and platelets present or absent, on and around the
   thresholds) through `trialscreen.evaluate`: the verdict is never "eligible" while an applicable criterion is
   unknown, outcomes match values computed here from the patient, and the durable and python reports are
   identical apart from the `backend` field.
"""

from __future__ import annotations

import hashlib
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import trialscreen
from trialscreen import logic
from trialscreen.engine import durable_backend
from trialscreen.engine.python_backend import PythonBackend
from trialscreen.engine.tree import And, AtLeast, IfThenElse, Node, Not, Or, ReviewIf, compare, review_field
from trialscreen.engine.tree import Test as Cmp
from trialscreen.logic import Outcome

pytestmark = pytest.mark.skipif(
    durable_backend.IMPORT_ERROR is not None, reason="durable-rules is not importable on this Python"
)

# -- 1. random trees -----------------------------------------------------------------------------------------

NUMBERS = [0.0, 9.5, 10.0, 18.0, 65.0]
FIELDS = {"n1": "number", "n2": "number", "b1": "bool", "s1": "text"}
TEXTS = ["a", "b", "é"]
OPS = [">=", ">", "<=", "<", "==", "!="]
#: values of the wrong type for each kind of field: durable-rules would compare them (True == 1, "10" as text)
WRONG_TYPE = {"number": [True, False, "10"], "bool": [1, 0, 1.0, "a"], "text": [10.0, True]}

ABSENT = "<absent>"


def leaf_strategy() -> st.SearchStrategy[Cmp]:
    number = st.builds(Cmp, st.sampled_from(["n1", "n2"]), st.sampled_from(OPS), st.sampled_from(NUMBERS))
    boolean = st.builds(Cmp, st.just("b1"), st.sampled_from(OPS), st.booleans())
    text = st.builds(Cmp, st.just("s1"), st.sampled_from(["==", "!="]), st.sampled_from(TEXTS))
    return st.one_of(number, boolean, text)


def tree_strategy(depth: int) -> st.SearchStrategy[Node]:
    if depth == 0:
        return leaf_strategy()
    sub = tree_strategy(depth - 1)
    kids = st.lists(sub, min_size=2, max_size=3).map(tuple)
    return st.one_of(
        leaf_strategy(),
        st.builds(Not, sub),
        st.builds(ReviewIf, sub),
        st.builds(And, kids),
        st.builds(Or, kids),
        kids.flatmap(lambda cs: st.integers(1, len(cs)).map(lambda k: AtLeast(k, cs))),
        st.builds(IfThenElse, sub, sub, sub),
    )


TREES = tree_strategy(4)


def value_strategy(kind: str) -> st.SearchStrategy[object]:
    if kind == "number":
        # the same pool as the thresholds, sometimes as int (10 == 10.0 must hold on both sides)
        return st.one_of(st.sampled_from(NUMBERS), st.sampled_from([int(n) for n in NUMBERS if n.is_integer()]))
    if kind == "bool":
        return st.booleans()
    return st.sampled_from(TEXTS)


def field_strategy(kind: str) -> st.SearchStrategy[tuple[object, bool]]:
    """(value or ABSENT, review-marked): half the time a value of the right type, else absent, None or ill-typed."""
    return st.tuples(st.one_of(value_strategy(kind), st.sampled_from([ABSENT, None, *WRONG_TYPE[kind]])),
                     st.booleans())


FACTS = st.fixed_dictionaries({f: field_strategy(kind) for f, kind in FIELDS.items()}).map(
    lambda spec: {
        **{f: v for f, (v, _) in spec.items() if v != ABSENT},
        **{review_field(f): True for f, (_, review) in spec.items() if review},
    }
)


def well_typed(value: object, threshold: object) -> bool:
    """Booleans are not numbers and text is not compared with numbers."""
    if isinstance(threshold, bool):
        return type(value) is bool
    if isinstance(threshold, str):
        return type(value) is str
    return type(value) in (int, float)


def oracle(node: Node, facts: dict) -> Outcome:
    """Independent of both backends: leaf by `compare`, combinators by `trialscreen.logic`."""
    if isinstance(node, Cmp):
        value = facts.get(node.field)
        if value is not None and well_typed(value, node.value):
            return Outcome.MET if compare(node.op, value, node.value) else Outcome.NOT_MET
        return Outcome.REVIEW if review_field(node.field) in facts else Outcome.UNKNOWN
    if isinstance(node, And):
        return logic.all_of([oracle(c, facts) for c in node.children])
    if isinstance(node, Or):
        return logic.any_of([oracle(c, facts) for c in node.children])
    if isinstance(node, Not):
        return logic.negate(oracle(node.child, facts))
    if isinstance(node, AtLeast):
        return logic.at_least(node.count, [oracle(c, facts) for c in node.children])
    if isinstance(node, IfThenElse):
        return logic.if_then_else(oracle(node.test, facts), oracle(node.then, facts), oracle(node.otherwise, facts))
    assert isinstance(node, ReviewIf)
    return logic.review_if(oracle(node.child, facts))


def ruleset_key(trees: dict[str, Node]) -> str:
    return "diff_" + hashlib.sha256(repr(sorted(trees.items())).encode()).hexdigest()[:24]


def durable_outcomes(worker, trees: dict[str, Node], facts_list: list[dict]) -> dict[str, list]:
    """Durable outcomes (or an error text) per criterion and facts, the whole ruleset compiled as one (the
    production layout). A ruleset that does not compile fails the test, naming the criteria that do not."""
    [reply] = worker.run([(ruleset_key(trees), trees)], facts_list)
    if "compile_error" in reply:
        alone = worker.run([(ruleset_key({"c": t}), {"c": t}) for t in trees.values()], [])
        culprits = [(tree, r["compile_error"]) for tree, r in zip(trees.values(), alone) if "compile_error" in r]
        pytest.fail(f"durable-rules cannot compile {reply['compile_error']}; alone: {culprits}")
    return {cid: [o.get(cid, o.get("error")) for o in reply["outcomes"]] for cid in trees}


DIFF_SETTINGS = settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@DIFF_SETTINGS
@given(trees=st.lists(TREES, min_size=1, max_size=4), facts_list=st.lists(FACTS, min_size=1, max_size=6))
def test_backends_agree_on_random_trees(trees, facts_list, durable_worker):
    criteria = {f"c{i}": t for i, t in enumerate(trees)}
    python = PythonBackend(criteria, "unused")
    durable = durable_outcomes(durable_worker, criteria, facts_list)
    for j, facts in enumerate(facts_list):
        got_python = python.evaluate(facts)
        for cid, tree in criteria.items():
            want = oracle(tree, facts)
            assert got_python[cid] is want, (tree, facts)
            assert durable[cid][j] == want.value, (tree, facts, durable[cid][j])


@DIFF_SETTINGS
@given(
    tree=st.one_of(
        leaf_strategy(),
        st.builds(Not, leaf_strategy()),
        st.lists(leaf_strategy(), min_size=3, max_size=3).map(tuple).flatmap(
            lambda cs: st.sampled_from([And(cs), Or(cs), AtLeast(1, cs), AtLeast(3, cs), ReviewIf(And(cs[:2])),
                                        IfThenElse(*cs)])
        ),
    ),
    facts_list=st.lists(FACTS, min_size=1, max_size=6),
)
def test_backends_agree_on_flat_trees(tree, facts_list, durable_worker):
    # the flat shapes real rulesets use most, each as a ruleset of its own
    durable = durable_outcomes(durable_worker, {"c": tree}, facts_list)
    for j, facts in enumerate(facts_list):
        assert durable["c"][j] == oracle(tree, facts).value == PythonBackend({"c": tree}, "-").evaluate(facts)["c"].value


X, Y, Z = Cmp("n1", ">=", 10.0), Cmp("b1", "==", True), Cmp("s1", "!=", "a")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@example(tree=And((X, Or((Y, Z)))))
@example(tree=ReviewIf(And((X, Y, Z))))
@given(tree=TREES)
def test_random_nested_trees_compile_without_error_113(tree, durable_worker):
    """Regression: under the whole-formula encoding durable-rules refused many nested trees with error 113
    (ERR_EXPRESSION_LIMIT_EXCEEDED), e.g. And(n1 >= 10, Or(b1 == True, s1 != 'a'))."""
    [reply] = durable_worker.run([(ruleset_key({"c": tree}), {"c": tree})], [{}])
    assert "compile_error" not in reply, f"durable-rules cannot compile {tree!r}: {reply['compile_error']}"
    assert reply["outcomes"] == [{"c": oracle(tree, {}).value}]


# -- 2. whole reports ----------------------------------------------------------------------------------------

SCREENING = date(2026, 11, 20)
RULESET = """\
id: diff-mini
title: Differential mini ruleset
version: "0.1"
source: {file: none.txt}
observation_window: {days: 28}
cohorts:
  - {id: sle, indication: SLE, title: SLE}
criteria:
  - id: inc-age
    kind: inclusion
    text: "18 to 65 years"
    condition:
      all:
        - {fact: core.age_years, op: ">=", value: 18, unit: years}
        - {fact: core.age_years, op: "<=", value: 65, unit: years}
  - id: inc-plt
    kind: inclusion
    text: "platelets >= 50 x10^9/L"
    condition: {fact: lab.platelets, op: ">=", value: 50, unit: 10^9/L}
  - id: exc-plt
    kind: exclusion
    text: "platelets < 20 x10^9/L"
    condition: {fact: lab.platelets, op: "<", value: 20, unit: 10^9/L}
  - id: inc-any
    kind: inclusion
    text: "aged 18 or more, or platelets >= 100"
    condition:
      any:
        - {fact: core.age_years, op: ">=", value: 18, unit: years}
        - {fact: lab.platelets, op: ">=", value: 100, unit: 10^9/L}
"""

# birth dates on and around the age limits (completed years on 2026-11-20)
BIRTH_DATES = {
    None: None,
    date(2008, 11, 21): 17,
    date(2008, 11, 20): 18,
    date(1961, 11, 20): 65,
    date(1960, 11, 21): 65,
    date(1960, 11, 20): 66,
    date(1990, 5, 1): 36,
}
PLATELETS = [None, 19, 20, 49, 50, 99, 100, 300]


@pytest.fixture(scope="module")
def mini_ruleset(tmp_path_factory):
    path = tmp_path_factory.mktemp("diff") / "diff-mini.yaml"
    path.write_text(RULESET, encoding="utf-8")
    return path


def expected_outcomes(age: int | None, plt: float | None) -> dict[str, str]:
    def t(x: bool) -> str:
        return "met" if x else "not_met"

    age_ok = None if age is None else 18 <= age <= 65
    out = {
        "inc-age": "unknown" if age_ok is None else t(age_ok),
        "inc-plt": "unknown" if plt is None else t(plt >= 50),
        "exc-plt": "unknown" if plt is None else t(plt < 20),
    }
    either = [v for v in ((None if age is None else age >= 18), (None if plt is None else plt >= 100))]
    out["inc-any"] = "met" if True in either else "unknown" if None in either else "not_met"
    return out


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    birth=st.sampled_from(list(BIRTH_DATES)),
    plt=st.sampled_from(PLATELETS),
    plt_age_days=st.sampled_from([0, 10, 28, 29, 400]),
)
def test_reports_never_eligible_with_unknowns_and_backends_match(birth, plt, plt_age_days, mini_ruleset):
    patient: dict = {"id": "p", "screening": {"date": SCREENING.isoformat()}, "sex": "female",
                     "diagnoses": [{"indication": "SLE"}]}
    if birth is not None:
        patient["birth_date"] = birth.isoformat()
    if plt is not None:
        patient["labs"] = [{"test": "platelets", "value": plt, "unit": "10^9/L",
                            "date": (SCREENING - timedelta(days=plt_age_days)).isoformat()}]
    durable = trialscreen.evaluate(patient, mini_ruleset)
    python = trialscreen.evaluate(patient, mini_ruleset, backend="python")
    assert durable.backend == "durable" and python.backend == "python"

    # Everything but the evaluator's name and the report's timestamp must be identical.
    d, p = (r.model_dump(mode="json", exclude={"backend", "generated_at"}) for r in (durable, python))
    assert d == p

    outcomes = {c.id: c.outcome for c in durable.criteria}
    # a platelet count older than the 28-day observation window does not count
    plt_seen = plt if plt is not None and plt_age_days <= 28 else None
    assert outcomes == {"cohort": "met", **expected_outcomes(BIRTH_DATES[birth], plt_seen)}

    applicable = [c for c in durable.criteria if c.applies]
    if any(c.outcome == "unknown" for c in applicable):
        assert durable.verdict != "eligible"
    decisive = [c for c in applicable if (c.kind == "inclusion" and c.outcome == "not_met")
                or (c.kind == "exclusion" and c.outcome == "met")]
    if decisive:
        assert durable.verdict == "ineligible"
    elif any(c.outcome == "unknown" for c in applicable):
        assert durable.verdict == "incomplete"
        assert durable.missing_facts, "an incomplete report must say what to collect"
    else:
        assert durable.verdict == "eligible"


@settings(max_examples=300, deadline=None)
@given(tree=TREES, facts=FACTS)
def test_compiled_python_closures_equal_the_interpreted_tree(tree, facts):
    """The Python backend's compiled closures (short-circuiting AND/OR) give exactly the interpreted outcome."""
    from trialscreen.engine.python_backend import compile_node, evaluate_node

    assert compile_node(tree)(facts) is evaluate_node(tree, facts)
    assert compile_node(tree)(facts) is oracle(tree, facts)
