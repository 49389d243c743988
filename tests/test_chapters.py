"""Chapters as their sources number them: unambiguous keys in the shipped packs, one label for
people, the old plain-title form, old profile keys, uncut titles and the §6.1 placement note."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from doctrine_lint.chapters import PLACEMENT, PLACEMENT_NOTE, Chapter, chapter_label, renamed
from doctrine_lint.cli import cli
from doctrine_lint.model import Text
from doctrine_lint.packs import load_pack, load_packs

from .conftest import EXAMPLES, PINNED_DATE

PACKS = load_packs()


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, [*args, "--date", PINNED_DATE], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


# --- (a) keys and labels of the shipped packs ----------------------------------------------------


def test_chapter_keys_are_unambiguous_across_referentiels() -> None:
    owners: dict[str, set[str]] = {}
    declared: dict[tuple[str, str], Chapter] = {}
    for pack in PACKS:
        for key, chapter in pack.chapters.items():
            owners.setdefault(key, set()).add(pack.referentiel)
            # a key shared by two packs of one référentiel is one chapter, declared the same way
            assert declared.setdefault((pack.referentiel, key), chapter) == chapter, key
            assert ":" not in key
    assert {k: refs for k, refs in owners.items() if len(refs) > 1} == {}


def test_every_shipped_chapter_names_its_source_and_only_numbered_ones_show_a_section_sign() -> None:
    for pack in PACKS:
        for key, chapter in pack.chapters.items():
            assert chapter.source is not None, key
            for lang in ("fr", "en"):
                label = chapter_label(chapter, lang)
                assert ("§" in label) == (chapter.number is not None), (key, label)
                if chapter.number is not None:
                    assert f"§{chapter.number} — " in label and key.endswith(chapter.number)


def test_no_report_label_looks_like_an_invented_doctrine_section() -> None:
    labels = {chapter_label(c, "fr") for p in PACKS for c in p.chapters.values()}
    for made_up in ("§defense", "§ANSSI", "§HEBERGEMENT", "§RGESN", "§GAR", "§DNMA", "§RGI"):
        assert not any(made_up in label for label in labels)


def test_placement_points_at_chapters_of_the_right_referentiel() -> None:
    where = {(p.referentiel, key) for p in PACKS for key in p.chapters}
    for section, _name, referentiel, key in PLACEMENT:
        assert (referentiel, key) in where and key == f"doctrine-{section}"
    assert {ref for *_, ref, _ in PLACEMENT} == {"securite", "numerique-responsable", "interoperabilite"}


# --- (b) chapter_label ------------------------------------------------------------------------------


DOCTRINE = Text("Doctrine", "Doctrine")


@pytest.mark.parametrize(
    ("chapter", "lang", "expected"),
    [
        (
            Chapter("RGS et homologation", "RGS and accreditation", DOCTRINE, "6.1.1"),
            "fr",
            "Doctrine §6.1.1 — RGS et homologation",
        ),
        (
            Chapter("RGS et homologation", "RGS and accreditation", DOCTRINE, "6.1.1"),
            "en",
            "Doctrine §6.1.1 — RGS and accreditation",
        ),
        (Chapter("Défense", "Defence", Text("MonServiceSécurisé")), "fr", "MonServiceSécurisé — Défense"),
        (Chapter("Défense", "Defence", Text("MonServiceSécurisé")), "en", "MonServiceSécurisé — Defence"),
        (Chapter("6. Frontend", None, Text("RGESN 2024")), "en", "RGESN 2024 — 6. Frontend"),
        (
            Chapter(
                "Identification", "Identification", Text("Référentiel d'interopérabilité", "Interop"), "6.1"
            ),
            "en",
            "Interop §6.1 — Identification",
        ),
        (Chapter.declared("6.1.4", "RGPD"), "fr", "§6.1.4 RGPD"),
        (Chapter.declared("ANSSI", {"fr": "Mesures", "en": "Measures"}), "en", "Measures"),
        (Text("Titre seul", "Title only"), "en", "Title only"),
    ],
)
def test_chapter_label(chapter: Text, lang: str, expected: str) -> None:
    assert chapter_label(chapter, lang) == expected


# --- (c) plain text never cuts a title -------------------------------------------------------------


@pytest.mark.parametrize("example", sorted(p.name for p in EXAMPLES.glob("*.yaml")))
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_text_score_table_prints_whole_labels(example: str, lang: str) -> None:
    _, out, _ = run(str(EXAMPLES / example), "--format", "text", "--lang", lang, "--fail-on", "aucun")
    assert "…" not in out
    labels = {chapter_label(c, lang) for p in PACKS for c in p.chapters.values()}
    assert any(len(label) > 60 and label in out for label in labels)


# --- (d) the old plain-title form still loads --------------------------------------------------------


def test_old_form_chapter_loads(write: Callable[..., Path]) -> None:
    path = write(
        """\
        pack:
          id: old-pack
          version: 1.0.0
          title: Pack à l'ancienne
          referentiel: securite
          doctrine_version: "test"
          chapters:
            "6.1": {fr: Chapitre six un, en: Chapter six one}
            CT.1: Contrôle maison
        rules:
          - id: T-6.1-A
            title: Règle A
            chapter: "6.1"
            severity: majeur
            rationale: Pourquoi.
            remediation: Comment.
            references: [{url: "https://example.org/doctrine"}]
            provenance: {evidence: officiel, legal_basis: loi-generale}
            check: {path: identity.admin_mfa, equals: true}
            examples:
              - {outcome: conforme, manifest: {identity: {admin_mfa: true}}}
              - {outcome: non-conforme, manifest: {identity: {admin_mfa: false}}}
        """,
        "old.yaml",
    )
    pack = load_pack(path)
    assert pack.chapters["6.1"] == Chapter("Chapitre six un", "Chapter six one", None, "6.1")
    assert chapter_label(pack.rules[0].chapter_title, "en") == "§6.1 Chapter six one"
    assert chapter_label(pack.chapters["CT.1"], "fr") == "Contrôle maison"


# --- (e) profiles written with old keys ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("securite:6.1.1", "securite:doctrine-6.1.1"),
        ("interoperabilite:6.1.1", "interoperabilite:ri-6.1.1"),
        ("numerique-responsable:RGESN.6", "numerique-responsable:rgesn-6"),
        ("securite:HEBERGEMENT", "securite:mss-gouvernance"),
    ],
)
def test_old_profile_key_says_which_key_to_write(write: Callable[..., Path], old: str, new: str) -> None:
    profile = write(f'profile: {{id: p, title: P}}\nmin_scores:\n  chapters:\n    "{old}": 80\n', "p.yaml")
    code, _, err = run(str(EXAMPLES / "ent-premier-degre.yaml"), "--profile", str(profile))
    assert code == 2 and f"ancienne clé de chapitre « {old} »" in err and f"« {new} »" in err
    assert "p.yaml:4:5" in err


def test_old_bare_chapter_in_select_lists_every_new_key() -> None:
    assert renamed("6.1.1") == ("ri-6.1.1", "doctrine-6.1.1")
    result = CliRunner().invoke(cli, ["rules", "--select", "securite:6.1.4"], catch_exceptions=False)
    code, err = result.exit_code, result.stderr
    assert code == 2 and "securite:doctrine-6.1.4" in err


def test_example_profile_uses_current_keys() -> None:
    code, out, _ = run(
        str(EXAMPLES / "ent-second-degre.yaml"),
        "--profile",
        str(EXAMPLES / "profils" / "marche-ent-colleges.yaml"),
    )
    assert code == 0 and "Score Doctrine §6.1.4 — RGPD" in out


# --- (f) the §6.1 placement note in every report ---------------------------------------------------------


def _terminal(lang: str) -> str:
    from rich.console import Console

    from doctrine_lint.console import present
    from doctrine_lint.formats import RenderOptions
    from doctrine_lint.linter import lint

    report = lint([EXAMPLES / "ressource-gar.yaml"], PACKS, today=date.fromisoformat(PINNED_DATE))
    out = io.StringIO()
    present(report, Console(file=out, width=100, color_system=None), RenderOptions(lang=lang))
    return out.getvalue()


@pytest.mark.parametrize("fmt", ["text", "markdown", "html", "terminal"])
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_placement_note_in_every_human_format(fmt: str, lang: str) -> None:
    if fmt == "terminal":
        out = _terminal(lang)
    else:
        _, out, _ = run(
            str(EXAMPLES / "ressource-gar.yaml"), "--format", fmt, "--lang", lang, "--fail-on", "aucun"
        )
    note = PLACEMENT_NOTE.get(lang)
    flat = " ".join(out.split()).replace("&#x27;", "'").replace("&#39;", "'")
    assert note in flat, fmt


def test_placement_in_json_report() -> None:
    _, out, _ = run(str(EXAMPLES / "ressource-gar.yaml"), "--format", "json", "--fail-on", "aucun")
    placement = json.loads(out)["placement"]
    assert placement["note"] == PLACEMENT_NOTE.as_json()
    assert {(s["doctrine_section"], s["referentiel"]) for s in placement["sections"]} == {
        ("6.1.1", "securite"),
        ("6.1.2", "numerique-responsable"),
        ("6.1.3", "interoperabilite"),
        ("6.1.4", "securite"),
    }
