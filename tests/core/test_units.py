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


# -- the stored factor table (keeps pint out of the common path) -------------------------------------------------

def test_unit_table_is_current_with_pint():
    """src/trialscreen/unit_table.py must equal what pint computes today (regenerate with write_unit_table)."""
    from trialscreen.unit_table import SIGNATURES
    from trialscreen.units import build_unit_table

    assert SIGNATURES == build_unit_table()


@pytest.mark.parametrize("value", [0.001, 1.5, 88.4, 1234.5])
def test_table_conversions_equal_pint_conversions(value):
    """Every same-dimension pair of stored spellings converts exactly as pint converts it directly."""
    from trialscreen.units import COMMON_SPELLINGS, _factor, clean, parse_unit, registry, unit_signature

    ureg = registry()
    checked = 0
    for a in COMMON_SPELLINGS:
        for b in COMMON_SPELLINGS:
            if unit_signature(a)[0] != unit_signature(b)[0]:
                assert _factor(a, b) is None
                continue
            direct = clean(float(ureg.Quantity(value, parse_unit(a)).to(parse_unit(b)).magnitude))
            assert clean(value * _factor(a, b)) == direct, (a, b, value)
            checked += 1
    assert checked > 300


def test_common_conversion_needs_no_pint(monkeypatch):
    """Creatinine in mg/dL and platelets in /µL convert from the table alone (pint is never started)."""
    import trialscreen.units as units

    def no_pint():
        raise AssertionError("pint was started")

    monkeypatch.setattr(units, "registry", no_pint)
    assert units.canonical_value(1.5, "mg/dL", "umol/L", conversions={"mg/dL": 88.4}) == 132.6
    assert units.canonical_value(150000, "/µL", "10^9/L") == 150.0
    assert units.canonical_value(2.5, "g/dL", "g/L") == 25.0
