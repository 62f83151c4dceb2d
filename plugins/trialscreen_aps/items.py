"""Item-level answer models for antiphospholipid syndrome classification: the 2023 ACR/EULAR criteria and the 2006
revised Sapporo (Sydney) criteria.

Every answer is ``bool | None`` (present / absent / not assessed). Whether a clinical criterion has "an equally or
more likely explanation than APS" (2023) is the caller's judgement, made before answering.

Sources:
* Barbhaiya M, Zuily S, Naden R, et al. 2023 ACR/EULAR antiphospholipid syndrome classification criteria.
  Arthritis Rheumatol 2023;75:1687-1702 (DOI 10.1002/art.42624 verified; the volume/pages were not seen in a
  source here) = Ann Rheum Dis 2023;82:1258-70 (verified, DOI 10.1136/ard-2023-224609).
* Miyakis S, Lockshin MD, Atsumi T, et al. International consensus statement on an update of the classification
  criteria for definite antiphospholipid syndrome (APS). J Thromb Haemost 2006;4:295-306.
"""

from __future__ import annotations

from typing import Final, Literal

from pydantic import BaseModel, ConfigDict, Field

Answer = bool | None

Aps2023Domain = Literal[
    "D1_macrovascular_vte", "D2_macrovascular_arterial", "D3_microvascular", "D4_obstetric", "D5_cardiac_valve",
    "D6_haematology", "D7_lupus_anticoagulant", "D8_acl_ab2gpi_elisa",
]

#: Criterion -> (domain, weight, clinical?). Barbhaiya 2023, the criteria table. All weights verified against
#: three copies of the table: ASH-SAP (ash-sap.org/view-large/12526482), ASH publications
#: (ashpublications.net/view-large/12162038) and World J Rheumatol 2025;12:103837 Table 1; project notes
#: 07_aps.md §1 (VERIFIED).
APS2023_CRITERIA: Final[dict[str, tuple[Aps2023Domain, int, bool]]] = {
    "vte_with_high_risk_profile": ("D1_macrovascular_vte", 1, True),
    "vte_without_high_risk_profile": ("D1_macrovascular_vte", 3, True),
    "arterial_thrombosis_with_high_risk_cvd_profile": ("D2_macrovascular_arterial", 2, True),
    "arterial_thrombosis_without_high_risk_cvd_profile": ("D2_macrovascular_arterial", 4, True),
    "microvascular_suspected": ("D3_microvascular", 2, True),
    "microvascular_established": ("D3_microvascular", 5, True),
    "obstetric_three_early_losses": ("D4_obstetric", 1, True),
    "obstetric_fetal_death_16_to_34_weeks": ("D4_obstetric", 1, True),
    "obstetric_severe_preeclampsia_or_placental_insufficiency": ("D4_obstetric", 3, True),
    "obstetric_severe_preeclampsia_and_placental_insufficiency": ("D4_obstetric", 4, True),
    "cardiac_valve_thickening": ("D5_cardiac_valve", 2, True),
    "cardiac_valve_vegetation": ("D5_cardiac_valve", 4, True),
    "thrombocytopenia_20_to_130": ("D6_haematology", 2, True),
    "lupus_anticoagulant_single": ("D7_lupus_anticoagulant", 1, False),
    "lupus_anticoagulant_persistent": ("D7_lupus_anticoagulant", 5, False),
    "elisa_moderate_or_high_igm": ("D8_acl_ab2gpi_elisa", 1, False),
    "elisa_moderate_igg": ("D8_acl_ab2gpi_elisa", 4, False),
    "elisa_high_igg_acl_or_ab2gpi": ("D8_acl_ab2gpi_elisa", 5, False),
    "elisa_high_igg_acl_and_ab2gpi": ("D8_acl_ab2gpi_elisa", 7, False),
}


class Aps2023Items(BaseModel):
    """Answers for the 2023 ACR/EULAR APS classification criteria (Barbhaiya 2023).

    The entry criterion is at least one clinical criterion (domains 1-6) plus a positive aPL test (lupus
    anticoagulant, or moderate-to-high titre aCL or anti-β2GPI IgG/IgM) within 3 years of the clinical criterion.
    The clinical half is derived from the clinical answers; the timing is `apl_positive_within_3_years`.
    High-risk VTE / CVD profiles are defined in the paper (not reproduced here): the caller decides which VTE or
    arterial-thrombosis item applies.
    """

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    apl_positive_within_3_years: Answer = Field(
        None, description="A positive aPL test (LAC, or moderate-to-high aCL or anti-β2GPI IgG/IgM) within 3 years "
                          "of a clinical criterion.")
    # D1-D6 clinical
    vte_with_high_risk_profile: Answer = Field(None, description="VTE with a high-risk VTE profile (1).")
    vte_without_high_risk_profile: Answer = Field(None, description="VTE without a high-risk VTE profile (3).")
    arterial_thrombosis_with_high_risk_cvd_profile: Answer = Field(None, description="AT with high-risk CVD profile (2).")
    arterial_thrombosis_without_high_risk_cvd_profile: Answer = Field(None, description="AT without high-risk CVD "
                                                                                        "profile (4).")
    microvascular_suspected: Answer = Field(None, description="Suspected: livedo racemosa, livedoid vasculopathy "
                                                              "lesions, acute/chronic aPL-nephropathy, or pulmonary "
                                                              "haemorrhage, on clinical grounds (2).")
    microvascular_established: Answer = Field(None, description="Established by pathology/imaging: livedoid "
                                                                "vasculopathy, aPL-nephropathy, pulmonary haemorrhage, "
                                                                "myocardial disease, adrenal haemorrhage (5).")
    obstetric_three_early_losses: Answer = Field(None, description="≥3 consecutive pre-embryonic/embryonic losses "
                                                                   "(<10 w) and/or early fetal deaths (10w0d-15w6d) (1).")
    obstetric_fetal_death_16_to_34_weeks: Answer = Field(None, description="Fetal death 16w0d-33w6d without severe "
                                                                           "pre-eclampsia or placental insufficiency "
                                                                           "with severe features (1).")
    obstetric_severe_preeclampsia_or_placental_insufficiency: Answer = Field(
        None, description="Pre-eclampsia with severe features or placental insufficiency with severe features "
                          "(<34w0d), with or without fetal death (3).")
    obstetric_severe_preeclampsia_and_placental_insufficiency: Answer = Field(
        None, description="Pre-eclampsia with severe features and placental insufficiency with severe features "
                          "(<34w0d), with or without fetal death (4).")
    cardiac_valve_thickening: Answer = Field(None, description="Valve thickening (2).")
    cardiac_valve_vegetation: Answer = Field(None, description="Valve vegetation (4).")
    thrombocytopenia_20_to_130: Answer = Field(None, description="Platelets 20-130 ×10⁹/L (2); see "
                                                                 "`criteria.aps2023_thrombocytopenia`.")
    # D7-D8 laboratory
    lupus_anticoagulant_single: Answer = Field(None, description="Positive LAC, one time (1).")
    lupus_anticoagulant_persistent: Answer = Field(None, description="Positive LAC, persistent (5).")
    elisa_moderate_or_high_igm: Answer = Field(None, description="Moderate or high positive IgM aCL and/or "
                                                                 "anti-β2GPI (1).")
    elisa_moderate_igg: Answer = Field(None, description="Moderate positive IgG aCL and/or anti-β2GPI (4).")
    elisa_high_igg_acl_or_ab2gpi: Answer = Field(None, description="High positive IgG aCL or anti-β2GPI (5).")
    elisa_high_igg_acl_and_ab2gpi: Answer = Field(None, description="High positive IgG aCL and anti-β2GPI (7).")


class Sydney2006Items(BaseModel):
    """Answers for the 2006 revised Sapporo (Sydney) criteria (Miyakis 2006): APS when ≥1 clinical and ≥1
    laboratory criterion are met, and the positive aPL test and the clinical manifestation are neither <12 weeks
    nor >5 years apart.

    Laboratory criteria must be persistent: present on ≥2 occasions at least 12 weeks apart (use
    `criteria.apl_persistent(..., strict=False)` for the Sydney reading).
    """

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    vascular_thrombosis: Answer = Field(None, description="≥1 objectively confirmed arterial, venous or small-vessel "
                                                          "thrombosis (histology without vessel-wall inflammation).")
    pregnancy_morbidity: Answer = Field(None, description="≥1 unexplained death of a morphologically normal fetus "
                                                          "≥10 w; or ≥1 premature birth <34 w for (pre-)eclampsia "
                                                          "or placental insufficiency; or ≥3 unexplained consecutive "
                                                          "spontaneous abortions <10 w.")
    lupus_anticoagulant_persistent: Answer = None
    anticardiolipin_medium_high_persistent: Answer = Field(None, description="IgG and/or IgM aCL >40 GPL/MPL or "
                                                                             ">99th percentile.")
    anti_b2gpi_persistent: Answer = Field(None, description="IgG and/or IgM anti-β2GPI >99th percentile.")
    apl_clinical_interval_acceptable: Answer = Field(
        None, description="The positive aPL test and the clinical manifestation are neither <12 weeks nor >5 years "
                          "apart.")


class NonCriteriaManifestationsP002(BaseModel):
    """Protocol 002 (NCT07212322): "Presence of at least one non-criteria clinical manifestation, including
    thrombocytopenia, hemolytic anemia, aPL nephropathy, valvular heart disease, and neurological manifestations."
    Each answer present / absent / not assessed, attributed to APS by the clinician. The field names are exactly
    `criteria.P002_NON_CRITERIA_MANIFESTATIONS` (the list is read as closed, see
    `criteria.non_criteria_manifestation_p002`). Source: protocol NCT07212322 registry text."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    thrombocytopenia: Answer = None
    haemolytic_anaemia: Answer = None
    apl_nephropathy: Answer = None
    valvular_heart_disease: Answer = None
    neurological: Answer = Field(None, description="Neurological manifestations attributed to APS.")
