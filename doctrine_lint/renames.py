"""Renamed rule ids: a pack's `renamed:` map (old id → new id) keeps old ids working.

Users name rules in dérogations, baselines, profiles, `--select`/`--ignore` and the `overrides`
of their own packs. When a rule gets a clearer id, what they wrote before still designates it:
`resolve` gives the new id and warns (`RenamedRuleWarning`, printed by the command line as
"doctrine-lint: avertissement: …") so that they can update their files.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Mapping
from typing import Protocol

from .errors import LocalizedWarning, Msg


class RenamedRuleWarning(LocalizedWarning):
    """An old rule id was used: the message gives the new one."""


class _HasRenamed(Protocol):
    @property
    def renamed(self) -> dict[str, str]: ...


def renamed_ids(packs: Iterable[_HasRenamed]) -> dict[str, str]:
    """Every old id → new id of the loaded packs."""
    out: dict[str, str] = {}
    for pack in packs:
        out.update(pack.renamed)
    return out


def final_id(rule_id: str, renamed: Mapping[str, str]) -> str | None:
    """The current id of a renamed `rule_id` (following renames of renames), else None."""
    seen = {rule_id}
    current = renamed.get(rule_id)
    if current is None:
        return None
    while current in renamed and renamed[current] not in seen:
        seen.add(current)
        current = renamed[current]
    return current


def notice(where: str, old: str, new: str) -> Msg:
    return Msg(
        f"{where} : « {old} » est l'ancien identifiant de la règle {new} ; écrire {new}",
        f"{where}: rule id {old} was renamed {new}; write {new}",
    )


def resolve(rule_id: str, renamed: Mapping[str, str], where: str) -> str:
    """`rule_id`, or the id it was renamed to (with a warning naming the new id)."""
    new = final_id(rule_id, renamed)
    if new is None:
        return rule_id
    warnings.warn(RenamedRuleWarning(notice(where, rule_id, new)), stacklevel=2)
    return new
