"""The plain-Python evaluator: answers each comparison in Python and combines them with `trialscreen.logic`.

It is the test oracle for the durable-rules backend (the two must agree on every case) and the fallback where
durable-rules cannot be imported (Python 3.13+).

Two forms with one meaning: `evaluate_node` interprets a tree (the reference), and `compile_ruleset` turns a
whole ruleset into one generated Python function, built once per ruleset (issue 9 asks for >= 50,000
evaluations/s on NCT07212322; one closure tree per criterion gave about 15,000). The generated function
- reads each fact field once and answers every distinct comparison once, shared by all criteria that use it;
- carries outcomes as small ints (`_OUTCOMES` indexes) and combines them with lookup tables computed here
  from `trialscreen.logic`, so the truth tables still have one source;
- takes field names, thresholds and criterion ids as bound values (names in its own global namespace), never
  as source text: the only things written into the source are operators from a fixed list and ints this
  module computed.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any, NamedTuple

from trialscreen import logic
from trialscreen.engine.tree import And, AtLeast, IfThenElse, Node, Not, Or, ReviewIf, Test, compare, evaluate
from trialscreen.engine.tree import review_field
from trialscreen.logic import Outcome

# -- the reference: interpreted ---------------------------------------------------------------------------------


def leaf_outcome(test: Test, facts: Mapping[str, Any]) -> Outcome:
    """MET/NOT_MET for a value of the comparison's type; REVIEW or UNKNOWN when there is none (a value of the
    wrong type counts as none: booleans are not numbers, text is not compared with numbers, NaN and infinities
    are not numbers)."""
    value = facts.get(test.field)
    if value is None or not _same_type(value, test.value):
        return Outcome.REVIEW if facts.get(review_field(test.field)) else Outcome.UNKNOWN
    return Outcome.MET if compare(test.op, value, test.value) else Outcome.NOT_MET


def _kind(threshold: Any) -> str:
    """Which values a threshold is compared with: "bool", "text" or "number" (anything else counts as a number,
    so a malformed threshold fails in the comparison, as the interpreted form does)."""
    if isinstance(threshold, bool):
        return "bool"
    if isinstance(threshold, str):
        return "text"
    return "number"


def _same_type(value: Any, threshold: Any) -> bool:
    kind = _kind(threshold)
    if kind == "bool":
        return type(value) is bool
    if kind == "text":
        return type(value) is str
    # every int is finite (math.isfinite would raise OverflowError on one beyond the float range)
    return type(value) is int or (type(value) is float and math.isfinite(value))


def evaluate_node(node: Node, facts: Mapping[str, Any]) -> Outcome:
    return evaluate(node, lambda test: leaf_outcome(test, facts))


# -- the compiled form --------------------------------------------------------------------------------------------

#: outcome <-> small int; the int is the outcome's index here
_OUTCOMES = (Outcome.NOT_MET, Outcome.UNKNOWN, Outcome.REVIEW, Outcome.MET)
_CODE = {outcome: code for code, outcome in enumerate(_OUTCOMES)}
MET, NOT_MET = _CODE[Outcome.MET], _CODE[Outcome.NOT_MET]
UNKNOWN, REVIEW = _CODE[Outcome.UNKNOWN], _CODE[Outcome.REVIEW]

#: the truth tables of `trialscreen.logic`, indexed by codes. AND and OR of more than two values fold these
#: pairwise (all_of and any_of are associative; tests/engine/test_python_compiled.py checks it exhaustively).
_NOT = tuple(_CODE[logic.negate(a)] for a in _OUTCOMES)
_REVIEW_IF = tuple(_CODE[logic.review_if(a)] for a in _OUTCOMES)
_AND = tuple(tuple(_CODE[logic.all_of([a, b])] for b in _OUTCOMES) for a in _OUTCOMES)
_OR = tuple(tuple(_CODE[logic.any_of([a, b])] for b in _OUTCOMES) for a in _OUTCOMES)
_IF = tuple(tuple(tuple(_CODE[logic.if_then_else(t, a, b)] for b in _OUTCOMES) for a in _OUTCOMES)
            for t in _OUTCOMES)


def _with_outcomes(table: Any) -> Any:
    """The same table giving outcomes instead of codes (for a criterion's own outcome: no conversion step)."""
    return _OUTCOMES[table] if isinstance(table, int) else tuple(_with_outcomes(row) for row in table)


def _at_least(count: Any, codes: tuple[int, ...]) -> int:
    # rare in rulesets: straight through the logic module
    return _CODE[logic.at_least(count, [_OUTCOMES[c] for c in codes])]


#: the comparison operators, as written into the generated source (nothing else from a ruleset is)
_OPERATORS = {op: op for op in (">=", ">", "<=", "<", "==", "!=")}

#: each combinator's table, as the generated source names it
_TABLES = {"not": "_NOT", "review_if": "_REVIEW_IF", "and": "_AND", "or": "_OR", "if": "_IF"}
_CODE_TABLES = {"_NOT": _NOT, "_REVIEW_IF": _REVIEW_IF, "_AND": _AND, "_OR": _OR, "_IF": _IF}
#: an outcome as the generated source names it (its code when carried as a code)
_OUTCOME_NAMES = {MET: "_MET", NOT_MET: "_NOT_MET", UNKNOWN: "_UNKNOWN", REVIEW: "_REVIEW"}

#: fixed names the generated function sees, besides the bound ruleset values `_k0`, `_k1`, ...
_HELPERS: dict[str, Any] = {
    **_CODE_TABLES,
    **{name + "_OUTCOME": _with_outcomes(table) for name, table in _CODE_TABLES.items()},
    **{name: _OUTCOMES[code] for code, name in _OUTCOME_NAMES.items()},
    "_AT_LEAST": _at_least, "_OUTCOMES": _OUTCOMES,
}

_FIELD_TEST = {
    "text": "type(v) is str",
    # finite: inf - inf and nan - nan are nan; an int minus itself is 0 however large it is
    "number": "(type(v) is float and v - v == 0.0) or type(v) is int",
}

#: a comparison's outcome when it holds, when it does not, when the value is missing and when under review
_PLAIN = (MET, NOT_MET, UNKNOWN, REVIEW)


class _Leaf(NamedTuple):
    """A distinct comparison: equal leaves are one. The threshold's type is part of it: True == 1 == 1.0, but
    each of the three is compared with different values."""

    field: str
    kind: str  # _kind(threshold)
    op: str
    threshold_type: type
    threshold: Any
    outcomes: tuple[int, int, int, int]  # codes when it holds, does not, has no value, has none and is in review


class _Combinator(NamedTuple):
    kind: str  # "and", "or", "not", "review_if", "if" (test, then, otherwise) or "at_least"
    children: tuple[int, ...]  # node ids
    count: tuple[type, Any] | None = None  # at_least: the count's type and value


class _Generator:
    """Writes the source of one function computing every criterion of a ruleset.

    The trees become a graph of distinct nodes, numbered children first (equal comparisons and equal sub-trees
    are one node). A NOT or REVIEW IF directly over a comparison becomes a comparison with other outcomes (NOT
    "a == true" is NOT_MET when a is true). A node another node needs is computed as a code, variable ``n<id>``;
    a node that is a criterion, as an outcome stored straight into the result dict."""

    def __init__(self) -> None:
        self.bound: list[Any] = []  # values behind _k0, _k1, ...
        self.nodes: list[_Leaf | _Combinator] = []  # by id
        self.ids: dict[_Leaf | _Combinator, int] = {}

    def bind(self, value: Any) -> str:
        self.bound.append(value)
        return f"_k{len(self.bound) - 1}"

    def _id(self, node: _Leaf | _Combinator) -> int:
        if node not in self.ids:
            self.ids[node] = len(self.nodes)
            self.nodes.append(node)
        return self.ids[node]

    def node_id(self, node: Node) -> int:
        if isinstance(node, Test):
            if node.op not in _OPERATORS:
                raise ValueError(f"unknown operator {node.op!r} in {node!r}")
            return self._id(_Leaf(node.field, _kind(node.value), node.op, type(node.value), node.value, _PLAIN))
        if isinstance(node, (Not, ReviewIf)):
            kind, child_id = ("not" if isinstance(node, Not) else "review_if"), self.node_id(node.child)
            child = self.nodes[child_id]
            if isinstance(child, _Leaf):
                table = _NOT if kind == "not" else _REVIEW_IF
                return self._id(child._replace(outcomes=tuple(table[c] for c in child.outcomes)))
            return self._id(_Combinator(kind, (child_id,)))
        if isinstance(node, (And, Or)):
            kind = "and" if isinstance(node, And) else "or"
            return self._id(_Combinator(kind, tuple(self.node_id(c) for c in node.children)))
        if isinstance(node, AtLeast):
            children = tuple(self.node_id(c) for c in node.children)
            return self._id(_Combinator("at_least", children, (type(node.count), node.count)))
        if isinstance(node, IfThenElse):
            parts = (node.test, node.then, node.otherwise)
            return self._id(_Combinator("if", tuple(self.node_id(c) for c in parts)))
        raise TypeError(f"not a node: {node!r}")

    def source(self, criteria: list[tuple[str, int]]) -> str:
        # a criterion's outcome goes straight into the result: node id -> "outcomes[<id>] = outcomes[<id>] ..."
        template = self.bind(dict.fromkeys(cid for cid, _ in criteria))
        as_outcome: dict[int, str] = {}
        for cid, i in criteria:
            as_outcome[i] = " = ".join(filter(None, [as_outcome.get(i), f"outcomes[{self.bind(cid)}]"]))
        as_code: set[int] = set()
        pending = list(as_outcome)
        while pending:
            node = self.nodes[pending.pop()]
            if isinstance(node, _Combinator):
                for child in set(node.children) - as_code:
                    as_code.add(child)
                    pending.append(child)

        # filling a copy of a dict with the right keys is about twice as fast as a dict display of ~100 entries
        body = ["get = facts.get", f"outcomes = {template}.copy()"]
        fields: dict[tuple[str, str], list[int]] = {}
        for i, node in enumerate(self.nodes):
            if isinstance(node, _Leaf) and (i in as_code or i in as_outcome):
                fields.setdefault((node.field, node.kind), []).append(i)
        for (field, kind), leaves in fields.items():
            body += self._field_block(field, kind, leaves, as_code, as_outcome)
        for i, node in enumerate(self.nodes):
            if isinstance(node, _Combinator):
                if i in as_code:
                    body += self._combination(node, f"n{i}", "")
                if i in as_outcome and i in as_code:
                    body.append(f"{as_outcome[i]} = _OUTCOMES[n{i}]")
                elif i in as_outcome:
                    body += self._combination(node, as_outcome[i], "_OUTCOME")
        body.append("return outcomes")
        return "\n".join(["def evaluate_ruleset(facts):", *("    " + line for line in body), ""])

    def namespace(self) -> dict[str, Any]:
        """The generated function's globals: the helpers and the bound values (globals rather than closure
        variables: a call need not copy hundreds of closure cells into its frame)."""
        return {**_HELPERS, **{f"_k{i}": value for i, value in enumerate(self.bound)}}

    def _combination(self, node: _Combinator, target: str, form: str) -> list[str]:
        """Statements setting `target` to the node's code, or with `form` "_OUTCOME" to its outcome."""
        parts = [f"n{c}" for c in node.children]
        if node.kind == "at_least":
            assert node.count is not None
            expression = f"_AT_LEAST({self.bind(node.count[1])}, ({''.join(p + ', ' for p in parts)}))"
            return [f"{target} = _OUTCOMES[{expression}]" if form else f"{target} = {expression}"]
        if node.kind not in ("and", "or"):
            return [f"{target} = {_TABLES[node.kind]}{form}{''.join(f'[{p}]' for p in parts)}"]
        if not parts:  # all_of([]) and any_of([])
            code = MET if node.kind == "and" else NOT_MET
            return [f"{target} = {_OUTCOME_NAMES[code] if form else code}"]
        if len(parts) == 1:
            return [f"{target} = _OUTCOMES[{parts[0]}]" if form else f"{target} = {parts[0]}"]
        # pairwise, one statement a step (nested subscripts would hit the parser's nesting limit)
        lines, so_far = [], parts[0]
        for part in parts[1:-1]:
            lines.append(f"acc = {_TABLES[node.kind]}[{so_far}][{part}]")
            so_far = "acc"
        return [*lines, f"{target} = {_TABLES[node.kind]}{form}[{so_far}][{parts[-1]}]"]

    def _field_block(self, field: str, kind: str, leaves: list[int], as_code: set[int],
                     as_outcome: dict[int, str]) -> list[str]:
        """Reads one field and answers its comparisons, or gives their UNKNOWN/REVIEW outcome when it has no
        value of the comparisons' type."""

        def assign(i: int, code: int) -> list[str]:
            return ([f"n{i} = {code}"] if i in as_code else []) + \
                ([f"{as_outcome[i]} = {_OUTCOME_NAMES[code]}"] if i in as_outcome else [])

        def assign_either(i: int, condition: str, yes: int, no: int) -> list[str]:
            lines = [f"n{i} = {yes} if {condition} else {no}"] if i in as_code else []
            if i in as_outcome:
                outcome = (f"_OUTCOMES[n{i}]" if i in as_code
                           else f"{_OUTCOME_NAMES[yes]} if {condition} else {_OUTCOME_NAMES[no]}")
                lines.append(f"{as_outcome[i]} = {outcome}")
            return lines

        lines = [f"v = get({self.bind(field)})"]
        if kind == "bool":
            # a bool is True or False: each comparison's answer for both is known now
            for branch, value in (("if v is True:", True), ("elif v is False:", False)):
                lines.append(branch)
                for i in leaves:
                    leaf = self.nodes[i]
                    assert isinstance(leaf, _Leaf)
                    holds = compare(leaf.op, value, leaf.threshold)
                    lines += ["    " + line for line in assign(i, leaf.outcomes[0 if holds else 1])]
        else:
            lines.append(f"if {_FIELD_TEST[kind]}:")
            for i in leaves:
                leaf = self.nodes[i]
                assert isinstance(leaf, _Leaf)
                condition = f"v {_OPERATORS[leaf.op]} {self.bind(leaf.threshold)}"
                lines += ["    " + line for line in assign_either(i, condition, *leaf.outcomes[:2])]
        lines += ["else:", f"    review = get({self.bind(review_field(field))})"]
        for i in leaves:
            leaf = self.nodes[i]
            assert isinstance(leaf, _Leaf)
            lines += ["    " + line for line in assign_either(i, "review", leaf.outcomes[3], leaf.outcomes[2])]
        return lines


def compile_ruleset(trees: Mapping[str, Node]) -> Callable[[Mapping[str, Any]], dict[str, Outcome]]:
    """One function computing ``{criterion id: evaluate_node(tree, facts)}`` for every tree, in order."""
    generator = _Generator()
    criteria = [(cid, generator.node_id(tree)) for cid, tree in trees.items()]
    source = generator.source(criteria)
    namespace = generator.namespace()
    exec(compile(source, "<trialscreen compiled ruleset>", "exec"), namespace)  # noqa: S102 - source built above
    function = namespace["evaluate_ruleset"]
    function.source = source  # for reading and debugging
    return function


def compile_node(node: Node) -> Callable[[Mapping[str, Any]], Outcome]:
    """A function computing `evaluate_node(node, facts)`."""
    evaluate_one = compile_ruleset({"c": node})
    return lambda facts: evaluate_one(facts)["c"]


class PythonBackend:
    """Evaluates a ruleset compiled by `compile_ruleset`; `evaluate_node` is the interpreted reference."""

    name = "python"

    def __init__(self, trees: Mapping[str, Node], ruleset_key: str) -> None:
        self.trees = dict(trees)
        self._evaluate = compile_ruleset(self.trees)

    def evaluate(self, facts: Mapping[str, Any]) -> dict[str, Outcome]:
        return self._evaluate(facts)
