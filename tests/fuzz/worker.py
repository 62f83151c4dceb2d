"""One fuzz worker process: builds cases from (seed, index), runs each through the CLI's code path in-process, and
answers one JSON line per case on stdout. Each case has a CPU-time bound (a profiling timer, so the bound holds
whatever else loads the machine); the parent (`tests.fuzz.runner`) adds a wall-clock bound by killing a worker that
does not answer (a hang inside C code), and the memory bound is the worker's address-space limit.

Run alone to reproduce one case: ``python -m tests.fuzz.worker --seed 1 --workdir /tmp/x`` and type an index.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import signal
import sys
import time
import traceback
from pathlib import Path
from typing import Any

from tests.fuzz.mutate import ROOT, Case, make_case

#: What an error message must contain, besides the file name, to say where the problem is: a field path, a
#: line, a byte offset, a criterion or cohort id, or one of the whole-document reasons (too big, too deep, too
#: many values, not a mapping) — each of those is about the file as a whole, so the file name is the location.
LOCATION = re.compile(
    r"field '|line \d+|byte \d+|criterion '|cohort '|larger than \d|nested more than \d|more than [\d,]+ values"
    r"|must be a mapping|labs\[\d+\]|vitals\[\d+\]|serologies\[\d+\]|assessments\[\d+\]"
)


class CaseTimeout(BaseException):
    """Raised by the soft time bound (a BaseException, so no `except Exception` in the code under test hides it)."""


def _alarm(signum: int, frame: Any) -> None:
    raise CaseTimeout


def peak_rss_mb() -> float:
    """This process's peak resident set (VmHWM: unlike ru_maxrss, not inherited from the parent across exec)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024, 1)
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)  # pragma: no cover - not Linux


def names_file_and_location(message: str, path: str) -> bool:
    return path in message and LOCATION.search(message) is not None


class Worker:
    def __init__(self, seed: int, workdir: Path, cli_every: int, soft_seconds: float) -> None:
        from trialscreen.plugins.manager import default_manager

        self.seed = seed
        self.workdir = workdir
        self.cli_every = cli_every
        self.soft_seconds = soft_seconds
        self.plugins = default_manager()
        signal.signal(signal.SIGPROF, _alarm)
        self.compiled: dict[str, Any] = {}
        self.announce: Any = None
        self.records: dict[str, Any] = {}

    def _ref(self, ref: str) -> str:
        return str(ROOT / ref) if ref.endswith((".yaml", ".json")) else ref

    def compiled_partner(self, ref: str) -> Any:
        from trialscreen.api import compiled_ruleset

        if ref not in self.compiled:
            self.compiled[ref] = compiled_ruleset(self._ref(ref), self.plugins)
        return self.compiled[ref]

    def record_partner(self, ref: str) -> Any:
        from trialscreen.api import normalise_patient

        if ref not in self.records:
            self.records[ref] = normalise_patient(self._ref(ref), self.plugins)
        return self.records[ref]

    def pipeline(self, case: Case, path: str) -> str:
        """The `trialscreen evaluate FILE --ruleset R --format json` path: load → validate → normalise →
        evaluate → render. Returns the verdict."""
        from trialscreen import render
        from trialscreen.api import compiled_ruleset, normalise_patient
        from trialscreen.engine.evaluate import evaluate_record

        if case.kind == "patient":
            compiled = self.compiled_partner(case.partner)
            record = normalise_patient(path, self.plugins)
        else:
            compiled = compiled_ruleset(path, self.plugins)
            record = self.record_partner(case.partner)
        report = evaluate_record(compiled, record, self.plugins, backend=case.backend,  # type: ignore[arg-type]
                                 explicit_backend=case.backend == "durable")
        json.loads(render.to_json(report))
        return report.verdict

    def via_cli(self, case: Case, path: str) -> tuple[str, str, str]:
        """The same through click's runner: (outcome, verdict or message, traceback)."""
        from click.testing import CliRunner

        from trialscreen.cli import main

        args = ["evaluate", path, "--ruleset", self._ref(case.partner), "--format", "json", "--backend", case.backend]
        if case.kind == "ruleset":
            args = ["evaluate", self._ref(case.partner), "--ruleset", path, "--format", "json", "--backend", case.backend]
        result = CliRunner().invoke(main, args)
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            if isinstance(result.exception, CaseTimeout):
                raise result.exception
            tb = "".join(traceback.format_exception(result.exception))
            return "crash", f"{type(result.exception).__name__}: {result.exception}"[:500], tb[-3000:]
        if result.exit_code == 0:
            return "report", json.loads(result.stdout)["verdict"], ""
        if result.exit_code == 1:
            return "error", result.stderr.strip(), ""
        return "crash", f"exit code {result.exit_code}: {result.output[-500:]}", ""

    def run(self, index: int) -> dict[str, Any]:
        from trialscreen.errors import TrialscreenError

        case = make_case(self.seed, index, canary_dir=str(self.workdir))
        name = f"{case.kind}-{index}{case.suffix}"
        path = str(self.workdir / name)
        Path(path).write_bytes(case.data)
        via = "cli" if self.cli_every and index % self.cli_every == 0 else "api"
        out: dict[str, Any] = {
            "index": index, "kind": case.kind, "mutation": case.mutation, "seed_file": case.seed_file,
            "suffix": case.suffix, "must_fail": case.must_fail, "detail": case.detail[:200], "via": via,
            "bytes": len(case.data), "backend": case.backend,
        }
        if self.announce:
            self.announce(out)  # so the parent can name a case that hangs or kills this process
        tb = ""
        start, cpu = time.perf_counter(), time.process_time()
        signal.setitimer(signal.ITIMER_PROF, self.soft_seconds)
        try:
            if via == "cli":
                outcome, text, tb = self.via_cli(case, path)
            else:
                outcome, text = "report", self.pipeline(case, path)
        except TrialscreenError as exc:
            outcome, text = "error", str(exc)
        except CaseTimeout:
            outcome, text = "timeout", f"not done within {self.soft_seconds:g} s of CPU time"
        except MemoryError:
            outcome, text = "memory", "MemoryError"
        except BaseException as exc:  # noqa: BLE001 — anything else is what this run looks for
            outcome, text = "crash", f"{type(exc).__name__}: {exc}"[:500]
            tb = "".join(traceback.format_exception(exc))[-3000:]
        finally:
            signal.setitimer(signal.ITIMER_PROF, 0)
        out["seconds"] = round(time.perf_counter() - start, 4)
        out["cpu_seconds"] = round(time.process_time() - cpu, 4)
        out["outcome"] = outcome
        out["text"] = text[:600]
        out["problem"] = self.problem(case, path, outcome, text)
        if tb:
            out["traceback"] = tb
        if case.canary and Path(case.canary).exists():
            out["problem"] = "code_executed"
            Path(case.canary).unlink()
        out["maxrss_mb"] = peak_rss_mb()
        self.forget(path)
        if out["problem"] is None:
            os.unlink(path)
        return out

    def problem(self, case: Case, path: str, outcome: str, text: str) -> str | None:
        if outcome in ("crash", "timeout", "memory"):
            return outcome
        if outcome == "error" and not names_file_and_location(text, path):
            return "vague_message"
        if outcome == "report" and case.must_fail:
            return "accepted_bad_input"
        return None

    def forget(self, path: str) -> None:
        """Drop the compiled mutated ruleset from the manager's cache (it would only grow)."""
        for key in [k for k in self.plugins.compiled if str(k[0]) == path]:
            del self.plugins.compiled[key]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seed", type=int, required=True)
    parser.add_argument("--workdir", type=Path, required=True)
    parser.add_argument("--cli-every", type=int, default=0, help="Run every Nth case through click's CliRunner.")
    parser.add_argument("--soft-seconds", type=float, default=10.0, help="CPU seconds per case.")
    parser.add_argument("--memory-mb", type=int, default=0, help="Address-space limit of this process (0: none).")
    args = parser.parse_args()
    if args.memory_mb:
        limit = args.memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    worker = Worker(args.seed, args.workdir, args.cli_every, args.soft_seconds)
    worker.announce = lambda started: print(json.dumps({"started": started}), flush=True)
    print(json.dumps({"ready": True}), flush=True)
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        print(json.dumps(worker.run(int(line))), flush=True)


if __name__ == "__main__":
    main()
