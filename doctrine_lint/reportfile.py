"""A lint result as comparisons read it (`diff`, `impact`): per manifest its findings, its scores
per référentiel and chapter, its status and its profile checks, with the report's stamp.

Two sources give the same data: a JSON report file (`read_report`, formats 3 to 5; what changed
between versions is dispatched on `format_version` in one place, `_UPGRADES`) and a run of the
linter (`from_result`). A report file is untrusted input: it is read through
`files.read_json` (a regular file, at most the baselines' size limit, nesting bounded) and
every field used is checked, a wrong one refused with where it is (`manifests[0].findings[3].
rule_id`). Texts stay as read: the output edges escape them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .baseline import MAX_BYTES, occurrence_path
from .chapters import chapter_label
from .errors import DoctrineLintError, Msg, UsageError
from .files import read_json
from .linter import ManifestResult
from .model import Finding, Outcome, ScoreLine, Severity


@dataclass(frozen=True, slots=True)
class FindingData:
    """One occurrence, as a report gives it (its message in the report's language)."""

    rule_id: str
    outcome: Outcome
    severity: Severity
    weight: float
    message: str
    path: str
    keyed_path: str | None
    element: str | None
    file: str
    line: int
    column: int
    referentiel: str
    chapter: str
    pack: str

    @property
    def identity(self) -> tuple[str, str]:
        """Rule and keyed path: the same occurrence in two versions, whatever the file's name
        or line (`baseline.occurrence_path`)."""
        return self.rule_id, occurrence_path(self.path, self.keyed_path)


@dataclass(frozen=True, slots=True)
class ScoreData:
    """One score line: the overall one, a référentiel's (`referentiel` None) or a chapter's."""

    key: str
    label: str  # for people: the référentiel's title, the chapter's « source §n — title »
    score: float | None
    completeness: float | None
    status: str | None
    referentiel: str | None = None


@dataclass(frozen=True, slots=True)
class ProfileCheckData:
    requirement: str
    ok: bool


@dataclass(slots=True)
class ManifestData:
    file: str
    sha256: str
    findings: list[FindingData]
    overall: ScoreData
    referentiels: list[ScoreData] = field(default_factory=list)
    chapters: list[ScoreData] = field(default_factory=list)
    profile: list[ProfileCheckData] = field(default_factory=list)  # empty: no profile applied

    @property
    def status(self) -> str | None:
        return self.overall.status


@dataclass(slots=True)
class ReportData:
    source: str  # the file read, or "" for a run
    format_version: int
    lang: str
    stamp: dict[str, Any]
    manifests: list[ManifestData]
    errors: list[str] = field(default_factory=list)  # « file:line:col: message » of the run


# --- from a run --------------------------------------------------------------------------------


def _score_of(line: ScoreLine, lang: str, referentiel: str | None = None, chapter: bool = False) -> ScoreData:
    label = chapter_label(line.title, lang) if chapter else line.title.get(lang)
    return ScoreData(line.key, label, line.score, line.completeness, line.status, referentiel)


def finding_data(f: Finding, lang: str) -> FindingData:
    return FindingData(
        f.rule_id,
        f.outcome,
        f.severity,
        f.weight,
        f.message.get(lang),
        f.path,
        f.keyed_path,
        f.element,
        f.location.file,
        f.location.line,
        f.location.column,
        f.referentiel,
        f.chapter,
        f.pack_id,
    )


def from_result(result: ManifestResult, lang: str) -> ManifestData:
    """The data of a manifest just linted, as its JSON report in `lang` would give it."""
    s = result.scores
    return ManifestData(
        result.file,
        result.sha256,
        [finding_data(f, lang) for f in result.findings],
        _score_of(s.overall, lang),
        [_score_of(r, lang) for r in s.referentiels],
        [_score_of(c, lang, ref, chapter=True) for ref, c in s.chapters],
        [ProfileCheckData(c.requirement.get(lang), c.ok) for c in result.profile],
    )


# --- from a JSON report ------------------------------------------------------------------------

CURRENT_VERSION = 5
OLDEST_VERSION = 3


def _same(doc: dict[str, Any], shape: _Shape) -> dict[str, Any]:
    return doc


def _lean(doc: dict[str, Any], shape: _Shape) -> dict[str, Any]:
    """Format 5: the rules' texts once in `rules`, findings whole again (`json_report.expand`)
    once every rule they refer to is there."""
    from .formats.json_report import expand

    table = shape.obj(doc.get("rules"), "rules")
    for i, m in enumerate(doc["manifests"]):
        at = _join("manifests", i)
        shape.text(shape.obj(m, at), "file", at)
        for j, f in enumerate(shape.items(shape.obj(m, at), "findings", at)):
            place = _join(_join(at, "findings"), j)
            rule = shape.obj(
                table.get(shape.text(shape.obj(f, place), "rule_id", place)), _join(place, "rule_id")
            )
            location = shape.obj(f.get("location"), _join(place, "location"))
            for key in ("line", "column", "exact"):
                if key not in location:
                    raise shape.fail(
                        _join(_join(place, "location"), key), Msg("champ absent", "missing field")
                    )
            for key in (
                "title",
                "severity",
                "weight",
                "referentiel",
                "chapter",
                "pack",
                "evidence",
                "references",
            ):
                if key not in rule:
                    raise shape.fail(
                        _join(_join("rules", f["rule_id"]), key), Msg("champ absent", "missing field")
                    )
            for key in ("outcome", "path", "element"):
                if key not in f:
                    raise shape.fail(_join(place, key), Msg("champ absent", "missing field"))
    try:
        return expand(doc)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:  # a shape the checks above missed
        raise shape.fail(
            "", Msg(f"rapport JSON mal formé ({exc!r})", f"malformed JSON report ({exc!r})")
        ) from None


# What turns each readable format into the shape read here (the format-4 one). Format 3 differs
# only by the stamp's `config`, which comparisons do not read; format 5 lists the rules' texts
# once and its findings refer to them.
_UPGRADES: dict[int, Callable[[dict[str, Any], _Shape], dict[str, Any]]] = {3: _same, 4: _same, 5: _lean}


class _Shape:
    """Checks a report's fields, each error located by its place in the document."""

    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, where: str, msg: Msg) -> DoctrineLintError:
        return UsageError.single(self.source, 0, 0, msg.after(where) if where else msg)

    def obj(self, value: Any, where: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(where, Msg("objet JSON attendu", "JSON object expected"))
        return value

    def items(self, parent: Mapping[str, Any], key: str, where: str) -> list[Any]:
        value = parent.get(key)
        if not isinstance(value, list):
            raise self.fail(_join(where, key), Msg("liste attendue", "list expected"))
        return value

    def text(self, parent: Mapping[str, Any], key: str, where: str, *, null: bool = False) -> Any:
        value = parent.get(key)
        if not (isinstance(value, str) or (null and value is None)):
            expected = (
                Msg("texte ou null attendu", "text or null expected")
                if null
                else Msg("texte attendu", "text expected")
            )
            raise self.fail(_join(where, key), expected)
        return value

    def number(self, parent: Mapping[str, Any], key: str, where: str, *, null: bool = False) -> Any:
        value = parent.get(key)
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
        if not (ok or (null and value is None)):
            raise self.fail(_join(where, key), Msg("nombre attendu", "number expected"))
        return value

    def choice(self, parent: Mapping[str, Any], key: str, where: str, allowed: Mapping[str, Any]) -> Any:
        value = parent.get(key)
        if not isinstance(value, str) or value not in allowed:
            shown = ", ".join(sorted(allowed))
            raise self.fail(
                _join(where, key), Msg(f"valeur attendue parmi {shown}", f"value expected among {shown}")
            )
        return allowed[value]


def _join(where: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{where}[{key}]"
    return f"{where}.{key}" if where else key


_OUTCOMES = {o.value: o for o in Outcome}
_SEVERITIES = {s.slug: s for s in Severity}
_STATUSES = {s: s for s in ("conforme", "partiellement-conforme", "non-conforme", "incomplet")}


def _score(shape: _Shape, raw: Any, where: str, *, chapter: bool = False) -> ScoreData:
    line = shape.obj(raw, where)
    key = shape.text(line, "key", where)
    title = shape.text(line, "title", where)
    status = None if line.get("status") is None else shape.choice(line, "status", where, _STATUSES)
    return ScoreData(
        key,
        shape.text(line, "label", where) if chapter else title,
        shape.number(line, "score", where, null=True),
        shape.number(line, "completeness", where, null=True),
        status,
        shape.text(line, "referentiel", where) if chapter else None,
    )


def _finding(shape: _Shape, raw: Any, where: str) -> FindingData:
    f = shape.obj(raw, where)
    at = shape.obj(f.get("location"), _join(where, "location"))
    line_at = _join(where, "location")
    return FindingData(
        shape.text(f, "rule_id", where),
        shape.choice(f, "outcome", where, _OUTCOMES),
        shape.choice(f, "severity", where, _SEVERITIES),
        float(shape.number(f, "weight", where)),
        shape.text(f, "message", where),
        shape.text(f, "path", where),
        shape.text(f, "keyed_path", where, null=True),
        shape.text(f, "element", where, null=True),
        shape.text(at, "file", line_at),
        int(shape.number(at, "line", line_at)),
        int(shape.number(at, "column", line_at)),
        shape.text(f, "referentiel", where),
        shape.text(f, "chapter", where),
        shape.text(f, "pack", where),
    )


def _manifest(shape: _Shape, raw: Any, where: str) -> ManifestData:
    m = shape.obj(raw, where)
    scores = shape.obj(m.get("scores"), _join(where, "scores"))
    at = _join(where, "scores")
    checks = []
    for i, c in enumerate(shape.items(m, "profile", where)):
        place = _join(_join(where, "profile"), i)
        check = shape.obj(c, place)
        if not isinstance(check.get("ok"), bool):
            raise shape.fail(_join(place, "ok"), Msg("true ou false attendu", "true or false expected"))
        checks.append(ProfileCheckData(shape.text(check, "requirement", place), check["ok"]))
    return ManifestData(
        shape.text(m, "file", where),
        shape.text(m, "sha256", where),
        [
            _finding(shape, f, _join(_join(where, "findings"), i))
            for i, f in enumerate(shape.items(m, "findings", where))
        ],
        _score(shape, scores.get("overall"), _join(at, "overall")),
        [
            _score(shape, r, _join(_join(at, "referentiels"), i))
            for i, r in enumerate(shape.items(scores, "referentiels", at))
        ],
        [
            _score(shape, c, _join(_join(at, "chapters"), i), chapter=True)
            for i, c in enumerate(shape.items(scores, "chapters", at))
        ],
        checks,
    )


def _refused(source: str, version: int) -> DoctrineLintError:
    if version > max(_UPGRADES):
        return UsageError.single(
            source,
            0,
            0,
            Msg(
                f"rapport JSON au format {version}, plus récent que cette version de doctrine-lint "
                f"(formats {OLDEST_VERSION} à {max(_UPGRADES)}) : mettez doctrine-lint à jour",
                f"JSON report in format {version}, newer than this version of doctrine-lint "
                f"(formats {OLDEST_VERSION} to {max(_UPGRADES)}): upgrade doctrine-lint",
            ),
        )
    return UsageError.single(
        source,
        0,
        0,
        Msg(
            f"rapport JSON au format {version}, trop ancien pour être comparé (formats "
            f"{OLDEST_VERSION} à {max(_UPGRADES)} lus) : réécrivez-le depuis le manifeste avec "
            "cette version (doctrine-lint MANIFESTE --format json -o rapport.json), ou comparez "
            "directement les manifestes",
            f"JSON report in format {version}, too old to be compared (formats {OLDEST_VERSION} "
            f"to {max(_UPGRADES)} are read): write it again from the manifest with this version "
            "(doctrine-lint MANIFEST --format json -o report.json), or compare the manifests "
            "themselves",
        ),
    )


def parse_report(doc: Any, source: str) -> ReportData:
    """The data of a JSON report already decoded (`source` names it in errors)."""
    shape = _Shape(source)
    version = doc.get("format_version") if isinstance(doc, dict) else None
    if not isinstance(doc, dict) or type(version) is not int or not isinstance(doc.get("manifests"), list):
        raise shape.fail(
            "",
            Msg(
                "ce fichier n'est pas un rapport JSON de doctrine-lint (--format json)",
                "this file is not a doctrine-lint JSON report (--format json)",
            ),
        )
    upgrade = _UPGRADES.get(version)
    if upgrade is None:
        raise _refused(source, version)
    doc = upgrade(doc, shape)
    stamp = shape.obj(doc.get("stamp"), "stamp")
    lang = shape.choice(stamp, "lang", "stamp", {"fr": "fr", "en": "en"})
    errors = []
    for i, e in enumerate(shape.items(doc, "errors", "")):
        place = _join("errors", i)
        err = shape.obj(e, place)
        line = int(shape.number(err, "line", place))
        spot = f":{line}:{int(shape.number(err, 'column', place))}" if line else ""
        errors.append(f"{shape.text(err, 'file', place)}{spot}: {shape.text(err, 'message', place)}")
    manifests = [_manifest(shape, m, _join("manifests", i)) for i, m in enumerate(doc["manifests"])]
    return ReportData(source, version, lang, stamp, manifests, errors)


def read_report(path: Path | str) -> ReportData:
    """Read a JSON report written by `doctrine-lint --format json` (formats 3 to 5); a located
    `UsageError` for anything else."""
    doc = read_json(
        Path(path),
        MAX_BYTES,
        missing=Msg("rapport JSON introuvable", "JSON report not found"),
    )
    return parse_report(doc, str(path))


def pick(report: ReportData, name: str | None) -> ManifestData:
    """The one manifest of `report`, or the one `name` designates (its file as written in the
    report, or the end of that path: `ent.yaml` picks `depot/ent.yaml`)."""
    found = report.manifests
    if name is not None:
        exact = [m for m in found if m.file == name]
        found = exact or [m for m in found if m.file.endswith("/" + name.lstrip("/"))]
    if len(found) == 1:
        return found[0]
    names = ", ".join(m.file for m in report.manifests) or "—"
    if not report.manifests:
        msg = Msg("le rapport ne contient aucun manifeste", "the report holds no manifest")
    elif name is None:
        msg = Msg(
            f"le rapport contient {len(report.manifests)} manifestes : choisissez-en un avec "
            f"--manifest NOM ({names})",
            f"the report holds {len(report.manifests)} manifests: pick one with --manifest NAME ({names})",
        )
    elif not found:
        msg = Msg(
            f"aucun manifeste « {name} » dans le rapport ({names})",
            f"no manifest '{name}' in the report ({names})",
        )
    else:
        msg = Msg(
            f"« {name} » désigne plusieurs manifestes du rapport : donnez son chemin entier ({names})",
            f"'{name}' names several manifests of the report: give its whole path ({names})",
        )
    raise UsageError.single(report.source, 0, 0, msg)
