"""The validated-pack cache: same result as loading the YAML, keyed by content, and harmless."""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

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
    import hashlib
    import json

    path = tmp_path / "p.yaml"
    path.write_text(HEADER + RULE, encoding="utf-8")
    load_pack(path)
    (entry,) = private_cache.glob("*.json")
    header, payload = entry.read_bytes().split(b"\n", 1)
    stored = json.loads(payload)
    tamper(stored["data"])
    # sealed again, as the tool itself would have written it: only the schema check is left
    payload = json.dumps(stored).encode()
    sealed = {**json.loads(header), "payload_sha256": hashlib.sha256(payload).hexdigest()}
    entry.write_bytes(json.dumps(sealed).encode() + b"\n" + payload)
    monkeypatch.setattr(packcache, "_MEMORY", {})
    pack = load_pack(path)
    assert [(r.id, r.severity.slug) for r in pack.rules] == [("T-6.1-A", "majeur")]


# --- Hostile caches (issue 11): an entry is used only for the exact bytes it was made from, by
# this version, from a folder and a file that only the user can write. Everything else only makes
# the run slower: the pack is read from its YAML, and nothing is left behind.

RULE_B = RULE.replace("T-6.1-A", "T-6.1-B").replace("majeur", "mineur")
ANOTHER_UID = 4242


def _pack_file(tmp_path: Path, name: str, rules: str) -> Path:
    path = tmp_path / name
    path.write_text(HEADER.replace("test-pack", Path(name).stem) + rules, encoding="utf-8")
    return path


def _entry(folder: Path, path: Path) -> Path:
    return folder / f"{packcache._key(path.read_bytes())}.json"


def _forge(victim: Path, content: Path) -> None:
    """What a hostile writer can do: an entry under the victim's name that claims the victim's
    bytes (right name, right header) but holds another valid pack's content."""
    from doctrine_lint.document import parse_document

    packcache.put(victim.read_bytes(), parse_document(content.read_text(encoding="utf-8"), str(content)))
    packcache._MEMORY.clear()


def _ids(path: Path) -> list[str]:
    packcache._MEMORY.clear()
    return [r.id for r in load_pack(path).rules]


def _leftovers(folder: Path) -> list[str]:
    return sorted(
        p.name for p in folder.iterdir() if not p.name.endswith("-" + packcache.__version__ + ".json")
    )


def _as_another_user(monkeypatch: pytest.MonkeyPatch, *paths: Path) -> None:
    """Give `paths` to another user: for real as root (os.chown), else by making the tool believe
    it runs as someone else, which is the same situation seen from the process."""
    import os

    if os.geteuid() == 0:
        for path in paths:
            os.chown(path, ANOTHER_UID, ANOTHER_UID)
    else:
        monkeypatch.setattr(packcache, "_uid", lambda: os.getuid() + 1)


def test_the_cache_folder_is_created_private(tmp_path: Path, private_cache: Path) -> None:
    import stat

    load_pack(_pack_file(tmp_path, "p.yaml", RULE))
    assert stat.S_IMODE(private_cache.stat().st_mode) == 0o700
    (entry,) = private_cache.iterdir()
    assert stat.S_IMODE(entry.stat().st_mode) == 0o600


@pytest.mark.parametrize("mode", [0o777, 0o770, 0o702, 0o720], ids=oct)
def test_a_folder_others_can_write_is_refused_with_a_warning(
    mode: int, tmp_path: Path, private_cache: Path
) -> None:
    victim = _pack_file(tmp_path, "p.yaml", RULE)
    _forge(victim, _pack_file(tmp_path, "other.yaml", RULE_B))
    private_cache.chmod(mode)
    before = sorted(private_cache.iterdir())
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert _ids(victim) == ["T-6.1-A"]
    assert sorted(private_cache.iterdir()) == before  # nothing read, nothing written there
    assert {(w.category, str(w.message)) for w in caught} == {
        (
            packcache.CacheFolderWarning,
            f"cache des packs ignoré : le dossier {private_cache} est modifiable par d'autres "
            f"utilisateurs (mode {mode:04o}) ; « chmod 700 » le rend privé",
        )
    }


def test_a_folder_owned_by_another_user_is_refused_with_a_warning(
    tmp_path: Path, private_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    victim = _pack_file(tmp_path, "p.yaml", RULE)
    _forge(victim, _pack_file(tmp_path, "other.yaml", RULE_B))
    _as_another_user(monkeypatch, private_cache, *private_cache.iterdir())
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert _ids(victim) == ["T-6.1-A"]
    assert {(w.category, str(w.message)) for w in caught} == {
        (
            packcache.CacheFolderWarning,
            f"cache des packs ignoré : le dossier {private_cache} appartient à un autre utilisateur "
            f"(uid {private_cache.stat().st_uid})",
        )
    }


def test_the_warning_is_one_line_once_per_run_on_the_command_line(
    tmp_path: Path, private_cache: Path
) -> None:
    from click.testing import CliRunner

    from doctrine_lint.cli import cli

    private_cache.mkdir(mode=0o700)
    private_cache.chmod(0o777)
    # two packs: the folder is looked at for each, and named once
    packs = [_pack_file(tmp_path, "p.yaml", RULE), _pack_file(tmp_path, "q.yaml", RULE_B)]
    args = [arg for pack in packs for arg in ("--pack", str(pack))]
    result = CliRunner().invoke(cli, ["rules", *args, "--only-packs", "--format", "json"])
    assert result.exit_code == 0, result.output
    notices = [line for line in result.stderr.splitlines() if "cache" in line]
    assert notices == [
        f"doctrine-lint: avertissement: cache des packs ignoré : le dossier {private_cache} est "
        "modifiable par d'autres utilisateurs (mode 0777) ; « chmod 700 » le rend privé"
    ]


@pytest.mark.parametrize("change", ["owner", "mode 666", "mode 620"])
def test_an_entry_another_user_could_write_is_not_read(
    change: str, tmp_path: Path, private_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os
    import stat

    victim = _pack_file(tmp_path, "p.yaml", RULE)
    _forge(victim, _pack_file(tmp_path, "other.yaml", RULE_B))
    entry = _entry(private_cache, victim)
    if change == "owner":
        if os.geteuid() != 0:
            pytest.skip("giving a file to another user needs root")
        os.chown(entry, ANOTHER_UID, ANOTHER_UID)
    else:
        entry.chmod(int(change.split()[1], 8))
    assert _ids(victim) == ["T-6.1-A"]
    # the refused entry was replaced by the user's own, private one
    assert entry.stat().st_uid == os.getuid()
    assert stat.S_IMODE(entry.stat().st_mode) == 0o600


def test_an_entry_copied_under_another_packs_name_is_refused(tmp_path: Path, private_cache: Path) -> None:
    """Valid pack content, but not the pack it is filed under: the hash is recomputed from the
    source bytes and compared with the one the entry was made from, not taken from its name."""
    import hashlib
    import shutil

    genuine = _pack_file(tmp_path, "p.yaml", RULE)
    other = _pack_file(tmp_path, "other.yaml", RULE_B)
    load_pack(genuine)
    load_pack(other)
    shutil.copyfile(_entry(private_cache, other), _entry(private_cache, genuine))
    packcache._MEMORY.clear()
    pack = load_pack(genuine)
    assert pack.sha256 == hashlib.sha256(genuine.read_bytes()).hexdigest()
    assert [(r.id, r.severity.slug) for r in pack.rules] == [("T-6.1-A", "majeur")]


def test_an_entry_made_by_another_version_is_refused(
    tmp_path: Path, private_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    victim = _pack_file(tmp_path, "p.yaml", RULE)
    current = _entry(private_cache, victim)
    with monkeypatch.context() as old:
        old.setattr(packcache, "__version__", "0.0.1")
        _forge(victim, _pack_file(tmp_path, "other.yaml", RULE_B))  # what the old version kept
        made_by_old = _entry(private_cache, victim)
    made_by_old.rename(current)  # an entry of another version under this version's name
    assert _ids(victim) == ["T-6.1-A"]
    assert f'"tool": "{packcache.__version__}"' in current.read_text(encoding="utf-8").splitlines()[0]


@pytest.mark.parametrize("keep", [0, 1, 0.5, -1, "first-object", "mid-character"])
def test_a_truncated_entry_is_refused_and_rewritten(
    keep: float | str, tmp_path: Path, private_cache: Path
) -> None:
    path = _pack_file(tmp_path, "p.yaml", RULE.replace("Règle A", "Règle é" * 50))
    load_pack(path)
    entry = _entry(private_cache, path)
    whole = entry.read_bytes()
    if keep == "first-object":
        cut = whole.index(b"}") + 1
    elif keep == "mid-character":
        cut = whole.index("é".encode()) + 1
    else:
        assert isinstance(keep, (int, float))
        cut = int(len(whole) * keep) if isinstance(keep, float) else keep if keep >= 0 else len(whole) - 1
    entry.write_bytes(whole[:cut])
    assert _ids(path) == ["T-6.1-A"]
    assert entry.read_bytes() == whole


def test_an_entry_whose_payload_lost_a_rule_is_refused(tmp_path: Path, private_cache: Path) -> None:
    """A payload cut at a rule boundary is still a valid pack (one rule fewer, one finding fewer):
    the payload's own hash, in the header, refuses it."""
    import json

    path = _pack_file(tmp_path, "p.yaml", RULE + RULE_B)
    load_pack(path)
    entry = _entry(private_cache, path)
    *header, payload = entry.read_bytes().split(b"\n")  # the payload is the last line
    stored = json.loads(payload)
    del stored["data"]["rules"][1]
    entry.write_bytes(b"".join(line + b"\n" for line in header) + json.dumps(stored).encode())
    assert _ids(path) == ["T-6.1-A", "T-6.1-B"]


class _FullDisk:
    """A file on a disk that fills up: the first `room` bytes go in, then ENOSPC (on write, or
    when the buffer is flushed at close)."""

    def __init__(self, fh: Any, room: int, at_close: bool) -> None:
        self._fh, self._room, self._at_close = fh, room, at_close

    def write(self, data: Any) -> int:
        import errno

        if self._at_close:
            return len(data)  # kept in the buffer, lost when it is flushed at close
        if len(data) > self._room:
            self._fh.write(data[: self._room])
            self._room = 0
            raise OSError(errno.ENOSPC, "No space left on device")
        self._room -= len(data)
        return int(self._fh.write(data))

    def close(self) -> None:
        import errno

        self._fh.close()
        if self._at_close:
            raise OSError(errno.ENOSPC, "No space left on device")

    def __enter__(self) -> _FullDisk:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._fh, name)


def _fail(error: int) -> Any:
    import os

    def fail(*args: object, **kwargs: object) -> None:
        raise OSError(error, os.strerror(error))

    return fail


@pytest.mark.parametrize(
    "failure", ["full at write", "full at close", "read-only at create", "read-only at rename"]
)
def test_a_full_or_read_only_cache_leaves_nothing_behind_and_only_costs_speed(
    failure: str, tmp_path: Path, private_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import errno
    import os
    import tempfile

    from click.testing import CliRunner

    from doctrine_lint.cli import cli

    pack = _pack_file(tmp_path, "p.yaml", RULE)
    private_cache.mkdir(mode=0o700)
    real_fdopen = os.fdopen

    def fdopen(fd: int, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        fh = real_fdopen(fd, mode, *args, **kwargs)
        return _FullDisk(fh, 100, failure == "full at close") if "w" in mode else fh

    if failure.startswith("full"):
        monkeypatch.setattr(os, "fdopen", fdopen)
    elif failure == "read-only at create":
        monkeypatch.setattr(tempfile, "mkstemp", _fail(errno.EROFS))
    else:
        monkeypatch.setattr(os, "replace", _fail(errno.EACCES))
    for _ in range(2):  # every run, not only the first
        result = CliRunner().invoke(cli, ["rules", "--pack", str(pack), "--only-packs", "--format", "json"])
        assert result.exit_code == 0, result.output
        assert '"T-6.1-A"' in result.stdout and "Traceback" not in result.output
    assert list(private_cache.iterdir()) == []


def test_a_read_only_cache_still_serves_its_entries(
    tmp_path: Path, private_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import errno
    import tempfile

    from doctrine_lint import packs

    path = _pack_file(tmp_path, "p.yaml", RULE)
    load_pack(path)
    monkeypatch.setattr(tempfile, "mkstemp", _fail(errno.EROFS))
    parsed: list[str] = []
    real = packs.parse_document
    monkeypatch.setattr(
        packs, "parse_document", lambda text, *a, **k: parsed.append(text) or real(text, *a, **k)
    )
    assert _ids(path) == ["T-6.1-A"]
    assert parsed == []  # served from the entry, not the YAML


def test_stale_temporary_files_of_a_killed_run_are_swept(tmp_path: Path, private_cache: Path) -> None:
    import os
    import time

    load_pack(_pack_file(tmp_path, "p.yaml", RULE))
    old, recent = private_cache / ".tmp-old.part", private_cache / ".tmp-recent.part"
    for leftover in (old, recent):
        leftover.write_bytes(b"{")
    hours_ago = time.time() - 2 * packcache.STALE_AFTER_SECONDS
    os.utime(old, (hours_ago, hours_ago))
    load_pack(_pack_file(tmp_path, "q.yaml", RULE_B))
    assert _leftovers(private_cache) == [recent.name]  # a write in progress is left alone


def test_bundled_entries_are_installed_files_checked_for_their_bytes_not_their_owner(
    tmp_path: Path, private_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The wheel's entries sit beside the code, with whatever owner and umask the installation
    gave both: they are served whatever their mode, but only for the bytes they were made from."""
    import os
    import shutil

    from doctrine_lint import packs

    bundled = tmp_path / "bundled"
    bundled.mkdir()
    genuine, other = _pack_file(tmp_path, "p.yaml", RULE), _pack_file(tmp_path, "other.yaml", RULE_B)
    for path in (genuine, other):
        load_pack(path)
        shutil.move(_entry(private_cache, path), bundled)
    for entry in bundled.iterdir():
        entry.chmod(0o664)
        if os.geteuid() == 0:
            os.chown(entry, 0, ANOTHER_UID)
    monkeypatch.setattr(packcache, "bundled_dir", lambda: bundled)
    parsed: list[str] = []
    real = packs.parse_document
    monkeypatch.setattr(
        packs, "parse_document", lambda text, *a, **k: parsed.append(text) or real(text, *a, **k)
    )
    assert _ids(genuine) == ["T-6.1-A"]
    assert parsed == []  # served from the bundled entry
    shutil.copyfile(_entry(bundled, other), _entry(bundled, genuine))
    assert _ids(genuine) == ["T-6.1-A"]
    assert len(parsed) == 1  # another pack's entry under this name: read from the YAML
