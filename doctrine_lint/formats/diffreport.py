"""The comparison of two versions of a submission (`diff.Diff`) as text, Markdown or JSON.

Every format opens on what a reviewer decides on: the verdict before → after, the acceptance
profile's, then the counts (the findings present in both versions are counted, never listed),
then new, fixed and changed findings, then the scores that moved (before → after, in points).
Markdown is meant for a merge-request comment: short, tables, at most `MAX_ROWS` rows per table.
JSON has its own `format_version` and schema (`schemas/diff.schema.json`).

Texts from the manifests (file names, messages, elements, chapter titles) are untrusted: one line
each (`formats.shared.clip`), Markdown-escaped (`markdown.md`); the caller's output edge escapes
what is left (`safetext`).
"""

from __future__ import annotations

import json
import textwrap
from collections.abc import Callable
from functools import partial
from typing import Any

from .. import __version__
from ..diff import Change, Diff, Kind, ProfileVerdict, ScoreChange
from ..i18n import labelled, outcome, percent, points, severity, status, t
from ..reportfile import FindingData, ScoreData
from ..safetext import json_safe, visible_lines
from .markdown import md
from .shared import clip

# 1: first version (doctrine-lint 0.3).
DIFF_FORMAT_VERSION = 1
MAX_ROWS = 50  # per Markdown table: a comment stays readable; the JSON lists everything


# --- words shared by the formats ---------------------------------------------------------------


def _count(n: int, kind: Kind, lang: str) -> str:
    words = {
        Kind.NEW: (("nouveau", "nouveaux"), ("new", "new")),
        Kind.FIXED: (("corrigé", "corrigés"), ("fixed", "fixed")),
        Kind.CHANGED: (("modifié", "modifiés"), ("changed", "changed")),
    }[kind]
    fr, en = words
    pair = en if lang == "en" else fr
    return f"{n} {pair[0] if n <= 1 else pair[1]}"


def counts_text(diff: Diff, lang: str) -> str:
    """ "Constats : 1 nouveau, 2 corrigés, 0 modifié ; 64 présents dans les deux versions, non listés"."""
    parts = ", ".join(_count(len(diff.of_kind(k)), k, lang) for k in Kind)
    same = (
        f"{diff.unchanged} present in both versions, not listed"
        if lang == "en"
        else f"{diff.unchanged} présent{'s' if diff.unchanged > 1 else ''} dans les deux versions, non listé"
        f"{'s' if diff.unchanged > 1 else ''}"
    )
    return labelled(t("findings", lang), f"{parts}; {same}" if lang == "en" else f"{parts} ; {same}", lang)


def _arrow(before: str, after: str, lang: str) -> str:
    return f"{before} ({t('unchanged', lang)})" if before == after else f"{before} → {after}"


def _rate(line: ScoreData | None, lang: str, which: str = "score") -> str:
    return percent(None if line is None else getattr(line, which), lang)


def moved(change: ScoreChange, lang: str, which: str = "score") -> str:
    """ "94,6 % → 92,1 % (−2,5 pts)", or "94,6 % (inchangé)"."""
    before, after = _rate(change.before, lang, which), _rate(change.after, lang, which)
    if before == after:
        return f"{before} ({t('unchanged', lang)})"
    delta = change.delta if which == "score" else change.completeness_delta
    return f"{before} → {after}" + (f" ({points(delta, lang)})" if delta is not None else "")


def status_moved(change: ScoreChange, lang: str) -> str:
    before, after = change.statuses
    return _arrow(status(before, lang), status(after, lang), lang)


def verdict_text(diff: Diff, lang: str) -> str:
    """ "Verdict : partiellement conforme → non conforme — conformité 94,6 % → 92,1 % (−2,5 pts),
    complétude 95,6 % (inchangé)"."""
    o = diff.overall
    verdict = status_moved(o, lang)
    rates = (
        f"{t('score', lang).lower()} {moved(o, lang)}, "
        f"{t('completeness', lang).lower()} {moved(o, lang, 'completeness')}"
    )
    return labelled(t("verdict", lang), f"{verdict} — {rates}", lang)


def _profile_word(v: ProfileVerdict | None, lang: str) -> str:
    if v is None:
        return "—"
    return t("held", lang) if v.held else t("not_held", lang)


def profile_text(diff: Diff, lang: str) -> str | None:
    """ "Profil d'acceptation : tenu → non tenu (2 exigences sur 7 non tenues)", None without one."""
    before, after = diff.profile_before, diff.profile_after
    if before is None and after is None:
        return None
    shown = _arrow(_profile_word(before, lang), _profile_word(after, lang), lang)
    if after is not None and not after.held:
        shown += (
            f" ({after.unmet} of {after.total} requirements not met)"
            if lang == "en"
            else f" ({after.unmet} exigence{'s' if after.unmet > 1 else ''} sur {after.total} non tenue"
            f"{'s' if after.unmet > 1 else ''})"
        )
    return labelled(t("profile_verdict", lang), shown, lang)


def _where(f: FindingData) -> str:
    return f"{f.file}:{f.line}:{f.column}"


def _what_changed(change: Change, lang: str, quote: Callable[[str], str]) -> str:
    """ "résultat : non conforme → dérogation ; sévérité : majeur → bloquant"."""
    a, b = change.before, change.after
    assert a is not None and b is not None
    out = []
    for name in change.fields:
        if name == "outcome":
            out.append(
                labelled(
                    t("outcome", lang).lower(),
                    f"{outcome(a.outcome, lang)} → {outcome(b.outcome, lang)}",
                    lang,
                )
            )
        elif name == "severity":
            out.append(
                labelled(
                    t("severity", lang).lower(),
                    f"{severity(a.severity, lang)} → {severity(b.severity, lang)}",
                    lang,
                )
            )
        else:
            out.append(labelled(t("message", lang).lower(), f"{quote(a.message)} → {quote(b.message)}", lang))
    return "; ".join(out) if lang == "en" else " ; ".join(out)


def _after_fix(change: Change, lang: str) -> str:
    return "—" if change.after is None else outcome(change.after.outcome, lang)


def _score_name(change: ScoreChange, lang: str) -> str:
    return t("overall", lang) if change.level == "overall" else change.line.label


# --- text ----------------------------------------------------------------------------------------


def _quoted(text: str, lang: str) -> str:
    return f"“{clip(text)}”" if lang == "en" else f"« {clip(text)} »"


WIDTH = 80  # a terminal's width: long texts are folded under their item, never cut


def _fold(text: str, indent: int) -> list[str]:
    pad = " " * indent
    return textwrap.wrap(text, WIDTH, initial_indent=pad, subsequent_indent=pad, break_on_hyphens=False) or [
        pad
    ]


def _text_finding(f: FindingData, lang: str) -> list[str]:
    """ "  RULE · non conforme · majeur · file:12:5", then the message (and element) folded."""
    element = f" [{clip(f.element)}]" if f.element else ""
    head = (
        f"{clip(f.rule_id)} · {outcome(f.outcome, lang)} · {severity(f.severity, lang)} · {clip(_where(f))}"
    )
    return [*_fold(head, 2), *_fold(f"{clip(f.message)}{element}", 6)]


def render_text(diff: Diff, lang: str) -> str:
    lines = [
        "doctrine-lint diff",
        *_fold(labelled(t("before", lang).lower(), clip(diff.old.file), lang), 2),
        *_fold(labelled(t("after", lang).lower(), clip(diff.new.file), lang), 2),
        *_fold(verdict_text(diff, lang), 0),
    ]
    profile = profile_text(diff, lang)
    if profile is not None:
        lines += _fold(profile, 0)
    lines += _fold(counts_text(diff, lang), 0)
    for kind, key in ((Kind.NEW, "diff_new"), (Kind.FIXED, "diff_fixed"), (Kind.CHANGED, "diff_changed")):
        changes = diff.of_kind(kind)
        if not changes:
            continue
        lines += ["", f"{t(key, lang)} ({len(changes)})"]
        for c in changes:
            lines += _text_finding(c.finding, lang)
            if kind is Kind.FIXED:
                lines += _fold(f"→ {_after_fix(c, lang)}", 6)
            elif kind is Kind.CHANGED:
                lines += _fold(_what_changed(c, lang, partial(_quoted, lang=lang)), 6)
    lines += ["", t("diff_scores", lang)]
    for s in diff.scores:
        indent = 4 if s.level == "chapter" else 2
        lines += _fold(_score_name(s, lang), indent)
        lines += _fold(f"{moved(s, lang)} · {status_moved(s, lang)}", indent + 4)
    if len(diff.scores) == 1:
        lines += _fold(f"({t('diff_no_score_change', lang)} {_others(lang)})", 2)
    return "\n".join(lines) + "\n"


def _others(lang: str) -> str:
    return "in the frameworks and chapters" if lang == "en" else "dans les référentiels et chapitres"


# --- Markdown ------------------------------------------------------------------------------------


def _row(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def _table(head: list[str], rows: list[list[str]], lang: str) -> list[str]:
    out = [_row(head), _row(["---"] * len(head))]
    out += [_row(r) for r in rows[:MAX_ROWS]]
    if len(rows) > MAX_ROWS:
        rest = len(rows) - MAX_ROWS
        out += [
            "",
            f"… and {rest} more (JSON: --format json)"
            if lang == "en"
            else f"… et {rest} autre(s) (JSON : --format json)",
        ]
    return out


def _md_finding(f: FindingData) -> str:
    element = f" — {md(f.element)}" if f.element else ""
    return f"{md(f.message)}{element}"


def render_markdown(diff: Diff, lang: str) -> str:
    out = [f"### doctrine-lint — {t('diff_title', lang)}", ""]
    out.append(f"**{md(verdict_text(diff, lang))}**")
    profile = profile_text(diff, lang)
    if profile is not None:
        out += ["", f"**{md(profile)}**"]
    out += ["", f"{md(diff.old.file)} → {md(diff.new.file)} · {md(counts_text(diff, lang))}"]
    rule, sev, where = t("rule", lang), t("severity", lang), t("location", lang)
    new = diff.of_kind(Kind.NEW)
    if new:
        out += ["", f"#### {t('diff_new', lang)} ({len(new)})", ""]
        out += _table(
            [rule, sev, t("outcome", lang), where, t("message", lang)],
            [
                [
                    md(f.rule_id),
                    severity(f.severity, lang),
                    outcome(f.outcome, lang),
                    md(_where(f)),
                    _md_finding(f),
                ]
                for f in (c.finding for c in new)
            ],
            lang,
        )
    fixed = diff.of_kind(Kind.FIXED)
    if fixed:
        out += ["", f"#### {t('diff_fixed', lang)} ({len(fixed)})", ""]
        out += _table(
            [rule, sev, t("before", lang), t("now", lang), where, t("message", lang)],
            [
                [
                    md(c.finding.rule_id),
                    severity(c.finding.severity, lang),
                    outcome(c.finding.outcome, lang),
                    _after_fix(c, lang),
                    md(_where(c.finding)),
                    _md_finding(c.finding),
                ]
                for c in fixed
            ],
            lang,
        )
    changed = diff.of_kind(Kind.CHANGED)
    if changed:
        out += ["", f"#### {t('diff_changed', lang)} ({len(changed)})", ""]
        out += _table(
            [rule, where, t("what_changes", lang)],
            [
                [md(c.finding.rule_id), md(_where(c.finding)), _what_changed(c, lang, lambda m: md(m, 120))]
                for c in changed
            ],
            lang,
        )
    out += ["", f"#### {t('diff_scores', lang)}", ""]
    out += _table(
        [t("scope", lang), t("score", lang), t("completeness", lang), t("status", lang)],
        [
            [
                ("**" + t("overall", lang) + "**") if s.level == "overall" else md(_score_name(s, lang), 120),
                moved(s, lang),
                moved(s, lang, "completeness"),
                status_moved(s, lang),
            ]
            for s in diff.scores
        ],
        lang,
    )
    return "\n".join(out) + "\n"


# --- JSON ----------------------------------------------------------------------------------------


def finding_json(f: FindingData | None) -> dict[str, Any] | None:
    if f is None:
        return None
    return {
        "rule_id": f.rule_id,
        "outcome": f.outcome.value,
        "severity": f.severity.slug,
        "weight": f.weight,
        "message": f.message,
        "path": f.path,
        "keyed_path": f.keyed_path,
        "element": f.element,
        "location": {"file": f.file, "line": f.line, "column": f.column},
        "referentiel": f.referentiel,
        "chapter": f.chapter,
        "pack": f.pack,
    }


def _change_json(c: Change) -> dict[str, Any]:
    return {
        "rule_id": c.finding.rule_id,
        "occurrence": c.finding.identity[1],
        "changed": list(c.fields),
        "before": finding_json(c.before),
        "after": finding_json(c.after),
    }


def _line_json(line: ScoreData | None) -> dict[str, Any] | None:
    if line is None:
        return None
    return {"score": line.score, "completeness": line.completeness, "status": line.status}


def _profile_json(v: ProfileVerdict | None) -> dict[str, Any] | None:
    return None if v is None else {"held": v.held, "unmet": v.unmet, "total": v.total}


def as_dict(diff: Diff, lang: str, sources: tuple[str, str], fail_on: Any) -> dict[str, Any]:
    """The JSON document (see `schemas/diff.schema.json`); `sources` are the two inputs as
    given on the command line, `fail_on` the threshold whose regressions are counted."""
    o = diff.overall
    return {
        "format_version": DIFF_FORMAT_VERSION,
        "tool": "doctrine-lint",
        "tool_version": __version__,
        "lang": lang,
        "inputs": [
            {"source": src, "file": m.file, "sha256": m.sha256}
            for src, m in zip(sources, (diff.old, diff.new), strict=True)
        ],
        "verdict": {
            "before": o.statuses[0],
            "after": o.statuses[1],
            "changed": o.status_changed,
        },
        "profile": None
        if diff.profile_before is None and diff.profile_after is None
        else {"before": _profile_json(diff.profile_before), "after": _profile_json(diff.profile_after)},
        "counts": {
            **{k.value: len(diff.of_kind(k)) for k in Kind},
            "unchanged": diff.unchanged,
            "regressions": len(diff.regressions(fail_on)),
        },
        "fail_on": None if fail_on is None else fail_on.slug,
        "findings": {k.value: [_change_json(c) for c in diff.of_kind(k)] for k in Kind},
        "scores": [
            {
                "level": s.level,
                "referentiel": s.line.referentiel,
                "key": s.line.key,
                "label": s.line.label,
                "before": _line_json(s.before),
                "after": _line_json(s.after),
                "delta": s.delta,
                "completeness_delta": s.completeness_delta,
            }
            for s in diff.scores
        ],
    }


def render(diff: Diff, fmt: str, lang: str, sources: tuple[str, str], fail_on: Any) -> str:
    """The diff in `fmt` (text, markdown, json), made safe for its destination (`safetext`)."""
    if fmt == "json":
        doc = as_dict(diff, lang, sources, fail_on)
        return json_safe(json.dumps(doc, ensure_ascii=False, indent=2, allow_nan=False)) + "\n"
    text = render_markdown(diff, lang) if fmt == "markdown" else render_text(diff, lang)
    return visible_lines(text)
