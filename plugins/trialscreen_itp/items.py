"""Item-level answers for the ITP reassessment the refractoriness definitions need besides the medication
history: whether the ITP diagnosis was reconfirmed, the response to splenectomy, and the need for treatment.

Every answer is ``bool | None`` (yes / no / not assessed). Sources: Rodeghiero F, Stasi R, Gernsheimer T, et al.
Standardization of terminology, definitions and outcome criteria in immune thrombocytopenic purpura of adults
and children: report from an international working group. Blood 2009;113:2386-93 (refractory ITP); protocol
NCT07212322 registry text ("with confirmed ITP diagnosis upon recent reassessment").
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

Answer = bool | None


class ItpReassessment(BaseModel):
    """A dated ITP reassessment (``assessments: [{instrument: itp.reassessment, date, items}]``)."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    itp_reconfirmed: Answer = Field(None, description="ITP diagnosis confirmed at this reassessment (other causes of "
                                                      "thrombocytopenia excluded).")
    splenectomy_performed: Answer = Field(None, description="Splenectomy performed (a history event of category "
                                                            "splenectomy also shows it).")
    no_response_or_relapse_after_splenectomy: Answer = Field(
        None, description="No response (R or CR) after splenectomy, or relapse after it (IWG 2009).")
    needs_treatment_to_minimise_bleeding_risk: Answer = Field(
        None, description="Treatment needed to minimise the risk of clinically significant bleeding (IWG 2009).")
