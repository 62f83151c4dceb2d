"""The plain-Python evaluator: answers each comparison in Python and combines them with `trialscreen.logic`.

It is the test oracle for the durable-rules backend (the two must agree on every case) and the fallback where
durable-rules cannot be imported (Python 3.13+)."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

from trialscreen.engine.tree import Node, Test, compare, evaluate, review_field
from trialscreen.logic import Outcome


def leaf_outcome(test: Test, facts: Mapping[str, Any]) -> Outcome:
    """MET/NOT_MET for a value of the comparison's type; REVIEW or UNKNOWN when there is none (a value of the
    wrong type counts as none: booleans are not numbers, text is not compared with numbers, NaN and infinities
    are not numbers)."""
    value = facts.get(test.field)
    if value is None or not _same_type(value, test.value):
        return Outcome.REVIEW if facts.get(review_field(test.field)) else Outcome.UNKNOWN
    return Outcome.MET if compare(test.op, value, test.value) else Outcome.NOT_MET


def _same_type(value: Any, threshold: Any) -> bool:
    if isinstance(threshold, bool):
        return type(value) is bool
    if isinstance(threshold, str):
        return type(value) is str
    return type(value) in (int, float) and math.isfinite(value)


def evaluate_node(node: Node, facts: Mapping[str, Any]) -> Outcome:
    return evaluate(node, lambda test: leaf_outcome(test, facts))


class PythonBackend:
    """Evaluates compiled closures (`compile_node`); `evaluate_node` is the interpreted reference."""

    name = "python"

    def __init__(self, trees: Mapping[str, Node], ruleset_key: str) -> None:
        self.trees = dict(trees)
        self._compiled = [(cid, compile_node(tree)) for cid, tree in self.trees.items()]

    def evaluate(self, facts: Mapping[str, Any]) -> dict[str, Outcome]:
        return {cid: fn(facts) for cid, fn in self._compiled}


# -- compiled form: the same semantics as `evaluate_node`, built once into closures ---------------------------

import operator  # noqa: E402

from trialscreen import logic  # noqa: E402
from trialscreen.engine.tree import And, AtLeast, IfThenElse, Not, Or, ReviewIf  # noqa: E402

_OPS = {">=": operator.ge, ">": operator.gt, "<=": operator.le, "<": operator.lt, "==": operator.eq, "!=": operator.ne}
_T, _F, _U, _R = Outcome.MET, Outcome.NOT_MET, Outcome.UNKNOWN, Outcome.REVIEW


def compile_node(node: Node) -> Callable[[Mapping[str, Any]], Outcome]:
    """A closure computing `evaluate_node(node, facts)`; AND and OR stop at their dominating value."""
    if isinstance(node, Test):
        field, compare_op, threshold, marker = node.field, _OPS[node.op], node.value, review_field(node.field)

        def leaf(facts: Mapping[str, Any]) -> Outcome:
            value = facts.get(field)
            if value is None or not _same_type(value, threshold):
                return _R if facts.get(marker) else _U
            return _T if compare_op(value, threshold) else _F

        return leaf
    if isinstance(node, (And, Or)):
        parts = [compile_node(c) for c in node.children]
        stop, combine = (_F, logic.all_of) if isinstance(node, And) else (_T, logic.any_of)

        def junction(facts: Mapping[str, Any]) -> Outcome:
            seen = []
            for part in parts:
                value = part(facts)
                if value is stop:
                    return stop
                seen.append(value)
            return combine(seen)

        return junction
    if isinstance(node, Not):
        inner = compile_node(node.child)
        return lambda facts: logic.negate(inner(facts))
    if isinstance(node, ReviewIf):
        inner = compile_node(node.child)
        return lambda facts: logic.review_if(inner(facts))
    if isinstance(node, AtLeast):
        parts, count = [compile_node(c) for c in node.children], node.count
        return lambda facts: logic.at_least(count, [p(facts) for p in parts])
    if isinstance(node, IfThenElse):
        test, then, otherwise = compile_node(node.test), compile_node(node.then), compile_node(node.otherwise)
        return lambda facts: logic.if_then_else(test(facts), then(facts), otherwise(facts))
    raise TypeError(f"not a node: {node!r}")
