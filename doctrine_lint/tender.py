"""Tender mode: a manifest read as the specification of a tender (CCTP), not as a service.

A fact the specification declares is a requirement it places on the bidders; a fact it leaves
out is a requirement it does not yet make. So each rule that may apply to the kind of service
is, for the specification:

- **couverte** (conforme): the specification already asks what the doctrine asks;
- **contraire** (non conforme): it asks something the doctrine rules out — a clause to correct,
  located in the specification;
- **à ajouter** (à renseigner): it says nothing — a clause to add;
- **hors champ** (non applicable).

The headline is the specification's completeness against the doctrine (the completeness rate of
the lint: the weight of decided rules over the weight of applicable ones), never a conformity
score: facts only the future supplier knows are not the buyer's failure.

From this analysis: a Markdown annex of clauses ready to paste into the CCTP (the rules' own
texts, sources and how sure we are of them; the catalogue packs — MonServiceSécurisé measures,
RGESN criteria — as one clause each), the questionnaire for bidders (`init`'s commented manifest
for the kind, each fact the specification fixes annotated with what it demands) and an
acceptance profile (the rules the specification covers, plus every applicable bloquant rule,
which the doctrine or the law makes mandatory whatever the specification says). No click here.
"""

from __future__ import annotations

import json
import re
import textwrap
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from . import __version__
from .chapters import chapter_label
from .i18n import evidence as evidence_name
from .i18n import long_date, percent
from .labels import label_at
from .linter import ManifestResult
from .model import Evidence, Finding, Outcome, Severity, Text, finding_order
from .packs import Pack, Rule, all_rules
from .profiles import Profile
from .reads import condition_paths, normalise
from .safetext import prose
from .scoring import rule_outcomes
from .template import KIND_PATH, kinds, render


class Status(StrEnum):
    COUVERTE = "couverte"
    CONTRAIRE = "contraire"
    A_AJOUTER = "a-ajouter"
    HORS_CHAMP = "hors-champ"


_FROM_OUTCOME = {
    Outcome.CONFORME: Status.COUVERTE,
    # the specification waives a doctrine requirement: it does not make it (read without its
    # dérogations, `analyse` sees the failure itself; this is the safety net)
    Outcome.DEROGATION: Status.CONTRAIRE,
    Outcome.NON_CONFORME: Status.CONTRAIRE,
    Outcome.A_RENSEIGNER: Status.A_AJOUTER,
    Outcome.NON_APPLICABLE: Status.HORS_CHAMP,
}

# what a clause is in a tender, by the rule's severity
CLAUSE_KIND = {
    Severity.BLOQUANT: Text("exigence éliminatoire", "eliminatory requirement"),
    Severity.MAJEUR: Text("exigence", "requirement"),
    Severity.MINEUR: Text("recommandation", "recommendation"),
    Severity.INFO: Text("information", "information"),
}
# a letter per référentiel for the articles of the annex
ARTICLE_LETTER = {"interoperabilite": "I", "securite": "S", "numerique-responsable": "N"}


@dataclass(frozen=True, slots=True)
class Clause:
    """One rule of a doctrine pack, as the specification stands against it."""

    rule: Rule
    status: Status
    findings: tuple[Finding, ...]

    @property
    def facts(self) -> tuple[str, ...]:
        """The facts a bidder must declare for the rule to be decided."""
        return tuple(dict.fromkeys(fact for f in self.findings for fact in f.missing))


@dataclass(frozen=True, slots=True)
class Catalogue:
    """A catalogue pack (MonServiceSécurisé measures, RGESN criteria) as one clause."""

    pack: Pack
    counts: dict[Status, int]
    facts: tuple[str, ...]  # the blocks the bidders fill (security.measures, ecodesign.criteria)


@dataclass
class Analysis:
    result: ManifestResult
    kind: str
    packs: list[Pack]
    clauses: list[Clause] = field(default_factory=list)
    catalogues: list[Catalogue] = field(default_factory=list)

    @property
    def name(self) -> str:
        service = self.result.document.data.get("service") or {}
        return str(service.get("name") or self.result.file)

    def of(self, status: Status) -> list[Clause]:
        return [c for c in self.clauses if c.status is status]

    def counts(self) -> dict[Status, int]:
        """The doctrine packs' rules by status (the catalogues are counted apart)."""
        return {s: len(self.of(s)) for s in Status}


def _catalogue_line(catalogue: Catalogue, lang: str) -> str:
    applicable = sum(catalogue.counts.values()) - catalogue.counts[Status.HORS_CHAMP]
    title = catalogue.pack.title.get(lang)
    if lang == "en":
        return (
            f"{title}: {applicable} apply, {catalogue.counts[Status.COUVERTE]} covered, "
            f"{catalogue.counts[Status.CONTRAIRE]} ruled out, {catalogue.counts[Status.A_AJOUTER]} open"
        )
    return (
        f"{title} : {applicable} s'appliquent, {catalogue.counts[Status.COUVERTE]} couvertes, "
        f"{catalogue.counts[Status.CONTRAIRE]} écartées, {catalogue.counts[Status.A_AJOUTER]} ouvertes"
    )


class TenderError(ValueError):
    """The specification cannot be read as a tender (no kind of service)."""


def analyse(result: ManifestResult, packs: Sequence[Pack]) -> Analysis:
    """The specification `result` (a lint of the CCTP's manifest) against the doctrine."""
    service = result.document.data.get("service") or {}
    kind = service.get("kind") if isinstance(service, dict) else None
    if kind not in kinds():
        raise TenderError(kind)
    analysis = Analysis(result, str(kind), list(packs))
    outcomes = rule_outcomes(result.findings)
    by_rule: dict[str, list[Finding]] = {}
    for f in result.findings:
        by_rule.setdefault(f.rule_id, []).append(f)
    rules = sorted(all_rules(packs), key=lambda r: finding_order(r.referentiel, r.chapter, r.id))
    catalogue_packs = {p.id: p for p in packs if p.score_share is not None}
    per_catalogue: dict[str, dict[Status, int]] = {pid: dict.fromkeys(Status, 0) for pid in catalogue_packs}
    facts: dict[str, dict[str, int]] = {pid: {} for pid in catalogue_packs}
    for rule in rules:
        outcome = outcomes.get(rule.id)
        if outcome is None:  # left out by the selection
            continue
        status = _FROM_OUTCOME[outcome]
        found = tuple(by_rule.get(rule.id, ()))
        if rule.pack_id in catalogue_packs:
            per_catalogue[rule.pack_id][status] += 1
            for f in found:
                for fact in f.missing:
                    block = _block(fact)
                    facts[rule.pack_id][block] = facts[rule.pack_id].get(block, 0) + 1
            continue
        analysis.clauses.append(Clause(rule, status, found))
    for pid, pack in catalogue_packs.items():
        if sum(per_catalogue[pid].values()) - per_catalogue[pid][Status.HORS_CHAMP]:
            # where the catalogue's checks read (the measures' statuses) first, then the other
            # facts its rules wait for (those that decide which measures apply: the level facts)
            main = _checked_block([r for r in rules if r.pack_id == pid])
            others = sorted((b for b in facts[pid] if b != main), key=lambda b: (-facts[pid][b], b))
            analysis.catalogues.append(
                Catalogue(pack, per_catalogue[pid], (main, *others) if main else tuple(others))
            )
    return analysis


def _checked_block(rules: Sequence[Rule]) -> str | None:
    """The block most of `rules`' checks read: `security.measures` for the MSS measures."""
    counts: dict[str, int] = {}
    for rule in rules:
        for path in set(condition_paths(rule.raw_check)):  # a map keyed by measure: its own path
            counts[path] = counts.get(path, 0) + 1
    return max(sorted(counts), key=lambda b: counts[b]) if counts else None


def _block(fact: str) -> str:
    """The block a catalogue's fact belongs to: `security.measures["ADMIN.1"].status` →
    `security.measures`."""
    return fact.split("[", 1)[0] if "[" in fact else fact.rsplit(".", 1)[0]


# --- the annex -------------------------------------------------------------------------------------


def _sure(rule: Rule, lang: str) -> str:
    level = evidence_name(rule.provenance.evidence, lang)
    unsure = (
        rule.provenance.evidence in (Evidence.SECONDAIRE, Evidence.INFERENCE) or not rule.provenance.verified
    )
    if unsure:
        return f"{level} — {'to be checked' if lang == 'en' else 'à vérifier'}"
    return level


def _source(rule: Rule, lang: str) -> str:
    parts = []
    for ref in rule.references[:2]:
        label = ref.title or ref.url
        if ref.section:
            label = f"{label}, {ref.section}" if ref.title else f"§{ref.section}"
        parts.append(f"[{_md(label)}](<{ref.url}>)")
    return ", ".join(parts)


def _md(text: str) -> str:
    """Text from the specification (a name, a value) inside Markdown prose: no markup, no HTML,
    no entity, no line break, no control character."""
    text = prose(" ".join(str(text).split()))
    return re.sub(r"([\\`*_{}\[\]<>()#+!|~&])", r"\\\1", text)


def _cell(text: str) -> str:
    return _prose(text).replace("|", "\\|")


def _prose(text: str) -> str:
    """A rule's text (the packs write Markdown: `code`, **bold**) on one line, its Markdown kept
    and any HTML neutralised, so that the annex renders as the pack's authors wrote it."""
    return " ".join(str(text).split()).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _code(text: str) -> str:
    """Untrusted text as inline code: one line, printable, no backtick to close the span."""
    return "`" + prose(" ".join(str(text).split())).replace("`", "'") + "`"


def _headline(analysis: Analysis, lang: str) -> list[str]:
    en = lang == "en"
    scores = analysis.result.scores
    counts = analysis.counts()
    refs = ", ".join(
        f"{line.title.get(lang).lower() if not en else line.title.get(lang)} {percent(line.completeness, lang)}"
        for line in scores.referentiels
    )
    if en:
        return [
            f"**Completeness of the specification: {percent(scores.overall.completeness, lang)}** of the doctrine's "
            f"applicable requirements are already expressed ({refs}).",
            "",
            f"Doctrine: {counts[Status.A_AJOUTER]} requirements to add, {counts[Status.CONTRAIRE]} to correct, "
            f"{counts[Status.COUVERTE]} already covered, {counts[Status.HORS_CHAMP]} outside this kind of service.",
            *(f"- {_prose(_catalogue_line(c, lang))}." for c in analysis.catalogues),
        ]
    return [
        f"**Complétude du cahier des charges : {percent(scores.overall.completeness, lang)}** des exigences "
        f"applicables de la doctrine y sont déjà exprimées ({refs}).",
        "",
        f"Doctrine : {counts[Status.A_AJOUTER]} exigences à ajouter, {counts[Status.CONTRAIRE]} à corriger, "
        f"{counts[Status.COUVERTE]} déjà couvertes, {counts[Status.HORS_CHAMP]} hors du champ de ce type de service.",
        "",
        *(f"- {_prose(_catalogue_line(c, lang))}." for c in analysis.catalogues),
    ]


def annex(analysis: Analysis, lang: str = "fr", today: date | None = None) -> str:
    """The Markdown annex: clauses to correct, clauses to add (grouped by référentiel and
    chapter, numbered), the catalogues, then what the specification already covers."""
    en = lang == "en"
    day = today or date.today()
    packs = ", ".join(f"{p.id} {p.version}" for p in analysis.packs)
    kind = _kind_label(analysis.kind, lang)
    lines = [
        "# Annex to the specification — requirements of the French education digital doctrine"
        if en
        else "# Annexe au CCTP — exigences de la doctrine technique du numérique pour l'éducation",
        "",
        (
            f"Specification: **{_md(analysis.name)}** ({_code(analysis.result.file)}), kind of service: {kind}. "
            f"Written by doctrine-lint {__version__} on {long_date(day, lang)} with the packs {packs}."
            if en
            else f"Cahier des charges : **{_md(analysis.name)}** ({_code(analysis.result.file)}), type de service : "
            f"{kind}. Établie par doctrine-lint {__version__} le {long_date(day, lang)} avec les packs {packs}."
        ),
        "",
        *_headline(analysis, lang),
        "",
        (
            "Each clause restates a rule of the doctrine's référentiels in doctrine-lint's own words, with its "
            "source and how sure we are of it; a clause whose source was not read in an official text says "
            "« to be checked ». Eliminatory requirements come from bloquant rules (the doctrine or the law "
            "makes them mandatory)."
            if en
            else "Chaque clause reprend une règle des référentiels de la doctrine, dans les mots de doctrine-lint, "
            "avec sa source et le degré de certitude ; une clause dont la source n'a pas été lue dans un texte "
            "officiel porte la mention « à vérifier ». Les exigences éliminatoires viennent des règles "
            "bloquantes (la doctrine ou la loi les rendent obligatoires)."
        ),
    ]
    contrary = analysis.of(Status.CONTRAIRE)
    if contrary:
        lines += ["", "## Clauses to correct" if en else "## Clauses à corriger", ""]
        lines.append(
            "The specification asks for something the doctrine rules out:"
            if en
            else "Le cahier des charges demande ce que la doctrine écarte :"
        )
        for clause in contrary:
            rule = clause.rule
            lines += ["", f"### {rule.id} — {_prose(rule.title.get(lang))}", ""]
            for f in clause.findings:
                if f.outcome is not Outcome.NON_CONFORME:
                    continue
                where = f"{f.location.file}:{f.location.line}:{f.location.column}"
                lines.append(f"- {_md(f.message.get(lang))} ({_code(where)})")
            lines += _clause_body(rule, (), lang)
    lines += ["", "## Clauses to add" if en else "## Clauses à ajouter"]
    numbers: dict[str, int] = {}
    current: tuple[str, str] | None = None
    for clause in analysis.of(Status.A_AJOUTER):
        rule = clause.rule
        if (rule.referentiel, rule.chapter) != current:
            if current is None or current[0] != rule.referentiel:
                ref_line = analysis.result.scores.referentiel(rule.referentiel)
                lines += ["", f"### {ref_line.title.get(lang) if ref_line else rule.referentiel}"]
            current = (rule.referentiel, rule.chapter)
            lines += ["", f"#### {_prose(chapter_label(rule.chapter_title, lang))}"]
        letter = ARTICLE_LETTER.get(rule.referentiel, "X")
        numbers[letter] = numbers.get(letter, 0) + 1
        kind_of = CLAUSE_KIND[rule.severity].get(lang)
        lines += [
            "",
            f"**Article {letter}-{numbers[letter]} ({rule.id}) — {kind_of}.** {_prose(rule.title.get(lang))}.",
        ]
        lines += _clause_body(rule, clause.facts, lang)
    if analysis.catalogues:
        lines += ["", "### Catalogues of measures" if en else "### Catalogues de mesures"]
        for catalogue in analysis.catalogues:
            applicable = sum(catalogue.counts.values()) - catalogue.counts[Status.HORS_CHAMP]
            main = _code(catalogue.facts[0]) if catalogue.facts else "—"
            deciding = ", ".join(_code(b) for b in catalogue.facts[1:])
            lines += [
                "",
                f"**{_prose(catalogue.pack.title.get(lang))}** — "
                + (
                    f"{applicable} requirements of this catalogue apply to this service; the specification covers "
                    f"{catalogue.counts[Status.COUVERTE]}, rules out {catalogue.counts[Status.CONTRAIRE]} and leaves "
                    f"{catalogue.counts[Status.A_AJOUTER]} open. Each bidder declares the status of each in {main}"
                    + (f", and the facts that decide which apply: {deciding}." if deciding else ".")
                    if en
                    else f"{applicable} exigences de ce catalogue s'appliquent à ce service ; le cahier des charges en "
                    f"couvre {catalogue.counts[Status.COUVERTE]}, en écarte {catalogue.counts[Status.CONTRAIRE]} et en "
                    f"laisse {catalogue.counts[Status.A_AJOUTER]} ouvertes. Chaque candidat déclare le statut de "
                    f"chacune dans {main}"
                    + (
                        f", ainsi que les faits qui décident de celles qui s'appliquent : {deciding}."
                        if deciding
                        else "."
                    )
                ),
            ]
            if catalogue.pack.url:
                lines += ["", f"Source{':' if en else ' :'} <{catalogue.pack.url}>"]
    covered = analysis.of(Status.COUVERTE)
    lines += [
        "",
        "## Already covered by the specification" if en else "## Déjà couvert par le cahier des charges",
        "",
    ]
    if covered:
        lines += [
            "| Rule | Requirement |" if en else "| Règle | Exigence |",
            "|---|---|",
            *(f"| {c.rule.id} | {_cell(c.rule.title.get(lang))} |" for c in covered),
        ]
    else:
        lines.append("Nothing yet." if en else "Rien pour l'instant.")
    return "\n".join(lines) + "\n"


def _clause_body(rule: Rule, facts: Iterable[str], lang: str) -> list[str]:
    en = lang == "en"
    out = []
    rationale = " ".join(rule.rationale.get(lang).split())
    if rationale:
        out += ["", _prose(rationale)]
    colon = ":" if en else " :"
    remediation = " ".join(rule.remediation.get(lang).split())
    if remediation:
        out += [
            "",
            f"*{'Expected implementation' if en else 'Mise en œuvre attendue'}{colon}* {_prose(remediation)}",
        ]
    shown = list(facts)
    if shown:
        listed = ", ".join(_code(f) for f in shown[:6]) + (f" (+{len(shown) - 6})" if len(shown) > 6 else "")
        out += ["", f"*{'The bidder declares' if en else 'Le candidat déclare'}{colon}* {listed}"]
    source = _source(rule, lang)
    out += ["", f"*Source{colon}* {source or '—'} ({_sure(rule, lang)})"]
    return out


def _kind_label(kind: str, lang: str) -> str:
    return label_at(KIND_PATH, kind, lang) or kind


# --- the acceptance profile ----------------------------------------------------------------------


def _slug(text: str) -> str:
    import unicodedata

    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    slug = re.sub(r"[^a-z0-9]+", "-", plain).strip("-")[:48].strip("-")
    return slug if slug and slug[0].isalpha() else f"cctp-{slug}".strip("-")


AUTHORITY_TAG = "autorite"  # a rule whose act belongs to the public authority, not to a supplier


@dataclass(frozen=True, slots=True)
class ProfileData:
    """What the derived acceptance profile holds, before it is written."""

    id: str
    title: Text
    required: list[tuple[Rule, str]]  # rule, why (covered / eliminatory)
    left_to_buyer: list[Rule]  # applicable bloquant rules whose act is the authority's


def profile_data(analysis: Analysis) -> ProfileData:
    """The rules the specification covers, and every applicable bloquant rule a supplier can
    meet; those whose act is the public authority's (tag `autorite`: the homologation) are not
    asked of the bids."""
    required: list[tuple[Rule, str]] = []
    buyer: list[Rule] = []
    for clause in analysis.clauses:
        rule = clause.rule
        if clause.status is Status.HORS_CHAMP:
            continue
        if AUTHORITY_TAG in rule.tags:
            if clause.status is Status.COUVERTE or rule.severity is Severity.BLOQUANT:
                buyer.append(rule)
        elif clause.status is Status.COUVERTE:
            required.append((rule, "covered"))
        elif rule.severity is Severity.BLOQUANT:
            required.append((rule, "eliminatory"))
    name = _one_line(analysis.name)
    return ProfileData(
        _slug("cctp-" + analysis.name),
        Text(f"Exigences du cahier des charges « {name} »", f"Requirements of the specification « {name} »"),
        required,
        buyer,
    )


_WHY = {
    "covered": Text("demandée par le cahier des charges", "asked by the specification"),
    "eliminatory": Text("éliminatoire (règle bloquante)", "eliminatory (bloquant rule)"),
}


def profile(analysis: Analysis, today: date | None = None, lang: str = "fr") -> str:
    """The acceptance profile derived from the specification (profile format of
    `schemas/profile.schema.json`), its comments in `lang`."""
    day = today or date.today()
    data = profile_data(analysis)
    en = lang == "en"
    name = _one_line(analysis.name)
    file = _one_line(analysis.result.file)
    colon = ":" if en else " :"
    lines = (
        [
            f"# Acceptance profile derived from the specification « {name} »",
            f"# ({file}) by doctrine-lint {__version__} on {day.isoformat()}.",
            "# A bid meets it when every rule below is compliant (or not applicable).",
            "# Add your own thresholds (min_scores, min_completeness): doctrine-lint invents none.",
        ]
        if en
        else [
            f"# Profil d'acceptation dérivé du cahier des charges « {name} »",
            f"# ({file}) par doctrine-lint {__version__} le {day.isoformat()}.",
            "# Une offre le tient quand chaque règle ci-dessous est conforme (ou non applicable).",
            "# Ajoutez-y vos seuils (min_scores, min_completeness) : doctrine-lint n'en invente pas.",
        ]
    )
    left = (
        "an act of the public authority, not of a bidder: not asked of the bids"
        if en
        else "acte de l'autorité publique, pas d'un candidat : non exigé des offres"
    )
    lines += [f"# {rule.id}{colon} {left}" for rule in data.left_to_buyer]
    lines += [
        "profile:",
        f"  id: {data.id}",
        "  title:",
        f"    fr: {json.dumps(data.title.fr, ensure_ascii=False)}",
        f"    en: {json.dumps(data.title.get('en'), ensure_ascii=False)}",
    ]
    if data.required:
        lines.append("required_rules:")
        lines += [
            f"  - {rule.id}  # {_one_line(_WHY[why].get(lang))}{colon} {_one_line(rule.title.get(lang))}"
            for rule, why in data.required
        ]
    return "\n".join(lines) + "\n"


def _one_line(text: str) -> str:
    """Untrusted text (a name, a file name, a value) for a YAML comment or scalar: one line, its
    control characters escaped visibly (`safetext.prose`), no `#` to start a comment."""
    return prose(" ".join(str(text).split())).replace("#", "＃")


# --- the questionnaire for bidders ---------------------------------------------------------------


def questionnaire(
    analysis: Analysis, packs: Sequence[Pack], lang: str = "fr", today: date | None = None
) -> str:
    """`init`'s manifest for the specification's kind, each fact the specification fixes noted
    with what it demands: what every bidder fills and returns."""
    notes: dict[str, list[str]] = {}
    _walk(analysis.result.document.data, "", notes)
    contrary = {
        normalise(f.path): c.rule.id for c in analysis.of(Status.CONTRAIRE) for f in c.findings if f.path
    }
    flagged: dict[str, str] = {}
    for path, rule_id in contrary.items():  # never asked of the bidders as if it were right
        if path in notes:
            values = ", ".join(notes.pop(path))
            flagged[path] = (
                f"the specification asks « {values} », contrary to the doctrine ({rule_id}): to correct"
                if lang == "en"
                else f"le cahier des charges demande « {values} », contraire à la doctrine ({rule_id}) : à corriger"
            )
    demanded = "demanded by the specification" if lang == "en" else "exigé par le cahier des charges"
    shown = {
        path: f"{demanded}{':' if lang == 'en' else ' :'} {', '.join(values)}"
        for path, values in notes.items()
    }
    shown.update(flagged)
    return render(
        packs,
        analysis.kind,
        lang,
        file="offre.yaml" if lang != "en" else "bid.yaml",
        today=today,
        notes=shown,
        title=(
            f"Questionnaire for bidders — {_one_line(analysis.name)}"
            if lang == "en"
            else f"Questionnaire des candidats — {_one_line(analysis.name)}"
        ),
    )


def _walk(value: Any, path: str, out: dict[str, list[str]]) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            if path == "" and key in ("manifest_version", "derogations", "evidence"):
                continue
            _walk(item, f"{path}.{key}" if path else str(key), out)
    elif isinstance(value, list):
        for item in value:
            _walk(item, path, out)
    elif value is not None:
        shown = json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else value
        values = out.setdefault(path, [])
        if shown not in values and len(values) < 8:
            values.append(_one_line(shown)[:80])


# --- the summary on the terminal -----------------------------------------------------------------


def summary(analysis: Analysis, lang: str = "fr") -> str:
    en = lang == "en"
    counts = analysis.counts()
    scores = analysis.result.scores
    lines = [
        f"== {analysis.result.file}",
        analysis.name,
        "",
        (
            f"Completeness of the specification: {percent(scores.overall.completeness, lang)} of the "
            "applicable requirements"
            if en
            else f"Complétude du cahier des charges : {percent(scores.overall.completeness, lang)} des exigences "
            "applicables"
        ),
    ]
    colon = ":" if en else " :"
    lines += [
        f"  {line.title.get(lang)}{colon} {percent(line.completeness, lang)}" for line in scores.referentiels
    ]
    lines += [
        "",
        f"{'Doctrine — to add' if en else 'Doctrine — à ajouter'}{':' if en else ' :'} {counts[Status.A_AJOUTER]}   "
        f"{'to correct' if en else 'à corriger'}{':' if en else ' :'} {counts[Status.CONTRAIRE]}   "
        f"{'covered' if en else 'couvertes'}{':' if en else ' :'} {counts[Status.COUVERTE]}   "
        f"{'out of scope' if en else 'hors champ'}{':' if en else ' :'} {counts[Status.HORS_CHAMP]}",
        *(f"  {_catalogue_line(c, lang)}" for c in analysis.catalogues),
    ]
    # a terminal of 80 columns: every line folded under its own indentation; a located line stays
    # whole, as compilers print them (`file:line:col: …` is what editors and greps read)
    out = []
    for line in lines:
        indent = " " * (len(line) - len(line.lstrip(" ")))
        out += textwrap.wrap(
            line, WIDTH, subsequent_indent=indent + "  ", break_long_words=False, break_on_hyphens=False
        ) or [""]
    for clause in analysis.of(Status.CONTRAIRE):
        for f in clause.findings:
            if f.outcome is Outcome.NON_CONFORME:
                loc = f.location
                out.append(f"  {loc.file}:{loc.line}:{loc.column}: {clause.rule.id} — {f.message.get(lang)}")
    return "\n".join(out) + "\n"


WIDTH = 80


# --- bids against the tender ---------------------------------------------------------------------


def derived_profile(analysis: Analysis) -> Profile:
    """The acceptance profile of `profile()`, as the linter takes it (built from the same data,
    not read back from the text)."""
    data = profile_data(analysis)
    required = [rule.id for rule, _ in data.required]
    body: dict[str, Any] = {
        "profile": {"id": data.id, "title": {"fr": data.title.fr, "en": data.title.get("en")}}
    }
    if required:
        body["required_rules"] = required
    return Profile(data.id, data.title, body, f"{analysis.result.file} (profil)")


MARKS = {
    Outcome.CONFORME: "✔",
    Outcome.DEROGATION: "✔",
    Outcome.NON_CONFORME: "✘",
    Outcome.A_RENSEIGNER: "?",
    Outcome.NON_APPLICABLE: "—",
}


@dataclass(frozen=True, slots=True)
class Bid:
    """One bid evaluated against the tender's profile."""

    result: ManifestResult
    outcomes: dict[str, Outcome]  # of the required rules
    failed: tuple[str, ...]  # required rules non conforme
    undeclared: tuple[str, ...]  # required rules à renseigner
    facts: tuple[str, ...]  # the facts the bid left undeclared (every applicable rule)

    @property
    def name(self) -> str:
        service = self.result.document.data.get("service") or {}
        return str(service.get("name") or self.result.file)

    @property
    def kind(self) -> str | None:
        service = self.result.document.data.get("service") or {}
        return str(service["kind"]) if isinstance(service, dict) and "kind" in service else None

    def meets(self, wanted_kind: str) -> bool:
        """The profile met, by a service of the kind the tender asks for, with no requirement
        waived by the bid's own dérogation."""
        return self.kind == wanted_kind and not self.failed and all(c.ok for c in self.result.profile)


def compare(analysis: Analysis, bids: Iterable[ManifestResult]) -> tuple[list[str], list[Bid]]:
    """The required rules of the tender's profile and the bids, best first: the profile met, then
    a bid of the kind asked for, then the fewest eliminatory requirements failed, then the fewest
    requirements failed, then left undeclared, then conformity, completeness, file.

    A bid waiving a requirement by its own dérogation fails it: a buyer does not take a bidder's
    word for an exemption (the bids are also linted without their dérogations)."""
    from .declare import fact_requests

    required = [rule.id for rule, _ in profile_data(analysis).required]
    eliminatory = {c.rule.id for c in analysis.clauses if c.rule.severity is Severity.BLOQUANT}
    out = []
    for result in bids:
        outcomes = rule_outcomes(result.findings)
        mine = {r: outcomes[r] for r in required if r in outcomes}
        failed = tuple(r for r in required if mine.get(r) in (Outcome.NON_CONFORME, Outcome.DEROGATION))
        undeclared = tuple(r for r in required if mine.get(r) is Outcome.A_RENSEIGNER)
        facts = tuple(request.path for request in fact_requests(result.findings, result.document.data))
        out.append(Bid(result, mine, failed, undeclared, facts))

    def key(bid: Bid) -> tuple[Any, ...]:
        overall = bid.result.scores.overall
        return (
            not bid.meets(analysis.kind),
            bid.kind != analysis.kind,
            sum(1 for r in bid.failed if r in eliminatory),
            len(bid.failed),
            len(bid.undeclared),
            -(overall.ratio or 0.0),
            -(overall.completeness_ratio or 0.0),
            bid.result.file,
        )

    return required, sorted(out, key=key)


def comparison_markdown(analysis: Analysis, required: list[str], bids: list[Bid], lang: str = "fr") -> str:
    """The bids side by side: ranking, each requirement per bid, then per bid what it fails and
    the facts it left undeclared."""
    en = lang == "en"
    colon = ":" if en else " :"
    titles = {r.id: r.title.get(lang) for r in all_rules(analysis.packs)}
    eliminatory = {c.rule.id for c in analysis.clauses if c.rule.severity is Severity.BLOQUANT}
    lines = [
        f"# {'Bids compared' if en else 'Comparaison des offres'} — {_md(analysis.name)}",
        "",
        (
            f"Acceptance profile derived from the specification {_code(analysis.result.file)}: {len(required)} "
            f"requirements, {len(eliminatory & set(required))} of them eliminatory. ✔ compliant, ✘ not compliant, "
            "? not declared, — not applicable."
            if en
            else f"Profil d'acceptation dérivé du cahier des charges {_code(analysis.result.file)} : "
            f"{len(required)} exigences, dont {len(eliminatory & set(required))} éliminatoires. ✔ conforme, "
            "✘ non conforme, ? non déclaré, — non applicable."
        ),
        "",
        "## Ranking" if en else "## Classement",
        "",
        (
            "| Rank | Bid | Profile | Failed | Not declared | Conformity | Completeness |"
            if en
            else "| Rang | Offre | Profil | Non tenues | Non déclarées | Conformité | Complétude |"
        ),
        "|---:|---|---|---:|---:|---:|---:|",
    ]
    for rank, bid in enumerate(bids, 1):
        overall = bid.result.scores.overall
        verdict = ("met" if en else "tenu") if bid.meets(analysis.kind) else ("not met" if en else "non tenu")
        lines.append(
            f"| {rank} | {_md(bid.name)} ({_md(bid.result.file)}) | {verdict} | "
            f"{len(bid.failed)} | "
            f"{len(bid.undeclared)} | {percent(overall.score, lang)} | {percent(overall.completeness, lang)} |"
        )
    refs = [line.key for line in bids[0].result.scores.referentiels] if bids else []
    if refs:  # the review matrix's view of each bid: conformity and completeness per référentiel
        titles_ref = {line.key: line.title.get(lang) for line in bids[0].result.scores.referentiels}
        lines += ["", "## By référentiel" if en else "## Par référentiel", ""]
        lines.append(
            "| "
            + ("Bid" if en else "Offre")
            + " | "
            + " | ".join(
                f"{titles_ref[r]} ({'conformity / completeness' if en else 'conformité / complétude'})"
                for r in refs
            )
            + " |"
        )
        lines.append("|---|" + "---:|" * len(refs))
        for rank, bid in enumerate(bids, 1):
            cells = []
            for ref in refs:
                line = bid.result.scores.referentiel(ref)
                cells.append(
                    f"{percent(line.score, lang)} / {percent(line.completeness, lang)}"
                    if line is not None
                    else "—"
                )
            lines.append(f"| {rank} | " + " | ".join(cells) + " |")
    lines += ["", "## Requirements" if en else "## Exigences", ""]
    lines.append(
        "| "
        + ("Requirement" if en else "Exigence")
        + " | "
        + " | ".join(f"{'bid' if en else 'offre'} {i}" for i in range(1, len(bids) + 1))
        + " |"
    )
    lines.append("|---|" + "---|" * len(bids))
    for rule_id in required:
        mark = " ⚑" if rule_id in eliminatory else ""
        marks = " | ".join(MARKS.get(bid.outcomes.get(rule_id, Outcome.NON_APPLICABLE), "—") for bid in bids)
        lines.append(f"| {rule_id}{mark} — {_cell(titles.get(rule_id, rule_id))} | {marks} |")
    lines += ["", "⚑ " + ("eliminatory" if en else "éliminatoire")]
    for rank, bid in enumerate(bids, 1):
        lines += ["", f"## {rank}. {_md(bid.name)} ({_code(bid.result.file)})", ""]
        if bid.failed:
            lines.append(f"**{'Requirements failed' if en else 'Exigences non tenues'}{colon}**")
            lines.append("")
            for rule_id in bid.failed:
                for f in bid.result.findings:
                    if f.rule_id == rule_id and f.outcome is Outcome.NON_CONFORME:
                        loc = f.location
                        lines.append(
                            f"- {rule_id} — {_md(f.message.get(lang))} ({_code(f'{loc.file}:{loc.line}:{loc.column}')})"
                        )
            lines.append("")
        if bid.undeclared:
            lines.append(
                f"**{'Requirements left undeclared' if en else 'Exigences sans réponse'}{colon}** "
                + ", ".join(bid.undeclared)
            )
            lines.append("")
        if bid.facts:
            shown = ", ".join(_code(f) for f in bid.facts[:12]) + (
                f" (+{len(bid.facts) - 12})" if len(bid.facts) > 12 else ""
            )
            lines.append(f"**{'Facts left undeclared' if en else 'Faits non déclarés'}{colon}** {shown}")
        if bid.kind != analysis.kind:
            lines.append(
                f"**{'Kind of service' if en else 'Nature du service'}{colon}** {_md(bid.kind or '—')} "
                + (
                    f"(the specification asks for {analysis.kind}): the profile cannot be met."
                    if en
                    else f"(le cahier des charges demande {analysis.kind}) : le profil ne peut être tenu."
                )
            )
            lines.append("")
        if not (bid.failed or bid.undeclared or bid.facts) and bid.kind == analysis.kind:
            lines.append(
                "Every requirement is met and every fact declared."
                if en
                else "Toutes les exigences sont tenues et tous les faits déclarés."
            )
    return "\n".join(lines) + "\n"


def comparison_json(analysis: Analysis, required: list[str], bids: list[Bid]) -> dict[str, Any]:
    return {
        "format_version": 1,
        "tender": {"file": analysis.result.file, "name": analysis.name, "kind": analysis.kind},
        "required_rules": required,
        "bids": [
            {
                "rank": rank,
                "file": bid.result.file,
                "name": bid.name,
                "profile_met": bid.meets(analysis.kind),
                "kind": bid.kind,
                "failed": list(bid.failed),
                "not_declared": list(bid.undeclared),
                "outcomes": {r: o.value for r, o in bid.outcomes.items()},
                "facts_not_declared": list(bid.facts),
                "conformity": bid.result.scores.overall.score,
                "completeness": bid.result.scores.overall.completeness,
                "referentiels": {
                    line.key: {
                        "conformity": line.score,
                        "completeness": line.completeness,
                        "status": line.status,
                    }
                    for line in bid.result.scores.referentiels
                },
            }
            for rank, bid in enumerate(bids, 1)
        ],
    }
