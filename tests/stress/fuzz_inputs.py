"""Full-size bad-input fuzz run: mutated patient and ruleset files through the CLI's code path, with figures.

    python tests/stress/fuzz_inputs.py --n 100000 --seed 1            # the figures in docs/reliability.md
    python tests/stress/fuzz_inputs.py --n 2000 --seed 1 --jobs 2     # a quick look
    python tests/stress/fuzz_inputs.py --seed 1 --only 4711           # rebuild and run one case, verbosely

Every case must end in a report (exit 0, when the mutation left a usable file) or an input error naming the file
and the field, line or byte (exit 1) — within the per-case CPU-time bound, the wall-clock bound and the memory
bound, and without running any code the input names. A sample also runs through the real CLI, one process per
file (exit code, no traceback on stderr, the file named). The exit status is 1 if any case failed.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
for extra in (ROOT, ROOT / "src", ROOT / "plugins"):
    if str(extra) not in sys.path:
        sys.path.insert(0, str(extra))

from tests.fuzz import runner  # noqa: E402
from tests.fuzz.mutate import all_mutations, make_case  # noqa: E402


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else 0.0


def report(summary: runner.Summary, cli: list[dict], args: argparse.Namespace) -> str:
    res = summary.results
    lines = [f"## Bad-input fuzz run: seed {args.seed}, cases {args.start}–{args.start + args.n - 1}", ""]
    kinds = Counter(r["kind"] for r in res)
    outcomes = Counter(r["outcome"] for r in res)
    must = [r for r in res if r["must_fail"]]
    lines += [
        f"- cases tried: **{len(res):,}** ({kinds['patient']:,} patient files, {kinds['ruleset']:,} ruleset files; "
        f"{sum(r['suffix'] == '.json' for r in res):,} JSON, {sum(r['suffix'] == '.yaml' for r in res):,} YAML; "
        f"{sum(r['via'] == 'cli' for r in res):,} through click's runner, the rest through the same functions in-process)",
        f"- outcomes: {outcomes['error']:,} input errors (exit 1), {outcomes['report']:,} reports (exit 0: the "
        f"mutation left a usable file); of the {len(must):,} cases whose mutation must make the file unusable, "
        f"{sum(r['outcome'] == 'error' for r in must):,} ended in an input error",
        f"- failures: **{len(summary.failures)}** "
        + ("" if not summary.failures else "(" + ", ".join(f"{k}: {v}" for k, v in
                                                             Counter(r["problem"] for r in summary.failures).items()) + ")"),
    ]
    cpu = [r["cpu_seconds"] for r in res if r.get("cpu_seconds") is not None]
    wall = [r["seconds"] for r in res if r.get("seconds") is not None]
    rss = [r["maxrss_mb"] for r in res if r.get("maxrss_mb") is not None]
    if cpu:
        lines.append(f"- CPU time per case (bound {args.cpu_seconds:g} s): median {statistics.median(cpu) * 1000:.0f} ms, "
                     f"p99 {_pct(cpu, 0.99) * 1000:.0f} ms, max {max(cpu):.2f} s; wall clock max {max(wall):.1f} s "
                     f"(bound {args.wall_seconds:g} s; the machine was shared, so wall times are noisy)")
    if rss:
        lines.append(f"- memory: largest worker resident set {max(rss):.0f} MB (address-space bound "
                     f"{args.memory_mb} MB per worker); {summary.worker_restarts} worker restarts "
                     f"(every {args.recycle:,} cases, plus one per hang or death)")
    lines.append(f"- run time {summary.seconds / 60:.1f} min on {args.jobs} worker processes")
    if cli:
        codes = Counter(c["exit_code"] for c in cli)
        lines.append(
            f"- real CLI (`python -m trialscreen.cli evaluate FILE --ruleset R`, one process per file): "
            f"{len(cli)} files, exit codes {dict(sorted(codes.items(), key=str))}, "
            f"{sum('Traceback' in c['stderr'] for c in cli)} tracebacks, "
            f"{sum(c['problem'] is not None for c in cli)} failures")
    lines += ["", "| kind | mutation | cases | input error | report | failed |", "| --- | --- | ---: | ---: | ---: | ---: |"]
    table = summary.table()
    for kind in ("patient", "ruleset"):
        for mutation in all_mutations(kind):
            counts = table.get((kind, mutation))
            if not counts:
                continue
            failed = sum(1 for r in res if r["kind"] == kind and r["mutation"] == mutation and r.get("problem"))
            lines.append(f"| {kind} | {mutation} | {sum(counts.values()):,} | {counts['error']:,} | "
                         f"{counts['report']:,} | {failed} |")
    return "\n".join(lines) + "\n"


def show_failures(summary: runner.Summary, cli: list[dict], keep: Path | None, seed: int) -> None:
    for r in summary.failures[:50]:
        print(f"\nFAILED case {r['index']} [{r['problem']}] {r['kind']} {r['mutation']} from {r['seed_file']}: "
              f"{r['detail']}\n  {r['text'][:800]}", file=sys.stderr)
        if r.get("traceback"):
            print("  " + r["traceback"][-1500:].replace("\n", "\n  "), file=sys.stderr)
        if keep:
            case = make_case(seed, r["index"])
            (keep / f"case-{r['index']}{case.suffix}").write_bytes(case.data)
    for c in cli:
        if c["problem"]:
            print(f"\nCLI FAILED case {c['index']} [{c['problem']}] exit {c['exit_code']}: {c['stderr'][-800:]}",
                  file=sys.stderr)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=100_000, help="Number of cases.")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--start", type=int, default=0, help="First case index.")
    parser.add_argument("--jobs", type=int, default=2, help="Worker processes.")
    parser.add_argument("--cpu-seconds", type=float, default=10.0, help="CPU-time bound per case.")
    parser.add_argument("--wall-seconds", type=float, default=120.0, help="Wall-clock bound per case (hangs in C).")
    parser.add_argument("--memory-mb", type=int, default=1536, help="Address-space bound per worker.")
    parser.add_argument("--cli-every", type=int, default=50, help="Every Nth case through click's runner.")
    parser.add_argument("--cli-sample", type=int, default=200, help="Cases run through the real CLI, one process each.")
    parser.add_argument("--recycle", type=int, default=5000, help="Restart a worker after this many cases.")
    parser.add_argument("--keep", type=Path, help="Write the inputs of failed cases here.")
    parser.add_argument("--json", type=Path, help="Write every case's result here (JSON Lines).")
    parser.add_argument("--markdown", type=Path, help="Write the figures here as well.")
    parser.add_argument("--only", type=int, help="Run this one case and print everything about it.")
    args = parser.parse_args()

    if args.only is not None:
        case = make_case(args.seed, args.only)
        print(f"case {args.only}: {case.kind} {case.mutation} from {case.seed_file} ({case.suffix}, "
              f"must fail: {case.must_fail}): {case.detail}")
        result = runner.run(args.seed, [args.only], jobs=1, soft_seconds=args.cpu_seconds,
                            hard_seconds=args.wall_seconds, memory_mb=args.memory_mb).results[0]
        print(json.dumps(result, indent=2))
        if args.keep:
            args.keep.mkdir(parents=True, exist_ok=True)
            (args.keep / f"case-{args.only}{case.suffix}").write_bytes(case.data)
        return 1 if result.get("problem") else 0

    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    step = max(1, args.n // 100)

    def progress(done: int) -> None:
        if done % step == 0:
            rate = done / (time.monotonic() - started)
            print(f"\r{done:,}/{args.n:,} cases ({rate:.0f}/s)", end="", file=sys.stderr, flush=True)

    summary = runner.run(args.seed, range(args.start, args.start + args.n), jobs=args.jobs,
                         soft_seconds=args.cpu_seconds, hard_seconds=args.wall_seconds, memory_mb=args.memory_mb,
                         cli_every=args.cli_every, recycle=args.recycle, progress=progress)
    print(file=sys.stderr)
    # the real-CLI sample: evenly spread over the run, so every family of mutation is represented
    sample = range(args.start, args.start + args.n, max(1, args.n // max(1, args.cli_sample)))[: args.cli_sample]
    with tempfile.TemporaryDirectory(prefix="trialscreen-fuzz-cli-") as tmp:
        cli = runner.run_cli(args.seed, sample, jobs=args.jobs, workdir=Path(tmp)) if args.cli_sample else []
    text = report(summary, cli, args)
    print(text)
    show_failures(summary, cli, args.keep, args.seed)
    if args.json:
        with args.json.open("w") as out:
            for r in summary.results:
                out.write(json.dumps(r) + "\n")
    if args.markdown:
        args.markdown.write_text(text)
    return 1 if summary.failures or any(c["problem"] for c in cli) else 0


if __name__ == "__main__":
    sys.exit(main())
