"""The plugin under test, for trialscreen's testing kit (trialscreen.testing, loaded by pytest automatically
once trialscreen is installed). The module is registered directly on each test's PluginManager, so these tests
run the same whether or not the distribution is installed."""

from pathlib import Path

import pytest

from trialscreen_myasthenia import plugin

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def trialscreen_extra_plugins():
    return {"myasthenia": plugin}
