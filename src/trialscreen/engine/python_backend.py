"""The plain-Python evaluator: answers each comparison in Python and combines them with `trialscreen.logic`.

It is the test oracle for the durable-rules backend (the two must agree on every case) and the fallback where
durable-rules cannot be imported (Python 3.13+).

Two forms with one meaning: `evaluate_node` interprets a tree (the reference), and `compile_ruleset` turns a
whole ruleset into one generated Python function, built once per ruleset (issue 9 asks for >= 50,000
evaluations/s; interpreting the trees gave ~6,000). The generated function
- reads each fact field once and answers every distinct comparison once, shared by all criteria that use it;
- carries outcomes as small ints (`_OUTCOMES` indexes) and combines them with lookup tables computed here
  from `trialscreen.logic`, so the truth tables still have one source;
- takes field names, thresholds and criterion ids as bound values (closure variables), never as source text:
  the only things written into the source are operators from a fixed list and ints this module computed.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

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


def _at_least(count: Any, codes: tuple[int, ...]) -> int:
    # rare in rulesets: straight through the logic module
    return _CODE[logic.at_least(count, [_OUTCOMES[c] for c in codes])]


#: the comparison operators, as written into the generated source (nothing else is)
_OPERATORS = {op: op for op in (">=", ">", "<=", "<", "==", "!=")}

#: fixed names the generated function sees, besides the bound ruleset values `_k0`, `_k1`, ...
_HELPERS = {"_NOT": _NOT, "_REVIEW_IF": _REVIEW_IF, "_AND": _AND, "_OR": _OR, "_IF": _IF,
            "_AT_LEAST": _at_least, "_OUTCOMES": _OUTCOMES}

_FIELD_TEST = {
    "bool": None,  # written as identity tests on True and False
    "text": "type(v) is str",
    # finite: inf - inf and nan - nan are nan; an int minus itself is 0 however large it is
    "number": "(type(v) is float and v - v == 0.0) or type(v) is int",
}


class _Generator:
    """Writes the source of one function computing every criterion of a ruleset."""

    def __init__(self) -> None:
        self.bound: list[Any] = []  # values behind _k0, _k1, ...
        #: (field, kind) -> [(code variable, operator, threshold)], in first-use order
        self.groups: dict[tuple[str, str], list[tuple[str, str, Any]]] = {}
        self.leaves: dict[tuple[Any, ...], str] = {}  # a distinct comparison -> its code variable
        self.nodes: dict[tuple[Any, ...], str] = {}  # a distinct combinator -> its code variable
        self.combinator_lines: list[str] = []
        self.variables = 0

    def bind(self, value: Any) -> str:
        self.bound.append(value)
        return f"_k{len(self.bound) - 1}"

    def new_variable(self) -> str:
        self.variables += 1
        return f"n{self.variables}"

    def variable_of(self, node: Node) -> str:
        """The variable holding `node`'s code; equal comparisons and equal sub-trees share one."""
        if isinstance(node, Test):
            return self._leaf(node)
        if isinstance(node, (And, Or, AtLeast)):
            parts = tuple(self.variable_of(c) for c in node.children)
            if isinstance(node, AtLeast):
                key: tuple[Any, ...] = ("at_least", type(node.count), node.count, parts)
            else:
                key = (type(node).__name__, parts)
        elif isinstance(node, (Not, ReviewIf)):
            key = (type(node).__name__, self.variable_of(node.child))
        elif isinstance(node, IfThenElse):
            key = ("if", self.variable_of(node.test), self.variable_of(node.then), self.variable_of(node.otherwise))
        else:
            raise TypeError(f"not a node: {node!r}")
        if key not in self.nodes:
            self.nodes[key] = var = self.new_variable()
            self.combinator_lines.append(f"{var} = {self._combination(node, key)}")
        return self.nodes[key]

    def _combination(self, node: Node, key: tuple[Any, ...]) -> str:
        if isinstance(node, (And, Or)):
            parts = key[1]
            if not parts:
                return str(MET if isinstance(node, And) else NOT_MET)  # all_of([]) and any_of([])
            table = "_AND" if isinstance(node, And) else "_OR"
            expression = parts[0]
            for part in parts[1:]:
                expression = f"{table}[{expression}][{part}]"
            return expression
        if isinstance(node, Not):
            return f"_NOT[{key[1]}]"
        if isinstance(node, ReviewIf):
            return f"_REVIEW_IF[{key[1]}]"
        if isinstance(node, IfThenElse):
            return f"_IF[{key[1]}][{key[2]}][{key[3]}]"
        assert isinstance(node, AtLeast)
        return f"_AT_LEAST({self.bind(node.count)}, ({''.join(p + ', ' for p in key[3])}))"

    def _leaf(self, test: Test) -> str:
        if test.op not in _OPERATORS:
            raise ValueError(f"unknown operator {test.op!r} in {test!r}")
        kind = _kind(test.value)
        key = (test.field, kind, test.op, type(test.value), test.value)
        if key not in self.leaves:
            self.leaves[key] = var = self.new_variable()
            self.groups.setdefault((test.field, kind), []).append((var, test.op, test.value))
        return self.leaves[key]

    def _field_block(self, field: str, kind: str, tests: list[tuple[str, str, Any]]) -> list[str]:
        """Reads one field and answers its comparisons, or marks them UNKNOWN/REVIEW when it has no value."""
        lines = [f"v = get({self.bind(field)})"]
        if kind == "bool":
            # a bool is True or False: each comparison's answer for both is known now
            lines.append("if v is True:")
            lines += [f"    {var} = {MET if compare(op, True, value) else NOT_MET}" for var, op, value in tests]
            lines.append("elif v is False:")
            lines += [f"    {var} = {MET if compare(op, False, value) else NOT_MET}" for var, op, value in tests]
        else:
            lines.append(f"if {_FIELD_TEST[kind]}:")
            lines += [f"    {var} = {MET} if v {_OPERATORS[op]} {self.bind(value)} else {NOT_MET}"
                      for var, op, value in tests]
        targets = " = ".join(var for var, _, _ in tests)
        lines += ["else:", f"    {targets} = {REVIEW} if get({self.bind(review_field(field))}) else {UNKNOWN}"]
        return lines

    def source(self, criteria: list[tuple[str, str]]) -> str:
        body = ["get = facts.get"]
        for (field, kind), tests in self.groups.items():
            body += self._field_block(field, kind, tests)
        body += self.combinator_lines
        # filling a copy of a dict with the right keys is about twice as fast as a dict display of ~100 entries
        body.append(f"outcomes = {self.bind(dict.fromkeys(cid for cid, _ in criteria))}.copy()")
        body += [f"outcomes[{self.bind(cid)}] = _OUTCOMES[{var}]" for cid, var in criteria]
        body.append("return outcomes")
        parameters = ", ".join([*_HELPERS, *(f"_k{i}" for i in range(len(self.bound)))])
        return "\n".join([f"def _bind({parameters}):", "    def evaluate_ruleset(facts):",
                          *("        " + line for line in body), "    return evaluate_ruleset", ""])


def compile_ruleset(trees: Mapping[str, Node]) -> Callable[[Mapping[str, Any]], dict[str, Outcome]]:
    """One function computing ``{criterion id: evaluate_node(tree, facts)}`` for every tree, in order."""
    generator = _Generator()
    criteria = [(cid, generator.variable_of(tree)) for cid, tree in trees.items()]
    source = generator.source(criteria)
    namespace: dict[str, Any] = {}
    exec(compile(source, "<trialscreen compiled ruleset>", "exec"), namespace)  # noqa: S102 - source built above
    function = namespace["_bind"](*_HELPERS.values(), *generator.bound)
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
