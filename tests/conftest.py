"""Shared fixtures: write small YAML files, load them, the --update-golden switch, and a private
home and cache for the whole session.

The suite leaves the user's machine alone: the validated-pack cache, `XDG_CACHE_HOME` and `HOME`
point into a temporary folder for the session, subprocesses included (they inherit the
environment). `DOCTRINE_LINT_CACHE=off` given by the caller is kept, and the suite passes both
ways.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "examples"
PINNED_DATE = "2026-11-28"

_PRIVATE = ("DOCTRINE_LINT_CACHE_DIR", "XDG_CACHE_HOME", "HOME")
# Where doctrine-lint would cache packs for the user running the suite (this module is imported
# before pytest_configure replaces the environment).
REAL_USER_CACHE = (
    Path(os.environ["DOCTRINE_LINT_CACHE_DIR"])
    if os.environ.get("DOCTRINE_LINT_CACHE_DIR")
    else Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "doctrine-lint"
)
_SAVED: dict[str, str | None] = {}
_SANDBOX: list[Path] = []


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden", action="store_true", help="rewrite tests/golden/* from current output"
    )


def pytest_configure(config: pytest.Config) -> None:
    # Set here rather than in a fixture: some test modules load the shipped packs at import
    # time, during collection, before any fixture runs — and loading a pack may write the cache.
    sandbox = Path(tempfile.mkdtemp(prefix="doctrine-lint-tests-"))
    _SANDBOX.append(sandbox)
    for name in _PRIVATE:
        _SAVED[name] = os.environ.get(name)
    (sandbox / "home").mkdir()
    os.environ["HOME"] = str(sandbox / "home")
    os.environ["XDG_CACHE_HOME"] = str(sandbox / "home" / ".cache")
    os.environ["DOCTRINE_LINT_CACHE_DIR"] = str(sandbox / "doctrine-lint-cache")


def pytest_unconfigure(config: pytest.Config) -> None:
    for name, value in _SAVED.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value
    for sandbox in _SANDBOX:
        shutil.rmtree(sandbox, ignore_errors=True)


@pytest.fixture(scope="session", autouse=True)
def private_user_cache() -> Iterator[Path]:
    """The session's pack cache folder (under a temporary home), checked to be in force for
    every test: a test that changes these variables must do so with monkeypatch."""
    (sandbox,) = _SANDBOX
    folder = sandbox / "doctrine-lint-cache"
    assert os.environ["DOCTRINE_LINT_CACHE_DIR"] == str(folder)
    assert Path.home() == sandbox / "home"
    yield folder
    assert os.environ["DOCTRINE_LINT_CACHE_DIR"] == str(folder), "a test leaked its cache setting"


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


@pytest.fixture
def write(tmp_path: Path) -> Callable[..., Path]:
    """write(text, name='m.yaml') -> path of a dedented file under tmp_path."""

    def _write(text: str | bytes, name: str = "m.yaml") -> Path:
        path = tmp_path / name
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return path

    return _write
