"""The two comparisons that sit beside our engines: a hand-style Python function and a GoRules zen-engine decision,
both written from the same lowered condition trees our engines run, so they encode exactly the same criteria.

- `hand_function(trees)`: straight-line Python of the kind one writes by hand for a fixed list of criteria —
  every fact read once (one branch for a missing value), every comparison a conditional expression, every
  and/or/not an inline expression of Kleene logic — with our four outcomes (met, not met, and the two flavours of
  unknown: unknown and review). It is the practical floor for Python: no interpretation, no calls, no dispatch.
  It is generated (not typed in) so it cannot drift from the ruleset; `hand_source` shows the text.
- `ZenDecision(trees)`: a JSON Decision Model of one expression node with one expression per criterion (its
  comparisons written out inline; one expression per comparison and combinator, read through ``$.name``, was
  about a third slower), for `zen.ZenEngine`.

Both read the flat facts that `trialscreen.engine.evaluate.gather_facts` produces: a value of the comparison's
type, or no entry (missing), or a ``<field>__review`` marker. They trust those types (gather_facts checks them)
where our evaluators check them again.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

from trialscreen import logic
from trialscreen.engine.tree import And, AtLeast, IfThenElse, Node, Not, Or, ReviewIf, Test, review_field
from trialscreen.logic import Outcome

# -- hand-style Python -------------------------------------------------------------------------------------------


class _PythonWriter:
    """Collects the distinct comparisons per field, then one local per combinator, in evaluation order."""

    def __init__(self) -> None:
        self.fields: dict[str, dict[Test, str]] = {}  # field → its comparisons → their locals
        self.lines: list[str] = []
        self.count = 0

    def name(self) -> str:
        self.count += 1
        return f"n{self.count - 1}"

    def local(self, expression: str) -> str:
        name = self.name()
        self.lines.append(f"    {name} = {expression}")
        return name

    def node(self, node: Node) -> str:
        if isinstance(node, Test):
            tests = self.fields.setdefault(node.field, {})
            if node not in tests:
                tests[node] = self.name()
            return tests[node]
        if isinstance(node, (And, Or)):
            parts = [self.node(c) for c in node.children]
            dominant, other = ("F", "T") if isinstance(node, And) else ("T", "F")
            return self.local(
                f"{dominant} if ({' or '.join(f'{p} is {dominant}' for p in parts)}) else "
                f"{other} if ({' and '.join(f'{p} is {other}' for p in parts)}) else "
                f"U if ({' or '.join(f'{p} is U' for p in parts)}) else R")
        if isinstance(node, Not):
            inner = self.node(node.child)
            return self.local(f"F if {inner} is T else T if {inner} is F else {inner}")
        if isinstance(node, ReviewIf):
            inner = self.node(node.child)
            return self.local(f"R if {inner} is T else {inner}")
        if isinstance(node, AtLeast):
            parts = [self.node(c) for c in node.children]
            return self.local(f"at_least({node.count}, ({', '.join(parts)},))")
        if isinstance(node, IfThenElse):
            test, then, otherwise = self.node(node.test), self.node(node.then), self.node(node.otherwise)
            return self.local(f"{then} if {test} is T else {otherwise} if {test} is F else "
                              f"if_then_else({test}, {then}, {otherwise})")
        raise TypeError(f"the hand-style generator does not know the node {node!r}")

    def comparisons(self) -> list[str]:
        """Each field read once: when it is missing, all its comparisons are unknown (or review, when marked)."""
        lines = []
        for i, (field, tests) in enumerate(self.fields.items()):
            v = f"v{i}"
            lines += [f"    {v} = get({field!r})", f"    if {v} is None:",
                      f"        {' = '.join(tests.values())} = R if get({review_field(field)!r}) else U",
                      "    else:"]
            lines += [f"        {name} = T if {v} {test.op} {test.value!r} else F" for test, name in tests.items()]
        return lines


def hand_source(trees: Mapping[str, Node], name: str = "screen") -> str:
    """The text of the hand-style function for `trees` (criterion id → lowered tree)."""
    writer = _PythonWriter()
    roots = {}
    for cid, tree in trees.items():
        writer.lines.append(f"    # {cid}")
        roots[cid] = writer.node(tree)
    result = ", ".join(f"{cid!r}: {root}" for cid, root in roots.items())
    return "\n".join([f"def {name}(facts, T=T, F=F, U=U, R=R):", "    get = facts.get", *writer.comparisons(),
                      *writer.lines, f"    return {{{result}}}", ""])


def hand_function(trees: Mapping[str, Node]) -> Callable[[Mapping[str, Any]], dict[str, Outcome]]:
    namespace: dict[str, Any] = {"T": Outcome.MET, "F": Outcome.NOT_MET, "U": Outcome.UNKNOWN, "R": Outcome.REVIEW,
                                 "at_least": logic.at_least, "if_then_else": logic.if_then_else}
    exec(compile(hand_source(trees), "<hand-style criteria>", "exec"), namespace)  # noqa: S102 — our own text
    return namespace["screen"]  # type: ignore[no-any-return]


# -- zen-engine decision -----------------------------------------------------------------------------------------

_MET, _NOT_MET, _UNKNOWN, _REVIEW = (f"'{o.value}'" for o in (Outcome.MET, Outcome.NOT_MET, Outcome.UNKNOWN,
                                                              Outcome.REVIEW))


class _ZenWriter:
    def __init__(self, inline: bool) -> None:
        self.inline = inline
        self.fields: dict[str, str] = {}
        self.tests: dict[Test, str] = {}
        self.expressions: list[tuple[str, str]] = []

    def emit(self, expression: str, *, keyed: bool = False) -> str:
        if self.inline and not keyed:
            return f"({expression})"
        key = f"n{len(self.expressions)}"
        self.expressions.append((key, expression))
        return f"$.{key}"

    def field(self, field: str) -> str:
        if field not in self.fields:
            self.fields[field] = f"f{len(self.fields)}"
        return self.fields[field]

    def node(self, node: Node) -> str:
        if isinstance(node, Test):
            if node not in self.tests:
                v = self.field(node.field)
                value = json.dumps(node.value) if not isinstance(node.value, str) else f"'{node.value}'"
                op = node.op
                self.tests[node] = self.emit(
                    f"{v} == null ? (r{v[1:]} == true ? {_REVIEW} : {_UNKNOWN}) : "
                    f"({v} {op} {value} ? {_MET} : {_NOT_MET})")
            return self.tests[node]
        if isinstance(node, (And, Or)):
            return self.junction(isinstance(node, And), [self.node(c) for c in node.children])
        if isinstance(node, Not):
            inner = self.node(node.child)
            return self.emit(f"{inner} == {_MET} ? {_NOT_MET} : ({inner} == {_NOT_MET} ? {_MET} : {inner})")
        if isinstance(node, ReviewIf):
            inner = self.node(node.child)
            return self.emit(f"{inner} == {_MET} ? {_REVIEW} : {inner}")
        if isinstance(node, AtLeast):
            parts = [self.node(c) for c in node.children]
            trues = " + ".join(f"({p} == {_MET} ? 1 : 0)" for p in parts)
            falses = " + ".join(f"({p} == {_NOT_MET} ? 1 : 0)" for p in parts)
            unknown = " or ".join(f"{p} == {_UNKNOWN}" for p in parts)
            return self.emit(f"({trues}) >= {node.count} ? {_MET} : ({len(parts)} - ({falses}) < {node.count} ? "
                             f"{_NOT_MET} : ({unknown} ? {_UNKNOWN} : {_REVIEW}))")
        if isinstance(node, IfThenElse):
            test, then, otherwise = self.node(node.test), self.node(node.then), self.node(node.otherwise)
            negated = self.emit(f"{test} == {_MET} ? {_NOT_MET} : ({test} == {_NOT_MET} ? {_MET} : {test})")
            consensus = self.junction(False, [self.junction(True, [test, then]), self.junction(True, [negated, otherwise]),
                                              self.junction(True, [then, otherwise])])
            return self.emit(f"{test} == {_MET} ? {then} : ({test} == {_NOT_MET} ? {otherwise} : {consensus})")
        raise TypeError(f"the zen-engine generator does not know the node {node!r}")

    def junction(self, conjunction: bool, parts: list[str]) -> str:
        dominant, other = (_NOT_MET, _MET) if conjunction else (_MET, _NOT_MET)
        return self.emit(
            f"({' or '.join(f'{p} == {dominant}' for p in parts)}) ? {dominant} : "
            f"(({' and '.join(f'{p} == {other}' for p in parts)}) ? {other} : "
            f"(({' or '.join(f'{p} == {_UNKNOWN}' for p in parts)}) ? {_UNKNOWN} : {_REVIEW}))")


class ZenDecision:
    """A zen-engine decision for `trees`, and the renaming of our flat facts to its input fields."""

    def __init__(self, trees: Mapping[str, Node], *, inline: bool = True) -> None:
        writer = _ZenWriter(inline)
        roots = {cid: writer.node(tree) for cid, tree in trees.items()}
        if inline:  # each criterion one expression of its own, every comparison written out where it is used
            roots = {cid: writer.emit(root, keyed=True) for cid, root in roots.items()}
        #: criterion id → output key of its outcome
        self.outputs = {cid: root.removeprefix("$.") for cid, root in roots.items()}
        self.fields = dict(writer.fields)  # our field → zen input name (f<i>; its review marker is r<i>)
        self.expressions = writer.expressions
        self.content = {
            "contentType": "application/vnd.gorules.decision",
            "nodes": [
                {"id": "request", "type": "inputNode", "name": "request", "position": {"x": 0, "y": 0}},
                {"id": "criteria", "type": "expressionNode", "name": "criteria", "position": {"x": 300, "y": 0},
                 "content": {"expressions": [{"id": key, "key": key, "value": value}
                                             for key, value in self.expressions]}},
                {"id": "response", "type": "outputNode", "name": "response", "position": {"x": 600, "y": 0}},
            ],
            "edges": [
                {"id": "e1", "type": "edge", "sourceId": "request", "targetId": "criteria"},
                {"id": "e2", "type": "edge", "sourceId": "criteria", "targetId": "response"},
            ],
        }

    def context(self, facts: Mapping[str, Any]) -> dict[str, Any]:
        """Our flat facts under zen's input names (absent stays absent, as in ours)."""
        out: dict[str, Any] = {}
        for field, name in self.fields.items():
            if field in facts:
                out[name] = facts[field]
            if facts.get(review_field(field)):
                out["r" + name[1:]] = True
        return out

    def outcomes(self, result: Mapping[str, Any]) -> dict[str, Outcome]:
        return {cid: Outcome(result[key]) for cid, key in self.outputs.items()}

    def engine(self) -> Any:
        """A `zen.ZenEngine` whose loader serves this decision under the key 'criteria'. The loader returns the
        parsed `ZenDecisionContent`: returning the JSON text makes zen parse it again on every evaluation (about
        5× slower), and `create_decision(...).evaluate` was slower still."""
        import zen

        content = zen.ZenDecisionContent(json.dumps(self.content))
        return zen.ZenEngine({"loader": lambda key: content})
