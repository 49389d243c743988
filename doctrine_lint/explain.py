"""Human explanations: a rule as Markdown (`explain RULE_ID`) and how each score was made
(`explain --score MANIFEST`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import yaml

from .chapters import chapter_label
from .i18n import evidence, legal_basis, outcome, severity, status, t
from .linter import ManifestResult
from .model import Evidence, Finding, Outcome, ScoreLine
from .model import pct as percent
from .packs import Pack, Rule


def _yaml(data: object) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, default_flow_style=False).rstrip()


def rule_markdown(rule: Rule, pack: Pack, lang: str) -> str:
    """The whole documentation of one rule, as Markdown."""
    verified = t("verified", lang) if rule.provenance.verified else t("unverified", lang)
    lines = [
        f"# {rule.id} — {rule.title.get(lang)}",
        "",
        f"- **{t('chapter', lang)}** : {chapter_label(rule.chapter_title, lang)} (`{rule.chapter}`)",
        f"- **{t('referentiel', lang)}** : {rule.referentiel} — pack `{pack.id}` {pack.version}",
        f"- **{t('severity', lang)}** : {severity(rule.severity, lang)} ({t('weight', lang).lower()} {rule.weight:g})",
        "",
        f"## {t('rationale', lang)}",
        "",
        rule.rationale.get(lang),
        "",
        f"## {t('remediation', lang)}",
        "",
        rule.remediation.get(lang),
        "",
        f"## {t('provenance', lang)}",
        "",
        f"- {t('evidence', lang)} : {evidence(rule.provenance.evidence, lang)} ({verified})",
        f"- {t('legal_basis', lang)} : {legal_basis(rule.provenance.legal_basis, lang)}",
    ]
    if rule.provenance.note:
        lines.append(f"- {rule.provenance.note.get(lang)}")
    lines += ["", f"## {t('references', lang)}", ""]
    for ref in rule.references:
        label = " — ".join(x for x in (ref.section, ref.title) if x) or ref.url
        lines.append(f"- [{label}]({ref.url})")
    if rule.raw_applies_when is not None:
        lines += ["", f"## {t('applies_when', lang)}", "", "```yaml", _yaml(rule.raw_applies_when), "```"]
    if rule.raw_scope is not None:
        lines += ["", f"## {t('for_each', lang)}", "", "```yaml", _yaml(rule.raw_scope), "```"]
    lines += ["", f"## {t('check', lang)}", "", "```yaml", _yaml(rule.raw_check), "```"]
    used = _used_conditions([rule.raw_applies_when, rule.raw_scope, rule.raw_check], pack.raw_conditions)
    if used:
        lines += ["", f"## {t('named_conditions', lang)}"]
        for name in used:
            lines += ["", f"### `{name}`", "", "```yaml", _yaml(pack.raw_conditions[name]), "```"]
    lines += ["", f"## {t('examples', lang)}"]
    for ex in rule.examples:
        lines += [
            "",
            f"### {outcome(ex.outcome, lang)}" + (f" — {ex.note}" if ex.note else ""),
            "",
            "```yaml",
            _yaml(ex.manifest),
            "```",
        ]
        for expected in ex.findings or ():
            lines.append(f"- {outcome(expected.outcome, lang)} : `{expected.path}`")
    return "\n".join(lines) + "\n"


def _used_conditions(roots: list[Any], named: dict[str, Any]) -> list[str]:
    """The named conditions a rule uses, directly or through other named conditions, in order."""
    out: list[str] = []
    stack = list(reversed(roots))
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            name = node.get("use")
            if isinstance(name, str) and name in named and name not in out:
                out.append(name)
                stack.append(named[name])
            stack.extend(reversed(list(node.values())))
        elif isinstance(node, list):
            stack.extend(reversed(node))
    return out


def score_explanation(result: ManifestResult, lang: str) -> str:
    """Every rule's contribution to every chapter score, and why the others were not applicable."""
    by_rule: dict[str, Finding] = {}
    for f in result.findings:
        by_rule.setdefault(f.rule_id, f)  # the rule's metadata and, when not applicable, its reason
    out = [f"== {result.file}", "", t("formula", lang), ""]
    s = result.scores

    def pct(ratio: float | None) -> str:
        # rounded like every report, so that the figures agree
        shown = percent(ratio)
        return "—" if shown is None else f"{shown:.1f} %"

    def head(label: str, line: ScoreLine) -> str:
        rates = (
            f"{t('score', lang).lower()} {pct(line.ratio)}, "
            f"{t('completeness', lang).lower()} {pct(line.completeness_ratio)} — {status(line.status, lang)}"
        )
        if line.parts:
            return f"{label} : {rates}"
        return (
            f"{label} : {rates} (= {line.earned:g} ÷ {line.decided:g} ; {line.decided:g} ÷ {line.possible:g} ; "
            f"{line.rules} {t('rules_label', lang)})"
        )

    def parts(line: ScoreLine, names: dict[str, str]) -> list[str]:
        """How a composed rate is made: each part, its weight and its own rates."""
        total = sum(w for _, w, _, _ in line.parts) or 1.0
        return [
            f"    {t('weighting', lang).lower()} {names.get(name, name)} ×{w / total:.3f} : "
            f"{t('score', lang).lower()} {pct(conf)}, {t('completeness', lang).lower()} {pct(comp)}"
            for name, w, conf, comp in line.parts
        ]

    names = {"doctrine": t("doctrine_part", lang), **{r.key: r.title.get(lang) for r in s.referentiels}}
    o = s.overall
    out.append(head(t("overall", lang), o))
    out += parts(o, names)
    for ref in s.referentiels:
        out += ["", head(ref.title.get(lang), ref)]
        out += parts(ref, names)
        for ref_key, chap in s.chapters:
            if ref_key != ref.key:
                continue
            out.append("  " + head(chapter_label(chap.title, lang), chap))
            if chap.blocking_failure:
                out.append(f"    ! {t('blocking', lang)}")
            for rule_id, oc, earned, weight in chap.contributions:
                f = by_rule[rule_id]
                label = outcome(Outcome(oc), lang)
                if oc == Outcome.NON_APPLICABLE.value:
                    reason = f.reason.get(lang) if f.reason else ""
                    out.append(f"    {rule_id:<34} {label:<16} {t('not_applicable_because', lang)} {reason}")
                else:
                    out.append(
                        f"    {rule_id:<34} {label:<16} {earned:g}/{weight:g}  ({severity(f.severity, lang)})"
                    )
    return "\n".join(out) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def catalogue_markdown(packs: Sequence[Pack], rules: Sequence[Rule], lang: str) -> str:
    """Every rule with its id, chapter, severity, evidence and references (docs/rules.md)."""
    chosen = {r.id for r in rules}
    fr = lang != "en"
    lines = [
        "# Catalogue des règles" if fr else "# Rule catalogue",
        "",
        (
            "Généré par `doctrine-lint rules --format markdown` : ne pas modifier à la main."
            if fr
            else "Generated by `doctrine-lint rules --format markdown --lang en`: do not edit by hand."
        ),
        "",
    ]
    total = {e: 0 for e in Evidence}
    for pack in packs:
        pack_rules = [r for r in pack.rules if r.id in chosen]
        if not pack_rules:
            continue
        for r in pack_rules:
            total[r.provenance.evidence] += 1
        lines += [
            f"## {pack.title.get(lang)}",
            "",
            f"`{pack.id}` {pack.version} — {pack.referentiel} — {len(pack_rules)} "
            + ("règles" if fr else "rules"),
            "",
        ]
        used = {r.chapter: r.chapter_title for r in pack_rules}
        lines += [f"- `{key}` : {_cell(chapter_label(chapter, lang))}" for key, chapter in used.items()]
        lines.append("")
        head = (
            "Id",
            t("chapter", lang),
            t("severity", lang),
            t("evidence", lang),
            t("title", lang),
            t("references", lang),
        )
        lines += ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
        for r in pack_rules:
            refs = ", ".join(
                f"[{_cell(ref.section or ref.title or 'source')}]({ref.url})" for ref in r.references
            )
            lines.append(
                f"| `{r.id}` | {_cell(r.chapter)} | {severity(r.severity, lang)} | "
                f"{evidence(r.provenance.evidence, lang)} | {_cell(r.title.get(lang))} | {refs} |"
            )
        lines.append("")
    summary = ", ".join(f"{n} {evidence(e, lang)}" for e, n in total.items())
    lines += [
        ("## Par niveau de preuve" if fr else "## By evidence level"),
        "",
        f"{sum(total.values())} : {summary}",
        "",
    ]
    return "\n".join(lines)
