"""Release hygiene (issue 12, item 8): the CHANGELOG has an entry for the tool's version, every
example that pins doctrine-lint (README, pre-commit hook, CI examples) pins that version's tag,
and shipped packs carry SemVer versions — the versioning policy of docs/maintenance.md §12."""

from __future__ import annotations

import re

import pytest

from doctrine_lint import __version__
from doctrine_lint.packs import load_packs

from .conftest import REPO

SEMVER = re.compile(r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$")
CHANGELOG = (REPO / "CHANGELOG.md").read_text(encoding="utf-8")
# a pinned tag: `@vX.Y.Z` in a pip or pipx line, `rev: vX.Y.Z` for pre-commit, `--branch vX.Y.Z`
PIN = re.compile(r"(?:@|rev: |--branch )(v\d+\.\d+\.\d+)\b")
PINNING_FILES = [
    "README.md",
    ".pre-commit-hooks.yaml",
    "examples/ci/github-workflow.yml",
    "examples/ci/gitlab-ci.yml",
]


def test_the_tool_version_is_semver() -> None:
    assert SEMVER.match(__version__), __version__


def test_the_changelog_has_an_entry_for_the_current_version() -> None:
    headings = re.findall(r"^## \[([^\]]+)\](.*)$", CHANGELOG, flags=re.MULTILINE)
    versions = [v for v, _ in headings if SEMVER.match(v)]
    assert __version__ in versions
    assert headings[0][0].startswith("Non publié"), "the « Non publié / Unreleased » section comes first"
    for version, rest in headings:
        if SEMVER.match(version):
            assert re.match(r"^ — \d{4}-\d{2}-\d{2}$", rest), (version, rest)
    # newest first, and every version a link target at the bottom
    keys = [tuple(int(x) for x in v.split(".")) for v in versions]
    assert keys == sorted(keys, reverse=True)
    for version in versions:
        assert re.search(rf"^\[{re.escape(version)}\]: \S+", CHANGELOG, flags=re.MULTILINE), version


@pytest.mark.parametrize("name", PINNING_FILES)
def test_every_pin_names_the_current_version(name: str) -> None:
    pins = PIN.findall((REPO / name).read_text(encoding="utf-8"))
    assert pins, f"{name} shows no pinned install"
    assert set(pins) == {f"v{__version__}"}, (name, pins)


def test_shipped_packs_follow_semver() -> None:
    packs = load_packs()
    assert len(packs) >= 5
    for pack in packs:
        assert SEMVER.match(pack.version), (pack.id, pack.version)


def test_the_versioning_policy_is_stated() -> None:
    policy = (REPO / "docs" / "maintenance.md").read_text(encoding="utf-8")
    section = policy[policy.index("## 12. Versions") :]
    for word in ("majeure", "mineure", "correctif", "renamed:", "format_version", "vX.Y.Z"):
        assert word in section, word
