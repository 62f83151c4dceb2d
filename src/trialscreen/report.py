"""The evaluation report: what `trialscreen.evaluate` returns and `--format json` prints."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from trialscreen.plugins.types import Evidence

Verdict = Literal["eligible", "ineligible", "incomplete", "needs_review"]
CriterionOutcome = Literal["met", "not_met", "unknown", "review", "not_applicable"]


class _Report(BaseModel):
    model_config = ConfigDict(frozen=True)


class RulesetRef(_Report):
    id: str
    version: str
    title: str
    sha256: str
    source: str


class CohortRef(_Report):
    id: str
    indication: str
    title: str


class CriterionResult(_Report):
    id: str
    kind: Literal["inclusion", "exclusion"]
    text: str
    applies: bool
    outcome: CriterionOutcome
    decisive: bool = Field(description="True if this outcome alone makes the patient ineligible.")
    scope: str = Field(description="The cohorts the criterion applies to.")
    thresholds: list[str] = Field(default_factory=list)
    evidence: list[Evidence] = Field(default_factory=list)
    missing: list[str] = Field(default_factory=list)
    review: list[str] = Field(default_factory=list)
    note: str | None = None
    lapses_on: date | None = Field(None, description="For a washout exclusion that applies: the first day it no longer does.")
    providers: list[str] = Field(default_factory=list, description="Plugins whose values or predicates this outcome used.")


class PluginRef(_Report):
    name: str
    distribution: str | None
    version: str | None
    builtin: bool


class MissingFact(_Report):
    fact: str
    criteria: list[str]


class ReviewItem(_Report):
    criterion: str
    reason: str


class Report(_Report):
    verdict: Verdict
    summary: str
    patient_id: str
    as_of: date
    ruleset: RulesetRef
    cohort: CohortRef | None
    criteria: list[CriterionResult]
    missing_facts: list[MissingFact]
    review_items: list[ReviewItem]
    warnings: list[str] = Field(default_factory=list)
    earliest_eligible_date: date | None = None
    backend: str
    trialscreen_version: str
    plugins: list[PluginRef] = Field(default_factory=list, description="Plugins that produced values in this report.")
    input_sha256: str = Field(description="SHA-256 of the validated patient record in canonical JSON (sorted keys): "
                              "the same facts give the same digest, whatever the file's layout.")
    generated_at: datetime = Field(description="When the report was made (UTC; SOURCE_DATE_EPOCH if set). The only "
                                   "field that differs between two runs on the same input.")
