"""Antiphospholipid syndrome: 2023 ACR/EULAR and 2006 Sydney classification, aPL persistence, and the APS wording of
protocol 002 (NCT07212322), as pure three-valued functions (True / False / None = undecidable from the answers).
Three-valued AND/OR use the project's one truth table (`trialscreen.logic`).

TODO / deliberately not coded: the 2023 high-risk VTE and CVD profile definitions (major/minor risk factors) are
not in our verified notes; the caller chooses the VTE / arterial-thrombosis item with or without high-risk profile.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Final, Literal

from pydantic import BaseModel, ConfigDict

from trialscreen.plugins.helpers import add_months, and3, or3

from trialscreen_aps.items import APS2023_CRITERIA, Aps2023Items, Sydney2006Items


# --------------------------------------------------------------------------------------------------------------
# 2023 ACR/EULAR
# --------------------------------------------------------------------------------------------------------------

APS2023_CITATION: Final[str] = (
    "Barbhaiya M, Zuily S, Naden R, et al. 2023 ACR/EULAR antiphospholipid syndrome classification criteria. "
    "Arthritis Rheumatol 2023;75:1687-1702; Ann Rheum Dis 2023;82:1258-70."
)
APS2023_CLINICAL_THRESHOLD: Final[int] = 3
APS2023_LABORATORY_THRESHOLD: Final[int] = 3

#: aCL / anti-β2GPI ELISA titre categories of the 2023 criteria: moderate 40-79 units, high ≥80 units (verified:
#: PMC10967298 Table 1, comparison of 2006 and 2023 criteria; project notes 07_aps.md).
APS2023_ELISA_MODERATE_MIN: Final[float] = 40.0
APS2023_ELISA_HIGH_MIN: Final[float] = 80.0
#: Thrombocytopenia criterion 20-130 ×10⁹/L (verified: World J Rheumatol 2025 Table 1; notes 07_aps.md).
APS2023_PLATELETS_RANGE: Final[tuple[float, float]] = (20.0, 130.0)


class ApsClassificationResult(BaseModel):
    """Outcome of the 2023 criteria with bounds per side. ``domains`` maps each domain with a criterion known
    present to ``(criterion, weight)`` of the one that counts; ``missing`` names answers that could still change
    the points or the entry criterion."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    classified: bool | None
    entry_criterion: bool | None
    clinical_minimum: int
    clinical_maximum: int
    laboratory_minimum: int
    laboratory_maximum: int
    domains: dict[str, tuple[str, int]]
    missing: tuple[str, ...] = ()
    citation: str = APS2023_CITATION


def _at_least(minimum: int, maximum: int, threshold: int) -> bool | None:
    return True if minimum >= threshold else (False if maximum < threshold else None)


def aps_acr_eular_2023(items: Aps2023Items) -> ApsClassificationResult:
    """2023 ACR/EULAR APS classification criteria.

    Entry: ≥1 documented clinical criterion (domains 1-6) plus a positive aPL test within 3 years of it; if
    absent, do not classify. Additive: within each domain only the highest-weighted criterion counts; classify
    as APS with **≥3 points from clinical domains AND ≥3 points from laboratory domains**.

    Sources: Barbhaiya M et al. Arthritis Rheumatol 2023;75:1687-1702 / Ann Rheum Dis 2023;82:1258-70 (ARD
    abstract verified: entry within 3 years, weights 1-7, six clinical and two laboratory domains, ≥3 + ≥3).
    Weights (`items.APS2023_CRITERIA`) verified on the ASH-SAP and ASH publications copies of the criteria table
    and World J Rheumatol 2025 Table 1.
    """
    domains: dict[str, tuple[str, int]] = {}
    domain_max: dict[str, int] = {}
    for name, (domain, weight, _clinical) in APS2023_CRITERIA.items():
        answer = getattr(items, name)
        if answer is True and weight > domains.get(domain, ("", 0))[1]:
            domains[domain] = (name, weight)
        if answer is not False:
            domain_max[domain] = max(domain_max.get(domain, 0), weight)

    def side(clinical: bool) -> tuple[int, int]:
        side_domains = {domain for domain, _, is_clinical in APS2023_CRITERIA.values() if is_clinical == clinical}
        return (sum(weight for domain, (_, weight) in domains.items() if domain in side_domains),
                sum(weight for domain, weight in domain_max.items() if domain in side_domains))

    clinical_min, clinical_max = side(True)
    lab_min, lab_max = side(False)
    has_clinical = or3(*(getattr(items, n) for n, (_, _, c) in APS2023_CRITERIA.items() if c))
    entry = and3(has_clinical, items.apl_positive_within_3_years)

    missing = [name for name, (domain, weight, _) in APS2023_CRITERIA.items()
               if getattr(items, name) is None and weight > domains.get(domain, ("", 0))[1]]
    if items.apl_positive_within_3_years is None:
        missing.insert(0, "apl_positive_within_3_years")
    classified = and3(entry,
                      _at_least(clinical_min, clinical_max, APS2023_CLINICAL_THRESHOLD),
                      _at_least(lab_min, lab_max, APS2023_LABORATORY_THRESHOLD))
    return ApsClassificationResult(
        classified=classified, entry_criterion=entry,
        clinical_minimum=clinical_min, clinical_maximum=clinical_max,
        laboratory_minimum=lab_min, laboratory_maximum=lab_max,
        domains=domains, missing=tuple(missing),
    )


def aps2023_elisa_category(units: float | None) -> Literal["below_threshold", "moderate", "high"] | None:
    """2023 aCL / anti-β2GPI titre category: moderate 40-79 units, high ≥80 units, below 40 not counted.
    Source: Barbhaiya 2023; numbers verified on PMC10967298 Table 1 (moderate 40-79, high ≥80)."""
    if units is None:
        return None
    if units < 0:
        raise ValueError(f"antibody titre cannot be negative, got {units}")
    if units >= APS2023_ELISA_HIGH_MIN:
        return "high"
    return "moderate" if units >= APS2023_ELISA_MODERATE_MIN else "below_threshold"


def aps2023_thrombocytopenia(platelets_10e9_l: float | None) -> bool | None:
    """2023 D6 haematology criterion: platelets 20-130 ×10⁹/L, both ends included as the table prints the range.
    Source: Barbhaiya 2023; range verified on World J Rheumatol 2025 Table 1 and notes 07_aps.md."""
    if platelets_10e9_l is None:
        return None
    low, high = APS2023_PLATELETS_RANGE
    return low <= platelets_10e9_l <= high


# --------------------------------------------------------------------------------------------------------------
# 2006 revised Sapporo (Sydney)
# --------------------------------------------------------------------------------------------------------------

SYDNEY2006_CITATION: Final[str] = (
    "Miyakis S, Lockshin MD, Atsumi T, et al. International consensus statement on an update of the classification "
    "criteria for definite antiphospholipid syndrome (APS). J Thromb Haemost 2006;4:295-306."
)


def sydney_2006(items: Sydney2006Items) -> bool | None:
    """2006 revised Sapporo (Sydney) classification: ≥1 clinical criterion (vascular thrombosis, pregnancy
    morbidity) AND ≥1 persistent laboratory criterion (LA; aCL IgG/IgM >40 GPL/MPL or >99th percentile;
    anti-β2GPI IgG/IgM >99th percentile; each on ≥2 occasions ≥12 weeks apart) AND the aPL test and the clinical
    manifestation not <12 weeks nor >5 years apart.

    Source: Miyakis S et al. J Thromb Haemost 2006;4:295-306; the criteria, the 12-week persistence and the
    <12 weeks / >5 years rule verified on the empendium criteria table (adapted from JTH 2006) and notes 07_aps.md.
    """
    return and3(
        or3(items.vascular_thrombosis, items.pregnancy_morbidity),
        or3(items.lupus_anticoagulant_persistent, items.anticardiolipin_medium_high_persistent,
            items.anti_b2gpi_persistent),
        items.apl_clinical_interval_acceptable,
    )


# --------------------------------------------------------------------------------------------------------------
# aPL persistence, non-criteria manifestations, CAPS (protocol 002)
# --------------------------------------------------------------------------------------------------------------

#: 12 weeks in days.
TWELVE_WEEKS_DAYS: Final[int] = 84


def apl_persistent(
    results: Sequence[tuple[date, str, bool | None]],
    min_days_apart: int = TWELVE_WEEKS_DAYS,
    *,
    strict: bool = True,
    same_test: bool = True,
) -> bool | None:
    """Positive aPL on at least two occasions more than 12 weeks apart.

    Protocol 002 (NCT07212322) says "on at least two occasions **>12 weeks** apart", so by default (``strict``)
    two positives must be more than 84 days apart: **84 days is not enough, 85 is**. The Sydney criteria say "at
    least 12 weeks apart"; pass ``strict=False`` for that reading (84 days then suffices).

    `results` are ``(date, test, positive)``; ``positive`` None = indeterminate. With ``same_test`` (default,
    conservative) both occasions must be the same test (compared case-insensitively, e.g. "lupus_anticoagulant",
    "anticardiolipin_igg"); intervening negative results do not break persistence (the criteria ask for two
    positive occasions, not for uninterrupted positivity).

    True when two positives qualify; None when only a pair involving an indeterminate result would qualify, or
    there are no results; False otherwise.
    Sources: protocol NCT07212322 registry text (">12 weeks"); Miyakis 2006 ("≥12 weeks", verified on
    empendium's table).
    """
    if not results:
        return None

    def qualifying_pair(candidates: list[tuple[date, str]]) -> bool:
        for i, (day_a, test_a) in enumerate(candidates):
            for day_b, test_b in candidates[i + 1:]:
                gap = abs((day_b - day_a).days)
                if (gap > min_days_apart if strict else gap >= min_days_apart) and (not same_test or test_a == test_b):
                    return True
        return False

    normalised = [(day, test.strip().lower(), positive) for day, test, positive in results]
    if qualifying_pair([(d, t) for d, t, p in normalised if p is True]):
        return True
    if qualifying_pair([(d, t) for d, t, p in normalised if p is not False]):
        return None
    return False


#: Protocol 002's non-criteria clinical manifestations ("at least one of").
P002_NON_CRITERIA_MANIFESTATIONS: Final[tuple[str, ...]] = (
    "thrombocytopenia", "haemolytic_anaemia", "apl_nephropathy", "valvular_heart_disease", "neurological",
)


def non_criteria_manifestation_p002(manifestations: Mapping[str, bool | None]) -> bool | None:
    """Protocol 002: "Presence of at least one non-criteria clinical manifestation, including thrombocytopenia,
    hemolytic anemia, aPL nephropathy, valvular heart disease, and neurological manifestations."

    `manifestations` maps names of `P002_NON_CRITERIA_MANIFESTATIONS` to answers (absent keys = not assessed).
    "including" could be read as open-ended; the list is coded as closed (conservative) and unknown names raise.
    Source: protocol NCT07212322 registry text.
    """
    unknown = set(manifestations) - set(P002_NON_CRITERIA_MANIFESTATIONS)
    if unknown:
        raise ValueError(f"unknown non-criteria manifestation(s) {sorted(unknown)}; "
                         f"expected {list(P002_NON_CRITERIA_MANIFESTATIONS)}")
    return or3(*(manifestations.get(name) for name in P002_NON_CRITERIA_MANIFESTATIONS))


def catastrophic_aps_within(episode_dates: Sequence[date] | None, as_of: date, months: int = 3) -> bool | None:
    """Protocol 002 exclusion: "History of catastrophic APS within 3 months prior to screening".

    True when an episode is dated in ``[as_of − months, as_of]`` (calendar months, boundary day included — the
    conservative reading for an exclusion); False when the history was assessed (`episode_dates` a list, empty
    if none) and no episode falls there; None when the history was not assessed (`episode_dates` None).
    Source: protocol NCT07212322 registry text.
    """
    if episode_dates is None:
        return None
    if months < 0:
        raise ValueError("months must not be negative")
    start = add_months(as_of, -months)
    return any(start <= day <= as_of for day in episode_dates)


__all__ = [
    "APS2023_CITATION",
    "ApsClassificationResult",
    "P002_NON_CRITERIA_MANIFESTATIONS",
    "SYDNEY2006_CITATION",
    "apl_persistent",
    "aps2023_elisa_category",
    "aps2023_thrombocytopenia",
    "aps_acr_eular_2023",
    "catastrophic_aps_within",
    "non_criteria_manifestation_p002",
    "sydney_2006",
]
