"""Hook implementations of the Immune thrombocytopenia plugin: records only; the compute functions are in
`trialscreen_itp.predicates`, the cited definitions in `phases`."""

from __future__ import annotations

from trialscreen import hookimpl
from trialscreen.plugins.types import AssessmentInstrument, DerivedValue, HistoryCategory, Indication, Predicate

from trialscreen_itp import predicates as p
from trialscreen_itp.items import ItpReassessment

IWG_CITATION = ("Rodeghiero F, Stasi R, Gernsheimer T, et al. Standardization of terminology, definitions and outcome "
                "criteria in immune thrombocytopenic purpura of adults and children: report from an international "
                "working group. Blood 2009;113:2386-93.")
P002 = "Protocol NCT07212322 (CD19 UCAR-T, Institute of Hematology & Blood Diseases Hospital) registry text."

# ICD-10 (WHO 2019): D69.3 idiopathic thrombocytopenic purpura. SNOMED CT: 2897005 |Immune thrombocytopenia
# (disorder)| and 32273002 |Idiopathic thrombocytopenic purpura (disorder)|, both in the thrombocytopenia concept
# lists of the CVD-COVID-UK/HDR UK phenotype code (two independent copies seen).
INDICATION = Indication(
    code="ITP",
    name="Immune thrombocytopenia",
    icd10=("D69.3",),
    snomed=("2897005", "32273002"),
    synonyms=("immune thrombocytopenic purpura", "idiopathic thrombocytopenic purpura", "primary immune thrombocytopenia"),
)

HISTORY_CATEGORIES = [HistoryCategory(id="splenectomy", label="Splenectomy")]

INSTRUMENTS = [
    AssessmentInstrument(id=p.REASSESSMENT, name="ITP reassessment (diagnosis reconfirmed, splenectomy response, "
                                                 "need for treatment)", items_model=ItpReassessment,
                         citation=f"{IWG_CITATION} {P002}"),
]

VALUES = [
    DerivedValue(id="itp.phase", name="ITP phase (newly diagnosed, persistent, chronic)", compute=p.phase,
                 parameters={"chronic_at_12_months": True}, citation=IWG_CITATION),
]

PREDICATES = [
    Predicate(id="itp.chronic", name="Chronic ITP (thrombocytopenia for at least N months since diagnosis)",
              compute=p.chronic, parameters={"months": 12, "inclusive": True}, citation=f"{P002} {IWG_CITATION}"),
    Predicate(id="itp.refractory_iwg_2009", name="Refractory ITP (IWG 2009: failure or relapse after splenectomy)",
              compute=p.refractory_iwg_2009, parameters={"within": None}, citation=IWG_CITATION),
    Predicate(id="itp.refractory_p002", name="Refractory ITP as defined by NCT07212322", compute=p.refractory_p002,
              parameters={"first_line_classes": list(p.FIRST_LINE_CLASSES), "reassessment_within": {"months": 3}},
              citation=P002),
    Predicate(id="itp.prior_treatment_failure_p002",
              name="Standard ITP treatment without maintained response, relapse, intolerance or insufficient response",
              compute=p.prior_treatment_failure_p002,
              parameters={"classes": list(p.STANDARD_CLASSES), "names": list(p.STANDARD_NAMES)}, citation=P002),
]


@hookimpl
def trialscreen_indications() -> list[Indication]:
    return [INDICATION]


@hookimpl
def trialscreen_history_categories() -> list[HistoryCategory]:
    return HISTORY_CATEGORIES


@hookimpl
def trialscreen_assessment_instruments() -> list[AssessmentInstrument]:
    return INSTRUMENTS


@hookimpl
def trialscreen_values() -> list[DerivedValue]:
    return VALUES


@hookimpl
def trialscreen_predicates() -> list[Predicate]:
    return PREDICATES
