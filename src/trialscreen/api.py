"""The typed Python API: `load_patient` and `evaluate`. The CLI is a thin layer over these."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from trialscreen.engine.backends import BackendName
from trialscreen.engine.compile import CompiledRuleset, compile_ruleset
from trialscreen.engine.evaluate import evaluate_record
from trialscreen.errors import PatientInputError
from trialscreen.facts.record import PatientRecord, normalise
from trialscreen.io.files import DocumentError, describe_errors, parse_document, read_text
from trialscreen.model.patient import Patient
from trialscreen.plugins.manager import PluginManager, default_manager
from trialscreen.report import Report
from trialscreen.rules.loader import LoadedRuleset, find_ruleset
from trialscreen.rules.model import Ruleset


def load_patient(source: str | Path | dict[str, Any] | Patient, *, name: str | None = None) -> Patient:
    """A validated `Patient` from a file path ('-' for stdin), a dict, or a `Patient`."""
    if isinstance(source, Patient):
        return source
    if isinstance(source, dict):
        data, label = source, name or "<patient dict>"
    else:
        try:
            text, label = read_text(source)
            data = parse_document(text, label)
        except DocumentError as exc:
            raise PatientInputError(str(exc), source=str(source)) from exc
    if not isinstance(data, dict):
        raise PatientInputError("a patient record must be a mapping (id, screening, ...)", source=label)
    try:
        return Patient.model_validate(data)
    except ValidationError as exc:
        raise PatientInputError("the patient record does not validate", source=label,
                                problems=describe_errors(exc, data)) from exc


def compiled_ruleset(ref: str | Path | LoadedRuleset, plugins: PluginManager | None = None) -> CompiledRuleset:
    """Load (by id or path) and compile a ruleset, once per process per content and plugin set."""
    plugins = plugins or default_manager()
    loaded = ref if isinstance(ref, LoadedRuleset) else find_ruleset(ref, plugins)
    key = (str(loaded.path), loaded.sha256)
    if key not in plugins.compiled:  # cached on the manager: a ruleset compiles against one plugin set
        plugins.compiled[key] = compile_ruleset(loaded.ruleset, plugins, sha256=loaded.sha256, source=str(loaded.path))
    return plugins.compiled[key]


def evaluate(
    patient: str | Path | dict[str, Any] | Patient,
    ruleset: str | Path | LoadedRuleset,
    *,
    as_of: date | None = None,
    backend: BackendName = "durable",
    plugins: PluginManager | None = None,
    patient_name: str | None = None,
) -> Report:
    """Evaluate one patient against one ruleset (an installed id or a file path) and return the `Report`."""
    plugins = plugins or default_manager()
    compiled = compiled_ruleset(ruleset, plugins)
    record = normalise_patient(patient, plugins, name=patient_name)
    return evaluate_record(compiled, record, plugins, as_of=as_of, backend=backend)


def normalise_patient(patient: str | Path | dict[str, Any] | Patient, plugins: PluginManager, *, name: str | None = None) -> PatientRecord:
    label = name or (str(patient) if isinstance(patient, (str, Path)) else getattr(patient, "id", "patient"))
    return normalise(load_patient(patient, name=name), plugins, source=label)


__all__ = ["DocumentError", "Ruleset", "compiled_ruleset", "evaluate", "load_patient", "normalise_patient"]
