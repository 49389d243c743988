"""The rich terminal view for people: score table with bars, findings grouped by chapter.

Only used when stdout is a terminal and the text format is asked for; pipes get the plain,
stable text of `formats.text`. Laid out from `formats.view` in `view.SECTIONS` order, like the
other human presenters; styling and rich markup escaping are this module's only additions.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from rich.console import Console
from rich.markup import escape
from rich.padding import Padding
from rich.table import Table
from rich.text import Text as RichText

from .formats import RenderOptions
from .formats.shared import bar
from .formats.text import occurrence
from .formats.view import (
    PRIORITIES_SHOWN,
    SECTIONS,
    ManifestView,
    ScoreRow,
    build,
    more_priorities,
    rates_text,
)
from .i18n import colon, t
from .linter import Report
from .model import Severity

_SEVERITY_STYLE = {
    Severity.BLOQUANT: "bold red",
    Severity.MAJEUR: "red",
    Severity.MINEUR: "yellow",
    Severity.INFO: "cyan",
}
_STATUS_STYLE = {"conforme": "green", "partiellement-conforme": "yellow", "non-conforme": "red"}

Print = Callable[[str], None]

_RULES_COLUMN = 100  # below this many columns the score table leaves out the rule counts
_WIDE = 110  # below this many columns the score table has no bars and chapter titles wrap sooner


def _indented(out: Print, console: Console, markup: str, indent: int = 4, bullet: str = "•") -> None:
    """One bulleted line of markup; wrapped continuation lines hang under its text, so that an
    80-column terminal still shows where each finding starts."""
    grid = Table.grid(padding=(0, 1, 0, 0))
    grid.add_column(width=len(bullet))
    grid.add_column()
    grid.add_row(bullet, RichText.from_markup(markup))
    console.print(Padding(grid, (0, 0, 0, indent)), highlight=False)


def _heading(out: Print, key: str, lang: str) -> None:
    out(f"\n[bold]{t(key, lang)}[/bold]")


def _row(table: Table, row: ScoreRow, width: int, rules: bool) -> None:
    colour = _STATUS_STYLE.get(row.status or "", "dim")
    cells: list[RichText | str] = [
        RichText(("  " if row.level == 2 else "") + row.label, style="" if row.level == 2 else "bold"),
        row.percent,
    ]
    if width:
        cells.append(RichText(bar(row.score, width, "█", "░"), style=colour))
    cells += [
        RichText(row.status_label, style=colour),
        row.completeness_percent or "—",
    ]
    if rules:
        cells.append(f"{row.rules} ({row.possible:.0f})")  # whole weights: the column stays narrow
    table.add_row(*cells)


def _header(m: ManifestView, out: Print, console: Console, lang: str) -> None:
    """The verdict first: the service, its overall status and référentiel scores, the
    acceptance profile's verdict, then « À corriger en priorité »."""
    console.rule(f"[bold]{escape(m.file)}")
    if m.name:
        out(f"[bold]{escape(m.name)}[/bold]")
    overall = m.scores.overall
    out(f"[bold {_STATUS_STYLE.get(overall.status or '', '')}]{escape(m.verdict)}[/]")
    # one line per référentiel; at 80 columns its rates wrap under the status, not at column 0
    grid = Table.grid(padding=(0, 0, 0, 0))
    grid.add_column(no_wrap=True)
    grid.add_column()
    for ref in m.scores.referentiels:
        row = ref.row
        colour = _STATUS_STYLE.get(row.status or "", "dim")
        grid.add_row(
            RichText(f"{row.label}{colon(lang)}"),
            RichText.from_markup(
                f"[{colour}]{escape(row.status_label)}[/] — {escape(rates_text(row, lang))}"
            ),
        )
    console.print(Padding(grid, (0, 0, 0, 2)), highlight=False)
    if m.profile_verdict:
        held = all(c.ok for c in m.profile)
        out(f"[{'green' if held else 'red'}]{escape(m.profile_verdict)}[/]")
    _priorities(m, out, console, lang)


def _priorities(m: ManifestView, out: Print, console: Console, lang: str) -> None:
    if not m.priorities:
        return
    _heading(out, "priorities", lang)
    for p in m.priorities[:PRIORITIES_SHOWN]:
        fact = p.kind == "a-renseigner"
        style = _SEVERITY_STYLE[p.severity]
        what = escape(p.action) if fact else f"[bold]{escape(p.rules[0])}[/bold] {escape(p.title)}"
        detail = "" if fact else f"\n{escape(p.action)}"
        where = t("where_to_add" if fact else "line_to_change", lang)
        after = (
            f" — {t('verdict_after', lang)}{colon(lang)}[bold]{escape(p.verdict_after)}[/bold]"
            if p.verdict_after
            else ""
        )
        _indented(
            out,
            console,
            f"[{style}]{escape(p.severity_label)}[/{style}] {escape(p.kind_label.lower())} — {what}{detail}\n"
            f"[dim]{escape(where)}{colon(lang)}{escape(p.position)}[/dim] — "
            f"[bold]{escape(p.gain_text)}[/bold]{after}",
            2,
            f"{p.rank}.",
        )
    more = more_priorities(m, lang)
    if more:
        out(f"  {escape(more)}")


def _scores(m: ManifestView, out: Print, console: Console, lang: str) -> None:
    # the bar only where there is room for it: on 80 columns the completeness and the rule
    # count matter more than a picture of the conformity rate
    bar_width = 20 if console.width >= _WIDE else 0
    # nor the rule counts below 100 columns (the text report and `explain score` give them):
    # chapter titles need the room to stay readable when they wrap
    rules = console.width >= _RULES_COLUMN
    # every column but the label is no_wrap and fixed: the label gets what is left (borders and
    # padding: 3 per column, plus 1), so that the table never runs past the terminal's edge
    columns = 4 + bool(bar_width) + rules
    fixed = 7 + 22 + 7 + (9 if rules else 0) + (bar_width or 0) + 3 * columns + 1
    label_width = max(16, min(44, console.width - fixed))
    table = Table(title=t("scores", lang), show_lines=False, expand=False)
    # a long chapter title wraps in its cell: never cut (an 80-column terminal too)
    table.add_column(
        f"{t('referentiel', lang)} / {t('chapter', lang)}",
        overflow="fold",
        max_width=label_width,
    )
    table.add_column(t("score_short", lang), justify="right", no_wrap=True, min_width=7)
    if bar_width:
        table.add_column("", no_wrap=True, min_width=bar_width)
    table.add_column(t("status", lang), no_wrap=True, min_width=22)
    table.add_column(t("completeness_short", lang), justify="right", no_wrap=True, min_width=7)
    if rules:
        table.add_column(t("rules_short", lang), justify="right", no_wrap=True, min_width=9)
    for row in m.scores.rows():
        _row(table, row, bar_width, rules)
    console.print(table)
    for row in m.scores.rows():
        if row.weighting:
            out(f"  [dim]{escape(row.label)} — {escape(row.weighting)}[/dim]")


def _profile(m: ManifestView, out: Print, console: Console, lang: str) -> None:
    if not m.profile:
        return
    _heading(out, "profile", lang)
    expected = "expected" if lang == "en" else "attendu"
    for c in m.profile:
        mark = "[green]✓[/green]" if c.ok else "[red]✗[/red]"
        out(f"  {mark} {escape(f'{c.requirement}{colon(lang)}{c.actual} ({expected} {c.expected})')}")


def _findings(m: ManifestView, out: Print, console: Console, lang: str) -> None:
    _heading(out, "findings", lang)
    if not m.findings:
        out("  " + t("nothing_to_report", lang))
    for g in m.findings:
        heading = RichText.from_markup(f"[bold]{escape(g.label)}[/bold]")
        console.print(Padding(heading, (0, 0, 0, 2)), highlight=False)
        for f in g.findings:
            style = _SEVERITY_STYLE[f.severity]
            _indented(
                out,
                console,
                f"[dim]{escape(f.position)}[/dim] "
                f"[{style}]{f.severity_label}[/{style}] {f.outcome_label} "
                f"[bold]{escape(f.rule_id)}[/bold] {escape(f.message)}{escape(occurrence(f, lang))}"
                + (
                    f"\n[dim]{escape(t('proof', lang))}{colon(lang)}{escape(f.proof)}[/dim]"
                    if f.proof
                    else ""
                ),
            )


def _evidence(m: ManifestView, out: Print, console: Console, lang: str) -> None:
    if not m.evidence:
        return
    _heading(out, "evidence_files", lang)
    for e in m.evidence:
        out(f"  [bold]{escape(e.title)}[/bold]")
        for line in e.lines:
            out(f"    {escape(line)}")
    if m.decided_by:
        out(f"  {escape(m.decided_by)}")


def _to_declare(m: ManifestView, out: Print, console: Console, lang: str) -> None:
    if not m.to_declare:
        return
    _heading(out, "facts_to_declare", lang)
    for fact in m.to_declare:
        detail = f"\n{t('facts', lang)}{colon(lang)}{escape(fact.facts_text)}" if fact.facts_text else ""
        _indented(
            out,
            console,
            f"[bold]{escape(fact.path)}[/bold] — {escape(fact.summary)} "
            f"[{_SEVERITY_STYLE[fact.severity]}]{fact.severity_label}[/] "
            f"[dim]{escape(fact.position)}[/dim]{detail}\n"
            f"[dim]{t('rules_label', lang)}{colon(lang)}{escape(fact.rules_text)}[/dim]",
            4,
        )


def _waivers(m: ManifestView, out: Print, console: Console, lang: str) -> None:
    if not m.waivers and m.other_score is None:
        return
    _heading(out, "derogations", lang)
    for w in m.waivers:
        who = f", {w.approver}" if w.approver else ""
        out(
            f"  [dim]{escape(w.position)}[/dim] [bold]{escape(w.rule)}[/bold] {escape(w.state_label)} — "
            f"{escape(w.note)}{escape(who)} — {escape(w.justification)}"
        )
    if m.other_score is not None:
        o = m.other_score
        out(f"  {escape(o.label)}{colon(lang)}[bold]{o.percent}[/bold] ({escape(o.here)})")


def _baseline(m: ManifestView, out: Print, console: Console, lang: str) -> None:
    b = m.baseline
    if b is None:
        return
    _heading(out, "baseline", lang)
    out(f"  {escape(b.known_label)}")
    for rule, path in b.fixed:
        out(f"  {escape(b.fixed_label)}{colon(lang)}[bold]{escape(rule)}[/bold] {escape(path)}")


def _computed(m: ManifestView, out: Print, console: Console, lang: str) -> None:
    if not m.computed:
        return
    _heading(out, "computed", lang)
    for line in m.computed:
        out(f"  {escape(line.text)}")


def _summary(m: ManifestView, out: Print, console: Console, lang: str) -> None:
    out(f"\n{t('summary', lang)}{colon(lang)}{escape(m.summary.text)}")
    out(f"[dim]{escape(m.summary.evidence_text)}[/dim]\n")


_SECTIONS: dict[str, Callable[[ManifestView, Print, Console, str], None]] = {
    "header": _header,
    "scores": _scores,
    "profile": _profile,
    "evidence": _evidence,
    "findings": _findings,
    "facts_to_declare": _to_declare,
    "derogations": _waivers,
    "baseline": _baseline,
    "computed": _computed,
    "summary": _summary,
}


def present(report: Report, console: Console, opts: RenderOptions) -> None:
    """Print the report for a person reading a terminal."""
    view = build(report, opts)
    out = partial(console.print, highlight=False)  # manifest text must not be recoloured
    for m in view.manifests:
        for key in SECTIONS:
            _SECTIONS[key](m, out, console, view.lang)
    if view.manifests:
        out(f"\n[dim]{escape(t('placement', view.lang))}{colon(view.lang)}{escape(view.placement)}[/dim]")
