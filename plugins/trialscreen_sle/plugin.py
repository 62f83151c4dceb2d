"""Hook implementations of the Systemic lupus erythematosus plugin: records only; the compute functions are in
`trialscreen_sle.predicates`, the cited clinical rules in `scores` and `criteria`."""

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

from trialscreen_sle import predicates as p
from trialscreen_sle.criteria import EULAR2019_CITATION, LLDAS_CITATION, LupusNephritisBiopsy
from trialscreen_sle.items import Eular2019Items, LldasInputs, SleItpWorkup, Sledai2kItems

SLEDAI_CITATION = ("Gladman DD, Ibañez D, Urowitz MB. Systemic lupus erythematosus disease activity index 2000. "
                   "J Rheumatol 2002;29:288-91.")
ISN_RPS_CITATION = ("Weening JJ, D'Agati VD, Schwartz MM, et al. The classification of glomerulonephritis in systemic "
                    "lupus erythematosus revisited. J Am Soc Nephrol 2004;15:241-50.")
P001 = "Protocol NCT06316791 (CNCT19, First Affiliated Hospital of Zhengzhou University) registry text."
P002 = "Protocol NCT07212322 (CD19 UCAR-T, Institute of Hematology & Blood Diseases Hospital) registry text."
P003 = "Protocol: anti-CD19 CAR-T in refractory SLE, Children's Hospital Zhejiang University, registry text."
P000 = "Protocol: CD19-CAR-DNT cells in autoimmune diseases, Renji Hospital, registry text."

# ICD-10 (WHO 2019): M32 systemic lupus erythematosus — M32.1 with organ or system involvement, M32.8 other forms,
# M32.9 unspecified (M32.0, drug-induced SLE, is deliberately not listed). SNOMED CT: 55464009 |Systemic lupus
# erythematosus (disorder)|, confirmed in the NHS/OpenSAFELY-derived SLE code set (UoM-Data-Science-Platforms/gm-sde
# shared/clinical-code-sets/conditions/sle). Lupus nephritis (68815009, same code set) is a finer condition, not an
# indication of its own.
INDICATION = Indication(
    code="SLE",
    name="Systemic lupus erythematosus",
    icd10=("M32", "M32.1", "M32.8", "M32.9"),
    snomed=("55464009",),
    synonyms=("lupus", "systemic lupus"),
)

# LOINC codes as listed (LOINC_NUM and long common name) in a lab-normalisation table checked against the NLM
# Clinical Table Search LOINC index: 4485-9 Complement C3 [Mass/volume] in Serum or Plasma; 4498-2 Complement C4
# [Mass/volume] in Serum or Plasma; 5048-4 Nuclear Ab [Titer] in Serum by Immunofluorescence; 29953-7 Nuclear Ab
# [Titer] in Serum; 8061-4 Nuclear Ab [Presence] in Serum; 42254-3 Nuclear Ab [Presence] in Serum by
# Immunofluorescence; 31348-6 DNA double strand Ab [Presence] in Serum; 31627-3 Smith extractable nuclear Ab
# [Presence] in Serum. Quantitative anti-dsDNA (5130-0, IU/mL) is not registered: the protocols and the 2019
# EULAR/ACR and SLEDAI-2K items ask whether the antibody is positive / above the laboratory's normal range, which
# the qualitative result (with the number in its value/unit, if wanted) records.
OBSERVATION_TESTS: list[ObservationTest | QualitativeTest] = [
    # Reference ranges are the laboratory's (ref_low/ref_high in the record); plausible ranges only catch unit
    # mix-ups (C3 is usually 0.9-1.8 g/L, C4 0.1-0.4 g/L; mg/dL converts: 90 mg/dL = 0.9 g/L).
    ObservationTest(id="c3", name="Complement C3", unit="g/L", loinc=("4485-9",),
                    aliases=("complement c3", "c3 complement"), plausible=(0, 6)),
    ObservationTest(id="c4", name="Complement C4", unit="g/L", loinc=("4498-2",),
                    aliases=("complement c4", "c4 complement"), plausible=(0, 3)),
    # A titre is recorded as its dilution denominator: 1:160 → value 160, unit "1" (dimensionless).
    ObservationTest(id="ana_titre", name="Antinuclear antibody titre (HEp-2 IIF, dilution denominator)",
                    unit="dimensionless", loinc=("5048-4", "29953-7"),
                    aliases=("ana titre", "ana titer", "antinuclear antibody titre", "antinuclear antibody titer"),
                    plausible=(0, 100000)),
    QualitativeTest(id="ana", name="Antinuclear antibody", loinc=("8061-4", "42254-3"),
                    aliases=("antinuclear antibody", "anti-nuclear antibody")),
    QualitativeTest(id="anti_dsdna", name="Anti-double-stranded DNA antibody", loinc=("31348-6",),
                    aliases=("anti-dsdna", "dsdna ab", "anti-dsdna antibody", "anti dsdna")),
    QualitativeTest(id="anti_sm", name="Anti-Smith (Sm) antibody", loinc=("31627-3",),
                    aliases=("anti-sm", "anti-smith", "sm ab", "smith ab")),
]

INSTRUMENTS = [
    AssessmentInstrument(id=p.SLEDAI2K, name="SLEDAI-2K (24 descriptors, last 10 days)", items_model=Sledai2kItems,
                         citation=SLEDAI_CITATION),
    AssessmentInstrument(id=p.EULAR2019, name="2019 EULAR/ACR SLE classification criteria (items)",
                         items_model=Eular2019Items, citation=EULAR2019_CITATION),
    AssessmentInstrument(id=p.LLDAS, name="Lupus Low Disease Activity State (LLDAS) inputs", items_model=LldasInputs,
                         citation=LLDAS_CITATION),
    AssessmentInstrument(id=p.LN_BIOPSY, name="Renal biopsy, ISN/RPS 2003 lupus nephritis class",
                         items_model=LupusNephritisBiopsy, citation=ISN_RPS_CITATION),
    AssessmentInstrument(id=p.ITP_WORKUP, name="SLE thrombocytopenia work-up (smear, spleen, bone marrow)",
                         items_model=SleItpWorkup, citation=P001),
]

VALUES = [
    DerivedValue(id="sle.sledai2k", name="SLEDAI-2K", compute=p.sledai2k_value, parameters={"within": None},
                 citation=SLEDAI_CITATION),
    DerivedValue(id="sle.sledai2k_clinical", name="Clinical SLEDAI-2K (without low complement and anti-dsDNA)",
                 compute=p.sledai2k_clinical_value, parameters={"within": None}, citation=SLEDAI_CITATION),
]

PREDICATES = [
    Predicate(id="sle.sledai2k_at_least", name="SLEDAI-2K at or above a threshold", compute=p.sledai2k_at_least,
              parameters={"threshold": 8, "within": None}, citation=SLEDAI_CITATION),
    Predicate(id="sle.sledai_p002", name="SLEDAI-2K ≥8 and, with serological points, clinical SLEDAI-2K ≥6 (NCT07212322)",
              compute=p.sledai_p002, parameters={"within": None}, citation=f"{SLEDAI_CITATION} {P002}"),
    Predicate(id="sle.eular_acr_2019", name="SLE classified by the 2019 EULAR/ACR criteria", compute=p.eular_acr_2019,
              parameters={"within": None, "documented_as": list(p.EULAR2019_LABELS)}, citation=EULAR2019_CITATION),
    Predicate(id="sle.acr_1997_documented", name="SLE documented as meeting the ACR (1982/1997) criteria",
              compute=p.acr_1997_documented, parameters={"documented_as": list(p.ACR1997_LABELS)},
              citation="Tan EM et al. Arthritis Rheum 1982;25:1271-7; Hochberg MC. Arthritis Rheum 1997;40:1725. " + P001),
    Predicate(id="sle.autoantibodies_p002", name="ANA ≥1:80 and/or anti-dsDNA and/or anti-Sm positive at screening",
              compute=p.autoantibodies_p002, parameters={"within": p.SCREENING_WINDOW, "ana_min_titre": 80},
              citation=P002),
    Predicate(id="sle.lldas", name="Lupus Low Disease Activity State (LLDAS) at the latest assessment",
              compute=p.lldas_value, parameters={"within": None}, citation=LLDAS_CITATION),
    Predicate(id="sle.lldas_not_achieved", name="LLDAS not achieved for at least N months before screening",
              compute=p.lldas_not_achieved, parameters={"months": 2}, citation=f"{LLDAS_CITATION} {P002}"),
    Predicate(id="sle.ln_class_eligible_p001", name="Biopsy ISN/RPS class III/IV (active) or pure V (NCT06316791)",
              compute=p.ln_class_eligible_p001, parameters={"within": None}, citation=f"{ISN_RPS_CITATION} {P001}"),
    Predicate(id="sle.ln_active_p001", name="Active renal disease: UPCR >1.0 or proteinuria >3.5 g/day (NCT06316791)",
              compute=p.ln_active_p001, parameters={"within": p.SCREENING_WINDOW}, citation=P001),
    Predicate(id="sle.severe_ln_p002", name="Severe lupus nephritis: protein >6 g/24 h, creatinine >1.5×ULN or CrCl <40 (NCT07212322)",
              compute=p.severe_ln_p002, parameters={"within": {"weeks": 8}}, citation=P002),
    Predicate(id="sle.itp_p001", name="SLE with thrombocytopenia (SLE-ITP) as defined by NCT06316791",
              compute=p.itp_p001, parameters={"within": p.SCREENING_WINDOW, "counts_within": None}, citation=P001),
    Predicate(id="sle.standard_treatment_ongoing", name="Receiving standard SLE treatment on the screening date",
              compute=p.standard_treatment_ongoing, parameters={"classes": list(p.STANDARD_TREATMENT_CLASSES)},
              citation=P001),
    Predicate(id="sle.refractory_p001", name="Refractory SLE-LN or SLE-ITP receiving standard treatment (NCT06316791)",
              compute=p.refractory_p001,
              parameters={"ln_conditions": ["LN"], "itp_conditions": ["SLE-ITP"], "within": p.SCREENING_WINDOW,
                          "biopsy_within": None, "classes": list(p.STANDARD_TREATMENT_CLASSES)}, citation=P001),
    Predicate(id="sle.refractory_p002", name="≥6 months stable standard treatment with LLDAS not achieved for ≥2 months (NCT07212322)",
              compute=p.refractory_p002,
              parameters={"months": 6, "lldas_months": 2, "classes": list(p.STANDARD_TREATMENT_CLASSES)},
              citation=f"{P002} {LLDAS_CITATION}"),
    Predicate(id="sle.refractory_p003", name="Refractory SLE: ≥3 months high-dose GC, HCQ and ≥2 listed agents, or intolerance (protocol 003)",
              compute=p.refractory_p003,
              parameters={"gc_months": 3, "gc_min_mg_per_kg_per_day": 1.0, "other_min_months": 3,
                          "min_listed_agents": 2, "intolerance": "review"}, citation=P003),
    Predicate(id="sle.refractory_p000", name="Relapsed/refractory SLE 'per 2022 EULAR/ACR' (protocol 000; documented or reviewed)",
              compute=p.refractory_p000,
              parameters={"documented_as": list(p.REFRACTORY_LABELS), "classes": list(p.TREATMENT_CLASSES_FOR_FAILURE)},
              citation=P000),
]


@hookimpl
def trialscreen_indications() -> list[Indication]:
    return [INDICATION]


@hookimpl
def trialscreen_observation_tests() -> list[ObservationTest | QualitativeTest]:
    return OBSERVATION_TESTS


@hookimpl
def trialscreen_assessment_instruments() -> list[AssessmentInstrument]:
    return INSTRUMENTS


@hookimpl
def trialscreen_values() -> list[DerivedValue]:
    return VALUES


@hookimpl
def trialscreen_predicates() -> list[Predicate]:
    return PREDICATES
