"""Markdown and HTML reports: golden files on an example, English output, and a hostile manifest
whose text must come out inert (escaped, capped, tables intact, no script, no external asset)."""

from __future__ import annotations

import re
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from markdown_it import MarkdownIt

from doctrine_lint.cli import cli
from doctrine_lint.formats import RenderOptions, get_formatter
from doctrine_lint.linter import Report, lint
from doctrine_lint.packs import load_packs

from .conftest import PINNED_DATE, REPO

GOLDEN = Path(__file__).parent / "golden"

HOSTILE = (
    "<script>alert(1)</script> \"double\" 'single' </style> ]]> "
    "[clic](https://evil.example/x) ![img](https://evil.example/i.png) <https://evil.example/auto> "
    "a|b \\| `code` @all $x$ *bold* _em_"
)
LONG = "L" * 99_990 + "END-MARKER"  # 100,000 characters
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


def _invoke(*args: str) -> str:
    result = CliRunner().invoke(cli, [*args, "--date", PINNED_DATE], catch_exceptions=False)
    assert result.exit_code in (0, 1), result.output
    return result.stdout


@pytest.mark.parametrize("fmt", ["markdown", "html"])
def test_golden(fmt: str, update_golden: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)  # paths in the report stay relative, and excerpts re-read the file
    out = _invoke("examples/ressource-gar.yaml", "--format", fmt)
    path = GOLDEN / f"ressource-gar.{'md' if fmt == 'markdown' else 'html'}"
    if update_golden:
        path.write_text(out, encoding="utf-8")
    assert path.exists(), f"missing golden file {path.name}: run pytest --update-golden"
    assert out == path.read_text(encoding="utf-8")


def test_html_golden_has_charts_excerpts_and_stamp() -> None:
    page = (GOLDEN / "ressource-gar.html").read_text(encoding="utf-8")
    assert page.startswith('<!DOCTYPE html>\n<html lang="fr">')
    assert page.count('<figure class="chart"') == 3  # one chart per référentiel
    assert "<text" not in page  # no text drawn in SVG, where scaling would shrink it
    assert (
        "Empreinte de reproductibilité" in page
        and '<time datetime="2026-11-28">28 novembre 2026</time>' in page
    )
    # the excerpt of a finding marks its line, read back from the manifest
    assert '<mark><span class="ln">102</span>        standard: proprietaire' in page


def test_lang_en(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    page = _invoke("examples/ressource-gar.yaml", "--format", "html", "--lang", "en")
    assert '<html lang="en">' in page
    for english in ("Reproducibility stamp", "Findings", "Facts to declare", "Manifest excerpt", "compliant"):
        assert english in page
    # (the manifest's own French comments may appear in excerpts, so look for our labels only)
    for french in ("Empreinte", "Constats", "Faits à déclarer", "Extrait du manifeste", ">non conforme<"):
        assert french not in page
    assert ">non-compliant<" in page and ">major<" in page
    text = _invoke("examples/ressource-gar.yaml", "--format", "markdown", "--lang", "en")
    assert "# doctrine-lint report" in text and "### Findings" in text and "| Rule | Severity |" in text
    assert "Constats" not in text and "non conforme" not in text


def test_profile_and_waivers_are_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    text = (REPO / "examples/ressource-gar.yaml").read_text(encoding="utf-8")
    waiver = (
        "derogations:\n"
        '  - {rule: SEC-MSS-FILTRE-WAF, justification: "WAF mutualisé | mise en service en janvier", '
        "approver: RSSI, expires: 2026-12-15}\n"
    )
    manifest = tmp_path / "gar.yaml"
    manifest.write_text(text + waiver, encoding="utf-8")
    profile = ("--profile", "examples/profils/marche-ent-colleges.yaml")
    md_out = _invoke(str(manifest), "--format", "markdown", *profile)
    assert "### Exigences du profil" in md_out and "**✗ non tenue**" in md_out
    assert "| SEC-MSS-FILTRE-WAF | appliquée, expire bientôt" in md_out
    assert "WAF mutualisé \\| mise en service" in md_out
    page = _invoke(str(manifest), "--format", "html", *profile)
    assert "<h3>Exigences du profil</h3>" in page and "✗ non tenue" in page
    assert '<tr class="w-expiring">' in page and "Score global sans dérogations" in page


# --- hostile manifest --------------------------------------------------------------------------


def _hostile_report(tmp_path: Path) -> Report:
    data = {
        "manifest_version": 1,
        "service": {
            "name": HOSTILE,
            "editor": HOSTILE,
            "kind": "service-tiers",
            "description": LONG,
            "version": "1.0 | <b>",
        },
        "derogations": [
            {
                "rule": "SEC-6.1.4-MINIMISATION",
                "justification": f"{HOSTILE} {LONG}",
                "approver": HOSTILE,
                "clause": HOSTILE,
                "expires": "2026-12-20",  # expiring soon: its own finding, shown with an excerpt
            },
            {
                "rule": "SEC-6.1.4-MINIMISATION",
                "path": HOSTILE,
                "justification": HOSTILE,
                "expires": "2027-01-31",
            },
        ],
    }
    path = tmp_path / "hostile.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=10**9), encoding="utf-8")
    report = lint([path], load_packs(), today=date.fromisoformat(PINNED_DATE))
    assert not report.errors and len(report.results) == 1
    return report


class _Checker(HTMLParser):
    """Records tags, attributes and text, and checks that every element is closed in order."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.problems: list[str] = []
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.problems.append(f"</{tag}> closes {self.stack[-1:] or 'nothing'}")
        else:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def test_hostile_manifest_html(tmp_path: Path) -> None:
    page = get_formatter("html")(_hostile_report(tmp_path), RenderOptions())
    assert "<script" not in page.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert page.count("</style>") == 1 and "]]>" not in page
    checker = _Checker()
    checker.feed(page)
    checker.close()
    assert checker.problems == [] and checker.stack == []
    tags = {tag for tag, _ in checker.tags}
    assert "script" not in tags
    assert not tags & {"img", "link", "iframe", "object", "embed", "base", "form", "input"}
    for tag, attrs in checker.tags:
        for name, value in attrs:
            assert not name.startswith("on"), (tag, name)
            assert name != "src", (tag, value)
            assert name != "style", (tag, value)  # only the one <style> element
            if name == "href":
                assert tag == "a" and value is not None and value.startswith(("https://", "http://")), (
                    tag,
                    value,
                )
                assert "evil.example" not in value
            assert "alert" not in (value or ""), (tag, name)  # manifest text never lands in attributes
    text = "".join(checker.text)
    assert HOSTILE[:40] in text  # shown to the reader as text, quotes and all
    assert "END-MARKER" not in page and "L" * 501 not in page
    assert "L" * 400 + "…" in text  # cut at 500 characters with an ellipsis
    assert len(page) < 1_000_000


def _cells(row: str) -> int:
    """Number of cells of a GFM table row, honouring backslash escapes."""
    count, i = 0, 0
    while i < len(row):
        if row[i] == "\\":
            i += 2
            continue
        if row[i] == "|":
            count += 1
        i += 1
    return count - 1


def test_hostile_manifest_markdown(tmp_path: Path) -> None:
    text = get_formatter("markdown")(_hostile_report(tmp_path), RenderOptions())
    assert "<script" not in text and "`code`" not in text
    assert not re.search(r"(?<!\\)\]\(https://evil", text)  # link syntax only with its "]" escaped
    assert "END-MARKER" not in text and "L" * 501 not in text and "L" * 400 + "…" in text
    # every table keeps one shape: no cell split by a manifest's "|", no row cut by a newline
    blocks = re.findall(r"(?:^\|.*\|\n)+", text, flags=re.MULTILINE)
    assert len(blocks) >= 5
    for block in blocks:
        rows = block.splitlines()
        assert len({_cells(r) for r in rows}) == 1, rows[0]
    # and rendered as a forge would, nothing active comes out
    rendered = MarkdownIt("commonmark", {"html": True}).enable("table").render(text)
    assert "<script" not in rendered and "<img" not in rendered and 'evil.example/x"' not in rendered
    assert "<a " not in rendered
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in rendered
    assert "<table>" in rendered
