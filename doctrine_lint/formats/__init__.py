"""Report formatters: each format is one module exposing `render(report, options) -> str`.

The formats in `STREAMED` also expose `pieces(report, options)`, which gives the function turning
one result into its piece of the report (pure: a worker process can run it), and
`stream(report, pieces, options)`, a generator that yields a head, then one chunk per piece as it
is pulled from `pieces`, then an end, possibly in several chunks (any of them possibly empty;
`render` is the join of it, so a streamed report is the same bytes). `Streams` writes a batch to several such outputs at once,
result by result (or piece by piece, from workers), keeping none."""

from __future__ import annotations

import importlib
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from ..linter import ManifestResult, Report
from ..safetext import json_safe, visible_lines


@dataclass(frozen=True, slots=True)
class RenderOptions:
    """What every formatter may be told: language, whether to list passing rules too, and
    `quiet` (`-q`): what a person reads is cut to the findings (text) and the one-line formats
    drop their summary line; the documents (JSON, SARIF, JUnit, GitLab, Markdown, HTML) ignore it."""

    lang: str = "fr"
    show_all: bool = False
    quiet: bool = False


Formatter = Callable[[Report, RenderOptions], str]


FORMATS: tuple[str, ...] = (
    "text",
    "concise",
    "github",
    "json",
    "jsonl",
    "sarif",
    "junit",
    "gitlab",
    "markdown",
    "html",
)

# Outputs for a person or a log, which `--quiet` cuts down and which print nothing when the run
# passes under `--quiet`; the other formats are documents for machines or archives, kept whole.
QUIET_FORMATS = frozenset({"text", "concise", "github"})

# `--statistics` is an option, not a `--format`, but it is rendered (and neutralised) the same way
EXTRA_RENDERERS = ("statistics",)


JSON_FORMATS = frozenset({"json", "jsonl", "sarif", "gitlab"})

# written as the results come (`stream`); JUnit renders each manifest's suites as it comes but
# writes them after the root element, which carries the run's totals (spooled to a temporary file
# meanwhile). The others need the whole run first: JSON lists the rules once before the
# manifests, GitHub sorts its annotations across manifests, Markdown and HTML open with a summary
# of the whole run, GitLab is small (failures only) and kept whole for simplicity
STREAMED = frozenset({"text", "concise", "jsonl", "sarif", "junit"})

Stream = Callable[[Report, Iterable[Any], RenderOptions], Iterator[str]]
Piece = Callable[[ManifestResult], Any]


def get_formatter(name: str) -> Formatter:
    """Import one formatter module lazily: a text run should not pay for the others' imports.

    The output edge of every report: what a formatter returns passes through `safetext`, so no
    raw control or bidirectional character from a manifest or pack reaches a file, a pipe or a
    terminal whatever a formatter forgot (JSON losslessly as `\\uXXXX`, the others visibly)."""
    if name not in FORMATS and name not in EXTRA_RENDERERS:
        raise KeyError(name)
    module = importlib.import_module(f"{__name__}.{'json_report' if name == 'json' else name}")
    render: Formatter = module.render
    edge = _edge(name)

    def safe_render(report: Report, opts: RenderOptions) -> str:
        return edge(render(report, opts))

    return safe_render


def _edge(name: str) -> Callable[[str], str]:
    return json_safe if name in JSON_FORMATS else visible_lines


class _Feed:
    """The pieces a stream pulls, one pushed at a time."""

    def __init__(self) -> None:
        self.items: deque[Any] = deque()

    def __iter__(self) -> Iterator[Any]:
        return self

    def __next__(self) -> Any:
        if not self.items:
            raise StopIteration
        return self.items.popleft()


def _module(name: str) -> Any:
    if name not in STREAMED:
        raise KeyError(name)
    return importlib.import_module(f"{__name__}.{name}")


def piece_makers(
    report: Report, outputs: Iterable[tuple[str, RenderOptions]]
) -> Callable[[ManifestResult], tuple[Any, ...]]:
    """One function turning a result into its pieces for each of `outputs` (format, options),
    in order: what a worker process computes, so that the parent only writes."""
    makers: list[Piece] = [_module(name).pieces(report, opts) for name, opts in outputs]
    return lambda result: tuple(make(result) for make in makers)


class Streams:
    """Several streamed outputs of one run, each written by its `write` as the results are
    pushed: `push(result)` (or `push_pieces`, from `piece_makers`) for each result, `close()`
    once the run is over (when `report`'s errors and reasons are complete). Chunks pass through
    the same `safetext` edge as `get_formatter`'s output."""

    def __init__(
        self, report: Report, outputs: Iterable[tuple[str, RenderOptions, Callable[[str], object]]]
    ) -> None:
        self._feed = _Feed()
        self._outputs: list[tuple[Iterator[str], Callable[[str], str], Callable[[str], object]]] = []
        specs = []
        for name, opts, write in outputs:
            stream: Stream = _module(name).stream
            self._outputs.append((stream(report, self._feed, opts), _edge(name), write))
            specs.append((name, opts))
        self._pieces = piece_makers(report, specs)
        self._step(None)  # the heads

    def _step(self, pieces: tuple[Any, ...] | None) -> None:
        for i, (chunks, edge, write) in enumerate(self._outputs):
            if pieces is not None:
                self._feed.items.append(pieces[i])  # each stream pulls it once: one chunk per piece
            chunk = next(chunks)
            if chunk:
                write(edge(chunk))

    def push(self, result: ManifestResult) -> None:
        self._step(self._pieces(result))

    def push_pieces(self, pieces: tuple[Any, ...]) -> None:
        self._step(pieces)

    def close(self) -> None:
        # the feed is empty: each stream leaves its loop and yields its end, in as many chunks
        for chunks, edge, write in self._outputs:
            for chunk in chunks:
                if chunk:
                    write(edge(chunk))


def render_stream(name: str, report: Report, opts: RenderOptions) -> str:
    """A streamed format's whole report: its stream over the report's results."""
    module = _module(name)
    make: Piece = module.pieces(report, opts)
    stream: Stream = module.stream
    return "".join(stream(report, (make(r) for r in report.results), opts))
