"""ITP phases, IWG response/refractoriness and protocol-002 wording (plugins/trialscreen_itp/phases.py).

Sources of expected values:
  [IWG2009] Rodeghiero F et al. Blood 2009;113:2386-93, "Proposed definitions of disease" (ASH-SAP copy):
            newly diagnosed within 3 months; persistent 3-12 months; chronic lasting more than 12 months;
            CR >=100x10^9/L, R >=30 and >=2-fold baseline, both without bleeding; refractory = no response or relapse
            after splenectomy and need for treatment to minimise clinically significant bleeding.
  [P002]    NCT07212322 registry text ("Chronic: persistent thrombocytopenia for >=12 months"; refractory wording).
  [cal]     calendar arithmetic shown in the comment.
"""

from __future__ import annotations

from datetime import date

import pytest

from trialscreen_itp.phases import (
    add_months,
    chronic_or_refractory_p002,
    chronic_p002,
    itp_phase,
    iwg_refractory_2009,
    iwg_response,
    prior_treatment_failure_p002,
    refractory_p002,
)

DX = date(2024, 1, 15)


class TestAddMonths:
    def test_clamps_to_month_end(self):
        # [cal] 31 Jan + 1 month -> 29 Feb 2024 (leap year), 28 Feb 2025
        assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
        assert add_months(date(2025, 1, 31), 1) == date(2025, 2, 28)
        assert add_months(date(2024, 11, 30), 3) == date(2025, 2, 28)
        assert add_months(date(2024, 3, 31), -1) == date(2024, 2, 29)
        assert add_months(date(2024, 1, 15), 12) == date(2025, 1, 15)


class TestItpPhase:
    @pytest.mark.parametrize(("as_of", "phase"), [
        (date(2024, 1, 15), "newly_diagnosed"),   # day of diagnosis
        (date(2024, 4, 14), "newly_diagnosed"),   # [cal] one day before 3 months
        (date(2024, 4, 15), "persistent"),        # [cal] exactly 3 months -> persistent
        (date(2025, 1, 14), "persistent"),        # [cal] one day before 12 months
        (date(2025, 1, 15), "chronic"),           # [cal] exactly 12 months -> chronic (>=12, P002 / brief)
        (date(2026, 6, 1), "chronic"),
    ])
    def test_boundaries(self, as_of, phase):
        assert itp_phase(DX, as_of) == phase

    def test_iwg_strict_reading_at_12_months(self):
        # [IWG2009] "lasting for more than 12 months": exactly 12 months stays persistent, the next day is chronic
        assert itp_phase(DX, date(2025, 1, 15), chronic_at_12_months=False) == "persistent"
        assert itp_phase(DX, date(2025, 1, 16), chronic_at_12_months=False) == "chronic"

    def test_month_end_diagnosis(self):
        # [cal] diagnosed 30 Nov 2024: 3 months = 28 Feb 2025 (clamped)
        assert itp_phase(date(2024, 11, 30), date(2025, 2, 27)) == "newly_diagnosed"
        assert itp_phase(date(2024, 11, 30), date(2025, 2, 28)) == "persistent"

    def test_as_of_before_diagnosis_rejected(self):
        with pytest.raises(ValueError):
            itp_phase(DX, date(2024, 1, 14))

    def test_chronic_p002(self):
        # [P002] >=12 months
        assert chronic_p002(DX, date(2025, 1, 15)) is True
        assert chronic_p002(DX, date(2025, 1, 14)) is False
        assert chronic_p002(None, date(2025, 1, 14)) is None


class TestIwgResponse:
    @pytest.mark.parametrize(("plt", "base", "bleeding", "expected"), [
        (100, 10, False, "CR"),      # >=100 without bleeding
        (100, None, False, "CR"),    # baseline not needed for CR
        (99, 40, False, "R"),        # >=30 and 99 >= 2 x 40
        (30, 15, False, "R"),        # both at the boundary: 30 and exactly 2-fold
        (30, 16, False, "NR"),       # 30 < 2 x 16
        (29, 5, False, "NR"),        # below 30
        (150, 10, True, "NR"),       # bleeding
        (29, None, None, "NR"),      # below 30 decides whatever else is unknown
        (50, None, False, None),     # R needs the baseline
        (150, 10, None, None),       # bleeding unknown
        (None, 10, False, None),
    ])
    def test_categories(self, plt, base, bleeding, expected):
        assert iwg_response(plt, base, bleeding) == expected


class TestRefractory:
    def test_iwg_2009(self):
        assert iwg_refractory_2009(splenectomy_performed=True, no_response_or_relapse_after_splenectomy=True,
                                   needs_treatment_to_minimise_bleeding_risk=True) is True
        # no splenectomy: not refractory by the 2009 (adult) definition, whatever else failed
        assert iwg_refractory_2009(splenectomy_performed=False, no_response_or_relapse_after_splenectomy=None,
                                   needs_treatment_to_minimise_bleeding_risk=True) is False
        assert iwg_refractory_2009(splenectomy_performed=True, no_response_or_relapse_after_splenectomy=True,
                                   needs_treatment_to_minimise_bleeding_risk=None) is None

    def p002(self, **kw):
        base = dict(failed_first_line=True, failed_tpo_receptor_agonist=True, failed_rituximab=True,
                    failed_or_relapsed_after_splenectomy=False, itp_reconfirmed_on_recent_reassessment=True)
        return refractory_p002(**{**base, **kw})

    def test_p002_drug_route(self):
        # [P002] first-line AND TPO-RA AND rituximab failed, ITP reconfirmed
        assert self.p002() is True
        assert self.p002(failed_rituximab=False) is False
        assert self.p002(failed_rituximab=None) is None

    def test_p002_splenectomy_route(self):
        assert self.p002(failed_tpo_receptor_agonist=False, failed_or_relapsed_after_splenectomy=True) is True

    def test_p002_needs_reconfirmed_itp(self):
        assert self.p002(itp_reconfirmed_on_recent_reassessment=False) is False
        assert self.p002(itp_reconfirmed_on_recent_reassessment=None) is None

    def test_prior_treatment_failure(self):
        assert prior_treatment_failure_p002(received_standard_treatment=True, unable_to_maintain_response=False,
                                            relapse=True, intolerance=None, insufficient_response=None) is True
        assert prior_treatment_failure_p002(received_standard_treatment=True, unable_to_maintain_response=False,
                                            relapse=False, intolerance=False, insufficient_response=False) is False
        assert prior_treatment_failure_p002(received_standard_treatment=None, unable_to_maintain_response=True,
                                            relapse=None, intolerance=None, insufficient_response=None) is None

    def test_chronic_or_refractory(self):
        assert chronic_or_refractory_p002(False, True) is True
        assert chronic_or_refractory_p002(False, False) is False
        assert chronic_or_refractory_p002(None, False) is None
