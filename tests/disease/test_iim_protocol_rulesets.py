"""End-to-end rulesets for the IIM predicates defined by protocols 002 (NCT07212322) and 001 (NCT06316791).

tests/fixtures/rulesets/iim-predicates.yaml quotes protocol 004 only (a ruleset names one source file, and the
verbatim-text check reads that one file), so the predicates whose wording comes from protocols 002 and 001 — and
protocol 002's own parameters of the shared ones (subgroups DM/IMNM/ASyS, MMT-8 ≤141) — are exercised here by one
small ruleset per protocol, written to a temporary folder and checked as tests/rulesets/test_inline_cases.py checks
the fixture rulesets: every inline case on the Python backend and on the durable-rules backend
(`trialscreen.testing.assert_ruleset_tests_pass`, durable in a forked child), every criterion text verbatim in its
protocol, every criterion with a positive and a negative case. They also run through ``trialscreen rulesets test``,
and the three rulesets together use every value and predicate the plugin registers.
"""

from __future__ import annotations

from pathlib import Path


from .conftest import ProtocolRulesetSuite

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "tests" / "fixtures" / "rulesets" / "iim-predicates.yaml"

P002 = r"""
id: iim-p002-predicates
title: IIM plugin predicates of NCT07212322 (test fixture)
version: "0.1.0"
source: {file: 002_452abfaa42c09986.txt, registry_ids: [NCT07212322]}
cohorts:
  - {id: iim, indication: IIM, title: Refractory idiopathic inflammatory myopathies}
criteria:
  - id: inc-classification
    kind: inclusion
    text: |-
      Diagnosed with idiopathic inflammatory myopathy (IIM) with a probability ≥55% according to the 2017 EULAR/ACR classification criteria for IIM
    condition: {predicate: {id: iim.eular_acr_2017, params: {min_probability: 55}}}
    note: By the published score cut-off for ≥55% (5.5 without / 6.7 with muscle biopsy).
  - id: inc-subgroup
    kind: inclusion
    text: |-
      classified as dermatomyositis (DM), immune-mediated necrotizing myopathy (IMNM), or anti-synthetase syndrome (ASyS)
    condition: {predicate: {id: iim.subgroup, params: {subgroups: [DM, IMNM, ASyS]}}}
  - id: inc-mmt8
    kind: inclusion
    text: |-
      Manual Muscle Testing-8 (MMT-8) score ≤141 (total score 150)
    condition: {predicate: {id: iim.mmt8_below, params: {threshold: 141, inclusive: true, within: {days: 28}}}}
  - id: inc-refractory
    kind: inclusion
    text: |-
      Previous intolerance or inadequate response to glucocorticoids and at least one immunosuppressant or immunomodulator for the aforementioned autoimmune disease, requiring: Treatment with glucocorticoids and at least one immunosuppressant at known effective doses for at least 3 months.
    condition: {predicate: {id: iim.refractory_p002, params: {months: 3}}}
    note: Doses are not checked against "known effective doses" (no dose table); the evidence says so.
tests:
  - name: refractory-dm
    patient:
      id: p002-iim
      screening: {date: 2026-03-16}
      sex: female
      birth_date: 1975-05-05
      diagnoses: [{indication: IIM, condition: DM, onset_date: 2024-05-01}]
      assessments:
        - instrument: iim.eular_acr_2017
          date: 2024-06-01
          items: {weakness_proximal_upper: true, weakness_proximal_lower: true, neck_flexors_weaker_than_extensors: false,
                  legs_proximal_weaker_than_distal: false, heliotrope_rash: true, gottron_papules: true,
                  gottron_sign: false, dysphagia_or_oesophageal_dysmotility: false, anti_jo1: false,
                  elevated_muscle_enzymes: true, muscle_biopsy_performed: false, finger_flexor_weakness: false,
                  biopsy_rimmed_vacuoles: false}
        - {instrument: iim.mmt8, date: 2026-03-10, total: 130}
      medications:
        complete: true
        items:
          - {drug: prednisone, start_date: 2024-06-01, ongoing: true, dose: {value: 20, unit: mg, per: day}}
          - {drug: methotrexate, start_date: 2024-07-01, end_date: 2025-03-01, outcome: failure}
    expect:
      criteria:
        inc-classification: met        # onset at 48: 2.1 + 0.7 + 0.8 + 3.1 + 2.1 + 1.3 = 10.1
        inc-subgroup: met
        inc-mmt8: met
        inc-refractory: met            # prednisone + methotrexate together 8 months; methotrexate failed
  - name: polymyositis-is-not-a-p002-subgroup
    base: refractory-dm
    changes: {diagnoses: [{indication: IIM, condition: PM, onset_date: 2024-05-01}]}
    expect:
      criteria:
        inc-subgroup: not_met
  - name: pm-by-the-tree-needs-the-recorded-subgroup
    base: refractory-dm
    changes:
      diagnoses: [{indication: IIM, onset_date: 2024-05-01}]
      assessments[0].items.heliotrope_rash: false
      assessments[0].items.gottron_papules: false
    expect:
      criteria:
        inc-subgroup: unknown          # the 2017 tree places IMNM within PM
        inc-classification: not_met    # 4.9, and neither a DM skin sign nor a biopsy
  - name: biopsy-status-not-recorded
    base: refractory-dm
    changes:
      assessments[0].items.muscle_biopsy_performed: null
    expect:
      criteria:
        inc-classification: unknown
  - name: mmt8-141-meets-142-does-not
    base: refractory-dm
    changes:
      assessments[1].total: 142
    expect:
      criteria:
        inc-mmt8: not_met
  - name: mmt8-exactly-141
    base: refractory-dm
    changes:
      assessments[1].total: 141
    expect:
      criteria:
        inc-mmt8: met
  - name: mmt8-not-measured-at-screening
    base: refractory-dm
    changes:
      assessments[1].date: 2025-11-01
    expect:
      criteria:
        inc-mmt8: unknown
  - name: methotrexate-worked
    base: refractory-dm
    changes:
      medications.items[1].outcome: response
    expect:
      criteria:
        inc-refractory: not_met
  - name: methotrexate-under-3-months
    base: refractory-dm
    changes:
      medications.items[1].end_date: 2024-09-15
    expect:
      criteria:
        inc-refractory: not_met
  - name: medication-history-incomplete
    base: methotrexate-worked
    changes:
      medications.complete: false
    expect:
      criteria:
        inc-refractory: unknown
"""

P001 = r"""
id: iim-p001-predicates
title: IIM plugin predicates of NCT06316791 (test fixture)
version: "0.1.0"
source: {file: 001_bca57630f6f81437.txt, registry_ids: [NCT06316791]}
cohorts:
  - {id: dm, indication: IIM, title: Refractory MDA5-positive dermatomyositis}
criteria:
  - id: inc-refractory-mda5-dm
    kind: inclusion
    text: |-
      Subjects with Refractory Dermatomyositis: Refractory MDA5-positive dermatomyositis is defined as active disease and meets the following conditions: adequate corticosteroid therapy (greater than two to four weeks of conventional corticosteroid therapy or intolerance to such therapy) and/or
    condition: {predicate: {id: iim.mda5_dm_refractory_p001, params: {reading: conservative, min_days: 28}}}
    note: >-
      Conservative reading of "and/or": glucocorticoid AND (immunosuppressant OR IVIG/cyclophosphamide), each for
      more than 28 days (the upper end of "two to four weeks") or not tolerated; active disease is the
      investigator's decision 'mda5_dm_active_disease'.
  - id: inc-refractory-mda5-dm-permissive
    kind: inclusion
    text: |-
      Subjects with Refractory Dermatomyositis: Refractory MDA5-positive dermatomyositis is defined as active disease and meets the following conditions: adequate corticosteroid therapy (greater than two to four weeks of conventional corticosteroid therapy or intolerance to such therapy) and/or
    condition: {predicate: {id: iim.mda5_dm_refractory_p001, params: {reading: permissive}}}
    note: The permissive reading (any one adequate therapy), for comparison.
tests:
  - name: refractory-mda5-dm
    patient:
      id: p001-iim
      screening: {date: 2026-03-16}
      sex: male
      birth_date: 1972-08-08
      diagnoses: [{indication: IIM, condition: DM, onset_date: 2025-06-01}]
      serologies: [{test: anti_mda5, result: positive, date: 2025-06-20}]
      medications:
        complete: true
        items:
          - {drug: methylprednisolone, start_date: 2025-07-01, ongoing: true, dose: {value: 40, unit: mg, per: day}}
          - {drug: tacrolimus, start_date: 2025-08-01, end_date: 2025-09-15, outcome: failure}
      investigator:
        decisions: [{topic: mda5_dm_active_disease, applies: true}]
    expect:
      criteria:
        inc-refractory-mda5-dm: met
        inc-refractory-mda5-dm-permissive: met
  - name: glucocorticoid-only
    base: refractory-mda5-dm
    changes:
      medications: {complete: true, items: [{drug: methylprednisolone, start_date: 2025-07-01, ongoing: true}]}
    expect:
      criteria:
        inc-refractory-mda5-dm: not_met
        inc-refractory-mda5-dm-permissive: met
  - name: tacrolimus-for-exactly-four-weeks
    base: refractory-mda5-dm
    changes:
      medications.items[1].end_date: 2025-08-29
    expect:
      criteria:
        inc-refractory-mda5-dm: not_met       # 28 days is not more than four weeks
  - name: tacrolimus-four-weeks-outcome-unknown
    base: tacrolimus-for-exactly-four-weeks
    changes:
      medications.items[1].outcome: null
    expect:
      criteria:
        inc-refractory-mda5-dm: unknown       # stopped for intolerance would count
  - name: anti-mda5-negative
    base: refractory-mda5-dm
    changes:
      serologies: [{test: anti_mda5, result: negative, date: 2025-06-20}]
    expect:
      criteria:
        inc-refractory-mda5-dm: not_met
        inc-refractory-mda5-dm-permissive: not_met
  - name: activity-not-judged
    base: refractory-mda5-dm
    changes:
      investigator: {decisions: []}
    expect:
      criteria:
        inc-refractory-mda5-dm: review
"""

RULESETS = {"iim-p002-predicates": P002, "iim-p001-predicates": P001}


class TestIimProtocolRulesets(ProtocolRulesetSuite):
    RULESETS = RULESETS
    MIN_CASES = 6
    PLUGIN_PREFIX = "iim."
    FIXTURE = FIXTURE
