"""Every speed and memory figure of trialscreen, measured in one run, each beside its goal.

    python benchmarks/run_all.py              # the full run (tens of minutes: 100,000 screened, 10^6 evaluated)
    python benchmarks/run_all.py --quick      # a smoke run, about two minutes
    python benchmarks/run_all.py --markdown   # the table in Markdown, for the README (--json: as JSON)

Sections (docs/benchmarks.md explains each figure and how it is measured):
  engines   patient-trial evaluations/s on pre-derived facts, every seed ruleset, durable-rules and plain Python
  floor     NCT07212322 common criteria: a hand-style Python function and zen-engine beside our engines
  pipeline  normalised record → report, patients/s; latency of one evaluate; cold `evaluate` and `match`
  screen    `trialscreen screen` over generated patients (one malformed line), --jobs 1 and 2
  rss       RSS after 10^4 / 10^5 / 10^6 evaluations in one process
  compile   ruleset compile time and memory; the compiled-ruleset cache
Progress goes to stderr, the table to stdout. Exit code 1 when a correctness check fails (engines disagree,
rows lost, results differ between process counts, no cache hit); a speed goal missed is marked ✗ only.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from dataclasses import asdict, replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import measure  # noqa: E402
from report import machine, progress, render_machine, render_markdown, render_text  # noqa: E402

SECTIONS = ("engines", "floor", "pipeline", "screen", "rss", "compile")
QUICK = measure.Sizes(pool=40, durable_n=2_000, python_n=20_000, floor_n=50_000, zen_n=5_000, pipeline_n=2_000,
                      latency_n=200, cli_runs=3, screen_n=1_000, rss_sizes=(1_000, 2_000), repeats=1,
                      max_seconds=1.5)


def sizes_from(args: argparse.Namespace) -> measure.Sizes:
    sizes = QUICK if args.quick else measure.Sizes()
    chosen = {k: getattr(args, k) for k in asdict(sizes) if getattr(args, k, None) is not None}
    if "rss_sizes" in chosen:
        chosen["rss_sizes"] = tuple(int(x) for x in str(chosen["rss_sizes"]).split(","))
    return replace(sizes, **chosen)


def parse(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__.split("\n", 1)[1])
    p.add_argument("--quick", action="store_true", help="small sizes, one repeat, ≤ 1.5 s per rate (a smoke run)")
    p.add_argument("--markdown", action="store_true", help="print the machine and the table in Markdown")
    p.add_argument("--json", action="store_true", help="print the machine, the rows and the summary as JSON")
    p.add_argument("--sections", default=",".join(SECTIONS), help=f"comma-separated subset of {', '.join(SECTIONS)}")
    size = p.add_argument_group("sizes (defaults: full run; --quick lowers them)")
    size.add_argument("--pool", type=int, help="distinct generated patients behind the in-process rates (200)")
    size.add_argument("--durable-n", type=int, help="durable-rules evaluations per rate (5,000)")
    size.add_argument("--python-n", type=int, help="plain-Python evaluations per rate (50,000)")
    size.add_argument("--floor-n", type=int, help="hand-style function evaluations (200,000)")
    size.add_argument("--zen-n", type=int, help="zen-engine evaluations (20,000)")
    size.add_argument("--pipeline-n", type=int, help="whole-pipeline evaluations per backend (20,000)")
    size.add_argument("--latency-n", type=int, help="timed single evaluate calls per backend (2,000)")
    size.add_argument("--cli-runs", type=int, help="timed runs of each cold command (5)")
    size.add_argument("--screen-n", type=int, help="lines of the generated JSONL for `screen` (100,000)")
    size.add_argument("--rss-sizes", help="evaluation counts at which RSS is read (10000,100000,1000000)")
    size.add_argument("--repeats", type=int, help="runs per rate, the best is kept (3)")
    size.add_argument("--max-seconds", type=float, help="stop a rate measurement after this long (full: no limit)")
    p.add_argument("--cpu-clock", action="store_true",
                   help="time in-process rates and latencies by this process's CPU time (per CPU-second on one core; "
                   "use on a shared machine), not by the wall clock")
    p.add_argument("--child", choices=("rss", "compile"), help=argparse.SUPPRESS)  # fresh-process measurements
    p.add_argument("--backend", default="durable", help=argparse.SUPPRESS)
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    sizes = sizes_from(args)
    if args.child:
        rows = measure.rss_child(sizes, args.backend) if args.child == "rss" else measure.compile_child()
        print(json.dumps([asdict(r) for r in rows]))
        return 0
    wanted = [s.strip() for s in args.sections.split(",") if s.strip()]
    unknown = sorted(set(wanted) - set(SECTIONS))
    if unknown:
        print(f"run_all.py: unknown section(s) {', '.join(unknown)}; choose from {', '.join(SECTIONS)}", file=sys.stderr)
        return 2
    if args.cpu_clock:
        measure.use_cpu_clock()
    info = machine() + [("in-process rates and latencies timed by", measure.CLOCK_NAME)]
    started = time.perf_counter()
    rows = []
    if {"engines", "floor", "pipeline"} & set(wanted):
        inputs = measure.prepare(sizes)
        if "engines" in wanted:
            rows += measure.engines(inputs, sizes)
        if "floor" in wanted:
            rows += measure.floor(inputs, sizes)
        if "pipeline" in wanted:
            rows += measure.pipeline(inputs, sizes)
            rows += measure.cold_commands(sizes)
    if "screen" in wanted:
        rows += measure.screen(sizes)
    if "rss" in wanted:
        progress(f"rss: {', '.join(f'{n:,}' for n in sizes.rss_sizes)} evaluations in a fresh process")
        rows += measure.child("rss", ["--rss-sizes", ",".join(map(str, sizes.rss_sizes)), "--pool", str(sizes.pool)])
    if "compile" in wanted:
        progress("compile: every ruleset, in a fresh process")
        rows += measure.child("compile", [])
    info.append(("load average at end (1, 5, 15 min)", ", ".join(f"{x:.2f}" for x in os.getloadavg())))
    info.append(("run", f"{' '.join(['benchmarks/run_all.py', *(argv if argv is not None else sys.argv[1:])])} "
                        f"({time.perf_counter() - started:.0f} s)"))
    goals = [r for r in rows if r.ok is not None and not r.check]
    checks = [r for r in rows if r.check]
    failed = [r for r in checks if not r.ok]
    summary = (f"goals met: {sum(bool(r.ok) for r in goals)} of {len(goals)}; "
               f"checks passed: {len(checks) - len(failed)} of {len(checks)}")
    if args.json:
        print(json.dumps({"machine": dict(info), "rows": [asdict(r) for r in rows], "summary": summary},
                         ensure_ascii=False, indent=1))
    elif args.markdown:
        print(render_machine(info, True) + "\n\n" + render_markdown(rows) + "\n\n" + summary)
    else:
        print(render_machine(info, False) + "\n\n" + render_text(rows) + "\n\n" + summary)
    for r in failed:
        print(f"CHECK FAILED: {r.measure}: {r.value}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
