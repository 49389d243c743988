"""Dates: one module reads ISO dates for the command line, schemas, dérogations and conditions."""

from __future__ import annotations

import ast
from datetime import date

import pytest
from click.testing import CliRunner

from doctrine_lint.cli import cli
from doctrine_lint.dates import parse_date, parse_day, validated_date

from .conftest import REPO


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("2026-02-28", date(2026, 2, 28)),
        ("2026-02-30", None),
        ("20260228", None),
        ("2026-W09-6", None),
        ("2026-02-28T10:00", None),  # a time part is a manifest value, not a day
        ("２０２６-02-28", None),
    ],
)
def test_parse_day_takes_the_bare_extended_form_only(text: str, day: date | None) -> None:
    assert parse_day(text) == day


def test_parse_date_ignores_a_time_part() -> None:
    assert parse_date("2026-02-28T10:00:00Z") == date(2026, 2, 28)


def test_validated_date_refuses_what_the_schema_should_have_caught() -> None:
    assert validated_date("2026-02-28") == validated_date(date(2026, 2, 28))
    with pytest.raises(ValueError):
        validated_date("28/02/2026")


def test_rules_test_date_is_read_like_lint_date() -> None:
    result = CliRunner().invoke(cli, ["rules", "test", "--date", "2026-13-01"])
    assert result.exit_code == 2 and "n'est pas une date AAAA-MM-JJ" in result.stderr


# packs.py still reads `examples_date` itself; it is being reworked on another branch and will
# use doctrine_lint.dates when that lands.
_NOT_YET = {"packs.py"}


def test_no_other_module_parses_dates() -> None:
    for path in (REPO / "doctrine_lint").rglob("*.py"):
        if path.name in ("dates.py", *_NOT_YET):
            continue
        calls = {
            node.attr
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
            if isinstance(node, ast.Attribute) and node.attr in ("fromisoformat", "strptime")
        }
        assert not calls, (
            f"{path.name} parses dates itself ({', '.join(sorted(calls))}): use doctrine_lint.dates"
        )
