"""Hook implementations of the systemic sclerosis plugin: a thin list of records; the compute functions are in
`trialscreen_ssc.predicates`, the clinical logic in `scores` and `criteria`."""

from __future__ import annotations

from trialscreen import hookimpl
from trialscreen.plugins.types import (
    AssessmentInstrument,
    DerivedValue,
    HistoryCategory,
    Indication,
    ObservationTest,
    Predicate,
    QualitativeTest,
)

from trialscreen_ssc import predicates as p
from trialscreen_ssc.items import ChestHrctFindings, MrssItems, Ssc2013Items

# ICD-10 (WHO) M34 "Systemic sclerosis" (M34.0-M34.9); SNOMED CT 89155008 "Systemic sclerosis (disorder)"
# (confirmed in the HL7 COVID-19 library immune-condition value set).
INDICATION = Indication(
    code="SSC",
    name="Systemic sclerosis",
    icd10=("M34",),
    snomed=("89155008",),
    synonyms=("scleroderma", "systemic sclerosis", "ssc"),
)

CLEMENTS_1995 = ("Clements PJ et al. J Rheumatol 1995;22:1281-5; Khanna D et al. J Scleroderma Relat Disord "
                 "2017;2:11-18")
VAN_DEN_HOOGEN_2013 = "van den Hoogen F et al. Arthritis Rheum 2013;65:2737-47 / Ann Rheum Dis 2013;72:1747-55"
LEROY_1988 = "LeRoy EC et al. J Rheumatol 1988;15:202-5"
KHANNA_2015 = "Khanna D et al. J Rheumatol 2015;42:2168-71 (OMERACT CTD-ILD)"
PROTOCOL_002 = "Protocol NCT07212322 (002), systemic sclerosis inclusion criteria"
PROTOCOL_004 = "Protocol CHEC2024-181 (004), systemic sclerosis inclusion criteria"

_SCREENING = {"within": p.SCREENING_WINDOW}


@hookimpl
def trialscreen_indications() -> list[Indication]:
    return [INDICATION]


@hookimpl
def trialscreen_observation_tests() -> list[ObservationTest | QualitativeTest]:
    return [
        # LOINC 19872-1 "FVC measured/predicted" and 98130-8 "Diffusion capacity.carbon monoxide/Predicted" (both
        # seen in several FHIR pulmonary-function profiles). Plausible: beyond any measured % predicted.
        ObservationTest(id=p.FVC, name="Forced vital capacity, % predicted", kind="pulmonary", unit="%",
                        loinc=("19872-1",), aliases=("fvc %pred", "fvc % predicted", "fvc percent predicted", "fvc%"),
                        plausible=(5, 200)),
        ObservationTest(id=p.DLCO, name="Diffusing capacity for carbon monoxide, % predicted", kind="pulmonary",
                        unit="%", loinc=("98130-8",),
                        aliases=("dlco %pred", "dlco % predicted", "dlco percent predicted", "dlco%", "tlco % predicted"),
                        plausible=(5, 200)),
        # SSc-related autoantibodies of the 2013 criteria; LOINC codes not confirmed, so none given.
        QualitativeTest(id="anticentromere", name="Anti-centromere antibody",
                        aliases=("aca", "anti-centromere", "centromere antibody", "anti-cenp-b")),
        QualitativeTest(id="anti_scl70", name="Anti-topoisomerase I (Scl-70) antibody",
                        aliases=("anti-scl-70", "scl-70", "anti-topoisomerase i", "anti-topo i", "ata")),
        QualitativeTest(id="anti_rnap3", name="Anti-RNA polymerase III antibody",
                        aliases=("anti-rna polymerase iii", "anti-rnap iii", "rnap3", "anti-pol3")),
    ]


@hookimpl
def trialscreen_history_categories() -> list[HistoryCategory]:
    return [
        HistoryCategory(id=p.RAYNAUD, label="Raynaud's phenomenon (date: first occurrence)"),
        HistoryCategory(id=p.NON_RAYNAUD,
                        label="First non-Raynaud manifestation of systemic sclerosis (date: first occurrence)"),
        HistoryCategory(id=p.ILD, label="Interstitial lung disease (ongoing unless an end date is given)"),
    ]


@hookimpl
def trialscreen_assessment_instruments() -> list[AssessmentInstrument]:
    return [
        AssessmentInstrument(id=p.MRSS, name="Modified Rodnan skin score (17 areas, 0-3 each)", items_model=MrssItems,
                             citation=CLEMENTS_1995),
        AssessmentInstrument(id=p.ACR_EULAR_2013, name="2013 ACR/EULAR classification criteria for systemic sclerosis",
                             items_model=Ssc2013Items, citation=VAN_DEN_HOOGEN_2013),
        AssessmentInstrument(id=p.CHEST_HRCT, name="Chest HRCT findings (ILD, ground-glass opacities, fibrosis)",
                             items_model=ChestHrctFindings, citation=PROTOCOL_004),
    ]


@hookimpl
def trialscreen_values() -> list[DerivedValue]:
    return [
        DerivedValue(id="ssc.mrss", name="Modified Rodnan skin score (0-51)", compute=p.mrss_value,
                     parameters=dict(_SCREENING), citation=CLEMENTS_1995),
        DerivedValue(id="ssc.acr_eular_2013_score", name="2013 ACR/EULAR SSc classification score",
                     compute=p.acr_eular_2013_score, parameters={"within": None}, citation=VAN_DEN_HOOGEN_2013),
    ]


@hookimpl
def trialscreen_predicates() -> list[Predicate]:
    return [
        Predicate(id="ssc.acr_eular_2013", name="Systemic sclerosis by the 2013 ACR/EULAR criteria (score >= 9)",
                  compute=p.acr_eular_2013, parameters={"within": None, "accept_documented": True},
                  citation=VAN_DEN_HOOGEN_2013),
        Predicate(id="ssc.cutaneous_subset", name="Cutaneous subset is one of the given subsets (diffuse / limited)",
                  compute=p.cutaneous_subset, parameters={"subsets": ["diffuse", "limited"], "within": None},
                  citation=LEROY_1988),
        Predicate(id="ssc.disease_duration", name="Disease duration at most N years from the first (non-)Raynaud "
                  "manifestation", compute=p.disease_duration, parameters={"years": 7, "from": "raynaud"},
                  citation=PROTOCOL_002),
        Predicate(id="ssc.mrss_progression", name="Cutaneous progression: mRSS increase of more than N% (protocol 004)",
                  compute=p.mrss_progression, parameters={"threshold_pct": 10, "within": {"months": 12}},
                  citation=PROTOCOL_004),
        Predicate(id="ssc.ild_lung_function_p002",
                  name="If ILD: FVC >= 45% or DLCO >= 40% predicted (protocol 002)", compute=p.ild_lung_function_p002,
                  parameters={**_SCREENING, "hrct_within": None}, citation=PROTOCOL_002),
        Predicate(id="ssc.ild_requirement_p004",
                  name="If ILD: ground glass on HRCT and FVC or DLCO < 70% predicted (protocol 004)",
                  compute=p.ild_requirement_p004, parameters={**_SCREENING, "hrct_within": None}, citation=PROTOCOL_004),
        Predicate(id="ssc.ild_progression_omeract",
                  name="Lung progression (OMERACT: FVC -10%, or FVC -5-<10% with DLCO -15%, relative)",
                  compute=p.ild_progression_omeract, parameters={"within": {"months": 12}}, citation=KHANNA_2015),
        Predicate(id="ssc.relapsed_refractory_p002",
                  name="Relapsed/refractory after >= 6 months of glucocorticoid + immunosuppressant (protocol 002)",
                  compute=p.relapsed_refractory_p002,
                  parameters={"months": 6, "immunosuppressant_classes": list(p.IMMUNOSUPPRESSANT_CLASSES)},
                  citation=PROTOCOL_002),
        Predicate(id="ssc.relapsed_refractory_p004",
                  name="Ineffective routine treatment or relapse after remission (protocol 004)",
                  compute=p.relapsed_refractory_p004, citation=PROTOCOL_004),
    ]
