"""Helpers shared by formatters: which findings to show, bars, percentages."""

from __future__ import annotations

from collections.abc import Iterator

from ..model import Finding, Outcome

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
