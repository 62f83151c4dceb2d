"""Bad input, CI size: 1,000 fuzzed patient and ruleset files (seed 1) through the CLI's code path, and a few through
the real CLI. Each must end in a report (when the mutation left a usable file) or an input error naming the file and
the field — never a traceback, a hang past the CPU-time bound, or memory past the bound. The full-size run (100,000
files) is ``python tests/stress/fuzz_inputs.py --n 100000 --seed 1``; its figures are in docs/reliability.md."""

from __future__ import annotations

from collections import Counter

import pytest

from tests.fuzz import runner
from tests.fuzz.mutate import all_mutations, make_case
from tests.fuzz.worker import names_file_and_location

SEED = 1
CASES = 1_000
MEMORY_MB = 1536
CPU_SECONDS = 10.0


@pytest.fixture(scope="module")
def summary() -> runner.Summary:
    return runner.run(SEED, range(CASES), jobs=2, cli_every=5, soft_seconds=CPU_SECONDS, hard_seconds=120,
                      memory_mb=MEMORY_MB)


def _describe(failures: list[dict]) -> str:
    return "\n".join(f"case {r['index']} [{r['problem']}] {r['kind']} {r['mutation']} ({r['detail']}): "
                     f"{r['text'][:300]}\n{r.get('traceback', '')[-800:]}" for r in failures[:10])


def test_every_fuzzed_file_ends_in_a_report_or_an_error_naming_file_and_field(summary):
    assert len(summary.results) == CASES
    assert summary.failures == [], _describe(summary.failures)


def test_the_run_covers_every_mutation_and_both_outcomes(summary):
    for kind in ("patient", "ruleset"):
        tried = {r["mutation"] for r in summary.results if r["kind"] == kind}
        assert set(all_mutations(kind)) - tried == set()
    outcomes = Counter(r["outcome"] for r in summary.results)
    assert outcomes["error"] >= 0.6 * CASES and outcomes["report"] >= 0.05 * CASES
    must_fail = [r for r in summary.results if r["must_fail"]]
    assert len(must_fail) >= 0.5 * CASES and {r["outcome"] for r in must_fail} == {"error"}
    assert sum(r["via"] == "cli" for r in summary.results) == CASES // 5


def test_time_and_memory_stay_within_their_bounds(summary):
    assert max(r["cpu_seconds"] for r in summary.results) < CPU_SECONDS
    assert max(r["maxrss_mb"] for r in summary.results) < MEMORY_MB


#: One case of each of these kinds goes through the real CLI, one process per file.
CLI_MUTATIONS = ["invalid_utf8", "python_tag", "billion_laughs", "deep_text", "impossible_lab", "contradictory_results",
                 "bad_threshold", "truncate"]


def _cli_indices() -> list[int]:
    found: dict[str, int] = {}
    for index in range(CASES):
        case = make_case(SEED, index)
        if case.mutation in CLI_MUTATIONS and case.mutation not in found and (case.must_fail or case.mutation == "truncate"):
            found[case.mutation] = index
        if len(found) == len(CLI_MUTATIONS):
            break
    return sorted(found.values())


def test_the_real_cli_exits_1_without_a_traceback_naming_the_file(tmp_path):
    results = runner.run_cli(SEED, _cli_indices(), jobs=2, workdir=tmp_path)
    assert {r["mutation"] for r in results} == set(CLI_MUTATIONS)
    for r in results:
        assert r["problem"] is None, r
        assert "Traceback" not in r["stderr"]
        assert r["exit_code"] == 1 or (r["exit_code"] == 0 and not r["must_fail"]), r
        if r["exit_code"] == 1:
            assert r["stderr"].startswith("trialscreen: error: ") and r["file"] in r["stderr"]


@pytest.mark.parametrize("message, ok", [
    ("/x/p.yaml: the patient record does not validate\n  - field 'labs[0].value' (line 8): bad", True),
    ("/x/p.yaml: invalid YAML at line 3, column 1: mapping values are not allowed here", True),
    ("/x/p.yaml: not UTF-8 text (byte 17)", True),
    ("/x/p.yaml: the patient record has problems", False),  # no field
    ("field 'labs[0].value' (line 8): bad", False),  # no file
    ("durable-rules cannot parse the thresholds 1e+30", False),
])
def test_the_oracle_wants_the_file_and_a_location(message, ok):
    assert names_file_and_location(message, "/x/p.yaml") is ok
