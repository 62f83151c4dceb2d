"""Hook implementations of the Sjögren's disease plugin: a thin list of records; the compute functions are in
`trialscreen_sjogren.predicates`, the clinical logic in `scores` and `criteria`."""

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

from trialscreen_sjogren import predicates as p
from trialscreen_sjogren.items import AcrEular2016Items, Aecg2002Items, EssdaiItems

# ICD-10 (WHO) M35.0 "Sicca syndrome [Sjögren]"; SNOMED CT 83901003 "Sjögren's syndrome" and 239912009 "Primary
# Sjögren's syndrome" (confirmed in the PEDSnet/RECOVER Sjögren's codeset, OMOP vocabulary names).
INDICATION = Indication(
    code="SJOGREN",
    name="Sjögren's disease",
    icd10=("M35.0",),
    snomed=("83901003", "239912009"),
    synonyms=("sjogren", "sjögren's syndrome", "sicca", "primary sjögren's syndrome", "pss", "dry syndrome"),
)

SEROR_2010 = "Seror R et al. Ann Rheum Dis 2010;69:1103-09; user guide Seror R et al. RMD Open 2015;1:e000022"
SEROR_2016 = "Seror R et al. Ann Rheum Dis 2016;75:382-89"
SHIBOSKI_2017 = "Shiboski CH et al. Ann Rheum Dis 2017;76:9-16"
VITALI_2002 = "Vitali C et al. Ann Rheum Dis 2002;61:554-58"
PROTOCOL_002 = "Protocol NCT07212322 (002), Sjögren's inclusion criteria"
PROTOCOL_004 = "Protocol CHEC2024-181 (004), relapsing refractory dry syndrome criteria"

_SCREENING = {"within": p.SCREENING_WINDOW}


@hookimpl
def trialscreen_indications() -> list[Indication]:
    return [INDICATION]


@hookimpl
def trialscreen_observation_tests() -> list[ObservationTest | QualitativeTest]:
    return [
        # Whole saliva collected by the draining/spitting method over a timed period (usually 15 min unstimulated,
        # 5 min chewing-stimulated); no LOINC code confirmed. Plausible: 0 up to 5 (unstimulated) / 15 (stimulated)
        # mL/min, beyond any physiological rate.
        ObservationTest(id="salivary_flow_unstimulated", name="Unstimulated whole salivary flow rate", kind="other",
                        unit="mL/min", aliases=("uwsf", "unstimulated salivary flow", "unstimulated whole saliva"),
                        plausible=(0, 5)),
        ObservationTest(id="salivary_flow_stimulated", name="Stimulated whole salivary flow rate", kind="other",
                        unit="mL/min", aliases=("swsf", "stimulated salivary flow", "stimulated whole saliva"),
                        plausible=(0, 15)),
        # LOINC 8093-7 / 8094-5 "Sjogrens syndrome-A / -B extractable nuclear Ab [Presence] in Serum".
        QualitativeTest(id="anti_ssa", name="Anti-SSA/Ro antibody", loinc=("8093-7",),
                        aliases=("anti-ssa", "anti-ro", "anti-ssa/ro", "ssa", "ro/ssa")),
        QualitativeTest(id="anti_ssb", name="Anti-SSB/La antibody", loinc=("8094-5",),
                        aliases=("anti-ssb", "anti-la", "anti-ssb/la", "ssb", "la/ssb")),
    ]


@hookimpl
def trialscreen_assessment_instruments() -> list[AssessmentInstrument]:
    return [
        AssessmentInstrument(id=p.ESSDAI, name="ESSDAI (EULAR Sjögren's syndrome disease activity index), 12 domains",
                             items_model=EssdaiItems, citation=SEROR_2010),
        AssessmentInstrument(id=p.ACR_EULAR_2016, name="2016 ACR/EULAR classification criteria for primary Sjögren's",
                             items_model=AcrEular2016Items, citation=SHIBOSKI_2017),
        AssessmentInstrument(id=p.AECG_2002, name="2002 American-European Consensus Group criteria for Sjögren's",
                             items_model=Aecg2002Items, citation=VITALI_2002),
    ]


@hookimpl
def trialscreen_values() -> list[DerivedValue]:
    return [
        DerivedValue(id="sjogren.essdai", name="ESSDAI total (0-123)", compute=p.essdai_value,
                     parameters=dict(_SCREENING), citation=SEROR_2010),
        DerivedValue(id="sjogren.essdai_activity", name="ESSDAI activity level (low / moderate / high)",
                     compute=p.essdai_activity, parameters=dict(_SCREENING), citation=SEROR_2016),
    ]


@hookimpl
def trialscreen_predicates() -> list[Predicate]:
    return [
        Predicate(id="sjogren.essdai_at_least", name="ESSDAI at or above a threshold (decided from bounds)",
                  compute=p.essdai_at_least, parameters={"threshold": 5, **_SCREENING}, citation=SEROR_2016),
        Predicate(id="sjogren.acr_eular_2016", name="Primary Sjögren's by the 2016 ACR/EULAR criteria",
                  compute=p.acr_eular_2016, parameters={"within": None, "accept_documented": True},
                  citation=SHIBOSKI_2017),
        Predicate(id="sjogren.aecg_2002", name="Primary Sjögren's by the 2002 AECG criteria",
                  compute=p.aecg_2002, parameters={"within": None, "accept_documented": True}, citation=VITALI_2002),
        Predicate(id="sjogren.salivary_flow_p002",
                  name="Residual salivary flow (unstimulated >=0.05 or stimulated >=0.01 mL/min)",
                  compute=p.salivary_flow_p002, parameters=dict(_SCREENING), citation=PROTOCOL_002),
        Predicate(id="sjogren.cirrhosis_p004", name="Liver cirrhosis (protocol 004 exclusion)",
                  compute=p.cirrhosis_p004, citation=PROTOCOL_004),
        Predicate(id="sjogren.marrow_disorder_p004",
                  name="Aplastic anaemia, MDS or myeloproliferative disease (protocol 004 exclusion)",
                  compute=p.marrow_disorder_p004, citation=PROTOCOL_004),
        Predicate(id="sjogren.refractory_p004",
                  name="Ineffective routine treatment or relapse after remission (protocol 004)",
                  compute=p.refractory_p004, citation=PROTOCOL_004),
    ]
