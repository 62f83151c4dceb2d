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


def _screen_rows(tmp_path: Path, source: Path | str, stdin: bytes | None = None) -> tuple[list[dict], str]:
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(main, ["screen", str(source), "-r", "nct07212322", "--out", str(out)], input=stdin)
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in out.read_text().splitlines()], result.output


def test_invalid_utf8_line_is_an_error_row_not_a_record_with_replacement_characters(tmp_path):
    # before: the file was read with errors="replace", so a patient id or drug name with a bad byte was screened
    # under a name that was never written (U+FFFD) instead of being refused like a single patient file
    good = _jsonl(tmp_path, count=3, bad_at=99).read_bytes().splitlines()
    bad = good[1].replace(b'"id": "P1"', b'"id": "P\xff1"')
    source = tmp_path / "mixed.jsonl"
    source.write_bytes(b"\n".join([good[0], bad, good[2]]) + b"\n")
    rows, _ = _screen_rows(tmp_path, source)
    assert [r["verdict"] for r in rows] == ["ineligible", "error", "ineligible"]
    assert rows[1]["source"].endswith("mixed.jsonl:2") and "not UTF-8 text (byte 9 of the line)" in rows[1]["error"]
    assert "\ufffd" not in json.dumps(rows)


def test_invalid_utf8_on_stdin_is_an_error_row(tmp_path):
    good = _jsonl(tmp_path, count=2, bad_at=99).read_bytes().splitlines()
    rows, _ = _screen_rows(tmp_path, "-", stdin=good[0] + b"\n\xfe\xff{}\n" + good[1] + b"\n")
    assert [r["verdict"] for r in rows] == ["ineligible", "error", "ineligible"]
    assert rows[1]["source"] == "<stdin>:2" and "not UTF-8" in rows[1]["error"]


def test_line_over_5_mib_is_an_error_row_and_the_next_line_is_screened(tmp_path):
    # before: a line of any length was read whole and parsed; one patient file is refused beyond 5 MiB
    good = _jsonl(tmp_path, count=2, bad_at=99).read_bytes().splitlines()
    huge = b'{"id": "big", "note": "' + b"x" * (6 * 1024 * 1024) + b'"}'
    source = tmp_path / "huge.jsonl"
    source.write_bytes(b"\n".join([good[0], huge, good[1]]) + b"\n")
    rows, _ = _screen_rows(tmp_path, source)
    assert [r["verdict"] for r in rows] == ["ineligible", "error", "ineligible"]
    assert rows[1]["source"].endswith("huge.jsonl:2") and "longer than 5 MiB" in rows[1]["error"]
    assert rows[2]["source"].endswith("huge.jsonl:3")


def test_byte_order_mark_on_the_first_line_is_accepted(tmp_path):
    good = _jsonl(tmp_path, count=2, bad_at=99).read_bytes()
    source = tmp_path / "bom.jsonl"
    source.write_bytes(b"\xef\xbb\xbf" + good)
    rows, _ = _screen_rows(tmp_path, source)
    assert [r["verdict"] for r in rows] == ["ineligible", "ineligible"]


def test_directory_file_over_5_mib_or_not_utf8_is_an_error_row_naming_it(tmp_path):
    folder = tmp_path / "records"
    folder.mkdir()
    (folder / "a-good.yaml").write_bytes((EXAMPLES / "nct07212322-ineligible.yaml").read_bytes())
    (folder / "b-latin1.yaml").write_bytes("id: Jos\xe9\n".encode("latin-1"))
    (folder / "c-big.json").write_bytes(b'{"id": "' + b"x" * (5 * 1024 * 1024 + 1) + b'"}')
    rows, _ = _screen_rows(tmp_path, folder)
    assert [r["verdict"] for r in rows] == ["ineligible", "error", "error"]
    assert rows[1]["source"].endswith("b-latin1.yaml") and "not UTF-8 text (byte 7)" in rows[1]["error"]
    assert rows[2]["source"].endswith("c-big.json") and "larger than 5 MiB" in rows[2]["error"]
