"""The lowered condition tree both evaluators run: combinators over `Test` leaves on flat fact fields.

`compile` produces it from a ruleset; `python_backend` interprets it with `trialscreen.logic`; `durable_backend`
translates it to durable-rules formulas. Fields hold a number, boolean or string, or are absent (data missing);
a field's review marker (``<field>__review``) says the investigator must decide instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Union


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
class ReviewIf:
    child: Node


Node = Union[Test, And, Or, Not, AtLeast, ReviewIf]

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


def fields_of(node: Node) -> set[str]:
    if isinstance(node, Test):
        return {node.field}
    if isinstance(node, (Not, ReviewIf)):
        return fields_of(node.child)
    return set().union(*(fields_of(c) for c in node.children))
