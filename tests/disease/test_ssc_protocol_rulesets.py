"""End-to-end ruleset for the SSc predicates defined by protocol 002 (NCT07212322).

tests/fixtures/rulesets/ssc-predicates.yaml quotes protocol 004 only (a ruleset names one source file, and the
verbatim-text check reads that one file), so the predicates whose wording comes from protocol 002 are exercised
here by a small ruleset quoting protocol 002, written to a temporary folder and checked as
tests/rulesets/test_inline_cases.py checks the fixture rulesets: every inline case on the Python backend and on the
durable-rules backend (`trialscreen.testing.assert_ruleset_tests_pass`, durable in a forked child), every criterion
text verbatim in its protocol, every criterion with a positive and a negative case. It also runs through
``trialscreen rulesets test``, and the two rulesets together use every value and predicate the plugin registers.
"""

from __future__ import annotations

from pathlib import Path


from .conftest import ProtocolRulesetSuite

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "tests" / "fixtures" / "rulesets" / "ssc-predicates.yaml"

P002 = r"""
id: ssc-p002-predicates
title: SSc plugin predicates of NCT07212322 (test fixture)
version: "0.1.0"
source: {file: 002_452abfaa42c09986.txt, registry_ids: [NCT07212322]}
cohorts:
  - {id: ssc, indication: SSC, title: Relapsed/refractory systemic sclerosis}
criteria:
  - id: inc-classification
    kind: inclusion
    text: |-
      Diagnosed with systemic sclerosis (SSc) according to the 2013 EULAR/ACR classification criteria for SSc.
    condition: {predicate: {id: ssc.acr_eular_2013}}
  - id: inc-subset
    kind: inclusion
    text: |-
      Classified as diffuse cutaneous or limited cutaneous subtype
    condition: {predicate: {id: ssc.cutaneous_subset, params: {subsets: [diffuse, limited]}}}
  - id: inc-duration
    kind: inclusion
    text: |-
      with a disease duration ≤7 years (from the first occurrence of Raynaud's phenomenon to screening)
    condition: {predicate: {id: ssc.disease_duration, params: {years: 7, from: raynaud}}}
  - id: inc-ild-lung-function
    kind: inclusion
    text: |-
      If interstitial lung disease (ILD) is present at screening, forced vital capacity (FVC) must be ≥45% of predicted value, or diffusing capacity for carbon monoxide (DLCO) must be ≥40% of predicted value.
    condition: {predicate: {id: ssc.ild_lung_function_p002, params: {within: {days: 28}}}}
  - id: inc-relapsed-refractory
    kind: inclusion
    text: |-
      Relapsed/refractory is defined as: failure to respond to prior conventional therapy or disease relapse after remission. Conventional therapy refers to the use of glucocorticoids combined with at least one immunosuppressive/immunomodulatory drug for ≥6 months.
    condition: {predicate: {id: ssc.relapsed_refractory_p002, params: {months: 6}}}
tests:
  - name: early-diffuse-refractory
    patient:
      id: p002-ssc
      screening: {date: 2026-03-16}
      sex: female
      birth_date: 1985-07-01
      diagnoses: [{indication: SSC, condition: diffuse, diagnosis_date: 2022-01-10, classification: [2013 ACR/EULAR]}]
      history:
        reviewed: all
        events:
          - {category: raynaud_phenomenon, date: 2021-02-01}
          - {category: interstitial_lung_disease, date: 2022-03-01}
      labs:
        - {test: fvc_pct_predicted, value: 58, unit: "%", date: 2026-03-05}
        - {test: dlco_pct_predicted, value: 38, unit: "%", date: 2026-03-05}
      medications:
        complete: true
        items:
          - {drug: prednisone, start_date: 2022-02-01, ongoing: true, dose: {value: 7.5, unit: mg, per: day}}
          - {drug: mycophenolate mofetil, start_date: 2022-02-15, end_date: 2023-06-30, outcome: failure}
          - {drug: tocilizumab, start_date: 2023-07-15, ongoing: true, outcome: ongoing}
    expect:
      criteria:
        inc-classification: met          # documented classification
        inc-subset: met
        inc-duration: met                # first Raynaud's 2021-02-01: 5 years
        inc-ild-lung-function: met       # ILD; FVC 58% >= 45% (DLCO 38% would not do alone)
        inc-relapsed-refractory: met     # prednisone + mycophenolate together for 16 months; failure
  - name: classification-total-below-9
    base: early-diffuse-refractory
    changes:
      diagnoses: [{indication: SSC, condition: diffuse}]
      assessments: [{instrument: ssc.acr_eular_2013, date: 2022-01-10, total: 7}]
    expect:
      criteria:
        inc-classification: not_met
  - name: classification-not-recorded
    base: early-diffuse-refractory
    changes: {diagnoses: [{indication: SSC, condition: diffuse}]}
    expect:
      criteria:
        inc-classification: unknown
  - name: sine-scleroderma
    base: early-diffuse-refractory
    changes: {diagnoses: [{indication: SSC, condition: sine scleroderma, classification: [2013 ACR/EULAR]}]}
    expect:
      criteria:
        inc-subset: not_met
  - name: subset-not-recorded
    base: early-diffuse-refractory
    changes: {diagnoses: [{indication: SSC, classification: [2013 ACR/EULAR]}]}
    expect:
      criteria:
        inc-subset: unknown
  - name: raynaud-eight-years-ago
    base: early-diffuse-refractory
    changes:
      history.events: [{category: raynaud_phenomenon, date: 2018-03-01}, {category: interstitial_lung_disease, date: 2022-03-01}]
    expect:
      criteria:
        inc-duration: not_met
  - name: no-raynaud-recorded
    base: early-diffuse-refractory
    changes:
      history.events: [{category: interstitial_lung_disease, date: 2022-03-01}]
    expect:
      criteria:
        inc-duration: review             # history reviewed, no Raynaud's: nothing to count from
  - name: raynaud-history-not-taken
    base: early-diffuse-refractory
    changes:
      history: {reviewed: [], events: [{category: interstitial_lung_disease, date: 2022-03-01}]}
    expect:
      criteria:
        inc-duration: unknown
  - name: severe-ild
    base: early-diffuse-refractory
    changes: {labs: [{test: fvc_pct_predicted, value: 44, unit: "%", date: 2026-03-05}, {test: dlco_pct_predicted, value: 38, unit: "%", date: 2026-03-05}]}
    expect:
      criteria:
        inc-ild-lung-function: not_met
  - name: ild-but-no-lung-function-test
    base: early-diffuse-refractory
    changes: {labs: []}
    expect:
      criteria:
        inc-ild-lung-function: unknown
  - name: combination-under-six-months
    base: early-diffuse-refractory
    changes:
      medications.items[1].end_date: 2022-07-31
      medications.items[2].ongoing: false
      medications.items[2].end_date: 2023-10-01
    expect:
      criteria:
        inc-relapsed-refractory: not_met  # with prednisone: mycophenolate 5.5 months, tocilizumab 2.5 months
  - name: medication-history-incomplete
    base: combination-under-six-months
    changes: {medications.complete: false}
    expect:
      criteria:
        inc-relapsed-refractory: unknown
"""

RULESETS = {"ssc-p002-predicates": P002}


class TestSscProtocolRulesets(ProtocolRulesetSuite):
    RULESETS = RULESETS
    MIN_CASES = 10
    PLUGIN_PREFIX = "ssc."
    FIXTURE = FIXTURE
