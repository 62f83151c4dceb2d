"""Sjögren's disease classification criteria and protocol 002/004 criteria, as three-valued decisions.

Every function is pure and returns a `trialscreen.plugins.types.ValueResult` whose ``value`` is
``True``/``False``, or -- when the facts do not decide it -- ``missing`` (facts to collect) or ``review``
(an investigator must judge, e.g. a garbled protocol drug name). Unknown inputs are combined with Kleene
three-valued logic: ``False and unknown = False``, ``True or unknown = True``, otherwise unknown.

Protocol texts (shared/protocols)
--------------------------------
002 (NCT07212322, CD19 UCAR-T), Sjögren's arm: 2016 EULAR/ACR classification; "Unstimulated whole
salivary flow rate >=0.05 mL/min or stimulated whole salivary flow rate >=0.01 mL/min at screening";
ESSDAI >= 5.
004 (CHEC2024-181, CD19 CAR-NK), relapsing refractory "dry syndrome": 2002 AECG or 2016 ACR/EULAR; ESSDAI
>= 5; "Ineffective conventional treatment or relapse of disease activity after remission" with routine
treatment defined as "Use of glucocorticoids (above 1mg/Kg/d) and cyclophosphamide, as well as any of the
following immunomodulatory drugs for more than 6 months: antimalarials, methotrexate, leflunomide,
cyclophosphamide, azathioprine, mertiomate, tacrolimus, cyclosporine, and biologics, including rituximab,
belimumab and tetracycline"; exclusions "Combined cirrhosis of the liver" and "Combination of aplastic
anemia (AA), myelodysplastic syndrome (MDS), or other myeloproliferative disease (MPD)".
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Sequence

from trialscreen.plugins.helpers import and3, not3, or3
from trialscreen.plugins.types import Evidence, ScoreResult, ValueResult

from trialscreen_sjogren.items import AcrEular2016Items, Aecg2002Items, ConventionalTreatmentFacts
from trialscreen_sjogren.scores import (
    ACR_EULAR_2016_THRESHOLD,
    ESSDAI_INSTRUMENT,
    acr_eular_2016_score,
    essdai_at_least,
)

__all__ = [
    "acr_eular_2016_classified",
    "aecg_2002_item_status",
    "aecg_2002_rule",
    "aecg_2002_classified",
    "essdai_active",
    "protocol_002_salivary_flow",
    "protocol_004_classification",
    "protocol_004_exclusion_cirrhosis",
    "protocol_004_exclusion_marrow_disorder",
    "PROTOCOL_004_LISTED_DRUGS",
    "PROTOCOL_004_UNRESOLVED_NAMES",
    "classify_protocol_004_drug",
    "protocol_004_refractory",
]

Tri = bool | None


# --------------------------------------------------------------------------------------------------
# three-valued helpers
# --------------------------------------------------------------------------------------------------

def _decided(value: Tri, evidence: Iterable[Evidence] = (), *, missing: Sequence[str] = (),
             review: str | None = None, note: str | None = None) -> ValueResult:
    """A ValueResult with exactly one of value / missing / review set."""
    ev = tuple(evidence)
    if value is not None:
        return ValueResult(value=value, evidence=ev, note=note)
    if review is not None:
        return ValueResult(review=review, evidence=ev, note=note)
    return ValueResult(missing=tuple(dict.fromkeys(missing)) or ("(undetermined input)",), evidence=ev, note=note)


def _tri_of(result: ValueResult | bool | None) -> Tri:
    if result is None or isinstance(result, bool):
        return result
    return result.value if isinstance(result.value, bool) else None


# --------------------------------------------------------------------------------------------------
# 2016 ACR/EULAR
# --------------------------------------------------------------------------------------------------

_2016_ENTRY = ("dry_eyes_over_3_months", "sand_or_gravel_sensation", "tear_substitutes_over_3_per_day",
               "dry_mouth_over_3_months", "drinks_liquids_to_swallow_dry_food", "essdai_domain_positive")
_2016_EXCLUSIONS = ("head_neck_radiation", "active_hcv_pcr_confirmed", "aids", "sarcoidosis", "amyloidosis",
                    "graft_versus_host_disease", "igg4_related_disease")


def acr_eular_2016_classified(items: AcrEular2016Items) -> ValueResult:
    """Classified as primary SS by the 2016 ACR/EULAR criteria: entry criterion met, no exclusion, score >= 4.

    Shiboski CH et al. Ann Rheum Dis 2017;76:9-16, Table 3 and footnotes (verified,
    ard.bmj.com/highwire/markup/227347): the criteria apply to anyone with >= 1 of five dryness symptoms or
    suspicion of SS from the ESSDAI questionnaire; exclusions are prior diagnosis of head and neck
    radiation, active hepatitis C (PCR-confirmed), AIDS, sarcoidosis, amyloidosis, graft-versus-host disease
    or IgG4-related disease; classification at a summed weight >= 4 (weights in `scores`).
    """
    score = acr_eular_2016_score(items)
    entry = or3(*(getattr(items, f) for f in _2016_ENTRY))
    excluded = or3(*(getattr(items, f) for f in _2016_EXCLUSIONS))
    score_ok = score.at_least(ACR_EULAR_2016_THRESHOLD)
    value = and3(entry, not3(excluded), score_ok)
    evidence = [
        Evidence(label="2016 ACR/EULAR score", value=score.total if score.total is not None
                 else f"{score.minimum:g}-{score.maximum:g}", source=score.instrument),
        Evidence(label="entry criterion (dryness symptom or ESSDAI suspicion)", value=entry),
        Evidence(label="any exclusion condition", value=excluded),
    ]
    missing: list[str] = []
    if entry is None:
        missing += [f for f in _2016_ENTRY if getattr(items, f) is None]
    if excluded is None:
        missing += [f for f in _2016_EXCLUSIONS if getattr(items, f) is None]
    if score_ok is None:
        missing += list(score.missing)
    return _decided(value, evidence, missing=missing)


# --------------------------------------------------------------------------------------------------
# 2002 AECG
# --------------------------------------------------------------------------------------------------

def aecg_2002_item_status(items: Aecg2002Items) -> dict[str, Tri]:
    """AECG items I-VI as True / False / None (Vitali 2002 Table 2).

    An item defined by "a positive result for at least one of" several tests (III, V, VI) is True if any
    test is positive, False only if every test is known negative, and unknown otherwise: an unperformed
    test could have been positive.
    """
    def le(v: float | None, cut: float) -> Tri:
        return None if v is None else v <= cut

    def ge(v: float | None, cut: float) -> Tri:
        return None if v is None else v >= cut

    return {
        "I": items.ocular_symptoms,
        "II": items.oral_symptoms,
        "III": or3(le(items.schirmer_mm_5min, 5), ge(items.rose_bengal_van_bijsterveld, 4)),
        "IV": ge(items.focus_score, 1),
        "V": or3(le(items.unstimulated_whole_salivary_flow_ml_15min, 1.5),
                 items.parotid_sialography_diffuse_sialectasis, items.salivary_scintigraphy_abnormal),
        "VI": or3(items.anti_ro_ssa, items.anti_la_ssb),
    }


def aecg_2002_rule(status: dict[str, bool]) -> bool:
    """The AECG primary-SS rule on fully known items (Vitali 2002 Table 3, verified at
    ard.bmj.com/highwire/markup/172919): (a) any 4 of the 6 items, as long as item IV (histopathology) or
    VI (serology) is positive; or (b) any 3 of the 4 objective items III, IV, V, VI.
    (Rule (c), the classification-tree procedure, is not implemented.)
    """
    total = sum(status[k] for k in ("I", "II", "III", "IV", "V", "VI"))
    objective = sum(status[k] for k in ("III", "IV", "V", "VI"))
    return (total >= 4 and (status["IV"] or status["VI"])) or objective >= 3


_AECG_EXCLUSIONS = ("head_neck_radiation", "hepatitis_c", "aids", "pre_existing_lymphoma",
                    "graft_versus_host_disease", "anticholinergic_drugs_recent")


def aecg_2002_classified(items: Aecg2002Items) -> ValueResult:
    """Primary SS by the 2002 American-European Consensus Group criteria, decided over unknown items.

    Vitali C, Bombardieri S, Jonsson R, et al. Classification criteria for Sjögren's syndrome: a revised
    version of the European criteria proposed by the American-European Consensus Group. Ann Rheum Dis
    2002;61:554-58 (items: Table 2, ard.bmj.com/highwire/markup/172913; rules and exclusions: Table 3,
    ard.bmj.com/highwire/markup/172919 -- both verified). The rule is evaluated over every completion of the
    unknown items: True if all completions classify, False if none does, otherwise unknown.

    TODO(unverified): sarcoidosis is commonly quoted among the AECG exclusions but is not in the stored
    primary text of Table 3 (which lists head and neck radiation, hepatitis C, AIDS, pre-existing lymphoma,
    graft-versus-host disease and recent anticholinergic drugs); it is not applied here.
    """
    status = aecg_2002_item_status(items)
    unknown = [k for k, v in status.items() if v is None]
    outcomes = set()
    for combo in itertools.product((False, True), repeat=len(unknown)):
        filled = {k: v for k, v in status.items() if v is not None} | dict(zip(unknown, combo))
        outcomes.add(aecg_2002_rule(filled))  # type: ignore[arg-type]
    rule: Tri = outcomes.pop() if len(outcomes) == 1 else None
    excluded = or3(*(getattr(items, f) for f in _AECG_EXCLUSIONS))
    value = and3(rule, not3(excluded))
    evidence = [Evidence(label=f"AECG item {k}", value=v) for k, v in status.items()]
    evidence.append(Evidence(label="any AECG exclusion", value=excluded))
    missing = [f"AECG item {k}" for k in unknown] if rule is None else []
    if excluded is None:
        missing += [f for f in _AECG_EXCLUSIONS if getattr(items, f) is None]
    return _decided(value, evidence, missing=missing)


# --------------------------------------------------------------------------------------------------
# ESSDAI activity (protocols 002 and 004)
# --------------------------------------------------------------------------------------------------

def essdai_active(result: ScoreResult, threshold: float = 5) -> ValueResult:
    """"Active disease defined as ESSDAI score >= 5" (protocol 002; protocol 004: "ESSDAI score of 5 or higher").

    Decided from the ESSDAI bounds (`scores.essdai`); threshold per Seror R et al. Ann Rheum Dis
    2016;75:382-89 (moderate activity from 5, verified). Exactly 5 meets it.
    """
    if result.instrument != ESSDAI_INSTRUMENT:
        raise ValueError(f"expected an ESSDAI result, got {result.instrument!r}")
    value = essdai_at_least(result, threshold)
    shown = result.total if result.total is not None else f"{result.minimum:g}-{result.maximum:g}"
    evidence = (Evidence(label="ESSDAI", value=shown, source=result.instrument),)
    return _decided(value, evidence, missing=[f"ESSDAI domain: {d}" for d in result.missing])


# --------------------------------------------------------------------------------------------------
# Protocol 002
# --------------------------------------------------------------------------------------------------

def protocol_002_salivary_flow(unstimulated_ml_min: float | None, stimulated_ml_min: float | None) -> ValueResult:
    """Protocol 002: "Unstimulated whole salivary flow rate >=0.05 mL/min or stimulated whole salivary flow
    rate >=0.01 mL/min at screening" (residual gland function, inclusive cut-offs as written).

    Source: protocol 002 text (NCT07212322); there is no published formula. True if either measured rate
    meets its cut-off; False only if both were measured and neither does; otherwise unknown.
    """
    for name, v in (("unstimulated", unstimulated_ml_min), ("stimulated", stimulated_ml_min)):
        if v is not None and (isinstance(v, bool) or v < 0):
            raise ValueError(f"{name} salivary flow must be a non-negative number, got {v!r}")
    u = None if unstimulated_ml_min is None else unstimulated_ml_min >= 0.05
    s = None if stimulated_ml_min is None else stimulated_ml_min >= 0.01
    value = or3(u, s)
    evidence = (Evidence(label="unstimulated whole salivary flow", value=unstimulated_ml_min, unit="mL/min"),
                Evidence(label="stimulated whole salivary flow", value=stimulated_ml_min, unit="mL/min"))
    missing = [f"{n} whole salivary flow rate" for n, v in (("unstimulated", u), ("stimulated", s)) if v is None]
    return _decided(value, evidence, missing=missing)


# --------------------------------------------------------------------------------------------------
# Protocol 004
# --------------------------------------------------------------------------------------------------

def protocol_004_classification(aecg_2002: ValueResult | bool | None,
                                acr_eular_2016: ValueResult | bool | None) -> ValueResult:
    """Protocol 004 inclusion 1: "Meets 2002 AECG criteria or 2016 ACR/EULAR classification criteria".

    Either may be a computed result (`aecg_2002_classified`, `acr_eular_2016_classified`) or a classification
    recorded in the chart (bool). Sources: Vitali 2002 (Ann Rheum Dis 2002;61:554-58); Shiboski 2017
    (Ann Rheum Dis 2017;76:9-16).
    """
    a, b = _tri_of(aecg_2002), _tri_of(acr_eular_2016)
    value = or3(a, b)
    evidence = (Evidence(label="2002 AECG", value=a), Evidence(label="2016 ACR/EULAR", value=b))
    missing = [n for n, v in (("2002 AECG classification", a), ("2016 ACR/EULAR classification", b)) if v is None]
    return _decided(value, evidence, missing=missing)


def protocol_004_exclusion_cirrhosis(cirrhosis: bool | None) -> ValueResult:
    """Protocol 004 Sjögren exclusion 1, "Combined cirrhosis of the liver". ``True`` = excluded.

    Source: protocol 004 text (CHEC2024-181); "combined" is read as "coexisting".
    """
    return _decided(cirrhosis, (Evidence(label="liver cirrhosis", value=cirrhosis),), missing=["liver cirrhosis"])


def protocol_004_exclusion_marrow_disorder(aplastic_anaemia: bool | None, myelodysplastic_syndrome: bool | None,
                                           myeloproliferative_disease: bool | None) -> ValueResult:
    """Protocol 004 Sjögren exclusion 2, "Combination of aplastic anemia (AA), myelodysplastic syndrome (MDS),
    or other myeloproliferative disease (MPD)". ``True`` = excluded (any one suffices).

    Source: protocol 004 text. "Combination of ... or" is read as "coexisting AA, MDS or MPD", not as
    requiring all three together (the conservative reading for an exclusion).
    """
    flags = (("aplastic anaemia", aplastic_anaemia), ("myelodysplastic syndrome", myelodysplastic_syndrome),
             ("myeloproliferative disease", myeloproliferative_disease))
    value = or3(*(v for _, v in flags))
    return _decided(value, (Evidence(label=n, value=v) for n, v in flags),
                    missing=[n for n, v in flags if v is None])


#: Protocol 004 "immunomodulatory drugs" whose names are unambiguous, mapped from recognised record names.
PROTOCOL_004_LISTED_DRUGS: dict[str, str] = {
    # antimalarials
    "hydroxychloroquine": "antimalarial", "chloroquine": "antimalarial", "mepacrine": "antimalarial",
    "quinacrine": "antimalarial", "plaquenil": "antimalarial",
    "methotrexate": "methotrexate",
    "leflunomide": "leflunomide",
    "cyclophosphamide": "cyclophosphamide",
    "azathioprine": "azathioprine",
    "tacrolimus": "tacrolimus",
    "cyclosporine": "cyclosporine", "ciclosporin": "cyclosporine", "cyclosporin": "cyclosporine",
    "cyclosporin a": "cyclosporine",
    "rituximab": "biologic: rituximab",
    "belimumab": "biologic: belimumab",
}

#: Record names that correspond to the garbled protocol words; they are NOT counted automatically.
#: "mertiomate" is most plausibly mycophenolate mofetil and "tetracycline" (listed among biologics) most
#: plausibly telitacicept, but neither reading is stated in the protocol, so a patient who qualifies only
#: through one of them is sent to review.
PROTOCOL_004_UNRESOLVED_NAMES: dict[str, str] = {
    "mertiomate": "protocol word 'mertiomate' (possibly mycophenolate mofetil)",
    "mycophenolate": "possibly the protocol's 'mertiomate'",
    "mycophenolate mofetil": "possibly the protocol's 'mertiomate'",
    "mycophenolic acid": "possibly the protocol's 'mertiomate'",
    "mmf": "possibly the protocol's 'mertiomate'",
    "tetracycline": "protocol word 'tetracycline' listed among biologics (possibly telitacicept); the antibiotic "
                    "tetracycline is not an immunomodulator",
    "telitacicept": "possibly the protocol's 'tetracycline' (listed among biologics)",
}

_BIOLOGIC_SUFFIX = re.compile(r"(mab|cept)$")


def classify_protocol_004_drug(name: str) -> tuple[str, str]:
    """Classify a recorded drug name against protocol 004's list.

    Returns ``("listed", class)``, ``("unresolved", reason)`` or ``("not_listed", "")``. Other biologics
    (names ending -mab / -cept) are "unresolved": the protocol says "biologics, including ...", which may
    admit any biologic, but only the named ones are counted automatically.
    """
    key = " ".join(name.strip().lower().split())
    if key in PROTOCOL_004_LISTED_DRUGS:
        return "listed", PROTOCOL_004_LISTED_DRUGS[key]
    if key in PROTOCOL_004_UNRESOLVED_NAMES:
        return "unresolved", PROTOCOL_004_UNRESOLVED_NAMES[key]
    if _BIOLOGIC_SUFFIX.search(key):
        return "unresolved", "a biologic not named in the protocol ('biologics, including ...')"
    return "not_listed", ""


def protocol_004_refractory(facts: ConventionalTreatmentFacts) -> ValueResult:
    """Protocol 004 (Sjögren's arm) inclusion 3: ineffective conventional treatment or relapse after remission.

    Source: protocol 004 text only (no published definition). Conservative reading, documented because the
    text is garbled:

    * Conventional ("routine") treatment requires ALL of: glucocorticoids "above 1mg/Kg/d" -- read strictly as
      a documented maximum prednisone-equivalent dose > 1 mg/kg/day (exactly 1 does not meet it; "above" may
      translate "1 mg/kg/d or more", a looser reading not applied); cyclophosphamide use (any duration); and at
      least one listed immunomodulator used for MORE than 6 months (exactly 6 does not meet it). The duration
      is applied to the listed drug only; cyclophosphamide counts for both parts when used > 6 months.
    * Listed drugs are counted only when the name is unambiguous (`PROTOCOL_004_LISTED_DRUGS`). A patient who
      qualifies only through "mertiomate"/mycophenolate, "tetracycline"/telitacicept or an unnamed biologic is
      sent to review, never counted automatically.
    * Outcome: "Ineffective conventional treatment or relapse of disease activity after remission" -- either.
    """
    gc_dose = facts.glucocorticoid_max_mg_per_kg_day
    gc: Tri = facts.glucocorticoid_above_1_mg_per_kg_day if gc_dose is None else gc_dose > 1.0

    listed_ok: Tri
    review: str | None = None
    unresolved: list[str] = []
    missing: list[str] = []
    cyc_in_list = False
    if facts.immunomodulators is None:
        listed_ok = None
        missing.append("immunomodulator history (drugs and durations)")
    else:
        listed_ok = False
        for drug in facts.immunomodulators:
            kind, detail = classify_protocol_004_drug(drug.name)
            if kind == "listed" and detail == "cyclophosphamide":
                cyc_in_list = True
            over_6 = None if drug.months is None else drug.months > 6
            if kind == "listed":
                if over_6 is True:
                    listed_ok = True
                elif over_6 is None and listed_ok is not True:
                    listed_ok = None
                    missing.append(f"duration of {drug.name}")
            elif kind == "unresolved" and over_6 is not False:
                unresolved.append(f"{drug.name} ({detail})")
        if listed_ok is not True and unresolved:
            listed_ok = None
            review = ("Protocol 004 drug list is garbled; candidate immunomodulator(s) not counted automatically: "
                      + "; ".join(unresolved) + ". Investigator must decide whether they count.")

    cyc: Tri = True if cyc_in_list else facts.cyclophosphamide_used
    if gc is None:
        missing.append("maximum glucocorticoid dose (mg/kg/day prednisone-equivalent)")
    if cyc is None:
        missing.append("cyclophosphamide use")
    conventional = and3(gc, cyc, listed_ok)
    outcome = or3(facts.conventional_treatment_ineffective, facts.relapse_after_remission)
    if outcome is None:
        missing += [n for n, v in (("conventional treatment ineffective", facts.conventional_treatment_ineffective),
                                   ("relapse after remission", facts.relapse_after_remission)) if v is None]
    value = and3(conventional, outcome)
    evidence = (
        Evidence(label="max glucocorticoid dose > 1 mg/kg/day", value=gc, unit=None),
        Evidence(label="cyclophosphamide used", value=cyc),
        Evidence(label="listed immunomodulator > 6 months", value=listed_ok),
        Evidence(label="ineffective treatment or relapse after remission", value=outcome),
    )
    note = ("conservative reading of the garbled protocol text: GC > 1 mg/kg/d AND cyclophosphamide AND a listed "
            "immunomodulator > 6 months")
    if value is None and review is not None:
        if missing:  # collect the missing facts first; the drug question is carried in the note
            return _decided(None, evidence, missing=missing, note=note + ". Also to review: " + review)
        return _decided(None, evidence, review=review, note=note)
    return _decided(value, evidence, missing=missing, note=note)
