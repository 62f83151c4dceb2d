"""Hook implementations of the Antiphospholipid syndrome plugin."""

from __future__ import annotations

from trialscreen import hookimpl
from trialscreen.plugins.types import Indication

# ICD-10 (WHO) codes; SNOMED CT concept ids only where confirmed (the disease-plugin issues complete them).
INDICATION = Indication(
    code="APS",
    name="Antiphospholipid syndrome",
    icd10=('D68.6',),
    snomed=(),
    synonyms=('antiphospholipid syndrome',),
)


@hookimpl
def trialscreen_indications() -> list[Indication]:
    return [INDICATION]
