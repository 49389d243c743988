"""Markdown report: fit for a merge-request comment or a tender annex.

The stamp (tool, date, packs with version and short SHA-256), then per manifest a score table per
référentiel and chapter, the --profile requirements, computed facts and metrics, the --baseline
summary, findings grouped by chapter, dérogations and facts to declare. Manifests (and packs given with --pack) are untrusted: every text taken from them is put on
one line, capped in length, and escaped so that it cannot open a Markdown link, an image, raw
HTML, a code span, a mention or a new table cell. (A bare URL may still be autolinked by GitHub or
GitLab: it is shown as text, never turned into a link by this report.)
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

from ..i18n import evidence, outcome, severity, status, t
from ..linter import ManifestResult, Report
from ..model import Evidence, Finding, Outcome, ScoreLine
from . import RenderOptions
from .json_report import pack_stamp
from .shared import (
    MAX_CHARS,
    SHORT_SHA,
    WAIVER_STATES,
    bar,
    baseline_lines,
    clip,
    computed_lines,
    evidence_line,
    findings_by_chapter,
    percent,
    waiver_lines,
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


def _score_row(label: str, line: ScoreLine, lang: str) -> list[str]:
    return [label, percent(line.score).strip(), md(status(line.status, lang)), _bar(line.score)]


def stamp_lines(report: Report, lang: str) -> list[str]:
    """The reproducibility stamp: tool version, date, rule count, options, packs and digests."""
    counts = {e: sum(1 for r in report.rules if r.provenance.evidence is e) for e in Evidence}
    out = [
        f"## {t('stamp', lang)}",
        "",
        f"- **{t('tool', lang)}** : doctrine-lint {md(report.tool_version)}",
        f"- **{t('evaluation_date', lang)}** : {report.today.isoformat()}",
        f"- **{t('rules_count', lang).capitalize()}** : {len(report.rules)} ("
        + ", ".join(f"{n} {evidence(e, lang)}" for e, n in counts.items())
        + ")",
    ]
    if report.min_evidence:
        out.append(f"- **{t('min_evidence', lang)}** : {md(report.min_evidence)}")
    if report.derogations_ignored:
        out.append(f"- **{t('derogations', lang)}** : {t('derogations_ignored', lang)}")
    out.append("")
    rows = []
    for pack in report.packs:
        s: dict[str, Any] = pack_stamp(pack)
        extends = ", ".join(
            f"{t('extends', lang)} {md(b['id'])} {md(b['version'])} {short_sha(b['sha256'])}"
            for b in s["extends"]
        )
        rows.append(
            [
                md(s["id"]) + (f" ({extends})" if extends else ""),
                md(s["version"]),
                md(s["referentiel"]),
                short_sha(s["sha256"]),
            ]
        )
    # the doctrine edition of each pack is in the JSON stamp: too long for a comment
    return out + table([t("pack", lang), t("version", lang), t("referentiel", lang), "SHA-256"], rows)


def _service(result: ManifestResult) -> dict[str, Any]:
    data = result.document.data
    service = data.get("service") if isinstance(data, dict) else None
    return service if isinstance(service, dict) else {}


def _scores(result: ManifestResult, lang: str) -> list[str]:
    scores = result.scores
    rows = [_score_row(f"**{t('overall', lang)}**", scores.overall, lang)]
    for ref in scores.referentiels:
        rows.append(_score_row(f"**{md(ref.title.get(lang))}**", ref, lang))
        rows += [
            _score_row(f"&emsp;§{md(chap.key)} {md(chap.title.get(lang))}", chap, lang)
            for ref_key, chap in scores.chapters
            if ref_key == ref.key
        ]
    return [
        f"### {t('scores', lang)}",
        "",
        *table([t("scope", lang), t("score", lang), t("status", lang), " "], rows, "lrll"),
    ]


def location(f: Finding) -> str:
    loc = f.location
    return md(f"{loc.file}:{loc.line}:{loc.column}")


def _findings(result: ManifestResult, opts: RenderOptions) -> list[str]:
    lang = opts.lang
    groups = findings_by_chapter(result, opts.show_all)
    out = [f"### {t('findings', lang)}", ""]
    if not groups:
        return [*out, t("nothing_to_report", lang), ""]
    head = [t("rule", lang), t("severity", lang), t("outcome", lang), t("location", lang), t("message", lang)]
    for g in groups:
        items = g.findings
        title = f" {md(g.chapter_line.title.get(lang))}" if g.chapter_line else ""
        ref_title = md(g.ref_line.title.get(lang) if g.ref_line else g.referentiel)
        out += [f"#### §{md(g.chapter)}{title} ({ref_title})", ""]
        rows = [
            [
                md(f.rule_id),
                md(severity(f.severity, lang)),
                md(outcome(f.outcome, lang)),
                location(f),
                md(f.message.get(lang)),
            ]
            for f in items
        ]
        out += table(head, rows)
    return out


def _waivers(result: ManifestResult, lang: str) -> list[str]:
    if not result.waivers:
        return []
    rows = []
    for s in result.waivers:
        w = s.waiver
        state = WAIVER_STATES[s.state][1 if lang == "en" else 0]
        rows.append(
            [
                md(w.rule) + (f" ({md(w.path)})" if w.path else ""),
                f"{md(state)} — {md(s.note.get(lang))}",
                md(f"{w.location.file}:{w.location.line}:{w.location.column}"),
                md(w.approver or "—"),
                w.granted.isoformat() if w.granted else "—",
                w.expires.isoformat(),
                md(w.justification) + (f" ({t('clause', lang)} : {md(w.clause)})" if w.clause else ""),
            ]
        )
    head = [
        t("rule", lang),
        t("state", lang),
        t("location", lang),
        t("approver", lang),
        t("granted", lang),
        t("expires", lang),
        t("justification", lang),
    ]
    # after one line per waiver, waiver_lines adds the score under the other waiver policy
    out = [f"### {t('derogations', lang)}", "", *table(head, rows)]
    for line in waiver_lines(result, lang)[len(result.waivers) :]:
        out += [md(line), ""]
    return out


def _profile(result: ManifestResult, lang: str) -> list[str]:
    """Each requirement of the --profile, met or not (a failed one makes the exit code 1)."""
    if not result.profile:
        return []
    rows = [
        [
            md(c.requirement.get(lang)),
            md(c.expected.get(lang)),
            md(c.actual.get(lang)),
            t("requirement_met", lang) if c.ok else f"**{t('requirement_failed', lang)}**",
        ]
        for c in result.profile
    ]
    head = [t("requirement", lang), t("expected", lang), t("actual", lang), t("met", lang)]
    return [f"### {t('profile', lang)}", "", *table(head, rows)]


def _baseline(result: ManifestResult, lang: str) -> list[str]:
    lines = baseline_lines(result, lang)
    if not lines:
        return []
    return [f"### {t('baseline', lang)}", "", *(f"- {md(line)}" for line in lines), ""]


def _to_declare(result: ManifestResult, lang: str) -> list[str]:
    todo = [f for f in result.findings if f.outcome is Outcome.A_RENSEIGNER]
    if not todo:
        return []
    rows = [
        [md(f.rule_id), md(severity(f.severity, lang)), location(f), ", ".join(md(m) for m in f.missing)]
        for f in todo
    ]
    head = [t("rule", lang), t("severity", lang), t("location", lang), t("add", lang).capitalize()]
    return [f"### {t('facts_to_declare', lang)}", "", *table(head, rows)]


def _result(result: ManifestResult, opts: RenderOptions) -> list[str]:
    lang = opts.lang
    service = _service(result)
    name = service.get("name")
    out = [f"## {md(name) if name else md(result.file)}", ""]
    facts = [f"- **{t('manifest', lang)}** : {md(result.file)} (SHA-256 {short_sha(result.sha256)})"]
    if service.get("editor"):
        facts.append(f"- **{t('editor', lang)}** : {md(service['editor'])}")
    if service.get("version"):
        facts.append(f"- **{t('version', lang)}** : {md(service['version'])}")
    if service.get("description"):
        facts.append(f"- **{t('description', lang)}** : {md(service['description'])}")
    out += [*facts, ""]
    out += _scores(result, lang)
    out += _profile(result, lang)
    computed = computed_lines(result, lang)
    if computed:
        out += [f"### {t('computed', lang)}", "", *(f"- {md(line)}" for line in computed), ""]
    out += _baseline(result, lang)
    out += _findings(result, opts)
    out += _waivers(result, lang)
    out += _to_declare(result, lang)
    counts = result.scores.overall.counts
    summary = ", ".join(
        f"{counts[o.value]} {outcome(o, lang)}"
        for o in Outcome
        if o is not Outcome.DEROGATION or counts[o.value]
    )
    out += [f"**{t('summary', lang)}** : {md(summary)}", "", md(evidence_line(result.findings, lang)), ""]
    return out


def render(report: Report, opts: RenderOptions) -> str:
    lang = opts.lang
    lines = [f"# {t('report_title', lang)}", "", *stamp_lines(report, lang)]
    if report.errors:
        lines += [f"## {t('errors', lang)}", "", *(f"- {md(str(p))}" for p in report.errors), ""]
    for result in report.results:
        lines += _result(result, opts)
    while lines and lines[-1] == "":
        lines.pop()
    return "\n".join(lines) + "\n"
