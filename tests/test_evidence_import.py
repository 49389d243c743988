"""`doctrine-lint import`: an export's facts as a fragment, or written into a manifest with its
comments and layout kept; layouts the line editor cannot follow are refused, never mangled."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from doctrine_lint.cli import cli
from doctrine_lint.errors import ManifestError
from doctrine_lint.evidence import EvidencedFact, EvidenceReport, Located
from doctrine_lint.evidence.importer import fragment, write_into

FIXTURES = Path(__file__).parent / "fixtures" / "evidence"

BASE = """\
manifest_version: 1
# Le service décrit
service:
  name: Test   # nom affiché
  editor: Éditeur
  kind: service-tiers
security:
  measures:
    AUTH.1: faite        # indispensable
    AUTH.2: non-faite
"""


def _report(*facts: tuple[tuple[str | int, ...], object]) -> EvidenceReport:
    return EvidenceReport(
        "mss-csv",
        "mss.csv",
        "a" * 64,
        tuple(
            EvidencedFact(path, value, Located("mss.csv", line=i + 2))
            for i, (path, value) in enumerate(facts)
        ),
    )


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "m.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_replaced_value_keeps_its_comment_in_its_column(tmp_path: Path) -> None:
    path = _write(tmp_path, BASE)
    text, changes = write_into(path, _report((("security", "measures", "AUTH.1"), "partielle")))
    lines = text.split("\n")
    assert lines[8] == "    AUTH.1: partielle    # indispensable"
    assert lines[8].index("#") == BASE.split("\n")[8].index("#")
    assert [(c.before, c.after) for c in changes] == [("faite", "partielle")]
    assert [x for i, x in enumerate(lines) if i != 8] == [x for i, x in enumerate(BASE.split("\n")) if i != 8]


def test_an_unchanged_value_is_not_a_change(tmp_path: Path) -> None:
    path = _write(tmp_path, BASE)
    text, changes = write_into(path, _report((("security", "measures", "AUTH.2"), "non-faite")))
    assert (text, changes) == (BASE, [])


def test_missing_keys_are_added_under_their_block_with_its_indentation(tmp_path: Path) -> None:
    path = _write(tmp_path, BASE)
    text, changes = write_into(
        path,
        _report(
            (("security", "measures", "RH.2"), "non-faite"),
            (("accessibility", "audit_scope"), "complet"),
            (("accessibility", "conformance_rate"), 57),
        ),
    )
    data = yaml.safe_load(text)
    assert data["security"]["measures"] == {"AUTH.1": "faite", "AUTH.2": "non-faite", "RH.2": "non-faite"}
    assert data["accessibility"] == {"audit_scope": "complet", "conformance_rate": 57}
    assert "    RH.2: non-faite" in text.split("\n")
    assert "# Le service décrit" in text and "name: Test   # nom affiché" in text
    assert [c.before for c in changes] == [None, None, None]


def test_a_flow_style_block_is_refused_with_its_position(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        BASE.replace(
            "security:\n  measures:\n    AUTH.1: faite        # indispensable\n    AUTH.2: non-faite\n",
            "security: {measures: {AUTH.1: faite}}\n",
        ),
    )
    with pytest.raises(ManifestError) as caught:
        write_into(path, _report((("security", "measures", "AUTH.1"), "partielle")))
    (problem,) = caught.value.problems
    assert (problem.line, "mise en page non modifiable") == (7, "mise en page non modifiable")
    assert "mise en page non modifiable" in problem.message


def test_a_result_that_would_not_validate_is_not_written(tmp_path: Path) -> None:
    path = _write(tmp_path, BASE)
    with pytest.raises(ManifestError):
        write_into(path, _report((("security", "measures", "AUTH.1"), "peut-etre")))
    assert path.read_text(encoding="utf-8") == BASE


def test_the_fragment_names_the_file_and_its_digest() -> None:
    text = fragment(_report((("security", "measures", "AUTH.1"), "faite")))
    assert text.startswith(
        "# MonServiceSécurisé (export CSV des mesures) : mss.csv (SHA-256 " + "a" * 64 + ")\n"
    )
    assert yaml.safe_load(text) == {"security": {"measures": {"AUTH.1": "faite"}}}


def test_the_command_prints_writes_and_fails_cleanly(tmp_path: Path) -> None:
    runner = CliRunner()
    out = runner.invoke(cli, ["import", "mss-csv", str(FIXTURES / "mss-mesures.csv")])
    assert (
        out.exit_code == 0
        and yaml.safe_load(out.stdout)["security"]["measures"]["RECENSEMENT.2"] == "partielle"
    )
    path = _write(tmp_path, BASE)
    shown = runner.invoke(cli, ["import", "mss-csv", str(FIXTURES / "mss-mesures.csv"), "-m", str(path)])
    assert shown.exit_code == 0 and "RECENSEMENT.2: partielle" in shown.stdout
    assert path.read_text(encoding="utf-8") == BASE  # without --write the manifest is only shown
    assert 'security.measures["RECENSEMENT.2"] : — → partielle' in shown.stderr
    written = runner.invoke(
        cli, ["import", "mss-csv", str(FIXTURES / "mss-mesures.csv"), "-m", str(path), "--write"]
    )
    assert written.exit_code == 0 and "RECENSEMENT.2: partielle" in path.read_text(encoding="utf-8")
    bad = tmp_path / "v1.csv"
    bad.write_text("Identifiant de la mesure;Statut\n#0001;Faite\n", encoding="utf-8")
    failed = runner.invoke(cli, ["import", "mss-csv", str(bad)])
    assert failed.exit_code == 2 and "Traceback" not in failed.output
    assert f"doctrine-lint: erreur: {bad}" in failed.stderr
