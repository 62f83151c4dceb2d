"""Every ruleset's inline test cases (``tests:`` in rulesets/*.yaml), one pytest test per (ruleset, case, backend).

Each ruleset's cases run through `run_ruleset_tests`, once per backend: the plain-Python backend in-process, the
durable-rules backend in a forked child (see conftest.py), because durable-rules can kill the process natively and
would take the whole pytest run down with it. If that child dies, every case is re-run in its own child so the
failure names the case that crashes the engine. A case whose outcomes differ fails with the runner's messages.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pytest

from trialscreen.api import compiled_ruleset
from trialscreen.plugins.manager import default_manager
from trialscreen.rules.loader import LoadedRuleset, load_ruleset_file
from trialscreen.rules.testing import CaseResult, case_patients, ruleset_files, run_case, run_ruleset_tests

from .conftest import DURABLE_CRASH, run_isolated

ROOT = Path(__file__).resolve().parents[2]
# The trial rulesets, plus test-only rulesets that exercise each plugin predicate (tests/fixtures/rulesets).
RULESETS = ruleset_files(ROOT / "rulesets") + ruleset_files(ROOT / "tests" / "fixtures" / "rulesets")
BACKENDS = ("durable", "python")
PROTOCOLS = ROOT.parent / "shared" / "protocols"


@lru_cache(maxsize=None)
def _loaded(path: Path) -> LoadedRuleset:
    return load_ruleset_file(path)


def _run_all(path: Path, backend: str) -> list[CaseResult]:
    return run_ruleset_tests(_loaded(path), default_manager(), backends=(backend,))


@lru_cache(maxsize=None)
def _results(path: Path, backend: str) -> dict[str, CaseResult | str]:
    """Case name -> result, or a description of how the engine crashed on it."""
    if backend == "python":
        return {r.name: r for r in _run_all(path, backend)}
    loaded, plugins = _loaded(path), default_manager()
    compiled_ruleset(loaded, plugins)  # compile once in the parent (pure Python); children inherit it
    kind, value = run_isolated(_run_all, path, backend)
    if kind == "ok":
        return {r.name: r for r in value}
    if kind == "error":
        raise AssertionError(f"{path.name}: the durable backend raised: {value}")
    patients = case_patients(loaded)
    out: dict[str, CaseResult | str] = {}
    for case in loaded.ruleset.tests:
        kind, value = run_isolated(run_case, loaded, case, patients[case.name], plugins, backend)
        out[case.name] = value if kind == "ok" else f"{kind}: {value}"
    return out


def _params() -> list:
    params = []
    for path in RULESETS:
        loaded = _loaded(path)
        for case in loaded.ruleset.tests:
            for backend in BACKENDS:
                params.append(pytest.param(path, case.name, backend, id=f"{loaded.ruleset.id}:{case.name}:{backend}"))
    return params


@pytest.mark.parametrize(("path", "name", "backend"), _params())
def test_inline_case(path: Path, name: str, backend: str) -> None:
    result = _results(path, backend)[name]
    if isinstance(result, str):
        pytest.fail(f"{path.name}: case {name!r}: " + DURABLE_CRASH.format(how=result), pytrace=False)
    if not result.passed:
        pytest.fail(f"{path.name}: case {name!r} ({backend}):\n  " + "\n  ".join(result.failures), pytrace=False)


@pytest.mark.parametrize("path", RULESETS, ids=[p.stem for p in RULESETS])
def test_every_criterion_is_exercised(path: Path) -> None:
    """Each criterion is expected met (or review, for review-only ones) in some case, and not met (or not
    applicable, for cohort-scoped ones) in another."""
    loaded = _loaded(path)
    seen: dict[str, set[str]] = {}
    for case in loaded.ruleset.tests:
        for cid, outcome in case.expect.criteria.items():
            seen.setdefault(cid, set()).add(outcome)
    lacking = []
    for crit in loaded.ruleset.criteria:
        got = seen.get(crit.id, set())
        if not ({"met", "review"} & got and {"not_met", "not_applicable"} & got):
            lacking.append(f"{crit.id}: {sorted(got) or 'no case'}")
    assert not lacking, "criteria without both a positive and a negative case:\n" + "\n".join(lacking)


@pytest.mark.parametrize("path", RULESETS, ids=[p.stem for p in RULESETS])
def test_criterion_texts_are_verbatim(path: Path) -> None:
    """Every criterion's `text` occurs verbatim in the registry text it cites (when ../shared is present)."""
    loaded = _loaded(path)
    source = PROTOCOLS / loaded.ruleset.source.file
    if not source.is_file():
        pytest.skip(f"protocol text {source} not available")
    protocol = source.read_text(encoding="utf-8")
    not_verbatim = [c.id for c in loaded.ruleset.criteria if c.text not in protocol]
    assert not not_verbatim, f"texts not found verbatim in {source.name}: {not_verbatim}"
