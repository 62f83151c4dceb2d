"""The limits docs/input-limits.md promises, each at its edge: just inside is read, just outside is refused with
a message that says why and where."""

from __future__ import annotations

import pytest

from trialscreen.io.files import (MAX_DEPTH, MAX_INPUT_BYTES, MAX_INT_DIGITS, MAX_MAPPING_KEYS, MAX_VALUES,
                                  DocumentError, parse_document, read_text)


def refused(text: str, name: str = "x.yaml") -> str:
    with pytest.raises(DocumentError) as caught:
        parse_document(text, name)
    return str(caught.value)


def test_size_limit(tmp_path):
    path = tmp_path / "p.yaml"
    path.write_bytes(b"a: 1\n#" + b"x" * (MAX_INPUT_BYTES - 6))
    assert read_text(path)[0].startswith("a: 1")
    path.write_bytes(b"a: 1\n#" + b"x" * (MAX_INPUT_BYTES - 5))
    with pytest.raises(DocumentError, match="larger than 5 MiB"):
        read_text(path)


@pytest.mark.parametrize("raw, ok", [
    ("a: é\n".encode(), True),
    (b"\xef\xbb\xbfa: 1\n", True),  # a UTF-8 byte-order mark
    ("a: é\n".encode("utf-16"), False),
    ("a: é\n".encode("latin-1"), False),
])
def test_only_utf8_is_read(tmp_path, raw, ok):
    path = tmp_path / "p.yaml"
    path.write_bytes(raw)
    if ok:
        assert parse_document(read_text(path)[0], "p.yaml")["a"] in ("é", 1)
    else:
        with pytest.raises(DocumentError, match=r"not UTF-8 text \(byte \d+\)"):
            read_text(path)


@pytest.mark.parametrize("name", ["x.yaml", "x.json"])
def test_depth_limit(name):
    inside = "[" * MAX_DEPTH + "]" * MAX_DEPTH
    assert parse_document(inside, name) == parse_document(inside, name)
    assert f"nested more than {MAX_DEPTH} levels deep" in refused("[" + inside + "]", name)


@pytest.mark.parametrize("name", ["x.yaml", "x.json"])
def test_value_limit(name):
    # a list holding n scalars is n + 1 values
    assert len(parse_document("[" + ",".join(["1"] * (MAX_VALUES - 1)) + "]", name)) == MAX_VALUES - 1
    assert f"more than {MAX_VALUES:,} values" in refused("[" + ",".join(["1"] * MAX_VALUES) + "]", name)


def test_mapping_key_limit_after_merges():
    keys = ", ".join(f"k{i}: 1" for i in range(MAX_MAPPING_KEYS // 2))
    inside = f"a: &a {{{keys}}}\nb: {{<<: *a, z: 1}}\n"
    assert len(parse_document(inside, "x.yaml")["b"]) == MAX_MAPPING_KEYS // 2 + 1
    # merged pairs are counted before repeated keys collapse: 5,000 + 5,001 + 1 pairs
    outside = f"a: &a {{{keys}}}\nb: &b {{<<: *a, z: 1}}\nc: {{<<: [*a, *b], y: 1}}\n"
    assert f"more than {MAX_MAPPING_KEYS:,} keys" in refused(outside)
    big = ", ".join(f"k{i}: 1" for i in range(MAX_MAPPING_KEYS + 1))
    assert f"more than {MAX_MAPPING_KEYS:,} keys" in refused(f"a: &a {{{big}}}\nb: {{<<: *a}}\n")


@pytest.mark.parametrize("name", ["x.yaml", "x.json"])
def test_integer_digit_limit(name):
    text = "[" + "9" * MAX_INT_DIGITS + "]"
    assert parse_document(text, name)[0] == int("9" * MAX_INT_DIGITS)
    assert f"more than {MAX_INT_DIGITS:,} digits" in refused("[" + "9" * (MAX_INT_DIGITS + 1) + "]", name)


@pytest.mark.parametrize("tag, ok", [
    ("!!str 12", True), ("!!timestamp 2026-01-01", True), ("!!float '1.5'", True),
    ("!!set {a, b}", False), ("!!binary aGVsbG8=", False), ("!!omap [a: 1]", False), ("!!pairs [a: 1, a: 2]", False),
    ("!custom 1", False), ("!!python/tuple [1, 2]", False),
])
def test_only_json_values_and_dates_are_built(tag, ok):
    text = f"a: 1\nb: {tag}\n"
    if ok:
        assert parse_document(text, "x.yaml")["b"] is not None
    else:
        message = refused(text)
        assert "line 2" in message
