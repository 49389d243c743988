"""A manifest written inside a Markdown document (a tender's CCTP, a specification).

The manifest is the union of the document's fenced code blocks marked for doctrine-lint
(```` ```yaml doctrine-lint ````), found with markdown-it-py, and of the `doctrine-lint:` mapping of
a YAML front matter if the document has one; every other block, the rest of the front matter and
all the prose are ignored. Each block is parsed by `document.parse_document` (same bounds, same errors), then
its positions are moved to where the block's lines are in the `.md` file — line, and column past
any indentation or `> ` of a list item or quote — so that findings and errors of every output
format point into the Markdown file. Several blocks are merged mapping by mapping; a fact
declared twice is an error located at both places, never a silent override.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from markdown_it import MarkdownIt

from .document import MAX_NODES, Document, PathKey, Span, format_path, parse_document, read_text
from .errors import DoctrineLintError, ManifestError, Msg, Problem
from .files import StdinSource

MARK = "doctrine-lint"
_LANGUAGES = ("yaml", "yml")
# a specification has a few dozen blocks; each is parsed on its own, so their number is bounded
MAX_BLOCKS = 1000


@dataclass(frozen=True, slots=True)
class Block:
    """A marked fenced block: its text and where each of its lines starts in the file."""

    text: str
    first_line: int  # 1-based line of the block's first content line in the file
    offsets: tuple[int, ...]  # per content line, the columns before it (indent, `> `)
    under: str | None = None  # a front matter: the manifest is the value of this key

    def position(self, line: int, column: int) -> tuple[int, int]:
        """A 1-based (line, column) of the block's text as a position in the file."""
        if line <= 0:  # no position: the block's first line
            return self.first_line, 1 + (self.offsets[0] if self.offsets else 0)
        offset = self.offsets[line - 1] if 0 < line <= len(self.offsets) else 0
        return self.first_line + line - 1, column + offset


def _marked(info: str) -> bool:
    words = info.replace("{", " ").replace("}", " ").replace(".", " ").split()
    return MARK in words and (words[0].lower() in _LANGUAGES or words[0] == MARK)


# markdown-it reads `\r\n` and `\r` as line ends, nothing else (not U+2028, NEL or form feed):
# the lines positions are counted on must be the same
_LINE_END = re.compile(r"\r\n|\r|\n")
# what opens a marked fence, wherever it sits (list item, quote): a line like this that is not the
# start of a block markdown-it found was left unread, which is said rather than ignored
# (the prefix cannot backtrack: each repetition starts with a list marker, which the separators
# after it are not; the fence and the mark are then found by plain string tests, in linear time)
_LINE_PREFIX = re.compile(r"[ \t>]*(?:(?:[-*+]|\d{1,9}[.)])[ \t>]+)*")


def _opens_marked_fence(line: str) -> bool:
    rest = line[_LINE_PREFIX.match(line).end() :]  # type: ignore[union-attr]
    return rest.startswith(("```", "~~~")) and MARK in rest


_FENCE_LINE = re.compile(r"^[ \t]*(?:`{3,}|~{3,})")


@dataclass(frozen=True, slots=True)
class Unread:
    """A line that opens a marked block markdown-it did not read as one (indented code, or
    nested beyond its limit)."""

    line: int


def blocks(text: str) -> list[Block]:
    """The marked fenced blocks of a Markdown text, in order (block structure only: no inline
    parsing, which the manifest does not need and which would cost on a large document)."""
    return _scan(text)[0]


def _scan(text: str) -> tuple[list[Block], list[Unread]]:
    md = MarkdownIt("commonmark")
    md.disable(["inline", "text_join"])
    lines = _LINE_END.split(text)
    out = []
    covered: list[tuple[int, int]] = []  # 0-based line ranges of every fence and the front matter
    front = _front_matter(lines)
    if front is not None:
        end, block = front
        if block is not None:
            out.append(block)
        covered.append((0, end))
        # the front matter is not Markdown: blank it (same line numbers) before the fences are found
        text = "\n" * end + "\n".join(lines[end:])
    for token in md.parse(text):
        if token.type != "fence" or token.map is None:
            continue
        covered.append((token.map[0], token.map[1]))
        if not _marked(token.info):
            continue
        start = token.map[0] + 1  # 0-based index of the first content line
        content = token.content.split("\n")[:-1] if token.content else []
        offsets = []
        for j, line in enumerate(content):
            source = lines[start + j] if start + j < len(lines) else ""
            offsets.append(_offset(source, line))
        out.append(Block(token.content, start + 1, tuple(offsets)))
    inside = bytearray(len(lines))  # 1 for a line some fence (or the front matter) covers
    for a, b in covered:
        inside[a:b] = b"\x01" * (min(b, len(lines)) - a)
    unread = [
        Unread(i + 1)
        for i, line in enumerate(lines)
        if not inside[i] and MARK in line and _opens_marked_fence(line)
    ]
    return out, unread


def _offset(source: str, line: str) -> int:
    """Columns of the file before a content line of a block: its indentation and quote markers.
    markdown-it gives the line without them, with a tab among them turned into spaces."""
    if line and source.endswith(line):
        return len(source) - len(line)
    stripped = line.lstrip(" ")
    if stripped:
        found = source.rfind(stripped)
        if found >= 0:
            return max(found - (len(line) - len(stripped)), 0)
    return _indent(source)


_FRONT_KEY = re.compile(rf"^{re.escape(MARK)}[ \t]*:", re.MULTILINE)


def _front_matter(lines: list[str]) -> tuple[int, Block | None] | None:
    """A YAML front matter (`---` on the first line, up to a `---` or `...` line, with no fence
    in it: otherwise the `---` is a Markdown rule): the number of lines it takes, and the block it
    gives when it has a `doctrine-lint:` key (the rest of a front matter is the document's own
    metadata)."""
    if not lines or lines[0].rstrip() != "---":
        return None
    for i in range(1, len(lines)):
        if _FENCE_LINE.match(lines[i]):
            return None
        if lines[i].rstrip() in ("---", "..."):
            body = lines[1:i]
            text = "\n".join(body) + "\n"
            if not _FRONT_KEY.search(text):
                return i + 1, None
            return i + 1, Block(text, 2, (0,) * len(body), under=MARK)
    return None


def _indent(source: str) -> int:
    """Columns before a blank or rewritten content line: its indentation and quote markers."""
    i = 0
    while i < len(source) and source[i] in " >\t":
        i += 1
    return i


_LINE_IN_MESSAGE = re.compile(r"\b(ligne|line) (\d+)\b")
_QUOTED = re.compile(r"«[^»]*»|\"[^\"]*\"")


def _moved(problem: Problem, block: Block, display: str) -> Problem:
    """A problem of a block's YAML at its place in the file, the lines its message names too
    (« déjà définie ligne 2 » is the block's second line)."""
    line, column = block.position(problem.line, problem.column)

    def shift(match: re.Match[str]) -> str:
        return f"{match.group(1)} {block.first_line + int(match.group(2)) - 1}"

    def moved(message: str) -> str:
        # only the message's own words: a quoted key or value (« ligne 2 ») is the user's text
        parts = _QUOTED.split(message)
        quoted = _QUOTED.findall(message)
        out = [_LINE_IN_MESSAGE.sub(shift, parts[0])]
        for q, part in zip(quoted, parts[1:], strict=True):
            out += [q, _LINE_IN_MESSAGE.sub(shift, part)]
        return "".join(out)

    return Problem(display, line, column, moved(problem.message), moved(problem.message_en))


def _span(span: Span, block: Block) -> Span:
    key_line, key_column = block.position(span.key_line, span.key_column)
    line, column = block.position(span.line, span.column)
    return Span(key_line, key_column, line, column)


def load_markdown(
    path: Path | StdinSource, display: str, *, error: type[DoctrineLintError] = ManifestError
) -> Document:
    """The manifest of a Markdown document, its positions in the `.md` file."""
    text, raw = read_text(path, display, error=error)
    found, unread = _scan(text)
    if unread:
        raise error(
            [
                Problem.at(
                    display,
                    u.line,
                    1,
                    Msg(
                        "bloc de manifeste non lu : Markdown n'y voit pas un bloc délimité (indenté de "
                        "4 espaces ou plus, ou listes et citations trop imbriquées) ; ramenez-le en début "
                        "de ligne",
                        "manifest block not read: Markdown does not see a fenced block here (indented by "
                        "4 spaces or more, or lists and quotes nested too deeply); move it to the start "
                        "of the line",
                    ),
                )
                for u in unread[:MAX_BLOCKS]
            ]
        )
    if not found:
        raise error.single(
            display,
            1,
            1,
            Msg(
                f"aucun bloc de manifeste dans ce document Markdown : écrivez-le dans un bloc "
                f"« ```yaml {MARK} »",
                f"no manifest block in this Markdown document: write it in a « ```yaml {MARK} » block",
            ),
        )
    if len(found) > MAX_BLOCKS:
        extra = found[MAX_BLOCKS]
        raise error.single(
            display,
            extra.first_line - 1,
            1,
            Msg(
                f"trop de blocs de manifeste (plus de {MAX_BLOCKS}) : regroupez les faits",
                f"too many manifest blocks (more than {MAX_BLOCKS}): group the facts",
            ),
        )
    data: dict[str, Any] = {}
    index: dict[PathKey, Span] = {}
    origin: dict[PathKey, int] = {}  # which block declared each path first
    problems: list[Problem] = []
    nodes = 0
    for number, block in enumerate(found, 1):
        if not block.text.strip():
            line, column = block.position(0, 0)
            problems.append(
                Problem.at(
                    display,
                    line - 1,
                    1,
                    Msg("bloc de manifeste vide", "empty manifest block"),
                )
            )
            continue
        try:
            doc = parse_document(block.text, display, error=error)
        except DoctrineLintError as exc:
            # a front matter with a `doctrine-lint:` key is a manifest block: its errors are said
            problems += [_moved(p, block, display) for p in exc.problems]
            continue
        nodes += len(doc.index)
        if nodes > MAX_NODES:  # the bound of one YAML file holds for the blocks together
            line, column = block.position(0, 0)
            raise error.single(
                display,
                line,
                column,
                Msg(
                    f"manifeste trop volumineux (plus de {MAX_NODES} nœuds dans l'ensemble des blocs)",
                    f"manifest too large (more than {MAX_NODES} nodes across the blocks)",
                ),
            )
        spans = {path: _span(span, block) for path, span in doc.index.items()}
        declared = doc.data
        if block.under is not None:  # a front matter: only its `doctrine-lint:` mapping
            if block.under not in doc.data:  # the key was only text inside a value
                continue
            declared = doc.data[block.under]
            if not isinstance(declared, dict):
                line, column = spans[(block.under,)].line, spans[(block.under,)].column
                problems.append(
                    Problem.at(
                        display,
                        line,
                        column,
                        Msg(
                            f"{block.under} : un dictionnaire (clé: valeur) du manifeste est attendu",
                            f"{block.under}: a mapping (key: value) of the manifest is expected",
                        ),
                    )
                )
                continue
            spans = {path[1:]: span for path, span in spans.items() if path[:1] == (block.under,)}
        problems += _merge(data, declared, (), spans, index, origin, number, display)
        for where, span in spans.items():
            if where not in index:
                index[where] = span
                origin[where] = number
    if problems:
        raise error(sorted(problems, key=lambda p: (p.line, p.column)))
    doc = Document(file=display, data=data, index=index)
    doc.sha256 = hashlib.sha256(raw).hexdigest()
    doc.has_folder = not isinstance(path, StdinSource) or path.name is not None
    return doc


def _merge(
    into: dict[str, Any],
    new: dict[str, Any],
    at: PathKey,
    spans: dict[PathKey, Span],
    index: dict[PathKey, Span],
    origin: dict[PathKey, int],
    number: int,
    display: str,
) -> list[Problem]:
    """Merge one block's mapping into what the earlier blocks declared; a key both declare is a
    conflict unless both values are mappings (merged in turn)."""
    problems = []
    for key, value in new.items():
        path = (*at, key)
        if key not in into:
            into[key] = value
            continue
        if isinstance(into[key], dict) and isinstance(value, dict):
            problems += _merge(into[key], value, path, spans, index, origin, number, display)
            continue
        here = spans.get(path)
        first = index.get(path)
        line, column = (here.key_line, here.key_column) if here else (0, 0)
        where = f"{first.key_line}:{first.key_column}" if first else "?"
        problems.append(
            Problem.at(
                display,
                line,
                column,
                Msg(
                    f"{format_path(path)} : déjà déclaré dans le bloc {origin.get(path, '?')} "
                    f"(ligne:colonne {where}) ; un fait ne se déclare qu'une fois",
                    f"{format_path(path)}: already declared in block {origin.get(path, '?')} "
                    f"(line:column {where}); a fact is declared once",
                ),
            )
        )
    return problems
