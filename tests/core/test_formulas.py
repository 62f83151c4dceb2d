"""Tests for plugins/trialscreen_core/formulas.py.

Every expected value names its source:
  * [transplantr]  johnasher/transplantr tests/testthat/test_egfr.R, test_units.R
  * [NKF/ml4onc]   National Kidney Foundation calculator values quoted in
                   ml4oncology/ml4oncology scripts/unit_test.py
  * [NKF/admiral]  NKF calculator values quoted in pharmaverse/admiral
                   tests/testthat/test-compute_kidney.R (tests 01.01-01.04)
  * [admiral]      pharmaverse/admiral's own CKD-EPI 2021 implementation,
                   4-decimal expectations (test 01.07; creatinine umol/L / 88.42)
  * [clinPK]       InsightRX/clinPK tests/testthat/test_calc_ibw.R, test_calc_abw.R
  * [QTc-mannd]    mannd/QTc (EP Studios) CommonTests/QTc_iOSTests.swift
                   (some rows quoted from the medcalc.com online calculator)
  * [kidney.org]   bedside Schwartz worked example (notes 09, VERIFIED)
  * [MedCalc-Bench] ncbi-nlp/MedCalc-Bench steroid_conversion_calculator.py factors
  * [hand]         hand computation, arithmetic shown in the comment
"""

from __future__ import annotations

import importlib.util
import sys
from datetime import date, datetime
from pathlib import Path

import pytest

_MODULE_PATH = Path(__file__).resolve().parents[2] / "plugins" / "trialscreen_core" / "formulas.py"
_spec = importlib.util.spec_from_file_location("_trialscreen_core_formulas_under_test", _MODULE_PATH)
assert _spec is not None and _spec.loader is not None
F = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = F
_spec.loader.exec_module(F)

TIGHT = 1e-9  # relative tolerance for exact/hand-computed values


# ---------------------------------------------------------------------------
# clean
# ---------------------------------------------------------------------------


class TestClean:
    def test_removes_float_noise(self):
        # [hand] 0.1 + 0.2 = 0.30000000000000004 in binary floating point
        assert 0.1 + 0.2 != 0.3
        assert F.clean(0.1 + 0.2) == 0.3

    def test_just_below_boundary_snaps(self):
        # [hand] 40 * 0.85 / 0.85 style noise
        assert F.clean(39.99999999999999) == 40.0
        assert F.clean(60.00000000000001) == 60.0

    def test_ten_significant_digits(self):
        # [hand] 81.458333333333... -> 81.45833333 (10 s.f.)
        assert F.clean(6900 / 72 * 0.85) == 81.45833333
        assert F.clean(1234567.891234) == 1234567.891
        assert F.clean(0.000123456789012) == 0.0001234567890

    def test_genuine_difference_kept(self):
        assert F.clean(39.999) == 39.999
        assert F.clean(39.9999999) == 39.9999999  # 9 s.f., kept

    def test_zero_and_negative_zero(self):
        assert F.clean(0.0) == 0.0
        assert str(F.clean(-0.0)) == "0.0"

    def test_negative_values(self):
        assert F.clean(-2.9999999999999996) == -3.0

    @pytest.mark.parametrize("bad", [float("nan"), float("inf"), -float("inf")])
    def test_non_finite_rejected(self, bad):
        with pytest.raises(ValueError, match="x"):
            F.clean(bad)

    def test_non_number_rejected(self):
        with pytest.raises(TypeError):
            F.clean("40")  # type: ignore[arg-type]
        with pytest.raises(TypeError):
            F.clean(True)  # type: ignore[arg-type]


# ---------------------------------------------------------------------------
# age_completed_years
# ---------------------------------------------------------------------------


class TestAge:
    def test_on_birthday_counts(self):
        # [hand] born 2008-05-10: 18th birthday 2026-05-10
        assert F.age_completed_years(date(2008, 5, 10), date(2026, 5, 10)) == 18

    def test_day_before_birthday(self):
        assert F.age_completed_years(date(2008, 5, 10), date(2026, 5, 9)) == 17

    def test_day_after_birthday(self):
        assert F.age_completed_years(date(2008, 5, 10), date(2026, 5, 11)) == 18

    def test_worked_examples(self):
        # [hand] 1950-12-31 -> 2025-12-30: 2025-1950 = 75, birthday not reached -> 74
        assert F.age_completed_years(date(1950, 12, 31), date(2025, 12, 30)) == 74
        # [hand] 1950-01-01 -> 2025-12-31: 75, birthday passed
        assert F.age_completed_years(date(1950, 1, 1), date(2025, 12, 31)) == 75
        # [hand] same day -> 0
        assert F.age_completed_years(date(2020, 6, 1), date(2020, 6, 1)) == 0
        # [hand] 1 day short of 1st birthday -> 0
        assert F.age_completed_years(date(2020, 6, 1), date(2021, 5, 31)) == 0

    def test_leap_day_birth_non_leap_year_reaches_age_on_1_march(self):
        # convention: non-leap years -> birthday on 1 March
        born = date(2008, 2, 29)
        assert F.age_completed_years(born, date(2026, 2, 28)) == 17
        assert F.age_completed_years(born, date(2026, 3, 1)) == 18

    def test_leap_day_birth_leap_year_birthday_is_29_feb(self):
        born = date(2008, 2, 29)
        assert F.age_completed_years(born, date(2028, 2, 28)) == 19
        assert F.age_completed_years(born, date(2028, 2, 29)) == 20
        # first non-leap year after birth
        assert F.age_completed_years(born, date(2009, 2, 28)) == 0
        assert F.age_completed_years(born, date(2009, 3, 1)) == 1

    def test_non_leap_birthday_in_leap_year(self):
        # 1 March birthday in a leap year is still 1 March (not 29 Feb)
        assert F.age_completed_years(date(2000, 3, 1), date(2024, 2, 29)) == 23
        assert F.age_completed_years(date(2000, 3, 1), date(2024, 3, 1)) == 24

    def test_datetime_accepted(self):
        assert F.age_completed_years(datetime(2008, 5, 10, 23, 59), datetime(2026, 5, 10, 0, 1)) == 18

    def test_on_before_birth_rejected(self):
        with pytest.raises(ValueError, match="on"):
            F.age_completed_years(date(2020, 1, 2), date(2020, 1, 1))

    def test_wrong_type_rejected(self):
        with pytest.raises(TypeError):
            F.age_completed_years("2008-05-10", date(2026, 5, 10))  # type: ignore[arg-type]


# ---------------------------------------------------------------------------
# ratio_to_limit
# ---------------------------------------------------------------------------


class TestRatioToLimit:
    def test_exact_decimal_ratio(self):
        # [hand] plain float 0.3/0.1 = 2.9999999999999996
        assert 0.3 / 0.1 != 3.0
        assert F.ratio_to_limit(0.3, 0.1) == 3.0

    def test_uln_multiples(self):
        # [hand] ALT 120 U/L, ULN 40 -> 3.0 x ULN (boundary of "<= 3 x ULN")
        assert F.ratio_to_limit(120, 40) == 3.0
        # [hand] bilirubin 1.8 mg/dL, ULN 1.2 -> 1.5 x ULN
        assert F.ratio_to_limit(1.8, 1.2) == 1.5
        # [hand] 0.7 / 0.1 = 7 (float gives 6.999999999999999)
        assert F.ratio_to_limit(0.7, 0.1) == 7.0
        # [hand] 100 / 3 = 33.333333333...
        assert F.ratio_to_limit(100, 3) == pytest.approx(33.33333333, rel=TIGHT)

    def test_zero_value(self):
        assert F.ratio_to_limit(0, 40) == 0.0

    @pytest.mark.parametrize("limit", [0, -1, float("nan")])
    def test_bad_limit(self, limit):
        with pytest.raises(ValueError, match="limit"):
            F.ratio_to_limit(10, limit)

    def test_negative_value(self):
        with pytest.raises(ValueError, match="value"):
            F.ratio_to_limit(-1, 40)


# ---------------------------------------------------------------------------
# Cockcroft-Gault
# ---------------------------------------------------------------------------


class TestCockcroftGault:
    def test_transplantr_vector_umol(self):
        # [transplantr] Scr 88.4 umol/L, 25 y, F, 60 kg -> 81.46 (rounded 2 dp)
        # [hand] 88.4/88.4 = 1.0 mg/dL; (140-25)*60/(72*1.0)*0.85 = 6900/72*0.85 = 81.4583...
        scr = F.creatinine_umol_l_to_mg_dl(88.4)
        value = F.cockcroft_gault(25, 60, scr, female=True)
        assert round(value, 2) == 81.46
        assert value == pytest.approx(81.45833333, rel=TIGHT)

    def test_nkf_vector_male_mg_dl(self):
        # [NKF/admiral] 1.09 mg/dL, 55 y, M, 90 kg -> 97 (rounded)
        # [hand] 85*90/(72*1.09) = 7650/78.48 = 97.4770642...
        value = F.cockcroft_gault(55, 90, 1.09, female=False)
        assert round(value) == 97
        assert value == pytest.approx(97.47706422, rel=TIGHT)

    def test_nkf_vector_female_umol(self):
        # [NKF/admiral] 85 umol/L, 65 y, F, 60 kg -> 55 (rounded)
        # [hand] 85/88.4 = 0.961538 mg/dL; 75*60*0.85/(72*0.961538) = 55.25 exactly
        value = F.cockcroft_gault(65, 60, F.creatinine_umol_l_to_mg_dl(85), female=True)
        assert round(value) == 55
        assert value == pytest.approx(55.25, rel=1e-9)

    def test_exact_boundary_40_male(self):
        # [hand] (140-50)*64/(72*2.0) = 5760/144 = 40 exactly
        assert F.cockcroft_gault(50, 64, 2.0, female=False) == 40.0

    def test_exact_boundary_60_male(self):
        # [hand] (140-80)*72/(72*1.0) = 60 exactly
        assert F.cockcroft_gault(80, 72, 1.0, female=False) == 60.0

    def test_exact_boundary_40_female(self):
        # [hand] (140-44)*75*0.85/(72*2.125) = 6120/153 = 40 exactly
        assert F.cockcroft_gault(44, 75, 2.125, female=True) == 40.0

    def test_female_factor_float_noise_does_not_leak(self):
        # [hand] (140-23)*64*0.85/(72*2.21) = 6364.8/159.12 = 40 exactly, but the naive
        # float expression gives 39.99999999999999 and would fail "CrCl >= 40".
        assert (140 - 23) * 64 / (72 * 2.21) * 0.85 < 40
        assert F.cockcroft_gault(23, 64, 2.21, female=True) == 40.0
        # [hand] (140-32)*88*0.85/(72*1.87) = 8078.4/134.64 = 60 exactly (naive float: 59.99999999999999)
        assert (140 - 32) * 88 / (72 * 1.87) * 0.85 < 60
        assert F.cockcroft_gault(32, 88, 1.87, female=True) == 60.0

    def test_exact_boundary_60_female(self):
        # [hand] (140-44)*90*0.85/(72*1.7) = 7344/122.4 = 60 exactly
        assert F.cockcroft_gault(44, 90, 1.7, female=True) == 60.0

    def test_female_factor(self):
        # [hand] male (140-40)*72/(72*1) = 100; female = 100*0.85 = 85 exactly
        male = F.cockcroft_gault(40, 72, 1.0, female=False)
        female = F.cockcroft_gault(40, 72, 1.0, female=True)
        assert male == 100.0
        assert female == 85.0

    def test_umol_input_converted_gives_exact_boundary(self):
        # [hand] 176.8 umol/L / 88.4 = 2.0 mg/dL -> same as the 40.0 boundary case
        scr = F.creatinine_umol_l_to_mg_dl(176.8)
        assert scr == 2.0
        assert F.cockcroft_gault(50, 64, scr, female=False) == 40.0

    def test_just_above_and_below_boundary_not_snapped(self):
        # [hand] 90*64/(72*2.001) = 39.98000999...; 90*64/(72*1.999) = 40.0200100...
        assert F.cockcroft_gault(50, 64, 2.001, female=False) == pytest.approx(39.98000999, rel=TIGHT)
        assert F.cockcroft_gault(50, 64, 1.999, female=False) == pytest.approx(40.02001001, rel=TIGHT)

    def test_fractional_age(self):
        # [hand] (140-45.5)*70/(72*1.0) = 6615/72 = 91.875
        assert F.cockcroft_gault(45.5, 70, 1.0, female=False) == 91.875

    @pytest.mark.parametrize(
        "kwargs, name",
        [
            (dict(age_years=-1, weight_kg=70, creatinine_mg_dl=1.0), "age_years"),
            (dict(age_years=140, weight_kg=70, creatinine_mg_dl=1.0), "age_years"),
            (dict(age_years=50, weight_kg=-70, creatinine_mg_dl=1.0), "weight_kg"),
            (dict(age_years=50, weight_kg=0, creatinine_mg_dl=1.0), "weight_kg"),
            (dict(age_years=50, weight_kg=70, creatinine_mg_dl=0), "creatinine_mg_dl"),
            (dict(age_years=50, weight_kg=70, creatinine_mg_dl=-0.5), "creatinine_mg_dl"),
            (dict(age_years=50, weight_kg=70, creatinine_mg_dl=float("nan")), "creatinine_mg_dl"),
        ],
    )
    def test_impossible_input(self, kwargs, name):
        with pytest.raises(ValueError, match=name):
            F.cockcroft_gault(female=False, **kwargs)

    def test_female_must_be_bool(self):
        with pytest.raises(TypeError, match="female"):
            F.cockcroft_gault(50, 64, 2.0, female="M")  # type: ignore[arg-type]


# ---------------------------------------------------------------------------
# body weights
# ---------------------------------------------------------------------------


class TestIdealBodyWeight:
    def test_clinpk_vectors(self):
        # [clinPK] ibw_devine(height=160, female) -> 52.381890, male -> 56.881890
        # [hand] 160/2.54 = 62.992126 in; 2.3*2.992126 = 6.881890
        assert F.ideal_body_weight_devine(160, female=True) == pytest.approx(52.381890, abs=1e-6)
        assert F.ideal_body_weight_devine(160, female=False) == pytest.approx(56.881890, abs=1e-6)

    def test_clinpk_rounded_vectors(self):
        # [clinPK] calc_ibw(height=180, male) -> 75.0; height 150 -> 47.8 (1 dp)
        # [hand] 180/2.54 = 70.866142; 50 + 2.3*10.866142 = 74.992126
        assert round(F.ideal_body_weight_devine(180, female=False), 1) == 75.0
        assert F.ideal_body_weight_devine(180, female=False) == pytest.approx(74.99212598, rel=TIGHT)
        # [hand] below 5 ft extrapolated linearly: 150/2.54 = 59.055118; 50 - 2.3*0.944882 = 47.826772
        assert round(F.ideal_body_weight_devine(150, female=False), 1) == 47.8
        assert F.ideal_body_weight_devine(150, female=False) == pytest.approx(47.82677165, rel=TIGHT)

    def test_exactly_five_feet(self):
        # [hand] 152.4 cm = 60 in exactly -> base weights
        assert F.ideal_body_weight_devine(152.4, female=False) == 50.0
        assert F.ideal_body_weight_devine(152.4, female=True) == 45.5

    def test_one_inch_over(self):
        # [hand] 154.94 cm = 61 in -> 50 + 2.3 = 52.3 exactly
        assert F.ideal_body_weight_devine(154.94, female=False) == 52.3

    def test_bad_height(self):
        with pytest.raises(ValueError, match="height_cm"):
            F.ideal_body_weight_devine(0, female=True)
        with pytest.raises(ValueError, match="height_cm"):
            F.ideal_body_weight_devine(-170, female=True)
        # [hand] IBW <= 0 when 45.5 + 2.3*(h/2.54 - 60) <= 0, i.e. h <= ~102 cm (F)
        with pytest.raises(ValueError, match="height_cm"):
            F.ideal_body_weight_devine(90, female=True)


class TestAdjustedBodyWeight:
    def test_clinpk_vectors(self):
        # [clinPK] calc_abw(weight=80, height=180, male) -> 77.0 (1 dp)
        # [hand] 74.992126 + 0.4*(80 - 74.992126) = 76.995276
        assert round(F.adjusted_body_weight(80, 180, female=False), 1) == 77.0
        assert F.adjusted_body_weight(80, 180, female=False) == pytest.approx(76.99527559, rel=TIGHT)
        # [clinPK] calc_abw(weight=150, height=150, male) -> 88.7 (1 dp)
        # [hand] 47.826772 + 0.4*(150 - 47.826772) = 88.696063
        assert round(F.adjusted_body_weight(150, 150, female=False), 1) == 88.7
        assert F.adjusted_body_weight(150, 150, female=False) == pytest.approx(88.69606299, rel=TIGHT)

    def test_exact(self):
        # [hand] IBW(152.4 cm, M) = 50; 50 + 0.4*(100-50) = 70 exactly
        assert F.adjusted_body_weight(100, 152.4, female=False) == 70.0
        # [hand] factor 0.3: 50 + 0.3*50 = 65
        assert F.adjusted_body_weight(100, 152.4, female=False, factor=0.3) == 65.0
        # [hand] IBW(152.4, F) = 45.5; 45.5 + 0.4*(95.5-45.5) = 65.5
        assert F.adjusted_body_weight(95.5, 152.4, female=True) == 65.5

    def test_bad_factor(self):
        with pytest.raises(ValueError, match="factor"):
            F.adjusted_body_weight(100, 170, female=False, factor=1.5)
        with pytest.raises(ValueError, match="actual_kg"):
            F.adjusted_body_weight(-100, 170, female=False)


class TestCockcroftGaultWeight:
    def test_actual_needs_no_height(self):
        assert F.cockcroft_gault_weight(83.2, None, female=False, rule="actual") == 83.2

    def test_ideal_and_adjusted(self):
        # [hand] 152.4 cm male: IBW 50; adjusted 50 + 0.4*(100-50) = 70
        assert F.cockcroft_gault_weight(100, 152.4, female=False, rule="ideal") == 50.0
        assert F.cockcroft_gault_weight(100, 152.4, female=False, rule="adjusted") == 70.0

    def test_mdcalc_underweight_uses_actual(self):
        # [hand] 50 kg / 1.8^2 = 15.43 < 18.5 -> actual 50
        assert F.cockcroft_gault_weight(50, 180, female=False, rule="mdcalc") == 50.0

    def test_mdcalc_normal_uses_min_ibw_actual(self):
        # [hand] 70 kg / 1.8^2 = 21.60 -> min(IBW 74.992126, 70) = 70
        assert F.cockcroft_gault_weight(70, 180, female=False, rule="mdcalc") == 70.0
        # [hand] 60 kg / 1.6^2 = 23.44 (F): IBW 52.381890 < 60 -> 52.381890
        assert F.cockcroft_gault_weight(60, 160, female=True, rule="mdcalc") == pytest.approx(52.38188976, rel=TIGHT)

    def test_mdcalc_overweight_uses_adjusted(self):
        # [hand] 80 kg / 1.7^2 = 27.68 >= 25; 170/2.54 = 66.929134 in,
        # IBW = 50 + 2.3*6.929134 = 65.937008; ABW = 65.937008 + 0.4*14.062992 = 71.562205
        assert F.cockcroft_gault_weight(80, 170, female=False, rule="mdcalc") == pytest.approx(71.56220472, rel=TIGHT)

    def test_mdcalc_bmi_boundaries(self):
        # [hand] 200 cm: BMI 18.5 <-> 74 kg exactly; BMI 25 <-> 100 kg exactly.
        # IBW(200 cm, M) = 50 + 2.3*(78.740157-60) = 93.102362
        # BMI 18.5 -> normal band -> min(IBW, 74) = 74
        assert F.cockcroft_gault_weight(74, 200, female=False, rule="mdcalc") == 74.0
        # BMI 18.49 (73.96 kg) -> underweight -> actual
        assert F.cockcroft_gault_weight(73.96, 200, female=False, rule="mdcalc") == 73.96
        # BMI 25 exactly -> adjusted: 93.102362 + 0.4*(100-93.102362) = 95.861417
        assert F.cockcroft_gault_weight(100, 200, female=False, rule="mdcalc") == pytest.approx(95.86141732, rel=TIGHT)
        # BMI 24.99 (99.96 kg) -> normal -> min(93.102362, 99.96) = IBW
        assert F.cockcroft_gault_weight(99.96, 200, female=False, rule="mdcalc") == pytest.approx(93.10236220, rel=TIGHT)

    def test_feeds_cockcroft_gault(self):
        # [hand] adjusted weight 70 kg (see above), age 65, Scr 1.4 M:
        # 75*70/(72*1.4) = 5250/100.8 = 52.083333...
        w = F.cockcroft_gault_weight(100, 152.4, female=False, rule="adjusted")
        assert F.cockcroft_gault(65, w, 1.4, female=False) == pytest.approx(52.08333333, rel=TIGHT)

    @pytest.mark.parametrize("rule", ["ideal", "adjusted", "mdcalc"])
    def test_height_required(self, rule):
        with pytest.raises(ValueError, match="height_cm"):
            F.cockcroft_gault_weight(80, None, female=False, rule=rule)

    def test_unknown_rule(self):
        with pytest.raises(ValueError, match="rule"):
            F.cockcroft_gault_weight(80, 170, female=False, rule="lean")  # type: ignore[arg-type]


# ---------------------------------------------------------------------------
# CKD-EPI 2021
# ---------------------------------------------------------------------------


class TestCkdEpi2021:
    @pytest.mark.parametrize(
        "umol, female, expected",
        [(200, False, 30), (200, True, 23), (100, False, 70), (100, True, 52)],
    )
    def test_nkf_ml4oncology_vectors_age_70(self, umol, female, expected):
        # [NKF/ml4onc] age 70: 200 umol/L M->30 F->23; 100 umol/L M->70 F->52 (integers)
        # [hand] e.g. 200/88.4 = 2.2624 mg/dL, M: 142*(2.2624/0.9)^-1.2*0.9938^70 = 30.40
        value = F.ckd_epi_2021(F.creatinine_umol_l_to_mg_dl(umol), 70, female)
        assert round(value) == expected

    def test_nkf_admiral_vectors(self):
        # [NKF/admiral] 1.09 mg/dL, 55 y, M -> 80; 85 umol/L, 65 y, F -> 66
        assert round(F.ckd_epi_2021(1.09, 55, female=False)) == 80
        assert round(F.ckd_epi_2021(F.creatinine_umol_l_to_mg_dl(85), 65, female=True)) == 66

    @pytest.mark.parametrize(
        "umol, age, female, expected",
        [
            (96.3, 55, False, 80.2293),
            (70, 52, True, 89.7175),
            (77, 67, False, 94.5453),
            (65, 76, True, 84.4646),
        ],
    )
    def test_admiral_implementation_vectors(self, umol, age, female, expected):
        # [admiral] expected values at 4 dp; admiral converts umol/L with /88.42,
        # so the same conversion is applied here (not our 88.4 constant).
        value = F.ckd_epi_2021(umol / 88.42, age, female)
        assert value == pytest.approx(expected, abs=5e-5)

    def test_at_kappa_only_age_and_sex_terms(self):
        # [hand] Scr == kappa -> min/max terms are 1:
        # M: 142*0.9938^40 = 110.7255996; F: *1.012 = 112.0543068
        assert F.ckd_epi_2021(0.9, 40, female=False) == pytest.approx(110.7255996, rel=TIGHT)
        assert F.ckd_epi_2021(0.7, 40, female=True) == pytest.approx(112.0543068, rel=TIGHT)

    def test_continuous_across_kappa(self):
        below = F.ckd_epi_2021(0.9 - 1e-9, 50, female=False)
        above = F.ckd_epi_2021(0.9 + 1e-9, 50, female=False)
        assert below == pytest.approx(above, rel=1e-7)

    def test_age_18_boundary(self):
        # [hand] Scr 1.0, M, 18: 142*(1/0.9)^-1.2*0.9938^18 = 111.8822571
        assert F.ckd_epi_2021(1.0, 18, female=False) == pytest.approx(111.8822571, rel=TIGHT)
        # [hand] F: 142*(1/0.7)^-1.2*0.9938^18*1.012 = 83.74682831
        assert F.ckd_epi_2021(1.0, 18, female=True) == pytest.approx(83.74682831, rel=TIGHT)
        with pytest.raises(ValueError, match="age_years"):
            F.ckd_epi_2021(1.0, 17.99, female=False)

    def test_impossible_input(self):
        with pytest.raises(ValueError, match="creatinine_mg_dl"):
            F.ckd_epi_2021(0, 50, female=False)
        with pytest.raises(ValueError, match="age_years"):
            F.ckd_epi_2021(1.0, -1, female=False)


# ---------------------------------------------------------------------------
# bedside Schwartz and the age switch
# ---------------------------------------------------------------------------


class TestBedsideSchwartz:
    def test_transplantr_vector(self):
        # [transplantr] 0.6 mg/dL, 101 cm -> 69.5 (1 dp); [hand] 0.413*101/0.6 = 69.521667
        value = F.bedside_schwartz(101, 0.6)
        assert round(value, 1) == 69.5
        assert value == pytest.approx(69.52166667, rel=TIGHT)

    def test_kidney_org_worked_example(self):
        # [kidney.org] 0.4 mg/dL, 100 cm -> 103; [hand] 0.413*100/0.4 = 103.25 exactly
        value = F.bedside_schwartz(100, 0.4)
        assert round(value) == 103
        assert value == 103.25

    def test_exact_60(self):
        # [hand] 0.413*120/0.826 = 49.56/0.826 = 60 exactly
        assert F.bedside_schwartz(120, 0.826) == 60.0

    def test_umol_converted(self):
        # [hand] 53.04 umol/L / 88.4 = 0.6 mg/dL -> same as transplantr vector
        scr = F.creatinine_umol_l_to_mg_dl(53.04)
        assert scr == 0.6
        assert F.bedside_schwartz(101, scr) == pytest.approx(69.52166667, rel=TIGHT)

    def test_impossible_input(self):
        with pytest.raises(ValueError, match="height_cm"):
            F.bedside_schwartz(0, 0.5)
        with pytest.raises(ValueError, match="creatinine_mg_dl"):
            F.bedside_schwartz(120, 0)


class TestEgfrAgeAppropriate:
    def test_switch_at_exactly_18(self):
        value, formula = F.egfr_age_appropriate(1.0, 18, female=False, height_cm=170)
        assert formula == "ckd_epi_2021"
        assert value == pytest.approx(111.8822571, rel=TIGHT)

    def test_just_under_18_uses_schwartz(self):
        # [hand] 0.413*170/1.0 = 70.21
        value, formula = F.egfr_age_appropriate(1.0, 17.99, female=False, height_cm=170)
        assert formula == "bedside_schwartz"
        assert value == 70.21

    def test_age_17_completed_years_from_birthday(self):
        born = date(2008, 5, 10)
        age_day_before = F.age_completed_years(born, date(2026, 5, 9))
        age_on_birthday = F.age_completed_years(born, date(2026, 5, 10))
        assert F.egfr_age_appropriate(0.6, age_day_before, True, 101)[1] == "bedside_schwartz"
        assert F.egfr_age_appropriate(0.6, age_on_birthday, True, 101)[1] == "ckd_epi_2021"

    def test_child_vector(self):
        # [transplantr] 0.6 mg/dL, 101 cm -> 69.5
        value, formula = F.egfr_age_appropriate(0.6, 5, female=True, height_cm=101)
        assert formula == "bedside_schwartz"
        assert round(value, 1) == 69.5

    def test_adult_ignores_height(self):
        # [NKF/admiral] 1.09 mg/dL, 55 y, M -> 80
        value, formula = F.egfr_age_appropriate(1.09, 55, female=False)
        assert formula == "ckd_epi_2021"
        assert round(value) == 80

    def test_child_without_height(self):
        with pytest.raises(ValueError, match="height_cm"):
            F.egfr_age_appropriate(0.6, 10, female=True)

    def test_negative_age(self):
        with pytest.raises(ValueError, match="age_years"):
            F.egfr_age_appropriate(0.6, -1, female=True, height_cm=100)


# ---------------------------------------------------------------------------
# QTc
# ---------------------------------------------------------------------------


class TestRR:
    def test_values(self):
        # [hand] 60/60 = 1; 60/75 = 0.8; 60/80 = 0.75; 60/88 = 0.681818...
        assert F.rr_interval_s(60) == 1.0
        assert F.rr_interval_s(75) == 0.8
        assert F.rr_interval_s(80) == 0.75
        assert F.rr_interval_s(88) == pytest.approx(0.6818181818, rel=TIGHT)

    @pytest.mark.parametrize("hr", [0, -60])
    def test_bad_hr(self, hr):
        with pytest.raises(ValueError, match="hr_bpm"):
            F.rr_interval_s(hr)


class TestQtcBazett:
    def test_hr_60_equals_qt(self):
        # [QTc-mannd] QTc == QT at 60 bpm (RR 1 s)
        assert F.qtc_bazett(300, hr_bpm=60) == 300.0

    @pytest.mark.parametrize(
        "qt, hr, expected",
        [(456, 77, 516.6), (278, 88, 336.7), (334, 112, 456.3), (402, 47, 355.8), (219, 132, 324.8)],
    )
    def test_mannd_vectors_hr(self, qt, hr, expected):
        # [QTc-mannd] tabulated to 0.1 ms, tested there with accuracy 0.1
        assert F.qtc_bazett(qt, hr_bpm=hr) == pytest.approx(expected, abs=0.1)

    def test_mannd_vector_rr(self):
        # [QTc-mannd] QT 369 ms, RR 600 ms -> 476.4; [hand] 369/sqrt(0.6) = 476.376952
        assert F.qtc_bazett(369, rr_s=0.6) == pytest.approx(476.3769516, rel=TIGHT)
        assert round(F.qtc_bazett(369, rr_s=0.6), 1) == 476.4

    @pytest.mark.parametrize("qt, rr, expected", [(318, 1.345, 274), (451, 0.878, 481), (333, 0.451, 496)])
    def test_medcalc_com_vectors(self, qt, rr, expected):
        # [QTc-mannd] rows quoted from the medcalc.com online QTc calculator (integers)
        assert round(F.qtc_bazett(qt, rr_s=rr)) == expected

    def test_exact_boundaries(self):
        # [hand] sqrt(0.81) = 0.9: 360/0.9 = 400; 450/0.9 = 500 (a common exclusion cut-off)
        assert F.qtc_bazett(360, rr_s=0.81) == 400.0
        assert F.qtc_bazett(450, rr_s=0.81) == 500.0
        # [hand] HR 75 -> RR 0.8 is not a perfect square; 400/sqrt(0.8) = 447.2135955
        assert F.qtc_bazett(400, hr_bpm=75) == pytest.approx(447.2135955, rel=TIGHT)

    def test_exactly_one_of_rr_hr(self):
        with pytest.raises(ValueError, match="exactly one"):
            F.qtc_bazett(400)
        with pytest.raises(ValueError, match="exactly one"):
            F.qtc_bazett(400, rr_s=1.0, hr_bpm=60)

    def test_bad_input(self):
        with pytest.raises(ValueError, match="qt_ms"):
            F.qtc_bazett(0, hr_bpm=60)
        with pytest.raises(ValueError, match="rr_s"):
            F.qtc_bazett(400, rr_s=-1)
        with pytest.raises(ValueError, match="rr_s"):
            F.qtc_bazett(400, rr_s=800)  # milliseconds passed by mistake


class TestQtcFridericia:
    def test_hr_60_equals_qt(self):
        assert F.qtc_fridericia(300, hr_bpm=60) == 300.0

    @pytest.mark.parametrize(
        "qt, hr, expected",
        [(456, 77, 495.5), (278, 88, 315.9), (334, 112, 411.2), (402, 47, 370.6), (219, 132, 284.8)],
    )
    def test_mannd_vectors_hr(self, qt, hr, expected):
        # [QTc-mannd] tabulated to 0.1 ms, tested there with accuracy 0.1
        assert F.qtc_fridericia(qt, hr_bpm=hr) == pytest.approx(expected, abs=0.1)

    def test_mannd_vector_rr(self):
        # [QTc-mannd] QT 369 ms, RR 600 ms -> 437.5; [hand] 369/0.6^(1/3) = 437.4978765
        assert F.qtc_fridericia(369, rr_s=0.6) == pytest.approx(437.4978765, rel=TIGHT)

    def test_exact_boundaries(self):
        # [hand] cbrt(0.729) = 0.9: 360/0.9 = 400; 450/0.9 = 500
        assert F.qtc_fridericia(360, rr_s=0.729) == 400.0
        assert F.qtc_fridericia(450, rr_s=0.729) == 500.0
        # [hand] cbrt(0.512) = 0.8: 376/0.8 = 470 (female QTcF cut-off in many protocols)
        assert F.qtc_fridericia(376, rr_s=0.512) == 470.0
        # [hand] cbrt(1.331) = 1.1: 495/1.1 = 450
        assert F.qtc_fridericia(495, rr_s=1.331) == 450.0

    def test_differs_from_bazett(self):
        # at HR > 60 Bazett over-corrects relative to Fridericia
        assert F.qtc_bazett(400, hr_bpm=100) > F.qtc_fridericia(400, hr_bpm=100)

    def test_exactly_one_of_rr_hr(self):
        with pytest.raises(ValueError, match="exactly one"):
            F.qtc_fridericia(400)
        with pytest.raises(ValueError, match="exactly one"):
            F.qtc_fridericia(400, rr_s=1.0, hr_bpm=60)

    def test_bad_hr(self):
        with pytest.raises(ValueError, match="hr_bpm"):
            F.qtc_fridericia(400, hr_bpm=0)


# ---------------------------------------------------------------------------
# glucocorticoids
# ---------------------------------------------------------------------------

# [notes 09 table] mg equivalent to 5 mg prednisone
_TABLE = {
    "prednisone": 5,
    "prednisolone": 5,
    "methylprednisolone": 4,
    "triamcinolone": 4,
    "dexamethasone": 0.75,
    "betamethasone": 0.75,
    "hydrocortisone": 20,
    "cortisone": 25,
}

# [MedCalc-Bench] relative factors (mg per 1 mg dexamethasone): dex 1, betamethasone 1,
# hydrocortisone 26.67, methylprednisolone 5.33, prednisone 6.67, prednisolone 6.67,
# cortisone 33.33, triamcinolone 5.33 (rounded to 2 dp there)
_MEDCALC_BENCH = {
    "dexamethasone": 1.0,
    "betamethasone": 1.0,
    "hydrocortisone": 26.67,
    "methylprednisolone": 5.33,
    "prednisone": 6.67,
    "prednisolone": 6.67,
    "cortisone": 33.33,
    "triamcinolone": 5.33,
}


class TestGlucocorticoids:
    def test_table_matches_notes(self):
        assert F.GLUCOCORTICOID_PREDNISONE_EQUIVALENT_MG == pytest.approx(_TABLE, rel=0, abs=0)
        assert set(F.GLUCOCORTICOID_PREDNISONE_EQUIVALENT_MG) == set(_TABLE)

    @pytest.mark.parametrize("drug, mg", sorted(_TABLE.items()))
    def test_table_dose_is_5_mg_prednisone(self, drug, mg):
        assert F.prednisone_equivalent_mg(drug, mg) == 5.0

    @pytest.mark.parametrize("drug", sorted(_MEDCALC_BENCH))
    def test_agrees_with_medcalc_bench_factors(self, drug):
        # [MedCalc-Bench] prednisone-equivalent of 1 mg = 6.67 / factor(drug); their factors
        # are rounded to 2 dp, so agreement is to within 0.2 %
        expected = 6.67 / _MEDCALC_BENCH[drug]
        assert F.prednisone_equivalent_mg(drug, 1.0) == pytest.approx(expected, rel=2e-3)

    def test_hand_examples(self):
        # [hand] methylprednisolone 6 mg * 5/4 = 7.5 (LLDAS boundary)
        assert F.prednisone_equivalent_mg("methylprednisolone", 6) == 7.5
        # [hand] dexamethasone 1.5 mg * 5/0.75 = 10
        assert F.prednisone_equivalent_mg("dexamethasone", 1.5) == 10.0
        # [hand] hydrocortisone 30 mg * 5/20 = 7.5
        assert F.prednisone_equivalent_mg("hydrocortisone", 30) == 7.5
        # [hand] dexamethasone 0.3 mg * 5/0.75 = 2
        assert F.prednisone_equivalent_mg("dexamethasone", 0.3) == 2.0
        # [hand] methylprednisolone 1000 mg pulse * 5/4 = 1250
        assert F.prednisone_equivalent_mg("methylprednisolone", 1000) == 1250.0
        # [hand] dexamethasone 4 mg * 5/0.75 = 26.6666...
        assert F.prednisone_equivalent_mg("dexamethasone", 4) == pytest.approx(26.66666667, rel=TIGHT)

    def test_name_normalised(self):
        assert F.prednisone_equivalent_mg("  Methylprednisolone ", 8) == 10.0
        assert F.prednisone_equivalent_mg("PREDNISONE", 7.5) == 7.5

    def test_zero_dose(self):
        assert F.prednisone_equivalent_mg("prednisone", 0) == 0.0

    def test_unknown_drug_is_value_error(self):
        with pytest.raises(ValueError, match="budesonide"):
            F.prednisone_equivalent_mg("budesonide", 9)

    def test_negative_dose(self):
        with pytest.raises(ValueError, match="dose_mg"):
            F.prednisone_equivalent_mg("prednisone", -5)

    def test_per_kg(self):
        # [hand] prednisone 30 mg / 60 kg = 0.5 mg/kg
        assert F.prednisone_equivalent_mg_per_kg("prednisone", 30, 60) == 0.5
        # [hand] methylprednisolone 40 mg -> 50 mg pred / 50 kg = 1.0 mg/kg
        assert F.prednisone_equivalent_mg_per_kg("methylprednisolone", 40, 50) == 1.0
        # [hand] dexamethasone 0.6 mg -> 4 mg pred / 20 kg = 0.2 mg/kg
        assert F.prednisone_equivalent_mg_per_kg("dexamethasone", 0.6, 20) == 0.2
        with pytest.raises(ValueError, match="weight_kg"):
            F.prednisone_equivalent_mg_per_kg("prednisone", 30, 0)
        with pytest.raises(ValueError, match="unknown|known"):
            F.prednisone_equivalent_mg_per_kg("fludrocortisone", 0.1, 70)

    def test_is_pulse(self):
        assert F.is_pulse(1250, 250) is True
        assert F.is_pulse(250, 250) is True  # inclusive
        assert F.is_pulse(249.99, 250) is False
        # [hand] methylprednisolone 200 mg -> 250 mg pred-eq: exactly at threshold
        assert F.is_pulse(F.prednisone_equivalent_mg("methylprednisolone", 200), 250) is True
        # float noise just below the threshold must not flip the result
        assert F.is_pulse(249.99999999999997, 250) is True
        with pytest.raises(ValueError, match="threshold_mg"):
            F.is_pulse(100, 0)
        with pytest.raises(ValueError, match="pred_eq_mg_per_day"):
            F.is_pulse(-1, 250)


# ---------------------------------------------------------------------------
# unit conversions
# ---------------------------------------------------------------------------


class TestUnits:
    def test_constants(self):
        assert F.CREATININE_UMOL_PER_MG_DL == 88.4
        assert F.BILIRUBIN_UMOL_PER_MG_DL == 17.1
        assert F.HEMOGLOBIN_G_L_PER_G_DL == 10.0
        assert F.CREATININE_MG_PER_MMOL == 113.12
        # [hand] consistency: 10 000 / 88.4 = 113.122 ~ 113.12 (molar mass of creatinine)
        assert 10000 / F.CREATININE_UMOL_PER_MG_DL == pytest.approx(F.CREATININE_MG_PER_MMOL, rel=5e-5)
        # [hand] molar masses from IUPAC atomic weights C 12.011, H 1.008, N 14.007, O 15.999
        creatinine = 4 * 12.011 + 7 * 1.008 + 3 * 14.007 + 15.999  # C4H7N3O = 113.120
        bilirubin = 33 * 12.011 + 36 * 1.008 + 4 * 14.007 + 6 * 15.999  # C33H36N4O6 = 584.673
        assert 10000 / creatinine == pytest.approx(F.CREATININE_UMOL_PER_MG_DL, abs=0.01)
        assert 10000 / bilirubin == pytest.approx(F.BILIRUBIN_UMOL_PER_MG_DL, abs=0.01)

    def test_creatinine_transplantr(self):
        # [transplantr] creatinine_to_US(270) -> 3.1 (1 dp); [hand] 270/88.4 = 3.054299
        assert round(F.creatinine_umol_l_to_mg_dl(270), 1) == 3.1
        assert F.creatinine_umol_l_to_mg_dl(270) == pytest.approx(3.054298643, rel=TIGHT)
        # [transplantr] creatinine_to_SI(3.5) -> 309 (0 dp); [hand] 3.5*88.4 = 309.4
        assert round(F.creatinine_mg_dl_to_umol_l(3.5)) == 309
        assert F.creatinine_mg_dl_to_umol_l(3.5) == 309.4

    def test_creatinine_exact(self):
        # [hand] 88.4 -> 1.0; 1.0 -> 88.4; 0.3 mg/dL -> 26.52 -> 0.3 round trip exact
        assert F.creatinine_umol_l_to_mg_dl(88.4) == 1.0
        assert F.creatinine_mg_dl_to_umol_l(1.0) == 88.4
        assert F.creatinine_mg_dl_to_umol_l(0.3) == 26.52
        assert F.creatinine_umol_l_to_mg_dl(26.52) == 0.3

    def test_bilirubin_transplantr(self):
        # [transplantr] bilirubin_to_US(18) -> 1.1 (1 dp); [hand] 18/17.1 = 1.052632
        assert round(F.bilirubin_umol_l_to_mg_dl(18), 1) == 1.1
        assert F.bilirubin_umol_l_to_mg_dl(18) == pytest.approx(1.052631579, rel=TIGHT)
        # [transplantr] bilirubin_to_SI(5.4) -> 92 (0 dp); [hand] 5.4*17.1 = 92.34
        assert round(F.bilirubin_mg_dl_to_umol_l(5.4)) == 92
        assert F.bilirubin_mg_dl_to_umol_l(5.4) == 92.34

    def test_bilirubin_exact(self):
        # [hand] 17.1 -> 1.0; 1.2 mg/dL (a common ULN) -> 20.52 umol/L
        assert F.bilirubin_umol_l_to_mg_dl(17.1) == 1.0
        assert F.bilirubin_mg_dl_to_umol_l(1.2) == 20.52
        assert F.bilirubin_umol_l_to_mg_dl(20.52) == 1.2

    def test_upcr(self):
        # [hand] 113.12 mg/mmol = 1 mg/mg; 0.5 mg/mg = 56.56 mg/mmol
        assert F.upcr_mg_mmol_to_mg_mg(113.12) == 1.0
        assert F.upcr_mg_mg_to_mg_mmol(0.5) == 56.56
        assert F.upcr_mg_mmol_to_mg_mg(56.56) == 0.5
        # [hand] 50 mg/mmol / 113.12 = 0.442008 mg/mg (NOT 0.5: guideline "50 mg/mmol ~ 0.5 g/g" is rounded)
        assert F.upcr_mg_mmol_to_mg_mg(50) == pytest.approx(0.4420084866, rel=TIGHT)
        # [hand] 1 mg/mmol = 8.84 mg/g (0.00884 mg/mg)
        assert F.upcr_mg_mmol_to_mg_mg(1) * 1000 == pytest.approx(8.840169731, rel=TIGHT)
        # [hand] 3 g/g -> 339.36 mg/mmol
        assert F.upcr_mg_mg_to_mg_mmol(3) == 339.36

    def test_zero(self):
        assert F.creatinine_umol_l_to_mg_dl(0) == 0.0
        assert F.upcr_mg_mg_to_mg_mmol(0) == 0.0

    @pytest.mark.parametrize(
        "fn",
        [
            "creatinine_umol_l_to_mg_dl",
            "creatinine_mg_dl_to_umol_l",
            "bilirubin_umol_l_to_mg_dl",
            "bilirubin_mg_dl_to_umol_l",
            "upcr_mg_mmol_to_mg_mg",
            "upcr_mg_mg_to_mg_mmol",
        ],
    )
    def test_negative_rejected(self, fn):
        with pytest.raises(ValueError, match="x"):
            getattr(F, fn)(-1)
