"""Idiopathic inflammatory myopathy values and predicates computed from the patient record (the compute
functions behind `trialscreen_iim.plugin`).

Each function takes a `trialscreen.facts.context.ScreeningContext` and the call's parameters and returns a
three-valued `ValueResult`: a value with the evidence it rests on, or what is missing (or why the investigator
must decide). Missing data never passes. The clinical logic is the cited, tested pure code in
`trialscreen_iim.scores` and `trialscreen_iim.criteria`; this module finds the facts in the record:

* assessments of ``iim.eular_acr_2017`` (classification items), ``iim.mmt8``, ``iim.haq_di`` and
  ``iim.global_activity`` (patient / physician / extramuscular global activity VAS);
* the IIM diagnosis: ``condition`` (subgroup: DM, ADM, PM, IMNM, ASyS, IBM...), ``onset_date`` (age at onset,
  cancer-associated myositis) and documented ``classification`` labels;
* this plugin's observation tests ``ck``, ``aldolase``, ``ldh`` (with the core ``ast`` / ``alt``; reference
  ranges give the ULN) and serologies ``anti_jo1`` ... ``anti_ro52`` (`ANTIBODY_TESTS`);
* history categories ``myopathy_non_iim`` and ``malignancy`` (core vocabulary);
* the medication history, through the core predicates (``core.exposure_duration_at_least``,
  ``core.distinct_agents_at_least``); investigator decisions for "active disease" (protocol 001).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from dateutil.relativedelta import relativedelta

from trialscreen.facts.context import ScreeningContext
from trialscreen.facts.record import ParsedAssessment
from trialscreen.plugins.helpers import (
    and3,
    assessment_score,
    assessment_score_evidence,
    combined_exposure,
    documented_or_computed,
    history_events,
    or3,
    serology_status,
    tri,
    within_text,
)
from trialscreen.plugins.results import answer, window_param
from trialscreen.plugins.types import Evidence, ScoreResult, ValueResult
from trialscreen.rules.model import Window

from trialscreen_iim import criteria, scores
from trialscreen_iim.items import (
    ANTISYNTHETASE_ANTIBODIES,
    IIM_2017_DEFINITE_MIN,
    IIM_2017_PROBABLE_MIN,
    AntibodyResult,
    EnzymeResult,
    Iim2017Items,
    Iim2017Subgroup,
    ImacsCoreSet,
    MuscleEnzyme,
    MyositisAntibody,
)

IIM_2017 = scores.IIM_2017_INSTRUMENT  # "iim.eular_acr_2017"
MMT8 = scores.MMT8_INSTRUMENT  # "iim.mmt8"
HAQ_DI = scores.HAQ_DI_INSTRUMENT  # "iim.haq_di"
GLOBAL_ACTIVITY = "iim.global_activity"
INDICATION = "IIM"

#: Screening measurements default to the latest result within 28 days (the screening window nct07212322 uses).
SCREENING_WINDOW = {"days": 28}

#: Serology test id of each myositis antibody.
ANTIBODY_TESTS: dict[MyositisAntibody, str] = {
    MyositisAntibody.JO1: "anti_jo1", MyositisAntibody.PL7: "anti_pl7", MyositisAntibody.PL12: "anti_pl12",
    MyositisAntibody.EJ: "anti_ej", MyositisAntibody.OJ: "anti_oj", MyositisAntibody.KS: "anti_ks",
    MyositisAntibody.ZO: "anti_zo", MyositisAntibody.HA: "anti_ha", MyositisAntibody.MDA5: "anti_mda5",
    MyositisAntibody.TIF1G: "anti_tif1g", MyositisAntibody.NXP2: "anti_nxp2", MyositisAntibody.SAE: "anti_sae",
    MyositisAntibody.MI2: "anti_mi2", MyositisAntibody.SRP: "anti_srp", MyositisAntibody.HMGCR: "anti_hmgcr",
    MyositisAntibody.PM_SCL: "anti_pm_scl", MyositisAntibody.KU: "anti_ku", MyositisAntibody.U1_RNP: "anti_u1rnp",
    MyositisAntibody.RO52: "anti_ro52",
}
ANTIBODY_BY_TEST = {test: ab for ab, test in ANTIBODY_TESTS.items()}

#: Muscle enzymes of the IMACS laboratory core set measure, as observation test ids.
ENZYME_TESTS: dict[str, MuscleEnzyme] = {"ck": MuscleEnzyme.CK, "aldolase": MuscleEnzyme.ALDOLASE,
                                         "ldh": MuscleEnzyme.LDH, "ast": MuscleEnzyme.AST, "alt": MuscleEnzyme.ALT}
#: The 2017 criteria's "elevated serum CK or LDH or AST or ALT".
CRITERIA_ENZYMES = ("ck", "ldh", "ast", "alt")

#: "Immunosuppressant" for protocol 002's refractoriness, as catalogue classes.
IMMUNOSUPPRESSANT_CLASSES = ["conventional_immunosuppressant", "bdmard", "tsdmard", "b_cell_depleting", "ivig"]

#: Protocol 001's "conventional immunosuppressive agent (eg, methotrexate, azathioprine, tacrolimus, cyclosporine,
#: mycophenolate mofetil, IVIG, anti-TNF, or rituximab)" as catalogue names and classes.
P001_IMMUNOSUPPRESSANTS = {"names": ["methotrexate", "azathioprine", "tacrolimus", "ciclosporin",
                                     "mycophenolate mofetil", "mycophenolic acid", "intravenous immunoglobulin",
                                     "rituximab"], "classes": ["anti_tnf"]}
P001_IVIG_CYCLOPHOSPHAMIDE = {"names": ["intravenous immunoglobulin", "cyclophosphamide"]}

# -- shared helpers -------------------------------------------------------------------------------------------


def _latest_score(ctx: ScreeningContext, params: dict[str, Any], instrument: str, score: Callable[[Any], ScoreResult],
                  name: str) -> tuple[ScoreResult | None, ParsedAssessment | None, ValueResult | None]:
    within = window_param(params)
    parsed = ctx.assessment(instrument, within)
    if parsed is None:
        return None, None, ValueResult(missing=(f"{name} assessment{within_text(within)}",))
    result = assessment_score(parsed, score, name, instrument)
    if isinstance(result, ValueResult):
        return None, parsed, result
    return result, parsed, None


def _score_value(ctx: ScreeningContext, params: dict[str, Any], instrument: str, score: Callable[[Any], ScoreResult],
                 name: str) -> ValueResult:
    result, parsed, early = _latest_score(ctx, params, instrument, score, name)
    if early is not None:
        return early
    evidence = assessment_score_evidence(result, parsed, name)
    if result.total is None:
        return ValueResult(missing=tuple(f"{name} item: {m} ({parsed.source})" for m in result.missing) or
                           (f"{name} total ({parsed.source})",), evidence=evidence, note=result.note)
    return ValueResult(value=result.total, evidence=evidence,
                       note="total entered without items" if result.total_entered else result.note)


def _iim_diagnoses(ctx: ScreeningContext) -> list[tuple[int, Any]]:
    return [(i, dx) for i, dx in enumerate(ctx.patient.diagnoses) if dx.indication == INDICATION]


# -- 2017 EULAR/ACR classification ------------------------------------------------------------------------------


def _age_at(birth: date, day: date) -> int:
    return relativedelta(day, birth).years


def _fill_2017(ctx: ScreeningContext, items: Iim2017Items) -> tuple[Iim2017Items, list[Evidence]]:
    """Blank items answered from the record: age at onset (birth date and the IIM diagnosis's onset date), anti-Jo-1
    (serology, ever positive / latest negative) and elevated muscle enzymes (any CK, LDH, AST or ALT above its
    ULN on or before the as-of date; a normal result does not answer "no": enzymes may have been high before)."""
    update: dict[str, Any] = {}
    evidence: list[Evidence] = []
    if items.age_at_onset_years is None and ctx.patient.birth_date is not None:
        onsets = [(i, dx.onset_date) for i, dx in _iim_diagnoses(ctx) if dx.onset_date is not None]
        if onsets:
            i, onset = min(onsets, key=lambda pair: pair[1])
            update["age_at_onset_years"] = _age_at(ctx.patient.birth_date, onset)
            evidence.append(Evidence(label="age at onset (birth date, IIM onset date)", value=update["age_at_onset_years"],
                                     unit="years", date=onset, source=f"diagnoses[{i}].onset_date"))
    if items.anti_jo1 is None:
        status, ev = serology_status(ctx, "anti_jo1")
        if status is not None:
            update["anti_jo1"] = status
            evidence.append(ev.model_copy(update={"label": f"{ev.label} (item anti_jo1 from serology)"}))
    if items.elevated_muscle_enzymes is None:
        for test in CRITERIA_ENZYMES:
            high = [o for o in ctx.observations(test) if o.ref_high is not None and o.value > o.ref_high]
            if high:
                update["elevated_muscle_enzymes"] = True
                evidence.append(ctx.evidence_of(high[-1]).model_copy(
                    update={"label": f"{high[-1].test.name} above ULN {high[-1].ref_high:g} (item elevated_muscle_enzymes)"}))
                break
    return (items.model_copy(update=update) if update else items), evidence


def _iim_2017_items(ctx: ScreeningContext, params: dict[str, Any]) -> tuple[Iim2017Items | None, ParsedAssessment | None, list[Evidence]]:
    parsed = ctx.assessment(IIM_2017, window_param(params))
    if parsed is None or parsed.items is None:
        return None, parsed, []
    items, extra = _fill_2017(ctx, parsed.items)
    return items, parsed, extra


def eular_acr_2017_score(ctx: ScreeningContext, params: dict[str, Any]) -> ValueResult:
    """2017 EULAR/ACR IIM criteria score points from the latest ``iim.eular_acr_2017`` assessment in ``within``
    (blank age at onset, anti-Jo-1 and enzyme items answered from the record), with or without muscle biopsy as
    the items say (``muscle_biopsy_performed``); unknown unless every item of that model is answered.

    Lundberg IE, Tjärnlund A, Bottai M, et al. Ann Rheum Dis 2017;76:1955-64 / Arthritis Rheumatol
    2017;69:2271-82. Points: `trialscreen_iim.scores.iim_2017_score`.
    """
    within = window_param(params)
    items, parsed, extra = _iim_2017_items(ctx, params)
    if parsed is None:
        return ValueResult(missing=(f"2017 EULAR/ACR IIM classification items{within_text(within)}",))
    if items is None:
        return ValueResult(missing=(f"2017 EULAR/ACR IIM classification items ({parsed.source}: a total alone "
                                    "does not say which biopsy model it uses)",))
    if items.muscle_biopsy_performed is None:
        return ValueResult(missing=(f"whether a muscle biopsy was performed ({parsed.source}.items.muscle_biopsy_performed)",),
                           evidence=tuple(extra))
    score = scores.iim_2017_score(items, items.muscle_biopsy_performed)
    evidence = (*assessment_score_evidence(score, parsed, f"2017 EULAR/ACR IIM score ({score.note})"), *extra)
    if score.total is None:
        return ValueResult(missing=tuple(f"2017 EULAR/ACR item: {m} ({parsed.source})" for m in score.missing),
                           evidence=evidence)
    return ValueResult(value=score.total, evidence=evidence)


def _is_2017(label: str) -> bool:
    text = label.upper()
    return "2017" in text and ("ACR" in text or "EULAR" in text)


def eular_acr_2017(ctx: ScreeningContext, params: dict[str, Any]) -> ValueResult:
    """IIM by the 2017 EULAR/ACR criteria with a probability of at least ``min_probability`` percent (55, the
    "probable IIM" minimum to classify and protocol 002's "probability ≥55%"; or 90, "definite").

    Lundberg IE et al. Ann Rheum Dis 2017;76:1955-64. The PUBLISHED SCORE CUT-OFFS are used (probability ≥55%
    = score ≥5.5 without / ≥6.7 with muscle biopsy; ≥90% = ≥7.5 / ≥8.7): the logistic intercepts that turn a
    score into a probability were not verified (see `trialscreen_iim.criteria`), so no probability is computed.
    Also applied, from the official calculator: without heliotrope rash, Gottron's papules or Gottron's sign,
    muscle-biopsy features must be present (`criteria.iim_2017_probable_or_definite` / `iim_2017_definite`,
    decided from the score bounds). A classification documented in ``diagnoses[].classification`` (a label with
    "2017" and EULAR or ACR) counts as ≥55% (the minimum to classify) when the items do not decide it, never as
    ≥90%; items deciding "not classified" against it go to review.
    """
    minimum = int(params.get("min_probability", 55))
    if minimum not in (55, 90):
        raise ValueError(f"min_probability must be 55 or 90 (the published cut-offs encoded), not {minimum}")
    within = window_param(params)
    documented = []
    if params.get("accept_documented", True) and minimum == 55:
        documented = [Evidence(label=f"documented classification: {label}", value=True,
                               date=dx.diagnosis_date or dx.onset_date, source=f"diagnoses[{i}].classification")
                      for i, dx in _iim_diagnoses(ctx) for label in dx.classification if _is_2017(label)]
    items, parsed, extra = _iim_2017_items(ctx, params)
    computed: ValueResult | None = None
    if items is not None:
        decide = criteria.iim_2017_probable_or_definite if minimum == 55 else criteria.iim_2017_definite
        decided = decide(items)
        evidence: list[Evidence] = list(extra)
        missing: list[str] = []
        if items.muscle_biopsy_performed is None:
            missing.append(f"whether a muscle biopsy was performed ({parsed.source})")
        else:
            score = scores.iim_2017_score(items, items.muscle_biopsy_performed)
            column = 1 if items.muscle_biopsy_performed else 0
            cut = {55: IIM_2017_PROBABLE_MIN, 90: IIM_2017_DEFINITE_MIN}[minimum][column]
            evidence = [*assessment_score_evidence(score, parsed, f"2017 EULAR/ACR IIM score ({score.note})"),
                        Evidence(label=f"published cut-off for probability ≥{minimum}%", value=float(cut),
                                 source="Lundberg 2017"), *extra]
            missing += [f"2017 EULAR/ACR item: {m} ({parsed.source})" for m in score.missing]
            skin = criteria.iim_2017_skin_or_biopsy_requirement(items, items.muscle_biopsy_performed)
            evidence.append(Evidence(label="DM skin sign or muscle-biopsy feature present (calculator rule)", value=skin))
        computed = answer(decided, evidence=evidence, missing=missing,
                          note="published score cut-offs; logistic intercepts not verified")
    return documented_or_computed(
        computed, documented, note="documented classification (the minimum to classify, probability ≥55%)",
        conflict=f"2017 EULAR/ACR classification documented, but the recorded items do not meet probability ≥{minimum}%",
        missing=f"2017 EULAR/ACR IIM classification items (assessment {IIM_2017}{within_text(within)})"
                + (" or a documented classification" if minimum == 55 else ""))


# -- subgroup -------------------------------------------------------------------------------------------------

_SUBGROUPS = {
    "dm": "DM", "dermatomyositis": "DM",
    "adm": "ADM", "cadm": "ADM", "amyopathic dermatomyositis": "ADM", "clinically amyopathic dermatomyositis": "ADM",
    "pm": "PM", "polymyositis": "PM",
    "imnm": "IMNM", "nm": "IMNM", "necrotizing myopathy": "IMNM", "necrotising myopathy": "IMNM",
    "immune mediated necrotizing myopathy": "IMNM", "immune mediated necrotising myopathy": "IMNM",
    "asys": "ASYS", "ass": "ASYS", "antisynthetase syndrome": "ASYS", "anti synthetase syndrome": "ASYS",
    "ibm": "IBM", "sibm": "IBM", "inclusion body myositis": "IBM",
    "jdm": "JDM", "juvenile dermatomyositis": "JDM",
    "juvenile myositis": "JUVENILE", "jm": "JUVENILE",
}
_TREE = {Iim2017Subgroup.DM: "DM", Iim2017Subgroup.ADM: "ADM", Iim2017Subgroup.PM: "PM", Iim2017Subgroup.IBM: "IBM",
         Iim2017Subgroup.JDM: "JDM", Iim2017Subgroup.JUVENILE_OTHER: "JUVENILE"}


def _subgroup_key(text: str) -> str | None:
    key = " ".join(text.lower().replace("-", " ").replace("_", " ").replace("'", "").split())
    return _SUBGROUPS.get(key)


def _antibody_state(ctx: ScreeningContext, antibodies: Iterable[MyositisAntibody],
                    within: Window | None = None) -> tuple[bool | None, list[Evidence]]:
    results, evidence = [], []
    for ab in antibodies:
        for ser in ctx.record.serologies.get(ANTIBODY_TESTS[ab], []):
            if not ctx.in_window(ser.date, within):
                continue
            positive = True if ser.result in ("positive", "detectable") else (
                False if ser.result in ("negative", "undetectable") else None)
            results.append(AntibodyResult(antibody=ab, positive=positive, date=ser.date))
            evidence.append(Evidence(label=ser.test.name, value=ser.result, date=ser.date, source=ser.source))
    return criteria.myositis_antibody_positive(results, antibodies), evidence


def recorded_subgroup(ctx: ScreeningContext) -> tuple[str | None, Evidence | None, str | None]:
    """(normalised subgroup, evidence, unrecognised text) of the IIM diagnosis's ``condition``."""
    for i, dx in _iim_diagnoses(ctx):
        if dx.condition:
            ev = Evidence(label="IIM subgroup (recorded)", value=dx.condition, source=f"diagnoses[{i}].condition")
            key = _subgroup_key(dx.condition)
            return key, ev, (None if key else dx.condition)
    return None, None, None


def subgroup(ctx: ScreeningContext, params: dict[str, Any]) -> ValueResult:
    """The IIM subgroup is one of ``subgroups`` (protocol 002: DM, IMNM, ASyS; protocol 004: DM, PM, ASS, NM —
    synonyms ASS = ASyS and NM = IMNM are normalised).

    The investigator's subgroup in the IIM diagnosis's ``condition`` decides (an unrecognised one goes to review;
    amyopathic DM when only DM is asked for goes to review). Without one: anti-Jo-1 positive = ASyS, otherwise
    the 2017 EULAR/ACR classification tree on the latest ``iim.eular_acr_2017`` items
    (`criteria.iim_2017_subgroup`: DM, amyopathic DM, PM, IBM, juvenile forms; Lundberg IE et al. Ann Rheum Dis
    2017;76:1955-64). The tree places IMNM within PM, and the protocols do not define ASyS beyond the antibody, so
    a PM leaf when IMNM (not PM) is asked for, or a non-Jo-1 anti-synthetase antibody when ASyS is asked for,
    needs the recorded subgroup (unknown / review) — as `criteria.p002_subgroup_ok` reads protocol 002.
    """
    wanted = set()
    for name in params.get("subgroups") or ("DM", "IMNM", "ASyS"):
        key = _subgroup_key(str(name))
        if key is None:
            raise ValueError(f"unknown IIM subgroup {name!r}")
        wanted.add(key)
    key, ev, unrecognised = recorded_subgroup(ctx)
    if unrecognised:
        return ValueResult(review=f"IIM condition {unrecognised!r} is not a recognised subgroup", evidence=(ev,))
    if key is not None:
        if key in wanted:
            return ValueResult(value=True, evidence=(ev,))
        if key == "ADM" and "DM" in wanted:
            return ValueResult(review="amyopathic dermatomyositis recorded: a form of DM; the investigator decides "
                                      "whether it counts as DM here", evidence=(ev,))
        return ValueResult(value=False, evidence=(ev,))
    evidence: list[Evidence] = []
    jo1, jo1_ev = _antibody_state(ctx, [MyositisAntibody.JO1])
    other_as, other_ev = _antibody_state(ctx, sorted(ANTISYNTHETASE_ANTIBODIES - {MyositisAntibody.JO1}, key=str))
    evidence += [*jo1_ev, *(e for e in other_ev if e.value in ("positive", "detectable"))]
    if jo1 is True and "ASYS" in wanted:
        return ValueResult(value=True, evidence=tuple(evidence), note="anti-synthetase syndrome: anti-Jo-1 positive")
    items, parsed, extra = _iim_2017_items(ctx, params)
    leaf = criteria.iim_2017_subgroup(items) if items is not None else None
    if leaf is not None:
        evidence += [Evidence(label="2017 EULAR/ACR classification tree", value=leaf.value,
                              date=parsed.assessment.date, source=parsed.source), *extra]
        derived = _TREE[leaf]
        if derived in wanted:
            return ValueResult(value=True, evidence=tuple(evidence), note="subgroup from the 2017 classification tree")
        if derived == "ADM" and "DM" in wanted:
            return ValueResult(review="amyopathic dermatomyositis by the 2017 tree: a form of DM; the investigator "
                                      "decides whether it counts as DM here", evidence=tuple(evidence))
        if "ASYS" in wanted and other_as is True:
            return ValueResult(review="non-Jo-1 anti-synthetase antibody positive: anti-synthetase syndrome is not "
                                      "defined by the protocol; record the subgroup", evidence=tuple(evidence))
        if derived == "PM" and "IMNM" in wanted:
            return ValueResult(missing=("recorded IIM subgroup (diagnoses[].condition): the 2017 tree places IMNM "
                                        "within PM",), evidence=tuple(evidence))
        if "ASYS" in wanted and (jo1 is None or other_as is None):
            return ValueResult(missing=("anti-synthetase antibodies (anti-Jo-1 and others) or the recorded subgroup",),
                               evidence=tuple(evidence))
        return ValueResult(value=False, evidence=tuple(evidence), note="subgroup from the 2017 classification tree")
    where = f" ({parsed.source})" if parsed is not None else ""
    return ValueResult(missing=(f"IIM subgroup (diagnoses[].condition) or complete 2017 EULAR/ACR items{where}",),
                       evidence=tuple(evidence))


# -- MMT-8, HAQ-DI, global activity, enzymes ------------------------------------------------------------------


def mmt8_value(ctx: ScreeningContext, params: dict[str, Any]) -> ValueResult:
    """MMT-8 total on the 0-150 scale (Kendall 0-10; neck flexors once, 7 groups both sides) from the latest
    ``iim.mmt8`` assessment in ``within``; unknown unless all 15 tests are graded (or a total is entered).

    Rider LG, Koziol D, Giannini EH, et al. Arthritis Care Res 2010;62:465-72. Scoring: `scores.mmt8`.
    """
    return _score_value(ctx, params, MMT8, scores.mmt8, "MMT-8")


def mmt8_below(ctx: ScreeningContext, params: dict[str, Any]) -> ValueResult:
    """MMT-8 total below ``threshold`` (``inclusive``: at or below). Protocol 002: "MMT-8 score ≤141 (total score
    150)" = ``{threshold: 141, inclusive: true}``; protocol 004: "lower than 142" = ``{threshold: 142, inclusive:
    false}``. Decided from the score's bounds when tests are ungraded (ungraded tests count 0 to 10).

    Rider LG et al. Arthritis Care Res 2010;62:465-72 (MMT-8); thresholds: the protocol texts
    (`criteria.p002_mmt8_ok`, `criteria.p004_mmt8_ok` for the integer cases).
    """
    threshold = float(params["threshold"])
    inclusive = bool(params.get("inclusive", False))
    result, parsed, early = _latest_score(ctx, params, MMT8, scores.mmt8, "MMT-8")
    if early is not None:
        return early
    evidence = assessment_score_evidence(result, parsed, "MMT-8")
    low, high = Decimal(repr(float(result.minimum))), Decimal(repr(float(result.maximum)))
    t = Decimal(repr(threshold))
    if (high <= t) if inclusive else (high < t):
        return ValueResult(value=True, evidence=evidence)
    if (low > t) if inclusive else (low >= t):
        return ValueResult(value=False, evidence=evidence)
    return ValueResult(missing=tuple(f"MMT-8 test: {m} ({parsed.source})" for m in result.missing), evidence=evidence)


def haq_di_value(ctx: ScreeningContext, params: dict[str, Any]) -> ValueResult:
    """HAQ-DI (0-3) from the latest ``iim.haq_di`` assessment in ``within``: mean of the 8 category scores (worst
    item; aid/device or help raises a category to at least 2); needs 7 or 8 categories answered (or a total).

    Fries JF, Spitz P, Kraines RG, Holman HR. Arthritis Rheum 1980;23:137-45; Stanford/CLINHAQ scoring.
    Scoring: `scores.haq_di`.
    """
    return _score_value(ctx, params, HAQ_DI, scores.haq_di, "HAQ-DI")


_GLOBALS = {"patient_global_activity_vas": "Patient global activity VAS",
            "physician_global_activity_vas": "Physician global activity VAS",
            "extramuscular_activity_vas": "Extramuscular global activity VAS"}


def _global_value(field: str) -> Callable[[ScreeningContext, dict[str, Any]], ValueResult]:
    def compute(ctx: ScreeningContext, params: dict[str, Any]) -> ValueResult:
        within = window_param(params)
        for parsed in reversed(ctx.assessments(GLOBAL_ACTIVITY, within)):
            value = getattr(parsed.items, field, None) if parsed.items is not None else None
            if value is not None:
                return ValueResult(value=value, unit="cm", evidence=(Evidence(
                    label=_GLOBALS[field], value=value, unit="cm (0-10)", date=parsed.assessment.date,
                    source=f"{parsed.source}.items.{field}"),))
        return ValueResult(missing=(f"{_GLOBALS[field]} (assessment {GLOBAL_ACTIVITY}){within_text(within)}",))

    compute.__doc__ = (f"{_GLOBALS[field]} (0-10 cm) from the latest ``iim.global_activity`` assessment in ``within``"
                       " that rates it. IMACS core set measure: Miller FW et al. Rheumatology 2001;40:1262-73.")
    return compute


patient_global_vas = _global_value("patient_global_activity_vas")
physician_global_vas = _global_value("physician_global_activity_vas")
extramuscular_vas = _global_value("extramuscular_activity_vas")


def _enzymes(ctx: ScreeningContext, tests: Sequence[str], within: Window | None) -> tuple[list[EnzymeResult], list[Evidence], list[str]]:
    results, evidence, missing = [], [], []
    for test in tests:
        obs = ctx.observation(test, within)
        if obs is None:
            missing.append(f"{ctx.plugins.observation_tests[test].name}{within_text(within)}")
            continue
        evidence.append(ctx.evidence_of(obs))
        if obs.ref_high is None or obs.ref_high <= 0:
            missing.append(f"upper limit of normal of {obs.test.name} ({obs.source}: reference range not recorded)")
            continue
        results.append(EnzymeResult(enzyme=ENZYME_TESTS[test], value=obs.value, uln=obs.ref_high))
    return results, evidence, missing


def muscle_enzyme_max_x_uln(ctx: ScreeningContext, params: dict[str, Any]) -> ValueResult:
    """The highest muscle enzyme level as a multiple of its ULN, over ``enzymes`` (default CK, aldolase, LDH,
    AST, ALT — the IMACS laboratory measure), the latest of each in ``within``; unknown unless every one was
    measured with a reference range (an unmeasured enzyme could be the highest).

    IMACS core set: Miller FW et al. Rheumatology 2001;40:1262-73.
    """
    within = window_param(params)
    tests = list(params.get("enzymes") or ENZYME_TESTS)
    results, evidence, missing = _enzymes(ctx, tests, within)
    if missing:
        return ValueResult(missing=tuple(missing), evidence=tuple(evidence))
    best = max(results, key=lambda r: Decimal(repr(r.value)) / Decimal(repr(r.uln)))
    ratio = float(round(Decimal(repr(best.value)) / Decimal(repr(best.uln)), 6))
    return ValueResult(value=ratio, unit="xULN", evidence=(*evidence, Evidence(
        label=f"highest muscle enzyme: {best.enzyme.value}", value=ratio, unit="xULN", source="iim.muscle_enzyme_max_x_uln")))


def core_set_abnormal(ctx: ScreeningContext, params: dict[str, Any]) -> ValueResult:
    """At least ``count`` (2) abnormal IMACS core set measures other than MMT (protocols 002 and 004): patient
    global activity VAS ≥2, physician global activity VAS ≥2, extramuscular activity VAS ≥2 (0-10), HAQ-DI
    ≥0.25, at least one muscle enzyme >1.5 × ULN (``enzyme_strict``; ``false`` for ≥). Each measure is the latest
    in ``within`` (default 28 days); the evidence lists each measure and whether it is abnormal.

    Core set: Miller FW et al. Rheumatology 2001;40:1262-73; thresholds: protocol 002 text (004 gives the same
    measures). `criteria.abnormal_core_set_count` (decided from the count bounds: an unmeasured measure counts
    as possibly abnormal). "No enzyme >1.5 × ULN" needs every enzyme of ``enzymes`` measured with a ULN.
    """
    within = window_param(params)
    evidence: list[Evidence] = []
    missing: list[str] = []
    globals_ = {}
    for field in _GLOBALS:
        r = _global_value(field)(ctx, params)
        globals_[field] = r.value
        evidence += r.evidence
        missing += r.missing
    haq, haq_parsed, haq_early = _latest_score(ctx, params, HAQ_DI, scores.haq_di, "HAQ-DI")
    if haq is not None:
        evidence += assessment_score_evidence(haq, haq_parsed, "HAQ-DI")
        if haq.total is None:
            missing += [f"HAQ-DI category: {m}" for m in haq.missing]
    elif haq_early is not None:
        missing += haq_early.missing or ((haq_early.review,) if haq_early.review else ())
    tests = list(params.get("enzymes") or ENZYME_TESTS)
    enzymes, enzyme_evidence, enzyme_missing = _enzymes(ctx, tests, within)
    evidence += enzyme_evidence
    core = ImacsCoreSet(patient_global_activity_vas=globals_["patient_global_activity_vas"],
                        physician_global_activity_vas=globals_["physician_global_activity_vas"],
                        extramuscular_activity_vas=globals_["extramuscular_activity_vas"],
                        enzymes=tuple(enzymes), enzymes_panel_complete=not enzyme_missing)
    thresholds = {"global_vas_min": float(params.get("global_vas_min", 2)), "haq_min": float(params.get("haq_min", 0.25)),
                  "enzyme_x_uln": float(params.get("enzyme_x_uln", 1.5)),
                  "enzyme_strict": bool(params.get("enzyme_strict", True))}
    haq_result = haq if haq is not None else ScoreResult(instrument=HAQ_DI, total=None, minimum=0, maximum=3)
    count = criteria.abnormal_core_set_count(core, haq=haq_result, **thresholds)
    for measure in ("patient_global", "physician_global", "extramuscular", "haq_di", "muscle_enzymes"):
        state = "yes" if measure in count.abnormal else ("unknown" if measure in count.undecided else "no")
        evidence.append(Evidence(label=f"core set measure abnormal: {measure}", value=state, source="iim.core_set_abnormal"))
    if "muscle_enzymes" in count.undecided:
        missing += enzyme_missing
    decided = count.at_least(int(params.get("count", 2)))
    evidence.append(Evidence(label="abnormal core set measures", value=f"{count.minimum}-{count.maximum}",
                             source="iim.core_set_abnormal"))
    return answer(decided, evidence=evidence, missing=missing)


# -- antibodies -----------------------------------------------------------------------------------------------


def myositis_antibody_positive(ctx: ScreeningContext, params: dict[str, Any]) -> ValueResult:
    """Protocol 004: "Positive myositis antibodies": any antibody of ``antibodies`` (serology test ids; default
    every myositis-specific and -associated antibody this plugin knows) positive in ``within`` (default: any
    time). Not positive only when every one of them was tested negative (pass the site's panel as
    ``antibodies``). `criteria.myositis_antibody_positive`; the antibody list follows the items module.
    """
    within = window_param(params)
    tests = list(params.get("antibodies") or ANTIBODY_TESTS.values())
    unknown = [t for t in tests if t not in ANTIBODY_BY_TEST]
    if unknown:
        raise ValueError(f"not myositis antibody tests of this plugin: {unknown}")
    wanted = [ANTIBODY_BY_TEST[t] for t in tests]
    state, evidence = _antibody_state(ctx, wanted, within)
    if state is None:
        tested = {e.label for e in evidence}
        untested = [ctx.plugins.observation_tests[ANTIBODY_TESTS[a]].name for a in wanted
                    if ctx.plugins.observation_tests[ANTIBODY_TESTS[a]].name not in tested]
        return ValueResult(missing=tuple(f"{name}{within_text(within)}" for name in untested) or
                           ("a conclusive myositis antibody result",), evidence=tuple(evidence))
    shown = [e for e in evidence if e.value in ("positive", "detectable")] if state else evidence
    return ValueResult(value=state, evidence=tuple(shown))


# -- refractoriness -------------------------------------------------------------------------------------------


def refractory_p002(ctx: ScreeningContext, params: dict[str, Any]) -> ValueResult:
    """Protocol 002: "Previous intolerance or inadequate response to glucocorticoids and at least one
    immunosuppressant or immunomodulator for the aforementioned autoimmune disease, requiring: Treatment with
    glucocorticoids and at least one immunosuppressant at known effective doses for at least 3 months."

    Encoded: (a) a glucocorticoid and a drug of ``immunosuppressant_classes`` taken together, each
    continuously, for ``months`` (3) calendar months (`combined_treatment`); AND (b) a course of such an
    immunosuppressant with outcome in ``outcomes`` (``failure`` = inadequate response, ``intolerance``) — the
    add-on drug of the regimen failed or was not tolerated (``core.distinct_agents_at_least``). "At known
    effective doses" is not checked (no dose table for immunosuppressants): the evidence says so. Source:
    protocol 002 text only.
    """
    months = int(params.get("months", 3))
    classes = list(params.get("immunosuppressant_classes") or IMMUNOSUPPRESSANT_CLASSES)
    outcomes = list(params.get("outcomes") or ["failure", "intolerance"])
    therapy, _ = combined_exposure(ctx, [{"classes": ["glucocorticoid"]}, {"classes": classes}], months,
                                    "glucocorticoid combined with an immunosuppressant")
    failed = ctx.value("core.distinct_agents_at_least", {"classes": classes, "count": 1, "outcomes": outcomes})
    decided = and3(tri(therapy.value), tri(failed.value))
    evidence = [*therapy.evidence,
                Evidence(label=f"immunosuppressant course with outcome {' or '.join(outcomes)}", value=failed.value,
                         source="core.distinct_agents_at_least"), *failed.evidence]
    return answer(decided, evidence=evidence, missing=[*therapy.missing, *failed.missing],
                   note="doses not checked against 'known effective doses'")


def _adequate(ctx: ScreeningContext, query: dict[str, Any], min_days: int, what: str) -> tuple[bool | None, list[Evidence], list[str]]:
    """A therapy given for more than `min_days` days (continuously) or not tolerated."""
    long = ctx.value("core.exposure_duration_at_least", {**query, "days": min_days + 1})
    intolerant = ctx.value("core.distinct_agents_at_least", {**query, "count": 1, "outcomes": ["intolerance"]})
    state = or3(tri(long.value), tri(intolerant.value))
    evidence = [Evidence(label=f"{what}: more than {min_days} days or intolerance", value=state,
                         source="core.exposure_duration_at_least"),
                *(long.evidence if long.value else ()), *(intolerant.evidence if intolerant.value else ())]
    missing = [] if state is not None else [*long.missing, *intolerant.missing]
    return state, evidence, missing


def mda5_dm_refractory_p001(ctx: ScreeningContext, params: dict[str, Any]) -> ValueResult:
    """Protocol 001: "Refractory MDA5-positive dermatomyositis is defined as active disease and meets the
    following conditions: adequate corticosteroid therapy (greater than two to four weeks of conventional
    corticosteroid therapy or intolerance to such therapy) and/or use of ≥ 1 conventional immunosuppressive agent
    (...) at a reasonable dose and duration (greater than two to four weeks or intolerance to therapy); treatment
    with IVIG or cyclophosphamide for two to four weeks."

    Parts: anti-MDA5 positive (serology ``anti_mda5``, ever); dermatomyositis (recorded subgroup DM or amyopathic
    DM, else the 2017 tree); active disease = the investigator's recorded decision on ``active_topic`` (default
    ``mda5_dm_active_disease``; no decision: review); each therapy adequate = continuously for more than
    ``min_days`` (28, the upper end of "two to four weeks") or a course with outcome ``intolerance``
    (glucocorticoids; protocol-listed immunosuppressants `P001_IMMUNOSUPPRESSANTS`; IVIG or cyclophosphamide).
    Combined by `criteria.combine_mda5_dm_refractory` with ``reading`` conservative (default: glucocorticoid AND
    (immunosuppressant OR IVIG/cyclophosphamide)) or permissive (any one). Source: protocol 001 text only.
    """
    min_days = int(params.get("min_days", 28))
    reading = params.get("reading", "conservative")
    evidence: list[Evidence] = []
    missing: list[str] = []
    mda5, mda5_ev = serology_status(ctx, "anti_mda5")
    evidence += [mda5_ev] if mda5_ev else []
    if mda5 is None:
        missing.append("anti-MDA5 antibody result")
    dm_result = subgroup(ctx, {"subgroups": ["DM", "ADM"]})
    dm = tri(dm_result.value)
    evidence += dm_result.evidence
    missing += dm_result.missing
    topic = params.get("active_topic", "mda5_dm_active_disease")
    decisions = [d for d in ctx.patient.investigator.decisions if d.topic == topic]
    active = decisions[-1].applies if decisions else None
    if decisions:
        evidence.append(Evidence(label=f"investigator decision: {topic}", value=active, date=decisions[-1].date,
                                 source="investigator.decisions"))
    gc, gc_ev, gc_missing = _adequate(ctx, {"classes": ["glucocorticoid"]}, min_days, "glucocorticoid")
    isup, is_ev, is_missing = _adequate(ctx, P001_IMMUNOSUPPRESSANTS, min_days, "conventional immunosuppressant")
    ivig, ivig_ev, ivig_missing = _adequate(ctx, P001_IVIG_CYCLOPHOSPHAMIDE, min_days, "IVIG or cyclophosphamide")
    evidence += [*gc_ev, *is_ev, *ivig_ev]
    decided = criteria.combine_mda5_dm_refractory(mda5, dm, active, gc, isup, ivig, reading)
    if decided is None:
        missing += [*gc_missing, *is_missing, *ivig_missing]
        if active is None and not missing and dm_result.review is None:
            return ValueResult(review=f"active MDA5-positive dermatomyositis: record the investigator's decision "
                                      f"'{topic}'", evidence=tuple(evidence))
        if dm_result.review is not None and not missing:
            return ValueResult(review=dm_result.review, evidence=tuple(evidence))
        if active is None:
            missing.append(f"investigator decision on active disease (topic '{topic}')")
    return answer(decided, evidence=evidence, missing=missing, note=f"{reading} reading of 'and/or'")


# -- protocol 004 exclusions ----------------------------------------------------------------------------------

#: Codes of ``myopathy_non_iim`` events that name a drug-induced myopathy/myositis.
DRUG_INDUCED_CODES = {"drug_induced", "drug_induced_myopathy", "drug_induced_myositis", "statin_myopathy",
                      "statin_induced", "checkpoint_inhibitor_myositis", "immune_checkpoint_inhibitor_myositis"}
#: Codes of ``myopathy_non_iim`` events that name another (not drug-induced) cause.
OTHER_MYOPATHY_CODES = {"hiv", "hiv_myopathy", "thyroid", "thyroid_myopathy", "familial", "hereditary",
                        "muscular_dystrophy", "metabolic"}


def drug_induced_myositis(ctx: ScreeningContext, params: dict[str, Any]) -> ValueResult:
    """Protocol 004 IIM exclusion 1, "Drug-induced myositis": a ``myopathy_non_iim`` history event coded as
    drug-induced (`DRUG_INDUCED_CODES`), or an IIM diagnosis whose condition says drug-induced. An uncoded
    ``myopathy_non_iim`` event (the category also holds HIV, thyroid and familial myopathy) goes to review. False
    when that category was reviewed and holds no drug-induced event. Source: protocol 004 text.
    """
    for i, dx in _iim_diagnoses(ctx):
        if dx.condition and "drug" in dx.condition.lower():
            return ValueResult(value=True, evidence=(Evidence(label="IIM condition", value=dx.condition,
                                                              source=f"diagnoses[{i}].condition"),))
    events = history_events(ctx, "myopathy_non_iim")
    evidence = [Evidence(label=e.description or "non-IIM myopathy", value=e.code or True, date=e.date,
                         source=f"history.events[{i}]") for i, e in events]
    codes = [(e.code or "").lower() for _, e in events]
    if any(c in DRUG_INDUCED_CODES for c in codes):
        return ValueResult(value=True, evidence=tuple(evidence))
    uncoded = [c for c in codes if c not in OTHER_MYOPATHY_CODES]
    if uncoded:
        return ValueResult(review="non-IIM myopathy recorded without a code saying whether it is drug-induced",
                           evidence=tuple(evidence))
    if ctx.history_reviewed("myopathy_non_iim"):
        return ValueResult(value=False, evidence=(*evidence, Evidence(label="drug-induced myopathy", value="none recorded",
                                                                      source="history.reviewed")))
    return ValueResult(missing=("history of drug-induced myopathy (category myopathy_non_iim not recorded as reviewed)",),
                       evidence=tuple(evidence))


def inclusion_body_myositis(ctx: ScreeningContext, params: dict[str, Any]) -> ValueResult:
    """Protocol 004 IIM exclusion 2, "Inclusion body myositis": the recorded IIM subgroup is IBM (another recorded
    subgroup: not IBM); without one, the 2017 EULAR/ACR classification tree's IBM leaf (finger-flexor weakness
    without treatment response, or rimmed vacuoles; `criteria.iim_2017_subgroup`, Lundberg IE et al. Ann Rheum
    Dis 2017;76:1955-64). Source of the exclusion: protocol 004 text.
    """
    key, ev, unrecognised = recorded_subgroup(ctx)
    if unrecognised:
        return ValueResult(review=f"IIM condition {unrecognised!r} is not a recognised subgroup", evidence=(ev,))
    if key is not None:
        return ValueResult(value=key == "IBM", evidence=(ev,))
    items, parsed, extra = _iim_2017_items(ctx, params)
    leaf = criteria.iim_2017_subgroup(items) if items is not None else None
    if leaf is None:
        return ValueResult(missing=("IIM subgroup (diagnoses[].condition) or the 2017 EULAR/ACR items deciding the "
                                    "IBM branch",))
    return ValueResult(value=leaf is Iim2017Subgroup.IBM, evidence=(
        Evidence(label="2017 EULAR/ACR classification tree", value=leaf.value, date=parsed.assessment.date,
                 source=parsed.source), *extra))


def cancer_associated_myositis(ctx: ScreeningContext, params: dict[str, Any]) -> ValueResult:
    """Protocol 004 IIM exclusion 3, "Tumor-associated myositis (myositis occurring within 2 years of tumor
    diagnosis)": a ``malignancy`` history event dated within ``years`` (2) calendar years before or after the
    IIM diagnosis's ``onset_date``, both boundaries inclusive (`criteria.cancer_associated_myositis`, the
    symmetric conservative reading). False only when the ``malignancy`` category was reviewed; an undated
    malignancy or an unknown onset is unknown. Source: protocol 004 text.
    """
    years = int(params.get("years", 2))
    onsets = [(i, dx.onset_date) for i, dx in _iim_diagnoses(ctx) if dx.onset_date is not None]
    onset = min(onsets, key=lambda pair: pair[1]) if onsets else None
    events = history_events(ctx, "malignancy")
    undated = [f"date of the malignancy (history.events[{i}])" for i, e in events if e.date is None]
    tumours = [(i, e) for i, e in events if e.date is not None]
    evidence = [Evidence(label=e.description or "malignancy", value=e.code or True, date=e.date,
                         source=f"history.events[{i}]") for i, e in tumours]
    if onset is not None:
        evidence.insert(0, Evidence(label="IIM onset", value=onset[1].isoformat(), date=onset[1],
                                    source=f"diagnoses[{onset[0]}].onset_date"))
    complete = ctx.history_reviewed("malignancy") and not undated
    decided = criteria.cancer_associated_myositis(onset[1] if onset else None, [e.date for _, e in tumours], years,
                                                  complete)
    missing = list(undated)
    if onset is None:
        missing.append("onset date of the myositis (diagnoses[].onset_date)")
    if not ctx.history_reviewed("malignancy"):
        missing.append("history of malignancy (category malignancy not recorded as reviewed)")
    return answer(decided, evidence=evidence, missing=missing)
