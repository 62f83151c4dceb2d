"""Drive fuzz workers: hand out case indices, enforce the hard per-case time bound, restart a worker that hangs,
dies or runs out of memory, and collect one result per case. Also the real-CLI sample (one subprocess per file).

Used by the CI-sized tests in this folder and by ``tests/stress/fuzz_inputs.py`` (the full-size run).
"""

from __future__ import annotations

import json
import os
import selectors
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.fuzz.mutate import ROOT, make_case

PROBLEMS = ("crash", "timeout", "memory", "vague_message", "accepted_bad_input", "code_executed", "worker_died",
            "hang")


def _env() -> dict[str, str]:
    env = dict(os.environ)
    paths = [str(ROOT), str(ROOT / "src"), str(ROOT / "plugins")]
    env["PYTHONPATH"] = os.pathsep.join([*paths, env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    env.setdefault("PYTHONHASHSEED", "0")
    return env


class _Proc:
    """A worker process, read through its raw pipe (a buffered reader could hold a second line that `select`
    would never announce)."""

    def __init__(self, seed: int, workdir: Path, cli_every: int, soft_seconds: float, memory_mb: int) -> None:
        cmd = [sys.executable, "-m", "tests.fuzz.worker", "--seed", str(seed), "--workdir", str(workdir),
               "--cli-every", str(cli_every), "--soft-seconds", str(soft_seconds), "--memory-mb", str(memory_mb)]
        self.p = subprocess.Popen(cmd, cwd=ROOT, env=_env(), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  stderr=subprocess.DEVNULL, bufsize=0)
        self.index: int | None = None
        self.started: dict[str, Any] | None = None  # what the worker said it is running
        self.sent = 0.0
        self.done = 0
        self._buffer = b""
        while True:
            lines = self.read_lines()
            if lines is None:
                raise RuntimeError("fuzz worker failed to start")
            if lines:
                break

    def read_lines(self) -> list[dict[str, Any]] | None:
        """The complete lines that have arrived (None once the worker has exited)."""
        data = os.read(self.p.stdout.fileno(), 1 << 16)  # type: ignore[union-attr]
        if not data:
            return None
        *lines, self._buffer = (self._buffer + data).split(b"\n")
        return [json.loads(line) for line in lines if line.strip()]

    def send(self, index: int) -> None:
        self.index, self.sent, self.started = index, time.monotonic(), None
        self.p.stdin.write(f"{index}\n".encode())  # type: ignore[union-attr]
        self.p.stdin.flush()  # type: ignore[union-attr]

    def kill(self) -> None:
        self.p.kill()
        self.p.wait()


@dataclass
class Summary:
    seed: int
    results: list[dict[str, Any]] = field(default_factory=list)
    seconds: float = 0.0
    worker_restarts: int = 0

    @property
    def failures(self) -> list[dict[str, Any]]:
        return [r for r in self.results if r.get("problem")]

    def counts(self, key: str) -> Counter:
        return Counter(r[key] for r in self.results)

    def table(self) -> dict[tuple[str, str], Counter]:
        out: dict[tuple[str, str], Counter] = {}
        for r in self.results:
            out.setdefault((r["kind"], r["mutation"]), Counter())[r["outcome"]] += 1
        return out


def run(seed: int, indices: Iterable[int], *, jobs: int = 2, hard_seconds: float = 120.0, soft_seconds: float = 10.0,
        memory_mb: int = 2048, cli_every: int = 0, recycle: int = 0, workdir: Path | None = None,
        progress: Callable[[int], None] | None = None) -> Summary:
    """Run cases `indices` of run `seed` over `jobs` worker processes."""
    todo = list(indices)[::-1]
    summary = Summary(seed)
    started = time.monotonic()
    tmp = None
    if workdir is None:
        tmp = tempfile.TemporaryDirectory(prefix="trialscreen-fuzz-")
        workdir = Path(tmp.name)
    sel = selectors.DefaultSelector()

    def spawn() -> _Proc:
        proc = _Proc(seed, workdir, cli_every, soft_seconds, memory_mb)
        sel.register(proc.p.stdout, selectors.EVENT_READ, proc)  # type: ignore[arg-type]
        return proc

    def retire(proc: _Proc) -> None:
        sel.unregister(proc.p.stdout)  # type: ignore[arg-type]
        proc.kill()

    procs = [spawn() for _ in range(max(1, min(jobs, len(todo))))]
    for proc in procs:
        if todo:
            proc.send(todo.pop())
    try:
        while any(p.index is not None for p in procs):
            for key, _ in sel.select(timeout=0.5):
                proc: _Proc = key.data
                answers = proc.read_lines()
                if answers is None:
                    summary.results.append(_lost(proc, "worker_died", f"worker exited with {proc.p.wait()}"))
                    _replace(procs, proc, retire, spawn, summary)
                    continue
                for answer in answers:
                    if "started" in answer:
                        proc.started = answer["started"]
                        continue
                    summary.results.append(answer)
                    proc.index = None
                    proc.done += 1
                    if progress:
                        progress(len(summary.results))
                if proc.index is None and recycle and proc.done >= recycle:
                    proc = _replace(procs, proc, retire, spawn, summary)
                if proc.index is None and todo:
                    proc.send(todo.pop())
            now = time.monotonic()
            for proc in list(procs):
                if proc.index is not None and now - proc.sent > hard_seconds:
                    summary.results.append(_lost(proc, "hang", f"no answer within {hard_seconds:g} s"))
                    new = _replace(procs, proc, retire, spawn, summary)
                    if todo:
                        new.send(todo.pop())
            for proc in procs:
                if proc.index is None and todo:
                    proc.send(todo.pop())
    finally:
        for proc in procs:
            retire(proc)
        if tmp is not None:
            tmp.cleanup()
    summary.seconds = time.monotonic() - started
    return summary


def _replace(procs: list[_Proc], proc: _Proc, retire: Callable, spawn: Callable, summary: Summary) -> _Proc:
    retire(proc)
    new = spawn()
    procs[procs.index(proc)] = new
    summary.worker_restarts += 1
    return new


def _lost(proc: _Proc, problem: str, text: str) -> dict[str, Any]:
    """The result of a case whose worker hung or died: what the worker said it started (or the index alone, if
    it died while building the case)."""
    out = dict(proc.started or {"index": proc.index, "kind": "?", "mutation": "?", "seed_file": "?", "suffix": "?",
                                "must_fail": None, "detail": "died while building the case", "via": "api",
                                "bytes": None, "backend": None})
    out.update(outcome=problem, text=text, problem=problem, seconds=None, cpu_seconds=None, maxrss_mb=None)
    return out


# -- the real CLI, one process per file ---------------------------------------------------------------------


def cli_case(seed: int, index: int, workdir: Path, timeout: float = 60.0) -> dict[str, Any]:
    """`python -m trialscreen.cli evaluate FILE --ruleset R` on case `index`: exit code, stderr, file named."""
    case = make_case(seed, index, canary_dir=str(workdir))
    path = workdir / f"cli-{case.kind}-{index}{case.suffix}"
    path.write_bytes(case.data)
    partner = str(ROOT / case.partner) if case.partner.endswith(".yaml") else case.partner
    patient, ruleset = (str(path), partner) if case.kind == "patient" else (partner, str(path))
    cmd = [sys.executable, "-m", "trialscreen.cli", "evaluate", patient, "--ruleset", ruleset, "--format", "json",
           "--backend", case.backend]
    start = time.monotonic()
    try:
        done = subprocess.run(cmd, cwd=ROOT, env=_env(), capture_output=True, text=True, timeout=timeout,
                              errors="replace")
        code, out, err = done.returncode, done.stdout, done.stderr
    except subprocess.TimeoutExpired:
        code, out, err = None, "", ""
    problem = None
    if code is None:
        problem = "hang"
    elif "Traceback" in err or code not in (0, 1):
        problem = "crash"
    elif code == 1 and (str(path) not in err or not err.startswith("trialscreen: error:")):
        problem = "vague_message"
    elif code == 0 and case.must_fail:
        problem = "accepted_bad_input"
    if case.canary and Path(case.canary).exists():
        problem = "code_executed"
    if problem is None:
        path.unlink()
    return {"index": index, "kind": case.kind, "mutation": case.mutation, "must_fail": case.must_fail,
            "exit_code": code, "stderr": err[-1500:], "verdict": json.loads(out)["verdict"] if code == 0 and out else None,
            "problem": problem, "seconds": round(time.monotonic() - start, 2), "file": str(path)}


def run_cli(seed: int, indices: Iterable[int], *, jobs: int = 2, workdir: Path | None = None) -> list[dict[str, Any]]:
    with tempfile.TemporaryDirectory(prefix="trialscreen-fuzz-cli-") as tmp:
        where = workdir or Path(tmp)
        with ThreadPoolExecutor(jobs) as pool:
            return list(pool.map(lambda i: cli_case(seed, i, where), indices))
