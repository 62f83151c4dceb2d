"""Item-level answer models for the instruments the plugin adds. Frozen, unknown keys rejected, and ``None`` means
*not assessed*, so a partly filled form still validates and its score is bounded (see `scores`).

* `MgAdlItems` — MG Activities of Daily Living profile: 8 items, each 0 (normal) to 3 (most severe).
  Wolfe GI, Herbelin L, Nations SP, Foster B, Bryan WW, Barohn RJ. Myasthenia gravis activities of daily living
  profile. Neurology 1999;52:1487-9. Item names and response anchors checked against the table reproduced in
  BMC Neurol 2020 (s12883-020-01975-y, Table 2: "Score range from 0 to 24 points", eight items graded 0-3).
* `MgfaClassification` — MGFA clinical classification, classes I-V with subclasses a/b for II-IV.
  Jaretzki A 3rd, Barohn RJ, Ernstoff RM, et al. Myasthenia gravis: recommendations for clinical research
  standards. Neurology 2000;55:16-23. Class wording checked against the MGFA table reproduced in the same BMC
  Neurol 2020 paper (Table 3).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, StrictInt

#: Highest answer of one MG-ADL item (Wolfe 1999: each item graded 0-3).
MG_ADL_ITEM_MAX = 3

#: The eight MG-ADL items in the order of the published form (Wolfe 1999), with the answer for each grade 0-3.
MG_ADL_ANCHORS: dict[str, tuple[str, str, str, str]] = {
    "talking": ("normal", "intermittent slurring or nasal speech", "constant slurring or nasal, but can be understood",
                "difficult to understand speech"),
    "chewing": ("normal", "fatigue with solid food", "fatigue with soft food", "gastric tube"),
    "swallowing": ("normal", "rare episode of choking", "frequent choking necessitating changes in diet", "gastric tube"),
    "breathing": ("normal", "shortness of breath with exertion", "shortness of breath at rest", "ventilator dependence"),
    "brushing_teeth_or_combing_hair": ("normal", "extra effort, but no rest periods needed", "rest periods needed",
                                       "cannot do one of these functions"),
    "arising_from_chair": ("normal", "mild, sometimes uses arms", "moderate, always uses arms",
                           "severe, requires assistance"),
    "double_vision": ("normal", "occurs, but not daily", "daily, but not constant", "constant"),
    "eyelid_droop": ("normal", "occurs, but not daily", "daily, but not constant", "constant"),
}


def _grade(item: str) -> object:
    anchors = "; ".join(f"{grade} = {text}" for grade, text in enumerate(MG_ADL_ANCHORS[item]))
    return Field(None, ge=0, le=MG_ADL_ITEM_MAX, description=f"{item.replace('_', ' ')}: {anchors}")


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class MgAdlItems(_Frozen):
    """One MG-ADL form: eight items graded 0-3 (Wolfe 1999). ``None`` = not answered."""

    talking: StrictInt | None = _grade("talking")
    chewing: StrictInt | None = _grade("chewing")
    swallowing: StrictInt | None = _grade("swallowing")
    breathing: StrictInt | None = _grade("breathing")
    brushing_teeth_or_combing_hair: StrictInt | None = _grade("brushing_teeth_or_combing_hair")
    arising_from_chair: StrictInt | None = _grade("arising_from_chair")
    double_vision: StrictInt | None = _grade("double_vision")
    eyelid_droop: StrictInt | None = _grade("eyelid_droop")


#: MGFA clinical classes (Jaretzki 2000). I: ocular only. II/III/IV: mild/moderate/severe weakness of muscles
#: other than ocular, subclass a = predominantly limb/axial, b = predominantly oropharyngeal/respiratory (a feeding
#: tube without intubation places the patient in IVb). V: intubation, with or without mechanical ventilation,
#: except during routine postoperative management.
MgfaClass = Literal["I", "II", "IIa", "IIb", "III", "IIIa", "IIIb", "IV", "IVa", "IVb", "V"]


class MgfaClassification(_Frozen):
    """A recorded MGFA clinical class: ``items: {class: IIIb}``. A class II-IV without its subclass letter is
    accepted (the subclass is then unknown)."""

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    mgfa_class: MgfaClass = Field(alias="class", description="MGFA clinical class, I to V (Jaretzki 2000).")
