"""Hook implementations of the Antiphospholipid syndrome plugin: records only; the compute functions are in
`trialscreen_aps.predicates`, the cited clinical rules in `criteria`."""

from __future__ import annotations

from trialscreen import hookimpl
from trialscreen.plugins.types import AssessmentInstrument, Indication, Predicate, QualitativeTest

from trialscreen_aps import predicates as p
from trialscreen_aps.criteria import APS2023_CITATION, SYDNEY2006_CITATION
from trialscreen_aps.items import Aps2023Items, NonCriteriaManifestationsP002, Sydney2006Items

P002 = "Protocol NCT07212322 (CD19 UCAR-T, Institute of Hematology & Blood Diseases Hospital) registry text."

# ICD-10 (WHO 2019): D68.6 "Other thrombophilia" (includes antiphospholipid syndrome and the presence of lupus
# anticoagulant; ICD-10-CM splits it further into D68.61, which is not a WHO code). SNOMED CT: 26843008
# |Antiphospholipid syndrome (disorder)|, confirmed in the NHS/OpenSAFELY-derived APS code set
# (UoM-Data-Science-Platforms/gm-sde shared/clinical-code-sets/conditions/antiphospholipid-syndrome), with the
# primary and secondary APS concepts 239892009 and 239895006 from the same set.
INDICATION = Indication(
    code="APS",
    name="Antiphospholipid syndrome",
    icd10=("D68.6",),
    snomed=("26843008", "239892009", "239895006"),
    synonyms=("antiphospholipid syndrome", "antiphospholipid antibody syndrome", "hughes syndrome"),
)

# The aPL tests as qualitative results (positive / negative / indeterminate, optionally with the titre in
# value/unit): the protocols ask whether they are positive, and GPL/MPL units are not units the unit registry
# knows. No LOINC codes are attached: the presence-type LOINC codes for these tests could not be confirmed (the
# quantitative ones — e.g. 3181-5 Cardiolipin IgG Ab [Units/volume] by immunoassay, 44448-9 Beta 2 glycoprotein 1
# IgG Ab [Units/volume] — describe a number, not a qualitative result, so they are not attached either).
OBSERVATION_TESTS = [
    QualitativeTest(id="lupus_anticoagulant", name="Lupus anticoagulant",
                    aliases=("lupus anticoagulant", "lac")),
    QualitativeTest(id="acl_igg", name="Anticardiolipin antibody IgG",
                    aliases=("anticardiolipin igg", "acl igg", "anti-cardiolipin igg", "acl-igg")),
    QualitativeTest(id="acl_igm", name="Anticardiolipin antibody IgM",
                    aliases=("anticardiolipin igm", "acl igm", "anti-cardiolipin igm", "acl-igm")),
    QualitativeTest(id="ab2gpi_igg", name="Anti-β2 glycoprotein I antibody IgG",
                    aliases=("anti-b2gpi igg", "anti-β2gpi igg", "anti-beta2 glycoprotein i igg", "ab2gpi igg")),
    QualitativeTest(id="ab2gpi_igm", name="Anti-β2 glycoprotein I antibody IgM",
                    aliases=("anti-b2gpi igm", "anti-β2gpi igm", "anti-beta2 glycoprotein i igm", "ab2gpi igm")),
]

INSTRUMENTS = [
    AssessmentInstrument(id=p.ACR_EULAR_2023, name="2023 ACR/EULAR APS classification criteria (items)",
                         items_model=Aps2023Items, citation=APS2023_CITATION),
    AssessmentInstrument(id=p.SYDNEY_2006, name="2006 revised Sapporo (Sydney) APS classification criteria (items)",
                         items_model=Sydney2006Items, citation=SYDNEY2006_CITATION),
    AssessmentInstrument(id=p.NON_CRITERIA, name="APS non-criteria clinical manifestations (NCT07212322)",
                         items_model=NonCriteriaManifestationsP002, citation=P002),
]

PREDICATES = [
    Predicate(id="aps.acr_eular_2023", name="APS classified by the 2023 ACR/EULAR criteria", compute=p.acr_eular_2023,
              parameters={"within": None, "documented_as": list(p.ACR_EULAR_2023_LABELS)}, citation=APS2023_CITATION),
    Predicate(id="aps.sydney_2006", name="APS classified by the 2006 revised Sapporo (Sydney) criteria",
              compute=p.sydney_2006, parameters={"within": None, "documented_as": list(p.SYDNEY_2006_LABELS)},
              citation=SYDNEY2006_CITATION),
    Predicate(id="aps.apl_persistent", name="Antiphospholipid antibody positive on two occasions >12 weeks apart",
              compute=p.apl_persistent,
              parameters={"tests": list(p.APL_TESTS), "min_days_apart": 84, "strict": True},
              citation=f"{P002} {SYDNEY2006_CITATION}"),
    Predicate(id="aps.non_criteria_manifestation_p002", name="At least one non-criteria APS manifestation (NCT07212322)",
              compute=p.non_criteria_manifestation_p002, parameters={"within": None}, citation=P002),
    Predicate(id="aps.catastrophic_within", name="Catastrophic APS within N months before screening",
              compute=p.catastrophic_within, parameters={"months": 3}, citation=P002),
]


@hookimpl
def trialscreen_indications() -> list[Indication]:
    return [INDICATION]


@hookimpl
def trialscreen_observation_tests() -> list[QualitativeTest]:
    return OBSERVATION_TESTS


@hookimpl
def trialscreen_assessment_instruments() -> list[AssessmentInstrument]:
    return INSTRUMENTS


@hookimpl
def trialscreen_predicates() -> list[Predicate]:
    return PREDICATES
