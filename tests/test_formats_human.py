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
from doctrine_lint.formats.view import PriorityView
from doctrine_lint.linter import Report, lint
from doctrine_lint.model import Severity
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


# --- verdict first, priorities, bars, print ----------------------------------------------------


def _view_with(report: Report, lang: str = "fr", **changes: object) -> str:
    """The HTML of `report` with its first manifest's view changed (priorities made by hand: the
    priorities module fills them in real runs)."""
    from dataclasses import replace

    from doctrine_lint.formats.html import render_view
    from doctrine_lint.formats.view import build, shown

    view = build(report, RenderOptions(lang=lang))
    manifest = shown(replace(view.manifests[0], **changes))
    return render_view(replace(view, manifests=[manifest]))


def _priority(rank: int, title: str, action: str, **more: object) -> PriorityView:
    fields: dict[str, object] = {
        "rank": rank,
        "kind": "non-conforme",
        "kind_label": "Non conforme",
        "title": title,
        "rules": [f"R-{rank}"],
        "severity": Severity.MAJEUR,
        "severity_label": "majeur",
        "blocking": False,
        "file": "m.yaml",
        "line": 10 + rank,
        "column": 3,
        "position": f"m.yaml:{10 + rank}:3",
        "action": action,
        "conformity_gain": 1.5,
        "completeness_gain": 0.0,
        "gain_text": "+1,5 pt de conformité",
        "verdict_after": None,
    }
    fields.update(more)
    return PriorityView(**fields)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def gar_report() -> Report:
    return lint([REPO / "examples/ressource-gar.yaml"], load_packs(), today=date.fromisoformat(PINNED_DATE))


def test_the_page_opens_on_the_service_and_its_verdict_and_ends_on_provenance(gar_report: Report) -> None:
    page = _view_with(gar_report, priorities=[_priority(1, "Premier", "Corriger ceci")])
    order = [
        '<h2 class="service" id="manifest-1">',
        '<div class="verdict v-partiellement-conforme"',
        "<h3>Scores</h3>",
        '<details class="howto">',
        "<h3>À corriger en priorité</h3>",
        "<h3>Scores par chapitre</h3>",
        "<h3>Constats</h3>",
        "<h3>Faits à déclarer</h3>",
        "<h3>Faits calculés</h3>",
        '<h2 id="stamp">Provenance et empreintes</h2>',
        "SHA-256",
    ]
    positions = [page.find(marker) for marker in order]
    assert -1 not in positions and positions == sorted(positions), list(zip(order, positions, strict=True))
    # the status is said in words, with a sign, not by colour alone
    assert (
        '<p class="status st-partiellement-conforme"><span aria-hidden="true">◐</span> partiellement conforme</p>'
        in page
    )
    assert page.count('<div class="card v-') == 3


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_priorities_are_an_ordered_list_with_rank_action_place_and_gain(
    gar_report: Report, lang: str
) -> None:
    items = [
        _priority(1, "Propager l'identité", "Déclarer le SSO", blocking=True, verdict_after="conforme"),
        _priority(
            2,
            "security.measures",
            "déclarer security.measures",
            kind="a-renseigner",
            kind_label="À renseigner",
            rules=[f"MSS-{i}" for i in range(9)],
            gain_text="+0,8 pt de complétude",
        ),
    ]
    page = _view_with(gar_report, lang, priorities=items)
    section = page[
        page.index('<ol class="priorities">') : page.index("</ol>", page.index('<ol class="priorities">'))
    ]
    assert section.count("<li ") == 2
    first, second = section.split('<li value="2"')
    assert first.startswith('<ol class="priorities">\n<li value="1" class="sev-majeur">')
    assert "Propager l&#x27;identité" in first and "Déclarer le SSO" in first and "m.yaml:11:3" in first
    assert '<span class="gain">+1,5 pt de conformité</span>' in first
    assert ("bloquant" if lang == "fr" else "blocking") in first
    assert ("verdict ensuite : conforme" if lang == "fr" else "verdict after: conforme") in first
    assert "o-a-renseigner" in second and "MSS-0, MSS-1, MSS-2, MSS-3, MSS-4, MSS-5 (+3)" in second
    assert ("À corriger en priorité" if lang == "fr" else "Fix first") in page


def test_no_priorities_no_section(gar_report: Report) -> None:
    page = _view_with(gar_report, priorities=[])
    assert "priorities" not in page.split("<style>")[1].split("</style>")[1]
    assert "À corriger en priorité" not in page


def test_bars_are_labelled_with_score_and_rules_or_why_they_have_none(gar_report: Report) -> None:
    page = get_formatter("html")(gar_report, RenderOptions())
    assert "<text" not in page  # every text is HTML at the page's size, none drawn in a scaled SVG
    values = re.findall(r'<span class="value">([^<]*)</span>', page)
    assert values and all(
        re.fullmatch(r"\d+,\d\u00a0% · \d+ règles? — .+", v)
        or re.fullmatch(r"(0\u00a0% : \d+ règles? non conformes? sur \d+ décidées? — non conforme)", v)
        or re.fullmatch(r"rien de décidé : \d+ règles? à renseigner — .+", v)
        or v in ("aucune règle applicable",)
        or re.fullmatch(r"sans score : \d+ règles? sans poids", v)
        for v in values
    ), values
    # the fill is a percentage of the bar's own width, never a scaled drawing
    assert re.search(
        r'<svg class="bar" aria-hidden="true" focusable="false"><rect class="track" width="100%" height="100%"/><rect class="st-[a-z-]+" width="\d+(\.\d)?%" height="100%"/></svg>',
        page,
    )
    assert "viewBox" not in page


def test_print_stylesheet_lays_out_a4_pages_with_numbers() -> None:
    from doctrine_lint.formats.html import CSS

    assert "@page{size:A4 portrait" in CSS and 'counter(page) " / " counter(pages)' in CSS
    printed = CSS[CSS.index("@media print{") :]
    for rule in (
        "break-inside:avoid",
        "break-after:avoid",
        "thead{display:table-header-group}",
        "a[href]::after",
    ):
        assert rule in printed, rule
    # no font under 12 px on screen (rem is 16 px): sizes in rem and px stay legible
    sizes = [float(x) for x in re.findall(r"font-size:([\d.]+)rem", CSS[: CSS.index("@media print{")])]
    assert sizes and min(sizes) * 16 >= 12, sorted(sizes)[:3]


def test_hostile_text_in_priorities_and_profile_is_inert(tmp_path: Path) -> None:
    """The new places where manifest (and profile) text reaches the page: priorities, the failed
    requirements of the profile verdict, the manifest's file in the provenance section."""
    from doctrine_lint.formats.view import ProfileCheckView

    hostile = f"{HOSTILE} \x1b]52;c;x\x07 \u202e"
    page = _view_with(
        _hostile_report(tmp_path),
        priorities=[
            _priority(
                1,
                hostile,
                hostile,
                rules=[hostile],
                position=hostile,
                gain_text=hostile,
                verdict_after=hostile,
                kind=hostile,
            )
        ],
        profile=[
            ProfileCheckView(hostile, hostile, hostile, False),
            ProfileCheckView(hostile, "1", "2", True),
        ],
        file=hostile,
    )
    assert "<script" not in page.lower() and page.count("</style>") == 1
    checker = _Checker()
    checker.feed(page)
    checker.close()
    assert checker.problems == [] and checker.stack == []
    for tag, attrs in checker.tags:
        for name, value in attrs:
            assert "alert" not in (value or "") and "evil" not in (value or ""), (tag, name, value)
    text = "".join(checker.text)
    assert "\x1b" not in page and "\u202e" not in page
    assert text.count("<script>alert(1)</script>") >= 5  # shown as text: priority, profile, file…
    assert "\\x1b]52;c;x\\x07" in text and "\\u202e" in text
