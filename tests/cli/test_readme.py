"""The README's examples print what the commands print."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import pytest
from click.testing import CliRunner

from trialscreen.cli import main

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")
BLOCKS = re.findall(r"```console\n\$ (trialscreen match [^\n]+)\n(.*?)```", README, re.S)


def run(command: str) -> str:
    args = shlex.split(command)[1:]
    result = CliRunner().invoke(main, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def test_readme_shows_match_on_two_patients():
    assert len(BLOCKS) >= 2


@pytest.mark.parametrize(("command", "shown"), BLOCKS, ids=[b[0].split()[2] for b in BLOCKS])
def test_readme_match_output_is_what_the_command_prints(command, shown, monkeypatch):
    monkeypatch.chdir(ROOT)
    assert run(command) == shown


def test_readme_evaluate_json_example(monkeypatch):
    monkeypatch.chdir(ROOT)
    block = re.search(r"\$ trialscreen evaluate (\S+) --ruleset (\S+) --format json \| jq [^\n]+\n(.*?)```", README, re.S)
    assert block, "README lost its evaluate example"
    report = json.loads(run(f"trialscreen evaluate {block.group(1)} --ruleset {block.group(2)} --format json"))
    expected = [json.loads(line) for line in block.group(3).strip().splitlines()]
    assert [report["verdict"], report["earliest_eligible_date"], report["summary"]] == expected


def test_readme_example_table_matches_verdicts(monkeypatch):
    monkeypatch.chdir(ROOT)
    rows = re.findall(r"\| `(nct07212322-[\w-]+\.yaml)`[^|]*\| `(\w+)` \|", README)
    assert len(rows) >= 6
    for name, verdict in rows:
        report = json.loads(run(f"trialscreen evaluate examples/patients/{name} --ruleset nct07212322 --format json"))
        assert report["verdict"] == verdict, name
