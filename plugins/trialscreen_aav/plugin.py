"""Hook implementations of the ANCA-associated vasculitis (GPA, MPA) plugin: a thin list of records; the compute
functions are in `trialscreen_aav.predicates`, the clinical logic in `scores` and `criteria`."""

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

from trialscreen_aav import predicates as p
from trialscreen_aav.items import BVAS_MAJOR_ITEMS_VERIFIED, AavClassificationItems, BvasV3Items

# ICD-10 (WHO) M31.3 "Wegener granulomatosis" and M31.7 "Microscopic polyangiitis". SNOMED CT 722191003
# "Antineutrophil cytoplasmic antibody positive vasculitis (disorder)" and 239928004 "Microscopic polyarteritis
# nodosa (disorder)" (HL7 COVID-19 library immune-condition value set); 195353004 "Wegener's granulomatosis"
# (mapped as such in public vasculitis and DPLD code lists).
INDICATION = Indication(
    code="AAV",
    name="ANCA-associated vasculitis (GPA, MPA)",
    icd10=("M31.3", "M31.7"),
    snomed=("722191003", "195353004", "239928004"),
    synonyms=("anca vasculitis", "anca-associated vasculitis", "gpa", "mpa", "granulomatosis with polyangiitis",
              "microscopic polyangiitis", "wegener's granulomatosis"),
)

MUKHTYAR_2009 = "Mukhtyar C et al. Ann Rheum Dis 2009;68:1827-32 (BVAS v3)"
HELLMICH_2007 = "Hellmich B et al. Ann Rheum Dis 2007;66:605-17 (EULAR recommendations, activity states)"
ROBSON_2022 = "Robson JC et al. Ann Rheum Dis 2022;81:315-20 (2022 ACR/EULAR GPA)"
SUPPIAH_2022 = "Suppiah R et al. Ann Rheum Dis 2022;81:321-6 (2022 ACR/EULAR MPA)"
JENNETTE_2013 = "Jennette JC et al. Arthritis Rheum 2013;65:1-11 (2012 Chapel Hill nomenclature)"
PROTOCOL_001 = "Protocol NCT06316791 (001), refractory ANCA-associated vasculitis"
PROTOCOL_002 = "Protocol NCT07212322 (002), relapsed/refractory ANCA-associated vasculitis"

_SCREENING = {"within": p.SCREENING_WINDOW}
_MAJOR = {"major_items": sorted(BVAS_MAJOR_ITEMS_VERIFIED), "other_items": [], "unlisted_are_other": False}
_P002 = {**_MAJOR, "months": 3, "immunosuppressant_classes": list(p.IMMUNOSUPPRESSANT_CLASSES)}


@hookimpl
def trialscreen_indications() -> list[Indication]:
    return [INDICATION]


@hookimpl
def trialscreen_observation_tests() -> list[ObservationTest | QualitativeTest]:
    return [
        # LOINC 29644-2 "Proteinase 3 [Presence] in Serum by Immunoassay" and 29643-4 "Myeloperoxidase Ab
        # [Presence] in Serum by Immunoassay" (HL7 Europe ANCA test value set).
        QualitativeTest(id="anca_pr3", name="Anti-proteinase 3 ANCA (PR3-ANCA)", loinc=("29644-2",),
                        aliases=("pr3-anca", "anti-pr3", "pr3 anca", "pr3", "c-anca pr3")),
        QualitativeTest(id="anca_mpo", name="Anti-myeloperoxidase ANCA (MPO-ANCA)", loinc=("29643-4",),
                        aliases=("mpo-anca", "anti-mpo", "mpo anca", "mpo", "p-anca mpo")),
    ]


@hookimpl
def trialscreen_assessment_instruments() -> list[AssessmentInstrument]:
    return [
        AssessmentInstrument(id=p.BVAS, name="Birmingham Vasculitis Activity Score version 3 (56 items)",
                             items_model=BvasV3Items, citation=MUKHTYAR_2009),
        AssessmentInstrument(id=p.ACR_EULAR_2022, name="2022 ACR/EULAR classification criteria for GPA and MPA (items)",
                             items_model=AavClassificationItems, citation=f"{ROBSON_2022}; {SUPPIAH_2022}"),
    ]


@hookimpl
def trialscreen_values() -> list[DerivedValue]:
    return [
        DerivedValue(id="aav.bvas_v3", name="BVAS v3 total (unknown unless complete and verified)",
                     compute=p.bvas_value, parameters=dict(_SCREENING), citation=MUKHTYAR_2009),
        DerivedValue(id="aav.gpa_2022_score", name="2022 ACR/EULAR GPA classification score",
                     compute=p.gpa_2022_score, parameters={"within": None}, citation=ROBSON_2022),
        DerivedValue(id="aav.mpa_2022_score", name="2022 ACR/EULAR MPA classification score",
                     compute=p.mpa_2022_score, parameters={"within": None}, citation=SUPPIAH_2022),
    ]


@hookimpl
def trialscreen_predicates() -> list[Predicate]:
    return [
        Predicate(id="aav.bvas_major_or_three_other", name="BVAS v3: at least one major item or at least three other "
                  "items", compute=p.bvas_major_or_three_other, parameters={**_SCREENING, **_MAJOR},
                  citation=f"{HELLMICH_2007}; {PROTOCOL_002}"),
        Predicate(id="aav.bvas_zero", name="BVAS v3 = 0", compute=p.bvas_zero, parameters=dict(_SCREENING),
                  citation=MUKHTYAR_2009),
        Predicate(id="aav.gpa_2022", name="GPA by the 2022 ACR/EULAR criteria", compute=p.gpa_2022,
                  parameters={"within": None, "accept_documented": True}, citation=ROBSON_2022),
        Predicate(id="aav.mpa_2022", name="MPA by the 2022 ACR/EULAR criteria", compute=p.mpa_2022,
                  parameters={"within": None, "accept_documented": True}, citation=SUPPIAH_2022),
        Predicate(id="aav.chcc2012_diagnosis", name="AAV diagnosis named by the 2012 Chapel Hill nomenclature "
                  "(GPA or MPA)", compute=p.chcc2012_diagnosis, parameters={"conditions": ["GPA", "MPA"]},
                  citation=JENNETTE_2013),
        Predicate(id="aav.anca_positive", name="Anti-PR3 or anti-MPO ANCA positive (in a window, or ever)",
                  compute=p.anca_positive, parameters={"within": None, "antigens": ["PR3", "MPO"]},
                  citation=f"{PROTOCOL_002}; {PROTOCOL_001}"),
        Predicate(id="aav.relapsed_p002", name="Relapsed AAV after initial efficacy, relapse within 12 weeks "
                  "(protocol 002)", compute=p.relapsed_p002, parameters=dict(_P002), citation=PROTOCOL_002),
        Predicate(id="aav.refractory_p002", name="Refractory AAV: no efficacy after 3 months of glucocorticoid + "
                  "immunosuppressant (protocol 002)", compute=p.refractory_p002,
                  parameters={"months": 3, "immunosuppressant_classes": list(p.IMMUNOSUPPRESSANT_CLASSES)},
                  citation=PROTOCOL_002),
        Predicate(id="aav.relapsed_refractory_requiring_cyc_rtx_p001",
                  name="Relapsed or refractory AAV requiring cyclophosphamide or rituximab (protocol 001)",
                  compute=p.relapsed_refractory_requiring_cyc_rtx_p001,
                  parameters={"classes": list(p.INDUCTION_CLASSES), "decision_topic": p.REQUIRES_CYC_RTX_TOPIC},
                  citation=PROTOCOL_001),
        Predicate(id="aav.major_organ_induction_p001",
                  name="Major organ involvement requiring induction with cyclophosphamide or rituximab (protocol 001)",
                  compute=p.major_organ_induction_p001,
                  parameters={**_SCREENING, "organ_sections": list(p.MAJOR_ORGAN_SECTIONS),
                              "decision_topic": p.REQUIRES_CYC_RTX_TOPIC},
                  citation=f"{MUKHTYAR_2009}; {PROTOCOL_001}"),
    ]
