"""Issue 10, promise 6: the JSON report is an audit record. It names the ruleset (id, version, SHA-256 of the
file), trialscreen and plugin versions, the as-of date and a digest of the input facts; two runs on the same input
are byte-identical apart from `generated_at` (and fully identical with SOURCE_DATE_EPOCH)."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import yaml
from click.testing import CliRunner

from trialscreen import __version__
from trialscreen.cli import main

ROOT = Path(__file__).resolve().parents[2]
PATIENT = ROOT / "examples/patients/nct07212322-eligible.yaml"
RULESET_ID = "nct07212322"
RULESET_FILE = ROOT / "rulesets/nct07212322.yaml"
STAMP = re.compile(r'^  "generated_at": "[^"]+"\n', re.M)


def report_text(path: Path, env: dict[str, str] | None = None, *extra: str) -> str:
    result = CliRunner().invoke(main, ["evaluate", str(path), "--ruleset", RULESET_ID, "--format", "json", *extra],
                                env=env or {})
    assert result.exit_code == 0, result.output
    return result.output


def test_two_runs_differ_only_in_the_timestamp():
    first, second = report_text(PATIENT), report_text(PATIENT)
    assert len(STAMP.findall(first)) == 1
    assert STAMP.sub("", first) == STAMP.sub("", second)


def test_source_date_epoch_makes_runs_byte_identical():
    env = {"SOURCE_DATE_EPOCH": "1767225600"}
    first, second = report_text(PATIENT, env), report_text(PATIENT, env)
    assert first == second
    assert json.loads(first)["generated_at"] == "2026-01-01T00:00:00Z"


def test_report_names_ruleset_versions_as_of_and_input_digest():
    report = json.loads(report_text(PATIENT, None, "--as-of", "2026-03-20"))
    assert report["ruleset"]["id"] == RULESET_ID
    assert report["ruleset"]["version"]
    assert report["ruleset"]["sha256"] == hashlib.sha256(RULESET_FILE.read_bytes()).hexdigest()
    assert report["trialscreen_version"] == __version__
    assert report["as_of"] == "2026-03-20"
    assert {p["name"] for p in report["plugins"]} >= {"core", "sle"}
    assert all(p["version"] == __version__ for p in report["plugins"] if p["builtin"])
    assert re.fullmatch(r"[0-9a-f]{64}", report["input_sha256"])


def test_input_digest_ignores_layout_but_not_facts(tmp_path):
    data = yaml.safe_load(PATIENT.read_text())
    reordered = tmp_path / "reordered.json"
    reordered.write_text(json.dumps(dict(reversed(list(data.items()))), indent=1, default=str))
    changed_data = yaml.safe_load(PATIENT.read_text())
    changed_data["labs"][0]["value"] = changed_data["labs"][0]["value"] + 1
    changed = tmp_path / "changed.yaml"
    changed.write_text(yaml.safe_dump(changed_data, sort_keys=False))

    digest = json.loads(report_text(PATIENT))["input_sha256"]
    assert json.loads(report_text(reordered))["input_sha256"] == digest
    assert json.loads(report_text(changed))["input_sha256"] != digest
