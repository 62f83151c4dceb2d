"""End-to-end rulesets for the SLE predicates defined by protocols 001, 003 and 000.

tests/fixtures/rulesets/sle-predicates.yaml quotes protocol 002 only (a ruleset names one source file, and the
verbatim-text check reads that one file), so the predicates whose wording comes from the other SLE protocols are
exercised here by one small ruleset per protocol, written to a temporary folder and checked as
tests/rulesets/test_inline_cases.py checks the fixture rulesets: every inline case on the Python backend and on
the durable-rules backend in a forked child (`trialscreen.testing.assert_ruleset_tests_pass`), every criterion
text verbatim in its protocol, every criterion with a positive and a negative case. The same files also run
through ``trialscreen rulesets test``.
"""

from __future__ import annotations


from .conftest import ProtocolRulesetSuite

P001 = r"""
id: sle-p001-predicates
title: SLE plugin predicates of NCT06316791 (test fixture)
version: "0.1.0"
source: {file: 001_bca57630f6f81437.txt, registry_ids: [NCT06316791]}
observation_window: {days: 28}
cohorts:
  - {id: sle_ln, indication: SLE, title: Refractory SLE with lupus nephritis, conditions: [LN]}
  - {id: sle_itp, indication: SLE, title: Refractory SLE with immune thrombocytopenia, conditions: [SLE-ITP]}
criteria:
  - id: inc-acr-classification
    kind: inclusion
    text: |-
      Diagnosed with systemic lupus erythematosus according to American College of Rheumatology (ACR) criteria
    condition: {predicate: {id: sle.acr_1997_documented}}
  - id: inc-refractory-sle
    kind: inclusion
    text: |-
      accompanied by lupus nephritis (SLE-LN) or immune thrombocytopenia (SLE-ITP) and receiving standard treatment
    condition: {predicate: {id: sle.refractory_p001}}
  - id: inc-standard-treatment
    kind: inclusion
    text: |-
      receiving standard treatment
    condition: {predicate: {id: sle.standard_treatment_ongoing}}
  - id: inc-ln-class
    kind: inclusion
    text: |-
      Active and biopsy-confirmed proliferative lupus nephritis grade III or IV or simple grade V alone according to 2003 ISN/RPS criteria.
    cohorts: {only: [sle_ln]}
    condition: {predicate: {id: sle.ln_class_eligible_p001}}
  - id: inc-ln-active
    kind: inclusion
    text: |-
      Active renal disease was defined as a urine protein: creatinine ratio \> 1.0 or proteinuria \> 3.5 grams/day.
    cohorts: {only: [sle_ln]}
    condition: {predicate: {id: sle.ln_active_p001, params: {within: {days: 28}}}}
  - id: inc-sle-itp
    kind: inclusion
    text: |-
      At least two consecutive blood routine examinations showed that platelet was lower than 50x109/L; Blood cell morphology of peripheral blood smear was normal. The spleen is generally not enlarged; The morphological characteristics of bone marrow cells were megakaryocytic increase or normal, accompanied by maturation disorder. Platelet count \> 10 x10\^9 / L.
    cohorts: {only: [sle_itp]}
    condition: {predicate: {id: sle.itp_p001}}
tests:
  - name: ln-base
    patient:
      id: p001-ln
      screening: {date: 2026-03-20}
      sex: female
      birth_date: 1990-01-01
      diagnoses: [{indication: SLE, condition: LN, diagnosis_date: 2021-01-01, classification: ["ACR 1997"]}]
      labs:
        - {test: upcr, value: 2.0, unit: mg/mg, date: 2026-03-10}
      medications:
        complete: true
        items:
          - {drug: hydroxychloroquine, start_date: 2024-01-01, ongoing: true}
      assessments:
        - {instrument: sle.ln_biopsy, date: 2025-11-02, items: {isn_rps_class: IV, activity: A, class_iv_extent: G}}
    expect:
      verdict: eligible
      criteria:
        inc-acr-classification: met
        inc-refractory-sle: met
        inc-standard-treatment: met
        inc-ln-class: met
        inc-ln-active: met
        inc-sle-itp: not_applicable
  - name: ln-acr-classification-not-documented
    base: ln-base
    changes: {"diagnoses[0].classification": ["EULAR/ACR 2019"]}
    expect: {verdict: incomplete, criteria: {inc-acr-classification: unknown}}
  - name: no-sle-diagnosis
    base: ln-base
    changes: {diagnoses: [{indication: ITP}], history: {reviewed: all}}
    expect:
      verdict: ineligible
      criteria: {inc-acr-classification: not_met, inc-refractory-sle: unknown, inc-ln-class: not_applicable}
  - name: ln-biopsy-class-ii
    base: ln-base
    changes: {"assessments[0].items": {isn_rps_class: II}}
    expect: {verdict: ineligible, criteria: {inc-ln-class: not_met, inc-refractory-sle: not_met}}
  - name: ln-biopsy-class-iv-without-activity
    base: ln-base
    changes: {"assessments[0].items": {isn_rps_class: IV}}
    expect: {verdict: incomplete, criteria: {inc-ln-class: unknown, inc-refractory-sle: unknown}}
  - name: ln-not-active
    base: ln-base
    changes:
      labs:
        - {test: upcr, value: 0.5, unit: mg/mg, date: 2026-03-10}
        - {test: proteinuria_24h, value: 2.0, unit: g/24h, date: 2026-03-10}
    expect: {verdict: ineligible, criteria: {inc-ln-active: not_met, inc-refractory-sle: not_met}}
  - name: ln-proteinuria-not-measured
    base: ln-base
    changes: {labs: []}
    expect: {verdict: incomplete, criteria: {inc-ln-active: unknown, inc-refractory-sle: unknown}}
  - name: ln-standard-treatment-stopped
    base: ln-base
    changes: {"medications.items[0]": {drug: hydroxychloroquine, start_date: 2024-01-01, end_date: 2025-06-01}}
    expect: {verdict: ineligible, criteria: {inc-standard-treatment: not_met, inc-refractory-sle: not_met}}
  - name: ln-medication-history-incomplete
    base: ln-base
    changes: {medications: {complete: false, items: []}}
    expect: {verdict: incomplete, criteria: {inc-standard-treatment: unknown, inc-refractory-sle: unknown}}
  - name: itp-base
    base: ln-base
    changes:
      diagnoses: [{indication: SLE, condition: SLE-ITP, diagnosis_date: 2021-01-01, classification: ["ACR 1997"]}]
      labs:
        - {test: platelets, value: 40, unit: 10^9/L, date: 2026-01-10}
        - {test: platelets, value: 45, unit: 10^9/L, date: 2026-02-10}
        - {test: platelets, value: 30, unit: 10^9/L, date: 2026-03-15}
      assessments:
        - {instrument: sle.itp_workup, date: 2026-02-01, items: {smear_normal: true, spleen_enlarged: false, marrow_megakaryocytes_increased_or_normal_with_maturation_disorder: true}}
    expect:
      verdict: eligible
      criteria: {inc-sle-itp: met, inc-refractory-sle: met, inc-ln-class: not_applicable, inc-ln-active: not_applicable}
  - name: itp-spleen-enlarged
    base: itp-base
    changes: {"assessments[0].items.spleen_enlarged": true}
    expect: {verdict: needs_review, criteria: {inc-sle-itp: review, inc-refractory-sle: review}}
  - name: itp-counts-not-consecutive
    base: itp-base
    changes: {"labs[1].value": 120}
    expect: {verdict: ineligible, criteria: {inc-sle-itp: not_met, inc-refractory-sle: not_met}}
  - name: itp-bone-marrow-not-examined
    base: itp-base
    changes: {"assessments[0].items": {smear_normal: true, spleen_enlarged: false}}
    expect: {verdict: incomplete, criteria: {inc-sle-itp: unknown, inc-refractory-sle: unknown}}
"""

P003 = r"""
id: sle-p003-predicates
title: SLE plugin predicates of the ZJU children's SLE CAR-T protocol (test fixture)
version: "0.1.0"
source: {file: 003_7023899374f2af5f.txt}
cohorts:
  - {id: sle, indication: SLE, title: Refractory SLE}
criteria:
  - id: inc-refractory
    kind: inclusion
    text: |-
      despite ≥3M of high dose glucocorticoids(prednisone≥1mg/kg/d or other equivalent amount of other steriod ), hydroxychloroquine and at least 2 of the following treatments(cyclophosphamide, MMF, azathioprine, methotrexate, cyclosporin, tacrolimus, sirolimus, leflunomide, telitacicept, Beliumab, and rituximab); or Intolerant to standard treatments;
    condition: {predicate: {id: sle.refractory_p003}}
    note: >-
      "≥3M" is read as applying to hydroxychloroquine and the listed agents too (conservative); an intolerance goes
      to the investigator. The "moderate to severe disease activity" of the same sentence is a separate criterion.
tests:
  - name: refractory
    patient:
      id: p003
      screening: {date: 2026-03-20}
      sex: female
      birth_date: 2012-04-01
      weight: 40 kg
      diagnoses: [{indication: SLE, diagnosis_date: 2024-01-01}]
      medications:
        complete: true
        items:
          # 45 mg/day for 40 kg = 1.125 mg/kg/day for 4 months
          - {drug: prednisone, start_date: 2025-08-01, end_date: 2025-12-01, dose: {value: 45, unit: mg, per: day}, outcome: failure}
          - {drug: hydroxychloroquine, start_date: 2025-01-01, ongoing: true, outcome: ongoing}
          - {drug: MMF, start_date: 2025-03-01, end_date: 2025-09-30, outcome: failure}
          - {drug: Beliumab, start_date: 2025-10-01, ongoing: true, outcome: ongoing}
    expect: {verdict: eligible, criteria: {inc-refractory: met}}
  - name: glucocorticoid-below-1mg-per-kg
    base: refractory
    changes: {"medications.items[0].dose.value": 35}
    expect: {verdict: ineligible, criteria: {inc-refractory: not_met}}
  - name: one-listed-agent-only
    base: refractory
    changes: {"medications.items[3]": {drug: belimumab, start_date: 2026-02-01, ongoing: true, outcome: ongoing}}
    expect: {verdict: ineligible, criteria: {inc-refractory: not_met}}
  - name: intolerant-to-mycophenolate
    base: one-listed-agent-only
    changes: {"medications.items[2].outcome": intolerance}
    expect: {verdict: needs_review, criteria: {inc-refractory: review}}
  - name: weight-not-recorded
    base: refractory
    changes: {weight: null}
    expect: {verdict: incomplete, criteria: {inc-refractory: unknown}}
"""

P000 = r"""
id: sle-p000-predicates
title: SLE plugin predicate of the Renji CD19-CAR-DNT protocol (test fixture)
version: "0.1.0"
source: {file: 000_08fb728109f4c4b2.txt}
cohorts:
  - {id: sle, indication: SLE, title: SLE}
criteria:
  - id: inc-relapsed-refractory
    kind: inclusion
    text: |-
      Meets the criteria of relapsed/refractory autoimmune diseases in 2022 EULAR/ACR.
    condition: {predicate: {id: sle.refractory_p000}}
    note: >-
      No EULAR/ACR definition of that name was found: documented → met; a recorded treatment failure or relapse →
      investigator review; a complete history without any → not met.
tests:
  - name: documented
    patient:
      id: p000
      screening: {date: 2026-03-20}
      sex: female
      birth_date: 1985-01-01
      diagnoses: [{indication: SLE, classification: ["relapsed/refractory (2022 EULAR/ACR)"]}]
      medications: {complete: true, items: []}
    expect: {verdict: eligible, criteria: {inc-relapsed-refractory: met}}
  - name: treatment-failure-recorded
    base: documented
    changes:
      "diagnoses[0].classification": []
      medications.items: [{drug: cyclophosphamide, start_date: 2024-01-01, end_date: 2024-06-01, outcome: failure}]
    expect: {verdict: needs_review, criteria: {inc-relapsed-refractory: review}}
  - name: never-failed
    base: treatment-failure-recorded
    changes: {"medications.items[0].outcome": response}
    expect: {verdict: ineligible, criteria: {inc-relapsed-refractory: not_met}}
  - name: history-incomplete
    base: treatment-failure-recorded
    changes: {medications: {complete: false, items: []}}
    expect: {verdict: incomplete, criteria: {inc-relapsed-refractory: unknown}}
"""

RULESETS = {"sle-p001-predicates": P001, "sle-p003-predicates": P003, "sle-p000-predicates": P000}


class TestSleProtocolRulesets(ProtocolRulesetSuite):
    RULESETS = RULESETS
    MIN_CASES = 4

    def test_every_value_and_predicate_is_used_by_a_ruleset(self) -> None:
        """The SLE values are used by the fixture and protocol rulesets; here: each protocol predicate is."""
        used = set()
        for name in RULESETS:
            for crit in self.loaded(name).ruleset.criteria:
                used.add(crit.condition.predicate.id)  # type: ignore[union-attr]
        assert used == {"sle.acr_1997_documented", "sle.refractory_p001", "sle.standard_treatment_ongoing",
                        "sle.ln_class_eligible_p001", "sle.ln_active_p001", "sle.itp_p001", "sle.refractory_p003",
                        "sle.refractory_p000"}
