"""Core derived values and predicates, computed from the patient record with the cited formulas in
`trialscreen_core.formulas`. Each returns a `ValueResult`: a value with the evidence used, or what is missing."""

from __future__ import annotations

from typing import Any

from trialscreen.facts.context import ScreeningContext
from trialscreen.plugins.types import DerivedValue, Evidence, Predicate, ValueResult
from trialscreen.rules.model import Window
from trialscreen_core import formulas


def age_years(ctx: ScreeningContext, params: dict[str, Any]) -> ValueResult:
    """Age in completed years on the as-of date; a birthday on the as-of date counts (inclusive cut-offs)."""
    p = ctx.patient
    if p.birth_date is not None:
        age = formulas.age_completed_years(p.birth_date, ctx.as_of)
        return ValueResult(value=age, unit="years", evidence=(
            Evidence(label="birth date", value=p.birth_date.isoformat(), source="birth_date"),
            Evidence(label="age on " + ctx.as_of.isoformat(), value=age, unit="years", source="core.age_years")))
    if p.age_years is not None:
        return ValueResult(value=p.age_years, unit="years", evidence=(
            Evidence(label="age (as recorded, no birth date)", value=p.age_years, unit="years", source="age_years"),))
    return ValueResult(missing=("birth date (or age)",))


def _weight_kg(ctx: ScreeningContext) -> float | None:
    return ctx.record.weight_kg


def _height_cm(ctx: ScreeningContext) -> float | None:
    return ctx.record.height_cm


def crcl_cockcroft_gault(ctx: ScreeningContext, params: dict[str, Any]) -> ValueResult:
    """Creatinine clearance, Cockcroft DW, Gault MH. Nephron 1976;16:31-41.

    Uses the latest serum creatinine in ``params["within"]`` (default: the ruleset's look-back is not applied
    here, so rulesets pass one), the weight rule ``params["weight"]`` (actual by default, as in the 1976
    derivation), age on the as-of date and sex.
    """
    window = Window.model_validate(params["within"]) if params.get("within") else None
    missing = []
    obs = ctx.observation("creatinine", window)
    age = age_years(ctx, {})
    sex = ctx.patient.sex
    weight = _weight_kg(ctx)
    height = _height_cm(ctx)
    rule = params.get("weight", "actual")
    if obs is None:
        missing.append("serum creatinine" + (f" within {window.describe()}" if window else ""))
    if age.value is None:
        missing.extend(age.missing)
    if sex is None:
        missing.append("sex")
    if weight is None:
        missing.append("body weight")
    if rule != "actual" and height is None:
        missing.append("height (for the weight rule)")
    if missing:
        return ValueResult(missing=tuple(missing))
    scr_mg_dl = formulas.creatinine_umol_l_to_mg_dl(obs.value)
    used_weight = formulas.cockcroft_gault_weight(weight, height, sex == "female", rule)
    value = formulas.cockcroft_gault(float(age.value), used_weight, scr_mg_dl, sex == "female")
    return ValueResult(value=value, unit="mL/min", evidence=(
        ctx.evidence_of(obs), *age.evidence,
        Evidence(label="sex", value=sex, source="sex"),
        Evidence(label=f"weight used ({rule})", value=used_weight, unit="kg", source="weight"),
        Evidence(label="CrCl (Cockcroft-Gault)", value=value, unit="mL/min", source="core.crcl_cockcroft_gault"),
    ))


def egfr(ctx: ScreeningContext, params: dict[str, Any]) -> ValueResult:
    """eGFR: CKD-EPI 2021 race-free (Inker LA et al. NEJM 2021;385:1737-49) from 18 years, bedside Schwartz
    (Schwartz GJ et al. JASN 2009;20:629-37) under 18."""
    window = Window.model_validate(params["within"]) if params.get("within") else None
    obs = ctx.observation("creatinine", window)
    age = age_years(ctx, {})
    missing = []
    if obs is None:
        missing.append("serum creatinine")
    if age.value is None:
        missing.extend(age.missing)
    if ctx.patient.sex is None:
        missing.append("sex")
    height = _height_cm(ctx)
    if age.value is not None and age.value < 18 and height is None:
        missing.append("height (bedside Schwartz, under 18)")
    if missing:
        return ValueResult(missing=tuple(missing))
    value, formula = formulas.egfr_age_appropriate(
        formulas.creatinine_umol_l_to_mg_dl(obs.value), float(age.value), ctx.patient.sex == "female", height)
    unit = "mL/min/1.73m2"
    return ValueResult(value=value, unit=unit, evidence=(
        ctx.evidence_of(obs), *age.evidence, Evidence(label=f"eGFR ({formula})", value=value, unit=unit, source="core.egfr")))


def _qtc(formula: Any, name: str):
    def compute(ctx: ScreeningContext, params: dict[str, Any]) -> ValueResult:
        window = Window.model_validate(params["within"]) if params.get("within") else None
        qt = ctx.observation("qt_interval", window)
        rr = ctx.observation("rr_interval", window)
        hr = ctx.observation("heart_rate", window)
        if qt is None or (rr is None and hr is None):
            reported = ctx.observation("qtc", window)
            if reported is not None and params.get("accept_reported", True):
                return ValueResult(value=reported.value, unit="ms", evidence=(ctx.evidence_of(reported),),
                                   note="QTc as reported by the ECG; formula not stated")
            alternative = ", or a reported QTc" if params.get("accept_reported", True) else ""
            return ValueResult(missing=(f"QT interval and heart rate (or RR){alternative}",))
        kwargs = {"rr_s": rr.value} if rr is not None else {"hr_bpm": hr.value}
        value = formula(qt.value, **kwargs)
        used = rr if rr is not None else hr
        return ValueResult(value=value, unit="ms", evidence=(
            ctx.evidence_of(qt), ctx.evidence_of(used), Evidence(label=name, value=value, unit="ms")))
    return compute


def childbearing_potential(ctx: ScreeningContext, params: dict[str, Any]) -> ValueResult:
    """Female of childbearing potential: female, not sterilised, and not ≥12 months postmenopausal (the
    protocols' wording); an explicit record of childbearing potential wins."""
    p = ctx.patient
    r = p.reproductive
    ev = [Evidence(label="sex", value=p.sex, source="sex")]
    if p.sex is None:
        return ValueResult(missing=("sex",))
    if p.sex == "male":
        return ValueResult(value=False, evidence=tuple(ev))
    if r.childbearing_potential is not None:
        return ValueResult(value=r.childbearing_potential, evidence=(*ev, Evidence(
            label="childbearing potential (recorded)", value=r.childbearing_potential, source="reproductive.childbearing_potential")))
    if r.sterilised:
        return ValueResult(value=False, evidence=(*ev, Evidence(label="sterilised", value=True, source="reproductive.sterilised")))
    months = params.get("postmenopausal_months", 12)
    if r.postmenopausal_months is not None and r.postmenopausal_months >= months:
        return ValueResult(value=False, evidence=(*ev, Evidence(label="months postmenopausal", value=r.postmenopausal_months, source="reproductive.postmenopausal_months")))
    return ValueResult(missing=("childbearing potential (or sterilisation / months postmenopausal)",))


def glucocorticoid_pulse(ctx: ScreeningContext, params: dict[str, Any]) -> ValueResult:
    """A glucocorticoid course at or above ``threshold_mg_per_day`` prednisone-equivalent within the window.

    Prednisone equivalents: `trialscreen_core.formulas.GLUCOCORTICOID_PREDNISONE_EQUIVALENT_MG` (cited there).
    """
    window = Window.model_validate(params["within"]) if params.get("within") else None
    threshold = float(params["threshold_mg_per_day"])
    matched, unidentified = ctx.exposures(classes=("glucocorticoid",))
    missing: list[str] = []
    start = ctx.window_start(window)
    for exp in matched:
        med = exp.medication
        last = ctx.last_exposure(exp)
        if start is not None and last is None:
            if not (med.start_date and med.start_date >= start):  # started in the window: in it, whatever the end
                missing.append(f"end or last-dose date of {med.drug} ({exp.source})")
                continue
        elif start is not None and last < start:
            continue
        if med.dose is None or med.dose.unit not in ("mg", "g") or med.dose.per != "day":
            missing.append(f"daily dose in mg of {med.drug} ({exp.source}.dose)")
            continue
        mg = med.dose.value * (1000 if med.dose.unit == "g" else 1)
        try:
            pred = formulas.prednisone_equivalent_mg(exp.drug.name if exp.drug else med.drug, mg)
        except ValueError:
            missing.append(f"prednisone equivalent of {med.drug} ({exp.source})")
            continue
        if formulas.is_pulse(pred, threshold):
            return ValueResult(value=True, evidence=(Evidence(
                label=f"{med.drug} {mg:g} mg/day = {pred:g} mg/day prednisone-equivalent", value=pred, unit="mg/day",
                date=last, source=exp.source),))
    if missing:
        return ValueResult(missing=tuple(missing))
    if not ctx.medication_history_complete:
        return ValueResult(missing=("complete medication history (glucocorticoid doses)",))
    if unidentified:
        return ValueResult(missing=tuple(f"identity of {e.medication.drug!r} ({e.source})" for e in unidentified))
    return ValueResult(value=False, evidence=(Evidence(label=f"glucocorticoid ≥{threshold:g} mg/day prednisone-equivalent", value="none in complete medication history", source="medications"),))


VALUES = [
    DerivedValue(id="core.age_years", name="Age in completed years", unit="years", compute=age_years),
    DerivedValue(id="core.crcl_cockcroft_gault", name="Creatinine clearance (Cockcroft-Gault)", unit="mL/min",
                 compute=crcl_cockcroft_gault, parameters={"weight": "actual", "within": None},
                 citation="Cockcroft DW, Gault MH. Nephron 1976;16:31-41"),
    DerivedValue(id="core.egfr", name="eGFR (CKD-EPI 2021 adults, bedside Schwartz under 18)", unit="mL/min/1.73m2",
                 compute=egfr, parameters={"within": None},
                 citation="Inker LA et al. NEJM 2021;385:1737-49; Schwartz GJ et al. JASN 2009;20:629-37"),
    DerivedValue(id="core.qtc_bazett", name="QTc (Bazett)", unit="ms", compute=_qtc(formulas.qtc_bazett, "QTc (Bazett)"),
                 parameters={"within": None, "accept_reported": True}, citation="Bazett HC. Heart 1920;7:353-370"),
    DerivedValue(id="core.qtc_fridericia", name="QTc (Fridericia)", unit="ms",
                 compute=_qtc(formulas.qtc_fridericia, "QTc (Fridericia)"),
                 parameters={"within": None, "accept_reported": True}, citation="Fridericia LS. Acta Med Scand 1920;53:469-486"),
]

PREDICATES = [
    Predicate(id="core.childbearing_potential", name="Female of childbearing potential", compute=childbearing_potential,
              parameters={"postmenopausal_months": 12}),
    Predicate(id="core.glucocorticoid_pulse", name="Glucocorticoid pulse (prednisone-equivalent dose at or above a threshold)",
              compute=glucocorticoid_pulse, parameters={"threshold_mg_per_day": 200, "within": None}),
]
