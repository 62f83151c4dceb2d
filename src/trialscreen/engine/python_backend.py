"""The plain-Python evaluator: answers each comparison in Python and combines them with `trialscreen.logic`.

It is the test oracle for the durable-rules backend (the two must agree on every case) and the fallback where
durable-rules cannot be imported (Python 3.13+)."""

from __future__ import annotations

import math
from collections.abc import Mapping
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
    name = "python"

    def __init__(self, trees: Mapping[str, Node], ruleset_key: str) -> None:
        self.trees = dict(trees)

    def evaluate(self, facts: Mapping[str, Any]) -> dict[str, Outcome]:
        return {cid: evaluate_node(tree, facts) for cid, tree in self.trees.items()}
