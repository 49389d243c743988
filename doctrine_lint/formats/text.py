"""Plain, stable text: the format for pipes, logs and golden files (no colour, no terminal width)."""

from __future__ import annotations

from ..i18n import outcome, severity, status, t
from ..linter import ManifestResult, Report
from ..model import Outcome, ScoreLine
from . import RenderOptions
from .shared import (
    bar,
    baseline_lines,
    computed_lines,
    evidence_line,
    findings_by_chapter,
    percent,
    profile_lines,
    waiver_lines,
)


def _score_row(label: str, line: ScoreLine, lang: str, indent: int) -> str:
    pad = " " * indent
    name = pad + label
    name = (name if len(name) <= 60 else name[:59] + "…").ljust(60)
    return f"{name} {percent(line.score)} [{bar(line.score)}] {status(line.status, lang)}".rstrip()


def _result(result: ManifestResult, opts: RenderOptions) -> list[str]:
    lang = opts.lang
    out = [f"== {result.file}", "", t("scores", lang)]
    scores = result.scores
    out.append(_score_row(t("overall", lang), scores.overall, lang, 2))
    for ref in scores.referentiels:
        out.append(_score_row(ref.title.get(lang), ref, lang, 2))
        for ref_key, chap in scores.chapters:
            if ref_key == ref.key:
                out.append(_score_row(f"§{chap.key} {chap.title.get(lang)}", chap, lang, 4))
    computed = computed_lines(result, lang)
    if computed:
        out += ["", t("computed", lang), *(f"  {line}" for line in computed)]
    waivers = waiver_lines(result, lang)
    if waivers:
        out += ["", t("derogations", lang), *(f"  {line}" for line in waivers)]
    for key, lines in (("profile", profile_lines(result, lang)), ("baseline", baseline_lines(result, lang))):
        if lines:
            out += ["", t(key, lang), *(f"  {line}" for line in lines)]
    groups = findings_by_chapter(result, opts.show_all)
    out += ["", t("findings", lang)]
    if not groups:
        out.append("  " + t("nothing_to_report", lang))
    for g in groups:
        ref_title = g.ref_line.title.get(lang) if g.ref_line else g.referentiel
        chapter_title = g.chapter_line.title.get(lang) if g.chapter_line else ""
        out.append(f"  §{g.chapter} {chapter_title} ({ref_title})")
        for f in g.findings:
            loc = f.location
            out.append(
                f"    {loc.file}:{loc.line}:{loc.column}: {severity(f.severity, lang)} "
                f"{outcome(f.outcome, lang)} [{f.rule_id}] {f.message.get(lang)}"
            )
    todo = [f for f in result.findings if f.outcome is Outcome.A_RENSEIGNER]
    if todo:
        out += ["", t("facts_to_declare", lang)]
        for f in todo:
            loc = f.location
            out.append(
                f"    {loc.file}:{loc.line}:{loc.column}: {severity(f.severity, lang)} [{f.rule_id}] "
                f"{t('add', lang)} : {', '.join(f.missing)}"
            )
    counts = scores.overall.counts
    out += [
        "",
        f"{t('summary', lang)} : "
        + ", ".join(
            f"{counts[o.value]} {outcome(o, lang)}"
            for o in Outcome
            if o is not Outcome.DEROGATION or counts[o.value]
        ),
        evidence_line(result.findings, lang),
    ]
    return out


def render(report: Report, opts: RenderOptions) -> str:
    lines: list[str] = []
    for result in report.results:
        if lines:
            lines.append("")
        lines += _result(result, opts)
    # Input errors go to stderr (see cli), so stdout stays a clean report.
    return "\n".join(lines) + "\n" if lines else ""
