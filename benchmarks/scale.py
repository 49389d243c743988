"""Benchmark at scale: a batch of generated manifests through the whole CLI, JSON Lines output.

Prints, for 1,000 / 5,000 / 10,000 manifests (`--counts`), the peak resident memory of the run
(the largest process, from `wait4`, and the whole process tree, sampled from /proc) — flat
means it does not grow with the batch — then the throughput of one worker against `--jobs 2` on
the same files, as a ratio measured in the same run (medians over `--runs`). Not a timed test:
figures depend on the machine; the ratios are what to compare.

    python benchmarks/scale.py [--counts 1000,5000,10000] [--throughput 2000] [--runs 3]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench import generate  # noqa: E402

MIB = 1024 * 1024


def _tree_rss(root: int) -> int:
    """The resident memory of `root` and its descendants now, in bytes (Linux /proc)."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid = int(entry)
        children.setdefault(int(fields[1]), []).append(pid)
        rss[pid] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += rss.get(pid, 0)
        todo += children.get(pid, [])
    return total


def run(folder: Path, jobs: int, out: Path) -> tuple[float, int, int, float]:
    """One CLI run over `folder`: wall seconds, peak RSS of its largest process, peak RSS of its
    whole process tree (sampled every 50 ms), CPU seconds of the tree (workers included)."""
    cmd = [
        sys.executable,
        "-m",
        "doctrine_lint",
        str(folder),
        "--format",
        "jsonl",
        "-o",
        str(out),
        "--date",
        "2026-01-15",
        "--jobs",
        str(jobs),
        "--fail-on",
        "aucun",
    ]
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    start = time.perf_counter()
    pid = os.posix_spawn(sys.executable, cmd, env)
    peak = [0]
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.05):
            peak[0] = max(peak[0], _tree_rss(pid))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, status, usage = os.wait4(pid, 0)
    wall = time.perf_counter() - start
    done.set()
    sampler.join()
    if os.waitstatus_to_exitcode(status) not in (0, 1):
        raise SystemExit(f"doctrine-lint failed on {folder}: exit {os.waitstatus_to_exitcode(status)}")
    return wall, usage.ru_maxrss * 1024, peak[0], usage.ru_utime + usage.ru_stime


def _subset(source: list[Path], count: int, root: Path) -> Path:
    folder = root / f"n{count}"
    folder.mkdir(parents=True)
    for path in source[:count]:
        (folder / path.name).symlink_to(path)
    return folder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--counts", default="1000,5000,10000")
    parser.add_argument("--throughput", type=int, default=2000, help="manifests for the 1 vs 2 workers runs")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    counts = [int(c) for c in args.counts.split(",")]
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "all").mkdir()
        began = time.perf_counter()
        # a thousand distinct manifests (`bench.generate`), copied under other names up to the
        # largest count: each file is still read, parsed and linted on its own
        wanted = max([*counts, args.throughput])
        distinct = generate(root / "all", min(wanted, 1000))
        source = list(distinct)
        for i in range(len(distinct), wanted):
            copy = root / "all" / f"c{i:05d}.yaml"
            copy.write_bytes(distinct[i % len(distinct)].read_bytes())
            source.append(copy)
        took = time.perf_counter() - began
        print(
            f"{wanted} manifests ({len(distinct)} distinct) written in {took:.0f} s; cores: {os.cpu_count()}"
        )
        print("\nPeak memory, JSON Lines to a file (flat = does not grow with the batch)")
        print(
            f"{'manifests':>10} {'jobs':>4} {'wall s':>8} {'ms/manifest':>12} {'max RSS MiB':>12} {'tree RSS MiB':>13} {'output MiB':>11}"
        )
        first: dict[int, int] = {}
        for jobs in (1, 2):
            for count in counts:
                out = root / f"out-{count}-{jobs}.jsonl"
                wall, largest, tree, _ = run(_subset(source, count, root / f"j{jobs}"), jobs, out)
                first.setdefault(jobs, tree)
                print(
                    f"{count:>10} {jobs:>4} {wall:>8.1f} {1000 * wall / count:>12.2f} {largest / MIB:>12.0f} "
                    f"{tree / MIB:>13.0f} {out.stat().st_size / MIB:>11.1f}"
                )
                out.unlink()
            print(f"{'':>10} {'':>4} tree RSS at {counts[-1]} / at {counts[0]}: {tree / first[jobs]:.2f}")
        print(f"\nThroughput on {args.throughput} manifests, median of {args.runs} runs")
        folder = _subset(source, args.throughput, root / "t")
        walls = {}
        for jobs in (1, 2):
            runs = [run(folder, jobs, root / "t.jsonl") for _ in range(args.runs)]
            walls[jobs] = statistics.median(r[0] for r in runs)
            cpu = statistics.median(r[3] for r in runs)
            print(
                f"  --jobs {jobs}: {walls[jobs]:.1f} s, {args.throughput / walls[jobs]:.0f} manifests/s, "
                f"CPU {cpu:.1f} s (workers included: the cost of parallelism)"
            )
        print(f"  2 workers / 1 worker throughput: {walls[1] / walls[2]:.2f}x (target >= 1.7x)")


if __name__ == "__main__":
    main()
