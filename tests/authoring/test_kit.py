"""The testing kit plugin authors use (trialscreen.testing): registered with pytest through the ``pytest11`` entry
point, fixtures that build a plugin manager with exactly the plugins under test, a ScreeningContext and a Report
from a patient dict, and a ruleset check that fails with every failing case's messages."""

from __future__ import annotations

import datetime as dt
import importlib.metadata
import os
import signal
import textwrap

import pytest

from trialscreen import hookimpl
from trialscreen.plugins.manager import ENV_ALLOW, ENV_DISABLE
from trialscreen.testing import (
    _run_isolated,
    assert_ruleset_coverage,
    assert_ruleset_tests_pass,
    make_context,
    make_patient,
    make_plugin_manager,
    outcomes,
)

from .conftest import MG_EXAMPLE, MG_RULESET, make_distribution

pytest_plugins = ["pytester"]

BUILTINS = {"aav", "aps", "core", "iim", "itp", "ra", "sjogren", "sle", "ssc"}


def test_registered_as_a_pytest_plugin(pytestconfig):
    [ep] = [ep for ep in importlib.metadata.entry_points(group="pytest11") if ep.name == "trialscreen"]
    assert ep.value == "trialscreen.testing" and ep.dist.name == "trialscreen"
    assert pytestconfig.pluginmanager.has_plugin("trialscreen")


# -- make_plugin_manager ---------------------------------------------------------------------------------------------


@pytest.fixture
def installed_fake(site):
    (site / "ts_fake_plugin.py").write_text(
        "from trialscreen import hookimpl\nfrom trialscreen.plugins.types import Indication\n"
        "@hookimpl\ndef trialscreen_indications():\n    return [Indication(code='FAKE', name='Fake')]\n",
        encoding="utf-8")
    make_distribution(site, "ts-fake-plugin", "1.0", {"fake": "ts_fake_plugin"})
    return site


def names(pm) -> set[str]:
    return {p.name for p in pm.plugins()}


def test_builtins_and_named_plugins_only(installed_fake, mg_plugin):
    pm = make_plugin_manager({"myasthenia": mg_plugin})
    assert names(pm) == BUILTINS | {"myasthenia"}  # the installed 'fake' does not leak in
    assert "MG" in pm.indications and "FAKE" not in pm.indications
    info = {p.name: p for p in pm.plugins()}["myasthenia"]
    assert (info.module, info.distribution, info.builtin) == ("trialscreen_myasthenia.plugin", None, False)


def test_selection_variables_do_not_change_the_test_manager_and_are_restored(installed_fake, monkeypatch):
    monkeypatch.setenv(ENV_DISABLE, "ra,fake")
    monkeypatch.setenv(ENV_ALLOW, "fake")
    assert names(make_plugin_manager()) == BUILTINS
    assert os.environ[ENV_DISABLE] == "ra,fake" and os.environ[ENV_ALLOW] == "fake"


def test_installed_true_loads_like_production(installed_fake, mg_plugin):
    pm = make_plugin_manager([("myasthenia", mg_plugin)], installed=True)
    assert names(pm) == BUILTINS | {"fake", "myasthenia"}


def test_installed_true_does_not_register_an_entry_point_plugin_twice(installed_fake):
    class Other:
        @hookimpl
        def trialscreen_indications(self):
            return []

    pm = make_plugin_manager({"fake": Other()}, installed=True)  # 'fake' already loaded from its entry point
    assert {p.name: p for p in pm.plugins()}["fake"].distribution == "ts-fake-plugin"


# -- patients, contexts, reports ---------------------------------------------------------------------------------------


def test_make_patient_fills_id_and_screening_date():
    patient = {"sex": "female"}
    made = make_patient(patient, "2026-03-16")
    assert made == {"sex": "female", "id": "test-patient", "screening": {"date": dt.date(2026, 3, 16)}}
    assert patient == {"sex": "female"}  # not modified
    assert make_patient({"screening": {"date": "2025-01-01"}}, "2026-03-16")["screening"]["date"] == "2025-01-01"
    with pytest.raises(ValueError, match="as_of"):
        make_patient({"sex": "female"})


def test_screening_context_fixture(screening_context):
    ctx = screening_context({"birth_date": "2000-03-17", "sex": "male"}, as_of="2026-03-16")
    assert ctx.as_of == dt.date(2026, 3, 16)
    assert ctx.value("core.age_years").value == 25
    assert ctx.plugins.predicates["myasthenia.refractory_gmg"]  # the conftest's trialscreen_extra_plugins


def test_screening_context_as_of_overrides_the_record(mg_plugin):
    ctx = make_context(MG_EXAMPLE, "2027-03-16", make_plugin_manager({"myasthenia": mg_plugin}))
    assert ctx.as_of == dt.date(2027, 3, 16)
    assert ctx.value("core.age_years").value == 43


@pytest.mark.parametrize("backend", ["durable", "python"])
def test_evaluate_case_fixture(evaluate_case, backend):
    report = evaluate_case(MG_EXAMPLE, MG_RULESET, backend=backend)
    assert report.verdict == "eligible" and report.backend == backend
    later = evaluate_case(MG_EXAMPLE, MG_RULESET, as_of="2026-04-30", backend=backend)
    assert later.as_of == dt.date(2026, 4, 30)
    assert outcomes(later)["inc-mg-adl"] == "unknown"  # the MG-ADL of 2026-03-10 is older than 28 days then


@pytest.mark.trialscreen_plugins(extra=object())
def test_marker_adds_plugins(trialscreen_plugins):
    assert {"myasthenia", "extra"} <= names(trialscreen_plugins)


# -- ruleset checks --------------------------------------------------------------------------------------------------


def test_check_ruleset_fixture_runs_both_backends(check_ruleset):
    runs = check_ruleset(MG_RULESET, coverage=True)
    assert runs >= 50 and runs % 2 == 0


BAD_RULESET = """\
id: kit-demo
title: Kit demo
version: "0.1"
source: {file: kit-demo.txt}
cohorts:
  - {id: mg, indication: MG, title: MG}
criteria:
  - id: inc-age
    kind: inclusion
    text: "Aged 18 years or more."
    condition: {fact: core.age_years, op: ">=", value: 18, unit: years}
tests:
  - name: adult
    patient: {id: a, screening: {date: 2026-03-16}, birth_date: 1990-01-01, diagnoses: [{indication: MG}]}
    expect: {verdict: eligible, criteria: {inc-age: met}}
  - name: child-wrongly-expected-eligible
    base: adult
    changes: {birth_date: 2015-01-01}
    expect: {verdict: eligible, criteria: {inc-age: met}}
"""


@pytest.fixture
def bad_ruleset(tmp_path):
    path = tmp_path / "kit-demo.yaml"
    path.write_text(BAD_RULESET, encoding="utf-8")
    (tmp_path / "sources").mkdir()
    (tmp_path / "sources" / "kit-demo.txt").write_text(
        "Eligibility Criteria\nAged 18 years or more.\nNo prior CAR-T therapy.\n", encoding="utf-8")
    return path


def test_failing_inline_tests_fail_with_every_message(bad_ruleset, mg_plugin):
    pm = make_plugin_manager({"myasthenia": mg_plugin})
    with pytest.raises(pytest.fail.Exception) as info:
        assert_ruleset_tests_pass(bad_ruleset, pm)
    message = str(info.value)
    assert "2 of 4 inline test runs failed in ruleset" in message
    for backend in ("durable", "python"):
        assert f"child-wrongly-expected-eligible [{backend}]" in message
    assert "verdict: expected eligible, got ineligible" in message
    assert "inc-age: expected met, got not_met" in message
    assert "adult [" not in message


def test_coverage_check_names_unmapped_lines(bad_ruleset):
    with pytest.raises(pytest.fail.Exception) as info:
        assert_ruleset_coverage(bad_ruleset, make_plugin_manager({"mg": _MiniMG()}))
    assert "line 3: UNMAPPED No prior CAR-T therapy." in str(info.value)


class _MiniMG:
    @hookimpl
    def trialscreen_indications(self):
        from trialscreen.plugins.types import Indication

        return [Indication(code="MG", name="MG")]


def test_a_ruleset_without_tests_fails(tmp_path):
    path = tmp_path / "empty.yaml"
    path.write_text(BAD_RULESET.split("tests:")[0], encoding="utf-8")
    with pytest.raises(pytest.fail.Exception, match="no inline tests"):
        assert_ruleset_tests_pass(path, make_plugin_manager({"mg": _MiniMG()}))


def test_isolation_turns_a_native_crash_into_an_error():
    with pytest.raises(RuntimeError, match=f"signal {int(signal.SIGKILL)}"):
        _run_isolated(lambda: os.kill(os.getpid(), signal.SIGKILL))
    assert _run_isolated(lambda x: x * 2, 21) == 42
    with pytest.raises(RuntimeError, match="ZeroDivisionError"):
        _run_isolated(lambda: 1 / 0)


# -- the fixtures as a plugin author's suite uses them (pytester) ---------------------------------------------------


def test_fixtures_in_a_plugin_authors_suite(pytester, mg_plugin):
    """A conftest.py naming the plugin once, and tests in a few lines each: the shape docs/plugins.md teaches."""
    from .conftest import MG_SRC

    pytester.syspathinsert(str(MG_SRC))
    pytester.makeconftest(textwrap.dedent(
        """
        import pytest
        from trialscreen_myasthenia import plugin

        @pytest.fixture
        def trialscreen_extra_plugins():
            return {"myasthenia": plugin}
        """))
    pytester.makepyfile(test_author=textwrap.dedent(
        f"""
        import pytest

        def test_score(screening_context):
            ctx = screening_context({{"assessments": [{{"instrument": "myasthenia.mg_adl", "date": "2026-03-10",
                                                        "items": {{"talking": 3, "chewing": 3}}}}]}}, as_of="2026-03-16")
            assert ctx.value("myasthenia.mg_adl_at_least", {{"threshold": 6}}).value is True
            assert ctx.value("myasthenia.mg_adl").missing

        def test_report(evaluate_case):
            assert evaluate_case({str(MG_EXAMPLE)!r}, "{MG_RULESET}", backend="python").verdict == "eligible"

        def test_ruleset(check_ruleset):
            check_ruleset("{MG_RULESET}", backends=("python",), coverage=True)

        @pytest.mark.trialscreen_plugins(other=object())
        def test_marker(trialscreen_plugins):
            assert {{"myasthenia", "other", "core"}} <= {{p.name for p in trialscreen_plugins.plugins()}}

        def test_failing_expectation(check_ruleset, tmp_path):
            bad = tmp_path / "bad.yaml"
            bad.write_text({BAD_RULESET!r})
            check_ruleset(bad, backends=("python",))
        """))
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=4, failed=1)
    result.stdout.fnmatch_lines(["*1 of 2 inline test runs failed in ruleset*",
                                 "*child-wrongly-expected-eligible [[]python[]]*",
                                 "*verdict: expected eligible, got ineligible*"])
