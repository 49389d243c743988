"""Renamed rule ids (`renamed:` in a pack): the old id keeps working wherever a user names a rule
(dérogations, baselines, profiles, --select/--ignore, overrides), with a warning giving the new
id; a wrong map is a pack error at its position."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from doctrine_lint.cli import cli
from doctrine_lint.errors import PackError
from doctrine_lint.packs import load_pack, load_packs
from doctrine_lint.renames import RenamedRuleWarning, final_id, renamed_ids

from .conftest import PINNED_DATE, REPO
from .test_packs import HEADER, RULE

OLD, NEW = "SEC-H-HEBERGEMENT-UE-SECNUMCLOUD", "SEC-H-HEBERGEMENT-UE"
MANIFEST = REPO / "examples" / "service-tiers-non-conforme.yaml"  # hosted in the US: NEW fails


def _warning(stderr: str, where: str) -> None:
    assert f"doctrine-lint: avertissement: {where}" in stderr
    assert f"« {OLD} » est l'ancien identifiant de la règle {NEW} ; écrire {NEW}" in stderr


def test_shipped_packs_declare_every_renamed_id() -> None:
    renamed = renamed_ids(load_packs())
    assert renamed == {OLD: NEW, "SEC-NIVEAU-DECLARE": "SEC-NIVEAU-DECLARE-COHERENT"}
    ids = {r.id for p in load_packs() for r in p.rules}
    assert set(renamed.values()) <= ids and not set(renamed) & ids


def test_final_id_follows_chains_and_stops_on_cycles() -> None:
    assert final_id("A", {"A": "B", "B": "C"}) == "C"
    assert final_id("C", {"A": "B"}) is None
    assert final_id("A", {"A": "B", "B": "A"}) == "B"


@pytest.mark.parametrize("option", ["--select", "--ignore"])
def test_select_and_ignore_accept_an_old_id(option: str) -> None:
    result = CliRunner().invoke(cli, ["rules", option, OLD])
    assert result.exit_code == 0, result.output
    listed = {line.split()[0] for line in result.stdout.splitlines()[:-1]}
    assert (NEW in listed) is (option == "--select") and OLD not in listed
    _warning(result.stderr, "--select/--ignore")


def test_a_waiver_on_an_old_id_covers_the_renamed_rule(write: Callable[..., Path]) -> None:
    text = MANIFEST.read_text(encoding="utf-8")
    waiver = (
        f"\nderogations:\n  - rule: {OLD}\n    justification: Migration vers un hébergeur européen en cours.\n"
        "    approver: DSI\n    granted: 2026-09-01\n    expires: 2027-03-01\n"
    )
    path = write(text + waiver, "m.yaml")
    result = CliRunner().invoke(cli, [str(path), "--date", PINNED_DATE, "--format", "json", "--select", NEW])
    report = json.loads(result.stdout)
    (manifest,) = report["manifests"]
    (finding,) = [f for f in manifest["findings"] if f["rule_id"] == NEW]
    assert finding["outcome"] == "derogation"
    line = len(text.splitlines()) + 3  # the `rule:` line of the waiver added at the end
    _warning(result.stderr, f"{path}:{line}:11")


def test_a_profile_requiring_an_old_id_checks_the_renamed_rule(write: Callable[..., Path]) -> None:
    profile = write(
        f"profile: {{id: p, title: {{fr: Profil, en: Profile}}}}\nrequired_rules:\n  - {OLD}\n", "p.yaml"
    )
    result = CliRunner().invoke(cli, [str(MANIFEST), "--date", PINNED_DATE, "--profile", str(profile)])
    assert f"Règle {NEW} conforme" in result.stdout
    _warning(result.stderr, f"{profile}:3:5")


def test_a_baseline_written_with_an_old_id_still_knows_the_finding(tmp_path: Path) -> None:
    runner = CliRunner()
    baseline = tmp_path / "b.json"
    args = [str(MANIFEST), "--date", PINNED_DATE, "--select", NEW, "--fail-on", "info"]
    assert runner.invoke(cli, [*args, "--write-baseline", str(baseline)]).exit_code == 1
    data = json.loads(baseline.read_text(encoding="utf-8"))
    for item in data["findings"]:  # as an older doctrine-lint wrote it
        item["rule_id"] = OLD
        item["fingerprint"] = "0" * 32
    baseline.write_text(json.dumps(data), encoding="utf-8")
    result = runner.invoke(cli, [*args, "--baseline", str(baseline)])
    assert result.exit_code == 0, result.output
    assert "1 constat(s) déjà connu(s)" in result.stdout
    assert f"doctrine-lint: avertissement: baseline {data['findings'][0]['file']}" in result.stderr


def test_overrides_of_an_extending_pack_accept_an_old_id(write: Callable[..., Path]) -> None:
    path = write(
        "pack:\n  id: cd-test\n  version: 1.0.0\n  title: Test\n  extends: dtne-securite\n"
        f"overrides:\n  {OLD}: {{severity: mineur}}\n",
        "cd.yaml",
    )
    with pytest.warns(RenamedRuleWarning, match=f"écrire {NEW}"):
        pack = load_pack(path)
    rule = next(r for r in pack.rules if r.id == NEW)
    assert rule.severity.slug == "mineur"
    assert pack.renamed[OLD] == NEW  # inherited


@pytest.mark.parametrize(
    ("renamed", "message"),
    [
        ("T-OLD: T-6.1-MISSING", "nouvel identifiant sans règle dans le pack : T-6.1-MISSING"),
        ("T-6.1-A: T-6.1-A", "ancien identifiant encore porté par une règle : T-6.1-A"),
    ],
)
def test_a_wrong_renamed_map_is_a_pack_error(write: Callable[..., Path], renamed: str, message: str) -> None:
    path = write(HEADER.replace("rules:\n", f"renamed:\n  {renamed}\nrules:\n") + RULE, "p.yaml")
    with pytest.raises(PackError) as exc:
        load_pack(path)
    (problem,) = exc.value.problems
    assert message in problem.message and problem.line == 10  # the entry of `renamed:`
