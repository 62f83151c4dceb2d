"""Hook implementations of the myasthenia plugin: one function per trialscreen hook, each returning a list of
frozen records. The entry point ``myasthenia = "trialscreen_myasthenia.plugin"`` names this module."""

from __future__ import annotations

from pathlib import Path

from trialscreen import hookimpl
from trialscreen.plugins.types import (
    AssessmentInstrument,
    DerivedValue,
    DrugClass,
    DrugEntry,
    HistoryCategory,
    Indication,
    ObservationTest,
    Predicate,
    QualitativeTest,
    RulesetSource,
)

from trialscreen_myasthenia import values, vocabulary

RULESETS = Path(__file__).parent / "rulesets"
RULESET_ID = "myasthenia.gmg-cart-01"


@hookimpl
def trialscreen_indications() -> list[Indication]:
    return [vocabulary.INDICATION]


@hookimpl
def trialscreen_observation_tests() -> list[ObservationTest | QualitativeTest]:
    return list(vocabulary.TESTS)


@hookimpl
def trialscreen_history_categories() -> list[HistoryCategory]:
    return list(vocabulary.HISTORY_CATEGORIES)


@hookimpl
def trialscreen_drug_classes() -> list[DrugClass]:
    return list(vocabulary.DRUG_CLASSES)


@hookimpl
def trialscreen_drugs() -> list[DrugEntry]:
    return list(vocabulary.DRUGS)


@hookimpl
def trialscreen_assessment_instruments() -> list[AssessmentInstrument]:
    return list(vocabulary.INSTRUMENTS)


@hookimpl
def trialscreen_values() -> list[DerivedValue]:
    return list(values.VALUES)


@hookimpl
def trialscreen_predicates() -> list[Predicate]:
    return list(values.PREDICATES)


@hookimpl
def trialscreen_rulesets() -> list[RulesetSource]:
    return [RulesetSource(id=RULESET_ID, path=RULESETS / "gmg-cart-01.yaml")]
