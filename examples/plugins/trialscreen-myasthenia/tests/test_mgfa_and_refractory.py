"""MGFA clinical class (Jaretzki A et al. Neurology 2000;55:16-23) and refractory generalised MG (Sanders DB et
al. Neurology 2016;87:419-25; REGAIN), through the values a ruleset calls."""

from __future__ import annotations

import pytest

BASE = {"id": "mg-1", "screening": {"date": "2026-03-16"}, "sex": "female", "birth_date": "1980-01-01",
        "diagnoses": [{"indication": "MG"}]}


def mgfa(cls, date="2026-03-10"):
    return {**BASE, "assessments": [{"instrument": "myasthenia.mgfa_class", "date": date, "items": {"class": cls}}]}


@pytest.mark.parametrize(
    ("recorded", "allowed", "expected"),
    [
        ("IIIb", ["II", "III", "IV"], True),
        ("II", ["II", "III", "IV"], True),
        ("I", ["II", "III", "IV"], False),
        ("V", ["II", "III", "IV"], False),
        ("IIIb", ["IIIb"], True),
        ("IIIa", ["IIIb"], False),
        ("III", ["IIIb"], None),  # subclass not recorded
        ("IVb", ["V"], False),
    ],
)
def test_mgfa_class(screening_context, recorded, allowed, expected):
    result = screening_context(mgfa(recorded)).value("myasthenia.mgfa_class", {"allowed": allowed})
    assert result.value is expected
    assert result.evidence[0].value == recorded


def test_mgfa_default_is_generalised_classes(trialscreen_plugins):
    assert trialscreen_plugins.predicates["myasthenia.mgfa_class"].parameters["allowed"] == ["II", "III", "IV"]


def test_mgfa_missing_or_stale(screening_context):
    assert screening_context(BASE).value("myasthenia.mgfa_class").missing == ("MGFA clinical class assessment",)
    stale = screening_context(mgfa("IIIb", date="2025-12-01")).value("myasthenia.mgfa_class", {"within": {"days": 28}})
    assert stale.value is None and "within 28 days" in stale.missing[0]


def test_mgfa_unknown_class_is_an_input_error(screening_context):
    from trialscreen.errors import PatientInputError

    with pytest.raises(PatientInputError, match=r"assessments\[0\].items.class"):
        screening_context(mgfa("VI"))


# -- refractoriness -----------------------------------------------------------------------------------------------


def meds(*items, complete=True):
    return {**BASE, "medications": {"complete": complete, "items": list(items)},
            "history": {"reviewed": "all"}}


PRED = {"drug": "prednisone", "start_date": "2020-01-01", "ongoing": True, "dose": {"value": 10, "unit": "mg", "per": "day"}}
AZA_FAIL = {"drug": "azathioprine", "start_date": "2020-02-01", "end_date": "2021-06-01", "outcome": "failure"}
MMF_INTOL = {"drug": "mycophenolate mofetil", "start_date": "2021-07-01", "end_date": "2022-01-01", "outcome": "intolerance"}
MMF_RESP = {**MMF_INTOL, "outcome": "response"}


def ivig(start, end):
    return {"drug": "IVIG", "start_date": start, "end_date": end}


def refractory(ctx, **params):
    return ctx.value("myasthenia.refractory_gmg", params)


def test_route_a_corticosteroids_and_two_agents(screening_context):
    result = refractory(screening_context(meds(PRED, AZA_FAIL, MMF_INTOL)))
    assert result.value is True
    assert result.evidence[0].value.startswith("route A")
    assert {e.source for e in result.evidence} >= {"medications.items[0]", "medications.items[1]", "medications.items[2]"}


def test_route_a_needs_corticosteroids(screening_context):
    assert refractory(screening_context(meds(AZA_FAIL, MMF_INTOL))).value is False
    assert refractory(screening_context(meds(AZA_FAIL, MMF_INTOL)), require_glucocorticoid=False).value is True


def test_an_agent_that_worked_does_not_count(screening_context):
    result = refractory(screening_context(meds(PRED, AZA_FAIL, MMF_RESP)))
    assert result.value is False and result.evidence[0].value == "neither route met"


FOUR_IVIG = [ivig("2025-04-07", "2025-04-11"), ivig("2025-07-07", "2025-07-11"), ivig("2025-10-06", "2025-10-10"),
             ivig("2026-01-05", "2026-01-09")]


def test_route_b_one_agent_and_four_ivig_courses_in_12_months(screening_context):
    ctx = screening_context(meds(PRED, AZA_FAIL, *FOUR_IVIG))
    assert ctx.value("myasthenia.chronic_rescue_therapy").value is True
    result = refractory(ctx)
    assert result.value is True and result.evidence[0].value.startswith("route B")


def test_three_courses_are_not_chronic(screening_context):
    ctx = screening_context(meds(PRED, AZA_FAIL, *FOUR_IVIG[1:]))
    rescue = ctx.value("myasthenia.chronic_rescue_therapy")
    assert rescue.value is False and rescue.evidence[-1].value == 3
    assert refractory(ctx).value is False


def test_a_course_before_the_12_months_does_not_count(screening_context):
    old = ivig("2025-03-10", "2025-03-14")  # ends before 2025-03-16, the start of the 12 months
    assert screening_context(meds(PRED, AZA_FAIL, old, *FOUR_IVIG[1:])).value(
        "myasthenia.chronic_rescue_therapy").value is False


def test_plasma_exchange_events_count(screening_context):
    patient = meds(PRED, AZA_FAIL, *FOUR_IVIG[2:])
    patient["history"] = {"reviewed": "all", "events": [{"category": "plasmapheresis", "date": "2025-05-01"},
                                                        {"category": "plasmapheresis", "date": "2025-06-01"}]}
    assert screening_context(patient).value("myasthenia.chronic_rescue_therapy").value is True


def test_maintenance_ivig_for_12_months_counts(screening_context):
    patient = meds(PRED, AZA_FAIL, {"drug": "IVIG", "start_date": "2024-01-01", "end_date": "2025-01-15"})
    assert screening_context(patient).value("myasthenia.chronic_rescue_therapy").value is True


def test_unreviewed_plasma_exchange_history_is_unknown(screening_context):
    patient = meds(PRED, AZA_FAIL)
    patient["history"] = {"reviewed": ["thymectomy"]}
    rescue = screening_context(patient).value("myasthenia.chronic_rescue_therapy")
    assert rescue.value is None
    assert "plasma exchange history (history.reviewed: plasmapheresis)" in rescue.missing
    result = refractory(screening_context(patient))
    assert result.value is None and "plasma exchange history (history.reviewed: plasmapheresis)" in result.missing


def test_incomplete_history_with_one_failure_is_unknown(screening_context):
    result = refractory(screening_context(meds(PRED, AZA_FAIL, complete=False)))
    assert result.value is None
    assert any("complete medication history" in m for m in result.missing)


def test_incomplete_history_with_two_failures_is_still_refractory(screening_context):
    assert refractory(screening_context(meds(PRED, AZA_FAIL, MMF_INTOL, complete=False))).value is True


def test_missing_outcome_is_named(screening_context):
    result = refractory(screening_context(meds(PRED, AZA_FAIL, {**MMF_INTOL, "outcome": None})))
    assert result.value is None
    assert any("outcome of mycophenolate mofetil" in m for m in result.missing)
