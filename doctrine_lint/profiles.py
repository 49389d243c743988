"""Acceptance profiles: a buyer's minimum scores and rules that must be conforme.

A profile is YAML, validated by schemas/profile.schema.json and reported at its own positions.
Applying it gives one check per requirement; any failed check makes the exit code 1.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .document import load_document
from .errors import UsageError
from .model import Outcome, Text
from .validation import validate_document

if TYPE_CHECKING:
    from .linter import ManifestResult
    from .packs import Rule


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
    expected: str
    actual: str
    ok: bool


def load_profile(path: Path | str, rules: Iterable[Rule]) -> Profile:
    """Load and validate a profile; a rule it requires must exist in the loaded packs."""
    doc = load_document(path, error=UsageError)
    problems = validate_document(doc, "profile")
    if problems:
        raise UsageError(problems)
    known = {r.id for r in rules}
    unknown = [
        doc.problem(("required_rules", i), f"règle inconnue : {rule_id} (voir doctrine-lint rules)")
        for i, rule_id in enumerate(doc.data.get("required_rules") or [])
        if rule_id not in known
    ]
    if unknown:
        raise UsageError(unknown)
    head = doc.data["profile"]
    return Profile(head["id"], Text.of(head["title"]), doc.data, doc.file)


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f} %"


def check(profile: Profile, result: ManifestResult) -> list[ProfileCheck]:
    """Every requirement of `profile` against one manifest's result."""
    out: list[ProfileCheck] = []
    scores = result.scores
    mins = profile.data.get("min_scores") or {}

    def score_check(fr: str, en: str, ratio: float | None, shown: float | None, minimum: float) -> None:
        ok = ratio is not None and 100.0 * ratio >= minimum
        out.append(ProfileCheck(Text(fr, en), f"≥ {minimum:g} %", _pct(shown), ok))

    if "overall" in mins:
        o = scores.overall
        score_check("Score global", "Overall score", o.ratio, o.score, mins["overall"])
    for ref, minimum in (mins.get("referentiels") or {}).items():
        line = scores.referentiel(ref)
        score_check(
            f"Score {ref}",
            f"{ref} score",
            line.ratio if line else None,
            line.score if line else None,
            minimum,
        )
    for key, minimum in (mins.get("chapters") or {}).items():
        ref, _, chapter = key.partition(":")
        line = scores.chapter(ref, chapter)
        score_check(
            f"Score §{chapter} ({ref})",
            f"§{chapter} score ({ref})",
            line.ratio if line else None,
            line.score if line else None,
            minimum,
        )
    outcomes = {f.rule_id: f.outcome for f in result.findings}
    for rule_id in profile.data.get("required_rules") or []:
        outcome = outcomes.get(rule_id)
        ok = outcome in (Outcome.CONFORME, Outcome.NON_APPLICABLE)
        shown = "non évaluée" if outcome is None else outcome.value
        out.append(
            ProfileCheck(
                Text(f"Règle {rule_id} conforme", f"Rule {rule_id} compliant"), "conforme", shown, ok
            )
        )
    return out
