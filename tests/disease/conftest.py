"""Helpers shared by the disease-plugin tests (imported with ``from .conftest import ...``).

* `record_context`, `record_value`, `evidence_text`, `evidence_labels`, `med`, `meds`: a `ScreeningContext` (or
  one value) for a small patient record built on a test module's base record, a result's evidence as one
  searchable string or as its labels, and medication courses;
* `ruleset_files` and the checks of the protocol-ruleset tests (test_*_protocol_rulesets.py): a test module writes
  small rulesets quoting one protocol to a temporary folder and checks them the way
  tests/rulesets/test_inline_cases.py checks the fixture rulesets. The assertions stay in the test modules.
"""

from __future__ import annotations

import copy
import tempfile
from collections.abc import Callable, Iterable, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from trialscreen.cli import main
from trialscreen.facts.context import ScreeningContext
from trialscreen.facts.record import normalise
from trialscreen.model.patient import Patient
from trialscreen.plugins.manager import default_manager
from trialscreen.plugins.types import ValueResult
from trialscreen.rules.loader import LoadedRuleset, load_ruleset_file

ROOT = Path(__file__).resolve().parents[2]
#: Where protocol texts are found: the shared protocols beside the repository, then the repository's own sources.
PROTOCOL_DIRS = (ROOT.parent / "shared" / "protocols", ROOT / "rulesets" / "sources")


# -- patient records ------------------------------------------------------------------------------------------


def record_context(base: Mapping[str, Any], **overrides: Any) -> ScreeningContext:
    """The context a value or predicate sees for `base` with top-level fields replaced by `overrides`, on its
    screening date, with the installed plugins."""
    patient = Patient.model_validate({**copy.deepcopy(dict(base)), **overrides})
    plugins = default_manager()
    return ScreeningContext(normalise(patient, plugins), patient.screening.date, plugins)


def record_value(base: Mapping[str, Any], vid: str, params: dict[str, Any] | None = None,
                 **record: Any) -> ValueResult:
    """Value or predicate `vid` (with `params`) for `base` with the top-level fields `record` replaced."""
    return record_context(base, **record).value(vid, params or {})


def evidence_text(result: ValueResult) -> str:
    """A result's evidence as ``label=value | label=value ...``, to search with ``in``."""
    return " | ".join(f"{e.label}={e.value}" for e in result.evidence)


def evidence_labels(result: ValueResult) -> list[str]:
    """The labels of a result's evidence, in order."""
    return [e.label for e in result.evidence]


def med(drug: str, start: str, end: str | None = None, **extra: Any) -> dict[str, Any]:
    """A medication course from `start`: ended on `end`, or ongoing without one; `extra` fields as given."""
    out = {"drug": drug, "start_date": start, **extra}
    if end is None:
        out["ongoing"] = True
    else:
        out["end_date"] = end
    return out


def meds(*items: dict[str, Any], complete: bool = True) -> dict[str, Any]:
    """The ``medications`` section: these courses, and whether the history is complete."""
    return {"complete": complete, "items": list(items)}


# -- protocol rulesets written by a test module ------------------------------------------------------------------


def ruleset_files(rulesets: Mapping[str, str],
                  prefix: str) -> tuple[Callable[[str], Path], Callable[[str], LoadedRuleset]]:
    """(path, loaded): each ruleset text of `rulesets` written once to a temporary folder named `prefix`…, and
    loaded once."""

    @lru_cache(maxsize=None)
    def path(name: str) -> Path:
        folder = Path(tempfile.mkdtemp(prefix=prefix))
        out = folder / f"{name}.yaml"
        out.write_text(rulesets[name].lstrip(), encoding="utf-8")
        return out

    @lru_cache(maxsize=None)
    def loaded(name: str) -> LoadedRuleset:
        return load_ruleset_file(path(name))

    return path, loaded


def unexercised_criteria(loaded: LoadedRuleset) -> list[str]:
    """Criteria without both a positive (met / review) and a negative (not met / not applicable) inline case."""
    seen: dict[str, set[str]] = {}
    for case in loaded.ruleset.tests:
        for cid, outcome in case.expect.criteria.items():
            seen.setdefault(cid, set()).add(outcome)
    positive, negative = {"met", "review"}, {"not_met", "not_applicable"}
    return [c.id for c in loaded.ruleset.criteria
            if not (positive & seen.get(c.id, set()) and negative & seen.get(c.id, set()))]


def texts_not_in_protocol(loaded: LoadedRuleset) -> list[str]:
    """Criteria whose text is not verbatim in the ruleset's protocol; skips the test without the protocol text."""
    name = loaded.ruleset.source.file
    source = next((d / name for d in PROTOCOL_DIRS if (d / name).is_file()), None)
    if source is None:
        pytest.skip(f"protocol text {name} not available")
    protocol = source.read_text(encoding="utf-8")
    return [c.id for c in loaded.ruleset.criteria if c.text not in protocol]


def _used(node: Any, out: set[str]) -> set[str]:
    """Every predicate id and plugin value id a condition tree uses."""
    if isinstance(node, dict):
        if "predicate" in node:
            out.add(node["predicate"]["id"])
        elif "fact" in node:
            out.add(node["fact"])
        for value in node.values():
            _used(value, out)
    elif isinstance(node, list):
        for value in node:
            _used(value, out)
    return out


def unused_plugin_ids(prefix: str, rulesets: Iterable[LoadedRuleset]) -> set[str]:
    """Values and predicates registered under `prefix` (``"aav."``) that no criterion of `rulesets` uses."""
    used: set[str] = set()
    for loaded in rulesets:
        for crit in loaded.raw["criteria"]:
            _used(crit["condition"], used)
    plugins = default_manager()
    registered = {vid for vid in (*plugins.values, *plugins.predicates) if vid.startswith(prefix)}
    return registered - used


def cli_rulesets_test(path: Path) -> Result:
    """``trialscreen rulesets test PATH --backend python`` run in-process."""
    return CliRunner().invoke(main, ["rulesets", "test", str(path), "--backend", "python"])


class ProtocolRulesetSuite:
    """The checks every disease module's protocol rulesets get. A test module subclasses it (``class
    TestAavProtocolRulesets(ProtocolRulesetSuite)``) with its ruleset texts; `pytest_generate_tests` below runs
    each check once per ruleset (``ruleset_name``) and, for the inline cases, once per backend."""

    RULESETS: dict[str, str]  # name -> ruleset YAML quoting one protocol
    MIN_CASES: int  # inline test cases each ruleset must have at least
    PLUGIN_PREFIX: str  # "aav.": every value and predicate of the plugin must be used by a ruleset
    FIXTURE: Path | None = None  # the plugin's fixture ruleset, counted by that check

    @classmethod
    def files(cls) -> tuple[Callable[[str], Path], Callable[[str], LoadedRuleset]]:
        if "_files" not in cls.__dict__:
            cls._files = ruleset_files(cls.RULESETS, f"{cls.__name__.lower()}-")
        return cls._files

    def path(self, name: str) -> Path:
        return self.files()[0](name)

    def loaded(self, name: str) -> LoadedRuleset:
        return self.files()[1](name)

    def test_inline_cases(self, ruleset_name: str, backend: str) -> None:
        """Every inline case passes (the durable backend runs in a forked child)."""
        from trialscreen.testing import assert_ruleset_tests_pass

        assert assert_ruleset_tests_pass(self.loaded(ruleset_name), default_manager(),
                                         backends=(backend,)) >= self.MIN_CASES

    def test_every_criterion_is_exercised(self, ruleset_name: str) -> None:
        assert not unexercised_criteria(self.loaded(ruleset_name))

    def test_criterion_texts_are_verbatim(self, ruleset_name: str) -> None:
        assert texts_not_in_protocol(self.loaded(ruleset_name)) == []

    def test_cli_rulesets_test(self, ruleset_name: str) -> None:
        result = cli_rulesets_test(self.path(ruleset_name))
        assert result.exit_code == 0, result.output
        assert " 0 failed" in result.output

    def test_every_value_and_predicate_is_used_by_a_ruleset(self) -> None:
        fixtures = (load_ruleset_file(self.FIXTURE),) if self.FIXTURE else ()
        assert unused_plugin_ids(self.PLUGIN_PREFIX, (*fixtures, *(self.loaded(n) for n in self.RULESETS))) == set()


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    cls = metafunc.cls
    if cls is None or not issubclass(cls, ProtocolRulesetSuite):
        return
    if "ruleset_name" in metafunc.fixturenames:
        metafunc.parametrize("ruleset_name", sorted(cls.RULESETS))
    if "backend" in metafunc.fixturenames:
        metafunc.parametrize("backend", ["python", "durable"])
