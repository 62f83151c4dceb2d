"""Seeded mutations of the valid example patients and rulesets: the inputs of the bad-input fuzz run.

`make_case(seed, index)` builds case `index` of run `seed` from nothing but those two numbers, so any case a run
reports can be rebuilt alone (`python tests/stress/fuzz_inputs.py --seed S --only INDEX --keep DIR`).

Each mutation says whether it *must* make the input invalid (`must_fail`): then a report instead of an error is a
failure of the run. Mutations that may leave a usable record (a dropped optional key, a truncation at a line
boundary, a drug the catalogue does not know) are `must_fail=False`: a report (exit 0) or an error (exit 1) are
both fine; an error must still name the file and the field.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import random
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]

#: Example patients are named after the ruleset they illustrate.
_EXAMPLE_PREFIXES = {"chec2024-181": "chec2024-181", "nct06316791": "nct06316791", "nct07212322": "nct07212322",
                     "renji": "renji-cd19-car-dnt", "zju-children-sle-cart": "zju-children-sle-cart"}
#: Patient seeds and the ruleset each is evaluated against.
PATIENT_SEEDS: dict[str, str] = {
    **{f"examples/patients/{p.name}": next(r for pre, r in _EXAMPLE_PREFIXES.items() if p.name.startswith(pre + "-"))
       for p in sorted((ROOT / "examples/patients").glob("*.yaml"))},
    "tests/fixtures/mini-patient.yaml": "tests/fixtures/mini-ruleset.yaml",
}
#: Ruleset seeds, the patient each is evaluated against, and how often each is picked (the big protocol
#: rulesets take ~0.3 s to load and compile, the fixtures milliseconds).
RULESET_SEEDS: dict[str, tuple[str, int]] = {
    "tests/fixtures/mini-ruleset.yaml": ("tests/fixtures/mini-patient.yaml", 30),
    **{f"tests/fixtures/rulesets/{p.name}": ("tests/fixtures/mini-patient.yaml", 6)
       for p in sorted((ROOT / "tests/fixtures/rulesets").glob("*.yaml"))},
    "rulesets/nct07212322.yaml": ("examples/patients/nct07212322-eligible.yaml", 2),
    "rulesets/chec2024-181.yaml": ("examples/patients/chec2024-181-ssc.yaml", 1),
    "rulesets/nct06316791.yaml": ("examples/patients/nct06316791-aav.yaml", 1),
    "rulesets/renji-cd19-car-dnt.yaml": ("examples/patients/renji-aav-mpa-relapse.yaml", 1),
    "rulesets/zju-children-sle-cart.yaml": ("examples/patients/zju-children-sle-cart-child-eligible.yaml", 1),
}


@dataclass
class Case:
    index: int
    kind: str  # "patient" or "ruleset"
    seed_file: str  # the valid file it was made from
    partner: str  # the ruleset (for a patient) or patient (for a ruleset) it is evaluated with
    mutation: str
    data: bytes
    suffix: str  # ".yaml" or ".json"
    must_fail: bool
    detail: str = ""
    backend: str = "durable"
    #: A file whose creation would prove that input executed code.
    canary: str | None = None


# -- seeds ---------------------------------------------------------------------------------------------------


@lru_cache(maxsize=None)
def seed_text(path: str) -> str:
    return (ROOT / path).read_text(encoding="utf-8")


@lru_cache(maxsize=None)
def _seed_data(path: str) -> Any:
    return yaml.load(seed_text(path), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # noqa: S506


def seed_data(path: str) -> Any:
    return copy.deepcopy(_seed_data(path))


def _json_default(obj: Any) -> Any:
    if isinstance(obj, (dt.date, dt.datetime)):
        return obj.isoformat()
    raise TypeError(type(obj).__name__)


def dump(data: Any, fmt: str) -> bytes:
    if fmt == ".json":
        return json.dumps(data, default=_json_default, ensure_ascii=False, allow_nan=True).encode("utf-8")
    return _yaml(data).encode("utf-8")


def _yaml(data: Any) -> str:
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=200)


class _Dumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # type: ignore[misc]
    def ignore_aliases(self, data: Any) -> bool:
        return True  # a list of one repeated item is written out in full, as an export would


# -- walking a document ----------------------------------------------------------------------------------------

Path_ = tuple[Any, ...]


def paths(data: Any, prefix: Path_ = ()) -> list[Path_]:
    """Every path to a value (mappings and lists included), depth-first."""
    out = [prefix]
    if isinstance(data, dict):
        for k, v in data.items():
            out.extend(paths(v, (*prefix, k)))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            out.extend(paths(v, (*prefix, i)))
    return out


def get(data: Any, path: Path_) -> Any:
    for p in path:
        data = data[p]
    return data


def put(data: Any, path: Path_, value: Any) -> None:
    get(data, path[:-1])[path[-1]] = value


def delete(data: Any, path: Path_) -> None:
    parent = get(data, path[:-1])
    del parent[path[-1]]


def _free_form(path: Path_) -> bool:
    """Parts of a record or ruleset that hold free data (event details, assessment items, plugin parameters,
    inline-test patients and overrides): a changed value there may be perfectly valid."""
    return any(p in ("details", "items", "params", "patient", "changes", "expect") for p in path if isinstance(p, str))


def _fmt(path: Path_) -> str:
    return "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path).lstrip(".") or "(document)"


# -- value pools -------------------------------------------------------------------------------------------------

WRONG_TYPES: list[Any] = ["text", "", 42, -1, 0, 3.5, True, False, None, [], {}, [1, "a"], {"x": 1}, "2026-01-01"]
#: Written into the YAML text as-is (so the loader, not PyYAML's dumper, decides what they are).
HUGE_NUMBERS = ["1e308", "-1.7e308", "1.0e+309", "-1.0e+309", ".nan", ".inf", "-.inf", "1" + "0" * 30,
                "9" * 400, "9" * 5000, str(2**63), str(-(2**63) - 1), "0.0000000000000000000001", "-0.0"]
JSON_HUGE = ["1e308", "1e400", "-1e400", "NaN", "Infinity", "-Infinity", "1" + "0" * 30, "9" * 400, "9" * 5000,
             str(2**63), "1e-400", "-0.0"]
TINY_NUMBERS = {"0.0000000000000000000001", "-0.0", "1e-400"}
NON_FINITE = {".nan", ".inf", "-.inf", "1.0e+309", "-1.0e+309", "1e400", "-1e400", "NaN", "Infinity", "-Infinity"}
#: Units no parser knows. (The first was "furlong" until the 100,000-case run of session 3: pint knows it, so on a
#: length fact — a VAS in cm — it converts, and the "must fail" expectation was the oracle's mistake.)
UNKNOWN_UNITS = ["zorkmid", "bananas/L", "xyz/ml", "mg/dL/", "10^9/", "kg**1000", "((", "1/0", "__import__('os')",
                 "m" * 300, "µ", "e", "°X"]
OTHER_UNITS = ["mg/dL", "g/L", "%", "kg", "10^9/L", "IU/mL", "", "mmol/L", "cells/uL", "umol/L", "ms", "h",
               "1/s", "ratio", "10^12/L", "g/dL", "mmHg", "lb", "g", "mL/min", "U/L", "s"]
BAD_DATES = ["2026-02-30", "2026-13-01", "0000-01-01", "26-01-01", "2026/01/01", 20260101, "yesterday",
             "2026-01-01T25:00:00", "", "9999-99-99", "2026-1-1x"]
ANCIENT_DATES = [dt.date(1, 1, 1), dt.date(1066, 10, 14), dt.date(1899, 12, 31)]
FAR_FUTURE = [dt.date(9999, 12, 31), dt.date(2999, 1, 1), dt.date(2201, 1, 1)]


# -- patient mutations ---------------------------------------------------------------------------------------




class Skip(Exception):
    """This mutation does not apply to this seed; pick another."""


Mutated = tuple[bytes, bool, str]  # data, must_fail, detail


def _leaves(data: Any, pred: Callable[[Path_, Any], bool]) -> list[Path_]:
    return [p for p in paths(data) if p and pred(p, get(data, p))]


def _choose(rng: random.Random, items: list[Any]) -> Any:
    if not items:
        raise Skip
    return rng.choice(items)


def _observations(d: dict) -> list[Path_]:
    return [(sec, i) for sec in ("labs", "vitals") for i, o in enumerate(d.get(sec) or []) if isinstance(o, dict)]


def _dated(d: dict) -> list[Path_]:
    """Paths of the date fields of dated items (not birth or screening date), outside free-form data."""
    return _leaves(d, lambda p, v: isinstance(v, dt.date) and p[0] not in ("birth_date", "screening")
                   and not _free_form(p))


def m_wrong_type(rng, d, fmt) -> Mutated:
    path = _choose(rng, _leaves(d, lambda p, v: True))
    old = get(d, path)
    new = rng.choice([w for w in WRONG_TYPES if type(w) is not type(old)])
    put(d, path, new)
    return dump(d, fmt), False, f"{_fmt(path)} = {new!r} (was {type(old).__name__})"


def m_drop_key(rng, d, fmt) -> Mutated:
    path = _choose(rng, _leaves(d, lambda p, v: isinstance(p[-1], str)))
    delete(d, path)
    return dump(d, fmt), False, f"dropped {_fmt(path)}"


def m_extra_key(rng, d, fmt) -> Mutated:
    path = _choose(rng, [p for p in paths(d) if isinstance(get(d, p), dict)])
    key = rng.choice(["unexpected_field", "Value", "valeur", "id ", "x" * 1000, "labs", "__class__", "$schema"])
    target = get(d, path)
    if key in target:
        raise Skip
    target[key] = rng.choice(WRONG_TYPES)
    # an extra key is refused everywhere except in free-form data (and '$schema' at the top of a ruleset)
    must = not _free_form((*path, key)) and not (key == "$schema" and path == ())
    return dump(d, fmt), must, f"{_fmt((*path, key))} added"


def m_huge_number(rng, d, fmt) -> Mutated:
    path = _choose(rng, _leaves(d, lambda p, v: isinstance(v, (int, float)) and not isinstance(v, bool)))
    pool = JSON_HUGE if fmt == ".json" else HUGE_NUMBERS
    text = rng.choice(pool)
    marker = "__FUZZ_NUMBER__"
    put(d, path, marker)
    raw = dump(d, fmt).decode("utf-8")
    raw = raw.replace(f'"{marker}"' if fmt == ".json" else marker, text, 1)
    # non-finite numbers are refused anywhere; ints beyond 4300 digits cannot even be read; a huge measured value
    # is implausible (a tiny one or -0.0 may be a plausible zero)
    must = text in NON_FINITE or len(text) > 4300 or (_observation_value(path) and text not in TINY_NUMBERS)
    return raw.encode("utf-8"), must, f"{_fmt(path)} = {text[:40]}"


def _observation_value(path: Path_) -> bool:
    return len(path) == 3 and path[0] in ("labs", "vitals") and path[2] == "value"


def m_negative_age(rng, d, fmt) -> Mutated:
    d.pop("birth_date", None)
    d["age_years"] = rng.choice([-1, -30, -(10**6), 121, 200, 10**9])
    return dump(d, fmt), True, f"age_years = {d['age_years']}"


def m_birth_after_screening(rng, d, fmt) -> Mutated:
    screening = d["screening"]["date"]
    d.pop("age_years", None)
    d["birth_date"] = screening + dt.timedelta(days=rng.randint(1, 20000))
    return dump(d, fmt), True, f"birth_date {d['birth_date']} after screening {screening}"


def m_impossible_lab(rng, d, fmt) -> Mutated:
    path = _choose(rng, _observations(d))
    obs = get(d, path)
    if not isinstance(obs.get("value"), (int, float)):
        raise Skip
    choice = rng.randrange(3)
    if choice == 0:
        obs["value"] = -abs(obs["value"]) - rng.choice([0.5, 1, 100])
    elif choice == 1:
        obs["value"] = (abs(obs["value"]) + 1) * 10 ** rng.randint(6, 12)
    else:
        obs.update(test="creatinine", value=80, unit="mg/dL")  # the issue's example: 80 mg/dL is 7,072 µmol/L
        obs.pop("ref_unit", None)
    return dump(d, fmt), True, f"{_fmt(path)} = {obs['value']} {obs.get('unit')}"


def m_impossible_reference(rng, d, fmt) -> Mutated:
    path = _choose(rng, [p for p in _observations(d) if isinstance(get(d, p).get("value"), (int, float))])
    obs = get(d, path)
    obs.pop("ref_unit", None)
    choice = rng.randrange(3)
    if choice == 0:
        obs["ref_high"], obs["ref_low"] = -abs(obs["value"]) - 1, None
    elif choice == 1:
        obs["ref_low"], obs["ref_high"] = 5, 1
    else:
        obs["ref_low"], obs["ref_high"] = None, (abs(obs["value"]) + 1) * 10**8
    obs.setdefault("ref_low", None)
    if obs["ref_low"] is None:
        del obs["ref_low"]
    return dump(d, fmt), True, f"{_fmt(path)} reference {obs.get('ref_low')}–{obs.get('ref_high')}"


def m_wrong_unit(rng, d, fmt) -> Mutated:
    paths_ = [(*p, "unit") for p in _observations(d)] + [(k,) for k in ("weight", "height") if k in d]
    path = _choose(rng, paths_)
    unknown = rng.random() < 0.5
    unit = rng.choice(UNKNOWN_UNITS if unknown else OTHER_UNITS)
    if path[0] in ("weight", "height"):
        value = get(d, path)
        number = value.get("value") if isinstance(value, dict) else str(value).split()[0]
        put(d, path, {"value": float(number), "unit": unit})
    else:
        put(d, path, unit)
    return dump(d, fmt), unknown, f"{_fmt(path)} = {unit!r}"


def m_unknown_code(rng, d, fmt) -> Mutated:
    options: list[tuple[Path_, str, bool]] = []
    options += [((*p, "test"), "unobtainium", True) for p in _observations(d)]
    options += [(("serologies", i, "test"), "hbsag-ish", True) for i in range(len(d.get("serologies") or []))]
    options += [(("diagnoses", i, "indication"), "LUPUS", True) for i in range(len(d.get("diagnoses") or []))]
    options += [(("assessments", i, "instrument"), "nope.score", True) for i in range(len(d.get("assessments") or []))]
    options += [(("history", "events", i, "category"), "astrology", True)
                for i in range((len((d.get("history") or {}).get("events") or [])))]
    meds = (d.get("medications") or {}).get("items") or []
    options += [(("medications", "items", i, "drug"), "unknownumab", False) for i in range(len(meds))]
    options += [(("serologies", i, "result"), "borderline", True) for i in range(len(d.get("serologies") or []))]
    path, value, must = _choose(rng, options)
    put(d, path, value)
    return dump(d, fmt), must, f"{_fmt(path)} = {value!r}"


def m_future_date(rng, d, fmt) -> Mutated:
    path = _choose(rng, _dated(d) + [("screening", "date")])
    far = rng.random() < 0.4
    if far:
        new = rng.choice(FAR_FUTURE)
    else:
        new = d["screening"]["date"] + dt.timedelta(days=rng.randint(1, 3650))
    put(d, path, new)
    # a result dated after the screening date is not used (and said so); a date past 2200 is refused
    return dump(d, fmt), far, f"{_fmt(path)} = {new}"


def m_before_birth(rng, d, fmt) -> Mutated:
    if "birth_date" not in d:
        raise Skip
    path = _choose(rng, _dated(d))
    new = d["birth_date"] - dt.timedelta(days=rng.randint(1, 20000))
    put(d, path, new)
    return dump(d, fmt), True, f"{_fmt(path)} = {new}, before birth {d['birth_date']}"


def m_invalid_date(rng, d, fmt) -> Mutated:
    path = _choose(rng, _dated(d) + [("screening", "date")] + ([("birth_date",)] if "birth_date" in d else []))
    bad = rng.choice(BAD_DATES + ANCIENT_DATES + FAR_FUTURE)
    put(d, path, bad)
    return dump(d, fmt), True, f"{_fmt(path)} = {bad!r}"


def m_contradiction(rng, d, fmt) -> Mutated:
    options = [p for p in _observations(d) if isinstance(get(d, p).get("value"), (int, float))]
    options += [("serologies", i) for i in range(len(d.get("serologies") or []))]
    path = _choose(rng, options)
    item = copy.deepcopy(get(d, path))
    if path[0] == "serologies":
        item["result"] = "positive" if item.get("result") != "positive" else "negative"
        item.pop("value", None)
    else:
        item["value"] = round(item["value"] * 1.5 + 1, 3) if item["value"] < 1 else item["value"] * 0.5
        if item["value"] == get(d, path)["value"]:
            raise Skip
    section = d[path[0]]
    section.insert(rng.randrange(len(section) + 1), item)
    return dump(d, fmt), True, f"{path[0]}: {item.get('test')} on {item.get('date')} given twice, differently"


def m_exact_duplicate(rng, d, fmt) -> Mutated:
    sections = [s for s in ("labs", "vitals", "serologies", "diagnoses", "assessments") if d.get(s)]
    sec = _choose(rng, sections)
    item = copy.deepcopy(rng.choice(d[sec]))
    d[sec].append(item)
    return dump(d, fmt), False, f"{sec}: an item repeated exactly"


def m_deep_nesting(rng, d, fmt) -> Mutated:
    depth = rng.choice([70, 200, 1000, 5000, 20000, 100000, 1000000])
    path = _choose(rng, [p for p in paths(d) if p and isinstance(p[-1], str)])
    marker = "__FUZZ_DEEP__"
    put(d, path, marker)
    raw = dump(d, fmt).decode("utf-8")
    opener, closer = rng.choice([("[", "]"), ("{a: ", "}") if fmt != ".json" else ('{"a": ', "}")])
    nested = opener * depth + "1" + closer * depth
    raw = raw.replace(f'"{marker}"' if fmt == ".json" else marker, nested, 1)
    return raw.encode("utf-8"), True, f"{_fmt(path)} nested {depth} deep"


def m_long_string(rng, d, fmt) -> Mutated:
    path = _choose(rng, _leaves(d, lambda p, v: isinstance(v, str)))
    size = rng.choice([10_000, 1_000_000, 4_000_000])
    put(d, path, rng.choice("xé≥") * size)
    return dump(d, fmt), False, f"{_fmt(path)} is {size:,} characters"


def m_big_list(rng, d, fmt) -> Mutated:
    path = _choose(rng, [p for p in paths(d) if isinstance(get(d, p), list) and get(d, p)])
    items = get(d, path)
    n = rng.choice([1_000, 10_000, 50_000])
    put(d, path, [items[i % len(items)] for i in range(n)])  # the same objects: written out in full by dump()
    # in flow style (JSON is YAML too) above 1,000 items: PyYAML's emitter takes seconds for 50,000
    return dump(d, ".json" if n > 1_000 else fmt), False, f"{_fmt(path)} has {n:,} items"


# -- byte- and text-level mutations (any kind of file) -----------------------------------------------------


def b_truncate(rng, raw: bytes) -> Mutated:
    cut = rng.randrange(len(raw))
    return raw[:cut], cut == 0, f"truncated at byte {cut} of {len(raw)}"


def b_bit_flip(rng, raw: bytes) -> Mutated:
    buf = bytearray(raw)
    n = rng.choice([1, 2, 8, 64])
    for _ in range(n):
        i = rng.randrange(len(buf))
        buf[i] ^= 1 << rng.randrange(8)
    return bytes(buf), False, f"{n} bit(s) flipped"


def b_invalid_utf8(rng, raw: bytes) -> Mutated:
    bad = rng.choice([b"\xff", b"\xfe\xff", b"\xc3\x28", b"\x80", b"\xed\xa0\x80", b"\xf4\x90\x80\x80", b"\xc0\xaf"])
    i = rng.randrange(len(raw) + 1)
    return raw[:i] + bad + raw[i:], True, f"{bad!r} at byte {i}"


def b_other_encoding(rng, raw: bytes) -> Mutated:
    text = raw.decode("utf-8")
    enc = rng.choice(["utf-16", "utf-32", "utf-16-le", "latin-1", "cp1252"])
    try:
        out = text.encode(enc)
    except UnicodeEncodeError:
        out = text.encode(enc, errors="replace")
    if enc.startswith("utf-"):
        must = True  # a BOM or NUL bytes: not UTF-8 text that YAML or JSON accepts
    else:
        try:
            out.decode("utf-8")  # nothing but ASCII left (unencodable characters became '?'): still readable
            must = False
        except UnicodeDecodeError:
            must = True
    return out, must, f"encoded as {enc}"


def b_bom(rng, raw: bytes) -> Mutated:
    return b"\xef\xbb\xbf" + raw, False, "UTF-8 byte-order mark"


def b_control(rng, raw: bytes) -> Mutated:
    ch = rng.choice([b"\x00", b"\x01", b"\x07", b"\x1b", b"\x7f", b"\x0c", b"\x0b"])
    i = rng.randrange(len(raw) + 1)
    must = ch == b"\x00"
    return raw[:i] + ch + raw[i:], must, f"{ch!r} at byte {i}"


def b_line_edit(rng, raw: bytes) -> Mutated:
    lines = raw.split(b"\n")
    i = rng.randrange(len(lines))
    op = rng.choice(["dup", "del", "swap", "indent", "dedent", "tab", "crlf"])
    if op == "dup":
        lines.insert(i, lines[i])
    elif op == "del":
        del lines[i]
    elif op == "swap" and len(lines) > 1:
        j = rng.randrange(len(lines))
        lines[i], lines[j] = lines[j], lines[i]
    elif op == "indent":
        lines[i] = b"  " + lines[i]
    elif op == "dedent":
        lines[i] = lines[i].lstrip()
    elif op == "tab":
        lines[i] = b"\t" + lines[i].lstrip(b" ")
    else:
        return raw.replace(b"\n", b"\r\n"), False, "CRLF line endings"
    return b"\n".join(lines), False, f"line {i + 1}: {op}"


def b_oversize(rng, raw: bytes) -> Mutated:
    from trialscreen.io.files import MAX_INPUT_BYTES

    over = rng.random() < 0.7
    target = MAX_INPUT_BYTES + rng.randint(1, 4096) if over else MAX_INPUT_BYTES - rng.randint(0, 4096)
    pad = b"\n# " + b"x" * max(0, target - len(raw) - 3)
    out = (raw + pad)[:target]
    if not over:
        out = raw + (b"\n#" + b"y" * (target - len(raw) - 2) if target - len(raw) >= 2 else b"")
    return out, over, f"{len(out):,} bytes"


def b_empty(rng, raw: bytes) -> Mutated:
    text = rng.choice([b"", b"\n", b"---\n", b"null\n", b"[]\n", b"42\n", b'"text"\n', b"- a\n- b\n", b"{}\n", b"~",
                       b"--- !!set {a, b}\n", b"...\n", b"---\n---\n"])
    return text, True, f"document {text!r}"


# -- YAML attacks -----------------------------------------------------------------------------------------


def y_billion_laughs(rng, d, fmt) -> Mutated:
    """Anchors referring to anchors: 10 levels of 10 references expand to 10^10 values if followed."""
    levels = rng.choice([6, 8, 10, 30])
    lines = ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for i in range(1, levels):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]")
    where = _laugh_target(rng, d)
    put(d, where, "__FUZZ_LAUGHS__")
    body = _yaml(d)
    bomb = "{" + ", ".join(line.replace(": ", ": ", 1) for line in lines) + "}"
    return body.replace("__FUZZ_LAUGHS__", bomb, 1).encode("utf-8"), True, f"{levels}-level alias bomb at {_fmt(where)}"


def _laugh_target(rng, d) -> Path_:
    events = ((d.get("history") or {}).get("events")) if isinstance(d.get("history"), dict) else None
    options: list[Path_] = [("extra_bomb",)]
    if events:
        options.append(("history", "events", 0, "details"))
    crit = d.get("criteria")
    if isinstance(crit, list):
        for i, c in enumerate(crit):
            cond = c.get("condition", {}) if isinstance(c, dict) else {}
            if isinstance(cond, dict) and "predicate" in cond:
                options.append(("criteria", i, "condition", "predicate", "params"))
            if isinstance(cond, dict) and "fact" in cond:
                options.append(("criteria", i, "condition", "params"))
    return rng.choice(options)


def y_merge_bomb(rng, d, fmt) -> Mutated:
    levels = rng.choice([8, 12, 20])
    lines = ["m0: &m0 {k0: 1, k1: 2, k2: 3, k3: 4, k4: 5, k5: 6, k6: 7, k7: 8, k8: 9, k9: 10}"]
    for i in range(1, levels):
        lines.append(f"m{i}: &m{i} {{<<: [" + ", ".join([f"*m{i - 1}"] * 10) + f"], z{i}: 0}}")
    body = _yaml(d)
    return ("\n".join(lines) + "\n" + body).encode("utf-8"), True, f"{levels}-level merge-key bomb"


def y_python_tag(rng, d, fmt, canary: str) -> Mutated:
    tags = [
        f"!!python/object/apply:os.system ['touch {canary}']",
        f"!!python/object/apply:subprocess.call [['touch', '{canary}']]",
        f"!!python/object/new:subprocess.Popen [['touch', '{canary}']]",
        "!!python/name:os.system",
        "!!python/module:os",
        f"!!python/object/apply:builtins.exec [\"open('{canary}', 'w')\"]",
        "!!python/tuple [1, 2]",
        "!!python/object:__main__.Thing {a: 1}",
        f"!!python/object/apply:builtins.eval [\"__import__('pathlib').Path('{canary}').touch()\"]",
        f"!<tag:yaml.org,2002:python/object/apply:os.system> ['touch {canary}']",
    ]
    tag = rng.choice(tags)
    path = _choose(rng, [p for p in paths(d) if p and isinstance(p[-1], str)])
    put(d, path, "__FUZZ_TAG__")
    body = _yaml(d)
    return body.replace("__FUZZ_TAG__", tag, 1).encode("utf-8"), True, f"{_fmt(path)} = {tag.split()[0]}"


def y_other_tag(rng, d, fmt) -> Mutated:
    """Tags the safe loader does construct: sets, binary, ordered maps, timestamps, explicit strings."""
    tag = rng.choice(["!!set {a, b}", "!!binary aGVsbG8=", "!!omap [a: 1, b: 2]", "!!pairs [a: 1, a: 2]",
                      "!!timestamp 2026-01-01 10:00:00", "!!str 12", "!!int '7'", "!!float '1e3'", "!!bool yes",
                      "!!null ''", "!custom 1", "!!merge x", "!!timestamp 2026-02-30", "!!int 0x" + "f" * 5000])
    path = _choose(rng, [p for p in paths(d) if p and isinstance(p[-1], str)])
    put(d, path, "__FUZZ_TAG__")
    body = _yaml(d)
    refused = ("!custom", "!!set", "!!binary", "!!omap", "!!pairs", "!!timestamp 2026-02-30")  # see io/files.py
    return body.replace("__FUZZ_TAG__", tag, 1).encode("utf-8"), tag.startswith(refused), f"{_fmt(path)} = {tag[:30]}"


def y_deep_text(rng, d, fmt) -> Mutated:
    depth = rng.choice([65, 500, 5000, 100000, 1000000])
    style = rng.choice(["flow-seq", "flow-map", "block-seq", "json"])
    if style == "flow-seq":
        text = "x: " + "[" * depth + "]" * depth
    elif style == "flow-map":
        text = "x: " + "{a: " * depth + "1" + "}" * depth
    elif style == "block-seq":
        text = "x: " + "- " * depth + "1"
        text = "x:\n  " + "- " * depth + "1"
    else:
        text = '{"x": ' + "[" * depth + "]" * depth + "}"
    return text.encode("utf-8"), True, f"{style} nested {depth} deep"


def y_duplicate_key(rng, d, fmt) -> Mutated:
    path = _choose(rng, [p for p in paths(d) if isinstance(get(d, p), dict) and get(d, p) and not _free_form(p)])
    target = get(d, path)
    key = rng.choice(list(target))
    marker = "__FUZZ_DUP__"
    target[marker] = target[key]
    raw = dump(d, fmt).decode("utf-8")
    raw = raw.replace(f'"{marker}"' if fmt == ".json" else marker, json.dumps(key) if fmt == ".json" else str(key), 1)
    return raw.encode("utf-8"), True, f"{_fmt(path)}: key {key!r} written twice"


def j_syntax(rng, d, fmt) -> Mutated:
    raw = json.dumps(d, default=_json_default)
    op = rng.choice(["trailing-comma", "comment", "single-quotes", "nan", "bare-word", "unclosed"])
    if op == "trailing-comma":
        raw = raw[:-1] + ",}"
    elif op == "comment":
        raw = "// exported\n" + raw
    elif op == "single-quotes":
        raw = raw.replace('"', "'", 2)
    elif op == "nan":
        raw = raw[:-1] + ', "x": NaN}'
    elif op == "bare-word":
        raw = raw[:-1] + ', "x": undefined}'
    else:
        raw = raw[:-1]
    return raw.encode("utf-8"), True, f"JSON {op}"


# -- ruleset mutations -------------------------------------------------------------------------------------


def _conditions(d: dict) -> list[Path_]:
    out = []
    for p in paths(d):
        if p and p[0] == "criteria" and isinstance(get(d, p), dict) and (p[-1] == "condition" or _in_condition(p)):
            node = get(d, p)
            if any(k in node for k in ("fact", "all", "any", "not", "at_least", "if", "review_if", "event", "drug",
                                        "serology", "diagnosis", "predicate", "judgement", "review")):
                out.append(p)
    return out


def _in_condition(p: Path_) -> bool:
    return "condition" in p and not _free_form(p)


def _facts(d: dict) -> list[Path_]:
    return [p for p in _conditions(d) if "fact" in get(d, p)]


def r_bad_op(rng, d, fmt) -> Mutated:
    path = _choose(rng, _facts(d))
    op = rng.choice(["=~", "≥", "gte", "=", "<>", "", None, 5, "in"])
    get(d, path)["op"] = op
    return dump(d, fmt), True, f"{_fmt(path)}.op = {op!r}"


def r_unknown_reference(rng, d, fmt) -> Mutated:
    options: list[tuple[Path_, str, Any]] = []
    for p in _conditions(d):
        node = get(d, p)
        if "fact" in node:
            options += [((*p, "fact"), "f", rng.choice(["lab.unobtainium", "core.nope", "lab.alt.x_ulm", "patient.",
                                                          "vital.", "", "lab", "lab.alt.x_uln.extra"]))]
        if "predicate" in node and isinstance(node["predicate"], dict):
            options += [((*p, "predicate", "id"), "p", "core.no_such_predicate")]
        if "event" in node and isinstance(node["event"], dict):
            options += [((*p, "event", "category"), "e", "astrology")]
        if "drug" in node and isinstance(node["drug"], dict):
            options += [((*p, "drug", "classes"), "d", ["no_such_class"])]
        if "serology" in node and isinstance(node["serology"], dict):
            options += [((*p, "serology", "test"), "s", "unobtainium")]
        if "diagnosis" in node and isinstance(node["diagnosis"], dict):
            options += [((*p, "diagnosis", "indications"), "i", ["LUPUS"])]
    for i, c in enumerate(d.get("cohorts") or []):
        options += [(("cohorts", i, "indication"), "c", "LUPUS")]
    for i, c in enumerate(d.get("criteria") or []):
        if isinstance(c, dict) and isinstance(c.get("cohorts"), dict):
            key = "only" if "only" in c["cohorts"] else "except"
            options += [(("criteria", i, "cohorts", key), "k", ["no-such-cohort"])]
    path, _, value = _choose(rng, options)
    put(d, path, value)
    return dump(d, fmt), True, f"{_fmt(path)} = {value!r}"


def r_bad_threshold(rng, d, fmt) -> Mutated:
    path = _choose(rng, [p for p in _facts(d) if isinstance(get(d, p).get("value"), (int, float))
                         and not isinstance(get(d, p).get("value"), bool)])
    node = get(d, path)
    choice = rng.randrange(4)
    if choice == 0:
        node["unit"] = rng.choice(UNKNOWN_UNITS)
        must, what = True, f"unit {node['unit']!r}"
    elif choice == 1:
        node["unit"] = rng.choice(OTHER_UNITS)
        must, what = False, f"unit {node['unit']!r}"
    else:
        text = rng.choice(JSON_HUGE if fmt == ".json" else HUGE_NUMBERS)
        node["value"] = "__FUZZ_NUMBER__"
        raw = dump(d, fmt).decode("utf-8").replace('"__FUZZ_NUMBER__"' if fmt == ".json" else "__FUZZ_NUMBER__", text, 1)
        return raw.encode("utf-8"), text in NON_FINITE or len(text) > 4300, f"{_fmt(path)}.value = {text[:40]}"
    return dump(d, fmt), must, f"{_fmt(path)}: {what}"


def r_window(rng, d, fmt) -> Mutated:
    options = [p for p in paths(d) if p and p[-1] in ("within", "observation_window") and isinstance(get(d, p), dict)]
    path = _choose(rng, options)
    choice = rng.randrange(5)
    if choice == 0:
        new, must = {rng.choice(["days", "weeks", "months", "years"]): rng.choice([10**6, 10**9, 10**30, 2**63])}, True
    elif choice == 1:
        new, must = {"months": -rng.randint(1, 100)}, True
    elif choice == 2:
        new, must = {"months": 6, "days": 3}, True
    elif choice == 3:
        new, must = {}, True
    else:
        new, must = {"months": rng.choice(["six", 6.5, None, True])}, True
    put(d, path, new)
    # windows inside plugin parameters are checked too, but through the plugin's parameter check
    return dump(d, fmt), must, f"{_fmt(path)} = {new}"


def r_structure(rng, d, fmt) -> Mutated:
    choice = rng.randrange(8)
    crits = d.get("criteria")
    if not isinstance(crits, list) or not crits:
        raise Skip
    if choice == 0:
        crits.append(copy.deepcopy(rng.choice(crits)))
        return dump(d, fmt), True, "a criterion id used twice"
    if choice == 1:
        i = rng.randrange(len(crits))
        crits[i]["id"] = rng.choice(["Inc Age", "", "1st", "ÄÖ", "a" * 10000 + " "])
        return dump(d, fmt), True, f"criteria[{i}].id = bad id"
    if choice == 2:
        d["criteria"] = []
        return dump(d, fmt), True, "no criteria"
    if choice == 3:
        i = rng.randrange(len(crits))
        crits[i]["condition"] = rng.choice([{}, {"nothing": 1}, [], "true", None, {"all": []}, {"any": "x"}])
        return dump(d, fmt), True, f"criteria[{i}].condition broken"
    if choice == 4:
        i = rng.randrange(len(crits))
        n = rng.choice([len(crits[i].get("condition", {}).get("all", [])) + 1, 0, -1, 10**9])
        crits[i]["condition"] = {"at_least": {"count": n, "of": [{"review": "x"}]}} if n != 1 else {"review": "x"}
        return dump(d, fmt), n != 1, f"criteria[{i}] at_least count {n}"
    if choice == 5:
        i = rng.randrange(len(crits))
        depth = rng.choice([10, 30, 70, 300])
        cond: Any = crits[i]["condition"]
        for _ in range(depth):
            cond = {"not": cond}
        crits[i]["condition"] = cond
        marker_depth = depth + 3  # criteria → [i] → condition → nots
        return dump(d, fmt) if depth < 200 else _deep_dump(d, fmt), marker_depth > 64, f"criteria[{i}] under {depth} 'not's"
    if choice == 6:
        i = rng.randrange(len(crits))
        crits[i]["kind"] = rng.choice(["include", "Inclusion", "", None, 1])
        return dump(d, fmt), True, f"criteria[{i}].kind broken"
    i = rng.randrange(len(crits))
    crits[i]["text"] = rng.choice(["", None, 12, ["a"]])
    return dump(d, fmt), True, f"criteria[{i}].text broken"


def _deep_dump(d: Any, fmt: str) -> bytes:
    return json.dumps(d, default=_json_default).encode("utf-8")  # JSON is valid YAML and dumps deep structures


def r_params(rng, d, fmt) -> Mutated:
    options = [p for p in _conditions(d) if "predicate" in get(d, p) and isinstance(get(d, p)["predicate"], dict)]
    options += [p for p in _facts(d) if get(d, p).get("params")]
    path = _choose(rng, options)
    node = get(d, path)
    params = node["predicate"].setdefault("params", {}) if "predicate" in node else node.setdefault("params", {})
    key = rng.choice(["within", "classes", "names", "months", "unknown_param", *list(params)])
    value = rng.choice(WRONG_TYPES + [{"months": -1}, {"years": 10**9}, ["b_cell_depleting", 3], [{"a": 1}], 10**400,
                                      "x" * 10000])
    params[key] = value
    return dump(d, fmt), False, f"{_fmt(path)} params.{key} = {str(value)[:40]}"


# -- the menu ----------------------------------------------------------------------------------------------------

STRUCTURE_COMMON: dict[str, Callable[..., Mutated]] = {
    "wrong_type": m_wrong_type,
    "drop_key": m_drop_key,
    "extra_key": m_extra_key,
    "huge_number": m_huge_number,
    "deep_nesting": m_deep_nesting,
    "long_string": m_long_string,
    "big_list": m_big_list,
    "duplicate_key": y_duplicate_key,
}
PATIENT_ONLY: dict[str, Callable[..., Mutated]] = {
    "negative_or_huge_age": m_negative_age,
    "birth_after_screening": m_birth_after_screening,
    "impossible_lab": m_impossible_lab,
    "impossible_reference": m_impossible_reference,
    "wrong_unit": m_wrong_unit,
    "unknown_code": m_unknown_code,
    "future_date": m_future_date,
    "date_before_birth": m_before_birth,
    "invalid_date": m_invalid_date,
    "contradictory_results": m_contradiction,
    "exact_duplicate": m_exact_duplicate,
}
RULESET_ONLY: dict[str, Callable[..., Mutated]] = {
    "bad_operator": r_bad_op,
    "unknown_reference": r_unknown_reference,
    "bad_threshold": r_bad_threshold,
    "bad_window": r_window,
    "broken_structure": r_structure,
    "plugin_params": r_params,
}
YAML_ATTACKS: dict[str, Callable[..., Mutated]] = {
    "billion_laughs": y_billion_laughs,
    "merge_bomb": y_merge_bomb,
    "other_tag": y_other_tag,
    "deep_text": y_deep_text,
}
BYTE_LEVEL: dict[str, Callable[[random.Random, bytes], Mutated]] = {
    "truncate": b_truncate,
    "bit_flip": b_bit_flip,
    "invalid_utf8": b_invalid_utf8,
    "other_encoding": b_other_encoding,
    "utf8_bom": b_bom,
    "control_char": b_control,
    "line_edit": b_line_edit,
    "oversize": b_oversize,
    "empty_or_scalar": b_empty,
}
#: Rough shares of each family (the rest of the weight is spread evenly inside a family).
FAMILIES = [("byte", 30), ("structure", 25), ("domain", 35), ("yaml", 8), ("python_tag", 2)]


def all_mutations(kind: str) -> list[str]:
    domain = PATIENT_ONLY if kind == "patient" else RULESET_ONLY
    return sorted([*BYTE_LEVEL, *STRUCTURE_COMMON, *domain, *YAML_ATTACKS, "python_tag", "json_syntax"])


def make_case(seed: int, index: int, *, canary_dir: str = "/tmp") -> Case:
    """Case `index` of run `seed`: deterministic in (seed, index) alone."""
    rng = random.Random(f"trialscreen-fuzz:{seed}:{index}")
    kind = "patient" if rng.random() < 0.6 else "ruleset"
    if kind == "patient":
        seed_file = rng.choice(sorted(PATIENT_SEEDS))
        partner = PATIENT_SEEDS[seed_file]
    else:
        names = sorted(RULESET_SEEDS)
        seed_file = rng.choices(names, weights=[RULESET_SEEDS[n][1] for n in names])[0]
        partner = RULESET_SEEDS[seed_file][0]
    fmt = ".json" if rng.random() < 0.25 else ".yaml"
    backend = "python" if kind == "ruleset" and rng.random() < 0.8 else "durable"
    canary = f"{canary_dir}/trialscreen-fuzz-canary-{seed}-{index}"
    for _attempt in range(20):
        family = rng.choices([f for f, _ in FAMILIES], weights=[w for _, w in FAMILIES])[0]
        data = seed_data(seed_file)
        try:
            if family == "byte":
                name = rng.choice(sorted(BYTE_LEVEL))
                base = dump(data, fmt) if fmt == ".json" else seed_text(seed_file).encode("utf-8")
                raw, must, detail = BYTE_LEVEL[name](rng, base)
            elif family == "structure":
                name = rng.choice(sorted(STRUCTURE_COMMON))
                raw, must, detail = STRUCTURE_COMMON[name](rng, data, fmt)
            elif family == "domain":
                menu = PATIENT_ONLY if kind == "patient" else RULESET_ONLY
                name = rng.choice(sorted(menu))
                raw, must, detail = menu[name](rng, data, fmt)
            elif family == "yaml":
                if fmt == ".json":
                    name = "json_syntax"
                    raw, must, detail = j_syntax(rng, data, fmt)
                else:
                    name = rng.choice(sorted(YAML_ATTACKS))
                    raw, must, detail = YAML_ATTACKS[name](rng, data, fmt)
            else:
                name = "python_tag"
                fmt = ".yaml"
                raw, must, detail = y_python_tag(rng, data, fmt, canary)
        except Skip:
            continue
        return Case(index, kind, seed_file, partner, name, raw, fmt, must, detail, backend,
                    canary if name == "python_tag" else None)
    raise RuntimeError(f"no mutation applies to case {index} of seed {seed}")  # pragma: no cover

