"""The durable-rules adapter. Every quirk of durable-rules 2.0.28 stays in this file.

How a ruleset compiles: a criterion's lowered tree becomes three durable-rules rules — one whose formula is true
exactly when the criterion is MET, one for NOT_MET, one for REVIEW. UNKNOWN is "no rule fired", so an engine
that fails to match can only make an outcome unknown, never eligible. The four formulas are derived from the
truth tables in `trialscreen.logic` (see `_encode`); `tests/engine/test_durable_backend.py` checks the derivation
against those tables exhaustively and against the plain-Python evaluator on generated cases.

Hazards handled here (see ../shared/reference/durable-rules.md; each has a regression test):
- absent fields: every comparison is guarded by ``$ex`` in the same ``$and``, and there is no arithmetic in the
  engine (ratios and formulas are computed beforehand, in Python, with exact decimal rounding);
- the negation gate: there are no ``$not`` patterns; absence is tested on the single patient fact, which is
  asserted whole, in one call, so arrival order cannot matter;
- unguarded ``$nex``: every pattern starts with a type test on ``t``;
- unmatched facts (MessageNotHandledException): a catch-all rule, whose firing also proves the fact was seen;
- duplicate facts (MessageObservedException): every evaluation gets a fresh session id, and any non-zero
  result code from the C engine raises `EngineError`;
- ``$or`` branches that fire the same action twice: results are recorded idempotently, and two different
  outcomes for one criterion raise `EngineError` instead of picking one;
- swallowed action exceptions: no Python action runs inside durable-rules — the adapter asks the C engine
  for the names of the matched rules (`DurableBackend._fired`), so there is nothing to swallow;
- timer threads racing the caller: a `Host` subclass that starts none;
- state clean-up and the ~1,020-session limit: ``delete_state`` in a ``finally`` after every evaluation;
- booleans equal to 1 and strings compared as text: facts are type-checked against the compiled field types
  before they reach the engine, and booleans travel as 1/0;
- ``set_rulesets`` mutating its argument and never giving memory back: definitions are built fresh, and each
  compiled ruleset is registered once per process under a versioned name and reused;
- facts with more than 64 properties corrupt durable-rules' heap (found here, not in the reference notes):
  criteria are grouped so that no fact carries more than `MAX_FIELDS_PER_FACT` fields.
"""

from __future__ import annotations

import itertools
import json
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from trialscreen.engine.tree import And, AtLeast, Node, Not, Or, ReviewIf, Test, review_field
from trialscreen.errors import EngineError
from trialscreen.logic import Outcome

try:  # durable-rules has no build for Python 3.13+; see trialscreen.engine.backends
    import durable_rules_engine as _C
    from durable import engine as _durable_engine
except ImportError as _exc:  # pragma: no cover - exercised only on unsupported Pythons
    _durable_engine = None
    _C = None
    IMPORT_ERROR: str | None = f"{type(_exc).__name__}: {_exc}"
else:
    IMPORT_ERROR = None

FACT_TYPE = "$patient_facts"
CATCH_ALL = "catch_all"

# -- a tiny expression algebra over durable-rules conditions -------------------------------------------------


@dataclass(frozen=True)
class _Const:
    value: bool


TRUE, FALSE = _Const(True), _Const(False)


@dataclass(frozen=True)
class _Atom:
    op: str  # "$ex", "$nex", ">=", ... on a durable field
    field: str
    value: Any = None


@dataclass(frozen=True)
class _Junction:
    kind: str  # "and" | "or"
    items: tuple[Any, ...]


_NEGATED_OP = {">=": "<", ">": "<=", "<=": ">", "<": ">=", "==": "!=", "!=": "=="}
_DURABLE_OP = {">=": "$gte", ">": "$gt", "<=": "$lte", "<": "$lt", "!=": "$neq"}


def _and(*items: Any) -> Any:
    return _junction("and", items)


def _or(*items: Any) -> Any:
    return _junction("or", items)


def _junction(kind: str, items: tuple[Any, ...]) -> Any:
    absorbing, neutral = (FALSE, TRUE) if kind == "and" else (TRUE, FALSE)
    flat: list[Any] = []
    for item in items:
        if item == absorbing:
            return absorbing
        if item == neutral:
            continue
        if isinstance(item, _Junction) and item.kind == kind:
            flat.extend(item.items)
        else:
            flat.append(item)
    unique = list(dict.fromkeys(flat))
    if not unique:
        return neutral
    if len(unique) == 1:
        return unique[0]
    return _Junction(kind, tuple(unique))


def _neg(expr: Any) -> Any:
    """Negation under durable-rules' absent-field semantics (a comparison on an absent field is false)."""
    if isinstance(expr, _Const):
        return FALSE if expr.value else TRUE
    if isinstance(expr, _Atom):
        if expr.op == "$ex":
            return _Atom("$nex", expr.field)
        if expr.op == "$nex":
            return _Atom("$ex", expr.field)
        return _or(_Atom("$nex", expr.field), _Atom(_NEGATED_OP[expr.op], expr.field, expr.value))
    if isinstance(expr, _Junction):
        items = tuple(_neg(i) for i in expr.items)
        return _or(*items) if expr.kind == "and" else _and(*items)
    raise TypeError(expr)


@dataclass(frozen=True)
class _Encoding:
    met: Any
    not_met: Any
    unknown: Any
    review: Any


def _encode(node: Node, names: Mapping[str, str]) -> _Encoding:
    """The four formulas of `node`, from the truth tables of `trialscreen.logic`.

    AND: met = all met; not_met = any not_met; unknown = none not_met and some unknown;
    review = all met-or-review and some review. OR is the dual. NOT swaps met and not_met. AT_LEAST k of n:
    met = some k-subset all met; not_met = some (n-k+1)-subset all not_met; otherwise unknown if any child is
    unknown, else review. REVIEW_IF: met becomes review.
    """
    if isinstance(node, Test):
        f, r = names[node.field], names[review_field(node.field)]
        value = _wire(node.value)
        return _Encoding(
            met=_and(_Atom("$ex", f), _Atom(node.op, f, value)),
            not_met=_and(_Atom("$ex", f), _Atom(_NEGATED_OP[node.op], f, value)),
            unknown=_and(_Atom("$nex", f), _Atom("$nex", r)),
            review=_and(_Atom("$nex", f), _Atom("$ex", r)),
        )
    if isinstance(node, Not):
        e = _encode(node.child, names)
        return _Encoding(met=e.not_met, not_met=e.met, unknown=e.unknown, review=e.review)
    if isinstance(node, ReviewIf):
        e = _encode(node.child, names)
        return _Encoding(met=FALSE, not_met=e.not_met, unknown=e.unknown, review=_or(e.met, e.review))
    kids = [_encode(c, names) for c in node.children]
    if isinstance(node, And):
        return _Encoding(
            met=_and(*(k.met for k in kids)),
            not_met=_or(*(k.not_met for k in kids)),
            unknown=_and(*(_or(k.met, k.unknown, k.review) for k in kids), _or(*(k.unknown for k in kids))),
            review=_and(*(_or(k.met, k.review) for k in kids), _or(*(k.review for k in kids))),
        )
    if isinstance(node, Or):
        return _Encoding(
            met=_or(*(k.met for k in kids)),
            not_met=_and(*(k.not_met for k in kids)),
            unknown=_and(*(_or(k.not_met, k.unknown, k.review) for k in kids), _or(*(k.unknown for k in kids))),
            review=_and(*(_or(k.not_met, k.review) for k in kids), _or(*(k.review for k in kids))),
        )
    if isinstance(node, AtLeast):
        n, k = len(kids), node.count
        met = _or(*(_and(*(kids[i].met for i in s)) for s in itertools.combinations(range(n), k)))
        not_met = _or(*(_and(*(kids[i].not_met for i in s)) for s in itertools.combinations(range(n), n - k + 1)))
        undecided = _and(_neg(met), _neg(not_met))
        any_unknown = _or(*(kid.unknown for kid in kids))
        return _Encoding(met=met, not_met=not_met, unknown=_and(undecided, any_unknown),
                         review=_and(undecided, _neg(any_unknown)))
    raise TypeError(f"not a node: {node!r}")


def _wire(value: Any) -> Any:
    """Booleans travel as 1/0 (durable-rules matches ``true`` against 1 anyway); numbers as floats."""
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, int):
        return float(value)
    return value


def _to_durable(expr: Any) -> dict[str, Any]:
    if isinstance(expr, _Atom):
        if expr.op in ("$ex", "$nex"):
            return {expr.op: {expr.field: 1}}
        if expr.op == "==":
            return {expr.field: expr.value}
        return {_DURABLE_OP[expr.op]: {expr.field: expr.value}}
    if isinstance(expr, _Junction):
        return {"$and" if expr.kind == "and" else "$or": [_to_durable(i) for i in expr.items]}
    raise TypeError(expr)


# -- the host ---------------------------------------------------------------------------------------------------

if _durable_engine is not None:

    class _QuietHost(_durable_engine.Host):
        """A host without the two 0.2 s timer threads, which race the caller and corrupt results."""

        def _run(self) -> None:
            return None

else:  # pragma: no cover
    _QuietHost = None  # type: ignore[assignment,misc]

_host = None
_lock = threading.RLock()
_registered: dict[str, DurableBackend] = {}
_sids = itertools.count(1)


def _get_host() -> Any:
    global _host
    if _durable_engine is None:
        raise EngineError(f"durable-rules is not available on this Python ({IMPORT_ERROR}); use --backend python")
    if _host is None:
        _host = _QuietHost()
    return _host


#: durable-rules keeps a fact's properties in a fixed array of 64 (MAX_OBJECT_PROPERTIES in its state.h); a
#: bigger fact corrupts the heap (we saw "double free or corruption" aborts at 71 properties). Our fact carries
#: t, id and sid besides one property per field (a value or its review marker, never both), so criteria are
#: split into groups of at most this many fields, each group its own durable-rules ruleset and fact.
MAX_FIELDS_PER_FACT = 56


@dataclass(frozen=True)
class _Group:
    ruleset_name: str
    criteria: tuple[str, ...]
    fields: frozenset[str]


def _partition(trees: Mapping[str, Node]) -> list[tuple[list[str], set[str]]]:
    groups: list[tuple[list[str], set[str]]] = []
    for cid, tree in trees.items():
        fields = _fields(tree)
        if len(fields) > MAX_FIELDS_PER_FACT:
            raise EngineError(f"criterion {cid!r} uses {len(fields)} facts; durable-rules allows "
                              f"{MAX_FIELDS_PER_FACT} in one fact — split the criterion")
        if groups and len(groups[-1][1] | fields) <= MAX_FIELDS_PER_FACT:
            groups[-1][0].append(cid)
            groups[-1][1].update(fields)
        else:
            groups.append(([cid], set(fields)))
    return groups


class DurableBackend:
    """One compiled ruleset registered with the process-wide durable-rules host (as one or more durable-rules
    rulesets, see `MAX_FIELDS_PER_FACT`)."""

    name = "durable"

    def __new__(cls, trees: Mapping[str, Node], ruleset_key: str) -> DurableBackend:
        # Registering costs memory durable-rules never returns: one registration per ruleset per process.
        with _lock:
            existing = _registered.get(ruleset_key)
            if existing is not None:
                return existing
            self = super().__new__(cls)
            self._setup(trees, ruleset_key)
            _registered[ruleset_key] = self
            return self

    def __init__(self, trees: Mapping[str, Node], ruleset_key: str) -> None:
        pass

    def _setup(self, trees: Mapping[str, Node], ruleset_key: str) -> None:
        self.trees = dict(trees)
        fields = sorted(set().union(*(_fields(t) for t in self.trees.values()))) if self.trees else []
        self.names: dict[str, str] = {}
        for i, f in enumerate(fields):
            self.names[f] = f"f{i}"
            self.names[review_field(f)] = f"f{i}r"
        self.groups: list[_Group] = []
        self.rule_outcomes: dict[str, tuple[str, Outcome]] = {}
        self.rule_count = 0
        self.definition_size = 0
        definitions: dict[str, Any] = {}
        for g, (criteria, group_fields) in enumerate(_partition(self.trees)):
            name = f"ts_{ruleset_key}_g{g}"
            rules: dict[str, Any] = {}
            for cid in criteria:
                n = list(self.trees).index(cid)
                enc = _encode(self.trees[cid], self.names)
                for outcome, expr in ((Outcome.MET, enc.met), (Outcome.NOT_MET, enc.not_met), (Outcome.REVIEW, enc.review)):
                    if expr == FALSE:
                        continue
                    pattern: dict[str, Any] = {"t": FACT_TYPE} if expr == TRUE else {"$and": [{"t": FACT_TYPE}, _to_durable(expr)]}
                    rule_name = f"c{n}_{outcome.value}"
                    rules[rule_name] = {"all": [{"m": pattern}], "run": _never_called}
                    self.rule_outcomes[rule_name] = (cid, outcome)
            rules[CATCH_ALL] = {"all": [{"m": {"t": FACT_TYPE}}], "run": _never_called}
            self.rule_count += len(rules)
            self.definition_size += len(json.dumps({k: {"all": v["all"]} for k, v in rules.items()}))
            definitions[name] = rules
            self.groups.append(_Group(name, tuple(criteria), frozenset(group_fields)))
        host = _get_host()
        host.set_rulesets(definitions)
        self._handles = {g.ruleset_name: host.get_ruleset(g.ruleset_name)._handle for g in self.groups}

    def _fired(self, group: _Group, fact: dict[str, Any]) -> list[str]:
        """Assert `fact` into a fresh session of `group` and return the names of the rules that matched.

        This drives durable-rules' C API directly instead of `Host.assert_fact`: the Python action machinery
        (a Closure, two JSON round trips and a state update per action) cost five sixths of the time, and we
        need only the names of the matched rules. The session is always deleted.
        """
        handle = self._handles[group.ruleset_name]
        sid = fact["sid"]
        fired: list[str] = []
        try:
            code, state_handle = _C.assert_fact(handle, json.dumps(fact, ensure_ascii=False))[:2]
            if code != 0:
                raise EngineError(f"durable-rules refused the patient fact in {group.ruleset_name} (code {code})")
            result = _C.start_action_for_state(handle, state_handle)
            message = result[1] if result else None
            while message:
                # the message is {"<rule name>": {...}}: the name is all we need
                fired.append(message[2:message.index('"', 2)])
                message = _C.complete_and_start_action(handle, state_handle)
        except EngineError:
            raise
        except Exception as exc:
            raise EngineError(f"durable-rules failed on ruleset {group.ruleset_name}: {exc}") from exc
        finally:
            try:
                _C.delete_state(handle, sid)
            except Exception:  # noqa: S110 — never mask the original error
                pass
        return fired

    def evaluate(self, facts: Mapping[str, Any]) -> dict[str, Outcome]:
        results: dict[str, Outcome] = {}
        with _lock:
            for group in self.groups:
                fact: dict[str, Any] = {"t": FACT_TYPE, "id": "facts", "sid": str(next(_sids))}
                for key in group.fields:
                    for wire_key in (key, review_field(key)):
                        value = facts.get(wire_key)
                        if value is not None:
                            fact[self.names[wire_key]] = _wire(value)
                fired = self._fired(group, fact)
                if CATCH_ALL not in fired:
                    raise EngineError(f"durable-rules did not see the patient fact in {group.ruleset_name}")
                for rule_name in fired:
                    if rule_name == CATCH_ALL:
                        continue
                    cid, outcome = self.rule_outcomes[rule_name]
                    previous = results.setdefault(cid, outcome)
                    if previous is not outcome:
                        raise EngineError(f"durable-rules matched contradictory outcomes for {cid!r}: "
                                          f"{previous.value} and {outcome.value}")
        return {cid: results.get(cid, Outcome.UNKNOWN) for cid in self.trees}


def _never_called(_closure: Any) -> None:  # pragma: no cover - actions are not run through durable's Python layer
    raise AssertionError("durable-rules actions are collected by name, never run")


def _fields(node: Node) -> set[str]:
    from trialscreen.engine.tree import fields_of

    return fields_of(node)
