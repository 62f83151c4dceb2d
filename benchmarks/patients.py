"""Varied patient records for the benchmarks, made from the example records in examples/patients/.

Each variant is an example with a new id, a birth date up to 3 years earlier (one in ten: up to 30), and its
laboratory values for the tests in `SCALED` multiplied by a factor: most near 1, one in seven anywhere in a
wide range (below or far above the cut-offs); about one in twelve variants also loses one of those results. So
criteria are met, not met and unknown across the set, and every verdict occurs. Values stay inside the
plausibility ranges of the core vocabulary, so every variant is a valid record.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples" / "patients"

#: laboratory test → the wide range of the factor its value is sometimes scaled by
SCALED = {"platelets": (0.2, 3.0), "wbc": (0.4, 2.5), "anc": (0.3, 2.5), "hemoglobin": (0.6, 1.3),
          "alt": (0.5, 8.0), "ast": (0.5, 8.0), "creatinine": (0.6, 3.5), "bilirubin_total": (0.5, 4.0)}
NEAR = (0.85, 1.15)
WIDE_SHARE = 1 / 7


def examples() -> list[dict[str, Any]]:
    """The example records as JSON-shaped dicts (dates as ISO text), in file-name order."""
    out = []
    for path in sorted(EXAMPLES.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        out.append(json.loads(json.dumps(data, default=str)))
    return out


def variant(base: dict[str, Any], number: int, rng: random.Random) -> dict[str, Any]:
    """A copy of `base` with new id, age and laboratory values (only the changed parts are copied)."""
    p = dict(base)
    p["id"] = f"{base['id']}-v{number}"
    if isinstance(p.get("birth_date"), str):
        year, month, day = (int(x) for x in p["birth_date"].split("-"))
        older = rng.randint(0, 30 if rng.random() < 0.1 else 3)
        p["birth_date"] = f"{year - older:04d}-{month:02d}-{min(day, 28):02d}"
    labs = []
    for lab in p.get("labs", []):
        factors = SCALED.get(lab.get("test", ""))
        if factors and isinstance(lab.get("value"), (int, float)):
            low, high = factors if rng.random() < WIDE_SHARE else NEAR
            lab = dict(lab, value=round(lab["value"] * rng.uniform(low, high), 2))
        labs.append(lab)
    scaled = [i for i, lab in enumerate(labs) if lab.get("test") in SCALED]
    if scaled and rng.random() < 1 / 12:
        del labs[rng.choice(scaled)]
    if "labs" in p:
        p["labs"] = labs
    return p


def variants(count: int, seed: int = 7) -> Iterator[dict[str, Any]]:
    """`count` variants, cycling through the examples."""
    rng = random.Random(seed)
    bases = examples()
    for i in range(count):
        yield variant(bases[i % len(bases)], i, rng)


MALFORMED = '{"id": "malformed-record", "screening": {"date": "2026-03-16"'  # cut off mid-object


def write_jsonl(path: Path, count: int, seed: int = 7) -> int:
    """Write `count` lines of JSON Lines: generated patients, with the middle line malformed. Returns the number
    (1-based) of the malformed line."""
    bad = count // 2 + 1
    with path.open("w", encoding="utf-8") as out:
        for line, patient in enumerate(variants(count - 1, seed), start=1):
            if line == bad:
                out.write(MALFORMED + "\n")
            out.write(json.dumps(patient, ensure_ascii=False) + "\n")
        if bad == count:  # one or two lines: the malformed one comes last
            out.write(MALFORMED + "\n")
    return bad
