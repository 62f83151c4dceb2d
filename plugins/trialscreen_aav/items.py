"""Item-level input models and item catalogues for the ANCA-associated vasculitis (GPA, MPA) plugin.

Every answer is ``bool | None``: ``True`` present, ``False`` assessed and absent, ``None`` not assessed. All models
are frozen pydantic v2 models that reject unknown fields.

Contents
--------
* BVAS version 3 (Mukhtyar C, Lee R, Brown D, et al. Modification and validation of the Birmingham Vasculitis
  Activity Score (version 3). Ann Rheum Dis 2009;68:1827-32): the 56 items in 9 organ sections
  (:class:`BvasV3Items`) and the item/section catalogue with the *persistent* and *new/worse* values
  (:data:`BVAS_V3_ITEMS`, :data:`BVAS_V3_SECTIONS`). Values not confirmed against a primary copy are ``None``
  (see the TODO list below) and are never guessed.
* 2022 ACR/EULAR classification criteria for GPA (Robson JC, Grayson PC, Ponte C, et al. Ann Rheum Dis
  2022;81:315-20) and MPA (Suppiah R, Robson JC, Grayson PC, et al. Ann Rheum Dis 2022;81:321-6): one shared
  fact model (:class:`AavClassificationItems`) and the two weight tables.
* Chapel Hill 2012 nomenclature as a recorded diagnosis (:class:`Chcc2012Diagnosis`; Jennette JC, Falk RJ,
  Bacon PA, et al. 2012 Revised International Chapel Hill Consensus Conference Nomenclature of Vasculitides.
  Arthritis Rheum 2013;65:1-11).
* Dated ANCA results (:class:`AncaResult`) and dated BVAS visits with the glucocorticoid dose
  (:class:`BvasVisit`) for the protocol-002 relapse / refractory definitions.

Verification of the BVAS v3 numbers (done for this module)
----------------------------------------------------------
Item names of all 9 sections: the official BVAS v3 form (copy at info.5y1.org "Birmingham Vasculitis Activity
Score (version 3)") and the NDORMS online calculator (golem.ndorms.ox.ac.uk/calculators/bvas.html) — both list the
same 56 items.

Values confirmed in a copy of the official BVAS v3 glossary/scoring sheet (per section, with every copy seen):
  * Section 1 General (max persistent 2 / new-worse 3) and its 4 items — "Rules for scoring BVAS" sheet (scribd
    document 440291786 "BVAS") AND the mdapp.co BVAS v3 calculator page (its table opens with "1. General | Max
    persistent 2 | Max New/Worse 3", myalgia 1/1, arthralgia/arthritis persistent 1): two copies agree on the
    maxima, myalgia and arthralgia; fever and weight loss are in the scribd sheet only.
  * Section 2 Cutaneous (max 3/6) and its 5 items; section 3 Mucous membranes/eyes (max 3/6) and its first 5 items
    — scribd "Rules for scoring BVAS" sheet.
  * Section 5 Chest: pleural effusion/pleurisy 2/4, infiltrate 2/4, endobronchial involvement 2/4, massive
    haemoptysis/alveolar haemorrhage 4/6, respiratory failure 4/6; section 6 Cardiovascular (max 3/6) and all 6
    items — "Glossary and scoring for BVAS 2003" (yumpu document 53039439, page 2; BVAS 2003 is the draft
    validated as version 3 in Mukhtyar 2009).
  * Totals: persistent 0-33, new/worse 0-63 (mdapp.co BVAS v3 calculator page) — used as the bound of the
    sections whose maxima are not confirmed, and as the check the completed table must meet.
  * Corroboration only (not counted as a copy of the official table): a third-party French BVAS calculator (a
    Vue.js component "Vascularite - BVAS" in a public repository) agrees with every value above EXCEPT massive
    haemoptysis/alveolar haemorrhage and respiratory failure, which it scores 3 persistent (4 above; new/worse 6
    in both). It is not a faithful copy: its persistent section maxima add up to 35, not the confirmed 33, and it
    gives creatinine bands 2/4, 3/6, 4/8 and abdominal maxima 6/9.

Second verification pass (two agreeing copies required for every new cell): no TODO cell below could be filled.
The stored copies of the full official table (mdapp.co calculator page, scribd 440291786, the NDORMS calculator
golem.ndorms.ox.ac.uk/calculators/bvas.html, the Oxford BVAS/VDI training manual v8.1 at vdocuments.us, the
yumpu glossary) are readable only up to their first ~2,000 characters, which end before section 3 item 6 (scribd),
inside section 1 (mdapp), before any value (NDORMS, training manual, info.5y1 form), or start at chest item 3
(yumpu page 2). The only copy that shows the TODO cells is the French calculator above, and one copy is not two.

TODO (BVAS v3 values NOT confirmed by two agreeing copies; deliberately left ``None``, never guessed):
  * section 3: conjunctivitis/blepharitis/keratitis, blurred vision, sudden visual loss, uveitis, retinal changes;
  * section 4 ENT: all 5 item values and the section maxima;
  * section 5 Chest: wheeze, nodules or cavities, and the section maxima (and resolve the persistent value of
    massive haemoptysis and respiratory failure: 4 in the yumpu glossary, 3 in the French calculator);
  * section 7 Abdominal, section 8 Renal, section 9 Nervous system: all item values and the section maxima.
  The project notes list candidate values for these (UNVERIFIED); the French calculator disagrees with them in
  several cells (ENT nasal item, abdominal, creatinine bands, the two chest items above), so neither was used.
  Obtain the official NDORMS glossary PDF (or a second full copy of the table) and fill these cells; the sums of
  the section maxima must then be 33 and 63 (tests/disease/test_aav_bvas_values.py checks this). Until then a
  BVAS with a present (or unanswered) item in one of these cells has no total, only bounds (``scores.bvas_v3``).

"Major" items
-------------
BVAS v3 itself does not label items "major". The "at least one major item or at least three other (minor) items"
rule comes from the EULAR/EUVAS activity-state definitions (Hellmich B, Flossmann O, Gross WL, et al. EULAR
recommendations for conducting clinical studies and/or clinical trials in systemic vasculitis. Ann Rheum Dis
2007;66:605-17, Table 2 — confirmed: "chronic, persistent disease defined as presence of at least one major or
three minor items on the disease activity score list (eg, BVAS or BVAS/WG)"), and the major/minor labels
themselves from BVAS/WG (Stone JH, Hoffman GS, Merkel PA, et al. Arthritis Rheum 2001;44:912-20 — confirmed only
that items are weighted "minor (e.g. nasal crusting = 1 point) or major (e.g. alveolar haemorrhage = 3
points)"). The BVAS/WG item-by-item major list was NOT confirmed, and BVAS/WG items do not map one-to-one onto
BVAS v3 items, so :data:`BVAS_MAJOR_ITEMS_VERIFIED` is empty (TODO). Callers (rulesets) pass the list their
protocol committee adopts; see ``criteria.bvas_major_or_three_other``.
"""

from __future__ import annotations

import datetime as dt
from enum import Enum
from typing import Literal, NamedTuple

from pydantic import BaseModel, ConfigDict, Field

_FROZEN = ConfigDict(frozen=True, extra="forbid", defer_build=True)


# ---------------------------------------------------------------------------
# BVAS version 3
# ---------------------------------------------------------------------------


class BvasSection(NamedTuple):
    """One BVAS v3 organ section; maxima are ``None`` where not confirmed (see module TODO)."""

    key: str
    label: str
    max_persistent: int | None
    max_new_worse: int | None


class BvasItem(NamedTuple):
    """One BVAS v3 item with its two values; ``None`` where the value was not confirmed (module TODO).

    ``new_worse_only`` marks items the form stars as "not compatible with persistent disease"; it is ``None``
    where the star was not confirmed. ``first_assessment_only`` marks the serum-creatinine bands ("can only be
    scored on the first assessment" — on the official form).
    """

    key: str
    section: str
    label: str
    persistent: int | None
    new_worse: int | None
    new_worse_only: bool | None = False
    first_assessment_only: bool = False


BVAS_V3_SECTIONS: tuple[BvasSection, ...] = (
    BvasSection("general", "1. General", 2, 3),  # scribd sheet + mdapp.co table (two copies)
    BvasSection("cutaneous", "2. Cutaneous", 3, 6),  # scribd sheet
    BvasSection("mucous_membranes_eyes", "3. Mucous membranes / eyes", 3, 6),  # scribd sheet
    BvasSection("ent", "4. ENT", None, None),  # TODO: no two copies
    BvasSection("chest", "5. Chest", None, None),  # TODO: no two copies (on yumpu page 1, not stored)
    BvasSection("cardiovascular", "6. Cardiovascular", 3, 6),  # yumpu glossary p.2
    BvasSection("abdominal", "7. Abdominal", None, None),  # TODO: no two copies
    BvasSection("renal", "8. Renal", None, None),  # TODO: no two copies
    BvasSection("nervous_system", "9. Nervous system", None, None),  # TODO: no two copies
)

#: Confirmed totals (mdapp.co BVAS v3 page: "Persistent scores can range from 0 to 33 whilst the New/Worse
#: scores can range from 0 to 63").
BVAS_V3_MAX_PERSISTENT = 33
BVAS_V3_MAX_NEW_WORSE = 63

BVAS_V3_ITEMS: tuple[BvasItem, ...] = (
    # 1. General — scribd "Rules for scoring BVAS" + mdapp.co table opening (maxima, myalgia, arthralgia)
    BvasItem("myalgia", "general", "Myalgia", 1, 1),
    BvasItem("arthralgia_arthritis", "general", "Arthralgia / arthritis", 1, 1),
    BvasItem("fever", "general", "Fever >=38 C (rectal >=38.5 C)", 2, 2),
    BvasItem("weight_loss", "general", "Weight loss >=2 kg", 2, 2),
    # 2. Cutaneous — scribd "Rules for scoring BVAS" (French calculator agrees)
    BvasItem("infarct", "cutaneous", "Infarct", 1, 2),
    BvasItem("purpura", "cutaneous", "Purpura", 1, 2),
    BvasItem("ulcer", "cutaneous", "Ulcer", 1, 4),
    BvasItem("gangrene", "cutaneous", "Gangrene", 2, 6),
    BvasItem("other_skin_vasculitis", "cutaneous", "Other skin vasculitis", 1, 2),
    # 3. Mucous membranes / eyes — maxima and first five: scribd (French calculator agrees); the rest TODO
    BvasItem("mouth_ulcers_granulomata", "mucous_membranes_eyes", "Mouth ulcers / granulomata", 1, 2),
    BvasItem("genital_ulcers", "mucous_membranes_eyes", "Genital ulcers", 1, 1),
    BvasItem("adnexal_inflammation", "mucous_membranes_eyes", "Adnexal inflammation", 2, 4),
    BvasItem("significant_proptosis", "mucous_membranes_eyes", "Significant proptosis", 2, 4),
    BvasItem("scleritis_episcleritis", "mucous_membranes_eyes", "Scleritis / episcleritis", 1, 2),
    BvasItem("conjunctivitis_blepharitis_keratitis", "mucous_membranes_eyes",
             "Conjunctivitis / blepharitis / keratitis", None, None, None),
    BvasItem("blurred_vision", "mucous_membranes_eyes", "Blurred vision", None, None, None),
    BvasItem("sudden_visual_loss", "mucous_membranes_eyes", "Sudden visual loss", None, None, None),
    BvasItem("uveitis", "mucous_membranes_eyes", "Uveitis", None, None, None),
    BvasItem("retinal_changes", "mucous_membranes_eyes",
             "Retinal changes (vasculitis / thrombosis / exudate / haemorrhage)", None, None, None),
    # 4. ENT — TODO (no copy of the table readable past section 3; French calculator only)
    BvasItem("bloody_nasal_discharge_crusts_ulcers_granulomata", "ent",
             "Bloody nasal discharge / crusts / ulcers / granulomata", None, None, None),
    BvasItem("paranasal_sinus_involvement", "ent", "Paranasal sinus involvement", None, None, None),
    BvasItem("subglottic_stenosis", "ent", "Subglottic stenosis", None, None, None),
    BvasItem("conductive_hearing_loss", "ent", "Conductive hearing loss", None, None, None),
    BvasItem("sensorineural_hearing_loss", "ent", "Sensorineural hearing loss", None, None, None),
    # 5. Chest — five items: yumpu "Glossary and scoring for BVAS 2003" p.2 (page starts at pleural effusion);
    # wheeze, nodules and the section maxima TODO. Haemoptysis/respiratory failure persistent 4 is disputed by
    # the French calculator (3): resolve together with the chest maxima.
    BvasItem("wheeze", "chest", "Wheeze", None, None, None),
    BvasItem("nodules_or_cavities", "chest", "Nodules or cavities", None, None, None),
    BvasItem("pleural_effusion_pleurisy", "chest", "Pleural effusion / pleurisy", 2, 4),
    BvasItem("infiltrate", "chest", "Infiltrate", 2, 4),
    BvasItem("endobronchial_involvement", "chest", "Endobronchial involvement", 2, 4),
    BvasItem("massive_haemoptysis_alveolar_haemorrhage", "chest",
             "Massive haemoptysis / alveolar haemorrhage", 4, 6),
    BvasItem("respiratory_failure", "chest", "Respiratory failure", 4, 6),
    # 6. Cardiovascular — yumpu glossary p.2 (French calculator agrees)
    BvasItem("loss_of_pulses", "cardiovascular", "Loss of pulses", 1, 4),
    BvasItem("valvular_heart_disease", "cardiovascular", "Valvular heart disease", 2, 4),
    BvasItem("pericarditis", "cardiovascular", "Pericarditis", 1, 3),
    BvasItem("ischaemic_cardiac_pain", "cardiovascular", "Ischaemic cardiac pain", 2, 4),
    BvasItem("cardiomyopathy", "cardiovascular", "Cardiomyopathy", 3, 6),
    BvasItem("congestive_cardiac_failure", "cardiovascular", "Congestive cardiac failure", 3, 6),
    # 7. Abdominal — TODO (yumpu p.2 excerpt ends at "7. Ab"; French calculator only)
    BvasItem("peritonitis", "abdominal", "Peritonitis", None, None, None),
    BvasItem("bloody_diarrhoea", "abdominal", "Bloody diarrhoea", None, None, None),
    BvasItem("ischaemic_abdominal_pain", "abdominal", "Ischaemic abdominal pain", None, None, None),
    # 8. Renal — TODO (item names and the first-assessment rule for the creatinine bands are on the form)
    BvasItem("hypertension", "renal", "Hypertension", None, None, None),
    BvasItem("proteinuria", "renal", "Proteinuria >1+", None, None, None),
    BvasItem("haematuria", "renal", "Haematuria >=10 RBCs/hpf", None, None, None),
    BvasItem("creatinine_125_249", "renal", "Serum creatinine 125-249 umol/L", None, None, None, True),
    BvasItem("creatinine_250_499", "renal", "Serum creatinine 250-499 umol/L", None, None, None, True),
    BvasItem("creatinine_ge_500", "renal", "Serum creatinine >=500 umol/L", None, None, None, True),
    BvasItem("creatinine_rise", "renal",
             "Rise in serum creatinine >30% or fall in creatinine clearance >25%", None, None, None),
    # 9. Nervous system — TODO (French calculator only)
    BvasItem("headache", "nervous_system", "Headache", None, None, None),
    BvasItem("meningitis", "nervous_system", "Meningitis", None, None, None),
    BvasItem("organic_confusion", "nervous_system", "Organic confusion", None, None, None),
    BvasItem("seizures", "nervous_system", "Seizures (not hypertensive)", None, None, None),
    BvasItem("cerebrovascular_accident", "nervous_system", "Cerebrovascular accident", None, None, None),
    BvasItem("spinal_cord_lesion", "nervous_system", "Spinal cord lesion", None, None, None),
    BvasItem("cranial_nerve_palsy", "nervous_system", "Cranial nerve palsy", None, None, None),
    BvasItem("sensory_peripheral_neuropathy", "nervous_system", "Sensory peripheral neuropathy", None, None, None),
    BvasItem("mononeuritis_multiplex", "nervous_system", "Motor mononeuritis multiplex", None, None, None),
)

BVAS_V3_ITEM_BY_KEY: dict[str, BvasItem] = {item.key: item for item in BVAS_V3_ITEMS}
BVAS_V3_SECTION_BY_KEY: dict[str, BvasSection] = {section.key: section for section in BVAS_V3_SECTIONS}

#: TODO: the BVAS/WG major-item list (Stone 2001) was not confirmed against a primary copy, and BVAS/WG items do
#: not map one-to-one onto BVAS v3 items. Empty on purpose; pass the protocol's list explicitly.
BVAS_MAJOR_ITEMS_VERIFIED: frozenset[str] = frozenset()


class BvasV3Items(BaseModel):
    """Item-level BVAS v3 answers for one assessment (56 items, 9 sections).

    ``persistent``: the form's "PERSISTENT" box — ticked only if *all* abnormalities are due to persistent
    disease (active vasculitis that is not new/worse in the prior 4 weeks); then the persistent column is used,
    otherwise the new/worse column. ``first_assessment``: "Is this the patient's first assessment?" — the serum
    creatinine bands are scored only on the first assessment.
    """

    model_config = _FROZEN

    persistent: bool | None = None
    first_assessment: bool | None = None

    # 1. General
    myalgia: bool | None = None
    arthralgia_arthritis: bool | None = None
    fever: bool | None = None
    weight_loss: bool | None = None
    # 2. Cutaneous
    infarct: bool | None = None
    purpura: bool | None = None
    ulcer: bool | None = None
    gangrene: bool | None = None
    other_skin_vasculitis: bool | None = None
    # 3. Mucous membranes / eyes
    mouth_ulcers_granulomata: bool | None = None
    genital_ulcers: bool | None = None
    adnexal_inflammation: bool | None = None
    significant_proptosis: bool | None = None
    scleritis_episcleritis: bool | None = None
    conjunctivitis_blepharitis_keratitis: bool | None = None
    blurred_vision: bool | None = None
    sudden_visual_loss: bool | None = None
    uveitis: bool | None = None
    retinal_changes: bool | None = None
    # 4. ENT
    bloody_nasal_discharge_crusts_ulcers_granulomata: bool | None = None
    paranasal_sinus_involvement: bool | None = None
    subglottic_stenosis: bool | None = None
    conductive_hearing_loss: bool | None = None
    sensorineural_hearing_loss: bool | None = None
    # 5. Chest
    wheeze: bool | None = None
    nodules_or_cavities: bool | None = None
    pleural_effusion_pleurisy: bool | None = None
    infiltrate: bool | None = None
    endobronchial_involvement: bool | None = None
    massive_haemoptysis_alveolar_haemorrhage: bool | None = None
    respiratory_failure: bool | None = None
    # 6. Cardiovascular
    loss_of_pulses: bool | None = None
    valvular_heart_disease: bool | None = None
    pericarditis: bool | None = None
    ischaemic_cardiac_pain: bool | None = None
    cardiomyopathy: bool | None = None
    congestive_cardiac_failure: bool | None = None
    # 7. Abdominal
    peritonitis: bool | None = None
    bloody_diarrhoea: bool | None = None
    ischaemic_abdominal_pain: bool | None = None
    # 8. Renal
    hypertension: bool | None = None
    proteinuria: bool | None = None
    haematuria: bool | None = None
    creatinine_125_249: bool | None = None
    creatinine_250_499: bool | None = None
    creatinine_ge_500: bool | None = None
    creatinine_rise: bool | None = None
    # 9. Nervous system
    headache: bool | None = None
    meningitis: bool | None = None
    organic_confusion: bool | None = None
    seizures: bool | None = None
    cerebrovascular_accident: bool | None = None
    spinal_cord_lesion: bool | None = None
    cranial_nerve_palsy: bool | None = None
    sensory_peripheral_neuropathy: bool | None = None
    mononeuritis_multiplex: bool | None = None

    @classmethod
    def none_present(cls, **overrides: bool | None) -> BvasV3Items:
        """Every item assessed and absent (``False``), then ``overrides`` applied — convenience for callers."""
        values: dict[str, bool | None] = {item.key: False for item in BVAS_V3_ITEMS}
        values.update(overrides)
        return cls(**values)


assert len(BVAS_V3_ITEMS) == 56
assert set(BVAS_V3_ITEM_BY_KEY) == set(BvasV3Items.model_fields) - {"persistent", "first_assessment"}


# ---------------------------------------------------------------------------
# 2022 ACR/EULAR GPA and MPA classification criteria
# ---------------------------------------------------------------------------


class AavClassificationItems(BaseModel):
    """Facts for the 2022 ACR/EULAR GPA and MPA criteria (one model; each criterion uses its own subset).

    The criteria apply only when a diagnosis of small- or medium-vessel vasculitis has been made and mimics have
    been excluded (``entry_small_or_medium_vessel_vasculitis``).
    """

    model_config = _FROZEN

    entry_small_or_medium_vessel_vasculitis: bool | None = None
    # clinical
    nasal_involvement: bool | None = Field(
        None, description="Bloody discharge, ulcers, crusting, congestion, blockage, or septal defect/perforation")
    cartilaginous_involvement: bool | None = Field(
        None, description="Ear/nose cartilage inflammation, hoarse voice or stridor, endobronchial involvement, "
                          "or saddle-nose deformity")
    hearing_loss: bool | None = Field(None, description="Conductive or sensorineural hearing loss")
    # laboratory, imaging and biopsy
    canca_or_anti_pr3_positive: bool | None = None
    panca_or_anti_mpo_positive: bool | None = None
    pulmonary_nodules_mass_or_cavitation: bool | None = Field(None, description="On chest imaging")
    granuloma_or_giant_cells_on_biopsy: bool | None = Field(
        None, description="Granuloma, extravascular granulomatous inflammation, or giant cells on biopsy")
    sinus_inflammation_or_mastoiditis_on_imaging: bool | None = Field(
        None, description="Inflammation, consolidation, or effusion of the nasal/paranasal sinuses, or "
                          "mastoiditis, on imaging")
    pauci_immune_glomerulonephritis: bool | None = Field(None, description="On biopsy")
    fibrosis_or_ild_on_chest_imaging: bool | None = None
    eosinophils_ge_1e9_per_l: bool | None = Field(None, description="Blood eosinophil count >=1 x 10^9/L")


#: Robson 2022 (GPA); weights confirmed in the project notes (BMJ Best Practice, RheumNow, Bristol abstract agree).
GPA_2022_WEIGHTS: dict[str, int] = {
    "nasal_involvement": 3,
    "cartilaginous_involvement": 2,
    "hearing_loss": 1,
    "canca_or_anti_pr3_positive": 5,
    "pulmonary_nodules_mass_or_cavitation": 2,
    "granuloma_or_giant_cells_on_biopsy": 2,
    "sinus_inflammation_or_mastoiditis_on_imaging": 1,
    "pauci_immune_glomerulonephritis": 1,
    "panca_or_anti_mpo_positive": -1,
    "eosinophils_ge_1e9_per_l": -4,
}

#: Suppiah 2022 (MPA); weights confirmed in the project notes (RheumNow, rheumatv, pathway.md agree).
MPA_2022_WEIGHTS: dict[str, int] = {
    "panca_or_anti_mpo_positive": 6,
    "fibrosis_or_ild_on_chest_imaging": 3,
    "pauci_immune_glomerulonephritis": 3,
    "nasal_involvement": -3,
    "canca_or_anti_pr3_positive": -1,
    "eosinophils_ge_1e9_per_l": -4,
}

#: Both criteria: "classify as GPA/MPA if the total score is >=5".
AAV_2022_THRESHOLD = 5


# ---------------------------------------------------------------------------
# Chapel Hill 2012, ANCA results, BVAS visits
# ---------------------------------------------------------------------------


class Chcc2012Diagnosis(str, Enum):
    """A recorded diagnosis named by the 2012 Chapel Hill nomenclature (Jennette 2013)."""

    GPA = "GPA"  # granulomatosis with polyangiitis (Wegener's)
    MPA = "MPA"  # microscopic polyangiitis
    EGPA = "EGPA"  # eosinophilic granulomatosis with polyangiitis (Churg-Strauss)
    SINGLE_ORGAN_AAV = "single_organ_aav"  # e.g. renal-limited AAV
    OTHER_VASCULITIS = "other_vasculitis"  # any non-AAV category of the nomenclature


class AncaResult(BaseModel):
    """One dated antigen-specific ANCA result (ELISA / immunoassay)."""

    model_config = _FROZEN

    antigen: Literal["PR3", "MPO"]
    date: dt.date
    result: Literal["positive", "negative", "indeterminate"]
    value: float | None = None
    unit: str | None = None


class BvasVisit(BaseModel):
    """One dated BVAS v3 assessment with the glucocorticoid dose in force on that day.

    Give item-level ``items`` whenever possible; ``bvas_total`` is a total entered without items (it can say
    "BVAS 0" but cannot say which items are major/other). ``prednisone_mg_per_day`` is the prednisone-equivalent
    dose (convert other glucocorticoids with the core plugin's equivalence table before building the visit).
    """

    model_config = _FROZEN

    date: dt.date
    items: BvasV3Items | None = None
    bvas_total: float | None = Field(None, ge=0)
    prednisone_mg_per_day: float | None = Field(None, ge=0)
