"""The example third-party plugin (examples/plugins/trialscreen-myasthenia) from trialscreen's own suite, without
installing it: its own test suite runs against the source tree with the plugin object registered directly on a
PluginManager (its conftest names it to the testing kit), and the CLI screens its example patient when the
process-wide manager holds the registered plugin. The installed path (pip install in a fresh venv) is
tests/packaging/test_external_plugin.py."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

from trialscreen.plugins import manager as manager_module
from trialscreen.plugins.manager import ENV_ALLOW, ENV_DISABLE
from trialscreen.testing import make_plugin_manager

from .conftest import MG_DIR, MG_EXAMPLE, MG_RULESET, MG_SRC


def readme_verdict() -> str:
    match = re.search(r"Verdict of the example patient[^`]*`(\w+)`", (MG_DIR / "README.md").read_text(encoding="utf-8"))
    assert match, "the plugin README must state the verdict of its example patient"
    return match.group(1)


def test_plugin_own_test_suite_passes_from_the_source_tree():
    env = {k: v for k, v in os.environ.items() if k not in (ENV_ALLOW, ENV_DISABLE, "PYTEST_ADDOPTS")}
    env["PYTHONPATH"] = os.pathsep.join([str(MG_SRC), *filter(None, [env.get("PYTHONPATH")])])
    proc = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-o", "addopts=", str(MG_DIR / "tests")],
                          capture_output=True, text=True, cwd=MG_DIR, env=env, timeout=900)
    tail = (proc.stdout + proc.stderr)[-4000:]
    assert proc.returncode == 0, tail
    passed = re.search(r"(\d+) passed", proc.stdout)
    assert passed and int(passed.group(1)) >= 40, tail
    assert " failed" not in proc.stdout and " error" not in proc.stdout, tail


def test_cli_screens_the_example_patient_with_the_registered_plugin(mg_plugin, cli, monkeypatch):
    pm = make_plugin_manager({"myasthenia": mg_plugin})
    monkeypatch.setattr(manager_module, "default_manager", lambda: pm)
    import trialscreen.cli  # noqa: F401 - the CLI imports default_manager from the module at call time

    listed = cli("rulesets", "list")
    assert re.search(rf"^{re.escape(MG_RULESET)}\s+v1\.0\.0\s+32 criteria\s+\[myasthenia\]", listed.output, re.M), \
        listed.output
    result = cli("evaluate", str(MG_EXAMPLE), "--ruleset", MG_RULESET, "--format", "json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["verdict"] == readme_verdict() == "eligible"
    assert report["ruleset"]["id"] == MG_RULESET and report["cohort"]["indication"] == "MG"
    tested = cli("rulesets", "test", MG_RULESET)
    assert tested.exit_code == 0 and tested.output.rstrip().endswith(" passed, 0 failed"), tested.output
    coverage = cli("rulesets", "coverage", MG_RULESET, "--unmapped-only")
    assert coverage.exit_code == 0, coverage.output
    assert coverage.output.rstrip().endswith("0 unmapped fragment(s), 0 non-verbatim text(s)")


def test_plugin_is_not_installed_in_the_test_environment():
    """The main suite expects only the built-in plugins from entry points; the example is installed only in the
    packaging test's own venv (or by hand, and then uninstalled)."""
    import importlib.metadata

    names = {ep.name for ep in importlib.metadata.entry_points(group="trialscreen.plugins")}
    assert "myasthenia" not in names, "uninstall trialscreen-myasthenia from this environment"
