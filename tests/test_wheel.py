"""Packaging: the wheel carries the packs and schemas, and the installed command finds them
from any directory. Builds a real wheel and installs it into a fresh virtual environment."""

from __future__ import annotations

import os
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

from .conftest import EXAMPLES, PINNED_DATE, REPO


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    proc = subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(out), str(REPO)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    (found,) = out.glob("doctrine_lint-*.whl")
    return found


def test_wheel_contains_packs_and_schemas(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for pack in (REPO / "rules").glob("*.yaml"):
        assert f"doctrine_lint/_data/rules/{pack.name}" in names
    for schema in ("manifest", "rulepack", "report"):
        assert f"doctrine_lint/_data/schemas/{schema}.schema.json" in names
    # the shipped packs travel already validated, one cache entry each
    assert len([n for n in names if n.startswith("doctrine_lint/_data/packcache/")]) == len(
        list((REPO / "rules").glob("*.yaml"))
    )
    assert not any(n.startswith("tests/") for n in names)


def test_installed_command_runs_from_another_directory(wheel: Path, tmp_path: Path) -> None:
    env_dir = tmp_path / "venv"
    # The fresh environment sees this interpreter's site-packages for the dependencies only;
    # doctrine_lint itself must come from the wheel, not from the source tree.
    venv.EnvBuilder(with_pip=True, system_site_packages=False).create(env_dir)
    bindir = env_dir / ("Scripts" if os.name == "nt" else "bin")
    py = bindir / "python"
    deps = [str(Path(p)) for p in sys.path if p.endswith("site-packages")]
    pth = next((env_dir / "lib").glob("python*/site-packages"))
    (pth / "_deps_from_test_runner.pth").write_text("\n".join(deps) + "\n", encoding="utf-8")
    install = subprocess.run(
        [str(py), "-m", "pip", "install", "--no-deps", "--no-index", "--quiet", str(wheel)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert install.returncode == 0, install.stdout + install.stderr
    work = tmp_path / "elsewhere"
    work.mkdir()
    manifest = work / "m.yaml"
    manifest.write_text((EXAMPLES / "ent-second-degre.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH",)}
    env["DOCTRINE_LINT_CACHE_DIR"] = str(tmp_path / "user-cache")
    run = subprocess.run(
        [str(bindir / "doctrine-lint"), "m.yaml", "--date", PINNED_DATE, "--format", "json"],
        cwd=work,
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert '"dtne-securite"' in run.stdout
    # a fresh installation starts warm: nothing had to be parsed and cached for the shipped packs
    assert not (tmp_path / "user-cache").exists() or not any((tmp_path / "user-cache").iterdir())
    where = subprocess.run(
        [str(py), "-c", "import doctrine_lint.resources as r; print(r.data_root())"],
        cwd=work,
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert "_data" in where.stdout and str(REPO) not in where.stdout
