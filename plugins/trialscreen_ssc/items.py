"""Item-level input models for the systemic sclerosis plugin.

Answers are ``bool | None`` (``None`` = not assessed) or, for the skin score, an integer grade or ``None``. All
models are frozen pydantic v2 models that reject unknown fields.

* :class:`MrssItems` — modified Rodnan skin score, 17 areas graded 0-3 (Clements PJ, Lachenbruch PA, Seibold JR,
  et al. Inter and intraobserver variability of total skin thickness score (modified Rodnan TSS) in systemic
  sclerosis. J Rheumatol 1995;22:1281-5; standardisation: Khanna D, Furst DE, Clements PJ, et al. Standardization
  of the modified Rodnan skin score for use in clinical trials of systemic sclerosis. J Scleroderma Relat Disord
  2017;2:11-18). Sites and 0-3 grading verified in the project notes (shared/reference/clinical/03_ssc.md:
  Clements 1993 calculation sheet copy, BMC Rheumatol 2022, a second summary — agree).
* :class:`Ssc2013Items` — 2013 ACR/EULAR classification criteria (van den Hoogen F, Khanna D, Fransen J, et al.
  2013 classification criteria for systemic sclerosis: an American College of Rheumatology/European League
  Against Rheumatism collaborative initiative. Arthritis Rheum 2013;65:2737-47 / Ann Rheum Dis 2013;72:1747-55).
  Weights verified in the project notes (ARD 72:1747 Table 1 and two agreeing copies).
* :class:`SscSubtype` — cutaneous subset (LeRoy EC, Black C, Fleischmajer R, et al. Scleroderma (systemic
  sclerosis): classification, subsets and pathogenesis. J Rheumatol 1988;15:202-5).
* :class:`ChestHrctFindings` — chest HRCT findings for the protocols' ILD clauses (assessment ``ssc.chest_hrct``).
"""

from __future__ import annotations

from enum import Enum

from pydantic import BaseModel, ConfigDict, Field

_FROZEN = ConfigDict(frozen=True, extra="forbid", defer_build=True)

_Grade = int | None


def _grade() -> _Grade:
    return Field(None, ge=0, le=3)


#: The 17 mRSS areas: 3 single (face, anterior chest, abdomen) and 7 paired (right and left).
MRSS_SINGLE_AREAS: tuple[str, ...] = ("face", "anterior_chest", "abdomen")
MRSS_PAIRED_AREAS: tuple[str, ...] = (
    "fingers", "dorsum_hand", "forearm", "upper_arm", "thigh", "lower_leg", "dorsum_foot",
)
MRSS_AREAS: tuple[str, ...] = MRSS_SINGLE_AREAS + tuple(
    f"{side}_{area}" for area in MRSS_PAIRED_AREAS for side in ("right", "left")
)
MRSS_MAX_PER_AREA = 3
MRSS_MAX_TOTAL = 51


class MrssItems(BaseModel):
    """Modified Rodnan skin score: skin thickness by palpation at 17 areas, 0 normal, 1 mild, 2 moderate,
    3 severe (unable to pinch into a fold). Integers only."""

    model_config = _FROZEN

    face: int | None = _grade()
    anterior_chest: int | None = _grade()
    abdomen: int | None = _grade()
    right_fingers: int | None = _grade()
    left_fingers: int | None = _grade()
    right_dorsum_hand: int | None = _grade()
    left_dorsum_hand: int | None = _grade()
    right_forearm: int | None = _grade()
    left_forearm: int | None = _grade()
    right_upper_arm: int | None = _grade()
    left_upper_arm: int | None = _grade()
    right_thigh: int | None = _grade()
    left_thigh: int | None = _grade()
    right_lower_leg: int | None = _grade()
    left_lower_leg: int | None = _grade()
    right_dorsum_foot: int | None = _grade()
    left_dorsum_foot: int | None = _grade()


assert len(MRSS_AREAS) == 17 and set(MRSS_AREAS) == set(MrssItems.model_fields)


class Ssc2013Items(BaseModel):
    """Facts for the 2013 ACR/EULAR SSc classification criteria.

    Applicability (the paper): the criteria are not applicable to patients with skin thickening sparing the
    fingers, or to patients with a scleroderma-like disorder that better explains their manifestations
    (nephrogenic sclerosing fibrosis, generalised morphoea, eosinophilic fasciitis, scleredema diabeticorum,
    scleromyxoedema, erythromyalgia, porphyria, lichen sclerosus, graft-versus-host disease, diabetic
    cheiroarthropathy).
    """

    model_config = _FROZEN

    skin_thickening_sparing_fingers: bool | None = None
    better_explained_by_scleroderma_like_disorder: bool | None = None

    skin_thickening_proximal_to_mcps: bool | None = Field(
        None, description="Skin thickening of the fingers of both hands extending proximal to the MCP joints "
                          "(sufficient criterion, 9)")
    puffy_fingers: bool | None = None
    sclerodactyly: bool | None = Field(None, description="Distal to the MCPs but proximal to the PIPs")
    digital_tip_ulcers: bool | None = None
    fingertip_pitting_scars: bool | None = None
    telangiectasia: bool | None = None
    abnormal_nailfold_capillaries: bool | None = None
    pulmonary_arterial_hypertension: bool | None = Field(None, description="Diagnosed by right-heart catheterisation")
    interstitial_lung_disease: bool | None = Field(
        None, description="Pulmonary fibrosis on HRCT or chest radiograph, or 'velcro' crackles")
    raynauds_phenomenon: bool | None = None
    anticentromere: bool | None = None
    anti_topoisomerase_i: bool | None = Field(None, description="Anti-Scl-70")
    anti_rna_polymerase_iii: bool | None = None


#: (category, {item: weight}) — the highest weight within a category counts (van den Hoogen 2013, Table 1).
SSC_2013_CATEGORIES: tuple[tuple[str, dict[str, int]], ...] = (
    ("skin_thickening_proximal_to_mcps", {"skin_thickening_proximal_to_mcps": 9}),
    ("skin_thickening_of_fingers", {"puffy_fingers": 2, "sclerodactyly": 4}),
    ("fingertip_lesions", {"digital_tip_ulcers": 2, "fingertip_pitting_scars": 3}),
    ("telangiectasia", {"telangiectasia": 2}),
    ("abnormal_nailfold_capillaries", {"abnormal_nailfold_capillaries": 2}),
    ("pah_and_or_ild", {"pulmonary_arterial_hypertension": 2, "interstitial_lung_disease": 2}),
    ("raynauds_phenomenon", {"raynauds_phenomenon": 3}),
    ("ssc_related_autoantibodies", {"anticentromere": 3, "anti_topoisomerase_i": 3, "anti_rna_polymerase_iii": 3}),
)
#: "Patients with a total score of >=9 are classified as having definite SSc."
SSC_2013_THRESHOLD = 9


class SscSubtype(str, Enum):
    """Cutaneous subset (LeRoy 1988): diffuse = skin thickening proximal to elbows/knees or on the trunk;
    limited = distal to elbows/knees, with or without face/neck; sine scleroderma = no skin thickening."""

    DIFFUSE = "diffuse"
    LIMITED = "limited"
    SINE_SCLERODERMA = "sine_scleroderma"


class ChestHrctFindings(BaseModel):
    """Findings of one chest HRCT as the radiologist reports them (``None`` = not reported).

    ``interstitial_lung_disease``: interstitial lung disease present; ``ground_glass_opacities``: interstitial
    changes with ground-glass opacity ("ground-glass exudates", protocol 004 wording); ``fibrosis``: reticulation
    or honeycombing. No score: the findings feed the protocols' ILD clauses.
    """

    model_config = _FROZEN

    interstitial_lung_disease: bool | None = None
    ground_glass_opacities: bool | None = None
    fibrosis: bool | None = None
