"""Tender mode and bids (issue 14, items 3–5): a specification read against the doctrine —
completeness as the headline, clauses to add or correct, the bidders' questionnaire, the derived
acceptance profile — and bids compared against it. The example in `examples/marche/` is the
golden set: its generated files are what the commands write today."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from doctrine_lint.cli import cli
from doctrine_lint.document import parse_document
from doctrine_lint.linter import LintOptions, lint
from doctrine_lint.packs import all_rules, load_packs
from doctrine_lint.profiles import load_profile
from doctrine_lint.tender import Status, analyse
from doctrine_lint.validation import validate_document

from .conftest import PINNED_DATE, REPO

MARCHE = REPO / "examples" / "marche"
CCTP = MARCHE / "cctp-ent-colleges.md"
OFFRES = MARCHE / "offres"
DOSSIER = MARCHE / "dossier-marche"
PACKS = load_packs()


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, [*args, "--date", PINNED_DATE], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


# --- the example is the golden set -----------------------------------------------------------------


def test_the_example_files_are_what_tender_writes(
    tmp_path: Path, update_golden: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(REPO)
    out = tmp_path / "dossier"
    code, summary, err = _run("tender", "examples/marche/cctp-ent-colleges.md", "-o", str(out))
    # the README's walkthrough writes them there
    assert code == 0, err
    assert summary.startswith("== examples/marche/cctp-ent-colleges.md\nENT des collèges 2027\n")
    for name in ("annexe-cctp.md", "questionnaire-candidats.yaml", "profil-acceptation.yaml"):
        written = (out / name).read_text(encoding="utf-8")
        if update_golden:
            (DOSSIER / name).write_text(written, encoding="utf-8")
        assert written == (DOSSIER / name).read_text(encoding="utf-8"), name


def test_the_example_comparison_is_what_bids_writes(
    update_golden: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(REPO)
    code, out, err = _run(
        "bids",
        "examples/marche/cctp-ent-colleges.md",
        "examples/marche/offres/offre-b.yaml",
        "examples/marche/offres/offre-a.yaml",
    )
    assert code == 0, err
    if update_golden:
        (MARCHE / "comparaison-offres.md").write_text(out, encoding="utf-8")
    assert out == (MARCHE / "comparaison-offres.md").read_text(encoding="utf-8")


# --- what the analysis says --------------------------------------------------------------------


def _analysis(text: str, tmp_path: Path, name: str = "cctp.md"):  # type: ignore[no-untyped-def]
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    from datetime import date

    report = lint([path], PACKS, LintOptions(today=date.fromisoformat(PINNED_DATE), fail_on=None))
    assert not report.errors, report.errors
    return analyse(report.results[0], PACKS)


def test_statuses_follow_the_outcomes_of_the_specification() -> None:
    from datetime import date

    report = lint([CCTP], PACKS, LintOptions(today=date.fromisoformat(PINNED_DATE), fail_on=None))
    analysis = analyse(report.results[0], PACKS)
    by_id = {c.rule.id: c.status for c in analysis.clauses}
    assert by_id["RI-6.1.1-IDP-EDUCONNECT"] is Status.COUVERTE  # the CCTP names ÉduConnect for pupils
    assert by_id["SEC-6.1.4-VIOLATIONS-NOTIFICATION"] is Status.A_AJOUTER  # it says nothing of breaches
    # catalogue packs are one clause each, never a clause per measure
    assert {c.pack.id for c in analysis.catalogues} == {"dtne-securite-mss", "dtne-rgesn"}
    assert not any(c.rule.pack_id in ("dtne-securite-mss", "dtne-rgesn") for c in analysis.clauses)
    # the headline is the completeness of the specification, as the lint computes it
    assert report.results[0].scores.overall.completeness == pytest.approx(27.7, abs=0.05)


def test_a_requirement_contrary_to_the_doctrine_is_a_clause_to_correct_located_in_the_md(
    tmp_path: Path,
) -> None:
    text = CCTP.read_text(encoding="utf-8").replace(
        "    - audience: eleves\n      provider: educonnect",
        "    - audience: eleves\n      provider: comptes-locaux",
    )
    path = tmp_path / "cctp.md"
    path.write_text(text, encoding="utf-8")
    code, out, _ = _run("tender", str(path))
    assert code == 0
    line = text[: text.index("comptes-locaux")].count("\n") + 1
    assert f"{path}:{line}:17: RI-6.1.1-SANS-CONTOURNEMENT" in out
    assert "à corriger : 2" in out
    out_dir = tmp_path / "o"
    _run("tender", str(path), "-o", str(out_dir))
    annex = (out_dir / "annexe-cctp.md").read_text(encoding="utf-8")
    assert "## Clauses à corriger" in annex and f"(`{path}:{line}:17`)" in annex


def test_every_clause_cites_its_source_and_how_sure_we_are() -> None:
    annex = (DOSSIER / "annexe-cctp.md").read_text(encoding="utf-8")
    articles = [block for block in annex.split("\n**Article ")[1:]]
    assert len(articles) >= 30
    for block in articles:
        body = block.split("\n**Article ")[0]
        assert "*Source :* [" in body, body[:200]
        assert any(
            level in body
            for level in ("lu dans la doctrine", "autre source officielle", "source secondaire", "inférence")
        ), body[:300]
    # an inferred rule is never presented as the doctrine's word
    inferred = [b for b in articles if "inférence" in b.split("*Source :*")[1].split("\n")[0]]
    assert inferred and all("à vérifier" in b.split("*Source :*")[1].split("\n")[0] for b in inferred)


def test_the_profile_is_a_valid_profile_that_the_bids_meet_or_fail() -> None:
    profile = load_profile(DOSSIER / "profil-acceptation.yaml", all_rules(PACKS))
    required = profile.data["required_rules"]
    assert "RI-6.1.1-IDP-EDUCONNECT" in required  # covered by the CCTP
    assert "SEC-6.1.4-ART28" in required  # bloquant: mandatory whatever the CCTP says
    # the homologation is the authority's act, not a bidder's (tag `autorite`): never asked of bids
    assert "SEC-6.1.1-HOMOLOGATION" not in required
    assert "# SEC-6.1.1-HOMOLOGATION : acte de l'autorité publique" in (
        DOSSIER / "profil-acceptation.yaml"
    ).read_text(encoding="utf-8")
    code_a, _, _ = _run(
        str(OFFRES / "offre-a.yaml"), "--profile", str(DOSSIER / "profil-acceptation.yaml"), "-q"
    )
    code_b, out_b, _ = _run(
        str(OFFRES / "offre-b.yaml"), "--profile", str(DOSSIER / "profil-acceptation.yaml"), "-q"
    )
    assert (code_a, code_b) == (0, 1)
    assert "RI-6.1.1-IDP-EDUCONNECT" in out_b


def test_the_questionnaire_is_init_for_the_kind_with_what_the_specification_demands() -> None:
    text = (DOSSIER / "questionnaire-candidats.yaml").read_text(encoding="utf-8")
    assert text.startswith("## Questionnaire des candidats — ENT des collèges 2027\n")
    doc = parse_document(text, "questionnaire.yaml")
    assert validate_document(doc, "manifest") == []
    assert doc.data["service"]["kind"] == "ent-2d"
    lines = text.splitlines()
    at = lines.index("#       provider:")
    assert "exigé par le cahier des charges : educonnect, idp-academique" in " ".join(lines[at - 8 : at])


# --- the commands -----------------------------------------------------------------------------------


def test_tender_refuses_to_overwrite_and_needs_a_kind(tmp_path: Path) -> None:
    out = tmp_path / "o"
    out.mkdir()
    (out / "annexe-cctp.md").write_text("mine\n", encoding="utf-8")
    code, _, err = _run("tender", str(CCTP), "-o", str(out))
    assert code == 2 and "annexe-cctp.md: le fichier existe déjà" in err
    assert (out / "annexe-cctp.md").read_text(encoding="utf-8") == "mine\n"
    assert _run("tender", str(CCTP), "-o", str(out), "--force")[0] == 0
    spec = tmp_path / "sans-nature.md"
    spec.write_text(
        "Prose.\n\n```yaml doctrine-lint\nmanifest_version: 1\nservice:\n  name: X\n  editor: Y\n```\n",
        encoding="utf-8",
    )
    code, _, err = _run("tender", str(spec))
    assert code == 2 and f"{spec}:5:1: service : clé obligatoire manquante : « kind »" in err


def test_bids_rank_the_better_bid_first_whatever_the_order(tmp_path: Path) -> None:
    for order in (("offre-a.yaml", "offre-b.yaml"), ("offre-b.yaml", "offre-a.yaml")):
        code, out, _ = _run("bids", str(CCTP), *(str(OFFRES / o) for o in order), "--format", "json")
        assert code == 0
        ranked = json.loads(out)["bids"]
        assert [Path(b["file"]).name for b in ranked] == ["offre-a.yaml", "offre-b.yaml"]
        assert ranked[0]["profile_met"] and not ranked[1]["profile_met"]
        assert set(ranked[1]["failed"]) == {
            "RI-6.1.1-IDP-EDUCONNECT",
            "RI-6.1.1-SANS-CONTOURNEMENT",
            "SEC-H-HEBERGEMENT-UE",
        }
        assert "accessibility" in ranked[1]["facts_not_declared"]


def test_an_unreadable_bid_is_reported_and_the_others_compared(tmp_path: Path) -> None:
    broken = tmp_path / "offre-c.yaml"
    broken.write_text("service: [\n", encoding="utf-8")
    shutil.copy(OFFRES / "offre-a.yaml", tmp_path / "offre-a.yaml")
    code, out, err = _run("bids", str(CCTP), str(tmp_path / "offre-a.yaml"), str(broken))
    assert code == 2
    assert f"{broken}:2:1:" in err
    assert "Offre A — ENT Collèges Connectés" in out and "offre-c" not in out


def test_english_outputs(tmp_path: Path) -> None:
    code, out, _ = _run("tender", str(CCTP), "--lang", "en", "-o", str(tmp_path))
    assert code == 0 and "Completeness of the specification: 27.7%" in out
    annex = (tmp_path / "specification-annex.md").read_text(encoding="utf-8")
    assert annex.startswith("# Annex to the specification")
    assert "**Article I-1 (" in annex and "*Source:* [" in annex
    profile = yaml.safe_load((tmp_path / "acceptance-profile.yaml").read_text(encoding="utf-8"))
    assert profile["profile"]["title"]["en"].startswith("Requirements of the specification")


def test_what_bids_and_specifications_say_stays_text_in_the_comparison(tmp_path: Path) -> None:
    hostile = "Offre [piège](javascript:alert(1)) | <img src=x onerror=alert(1)> `x` **gras**\u2028# titre"
    bid = tmp_path / "o|ffre.yaml"
    bid.write_text(
        (OFFRES / "offre-a.yaml")
        .read_text(encoding="utf-8")
        .replace(
            "name: Offre A — ENT Collèges Connectés", f"name: {json.dumps(hostile, ensure_ascii=False)}"
        ),
        encoding="utf-8",
    )
    code, out, err = _run("bids", str(CCTP), str(bid))
    assert code == 0, err
    row = next(line for line in out.splitlines() if line.startswith("| 1 |"))
    assert row.count(" | ") == 6  # the name's pipes do not add columns
    # rendered as Markdown, it is text: no link, no image, no HTML, no heading of its own
    from markdown_it import MarkdownIt

    html = MarkdownIt("commonmark").enable("table").render(out)
    assert "<a " not in html and "<img" not in html and "<strong>gras" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html and "[piège](javascript:alert(1))" in html
    assert "\\[piège\\]\\(javascript:alert\\(1\\)\\)" in row


def test_a_bid_of_another_kind_cannot_meet_the_profile(tmp_path: Path) -> None:
    other = tmp_path / "offre-ressource.yaml"
    other.write_text(
        (OFFRES / "offre-a.yaml").read_text(encoding="utf-8").replace("  kind: ent-2d", "  kind: ressource"),
        encoding="utf-8",
    )
    code, out, _ = _run("bids", str(CCTP), str(other), str(OFFRES / "offre-b.yaml"), "--format", "json")
    assert code == 0
    ranked = {Path(b["file"]).name: b for b in json.loads(out)["bids"]}
    assert ranked["offre-ressource.yaml"]["kind"] == "ressource"
    assert not ranked["offre-ressource.yaml"]["profile_met"]
    _, text, _ = _run("bids", str(CCTP), str(other))
    assert (
        "**Nature du service :** ressource (le cahier des charges demande ent-2d) : le profil ne peut être tenu."
        in text
    )


# --- what the review of issue 14 found ---------------------------------------------------------


def _cctp_with(tmp_path: Path, old: str, new: str, extra: str = "") -> Path:
    text = CCTP.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "cctp.md"
    path.write_text(text.replace(old, new) + extra, encoding="utf-8")
    return path


WAIVER = """
```yaml doctrine-lint
derogations:
  - rule: RI-6.1-SSO
    justification: Le Département renonce à la propagation d'identité.
    expires: 2027-06-30
```
"""


def test_a_requirement_the_specification_waives_is_to_correct_not_covered(tmp_path: Path) -> None:
    spec = _cctp_with(tmp_path, "  sso_propagation: true", "  sso_propagation: false", WAIVER)
    code, out, _ = _run("tender", str(spec), "-o", str(tmp_path / "o"))
    assert code == 0 and "à corriger : 1" in out
    annex = (tmp_path / "o" / "annexe-cctp.md").read_text(encoding="utf-8")
    assert "### RI-6.1-SSO — " in annex.split("## Clauses à ajouter")[0]
    assert "| RI-6.1-SSO |" not in annex
    profile = (tmp_path / "o" / "profil-acceptation.yaml").read_text(encoding="utf-8")
    assert "RI-6.1-SSO  # éliminatoire" in profile  # still asked of the bids: the doctrine's, not the CCTP's


def test_the_questionnaire_never_asks_bidders_for_what_the_doctrine_rules_out(tmp_path: Path) -> None:
    spec = _cctp_with(tmp_path, "  advertising: false", "  advertising: true")
    _run("tender", str(spec), "-o", str(tmp_path / "o"))
    text = (tmp_path / "o" / "questionnaire-candidats.yaml").read_text(encoding="utf-8")
    lines = text.splitlines()
    at = lines.index("#   advertising:")
    about = " ".join(" ".join(lines[at - 6 : at]).replace("#   #", " ").split())
    assert (
        "le cahier des charges demande « true », contraire à la doctrine (SEC-6.1.4-PAS-DE-PUBLICITE) : à corriger"
        in about
    )
    assert "exigé par le cahier des charges : true" not in about


def _bid(tmp_path: Path, name: str, *changes: tuple[str, str], extra: str = "") -> Path:
    text = (OFFRES / "offre-a.yaml").read_text(encoding="utf-8")
    for old, new in changes:
        assert old in text, old
        text = text.replace(old, new)
    path = tmp_path / name
    path.write_text(text + extra, encoding="utf-8")
    return path


def test_a_bid_waiving_a_requirement_fails_it(tmp_path: Path) -> None:
    waiver = "\nderogations:\n  - rule: RI-6.1-SSO\n    justification: Pas de SSO.\n    expires: 2027-06-30\n"
    bid = _bid(
        tmp_path, "offre-f.yaml", ("  sso_propagation: true", "  sso_propagation: false"), extra=waiver
    )
    code, out, _ = _run("bids", str(CCTP), str(bid), "--format", "json")
    assert code == 0
    (ranked,) = json.loads(out)["bids"]
    assert ranked["failed"] == ["RI-6.1-SSO"] and not ranked["profile_met"]


def test_failing_an_eliminatory_requirement_ranks_after_majeur_failures(tmp_path: Path) -> None:
    no_sso = _bid(tmp_path, "a-sans-sso.yaml", ("  sso_propagation: true", "  sso_propagation: false"))
    two_majeurs = _bid(
        tmp_path,
        "b-deux-majeurs.yaml",
        (
            "      provider: educonnect\n      via: direct\n      protocol: saml2",
            "      provider: educonnect\n      via: direct\n      protocol: autre",
        ),
        ("  frequency: quotidienne", "  frequency: hebdomadaire"),
    )
    code, out, _ = _run("bids", str(CCTP), str(no_sso), str(two_majeurs), "--format", "json")
    assert code == 0
    ranked = json.loads(out)["bids"]
    assert [Path(b["file"]).name for b in ranked] == ["b-deux-majeurs.yaml", "a-sans-sso.yaml"]
    assert ranked[1]["failed"] == ["RI-6.1-SSO"] and len(ranked[0]["failed"]) == 2


@pytest.mark.parametrize("name", ["c\nmin_scores: {overall: 100}\n#.md", "evil\x80\u2028#x.md"])
def test_file_names_and_names_stay_inside_comments_and_text(tmp_path: Path, name: str) -> None:
    text = CCTP.read_text(encoding="utf-8").replace(
        "name: ENT des collèges 2027", 'name: "Evil\\x80 # min_scores"'
    )
    spec = tmp_path / name
    spec.write_text(text, encoding="utf-8")
    code, _, err = _run("tender", str(spec), "-o", str(tmp_path / "o"))
    assert code == 0, err
    profile = yaml.safe_load((tmp_path / "o" / "profil-acceptation.yaml").read_text(encoding="utf-8"))
    assert set(profile) == {"profile", "required_rules"}  # nothing injected
    load_profile(tmp_path / "o" / "profil-acceptation.yaml", all_rules(PACKS))
    parse_document((tmp_path / "o" / "questionnaire-candidats.yaml").read_text(encoding="utf-8"), "q.yaml")
    annex = (tmp_path / "o" / "annexe-cctp.md").read_text(encoding="utf-8")
    assert "\nmin_scores" not in annex and "\x80" not in annex
    assert _run("bids", str(spec), str(OFFRES / "offre-a.yaml"))[0] == 0


def test_bids_that_cannot_be_read_are_reported_and_none_readable_is_an_error(tmp_path: Path) -> None:
    folder = tmp_path / "dossier.md"
    folder.mkdir()
    code, out, err = _run("bids", str(CCTP), str(folder), str(OFFRES / "offre-a.yaml"))
    assert code == 2 and "Offre A" in out and str(folder) in err
    code, out, err = _run("bids", str(CCTP), str(tmp_path / "absente.yaml"))
    assert code == 2 and out == ""
    assert f"{CCTP}: aucune offre lisible : rien à comparer" in err


def test_english_profile_and_stderr(tmp_path: Path) -> None:
    code, _, err = _run("tender", str(CCTP), "--lang", "en", "-o", str(tmp_path))
    assert code == 0 and "written: " in err and "written :" not in err
    text = (tmp_path / "acceptance-profile.yaml").read_text(encoding="utf-8")
    assert text.startswith("# Acceptance profile derived from the specification")
    assert "RI-6.1.1-IDP-EDUCONNECT  # asked by the specification: Authenticate" in text
    assert "demandée" not in text and "éliminatoire" not in text


def test_tender_writes_all_three_files_or_none(tmp_path: Path) -> None:
    out = tmp_path / "o"
    out.mkdir()
    (out / "profil-acceptation.yaml").mkdir()  # the third cannot be written (a folder there)
    code, _, err = _run("tender", str(CCTP), "-o", str(out), "--force")
    assert code == 2 and "profil-acceptation.yaml: un dossier porte ce nom" in err
    assert not (out / "annexe-cctp.md").exists() and not (out / "questionnaire-candidats.yaml").exists()
    assert not list(out.glob(".*.tmp"))


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_tender_summary_fits_80_columns(lang: str, tmp_path: Path) -> None:
    spec = _cctp_with(tmp_path, "  advertising: false", "  advertising: true")  # one clause to correct too
    code, out, _ = _run("tender", str(spec), "--lang", lang)
    assert code == 0
    # every line fits, but for one that opens on a location (a long temporary path here)
    assert [
        line for line in out.splitlines() if len(line) > 80 and not line.lstrip().startswith(str(spec))
    ] == []
    assert "SEC-6.1.4-PAS-DE-PUBLICITE" in out


def test_tender_never_writes_through_a_link_in_its_folder(tmp_path: Path) -> None:
    victim = tmp_path / "victime.txt"
    victim.write_text("intact\n", encoding="utf-8")
    out = tmp_path / "o"
    out.mkdir()
    (out / "annexe-cctp.md").symlink_to(victim)
    code, _, _ = _run("tender", str(CCTP), "-o", str(out), "--force")
    assert code == 0
    assert victim.read_text(encoding="utf-8") == "intact\n"
    assert not (out / "annexe-cctp.md").is_symlink() and "# Annexe au CCTP" in (
        out / "annexe-cctp.md"
    ).read_text(encoding="utf-8")
    assert not list(out.glob(".*.tmp"))
