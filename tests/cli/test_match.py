"""Cross-trial matching through the API and the CLI."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

import trialscreen
from trialscreen.cli import main

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "patients"


def test_match_api_returns_one_result_per_installed_ruleset():
    result = trialscreen.match(EXAMPLES / "nct07212322-washout.yaml")
    from trialscreen.plugins.manager import default_manager

    assert sorted(t.ruleset for t in result.trials) == sorted(default_manager().rulesets)
    trial = result.by_id("nct07212322")
    assert trial.verdict == "ineligible"
    assert [r.criterion for r in trial.reasons] == ["exc-bcell-depleting"]
    assert str(trial.earliest_eligible_date) == "2026-07-06"
    assert trial.report.verdict == "ineligible"


def test_match_collects_missing_facts_with_the_trials_they_settle():
    result = trialscreen.match(EXAMPLES / "nct07212322-incomplete.yaml")
    facts = {c.fact: c.trials for c in result.collect}
    # an SSc patient without INR: both trials with an SSc cohort need it (chec2024-181 and nct07212322)
    assert facts["International normalised ratio result within 28 days before screening"] == ["chec2024-181", "nct07212322"]
    assert all(trials == sorted(set(trials)) for trials in facts.values())
    assert [len(c.trials) for c in result.collect] == sorted((len(c.trials) for c in result.collect), reverse=True)


def test_match_cli_json_and_table():
    runner = CliRunner()
    out = runner.invoke(main, ["match", str(EXAMPLES / "nct07212322-incomplete.yaml"), "--format", "json"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    assert data["trials"][0]["verdict"] in {"incomplete", "needs_review", "eligible", "ineligible"}
    assert data["collect"]
    table = runner.invoke(main, ["match", str(EXAMPLES / "nct07212322-washout.yaml")])
    assert table.exit_code == 0 and "Trial matching for EX-NCT07212322-WASHOUT" in table.output
    md = runner.invoke(main, ["match", str(EXAMPLES / "nct07212322-washout.yaml"), "--format", "markdown"])
    assert "| **ineligible** |" in md.output and "exc-bcell-depleting (washouts lapse 2026-07-06)" in md.output
