"""The one class that talks to pluggy. Nothing else calls ``pm.hook.*``.

Load order: entry points of the ``trialscreen.plugins`` group (the built-ins ship as entry points of the
``trialscreen`` distribution, exactly as a third party's would), then plugins passed in explicitly (tests,
embedding applications). A built-in that fails to import is our bug and raises; an external one is reported in
`load_errors` and skipped. Ids provided twice raise `PluginError` naming every provider.
"""

from __future__ import annotations

import importlib.metadata
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any, TypeVar

import pluggy

from trialscreen.errors import PluginError
from trialscreen.plugins import hookspecs
from trialscreen.plugins.types import (
    AssessmentInstrument,
    DerivedValue,
    DrugClass,
    DrugEntry,
    HistoryCategory,
    Indication,
    ObservationTest,
    Predicate,
    QualitativeTest,
    RulesetSource,
)

ENTRY_POINT_GROUP = "trialscreen.plugins"
BUILTIN_DISTRIBUTION = "trialscreen"
#: Comma-separated plugin names to skip (like pytest's ``-p no:NAME``).
ENV_DISABLE = "TRIALSCREEN_DISABLE_PLUGINS"
#: When set, only these plugin names load (like datasette's ``DATASETTE_LOAD_PLUGINS``); built-ins always load.
ENV_ALLOW = "TRIALSCREEN_LOAD_PLUGINS"

T = TypeVar("T")


@dataclass(frozen=True)
class PluginInfo:
    name: str
    module: str
    distribution: str | None
    version: str | None
    builtin: bool


@dataclass(frozen=True)
class PluginLoadError:
    name: str
    distribution: str | None
    error: str


def _names(env: str) -> set[str] | None:
    raw = os.environ.get(env)
    if raw is None:
        return None
    return {part.strip() for part in raw.split(",") if part.strip()}


class PluginManager:
    """Loads plugins and hands out what they contribute, through typed getters."""

    def __init__(self, *, entry_points: bool = True, plugins: Sequence[tuple[str, object]] = ()) -> None:
        self._pm = pluggy.PluginManager(hookspecs.PROJECT)
        self._pm.add_hookspecs(hookspecs)
        self._info: dict[str, PluginInfo] = {}
        self._providers: dict[tuple[str, str], str] = {}
        self.compiled: dict[tuple[str, str], Any] = {}  # compiled rulesets, per manager (see trialscreen.api)
        self.load_errors: list[PluginLoadError] = []
        #: Seconds one plugin value or predicate may take (its own time, not that of values it asks for); a slower
        #: answer is discarded and its criteria are unknown, naming the plugin. TRIALSCREEN_PLUGIN_TIME_LIMIT sets it.
        self.plugin_time_limit = _time_limit()
        if entry_points:
            self._load_entry_points()
        for name, plugin in plugins:
            self.register(plugin, name)

    # -- loading -------------------------------------------------------------------------------------------
    def _load_entry_points(self) -> None:
        disabled = _names(ENV_DISABLE) or set()
        allowed = _names(ENV_ALLOW)
        described: dict[str, tuple[str, str]] = {}  # each dist's metadata file parsed once, not per entry point
        for ep in sorted(importlib.metadata.entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name):
            version = None
            if ep.dist is not None:
                where = str(getattr(ep.dist, "_path", id(ep.dist)))
                if where not in described:
                    meta = ep.dist.metadata
                    described[where] = (meta["Name"], meta["Version"])
                dist, version = described[where]
            else:
                dist = None
            builtin = dist == BUILTIN_DISTRIBUTION
            if not builtin and (ep.name in disabled or (allowed is not None and ep.name not in allowed)):
                continue
            if ep.name in self._info:
                other = self._info[ep.name]
                raise PluginError(
                    f"plugin name {ep.name!r} is provided by two distributions: "
                    f"{other.distribution} ({other.module}) and {dist} ({ep.value})"
                )
            try:
                module = ep.load()
                self._register(module, ep.name, ep.value, dist, version, builtin)
            except Exception as exc:  # a third party's import error must not stop screening
                if builtin:
                    raise
                self.load_errors.append(PluginLoadError(ep.name, dist, f"{type(exc).__name__}: {exc}"))

    def register(self, plugin: object, name: str) -> None:
        """Register a plugin object directly (tests, embedding applications)."""
        if name in self._info:
            raise PluginError(f"plugin name {name!r} is already registered by {self._info[name].module}")
        module = getattr(plugin, "__name__", type(plugin).__name__)
        self._register(plugin, name, module, None, None, False)

    def _register(
        self, plugin: object, name: str, module: str, dist: str | None, version: str | None, builtin: bool
    ) -> None:
        try:
            self._pm.register(plugin, name=name)
            self._pm.check_pending()
        except pluggy.PluginValidationError as exc:
            if self._pm.is_registered(plugin):
                self._pm.unregister(plugin)
            raise PluginError(f"plugin {name!r} ({dist or module}) does not match the hook contract: {exc}") from exc
        self._info[name] = PluginInfo(name, module, dist, version, builtin)
        for cached in _CACHED_GETTERS:  # a plugin registered after a getter was read must be seen
            self.__dict__.pop(cached, None)
        self._providers.clear()
        self.compiled.clear()

    # -- introspection -------------------------------------------------------------------------------------
    def plugins(self) -> list[PluginInfo]:
        return sorted(self._info.values(), key=lambda p: (not p.builtin, p.name))

    def contributions(self, plugin_name: str) -> dict[str, list[str]]:
        """What one plugin contributes, by kind, for ``trialscreen plugins list``."""
        plugin = self._pm.get_plugin(plugin_name)
        out: dict[str, list[str]] = {}
        for hook_name, key in _HOOK_KEYS.items():
            impl = getattr(plugin, hook_name, None)
            if impl is None:
                continue
            try:
                out[hook_name.removeprefix("trialscreen_")] = sorted(str(key(r)) for r in impl() or [])
            except Exception as exc:  # shown, not raised: `plugins list` must work to diagnose a broken plugin
                out[hook_name.removeprefix("trialscreen_")] = [f"ERROR {type(exc).__name__}: {exc}"]
        return out

    # -- typed getters ---------------------------------------------------------------------------------------
    def _label(self, plugin_name: str) -> str:
        info = self._info.get(plugin_name)
        if info is None or info.distribution is None:
            return repr(plugin_name)
        return f"{plugin_name!r} ({info.distribution} {info.version or ''})".replace(" )", ")")

    def _collect(self, hook_name: str, key: Callable[[Any], str]) -> dict[str, Any]:
        """Results of one hook from every plugin, keyed by id; a duplicate id raises naming every provider."""
        caller = getattr(self._pm.hook, hook_name)
        expected = _HOOK_TYPES[hook_name]
        found: dict[str, Any] = {}
        providers: dict[str, list[str]] = {}
        for impl in caller.get_hookimpls():
            try:
                records = impl.function() or []
            except Exception as exc:
                raise PluginError(f"plugin {self._label(impl.plugin_name)} failed in {hook_name}: "
                                  f"{type(exc).__name__}: {exc}") from exc
            for record in records:
                if not isinstance(record, expected):
                    raise PluginError(
                        f"plugin {self._label(impl.plugin_name)} returned {type(record).__name__} from {hook_name}; "
                        f"expected {' or '.join(t.__name__ for t in expected)} records from trialscreen.plugins.types")
                rid = key(record)
                providers.setdefault(rid, []).append(impl.plugin_name)
                found.setdefault(rid, record)
                self._providers[(hook_name, rid)] = impl.plugin_name
        clashes = {rid: names for rid, names in providers.items() if len(names) > 1}
        if clashes:
            detail = "; ".join(f"{rid!r} provided by: {', '.join(sorted(self._label(n) for n in names))}"
                               for rid, names in sorted(clashes.items()))
            raise PluginError(f"conflicting plugins found for {hook_name.removeprefix('trialscreen_')}: {detail}")
        return found

    def provider_of(self, hook_name: str, rid: str) -> str | None:
        """The plugin that provided record `rid` through `hook_name` (after that getter was read)."""
        if (hook_name, rid) not in self._providers:
            getattr(self, hook_name.removeprefix("trialscreen_"))  # fills the table
        return self._providers.get((hook_name, rid))

    def provider_info(self, plugin_name: str) -> PluginInfo | None:
        return self._info.get(plugin_name)

    @cached_property
    def indications(self) -> dict[str, Indication]:
        return self._collect("trialscreen_indications", _HOOK_KEYS["trialscreen_indications"])

    @cached_property
    def observation_tests(self) -> dict[str, ObservationTest | QualitativeTest]:
        return self._collect("trialscreen_observation_tests", _HOOK_KEYS["trialscreen_observation_tests"])

    @cached_property
    def history_categories(self) -> dict[str, HistoryCategory]:
        return self._collect("trialscreen_history_categories", _HOOK_KEYS["trialscreen_history_categories"])

    @cached_property
    def drug_classes(self) -> dict[str, DrugClass]:
        return self._collect("trialscreen_drug_classes", _HOOK_KEYS["trialscreen_drug_classes"])

    @cached_property
    def drugs(self) -> dict[str, DrugEntry]:
        drugs = self._collect("trialscreen_drugs", _HOOK_KEYS["trialscreen_drugs"])
        names: dict[str, tuple[str, str]] = {}  # normalised name or synonym -> (drug, plugin)
        for drug in drugs.values():
            unknown = [c for c in drug.classes if c not in self.drug_classes]
            if unknown:
                raise PluginError(f"drug {drug.name!r} names unknown drug class(es): {', '.join(unknown)}")
            plugin = self._providers.get(("trialscreen_drugs", drug.name), "?")
            for alias in (drug.name, *drug.synonyms):
                norm = "".join(ch for ch in alias.lower() if ch.isalnum())
                other = names.setdefault(norm, (drug.name, plugin))
                if other[0] != drug.name:
                    raise PluginError(f"drug name {alias!r} is claimed by {other[0]!r} ({self._label(other[1])}) and "
                                      f"{drug.name!r} ({self._label(plugin)})")
        return drugs

    @cached_property
    def assessment_instruments(self) -> dict[str, AssessmentInstrument]:
        return self._collect("trialscreen_assessment_instruments", _HOOK_KEYS["trialscreen_assessment_instruments"])

    @cached_property
    def values(self) -> dict[str, DerivedValue]:
        values = self._collect("trialscreen_values", _HOOK_KEYS["trialscreen_values"])
        predicates = self._collect("trialscreen_predicates", _HOOK_KEYS["trialscreen_predicates"])
        both = sorted(set(values) & set(predicates))
        if both:
            raise PluginError(f"ids used both as a value and a predicate: {', '.join(both)}")
        return values

    @cached_property
    def predicates(self) -> dict[str, Predicate]:
        self.values  # noqa: B018 — checks value/predicate id clashes once
        return self._collect("trialscreen_predicates", _HOOK_KEYS["trialscreen_predicates"])

    @cached_property
    def rulesets(self) -> dict[str, RulesetSource]:
        return self._collect("trialscreen_rulesets", _HOOK_KEYS["trialscreen_rulesets"])


_CACHED_GETTERS = ("indications", "observation_tests", "history_categories", "drug_classes", "drugs",
                   "assessment_instruments", "values", "predicates", "rulesets")

_HOOK_TYPES: dict[str, tuple[type, ...]] = {
    "trialscreen_indications": (Indication,),
    "trialscreen_observation_tests": (ObservationTest, QualitativeTest),
    "trialscreen_history_categories": (HistoryCategory,),
    "trialscreen_drug_classes": (DrugClass,),
    "trialscreen_drugs": (DrugEntry,),
    "trialscreen_assessment_instruments": (AssessmentInstrument,),
    "trialscreen_values": (DerivedValue,),
    "trialscreen_predicates": (Predicate,),
    "trialscreen_rulesets": (RulesetSource,),
}

_HOOK_KEYS: dict[str, Callable[[Any], str]] = {
    "trialscreen_indications": lambda r: r.code,
    "trialscreen_observation_tests": lambda r: r.id,
    "trialscreen_history_categories": lambda r: r.id,
    "trialscreen_drug_classes": lambda r: r.id,
    "trialscreen_drugs": lambda r: r.name,
    "trialscreen_assessment_instruments": lambda r: r.id,
    "trialscreen_values": lambda r: r.id,
    "trialscreen_predicates": lambda r: r.id,
    "trialscreen_rulesets": lambda r: r.id,
}

_default: PluginManager | None = None


DEFAULT_PLUGIN_TIME_LIMIT = 5.0
ENV_TIME_LIMIT = "TRIALSCREEN_PLUGIN_TIME_LIMIT"


def _time_limit() -> float:
    raw = os.environ.get(ENV_TIME_LIMIT)
    if raw is None or not raw.strip():
        return DEFAULT_PLUGIN_TIME_LIMIT
    try:
        limit = float(raw)
    except ValueError:
        raise PluginError(f"{ENV_TIME_LIMIT}={raw!r} is not a number of seconds") from None
    if not limit > 0 or limit == float("inf"):
        raise PluginError(f"{ENV_TIME_LIMIT}={raw!r} must be a positive, finite number of seconds")
    return limit


def default_manager() -> PluginManager:
    """The process-wide manager with every installed plugin loaded (built once)."""
    global _default
    if _default is None:
        _default = PluginManager()
    return _default


def iter_hooks() -> Iterable[str]:
    return (name for name in dir(hookspecs) if name.startswith("trialscreen_"))
