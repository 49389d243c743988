"""Markdown report: fit for a merge-request comment or a tender annex.

Input errors, then per manifest the sections of `formats.view` in `view.SECTIONS` order: the
verdict (service, overall status, référentiel scores, profile verdict) with « À corriger en
priorité », scores per référentiel and chapter, --profile requirements, findings grouped by chapter (each occurrence of a rule with its
element and path), facts to declare, dérogations, the --baseline summary, computed facts and
metrics, the summary and the official exports read; the stamp (tool, date, manifests and packs
with version and short SHA-256) last.

Manifests (and packs given with --pack) are untrusted: every text taken from them is put on one
line, capped in length, and escaped so that it cannot open a Markdown link, an image, raw HTML, a
code span, a mention or a new table cell. (A bare URL may still be autolinked by GitHub or GitLab:
it is shown as text, never turned into a link by this report.)
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence

from ..i18n import colon, t
from ..linter import Report
from . import RenderOptions
from .shared import MAX_CHARS, SHORT_SHA, bar, clip
from .view import (
    PRIORITIES_SHOWN,
    SECTIONS,
    FindingView,
    ManifestView,
    ReportView,
    ScoreRow,
    StampView,
    build,
    more_priorities,
    rates_text,
)

# Characters with a meaning in CommonMark, GFM tables or GitLab/GitHub comments (mentions,
# math, references); `&`, `<` and `>` become entities, the others get a backslash.
_SPECIAL = re.compile(r"[\\`*_\[\]{}|~@$#&<>]")
_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
_HEX = re.compile(r"[0-9a-f]+")


def md(value: object, limit: int = MAX_CHARS) -> str:
    """Untrusted text as inert Markdown on one line (safe in a paragraph, a heading or a cell)."""

    def repl(m: re.Match[str]) -> str:
        c = m.group(0)
        return _ENTITIES.get(c, "\\" + c)

    return _SPECIAL.sub(repl, clip(str(value), limit))


def short_sha(digest: str) -> str:
    """A short hex digest as a code span; anything unexpected is escaped text instead."""
    if _HEX.fullmatch(digest):
        return f"`{digest[:SHORT_SHA]}`"
    return md(digest, SHORT_SHA)


def table(head: Sequence[str], rows: Iterable[Sequence[str]], align: str = "") -> list[str]:
    """A GFM table; cells must already be escaped. `align` holds one of l, r per column."""
    marks = [("---:" if a == "r" else "---") for a in align.ljust(len(head), "l")]
    out = ["| " + " | ".join(head) + " |", "| " + " | ".join(marks) + " |"]
    out += ["| " + " | ".join(cell or " " for cell in row) + " |" for row in rows]
    return [*out, ""]


def _bar(score: float | None) -> str:
    return "" if score is None else f"`{bar(score, 20, '█', '░')}`"


def _score_row(row: ScoreRow) -> list[str]:
    label = f"&emsp;{md(row.label)}" if row.level == 2 else f"**{md(row.label)}**"
    return [
        label,
        row.percent,
        md(row.status_label),
        row.completeness_percent or "—",
        f"{row.rules} ({row.weight})",
        _bar(row.score),
    ]


def stamp_lines(stamp: StampView, lang: str, manifests: Sequence[tuple[str, str]] = ()) -> list[str]:
    """The reproducibility stamp: tool version, date, rule count, options, the manifests' and
    packs' digests."""
    out = [
        f"## {t('stamp', lang)}",
        "",
        f"- **{t('tool', lang)}**{colon(lang)}doctrine-lint {md(stamp.tool_version)}",
        f"- **{t('evaluation_date', lang)}**{colon(lang)}{stamp.day}",
        f"- **{t('rules_count', lang).capitalize()}**{colon(lang)}{stamp.rules_count} ("
        + ", ".join(f"{n} {label}" for _, n, label in stamp.rules_by_evidence)
        + ")",
    ]
    if stamp.min_evidence:
        out.append(f"- **{t('min_evidence', lang)}**{colon(lang)}{md(stamp.min_evidence)}")
    if stamp.derogations_ignored:
        out.append(f"- **{t('derogations', lang)}**{colon(lang)}{t('derogations_ignored', lang)}")
    out += [
        f"- **{t('manifest', lang)}**{colon(lang)}{md(file)} (SHA-256 {short_sha(sha)})"
        for file, sha in manifests
    ]
    out.extend(f"- **{t('evidence_files', lang)}**{colon(lang)}{md(line)}" for line in stamp.evidence_files)
    if stamp.config:
        out.append(f"- **{t('configuration', lang)}**{colon(lang)}{md(stamp.config)}")
    out.append("")
    rows = []
    for pack in stamp.packs:
        extends = ", ".join(
            f"{t('extends', lang)} {md(pid)} {md(version)} {short_sha(sha)}"
            for pid, version, sha in pack.extends
        )
        rows.append(
            [
                md(pack.id) + (f" ({extends})" if extends else ""),
                md(pack.version),
                md(pack.referentiel),
                short_sha(pack.sha256),
            ]
        )
    # the doctrine edition of each pack is in the JSON stamp: too long for a comment
    return out + table([t("pack", lang), t("version", lang), t("referentiel", lang), "SHA-256"], rows)


def _header(m: ManifestView, lang: str) -> list[str]:
    """The verdict first: the service, its overall status and référentiel scores, the
    acceptance profile's verdict, then « À corriger en priorité » (its digest is in the stamp,
    at the end)."""
    out = [f"## {md(m.title)}", "", f"**{md(m.verdict)}**", ""]
    out += [
        f"- **{md(ref.row.label)}**{colon(lang)}{md(ref.row.status_label)} — {md(rates_text(ref.row, lang))}"
        for ref in m.scores.referentiels
    ]
    if m.profile_verdict:
        out.append(f"- **{md(m.profile_verdict)}**")
    out += ["", f"- **{t('manifest', lang)}**{colon(lang)}{md(m.file)}"]
    # the URL is left out: a forge would turn it into a link
    out += [f"- **{label}**{colon(lang)}{md(value)}" for key, label, value in m.service if key != "url"]
    return [*out, "", *_priorities(m, lang)]


def _priorities(m: ManifestView, lang: str) -> list[str]:
    if not m.priorities:
        return []
    out = [f"### {t('priorities', lang)}", ""]
    for p in m.priorities[:PRIORITIES_SHOWN]:
        fact = p.kind == "a-renseigner"
        what = md(p.action) if fact else f"{md(p.rules[0])} — {md(p.title)}"
        where = t("where_to_add" if fact else "line_to_change", lang)
        after = (
            f" — {t('verdict_after', lang)}{colon(lang)}**{md(p.verdict_after)}**" if p.verdict_after else ""
        )
        out.append(f"{p.rank}. **{md(p.severity_label)}** {md(p.kind_label.lower())} — {what}  ")
        if not fact:
            out.append(f"   {md(p.action)}  ")
        out.append(f"   {where}{colon(lang)}{md(p.position)} — **{md(p.gain_text)}**{after}")
    more = more_priorities(m, lang)
    return [*out, *(["", md(more)] if more else []), ""]


def _scores(m: ManifestView, lang: str) -> list[str]:
    return [
        f"### {t('scores', lang)}",
        "",
        *table(
            [
                t("scope", lang),
                t("score", lang),
                t("status", lang),
                t("completeness", lang),
                t("rules_weight", lang),
                " ",
            ],
            [_score_row(row) for row in m.scores.rows()],
            "lrlrrl",
        ),
        "",
        *(f"- **{md(row.label)}** — {md(row.weighting)}" for row in m.scores.rows() if row.weighting),
    ]


def location(f: FindingView) -> str:
    """Where an occurrence is: file, line and column, then its path when it is a list element."""
    return md(f.position) + (f" — {md(f.where)}" if f.element else "")


def _message(f: FindingView, lang: str) -> str:
    named = f.element and f.element not in f.message  # the engine names it in rule messages
    proof = f" — *{md(t('proof', lang))}{colon(lang)}{md(f.proof)}*" if f.proof else ""
    return (f"**{md(f.element)}**{colon(lang)}" if named else "") + md(f.message) + proof


def _evidence(m: ManifestView, lang: str) -> list[str]:
    if not m.evidence:
        return []
    out = [f"### {t('evidence_files', lang)}", ""]
    for e in m.evidence:
        out += [f"- **{md(e.title)}**", *(f"  - {md(line)}" for line in e.lines)]
    if m.decided_by:
        out += ["", md(m.decided_by)]
    return [*out, ""]


def _findings(m: ManifestView, lang: str) -> list[str]:
    out = [f"### {t('findings', lang)}", ""]
    if not m.findings:
        return [*out, t("nothing_to_report", lang), ""]
    head = [t("rule", lang), t("severity", lang), t("outcome", lang), t("location", lang), t("message", lang)]
    for g in m.findings:
        out += [f"#### {md(g.label)} ({md(g.referentiel_title)})", ""]
        rows = [
            [md(f.rule_id), md(f.severity_label), md(f.outcome_label), location(f), _message(f, lang)]
            for f in g.findings
        ]
        out += table(head, rows)
    return out


def _waivers(m: ManifestView, lang: str) -> list[str]:
    if not m.waivers and m.other_score is None:
        return []
    out = [f"### {t('derogations', lang)}", ""]
    if m.waivers:
        rows = [
            [
                md(w.rule) + (f" ({md(w.path)})" if w.path else ""),
                f"{md(w.state_label)} — {md(w.note)}",
                md(w.position),
                md(w.approver or "—"),
                w.granted or "—",
                w.expires,
                md(w.justification)
                + (f" ({t('clause', lang)}{colon(lang)}{md(w.clause)})" if w.clause else ""),
            ]
            for w in m.waivers
        ]
        head = [
            t(k, lang)
            for k in ("rule", "state", "location", "approver", "granted", "expires", "justification")
        ]
        out += table(head, rows)
    if m.other_score is not None:
        o = m.other_score
        out += [md(f"{o.label}{colon(lang)}{o.percent} ({o.here})"), ""]
    return out


def _profile(m: ManifestView, lang: str) -> list[str]:
    """Each requirement of the --profile, met or not (a failed one makes the exit code 1)."""
    if not m.profile:
        return []
    rows = [
        [
            md(c.requirement),
            md(c.expected),
            md(c.actual),
            t("requirement_met", lang) if c.ok else f"**{t('requirement_failed', lang)}**",
        ]
        for c in m.profile
    ]
    head = [t("requirement", lang), t("expected", lang), t("actual", lang), t("met", lang)]
    return [f"### {t('profile', lang)}", "", *table(head, rows)]


def _baseline(m: ManifestView, lang: str) -> list[str]:
    b = m.baseline
    if b is None:
        return []
    items = [b.known_label, *(f"{b.fixed_label}{colon(lang)}[{rule}] {path}" for rule, path in b.fixed)]
    return [f"### {t('baseline', lang)}", "", *(f"- {md(line)}" for line in items), ""]


def _to_declare(m: ManifestView, lang: str) -> list[str]:
    if not m.to_declare:
        return []
    rows = [
        [
            f"`{md(fact.path)}`" + (f"<br>{md(fact.facts_text)}" if fact.facts_text else ""),
            md(fact.summary),
            md(fact.severity_label),
            md(fact.position),
            md(fact.rules_text),
        ]
        for fact in m.to_declare
    ]
    head = [
        t("add", lang).capitalize(),
        t("weight", lang),
        t("severity", lang),
        t("location", lang),
        t("rules_label", lang),
    ]
    return [f"### {t('facts_to_declare', lang)}", "", *table(head, rows)]


def _computed(m: ManifestView, lang: str) -> list[str]:
    if not m.computed:
        return []
    return [f"### {t('computed', lang)}", "", *(f"- {md(line.text)}" for line in m.computed), ""]


def _summary(m: ManifestView, lang: str) -> list[str]:
    return [f"**{t('summary', lang)}**{colon(lang)}{md(m.summary.text)}", "", md(m.summary.evidence_text), ""]


_SECTIONS: dict[str, Callable[[ManifestView, str], list[str]]] = {
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


def render_view(view: ReportView) -> str:
    lang = view.lang
    lines = [f"# {view.title}", ""]
    if view.errors:
        lines += [f"## {t('errors', lang)}", "", *(f"- {md(p)}" for p in view.errors), ""]
    for m in view.manifests:
        for key in SECTIONS:
            lines += _SECTIONS[key](m, lang)
    # provenance last: the placement note, then the stamp with the manifests' digests
    lines += [f"> **{t('placement', lang)}**{colon(lang)}{md(view.placement)}", ""]
    lines += stamp_lines(view.stamp, lang, [(m.file, m.sha256) for m in view.manifests])
    while lines and lines[-1] == "":
        lines.pop()
    return "\n".join(lines) + "\n"


def render(report: Report, opts: RenderOptions) -> str:
    return render_view(build(report, opts))
