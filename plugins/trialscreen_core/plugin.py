"""Hook implementations of the core plugin."""

from __future__ import annotations

from pathlib import Path

from trialscreen import hookimpl
from trialscreen.plugins.types import (
    DerivedValue,
    DrugClass,
    DrugEntry,
    HistoryCategory,
    ObservationTest,
    Predicate,
    QualitativeTest,
    RulesetSource,
)
from trialscreen_core import treatment, values, vocabulary


def builtin_rulesets_dir() -> Path | None:
    """Installed wheel: trialscreen/_rulesets; source checkout or editable install: <repo>/rulesets."""
    import trialscreen

    packaged = Path(trialscreen.__file__).parent / "_rulesets"
    if packaged.is_dir():
        return packaged
    checkout = Path(__file__).resolve().parents[2] / "rulesets"
    return checkout if checkout.is_dir() else None


@hookimpl
def trialscreen_observation_tests() -> list[ObservationTest | QualitativeTest]:
    return vocabulary.observation_tests()


@hookimpl
def trialscreen_history_categories() -> list[HistoryCategory]:
    return vocabulary.history_categories()


@hookimpl
def trialscreen_drug_classes() -> list[DrugClass]:
    return vocabulary.drug_classes()


@hookimpl
def trialscreen_drugs() -> list[DrugEntry]:
    return vocabulary.drugs()


@hookimpl
def trialscreen_values() -> list[DerivedValue]:
    return [*values.VALUES, *treatment.VALUES]


@hookimpl
def trialscreen_predicates() -> list[Predicate]:
    return [*values.PREDICATES, *treatment.PREDICATES]


@hookimpl
def trialscreen_rulesets() -> list[RulesetSource]:
    folder = builtin_rulesets_dir()
    if folder is None:
        return []
    return [RulesetSource(id=p.stem, path=p) for p in sorted(folder.glob("*.yaml"))]
