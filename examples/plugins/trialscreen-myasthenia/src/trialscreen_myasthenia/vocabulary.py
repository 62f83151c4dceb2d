"""What the plugin adds to trialscreen's vocabularies: the indication, antibody tests, history categories, drug
classes, drugs the core catalogue lacks, and the assessment instruments.

Codes are given only where checked; an empty tuple means "not confirmed", never "none exists".
"""

from __future__ import annotations

from trialscreen.plugins.types import (
    AssessmentInstrument,
    DrugClass,
    DrugEntry,
    HistoryCategory,
    Indication,
    QualitativeTest,
)

from trialscreen_myasthenia.items import MgAdlItems, MgfaClassification
from trialscreen_myasthenia.scores import MG_ADL_CITATION, MG_ADL_INSTRUMENT

MGFA_INSTRUMENT = "myasthenia.mgfa_class"
MGFA_CITATION = ("Jaretzki A 3rd, Barohn RJ, Ernstoff RM, et al. Myasthenia gravis: recommendations for clinical "
                 "research standards. Neurology 2000;55:16-23.")

# ICD-10 G70.0 "Myasthenia gravis" (WHO ICD-10; also ICD-10-AM / ICD-10-CM G70.0). SNOMED CT 91637004
# "Myasthenia gravis (disorder)", as mapped in the FinnGen phenocode G6_MYASTHENIA ontology links.
INDICATION = Indication(
    code="MG",
    name="Myasthenia gravis",
    icd10=("G70.0",),
    snomed=("91637004",),
    synonyms=("myasthenia gravis", "generalised myasthenia gravis", "generalized myasthenia gravis", "gMG"),
)

# Qualitative results (positive / negative). LOINC codes are left out: not confirmed here.
TESTS = [
    QualitativeTest(id="achr_ab", name="Acetylcholine receptor (AChR) antibody",
                    aliases=("achr-ab", "anti-achr", "achr antibody", "acetylcholine receptor antibody",
                             "acetylcholine receptor binding antibody")),
    QualitativeTest(id="musk_ab", name="Muscle-specific kinase (MuSK) antibody",
                    aliases=("musk-ab", "anti-musk", "musk antibody", "muscle-specific kinase antibody")),
]

HISTORY_CATEGORIES = [
    HistoryCategory(id="thymectomy", label="Thymectomy"),
    HistoryCategory(id="thymoma", label="Thymoma or other thymic neoplasm"),
    HistoryCategory(id="myasthenic_crisis", label="Myasthenic crisis (MGFA class V: intubation)"),
]

DRUG_CLASSES = [
    DrugClass(id="fcrn_antagonist", label="Neonatal Fc receptor (FcRn) antagonist",
              description="Lower IgG, including pathogenic autoantibodies, by blocking FcRn recycling."),
    DrugClass(id="cholinesterase_inhibitor", label="Cholinesterase inhibitor",
              description="Symptomatic treatment of myasthenia gravis; not immunosuppressive."),
]

# Drugs the core catalogue lacks (eculizumab and ravulizumab are already there as complement_inhibitor).
# ATC codes only where confident; half-lives are not given (none were checked), so no half-life washout
# applies to these drugs: rulesets use calendar windows for them.
DRUGS = [
    DrugEntry(name="efgartigimod alfa", classes=("fcrn_antagonist",), mechanism="FcRn",
              synonyms=("efgartigimod", "Vyvgart", "Vyvgart Hytrulo", "ARGX-113"),
              note="IgG1 Fc fragment; IV and subcutaneous (with hyaluronidase) products."),
    DrugEntry(name="rozanolixizumab", classes=("fcrn_antagonist",), mechanism="FcRn",
              synonyms=("Rystiggo", "UCB7665")),
    DrugEntry(name="nipocalimab", classes=("fcrn_antagonist",), mechanism="FcRn", synonyms=("M281",)),
    DrugEntry(name="batoclimab", classes=("fcrn_antagonist", "investigational"), mechanism="FcRn",
              synonyms=("IMVT-1401", "HBM9161")),
    DrugEntry(name="zilucoplan", classes=("complement_inhibitor",), mechanism="C5", synonyms=("Zilbrysq",),
              note="Subcutaneous macrocyclic peptide C5 inhibitor."),
    DrugEntry(name="pyridostigmine", classes=("cholinesterase_inhibitor",), mechanism="AChE", atc="N07AA02",
              synonyms=("Mestinon", "pyridostigmine bromide")),
]

INSTRUMENTS = [
    AssessmentInstrument(id=MG_ADL_INSTRUMENT, name="MG Activities of Daily Living profile (MG-ADL)",
                         items_model=MgAdlItems, citation=MG_ADL_CITATION),
    AssessmentInstrument(id=MGFA_INSTRUMENT, name="MGFA clinical classification",
                         items_model=MgfaClassification, citation=MGFA_CITATION),
]
