from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from trialscreen.facts.context import ScreeningContext
from trialscreen.facts.record import normalise
from trialscreen.model.patient import Patient
from trialscreen.plugins.manager import default_manager

BASE: dict[str, Any] = {
    "id": "t", "screening": {"date": "2026-11-20"}, "sex": "female", "birth_date": "1980-03-15",
    "weight": "60 kg", "height": "165 cm", "diagnoses": [{"indication": "SLE"}],
}


@pytest.fixture
def context():
    def make(**overrides: Any) -> ScreeningContext:
        data = {**BASE, **overrides}
        patient = Patient.model_validate(data)
        record = normalise(patient, default_manager())
        return ScreeningContext(record, patient.screening.date, default_manager())

    return make


def meds(*items: dict[str, Any], complete: bool = True) -> dict[str, Any]:
    return {"complete": complete, "items": list(items)}


def as_date(text: str) -> date:
    return date.fromisoformat(text)
