"""Treatment-history predicates: washout in half-lives, exposure duration (dose-qualified), distinct agents
and mechanisms, current glucocorticoid dose. Each is three-valued: unknown unless the history is complete."""

from __future__ import annotations

from datetime import date

from tests.core.conftest import meds
from trialscreen_core import treatment

# Screening date in every case: 2026-11-20.


def test_half_life_washout_tofacitinib_is_conservative_about_clock_time(context):
    # tofacitinib t½ 3.2 h (drug catalogue); 5 × 3.2 h = 16 h → ceil(16/24) = 1 day, plus the day of the last
    # dose whose time is unknown: washout complete from last + 2 days.
    params = {"names": None, "classes": ["jak_inhibitor"], "half_lives": 5}
    ctx = context(medications=meds({"drug": "tofacitinib", "start_date": "2025-01-01", "end_date": "2026-11-19"}))
    result = treatment.exposure_within_half_lives(ctx, params)
    assert result.value is True and result.lapses_on == date(2026, 11, 21)
    ctx = context(medications=meds({"drug": "Xeljanz", "start_date": "2025-01-01", "end_date": "2026-11-18"}))
    assert treatment.exposure_within_half_lives(ctx, params).value is False


def test_half_life_washout_upadacitinib_three_days(context):
    # upadacitinib t½ 14 h (catalogue, upper end of 9–14 h): 5 × 14 = 70 h → 3 days (+1): lapses 2026-11-21 if
    # the last dose was 2026-11-17; 2026-11-16 has lapsed on 2026-11-20.
    params = {"names": ["upadacitinib"], "classes": None, "half_lives": 5}
    inside = context(medications=meds({"drug": "upadacitinib", "start_date": "2025-01-01", "end_date": "2026-11-17"}))
    assert treatment.exposure_within_half_lives(inside, params).lapses_on == date(2026, 11, 21)
    outside = context(medications=meds({"drug": "upadacitinib", "start_date": "2025-01-01", "end_date": "2026-11-16"}))
    assert treatment.exposure_within_half_lives(outside, params).value is False


def test_half_life_unknown_when_history_incomplete_or_half_life_missing(context):
    params = {"names": None, "classes": ["jak_inhibitor"], "half_lives": 5}
    ctx = context(medications=meds(complete=False))
    assert treatment.exposure_within_half_lives(ctx, params).missing == ("complete medication history (jak inhibitor within 5 half-lives)",)
    ctx = context(medications=meds({"drug": "peficitinib", "start_date": "2025-01-01", "end_date": "2026-11-01"}))
    result = treatment.exposure_within_half_lives(ctx, params)
    assert result.value is None and "elimination half-life of peficitinib" in result.missing[0]


def test_duration_calendar_months_boundary(context):
    params = {"names": ["hydroxychloroquine"], "classes": None, "months": 3}
    exactly = context(medications=meds({"drug": "hydroxychloroquine", "start_date": "2026-01-01", "end_date": "2026-04-01"}))
    assert treatment.exposure_duration_at_least(exactly, params).value is True
    short = context(medications=meds({"drug": "hydroxychloroquine", "start_date": "2026-01-01", "end_date": "2026-03-31"}))
    result = treatment.exposure_duration_at_least(short, params)
    assert result.value is False and "89 days" in result.evidence[0].value


def test_duration_merges_back_to_back_courses_and_runs_ongoing_to_as_of(context):
    params = {"names": None, "classes": ["conventional_immunosuppressant"], "months": 6}
    ctx = context(medications=meds(
        {"drug": "mycophenolate mofetil", "start_date": "2026-01-01", "end_date": "2026-03-31"},
        {"drug": "azathioprine", "start_date": "2026-04-01", "ongoing": True},
    ))
    assert treatment.exposure_duration_at_least(ctx, params).value is True  # 2026-01-01 → 2026-11-20


def test_dose_qualified_duration_prednisone_one_mg_per_kg(context):
    # Protocol 003: "≥3M of high dose glucocorticoids (prednisone ≥1 mg/kg/d or equivalent)". 60 kg patient.
    params = {"names": None, "classes": ["glucocorticoid"], "months": 3, "min_prednisone_eq_mg_per_kg_per_day": 1}
    enough = context(medications=meds({"drug": "prednisone", "start_date": "2026-01-01", "end_date": "2026-05-01",
                                        "dose": {"value": 60, "unit": "mg", "per": "day"}}))
    assert treatment.exposure_duration_at_least(enough, params).value is True
    # methylprednisolone 48 mg = 60 mg prednisone (4 mg ≙ 5 mg): also 1 mg/kg/day
    mp = context(medications=meds({"drug": "methylprednisolone", "start_date": "2026-01-01", "end_date": "2026-05-01",
                                    "dose": {"value": 48, "unit": "mg", "per": "day"}}))
    assert treatment.exposure_duration_at_least(mp, params).value is True
    low = context(medications=meds({"drug": "prednisone", "start_date": "2026-01-01", "end_date": "2026-05-01",
                                     "dose": {"value": 59, "unit": "mg", "per": "day"}}))
    assert treatment.exposure_duration_at_least(low, params).value is False
    no_dose = context(medications=meds({"drug": "prednisone", "start_date": "2026-01-01", "end_date": "2026-05-01"}))
    result = treatment.exposure_duration_at_least(no_dose, params)
    assert result.value is None and "daily dose of prednisone" in result.missing[0]


def test_distinct_agents_and_mechanisms_with_outcomes(context):
    history = meds(
        {"drug": "adalimumab", "start_date": "2022-01-01", "end_date": "2022-12-31", "outcome": "failure"},
        {"drug": "etanercept", "start_date": "2023-01-01", "end_date": "2023-12-31", "outcome": "failure"},
        {"drug": "tocilizumab", "start_date": "2024-01-01", "end_date": "2024-12-31", "outcome": "intolerance"},
    )
    ctx = context(medications=history)
    base = {"names": None, "classes": ["bdmard", "tsdmard"], "outcomes": ["failure", "intolerance"]}
    assert treatment.distinct_agents_at_least(ctx, {**base, "count": 3, "by": "agent"}).value is True
    # adalimumab and etanercept share a mechanism (TNF): two mechanisms, not three
    assert treatment.distinct_agents_at_least(ctx, {**base, "count": 2, "by": "mechanism"}).value is True
    assert treatment.distinct_agents_at_least(ctx, {**base, "count": 3, "by": "mechanism"}).value is False


def test_distinct_agents_unknown_outcome_keeps_it_open(context):
    ctx = context(medications=meds(
        {"drug": "adalimumab", "start_date": "2022-01-01", "end_date": "2022-12-31", "outcome": "failure"},
        {"drug": "abatacept", "start_date": "2023-01-01", "end_date": "2023-12-31"},
    ))
    params = {"names": None, "classes": ["bdmard"], "outcomes": ["failure"], "count": 2, "by": "mechanism"}
    result = treatment.distinct_agents_at_least(ctx, params)
    assert result.value is None and result.missing == ("outcome of abatacept (medications.items[1].outcome)",)


def test_unknown_drug_keeps_class_questions_open(context):
    ctx = context(medications=meds({"drug": "zorblimab", "start_date": "2026-10-01", "ongoing": True}))
    params = {"names": None, "classes": ["jak_inhibitor"], "half_lives": 5}
    result = treatment.exposure_within_half_lives(ctx, params)
    assert result.value is None and "identity of 'zorblimab'" in result.missing[0]
    assert any("zorblimab" in w for w in ctx.record.warnings)


def test_current_prednisone_equivalent(context):
    ctx = context(medications=meds(
        {"drug": "methylprednisolone", "start_date": "2026-10-01", "ongoing": True, "dose": {"value": 8, "unit": "mg"}},
    ))
    # 8 mg methylprednisolone ≙ 10 mg prednisone (4 mg ≙ 5 mg)
    assert treatment.current_prednisone_equivalent(ctx, {}).value == 10.0
    assert treatment.current_prednisone_equivalent_per_kg(ctx, {}).value == 0.1666666667
    none = context(medications=meds({"drug": "prednisone", "start_date": "2026-01-01", "end_date": "2026-02-01",
                                     "dose": {"value": 20, "unit": "mg"}}))
    assert treatment.current_prednisone_equivalent(none, {}).value == 0.0
    unknown = context(medications=meds(complete=False))
    assert treatment.current_prednisone_equivalent(unknown, {}).value is None


def test_duration_within_a_window_counts_only_the_part_inside(context):
    # Protocol 002: "receiving prednisone >100mg/d ... ≥14 days" within 8 weeks before screening (2026-09-25 on).
    params = {"names": None, "classes": ["glucocorticoid"], "days": 14, "min_prednisone_eq_mg_per_day": 100.01,
              "within": {"weeks": 8}}
    course = {"drug": "prednisone", "dose": {"value": 120, "unit": "mg", "per": "day"}}
    inside = context(medications=meds({**course, "start_date": "2026-10-01", "end_date": "2026-10-15"}))
    assert treatment.exposure_duration_at_least(inside, params).value is True
    straddling = context(medications=meds({**course, "start_date": "2026-09-01", "end_date": "2026-10-05"}))
    assert treatment.exposure_duration_at_least(straddling, params).value is False  # 10 days inside
