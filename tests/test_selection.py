"""--select / --ignore tokens, against the shipped rules."""

from __future__ import annotations

import pytest

from doctrine_lint.errors import UsageError
from doctrine_lint.packs import all_rules, load_packs
from doctrine_lint.selection import select_rules

RULES = all_rules(load_packs())


def _ids(select: list[str], ignore: list[str] | None = None) -> set[str]:
    return {r.id for r in select_rules(RULES, select, ignore or [])}


def test_no_selection_keeps_everything() -> None:
    assert _ids([]) == {r.id for r in RULES}


@pytest.mark.parametrize(
    ("token", "predicate"),
    [
        ("RI-6.1-SSO", lambda r: r.id == "RI-6.1-SSO"),
        ("RI-6.1*", lambda r: r.id.startswith("RI-6.1")),
        ("securite", lambda r: r.referentiel == "securite"),
        ("dtne-numerique-responsable", lambda r: r.pack_id == "dtne-numerique-responsable"),
        ("doctrine-6.1", lambda r: r.chapter.startswith("doctrine-6.1.")),
        ("securite:doctrine-6.1.4", lambda r: r.referentiel == "securite" and r.chapter == "doctrine-6.1.4"),
    ],
)
def test_select_token_forms(token: str, predicate) -> None:  # type: ignore[no-untyped-def]
    expected = {r.id for r in RULES if predicate(r)}
    assert expected and _ids([token]) == expected


def test_ignore_removes_from_selection() -> None:
    chosen = _ids(["securite"], ["securite:doctrine-6.1.4"])
    assert chosen and all(not i.startswith("SEC-6.1.4") for i in chosen)


def test_chapter_prefix_does_not_match_a_longer_number() -> None:
    assert not any(r.chapter.startswith("doctrine-6.10") for r in select_rules(RULES, ["doctrine-6.1"]))


@pytest.mark.parametrize("token", ["NOPE", "RI-9*", "securite:9.9"])
def test_unknown_token_is_an_error(token: str) -> None:
    with pytest.raises(UsageError, match="ne désigne aucune règle"):
        select_rules(RULES, [token])


@pytest.mark.parametrize(
    ("level", "allowed"),
    [
        ("doctrine", {"doctrine"}),
        ("officiel", {"doctrine", "officiel"}),
        ("inference", {"doctrine", "officiel", "secondaire", "inference"}),
    ],
)
def test_min_evidence_keeps_rules_backed_well_enough(level: str, allowed: set[str]) -> None:
    from doctrine_lint.selection import at_least

    kept = at_least(RULES, level)
    assert kept and {r.provenance.evidence.value for r in kept} <= allowed
    assert len(kept) == sum(1 for r in RULES if r.provenance.evidence.value in allowed)
