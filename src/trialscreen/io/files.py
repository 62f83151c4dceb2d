"""Read JSON or YAML documents safely and turn pydantic errors into messages naming the file, line and field.

YAML is read with a SafeLoader subclass (no object construction: plain mappings, lists, strings, numbers,
booleans, dates) that remembers the line of every mapping key, so a validation error can point at the line a
clinician has to fix. Before anything is built, a document must be small (`MAX_INPUT_BYTES`), shallow
(`MAX_DEPTH`) and hold a bounded number of values even after YAML aliases are followed (`MAX_VALUES`): these
bounds keep every file to a bounded time and memory, whatever it holds (docs/input-limits.md).
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

#: Patient and ruleset files larger than this are refused (a record or protocol is never near it).
MAX_INPUT_BYTES = 5 * 1024 * 1024
#: Deeper nesting than this is refused before parsing can exhaust the stack.
MAX_DEPTH = 64
#: More values than this (mappings, lists and scalars, counting each use of a YAML alias in full) are refused:
#: the largest protocol ruleset holds ~14,000; an alias "bomb" would otherwise expand to billions.
MAX_VALUES = 100_000
#: Keys in one mapping after YAML merge keys (``<<``) are applied; merges of merges would otherwise multiply.
MAX_MAPPING_KEYS = 10_000
#: Digits in one integer (Python refuses to read more than 4,300; no field needs more than a few).
MAX_INT_DIGITS = 4_300
#: The largest integer of at most MAX_INT_DIGITS decimal digits: a YAML hex, octal or binary integer
#: (``!!int 0xfff…``) is read without Python's digit limit, and would then fail when written back out.
_MAX_INT = 10**MAX_INT_DIGITS - 1


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
    """Plain-data YAML (no line tracking), with the C parser when available. For the package's own data only:
    user files go through `parse_document`, which bounds depth and size."""
    return yaml.load(text, Loader=_SafeBase)  # noqa: S506 — a safe loader


class _BoundedComposer(yaml.composer.Composer):
    """PyYAML's composer (which builds the node graph from parser events) with depth and size bounds, checked
    as each node is read: libyaml's own composer recurses in C once per level (a file of 100,000 ``[`` crashed
    the process) and slows quadratically with depth, and nothing bounds how many nodes it builds."""

    _values = 0
    _depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        self._values += 1
        if self._values > MAX_VALUES:
            raise yaml.composer.ComposerError(None, None, f"more than {MAX_VALUES:,} values",
                                              self.peek_event().start_mark)
        if not self.check_event(yaml.MappingStartEvent, yaml.SequenceStartEvent):
            return super().compose_node(parent, index)
        self._depth += 1
        if self._depth > MAX_DEPTH:
            raise yaml.composer.ComposerError(None, None, f"nested more than {MAX_DEPTH} levels deep",
                                              self.peek_event().start_mark)
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


if yaml.__with_libyaml__:
    class _Base(_BoundedComposer, yaml.cyaml.CParser, yaml.constructor.SafeConstructor, yaml.resolver.Resolver):
        """libyaml's parser (events, in C) under the bounded composer (in Python: as fast as libyaml's own)."""

        def __init__(self, stream: str) -> None:
            yaml.cyaml.CParser.__init__(self, stream)
            yaml.composer.Composer.__init__(self)
            yaml.constructor.SafeConstructor.__init__(self)
            yaml.resolver.Resolver.__init__(self)
else:  # pragma: no cover - PyYAML built without libyaml
    class _Base(_BoundedComposer, yaml.SafeLoader):  # type: ignore[no-redef]
        pass


class _LineLoader(_Base):
    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        try:
            value = super().construct_object(node, deep=deep)
            if type(value) is int and abs(value) > _MAX_INT:
                raise ValueError(f"more than {MAX_INT_DIGITS:,} digits")
            return value
        except (ValueError, OverflowError) as exc:
            # a scalar that looks like a YAML type but is not a value of it: 2026-02-30, an int of 10,000 digits
            kind = node.tag.rpartition(":")[2]
            text = node.value if isinstance(node.value, str) else ""
            shown = text if len(text) <= 40 else text[:40] + "…"
            reason = f"more than {MAX_INT_DIGITS:,} digits" if kind == "int" and len(text) > MAX_INT_DIGITS else exc
            raise yaml.constructor.ConstructorError(
                None, None, f"{shown!r} is not a valid {kind}: {reason}", node.start_mark) from exc

    def flatten_mapping(self, node: yaml.MappingNode) -> None:
        super().flatten_mapping(node)
        if len(node.value) > MAX_MAPPING_KEYS:
            raise yaml.constructor.ConstructorError(
                None, None, f"a mapping with more than {MAX_MAPPING_KEYS:,} keys (after merge keys)", node.start_mark)

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


def _not_json(loader: _LineLoader, node: yaml.Node) -> Any:
    raise yaml.constructor.ConstructorError(
        None, None, f"the tag {node.tag.rpartition(':')[2]!r} makes a value JSON cannot hold; write a list, mapping "
        "or string", node.start_mark)


# Records and rulesets hold what JSON holds (plus dates): the other safe types (sets, bytes, ordered pairs)
# would travel on to reports and digests that cannot write them.
for _tag in ("set", "binary", "omap", "pairs"):
    _LineLoader.add_constructor(f"tag:yaml.org,2002:{_tag}", _not_json)


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


def _check_tree(data: Any) -> None:
    """Depth, size counted with every alias followed (the "billion laughs"), and numbers that are not finite
    (NaN, infinity: a comparison with them is silently false). Iterative, so no input can exhaust the stack."""
    stack: list[tuple[Any, tuple[Any, ...]]] = [(data, ())]
    values = 0
    while stack:
        item, path = stack.pop()
        values += 1
        if values > MAX_VALUES:
            raise DocumentError(f"holds more than {MAX_VALUES:,} values once its YAML aliases are followed")
        if len(path) >= MAX_DEPTH:
            raise DocumentError(f"nested more than {MAX_DEPTH} levels deep (at {_where(data, path)})")
        if isinstance(item, dict):
            stack.extend((v, (*path, k)) for k, v in item.items())
        elif isinstance(item, list):
            stack.extend((v, (*path, i)) for i, v in enumerate(item))
        elif isinstance(item, float) and not math.isfinite(item):
            raise DocumentError(f"{_where(data, path)}: {item!r} is not a number (NaN and infinity are refused)")


def _where(data: Any, path: tuple[Any, ...]) -> str:
    line = line_of(data, path)
    return f"field '{format_loc(path)}'" + (f" (line {line})" if line else "")


class _JsonNumberError(ValueError):
    pass


def _json_int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_INT_DIGITS:
        raise _JsonNumberError(text)
    return int(text)


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise DocumentError(f"duplicate key {key!r}: a value would be lost")
        out[key] = value
    return out


def _line(text: str, pos: int) -> int:
    return text.count("\n", 0, pos) + 1


def _duplicate_key_line(text: str) -> int | None:
    """Where the object holding a duplicate key starts: found again with the pure-Python scanner, whose
    objects know their position (only on this error path; the C scanner is ten times faster)."""
    import json.decoder
    import json.scanner

    found: list[int] = []

    def parse_object(s_and_end: tuple[str, int], *args: Any) -> Any:
        try:
            return json.decoder.JSONObject(s_and_end, *args)
        except DocumentError:
            if not found:
                found.append(s_and_end[1] - 1)
            raise

    decoder = json.JSONDecoder(object_pairs_hook=_no_duplicate_keys)
    decoder.parse_object = parse_object  # type: ignore[assignment]
    decoder.scan_once = json.scanner.py_make_scanner(decoder)  # type: ignore[assignment]
    try:
        decoder.decode(text)
    except (DocumentError, ValueError, RecursionError):
        pass
    return _line(text, found[0]) if found else None


def _parse_json(text: str) -> Any:
    try:
        return json.loads(text, object_pairs_hook=_no_duplicate_keys, parse_int=_json_int)
    except json.JSONDecodeError as exc:
        raise DocumentError(f"invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}") from exc
    except _JsonNumberError as exc:
        digits = str(exc)
        raise DocumentError(f"a number with more than {MAX_INT_DIGITS:,} digits "
                            f"(line {_line(text, text.find(digits))})") from exc
    except DocumentError as exc:
        line = _duplicate_key_line(text)
        raise DocumentError(f"{exc}" + (f" (in the object at line {line})" if line else "")) from exc
    except RecursionError as exc:
        raise DocumentError(f"nested more than {MAX_DEPTH} levels deep") from exc


def _parse_yaml(text: str) -> Any:
    try:
        return yaml.load(text, Loader=_LineLoader)  # noqa: S506 — a SafeLoader subclass
    except yaml.reader.ReaderError as exc:
        line = _line(text, exc.position)
        raise DocumentError(f"invalid YAML at line {line}: character {exc.character!r} is not allowed "
                            f"({exc.reason})") from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise DocumentError(f"invalid YAML{where}: {problem}") from exc
    except RecursionError as exc:  # pragma: no cover - the composer stops deep documents first
        raise DocumentError(f"nested more than {MAX_DEPTH} levels deep") from exc


def parse_document(text: str, name: str) -> Any:
    """Parse JSON (if the file says so or looks like it) or YAML safely, within the size, depth and value
    bounds above; every refusal says where."""
    stripped = text.lstrip()
    if name.endswith(".json") or stripped.startswith(("{", "[")) and not name.endswith((".yaml", ".yml")):
        data = _parse_json(text)
    else:
        data = _parse_yaml(text)
    _check_tree(data)
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


def _field_path(data: Any, raw: tuple[Any, ...]) -> tuple[Any, ...]:
    """The path to the field as written in the file. pydantic's `loc` also holds union-member names
    (``Compare``, ``function-after[...]``) and discriminator tags (``fact``, ``all``), which are not keys on the
    path: a tag is the key that marks a condition's kind, followed by the field actually at fault."""
    out: list[Any] = []
    node: Any = data
    for i, part in enumerate(raw):
        if isinstance(part, str) and (part[:1].isupper() or "[" in part):
            continue
        nxt = raw[i + 1] if i + 1 < len(raw) else None
        if isinstance(node, dict) and part in node:
            child = node[part]
            is_tag = (isinstance(nxt, str) and nxt != part and nxt in node
                      and not (isinstance(child, dict) and nxt in child))
            if is_tag:
                continue
            out.append(part)
            node = child
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            out.append(part)
            node = node[part]
        elif out and out[-1] == part:
            continue  # a tag named like its field (``all``, then ``all``)
        else:
            out.append(part)  # not in the data: a missing field
            node = None
    return tuple(out)


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
        loc = _field_path(data, tuple(err["loc"]))
        line = line_of(data, loc)
        prefix = context(tuple(err["loc"])) if context else None
        where = format_loc(loc)
        bits = [f"{prefix}: " if prefix else "", f"field '{where}'", f" (line {line})" if line else ""]
        given = err.get("input")
        shown = "" if isinstance(given, (dict, list)) else f" (got {_short(given)})"
        lines.append(f"{''.join(bits)}: {err['msg']}{shown}")
    extra = len(exc.errors()) - limit
    if extra > 0:
        lines.append(f"... and {extra} more")
    return lines


def _short(value: Any, limit: int = 80) -> str:
    """A value as shown in a message: a megabyte-long string or a 4,000-digit number is cut short."""
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 256:
        return f"a number of about {int(value.bit_length() * 0.30103)} digits"
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"
