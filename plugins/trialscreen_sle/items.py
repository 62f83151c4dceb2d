"""Item-level answer models for the SLE instruments: SLEDAI-2K, the 2019 EULAR/ACR classification criteria and
the Lupus Low Disease Activity State (LLDAS).

Every answer is ``bool | None``: ``True`` present, ``False`` assessed and absent, ``None`` not assessed. The
models are frozen and reject unknown fields, so a misspelt item fails loudly instead of silently scoring 0.

Sources (verification recorded per number group in the docstring of each table):

* SLEDAI-2K — Gladman DD, Ibañez D, Urowitz MB. Systemic lupus erythematosus disease activity index 2000.
  J Rheumatol 2002;29:288-91.
* 2019 EULAR/ACR — Aringer M, Costenbader K, Daikh D, et al. 2019 European League Against Rheumatism/American
  College of Rheumatology classification criteria for systemic lupus erythematosus. Ann Rheum Dis
  2019;78:1151-59 and Arthritis Rheumatol 2019;71:1400-12.
* LLDAS — Franklyn K, et al. Definition and initial validation of a Lupus Low Disease
  Activity State (LLDAS). Ann Rheum Dis 2016;75:1615-21.
"""

from __future__ import annotations

from typing import Final, Literal

from pydantic import BaseModel, ConfigDict, Field

Answer = bool | None

# --------------------------------------------------------------------------------------------------------------
# SLEDAI-2K
# --------------------------------------------------------------------------------------------------------------

#: SLEDAI-2K descriptor -> (weight, label). Gladman DD et al. J Rheumatol 2002;29:288-91.
#: A descriptor scores its whole weight when present at the visit or in the preceding 10 days.
#: Weights verified against: medicalcriteria.com/web/reusledai (score sheet), thecalculator.co SLEDAI-2K table,
#: pediatriconcall.com SLEDAI-2K calculator, and an independent implementation's weight list (24 items, weights
#: 8/4/2/1); project notes shared/reference/clinical/01_sle.md §1 (VERIFIED). 8×8 + 6×4 + 7×2 + 3×1 = 105.
SLEDAI2K_ITEMS: Final[dict[str, tuple[int, str]]] = {
    "seizure": (8, "Seizure"),
    "psychosis": (8, "Psychosis"),
    "organic_brain_syndrome": (8, "Organic brain syndrome"),
    "visual_disturbance": (8, "Visual disturbance"),
    "cranial_nerve_disorder": (8, "Cranial nerve disorder"),
    "lupus_headache": (8, "Lupus headache"),
    "cva": (8, "Cerebrovascular accident"),
    "vasculitis": (8, "Vasculitis"),
    "arthritis": (4, "Arthritis"),
    "myositis": (4, "Myositis"),
    "urinary_casts": (4, "Urinary casts"),
    "haematuria": (4, "Haematuria"),
    "proteinuria": (4, "Proteinuria"),
    "pyuria": (4, "Pyuria"),
    "rash": (2, "Rash"),
    "alopecia": (2, "Alopecia"),
    "mucosal_ulcers": (2, "Mucosal ulcers"),
    "pleurisy": (2, "Pleurisy"),
    "pericarditis": (2, "Pericarditis"),
    "low_complement": (2, "Low complement"),
    "increased_dna_binding": (2, "Increased DNA binding"),
    "fever": (1, "Fever"),
    "thrombocytopenia": (1, "Thrombocytopenia"),
    "leukopenia": (1, "Leukopenia"),
}

#: The two serological descriptors dropped from the "clinical" SLEDAI (DORIS clinical SLEDAI; project notes
#: 01_sle.md §1, VERIFIED against the DORIS/LLDAS table in Rheumatology (Oxford) 2020, PMC7719036 Table 1).
SLEDAI2K_SEROLOGICAL: Final[tuple[str, ...]] = ("low_complement", "increased_dna_binding")


class Sledai2kItems(BaseModel):
    """The 24 SLEDAI-2K descriptors, each present (True), absent (False) or not assessed (None) over the visit
    and the preceding 10 days (Gladman 2002). Definitions in brief: see `SLEDAI2K_ITEMS` and the paper."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    seizure: Answer = Field(None, description="Recent onset; exclude metabolic, infectious or drug causes (8).")
    psychosis: Answer = Field(None, description="Severe disturbance in the perception of reality (8).")
    organic_brain_syndrome: Answer = Field(None, description="Altered mental function, rapid onset, fluctuating (8).")
    visual_disturbance: Answer = Field(None, description="Retinal changes of SLE (8).")
    cranial_nerve_disorder: Answer = Field(None, description="New sensory or motor cranial neuropathy (8).")
    lupus_headache: Answer = Field(None, description="Severe persistent headache, non-responsive to narcotics (8).")
    cva: Answer = Field(None, description="New cerebrovascular accident; exclude arteriosclerosis (8).")
    vasculitis: Answer = Field(None, description="Ulceration, gangrene, tender finger nodules, periungual infarction, "
                                                 "splinter haemorrhages, or biopsy/angiogram proof (8).")
    arthritis: Answer = Field(None, description="≥2 joints with pain and signs of inflammation (4).")
    myositis: Answer = Field(None, description="Proximal aching/weakness with raised CK/aldolase, EMG or biopsy (4).")
    urinary_casts: Answer = Field(None, description="Heme-granular or red-cell casts (4).")
    haematuria: Answer = Field(None, description=">5 RBC/hpf; exclude stone, infection or other cause (4).")
    proteinuria: Answer = Field(None, description=">0.5 g/24 h (4).")
    pyuria: Answer = Field(None, description=">5 WBC/hpf; exclude infection (4).")
    rash: Answer = Field(None, description="Inflammatory-type rash (2).")
    alopecia: Answer = Field(None, description="Abnormal, patchy or diffuse loss of hair (2).")
    mucosal_ulcers: Answer = Field(None, description="Oral or nasal ulcerations (2).")
    pleurisy: Answer = Field(None, description="Pleuritic chest pain with rub, effusion or pleural thickening (2).")
    pericarditis: Answer = Field(None, description="Pericardial pain with rub, effusion, or ECG/echo confirmation (2).")
    low_complement: Answer = Field(None, description="Decrease in CH50, C3 or C4 below the laboratory's normal (2).")
    increased_dna_binding: Answer = Field(None, description="DNA binding above the laboratory's normal range (2).")
    fever: Answer = Field(None, description=">38 °C; exclude infection (1).")
    thrombocytopenia: Answer = Field(None, description="<100×10⁹/L; exclude drug causes (1).")
    leukopenia: Answer = Field(None, description="<3×10⁹/L; exclude drug causes (1).")


# --------------------------------------------------------------------------------------------------------------
# 2019 EULAR/ACR classification criteria
# --------------------------------------------------------------------------------------------------------------

Eular2019Domain = Literal[
    "constitutional", "haematologic", "neuropsychiatric", "mucocutaneous", "serosal", "musculoskeletal", "renal",
    "antiphospholipid_antibodies", "complement_proteins", "sle_specific_antibodies",
]

#: Criterion -> (domain, weight, clinical?). Aringer M et al. Ann Rheum Dis 2019;78:1151-59 (Figure/Table of
#: the final criteria) = Arthritis Rheumatol 2019;71:1400-12. Weights verified against the BMJ Best Practice
#: criteria page (all 22 weights), the MSD Manual table and project notes 01_sle.md §3 (VERIFIED: MSD Manual,
#: Neurol Res Pract 2019 Table 7). The provisional MCDA weights (12-74) are NOT these and are not used.
#: The three composite criteria (complement, SLE-specific antibodies) are derived from the analyte answers of
#: `Eular2019Items` (low_c3/low_c4, anti_dsdna/anti_smith).
EULAR2019_CRITERIA: Final[dict[str, tuple[Eular2019Domain, int, bool]]] = {
    "fever": ("constitutional", 2, True),
    "leukopenia": ("haematologic", 3, True),
    "thrombocytopenia": ("haematologic", 4, True),
    "autoimmune_haemolysis": ("haematologic", 4, True),
    "delirium": ("neuropsychiatric", 2, True),
    "psychosis": ("neuropsychiatric", 3, True),
    "seizure": ("neuropsychiatric", 5, True),
    "non_scarring_alopecia": ("mucocutaneous", 2, True),
    "oral_ulcers": ("mucocutaneous", 2, True),
    "subacute_cutaneous_or_discoid_lupus": ("mucocutaneous", 4, True),
    "acute_cutaneous_lupus": ("mucocutaneous", 6, True),
    "pleural_or_pericardial_effusion": ("serosal", 5, True),
    "acute_pericarditis": ("serosal", 6, True),
    "joint_involvement": ("musculoskeletal", 6, True),
    "proteinuria": ("renal", 4, True),
    "renal_biopsy_class_ii_or_v": ("renal", 8, True),
    "renal_biopsy_class_iii_or_iv": ("renal", 10, True),
    "antiphospholipid_antibodies": ("antiphospholipid_antibodies", 2, False),
    "low_c3_or_low_c4": ("complement_proteins", 3, False),
    "low_c3_and_low_c4": ("complement_proteins", 4, False),
    "anti_dsdna_or_anti_smith": ("sle_specific_antibodies", 6, False),
}

#: Entry criterion: ANA at a titre of ≥1:80 on HEp-2 cells or an equivalent positive test, at least once
#: (Aringer 2019; verified on BMJ Best Practice and the 4leafmedical copy of the criteria table).
EULAR2019_ANA_MIN_TITRE: Final[int] = 80


class Eular2019Items(BaseModel):
    """Answers for the 2019 EULAR/ACR SLE classification criteria (Aringer 2019).

    A criterion counts when it occurred at least once (not necessarily simultaneously with the others) and is not
    better explained by another condition — that attribution is the caller's judgement, made before answering.
    """

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    ana_titre: int | None = Field(None, gt=0, description="Highest ANA titre ever on HEp-2 IIF, as the dilution "
                                                             "denominator (80 for 1:80).")
    ana_equivalent_positive: Answer = Field(None, description="A positive solid-phase ANA test of at least equivalent "
                                                               "performance (the criterion's alternative to HEp-2).")
    # clinical domains
    fever: Answer = Field(None, description="Temperature >38.3 °C (2).")
    leukopenia: Answer = Field(None, description="WBC <4,000/mm³ (3).")
    thrombocytopenia: Answer = Field(None, description="Platelets <100,000/mm³ (4).")
    autoimmune_haemolysis: Answer = Field(None, description="Evidence of haemolysis and positive direct Coombs (4).")
    delirium: Answer = Field(None, description="Delirium (2).")
    psychosis: Answer = Field(None, description="Delusions and/or hallucinations without insight, no delirium (3).")
    seizure: Answer = Field(None, description="Primary generalised or partial/focal seizure (5).")
    non_scarring_alopecia: Answer = Field(None, description="Observed by a clinician (2).")
    oral_ulcers: Answer = Field(None, description="Observed by a clinician (2).")
    subacute_cutaneous_or_discoid_lupus: Answer = Field(None, description="Observed by a clinician (4).")
    acute_cutaneous_lupus: Answer = Field(None, description="Acute cutaneous lupus (6).")
    pleural_or_pericardial_effusion: Answer = Field(None, description="Pleural or pericardial effusion (5).")
    acute_pericarditis: Answer = Field(None, description="Acute pericarditis (6).")
    joint_involvement: Answer = Field(None, description="Synovitis ≥2 joints, or tenderness ≥2 joints with ≥30 min "
                                                       "morning stiffness (6).")
    proteinuria: Answer = Field(None, description=">0.5 g/24 h (4).")
    renal_biopsy_class_ii_or_v: Answer = Field(None, description="Renal biopsy class II or V lupus nephritis (8).")
    renal_biopsy_class_iii_or_iv: Answer = Field(None, description="Renal biopsy class III or IV lupus nephritis (10).")
    # immunology domains
    antiphospholipid_antibodies: Answer = Field(None, description="aCL (medium/high titre) or anti-β2GPI or lupus "
                                                                  "anticoagulant positive (2).")
    low_c3: Answer = Field(None, description="C3 below the lower limit of normal.")
    low_c4: Answer = Field(None, description="C4 below the lower limit of normal.")
    anti_dsdna: Answer = Field(None, description="Anti-dsDNA in an assay with ≥90% specificity against relevant "
                                                 "disease controls.")
    anti_smith: Answer = Field(None, description="Anti-Smith antibody.")


# --------------------------------------------------------------------------------------------------------------
# LLDAS
# --------------------------------------------------------------------------------------------------------------

#: SLEDAI-2K descriptors that count as activity "in major organ systems (renal, CNS, cardiopulmonary, vasculitis,
#: fever)" for LLDAS criterion 1 (Franklyn 2016 Table 1, verified on ard.bmj.com). The mapping of organ systems
#: to descriptors follows the operationalisations compared in ARD 2022 (Parodis/Oon, verified on ard.bmj.com):
#: renal = casts, haematuria, proteinuria, pyuria; cardiopulmonary = pleurisy, pericarditis; CNS = the seven
#: neuropsychiatric 8-point descriptors. Every 8-point item is excluded by SLEDAI-2K ≤4 anyway.
LLDAS_MAJOR_ORGAN_ITEMS: Final[dict[str, tuple[str, ...]]] = {
    "renal": ("urinary_casts", "haematuria", "proteinuria", "pyuria"),
    "cns": ("seizure", "psychosis", "organic_brain_syndrome", "visual_disturbance", "cranial_nerve_disorder",
            "lupus_headache", "cva"),
    "cardiopulmonary": ("pleurisy", "pericarditis"),
    "vasculitis": ("vasculitis",),
    "fever": ("fever",),
}


class LldasInputs(BaseModel):
    """What the five LLDAS criteria (Franklyn 2016) need, each ``None`` when not assessed.

    Haemolytic anaemia and gastrointestinal activity are not SLEDAI-2K descriptors, so they are separate answers.
    """

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    sledai2k: Sledai2kItems | None = Field(None, description="SLEDAI-2K descriptors at this assessment.")
    haemolytic_anaemia: Answer = Field(None, description="Active haemolytic anaemia attributed to SLE.")
    gastrointestinal_activity: Answer = Field(None, description="Active gastrointestinal lupus.")
    new_activity_since_previous: Answer = Field(None, description="Any new feature of lupus activity compared with "
                                                                  "the previous assessment.")
    physician_global_assessment: float | None = Field(None, ge=0, le=3, description="SELENA-SLEDAI PGA, 0-3.")
    prednisolone_equivalent_mg_day: float | None = Field(None, ge=0, description="Current prednisolone-equivalent "
                                                                                 "dose, mg/day.")
    maintenance_immunosuppression_acceptable: Answer = Field(
        None, description="Only well-tolerated standard maintenance doses of immunosuppressive drugs and approved "
                          "biologics (no investigational drugs).")


# --------------------------------------------------------------------------------------------------------------
# SLE-ITP work-up (protocol 001)
# --------------------------------------------------------------------------------------------------------------


class SleItpWorkup(BaseModel):
    """The findings protocol 001 (NCT06316791) asks of an SLE patient with thrombocytopenia besides the platelet
    counts (which come from the record's labs): "Blood cell morphology of peripheral blood smear was normal. The
    spleen is generally not enlarged; The morphological characteristics of bone marrow cells were megakaryocytic
    increase or normal, accompanied by maturation disorder." Each ``None`` when not assessed.
    Source: protocol NCT06316791 registry text (see `criteria.sle_itp_p001`)."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    smear_normal: Answer = Field(None, description="Peripheral blood smear morphology normal.")
    spleen_enlarged: Answer = Field(None, description="Spleen enlarged (the protocol: 'generally not enlarged').")
    marrow_megakaryocytes_increased_or_normal_with_maturation_disorder: Answer = Field(
        None, description="Bone marrow: megakaryocytes increased or normal, with a maturation disorder.")
