"""Evaluations per second for the NCT07212322 ruleset, durable-rules vs plain Python, and RSS over 50,000.

    python benchmarks/engine.py [--n 50000] [--patient examples/patients/nct07212322-eligible.yaml]

Prints three figures per backend, all on one core:
- engine: the evaluator alone on pre-resolved facts (what durable-rules itself costs);
- pipeline: cohort choice + fact resolution + evaluation + report object, from a normalised record;
- RSS before and after N pipeline evaluations (the durable-rules session state must not accumulate).
Patients are variants of the example (platelets, creatinine, ALT and age perturbed) so outcomes vary.
Goals (issue 2): the durable-rules path (the engine on derived facts) ≥ 500 evaluations/s on one core; RSS growth
< 20 MB over 50,000. (Issue 9 sets the later goals: engine ≥ 1,500/s, whole pipeline ≥ 5,000/s.)
"""

from __future__ import annotations

import argparse
import copy
import random
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def variants(base: dict, count: int, seed: int = 7) -> list[dict]:
    rng = random.Random(seed)
    out = []
    for i in range(count):
        p = copy.deepcopy(base)
        p["id"] = f"bench-{i}"
        for lab in p.get("labs", []):
            if lab["test"] in ("platelets", "plt", "alt", "creatinine"):
                lab["value"] = round(lab["value"] * rng.uniform(0.3, 3.5), 2)
        out.append(p)
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=50_000, help="pipeline evaluations per backend (RSS is measured over these)")
    parser.add_argument("--backends", default="durable,python")
    parser.add_argument("--patient", default=str(ROOT / "examples/patients/nct07212322-eligible.yaml"))
    parser.add_argument("--ruleset", default="nct07212322")
    args = parser.parse_args()

    import yaml

    from trialscreen.api import compiled_ruleset
    from trialscreen.engine.backends import make_backend
    from trialscreen.engine.evaluate import evaluate_record, gather_facts
    from trialscreen.facts.context import ScreeningContext
    from trialscreen.facts.record import normalise
    from trialscreen.model.patient import Patient
    from trialscreen.plugins.manager import default_manager

    plugins = default_manager()
    t0 = time.perf_counter()
    compiled = compiled_ruleset(args.ruleset, plugins)
    compile_ms = (time.perf_counter() - t0) * 1000
    base = yaml.safe_load(Path(args.patient).read_text())
    records = [normalise(Patient.model_validate(p), plugins) for p in variants(base, 200)]
    facts = [gather_facts(compiled, ScreeningContext(r, r.patient.screening.date, plugins))[0] for r in records]
    print(f"ruleset {compiled.ruleset.id}: {len(compiled.criteria)} criteria, {len(compiled.leaves)} facts; "
          f"load+compile {compile_ms:.0f} ms")

    for name in args.backends.split(","):
        backend = make_backend(name, compiled.trees, compiled.key)  # type: ignore[arg-type]
        if name == "durable":
            print(f"  durable-rules: {backend.rule_count} rules, definition {backend.definition_size / 1024:.0f} KiB")
        for f in facts[:50]:
            backend.evaluate(f)
        n_engine = 20_000
        t0 = time.perf_counter()
        for i in range(n_engine):
            backend.evaluate(facts[i % len(facts)])
        engine_rate = n_engine / (time.perf_counter() - t0)

        before = rss_mb()
        t0 = time.perf_counter()
        verdicts: dict[str, int] = {}
        for i in range(args.n):
            rec = records[i % len(records)]
            report = evaluate_record(compiled, rec, plugins, backend=name)  # type: ignore[arg-type]
            verdicts[report.verdict] = verdicts.get(report.verdict, 0) + 1
        pipeline_rate = args.n / (time.perf_counter() - t0)
        after = rss_mb()
        print(f"{name:8} engine {engine_rate:9,.0f} eval/s | pipeline {pipeline_rate:7,.0f} eval/s | "
              f"RSS {before:.1f} → {after:.1f} MB (+{after - before:.1f}) over {args.n:,} | verdicts {verdicts}")
    print("goals: durable-rules engine path ≥ 500 eval/s on one core (issue 2; issue 9: ≥ 1,500); "
          "RSS growth < 20 MB over 50,000; whole pipeline ≥ 5,000/s is issue 9's goal")


if __name__ == "__main__":
    main()
