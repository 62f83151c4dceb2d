"""Hook implementations of the ANCA-associated vasculitis (GPA, MPA) plugin."""

from __future__ import annotations

from trialscreen import hookimpl
from trialscreen.plugins.types import Indication

# ICD-10 (WHO) codes; SNOMED CT concept ids only where confirmed (the disease-plugin issues complete them).
INDICATION = Indication(
    code="AAV",
    name="ANCA-associated vasculitis (GPA, MPA)",
    icd10=('M31.3', 'M31.7'),
    snomed=(),
    synonyms=('anca vasculitis', 'gpa', 'mpa'),
)


@hookimpl
def trialscreen_indications() -> list[Indication]:
    return [INDICATION]
