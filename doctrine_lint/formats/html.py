"""HTML report: one self-contained, printable page (inline CSS and SVG, no script, no external asset).

The page carries the reproducibility stamp and input errors, then per manifest the sections of
`formats.view` in `view.SECTIONS` order: header, scores per référentiel and chapter (inline SVG
bar charts computed here plus an exact table), --profile requirements, findings grouped by chapter
with severity colours, each occurrence with its element and path and a short excerpt of the
manifest around it, facts to declare, dérogations, the --baseline summary, computed facts and the
summary. Manifests and packs are untrusted: every text taken from them goes through
`html.escape` (text and attributes, always double-quoted), capped at `MAX_CHARS` characters; only
http(s) reference URLs become links. The manifest text is not kept after linting: excerpts re-read
the file, bounded in size, and only when its SHA-256 still matches the linted one.
"""

from __future__ import annotations

import hashlib
import html
import re
from collections.abc import Callable, Iterable, Sequence

from ..document import MAX_BYTES
from ..files import FileRefused, read_regular
from ..i18n import colon, t
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
_WEB_URL = re.compile(r"https?://[^\s\"'<>`]+", re.IGNORECASE)

CSS = """\
:root{--ok:#1b6e35;--partial:#8a5300;--ko:#a9231c;--na:#6b6b6b;--ink:#1d1d1f;--muted:#555;--line:#c9c9d2}
*{box-sizing:border-box}
body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;color:var(--ink);
background:#fff;margin:0 auto;max-width:74rem;padding:1.5rem;overflow-wrap:anywhere}
h1{font-size:1.6rem;margin:0 0 1rem}
h2{font-size:1.35rem;border-bottom:2px solid var(--ink);padding-bottom:.2rem;margin-top:2.5rem}
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
.charts{display:flex;flex-wrap:wrap;gap:1rem 2rem}
figure.chart{margin:.5rem 0;flex:1 1 34rem}
figure.chart figcaption{font-weight:600}
figure.chart svg{width:100%;height:auto;max-width:48rem}
svg text{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;font-size:12px;fill:#1d1d1f}
svg .ref text{font-weight:700}
svg .track{fill:#e4e4ea}
.st-conforme{fill:var(--ok);color:var(--ok)}
.st-partiellement-conforme{fill:var(--partial);color:var(--partial)}
.st-non-conforme{fill:var(--ko);color:var(--ko)}
.st-incomplet{fill:var(--partial);color:var(--na)}
.st-none{fill:var(--na);color:var(--na)}
.sev-bloquant{--sev:#6d0b0b}
.sev-majeur{--sev:#a9231c}
.sev-mineur{--sev:#8a5300}
.sev-info{--sev:#1f5694}
.badge{display:inline-block;padding:0 .45rem;border-radius:.6rem;font-size:.78rem;font-weight:600;
border:1px solid var(--sev,#555);color:#fff;background:var(--sev,#555)}
.badge.outcome{background:#fff;color:var(--ink);border-color:var(--line)}
.badge.outcome.o-non-conforme{color:var(--ko);border-color:var(--ko)}
.badge.outcome.o-derogation{color:#5a3d99;border-color:#5a3d99}
.badge.outcome.o-conforme{color:var(--ok);border-color:var(--ok)}
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
footer{margin-top:3rem;font-size:.85rem;color:var(--muted)}
@media print{
body{max-width:none;padding:0;font-size:10.5pt}
*{-webkit-print-color-adjust:exact;print-color-adjust:exact}
section.manifest{break-before:page}
h2,h3,h4{break-after:avoid}
tr,figure{break-inside:avoid}
pre{white-space:pre-wrap}
a{color:inherit}
}
"""


def esc(value: object, limit: int = MAX_CHARS) -> str:
    """Untrusted text on one line, capped, escaped for HTML text and attribute values."""
    return html.escape(clip(str(value), limit), quote=True)


def _short(digest: str) -> str:
    shown = digest[:SHORT_SHA] if _HEX.fullmatch(digest) else digest
    return f'<code title="{esc(digest, 128)}">{esc(shown, SHORT_SHA)}</code>'


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


# --- stamp -------------------------------------------------------------------------------------


def _stamp(stamp: StampView, lang: str) -> str:
    by_evidence = ", ".join(f"{n} {esc(label)}" for _, n, label in stamp.rules_by_evidence)
    meta = [
        (t("tool", lang), f"doctrine-lint {esc(stamp.tool_version)}"),
        (t("evaluation_date", lang), f"<time>{stamp.date}</time>"),
        (t("rules_count", lang).capitalize(), f"{stamp.rules_count} ({by_evidence})"),
    ]
    if stamp.min_evidence:
        meta.append((t("min_evidence", lang), esc(stamp.min_evidence)))
    if stamp.derogations_ignored:
        meta.append((t("derogations", lang), esc(t("derogations_ignored", lang))))
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
                    _td(esc(pack.referentiel), "key"),
                    _td(f'<span class="muted">{esc(pack.doctrine_version)}</span>'),
                    _td(_short(pack.sha256), "key"),
                ]
            )
        )
    head = [t("pack", lang), t("version", lang), t("referentiel", lang), t("doctrine_version", lang)]
    return (
        f'<section class="stamp" aria-labelledby="stamp">\n<h2 id="stamp">{esc(t("stamp", lang))}</h2>\n'
        f'<dl class="meta">{dl}</dl>\n'
        f"<h3>{esc(t('packs', lang))}</h3>\n"
        + _table([*(esc(h) for h in head), "SHA-256"], rows)
        + "\n</section>"
    )


# --- header and scores -------------------------------------------------------------------------


def _header(m: ManifestView, lang: str, n: int) -> str:
    meta = [(t("manifest", lang), f'<span class="loc">{esc(m.file)}</span> (SHA-256 {_short(m.sha256)})')]
    for key, label, value in m.service:
        # a URL is shown as text, never as a link: the manifest is untrusted
        meta.append((label, f'<span class="loc">{esc(value)}</span>' if key == "url" else esc(value)))
    dl = "".join(f"<dt>{esc(k)}</dt><dd>{v}</dd>" for k, v in meta)
    return f'<h2 id="manifest-{n}">{esc(m.title)}</h2>\n<dl class="meta">{dl}</dl>'


_ROW_H = 22
_LABEL_W = 330
_BAR_X = 340
_BAR_W = 280
_CHART_W = _BAR_X + _BAR_W + 70


def _chart(ref: ReferentielScores, lang: str, ident: str) -> str:
    """One référentiel and its chapters as a horizontal SVG bar chart (full labels in <title>)."""
    rows = [ref.row, *ref.chapters]
    height = _ROW_H * len(rows) + 6
    caption = f"{t('chart', lang)} — {ref.row.label}"
    parts = [
        f'<figure class="chart" aria-labelledby="{ident}">',
        f'<figcaption id="{ident}">{esc(caption)}{colon(lang)}{ref.row.percent} '
        f'<span class="{_status_class(ref.row.status)}">{esc(ref.row.status_label)}</span></figcaption>',
        f'<svg viewBox="0 0 {_CHART_W} {height}" width="{_CHART_W}" height="{height}" role="img" '
        f'aria-labelledby="{ident}">',
    ]
    for i, row in enumerate(rows):
        y = 3 + i * _ROW_H
        cls = "row ref" if row.level < 2 else "row"
        parts.append(
            f'<g class="{cls}"><title>{esc(row.label)}{colon(lang)}{row.percent} {esc(row.status_label)}</title>'
            f'<text x="0" y="{y + 15}">{esc(row.label, CHART_LABEL_CHARS)}</text>'
            f'<rect class="track" x="{_BAR_X}" y="{y + 4}" width="{_BAR_W}" height="14" rx="2"/>'
        )
        if row.score:
            filled = round(_BAR_W * row.score / 100.0, 1)
            parts.append(
                f'<rect class="{_status_class(row.status)}" x="{_BAR_X}" y="{y + 4}" '
                f'width="{filled:g}" height="14" rx="2"/>'
            )
        parts.append(f'<text x="{_BAR_X + _BAR_W + 8}" y="{y + 15}">{row.percent}</text></g>')
    parts += ["</svg>", "</figure>"]
    return "\n".join(parts)


def _score_tr(row: ScoreRow) -> str:
    return _tr(
        [
            _td(esc(row.label)),
            _td(row.percent, "num"),
            _td(f'<span class="{_status_class(row.status)}">{esc(row.status_label)}</span>'),
            _td(row.completeness_percent or "—", "num"),
            _td(f"{row.rules} ({row.weight})", "num"),
        ],
        "chap" if row.level == 2 else "ref",
    )


def _scores(m: ManifestView, lang: str, n: int) -> str:
    charts = [_chart(ref, lang, f"chart-{n}-{i}") for i, ref in enumerate(m.scores.referentiels)]
    head = [esc(t(k, lang)) for k in ("scope", "score", "status", "completeness", "rules_weight")]
    weighting = "".join(
        f"<li><strong>{esc(row.label)}</strong> — {esc(row.weighting)}</li>"
        for row in m.scores.rows()
        if row.weighting
    )
    overall = m.scores.overall
    return (
        f"<h3>{esc(t('scores', lang))}</h3>\n"
        f"<p><strong>{esc(overall.label)}{colon(lang)}{overall.percent}</strong> "
        f'<span class="{_status_class(overall.status)}">{esc(overall.status_label)}</span> — '
        f"{esc(overall.detail)}</p>\n"
        f'<div class="charts">\n'
        + "\n".join(charts)
        + "\n</div>\n"
        + _table(head, [_score_tr(row) for row in m.scores.rows()], "scores")
        + (f'\n<ul class="weighting">{weighting}</ul>' if weighting else "")
    )


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
    """Each requirement of the --profile, met or not (a failed one makes the exit code 1)."""
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
                    else f'<strong class="st-non-conforme">{esc(t("requirement_failed", lang))}</strong>'
                ),
            ]
        )
        for c in m.profile
    ]
    head = [esc(t(k, lang)) for k in ("requirement", "expected", "actual", "met")]
    return f"<h3>{esc(t('profile', lang))}</h3>\n" + _table(head, rows)


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
    "evidence": lambda m, lang, n: _evidence(m, lang),
    "findings": lambda m, lang, n: _findings(m, lang),
    "facts_to_declare": lambda m, lang, n: _to_declare(m, lang),
    "derogations": lambda m, lang, n: _waivers(m, lang),
    "baseline": lambda m, lang, n: _baseline(m, lang),
    "computed": lambda m, lang, n: _computed(m, lang),
    "summary": lambda m, lang, n: _summary(m, lang),
}


def _manifest(m: ManifestView, lang: str, n: int) -> str:
    sections = (_SECTIONS[key](m, lang, n) for key in SECTIONS)
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
    body = [f"<h1>{esc(view.title)}</h1>", _stamp(view.stamp, lang)]
    body.append(
        f'<p class="muted"><strong>{esc(t("placement", lang))}</strong>{colon(lang)}{esc(view.placement)}</p>'
    )
    if view.errors:
        items = "".join(f"<li>{esc(p)}</li>" for p in view.errors[:200])
        body.append(f"<section><h2>{esc(t('errors', lang))}</h2>\n<ul>{items}</ul></section>")
    body += [_manifest(m, lang, i) for i, m in enumerate(view.manifests, 1)]
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
        f"{view.stamp.date}.</footer>\n"
    )
    return head + "\n".join(body) + "\n</main>\n" + footer + "</body>\n</html>\n"


def render(report: Report, opts: RenderOptions) -> str:
    return render_view(build(report, opts))
