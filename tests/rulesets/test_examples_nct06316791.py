"""The nct06316791 example patients (examples/patients/nct06316791-*.yaml: lupus nephritis, SLE-ITP, AAV, MDA5+
dermatomyositis) give the verdicts their header comments state, on both backends, and each is screened for the
cohort it was written for."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

import trialscreen

from .conftest import DURABLE_CRASH, run_isolated

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples" / "patients"
RULESET = "nct06316791"

#: file -> (verdict, cohort, earliest eligible date, criteria outcomes that must hold)
EXPECTED: dict[str, tuple[str, str, date | None, dict[str, str]]] = {
    "nct06316791-lupus-nephritis.yaml": (
        "eligible", "sle_ln", None,
        {"inc-sle-refractory": "met", "inc-sle-acr-classification": "met", "inc-sle-ln-itp-standard-treatment": "met",
         "inc-ln-biopsy-class": "met", "inc-ln-active": "met", "inc-renal-ln": "met", "inc-renal": "not_applicable",
         "inc-pregnancy-test": "met", "exc-qtc": "not_met", "exc-hbsag": "not_met", "exc-hbv-dna-review": "not_met",
         "inc-pulmonary-reserve": "met", "exc-other-unsuitability": "not_met"},
    ),
    "nct06316791-sle-itp.yaml": (
        "needs_review", "sle_itp", None,
        {"inc-sle-itp": "review", "inc-sle-ln-itp-standard-treatment": "review", "inc-sle-itp-platelets-above-10": "met",
         "inc-sle-itp-still-thrombocytopenic": "met", "inc-sle-refractory": "met", "inc-sle-acr-classification": "met",
         "inc-ln-biopsy-class": "not_applicable", "inc-renal": "met", "inc-renal-ln": "not_applicable"},
    ),
    "nct06316791-aav.yaml": (
        "eligible", "aav", None,
        {"inc-aav-chapel-hill": "met", "inc-aav-relapsed-refractory": "met", "inc-aav-major-organ": "met",
         "inc-aav-anca": "met", "inc-renal": "met", "inc-contraception": "met", "inc-pregnancy-test": "met",
         "exc-pregnant": "not_met", "inc-sle-refractory": "not_applicable"},
    ),
    "nct06316791-mda5-dm.yaml": (
        "needs_review", "mda5_dm", None,
        {"inc-mda5-dm-refractory": "met", "inc-pulmonary-reserve": "review", "inc-spo2": "met",
         "inc-lymphocytes": "met", "inc-alt": "met", "inc-aav-anca": "not_applicable"},
    ),
}


def _summary(path: str, backend: str) -> tuple[str, str | None, date | None, dict[str, str], list[str]]:
    report = trialscreen.evaluate(path, RULESET, backend=backend)
    outcomes = {c.id: c.outcome for c in report.criteria}
    decisive = sorted(c.id for c in report.criteria if c.decisive or c.outcome in ("review", "unknown"))
    cohort = report.cohort.id if report.cohort else None
    return report.verdict, cohort, report.earliest_eligible_date, outcomes, decisive


def test_every_nct06316791_example_has_an_expectation() -> None:
    files = sorted(p.name for p in EXAMPLES.glob(f"{RULESET}-*.yaml"))
    assert files == sorted(EXPECTED)


@pytest.mark.parametrize("backend", ["durable", "python"])
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_example_verdict(name: str, backend: str) -> None:
    verdict, cohort, earliest, criteria = EXPECTED[name]
    path = str(EXAMPLES / name)
    if backend == "durable":
        kind, value = run_isolated(_summary, path, backend)
        if kind == "crashed":
            pytest.fail(f"{name}: " + DURABLE_CRASH.format(how=value), pytrace=False)
        assert kind == "ok", value
    else:
        value = _summary(path, backend)
    got_verdict, got_cohort, got_earliest, outcomes, open_items = value
    assert (got_verdict, got_cohort, got_earliest) == (verdict, cohort, earliest), f"decisive or open: {open_items}"
    assert {cid: outcomes[cid] for cid in criteria} == criteria


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_header_comment_names_the_trial_and_the_verdict(name: str) -> None:
    header = (EXAMPLES / name).read_text(encoding="utf-8").split("\nid:")[0]
    verdict = EXPECTED[name][0]
    assert RULESET in header
    assert f"`trialscreen evaluate <this file> --ruleset {RULESET}`: {verdict}" in header


def test_open_items_are_only_the_ones_the_headers_describe() -> None:
    """The two needs_review examples each wait on the one investigator question their header explains."""
    _, _, _, _, itp_open = _summary(str(EXAMPLES / "nct06316791-sle-itp.yaml"), "python")
    assert itp_open == ["inc-sle-itp", "inc-sle-ln-itp-standard-treatment"]
    _, _, _, _, dm_open = _summary(str(EXAMPLES / "nct06316791-mda5-dm.yaml"), "python")
    assert dm_open == ["inc-pulmonary-reserve"]


def test_protocol_notes_document_carries_every_criterion_note() -> None:
    """docs/protocol-notes/nct06316791.md lists each criterion note of the ruleset word for word (as `trialscreen
    rulesets notes` renders it), and no note of a criterion that no longer has one."""
    from trialscreen.rules.loader import load_ruleset_file

    ruleset = load_ruleset_file(ROOT / "rulesets" / f"{RULESET}.yaml").ruleset
    doc = (ROOT / "docs" / "protocol-notes" / f"{RULESET}.md").read_text(encoding="utf-8")
    expected = [f"- **`{c.id}`** ({c.kind}): {' '.join(c.note.split())}" for c in ruleset.criteria if c.note]
    listed = [line for line in doc.splitlines() if line.startswith("- **`")]
    assert listed == expected
