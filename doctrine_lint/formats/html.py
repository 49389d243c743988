"""HTML report: one self-contained, printable page (inline CSS, no script, no external asset),
written for the people who decide (an elected official, a buyer) as much as for engineers.

Per manifest, the sections of `formats.view` in `view.SECTIONS` order, the verdict first: the
service's name and overall status (big, coloured, and said in words), the three référentiel
scores with their completeness and a short « how to read these scores » (`<details>`), the
--profile verdict, « À corriger en priorité », then the per-chapter charts and the exact score
table, findings grouped by chapter (each occurrence with its element, path and a short excerpt
of the manifest around it), facts to declare, dérogations, the --baseline summary, evidence,
computed facts and the summary. The reproducibility stamp (tool, date, packs and manifests with
their SHA-256) comes last. Charts are HTML with their text at the page's size (a bar is an SVG
rectangle sized in percent, never a scaled-down drawing); a print stylesheet lays the page out
on A4 with page numbers, the verdict on page 1 and no row or finding split across pages.

Manifests and packs are untrusted: every text taken from them goes through `esc` (`html.escape`
on text and attributes, always double-quoted), capped at `MAX_CHARS` characters; only http(s)
reference URLs become links; no manifest text lands in an attribute. The manifest text is not
kept after linting: excerpts re-read the file, bounded in size, and only when its SHA-256 still
matches the linted one.
"""

from __future__ import annotations

import hashlib
import html
import re
from collections.abc import Callable, Iterable, Sequence

from ..dates import ISO_DATE
from ..document import MAX_BYTES
from ..files import FileRefused, read_regular
from ..i18n import colon, labelled, t
from ..linter import Report
from ..model import Reference
from . import RenderOptions
from .shared import MAX_CHARS, SHORT_SHA, clip
from .view import (
    SECTIONS,
    FindingView,
    ManifestView,
    ReferentielScores,
    ReportView,
    ScoreRow,
    StampView,
    build,
)

EXCERPT_CONTEXT = 2  # lines shown before and after the finding's line
EXCERPT_LINE_CHARS = 160
CHART_LABEL_CHARS = 48

# YAML counts these as line breaks, so the excerpt must too to match finding lines.
_YAML_BREAKS = re.compile(r"\r\n|[\r\n\x85\u2028\u2029]")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_HEX = re.compile(r"[0-9a-f]+")
_SLUG = re.compile(r"[a-z][a-z-]{0,39}")
_WEB_URL = re.compile(r"https?://[^\s\"'<>`]+", re.IGNORECASE)

CSS = """\
:root{--ok:#1b6e35;--partial:#8a5300;--ko:#a9231c;--na:#5f5f66;--ink:#1d1d1f;--muted:#555;--line:#c9c9d2;
--ok-bg:#e9f4ec;--partial-bg:#fbf1e1;--ko-bg:#fbeceb;--na-bg:#f0f0f3}
*{box-sizing:border-box}
body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;color:var(--ink);
background:#fff;margin:0 auto;max-width:74rem;padding:1.5rem;overflow-wrap:anywhere}
h1.kicker{font-size:.95rem;font-weight:600;color:var(--muted);margin:0 0 .2rem;letter-spacing:.02em}
h2{font-size:1.35rem;border-bottom:2px solid var(--ink);padding-bottom:.2rem;margin-top:2.5rem}
h2.service{font-size:2rem;line-height:1.2;border:0;margin:0 0 .6rem;padding:0}
h3{font-size:1.15rem;margin-top:2rem}
h4{font-size:1rem;margin:1.5rem 0 .4rem}
table{border-collapse:collapse;width:100%;margin:.5rem 0 1rem;font-size:.9rem}
th,td{border:1px solid var(--line);padding:.25rem .5rem;text-align:left;vertical-align:top}
th{background:#efeff4;overflow-wrap:normal;hyphens:none}
.badge.proof{background:#e6f0e6;color:#1d4d1d;border:1px solid #8bb58b}
td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
td.key{white-space:nowrap}
tr.ref td{font-weight:600;background:#f6f6f9}
tr.chap td:first-child{padding-left:1.5rem}
code,pre{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.86em}
dl.meta{display:grid;grid-template-columns:max-content 1fr;gap:.15rem 1rem;margin:.5rem 0}
dl.meta dt{font-weight:600}
dl.meta dd{margin:0}
.muted{color:var(--muted)}
.verdict{border:1px solid var(--line);border-left:12px solid var(--na);background:var(--na-bg);
border-radius:6px;padding:.7rem 1rem;margin:.4rem 0 1rem}
.verdict .status{font-size:1.9rem;font-weight:800;line-height:1.2;margin:0}
.verdict p{margin:.2rem 0}
.verdict.v-conforme{border-left-color:var(--ok);background:var(--ok-bg)}
.verdict.v-partiellement-conforme{border-left-color:var(--partial);background:var(--partial-bg)}
.verdict.v-non-conforme{border-left-color:var(--ko);background:var(--ko-bg)}
.verdict.v-incomplet{border-left-color:var(--partial);background:var(--partial-bg)}
.verdict .figures{font-size:1.05rem}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(14rem,1fr));gap:.8rem;margin:.6rem 0}
.card{border:1px solid var(--line);border-top:6px solid var(--na);border-radius:6px;padding:.5rem .8rem;
break-inside:avoid}
.card.v-conforme{border-top-color:var(--ok)}
.card.v-partiellement-conforme,.card.v-incomplet{border-top-color:var(--partial)}
.card.v-non-conforme{border-top-color:var(--ko)}
.card h4{margin:0 0 .2rem;font-size:1.05rem}
.card .rate{font-size:1.6rem;font-weight:700;margin:0;line-height:1.2;font-variant-numeric:tabular-nums}
.card p{margin:.15rem 0}
svg.bar{display:block;width:100%;height:14px;margin:.3rem 0}
svg.bar .track{fill:#e4e4ea}
.st-conforme{fill:var(--ok);color:var(--ok)}
.st-partiellement-conforme{fill:var(--partial);color:var(--partial)}
.st-non-conforme{fill:var(--ko);color:var(--ko)}
.st-incomplet{fill:var(--partial);color:var(--partial)}
.st-none{fill:var(--na);color:var(--na)}
details.howto{border:1px solid var(--line);border-radius:6px;padding:.4rem .8rem;margin:.6rem 0;font-size:.92rem}
details.howto summary{font-weight:600;cursor:pointer}
details.howto dl{margin:.4rem 0 0}
details.howto dd,.howto-print dd{margin:0 0 0 1rem}
details.howto dt,.howto-print dt{font-weight:700;margin-top:.3rem}
.howto-print{display:none;font-size:.92rem}
table.scores td:first-child{width:45%}
td.status{white-space:nowrap}
tr.sub td{border-top:0;font-size:.85em;color:var(--muted)}
ul.failed{margin:.2rem 0 .6rem}
.profile-verdict{font-size:1.05rem;font-weight:700}
ol.priorities{padding-left:2rem;margin:.4rem 0}
ol.priorities li{margin:.5rem 0;padding:.35rem .7rem;border:1px solid var(--line);border-left:6px solid var(--sev);
border-radius:4px;break-inside:avoid}
ol.priorities li::marker{font-weight:700;font-size:1.1rem}
ol.priorities p{margin:.15rem 0}
.gain{font-weight:700}
.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(30rem,1fr));gap:1rem 2rem}
figure.chart{margin:.5rem 0}
figure.chart figcaption{font-weight:600;margin-bottom:.3rem}
.chart-row{display:grid;grid-template-columns:minmax(0,1.3fr) minmax(6rem,1fr);gap:0 .8rem;
align-items:center;padding:.2rem 0;border-top:1px solid #ececf1;font-size:.9rem;break-inside:avoid}
.chart-row.ref{font-weight:700;border-top:0}
.chart-row .value{grid-column:2;font-size:.85rem;font-weight:400;color:var(--ink)}
.chart-row svg.bar{grid-column:2;margin:.1rem 0 0}
.chart-row .name{grid-row:span 2}
.sev-bloquant{--sev:#6d0b0b}
.sev-majeur{--sev:#a9231c}
.sev-mineur{--sev:#8a5300}
.sev-info{--sev:#1f5694}
.badge{display:inline-block;padding:0 .45rem;border-radius:.6rem;font-size:.78rem;font-weight:600;
border:1px solid var(--sev,#555);color:#fff;background:var(--sev,#555)}
.badge.outcome{background:#fff;color:var(--ink);border-color:var(--line)}
.badge.outcome.o-non-conforme{color:var(--ko);border-color:var(--ko)}
.badge.outcome.o-a-renseigner{color:var(--partial);border-color:var(--partial)}
.badge.outcome.o-derogation{color:#5a3d99;border-color:#5a3d99}
.badge.outcome.o-conforme{color:var(--ok);border-color:var(--ok)}
.badge.blocking{background:#fff;color:#6d0b0b;border-color:#6d0b0b}
article.finding{border:1px solid var(--line);border-left:6px solid var(--sev);border-radius:4px;
padding:.45rem .8rem;margin:.6rem 0;break-inside:avoid}
article.finding p{margin:.25rem 0}
.rule{font-weight:700}
.loc{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.84em;color:var(--muted)}
figure.excerpt{margin:.4rem 0}
figure.excerpt figcaption{font-size:.8rem;color:var(--muted)}
pre{background:#f5f5f8;border:1px solid var(--line);border-radius:3px;padding:.35rem .6rem;margin:0;
overflow-x:auto;white-space:pre}
pre mark{background:#fff0a0;color:inherit}
.ln{color:#6f6f78}
tr.w-expired td,tr.w-refused td{background:#fbeceb}
tr.w-expiring td{background:#fff6e0}
section.stamp{font-size:.9rem}
footer{margin-top:3rem;font-size:.85rem;color:var(--muted)}
@page{size:A4 portrait;margin:14mm 13mm 16mm;
@bottom-right{content:counter(page) " / " counter(pages);font:9pt system-ui,sans-serif;color:#555}}
@media print{
body{max-width:none;padding:0;font-size:10pt}
*{-webkit-print-color-adjust:exact;print-color-adjust:exact}
section.manifest+section.manifest,section.stamp{break-before:page}
h2,h3,h4,figcaption,.profile-verdict{break-after:avoid;break-inside:avoid}
tr,li,figure.chart,.chart-row,.card,article.finding,figure.excerpt,dl.meta{break-inside:avoid}
thead{display:table-header-group}
.charts{display:block}
.cards{grid-template-columns:repeat(3,1fr)}
h1.kicker{font-size:9pt}
h2.service{font-size:18pt;margin-bottom:.3rem}
h3{margin:1rem 0 .4rem}
.verdict{padding:.4rem .8rem;margin:.3rem 0 .5rem}
.verdict .status{font-size:16pt}
dl.meta{font-size:9pt;margin:.3rem 0}
.card{padding:.3rem .6rem}
.card .rate{font-size:14pt}
.card h4{font-size:10.5pt}
ol.priorities li{margin:.3rem 0;padding:.2rem .6rem}
details.howto{display:none}
.howto-print{display:block}
footer{display:none}
pre{white-space:pre-wrap;overflow:visible}
a{color:inherit;text-decoration:underline}
a[href]::after{content:" <" attr(href) ">";font-size:.85em;overflow-wrap:anywhere}
}
"""


def esc(value: object, limit: int = MAX_CHARS) -> str:
    """Untrusted text on one line, capped, escaped for HTML text and attribute values."""
    return html.escape(clip(str(value), limit), quote=True)


def _short(digest: str) -> str:
    shown = digest[:SHORT_SHA] if _HEX.fullmatch(digest) else digest
    return f'<code title="{esc(digest, 128)}">{esc(shown, SHORT_SHA)}</code>'


def _slug(value: str) -> str:
    """A class name from a slug of the view; anything else (it never is) becomes "x"."""
    return value if _SLUG.fullmatch(value) else "x"


def _status_class(slug: str | None) -> str:
    return f"st-{slug}" if slug else "st-none"


def _table(head: Sequence[str], rows: Iterable[str], cls: str = "") -> str:
    """A table from escaped header labels and ready-made `<tr>` rows."""
    attr = f' class="{cls}"' if cls else ""
    ths = "".join(f'<th scope="col">{h}</th>' for h in head)
    return (
        f"<table{attr}>\n<thead><tr>{ths}</tr></thead>\n<tbody>\n" + "\n".join(rows) + "\n</tbody>\n</table>"
    )


def _tr(cells: Iterable[str], cls: str = "") -> str:
    attr = f' class="{cls}"' if cls else ""
    return f"<tr{attr}>" + "".join(cells) + "</tr>"


def _td(content: str, cls: str = "") -> str:
    attr = f' class="{cls}"' if cls else ""
    return f"<td{attr}>{content}</td>"


# --- stamp and provenance (last) ---------------------------------------------------------------


def _stamp(view: ReportView) -> str:
    stamp, lang = view.stamp, view.lang
    by_evidence = ", ".join(f"{n} {esc(label)}" for _, n, label in stamp.rules_by_evidence)
    meta = [
        (t("tool", lang), f"doctrine-lint {esc(stamp.tool_version)}"),
        (t("evaluation_date", lang), _time(stamp)),
        (t("rules_count", lang).capitalize(), f"{stamp.rules_count} ({by_evidence})"),
    ]
    if stamp.min_evidence:
        meta.append((t("min_evidence", lang), esc(stamp.min_evidence)))
    if stamp.derogations_ignored:
        meta.append((t("derogations", lang), esc(t("derogations_ignored", lang))))
    meta += [
        (t("manifest", lang), f'<span class="loc">{esc(m.file)}</span> (SHA-256 {_short(m.sha256)})')
        for m in view.manifests
    ]
    if stamp.evidence_files:
        meta.append((t("evidence_files", lang), "<br>".join(esc(line) for line in stamp.evidence_files)))
    if stamp.config:
        meta.append((t("configuration", lang), esc(stamp.config)))
    dl = "".join(f"<dt>{esc(k)}</dt><dd>{v}</dd>" for k, v in meta)
    rows = []
    for pack in stamp.packs:
        extends = "".join(
            f'<br><span class="muted">{esc(t("extends", lang))} {esc(pid)} {esc(version)} '
            f"{_short(sha)}</span>"
            for pid, version, sha in pack.extends
        )
        rows.append(
            _tr(
                [
                    _td(esc(pack.id) + extends, "key"),
                    _td(esc(pack.version), "key"),
                    _td(esc(pack.referentiel)),
                    _td(_short(pack.sha256), "key"),
                ]
            )
        )
        # the doctrine's edition is a paragraph: under its pack, across the row, not in a column
        doctrine = labelled(t("doctrine_version", lang), pack.doctrine_version, lang)
        rows.append(f'<tr class="sub"><td colspan="4">{esc(doctrine)}</td></tr>')
    head = [t("pack", lang), t("version", lang), t("referentiel", lang)]
    return (
        f'<section class="stamp" aria-labelledby="stamp">\n'
        f'<h2 id="stamp">{esc(t("provenance_title", lang))}</h2>\n'
        f"<h3>{esc(t('stamp', lang))}</h3>\n"
        f'<dl class="meta">{dl}</dl>\n'
        f"<h3>{esc(t('packs', lang))}</h3>\n"
        + _table([*(esc(h) for h in head), "SHA-256"], rows, "packs")
        + f'\n<p class="muted"><strong>{esc(t("placement", lang))}</strong>{colon(lang)}{esc(view.placement)}</p>'
        + "\n</section>"
    )


def _time(stamp: StampView) -> str:
    """The evaluation date as people read it, the ISO date for machines."""
    iso = stamp.date if ISO_DATE.fullmatch(stamp.date) else ""
    return f'<time datetime="{iso}">{esc(stamp.day or stamp.date)}</time>' if iso else esc(stamp.day)


# --- header, verdict and scores ----------------------------------------------------------------

# The status is said in words and with a sign, never by its colour alone.
_SIGNS = {
    "conforme": "✓",
    "partiellement-conforme": "◐",
    "non-conforme": "✗",
    "incomplet": "…",
}


def _status(row: ScoreRow, tag: str = "span") -> str:
    sign = _SIGNS.get(row.status or "")
    shown = f'<span aria-hidden="true">{sign}</span> ' if sign else ""
    return f'<{tag} class="status {_status_class(row.status)}">{shown}{esc(row.status_label)}</{tag}>'


def _bar(row: ScoreRow) -> str:
    """A bar as wide as its box, filled to the score: an SVG rectangle sized in percent, so the
    drawing never scales its text (the text is beside it, in HTML)."""
    fill = ""
    if row.score:
        fill = f'<rect class="{_status_class(row.status)}" width="{min(row.score, 100.0):g}%" height="100%"/>'
    return (
        '<svg class="bar" aria-hidden="true" focusable="false">'
        f'<rect class="track" width="100%" height="100%"/>{fill}</svg>'
    )


def _header(m: ManifestView, lang: str, n: int) -> str:
    """The service's name and its verdict: the overall status, big, in words, with its rates."""
    overall = m.scores.overall
    conformity = labelled(t("score", lang), overall.percent, lang)
    completeness = labelled(t("completeness", lang), overall.completeness_percent or "—", lang)
    verdict = (
        f'<div class="verdict v-{overall.status or "none"}" role="group" aria-label="{esc(t("verdict", lang))}">\n'
        f"{_status(overall, 'p')}\n"
        f'<p class="figures"><strong>{esc(conformity)}</strong> · {esc(completeness)} · '
        f"{esc(_rules(overall.rules, lang))}</p>\n</div>"
    )
    meta = [(t("manifest", lang), f'<span class="loc">{esc(m.file)}</span>')]
    for key, label, value in m.service:
        # a URL is shown as text, never as a link: the manifest is untrusted
        meta.append((label, f'<span class="loc">{esc(value)}</span>' if key == "url" else esc(value)))
    dl = "".join(f"<dt>{esc(k)}</dt><dd>{v}</dd>" for k, v in meta)
    return f'<h2 class="service" id="manifest-{n}">{esc(m.title)}</h2>\n{verdict}\n<dl class="meta">{dl}</dl>'


def _rules(n: int, lang: str) -> str:
    if lang == "en":
        return f"{n} applicable rule{'s' if n != 1 else ''}"
    return f"{n} règle{'s' if n > 1 else ''} applicable{'s' if n > 1 else ''}"


def _card(ref: ReferentielScores, lang: str) -> str:
    row = ref.row
    complete = labelled(t("completeness", lang), row.completeness_percent or "—", lang)
    return (
        f'<div class="card v-{row.status or "none"}">\n<h4>{esc(row.label)}</h4>\n'
        f'<p class="rate">{esc(row.percent)}</p>\n{_status(row, "p")}\n{_bar(row)}\n'
        f"<p>{esc(row.bar_text)}</p>\n<p>{esc(complete)}</p>\n</div>"
    )


# How to read the scores: the README's « Résultats et scores » in five sentences.
_HOW_TO_READ: dict[str, tuple[tuple[str, str], ...]] = {
    "fr": (
        (
            "Conformité",
            "part, en poids, des règles décidées qui sont conformes : 100 × conformes ÷ (conformes "
            "+ non conformes). Un fait encore à renseigner ne la baisse pas.",
        ),
        (
            "Complétude",
            "part, en poids, de ce qui s'applique au service qui a pu être décidé. Chaque fait à "
            "renseigner la baisse : un service incomplet n'est pas pour autant non conforme.",
        ),
        (
            "Statut",
            "conforme à 100\u00a0% avec tout décidé ; partiellement conforme à partir de 50\u00a0% ; non "
            "conforme en dessous ; incomplet quand rien de décidé n'échoue mais que des faits "
            "manquent.",
        ),
        (
            "Bloquant",
            "une règle bloquante non conforme ou à renseigner rend son chapitre, son référentiel et "
            "le service non conformes, quels que soient les taux.",
        ),
        (
            "Pondération",
            "une règle pèse selon sa sévérité (bloquant 5, majeur 3, mineur 1, info 0). Les mesures "
            "MonServiceSécurisé comptent pour un tiers de Sécurité, les critères RGESN pour un quart "
            "de Numérique responsable ; le score global est la moyenne des trois référentiels, à "
            "poids égaux sauf si un profil d'acceptation les repondère.",
        ),
    ),
    "en": (
        (
            "Conformity",
            "share, by weight, of the decided rules that are compliant: 100 × compliant ÷ (compliant "
            "+ non-compliant). A fact still to be declared does not lower it.",
        ),
        (
            "Completeness",
            "share, by weight, of what applies to the service that could be decided. Each fact to "
            "be declared lowers it: an incomplete service is not non-compliant for that.",
        ),
        (
            "Status",
            "compliant at 100% with everything decided; partially compliant from 50%; "
            "non-compliant below; incomplete when nothing decided fails but facts are missing.",
        ),
        (
            "Blocking",
            "a blocking rule that is non-compliant or to be declared makes its chapter, its "
            "framework and the service non-compliant, whatever the rates.",
        ),
        (
            "Weighting",
            "a rule weighs by its severity (blocking 5, major 3, minor 1, info 0). The "
            "MonServiceSécurisé measures count for a third of Security, the RGESN criteria for a "
            "quarter of Responsible digital; the overall score is the mean of the three frameworks, "
            "with equal weights unless an acceptance profile reweights them.",
        ),
    ),
}


def _how_to_read(lang: str, printed: bool = False) -> str:
    """On screen, a `<details>` under the scores; on paper, where nothing unfolds, the same text
    in full after the chapter scores, so that page 1 keeps room for the priorities."""
    items = "".join(f"<dt>{esc(term)}</dt><dd>{esc(text)}</dd>" for term, text in _HOW_TO_READ[lang])
    if printed:
        return f'<div class="howto-print"><h4>{esc(t("how_to_read", lang))}</h4><dl>{items}</dl></div>'
    return (
        f'<details class="howto"><summary>{esc(t("how_to_read", lang))}</summary><dl>{items}</dl></details>'
    )


def _scores(m: ManifestView, lang: str, n: int) -> str:
    """The référentiel scores, one card each, with how to read them."""
    cards = "\n".join(_card(ref, lang) for ref in m.scores.referentiels)
    return f'<h3>{esc(t("scores", lang))}</h3>\n<div class="cards">\n{cards}\n</div>\n{_how_to_read(lang)}'


def _chart(ref: ReferentielScores, lang: str, ident: str) -> str:
    """One référentiel and its chapters as horizontal bars: each bar says its score and its rule
    count, or why it has none, in text at the page's size."""
    caption = f"{ref.row.label}{colon(lang)}{ref.row.percent}"
    parts = [
        f'<figure class="chart" aria-labelledby="{ident}">',
        f'<figcaption id="{ident}">{esc(caption)} {_status(ref.row)}</figcaption>',
    ]
    for row in [ref.row, *ref.chapters]:
        cls = "chart-row ref" if row.level < 2 else "chart-row"
        said = f"{row.bar_text} — {row.status_label}" if row.status else row.bar_text
        parts.append(
            f'<div class="{cls}"><span class="name">{esc(row.label)}</span>'
            f'{_bar(row)}<span class="value">{esc(said)}</span></div>'
        )
    parts.append("</figure>")
    return "\n".join(parts)


def _score_tr(row: ScoreRow) -> str:
    return _tr(
        [
            _td(esc(row.label)),
            _td(row.percent, "num"),
            _td(_status(row), "status"),
            _td(row.completeness_percent or "—", "num"),
            _td(f"{row.rules} ({row.weight})", "num"),
        ],
        "chap" if row.level == 2 else "ref",
    )


def _chapter_scores(m: ManifestView, lang: str, n: int) -> str:
    """Scores per chapter: the charts, then the exact table and how each rate is weighted."""
    charts = [_chart(ref, lang, f"chart-{n}-{i}") for i, ref in enumerate(m.scores.referentiels)]
    head = [esc(t(k, lang)) for k in ("scope", "score", "status", "completeness", "rules_weight")]
    weighting = "".join(
        f"<li><strong>{esc(row.label)}</strong> — {esc(row.weighting)}</li>"
        for row in m.scores.rows()
        if row.weighting
    )
    overall = m.scores.overall
    return (
        f"<h3>{esc(t('chapter_scores', lang))}</h3>\n"
        f"<p><strong>{esc(overall.label)}{colon(lang)}{overall.percent}</strong> "
        f"{_status(overall)} — {esc(overall.detail)}</p>\n"
        '<div class="charts">\n'
        + "\n".join(charts)
        + "\n</div>\n"
        + _table(head, [_score_tr(row) for row in m.scores.rows()], "scores")
        + (f'\n<ul class="weighting">{weighting}</ul>' if weighting else "")
        + "\n"
        + _how_to_read(lang, printed=True)
        + _profile_table(m, lang)
    )


def _priorities(m: ManifestView, lang: str) -> str:
    """« À corriger en priorité »: each item with its rank, what to do, where, and what fixing it
    gains (computed by re-scoring, given by the view)."""
    if not m.priorities:
        return ""
    items = []
    for p in m.priorities:
        blocking = (
            f' <span class="badge blocking">{esc(t("blocking_short", lang))}</span>' if p.blocking else ""
        )
        extra = [
            f'<span class="gain">{esc(p.gain_text)}</span>',
            f'<span class="loc">{esc(p.position)}</span>',
        ]
        if p.rules:
            more = f" (+{len(p.rules) - 6})" if len(p.rules) > 6 else ""
            extra.append(f'<span class="rule">{esc(", ".join(p.rules[:6]) + more)}</span>')
        if p.verdict_after:
            extra.append(esc(labelled(t("verdict_after", lang), p.verdict_after, lang)))
        items.append(
            f'<li value="{int(p.rank)}" class="sev-{p.severity.slug}">'
            f'<p><span class="badge severity">{esc(p.severity_label)}</span> '
            f'<span class="badge outcome o-{_slug(p.kind)}">{esc(p.kind_label)}</span>{blocking} '
            f"<strong>{esc(p.title)}</strong></p>"
            f'<p class="action">{esc(p.action)}</p>'
            f'<p class="meta">{" · ".join(extra)}</p></li>'
        )
    return f'<h3>{esc(t("priorities", lang))}</h3>\n<ol class="priorities">\n' + "\n".join(items) + "\n</ol>"


# --- manifest excerpts -------------------------------------------------------------------------


def source_lines(file: str, sha256: str) -> list[str] | None:
    """The linted manifest's lines, re-read from disk; None when it is gone, not a regular file,
    larger than the loader accepts, or no longer the file that was linted (digest differs)."""
    try:
        raw = read_regular(file, MAX_BYTES)
    except FileRefused:
        return None
    if hashlib.sha256(raw).hexdigest() != sha256:
        return None
    return _YAML_BREAKS.split(raw.decode("utf-8-sig", errors="replace"))


def _excerpt(lines: list[str] | None, line: int, lang: str) -> str:
    if not lines or not 1 <= line <= len(lines):
        return ""
    first, last = max(1, line - EXCERPT_CONTEXT), min(len(lines), line + EXCERPT_CONTEXT)
    width = len(str(last))
    out = []
    for n in range(first, last + 1):
        text = _CONTROL.sub(" ", lines[n - 1].expandtabs(2)).rstrip()
        if len(text) > EXCERPT_LINE_CHARS:
            text = text[: EXCERPT_LINE_CHARS - 1] + "…"
        row = f'<span class="ln">{n:>{width}}</span>' + (f"  {html.escape(text, quote=True)}" if text else "")
        out.append(f"<mark>{row}</mark>" if n == line else row)
    caption = f"{t('excerpt', lang)} ({first}–{last})"
    return (
        f'<figure class="excerpt"><figcaption>{esc(caption)}</figcaption>'
        "<pre><code>" + "\n".join(out) + "</code></pre></figure>"
    )


# --- findings ----------------------------------------------------------------------------------


def _reference(ref: Reference) -> str:
    label = " — ".join(x for x in (ref.section, ref.title) if x) or ref.url
    if _WEB_URL.fullmatch(ref.url) and len(ref.url) <= 2000:
        return f'<a href="{html.escape(ref.url, quote=True)}" rel="noopener noreferrer">{esc(label)}</a>'
    return esc(f"{label} ({ref.url})" if label != ref.url else label)


def _location(f: FindingView) -> str:
    return esc(f.position)


def _finding(f: FindingView, lines: list[str] | None, lang: str) -> str:
    title = f" — {esc(f.rule_title)}" if f.rule_title else ""
    parts = [
        f'<article class="finding sev-{f.severity.slug}">',
        f'<p><span class="badge severity">{esc(f.severity_label)}</span> '
        f'<span class="badge outcome o-{f.outcome.value}">{esc(f.outcome_label)}</span> '
        f'<span class="rule">{esc(f.rule_id)}</span>{title}</p>',
        f'<p class="loc">{_location(f)}</p>',
    ]
    if f.element:
        parts.append(
            f'<p class="element">{esc(t("element", lang))}{colon(lang)}<strong>{esc(f.element)}</strong> '
            f'<span class="loc">{esc(f.where)}</span></p>'
        )
    parts.append(f'<p class="message">{esc(f.message)}</p>')
    if f.reason is not None:
        parts.append(f'<p class="muted">{esc(f.reason)}</p>')
    if f.proof:
        parts.append(
            f'<p class="proof"><span class="badge proof">{esc(t("proof", lang))}</span> {esc(f.proof)}</p>'
        )
    # a finding decided by an evidence file points into that file, not into the manifest
    excerpt = None if f.proof else _excerpt(lines, f.line, lang)
    if excerpt:
        parts.append(excerpt)
    if f.references:
        links = ", ".join(_reference(r) for r in f.references[:10])
        parts.append(f'<p class="refs">{esc(t("references", lang))}{colon(lang)}{links}</p>')
    parts.append("</article>")
    return "\n".join(parts)


def _findings(m: ManifestView, lang: str) -> str:
    out = [f"<h3>{esc(t('findings', lang))}</h3>"]
    if not m.findings:
        out.append(f"<p>{esc(t('nothing_to_report', lang))}</p>")
        return "\n".join(out)
    lines = source_lines(m.source, m.sha256)
    for g in m.findings:
        out.append(f'<h4>{esc(g.label)} <span class="muted">({esc(g.referentiel_title)})</span></h4>')
        out += [_finding(f, lines, lang) for f in g.findings]
    return "\n".join(out)


def _to_declare(m: ManifestView, lang: str) -> str:
    if not m.to_declare:
        return ""
    rows = [
        _tr(
            [
                _td(
                    f"<code>{esc(fact.path)}</code>"
                    + (f"<br><small>{esc(fact.facts_text)}</small>" if fact.facts_text else "")
                ),
                _td(esc(fact.summary)),
                _td(f'<span class="badge severity">{esc(fact.severity_label)}</span>'),
                _td(f'<span class="loc">{esc(fact.position)}</span>'),
                _td(f'<span class="rule">{esc(fact.rules_text)}</span>'),
            ],
            f"sev-{fact.severity.slug}",
        )
        for fact in m.to_declare
    ]
    head = [
        esc(x)
        for x in (
            t("add", lang).capitalize(),
            t("weight", lang),
            t("severity", lang),
            t("location", lang),
            t("rules_label", lang),
        )
    ]
    return f"<h3>{esc(t('facts_to_declare', lang))}</h3>\n" + _table(head, rows)


def _waivers(m: ManifestView, lang: str) -> str:
    if not m.waivers and m.other_score is None:
        return ""
    rows = []
    for w in m.waivers:
        clause = (
            f'<br><span class="muted">{esc(t("clause", lang))}{colon(lang)}{esc(w.clause)}</span>'
            if w.clause
            else ""
        )
        path = f"<br><code>{esc(w.path)}</code>" if w.path else ""
        rows.append(
            _tr(
                [
                    _td(f'<span class="rule">{esc(w.rule)}</span>{path}'),
                    _td(f"<strong>{esc(w.state_label)}</strong><br>{esc(w.note)}"),
                    _td(f'<span class="loc">{esc(w.position)}</span>'),
                    _td(esc(w.approver or "—")),
                    _td(w.granted or "—", "num"),
                    _td(w.expires, "num"),
                    _td(esc(w.justification) + clause),
                ],
                f"w-{w.state}",
            )
        )
    head = [
        esc(t(k, lang))
        for k in ("rule", "state", "location", "approver", "granted", "expires", "justification")
    ]
    o = m.other_score
    extra = f"<p>{esc(f'{o.label}{colon(lang)}{o.percent} ({o.here})')}</p>\n" if o is not None else ""
    return f"<h3>{esc(t('derogations', lang))}</h3>\n" + _table(head, rows) + "\n" + extra


def _profile(m: ManifestView, lang: str) -> str:
    """The --profile verdict in one line and the requirements not met (a failed one makes the
    exit code 1); every requirement is listed after the chapter scores."""
    if not m.profile:
        return ""
    failed = [c for c in m.profile if not c.ok]
    total = len(m.profile)
    if not failed:
        verdict = f'<p class="profile-verdict st-conforme">✓ {esc(t("profile_all_met", lang))} ({total})</p>'
        return f"<h3>{esc(t('profile', lang))}</h3>\n{verdict}"
    n, s = len(failed), "s" if len(failed) > 1 else ""
    said = (
        f"{n} requirement{'s' if n != 1 else ''} not met out of {total}"
        if lang == "en"
        else f"{n} exigence{s} non tenue{s} sur {total}"
    )
    items = "".join(
        f"<li><strong>{esc(c.requirement)}</strong>{colon(lang)}"
        f"{esc(t('expected', lang).lower())} {esc(c.expected)}, {esc(t('actual', lang).lower())} {esc(c.actual)}</li>"
        for c in failed
    )
    return (
        f"<h3>{esc(t('profile', lang))}</h3>\n"
        f'<p class="profile-verdict st-non-conforme">✗ {esc(said)}</p>\n<ul class="failed">{items}</ul>'
    )


def _profile_table(m: ManifestView, lang: str) -> str:
    """Every requirement of the --profile, met or not."""
    if not m.profile:
        return ""
    rows = [
        _tr(
            [
                _td(esc(c.requirement)),
                _td(esc(c.expected), "num"),
                _td(esc(c.actual), "num"),
                _td(
                    f'<span class="st-conforme">{esc(t("requirement_met", lang))}</span>'
                    if c.ok
                    else f'<strong class="st-non-conforme">{esc(t("requirement_failed", lang))}</strong>',
                    "status",
                ),
            ]
        )
        for c in m.profile
    ]
    head = [esc(t(k, lang)) for k in ("requirement", "expected", "actual", "met")]
    return f"\n<h4>{esc(t('profile', lang))}</h4>\n" + _table(head, rows)


def _baseline(m: ManifestView, lang: str) -> str:
    b = m.baseline
    if b is None:
        return ""
    lines = [b.known_label, *(f"{b.fixed_label}{colon(lang)}[{rule}] {path}" for rule, path in b.fixed)]
    items = "".join(f"<li>{esc(line)}</li>" for line in lines[:500])
    return f"<h3>{esc(t('baseline', lang))}</h3>\n<ul>{items}</ul>"


def _evidence(m: ManifestView, lang: str) -> str:
    if not m.evidence:
        return ""
    items = "".join(
        f"<li><strong>{esc(e.title)}</strong><ul>{''.join(f'<li>{esc(line)}</li>' for line in e.lines)}</ul></li>"
        for e in m.evidence
    )
    decided = f"<p>{esc(m.decided_by)}</p>" if m.decided_by else ""
    return f"<h3>{esc(t('evidence_files', lang))}</h3>\n<ul>{items}</ul>{decided}"


def _computed(m: ManifestView, lang: str) -> str:
    if not m.computed:
        return ""
    items = "".join(f"<li>{esc(line.text)}</li>" for line in m.computed)
    return f"<h3>{esc(t('computed', lang))}</h3>\n<ul>{items}</ul>"


def _summary(m: ManifestView, lang: str) -> str:
    return (
        f"<p><strong>{esc(t('summary', lang))}</strong>{colon(lang)}{esc(m.summary.text)}</p>\n"
        f'<p class="muted">{esc(m.summary.evidence_text)}</p>'
    )


_SECTIONS: dict[str, Callable[[ManifestView, str, int], str]] = {
    "header": _header,
    "scores": _scores,
    "profile": lambda m, lang, n: _profile(m, lang),
    "priorities": lambda m, lang, n: _priorities(m, lang),
    "chapter_scores": _chapter_scores,
    "evidence": lambda m, lang, n: _evidence(m, lang),
    "findings": lambda m, lang, n: _findings(m, lang),
    "facts_to_declare": lambda m, lang, n: _to_declare(m, lang),
    "derogations": lambda m, lang, n: _waivers(m, lang),
    "baseline": lambda m, lang, n: _baseline(m, lang),
    "computed": lambda m, lang, n: _computed(m, lang),
    "summary": lambda m, lang, n: _summary(m, lang),
}


def _layout(order: tuple[str, ...]) -> tuple[str, ...]:
    """The page's order: the view's, with « À corriger en priorité » right after the profile's
    verdict and then the per-chapter charts and the exact score table, so that page 1 holds the
    verdict, the référentiel scores, the profile and what to fix first."""
    keys = [key for key in order if key not in ("priorities", "chapter_scores")]
    at = keys.index("profile") + 1
    return (*keys[:at], "priorities", "chapter_scores", *keys[at:])


LAYOUT = _layout(SECTIONS)


def _manifest(m: ManifestView, lang: str, n: int) -> str:
    sections = (_SECTIONS[key](m, lang, n) for key in LAYOUT)
    return "\n".join(
        [
            f'<section class="manifest" aria-labelledby="manifest-{n}">',
            *(s for s in sections if s),
            "</section>",
        ]
    )


def render_view(view: ReportView) -> str:
    lang = view.lang
    title = view.title
    if len(view.manifests) == 1 and view.manifests[0].name:
        title = f"{title} — {clip(view.manifests[0].name, 120)}"
    evaluated = f"{t('evaluated_on', lang)} {view.stamp.day}" if view.stamp.day else ""
    kicker = f"{view.title} · {evaluated}" if evaluated else view.title
    body = [f'<h1 class="kicker">{esc(kicker)}</h1>']
    if view.errors:
        items = "".join(f"<li>{esc(p)}</li>" for p in view.errors[:200])
        body.append(f"<section><h2>{esc(t('errors', lang))}</h2>\n<ul>{items}</ul></section>")
    body += [_manifest(m, lang, i) for i, m in enumerate(view.manifests, 1)]
    body.append(_stamp(view))  # provenance and digests last: they matter to auditors, not to page 1
    head = (
        "<!DOCTYPE html>\n"
        f'<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        # nothing to load and nothing to run: a manifest that slipped past escaping could do neither
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "style-src 'unsafe-inline'; img-src data:\">\n"
        f'<meta name="generator" content="doctrine-lint {esc(view.stamp.tool_version)}">\n'
        f"<title>{esc(title)}</title>\n<style>\n{CSS}</style>\n</head>\n<body>\n<main>\n"
    )
    footer = (
        f"<footer>{esc(t('generated_by', lang))} doctrine-lint {esc(view.stamp.tool_version)}, "
        f"{esc(view.stamp.day)}.</footer>\n"
    )
    return head + "\n".join(body) + "\n</main>\n" + footer + "</body>\n</html>\n"


def render(report: Report, opts: RenderOptions) -> str:
    return render_view(build(report, opts))
