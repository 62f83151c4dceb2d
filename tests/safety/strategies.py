"""Generated patients for the soundness and agreement tests, built from the patient model and the seed rulesets.

A generated patient is a realistic record (an example patient or a ruleset's inline test patient, chosen by
indication so all 8 indications come up) changed by a few *mutations* drawn from what the rulesets ask about:

- observations on, just below and just above every threshold the compiled rulesets compare with (raw values,
  × ULN ratios, age in completed years, Cockcroft-Gault clearance), dated on and around every window edge;
- qualitative results (including ``indeterminate``), medications from the drug catalogue with dates around every
  wash-out window, outcomes and doses, drugs the catalogue does not know, incomplete medication lists;
- history events in every category the rulesets query (with and without codes, dates, severity, control),
  unreviewed and partly reviewed history; diagnoses, conditions and target indications across all 8
  indications; reproductive status, consent, investigator decisions and concerns; assessment items flipped,
  left unassessed or re-dated; missing sections.

A *reduction* removes one fact (all results of a test, a reference range, a medication, a history event, a date,
a diagnosis detail, an assessment item, a whole section), so that the reduced record knows strictly less. Where
the record model gives absence a meaning, the reduction also withdraws the matching completeness claim (a
medication removed from a list marked complete makes the list incomplete; an event removed from a reviewed
category un-reviews it). Deliberately not reduced, because their absence *means* something in the model:
investigator decisions and concerns (silence is "nothing flagged" for most topics), the target indication (a
request, not a fact), one result of a test while older ones remain (the older one becomes the latest), an event's
``end_date``/``ongoing`` and a medication's ``ongoing`` (without them an event is one-time).

Every choice goes through a `Chooser`: `HypothesisChooser` for the CI tests (hypothesis shrinks failures to a
minimal mutation list), `RandomChooser` over a seeded `random.Random` for the full-size runs in tests/stress/.
"""

from __future__ import annotations

import copy
import dataclasses
import random
import typing
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol, TypeVar

from hypothesis import strategies as st

from trialscreen.api import compiled_ruleset
from trialscreen.engine import tree as t
from trialscreen.engine.compile import CompiledRuleset
from trialscreen.io.files import parse_document, read_text
from trialscreen.model.patient import Patient
from trialscreen.plugins.manager import PluginManager, default_manager
from trialscreen.plugins.types import ObservationTest, QualitativeTest
from trialscreen.rules import model as m
from trialscreen.rules.loader import find_ruleset, installed_rulesets
from trialscreen.rules.testing import case_patients

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples" / "patients"

T = TypeVar("T")
Patient_ = dict[str, Any]


# -- choices ---------------------------------------------------------------------------------------------------


class Chooser(Protocol):
    def pick(self, options: Sequence[T]) -> T: ...
    def chance(self, percent: int) -> bool: ...
    def integer(self, low: int, high: int) -> int: ...


class RandomChooser:
    """Choices from a seeded `random.Random` (full-size runs: fast, reproducible from the seed)."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def pick(self, options: Sequence[T]) -> T:
        return options[self.rng.randrange(len(options))]

    def chance(self, percent: int) -> bool:
        return self.rng.randrange(100) < percent

    def integer(self, low: int, high: int) -> int:
        return self.rng.randint(low, high)


class HypothesisChooser:
    """Choices drawn by hypothesis (CI runs: failures shrink towards the first option and "no")."""

    def __init__(self, draw: Callable[[st.SearchStrategy[Any]], Any]) -> None:
        self.draw = draw

    def pick(self, options: Sequence[T]) -> T:
        return self.draw(st.sampled_from(list(options)))

    def chance(self, percent: int) -> bool:
        return self.draw(st.integers(0, 99)) >= 100 - percent

    def integer(self, low: int, high: int) -> int:
        return self.draw(st.integers(low, high))


# -- what the rulesets ask about ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Base:
    origin: str  # "example <file>" or "<ruleset> case '<name>'"
    ruleset: str | None  # the ruleset it was written for
    indication: str | None
    verdict: str | None  # the verdict its author expects, when stated
    patient: Patient_


@dataclass
class Vocabulary:
    """Thresholds, windows, tests, drugs, categories, topics and base records, collected once per process."""

    ruleset_ids: list[str]
    #: observation test id -> thresholds in its canonical unit (from every compiled ruleset)
    raw_thresholds: dict[str, set[float]] = field(default_factory=dict)
    #: observation test id -> thresholds as multiples of its upper / lower limit of normal
    uln_thresholds: dict[str, set[float]] = field(default_factory=dict)
    lln_thresholds: dict[str, set[float]] = field(default_factory=dict)
    #: derived value id (core.age_years, core.crcl_cockcroft_gault, ...) -> thresholds
    value_thresholds: dict[str, set[float]] = field(default_factory=dict)
    #: every time window any ruleset uses (leaf windows, predicate parameters, the default observation window)
    windows: set[m.Window] = field(default_factory=set)
    numeric_tests: dict[str, ObservationTest] = field(default_factory=dict)
    qualitative_tests: list[str] = field(default_factory=list)
    #: serology tests the rulesets query directly (drawn more often)
    queried_serologies: list[str] = field(default_factory=list)
    #: test id -> observations seen in the base records (realistic values, units and reference ranges)
    seen_observations: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    #: catalogue drug names whose classes or names a ruleset asks about, and every other catalogue name
    queried_drugs: list[str] = field(default_factory=list)
    other_drugs: list[str] = field(default_factory=list)
    seen_drug_spellings: list[str] = field(default_factory=list)
    glucocorticoids: list[str] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    queried_categories: list[str] = field(default_factory=list)
    codes: dict[str, list[str]] = field(default_factory=dict)
    judgement_topics: list[str] = field(default_factory=list)
    indications: list[str] = field(default_factory=list)
    conditions: dict[str, list[str]] = field(default_factory=dict)
    classifications: list[str] = field(default_factory=list)
    score_thresholds: set[float] = field(default_factory=set)
    #: example patients and every ruleset's inline test patients
    bases: list[Base] = field(default_factory=list)
    bases_by_indication: dict[str | None, list[int]] = field(default_factory=dict)
    #: ruleset id -> its bases (its inline cases and its example patients), and those expected eligible
    bases_by_ruleset: dict[str, list[int]] = field(default_factory=dict)
    eligible_bases_by_ruleset: dict[str, list[int]] = field(default_factory=dict)


UNKNOWN_DRUGS = ["omeprazole", "calcium carbonate", "vitamin D3", "enalapril", "warfarin", "herbal preparation"]
RESULTS = ["positive", "negative", "detectable", "undetectable", "indeterminate"]
OUTCOMES = ["response", "failure", "intolerance", "relapse", "ongoing", "unknown", None]


def _walk(node: Any) -> Any:
    """Every node of a lowered tree."""
    yield node
    if dataclasses.is_dataclass(node):
        for f in dataclasses.fields(node):
            child = getattr(node, f.name)
            for c in child if isinstance(child, tuple) else (child,):
                if dataclasses.is_dataclass(c):
                    yield from _walk(c)


def _windows_in_params(params: dict[str, Any]) -> list[m.Window]:
    found: list[m.Window] = []
    for key, value in params.items():
        if isinstance(value, dict) and len(value) == 1 and next(iter(value)) in ("days", "weeks", "months", "years"):
            found.append(m.Window.model_validate(value))
        elif key in ("days", "weeks", "months", "years", "min_days", "gc_months", "other_min_months", "lldas_months") \
                and isinstance(value, int) and value > 0:
            unit = {"min_days": "days", "gc_months": "months", "other_min_months": "months", "lldas_months": "months"}.get(key, key)
            found.append(m.Window.model_validate({unit: value}))
    return found


def _collect_ruleset(vocab: Vocabulary, compiled: CompiledRuleset) -> None:
    ruleset = compiled.ruleset
    if ruleset.observation_window is not None:
        vocab.windows.add(ruleset.observation_window)
    for tree in compiled.trees.values():
        for node in _walk(tree):
            if not isinstance(node, t.Test) or isinstance(node.value, (bool, str)):
                continue
            leaf = compiled.leaves[node.field].leaf
            head, _, rest = leaf.fact.partition(".")
            if head in ("lab", "vital", "cardiac", "pulmonary"):
                test_id, _, derived = rest.partition(".")
                target = {"": vocab.raw_thresholds, "x_uln": vocab.uln_thresholds, "x_lln": vocab.lln_thresholds}[derived]
                target.setdefault(test_id, set()).add(float(node.value))
            else:
                vocab.value_thresholds.setdefault(leaf.fact, set()).add(float(node.value))
    for info in compiled.leaves.values():
        leaf = info.leaf
        within = getattr(leaf, "within", None)
        if isinstance(leaf, m.EventLeaf):
            within = leaf.event.within
            if leaf.event.category not in vocab.queried_categories:
                vocab.queried_categories.append(leaf.event.category)
            for code in leaf.event.codes or ():
                codes = vocab.codes.setdefault(leaf.event.category, [])
                if code not in codes:
                    codes.append(code)
        elif isinstance(leaf, m.DrugLeaf):
            within = leaf.drug.within
        elif isinstance(leaf, m.SerologyLeaf):
            within = leaf.serology.within
            if leaf.serology.test not in vocab.queried_serologies:
                vocab.queried_serologies.append(leaf.serology.test)
        elif isinstance(leaf, m.PredicateLeaf):
            vocab.windows.update(_windows_in_params(leaf.predicate.params))
            for key, value in leaf.predicate.params.items():
                if key.startswith("threshold") and isinstance(value, (int, float)) and not isinstance(value, bool):
                    vocab.score_thresholds.add(float(value))
        elif isinstance(leaf, m.JudgementLeaf) and leaf.judgement not in vocab.judgement_topics:
            vocab.judgement_topics.append(leaf.judgement)
        if isinstance(leaf, m.Compare):
            vocab.windows.update(_windows_in_params(leaf.params))
        if within is not None:
            vocab.windows.add(within)
    for cohort in ruleset.cohorts:
        for cond in cohort.conditions or ():
            conds = vocab.conditions.setdefault(cohort.indication, [])
            if cond not in conds:
                conds.append(cond)


def _queried_drug_names(compiled: CompiledRuleset) -> tuple[set[str], set[str]]:
    names: set[str] = set()
    classes: set[str] = set()
    for info in compiled.leaves.values():
        leaf = info.leaf
        if isinstance(leaf, m.DrugLeaf):
            names.update(n.lower() for n in leaf.drug.names or ())
            classes.update(leaf.drug.classes or ())
        params = getattr(getattr(leaf, "predicate", None), "params", None) or getattr(leaf, "params", None) or {}
        for key, value in params.items():
            if "classes" in key and isinstance(value, list):
                classes.update(value)
            if key == "names" and isinstance(value, list):
                names.update(n.lower() for n in value)
    return names, classes


def _base_records(ruleset_ids: list[str], plugins: PluginManager) -> list[Base]:
    bases: list[Base] = []
    for path in sorted(EXAMPLES.glob("*.yaml")):
        text, name = read_text(path)
        patient = parse_document(text, name)
        ruleset = next((rid for rid in ruleset_ids if path.name.startswith(rid)), None)
        if ruleset is None:  # e.g. renji-... examples of renji-cd19-car-dnt
            ruleset = next((rid for rid in ruleset_ids if path.name.split("-")[0] == rid.split("-")[0]), None)
        bases.append(Base(f"example {path.name}", ruleset, _indication(patient), None, patient))
    for rid in ruleset_ids:
        loaded = find_ruleset(rid, plugins)
        expected = {case.name: case.expect.verdict for case in loaded.ruleset.tests}
        for name, patient in case_patients(loaded).items():
            bases.append(Base(f"{rid} case {name!r}", rid, _indication(patient), expected.get(name), patient))
    return bases


def _indication(patient: Patient_) -> str | None:
    target = (patient.get("screening") or {}).get("target_indication")
    if target:
        return target
    diagnoses = patient.get("diagnoses") or []
    return diagnoses[0].get("indication") if diagnoses else None


@lru_cache(maxsize=1)
def vocabulary() -> Vocabulary:
    plugins = default_manager()
    ruleset_ids = sorted(installed_rulesets(plugins))
    vocab = Vocabulary(ruleset_ids=ruleset_ids)
    queried_names: set[str] = set()
    queried_classes: set[str] = set()
    for rid in ruleset_ids:
        compiled = compiled_ruleset(rid, plugins)
        _collect_ruleset(vocab, compiled)
        names, classes = _queried_drug_names(compiled)
        queried_names |= names
        queried_classes |= classes
    for tid, test in sorted(plugins.observation_tests.items()):
        if isinstance(test, ObservationTest):
            vocab.numeric_tests[tid] = test
        elif isinstance(test, QualitativeTest):
            vocab.qualitative_tests.append(tid)
    for name, drug in sorted(plugins.drugs.items()):
        if drug.name in queried_names or queried_classes.intersection(drug.classes):
            vocab.queried_drugs.append(drug.name)
        else:
            vocab.other_drugs.append(drug.name)
        if "glucocorticoid" in drug.classes:
            vocab.glucocorticoids.append(drug.name)
    vocab.categories = sorted(plugins.history_categories)
    vocab.indications = sorted(plugins.indications)

    for base in _base_records(ruleset_ids, plugins):
        index = len(vocab.bases)
        patient = base.patient
        vocab.bases.append(base)
        vocab.bases_by_indication.setdefault(base.indication, []).append(index)
        if base.ruleset is not None:
            vocab.bases_by_ruleset.setdefault(base.ruleset, []).append(index)
            if base.verdict == "eligible":
                vocab.eligible_bases_by_ruleset.setdefault(base.ruleset, []).append(index)
        for section in ("labs", "vitals"):
            for obs in patient.get(section) or []:
                test = plugins.observation_tests.get(obs["test"])
                if test is not None:
                    seen = vocab.seen_observations.setdefault(test.id, [])
                    if len(seen) < 60 and obs not in seen:
                        seen.append({**obs, "section": section})
        for med in (patient.get("medications") or {}).get("items") or []:
            if med["drug"] not in vocab.seen_drug_spellings:
                vocab.seen_drug_spellings.append(med["drug"])
        for dx in patient.get("diagnoses") or []:
            if dx.get("condition"):
                conds = vocab.conditions.setdefault(dx["indication"], [])
                if dx["condition"] not in conds:
                    conds.append(dx["condition"])
            for cls in dx.get("classification") or []:
                if cls not in vocab.classifications:
                    vocab.classifications.append(cls)
        for event in (patient.get("history") or {}).get("events") or []:
            if event.get("code"):
                codes = vocab.codes.setdefault(event["category"], [])
                if event["code"] not in codes:
                    codes.append(event["code"])
    return vocab


def seed_ruleset_ids() -> list[str]:
    return vocabulary().ruleset_ids


# -- small helpers -----------------------------------------------------------------------------------------------


def _iso(day: date) -> str:
    return day.isoformat()


def _screening(p: Patient_) -> date:
    return date.fromisoformat(str(p["screening"]["date"]))


def _day(value: Any) -> date | None:
    return None if value is None else date.fromisoformat(str(value))


def _near(value: float) -> list[float]:
    """A threshold, and the smallest steps a lab report would show either side of it."""
    step = 0.1 if abs(value) >= 10 else 0.01
    return [value, round(value - step, 6), round(value + step, 6)]


def days_before(p: Patient_, c: Chooser, vocab: Vocabulary) -> int:
    """Days before screening: on, one day inside and one day outside a window edge, or a plain interval."""
    as_of = _screening(p)
    if c.chance(60) and vocab.windows:
        window = c.pick(sorted(vocab.windows, key=lambda w: w.model_dump_json()))
        edge = (as_of - window.start(as_of)).days
        return max(0, edge + c.pick([-1, 0, 0, 1]))
    return c.pick([0, 1, 3, 7, 14, 27, 45, 100, 200, 400, 800, 1500, 3000])


def _date_before(p: Patient_, c: Chooser, vocab: Vocabulary) -> str:
    return _iso(_screening(p) - timedelta(days=days_before(p, c, vocab)))


def _birth_date(p: Patient_) -> date | None:
    return _day(p.get("birth_date"))


# -- mutations ---------------------------------------------------------------------------------------------------
# Each changes the patient dict in place and returns a short description (shown when a property fails).


def _observation_section(test: ObservationTest) -> str:
    return "vitals" if test.kind in ("vital", "cardiac", "pulmonary") else "labs"


def _put_observation(p: Patient_, c: Chooser, obs: dict[str, Any], section: str) -> None:
    results = p.setdefault(section, [])
    same = [i for i, o in enumerate(results) if o.get("test") == obs["test"]]
    if same and c.chance(70):
        results[c.pick(same)] = obs  # replace a result (often the latest) rather than pile up
    else:
        results.append(obs)


def mutate_observation_at_threshold(p: Patient_, c: Chooser, vocab: Vocabulary) -> str:
    kinds = [k for k, table in (("raw", vocab.raw_thresholds), ("uln", vocab.uln_thresholds),
                                 ("lln", vocab.lln_thresholds)) if table]
    kind = c.pick(kinds)
    table = {"raw": vocab.raw_thresholds, "uln": vocab.uln_thresholds, "lln": vocab.lln_thresholds}[kind]
    test_id = c.pick(sorted(table))
    test = vocab.numeric_tests[test_id]
    threshold = c.pick(sorted(table[test_id]))
    seen = vocab.seen_observations.get(test_id) or []
    template = c.pick(seen) if seen else {}
    lo, hi = test.plausible
    obs: dict[str, Any] = {"test": test_id, "unit": test.unit if test.unit != "dimensionless" else "ratio",
                           "date": _date_before(p, c, vocab)}
    if kind == "raw":
        value = c.pick(_near(threshold) + [threshold * 0.5, threshold * 1.5])
        for key in ("ref_low", "ref_high"):
            if key in template and template.get("unit") == obs["unit"] and not template.get("ref_unit"):
                obs[key] = template[key]
    else:
        limit_key = "ref_high" if kind == "uln" else "ref_low"
        limits = [o[limit_key] for o in seen if o.get(limit_key) and o.get("unit") == obs["unit"] and not o.get("ref_unit")]
        limit = c.pick(limits) if limits else c.pick([1.0, 40.0, 100.0])
        ratio = c.pick(_near(threshold) + [threshold * 0.5, threshold * 2])
        value = float(Decimal(repr(float(ratio))) * Decimal(repr(float(limit))))
        obs[limit_key] = limit
        if kind == "uln" and c.chance(70):
            obs["ref_low"] = 0 if limit_key == "ref_high" else None
        obs = {k: v for k, v in obs.items() if v is not None}
    value = min(max(round(value, 6), lo), hi)
    if value < 0:
        value = 0.0
    obs["value"] = value
    if obs.get("ref_low") is not None and obs.get("ref_high") is not None and obs["ref_low"] > obs["ref_high"]:
        obs.pop("ref_low")
    _put_observation(p, c, obs, _observation_section(test))
    return f"{test_id} = {value} {obs['unit']} ({kind} threshold {threshold}) on {obs['date']}"


def mutate_observation_seen(p: Patient_, c: Chooser, vocab: Vocabulary) -> str:
    """A realistic result of any numeric test (including the plugins' tests), re-dated."""
    test_id = c.pick(sorted(vocab.seen_observations))
    obs = dict(c.pick(vocab.seen_observations[test_id]))
    section = obs.pop("section")
    obs["date"] = _date_before(p, c, vocab)
    test = vocab.numeric_tests[test_id]
    if obs["unit"] == test.unit and c.chance(30):
        lo, hi = test.plausible
        obs["value"] = min(max(round(obs["value"] * c.pick([0.5, 0.9, 1.1, 2.0]), 4), lo), hi)
    _put_observation(p, c, obs, section)
    return f"{test_id} = {obs['value']} {obs['unit']} on {obs['date']}"


def mutate_age(p: Patient_, c: Chooser, vocab: Vocabulary) -> str:
    as_of = _screening(p)
    years = int(c.pick(sorted(vocab.value_thresholds.get("core.age_years", {40.0}))))
    years += c.pick([-1, 0, 0, 1])
    years = max(1, years)
    p.pop("age_years", None)
    if c.chance(85):
        try:
            anniversary = as_of.replace(year=as_of.year - years)
        except ValueError:  # 29 February
            anniversary = as_of.replace(year=as_of.year - years, day=28)
        birth = anniversary + timedelta(days=c.pick([-1, 0, 1]))
        p["birth_date"] = _iso(min(birth, as_of))
        _clamp_dates_after_birth(p)
        return f"birth_date {p['birth_date']} (about {years} years)"
    p.pop("birth_date", None)
    p["age_years"] = years
    return f"age_years {years}"


def _clamp_dates_after_birth(p: Patient_) -> None:
    """Move every date before the birth date to the birth date (records dated before birth are refused as
    input errors, so a generated patient must not have them)."""
    birth = _birth_date(p)
    if birth is None:
        return

    def walk(node: object) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key.endswith("date") and key != "birth_date" and isinstance(value, (str, date)):
                    day = _day(value)
                    if day is not None and day < birth:
                        node[key] = _iso(birth) if isinstance(value, str) else birth
                else:
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    for key, value in p.items():
        if key not in ("birth_date", "screening"):
            walk(value)


def mutate_body(p: Patient_, c: Chooser, vocab: Vocabulary) -> str:
    which = c.pick(["weight", "height", "weight"])
    if which == "weight":
        p["weight"] = c.pick(["18 kg", "35 kg", "48.5 kg", "58 kg", "72 kg", "95 kg", {"value": 61.2, "unit": "kg"}, "130 lb"])
    else:
        p["height"] = c.pick(["110 cm", "150 cm", "162 cm", "178 cm", "1.7 m"])
    return f"{which} {p[which]}"


def mutate_clearance_at_threshold(p: Patient_, c: Chooser, vocab: Vocabulary) -> str:
    """Creatinine chosen so that the Cockcroft-Gault clearance lands on (or next to) a ruleset threshold."""
    thresholds = sorted(vocab.value_thresholds.get("core.crcl_cockcroft_gault", set()))
    as_of = _screening(p)
    birth = _birth_date(p)
    age = p.get("age_years") or (None if birth is None else as_of.year - birth.year - ((as_of.month, as_of.day) < (birth.month, birth.day)))
    weight = p.get("weight")
    if not thresholds or age is None or not isinstance(weight, str) or not weight.endswith(" kg") or p.get("sex") is None:
        return mutate_observation_at_threshold(p, c, vocab)
    kg = float(weight.split()[0])
    target = c.pick(_near(c.pick(thresholds)))
    factor = 0.85 if p["sex"] == "female" else 1.0
    creatinine_mg_dl = (140 - age) * kg * factor / (72 * target)
    umol = round(creatinine_mg_dl * 88.4, 1)
    if not 5 <= umol <= 3000:
        return mutate_observation_at_threshold(p, c, vocab)
    _put_observation(p, c, {"test": "creatinine", "value": umol, "unit": "umol/L", "date": _date_before(p, c, vocab),
                            "ref_low": 41, "ref_high": 73 if p["sex"] == "female" else 104}, "labs")
    return f"creatinine {umol} umol/L (CrCl about {target})"


def mutate_serology(p: Patient_, c: Chooser, vocab: Vocabulary) -> str:
    test = c.pick(vocab.queried_serologies if c.chance(70) else vocab.qualitative_tests)
    result = {"test": test, "result": c.pick(RESULTS), "date": _date_before(p, c, vocab)}
    results = p.setdefault("serologies", [])
    same = [i for i, s in enumerate(results) if s.get("test") == test]
    if same and c.chance(70):
        results[c.pick(same)] = result
    else:
        results.append(result)
    return f"serology {test} {result['result']} on {result['date']}"


def _medications(p: Patient_) -> dict[str, Any]:
    if p.get("medications") is None:
        p["medications"] = {"complete": False, "items": []}
    return p["medications"]


def mutate_add_medication(p: Patient_, c: Chooser, vocab: Vocabulary) -> str:
    pool = c.pick(["queried", "queried", "other", "seen", "unknown", "glucocorticoid"])
    drug = c.pick({"queried": vocab.queried_drugs, "other": vocab.other_drugs, "seen": vocab.seen_drug_spellings,
                   "unknown": UNKNOWN_DRUGS, "glucocorticoid": vocab.glucocorticoids}[pool])
    as_of = _screening(p)
    med: dict[str, Any] = {"drug": drug}
    shape = c.pick(["ongoing", "ended", "last_dose", "start_only", "undated"])
    last = days_before(p, c, vocab)
    start = last + c.pick([0, 1, 30, 90, 200, 400])
    if shape != "undated":
        med["start_date"] = _iso(as_of - timedelta(days=start))
    if shape == "ongoing":
        med["ongoing"] = True
    elif shape == "ended":
        med["end_date"] = _iso(as_of - timedelta(days=last))
    elif shape == "last_dose":
        med["last_dose_date"] = _iso(as_of - timedelta(days=last))
    outcome = c.pick(OUTCOMES)
    if outcome is not None:
        med["outcome"] = outcome
    if c.chance(50):
        if drug in vocab.glucocorticoids:
            med["dose"] = c.pick([{"value": v, "unit": "mg", "per": "day"} for v in (5, 10, 20, 60, 99, 100, 200, 500, 1000)]
                                 + [{"value": 1, "unit": "mg/kg", "per": "day"}, {"value": 0.5, "unit": "mg/kg", "per": "day"}])
        else:
            med["dose"] = c.pick([{"value": 500, "unit": "mg", "per": "dose"}, {"value": 10, "unit": "mg/kg", "per": "dose"},
                                  {"value": 2, "unit": "g", "per": "day"}, {"value": 375, "unit": "mg/m2", "per": "week"}])
    if c.chance(40):
        med["route"] = c.pick(["oral", "iv", "sc", "im", "other"])
    meds = _medications(p)
    meds.setdefault("items", []).append(med)
    return f"medication {med}"


def mutate_medication_details(p: Patient_, c: Chooser, vocab: Vocabulary) -> str:
    items = (p.get("medications") or {}).get("items") or []
    if not items:
        return mutate_add_medication(p, c, vocab)
    i = c.integer(0, len(items) - 1)
    med = dict(items[i])
    what = c.pick(["outcome", "last_date", "ongoing"])
    as_of = _screening(p)
    if what == "outcome":
        outcome = c.pick(OUTCOMES)
        med.pop("outcome", None)
        if outcome is not None:
            med["outcome"] = outcome
    elif what == "last_date":
        last = as_of - timedelta(days=days_before(p, c, vocab))
        start = _day(med.get("start_date"))
        if start is not None and start > last:
            med["start_date"] = _iso(last)
        med.pop("ongoing", None)
        med[c.pick(["end_date", "last_dose_date"])] = _iso(last)
    else:
        med["ongoing"] = not med.get("ongoing", False)
    items[i] = med
    return f"medications.items[{i}] {what} -> {med}"


def mutate_medication_list(p: Patient_, c: Chooser, vocab: Vocabulary) -> str:
    choice = c.pick(["complete", "incomplete", "none", "drop_one"])
    if choice == "none":
        p.pop("medications", None)
        return "no medications section"
    meds = _medications(p)
    if choice == "drop_one" and meds.get("items"):
        dropped = meds["items"].pop(c.integer(0, len(meds["items"]) - 1))
        return f"dropped medication {dropped['drug']} (list complete: {meds['complete']})"
    meds["complete"] = choice == "complete"
    return f"medications.complete = {meds['complete']}"


def mutate_add_event(p: Patient_, c: Chooser, vocab: Vocabulary) -> str:
    category = c.pick(vocab.queried_categories if c.chance(75) else vocab.categories)
    event: dict[str, Any] = {"category": category}
    codes = vocab.codes.get(category) or []
    if codes and c.chance(70):
        event["code"] = c.pick(codes)
    elif c.chance(20):
        event["code"] = "other_unspecified"
    as_of = _screening(p)
    if c.chance(90):
        start = days_before(p, c, vocab)
        event["date"] = _iso(as_of - timedelta(days=start))
        shape = c.pick(["one_time", "ongoing", "ended"])
        if shape == "ongoing":
            event["ongoing"] = True
        elif shape == "ended":
            event["end_date"] = _iso(as_of - timedelta(days=max(0, start - c.pick([1, 10, 60, 365]))))
    elif c.chance(50):
        event["ongoing"] = True
    if c.chance(30):
        event["severity"] = c.pick(["mild", "moderate", "severe"])
    if c.chance(30):
        event["controlled"] = c.chance(50)
    history = p.setdefault("history", {})
    history.setdefault("events", []).append(event)
    _clamp_dates_after_birth(p)
    return f"history event {event}"


def mutate_reviewed(p: Patient_, c: Chooser, vocab: Vocabulary) -> str:
    history = p.setdefault("history", {})
    choice = c.pick(["all", "none", "some", "all_but_one"])
    if choice == "all":
        history["reviewed"] = "all"
    elif choice == "none":
        history["reviewed"] = []
    elif choice == "some":
        history["reviewed"] = sorted({c.pick(vocab.categories) for _ in range(c.integer(1, 6))})
    else:
        dropped = c.pick(vocab.queried_categories)
        history["reviewed"] = [cat for cat in vocab.categories if cat != dropped]
    return f"history.reviewed = {history['reviewed'] if choice != 'all_but_one' else 'all but ' + dropped}"


def mutate_drop_event(p: Patient_, c: Chooser, vocab: Vocabulary) -> str:
    events = (p.get("history") or {}).get("events") or []
    if not events:
        return mutate_add_event(p, c, vocab)
    dropped = events.pop(c.integer(0, len(events) - 1))
    return f"dropped history event {dropped.get('category')} (category review unchanged)"


def mutate_diagnosis(p: Patient_, c: Chooser, vocab: Vocabulary) -> str:
    diagnoses = p.setdefault("diagnoses", [])
    what = c.pick(["condition", "systemic", "classification", "dates", "add", "indication"])
    if not diagnoses or what == "add":
        indication = c.pick(vocab.indications)
        dx: dict[str, Any] = {"indication": indication}
        if vocab.conditions.get(indication) and c.chance(60):
            dx["condition"] = c.pick(vocab.conditions[indication])
        if c.chance(50):
            dx["requires_systemic_treatment"] = c.chance(50)
        diagnoses.append(dx)
        return f"added diagnosis {dx}"
    i = c.integer(0, len(diagnoses) - 1)
    dx = dict(diagnoses[i])
    if what == "indication":
        dx["indication"] = c.pick(vocab.indications)
        dx.pop("condition", None)
    if what in ("condition", "indication"):
        options = vocab.conditions.get(dx["indication"]) or []
        if options and c.chance(70):
            dx["condition"] = c.pick(options)
        else:
            dx.pop("condition", None)
    elif what == "systemic":
        value = c.pick([True, False, None])
        dx.pop("requires_systemic_treatment", None)
        if value is not None:
            dx["requires_systemic_treatment"] = value
    elif what == "classification":
        classes = list(dx.get("classification") or [])
        if classes and c.chance(50):
            classes.pop(c.integer(0, len(classes) - 1))
        else:
            classes.append(c.pick(vocab.classifications))
        dx["classification"] = sorted(set(classes))
    elif what == "dates":
        as_of = _screening(p)
        years = c.pick([0.25, 0.5, 1, 2, 5, 7, 8, 10, 20])
        onset = as_of - timedelta(days=int(years * 365.25) + c.pick([-1, 0, 1]))
        birth = _birth_date(p)
        if birth is not None and onset < birth:
            onset = birth
        dx["onset_date"] = _iso(onset)
        dx["diagnosis_date"] = _iso(min(as_of, onset + timedelta(days=c.pick([0, 30, 200]))))
    diagnoses[i] = dx
    return f"diagnoses[{i}] {what} -> {dx}"


def mutate_target(p: Patient_, c: Chooser, vocab: Vocabulary) -> str:
    target = c.pick([None, *vocab.indications])
    if target is None:
        p["screening"].pop("target_indication", None)
    else:
        p["screening"]["target_indication"] = target
    return f"target_indication {target}"


def mutate_transplant_indication(p: Patient_, c: Chooser, vocab: Vocabulary) -> str:
    """Take another base record's diagnoses, assessments and target (an indication the base did not have)."""
    indication = c.pick(vocab.indications)
    donor = copy.deepcopy(vocab.bases[c.pick(vocab.bases_by_indication.get(indication) or [0])].patient)
    p["diagnoses"] = donor.get("diagnoses") or []
    p["assessments"] = [a for a in donor.get("assessments") or []]
    target = (donor.get("screening") or {}).get("target_indication")
    if target:
        p["screening"]["target_indication"] = target
    else:
        p["screening"].pop("target_indication", None)
    _shift_assessment_dates(p, _screening(donor) if donor.get("screening") else _screening(p))
    _clamp_dates_after_birth(p)
    return f"diagnoses and assessments of a {indication} record"


def _shift_assessment_dates(p: Patient_, donor_as_of: date) -> None:
    """Keep the donor's assessment dates at the same distance before screening."""
    delta = _screening(p) - donor_as_of
    for a in p.get("assessments") or []:
        a["date"] = _iso(_day(a["date"]) + delta)
    for dx in p.get("diagnoses") or []:
        for key in ("onset_date", "diagnosis_date"):
            if dx.get(key):
                dx[key] = _iso(min(_day(dx[key]) + delta, _screening(p)))


def mutate_reproductive(p: Patient_, c: Chooser, vocab: Vocabulary) -> str:
    fields = ["childbearing_potential", "pregnant", "lactating", "agrees_to_contraception",
              "agrees_no_gamete_donation", "sterilised"]
    rep = dict(p.get("reproductive") or {})
    name = c.pick(fields + ["postmenopausal_months", "sex"])
    if name == "sex":
        p["sex"] = c.pick(["female", "male"])
        return f"sex {p['sex']}"
    if name == "postmenopausal_months":
        value = c.pick([None, 0, 11, 12, 13, 60])
    else:
        value = c.pick([True, False, None])
    rep.pop(name, None)
    if value is not None:
        rep[name] = value
    p["reproductive"] = rep
    return f"reproductive.{name} = {value}"


def mutate_consent(p: Patient_, c: Chooser, vocab: Vocabulary) -> str:
    choice = c.pick(["signed", "unsigned", "none", "no_follow_up"])
    if choice == "none":
        p.pop("consent", None)
    else:
        consent: dict[str, Any] = {"signed": choice != "unsigned", "date": _iso(_screening(p) - timedelta(days=3))}
        consent["can_comply_with_follow_up"] = choice != "no_follow_up"
        p["consent"] = consent
    return f"consent {choice}"


def mutate_investigator(p: Patient_, c: Chooser, vocab: Vocabulary) -> str:
    inv = p.setdefault("investigator", {})
    topic = c.pick(vocab.judgement_topics)
    kind = c.pick(["decision", "concern", "clear"])
    inv["decisions"] = [d for d in inv.get("decisions") or [] if d.get("topic") != topic]
    inv["concerns"] = [d for d in inv.get("concerns") or [] if d.get("topic") != topic]
    if kind == "decision":
        inv["decisions"].append({"topic": topic, "applies": c.chance(50)})
    elif kind == "concern":
        inv["concerns"].append({"topic": topic, "note": "generated"})
    return f"investigator {kind} on {topic}"


def _field_options(annotation: Any, current: Any) -> list[Any]:
    """Other valid-looking answers for one assessment item, from its type annotation."""
    args = typing.get_args(annotation) or (annotation,)
    options: list[Any] = [None] if type(None) in args else []
    for arg in args:
        if arg is bool:
            options += [True, False]
        elif typing.get_origin(arg) is typing.Literal:
            options += list(typing.get_args(arg))
        elif arg in (int, float) and isinstance(current, (int, float)) and not isinstance(current, bool):
            options += [current, current + 1, max(0, current - 1), 0, arg(current * 2)]
    return options or [current]


def mutate_assessment(p: Patient_, c: Chooser, vocab: Vocabulary) -> str:
    assessments = p.get("assessments") or []
    if not assessments:
        return mutate_transplant_indication(p, c, vocab)
    i = c.integer(0, len(assessments) - 1)
    a = copy.deepcopy(assessments[i])
    what = c.pick(["item", "item", "date", "total", "drop"])
    if what == "drop":
        assessments.pop(i)
        return f"dropped assessment {a['instrument']}"
    if what == "date":
        a["date"] = _date_before(p, c, vocab)
    elif what == "total" or not isinstance(a.get("items"), dict):
        if vocab.score_thresholds and (a.get("total") is not None or what == "total") and a.get("items") is None:
            a["total"] = c.pick(_near(c.pick(sorted(vocab.score_thresholds))))
        else:
            a["date"] = _date_before(p, c, vocab)
    else:
        instrument = default_manager().assessment_instruments.get(a["instrument"])
        model = getattr(instrument, "items_model", None)
        scalar = [k for k, f in (model.model_fields.items() if model else []) if not isinstance(a["items"].get(k), dict)]
        if scalar:
            key = c.pick(scalar)
            value = c.pick(_field_options(model.model_fields[key].annotation, a["items"].get(key)))
            items = {**a["items"], key: value}
            try:
                model.model_validate(items)
            except Exception:  # noqa: BLE001 - an option the model refuses: leave the item as it was
                return f"assessments[{i}] unchanged"
            a["items"] = items
            what = f"item {key} = {value!r}"
    assessments[i] = a
    return f"assessments[{i}] ({a['instrument']}) {what}"


def mutate_screening_date(p: Patient_, c: Chooser, vocab: Vocabulary) -> str:
    """Move the as-of date a little: every window edge moves under the recorded dates."""
    as_of = _screening(p) + timedelta(days=c.pick([-2, -1, 1, 2, 3]))
    birth = _birth_date(p)
    if birth is not None and as_of < birth:
        return "screening date unchanged"
    p["screening"]["date"] = _iso(as_of)
    return f"screening date {p['screening']['date']}"


MUTATIONS: list[Callable[[Patient_, Chooser, Vocabulary], str]] = [
    mutate_observation_at_threshold, mutate_observation_at_threshold, mutate_observation_at_threshold,
    mutate_observation_seen, mutate_age, mutate_body, mutate_clearance_at_threshold, mutate_serology,
    mutate_add_medication, mutate_add_medication, mutate_medication_details, mutate_medication_list,
    mutate_add_event, mutate_add_event, mutate_reviewed, mutate_drop_event, mutate_diagnosis, mutate_target,
    mutate_transplant_indication, mutate_reproductive, mutate_consent, mutate_investigator, mutate_assessment,
    mutate_assessment, mutate_screening_date,
]


# -- reductions: the same record knowing strictly less ------------------------------------------------------------


def _unreview(p: Patient_, category: str, vocab: Vocabulary) -> None:
    history = p.setdefault("history", {})
    reviewed = history.get("reviewed", [])
    if reviewed == "all":
        history["reviewed"] = [cat for cat in vocab.categories if cat != category]
    else:
        history["reviewed"] = [cat for cat in reviewed if cat != category]


Reduction = tuple[str, str, Callable[[Patient_], None]]  # (kind, description, function changing a copy in place)


def reductions(p: Patient_, vocab: Vocabulary) -> list[Reduction]:
    """Every single-fact removal that applies to `p`."""
    out: list[Reduction] = []

    def add(kind: str, description: str, fn: Callable[[Patient_], None]) -> None:
        out.append((kind, description, fn))

    for section in ("labs", "vitals", "serologies"):
        tests = sorted({o["test"] for o in p.get(section) or []})
        for test in tests:
            add("observation" if section != "serologies" else "serology", f"remove every {section} result of {test}",
                lambda q, s=section, tt=test: q.__setitem__(s, [o for o in q[s] if o["test"] != tt]))
        if tests:
            add("section", f"remove the {section} section", lambda q, s=section: q.pop(s))
    for test in sorted({o["test"] for o in (p.get("labs") or []) if "ref_high" in o or "ref_low" in o}):
        def drop_range(q: Patient_, tt: str = test) -> None:
            q["labs"] = [{k: v for k, v in o.items() if o["test"] != tt or k not in ("ref_low", "ref_high", "ref_unit")}
                         for o in q["labs"]]
        add("reference range", f"remove the reference range of {test}", drop_range)

    meds = p.get("medications")
    if meds is not None:
        add("section", "remove the medications section", lambda q: q.pop("medications"))
        if meds.get("complete"):
            add("medication", "mark the medication list incomplete", lambda q: q["medications"].__setitem__("complete", False))
        for i, med in enumerate(meds.get("items") or []):
            def drop_med(q: Patient_, i: int = i) -> None:
                q["medications"]["items"].pop(i)
                q["medications"]["complete"] = False
            add("medication", f"remove medication {med['drug']} (list now incomplete)", drop_med)
            for key in ("start_date", "end_date", "last_dose_date", "outcome", "dose", "route"):
                if key in med:
                    add("medication detail", f"remove {key} of medication {med['drug']}",
                        lambda q, i=i, k=key: q["medications"]["items"][i].pop(k))

    history = p.get("history") or {}
    for i, event in enumerate(history.get("events") or []):
        def drop_event(q: Patient_, i: int = i, cat: str = event["category"]) -> None:
            q["history"]["events"].pop(i)
            _unreview(q, cat, vocab)
        add("history event", f"remove history event {event['category']} (category now unreviewed)", drop_event)
        for key in ("code", "date", "severity", "controlled"):
            if key in event and not (key == "date" and event.get("ongoing")):
                add("history event detail", f"remove {key} of history event {event['category']}",
                    lambda q, i=i, k=key: q["history"]["events"][i].pop(k))
    reviewed = history.get("reviewed", [])
    for category in (vocab.queried_categories if reviewed == "all" else reviewed):
        add("history review", f"un-review history category {category}", lambda q, cat=category: _unreview(q, cat, vocab))
    if history:
        add("section", "remove the history section", lambda q: q.pop("history"))

    diagnoses = p.get("diagnoses") or []
    for i, dx in enumerate(diagnoses):
        def drop_dx(q: Patient_, i: int = i) -> None:
            q["diagnoses"].pop(i)
            _unreview(q, "autoimmune_disease", vocab)
        add("diagnosis", f"remove diagnosis {dx['indication']} (autoimmune history now unreviewed)", drop_dx)
        for key in ("condition", "onset_date", "diagnosis_date", "requires_systemic_treatment", "icd10"):
            if key in dx:
                add("diagnosis detail", f"remove {key} of diagnosis {dx['indication']}", lambda q, i=i, k=key: q["diagnoses"][i].pop(k))
        for j, cls in enumerate(dx.get("classification") or []):
            add("diagnosis detail", f"remove classification {cls!r} of diagnosis {dx['indication']}",
                lambda q, i=i, j=j: q["diagnoses"][i]["classification"].pop(j))

    for i, a in enumerate(p.get("assessments") or []):
        add("assessment", f"remove assessment {a['instrument']} of {a['date']}", lambda q, i=i: q["assessments"].pop(i))
        if "total" in a:
            add("assessment", f"remove the total of assessment {a['instrument']}", lambda q, i=i: q["assessments"][i].pop("total"))
        instrument = default_manager().assessment_instruments.get(a["instrument"])
        fields = getattr(getattr(instrument, "items_model", None), "model_fields", {})
        for key, value in (a.get("items") or {}).items():
            optional = key in fields and not fields[key].is_required()  # a required item is not optional data
            if value is not None and not isinstance(value, dict) and optional:
                add("assessment item", f"remove item {key} of assessment {a['instrument']} (not assessed)",
                    lambda q, i=i, k=key: q["assessments"][i]["items"].pop(k))

    for key in ("birth_date", "age_years", "sex", "weight", "height", "consent"):
        if p.get(key) is not None:
            add("demographics", f"remove {key}", lambda q, k=key: q.pop(k))
    for key in ("date", "can_comply_with_follow_up"):
        if (p.get("consent") or {}).get(key) is not None:
            add("consent", f"remove consent.{key}", lambda q, k=key: q["consent"].pop(k))
    for key, value in (p.get("reproductive") or {}).items():
        if value is not None:
            add("reproductive", f"remove reproductive.{key}", lambda q, k=key: q["reproductive"].pop(k))
    return out


def reduce_once(p: Patient_, c: Chooser, vocab: Vocabulary) -> tuple[Patient_, str] | None:
    """A copy of `p` with one fact removed (None if there is nothing left to remove). The kind of fact is drawn
    first, so that the many assessment items and history categories do not crowd out the rarer kinds."""
    options = reductions(p, vocab)
    if not options:
        return None
    kind = c.pick(sorted({k for k, _, _ in options}))
    _, description, fn = c.pick([o for o in options if o[0] == kind])
    q = copy.deepcopy(p)
    fn(q)
    return q, description


# -- whole patients ----------------------------------------------------------------------------------------------


def pick_base(c: Chooser, vocab: Vocabulary, ruleset: str | None) -> Base:
    """For a ruleset: mostly its own test and example records (half of those expected eligible, so that
    mutations land near the eligibility boundary); otherwise any record, indication first so that every
    indication is drawn equally often."""
    if ruleset is not None and ruleset in vocab.bases_by_ruleset and c.chance(80):
        eligible = vocab.eligible_bases_by_ruleset.get(ruleset)
        pool = eligible if eligible and c.chance(50) else vocab.bases_by_ruleset[ruleset]
        return vocab.bases[c.pick(pool)]
    indication = c.pick(sorted(vocab.bases_by_indication, key=str))
    return vocab.bases[c.pick(vocab.bases_by_indication[indication])]


def generate_patient(c: Chooser, vocab: Vocabulary | None = None, *, ruleset: str | None = None,
                     max_mutations: int = 6) -> tuple[Patient_, list[str]]:
    """A base record changed by up to `max_mutations` mutations (few more often than many)."""
    vocab = vocab or vocabulary()
    base = pick_base(c, vocab, ruleset)
    p = copy.deepcopy(base.patient)
    p["id"] = "generated"
    steps = [base.origin]
    count = c.pick([n for n in (0, 1, 1, 2, 2, 3, 4, 6) if n <= max_mutations])
    for _ in range(count):
        steps.append(c.pick(MUTATIONS)(p, c, vocab))
    _clamp_dates_after_birth(p)  # a later mutation may have dated something before an earlier one's birth date
    return p, steps


def valid(p: Patient_) -> bool:
    """Whether the record validates and normalises (generation can, rarely, produce an input error)."""
    from trialscreen.api import normalise_patient
    from trialscreen.errors import TrialscreenError

    try:
        normalise_patient(p, default_manager(), name="generated")
    except TrialscreenError:
        return False
    return True


@dataclass
class Chain:
    """A generated patient and successive reductions of it: each record knows strictly less than the one before."""

    patients: list[Patient_]
    steps: list[str]  # how the first was made, then one line per reduction


def generate_chain(c: Chooser, vocab: Vocabulary | None = None, *, ruleset: str | None = None, reductions: int = 3,
                   max_mutations: int = 6) -> Chain:
    vocab = vocab or vocabulary()
    p, steps = generate_patient(c, vocab, ruleset=ruleset, max_mutations=max_mutations)
    patients = [p]
    for _ in range(reductions):
        reduced = reduce_once(patients[-1], c, vocab)
        if reduced is None:
            break
        patients.append(reduced[0])
        steps.append("reduce: " + reduced[1])
    return Chain(patients, steps)


@st.composite
def chains(draw: Callable[[st.SearchStrategy[Any]], Any], ruleset: str | None = None, reductions: int = 3,
           max_mutations: int = 6) -> Chain:
    """Hypothesis strategy: a generated patient (aimed at `ruleset`) and successive one-fact removals."""
    return generate_chain(HypothesisChooser(draw), ruleset=ruleset, reductions=reductions, max_mutations=max_mutations)


@st.composite
def patients(draw: Callable[[st.SearchStrategy[Any]], Any], ruleset: str | None = None,
             max_mutations: int = 6) -> Patient_:
    """Hypothesis strategy: one generated patient record (a dict, as read from a file)."""
    return generate_patient(HypothesisChooser(draw), ruleset=ruleset, max_mutations=max_mutations)[0]


def validate_model(p: Patient_) -> Patient:
    return Patient.model_validate(p)
