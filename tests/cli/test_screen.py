"""Batch screening: streaming rows, a bad record skipped with its line, identical results across jobs and
backends."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import yaml
from click.testing import CliRunner

from trialscreen.cli import main

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "patients"


def _jsonl(tmp_path: Path, count: int = 12, bad_at: int = 5) -> Path:
    base = yaml.safe_load((EXAMPLES / "nct07212322-ineligible.yaml").read_text())
    lines = []
    for i in range(count):
        patient = {**base, "id": f"P{i}"}
        lines.append(json.dumps(patient, default=str))
        if i == bad_at:
            lines.append('{"id": "bad", "screening": {"date": "2026-01-01"}, "sex": "F"}')
    path = tmp_path / "patients.jsonl"
    path.write_text("\n".join(lines) + "\n")
    return path


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open() as handle:
        return list(csv.DictReader(handle))


def test_bad_record_is_reported_with_its_line_and_the_rest_are_screened(tmp_path):
    source = _jsonl(tmp_path)
    out = tmp_path / "out.csv"
    result = CliRunner().invoke(main, ["screen", str(source), "-r", "nct07212322", "--out", str(out)])
    assert result.exit_code == 0, result.output
    rows = _rows(out)
    assert len(rows) == 13
    [bad] = [r for r in rows if r["verdict"] == "error"]
    assert bad["source"].endswith("patients.jsonl:7") and "field 'sex'" in bad["error"]
    assert f"skipped {source}:7" in result.output
    good = [r for r in rows if r["verdict"] != "error"]
    assert {r["verdict"] for r in good} == {"ineligible"}
    assert all("inc-platelets" in r["decisive"] for r in good)
    assert "13 record(s) screened, 1 rejected" in result.output


def test_results_identical_with_one_and_two_processes_and_both_backends(tmp_path):
    source = _jsonl(tmp_path, count=20, bad_at=9)
    outputs = []
    for args in (["-j", "1"], ["-j", "2"], ["-j", "1", "--backend", "python"]):
        out = tmp_path / f"out{len(outputs)}.jsonl"
        result = CliRunner().invoke(main, ["screen", str(source), "-r", "nct07212322", "--out", str(out), *args])
        assert result.exit_code == 0, result.output
        outputs.append(out.read_text())
    assert outputs[0] == outputs[1] == outputs[2]
    assert len(outputs[0].splitlines()) == 21


def test_screen_needs_a_ruleset():
    result = CliRunner().invoke(main, ["screen", "-"], input="")
    assert result.exit_code == 2 and "--ruleset" in result.output
