"""Acceptance profiles: a buyer's minimum scores and rules that must be conforme.

A profile is YAML, validated by schemas/profile.schema.json and reported at its own positions.
Applying it to a manifest's scores and per-rule outcomes gives one check per requirement; the
linter turns any failed check into a reason for exit code 1. This module does not know the
linter's result types, so that `linter` can depend on it and not the other way round.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import i18n
from .chapters import chapter_label, renamed
from .document import load_document
from .errors import Msg, UsageError
from .model import Outcome, ScoreLine, Text
from .packs import Rule
from .renames import resolve
from .scoring import Scores, meets_minimum, reaches
from .suggest import did_you_mean, unknown_rule
from .validation import validate_document


@dataclass(frozen=True, slots=True)
class Profile:
    id: str
    title: Text
    data: dict[str, Any]
    file: str


@dataclass(frozen=True, slots=True)
class ProfileCheck:
    """One requirement of the profile and whether the manifest meets it."""

    requirement: Text
    expected: Text
    actual: Text
    ok: bool


def load_profile(
    path: Path | str, rules: Iterable[Rule], renamed: Mapping[str, str] | None = None
) -> Profile:
    """Load and validate a profile; the rules and chapters it names must exist in the loaded packs
    (a renamed rule's old id is read as its new id, with a warning)."""
    doc = load_document(path, error=UsageError)
    problems = validate_document(doc, "profile")
    if problems:
        raise UsageError(problems)
    rules = list(rules)
    known = {r.id for r in rules}
    required = doc.data.get("required_rules") or []
    for i, rule_id in enumerate(required):
        if rule_id not in known and renamed:
            line, column, _ = doc.locate(("required_rules", i))
            required[i] = resolve(rule_id, renamed, f"{doc.file}:{line}:{column}")
    chapters = {f"{r.referentiel}:{r.chapter}" for r in rules}
    unknown = [
        doc.problem(("required_rules", i), unknown_rule(rule_id, known))
        for i, rule_id in enumerate(doc.data.get("required_rules") or [])
        if rule_id not in known
    ]
    unknown += [
        doc.problem(
            ("min_scores", "chapters", key),
            _unknown_chapter(key, chapters),
            key=True,
        )
        for key in ((doc.data.get("min_scores") or {}).get("chapters") or {})
        if key not in chapters
    ]
    if unknown:
        raise UsageError(unknown)
    head = doc.data["profile"]
    return Profile(head["id"], Text.of(head["title"]), doc.data, doc.file)


def _unknown_chapter(key: str, chapters: set[str]) -> Msg:
    """An unknown `référentiel:chapitre` key; a key from before chapters said which text they
    number (`securite:6.1.1`) says which key to write now."""
    new = renamed(key)
    if not new:
        return Msg(
            f"chapitre inconnu : {key}",
            f"unknown chapter: {key}",
        ).then(
            did_you_mean(
                key,
                chapters,
                otherwise=Msg(
                    " (référentiel:chapitre des règles chargées)",
                    " (référentiel:chapter of the loaded rules)",
                ),
            ),
            "",
        )
    return Msg(
        f"ancienne clé de chapitre « {key} » : écrire {' ou '.join(f'« {k} »' for k in new)} "
        "(les clés de chapitre disent maintenant quel texte elles numérotent)",
        f'old chapter key "{key}": write {" or ".join(f"{k!r}" for k in new)} '
        "(chapter keys now say which text they number)",
    )


def _pct(value: float | None) -> Text:
    if value is None:
        return Text("sans objet (aucune règle applicable)", "not applicable (no applicable rule)")
    return _percent_text(value)


def _percent_text(value: float, spec: str = ".1f") -> Text:
    return Text(i18n.percent(value, "fr", spec), i18n.percent(value, "en", spec))


def _at_least(minimum: float) -> Text:
    shown = _percent_text(minimum, "g")
    return Text(f"≥ {shown.fr}", f"≥ {shown.get('en')}")


def check(profile: Profile, scores: Scores, outcomes: Mapping[str, Outcome]) -> list[ProfileCheck]:
    """Every requirement of `profile` against one manifest's scores and per-rule outcomes
    (`scoring.rule_outcomes`: a rule evaluated on several list elements has one outcome)."""
    out: list[ProfileCheck] = []
    mins = profile.data.get("min_scores") or {}

    def score_check(fr: str, en: str, line: ScoreLine | None, minimum: float) -> None:
        ok = meets_minimum(line, minimum)
        out.append(ProfileCheck(Text(fr, en), _at_least(minimum), _pct(line.score if line else None), ok))

    if "overall" in mins:
        score_check("Conformité globale", "Overall conformity", scores.overall, mins["overall"])
    for ref, minimum in (mins.get("referentiels") or {}).items():
        line = scores.referentiel(ref)
        name = line.title if line is not None else Text(ref)  # the référentiel's name, not its key
        score_check(f"Conformité {name.fr}", f"{name.get('en')} conformity", line, minimum)
    complete = profile.data.get("min_completeness") or {}
    wanted = [("", complete["overall"])] if "overall" in complete else []
    for ref, minimum in wanted + list((complete.get("referentiels") or {}).items()):
        line = scores.referentiel(ref) if ref else scores.overall
        value = line.completeness_ratio if line is not None else None
        out.append(
            ProfileCheck(
                Text(
                    f"Complétude {line.title.fr if ref and line is not None else ref or 'globale'}",
                    f"{line.title.get('en') if ref and line is not None else ref or 'Overall'} completeness",
                ),
                _at_least(minimum),
                _pct(line.completeness if line is not None else None),
                reaches(value, minimum),
            )
        )
    for key, minimum in (mins.get("chapters") or {}).items():
        ref, _, chapter = key.partition(":")
        line = scores.chapter(ref, chapter)
        fr, en = (chapter_label(line.title, "fr"), chapter_label(line.title, "en")) if line else (key, key)
        ref_line = scores.referentiel(ref)
        ref_name = ref_line.title if ref_line is not None else Text(ref)
        score_check(f"Score {fr} ({ref_name.fr})", f"{en} score ({ref_name.get('en')})", line, minimum)
    for rule_id in profile.data.get("required_rules") or []:
        outcome = outcomes.get(rule_id)
        ok = outcome in (Outcome.CONFORME, Outcome.NON_APPLICABLE)
        if outcome is None:
            shown = Text(
                "non évaluée (écartée par la sélection)", "not evaluated (left out by the selection)"
            )
        else:
            shown = Text(i18n.outcome(outcome, "fr"), i18n.outcome(outcome, "en"))
        expected = Text("conforme ou non applicable", "compliant or not applicable")
        out.append(
            ProfileCheck(Text(f"Règle {rule_id} conforme", f"Rule {rule_id} compliant"), expected, shown, ok)
        )
    return out
