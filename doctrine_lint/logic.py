"""The three-valued logic every condition evaluates to: verdicts, the evaluation context, and the
walk of a path over the manifest with the facts it lacks.

A verdict is TRUE, FALSE or UNKNOWN (a fact the condition needs is not declared). It carries the
concrete path that decided it and, when unknown, every missing path, so reports can point at a
line and name the facts to declare. A verdict about list elements also carries every element
that supports it, so a rule can report one finding per failing element.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Final, Protocol

from .document import PathKey, format_path
from .errors import Msg
from .paths import FieldPath, Resolution, resolve

TRUE: Final = 1
FALSE: Final = 0
UNKNOWN: Final = -1


@dataclass(slots=True)
class Verdict:
    """Result of a condition: state, the deciding path and value, and the missing paths."""

    state: int
    path: PathKey | None = None
    value: Any = None
    missing: list[tuple[PathKey, str]] = field(default_factory=list)
    other: Any = None  # compare_to: the value compared with, for messages ({compared})
    # every list element behind the verdict (e.g. each element failing an `all`), when several
    elements: list[tuple[PathKey, Any]] | None = None


@dataclass(frozen=True, slots=True)
class Context:
    """What evaluation may depend on besides the data it is given: the evaluation date, and the
    whole manifest (`root`) for `$root.` paths read from inside an element."""

    today: date
    root: Any = None


Evaluator = Callable[[Any, Context], Verdict]
Predicate = Callable[[Any, Context], bool]


class SubConditions(Protocol):
    """What an operator needs to compile a condition nested in its argument (`count.where`,
    `among.where`): implemented by `conditions.Compiler`."""

    trusted: bool

    def compile(self, spec: Any, where: tuple[str | int, ...] = ()) -> Evaluator: ...


class ConditionError(ValueError):
    """A condition is malformed; `where` is the path inside the condition tree."""

    def __init__(self, message: Msg, where: tuple[str | int, ...] = ()) -> None:
        super().__init__(message.fr)
        self.msg = message
        self.where = where


def walk(data: Any, path: FieldPath, ctx: Context) -> Resolution:
    """Resolve `path` in `data`, or at the manifest root when the path is anchored there."""
    return resolve(data, path, ctx.root)


def gaps(res: Resolution) -> list[tuple[PathKey, str]]:
    return list(zip(res.missing, res.facts, strict=True))


def reached_list(missing: list[PathKey], path: FieldPath) -> bool:
    """True when the missing paths lie inside list elements, i.e. the list itself exists."""
    first_star = next(i for i, s in enumerate(path.segments) if not isinstance(s, str | int))
    offset = 1 if missing and missing[0][:1] == ("$root",) else 0
    return any(len(m) > first_star + offset and isinstance(m[first_star + offset], int) for m in missing)


def list_prefix(path: FieldPath, ctx: Context, data: Any) -> PathKey:
    """The concrete path of the list that the first [*] of `path` walks."""
    prefix = path.list_prefix
    if path.rooted and ctx.root is not None and ctx.root is not data:
        return ("$root", *prefix)
    return prefix


def fact_under(prefix: PathKey, path: PathKey, text: str) -> str:
    """A fact to declare found inside the element at `prefix`, named from the manifest root:
    facts read from the root (`$root.`, `$derived.`) are already so named."""
    if path[:1] in (("$root",), ("$derived",)):
        return text
    head = format_path(prefix)
    if not text:
        return head
    return head + (text if text.startswith("[") else "." + text)
