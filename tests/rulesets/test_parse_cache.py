"""The ruleset parse cache (trialscreen/rules/parse_cache.py): exact, keyed by content, never trusted blindly."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from trialscreen.errors import RulesetError
from trialscreen.rules import loader, parse_cache

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "mini-ruleset.yaml"


@pytest.fixture
def cache(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("TRIALSCREEN_CACHE_DIR", str(folder))
    monkeypatch.setattr(loader, "_PARSED", {})  # as in a new process
    return folder


def _copy(tmp_path: Path, text: str | None = None) -> Path:
    path = tmp_path / "ruleset.yaml"
    path.write_text(text if text is not None else FIXTURE.read_text(), encoding="utf-8")
    return path


def _forget_in_process() -> None:
    loader._PARSED.clear()


def test_encoding_round_trips_dates_and_strings_that_look_like_tags():
    document = {"a": dt.date(2026, 2, 28), "b": ["\x00d2026-01-01", "\x00s", "plain", 1, 2.5, True, None],
                "c": {"nested": [dt.date(1900, 1, 1), {"x": "\x00"}]}, "big": 10**300}
    assert parse_cache._decode(parse_cache._encode(document)) == document
    assert parse_cache._decode(parse_cache._encode("\x00d2026-01-01")) == "\x00d2026-01-01"  # a string, not a date


@pytest.mark.parametrize("value", [{1: "int key"}, {"t": dt.datetime(2026, 1, 1, 9, 0)}, {"s": {1, 2}}])
def test_what_json_cannot_hold_exactly_is_not_cached(cache, value):
    parse_cache.store("0" * 64, value)
    assert parse_cache.load("0" * 64) is None and not list(cache.glob("*.json"))


def test_second_load_reads_the_cache_not_the_yaml(cache, tmp_path, monkeypatch):
    path = _copy(tmp_path)
    first = loader.load_ruleset_file(path)
    [entry] = cache.glob("ruleset-*.json")
    assert first.sha256 in entry.name
    _forget_in_process()

    def no_parse(*_a, **_k):
        raise AssertionError("parsed the YAML although the cache holds it")

    monkeypatch.setattr(loader, "parse_document", no_parse)
    second = loader.load_ruleset_file(path)
    assert second.ruleset == first.ruleset and second.raw == first.raw and second.sha256 == first.sha256


def test_changed_text_is_parsed_again(cache, tmp_path):
    path = _copy(tmp_path)
    loader.load_ruleset_file(path)
    _forget_in_process()
    path.write_text(FIXTURE.read_text().replace("Mini fixture ruleset", "Mini fixture ruleset, edited"))
    assert loader.load_ruleset_file(path).ruleset.title == "Mini fixture ruleset, edited (tests only)"
    assert len(list(cache.glob("ruleset-*.json"))) == 2


def test_corrupt_or_invalid_entry_is_ignored_and_the_yaml_parsed(cache, tmp_path):
    path = _copy(tmp_path)
    good = loader.load_ruleset_file(path)
    [entry] = cache.glob("ruleset-*.json")
    for bad in ('{"truncated": ', '{"id": 3}', "[]", "\x00\x01"):
        entry.write_text(bad)
        _forget_in_process()
        assert loader.load_ruleset_file(path).ruleset == good.ruleset


def test_invalid_ruleset_is_not_cached_and_its_error_names_the_line(cache, tmp_path):
    path = _copy(tmp_path, FIXTURE.read_text().replace("op: \">=\", value: 50", "op: \"=>\", value: 50"))
    for _ in range(2):
        _forget_in_process()
        with pytest.raises(RulesetError) as caught:
            loader.load_ruleset_file(path)
        assert "criterion 'inc-plt'" in str(caught.value) and "(line 21)" in str(caught.value)
    assert not list(cache.glob("*.json"))


def test_cache_off_and_unwritable_cache_change_nothing(tmp_path, monkeypatch):
    monkeypatch.setattr(loader, "_PARSED", {})
    path = _copy(tmp_path)
    monkeypatch.setenv("TRIALSCREEN_CACHE_DIR", "off")
    assert parse_cache.cache_dir() is None
    expected = loader.load_ruleset_file(path).ruleset
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder would be")
    monkeypatch.setenv("TRIALSCREEN_CACHE_DIR", str(blocker / "cache"))
    _forget_in_process()
    assert loader.load_ruleset_file(path).ruleset == expected


def test_default_location_follows_xdg(monkeypatch, tmp_path):
    monkeypatch.delenv("TRIALSCREEN_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert parse_cache.cache_dir() == tmp_path / "trialscreen"
