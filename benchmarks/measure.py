"""The measurements behind `run_all.py`, one function per section. Each returns table rows; correctness checks
are rows with ``check=True`` (a failed check fails the run, a missed speed goal does not).

In-process figures run on one core (one thread of one process). Each rate is the best of `repeats` runs of up to
`n` calls over a pool of distinct inputs (stopping early after `max_seconds` when that is set), after one
untimed call per input.
"""

from __future__ import annotations

import json
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from report import Row, at_least, progress, rate

ROOT = Path(__file__).resolve().parents[1]
FOCUS = "nct07212322"  # the ruleset the goals are stated for
EXAMPLE = ROOT / "examples" / "patients" / "nct07212322-eligible.yaml"

GOAL_DURABLE = 1_500
GOAL_PYTHON = 50_000
GOAL_FLOOR_RATIO = 5.0
GOAL_PIPELINE = 5_000
GOAL_COLD_S = 0.5
GOAL_SCALING = 1.8
GOAL_RSS_FLAT = 0.05


@dataclass
class Sizes:
    pool: int = 200  # distinct patients behind every in-process rate
    durable_n: int = 5_000
    python_n: int = 50_000
    floor_n: int = 200_000
    zen_n: int = 20_000
    pipeline_n: int = 20_000
    latency_n: int = 2_000
    cli_runs: int = 5
    screen_n: int = 100_000
    rss_sizes: tuple[int, ...] = (10_000, 100_000, 1_000_000)
    repeats: int = 3
    max_seconds: float = 0.0  # 0: no limit


#: The clock of in-process rates and latencies: wall time by default; `use_cpu_clock()` switches to this process's
#: CPU time, so that a rate is "per CPU-second on one core" even when other work shares the machine.
clock = time.perf_counter
CLOCK_NAME = "wall clock"


def use_cpu_clock() -> None:
    global clock, CLOCK_NAME
    clock = time.process_time
    CLOCK_NAME = "CPU time of the measuring process (time.process_time)"


def children_cpu_seconds() -> float:
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def best_rate(fn: Callable[[Any], Any], inputs: Sequence[Any], n: int, sizes: Sizes, *,
              warm: bool = True) -> tuple[float, int]:
    """Calls per second of `fn` cycling over `inputs`: the best of `sizes.repeats` runs, and the calls it made.
    First one untimed call per input, unless the caller has just made them (`warm=False`)."""
    for item in inputs if warm else ():
        fn(item)
    best, calls = 0.0, 0
    k = len(inputs)
    for _ in range(sizes.repeats):
        deadline = time.perf_counter() + sizes.max_seconds if sizes.max_seconds else math.inf
        done = 0
        start = clock()
        while done < n:
            stop = min(n, done + 128)
            for i in range(done, stop):
                fn(inputs[i % k])
            done = stop
            if time.perf_counter() > deadline:
                break
        r = done / (clock() - start)
        if r > best:
            best, calls = r, done
    return best, calls


# -- shared inputs -------------------------------------------------------------------------------------------------


@dataclass
class Inputs:
    plugins: Any
    patients: list[dict[str, Any]]  # JSON-shaped records
    records: list[Any]  # the same, normalised (trialscreen.facts.record.PatientRecord)
    facts: dict[str, list[dict[str, Any]]]  # ruleset id → flat facts (every leaf) of every record
    #: ruleset id → per record: the evaluator of the criteria of the patient's cohort, and their flat facts
    scoped: dict[str, list[tuple[dict[str, Callable[[Any], Any]], dict[str, Any], int]]]


def prepare(sizes: Sizes) -> Inputs:
    from patients import variants

    from trialscreen.api import compiled_ruleset, normalise_patient
    from trialscreen.engine.backends import make_backend
    from trialscreen.engine.evaluate import choose_cohort, gather_facts
    from trialscreen.facts.context import ScreeningContext
    from trialscreen.plugins.manager import default_manager

    plugins = default_manager()
    patients = list(variants(sizes.pool))
    progress(f"normalising {len(patients)} generated patients and deriving their facts for every ruleset ...")
    records = [normalise_patient(p, plugins, name=p["id"]) for p in patients]
    facts, scoped = {}, {}
    for rid in sorted(plugins.rulesets):
        compiled = compiled_ruleset(rid, plugins)
        facts[rid] = [gather_facts(compiled, ScreeningContext(r, r.patient.screening.date, plugins))[0] for r in records]
        if hasattr(compiled, "scope"):  # the pipeline evaluates only the criteria of the patient's cohort
            scoped[rid] = []
            for r in records:
                choice = choose_cohort(compiled, r)
                scope = compiled.scope(choice.cohort.id if choice.cohort else None)
                flat = gather_facts(compiled, ScreeningContext(r, r.patient.screening.date, plugins),
                                    scope.leaf_keys)[0]
                scoped[rid].append(({name: make_backend(name, scope.trees, scope.key).evaluate
                                     for name in ("durable", "python")}, flat, len(scope.criteria)))
    return Inputs(plugins, patients, records, facts, scoped)


# -- 1. engines on pre-derived facts -------------------------------------------------------------------------------


def engines(inputs: Inputs, sizes: Sizes) -> list[Row]:
    from trialscreen.api import compiled_ruleset
    from trialscreen.engine.backends import make_backend

    rows = []
    for rid, facts in inputs.facts.items():
        compiled = compiled_ruleset(rid, inputs.plugins)
        progress(f"engines: {rid}")
        sizes_in_scope = [n for _, _, n in inputs.scoped.get(rid, [])]
        in_scope = (f"; a patient's cohort: {min(sizes_in_scope)}–{max(sizes_in_scope)} criteria "
                    f"(mean {statistics.mean(sizes_in_scope):.0f})") if sizes_in_scope else ""
        rows.append(Row("1 engine", f"{rid}: {len(compiled.criteria)} criteria over {len(compiled.field_types)} "
                        f"pre-derived facts{in_scope}", ""))
        outcomes = {}
        for name, n, goal in (("durable", sizes.durable_n, GOAL_DURABLE), ("python", sizes.python_n, GOAL_PYTHON)):
            backend = make_backend(name, compiled.trees, compiled.key)  # type: ignore[arg-type]
            outcomes[name] = [backend.evaluate(f) for f in facts]
            value, calls = best_rate(backend.evaluate, facts, n, sizes)
            engine = "durable-rules" if name == "durable" else "plain Python"
            row = Row("1 engine", f"{rid}: {engine}, all criteria, evaluations/s", rate(value), n=f"{calls:,}")
            if rid == FOCUS:
                row.goal, row.ok = at_least(value, goal)
            rows.append(row)
            if rid in inputs.scoped:
                pairs = [(by_name[name], flat) for by_name, flat, _ in inputs.scoped[rid]]
                value, calls = best_rate(lambda pair: pair[0](pair[1]), pairs, n, sizes)
                row = Row("1 engine", f"{rid}: {engine}, the patient's cohort's criteria, evaluations/s",
                          rate(value), n=f"{calls:,}")
                if rid == FOCUS:
                    row.goal, row.ok = at_least(value, goal)
                rows.append(row)
        same = sum(a == b for a, b in zip(outcomes["durable"], outcomes["python"]))
        same += sum(e["durable"](f) == e["python"](f) for e, f, _ in inputs.scoped.get(rid, []))
        compared = len(facts) + len(inputs.scoped.get(rid, []))
        rows.append(Row("1 engine", f"{rid}: durable-rules and plain Python, same outcomes", f"{same} agree",
                        "all agree", same == compared, n=f"{compared}", check=True))
    return rows


# -- 2. the floor and zen-engine -----------------------------------------------------------------------------------


def floor(inputs: Inputs, sizes: Sizes) -> list[Row]:
    from floor import ZenDecision, hand_function

    from trialscreen.api import compiled_ruleset
    from trialscreen.engine.backends import make_backend

    compiled = compiled_ruleset(FOCUS, inputs.plugins)
    common = {cid: cc.tree for cid, cc in compiled.criteria.items() if cc.criterion.cohorts is None}
    fields = {f for cid in common for f in _fields(common[cid])}
    facts = inputs.facts[FOCUS]
    progress(f"floor: {FOCUS} common criteria")
    evaluators: dict[str, tuple[Callable[[Any], Any], Sequence[Any], int]] = {
        "hand-style Python function (the floor)": (hand_function(common), facts, sizes.floor_n),
        "plain-Python engine": (make_backend("python", common, compiled.key + "_bench_common").evaluate, facts,
                                sizes.python_n),
        "durable-rules engine": (make_backend("durable", common, compiled.key + "_bench_common").evaluate, facts,
                                 sizes.durable_n),
    }
    zen_note = ""
    try:
        decision = ZenDecision(common)
        zen_engine = decision.engine()
        contexts = [decision.context(f) for f in facts]  # renamed once, outside the timing
        from importlib.metadata import version

        evaluators[f"zen-engine {version('zen-engine')} (expression node, evaluate(key))"] = (
            lambda c: zen_engine.evaluate("criteria", c), contexts, sizes.zen_n)
    except ImportError:  # zen-engine is an optional extra
        zen_note = "zen-engine is not installed (pip install -e '.[bench]'): not compared"

    # Agreement first: every evaluator must give our engines' outcome for every criterion of every patient.
    reference = [evaluators["plain-Python engine"][0](f) for f in facts]
    agree = Counter()
    for name, (fn, items, _) in evaluators.items():
        got = [fn(x) for x in items]
        if name.startswith("zen-engine"):
            got = [decision.outcomes(g["result"]) for g in got]
        agree[name] = sum(g == r for g, r in zip(got, reference))
    spread = Counter(o.value for r in reference for o in r.values())

    rates = {}
    rows = []
    for name, (fn, items, n) in evaluators.items():
        rates[name], calls = best_rate(fn, items, n, sizes)
        rows.append(Row("2 floor", f"common criteria: {name}, evaluations/s", rate(rates[name]), n=f"{calls:,}"))
    hand = rates["hand-style Python function (the floor)"]
    python = rates["plain-Python engine"]
    rows.append(Row("2 floor", "plain-Python engine: times slower than the floor", f"{hand / python:.1f}×",
                    f"≤ {GOAL_FLOOR_RATIO:g}×", hand / python <= GOAL_FLOOR_RATIO))
    zen_rate = next((v for k, v in rates.items() if k.startswith("zen-engine")), None)
    if zen_rate is not None:
        rows.append(Row("2 floor", "plain-Python engine: times faster than zen-engine",
                        f"{python / zen_rate:.1f}×", "> 1× (well ahead)", python > zen_rate))
    else:
        rows.append(Row("2 floor", "zen-engine", zen_note))
    total = len(facts)
    header = Row("2 floor", f"{FOCUS} common criteria (no cohort scope): {len(common)} of {len(compiled.criteria)} "
                 f"over {len(fields)} facts; " + ", ".join(f"{v:,} {k}" for k, v in sorted(spread.items())), "")
    disagree = [f"{k.split(' (')[0]} {total - v}" for k, v in agree.items() if v != total]
    rows.append(Row("2 floor", f"same outcomes, every criterion: {', '.join(k.split(' (')[0] for k in agree)}",
                    "all agree" if not disagree else "patients differing: " + ", ".join(disagree), "all agree",
                    not disagree, n=f"{total}", check=True))
    return [header, *rows]


def _fields(tree: Any) -> set[str]:
    from trialscreen.engine.tree import fields_of

    return fields_of(tree)


# -- 3. the whole pipeline, latency, cold commands -----------------------------------------------------------------


def pipeline(inputs: Inputs, sizes: Sizes) -> list[Row]:
    import trialscreen
    from trialscreen.api import compiled_ruleset
    from trialscreen.engine.evaluate import evaluate_record

    compiled = compiled_ruleset(FOCUS, inputs.plugins)
    rows = []
    verdicts: Counter = Counter()
    for name in ("durable", "python"):
        progress(f"pipeline: {FOCUS}, {name}")
        reports = [evaluate_record(compiled, r, inputs.plugins, backend=name) for r in inputs.records]  # also warms
        verdicts = Counter(r.verdict for r in reports)
        value, calls = best_rate(lambda r: evaluate_record(compiled, r, inputs.plugins, backend=name),
                                 inputs.records, sizes.pipeline_n, sizes, warm=False)
        engine = "durable-rules" if name == "durable" else "plain Python"
        row = Row("3 pipeline", f"{FOCUS}: normalised record → Report ({engine}), patients/s", rate(value),
                  n=f"{calls:,}")
        if name == "python":
            row.goal, row.ok = at_least(value, GOAL_PIPELINE)
        else:
            row.goal = "— (bounded by the durable engine)"
        rows.append(row)
    rows.append(Row("3 pipeline", f"{FOCUS}: verdicts of the generated patients",
                    ", ".join(f"{v} {k}" for k, v in sorted(verdicts.items())), n=f"{len(inputs.records)}"))

    progress("pipeline: latency of trialscreen.evaluate")
    for name in ("durable", "python"):
        samples = []
        k = len(inputs.patients)
        for i in range(min(k, 3)):
            trialscreen.evaluate(inputs.patients[i], FOCUS, backend=name, plugins=inputs.plugins)
        deadline = time.perf_counter() + sizes.max_seconds if sizes.max_seconds else math.inf
        for i in range(sizes.latency_n):
            if i >= 5 and time.perf_counter() > deadline:
                break
            patient = inputs.patients[i % k]
            start = clock()
            trialscreen.evaluate(patient, FOCUS, backend=name, plugins=inputs.plugins)
            samples.append(clock() - start)
        samples.sort()
        p50 = samples[len(samples) // 2]
        p99 = samples[min(len(samples) - 1, math.ceil(len(samples) * 0.99) - 1)]
        rows.append(Row("3 pipeline", f"trialscreen.evaluate(dict, {FOCUS!r}, backend={name!r}) p50 / p99",
                        f"{p50 * 1000:.2f} / {p99 * 1000:.2f} ms", "— (none set)", n=f"{len(samples):,}"))
    return rows


def trialscreen_command() -> list[str]:
    """The console script beside this Python, as a user runs it; `python -m trialscreen.cli` if there is none."""
    script = Path(sys.executable).with_name("trialscreen")
    return [str(script)] if script.exists() else [sys.executable, "-m", "trialscreen.cli"]


def cold_commands(sizes: Sizes) -> list[Row]:
    """Each command in a new process, as a user runs it a second time: Python's bytecode caches and trialscreen's
    ruleset parse cache written by one untimed first run (pip writes the bytecode at install; the parse cache is
    written by the first command). PYTHONDONTWRITEBYTECODE is removed from the environment of the runs: set in
    some shells and containers, it made every run compile all ~100 modules (~0.7 s of CPU) and is not what a user
    measures. The first run's own time is shown too."""
    rows = []
    command = trialscreen_command()
    example = str(EXAMPLE.relative_to(ROOT))
    with tempfile.TemporaryDirectory(prefix="trialscreen-bench-cache-") as cache:
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env["TRIALSCREEN_CACHE_DIR"] = cache
        for args in (["evaluate", example, "--ruleset", FOCUS], ["match", example]):
            shown = "trialscreen " + " ".join(args)
            progress(f"cold command: {shown}")
            times, cpu, codes = [], [], set()
            for i in range(sizes.cli_runs + 1):
                start, cpu_start = time.perf_counter(), children_cpu_seconds()
                done = subprocess.run(command + args, cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                                      stderr=subprocess.PIPE)
                times.append(time.perf_counter() - start)
                cpu.append(children_cpu_seconds() - cpu_start)
                codes.add(done.returncode)
            first_wall, first_cpu = times.pop(0), cpu.pop(0)
            median = statistics.median(times)
            rows.append(Row("3 pipeline", f"cold `{shown}`, wall time (median)", f"{median:.2f} s",
                            f"≤ {GOAL_COLD_S} s", median <= GOAL_COLD_S, n=f"{len(times)}"))
            rows.append(Row("3 pipeline", f"cold `{shown}`, CPU time user+sys (median; what the wall time is on an "
                            "idle core)", f"{statistics.median(cpu):.2f} s", f"≤ {GOAL_COLD_S} s",
                            statistics.median(cpu) <= GOAL_COLD_S, n=f"{len(cpu)}"))
            rows.append(Row("3 pipeline", f"first `{shown}` (writes the parse cache; bytecode as installed), "
                            "wall / CPU", f"{first_wall:.2f} s / {first_cpu:.2f} s"))
            if codes != {0}:
                rows.append(Row("3 pipeline", f"`{shown}` exit code", ", ".join(map(str, sorted(codes))), "0", False,
                                check=True))
    return rows


# -- 4. batch screening and memory ---------------------------------------------------------------------------------


def screen(sizes: Sizes) -> list[Row]:
    from patients import write_jsonl

    rows = []
    with tempfile.TemporaryDirectory(prefix="trialscreen-bench-") as tmp:
        source = Path(tmp) / "patients.jsonl"
        progress(f"screen: writing {sizes.screen_n:,} generated patients to {source}")
        start = time.perf_counter()
        bad = write_jsonl(source, sizes.screen_n)
        progress(f"screen: written in {time.perf_counter() - start:.1f} s (malformed line {bad})")
        outputs, rates = {}, {}
        for jobs in (1, 2):
            out = Path(tmp) / f"rows-{jobs}.jsonl"
            progress(f"screen: --jobs {jobs}")
            start, cpu_start = time.perf_counter(), children_cpu_seconds()
            done = subprocess.run(trialscreen_command() + ["screen", str(source), "--ruleset", FOCUS, "--jobs",
                                                           str(jobs), "--out", str(out)],
                                  cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
            wall = time.perf_counter() - start
            cpu_used = children_cpu_seconds() - cpu_start
            rates[jobs] = sizes.screen_n / wall
            rows.append(Row("4 screen", f"`trialscreen screen --jobs {jobs}`: patients/s (wall {wall:.1f} s; "
                            f"CPU {cpu_used:.1f} s = {sizes.screen_n / cpu_used:,.0f} patients per CPU-second)",
                            rate(rates[jobs]), n=f"{sizes.screen_n:,}"))
            outputs[jobs] = out.read_bytes() if out.exists() else b""
            rows.extend(_screen_checks(jobs, done, outputs[jobs], sizes.screen_n, bad, source))
        usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
        scaling = rates[2] / rates[1]
        rows.append(Row("4 screen", f"scaling from 1 to 2 processes ({usable} cores usable)", f"{scaling:.2f}×",
                        f"≥ {GOAL_SCALING}×", scaling >= GOAL_SCALING))
        same = bool(outputs[1]) and outputs[1] == outputs[2]
        rows.append(Row("4 screen", "rows identical with --jobs 1 and --jobs 2", "identical" if same else "DIFFERENT",
                        "identical", same, check=True))
    return rows


def _screen_checks(jobs: int, done: subprocess.CompletedProcess, output: bytes, total: int, bad: int,
                   source: Path) -> list[Row]:
    rows = [json.loads(line) for line in output.decode("utf-8").splitlines() if line.strip()]
    errors = [r for r in rows if r["verdict"] == "error"]
    results = len(rows) - len(errors)
    where = f"{source}:{bad}"
    ok = (done.returncode == 0 and results == total - 1 and len(errors) == 1 and errors[0]["source"] == where
          and f"skipped {where}" in done.stderr)
    detail = (f"exit {done.returncode}, {results:,} results, {len(errors)} error row(s)"
              + (f" at line {errors[0]['source'].rsplit(':', 1)[-1]}" if len(errors) == 1 else ""))
    if not ok and done.stderr:
        progress(f"screen --jobs {jobs} stderr (last lines):\n" + "\n".join(done.stderr.splitlines()[-5:]))
    return [Row("4 screen", f"--jobs {jobs}: every valid line a result, the malformed one reported", detail,
                f"{total - 1:,} + 1 error at line {bad}", ok, check=True)]


def child(kind: str, args: list[str]) -> list[Row]:
    """Run `run_all.py --child KIND` in a fresh process (nothing else allocated there) and read its JSON."""
    command = [sys.executable, str(Path(__file__).with_name("run_all.py")), "--child", kind, *args]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    if done.returncode != 0:
        return [Row(kind, f"{kind} measurement process failed", (done.stderr.strip().splitlines() or ["?"])[-1],
                    "runs", False, check=True)]
    return [Row(**r) for r in json.loads(done.stdout.strip().splitlines()[-1])]


def rss_mb() -> float:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # peak, on systems without /proc


def rss_child(sizes: Sizes, backend: str) -> list[Row]:
    """In a fresh process: RSS after 10^4, 10^5, 10^6 whole-pipeline evaluations of the focus ruleset."""
    from patients import variants

    from trialscreen.api import compiled_ruleset, normalise_patient
    from trialscreen.engine.evaluate import evaluate_record
    from trialscreen.plugins.manager import default_manager

    plugins = default_manager()
    compiled = compiled_ruleset(FOCUS, plugins)
    records = [normalise_patient(p, plugins, name=p["id"]) for p in variants(sizes.pool)]
    checkpoints = sorted(sizes.rss_sizes)
    seen: dict[int, float] = {}
    start = time.perf_counter()
    k = len(records)
    for i in range(checkpoints[-1]):
        evaluate_record(compiled, records[i % k], plugins, backend=backend)  # type: ignore[arg-type]
        if i + 1 in checkpoints:
            seen[i + 1] = rss_mb()
            print(f"rss: {i + 1:,} evaluations, {seen[i + 1]:.1f} MB, {time.perf_counter() - start:.0f} s",
                  file=sys.stderr, flush=True)
    rows = [Row("4 memory", f"RSS after whole-pipeline evaluations ({backend}), one process", f"{mb:.1f} MB",
                n=f"{n:,}") for n, mb in seen.items()]
    if len(checkpoints) >= 2:
        a, b = checkpoints[-2], checkpoints[-1]
        growth = (seen[b] - seen[a]) / seen[a]
        rows.append(Row("4 memory", f"RSS change from {a:,} to {b:,} evaluations", f"{growth * 100:+.1f}%",
                        f"within ±{GOAL_RSS_FLAT * 100:g}%", abs(growth) <= GOAL_RSS_FLAT))
    return rows


# -- 5. compiling rulesets -----------------------------------------------------------------------------------------


def forget_parsed_rulesets() -> None:
    """Empty the loader's per-process cache of parsed ruleset files (where there is one), so that a first load is
    measured in full: parse, validate and compile."""
    from trialscreen.rules import loader

    cache = getattr(loader, "_PARSED", None)
    if isinstance(cache, dict):
        cache.clear()


def compile_child() -> list[Row]:
    """In a fresh process: load + compile time and retained memory of every installed ruleset, the cost of
    building each engine, and proof that a second `compiled_ruleset` call is a cache hit."""
    import tracemalloc

    from trialscreen.api import compiled_ruleset
    from trialscreen.engine.backends import make_backend
    from trialscreen.plugins.manager import PluginManager, default_manager

    plugins = default_manager()
    ids = sorted(plugins.rulesets)
    rows = []
    start = time.perf_counter()
    compiled_ruleset(ids[0], PluginManager())  # one-time work (unit registry, vocabularies) in a throwaway manager
    forget_parsed_rulesets()
    rows.append(Row("5 compile", f"first compile in a fresh process ({ids[0]}, one-time set-up included)",
                    f"{(time.perf_counter() - start) * 1000:.0f} ms"))
    timings = {}
    for rid in ids:
        start = time.perf_counter()
        compiled = compiled_ruleset(rid, plugins)
        first = time.perf_counter() - start
        second = math.inf
        for _ in range(5):  # the fastest of five repeated calls
            start = time.perf_counter()
            again = compiled_ruleset(rid, plugins)
            second = min(second, time.perf_counter() - start)
        rss = rss_mb()
        start = time.perf_counter()
        make_backend("durable", compiled.trees, compiled.key)
        durable_s = time.perf_counter() - start
        durable_mb = rss_mb() - rss
        start = time.perf_counter()
        make_backend("python", compiled.trees, compiled.key)
        python_s = time.perf_counter() - start
        timings[rid] = (len(compiled.criteria), first, second, again is compiled, durable_s, durable_mb, python_s)
    # Memory in a second manager, traced: what one more parsed and compiled ruleset keeps alive (Python objects).
    forget_parsed_rulesets()
    tracemalloc.start()
    measured = PluginManager()
    retained = {}
    for rid in ids:
        before = tracemalloc.get_traced_memory()[0]
        compiled_ruleset(rid, measured)
        retained[rid] = tracemalloc.get_traced_memory()[0] - before
    tracemalloc.stop()
    for rid, (criteria, first, _, _, durable_s, durable_mb, python_s) in timings.items():
        rows.append(Row("5 compile", f"{rid} ({criteria} criteria): load + compile; Python memory kept",
                        f"{first * 1000:.0f} ms; {retained[rid] / 1024:,.0f} KiB"))
        rows.append(Row("5 compile", f"{rid}: build engine: durable-rules (RSS added); plain Python",
                        f"{durable_s * 1000:.0f} ms ({durable_mb:+.1f} MB); {python_s * 1000:.1f} ms"))
    hits = sum(t[3] for t in timings.values())
    rows.append(Row("5 compile", "compiled_ruleset called again: the same object (cache hit)",
                    f"{hits} of {len(timings)} rulesets", "all", hits == len(timings), check=True))
    rid, (_, first, second, *_) = max(timings.items(), key=lambda kv: kv[1][2] / kv[1][1])
    rows.append(Row("5 compile", "compiled_ruleset called again: time, worst ratio to the first call",
                    f"{second * 1000:.2f} ms = {second / first:.1%} ({rid})"))
    return rows
