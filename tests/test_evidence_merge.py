"""Evidence files named by a manifest: facts filled from them, findings pointing into them with
their proof, contradictions and figure disagreements as findings, paths kept inside the
manifest's folder. The readers are replaced by a fake one here (each reader has its own tests):
these tests are about what the linter does with what a reader returns."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from click.testing import CliRunner

from doctrine_lint import evidence
from doctrine_lint.cli import cli
from doctrine_lint.errors import Msg
from doctrine_lint.evidence import EvidencedFact, EvidenceReport, Figure, Limits, Located, sha256
from doctrine_lint.linter import lint
from doctrine_lint.model import Outcome, Text
from doctrine_lint.packs import load_packs
from doctrine_lint.validation import load_schema

from .conftest import PINNED_DATE

PACKS = load_packs()
TODAY = date.fromisoformat(PINNED_DATE)

MANIFEST = """\
manifest_version: 1
service:
  name: Service de test
  editor: Éditeur
  kind: service-tiers
  responsible: collectivite
accessibility:
  rgaa_version: "4.1.2"
  audit_scope: complet
  conformance_rate: 80
evidence:
  - kind: ara-json
    path: preuves/ara.json
"""


def _fake_ara(data: bytes, display: str, limits: Limits) -> EvidenceReport:
    """A reader that takes its facts from a tiny JSON: {"facts": {"a.b": value}, "figure": [...]}"""
    spec = json.loads(data)
    facts = tuple(
        EvidencedFact(tuple(path.split(".")), value, Located(display, line=i + 2, column=3, header="Statut"))
        for i, (path, value) in enumerate(spec["facts"].items())
    )
    figures = tuple(
        Figure(
            "taux-rgaa",
            Text("Taux de conformité RGAA", "RGAA compliance rate"),
            f[0],
            f[1],
            Located(display, pointer="/accessibilityRate"),
            ("accessibility", "conformance_rate"),
            0,
        )
        for f in spec.get("figures", [])
    )
    return EvidenceReport("ara-json", display, sha256(data), facts, figures, {"auditType": "FULL"})


@pytest.fixture(autouse=True)
def fake_reader(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    evidence._load_readers()
    monkeypatch.setitem(evidence.READERS, "ara-json", _fake_ara)
    yield


def _write(tmp: Path, manifest: str, spec: dict[str, Any] | None) -> Path:
    (tmp / "preuves").mkdir(exist_ok=True)
    if spec is not None:
        (tmp / "preuves" / "ara.json").write_text(json.dumps(spec), encoding="utf-8")
    path = tmp / "m.yaml"
    path.write_text(manifest, encoding="utf-8")
    return path


def _findings(path: Path, rule_id: str) -> list[Any]:
    report = lint([path], PACKS, today=TODAY)
    assert not report.errors, report.errors
    return [f for f in report.results[0].findings if f.rule_id == rule_id]


def test_an_evidenced_fact_fills_the_manifest_and_its_findings_point_into_the_evidence(
    tmp_path: Path,
) -> None:
    spec = {"facts": {"accessibility.defenseur_des_droits": False}}
    path = _write(tmp_path, MANIFEST, spec)
    (f,) = _findings(path, "NR-6.1.2-RGAA-DEFENSEUR-DES-DROITS")
    assert f.outcome is Outcome.NON_CONFORME
    assert (f.location.file, f.location.line, f.location.column) == (
        str(tmp_path / "preuves" / "ara.json"),
        2,
        3,
    )
    assert f.proof is not None and f.proof.kind == "ara-json" and f.proof.file == "preuves/ara.json"
    assert f.proof.sha256 == sha256((tmp_path / "preuves" / "ara.json").read_bytes())
    assert "colonne « Statut »" in f.proof.where.fr


def test_a_declared_fact_without_evidence_keeps_its_manifest_line(tmp_path: Path) -> None:
    path = _write(tmp_path, MANIFEST, {"facts": {"accessibility.defenseur_des_droits": True}})
    (f,) = _findings(path, "NR-6.1.2-RGAA-TAUX")  # decided by audit_scope, declared at line 9
    assert f.proof is None and (f.location.file, f.location.line) == (str(path), 9)


def test_a_contradicted_declaration_is_a_finding_at_the_manifest_line_and_the_evidence_wins(
    tmp_path: Path,
) -> None:
    path = _write(tmp_path, MANIFEST, {"facts": {"accessibility.conformance_rate": 72}})
    (c,) = _findings(path, "PREUVE-CONTRADICTION")
    assert (c.outcome, c.path, c.location.file, c.location.line) == (
        Outcome.NON_CONFORME,
        "accessibility.conformance_rate",
        str(path),
        10,
    )
    assert "« 80 »" in c.message.fr and "« 72 »" in c.message.fr and c.proof is not None
    report = lint([path], PACKS, today=TODAY)
    assert report.exit_code == 1 and any("PREUVE-CONTRADICTION" in r.items for r in report.reasons)
    # the rules judge the evidenced value; the manifest on disk is left as written
    assert report.results[0].document.data["accessibility"]["conformance_rate"] == 72
    assert "conformance_rate: 80" in path.read_text(encoding="utf-8")


def test_evidence_findings_are_reported_but_not_scored(tmp_path: Path) -> None:
    same = lint(
        [_write(tmp_path, MANIFEST, {"facts": {"accessibility.conformance_rate": 80}})], PACKS, today=TODAY
    )
    other = lint(
        [_write(tmp_path, MANIFEST, {"facts": {"accessibility.conformance_rate": 79.6}})], PACKS, today=TODAY
    )
    assert not [f for f in same.results[0].findings if f.pack_id == "preuves"]
    assert [f.rule_id for f in other.results[0].findings if f.pack_id == "preuves"] == [
        "PREUVE-CONTRADICTION"
    ]
    a, b = same.results[0].scores.overall, other.results[0].scores.overall
    assert (a.rules, a.possible) == (b.rules, b.possible)


@pytest.mark.parametrize(
    ("in_file", "recomputed", "declared", "expected"),
    [
        (72, 72, 72, []),  # all agree
        (72, 70, 72, ["file", "declared"]),  # the file's figure disagrees with its own rows
        (72, 72, 80, ["declared"]),  # the manifest declares another figure
        (None, 72, 72, []),  # a file without its own figure: recomputed only
        (72, None, 75, ["declared"]),  # rows cannot give it: the file's figure is the official one
    ],
)
def test_official_figures_are_checked_against_the_file_and_the_manifest(
    tmp_path: Path, in_file: float | None, recomputed: float | None, declared: float, expected: list[str]
) -> None:
    manifest = MANIFEST.replace("conformance_rate: 80", f"conformance_rate: {declared}")
    path = _write(tmp_path, manifest, {"facts": {}, "figures": [[in_file, recomputed]]})
    found = _findings(path, "PREUVE-CHIFFRE-OFFICIEL")
    kinds = ["file" if f.location.file.endswith("ara.json") else "declared" for f in found]
    assert sorted(kinds) == sorted(expected)
    for f in found:
        if f.location.file == str(path):
            assert f.location.line == 10  # the declared figure's line


@pytest.mark.parametrize(
    ("written", "message"),
    [
        ("/etc/passwd", "chemin absolu refusé"),
        ("../secret.json", "sort du dossier du manifeste"),
        ("preuves/../../secret.json", "sort du dossier du manifeste"),
        ("C:\\\\preuves\\\\ara.json", "chemin absolu refusé"),
        ("preuves/absente.json", "fichier de preuve introuvable"),
        ("preuves/\\0ara.json", "caractère de contrôle"),  # a NUL byte (found by the fuzz test)
        ("preuves/\\x1b[2Jara.json", "caractère de contrôle"),
    ],
)
def test_an_evidence_path_must_stay_in_the_manifest_folder(
    tmp_path: Path, written: str, message: str
) -> None:
    manifest = MANIFEST.replace("path: preuves/ara.json", f'path: "{written}"')
    path = _write(tmp_path, manifest, {"facts": {}})
    report = lint([path], PACKS, today=TODAY)
    assert report.exit_code == 2
    (problem,) = report.errors
    assert (problem.file, problem.line, problem.column) == (str(path), 13, 11)
    assert message in problem.message


def test_a_symbolic_link_out_of_the_folder_is_refused(tmp_path: Path) -> None:
    outside = tmp_path / "ailleurs.json"
    outside.write_text("{}", encoding="utf-8")
    inner = tmp_path / "dossier"
    inner.mkdir()
    (inner / "preuves").mkdir()
    (inner / "preuves" / "ara.json").symlink_to(outside)
    path = inner / "m.yaml"
    path.write_text(MANIFEST, encoding="utf-8")
    report = lint([path], PACKS, today=TODAY)
    assert report.exit_code == 2 and "sort du dossier du manifeste" in report.errors[0].message


def test_two_evidence_files_that_disagree_are_an_input_error(tmp_path: Path) -> None:
    manifest = MANIFEST + "  - kind: ara-json\n    path: preuves/autre.json\n"
    path = _write(tmp_path, manifest, {"facts": {"accessibility.conformance_rate": 72}})
    (tmp_path / "preuves" / "autre.json").write_text(
        json.dumps({"facts": {"accessibility.conformance_rate": 65}}), encoding="utf-8"
    )
    report = lint([path], PACKS, today=TODAY)
    assert report.exit_code == 2
    (problem,) = report.errors
    assert problem.file == "preuves/autre.json" and problem.line == 2
    assert "« 65 »" in problem.message and "« 72 »" in problem.message


def test_a_reader_error_is_located_and_exits_2_without_a_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(data: bytes, display: str, limits: Limits) -> EvidenceReport:
        raise evidence.fail(
            Located(display, line=4, column=2, header="Statut"),
            Msg("statut inconnu « Peut-être »", "unknown status 'Peut-être'"),
        )

    monkeypatch.setitem(evidence.READERS, "ara-json", broken)
    path = _write(tmp_path, MANIFEST, {"facts": {}})
    result = CliRunner().invoke(cli, [str(path), "--date", PINNED_DATE])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert "preuves/ara.json:4:2: ligne 4, colonne « Statut » : statut inconnu « Peut-être »" in result.stderr


def test_an_oversized_evidence_file_is_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "gros.json"
    path.write_bytes(b" " * 2048)
    with pytest.raises(evidence.EvidenceError) as caught:
        evidence.read_evidence("ara-json", path, "gros.json", Limits(max_file_bytes=1024))
    assert "trop gros" in str(caught.value)


def test_the_json_report_carries_proofs_and_evidence_files_and_validates(tmp_path: Path) -> None:
    spec = {"facts": {"accessibility.defenseur_des_droits": False}, "figures": [[72, 72]]}
    path = _write(tmp_path, MANIFEST, spec)
    result = CliRunner().invoke(cli, [str(path), "--date", PINNED_DATE, "--format", "json"])
    doc = json.loads(result.stdout)
    jsonschema.validate(doc, load_schema("report"))
    m = doc["manifests"][0]
    (files,) = m["evidence_files"]
    assert (files["kind"], files["file"], files["facts"], files["info"]) == (
        "ara-json",
        "preuves/ara.json",
        1,
        {"auditType": "FULL"},
    )
    assert files["figures"][0]["recomputed"] == 72
    proved = [f for f in m["findings"] if "proof" in f]
    assert proved and all(f["proof"]["sha256"] == files["sha256"] for f in proved)
    assert m["decided_by"]["evidence"] >= 1
    assert doc["stamp"]["evidence_files"] == [
        {"manifest": str(path), "kind": "ara-json", "file": "preuves/ara.json", "sha256": files["sha256"]}
    ]


@pytest.mark.parametrize("fmt", ["text", "markdown", "html", "sarif"])
def test_every_format_shows_the_proof(tmp_path: Path, fmt: str) -> None:
    path = _write(tmp_path, MANIFEST, {"facts": {"accessibility.defenseur_des_droits": False}})
    out = CliRunner().invoke(cli, [str(path), "--date", PINNED_DATE, "--format", fmt]).stdout
    if fmt == "sarif":
        results = json.loads(out)["runs"][0]["results"]
        (r,) = [r for r in results if r["ruleId"] == "NR-6.1.2-RGAA-DEFENSEUR-DES-DROITS"]
        assert r["properties"]["proof"]["file"] == "preuves/ara.json"
        assert r["locations"][0]["physicalLocation"]["region"]["startLine"] == 2
    else:
        assert "preuves/ara.json, ligne 2, colonne « Statut »" in out.replace("&#x27;", "'").replace(
            "&laquo;", "«"
        )
        assert "Preuves des outils officiels" in out


@pytest.mark.parametrize(("choice", "with_proof"), [("preuve", True), ("declaration", False)])
def test_decided_by_lists_only_the_findings_decided_that_way(
    tmp_path: Path, choice: str, with_proof: bool
) -> None:
    from doctrine_lint.linter import LintOptions

    path = _write(tmp_path, MANIFEST, {"facts": {"accessibility.defenseur_des_droits": False}})
    whole = lint([path], PACKS, today=TODAY)
    only = lint([path], PACKS, LintOptions(today=TODAY, decided_by=choice))
    kept = only.results[0].findings
    assert kept and all((f.proof is not None) is with_proof for f in kept)
    assert len(kept) < len(whole.results[0].findings)
    assert only.results[0].scores.overall.ratio == whole.results[0].scores.overall.ratio
    out = (
        CliRunner()
        .invoke(cli, [str(path), "--date", PINNED_DATE, "--decided-by", choice, "--show-all"])
        .stdout
    )
    assert ("NR-6.1.2-RGAA-DEFENSEUR-DES-DROITS" in out) is with_proof


def _zip(members: dict[str, bytes]) -> bytes:
    import io
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return buf.getvalue()


_ENTITIES = "".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10))
BILLION_LAUGHS = (
    f'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol0 "lol">{_ENTITIES}]>\n'
    "<office:document-content>&lol9;</office:document-content>"
).encode()


@pytest.mark.parametrize(
    ("kind", "name", "payload", "message"),
    [
        (
            "rgesn-xlsx",
            "bombe.xlsx",
            lambda: _zip({"xl/workbook.xml": b"\0" * (20 * 1024 * 1024)}),
            "compression",
        ),
        (
            "rgesn-ods",
            "entites.ods",
            lambda: _zip(
                {"mimetype": b"application/vnd.oasis.opendocument.spreadsheet", "content.xml": BILLION_LAUGHS}
            ),
            "déclaration de type de document",
        ),
        ("ara-json", "profond.json", lambda: b"[" * 100_000 + b"]" * 100_000, "imbriqué"),
        ("mss-csv", "binaire.csv", lambda: b"\xff\xfe\x00garbage", "UTF-8"),
    ],
)
def test_hostile_evidence_files_are_refused_end_to_end_with_a_located_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str, name: str, payload: Any, message: str
) -> None:
    monkeypatch.undo()  # the real readers, not the fake one of the other tests
    evidence._load_readers()
    (tmp_path / "preuves").mkdir()
    (tmp_path / "preuves" / name).write_bytes(payload())
    manifest = MANIFEST.replace("kind: ara-json", f"kind: {kind}").replace(
        "preuves/ara.json", f"preuves/{name}"
    )
    path = tmp_path / "m.yaml"
    path.write_text(manifest, encoding="utf-8")
    result = CliRunner().invoke(cli, [str(path), "--date", PINNED_DATE])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output and "erreur interne" not in result.output
    assert f"preuves/{name}" in result.stderr and message.lower() in result.stderr.lower(), result.stderr


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_explain_describes_the_evidence_findings(lang: str) -> None:
    out = CliRunner().invoke(cli, ["explain", "PREUVE-CONTRADICTION", "--lang", lang])
    assert out.exit_code == 0
    title = "Declaration contradicted by official evidence" if lang == "en" else "Déclaration contredite"
    assert out.stdout.startswith(f"# PREUVE-CONTRADICTION — {title}")
    assert ("**Remediation**: " if lang == "en" else "**Remédiation** : ") in out.stdout
