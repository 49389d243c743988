"""The vocabulary shared by every module: severities, outcomes, evidence levels, texts, findings.

Machine values (enum values, JSON keys) are stable French slugs; display names go through
`doctrine_lint.i18n` so that every report can be rendered in French or English.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from decimal import ROUND_HALF_UP, Decimal
from enum import IntEnum, StrEnum
from functools import lru_cache
from typing import Any


class Severity(IntEnum):
    """Ordered so that `--fail-on` can compare: info < mineur < majeur < bloquant."""

    INFO = 0
    MINEUR = 1
    MAJEUR = 2
    BLOQUANT = 3

    @property
    def slug(self) -> str:
        return self.name.lower()

    @classmethod
    def from_slug(cls, slug: str) -> Severity:
        return cls[slug.upper()]


DEFAULT_WEIGHTS: dict[Severity, float] = {
    Severity.BLOQUANT: 5.0,
    Severity.MAJEUR: 3.0,
    Severity.MINEUR: 1.0,
    Severity.INFO: 0.0,
}


class Outcome(StrEnum):
    """The one result a rule gives for a manifest."""

    CONFORME = "conforme"
    NON_CONFORME = "non-conforme"
    NON_APPLICABLE = "non-applicable"
    A_RENSEIGNER = "a-renseigner"
    DEROGATION = "derogation"

    @property
    def failing(self) -> bool:
        """Outcomes that count against `--fail-on`."""
        return self in (Outcome.NON_CONFORME, Outcome.A_RENSEIGNER)


_ZERO_COUNTS = {o.value: 0 for o in Outcome}

# How a rule's occurrences combine into the one outcome it is scored with: the worst wins.
OUTCOME_RANK: dict[Outcome, int] = {
    Outcome.NON_CONFORME: 4,
    Outcome.A_RENSEIGNER: 3,
    Outcome.DEROGATION: 2,
    Outcome.CONFORME: 1,
    Outcome.NON_APPLICABLE: 0,
}


def worst_outcome(outcomes: Iterable[Outcome]) -> Outcome:
    """A rule's outcome from its occurrences: non conforme if any element fails, else à
    renseigner if any is undecided, else dérogation if any is waived, else conforme, else non
    applicable (a rule with no occurrence at all is non applicable)."""
    return max(outcomes, key=OUTCOME_RANK.__getitem__, default=Outcome.NON_APPLICABLE)


class Evidence(StrEnum):
    """How sure we are of a rule: read in the doctrine, another official source, secondary, inferred."""

    DOCTRINE = "doctrine"
    OFFICIEL = "officiel"
    SECONDAIRE = "secondaire"
    INFERENCE = "inference"

    @property
    def rank(self) -> int:
        return list(Evidence).index(self)


@dataclass(frozen=True, slots=True)
class Text:
    """A user-facing text in French, optionally in English (French is the fallback)."""

    fr: str
    en: str | None = None

    def get(self, lang: str) -> str:
        return self.en if lang == "en" and self.en else self.fr

    @classmethod
    def of(cls, raw: Any) -> Text:
        if isinstance(raw, dict):
            return cls(str(raw["fr"]), str(raw["en"]) if raw.get("en") else None)
        return cls(str(raw))

    def as_json(self) -> dict[str, str]:
        return {"fr": self.fr, **({"en": self.en} if self.en else {})}


@dataclass(frozen=True, slots=True)
class Reference:
    url: str
    section: str | None = None
    title: str | None = None

    def as_json(self) -> dict[str, str]:
        out = {"url": self.url}
        if self.section:
            out["section"] = self.section
        if self.title:
            out["title"] = self.title
        return out


@dataclass(frozen=True, slots=True)
class Provenance:
    evidence: Evidence
    legal_basis: str
    verified: bool
    note: Text | None = None


@dataclass(slots=True)
class Location:
    """Where a finding points: 1-based line and column; `exact` is False for a missing fact."""

    file: str
    line: int
    column: int
    exact: bool = True

    def __reduce__(self) -> tuple[type[Location], tuple[str, int, int, bool]]:
        # a batch's workers send thousands: by position, not as a dict of slot names
        return Location, (self.file, self.line, self.column, self.exact)


@dataclass(frozen=True, slots=True)
class Proof:
    """The official tool's export that decided a finding: its kind (`evidence.KINDS`), the tool,
    the file as the manifest names it, its SHA-256, and where the fact was read in it."""

    kind: str
    tool: Text
    file: str
    sha256: str
    where: Text  # « ligne 14, colonne « Statut » » / "row 14, column 'Statut'"


@dataclass(slots=True)
class Finding:
    """One occurrence of a rule's outcome in one manifest (not frozen: thousands are built per
    batch, and a frozen dataclass's __init__ is several times slower).

    A rule that walks a list gives one finding per failing or undecided element, all sharing its
    `rule_id`; `element` names the element (e.g. "audience = parents") and `keyed_path` locates
    it by the identity key its pack declares for the list (`identity.providers[audience=parents]`),
    falling back to its position. The rule still weighs once in the scores (`scoring`)."""

    rule_id: str
    outcome: Outcome
    severity: Severity
    weight: float
    message: Text
    path: str
    location: Location
    chapter: str
    referentiel: str
    pack_id: str
    references: tuple[Reference, ...]
    evidence: Evidence
    missing: tuple[str, ...] = ()
    reason: Text | None = None
    value: Any = None
    waived_from: Outcome | None = None  # the outcome a dérogation replaced
    known: bool = False  # already in the --baseline: not reported as new, does not fail
    element: str | None = None  # the list element this occurrence is about, for people
    keyed_path: str | None = None  # `path` with elements named by identity key, for fingerprints
    element_label: Text | None = None  # `element` with its enum values labelled, per language
    proof: Proof | None = None  # set when the deciding fact was read in an official tool's export

    def element_text(self, lang: str) -> str | None:
        """The element as people read it in `lang` (values labelled); the raw `element` is data."""
        if self.element_label is not None:
            return self.element_label.get(lang)
        return self.element

    @property
    def sort_key(self) -> tuple[tuple[int, str], NaturalKey, NaturalKey]:
        """Référentiels in their usual order, then chapters and rule ids naturally (2.3 < 2.10)."""
        return finding_order(self.referentiel, self.chapter, self.rule_id)

    def __reduce__(self) -> tuple[type[Finding], tuple[Any, ...]]:
        # a batch's workers send hundreds per manifest: by position, not as a dict of slot names
        return Finding, tuple(getattr(self, name) for name in _FINDING_FIELDS)


_FINDING_FIELDS = tuple(f.name for f in fields(Finding))


# The order of the three référentiels wherever several are listed: scores, findings, weightings,
# rule lists and catalogues.
REFERENTIEL_ORDER: tuple[str, ...] = ("interoperabilite", "securite", "numerique-responsable")

NaturalKey = tuple[tuple[int, int, str], ...]


def referentiel_rank(key: str) -> tuple[int, str]:
    """Sort key of a référentiel: the usual order, unknown ones after, by name."""
    return (REFERENTIEL_ORDER.index(key), "") if key in REFERENTIEL_ORDER else (len(REFERENTIEL_ORDER), key)


_DIGITS = re.compile(r"(\d+)")


@lru_cache(maxsize=8192)
def natural_key(text: str) -> NaturalKey:
    """Sort key that reads runs of digits as numbers: RGESN-1.2 < RGESN-1.10, MSS-AUTH.9 <
    MSS-AUTH.10, ecodesign.criteria["2.3"] < ecodesign.criteria["2.10"]."""
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in _DIGITS.split(text) if p)


@lru_cache(maxsize=4096)
def finding_order(
    referentiel: str, chapter: str, rule_id: str
) -> tuple[tuple[int, str], NaturalKey, NaturalKey]:
    # a few hundred rules, tens of thousands of findings per batch: computed once per rule
    return (referentiel_rank(referentiel), chapter_key(chapter), natural_key(rule_id))


def chapter_key(chapter: str) -> tuple[tuple[int, int, str], ...]:
    """Sort chapter numbers naturally (6.1.2 < 6.1.10 < 7), numbers before letters (7 < G1)."""
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in chapter.split("."))


@dataclass(slots=True)
class ScoreLine:
    """Scores of one group of findings (a chapter, a référentiel or the whole manifest).

    Two rates, as the RGAA rate leaves out what was not evaluated:
    - **conformity** = weight conforme ÷ weight decided (conforme + non conforme): how compliant
      the service is on what it declared;
    - **completeness** = weight decided ÷ weight applicable: how much of what applies could be
      decided (facts *à renseigner* are undecided).
    `progress` = weight conforme ÷ weight applicable is the older single score (the RGESN
    method, where "à évaluer" counts against). A chapter's rates come from its rules; a
    référentiel's and the overall rates may instead be composed from weighted parts
    (`composed`, see `scoring`)."""

    key: str
    title: Text
    earned: float = 0.0
    possible: float = 0.0
    decided: float = 0.0
    rules: int = 0  # applicable rules (not non applicable)
    counts: dict[str, int] = field(default_factory=lambda: dict(_ZERO_COUNTS))
    blocking_failure: bool = False
    contributions: list[tuple[str, str, float, float]] = field(default_factory=list)
    # (conformity ratio, completeness ratio) when composed from weighted parts
    composed: tuple[float | None, float | None] | None = None
    parts: list[tuple[str, float, float | None, float | None]] = field(default_factory=list)

    @property
    def ratio(self) -> float | None:
        """Unrounded conformity (decided weight): statuses and thresholds are decided on it,
        not on the rounded percentage (99.996 % must not read as conforme)."""
        if self.composed is not None:
            return self.composed[0]
        return None if self.decided <= 0 else self.earned / self.decided

    @property
    def completeness_ratio(self) -> float | None:
        if self.composed is not None:
            return self.composed[1]
        return None if self.possible <= 0 else self.decided / self.possible

    @property
    def progress_ratio(self) -> float | None:
        return None if self.possible <= 0 else self.earned / self.possible

    @property
    def score(self) -> float | None:
        """The conformity rate in percent, rounded half up (a 100.0 % is always exact)."""
        return pct(self.ratio)

    @property
    def completeness(self) -> float | None:
        return pct(self.completeness_ratio)

    @property
    def progress(self) -> float | None:
        return pct(self.progress_ratio)

    @property
    def status(self) -> str | None:
        """RGAA-style status on the conformity rate: conforme at 100 % with everything decided,
        partiellement conforme from 50 %, non conforme below or when a bloquant rule fails or
        is undecided; *incomplet* when nothing decided fails but facts are missing."""
        if self.blocking_failure:
            return "non-conforme"
        ratio, complete = self.ratio, self.completeness_ratio
        if ratio is None:
            return "incomplet" if complete is not None else None
        if ratio < 0.5:
            return "non-conforme"
        if ratio < 1.0 - 1e-12:
            return "partiellement-conforme"
        return "conforme" if complete is not None and complete >= 1.0 - 1e-12 else "incomplet"


def round_half_up(value: float, digits: int) -> float:
    """Round as a spreadsheet shows a number (the RGESN workbook in Excel or LibreOffice, Ara's
    `Math.round`): on the decimal value to 15 significant digits, halves away from zero. Python's
    `round` works on the binary float and rounds halves to even: 84.35 (stored as 84.3499…)
    would give 84.3, and 81.25 would give 81.2."""
    shown = Decimal(format(value, ".15g"))
    return float(shown.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP))


def pct(ratio: float | None) -> float | None:
    """A ratio as a percentage to a tenth, rounded half up like the official tools; a rate below
    100 % never shows as 100.0 (99.96 % shows 99.9)."""
    if ratio is None:
        return None
    shown = round_half_up(100.0 * ratio, 1)
    return 99.9 if shown >= 100.0 and ratio < 1.0 - 1e-12 else shown
