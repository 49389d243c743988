"""Human explanations: a rule as Markdown (`explain RULE_ID`) and how each score was made
(`explain --score MANIFEST`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import yaml

from .chapters import chapter_label
from .i18n import colon, evidence, labelled, legal_basis, number, outcome, percent, severity, status, t
from .linter import ManifestResult
from .model import Evidence, Finding, Outcome, ScoreLine, chapter_key, natural_key, pct, referentiel_rank
from .packs import Pack, Rule
from .scoring import REFERENTIEL_TITLES


def _yaml(data: object) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, default_flow_style=False).rstrip()


def _referentiel(key: str, lang: str) -> str:
    """ "Numérique responsable (`numerique-responsable`)": the name people read, then the key."""
    title = REFERENTIEL_TITLES.get(key)
    return f"{title.get(lang)} (`{key}`)" if title is not None else f"`{key}`"


def rule_markdown(rule: Rule, pack: Pack, lang: str) -> str:
    """The whole documentation of one rule, as Markdown."""
    verified = t("verified", lang) if rule.provenance.verified else t("unverified", lang)
    lines = [
        f"# {rule.id} — {rule.title.get(lang)}",
        "",
        f"- **{t('chapter', lang)}**{colon(lang)}{chapter_label(rule.chapter_title, lang)} (`{rule.chapter}`)",
        f"- **{t('referentiel', lang)}**{colon(lang)}{_referentiel(rule.referentiel, lang)} — pack `{pack.id}` {pack.version}",
        f"- **{t('severity', lang)}**{colon(lang)}{severity(rule.severity, lang)} ({t('weight', lang).lower()} {number(rule.weight, lang)})",
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
        f"- {t('evidence', lang)}{colon(lang)}{evidence(rule.provenance.evidence, lang)} ({verified})",
        f"- {t('legal_basis', lang)}{colon(lang)}{legal_basis(rule.provenance.legal_basis, lang)}",
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
            lines.append(f"- {outcome(expected.outcome, lang)}{colon(lang)}`{expected.path}`")
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

    def rate(ratio: float | None) -> str:
        # rounded like every report, so that the figures agree
        return percent(pct(ratio), lang)

    def head(label: str, line: ScoreLine) -> str:
        rates = (
            f"{t('score', lang).lower()} {rate(line.ratio)}, "
            f"{t('completeness', lang).lower()} {rate(line.completeness_ratio)} — {status(line.status, lang)}"
        )
        if line.parts:
            return labelled(label, rates, lang)
        earned, decided, possible = (number(x, lang) for x in (line.earned, line.decided, line.possible))
        sep = ", " if lang == "en" else " ; "
        return labelled(
            label,
            f"{rates} (= {earned} ÷ {decided}{sep}{decided} ÷ {possible}{sep}{line.rules} {t('rules_label', lang)})",
            lang,
        )

    def parts(line: ScoreLine, names: dict[str, str]) -> list[str]:
        """How a composed rate is made: each part, its weight and its own rates."""
        total = sum(w for _, w, _, _ in line.parts) or 1.0
        return [
            f"    {t('weighting', lang).lower()} {names.get(name, name)} ×{number(w / total, lang, '.3f')}{colon(lang)}"
            f"{t('score', lang).lower()} {rate(conf)}, {t('completeness', lang).lower()} {rate(comp)}"
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
                        f"    {rule_id:<34} {label:<16} {number(earned, lang)}/{number(weight, lang)}  ({severity(f.severity, lang)})"
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
    for pack in sorted(packs, key=lambda p: (referentiel_rank(p.referentiel), p.id)):
        pack_rules = sorted((r for r in pack.rules if r.id in chosen), key=lambda r: natural_key(r.id))
        if not pack_rules:
            continue
        for r in pack_rules:
            total[r.provenance.evidence] += 1
        lines += [
            f"## {pack.title.get(lang)}",
            "",
            f"`{pack.id}` {pack.version} — {_referentiel(pack.referentiel, lang)} — {len(pack_rules)} "
            + ("règles" if fr else "rules"),
            "",
        ]
        used = {r.chapter: r.chapter_title for r in sorted(pack_rules, key=lambda r: chapter_key(r.chapter))}
        lines += [
            f"- `{key}`{colon(lang)}{_cell(chapter_label(chapter, lang))}" for key, chapter in used.items()
        ]
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
        f"{sum(total.values())}{colon(lang)}{summary}",
        "",
    ]
    return "\n".join(lines)
