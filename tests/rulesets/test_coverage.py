"""Every eligibility line of every trial protocol is encoded by some criterion (rulesets coverage audit)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from trialscreen.rules.coverage import coverage
from trialscreen.rules.loader import load_ruleset_file
from trialscreen.rules.testing import ruleset_files

ROOT = Path(__file__).resolve().parents[2]
TRIAL_RULESETS = ruleset_files(ROOT / "rulesets")


@pytest.mark.parametrize("path", TRIAL_RULESETS, ids=[p.stem for p in TRIAL_RULESETS])
def test_no_protocol_line_is_unmapped(path: Path) -> None:
    report = coverage(load_ruleset_file(path))
    assert report.not_verbatim == []
    assert report.unmapped == [], "protocol text no criterion encodes:\n" + "\n".join(
        f"line {n}: {text}" for n, text in report.unmapped)


def test_a_dropped_criterion_shows_up_as_unmapped(tmp_path: Path) -> None:
    source = ROOT / "rulesets" / "nct07212322.yaml"
    data = yaml.safe_load(source.read_text())
    data["criteria"] = [c for c in data["criteria"] if c["id"] != "exc-hiv"]
    data["tests"] = []
    (tmp_path / "sources").mkdir()
    (tmp_path / "sources" / data["source"]["file"]).write_text((ROOT / "rulesets" / "sources" / data["source"]["file"]).read_text())
    target = tmp_path / "nct07212322.yaml"
    target.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
    report = coverage(load_ruleset_file(target))
    assert [text for _, text in report.unmapped] == ["Positive for HIV antibody."]
