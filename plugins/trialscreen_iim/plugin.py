"""Hook implementations of the Idiopathic inflammatory myopathy plugin."""

from __future__ import annotations

from trialscreen import hookimpl
from trialscreen.plugins.types import Indication

# ICD-10 (WHO) codes; SNOMED CT concept ids only where confirmed (the disease-plugin issues complete them).
INDICATION = Indication(
    code="IIM",
    name="Idiopathic inflammatory myopathy",
    icd10=('M33',),
    snomed=(),
    synonyms=('myositis', 'dermatomyositis', 'polymyositis'),
)


@hookimpl
def trialscreen_indications() -> list[Indication]:
    return [INDICATION]
