"""Rows of the benchmark table, the machine they were measured on, and the table as text or Markdown."""

from __future__ import annotations

import datetime as dt
import os
import platform
import subprocess
import sys
import time
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path


@dataclass
class Row:
    section: str
    measure: str
    value: str
    goal: str = "—"
    #: True/False against the goal; None when the figure has no goal
    ok: bool | None = None
    #: a correctness check (agreement, row counts): failing it fails the run, unlike missing a speed goal
    check: bool = False
    #: how many calls, samples or patients the figure rests on
    n: str = ""

    @property
    def mark(self) -> str:
        return "" if self.ok is None else ("✓" if self.ok else "✗")


def rate(value: float) -> str:
    return f"{value:,.0f}/s"


def at_least(value: float, goal: float, unit: str = "/s") -> tuple[str, bool]:
    return f"≥ {goal:,.0f}{unit}", value >= goal


def machine() -> list[tuple[str, str]]:
    import trialscreen

    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        cpu = platform.processor() or "unknown"
    cores = os.cpu_count() or 0
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else cores
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "n/a"
    source = Path(trialscreen.__file__).resolve().parents[2]
    return [
        ("date", dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")),
        ("CPU", f"{cpu}, {cores} cores ({usable} usable by this process), {platform.machine()}"),
        ("load average at start (1, 5, 15 min)", load),
        ("Python", f"{platform.python_implementation()} {platform.python_version()} on {platform.system()}"),
        ("trialscreen", f"{trialscreen.__version__} from {source} at {git_commit(source)}"),
        ("durable-rules", _version("durable-rules")),
        ("zen-engine", _version("zen-engine")),
    ]


def _version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "not installed"


def git_commit(directory: Path) -> str:
    def git(*args: str) -> str:
        return subprocess.run(["git", "-C", str(directory), *args], capture_output=True, text=True,
                              check=True).stdout.strip()

    try:
        commit = git("rev-parse", "--short=12", "HEAD")
        branch = git("rev-parse", "--abbrev-ref", "HEAD")
        dirty = git("status", "--porcelain", "--", "src", "plugins", "rulesets")
    except (OSError, subprocess.CalledProcessError):
        return "unknown commit (not a git checkout)"
    return f"commit {commit} ({branch}{', with uncommitted changes to src/plugins/rulesets' if dirty else ''})"


def render_text(rows: list[Row]) -> str:
    headers = ("section", "measure", "value", "n", "goal", "")
    table = [headers] + [(r.section, r.measure, r.value, r.n, r.goal, r.mark) for r in rows]
    widths = [max(len(line[i]) for line in table) for i in range(len(headers))]
    right = {2, 3}
    out = []
    for n, line in enumerate(table):
        out.append("  ".join(cell.rjust(widths[i]) if i in right else cell.ljust(widths[i])
                             for i, cell in enumerate(line)).rstrip())
        if n == 0:
            out.append("  ".join("-" * w for w in widths).rstrip())
    return "\n".join(out)


def render_markdown(rows: list[Row]) -> str:
    out = ["| section | measure | value | n | goal | |", "| --- | --- | ---: | ---: | --- | :-: |"]
    for r in rows:
        cells = [r.section, r.measure, r.value, r.n, r.goal, r.mark]
        out.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return "\n".join(out)


def render_machine(info: list[tuple[str, str]], markdown: bool) -> str:
    if markdown:
        return "\n".join(f"- {k}: {v}" for k, v in info)
    width = max(len(k) for k, _ in info)
    return "\n".join(f"{k.ljust(width)}  {v}" for k, v in info)


_STARTED = time.perf_counter()


def progress(message: str) -> None:
    """Progress goes to stderr (with the seconds since the start) so that stdout holds only the table."""
    print(f"[{time.perf_counter() - _STARTED:6.1f} s] {message}", file=sys.stderr, flush=True)
