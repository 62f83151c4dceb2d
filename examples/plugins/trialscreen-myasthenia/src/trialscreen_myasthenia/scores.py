"""MG-ADL as a bounded score: pure functions over `trialscreen_myasthenia.items`, no patient record involved.

MG-ADL total = sum of the eight item grades, 0-24 (Wolfe GI et al. Neurology 1999;52:1487-9: eight items, each
graded 0-3, so 8 x 3 = 24). With unanswered items the total is unknown but bounded: ``minimum`` counts the
answered grades, ``maximum`` adds 3 for each unanswered item, so a threshold can still be decided when both
bounds fall on the same side (`trialscreen.plugins.types.ScoreResult.at_least`).

QMG (Quantitative Myasthenia Gravis score, Barohn 1998) is deliberately NOT implemented: its 13 items and their
timed / percent-predicted / sex-specific grip cut-offs could not be checked against a primary or reproduced
source here, and a score whose cut-offs are guessed must not decide eligibility.
"""

from __future__ import annotations

from trialscreen.plugins.types import ScoreItem, ScoreResult

from trialscreen_myasthenia.items import MG_ADL_ANCHORS, MG_ADL_ITEM_MAX, MgAdlItems

MG_ADL_INSTRUMENT = "myasthenia.mg_adl"
#: Number of MG-ADL items (Wolfe 1999).
MG_ADL_ITEMS = tuple(MG_ADL_ANCHORS)
#: Highest possible MG-ADL total: 8 items x 3 (Wolfe 1999: "score range from 0 to 24").
MG_ADL_MAX = MG_ADL_ITEM_MAX * len(MG_ADL_ITEMS)
MG_ADL_CITATION = ("Wolfe GI, Herbelin L, Nations SP, Foster B, Bryan WW, Barohn RJ. Myasthenia gravis activities of "
                   "daily living profile. Neurology 1999;52:1487-9.")


def mg_adl(items: MgAdlItems) -> ScoreResult:
    """The MG-ADL total (0-24) from the eight item grades, bounded when some are unanswered."""
    contributing: list[ScoreItem] = []
    missing: list[str] = []
    for name in MG_ADL_ITEMS:
        grade = getattr(items, name)
        if grade is None:
            missing.append(name)
        else:
            contributing.append(ScoreItem(item=name, points=grade,
                                          label=f"{name.replace('_', ' ')}: {MG_ADL_ANCHORS[name][grade]}"))
    known = sum(i.points for i in contributing)
    maximum = known + MG_ADL_ITEM_MAX * len(missing)
    return ScoreResult(instrument=MG_ADL_INSTRUMENT, total=None if missing else known, minimum=known,
                       maximum=maximum, contributing=tuple(contributing), missing=tuple(missing),
                       note=f"{len(missing)} of {len(MG_ADL_ITEMS)} items unanswered" if missing else None)


def mg_adl_entered_total(total: float) -> ScoreResult:
    """A total recorded without items. Raises ValueError unless it is a whole number in 0-24."""
    if total != int(total) or not 0 <= total <= MG_ADL_MAX:
        raise ValueError(f"an MG-ADL total is a whole number from 0 to {MG_ADL_MAX}, not {total:g}")
    value = int(total)
    return ScoreResult(instrument=MG_ADL_INSTRUMENT, total=value, minimum=value, maximum=value, total_entered=True)


def mg_adl_unanswered() -> ScoreResult:
    """An MG-ADL recorded with neither items nor a total: anything from 0 to 24."""
    return ScoreResult(instrument=MG_ADL_INSTRUMENT, total=None, minimum=0, maximum=MG_ADL_MAX, missing=MG_ADL_ITEMS)
