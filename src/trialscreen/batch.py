"""Batch screening: many patients against one or more rulesets, streamed, in a process pool.

Records come from a JSON Lines file (one patient per line), a directory of JSON/YAML files, or ``-`` (JSON Lines
on stdin). Each record is screened independently; a bad record becomes an error row naming its line (or file) and
the problem, and the run goes on. Results stream out as JSON Lines or CSV in input order; memory does not grow with
the number of patients. durable-rules holds the GIL, so parallelism is by processes, each compiling the rulesets
once.
"""

from __future__ import annotations

import csv
import io
import json
import sys
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from trialscreen.errors import TrialscreenError

ROW_FIELDS = ("source", "patient_id", "ruleset", "verdict", "cohort", "decisive", "undecided", "review",
              "missing_facts", "earliest_eligible_date", "error")


@dataclass(frozen=True)
class Item:
    source: str  # "file.jsonl:12" or a file path
    payload: str | None  # raw text of the record
    name: str  # for parsing: decides JSON vs YAML
    error: str | None = None


def iter_items(source: str) -> Iterator[Item]:
    """The records of `source` one by one, without reading everything into memory."""
    if source == "-":
        yield from _jsonl(sys.stdin, "<stdin>")
        return
    path = Path(source)
    if path.is_dir():
        for child in sorted(p for p in path.iterdir() if p.suffix in (".json", ".yaml", ".yml")):
            try:
                yield Item(str(child), child.read_text(encoding="utf-8"), child.name)
            except (OSError, UnicodeDecodeError) as exc:
                yield Item(str(child), None, child.name, f"cannot read: {exc}")
        return
    if not path.is_file():
        raise TrialscreenError(f"{source}: no such file or directory")
    with path.open("r", encoding="utf-8", errors="replace") as handle:
        yield from _jsonl(handle, str(path))


def _jsonl(handle: TextIO, label: str) -> Iterator[Item]:
    for number, line in enumerate(handle, start=1):
        if line.strip():
            yield Item(f"{label}:{number}", line, "record.json")


@dataclass
class Summary:
    verdicts: Counter = field(default_factory=Counter)
    deciding: Counter = field(default_factory=Counter)  # criteria that made patients ineligible
    open: Counter = field(default_factory=Counter)  # criteria left unknown

    def add(self, row: dict[str, Any]) -> None:
        self.verdicts[row["verdict"]] += 1
        self.deciding.update(c for c in row["decisive"].split(";") if c)
        self.open.update(c for c in row["undecided"].split(";") if c)


# -- worker side ---------------------------------------------------------------------------------------------------

_STATE: dict[str, Any] = {}


def _init(ruleset_refs: list[str], backend: str) -> None:
    from trialscreen.api import compiled_ruleset
    from trialscreen.plugins.manager import default_manager

    plugins = default_manager()
    _STATE["plugins"] = plugins
    _STATE["rulesets"] = [compiled_ruleset(ref, plugins) for ref in ruleset_refs]
    _STATE["backend"] = backend


def screen_item(item: Item) -> list[dict[str, Any]]:
    """One record against every ruleset: rows for the output (an error row if the record is bad)."""
    from trialscreen.api import normalise_patient
    from trialscreen.engine.evaluate import evaluate_record
    from trialscreen.io.files import DocumentError, parse_document

    if item.error is not None:
        return [_error_row(item.source, item.error)]
    try:
        data = parse_document(item.payload or "", item.name)
        record = normalise_patient(data, _STATE["plugins"], name=item.source)  # type: ignore[arg-type]
    except (TrialscreenError, DocumentError) as exc:
        message = " ".join(str(exc).split()).removeprefix(f"{item.source}: ")
        return [_error_row(item.source, message)]
    rows = []
    for compiled in _STATE["rulesets"]:
        try:
            report = evaluate_record(compiled, record, _STATE["plugins"], backend=_STATE["backend"])
        except TrialscreenError as exc:
            rows.append(_error_row(item.source, f"{compiled.ruleset.id}: {exc}", record.patient.id))
            continue
        applicable = [c for c in report.criteria if c.applies]
        rows.append({
            "source": item.source, "patient_id": report.patient_id, "ruleset": report.ruleset.id,
            "verdict": report.verdict, "cohort": report.cohort.id if report.cohort else "",
            "decisive": ";".join(c.id for c in applicable if c.decisive),
            "undecided": ";".join(c.id for c in applicable if c.outcome == "unknown"),
            "review": ";".join(c.id for c in applicable if c.outcome == "review"),
            "missing_facts": len(report.missing_facts),
            "earliest_eligible_date": report.earliest_eligible_date.isoformat() if report.earliest_eligible_date else "",
            "error": "",
        })
    return rows


def _error_row(source: str, message: str, patient_id: str = "") -> dict[str, Any]:
    return {"source": source, "patient_id": patient_id, "ruleset": "", "verdict": "error", "cohort": "",
            "decisive": "", "undecided": "", "review": "", "missing_facts": 0, "earliest_eligible_date": "",
            "error": message}


# -- driver --------------------------------------------------------------------------------------------------------


def run(items: Iterable[Item], ruleset_refs: list[str], *, jobs: int = 1, backend: str = "durable",
        chunksize: int = 64) -> Iterator[dict[str, Any]]:
    """Rows for every item, in input order; `jobs` > 1 uses a process pool."""
    if jobs <= 1:
        _init(ruleset_refs, backend)
        for item in items:
            yield from screen_item(item)
        return
    import multiprocessing

    context = multiprocessing.get_context("fork" if sys.platform.startswith("linux") else "spawn")
    with context.Pool(jobs, initializer=_init, initargs=(ruleset_refs, backend)) as pool:
        for rows in pool.imap(screen_item, items, chunksize=chunksize):
            yield from rows


class Writer:
    """Writes rows as JSON Lines or CSV, choosing by the output file's suffix."""

    def __init__(self, out: TextIO, fmt: str) -> None:
        self.out = out
        self.fmt = fmt
        self._csv = csv.DictWriter(out, fieldnames=ROW_FIELDS) if fmt == "csv" else None
        if self._csv:
            self._csv.writeheader()

    def write(self, row: dict[str, Any]) -> None:
        if self._csv:
            self._csv.writerow(row)
        else:
            self.out.write(json.dumps(row, ensure_ascii=False) + "\n")


def summary_text(summaries: dict[str, Summary], errors: int, total: int) -> str:
    buf = io.StringIO()
    buf.write(f"{total} record(s) screened, {errors} rejected as invalid input\n")
    for rid, s in sorted(summaries.items()):
        counts = ", ".join(f"{v} {k}" for k, v in sorted(s.verdicts.items()))
        buf.write(f"{rid}: {counts}\n")
        if s.deciding:
            buf.write("  most often deciding ineligibility: " + ", ".join(f"{c} ({n})" for c, n in s.deciding.most_common(5)) + "\n")
        if s.open:
            buf.write("  most often left open: " + ", ".join(f"{c} ({n})" for c, n in s.open.most_common(5)) + "\n")
    return buf.getvalue()
