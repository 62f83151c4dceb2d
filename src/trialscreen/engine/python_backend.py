"""The plain-Python evaluator: interprets the lowered tree with `trialscreen.logic`.

It is the test oracle for the durable-rules backend (the two must agree on every case) and the fallback where
durable-rules cannot be imported (Python 3.13+)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from trialscreen import logic
from trialscreen.engine.tree import And, AtLeast, Node, Not, Or, ReviewIf, Test, compare, review_field
from trialscreen.logic import Outcome


def evaluate_node(node: Node, facts: Mapping[str, Any]) -> Outcome:
    if isinstance(node, Test):
        if node.field in facts:
            value = facts[node.field]
            if type(value) is bool or type(node.value) is bool:
                if type(value) is not type(node.value):
                    return Outcome.UNKNOWN
            elif isinstance(value, str) != isinstance(node.value, str):
                return Outcome.UNKNOWN
            return Outcome.MET if compare(node.op, value, node.value) else Outcome.NOT_MET
        return Outcome.REVIEW if review_field(node.field) in facts else Outcome.UNKNOWN
    if isinstance(node, And):
        return logic.all_of(evaluate_node(c, facts) for c in node.children)
    if isinstance(node, Or):
        return logic.any_of(evaluate_node(c, facts) for c in node.children)
    if isinstance(node, Not):
        return logic.negate(evaluate_node(node.child, facts))
    if isinstance(node, AtLeast):
        return logic.at_least(node.count, (evaluate_node(c, facts) for c in node.children))
    if isinstance(node, ReviewIf):
        return logic.review_if(evaluate_node(node.child, facts))
    raise TypeError(f"not a node: {node!r}")


class PythonBackend:
    name = "python"

    def __init__(self, trees: Mapping[str, Node], ruleset_key: str) -> None:
        self.trees = dict(trees)

    def evaluate(self, facts: Mapping[str, Any]) -> dict[str, Outcome]:
        return {cid: evaluate_node(tree, facts) for cid, tree in self.trees.items()}
