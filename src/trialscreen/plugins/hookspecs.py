"""The plugin contract: every hook a trialscreen plugin may implement.

A plugin is a module (or object) with functions named after these hooks and marked with
``@trialscreen.hookimpl``, registered through the ``trialscreen.plugins`` entry-point group. Every hook takes no
arguments and returns a list of frozen records from `trialscreen.plugins.types`; the manager
(`trialscreen.plugins.manager.PluginManager`) flattens the lists, checks ids for collisions, and is the only code
that calls these hooks.

Minimal plugin::

    # my_plugin.py            pyproject.toml: [project.entry-points."trialscreen.plugins"] mg = "my_plugin"
    from trialscreen import hookimpl
    from trialscreen.plugins.types import Indication

    @hookimpl
    def trialscreen_indications():
        return [Indication(code="MG", name="Generalised myasthenia gravis", icd10=("G70.0",))]
"""

from __future__ import annotations

import pluggy

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

PROJECT = "trialscreen"
hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


@hookspec
def trialscreen_indications() -> list[Indication]:
    """Diseases this plugin lets a cohort enrol.

    Example::

        return [Indication(code="SLE", name="Systemic lupus erythematosus", icd10=("M32",), snomed=("55464009",))]

    :return: indications; a code provided by two plugins stops loading with both named.
    """


@hookspec
def trialscreen_observation_tests() -> list[ObservationTest | QualitativeTest]:
    """Laboratory, vital-sign and other tests a patient record may carry, with canonical units.

    Example::

        return [ObservationTest(id="c3", name="Complement C3", unit="g/L", loinc=("4485-9",), plausible=(0, 10))]

    :return: tests; records name a test by id, LOINC code or alias, and values convert to ``unit`` on load.
    """


@hookspec
def trialscreen_history_categories() -> list[HistoryCategory]:
    """Categories of dated history events rulesets may ask about.

    Example::

        return [HistoryCategory(id="thymectomy", label="Thymectomy")]

    :return: categories; an event in a record with an unknown category is an input error.
    """


@hookspec
def trialscreen_drug_classes() -> list[DrugClass]:
    """Drug classes that rulesets may name (``anti_cd20``, ``tpo_ra``…).

    Example::

        return [DrugClass(id="fcrn_antagonist", label="Neonatal Fc receptor antagonist")]

    :return: classes; every class a drug names must be provided by some plugin.
    """


@hookspec
def trialscreen_drugs() -> list[DrugEntry]:
    """Drugs the catalogue knows, with classes, mechanism, ATC code, synonyms and half-life.

    Example::

        return [DrugEntry(name="efgartigimod alfa", classes=("fcrn_antagonist",), synonyms=("Vyvgart",))]

    :return: drugs; a name or synonym provided twice stops loading with both providers named.
    """


@hookspec
def trialscreen_assessment_instruments() -> list[AssessmentInstrument]:
    """Instruments (activity scores, indices) whose item-level answers a record may carry.

    Example::

        return [AssessmentInstrument(id="sle.sledai2k", name="SLEDAI-2K", items_model=Sledai2kItems)]

    :return: instruments; a record's assessment items are validated against ``items_model``.
    """


@hookspec
def trialscreen_values() -> list[DerivedValue]:
    """Derived values rulesets can compare: scores, formulas, counts.

    Example::

        return [DerivedValue(id="core.age_years", name="Age in completed years", unit="years", compute=age)]

    :return: values; rulesets refer to them by id (``fact: core.age_years``).
    """


@hookspec
def trialscreen_predicates() -> list[Predicate]:
    """Named yes/no definitions rulesets can use, e.g. a protocol's refractoriness definition.

    Example::

        return [Predicate(id="sle.refractory_p002", name="...", compute=refractory, parameters={"months": 6})]

    :return: predicates; rulesets call them with ``predicate: {id: ..., params: {...}}``.
    """


@hookspec
def trialscreen_rulesets() -> list[RulesetSource]:
    """Ruleset files (one trial protocol each) this plugin ships.

    Example::

        return [RulesetSource(id="mg-cart-01", path=Path(__file__).parent / "rulesets" / "mg-cart-01.yaml")]

    :return: ruleset sources; an id provided twice stops loading with both providers named.
    """
