"""One finding per occurrence: a rule that walks a list reports each failing or undecided element,
located at that element's deciding field; it still weighs once; waivers and baselines work per
element. The three probe scenarios of issue 7 are here, for both ways a pack can walk a list
(`for_each`, and a plain `[*]` test)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from doctrine_lint.cli import cli
from doctrine_lint.formats import FORMATS, RenderOptions, get_formatter
from doctrine_lint.labels import all_labels
from doctrine_lint.linter import lint
from doctrine_lint.model import Outcome
from doctrine_lint.packs import load_packs

TODAY = date(2026, 11, 28)

HEAD = """\
pack: {id: probe, version: 1.0.0, title: Sonde, referentiel: interoperabilite, doctrine_version: t,
       chapters: {"1": Un}}
identity_keys:
  identity.providers: [audience]
rules:
  - id: P-PROTO
    title: Protocole standard
    chapter: "1"
    severity: majeur
    rationale: r
    remediation: r
    message: "Protocole non standard : {value}"
    references: [{url: "https://example.org"}]
    provenance: {evidence: officiel, legal_basis: bonne-pratique}
"""

FOR_EACH = (
    HEAD
    + """\
    for_each: {path: identity.providers}
    check: {path: protocol, in: [saml2, oidc]}
    examples:
      - {outcome: conforme, manifest: {identity: {providers: [{audience: eleves, protocol: saml2}]}}}
      - outcome: non-conforme
        manifest: {identity: {providers: [{audience: eleves, protocol: autre}, {audience: responsables, protocol: oidc}]}}
        findings: [{path: "identity.providers[0].protocol", outcome: non-conforme}]
"""
)

STAR = (
    HEAD
    + """\
    check: {path: "identity.providers[*].protocol", in: [saml2, oidc]}
    examples:
      - {outcome: conforme, manifest: {identity: {providers: [{audience: eleves, protocol: saml2}]}}}
      - {outcome: non-conforme, manifest: {identity: {providers: [{audience: eleves, protocol: autre}]}}}
"""
)

PACKS = {"for_each": FOR_EACH, "star": STAR}

MANIFEST = """\
service: {name: S, editor: E, kind: service-tiers}
identity:
  providers:
    - {audience: eleves, provider: educonnect, protocol: cas}
    - {audience: enseignants, provider: idp-academique, protocol: saml2}
    - {audience: responsables, provider: educonnect, protocol: autre}
    - {audience: personnels, provider: idp-academique, protocol: autre}
"""
FAILING_LINES = {0: 4, 2: 6, 3: 7}  # provider index -> manifest line


def _lint(write: Callable[..., Path], pack: str, manifest: str, **kw):  # type: ignore[no-untyped-def]
    packs = load_packs([write(pack, "pack.yaml")], shipped=False)
    return lint([write(manifest, "m.yaml")], packs, today=TODAY, **kw)


@pytest.fixture(params=sorted(PACKS))
def pack(request: pytest.FixtureRequest) -> str:
    return PACKS[request.param]


def test_every_failing_element_is_reported_where_it_fails(write: Callable[..., Path], pack: str) -> None:
    report = _lint(write, pack, MANIFEST)
    (result,) = report.results
    found = [f for f in result.findings if f.rule_id == "P-PROTO"]
    assert [(f.path, f.location.line, f.outcome) for f in found] == [
        (f"identity.providers[{i}].protocol", line, Outcome.NON_CONFORME) for i, line in FAILING_LINES.items()
    ]
    line = MANIFEST.splitlines()[3]
    assert found[0].location.column == line.index("cas}") + 1  # the value of `protocol`, not the list
    # one identity field: the element is named by its value
    assert [f.element for f in found] == ["eleves", "responsables", "personnels"]
    assert found[1].message.fr == "Protocole non standard : autre (responsables légaux)"
    assert found[1].element_label is not None and found[1].element_label.get("en") == "parents"
    assert found[1].element == "responsables"  # the raw value stays the data
    assert [f.keyed_path for f in found] == [
        "identity.providers[audience=eleves].protocol",
        "identity.providers[audience=responsables].protocol",
        "identity.providers[audience=personnels].protocol",
    ]
    # the rule weighs once: one rule, non conforme, 3 points possible
    chapter = result.scores.chapters[0][1]
    assert chapter.counts["non-conforme"] == 1 and chapter.possible == 3.0 and chapter.earned == 0.0


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_shows_each_occurrence(write: Callable[..., Path], fmt: str) -> None:
    report = _lint(write, FOR_EACH, MANIFEST)
    out = get_formatter(fmt)(report, RenderOptions(lang="fr", show_all=False))
    for audience in ("eleves", "responsables", "personnels"):
        # messages name the element by its label (« élèves »), the value people read
        assert f"({all_labels()[audience]['fr']})" in out, (fmt, audience)
        assert f"({audience})" not in out or audience == all_labels()[audience]["fr"], (fmt, audience)
    assert "(enseignants)" not in out
    if fmt == "sarif":
        results = json.loads(out)["runs"][0]["results"]
        lines = sorted(
            r["locations"][0]["physicalLocation"]["region"]["startLine"]
            for r in results
            if r["ruleId"] == "P-PROTO"
        )
        assert lines == sorted(FAILING_LINES.values())
        prints = {json.dumps(r.get("partialFingerprints"), sort_keys=True) for r in results}
        assert len(prints) == len(results)
    if fmt == "concise":  # one line per failing element, at its own line
        lines = [line for line in out.splitlines() if " P-PROTO " in line]
        assert sorted(int(line.split(":")[1]) for line in lines) == sorted(FAILING_LINES.values())
    if fmt == "gitlab":
        issues = [i for i in json.loads(out) if i["check_name"] == "P-PROTO"]
        assert sorted(i["location"]["lines"]["begin"] for i in issues) == sorted(FAILING_LINES.values())
        assert len({i["fingerprint"] for i in issues}) == 3
    if fmt == "junit":
        names = re.findall(r'<testcase[^>]*name="([^"]*P-PROTO[^"]*)"', out)
        assert len(names) == len(set(names)) and len(names) >= 3
    if fmt == "json":
        data = json.loads(out)["manifests"][0]
        lines = sorted(f["location"]["line"] for f in data["findings"] if f["rule_id"] == "P-PROTO")
        assert lines == sorted(FAILING_LINES.values())


def test_a_waiver_of_one_element_leaves_the_others_failing(write: Callable[..., Path], pack: str) -> None:
    waived = MANIFEST + (
        "derogations:\n"
        '  - {rule: P-PROTO, path: "identity.providers[0]", justification: "migration CAS",'
        " expires: 2027-06-30}\n"
    )
    report = _lint(write, pack, waived)
    (result,) = report.results
    outcomes = {f.path: f.outcome for f in result.findings if f.rule_id == "P-PROTO"}
    assert outcomes == {
        "identity.providers[0].protocol": Outcome.DEROGATION,
        "identity.providers[2].protocol": Outcome.NON_CONFORME,
        "identity.providers[3].protocol": Outcome.NON_CONFORME,
    }
    assert result.scores.overall.earned == 0.0 and result.scores.overall.status == "non-conforme"
    pack_file = write(pack, "pack.yaml")
    manifest = write(waived, "m.yaml")
    args = ["--only-packs", "--pack", str(pack_file), str(manifest), "--date", "2026-11-28"]
    run = CliRunner().invoke(cli, args)
    assert run.exit_code == 1 and "Global" in run.stdout
    assert "conforme" not in run.stdout.split("Global", 1)[1].splitlines()[0].replace("non conforme", "")


def test_a_waiver_can_name_the_element_by_its_identity_key(write: Callable[..., Path]) -> None:
    waived = MANIFEST + (
        "derogations:\n"
        '  - {rule: P-PROTO, path: "identity.providers[audience=responsables]",'
        ' justification: "jeton CAS en migration", expires: 2027-06-30}\n'
    )
    (result,) = _lint(write, FOR_EACH, waived).results
    waived_paths = [f.path for f in result.findings if f.outcome is Outcome.DEROGATION]
    assert waived_paths == ["identity.providers[2].protocol"]


def _cli(*args: str) -> tuple[int, str, str]:
    r = CliRunner().invoke(cli, [*args, "--date", "2026-11-28"], catch_exceptions=False)
    return r.exit_code, r.stdout, r.stderr


def test_a_new_failing_element_is_new_against_the_baseline(
    write: Callable[..., Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, pack: str
) -> None:
    monkeypatch.chdir(tmp_path)
    pack_file = write(pack, "pack.yaml")
    manifest = write(MANIFEST, "m.yaml")
    common = ["--only-packs", "--pack", str(pack_file)]
    assert _cli(*common, "m.yaml", "--write-baseline", "b.json")[0] == 1
    recorded = json.loads((tmp_path / "b.json").read_text(encoding="utf-8"))
    assert recorded["format_version"] == 2 and len(recorded["findings"]) == 3
    # fix 0 and 3, break 1: the broken element is new, the run fails
    changed = (
        MANIFEST.replace("protocol: cas}", "protocol: saml2}")
        .replace(
            "personnels, provider: idp-academique, protocol: autre",
            "personnels, provider: idp-academique, protocol: oidc",
        )
        .replace("idp-academique, protocol: saml2", "idp-academique, protocol: cas")
    )
    manifest.write_text(changed, encoding="utf-8")
    code, out, _ = _cli(*common, "m.yaml", "--baseline", "b.json", "--format", "json")
    assert code == 1
    data = json.loads(out)["manifests"][0]
    new = [f["path"] for f in data["findings"] if f["outcome"] == "non-conforme" and not f.get("known")]
    assert new == ["identity.providers[1].protocol"]
    assert len(data["baseline"]["fixed"]) == 2


def test_reordering_a_list_changes_no_fingerprint(
    write: Callable[..., Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    pack_file = write(FOR_EACH, "pack.yaml")
    manifest = write(MANIFEST, "m.yaml")
    common = ["--only-packs", "--pack", str(pack_file)]
    _cli(*common, "m.yaml", "--write-baseline", "b.json")
    head, *providers = MANIFEST.split("    - ")
    manifest.write_text(
        head + "    - " + "    - ".join(reversed([p if p.endswith("\n") else p + "\n" for p in providers])),
        encoding="utf-8",
    )
    code, out, _ = _cli(*common, "m.yaml", "--baseline", "b.json")
    assert code == 0, out


def test_a_format_1_baseline_still_reads_with_a_warning(
    write: Callable[..., Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from doctrine_lint.baseline import legacy_fingerprint, stable_file

    monkeypatch.chdir(tmp_path)
    pack_file = write(FOR_EACH, "pack.yaml")
    write(MANIFEST, "m.yaml")
    (result,) = _lint(write, FOR_EACH, MANIFEST).results
    old = {
        "format_version": 1,
        "findings": [
            {
                "fingerprint": legacy_fingerprint("m.yaml", result.findings[0]),
                "file": stable_file("m.yaml"),
                "rule_id": "P-PROTO",
                "path": "identity.providers[*].protocol",
            }
        ],
    }
    (tmp_path / "old.json").write_text(json.dumps(old), encoding="utf-8")
    code, _, err = _cli("--only-packs", "--pack", str(pack_file), "m.yaml", "--baseline", "old.json")
    assert code == 0 and "format 1" in err and "--write-baseline" in err
    future = dict(old, format_version=9)
    (tmp_path / "future.json").write_text(json.dumps(future), encoding="utf-8")
    code, _, err = _cli("--only-packs", "--pack", str(pack_file), "m.yaml", "--baseline", "future.json")
    assert code == 2 and "mettez doctrine-lint à jour" in err


def test_pack_examples_assert_which_element_fails(write: Callable[..., Path]) -> None:
    wrong = FOR_EACH.replace(
        'findings: [{path: "identity.providers[0].protocol"',
        'findings: [{path: "identity.providers[1].protocol"',
    )
    pack_file = write(wrong, "pack.yaml")
    r = CliRunner().invoke(cli, ["rules", "test", str(pack_file)])
    assert r.exit_code == 1
    assert "identity.providers[1].protocol (non-conforme)" in r.stdout
    assert "obtenus : identity.providers[0].protocol (non-conforme)" in r.stdout
    ok = CliRunner().invoke(cli, ["rules", "test", str(write(FOR_EACH, "pack.yaml"))])
    assert ok.exit_code == 0, ok.stdout


@pytest.mark.parametrize(
    ("waiver", "finding", "covered"),
    [
        (
            "identity.providers[audience=responsables]",
            "identity.providers[audience=responsables,provider=educonnect].protocol",
            True,
        ),
        (
            "identity.providers[audience=eleves]",
            "identity.providers[audience=responsables,provider=educonnect].protocol",
            False,
        ),
        (
            "identity.providers[audience=responsables,provider=x]",
            "identity.providers[audience=responsables,provider=educonnect].protocol",
            False,
        ),
        ("identity.providers[1]", "identity.providers[10].protocol", False),
        ("identity.providers[1]", "identity.providers[1].protocol", True),
        ("identity.provider", "identity.providers[1].protocol", False),
        ("identity", "identity.providers[1].protocol", True),
        ("hosting.countries[=US]", "hosting.countries[=US]", True),
        ("hosting.countries[=US]", "hosting.countries[=USA]", False),
        ("a.b[name=x\\,y]", "a.b[name=x\\,y].c", True),
        ("a.b[name=x]", "a.b[name=x\\,y].c", False),
        ("a.b[name=x]", "a.b[name=x#2].c", True),
        ("a.b[name=x#2]", "a.b[name=x].c", False),
    ],
)
def test_a_waiver_path_names_elements_by_position_or_by_part_of_their_identity(
    waiver: str, finding: str, covered: bool
) -> None:
    from doctrine_lint.waivers import _path_covers

    assert _path_covers(waiver, finding) is covered


def test_long_key_values_never_collide_in_keyed_paths() -> None:
    from doctrine_lint.engine import keyed_path

    data = {"l": [{"name": "x" * 100 + "a"}, {"name": "x" * 100 + "b"}]}
    keys = {"l": ("name",)}
    first, second = keyed_path(("l", 0, "v"), data, keys), keyed_path(("l", 1, "v"), data, keys)
    assert first != second and len(first) < 100
    # duplicates are told apart by their rank among equals
    twins = {"l": [{"name": "a"}, {"name": "a"}]}
    assert keyed_path(("l", 1), twins, keys) == "l[name=a#2]"


def test_a_long_list_is_named_in_linear_time_and_twins_keep_their_rank() -> None:
    import time

    from doctrine_lint.engine import _selector

    items = [{"name": f"T{i}"} for i in range(20_000)] + [{"name": "T1"}, {"name": "T1"}]
    start = time.perf_counter()
    selectors = [_selector(items, i, ("name",))[0] for i in range(len(items))]
    assert time.perf_counter() - start < 5  # quadratic took minutes
    assert selectors[1] == "name=T1" and selectors[-2] == "name=T1#2" and selectors[-1] == "name=T1#3"
    other = [{"name": "T1"}] * 3  # another list with the same identities: its own ranks
    assert [_selector(other, i, ("name",))[0] for i in range(3)] == ["name=T1", "name=T1#2", "name=T1#3"]
