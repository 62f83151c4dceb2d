"""SLEDAI-2K and the clinical SLEDAI-2K as bounded `ScoreResult`s, and the NCT07212322 SLEDAI entry rule.

Pure functions over `Sledai2kItems`; no I/O. An unanswered descriptor leaves the total unknown but bounded:
``minimum`` counts the descriptors known present, ``maximum`` adds the weight of every unanswered one.
"""

from __future__ import annotations

from trialscreen.plugins.types import ScoreItem, ScoreResult

from trialscreen_sle.items import SLEDAI2K_ITEMS, SLEDAI2K_SEROLOGICAL, Sledai2kItems

SLEDAI2K_ID = "sle.sledai2k"
SLEDAI2K_CLINICAL_ID = "sle.sledai2k_clinical"
SLEDAI2K_MAX = sum(weight for weight, _ in SLEDAI2K_ITEMS.values())  # 105


def _score(items: Sledai2kItems, instrument: str, exclude: tuple[str, ...] = ()) -> ScoreResult:
    contributing: list[ScoreItem] = []
    missing: list[str] = []
    unanswered_points = 0
    for name, (weight, label) in SLEDAI2K_ITEMS.items():
        if name in exclude:
            continue
        answer = getattr(items, name)
        if answer is True:
            contributing.append(ScoreItem(item=name, points=weight, label=label))
        elif answer is None:
            missing.append(name)
            unanswered_points += weight
    minimum = float(sum(item.points for item in contributing))
    return ScoreResult(
        instrument=instrument,
        total=None if missing else minimum,
        minimum=minimum,
        maximum=minimum + unanswered_points,
        contributing=tuple(contributing),
        missing=tuple(missing),
    )


def sledai2k(items: Sledai2kItems) -> ScoreResult:
    """SLEDAI-2K: the sum of the weights of the descriptors present in the last 10 days (range 0-105).

    Source: Gladman DD, Ibañez D, Urowitz MB. Systemic lupus erythematosus disease activity index 2000.
    J Rheumatol 2002;29:288-91. Weights 8/4/2/1 per descriptor (see `items.SLEDAI2K_ITEMS`) verified against the
    medicalcriteria.com and thecalculator.co score sheets, the pediatriconcall calculator and an independent
    implementation; maximum 105 = 8×8 + 6×4 + 7×2 + 3×1.
    """
    return _score(items, SLEDAI2K_ID)


def sledai2k_clinical(items: Sledai2kItems) -> ScoreResult:
    """Clinical SLEDAI-2K: SLEDAI-2K without the two serological descriptors (low complement, increased DNA
    binding), range 0-101. Unanswered serological descriptors are neither counted nor reported missing.

    Source: SLEDAI-2K as in Gladman DD et al. J Rheumatol 2002;29:288-91; the "clinical SLEDAI" (DORIS) drops
    exactly these two descriptors — verified in Rheumatology (Oxford) 2020 DORIS/LLDAS table (PMC7719036 Table 1:
    "serological activity – anti-dsDNA above ULN or C3 and/or C4 below LLN").
    """
    return _score(items, SLEDAI2K_CLINICAL_ID, exclude=SLEDAI2K_SEROLOGICAL)


def sledai2k_from_total(total: float) -> ScoreResult:
    """A SLEDAI-2K total recorded without its items (``total_entered=True``, no contributing items).

    Raises ValueError for a total that is not a whole number in 0-105 (Gladman 2002: range 0-105).
    """
    if isinstance(total, bool) or not isinstance(total, (int, float)):
        raise TypeError(f"SLEDAI-2K total must be a number, got {type(total).__name__}")
    if total != int(total) or not 0 <= total <= SLEDAI2K_MAX:
        raise ValueError(f"SLEDAI-2K total must be a whole number from 0 to {SLEDAI2K_MAX}, got {total!r}")
    value = float(total)
    return ScoreResult(instrument=SLEDAI2K_ID, total=value, minimum=value, maximum=value, total_entered=True,
                       note="total entered without item-level answers")


def _serology_states(result: ScoreResult) -> list[int]:
    """The possible numbers of serological descriptors present, given what `result` knows about them."""
    present = {item.item for item in result.contributing}
    known = sum(name in present for name in SLEDAI2K_SEROLOGICAL)
    unknown = sum(name in result.missing for name in SLEDAI2K_SEROLOGICAL)
    return sorted({known + extra for extra in range(unknown + 1)})


def nct07212322_sledai_met(items_result: ScoreResult, clinical_result: ScoreResult | None) -> bool | None:
    """NCT07212322 (protocol 002) SLE inclusion: "SLEDAI-2000 score ≥8 at screening; if points are attributed for
    low complement and/or anti-dsDNA antibody, the SLEDAI-2000 clinical symptom score (excluding points for low
    complement and/or anti-dsDNA antibody) must be ≥6."

    Three-valued: True/False when every completion of the unanswered descriptors gives the same answer, None
    otherwise. The rule is evaluated exactly, not by combining separate bounds: with ``k`` serological descriptors
    present the total is ``clinical + 2k``, so the rule is ``clinical ≥ 8`` when ``k = 0`` and ``clinical ≥ 6``
    when ``k ≥ 1`` (``clinical + 2 ≥ 8`` is then implied). Each possible ``k`` is tested against the clinical
    score's bounds; the serological and clinical descriptors are independent, so this is exact.

    A total entered without items (``total_entered``) cannot show whether serological points were attributed: a
    total below 8 fails (False), a total of 8 or more is None (the items are needed). `clinical_result` may then
    be None.

    Sources: SLEDAI-2K weights (low complement 2, increased DNA binding 2) — Gladman DD et al. J Rheumatol
    2002;29:288-91, verified as for `sledai2k`. Thresholds 8 and 6 — protocol NCT07212322 registry text.
    """
    if items_result.instrument != SLEDAI2K_ID:
        raise ValueError(f"items_result must be a {SLEDAI2K_ID} result, got {items_result.instrument!r}")
    if items_result.total_entered:
        return False if items_result.maximum < 8 else None
    if clinical_result is None or clinical_result.instrument != SLEDAI2K_CLINICAL_ID:
        raise ValueError(f"clinical_result must be a {SLEDAI2K_CLINICAL_ID} result computed from the same items")
    if clinical_result.total_entered:
        raise ValueError("clinical_result must be computed from items, not entered")
    states = _serology_states(items_result)
    serology_known_points = 2 * min(states)
    if items_result.minimum != clinical_result.minimum + serology_known_points:
        raise ValueError("items_result and clinical_result were not computed from the same SLEDAI-2K items")
    outcomes = {clinical_result.at_least(8 if k == 0 else 6) for k in states}
    return outcomes.pop() if len(outcomes) == 1 else None


__all__ = [
    "SLEDAI2K_CLINICAL_ID",
    "SLEDAI2K_ID",
    "SLEDAI2K_MAX",
    "nct07212322_sledai_met",
    "sledai2k",
    "sledai2k_clinical",
    "sledai2k_from_total",
]
