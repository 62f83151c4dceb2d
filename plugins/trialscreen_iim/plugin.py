"""Hook implementations of the idiopathic inflammatory myopathy plugin: a thin list of records; the compute
functions are in `trialscreen_iim.predicates`, the clinical logic in `scores` and `criteria`."""

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

from trialscreen_iim import predicates as p
from trialscreen_iim.items import HaqDiItems, Iim2017Items, ImacsGlobalActivity, Mmt8Items, MyositisAntibody

# ICD-10 (WHO) M33 "Dermatopolymyositis" (M33.0-M33.9); SNOMED CT 396230008 "Dermatomyositis (disorder)" and
# 31384009 "Polymyositis (disorder)" (confirmed in the HL7 COVID-19 library immune-condition value set). No code
# for IIM as a whole, IMNM or anti-synthetase syndrome was confirmed, so none is given.
INDICATION = Indication(
    code="IIM",
    name="Idiopathic inflammatory myopathy",
    icd10=("M33",),
    snomed=("396230008", "31384009"),
    synonyms=("myositis", "dermatomyositis", "polymyositis", "inflammatory myopathy", "iim"),
)

LUNDBERG_2017 = "Lundberg IE et al. Ann Rheum Dis 2017;76:1955-64 / Arthritis Rheumatol 2017;69:2271-82"
RIDER_2010 = "Rider LG et al. Arthritis Care Res 2010;62:465-72"
FRIES_1980 = "Fries JF et al. Arthritis Rheum 1980;23:137-45"
MILLER_2001 = "Miller FW et al. Rheumatology 2001;40:1262-73 (IMACS core set measures)"
PROTOCOL_001 = "Protocol NCT06316791 (001), refractory MDA5-positive dermatomyositis"
PROTOCOL_002 = "Protocol NCT07212322 (002), idiopathic inflammatory myopathy inclusion criteria"
PROTOCOL_004 = "Protocol CHEC2024-181 (004), idiopathic inflammatory myopathy criteria"

_SCREENING = {"within": p.SCREENING_WINDOW}

#: Display names of the myositis antibody serologies; LOINC only where confirmed (anti-Jo-1 5234-0 "Jo-1
#: extractable nuclear Ab [Presence] in Serum by Immunoassay").
_ANTIBODY_NAMES = {
    MyositisAntibody.JO1: ("Anti-Jo-1 (histidyl-tRNA synthetase) antibody", ("5234-0",), ("anti-jo-1", "jo-1", "jo1")),
    MyositisAntibody.PL7: ("Anti-PL-7 (threonyl-tRNA synthetase) antibody", (), ("anti-pl-7", "pl-7", "pl7")),
    MyositisAntibody.PL12: ("Anti-PL-12 (alanyl-tRNA synthetase) antibody", (), ("anti-pl-12", "pl-12", "pl12")),
    MyositisAntibody.EJ: ("Anti-EJ (glycyl-tRNA synthetase) antibody", (), ("anti-ej",)),
    MyositisAntibody.OJ: ("Anti-OJ (isoleucyl-tRNA synthetase) antibody", (), ("anti-oj",)),
    MyositisAntibody.KS: ("Anti-KS (asparaginyl-tRNA synthetase) antibody", (), ("anti-ks",)),
    MyositisAntibody.ZO: ("Anti-Zo (phenylalanyl-tRNA synthetase) antibody", (), ("anti-zo",)),
    MyositisAntibody.HA: ("Anti-Ha (tyrosyl-tRNA synthetase) antibody", (), ("anti-ha",)),
    MyositisAntibody.MDA5: ("Anti-MDA5 antibody", (), ("anti-mda5", "mda5", "anti-cadm-140")),
    MyositisAntibody.TIF1G: ("Anti-TIF1-gamma antibody", (), ("anti-tif1-gamma", "anti-tif1g", "anti-tif1γ", "tif1-gamma")),
    MyositisAntibody.NXP2: ("Anti-NXP2 antibody", (), ("anti-nxp2", "anti-nxp-2", "nxp2")),
    MyositisAntibody.SAE: ("Anti-SAE antibody", (), ("anti-sae", "anti-sae1")),
    MyositisAntibody.MI2: ("Anti-Mi-2 antibody", (), ("anti-mi-2", "anti-mi2", "mi-2")),
    MyositisAntibody.SRP: ("Anti-SRP antibody", (), ("anti-srp", "srp")),
    MyositisAntibody.HMGCR: ("Anti-HMGCR antibody", (), ("anti-hmgcr", "hmgcr")),
    MyositisAntibody.PM_SCL: ("Anti-PM-Scl antibody", (), ("anti-pm-scl", "pm-scl", "anti-pm/scl")),
    MyositisAntibody.KU: ("Anti-Ku antibody", (), ("anti-ku",)),
    MyositisAntibody.U1_RNP: ("Anti-U1-RNP antibody", (), ("anti-u1-rnp", "anti-u1rnp", "u1-rnp")),
    MyositisAntibody.RO52: ("Anti-Ro52 (TRIM21) antibody", (), ("anti-ro52", "ro52", "anti-trim21")),
}


@hookimpl
def trialscreen_indications() -> list[Indication]:
    return [INDICATION]


@hookimpl
def trialscreen_observation_tests() -> list[ObservationTest | QualitativeTest]:
    return [
        # LOINC 2157-6 "Creatine kinase [Enzymatic activity/volume] in Serum or Plasma", 1761-6 "Aldolase
        # [Enzymatic activity/volume] in Serum or Plasma", 2532-0 "Lactate dehydrogenase [Enzymatic
        # activity/volume] in Serum or Plasma". Plausible ranges: beyond any value a living patient shows
        # (CK in rhabdomyolysis can exceed 100,000 U/L).
        ObservationTest(id="ck", name="Creatine kinase", unit="U/L", loinc=("2157-6",),
                        aliases=("ck", "cpk", "creatine kinase", "creatine phosphokinase"), plausible=(0, 1_000_000)),
        ObservationTest(id="aldolase", name="Aldolase", unit="U/L", loinc=("1761-6",), aliases=("aldolase", "ald"),
                        plausible=(0, 10_000)),
        ObservationTest(id="ldh", name="Lactate dehydrogenase", unit="U/L", loinc=("2532-0",),
                        aliases=("ldh", "ld", "lactate dehydrogenase"), plausible=(0, 100_000)),
        *(QualitativeTest(id=p.ANTIBODY_TESTS[ab], name=name, loinc=loinc, aliases=aliases)
          for ab, (name, loinc, aliases) in _ANTIBODY_NAMES.items()),
    ]


@hookimpl
def trialscreen_assessment_instruments() -> list[AssessmentInstrument]:
    return [
        AssessmentInstrument(id=p.IIM_2017, name="2017 EULAR/ACR classification criteria for IIM (items)",
                             items_model=Iim2017Items, citation=LUNDBERG_2017),
        AssessmentInstrument(id=p.MMT8, name="Manual Muscle Testing-8 (Kendall 0-10, 0-150)", items_model=Mmt8Items,
                             citation=RIDER_2010),
        AssessmentInstrument(id=p.HAQ_DI, name="Stanford HAQ disability index (20 items, 8 categories)",
                             items_model=HaqDiItems, citation=FRIES_1980),
        AssessmentInstrument(id=p.GLOBAL_ACTIVITY,
                             name="IMACS global activity VAS (patient, physician, extramuscular; 0-10 cm)",
                             items_model=ImacsGlobalActivity, citation=MILLER_2001),
    ]


@hookimpl
def trialscreen_values() -> list[DerivedValue]:
    return [
        DerivedValue(id="iim.eular_acr_2017_score", name="2017 EULAR/ACR IIM classification score points",
                     compute=p.eular_acr_2017_score, parameters={"within": None}, citation=LUNDBERG_2017),
        DerivedValue(id="iim.mmt8", name="MMT-8 total (0-150)", compute=p.mmt8_value, parameters=dict(_SCREENING),
                     citation=RIDER_2010),
        DerivedValue(id="iim.haq_di", name="HAQ disability index (0-3)", compute=p.haq_di_value,
                     parameters=dict(_SCREENING), citation=FRIES_1980),
        DerivedValue(id="iim.patient_global_vas", name="Patient global assessment of disease activity (VAS 0-10)",
                     unit="cm", compute=p.patient_global_vas, parameters=dict(_SCREENING), citation=MILLER_2001),
        DerivedValue(id="iim.physician_global_vas", name="Physician global assessment of disease activity (VAS 0-10)",
                     unit="cm", compute=p.physician_global_vas, parameters=dict(_SCREENING), citation=MILLER_2001),
        DerivedValue(id="iim.extramuscular_vas", name="Physician global assessment of extramuscular activity (VAS 0-10)",
                     unit="cm", compute=p.extramuscular_vas, parameters=dict(_SCREENING), citation=MILLER_2001),
        DerivedValue(id="iim.muscle_enzyme_max_x_uln", name="Highest muscle enzyme as a multiple of its ULN",
                     unit="xULN", compute=p.muscle_enzyme_max_x_uln,
                     parameters={**_SCREENING, "enzymes": list(p.ENZYME_TESTS)}, citation=MILLER_2001),
    ]


@hookimpl
def trialscreen_predicates() -> list[Predicate]:
    return [
        Predicate(id="iim.eular_acr_2017", name="IIM by the 2017 EULAR/ACR criteria at a probability (55% or 90%)",
                  compute=p.eular_acr_2017, parameters={"min_probability": 55, "within": None, "accept_documented": True},
                  citation=LUNDBERG_2017),
        Predicate(id="iim.subgroup", name="IIM subgroup is one of the given subgroups",
                  compute=p.subgroup, parameters={"subgroups": ["DM", "IMNM", "ASyS"], "within": None},
                  citation=LUNDBERG_2017),
        Predicate(id="iim.mmt8_below", name="MMT-8 total below (or at) a threshold", compute=p.mmt8_below,
                  parameters={"threshold": 142, "inclusive": False, **_SCREENING}, citation=RIDER_2010),
        Predicate(id="iim.core_set_abnormal", name="At least N abnormal IMACS core set measures other than MMT",
                  compute=p.core_set_abnormal,
                  parameters={"count": 2, **_SCREENING, "global_vas_min": 2, "haq_min": 0.25, "enzyme_x_uln": 1.5,
                              "enzyme_strict": True, "enzymes": list(p.ENZYME_TESTS)},
                  citation=MILLER_2001),
        Predicate(id="iim.myositis_antibody_positive", name="Positive myositis antibody (protocol 004)",
                  compute=p.myositis_antibody_positive,
                  parameters={"antibodies": list(p.ANTIBODY_TESTS.values()), "within": None}, citation=PROTOCOL_004),
        Predicate(id="iim.mda5_dm_refractory_p001", name="Refractory MDA5-positive dermatomyositis (protocol 001)",
                  compute=p.mda5_dm_refractory_p001,
                  parameters={"reading": "conservative", "min_days": 28, "active_topic": "mda5_dm_active_disease"},
                  citation=PROTOCOL_001),
        Predicate(id="iim.refractory_p002",
                  name="Intolerance or inadequate response after >= 3 months of glucocorticoid + immunosuppressant "
                       "(protocol 002)", compute=p.refractory_p002,
                  parameters={"months": 3, "immunosuppressant_classes": list(p.IMMUNOSUPPRESSANT_CLASSES),
                              "outcomes": ["failure", "intolerance"]}, citation=PROTOCOL_002),
        Predicate(id="iim.drug_induced_myositis", name="Drug-induced myositis (protocol 004 exclusion)",
                  compute=p.drug_induced_myositis, citation=PROTOCOL_004),
        Predicate(id="iim.inclusion_body_myositis", name="Inclusion body myositis (protocol 004 exclusion)",
                  compute=p.inclusion_body_myositis, parameters={"within": None}, citation=PROTOCOL_004),
        Predicate(id="iim.cancer_associated_myositis",
                  name="Tumour-associated myositis: tumour within N years of myositis onset (protocol 004 exclusion)",
                  compute=p.cancer_associated_myositis, parameters={"years": 2}, citation=PROTOCOL_004),
    ]
