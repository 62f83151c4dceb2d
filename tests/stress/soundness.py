"""Full-size soundness and agreement run (issue 10, promises 1 and 2); prints figures for docs/reliability.md.

    python tests/stress/soundness.py --n 100000 --seed 1 --workers 2

For every seed ruleset, generates `--n` patients aimed at it, as chains (one generated record, then `--reductions`
successive one-fact removals; see tests/safety/strategies.py), and screens each with both evaluators. Checks:

- soundness: never "eligible" unless every applicable criterion is decided in the patient's favour; the verdict,
  applicability and cohort match the ruleset and the record (tests/safety/checks.py);
- monotonicity: a record with a fact removed is never "eligible" when the fuller record was not;
- agreement: the durable-rules and plain-Python reports are identical apart from the `backend` field.

Chain i of ruleset R is drawn from `random.Random(f"{seed}:{R}:{i}")`, so any case replays alone:
`--rulesets R --first i --n <chain length>`.
Failing cases are written as JSON to `--out` (default /tmp/trialscreen-soundness). Exit code 1 if any check failed.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.safety import checks, strategies  # noqa: E402
from trialscreen.api import compiled_ruleset, normalise_patient  # noqa: E402
from trialscreen.errors import TrialscreenError  # noqa: E402
from trialscreen.plugins.manager import default_manager  # noqa: E402


def run_chains(seed: int, ruleset_id: str, first: int, count: int, reductions: int,
               backends: tuple[str, ...]) -> dict[str, Any]:
    """Chains `first`..`first+count-1` aimed at one ruleset: every patient screened with every backend."""
    plugins = default_manager()
    vocab = strategies.vocabulary()
    compiled = compiled_ruleset(ruleset_id, plugins)
    stats = new_stats()
    stats["verdicts"][ruleset_id] = Counter()
    for index in range(first, first + count):
        rng = random.Random(f"{seed}:{ruleset_id}:{index}")
        chain = strategies.generate_chain(strategies.RandomChooser(rng), vocab, ruleset=ruleset_id,
                                          reductions=reductions)
        stats["chains"] += 1
        offset = len(chain.steps) - len(chain.patients)  # steps[offset + k]: how patient k was made
        previous = None
        for step, patient in enumerate(chain.patients):
            try:
                record = normalise_patient(patient, plugins, name="generated")
            except TrialscreenError:
                stats["rejected"] += 1
                break
            stats["patients"][ruleset_id] += 1
            screened = checks.screen(compiled, record, plugins, backends)
            stats["evaluations"] += len(backends)
            report = screened.report
            stats["verdicts"][ruleset_id][report.verdict] += 1
            problems = [f"[{b}] {p}" for b, r in screened.reports.items()
                        for p in checks.soundness_problems(r, compiled, patient)]
            if problems:
                stats["soundness"] += 1
            if len(backends) == 2:
                diff = checks.report_difference(screened.reports["durable"], screened.reports["python"])
                if diff:
                    stats["agreement"] += 1
                    problems.append("backends disagree: " + diff)
            if previous is not None:
                stats["pairs"] += 1
                if previous.verdict != "eligible":
                    stats["informative_pairs"][previous.verdict] += 1
                removal = chain.steps[offset + step].removeprefix("reduce: ")
                mono = checks.monotonicity_problem(previous, report, removal)
                if mono:
                    stats["monotonicity"] += 1
                    problems.append(f"{mono} ({removal})")
                unsafe = checks.unsafe_changes(previous, report, removal)
                if unsafe:
                    stats["unsafe"] += 1
                    problems.append(f"{unsafe} ({removal})")
                for cid, kind, before, after in checks.decided_after_removal(previous, report):
                    how = ("by design" if checks.by_design(cid, removal) else "FAILURE") if checks.favourable(kind, after) \
                        else "against the patient"
                    key = f"{ruleset_id} {cid} ({kind}): {before} -> {after} [{how}]"
                    stats["decided_after_removal"][key] += 1
                    stats["decided_examples"].setdefault(key, (index, removal))
            if problems:
                stats["failures"].append({"ruleset": ruleset_id, "seed": seed, "chain": index, "step": step,
                                          "problems": problems, "steps": chain.steps, "patient": patient,
                                          "fuller": chain.patients[step - 1] if step else None})
            previous = report
    return stats


def new_stats() -> dict[str, Any]:
    return {"chains": 0, "patients": Counter(), "rejected": 0, "evaluations": 0, "pairs": 0,
            "informative_pairs": Counter(), "verdicts": {}, "soundness": 0, "monotonicity": 0, "agreement": 0, "unsafe": 0,
            "decided_after_removal": Counter(), "decided_examples": {}, "failures": []}


def merge(total: dict[str, Any], part: dict[str, Any]) -> None:
    for key, value in part.items():
        if key == "verdicts":
            for rid, counter in value.items():
                total[key].setdefault(rid, Counter()).update(counter)
        elif key == "failures":
            total[key].extend(value)
        elif key == "decided_examples":
            for k, v in value.items():
                total[key].setdefault(k, v)
        elif isinstance(value, Counter):
            total[key].update(value)
        else:
            total[key] += value


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000, help="patients to generate per ruleset (chains x chain length)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--first", type=int, default=0, help="index of the first chain (to replay one)")
    parser.add_argument("--reductions", type=int, default=3, help="one-fact removals per chain")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--chunk", type=int, default=50, help="chains per work unit")
    parser.add_argument("--rulesets", nargs="*", help="ruleset ids (default: every seed ruleset)")
    parser.add_argument("--backends", default="durable,python")
    parser.add_argument("--out", default="/tmp/trialscreen-soundness")
    args = parser.parse_args(argv)

    started = time.perf_counter()
    vocab = strategies.vocabulary()  # built before forking, shared by the workers
    ruleset_ids = args.rulesets or vocab.ruleset_ids
    backends = tuple(args.backends.split(","))
    per_chain = args.reductions + 1
    chains = -(-args.n // per_chain)
    units = [(args.seed, rid, start, min(args.chunk, args.first + chains - start), args.reductions, backends)
             for start in range(args.first, args.first + chains, args.chunk) for rid in ruleset_ids]
    total = new_stats()
    print(f"seed {args.seed}: {chains} chains of up to {per_chain} patients per ruleset, rulesets {', '.join(ruleset_ids)}, "
          f"backends {', '.join(backends)}, {args.workers} worker(s)", flush=True)
    if args.workers == 1:
        for unit in units:
            merge(total, run_chains(*unit))
            _progress(total, started)
    else:
        with ProcessPoolExecutor(args.workers) as pool:
            futures = [pool.submit(run_chains, *unit) for unit in units]
            for future in as_completed(futures):
                merge(total, future.result())
                _progress(total, started)
    elapsed = time.perf_counter() - started
    _report(total, elapsed, args)
    failed = total["soundness"] + total["monotonicity"] + total["agreement"] + total["unsafe"]
    return 1 if failed else 0


def _progress(total: dict[str, Any], started: float) -> None:
    elapsed = time.perf_counter() - started
    print(f"  {sum(total['patients'].values())} patients, {total['evaluations']} evaluations, "
          f"{total['soundness']}/{total['monotonicity']}/{total['agreement']} soundness/monotonicity/agreement failures, "
          f"{elapsed:.0f} s", flush=True)


def _report(total: dict[str, Any], elapsed: float, args: argparse.Namespace) -> None:
    print(f"\nseed {args.seed}: {total['chains']} chains, {sum(total['patients'].values())} patients generated "
          f"({total['rejected']} rejected as input errors), {total['evaluations']} evaluations "
          f"in {elapsed:.0f} s ({total['evaluations'] / max(elapsed, 1e-9):.0f} evaluations/s, "
          f"{args.workers} worker(s), machine shared: timing is noisy)")
    print("verdicts per ruleset (one backend's count; both backends evaluated every patient):")
    for rid, counter in sorted(total["verdicts"].items()):
        n = sum(counter.values())
        print(f"  {rid:24} {n:7} patients  " + "  ".join(f"{v} {counter.get(v, 0)}" for v in
                                                          ("eligible", "needs_review", "incomplete", "ineligible")))
    print(f"monotonicity pairs (record, record minus one fact) x rulesets: {total['pairs']}; "
          f"fuller record not eligible: {sum(total['informative_pairs'].values())} {dict(total['informative_pairs'])}")
    print(f"failures: soundness {total['soundness']}, monotonicity {total['monotonicity']}, "
          f"agreement {total['agreement']}, criteria decided by a removal (not documented) {total['unsafe']}")
    decided = total["decided_after_removal"]
    print(f"criteria decided by a removal (undecided -> decided, or flipped): {sum(decided.values())} "
          f"in {len(decided)} (ruleset, criterion, change) kinds")
    for key, n in decided.most_common(40):
        chain, step = total["decided_examples"][key]
        print(f"  {n:6}  {key}   e.g. chain {chain}: {step[:150]}")
    if total["failures"]:
        out = Path(args.out)
        out.mkdir(parents=True, exist_ok=True)
        for i, failure in enumerate(total["failures"][:200]):
            (out / f"failure-{args.seed}-{i:03}.json").write_text(json.dumps(failure, indent=1, default=str))
        print(f"first {min(200, len(total['failures']))} failing cases written to {out}/")
        kinds = Counter(p.split(":")[0][:90] for f in total["failures"] for p in f["problems"])
        for kind, n in kinds.most_common(20):
            print(f"  {n:6}  {kind}")


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    sys.exit(main())
