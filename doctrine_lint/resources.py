"""Locate the data the tool ships: rule packs and JSON Schemas.

In a built wheel they live in `doctrine_lint/_data/`; in a source checkout or an editable
install they are the repository's top-level `rules/` and `schemas/` folders.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


@lru_cache(maxsize=1)
def data_root() -> Path:
    bundled = _PACKAGE / "_data"
    if (bundled / "schemas").is_dir():
        return bundled
    return _PACKAGE.parent


def rules_dir() -> Path:
    return data_root() / "rules"


def schema_path(name: str) -> Path:
    """Path of a shipped schema, by short name: manifest, rulepack, report, profile, config, diff,
    review."""
    return data_root() / "schemas" / f"{name}.schema.json"


def shipped_packs() -> list[Path]:
    """The shipped rule packs, in a stable order."""
    return sorted(rules_dir().glob("*.yaml"))
