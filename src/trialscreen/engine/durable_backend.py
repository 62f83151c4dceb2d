"""The durable-rules adapter. Every quirk of durable-rules 2.0.28 stays in this file.

How a ruleset compiles: every distinct comparison in the lowered trees (``platelets >= 50``, ``hbsag == true``)
becomes two durable-rules rules on one flat patient fact — one that matches when the comparison holds and one
when its negation holds. durable-rules decides each comparison; the criterion outcome is then computed from
those leaf answers with the four-valued logic of `trialscreen.logic`, in `engine.tree.evaluate`, the same code
the plain-Python evaluator uses ("three-valued logic and explanations are ours, made on top"). A field that is
absent is UNKNOWN (or REVIEW when the resolver marked it so) without asking the engine.

Why comparisons and not whole criterion formulas: durable-rules refuses rules with more than 32 expressions
(error 113, ``MAX_SEQUENCE_EXPRESSIONS``), which three-leaf formulas with nested and/or already exceed, and its
alpha network overflows a fixed stack (error 303, or a crash) when a fact matches too many nodes at once.
One comparison per rule keeps every rule to two expressions and makes the node count per fact predictable.

Hazards handled here (see ../shared/reference/durable-rules.md and tests/engine/test_durable_hazards.py):
- absent fields: never sent; the engine only sees fields that have a value, and there is no arithmetic in the
  engine (ratios and formulas are computed beforehand, in Python, with exact decimal rounding);
- the negation gate: there are no ``$not`` patterns and no joins; one fact per group, asserted whole;
- unguarded ``$nex``: not used; every pattern starts with a type test on ``t``;
- unmatched facts (MessageNotHandledException): a catch-all rule per group, whose firing proves the fact was
  seen;
- duplicate facts (MessageObservedException): every evaluation gets a fresh session id, and any non-zero
  result code from the C engine raises `EngineError`;
- a comparison that matched neither its rule nor its negation's, or both, raises `EngineError`: the engine can
  never silently turn a present value into "not met";
- swallowed action exceptions: no Python action runs inside durable-rules — the adapter asks the C engine for
  the names of the matched rules (`DurableBackend._fired`), so there is nothing to swallow;
- timer threads racing the caller: a `Host` subclass that starts none;
- state clean-up and the ~1,020-session limit: ``delete_state`` in a ``finally`` after every assertion;
- booleans equal to 1 and strings compared as text: facts are type-checked against each comparison's type,
  booleans travel as 1/0, and a value of the wrong type is treated as absent (UNKNOWN), as in Python;
- ``set_rulesets`` mutating its argument and never giving memory back: definitions are built fresh, and each
  compiled ruleset is registered once per process under a versioned name and reused;
- fixed-size arrays in the C engine (found here, not in the reference notes): a fact that matches more than 64
  comparison rules fails with error 303 or aborts the process, and facts with more than 64 properties
  (MAX_OBJECT_PROPERTIES) corrupted the heap when many rules matched. Comparisons are split into groups of at
  most `MAX_TESTS_PER_GROUP`, each its own durable-rules ruleset and fact;
- numbers in exponent notation without a decimal point (``1e-05``) are refused (error 204): facts are written
  with a decimal point, thresholds that would need one are refused at compile time, and non-finite numbers are
  treated as absent (UNKNOWN), as in Python.
"""

from __future__ import annotations

import itertools
import json
import math
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from trialscreen.engine.tree import Node, Test, evaluate, review_field, tests_of
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
#: Only one rule of each comparison's pair can match; durable-rules fails with error 303 (or aborts) when a fact
#: matches more than 64 comparison rules, so a group holds at most 56 comparisons.
MAX_TESTS_PER_GROUP = 56
_DURABLE_OP = {">=": "$gte", ">": "$gt", "<=": "$lte", "<": "$lt", "!=": "$neq"}
_NEGATED_OP = {">=": "<", ">": "<=", "<=": ">", "<": ">=", "==": "!=", "!=": "=="}


def _wire(value: Any) -> Any:
    """Booleans travel as 1/0 (durable-rules matches ``true`` against 1 anyway); numbers as floats."""
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, int):
        return float(value)
    return value


def _number_text(value: float) -> str:
    """A float as JSON durable-rules parses: it refuses exponents without a decimal point (``1e-05``, error
    204), so the mantissa always carries one (``1.0e-05``)."""
    text = repr(value)
    mantissa, e, exponent = text.partition("e")
    if e and "." not in mantissa:
        return f"{mantissa}.0e{exponent}"
    return text


def _fact_json(fact: dict[str, Any]) -> str:
    parts = []
    for key, value in fact.items():
        shown = _number_text(value) if isinstance(value, float) else json.dumps(value, ensure_ascii=False)
        parts.append(f"{json.dumps(key)}: {shown}")
    return "{" + ", ".join(parts) + "}"


def representable(value: Any) -> bool:
    """Whether a threshold survives durable-rules' own JSON encoding of the ruleset (no bare exponents)."""
    return not isinstance(value, float) or "e" not in repr(value) or "." in repr(value).partition("e")[0]


def _same_type(value: Any, test: Test) -> bool:
    if isinstance(test.value, bool):
        return type(value) is bool
    if isinstance(test.value, str):
        return type(value) is str
    return type(value) in (int, float)


def _non_finite(value: Any) -> bool:
    return isinstance(value, float) and not math.isfinite(value)


def _condition(field: str, op: str, value: Any) -> dict[str, Any]:
    comparison = {field: value} if op == "==" else {_DURABLE_OP[op]: {field: value}}
    return {"$and": [{"t": FACT_TYPE}, comparison]}


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


@dataclass(frozen=True)
class _Group:
    ruleset_name: str
    tests: tuple[Test, ...]
    fields: frozenset[str]


def _never_called(_closure: Any) -> None:  # pragma: no cover - actions are read by name, never run
    raise AssertionError("durable-rules actions are collected by name, never run")


class DurableBackend:
    """One compiled ruleset registered with the process-wide durable-rules host (as one or more durable-rules
    rulesets of at most `MAX_TESTS_PER_GROUP` comparisons each)."""

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
        tests = list(dict.fromkeys(t for tree in self.trees.values() for t in tests_of(tree)))
        odd = [t for t in tests if not representable(t.value)]
        if odd:
            raise EngineError(f"durable-rules cannot parse the thresholds {', '.join(repr(t.value) for t in odd)} "
                              "(exponent notation); write them in another unit")
        fields = sorted({t.field for t in tests})
        self.names: dict[str, str] = {f: f"f{i}" for i, f in enumerate(fields)}
        #: rule name → (comparison, whether the rule is the comparison itself or its negation)
        self.rule_tests: dict[str, tuple[Test, bool]] = {}
        self.groups: list[_Group] = []
        definitions: dict[str, Any] = {}
        for g in range(0, len(tests), MAX_TESTS_PER_GROUP):
            chunk = tests[g : g + MAX_TESTS_PER_GROUP]
            name = f"ts_{ruleset_key}_g{g // MAX_TESTS_PER_GROUP}"
            rules: dict[str, Any] = {CATCH_ALL: {"all": [{"m": {"t": FACT_TYPE}}], "run": _never_called}}
            for test in chunk:
                i = len(self.rule_tests) // 2
                wire_field, value = self.names[test.field], _wire(test.value)
                for holds, op in ((True, test.op), (False, _NEGATED_OP[test.op])):
                    rule_name = f"t{i}_{'y' if holds else 'n'}"
                    rules[rule_name] = {"all": [{"m": _condition(wire_field, op, value)}], "run": _never_called}
                    self.rule_tests[rule_name] = (test, holds)
            definitions[name] = rules
            self.groups.append(_Group(name, tuple(chunk), frozenset(t.field for t in chunk)))
        self.rule_count = sum(len(r) for r in definitions.values())
        self.definition_size = len(json.dumps({n: {k: v["all"] for k, v in r.items()} for n, r in definitions.items()}))
        host = _get_host()
        try:
            host.set_rulesets(definitions)
        except Exception as exc:
            raise EngineError(f"durable-rules refused the compiled ruleset {ruleset_key}: {exc}") from exc
        self._handles = {g.ruleset_name: host.get_ruleset(g.ruleset_name)._handle for g in self.groups}

    def _fired(self, group: _Group, fact: dict[str, Any]) -> list[str]:
        """Assert `fact` into a fresh session of `group` and return the names of the rules that matched.

        This drives durable-rules' C API directly instead of `Host.assert_fact`: the Python action machinery
        (a Closure, two JSON round trips and a state update per action) cost five sixths of the time, and we
        need only the names of the matched rules. The session is always deleted.
        """
        handle = self._handles[group.ruleset_name]
        fired: list[str] = []
        try:
            code, state_handle = _C.assert_fact(handle, _fact_json(fact))[:2]
            if code != 0:
                raise EngineError(f"durable-rules refused the patient fact in {group.ruleset_name} (code {code})")
            result = _C.start_action_for_state(handle, state_handle)
            message = result[1] if result else None
            while message:
                fired.append(message[2 : message.index('"', 2)])  # the message is {"<rule name>": {...}}
                message = _C.complete_and_start_action(handle, state_handle)
        except EngineError:
            raise
        except Exception as exc:
            raise EngineError(f"durable-rules failed on ruleset {group.ruleset_name}: {exc}") from exc
        finally:
            try:
                _C.delete_state(handle, fact["sid"])
            except Exception:  # noqa: S110 — never mask the original error
                pass
        return fired

    def leaf_answers(self, facts: Mapping[str, Any]) -> dict[Test, bool]:
        """What durable-rules says about every comparison whose field has a value of the right type."""
        answers: dict[Test, bool] = {}
        with _lock:
            for group in self.groups:
                fact: dict[str, Any] = {"t": FACT_TYPE, "id": "facts", "sid": str(next(_sids))}
                for field in group.fields:
                    value = facts.get(field)
                    if value is not None and not _non_finite(value):
                        fact[self.names[field]] = _wire(value)
                fired = self._fired(group, fact)
                if CATCH_ALL not in fired:
                    raise EngineError(f"durable-rules did not see the patient fact in {group.ruleset_name}")
                seen: dict[Test, bool] = {}
                for rule_name in fired:
                    if rule_name == CATCH_ALL:
                        continue
                    test, holds = self.rule_tests[rule_name]
                    if seen.setdefault(test, holds) is not holds:
                        raise EngineError(f"durable-rules matched both {test} and its negation")
                for test in group.tests:
                    value = facts.get(test.field)
                    if value is None or not _same_type(value, test) or _non_finite(value):
                        continue  # absent, of the wrong type or not a finite number: UNKNOWN, never asked
                    if test not in seen:
                        raise EngineError(f"durable-rules matched neither {test} nor its negation")
                    answers[test] = seen[test]
        return answers

    def evaluate(self, facts: Mapping[str, Any]) -> dict[str, Outcome]:
        answers = self.leaf_answers(facts)

        def leaf(test: Test) -> Outcome:
            if test in answers:
                return Outcome.MET if answers[test] else Outcome.NOT_MET
            return Outcome.REVIEW if facts.get(review_field(test.field)) else Outcome.UNKNOWN

        return {cid: evaluate(tree, leaf) for cid, tree in self.trees.items()}
