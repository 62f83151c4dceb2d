"""ESSDAI: weights, allowed levels, bounded totals, activity bands and the ESSDAI >= 5 threshold.

Sources: Seror R et al. Ann Rheum Dis 2010;69:1103-09 (Table 2 weights, Table 3 levels); weighted-score table
in Seror R et al. Ann Rheum Dis 2015;74:859-66; CNS levels in the user guide, Seror R et al. RMD Open
2015;1:e000022; activity bands in Seror R et al. Ann Rheum Dis 2016;75:382-89.
"""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from trialscreen_sjogren.criteria import essdai_active
from trialscreen_sjogren.items import EssdaiItems
from trialscreen_sjogren.scores import (
    ESSDAI_DOMAINS,
    ESSDAI_MAXIMUM,
    essdai,
    essdai_activity_band,
    essdai_activity_level,
    essdai_at_least,
    essdai_from_total,
)

ALL_ZERO = {name: 0 for name in ESSDAI_DOMAINS}


def items(**levels) -> EssdaiItems:
    return EssdaiItems(**(ALL_ZERO | levels))


def test_weights_match_seror_2010_table_2():
    # Table 2 "Weight" column, in table order.
    assert [d.weight for d in ESSDAI_DOMAINS.values()] == [3, 4, 2, 2, 3, 5, 5, 6, 5, 5, 2, 1]
    assert list(ESSDAI_DOMAINS) == ["constitutional", "lymphadenopathy", "glandular", "articular", "cutaneous",
                                    "pulmonary", "renal", "muscular", "pns", "cns", "haematological", "biological"]


def test_maximum_is_123():
    assert ESSDAI_MAXIMUM == 123
    top = EssdaiItems(constitutional=2, lymphadenopathy=3, glandular=2, articular=3, cutaneous=3, pulmonary=3,
                      renal=3, muscular=3, pns=3, cns=3, haematological=3, biological=2)
    r = essdai(top)
    assert r.total == 123 and r.minimum == r.maximum == 123 and r.complete


def test_weighted_points_match_published_scored_table():
    # Seror 2015 weighted table: constitutional low 3 / moderate 6; lymphadenopathy 4/8/12; cutaneous 3/6/9;
    # user guide: muscular moderate 12 / high 18; CNS moderate 10 / high 15.
    assert essdai(items(constitutional=1)).total == 3
    assert essdai(items(constitutional=2)).total == 6
    assert [essdai(items(lymphadenopathy=k)).total for k in (1, 2, 3)] == [4, 8, 12]
    assert [essdai(items(cutaneous=k)).total for k in (1, 2, 3)] == [3, 6, 9]
    assert [essdai(items(muscular=k)).total for k in (2, 3)] == [12, 18]
    assert [essdai(items(cns=k)).total for k in (2, 3)] == [10, 15]


def test_worked_example_moderate_activity():
    # Lymphadenopathy >= 2 cm (moderate, 8) + arthralgia with morning stiffness (articular low, 2)
    # + IgG 16-20 g/L (biological low, 1) = 11 -> moderate activity (5-13).
    r = essdai(items(lymphadenopathy="moderate", articular="low", biological="low"))
    assert r.total == 11
    assert {c.item: c.points for c in r.contributing} == {"lymphadenopathy": 8, "articular": 2, "biological": 1}
    assert essdai_activity_band(r) == "moderate"


def test_cns_has_no_low_level_and_levels_are_checked_per_domain():
    with pytest.raises(ValidationError):
        EssdaiItems(cns=1)
    with pytest.raises(ValidationError):
        EssdaiItems(cns="low")
    with pytest.raises(ValidationError):
        EssdaiItems(constitutional="high")
    with pytest.raises(ValidationError):
        EssdaiItems(biological=3)
    with pytest.raises(ValidationError):
        EssdaiItems(renal=True)
    with pytest.raises(ValidationError):
        EssdaiItems(renal="severe")
    with pytest.raises(ValidationError):
        EssdaiItems(not_a_domain=0)
    assert EssdaiItems(cns="moderate").cns == 2
    assert EssdaiItems(pns="High").pns == 3
    assert EssdaiItems(renal="1").renal == 1


def test_items_are_frozen():
    it = EssdaiItems(renal=1)
    with pytest.raises(ValidationError):
        it.renal = 2


def test_essdai_exactly_5_is_active_and_4_is_not():
    five = essdai(items(articular="moderate", biological="low"))  # 4 + 1
    assert five.total == 5
    assert essdai_at_least(five, 5) is True
    assert essdai_active(five).value is True
    assert essdai_activity_band(five) == "moderate"

    four = essdai(items(articular="moderate"))
    assert four.total == 4
    assert essdai_at_least(four, 5) is False
    assert essdai_active(four).value is False
    assert essdai_activity_band(four) == "low"


def test_activity_level_edges():
    assert essdai_activity_level(0) == "low"
    assert essdai_activity_level(4) == "low"
    assert essdai_activity_level(5) == "moderate"
    assert essdai_activity_level(13) == "moderate"
    assert essdai_activity_level(14) == "high"
    assert essdai_activity_level(123) == "high"
    with pytest.raises(ValueError):
        essdai_activity_level(-1)


def test_bounds_with_unassessed_domains():
    # Glandular (max 2 x 2 = 4) not assessed; articular low (2) + biological low (1) = 3 known.
    it = EssdaiItems(**(ALL_ZERO | {"glandular": None, "articular": 1, "biological": 1}))
    r = essdai(it)
    assert r.total is None and not r.complete
    assert (r.minimum, r.maximum) == (3, 7)
    assert r.missing == ("glandular",)
    assert essdai_at_least(r, 5) is None
    res = essdai_active(r)
    assert res.value is None and res.missing == ("ESSDAI domain: glandular",)
    assert essdai_activity_band(r) is None


def test_bounds_decide_when_minimum_already_reaches_5():
    r = essdai(EssdaiItems(renal="low"))  # 5 points known, 11 domains unassessed (renal max 15 excluded)
    assert (r.minimum, r.maximum) == (5, 123 - 15 + 5)
    assert essdai_at_least(r, 5) is True
    assert essdai_active(r).value is True


def test_bounds_decide_false_when_maximum_below_5():
    # Only biological (max 2) and glandular (max 4)... use biological alone unassessed: max 2 < 5.
    r = essdai(EssdaiItems(**(ALL_ZERO | {"biological": None})))
    assert (r.minimum, r.maximum) == (0, 2)
    assert essdai_at_least(r, 5) is False


def test_nothing_assessed_spans_full_range():
    r = essdai(EssdaiItems())
    assert (r.minimum, r.maximum, r.total) == (0, 123, None)
    assert len(r.missing) == 12


def test_entered_total_without_items():
    r = essdai_from_total(5)
    assert r.total_entered and r.contributing == () and r.total == 5
    assert essdai_at_least(r, 5) is True
    assert essdai_active(essdai_from_total(4)).value is False
    with pytest.raises(ValueError):
        essdai_from_total(124)
    with pytest.raises(TypeError):
        essdai_from_total(5.0)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        essdai_from_total(True)  # type: ignore[arg-type]


def test_threshold_helpers_reject_other_instruments():
    from trialscreen_sjogren.items import AcrEular2016Items
    from trialscreen_sjogren.scores import acr_eular_2016_score
    other = acr_eular_2016_score(AcrEular2016Items())
    with pytest.raises(ValueError):
        essdai_at_least(other, 5)
    with pytest.raises(ValueError):
        essdai_active(other)
