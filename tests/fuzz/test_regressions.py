"""One test per bug the bad-input fuzz run found, named after what it caught. Each failed (crash, hang, silent
acceptance or a message without a location) before its fix."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from trialscreen.api import compiled_ruleset, evaluate, normalise_patient
from trialscreen.cli import main
from trialscreen.errors import ArgumentError, PatientInputError, RulesetError
from trialscreen.io.files import MAX_DEPTH, MAX_VALUES, DocumentError, parse_document
from trialscreen.plugins.manager import default_manager

FIXTURES = Path(__file__).parent.parent / "fixtures"
PATIENT = FIXTURES / "mini-patient.yaml"
RULESET = FIXTURES / "mini-ruleset.yaml"


@pytest.fixture(scope="module")
def plugins():
    return default_manager()


def patient_variant(tmp_path: Path, edit, *, name: str = "patient.yaml") -> Path:
    data = yaml.safe_load(PATIENT.read_text())
    edit(data)
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def ruleset_text_variant(tmp_path: Path, old: str, new: str) -> Path:
    text = RULESET.read_text()
    assert old in text
    path = tmp_path / "ruleset.yaml"
    path.write_text(text.replace(old, new, 1))
    return path


def patient_error(path: Path, plugins) -> str:
    with pytest.raises(PatientInputError) as caught:
        normalise_patient(str(path), plugins)
    message = str(caught.value)
    assert str(path) in message
    return message


def ruleset_error(path: Path, plugins) -> str:
    with pytest.raises(RulesetError) as caught:
        compiled_ruleset(str(path), plugins)
    message = str(caught.value)
    assert str(path) in message
    return message


def document_error(text: str, name: str = "x.yaml") -> str:
    with pytest.raises(DocumentError) as caught:
        parse_document(text, name)
    return str(caught.value)


# -- reading documents -------------------------------------------------------------------------------------------


def test_yaml_nested_100000_deep_is_refused_instead_of_crashing_the_process():
    # libyaml's composer recursed in C once per level: a segmentation fault, so run it in a child process
    code = ("from trialscreen.io.files import parse_document, DocumentError\n"
            "try:\n    parse_document('x: ' + '[' * 100000 + ']' * 100000, 'x.yaml')\n"
            "except DocumentError as e:\n    print(e)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert f"nested more than {MAX_DEPTH} levels deep" in done.stdout and "line 1" in done.stdout


@pytest.mark.parametrize("text", [
    "x: " + "[" * 20000 + "]" * 20000,  # took 4 s, quadratic in the depth
    "x: " + "{a: " * 5000 + "1" + "}" * 5000,
    "x:\n  " + "- " * 5000 + "1",
])
def test_deep_yaml_is_refused_at_the_first_level_too_many(text):
    start = time.process_time()
    message = document_error(text)
    assert f"nested more than {MAX_DEPTH} levels deep" in message and "line" in message
    assert time.process_time() - start < 1.0


def test_yaml_nesting_at_the_limit_is_still_read():
    data = parse_document("x: " + "[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1), "x.yaml")
    assert isinstance(data["x"], list)


def test_billion_laughs_alias_bomb_is_refused_quickly():
    # before: 160 s to walk 10^8 shared references, and every later step would have walked them again
    lines = ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 9)]
    start = time.process_time()
    message = document_error("\n".join(lines))
    assert f"more than {MAX_VALUES:,} values once its YAML aliases are followed" in message
    assert time.process_time() - start < 5.0


def test_merge_key_bomb_is_refused_quickly():
    lines = ["m0: &m0 {k0: 1, k1: 2, k2: 3, k3: 4, k4: 5, k5: 6, k6: 7, k7: 8, k8: 9, k9: 10}"]
    lines += [f"m{i}: &m{i} {{<<: [" + ", ".join([f"*m{i - 1}"] * 10) + f"], z{i}: 0}}" for i in range(1, 12)]
    start = time.process_time()
    message = document_error("\n".join(lines))
    assert "more than 10,000 keys (after merge keys)" in message and "line" in message
    assert time.process_time() - start < 5.0


def test_anchors_and_merge_keys_within_bounds_still_work():
    data = parse_document("base: &b {p: 1, q: 2}\nitem: {<<: *b, q: 3}\nlist: [*b, *b]\n", "x.yaml")
    assert data["item"] == {"p": 1, "q": 3} and data["list"] == [{"p": 1, "q": 2}] * 2


@pytest.mark.parametrize("text, name", [("x: " + "9" * 5000, "x.yaml"), ('{"x": ' + "9" * 5000 + "}", "x.json")])
def test_integer_of_5000_digits_is_an_input_error_not_a_crash(text, name):
    # before: ValueError "Exceeds the limit (4300 digits) for integer string conversion" escaped as a traceback
    message = document_error(text, name)
    assert "more than 4,300 digits" in message and "line 1" in message


@pytest.mark.parametrize("text", ["x: !!int 0x" + "f" * 4000 + "\n", "x: 0b" + "1" * 15000 + "\n",
                                  "x: !!int 0o" + "7" * 5000 + "\n"])
def test_hex_octal_binary_integer_beyond_4300_digits_is_an_input_error_not_a_crash(text):
    # before (fuzz seed 3, case 469): a 4,000-digit hex integer was read, and the patient digest's json.dumps
    # raised "Exceeds the limit (4300 digits) for integer string conversion" as a traceback
    message = document_error(text)
    assert "more than 4,300 digits" in message and "line 1" in message


@pytest.mark.parametrize("text", ["date: 2026-02-30\n", "date: !!timestamp 2026-02-30\n", "x: !!int 0xzz\n"])
def test_impossible_yaml_scalar_is_an_input_error_with_its_line(text):
    # before: "day is out of range for month" escaped from PyYAML's timestamp constructor as a traceback
    message = document_error("a: 1\n" + text)
    assert "line 2" in message


def test_control_character_error_names_its_line():
    # before: "invalid YAML: unacceptable character #x0001" without saying where
    message = document_error("a: 1\nb: 2\nc: x\x01y\n")
    assert "line 3" in message and "control characters are not allowed" in message


def test_duplicate_json_key_error_names_the_line_of_its_object():
    # before: "duplicate key 'date': a value would be lost", with no line
    text = '{"id": "x",\n "screening":\n  {"date": "2026-01-01", "date": "2026-01-02"}}'
    message = document_error(text, "x.json")
    assert "duplicate key 'date'" in message and "line 3" in message


@pytest.mark.parametrize("text, name, field", [
    ("a: {b: [1, .nan]}\n", "x.yaml", "a.b[1]"),
    ("a: 1.0e+309\n", "x.yaml", "a"),
    ('{"a": {"b": NaN}}', "x.json", "a.b"),
    ('{"a": [1e400]}', "x.json", "a[0]"),
])
def test_nan_and_infinity_are_refused_anywhere_naming_the_field(text, name, field):
    # before: NaN in free-form data (event details, plugin parameters) reached plugins and reports
    assert f"field '{field}'" in document_error(text, name)


def test_huge_values_in_messages_are_cut_short(tmp_path, plugins):
    path = patient_variant(tmp_path, lambda d: d.update(sex="x" * 1_000_000))
    message = patient_error(path, plugins)
    assert "field 'sex'" in message and len(message) < 2000


def test_long_unit_text_is_refused_without_parsing_it(tmp_path, plugins):
    # before: a 1,000,000-character unit took ~6 s of CPU in pint's parser
    path = patient_variant(tmp_path, lambda d: d["labs"][0].update(unit="m" * 1_000_000))
    start = time.process_time()
    message = patient_error(path, plugins)
    assert "field 'labs[0].unit'" in message and "longer than 40 characters" in message
    assert time.process_time() - start < 2.0


# -- patient records ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("edit, field", [
    (lambda d: d["labs"][1].update(ref_high=float("nan")), "labs[1].ref_high"),  # was evaluated: verdict eligible
    (lambda d: d.update(assessments=[{"instrument": "sle.sledai2k", "date": "2026-11-01", "total": float("inf")}]),
     "assessments[0].total"),
])
def test_nan_and_infinity_in_patient_numbers_are_refused(tmp_path, plugins, edit, field):
    assert f"field '{field}'" in patient_error(patient_variant(tmp_path, edit), plugins)


def test_nan_in_a_patient_dict_is_refused_by_the_model(plugins):
    data = yaml.safe_load(PATIENT.read_text())
    data["labs"][0]["value"] = float("nan")
    with pytest.raises(PatientInputError, match=r"field 'labs\[0\]\.value'"):
        normalise_patient(data, plugins)


@pytest.mark.parametrize("ref, shown", [
    ({"ref_low": None, "ref_high": -1}, "ref_high"),  # a negative limit
    ({"ref_low": None, "ref_high": 38_900_000_000}, "ref_high"),  # was: 1.2 mg/dL = 0.000000003 x ULN, "met"
])
def test_impossible_reference_limits_are_refused(tmp_path, plugins, ref, shown):
    def edit(d):
        d["labs"][1].pop("ref_low")
        d["labs"][1].update({k: v for k, v in ref.items() if v is not None})

    message = patient_error(patient_variant(tmp_path, edit), plugins)
    assert f"field 'labs[1].{shown}'" in message and "not a plausible reference limit of Serum creatinine" in message


@pytest.mark.parametrize("edit, field", [
    (lambda d: d["labs"][0].update(date="1980-01-01"), "labs[0].date"),  # was accepted: verdict incomplete
    (lambda d: d["medications"]["items"][0].update(start_date="1989-01-01"), "medications.items[0].start_date"),
    (lambda d: d.update(consent={"signed": True, "date": "1985-01-01"}), "consent.date"),
    (lambda d: d.update(diagnoses=[{"indication": "SLE", "onset_date": "1970-01-01"}]), "diagnoses[0].onset_date"),
])
def test_dates_before_birth_are_refused(tmp_path, plugins, edit, field):
    message = patient_error(patient_variant(tmp_path, edit), plugins)
    assert f"field '{field}'" in message and "is before the birth date 1990-05-01" in message


def test_dates_before_the_earliest_birth_an_age_allows_are_refused(tmp_path, plugins):
    def edit(d):
        del d["birth_date"]
        d["age_years"] = 30  # screened 2026-11-20: born 1995-11-21 at the earliest
        d["labs"][0]["date"] = "1995-11-20"

    message = patient_error(patient_variant(tmp_path, edit), plugins)
    assert "field 'labs[0].date': 1995-11-20 is before the earliest birth date age_years 30 allows (1995-11-21)" in message


@pytest.mark.parametrize("edit, field", [
    (lambda d: (d.pop("birth_date"), d["screening"].update(date="0001-01-01")), "screening.date"),  # "year 0 is out of range"
    (lambda d: d["medications"]["items"][0].update(start_date="9999-12-31", end_date="9999-12-31"),
     "medications.items[0].start_date"),  # "year 10000 is out of range" in the washout lapse date
    (lambda d: d["labs"][0].update(date="1066-10-14"), "labs[0].date"),
    (lambda d: d["labs"][0].update(date="2999-01-01"), "labs[0].date"),
])
def test_dates_outside_1900_to_2199_are_refused(tmp_path, plugins, edit, field):
    message = patient_error(patient_variant(tmp_path, edit), plugins)
    assert f"field '{field}'" in message and "outside the dates a record can hold" in message


@pytest.mark.parametrize("birth, expected", [
    ("1905-11-20", "field 'birth_date' (line 5): Value error, 1905-11-20 makes the patient older than 120"),  # was accepted
    ("2030-01-01", "field 'birth_date' (line 5): Value error, 2030-01-01 is after the screening date"),  # was '(document)'
])
def test_impossible_birth_dates_are_refused_naming_the_field(tmp_path, plugins, birth, expected):
    assert expected in patient_error(patient_variant(tmp_path, lambda d: d.update(birth_date=birth)), plugins)


def test_a_birth_date_giving_exactly_120_years_is_accepted(tmp_path, plugins):
    record = normalise_patient(str(patient_variant(tmp_path, lambda d: d.update(birth_date="1906-11-20"))), plugins)
    assert record.patient.birth_date.year == 1906


def test_as_of_outside_the_calendar_range_is_a_usage_error():
    result = CliRunner().invoke(main, ["evaluate", str(PATIENT), "--ruleset", str(RULESET), "--as-of", "0001-01-02"])
    assert result.exit_code == 2 and "outside the dates a record can hold" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


@pytest.mark.parametrize("as_of, expected", [
    (dt.date(1, 1, 2), "as_of 0001-01-02 is outside the dates a record can hold"),
    (dt.date(9999, 12, 31), "outside the dates a record can hold"),
    (dt.datetime(2026, 11, 20, 9, 30), "as_of must be a datetime.date, not datetime"),
    ("2026-11-20", "as_of must be a datetime.date, not str"),
])
def test_api_as_of_outside_the_calendar_range_or_not_a_date_is_an_argument_error(plugins, as_of, expected):
    # before: the CLI checked --as-of but trialscreen.api.evaluate(as_of=date(1, 1, 2)) raised "year 0 is out of
    # range" from the window arithmetic, and a datetime or a string failed in a comparison deep in the engine
    with pytest.raises(ArgumentError) as caught:
        evaluate(str(PATIENT), str(RULESET), as_of=as_of, plugins=plugins)
    assert expected in str(caught.value)


def test_api_as_of_before_the_birth_date_is_an_argument_error(tmp_path, plugins):
    path = patient_variant(tmp_path, lambda d: d.update(birth_date="1990-05-01"))
    with pytest.raises(ArgumentError, match="as_of 1990-04-30 is before the patient's birth date 1990-05-01"):
        evaluate(str(path), str(RULESET), as_of=dt.date(1990, 4, 30), plugins=plugins)
    assert evaluate(str(path), str(RULESET), as_of=dt.date(1990, 5, 1), plugins=plugins).as_of == dt.date(1990, 5, 1)


def test_contradictory_same_day_results_are_refused(tmp_path, plugins):
    def edit(d):
        d["labs"].append(dict(d["labs"][0], value=12))  # platelets 120 and 12 on the same day: which one counts?
        d["serologies"] = [{"test": "hbsag", "result": "negative", "date": "2026-11-01"},
                           {"test": "hbsag", "result": "positive", "date": "2026-11-01"}]

    message = patient_error(patient_variant(tmp_path, edit), plugins)
    assert "field 'labs[2]': a second, different Platelet count result on 2026-11-10 (12.0 vs 120.0 10^9/L)" in message
    assert "field 'serologies[1]': a second, different" in message and "('positive' vs 'negative')" in message


def test_the_same_result_given_twice_is_accepted(tmp_path, plugins):
    def edit(d):
        d["labs"].append(dict(d["labs"][0], unit="/uL", value=120_000))  # the same count in another unit

    record = normalise_patient(str(patient_variant(tmp_path, edit)), plugins)
    assert [o.value for o in record.observations["platelets"]] == [120.0, 120.0]


@pytest.mark.parametrize("edit, message", [
    (lambda d: d.update(history={"reviewed": "all", "events": [
        {"category": "malignancy", "date": "2020-01-01", "end_date": "2019-01-01"}]}), "end_date 2019-01-01 is before date"),
    (lambda d: d["medications"]["items"][0].update(last_dose_date="2025-12-31"), "last_dose_date 2025-12-31 is before"),
    (lambda d: d.update(reproductive={"postmenopausal_months": 10**30}), "field 'reproductive.postmenopausal_months'"),
])
def test_impossible_spans_are_refused(tmp_path, plugins, edit, message):
    assert message in patient_error(patient_variant(tmp_path, edit), plugins)


# -- rulesets ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("value, expected", [
    (".nan", "nan is not a number (NaN and infinity are refused)"),  # was compiled: comparisons false, "ineligible"
    ("1.0e+309", "inf is not a number (NaN and infinity are refused)"),
    ("9" * 400, "the number is too large for a threshold"),  # OverflowError: int too large to convert to float
    ("1000000000000000000000000000000", "write the threshold without an exponent"),  # durable-rules error 204,
    # reported without the file or criterion
])
def test_unusable_thresholds_are_refused_naming_the_field(tmp_path, plugins, value, expected):
    path = ruleset_text_variant(tmp_path, "op: \">=\", value: 50,", f"op: \">=\", value: {value},")
    message = ruleset_error(path, plugins)
    assert "field 'criteria[1].condition.value' (line 21)" in message and expected in message


def test_a_threshold_in_a_dict_is_refused_by_the_model():
    from pydantic import ValidationError

    from trialscreen.rules.model import Compare

    with pytest.raises(ValidationError, match="is not a number a threshold can be"):
        Compare(fact="lab.platelets", op=">=", value=float("nan"))


@pytest.mark.parametrize("window", ["{days: 1000000000}", "{years: 151}", "{months: -1}"])
def test_windows_beyond_150_years_or_negative_are_refused(tmp_path, plugins, window):
    # before: `within: {days: 1000000000}` in plugin parameters was accepted (verdict eligible) and a window of
    # 100,000 years made date arithmetic leave the calendar
    path = ruleset_text_variant(tmp_path, "params: {within: {days: 28}}", f"params: {{within: {window}}}")
    assert "bad 'within' window" in ruleset_error(path, plugins)
    path = ruleset_text_variant(tmp_path, "observation_window: {days: 28}", f"observation_window: {window}")
    assert "field 'observation_window." in ruleset_error(path, plugins)


@pytest.mark.parametrize("params, expected", [
    ("{classes: 3}", "parameter 'classes' must be a list of names"),  # TypeError: 'int' object is not iterable
    ("{names: [{a: 1}]}", "parameter 'names' must be a list of names"),  # TypeError: unhashable type
    ("{within: soon}", "parameter 'within' must be a window"),
])
def test_conventional_plugin_parameters_must_have_their_shape(tmp_path, plugins, params, expected):
    path = ruleset_text_variant(tmp_path, "params: {within: {days: 28}}", f"params: {params}")
    message = ruleset_error(path, plugins)
    assert "field 'criteria[2].condition.any[1].params'" in message and expected in message


_REFRACTORY = "{predicate: {id: sle.refractory_p003, params: %s}}"


@pytest.mark.parametrize("condition, expected", [
    # before: checked by name only; the plugin failed at evaluation and the criterion was reported unknown
    ("{fact: core.crcl_cockcroft_gault, op: '>=', value: 40, unit: mL/min, params: {weight: 3}}",
     "core.crcl_cockcroft_gault: parameter 'weight' must be text like its default 'actual', not number 3"),
    (_REFRACTORY % "{min_listed_agents: two}",
     "sle.refractory_p003: parameter 'min_listed_agents' must be number like its default 2, not text 'two'"),
    (_REFRACTORY % "{gc_months: true}", "parameter 'gc_months' must be number like its default 3, not true/false"),
    (_REFRACTORY % "{gc_months: -3}", "parameter 'gc_months' must not be negative"),
    (_REFRACTORY % "{intolerance: [review]}", "parameter 'intolerance' must be text like its default 'review'"),
    ("{predicate: {id: itp.prior_treatment_failure_p002, params: {reassessment_within: soon}}}",
     "bad 'reassessment_within' window"),
])
def test_plugin_parameters_must_have_the_type_of_their_default(tmp_path, plugins, condition, expected):
    path = ruleset_text_variant(tmp_path, "condition: {judgement: other_unsuitability}", f"condition: {condition}")
    message = ruleset_error(path, plugins)
    assert "criterion 'exc-other'" in message and expected in message


def test_plugin_parameters_of_their_default_type_or_null_compile(tmp_path, plugins):
    params = "{gc_months: 6, gc_min_mg_per_kg_per_day: 1, other_min_months: null, intolerance: review}"
    path = ruleset_text_variant(tmp_path, "condition: {judgement: other_unsuitability}",
                                f"condition: {_REFRACTORY % params}")
    assert compiled_ruleset(str(path), plugins).ruleset.id == "mini-fixture"


def test_duplicate_cohort_ids_and_thousands_of_cohorts_are_refused(tmp_path, plugins):
    # before: 10,000 copies of one cohort were accepted and every evaluation took minutes (quadratic in cohorts)
    path = ruleset_text_variant(tmp_path, "  - {id: itp, indication: ITP, title: ITP}",
                                "  - {id: itp, indication: ITP, title: ITP}\n  - {id: itp, indication: ITP, title: again}")
    assert "cohort id 'itp' is used twice" in ruleset_error(path, plugins)
    many = "\n".join(f"  - {{id: c{i}, indication: SLE, title: SLE {i}}}" for i in range(101))
    path = ruleset_text_variant(tmp_path, "  - {id: itp, indication: ITP, title: ITP}", many)
    assert "field 'cohorts' (line 6): List should have at most 100 items" in ruleset_error(path, plugins)


def test_unit_on_a_unitless_plugin_value_is_refused(tmp_path, plugins):
    text = (FIXTURES / "rulesets" / "ra-predicates.yaml").read_text()
    old = "{fact: ra.das28_esr, op: \">\", value: 3.2}"
    assert old in text
    path = tmp_path / "ra.yaml"
    path.write_text(text.replace(old, "{fact: ra.das28_esr, op: \">\", value: 3.2, unit: bananas/L}"))
    ruleset_error(path, plugins)


def test_screen_skips_a_record_that_is_not_a_mapping(tmp_path):
    records = tmp_path / "records.jsonl"
    records.write_text('[1, 2]\nnull\n"text"\n')
    result = CliRunner().invoke(main, ["screen", str(records), "--ruleset", str(RULESET)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "records.jsonl:1" in result.stderr and "must be a mapping" in result.stderr


# -- no code from input, ever --------------------------------------------------------------------------------


@pytest.mark.parametrize("tag", [
    "!!python/object/apply:os.system ['touch {canary}']",
    "!!python/object/new:subprocess.Popen [['touch', '{canary}']]",
    "!!python/name:os.system",
    "!<tag:yaml.org,2002:python/object/apply:os.system> ['touch {canary}']",
])
def test_python_tags_are_refused_and_run_nothing(tmp_path, tag):
    canary = tmp_path / "canary"
    path = tmp_path / "p.yaml"
    path.write_text(f"id: {tag.format(canary=canary)}\nscreening: {{date: 2026-01-01}}\n")
    result = CliRunner().invoke(main, ["evaluate", str(path), "--ruleset", str(RULESET)])
    assert result.exit_code == 1 and "could not determine a constructor for the tag" in result.stderr
    assert str(path) in result.stderr and "line 1" in result.stderr
    assert not canary.exists()


def test_fuzz_case_reports_are_json(tmp_path):
    """The worker answers one JSON object per case (what the stress script aggregates)."""
    from tests.fuzz.worker import Worker

    worker = Worker(seed=7, workdir=tmp_path, cli_every=0, soft_seconds=30)
    out = worker.run(3)
    assert json.loads(json.dumps(out))["index"] == 3 and out["problem"] is None
