"""Two versions of one submission compared: findings new, fixed and changed, and the scores and
verdicts that moved, per référentiel and chapter.

Occurrences are matched by identity (`FindingData.identity`: rule and keyed path, as baselines
match them, but without the file's name: two versions of a submission are usually two files), so
lines moved, lists reordered or a renamed file change nothing, while a newly failing list
element is new. Only what changed is listed: the findings already there in both versions are
counted, never repeated.

What counts: an occurrence is *notable* when it is non conforme, à renseigner or under a
dérogation. New: notable in the new version only; fixed: notable in the old one only (now
conforme, non applicable or gone); changed: notable in both, with another outcome, severity or
message. Works on `reportfile.ManifestData`, whether it comes from a run or a JSON report.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from .errors import DoctrineLintError, Msg, UsageError
from .linter import LintOptions, lint
from .model import Outcome, Severity, chapter_key, natural_key, referentiel_rank
from .packs import Pack
from .reportfile import FindingData, ManifestData, ProfileCheckData, ScoreData, from_result, pick, read_report

NOTABLE = frozenset({Outcome.NON_CONFORME, Outcome.A_RENSEIGNER, Outcome.DEROGATION})


class Kind(StrEnum):
    NEW = "new"
    FIXED = "fixed"
    CHANGED = "changed"


@dataclass(frozen=True, slots=True)
class Change:
    """One occurrence that differs: `before` (old version) and/or `after` (new version); for a
    fixed one, `after` is what the occurrence became when it is still reported (conforme…)."""

    kind: Kind
    before: FindingData | None
    after: FindingData | None

    @property
    def finding(self) -> FindingData:
        """The finding to show: the new version's, else the old one's."""
        shown = self.after if self.kind is not Kind.FIXED else self.before
        assert shown is not None
        return shown

    @property
    def fields(self) -> tuple[str, ...]:
        """What changed in a changed occurrence: outcome, severity, message."""
        if self.before is None or self.after is None:
            return ()
        pairs = (
            ("outcome", self.before.outcome, self.after.outcome),
            ("severity", self.before.severity, self.after.severity),
            ("message", _comparable(self.before), _comparable(self.after)),
        )
        return tuple(name for name, a, b in pairs if a != b)

    def regression(self, threshold: Severity) -> bool:
        """A failure the new version brings: a new non conforme / à renseigner at or above
        `threshold`, or a changed one that now fails (it was under a dérogation) or whose
        severity rose to `threshold` or above."""
        after = self.after
        if self.kind is Kind.FIXED or after is None or not after.outcome.failing:
            return False
        if after.severity < threshold:
            return False
        if self.kind is Kind.NEW:
            return True
        before = self.before
        assert before is not None
        return not before.outcome.failing or before.severity < threshold


_RANK = re.compile(r" \(#\d+\)")


def _comparable(f: FindingData) -> str:
    """A message without what only the element's position says: its positional path (written
    with identity keys instead) and its rank among twins (« (#3) »), so that reordering a list
    changes nothing."""
    message = f.message
    if f.keyed_path and f.path and f.path != f.keyed_path:
        message = message.replace(f.path, f.keyed_path)
    return _RANK.sub("", message)


@dataclass(frozen=True, slots=True)
class ScoreChange:
    """A score line whose rate, completeness or status moved (None: absent on that side)."""

    level: str  # "overall", "referentiel" or "chapter"
    before: ScoreData | None
    after: ScoreData | None

    @property
    def line(self) -> ScoreData:
        shown = self.after or self.before
        assert shown is not None
        return shown

    @property
    def delta(self) -> float | None:
        """After − before, in points of conformity (to a tenth), or None without both rates."""
        return _delta(_rate(self.before, "score"), _rate(self.after, "score"))

    @property
    def completeness_delta(self) -> float | None:
        return _delta(_rate(self.before, "completeness"), _rate(self.after, "completeness"))

    @property
    def statuses(self) -> tuple[str | None, str | None]:
        """The status before and after (None: no status, or no such line)."""
        return _rate(self.before, "status"), _rate(self.after, "status")

    @property
    def status_changed(self) -> bool:
        return bool(_rate(self.before, "status") != _rate(self.after, "status"))


def _rate(line: ScoreData | None, name: str) -> Any:
    return None if line is None else getattr(line, name)


def _delta(before: float | None, after: float | None) -> float | None:
    if before is None or after is None:
        return None
    return round(after - before, 1)


@dataclass(frozen=True, slots=True)
class ProfileVerdict:
    """An acceptance profile's verdict: how many requirements, how many not met."""

    total: int
    unmet: int

    @property
    def held(self) -> bool:
        return self.unmet == 0

    @classmethod
    def of(cls, checks: list[ProfileCheckData]) -> ProfileVerdict | None:
        if not checks:
            return None
        return cls(len(checks), sum(1 for c in checks if not c.ok))


@dataclass(slots=True)
class Diff:
    old: ManifestData
    new: ManifestData
    changes: list[Change] = field(default_factory=list)
    unchanged: int = 0  # notable occurrences identical in both versions: counted, not listed
    scores: list[ScoreChange] = field(default_factory=list)  # the overall line first, always

    def of_kind(self, kind: Kind) -> list[Change]:
        return [c for c in self.changes if c.kind is kind]

    @property
    def overall(self) -> ScoreChange:
        return self.scores[0]

    @property
    def profile_before(self) -> ProfileVerdict | None:
        return ProfileVerdict.of(self.old.profile)

    @property
    def profile_after(self) -> ProfileVerdict | None:
        return ProfileVerdict.of(self.new.profile)

    def regressions(self, threshold: Severity | None) -> list[Change]:
        """The failures the new version brings at or above `threshold` (None: none counts)."""
        if threshold is None:
            return []
        return [c for c in self.changes if c.regression(threshold)]


def _by_identity(findings: Iterable[FindingData]) -> dict[tuple[str, str], list[FindingData]]:
    out: dict[tuple[str, str], list[FindingData]] = defaultdict(list)
    for f in findings:
        out[f.identity].append(f)
    return out


def _order(change: Change) -> tuple[object, ...]:
    f = change.finding
    return (
        referentiel_rank(f.referentiel),
        chapter_key(f.chapter),
        natural_key(f.rule_id),
        natural_key(f.identity[1]),
    )


def compare_findings(old: Iterable[FindingData], new: Iterable[FindingData]) -> tuple[list[Change], int]:
    """The occurrences that differ between two versions, in report order, and how many notable
    ones are the same in both. Occurrences sharing an identity (rare) pair up in order."""
    before, after = _by_identity(old), _by_identity(new)
    changes: list[Change] = []
    unchanged = 0
    for key in before.keys() | after.keys():
        olds, news = before.get(key, []), after.get(key, [])
        for i in range(max(len(olds), len(news))):
            a = olds[i] if i < len(olds) else None
            b = news[i] if i < len(news) else None
            was = a is not None and a.outcome in NOTABLE
            now = b is not None and b.outcome in NOTABLE
            if now and not was:
                changes.append(Change(Kind.NEW, a, b))
            elif was and not now:
                changes.append(Change(Kind.FIXED, a, b))
            elif was and now:
                change = Change(Kind.CHANGED, a, b)
                if change.fields:
                    changes.append(change)
                else:
                    unchanged += 1
    changes.sort(key=_order)
    return changes, unchanged


def _moved(a: ScoreData | None, b: ScoreData | None) -> bool:
    if a is None or b is None:
        return a is not b
    return (a.score, a.completeness, a.status) != (b.score, b.completeness, b.status)


def compare_scores(old: ManifestData, new: ManifestData) -> list[ScoreChange]:
    """The overall line, then each référentiel and chapter whose rates or status moved."""
    out = [ScoreChange("overall", old.overall, new.overall)]
    refs_old = {r.key: r for r in old.referentiels}
    refs_new = {r.key: r for r in new.referentiels}
    for key in sorted(refs_old.keys() | refs_new.keys(), key=referentiel_rank):
        a, b = refs_old.get(key), refs_new.get(key)
        if _moved(a, b):
            out.append(ScoreChange("referentiel", a, b))
    chaps_old = {(c.referentiel or "", c.key): c for c in old.chapters}
    chaps_new = {(c.referentiel or "", c.key): c for c in new.chapters}
    for ref, key in sorted(
        chaps_old.keys() | chaps_new.keys(), key=lambda k: (referentiel_rank(k[0]), chapter_key(k[1]))
    ):
        a, b = chaps_old.get((ref, key)), chaps_new.get((ref, key))
        if _moved(a, b):
            out.append(ScoreChange("chapter", a, b))
    return out


def compare(old: ManifestData, new: ManifestData) -> Diff:
    """What changed from `old` to `new` (two versions of one submission)."""
    changes, unchanged = compare_findings(old.findings, new.findings)
    return Diff(old, new, changes, unchanged, compare_scores(old, new))


def is_report(source: str) -> bool:
    """Whether an input is a JSON report (by its name) rather than a manifest."""
    return source.lower().endswith(".json")


def read_version(
    source: str,
    packs: Callable[[], Sequence[Pack]],
    options: LintOptions,
    lang: str,
    manifest: str | None = None,
) -> ManifestData:
    """One version of a submission: a JSON report's manifest (the one `manifest` names when the
    report holds several), or a manifest linted with `packs()` (loaded only when needed) and
    `options`. Messages are compared as written, so a report must be in the run's language."""
    if is_report(source):
        report = read_report(source)
        if report.lang != lang:
            raise UsageError.single(
                source,
                0,
                0,
                Msg(
                    f"rapport écrit en « {report.lang} » : comparez-le avec --lang {report.lang}",
                    f"report written in '{report.lang}': compare it with --lang {report.lang}",
                ),
            )
        return pick(report, manifest)
    run = lint([source], packs(), options)
    if run.errors:
        raise DoctrineLintError(run.errors)
    return from_result(run.results[0], lang)
