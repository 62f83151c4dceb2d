"""Item-level input models for the idiopathic inflammatory myopathy plugin.

Answers are ``bool | None`` (``None`` = not assessed), graded integers, or ``None``. All models are frozen pydantic
v2 models that reject unknown fields.

* :class:`Iim2017Items` — 2017 EULAR/ACR classification criteria for adult and juvenile IIM and their major
  subgroups (Lundberg IE, Tjärnlund A, Bottai M, et al. Ann Rheum Dis 2017;76:1955-64 / Arthritis Rheumatol
  2017;69:2271-82). Weights in :data:`IIM_2017_WEIGHTS`: verified in this session against the RMD Open
  reproduction of the criteria table ("Score points ... No biopsy / Biopsy", rmdopen.bmj.com) and
  rheumatologytt.com (age rows), agreeing with the project notes. NB: the BMJ Best Practice / ehb.be copy has
  the with/without-biopsy labels swapped — not used.
* :class:`Mmt8Items` — Manual Muscle Testing-8 on the Kendall 0-10 scale, 8 groups, bilateral 0-150 (Rider LG,
  Koziol D, Giannini EH, et al. Validation of manual muscle testing and a subset of eight muscles for adult and
  juvenile idiopathic inflammatory myopathies. Arthritis Care Res 2010;62:465-72; IMACS form 04).
* :class:`HaqDiItems` — Stanford HAQ disability index, 20 items in 8 categories (Fries JF, Spitz P, Kraines RG,
  Holman HR. Measurement of patient outcome in arthritis. Arthritis Rheum 1980;23:137-45).
* :class:`ImacsCoreSet` — IMACS core set measures of disease activity as protocol 002 words its thresholds.
* :class:`ImacsGlobalActivity` — the three global activity VAS the record carries (assessment ``iim.global_activity``).
* :class:`MyositisAntibody` — myositis-specific and -associated autoantibodies.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from enum import Enum

from pydantic import BaseModel, ConfigDict, Field

_FROZEN = ConfigDict(frozen=True, extra="forbid", defer_build=True)


# ---------------------------------------------------------------------------
# 2017 EULAR/ACR classification criteria
# ---------------------------------------------------------------------------


class Iim2017Items(BaseModel):
    """Facts for the 2017 EULAR/ACR IIM criteria, plus the facts the subgroup classification tree uses.

    ``age_at_onset_years``: age at onset of the first symptom assumed to be related to the disease. Weakness
    items are "objective" (manual muscle testing or other objective strength testing). ``elevated_muscle_enzymes``
    = CK or LDH or AST or ALT above the upper limit of normal. The four biopsy items count only in the
    with-biopsy model (``muscle_biopsy_performed``).
    """

    model_config = _FROZEN

    age_at_onset_years: float | None = Field(None, ge=0)
    # muscle weakness
    weakness_proximal_upper: bool | None = None
    weakness_proximal_lower: bool | None = None
    neck_flexors_weaker_than_extensors: bool | None = None
    legs_proximal_weaker_than_distal: bool | None = None
    # skin
    heliotrope_rash: bool | None = None
    gottron_papules: bool | None = None
    gottron_sign: bool | None = None
    # other clinical
    dysphagia_or_oesophageal_dysmotility: bool | None = None
    # laboratory
    anti_jo1: bool | None = None
    elevated_muscle_enzymes: bool | None = None
    # muscle biopsy
    muscle_biopsy_performed: bool | None = None
    biopsy_endomysial_infiltrate: bool | None = Field(
        None, description="Endomysial mononuclear infiltrate surrounding, but not invading, myofibres")
    biopsy_perimysial_or_perivascular_infiltrate: bool | None = None
    biopsy_perifascicular_atrophy: bool | None = None
    biopsy_rimmed_vacuoles: bool | None = None
    # used only by the subgroup classification tree
    finger_flexor_weakness: bool | None = None
    response_to_immunosuppressive_treatment: bool | None = None


#: item -> (points without biopsy, points with biopsy); ``None`` = the item is not in that model.
IIM_2017_WEIGHTS: dict[str, tuple[Decimal | None, Decimal | None]] = {
    "weakness_proximal_upper": (Decimal("0.7"), Decimal("0.7")),
    "weakness_proximal_lower": (Decimal("0.8"), Decimal("0.5")),
    "neck_flexors_weaker_than_extensors": (Decimal("1.9"), Decimal("1.6")),
    "legs_proximal_weaker_than_distal": (Decimal("0.9"), Decimal("1.2")),
    "heliotrope_rash": (Decimal("3.1"), Decimal("3.2")),
    "gottron_papules": (Decimal("2.1"), Decimal("2.7")),
    "gottron_sign": (Decimal("3.3"), Decimal("3.7")),
    "dysphagia_or_oesophageal_dysmotility": (Decimal("0.7"), Decimal("0.6")),
    "anti_jo1": (Decimal("3.9"), Decimal("3.8")),
    "elevated_muscle_enzymes": (Decimal("1.3"), Decimal("1.4")),
    "biopsy_endomysial_infiltrate": (None, Decimal("1.7")),
    "biopsy_perimysial_or_perivascular_infiltrate": (None, Decimal("1.2")),
    "biopsy_perifascicular_atrophy": (None, Decimal("1.9")),
    "biopsy_rimmed_vacuoles": (None, Decimal("3.1")),
}
#: Age at onset bands: 18 <= age < 40 and age >= 40 — (without biopsy, with biopsy).
IIM_2017_AGE_18_TO_40 = (Decimal("1.3"), Decimal("1.5"))
IIM_2017_AGE_GE_40 = (Decimal("2.1"), Decimal("2.2"))

#: Published score cut-offs (abstract, verified: Elsevier Pure / Manchester / researcher-app copies):
#: probability <50% "<5.3 (<6.5 with muscle biopsy)"; >=50-<55% possible; >=55% probable "5.5 (6.7 with muscle
#: biopsy)"; >=90% definite ">=7.5 (>=8.7 with muscle biopsy)". (without biopsy, with biopsy)
IIM_2017_POSSIBLE_MIN = (Decimal("5.3"), Decimal("6.5"))
IIM_2017_PROBABLE_MIN = (Decimal("5.5"), Decimal("6.7"))
IIM_2017_DEFINITE_MIN = (Decimal("7.5"), Decimal("8.7"))

DM_SKIN_ITEMS: tuple[str, ...] = ("heliotrope_rash", "gottron_papules", "gottron_sign")
WEAKNESS_ITEMS: tuple[str, ...] = (
    "weakness_proximal_upper", "weakness_proximal_lower", "neck_flexors_weaker_than_extensors",
    "legs_proximal_weaker_than_distal",
)
BIOPSY_ITEMS: tuple[str, ...] = (
    "biopsy_endomysial_infiltrate", "biopsy_perimysial_or_perivascular_infiltrate", "biopsy_perifascicular_atrophy",
    "biopsy_rimmed_vacuoles",
)


class Iim2017Category(str, Enum):
    NOT_IIM = "not_iim"  # probability < 50%
    POSSIBLE = "possible"  # >= 50% - < 55%
    PROBABLE = "probable"  # >= 55% - < 90%
    DEFINITE = "definite"  # >= 90%


class Iim2017Subgroup(str, Enum):
    """Leaves of the 2017 subgroup classification tree."""

    JDM = "juvenile_dermatomyositis"
    JUVENILE_OTHER = "juvenile_myositis_other_than_jdm"
    DM = "dermatomyositis"
    ADM = "amyopathic_dermatomyositis"
    IBM = "inclusion_body_myositis"
    PM = "polymyositis_including_imnm"


# ---------------------------------------------------------------------------
# MMT-8
# ---------------------------------------------------------------------------

MMT8_AXIAL: tuple[str, ...] = ("neck_flexors",)
MMT8_BILATERAL_GROUPS: tuple[str, ...] = (
    "deltoid_middle", "biceps_brachii", "wrist_extensors", "gluteus_maximus", "gluteus_medius", "quadriceps",
    "ankle_dorsiflexors",
)
MMT8_FIELDS: tuple[str, ...] = MMT8_AXIAL + tuple(
    f"{side}_{group}" for group in MMT8_BILATERAL_GROUPS for side in ("right", "left")
)
MMT8_MAX_GRADE = 10
MMT8_MAX_TOTAL = 150


def _kendall() -> int | None:
    return Field(None, ge=0, le=10)


class Mmt8Items(BaseModel):
    """MMT-8 grades on the Kendall 0-10 scale: neck flexors once, seven groups on both sides (15 tests,
    0-150; higher = stronger)."""

    model_config = _FROZEN

    neck_flexors: int | None = _kendall()
    right_deltoid_middle: int | None = _kendall()
    left_deltoid_middle: int | None = _kendall()
    right_biceps_brachii: int | None = _kendall()
    left_biceps_brachii: int | None = _kendall()
    right_wrist_extensors: int | None = _kendall()
    left_wrist_extensors: int | None = _kendall()
    right_gluteus_maximus: int | None = _kendall()
    left_gluteus_maximus: int | None = _kendall()
    right_gluteus_medius: int | None = _kendall()
    left_gluteus_medius: int | None = _kendall()
    right_quadriceps: int | None = _kendall()
    left_quadriceps: int | None = _kendall()
    right_ankle_dorsiflexors: int | None = _kendall()
    left_ankle_dorsiflexors: int | None = _kendall()


assert len(MMT8_FIELDS) == 15 and set(MMT8_FIELDS) == set(Mmt8Items.model_fields)


# ---------------------------------------------------------------------------
# HAQ-DI
# ---------------------------------------------------------------------------

#: category -> its items (Stanford HAQ 20-item disability scale; item wording on the Stanford form).
HAQ_CATEGORIES: dict[str, tuple[str, ...]] = {
    "dressing_grooming": ("dress_yourself", "shampoo_hair"),
    "arising": ("stand_from_armless_chair", "get_in_out_of_bed"),
    "eating": ("cut_meat", "lift_cup_to_mouth", "open_milk_carton"),
    "walking": ("walk_outdoors_flat", "climb_five_steps"),
    "hygiene": ("wash_dry_body", "take_tub_bath", "get_on_off_toilet"),
    "reach": ("reach_5lb_object_above_head", "bend_pick_up_clothing"),
    "grip": ("open_car_doors", "open_jars", "turn_faucets"),
    "activities": ("run_errands_shop", "get_in_out_of_car", "do_chores"),
}
HAQ_MAX_ITEM = 3


def _haq() -> int | None:
    return Field(None, ge=0, le=3)


class HaqDiItems(BaseModel):
    """HAQ-DI answers: each item 0 without any difficulty, 1 with some, 2 with much difficulty, 3 unable to do.

    ``aid_<category>`` — an aid or device usually used for that category (CLINHAQ scoring text: dressing —
    devices used for dressing; arising — special or built-up chair; eating — built-up or special utensils;
    walking — cane, walker, crutches, wheelchair; hygiene — bathtub bar, long-handled appliances in bathroom,
    raised toilet seat; reach — long-handled appliances for reach; grip — jar opener). ``help_<category>`` —
    help from another person usually needed.
    """

    model_config = _FROZEN

    dress_yourself: int | None = _haq()
    shampoo_hair: int | None = _haq()
    stand_from_armless_chair: int | None = _haq()
    get_in_out_of_bed: int | None = _haq()
    cut_meat: int | None = _haq()
    lift_cup_to_mouth: int | None = _haq()
    open_milk_carton: int | None = _haq()
    walk_outdoors_flat: int | None = _haq()
    climb_five_steps: int | None = _haq()
    wash_dry_body: int | None = _haq()
    take_tub_bath: int | None = _haq()
    get_on_off_toilet: int | None = _haq()
    reach_5lb_object_above_head: int | None = _haq()
    bend_pick_up_clothing: int | None = _haq()
    open_car_doors: int | None = _haq()
    open_jars: int | None = _haq()
    turn_faucets: int | None = _haq()
    run_errands_shop: int | None = _haq()
    get_in_out_of_car: int | None = _haq()
    do_chores: int | None = _haq()

    aid_dressing_grooming: bool | None = None
    aid_arising: bool | None = None
    aid_eating: bool | None = None
    aid_walking: bool | None = None
    aid_hygiene: bool | None = None
    aid_reach: bool | None = None
    aid_grip: bool | None = None

    help_dressing_grooming: bool | None = None
    help_arising: bool | None = None
    help_eating: bool | None = None
    help_walking: bool | None = None
    help_hygiene: bool | None = None
    help_reach: bool | None = None
    help_grip: bool | None = None
    help_activities: bool | None = None


assert sum(len(v) for v in HAQ_CATEGORIES.values()) == 20


# ---------------------------------------------------------------------------
# IMACS core set, antibodies, refractoriness facts
# ---------------------------------------------------------------------------


class MuscleEnzyme(str, Enum):
    CK = "CK"
    ALDOLASE = "aldolase"
    LDH = "LDH"
    AST = "AST"
    ALT = "ALT"


class EnzymeResult(BaseModel):
    model_config = _FROZEN

    enzyme: MuscleEnzyme
    value: float = Field(ge=0)
    uln: float = Field(gt=0)


class ImacsCoreSet(BaseModel):
    """IMACS core set measures other than MMT (global activities on a 0-10 VAS, HAQ-DI 0-3, muscle enzymes).

    ``enzymes_panel_complete``: the record says every muscle enzyme the protocol counts was measured — only then
    can "no enzyme >1.5 x ULN" be concluded from the results given.
    """

    model_config = _FROZEN

    patient_global_activity_vas: float | None = Field(None, ge=0, le=10)
    physician_global_activity_vas: float | None = Field(None, ge=0, le=10)
    extramuscular_activity_vas: float | None = Field(None, ge=0, le=10)
    haq_di: float | None = Field(None, ge=0, le=3)
    enzymes: tuple[EnzymeResult, ...] = ()
    enzymes_panel_complete: bool = False


class ImacsGlobalActivity(BaseModel):
    """IMACS global disease-activity measures, each on a 0-10 cm visual analogue scale (0 = no activity).

    ``patient_global_activity_vas``: patient (or parent) global assessment of disease activity;
    ``physician_global_activity_vas``: physician global assessment of disease activity;
    ``extramuscular_activity_vas``: physician global assessment of extramuscular disease activity (the MDAAT
    extramuscular VAS). Core set: Miller FW et al. Rheumatology 2001;40:1262-73 (IMACS).
    """

    model_config = _FROZEN

    patient_global_activity_vas: float | None = Field(None, ge=0, le=10)
    physician_global_activity_vas: float | None = Field(None, ge=0, le=10)
    extramuscular_activity_vas: float | None = Field(None, ge=0, le=10)


class MyositisAntibody(str, Enum):
    # anti-synthetase
    JO1 = "Jo-1"
    PL7 = "PL-7"
    PL12 = "PL-12"
    EJ = "EJ"
    OJ = "OJ"
    KS = "KS"
    ZO = "Zo"
    HA = "Ha"
    # dermatomyositis-specific
    MDA5 = "MDA5"
    TIF1G = "TIF1-gamma"
    NXP2 = "NXP2"
    SAE = "SAE"
    MI2 = "Mi-2"
    # necrotising myopathy
    SRP = "SRP"
    HMGCR = "HMGCR"
    # myositis-associated
    PM_SCL = "PM-Scl"
    KU = "Ku"
    U1_RNP = "U1-RNP"
    RO52 = "Ro52"


ANTISYNTHETASE_ANTIBODIES: frozenset[MyositisAntibody] = frozenset({
    MyositisAntibody.JO1, MyositisAntibody.PL7, MyositisAntibody.PL12, MyositisAntibody.EJ, MyositisAntibody.OJ,
    MyositisAntibody.KS, MyositisAntibody.ZO, MyositisAntibody.HA,
})
MYOSITIS_ASSOCIATED_ANTIBODIES: frozenset[MyositisAntibody] = frozenset({
    MyositisAntibody.PM_SCL, MyositisAntibody.KU, MyositisAntibody.U1_RNP, MyositisAntibody.RO52,
})
MYOSITIS_SPECIFIC_ANTIBODIES: frozenset[MyositisAntibody] = frozenset(MyositisAntibody) - MYOSITIS_ASSOCIATED_ANTIBODIES


class AntibodyResult(BaseModel):
    model_config = _FROZEN

    antibody: MyositisAntibody
    positive: bool | None
    date: dt.date | None = None


class TherapyExposure(BaseModel):
    """Exposure to one line of therapy: days at an adequate dose, and/or intolerance."""

    model_config = _FROZEN

    days: int | None = Field(None, ge=0)
    intolerant: bool | None = None


class Mda5DmRefractoryFacts(BaseModel):
    """Extracted facts for protocol 001 "refractory MDA5-positive dermatomyositis"."""

    model_config = _FROZEN

    mda5_positive: bool | None = None
    dermatomyositis: bool | None = None
    active_disease: bool | None = None
    glucocorticoid: TherapyExposure = TherapyExposure()
    immunosuppressant: TherapyExposure = Field(
        TherapyExposure(), description="Methotrexate, azathioprine, tacrolimus, ciclosporin, mycophenolate, IVIG, "
                                        "anti-TNF or rituximab (protocol 001 list)")
    ivig_or_cyclophosphamide: TherapyExposure = TherapyExposure()
