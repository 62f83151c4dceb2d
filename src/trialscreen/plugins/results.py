"""Helpers for plugin authors: turn scores and three-valued answers into the `ValueResult` a hook's compute
function returns, with evidence and what is missing."""

from __future__ import annotations

from collections.abc import Iterable

from trialscreen.facts.context import ScreeningContext
from trialscreen.plugins.helpers import within_text
from trialscreen.plugins.types import Evidence, ScoreResult, ValueResult
from trialscreen.rules.model import Window


def window_param(params: dict[str, object], key: str = "within") -> Window | None:
    """A ``within`` parameter (``{months: 3}``) as a `Window`, or None."""
    raw = params.get(key)
    return None if raw is None else Window.model_validate(raw)


def answer(value: bool | None, *, evidence: Iterable[Evidence] = (), missing: Iterable[str] = (),
           review: str | None = None, note: str | None = None) -> ValueResult:
    """A predicate's answer: True/False with evidence, or (None) what is missing (each item once, in order) / why
    the investigator decides; `note` is kept either way."""
    evidence = tuple(evidence)
    if value is not None:
        return ValueResult(value=value, evidence=evidence, note=note)
    if review is not None:
        return ValueResult(review=review, evidence=evidence, note=note)
    missing = tuple(dict.fromkeys(missing)) or ("data to decide this",)
    return ValueResult(missing=missing, evidence=evidence, note=note)


def score_evidence(score: ScoreResult, *, label: str, source: str, date: object = None) -> tuple[Evidence, ...]:
    """Evidence lines for a score: the total (or its bounds) and each contributing item."""
    shown = score.total if score.total is not None else f"{score.minimum:g}–{score.maximum:g} (incomplete)"
    head = Evidence(label=label + (" (total entered, no items)" if score.total_entered else ""), value=shown,
                    date=date, source=source)  # type: ignore[arg-type]
    items = tuple(Evidence(label=f"  {i.label or i.item}", value=i.points, source=source) for i in score.contributing)
    return (head, *items)


def score_value(score: ScoreResult, *, label: str, source: str, date: object = None) -> ValueResult:
    """A score as a value: the total when known; otherwise the unanswered items as missing."""
    evidence = score_evidence(score, label=label, source=source, date=date)
    if score.total is None:
        return ValueResult(missing=score.missing or (f"{label}: items not recorded",), evidence=evidence)
    return ValueResult(value=score.total, evidence=evidence, note="total entered without items" if score.total_entered else None)


def score_at_least(score: ScoreResult, threshold: float, *, label: str, source: str, date: object = None) -> ValueResult:
    """``score ≥ threshold`` decided from the score's bounds when they allow it."""
    decided = score.at_least(threshold)
    evidence = score_evidence(score, label=label, source=source, date=date)
    return answer(decided, evidence=evidence, missing=score.missing)


def no_assessment(ctx: ScreeningContext, name: str, within: Window | None) -> ValueResult:
    """Missing: "<name> assessment within <window> before screening" (no window: "<name> assessment")."""
    return ValueResult(missing=(f"{name} assessment{within_text(within)}",))
