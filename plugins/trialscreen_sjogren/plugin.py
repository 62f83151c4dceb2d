"""Hook implementations of the Sjögren's disease plugin."""

from __future__ import annotations

from trialscreen import hookimpl
from trialscreen.plugins.types import Indication

# ICD-10 (WHO) codes; SNOMED CT concept ids only where confirmed (the disease-plugin issues complete them).
INDICATION = Indication(
    code="SJOGREN",
    name="Sjögren's disease",
    icd10=('M35.0',),
    snomed=('83901003',),
    synonyms=('sjogren', "sjögren's syndrome", 'sicca'),
)


@hookimpl
def trialscreen_indications() -> list[Indication]:
    return [INDICATION]
