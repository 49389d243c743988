"""Presenters of a review (`review.ReviewTable`): plain text, the rich terminal view, CSV,
Markdown and JSON. The HTML page is `formats.review_html`.

Every text taken from a manifest (service name, file name) is shown on one line with its control
and bidirectional characters visibly escaped (`shared.clip`); the JSON keeps it exactly
(`safetext.json_safe` at the edge); the CSV also neutralises spreadsheet formulas (`csv_cell`).

Layout: the text table fits 80 columns at the référentiel level (the service's name is clipped in
the table and given whole in the list of submissions below it); `--level chapter` adds one table
per référentiel, its chapters numbered with a legend. Statuses are letters in the tables (C, P,
N, I, with their legend), words everywhere else.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from typing import Any

from .. import __version__
from ..chapters import chapter_label
from ..i18n import colon, long_date, number, outcome, status, t
from ..model import Outcome
from ..packs import Pack
from ..review import FORMAT_VERSION, STATUSES, Cell, ReviewRow, ReviewTable
from .shared import clip

WIDTH = 80

# one letter per status in the tables: the same initials in French and English
LETTERS = {"conforme": "C", "partiellement-conforme": "P", "non-conforme": "N", "incomplet": "I"}

_SHORT_REFS = {
    "interoperabilite": ("Interop.", "Interop."),
    "securite": ("Sécurité", "Security"),
    "numerique-responsable": ("Num. resp.", "Resp. dig."),
}

_SORTS = {
    "global": ("conformité globale", "overall conformity"),
    "completeness": ("complétude globale", "overall completeness"),
    "bloquants": ("règles bloquantes en échec", "blocking rules failed"),
    "name": ("nom du service", "service name"),
    "file": ("fichier", "file"),
}


@dataclass(frozen=True, slots=True)
class ReviewOptions:
    """What a review's presenters are told besides the table."""

    lang: str = "fr"
    level: str = "referentiel"
    today: date | None = None
    packs: Sequence[Pack] = ()
    profile: str | None = None  # the acceptance profile's id, when one was applied
    tool_version: str = __version__


def _pick(pair: tuple[str, str], lang: str) -> str:
    return pair[1] if lang == "en" else pair[0]


def rate(value: float | None, lang: str) -> str:
    """A rate to a tenth, without « % » (the column says it): « 96,5 », "96.5", « — »."""
    return "—" if value is None else number(value, lang, ".1f")


def letter(slug: str | None) -> str:
    return LETTERS.get(slug or "", "—")


def short_referentiel(key: str, lang: str) -> str:
    return _pick(_SHORT_REFS[key], lang) if key in _SHORT_REFS else key


def sort_label(table: ReviewTable, lang: str) -> str:
    key = table.sort
    if key.kind in _SORTS:
        shown = _pick(_SORTS[key.kind], lang)
    elif key.kind == "referentiel":
        shown = f"{t('score', lang).lower()} {table.columns.referentiel_title(key.name, lang)}"
    else:
        chapter = table.columns.chapters[key.index]
        shown = f"{t('score', lang).lower()} {chapter_label(chapter.title, lang)}"
    return f"{shown}, {t('reversed', lang)}" if table.reverse else shown


def profile_text(row: ReviewRow, lang: str) -> str:
    """« tenu (7/7) », « non tenu (2/7) »: the unmet requirements over all of them."""
    if row.profile is None:
        return "—"
    if row.profile.met:
        return f"{t('profile_met', lang)} ({row.profile.total}/{row.profile.total})"
    return f"{t('profile_unmet', lang)} ({row.profile.unmet}/{row.profile.total})"


def headline(table: ReviewTable, opts: ReviewOptions) -> list[str]:
    """The lines that open a review: what was reviewed, when, how it is sorted and filtered."""
    lang = opts.lang
    when = f" — {t('reviewed_on', lang)} {long_date(opts.today, lang)}" if opts.today else ""
    if lang == "en":
        counts = f"{table.read} read, {len(table.rows)} shown, {len(table.unreadable)} unreadable"
    else:
        counts = f"{table.read} lus, {len(table.rows)} montrés, {len(table.unreadable)} illisibles"
    lines = [f"{t('review_title', lang)}{when}", f"{t('submissions', lang)}{colon(lang)}{counts}"]
    by_status = " · ".join(f"{status(s or None, lang)} {n}" for s, n in table.status_counts())
    if by_status:
        lines.append(f"{t('statuses', lang)}{colon(lang)}{by_status}")
    lines.append(f"{t('sorted_by', lang).capitalize()}{colon(lang)}{sort_label(table, lang)}")
    filters = filter_text(table, lang)
    if filters:
        lines.append(f"{t('filters', lang).capitalize()}{colon(lang)}{filters}")
    if opts.profile:
        lines.append(f"{t('profile_verdict', lang)}{colon(lang)}{opts.profile}")
    return lines


def filter_text(table: ReviewTable, lang: str) -> str:
    f = table.filters
    parts = []
    if f.kinds:
        parts.append(f"{t('kind', lang).lower()} {', '.join(f.kinds)}")
    if f.verdicts:
        parts.append(f"{t('status', lang).lower()} {', '.join(status(v, lang) for v in f.verdicts)}")
    if f.min_score is not None:
        parts.append(f"{t('min_score', lang)} {number(f.min_score, lang)}")
    return " ; ".join(parts) if lang != "en" else "; ".join(parts)


def legend(lang: str) -> str:
    letters = " · ".join(f"{mark} {status(slug, lang)}" for slug, mark in LETTERS.items())
    unit = "taux en %" if lang != "en" else "rates in %"
    return (
        f"{letters} · — {t('no_score', lang)} ; {unit}"
        if lang != "en"
        else f"{letters} · — {t('no_score', lang)}; {unit}"
    )


# --- the grids of the text and terminal views ------------------------------------------------------


@dataclass(slots=True)
class Grid:
    """One table for a person: headers, right-aligned columns, rows of (text, status slug) cells;
    `flex` is the column that gives way when the table is wider than the screen."""

    title: str
    head: list[str]
    right: set[int]
    rows: list[list[tuple[str, str | None]]] = field(default_factory=list)
    flex: int = 1
    notes: list[str] = field(default_factory=list)
    gap: int = 2  # spaces between columns


def _cell(cell: Cell, lang: str) -> tuple[str, str | None]:
    return (f"{rate(cell.conformity, lang)} {letter(cell.status)}", cell.status)


def _rank(row: ReviewRow) -> str:
    return str(row.rank)


def referentiel_grid(table: ReviewTable, lang: str) -> Grid:
    refs = table.columns.referentiels
    head = [
        "#",
        t("service", lang),
        t("overall", lang),
        t("completeness_short", lang),
        t("bloquants_short", lang),
    ]
    head += [short_referentiel(r, lang) for r in refs]
    grid = Grid(t("scores", lang), head, set(range(2, len(head))) | {0})
    for row in table.rows:
        cells: list[tuple[str, str | None]] = [
            (_rank(row), None),
            (clip(row.title()), None),
            _cell(row.overall, lang),
            (rate(row.overall.completeness, lang), None),
            (str(row.bloquants), "non-conforme" if row.bloquants else None),
        ]
        cells += [_cell(c, lang) for c in row.referentiels]
        grid.rows.append(cells)
    return grid


def chapter_grids(table: ReviewTable, lang: str) -> list[Grid]:
    """One grid per référentiel: its chapters numbered 1…n, the conformity rounded down to the
    unit (never shown 100 unless it is) with the status letter; the legend names each number."""
    grids = []
    columns = table.columns
    for ref in columns.referentiels:
        indexes = [i for i, c in enumerate(columns.chapters) if c.referentiel == ref]
        head = ["#", t("service", lang), *(str(n) for n in range(1, len(indexes) + 1))]
        grid = Grid(columns.referentiel_title(ref, lang), head, {0, *range(2, len(head))}, gap=1)
        for row in table.rows:
            cells: list[tuple[str, str | None]] = [(_rank(row), None), (clip(row.title()), None)]
            for i in indexes:
                cell = row.chapters[i]
                shown = "—" if cell.conformity is None else str(math.floor(cell.conformity))
                cells.append((f"{shown}{letter(cell.status) if cell.status else ''}", cell.status))
            grid.rows.append(cells)
        grid.notes = [
            f"{n} = {columns.chapters[i].chapter} : {chapter_label(columns.chapters[i].title, lang)}"
            if lang != "en"
            else f"{n} = {columns.chapters[i].chapter}: {chapter_label(columns.chapters[i].title, lang)}"
            for n, i in enumerate(indexes, start=1)
        ]
        grids.append(grid)
    return grids


def grids(table: ReviewTable, opts: ReviewOptions) -> list[Grid]:
    out = [referentiel_grid(table, opts.lang)]
    if opts.level == "chapter":
        out += chapter_grids(table, opts.lang)
    return out


def _fit(grid: Grid, width: int) -> list[int]:
    widths = [max([len(h), *(len(r[i][0]) for r in grid.rows)]) for i, h in enumerate(grid.head)]
    over = sum(widths) + grid.gap * (len(widths) - 1) - width
    if over > 0:
        widths[grid.flex] = max(len(grid.head[grid.flex]), 8, widths[grid.flex] - over)
    return widths


def _line(cells: Sequence[str], widths: Sequence[int], right: set[int], gap: int = 2) -> str:
    out = []
    for i, (text, w) in enumerate(zip(cells, widths, strict=True)):
        if len(text) > w:
            text = text[: w - 1] + "…"
        out.append(text.rjust(w) if i in right else text.ljust(w))
    return (" " * gap).join(out).rstrip()


def grid_lines(grid: Grid, width: int = WIDTH) -> list[str]:
    widths = _fit(grid, width)
    line = partial(_line, widths=widths, right=grid.right, gap=grid.gap)
    lines = [grid.title, "", line(grid.head), line(["-" * w for w in widths])]
    lines += [line([c[0] for c in row]) for row in grid.rows]
    if grid.notes:
        lines += ["", *grid.notes]
    return lines


def submission_lines(table: ReviewTable, lang: str) -> list[str]:
    """Each submission whole: rank, file, name, kind, responsible, profile verdict, report link."""
    lines = []
    for row in table.rows:
        facts = [row.kind_label(lang), f"{t('responsible', lang).lower()} {row.responsible_label(lang)}"]
        if row.profile is not None:
            facts.append(f"{t('profile_short', lang).lower()} {profile_text(row, lang)}")
        if row.report is not None:
            facts.append(f"{t('report', lang).lower()} {clip(row.report)}")
        lines.append(f"{row.rank:>3}  {clip(row.file)} — {clip(row.name or '—')} ({', '.join(facts)})")
    return lines


def unreadable_lines(table: ReviewTable, lang: str) -> list[str]:
    return [clip(p.render(lang)) for u in table.unreadable for p in u.problems]


def render_text(table: ReviewTable, opts: ReviewOptions) -> str:
    """The stable plain text: headline, the tables, the submissions whole, the unreadable ones."""
    lang = opts.lang
    lines = [*headline(table, opts), ""]
    for grid in grids(table, opts):
        lines += [*grid_lines(grid), ""]
    lines += [legend(lang), ""]
    if table.rows:
        lines += [t("submissions", lang), "", *submission_lines(table, lang), ""]
    if table.unreadable:
        lines += [t("unreadable", lang), "", *unreadable_lines(table, lang), ""]
    return "\n".join(lines)


_RICH_STYLE = {
    "conforme": "green",
    "partiellement-conforme": "yellow",
    "incomplet": "yellow",
    "non-conforme": "red",
}


def present(table: ReviewTable, console: Any, opts: ReviewOptions) -> None:
    """The terminal view (rich): the same tables, statuses coloured, the service's name wrapped
    in its cell rather than cut."""
    from rich.markup import escape
    from rich.table import Table
    from rich.text import Text as RichText

    lang = opts.lang
    out: Callable[..., None] = console.print
    for i, line in enumerate(headline(table, opts)):
        out(RichText(line, style="bold" if i == 0 else ""), highlight=False)
    for grid in grids(table, opts):
        out("")
        # the chapter tables are dense: no borders, one space between columns (as the text's)
        rich_table = Table(title=escape(grid.title), title_justify="left", show_edge=False, pad_edge=False)
        if grid.gap == 1:
            rich_table.box, rich_table.padding = None, (0, 1, 0, 0)
        for i, head in enumerate(grid.head):
            rich_table.add_column(
                head,
                justify="right" if i in grid.right else "left",
                no_wrap=i != grid.flex,
                overflow="fold",
                min_width=8 if i == grid.flex else None,
                ratio=1 if i == grid.flex else None,
            )
        for row in grid.rows:
            rich_table.add_row(*(RichText(text, style=_RICH_STYLE.get(slug or "", "")) for text, slug in row))
        out(rich_table)
        for note in grid.notes:
            out(RichText(note, style="dim"), highlight=False)
    out(RichText(legend(lang), style="dim"), highlight=False)
    if table.rows:
        out(RichText("\n" + t("submissions", lang), style="bold"), highlight=False)
        for line in submission_lines(table, lang):
            out(RichText(line), highlight=False)
    if table.unreadable:
        out(RichText("\n" + t("unreadable", lang), style="bold red"), highlight=False)
        for line in unreadable_lines(table, lang):
            out(RichText(line), highlight=False)


# --- CSV -------------------------------------------------------------------------------------------

# A cell a spreadsheet would read as a formula (OWASP « CSV injection »): =, +, -, @, tab, CR,
# also after leading blanks, and their full-width forms, which some spreadsheets accept.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def csv_cell(value: object) -> str:
    """A text cell that a spreadsheet shows as text: on one line (control characters escaped),
    prefixed with « ' » when it could start a formula. Numbers are not passed here."""
    raw = str(value)
    text = clip(raw, 10_000)
    if raw.lstrip().startswith(_FORMULA_START) or text.lstrip().startswith(_FORMULA_START):
        return "'" + text
    return text


def csv_dialect(lang: str) -> tuple[str, Callable[[float | None], str]]:
    """French: « ; » between cells and a decimal comma, as Excel and LibreOffice in French expect;
    English: RFC 4180 « , » and a decimal point."""
    if lang == "en":
        return ",", lambda v: "" if v is None else format(v, ".1f")
    return ";", lambda v: "" if v is None else format(v, ".1f").replace(".", ",")


def csv_header(table: ReviewTable, opts: ReviewOptions) -> list[str]:
    lang = opts.lang
    conf, comp, stat = t("score", lang), t("completeness", lang), t("status", lang)
    head = [
        t("rank", lang),
        t("file", lang),
        t("service", lang),
        t("kind", lang),
        t("responsible", lang),
        stat,
        f"{conf} (%)",
        f"{comp} (%)",
        t("bloquants", lang),
        *(outcome(o, lang) for o in Outcome),
    ]
    for ref in table.columns.referentiels:
        title = table.columns.referentiel_title(ref, lang)
        head += [f"{title} — {conf} (%)", f"{title} — {comp} (%)", f"{title} — {stat}"]
    if opts.level == "chapter":
        for c in table.columns.chapters:
            head += [f"{c.key} — {conf} (%)", f"{c.key} — {comp} (%)", f"{c.key} — {stat}"]
    head += [t("profile_verdict", lang), t("report", lang), "SHA-256"]
    return head


def render_csv(table: ReviewTable, opts: ReviewOptions) -> str:
    """One line per shown submission, in the review's order; UTF-8 with a byte-order mark so that
    Excel reads the accents. Unreadable submissions are not rows: they are on stderr."""
    lang = opts.lang
    sep, num = csv_dialect(lang)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=sep, lineterminator="\r\n")
    writer.writerow([csv_cell(h) for h in csv_header(table, opts)])
    for row in table.rows:
        counts = dict(row.counts)
        cells: list[str] = [
            str(row.rank),
            csv_cell(row.file),
            csv_cell(row.name or ""),
            csv_cell(row.kind_label(lang) if row.kind else ""),
            csv_cell(row.responsible_label(lang) if row.responsible else ""),
            csv_cell(status(row.overall.status, lang) if row.overall.status else ""),
            num(row.overall.conformity),
            num(row.overall.completeness),
            str(row.bloquants),
            *(str(counts.get(o.value, 0)) for o in Outcome),
        ]
        groups = list(row.referentiels) + (list(row.chapters) if opts.level == "chapter" else [])
        for cell in groups:
            cells += [
                num(cell.conformity),
                num(cell.completeness),
                csv_cell(status(cell.status, lang) if cell.status else ""),
            ]
        cells += [
            csv_cell(profile_text(row, lang) if row.profile else ""),
            csv_cell(row.report or ""),
            row.sha256,
        ]
        writer.writerow(cells)
    return "\ufeff" + buffer.getvalue()


# --- Markdown --------------------------------------------------------------------------------------


def render_markdown(table: ReviewTable, opts: ReviewOptions) -> str:
    from .markdown import md
    from .markdown import table as md_table

    lang = opts.lang
    head_lines = headline(table, opts)
    lines = [f"# {md(head_lines[0])}", "", *(f"{md(line)}  " for line in head_lines[1:]), ""]
    head = [
        t("rank", lang),
        t("service", lang),
        t("file", lang),
        t("kind", lang),
        t("overall", lang),
        t("completeness", lang),
        t("bloquants", lang),
    ]
    head += [md(table.columns.referentiel_title(r, lang)) for r in table.columns.referentiels]
    chapters = table.columns.chapters if opts.level == "chapter" else ()
    head += [md(c.key) for c in chapters]
    if opts.profile:
        head.append(t("profile_short", lang))
    rows = []
    for row in table.rows:
        name = md(row.name or "—")
        if row.report is not None:
            name = f"[{name}](<{md(row.report)}>)"
        cells = [
            str(row.rank),
            name,
            md(row.file),
            md(row.kind_label(lang)),
            _md_cell(row.overall, lang),
            rate(row.overall.completeness, lang),
            str(row.bloquants),
        ]
        cells += [_md_cell(c, lang) for c in row.referentiels]
        cells += [_md_cell(row.chapters[table.columns.chapters.index(c)], lang) for c in chapters]
        if opts.profile:
            cells.append(md(profile_text(row, lang)))
        rows.append(cells)
    lines += md_table(head, rows, "rlllrrr" + "r" * (len(head) - 7))
    lines += [md(legend(lang)), ""]
    if chapters:
        lines += [f"- `{md(c.key)}` {md(chapter_label(c.title, lang))}" for c in chapters] + [""]
    if table.unreadable:
        lines += [f"## {t('unreadable', lang)}", ""]
        lines += [f"- {md(line)}" for line in unreadable_lines(table, lang)] + [""]
    return "\n".join(lines)


def _md_cell(cell: Cell, lang: str) -> str:
    return f"{rate(cell.conformity, lang)} {letter(cell.status)}"


# --- JSON ------------------------------------------------------------------------------------------


def _cell_json(cell: Cell) -> dict[str, Any]:
    return {"conformity": cell.conformity, "completeness": cell.completeness, "status": cell.status}


def row_json(row: ReviewRow, table: ReviewTable, lang: str) -> dict[str, Any]:
    columns = table.columns
    return {
        "rank": row.rank,
        "file": row.file,
        "sha256": row.sha256,
        "service": {
            "name": row.name,
            "kind": row.kind,
            "kind_label": row.kind_label(lang) if row.kind else None,
            "responsible": row.responsible,
        },
        "overall": _cell_json(row.overall),
        "bloquants": row.bloquants,
        "counts": dict(row.counts),
        "referentiels": {
            key: _cell_json(c) for key, c in zip(columns.referentiels, row.referentiels, strict=True)
        },
        "chapters": {c.key: _cell_json(cell) for c, cell in zip(columns.chapters, row.chapters, strict=True)},
        "profile": None
        if row.profile is None
        else {"met": row.profile.met, "unmet": row.profile.unmet, "total": row.profile.total},
        "report": row.report,
    }


def render_json(table: ReviewTable, opts: ReviewOptions) -> str:
    """The whole review for machines: every level (chapters included, whatever `--level`)."""
    from .json_report import pack_stamp

    lang = opts.lang
    columns = table.columns
    data = {
        "format_version": FORMAT_VERSION,
        "tool": {"name": "doctrine-lint", "version": opts.tool_version},
        "date": opts.today.isoformat() if opts.today else None,
        "lang": lang,
        "packs": [pack_stamp(p) for p in opts.packs],
        "profile": opts.profile,
        "sort": {"key": table.sort.name, "reverse": table.reverse},
        "filters": {
            "kinds": list(table.filters.kinds),
            "verdicts": list(table.filters.verdicts),
            "min_score": table.filters.min_score,
        },
        "columns": {
            "referentiels": [
                {"key": r, "title": columns.referentiel_title(r, lang)} for r in columns.referentiels
            ],
            "chapters": [
                {
                    "key": c.key,
                    "referentiel": c.referentiel,
                    "chapter": c.chapter,
                    "label": chapter_label(c.title, lang),
                }
                for c in columns.chapters
            ],
        },
        "summary": {
            "read": table.read,
            "shown": len(table.rows),
            "unreadable": len(table.unreadable),
            "statuses": {s: sum(1 for r in table.rows if r.overall.status == s) for s in STATUSES},
        },
        "submissions": [row_json(row, table, lang) for row in table.rows],
        "unreadable": [
            {
                "file": u.file,
                "problems": [
                    {"file": p.file, "line": p.line, "column": p.column, "message": p.text(lang)}
                    for p in u.problems
                ],
            }
            for u in table.unreadable
        ],
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


RENDERERS: dict[str, Callable[[ReviewTable, ReviewOptions], str]] = {
    "text": render_text,
    "csv": render_csv,
    "markdown": render_markdown,
    "json": render_json,
}
