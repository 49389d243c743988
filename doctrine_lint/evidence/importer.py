"""`doctrine-lint import`: the facts of an official export written as YAML, either as a fragment
to paste or into an existing manifest, keeping its comments and layout.

A manifest may instead name the export under `evidence:` (read at every run); importing copies the
facts once, for users who prefer a single file. Writing into a manifest edits its text line by line:
a value already there is replaced on its own line (a comment after it is kept), a missing key is
added under its block with the block's indentation; the result is parsed and validated before the
file is replaced, and a layout the editor cannot follow (flow-style mappings) is refused with a
clear message rather than rewritten.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ..document import Document, PathKey, format_path, parse_document, read_text
from ..errors import ManifestError, Msg, Problem
from ..validation import validate_document
from . import KINDS, EvidenceReport
from .merge import value_at


@dataclass(frozen=True, slots=True)
class Change:
    path: PathKey
    before: Any  # None when the key was absent
    after: Any


def _nested(facts: Iterable[tuple[PathKey, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for path, value in facts:
        node = out
        for seg in path[:-1]:
            node = node.setdefault(str(seg), {})
        node[str(path[-1])] = value
    return out


def fragment(report: EvidenceReport, lang: str = "fr") -> str:
    """The export's facts as a YAML fragment, with a comment naming the file and its digest."""
    head = (
        f"# {KINDS[report.kind].get(lang)} : {report.file} (SHA-256 {report.sha256})\n"
        if lang != "en"
        else f"# {KINDS[report.kind].get(lang)}: {report.file} (SHA-256 {report.sha256})\n"
    )
    body = yaml.safe_dump(
        _nested((f.path, f.value) for f in report.facts), allow_unicode=True, sort_keys=False, width=100
    )
    return head + body


_SCALAR_LINE = re.compile(
    r"^(?P<indent>\s*)(?P<key>[^#\s][^#]*?):(?P<gap>\s+)(?P<value>[^#]*?)(?P<tail>\s+#.*)?$"
)


def _scalar(value: Any) -> str:
    text = yaml.safe_dump(value, allow_unicode=True, default_flow_style=True, width=10_000).strip()
    return text.removesuffix("\n...").removesuffix("...").strip()


def _key(seg: str | int) -> str:
    text = str(seg)
    return (
        text
        if re.fullmatch(r"[A-Za-z_][\w.\-]*", text) and not re.fullmatch(r"\d+(\.\d+)*", text)
        else f'"{text}"'
    )


class _Editor:
    """Line-based edits of a block-style YAML manifest, using the positions of its Document."""

    def __init__(self, doc: Document, text: str) -> None:
        self.doc = doc
        self.lines = text.split("\n")
        self.problems: list[Problem] = []

    def _last_line_of(self, path: PathKey) -> int:
        """1-based last line of the block at `path` (its own line if it holds a scalar)."""
        last = 0
        for key, span in self.doc.index.items():
            if key[: len(path)] == path:
                last = max(last, span.line)
        return last

    def _indent_of_children(self, path: PathKey) -> str | None:
        for key, span in sorted(self.doc.index.items(), key=lambda kv: kv[1].line):
            if len(key) == len(path) + 1 and key[: len(path)] == path:
                return " " * (span.key_column - 1)
        return None

    def replace(self, path: PathKey, value: Any) -> bool:
        span = self.doc.index.get(path)
        if span is None:
            return False
        i = span.line - 1
        found = _SCALAR_LINE.match(self.lines[i])
        if (
            span.line != span.key_line
            or found is None
            or found.group("value").startswith(("{", "[", "|", ">"))
        ):
            self.problems.append(
                Problem.at(
                    self.doc.file,
                    span.line,
                    span.column,
                    Msg("mise en page non modifiable ici", "layout cannot be changed here").after(
                        format_path(path)
                    ),
                )
            )
            return True
        head = f"{found.group('indent')}{found.group('key')}:{found.group('gap')}{_scalar(value)}"
        tail = found.group("tail") or ""
        if tail:  # keep the comment in its column when the new value leaves room for it
            comment = tail.lstrip()
            column = len(self.lines[i]) - len(comment)
            tail = " " * max(1, column - len(head)) + comment
        self.lines[i] = head + tail
        return True

    def insert(self, path: PathKey, value: Any, shift: dict[int, int]) -> None:
        """Add `path: value` under the deepest block of `path` that exists, with its indentation."""
        depth = len(path) - 1
        while depth > 0 and path[:depth] not in self.doc.index:
            depth -= 1
        parent = path[:depth]
        if parent and self.lines[self.doc.index[parent].line - 1].rstrip().endswith(("}", "]")):
            span = self.doc.index[parent]
            self.problems.append(
                Problem.at(
                    self.doc.file,
                    span.line,
                    span.column,
                    Msg(
                        "bloc en style compact, à compléter à la main",
                        "block in compact style, to complete by hand",
                    ).after(format_path(parent)),
                )
            )
            return
        indent = self._indent_of_children(parent) if parent else ""
        if indent is None:
            indent = " " * (self.doc.index[parent].key_column - 1 + 2)
        after = self._last_line_of(parent) if parent else len([x for x in self.lines if x.strip()])
        new: list[str] = []
        for level, seg in enumerate(path[depth:-1]):
            new.append(f"{indent}{'  ' * level}{_key(seg)}:")
        new.append(f"{indent}{'  ' * (len(path) - depth - 1)}{_key(path[-1])}: {_scalar(value)}")
        at = after + sum(n for line, n in shift.items() if line <= after)
        self.lines[at:at] = new
        shift[after] = shift.get(after, 0) + len(new)


def write_into(manifest: Path, report: EvidenceReport) -> tuple[str, list[Change]]:
    """The manifest's text with the export's facts written in, and what changed; ManifestError
    when the layout cannot be followed or the result would not be a valid manifest."""
    text, _ = read_text(manifest, str(manifest), error=ManifestError)
    doc = parse_document(text, str(manifest))
    editor = _Editor(doc, text)
    changes: list[Change] = []
    missing: list[tuple[PathKey, Any]] = []
    for fact in report.facts:
        found, before = value_at(doc.data, fact.path)
        if found and before == fact.value:
            continue
        changes.append(Change(fact.path, before if found else None, fact.value))
        if not editor.replace(fact.path, fact.value):
            missing.append((fact.path, fact.value))
    shift: dict[int, int] = {}
    # one block after the other, in the manifest's order, so that inserted lines stay grouped
    for path, value in missing:
        editor.insert(path, value, shift)
        doc = _reindex(doc, editor)  # positions after the insertion, for the next key
        shift.clear()
    if editor.problems:
        raise ManifestError(editor.problems)
    out = "\n".join(editor.lines)
    checked = parse_document(out, str(manifest), error=ManifestError)
    problems = validate_document(checked, "manifest")
    if problems:
        raise ManifestError(problems)
    return out, changes


def _reindex(doc: Document, editor: _Editor) -> Document:
    fresh = parse_document("\n".join(editor.lines), doc.file, error=ManifestError)
    editor.doc = fresh
    return fresh
