"""The durable-rules adapter. Every quirk of durable-rules 2.0.28 stays in this file.

How a ruleset compiles: every distinct comparison in the lowered trees (``platelets >= 50``, ``hbsag == true``)
becomes two durable-rules rules on one flat patient fact — one that matches when the comparison holds and one
when its negation holds. durable-rules decides each comparison; the criterion outcome is then computed from
those leaf answers with the four-valued logic of `trialscreen.logic`, by the same compiled combinators the
plain-Python evaluator runs (`python_backend.compile_node`), over the leaf answers instead of the facts ("three-
valued logic and explanations are ours, made on top"). A field that is absent is UNKNOWN (or REVIEW when the
resolver marked it so) without asking the engine.

Why comparisons and not whole criterion formulas: durable-rules refuses rules with more than 32 expressions
(error 113, ``MAX_SEQUENCE_EXPRESSIONS``), which three-leaf formulas with nested and/or already exceed, and its
alpha network overflows a fixed stack (error 303, or a crash) when a fact matches too many nodes at once.
One comparison per rule keeps every rule to two expressions and makes the node count per fact predictable.

One evaluation, per group of comparisons: the fact (only the fields that have a value of the comparisons' type)
is asserted into the group's session, the names of the matched rules are read back through the C API, and the
fact is retracted. A group with no field to send is not asked at all. Every answer is cross-checked: for each
sent field, each of its comparisons must match exactly one of its two rules, and no rule may match for a field
that was not sent — anything else raises. Where the time goes (measured with perf on NCT07212322): creating a
session costs more than the matching (durable-rules allocates and clears ~8 KB per rule for every new session),
so each group keeps ONE session and retracts the fact after reading the answers instead of creating and deleting
a session per evaluation. That is safe because nothing else is ever stored in it: a fact still stored when the
next arrives is refused (``ERR_EVENT_OBSERVED``, the fact id is always the same), and any failure deletes the
session (``delete_state``) and opens a fresh one. An evaluation that fails inside durable-rules — an exception
from the C API, a result code, an unknown rule name, a comparison matched by both or neither of its rules — is
retried once in fresh sessions; if it fails again it raises `EngineError` naming both failures. Never a guess.

Hazards handled here (see ../shared/reference/durable-rules.md and tests/engine/test_durable_hazards.py):
- absent fields: never sent; the engine only sees fields that have a value, and there is no arithmetic in the
  engine (ratios and formulas are computed beforehand, in Python, with exact decimal rounding);
- the negation gate: there are no ``$not`` patterns and no joins; one fact per group, asserted whole;
- unguarded ``$nex``: not used; every pattern starts with a type test on ``t``;
- unmatched facts (MessageNotHandledException): a fact is sent only with at least one field, and every sent
  field has comparisons, one of whose two rules must match; a fact that matches nothing comes back with a result
  code, which is a failure (retried, then `EngineError`);
- duplicate facts (MessageObservedException): the fact is retracted after every evaluation; a fact that was not
  comes back as a result code, the session is deleted and the evaluation retried in a fresh one;
- a comparison that matched neither its rule nor its negation's, or both, or a rule reported twice or for a
  field that was not sent, is a failure: the engine can never silently turn a present value into "not met";
- swallowed action exceptions: no Python action runs inside durable-rules — the adapter asks the C engine for
  the names of the matched rules (`DurableBackend._fired`), so there is nothing to swallow;
- timer threads racing the caller: a `Host` subclass that starts none;
- the ~1,020-session limit and leaked sessions: one live session per group, deleted on any failure
  (`DurableBackend.live_sessions` lists them; tests/engine/test_durable_faults.py and
  benchmarks/durable_soak.py check that no other session survives);
- a session deleted before any action ever started in it frees two uninitialised pointers (found here: "double
  free or corruption", an abort, e.g. after a fact that matched no rule): every session is primed with a fact
  of its own that one rule matches before it sees a patient fact (`_Group.new_session`);
- booleans equal to 1 and strings compared as text: each comparison's field travels under a wire name of its
  own type (number, boolean or text), a value is sent only under the wire name of its type, booleans travel as
  1.0/0.0, and a value of the wrong type is not sent (UNKNOWN), as in Python;
- ``set_rulesets`` mutating its argument and never giving memory back: definitions are built fresh, and each
  compiled ruleset is registered once per process under a versioned name and reused;
- fixed-size arrays in the C engine (found here, not in the reference notes): a fact that matches more than 64
  comparison rules fails with error 303 or aborts the process, and facts with more than 64 properties
  (MAX_OBJECT_PROPERTIES) corrupted the heap when many rules matched. Comparisons are split into groups of at
  most `MAX_TESTS_PER_GROUP`, each its own durable-rules ruleset and fact;
- numbers in exponent notation without a decimal point (``1e-05``) are refused (error 204): facts are written
  with a decimal point, thresholds that would need one are refused at compile time, and non-finite numbers are
  treated as absent (UNKNOWN), as in Python; integers a double cannot hold exactly are refused (`EngineError`)
  rather than rounded.
"""

from __future__ import annotations

import itertools
import json
import logging
import threading
from collections.abc import Callable, Mapping
from typing import Any

from trialscreen import logic
from trialscreen.engine.tree import And, AtLeast, IfThenElse, Node, Not, Or, ReviewIf, Test, review_field, tests_of
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

log = logging.getLogger(__name__)

FACT_TYPE = "$patient_facts"
FACT_ID = "facts"
#: the fact type and rule that prime a new session (see `_Group.new_session`); no patient fact ever matches it
SESSION_TYPE = "$session"
SESSION_RULE = "session"
#: Only one rule of each comparison's pair can match; durable-rules fails with error 303 (or aborts) when a fact
#: matches more than 64 comparison rules, so a group holds at most 56 comparisons.
MAX_TESTS_PER_GROUP = 56
_DURABLE_OP = {">=": "$gte", ">": "$gt", "<=": "$lte", "<": "$lt", "!=": "$neq"}
_NEGATED_OP = {">=": "<", ">": "<=", "<=": ">", "<": ">=", "==": "!=", "!=": "=="}
NUMBER, BOOLEAN, TEXT = "number", "boolean", "text"
#: result codes `assert_fact` returns instead of raising (ERR_EVENT_NOT_HANDLED, ERR_EVENT_OBSERVED in rules.h)
_ASSERT_CODES = {1: "matched neither rule of any comparison of the patient fact",
                 2: "still held the previous patient fact (it was not retracted)"}


def kind_of(threshold: Any) -> str:
    """The type of value a comparison with `threshold` accepts (a boolean is not a number)."""
    if isinstance(threshold, bool):
        return BOOLEAN
    if isinstance(threshold, str):
        return TEXT
    return NUMBER


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
    if "e" in text:
        mantissa, _, exponent = text.partition("e")
        if "." not in mantissa:
            return f"{mantissa}.0e{exponent}"
    return text


def wire_text(kind: str, value: Any, field: str) -> str | None:
    """The JSON text of a fact value for comparisons of `kind`, or None when it has no value of that kind (wrong
    type, NaN or infinite): such a comparison is UNKNOWN, as in the Python evaluator, and is never asked."""
    t = type(value)
    if kind == NUMBER:
        if t is float:
            if value - value != 0.0:  # NaN or ±inf
                return None
            return _number_text(value)
        if t is int:
            try:
                number = float(value)
            except OverflowError:
                number = None
            if number is None or number != value:  # a double would round it: refuse rather than answer wrongly
                raise EngineError(f"fact {field} = {value} cannot be compared exactly by durable-rules (its numbers "
                                  "are doubles); use --backend python")
            return _number_text(number)
        return None
    if kind == BOOLEAN:
        return ("1.0" if value else "0.0") if t is bool else None
    return json.dumps(value, ensure_ascii=False) if t is str else None


def representable(value: Any) -> bool:
    """Whether a threshold survives durable-rules' own JSON encoding of the ruleset (no bare exponents)."""
    return not isinstance(value, float) or "e" not in repr(value) or "." in repr(value).partition("e")[0]


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


class _Fault(Exception):
    """durable-rules failed or answered inconsistently inside one evaluation (the evaluation is retried once)."""


class _Slot:
    """One field as one type of value, sent under its own wire name (``"f3":``)."""

    __slots__ = ("field", "kind", "key", "count")

    def __init__(self, field: str, kind: str, wire_name: str, count: int) -> None:
        self.field, self.kind, self.count = field, kind, count
        self.key = f',"{wire_name}":'


class _Group:
    """At most `MAX_TESTS_PER_GROUP` comparisons: one durable-rules ruleset, one fact and one live session."""

    def __init__(self, ruleset_name: str, tests: tuple[Test, ...], slots: tuple[_Slot, ...],
                 rules: dict[str, tuple[int, bool, int]]) -> None:
        self.ruleset_name = ruleset_name
        self.tests = tests
        self.fields = frozenset(t.field for t in tests)
        self.slots = slots
        #: rule name → (comparison number in the backend, whether it is the comparison or its negation, slot)
        self.rules = rules
        self.rule_count = len(rules) + 1  # and the session rule
        self.handle: int = -1
        self.sid = self.head = self.retraction = self.prime_fact = self.prime_retraction = ""
        self.primed = self.deletable = False
        self.new_session()

    def new_session(self) -> None:
        """Use a fresh session id from now on. durable-rules creates a session when a fact first arrives and
        leaves two pointers of it (the buffers of the action being run) uninitialised until an action starts:
        deleting it before then frees garbage (found here: "double free or corruption", an abort). So a new
        session is primed with a session fact that only the session rule matches, and is deleted only once an
        action has started in it (`deletable`); one that never got there is abandoned instead (logged)."""
        self.sid = f"s{next(_sids)}"
        self.head = f'{{"t":"{FACT_TYPE}","id":"{FACT_ID}","sid":"{self.sid}"'
        self.retraction = f'{{"t":"{FACT_TYPE}","id":"{FACT_ID}","sid":"{self.sid}"}}'
        self.prime_fact = self.prime_retraction = f'{{"t":"{SESSION_TYPE}","id":"session","sid":"{self.sid}"}}'
        self.primed = self.deletable = False


def _round_trip(group: _Group, fact: str, retraction: str, what: str) -> list[str]:
    """Assert `fact` into the group's session, read the names of the matched rules, retract it (`_Fault` on
    any failure)."""
    handle = group.handle
    try:
        code, state = _C.assert_fact(handle, fact)[:2]
        if code != 0:
            why = _ASSERT_CODES.get(code, "refused the fact")
            raise _Fault(f"durable-rules {why} ({what}, {group.ruleset_name}, code {code})")
        fired: list[str] = []
        result = _C.start_action_for_state(handle, state)
        message = result[1] if result else None
        if message:
            group.deletable = True  # the session's action buffers now hold real pointers (see _Group)
        while message:
            fired.append(message[2 : message.index('"', 2)])  # the message is {"<rule name>": {...}}
            if len(fired) > group.rule_count:  # each rule matches a fact once at most: never loop forever
                raise _Fault(f"durable-rules reported more actions than {group.ruleset_name} has rules")
            message = _C.complete_and_start_action(handle, state)
        code = _C.retract_fact(handle, retraction)[0]
        if code != 0:
            raise _Fault(f"durable-rules could not retract the {what} in {group.ruleset_name} (code {code})")
    except _Fault:
        raise
    except Exception as exc:
        raise _Fault(f"durable-rules failed on the {what} in {group.ruleset_name}: {type(exc).__name__}: {exc}") from exc
    return fired


def _session_exists(group: _Group) -> bool:
    try:
        _C.get_state(group.handle, group.sid)
    except Exception as exc:
        return "error code: 309" not in str(exc)  # ERR_SID_NOT_FOUND; anything else: assume it exists
    return True


def _never_called(_closure: Any) -> None:  # pragma: no cover - actions are read by name, never run
    raise AssertionError("durable-rules actions are collected by name, never run")


_T, _F, _U, _R = Outcome.MET, Outcome.NOT_MET, Outcome.UNKNOWN, Outcome.REVIEW


def compile_on_leaves(node: Node, index_of: Mapping[Test, int]) -> Callable[[list[Outcome]], Outcome]:
    """A closure computing ``tree.evaluate(node, leaf)`` from the list of leaf outcomes (comparison i's outcome at
    ``index_of[test]``). The same combinators and short cuts as `python_backend.compile_node`, whose leaves read
    facts where these read durable-rules' answers; tests/engine checks both against `trialscreen.logic` directly."""
    if isinstance(node, Test):
        i = index_of[node]
        return lambda leaves: leaves[i]
    if isinstance(node, (And, Or)):
        parts = [compile_on_leaves(c, index_of) for c in node.children]
        stop, combine = (_F, logic.all_of) if isinstance(node, And) else (_T, logic.any_of)

        def junction(leaves: list[Outcome]) -> Outcome:
            seen = []
            for part in parts:
                value = part(leaves)
                if value is stop:
                    return stop
                seen.append(value)
            return combine(seen)

        return junction
    if isinstance(node, Not):
        inner = compile_on_leaves(node.child, index_of)
        return lambda leaves: logic.negate(inner(leaves))
    if isinstance(node, ReviewIf):
        inner = compile_on_leaves(node.child, index_of)
        return lambda leaves: logic.review_if(inner(leaves))
    if isinstance(node, AtLeast):
        parts, count = [compile_on_leaves(c, index_of) for c in node.children], node.count
        return lambda leaves: logic.at_least(count, [p(leaves) for p in parts])
    if isinstance(node, IfThenElse):
        test, then, otherwise = (compile_on_leaves(c, index_of) for c in (node.test, node.then, node.otherwise))
        return lambda leaves: logic.if_then_else(test(leaves), then(leaves), otherwise(leaves))
    raise TypeError(f"not a node: {node!r}")


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
        self.tests: list[Test] = list(dict.fromkeys(t for tree in self.trees.values() for t in tests_of(tree)))
        odd = [t for t in self.tests if not representable(t.value)]
        if odd:
            raise EngineError(f"durable-rules cannot parse the thresholds {', '.join(repr(t.value) for t in odd)} "
                              "(exponent notation); write them in another unit")
        slot_keys = sorted({(t.field, kind_of(t.value)) for t in self.tests})
        #: (field, type of value) → the property name it travels under
        self.wire_names: dict[tuple[str, str], str] = {k: f"f{i}" for i, k in enumerate(slot_keys)}
        #: rule name → (comparison, whether the rule is the comparison itself or its negation)
        self.rule_tests: dict[str, tuple[Test, bool]] = {}
        self.groups: list[_Group] = []
        definitions: dict[str, Any] = {}
        for g in range(0, len(self.tests), MAX_TESTS_PER_GROUP):
            chunk = self.tests[g : g + MAX_TESTS_PER_GROUP]
            name = f"ts_{ruleset_key}_g{g // MAX_TESTS_PER_GROUP}"
            slot_of = {k: n for n, k in enumerate(dict.fromkeys((t.field, kind_of(t.value)) for t in chunk))}
            counts = [0] * len(slot_of)
            rules: dict[str, Any] = {SESSION_RULE: {"all": [{"m": {"t": SESSION_TYPE}}], "run": _never_called}}
            index: dict[str, tuple[int, bool, int]] = {}
            for i, test in enumerate(chunk, start=g):
                slot = slot_of[(test.field, kind_of(test.value))]
                counts[slot] += 1
                wire_field, value = self.wire_names[(test.field, kind_of(test.value))], _wire(test.value)
                for holds, op in ((True, test.op), (False, _NEGATED_OP[test.op])):
                    rule_name = f"t{i}_{'y' if holds else 'n'}"
                    rules[rule_name] = {"all": [{"m": _condition(wire_field, op, value)}], "run": _never_called}
                    self.rule_tests[rule_name] = (test, holds)
                    index[rule_name] = (i, holds, slot)
            slots = tuple(_Slot(f, k, self.wire_names[(f, k)], counts[n]) for (f, k), n in slot_of.items())
            definitions[name] = rules
            self.groups.append(_Group(name, tuple(chunk), slots, index))
        self.rule_count = sum(len(r) for r in definitions.values())
        self.definition_size = len(json.dumps({n: {k: v["all"] for k, v in r.items()} for n, r in definitions.items()}))
        #: evaluations that failed inside durable-rules once and were answered by the retry
        self.retries = 0
        #: (durable ruleset, session id) of sessions that failed and could not be deleted (none, so far)
        self.abandoned_sessions: list[tuple[str, str]] = []

        index_of = {t: i for i, t in enumerate(self.tests)}
        markers: dict[str, list[int]] = {}
        for i, test in enumerate(self.tests):
            markers.setdefault(review_field(test.field), []).append(i)
        #: review marker → the comparisons on its field (REVIEW instead of UNKNOWN when they have no answer)
        self._review_markers = list(markers.items())
        self._criteria = [(cid, compile_on_leaves(tree, index_of)) for cid, tree in self.trees.items()]

        host = _get_host()
        try:
            host.set_rulesets(definitions)
        except Exception as exc:
            raise EngineError(f"durable-rules refused the compiled ruleset {ruleset_key}: {exc}") from exc
        for group in self.groups:
            group.handle = host.get_ruleset(group.ruleset_name)._handle

    # -- one evaluation ------------------------------------------------------------------------------------------

    def _encode(self, facts: Mapping[str, Any]) -> list[tuple[_Group, str, list[bool], int]]:
        """Per group with something to ask: (group, fact fields as JSON text, which slots were sent, how many
        comparisons must be answered)."""
        work = []
        for group in self.groups:
            parts: list[str] = []
            sent = [False] * len(group.slots)
            expected = 0
            for n, slot in enumerate(group.slots):
                value = facts.get(slot.field)
                if value is None:
                    continue
                text = wire_text(slot.kind, value, slot.field)
                if text is None:
                    continue
                parts.append(slot.key)
                parts.append(text)
                sent[n] = True
                expected += slot.count
            if parts:
                work.append((group, "".join(parts), sent, expected))
        return work

    def _fired(self, group: _Group, fields: str) -> list[str]:
        """Assert the fact with `fields` (JSON text, each preceded by a comma) into the group's session, return
        the names of the rules that matched, and retract it.

        This drives durable-rules' C API directly instead of `Host.assert_fact`: the Python action machinery
        (a Closure, two JSON round trips and a state update per action) cost five sixths of the time, and we
        need only the names of the matched rules. Raises `_Fault` on any failure; the caller deletes the session.
        """
        if not group.primed:
            names = _round_trip(group, group.prime_fact, group.prime_retraction, "session fact")
            if names != [SESSION_RULE]:
                raise _Fault(f"durable-rules answered {names} to the session fact of {group.ruleset_name}")
            group.primed = True
        return _round_trip(group, group.head + fields + "}", group.retraction, "patient fact")

    def _ask(self, work: list[tuple[_Group, str, list[bool], int]]) -> list[bool | None]:
        """Every comparison's answer (None: not asked), cross-checked; raises `_Fault` with the failing group's
        session already deleted."""
        answers: list[bool | None] = [None] * len(self.tests)
        for group, fields, sent, expected in work:
            done = False
            try:
                rules = group.rules
                count = 0
                for rule_name in self._fired(group, fields):
                    entry = rules.get(rule_name)
                    if entry is None:
                        raise _Fault(f"durable-rules reported a rule {rule_name!r} that {group.ruleset_name} "
                                     "does not have")
                    i, holds, slot = entry
                    if answers[i] is not None:
                        if answers[i] is holds:
                            raise _Fault(f"durable-rules reported {self.tests[i]} twice")
                        raise _Fault(f"durable-rules matched both {self.tests[i]} and its negation")
                    if not sent[slot]:
                        raise _Fault(f"durable-rules matched {self.tests[i]} although its field was not sent")
                    answers[i] = holds
                    count += 1
                if count != expected:
                    missing = next(i for i, holds, slot in rules.values() if sent[slot] and answers[i] is None)
                    raise _Fault(f"durable-rules matched neither {self.tests[missing]} nor its negation")
                done = True
            finally:
                if not done:
                    self._discard(group)
        return answers

    def _discard(self, group: _Group) -> None:
        """Delete the group's session (whatever it holds) and open a fresh one for the next evaluation."""
        if not group.deletable:  # never primed: deleting it could corrupt the heap (see `_Group.new_session`)
            if _session_exists(group):
                self.abandoned_sessions.append((group.ruleset_name, group.sid))
                log.warning("durable-rules session %s of %s failed before it could be safely deleted; abandoned",
                            group.sid, group.ruleset_name)
        else:
            try:
                _C.delete_state(group.handle, group.sid)
            except Exception as exc:
                self.abandoned_sessions.append((group.ruleset_name, group.sid))
                log.warning("durable-rules could not delete session %s of %s: %s", group.sid, group.ruleset_name,
                            exc)
        group.new_session()

    def _answers(self, facts: Mapping[str, Any]) -> list[bool | None]:
        work = self._encode(facts)
        with _lock:
            try:
                return self._ask(work)
            except _Fault as first:
                log.warning("durable-rules failed (%s); the session was deleted and the evaluation is retried", first)
                try:
                    answers = self._ask(work)
                except _Fault as second:
                    raise EngineError(f"durable-rules failed twice on one evaluation, no verdict given: {first}; "
                                      f"on retry in a fresh session: {second}") from second
                self.retries += 1
                return answers

    def leaf_answers(self, facts: Mapping[str, Any]) -> dict[Test, bool]:
        """What durable-rules says about every comparison whose field has a value of the right type."""
        return {t: a for t, a in zip(self.tests, self._answers(facts)) if a is not None}

    def evaluate(self, facts: Mapping[str, Any]) -> dict[str, Outcome]:
        answers = self._answers(facts)
        leaves = [_U if a is None else _T if a else _F for a in answers]
        for marker, indices in self._review_markers:
            if facts.get(marker):
                for i in indices:
                    if answers[i] is None:
                        leaves[i] = _R
        return {cid: criterion(leaves) for cid, criterion in self._criteria}

    def live_sessions(self) -> list[tuple[str, str]]:
        """(durable ruleset, session id) of every session this backend may hold open: one per group."""
        return [(g.ruleset_name, g.sid) for g in self.groups]
