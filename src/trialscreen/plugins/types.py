"""The records plugins contribute. Every hook returns a list of these frozen, named models (never dicts).

Ids are namespaced ``<plugin>.<name>`` (``sle.sledai2k``, ``core.crcl_cockcroft_gault``) except indication codes
(``SLE``) and the core vocabularies (observation tests, history categories, drug classes), which are flat.
"""

from __future__ import annotations

import re
from collections.abc import Callable
import datetime as dt
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

_NAMESPACED = re.compile(r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$")
_FLAT = re.compile(r"^[a-z][a-z0-9_]*$")


class _Record(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", arbitrary_types_allowed=True)


class Indication(_Record):
    """A disease a cohort can enrol, e.g. ``Indication(code="SLE", name="Systemic lupus erythematosus", ...)``."""

    code: str = Field(pattern=r"^[A-Z][A-Z0-9_]*$")
    name: str
    icd10: tuple[str, ...] = ()
    snomed: tuple[str, ...] = ()
    synonyms: tuple[str, ...] = ()


class ObservationTest(_Record):
    """A quantitative test with a canonical unit; values are converted to it on input."""

    id: str
    name: str
    kind: Literal["lab", "vital", "cardiac", "pulmonary", "other"] = "lab"
    unit: str
    loinc: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    plausible: tuple[float, float]
    mg_dl_to_canonical: float | None = Field(None, description="Canonical units per mg/dL (creatinine 88.4).")
    conversions: dict[str, float] = Field(
        default_factory=dict, description="Other units of a different dimension: canonical units per one of them."
    )

    def unit_conversions(self) -> dict[str, float]:
        extra = {"mg/dL": self.mg_dl_to_canonical} if self.mg_dl_to_canonical else {}
        return {**extra, **self.conversions}

    @field_validator("id")
    @classmethod
    def _flat_id(cls, value: str) -> str:
        if not _FLAT.match(value):
            raise ValueError(f"observation test id {value!r} must be lower_snake_case")
        return value


class QualitativeTest(_Record):
    """A test whose result is positive / negative / detectable / undetectable / indeterminate."""

    id: str
    name: str
    loinc: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()


class HistoryCategory(_Record):
    """A category of dated history events rulesets can ask about (``cns_disorder``, ``malignancy``…)."""

    id: str
    label: str
    codes: tuple[str, ...] = Field((), description="Finer codes recognised within the category.")


class Evidence(_Record):
    """One fact or derived value an outcome rests on, as the report shows it."""

    label: str
    value: Any = None
    unit: str | None = None
    date: dt.date | None = None
    source: str | None = Field(None, description="Where in the record, or which formula, the value came from.")


class ValueResult(_Record):
    """What a derived value or predicate returns: a value, or why there is none.

    Exactly one of: ``value`` set; ``missing`` non-empty (data to collect); ``review`` set (investigator must
    judge). ``evidence`` lists what was used either way.
    """

    value: float | int | bool | str | None = None
    unit: str | None = None
    evidence: tuple[Evidence, ...] = ()
    missing: tuple[str, ...] = ()
    review: str | None = None
    note: str | None = None
    lapses_on: dt.date | None = Field(None, description="For a true time-window answer: the first day it is false.")


# The first argument is a `trialscreen.facts.context.ScreeningContext`; typed as Any here so that building a
# DerivedValue never depends on import order (pydantic would need the class itself).
Compute = Callable[[Any, dict[str, Any]], ValueResult]


class DerivedValue(_Record):
    """A number (or category) computed from the patient's facts: a score, a formula, a count.

    Example: ``DerivedValue(id="core.crcl_cockcroft_gault", name="Creatinine clearance (Cockcroft-Gault)",
    unit="mL/min", compute=crcl, parameters={"weight": "actual"})``. `compute(context, params)` returns a
    `ValueResult`; it must not raise for missing data (return `missing`), and any exception it raises makes the
    dependent criteria unknown with the error named in the report.
    """

    id: str
    name: str
    unit: str | None = None
    compute: Compute
    parameters: dict[str, Any] = Field(default_factory=dict, description="Defaults; a ruleset may override them.")
    citation: str | None = None

    @field_validator("id")
    @classmethod
    def _namespaced(cls, value: str) -> str:
        if not _NAMESPACED.match(value):
            raise ValueError(f"id {value!r} must be '<plugin>.<name>' in lower_snake_case")
        return value


class Predicate(DerivedValue):
    """A named yes/no test, e.g. a refractoriness definition. `compute` returns a boolean `value`."""


class AssessmentInstrument(_Record):
    """An instrument whose item-level answers a record can carry (``assessments: [{instrument: ..., items}]``)."""

    id: str
    name: str
    items_model: type[BaseModel] | None = None
    citation: str | None = None


class RulesetSource(_Record):
    """A ruleset file a plugin ships."""

    id: str
    path: Path


class DrugEntry(_Record):
    """A drug the catalogue knows: name, classes, mechanism, ATC code, synonyms, half-life."""

    name: str
    classes: tuple[str, ...]
    mechanism: str | None = None
    atc: str | None = None
    synonyms: tuple[str, ...] = ()
    half_life_hours: float | None = None
    note: str | None = None


class DrugClass(_Record):
    id: str
    label: str
    description: str | None = None


class ScoreItem(_Record):
    """One item that contributed points to a score."""

    item: str
    points: float
    label: str | None = None


class ScoreResult(_Record):
    """A score computed from item-level answers.

    When some items are unanswered the total is not known, but it is bounded: ``minimum`` counts only the
    points known to be present and ``maximum`` assumes every unanswered item scores its most. A threshold test
    can still be decided when both bounds fall on the same side (e.g. SLEDAI-2K ≥ 8 is met when ``minimum`` is
    already 8). A total entered without items has ``total_entered=True`` and no ``contributing`` items, so a
    rule that needs the item breakdown must return unknown rather than guess.
    """

    instrument: str
    total: float | None
    minimum: float
    maximum: float
    contributing: tuple[ScoreItem, ...] = ()
    missing: tuple[str, ...] = ()
    total_entered: bool = False
    note: str | None = None

    @property
    def complete(self) -> bool:
        return self.total is not None and not self.missing

    def at_least(self, threshold: float) -> bool | None:
        """True/False when the bounds decide ``total >= threshold``; None when they do not."""
        if self.minimum >= threshold:
            return True
        if self.maximum < threshold:
            return False
        return None
