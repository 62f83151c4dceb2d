"""Unit conversions the protocols need, on input (pint plus per-analyte factors). Expected values: the
conventional factors 88.4 µmol/L per mg/dL creatinine and 17.1 µmol/L per mg/dL bilirubin (Young DS, Ann Intern
Med 1987;106:114-129; see trialscreen_core.formulas), 1 g/dL = 10 g/L, 1 cell/µL = 10^-3 × 10^9/L, and
1 mg/mg = 113.12 mg/mmol (creatinine molar mass)."""

from __future__ import annotations

import pytest

from trialscreen.plugins.manager import default_manager
from trialscreen.units import UnitError, canonical_value


def convert(test: str, value: float, unit: str) -> float:
    spec = default_manager().observation_tests[test]
    return canonical_value(value, unit, spec.unit, conversions=spec.unit_conversions())


@pytest.mark.parametrize(
    "test, value, unit, expected",
    [
        ("creatinine", 1.5, "mg/dL", 132.6),
        ("creatinine", 2.0, "mg/dL", 176.8),
        ("creatinine", 15, "mg/L", 132.6),
        ("creatinine", 0.1326, "mmol/L", 132.6),
        ("bilirubin_total", 1.0, "mg/dL", 17.1),
        ("bilirubin_total", 18, "µmol/L", 18.0),
        ("hemoglobin", 8.0, "g/dL", 80.0),
        ("hemoglobin", 80, "g/L", 80.0),
        ("platelets", 50_000, "/µL", 50.0),
        ("platelets", 50, "×10^9/L", 50.0),
        ("platelets", 50, "10*9/L", 50.0),
        ("anc", 1500, "cells/mm3", 1.5),
        ("lymphocytes", 0.4, "x10^9/L", 0.4),
        ("fibrinogen", 300, "mg/dL", 3.0),
        ("proteinuria_24h", 3500, "mg/24h", 3.5),
        ("proteinuria_24h", 6, "g/24 h", 6.0),
        ("upcr", 113.12, "mg/mmol", 1.0),
        ("upcr", 1000, "mg/g", 1.0),
        ("alt", 120, "IU/L", 120.0),
        ("spo2_room_air", 92, "%", 92.0),
        ("heart_rate", 75, "bpm", 75.0),
    ],
)
def test_conversions_to_canonical(test, value, unit, expected):
    assert convert(test, value, unit) == expected


@pytest.mark.parametrize("test, unit", [("creatinine", "10^9/L"), ("platelets", "mg/dL"), ("hemoglobin", "parsecs")])
def test_incompatible_or_unknown_units_raise(test, unit):
    with pytest.raises(UnitError):
        convert(test, 1.0, unit)
