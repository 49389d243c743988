"""A cache of validated rule packs, so that large catalogue packs are parsed once.

A pack that passed YAML loading and schema validation is stored as JSON (its data and the few
positions that compiling may still need), keyed by the SHA-256 of the file's bytes and the tool
version: an edited pack, or a new doctrine-lint, never reuses a stale entry. The cache lives in
`$DOCTRINE_LINT_CACHE_DIR`, else `$XDG_CACHE_HOME/doctrine-lint`, else `~/.cache/doctrine-lint`;
`DOCTRINE_LINT_CACHE=off` disables it. A wheel also carries entries for the shipped packs,
built at install time (hatch_build.py), so a fresh installation starts warm. Any problem with the
cache (unwritable, corrupt) is ignored: the pack is then simply loaded from its YAML.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from . import __version__
from .document import Document, PathKey, Span
from .resources import data_root

_MEMORY: dict[str, Document] = {}


def cache_dir() -> Path | None:
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


def _kept(path: PathKey) -> bool:
    """Positions that compiling a valid pack can still report or show."""
    if len(path) <= 2:
        return True
    return path[0] == "rules" and (len(path) == 3 or (len(path) == 4 and path[2] == "examples"))


def get(raw: bytes, display: str) -> Document | None:
    """The validated document for these bytes, from memory or disk, or None."""
    key = _key(raw)
    doc = _MEMORY.get(key)
    if doc is not None:
        return Document(display, doc.data, doc.index, doc.sha256)
    folder = cache_dir()
    if folder is None:
        return None
    candidates = [bundled_dir() / f"{key}.json", folder / f"{key}.json"]
    entry = next((c for c in candidates if c.is_file()), None)
    if entry is None:
        return None
    try:
        stored = json.loads(entry.read_text(encoding="utf-8"))
        index = {tuple(e[0]): Span(*e[1:]) for e in stored["index"]}
        doc = Document(display, stored["data"], index, hashlib.sha256(raw).hexdigest())
    except (OSError, ValueError, KeyError, TypeError):
        return None
    # A cache restored from elsewhere (a CI cache, a copied home) may hold anything: an entry
    # must still be a valid pack, or it is ignored and the YAML is read again.
    if not _valid(doc.data):
        return None
    _MEMORY[key] = doc
    return doc


def _valid(data: Any) -> bool:
    from .validation import is_valid

    return is_valid(data, "rulepack")


def put(raw: bytes, doc: Document) -> None:
    """Remember a pack that loaded and validated cleanly."""
    key = _key(raw)
    _MEMORY[key] = doc
    folder = cache_dir()
    if folder is None:
        return
    index: list[list[Any]] = [
        [list(path), span.key_line, span.key_column, span.line, span.column]
        for path, span in doc.index.items()
        if _kept(path)
    ]
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump({"data": doc.data, "index": index}, fh, ensure_ascii=False)
        os.replace(tmp, folder / f"{key}.json")
    except OSError:
        pass  # a read-only home or a full disk only costs speed
