"""Core vocabularies as plugin records: observation tests (from data/observations.yaml), history categories,
drug classes and drugs (from data/drugs.yaml)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from trialscreen.io.files import safe_load

from trialscreen.plugins.types import DrugClass, DrugEntry, HistoryCategory, ObservationTest, QualitativeTest
from trialscreen_core.drug_catalogue import DrugCatalogue

DATA = Path(__file__).parent / "data"

HISTORY_CATEGORIES: tuple[tuple[str, str], ...] = (
    ("malignancy", "Malignancy"),
    ("cns_disorder", "Central nervous system disorder"),
    ("seizure", "Epilepsy or seizure"),
    ("cardiovascular_event", "Cardiovascular event"),
    ("arrhythmia", "Arrhythmia"),
    ("conduction_abnormality", "Conduction abnormality (e.g. bifascicular block, congenital long QT)"),
    ("hypertension_uncontrolled", "Uncontrolled hypertension, hypertensive crisis or encephalopathy"),
    ("ecg_abnormality", "Clinically significant 12-lead ECG abnormality"),
    ("pericardial_effusion", "Pericardial effusion"),
    ("pleural_effusion", "Clinically significant pleural effusion"),
    ("pulmonary_disease_severe", "Severe pulmonary disease"),
    ("pulmonary_hypertension", "Pulmonary hypertension"),
    ("respiratory_support", "Oxygen by reservoir mask or non-invasive/invasive ventilation"),
    ("organ_transplant", "Major organ transplantation"),
    ("hsct", "Haematopoietic stem cell or bone marrow transplantation"),
    ("cell_or_gene_therapy", "Prior CAR-T, CD19-targeted or other gene therapy"),
    ("infection_active", "Active or uncontrolled infection"),
    ("tuberculosis", "Tuberculosis (active or latent)"),
    ("dialysis", "Dialysis"),
    ("plasmapheresis", "Plasmapheresis / plasma exchange"),
    ("transfusion", "Transfusion (red cells or platelets)"),
    ("renal_disease_severe", "Severe renal disease"),
    ("active_nephritis", "Active nephritis requiring treatment prohibited by the protocol"),
    ("major_surgery", "Major surgery"),
    ("severe_allergy", "Severe allergy to study-drug or lymphodepletion components"),
    ("psychiatric_disorder", "Psychiatric disorder"),
    ("cognitive_impairment", "Severe cognitive impairment"),
    ("clinical_trial", "Participation in an interventional clinical trial or investigational treatment"),
    ("trial_intent", "Intent to join another trial or receive non-protocol treatment"),
    ("autoimmune_disease", "Autoimmune disease"),
    ("myopathy_non_iim", "Non-IIM myopathy (drug-induced, HIV, thyroid, familial)"),
    ("catastrophic_aps", "Catastrophic antiphospholipid syndrome"),
    ("gilbert_syndrome", "Gilbert syndrome"),
    ("congenital_immunodeficiency", "Congenital immunodeficiency"),
    ("liver_cirrhosis", "Liver cirrhosis"),
    ("bone_marrow_failure", "Aplastic anaemia, myelodysplastic syndrome or myeloproliferative disease"),
    ("end_stage_renal_failure", "End-stage renal failure"),
    ("pregnancy_intent", "Intends to conceive during the study"),
)


@lru_cache(maxsize=1)
def observation_tests() -> list[ObservationTest | QualitativeTest]:
    raw = safe_load((DATA / "observations.yaml").read_text(encoding="utf-8"))
    tests: list[ObservationTest | QualitativeTest] = []
    for tid, spec in raw["tests"].items():
        tests.append(ObservationTest(id=tid, **{**spec, "loinc": tuple(spec.get("loinc", ())),
                                                "aliases": tuple(spec.get("aliases", ())),
                                                "plausible": tuple(spec["plausible"])}))
    for tid, spec in raw["qualitative"].items():
        tests.append(QualitativeTest(id=tid, name=spec["name"], loinc=tuple(spec.get("loinc", ())),
                                     aliases=tuple(spec.get("aliases", ()))))
    return tests


def history_categories() -> list[HistoryCategory]:
    return [HistoryCategory(id=cid, label=label) for cid, label in HISTORY_CATEGORIES]


@lru_cache(maxsize=1)
def catalogue() -> DrugCatalogue:
    return DrugCatalogue.load()


def drug_classes() -> list[DrugClass]:
    return [DrugClass(id=c.id, label=c.label, description=c.description) for c in catalogue().classes.values()]


def drugs() -> list[DrugEntry]:
    return [DrugEntry(**d.model_dump()) for d in catalogue().drugs]
