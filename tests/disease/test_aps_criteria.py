"""APS criteria (plugins/trialscreen_aps/criteria.py).

Sources of expected values:
  [ACR/EULAR2023] Barbhaiya M et al. Arthritis Rheumatol 2023;75:1687-1702 / Ann Rheum Dis 2023;82:1258-70,
                  criteria table as reproduced by ASH-SAP and World J Rheumatol 2025 Table 1: D1 VTE 1/3; D2 AT 2/4;
                  D3 microvascular 2/5; D4 obstetric 1/1/3/4; D5 valve 2/4; D6 platelets 20-130 2; D7 LAC 1/5;
                  D8 ELISA IgM 1, moderate IgG 4, high IgG 5, high IgG aCL+aβ2GPI 7. Classify: >=3 clinical AND
                  >=3 laboratory points; highest weight per domain; entry aPL within 3 years of a clinical criterion.
                  Titres: moderate 40-79, high >=80 units (PMC10967298 Table 1).
  [Sydney2006]    Miyakis S et al. J Thromb Haemost 2006;4:295-306 (empendium criteria table).
  [P002]          NCT07212322 registry text.
  [hand]          arithmetic shown in the comment.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from pydantic import ValidationError

from trialscreen_aps.criteria import (
    apl_persistent,
    aps2023_elisa_category,
    aps2023_thrombocytopenia,
    aps_acr_eular_2023,
    catastrophic_aps_within,
    non_criteria_manifestation_p002,
    sydney_2006,
)
from trialscreen_aps.items import APS2023_CRITERIA, Aps2023Items, Sydney2006Items

_ABSENT = {name: False for name in APS2023_CRITERIA}


def aps(entry: bool | None = True, **answers: bool | None) -> Aps2023Items:
    return Aps2023Items(apl_positive_within_3_years=entry, **{**_ABSENT, **answers})


class TestAcrEular2023:
    def test_weights(self):
        w = {name: weight for name, (_, weight, _) in APS2023_CRITERIA.items()}
        assert (w["vte_with_high_risk_profile"], w["vte_without_high_risk_profile"]) == (1, 3)
        assert (w["arterial_thrombosis_with_high_risk_cvd_profile"],
                w["arterial_thrombosis_without_high_risk_cvd_profile"]) == (2, 4)
        assert (w["microvascular_suspected"], w["microvascular_established"]) == (2, 5)
        assert (w["cardiac_valve_thickening"], w["cardiac_valve_vegetation"], w["thrombocytopenia_20_to_130"]) == (2, 4, 2)
        assert (w["lupus_anticoagulant_single"], w["lupus_anticoagulant_persistent"]) == (1, 5)
        assert [w[k] for k in ("elisa_moderate_or_high_igm", "elisa_moderate_igg", "elisa_high_igg_acl_or_ab2gpi",
                               "elisa_high_igg_acl_and_ab2gpi")] == [1, 4, 5, 7]
        assert sum(1 for _, _, clinical in APS2023_CRITERIA.values() if not clinical) == 6

    def test_unprovoked_vte_with_persistent_lac_classifies(self):
        # [hand] VTE without high-risk profile 3 (clinical) + persistent LAC 5 (laboratory) -> 3 and 5
        r = aps_acr_eular_2023(aps(vte_without_high_risk_profile=True, lupus_anticoagulant_persistent=True))
        assert (r.clinical_minimum, r.laboratory_minimum) == (3, 5)
        assert r.entry_criterion is True and r.classified is True

    def test_provoked_vte_only_1_point(self):
        # [hand] VTE with high-risk profile 1 < 3 clinical points, even with 7 laboratory points
        r = aps_acr_eular_2023(aps(vte_with_high_risk_profile=True, elisa_high_igg_acl_and_ab2gpi=True))
        assert (r.clinical_minimum, r.laboratory_minimum) == (1, 7)
        assert r.classified is False

    def test_highest_weight_per_domain_not_summed(self):
        # [hand] obstetric 1 + 1 (two criteria, same domain) = 1, not 2; thickening 2 -> clinical 3
        r = aps_acr_eular_2023(aps(obstetric_three_early_losses=True, obstetric_fetal_death_16_to_34_weeks=True,
                                   cardiac_valve_thickening=True, lupus_anticoagulant_single=True,
                                   lupus_anticoagulant_persistent=True))
        assert r.clinical_minimum == 3 and r.laboratory_minimum == 5
        assert r.domains["D4_obstetric"][1] == 1 and r.domains["D7_lupus_anticoagulant"][1] == 5

    def test_laboratory_points_add_across_the_two_domains(self):
        # [hand] IgM 1 (D8) + persistent LAC 5 (D7) = 6. (Exactly 3 laboratory points cannot occur:
        # D7 is 0/1/5 and D8 is 0/1/4/5/7, so the sums are 0, 1, 2, 4, 5, 6, ...)
        r = aps_acr_eular_2023(aps(vte_without_high_risk_profile=True, elisa_moderate_or_high_igm=True,
                                   lupus_anticoagulant_persistent=True))
        assert r.laboratory_minimum == 6 and r.classified is True

    def test_laboratory_below_3(self):
        # [hand] IgM only (1) + single LAC (1) = 2 laboratory points
        r = aps_acr_eular_2023(aps(arterial_thrombosis_without_high_risk_cvd_profile=True,
                                   elisa_moderate_or_high_igm=True, lupus_anticoagulant_single=True))
        assert (r.clinical_minimum, r.laboratory_minimum) == (4, 2)
        assert r.classified is False

    def test_exactly_3_and_3(self):
        # [hand] valve thickening 2 + VTE with high-risk profile 1 = exactly 3 clinical; moderate IgG 4 laboratory
        r = aps_acr_eular_2023(aps(cardiac_valve_thickening=True, vte_with_high_risk_profile=True,
                                   elisa_moderate_igg=True))
        assert (r.clinical_minimum, r.laboratory_minimum) == (3, 4)
        assert r.classified is True

    def test_entry_needs_apl_within_3_years(self):
        r = aps_acr_eular_2023(aps(entry=False, vte_without_high_risk_profile=True,
                                   lupus_anticoagulant_persistent=True))
        assert r.entry_criterion is False and r.classified is False
        r = aps_acr_eular_2023(aps(entry=None, vte_without_high_risk_profile=True,
                                   lupus_anticoagulant_persistent=True))
        assert r.entry_criterion is None and r.classified is None
        assert r.missing[0] == "apl_positive_within_3_years"

    def test_entry_needs_a_clinical_criterion(self):
        r = aps_acr_eular_2023(aps(elisa_high_igg_acl_and_ab2gpi=True))
        assert r.entry_criterion is False and r.classified is False

    def test_bounds(self):
        # [hand] clinical: valve thickening 2 known, vegetation (4) unanswered -> 2..4; lab: LAC persistent 5
        r = aps_acr_eular_2023(aps(cardiac_valve_thickening=True, cardiac_valve_vegetation=None,
                                   lupus_anticoagulant_persistent=True))
        assert (r.clinical_minimum, r.clinical_maximum) == (2, 4)
        assert r.classified is None and r.missing == ("cardiac_valve_vegetation",)
        r = aps_acr_eular_2023(Aps2023Items(apl_positive_within_3_years=True, microvascular_established=True,
                                            elisa_high_igg_acl_or_ab2gpi=True))
        assert r.classified is True  # 5 and 5 known, the rest unanswered

    def test_elisa_category(self):
        # [ACR/EULAR2023] moderate 40-79, high >= 80 units
        assert aps2023_elisa_category(39.9) == "below_threshold"
        assert aps2023_elisa_category(40) == "moderate"
        assert aps2023_elisa_category(79.9) == "moderate"
        assert aps2023_elisa_category(80) == "high"
        assert aps2023_elisa_category(None) is None
        with pytest.raises(ValueError):
            aps2023_elisa_category(-1)

    def test_thrombocytopenia_range(self):
        # [ACR/EULAR2023] 20-130 x10^9/L, ends included as printed
        assert [aps2023_thrombocytopenia(p) for p in (19.9, 20, 130, 130.1, None)] == [False, True, True, False, None]

    def test_items_frozen_and_strict(self):
        with pytest.raises(ValidationError):
            Aps2023Items(vte=True)
        with pytest.raises(ValidationError):
            aps().cardiac_valve_thickening = True  # type: ignore[misc]


class TestSydney2006:
    def test_classic(self):
        # [Sydney2006] >=1 clinical + >=1 laboratory, interval acceptable
        assert sydney_2006(Sydney2006Items(vascular_thrombosis=True, lupus_anticoagulant_persistent=True,
                                           apl_clinical_interval_acceptable=True)) is True

    def test_needs_both_sides_and_interval(self):
        assert sydney_2006(Sydney2006Items(vascular_thrombosis=True, pregnancy_morbidity=False,
                                           lupus_anticoagulant_persistent=False,
                                           anticardiolipin_medium_high_persistent=False, anti_b2gpi_persistent=False,
                                           apl_clinical_interval_acceptable=True)) is False
        assert sydney_2006(Sydney2006Items(pregnancy_morbidity=True, anti_b2gpi_persistent=True,
                                           apl_clinical_interval_acceptable=False)) is False

    def test_unknown(self):
        assert sydney_2006(Sydney2006Items(vascular_thrombosis=True, anti_b2gpi_persistent=True)) is None


class TestAplPersistent:
    D0 = date(2025, 1, 1)

    def pair(self, days: int, second_test: str = "lupus_anticoagulant", positive: bool | None = True):
        return [(self.D0, "lupus_anticoagulant", True), (self.D0 + timedelta(days=days), second_test, positive)]

    def test_84_days_is_not_more_than_12_weeks(self):
        # [P002] ">12 weeks apart": 84 days = exactly 12 weeks -> not enough
        assert apl_persistent(self.pair(84)) is False

    def test_85_days_is(self):
        assert apl_persistent(self.pair(85)) is True

    def test_sydney_reading_accepts_84(self):
        # [Sydney2006] "at least 12 weeks apart"
        assert apl_persistent(self.pair(84), strict=False) is True
        assert apl_persistent(self.pair(83), strict=False) is False

    def test_same_test_required_by_default(self):
        assert apl_persistent(self.pair(120, second_test="anticardiolipin_igg")) is False
        assert apl_persistent(self.pair(120, second_test="anticardiolipin_igg"), same_test=False) is True
        assert apl_persistent(self.pair(120, second_test=" Lupus_Anticoagulant ")) is True

    def test_negative_in_between_does_not_break(self):
        r = [(self.D0, "lupus_anticoagulant", True), (self.D0 + timedelta(days=40), "lupus_anticoagulant", False),
             (self.D0 + timedelta(days=100), "lupus_anticoagulant", True)]
        assert apl_persistent(r) is True

    def test_indeterminate_and_empty(self):
        assert apl_persistent(self.pair(100, positive=None)) is None
        assert apl_persistent(self.pair(100, positive=False)) is False
        assert apl_persistent([]) is None

    def test_order_does_not_matter(self):
        assert apl_persistent(list(reversed(self.pair(85)))) is True


class TestProtocol002Aps:
    def test_non_criteria_manifestations(self):
        assert non_criteria_manifestation_p002({"valvular_heart_disease": True}) is True
        assert non_criteria_manifestation_p002({name: False for name in (
            "thrombocytopenia", "haemolytic_anaemia", "apl_nephropathy", "valvular_heart_disease",
            "neurological")}) is False
        assert non_criteria_manifestation_p002({"thrombocytopenia": False}) is None
        with pytest.raises(ValueError):
            non_criteria_manifestation_p002({"livedo": True})

    def test_caps_within_3_months(self):
        as_of = date(2025, 6, 15)
        assert catastrophic_aps_within([date(2025, 3, 15)], as_of) is True   # exactly 3 months: included
        assert catastrophic_aps_within([date(2025, 3, 14)], as_of) is False
        assert catastrophic_aps_within([date(2025, 6, 16)], as_of) is False  # after screening
        assert catastrophic_aps_within([], as_of) is False
        assert catastrophic_aps_within(None, as_of) is None
        assert catastrophic_aps_within([date(2024, 12, 20)], as_of, months=6) is True
