"""`--select` / `--ignore` / `--min-evidence`: choose rules by id (glob), chapter, référentiel,
pack id, tag, or the strength of their evidence.

A token that matches no rule is a usage error, so a typo never silently disables a check.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from fnmatch import fnmatchcase

from .chapters import renamed
from .errors import Msg, UsageError
from .model import Evidence
from .packs import Rule
from .renames import resolve
from .suggest import did_you_mean


def _chapter_match(token: str, chapter: str) -> bool:
    return chapter == token or chapter.startswith(token + ".")


def matches(rule: Rule, token: str) -> bool:
    """True when `token` designates `rule`.

    Forms: a rule id or glob (``RI-6.1-*``), a référentiel (``securite``), a pack id, a tag,
    a chapter (``doctrine-6.1`` also matches doctrine-6.1.x) or a chapter within a référentiel
    (``securite:doctrine-6.1.4``).
    """
    if fnmatchcase(rule.id, token) or token in (rule.referentiel, rule.pack_id) or token in rule.tags:
        return True
    if ":" in token:
        ref, _, chapter = token.partition(":")
        return rule.referentiel == ref and _chapter_match(chapter, rule.chapter)
    return _chapter_match(token, rule.chapter)


def selectors(rules: Iterable[Rule]) -> set[str]:
    """Every token that designates some rule: ids, référentiels, packs, tags, chapters and the
    chapters above them (`doctrine-6.1` for `doctrine-6.1.4`), with and without their référentiel."""
    out: set[str] = set()
    for rule in rules:
        out.update((rule.id, rule.referentiel, rule.pack_id, *rule.tags))
        parts = rule.chapter.split(".")
        for end in range(1, len(parts) + 1):
            chapter = ".".join(parts[:end])
            out.update((chapter, f"{rule.referentiel}:{chapter}"))
    return out


def select_rules(
    rules: Sequence[Rule],
    select: Iterable[str] = (),
    ignore: Iterable[str] = (),
    old_ids: Mapping[str, str] | None = None,
) -> list[Rule]:
    """Keep the rules matched by any `select` token (all when none), minus those matched by `ignore`.
    A renamed rule's old id (`old_ids`: old → new) designates it, with a warning (`renames`)."""

    def current(token: str) -> str:
        if old_ids and not any(matches(r, token) for r in rules):
            return resolve(token, old_ids, "--select/--ignore")
        return token

    select, ignore = [current(t) for t in select], [current(t) for t in ignore]
    for token in (*select, *ignore):
        if not any(matches(r, token) for r in rules):
            new = renamed(token)
            hint = (
                Msg(
                    f" ; ancienne clé de chapitre, écrire {' ou '.join(new)}",
                    f"; old chapter key, write {' or '.join(new)}",
                )
                if new
                else did_you_mean(token, selectors(rules))
            )
            raise UsageError.single(
                "--select/--ignore",
                0,
                0,
                Msg(
                    f"« {token} » ne désigne aucune règle chargée", f'"{token}" designates no loaded rule'
                ).then(hint, ""),
            )
    kept = [r for r in rules if not select or any(matches(r, t) for t in select)]
    return [r for r in kept if not any(matches(r, t) for t in ignore)]


def at_least(rules: Sequence[Rule], evidence: str | None) -> list[Rule]:
    """Keep the rules whose evidence is at least as strong as `evidence`
    (doctrine > officiel > secondaire > inference); None keeps them all."""
    if evidence is None:
        return list(rules)
    floor = Evidence(evidence).rank
    return [r for r in rules if r.provenance.evidence.rank <= floor]
