"""The ruleset language, as pydantic models. `trialscreen schema ruleset` prints the JSON Schema generated here.

A ruleset encodes one trial protocol: cohorts it enrols, and criteria, each with a stable id, the verbatim
protocol text, its cohort scope and a condition. Conditions are data (no Python, no eval):

- combinators: ``all``, ``any``, ``not``, ``at_least`` (k of n), ``if``/``then``/``else`` (an exception such as
  "unless Gilbert syndrome"), ``review_if`` (a flag that hands the decision to the investigator);
- leaves: ``fact`` comparisons with explicit units (``{fact: lab.alt.x_uln, op: "<=", value: 3}``), ``event``,
  ``drug`` and ``serology`` existence with time windows before the screening date, ``diagnosis``, plugin
  ``predicate`` calls, investigator ``judgement`` topics, and ``review`` (always for the investigator).

Every leaf is three-valued: missing data makes it unknown, never false.
"""

from __future__ import annotations

import math
from datetime import date
from functools import lru_cache
from typing import Annotated, Any, Literal, Union

from pydantic import (AfterValidator, AllowInfNan, BaseModel, ConfigDict, Discriminator, Field, StrictBool, StrictFloat,
                      StrictInt, Tag, model_validator)

from trialscreen.model.patient import check_date_range



def _threshold(value: Any) -> Any:
    """A numeric threshold must be finite (every comparison with NaN is false, silently), fit a float (no
    400-digit ints), and be readable by durable-rules, which refuses exponents without a decimal point
    (``1e+30``, ``1e-05``: how Python writes very large or small numbers)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return value
    try:
        number = float(value)
    except OverflowError:
        raise ValueError("the number is too large for a threshold") from None
    if not math.isfinite(number):
        raise ValueError(f"{value} is not a number a threshold can be")
    mantissa, e, _ = repr(number).partition("e")
    if e and "." not in mantissa:
        raise ValueError(f"{number!r} cannot be passed to the rules engine; write the threshold without an "
                         "exponent (in another unit if need be)")
    return value


Scalar = Annotated[StrictBool | StrictInt | StrictFloat | str, AfterValidator(_threshold)]


class _Node(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Window(_Node):
    """A period ending at the screening date: ``{months: 6}`` = from the same day 6 calendar months earlier.

    The start day is inclusive, so an exposure exactly 6 months before screening is within the window (the
    conservative reading for exclusions)."""

    # At most 150 years back: longer windows mean nothing, and date arithmetic must stay in the calendar.
    days: StrictInt | None = Field(None, ge=0, le=150 * 366)
    weeks: StrictInt | None = Field(None, ge=0, le=150 * 53)
    months: StrictInt | None = Field(None, ge=0, le=150 * 12)
    years: StrictInt | None = Field(None, ge=0, le=150)

    @model_validator(mode="after")
    def _one_unit(self) -> Window:
        if sum(v is not None for v in (self.days, self.weeks, self.months, self.years)) != 1:
            raise ValueError("a window needs exactly one of days, weeks, months, years")
        return self

    def start(self, as_of: date) -> date:
        return _window_start(self.days or 0, self.weeks or 0, self.months or 0, self.years or 0, as_of)

    def describe(self) -> str:
        for unit in ("days", "weeks", "months", "years"):
            n = getattr(self, unit)
            if n is not None:
                return f"{n} {unit[:-1] if n == 1 else unit}"
        raise AssertionError


@lru_cache(maxsize=4096)
def _window_start(days: int, weeks: int, months: int, years: int, as_of: date) -> date:
    """Calendar arithmetic (dateutil): 31 March minus 1 month is 28/29 February."""
    from dateutil.relativedelta import relativedelta

    return as_of - relativedelta(days=days, weeks=weeks, months=months, years=years)


Op = Literal[">=", ">", "<=", "<", "==", "!="]


def _conventional_params(params: dict[str, Any]) -> dict[str, Any]:
    """By convention ``names`` and ``classes`` are lists of text and ``within`` a window (checked against the
    catalogue and the window model when compiled); refuse other shapes here, naming the parameter."""
    for key in ("names", "classes"):
        value = params.get(key)
        if value is not None and not (isinstance(value, list) and all(isinstance(v, str) for v in value)):
            raise ValueError(f"parameter {key!r} must be a list of names, got {value!r}"[:300])
    within = params.get("within")
    if within is not None and not isinstance(within, (dict, Window)):
        raise ValueError(f"parameter 'within' must be a window such as {{months: 6}}, got {within!r}"[:300])
    return params


Params = Annotated[dict[str, Any], AfterValidator(_conventional_params)]


class Compare(_Node):
    """Compare a fact with a threshold: ``{fact: lab.platelets, op: ">=", value: 50, unit: 10^9/L}``.

    Facts: ``lab.<test>`` / ``vital.<test>`` (latest result within ``within``, in the test's canonical unit),
    ``lab.<test>.x_uln`` / ``.x_lln`` (multiples of the result's reference limit, unit ``xULN``/``xLLN``),
    ``patient.<field>`` (sex, consent_signed, reproductive fields…), or a plugin value id
    (``core.age_years``, ``core.crcl_cockcroft_gault``) with optional ``params``.
    """

    fact: str
    op: Op
    value: Scalar
    unit: str | None = Field(None, description="Unit of `value`; converted to the fact's unit when compiled.")
    within: Window | None = Field(None, description="For observations: use the latest result in this window.")
    params: Params = Field(default_factory=dict)


class EventQuery(_Node):
    category: str
    codes: list[str] | None = Field(None, description="Only events with one of these codes.")
    within: Window | None = Field(None, description="Only events dated in this window (or ongoing in it).")
    severity: list[Literal["mild", "moderate", "severe"]] | None = None
    uncontrolled: StrictBool | None = Field(None, description="Only events recorded as not controlled.")


class EventLeaf(_Node):
    """True when the history holds a matching event; unknown when the category was not reviewed."""

    event: EventQuery


class DrugQuery(_Node):
    names: list[str] | None = None
    classes: list[str] | None = None
    within: Window | None = Field(None, description="Last exposure on or after the window start.")
    outcomes: list[Literal["response", "failure", "intolerance", "relapse", "ongoing", "unknown"]] | None = None
    min_prednisone_equivalent_mg_per_day: Annotated[float, AllowInfNan(False)] | None = Field(
        None, description="Only glucocorticoid courses at or above this prednisone-equivalent daily dose."
    )

    @model_validator(mode="after")
    def _something(self) -> DrugQuery:
        if not self.names and not self.classes:
            raise ValueError("a drug query needs names or classes")
        return self


class DrugLeaf(_Node):
    """True when the medication history holds a matching exposure; unknown unless the history is complete."""

    drug: DrugQuery


class SerologyQuery(_Node):
    test: str
    results: list[Literal["positive", "negative", "detectable", "undetectable", "indeterminate"]]
    within: Window | None = None


class SerologyLeaf(_Node):
    """True when the latest result of `test` (in the window) is one of `results`."""

    serology: SerologyQuery


class DiagnosisQuery(_Node):
    indications: list[str] | None = None
    exclude_indications: list[str] | None = None
    conditions: list[str] | None = None
    requires_systemic_treatment: StrictBool | None = None


class DiagnosisLeaf(_Node):
    """True when a recorded diagnosis matches; unknown when 'no such diagnosis' is asked and the history
    category ``autoimmune_disease`` was not reviewed."""

    diagnosis: DiagnosisQuery


class PredicateCall(_Node):
    id: str
    params: Params = Field(default_factory=dict)


class PredicateLeaf(_Node):
    """A plugin predicate, e.g. ``{predicate: {id: sle.refractory_p002, params: {months: 6}}}``."""

    predicate: PredicateCall


class JudgementLeaf(_Node):
    """The investigator's call on a topic: their recorded decision if any; else review if the record raises a
    concern on the topic; else `when_silent` — false by default (nothing flagged, shown in the report), or review
    where the protocol needs an explicit decision."""

    judgement: str = Field(description="Topic id, matched against investigator.concerns/decisions in the record.")
    when_silent: Literal["not_met", "review"] = Field(
        "not_met", description="The answer when the record holds neither a decision nor a concern on the topic.")


class ReviewLeaf(_Node):
    """Always for the investigator (e.g. a criterion only a clinician can assess)."""

    review: str


class All(_Node):
    all: list[Condition] = Field(min_length=1)


class Any_(_Node):
    any: list[Condition] = Field(min_length=1)


class Not(_Node):
    not_: Condition = Field(alias="not")
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class AtLeastSpec(_Node):
    count: StrictInt = Field(ge=1)
    of: list[Condition] = Field(min_length=1)

    @model_validator(mode="after")
    def _reachable(self) -> AtLeastSpec:
        if self.count > len(self.of):
            raise ValueError(f"at_least count {self.count} exceeds the {len(self.of)} conditions given")
        return self


class AtLeast(_Node):
    at_least: AtLeastSpec


class IfThenElse(_Node):
    """``if: <exception>, then: <rule when it holds>, else: <rule otherwise>``."""

    if_: Condition = Field(alias="if")
    then: Condition
    else_: Condition = Field(alias="else")
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class ReviewIf(_Node):
    review_if: Condition
    reason: str


_KINDS = {
    "all": All,
    "any": Any_,
    "not": Not,
    "at_least": AtLeast,
    "if": IfThenElse,
    "review_if": ReviewIf,
    "fact": Compare,
    "event": EventLeaf,
    "drug": DrugLeaf,
    "serology": SerologyLeaf,
    "diagnosis": DiagnosisLeaf,
    "predicate": PredicateLeaf,
    "judgement": JudgementLeaf,
    "review": ReviewLeaf,
}


def _kind(data: Any) -> str | None:
    if isinstance(data, BaseModel):
        for key, cls in _KINDS.items():
            if isinstance(data, cls):
                return key
        return None
    if isinstance(data, dict):
        for key in _KINDS:
            if key in data:
                return key
    return None


Condition = Annotated[
    Union[tuple(Annotated[cls, Tag(key)] for key, cls in _KINDS.items())],  # type: ignore[misc]
    Discriminator(_kind, custom_error_type="condition_kind", custom_error_message=(
        "a condition needs one of the keys: " + ", ".join(_KINDS)
    )),
]

for _cls in (All, Any_, Not, AtLeastSpec, IfThenElse, ReviewIf):
    _cls.model_rebuild()


class Cohort(_Node):
    id: str = Field(pattern=r"^[a-z][a-z0-9_-]*$")
    indication: str
    title: str
    conditions: list[str] | None = Field(
        None, description="Only diagnoses with one of these finer conditions (e.g. LN, SLE-ITP) fit this cohort."
    )


class CohortScope(_Node):
    only: list[str] | None = None
    except_: list[str] | None = Field(None, alias="except")
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    @model_validator(mode="after")
    def _one(self) -> CohortScope:
        if (self.only is None) == (self.except_ is None):
            raise ValueError("a cohort scope needs exactly one of 'only' or 'except'")
        return self


class Criterion(_Node):
    id: str = Field(pattern=r"^[a-z][a-z0-9_.-]*$", description="Stable id; reports and tests refer to it.")
    kind: Literal["inclusion", "exclusion"]
    text: str = Field(min_length=1, description="The protocol text this criterion encodes, verbatim.")
    cohorts: CohortScope | None = Field(None, description="Omitted: applies to every cohort.")
    condition: Condition
    note: str | None = Field(None, description="How an ambiguity in the text was read, and why.")


class RulesetSourceText(_Node):
    file: str = Field(description="The protocol text file (in rulesets/sources/) this ruleset encodes.")
    structure: list[str] = Field(
        default_factory=list,
        description="Verbatim headings and lead-in sentences of the protocol that introduce criteria but are not "
        "criteria themselves (e.g. 'Adequate organ functions, defined as follows:'); the coverage audit counts "
        "them as mapped.",
    )
    registry_ids: list[str] = Field(default_factory=list)
    last_updated: date | None = None
    url: str | None = None


class CaseExpectation(_Node):
    verdict: Literal["eligible", "ineligible", "incomplete", "needs_review"] | None = None
    criteria: dict[str, Literal["met", "not_met", "unknown", "review", "not_applicable"]] = Field(default_factory=dict)


class RulesetCase(_Node):
    """An inline test: a (small) patient and the expected outcome per criterion and verdict."""

    name: str
    patient: dict[str, Any] | None = None
    patient_file: str | None = Field(None, description="Path relative to the ruleset file.")
    base: str | None = Field(None, description="Name of an earlier case whose patient this one modifies.")
    changes: dict[str, Any] | None = Field(None, description="Dotted-path overrides applied to the base patient.")
    as_of: Annotated[date, AfterValidator(check_date_range)] | None = None
    expect: CaseExpectation

    @model_validator(mode="after")
    def _one_patient(self) -> RulesetCase:
        given = sum(x is not None for x in (self.patient, self.patient_file, self.base))
        if given != 1:
            raise ValueError("a case needs exactly one of patient, patient_file or base")
        return self


#: A protocol enrols a handful of cohorts; a patient who fits several is screened for each, so their number
#: multiplies the work of every evaluation.
MAX_COHORTS = 100


class Ruleset(_Node):
    schema_: str | None = Field(None, alias="$schema")
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_.-]*$")
    title: str
    version: str
    source: RulesetSourceText
    observation_window: Window | None = Field(
        None, description="Default look-back for observation facts without their own `within` (e.g. {days: 28})."
    )
    cohorts: list[Cohort] = Field(min_length=1, max_length=MAX_COHORTS)
    criteria: list[Criterion] = Field(min_length=1)
    tests: list[RulesetCase] = Field(default_factory=list)
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    @model_validator(mode="after")
    def _ids(self) -> Ruleset:
        seen: set[str] = set()
        for crit in self.criteria:
            if crit.id in seen:
                raise ValueError(f"criterion id {crit.id!r} is used twice")
            seen.add(crit.id)
        cohort_ids: set[str] = set()
        for cohort in self.cohorts:
            if cohort.id in cohort_ids:
                raise ValueError(f"cohort id {cohort.id!r} is used twice")
            cohort_ids.add(cohort.id)
        for crit in self.criteria:
            scope = crit.cohorts
            named = (scope.only or scope.except_ or []) if scope else []
            for cid in named:
                if cid not in cohort_ids:
                    raise ValueError(f"criterion {crit.id!r} names unknown cohort {cid!r}")
        names = [t.name for t in self.tests]
        for case in self.tests:
            if case.base is not None and case.base not in names[: names.index(case.name)]:
                raise ValueError(f"test {case.name!r} is based on {case.base!r}, which is not an earlier test")
            for cid in case.expect.criteria:
                if cid not in seen:
                    raise ValueError(f"test {case.name!r} expects an outcome for unknown criterion {cid!r}")
        return self
