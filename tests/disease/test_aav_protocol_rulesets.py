"""End-to-end ruleset for the AAV predicates defined by protocol 001 (NCT06316791).

tests/fixtures/rulesets/aav-predicates.yaml quotes protocol 002 only (a ruleset names one source file, and the
verbatim-text check reads that one file), so the predicates whose wording comes from protocol 001 are exercised
here by a small ruleset quoting protocol 001, written to a temporary folder and checked as
tests/rulesets/test_inline_cases.py checks the fixture rulesets: every inline case on the Python backend and on the
durable-rules backend (`trialscreen.testing.assert_ruleset_tests_pass`, durable in a forked child), every criterion
text verbatim in its protocol, every criterion with a positive and a negative case. It also runs through
``trialscreen rulesets test``, and the two rulesets together use every value and predicate the plugin registers.
"""

from __future__ import annotations

from pathlib import Path

from trialscreen_aav.items import BVAS_V3_ITEMS

from .conftest import ProtocolRulesetSuite

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "tests" / "fixtures" / "rulesets" / "aav-predicates.yaml"


def bvas_items(*present: str) -> str:
    """A BVAS v3 item map (YAML flow style) with every item answered: `present` ones true, the rest false."""
    keys = ["persistent", "first_assessment", *(item.key for item in BVAS_V3_ITEMS)]
    return "{" + ", ".join(f"{k}: {'true' if k in present else 'false'}" for k in keys) + "}"


P001 = r"""
id: aav-p001-predicates
title: AAV plugin predicates of NCT06316791 (test fixture)
version: "0.1.0"
source: {file: 001_bca57630f6f81437.txt, registry_ids: [NCT06316791]}
cohorts:
  - {id: aav, indication: AAV, title: Refractory ANCA-associated vasculitis}
criteria:
  - id: inc-chapel-hill-aav
    kind: inclusion
    text: |-
      diagnosis of ANCA glomerulonephritis (GN) or vasculitis based on the 2013 American Chapel Hill Consensus Conference definition of AAV
    condition: {predicate: {id: aav.chcc2012_diagnosis, params: {conditions: [GPA, MPA, EGPA, single_organ_aav]}}}
    note: The "2013" Chapel Hill definitions are the 2012 CHCC nomenclature (published 2013); its AAV are GPA, MPA, EGPA, single-organ AAV.
  - id: inc-relapsed-refractory-cyc-rtx
    kind: inclusion
    text: |-
      Relapsed or refractory AAV requiring treatment with cyclophosphamide or rituximab
    condition: {predicate: {id: aav.relapsed_refractory_requiring_cyc_rtx_p001}}
  - id: inc-major-organ-induction
    kind: inclusion
    text: |-
      Newly diagnosed or recurrent AAV--, defined as accumulation of at least one major organ (e.g., kidney, lung, heart) requiring induction therapy with cyclophosphamide or rituximab;
    condition: {predicate: {id: aav.major_organ_induction_p001, params: {within: {days: 28}}}}
tests:
  - name: renal-relapse-needing-rituximab
    patient:
      id: p001-aav
      screening: {date: 2026-03-16}
      sex: male
      birth_date: 1970-02-01
      diagnoses: [{indication: AAV, condition: MPA, diagnosis_date: 2022-05-01}]
      assessments:
        - {instrument: aav.bvas_v3, date: 2026-03-10, items: @RENAL@}
      medications:
        complete: true
        items:
          - {drug: cyclophosphamide, start_date: 2022-05-10, end_date: 2022-11-10, outcome: response}
          - {drug: rituximab, start_date: 2023-01-01, last_dose_date: 2025-01-01, outcome: relapse}
      investigator:
        decisions: [{topic: aav_requires_cyclophosphamide_or_rituximab, applies: true}]
    expect:
      criteria:
        inc-chapel-hill-aav: met
        inc-relapsed-refractory-cyc-rtx: met
        inc-major-organ-induction: met      # haematuria: kidney
  - name: renal-limited-aav-is-aav
    base: renal-relapse-needing-rituximab
    changes: {diagnoses: [{indication: AAV, condition: renal-limited AAV}]}
    expect:
      criteria:
        inc-chapel-hill-aav: met
  - name: polyarteritis-nodosa-is-not-aav
    base: renal-relapse-needing-rituximab
    changes: {diagnoses: [{indication: AAV, condition: polyarteritis nodosa}]}
    expect:
      criteria:
        inc-chapel-hill-aav: not_met
  - name: diagnosis-name-not-recorded
    base: renal-relapse-needing-rituximab
    changes: {diagnoses: [{indication: AAV}]}
    expect:
      criteria:
        inc-chapel-hill-aav: unknown
  - name: no-decision-recorded
    base: renal-relapse-needing-rituximab
    changes: {investigator: {decisions: []}}
    expect:
      criteria:
        inc-relapsed-refractory-cyc-rtx: review
        inc-major-organ-induction: review
  - name: investigator-says-not-needed
    base: renal-relapse-needing-rituximab
    changes: {investigator: {decisions: [{topic: aav_requires_cyclophosphamide_or_rituximab, applies: false}]}}
    expect:
      criteria:
        inc-relapsed-refractory-cyc-rtx: not_met
        inc-major-organ-induction: not_met
  - name: never-relapsed-or-failed
    base: renal-relapse-needing-rituximab
    changes: {medications: {complete: true, items: [{drug: rituximab, start_date: 2023-01-01, last_dose_date: 2025-01-01, outcome: response}]}}
    expect:
      criteria:
        inc-relapsed-refractory-cyc-rtx: not_met
  - name: outcome-not-recorded
    base: renal-relapse-needing-rituximab
    changes: {medications: {complete: true, items: [{drug: rituximab, start_date: 2023-01-01, last_dose_date: 2025-01-01}]}}
    expect:
      criteria:
        inc-relapsed-refractory-cyc-rtx: unknown
  - name: skin-only
    base: renal-relapse-needing-rituximab
    changes: {assessments: [{instrument: aav.bvas_v3, date: 2026-03-10, items: @SKIN@}]}
    expect:
      criteria:
        inc-major-organ-induction: not_met
  - name: nerve-only-is-for-review
    base: renal-relapse-needing-rituximab
    changes: {assessments: [{instrument: aav.bvas_v3, date: 2026-03-10, items: @NERVE@}]}
    expect:
      criteria:
        inc-major-organ-induction: review
  - name: no-bvas-at-screening
    base: renal-relapse-needing-rituximab
    changes: {assessments: []}
    expect:
      criteria:
        inc-major-organ-induction: unknown
"""

RULESETS = {"aav-p001-predicates": P001.replace("@RENAL@", bvas_items("haematuria", "fever"))
            .replace("@SKIN@", bvas_items("purpura")).replace("@NERVE@", bvas_items("mononeuritis_multiplex"))}


class TestAavProtocolRulesets(ProtocolRulesetSuite):
    RULESETS = RULESETS
    MIN_CASES = 10
    PLUGIN_PREFIX = "aav."
    FIXTURE = FIXTURE
