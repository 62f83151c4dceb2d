"""SLE classification, disease-state and protocol criteria as pure three-valued functions.

Every predicate returns ``True`` / ``False`` when the answers decide it and ``None`` when they do not (an
unanswered input that could change the result). Three-valued AND/OR use the project's one truth table
(`trialscreen.logic`, Kleene logic).

Contents
--------
* `eular_acr_2019` — 2019 EULAR/ACR classification criteria (Aringer 2019).
* `lldas`, `failure_to_achieve_lldas` — Lupus Low Disease Activity State (Franklyn 2016) and its failure over a
  period (operationalisation documented on the function).
* Lupus nephritis: `LupusNephritisBiopsy` (ISN/RPS 2003), `ln_class_eligible_p001`, `ln_active_p001`,
  `severe_ln_p002`.
* `sle_itp_p001` — the SLE-ITP entry wording of protocol 001 (NCT06316791).
* Refractoriness: `MedicationExposure`, `course_days`, `count_listed_agents`, `refractory_p003`,
  `refractory_p002`.

Protocol numbers are taken from the registry texts in shared/protocols (001 = NCT06316791, 002 = NCT07212322,
003 = ZJU children's SLE CAR-T); published-instrument numbers cite their paper and where they were verified.

TODO / deliberately not coded
-----------------------------
* LLDAS criterion 5 ("well-tolerated standard maintenance doses") is taken as an answer. Golder 2016 (Arthritis
  Res Ther 2016;18:260, Table 3 footnote) operationalised it as maximum doses (HCQ ≤400 mg, MTX ≤30 mg, AZA
  ≤200 mg, MMF ≤3000 mg, MPA ≤2160 mg, LEF ≤20 mg), but the footnote gives no time unit (methotrexate is dosed
  weekly), so it is not coded.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date
from typing import Final, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from trialscreen.plugins.helpers import add_months, and3, not3, or3
from trialscreen.plugins.types import ScoreResult

from trialscreen_sle.items import (
    EULAR2019_ANA_MIN_TITRE,
    EULAR2019_CRITERIA,
    LLDAS_MAJOR_ORGAN_ITEMS,
    Eular2019Items,
    LldasInputs,
)
from trialscreen_sle.scores import sledai2k

# --------------------------------------------------------------------------------------------------------------
# three-valued helpers (bool | None over trialscreen.logic's truth table)
# --------------------------------------------------------------------------------------------------------------


def _compare(value: float | None, test: Callable[[float], bool]) -> bool | None:
    return None if value is None else bool(test(value))


# --------------------------------------------------------------------------------------------------------------
# 2019 EULAR/ACR classification criteria
# --------------------------------------------------------------------------------------------------------------

EULAR2019_CITATION: Final[str] = (
    "Aringer M, Costenbader K, Daikh D, et al. 2019 EULAR/ACR classification criteria for systemic lupus "
    "erythematosus. Ann Rheum Dis 2019;78:1151-59; Arthritis Rheumatol 2019;71:1400-12."
)
EULAR2019_THRESHOLD: Final[int] = 10


class ClassificationResult(BaseModel):
    """The outcome of a points-based classification with bounds, like `ScoreResult` for a criteria set.

    ``minimum`` counts, per domain, the highest-weighted criterion known present; ``maximum`` assumes every
    unanswered criterion present. ``total`` is set when the two agree. ``domains`` maps each domain with a
    criterion known present to ``(criterion, weight)`` of the one that counts. ``missing`` names the unanswered
    inputs that could still change the points or the entry criterion.
    """

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    classified: bool | None
    total: int | None
    minimum: int
    maximum: int
    entry_criterion: bool | None
    has_clinical_criterion: bool | None
    domains: dict[str, tuple[str, int]]
    missing: tuple[str, ...] = ()
    citation: str


def _eular_criterion_answers(items: Eular2019Items) -> dict[str, bool | None]:
    answers: dict[str, bool | None] = {name: getattr(items, name) for name in EULAR2019_CRITERIA
                                       if name in Eular2019Items.model_fields}
    answers["low_c3_or_low_c4"] = or3(items.low_c3, items.low_c4)
    answers["low_c3_and_low_c4"] = and3(items.low_c3, items.low_c4)
    answers["anti_dsdna_or_anti_smith"] = or3(items.anti_dsdna, items.anti_smith)
    return answers


_DERIVED_INPUTS: Final[dict[str, tuple[str, ...]]] = {
    "low_c3_or_low_c4": ("low_c3", "low_c4"),
    "low_c3_and_low_c4": ("low_c3", "low_c4"),
    "anti_dsdna_or_anti_smith": ("anti_dsdna", "anti_smith"),
}


def _ana_entry(items: Eular2019Items) -> bool | None:
    """ANA ≥1:80 on HEp-2 or an equivalent positive test. A recorded titre below 1:80 fails unless an equivalent
    positive test is explicitly recorded (the titre is the record's ANA result; an unrecorded alternative test is
    not assumed)."""
    if items.ana_equivalent_positive is True:
        return True
    if items.ana_titre is not None:
        return items.ana_titre >= EULAR2019_ANA_MIN_TITRE
    return False if items.ana_equivalent_positive is False else None


def eular_acr_2019(items: Eular2019Items) -> ClassificationResult:
    """2019 EULAR/ACR classification criteria for SLE.

    Rules (Aringer 2019): entry criterion ANA ≥1:80 on HEp-2 cells or an equivalent positive test, at least once;
    if absent, do not classify. Additive criteria: a criterion counts once it has occurred (not necessarily
    simultaneously) and only if not more likely explained by another condition (the caller's judgement before
    answering); **within each domain only the highest-weighted criterion counts**; classify as SLE with **≥1
    clinical criterion and ≥10 points**.

    Three-valued: ``classified`` is True when the entry criterion is met, the known points reach 10 and a clinical
    criterion is known present; False when the entry criterion fails, or even the maximum stays below 10, or every
    clinical criterion is absent; otherwise None.

    Sources: Aringer M et al. Ann Rheum Dis 2019;78:1151-59 / Arthritis Rheumatol 2019;71:1400-12.
    * Domains and weights (2-10; `items.EULAR2019_CRITERIA`) verified on the BMJ Best Practice criteria page (all
      weights), the MSD Manual table and project notes 01_sle.md §3 (MSD, Neurol Res Pract 2019 Table 7).
    * Entry titre 1:80, threshold 10, ≥1 clinical criterion, highest-weight-per-domain rule verified on the same
      pages and the A&R author manuscript abstract ("Patients accumulating ≥10 points are classified").
    """
    answers = _eular_criterion_answers(items)
    domains: dict[str, tuple[str, int]] = {}
    domain_max: dict[str, int] = {}
    for name, (domain, weight, _clinical) in EULAR2019_CRITERIA.items():
        answer = answers[name]
        if answer is True and weight > domains.get(domain, ("", 0))[1]:
            domains[domain] = (name, weight)
        if answer is not False:
            domain_max[domain] = max(domain_max.get(domain, 0), weight)
    minimum = sum(weight for _, weight in domains.values())
    maximum = sum(domain_max.values())

    missing: list[str] = []
    for name, (domain, weight, _clinical) in EULAR2019_CRITERIA.items():
        if answers[name] is None and weight > domains.get(domain, ("", 0))[1]:
            for field in _DERIVED_INPUTS.get(name, (name,)):
                if getattr(items, field) is None and field not in missing:
                    missing.append(field)

    entry = _ana_entry(items)
    if entry is None:
        missing[:0] = ["ana_titre"]
    has_clinical = or3(*(answers[name] for name, (_, _, clinical) in EULAR2019_CRITERIA.items() if clinical))
    points = True if minimum >= EULAR2019_THRESHOLD else (False if maximum < EULAR2019_THRESHOLD else None)
    return ClassificationResult(
        classified=and3(entry, has_clinical, points),
        total=minimum if minimum == maximum else None,
        minimum=minimum,
        maximum=maximum,
        entry_criterion=entry,
        has_clinical_criterion=has_clinical,
        domains=domains,
        missing=tuple(missing),
        citation=EULAR2019_CITATION,
    )


# --------------------------------------------------------------------------------------------------------------
# LLDAS
# --------------------------------------------------------------------------------------------------------------

LLDAS_CITATION: Final[str] = (
    "Franklyn K, et al. Definition and initial validation of a Lupus Low Disease Activity "
    "State (LLDAS). Ann Rheum Dis 2016;75:1615-21."
)
LLDAS_SLEDAI_MAX: Final[int] = 4
LLDAS_PGA_MAX: Final[float] = 1.0
LLDAS_PREDNISOLONE_MAX_MG: Final[float] = 7.5


class LldasResult(BaseModel):
    """LLDAS at one assessment: ``met`` three-valued, with the criteria that failed and the inputs missing."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    met: bool | None
    components: dict[str, bool | None]
    failed: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()
    sledai2k: ScoreResult | None = None
    citation: str = LLDAS_CITATION


def lldas(inputs: LldasInputs) -> LldasResult:
    """Lupus Low Disease Activity State: all five criteria must hold (Franklyn 2016, Table 1).

    1. ``sledai_activity`` — SLEDAI-2K ≤4, with no activity in major organ systems (renal, CNS, cardiopulmonary,
       vasculitis, fever) and no haemolytic anaemia or gastrointestinal activity. Major-organ descriptors:
       `items.LLDAS_MAJOR_ORGAN_ITEMS`. "≤4" is decided from the score's bounds (maximum ≤4 → met; minimum >4 →
       failed).
    2. ``no_new_activity`` — no new features of lupus disease activity compared with the previous assessment.
    3. ``pga`` — SELENA-SLEDAI physician global assessment (0-3) ≤1.
    4. ``prednisolone`` — current prednisolone (or equivalent) dose ≤7.5 mg daily.
    5. ``maintenance_immunosuppression`` — well-tolerated standard maintenance doses of immunosuppressive drugs
       and approved biologics, excluding investigational drugs (an answer; see the module TODO).

    Sources: Franklyn K et al. Ann Rheum Dis 2016;75:1615-21 — the five criteria and the numbers 4, 1 (0-3 scale)
    and 7.5 mg verified in ARD Table 1 ("LLDAS definition", ard.bmj.com) and reproduced in Golder 2016 Arthritis
    Res Ther Table 3 and Rheumatology (Oxford) 2020 PMC7719036 Table 1. The organ-to-descriptor mapping follows the
    ARD 2022 table comparing the Parodis and Oon operationalisations (verified on ard.bmj.com).
    """
    missing: list[str] = []
    score: ScoreResult | None = None
    if inputs.sledai2k is None:
        total_ok: bool | None = None
        organ_ok: bool | None = None
        missing.append("sledai2k")
    else:
        score = sledai2k(inputs.sledai2k)
        total_ok = True if score.maximum <= LLDAS_SLEDAI_MAX else (False if score.minimum > LLDAS_SLEDAI_MAX else None)
        organ_answers = {name: getattr(inputs.sledai2k, name)
                         for names in LLDAS_MAJOR_ORGAN_ITEMS.values() for name in names}
        organ_ok = not3(or3(*organ_answers.values()))
        if total_ok is None or organ_ok is None:
            missing.extend(f"sledai2k.{name}" for name in score.missing)
    if inputs.haemolytic_anaemia is None:
        missing.append("haemolytic_anaemia")
    if inputs.gastrointestinal_activity is None:
        missing.append("gastrointestinal_activity")

    components: dict[str, bool | None] = {
        "sledai_activity": and3(total_ok, organ_ok, not3(inputs.haemolytic_anaemia),
                                not3(inputs.gastrointestinal_activity)),
        "no_new_activity": not3(inputs.new_activity_since_previous),
        "pga": _compare(inputs.physician_global_assessment, lambda v: v <= LLDAS_PGA_MAX),
        "prednisolone": _compare(inputs.prednisolone_equivalent_mg_day, lambda v: v <= LLDAS_PREDNISOLONE_MAX_MG),
        "maintenance_immunosuppression": inputs.maintenance_immunosuppression_acceptable,
    }
    for component, field in (("no_new_activity", "new_activity_since_previous"),
                             ("pga", "physician_global_assessment"),
                             ("prednisolone", "prednisolone_equivalent_mg_day"),
                             ("maintenance_immunosuppression", "maintenance_immunosuppression_acceptable")):
        if components[component] is None:
            missing.append(field)
    failed = tuple(name for name, value in components.items() if value is False)
    met = and3(*components.values())
    return LldasResult(met=met, components=components, failed=failed,
                       missing=() if met is not None else tuple(missing), sledai2k=score)


def _lldas_value(result: bool | None | LldasResult) -> bool | None:
    return result.met if isinstance(result, LldasResult) else result


def failure_to_achieve_lldas(
    assessments: Sequence[tuple[date, bool | None | LldasResult]],
    as_of: date,
    months: int = 2,
) -> bool | None:
    """Failure to achieve LLDAS for at least `months` calendar months before `as_of` (protocol 002: "failure to
    achieve LLDAS criteria for at least 2 months before screening").

    Operationalisation (ours; the protocol does not define one). LLDAS is only observed at assessments, and the
    state seen at an assessment is taken to hold until the next one:

    1. Only assessments dated on or before `as_of` are used. The window is ``[as_of − months, as_of]``
       (calendar months, end-of-month clamped).
    2. The evidence set is every assessment inside the window plus the latest assessment before it (the anchor,
       whose state carries into the window).
    3. If any assessment in the evidence set met LLDAS → **False** (LLDAS was achieved within the period).
    4. The evidence must consist of **at least two dated assessments spanning ≥ `months`** (earliest to latest)
       — otherwise the period is not documented → **None**.
    5. If any assessment in the evidence set is undetermined (None) → **None**; else **True**.

    Example (monthly visits, none in LLDAS): visits 3, 2 and 1 months before screening → evidence {−3 (anchor),
    −2, −1}, span 2 months → True. Visits only 6 and 5 months before → evidence {−5}, one assessment → None.

    Source: LLDAS per Franklyn K et al. Ann Rheum Dis 2016;75:1615-21 (see `lldas`); period wording from the
    NCT07212322 registry text.
    """
    if months < 1:
        raise ValueError("months must be at least 1")
    dated = sorted(((day, _lldas_value(result)) for day, result in assessments if day <= as_of),
                   key=lambda pair: pair[0])
    window_start = add_months(as_of, -months)
    inside = [pair for pair in dated if pair[0] >= window_start]
    before = [pair for pair in dated if pair[0] < window_start]
    evidence = ([before[-1]] if before else []) + inside
    states = [state for _, state in evidence]
    if True in states:
        return False
    if len(evidence) < 2 or add_months(evidence[0][0], months) > evidence[-1][0]:
        return None
    return None if None in states else True


# --------------------------------------------------------------------------------------------------------------
# Lupus nephritis
# --------------------------------------------------------------------------------------------------------------

IsnRpsClass = Literal["I", "II", "III", "IV", "V", "VI", "III+V", "IV+V"]


class LupusNephritisBiopsy(BaseModel):
    """A renal biopsy classified by ISN/RPS 2003.

    Classes I-VI; class V may be diagnosed together with class III or IV ("III+V", "IV+V"). Classes III and IV
    carry an activity qualifier: A (active lesions), A/C (active and chronic), C (chronic inactive lesions with
    scars: focal/diffuse *sclerosing* lupus nephritis); class IV also segmental (S) or global (G).

    Source: Weening JJ, D'Agati VD, Schwartz MM, et al. The classification of glomerulonephritis in systemic lupus
    erythematosus revisited. J Am Soc Nephrol 2004;15:241-50 (citation verified on the docslib copy of the paper).
    Classes, A / A/C / C ("chronic inactive lesions with scars"), IV-S / IV-G and the III+V / IV+V combination
    verified on the paper's abstract, the JASN abbreviated-classification table (Table 4) and PMC3367406 /
    PMC3108794 Table 1.
    """

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    isn_rps_class: IsnRpsClass
    activity: Literal["A", "A/C", "C"] | None = Field(None, description="Only for classes III and IV (± V).")
    class_iv_extent: Literal["S", "G"] | None = Field(None, description="Only for class IV (± V).")
    biopsy_date: date | None = None

    @model_validator(mode="after")
    def _qualifiers_fit_class(self) -> LupusNephritisBiopsy:
        proliferative = self.isn_rps_class in ("III", "IV", "III+V", "IV+V")
        if self.activity is not None and not proliferative:
            raise ValueError(f"activity {self.activity!r} applies only to class III or IV, not {self.isn_rps_class}")
        if self.class_iv_extent is not None and not self.isn_rps_class.startswith("IV"):
            raise ValueError(f"segmental/global applies only to class IV, not {self.isn_rps_class}")
        return self


def ln_class_eligible_p001(biopsy: LupusNephritisBiopsy | None) -> bool | None:
    """Protocol 001 (NCT06316791): "Active and biopsy-confirmed proliferative lupus nephritis grade III or IV or
    simple grade V alone according to 2003 ISN/RPS criteria."

    * Class III or IV (alone or with V) with activity A or A/C → True.
    * Class III or IV with activity C → **False** (conservative reading): ISN/RPS calls C lesions "chronic
      inactive … sclerosing", which is neither active nor proliferative.
    * Class III or IV without an activity qualifier → None (the biopsy report must say).
    * Pure class V → True. Classes I, II, VI → False. No biopsy → None.

    Whether the disease is *active* is defined by the protocol on proteinuria: see `ln_active_p001`.
    Source: protocol NCT06316791 registry text; classes per ISN/RPS 2003 (see `LupusNephritisBiopsy`).
    """
    if biopsy is None:
        return None
    cls = biopsy.isn_rps_class
    if cls == "V":
        return True
    if cls in ("I", "II", "VI"):
        return False
    if biopsy.activity is None:
        return None
    return biopsy.activity in ("A", "A/C")


def ln_active_p001(upcr_mg_mg: float | None, proteinuria_g_day: float | None) -> bool | None:
    """Protocol 001: "Active renal disease was defined as a urine protein:creatinine ratio >1.0 or proteinuria
    >3.5 grams/day." UPCR in mg/mg (= g/g; 1.0 mg/mg = 1000 mg/g ≈ 113 mg/mmol). Either strict inequality
    suffices; False only when both are known and neither exceeds its limit.
    Source: protocol NCT06316791 registry text.
    """
    return or3(_compare(upcr_mg_mg, lambda v: v > 1.0), _compare(proteinuria_g_day, lambda v: v > 3.5))


def severe_ln_p002(
    proteinuria_g_24h: float | None,
    creatinine_x_uln: float | None,
    crcl_ml_min: float | None,
) -> bool | None:
    """Protocol 002 (NCT07212322) exclusion, severe renal disease within 8 weeks: "Severe lupus nephritis [defined
    as urine protein >6 g/24h or serum creatinine >1.5×ULN. Creatinine clearance (Cockcroft-Gault) <40 mL/min]".

    The registry text's brackets are garbled; the conservative reading for an exclusion (any one suffices) is
    coded: protein >6 g/24 h OR creatinine >1.5 × ULN OR CrCl <40 mL/min. Strict inequalities as written.
    Source: protocol NCT07212322 registry text.
    """
    return or3(
        _compare(proteinuria_g_24h, lambda v: v > 6.0),
        _compare(creatinine_x_uln, lambda v: v > 1.5),
        _compare(crcl_ml_min, lambda v: v < 40.0),
    )


# --------------------------------------------------------------------------------------------------------------
# SLE-ITP (protocol 001)
# --------------------------------------------------------------------------------------------------------------


def sle_itp_p001(
    platelet_counts: Sequence[tuple[date, float]],
    smear_normal: bool | None,
    spleen_enlarged: bool | None,
    marrow_megakaryocytes_increased_or_normal_with_maturation_disorder: bool | None,
    latest_platelets: float | None,
) -> bool | None:
    """Protocol 001 (NCT06316791) SLE with thrombocytopenia: "At least two consecutive blood routine examinations
    showed that platelet was lower than 50×10⁹/L; blood cell morphology of peripheral blood smear was normal. The
    spleen is generally not enlarged; the morphological characteristics of bone marrow cells were megakaryocytic
    increase or normal, accompanied by maturation disorder. Platelet count >10×10⁹/L."

    * Two consecutive counts: two examinations adjacent in date order (on different dates) both <50×10⁹/L.
      Fewer than two dated counts → None; two or more with no such pair → False.
    * Smear normal and marrow as stated are required (False fails, None leaves it open).
    * "The spleen is generally not enlarged" is hedged ("generally"), so it is not a hard requirement: an
      enlarged spleen makes the result None (investigator review), and so does a spleen not assessed (None: it
      is unknown whether the review applies; otherwise removing the spleen finding would make her eligible).
    * Current count (`latest_platelets`) must be >10×10⁹/L.
    Units: ×10⁹/L. Source: protocol NCT06316791 registry text (all numbers).
    """
    counts = sorted(platelet_counts, key=lambda pair: pair[0])
    if len(counts) < 2:
        consecutive_low: bool | None = None
    else:
        consecutive_low = any(a[1] < 50 and b[1] < 50 and a[0] != b[0] for a, b in zip(counts, counts[1:]))
    result = and3(
        consecutive_low,
        smear_normal,
        marrow_megakaryocytes_increased_or_normal_with_maturation_disorder,
        _compare(latest_platelets, lambda v: v > 10),
    )
    if result is True and spleen_enlarged is not False:
        return None
    return result


# --------------------------------------------------------------------------------------------------------------
# Refractoriness (protocols 003 and 002)
# --------------------------------------------------------------------------------------------------------------

ExposureOutcome = Literal["response", "inadequate_response", "failure", "relapse", "intolerance", "unknown"]


class MedicationExposure(BaseModel):
    """One course of a drug, as minimally as the refractoriness rules need it."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    drug: str = Field(min_length=1, description="Drug name as recorded (matched case-insensitively).")
    drug_class: str | None = Field(None, description="e.g. glucocorticoid, antimalarial, immunosuppressant, biologic.")
    start: date | None = None
    end: date | None = Field(None, description="Last day taken; None while ongoing (see `ongoing`) or unrecorded.")
    ongoing: bool = False
    dose_mg_day: float | None = Field(None, ge=0, description="Daily dose in mg (prednisone-equivalent for "
                                                              "glucocorticoids).")
    outcome: ExposureOutcome | None = None

    @model_validator(mode="after")
    def _dates_in_order(self) -> MedicationExposure:
        if self.start and self.end and self.end < self.start:
            raise ValueError(f"{self.drug}: end {self.end} is before start {self.start}")
        if self.ongoing and self.end is not None:
            raise ValueError(f"{self.drug}: an ongoing course has no end date")
        return self


#: Protocol 003's list of agents, "at least 2 of": name -> accepted spellings (lower case). "Beliumab" is the
#: registry text's typo for belimumab. Mycophenolate sodium / mycophenolic acid is NOT counted as "MMF"
#: (conservative reading; the protocol names MMF only).
P003_AGENTS: Final[dict[str, tuple[str, ...]]] = {
    "cyclophosphamide": ("cyclophosphamide",),
    "mycophenolate mofetil": ("mycophenolate mofetil", "mmf"),
    "azathioprine": ("azathioprine",),
    "methotrexate": ("methotrexate",),
    "ciclosporin": ("ciclosporin", "cyclosporin", "cyclosporine", "cyclosporin a"),
    "tacrolimus": ("tacrolimus",),
    "sirolimus": ("sirolimus",),
    "leflunomide": ("leflunomide",),
    "telitacicept": ("telitacicept",),
    "belimumab": ("belimumab", "beliumab"),
    "rituximab": ("rituximab",),
}

#: Protocol durations in days: a month is taken as the mean Gregorian month (30.436875 d), so 3 months = 91 d and
#: 6 months = 183 d. A ruleset may pass other values (calendar months span 89-92 and 181-184 days).
P003_MIN_HIGH_DOSE_GC_DAYS: Final[int] = 91
P002_MIN_STABLE_TREATMENT_DAYS: Final[int] = 183


def course_days(
    exposures: Iterable[MedicationExposure],
    names: Iterable[str],
    as_of: date,
    min_dose_mg_day: float | None = None,
) -> int | None:
    """Longest continuous period (days, both ends inclusive) on any of `names`, merging overlapping or
    back-to-back courses, counting only courses at ≥ `min_dose_mg_day` when given. Ongoing courses run to
    `as_of`. None when a matching course lacks the start, end or dose needed to measure it (it might be longer).
    For "prednisone ≥1 mg/kg/d" pass ``min_dose_mg_day = 1.0 × weight`` with prednisone-equivalent doses.
    """
    wanted = {name.strip().lower() for name in names}
    spans: list[tuple[date, date]] = []
    for exp in exposures:
        if exp.drug.strip().lower() not in wanted:
            continue
        if min_dose_mg_day is not None:
            if exp.dose_mg_day is None:
                return None
            if exp.dose_mg_day < min_dose_mg_day:
                continue
        end = as_of if exp.ongoing else exp.end
        if exp.start is None or end is None:
            return None
        if exp.start <= as_of:
            spans.append((exp.start, min(end, as_of)))
    longest = 0
    current: tuple[date, date] | None = None
    for start, end in sorted(spans):
        if current and start.toordinal() <= current[1].toordinal() + 1:
            current = (current[0], max(current[1], end))
        else:
            current = (start, end)
        longest = max(longest, (current[1] - current[0]).days + 1)
    return longest


def count_listed_agents(exposures: Iterable[MedicationExposure], agents: dict[str, tuple[str, ...]] = P003_AGENTS
                        ) -> int:
    """Number of distinct agents of `agents` (canonical name -> spellings) among the exposures' drug names."""
    names = {exp.drug.strip().lower() for exp in exposures}
    return sum(any(spelling in names for spelling in spellings) for spellings in agents.values())


def refractory_p003(
    *,
    high_dose_gc_days: int | None,
    hydroxychloroquine_used: bool | None,
    listed_agents_used: int | None,
    intolerant_to_standard_treatment: bool | None,
    min_high_dose_gc_days: int = P003_MIN_HIGH_DOSE_GC_DAYS,
    min_listed_agents: int = 2,
) -> bool | None:
    """Protocol 003 (ZJU children's SLE CAR-T) refractoriness: "despite ≥3M of high dose glucocorticoids
    (prednisone ≥1 mg/kg/d or equivalent), hydroxychloroquine and at least 2 of the following treatments
    (cyclophosphamide, MMF, azathioprine, methotrexate, cyclosporin, tacrolimus, sirolimus, leflunomide,
    telitacicept, belimumab, rituximab); or intolerant to standard treatments".

    Takes extracted facts: `high_dose_gc_days` — longest continuous course at prednisone-equivalent ≥1 mg/kg/d
    (see `course_days`); `hydroxychloroquine_used`; `listed_agents_used` — distinct agents of `P003_AGENTS` used
    (see `count_listed_agents`; None if the history is incomplete and fewer than two are known);
    `intolerant_to_standard_treatment`.

    Rule: (gc_days ≥ 91 AND HCQ AND agents ≥ 2) OR intolerant. The registry text does not say whether "≥3M"
    also applies to HCQ and the listed agents; the caller decides what counts as "used" (reported ambiguity).
    The continued "moderate to severe disease activity" in the same sentence is a separate activity criterion.
    Source: protocol 003 registry text (all numbers); 3 months = 91 days (see `P003_MIN_HIGH_DOSE_GC_DAYS`).
    """
    agents_ok = None if listed_agents_used is None else listed_agents_used >= min_listed_agents
    gc_ok = None if high_dose_gc_days is None else high_dose_gc_days >= min_high_dose_gc_days
    return or3(and3(gc_ok, hydroxychloroquine_used, agents_ok), intolerant_to_standard_treatment)


#: Protocol 002's "standard treatment regimen": any of these classes, alone or in combination.
P002_STANDARD_TREATMENT_CLASSES: Final[tuple[str, ...]] = (
    "glucocorticoid", "antimalarial", "biologic", "immunosuppressant", "immunomodulator",
)


def refractory_p002(
    *,
    stable_standard_treatment_days: int | None,
    lldas_failure: bool | None,
    min_stable_treatment_days: int = P002_MIN_STABLE_TREATMENT_DAYS,
) -> bool | None:
    """Protocol 002 (NCT07212322) SLE: "A history of at least 6 months of stable standard treatment regimen prior
    to screening, with failure to achieve LLDAS criteria for at least 2 months before screening. Standard
    treatment regimen refers to stable use of any of the following medications (alone or in combination):
    glucocorticoids, antimalarials, biologics, and other immunosuppressants or immunomodulators."

    Takes extracted facts: `stable_standard_treatment_days` — length of the stable regimen of
    `P002_STANDARD_TREATMENT_CLASSES` ending at screening; `lldas_failure` — from `failure_to_achieve_lldas`
    (months=2). Rule: days ≥ 183 AND lldas_failure.
    Source: protocol NCT07212322 registry text; 6 months = 183 days (see `P002_MIN_STABLE_TREATMENT_DAYS`).
    """
    treatment_ok = (None if stable_standard_treatment_days is None
                    else stable_standard_treatment_days >= min_stable_treatment_days)
    return and3(treatment_ok, lldas_failure)


__all__ = [
    "ClassificationResult",
    "EULAR2019_CITATION",
    "LldasResult",
    "LupusNephritisBiopsy",
    "MedicationExposure",
    "P002_STANDARD_TREATMENT_CLASSES",
    "P003_AGENTS",
    "course_days",
    "count_listed_agents",
    "eular_acr_2019",
    "failure_to_achieve_lldas",
    "lldas",
    "ln_active_p001",
    "ln_class_eligible_p001",
    "refractory_p002",
    "refractory_p003",
    "severe_ln_p002",
    "sle_itp_p001",
]
