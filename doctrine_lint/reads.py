"""Which manifest fields a pack's rules read, found in their raw conditions (no evaluation).

A path is given without list indexes (`identity.providers.protocol`). Relative paths are resolved
against the list they are evaluated on (`count.where`, `among`, a rule's `scope`), named
conditions (`use:`) and computed facts (`$derived.x`) are followed to the manifest fields behind
them. Used by `init` (only the facts the packs read for a kind of service) and by the test that
every documented field is read by some rule."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from .derived import Derivation
from .packs import Pack, Rule

_INDEX = re.compile(r'\[(?:\*|\d+|"[^"]*")\]')
_DERIVED = "$derived."


def normalise(path: str) -> str:
    """A condition's path as a manifest field: `$root.` and list indexes dropped."""
    return _INDEX.sub("", path.removeprefix("$root."))


def _join(base: str, path: str) -> str:
    if path == "$self":
        return base
    if path.startswith(("$root.", _DERIVED)):
        return normalise(path)
    return f"{base}.{normalise(path)}" if base else normalise(path)


def condition_paths(cond: Any, base: str = "") -> Iterator[str]:
    """Paths a raw condition reads (`$derived.x` and `use:` left as they are: see `Reads`)."""
    if isinstance(cond, list):
        for item in cond:
            yield from condition_paths(item, base)
        return
    if not isinstance(cond, dict):
        return
    here = _join(base, cond["path"]) if isinstance(cond.get("path"), str) else None
    if here is not None:
        yield here
    for key, value in cond.items():
        if key == "path":
            continue
        if key == "use" and isinstance(value, str):
            yield f"use:{value}"
        elif key == "count" and isinstance(value, dict) and here is not None:
            yield from condition_paths(value.get("where"), here)
        elif key == "among":
            target = (
                value if isinstance(value, str) else value.get("path") if isinstance(value, dict) else None
            )
            if not isinstance(target, str):  # a malformed `among` reads nothing (the schema refuses it)
                continue
            target_path = _join(base, target)
            yield target_path
            if isinstance(value, dict):
                yield from condition_paths(value.get("where"), target_path)
                if isinstance(value.get("field"), str):
                    yield f"{target_path}.{value['field']}"
        elif key == "compare_to" and isinstance(value, dict) and isinstance(value.get("path"), str):
            yield _join(base, value["path"])
        elif (
            key == "not_older_than" and isinstance(value, dict) and isinstance(value.get("relative_to"), str)
        ):
            yield _join(base, value["relative_to"])
        else:
            yield from condition_paths(value, base)


def rule_paths(rule: Rule) -> set[str]:
    """What a rule reads directly: its gate, its scope (list, filter, label) and its check."""
    out = set(condition_paths(rule.raw_applies_when))
    if rule.raw_scope:
        scope = normalise(rule.raw_scope["path"])
        out.add(scope)
        out.update(condition_paths(rule.raw_scope.get("where"), scope))
        out.update(f"{scope}.{f}" for f in rule.raw_scope.get("label") or ())
        out.update(condition_paths(rule.raw_check, scope))
    else:
        out.update(condition_paths(rule.raw_check))
    return out


def derivation_paths(derivation: Derivation) -> set[str]:
    raw = derivation.raw or {}
    if "aggregate" in raw:
        return {normalise(raw["aggregate"]["statuses"])}
    return set(condition_paths([c.get("when") for c in raw.get("cases") or ()]))


class Reads:
    """The manifest fields behind each rule of `packs`, named conditions and computed facts
    followed (each once: a cycle cannot loop)."""

    def __init__(self, packs: Sequence[Pack]) -> None:
        # a named condition belongs to its pack (and the packs it extends): two packs may use one name
        self._named: dict[str, dict[str, Any]] = {}
        self._derived: dict[str, set[str]] = {}
        for pack in packs:
            named: dict[str, Any] = {}
            for p in reversed(pack.lineage()):
                named.update(p.raw_conditions)
                for d in p.derivations:
                    self._derived[d.name] = derivation_paths(d)
            self._named[pack.id] = named

    def expand(self, paths: set[str], pack_id: str | None = None) -> set[str]:
        """The manifest fields behind `paths`; `use:` names are those of `pack_id` (of any pack
        when None)."""
        named: dict[str, Any] = (
            self._named.get(pack_id, {})
            if pack_id is not None
            else {k: v for conditions in self._named.values() for k, v in conditions.items()}
        )
        out: set[str] = set()
        seen: set[str] = set()
        todo = list(paths)
        while todo:
            path = todo.pop()
            if path in seen:
                continue
            seen.add(path)
            if path.startswith("use:"):
                todo.extend(condition_paths(named.get(path[4:])))
            elif path.startswith(_DERIVED):
                todo.extend(self._derived.get(path[len(_DERIVED) :].split(".", 1)[0], ()))
            elif not path.startswith("$"):
                out.add(path)
        return out

    def of_rule(self, rule: Rule) -> set[str]:
        return self.expand(rule_paths(rule), rule.pack_id)


def identity_paths(packs: Sequence[Pack]) -> set[str]:
    """The fields that name a list's elements (identity keys): read for messages and baselines."""
    return {
        f"{normalise(lst)}.{f}"
        for pack in packs
        for lst, fields in pack.identity_keys.items()
        for f in fields
    }


def by_field(packs: Sequence[Pack], rules: Sequence[Rule]) -> Mapping[str, list[Rule]]:
    """Each manifest field with the rules that read it, in the rules' order."""
    reads = Reads(packs)
    out: dict[str, list[Rule]] = {}
    for rule in rules:
        for path in sorted(reads.of_rule(rule)):
            out.setdefault(path, []).append(rule)
    return out
