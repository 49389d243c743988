"""Golden files for the CLI outputs on the bundled examples (pytest --update-golden rewrites them)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from doctrine_lint.cli import cli

from .conftest import PINNED_DATE, REPO

GOLDEN = Path(__file__).parent / "golden"

SCENARIOS: list[tuple[str, list[str]]] = [
    ("ent-premier-degre.txt", ["examples/ent-premier-degre.yaml"]),
    ("vie-scolaire.txt", ["examples/vie-scolaire.yaml"]),
    ("ent-second-degre.txt", ["examples/ent-second-degre.yaml"]),
    ("ressource-gar.txt", ["examples/ressource-gar.yaml"]),
    ("service-tiers-non-conforme.txt", ["examples/service-tiers-non-conforme.yaml"]),
    ("service-tiers-non-conforme.en.txt", ["examples/service-tiers-non-conforme.yaml", "--lang", "en"]),
    ("ressource-gar.all.txt", ["examples/ressource-gar.yaml", "--show-all"]),
    (
        "service-tiers-non-conforme.en.concise.txt",
        ["examples/service-tiers-non-conforme.yaml", "--format", "concise", "--lang", "en"],
    ),
    ("ent-premier-degre.statistics.txt", ["examples/ent-premier-degre.yaml", "--statistics"]),
    ("service-tiers-non-conforme.quiet.txt", ["examples/service-tiers-non-conforme.yaml", "--quiet"]),
    ("ressource-gar.json", ["examples/ressource-gar.yaml", "--format", "json"]),
    (
        "batch.json",
        [
            "examples/ent-second-degre.yaml",
            "examples/service-tiers-non-conforme.yaml",
            "--format",
            "json",
            "--select",
            "securite",
        ],
    ),
    ("explain-score-ressource-gar.txt", ["explain", "--score", "examples/ressource-gar.yaml"]),
    ("explain-RI-6.1-SSO.md", ["explain", "RI-6.1-SSO"]),
    ("rules.txt", ["rules"]),
]


@pytest.mark.parametrize(("name", "args"), SCENARIOS, ids=[s[0] for s in SCENARIOS])
def test_golden(name: str, args: list[str], update_golden: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    if args[0] != "rules" and not (args[0] == "explain" and "--score" not in args):
        args = [*args, "--date", PINNED_DATE]
    result = CliRunner().invoke(cli, args, catch_exceptions=False)
    assert result.exit_code in (0, 1), result.output
    path = GOLDEN / name
    if update_golden:
        path.write_text(result.stdout, encoding="utf-8")
    assert path.exists(), f"missing golden file {name}: run pytest --update-golden"
    assert result.stdout == path.read_text(encoding="utf-8")


def _scores_table() -> str:
    """Every bundled example's scores: overall, per référentiel and per chapter, with statuses,
    computed facts and metrics, in one small stable text."""
    from datetime import date

    from doctrine_lint.linter import lint
    from doctrine_lint.packs import load_packs

    packs = load_packs()
    lines: list[str] = []
    for path in sorted((REPO / "examples").glob("*.yaml")):
        report = lint([path], packs, today=date.fromisoformat(PINNED_DATE))
        (result,) = report.results
        s = result.scores
        lines.append(f"{path.name}: {s.overall.score} {s.overall.status}")
        for ref in s.referentiels:
            lines.append(f"  {ref.key}: {ref.score} {ref.status}")
            for ref_key, chap in s.chapters:
                if ref_key == ref.key:
                    lines.append(f"    {chap.key}: {chap.score} {chap.status}")
        lines += [f"  $derived.{fact.name} = {fact.value}" for fact in result.derived.facts.values()]
        lines += [f"  metric {m.name} = {m.value} ({m.counted})" for m in result.metrics]
    return "\n".join(lines) + "\n"


def test_example_scores_are_pinned(update_golden: bool) -> None:
    path = GOLDEN / "example-scores.txt"
    text = _scores_table()
    if update_golden:
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8")


def _fr(value: float | None) -> str:
    """A figure as the README writes it: 96,5 and 100 (not 100,0)."""
    if value is None:
        return "—"
    return "100" if value == 100 else f"{value:.1f}".replace(".", ",")


def test_readme_quotes_the_example_results_the_tool_gives() -> None:
    """The README's table of bundled examples (conformity, completeness, status, cyber indexes)
    says what a run gives today: a change of rules or scores that moves them must update it."""
    import re
    from datetime import date

    from doctrine_lint.i18n import status
    from doctrine_lint.linter import lint
    from doctrine_lint.packs import load_packs

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    found = re.findall(r"^\| `(examples/[\w-]+\.yaml)` \| [^|]+ \| ([^|]+) \| ([^|]+) \|$", readme, re.M)
    rows = {name: (result, index) for name, result, index in found}
    examples = sorted(p.relative_to(REPO).as_posix() for p in (REPO / "examples").glob("*.yaml"))
    assert sorted(rows) == examples
    packs = load_packs()
    for name in examples:
        report = lint([REPO / name], packs, today=date.fromisoformat(PINNED_DATE))
        (result,) = report.results
        overall = result.scores.overall
        quoted = rows[name][0]
        expected = f"{_fr(overall.score)} %, {_fr(overall.completeness)} %, {status(overall.status, 'fr')}"
        assert quoted.startswith(expected), (name, quoted, expected)
        metrics = {m.name: m.value for m in result.metrics}
        index = f"{_fr(metrics['indice_cyber'])} ({_fr(metrics['indice_cyber_ajuste'])})"
        assert rows[name][1].strip() == index, (name, rows[name][1], index)
