"""The rich terminal view for people: score table with bars, findings grouped by chapter.

Only used when stdout is a terminal and the text format is asked for; pipes get the plain,
stable text of `formats.text`.
"""

from __future__ import annotations

from functools import partial

from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text as RichText

from .formats import RenderOptions
from .formats.shared import (
    bar,
    baseline_lines,
    computed_lines,
    evidence_line,
    findings_by_chapter,
    profile_lines,
    waiver_lines,
)
from .i18n import outcome, severity, status, t
from .linter import ManifestResult, Report
from .model import Outcome, ScoreLine, Severity

_SEVERITY_STYLE = {
    Severity.BLOQUANT: "bold red",
    Severity.MAJEUR: "red",
    Severity.MINEUR: "yellow",
    Severity.INFO: "cyan",
}
_STATUS_STYLE = {"conforme": "green", "partiellement-conforme": "yellow", "non-conforme": "red"}


def _row(table: Table, label: str, line: ScoreLine, lang: str, style: str = "") -> None:
    score = "—" if line.score is None else f"{line.score:.1f} %"
    colour = _STATUS_STYLE.get(line.status or "", "dim")
    table.add_row(
        RichText(label, style=style),
        score,
        RichText(bar(line.score, 20, "█", "░"), style=colour),
        RichText(status(line.status, lang), style=colour),
    )


def _present_result(result: ManifestResult, console: Console, opts: RenderOptions) -> None:
    lang = opts.lang
    out = partial(console.print, highlight=False)  # manifest text must not be recoloured
    console.rule(f"[bold]{escape(result.file)}")
    table = Table(title=t("scores", lang), show_lines=False, expand=False)
    table.add_column(
        f"{t('referentiel', lang)} / {t('chapter', lang)}", no_wrap=True, overflow="ellipsis", max_width=44
    )
    table.add_column(t("score", lang), justify="right", no_wrap=True, min_width=7)
    table.add_column("", no_wrap=True, min_width=20)
    table.add_column(t("status", lang), no_wrap=True, min_width=22)
    scores = result.scores
    _row(table, t("overall", lang), scores.overall, lang, "bold")
    for ref in scores.referentiels:
        _row(table, ref.title.get(lang), ref, lang, "bold")
        for ref_key, chap in scores.chapters:
            if ref_key == ref.key:
                _row(table, f"  §{chap.key} {chap.title.get(lang)}", chap, lang)
    out(table)

    for key, lines in (
        ("derogations", waiver_lines(result, lang)),
        ("profile", profile_lines(result, lang)),
        ("baseline", baseline_lines(result, lang)),
    ):
        if lines:
            out(f"\n[bold]{t(key, lang)}[/bold]")
            for line in lines:
                out(f"  {escape(line)}")
    computed = computed_lines(result, lang)
    if computed:
        out(f"\n[bold]{t('computed', lang)}[/bold]")
        for line in computed:
            out(f"  {escape(line)}")
    groups = findings_by_chapter(result, opts.show_all)
    out(f"\n[bold]{t('findings', lang)}[/bold]")
    if not groups:
        out("  " + t("nothing_to_report", lang))
    for g in groups:
        chapter_title = g.chapter_line.title.get(lang) if g.chapter_line else ""
        out(f"  [bold]§{escape(g.chapter)} {escape(chapter_title)}[/bold]")
        for f in g.findings:
            loc = f.location
            style = _SEVERITY_STYLE[f.severity]
            out(
                f"    [dim]{escape(loc.file)}:{loc.line}:{loc.column}[/dim] "
                f"[{style}]{severity(f.severity, lang)}[/{style}] {outcome(f.outcome, lang)} "
                f"[bold]{escape(f.rule_id)}[/bold] {escape(f.message.get(lang))}"
            )
    todo = [f for f in result.findings if f.outcome is Outcome.A_RENSEIGNER]
    if todo:
        out(f"\n[bold]{t('facts_to_declare', lang)}[/bold]")
        for f in todo:
            loc = f.location
            out(
                f"    [dim]{escape(loc.file)}:{loc.line}:{loc.column}[/dim] "
                f"[{_SEVERITY_STYLE[f.severity]}]{severity(f.severity, lang)}[/] "
                f"[bold]{escape(f.rule_id)}[/bold] {t('add', lang)} : {escape(', '.join(f.missing))}"
            )
    counts = scores.overall.counts
    summary = ", ".join(
        f"{counts[o.value]} {outcome(o, lang)}"
        for o in Outcome
        if o is not Outcome.DEROGATION or counts[o.value]
    )
    out(f"\n{t('summary', lang)} : {summary}")
    out(f"[dim]{escape(evidence_line(result.findings, lang))}[/dim]\n")


def present(report: Report, console: Console, opts: RenderOptions) -> None:
    """Print the report for a person reading a terminal."""
    for result in report.results:
        _present_result(result, console, opts)
