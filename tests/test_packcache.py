"""The validated-pack cache: same result as loading the YAML, keyed by content, and harmless."""

from __future__ import annotations

from pathlib import Path

import pytest

from doctrine_lint import packcache
from doctrine_lint.packs import load_pack

from .test_packs import HEADER, RULE


@pytest.fixture(autouse=True)
def private_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("DOCTRINE_LINT_CACHE_DIR", str(folder))
    # these tests are about the cache itself: on even when the suite runs with it turned off
    monkeypatch.delenv("DOCTRINE_LINT_CACHE", raising=False)
    monkeypatch.setattr(packcache, "_MEMORY", {})
    return folder


def _summary(path: Path) -> list[tuple[str, str, list[int]]]:
    pack = load_pack(path)
    return [(r.id, r.source, [e.line for e in r.examples]) for r in pack.rules]


def test_cached_pack_is_identical_to_the_parsed_one(
    tmp_path: Path, private_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(HEADER + RULE, encoding="utf-8")
    first = _summary(path)
    assert len(list(private_cache.glob("*.json"))) == 1
    monkeypatch.setattr(packcache, "_MEMORY", {})  # force the disk copy
    assert _summary(path) == first


def test_an_edited_pack_is_not_served_from_the_cache(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(HEADER + RULE, encoding="utf-8")
    load_pack(path)
    path.write_text(HEADER + RULE.replace("T-6.1-A", "T-6.1-B"), encoding="utf-8")
    assert [r.id for r in load_pack(path).rules] == ["T-6.1-B"]


def test_a_corrupt_cache_entry_is_ignored(
    tmp_path: Path, private_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(HEADER + RULE, encoding="utf-8")
    load_pack(path)
    (entry,) = private_cache.glob("*.json")
    entry.write_text("{not json", encoding="utf-8")
    monkeypatch.setattr(packcache, "_MEMORY", {})
    assert [r.id for r in load_pack(path).rules] == ["T-6.1-A"]


def test_cache_can_be_turned_off(
    tmp_path: Path, private_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DOCTRINE_LINT_CACHE", "off")
    path = tmp_path / "p.yaml"
    path.write_text(HEADER + RULE, encoding="utf-8")
    load_pack(path)
    assert not private_cache.exists()


def test_unwritable_cache_only_costs_speed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    monkeypatch.setenv("DOCTRINE_LINT_CACHE_DIR", str(blocker / "cache"))  # a folder under a file
    path = tmp_path / "p.yaml"
    path.write_text(HEADER + RULE, encoding="utf-8")
    assert [r.id for r in load_pack(path).rules] == ["T-6.1-A"]


def test_a_cached_pack_that_fails_to_compile_is_reported_with_full_positions(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from doctrine_lint.document import parse_document
    from doctrine_lint.errors import PackError

    text = HEADER + RULE.replace("equals: true}", "greater: 1}")
    path = tmp_path / "p.yaml"
    path.write_text(text, encoding="utf-8")
    # an entry written by an older run, before this pack's error could be detected
    packcache.put(path.read_bytes(), parse_document(text, str(path)))
    monkeypatch.setattr(packcache, "_MEMORY", {})  # only the disk entry, with its few positions
    with pytest.raises(PackError) as info:
        load_pack(path)
    (problem,) = info.value.problems
    assert (problem.line, problem.column) == (18, 39)


@pytest.mark.parametrize(
    "tamper",
    [
        lambda d: d["rules"][0].__setitem__("severity", "enorme"),
        lambda d: d["rules"][0]["provenance"].__setitem__("evidence", 5),
        lambda d: d["pack"].__setitem__("chapters", None),
        lambda d: d.__setitem__("rules", {}),
    ],
)
def test_a_cache_entry_that_is_not_a_valid_pack_is_ignored(
    tamper, tmp_path: Path, private_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    import json

    path = tmp_path / "p.yaml"
    path.write_text(HEADER + RULE, encoding="utf-8")
    load_pack(path)
    (entry,) = private_cache.glob("*.json")
    stored = json.loads(entry.read_text(encoding="utf-8"))
    tamper(stored["data"])
    entry.write_text(json.dumps(stored), encoding="utf-8")
    monkeypatch.setattr(packcache, "_MEMORY", {})
    pack = load_pack(path)
    assert [(r.id, r.severity.slug) for r in pack.rules] == [("T-6.1-A", "majeur")]
