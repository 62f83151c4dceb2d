"""Shared fixtures for the engine tests: an isolated durable-rules worker process.

Generated trees (test_durable_encoding.py, test_differential.py) are evaluated by `DurableBackend` in a child
process (tests/engine/_durable_worker.py): if durable-rules' C extension crashes (it can, see
test_durable_hazards.py), the test that caused it fails with the signal and the ruleset named, and the next call
starts a fresh worker.
"""

from __future__ import annotations

import pickle
import struct
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest

WORKER = Path(__file__).with_name("_durable_worker.py")
#: Registering rulesets costs memory durable-rules never gives back (~0.2 MB even for a tiny ruleset, so ~300 MB
#: per 1,500): the worker is restarted before it would exceed this many registrations.
MAX_REGISTRATIONS = 1500


class DurableWorkerCrash(AssertionError):
    """durable-rules killed the worker process."""


class DurableWorker:
    def __init__(self) -> None:
        self.proc: subprocess.Popen[bytes] | None = None
        self.registrations = 0
        self.crashes = 0

    def _start(self) -> None:
        self._stderr = tempfile.TemporaryFile()
        self.proc = subprocess.Popen(
            [sys.executable, str(WORKER)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._stderr
        )
        assert self.proc.stdout is not None
        ready = self.proc.stdout.readline()
        if ready != b"READY\n":
            self._died("while starting")
        self.registrations = 0

    def _stderr_tail(self) -> str:
        self._stderr.seek(0)
        return self._stderr.read().decode(errors="replace")[-2000:]

    def _died(self, doing: str) -> None:
        assert self.proc is not None
        rc = self.proc.wait(timeout=30)
        tail = self._stderr_tail()
        running = [line for line in tail.splitlines() if line.startswith("ruleset ")]
        self.proc = None
        self.crashes += 1
        raise DurableWorkerCrash(
            f"durable-rules killed the worker process (exit code {rc}) {doing}; "
            f"last ruleset started: {running[-1] if running else '?'}\n--- worker stderr (tail) ---\n{tail}"
        )

    def run(self, rulesets: list[tuple[str, dict[str, Any]]], facts: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Compile each (key, trees) ruleset and evaluate every facts dict; see _durable_worker.py."""
        if self.proc is None or self.registrations + len(rulesets) > MAX_REGISTRATIONS:
            self.close()
            self._start()
        assert self.proc is not None and self.proc.stdin is not None and self.proc.stdout is not None
        data = pickle.dumps({"rulesets": rulesets, "facts": facts})
        self.registrations += len(rulesets)
        try:
            self.proc.stdin.write(struct.pack("<Q", len(data)) + data)
            self.proc.stdin.flush()
        except BrokenPipeError:
            self._died("before the request was sent")
        header = self.proc.stdout.read(8)
        if len(header) < 8:
            self._died(f"while running {len(rulesets)} ruleset(s)")
        (size,) = struct.unpack("<Q", header)
        return pickle.loads(self.proc.stdout.read(size))

    def close(self) -> None:
        if self.proc is not None:
            assert self.proc.stdin is not None
            self.proc.stdin.close()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
            self.proc = None


@pytest.fixture(scope="session")
def durable_worker():
    worker = DurableWorker()
    yield worker
    worker.close()
