"""Helpers shared by formatters: which findings to show, bars, percentages."""

from __future__ import annotations

from collections.abc import Iterator

from ..i18n import evidence, t
from ..linter import ManifestResult
from ..model import Evidence, Finding, Outcome

SHOWN = (Outcome.NON_CONFORME, Outcome.A_RENSEIGNER, Outcome.DEROGATION)


def visible(findings: list[Finding], show_all: bool) -> Iterator[Finding]:
    """Findings worth showing to a person: failures and waivers, or everything with show_all."""
    return (f for f in findings if show_all or f.outcome in SHOWN)


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
