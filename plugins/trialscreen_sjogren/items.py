"""Item-level answer models for the Sjögren's disease instruments and protocol facts.

Every model is frozen and rejects unknown keys (``ConfigDict(frozen=True, extra="forbid", defer_build=True)``).
``None`` always means *not assessed / not recorded*; it is never read as "absent" or "normal".
A scoring function turns ``None`` into bounds (see ``trialscreen.plugins.types.ScoreResult``), and a
criterion function turns it into an unknown outcome that names the missing fact.

Models
------
* `EssdaiItems` -- the 12 ESSDAI domains, each rated at an activity level
  (Seror R et al. Ann Rheum Dis 2010;69:1103-09, Table 3; user guide: Seror R et al. RMD Open
  2015;1:e000022).
* `AcrEular2016Items` -- the 2016 ACR/EULAR classification criteria for primary Sjögren's syndrome
  (Shiboski CH et al. Ann Rheum Dis 2017;76:9-16, Table 3), with the entry (inclusion) questions and
  the exclusion conditions.
* `Aecg2002Items` -- the 2002 American-European Consensus Group criteria (Vitali C et al. Ann Rheum Dis
  2002;61:554-58, Tables 2-3).
* `DrugExposure`, `ConventionalTreatmentFacts` -- the facts protocol 004 ("routine treatment" for
  relapsed/refractory Sjögren's) is read over.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

__all__ = [
    "ACTIVITY_LEVEL_NAMES",
    "EssdaiItems",
    "AcrEular2016Items",
    "Aecg2002Items",
    "DrugExposure",
    "ConventionalTreatmentFacts",
]

#: Activity-level words accepted in place of the integer level (ESSDAI Table 3: No = 0, Low = 1,
#: Moderate = 2, High = 3).
ACTIVITY_LEVEL_NAMES: dict[str, int] = {"no": 0, "none": 0, "low": 1, "moderate": 2, "high": 3}


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)


def _level_from_word(value: Any) -> Any:
    """Map an activity word ("no", "low", "moderate", "high") to its integer level; leave others alone.

    Booleans are rejected explicitly: ``True`` would otherwise pass as level 1.
    """
    if isinstance(value, bool):
        raise ValueError("an activity level must be 0-3 or no/low/moderate/high, not a boolean")
    if isinstance(value, str):
        key = value.strip().lower()
        if key.isdigit():
            return int(key)
        if key not in ACTIVITY_LEVEL_NAMES:
            raise ValueError(f"unknown activity level {value!r}; use no/low/moderate/high or 0-3")
        return ACTIVITY_LEVEL_NAMES[key]
    return value


class EssdaiItems(_Frozen):
    """ESSDAI: one activity level per domain; ``None`` = domain not assessed.

    The allowed levels differ by domain (Seror 2010 Table 3; RMD Open 2015 user guide):
    constitutional, glandular and biological have no "high" level; the CNS domain has no "low" level
    (user-guide CNS table: No = 0, Moderate = 10, High = 15 weighted points). Levels may be given as
    integers or as the words no/low/moderate/high; a word the domain does not allow is rejected.
    Rate *activity* only: stable long-lasting features due to damage score 0 (Table 3 notes).
    """

    constitutional: Literal[0, 1, 2] | None = Field(None, description="No/low/moderate.")
    lymphadenopathy: Literal[0, 1, 2, 3] | None = Field(None, description="High = current malignant B-cell proliferative disorder.")
    glandular: Literal[0, 1, 2] | None = Field(None, description="No/low/moderate (parotid <=3 cm / >3 cm).")
    articular: Literal[0, 1, 2, 3] | None = Field(None, description="Arthralgia+stiffness / 1-5 synovitis of 28 / >=6.")
    cutaneous: Literal[0, 1, 2, 3] | None = None
    pulmonary: Literal[0, 1, 2, 3] | None = None
    renal: Literal[0, 1, 2, 3] | None = None
    muscular: Literal[0, 1, 2, 3] | None = None
    pns: Literal[0, 1, 2, 3] | None = Field(None, description="Peripheral nervous system.")
    cns: Literal[0, 2, 3] | None = Field(None, description="Central nervous system: no 'low' level exists.")
    haematological: Literal[0, 1, 2, 3] | None = None
    biological: Literal[0, 1, 2] | None = Field(None, description="No/low/moderate.")

    @field_validator("*", mode="before")
    @classmethod
    def _words(cls, value: Any) -> Any:
        return _level_from_word(value)


class AcrEular2016Items(_Frozen):
    """2016 ACR/EULAR classification items, entry questions and exclusions (Shiboski 2017, Table 3).

    Measured values are given raw so the thresholds are applied here, inclusively as published:
    focus score >= 1 focus/4 mm2; OSS >= 5 or van Bijsterveld >= 4 in at least one eye; Schirmer <= 5 mm/5 min
    in at least one eye; unstimulated whole saliva <= 0.1 mL/min. Give the *worst* eye (highest staining
    score, lowest Schirmer). Patients on anticholinergic drugs should be tested after a sufficient wash-out
    (Table 3 footnote); that is the investigator's responsibility and is not checked here.
    """

    # Weighted items
    labial_gland_focus_score: float | None = Field(
        None, ge=0, description="Focus score (foci/4 mm2) of focal lymphocytic sialadenitis; 0 if no FLS.")
    anti_ssa_ro: bool | None = Field(None, description="Anti-SSA/Ro antibody positive.")
    ocular_staining_score: float | None = Field(None, ge=0, description="Highest OSS of either eye.")
    van_bijsterveld_score: float | None = Field(None, ge=0, description="Highest van Bijsterveld score of either eye.")
    schirmer_mm_5min: float | None = Field(None, ge=0, description="Lowest Schirmer I result of either eye (mm/5 min).")
    unstimulated_whole_saliva_ml_min: float | None = Field(None, ge=0, description="Unstimulated whole saliva flow (mL/min).")

    # Entry criterion: >=1 dryness symptom question, or suspicion from the ESSDAI questionnaire
    dry_eyes_over_3_months: bool | None = None
    sand_or_gravel_sensation: bool | None = None
    tear_substitutes_over_3_per_day: bool | None = None
    dry_mouth_over_3_months: bool | None = None
    drinks_liquids_to_swallow_dry_food: bool | None = None
    essdai_domain_positive: bool | None = Field(
        None, description="Suspicion of SS from the ESSDAI questionnaire (at least one domain with a positive item).")

    # Exclusions (prior diagnosis of any)
    head_neck_radiation: bool | None = None
    active_hcv_pcr_confirmed: bool | None = None
    aids: bool | None = None
    sarcoidosis: bool | None = None
    amyloidosis: bool | None = None
    graft_versus_host_disease: bool | None = None
    igg4_related_disease: bool | None = None


class Aecg2002Items(_Frozen):
    """2002 AECG items I-VI and exclusions (Vitali 2002, Tables 2-3).

    I ocular symptoms and II oral symptoms are the investigator's reading of the three questions each
    (a positive answer to at least one). III ocular signs: Schirmer I without anaesthesia <= 5 mm in 5 min, or
    rose bengal / other ocular dye score >= 4 (van Bijsterveld). IV histopathology: focus score >= 1.
    V salivary gland involvement: unstimulated whole salivary flow <= 1.5 mL in 15 min, or diffuse sialectasis
    on parotid sialography, or abnormal salivary scintigraphy. VI autoantibodies: anti-Ro/SSA or anti-La/SSB.
    """

    ocular_symptoms: bool | None = Field(None, description="Item I.")
    oral_symptoms: bool | None = Field(None, description="Item II.")
    schirmer_mm_5min: float | None = Field(None, ge=0, description="Item III (lowest eye).")
    rose_bengal_van_bijsterveld: float | None = Field(None, ge=0, description="Item III (highest eye).")
    focus_score: float | None = Field(None, ge=0, description="Item IV (foci/4 mm2).")
    unstimulated_whole_salivary_flow_ml_15min: float | None = Field(None, ge=0, description="Item V.")
    parotid_sialography_diffuse_sialectasis: bool | None = Field(None, description="Item V.")
    salivary_scintigraphy_abnormal: bool | None = Field(None, description="Item V.")
    anti_ro_ssa: bool | None = Field(None, description="Item VI.")
    anti_la_ssb: bool | None = Field(None, description="Item VI.")

    # Exclusions as printed in the stored copy of Vitali 2002 Table 3 (see criteria.aecg_2002 TODO on
    # sarcoidosis).
    head_neck_radiation: bool | None = None
    hepatitis_c: bool | None = None
    aids: bool | None = None
    pre_existing_lymphoma: bool | None = None
    graft_versus_host_disease: bool | None = None
    anticholinergic_drugs_recent: bool | None = Field(
        None, description="Use of anticholinergic drugs since a time shorter than 4-fold the drug's half-life.")


class DrugExposure(_Frozen):
    """One drug the patient received, as extracted from the record."""

    name: str = Field(min_length=1, description="Drug name as recorded (generic or brand).")
    months: float | None = Field(None, ge=0, description="Cumulative duration of use in months; None = unknown.")


class ConventionalTreatmentFacts(_Frozen):
    """Facts for protocol 004's "ineffective conventional treatment or relapse" (Sjögren's arm).

    ``glucocorticoid_max_mg_per_kg_day`` is the highest prednisone-equivalent daily dose per kg documented;
    ``immunomodulators`` lists the other drugs with their cumulative duration.
    """

    glucocorticoid_max_mg_per_kg_day: float | None = Field(None, ge=0)
    glucocorticoid_above_1_mg_per_kg_day: bool | None = Field(
        None, description="Whether a documented glucocorticoid dose was above 1 mg/kg/day prednisone-equivalent, when "
                          "decided without the maximum dose itself (e.g. from the medication history); used only when "
                          "glucocorticoid_max_mg_per_kg_day is None.")
    cyclophosphamide_used: bool | None = None
    immunomodulators: tuple[DrugExposure, ...] | None = Field(
        None, description="None = treatment history not extracted; () = none received.")
    conventional_treatment_ineffective: bool | None = None
    relapse_after_remission: bool | None = None
