"""Evidence files named by a manifest (`evidence: [{kind, path}]`): reading them, filling the
manifest's facts from them, and the findings they give of their own.

A fact read from an official tool's export is the tool's word: it fills the manifest where the
manifest says nothing, and replaces what the manifest says otherwise, the disagreement being a
finding (PREUVE-CONTRADICTION) at the manifest's line. Rules then judge the evidenced value, and
their findings point into the evidence file (row, cell) with its provenance (`Finding.proof`).
Each official figure is checked twice: the file's own figure against the tool's formula applied to
the file's rows, and the manifest's figure against both. Evidence findings are reported and count
for --fail-on, but are not scored (like a dérogation's own findings): the scores already judge the
evidenced facts.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath
from typing import Any

from ..document import Document, PathKey, format_path
from ..errors import Msg, Problem
from ..model import Evidence, Finding, Location, Outcome, Proof, Severity, Text
from ..suggest import did_you_mean
from ..synthetic import EVIDENCE_PACK
from ..synthetic import PREUVE_CHIFFRE as FIGURE_MISMATCH
from ..synthetic import PREUVE_CONTRADICTION as CONTRADICTION
from ..synthetic import PREUVE_SELECTION as SELECTION_MISMATCH
from . import DEFAULT_LIMITS, KINDS, EvidenceError, EvidenceReport, Figure, Limits, read_evidence

# Where a fact's findings are filed when no rule reported on its path: by the manifest block.
_BLOCK_REFERENTIEL = {
    "security": "securite",
    "personal_data": "securite",
    "hosting": "securite",
    "accessibility": "numerique-responsable",
    "ecodesign": "numerique-responsable",
}


@dataclass(slots=True)
class Contradiction:
    path: PathKey
    declared: Any
    evidenced: Any
    report: EvidenceReport
    where: Text


@dataclass(slots=True)
class Applied:
    """What the evidence files of one manifest gave: the reports (for the stamp), the facts that
    now come from evidence, and what they contradicted."""

    reports: list[EvidenceReport] = field(default_factory=list)
    manifest: str = ""  # the manifest's path as shown, next to which evidence paths are shown
    evidenced: dict[PathKey, tuple[Location, Proof]] = field(default_factory=dict)
    contradictions: list[Contradiction] = field(default_factory=list)


def _entries(doc: Document) -> list[tuple[int, str, str]]:
    raw = doc.data.get("evidence") if isinstance(doc.data, dict) else None
    out = []
    for i, entry in enumerate(raw or []):
        if (
            isinstance(entry, dict)
            and isinstance(entry.get("kind"), str)
            and isinstance(entry.get("path"), str)
        ):
            out.append((i, entry["kind"], entry["path"]))
    return out


def _resolve(doc: Document, index: int, written: str, base: Path) -> Path:
    """The evidence file a manifest names: a relative path inside the manifest's folder. A
    submitted manifest must not make doctrine-lint read files elsewhere on the reviewer's disk."""
    where = ("evidence", index, "path")
    if not doc.has_folder:  # read from standard input: no folder to read it from, and no guess
        raise EvidenceError(
            [
                doc.problem(
                    where,
                    Msg(
                        f"fichier de preuve « {written} » cité par un manifeste lu sur l'entrée standard : "
                        "donnez --stdin-filename CHEMIN pour que ses chemins soient relatifs au dossier de CHEMIN",
                        f'evidence file "{written}" named by a manifest read on standard input: '
                        "give --stdin-filename PATH so that its paths are relative to PATH's folder",
                    ),
                )
            ]
        )
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in written):
        raise EvidenceError(
            [
                doc.problem(
                    where,
                    Msg(
                        "chemin de fichier avec un caractère de contrôle : refusé",
                        "file path with a control character: refused",
                    ),
                )
            ]
        )
    pure = PurePosixPath(written.replace("\\", "/"))
    if pure.is_absolute() or written.startswith(("/", "\\")) or (len(written) > 1 and written[1] == ":"):
        raise EvidenceError(
            [
                doc.problem(
                    where,
                    Msg(
                        f"chemin absolu refusé : « {written} » (chemin relatif au manifeste attendu)",
                        f'absolute path refused: "{written}" (a path relative to the manifest is expected)',
                    ),
                )
            ]
        )
    outside = Msg(
        f"le chemin « {written} » sort du dossier du manifeste",
        f'the path "{written}" leaves the manifest\'s folder',
    )
    if ".." in pure.parts:
        raise EvidenceError([doc.problem(where, outside)])
    path = base / Path(*pure.parts)
    try:
        resolved, root = path.resolve(), base.resolve()
    except OSError:
        resolved, root = path, base
    if root not in resolved.parents and resolved != root:  # a symbolic link pointing outside
        raise EvidenceError([doc.problem(where, outside)])
    if not path.exists():
        raise EvidenceError(
            [
                doc.problem(
                    where,
                    Msg(
                        f"fichier de preuve introuvable : « {written} »",
                        f'evidence file not found: "{written}"',
                    ),
                )
            ]
        )
    if not path.is_file():  # checked again, without blocking, when it is read (`files.read_regular`)
        raise EvidenceError(
            [
                doc.problem(
                    where,
                    Msg(
                        f"fichier de preuve « {written} » refusé : ce n'est pas un fichier ordinaire",
                        f'evidence file "{written}" refused: not a regular file',
                    ),
                )
            ]
        )
    return path


def read_all(doc: Document, limits: Limits = DEFAULT_LIMITS) -> list[EvidenceReport]:
    """Every evidence file the manifest names, read strictly; all problems raised together."""
    base = Path(doc.file).parent
    reports: list[EvidenceReport] = []
    problems: list[Problem] = []
    for index, kind, written in _entries(doc):
        try:
            if kind not in KINDS:
                raise EvidenceError(
                    [
                        doc.problem(
                            ("evidence", index, "kind"),
                            Msg(f"type de preuve inconnu « {kind} »", f'unknown evidence kind "{kind}"').then(
                                did_you_mean(kind, KINDS), ""
                            ),
                        )
                    ]
                )
            path = _resolve(doc, index, written, base)
            reports.append(read_evidence(kind, path, written, limits))
        except EvidenceError as exc:
            problems += exc.problems
    if problems:
        raise EvidenceError(problems, kind="evidence")
    return reports


def value_at(data: Any, path: PathKey) -> tuple[bool, Any]:
    """(True, value) when `path` is in `data` (dict keys, list positions), else (False, None)."""
    node = data
    for seg in path:
        if isinstance(node, dict) and seg in node:  # noqa: SIM114 - mypy needs the two branches
            node = node[seg]
        elif isinstance(node, list) and isinstance(seg, int) and 0 <= seg < len(node):
            node = node[seg]
        else:
            return False, None
    return True, node


def _set(data: dict[str, Any], path: PathKey, value: Any) -> None:
    node: Any = data
    for seg in path[:-1]:
        nxt = node.get(seg) if isinstance(node, dict) else None
        if not isinstance(nxt, dict):
            nxt = {}
            node[seg] = nxt
        node = nxt
    node[path[-1]] = value


def _same(declared: Any, evidenced: Any) -> bool:
    if isinstance(declared, bool) or isinstance(evidenced, bool):
        return declared is evidenced
    if isinstance(declared, int | float) and isinstance(evidenced, int | float):
        return abs(float(declared) - float(evidenced)) < 1e-9
    return str(declared) == str(evidenced)


def apply(doc: Document, reports: Sequence[EvidenceReport]) -> tuple[Document, Applied]:
    """The manifest filled with the evidenced facts: a new Document whose data holds the facts and
    whose `sources` locate them in their files (`doc` itself is left as written). Two files giving
    one fact differently is an input error: the evidence must agree with itself first."""
    applied = Applied(reports=list(reports), manifest=doc.file)
    if not reports:
        return doc, applied
    data = copy.deepcopy(doc.data)
    first: dict[PathKey, tuple[Any, EvidenceReport, Text]] = {}
    problems: list[Problem] = []
    for report in reports:
        tool = KINDS[report.kind]
        for fact in report.facts:
            where = Text(fact.at.describe("fr"), fact.at.describe("en"))
            seen = first.get(fact.path)
            if seen is not None and not _same(seen[0], fact.value):
                problems.append(
                    Problem(
                        report.file,
                        fact.at.line,
                        fact.at.column,
                        f"{where.fr} : {format_path(fact.path)} vaut « {fact.value} » ici et « {seen[0]} » "
                        f"dans {seen[1].file} ({seen[2].fr})",
                        f"{where.get('en')}: {format_path(fact.path)} is '{fact.value}' here and '{seen[0]}' "
                        f"in {seen[1].file} ({seen[2].get('en')})",
                    )
                )
                continue
            first[fact.path] = (fact.value, report, where)
            declared_found, declared = value_at(doc.data, fact.path)
            if declared_found and not _same(declared, fact.value):
                applied.contradictions.append(Contradiction(fact.path, declared, fact.value, report, where))
            _set(data, fact.path, fact.value)
            proof = Proof(report.kind, tool, report.file, report.sha256, where)
            beside = _beside(doc.file, report.file)
            # a place without a line (a JSON pointer, a cell named in words) points at the file's
            # start, as every report format needs a line and column of at least 1
            line, column = fact.at.line, fact.at.column
            located = Location(beside, max(line, 1), max(column, 1), line > 0)
            applied.evidenced[fact.path] = (located, proof)
    if problems:
        raise EvidenceError(problems, kind="evidence")
    return replace(doc, data=data, sources=dict(applied.evidenced)), applied


def _beside(manifest: str, written: str) -> str:
    """An evidence file's path as reports show it: next to the manifest, as the manifest's own path
    is shown (relative to where doctrine-lint runs when the manifest was named so)."""
    folder = PurePosixPath(manifest.replace("\\", "/")).parent
    return str(folder / written) if str(folder) != "." else written


# --- findings of the evidence itself ---------------------------------------------------------


def _filed(path: PathKey, findings: Iterable[Finding]) -> tuple[str, str]:
    """(référentiel, chapter) of the rule that reports on `path`, else the block's référentiel."""
    shown = format_path(path)
    fallback = None
    for f in findings:
        if f.path == shown:
            return f.referentiel, f.chapter
        if fallback is None and f.path.startswith(format_path(path[:1])) and f.pack_id != EVIDENCE_PACK:
            fallback = (f.referentiel, f.chapter)
    if fallback is not None:
        return fallback
    return _BLOCK_REFERENTIEL.get(str(path[0]), "interoperabilite"), "preuves"


def _finding(
    rule_id: str,
    severity: Severity,
    message: Text,
    path: PathKey,
    location: Location,
    filed: tuple[str, str],
    proof: Proof | None,
) -> Finding:
    return Finding(
        rule_id=rule_id,
        outcome=Outcome.NON_CONFORME,
        severity=severity,
        weight=0.0,
        message=message,
        path=format_path(path),
        location=location,
        chapter=filed[1],
        referentiel=filed[0],
        pack_id=EVIDENCE_PACK,
        references=(),
        evidence=Evidence.OFFICIEL,
        proof=proof,
    )


def _shown(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def findings_of(
    doc: Document,
    manifest_data: Any,
    applied: Applied,
    rule_findings: Sequence[Finding],
    metrics: dict[str, float | None],
    tiers: dict[str, str],
) -> list[Finding]:
    """The evidence's own findings: contradicted declarations, official figures that disagree
    (in the file, or with the manifest, or with doctrine-lint's computation from the manifest),
    and MonServiceSécurisé measures the export selects differently from the manifest's
    description. `manifest_data` is the manifest as written (before evidence filled it); `tiers`
    gives, per MSS measure id, the tier doctrine-lint applies ("indispensable", "recommandee")."""
    out: list[Finding] = []
    for c in applied.contradictions:
        line, column, _ = doc.locate(c.path)
        tool = KINDS[c.report.kind]
        proof = Proof(c.report.kind, tool, c.report.file, c.report.sha256, c.where)
        out.append(
            _finding(
                CONTRADICTION,
                Severity.MAJEUR,
                Text(
                    f"Le manifeste déclare « {_shown(c.declared)} », la preuve {tool.fr} ({c.report.file}, "
                    f"{c.where.fr}) dit « {_shown(c.evidenced)} » : la valeur de la preuve est retenue",
                    f"The manifest declares '{_shown(c.declared)}', the {tool.get('en')} evidence ({c.report.file}, "
                    f"{c.where.get('en')}) says '{_shown(c.evidenced)}': the evidence's value is used",
                ),
                c.path,
                Location(doc.file, line, column, True),
                _filed(c.path, rule_findings),
                proof,
            )
        )
    for report in applied.reports:
        tool = KINDS[report.kind]
        for fig in report.figures:
            out += _figure_findings(
                doc, manifest_data, report, tool, fig, rule_findings, metrics, applied.contradictions
            )
        file_tiers = report.extra.get("tiers") if report.kind == "mss-csv" else None
        if isinstance(file_tiers, dict):
            out += _selection_findings(applied, report, tool, file_tiers, tiers, rule_findings)
    return out


def _differs(a: float, b: float, digits: int) -> bool:
    return bool(abs(a - b) > 0.5 * 10.0 ** (-digits) + 1e-9)


def _figure_findings(
    doc: Document,
    manifest_data: Any,
    report: EvidenceReport,
    tool: Text,
    fig: Figure,
    rule_findings: Sequence[Finding],
    metrics: dict[str, float | None],
    contradictions: Sequence[Contradiction],
) -> list[Finding]:
    out: list[Finding] = []
    where = Text(fig.at.describe("fr"), fig.at.describe("en"))
    proof = Proof(report.kind, tool, report.file, report.sha256, where)
    at = Location(_beside(doc.file, report.file), fig.at.line, fig.at.column, True)
    filed = _filed(fig.path, rule_findings) if fig.path else _BY_FIGURE.get(fig.name, ("securite", "preuves"))
    path = fig.path or ("evidence",)
    if (
        fig.in_file is not None
        and fig.recomputed is not None
        and _differs(fig.in_file, fig.recomputed, fig.digits)
    ):
        out.append(
            _finding(
                FIGURE_MISMATCH,
                Severity.MAJEUR,
                Text(
                    f"{fig.title.fr} : le fichier indique {_shown(fig.in_file)}, la formule officielle appliquée à ses "
                    f"propres lignes donne {_shown(fig.recomputed)} (fichier modifié ou incohérent)",
                    f"{fig.title.get('en')}: the file says {_shown(fig.in_file)}, the official formula applied to its "
                    f"own rows gives {_shown(fig.recomputed)} (file edited or inconsistent)",
                ),
                path,
                at,
                filed,
                proof,
            )
        )
    official = fig.recomputed if fig.recomputed is not None else fig.in_file
    if official is None:
        return out
    contradicted = any(c.path == fig.path for c in contradictions)  # already a finding of its own
    if fig.path is not None and not contradicted:
        found, declared = value_at(manifest_data, fig.path)
        if (
            found
            and isinstance(declared, int | float)
            and not isinstance(declared, bool)
            and _differs(float(declared), official, fig.digits)
        ):
            line, column, _ = doc.locate(fig.path)
            out.append(
                _finding(
                    FIGURE_MISMATCH,
                    Severity.MAJEUR,
                    Text(
                        f"{fig.title.fr} déclaré {_shown(declared)} ; l'outil officiel ({tool.fr}, {report.file}) "
                        f"donne {_shown(official)}",
                        f"{fig.title.get('en')} declared {_shown(declared)}; the official tool ({tool.get('en')}, "
                        f"{report.file}) gives {_shown(official)}",
                    ),
                    fig.path,
                    Location(doc.file, line, column, True),
                    filed,
                    proof,
                )
            )
    computed = metrics.get(_METRIC_OF.get(fig.name, "")) if fig.name in _METRIC_OF else None
    if computed is not None and _differs(computed, official, fig.digits):
        out.append(
            _finding(
                FIGURE_MISMATCH,
                Severity.MINEUR,
                Text(
                    f"{fig.title.fr} : {_shown(official)} d'après {tool.fr} ({report.file}), {_shown(computed)} "
                    "d'après la description du service dans le manifeste : les deux ne choisissent pas les "
                    "mêmes mesures (niveau, caractéristiques)",
                    f"{fig.title.get('en')}: {_shown(official)} according to {tool.get('en')} ({report.file}), "
                    f"{_shown(computed)} from the service description in the manifest: the two do not select the "
                    "same measures (level, characteristics)",
                ),
                path,
                at,
                filed,
                proof,
            )
        )
    return out


# official figure → the doctrine-lint metric computed from the manifest that it should equal
_METRIC_OF = {"indice-cyber": "indice_cyber"}
_BY_FIGURE = {"indice-cyber": ("securite", "preuves")}


def _selection_findings(
    applied: Applied,
    report: EvidenceReport,
    tool: Text,
    file_tiers: dict[str, str],
    tiers: dict[str, str],
    rule_findings: Sequence[Finding],
) -> list[Finding]:
    """MonServiceSécurisé's export says which measures the service has, and whether each is
    essential or recommended: a difference with doctrine-lint's selection means the manifest
    describes the service otherwise than MonServiceSécurisé does (level, characteristics)."""
    out: list[Finding] = []
    names = {
        "indispensable": Text("indispensable", "essential"),
        "recommandee": Text("recommandée", "recommended"),
    }
    absent = Text("non retenue", "not selected")
    for measure in sorted(set(file_tiers) | set(tiers)):
        theirs, ours = file_tiers.get(measure), tiers.get(measure)
        if theirs == ours:
            continue
        path: PathKey = ("security", "measures", measure)
        located = applied.evidenced.get(path)
        at = (
            located[0]
            if located is not None
            else Location(_beside(applied.manifest, report.file), 0, 0, False)
        )  # no row: the file
        their_name = names.get(theirs or "", absent)
        our_name = names.get(ours or "", absent)
        out.append(
            _finding(
                SELECTION_MISMATCH,
                Severity.MINEUR,
                Text(
                    f"Mesure {measure} : {their_name.fr} dans l'export {tool.fr}, {our_name.fr} d'après la "
                    "description du service dans le manifeste",
                    f"Measure {measure}: {their_name.get('en')} in the {tool.get('en')} export, {our_name.get('en')} "
                    "from the service description in the manifest",
                ),
                path,
                Location(at.file, at.line, at.column, at.exact),
                _filed(path, rule_findings),
                located[1] if located is not None else None,
            )
        )
    return out
