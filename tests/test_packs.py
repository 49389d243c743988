"""Rule packs: schema and compile errors at the pack's own positions, extends and overrides."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from doctrine_lint.errors import PackError
from doctrine_lint.model import Severity
from doctrine_lint.packs import load_pack, load_packs

HEADER = """\
pack:
  id: test-pack
  version: 1.0.0
  title: Pack de test
  referentiel: securite
  doctrine_version: "test"
  chapters:
    "6.1": Chapitre six un
rules:
"""

RULE = """\
  - id: T-6.1-A
    title: {fr: Règle A, en: Rule A}
    chapter: "6.1"
    severity: majeur
    rationale: Pourquoi.
    remediation: Comment.
    references: [{url: "https://example.org/doctrine", section: "§6.1"}]
    provenance: {evidence: officiel, legal_basis: loi-generale}
    check: {path: identity.admin_mfa, equals: true}
    examples:
      - {outcome: conforme, manifest: {identity: {admin_mfa: true}}}
      - {outcome: non-conforme, manifest: {identity: {admin_mfa: false}}}
"""


def _pack(write: Callable[..., Path], rules: str = RULE, header: str = HEADER, name: str = "p.yaml") -> Path:
    return write(header + rules, name)


def test_valid_pack_compiles(write: Callable[..., Path]) -> None:
    pack = load_pack(_pack(write))
    assert pack.id == "test-pack"
    rule = pack.rules[0]
    assert rule.id == "T-6.1-A"
    assert rule.severity is Severity.MAJEUR
    assert rule.weight == 3.0
    assert rule.title.get("en") == "Rule A"
    assert rule.chapter_title.get("fr") == "Chapitre six un"
    assert rule.provenance.verified is True
    assert len(pack.sha256) == 64


BROKEN: list[tuple[str, str, str, int, int]] = [
    (
        "unknown-operator",
        RULE.replace("equals: true}", "greater: 1}"),
        "opérateur inconnu « greater »",
        18,
        39,
    ),
    ("bad-regex", RULE.replace("equals: true}", 'matches: "(x"}'), "expression régulière invalide", 18, 39),
    ("bad-path", RULE.replace("path: identity.admin_mfa", "path: identity..admin_mfa"), "chemin", 18, 13),
    ("unknown-chapter", RULE.replace('chapter: "6.1"', 'chapter: "9.9"'), "chapitre « 9.9 » absent", 12, 14),
    (
        "bad-severity",
        RULE.replace("severity: majeur", "severity: grave"),
        "valeur « grave » non reconnue",
        13,
        15,
    ),
    ("missing-examples", RULE.split("    examples:")[0], "clé obligatoire manquante : « examples »", 10, 5),
    (
        "no-failing-example",
        RULE.replace("- {outcome: non-conforme", "- {outcome: conforme"),
        "la liste ne contient pas",
        20,
        7,
    ),
    (
        "inference-cannot-block",
        RULE.replace("severity: majeur", "severity: bloquant").replace(
            "evidence: officiel", "evidence: inference"
        ),
        "interdite",
        13,
        15,
    ),
    ("unknown-key", RULE.replace("    chapter:", "    chapitre: x\n    chapter:"), "clé inconnue", 12, 5),
    (
        "duplicate-yaml-key",
        RULE.replace("    chapter:", "    title: B\n    chapter:"),
        "clé « title » en double",
        12,
        5,
    ),
    ("duplicate-rule-id", RULE + RULE, "identifiant de règle en double", 22, 9),
    (
        "inference-cannot-be-verified",
        RULE.replace(
            "evidence: officiel, legal_basis: loi-generale",
            "evidence: inference, legal_basis: loi-generale, verified: true",
        ),
        "valeur « true » interdite ici, attendu : « false »",
        17,
        76,
    ),
    (
        "external-schema-ref",
        RULE.replace("equals: true}", 'schema: {"$ref": "https://evil.example/x"}}'),
        "référence externe",
        18,
        39,
    ),
]


@pytest.mark.parametrize(("name", "rules", "fragment", "line", "column"), BROKEN, ids=[b[0] for b in BROKEN])
def test_broken_pack_is_reported_at_its_own_position(
    write: Callable[..., Path], name: str, rules: str, fragment: str, line: int, column: int
) -> None:
    path = _pack(write, rules)
    with pytest.raises(PackError) as info:
        load_pack(path)
    problems = info.value.problems
    assert any(fragment in p.message for p in problems), problems
    hit = next(p for p in problems if fragment in p.message)
    assert (hit.file, hit.line, hit.column) == (str(path), line, column)


def test_pack_yaml_errors_are_pack_errors(write: Callable[..., Path]) -> None:
    with pytest.raises(PackError, match="syntaxe"):
        load_pack(write("pack: [\n"))


EXTENDING = """\
pack:
  id: collectivite
  version: 0.1.0
  title: Exigences de la collectivité
  extends: {base}
  chapters:
    "7": Exigences locales
overrides:
  T-6.1-A: {severity: bloquant}
  T-6.1-B: {enabled: false}
rules:
  - id: LOC-7-PLAN
    title: Plan de réversibilité
    chapter: "7"
    severity: mineur
    weight: 7
    rationale: Pourquoi.
    remediation: Comment.
    references: [{url: "https://example.org/cctp"}]
    provenance: {evidence: officiel, legal_basis: contrat}
    check: {path: interoperability.reversibility.plan, equals: true}
    examples:
      - {outcome: conforme, manifest: {interoperability: {reversibility: {plan: true}}}}
      - {outcome: non-conforme, manifest: {interoperability: {reversibility: {plan: false}}}}
"""


def test_extends_overrides_disables_and_adds(write: Callable[..., Path]) -> None:
    base = _pack(write, RULE + RULE.replace("T-6.1-A", "T-6.1-B"), name="base.yaml")
    derived = load_pack(write(EXTENDING.replace("{base}", base.name), "derived.yaml"))
    ids = [r.id for r in derived.rules]
    assert ids == ["T-6.1-A", "LOC-7-PLAN"]
    a = derived.rules[0]
    assert a.severity is Severity.BLOQUANT and a.weight == 5.0
    assert a.pack_id == "collectivite" and a.referentiel == "securite"
    assert derived.rules[1].weight == 7.0
    assert derived.disabled == ["T-6.1-B"]
    assert [p.id for p in derived.lineage()] == ["collectivite", "test-pack"]
    assert set(derived.chapters) == {"6.1", "7"}


def test_inherited_rules_take_the_renamed_chapter_title(write: Callable[..., Path]) -> None:
    base = _pack(write, name="base.yaml")
    text = EXTENDING.replace("{base}", base.name).replace(
        '    "7": Exigences locales', '    "7": Exigences locales\n    "6.1": Nouveau titre'
    )
    text = text.replace("  T-6.1-B: {enabled: false}\n", "")
    derived = load_pack(write(text, "derived.yaml"))
    assert derived.rules[0].chapter_title.get("fr") == "Nouveau titre"


def test_derived_pack_replaces_its_base_in_the_loaded_set(write: Callable[..., Path]) -> None:
    base = _pack(write, name="base.yaml")
    derived = write(
        EXTENDING.replace("{base}", base.name).replace("  T-6.1-B: {enabled: false}\n", ""), "derived.yaml"
    )
    packs = load_packs([base, derived], shipped=False)
    assert [p.id for p in packs] == ["collectivite"]


def test_extending_a_shipped_pack_by_id(write: Callable[..., Path]) -> None:
    text = EXTENDING.replace("{base}", "dtne-securite").replace(
        "overrides:\n  T-6.1-A: {severity: bloquant}\n  T-6.1-B: {enabled: false}\n", ""
    )
    packs = load_packs([write(text, "derived.yaml")])
    ids = {p.id for p in packs}
    assert "collectivite" in ids and "dtne-securite" not in ids


@pytest.mark.parametrize(
    ("change", "fragment"),
    [
        (
            "overrides:\n  T-6.1-A: {severity: bloquant}\n  NOPE-1: {weight: 2}\n",
            "règle inconnue du pack étendu : NOPE-1",
        ),
        ("extends: nulle-part.yaml", "pack étendu introuvable"),
        ("extends: /etc/passwd", "doit nommer un pack livré ou un fichier du même dossier"),
        ("extends: ../base.yaml", "doit nommer un pack livré ou un fichier du même dossier"),
    ],
)
def test_extends_errors(write: Callable[..., Path], change: str, fragment: str) -> None:
    base = _pack(write, RULE + RULE.replace("T-6.1-A", "T-6.1-B"), name="base.yaml")
    text = EXTENDING.replace("{base}", base.name)
    if change.startswith("overrides"):
        text = text.replace(
            "overrides:\n  T-6.1-A: {severity: bloquant}\n  T-6.1-B: {enabled: false}\n", change
        )
    else:
        text = text.replace(f"extends: {base.name}", change)
    with pytest.raises(PackError, match=fragment):
        load_pack(write(text, "derived.yaml"))


def test_override_cannot_make_an_inferred_rule_blocking(write: Callable[..., Path]) -> None:
    base = _pack(write, RULE.replace("evidence: officiel", "evidence: inference"), name="base.yaml")
    text = EXTENDING.replace("{base}", base.name).replace("  T-6.1-B: {enabled: false}\n", "")
    with pytest.raises(PackError, match="ne peut pas être bloquante"):
        load_pack(write(text, "derived.yaml"))


def test_extending_pack_keeps_its_base_referentiel(write: Callable[..., Path]) -> None:
    base = _pack(write, name="base.yaml")
    text = EXTENDING.replace("{base}", base.name).replace(
        "  extends:", "  referentiel: interoperabilite\n  extends:"
    )
    text = text.replace("  T-6.1-B: {enabled: false}\n", "")
    with pytest.raises(PackError, match="garde son référentiel « securite »"):
        load_pack(write(text, "derived.yaml"))


def test_extending_pack_examples_date_does_not_move_inherited_examples(write: Callable[..., Path]) -> None:
    from datetime import date

    dated = HEADER.replace("  doctrine_version:", '  examples_date: "2026-11-28"\n  doctrine_version:')
    base = _pack(write, RULE, dated, name="base.yaml")
    text = EXTENDING.replace("{base}", base.name).replace(
        "  extends:", '  examples_date: "2030-01-01"\n  extends:'
    )
    text = text.replace("  T-6.1-B: {enabled: false}\n", "")
    derived = load_pack(write(text, "derived.yaml"))
    dates = {r.id: r.examples_date for r in derived.rules}
    assert dates == {"T-6.1-A": date(2026, 11, 28), "LOC-7-PLAN": date(2030, 1, 1)}


def test_circular_extends(write: Callable[..., Path]) -> None:
    a = HEADER.replace("id: test-pack", "id: pack-a").replace(
        "  referentiel: securite\n", "  referentiel: securite\n  extends: b.yaml\n"
    )
    write(a + RULE, "a.yaml")
    b = HEADER.replace("id: test-pack", "id: pack-b").replace(
        "  referentiel: securite\n", "  referentiel: securite\n  extends: a.yaml\n"
    )
    with pytest.raises(PackError, match="héritage circulaire"):
        load_pack(write(b + RULE.replace("T-6.1-A", "T-6.1-Z"), "b.yaml"))


def test_same_rule_in_two_packs_is_an_error(write: Callable[..., Path]) -> None:
    one = _pack(write, name="one.yaml")
    two = write((HEADER + RULE).replace("id: test-pack", "id: other-pack"), "two.yaml")
    with pytest.raises(PackError, match="définie dans deux packs"):
        load_packs([one, two], shipped=False)


def test_shipped_packs_load_and_cover_the_three_referentiels() -> None:
    packs = load_packs()
    assert {p.referentiel for p in packs} == {"interoperabilite", "securite", "numerique-responsable"}
    for pack in packs:
        assert len(pack.rules) >= 8, pack.id
