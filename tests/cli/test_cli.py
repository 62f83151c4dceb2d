"""The CLI end to end: verdict output, exit codes, and one-paragraph errors naming the file and field."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from trialscreen.cli import main

FIXTURES = Path(__file__).parent.parent / "fixtures"
RULESET = str(FIXTURES / "mini-ruleset.yaml")
PATIENT = FIXTURES / "mini-patient.yaml"


def run(*args: str, input: str | None = None):
    return CliRunner().invoke(main, list(args), input=input)


def write_variant(tmp_path: Path, edit) -> str:
    data = yaml.safe_load(PATIENT.read_text())
    edit(data)
    path = tmp_path / "patient.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return str(path)


def test_json_report_has_the_promised_fields():
    result = run("evaluate", str(PATIENT), "--ruleset", RULESET, "--format", "json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["verdict"] == "eligible"
    assert report["ruleset"]["id"] == "mini-fixture" and len(report["ruleset"]["sha256"]) == 64
    crit = {c["id"]: c for c in report["criteria"]}
    assert crit["inc-plt"]["outcome"] == "met"
    assert crit["inc-plt"]["evidence"][0]["value"] == 120.0
    assert crit["inc-plt"]["thresholds"] == ["Platelet count ≥ 50 10^9/L (latest within 28 days)"]
    assert {"id", "kind", "text", "applies", "outcome", "evidence", "missing"} <= set(crit["inc-age"])
    assert report["missing_facts"] == [] and report["review_items"] == []


def test_stdin_and_as_of_override():
    result = run("evaluate", "-", "--ruleset", RULESET, "--format", "json", "--as-of", "2026-11-21",
                 input=PATIENT.read_text())
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["as_of"] == "2026-11-21"


def test_itp_cohort_is_exempt_from_the_platelet_limit(tmp_path):
    def edit(d):
        d["diagnoses"] = [{"indication": "ITP"}]
        d["labs"][0]["value"] = 20

    result = run("evaluate", write_variant(tmp_path, edit), "--ruleset", RULESET, "--format", "json")
    crit = {c["id"]: c for c in json.loads(result.output)["criteria"]}
    assert crit["inc-plt"]["applies"] is False and crit["inc-plt"]["outcome"] == "not_applicable"
    assert json.loads(result.output)["verdict"] == "eligible"


def test_missing_weight_makes_crcl_unknown_not_a_crash(tmp_path):
    def edit(d):
        del d["weight"]
        d["labs"][1]["value"] = 2.0  # 2.0 × ULN: the creatinine branch fails, CrCl would decide

    out = json.loads(run("evaluate", write_variant(tmp_path, edit), "--ruleset", RULESET, "--format", "json").output)
    crit = {c["id"]: c for c in out["criteria"]}
    assert crit["inc-renal"]["outcome"] == "unknown"
    assert "body weight" in crit["inc-renal"]["missing"]
    assert out["verdict"] == "incomplete"
    assert {"fact": "body weight", "criteria": ["inc-renal"]} in out["missing_facts"]


@pytest.mark.parametrize(
    "edit, expected",
    [
        (lambda d: d["labs"][1].update(unit="mg/furlong"), "field 'labs[1].unit'"),
        (lambda d: d["labs"][0].update(value="lots"), "field 'labs[0].value'"),
        (lambda d: d.update(screening={}), "field 'screening.date'"),
        (lambda d: d["labs"][1].update(value=80), "not a plausible Serum creatinine"),
        (lambda d: d["labs"][0].update(test="unobtainium"), "unknown observation test 'unobtainium'"),
        (lambda d: d.update(sex="F"), "field 'sex'"),
        (lambda d: d["diagnoses"][0].update(indication="LUPUS"), "unknown indication code 'LUPUS'"),
        (lambda d: d.update(birth_date="2030-01-01"), "after the screening date"),
    ],
)
def test_bad_patient_input_exits_1_naming_the_field(tmp_path, edit, expected):
    result = run("evaluate", write_variant(tmp_path, edit), "--ruleset", RULESET)
    assert result.exit_code == 1
    assert expected in result.output
    assert "patient.yaml" in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    "content, expected",
    [
        ("id: x\nscreening: {date: 2026-01-01\n", "invalid YAML at line 3"),
        ("[1, 2", "invalid"),
        ("just text", "must be a mapping"),
        ('{"id": "x", "screening": {"date": "2026-01-01"}, "id": 3', "invalid YAML at line"),
        ("id: a\nid: b\nscreening: {date: 2026-01-01}\n", "duplicate key 'id'"),
    ],
)
def test_malformed_patient_files(tmp_path, content, expected):
    path = tmp_path / "p.yaml"
    path.write_text(content)
    result = run("evaluate", str(path), "--ruleset", RULESET)
    assert result.exit_code == 1 and expected in result.output, result.output


def test_json_files_truncated_or_with_duplicate_keys(tmp_path):
    path = tmp_path / "p.json"
    path.write_text('{"id": "x", "screening": {"date": "2026-01-01"}')
    assert "invalid JSON at line 1" in run("evaluate", str(path), "--ruleset", RULESET).output
    path.write_text('{"id": "x", "id": "y", "screening": {"date": "2026-01-01"}}')
    result = run("evaluate", str(path), "--ruleset", RULESET)
    assert result.exit_code == 1 and "duplicate key 'id'" in result.output


def test_non_utf8_and_missing_file(tmp_path):
    path = tmp_path / "p.yaml"
    path.write_bytes(b"\xff\xfe\x00")
    assert "not UTF-8" in run("evaluate", str(path), "--ruleset", RULESET).output
    result = run("evaluate", str(tmp_path / "none.yaml"), "--ruleset", RULESET)
    assert result.exit_code == 1 and "no such file" in result.output


def test_malformed_ruleset_names_line_and_criterion(tmp_path):
    bad = Path(RULESET).read_text().replace('op: ">="', 'op: "=>"', 1)
    path = tmp_path / "rs.yaml"
    path.write_text(bad)
    result = run("evaluate", str(PATIENT), "--ruleset", str(path))
    assert result.exit_code == 1
    assert "criterion 'inc-age'" in result.output and "(line 15)" in result.output and "rs.yaml" in result.output


def test_ruleset_with_unknown_references_is_refused(tmp_path):
    path = tmp_path / "rs.yaml"
    path.write_text(Path(RULESET).read_text().replace("b_cell_depleting", "b_cell_depleters"))
    result = run("rulesets", "validate", str(path))
    assert result.exit_code == 1 and "unknown drug class 'b_cell_depleters'" in result.output


def test_usage_errors_exit_2():
    assert run("evaluate", str(PATIENT)).exit_code == 2
    assert run("evaluate", str(PATIENT), "--ruleset", RULESET, "--as-of", "yesterday").exit_code == 2
    assert run("evaluate", str(PATIENT), "--ruleset", RULESET, "--format", "pdf").exit_code == 2


def test_unknown_ruleset_id():
    result = run("evaluate", str(PATIENT), "--ruleset", "no-such-trial")
    assert result.exit_code == 1 and "no installed ruleset 'no-such-trial'" in result.output


def test_schema_commands_print_json_schema():
    for what, needle in (("patient", "screening"), ("ruleset", "criteria"), ("report", "verdict")):
        result = run("schema", what)
        assert result.exit_code == 0
        assert needle in json.loads(result.output)["properties"]


def test_plugins_list_shows_builtins():
    result = run("plugins", "list")
    assert result.exit_code == 0
    for name in ("core", "sle", "aav", "ssc", "iim", "sjogren", "aps", "itp", "ra"):
        assert f"{name}  (built-in" in result.output
    assert "core.crcl_cockcroft_gault" in result.output


def test_table_and_markdown_render():
    table = run("evaluate", str(PATIENT), "--ruleset", RULESET)
    assert table.exit_code == 0 and "Verdict: ELIGIBLE" in table.output
    md = run("evaluate", str(PATIENT), "--ruleset", RULESET, "--format", "markdown")
    assert "**Verdict: eligible**" in md.output and "| `inc-plt` |" in md.output


@pytest.mark.parametrize(
    "edit, expected",
    [
        (lambda d: d.update(weight="60 stone-ish"), "field 'weight.unit'"),
        (lambda d: d.update(weight="600 kg"), "not a plausible weight"),
        (lambda d: d.update(weight="132 lb"), None),
    ],
)
def test_body_measures_are_normalised_or_refused(tmp_path, edit, expected):
    result = run("evaluate", write_variant(tmp_path, edit), "--ruleset", RULESET, "--format", "json")
    if expected is None:
        assert result.exit_code == 0, result.output
    else:
        assert result.exit_code == 1 and expected in result.output, result.output


def test_yaml_merge_keys_may_be_overridden_but_written_duplicates_are_refused(tmp_path):
    """Regression: `{<<: *base, key: override}` was refused as a duplicate key."""
    from trialscreen.io.files import DocumentError, parse_document

    merged = parse_document("base: &b {p: 1, q: 2}\nitem: {<<: *b, q: 3}\n", "x.yaml")
    assert merged["item"] == {"p": 1, "q": 3}
    with pytest.raises(DocumentError, match="duplicate key 'q'"):
        parse_document("item: {q: 1, q: 3}\n", "x.yaml")
