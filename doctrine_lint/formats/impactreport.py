"""The effect of a pack upgrade on a corpus (`impact.Impact`) as text, Markdown or JSON.

Opens on the counts (submissions compared, changed, unreadable), then each submission that
changes (verdict before → after, overall rate, profile verdict, the rules that cause it with
their effect), then the rules across the corpus (submissions changed, points moved), then the
unreadable submissions with their problems. Texts from manifests and packs are untrusted: one
line each (`shared.clip`), Markdown-escaped (`markdown.md`), then `safetext` at the edge.
"""

from __future__ import annotations

import json
from typing import Any

from .. import __version__
from ..diff import ProfileVerdict, ScoreChange
from ..i18n import colon, labelled, number, outcome, points, severity, t
from ..impact import SHARES, Cause, Impact, RuleState, SubmissionImpact
from ..safetext import json_safe, visible_lines
from .diffreport import MAX_ROWS, moved, status_moved
from .markdown import md
from .shared import clip

# 1: first version (doctrine-lint 0.3).
IMPACT_FORMAT_VERSION = 1


def _cause_text(c: Cause, lang: str) -> str:
    """ "RGESN-1.1 (mineur → majeur, −0,4 pt)"."""
    a, b = c.before, c.after
    words = []
    for kind in c.kinds:
        if kind == "added" and b is not None:
            words.append(f"{'added' if lang == 'en' else 'ajoutée'}, {outcome(b.outcome, lang)}")
        elif kind == "removed" and a is not None:
            words.append(f"{'removed' if lang == 'en' else 'retirée'}, {outcome(a.outcome, lang)}")
        elif kind == "outcome" and a is not None and b is not None:
            words.append(f"{outcome(a.outcome, lang)} → {outcome(b.outcome, lang)}")
        elif kind == "weight" and a is not None and b is not None:
            words.append(f"{t('weight', lang).lower()} {number(a.weight, lang)} → {number(b.weight, lang)}")
        elif kind == "severity" and a is not None and b is not None:
            words.append(f"{severity(a.severity, lang)} → {severity(b.severity, lang)}")
    for effect, what in ((c.effect, "score"), (c.completeness_effect, "completeness")):
        if effect:  # no effect, or none known: nothing to say
            words.append(
                f"{points(effect, lang)} {t(what, lang).lower()}"
                if lang == "en"
                else f"{points(effect, lang)} de {t(what, lang).lower()}"
            )
    name = (
        ("pack score shares (score_share)" if lang == "en" else "parts des packs (score_share)")
        if c.rule_id == SHARES
        else clip(c.rule_id)
    )
    return f"{name} ({', '.join(words)})" if words else name


def _causes(s: SubmissionImpact, lang: str) -> str:
    return ("; " if lang == "en" else " ; ").join(_cause_text(c, lang) for c in s.causes)


def _profile(v: ProfileVerdict | None, lang: str) -> str:
    return "—" if v is None else t("held", lang) if v.held else t("not_held", lang)


def _profile_moved(s: SubmissionImpact, lang: str) -> str | None:
    before, after = s.profile
    if before is None and after is None:
        return None
    a, b = _profile(before, lang), _profile(after, lang)
    return a if a == b else f"{a} → {b}"


def _headline(impact: Impact, lang: str, sets: tuple[str, str]) -> str:
    n, changed, bad = len(impact.submissions), len(impact.changed), len(impact.unreadable_files)
    limit = points(impact.threshold, lang).lstrip("+")
    if lang == "en":
        return (
            f"{n} submission(s) compared, {changed} change (threshold {limit}), {bad} unreadable; "
            f"packs {clip(sets[0])} → {clip(sets[1])}"
        )
    return (
        f"{n} soumission(s) comparée(s), {changed} change(nt) (seuil {limit}), {bad} illisible(s) ; "
        f"packs {clip(sets[0])} → {clip(sets[1])}"
    )


def _rates(o: ScoreChange, lang: str) -> str:
    return f"{t('score', lang).lower()} {moved(o, lang)}, {t('completeness', lang).lower()} {moved(o, lang, 'completeness')}"


def _problem(file: str, side: str, text: str, lang: str) -> str:
    which = {"old": ("anciens packs", "old packs"), "new": ("nouveaux packs", "new packs")}[side]
    return f"{clip(file)} ({which[1] if lang == 'en' else which[0]}){colon(lang)}{clip(text)}"


def render_text(impact: Impact, lang: str, sets: tuple[str, str]) -> str:
    lines = [f"doctrine-lint impact{colon(lang)}{_headline(impact, lang, sets)}"]
    changed = impact.changed
    if changed:
        lines += ["", f"{t('impact_submissions', lang)} ({len(changed)})"]
    for s in changed:
        lines.append(f"  {clip(s.file)}")
        lines.append(
            f"    {labelled(t('verdict', lang), status_moved(s.overall, lang), lang)} — {_rates(s.overall, lang)}"
        )
        profile = _profile_moved(s, lang)
        if profile is not None:
            lines.append(f"    {labelled(t('profile_verdict', lang), profile, lang)}")
        for ref in s.scores[1:]:
            lines.append(
                f"    {clip(ref.line.label)}{colon(lang)}{status_moved(ref, lang)} — {_rates(ref, lang)}"
            )
        lines.append(f"    {labelled(t('causes', lang), _causes(s, lang) or '—', lang)}")
    rules = impact.rules()
    if rules:
        lines += ["", t("impact_rules", lang)]
        width = max(len(clip(r.rule_id)) for r in rules)
        for r in rules:
            moved_points = "—" if r.points is None else points(r.points, lang)
            lines.append(f"  {clip(r.rule_id):<{width}}  {r.submissions:>5}  {moved_points}")
    if impact.unreadable:
        lines += ["", f"{t('impact_unreadable', lang)} ({len(impact.unreadable_files)})"]
        for file, side, problems in impact.unreadable:
            for p in problems:
                lines.append(f"  {_problem(file, side, p.render(lang), lang)}")
    return "\n".join(lines) + "\n"


def _row(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def render_markdown(impact: Impact, lang: str, sets: tuple[str, str]) -> str:
    out = [f"### doctrine-lint — {t('impact_title', lang)}", "", md(_headline(impact, lang, sets))]
    changed = impact.changed
    if changed:
        out += ["", f"#### {t('impact_submissions', lang)} ({len(changed)})", ""]
        out += [
            _row(
                [
                    t("submission", lang),
                    t("verdict", lang),
                    t("score", lang),
                    t("profile_verdict", lang),
                    t("causes", lang),
                ]
            ),
            _row(["---"] * 5),
        ]
        for s in changed[:MAX_ROWS]:
            out.append(
                _row(
                    [
                        md(s.file),
                        status_moved(s.overall, lang),
                        moved(s.overall, lang),
                        _profile_moved(s, lang) or "—",
                        md(_causes(s, lang) or "—", 400),
                    ]
                )
            )
    rules = impact.rules()
    if rules:
        out += ["", f"#### {t('impact_rules', lang)}", ""]
        out += [
            _row([t("rule", lang), t("submissions_count", lang), t("points_moved", lang)]),
            _row(["---"] * 3),
        ]
        out += [
            _row([md(r.rule_id), str(r.submissions), "—" if r.points is None else points(r.points, lang)])
            for r in rules[:MAX_ROWS]
        ]
    if impact.unreadable:
        out += ["", f"#### {t('impact_unreadable', lang)} ({len(impact.unreadable_files)})", ""]
        out += [
            f"- {md(_problem(f, side, p.render(lang), lang), 400)}"
            for f, side, ps in impact.unreadable
            for p in ps
        ]
    return "\n".join(out) + "\n"


def _state(state: RuleState | None) -> dict[str, Any] | None:
    if state is None:
        return None
    return {"outcome": state.outcome.value, "weight": state.weight, "severity": state.severity.slug}


def _line(change: ScoreChange) -> dict[str, Any]:
    def side(x: Any) -> Any:
        return None if x is None else {"score": x.score, "completeness": x.completeness, "status": x.status}

    return {
        "level": change.level,
        "key": change.line.key,
        "before": side(change.before),
        "after": side(change.after),
        "delta": change.delta,
        "completeness_delta": change.completeness_delta,
    }


def _verdict(v: ProfileVerdict | None) -> dict[str, Any] | None:
    return None if v is None else {"held": v.held, "unmet": v.unmet, "total": v.total}


def as_dict(impact: Impact, lang: str, sets: tuple[str, str]) -> dict[str, Any]:
    return {
        "format_version": IMPACT_FORMAT_VERSION,
        "tool": "doctrine-lint",
        "tool_version": __version__,
        "lang": lang,
        "packs": {"old": sets[0], "new": sets[1]},
        "threshold": impact.threshold,
        "counts": {
            "submissions": len(impact.submissions),
            "changed": len(impact.changed),
            "unreadable": len(impact.unreadable_files),
        },
        "submissions": [
            {
                "file": s.file,
                "changed": s.changed(impact.threshold),
                "verdict_changed": s.verdict_changed,
                "scores": [_line(c) for c in s.scores],
                "profile": {"before": _verdict(s.profile[0]), "after": _verdict(s.profile[1])},
                "causes": [
                    {
                        "rule_id": c.rule_id,
                        "kinds": list(c.kinds),
                        "before": _state(c.before),
                        "after": _state(c.after),
                        "effect": c.effect,
                        "completeness_effect": c.completeness_effect,
                    }
                    for c in s.causes
                ],
            }
            for s in impact.submissions
        ],
        "rules": [
            {"rule_id": r.rule_id, "submissions": r.submissions, "points": r.points} for r in impact.rules()
        ],
        "unreadable": [
            {"file": f, "packs": side, "problems": [p.render(lang) for p in ps]}
            for f, side, ps in impact.unreadable
        ],
    }


def render(impact: Impact, fmt: str, lang: str, sets: tuple[str, str]) -> str:
    if fmt == "json":
        return (
            json_safe(json.dumps(as_dict(impact, lang, sets), ensure_ascii=False, indent=2, allow_nan=False))
            + "\n"
        )
    text = render_markdown(impact, lang, sets) if fmt == "markdown" else render_text(impact, lang, sets)
    return visible_lines(text)
