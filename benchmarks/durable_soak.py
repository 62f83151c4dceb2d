"""Soak of the durable-rules evaluator (issue 10, promises 4 and 5): many evaluations in one process across every
seed ruleset, with faults injected into durable-rules' C API, checking that

- every answer equals the plain-Python evaluator's (an evaluation hit by a fault is retried in a fresh session;
  it may be reported as EngineError only if the fault lasts, which this script never does: so 0 errors);
- no durable-rules session leaks: at every checkpoint, every session id a fact was ever sent to (all
  `assert_fact` calls are recorded) is one of the backends' live sessions (one per group) or gone from
  durable-rules (`get_state` answers error 309), and the backends abandoned none;
- memory stays flat: RSS at each checkpoint.

    python benchmarks/durable_soak.py [--n 200000] [--fault-rate 0.001] [--checkpoints 10]

Facts are pre-derived (`gather_facts`) for 40 generated variants of every example patient (benchmarks/patients.py),
against every seed ruleset; evaluations cycle through them. The last lines print the figures and PASS or FAIL.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))

from patients import examples, variants  # noqa: E402  (benchmarks/patients.py)


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def load_cases(plugins: Any) -> list[tuple[str, Any, list[dict[str, Any]]]]:
    """(ruleset id, compiled ruleset, fact dicts) for every seed ruleset."""
    from trialscreen.api import compiled_ruleset
    from trialscreen.engine.evaluate import gather_facts
    from trialscreen.facts.context import ScreeningContext
    from trialscreen.facts.record import normalise
    from trialscreen.model.patient import Patient

    patients = list(variants(40 * len(examples()), seed=10))
    records = [normalise(Patient.model_validate(p), plugins) for p in patients]
    cases = []
    for path in sorted((ROOT / "rulesets").glob("*.yaml")):
        compiled = compiled_ruleset(path, plugins)
        facts = [gather_facts(compiled, ScreeningContext(r, r.patient.screening.date, plugins))[0] for r in records]
        cases.append((compiled.ruleset.id, compiled, facts))
    return cases


class Faults:
    """One-shot faults in the C API, armed for one evaluation at a time: the next call of the chosen function
    made for a patient fact misbehaves (raises, or answers nonsense), then everything is real again."""

    KINDS = ("assert raises", "start finds nothing", "complete raises", "complete garbles", "retract raises")

    def __init__(self, c_api: Any, session_type: str) -> None:
        self.c, self.session_type = c_api, session_type
        self.armed: str | None = None
        self.last_was_session = False
        #: (ruleset handle, session id) of every fact asserted
        self.sessions: set[tuple[int, str]] = set()
        self.made = 0
        for name in ("assert_fact", "start_action_for_state", "complete_and_start_action", "retract_fact"):
            setattr(self, f"real_{name}", getattr(c_api, name))
            setattr(c_api, name, getattr(self, name))

    def _fire(self, kind: str) -> bool:
        if self.armed == kind and not self.last_was_session:
            self.armed = None
            self.made += 1
            return True
        return False

    def assert_fact(self, handle: int, fact: str) -> Any:
        self.last_was_session = self.session_type in fact
        self.sessions.add((handle, json.loads(fact)["sid"]))
        if self._fire("assert raises"):
            raise RuntimeError("injected: assert_fact failed")
        return self.real_assert_fact(handle, fact)

    def start_action_for_state(self, handle: int, state: int) -> Any:
        if self._fire("start finds nothing"):
            return None
        return self.real_start_action_for_state(handle, state)

    def complete_and_start_action(self, handle: int, state: int) -> Any:
        if self._fire("complete raises"):
            raise RuntimeError("injected: complete_and_start_action failed")
        if self._fire("complete garbles"):
            return "garbage"
        return self.real_complete_and_start_action(handle, state)

    def retract_fact(self, handle: int, fact: str) -> Any:
        if self._fire("retract raises"):
            raise RuntimeError("injected: retract_fact failed")
        return self.real_retract_fact(handle, fact)

    def restore(self) -> None:
        for name in ("assert_fact", "start_action_for_state", "complete_and_start_action", "retract_fact"):
            setattr(self.c, name, getattr(self, f"real_{name}"))


def leaked_sessions(c_api: Any, recorded: set[tuple[int, str]], backends: list[Any]) -> list[str]:
    """Recorded sessions that are neither live nor gone, and sessions the backends abandoned."""
    live = {(g.handle, g.sid) for b in backends for g in b.groups}
    leaks = [f"{b.groups[0].ruleset_name}: abandoned {s}" for b in backends for s in b.abandoned_sessions]
    for handle, sid in recorded - live:
        try:
            c_api.get_state(handle, sid)
        except Exception as exc:
            if "error code: 309" in str(exc):  # ERR_SID_NOT_FOUND: deleted
                continue
        leaks.append(f"session {sid} of ruleset handle {handle} is still there")
    return leaks


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=200_000, help="durable-rules evaluations in all")
    parser.add_argument("--fault-rate", type=float, default=0.001, help="share of evaluations given a fault")
    parser.add_argument("--checkpoints", type=int, default=10)
    parser.add_argument("--seed", type=int, default=10)
    args = parser.parse_args()

    from trialscreen.engine import durable_backend as db
    from trialscreen.engine.python_backend import PythonBackend
    from trialscreen.errors import EngineError
    from trialscreen.plugins.manager import default_manager

    t0 = time.perf_counter()
    cases = load_cases(default_manager())
    backends = [(rid, db.DurableBackend(c.trees, c.key), PythonBackend(c.trees, c.key), facts) for rid, c, facts in cases]
    expected = [[python.evaluate(f) for f in facts] for _, _, python, facts in backends]
    print(f"{len(backends)} rulesets, {sum(len(f) for *_, f in backends):,} fact sets, "
          f"{sum(len(b.groups) for _, b, _, _ in backends)} durable rulesets; setup {time.perf_counter() - t0:.1f} s")
    for rid, backend, _, facts in backends:
        print(f"  {rid}: {len(backend.tests)} comparisons in {len(backend.groups)} group(s)")

    rng = random.Random(args.seed)
    faults = Faults(db._C, db.SESSION_TYPE)
    wrong = errors = 0
    rss: list[tuple[int, float]] = [(0, rss_mb())]
    leaks: list[str] = []
    every = max(1, args.n // args.checkpoints)
    durable_time = 0.0
    start = time.perf_counter()
    try:
        for n in range(1, args.n + 1):
            which = n % len(backends)
            rid, backend, _, facts = backends[which]
            k = (n // len(backends)) % len(facts)
            if rng.random() < args.fault_rate:
                faults.armed = rng.choice(Faults.KINDS)
            t = time.perf_counter()
            try:
                got = backend.evaluate(facts[k])
            except EngineError as exc:
                errors += 1
                print(f"  evaluation {n} ({rid}): EngineError {exc}")
                continue
            finally:
                durable_time += time.perf_counter() - t
                faults.armed = None  # a fault aimed at a group that had nothing to ask does not carry over
            if got != expected[which][k]:
                wrong += 1
                print(f"  evaluation {n} ({rid}): durable and python disagree")
            if n % every == 0:
                leaks = leaked_sessions(db._C, faults.sessions, [b for _, b, _, _ in backends])
                rss.append((n, rss_mb()))
                print(f"  {n:>9,} evaluations  RSS {rss[-1][1]:.1f} MB  faults {faults.made}  "
                      f"retries {sum(b.retries for _, b, _, _ in backends)}  leaks {len(leaks)}", flush=True)
    finally:
        faults.restore()
    wall = time.perf_counter() - start
    retries = sum(b.retries for _, b, _, _ in backends)
    base = rss[1][1] if len(rss) > 1 else rss[0][1]
    growth = rss[-1][1] - base
    print(f"evaluations {args.n:,} in {wall:.0f} s (durable-rules alone {args.n / durable_time:,.0f} eval/s, "
          "under whatever load the machine had)")
    print(f"faults injected {faults.made}, evaluations retried {retries}, EngineErrors {errors}, "
          f"disagreements with python {wrong}")
    print(f"RSS {rss[0][1]:.1f} MB at start, {base:.1f} MB at the first checkpoint, {rss[-1][1]:.1f} MB at the end "
          f"({growth:+.1f} MB, {100 * growth / base:+.1f}%)")
    print(f"sessions opened {len(faults.sessions)}, live {sum(len(b.groups) for _, b, _, _ in backends)}, "
          f"leaked or abandoned {len(leaks)}" + "".join(f"\n  {x}" for x in leaks[:10]))
    ok = wrong == 0 and errors == 0 and not leaks and retries == faults.made and abs(growth) <= 0.05 * base
    print("PASS" if ok else "FAIL", "(goals: 0 disagreements, 0 errors, every fault retried, 0 leaked sessions, "
          "RSS within 5% of the first checkpoint)")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
