"""Evaluate compiled rules against a manifest: one finding per occurrence, located in the manifest.

A rule gives one finding, or, when it walks a list (`for_each`, or a `[*]` test whose failure
names several elements), one finding per failing or undecided element, each located at the field
of that element that decided it and naming the element. The engine never parses YAML and never
computes positions itself: it turns each verdict's concrete path into a `Location` through the
document's index.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

from .dates import parse_day
from .derived import DERIVED_ROOT, Derived, expand_missing, locate_derived
from .document import Document, PathKey, format_path
from .errors import Msg, PackError
from .i18n import long_date, number
from .labels import label, label_at
from .logic import FALSE, TRUE, Context, Verdict, fact_under, gaps, reached_list, walk
from .model import Finding, Location, NaturalKey, Outcome, Proof, Text, finding_order, worst_outcome
from .packs import Rule
from .paths import ROOT

# Enum members bound once: attribute access on an Enum class is slow on hot paths.
_NON_APPLICABLE = Outcome.NON_APPLICABLE
_A_RENSEIGNER = Outcome.A_RENSEIGNER
_CONFORME = Outcome.CONFORME
_NON_CONFORME = Outcome.NON_CONFORME

IdentityKeys = Mapping[str, tuple[str, ...]]


@dataclass(slots=True)
class Occurrence:
    """One outcome of a rule with the verdict behind it (paths absolute in the manifest)."""

    outcome: Outcome
    verdict: Verdict
    empty_scope: str | None = None  # for_each: the list where no element was in scope


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | dict):
        return "[…]" if isinstance(value, list) else "{…}"
    text = str(value)
    return text if len(text) <= 80 else text[:77] + "…"


def _fmt(template: Text, **values: str | Text) -> Text:
    """The template with its placeholders filled; a `Text` value gives each language its own."""

    def one(s: str, en: bool) -> str:
        for k, v in values.items():
            if isinstance(v, Text):
                v = v.get("en" if en else "fr")
            s = s.replace("{" + k + "}", v)
        return s

    return Text(one(template.fr, False), one(template.en, True) if template.en else None)


def _shown_value(
    path: PathKey, value: Any, like: PathKey | None = None, derived: Derived | None = None
) -> str | Text:
    """A value as a message shows it: the label people read when the value is an enum value of
    the manifest schema (« avancé » for `avance`) or a value a pack gives a computed fact (its
    `labels`), a date as people write it, else the value itself. `like`: the path whose enum
    gives the labels (a value compared with a fact is labelled like that fact)."""
    at = like or path
    if not (derived and at[:1] == (DERIVED_ROOT,) and len(at) > 1):
        # without a computed fact's own labels the result depends on the path and value alone,
        # and the same few pairs recur across rules and manifests
        try:
            return _shown_at(at, value)
        except TypeError:  # an unhashable value (a list or a mapping)
            pass
    return _shown(at, value, derived)


@lru_cache(maxsize=8192, typed=True)  # typed: `true` and 1 are shown differently
def _shown_at(at: PathKey, value: Any) -> str | Text:
    return _shown(at, value, None)


def _shown(at: PathKey, value: Any, derived: Derived | None) -> str | Text:
    if isinstance(value, float):  # a decimal comma in French: 1,5
        return Text(number(value, "fr"), number(value, "en"))
    day = value if isinstance(value, date) else parse_day(value) if isinstance(value, str) else None
    if day is not None:  # a date as people write it: « 12 mars 2025 », "12 March 2025"
        return Text(long_date(day, "fr"), long_date(day, "en"))
    text = _scalar(value)
    fact = derived.facts.get(str(at[1])) if derived and at[:1] == (DERIVED_ROOT,) and len(at) > 1 else None
    if fact is not None and label(value, "fr", fact.labels) is not None:
        return Text(label(value, "fr", fact.labels) or text, label(value, "en", fact.labels))
    fr = label_at(at, value, "fr")
    if fr is None:
        return text
    return Text(fr, label_at(at, value, "en"))


@lru_cache(maxsize=4096)
def _not_applicable(shown: str | Text, value: str | Text | None) -> tuple[Text, Text]:
    """Reason and message of a non-applicable finding (the same few pairs recur across rules).
    `shown`: the manifest path, or a computed fact's title in each language."""
    what_fr, what_en = (shown.fr, shown.get("en")) if isinstance(shown, Text) else (shown, shown)
    if value is None:  # decided by the absence of a fact
        return Text(f"{what_fr} non déclaré", f"{what_en} not declared"), Text(
            f"Non applicable : {what_fr} non déclaré", f"Not applicable: {what_en} not declared"
        )
    fr, en = (value.fr, value.get("en")) if isinstance(value, Text) else (value, value)
    return Text(f"{what_fr} = {fr}", f"{what_en} = {en}"), Text(
        f"Non applicable : {what_fr} = {fr}", f"Not applicable: {what_en} = {en}"
    )


def _absolute(prefix: PathKey, path: PathKey | None) -> PathKey:
    """A path found inside an element made absolute; paths read from the root are already so."""
    if path is None:
        return prefix
    if path[:1] == (ROOT,):
        return path[1:]
    if path[:1] == (DERIVED_ROOT,):
        return path
    return (*prefix, *path)


def _rebase(v: Verdict, prefix: PathKey) -> Verdict:
    """The verdict of an element's check with every path made absolute."""
    return Verdict(
        v.state,
        _absolute(prefix, v.path),
        v.value,
        [(_absolute(prefix, p), fact_under(prefix, p, t)) for p, t in v.missing],
        v.other,
        [(_absolute(prefix, p), x) for p, x in v.elements] if v.elements else None,
    )


def _strip_root(v: Verdict) -> Verdict:
    """At the top level a `$root.` path is just a manifest path."""
    path = v.path
    if path and path[0] == ROOT:
        v.path = path[1:]
    if v.missing and any(p[:1] == (ROOT,) for p, _ in v.missing):
        v.missing = [(p[1:] if p[:1] == (ROOT,) else p, t) for p, t in v.missing]
    return v


def evaluate_rule(rule: Rule, data: Any, ctx: Context) -> tuple[Outcome, list[Occurrence]]:
    """The outcome of one rule (the worst of its occurrences) and each occurrence."""
    if rule.applies_when is not None:
        gate = _strip_root(rule.applies_when(data, ctx))
        if gate.state == FALSE:
            return _NON_APPLICABLE, [Occurrence(_NON_APPLICABLE, gate)]
        if gate.state != TRUE:
            return _A_RENSEIGNER, [Occurrence(_A_RENSEIGNER, gate)]
    if rule.scope is not None:
        found = _scoped(rule, data, ctx)
        return worst_outcome(o.outcome for o in found), found
    verdict = _strip_root(rule.check(data, ctx))
    if verdict.state == TRUE:
        return _CONFORME, [Occurrence(_CONFORME, verdict)]
    if verdict.state == FALSE:
        if verdict.elements is not None and len(verdict.elements) > 1:
            # a [*] test that several elements fail: one occurrence each
            return _NON_CONFORME, [
                Occurrence(_NON_CONFORME, Verdict(FALSE, where, value, other=verdict.other))
                for where, value in verdict.elements
            ]
        return _NON_CONFORME, [Occurrence(_NON_CONFORME, verdict)]
    return _A_RENSEIGNER, [Occurrence(_A_RENSEIGNER, verdict)]


def shown_path(occ: Occurrence, derived: Derived) -> str:
    """Where an occurrence is reported, as a manifest path: the first fact to declare when it is
    undecided, else the path that decided it."""
    if occ.outcome is _A_RENSEIGNER and occ.verdict.missing:
        return expand_missing(occ.verdict.missing[:1], derived)[0][1]
    return format_path(occ.verdict.path or ())


def _scoped(rule: Rule, data: Any, ctx: Context) -> list[Occurrence]:
    """Walk the rule's list: the filter and the check are evaluated on each element, relative to
    it; every failing or undecided element is an occurrence. No failure gives one conforme
    occurrence; no element in scope gives the scope's `empty` outcome."""
    scope = rule.scope
    assert scope is not None
    res = walk(data, scope.items, ctx)
    if not res.found and res.missing and not reached_list(res.missing, scope.items):
        return [Occurrence(_A_RENSEIGNER, _strip_root(Verdict(FALSE, res.missing[0], None, gaps(res)[:1])))]
    inner = Context(ctx.today, ctx.root if ctx.root is not None else data)
    out: list[Occurrence] = []
    passed: PathKey | None = None
    for where, element in res.found:
        if scope.where is not None:
            gate = scope.where(element, inner)
            if gate.state == FALSE:
                continue
            if gate.state != TRUE:
                out.append(Occurrence(_A_RENSEIGNER, _rebase(gate, where)))
                continue
        v = rule.check(element, inner)
        if v.state == TRUE:
            passed = passed or where
        elif v.state == FALSE:
            out.append(Occurrence(_NON_CONFORME, _rebase(v, where)))
        else:
            out.append(Occurrence(_A_RENSEIGNER, _rebase(v, where)))
    if out:
        return out
    whole = scope.items.list_prefix
    if passed is not None:
        return [Occurrence(_CONFORME, Verdict(TRUE, whole))]
    return [
        Occurrence(
            scope.empty, Verdict(TRUE if scope.empty is _CONFORME else FALSE, whole), format_path(whole)
        )
    ]


def evaluate(
    doc: Document,
    rules: Iterable[Rule],
    today: date,
    derived: Derived | None = None,
    keys: IdentityKeys | None = None,
) -> list[Finding]:
    """Evaluate every rule on `doc`; findings are sorted by référentiel, chapter, rule id and
    position in the manifest.

    `derived` holds the facts computed by the packs' `derive:` sections, seen by rules under
    `$derived.<name>` and located at the manifest facts that decided them. `keys` gives, per
    list (`identity.providers`), the fields that identify an element across versions."""
    derived = derived or Derived()
    data = {**doc.data, DERIVED_ROOT: derived.values()} if derived.facts else doc.data
    ctx = Context(today, data)
    keys = keys or {}
    findings: list[Finding] = []
    append = findings.append
    # rules in report order: each rule's findings come out sorted, and a rule's occurrences
    # stay in manifest order (lists are walked in order), as a stable sort of them would give
    for rule in in_report_order(rules):
        try:
            if rule.scope is None:
                # the common case, without building occurrences: one verdict, one finding
                if rule.applies_when is not None:
                    gate = _strip_root(rule.applies_when(data, ctx))
                    if gate.state != TRUE:
                        outcome = _NON_APPLICABLE if gate.state == FALSE else _A_RENSEIGNER
                        append(_finding(rule, doc, outcome, gate, None, derived, keys))
                        continue
                verdict = _strip_root(rule.check(data, ctx))
                state = verdict.state
                if state == TRUE:
                    append(_conforme(rule, doc, verdict, derived))
                    continue
                if state == FALSE and verdict.elements is not None and len(verdict.elements) > 1:
                    found = evaluate_rule(rule, data, ctx)[1]
                else:
                    outcome = _NON_CONFORME if state == FALSE else _A_RENSEIGNER
                    append(_finding(rule, doc, outcome, verdict, None, derived, keys))
                    continue
            else:
                found = evaluate_rule(rule, data, ctx)[1]
        except Exception as exc:  # a rule must never crash a batch with a traceback
            file, _, at_line = rule.source.rpartition(":")
            raise PackError.single(
                file,
                int(at_line) if at_line.isdigit() else 0,
                0,
                Msg(
                    f"évaluation impossible sur {doc.file} ({type(exc).__name__}: {exc})",
                    f"cannot be evaluated on {doc.file} ({type(exc).__name__}: {exc})",
                ).after(rule.id),
            ) from exc
        for occ in found:
            append(_finding(rule, doc, occ.outcome, occ.verdict, occ.empty_scope, derived, keys))
    return findings


# A batch evaluates the same chosen rules on every manifest: their report order is computed
# once. Keyed by the rules' identities; the value keeps the rules alive so an id is not reused.
_ORDERED: dict[tuple[int, ...], tuple[list[Rule], list[Rule]]] = {}
_ORDERED_MAX = 16


def in_report_order(rules: Iterable[Rule]) -> list[Rule]:
    """`rules` sorted as findings are reported (référentiel, chapter, rule id), stable."""
    given = list(rules)
    ident = tuple(map(id, given))
    found = _ORDERED.get(ident)
    if found is not None:
        return found[1]
    ordered = sorted(given, key=_rule_key)
    if len(_ORDERED) >= _ORDERED_MAX:
        _ORDERED.clear()
    _ORDERED[ident] = (given, ordered)
    return ordered


def _rule_key(rule: Rule) -> tuple[tuple[int, str], NaturalKey, NaturalKey]:
    return finding_order(rule.referentiel, rule.chapter, rule.id)


def _located(doc: Document, where: PathKey) -> tuple[Location, Proof | None]:
    """Where a finding decided at `where` points: the manifest line, or the evidence file the
    fact was read from."""
    source = doc.sources.get(where) if doc.sources else None
    if source is None:
        span = doc.index.get(where)
        if span is not None:
            return Location(doc.file, span.line, span.column, True), None
        line, column, exact = doc.locate(where)
        return Location(doc.file, line, column, exact), None
    at, proof = source  # the deciding fact was read in an evidence file: the finding points there
    return Location(at.file, at.line, at.column, at.exact), proof


def _conforme(rule: Rule, doc: Document, verdict: Verdict, derived: Derived) -> Finding:
    """`_finding` for a conforme verdict of a rule without scope, the most frequent finding: the
    message is the rule's title, no element is named (it speaks of the whole list)."""
    decided: PathKey = verdict.path or ()
    where = locate_derived(decided, derived) if decided and decided[0] == DERIVED_ROOT else decided
    shown = format_path(decided)
    location, proof = _located(doc, where)
    value = verdict.value
    return Finding(
        rule.id,
        _CONFORME,
        rule.severity,
        rule.weight,
        rule.title,
        shown,
        location,
        rule.chapter,
        rule.referentiel,
        rule.pack_id,
        rule.references,
        rule.provenance.evidence,
        value=value if isinstance(value, _PLAIN) else None,
        keyed_path=shown,
        proof=proof,
    )


_PLAIN = (str, int, float, bool)


def _finding(
    rule: Rule,
    doc: Document,
    outcome: Outcome,
    verdict: Verdict,
    empty_scope: str | None,
    derived: Derived,
    keys: IdentityKeys,
) -> Finding:
    # A derived fact is named as such in messages, but located at the manifest fact behind it.
    decided: PathKey = verdict.path or ()
    where = locate_derived(decided, derived) if decided and decided[0] == DERIVED_ROOT else decided
    missing: tuple[str, ...] = ()
    reason: Text | None = None
    element: str | None = None
    element_named = False
    shown = format_path(decided)
    keyed = shown
    if outcome is _CONFORME:
        message = rule.title  # a conforme rule speaks of the whole list, not of one element
    elif outcome is _A_RENSEIGNER:
        if verdict.missing:
            verdict.missing = expand_missing(verdict.missing, derived)
            where = locate_derived(verdict.missing[0][0], derived)
        facts = list(dict.fromkeys(fact for _, fact in verdict.missing))
        missing = tuple(facts)
        shown = keyed = facts[0] if facts else shown
        if _in_list(where):
            element = element_label(where, doc.data, keys, rule.scope.label if rule.scope else ())
            keyed = keyed_path(where, doc.data, keys, tail=shown)
        message = Text(
            f"Fait à déclarer : {', '.join(facts)}",
            f"Fact to declare: {', '.join(facts)}",
        )
    elif empty_scope is not None:
        # for_each with no element in scope: the scope's `empty` outcome, said as such
        reason = Text(
            f"aucun élément de {empty_scope} n'est concerné",
            f"no element of {empty_scope} is concerned",
        )
        if outcome is _NON_APPLICABLE:
            message = Text(f"Non applicable : {reason.fr}", f"Not applicable: {reason.en}")
        else:
            message = _fmt(rule.message or rule.title, path=shown, value="", compared="", element="")
    elif outcome is _NON_APPLICABLE:
        value = _shown_value(decided, verdict.value, derived=derived) if verdict.value is not None else None
        fact = (
            derived.facts.get(str(decided[1]))
            if decided[:1] == (DERIVED_ROOT,) and len(decided) > 1
            else None
        )
        # a computed fact is named by its title (« Criticité … = 2 »), not by its $derived path
        reason, message = _not_applicable(fact.title if fact is not None else shown, value)
    else:  # non conforme
        if _in_list(decided):
            element = element_label(where, doc.data, keys, rule.scope.label if rule.scope else ())
            keyed = keyed_path(decided, doc.data, keys)
        template = rule.message or rule.title
        message = _fmt(
            template,
            path=shown or "(racine)",
            value=_shown_value(decided, verdict.value, derived=derived) if verdict.value is not None else "",
            compared=_shown_value(decided, verdict.other, derived=derived)
            if verdict.other is not None
            else "",
            element=_element_text(element, where, doc.data, keys, rule.scope.label if rule.scope else ())
            or "",
        )
        # a list of plain values (countries…): the value the message shows is the element
        element_named = "{value}" in template.fr and _scalar(verdict.value) == element
    named = _element_text(element, where, doc.data, keys, rule.scope.label if rule.scope else ())
    if named is not None and not element_named and "{element}" not in (rule.message or rule.title).fr:
        message = Text(
            _name_element(message.fr, named.fr),
            _name_element(message.en, named.get("en")) if message.en else None,
        )
    location, proof = _located(doc, where)
    return Finding(
        rule_id=rule.id,
        outcome=outcome,
        severity=rule.severity,
        weight=rule.weight,
        message=message,
        path=shown,
        location=location,
        chapter=rule.chapter,
        referentiel=rule.referentiel,
        pack_id=rule.pack_id,
        references=rule.references,
        evidence=rule.provenance.evidence,
        missing=missing,
        reason=reason,
        value=verdict.value if isinstance(verdict.value, _PLAIN) else None,
        element=element,
        keyed_path=keyed,
        element_label=named,
        proof=proof,
    )


def _element_text(
    element: str | None, where: PathKey, data: Any, keys: IdentityKeys, fields: tuple[str, ...]
) -> Text | None:
    """The element's name in each language, enum values labelled; None when there is none."""
    if not element:
        return None
    return Text(
        element_label(where, data, keys, fields, "fr") or element,
        element_label(where, data, keys, fields, "en") or element,
    )


def _name_element(message: str, element: str) -> str:
    """The message naming the element it is about, inside its sentence: "… (élément)."."""
    if message.endswith(".") and not message.endswith("..."):
        return f"{message[:-1]} ({element})."
    return f"{message} ({element})"


def _in_list(path: PathKey) -> bool:
    return int in map(type, path)  # C-level scan: this runs for every finding


def _star(path: PathKey) -> str:
    out = format_path(tuple("\x01" if isinstance(p, int) else p for p in path))
    return out.replace('["\x01"]', "[*]").replace(".\x01", "[*]")


def _escape(value: Any) -> str:
    """A key value as written in a keyed path: in full (two long names differing only at the end
    must not collide), brackets, commas and equals signs escaped; a very long value is shortened
    to a prefix and a digest, still unique."""
    text = ("true" if value else "false") if isinstance(value, bool) else str(value)
    if len(text) > 80:
        text = text[:60] + "~" + hashlib.sha256(text.encode()).hexdigest()[:12]
    for ch in "\\],=":
        text = text.replace(ch, "\\" + ch)
    return text


def _selector(
    items: list[Any], index: int, fields: tuple[str, ...], shown: Callable[[str, Any], str] | None = None
) -> tuple[str, str | None]:
    """How an element of a list is named: by its identity fields, by its value when it is a
    scalar, else by its position (1-based for people). Returns (selector, label). `shown(field,
    value)` writes a value for people (its label); by default the raw value."""
    element = items[index]
    show = shown or (lambda _field, value: _scalar(value))

    def ident(item: Any) -> tuple[Any, ...] | None:
        if isinstance(item, dict) and fields:
            found = tuple((f, item.get(f)) for f in fields if _plain(item.get(f)))
            return found or None
        if _plain(item):
            return (("", item),)
        return None

    mine = ident(element)
    if mine is None:
        return str(index), f"#{index + 1}"
    twin = _twins(items, fields, ident)[index]
    if mine[0][0] == "":
        selector = "=" + _escape(mine[0][1])
        label = show("", mine[0][1])
    else:
        selector = ",".join(f"{k}={_escape(v)}" for k, v in mine)
        # one identity field reads best as its value alone ("le flux « Traces »"); several
        # are named ("audience = responsables, provider = comptes-locaux")
        label = (
            show(mine[0][0], mine[0][1])
            if len(mine) == 1
            else ", ".join(f"{k} = {show(k, v)}" for k, v in mine)
        )
    if twin:
        selector += f"#{twin + 1}"
        label += f" (#{index + 1})"
    return selector, label


# How many elements before each one share its identity, per list: counted once per list, not
# once per finding (a list of 15,000 failing elements made that quadratic). The cache holds the
# list itself, so an id is never reused while its entry lives.
_TWINS: dict[tuple[int, tuple[str, ...]], tuple[list[Any], list[int]]] = {}
_TWINS_MAX = 8


def _twins(items: list[Any], fields: tuple[str, ...], ident: Callable[[Any], Any]) -> list[int]:
    key = (id(items), fields)
    hit = _TWINS.get(key)
    if hit is not None and hit[0] is items and len(hit[1]) == len(items):
        return hit[1]
    seen: dict[Any, int] = {}
    counts = []
    for item in items:
        found = ident(item)
        if found is None:
            counts.append(0)
            continue
        counts.append(seen.get(found, 0))
        seen[found] = counts[-1] + 1
    if len(_TWINS) >= _TWINS_MAX:
        _TWINS.clear()
    _TWINS[key] = (items, counts)
    return counts


def _plain(value: Any) -> bool:
    return isinstance(value, str | int | float | bool)


def keyed_path(path: PathKey, data: Any, keys: IdentityKeys, tail: str | None = None) -> str:
    """`path` with each list position replaced by the element's identity (its declared key
    fields, or its value for a scalar), so reordering a list or inserting into it leaves the
    path of every other element unchanged. `tail`: the shown path when it goes beyond `path`
    (a missing fact)."""
    if not any(isinstance(p, int) for p in path):
        return tail if tail is not None else format_path(path)
    out = ""
    value = data
    walked: list[str | int] = []
    for seg in path:
        if isinstance(seg, int) and isinstance(value, list) and seg < len(value):
            selector, _ = _selector(value, seg, keys.get(_star(tuple(walked)), ()))
            out += f"[{selector}]"
            value = value[seg]
        else:
            if isinstance(seg, int):
                out += f"[{seg}]"
                value = None
            else:
                out += format_path((seg,)) if not out else format_path(("x", seg))[1:]
                value = value.get(seg) if isinstance(value, dict) else None
        walked.append(seg)
    if tail is not None:
        concrete = format_path(path)
        if tail.startswith(concrete):
            out += tail[len(concrete) :]
    return out


def element_label(
    path: PathKey, data: Any, keys: IdentityKeys, fields: tuple[str, ...] = (), lang: str | None = None
) -> str | None:
    """A person's name for the innermost list element on `path` ("audience = parents"), or None
    when the path crosses no list. With `lang`, enum values are written with their labels
    ("audience = parents et responsables légaux")."""
    last = max((i for i, p in enumerate(path) if isinstance(p, int)), default=None)
    if last is None:
        return None
    value = data
    for seg in path[:last]:
        value = (
            value.get(seg)
            if isinstance(value, dict)
            else (
                value[seg] if isinstance(value, list) and isinstance(seg, int) and seg < len(value) else None
            )
        )
    index = path[last]
    if not isinstance(value, list) or not isinstance(index, int) or index >= len(value):
        return None
    chosen = fields or keys.get(_star(path[:last]), ())
    if lang is None:
        return _selector(value, index, chosen)[1]
    at = (*path[:last], index)

    def shown(field: str, raw: Any) -> str:
        found = label_at((*at, field) if field else at, raw, lang)
        return found if found is not None else _scalar(raw)

    return _selector(value, index, chosen, shown)[1]
