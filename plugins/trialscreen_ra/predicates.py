"""Rheumatoid-arthritis values and predicates computed from the patient record (the compute functions behind
`trialscreen_ra.plugin`).

Each function takes a `trialscreen.facts.context.ScreeningContext` and the call's parameters and returns a
three-valued `ValueResult`. The clinical logic is the cited, tested pure code in `trialscreen_ra.scores` and
`trialscreen_ra.criteria`; this module finds the facts in the record and feeds them in:

* the joint assessment (instrument ``ra.joint_assessment``: 28- and 66/68-joint counts, global assessments) and
  the ESR / CRP laboratory results (``labs``: tests ``esr``, ``crp``);
* scores entered as totals without items (instruments ``ra.das28_esr``, ``ra.das28_crp``, ``ra.cdai``,
  ``ra.sdai``): accepted and marked ``total_entered``;
* the 2010 ACR/EULAR items (``ra.acr_eular_2010``) or a documented classification in
  ``diagnoses[].classification``; the RA diagnosis date;
* the investigator-recorded parts of the EULAR difficult-to-treat definition (``ra.d2t``), the medication history
  through the core predicates (``core.distinct_agents_at_least``, ``core.prednisone_equivalent_mg_per_day``);
* the ACR functional status (``ra.functional_status``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from trialscreen.facts.context import ScreeningContext
from trialscreen.facts.record import NormalisedObservation, ParsedAssessment
from trialscreen.plugins.helpers import documented_classification, documented_or_computed, tri, within_text
from trialscreen.plugins.results import window_param
from trialscreen.plugins.types import Evidence, ScoreResult, ValueResult
from trialscreen.rules.model import Window

from trialscreen_ra import criteria, scores
from trialscreen_ra.items import DifficultToTreatFacts, DifficultToTreatItems, JointAssessment28

INDICATION = "RA"
JOINT_ASSESSMENT = "ra.joint_assessment"
ACR_EULAR_2010 = scores.ACR_EULAR_2010_INSTRUMENT  # "ra.acr_eular_2010"
D2T = "ra.d2t"
FUNCTIONAL_STATUS = "ra.functional_status"

#: Screening-time measurements default to the latest within 28 days of the as-of date (the screening window
#: nct07212322 uses); a ruleset passes its own ``within`` / ``lab_within`` (or ``null`` for any time).
SCREENING_WINDOW = {"days": 28}


def _head(parsed: ParsedAssessment, label: str) -> Evidence:
    return Evidence(label=label, value="items" if parsed.items is not None else "total only",
                    date=parsed.assessment.date, source=parsed.source)


# -- composite activity scores --------------------------------------------------------------------------------

#: The primary source of each score and its activity categories (cited in the compute docstrings).
CITATIONS = {
    "das28_esr": "Prevoo MLL et al. Arthritis Rheum 1995;38:44-48; categories per das-score.nl",
    "das28_crp": "Prevoo MLL et al. Arthritis Rheum 1995;38:44-48 with the CRP form of das-score.nl (Fransen, van Riel)",
    "cdai": "Aletaha D, Smolen J. Clin Exp Rheumatol 2005;23(5 Suppl 39):S100-8",
    "sdai": "Smolen JS et al. Rheumatology (Oxford) 2003;42:244-57; categories Aletaha D, Smolen J. Clin Exp Rheumatol "
            "2005;23(5 Suppl 39):S100-8",
}

#: kind -> (pure score function, entered-total instrument, label, uses ESR, uses CRP)
SCORES: dict[str, tuple[Callable[[JointAssessment28], ScoreResult], str, str, bool, bool]] = {
    "das28_esr": (scores.das28_esr, scores.DAS28_ESR_INSTRUMENT, "DAS28-ESR", True, False),
    "das28_crp": (scores.das28_crp, scores.DAS28_CRP_INSTRUMENT, "DAS28-CRP", False, True),
    "cdai": (scores.cdai, scores.CDAI_INSTRUMENT, "CDAI", False, False),
    "sdai": (scores.sdai, scores.SDAI_INSTRUMENT, "SDAI", False, True),
}

_COMPONENTS = {"tjc28": "tender joint count (28 joints)", "sjc28": "swollen joint count (28 joints)",
               "patient_global": "patient global assessment (0-100 mm)",
               "evaluator_global": "evaluator global assessment (0-100 mm)"}


def _lab(ctx: ScreeningContext, test: str, lab_within: Window | None, recorded: float | None,
         parsed: ParsedAssessment, name: str, unit: str) -> tuple[float | None, Evidence | None]:
    obs: NormalisedObservation | None = ctx.observation(test, lab_within)
    if obs is not None:
        return obs.value, ctx.evidence_of(obs)
    if recorded is not None:
        return recorded, Evidence(label=f"{name} (recorded with the joint assessment)", value=recorded, unit=unit,
                                  date=parsed.assessment.date, source=f"{parsed.source}.items")
    return None, None


def ra_score(ctx: ScreeningContext, params: dict[str, Any], kind: str) -> tuple[ScoreResult | None, list[Evidence], ValueResult | None]:
    """(score, evidence, early answer) for `kind` from the latest joint assessment or entered total in ``within``.

    From a joint assessment: the 28-joint counts and globals of its items, with ESR/CRP from the latest laboratory
    result in ``lab_within`` (else the value recorded with the assessment). A total entered for the score's own
    instrument is used when it is more recent than the joint assessment (marked ``total_entered``).
    """
    fn, instrument, label, uses_esr, uses_crp = SCORES[kind]
    within, lab_within = window_param(params), window_param(params, "lab_within")
    joint = ctx.assessment(JOINT_ASSESSMENT, within)
    entered = ctx.assessment(instrument, within)
    if entered is not None and entered.assessment.total is None:
        entered = None
    if joint is not None and joint.items is None:
        joint_ev = _head(joint, "joint assessment")
        if entered is None:
            return None, [joint_ev], ValueResult(missing=(f"joint counts and global assessments ({joint.source}.items)",),
                                                 evidence=(joint_ev,))
        joint = None
    if entered is not None and (joint is None or entered.assessment.date > joint.assessment.date):
        total = float(entered.assessment.total)
        score = ScoreResult(instrument=instrument, total=total, minimum=total, maximum=total, total_entered=True,
                            note="total entered without items")
        return score, [Evidence(label=f"{label} (total entered, no items)", value=total,
                                date=entered.assessment.date, source=entered.source)], None
    if joint is None:
        return None, [], ValueResult(missing=(f"joint assessment ({JOINT_ASSESSMENT}){within_text(within)} or an "
                                              f"entered {label} total ({instrument})",))
    items = joint.items
    evidence = [_head(joint, "joint assessment")]
    esr = crp = None
    if uses_esr:
        esr, ev = _lab(ctx, "esr", lab_within, items.esr_mm_h, joint, "ESR", "mm/h")
        evidence += [ev] if ev else []
        if esr is not None and esr <= 0:
            return None, evidence, ValueResult(review=f"ESR {esr:g} mm/h: ln(ESR) in DAS28-ESR is undefined",
                                               evidence=tuple(evidence))
    if uses_crp:
        crp, ev = _lab(ctx, "crp", lab_within, items.crp_mg_l, joint, "CRP", "mg/L")
        evidence += [ev] if ev else []
    a28 = JointAssessment28(tjc28=items.tjc28, sjc28=items.sjc28, esr_mm_h=esr, crp_mg_l=crp,
                            patient_global_mm=items.patient_global_mm, evaluator_global_mm=items.evaluator_global_mm)
    return fn(a28), evidence, None


def _missing(score: ScoreResult, evidence: list[Evidence], params: dict[str, Any]) -> tuple[str, ...]:
    where = f" ({evidence[0].source}, {evidence[0].date})" if evidence else ""
    lab_span = within_text(window_param(params, "lab_within"))
    names = {**_COMPONENTS, "esr": f"ESR (mm/h){lab_span}", "crp": f"CRP (mg/L){lab_span}"}
    return tuple(names.get(m, m) + ("" if m in ("esr", "crp") else where) for m in score.missing)


def _score_evidence(score: ScoreResult, evidence: list[Evidence], label: str) -> tuple[Evidence, ...]:
    if score.total_entered:
        return tuple(evidence)
    shown = score.total if score.total is not None else f"{score.minimum:g} to {score.maximum:g} (incomplete)"
    parts = [Evidence(label=f"  {i.label or i.item}", value=i.points, source=score.instrument) for i in score.contributing]
    return (*evidence, Evidence(label=label, value=shown, source=score.instrument), *parts)


def _score_value(kind: str) -> Callable[[ScreeningContext, dict[str, Any]], ValueResult]:
    fn, instrument, label, _, _ = SCORES[kind]

    def compute(ctx: ScreeningContext, params: dict[str, Any]) -> ValueResult:
        score, evidence, early = ra_score(ctx, params, kind)
        if early is not None:
            return early
        shown = _score_evidence(score, evidence, label)
        if score.total is None:
            return ValueResult(missing=_missing(score, evidence, params), evidence=shown, note=score.note)
        return ValueResult(value=score.total, evidence=shown, note=score.note)

    compute.__doc__ = (f"{label} from the latest joint assessment (or entered total); unknown unless every component "
                       f"is known. Source: {CITATIONS[kind]}. {fn.__doc__}")
    compute.__name__ = kind
    return compute


def _band_value(kind: str) -> Callable[[ScreeningContext, dict[str, Any]], ValueResult]:
    fn, instrument, label, _, _ = SCORES[kind]
    categorise = {"das28_esr": scores.das28_category, "das28_crp": scores.das28_category,
                  "cdai": scores.cdai_category, "sdai": scores.sdai_category}[kind]

    def compute(ctx: ScreeningContext, params: dict[str, Any]) -> ValueResult:
        score, evidence, early = ra_score(ctx, params, kind)
        if early is not None:
            return early
        shown = _score_evidence(score, evidence, label)
        band = scores.category_from_bounds(score)
        if band is None:
            return ValueResult(missing=_missing(score, evidence, params), evidence=shown,
                               note=f"{label} bounds span more than one activity category")
        return ValueResult(value=band, evidence=shown, note=score.note)

    compute.__doc__ = (f"{label} activity category (remission / low / moderate / high), decided from the bounds "
                       f"(unknown when they straddle a cut-off). Source: {CITATIONS[kind]}. {categorise.__doc__}")
    compute.__name__ = f"{kind}_activity"
    return compute


das28_esr = _score_value("das28_esr")
das28_crp = _score_value("das28_crp")
cdai = _score_value("cdai")
sdai = _score_value("sdai")
das28_esr_activity = _band_value("das28_esr")
das28_crp_activity = _band_value("das28_crp")
cdai_activity = _band_value("cdai")
sdai_activity = _band_value("sdai")


# -- 2010 ACR/EULAR classification ------------------------------------------------------------------------------


def _is_acr_eular_2010(label: str) -> bool:
    text = label.upper()
    return "2010" in text and ("ACR" in text or "EULAR" in text)


def acr_eular_2010(ctx: ScreeningContext, params: dict[str, Any]) -> ValueResult:
    """Definite RA by the 2010 ACR/EULAR classification criteria (target population and score >= 6/10, or erosive
    disease typical of RA).

    Aletaha D et al. 2010 Rheumatoid arthritis classification criteria. Arthritis Rheum 2010;62:2569-81 (Table 3).
    From the latest ``ra.acr_eular_2010`` assessment (`trialscreen_ra.criteria.acr_eular_2010_classified`); a
    classification documented in ``diagnoses[].classification`` (a label with "2010" and ACR or EULAR) answers
    when the items do not decide it, and a conflict (items decide "no", chart says "yes") goes to review. A total
    entered without items never decides (the target population and the erosive route need the items).
    """
    within = window_param(params)
    documented = (documented_classification(ctx, INDICATION, _is_acr_eular_2010)
                  if params.get("accept_documented", True) else [])
    parsed = ctx.assessment(ACR_EULAR_2010, within)
    computed: ValueResult | None = None
    if parsed is not None and parsed.items is not None:
        computed = criteria.acr_eular_2010_classified(parsed.items)
        computed = computed.model_copy(update={"evidence": (_head(parsed, "2010 ACR/EULAR assessment"), *computed.evidence)})
    elif parsed is not None and parsed.assessment.total is not None:
        computed = ValueResult(missing=(f"2010 ACR/EULAR items ({parsed.source}: total entered without items)",),
                               evidence=(_head(parsed, "2010 ACR/EULAR assessment"),))
    return documented_or_computed(
        computed, documented, note="documented classification",
        undecided_note="documented classification; recorded items undecided",
        conflict="2010 ACR/EULAR classification documented, but the recorded items do not meet it",
        missing=f"2010 ACR/EULAR items (assessment {ACR_EULAR_2010}{within_text(within)}) or a documented "
                "classification (diagnoses[].classification)")


# -- protocol 004 inclusions ------------------------------------------------------------------------------------


def diagnosis_duration_p004(ctx: ScreeningContext, params: dict[str, Any]) -> ValueResult:
    """Protocol 004 RA inclusion 1: "a previous diagnosis of rheumatoid arthritis >= 6 months" -- the earliest
    ``diagnosis_date`` of the RA diagnoses, at least ``months`` calendar months before the as-of date (the
    anniversary counts). Source: protocol 004 text; `criteria.protocol_004_diagnosis_duration`.
    """
    months = int(params.get("months", 6))
    dated = [(dx.diagnosis_date, i) for i, dx in enumerate(ctx.patient.diagnoses)
             if dx.indication == INDICATION and dx.diagnosis_date is not None and dx.diagnosis_date <= ctx.as_of]
    if not dated:
        has_ra = any(dx.indication == INDICATION for dx in ctx.patient.diagnoses)
        return ValueResult(missing=("date of RA diagnosis (diagnoses[].diagnosis_date)" if has_ra
                                    else "an RA diagnosis with its diagnosis date",))
    first, index = min(dated)
    result = criteria.protocol_004_diagnosis_duration(first, ctx.as_of, months)
    evidence = tuple(e.model_copy(update={"value": e.date.isoformat() if e.value is None and e.date else e.value,
                                          "source": f"diagnoses[{index}].diagnosis_date" if e.label == "RA diagnosis"
                                          else e.source})
                     for e in result.evidence)
    return result.model_copy(update={"evidence": evidence})


def joint_counts_p004(ctx: ScreeningContext, params: dict[str, Any]) -> ValueResult:
    """Protocol 004 RA inclusion 2: "A swollen joint count of >= 6 (based on 66 joint counts) and a tender joint
    count of >= 6 (based on 68 joint counts) during the Screening Period" -- from the latest joint assessment in
    ``within`` (default 28 days). Source: protocol 004 text; `criteria.protocol_004_joint_counts`.
    """
    within = window_param(params)
    joint = ctx.assessment(JOINT_ASSESSMENT, within)
    if joint is None or joint.items is None:
        where = f"{joint.source}.items" if joint else f"assessment {JOINT_ASSESSMENT}{within_text(within)}"
        return ValueResult(missing=(f"SJC66 and TJC68 ({where})",))
    result = criteria.protocol_004_joint_counts(joint.items.sjc66, joint.items.tjc68)
    if result.value is None:
        result = result.model_copy(update={"missing": tuple(f"{m} ({joint.source}.items)" for m in result.missing)})
    return result.model_copy(update={"evidence": (_head(joint, "joint assessment"), *result.evidence)})


def acute_phase_p004(ctx: ScreeningContext, params: dict[str, Any]) -> ValueResult:
    """Protocol 004 RA inclusion 3: "C-reactive protein (CRP) >= 10 mg/L or erythrocyte sedimentation rate (ESR)
    >= 28 mm/h during the Screening Period" -- the latest laboratory results in ``within`` (default 28 days).
    Source: protocol 004 text; `criteria.protocol_004_acute_phase` (true if either meets its cut-off).
    """
    within = window_param(params)
    crp = ctx.observation("crp", within)
    esr = ctx.observation("esr", within)
    result = criteria.protocol_004_acute_phase(crp.value if crp else None, esr.value if esr else None)
    if result.value is None:
        result = result.model_copy(update={"missing": tuple(f"{m}{within_text(within)}" for m in result.missing)})
    return result.model_copy(update={"evidence": tuple(ctx.evidence_of(o) for o in (crp, esr) if o is not None)})


# -- EULAR difficult-to-treat RA (protocol 004 inclusion 4) -------------------------------------------------------

CSDMARD_FAILURE = {"classes": ["csdmard"], "count": 1, "outcomes": ["failure", "intolerance"]}
TWO_MECHANISMS = {"classes": ["bdmard", "tsdmard"], "count": 2, "by": "mechanism", "outcomes": ["failure", "intolerance"]}


def d2t_facts(ctx: ScreeningContext, params: dict[str, Any]) -> tuple[DifficultToTreatFacts, list[Evidence], dict[str, tuple[str, ...]]]:
    """The facts of the EULAR definition, from the record: (facts, evidence, what is missing per source).

    * csDMARD failure: ``core.distinct_agents_at_least`` (class csdmard, >= 1 with outcome failure or
      intolerance); >= 2 b/tsDMARDs of different mechanisms failed: the same predicate (classes bdmard, tsdmard,
      ``by: mechanism``, outcomes failure/intolerance; mechanisms from the drug catalogue).
    * DAS28-ESR and CDAI: the joint assessment (`ra_score`), bounded when incomplete.
    * Inability to taper glucocorticoids below 7.5 mg/day: the current prednisone-equivalent dose
      (``core.prednisone_equivalent_mg_per_day``) at or above ``gc_threshold_mg_per_day`` (7.5); only when it is
      unknown, the investigator's record (``ra.d2t`` item).
    * Everything else (EULAR-guided treatment, csDMARD contraindication, socioeconomic restriction, signs or
      symptoms, radiographic progression, quality of life, problematic management): the latest ``ra.d2t``
      assessment in ``within``.
    """
    within = window_param(params)
    parsed = ctx.assessment(D2T, within)
    items = parsed.items if parsed is not None and parsed.items is not None else DifficultToTreatItems()
    evidence: list[Evidence] = [_head(parsed, "difficult-to-treat assessment")] if parsed else []
    missing: dict[str, tuple[str, ...]] = {}
    if parsed is None:
        missing["assessment"] = (f"difficult-to-treat RA assessment ({D2T}){within_text(within)}",)

    cs = ctx.value("core.distinct_agents_at_least", CSDMARD_FAILURE)
    two = ctx.value("core.distinct_agents_at_least", TWO_MECHANISMS)
    evidence.append(Evidence(label="csDMARD failed or not tolerated", value=tri(cs), source="core.distinct_agents_at_least"))
    evidence.extend(cs.evidence)
    evidence.append(Evidence(label=">= 2 b/tsDMARD mechanisms failed or not tolerated", value=tri(two),
                             source="core.distinct_agents_at_least"))
    evidence.extend(two.evidence)
    cs_detail = list(cs.missing) if tri(cs) is None else []
    if tri(cs) is not True and items.csdmard_contraindicated is None:
        cs_detail.append(f"{D2T} item csdmard_contraindicated")
    missing["csdmard"] = tuple(cs_detail)
    for name in DifficultToTreatItems.model_fields:
        if getattr(items, name) is None:
            missing[name] = (f"{D2T} item {name}",)
    missing["btsdmard"] = two.missing if tri(two) is None else ()

    score_params = {"within": params.get("within"), "lab_within": params.get("lab_within")}
    das, das_ev, das_early = ra_score(ctx, score_params, "das28_esr")
    cd, cd_ev, cd_early = ra_score(ctx, score_params, "cdai")
    evidence.extend(_score_evidence(das, das_ev, "DAS28-ESR") if das else das_ev)
    evidence.extend(_score_evidence(cd, cd_ev, "CDAI") if cd else cd_ev)
    missing["das28_esr"] = (das_early.missing if das_early else _missing(das, das_ev, score_params)) if das is None or das.total is None else ()
    missing["cdai"] = (cd_early.missing if cd_early else _missing(cd, cd_ev, score_params)) if cd is None or cd.total is None else ()

    threshold = float(params.get("gc_threshold_mg_per_day", 7.5))
    gc = ctx.value("core.prednisone_equivalent_mg_per_day")
    if isinstance(gc.value, (int, float)) and not isinstance(gc.value, bool):
        unable: bool | None = gc.value >= threshold
        evidence.append(Evidence(label=f"current glucocorticoid >= {threshold:g} mg/day prednisone-equivalent",
                                 value=unable, source="core.prednisone_equivalent_mg_per_day"))
        evidence.extend(gc.evidence)
    else:
        unable = items.unable_to_taper_glucocorticoid_below_7_5_mg
        missing["glucocorticoid"] = gc.missing if unable is None else ()

    facts = DifficultToTreatFacts(
        treated_according_to_eular=items.treated_according_to_eular, csdmard_failed=tri(cs),
        csdmard_contraindicated=items.csdmard_contraindicated, failed_advanced_therapies=None,
        two_mechanisms_failed=tri(two), access_restricted_by_socioeconomic_factors=items.access_restricted_by_socioeconomic_factors,
        das28_esr=das, cdai=cd, signs_or_symptoms_of_active_disease=items.signs_or_symptoms_of_active_disease,
        unable_to_taper_glucocorticoid_below_7_5_mg=unable, vdh_msharp_progression_1y=items.vdh_msharp_progression_1y,
        well_controlled_but_symptoms_reduce_qol=items.well_controlled_but_symptoms_reduce_qol,
        problematic_for_rheumatologist=items.problematic_for_rheumatologist,
        problematic_for_patient=items.problematic_for_patient)
    return facts, evidence, missing


#: What each part's generic missing names come from, so the report names the record's gap.
_DETAIL = {
    "treated according to EULAR recommendations": ("treated_according_to_eular",),
    "csDMARD failure or contraindication": ("csdmard",),
    "failed b/tsDMARDs": ("btsdmard",),
    "(a) DAS28-ESR > 3.2": ("das28_esr",),
    "(a) CDAI > 10": ("cdai",),
    "(b) signs/symptoms of active disease": ("signs_or_symptoms_of_active_disease",),
    "(c) unable to taper glucocorticoids below 7.5 mg/day": ("glucocorticoid",),
    "(d) vdH-mSharp progression >= 5 in 1 year": ("vdh_msharp_progression_1y",),
    "(e) well controlled but symptoms reduce quality of life": ("well_controlled_but_symptoms_reduce_qol",),
    "problematic for rheumatologist": ("problematic_for_rheumatologist",),
    "problematic for patient": ("problematic_for_patient",),
}


def _explained(result: ValueResult, missing: dict[str, tuple[str, ...]], evidence: Iterable[Evidence]) -> ValueResult:
    names: list[str] = []
    for m in result.missing:
        details = [detail for key in _DETAIL.get(m, ()) for detail in missing.get(key, ())]
        names.extend([f"{m}: {detail}" for detail in details] or [m])
    if result.value is None and result.review is None and missing.get("assessment"):
        names.extend(missing["assessment"])
    update: dict[str, Any] = {"evidence": (*result.evidence, *evidence)}
    if result.value is None and result.review is None:
        update["missing"] = tuple(dict.fromkeys(names)) or result.missing
    return result.model_copy(update=update)


def d2t_treatment_failure(ctx: ScreeningContext, params: dict[str, Any]) -> ValueResult:
    """EULAR difficult-to-treat RA, criterion 1: treated according to EULAR recommendation and failure of >= 2
    b/tsDMARDs with different mechanisms of action after failing csDMARD therapy (unless contraindicated; unless
    access is restricted by socioeconomic factors, which goes to review).

    Nagy G et al. EULAR definition of difficult-to-treat rheumatoid arthritis. Ann Rheum Dis 2021;80:31-35.
    `trialscreen_ra.criteria.d2t_treatment_failure`, fed as described in `d2t_facts`.
    """
    facts, evidence, missing = d2t_facts(ctx, params)
    return _explained(criteria.d2t_treatment_failure(facts), missing, evidence)


def d2t_active_disease(ctx: ScreeningContext, params: dict[str, Any]) -> ValueResult:
    """EULAR difficult-to-treat RA, criterion 2: >= 1 sign of active/progressive disease -- DAS28-ESR > 3.2 or
    CDAI > 10; signs/symptoms of active disease; inability to taper glucocorticoids below 7.5 mg/day; >= 5 points
    vdH-modified Sharp progression in 1 year; well controlled but RA symptoms reduce quality of life.

    Nagy G et al. Ann Rheum Dis 2021;80:31-35. `trialscreen_ra.criteria.d2t_active_disease`; facts per `d2t_facts`.
    """
    facts, evidence, missing = d2t_facts(ctx, params)
    return _explained(criteria.d2t_active_disease(facts), missing, evidence)


def d2t_problematic_management(ctx: ScreeningContext, params: dict[str, Any]) -> ValueResult:
    """EULAR difficult-to-treat RA, criterion 3: management of signs and/or symptoms perceived as problematic.
    ``perception: both`` (default) follows protocol 004 ("by both the patient and the physician"); ``either`` is the
    paper's "and/or". Nagy G et al. Ann Rheum Dis 2021;80:31-35; `criteria.d2t_problematic_management`.
    """
    facts, evidence, missing = d2t_facts(ctx, params)
    result = criteria.d2t_problematic_management(facts, params.get("perception", "both"))
    keep = ("assessment", "problematic_for_rheumatologist", "problematic_for_patient")
    return _explained(result, {k: v for k, v in missing.items() if k in keep}, evidence[:1])


def difficult_to_treat(ctx: ScreeningContext, params: dict[str, Any]) -> ValueResult:
    """EULAR difficult-to-treat RA: all three criteria (treatment failure, active/progressive disease, problematic
    management). Protocol 004's closing line "Refractory rheumatoid arthritis is diagnosed if three of the above
    criteria are met" is read as the three mandatory parts, as in the paper.

    Nagy G, Roodenrijs NMT, Welsing PMJ, et al. Ann Rheum Dis 2021;80:31-35. `criteria.eular_difficult_to_treat`.
    """
    facts, evidence, missing = d2t_facts(ctx, params)
    result = criteria.eular_difficult_to_treat(facts, params.get("perception", "both"))
    return _explained(result, missing, evidence)


# -- ACR functional status -----------------------------------------------------------------------------------


def acr_functional_class(ctx: ScreeningContext, params: dict[str, Any]) -> ValueResult:
    """ACR 1991 revised global functional status class (1-4) from the latest ``ra.functional_status`` assessment:
    its three items, or a class entered as the total.

    Hochberg MC et al. The American College of Rheumatology 1991 revised criteria for the classification of global
    functional status in rheumatoid arthritis. Arthritis Rheum 1992;35:498-502. `criteria.acr_functional_class`.
    """
    within = window_param(params)
    parsed = ctx.assessment(FUNCTIONAL_STATUS, within)
    if parsed is None:
        return ValueResult(missing=(f"ACR functional status assessment ({FUNCTIONAL_STATUS}){within_text(within)}",))
    head = _head(parsed, "ACR functional status assessment")
    if parsed.items is not None:
        result = criteria.acr_functional_class(parsed.items.self_care_unlimited, parsed.items.vocational_unlimited,
                                               parsed.items.avocational_unlimited)
        if result.value is None and result.review is None:
            result = result.model_copy(update={"missing": tuple(f"{m} ({parsed.source}.items)" for m in result.missing)})
        return result.model_copy(update={"evidence": (head, *result.evidence)})
    total = parsed.assessment.total
    if total is None:
        return ValueResult(missing=(f"ACR functional status items or class ({parsed.source})",), evidence=(head,))
    if total not in (1, 2, 3, 4):
        return ValueResult(review=f"ACR functional class {total:g} is not one of 1-4 ({parsed.source})", evidence=(head,))
    return ValueResult(value=int(total), evidence=(head, Evidence(label="ACR functional class (entered)", value=int(total),
                                                                  date=parsed.assessment.date, source=parsed.source)),
                       note="class entered without items")


def functional_class_4_p004(ctx: ScreeningContext, params: dict[str, Any]) -> ValueResult:
    """Protocol 004 RA exclusion: "Functional status of rheumatoid arthritis graded at level 4 according to ACR"
    (Hochberg 1992 class IV). True = excluded. `criteria.protocol_004_functional_class_exclusion`.
    """
    cls = ctx.value("ra.acr_functional_class", {"within": params.get("within")})
    if cls.value is None:
        return cls
    result = criteria.protocol_004_functional_class_exclusion(int(cls.value))
    return result.model_copy(update={"evidence": cls.evidence})
