"""Item-level answer models for the rheumatoid-arthritis instruments and protocol 004 facts.

Every model is frozen and rejects unknown keys; ``None`` means *not assessed / not recorded*.

Units are canonical so no conversion happens at the call site:
* CRP in **mg/L** (DAS28-CRP uses mg/L; SDAI needs mg/dL and divides by 10 internally -- a known pitfall,
  see shared/reference/clinical/06_ra.md section 2).
* ESR in mm/h.
* Global assessments on a 0-100 mm visual analogue scale (DAS28 uses mm; CDAI/SDAI use cm = mm / 10).

Models
------
* `JointAssessment28` -- TJC28, SJC28, ESR, CRP, patient and evaluator global (DAS28, CDAI, SDAI).
* `AcrEular2010Items` -- 2010 ACR/EULAR classification (Aletaha D et al. Arthritis Rheum 2010;62:2569-81).
* `AdvancedTherapyFailure`, `DifficultToTreatFacts` -- EULAR difficult-to-treat RA (Nagy G et al. Ann Rheum
  Dis 2021;80:31-35).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from trialscreen.plugins.types import ScoreResult

__all__ = [
    "JointAssessment28",
    "JointAssessment",
    "FunctionalStatusItems",
    "DifficultToTreatItems",
    "SerologyLevel",
    "AcrEular2010Items",
    "AdvancedTherapyFailure",
    "DifficultToTreatFacts",
]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)


class JointAssessment28(_Frozen):
    """One visit's 28-joint assessment and labs. ``None`` = not assessed.

    28 joints: shoulders, elbows, wrists, MCP1-5, PIP1-5 (thumb IP counted as PIP1), knees, both sides.
    """

    tjc28: int | None = Field(None, ge=0, le=28, description="Tender joint count, 28 joints.")
    sjc28: int | None = Field(None, ge=0, le=28, description="Swollen joint count, 28 joints.")
    esr_mm_h: float | None = Field(None, gt=0, description="ESR (Westergren), mm/h; must be > 0 (ln ESR).")
    crp_mg_l: float | None = Field(None, ge=0, description="C-reactive protein, mg/L.")
    patient_global_mm: float | None = Field(
        None, ge=0, le=100, description="Patient global assessment of disease activity / general health, 0-100 mm.")
    evaluator_global_mm: float | None = Field(
        None, ge=0, le=100, description="Evaluator (physician) global assessment of disease activity, 0-100 mm.")


class JointAssessment(JointAssessment28):
    """A visit's joint assessment as recorded (instrument ``ra.joint_assessment``): the 28-joint counts and global
    assessments of `JointAssessment28`, plus the 66/68-joint counts protocol 004 asks for. ESR and CRP may be given
    here for the same visit; the plugin prefers the laboratory results (``labs``) when there are any.

    The 28 joints are a subset of the 66 (swollen) / 68 (tender) joints, so a 28-joint count cannot exceed the
    matching full count.
    """

    tjc68: int | None = Field(None, ge=0, le=68, description="Tender joint count, 68 joints.")
    sjc66: int | None = Field(None, ge=0, le=66, description="Swollen joint count, 66 joints.")

    @model_validator(mode="after")
    def _subset(self) -> JointAssessment:
        for small, big, name in ((self.tjc28, self.tjc68, "tjc28 exceeds tjc68"),
                                 (self.sjc28, self.sjc66, "sjc28 exceeds sjc66")):
            if small is not None and big is not None and small > big:
                raise ValueError(f"{name}: the 28 joints are among the 66/68")
        return self


class FunctionalStatusItems(_Frozen):
    """ACR 1991 revised global functional status (Hochberg MC et al. Arthritis Rheum 1992;35:498-502): whether the
    patient is able to perform usual self-care, vocational and avocational activities without limitation.
    ``None`` = not assessed. (A class 1-4 may instead be entered as the assessment's ``total``.)"""

    self_care_unlimited: bool | None = None
    vocational_unlimited: bool | None = None
    avocational_unlimited: bool | None = None


class DifficultToTreatItems(_Frozen):
    """The investigator-recorded parts of the EULAR difficult-to-treat RA definition (Nagy G et al. Ann Rheum Dis
    2021;80:31-35) that the medication history and scores cannot give (instrument ``ra.d2t``). ``None`` = not
    recorded. csDMARD and b/tsDMARD failures come from the medication history, DAS28-ESR/CDAI from the joint
    assessment, the glucocorticoid dose from the medication history."""

    treated_according_to_eular: bool | None = Field(None, description="Treated according to the EULAR recommendation.")
    csdmard_contraindicated: bool | None = None
    access_restricted_by_socioeconomic_factors: bool | None = None
    signs_or_symptoms_of_active_disease: bool | None = None
    unable_to_taper_glucocorticoid_below_7_5_mg: bool | None = Field(
        None, description="Used only when the current glucocorticoid dose is not known from the medication history.")
    vdh_msharp_progression_1y: float | None = Field(None, description="Change in vdH-modified Sharp score over 1 year.")
    well_controlled_but_symptoms_reduce_qol: bool | None = None
    problematic_for_rheumatologist: bool | None = None
    problematic_for_patient: bool | None = None


SerologyLevel = Literal["negative", "low_positive", "high_positive"]


class AcrEular2010Items(_Frozen):
    """2010 ACR/EULAR RA classification items (Aletaha 2010, Table 3). ``None`` = not assessed.

    Joint involvement is given as counts of involved (swollen or tender) joints by the 2010 definitions;
    ``other_joints`` counts involved joints outside the large/small lists, which count only towards the
    "> 10 joints (at least 1 small joint)" category. Serology: low-positive = > ULN and <= 3 x ULN,
    high-positive = > 3 x ULN. Acute-phase reactants: abnormal by the local laboratory's standard.
    """

    large_joints: int | None = Field(None, ge=0)
    small_joints: int | None = Field(None, ge=0)
    other_joints: int | None = Field(None, ge=0)
    rf: SerologyLevel | None = None
    acpa: SerologyLevel | None = None
    crp_abnormal: bool | None = None
    esr_abnormal: bool | None = None
    symptom_duration_weeks: float | None = Field(None, ge=0, description="Patient-reported duration of synovitis symptoms.")

    # Target population and the alternative route
    definite_synovitis_one_joint: bool | None = Field(
        None, description="At least 1 joint with definite clinical synovitis (swelling).")
    synovitis_better_explained_by_other_disease: bool | None = None
    erosive_disease_typical_of_ra: bool | None = Field(
        None, description="Erosive disease typical of RA with a history compatible with prior fulfilment.")


class AdvancedTherapyFailure(_Frozen):
    """A biological or targeted synthetic DMARD that failed (inefficacy and/or toxicity)."""

    drug: str = Field(min_length=1)
    mechanism: str | None = Field(
        None, description="Mechanism of action as extracted, e.g. 'TNF inhibitor', 'IL-6R', 'CD20', 'CTLA4-Ig', "
                          "'JAK'. None = not recorded.")


class DifficultToTreatFacts(_Frozen):
    """Facts for the EULAR definition of difficult-to-treat RA (Nagy 2021), all three parts.

    Part 1 -- treatment failure; part 2 -- signs suggestive of active/progressive disease (>= 1 of five);
    part 3 -- management perceived as problematic.
    """

    # Part 1
    treated_according_to_eular: bool | None = None
    csdmard_failed: bool | None = None
    csdmard_contraindicated: bool | None = None
    failed_advanced_therapies: tuple[AdvancedTherapyFailure, ...] | None = Field(
        None, description="Failed b/tsDMARDs; None = not extracted, () = none.")
    access_restricted_by_socioeconomic_factors: bool | None = None
    two_mechanisms_failed: bool | None = Field(
        None, description="Whether >= 2 b/tsDMARDs of different mechanisms failed, when decided without the list "
                          "(e.g. from the medication history); used only when failed_advanced_therapies is None.")

    # Part 2
    das28_esr: float | ScoreResult | None = None
    cdai: float | ScoreResult | None = None
    signs_or_symptoms_of_active_disease: bool | None = Field(
        None, description="Signs (incl. acute-phase reactants, imaging) and/or symptoms suggestive of active disease.")
    unable_to_taper_glucocorticoid_below_7_5_mg: bool | None = Field(
        None, description="Inability to taper glucocorticoids below 7.5 mg/day prednisone or equivalent.")
    vdh_msharp_progression_1y: float | None = Field(
        None, description="Change in van der Heijde-modified Sharp score over 1 year (points).")
    well_controlled_but_symptoms_reduce_qol: bool | None = None

    # Part 3
    problematic_for_rheumatologist: bool | None = None
    problematic_for_patient: bool | None = None
