"""The suite leaves the user's machine alone: runs inside it cache packs under a temporary
folder, never in the real ~/.cache/doctrine-lint (see conftest.py)."""

from __future__ import annotations

import os
import tempfile
import uuid
from pathlib import Path

from click.testing import CliRunner

from doctrine_lint import packcache
from doctrine_lint.cli import cli

from .conftest import REAL_USER_CACHE
from .test_packs import HEADER, RULE


def test_the_session_cache_is_private(private_user_cache: Path) -> None:
    assert Path(tempfile.gettempdir()) in private_user_cache.parents
    assert private_user_cache != REAL_USER_CACHE
    assert Path(tempfile.gettempdir()) in Path(os.environ["HOME"]).parents
    folder = packcache.cache_dir()
    assert folder is None or folder == private_user_cache  # None: DOCTRINE_LINT_CACHE=off


def test_a_run_does_not_touch_the_real_user_cache(private_user_cache: Path, tmp_path: Path) -> None:
    pack = tmp_path / "p.yaml"
    # A pack no run has ever seen, so loading it writes a new entry, and only this test can
    # have written that entry: other checkouts running their suites at the same time may
    # still write the real cache, so a snapshot of the whole folder would be flaky.
    pack.write_text(f"# {uuid.uuid4()}\n{HEADER}{RULE}", encoding="utf-8")
    entry = f"{packcache._key(pack.read_bytes())}.json"
    result = CliRunner().invoke(cli, ["rules", "--pack", str(pack), "--format", "json"])
    assert result.exit_code == 0, result.output
    assert not (REAL_USER_CACHE / entry).exists()
    if packcache.cache_dir() is not None:
        assert (private_user_cache / entry).is_file()
