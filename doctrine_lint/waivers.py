"""Dérogations: declared, approved, time-limited waivers of a rule, applied to findings.

A waiver turns a failing finding (non conforme, à renseigner) of its rule into *dérogation*,
keeping the original outcome. Dates are calendar dates: a waiver is valid up to and including its
`expires` day; it is expired from the next day on, and "expiring soon" within 30 days. An expired
waiver, one the pack forbids, or one longer than the pack allows is not applied and becomes a
finding of its own (built by `synthetic`); one naming an unknown rule is an input error.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

from .dates import add_months, validated_date
from .document import Document
from .errors import ManifestError, Msg
from .i18n import long_date
from .model import Finding, Location, Outcome, Text
from .packs import Rule
from .renames import resolve
from .suggest import unknown_rule
from .synthetic import (
    DEROGATIONS_PACK,
    derogation_expired,
    derogation_expiring,
    derogation_invalid,
    derogation_refused,
    derogation_too_long,
)

SOON = timedelta(days=30)
_FAILING = (Outcome.NON_CONFORME, Outcome.A_RENSEIGNER)


@dataclass(frozen=True, slots=True)
class Waiver:
    index: int
    rule: str
    path: str | None
    justification: str
    approver: str | None
    granted: date | None
    expires: date
    clause: str | None
    location: Location


@dataclass(slots=True)
class WaiverStatus:
    """What became of one declared waiver: applied, expiring, expired, refused, unused, ignored."""

    waiver: Waiver
    state: str
    covered: list[str]
    note: Text


def read_waivers(doc: Document, renamed: Mapping[str, str] | None = None) -> list[Waiver]:
    """The `derogations:` of a validated manifest (dates are already checked by the schema); a
    renamed rule's old id is read as its new id, with a warning."""
    out = []
    for i, raw in enumerate(doc.data.get("derogations") or []):
        line, column, _ = doc.locate(("derogations", i))
        rule_line, rule_column, _ = doc.locate(("derogations", i, "rule"))
        out.append(
            Waiver(
                i,
                resolve(raw["rule"], renamed or {}, f"{doc.file}:{rule_line}:{rule_column}"),
                raw.get("path"),
                raw["justification"],
                raw.get("approver"),
                validated_date(raw["granted"]) if raw.get("granted") else None,
                validated_date(raw["expires"]),
                raw.get("clause"),
                Location(doc.file, line, column),
            )
        )
    return out


def check_known(doc: Document, waivers: Sequence[Waiver], known: AbstractSet[str]) -> None:
    """A waiver must name a rule of the loaded packs: anything else is a typo, reported as input."""
    problems = [
        doc.problem(
            ("derogations", w.index, "rule"),
            unknown_rule(w.rule, known, Msg("dérogation à une règle inconnue", "waiver of an unknown rule")),
        )
        for w in waivers
        if w.rule not in known
    ]
    if problems:
        raise ManifestError(problems)


_SEGMENT = re.compile(r"\[(?:\\.|[^\]\\])*\]|[^.\[]+")
_PAIR = re.compile(r"((?:\\.|[^,=\\])+)=((?:\\.|[^,\\])*)")


def _segments(path: str) -> list[str]:
    return _SEGMENT.findall(path)


def _pairs(segment: str) -> set[tuple[str, str]] | None:
    """The key=value pairs of an identity selector `[audience=x,provider=y]`, else None."""
    if not (segment.startswith("[") and "=" in segment and not segment.startswith("[=")):
        return None
    return set(_PAIR.findall(segment[1:-1].split("#", 1)[0]))


def _segment_covers(mine: str, theirs: str) -> bool:
    if mine == theirs:
        return True
    wanted, found = _pairs(mine), _pairs(theirs)
    # a selector naming some of the identity fields picks the element having those values
    if not wanted or found is None or "#" in mine:
        return False
    return wanted <= found


def _path_covers(waiver_path: str, finding_path: str) -> bool:
    mine, theirs = _segments(waiver_path), _segments(finding_path)
    return len(mine) <= len(theirs) and all(_segment_covers(a, b) for a, b in zip(mine, theirs, strict=False))


def _covers(w: Waiver, f: Finding) -> bool:
    """A waiver covers its rule's findings; with a `path`, exactly the findings located at that
    element or field or below it. The path may name list elements by position
    (`identity.providers[0]`) or by identity key, in full or in part
    (`identity.providers[audience=responsables]`)."""
    if f.rule_id != w.rule:
        return False
    if not w.path:
        return True
    return any(_path_covers(w.path, candidate) for candidate in (f.path, f.keyed_path) if candidate)


def _too_long(w: Waiver, rule: Rule, today: date) -> bool:
    if rule.waiver_max_months is None:
        return False
    start = w.granted or today
    # calendar months from the start: 28 February + 1 month is 28 March
    return w.expires > add_months(start, rule.waiver_max_months)


def apply_waivers(
    findings: list[Finding],
    waivers: Sequence[Waiver],
    rules: dict[str, Rule],
    today: date,
    *,
    ignore: bool = False,
) -> tuple[list[Finding], list[WaiverStatus]]:
    """Return the findings with waivers applied (plus the waivers' own findings), and each
    waiver's fate. With `ignore` (reviewer mode) nothing is applied and every waiver is listed."""
    statuses: list[WaiverStatus] = []
    extra: list[Finding] = []
    expired: list[tuple[Waiver, Rule]] = []
    out = list(findings)
    for w in waivers:
        rule = rules.get(w.rule)
        if rule is None:  # known but not selected for this run
            statuses.append(WaiverStatus(w, "unused", [], Text("règle non évaluée", "rule not evaluated")))
            continue
        if ignore:
            statuses.append(
                WaiverStatus(
                    w, "ignored", [], Text("ignorée (--no-derogations)", "ignored (--no-derogations)")
                )
            )
            continue
        if not rule.waivable:
            statuses.append(
                WaiverStatus(
                    w,
                    "refused",
                    [],
                    Text(
                        "le pack interdit toute dérogation à cette règle",
                        "the pack forbids waiving this rule",
                    ),
                )
            )
            extra.append(derogation_refused(rule, w.index, w.location))
            continue
        if _too_long(w, rule, today):
            note = Text(
                f"durée supérieure à {rule.waiver_max_months} mois",
                f"longer than {rule.waiver_max_months} months",
            )
            statuses.append(WaiverStatus(w, "refused", [], note))
            extra.append(derogation_too_long(rule, w.index, w.location, w.expires))
            continue
        if w.granted is not None and (w.granted > w.expires or w.granted > today):
            why = (
                Text("accordée après sa date d'expiration", "granted after its expiry date")
                if w.granted > w.expires
                else Text("accordée après la date d'évaluation", "granted after the evaluation date")
            )
            statuses.append(WaiverStatus(w, "refused", [], why))
            extra.append(derogation_invalid(rule, w.index, w.location, why))
            continue
        if w.expires < today:
            statuses.append(
                WaiverStatus(
                    w,
                    "expired",
                    [],
                    Text(
                        f"expirée le {long_date(w.expires, 'fr')}", f"expired on {long_date(w.expires, 'en')}"
                    ),
                )
            )
            expired.append((w, rule))
            continue
        covered = []
        for i, f in enumerate(out):
            if f.outcome in _FAILING and _covers(w, f):
                out[i] = replace(
                    f,
                    outcome=Outcome.DEROGATION,
                    waived_from=f.outcome,
                    message=Text(
                        f"Dérogation jusqu'au {long_date(w.expires, 'fr')} : {f.message.fr}",
                        f"Waived until {long_date(w.expires, 'en')}: {f.message.get('en')}",
                    ),
                )
                covered.append(f.rule_id)
        state = "expiring" if w.expires - today <= SOON else "applied"
        if not covered:
            state = "unused"
        statuses.append(
            WaiverStatus(
                w,
                state,
                covered,
                Text(
                    f"valable jusqu'au {long_date(w.expires, 'fr')}",
                    f"valid until {long_date(w.expires, 'en')}",
                ),
            )
        )
        if state == "expiring":
            extra.append(derogation_expiring(rule, w.index, w.location, w.expires, today))
    # An expired waiver matters only if its rule still fails and no valid waiver took over.
    for w, rule in expired:
        if any(f.outcome in _FAILING and _covers(w, f) for f in out):
            extra.append(derogation_expired(rule, w.index, w.location, w.expires))
    return sorted([*out, *extra], key=lambda f: f.sort_key), statuses


def without_waivers(findings: Sequence[Finding]) -> list[Finding]:
    """The same findings as if no waiver applied (for the score without dérogations)."""
    return [
        replace(f, outcome=f.waived_from, waived_from=None) if f.waived_from is not None else f
        for f in findings
        if f.pack_id != DEROGATIONS_PACK
    ]


def as_json(status: WaiverStatus, lang: str) -> dict[str, Any]:
    w = status.waiver
    return {
        "rule": w.rule,
        "path": w.path,
        "justification": w.justification,
        "approver": w.approver,
        "granted": w.granted.isoformat() if w.granted else None,
        "expires": w.expires.isoformat(),
        "clause": w.clause,
        "state": status.state,
        "note": status.note.get(lang),
        "covered": len(status.covered),
        "location": {"file": w.location.file, "line": w.location.line, "column": w.location.column},
    }
