"""The plugin as trialscreen sees it: every hook implemented, ids namespaced, vocabulary usable in records,
its ruleset passing its inline tests and the coverage audit, and the example patient's verdict as the README
states it."""

from __future__ import annotations

import importlib.metadata
import re
import tomllib
from pathlib import Path

import pytest

import trialscreen_myasthenia
from trialscreen.plugins.manager import iter_hooks
from trialscreen_myasthenia import plugin
from trialscreen_myasthenia.plugin import RULESET_ID

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "mg-eligible.yaml"


def readme_verdict() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    match = re.search(r"Verdict of the example patient[^`]*`(\w+)`", text)
    assert match, "README.md must state 'Verdict of the example patient: `<verdict>`'"
    return match.group(1)


def test_version_matches_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert trialscreen_myasthenia.__version__ == project["version"]
    assert project["entry-points"]["trialscreen.plugins"] == {"myasthenia": "trialscreen_myasthenia.plugin"}


def test_implements_every_hook():
    assert sorted(h for h in iter_hooks() if hasattr(plugin, h)) == sorted(iter_hooks())


def test_contributions_and_namespaced_ids(trialscreen_plugins):
    contrib = trialscreen_plugins.contributions("myasthenia")
    assert contrib["indications"] == ["MG"]
    assert contrib["rulesets"] == [RULESET_ID]
    for kind in ("values", "predicates", "assessment_instruments"):
        assert contrib[kind] and all(i.startswith("myasthenia.") for i in contrib[kind]), kind
    assert trialscreen_plugins.indications["MG"].icd10 == ("G70.0",)
    assert trialscreen_plugins.indications["MG"].snomed == ("91637004",)


def test_drugs_and_tests_resolve_in_a_record(screening_context):
    ctx = screening_context({
        "screening": {"date": "2026-03-16"},
        "serologies": [{"test": "AChR antibody", "result": "positive", "date": "2020-01-01"},
                       {"test": "anti-MuSK", "result": "negative", "date": "2020-01-01"}],
        "medications": {"complete": True, "items": [{"drug": "Vyvgart"}, {"drug": "Zilbrysq"}, {"drug": "Mestinon"},
                                                    {"drug": "eculizumab"}]},
    })
    assert [e.drug.name for e in ctx.record.exposures] == ["efgartigimod alfa", "zilucoplan", "pyridostigmine",
                                                           "eculizumab"]
    assert ctx.serology("achr_ab").result == "positive" and ctx.serology("musk_ab").result == "negative"
    fcrn, _ = ctx.exposures(classes=("fcrn_antagonist",))
    complement, _ = ctx.exposures(classes=("complement_inhibitor",))
    assert [e.drug.name for e in fcrn] == ["efgartigimod alfa"]
    assert [e.drug.name for e in complement] == ["zilucoplan", "eculizumab"]


def test_ruleset_inline_tests_and_coverage(check_ruleset):
    assert check_ruleset(RULESET_ID, coverage=True) >= 2 * 25


@pytest.mark.parametrize("backend", ["durable", "python"])
def test_example_patient_verdict_is_the_one_the_readme_states(evaluate_case, backend):
    report = evaluate_case(EXAMPLE, RULESET_ID, backend=backend)
    assert report.verdict == readme_verdict() == "eligible"
    assert report.ruleset.id == RULESET_ID and report.cohort.indication == "MG"
    assert report.warnings == []


def test_installed_distribution_registers_the_entry_point():
    try:
        dist = importlib.metadata.distribution("trialscreen-myasthenia")
    except importlib.metadata.PackageNotFoundError:
        pytest.skip("trialscreen-myasthenia is not installed (tests run from the source tree)")
    eps = [ep for ep in dist.entry_points if ep.group == "trialscreen.plugins"]
    assert [(ep.name, ep.value) for ep in eps] == [("myasthenia", "trialscreen_myasthenia.plugin")]
    assert dist.version == trialscreen_myasthenia.__version__
