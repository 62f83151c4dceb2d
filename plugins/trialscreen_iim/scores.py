"""Scores of the idiopathic inflammatory myopathy plugin: 2017 EULAR/ACR criteria score, MMT-8, HAQ-DI.

All return :class:`trialscreen.plugins.types.ScoreResult` with bounded totals. Criteria-score arithmetic is done
in :class:`decimal.Decimal` (weights have one decimal; 0.7 + 0.8 is exactly 1.5), HAQ-DI in exact fractions.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from itertools import combinations

from trialscreen.plugins.types import ScoreItem, ScoreResult

from .items import (
    HAQ_CATEGORIES,
    HAQ_MAX_ITEM,
    IIM_2017_AGE_18_TO_40,
    IIM_2017_AGE_GE_40,
    IIM_2017_WEIGHTS,
    MMT8_FIELDS,
    MMT8_MAX_GRADE,
    HaqDiItems,
    Iim2017Items,
    Mmt8Items,
)

__all__ = [
    "HAQ_DI_INSTRUMENT",
    "HAQ_MIN_CATEGORIES_VERIFIED",
    "IIM_2017_INSTRUMENT",
    "MMT8_INSTRUMENT",
    "haq_category_scores",
    "haq_di",
    "iim_2017_score",
    "mmt8",
]

IIM_2017_INSTRUMENT = "iim.eular_acr_2017"
MMT8_INSTRUMENT = "iim.mmt8"
HAQ_DI_INSTRUMENT = "iim.haq_di"


def _f(x: Decimal | Fraction | int) -> float:
    return float(x)


# ---------------------------------------------------------------------------
# 2017 EULAR/ACR classification criteria score
# ---------------------------------------------------------------------------


def iim_2017_score(items: Iim2017Items, with_biopsy: bool) -> ScoreResult:
    """2017 EULAR/ACR classification criteria for adult and juvenile IIM — total score points.

    Primary publication: Lundberg IE, Tjärnlund A, Bottai M, Werth VP, Pilkington C, de Visser M, et al. 2017
    European League Against Rheumatism/American College of Rheumatology classification criteria for adult and
    juvenile idiopathic inflammatory myopathies and their major subgroups. Ann Rheum Dis 2017;76:1955-64 (also
    Arthritis Rheumatol 2017;69:2271-82).

    Points, without / with muscle biopsy (verified against the RMD Open reproduction of the criteria table and
    rheumatologytt.com): age at onset 18-<40 1.3/1.5, >=40 2.1/2.2; objective symmetric proximal weakness upper
    0.7/0.7, lower 0.8/0.5; neck flexors weaker than extensors 1.9/1.6; legs proximal weaker than distal 0.9/1.2;
    heliotrope rash 3.1/3.2; Gottron's papules 2.1/2.7; Gottron's sign 3.3/3.7; dysphagia or oesophageal
    dysmotility 0.7/0.6; anti-Jo-1 3.9/3.8; CK, LDH, AST or ALT above ULN 1.3/1.4; biopsy (with-biopsy model
    only): endomysial infiltrate surrounding but not invading myofibres 1.7, perimysial and/or perivascular
    infiltrate 1.2, perifascicular atrophy 1.9, rimmed vacuoles 3.1.

    Age unknown: ``minimum`` 0, ``maximum`` the >=40 points. Unanswered items: ``minimum`` 0, ``maximum`` their
    points. Category and the logistic probability: see ``criteria.iim_2017_category``.
    """
    column = 1 if with_biopsy else 0
    values = items.model_dump()
    known = Decimal(0)
    open_points = Decimal(0)
    contributing: list[ScoreItem] = []
    missing: list[str] = []

    age = items.age_at_onset_years
    if age is None:
        open_points += IIM_2017_AGE_GE_40[column]
        missing.append("age_at_onset_years")
    elif age >= 40:
        known += IIM_2017_AGE_GE_40[column]
        contributing.append(ScoreItem(item="age_at_onset_ge_40", points=_f(IIM_2017_AGE_GE_40[column])))
    elif age >= 18:
        known += IIM_2017_AGE_18_TO_40[column]
        contributing.append(ScoreItem(item="age_at_onset_18_to_40", points=_f(IIM_2017_AGE_18_TO_40[column])))

    for key, weights in IIM_2017_WEIGHTS.items():
        points = weights[column]
        if points is None:
            continue
        if values[key] is True:
            known += points
            contributing.append(ScoreItem(item=key, points=_f(points)))
        elif values[key] is None:
            open_points += points
            missing.append(key)

    return ScoreResult(
        instrument=IIM_2017_INSTRUMENT,
        total=_f(known) if not missing else None,
        minimum=_f(known),
        maximum=_f(known + open_points),
        contributing=tuple(contributing),
        missing=tuple(missing),
        note="with muscle biopsy" if with_biopsy else "without muscle biopsy",
    )


# ---------------------------------------------------------------------------
# MMT-8
# ---------------------------------------------------------------------------


def mmt8(items: Mmt8Items) -> ScoreResult:
    """Manual Muscle Testing-8, total on the bilateral 0-150 scale (higher = stronger).

    Primary publication: Rider LG, Koziol D, Giannini EH, Jain MS, Smith MR, Whitney-Mahoney K, et al. Validation
    of manual muscle testing and a subset of eight muscles for adult and juvenile idiopathic inflammatory
    myopathies. Arthritis Care Res (Hoboken) 2010;62:465-72 (IMACS form 04, Kendall 0-10 grades).

    Groups (verified in the project notes, MMT8 procedures document): neck flexors, middle deltoid, biceps
    brachii, wrist extensors, gluteus maximus, gluteus medius, quadriceps, ankle dorsiflexors; each 0-10. The
    0-150 total = neck flexors once + the seven other groups on both sides (15 tests x 10; arithmetic — the
    unilateral version is 0-80). Missing tests: ``minimum`` counts them 0, ``maximum`` 10 each — so an MMT-8
    ``<=141`` is decided only when even the maximum is <=141.
    """
    values = items.model_dump()
    graded = {k: values[k] for k in MMT8_FIELDS if values[k] is not None}
    missing = tuple(k for k in MMT8_FIELDS if values[k] is None)
    known = sum(graded.values())
    return ScoreResult(
        instrument=MMT8_INSTRUMENT,
        total=known if not missing else None,
        minimum=known,
        maximum=known + MMT8_MAX_GRADE * len(missing),
        contributing=tuple(ScoreItem(item=k, points=v) for k, v in graded.items()),
        missing=missing,
    )


# ---------------------------------------------------------------------------
# HAQ-DI
# ---------------------------------------------------------------------------

#: Categories that must be answered for a HAQ-DI. VERIFIED: the CLINHAQ scoring text ("summed and divided by 8
#: ... In the event that one section is not completed ... divided by 7"). TODO (UNVERIFIED, not coded): the
#: Stanford convention that a HAQ-DI is computed when >=6 categories are answered — with exactly 6 answered this
#: module returns bounds only, never a total.
HAQ_MIN_CATEGORIES_VERIFIED = 7

_AID = {"dressing_grooming", "arising", "eating", "walking", "hygiene", "reach", "grip"}


def haq_category_scores(items: HaqDiItems) -> dict[str, tuple[int | None, int]]:
    """Per category: (score or ``None`` if no item answered, lowest score an answer could have).

    Category score = highest item score in the category; if an aid/device or help from another person is used
    for the category, the score is raised to at least 2 (no change when already 2 or 3).
    """
    values = items.model_dump()
    out: dict[str, tuple[int | None, int]] = {}
    for category, keys in HAQ_CATEGORIES.items():
        answered = [values[k] for k in keys if values[k] is not None]
        raised = (category in _AID and values[f"aid_{category}"] is True) or values[f"help_{category}"] is True
        floor = 2 if raised else 0
        score = max(max(answered), floor) if answered else None
        out[category] = (score, floor)
    return out


def haq_di(items: HaqDiItems) -> ScoreResult:
    """Stanford Health Assessment Questionnaire Disability Index (HAQ-DI), 0-3.

    Primary publication: Fries JF, Spitz P, Kraines RG, Holman HR. Measurement of patient outcome in arthritis.
    Arthritis Rheum 1980;23:137-45. Scoring conventions: Stanford "The Health Assessment Questionnaire (HAQ) and
    the Improved HAQ" (ARAMIS, June 2009) and the CLINHAQ scoring text (verified): 8 categories (dressing &
    grooming, arising, eating, walking, hygiene, reach, grip, activities), 20 items 0-3; category score = worst
    item; aid/device or help raises the category to at least 2; HAQ-DI = sum of category scores / number of
    categories answered.

    Completeness: a total is given with 8 or 7 categories answered (verified); with fewer, ``total`` is ``None``
    (the Stanford ">=6 categories" rule is UNVERIFIED — TODO) and ``minimum``/``maximum`` bound the HAQ-DI over
    every way the unanswered categories could be answered (enough of them to reach 7; an aid/help floor of 2
    applies).
    """
    categories = haq_category_scores(items)
    answered = {c: s for c, (s, _) in categories.items() if s is not None}
    unanswered = {c: floor for c, (s, floor) in categories.items() if s is None}
    total_answered = sum(answered.values())
    k = len(answered)
    contributing = tuple(ScoreItem(item=c, points=s) for c, s in answered.items())
    if k >= HAQ_MIN_CATEGORIES_VERIFIED:
        value = Fraction(total_answered, k)
        return ScoreResult(instrument=HAQ_DI_INSTRUMENT, total=_f(value), minimum=_f(value), maximum=_f(value),
                           contributing=contributing, missing=tuple(unanswered))
    lows: list[Fraction] = []
    highs: list[Fraction] = []
    names = list(unanswered)
    for size in range(HAQ_MIN_CATEGORIES_VERIFIED - k, len(names) + 1):
        for chosen in combinations(names, size):
            lows.append(Fraction(total_answered + sum(unanswered[c] for c in chosen), k + size))
            highs.append(Fraction(total_answered + HAQ_MAX_ITEM * size, k + size))
    return ScoreResult(
        instrument=HAQ_DI_INSTRUMENT,
        total=None,
        minimum=_f(min(lows)),
        maximum=_f(max(highs)),
        contributing=contributing,
        missing=tuple(unanswered),
        note=f"{k} of 8 categories answered; a HAQ-DI needs >= {HAQ_MIN_CATEGORIES_VERIFIED} (verified rule)",
    )
