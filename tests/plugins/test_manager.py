"""The plugin manager: typed getters, conflicts, contract violations, failing plugins, and discovery of a real
(fake) third-party distribution through the ``trialscreen.plugins`` entry-point group."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import trialscreen
from trialscreen import hookimpl
from trialscreen.errors import PluginError
from trialscreen.plugins.manager import ENV_ALLOW, ENV_DISABLE, PluginInfo, PluginLoadError, PluginManager
from trialscreen.plugins.types import (
    AssessmentInstrument,
    DerivedValue,
    DrugClass,
    DrugEntry,
    HistoryCategory,
    Indication,
    ObservationTest,
    Predicate,
    QualitativeTest,
    RulesetSource,
    ValueResult,
)

BUILTINS = {"aav", "aps", "core", "iim", "itp", "ra", "sjogren", "sle", "ssc"}

PATIENT = {"id": "t1", "screening": {"date": "2026-11-20"}, "sex": "female", "birth_date": "1990-05-01",
           "diagnoses": [{"indication": "SLE"}]}


def test_records_can_be_built_before_the_core_plugin_is_imported():
    """Regression: plugins/types.py referred to ScreeningContext only under TYPE_CHECKING, so building a
    DerivedValue or Predicate before some module with ScreeningContext in its globals had built one raised
    PydanticUserError 'DerivedValue is not fully defined' (a plugin module building its records at import time,
    imported by an embedding application or with PluginManager(entry_points=False))."""
    script = textwrap.dedent(
        """
        import sys
        from trialscreen.plugins.types import DerivedValue, Predicate, ValueResult
        DerivedValue(id="mine.score", name="My score", compute=lambda ctx, params: ValueResult(value=1.0))
        Predicate(id="mine.flag", name="My flag", compute=lambda ctx, params: ValueResult(value=True))
        assert "trialscreen_core" not in sys.modules  # no built-in plugin has built a record yet
        print("built")
        """
    )
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr[-600:]
    assert proc.stdout.strip() == "built"


def value(vid: str, result: ValueResult | None = None, **kw) -> DerivedValue:
    return DerivedValue(id=vid, name=vid, compute=lambda ctx, params: result or ValueResult(value=1.0), **kw)


# -- a plugin contributing one record of every kind --------------------------------------------------------------

IND = Indication(code="ZZ", name="Zed disease", icd10=("Z99",))
OBS = ObservationTest(id="zz_marker", name="Zed marker", unit="U/L", plausible=(0, 1000))
QUAL = QualitativeTest(id="zz_antibody", name="Anti-Zed antibody")
HIST = HistoryCategory(id="zz_event", label="Zed event")
DCLASS = DrugClass(id="zz_blocker", label="Zed blocker")
DRUG = DrugEntry(name="zedimab", classes=("zz_blocker",))
INSTR = AssessmentInstrument(id="zz.activity", name="Zed activity index")
VAL = value("zz.score")
PRED = Predicate(id="zz.refractory", name="Refractory Zed", compute=lambda ctx, params: ValueResult(value=True))
RULESET = RulesetSource(id="zz-trial", path=Path("/nonexistent/zz-trial.yaml"))


class EveryKind:
    @hookimpl
    def trialscreen_indications(self):
        return [IND]

    @hookimpl
    def trialscreen_observation_tests(self):
        return [OBS, QUAL]

    @hookimpl
    def trialscreen_history_categories(self):
        return [HIST]

    @hookimpl
    def trialscreen_drug_classes(self):
        return [DCLASS]

    @hookimpl
    def trialscreen_drugs(self):
        return [DRUG]

    @hookimpl
    def trialscreen_assessment_instruments(self):
        return [INSTR]

    @hookimpl
    def trialscreen_values(self):
        return [VAL]

    @hookimpl
    def trialscreen_predicates(self):
        return [PRED]

    @hookimpl
    def trialscreen_rulesets(self):
        return [RULESET]


def test_typed_getters_return_the_records():
    pm = PluginManager(entry_points=False, plugins=[("every", EveryKind())])
    assert pm.indications == {"ZZ": IND} and pm.indications["ZZ"] is IND
    assert pm.observation_tests == {"zz_marker": OBS, "zz_antibody": QUAL}
    assert pm.history_categories == {"zz_event": HIST}
    assert pm.drug_classes == {"zz_blocker": DCLASS}
    assert pm.drugs == {"zedimab": DRUG}
    assert pm.assessment_instruments == {"zz.activity": INSTR}
    assert pm.values == {"zz.score": VAL} and pm.values["zz.score"] is VAL
    assert pm.predicates == {"zz.refractory": PRED}
    assert pm.rulesets == {"zz-trial": RULESET}
    assert pm.plugins() == [PluginInfo(name="every", module="EveryKind", distribution=None, version=None, builtin=False)]
    assert pm.load_errors == []


def test_contributions_and_provider():
    pm = PluginManager(entry_points=False, plugins=[("every", EveryKind()), ("other", OtherIndication())])
    contrib = pm.contributions("every")
    assert contrib["indications"] == ["ZZ"]
    assert contrib["observation_tests"] == ["zz_antibody", "zz_marker"]
    assert contrib["values"] == ["zz.score"] and contrib["rulesets"] == ["zz-trial"]
    assert pm.contributions("other") == {"indications": ["YY"]}
    assert pm.provider_of("trialscreen_indications", "YY") == "other"
    assert pm.provider_of("trialscreen_values", "zz.score") == "every"
    assert pm.provider_of("trialscreen_values", "nobody.none") is None


class OtherIndication:
    @hookimpl
    def trialscreen_indications(self):
        return [Indication(code="YY", name="Why disease")]


def test_records_from_several_plugins_are_merged():
    pm = PluginManager(entry_points=False, plugins=[("every", EveryKind()), ("other", OtherIndication())])
    assert set(pm.indications) == {"ZZ", "YY"}
    assert [p.name for p in pm.plugins()] == ["every", "other"]


def test_a_plugin_without_hooks_is_harmless():
    pm = PluginManager(entry_points=False, plugins=[("empty", object())])
    assert pm.indications == {} and pm.values == {} and pm.rulesets == {}
    assert [p.name for p in pm.plugins()] == ["empty"]


# -- conflicts -------------------------------------------------------------------------------------------------


def provider(hook: str, records: list) -> object:
    """A plugin object implementing one hook."""

    def impl():
        return records

    impl.__name__ = hook
    return type("OneHook", (), {hook: staticmethod(hookimpl(impl))})()


@pytest.mark.parametrize(
    ("hook", "getter", "record", "rid"),
    [
        ("trialscreen_indications", "indications", Indication(code="DUP", name="Dup"), "DUP"),
        ("trialscreen_values", "values", value("dup.score"), "dup.score"),
        ("trialscreen_rulesets", "rulesets", RulesetSource(id="dup-trial", path=Path("x.yaml")), "dup-trial"),
        ("trialscreen_drug_classes", "drug_classes", DrugClass(id="dup_class", label="Dup"), "dup_class"),
        ("trialscreen_observation_tests", "observation_tests", QualitativeTest(id="dup_test", name="Dup"), "dup_test"),
    ],
)
def test_duplicate_ids_across_plugins_name_both(hook, getter, record, rid):
    pm = PluginManager(entry_points=False, plugins=[("alpha_plugin", provider(hook, [record])),
                                                    ("beta_plugin", provider(hook, [record]))])
    with pytest.raises(PluginError) as info:
        getattr(pm, getter)
    message = str(info.value)
    assert repr(rid) in message
    assert "alpha_plugin" in message and "beta_plugin" in message


def test_duplicate_against_a_builtin_names_the_builtin():
    pm = PluginManager()
    pm.register(provider("trialscreen_indications", [Indication(code="SLE", name="Another lupus")]), "impostor")
    with pytest.raises(PluginError, match=r"'SLE' provided by: 'impostor', 'sle' \(trialscreen \d"):
        pm.indications


def test_id_used_as_value_and_predicate_is_rejected():
    pm = PluginManager(entry_points=False, plugins=[
        ("vals", provider("trialscreen_values", [value("both.thing")])),
        ("preds", provider("trialscreen_predicates",
                           [Predicate(id="both.thing", name="x", compute=lambda c, p: ValueResult(value=True))])),
    ])
    with pytest.raises(PluginError, match="ids used both as a value and a predicate: both.thing"):
        pm.values
    with pytest.raises(PluginError, match="both.thing"):
        pm.predicates


def test_drug_naming_an_unknown_class_is_rejected():
    pm = PluginManager(entry_points=False, plugins=[
        ("drugs", provider("trialscreen_drugs", [DrugEntry(name="mysterimab", classes=("no_such_class",))])),
    ])
    with pytest.raises(PluginError, match="mysterimab.*no_such_class"):
        pm.drugs


def test_same_plugin_name_twice_is_rejected():
    pm = PluginManager(entry_points=False, plugins=[("twice", EveryKind())])
    with pytest.raises(PluginError, match="'twice' is already registered"):
        pm.register(OtherIndication(), "twice")


# -- contract violations and failing plugins ---------------------------------------------------------------------


class WrongSignature:
    @hookimpl
    def trialscreen_indications(self, unknown_argument):
        return []


class MisspelledHook:
    @hookimpl
    def trialscreen_indicatons(self):  # sic
        return []


@pytest.mark.parametrize("plugin", [WrongSignature(), MisspelledHook()], ids=["wrong-signature", "unknown-hook"])
def test_hook_contract_violation_names_the_plugin(plugin):
    with pytest.raises(PluginError, match=r"plugin 'sloppy' \(\w+\) does not match the hook contract"):
        PluginManager(entry_points=False, plugins=[("sloppy", plugin)])


def test_contract_violation_leaves_the_manager_usable():
    pm = PluginManager(entry_points=False, plugins=[("every", EveryKind())])
    with pytest.raises(PluginError, match="sloppy"):
        pm.register(WrongSignature(), "sloppy")
    assert [p.name for p in pm.plugins()] == ["every"]  # the rejected plugin left nothing behind
    pm.register(OtherIndication(), "sloppy")  # and its name is free again
    assert set(pm.indications) == {"ZZ", "YY"}
    assert [p.name for p in pm.plugins()] == ["every", "sloppy"]


def test_register_after_a_getter_was_read_is_visible():
    """Regression: the typed getters are cached, and a plugin registered with register() after a getter was read
    was silently ignored by that getter (and by every later evaluate() with that manager)."""
    pm = PluginManager(entry_points=False, plugins=[("other", OtherIndication())])
    getters = ("indications", "observation_tests", "history_categories", "drug_classes", "drugs",
               "assessment_instruments", "values", "predicates", "rulesets")
    before = {g: dict(getattr(pm, g)) for g in getters}
    assert before["indications"] == {"YY": OtherIndication().trialscreen_indications()[0]}
    pm.register(EveryKind(), "late")
    assert "late" in {p.name for p in pm.plugins()}
    assert set(pm.indications) == {"ZZ", "YY"}
    assert pm.observation_tests == {"zz_marker": OBS, "zz_antibody": QUAL}
    assert pm.history_categories == {"zz_event": HIST}
    assert pm.drug_classes == {"zz_blocker": DCLASS} and pm.drugs == {"zedimab": DRUG}
    assert pm.assessment_instruments == {"zz.activity": INSTR}
    assert pm.values == {"zz.score": VAL} and pm.predicates == {"zz.refractory": PRED}
    assert pm.rulesets == {"zz-trial": RULESET}
    assert all(before[g] == {} for g in getters if g != "indications")  # they really were read empty before


def test_value_registered_after_an_evaluation_is_used(tmp_path):
    # the same manager evaluates once (reading every getter), then gets a plugin whose value a ruleset needs
    age_only = tmp_path / "age-only.yaml"
    age_only.write_text(SCORE_RULESET.replace("fake-score-trial", "age-only").split("  - id: inc-score")[0],
                        encoding="utf-8")
    scored = tmp_path / "fake-score-trial.yaml"
    scored.write_text(SCORE_RULESET, encoding="utf-8")
    pm = PluginManager()
    assert trialscreen.evaluate(PATIENT, age_only, plugins=pm).verdict == "eligible"
    assert "fake.score" not in pm.values
    pm.register(scorer(lambda ctx, params: ValueResult(value=7.0)), "fake")
    report = trialscreen.evaluate(PATIENT, scored, plugins=pm)
    assert {c.id: c.outcome for c in report.criteria}["inc-score"] == "met"
    assert report.verdict == "eligible"


class Exploding:
    @hookimpl
    def trialscreen_indications(self):
        raise RuntimeError("kaboom in indications")


def test_hook_that_raises_names_the_plugin():
    pm = PluginManager(entry_points=False, plugins=[("every", EveryKind()), ("exploding", Exploding())])
    with pytest.raises(PluginError,
                       match=r"plugin 'exploding' failed in trialscreen_indications: RuntimeError: kaboom"):
        pm.indications
    assert pm.values == {"zz.score": VAL}  # other hooks are unaffected


# -- a value whose compute raises: only its criterion becomes unknown -------------------------------------------

SCORE_RULESET = """\
id: fake-score-trial
title: Fake score trial
version: "0.1"
source: {file: none.txt}
cohorts:
  - {id: sle, indication: SLE, title: SLE}
criteria:
  - id: inc-age
    kind: inclusion
    text: "18 years or older"
    condition: {fact: core.age_years, op: ">=", value: 18, unit: years}
  - id: inc-score
    kind: inclusion
    text: "fake score at least 5"
    condition: {fact: fake.score, op: ">=", value: 5}
"""


def scorer(compute) -> object:
    return provider("trialscreen_values", [DerivedValue(id="fake.score", name="Fake score", compute=compute)])


def boom(ctx, params):
    raise RuntimeError("score exploded")


def not_a_result(ctx, params):
    return 12.0


@pytest.mark.parametrize("backend", ["durable", "python"])
@pytest.mark.parametrize(
    ("compute", "error"),
    [(boom, "RuntimeError: score exploded"), (not_a_result, "TypeError: returned float, not ValueResult")],
    ids=["raises", "wrong-return-type"],
)
def test_failing_value_makes_only_its_criterion_unknown(tmp_path, backend, compute, error):
    path = tmp_path / "fake-score-trial.yaml"
    path.write_text(SCORE_RULESET, encoding="utf-8")
    pm = PluginManager()
    pm.register(scorer(compute), "fake")
    report = trialscreen.evaluate(PATIENT, path, plugins=pm, backend=backend)
    by_id = {c.id: c for c in report.criteria}
    assert by_id["inc-age"].outcome == "met"
    assert by_id["inc-score"].outcome == "unknown"
    assert by_id["inc-score"].missing == [f"fake.score: plugin 'fake' failed ({error})"]
    assert report.verdict == "incomplete"
    assert [m.fact for m in report.missing_facts] == [f"fake.score: plugin 'fake' failed ({error})"]


def test_working_value_is_used(tmp_path):
    path = tmp_path / "fake-score-trial.yaml"
    path.write_text(SCORE_RULESET, encoding="utf-8")
    for score, outcome, verdict in ((7.0, "met", "eligible"), (4.0, "not_met", "ineligible")):
        pm = PluginManager()
        pm.register(scorer(lambda ctx, params, s=score: ValueResult(value=s)), "fake")
        report = trialscreen.evaluate(PATIENT, path, plugins=pm)
        assert {c.id: c.outcome for c in report.criteria}["inc-score"] == outcome
        assert report.verdict == verdict


# -- a fake third-party distribution, discovered through real entry points ------------------------------------

FAKE_PLUGIN = '''\
"""A third-party trialscreen plugin (test fixture)."""
from pathlib import Path

from trialscreen import hookimpl
from trialscreen.plugins.types import DerivedValue, Evidence, Indication, RulesetSource, ValueResult


def _score(ctx, params):
    n = len(ctx.patient.diagnoses)
    return ValueResult(value=7.0 * n, evidence=(Evidence(label="fake score", value=7.0 * n, source="ts_fake_plugin"),))


@hookimpl
def trialscreen_indications():
    return [Indication(code="FAKE", name="Fake disease")]


@hookimpl
def trialscreen_values():
    return [DerivedValue(id="fake.score", name="Fake score", compute=_score)]


@hookimpl
def trialscreen_rulesets():
    return [RulesetSource(id="fake-trial", path=Path(__file__).with_name("fake-trial.yaml"))]
'''

FAKE_RULESET = """\
id: fake-trial
title: Fake trial
version: "1.0"
source: {file: fake.txt}
cohorts:
  - {id: fake, indication: FAKE, title: Fake disease}
criteria:
  - id: inc-score
    kind: inclusion
    text: "fake score at least 5"
    condition: {fact: fake.score, op: ">=", value: 5}
  - id: exc-score
    kind: exclusion
    text: "fake score 10 or more"
    condition: {fact: fake.score, op: ">=", value: 10}
"""

THIRD_PARTY_MODULES = ("ts_fake_plugin", "ts_broken_plugin", "ts_sloppy_plugin")


def make_distribution(root: Path, dist: str, version: str, entry_points: dict[str, str]) -> None:
    info = root / f"{dist.replace('-', '_')}-{version}.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {dist}\nVersion: {version}\n", encoding="utf-8")
    lines = "".join(f"{name} = {target}\n" for name, target in entry_points.items())
    (info / "entry_points.txt").write_text(f"[trialscreen.plugins]\n{lines}", encoding="utf-8")


@pytest.fixture
def site(tmp_path, monkeypatch):
    """A directory on sys.path where tests install fake distributions; their modules are forgotten afterwards."""
    for var in (ENV_ALLOW, ENV_DISABLE):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.syspath_prepend(str(tmp_path))
    yield tmp_path
    for name in THIRD_PARTY_MODULES:
        sys.modules.pop(name, None)


@pytest.fixture
def fake_plugin(site):
    (site / "ts_fake_plugin.py").write_text(FAKE_PLUGIN, encoding="utf-8")
    (site / "fake-trial.yaml").write_text(FAKE_RULESET, encoding="utf-8")
    make_distribution(site, "ts-fake-plugin", "1.0", {"fake": "ts_fake_plugin"})
    return site


@pytest.fixture
def broken_plugin(site):
    (site / "ts_broken_plugin.py").write_text('raise ImportError("missing dependency frobnicate")\n', encoding="utf-8")
    make_distribution(site, "ts-broken-plugin", "0.1", {"broken": "ts_broken_plugin"})
    return site


def names(pm: PluginManager) -> set[str]:
    return {p.name for p in pm.plugins()}


def test_third_party_plugin_is_discovered(fake_plugin):
    pm = PluginManager()
    info = {p.name: p for p in pm.plugins()}
    assert info["fake"] == PluginInfo(name="fake", module="ts_fake_plugin", distribution="ts-fake-plugin",
                                      version="1.0", builtin=False)
    assert BUILTINS <= set(info) and all(info[b].builtin for b in BUILTINS)
    assert pm.plugins()[-1].name == "fake"  # built-ins are listed first
    assert pm.load_errors == []
    assert "FAKE" in pm.indications and "fake.score" in pm.values
    assert pm.rulesets["fake-trial"].path == fake_plugin / "fake-trial.yaml"
    assert pm.contributions("fake") == {"indications": ["FAKE"], "values": ["fake.score"], "rulesets": ["fake-trial"]}


def test_third_party_ruleset_and_value_are_used(fake_plugin):
    pm = PluginManager()
    patient = {**PATIENT, "diagnoses": [{"indication": "FAKE"}]}
    report = trialscreen.evaluate(patient, "fake-trial", plugins=pm)
    assert report.ruleset.id == "fake-trial"
    assert report.cohort is not None and report.cohort.indication == "FAKE"
    by_id = {c.id: c for c in report.criteria}
    assert by_id["inc-score"].outcome == "met"  # score 7 >= 5
    assert by_id["exc-score"].outcome == "not_met"  # 7 < 10
    assert [e.label for e in by_id["inc-score"].evidence] == ["fake score"]
    assert report.verdict == "eligible"
    # two diagnoses: score 14, so the exclusion now applies: the value really comes from the plugin
    report = trialscreen.evaluate({**patient, "diagnoses": [{"indication": "FAKE"}, {"indication": "SLE"}]},
                                  "fake-trial", plugins=pm)
    assert {c.id: c.outcome for c in report.criteria}["exc-score"] == "met"
    assert report.verdict == "ineligible"


def test_broken_entry_point_is_reported_not_raised(fake_plugin, broken_plugin):
    pm = PluginManager()
    assert pm.load_errors == [
        PluginLoadError(name="broken", distribution="ts-broken-plugin", error="ImportError: missing dependency frobnicate")
    ]
    assert "broken" not in names(pm)
    assert BUILTINS | {"fake"} <= names(pm)  # everything else still loads
    assert "FAKE" in pm.indications and "SLE" in pm.indications


def test_entry_point_to_a_missing_module_is_reported(site):
    make_distribution(site, "ts-ghost-plugin", "2.0", {"ghost": "ts_ghost_plugin_does_not_exist"})
    pm = PluginManager()
    [error] = pm.load_errors
    assert (error.name, error.distribution) == ("ghost", "ts-ghost-plugin")
    assert error.error.startswith("ModuleNotFoundError")
    assert BUILTINS <= names(pm)


def test_third_party_breaking_the_hook_contract_is_reported(site):
    (site / "ts_sloppy_plugin.py").write_text(textwrap.dedent(
        """
        from trialscreen import hookimpl

        @hookimpl
        def trialscreen_indications(surprise):
            return []
        """
    ), encoding="utf-8")
    make_distribution(site, "ts-sloppy-plugin", "0.3", {"sloppy": "ts_sloppy_plugin"})
    pm = PluginManager()
    [error] = pm.load_errors
    assert (error.name, error.distribution) == ("sloppy", "ts-sloppy-plugin")
    assert "does not match the hook contract" in error.error and "sloppy" in error.error
    assert "sloppy" not in names(pm) and BUILTINS <= names(pm)


def test_third_party_reusing_a_builtin_plugin_name_is_an_error(site):
    (site / "ts_fake_plugin.py").write_text(FAKE_PLUGIN, encoding="utf-8")
    (site / "fake-trial.yaml").write_text(FAKE_RULESET, encoding="utf-8")
    make_distribution(site, "ts-fake-plugin", "1.0", {"core": "ts_fake_plugin"})
    with pytest.raises(PluginError, match="'core' is provided by two distributions") as info:
        PluginManager()
    assert "trialscreen" in str(info.value) and "ts-fake-plugin" in str(info.value)


@pytest.mark.parametrize(
    ("env", "fake_loaded"),
    [
        ({ENV_DISABLE: "fake"}, False),
        ({ENV_DISABLE: "ra, fake"}, False),
        ({ENV_DISABLE: "other"}, True),
        ({ENV_ALLOW: "other"}, False),
        ({ENV_ALLOW: ""}, False),
        ({ENV_ALLOW: "fake"}, True),
        ({ENV_ALLOW: "fake", ENV_DISABLE: "fake"}, False),
    ],
)
def test_environment_variables_select_plugins(fake_plugin, monkeypatch, env, fake_loaded):
    for var, val in env.items():
        monkeypatch.setenv(var, val)
    pm = PluginManager()
    assert ("fake" in names(pm)) is fake_loaded
    assert ("fake-trial" in pm.rulesets) is fake_loaded
    assert BUILTINS <= names(pm)  # neither list skips a built-in ("ra" in the disable list is ignored)
    assert pm.load_errors == []


def test_disabled_broken_plugin_is_not_even_imported(broken_plugin, monkeypatch):
    monkeypatch.setenv(ENV_DISABLE, "broken")
    pm = PluginManager()
    assert pm.load_errors == []
    assert "ts_broken_plugin" not in sys.modules
