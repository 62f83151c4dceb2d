"""Hook implementations of the Immune thrombocytopenia plugin."""

from __future__ import annotations

from trialscreen import hookimpl
from trialscreen.plugins.types import Indication

# ICD-10 (WHO) codes; SNOMED CT concept ids only where confirmed (the disease-plugin issues complete them).
INDICATION = Indication(
    code="ITP",
    name="Immune thrombocytopenia",
    icd10=('D69.3',),
    snomed=(),
    synonyms=('immune thrombocytopenic purpura',),
)


@hookimpl
def trialscreen_indications() -> list[Indication]:
    return [INDICATION]
