"""Hook implementations of the rheumatoid-arthritis plugin: a thin list of records; the compute functions are in
`trialscreen_ra.predicates`, the clinical logic in `scores` and `criteria`."""

from __future__ import annotations

from trialscreen import hookimpl
from trialscreen.plugins.types import (
    AssessmentInstrument,
    DerivedValue,
    Indication,
    ObservationTest,
    Predicate,
    QualitativeTest,
)

from trialscreen_ra import predicates as p
from trialscreen_ra import scores
from trialscreen_ra.items import AcrEular2010Items, DifficultToTreatItems, FunctionalStatusItems, JointAssessment

# ICD-10 (WHO) M05 "Rheumatoid arthritis with rheumatoid factor" (seropositive) and M06 "Other rheumatoid arthritis"
# (note: M06 also holds M06.1 adult-onset Still disease); SNOMED CT 69896004 "Rheumatoid arthritis (disorder)".
INDICATION = Indication(
    code="RA",
    name="Rheumatoid arthritis",
    icd10=("M05", "M06"),
    snomed=("69896004",),
    synonyms=("rheumatoid arthritis", "ra"),
)

PREVOO_1995 = "Prevoo MLL et al. Arthritis Rheum 1995;38:44-48 (DAS28); CRP form and cut-offs per das-score.nl"
ALETAHA_2005 = "Aletaha D, Smolen J. Clin Exp Rheumatol 2005;23(5 Suppl 39):S100-8"
SMOLEN_2003 = "Smolen JS et al. Rheumatology 2003;42:244-57; bands Aletaha & Smolen 2005"
ALETAHA_2010 = "Aletaha D et al. Arthritis Rheum 2010;62:2569-81"
NAGY_2021 = "Nagy G et al. Ann Rheum Dis 2021;80:31-35"
HOCHBERG_1992 = "Hochberg MC et al. Arthritis Rheum 1992;35:498-502"
PROTOCOL_004 = "Protocol CHEC2024-181 (004), relapsing refractory rheumatoid arthritis criteria"

_SCORE_PARAMS = {"within": p.SCREENING_WINDOW, "lab_within": p.SCREENING_WINDOW}


@hookimpl
def trialscreen_indications() -> list[Indication]:
    return [INDICATION]


@hookimpl
def trialscreen_observation_tests() -> list[ObservationTest | QualitativeTest]:
    return [
        # LOINC 4537-7 "Erythrocyte sedimentation rate by Westergren method", 30341-2 "Erythrocyte sedimentation rate".
        ObservationTest(id="esr", name="Erythrocyte sedimentation rate", unit="mm/h", loinc=("4537-7", "30341-2"),
                        aliases=("esr", "sed rate", "erythrocyte sedimentation rate"), plausible=(0, 200)),
        # LOINC 1988-5 "C reactive protein [Mass/volume] in Serum or Plasma"; 30522-7 the high-sensitivity method.
        # mg/dL converts by pint (1 mg/dL = 10 mg/L).
        ObservationTest(id="crp", name="C-reactive protein", unit="mg/L", loinc=("1988-5", "30522-7"),
                        aliases=("crp", "c-reactive protein", "hs-crp", "hscrp"), plausible=(0, 1000)),
        # LOINC 11572-5 "Rheumatoid factor [Units/volume] in Serum or Plasma". Canonical U/mL: the unit parser has no
        # spelling for IU/mL (numerically the same), so records give RF in U/mL (or kU/L).
        ObservationTest(id="rf", name="Rheumatoid factor", unit="U/mL", loinc=("11572-5",),
                        aliases=("rf", "rheumatoid factor"), plausible=(0, 10000)),
        # LOINC 33935-8 "Cyclic citrullinated peptide IgG Ab [Units/volume] in Serum or Plasma", 32218-0 "... in Serum
        # by Immunoassay". Units are assay-specific (U/mL, EU/mL, RU/mL); give them as U/mL.
        ObservationTest(id="acpa", name="Anti-citrullinated protein antibody (anti-CCP)", unit="U/mL",
                        loinc=("33935-8", "32218-0"), aliases=("acpa", "anti-ccp", "anti ccp", "ccp"),
                        plausible=(0, 10000)),
    ]


@hookimpl
def trialscreen_assessment_instruments() -> list[AssessmentInstrument]:
    return [
        AssessmentInstrument(id=p.JOINT_ASSESSMENT,
                             name="Joint assessment: TJC28/SJC28, TJC68/SJC66, patient and evaluator global (0-100 mm)",
                             items_model=JointAssessment, citation=PREVOO_1995),
        AssessmentInstrument(id=scores.DAS28_ESR_INSTRUMENT, name="DAS28-ESR (total entered without items)",
                             citation=PREVOO_1995),
        AssessmentInstrument(id=scores.DAS28_CRP_INSTRUMENT, name="DAS28-CRP (total entered without items)",
                             citation=PREVOO_1995),
        AssessmentInstrument(id=scores.CDAI_INSTRUMENT, name="CDAI (total entered without items)", citation=ALETAHA_2005),
        AssessmentInstrument(id=scores.SDAI_INSTRUMENT, name="SDAI (total entered without items)", citation=SMOLEN_2003),
        AssessmentInstrument(id=p.ACR_EULAR_2010, name="2010 ACR/EULAR rheumatoid arthritis classification criteria",
                             items_model=AcrEular2010Items, citation=ALETAHA_2010),
        AssessmentInstrument(id=p.D2T, name="EULAR difficult-to-treat RA: investigator-recorded parts",
                             items_model=DifficultToTreatItems, citation=NAGY_2021),
        AssessmentInstrument(id=p.FUNCTIONAL_STATUS, name="ACR 1991 revised global functional status (class 1-4)",
                             items_model=FunctionalStatusItems, citation=HOCHBERG_1992),
    ]


@hookimpl
def trialscreen_values() -> list[DerivedValue]:
    return [
        DerivedValue(id="ra.das28_esr", name="DAS28-ESR", compute=p.das28_esr, parameters=dict(_SCORE_PARAMS),
                     citation=PREVOO_1995),
        DerivedValue(id="ra.das28_crp", name="DAS28-CRP", compute=p.das28_crp, parameters=dict(_SCORE_PARAMS),
                     citation=PREVOO_1995),
        DerivedValue(id="ra.cdai", name="CDAI", compute=p.cdai, parameters=dict(_SCORE_PARAMS), citation=ALETAHA_2005),
        DerivedValue(id="ra.sdai", name="SDAI", compute=p.sdai, parameters=dict(_SCORE_PARAMS), citation=SMOLEN_2003),
        DerivedValue(id="ra.das28_esr_activity", name="DAS28-ESR activity (remission / low / moderate / high)",
                     compute=p.das28_esr_activity, parameters=dict(_SCORE_PARAMS), citation=PREVOO_1995),
        DerivedValue(id="ra.das28_crp_activity", name="DAS28-CRP activity (remission / low / moderate / high)",
                     compute=p.das28_crp_activity, parameters=dict(_SCORE_PARAMS), citation=PREVOO_1995),
        DerivedValue(id="ra.cdai_activity", name="CDAI activity (remission / low / moderate / high)",
                     compute=p.cdai_activity, parameters=dict(_SCORE_PARAMS), citation=ALETAHA_2005),
        DerivedValue(id="ra.sdai_activity", name="SDAI activity (remission / low / moderate / high)",
                     compute=p.sdai_activity, parameters=dict(_SCORE_PARAMS), citation=ALETAHA_2005),
        DerivedValue(id="ra.acr_functional_class", name="ACR global functional status class (1-4)",
                     compute=p.acr_functional_class, parameters={"within": p.SCREENING_WINDOW}, citation=HOCHBERG_1992),
    ]


_D2T_PARAMS = {**_SCORE_PARAMS, "gc_threshold_mg_per_day": 7.5}


@hookimpl
def trialscreen_predicates() -> list[Predicate]:
    return [
        Predicate(id="ra.acr_eular_2010", name="Definite RA by the 2010 ACR/EULAR classification criteria",
                  compute=p.acr_eular_2010, parameters={"within": None, "accept_documented": True},
                  citation=ALETAHA_2010),
        Predicate(id="ra.diagnosis_duration_p004", name="RA diagnosed at least N months before screening",
                  compute=p.diagnosis_duration_p004, parameters={"months": 6}, citation=PROTOCOL_004),
        Predicate(id="ra.joint_counts_p004", name="SJC66 >= 6 and TJC68 >= 6 at screening",
                  compute=p.joint_counts_p004, parameters={"within": p.SCREENING_WINDOW}, citation=PROTOCOL_004),
        Predicate(id="ra.acute_phase_p004", name="CRP >= 10 mg/L or ESR >= 28 mm/h at screening",
                  compute=p.acute_phase_p004, parameters={"within": p.SCREENING_WINDOW}, citation=PROTOCOL_004),
        Predicate(id="ra.d2t_treatment_failure",
                  name="D2T RA 1: failure of >= 2 b/tsDMARDs of different mechanisms after csDMARD failure",
                  compute=p.d2t_treatment_failure, parameters=dict(_D2T_PARAMS), citation=NAGY_2021),
        Predicate(id="ra.d2t_active_disease", name="D2T RA 2: >= 1 sign of active or progressive disease",
                  compute=p.d2t_active_disease, parameters=dict(_D2T_PARAMS), citation=NAGY_2021),
        Predicate(id="ra.d2t_problematic_management", name="D2T RA 3: management perceived as problematic",
                  compute=p.d2t_problematic_management, parameters={**_D2T_PARAMS, "perception": "both"},
                  citation=NAGY_2021),
        Predicate(id="ra.difficult_to_treat", name="EULAR difficult-to-treat RA (all three criteria)",
                  compute=p.difficult_to_treat, parameters={**_D2T_PARAMS, "perception": "both"}, citation=NAGY_2021),
        Predicate(id="ra.functional_class_4_p004", name="ACR functional status class IV (protocol 004 exclusion)",
                  compute=p.functional_class_4_p004, parameters={"within": p.SCREENING_WINDOW}, citation=HOCHBERG_1992),
    ]
