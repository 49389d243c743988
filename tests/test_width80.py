"""At 80 columns nothing a person reads is cut: every status label and every chapter title of
every example appears whole, in the plain text report and in the rich terminal view (whose
score table wraps a long title in its cell rather than cutting it)."""

from __future__ import annotations

import io
import re
from datetime import date
from pathlib import Path

import pytest
from rich.console import Console

from doctrine_lint.console import present
from doctrine_lint.formats import RenderOptions, get_formatter
from doctrine_lint.formats.view import build
from doctrine_lint.linter import LintOptions, Report, lint
from doctrine_lint.packs import load_packs

from .conftest import EXAMPLES, PINNED_DATE

PACKS = load_packs()


def _report(path: Path) -> Report:
    return lint([path], PACKS, LintOptions(today=date.fromisoformat(PINNED_DATE)))


def _terminal(report: Report, lang: str) -> str:
    console = Console(
        file=io.StringIO(), width=80, force_terminal=True, record=True, emoji=False, highlight=False
    )
    present(report, console, RenderOptions(lang=lang))
    return console.export_text()


def _table_cells(out: str, column: int) -> list[str]:
    """The cells of one column of the score table, their wrapped lines joined."""
    cells: list[str] = []
    for line in out.splitlines():
        if not line.startswith("│"):
            continue
        parts = line.split("│")[1:-1]
        assert all(len(p) for p in parts), line
        if parts[1].strip() or not cells:  # a new row has a rate (or "—"); else it continues
            cells.append(parts[column].strip())
        else:
            cells[-1] = f"{cells[-1]} {parts[column].strip()}".strip()
    return cells


def _squeezed(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.yaml")), ids=lambda p: p.stem)
def test_nothing_is_cut_at_80_columns(path: Path, lang: str) -> None:
    report = _report(path)
    (m,) = build(report, RenderOptions(lang=lang)).manifests
    rows = m.scores.rows()
    out = _terminal(report, lang)
    assert max(len(line) for line in out.splitlines()) <= 80
    labels = _table_cells(out, 0)
    statuses = _table_cells(out, 2)
    assert len(labels) == len(rows)
    for row, label, shown in zip(rows, labels, statuses, strict=True):
        # a wrapped title may break inside a long word (fold): compare without spaces
        assert _squeezed(label) == _squeezed(row.label), (label, row.label)
        assert shown == row.status_label
    # the headings of the findings: wrapped at spaces, never cut
    prose = " ".join(out.split())
    for group in m.findings:
        assert " ".join(group.label.split()) in prose, group.label
    assert "…" not in "".join(labels)
    # the plain text report: every title and status whole on its line
    text = get_formatter("text")(report, RenderOptions(lang=lang))
    lines = [line.strip() for line in text.splitlines()]
    for row in rows:
        assert row.label in lines or any(line.startswith(row.label) for line in lines), row.label
        assert any(f"] {row.status_label} — " in line for line in lines), row.status_label
    for group in m.findings:
        assert f"{group.label} ({group.referentiel_title})" in lines
