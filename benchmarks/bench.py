"""Benchmark: the whole CLI on one example, and the engine on generated manifests.

Every figure is a median over repeated runs, printed beside a baseline measured in the same run
(Python start-up for the CLI, the bare libyaml parse for the engine), so that machine noise
shows up in both and the ratios stay meaningful.

    python benchmarks/bench.py [--manifests 1000] [--cli-runs 15] [--python PATH]

The last section prints issue 13's targets as ratios: the CPU of one manifest (read, validated,
linted, scored; median over the corpus) over the bare libyaml parse of the same file, and the wall
time of the whole command on one manifest (median of --cli-runs) over `python -c "import yaml,
click"`. `--python` runs the command with another interpreter: one where the wheel is installed
serves the shipped packs from the bundled cache, as users get them (an editable install has none).

`--callgrind N` replaces timings, too noisy on a shared machine, by instruction counts: it runs
valgrind's callgrind on N generated manifests three times (packs loaded only; + the bare libyaml
parse; + the whole lint) and prints the per-manifest ratio of the two differences. A ratio of
instruction counts is not a ratio of times, but it moves with the same code and ignores the load
of the machine.
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from doctrine_lint import packcache  # noqa: E402
from doctrine_lint.document import load_document  # noqa: E402
from doctrine_lint.linter import lint_document, load_manifest  # noqa: E402
from doctrine_lint.packs import all_rules, load_packs  # noqa: E402
from doctrine_lint.validation import validate_document  # noqa: E402

EXAMPLES = sorted((REPO / "examples").glob("*.yaml"))
TODAY = date(2026, 11, 28)


def _median_ms(samples: list[float]) -> float:
    return 1000.0 * statistics.median(samples)


def _time_command(cmd: list[str], runs: int) -> list[float]:
    return _time_command_env(cmd, runs, {})


def _time_command_env(cmd: list[str], runs: int, extra: dict[str, str]) -> list[float]:
    env = {**os.environ, **extra}
    out = []
    for _ in range(runs):
        start = time.perf_counter()
        # run outside the checkout: `python -m` puts the working folder first on sys.path, which
        # would shadow the interpreter's installed wheel (and its bundled pack cache)
        subprocess.run(
            cmd,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            check=False,
            env=env,
            cwd=tempfile.gettempdir(),
        )
        out.append(time.perf_counter() - start)
    return out


def generate(folder: Path, count: int, seed: int = 2026) -> list[Path]:
    """Write `count` manifests: the bundled examples with values varied deterministically."""
    rng = random.Random(seed)
    bases = [yaml.safe_load(p.read_text(encoding="utf-8")) for p in EXAMPLES]
    paths = []
    for i in range(count):
        data = yaml.safe_load(yaml.safe_dump(rng.choice(bases)))
        data["service"]["name"] = f"Service généré {i}"
        identity = data.setdefault("identity", {})
        identity["sso_propagation"] = rng.random() > 0.3
        identity["admin_mfa"] = rng.random() > 0.2
        access = data.setdefault("accessibility", {})
        access["conformance_rate"] = rng.randint(0, 100)
        security = data.setdefault("security", {})
        security["log_retention_months"] = rng.choice([1, 3, 6, 12, 24])
        if rng.random() > 0.5:
            security.pop("pentest", None)
        path = folder / f"m{i:04d}.yaml"
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
        paths.append(path)
    return paths


def _per_file(fn: Callable[[Path], object], paths: list[Path], rounds: int) -> float:
    """Median over `rounds` of the mean time per file, in milliseconds."""
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        for p in paths:
            fn(p)
        samples.append((time.perf_counter() - start) / len(paths))
    return _median_ms(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--manifests", type=int, default=1000)
    parser.add_argument("--cli-runs", type=int, default=15)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--python", default=sys.executable, help="interpreter for the command-line runs")
    parser.add_argument("--callgrind", type=int, metavar="N", help="instruction counts on N manifests")
    parser.add_argument("--callgrind-step", choices=["setup", "parse", "whole"], help=argparse.SUPPRESS)
    parser.add_argument("--corpus", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.callgrind_step:
        _callgrind_step(args.callgrind_step, Path(args.corpus))
        return
    if args.callgrind:
        callgrind(args.callgrind)
        return

    example = str(REPO / "examples" / "ent-second-degre.yaml")
    cli = [sys.executable, "-m", "doctrine_lint", example, "--date", TODAY.isoformat()]
    start_up = _time_command([sys.executable, "-c", "pass"], args.cli_runs)
    imports = _time_command([sys.executable, "-c", "import yaml, jsonschema, click"], args.cli_runs)
    whole = _time_command(cli, args.cli_runs)
    print(f"CLI on {Path(example).name} ({args.cli_runs} runs, median)")
    print(f"  python start-up alone          {_median_ms(start_up):7.1f} ms")
    print(f"  python + yaml, jsonschema, click {_median_ms(imports):5.1f} ms")
    print(
        f"  doctrine-lint (whole command)  {_median_ms(whole):7.1f} ms"
        f"   ({_median_ms(whole) / _median_ms(start_up):.1f}× start-up)"
    )

    no_cache = _time_command_env(cli, args.cli_runs, {"DOCTRINE_LINT_CACHE": "off"})
    print(f"  doctrine-lint, pack cache off   {_median_ms(no_cache):7.1f} ms   (every pack parsed from YAML)")

    rules = all_rules(load_packs())
    cold, warm = [], []
    with tempfile.TemporaryDirectory() as cache:
        os.environ["DOCTRINE_LINT_CACHE_DIR"] = cache
        for _ in range(args.rounds):
            packcache._MEMORY.clear()
            for entry in Path(cache).glob("*.json"):
                entry.unlink()
            start = time.perf_counter()
            load_packs()
            cold.append(time.perf_counter() - start)
            packcache._MEMORY.clear()
            start = time.perf_counter()
            packs = load_packs()
            warm.append(time.perf_counter() - start)
        del os.environ["DOCTRINE_LINT_CACHE_DIR"]
    print(f"\nLoading the shipped packs ({len(rules)} rules), median of {args.rounds}:")
    print(f"  from YAML (first run)          {_median_ms(cold):7.1f} ms")
    print(f"  from the validated-pack cache  {_median_ms(warm):7.1f} ms")

    with tempfile.TemporaryDirectory() as tmp:
        paths = generate(Path(tmp), args.manifests)
        size = statistics.mean(p.stat().st_size for p in paths)
        docs = [load_manifest(p) for p in paths]

        def parse_only(p: Path) -> object:
            return yaml.load(p.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)

        by_path = dict(zip(paths, docs, strict=True))
        parse = _per_file(parse_only, paths, args.rounds)
        indexed = _per_file(load_document, paths, args.rounds)
        validate = _per_file(lambda p: validate_document(by_path[p], "manifest"), paths, args.rounds)

        evaluate = _per_file(lambda p: lint_document(by_path[p], packs, rules, TODAY), paths, args.rounds)
    print(
        f"\nEngine on {args.manifests} generated manifests (~{size / 1024:.1f} KiB each), ms per manifest, median of {args.rounds}"
    )
    print(f"  libyaml parse alone (baseline) {parse:7.3f} ms   1.00×")
    print(f"  load with position index       {indexed:7.3f} ms   {indexed / parse:.2f}×")
    print(f"  manifest schema validation     {validate:7.3f} ms   {validate / parse:.2f}×")
    print(f"  rule evaluation + scores       {evaluate:7.3f} ms   {evaluate / parse:.2f}×")
    targets(args, packs, rules)


def _cpu_per_file(fn: Callable[[Path], object], paths: list[Path], rounds: int) -> list[float]:
    """Per file, the median CPU time over `rounds`, in milliseconds."""
    samples: list[list[float]] = [[] for _ in paths]
    for _ in range(rounds):
        for i, p in enumerate(paths):
            start = time.process_time()
            fn(p)
            samples[i].append(time.process_time() - start)
    return [1000.0 * statistics.median(s) for s in samples]


def targets(args: argparse.Namespace, packs: list[Any], rules: list[Any]) -> None:
    """Issue 13's two ratios, each measured against its floor in the same run."""
    gc.freeze()  # as the command does once the packs are loaded
    with tempfile.TemporaryDirectory() as tmp:
        paths = generate(Path(tmp), args.manifests)

        def parse_only(p: Path) -> object:
            return yaml.load(p.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)

        def whole(p: Path) -> object:
            return lint_document(load_manifest(p), packs, rules, TODAY)

        for p in paths[:20]:  # warm caches (labels, messages) as a batch would be
            whole(p)
        parse = statistics.median(_cpu_per_file(parse_only, paths, args.rounds))
        full = statistics.median(_cpu_per_file(whole, paths, args.rounds))
    example = str(REPO / "examples" / "ent-second-degre.yaml")
    floor_cmd = [args.python, "-c", "import yaml, click"]
    cli_cmd = [args.python, "-m", "doctrine_lint", example, "--date", TODAY.isoformat()]
    floor, cli = [], []
    for _ in range(args.cli_runs):  # interleaved, so that machine noise hits both alike
        floor += _time_command(floor_cmd, 1)
        cli += _time_command(cli_cmd, 1)
    print(
        f"\nTargets of issue 13 (same run; {os.cpu_count()} CPUs, {platform.python_implementation()} "
        f"{platform.python_version()}, interpreter {args.python})"
    )
    print(f"  per-manifest CPU, median of {args.manifests}   {full:7.3f} ms")
    print(f"  bare libyaml parse, median          {parse:7.3f} ms")
    print(f"  ratio (target ≤ 3)                  {full / parse:7.2f}×")
    print(f"  one-manifest CLI wall, median of {args.cli_runs}  {_median_ms(cli):7.1f} ms")
    print(f"  python -c 'import yaml, click'      {_median_ms(floor):7.1f} ms")
    print(f"  ratio (target ≤ 1.5)                {_median_ms(cli) / _median_ms(floor):7.2f}×")


def _callgrind_step(step: str, corpus: Path) -> None:
    """One measured process: load the packs, then parse or lint every manifest of `corpus`."""
    packs = load_packs()
    rules = all_rules(packs)
    gc.freeze()
    paths = sorted(corpus.glob("*.yaml"))
    for p in paths[:5]:  # warm caches (labels, messages) as a batch would be
        lint_document(load_manifest(p), packs, rules, TODAY)
    for p in paths:
        if step == "parse":
            yaml.load(p.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
        elif step == "whole":
            lint_document(load_manifest(p), packs, rules, TODAY)


def callgrind(count: int) -> None:
    """The per-manifest target as a ratio of instruction counts (valgrind's callgrind)."""
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus"
        corpus.mkdir()
        generate(corpus, count)
        totals: dict[str, int] = {}
        for step in ("setup", "parse", "whole"):
            out = Path(tmp) / f"callgrind.{step}"
            cmd = [sys.executable, __file__, "--callgrind-step", step, "--corpus", str(corpus)]
            done = subprocess.run(
                ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", *cmd],
                capture_output=True,
                text=True,
                check=True,
            )
            totals[step] = int(done.stderr.rsplit("Collected : ", 1)[1].split()[0])
    parse = (totals["parse"] - totals["setup"]) / count
    whole = (totals["whole"] - totals["setup"]) / count
    print(f"Instructions per manifest, callgrind, {count} generated manifests")
    print(f"  bare libyaml parse          {parse / 1e6:8.2f} M")
    print(f"  whole lint (read → scores)  {whole / 1e6:8.2f} M")
    print(f"  ratio (target ≤ 3)          {whole / parse:8.2f}×")


if __name__ == "__main__":
    main()
