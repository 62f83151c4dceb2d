"""MG-ADL: the eight items, the 0-24 range and the bounds of an incomplete form (Wolfe GI et al. Neurology
1999;52:1487-9), as a pure score and as the value and predicate rulesets use."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from trialscreen_myasthenia.items import MG_ADL_ANCHORS, MgAdlItems
from trialscreen_myasthenia.scores import MG_ADL_MAX, mg_adl, mg_adl_entered_total

ALL_ONE = dict.fromkeys(MG_ADL_ANCHORS, 1)


def test_eight_items_graded_0_to_3_total_0_to_24():
    assert len(MG_ADL_ANCHORS) == 8
    assert all(len(anchors) == 4 for anchors in MG_ADL_ANCHORS.values())  # grades 0, 1, 2, 3
    assert MG_ADL_MAX == 24
    assert mg_adl(MgAdlItems(**dict.fromkeys(MG_ADL_ANCHORS, 0))).total == 0
    assert mg_adl(MgAdlItems(**dict.fromkeys(MG_ADL_ANCHORS, 3))).total == 24


def test_complete_form_total_and_items():
    score = mg_adl(MgAdlItems(**{**ALL_ONE, "chewing": 2}))
    assert (score.total, score.minimum, score.maximum, score.missing) == (9, 9, 9, ())
    assert [i.item for i in score.contributing] == list(MG_ADL_ANCHORS)
    assert score.contributing[1].label == "chewing: fatigue with soft food"


def test_incomplete_form_is_bounded():
    score = mg_adl(MgAdlItems(talking=2, chewing=1, swallowing=0))
    assert score.total is None
    assert (score.minimum, score.maximum) == (3, 3 + 5 * 3)
    assert score.missing == ("breathing", "brushing_teeth_or_combing_hair", "arising_from_chair", "double_vision",
                             "eyelid_droop")
    assert score.at_least(3) is True and score.at_least(19) is False and score.at_least(6) is None


@pytest.mark.parametrize("bad", [4, -1, "2", True, 1.5])
def test_item_outside_0_to_3_or_not_an_integer_is_rejected(bad):
    with pytest.raises(ValidationError):
        MgAdlItems(talking=bad)


def test_unknown_item_is_rejected():
    with pytest.raises(ValidationError):
        MgAdlItems(walking=1)


@pytest.mark.parametrize("total", [-1, 25, 6.5])
def test_entered_total_must_be_a_whole_number_0_to_24(total):
    with pytest.raises(ValueError):
        mg_adl_entered_total(total)
    assert mg_adl_entered_total(24).total_entered


# -- the value and predicate, through the ScreeningContext a ruleset uses -------------------------------------

BASE = {"id": "mg-1", "screening": {"date": "2026-03-16"}, "sex": "female", "birth_date": "1980-01-01",
        "diagnoses": [{"indication": "MG"}]}


def with_adl(items=None, total=None, date="2026-03-10"):
    assessment = {"instrument": "myasthenia.mg_adl", "date": date}
    if items is not None:
        assessment["items"] = items
    if total is not None:
        assessment["total"] = total
    return {**BASE, "assessments": [assessment]}


def test_value_is_the_total_with_item_evidence(screening_context):
    result = screening_context(with_adl({**ALL_ONE, "chewing": 2})).value("myasthenia.mg_adl")
    assert result.value == 9 and result.unit == "points"
    assert result.evidence[0].label == "MG-ADL" and result.evidence[0].source == "assessments[0]"
    assert len(result.evidence) == 1 + 8


def test_value_names_unanswered_items(screening_context):
    result = screening_context(with_adl({"talking": 1})).value("myasthenia.mg_adl")
    assert result.value is None
    assert "MG-ADL item 'eyelid_droop' (assessments[0])" in result.missing


def test_value_outside_the_window_is_missing(screening_context):
    ctx = screening_context(with_adl(ALL_ONE, date="2026-01-02"))
    assert ctx.value("myasthenia.mg_adl").value == 8
    windowed = ctx.value("myasthenia.mg_adl", {"within": {"days": 28}})
    assert windowed.value is None and windowed.missing == ("MG-ADL assessment within 28 days before screening",)


def test_no_assessment_is_missing_not_zero(screening_context):
    result = screening_context(BASE).value("myasthenia.mg_adl")
    assert result.value is None and result.missing == ("MG-ADL assessment",)


def test_entered_total(screening_context):
    result = screening_context(with_adl(total=7)).value("myasthenia.mg_adl")
    assert result.value == 7 and result.note == "total entered without items"


@pytest.mark.parametrize("total", [30, 6.5])
def test_impossible_entered_total_is_missing(screening_context, total):
    result = screening_context(with_adl(total=total)).value("myasthenia.mg_adl")
    assert result.value is None and "a valid MG-ADL total" in result.missing[0]


def test_items_and_total_that_disagree_are_missing(screening_context):
    result = screening_context(with_adl(ALL_ONE, total=9)).value("myasthenia.mg_adl")
    assert result.value is None and "items add up to 8" in result.missing[0]


@pytest.mark.parametrize(
    ("items", "expected"),
    [
        ({**ALL_ONE, "chewing": 2}, True),  # 9
        (dict.fromkeys(list(MG_ADL_ANCHORS)[:6], 1), True),  # 6 answered, 2 unanswered: already 6
        (dict.fromkeys(list(MG_ADL_ANCHORS)[:7], 0) | {"talking": 2}, False),  # 2 + at most 3 < 6
        (dict.fromkeys(list(MG_ADL_ANCHORS)[:7], 0) | {"talking": 3}, None),  # 3 + at most 3: undecided
        (dict.fromkeys(MG_ADL_ANCHORS, 0) | {"talking": 3, "chewing": 2}, False),  # 5, complete
    ],
)
def test_at_least_6_decided_by_the_bounds(screening_context, items, expected):
    result = screening_context(with_adl(items)).value("myasthenia.mg_adl_at_least", {"threshold": 6})
    assert result.value is expected
    if expected is None:
        assert result.missing == ("MG-ADL item 'eyelid_droop' (assessments[0])",)


def test_default_threshold_is_6(trialscreen_plugins):
    assert trialscreen_plugins.predicates["myasthenia.mg_adl_at_least"].parameters["threshold"] == 6
