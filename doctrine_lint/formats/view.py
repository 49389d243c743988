"""The view model of the four human presenters (text, terminal, Markdown, HTML).

`build(report, options)` turns a `linter.Report` into plain dataclasses: every text already in
the chosen language, numbers unformatted (for charts) next to their one formatted form, findings
grouped and ordered once. The presenters walk `SECTIONS` in order and only lay out, escape and
style what they are given, so their sections come in the same order with the same summaries.

Every text of the view is shown on one line with its control and bidirectional characters
visibly escaped (`safetext.prose`, applied once by `build` to the whole view): no presenter can
forget it, and a value with a newline cannot forge a line of the text report. Escaping for a
presenter's syntax (Markdown, HTML, rich markup) stays the presenter's job.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, fields, is_dataclass, replace
from datetime import date
from typing import Any, TypeVar, cast

from ..chapters import PLACEMENT_NOTE, Chapter, chapter_label
from ..declare import FactRequest, fact_requests
from ..i18n import (
    colon,
    evidence,
    labelled,
    long_date,
    number,
    outcome,
    percent,
    points,
    severity,
    status,
    t,
)
from ..labels import Labels, all_labels, label
from ..linter import ManifestResult, Report
from ..model import (
    Evidence,
    Finding,
    Outcome,
    Reference,
    ScoreLine,
    Severity,
    referentiel_rank,
    round_half_up,
)
from ..packs import Pack
from ..priorities import Priority, priorities
from ..safetext import prose
from ..scoring import REFERENTIEL_TITLES
from . import RenderOptions
from .json_report import pack_stamp

# The one order of a manifest's sections. The header is the verdict a person reads first: the
# service, its overall status and référentiel scores, the acceptance profile's verdict, and
# « À corriger en priorité » (`ManifestView.priorities`). Then the detail: the score table with
# its chapters, the profile's requirements, what to do (findings, facts to declare), why some
# failures do not count (dérogations, baseline), context (computed facts), the summary, and the
# provenance of official exports with their digests last.
SECTIONS: tuple[str, ...] = (
    "header",
    "scores",
    "profile",
    "findings",
    "facts_to_declare",
    "derogations",
    "baseline",
    "computed",
    "summary",
    "evidence",
)

# Findings a person is shown by default: new failures and waived ones.
SHOWN = (Outcome.NON_CONFORME, Outcome.A_RENSEIGNER, Outcome.DEROGATION)

WAIVER_STATES = {
    "applied": ("appliquée", "applied"),
    "expiring": ("appliquée, expire bientôt", "applied, expiring soon"),
    "expired": ("expirée, non appliquée", "expired, not applied"),
    "refused": ("refusée", "refused"),
    "unused": ("sans objet", "not used"),
    "ignored": ("ignorée (mode relecteur)", "ignored (reviewer mode)"),
}


@dataclass(frozen=True, slots=True)
class ScoreRow:
    """One score line: overall (level 0), référentiel (1) or chapter (2)."""

    level: int
    key: str
    label: str  # "Global", "Sécurité", "§6.1 Identification…"
    score: float | None  # to a tenth, rounded half up (never 100.0 unless exact), None when nothing applies
    percent: str  # `score` formatted once
    status: str | None  # slug, for styles
    status_label: str
    earned: float
    possible: float
    completeness: float | None = None  # rounded like score, None when nothing applies
    completeness_percent: str = ""
    rules: int = 0  # applicable rules of the group
    detail: str = ""  # "complétude 89,8 % · 27 règles, poids 63", formatted once
    weighting: str = ""  # how a référentiel or the overall rate is composed, formatted once
    weight: str = ""  # `possible` as people of the report's language write it ("405,25")
    bar_text: str = ""  # what a chart's bar says: "96,5 % · 253 règles", or why it has no score


@dataclass(frozen=True, slots=True)
class ReferentielScores:
    row: ScoreRow
    chapters: list[ScoreRow]


@dataclass(frozen=True, slots=True)
class ScoresView:
    overall: ScoreRow
    referentiels: list[ReferentielScores]

    def rows(self) -> list[ScoreRow]:
        """Overall, then each référentiel followed by its chapters."""
        out = [self.overall]
        for ref in self.referentiels:
            out += [ref.row, *ref.chapters]
        return out


@dataclass(frozen=True, slots=True)
class FindingView:
    """One occurrence: a rule's outcome, or one element of a list the rule walks."""

    rule_id: str
    rule_title: str | None  # None for the findings dérogations give of their own
    severity: Severity
    severity_label: str
    outcome: Outcome
    outcome_label: str
    message: str
    reason: str | None
    file: str
    line: int
    column: int
    path: str
    element: str | None  # the list element this occurrence is about
    keyed_path: str | None
    missing: tuple[str, ...]
    references: tuple[Reference, ...]
    known: bool
    proof: str | None = None  # the official export that decided it: tool, file, where

    @property
    def position(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"

    @property
    def where(self) -> str:
        """The occurrence's path, its element named by identity key when the pack gives one."""
        return self.keyed_path or self.path


@dataclass(frozen=True, slots=True)
class ChapterFindings:
    referentiel: str
    referentiel_title: str
    chapter: str
    chapter_title: str  # "" when the chapter has no score line (and so no title)
    findings: list[FindingView]
    label: str = ""  # the chapter for people (`chapters.chapter_label`), else its key


@dataclass(frozen=True, slots=True)
class ProfileCheckView:
    requirement: str
    expected: str
    actual: str
    ok: bool


@dataclass(frozen=True, slots=True)
class WaiverView:
    rule: str
    path: str | None
    state: str  # slug, for styles
    state_label: str
    note: str
    position: str
    approver: str | None
    granted: str | None  # dates as people of the report's language write them
    expires: str
    justification: str
    clause: str | None


@dataclass(frozen=True, slots=True)
class OtherScore:
    """The overall score under the other waiver policy, beside the one shown."""

    label: str  # "Score global sans dérogations"
    percent: str
    here: str  # "84,8 % ici"


@dataclass(frozen=True, slots=True)
class BaselineView:
    known: int
    known_label: str  # "3 constat(s) déjà connu(s), non repris"
    fixed_label: str  # "corrigé"
    fixed: list[tuple[str, str]]  # (rule id, path) of baseline entries no longer failing


@dataclass(frozen=True, slots=True)
class ComputedLine:
    label: str
    value: str
    text: str  # "label : value", with the separator of the report's language


@dataclass(frozen=True, slots=True)
class SummaryView:
    counts: list[tuple[Outcome, int, str]]  # (outcome, count, label) from the overall score
    text: str  # "161 conforme, 17 non conforme, …"
    evidence: list[tuple[Evidence, int, str]]  # rules of this report per evidence level
    evidence_text: str


@dataclass(frozen=True, slots=True)
class FactToDeclare:
    """One fact to declare, asked once however many rules wait for it: the missing block (the
    first absent key on the way) with the facts below it that the rules read, the rules it
    would let decide and their total weight, and where to add it."""

    path: str
    facts: list[str]
    rules: list[str]
    weight: float
    severity: Severity
    severity_label: str
    position: str  # file:line:col of the nearest declared ancestor, where to add it
    summary: str  # "débloque 6 règles, poids 17"
    rules_text: str  # the first rule ids, then "(+N)"
    facts_text: str  # the facts below the block the rules read ("" when the block is the fact)


@dataclass(frozen=True, slots=True)
class PriorityView:
    """One item of « À corriger en priorité »: a non-conformity to fix or a fact to declare,
    with what fixing it would gain, computed by re-scoring the manifest's findings with that
    item fixed (`priorities`), never estimated."""

    rank: int  # 1-based, in the order shown
    kind: str  # "non-conforme" or "a-renseigner" (slug, for styles)
    kind_label: str  # "Non conforme" / "À renseigner"
    title: str  # the rule's title, or the fact to declare (`format_path`)
    rules: list[str]  # rule ids this item decides (one for a non-conformity)
    severity: Severity
    severity_label: str
    blocking: bool  # fixing it lifts a bloquant failure (the verdict may change)
    file: str
    line: int
    column: int
    position: str  # "file:line:col": the line to change, or where to add the fact
    action: str  # what to do, in words: the finding's message, or « déclarer x.y »
    conformity_gain: float  # points of the overall conformity rate, rounded to a tenth
    completeness_gain: float  # points of the overall completeness rate, rounded to a tenth
    gain_text: str  # "+1,2 pt de conformité, +0,4 pt de complétude", formatted once
    verdict_after: str | None  # the overall status label after the fix, when it changes


@dataclass(frozen=True, slots=True)
class ManifestView:
    file: str
    source: str  # the file as loaded, for presenters that re-read it (HTML excerpts)
    sha256: str
    name: str | None  # the service's name, when the manifest gives one
    service: list[tuple[str, str, str]]  # (key, label, value): editor, version, description, url
    scores: ScoresView
    profile: list[ProfileCheckView]
    findings: list[ChapterFindings]
    to_declare: list[FactToDeclare]
    waivers: list[WaiverView]
    other_score: OtherScore | None
    baseline: BaselineView | None
    computed: list[ComputedLine]
    summary: SummaryView
    evidence: list[EvidenceView] = field(default_factory=list)
    decided_by: str | None = None  # how many findings rest on evidence, how many on the manifest's word
    priorities: list[PriorityView] = field(default_factory=list)  # « À corriger en priorité »
    verdict: str = ""  # « Verdict : partiellement conforme — conformité 94,6 %, complétude 95,6 % »
    profile_verdict: str | None = None  # « Profil d'acceptation : non tenu (2 exigences sur 7 non tenues) »

    @property
    def title(self) -> str:
        return self.name or self.file


@dataclass(frozen=True, slots=True)
class PackView:
    id: str
    version: str
    referentiel: str  # the référentiel's name (« Sécurité »), not its key
    doctrine_version: str
    sha256: str
    extends: list[tuple[str, str, str]]  # (id, version, sha256) of the packs it extends


@dataclass(frozen=True, slots=True)
class StampView:
    """What makes a report reproducible: tool, date, rules and packs with their digests."""

    tool_version: str
    date: str  # ISO, for machines (`<time datetime>`)
    rules_count: int
    rules_by_evidence: list[tuple[Evidence, int, str]]
    min_evidence: str | None
    derogations_ignored: bool
    packs: list[PackView]
    evidence_files: list[str] = field(default_factory=list)  # « manifeste : fichier (SHA-256 …) »
    config: str | None = None  # « pyproject.toml [tool.doctrine-lint] (fail-on, select) »
    day: str = ""  # the evaluation date as people write it (« 28 novembre 2026 »)


@dataclass(frozen=True, slots=True)
class ReportView:
    lang: str
    title: str  # "Rapport doctrine-lint"
    stamp: StampView
    errors: list[str]  # manifests that could not be read or validated
    manifests: list[ManifestView] = field(default_factory=list)
    placement: str = ""  # where doctrine §6.1's RGS, RGAA, RGI and RGPD are scored (`chapters`)


# --- building ----------------------------------------------------------------------------------


def _row(level: int, label: str, line: ScoreLine, lang: str, names: dict[str, str]) -> ScoreRow:
    complete = percent(line.completeness, lang)
    rules = (
        f"{line.rules} règle{'s' if line.rules > 1 else ''}, poids {number(line.possible, lang)}"
        if lang != "en"
        else f"{line.rules} rule{'s' if line.rules != 1 else ''}, weight {number(line.possible, lang)}"
    )
    detail = f"{t('completeness', lang).lower()} {complete} · {rules}"
    return ScoreRow(
        level,
        line.key,
        label,
        line.score,
        percent(line.score, lang),
        line.status,
        status(line.status, lang),
        line.earned,
        line.possible,
        line.completeness,
        complete,
        line.rules,
        detail,
        _weighting(line, lang, names),
        number(line.possible, lang),
        _bar_text(line, lang),
    )


def _bar_text(line: ScoreLine, lang: str) -> str:
    """A bar's label: the rate and the rules behind it, or why there is no rate, or why it is 0."""
    en = lang == "en"
    n, s = line.rules, "s" if line.rules != 1 else ""
    if not n:
        return "no applicable rule" if en else "aucune règle applicable"
    if line.score is None and not line.possible:  # only rules of no weight (info)
        return (
            f"no score: {n} rule{s} of no weight"
            if en
            else f"sans score : {n} règle{'s' if n > 1 else ''} sans poids"
        )
    if line.score is None:
        todo = line.counts.get(Outcome.A_RENSEIGNER.value, 0)
        plural = "s" if todo != 1 else ""
        if en:
            return f"nothing decided: {todo} rule{plural} to be declared"
        return f"rien de décidé : {todo} règle{'s' if todo > 1 else ''} à renseigner"
    if line.score == 0:
        failed = line.counts.get(Outcome.NON_CONFORME.value, 0)
        decided = failed + line.counts.get(Outcome.CONFORME.value, 0)
        decided += line.counts.get(Outcome.DEROGATION.value, 0)
        if en:
            return f"{percent(0, lang, '.0f')}: {failed} non-compliant rule{'s' if failed != 1 else ''} out of {decided} decided"
        fs = "s" if failed > 1 else ""
        return f"{percent(0, lang, '.0f')} : {failed} règle{fs} non conforme{fs} sur {decided} décidée{'s' if decided > 1 else ''}"
    rules = f"{n} rule{s}" if en else f"{n} règle{'s' if n > 1 else ''}"
    return f"{percent(line.score, lang)} · {rules}"


def _weighting(line: ScoreLine, lang: str, names: dict[str, str]) -> str:
    """ "doctrine 67 % · MonServiceSécurisé 33 %": the declared weights of a composed rate."""
    if len(line.parts) < 2:
        return ""
    total = sum(w for _, w, _, _ in line.parts) or 1.0
    shown = [
        f"{names.get(name, name)} {percent(round(100 * w / total), lang, '.0f')}"
        for name, w, _, _ in line.parts
    ]
    return labelled(t("weighting", lang), " · ".join(shown), lang)


def part_names(packs: list[Pack], lang: str) -> dict[str, str]:
    """How people call a catalogue pack in a weighting: the text its chapters come from
    ("MonServiceSécurisé", "RGESN 2024"), else its id."""
    names: dict[str, str] = {"doctrine": t("doctrine_part", lang)}
    for pack in packs:
        sources = {c.source.get(lang) for c in pack.chapters.values() if isinstance(c, Chapter) and c.source}
        names[pack.id] = sources.pop() if len(sources) == 1 else pack.id
    return names


def _scores(result: ManifestResult, lang: str, packs: dict[str, str]) -> ScoresView:
    s = result.scores
    # names of the weighted parts: the doctrine's rules, catalogue packs, référentiels
    names = {**packs, **{r.key: r.title.get(lang) for r in s.referentiels}}
    refs = [
        ReferentielScores(
            _row(1, ref.title.get(lang), ref, lang, names),
            [
                _row(2, chapter_label(c.title, lang), c, lang, names)
                for key, c in s.chapters
                if key == ref.key
            ],
        )
        for ref in s.referentiels
    ]
    return ScoresView(_row(0, t("overall", lang), s.overall, lang, names), refs)


def _finding(f: Finding, titles: dict[str, str], lang: str) -> FindingView:
    loc = f.location
    return FindingView(
        f.rule_id,
        titles.get(f.rule_id),
        f.severity,
        severity(f.severity, lang),
        f.outcome,
        outcome(f.outcome, lang),
        f.message.get(lang),
        f.reason.get(lang) if f.reason is not None else None,
        loc.file,
        loc.line,
        loc.column,
        f.path,
        f.element_text(lang),
        f.keyed_path,
        f.missing,
        f.references,
        f.known,
        _proof(f, lang),
    )


def _proof(f: Finding, lang: str) -> str | None:
    p = f.proof
    if p is None:
        return None
    return f"{p.tool.get(lang)}, {p.file}, {p.where.get(lang)}"


@dataclass(frozen=True, slots=True)
class EvidenceView:
    """One official export a manifest named: what it is, its digest, what it gave."""

    title: str  # « MonServiceSécurisé (export CSV des mesures) — preuves/mss.csv »
    lines: list[str]


def _evidence(result: ManifestResult, lang: str) -> tuple[list[EvidenceView], str | None]:
    from ..evidence import KINDS
    from .json_report import decided_by

    views = []
    for e in result.evidence:
        lines = [f"SHA-256{colon(lang)}{e.sha256}", f"{t('facts_read', lang)}{colon(lang)}{len(e.facts)}"]
        lines += [f"{key}{colon(lang)}{value}" for key, value in sorted(e.info.items())]
        for fig in e.figures:
            shown = [
                f"{t('recomputed', lang)} {_value(round_half_up(fig.recomputed, fig.digits), lang)}"
                if fig.recomputed is not None
                else None,
                f"{t('in_file', lang)} {_value(round_half_up(fig.in_file, fig.digits), lang)}"
                if fig.in_file is not None
                else None,
            ]
            lines.append(f"{fig.title.get(lang)}{colon(lang)}{', '.join(x for x in shown if x) or '—'}")
        views.append(EvidenceView(f"{KINDS[e.kind].get(lang)} — {e.file}", lines))
    if not result.evidence:
        return views, None
    counts = decided_by(result)
    summary = (
        f"{t('decided_by_proof', lang).capitalize()}{colon(lang)}{counts['evidence']} ; "
        f"{t('decided_by_declaration', lang)}{colon(lang)}{counts['declaration']}"
        if lang != "en"
        else f"{t('decided_by_proof', lang).capitalize()}: {counts['evidence']}; "
        f"{t('decided_by_declaration', lang)}: {counts['declaration']}"
    )
    return views, summary


def _group_order(result: ManifestResult) -> dict[tuple[str, str], int]:
    """Chapters in the order of the score table (référentiels in their usual order)."""
    order: dict[tuple[str, str], int] = {}
    for ref in result.scores.referentiels:
        for key, chap in result.scores.chapters:
            if key == ref.key:
                order[(key, chap.key)] = len(order)
    return order


def _findings(
    result: ManifestResult, titles: dict[str, str], opts: RenderOptions
) -> tuple[list[ChapterFindings], list[FactToDeclare]]:
    """Findings to list, grouped by chapter in score-table order, and the facts to declare.

    Shown: new failures and waived findings (everything with show_all). Failures already in the
    --baseline are counted in its section, not repeated. Facts to declare are listed apart,
    unless everything is shown."""
    lang = opts.lang
    order = _group_order(result)
    visible = [f for f in result.findings if opts.show_all or (f.outcome in SHOWN and not f.known)]
    # a stable sort: within a chapter, the engine's order (rule, then element) stays
    visible.sort(key=lambda f: order.get((f.referentiel, f.chapter), len(order)))
    groups: dict[tuple[str, str], list[FindingView]] = {}
    for f in visible:
        if f.outcome is Outcome.A_RENSEIGNER and not opts.show_all:
            continue  # asked once, by fact, in the facts to declare
        groups.setdefault((f.referentiel, f.chapter), []).append(_finding(f, titles, lang))
    todo = facts_to_declare(result, lang)
    scores = result.scores
    chapters = []
    for (ref, chapter), items in groups.items():
        ref_line, chap_line = scores.referentiel(ref), scores.chapter(ref, chapter)
        chapters.append(
            ChapterFindings(
                ref,
                ref_line.title.get(lang) if ref_line else ref,
                chapter,
                chap_line.title.get(lang) if chap_line else "",
                items,
                chapter_label(chap_line.title, lang) if chap_line else chapter,
            )
        )
    return chapters, todo


def _first(items: list[str], n: int) -> str:
    shown = ", ".join(items[:n])
    return shown + (f" (+{len(items) - n})" if len(items) > n else "")


def facts_to_declare(result: ManifestResult, lang: str) -> list[FactToDeclare]:
    """Every fact the new *à renseigner* findings wait for, asked once (`declare.fact_requests`),
    ranked by the weight of the rules it would let decide (then severity, then path)."""
    return [_fact_view(r, lang) for r in fact_requests(result.findings, result.document.data)]


def _fact_view(request: FactRequest, lang: str) -> FactToDeclare:
    weight = request.weight
    n = len(request.rules)
    summary = (
        f"débloque {n} règle{'s' if n > 1 else ''}, poids {number(weight, lang)}"
        if lang != "en"
        else f"unblocks {n} rule{'s' if n > 1 else ''}, weight {number(weight, lang)}"
    )
    loc = request.location
    rules = list(request.rules)
    return FactToDeclare(
        request.path,
        list(request.facts),
        rules,
        weight,
        request.severity,
        severity(request.severity, lang),
        f"{loc.file}:{loc.line}:{loc.column}",
        summary,
        _first(rules, 6),
        _first(list(request.facts), 4),
    )


def _value(value: object, lang: str, labels: Labels | None = None) -> str:
    if isinstance(value, bool):
        return ("oui" if value else "non") if lang == "fr" else ("yes" if value else "no")
    if isinstance(value, float | int):
        return number(value, lang)
    if isinstance(value, date):
        return long_date(value, lang)
    # a computed fact's value is named by its pack (`labels`), else like the manifest's values
    # (« avancé » for `avance`)
    return label(value, lang, labels) or label(value, lang, all_labels()) or str(value)


def _computed_line(label: str, value: str, lang: str) -> ComputedLine:
    return ComputedLine(label, value, labelled(label, value, lang))


def _computed(result: ManifestResult, lang: str) -> list[ComputedLine]:
    """Derived facts and metrics ("à renseigner" and what is missing when a fact is undecided)."""
    lines = []
    for fact in result.derived.facts.values():
        if fact.value is None and fact.missing:
            shown = f"{t('undecided', lang)} ({', '.join(dict.fromkeys(m for _, m in fact.missing))})"
        else:
            shown = "—" if fact.value is None else _value(fact.value, lang, fact.labels)
        lines.append(_computed_line(fact.title.get(lang), shown, lang))
    for metric in result.metrics:
        value = "—" if metric.value is None else _value(metric.value, lang)
        lines.append(
            _computed_line(
                metric.title.get(lang),
                f"{value} ({metric.counted} {t(_counted(metric.counted, lang), lang)})",
                lang,
            )
        )
    return lines


def _waivers(result: ManifestResult, lang: str) -> tuple[list[WaiverView], OtherScore | None]:
    en = lang == "en"
    items = []
    for s in result.waivers:
        w = s.waiver
        items.append(
            WaiverView(
                w.rule,
                w.path,
                s.state,
                WAIVER_STATES[s.state][1 if en else 0],
                s.note.get(lang),
                f"{w.location.file}:{w.location.line}:{w.location.column}",
                w.approver,
                long_date(w.granted, lang) if w.granted else None,
                long_date(w.expires, lang),
                w.justification,
                w.clause,
            )
        )
    other = result.scores_other
    if other is None:
        return items, None
    with_them = any(s.state == "ignored" for s in result.waivers)  # reviewer mode
    if en:
        label = "Overall score with dérogations" if with_them else "Overall score without dérogations"
    else:
        label = "Score global avec dérogations" if with_them else "Score global sans dérogations"
    here = f"{percent(result.scores.overall.score, lang)} {'here' if en else 'ici'}"
    return items, OtherScore(label, percent(other.overall.score, lang), here)


def _baseline(result: ManifestResult, lang: str) -> BaselineView | None:
    known = sum(1 for f in result.findings if f.known)
    if not known and not result.fixed:
        return None
    en = lang == "en"
    return BaselineView(
        known,
        f"{known} {'known finding(s) not repeated' if en else 'constat(s) déjà connu(s), non repris'}",
        "fixed" if en else "corrigé",
        [(str(item.get("rule_id")), str(item.get("path"))) for item in result.fixed],
    )


def _rules_by_evidence(pairs: list[tuple[str, Evidence]], lang: str) -> list[tuple[Evidence, int, str]]:
    return [(e, sum(1 for _, ev in pairs if ev is e), evidence(e, lang)) for e in Evidence]


def _summary(result: ManifestResult, lang: str) -> SummaryView:
    counts = result.scores.overall.counts
    shown = [
        (o, counts[o.value], outcome(o, lang))
        for o in Outcome
        if o is not Outcome.DEROGATION or counts[o.value]
    ]
    # rules, not occurrences: a rule that fails on three elements is one rule of its source
    rules = list({f.rule_id: f.evidence for f in result.findings}.items())
    by_evidence = _rules_by_evidence(rules, lang)
    return SummaryView(
        shown,
        ", ".join(f"{n} {label}" for _, n, label in shown),
        by_evidence,
        labelled(
            t("rules_by_evidence", lang), ", ".join(f"{n} {label}" for _, n, label in by_evidence), lang
        ),
    )


def _service(result: ManifestResult, lang: str) -> tuple[str | None, list[tuple[str, str, str]]]:
    data = result.document.data
    service: Any = data.get("service") if isinstance(data, dict) else None
    if not isinstance(service, dict):
        return None, []
    facts = [
        (key, t(key, lang) if key != "url" else "URL", str(service[key]))
        for key in ("editor", "version", "description", "url")
        if service.get(key)
    ]
    name = service.get("name")
    return (str(name) if name else None), facts


def manifest_view(
    result: ManifestResult,
    titles: dict[str, str],
    opts: RenderOptions,
    parts: dict[str, str] | None = None,
    packs: Sequence[Pack] | None = None,
) -> ManifestView:
    """One manifest's view; with `packs` (those of the lint) its « À corriger en priorité »."""
    lang = opts.lang
    name, service = _service(result, lang)
    chapters, todo = _findings(result, titles, opts)
    waivers, other = _waivers(result, lang)
    evidence_views, decided = _evidence(result, lang)
    scores = _scores(result, lang, parts or {"doctrine": t("doctrine_part", lang)})
    return ManifestView(
        file=result.file,
        source=result.document.file,
        sha256=result.sha256,
        name=name,
        service=service,
        scores=scores,
        profile=[
            ProfileCheckView(c.requirement.get(lang), c.expected.get(lang), c.actual.get(lang), c.ok)
            for c in result.profile
        ],
        findings=chapters,
        to_declare=todo,
        waivers=waivers,
        other_score=other,
        baseline=_baseline(result, lang),
        computed=_computed(result, lang),
        summary=_summary(result, lang),
        evidence=evidence_views,
        decided_by=decided,
        priorities=_priorities(result, packs, titles, lang) if packs is not None else [],
        verdict=labelled(
            t("verdict", lang), f"{scores.overall.status_label} — {rates_text(scores.overall, lang)}", lang
        ),
        profile_verdict=_profile_verdict(result, lang),
    )


def rates_text(row: ScoreRow, lang: str) -> str:
    """ "conformité 94,6 %, complétude 95,6 %": a score line's two rates, for a verdict."""
    return f"{t('score', lang).lower()} {row.percent}, {t('completeness', lang).lower()} {row.completeness_percent}"


def _profile_verdict(result: ManifestResult, lang: str) -> str | None:
    """The acceptance profile's verdict on one line: held, or how many requirements are not."""
    if not result.profile:
        return None
    total = len(result.profile)
    unmet = sum(1 for c in result.profile if not c.ok)
    if lang == "en":
        shown = (
            f"met ({total} of {total} requirement{'s' if total != 1 else ''})"
            if not unmet
            else f"not met ({unmet} of {total} requirement{'s' if total != 1 else ''} not met)"
        )
    else:
        shown = (
            f"tenu ({total} exigence{'s' if total > 1 else ''} sur {total})"
            if not unmet
            else f"non tenu ({unmet} exigence{'s' if unmet > 1 else ''} sur {total} "
            f"non tenue{'s' if unmet > 1 else ''})"
        )
    return labelled(t("profile_verdict", lang), shown, lang)


# How many items of « À corriger en priorité » the text, terminal and Markdown reports show; the
# others are in the findings and facts to declare (`more_priorities`).
PRIORITIES_SHOWN = 10


def more_priorities(m: ManifestView, lang: str) -> str | None:
    """ "et 9 autres : voir « Constats » et « Faits à déclarer »" when some items are not shown."""
    rest = len(m.priorities) - PRIORITIES_SHOWN
    if rest <= 0:
        return None
    if lang == "en":
        return f"and {rest} more: see “{t('findings', lang)}” and “{t('facts_to_declare', lang)}”"
    return f"et {rest} autre{'s' if rest > 1 else ''} : voir « {t('findings', lang)} » et « {t('facts_to_declare', lang)} »"


def _points(gain: float, what: str, lang: str) -> str:
    """ "+1,2 pt de conformité" / "+1.2 pts conformity"."""
    return f"{points(gain, lang)} {what}" if lang == "en" else f"{points(gain, lang)} de {what}"


def _gain_text(item: Priority, lang: str) -> str:
    shown = [
        _points(gain, t(key, lang).lower(), lang)
        for gain, key in ((item.conformity_gain, "score"), (item.completeness_gain, "completeness"))
        if gain
    ]
    if item.before.conformity is None and item.after.conformity is not None:
        # the first decided rules give the rate its first value: shown as such, not as points
        shown.insert(0, f"{t('score', lang).lower()} — → {percent(item.after.conformity, lang)}")
    if item.blocking:
        shown.insert(0, t("lifts_blocking", lang))
    text = ", ".join(shown) or t("no_gain", lang)
    # a fact to declare is re-scored as if its value were compliant: its best case
    return text + (f" {t('if_compliant', lang)}" if item.kind is Outcome.A_RENSEIGNER else "")


def _action(item: Priority, lang: str) -> str:
    if item.request is not None:
        n = len(item.rules)
        unlocks = (
            f"unblocks {n} rule{'s' if n > 1 else ''}"
            if lang == "en"
            else f"débloque {n} règle{'s' if n > 1 else ''}"
        )
        facts = f"{colon(lang)}{_first(list(item.request.facts), 3)}" if item.request.facts else ""
        return f"{t('declare', lang)} {item.request.path}{facts} ({unlocks})"
    others = len(item.fixes) - 1
    text = item.finding.message.get(lang)
    if others:
        text += (
            f" (and {others} other occurrence{'s' if others > 1 else ''})"
            if lang == "en"
            else f" (et {others} autre{'s' if others > 1 else ''} occurrence{'s' if others > 1 else ''})"
        )
    return text


def _priorities(
    result: ManifestResult, packs: Sequence[Pack], titles: dict[str, str], lang: str
) -> list[PriorityView]:
    out = []
    for rank, item in enumerate(priorities(result, packs), 1):
        loc = item.location
        out.append(
            PriorityView(
                rank,
                item.kind.value,
                outcome(item.kind, lang).capitalize(),
                item.request.path if item.request is not None else titles.get(item.rules[0], item.rules[0]),
                list(item.rules),
                item.severity,
                severity(item.severity, lang),
                item.blocking,
                loc.file,
                loc.line,
                loc.column,
                f"{loc.file}:{loc.line}:{loc.column}",
                _action(item, lang),
                item.conformity_gain,
                item.completeness_gain,
                _gain_text(item, lang),
                status(item.after.status, lang) if item.verdict_changes else None,
            )
        )
    return out


def _stamp(report: Report, lang: str) -> StampView:
    packs = []
    for pack in sorted(report.packs, key=lambda p: (referentiel_rank(p.referentiel), p.id)):
        s: dict[str, Any] = pack_stamp(pack)
        packs.append(
            PackView(
                s["id"],
                s["version"],
                REFERENTIEL_TITLES[pack.referentiel].get(lang)
                if pack.referentiel in REFERENTIEL_TITLES
                else pack.referentiel,
                s["doctrine_version"],
                s["sha256"],
                [(b["id"], b["version"], b["sha256"]) for b in s["extends"]],
            )
        )
    return StampView(
        report.tool_version,
        report.today.isoformat(),
        len(report.rules),
        _rules_by_evidence([(r.id, r.provenance.evidence) for r in report.rules], lang),
        report.min_evidence,
        report.derogations_ignored,
        packs,
        [f"{r.file} : {e.file} (SHA-256 {e.sha256})" for r in report.results for e in r.evidence],
        _config(report),
        long_date(report.today, lang),
    )


def _config(report: Report) -> str | None:
    """The configuration file in force and the keys it gave (the JSON stamp has their values)."""
    if report.config is None:
        return None
    keys = ", ".join(report.config.values)
    return report.config.describe() + (f" ({keys})" if keys else "")


def manifest_viewer(report: Report, opts: RenderOptions) -> Callable[[ManifestResult], ManifestView]:
    """The view of one result at a time, made safe to show, as `build` makes it: for the
    presenters that write a batch as it is linted (`report` gives the rules and packs). Under
    `--quiet` nothing shows the priorities: they are not computed (each re-scores the manifest)."""
    lang = "en" if opts.lang == "en" else "fr"
    packs = None if opts.quiet else report.packs
    opts = RenderOptions(lang=lang, show_all=opts.show_all)
    titles = {r.id: r.title.get(lang) for r in report.rules}
    parts = part_names(report.packs, lang)
    return lambda result: shown(manifest_view(result, titles, opts, parts, packs))


def build(report: Report, opts: RenderOptions) -> ReportView:
    """The view of a whole report, in `opts.lang` (French unless English is asked for), every
    text of it made safe to show (`shown`)."""
    lang = "en" if opts.lang == "en" else "fr"
    opts = RenderOptions(lang=lang, show_all=opts.show_all)
    titles = {r.id: r.title.get(lang) for r in report.rules}
    parts = part_names(report.packs, lang)
    view = ReportView(
        lang,
        t("report_title", lang),
        _stamp(report, lang),
        [p.render(lang) for p in report.errors],
        [manifest_view(r, titles, opts, parts, report.packs) for r in report.results],
        PLACEMENT_NOTE.get(lang),
    )
    return shown(view)


# fields that are not shown but used: the manifest's path, for presenters that re-read it
_NOT_SHOWN = frozenset({"source"})

_V = TypeVar("_V")


_SHOWN_FIELDS: dict[type, tuple[str, ...]] = {}  # per class: the fields `shown` walks


def shown(value: _V) -> _V:
    """`value` with every string in it (in dataclasses, lists and tuples, however deep) on one
    line with its control and bidirectional characters visibly escaped (`safetext.prose`)."""
    kind = type(value)
    out: Any = value  # unchanged unless a string in it had to be made safe: no copy then
    if kind is str:  # exactly: the str enums (outcomes, severities…) are kept as they are
        out = prose(cast(str, value))
    elif kind is list or kind is tuple:
        items = cast(list[Any] | tuple[Any, ...], value)
        safe = [shown(v) for v in items]
        if any(a is not b for a, b in zip(safe, items, strict=True)):
            out = safe if kind is list else tuple(safe)
    else:
        names = _SHOWN_FIELDS.get(kind)
        if names is None:
            is_instance = is_dataclass(value) and not isinstance(value, type)
            names = (
                tuple(f.name for f in fields(cast(Any, value)) if f.name not in _NOT_SHOWN)
                if is_instance
                else ()
            )
            _SHOWN_FIELDS[kind] = names
        changed = {n: v for n in names if (v := shown(old := getattr(value, n))) is not old}
        if changed:
            out = replace(cast(Any, value), **changed)
    return cast(_V, out)


def _counted(n: int, lang: str) -> str:
    """French puts 0 and 1 in the singular (« 0 mesure comptée »), English only 1."""
    return "measure" if (n <= 1 if lang != "en" else n == 1) else "measures"
