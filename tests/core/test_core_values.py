"""Core values computed from patient records: age, CrCl with the weight rule, eGFR switch, QTc, pulse, ×ULN."""

from __future__ import annotations

from tests.core.conftest import meds
from trialscreen_core import values

CREATININE = {"test": "creatinine", "value": 2.0, "unit": "mg/dL", "date": "2026-11-15", "ref_high": 1.0}


def test_age_on_birthday_is_inclusive(context):
    assert values.age_years(context(birth_date="2008-11-20"), {}).value == 18
    assert values.age_years(context(birth_date="2008-11-21"), {}).value == 17


def test_crcl_exact_forty_and_unit_input(context):
    # (140 − 50) × 64 / (72 × 2.0) = 40.0 exactly (male); the same creatinine given as 176.8 µmol/L.
    for lab in (CREATININE, {**CREATININE, "value": 176.8, "unit": "µmol/L", "ref_high": 88.4}):
        ctx = context(sex="male", birth_date="1976-11-20", weight="64 kg", labs=[lab])
        assert values.crcl_cockcroft_gault(ctx, {"weight": "actual"}).value == 40.0


def test_crcl_missing_weight_is_unknown_and_named(context):
    ctx = context(weight=None, labs=[CREATININE])
    result = values.crcl_cockcroft_gault(ctx, {"weight": "actual"})
    assert result.value is None and result.missing == ("body weight",)


def test_crcl_weight_rule_is_a_parameter(context):
    # female, 165 cm: Devine IBW = 45.5 + 2.3 × (165/2.54 − 60) = 57.0 kg (to 0.1); 90 kg actual.
    ctx = context(weight="90 kg", birth_date="1976-11-20", labs=[CREATININE])
    actual = values.crcl_cockcroft_gault(ctx, {"weight": "actual"}).value
    ideal = values.crcl_cockcroft_gault(ctx, {"weight": "ideal"}).value
    assert actual == round(90 * 90 / 144 * 0.85, 6)
    assert 30 < ideal < actual


def test_egfr_switches_to_schwartz_under_18(context):
    child = context(birth_date="2016-11-21", height="101 cm",
                    labs=[{**CREATININE, "value": 0.6}])  # 9 years old; Schwartz 0.413 × 101 / 0.6 = 69.5
    result = values.egfr(child, {})
    assert round(result.value, 1) == 69.5 and "bedside_schwartz" in result.evidence[-1].label
    adult = context(birth_date="1956-11-20", sex="male", labs=[{**CREATININE, "value": 200, "unit": "umol/L"}])
    assert round(values.egfr(adult, {}).value) == 30  # NKF calculator: 70 y, male, 200 µmol/L → 30


def test_qtc_bazett_from_qt_and_heart_rate(context):
    ctx = context(vitals=[{"test": "qt_interval", "value": 400, "unit": "ms", "date": "2026-11-15"},
                          {"test": "heart_rate", "value": 60, "unit": "bpm", "date": "2026-11-15"}])
    qtc = values._qtc(__import__("trialscreen_core.formulas").formulas.qtc_bazett, "QTc (Bazett)")
    assert qtc(ctx, {}).value == 400.0  # RR = 1 s: QTc = QT


def test_glucocorticoid_pulse_thresholds(context):
    pulse = {"drug": "methylprednisolone", "start_date": "2026-10-01", "end_date": "2026-10-03",
             "dose": {"value": 500, "unit": "mg", "per": "day"}}
    ctx = context(medications=meds(pulse))
    params = {"threshold_mg_per_day": 200, "within": {"months": 2}}
    assert values.glucocorticoid_pulse(ctx, params).value is True  # 500 mg MP = 625 mg prednisone
    old = context(medications=meds({**pulse, "start_date": "2026-09-01", "end_date": "2026-09-19"}))
    assert values.glucocorticoid_pulse(old, params).value is False  # ended before 2026-09-20
    # 160 mg methylprednisolone = 200 mg prednisone: exactly at the threshold counts as a pulse
    edge = context(medications=meds({**pulse, "dose": {"value": 160, "unit": "mg", "per": "day"}}))
    assert values.glucocorticoid_pulse(edge, params).value is True


def test_lab_without_reference_range_makes_xuln_unknown(context):
    from trialscreen.facts.resolve import resolve
    from trialscreen.rules.model import Compare

    ctx = context(labs=[{"test": "alt", "value": 40, "unit": "U/L", "date": "2026-11-15"}])
    fact = resolve(Compare(fact="lab.alt.x_uln", op="<=", value=3, unit="xULN"), ctx)
    assert fact.value is None and "reference range not recorded" in fact.missing[0]
    ctx = context(labs=[{"test": "alt", "value": 120, "unit": "U/L", "date": "2026-11-15", "ref_high": 40}])
    assert resolve(Compare(fact="lab.alt.x_uln", op="<=", value=3, unit="xULN"), ctx).value == 3.0


def test_window_starts_do_not_leak_between_windows(context):
    """Regression: window starts were cached by id(window); a freed window's id reused by a new one returned
    the old start (a 6-month window got a 28-day start)."""
    from trialscreen.rules.model import Window

    ctx = context()
    for _ in range(200):
        assert ctx.window_start(Window.model_validate({"days": 28})).isoformat() == "2026-10-23"
        assert ctx.window_start(Window.model_validate({"months": 6})).isoformat() == "2026-05-20"


def test_serology_status_ignores_results_after_the_as_of_date():
    """Regression: the SSc plugin's own copy used results dated after an earlier --as-of date."""
    from datetime import date

    from trialscreen.facts.context import ScreeningContext
    from trialscreen.facts.record import normalise
    from trialscreen.model.patient import Patient
    from trialscreen.plugins.helpers import serology_status
    from trialscreen.plugins.manager import default_manager
    from tests.core.conftest import BASE

    patient = Patient.model_validate({**BASE, "serologies": [
        {"test": "hbsag", "result": "negative", "date": "2026-01-10"},
        {"test": "hbsag", "result": "positive", "date": "2026-11-01"}]})
    record = normalise(patient, default_manager())
    later = ScreeningContext(record, date(2026, 11, 20), default_manager())
    earlier = ScreeningContext(record, date(2026, 6, 1), default_manager())
    assert serology_status(later, "hbsag")[0] is True
    assert serology_status(earlier, "hbsag")[0] is False
