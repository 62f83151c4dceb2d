"""Soak (issue 10, promise 5): N evaluations in one process across every seed ruleset, with RSS and live
durable-rules sessions read at checkpoints.

    python tests/stress/soak.py --n 1000000                 # engine level: the evaluator on resolved facts
    python tests/stress/soak.py --n 100000 --level pipeline # whole pipeline (facts + evaluation + report)

Workload: every example patient (examples/patients) and seeded variants of it (lab values scaled) against every
seed ruleset, each patient screened for the cohort it fits (or none), cycled. Prints RSS at 10^4, 10^5 and every
10^5 after, the live durable-rules sessions, and whether RSS stayed flat (±5%) from 10^5 to the end. Exit 1 if
it did not, or if the live sessions grew (one reused session per group is expected).
"""

from __future__ import annotations

import argparse
import copy
import gc
import json
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RULESETS = ("renji-cd19-car-dnt", "nct06316791", "nct07212322", "zju-children-sle-cart", "chec2024-181")


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def variants(count: int, seed: int) -> list[dict]:
    import yaml

    rng = random.Random(seed)
    bases = [yaml.safe_load(p.read_text()) for p in sorted((ROOT / "examples/patients").glob("*.yaml"))]
    out = []
    for i in range(count):
        patient = copy.deepcopy(bases[i % len(bases)])
        patient["id"] = f"soak-{i}"
        for lab in patient.get("labs") or []:
            if isinstance(lab.get("value"), (int, float)) and rng.random() < 0.3:
                lab["value"] = round(lab["value"] * rng.uniform(0.5, 2.0), 2)
        out.append(patient)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--level", choices=("engine", "pipeline"), default="engine")
    parser.add_argument("--backend", choices=("durable", "python"), default="durable")
    parser.add_argument("--patients", type=int, default=200, help="distinct generated patients")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", action="store_true", help="print the figures as one JSON object")
    args = parser.parse_args()

    from trialscreen.api import compiled_ruleset
    from trialscreen.engine.backends import make_backend
    from trialscreen.engine.evaluate import choose_cohort, evaluate_record, gather_facts
    from trialscreen.facts.context import ScreeningContext
    from trialscreen.facts.record import normalise
    from trialscreen.model.patient import Patient
    from trialscreen.plugins.manager import default_manager

    plugins = default_manager()
    compiled = [compiled_ruleset(r, plugins) for r in RULESETS]
    from trialscreen.errors import TrialscreenError

    records = []
    for p in variants(args.patients, args.seed):
        try:
            records.append(normalise(Patient.model_validate(p), plugins))
        except TrialscreenError:
            continue  # a scaled lab outside its plausible range: an input error, not a patient to soak with
    work = []  # (evaluate-one callable) per (ruleset, patient)
    backends = {}
    for c in compiled:
        for rec in records:
            if args.level == "pipeline":
                work.append(lambda c=c, rec=rec: evaluate_record(c, rec, plugins, backend=args.backend).verdict)
                continue
            choice = choose_cohort(c, rec)
            scope = c.scope(choice.cohort.id if choice.cohort else None)
            backend = backends.setdefault(scope.key, make_backend(args.backend, scope.trees, scope.key))
            flat, _ = gather_facts(c, ScreeningContext(rec, rec.patient.screening.date, plugins), scope.leaf_keys)
            work.append(lambda b=backend, f=flat: b.evaluate(f))

    def live() -> int:
        return sum(len(getattr(b, "live_sessions", lambda: [])()) for b in backends.values())

    checkpoints = sorted({10_000, 100_000, *range(200_000, args.n + 1, 100_000), args.n} - {0})
    checkpoints = [c for c in checkpoints if c <= args.n]
    rows = []
    gc.collect()
    start_rss, t0 = rss_mb(), time.perf_counter()
    done = 0
    for target in checkpoints:
        while done < target:
            work[done % len(work)]()
            done += 1
        gc.collect()
        rows.append({"evaluations": done, "rss_mb": round(rss_mb(), 1), "live_sessions": live(),
                     "seconds": round(time.perf_counter() - t0, 1)})
        if not args.json:
            r = rows[-1]
            print(f"{r['evaluations']:>10,} evaluations  RSS {r['rss_mb']:7.1f} MB  live sessions {r['live_sessions']}"
                  f"  {r['seconds']:8.1f} s", flush=True)
    base = next((r for r in rows if r["evaluations"] >= 100_000), rows[0])
    growth = (rows[-1]["rss_mb"] - base["rss_mb"]) / base["rss_mb"]
    flat_ok = abs(growth) <= 0.05
    # The adapter keeps one reused session per durable-rules group in use: a leak is growth after the first reading.
    sessions_ok = rows[-1]["live_sessions"] <= rows[0]["live_sessions"]
    summary = {"level": args.level, "backend": args.backend, "rulesets": list(RULESETS), "distinct_cases": len(work),
               "evaluations": done, "rate_per_s": round(done / (time.perf_counter() - t0)),
               "rss_start_mb": round(start_rss, 1), "rss_growth_from_1e5": round(growth * 100, 2),
               "flat_within_5pct": flat_ok, "live_sessions_at_end": rows[-1]["live_sessions"], "checkpoints": rows}
    if args.json:
        print(json.dumps(summary, indent=2))
    else:
        print(f"{done:,} {args.level} evaluations ({args.backend}) over {len(work):,} distinct cases at "
              f"{summary['rate_per_s']:,}/s; RSS {growth * 100:+.2f}% from {base['evaluations']:,} to the end "
              f"({'flat' if flat_ok else 'NOT flat'}, goal ±5%); live durable sessions {rows[0]['live_sessions']} at the "
              f"first reading, {rows[-1]['live_sessions']} at the end (one reused session per group; growth is a leak)")
    return 0 if flat_ok and sessions_ok else 1


if __name__ == "__main__":
    sys.exit(main())
