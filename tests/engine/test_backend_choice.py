"""Where durable-rules cannot be imported (CPython 3.13+), the plain-Python evaluator takes over with a notice,
and asking for durable-rules explicitly is a clear error, never an obscure ImportError."""

from __future__ import annotations

import pytest

from trialscreen.engine import backends, durable_backend
from trialscreen.engine.tree import Test
from trialscreen.errors import EngineError
from trialscreen.logic import Outcome


@pytest.fixture
def no_durable(monkeypatch):
    monkeypatch.setattr(durable_backend, "IMPORT_ERROR", "ImportError: undefined symbol: PyEval_CallObject")


def test_default_backend_falls_back_to_python_with_a_warning(no_durable):
    with pytest.warns(UserWarning, match="durable-rules is unavailable on this Python"):
        backend = backends.make_backend("durable", {"c": Test("x", ">=", 1.0)}, "fallback")
    assert backend.name == "python"
    assert backend.evaluate({"x": 2.0}) == {"c": Outcome.MET}


def test_explicit_durable_backend_is_a_clear_error(no_durable):
    with pytest.raises(EngineError, match=r"durable-rules 2.0.28 cannot be imported on this Python .*3.11 and 3.12"):
        backends.make_backend("durable", {"c": Test("x", ">=", 1.0)}, "fallback", explicit=True)


def test_unknown_backend_name():
    with pytest.raises(EngineError, match="unknown backend 'rete'"):
        backends.make_backend("rete", {}, "x")  # type: ignore[arg-type]
