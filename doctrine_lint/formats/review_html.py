"""The HTML page of a review: one self-contained page (inline CSS, no script, no external
resource) with the matrix of submissions, ranked as asked (a page without script cannot re-sort:
the ranking is precomputed, and `--sort` chooses it), each submission linked to its own report
when `--reports-dir` wrote them.

Every text from a manifest goes through `html.esc` (escaped, on one line, capped); the only
attribute built from a submission is its report link, a relative path of our own making
(`review.report_filename`), percent-encoded and escaped.
"""

from __future__ import annotations

from urllib.parse import quote

from ..chapters import chapter_label
from ..i18n import colon, long_date, percent, status, t
from ..review import Cell, ReviewRow, ReviewTable
from .html import _short, esc
from .review import ReviewOptions, headline, profile_text, rate, sort_label, unreadable_lines

CSS = """\
:root{--ok:#1b6e35;--partial:#8a5300;--ko:#a9231c;--na:#5f5f66;--ink:#1d1d1f;--muted:#555;--line:#c9c9d2;
--ok-bg:#e9f4ec;--partial-bg:#fbf1e1;--ko-bg:#fbeceb;--na-bg:#f0f0f3}
*{box-sizing:border-box}
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;color:var(--ink);
background:#fff;margin:0 auto;max-width:90rem;padding:1.5rem;overflow-wrap:anywhere}
h1{font-size:1.8rem;margin:0 0 .4rem}
h2{font-size:1.3rem;border-bottom:2px solid var(--ink);padding-bottom:.2rem;margin-top:2rem}
p.meta{margin:.15rem 0;color:var(--muted)}
ul.counts{display:flex;flex-wrap:wrap;gap:.5rem;list-style:none;padding:0;margin:.8rem 0}
ul.counts li{border:1px solid var(--line);border-left:8px solid var(--na);border-radius:5px;padding:.3rem .7rem}
.wrap{overflow-x:auto}
table{border-collapse:collapse;width:100%;margin:.5rem 0 1rem;font-size:.88rem}
th,td{border:1px solid var(--line);padding:.25rem .45rem;text-align:left;vertical-align:top}
th{background:#efeff4;overflow-wrap:normal;hyphens:none}
th.chap{writing-mode:vertical-rl;transform:rotate(180deg);white-space:nowrap;font-weight:600;max-height:14rem}
td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
td.rank{font-weight:700;text-align:right}
td.name{min-width:15rem}
td.kind{min-width:9rem}
ul.counts li.v-conforme{border-left-color:var(--ok)}
ul.counts li.v-partiellement-conforme,ul.counts li.v-incomplet{border-left-color:var(--partial)}
ul.counts li.v-non-conforme{border-left-color:var(--ko)}
td.st{font-variant-numeric:tabular-nums;text-align:right;min-width:6.5rem}
.v-conforme{background:var(--ok-bg);color:var(--ok);border-left-color:var(--ok)}
.v-partiellement-conforme,.v-incomplet{background:var(--partial-bg);color:var(--partial);border-left-color:var(--partial)}
.v-non-conforme{background:var(--ko-bg);color:var(--ko);border-left-color:var(--ko)}
td.v-conforme,td.v-partiellement-conforme,td.v-incomplet,td.v-non-conforme{font-weight:600}
.file{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.85em;color:var(--muted)}
ol.legend{font-size:.9rem;color:var(--muted)}
ul.errors li{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.85em}
@media print{body{max-width:none;padding:0;font-size:10pt}th.chap{writing-mode:horizontal-tb;transform:none}
tr{break-inside:avoid}@page{size:A4 landscape;margin:12mm}}
"""


def _legend(lang: str) -> str:
    if lang == "en":
        return "Rates in %; compl.: completeness; blocking: blocking rules non-compliant or to be declared."
    return "Taux en % ; compl. : complétude ; bloquants : règles bloquantes non conformes ou à renseigner."


def _status_class(slug: str | None) -> str:
    return f"v-{slug}" if slug in ("conforme", "partiellement-conforme", "non-conforme", "incomplet") else ""


def _cell(cell: Cell, lang: str) -> str:
    """A group's conformity with its status in words (as a tooltip would not print)."""
    shown = "—" if cell.conformity is None else percent(cell.conformity, lang)
    word = status(cell.status, lang) if cell.status else t("no_score", lang)
    completeness = f"{t('completeness_short', lang).lower()} {rate(cell.completeness, lang)}"
    return (
        f'<td class="st {_status_class(cell.status)}">{esc(shown)}<br>'
        f"<small>{esc(word)}</small><br><small>{esc(completeness)}</small></td>"
    )


def _chapter_cell(cell: Cell, lang: str) -> str:
    shown = "—" if cell.conformity is None else rate(cell.conformity, lang)
    word = status(cell.status, lang) if cell.status else t("no_score", lang)
    return f'<td class="st {_status_class(cell.status)}" title="{esc(word)}">{esc(shown)}</td>'


def _name(row: ReviewRow) -> str:
    name = esc(row.name or "—")
    if row.report is not None:
        name = f'<a href="{esc(quote(row.report))}">{name}</a>'
    return f'{name}<br><span class="file">{esc(row.file)}</span> {_short(row.sha256)}'


def _row(row: ReviewRow, table: ReviewTable, opts: ReviewOptions) -> str:
    lang = opts.lang
    cells = [
        f'<td class="rank">{row.rank}</td>',
        f'<td class="name">{_name(row)}</td>',
        f'<td class="kind">{esc(row.kind_label(lang))}<br><small>{esc(row.responsible_label(lang))}</small></td>',
        _cell(row.overall, lang),
        f'<td class="num{" v-non-conforme" if row.bloquants else ""}">{row.bloquants}</td>',
        *(_cell(c, lang) for c in row.referentiels),
    ]
    if opts.level == "chapter":
        cells += [_chapter_cell(c, lang) for c in row.chapters]
    if opts.profile:
        verdict = profile_text(row, lang)
        cls = "" if row.profile is None else ("v-conforme" if row.profile.met else "v-non-conforme")
        cells.append(f'<td class="{cls}">{esc(verdict)}</td>')
    return "<tr>" + "".join(cells) + "</tr>"


def render_html(table: ReviewTable, opts: ReviewOptions) -> str:
    lang = opts.lang
    columns = table.columns
    lines = headline(table, opts)
    head = [
        f'<th scope="col">{esc(t("rank", lang))}</th>',
        f'<th scope="col">{esc(t("service", lang))}</th>',
        f'<th scope="col">{esc(t("kind", lang))}</th>',
        f'<th scope="col">{esc(t("overall", lang))}</th>',
        f'<th scope="col">{esc(t("bloquants", lang))}</th>',
        *(f'<th scope="col">{esc(columns.referentiel_title(r, lang))}</th>' for r in columns.referentiels),
    ]
    legend_items = ""
    if opts.level == "chapter":
        head += [
            f'<th scope="col" class="chap" title="{esc(chapter_label(c.title, lang))}">{n}. {esc(c.chapter)}</th>'
            for n, c in enumerate(columns.chapters, start=1)
        ]
        legend_items = (
            '<ol class="legend">'
            + "".join(
                f"<li><code>{esc(c.key)}</code> {esc(chapter_label(c.title, lang))}</li>"
                for c in columns.chapters
            )
            + "</ol>"
        )
    if opts.profile:
        head.append(f'<th scope="col">{esc(t("profile_short", lang))}</th>')
    counts = "".join(
        f'<li class="{_status_class(s or None)}"><strong>{n}</strong> {esc(status(s or None, lang))}</li>'
        for s, n in table.status_counts()
    )
    body = "\n".join(_row(row, table, opts) for row in table.rows)
    errors = ""
    if table.unreadable:
        errors = (
            f'<h2 id="unreadable">{esc(t("unreadable", lang))}</h2>\n<ul class="errors">'
            + "".join(f"<li>{esc(line, 2000)}</li>" for line in unreadable_lines(table, lang))
            + "</ul>"
        )
    when = f"{t('reviewed_on', lang)} {long_date(opts.today, lang)}" if opts.today else ""
    packs = ", ".join(f"{p.id} {p.version}" for p in opts.packs)
    return (
        f'<!DOCTYPE html>\n<html lang="{esc(lang)}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{esc(t('review_title', lang))}</title>\n<style>\n{CSS}</style>\n</head>\n<body>\n"
        f"<h1>{esc(lines[0])}</h1>\n"
        + "".join(f'<p class="meta">{esc(line)}</p>\n' for line in lines[1:])
        + f'<ul class="counts">{counts}</ul>\n'
        f'<h2 id="matrix">{esc(t("scores", lang))} — {esc(t("sorted_by", lang))}{colon(lang)}{esc(sort_label(table, lang))}</h2>\n'
        f'<div class="wrap"><table class="matrix">\n<thead><tr>{"".join(head)}</tr></thead>\n<tbody>\n{body}\n</tbody>\n</table></div>\n'
        f'<p class="meta">{esc(_legend(lang))}</p>\n{legend_items}\n{errors}\n'
        f'<p class="meta">doctrine-lint {esc(opts.tool_version)} — {esc(when)} — {esc(t("packs", lang))}{colon(lang)}{esc(packs, 4000)}</p>\n'
        "</body>\n</html>\n"
    )
