"""Read JSON or YAML documents safely and turn pydantic errors into messages naming the file, line and field.

YAML is read with a SafeLoader subclass (no object construction) that remembers the line of every mapping key,
so a validation error can point at the line a clinician has to fix.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

#: Patient and ruleset files larger than this are refused (a record or protocol is never near it).
MAX_INPUT_BYTES = 5 * 1024 * 1024
#: Deeper nesting than this is refused before parsing can exhaust the stack.
MAX_DEPTH = 64


class LineDict(dict):
    """A mapping that remembers the line (1-based) of each key."""

    line: int = 0
    key_lines: dict[Any, int]


class LineList(list):
    line: int = 0


# libyaml's C parser when PyYAML was built with it (10x faster on a large ruleset); the pure-Python one otherwise.
# Both are safe loaders: only plain data is constructed.
_SafeBase = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def safe_load(text: str) -> Any:
    """Plain-data YAML (no line tracking), with the C parser when available."""
    return yaml.load(text, Loader=_SafeBase)  # noqa: S506 — a safe loader


class _LineLoader(_SafeBase):  # type: ignore[misc,valid-type]
    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> LineDict:  # type: ignore[override]
        # Keys written in this mapping may override keys merged in with `<<` (YAML merge keys); two written
        # keys with the same name are an error, since one value would be silently lost.
        written = {id(k) for k, _ in node.value if k.tag != "tag:yaml.org,2002:merge"}
        self.flatten_mapping(node)
        out = LineDict()
        out.line = node.start_mark.line + 1
        out.key_lines = {}
        explicit: set[Any] = set()
        for key_node, value_node in node.value:
            key = self.construct_object(key_node, deep=True)
            try:
                hash(key)
            except TypeError as exc:
                raise yaml.constructor.ConstructorError(
                    None, None, f"unhashable key at line {key_node.start_mark.line + 1}", key_node.start_mark
                ) from exc
            is_written = id(key_node) in written
            if key in out:
                if is_written and key in explicit:
                    raise yaml.constructor.ConstructorError(
                        None, None, f"duplicate key {key!r}", key_node.start_mark
                    )
                if not is_written:
                    continue  # an earlier merge or a written key already gave this key its value
            out[key] = self.construct_object(value_node, deep=True)
            out.key_lines[key] = key_node.start_mark.line + 1
            if is_written:
                explicit.add(key)
        return out

    def construct_sequence(self, node: yaml.SequenceNode, deep: bool = False) -> LineList:  # type: ignore[override]
        out = LineList(self.construct_object(child, deep=True) for child in node.value)
        out.line = node.start_mark.line + 1
        return out


_LineLoader.add_constructor("tag:yaml.org,2002:map", _LineLoader.construct_mapping)
_LineLoader.add_constructor("tag:yaml.org,2002:seq", _LineLoader.construct_sequence)


class DocumentError(ValueError):
    """The file cannot be read as a document at all (too big, not UTF-8, bad syntax)."""


def read_text(path: str | Path, *, stdin_name: str = "<stdin>") -> tuple[str, str]:
    """The text of `path` ('-' reads stdin) and the name to show in messages."""
    if str(path) == "-":
        raw = sys.stdin.buffer.read(MAX_INPUT_BYTES + 1)
        name = stdin_name
    else:
        p = Path(path)
        name = str(p)
        try:
            if p.stat().st_size > MAX_INPUT_BYTES:
                raise DocumentError(f"file is larger than {MAX_INPUT_BYTES // (1024 * 1024)} MiB")
            raw = p.read_bytes()
        except FileNotFoundError as exc:
            raise DocumentError("no such file") from exc
        except IsADirectoryError as exc:
            raise DocumentError("is a directory, not a file") from exc
        except PermissionError as exc:
            raise DocumentError("permission denied") from exc
    if len(raw) > MAX_INPUT_BYTES:
        raise DocumentError(f"input is larger than {MAX_INPUT_BYTES // (1024 * 1024)} MiB")
    try:
        return raw.decode("utf-8-sig"), name
    except UnicodeDecodeError as exc:
        raise DocumentError(f"not UTF-8 text (byte {exc.start})") from exc


def _depth(obj: Any, limit: int = MAX_DEPTH) -> int:
    stack = [(obj, 1)]
    deepest = 0
    while stack:
        item, depth = stack.pop()
        deepest = max(deepest, depth)
        if deepest > limit:
            return deepest
        if isinstance(item, dict):
            stack.extend((v, depth + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, depth + 1) for v in item)
    return deepest


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise DocumentError(f"duplicate key {key!r}: a value would be lost")
        out[key] = value
    return out


def parse_document(text: str, name: str) -> Any:
    """Parse JSON (if the file says so or looks like it) or YAML safely."""
    stripped = text.lstrip()
    try:
        if name.endswith(".json") or stripped.startswith(("{", "[")) and not name.endswith((".yaml", ".yml")):
            try:
                data = json.loads(text, object_pairs_hook=_no_duplicate_keys)
            except json.JSONDecodeError as exc:
                raise DocumentError(f"invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}") from exc
            except RecursionError as exc:
                raise DocumentError(f"nested more than {MAX_DEPTH} levels deep") from exc
        else:
            data = yaml.load(text, Loader=_LineLoader)  # noqa: S506 — a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise DocumentError(f"invalid YAML{where}: {problem}") from exc
    except RecursionError as exc:
        raise DocumentError(f"nested more than {MAX_DEPTH} levels deep") from exc
    if _depth(data) > MAX_DEPTH:
        raise DocumentError(f"nested more than {MAX_DEPTH} levels deep")
    return data


def line_of(data: Any, loc: tuple[Any, ...]) -> int | None:
    """The line of the deepest element of `loc` that the YAML loader recorded."""
    line = getattr(data, "line", None)
    node = data
    for part in loc:
        if isinstance(node, LineDict) and part in node:
            line = node.key_lines.get(part, line)
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
            line = getattr(node, "line", line)
        else:
            continue  # pydantic adds union-member and tag names to loc; skip them
    return line


def format_loc(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out or "(document)"


def describe_errors(exc: ValidationError, data: Any, *, context: Any = None, limit: int = 12) -> list[str]:
    """One line per validation error: field path, line where known, what is wrong, and the value given.

    `context(loc)` may add a prefix such as ``criterion 'inc-age'``.
    """
    lines = []
    for err in exc.errors(include_url=False)[:limit]:
        loc: tuple[Any, ...] = ()
        for part in err["loc"]:
            # pydantic adds union-member and discriminator-tag names to loc; drop them and repeated keys
            if isinstance(part, str) and (part[:1].isupper() or "[" in part or (loc and loc[-1] == part)):
                continue
            loc += (part,)
        line = line_of(data, tuple(err["loc"]))
        prefix = context(tuple(err["loc"])) if context else None
        where = format_loc(loc)
        bits = [f"{prefix}: " if prefix else "", f"field '{where}'", f" (line {line})" if line else ""]
        given = err.get("input")
        shown = "" if isinstance(given, (dict, list)) else f" (got {given!r})"
        lines.append(f"{''.join(bits)}: {err['msg']}{shown}")
    extra = len(exc.errors()) - limit
    if extra > 0:
        lines.append(f"... and {extra} more")
    return lines
