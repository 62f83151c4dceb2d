"""Hook implementations of the Systemic lupus erythematosus plugin."""

from __future__ import annotations

from trialscreen import hookimpl
from trialscreen.plugins.types import Indication

# ICD-10 (WHO) codes; SNOMED CT concept ids only where confirmed (the disease-plugin issues complete them).
INDICATION = Indication(
    code="SLE",
    name="Systemic lupus erythematosus",
    icd10=('M32',),
    snomed=('55464009',),
    synonyms=('lupus', 'systemic lupus'),
)


@hookimpl
def trialscreen_indications() -> list[Indication]:
    return [INDICATION]
