"""Testing kit for plugin authors, and a pytest plugin (like pytest's ``pytester``).

Installing trialscreen registers this module with pytest (entry point ``pytest11: trialscreen``), so a plugin's
own test suite gets these fixtures without importing anything:

``trialscreen_plugins``
    A `PluginManager` with the built-in plugins plus the plugins under test. Name them by overriding the
    ``trialscreen_extra_plugins`` fixture in your ``conftest.py`` (``return {"myasthenia": plugin}``) or per test
    with ``@pytest.mark.trialscreen_plugins(myasthenia=plugin)``. The plugin objects are registered directly,
    so the tests run the same whether or not your distribution is installed, and other external plugins
    installed in the environment never leak in.
``screening_context``
    ``screening_context(patient, as_of=None)`` → a `ScreeningContext`, what a value's ``compute`` receives:
    ``ctx.value("myasthenia.mg_adl")`` runs a value exactly as a ruleset would (errors contained, memoised).
``evaluate_case``
    ``evaluate_case(patient, ruleset, as_of=None, backend="durable")`` → the `Report` for a patient (a dict, a
    file path or a `Patient`) against a ruleset id or path.
``check_ruleset``
    ``check_ruleset(ruleset)`` runs the ruleset's inline tests on both backends, and fails the test with every
    failing case's messages; ``check_ruleset(ruleset, coverage=True)`` also runs the coverage audit.

A patient dict may be minimal: ``id`` defaults to ``"test-patient"`` and ``screening.date`` to ``as_of``.

Everything is also usable without the fixtures: `make_plugin_manager`, `make_patient`, `make_context`,
`evaluate_case`, `assert_ruleset_tests_pass`, `assert_ruleset_coverage`, `outcomes`.

This module imports trialscreen lazily, so loading it as a pytest plugin costs nothing until a fixture is used.
"""

from __future__ import annotations

import contextlib
import copy
import datetime as dt
import os
import pickle
import signal
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:  # pragma: no cover
    from trialscreen.facts.context import ScreeningContext
    from trialscreen.model.patient import Patient
    from trialscreen.plugins.manager import PluginManager
    from trialscreen.report import Report
    from trialscreen.rules.loader import LoadedRuleset
    from trialscreen.rules.testing import CaseResult

PluginSpec = Mapping[str, object] | Iterable[tuple[str, object]]

#: Seconds a forked durable-rules run may take before it is killed.
ISOLATED_TIMEOUT = 300


# -- plain functions ---------------------------------------------------------------------------------------------


@contextlib.contextmanager
def _environment(**values: str | None) -> Iterator[None]:
    """Set (or, with None, unset) environment variables for the duration of the block."""
    saved = {name: os.environ.get(name) for name in values}
    try:
        for name, value in values.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _pairs(plugins: PluginSpec | None) -> list[tuple[str, object]]:
    if plugins is None:
        return []
    if isinstance(plugins, Mapping):
        return list(plugins.items())
    return [(name, obj) for name, obj in plugins]


def make_plugin_manager(plugins: PluginSpec | None = None, *, installed: bool = False) -> PluginManager:
    """A `PluginManager` with the built-in plugins and `plugins` (``{name: module_or_object}``) registered directly.

    With ``installed=False`` (the default) no external entry point is loaded, whatever is installed and whatever
    TRIALSCREEN_LOAD_PLUGINS / TRIALSCREEN_DISABLE_PLUGINS say, so a test sees exactly the built-ins and the
    plugins it names. With ``installed=True`` every installed plugin loads as in production (environment
    variables honoured), and a named plugin already loaded from its entry point is not registered twice.
    """
    from trialscreen.plugins.manager import ENV_ALLOW, ENV_DISABLE, PluginManager

    if installed:
        pm = PluginManager()
    else:
        with _environment(**{ENV_ALLOW: "", ENV_DISABLE: None}):  # built-ins only
            pm = PluginManager()
    loaded = {info.name for info in pm.plugins()}
    for name, obj in _pairs(plugins):
        if installed and name in loaded:
            continue
        pm.register(obj, name)
    return pm


def make_patient(patient: Mapping[str, Any], as_of: dt.date | str | None = None) -> dict[str, Any]:
    """A deep copy of a patient dict with the fields every record needs filled in: ``id`` and ``screening.date``
    (from `as_of`; a record's own screening date wins)."""
    out = copy.deepcopy(dict(patient))
    out.setdefault("id", "test-patient")
    screening = dict(out.get("screening") or {})
    if "date" not in screening:
        if as_of is None:
            raise ValueError("the patient has no screening.date: pass as_of")
        screening["date"] = as_of if isinstance(as_of, dt.date) else dt.date.fromisoformat(as_of)
    out["screening"] = screening
    return out


def _as_date(value: dt.date | str | None) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(value)


def _patient_input(patient: Mapping[str, Any] | str | Path | Patient, as_of: dt.date | str | None) -> Any:
    if isinstance(patient, Mapping):
        return make_patient(patient, as_of)
    return patient


def make_context(patient: Mapping[str, Any] | str | Path | Patient, as_of: dt.date | str | None = None,
                 plugins: PluginManager | None = None) -> ScreeningContext:
    """The `ScreeningContext` a value or predicate receives, for one patient on one date (the record's screening
    date unless `as_of` is given)."""
    from trialscreen.api import normalise_patient
    from trialscreen.facts.context import ScreeningContext

    plugins = plugins or make_plugin_manager()
    record = normalise_patient(_patient_input(patient, as_of), plugins)
    return ScreeningContext(record, _as_date(as_of) or record.patient.screening.date, plugins)


def evaluate_case(patient: Mapping[str, Any] | str | Path | Patient, ruleset: str | Path | LoadedRuleset, *,
                  as_of: dt.date | str | None = None, backend: str = "durable",
                  plugins: PluginManager | None = None) -> Report:
    """Evaluate a patient against a ruleset (an installed id, a path, or a loaded ruleset) and return the Report."""
    from trialscreen.api import evaluate

    plugins = plugins or make_plugin_manager()
    return evaluate(_patient_input(patient, as_of), ruleset, as_of=_as_date(as_of), backend=backend,  # type: ignore[arg-type]
                    plugins=plugins)


def outcomes(report: Report) -> dict[str, str]:
    """``{criterion id: outcome}`` of a report, for one-line assertions."""
    return {c.id: c.outcome for c in report.criteria}


def run_isolated(fn: Callable[..., Any], *args: Any, timeout: int = ISOLATED_TIMEOUT) -> tuple[str, Any]:
    """``fn(*args)`` in a forked child, so that a native crash of durable-rules fails one test instead of killing
    pytest: ``("ok", result)``, ``("error", message)`` or ``("crashed", how it died)``. The child is killed after
    `timeout` seconds (an unguarded durable-rules pattern can loop at 100 % CPU). Without fork (not POSIX) it runs
    in-process."""
    if not hasattr(os, "fork"):
        return "ok", fn(*args)
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # child: never return into the caller
        try:
            os.close(read_fd)
            signal.alarm(timeout)
            try:
                payload = pickle.dumps(("ok", fn(*args)))
            except BaseException as exc:  # noqa: BLE001 - reported to the parent
                payload = pickle.dumps(("error", f"{type(exc).__name__}: {exc}"))
            with os.fdopen(write_fd, "wb") as out:
                out.write(payload)
        finally:
            os._exit(0)
    os.close(write_fd)
    with os.fdopen(read_fd, "rb") as inp:
        data = inp.read()
    _, status = os.waitpid(pid, 0)
    if os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        name = signal.Signals(sig).name if sig in signal.Signals._value2member_map_ else str(sig)
        return "crashed", f"killed by {name} (signal {sig})" + (" after the time limit" if sig == signal.SIGALRM else "")
    if not data:
        return "crashed", f"exited with status {os.WEXITSTATUS(status)} without a result"
    return pickle.loads(data)


def _run_isolated(fn: Callable[..., Any], *args: Any) -> Any:
    """`run_isolated`, raising on anything but a result."""
    kind, value = run_isolated(fn, *args)
    if kind == "crashed":
        raise RuntimeError(f"the durable-rules backend killed the evaluating process ({value}); compare with "
                           "backend 'python' and report it against trialscreen.engine.durable_backend")
    if kind == "error":
        raise RuntimeError(value)
    return value


def run_ruleset_tests(ruleset: str | Path | LoadedRuleset, plugins: PluginManager | None = None,
                      backends: Iterable[str] = ("durable", "python"), *, isolate: bool = True) -> list[CaseResult]:
    """Run a ruleset's inline tests on each backend; the durable one in a forked child when `isolate`."""
    from trialscreen.api import compiled_ruleset
    from trialscreen.rules.loader import LoadedRuleset, find_ruleset
    from trialscreen.rules.testing import run_ruleset_tests as run

    plugins = plugins or make_plugin_manager()
    loaded = ruleset if isinstance(ruleset, LoadedRuleset) else find_ruleset(ruleset, plugins)
    compiled_ruleset(loaded, plugins)  # compile (and report compile errors) in this process
    results: list[CaseResult] = []
    for backend in backends:
        if backend == "durable" and isolate:
            results += _run_isolated(run, loaded, plugins, (backend,))
        else:
            results += run(loaded, plugins, (backend,))
    return results


def assert_ruleset_tests_pass(ruleset: str | Path | LoadedRuleset, plugins: PluginManager | None = None,
                              backends: Iterable[str] = ("durable", "python"), *, isolate: bool = True) -> int:
    """Run the inline tests; fail (``pytest.fail``) listing every failing case and why. Returns the number run."""
    results = run_ruleset_tests(ruleset, plugins, backends, isolate=isolate)
    if not results:
        pytest.fail(f"ruleset {ruleset}: no inline tests (add a `tests:` section)", pytrace=False)
    failed = [r for r in results if not r.passed]
    if failed:
        lines = [f"{len(failed)} of {len(results)} inline test runs failed in ruleset {ruleset}:"]
        for r in failed:
            lines.append(f"  {r.name} [{r.backend}]")
            lines += [f"      {line}" for line in r.failures]
        pytest.fail("\n".join(lines), pytrace=False)
    return len(results)


def assert_ruleset_coverage(ruleset: str | Path | LoadedRuleset, plugins: PluginManager | None = None) -> None:
    """Fail unless every eligibility line of the ruleset's protocol text (``source.file`` in ``sources/`` beside
    the ruleset) is quoted by a criterion or listed as structure, and every criterion text is verbatim."""
    from trialscreen.rules.coverage import coverage
    from trialscreen.rules.loader import LoadedRuleset, find_ruleset

    plugins = plugins or make_plugin_manager()
    loaded = ruleset if isinstance(ruleset, LoadedRuleset) else find_ruleset(ruleset, plugins)
    report = coverage(loaded)
    if not report.complete:
        lines = [f"ruleset {loaded.ruleset.id}: protocol text {report.source.name} is not fully encoded"]
        lines += [f"  line {n}: UNMAPPED {' '.join(fragment.split())}" for n, fragment in report.unmapped]
        lines += [f"  NOT VERBATIM: {cid}" for cid in report.not_verbatim]
        pytest.fail("\n".join(lines), pytrace=False)


# -- pytest plugin -------------------------------------------------------------------------------------------------


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "trialscreen_plugins(**plugins): register these plugin objects ({name: module}) on the "
        "trialscreen_plugins fixture's PluginManager, besides the built-ins",
    )


@pytest.fixture
def trialscreen_extra_plugins() -> dict[str, object]:
    """The plugins under test, ``{name: module_or_object}``; override in your conftest.py."""
    return {}


@pytest.fixture
def trialscreen_plugins(request: pytest.FixtureRequest, trialscreen_extra_plugins: PluginSpec) -> PluginManager:
    """Built-in plugins + ``trialscreen_extra_plugins`` + those of a ``trialscreen_plugins`` marker."""
    plugins = dict(_pairs(trialscreen_extra_plugins))
    for marker in reversed(list(request.node.iter_markers("trialscreen_plugins"))):
        for arg in marker.args:
            plugins.update(_pairs(arg))
        plugins.update(marker.kwargs)
    return make_plugin_manager(plugins)


@pytest.fixture
def screening_context(trialscreen_plugins: PluginManager) -> Callable[..., ScreeningContext]:
    """``screening_context(patient, as_of=None)`` → `ScreeningContext` with the test's plugins."""

    def factory(patient: Mapping[str, Any] | str | Path, as_of: dt.date | str | None = None) -> ScreeningContext:
        return make_context(patient, as_of, trialscreen_plugins)

    return factory


@pytest.fixture(name="evaluate_case")
def evaluate_case_fixture(trialscreen_plugins: PluginManager) -> Callable[..., Report]:
    """``evaluate_case(patient, ruleset, as_of=None, backend="durable")`` → `Report` with the test's plugins."""

    def factory(patient: Mapping[str, Any] | str | Path, ruleset: str | Path, *, as_of: dt.date | str | None = None,
                backend: str = "durable") -> Report:
        return evaluate_case(patient, ruleset, as_of=as_of, backend=backend, plugins=trialscreen_plugins)

    return factory


@pytest.fixture
def check_ruleset(trialscreen_plugins: PluginManager) -> Callable[..., int]:
    """``check_ruleset(ruleset, backends=("durable", "python"), coverage=False)``: fail with the messages of every
    failing inline test (and, with ``coverage=True``, every unmapped protocol line)."""

    def check(ruleset: str | Path, backends: Iterable[str] = ("durable", "python"), *, coverage: bool = False) -> int:
        if coverage:
            assert_ruleset_coverage(ruleset, trialscreen_plugins)
        return assert_ruleset_tests_pass(ruleset, trialscreen_plugins, backends)

    return check
