"""Load ruleset files: safe YAML, validation errors with file, line and criterion id, and the catalogue of
installed rulesets (contributed by plugins through ``trialscreen_rulesets``)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from trialscreen.errors import RulesetError
from trialscreen.io.files import DocumentError, describe_errors, parse_document, read_text
from trialscreen.plugins.manager import PluginManager
from trialscreen.rules import parse_cache
from trialscreen.rules.model import Ruleset


@dataclass(frozen=True)
class LoadedRuleset:
    ruleset: Ruleset
    path: Path
    sha256: str
    raw: Any


#: Parsed rulesets by (path, SHA-256 of the text): a file is parsed and validated once per process per content.
_PARSED: dict[tuple[str, str], LoadedRuleset] = {}


def load_ruleset_file(path: str | Path) -> LoadedRuleset:
    try:
        text, name = read_text(path)
    except DocumentError as exc:
        raise RulesetError(str(exc), source=str(path)) from exc
    sha = hashlib.sha256(text.encode("utf-8")).hexdigest()
    cached = _PARSED.get((str(path), sha))
    if cached is not None:
        return cached
    ruleset, data = _parse(text, name, str(path), sha)
    loaded = _PARSED[(str(path), sha)] = LoadedRuleset(ruleset, Path(path), sha, data)
    return loaded


def _parse(text: str, name: str, source: str, sha: str) -> tuple[Ruleset, Any]:
    """The validated ruleset and the document it came from: from the parse cache when this exact text was parsed
    before (rules/parse_cache.py), else parsed with line tracking so that errors can name lines."""
    cached = parse_cache.load(sha)
    if isinstance(cached, dict):
        try:
            return Ruleset.model_validate(cached), cached
        except ValidationError:
            pass  # an entry this version did not write: parse the text
    try:
        data = parse_document(text, name)
    except DocumentError as exc:
        raise RulesetError(str(exc), source=source) from exc
    if not isinstance(data, dict):
        raise RulesetError("a ruleset must be a mapping with id, title, version, source, cohorts and criteria", source=source)
    try:
        ruleset = Ruleset.model_validate(data)
    except ValidationError as exc:
        def context(loc: tuple[Any, ...]) -> str | None:
            if len(loc) >= 2 and loc[0] == "criteria" and isinstance(loc[1], int):
                items = data.get("criteria") or []
                if loc[1] < len(items) and isinstance(items[loc[1]], dict):
                    return f"criterion {items[loc[1]].get('id', '#' + str(loc[1]))!r}"
            return None

        raise RulesetError("the ruleset does not validate", source=source,
                           problems=describe_errors(exc, data, context=context)) from exc
    parse_cache.store(sha, data)
    return ruleset, data


def installed_rulesets(plugins: PluginManager) -> dict[str, Path]:
    return {rid: src.path for rid, src in sorted(plugins.rulesets.items())}


def find_ruleset(ref: str | Path, plugins: PluginManager) -> LoadedRuleset:
    """An installed ruleset by id, or a ruleset file by path."""
    installed = installed_rulesets(plugins)
    if str(ref) in installed:
        loaded = load_ruleset_file(installed[str(ref)])
        if loaded.ruleset.id != str(ref):
            raise RulesetError(f"file declares id {loaded.ruleset.id!r}, but is installed as {ref!r}", source=str(loaded.path))
        return loaded
    path = Path(ref)
    if path.suffix in (".yaml", ".yml", ".json") or path.exists():
        return load_ruleset_file(path)
    known = ", ".join(installed) or "none"
    raise RulesetError(f"no installed ruleset {str(ref)!r} and no such file (installed: {known})")
