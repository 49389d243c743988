"""Reading an input file that may be hostile: a regular file under a size limit, or a clear refusal.

Every file the CLI reads (manifests, packs, profiles, baselines, JSON reports, evidence files, the
manifest an excerpt is taken from) goes through `read_regular`; a JSON file (baseline, report)
through `read_json`, which also bounds its nesting; a manifest given as `-` is read from
standard input by `read_stream`, under the same size limit. The file is checked before anything is read:
`os.stat` refuses a directory, a named pipe, a socket or a device (`/dev/zero`, `/dev/stdin`…)
without opening it, then the file is opened without blocking (`O_NONBLOCK`: a pipe swapped in
between the two steps cannot hang the run) and checked again on the open descriptor (`fstat`), so
what is read is what was checked. At most `limit + 1` bytes are ever read, even if the file grows.
"""

from __future__ import annotations

import json
import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from .errors import Msg, UsageError

_OPEN_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_NONBLOCK", 0)
    | getattr(os, "O_NOCTTY", 0)
    | getattr(os, "O_CLOEXEC", 0)
    | getattr(os, "O_BINARY", 0)
)


STDIN_DISPLAY = "<stdin>"


@dataclass(frozen=True)
class StdinSource:
    """A manifest read from a stream (standard input: `doctrine-lint -`) rather than a file.

    `name` (`--stdin-filename`) is the file it stands for: positions, reports and baseline
    fingerprints show it, and the relative paths it names (evidence files) are read from its
    folder. Without it the manifest is shown as `<stdin>` and has no folder: it may name no
    evidence file (`evidence.merge` refuses them at their line)."""

    stream: BinaryIO | None  # None when the process has no standard input
    name: str | None = None

    @property
    def display(self) -> str:
        return self.name or STDIN_DISPLAY


@dataclass
class FileRefused(Exception):
    """Why a file was not read: `reason` is one of missing, directory, special, too-large,
    permission, unreadable; `message` is the phrase shown after `file: `, in both languages."""

    reason: str
    message: Msg
    size: int = 0

    def __str__(self) -> str:
        return self.message.fr


FILE = Msg("fichier", "file")


def _kind(mode: int) -> Msg:
    if stat.S_ISFIFO(mode):
        return Msg("un tube nommé", "a named pipe")
    if stat.S_ISSOCK(mode):
        return Msg("une socket", "a socket")
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return Msg("un périphérique", "a device")
    return Msg("un fichier spécial", "a special file")


def _check(mode: int, size: int, limit: int, noun: Msg) -> None:
    if stat.S_ISDIR(mode):
        raise FileRefused(
            "directory", Msg(f"est un répertoire, pas un {noun.fr}", f"is a directory, not a {noun.en}")
        )
    if not stat.S_ISREG(mode):
        kind = _kind(mode)
        raise FileRefused(
            "special",
            Msg(
                f"n'est pas un fichier ordinaire ({kind.fr}) : refusé sans être lu",
                f"is not a regular file ({kind.en}): refused without reading it",
            ),
        )
    if size > limit:
        raise FileRefused(
            "too-large",
            Msg(
                f"fichier trop volumineux ({size} octets, maximum {limit} octets)",
                f"file too large ({size} bytes, at most {limit} bytes)",
            ),
            size,
        )


def _unreadable(exc: OSError) -> FileRefused:
    reason = exc.strerror or str(exc)
    return FileRefused("unreadable", Msg(f"lecture impossible : {reason}", f"cannot read: {reason}"))


def read_regular(path: Path | str, limit: int, *, noun: Msg = FILE) -> bytes:
    """The bytes of `path`, refused with `FileRefused` unless it is a regular file of at most
    `limit` bytes (symbolic links are followed: it is the target that must be regular)."""
    try:
        before = os.stat(path)
        _check(before.st_mode, before.st_size, limit, noun)
        fd = os.open(path, _OPEN_FLAGS)
    except FileNotFoundError:
        raise FileRefused("missing", Msg("fichier introuvable", "file not found")) from None
    except PermissionError:
        raise FileRefused("permission", Msg("lecture refusée (permissions)", "permission denied")) from None
    except OSError as exc:
        raise _unreadable(exc) from None
    try:
        with os.fdopen(fd, "rb") as fh:
            after = os.fstat(fh.fileno())
            _check(after.st_mode, after.st_size, limit, noun)
            # one byte more than allowed: the size check holds even if the file grows meanwhile
            raw = fh.read(limit + 1)
    except OSError as exc:
        raise _unreadable(exc) from None
    if len(raw) > limit:
        raise FileRefused(
            "too-large",
            Msg(
                f"fichier trop volumineux (maximum {limit} octets)", f"file too large (at most {limit} bytes)"
            ),
            len(raw),
        )
    return raw


def read_stream(stream: BinaryIO | None, limit: int) -> bytes:
    """At most `limit` bytes of `stream` (standard input), refused with `FileRefused` beyond:
    `limit + 1` bytes are read at most, so an endless stream (`yes | doctrine-lint -`) stops
    there instead of filling the memory."""
    if stream is None:
        raise FileRefused("unreadable", Msg("entrée standard fermée", "standard input closed"))
    chunks: list[bytes] = []
    size = 0
    try:
        while size <= limit:
            chunk = stream.read(limit + 1 - size)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except (OSError, ValueError) as exc:  # ValueError: a closed stream
        raise FileRefused(
            "unreadable",
            Msg(f"lecture de l'entrée standard impossible : {exc}", f"cannot read standard input: {exc}"),
        ) from None
    if size > limit:
        raise FileRefused(
            "too-large",
            Msg(
                f"entrée standard trop volumineuse (maximum {limit} octets)",
                f"standard input too large (at most {limit} bytes)",
            ),
            size,
        )
    return b"".join(chunks)


def read_json(path: Path, limit: int, *, missing: Msg) -> Any:
    """The JSON value of file `path` (at most `limit` bytes), or a located `UsageError`: `missing`
    when there is no such file, the refusal of `read_regular`, or where the JSON is invalid.
    Nesting is bounded by the parser's recursion limit (refused, never a crash), and so is the
    length of a number (Python's int→str limit)."""
    try:
        return json.loads(read_regular(path, limit, noun=Msg("fichier JSON", "JSON file")).decode("utf-8"))
    except FileRefused as exc:
        if exc.reason == "missing":
            raise UsageError.single(str(path), 0, 0, missing) from None
        raise UsageError.single(str(path), 0, 0, exc.message) from None
    except UnicodeDecodeError as exc:
        raise UsageError.single(
            str(path), 0, 0, Msg(f"lecture impossible : {exc}", f"cannot read: {exc}")
        ) from None
    except json.JSONDecodeError as exc:
        raise UsageError.single(
            str(path), exc.lineno, exc.colno, Msg(f"JSON invalide : {exc.msg}", f"invalid JSON: {exc.msg}")
        ) from None
    except RecursionError:
        raise UsageError.single(
            str(path),
            0,
            0,
            Msg("JSON invalide : imbrication trop profonde", "invalid JSON: nesting too deep"),
        ) from None
    except ValueError:  # an integer of more than 4,300 digits (Python's int→str limit)
        raise UsageError.single(
            str(path), 0, 0, Msg("JSON invalide : nombre trop long", "invalid JSON: number too long")
        ) from None
