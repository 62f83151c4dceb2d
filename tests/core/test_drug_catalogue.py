"""Tests for the drug catalogue (plugins/trialscreen_core/data/drugs.yaml + drug_catalogue.py)."""

import importlib.util
import pathlib
import sys

_PLUGINS = pathlib.Path(__file__).resolve().parents[2] / "plugins"
try:
    from trialscreen_core import drug_catalogue as dc
except ImportError:
    sys.path.insert(0, str(_PLUGINS))
    try:
        from trialscreen_core import drug_catalogue as dc
    except ImportError:  # package __init__ needs trialscreen installed: load the module file on its own
        _spec = importlib.util.spec_from_file_location(
            "trialscreen_core_drug_catalogue", _PLUGINS / "trialscreen_core" / "drug_catalogue.py"
        )
        dc = importlib.util.module_from_spec(_spec)
        sys.modules[_spec.name] = dc
        _spec.loader.exec_module(dc)

import pytest

DrugCatalogue = dc.DrugCatalogue


@pytest.fixture(scope="module")
def cat():
    return DrugCatalogue.load()


# --- lookup ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        ("Rituxan", "rituximab"),
        ("MabThera", "rituximab"),
        ("  RITUXIMAB ", "rituximab"),
        ("Beliumab", "belimumab"),  # protocol zju-children-sle-cart's spelling
        ("Benlysta", "belimumab"),
        ("cyclosporin", "ciclosporin"),
        ("cyclosporine", "ciclosporin"),
        ("MMF", "mycophenolate mofetil"),
        ("6-MP", "mercaptopurine"),
        ("6 mercaptopurine", "mercaptopurine"),
        ("solu medrol", "methylprednisolone"),
        ("Solu-Medrol", "methylprednisolone"),
        ("certolizumab-pegol", "certolizumab pegol"),
        ("CNCT19", "inaticabtagene autoleucel"),
        ("IVIg", "intravenous immunoglobulin"),
        ("Zostavax", "zoster vaccine live"),
        ("Bacille Calmette-Guérin", "bcg vaccine"),
    ],
)
def test_lookup_by_name_brand_abbreviation_and_misspelling(cat, term, expected):
    drug = cat.lookup(term)
    assert drug is not None, term
    assert drug.name == expected


@pytest.mark.parametrize("term", ["mertiomate", "tetracycline", "not-a-drug", "", "   ", "Shingrix", "zoster vaccine"])
def test_unknown_or_deliberately_absent_terms_give_none(cat, term):
    assert cat.lookup(term) is None
    assert cat.has_class(term, "live_vaccine") is None


# --- protocol-critical class membership -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("drug", "class_id"),
    [
        ("rituximab", "anti_cd20"),
        ("rituximab", "b_cell_depleting"),
        ("rituximab", "bdmard"),
        ("telitacicept", "baff_april_inhibitor"),
        ("belimumab", "baff_april_inhibitor"),
        ("belimumab", "bdmard"),
        ("eltrombopag", "tpo_ra"),
        ("romiplostim", "tpo_ra"),
        ("rhTPO", "tpo"),
        ("daratumumab", "anti_cd38"),
        ("teclistamab", "anti_bcma"),
        ("teclistamab", "bispecific_antibody"),
        ("tofacitinib", "jak_inhibitor"),
        ("tofacitinib", "tsdmard"),
        ("inebilizumab", "cd19_targeted"),
        ("inebilizumab", "b_cell_depleting"),
        ("blinatumomab", "cd19_targeted"),
        ("tafasitamab", "b_cell_depleting"),
        ("tisagenlecleucel", "car_t"),
        ("CNCT19", "cd19_targeted"),
        ("adalimumab", "anti_tnf"),
        ("tacrolimus", "calcineurin_inhibitor"),
        ("MMR", "live_vaccine"),
        ("fostamatinib", "platelet_boosting"),
        ("prednisone", "glucocorticoid"),
    ],
)
def test_protocol_critical_class_membership(cat, drug, class_id):
    assert cat.has_class(drug, class_id) is True


@pytest.mark.parametrize(
    ("drug", "class_id"),
    [
        ("belimumab", "b_cell_depleting"),  # BAFF blockade is not depletion
        ("telitacicept", "b_cell_depleting"),
        ("daratumumab", "b_cell_depleting"),  # plasma-cell directed
        ("teclistamab", "b_cell_depleting"),
        ("obexelimab", "b_cell_depleting"),  # CD19 but non-depleting
        ("eltrombopag", "tpo"),
        ("hydroxychloroquine", "conventional_immunosuppressant"),
        ("subcutaneous immunoglobulin", "ivig"),
        ("rituximab", "cd19_targeted"),
        ("tofacitinib", "bdmard"),
    ],
)
def test_classes_that_must_not_be_assigned(cat, drug, class_id):
    assert cat.has_class(drug, class_id) is False


def test_tofacitinib_half_life_and_jak_half_lives(cat):
    assert cat.lookup("Xeljanz").half_life_hours == pytest.approx(3.2)
    assert cat.lookup("upadacitinib").half_life_hours == pytest.approx(14)
    assert cat.lookup("filgotinib").half_life_hours == pytest.approx(19)
    assert cat.lookup("baricitinib").half_life_hours == pytest.approx(12.5)
    # half-lives are recorded only for JAK inhibitors
    assert all(d.half_life_hours is None for d in cat.drugs if "jak_inhibitor" not in d.classes)


def test_mechanisms_distinguish_and_group(cat):
    assert cat.lookup("adalimumab").mechanism == cat.lookup("etanercept").mechanism == "TNF"
    assert cat.lookup("tocilizumab").mechanism == "IL6R"
    assert cat.lookup("abatacept").mechanism == "CD80_86"
    assert len({cat.lookup(n).mechanism for n in ["adalimumab", "tocilizumab", "abatacept", "rituximab"]}) == 4


def test_members(cat):
    anti_cd20 = {d.name for d in cat.members("anti_cd20")}
    assert {"rituximab", "obinutuzumab", "ofatumumab", "ocrelizumab"} <= anti_cd20
    assert "belimumab" not in anti_cd20
    jak = {d.name for d in cat.members("jak_inhibitor")}
    assert jak == {"tofacitinib", "baricitinib", "upadacitinib", "filgotinib", "peficitinib"}
    assert all(isinstance(d, dc.Drug) for d in cat.members("live_vaccine"))


def test_undefined_class_id_is_an_error_not_an_empty_match(cat):
    with pytest.raises(KeyError, match="anti_cd2O"):
        cat.members("anti_cd2O")
    with pytest.raises(KeyError):
        cat.has_class("rituximab", "no_such_class")


# --- catalogue integrity --------------------------------------------------------------------------------------


def test_every_drug_class_exists_and_every_class_is_used(cat):
    used = set()
    for drug in cat.drugs:
        assert drug.classes, drug.name
        for class_id in drug.classes:
            assert class_id in cat.classes, (drug.name, class_id)
        used.update(drug.classes)
    assert used == set(cat.classes)


def test_catalogue_size_and_required_classes(cat):
    required = {
        "glucocorticoid", "antimalarial", "conventional_immunosuppressant", "csdmard", "bdmard", "tsdmard",
        "jak_inhibitor", "b_cell_depleting", "anti_cd20", "anti_cd22", "anti_cd52", "anti_cd38", "anti_bcma",
        "bispecific_antibody", "baff_april_inhibitor", "ivig", "tpo", "tpo_ra", "platelet_boosting", "g_csf",
        "cd19_targeted", "car_t", "gene_therapy", "cell_therapy", "live_vaccine", "anti_tnf",
        "calcineurin_inhibitor", "alkylating_agent", "antimetabolite", "mtor_inhibitor", "complement_inhibitor",
        "anticoagulant", "investigational",
    }
    assert required <= set(cat.classes)
    assert len(cat) >= 100


def test_names_are_lowercase_and_every_term_resolves_to_its_drug(cat):
    for drug in cat.drugs:
        assert drug.name == drug.name.lower().strip()
        for term in (drug.name, *drug.synonyms):
            assert cat.lookup(term) is drug, term


def test_models_are_frozen(cat):
    with pytest.raises(Exception):
        cat.lookup("rituximab").classes = ("bdmard",)
    with pytest.raises(TypeError):
        cat.classes["new"] = None


# --- bad catalogues -------------------------------------------------------------------------------------------

_GOOD_CLASSES = """
classes:
  anti_cd20: {label: Anti-CD20, description: CD20 antibodies}
  bdmard: {label: bDMARD, description: biologic DMARDs}
"""


def _write(tmp_path, text):
    path = tmp_path / "drugs.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_minimal_catalogue_loads(tmp_path):
    path = _write(
        tmp_path,
        _GOOD_CLASSES + "drugs:\n  - {name: rituximab, classes: [anti_cd20, bdmard], synonyms: [Rituxan]}\n",
    )
    cat = DrugCatalogue.load(path)
    assert cat.lookup("rituxan").name == "rituximab"
    assert cat.lookup("rituxan").mechanism is None


def test_undefined_class_is_rejected(tmp_path):
    path = _write(tmp_path, _GOOD_CLASSES + "drugs:\n  - {name: rituximab, classes: [anti_cd20, anti_cd99]}\n")
    with pytest.raises(ValueError, match=r"(?s)drugs\.yaml.*rituximab.*anti_cd99"):
        DrugCatalogue.load(path)


def test_synonym_shared_by_two_drugs_is_rejected(tmp_path):
    path = _write(
        tmp_path,
        _GOOD_CLASSES
        + "drugs:\n"
        + "  - {name: rituximab, classes: [anti_cd20], synonyms: [Rituxan, CD20-mab]}\n"
        + "  - {name: ocrelizumab, classes: [anti_cd20], synonyms: [Ocrevus, 'cd20 mab']}\n",
    )
    with pytest.raises(ValueError) as info:
        DrugCatalogue.load(path)
    message = str(info.value)
    assert "rituximab" in message and "ocrelizumab" in message and "drugs.yaml" in message


def test_duplicate_drug_name_is_rejected(tmp_path):
    path = _write(
        tmp_path,
        _GOOD_CLASSES + "drugs:\n  - {name: rituximab, classes: [anti_cd20]}\n  - {name: rituximab, classes: [bdmard]}\n",
    )
    with pytest.raises(ValueError, match="duplicate drug name 'rituximab'"):
        DrugCatalogue.load(path)


@pytest.mark.parametrize(
    "entry",
    [
        "{name: rituximab, classes: [anti_cd20], half_life: 3}",  # misspelt field
        "{name: Rituximab, classes: [anti_cd20]}",  # not lowercase
        "{name: rituximab, classes: []}",  # no class
        "{name: rituximab, classes: [anti_cd20], atc: L01-FA01}",  # malformed ATC
        "{name: rituximab, classes: [anti_cd20], half_life_hours: -1}",
    ],
)
def test_invalid_drug_fields_are_rejected_naming_file_and_drug(tmp_path, entry):
    path = _write(tmp_path, _GOOD_CLASSES + f"drugs:\n  - {entry}\n")
    with pytest.raises(ValueError, match=r"(?is)drugs\.yaml.*rituximab"):
        DrugCatalogue.load(path)


def test_malformed_top_level_is_rejected(tmp_path):
    with pytest.raises(ValueError, match="drugs.yaml"):
        DrugCatalogue.load(_write(tmp_path, "- just\n- a list\n"))
