"""The lowered condition tree both evaluators run: combinators over `Test` leaves on flat fact fields.

`compile` produces it from a ruleset. `evaluate` combines leaf outcomes with `trialscreen.logic`; the two
backends differ only in who answers the leaves — durable-rules (`durable_backend`) or a Python comparison
(`python_backend`). A field holds a number, boolean or string, or is absent (data missing); a field's review
marker (``<field>__review``) says the investigator must decide instead.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Union

from trialscreen import logic
from trialscreen.logic import Outcome


@dataclass(frozen=True)
class Test:
    """A comparison of one fact field with a constant."""

    __test__ = False  # not a pytest test class

    field: str
    op: str  # >= > <= < == !=
    value: float | bool | str


@dataclass(frozen=True)
class And:
    children: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    children: tuple[Node, ...]


@dataclass(frozen=True)
class Not:
    child: Node


@dataclass(frozen=True)
class AtLeast:
    count: int
    children: tuple[Node, ...]


@dataclass(frozen=True)
class IfThenElse:
    test: Node
    then: Node
    otherwise: Node


@dataclass(frozen=True)
class ReviewIf:
    child: Node


Node = Union[Test, And, Or, Not, AtLeast, IfThenElse, ReviewIf]

REVIEW_SUFFIX = "__review"


def review_field(field: str) -> str:
    return field + REVIEW_SUFFIX


def compare(op: str, left: float | bool | str, right: float | bool | str) -> bool:
    if op == "==":
        return left == right
    if op == "!=":
        return left != right
    if op == ">=":
        return left >= right  # type: ignore[operator]
    if op == ">":
        return left > right  # type: ignore[operator]
    if op == "<=":
        return left <= right  # type: ignore[operator]
    if op == "<":
        return left < right  # type: ignore[operator]
    raise ValueError(f"unknown operator {op!r}")


def evaluate(node: Node, leaf: Callable[[Test], Outcome]) -> Outcome:
    """The outcome of `node`, given each leaf's outcome, by the truth tables of `trialscreen.logic`."""
    if isinstance(node, Test):
        return leaf(node)
    if isinstance(node, And):
        return logic.all_of(evaluate(c, leaf) for c in node.children)
    if isinstance(node, Or):
        return logic.any_of(evaluate(c, leaf) for c in node.children)
    if isinstance(node, Not):
        return logic.negate(evaluate(node.child, leaf))
    if isinstance(node, AtLeast):
        return logic.at_least(node.count, (evaluate(c, leaf) for c in node.children))
    if isinstance(node, IfThenElse):
        return logic.if_then_else(evaluate(node.test, leaf), evaluate(node.then, leaf), evaluate(node.otherwise, leaf))
    if isinstance(node, ReviewIf):
        return logic.review_if(evaluate(node.child, leaf))
    raise TypeError(f"not a node: {node!r}")


def tests_of(node: Node) -> Iterator[Test]:
    if isinstance(node, Test):
        yield node
    elif isinstance(node, (Not, ReviewIf)):
        yield from tests_of(node.child)
    elif isinstance(node, IfThenElse):
        for part in (node.test, node.then, node.otherwise):
            yield from tests_of(part)
    else:
        for child in node.children:
            yield from tests_of(child)


def fields_of(node: Node) -> set[str]:
    return {t.field for t in tests_of(node)}
