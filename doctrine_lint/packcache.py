"""A cache of validated rule packs, so that large catalogue packs are parsed once.

A pack that passed YAML loading, schema validation and compilation is stored as JSON (its data
and the few positions that compiling may still need) in `<sha256>-<version>.json`. The cache may
have been written by anyone who could reach the folder, so an entry is used only when all of
these hold (otherwise the pack is simply read from its YAML again, and the entry rewritten):

- **bound to the pack's bytes**: the entry's header records the SHA-256 of the source file and
  the tool version; the hash is recomputed from the bytes just read, at every run, and must be
  equal (the file name alone proves nothing: an entry copied under another pack's name is
  refused), as must the version;
- **whole**: the header also records the SHA-256 of the payload that follows it, so a truncated
  or edited payload is refused, and the payload of a user's entry must still be a valid pack for
  the schema (bundled entries are not validated again: they ship with the code);
- **private**: the folder belongs to the user and no one else can write to it (created 0700; a
  folder owned by another user, or writable by the group or others, is refused with a one-line
  warning and the run goes on without cache, as pip and ssh do), and the entry is a regular file
  owned by the user that neither group nor others can write.

An entry holds only what one file says: a pack that `extends` another is compiled again at every
run against that base, itself loaded (and checked) from its own bytes.

Writes are atomic (a temporary file in the same folder, then `os.replace`) and leave nothing
behind on failure: a read-only, full or refused cache only costs speed, it never fails a run.

The cache lives in `$DOCTRINE_LINT_CACHE_DIR`, else `$XDG_CACHE_HOME/doctrine-lint`, else
`~/.cache/doctrine-lint`; `DOCTRINE_LINT_CACHE=off` disables it. A wheel also carries entries for
the shipped packs, built at install time (hatch_build.py), so a fresh installation starts warm;
they are part of the installed package, trusted like its code (whatever the installation's
umask made of their mode), and get the same binding checks.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import stat
import tempfile
import time
import warnings
from pathlib import Path
from typing import Any

from . import __version__
from .document import Document, PathKey, Span
from .errors import LocalizedWarning, Msg
from .resources import data_root

FORMAT = 2
MAX_ENTRY_BYTES = 64 * 1024 * 1024  # far above the largest shipped pack's entry (~1 MB)
_NOT_OURS_TO_WRITE = stat.S_IWGRP | stat.S_IWOTH
_TMP_PREFIX, _TMP_SUFFIX = ".tmp-", ".part"
STALE_AFTER_SECONDS = 3600  # a temporary file this old belongs to no running write

_MEMORY: dict[str, Document] = {}


class CacheFolderWarning(LocalizedWarning):
    """The cache folder is not private to the user: the run goes on without cache."""


def cache_dir() -> Path | None:
    """The configured cache folder (whether or not it exists or can be used), or None if off."""
    if os.environ.get("DOCTRINE_LINT_CACHE", "").lower() in ("off", "0", "no", "non"):
        return None
    explicit = os.environ.get("DOCTRINE_LINT_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "doctrine-lint"


def bundled_dir() -> Path:
    """Entries built with the wheel for the shipped packs (read-only; see hatch_build.py)."""
    return data_root() / "packcache"


def _key(raw: bytes) -> str:
    return f"{hashlib.sha256(raw).hexdigest()}-{__version__}"


def _uid() -> int | None:
    """The user's id, or None where the system has no POSIX ownership (Windows)."""
    getuid = getattr(os, "getuid", None)
    return getuid() if getuid is not None else None


def _refusal(folder: Path, st: os.stat_result) -> Msg | None:
    """Why this existing folder cannot hold the user's cache, or None if it is private."""
    uid = _uid()
    if uid is None:
        return None
    if not stat.S_ISDIR(st.st_mode):
        return Msg("n'est pas un dossier", "is not a folder")
    if st.st_uid != uid:
        return Msg(
            f"appartient à un autre utilisateur (uid {st.st_uid})",
            f"is owned by another user (uid {st.st_uid})",
        )
    if st.st_mode & _NOT_OURS_TO_WRITE:
        mode = f"{stat.S_IMODE(st.st_mode):04o}"
        return Msg(
            f"est modifiable par d'autres utilisateurs (mode {mode}) ; « chmod 700 » le rend privé",
            f'is writable by other users (mode {mode}); "chmod 700" makes it private',
        )
    return None


def _private_folder(*, create: bool) -> Path | None:
    """The cache folder if it is the user's own (made, private, if `create`), else None."""
    folder = cache_dir()
    if folder is None:
        return None
    try:
        if create:
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        st = folder.stat()
    except OSError:
        return None  # missing, or cannot be made: no cache, silently (only slower)
    why = _refusal(folder, st)
    if why is not None:
        warnings.warn(
            CacheFolderWarning(
                Msg(
                    f"cache des packs ignoré : le dossier {folder} {why.fr}",
                    f"pack cache not used: the folder {folder} {why.en}",
                )
            ),
            stacklevel=3,
        )
        return None
    return folder


def _kept(path: PathKey) -> bool:
    """Positions that compiling a valid pack can still report or show."""
    if len(path) <= 2:
        return True
    return path[0] == "rules" and (len(path) == 3 or (len(path) == 4 and path[2] == "examples"))


def _read_entry(entry: Path, *, owned: bool) -> bytes | None:
    """The bytes of an entry that is a regular file (and, if `owned`, the user's own, that
    nobody else can write), or None. Checked on the open file: a swap after the check is moot.
    Bundled entries are installed files like the code beside them, whatever their mode."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(entry, flags | getattr(os, "O_BINARY", 0))
    except OSError:
        return None
    try:
        st = os.fstat(fd)
        uid = _uid()
        if not stat.S_ISREG(st.st_mode) or st.st_size > MAX_ENTRY_BYTES:
            return None
        if owned and uid is not None and (st.st_uid != uid or st.st_mode & _NOT_OURS_TO_WRITE):
            return None
        with os.fdopen(os.dup(fd), "rb") as fh:
            return fh.read(MAX_ENTRY_BYTES + 1)
    except OSError:
        return None
    finally:
        os.close(fd)


def _decode(blob: bytes, source_sha256: str) -> tuple[Any, Any] | None:
    """(data, index) of an entry made for exactly these source bytes by this version, or None."""
    head, newline, payload = blob.partition(b"\n")
    if not newline or len(blob) > MAX_ENTRY_BYTES:
        return None
    try:
        header = json.loads(head)
        if not (
            isinstance(header, dict)
            and header.get("format") == FORMAT
            and header.get("tool") == __version__
            and header.get("source_sha256") == source_sha256
            and header.get("payload_sha256") == hashlib.sha256(payload).hexdigest()
        ):
            return None
        stored = json.loads(payload)
        return stored["data"], stored["index"]
    except (ValueError, KeyError, TypeError):
        return None


def get(raw: bytes, display: str) -> Document | None:
    """The validated document for these bytes, from memory or disk, or None."""
    source_sha256 = hashlib.sha256(raw).hexdigest()
    key = f"{source_sha256}-{__version__}"
    doc = _MEMORY.get(key)
    if doc is not None:
        return Document(display, doc.data, doc.index, doc.sha256)
    if cache_dir() is None:
        return None
    for folder, owned in ((bundled_dir(), False), (_private_folder(create=False), True)):
        if folder is None:
            continue
        blob = _read_entry(folder / f"{key}.json", owned=owned)
        decoded = _decode(blob, source_sha256) if blob is not None else None
        if decoded is None:
            continue
        try:
            data, entries = decoded
            index = {tuple(e[0]): Span(*e[1:]) for e in entries}
        except (ValueError, KeyError, TypeError):
            continue
        # defence in depth for the user's folder: the payload must still be a valid pack, or the
        # YAML is read again. A bundled entry is part of the installed package, like the code
        # that would validate it, and is bound to its pack's bytes and to its own payload above:
        # validating it again would cost a quarter of a one-manifest run for nothing.
        if owned and not _valid(data):
            continue
        doc = Document(display, data, index, source_sha256)
        _MEMORY[key] = doc
        return doc
    return None


def _valid(data: Any) -> bool:
    from .validation import is_valid

    return is_valid(data, "rulepack")


def put(raw: bytes, doc: Document) -> None:
    """Remember a pack that loaded and validated cleanly (in memory, and on disk if possible)."""
    source_sha256 = hashlib.sha256(raw).hexdigest()
    key = f"{source_sha256}-{__version__}"
    _MEMORY[key] = doc
    folder = _private_folder(create=True)
    if folder is None:
        return
    index: list[list[Any]] = [
        [list(path), span.key_line, span.key_column, span.line, span.column]
        for path, span in doc.index.items()
        if _kept(path)
    ]
    try:
        payload = json.dumps({"data": doc.data, "index": index}, ensure_ascii=False).encode("utf-8")
    except (ValueError, TypeError):
        return
    header = {
        "format": FORMAT,
        "tool": __version__,
        "source_sha256": source_sha256,
        "payload_sha256": hashlib.sha256(payload).hexdigest(),
    }
    _sweep_stale_temporaries(folder)
    _write_atomically(folder / f"{key}.json", json.dumps(header).encode("ascii") + b"\n" + payload)


def _sweep_stale_temporaries(folder: Path) -> None:
    """Remove temporary files that a killed run (which no handler can clean up) left behind."""
    now = time.time()
    try:
        for stale in folder.glob(f"{_TMP_PREFIX}*{_TMP_SUFFIX}"):
            if now - stale.lstat().st_mtime > STALE_AFTER_SECONDS:
                stale.unlink()
    except OSError:
        pass


def _write_atomically(target: Path, blob: bytes) -> None:
    """Write `target` whole or not at all, leaving no temporary file behind whatever fails (a
    read-only folder, a full disk): a cache that cannot be written only costs speed."""
    try:
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=_TMP_PREFIX, suffix=_TMP_SUFFIX)
    except OSError:
        return
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(blob)
        os.replace(tmp, target)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if not isinstance(exc, OSError):
            raise
