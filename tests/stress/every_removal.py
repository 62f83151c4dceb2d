"""Every single-fact removal from every hand-written patient (issue 10, promise 1: monotonicity, exhaustively).

    python tests/stress/every_removal.py --workers 2

For each seed ruleset, each of its inline test patients and example patients is screened, then every one-fact
removal of it (tests/safety/strategies.py, `reductions`: each test's results, reference ranges, serologies,
medications, medication dates/outcomes/doses, history events and their dates/codes/severity/control, reviewed
categories, diagnoses and their details, assessments, assessment items, demographics, reproductive and consent
fields, whole sections) is screened too. Fails (exit 1) if a removal turns a record that is not eligible into an
eligible one, or decides a criterion in the patient's favour (tests/safety/checks.py, apart from the documented
`BY_DESIGN` cases); also counts criteria a removal decided against the patient (safe, but less precise).
"""

from __future__ import annotations

import argparse
import copy
import json
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


def run_bases(indices: list[int], backend: str) -> dict[str, Any]:
    plugins = default_manager()
    vocab = strategies.vocabulary()
    stats: dict[str, Any] = {"bases": 0, "removals": 0, "rejected": 0, "fuller": Counter(), "failures": [],
                             "decided": Counter(), "decided_examples": {}, "by_removal": Counter()}
    for index in indices:
        base = vocab.bases[index]
        compiled = compiled_ruleset(base.ruleset, plugins)
        fuller = checks.screen(compiled, normalise_patient(base.patient, plugins, name=base.origin), plugins,
                               (backend,)).report
        stats["bases"] += 1
        for kind, description, remove in strategies.reductions(base.patient, vocab):
            reduced = copy.deepcopy(base.patient)
            remove(reduced)
            try:
                record = normalise_patient(reduced, plugins, name="reduced")
            except TrialscreenError:
                stats["rejected"] += 1
                continue
            report = checks.screen(compiled, record, plugins, (backend,)).report
            stats["removals"] += 1
            stats["fuller"][fuller.verdict] += 1
            stats["by_removal"][kind] += 1
            problems = [p for p in [checks.monotonicity_problem(fuller, report, description),
                                    *checks.unsafe_changes(fuller, report, description)] if p]
            for problem in problems:
                stats["failures"].append({"base": base.origin, "ruleset": base.ruleset, "removal": description,
                                          "problem": problem, "patient": base.patient})
            for cid, ckind, before, after in checks.decided_after_removal(fuller, report):
                how = ("by design" if checks.by_design(cid, description) else "FAILURE") \
                    if checks.favourable(ckind, after) else "against the patient"
                key = f"{base.ruleset} {cid} ({ckind}): {before} -> {after} <- {kind} [{how}]"
                stats["decided"][key] += 1
                stats["decided_examples"].setdefault(key, f"{base.origin}: {description}")
    return stats


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--backend", default="durable")
    parser.add_argument("--rulesets", nargs="*")
    parser.add_argument("--limit", type=int, help="only the first N patients per ruleset")
    parser.add_argument("--out", default="/tmp/trialscreen-every-removal")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    vocab = strategies.vocabulary()
    rulesets = args.rulesets or vocab.ruleset_ids
    indices = [i for rid in rulesets for i in vocab.bases_by_ruleset[rid][: args.limit]]
    units = [indices[i:i + 10] for i in range(0, len(indices), 10)]
    total: dict[str, Any] = {"bases": 0, "removals": 0, "rejected": 0, "fuller": Counter(), "failures": [],
                             "decided": Counter(), "decided_examples": {}, "by_removal": Counter()}
    with ProcessPoolExecutor(args.workers) as pool:
        for future in as_completed([pool.submit(run_bases, unit, args.backend) for unit in units]):
            part = future.result()
            for key, value in part.items():
                if key == "failures":
                    total[key].extend(value)
                elif key == "decided_examples":
                    for k, v in value.items():
                        total[key].setdefault(k, v)
                elif isinstance(value, Counter):
                    total[key].update(value)
                else:
                    total[key] += value
            for failure in part["failures"]:
                print(f"  FAILURE {failure['base']}: {failure['removal']}: {failure['problem']}", flush=True)
            print(f"  {total['bases']} patients, {total['removals']} removals, {len(total['failures'])} failures, "
                  f"{time.perf_counter() - started:.0f} s", flush=True)
    elapsed = time.perf_counter() - started
    print(f"\n{total['bases']} hand-written patients ({', '.join(rulesets)}), {total['removals']} single-fact removals "
          f"screened with the {args.backend} backend in {elapsed:.0f} s ({args.workers} worker(s), shared machine)")
    print(f"removals per kind: {dict(total['by_removal'].most_common())}")
    print(f"verdict of the fuller record: {dict(total['fuller'])}; rejected as input errors: {total['rejected']}")
    print(f"failures (not eligible -> eligible, or a criterion decided for the patient): {len(total['failures'])}")
    print(f"criteria decided by a removal: {sum(total['decided'].values())} in {len(total['decided'])} kinds")
    for key, n in total["decided"].most_common(60):
        print(f"  {n:6}  {key}\n          e.g. {total['decided_examples'][key][:160]}")
    if total["failures"]:
        out = Path(args.out)
        out.mkdir(parents=True, exist_ok=True)
        for i, failure in enumerate(total["failures"][:200]):
            (out / f"failure-{i:03}.json").write_text(json.dumps(failure, indent=1, default=str))
        kinds = Counter(f"{f['ruleset']}: {f['removal'][:70]}" for f in total["failures"])
        for kind, n in kinds.most_common(30):
            print(f"  {n:6}  {kind}")
        print(f"failing cases written to {out}/")
    return 1 if total["failures"] else 0


if __name__ == "__main__":
    sys.exit(main())
