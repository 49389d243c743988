"""Worker processes for a batch (`--jobs N`): the manifests linted in parallel, the results
given back in input order, so that every report is byte for byte the one a single process
writes.

The workers start after the packs are loaded: on Linux they are forked and inherit the packs
(and the chosen rules, the options, the baseline) as they are in memory; where fork is not
available they are spawned and load the same pack files again (from the validated-pack cache).
Manifests go to the workers in small chunks, a bounded number in flight (memory stays flat
however long the batch); each result comes back as data — findings, scores, the manifest's
data without its position index — never as a parsed document. What a result shares with the
packs (the rules' texts, references, chapter titles: most of its bytes) is not sent: a forked
worker has the same objects at the same addresses, so it sends their address and the parent
puts back its own object (`_Shared`), which makes a result several times cheaper to send.

Nothing is lost to a worker: a manifest it cannot read comes back as `Unreadable` like in a
single process; an unexpected error (a bug) comes back as the exception, raised in the parent
when that manifest's turn comes (exit code 3, as in a single process); a worker that dies
(killed, out of memory) makes the parent lint the chunks still owed itself. Ctrl-C stops the
parent only (the workers ignore it and are shut down with the batch), which says « Interrompu. »
as any interrupted run does, without a traceback.
"""

from __future__ import annotations

import gc
import io
import multiprocessing
import os
import pickle
import signal
import sys
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, fields, is_dataclass
from pathlib import Path
from typing import Any, Protocol

from .files import StdinSource
from .model import Provenance, Reference, Text
from .scoring import REFERENTIEL_TITLES
from .synthetic import SYNTHETIC_RULES


class Job(Protocol):
    """What `linter` gives a batch to run (its `_Job`; this module does not import `linter`,
    which imports it)."""

    packs: list[Any]
    rules: list[Any]

    def work(self, path: str) -> Any:
        """One manifest's item (a result, an unreadable entry, or a prepared result)."""

    def run(self, path: str) -> Any:
        """One manifest's result or unreadable entry, never prepared."""

    def bare(self) -> Job:
        """The job without its packs, rules and preparation, for a spawned worker."""


# the job of this process: set in the parent before forking, or by `_spawned` in a spawned worker
_JOB: list[Job] = []
_SHARED: list[_Shared] = []  # forked workers only: what need not be sent
_THAWED: list[bool] = []  # this batch froze the collector's view of the heap: to undo after

CHUNK_MAX = 16  # manifests per chunk: enough to amortise the round trip, small enough to balance
IN_FLIGHT = 3  # chunks per worker submitted ahead: the workers never wait, memory stays bounded


def cores() -> int:
    """The cores this process may run on (`--jobs 0`)."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


@dataclass(frozen=True, slots=True)
class _Crash:
    """An unexpected error while linting one manifest in a worker, to raise in the parent."""

    error: BaseException


def _ignore_interrupt() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _spawned(files: list[str], shipped: bool, rule_ids: list[str], job: Job) -> None:
    """A spawned worker: load the same packs again (fork would have inherited them)."""
    from .packs import all_rules, load_packs

    _ignore_interrupt()
    packs = load_packs(files, shipped=shipped)
    by_id = {r.id: r for r in all_rules(packs)}
    job.packs = packs
    job.rules = [by_id[i] for i in rule_ids]
    _JOB[:] = [job]


class _Shared:
    """The objects results share with the packs, by address: in the parent before forking,
    and so in every forked worker (Python never moves an object)."""

    KINDS = (Text, Reference, Provenance)

    def __init__(self, roots: Iterable[object]) -> None:
        self.objects: dict[int, object] = {}
        seen: set[int] = set()
        stack = list(roots)
        while stack:
            obj = stack.pop()
            if id(obj) in seen or isinstance(obj, str | int | float | bool | None):
                continue
            seen.add(id(obj))
            if isinstance(obj, self.KINDS) or (type(obj) is tuple and obj):
                self.objects[id(obj)] = obj
            if is_dataclass(obj) and not isinstance(obj, type):
                stack += [getattr(obj, f.name) for f in fields(obj)]
            elif isinstance(obj, list | tuple | set | frozenset):
                stack += obj
            elif isinstance(obj, dict):
                stack += obj.values()

    def dumps(self, value: object) -> bytes:
        out = io.BytesIO()
        pickler = pickle.Pickler(out, pickle.HIGHEST_PROTOCOL)
        objects = self.objects
        pickler.persistent_id = lambda obj: id(obj) if id(obj) in objects else None  # type: ignore[method-assign]
        pickler.dump(value)
        return out.getvalue()

    def loads(self, data: bytes) -> Any:
        unpickler = pickle.Unpickler(io.BytesIO(data))
        unpickler.persistent_load = self.objects.__getitem__  # type: ignore[method-assign]
        return unpickler.load()


def _lint_chunk(paths: list[str]) -> bytes | list[Any]:
    job = _JOB[0]
    out: list[Any] = []
    for path in paths:
        try:
            out.append(job.work(path))
        except Exception as exc:  # a bug: given back, raised when its manifest's turn comes
            out.append(_Crash(exc))
    return _SHARED[0].dumps(out) if _SHARED else out


def _chunks(paths: Sequence[str], jobs: int) -> list[list[str]]:
    size = max(1, min(CHUNK_MAX, len(paths) // (jobs * 4) or 1))
    return [list(paths[i : i + size]) for i in range(0, len(paths), size)]


def _context(start_method: str | None) -> multiprocessing.context.BaseContext:
    if start_method is None:
        start_method = "fork" if sys.platform.startswith("linux") else "spawn"
    return multiprocessing.get_context(start_method)


def _executor(job: Job, jobs: int, start_method: str | None) -> ProcessPoolExecutor:
    context = _context(start_method)
    if context.get_start_method() == "fork":
        _JOB[:] = [job]
        _SHARED[:] = [_Shared([job.packs, SYNTHETIC_RULES, REFERENTIEL_TITLES])]
        if not gc.get_freeze_count():  # the command line froze them already after loading
            _THAWED.append(True)
            gc.freeze()  # the packs stay shared with the workers: no copy on their first collection
        return ProcessPoolExecutor(jobs, mp_context=context, initializer=_ignore_interrupt)
    from .resources import shipped_packs

    bundled = {str(p) for p in shipped_packs()}
    shipped = any(p.file in bundled for p in job.packs)
    files = [p.file for p in job.packs if p.file not in bundled]
    bare = job.bare()
    rule_ids = [r.id for r in job.rules]
    return ProcessPoolExecutor(
        jobs, mp_context=context, initializer=_spawned, initargs=(files, shipped, rule_ids, bare)
    )


def parallel(
    job: Job,
    manifests: Sequence[Path | str | StdinSource],
    jobs: int,
    start_method: str | None = None,
) -> Iterator[Any]:
    """Lint `manifests` in `jobs` worker processes; yield the results in input order."""
    paths = [str(m) for m in manifests if not isinstance(m, StdinSource)]
    jobs = max(1, min(jobs, len(paths)))  # never more workers than manifests (`-j 1500` on two files)
    chunks = deque(_chunks(paths, jobs))
    pending: deque[tuple[list[str], Future[bytes | list[Any]]]] = deque()
    executor = _executor(job, jobs, start_method)
    broken = False
    try:
        while chunks or pending:
            while chunks and len(pending) < jobs * IN_FLIGHT and not broken:
                chunk = chunks.popleft()
                try:
                    pending.append((chunk, executor.submit(_lint_chunk, chunk)))
                except BrokenProcessPool:
                    chunks.appendleft(chunk)
                    broken = True
            if pending:
                chunk, future = pending.popleft()
                try:
                    sent = future.result()
                    items = _SHARED[0].loads(sent) if isinstance(sent, bytes) else sent
                except BrokenProcessPool:
                    broken = True
                    items = [job.run(path) for path in chunk]  # a worker died: lint it here
            else:  # the pool is broken: the chunks still owed are linted here
                items = [job.run(path) for path in chunks.popleft()]
            for item in items:
                if isinstance(item, _Crash):
                    raise item.error
                yield item
    finally:
        executor.shutdown(wait=True, cancel_futures=True)
        _JOB.clear()
        _SHARED.clear()
        if _THAWED:  # as the caller had it
            _THAWED.clear()
            gc.unfreeze()
