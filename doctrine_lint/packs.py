"""Rule packs: load the YAML, validate it against the pack schema, compile the rules, resolve `extends`.

A pack is data only. Compiling checks what the schema cannot: paths, regular expressions,
operators, embedded JSON Schemas, chapters, duplicate ids and override targets; every problem is
reported at the pack's own line and column.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

from . import packcache
from .chapters import Chapter
from .conditions import Compiler, ConditionError, Evaluator, NamedConditionError
from .derived import Case, Derivation, Metric, WeightedRatio
from .document import Document, parse_document, read_text
from .errors import Msg, PackError, Problem
from .model import DEFAULT_WEIGHTS, Evidence, Outcome, Provenance, Reference, Severity, Text
from .paths import WILDCARD, FieldPath, PathSyntaxError, parse_path
from .renames import resolve
from .resources import shipped_packs
from .suggest import did_you_mean as _did_you_mean
from .validation import validate_document


@dataclass(frozen=True, slots=True)
class ExpectedFinding:
    """An occurrence an example promises: the manifest path it is located at, and its outcome."""

    path: str
    outcome: Outcome


@dataclass(frozen=True, slots=True)
class Example:
    """A manifest fragment and the outcome the rule must give for it; with `findings`, also
    exactly which occurrences (non conforme, à renseigner) it reports, by path."""

    outcome: Outcome
    manifest: dict[str, Any]
    note: str | None
    line: int
    findings: tuple[ExpectedFinding, ...] | None = None


@dataclass(frozen=True, slots=True)
class Scope:
    """`for_each`: the list a rule walks, the filter choosing its elements (relative to each
    element), the fields that name an element in messages, and the outcome when none is chosen."""

    items: FieldPath  # the list path, ending with [*]
    where: Evaluator | None
    label: tuple[str, ...]
    empty: Outcome


@dataclass(frozen=True, slots=True)
class Rule:
    """A compiled rule: metadata, conditions as evaluators, and the raw conditions for `explain`."""

    id: str
    title: Text
    chapter: str
    chapter_title: Chapter  # its title, source and number: `chapters.chapter_label` shows it
    severity: Severity
    weight: float
    tags: tuple[str, ...]
    rationale: Text
    remediation: Text
    message: Text | None
    references: tuple[Reference, ...]
    provenance: Provenance
    applies_when: Evaluator | None
    check: Evaluator
    examples: tuple[Example, ...]
    pack_id: str
    referentiel: str
    source: str
    examples_date: date | None = None
    raw_applies_when: Any = None
    raw_check: Any = None
    waivable: bool = True
    waiver_max_months: int | None = None
    scope: Scope | None = None
    raw_scope: Any = None
    same_as: tuple[str, ...] = ()  # rules counting the same requirement (one side weighs)


@dataclass(slots=True)
class Pack:
    """A loaded pack, with its base pack when it `extends` one."""

    id: str
    version: str
    title: Text
    referentiel: str
    doctrine_version: str
    chapters: dict[str, Chapter]
    rules: list[Rule]
    file: str
    sha256: str
    url: str | None = None
    base: Pack | None = None
    disabled: list[str] = field(default_factory=list)
    examples_date: date | None = None
    derivations: list[Derivation] = field(default_factory=list)
    metrics: list[Metric] = field(default_factory=list)
    conditions: dict[str, Evaluator] = field(default_factory=dict)  # named, usable by `use:`
    raw_conditions: dict[str, Any] = field(default_factory=dict)
    identity_keys: dict[str, tuple[str, ...]] = field(default_factory=dict)
    score_share: float | None = None  # a catalogue pack's share of its référentiel's rates
    renamed: dict[str, str] = field(default_factory=dict)  # old rule id → new id (`renames`)

    def lineage(self) -> list[Pack]:
        """This pack and every pack it extends, nearest first."""
        out: list[Pack] = []
        cur: Pack | None = self
        while cur is not None:
            out.append(cur)
            cur = cur.base
        return out


# Wall-clock budget for loading one pack file (parse, validation, compilation, and the packs it
# extends). Every step is bounded by construction (regexes, `$ref`, sizes); this is
# the safety net that turns anything still slow into a clear error. The largest shipped pack
# (1 MB) loads in under a second without cache.
PACK_LOAD_BUDGET = 20.0


def _check_budget(path: Path, started: float) -> None:
    if time.monotonic() - started > PACK_LOAD_BUDGET:
        raise PackError.single(
            str(path),
            0,
            0,
            Msg(
                f"chargement du pack trop long (plus de {PACK_LOAD_BUDGET:g} s) : "
                "réduire le pack ou simplifier ses conditions",
                f"pack took too long to load (more than {PACK_LOAD_BUDGET:g} s): "
                "make the pack smaller or its conditions simpler",
            ),
        )


def _shipped_by_id() -> dict[str, Path]:
    return {p.stem: p for p in shipped_packs()}


def load_pack(path: Path | str, *, _chain: tuple[str, ...] = ()) -> Pack:
    """Load, validate and compile one pack file (and the packs it extends)."""
    path = Path(path)
    started = time.monotonic()
    text, raw = read_text(path, str(path), error=PackError)
    doc = packcache.get(raw, str(path))
    cached = doc is not None
    if doc is None:
        doc = _parse_and_validate(text, raw, path)
        _check_budget(path, started)
    try:
        pack = _compile_pack(doc, path, _chain, trusted=cached, started=started)
    except Exception:
        if not cached:
            raise
        # a cached entry keeps few positions: parse again so the error points at the right place
        return _compile_pack(_parse_and_validate(text, raw, path), path, _chain, started=started)
    _check_budget(path, started)
    if not cached:
        # only a pack that compiled cleanly is cached: its errors always get full positions
        packcache.put(raw, doc)
    return pack


def _parse_and_validate(text: str, raw: bytes, path: Path) -> Document:
    doc = parse_document(text, str(path), error=PackError)
    doc.sha256 = hashlib.sha256(raw).hexdigest()
    problems = validate_document(doc, "rulepack")
    if problems:
        raise PackError(problems)
    return doc


def _compile_pack(
    doc: Document,
    path: Path,
    _chain: tuple[str, ...],
    *,
    trusted: bool = False,
    started: float | None = None,
) -> Pack:
    started = time.monotonic() if started is None else started
    data = doc.data
    header = data["pack"]
    if header["id"] in _chain:
        chain = " -> ".join((*_chain, header["id"]))
        raise PackError(
            [
                doc.problem(
                    ("pack", "extends"),
                    Msg(f"héritage circulaire : {chain}", f"circular extension: {chain}"),
                )
            ]
        )
    base = None
    if "extends" in header:
        base = _load_base(doc, header["extends"], path, (*_chain, header["id"]))
    elif "overrides" in data:
        raise PackError(
            [
                doc.problem(
                    ("overrides",),
                    Msg(
                        "« overrides » n'a de sens qu'avec « pack.extends »",
                        '"overrides" only makes sense with "pack.extends"',
                    ),
                )
            ]
        )

    referentiel = header.get("referentiel") or (base.referentiel if base else "")
    if base is not None and referentiel != base.referentiel:
        raise PackError(
            [
                doc.problem(
                    ("pack", "referentiel"),
                    Msg(
                        f"un pack qui étend « {base.id} » garde son référentiel « {base.referentiel} »",
                        f'a pack that extends "{base.id}" keeps its référentiel "{base.referentiel}"',
                    ),
                )
            ]
        )
    examples_date = (
        date.fromisoformat(header["examples_date"])
        if "examples_date" in header
        else (base.examples_date if base else None)
    )
    chapters = dict(base.chapters) if base else {}
    chapters.update({k: Chapter.declared(k, v) for k, v in header.get("chapters", {}).items()})
    problems: list[Problem] = []
    raw_conditions = dict(base.raw_conditions) if base else {}
    own_conditions = data.get("conditions") or {}
    problems += [
        doc.problem(
            ("conditions", name),
            Msg(
                f"condition nommée « {name} » déjà définie par le pack étendu",
                f'named condition "{name}" already defined by the extended pack',
            ),
            key=True,
        )
        for name in own_conditions
        if name in raw_conditions
    ]
    raw_conditions.update(own_conditions)
    compiler = Compiler(own_conditions, base.conditions if base else None, trusted=trusted)
    named: dict[str, Evaluator] = {}
    try:
        named = compiler.compile_all()
    except NamedConditionError as exc:
        problems.append(
            doc.problem(("conditions", exc.name, *exc.inner.where), exc.msg, key=not exc.inner.where)
        )
    identity_keys = dict(base.identity_keys) if base else {}
    for list_path, fields in (data.get("identity_keys") or {}).items():
        try:
            parsed = parse_path(list_path)
        except PathSyntaxError as exc:
            problems.append(doc.problem(("identity_keys", list_path), exc.msg, key=True))
            continue
        if (
            parsed.rooted
            or parsed.segments[-1] is WILDCARD
            or any(isinstance(s, int) for s in parsed.segments)
        ):
            problems.append(
                doc.problem(
                    ("identity_keys", list_path),
                    Msg(
                        "clé d'identité : nommez la liste elle-même (a.b, a[*].b), sans [*] final ni position",
                        "identity key: name the list itself (a.b, a[*].b), without a final [*] or position",
                    ),
                    key=True,
                )
            )
            continue
        identity_keys[list_path] = tuple(fields)
    inherited: dict[str, Rule] = {r.id: r for r in base.rules} if base else {}
    disabled: list[str] = []
    old_ids = dict(base.renamed) if base else {}
    for rule_id, change in (data.get("overrides") or {}).items():
        if rule_id not in inherited:
            rule_id = resolve(rule_id, old_ids, f"{doc.file}: overrides")
        if rule_id not in inherited:
            problems.append(
                doc.problem(
                    ("overrides", rule_id),
                    Msg(
                        f"surcharge d'une règle inconnue du pack étendu : {rule_id}",
                        f"override of a rule unknown to the extended pack: {rule_id}",
                    ).then(_did_you_mean(rule_id, inherited)),
                    key=True,
                )
            )
            continue
        rule = inherited[rule_id]
        if change.get("enabled") is False:
            disabled.append(rule_id)
            del inherited[rule_id]
            continue
        if "severity" in change:
            severity = Severity.from_slug(change["severity"])
            if severity is Severity.BLOQUANT and rule.provenance.evidence in (
                Evidence.SECONDAIRE,
                Evidence.INFERENCE,
            ):
                problems.append(
                    doc.problem(
                        ("overrides", rule_id, "severity"),
                        Msg(
                            f"{rule_id} repose sur une source {rule.provenance.evidence.value} : "
                            "elle ne peut pas être bloquante",
                            f"{rule_id} rests on a {rule.provenance.evidence.value} source: it cannot be blocking",
                        ),
                    )
                )
                continue
            weight = change.get(
                "weight",
                DEFAULT_WEIGHTS[severity] if rule.weight == DEFAULT_WEIGHTS[rule.severity] else rule.weight,
            )
            rule = replace(rule, severity=severity, weight=float(weight))
        elif "weight" in change:
            rule = replace(rule, weight=float(change["weight"]))
        inherited[rule_id] = rule
    # inherited rules take the derived pack's id and its chapter titles (which it may rename)
    rules = [
        replace(rule, pack_id=header["id"], chapter_title=chapters.get(rule.chapter, rule.chapter_title))
        for rule in inherited.values()
    ]

    seen = set(inherited) | set(disabled)
    for i, raw in enumerate(data.get("rules") or []):
        at = ("rules", i)
        if raw["id"] in seen:
            problems.append(
                doc.problem(
                    (*at, "id"),
                    Msg(
                        f"identifiant de règle en double : {raw['id']}", f"duplicate rule id: {raw['id']}"
                    ).then(
                        Msg(
                            " (utilisez « overrides » pour modifier une règle du pack étendu)",
                            ' (use "overrides" to change a rule of the extended pack)',
                        )
                        if raw["id"] in inherited or raw["id"] in disabled
                        else Msg("", ""),
                        "",
                    ),
                )
            )
            continue
        seen.add(raw["id"])
        _check_budget(path, started)
        if raw["chapter"] not in chapters:
            problems.append(
                doc.problem(
                    (*at, "chapter"),
                    Msg(
                        f"chapitre « {raw['chapter']} » absent de pack.chapters",
                        f'chapter "{raw["chapter"]}" missing from pack.chapters',
                    ).then(_did_you_mean(raw["chapter"], chapters)),
                )
            )
            continue
        try:
            rules.append(
                _compile_rule(doc, raw, at, header["id"], referentiel, chapters, examples_date, compiler)
            )
        except PackError as exc:
            problems.extend(exc.problems)
    derivations = list(base.derivations) if base else []
    names = {d.name for d in derivations} | {m.name for m in (base.metrics if base else [])}
    for i, raw in enumerate([*(data.get("derive") or []), *(data.get("metrics") or [])]):
        section = "derive" if i < len(data.get("derive") or []) else "metrics"
        if raw["name"] in names:
            problems.append(
                doc.problem(
                    (section, i if section == "derive" else i - len(data.get("derive") or []), "name"),
                    Msg(
                        f"nom « {raw['name']} » déjà utilisé par un fait calculé ou un indicateur",
                        f'name "{raw["name"]}" already used by a computed fact or a metric',
                    ),
                )
            )
        names.add(raw["name"])
    for i, raw in enumerate(data.get("derive") or []):
        try:
            derivations.append(_compile_derivation(doc, raw, ("derive", i), header["id"], compiler))
        except PackError as exc:
            problems.extend(exc.problems)
    metrics = list(base.metrics) if base else []
    metrics += [_compile_metric(raw, header["id"]) for raw in data.get("metrics") or []]
    renamed = _renamed(doc, old_ids, {r.id for r in rules}, problems)
    if problems:
        raise PackError(sorted(problems, key=lambda p: (p.line, p.column)))
    return Pack(
        id=header["id"],
        version=header["version"],
        title=Text.of(header["title"]),
        referentiel=referentiel,
        doctrine_version=header.get("doctrine_version") or (base.doctrine_version if base else ""),
        chapters=chapters,
        rules=rules,
        file=doc.file,
        sha256=doc.sha256,
        url=header.get("url") or (base.url if base else None),
        base=base,
        disabled=disabled,
        examples_date=examples_date,
        derivations=derivations,
        metrics=metrics,
        conditions=named,
        raw_conditions=raw_conditions,
        identity_keys=identity_keys,
        score_share=float(header["score_share"])
        if "score_share" in header
        else (base.score_share if base else None),
        renamed=renamed,
    )


def _renamed(
    doc: Document, inherited: dict[str, str], ids: set[str], problems: list[Problem]
) -> dict[str, str]:
    """The pack's old id → new id map (with the extended pack's): each new id names a rule of
    the pack, and no old id is still the id of a rule."""
    out = dict(inherited)
    for old, new in (doc.data.get("renamed") or {}).items():
        if old in ids:
            problems.append(
                doc.problem(
                    ("renamed", old),
                    Msg(
                        f"ancien identifiant encore porté par une règle : {old}",
                        f"old id still used by a rule: {old}",
                    ),
                    key=True,
                )
            )
        elif new not in ids:
            problems.append(
                doc.problem(
                    ("renamed", old),
                    Msg(
                        f"nouvel identifiant sans règle dans le pack : {new}",
                        f"new id without a rule in the pack: {new}",
                    ),
                )
            )
        else:
            out[old] = new
    return out


def _compile_derivation(
    doc: Document, raw: dict[str, Any], at: tuple[str | int, ...], pack_id: str, compiler: Compiler
) -> Derivation:
    title = Text.of(raw["title"])
    if "aggregate" in raw:
        agg = raw["aggregate"]
        try:
            statuses = parse_path(agg["statuses"])
        except PathSyntaxError as exc:
            raise PackError([doc.problem((*at, "aggregate", "statuses"), exc.msg)]) from None
        return Derivation(
            raw["name"],
            title,
            pack_id,
            aggregate=WeightedRatio(
                statuses,
                {str(k): float(v) for k, v in agg["weights"].items()},
                frozenset(agg["earned"]),
                frozenset(agg.get("excluded", ())),
                float(agg.get("scale", 100)),
                int(agg.get("digits", 1)),
                frozenset(str(k) for k in agg.get("always_counted", ())),
            ),
            raw=raw,
        )
    cases = []
    problems = []
    for j, case in enumerate(raw["cases"]):
        try:
            cases.append(Case(compiler.compile(case["when"]), case["value"]))
        except ConditionError as exc:
            problems.append(
                doc.problem((*at, "cases", j, "when", *exc.where), exc.msg.after(raw["name"]), key=True)
            )
    if problems:
        raise PackError(problems)
    labels = {str(k): {"fr": v["fr"], "en": v["en"]} for k, v in (raw.get("labels") or {}).items()}
    return Derivation(raw["name"], title, pack_id, tuple(cases), raw.get("default"), labels=labels, raw=raw)


def _compile_metric(raw: dict[str, Any], pack_id: str) -> Metric:
    coefficients = raw.get("coefficients") or {
        "indispensable": 0.6,
        "recommandee": 0.4,
        "partial": 0.5,
        "scale": 5,
    }
    return Metric(
        raw["name"],
        Text.of(raw["title"]),
        pack_id,
        raw["kind"],
        raw["tag"],
        {
            Severity.from_slug(k): v
            for k, v in (raw.get("tiers") or {"majeur": "indispensable", "mineur": "recommandee"}).items()
        },
        frozenset(raw.get("partial_values", ())),
        {k: float(v) for k, v in coefficients.items()},
        int(raw.get("digits", 1)),
        frozenset(raw.get("not_applicable_values", ())),
        str(raw.get("derogations", "done")),
    )


def _load_base(doc: Document, target: str, path: Path, chain: tuple[str, ...]) -> Pack:
    shipped = _shipped_by_id()
    if target in shipped:
        candidate = shipped[target]
    else:
        # A pack may only extend a shipped pack or a pack file beside it (or below it): never an
        # absolute path or one that climbs out, so a pack cannot make the tool read other files.
        candidate = (path.parent / target).resolve()
        if Path(target).is_absolute() or not candidate.is_relative_to(path.parent.resolve()):
            raise PackError(
                [
                    doc.problem(
                        ("pack", "extends"),
                        Msg(
                            f"« extends » doit nommer un pack livré ou un fichier du même dossier : « {target} »",
                            f'"extends" must name a shipped pack or a file in the same folder: "{target}"',
                        ),
                    )
                ]
            )
        if not candidate.is_file():
            known = ", ".join(sorted(shipped))
            message = Msg(
                f"pack étendu introuvable : « {target} » (packs livrés : {known})",
                f'extended pack not found: "{target}" (shipped packs: {known})',
            ).then(_did_you_mean(target, shipped))
            raise PackError([doc.problem(("pack", "extends"), message)])
    return load_pack(candidate, _chain=chain)


def _compile_rule(
    doc: Document,
    raw: dict[str, Any],
    at: tuple[str | int, ...],
    pack_id: str,
    referentiel: str,
    chapters: dict[str, Chapter],
    examples_date: date | None,
    compiler: Compiler,
) -> Rule:
    problems: list[Problem] = []
    compiled: dict[str, Evaluator | None] = {"check": None, "applies_when": None}
    for key in ("applies_when", "check"):
        if key not in raw:
            continue
        try:
            compiled[key] = compiler.compile(raw[key])
        except ConditionError as exc:
            problems.append(doc.problem((*at, key, *exc.where), exc.msg.after(raw["id"]), key=True))
    scope: Scope | None = None
    if "for_each" in raw:
        try:
            scope = _compile_scope(raw["for_each"], compiler)
        except ConditionError as exc:
            problems.append(doc.problem((*at, "for_each", *exc.where), exc.msg.after(raw["id"]), key=True))
    if problems:
        raise PackError(problems)
    severity = Severity.from_slug(raw["severity"])
    prov = raw["provenance"]
    examples = tuple(
        Example(
            Outcome(ex["outcome"]),
            ex["manifest"],
            ex.get("note"),
            doc.locate((*at, "examples", j))[0],
            tuple(ExpectedFinding(f["path"], Outcome(f["outcome"])) for f in ex["findings"])
            if "findings" in ex
            else None,
        )
        for j, ex in enumerate(raw["examples"])
    )
    check = compiled["check"]
    assert check is not None
    return Rule(
        id=raw["id"],
        title=Text.of(raw["title"]),
        chapter=raw["chapter"],
        chapter_title=chapters[raw["chapter"]],
        severity=severity,
        weight=float(raw.get("weight", DEFAULT_WEIGHTS[severity])),
        tags=tuple(raw.get("tags", ())),
        rationale=Text.of(raw["rationale"]),
        remediation=Text.of(raw["remediation"]),
        message=Text.of(raw["message"]) if "message" in raw else None,
        references=tuple(Reference(r["url"], r.get("section"), r.get("title")) for r in raw["references"]),
        provenance=Provenance(
            Evidence(prov["evidence"]),
            prov["legal_basis"],
            bool(prov.get("verified", prov["evidence"] in ("doctrine", "officiel"))),
            Text.of(prov["note"]) if "note" in prov else None,
        ),
        applies_when=compiled["applies_when"],
        check=check,
        examples=examples,
        pack_id=pack_id,
        referentiel=referentiel,
        source=f"{doc.file}:{doc.locate(at)[0]}",
        examples_date=examples_date,
        waivable=bool((raw.get("waiver") or {}).get("allowed", True)),
        waiver_max_months=(raw.get("waiver") or {}).get("max_months"),
        raw_applies_when=raw.get("applies_when"),
        raw_check=raw["check"],
        scope=scope,
        raw_scope=raw.get("for_each"),
        same_as=tuple(raw.get("same_as", ())),
    )


def _compile_scope(raw: dict[str, Any], compiler: Compiler) -> Scope:
    """`for_each: {path, where?, label?, empty?}`: the list is read at the root; `where` and the
    rule's `check` are relative to each element."""
    try:
        items = parse_path(raw["path"])
    except PathSyntaxError as exc:
        raise ConditionError(exc.msg, ("path",)) from None
    if items.segments and items.segments[-1] is not WILDCARD:
        items = FieldPath(items.text + "[*]", (*items.segments, WILDCARD), items.rooted)
    if not items.segments or items.segments[0] == "$derived":
        raise ConditionError(
            Msg("« for_each » parcourt une liste du manifeste", '"for_each" walks a list of the manifest'),
            ("path",),
        )
    where = compiler.compile(raw["where"], ("where",)) if "where" in raw else None
    label = raw.get("label", ())
    return Scope(
        items,
        where,
        (label,) if isinstance(label, str) else tuple(label),
        Outcome(raw.get("empty", "non-applicable")),
    )


def load_packs(extra: Sequence[Path | str] = (), *, shipped: bool = True) -> list[Pack]:
    """Load the shipped packs (unless `shipped` is False) plus `extra` ones.

    A pack that extends another pack of the set replaces it, so its rules are not counted
    twice. Rule ids must be unique across the final set.
    """
    packs: list[Pack] = []
    errors: list[Problem] = []
    candidates = [*(shipped_packs() if shipped else []), *map(Path, extra)]
    # the same file given twice (or a shipped pack named on the command line) loads once
    seen_files: set[Path] = set()
    for path in candidates:
        if path.resolve() in seen_files:
            continue
        seen_files.add(path.resolve())
        try:
            packs.append(load_pack(path))
        except PackError as exc:
            errors.extend(exc.problems)
    if errors:
        raise PackError(errors)
    superseded = {base.id for p in packs for base in p.lineage()[1:]}
    final = [p for p in packs if p.id not in superseded]
    seen: dict[str, str] = {}
    by_id: dict[str, Pack] = {}
    names: dict[str, str] = {}
    for pack in final:
        items: list[Derivation | Metric] = [*pack.derivations, *pack.metrics]
        for item in items:
            if names.setdefault(item.name, item.pack_id) != item.pack_id:
                raise PackError.single(
                    pack.file,
                    1,
                    1,
                    Msg(
                        f"fait calculé « {item.name} » défini dans deux packs ({names[item.name]})",
                        f'computed fact "{item.name}" defined in two packs ({names[item.name]})',
                    ),
                )
    for pack in final:
        if pack.id in by_id:
            raise PackError.single(
                pack.file,
                1,
                1,
                Msg(
                    f"pack « {pack.id} » chargé deux fois ({by_id[pack.id].file})",
                    f'pack "{pack.id}" loaded twice ({by_id[pack.id].file})',
                ),
            )
        by_id[pack.id] = pack
        for rule in pack.rules:
            if rule.id in seen:
                raise PackError.single(
                    pack.file,
                    1,
                    1,
                    Msg(
                        f"règle {rule.id} définie dans deux packs ({seen[rule.id]})",
                        f"rule {rule.id} defined in two packs ({seen[rule.id]})",
                    ),
                )
            seen[rule.id] = pack.file
    for pack in final:
        for old in pack.renamed:
            if old in seen:
                raise PackError.single(
                    pack.file,
                    1,
                    1,
                    Msg(
                        f"ancien identifiant {old} (renamed) encore porté par une règle ({seen[old]})",
                        f"old id {old} (renamed) still used by a rule ({seen[old]})",
                    ),
                )
    return final


def all_rules(packs: Iterable[Pack]) -> list[Rule]:
    return [r for p in packs for r in p.rules]


def all_derivations(packs: Iterable[Pack]) -> list[Derivation]:
    return [d for p in packs for d in p.derivations]


def all_identity_keys(packs: Iterable[Pack]) -> dict[str, tuple[str, ...]]:
    """The identity keys of every list, as the packs declare them (the first pack naming a list
    wins; shipped packs come first)."""
    keys: dict[str, tuple[str, ...]] = {}
    for p in packs:
        for path, fields in p.identity_keys.items():
            keys.setdefault(path, fields)
    return keys


def all_metrics(packs: Iterable[Pack]) -> list[Metric]:
    return [m for p in packs for m in p.metrics]
