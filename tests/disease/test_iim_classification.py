"""2017 EULAR/ACR IIM classification: score, probability categories by the published score cut-offs, subgroup
tree, protocol 002 subgroup.

Sources: Lundberg IE et al. Ann Rheum Dis 2017;76:1955-64 — weights (table as reproduced in RMD Open and
rheumatologytt.com), cut-offs from the abstract (<5.3/<6.5 not IIM; >=55% probable at 5.5/6.7; >=90% definite at
7.5/8.7); Karolinska calculator instruction (skin signs or biopsy features required). Worked examples are hand
computations; arithmetic in the comments.
"""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from trialscreen_iim.criteria import (
    iim_2017_category,
    iim_2017_category_from_result,
    iim_2017_definite,
    iim_2017_probable_or_definite,
    iim_2017_skin_or_biopsy_requirement,
    iim_2017_subgroup,
    p002_subgroup_ok,
)
from trialscreen_iim.items import (
    AntibodyResult,
    Iim2017Category,
    Iim2017Items,
    Iim2017Subgroup,
    MyositisAntibody,
)
from trialscreen_iim.scores import iim_2017_score

NONE_PRESENT = {k: False for k in Iim2017Items.model_fields if k != "age_at_onset_years"}


def iim(age: float | None = 50, **present: bool | None) -> Iim2017Items:
    return Iim2017Items(**{**NONE_PRESENT, "age_at_onset_years": age, **present})


# ---------------------------------------------------------------------------
# the 55% boundary (score cut-offs) without and with biopsy
# ---------------------------------------------------------------------------


def test_55_percent_without_biopsy_5_5_meets():
    # age 18-<40 1.3, heliotrope 3.1, proximal upper weakness 0.7 = 5.1 ; + legs proximal>distal... use:
    # heliotrope 3.1 + proximal lower 0.8 + proximal upper 0.7 + legs proximal weaker than distal 0.9 = 5.5
    f = iim(age=10, heliotrope_rash=True, weakness_proximal_lower=True, weakness_proximal_upper=True,
            legs_proximal_weaker_than_distal=True, muscle_biopsy_performed=False)
    result = iim_2017_score(f, with_biopsy=False)
    assert result.total == 5.5
    assert iim_2017_category(result.total, False) is Iim2017Category.PROBABLE
    assert iim_2017_probable_or_definite(f) is True


def test_just_below_55_percent_without_biopsy_5_4():
    # age >=40 2.1 + Gottron's sign 3.3 = 5.4 -> possible (>=50-<55%), not classified
    f = iim(age=40, gottron_sign=True, muscle_biopsy_performed=False)
    result = iim_2017_score(f, with_biopsy=False)
    assert result.total == 5.4
    assert iim_2017_category(result.total, False) is Iim2017Category.POSSIBLE
    assert iim_2017_probable_or_definite(f) is False


def test_55_percent_with_biopsy_6_7_meets():
    # with biopsy: age >=40 2.2 + Gottron's papules 2.7 + perimysial infiltrate 1.2 + dysphagia 0.6 = 6.7
    # (float: 2.2 + 2.7 + 1.2 + 0.6 is computed exactly in Decimal)
    f = iim(age=62, gottron_papules=True, biopsy_perimysial_or_perivascular_infiltrate=True,
            dysphagia_or_oesophageal_dysmotility=True, muscle_biopsy_performed=True)
    result = iim_2017_score(f, with_biopsy=True)
    assert result.total == 6.7
    assert iim_2017_category(result.total, True) is Iim2017Category.PROBABLE
    assert iim_2017_probable_or_definite(f) is True


def test_just_below_55_percent_with_biopsy_6_6():
    # with biopsy: age >=40 2.2 + Gottron's sign 3.7 + proximal upper weakness 0.7 = 6.6
    f = iim(age=45, gottron_sign=True, weakness_proximal_upper=True, muscle_biopsy_performed=True)
    result = iim_2017_score(f, with_biopsy=True)
    assert result.total == 6.6
    assert iim_2017_category(result.total, True) is Iim2017Category.POSSIBLE
    assert iim_2017_probable_or_definite(f) is False


def test_same_patient_different_model():
    # the 5.4-without-biopsy patient scores 2.2 + 3.7 = 5.9 with the biopsy weights -> not IIM there
    f = iim(age=40, gottron_sign=True)
    assert iim_2017_score(f, with_biopsy=True).total == 5.9
    assert iim_2017_category(5.9, True) is Iim2017Category.NOT_IIM


def test_category_cut_offs():
    assert iim_2017_category(5.2, False) is Iim2017Category.NOT_IIM
    assert iim_2017_category(5.3, False) is Iim2017Category.POSSIBLE
    assert iim_2017_category(7.4, False) is Iim2017Category.PROBABLE
    assert iim_2017_category(7.5, False) is Iim2017Category.DEFINITE
    assert iim_2017_category(6.4, True) is Iim2017Category.NOT_IIM
    assert iim_2017_category(6.5, True) is Iim2017Category.POSSIBLE
    assert iim_2017_category(8.6, True) is Iim2017Category.PROBABLE
    assert iim_2017_category(8.7, True) is Iim2017Category.DEFINITE


def test_definite_dm_example():
    # age >=40 2.1, heliotrope 3.1, Gottron's papules 2.1, upper 0.7, lower 0.8, enzymes 1.3 = 10.1
    f = iim(age=55, heliotrope_rash=True, gottron_papules=True, weakness_proximal_upper=True,
            weakness_proximal_lower=True, elevated_muscle_enzymes=True, muscle_biopsy_performed=False)
    assert iim_2017_score(f, False).total == 10.1
    assert iim_2017_definite(f) is True


def test_skin_or_biopsy_requirement():
    # anti-Jo-1 3.9 + age 2.1 + upper 0.7 + lower 0.8 + enzymes 1.3 = 8.8, but no DM skin sign and no biopsy
    f = iim(age=50, anti_jo1=True, weakness_proximal_upper=True, weakness_proximal_lower=True,
            elevated_muscle_enzymes=True, muscle_biopsy_performed=False)
    assert iim_2017_score(f, False).total == 8.8
    assert iim_2017_skin_or_biopsy_requirement(f, False) is False
    assert iim_2017_probable_or_definite(f) is False
    # the same patient with an endomysial infiltrate on biopsy: 3.8 + 2.2 + 0.7 + 0.5 + 1.4 + 1.7 = 10.3
    g = f.model_copy(update={"muscle_biopsy_performed": True, "biopsy_endomysial_infiltrate": True})
    assert iim_2017_score(g, True).total == 10.3
    assert iim_2017_probable_or_definite(g) is True


def test_unknown_items_bounds():
    f = iim(age=None, heliotrope_rash=True, gottron_sign=None, muscle_biopsy_performed=False)
    result = iim_2017_score(f, False)
    # known 3.1 ; age up to 2.1 ; Gottron's sign up to 3.3 -> [3.1, 8.5]
    assert result.total is None
    assert (result.minimum, result.maximum) == (3.1, 8.5)
    assert iim_2017_category_from_result(result, False) is None
    assert iim_2017_probable_or_definite(f) is None
    assert iim_2017_probable_or_definite(f.model_copy(update={"muscle_biopsy_performed": None})) is None


def test_items_model_strict():
    with pytest.raises(ValidationError):
        Iim2017Items(mechanics_hands=True)


# ---------------------------------------------------------------------------
# subgroup tree and protocol 002 subgroups
# ---------------------------------------------------------------------------


def test_subgroup_tree_leaves():
    assert iim_2017_subgroup(iim(age=10, heliotrope_rash=True)) is Iim2017Subgroup.JDM
    assert iim_2017_subgroup(iim(age=10)) is Iim2017Subgroup.JUVENILE_OTHER
    assert iim_2017_subgroup(iim(age=50, gottron_sign=True, weakness_proximal_lower=True)) is Iim2017Subgroup.DM
    assert iim_2017_subgroup(iim(age=50, gottron_sign=True)) is Iim2017Subgroup.ADM
    assert iim_2017_subgroup(iim(age=70, finger_flexor_weakness=True,
                                 response_to_immunosuppressive_treatment=False)) is Iim2017Subgroup.IBM
    assert iim_2017_subgroup(iim(age=70, biopsy_rimmed_vacuoles=True)) is Iim2017Subgroup.IBM
    assert iim_2017_subgroup(iim(age=50, weakness_proximal_upper=True)) is Iim2017Subgroup.PM
    assert iim_2017_subgroup(iim(age=None)) is None
    assert iim_2017_subgroup(iim(age=50, gottron_sign=True, weakness_proximal_lower=None,
                                 weakness_proximal_upper=None)) is None


def jo1(positive: bool) -> AntibodyResult:
    return AntibodyResult(antibody=MyositisAntibody.JO1, positive=positive)


def test_p002_subgroups():
    assert p002_subgroup_ok(Iim2017Subgroup.DM) is True
    assert p002_subgroup_ok(Iim2017Subgroup.IBM, antibodies=[jo1(True)]) is False
    assert p002_subgroup_ok(Iim2017Subgroup.PM, antibodies=[jo1(True)]) is True  # ASyS (anti-Jo-1)
    assert p002_subgroup_ok(Iim2017Subgroup.PM, imnm_diagnosed=True) is True  # IMNM
    assert p002_subgroup_ok(Iim2017Subgroup.ADM) is None
    pl7 = AntibodyResult(antibody=MyositisAntibody.PL7, positive=True)
    assert p002_subgroup_ok(Iim2017Subgroup.PM, imnm_diagnosed=False, antibodies=[jo1(False), pl7]) is None
    all_neg = [AntibodyResult(antibody=a, positive=False) for a in
               (MyositisAntibody.JO1, MyositisAntibody.PL7, MyositisAntibody.PL12, MyositisAntibody.EJ,
                MyositisAntibody.OJ, MyositisAntibody.KS, MyositisAntibody.ZO, MyositisAntibody.HA)]
    assert p002_subgroup_ok(Iim2017Subgroup.PM, imnm_diagnosed=False, antibodies=all_neg) is False
    assert p002_subgroup_ok(Iim2017Subgroup.PM, imnm_diagnosed=False, antibodies=[jo1(False)]) is None
