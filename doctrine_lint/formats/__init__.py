"""Report formatters: each format is one module exposing `render(report, options) -> str`.

The formats in `STREAMED` also expose `stream(report, results, options)`, a generator that
yields a head, then one chunk per result as it is pulled from `results`, then an end (any of them
possibly empty; `render` is the join of it, so a streamed report is the same bytes). `Streams`
writes a batch to several such outputs at once, result by result, keeping none."""

from __future__ import annotations

import importlib
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

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

# written as the results come (`stream`); the others need the whole run first: JSON lists the
# rules once before the manifests, JUnit's root element carries the totals, GitHub sorts its
# annotations across manifests, Markdown and HTML open with a summary of the whole run, GitLab
# is small (failures only) and kept whole for simplicity
STREAMED = frozenset({"text", "concise", "jsonl", "sarif"})

Stream = Callable[[Report, Iterable[ManifestResult], RenderOptions], Iterator[str]]


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
    """The results a stream pulls, one pushed at a time."""

    def __init__(self) -> None:
        self.items: deque[ManifestResult] = deque()

    def __iter__(self) -> Iterator[ManifestResult]:
        return self

    def __next__(self) -> ManifestResult:
        if not self.items:
            raise StopIteration
        return self.items.popleft()


class Streams:
    """Several streamed outputs of one run, each written by its `write` as the results are
    pushed: `push(result)` for each result, `close()` once the run is over (when `report`'s
    errors and reasons are complete). Chunks pass through the same `safetext` edge as
    `get_formatter`'s output."""

    def __init__(
        self, report: Report, outputs: Iterable[tuple[str, RenderOptions, Callable[[str], object]]]
    ) -> None:
        self._feed = _Feed()
        self._outputs: list[tuple[Iterator[str], Callable[[str], str], Callable[[str], object]]] = []
        for name, opts, write in outputs:
            if name not in STREAMED:
                raise KeyError(name)
            module = importlib.import_module(f"{__name__}.{name}")
            stream: Stream = module.stream
            self._outputs.append((stream(report, self._feed, opts), _edge(name), write))
        self._step()  # the heads

    def _step(self, result: ManifestResult | None = None) -> None:
        for chunks, edge, write in self._outputs:
            if result is not None:
                self._feed.items.append(result)  # each stream pulls it once: one chunk per result
            chunk = next(chunks)
            if chunk:
                write(edge(chunk))

    def push(self, result: ManifestResult) -> None:
        self._step(result)

    def close(self) -> None:
        self._step()  # the feed is empty: each stream leaves its loop and yields its end
