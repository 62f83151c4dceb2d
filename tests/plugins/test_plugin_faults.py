"""Issue 10, promise 4: a plugin value that raises, returns the wrong type, or is slower than the time limit makes
only the criteria that use it unknown, names itself, and changes no other criterion — on the real rulesets and
example patients, with both evaluators."""

from __future__ import annotations

import functools
import time
from pathlib import Path

import pytest

import trialscreen
from trialscreen.errors import PluginError
from trialscreen.plugins.manager import DEFAULT_PLUGIN_TIME_LIMIT, ENV_TIME_LIMIT, PluginManager

ROOT = Path(__file__).resolve().parents[2]
PATIENTS = sorted((ROOT / "examples/patients").glob("*.yaml"))
FAULTY = "core.age_years"  # a value nearly every criterion set reads (age limits)


def raises(ctx, params):
    raise RuntimeError("age service down")


def wrong_type(ctx, params):
    return {"value": 40}


def slow(ctx, params):
    time.sleep(SLOW)
    return ORIGINAL(ctx, params)


SLOW, LIMIT = 0.3, 0.25  # generous: other plugins must stay well inside the limit on a loaded CI machine
ORIGINAL = PluginManager().values[FAULTY].compute
FAULTS = {
    "raises": (raises, "failed (RuntimeError: age service down)"),
    "wrong-type": (wrong_type, "failed (TypeError: returned dict, not ValueResult)"),
    "slow": (slow, "took "),
}


@functools.lru_cache(maxsize=None)
def manager(fault: str | None) -> PluginManager:
    """One manager per fault, reused across patients (rulesets compile once per manager)."""
    return PluginManager() if fault is None else with_fault(FAULTS[fault][0])


def with_fault(compute) -> PluginManager:
    pm = PluginManager()
    pm.values[FAULTY] = pm.values[FAULTY].model_copy(update={"compute": compute})
    pm.plugin_time_limit = LIMIT
    return pm


def ruleset_of(patient: Path) -> str:
    name = patient.stem
    return next(r for r in ("renji-cd19-car-dnt", "nct06316791", "nct07212322", "zju-children-sle-cart",
                            "chec2024-181") if name.startswith(r.split("-")[0]))


@pytest.mark.parametrize("backend", ["durable", "python"])
@pytest.mark.parametrize("fault", sorted(FAULTS))
@pytest.mark.parametrize("patient", PATIENTS, ids=[p.stem for p in PATIENTS])
def test_a_faulty_plugin_changes_only_its_own_criteria(patient, fault, backend):
    rid = ruleset_of(patient)
    healthy = trialscreen.evaluate(patient, rid, backend=backend, plugins=manager(None))
    message = FAULTS[fault][1]
    faulty = trialscreen.evaluate(patient, rid, backend=backend, plugins=manager(fault))
    named = f"{FAULTY}: plugin 'core' {message}"

    flagged = 0
    for good, bad in zip(healthy.criteria, faulty.criteria, strict=True):
        assert good.id == bad.id
        if bad.outcome != good.outcome:
            # The only change a fault may cause: an answer becomes unknown, and says which plugin failed.
            assert bad.outcome == "unknown", (good.id, good.outcome, bad.outcome)
            assert any(named in m for m in bad.missing), (good.id, bad.missing)
        elif not any(named in m for m in bad.missing):
            assert bad.outcome == good.outcome
        flagged += any(named in m for m in bad.missing)
    assert flagged, "the age criterion did not report the faulty plugin"
    assert faulty.verdict != "eligible"
    assert "core" in {p.name for p in faulty.plugins}


def test_time_limit_counts_only_the_plugins_own_time():
    """A value that asks for a slow value is not blamed for that value's time; the slow one is."""
    from trialscreen.api import normalise_patient
    from trialscreen.facts.context import ScreeningContext

    pm = with_fault(slow)

    def outer(c, params):
        return c.value(FAULTY)

    pm.values["test.outer"] = pm.values[FAULTY].model_copy(update={"id": "test.outer", "compute": outer})
    record = normalise_patient(PATIENTS[0], pm)
    result = ScreeningContext(record, record.patient.screening.date, pm).value("test.outer")
    assert result.value is None
    assert len(result.missing) == 1 and result.missing[0].startswith(f"{FAULTY}: plugin 'core' took ")
    assert result.missing[0].endswith(f"(limit {LIMIT:g} s); its answer is not used")


def test_a_value_within_the_limit_is_used():
    from trialscreen.api import normalise_patient
    from trialscreen.facts.context import ScreeningContext

    pm = with_fault(slow)
    pm.plugin_time_limit = 5.0
    record = normalise_patient(PATIENTS[0], pm)
    result = ScreeningContext(record, record.patient.screening.date, pm).value(FAULTY)
    assert isinstance(result.value, (int, float)) and result.value > 0


def test_time_limit_setting(monkeypatch):
    monkeypatch.delenv(ENV_TIME_LIMIT, raising=False)
    assert PluginManager(entry_points=False).plugin_time_limit == DEFAULT_PLUGIN_TIME_LIMIT
    monkeypatch.setenv(ENV_TIME_LIMIT, "0.5")
    assert PluginManager(entry_points=False).plugin_time_limit == 0.5
    for bad in ("soon", "0", "-1", "inf", "nan"):
        monkeypatch.setenv(ENV_TIME_LIMIT, bad)
        with pytest.raises(PluginError, match=ENV_TIME_LIMIT):
            PluginManager(entry_points=False)
