"""SLEDAI-2K, clinical SLEDAI-2K and the NCT07212322 SLEDAI rule (plugins/trialscreen_sle/scores.py).

Expected values are hand sums of the SLEDAI-2K weights of Gladman DD et al. J Rheumatol 2002;29:288-91, as printed
on the medicalcriteria.com / thecalculator.co score sheets (8 neuro/vasculitis, 4 musculoskeletal/renal,
2 mucocutaneous/serosal/serology, 1 fever/haematology). Each test shows its arithmetic.
"""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from trialscreen_sle.items import SLEDAI2K_ITEMS, Sledai2kItems
from trialscreen_sle.scores import (
    nct07212322_sledai_met,
    sledai2k,
    sledai2k_clinical,
    sledai2k_from_total,
)

ALL_ABSENT = {name: False for name in SLEDAI2K_ITEMS}


def items(**present: bool | None) -> Sledai2kItems:
    """Every descriptor assessed absent except those given."""
    return Sledai2kItems(**{**ALL_ABSENT, **present})


class TestWeights:
    def test_table_matches_gladman_2002(self):
        # Gladman 2002 score sheet: 8 descriptors x8, 6 x4, 7 x2, 3 x1
        weights = [w for w, _ in SLEDAI2K_ITEMS.values()]
        assert len(SLEDAI2K_ITEMS) == 24
        assert weights.count(8) == 8 and weights.count(4) == 6
        assert weights.count(2) == 7 and weights.count(1) == 3
        assert {n for n, (w, _) in SLEDAI2K_ITEMS.items() if w == 1} == {"fever", "thrombocytopenia", "leukopenia"}
        assert SLEDAI2K_ITEMS["low_complement"][0] == 2 and SLEDAI2K_ITEMS["increased_dna_binding"][0] == 2
        assert SLEDAI2K_ITEMS["alopecia"][0] == 2  # not 1 (one public "skin" tool gets this wrong)

    def test_every_item_present_is_105(self):
        # range 0-105: 64 + 24 + 14 + 3
        result = sledai2k(Sledai2kItems(**{name: True for name in SLEDAI2K_ITEMS}))
        assert result.total == 105 and result.minimum == 105 and result.maximum == 105
        assert len(result.contributing) == 24

    def test_all_absent_is_0(self):
        result = sledai2k(items())
        assert result.total == 0 and result.complete and result.contributing == ()

    def test_unknown_field_rejected_and_frozen(self):
        with pytest.raises(ValidationError):
            Sledai2kItems(sezure=True)
        with pytest.raises(ValidationError):
            items().arthritis = True  # type: ignore[misc]


class TestSledai2k:
    def test_worked_example_mixed(self):
        # arthritis 4 + proteinuria 4 + rash 2 + low complement 2 + increased DNA binding 2 + leukopenia 1 = 15
        result = sledai2k(items(arthritis=True, proteinuria=True, rash=True, low_complement=True,
                                increased_dna_binding=True, leukopenia=True))
        assert result.instrument == "sle.sledai2k"
        assert result.total == 15.0
        assert {i.item: i.points for i in result.contributing} == {
            "arthritis": 4, "proteinuria": 4, "rash": 2, "low_complement": 2, "increased_dna_binding": 2,
            "leukopenia": 1}

    def test_exactly_8_meets_threshold_and_7_does_not(self):
        eight = sledai2k(items(seizure=True))  # 8
        seven = sledai2k(items(arthritis=True, rash=True, fever=True))  # 4 + 2 + 1 = 7
        assert eight.total == 8 and eight.at_least(8) is True
        assert seven.total == 7 and seven.at_least(8) is False

    def test_bounds_with_unanswered_items(self):
        # known: arthritis 4 + rash 2 = 6; unanswered: fever (1) and pyuria (4) -> max 11
        result = sledai2k(items(arthritis=True, rash=True, fever=None, pyuria=None))
        assert result.total is None and not result.complete
        assert result.minimum == 6 and result.maximum == 11
        assert set(result.missing) == {"fever", "pyuria"}
        assert result.at_least(8) is None  # 6 <= total <= 11: undecided
        assert result.at_least(12) is False  # even the maximum is below 12
        assert result.at_least(6) is True

    def test_minimum_alone_decides(self):
        # vasculitis 8 known; everything else unanswered -> min 8, max 105
        result = sledai2k(Sledai2kItems(vasculitis=True))
        assert result.minimum == 8 and result.maximum == 105 and len(result.missing) == 23
        assert result.at_least(8) is True


class TestClinicalSledai:
    def test_drops_serology(self):
        # 15 above minus low complement 2 and DNA binding 2 = 11
        result = sledai2k_clinical(items(arthritis=True, proteinuria=True, rash=True, low_complement=True,
                                         increased_dna_binding=True, leukopenia=True))
        assert result.instrument == "sle.sledai2k_clinical"
        assert result.total == 11
        assert "low_complement" not in {i.item for i in result.contributing}

    def test_unanswered_serology_not_missing(self):
        result = sledai2k_clinical(items(arthritis=True, rash=True, low_complement=None, increased_dna_binding=None))
        assert result.total == 6 and result.missing == () and result.maximum == 6

    def test_range_is_0_to_101(self):
        result = sledai2k_clinical(Sledai2kItems(**{name: True for name in SLEDAI2K_ITEMS}))
        assert result.total == 101


class TestFromTotal:
    def test_entered_total(self):
        result = sledai2k_from_total(10)
        assert result.total_entered and result.total == 10 and result.minimum == result.maximum == 10
        assert result.contributing == ()

    @pytest.mark.parametrize("bad", [-1, 106, 7.5])
    def test_rejects_impossible(self, bad):
        with pytest.raises(ValueError):
            sledai2k_from_total(bad)

    def test_rejects_bool(self):
        with pytest.raises(TypeError):
            sledai2k_from_total(True)


def met(**answers: bool | None) -> bool | None:
    sel = items(**answers)
    return nct07212322_sledai_met(sledai2k(sel), sledai2k_clinical(sel))


class TestNct07212322Rule:
    # "SLEDAI-2000 score >=8; if points are attributed for low complement and/or anti-dsDNA antibody, the clinical
    # score (excluding them) must be >=6" (NCT07212322 registry text)

    def test_total_8_without_serology_met(self):
        assert met(arthritis=True, pyuria=True) is True  # 4 + 4 = 8, no serology

    def test_total_7_not_met(self):
        assert met(arthritis=True, rash=True, fever=True) is False  # 7

    def test_total_8_with_serology_clinical_exactly_6_met(self):
        # arthritis 4 + rash 2 = clinical 6; + low complement 2 = 8
        assert met(arthritis=True, rash=True, low_complement=True) is True

    def test_total_8_with_serology_clinical_4_not_met(self):
        # arthritis 4 + low complement 2 + DNA binding 2 = 8, clinical 4 < 6
        assert met(arthritis=True, low_complement=True, increased_dna_binding=True) is False

    def test_total_9_with_serology_clinical_5_not_met(self):
        # arthritis 4 + fever 1 = clinical 5; + DNA 2 + complement 2 = 9 >= 8 but clinical 5 < 6
        assert met(arthritis=True, fever=True, low_complement=True, increased_dna_binding=True) is False

    def test_unknown_complement_undecidable(self):
        # clinical 6 known; complement unknown: if present total 8 (met), if absent total 6 (not met)
        assert met(arthritis=True, rash=True, low_complement=None) is None

    def test_unknown_complement_decided_either_way_false(self):
        # clinical 4 (max 4). Complement unknown: present -> clinical 4 < 6 fails; absent -> total 4 < 8 fails.
        # Combining separate bounds would say None; the exact evaluation says False.
        assert met(arthritis=True, low_complement=None) is False

    def test_unknown_clinical_item_with_serology(self):
        # DNA 2 + arthritis 4 = clinical 4 known; rash unanswered -> clinical 4..6 -> undecided
        assert met(arthritis=True, increased_dna_binding=True, rash=None) is None

    def test_clinical_minimum_8_decides_despite_unknown_serology(self):
        # clinical 8 known (seizure): met whether or not serology is present (8 >= 8; 8 >= 6)
        assert met(seizure=True, low_complement=None, increased_dna_binding=None) is True

    def test_entered_total_needs_items(self):
        assert nct07212322_sledai_met(sledai2k_from_total(12), None) is None
        assert nct07212322_sledai_met(sledai2k_from_total(7), None) is False

    def test_mismatched_results_rejected(self):
        a = items(arthritis=True, low_complement=True)
        b = items(seizure=True)
        with pytest.raises(ValueError):
            nct07212322_sledai_met(sledai2k(a), sledai2k_clinical(b))
        with pytest.raises(ValueError):
            nct07212322_sledai_met(sledai2k_clinical(a), sledai2k_clinical(a))
