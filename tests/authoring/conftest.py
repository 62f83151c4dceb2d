"""Shared helpers for the authoring tests: the example MG plugin imported from its source tree (never installed in
the test environment), fake third-party distributions on sys.path, and a CLI runner that starts from a fresh
plugin manager and leaves the plugin-selection environment variables as it found them."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from trialscreen.plugins import manager as manager_module
from trialscreen.plugins.manager import ENV_ALLOW, ENV_DISABLE

ROOT = Path(__file__).resolve().parents[2]
MG_DIR = ROOT / "examples" / "plugins" / "trialscreen-myasthenia"
MG_SRC = MG_DIR / "src"
MG_EXAMPLE = MG_DIR / "examples" / "mg-eligible.yaml"
MG_RULESET = "myasthenia.gmg-cart-01"

FAKE_MODULES = ("ts_fake_plugin", "ts_broken_plugin", "ts_sloppy_plugin", "ts_twin_plugin", "ts_raising_plugin")


@pytest.fixture(scope="session")
def mg_plugin():
    """The example plugin's hook module, imported from examples/plugins/trialscreen-myasthenia/src."""
    with pytest.MonkeyPatch.context() as mp:
        mp.syspath_prepend(str(MG_SRC))
        from trialscreen_myasthenia import plugin

        yield plugin


@pytest.fixture
def trialscreen_extra_plugins(mg_plugin):
    """For the testing kit's fixtures: the MG plugin, registered directly by object."""
    return {"myasthenia": mg_plugin}


def make_distribution(root: Path, dist: str, version: str, entry_points: dict[str, str]) -> None:
    info = root / f"{dist.replace('-', '_')}-{version}.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {dist}\nVersion: {version}\n", encoding="utf-8")
    lines = "".join(f"{name} = {target}\n" for name, target in entry_points.items())
    (info / "entry_points.txt").write_text(f"[trialscreen.plugins]\n{lines}", encoding="utf-8")


@pytest.fixture
def site(tmp_path, monkeypatch):
    """A directory on sys.path for fake distributions; their modules are forgotten afterwards, and the process-wide
    plugin manager is rebuilt for each test (and reset after it)."""
    for var in (ENV_ALLOW, ENV_DISABLE):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(manager_module, "_default", None)
    yield tmp_path
    for name in FAKE_MODULES:
        sys.modules.pop(name, None)


@pytest.fixture
def cli(monkeypatch):
    """``cli(*args, env={})`` runs the trialscreen command in-process with a fresh default plugin manager. The
    selection variables are unset unless given, and restored afterwards (the CLI's -p / --only-plugins options
    write them into os.environ)."""
    from click.testing import CliRunner

    from trialscreen.cli import main

    def run(*args: str, env: dict[str, str] | None = None):
        monkeypatch.setattr(manager_module, "_default", None)
        environment = {ENV_ALLOW: None, ENV_DISABLE: None, **(env or {})}
        return CliRunner().invoke(main, list(args), env=environment, catch_exceptions=True)

    return run
