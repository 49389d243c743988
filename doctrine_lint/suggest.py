""" "Did you mean": the close matches of a word a user mistyped (a manifest key or value, a rule
id, a chapter, a selector, a pack name), and the hint that names them in both languages.

One place decides what "close" means, so every error that suggests agrees: a candidate equal to
the word once case and accents are ignored comes first (`Educonnect`, `sécurité` for
`securite`), then `difflib`'s close matches on those folded forms.
"""

from __future__ import annotations

import difflib
import unicodedata
from collections.abc import Iterable

from .errors import Msg

NO_HINT = Msg("", "")


def fold(word: str) -> str:
    """`word` without case or accents: « Sécurité » → "securite"."""
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def close_matches(word: str, candidates: Iterable[str], n: int = 3, cutoff: float = 0.6) -> list[str]:
    """Up to `n` candidates close to `word`, best first (never `word` itself)."""
    by_fold: dict[str, str] = {}
    for candidate in candidates:
        if candidate != word:
            by_fold.setdefault(fold(candidate), candidate)
    folded = fold(word)
    if folded in by_fold:
        return [by_fold[folded]]
    return [by_fold[m] for m in difflib.get_close_matches(folded, list(by_fold), n=n, cutoff=cutoff)]


def did_you_mean(word: object, candidates: Iterable[str], n: int = 3, otherwise: Msg = NO_HINT) -> Msg:
    """« (vouliez-vous dire « x » ?) » / ' (did you mean "x"?)', with its leading space, or
    `otherwise` when nothing is close (or `word` is not text)."""
    if not isinstance(word, str) or not word:
        return otherwise
    found = close_matches(word, candidates, n)
    if not found:
        return otherwise
    fr = " ou ".join(f"« {m} »" for m in found)
    en = " or ".join(f'"{m}"' for m in found)
    return Msg(f" (vouliez-vous dire {fr} ?)", f" (did you mean {en}?)")


UNKNOWN_RULE = Msg("règle inconnue", "unknown rule")


def unknown_rule(rule_id: str, known: Iterable[str], what: Msg = UNKNOWN_RULE) -> Msg:
    """« règle inconnue : X » with the close ids, or where to look them up."""
    return Msg(f"{what.fr} : {rule_id}", f"{what.en}: {rule_id}").then(
        did_you_mean(
            rule_id,
            known,
            otherwise=Msg(" (voir doctrine-lint rules)", " (see doctrine-lint rules)"),
        ),
        "",
    )
