"""`doctrine-lint impact`: a corpus linted under two pack sets; the submissions that change and
the rules that cause it, named exactly; unreadable submissions listed without stopping the
others; the same causes from two JSON reports; errors located."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from doctrine_lint.cli import cli

from .conftest import EXAMPLES, PINNED_DATE, REPO

GOLDEN = Path(__file__).parent / "golden"
RAISED = "NR-6.1.2-RGAA-DEFENSEUR-DES-DROITS"  # mineur → majeur in the new packs
ADDED = "NR-TEST-NOUVELLE-REGLE"
NEW_RULE = f"""  - id: {ADDED}
    title: "Recours au Défenseur des droits (règle ajoutée)"
    chapter: "doctrine-6.1.2"
    severity: mineur
    rationale: "Règle ajoutée pour mesurer une mise à jour des packs."
    remediation: "Déclarer accessibility.defenseur_des_droits."
    references:
      - url: https://doctrine-technique-numerique.forge.apps.education.fr/texte/6-regles-et-cadres-de-reference/
    provenance: {{evidence: inference, legal_basis: bonne-pratique, verified: false}}
    check: {{path: accessibility.defenseur_des_droits, equals: true}}
    examples:
      - outcome: conforme
        manifest: {{accessibility: {{defenseur_des_droits: true}}}}
      - outcome: non-conforme
        manifest: {{accessibility: {{defenseur_des_droits: false}}}}

"""


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """tmp_path with `corpus/` (the examples, and a broken one) and `packs-new/` (the shipped
    packs with one rule's severity raised and one rule added); the working directory."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for example in sorted(EXAMPLES.glob("*.yaml")):
        shutil.copy(example, corpus / example.name)
    (corpus / "zz-casse.yaml").write_text("service: [\n", encoding="utf-8")
    packs = tmp_path / "packs-new"
    shutil.copytree(REPO / "rules", packs)
    pack = packs / "dtne-numerique-responsable.yaml"
    text = pack.read_text(encoding="utf-8")
    start = text.index(f"  - id: {RAISED}\n")
    at = text.index("    severity: mineur", start)
    text = text[:at] + "    severity: majeur" + text[at + len("    severity: mineur") :]
    before = text.index("  - id: NR-6.1.2-RGAA-DELAI-REPONSE\n")
    pack.write_text(text[:before] + NEW_RULE + text[before:], encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["impact", *args, "--date", PINNED_DATE], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


UPGRADE = ("corpus", "--packs-old", "shipped", "--packs-new", "packs-new")


def _doc(*args: str) -> dict[str, Any]:
    code, out, err = run(*args, "--format", "json")
    assert code in (0, 1, 2), err
    doc: dict[str, Any] = json.loads(out)
    return doc


def test_the_causes_are_named_exactly(workspace: Path) -> None:
    doc = _doc(*UPGRADE)
    changed = {s["file"]: s for s in doc["submissions"] if s["changed"]}
    assert sorted(changed) == [
        "corpus/ent-premier-degre.yaml",
        "corpus/ressource-gar.yaml",
        "corpus/service-tiers-non-conforme.yaml",
    ]
    ent = changed["corpus/ent-premier-degre.yaml"]
    assert [(c["rule_id"], c["kinds"]) for c in ent["causes"]] == [
        (RAISED, ["weight", "severity"]),
        (ADDED, ["added"]),
    ]
    raised = ent["causes"][0]
    assert raised["before"] == {"outcome": "non-conforme", "weight": 1.0, "severity": "mineur"}
    assert raised["after"] == {"outcome": "non-conforme", "weight": 3.0, "severity": "majeur"}
    assert raised["effect"] == -1.2 and ent["causes"][1]["effect"] == -0.6
    overall = ent["scores"][0]
    assert (overall["before"]["score"], overall["after"]["score"], overall["delta"]) == (96.5, 94.8, -1.7)
    gar = changed["corpus/ressource-gar.yaml"]["causes"]
    assert gar == [
        {
            "rule_id": ADDED,
            "kinds": ["added"],
            "before": None,
            "after": {"outcome": "conforme", "weight": 1.0, "severity": "mineur"},
            "effect": 0.0,
            "completeness_effect": 0.2,
        }
    ]
    assert doc["rules"] == [
        {"rule_id": ADDED, "submissions": 3, "points": -0.6},
        {"rule_id": RAISED, "submissions": 1, "points": -1.2},
    ]
    # the two submissions the upgrade leaves alone are compared, not listed as changed
    assert [s["file"] for s in doc["submissions"] if not s["changed"]] == [
        "corpus/ent-second-degre.yaml",
        "corpus/vie-scolaire.yaml",
    ]


def test_an_unreadable_submission_is_listed_and_the_others_compared(workspace: Path) -> None:
    code, out, err = run(*UPGRADE, "--format", "json")
    doc = json.loads(out)
    assert code == 2
    assert doc["counts"] == {"submissions": 5, "changed": 3, "unreadable": 1}
    assert [(u["file"], u["packs"]) for u in doc["unreadable"]] == [
        ("corpus/zz-casse.yaml", "old"),
        ("corpus/zz-casse.yaml", "new"),
    ]
    assert err.splitlines()[0].startswith("doctrine-lint: erreur: corpus/zz-casse.yaml:2:1: ")


@pytest.mark.parametrize(
    ("threshold", "changed"),
    [("0.1", 3), ("0.2", 3), ("0.3", 1), ("5", 1), ("6", 0)],
)
def test_the_threshold_decides_what_changes(workspace: Path, threshold: str, changed: int) -> None:
    (workspace / "corpus" / "zz-casse.yaml").unlink()
    doc = _doc(*UPGRADE, "--threshold", threshold)
    assert doc["counts"]["changed"] == changed


def test_the_same_packs_change_nothing(workspace: Path) -> None:
    (workspace / "corpus" / "zz-casse.yaml").unlink()
    code, out, _ = run("corpus", "--packs-old", "shipped", "--packs-new", "shipped", "--format", "json")
    doc = json.loads(out)
    assert code == 0 and doc["counts"]["changed"] == 0 and doc["rules"] == []
    assert all(s["causes"] == [] for s in doc["submissions"])


def test_two_json_reports_name_the_same_causes(workspace: Path) -> None:
    (workspace / "corpus" / "zz-casse.yaml").unlink()
    packs = sorted(str(p) for p in (workspace / "packs-new").glob("*.yaml"))
    for name, extra in (
        ("old.json", []),
        ("new.json", ["--only-packs", *(a for p in packs for a in ("--pack", p))]),
    ):
        result = CliRunner().invoke(
            cli,
            ["corpus", "--format", "json", "-o", name, "--date", PINNED_DATE, *extra],
            catch_exceptions=False,
        )
        assert result.exit_code == 1, result.stderr
    live = _doc(*UPGRADE)
    stored = _doc("--reports", "old.json", "new.json")
    assert [
        (s["file"], [(c["rule_id"], c["kinds"]) for c in s["causes"]]) for s in stored["submissions"]
    ] == [(s["file"], [(c["rule_id"], c["kinds"]) for c in s["causes"]]) for s in live["submissions"]]
    assert [r["rule_id"] for r in stored["rules"]] == [r["rule_id"] for r in live["rules"]]
    assert all(r["points"] is None for r in stored["rules"])  # no findings to re-score from


GOLDENS = [("impact.txt", []), ("impact.en.txt", ["--lang", "en"]), ("impact.md", ["--format", "markdown"])]


@pytest.mark.parametrize(("name", "extra"), GOLDENS, ids=[g[0] for g in GOLDENS])
def test_golden(workspace: Path, name: str, extra: list[str], update_golden: bool) -> None:
    code, out, _ = run(*UPGRADE, *extra)
    assert code == 2  # the broken submission
    path = GOLDEN / name
    if update_golden:
        path.write_text(out, encoding="utf-8")
    assert out == path.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (
            ("corpus", "--packs-old", "absent", "--packs-new", "shipped"),
            "absent: attendu un dossier de packs",
        ),
        (("corpus", "--packs-old", "corpus", "--packs-new", "shipped"), "corpus/"),
        (("corpus", "--packs-new", "shipped"), "donnez soit un corpus avec --packs-old et --packs-new"),
        (("--reports", "a.json", "b.json", "corpus"), "donnez soit un corpus"),
        (("--reports", "a.json", "b.json"), "a.json: rapport JSON introuvable"),
    ],
)
def test_errors_are_located(workspace: Path, args: tuple[str, ...], expected: str) -> None:
    code, out, err = run(*args)
    assert code == 2 and out == ""
    assert expected in err and "Traceback" not in err


def test_hostile_pack_text_is_inert(workspace: Path) -> None:
    (workspace / "corpus" / "zz-casse.yaml").unlink()
    pack = workspace / "packs-new" / "dtne-numerique-responsable.yaml"
    hostile = "NR-TEST-\\e[2J|x|"  # a rule id cannot hold one: the id pattern refuses it
    text = pack.read_text(encoding="utf-8").replace(f"  - id: {ADDED}\n", f'  - id: "{hostile}"\n')
    pack.write_text(text, encoding="utf-8")
    code, _, err = run(*UPGRADE)
    assert code == 2 and "\x1b" not in err and "dtne-numerique-responsable.yaml:" in err
