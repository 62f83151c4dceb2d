"""Hook implementations of the Rheumatoid arthritis plugin."""

from __future__ import annotations

from trialscreen import hookimpl
from trialscreen.plugins.types import Indication

# ICD-10 (WHO) codes; SNOMED CT concept ids only where confirmed (the disease-plugin issues complete them).
INDICATION = Indication(
    code="RA",
    name="Rheumatoid arthritis",
    icd10=('M05', 'M06'),
    snomed=('69896004',),
    synonyms=('rheumatoid arthritis',),
)


@hookimpl
def trialscreen_indications() -> list[Indication]:
    return [INDICATION]
