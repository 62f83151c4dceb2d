"""A regular (non-editable) install works as well as the editable one: the wheel carries the built-in plugins
and the rulesets, and the installed command finds them. Builds a wheel and installs it into a fresh venv."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(os.environ.get("TRIALSCREEN_SKIP_WHEEL") == "1", reason="TRIALSCREEN_SKIP_WHEEL=1")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(out), str(ROOT)], check=True)
    return next(out.glob("trialscreen-*.whl"))


def test_wheel_contains_plugins_and_rulesets(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for package in ("trialscreen_core", "trialscreen_sle", "trialscreen_aav", "trialscreen_ssc", "trialscreen_iim",
                    "trialscreen_sjogren", "trialscreen_aps", "trialscreen_itp", "trialscreen_ra"):
        assert f"{package}/plugin.py" in names
    assert "trialscreen_core/data/drugs.yaml" in names
    assert "trialscreen/_rulesets/nct07212322.yaml" in names
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    text = zipfile.ZipFile(wheel).read(entry_points).decode()
    assert "[trialscreen.plugins]" in text and "core = trialscreen_core.plugin" in text


def test_installed_wheel_lists_and_evaluates(wheel, tmp_path):
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "-q", "--disable-pip-version-check"]
    subprocess.run([*pip, str(wheel)], check=True)
    exe = str(venv / "bin" / "trialscreen")
    run = lambda *a: subprocess.run([exe, *a], capture_output=True, text=True, cwd=tmp_path)  # noqa: E731
    listed = run("rulesets", "list")
    assert listed.returncode == 0 and "nct07212322" in listed.stdout, listed.stderr
    plugins = run("plugins", "list")
    assert "core  (built-in" in plugins.stdout and "sle  (built-in" in plugins.stdout
    result = run("evaluate", str(ROOT / "examples/patients/nct07212322-eligible.yaml"), "--ruleset", "nct07212322",
                 "--format", "json")
    assert result.returncode == 0, result.stderr
    assert '"verdict"' in result.stdout
