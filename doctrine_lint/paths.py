"""The path language of rule packs: parse `a.b[*].c["X.1"]` once, resolve it against data.

A resolved path gives the concrete values found (with their concrete paths) and the concrete
paths that are missing, so a rule can say which fact must be declared.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Final

from .document import PathKey, format_path
from .errors import Msg


class _Wildcard:
    __slots__ = ()

    def __repr__(self) -> str:
        return "[*]"


WILDCARD: Final = _Wildcard()
Segment = str | int | _Wildcard

_TOKEN = re.compile(
    r"""
    (?P<key>[A-Za-z_$][A-Za-z0-9_$-]*)      # plain key
    | \[(?P<index>[0-9]+)\]                  # list index
    | \[(?P<star>\*)\]                       # every element
    | \["(?P<quoted>(?:[^"\\]|\\.)*)"\]      # quoted key, for keys with dots or spaces
    """,
    re.VERBOSE,
)


MAX_PATH = 200


class PathSyntaxError(ValueError):
    """A path in a pack is not well formed (`msg`: the reason in French and English)."""

    def __init__(self, message: Msg) -> None:
        super().__init__(message.fr)
        self.msg = message


ROOT = "$root"  # anchors a path at the manifest root, also inside an element scope
SELF = "$self"  # the current element itself (or the manifest, outside an element scope)
DERIVED = "$derived"  # facts computed by packs: always read at the root


@dataclass(frozen=True, slots=True)
class FieldPath:
    """A parsed path: its source text, its segments, and whether it is anchored at the root.

    Inside an element scope (`for_each`, `count.where`), a path is relative to the element unless
    it starts with `$root.` or `$derived.`; concrete paths found from the root start with
    `$root` so that the engine can tell them apart from paths inside the element."""

    text: str
    segments: tuple[Segment, ...]
    rooted: bool = False

    @property
    def has_wildcard(self) -> bool:
        return any(s is WILDCARD for s in self.segments)

    @property
    def list_prefix(self) -> PathKey:
        """The concrete path of the list that the first [*] walks (the whole path without [*])."""
        for i, seg in enumerate(self.segments):
            if seg is WILDCARD:
                return self.segments[:i]  # type: ignore[return-value]
        return self.segments  # type: ignore[return-value]


@lru_cache(maxsize=4096)  # packs name the same few hundred paths many times; FieldPath is frozen
def parse_path(text: str) -> FieldPath:
    """Parse a pack path; raise PathSyntaxError with the offending column on bad syntax."""
    if len(text) > MAX_PATH:
        raise PathSyntaxError(
            Msg(
                f"chemin trop long (maximum {MAX_PATH} caractères)",
                f"path too long (at most {MAX_PATH} characters)",
            )
        )
    segments: list[Segment] = []
    pos = 0
    expect_key = True
    while pos < len(text):
        if text[pos] == "." and segments and not expect_key:
            pos += 1
            expect_key = True
            if pos == len(text):
                raise PathSyntaxError(
                    Msg(
                        f"chemin « {text} » : point final sans clé", f'path "{text}": final dot without a key'
                    )
                )
            continue
        m = _TOKEN.match(text, pos)
        after_dot = expect_key and bool(segments)
        bracket = m is not None and (m.group("index") is not None or m.group("star") is not None)
        if m is None or (m.group("key") is not None and not expect_key) or (after_dot and bracket):
            raise PathSyntaxError(
                Msg(
                    f"chemin « {text} » invalide à la position {pos + 1}",
                    f'path "{text}" invalid at position {pos + 1}',
                )
            )
        if m.group("key") is not None:
            segments.append(m.group("key"))
        elif m.group("index") is not None:
            if not segments:
                raise PathSyntaxError(
                    Msg(
                        f"chemin « {text} » : un indice doit suivre une clé",
                        f'path "{text}": an index must follow a key',
                    )
                )
            segments.append(int(m.group("index")))
        elif m.group("star") is not None:
            if not segments:
                raise PathSyntaxError(
                    Msg(
                        f"chemin « {text} » : [*] doit suivre une clé",
                        f'path "{text}": [*] must follow a key',
                    )
                )
            segments.append(WILDCARD)
        else:
            segments.append(re.sub(r"\\(.)", r"\1", m.group("quoted")))
        expect_key = False
        pos = m.end()
    if not segments:
        raise PathSyntaxError(Msg("chemin vide", "empty path"))
    first = segments[0]
    if isinstance(first, str) and first.startswith("$") and first not in (ROOT, SELF, DERIVED):
        raise PathSyntaxError(
            Msg(
                f"chemin « {text} » : préfixe « {first} » inconnu ($root, $self ou $derived)",
                f'path "{text}": unknown prefix "{first}" ($root, $self or $derived)',
            )
        )
    if first == ROOT:
        return FieldPath(text, tuple(segments[1:]), rooted=True)
    if first == SELF:
        return FieldPath(text, tuple(segments[1:]))
    if first == DERIVED:
        return FieldPath(text, tuple(segments), rooted=True)
    return FieldPath(text, tuple(segments))


@dataclass(slots=True)
class Resolution:
    """What a path found: (concrete path, value) pairs and the concrete paths that are missing."""

    found: list[tuple[PathKey, Any]]
    missing: list[PathKey]
    facts: list[str]


def resolve(data: Any, path: FieldPath, root: Any = None) -> Resolution:
    """Walk `data` along `path` (from `root` when the path is anchored there and a root is
    given: concrete paths then start with `$root`). A null value counts as missing."""
    start: PathKey = ()
    if path.rooted and root is not None and root is not data:
        data, start = root, (ROOT,)
    frontier: list[tuple[PathKey, Any]] = [(start, data)]
    missing: list[PathKey] = []
    facts: list[str] = []
    for depth, seg in enumerate(path.segments):
        nxt: list[tuple[PathKey, Any]] = []
        for where, value in frontier:
            if seg is WILDCARD:
                if isinstance(value, list):
                    nxt.extend(((*where, i), item) for i, item in enumerate(value))
                    continue
                gone = where
            elif isinstance(seg, int):
                if isinstance(value, list) and seg < len(value) and value[seg] is not None:
                    nxt.append(((*where, seg), value[seg]))
                    continue
                gone = (*where, seg)
            else:
                assert isinstance(seg, str)
                if isinstance(value, dict) and value.get(seg) is not None:
                    nxt.append(((*where, seg), value[seg]))
                    continue
                gone = (*where, seg)
            missing.append(gone)
            facts.append(_fact(where, path.segments[depth:]))
        frontier = nxt
    return Resolution(frontier, missing, facts)


def _fact(where: PathKey, rest: tuple[Segment, ...]) -> str:
    """The fact to declare: the concrete part found so far, then the rest of the pack path."""
    text = format_path(where[1:] if where[:1] == (ROOT,) else where)
    for seg in rest:
        if seg is WILDCARD:
            text += "[*]"
        elif isinstance(seg, int):
            text += f"[{seg}]"
        elif isinstance(seg, str):
            text += format_path((seg,)) if not text else format_path(("x", seg))[1:]
    return text
