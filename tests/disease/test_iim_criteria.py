"""IIM protocol predicates: protocol 001 refractory MDA5+ DM; protocol 004 exclusions (drug-induced, IBM,
tumour-associated myositis within 2 years of tumour diagnosis — inclusive), positive myositis antibodies.

Source: the protocol texts (shared/protocols/001 and 004); readings documented in trialscreen_iim.criteria.
"""

from __future__ import annotations

import datetime as dt

from trialscreen_iim.criteria import (
    cancer_associated_myositis,
    mda5_dm_refractory,
    myositis_antibody_positive,
    p004_iim_excluded,
)
from trialscreen_iim.items import AntibodyResult, Mda5DmRefractoryFacts, MyositisAntibody, TherapyExposure

ACTIVE_MDA5_DM = dict(mda5_positive=True, dermatomyositis=True, active_disease=True)


def test_mda5_refractory_conservative_reading():
    facts = Mda5DmRefractoryFacts(**ACTIVE_MDA5_DM, glucocorticoid=TherapyExposure(days=29),
                                  immunosuppressant=TherapyExposure(days=60))
    assert mda5_dm_refractory(facts) is True
    # exactly 4 weeks is not "greater than two to four weeks"
    edge = facts.model_copy(update={"glucocorticoid": TherapyExposure(days=28)})
    assert mda5_dm_refractory(edge) is None  # intolerance unknown
    edge_known = facts.model_copy(update={"glucocorticoid": TherapyExposure(days=28, intolerant=False)})
    assert mda5_dm_refractory(edge_known) is False
    # intolerance counts as adequate exposure
    intolerant = facts.model_copy(update={"glucocorticoid": TherapyExposure(days=5, intolerant=True)})
    assert mda5_dm_refractory(intolerant) is True


def test_mda5_refractory_ivig_or_cyclophosphamide_arm():
    facts = Mda5DmRefractoryFacts(**ACTIVE_MDA5_DM, glucocorticoid=TherapyExposure(days=40),
                                  immunosuppressant=TherapyExposure(days=0, intolerant=False),
                                  ivig_or_cyclophosphamide=TherapyExposure(days=35))
    assert mda5_dm_refractory(facts) is True


def test_mda5_refractory_readings_differ_without_glucocorticoid():
    facts = Mda5DmRefractoryFacts(**ACTIVE_MDA5_DM, glucocorticoid=TherapyExposure(days=0, intolerant=False),
                                  immunosuppressant=TherapyExposure(days=90))
    assert mda5_dm_refractory(facts, reading="conservative") is False
    assert mda5_dm_refractory(facts, reading="permissive") is True


def test_mda5_refractory_requires_mda5_and_activity():
    facts = Mda5DmRefractoryFacts(mda5_positive=False, dermatomyositis=True, active_disease=True,
                                  glucocorticoid=TherapyExposure(days=90), immunosuppressant=TherapyExposure(days=90))
    assert mda5_dm_refractory(facts) is False
    assert mda5_dm_refractory(Mda5DmRefractoryFacts()) is None


ONSET = dt.date(2024, 6, 15)


def test_cancer_associated_two_year_boundary_inclusive():
    assert cancer_associated_myositis(ONSET, [dt.date(2026, 6, 15)]) is True  # exactly 2 years after
    assert cancer_associated_myositis(ONSET, [dt.date(2022, 6, 15)]) is True  # exactly 2 years before
    assert cancer_associated_myositis(ONSET, [dt.date(2026, 6, 16)], cancer_history_complete=True) is False
    assert cancer_associated_myositis(ONSET, [dt.date(2022, 6, 14)], cancer_history_complete=True) is False
    assert cancer_associated_myositis(ONSET, [dt.date(2026, 6, 16)]) is None  # history not complete


def test_cancer_associated_feb_29_widens():
    onset = dt.date(2024, 2, 29)
    assert cancer_associated_myositis(onset, [dt.date(2022, 2, 28)]) is True
    assert cancer_associated_myositis(onset, [dt.date(2026, 3, 1)]) is True
    assert cancer_associated_myositis(onset, [], cancer_history_complete=True) is False


def test_p004_exclusions():
    assert p004_iim_excluded(False, False, False) is False
    assert p004_iim_excluded(False, True, None) is True
    assert p004_iim_excluded(False, False, None) is None


def test_myositis_antibodies():
    mda5 = AntibodyResult(antibody=MyositisAntibody.MDA5, positive=True)
    neg = AntibodyResult(antibody=MyositisAntibody.JO1, positive=False)
    assert myositis_antibody_positive([mda5, neg]) is True
    assert myositis_antibody_positive([neg]) is None
    assert myositis_antibody_positive([neg], panel_complete=True) is False
    assert myositis_antibody_positive([neg], antibodies=[MyositisAntibody.JO1]) is False
