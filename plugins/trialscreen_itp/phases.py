"""Immune thrombocytopenia: disease phase from the diagnosis date, IWG response and refractoriness, and the ITP
wording of protocol 002 (NCT07212322), as pure functions over extracted facts.

Predicates are three-valued (True / False / None = undecidable from the answers); AND/OR use the project's one
truth table (`trialscreen.logic`).

Source for the definitions: Rodeghiero F, Stasi R, Gernsheimer T, et al. Standardization of terminology,
definitions and outcome criteria in immune thrombocytopenic purpura of adults and children: report from an
international working group. Blood 2009;113:2386-93.

TODO / deliberately not coded: the Chinese adult ITP guideline 2020 (Chin J Hematol 2020;41:617-23) definition of
refractory ITP is UNVERIFIED in our notes; protocol 002's own refractory wording is coded instead
(`refractory_p002`). The 2019 international consensus update (Provan D et al. Blood Adv 2019;3:3780) is likewise
unverified and not coded.
"""

from __future__ import annotations

from datetime import date
from typing import Final, Literal

from trialscreen.plugins.helpers import add_months, and3, or3


ItpPhase = Literal["newly_diagnosed", "persistent", "chronic"]

#: Phase boundaries in calendar months from diagnosis (Rodeghiero 2009; verified on the ASH-SAP table "Proposed
#: definitions of disease" (ash-sap.org/view-large/8097230) and ClinicalGate/oncohemakey Table 56-2).
NEWLY_DIAGNOSED_MONTHS: Final[int] = 3
CHRONIC_MONTHS: Final[int] = 12


def itp_phase(diagnosis_date: date, as_of: date, *, chronic_at_12_months: bool = True) -> ItpPhase:
    """ITP phase on `as_of`: newly diagnosed < 3 months from diagnosis; persistent 3-12 months; chronic from 12
    months. Months are calendar months (diagnosis 15 Jan: persistent from 15 Apr, chronic from 15 Jan next year;
    a diagnosis on the 31st reaches a shorter month on its last day).

    Exactly 3 months is persistent. Exactly 12 months is chronic by default, following protocol 002 ("chronic:
    persistent thrombocytopenia for ≥12 months") and the brief. The IWG wording is "lasting for more than 12
    months"; pass ``chronic_at_12_months=False`` for that reading (12 months exactly then stays persistent and
    chronic starts the next day).

    Source: Rodeghiero F et al. Blood 2009;113:2386-93 — "newly diagnosed: within 3 months from diagnosis;
    persistent: between 3 to 12 months from diagnosis; chronic: lasting for more than 12 months" (verified on the
    ASH-SAP copy of the IWG table).
    """
    if as_of < diagnosis_date:
        raise ValueError(f"as_of {as_of} is before the diagnosis date {diagnosis_date}")
    if as_of < add_months(diagnosis_date, NEWLY_DIAGNOSED_MONTHS):
        return "newly_diagnosed"
    chronic_from = add_months(diagnosis_date, CHRONIC_MONTHS)
    if as_of > chronic_from or (chronic_at_12_months and as_of == chronic_from):
        return "chronic"
    return "persistent"


def chronic_p002(thrombocytopenia_since: date | None, as_of: date) -> bool | None:
    """Protocol 002: "Chronic: persistent thrombocytopenia for ≥12 months" — `thrombocytopenia_since` is the date
    from which thrombocytopenia has persisted (usually the diagnosis date); ≥12 calendar months before `as_of`.
    Source: protocol NCT07212322 registry text.
    """
    if thrombocytopenia_since is None:
        return None
    return itp_phase(thrombocytopenia_since, as_of) == "chronic"


IwgResponse = Literal["CR", "R", "NR"]

#: IWG response thresholds, ×10⁹/L (Rodeghiero 2009; verified on ClinicalGate/oncohemakey Table 56-2 and notes
#: 08_itp.md): CR ≥100 without bleeding; R ≥30 and at least a 2-fold increase from baseline without bleeding.
CR_MIN_PLATELETS: Final[float] = 100.0
R_MIN_PLATELETS: Final[float] = 30.0
R_MIN_FOLD_INCREASE: Final[float] = 2.0


def iwg_response(platelets: float | None, baseline_platelets: float | None, bleeding: bool | None) -> IwgResponse | None:
    """IWG response category for a confirmed platelet count (×10⁹/L).

    CR: ≥100 and no bleeding. R: ≥30 and ≥2-fold the baseline and no bleeding. NR otherwise (below 30, less than
    2-fold, or bleeding). The IWG asks for counts confirmed on ≥2 occasions (≥7 days apart for CR/R, 1 day for NR
    or loss of response; ASH-SAP table 8097242) — confirming is the caller's job. None when the missing inputs
    could change the category.
    Source: Rodeghiero F et al. Blood 2009;113:2386-93 (thresholds verified as above).
    """
    if platelets is not None and platelets < R_MIN_PLATELETS:
        return "NR"
    if bleeding is True:
        return "NR"
    if platelets is None or bleeding is None:
        return None
    if platelets >= CR_MIN_PLATELETS:
        return "CR"
    if baseline_platelets is None:
        return None
    return "R" if platelets >= R_MIN_FOLD_INCREASE * baseline_platelets else "NR"


def iwg_refractory_2009(
    *,
    splenectomy_performed: bool | None,
    no_response_or_relapse_after_splenectomy: bool | None,
    needs_treatment_to_minimise_bleeding_risk: bool | None,
) -> bool | None:
    """IWG 2009 refractory ITP: failure to achieve a response (R or CR) or relapse **after splenectomy**, and the
    need for treatment(s) to minimise the risk of clinically significant bleeding. No splenectomy → False (the
    IWG notes splenectomy failure may not apply to children; this function encodes the adult definition).
    Source: Rodeghiero F et al. Blood 2009;113:2386-93 (definition verified on ClinicalGate/oncohemakey Table
    56-2 and notes 08_itp.md).
    """
    return and3(splenectomy_performed, no_response_or_relapse_after_splenectomy,
                needs_treatment_to_minimise_bleeding_risk)


def refractory_p002(
    *,
    failed_first_line: bool | None,
    failed_tpo_receptor_agonist: bool | None,
    failed_rituximab: bool | None,
    failed_or_relapsed_after_splenectomy: bool | None,
    itp_reconfirmed_on_recent_reassessment: bool | None,
) -> bool | None:
    """Protocol 002: "Refractory: Failure to respond to first-line therapies, thrombopoietin receptor agonists, and
    rituximab; or failure/relapse after splenectomy; with confirmed ITP diagnosis upon recent reassessment."

    Rule: ((first-line AND TPO-RA AND rituximab failed) OR failure/relapse after splenectomy) AND ITP reconfirmed.
    Source: protocol NCT07212322 registry text.
    """
    return and3(
        or3(and3(failed_first_line, failed_tpo_receptor_agonist, failed_rituximab),
            failed_or_relapsed_after_splenectomy),
        itp_reconfirmed_on_recent_reassessment,
    )


def prior_treatment_failure_p002(
    *,
    received_standard_treatment: bool | None,
    unable_to_maintain_response: bool | None,
    relapse: bool | None,
    intolerance: bool | None,
    insufficient_response: bool | None,
) -> bool | None:
    """Protocol 002: "Patients who previously received at least one guideline-recommended standard ITP treatment
    but exhibited inability to maintain response, relapse, intolerance to standard therapy, or insufficient
    response." Rule: received AND (any of the four outcomes).
    Source: protocol NCT07212322 registry text.
    """
    return and3(received_standard_treatment,
                or3(unable_to_maintain_response, relapse, intolerance, insufficient_response))


def chronic_or_refractory_p002(chronic: bool | None, refractory: bool | None) -> bool | None:
    """Protocol 002's cohort is "chronic/refractory ITP": read as chronic OR refractory (either definition given
    in the same paragraph suffices). Source: protocol NCT07212322 registry text."""
    return or3(chronic, refractory)


__all__ = [
    "ItpPhase",
    "IwgResponse",
    "add_months",
    "chronic_or_refractory_p002",
    "chronic_p002",
    "itp_phase",
    "iwg_refractory_2009",
    "iwg_response",
    "prior_treatment_failure_p002",
    "refractory_p002",
]
