"""Hook implementations of the Systemic sclerosis plugin."""

from __future__ import annotations

from trialscreen import hookimpl
from trialscreen.plugins.types import Indication

# ICD-10 (WHO) codes; SNOMED CT concept ids only where confirmed (the disease-plugin issues complete them).
INDICATION = Indication(
    code="SSC",
    name="Systemic sclerosis",
    icd10=('M34',),
    snomed=('89155008',),
    synonyms=('scleroderma', 'systemic sclerosis'),
)


@hookimpl
def trialscreen_indications() -> list[Indication]:
    return [INDICATION]
