"""Reading an input file that may be hostile: a regular file under a size limit, or a clear refusal.

Every file the CLI reads (manifests, packs, profiles, baselines, evidence files, the manifest an
excerpt is taken from) goes through `read_regular`. The file is checked before anything is read:
`os.stat` refuses a directory, a named pipe, a socket or a device (`/dev/zero`, `/dev/stdin`…)
without opening it, then the file is opened without blocking (`O_NONBLOCK`: a pipe swapped in
between the two steps cannot hang the run) and checked again on the open descriptor (`fstat`), so
what is read is what was checked. At most `limit + 1` bytes are ever read, even if the file grows.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

_OPEN_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_NONBLOCK", 0)
    | getattr(os, "O_NOCTTY", 0)
    | getattr(os, "O_CLOEXEC", 0)
    | getattr(os, "O_BINARY", 0)
)


@dataclass
class FileRefused(Exception):
    """Why a file was not read: `reason` is one of missing, directory, special, too-large,
    permission, unreadable; `message` is the French phrase shown after `file: `."""

    reason: str
    message: str
    size: int = 0

    def __str__(self) -> str:
        return self.message


def _check(mode: int, size: int, limit: int, noun: str) -> None:
    if stat.S_ISDIR(mode):
        raise FileRefused("directory", f"est un répertoire, pas un {noun}")
    if not stat.S_ISREG(mode):
        kind = (
            "un tube nommé"
            if stat.S_ISFIFO(mode)
            else "une socket"
            if stat.S_ISSOCK(mode)
            else "un périphérique"
            if stat.S_ISCHR(mode) or stat.S_ISBLK(mode)
            else "un fichier spécial"
        )
        raise FileRefused("special", f"n'est pas un fichier ordinaire ({kind}) : refusé sans être lu")
    if size > limit:
        raise FileRefused(
            "too-large", f"fichier trop volumineux ({size} octets, maximum {limit} octets)", size
        )


def read_regular(path: Path | str, limit: int, *, noun: str = "fichier") -> bytes:
    """The bytes of `path`, refused with `FileRefused` unless it is a regular file of at most
    `limit` bytes (symbolic links are followed: it is the target that must be regular)."""
    try:
        before = os.stat(path)
        _check(before.st_mode, before.st_size, limit, noun)
        fd = os.open(path, _OPEN_FLAGS)
    except FileNotFoundError:
        raise FileRefused("missing", "fichier introuvable") from None
    except PermissionError:
        raise FileRefused("permission", "lecture refusée (permissions)") from None
    except OSError as exc:
        raise FileRefused("unreadable", f"lecture impossible : {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "rb") as fh:
            after = os.fstat(fh.fileno())
            _check(after.st_mode, after.st_size, limit, noun)
            # one byte more than allowed: the size check holds even if the file grows meanwhile
            raw = fh.read(limit + 1)
    except OSError as exc:
        raise FileRefused("unreadable", f"lecture impossible : {exc.strerror or exc}") from None
    if len(raw) > limit:
        raise FileRefused("too-large", f"fichier trop volumineux (maximum {limit} octets)", len(raw))
    return raw
