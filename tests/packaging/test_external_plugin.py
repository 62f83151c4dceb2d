"""A third party's plugin works without touching trialscreen: in a fresh virtual environment, install trialscreen
(its wheel) and then the example plugin with ``pip install ./examples/plugins/trialscreen-myasthenia``; the
installed ``trialscreen`` command lists the plugin with its version, offers its ruleset, passes the ruleset's
inline tests and coverage audit, and gives the example patient the verdict the plugin's README states.
Skipped with TRIALSCREEN_SKIP_WHEEL=1, like tests/packaging/test_wheel.py."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PLUGIN = Path("examples") / "plugins" / "trialscreen-myasthenia"
EXAMPLE = ROOT / PLUGIN / "examples" / "mg-eligible.yaml"
RULESET = "myasthenia.gmg-cart-01"

pytestmark = pytest.mark.skipif(os.environ.get("TRIALSCREEN_SKIP_WHEEL") == "1", reason="TRIALSCREEN_SKIP_WHEEL=1")


def readme_verdict() -> str:
    match = re.search(r"Verdict of the example patient[^`]*`(\w+)`", (ROOT / PLUGIN / "README.md").read_text("utf-8"))
    assert match, "the plugin README must state the verdict of its example patient"
    return match.group(1)


def plugin_version() -> str:
    import tomllib

    return tomllib.loads((ROOT / PLUGIN / "pyproject.toml").read_text("utf-8"))["project"]["version"]


def clean_env(**extra: str) -> dict[str, str]:
    drop = {"PYTHONPATH", "TRIALSCREEN_DISABLE_PLUGINS", "TRIALSCREEN_LOAD_PLUGINS", "VIRTUAL_ENV", "PIP_USER"}
    return {**{k: v for k, v in os.environ.items() if k not in drop}, **extra}


@pytest.fixture(scope="module")
def venv(tmp_path_factory) -> Path:
    """A fresh venv with trialscreen (from its wheel) and then the example plugin, installed as a user would."""
    work = tmp_path_factory.mktemp("external-plugin")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(work), str(ROOT)], check=True,
                   env=clean_env())
    wheel = next(work.glob("trialscreen-*.whl"))
    venv = work / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "-q", "--disable-pip-version-check"]
    subprocess.run([*pip, str(wheel)], check=True, env=clean_env())
    subprocess.run([*pip, f"./{PLUGIN.as_posix()}"], check=True, cwd=ROOT, env=clean_env())
    return venv


def run(venv: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(venv / "bin" / "trialscreen"), *args], capture_output=True, text=True,
                          cwd=venv.parent, env=clean_env(**env), timeout=600)


def test_plugins_list_shows_the_plugin_with_its_version(venv):
    listed = run(venv, "plugins", "list")
    assert listed.returncode == 0, listed.stderr
    assert f"myasthenia  (trialscreen-myasthenia {plugin_version()}; trialscreen_myasthenia.plugin)" in listed.stdout
    assert "    rulesets: myasthenia.gmg-cart-01" in listed.stdout
    assert "core  (built-in" in listed.stdout and "NOT LOADED" not in listed.stdout


def test_rulesets_list_offers_its_ruleset(venv):
    listed = run(venv, "rulesets", "list")
    assert listed.returncode == 0, listed.stderr
    assert re.search(rf"^{re.escape(RULESET)}\s+v1\.0\.0\s+32 criteria\s+\[myasthenia\]", listed.stdout, re.M), \
        listed.stdout
    assert re.search(r"^nct07212322\s", listed.stdout, re.M)  # the built-in rulesets are still there


def test_example_patient_gets_the_verdict_the_readme_states(venv):
    result = run(venv, "evaluate", str(EXAMPLE), "--ruleset", RULESET, "--format", "json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["verdict"] == readme_verdict()
    assert report["ruleset"]["id"] == RULESET and report["ruleset"]["version"] == "1.0.0"
    assert report["cohort"]["indication"] == "MG"


def test_inline_tests_and_coverage_pass_from_the_installed_package(venv):
    tested = run(venv, "rulesets", "test", RULESET)
    assert tested.returncode == 0, tested.stdout + tested.stderr
    assert tested.stdout.rstrip().endswith("50 passed, 0 failed")
    covered = run(venv, "rulesets", "coverage", RULESET, "--unmapped-only")  # sources/ shipped in the wheel
    assert covered.returncode == 0, covered.stdout + covered.stderr


@pytest.mark.parametrize(("args", "env"), [(("-p", "myasthenia"), {}), ((), {"TRIALSCREEN_DISABLE_PLUGINS": "myasthenia"}),
                                           ((), {"TRIALSCREEN_LOAD_PLUGINS": ""}),
                                           (("--only-plugins", "someone_else"), {})])
def test_the_plugin_can_be_switched_off(venv, args, env):
    listed = run(venv, *args, "rulesets", "list", **env)
    assert listed.returncode == 0 and RULESET not in listed.stdout and "nct07212322" in listed.stdout
    refused = run(venv, *args, "evaluate", str(EXAMPLE), "--ruleset", RULESET, **env)
    assert refused.returncode == 1  # its ruleset is gone, and so is indication MG: a clear input error
    assert "myasthenia.gmg-cart-01" in refused.stderr and "Traceback" not in refused.stderr


def test_uninstalling_removes_it_cleanly(venv):
    subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "uninstall", "-q", "-y", "trialscreen-myasthenia"],
                   check=True, env=clean_env())
    listed = run(venv, "plugins", "list")
    assert listed.returncode == 0 and "myasthenia" not in listed.stdout
    assert run(venv, "rulesets", "list").stdout.count("nct07212322") == 1
