"""Which regular expressions a pack may use: only those whose matching time stays bounded.

Python's `re` backtracks and has no time limit, so a pack's pattern, run on a manifest's text,
must be safe by construction (the idea of the safe-regex checks of JavaScript linters, made
stricter). `regex_risk` reads the parsed pattern and refuses:

- a backreference;
- inside any repeat that can match more than once (`*`, `+`, `{2,5}`, and exact counts such as
  `{30}` too): a variable repeat or an alternation (`(a+)+`, `(a|aa)+`, `(a*){12}b`,
  `(?:x|\\w\\w?){30}$`). What is left under a repeat has a fixed length, so it matches at most one
  way;
- a repeat count above `MAX_COUNT`;
- a chain of variable repeats that can read the same characters (`.*.*=`, `\\w+\\w+`, `\\S+@\\S+`,
  `^a*a*a*$`): each one in the chain multiplies the ways to split a text that does not match.
  Counting the unanchored search as one more factor (it tries every start), the product may be
  at most quadratic: two overlapping repeats in a pattern anchored with `^` or `\\A`, none in an
  unanchored one. A character that must be read between two repeats and that the first cannot
  read fixes where the first stops (`[^@]+@[^@]+`, `a*ba*`), and so breaks the chain.

With values cut at `MAX_MATCHED` characters (operators), a match then costs at most about
MAX_MATCHED² steps. Overlap between character sets is decided exactly for literals, ranges and
classes; for two large sets that cannot be told apart cheaply, overlap is assumed (refusal errs
on the safe side).
"""

from __future__ import annotations

import re
from functools import lru_cache
from re import _parser as sre  # type: ignore[attr-defined]
from typing import Any

from .errors import Msg

MAX_COUNT = 1000  # largest {n} or {m,n} a pack's pattern may use
_ENUMERABLE = 4096  # a character set this small is listed character by character
_REPEATS = {sre.MAX_REPEAT, sre.MIN_REPEAT, getattr(sre, "POSSESSIVE_REPEAT", None)}
_CHARS = {sre.LITERAL, sre.NOT_LITERAL, sre.ANY, sre.IN}
_CATEGORY_RX = {
    sre.CATEGORY_DIGIT: re.compile(r"\d"),
    sre.CATEGORY_NOT_DIGIT: re.compile(r"\D"),
    sre.CATEGORY_SPACE: re.compile(r"\s"),
    sre.CATEGORY_NOT_SPACE: re.compile(r"\S"),
    sre.CATEGORY_WORD: re.compile(r"\w"),
    sre.CATEGORY_NOT_WORD: re.compile(r"\W"),
}
# pairs of classes with no character in common
_DISJOINT = {
    frozenset(p)
    for p in (
        (sre.CATEGORY_DIGIT, sre.CATEGORY_NOT_DIGIT),
        (sre.CATEGORY_SPACE, sre.CATEGORY_NOT_SPACE),
        (sre.CATEGORY_WORD, sre.CATEGORY_NOT_WORD),
        (sre.CATEGORY_DIGIT, sre.CATEGORY_SPACE),
        (sre.CATEGORY_WORD, sre.CATEGORY_SPACE),
        (sre.CATEGORY_DIGIT, sre.CATEGORY_NOT_WORD),
    )
}
# a class contained in another (for "every character of P is excluded by [^…]")
_INCLUDED = {
    (sre.CATEGORY_DIGIT, sre.CATEGORY_WORD),
    (sre.CATEGORY_SPACE, sre.CATEGORY_NOT_WORD),
    (sre.CATEGORY_SPACE, sre.CATEGORY_NOT_DIGIT),
    (sre.CATEGORY_NOT_WORD, sre.CATEGORY_NOT_DIGIT),
}

NESTED = Msg(
    "quantificateurs imbriqués (risque de retour arrière exponentiel)",
    "nested quantifiers (risk of exponential backtracking)",
)
ALTERNATION = Msg(
    "alternative sous un quantificateur (risque de retour arrière exponentiel)",
    "alternation under a quantifier (risk of exponential backtracking)",
)
BACKREFERENCE = Msg("référence arrière interdite", "backreference not allowed")
COUNT = Msg(
    f"nombre de répétitions trop grand (maximum {MAX_COUNT})", f"repeat count too large (at most {MAX_COUNT})"
)


def _overlap(anchor_hint: bool) -> Msg:
    anchor = (
        Msg(", ou ancrer l'expression avec ^", ", or anchor the expression with ^")
        if anchor_hint
        else Msg("", "")
    )
    return Msg(
        "quantificateurs voisins qui peuvent lire les mêmes caractères (risque de temps polynomial ; "
        f"les séparer par un caractère que le premier ne lit pas{anchor.fr})",
        "neighbouring quantifiers that can read the same characters (risk of polynomial time; "
        f"separate them with a character the first one does not read{anchor.en})",
    )


# A character set: the sre items one character may match (each an (op, arg) pair, IN flattened
# to its own items with a leading NEGATE when negated).
CharSet = tuple[tuple[Any, Any], ...]
Live = list[tuple[CharSet, int]]


class _Refused(Exception):
    def __init__(self, reason: Msg) -> None:
        super().__init__(reason.fr)
        self.reason = reason


@lru_cache(maxsize=1024)
def regex_risk(pattern: str) -> Msg | None:
    """Why `pattern` could take more than bounded time on a manifest's text, or None if safe."""
    try:
        tree = sre.parse(pattern)
    except re.error:
        return None  # reported by re.compile
    flags = tree.state.flags
    checker = _Checker(dotall=bool(flags & re.DOTALL), ignorecase=bool(flags & re.IGNORECASE))
    items = list(tree)
    multiline = bool(flags & re.MULTILINE)
    anchored = bool(items) and items[0] in (
        (sre.AT, sre.AT_BEGINNING_STRING),
        *(() if multiline else ((sre.AT, sre.AT_BEGINNING),)),
    )
    try:
        checker.nested(items, under_repeat=False)
        checker.sequence(items, [], budget=2 if anchored else 1)
    except _Refused as refused:
        return refused.reason
    return None


class _Checker:
    def __init__(self, *, dotall: bool, ignorecase: bool) -> None:
        self.dotall = dotall
        self.ignorecase = ignorecase

    # --- exponential: what may stand under a repeat ------------------------------------------

    def nested(self, items: Any, under_repeat: bool) -> None:
        for op, av in items:
            if op in _REPEATS:
                low, high, sub = av
                if max(low, high if high != sre.MAXREPEAT else 0) > MAX_COUNT:
                    raise _Refused(COUNT)
                if under_repeat and high != low:
                    raise _Refused(NESTED)
                self.nested(sub, under_repeat or high > 1)
            elif op is sre.BRANCH:
                if under_repeat:
                    raise _Refused(ALTERNATION)
                for branch in av[1]:
                    self.nested(branch, under_repeat)
            elif op is sre.SUBPATTERN:
                self.nested(av[-1], under_repeat)
            elif op in (sre.GROUPREF, sre.GROUPREF_EXISTS):
                raise _Refused(BACKREFERENCE)
            elif op in (sre.ASSERT, sre.ASSERT_NOT):
                self.nested(av[1], under_repeat)
            elif op is getattr(sre, "ATOMIC_GROUP", None):
                self.nested(av, under_repeat)

    # --- polynomial: chains of overlapping repeats -------------------------------------------

    def sequence(self, items: Any, live: Live, budget: int) -> Live:
        """Walk a sequence; `live` holds the variable repeats whose end is not fixed yet, each
        with the length of the overlapping chain it ends. A chain longer than `budget` is refused."""
        for op, av in items:
            if op in _CHARS:
                chars: CharSet = self._chars(op, av)
                live = [entry for entry in live if self.overlap(entry[0], chars)]
            elif op is sre.SUBPATTERN:
                live = self.sequence(av[-1], live, budget)
            elif op is getattr(sre, "ATOMIC_GROUP", None):
                live = self.sequence(av, live, budget)
            elif op is sre.BRANCH:
                merged: Live = []
                for branch in av[1]:
                    merged += self.sequence(branch, list(live), budget)
                live = merged
            elif op in (sre.ASSERT, sre.ASSERT_NOT):
                self.sequence(av[1], [], 1)  # tried at every position, like a search
            elif op in _REPEATS:
                live = self._repeat(av, live, budget)
        return live

    def _repeat(self, av: Any, live: Live, budget: int) -> Live:
        low, high, sub = av
        if high == 0:
            return live
        if high == low:  # fixed count of a fixed-length body: read like a sequence
            return self.sequence(sub, live, budget)
        # A variable repeat, `?` included: where the repeats before it stop is ambiguous when it
        # can start with a character they can also read.
        first = self._first_chars(sub)
        chain = 1 + max((n for s, n in live if self.overlap(s, first)), default=0)
        if chain > budget:
            raise _Refused(_overlap(budget == 1))
        inner: Live = []
        if high == 1:  # an optional body may hold repeats of its own (`(\.[0-9]+)?`)
            inner = self.sequence(sub, list(live), budget)
        if low >= 1:
            live = [entry for entry in live if self.overlap(entry[0], first)]
        return [*live, *inner, (self._body_chars(sub), chain)]

    def _first_chars(self, items: Any) -> CharSet:
        """The characters a sequence can start with."""
        return self._starts(items)[0]

    def _starts(self, items: Any) -> tuple[CharSet, bool]:
        """(characters a sequence can start with, whether it can match the empty text)."""
        found: list[tuple[Any, Any]] = []
        for op, av in items:
            if op in _CHARS:
                found.append((sre.IN, self._chars(op, av)) if op is sre.IN else (op, av))
                return tuple(found), False
            if op in _REPEATS:
                chars, empty = self._starts(av[2])
                found += chars
                if av[0] >= 1 and not empty:
                    return tuple(found), False
            elif op is sre.SUBPATTERN or op is getattr(sre, "ATOMIC_GROUP", None):
                chars, empty = self._starts(av[-1] if op is sre.SUBPATTERN else av)
                found += chars
                if not empty:
                    return tuple(found), False
            elif op is sre.BRANCH:
                empty = False
                for branch in av[1]:
                    chars, branch_empty = self._starts(branch)
                    found += chars
                    empty = empty or branch_empty
                if not empty:
                    return tuple(found), False
        return tuple(found), True

    def _chars(self, op: Any, av: Any) -> CharSet:
        if op is sre.IN:
            return tuple(av)
        return ((op, av),)

    def _body_chars(self, items: Any) -> CharSet:
        found: list[tuple[Any, Any]] = []
        for op, av in items:
            if op in _CHARS:
                found.append((sre.IN, self._chars(op, av)) if op is sre.IN else (op, av))
            elif op is sre.SUBPATTERN:
                found += self._body_chars(av[-1])
            elif op is getattr(sre, "ATOMIC_GROUP", None):
                found += self._body_chars(av)
            elif op is sre.BRANCH:
                for branch in av[1]:
                    found += self._body_chars(branch)
            elif op in _REPEATS:
                found += self._body_chars(av[2])
        return tuple(found)

    # --- character sets ------------------------------------------------------------------------

    def overlap(self, a: CharSet, b: CharSet) -> bool:
        """Whether one character can be read by both sets (True when it cannot be ruled out)."""
        return any(self._atoms_overlap(x, y) for x in self._atoms(a) for y in self._atoms(b))

    def _atoms(self, chars: CharSet) -> list[tuple[Any, Any]]:
        """Each atom is one single-character test: LITERAL, NOT_LITERAL, ANY or IN (a class)."""
        atoms: list[tuple[Any, Any]] = []
        if chars and chars[0][0] is sre.NEGATE:
            return [(sre.IN, chars)]
        for op, av in chars:
            if op is sre.IN and av and av[0][0] is sre.NEGATE:
                atoms.append((sre.IN, tuple(av)))
            elif op is sre.IN:
                atoms += self._atoms(tuple(av))
            else:
                atoms.append((op, av))
        return atoms

    def _atoms_overlap(self, a: tuple[Any, Any], b: tuple[Any, Any]) -> bool:
        listed_a, listed_b = self._listed(a), self._listed(b)
        if listed_a is not None:
            return any(self._member(b, c) for c in listed_a)
        if listed_b is not None:
            return any(self._member(a, c) for c in listed_b)
        if a[0] is sre.CATEGORY and b[0] is sre.CATEGORY:
            return frozenset((a[1], b[1])) not in _DISJOINT
        for neg, other in ((a, b), (b, a)):
            if neg[0] is sre.IN and neg[1][0][0] is sre.NEGATE and self._excluded(other, neg[1][1:]):
                return False
        return True

    def _excluded(self, atom: tuple[Any, Any], excluded: CharSet) -> bool:
        """Whether every character `atom` reads is among `excluded` (a negated class's items)."""
        if atom[0] is sre.CATEGORY:
            return any(
                op is sre.CATEGORY and (av == atom[1] or (atom[1], av) in _INCLUDED) for op, av in excluded
            )
        return False

    def _listed(self, atom: tuple[Any, Any]) -> set[str] | None:
        """The characters an atom reads, when there are few (None for large or negated sets)."""
        op, av = atom
        if op is sre.LITERAL:
            return self._cased(chr(av))
        if op is sre.RANGE:
            low, high = av
            if high - low >= _ENUMERABLE:
                return None
            return {v for c in range(low, high + 1) for v in self._cased(chr(c))}
        if op is sre.IN:
            if av and av[0][0] is sre.NEGATE:
                return None
            found: set[str] = set()
            for item in av:
                listed = self._listed(item)
                if listed is None:
                    return None
                found |= listed
                if len(found) > _ENUMERABLE:
                    return None
            return found
        return None  # NOT_LITERAL, ANY, CATEGORY

    def _cased(self, c: str) -> set[str]:
        return {c, c.lower(), c.upper(), c.swapcase()} if self.ignorecase else {c}

    def _member(self, atom: tuple[Any, Any], c: str) -> bool:
        op, av = atom
        if op is sre.LITERAL:
            return c in self._cased(chr(av))
        if op is sre.NOT_LITERAL:
            return c not in self._cased(chr(av))
        if op is sre.ANY:
            return self.dotall or c != "\n"
        if op is sre.RANGE:
            return any(av[0] <= ord(v) <= av[1] for v in self._cased(c))
        if op is sre.CATEGORY:
            return _CATEGORY_RX[av].match(c) is not None
        if op is sre.IN:
            negated = bool(av) and av[0][0] is sre.NEGATE
            items = av[1:] if negated else av
            inside = any(self._member(item, c) for item in items)
            return inside != negated
        return True
