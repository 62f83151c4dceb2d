"""Safety of the plugin boundary, seen from a third party's plugin (the example MG plugin and fake distributions).

A plugin's fault must stay the plugin's: a value that raises or answers with the wrong type makes only the
criteria that use it unknown, naming the error and the plugin, and never produces a crash or a wrong verdict;
contract breaches (duplicate ids, wrong hook signatures, entry points that do not import) stop with a message
naming the plugin (and, for entry points, the distribution); and external plugins can be switched off or
allow-listed with environment variables or CLI options.

Each test that once recorded a gap as a strict xfail is now a regression test for its fix.
"""

from __future__ import annotations

import json
import sys
import textwrap

import pytest

import trialscreen
from trialscreen import hookimpl
from trialscreen.errors import PluginError
from trialscreen.plugins.manager import ENV_ALLOW, ENV_DISABLE, PluginLoadError, PluginManager, iter_hooks
from trialscreen.plugins.types import DerivedValue, DrugEntry, Indication, Predicate, RulesetSource, ValueResult
from trialscreen.testing import make_plugin_manager, outcomes

from .conftest import MG_EXAMPLE, MG_RULESET, ROOT, make_distribution

BACKENDS = ["durable", "python"]


def sabotaged(plugin, value_id: str, compute) -> object:
    """A copy of `plugin` (every hook delegated) whose value or predicate `value_id` computes with `compute`."""

    def delegate(hook: str):
        def impl():
            records = getattr(plugin, hook)()
            return [r.model_copy(update={"compute": compute}) if getattr(r, "id", None) == value_id else r
                    for r in records]

        impl.__name__ = hook
        return staticmethod(hookimpl(impl))

    return type("Sabotaged", (), {h: delegate(h) for h in iter_hooks() if hasattr(plugin, h)})()


def boom(ctx, params):
    raise RuntimeError("MG-ADL table corrupted")


def wrong_return_type(ctx, params):
    return 9


def wrong_value_type(ctx, params):
    return ValueResult(value="yes")


@pytest.fixture(scope="module")
def healthy(mg_plugin):
    pm = make_plugin_manager({"myasthenia": mg_plugin})
    return {b: trialscreen.evaluate(MG_EXAMPLE, MG_RULESET, plugins=pm, backend=b) for b in BACKENDS}


# -- a value that fails ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize(
    ("compute", "error"),
    [(boom, "RuntimeError: MG-ADL table corrupted"), (wrong_return_type, "TypeError: returned int, not ValueResult")],
    ids=["raises", "returns-int"],
)
def test_failing_predicate_makes_only_its_criterion_unknown(mg_plugin, healthy, backend, compute, error):
    pm = make_plugin_manager({"myasthenia": sabotaged(mg_plugin, "myasthenia.mg_adl_at_least", compute)})
    report = trialscreen.evaluate(MG_EXAMPLE, MG_RULESET, plugins=pm, backend=backend)
    by_id = {c.id: c for c in report.criteria}
    message = f"myasthenia.mg_adl_at_least: plugin 'myasthenia' failed ({error})"
    assert by_id["inc-mg-adl"].outcome == "unknown"
    assert by_id["inc-mg-adl"].missing == [message]
    assert [m.fact for m in report.missing_facts] == [message]
    # every other criterion is decided exactly as with the healthy plugin
    expected = {cid: out for cid, out in outcomes(healthy[backend]).items() if cid != "inc-mg-adl"}
    assert {cid: out for cid, out in outcomes(report).items() if cid != "inc-mg-adl"} == expected
    assert report.verdict == "incomplete"  # never eligible on a broken value, and no exception


@pytest.mark.parametrize("backend", BACKENDS)
def test_failing_core_call_inside_a_plugin_predicate_is_contained(mg_plugin, healthy, backend):
    """refractory_gmg calls myasthenia.chronic_rescue_therapy through ctx.value: when that one raises, the caller
    gets a 'missing' result, and refractoriness is still decided where the other route settles it."""
    pm = make_plugin_manager({"myasthenia": sabotaged(mg_plugin, "myasthenia.chronic_rescue_therapy", boom)})
    report = trialscreen.evaluate(MG_EXAMPLE, MG_RULESET, plugins=pm, backend=backend)
    assert outcomes(report) == outcomes(healthy[backend])  # route A (2 agents failed) settles it: still met
    assert report.verdict == "eligible"
    patient = trialscreen.load_patient(MG_EXAMPLE).model_dump(mode="json", exclude_none=True)
    patient["medications"]["items"] = [m for m in patient["medications"]["items"]
                                       if m["drug"] not in ("mycophenolate mofetil", "tacrolimus")]
    report = trialscreen.evaluate(patient, MG_RULESET, plugins=pm, backend=backend)
    crit = {c.id: c for c in report.criteria}["inc-refractory"]
    assert crit.outcome == "unknown"
    assert crit.missing == ["myasthenia.chronic_rescue_therapy: plugin 'myasthenia' failed "
                            "(RuntimeError: MG-ADL table corrupted)"]


@pytest.mark.parametrize("backend", BACKENDS)
def test_value_of_the_wrong_type_is_unknown_never_false(mg_plugin, backend):
    """A predicate answering "yes" instead of True must not count as 'not met' (that would wrongly clear an
    exclusion): it is unknown."""
    pm = make_plugin_manager({"myasthenia": sabotaged(mg_plugin, "myasthenia.mgfa_class", wrong_value_type)})
    report = trialscreen.evaluate(MG_EXAMPLE, MG_RULESET, plugins=pm, backend=backend)
    crit = {c.id: c for c in report.criteria}["inc-mgfa-class"]
    assert crit.outcome == "unknown"
    assert "got str 'yes' from plugin 'myasthenia', expected bool" in crit.missing[0]
    assert report.verdict == "incomplete"


def test_value_of_the_wrong_type_names_the_plugin(mg_plugin):
    pm = make_plugin_manager({"myasthenia": sabotaged(mg_plugin, "myasthenia.mgfa_class", wrong_value_type)})
    report = trialscreen.evaluate(MG_EXAMPLE, MG_RULESET, plugins=pm, backend="python")
    assert "'myasthenia'" in {c.id: c for c in report.criteria}["inc-mgfa-class"].missing[0]


# -- duplicate ids ---------------------------------------------------------------------------------------------------


def one_hook(hook: str, records: list) -> object:
    def impl():
        return records

    impl.__name__ = hook
    return type("OneHook", (), {hook: staticmethod(hookimpl(impl))})()


def _noop(ctx, params):
    return ValueResult(value=1)


@pytest.mark.parametrize(
    ("hook", "getter", "record", "rid"),
    [
        ("trialscreen_values", "values", DerivedValue(id="myasthenia.mg_adl", name="x", compute=_noop),
         "myasthenia.mg_adl"),
        ("trialscreen_predicates", "predicates", Predicate(id="myasthenia.refractory_gmg", name="x", compute=_noop),
         "myasthenia.refractory_gmg"),
        ("trialscreen_indications", "indications", Indication(code="MG", name="Another MG"), "MG"),
        ("trialscreen_rulesets", "rulesets", RulesetSource(id=MG_RULESET, path=MG_EXAMPLE), MG_RULESET),
        ("trialscreen_drugs", "drugs", DrugEntry(name="efgartigimod alfa", classes=("fcrn_antagonist",)),
         "efgartigimod alfa"),
    ],
)
def test_duplicate_id_names_both_plugins(mg_plugin, hook, getter, record, rid):
    pm = make_plugin_manager({"myasthenia": mg_plugin, "copycat": one_hook(hook, [record])})
    with pytest.raises(PluginError) as info:
        getattr(pm, getter)
    assert f"{rid!r} provided by: 'copycat', 'myasthenia'" in str(info.value)


def test_duplicate_id_between_two_installed_distributions_names_both(site):
    for module, dist in (("ts_fake_plugin", "ts-fake-plugin"), ("ts_twin_plugin", "ts-twin-plugin")):
        (site / f"{module}.py").write_text(textwrap.dedent(
            """
            from trialscreen import hookimpl
            from trialscreen.plugins.types import DerivedValue, ValueResult

            @hookimpl
            def trialscreen_values():
                return [DerivedValue(id="shared.score", name="Shared score", compute=lambda c, p: ValueResult(value=1))]
            """), encoding="utf-8")
        make_distribution(site, dist, "1.0", {module.removeprefix("ts_").removesuffix("_plugin"): module})
    pm = PluginManager()
    with pytest.raises(PluginError, match=r"'shared.score' provided by: 'fake' \(ts-fake-plugin 1.0\), 'twin' \(ts-twin-plugin 1.0\)"):
        pm.values


def test_duplicate_id_message_names_the_distributions(site):
    for module, dist in (("ts_fake_plugin", "ts-fake-plugin"), ("ts_twin_plugin", "ts-twin-plugin")):
        (site / f"{module}.py").write_text(
            "from trialscreen import hookimpl\nfrom trialscreen.plugins.types import Indication\n"
            "@hookimpl\ndef trialscreen_indications():\n    return [Indication(code='DUP', name='Dup')]\n",
            encoding="utf-8")
        make_distribution(site, dist, "1.0", {module.removeprefix("ts_").removesuffix("_plugin"): module})
    with pytest.raises(PluginError) as info:
        PluginManager().indications
    assert "ts-fake-plugin" in str(info.value) and "ts-twin-plugin" in str(info.value)


@pytest.mark.parametrize("drug", [DrugEntry(name="fakeumab", classes=("complement_inhibitor",), synonyms=("Soliris",)),
                                  DrugEntry(name="Eculizumab", classes=("complement_inhibitor",))],
                         ids=["synonym", "case-variant-name"])
def test_drug_synonym_clash_names_both_plugins(mg_plugin, drug):
    pm = make_plugin_manager({"myasthenia": mg_plugin, "copycat": one_hook("trialscreen_drugs", [drug])})
    with pytest.raises(PluginError, match="copycat"):
        pm.drugs


# -- hooks that break the contract ---------------------------------------------------------------------------------


class WrongSignature:
    @hookimpl
    def trialscreen_values(self, context):
        return []


class WrongHookName:
    @hookimpl
    def trialscreen_value(self):  # sic: the hook is trialscreen_values
        return []


@pytest.mark.parametrize("plugin", [WrongSignature(), WrongHookName()], ids=["extra-argument", "misspelt-hook"])
def test_hook_with_wrong_signature_is_a_plugin_error_naming_the_plugin(mg_plugin, plugin):
    pm = make_plugin_manager({"myasthenia": mg_plugin})
    with pytest.raises(PluginError, match=r"plugin 'sloppy' \(\w+\) does not match the hook contract"):
        pm.register(plugin, "sloppy")
    assert "sloppy" not in {p.name for p in pm.plugins()}
    assert "myasthenia.mg_adl" in pm.values  # the manager is still usable


def test_installed_plugin_with_wrong_signature_is_reported_with_its_distribution(site, cli):
    (site / "ts_sloppy_plugin.py").write_text(
        "from trialscreen import hookimpl\n@hookimpl\ndef trialscreen_values(context):\n    return []\n",
        encoding="utf-8")
    make_distribution(site, "ts-sloppy-plugin", "0.3", {"sloppy": "ts_sloppy_plugin"})
    [error] = PluginManager().load_errors
    assert (error.name, error.distribution) == ("sloppy", "ts-sloppy-plugin")
    assert "plugin 'sloppy' (ts-sloppy-plugin) does not match the hook contract" in error.error
    result = cli("plugins", "list")
    assert result.exit_code == 0
    assert "NOT LOADED sloppy (ts-sloppy-plugin): PluginError: plugin 'sloppy' (ts-sloppy-plugin) does not match the hook contract" in result.output
    assert "Argument(s) {'context'} are declared in the hookimpl but can not be found in the hookspec" in result.output


class ReturnsDicts:
    @hookimpl
    def trialscreen_indications(self):
        return [{"code": "DICT", "name": "A dict, not an Indication"}]


def test_hook_returning_dicts_is_a_plugin_error(mg_plugin):
    """Regression: a hook returning dicts crashed with a bare AttributeError."""
    pm = make_plugin_manager({"myasthenia": mg_plugin})
    pm.register(ReturnsDicts(), "dicts")
    with pytest.raises(PluginError, match=r"plugin 'dicts' returned dict from trialscreen_indications; expected Indication"):
        pm.indications  # noqa: B018


def test_plugins_list_survives_a_hook_that_raises(site, cli):
    (site / "ts_raising_plugin.py").write_text(
        "from trialscreen import hookimpl\n@hookimpl\ndef trialscreen_values():\n    raise RuntimeError('kaboom')\n",
        encoding="utf-8")
    make_distribution(site, "ts-raising-plugin", "0.2", {"raising": "ts_raising_plugin"})
    result = cli("plugins", "list")
    assert result.exit_code == 0 and "core  (built-in" in result.output
    assert "values: ERROR RuntimeError: kaboom" in result.output


def test_evaluate_with_a_hook_that_raises_is_a_clear_error_not_a_traceback(site, cli):
    (site / "ts_raising_plugin.py").write_text(
        "from trialscreen import hookimpl\n@hookimpl\ndef trialscreen_values():\n    raise RuntimeError('kaboom')\n",
        encoding="utf-8")
    make_distribution(site, "ts-raising-plugin", "0.2", {"raising": "ts_raising_plugin"})
    result = cli("rulesets", "validate", "nct07212322")
    assert result.exit_code == 1
    assert "plugin 'raising' (ts-raising-plugin 0.2) failed in trialscreen_values: RuntimeError: kaboom" in result.stderr
    assert "Traceback" not in result.output


# -- an entry point that fails to import --------------------------------------------------------------------------


@pytest.fixture
def broken_plugin(site):
    (site / "ts_broken_plugin.py").write_text('raise ImportError("missing dependency frobnicate")\n', encoding="utf-8")
    make_distribution(site, "ts-broken-plugin", "0.1", {"broken": "ts_broken_plugin"})
    return site


def test_entry_point_that_fails_to_import_is_reported_and_skipped(broken_plugin, cli):
    pm = PluginManager()
    [error] = pm.load_errors
    assert (error.name, error.distribution) == ("broken", "ts-broken-plugin")
    assert "ImportError: missing dependency frobnicate" in error.error
    assert "broken" not in {p.name for p in pm.plugins()} and "core" in {p.name for p in pm.plugins()}
    listed = cli("plugins", "list")
    assert listed.exit_code == 0
    assert "NOT LOADED broken (ts-broken-plugin): ImportError: missing dependency frobnicate" in listed.output
    screened = cli("evaluate", str(MG_EXAMPLE.parents[3] / "patients" / "nct07212322-eligible.yaml"),
                   "--ruleset", "nct07212322", "--format", "json")
    assert screened.exit_code == 0 and json.loads(screened.output)["verdict"] == "eligible"


# -- allow / deny ------------------------------------------------------------------------------------------------------

FAKE_PLUGIN = '''\
from pathlib import Path
from trialscreen import hookimpl
from trialscreen.plugins.types import Indication

@hookimpl
def trialscreen_indications():
    return [Indication(code="FAKE", name="Fake disease")]
'''


@pytest.fixture
def fake_and_broken(broken_plugin):
    (broken_plugin / "ts_fake_plugin.py").write_text(FAKE_PLUGIN, encoding="utf-8")
    make_distribution(broken_plugin, "ts-fake-plugin", "1.4", {"fake": "ts_fake_plugin"})
    return broken_plugin


@pytest.mark.parametrize(
    ("args", "env", "fake_shown", "broken_tried"),
    [
        ((), {}, True, True),
        (("-p", "fake"), {}, False, True),
        (("-p", "no:fake"), {}, False, True),
        (("-p", "fake", "-p", "broken"), {}, False, False),
        (("--only-plugins", "fake"), {}, True, False),
        (("--only-plugins", "other"), {}, False, False),
        (("--only-plugins", ""), {}, False, False),
        ((), {ENV_DISABLE: "fake,broken"}, False, False),
        ((), {ENV_ALLOW: "fake"}, True, False),
        ((), {ENV_ALLOW: "fake", ENV_DISABLE: "fake"}, False, False),
        (("-p", "broken"), {ENV_DISABLE: "fake"}, False, False),  # -p adds to the variable
    ],
)
def test_cli_options_and_environment_select_external_plugins(fake_and_broken, cli, args, env, fake_shown,
                                                             broken_tried):
    result = cli(*args, "plugins", "list", env=env)
    assert result.exit_code == 0, result.output
    assert ("fake  (ts-fake-plugin 1.4; ts_fake_plugin)" in result.output) is fake_shown
    assert ("NOT LOADED broken" in result.output) is broken_tried
    assert "core  (built-in" in result.output and "sle  (built-in" in result.output  # built-ins always load
    if not broken_tried:
        assert "ts_broken_plugin" not in sys.modules  # a skipped plugin is never imported


def test_cli_selection_does_not_leak_into_the_environment(fake_and_broken, cli):
    import os

    cli("-p", "fake", "--only-plugins", "broken", "plugins", "list")
    assert ENV_DISABLE not in os.environ and ENV_ALLOW not in os.environ


def test_disabled_plugin_ruleset_is_not_offered(fake_and_broken, cli, tmp_path):
    (fake_and_broken / "ts_fake_plugin.py").write_text(FAKE_PLUGIN + textwrap.dedent(
        '''
        @hookimpl
        def trialscreen_rulesets():
            from trialscreen.plugins.types import RulesetSource
            return [RulesetSource(id="fake-trial", path=Path(__file__).with_name("fake-trial.yaml"))]
        '''), encoding="utf-8")
    (fake_and_broken / "fake-trial.yaml").write_text(textwrap.dedent(
        """\
        id: fake-trial
        title: Fake trial
        version: "2.1"
        source: {file: none.txt}
        cohorts: [{id: fake, indication: FAKE, title: Fake}]
        criteria:
          - {id: inc-age, kind: inclusion, text: adults, condition: {fact: core.age_years, op: ">=", value: 18, unit: years}}
        """), encoding="utf-8")
    listed = cli("rulesets", "list")
    assert "fake-trial" in listed.output and "v2.1" in listed.output and "[fake]" in listed.output
    assert "fake-trial" not in cli("-p", "fake", "rulesets", "list").output
    refused = cli("-p", "fake", "rulesets", "validate", "fake-trial")
    assert refused.exit_code == 1 and "no installed ruleset 'fake-trial'" in refused.stderr
