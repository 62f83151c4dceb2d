"""Compile a ruleset against the loaded plugins: check every reference (facts, tests, categories, drug classes,
predicates, cohorts), convert thresholds to the fact's unit, and lower each criterion's condition to the flat
tree both evaluators run. Errors name the ruleset file, the criterion id and the problem."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from trialscreen.engine import tree as t
from trialscreen.errors import RulesetError
from trialscreen.facts.resolve import OBSERVATION_PREFIXES, Leaf
from trialscreen.plugins.manager import PluginManager
from trialscreen.plugins.types import ObservationTest, QualitativeTest
from trialscreen.rules import model as m
from trialscreen.units import UnitError, canonical_value

_SYMBOL = {">=": "≥", ">": ">", "<=": "≤", "<": "<", "==": "=", "!=": "≠"}


@dataclass(frozen=True)
class LeafInfo:
    key: str
    leaf: Leaf
    label: str


@dataclass(frozen=True)
class CompiledCriterion:
    criterion: m.Criterion
    tree: t.Node
    leaf_keys: tuple[str, ...]
    thresholds: tuple[str, ...]


@dataclass(frozen=True)
class Scope:
    """The criteria that apply to one cohort (or to a patient in no cohort: the unscoped ones), the leaves they
    read, and the key their evaluator is registered under. Only these are resolved and evaluated."""

    key: str
    criteria: tuple[str, ...]
    trees: dict[str, t.Node]
    leaf_keys: tuple[str, ...]


@dataclass
class CompiledRuleset:
    ruleset: m.Ruleset
    sha256: str
    source: str
    criteria: dict[str, CompiledCriterion]
    leaves: dict[str, LeafInfo] = field(default_factory=dict)
    field_types: dict[str, type] = field(default_factory=dict)
    _scopes: dict[str | None, Scope] = field(default_factory=dict, repr=False, compare=False)

    @property
    def trees(self) -> dict[str, t.Node]:
        return {cid: c.tree for cid, c in self.criteria.items()}

    def scope(self, cohort_id: str | None) -> Scope:
        """The criteria applying to cohort `cohort_id` (None: a patient in no cohort), built once."""
        if cohort_id not in self._scopes:
            ids = tuple(cid for cid, cc in self.criteria.items() if applies(cc.criterion, cohort_id))
            leaf_keys = tuple(dict.fromkeys(k for cid in ids for k in self.criteria[cid].leaf_keys))
            suffix = "".join(ch if ch.isalnum() else "_" for ch in cohort_id) if cohort_id else "none"
            self._scopes[cohort_id] = Scope(f"{self.key}_{suffix}", ids,
                                            {cid: self.criteria[cid].tree for cid in ids}, leaf_keys)
        return self._scopes[cohort_id]

    @property
    def key(self) -> str:
        """Names this compilation in the durable-rules host (id + content hash)."""
        safe = "".join(ch if ch.isalnum() else "_" for ch in self.ruleset.id)
        return f"{safe}_{self.sha256[:12]}"


class _Compiler:
    def __init__(self, ruleset: m.Ruleset, plugins: PluginManager, source: str) -> None:
        self.ruleset = ruleset
        self.plugins = plugins
        self.source = source
        self.leaves: dict[str, LeafInfo] = {}
        self.field_types: dict[str, type] = {}
        self.problems: list[str] = []
        self.criterion_id = ""
        self.thresholds: list[str] = []
        self.keys: list[str] = []

    def fail(self, message: str) -> None:
        self.problems.append(f"criterion {self.criterion_id!r}: {message}")

    def run(self) -> dict[str, CompiledCriterion]:
        indications = self.plugins.indications
        for cohort in self.ruleset.cohorts:
            if cohort.indication not in indications:
                self.problems.append(f"cohort {cohort.id!r}: unknown indication {cohort.indication!r}")
        out: dict[str, CompiledCriterion] = {}
        for crit in self.ruleset.criteria:
            self.criterion_id, self.thresholds, self.keys = crit.id, [], []
            node = self.lower(crit.condition)
            out[crit.id] = CompiledCriterion(crit, node, tuple(dict.fromkeys(self.keys)), tuple(dict.fromkeys(self.thresholds)))
        return out

    # -- lowering --------------------------------------------------------------------------------------------
    def lower(self, cond: Any) -> t.Node:
        if isinstance(cond, m.All):
            return t.And(tuple(self.lower(c) for c in cond.all))
        if isinstance(cond, m.Any_):
            return t.Or(tuple(self.lower(c) for c in cond.any))
        if isinstance(cond, m.Not):
            return t.Not(self.lower(cond.not_))
        if isinstance(cond, m.AtLeast):
            return t.AtLeast(cond.at_least.count, tuple(self.lower(c) for c in cond.at_least.of))
        if isinstance(cond, m.IfThenElse):
            return t.IfThenElse(self.lower(cond.if_), self.lower(cond.then), self.lower(cond.else_))
        if isinstance(cond, m.ReviewIf):
            return t.ReviewIf(self.lower(cond.review_if))
        if isinstance(cond, m.Compare):
            return self.compare(cond)
        return self.boolean_leaf(cond)

    def _register(self, key: str, leaf: Leaf, label: str, kind: type) -> str:
        if key not in self.leaves:
            self.leaves[key] = LeafInfo(key, leaf, label)
        previous = self.field_types.setdefault(key, kind)
        if previous is not kind:
            self.fail(f"{label} is compared both as {previous.__name__} and as {kind.__name__}")
        self.keys.append(key)
        return key

    def compare(self, leaf: m.Compare) -> t.Node:
        default = self.ruleset.observation_window
        if default is not None and leaf.within is None and leaf.fact.partition(".")[0] in OBSERVATION_PREFIXES:
            leaf = leaf.model_copy(update={"within": default})
        fact_unit, label, conversions = self.fact_info(leaf)
        value: Any = leaf.value
        if isinstance(value, bool) or isinstance(value, str):
            if leaf.unit is not None:
                self.fail(f"{label}: a unit makes no sense with the value {value!r}")
            if isinstance(value, str) and leaf.op not in ("==", "!="):
                self.fail(f"{label}: text can only be compared with == or !=")
            kind: type = type(value)
        else:
            kind = float
            value = float(value)
            if fact_unit is not None and fact_unit != "dimensionless":
                if leaf.unit is None:
                    self.fail(f"{label}: the threshold {leaf.value} needs a unit ({fact_unit})")
                elif _same_unit(leaf.unit, fact_unit):
                    pass
                else:
                    try:
                        value = canonical_value(value, leaf.unit, fact_unit, conversions=conversions)
                    except UnitError as exc:
                        self.fail(f"{label}: {exc}")
            elif leaf.unit is not None and not _same_unit(leaf.unit, fact_unit or "dimensionless") \
                    and leaf.unit.strip().lower() not in _UNITLESS:
                # A unit on a count or score would otherwise be ignored: a typo or a wrong fact, never silent.
                self.fail(f"{label} has no unit (a count, score or ratio); the unit {leaf.unit!r} makes no sense here")
        key = json.dumps({"fact": leaf.fact, "within": leaf.within.model_dump(exclude_none=True) if leaf.within else None,
                          "params": leaf.params}, sort_keys=True, default=str)
        self._register(key, leaf, label, kind)
        shown_unit = f" {leaf.unit}" if leaf.unit else ""
        window = f" (latest within {leaf.within.describe()})" if leaf.within else ""
        self.thresholds.append(f"{label} {_SYMBOL[leaf.op]} {leaf.value}{shown_unit}{window}")
        return t.Test(key, leaf.op, value)

    def fact_info(self, leaf: m.Compare) -> tuple[str | None, str, dict[str, float] | None]:
        head, _, rest = leaf.fact.partition(".")
        if head in OBSERVATION_PREFIXES:
            test_id, _, derived = rest.partition(".")
            test = self.plugins.observation_tests.get(test_id)
            if not isinstance(test, ObservationTest):
                self.fail(f"unknown observation test {test_id!r} in fact {leaf.fact!r}")
                return None, leaf.fact, None
            if derived == "x_uln":
                return "xULN", f"{test.name} (× ULN)", None
            if derived == "x_lln":
                return "xLLN", f"{test.name} (× LLN)", None
            if derived:
                self.fail(f"unknown derived observation {derived!r} in {leaf.fact!r} (use x_uln or x_lln)")
            return test.unit, test.name, test.unit_conversions()
        if head == "patient":
            from trialscreen.model.patient import Patient

            node: Any = Patient
            for part in rest.split("."):
                fields = getattr(node, "model_fields", {})
                if part not in fields:
                    self.fail(f"unknown patient field {rest!r}")
                    return None, leaf.fact, None
                annotation = fields[part].annotation
                node = next((a for a in getattr(annotation, "__args__", (annotation,)) if hasattr(a, "model_fields")), annotation)
            return None, f"patient {rest.replace('_', ' ')}", None
        spec = self.plugins.values.get(leaf.fact)
        if spec is None:
            self.fail(f"unknown value {leaf.fact!r} (no loaded plugin provides it)")
            return None, leaf.fact, None
        self.check_params(leaf.fact, spec.parameters, leaf.params)
        return spec.unit, spec.name, None

    def check_params(self, vid: str, defaults: dict[str, Any], given: dict[str, Any]) -> None:
        """Parameter names must be known and each value of its default's JSON type; by convention ``classes``,
        ``names`` and any ``*within`` window are checked against the drug catalogue and the window model, so a
        typo cannot silently match nothing, and a wrong type fails here, not at evaluation."""
        unknown = sorted(set(given) - set(defaults))
        if unknown:
            self.fail(f"{vid}: unknown parameter(s) {', '.join(unknown)} (known: {', '.join(sorted(defaults)) or 'none'})")
        for name, value in given.items():
            if name in defaults and not name.endswith("within"):
                problem = _param_type_problem(defaults[name], value)
                if problem:
                    self.fail(f"{vid}: parameter {name!r} {problem}")
        for cls in given.get("classes") or []:
            if cls not in self.plugins.drug_classes:
                self.fail(f"{vid}: unknown drug class {cls!r}")
        if given.get("names"):
            from trialscreen.facts.record import _drug_key, drug_index

            index = drug_index(self.plugins.drugs)
            for name in given["names"]:
                if _drug_key(name) not in index:
                    self.fail(f"{vid}: drug {name!r} is not in the drug catalogue")
        for name in sorted(n for n in given if n.endswith("within") and given[n] is not None):
            try:
                m.Window.model_validate(given[name])
            except ValueError as exc:
                self.fail(f"{vid}: bad {name!r} window: {exc}")

    def boolean_leaf(self, leaf: Any) -> t.Node:
        label = self.describe(leaf)
        key = json.dumps(leaf.model_dump(mode="json", by_alias=True, exclude_none=True), sort_keys=True)
        self._register(key, leaf, label, bool)
        return t.Test(key, "==", True)

    def describe(self, leaf: Any) -> str:
        p = self.plugins
        if isinstance(leaf, m.EventLeaf):
            q = leaf.event
            cat = p.history_categories.get(q.category)
            if cat is None:
                self.fail(f"unknown history category {q.category!r}")
                return q.category
            codes = f" ({', '.join(q.codes)})" if q.codes else ""
            return f"history of {cat.label}{codes}{_within(q.within)}"
        if isinstance(leaf, m.DrugLeaf):
            q = leaf.drug
            for cls in q.classes or []:
                if cls not in p.drug_classes:
                    self.fail(f"unknown drug class {cls!r}")
            for name in q.names or []:
                from trialscreen.facts.record import _drug_key, drug_index

                if _drug_key(name) not in drug_index(p.drugs):
                    self.fail(f"drug {name!r} is not in the drug catalogue")
            what = ", ".join([*(q.names or []), *(c.replace("_", " ") for c in (q.classes or []))])
            outcome = f" with outcome {'/'.join(q.outcomes)}" if q.outcomes else ""
            return f"exposure to {what}{outcome}{_within(q.within)}"
        if isinstance(leaf, m.SerologyLeaf):
            test = p.observation_tests.get(leaf.serology.test)
            if not isinstance(test, QualitativeTest):
                self.fail(f"unknown qualitative test {leaf.serology.test!r}")
                return leaf.serology.test
            return f"{test.name} {'/'.join(leaf.serology.results)}{_within(leaf.serology.within)}"
        if isinstance(leaf, m.DiagnosisLeaf):
            for code in [*(leaf.diagnosis.indications or []), *(leaf.diagnosis.exclude_indications or [])]:
                if code not in p.indications:
                    self.fail(f"unknown indication {code!r}")
            return "diagnosis " + json.dumps(leaf.diagnosis.model_dump(exclude_none=True))
        if isinstance(leaf, m.PredicateLeaf):
            spec = p.predicates.get(leaf.predicate.id)
            if spec is None:
                self.fail(f"unknown predicate {leaf.predicate.id!r} (no loaded plugin provides it)")
                return leaf.predicate.id
            self.check_params(leaf.predicate.id, spec.parameters, leaf.predicate.params)
            return spec.name
        if isinstance(leaf, m.JudgementLeaf):
            return f"investigator judgement: {leaf.judgement}"
        if isinstance(leaf, m.ReviewLeaf):
            return f"investigator review: {leaf.review}"
        raise TypeError(leaf)


def applies(criterion: m.Criterion, cohort_id: str | None) -> bool:
    """Whether `criterion` applies to a patient screened for cohort `cohort_id` (None: no cohort fits)."""
    scope = criterion.cohorts
    if scope is None:
        return True
    if cohort_id is None:
        return False
    if scope.only is not None:
        return cohort_id in scope.only
    return cohort_id not in (scope.except_ or [])


def _within(window: m.Window | None) -> str:
    return f" within {window.describe()} before screening" if window else ""


#: Units a ruleset may write on a threshold of a unitless fact (a score, a count, a ratio): they change nothing.
_UNITLESS = {"dimensionless", "ratio", "points", "point", "score", "count", "1", ""}


def _same_unit(a: str, b: str) -> bool:
    norm = lambda s: s.replace(" ", "").replace("×", "x").replace("µ", "u").lower()  # noqa: E731
    return norm(a) == norm(b)


def compile_ruleset(ruleset: m.Ruleset, plugins: PluginManager, *, sha256: str, source: str) -> CompiledRuleset:
    compiler = _Compiler(ruleset, plugins, source)
    criteria = compiler.run()
    if compiler.problems:
        raise RulesetError("the ruleset refers to things the loaded plugins do not provide", source=source,
                           problems=compiler.problems)
    return CompiledRuleset(ruleset, sha256, source, criteria, compiler.leaves, compiler.field_types)


def _json_kind(value: Any) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, (list, tuple)):
        return "list"
    if isinstance(value, dict):
        return "mapping"
    return "null" if value is None else type(value).__name__


def _param_type_problem(default: Any, value: Any) -> str | None:
    """Why `value` cannot stand in for a plugin parameter whose default is `default` (None if it can). A default
    of None accepts anything; null is accepted for any parameter (plugins use it for "no limit", e.g.
    ``other_min_months: null``; one that cannot take it fails at evaluation, and its criteria are unknown); a
    list's items must match the default's first item."""
    if default is None or value is None:
        return None
    want, got = _json_kind(default), _json_kind(value)
    if want != got:
        return f"must be {want} like its default {default!r}, not {got} {value!r:.40}"
    if want == "number" and default >= 0 and value < 0:
        return f"must not be negative (a count, duration or threshold like its default {default!r}), not {value!r}"
    if want == "list" and default:
        for item in value:
            if _json_kind(item) != _json_kind(default[0]):
                return f"must be a list of {_json_kind(default[0])} like its default {default!r}, not {value!r:.40}"
    return None
