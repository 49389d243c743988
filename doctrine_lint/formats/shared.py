"""Helpers shared by formatters: which findings to show, bars, percentages."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from ..i18n import evidence, t
from ..linter import ManifestResult
from ..model import Evidence, Finding, Outcome, ScoreLine

SHOWN = (Outcome.NON_CONFORME, Outcome.A_RENSEIGNER, Outcome.DEROGATION)

MAX_CHARS = 500  # untrusted text is cut beyond this in Markdown and HTML reports
SHORT_SHA = 12

# Line breaks (those YAML and Unicode know) and other control characters become one space.
_BREAKS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")


def clip(text: str, limit: int = MAX_CHARS) -> str:
    """`text` on one line, at most `limit` characters (an ellipsis marks a cut)."""
    one = _BREAKS.sub(" ", text).strip()
    return one if len(one) <= limit else one[: limit - 1] + "…"


def visible(findings: list[Finding], show_all: bool) -> Iterator[Finding]:
    """Findings worth showing to a person: new failures and waivers, or everything with show_all
    (failures already in the --baseline are not new)."""
    return (f for f in findings if show_all or (f.outcome in SHOWN and not f.known))


@dataclass(frozen=True, slots=True)
class ChapterGroup:
    """Findings of one chapter, with the score lines that title it (None when unscored)."""

    referentiel: str
    chapter: str
    ref_line: ScoreLine | None
    chapter_line: ScoreLine | None
    findings: list[Finding]


def findings_by_chapter(result: ManifestResult, show_all: bool) -> list[ChapterGroup]:
    """The findings a report lists, grouped by chapter in report order. Facts to declare are
    listed apart (their own section) unless everything is shown."""
    groups: dict[tuple[str, str], list[Finding]] = {}
    for f in visible(result.findings, show_all):
        if f.outcome is not Outcome.A_RENSEIGNER or show_all:
            groups.setdefault((f.referentiel, f.chapter), []).append(f)
    scores = result.scores
    return [
        ChapterGroup(ref, chapter, scores.referentiel(ref), scores.chapter(ref, chapter), items)
        for (ref, chapter), items in groups.items()
    ]


def percent(score: float | None) -> str:
    return "   —  " if score is None else f"{score:5.1f} %"


def bar(score: float | None, width: int = 20, full: str = "#", empty: str = "-") -> str:
    if score is None:
        return " " * width
    filled = round(width * score / 100.0)
    return full * filled + empty * (width - filled)


def _value(value: object, lang: str) -> str:
    if isinstance(value, bool):
        return ("oui" if value else "non") if lang == "fr" else ("yes" if value else "no")
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def computed_lines(result: ManifestResult, lang: str) -> list[str]:
    """Derived facts and metrics, one line each ("à renseigner" when a fact is undecided)."""
    lines = []
    for fact in result.derived.facts.values():
        if fact.value is None and fact.missing:
            shown = f"{t('undecided', lang)} ({', '.join(dict.fromkeys(m for _, m in fact.missing))})"
        else:
            shown = "—" if fact.value is None else _value(fact.value, lang)
        lines.append(f"{fact.title.get(lang)} : {shown}")
    for metric in result.metrics:
        value = "—" if metric.value is None else _value(metric.value, lang)
        lines.append(f"{metric.title.get(lang)} : {value} ({metric.counted} {t('measures', lang)})")
    return lines


def evidence_line(findings: list[Finding], lang: str) -> str:
    """How many rules each evidence level contributed to this report."""
    counts = {e: sum(1 for f in findings if f.evidence is e) for e in Evidence}
    return f"{t('rules_by_evidence', lang)} : " + ", ".join(
        f"{n} {evidence(e, lang)}" for e, n in counts.items()
    )


WAIVER_STATES = {
    "applied": ("appliquée", "applied"),
    "expiring": ("appliquée, expire bientôt", "applied, expiring soon"),
    "expired": ("expirée, non appliquée", "expired, not applied"),
    "refused": ("refusée", "refused"),
    "unused": ("sans objet", "not used"),
    "ignored": ("ignorée (mode relecteur)", "ignored (reviewer mode)"),
}


def waiver_lines(result: ManifestResult, lang: str) -> list[str]:
    """One line per declared dérogation, then the score under the other waiver policy."""
    lines = []
    for s in result.waivers:
        w = s.waiver
        state = WAIVER_STATES[s.state][1 if lang == "en" else 0]
        who = f", {w.approver}" if w.approver else ""
        lines.append(
            f"{w.location.file}:{w.location.line}:{w.location.column}: [{w.rule}] {state} — "
            f"{s.note.get(lang)}{who} — {w.justification}"
        )
    other = result.scores_other
    if other is not None:
        ignored = any(s.state == "ignored" for s in result.waivers)
        if lang == "en":
            label = "Overall score with dérogations" if ignored else "Overall score without dérogations"
        else:
            label = "Score global avec dérogations" if ignored else "Score global sans dérogations"
        lines.append(
            f"{label} : {percent(other.overall.score).strip()} ({percent(result.scores.overall.score).strip()} {'here' if lang == 'en' else 'ici'})"
        )
    return lines


def profile_lines(result: ManifestResult, lang: str) -> list[str]:
    """One line per requirement of the --profile: met or not, expected and actual."""
    return [
        f"{'✓' if c.ok else '✗'} {c.requirement.get(lang)} : {c.actual.get(lang)} ({'attendu' if lang != 'en' else 'expected'} {c.expected.get(lang)})"
        for c in result.profile
    ]


def baseline_lines(result: ManifestResult, lang: str) -> list[str]:
    """How many failures the --baseline already knew, and which known ones are now fixed."""
    known = sum(1 for f in result.findings if f.known)
    if not known and not result.fixed:
        return []
    en = lang == "en"
    lines = [f"{known} {'known finding(s) not repeated' if en else 'constat(s) déjà connu(s), non repris'}"]
    lines += [
        f"{'fixed' if en else 'corrigé'} : [{item.get('rule_id')}] {item.get('path')}"
        for item in result.fixed
    ]
    return lines
