"""Plain, stable text: the format for pipes, logs and golden files (no colour, no terminal width).

Laid out from `formats.view`, section by section in `view.SECTIONS` order: the verdict and
« À corriger en priorité » first, the detail after. The reproducibility
stamp and input errors are not printed here: the stamp belongs to archived reports (JSON,
Markdown, HTML) and errors go to stderr, so stdout stays a clean report.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

from ..chapters import PLACEMENT_NOTE
from ..i18n import colon, t
from ..linter import ManifestResult, Report
from ..safetext import prose
from . import RenderOptions, render_stream
from .listing import threshold_lines
from .shared import bar, percent
from .view import (
    PRIORITIES_SHOWN,
    SECTIONS,
    FindingView,
    ManifestView,
    ScoreRow,
    manifest_viewer,
    more_priorities,
    rates_text,
)


def _score_row(row: ScoreRow, lang: str) -> str:
    indent = "    " if row.level == 2 else "  "
    name = indent + row.label
    # never cut a label: a long one gets its own line and its score goes on the next
    name = f"{name}\n{'':60}" if len(name) > 60 else name.ljust(60)
    line = f"{name} {percent(row.score, lang)} [{bar(row.score)}] {row.status_label} — {row.detail}"
    # a composed rate says how it is composed, on the line below
    return line + (f"\n{indent}  {row.weighting}" if row.weighting else "")


def occurrence(f: FindingView, lang: str) -> str:
    """The element an occurrence is about, when its message does not already name it (the
    engine adds it to rule messages); empty for a rule on a single field."""
    if not f.element or f.element in f.message:
        return ""
    return f" — {t('element', lang)}{colon(lang)}{f.element} ({f.where})"


def _header(m: ManifestView, lang: str) -> list[str]:
    """The verdict first: the service, its overall status and référentiel scores, the
    acceptance profile's verdict, then « À corriger en priorité »."""
    out = [f"== {m.file}"]
    if m.name:
        out.append(m.name)
    out += ["", m.verdict]
    out += [
        f"  {ref.row.label}{colon(lang)}{ref.row.status_label} — {rates_text(ref.row, lang)}"
        for ref in m.scores.referentiels
    ]
    if m.profile_verdict:
        out.append(m.profile_verdict)
    return out + _priorities(m, lang)


def _priorities(m: ManifestView, lang: str) -> list[str]:
    if not m.priorities:
        return []
    out = ["", t("priorities", lang)]
    for p in m.priorities[:PRIORITIES_SHOWN]:
        what = p.action if p.kind == "a-renseigner" else f"[{p.rules[0]}] {p.title}"
        out.append(f"  {p.rank}. {p.severity_label} {p.kind_label.lower()} — {what}")
        if p.kind != "a-renseigner":
            out.append(f"     {p.action}")
        where = t("where_to_add" if p.kind == "a-renseigner" else "line_to_change", lang)
        after = f" — {t('verdict_after', lang)}{colon(lang)}{p.verdict_after}" if p.verdict_after else ""
        out.append(
            f"     {where}{colon(lang)}{p.position} — {t('gain', lang)}{colon(lang)}{p.gain_text}{after}"
        )
    more = more_priorities(m, lang)
    return out + ([f"  {more}"] if more else [])


def _scores(m: ManifestView, lang: str) -> list[str]:
    return ["", t("scores", lang), *(_score_row(row, lang) for row in m.scores.rows())]


def _profile(m: ManifestView, lang: str) -> list[str]:
    if not m.profile:
        return []
    expected = "expected" if lang == "en" else "attendu"
    return [
        "",
        t("profile", lang),
        *(
            f"  {'✓' if c.ok else '✗'} {c.requirement}{colon(lang)}{c.actual} ({expected} {c.expected})"
            for c in m.profile
        ),
    ]


def _findings(m: ManifestView, lang: str) -> list[str]:
    out = ["", t("findings", lang)]
    if not m.findings:
        out.append("  " + t("nothing_to_report", lang))
    for g in m.findings:
        out.append(f"  {g.label} ({g.referentiel_title})")
        for f in g.findings:
            out.append(
                f"    {f.position}: {f.severity_label} {f.outcome_label} [{f.rule_id}] {f.message}"
                + occurrence(f, lang)
            )
            if f.proof:
                out.append(f"      {t('proof', lang)}{colon(lang)}{f.proof}")
    return out


def _evidence(m: ManifestView, lang: str) -> list[str]:
    if not m.evidence:
        return []
    out = ["", t("evidence_files", lang)]
    for e in m.evidence:
        out.append(f"  {e.title}")
        out += [f"    {line}" for line in e.lines]
    if m.decided_by:
        out.append(f"  {m.decided_by}")
    return out


def _to_declare(m: ManifestView, lang: str) -> list[str]:
    if not m.to_declare:
        return []
    out = ["", t("facts_to_declare", lang)]
    for fact in m.to_declare:
        out.append(f"    {fact.position}: {fact.severity_label} {fact.path} — {fact.summary}")
        if fact.facts_text:
            out.append(f"      {t('facts', lang)}{colon(lang)}{fact.facts_text}")
        out.append(f"      {t('rules_label', lang)}{colon(lang)}{fact.rules_text}")
    return out


def _waivers(m: ManifestView, lang: str) -> list[str]:
    if not m.waivers and m.other_score is None:
        return []
    out = ["", t("derogations", lang)]
    for w in m.waivers:
        who = f", {w.approver}" if w.approver else ""
        out.append(f"  {w.position}: [{w.rule}] {w.state_label} — {w.note}{who} — {w.justification}")
    if m.other_score is not None:
        o = m.other_score
        out.append(f"  {o.label}{colon(lang)}{o.percent} ({o.here})")
    return out


def _baseline(m: ManifestView, lang: str) -> list[str]:
    b = m.baseline
    if b is None:
        return []
    return [
        "",
        t("baseline", lang),
        f"  {b.known_label}",
        *(f"  {b.fixed_label}{colon(lang)}[{rule}] {path}" for rule, path in b.fixed),
    ]


def _computed(m: ManifestView, lang: str) -> list[str]:
    if not m.computed:
        return []
    return ["", t("computed", lang), *(f"  {line.text}" for line in m.computed)]


def _summary(m: ManifestView, lang: str) -> list[str]:
    return ["", f"{t('summary', lang)}{colon(lang)}{m.summary.text}", m.summary.evidence_text]


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


# `--quiet`: the file, what to fix and nothing else (no verdict, scores or priorities), for the
# manifests that have something to fix
QUIET_SECTIONS = ("findings", "facts_to_declare")


def pieces(report: Report, opts: RenderOptions) -> Callable[[ManifestResult], str | None]:
    """One manifest's block of lines (None when `--quiet` leaves it out)."""
    lang = "en" if opts.lang == "en" else "fr"
    view = manifest_viewer(report, opts)

    def piece(result: ManifestResult) -> str | None:
        m = view(result)
        if opts.quiet and not (m.findings or m.to_declare):
            return None
        lines = [f"== {m.file}"] if opts.quiet else []
        for key in QUIET_SECTIONS if opts.quiet else SECTIONS:
            lines += _SECTIONS[key](m, lang)
        return "".join(f"{line}\n" for line in lines)

    return piece


def stream(report: Report, pieces: Iterable[str | None], opts: RenderOptions) -> Iterator[str]:
    """The report manifest by manifest, as they come (`report`'s reasons are read at the end,
    when the run is over). As every stream (`formats.Streams`): a head, one chunk per piece, an
    end — any of them possibly empty."""
    lang = "en" if opts.lang == "en" else "fr"
    written = False
    yield ""
    for block in pieces:
        if block is None:
            yield ""
            continue
        yield ("\n" if written else "") + block
        written = True
    end: list[str] = []
    if written and not opts.quiet:
        end += ["", f"{t('placement', lang)}{colon(lang)}{prose(PLACEMENT_NOTE.get(lang))}"]
    if opts.quiet:  # a missed score threshold is not a finding: say why the run fails
        end += threshold_lines(report, lang)
    yield "".join(f"{line}\n" for line in end)


def render(report: Report, opts: RenderOptions) -> str:
    return render_stream("text", report, opts)
