"""Batch screening: many patients against one or more rulesets, streamed, in a process pool.

Records come from a JSON Lines file (one patient per line), a directory of JSON/YAML files, or ``-`` (JSON Lines
on stdin). Each record is screened independently; a bad record becomes an error row naming its line (or file) and
the problem, and the run goes on. Results stream out as JSON Lines or CSV in input order; memory does not grow with
the number of patients. durable-rules holds the GIL, so parallelism is by processes, each compiling the rulesets
once: a local process pool, or the workers of a dask.distributed cluster (``dask_executor``; docs/scaling.md).
Both get the same chunks through the same `concurrent.futures` interface, so ordering, error rows and the summary
do not depend on where the work ran.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import os
import socket
import sys
import threading
from collections import Counter, deque
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO, TextIO

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
    """The records of `source` one by one, without reading everything into memory.

    Each record gets the bounds of a single patient file (io/files.py): at most MAX_INPUT_BYTES, strict UTF-8. A
    record beyond them becomes an error row naming its line or file; the run goes on with the next one."""
    if source == "-":
        yield from _jsonl(sys.stdin.buffer, "<stdin>")
        return
    path = Path(source)
    if path.is_dir():
        for child in sorted(p for p in path.iterdir() if p.suffix in (".json", ".yaml", ".yml")):
            yield _file_item(child)
        return
    if not path.is_file():
        raise TrialscreenError(f"{source}: no such file or directory")
    with path.open("rb") as handle:
        yield from _jsonl(handle, str(path))


def _file_item(path: Path) -> Item:
    from trialscreen.io.files import DocumentError, read_text

    try:
        text, _ = read_text(path)
    except (DocumentError, OSError) as exc:
        return Item(str(path), None, path.name, f"cannot read: {exc}")
    return Item(str(path), text, path.name)


def _jsonl(handle: BinaryIO, label: str) -> Iterator[Item]:
    from trialscreen.io.files import MAX_INPUT_BYTES

    limit = MAX_INPUT_BYTES // (1024 * 1024)
    for number in itertools.count(1):
        raw = handle.readline(MAX_INPUT_BYTES + 1)
        if not raw:
            return
        source = f"{label}:{number}"
        if len(raw) > MAX_INPUT_BYTES and not raw.endswith(b"\n"):
            while (rest := handle.readline(1024 * 1024)) and not rest.endswith(b"\n"):
                pass  # skip the rest of the line without holding it
            yield Item(source, None, "record.json", f"line is longer than {limit} MiB (the limit for one record)")
            continue
        try:
            line = raw.decode("utf-8-sig" if number == 1 else "utf-8")
        except UnicodeDecodeError as exc:
            yield Item(source, None, "record.json", f"not UTF-8 text (byte {exc.start} of the line)")
            continue
        if line.strip():
            yield Item(source, line, "record.json")


@dataclass
class Summary:
    verdicts: Counter = field(default_factory=Counter)
    deciding: Counter = field(default_factory=Counter)  # criteria that made patients ineligible
    open: Counter = field(default_factory=Counter)  # criteria left unknown

    def add(self, row: dict[str, Any]) -> None:
        self.verdicts[row["verdict"]] += 1
        self.deciding.update(c for c in row["decisive"].split(";") if c)
        self.open.update(c for c in row["undecided"].split(";") if c)


# -- what every worker must share with the driver ------------------------------------------------------------------


@dataclass(frozen=True)
class Job:
    """The rulesets, plugins and evaluator of one run, as the driver loaded them.

    Sent with every chunk of records (it is small): a worker sets itself up for it once, and refuses to screen if
    its own plugins or rulesets differ from the driver's, so a cluster with mixed versions fails loudly instead of
    writing rows that a local run would not.
    """

    ruleset_refs: tuple[str, ...]  # installed ids, or absolute paths (a worker must see the same file)
    ruleset_sha256: tuple[str, ...]
    backend: str
    plugins: tuple[tuple[str, str | None], ...]  # (name, version) of every plugin the driver loaded
    plugin_selection: tuple[str | None, str | None]  # TRIALSCREEN_DISABLE_PLUGINS, TRIALSCREEN_LOAD_PLUGINS


def prepare(ruleset_refs: Iterable[str], backend: str = "durable") -> Job:
    """Compile every ruleset here first (a bad ruleset fails before any worker starts) and describe the run."""
    from trialscreen.api import compiled_ruleset
    from trialscreen.plugins.manager import default_manager
    from trialscreen.rules.loader import find_ruleset

    plugins = default_manager()
    refs, shas = [], []
    for ref in ruleset_refs:
        loaded = find_ruleset(ref, plugins)
        stable_ref = ref if ref in plugins.rulesets else str(loaded.path.resolve())
        refs.append(stable_ref)
        shas.append(compiled_ruleset(loaded, plugins).sha256)
    return Job(tuple(refs), tuple(shas), backend, _plugin_versions(plugins), _plugin_selection())


def _plugin_versions(plugins: Any) -> tuple[tuple[str, str | None], ...]:
    return tuple((p.name, p.version) for p in plugins.plugins())


def _plugin_selection() -> tuple[str | None, str | None]:
    from trialscreen.plugins.manager import ENV_ALLOW, ENV_DISABLE

    return os.environ.get(ENV_DISABLE), os.environ.get(ENV_ALLOW)


# -- worker side ---------------------------------------------------------------------------------------------------

_STATE: dict[str, Any] = {}
# A dask worker may run several tasks at once in threads of one process; durable-rules holds the GIL anyway, so
# screening one chunk at a time per process costs nothing and keeps the shared compiled rulesets single-threaded.
_LOCK = threading.Lock()


def screen_chunk(job: Job, items: list[Item]) -> list[dict[str, Any]]:
    """Rows for a chunk of records, in order. The unit of work sent to a process pool or a dask worker."""
    with _LOCK:
        _setup(job)
        return [row for item in items for row in screen_item(item)]


def _setup(job: Job) -> None:
    """Load plugins and compile the rulesets once per process (again only if a different job arrives)."""
    if _STATE.get("job") == job:
        return
    from trialscreen.api import compiled_ruleset

    plugins = _plugin_manager(job.plugin_selection)
    where = f"worker {socket.gethostname()} (pid {os.getpid()})"
    mine = _plugin_versions(plugins)
    if mine != job.plugins:
        raise TrialscreenError(
            f"{where} has different plugins from the machine that started the run: "
            f"{_describe(mine)} here, {_describe(job.plugins)} there; "
            "install the same trialscreen and plugin versions on every worker")
    compiled = []
    for ref, sha in zip(job.ruleset_refs, job.ruleset_sha256, strict=True):
        try:
            ruleset = compiled_ruleset(ref, plugins)
        except TrialscreenError as exc:
            raise TrialscreenError(f"{where} cannot load ruleset {ref}: {exc}") from exc
        if ruleset.sha256 != sha:
            raise TrialscreenError(
                f"{where} has a different ruleset {ref} (sha256 {ruleset.sha256[:12]} here, {sha[:12]} on the "
                "machine that started the run); install the same rulesets on every worker")
        compiled.append(ruleset)
    _STATE.update(job=job, plugins=plugins, rulesets=compiled, backend=job.backend)


def _plugin_manager(selection: tuple[str | None, str | None]) -> Any:
    from trialscreen.plugins.manager import ENV_ALLOW, ENV_DISABLE, PluginManager, default_manager

    if selection == _plugin_selection():
        return default_manager()
    # A remote worker's environment lacks the driver's plugin selection; the manager reads it only from there.
    saved = _plugin_selection()
    try:
        for name, value in zip((ENV_DISABLE, ENV_ALLOW), selection, strict=True):
            _set_env(name, value)
        return PluginManager()
    finally:
        for name, value in zip((ENV_DISABLE, ENV_ALLOW), saved, strict=True):
            _set_env(name, value)


def _set_env(name: str, value: str | None) -> None:
    if value is None:
        os.environ.pop(name, None)
    else:
        os.environ[name] = value


def _describe(plugins: tuple[tuple[str, str | None], ...]) -> str:
    return ", ".join(f"{name} {version or '?'}" for name, version in plugins) or "none"


def screen_item(item: Item) -> list[dict[str, Any]]:
    """One record against every ruleset: rows for the output (an error row if the record is bad)."""
    from trialscreen.api import normalise_patient
    from trialscreen.engine.evaluate import evaluate_record
    from trialscreen.io.files import DocumentError, parse_document

    if item.error is not None:
        return [_error_row(item.source, item.error)]
    try:
        data = parse_document(item.payload or "", item.name)
        if not isinstance(data, dict):  # a list, a string or null would be taken for a path by load_patient
            return [_error_row(item.source, "a patient record must be a mapping (id, screening, ...), "
                                            f"not {type(data).__name__ if data is not None else 'null'}")]
        record = normalise_patient(data, _STATE["plugins"], name=item.source)
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

#: Records per task in a local process pool.
LOCAL_CHUNKSIZE = 64


def run(items: Iterable[Item], rulesets: Job | Iterable[str], *, jobs: int = 1, backend: str = "durable",
        chunksize: int = LOCAL_CHUNKSIZE, executor: Executor | None = None,
        window: int | None = None) -> Iterator[dict[str, Any]]:
    """Rows for every item, in input order, against `rulesets` (ids or paths, or a `Job` from `prepare`, which
    already names its backend).

    Work goes to `executor` if given (any `concurrent.futures.Executor`: a dask ``Client.get_executor()`` runs it
    on a cluster), else to a pool of `jobs` processes, else (``jobs=1``) to this process. At most `window` chunks
    of `chunksize` records are in flight at once (default: four per process), so memory stays flat however long
    the input is.
    """
    job = rulesets if isinstance(rulesets, Job) else prepare(rulesets, backend)
    chunks = _chunks(items, chunksize)
    if executor is not None:
        yield from _ordered(executor, job, chunks, window or 4 * max(jobs, 1))
    elif jobs > 1:
        import multiprocessing

        # fork: workers inherit the rulesets compiled by prepare(); spawn elsewhere compiles once per process.
        context = multiprocessing.get_context("fork" if sys.platform.startswith("linux") else "spawn")
        with ProcessPoolExecutor(jobs, mp_context=context) as pool:
            yield from _ordered(pool, job, chunks, window or 4 * jobs)
    else:
        for chunk in chunks:
            yield from screen_chunk(job, chunk)


def _chunks(items: Iterable[Item], size: int) -> Iterator[list[Item]]:
    iterator = iter(items)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk


def _ordered(executor: Executor, job: Job, chunks: Iterator[list[Item]], window: int) -> Iterator[dict[str, Any]]:
    """Submit chunks, keeping at most `window` unfinished, and yield their rows in submission order.

    The executor (process pool or dask scheduler) decides where each chunk runs; this only bounds how many are
    outstanding and puts the answers back in input order.
    """
    pending: deque[tuple[Future, str, str]] = deque()
    try:
        for chunk in chunks:
            pending.append((executor.submit(screen_chunk, job, chunk), chunk[0].source, chunk[-1].source))
            if len(pending) >= window:
                yield from _rows_of(*pending.popleft())
        while pending:
            yield from _rows_of(*pending.popleft())
    finally:
        for future, _, _ in pending:  # the consumer stopped early or a chunk failed: do not leave work queued
            future.cancel()


def _rows_of(future: Future, first: str, last: str) -> list[dict[str, Any]]:
    try:
        return future.result()
    except TrialscreenError:
        raise
    except Exception as exc:  # a worker died or lost its connection: name the records, not a traceback
        raise TrialscreenError(
            f"a worker failed while screening {first} to {last}: {type(exc).__name__}: {exc}") from exc


# -- dask ----------------------------------------------------------------------------------------------------------

#: How long to wait for a scheduler that has no workers yet before giving up.
WORKER_WAIT_SECONDS = 60
#: Records per task on a dask cluster: each task costs the client and scheduler a few milliseconds, so chunks are
#: larger than in a local pool.
DASK_CHUNKSIZE = 256
#: dask settings for this workload, applied to the client and to a local cluster (docs/scaling.md gives the
#: environment variables for a real cluster's scheduler and workers):
DASK_CONFIG = {
    # the statistical profiler samples every worker thread's stack every 10 ms; on this pure-Python work it made
    # screening about twice as slow
    "distributed.worker.profile.enabled": False,
    # every comm keeps its last N messages under 1 MB for debugging, ours included: N chunks of records
    "distributed.admin.low-level-log-length": 16,
}


@contextmanager
def dask_executor(address: str) -> Iterator[tuple[Executor, int]]:
    """A dask.distributed executor and its number of worker threads.

    `address` is a running scheduler (``tcp://host:8786``) or ``local:N`` for a cluster of N worker processes on
    this machine, one thread each (durable-rules holds the GIL: more threads per process add nothing).
    """
    try:
        import dask
        import distributed
    except ImportError:
        raise TrialscreenError("--dask needs dask.distributed: pip install 'trialscreen[distributed]'") from None
    with dask.config.set(DASK_CONFIG):  # for the whole run: the client, a local cluster and its workers read it
        yield from _dask_client(address, distributed)


def _dask_client(address: str, distributed: Any) -> Iterator[tuple[Executor, int]]:
    cluster = None
    try:
        if address.startswith("local:"):
            count = address.removeprefix("local:")
            if not count.isdigit() or int(count) < 1:
                raise TrialscreenError(f"--dask {address}: expected local:N with N ≥ 1 worker processes")
            cluster = distributed.LocalCluster(n_workers=int(count), threads_per_worker=1, processes=True,
                                               dashboard_address=":0")
            client = distributed.Client(cluster)
        else:
            client = distributed.Client(address)
    except (OSError, TimeoutError) as exc:
        if cluster is not None:
            cluster.close()
        raise TrialscreenError(f"cannot reach the dask scheduler at {address}: {exc}") from None
    try:
        try:
            client.wait_for_workers(1, timeout=WORKER_WAIT_SECONDS)
        except TimeoutError:
            raise TrialscreenError(
                f"the dask scheduler at {address} has no workers (waited {WORKER_WAIT_SECONDS} s)") from None
        threads = sum(client.nthreads().values())
        yield client.get_executor(pure=False), threads
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


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
