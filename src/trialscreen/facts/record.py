"""Normalise a validated `Patient` against the loaded plugins: observations to canonical units, drug names to
catalogue entries, codes checked. Every problem is collected and raised together, each naming its field."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from trialscreen.errors import PatientInputError
from trialscreen.model.patient import Assessment, Medication, Observation, Patient, Serology
from trialscreen.plugins.manager import PluginManager
from trialscreen.plugins.types import DrugEntry, ObservationTest, QualitativeTest
from trialscreen.units import UnitError, canonical_value


@dataclass(frozen=True)
class NormalisedObservation:
    test: ObservationTest
    value: float
    date: date
    ref_low: float | None
    ref_high: float | None
    source: str  # e.g. "labs[2]"
    original: Observation


@dataclass(frozen=True)
class NormalisedSerology:
    test: QualitativeTest
    result: str
    date: date
    source: str
    original: Serology


@dataclass(frozen=True)
class Exposure:
    medication: Medication
    drug: DrugEntry | None  # None: not in the catalogue (reported, and makes class questions unknown)
    source: str


@dataclass(frozen=True)
class ParsedAssessment:
    assessment: Assessment
    items: object | None
    source: str


@dataclass
class PatientRecord:
    patient: Patient
    observations: dict[str, list[NormalisedObservation]] = field(default_factory=dict)
    serologies: dict[str, list[NormalisedSerology]] = field(default_factory=dict)
    exposures: list[Exposure] = field(default_factory=list)
    assessments: dict[str, list[ParsedAssessment]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    weight_kg: float | None = None
    height_cm: float | None = None
    #: SHA-256 of the validated patient in canonical JSON (sorted keys, no whitespace): the report's input digest.
    digest: str = ""


#: Plausible body measures (a value outside is an input error: most often a unit mix-up).
BODY_MEASURES = {"weight": ("kg", 0.5, 400.0), "height": ("cm", 30.0, 250.0)}


# Indexes built from a plugin manager's (immutable, cached) catalogues, once per catalogue object rather than once
# per patient: building the drug index cost a quarter of the time of screening one patient.
_INDEXES: dict[tuple[str, int], tuple[object, dict]] = {}


def _memo(kind: str, source: dict, build: Callable[[dict], dict]) -> dict:
    entry = _INDEXES.get((kind, id(source)))
    if entry is None or entry[0] is not source:
        entry = _INDEXES[(kind, id(source))] = (source, build(source))
    return entry[1]


def _index(tests: dict[str, ObservationTest | QualitativeTest]) -> dict[str, ObservationTest | QualitativeTest]:
    return _memo("tests", tests, _build_test_index)


def _build_test_index(tests: dict[str, ObservationTest | QualitativeTest]) -> dict[str, ObservationTest | QualitativeTest]:
    index: dict[str, ObservationTest | QualitativeTest] = {}
    for test in tests.values():
        for key in (test.id, *test.loinc, *test.aliases):
            index.setdefault(key.strip().lower(), test)
    return index


def drug_index(drugs: dict[str, DrugEntry]) -> dict[str, DrugEntry]:
    """Catalogue entries by normalised name and synonym (built once per catalogue object)."""
    return _memo("drugs", drugs, _build_drug_index)


def _build_drug_index(drugs: dict[str, DrugEntry]) -> dict[str, DrugEntry]:
    index: dict[str, DrugEntry] = {}
    for drug in drugs.values():
        for key in (drug.name, *drug.synonyms):
            index.setdefault(_drug_key(key), drug)
    return index


def _drug_key(name: str) -> str:
    return "".join(ch for ch in name.lower() if ch.isalnum())


def patient_digest(patient: Patient) -> str:
    """SHA-256 of `patient` in canonical JSON: independent of key order and formatting in the input file."""
    canonical = json.dumps(patient.model_dump(mode="json"), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def normalise(patient: Patient, plugins: PluginManager, *, source: str = "patient") -> PatientRecord:
    record = PatientRecord(patient, digest=patient_digest(patient))
    problems: list[str] = []
    tests = _index(plugins.observation_tests)
    same_day: dict[tuple[str, date], list[tuple[str, object, str, str]]] = {}

    for name, (unit, low, high) in BODY_MEASURES.items():
        quantity = getattr(patient, name)
        if quantity is None:
            continue
        try:
            value = canonical_value(quantity.value, quantity.unit, unit)
        except UnitError as exc:
            problems.append(f"field '{name}.unit': {exc} (expected e.g. {unit})")
            continue
        if not low <= value <= high:
            problems.append(f"field '{name}': {quantity.value} {quantity.unit} is not a plausible {name} "
                            f"(plausible {low:g}–{high:g} {unit})")
            continue
        setattr(record, f"{name}_{unit}", value)

    for section in ("labs", "vitals"):
        for i, obs in enumerate(getattr(patient, section)):
            where = f"{section}[{i}]"
            test = tests.get(obs.test.strip().lower())
            if test is None or not isinstance(test, ObservationTest):
                problems.append(f"field '{where}.test': unknown observation test {obs.test!r}")
                continue
            try:
                value = canonical_value(obs.value, obs.unit, test.unit, conversions=test.unit_conversions())
                ref_unit = obs.ref_unit or obs.unit
                low = None if obs.ref_low is None else canonical_value(
                    obs.ref_low, ref_unit, test.unit, conversions=test.unit_conversions())
                high = None if obs.ref_high is None else canonical_value(
                    obs.ref_high, ref_unit, test.unit, conversions=test.unit_conversions())
            except UnitError as exc:
                problems.append(f"field '{where}.unit': {exc} for {test.name} (expected e.g. {test.unit})")
                continue
            lo, hi = test.plausible
            if not lo <= value <= hi:
                problems.append(
                    f"field '{where}.value': {obs.value} {obs.unit} ({value:g} {test.unit}) is not a plausible "
                    f"{test.name}; plausible range {lo:g}–{hi:g} {test.unit} — check the value and its unit"
                )
                continue
            # A reference limit divides the value (x ULN): a negative or absurd one would make any value pass.
            bad_limit = False
            for limit_field, limit, given in (("ref_low", low, obs.ref_low), ("ref_high", high, obs.ref_high)):
                if limit is not None and not 0 <= limit <= hi:
                    problems.append(
                        f"field '{where}.{limit_field}': {given} {obs.ref_unit or obs.unit} ({limit:g} {test.unit}) is not a "
                        f"plausible reference limit of {test.name} (plausible 0–{hi:g} {test.unit})"
                    )
                    bad_limit = True
            if bad_limit:
                continue
            same_day.setdefault((test.id, obs.date), []).append((where, value, test.unit, test.name))
            if obs.date > patient.screening.date:
                record.warnings.append(f"{where}: dated after the screening date; not used")
                continue
            record.observations.setdefault(test.id, []).append(
                NormalisedObservation(test, value, obs.date, low, high, where, obs)
            )

    for i, ser in enumerate(patient.serologies):
        where = f"serologies[{i}]"
        test = tests.get(ser.test.strip().lower())
        if test is None or not isinstance(test, QualitativeTest):
            problems.append(f"field '{where}.test': unknown qualitative test {ser.test!r}")
            continue
        same_day.setdefault((test.id, ser.date), []).append((where, ser.result, "", test.name))
        if ser.date > patient.screening.date:
            record.warnings.append(f"{where}: dated after the screening date; not used")
            continue
        record.serologies.setdefault(test.id, []).append(NormalisedSerology(test, ser.result, ser.date, where, ser))

    if patient.medications is not None:
        drugs = drug_index(plugins.drugs)
        for i, med in enumerate(patient.medications.items):
            where = f"medications.items[{i}]"
            drug = drugs.get(_drug_key(med.drug))
            if drug is None:
                record.warnings.append(
                    f"{where}.drug: {med.drug!r} is not in the drug catalogue; questions about drug classes "
                    "stay unknown until it is identified"
                )
            record.exposures.append(Exposure(med, drug, where))

    categories = plugins.history_categories
    for i, event in enumerate(patient.history.events):
        if event.category not in categories:
            problems.append(f"field 'history.events[{i}].category': unknown history category {event.category!r}")
    if patient.history.reviewed != "all":
        for cat in patient.history.reviewed:
            if cat not in categories:
                problems.append(f"field 'history.reviewed': unknown history category {cat!r}")

    indications = plugins.indications
    for i, dx in enumerate(patient.diagnoses):
        if dx.indication not in indications:
            problems.append(
                f"field 'diagnoses[{i}].indication': unknown indication code {dx.indication!r} "
                f"(known: {', '.join(sorted(indications))})"
            )
    target = patient.screening.target_indication
    if target is not None and target not in indications:
        problems.append(f"field 'screening.target_indication': unknown indication code {target!r}")

    instruments = plugins.assessment_instruments
    for i, assessment in enumerate(patient.assessments):
        where = f"assessments[{i}]"
        instrument = instruments.get(assessment.instrument)
        if instrument is None:
            problems.append(f"field '{where}.instrument': unknown instrument {assessment.instrument!r}")
            continue
        items = None
        if assessment.items is not None and instrument.items_model is not None:
            from pydantic import ValidationError

            try:
                items = instrument.items_model.model_validate(assessment.items)
            except ValidationError as exc:
                for err in exc.errors(include_url=False):
                    loc = ".".join(str(p) for p in err["loc"])
                    problems.append(f"field '{where}.items.{loc}': {err['msg']}")
                continue
        record.assessments.setdefault(assessment.instrument, []).append(ParsedAssessment(assessment, items, where))

    problems.extend(_contradictions(same_day))
    problems.extend(_before_birth(patient))

    if problems:
        raise PatientInputError("the patient record has problems", source=source, problems=problems)
    for series in record.observations.values():
        series.sort(key=lambda o: o.date)
    for series in record.serologies.values():
        series.sort(key=lambda s: s.date)
    for assessed in record.assessments.values():
        assessed.sort(key=lambda a: a.assessment.date)
    return record


def _contradictions(same_day: dict[tuple[str, date], list[tuple[str, object, str, str]]]) -> list[str]:
    """Two different results of one test on the same day: which one counts cannot be guessed, and the later one
    in the file would silently win. (Assessments may be scored twice a day, e.g. by two physicians: not checked.)"""
    out = []
    for (_, day), given in same_day.items():
        first_where, first, unit, name = given[0]
        for where, value, _, _ in given[1:]:
            if value != first:
                shown = f" ({value!r} vs {first!r}{' ' + unit if unit else ''})"
                out.append(f"field '{where}': a second, different {name} result on {day}{shown}, besides "
                           f"{first_where}; keep the one that counts")
    return out


def _dated_fields(patient: Patient) -> list[tuple[str, date]]:
    fields: list[tuple[str, date | None]] = []
    if patient.consent is not None:
        fields.append(("consent.date", patient.consent.date))
    for i, dx in enumerate(patient.diagnoses):
        fields += [(f"diagnoses[{i}].onset_date", dx.onset_date), (f"diagnoses[{i}].diagnosis_date", dx.diagnosis_date)]
    for section in ("labs", "vitals", "serologies", "assessments"):
        fields += [(f"{section}[{i}].date", item.date) for i, item in enumerate(getattr(patient, section))]
    if patient.medications is not None:
        for i, med in enumerate(patient.medications.items):
            fields += [(f"medications.items[{i}].{k}", getattr(med, k)) for k in ("start_date", "end_date", "last_dose_date")]
    for i, event in enumerate(patient.history.events):
        fields += [(f"history.events[{i}].date", event.date), (f"history.events[{i}].end_date", event.end_date)]
    for i, decision in enumerate(patient.investigator.decisions):
        fields.append((f"investigator.decisions[{i}].date", decision.date))
    return [(where, when) for where, when in fields if when is not None]


def _before_birth(patient: Patient) -> list[str]:
    """Anything dated before the patient was born (the birth date, or the earliest one `age_years` allows)."""
    if patient.birth_date is not None:
        born, what = patient.birth_date, f"the birth date {patient.birth_date}"
    elif patient.age_years is not None:
        from dateutil.relativedelta import relativedelta

        born = patient.screening.date - relativedelta(years=patient.age_years + 1, days=-1)
        what = f"the earliest birth date age_years {patient.age_years} allows ({born})"
    else:
        return []
    return [f"field '{where}': {when} is before {what}" for where, when in _dated_fields(patient) if when < born]
