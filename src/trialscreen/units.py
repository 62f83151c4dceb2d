"""Unit normalisation for observations, on pint.

Lab reports spell units many ways (``×10^9/L``, ``10*9/L``, ``/µL``, ``IU/L``, ``g/24 h``). `canonical_value`
rewrites the spelling into a pint expression, lets pint do the dimensional conversion, and applies an
analyte's conventional mass-to-substance factor (creatinine 88.4, bilirubin 17.1 µmol/L per mg/dL) where a
value arrives in mg/dL but is kept in µmol/L. An unknown or incompatible unit raises `UnitError`; nothing is
guessed. The pint registry is built once, on first use, because it costs ~0.3 s.
"""

from __future__ import annotations

import re
from decimal import Decimal
from collections.abc import Mapping
from functools import lru_cache
from typing import Any


class UnitError(ValueError):
    """A unit that is unknown, or cannot express the quantity it is attached to."""


# Lab spellings → pint expressions. Applied in order, on the stripped text.
_SPELLINGS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"^(?:[x×*]\s*)?10\s*(?:\^|\*\*|\*|e|E)\s*9\s*/\s*l$", re.I), "giga_per_liter"),
    (re.compile(r"^(?:[x×*]\s*)?10\s*(?:\^|\*\*|\*|e|E)\s*12\s*/\s*l$", re.I), "tera_per_liter"),
    (re.compile(r"^(?:cells\s*)?/\s*(?:µ|u|μ)l$", re.I), "1/microliter"),
    (re.compile(r"^(?:cells\s*)?/\s*mm(?:3|\^3|³)$", re.I), "1/microliter"),
    (re.compile(r"^g\s*/\s*(?:24\s*h(?:ours?)?|d|day)$", re.I), "gram/day"),
    (re.compile(r"^mg\s*/\s*(?:24\s*h(?:ours?)?|d|day)$", re.I), "milligram/day"),
    # IU and U are interchangeable on lab reports (enzymes, rheumatoid factor): both read as pint's enzyme unit.
    (re.compile(r"^i?u\s*/\s*l$", re.I), "enzyme_unit/liter"),
    (re.compile(r"^i?u\s*/\s*ml$", re.I), "enzyme_unit/milliliter"),
    (re.compile(r"^ki?u\s*/\s*l$", re.I), "kiloenzyme_unit/liter"),
    (re.compile(r"^(?:bpm|beats?\s*/\s*min|/\s*min)$", re.I), "1/minute"),
    (re.compile(r"^(?:ratio|dimensionless|1|class|none|)$", re.I), "dimensionless"),
    (re.compile(r"^(?:s|sec|secs|seconds?)$", re.I), "second"),
    (re.compile(r"^ml\s*/\s*min(?:\s*/\s*1\.73\s*m(?:2|\^2|²))?$", re.I), "milliliter/minute"),
]
_MICRO = str.maketrans({"µ": "u", "μ": "u"})
#: Longest unit text looked up (``mL/min/1.73 m²`` is 15 characters).
MAX_UNIT_LENGTH = 40


@lru_cache(maxsize=1)
def registry() -> Any:
    import pint

    ureg = pint.UnitRegistry(cache_folder=":auto:")
    ureg.define("giga_per_liter = 1e9 / liter")
    ureg.define("tera_per_liter = 1e12 / liter")
    return ureg


@lru_cache(maxsize=512)
def _pint_spelling(text: str) -> str:
    """The pint expression a lab spelling stands for (no pint needed to compute it)."""
    spelled = text.strip()
    for pattern, replacement in _SPELLINGS:
        if pattern.match(spelled):
            return replacement
    return spelled.translate(_MICRO).replace("^", "**")


@lru_cache(maxsize=512)
def parse_unit(text: str) -> Any:
    """The pint unit for a lab spelling; `UnitError` if pint does not know it."""
    if len(text) > MAX_UNIT_LENGTH:  # pint's parser slows down on long text; no real unit is near this long
        raise UnitError(f"unknown unit {text[:20]!r}… (longer than {MAX_UNIT_LENGTH} characters)")
    spelled = _pint_spelling(text)
    ureg = registry()
    try:
        return ureg.parse_units(spelled)
    except Exception as exc:  # pint raises several types for bad text
        raise UnitError(f"unknown unit {text!r}") from exc


def clean(x: float) -> float:
    """Round to 10 significant digits, so 1.5 mg/dL × 88.4 is 132.6 and an exact cut-off stays exact."""
    if x == 0 or x != x or x in (float("inf"), float("-inf")):
        return x
    return float(format(Decimal(repr(x)), ".10g"))


# Spellings whose conversion factors are kept in `trialscreen.unit_table` (computed by pint, checked against pint
# by a test): the units lab reports and rulesets commonly use. Any other spelling goes through pint itself.
COMMON_SPELLINGS = (
    "10^9/L", "x10^9/L", "×10^9/L", "10*9/L", "10^12/L", "/uL", "/µL", "cells/uL", "cells/µL", "/mm3",
    "g/L", "g/dL", "mg/dL", "mg/L", "mg/mL", "ug/mL", "µg/mL", "ng/mL", "mmol/L", "umol/L", "µmol/L", "nmol/L",
    "U/L", "IU/L", "U/mL", "IU/mL", "kU/L", "kIU/L",
    "mg/mmol", "mg/g", "mg/mg", "g/g", "g/mmol", "g/d", "g/day", "g/24h", "g/24 h", "mg/d", "mg/day", "mg/24h",
    "mmHg", "kPa", "s", "sec", "ms", "min", "h", "%", "dimensionless", "ratio", "1/min", "/min", "bpm",
    "mL/min", "mL/min/1.73m2", "mL/min/1.73 m²", "L", "mL",
    "kg", "g", "lb", "cm", "m", "mm", "in",
)


def unit_signature(text: str) -> tuple[str, float]:
    """(dimensionality, magnitude of one `text` in base units), from pint: what `trialscreen.unit_table` holds."""
    quantity = registry().Quantity(1, parse_unit(text)).to_base_units()
    return str(quantity.dimensionality), float(quantity.magnitude)


def build_unit_table() -> dict[str, tuple[str, float]]:
    """The table `trialscreen.unit_table.SIGNATURES` holds, recomputed with pint (its test compares the two)."""
    return {_pint_spelling(text): unit_signature(text) for text in COMMON_SPELLINGS}


def _factor(unit: str, target: str) -> float | None:
    """How many `target` one `unit` is, or None if their dimensions differ; from the stored table when both
    spellings are in it (no pint start-up: the common case), else from pint."""
    from trialscreen.unit_table import SIGNATURES

    a, b = SIGNATURES.get(_pint_spelling(unit)), SIGNATURES.get(_pint_spelling(target))
    if a is None or b is None:
        source, dest = registry().Quantity(1, parse_unit(unit)), registry().Quantity(1, parse_unit(target))
        if source.dimensionality != dest.dimensionality:
            return None
        return float(source.to(dest.units).magnitude)
    return a[1] / b[1] if a[0] == b[0] else None


def canonical_value(value: float, unit: str, canonical: str, *, conversions: Mapping[str, float] | None = None) -> float:
    """`value` in `unit`, expressed in `canonical`.

    `conversions` maps a unit of another dimension to the canonical units one of it equals (creatinine:
    ``{"mg/dL": 88.4}``; UPCR: ``{"mg/mmol": 1 / 113.12}``); any unit pint can convert to one of those works too.
    """
    if _pint_spelling(unit) == _pint_spelling(canonical):
        return clean(float(value))  # already canonical
    factor = _factor(unit, canonical)
    if factor is not None:
        return clean(float(value) * factor)
    for other, per_other in (conversions or {}).items():
        factor = _factor(unit, other)
        if factor is not None:
            return clean(float(value) * factor * per_other)
    raise UnitError(f"unit {unit!r} cannot express a value measured in {canonical!r}")


def write_unit_table(path: str) -> None:
    """Regenerate `trialscreen/unit_table.py` (``python -c 'from trialscreen.units import write_unit_table;
    write_unit_table("src/trialscreen/unit_table.py")'``)."""
    lines = ['"""Dimensionality and base-unit magnitude of common unit spellings, computed by pint',
             "(`trialscreen.units.build_unit_table`; tests/core/test_units.py checks it is current). Keeps pint's",
             '~0.3 s start-up out of the common path."""', "", "SIGNATURES: dict[str, tuple[str, float]] = {"]
    lines += [f"    {k!r}: ({v[0]!r}, {v[1]!r})," for k, v in sorted(build_unit_table().items())]
    lines += ["}", ""]
    with open(path, "w", encoding="utf-8") as handle:
        handle.write("\n".join(lines))
