"""`screen` on a dask.distributed cluster of worker processes writes exactly what one local process writes; work
is submitted in a bounded window; a worker that differs from the driver refuses to screen."""

from __future__ import annotations

import dataclasses
import json
import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from trialscreen import batch
from trialscreen.cli import main
from trialscreen.errors import TrialscreenError

distributed = pytest.importorskip("distributed", reason="dask.distributed is not installed (extra 'distributed')")

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "patients"
BAD_RECORD = '{"id": "bad", "screening": {"date": "2026-01-01"}, "sex": "F"}'


def _patients(tmp_path: Path, count: int = 40) -> Path:
    """Two kinds of patient (ineligible, eligible), a record that does not validate and a line that is not JSON."""
    kinds = [yaml.safe_load((EXAMPLES / f"nct07212322-{name}.yaml").read_text()) for name in ("ineligible", "eligible")]
    lines = []
    for i in range(count):
        lines.append(json.dumps({**kinds[i % 2], "id": f"P{i}"}, default=str))
        if i == count // 2:
            lines.append(BAD_RECORD)
        if i == count // 2 + 3:
            lines.append("{not json")
    path = tmp_path / "patients.jsonl"
    path.write_text("\n".join(lines) + "\n")
    return path


def _screen(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["screen", *args])
    return result.exit_code, result.output


@pytest.fixture(scope="module")
def cluster():
    """The cluster `--dask local:2` starts: two worker processes, one thread each, profiler off."""
    with batch.dask_executor("local:2") as (_, threads):
        assert threads == 2
        yield distributed.default_client()


def test_local_cluster_runs_without_the_profiler_and_keeps_few_messages(cluster):
    import dask

    profiling = cluster.run(lambda: dask.config.get("distributed.worker.profile.enabled"))
    assert list(profiling.values()) == [False, False]
    # each comm keeps its last messages (chunks of records, under 1 MB each): 16 of them, not dask's 1,000
    kept = cluster.run(lambda dask_worker: dask_worker.batched_stream.recent_message_log.maxlen)
    assert list(kept.values()) == [16, 16]
    kept = cluster.run_on_scheduler(
        lambda dask_scheduler: [s.recent_message_log.maxlen for s in dask_scheduler.stream_comms.values()])
    assert kept == [16, 16]
    assert cluster.scheduler_comm.recent_message_log.maxlen == 16


def _one_process(source: Path, out: Path) -> tuple[str, str]:
    code, output = _screen(str(source), "-r", "nct07212322", "-j", "1", "--out", str(out))
    assert code == 0, output
    return out.read_text(), output


def test_csv_from_a_running_scheduler_is_byte_identical_to_one_process(tmp_path, cluster):
    source = _patients(tmp_path, count=130)
    expected, expected_log = _one_process(source, tmp_path / "local.csv")
    out = tmp_path / "dask.csv"
    code, output = _screen(str(source), "-r", "nct07212322", "--dask", cluster.scheduler.address, "--out", str(out),
                           "--chunk-size", "20")  # seven tasks: work for both workers
    assert code == 0, output
    assert out.read_text() == expected
    assert output == expected_log  # the same skipped-record lines and the same summary
    assert f"skipped {source}:67: the patient record does not validate - field 'sex'" in output
    assert f"skipped {source}:71: invalid JSON" in output
    assert "132 record(s) screened, 2 rejected as invalid input" in output
    assert "nct07212322: 65 eligible, 65 ineligible" in output
    # the records were screened by both worker processes, each set up (rulesets compiled) in its own process
    set_up = cluster.run(lambda: (os.getpid(), batch._STATE.get("job") is not None))
    assert len(set_up) == 2 and all(done for _, done in set_up.values())
    assert os.getpid() not in {pid for pid, _ in set_up.values()}


def test_jsonl_from_a_local_cluster_of_two_processes_is_byte_identical_to_one_process(tmp_path):
    source = _patients(tmp_path, count=30)
    expected, expected_log = _one_process(source, tmp_path / "local.jsonl")
    out = tmp_path / "dask.jsonl"
    code, output = _screen(str(source), "-r", "nct07212322", "--dask", "local:2", "--out", str(out))
    assert code == 0, output
    assert out.read_text() == expected
    assert output == expected_log
    rows = [json.loads(line) for line in expected.splitlines()]
    assert [r["source"].rsplit(":", 1)[1] for r in rows] == [str(n) for n in range(1, 33)]
    [bad] = [r for r in rows if r["source"].endswith(":17")]
    assert bad["verdict"] == "error" and "field 'sex'" in bad["error"]


def test_a_worker_with_a_different_ruleset_or_plugins_refuses_to_screen(tmp_path, cluster):
    items = list(batch.iter_items(str(_patients(tmp_path, count=3))))
    job = batch.prepare(["nct07212322"])
    executor = cluster.get_executor(pure=False)
    screened = [r["patient_id"] for r in batch.run(items, job, executor=executor) if r["verdict"] != "error"]
    assert screened == ["P0", "P1", "P2"]

    other_ruleset = dataclasses.replace(job, ruleset_sha256=("0" * 64,))
    different = r"has a different ruleset nct07212322 \(sha256 \w{12} here, 000000000000 on the machine that started"
    with pytest.raises(TrialscreenError, match=different):
        list(batch.run(items, other_ruleset, executor=executor))

    other_plugins = dataclasses.replace(job, plugins=(*job.plugins, ("trialscreen-extra", "9.9")))
    with pytest.raises(TrialscreenError, match="has different plugins .* trialscreen-extra 9.9 there"):
        list(batch.run(items, other_plugins, executor=executor))


def test_no_more_than_a_window_of_records_is_in_flight(tmp_path):
    pulled = 0
    items = list(batch.iter_items(str(_patients(tmp_path, count=30))))

    def counted():
        nonlocal pulled
        for item in items:
            pulled += 1
            yield item

    in_flight = []
    with ThreadPoolExecutor(2) as executor:
        sources = []
        for row in batch.run(counted(), ["nct07212322"], executor=executor, chunksize=4, window=3):
            sources.append(row["source"])
            in_flight.append(pulled - len(sources))
    assert sources == [item.source for item in items]  # in input order although two threads finish in any order
    assert max(in_flight) == 3 * 4 - 1  # three chunks of four, less the row being handed out


def test_dask_usage_errors_are_clear(tmp_path, monkeypatch):
    source = _patients(tmp_path, count=2)
    code, output = _screen(str(source), "-r", "nct07212322", "--dask", "local:2", "-j", "2")
    assert code == 2 and "--jobs and --dask exclude each other" in output

    code, output = _screen(str(source), "-r", "nct07212322", "--dask", "local:0")
    assert code == 1 and "--dask local:0: expected local:N with N ≥ 1" in output

    import dask

    with dask.config.set({"distributed.comm.timeouts.connect": "1s"}):
        code, output = _screen(str(source), "-r", "nct07212322", "--dask", "tcp://127.0.0.1:9")
    assert code == 1 and "cannot reach the dask scheduler at tcp://127.0.0.1:9" in output
    assert "Traceback" not in output

    monkeypatch.setitem(__import__("sys").modules, "distributed", None)
    code, output = _screen(str(source), "-r", "nct07212322", "--dask", "local:2")
    assert code == 1 and "pip install 'trialscreen[distributed]'" in output
