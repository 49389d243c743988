"""Safe YAML loading with a side index of positions.

`load_document` is the only place where YAML is parsed and where 0-based marks become 1-based
line and column numbers. The data stays plain (dict, list, str, int, float, bool, None: dates
are kept as their ISO strings); positions live in `Document.index`, keyed by path tuples.
Manifests come from outside, so size, nesting depth, alias expansion and recursion are bounded.
"""

from __future__ import annotations

import hashlib
import math
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeAlias

import yaml

from .errors import DoctrineLintError, ManifestError, Msg, Problem
from .files import FileRefused, StdinSource, read_regular, read_stream
from .yamlmessages import encoding_error, syntax_error, wide_encoding

try:  # the libyaml C loader is several times faster; fall back to pure Python when absent
    from yaml import CSafeLoader as _BaseLoader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _BaseLoader  # type: ignore[assignment]

PathKey: TypeAlias = tuple[str | int, ...]

MAX_BYTES = 4 * 1024 * 1024
MAX_DEPTH = 100
MAX_NODES = 250_000
# Below this bound (longest line + flow brackets) nesting cannot reach MAX_DEPTH, so the
# extra event scan that protects libyaml's recursive composer is skipped for normal files.
_DEPTH_SCAN_THRESHOLD = 600


class _Loader(_BaseLoader):
    """Safe loader that keeps timestamps as strings, so data stays JSON-compatible."""


def _timestamp_as_string(loader: yaml.SafeLoader, node: yaml.Node) -> str:
    return str(loader.construct_scalar(node))  # type: ignore[arg-type]


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp_as_string)


@dataclass(frozen=True, slots=True)
class Span:
    """1-based start line/column of a key and of its value."""

    key_line: int
    key_column: int
    line: int
    column: int


@dataclass(slots=True)
class Document:
    """A loaded YAML file: its data, the positions of every key and value, and its digest."""

    file: str
    data: Any
    index: dict[PathKey, Span] = field(default_factory=dict)
    sha256: str = ""
    # facts read from evidence files (`evidence.merge`): where each was read, instead of a line here
    sources: dict[PathKey, Any] = field(default_factory=dict)
    # False for a manifest read from standard input without --stdin-filename: no folder to read
    # the relative paths it names (evidence files) from
    has_folder: bool = True

    def locate(self, path: PathKey) -> tuple[int, int, bool]:
        """Return (line, column, exact) for `path`.

        A path that is not in the document falls back to the key of its closest declared
        ancestor (exact is then False); the root maps to the first node.
        """
        span = self.index.get(path)
        if span is not None:
            return span.line, span.column, True
        for end in range(len(path) - 1, -1, -1):
            span = self.index.get(path[:end])
            if span is not None:
                return span.key_line, span.key_column, False
        return 1, 1, False

    def problem(self, path: PathKey, message: Msg, *, key: bool = False) -> Problem:
        """A problem at `path` (its value, or its key with key=True; closest ancestor if absent)."""
        line, column = self.key_position(path) if key else self.locate(path)[:2]
        return Problem.at(self.file, line, column, message)

    def key_position(self, path: PathKey) -> tuple[int, int]:
        span = self.index.get(path)
        if span is None:
            line, col, _ = self.locate(path)
            return line, col
        return span.key_line, span.key_column


def _position_of_byte(raw: bytes, offset: int) -> tuple[int, int]:
    line_start = raw.rfind(b"\n", 0, offset) + 1
    line = raw.count(b"\n", 0, offset) + 1
    column = len(raw[line_start:offset].decode("utf-8", errors="replace")) + 1
    return line, column


def read_text(path: Path | StdinSource, display: str, *, error: type[DoctrineLintError]) -> tuple[str, bytes]:
    """Read a UTF-8 file with clear errors for missing files, directories, pipes, devices, size
    and encoding (`files.read_regular`: nothing but a regular file is ever opened for reading),
    or standard input under the same size limit (`files.read_stream`)."""
    try:
        if isinstance(path, StdinSource):
            raw = read_stream(path.stream, MAX_BYTES)
        else:
            raw = read_regular(path, MAX_BYTES, noun=Msg("fichier YAML", "YAML file"))
    except FileRefused as exc:
        raise error.single(display, 0, 0, exc.message) from None
    wide = wide_encoding(raw)  # UTF-16/32: named as such rather than as a bad byte
    if wide is not None:
        raise error.single(display, 1, 1, wide)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise error.single(display, *encoding_error(raw, exc.start, _position_of_byte)) from None
    return text, raw


def load_document(
    path: Path | str | StdinSource,
    *,
    display: str | None = None,
    error: type[DoctrineLintError] = ManifestError,
) -> Document:
    """Load one YAML file (or standard input) into a `Document`; raise `error` (exit code 2 in
    the CLI) on bad input."""
    source = path if isinstance(path, StdinSource) else Path(path)
    shown = (
        display if display is not None else source.display if isinstance(source, StdinSource) else str(source)
    )
    text, raw = read_text(source, shown, error=error)
    doc = parse_document(text, shown, error=error)
    doc.sha256 = hashlib.sha256(raw).hexdigest()
    doc.has_folder = not isinstance(source, StdinSource) or source.name is not None
    return doc


def parse_document(text: str, display: str, *, error: type[DoctrineLintError] = ManifestError) -> Document:
    """Parse YAML text (already decoded) into a `Document` with its position index."""
    if node_bound(text) > MAX_NODES or _could_be_deep(text):
        _scan(text, display, error)
    loader = _Loader(text)
    try:
        try:
            node = loader.get_single_node()
            if node is None:
                raise error.single(
                    display,
                    1,
                    1,
                    Msg(
                        "fichier vide : un document YAML est attendu",
                        "empty file: a YAML document is expected",
                    ),
                )
            if not isinstance(node, yaml.MappingNode):
                line, col = node.start_mark.line + 1, node.start_mark.column + 1
                raise error.single(
                    display,
                    line,
                    col,
                    Msg(
                        "la racine du document doit être un dictionnaire (clé: valeur)",
                        "the root of the document must be a mapping (key: value)",
                    ),
                )
            built = None if _ANCHOR in text or _MERGE in text else _build(node, loader)
            if built is None:  # a problem to report, an alias or a merge key: the careful path
                _check_structure(node, display, error)
                try:
                    data = loader.construct_document(node)
                except (ValueError, KeyError, TypeError, OverflowError) as exc:
                    raise _bad_scalar(node, loader, display, error, exc) from None
            else:
                data, index = built
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        raise error.single(display, *syntax_error(exc)) from None
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, exc.position) + 1
        column = exc.position - (text.rfind("\n", 0, exc.position) + 1) + 1
        raise error.single(
            display,
            line,
            column,
            Msg(
                f"caractère interdit en YAML : U+{exc.character:04X}",
                f"character not allowed in YAML: U+{exc.character:04X}",
            ),
        ) from None
    except yaml.YAMLError as exc:
        raise error.single(display, 0, 0, Msg(f"erreur YAML : {exc}", f"YAML error: {exc}")) from None
    except RecursionError:
        raise error.single(display, 0, 0, Msg("structure trop profonde", "structure too deep")) from None
    doc = Document(file=display, data=data)
    doc.index = _build_index(node, data, loader, display, error) if built is None else index
    return doc


# Without an anchor no node is shared (no alias) and without `<<` there is no merge key: the
# node graph is a tree, which `_build` walks once. Either text may also occur inside a scalar;
# the careful path then runs, with the same result.
_ANCHOR = "&"
_MERGE = "<<"


class _Careful(Exception):
    """Raised inside `_build` when the careful path must decide (and word the problem)."""


def _build(root: yaml.MappingNode, loader: Any) -> tuple[dict[str, Any], dict[PathKey, Span]] | None:
    """Data and position index of an alias-free, merge-free tree of nodes in one walk, with the
    safe constructors' semantics; None at the first thing the careful path handles or reports
    (`_check_structure`, `construct_document`, `_bad_scalar`, `_build_index`): a key that is not
    text, a duplicate key, an unsupported tag, a non-finite number, a scalar that does not
    construct, nesting beyond MAX_DEPTH or more than MAX_NODES positions.

    The index is filled in the order `_build_index` gives (every child of a collection, then the
    last child's subtree first), so nothing that iterates it can tell the paths apart."""
    mark = root.start_mark
    index: dict[PathKey, Span] = {(): Span(mark.line + 1, mark.column + 1, mark.line + 1, mark.column + 1)}
    data: dict[str, Any] = {}
    stack: list[tuple[yaml.Node, Any, PathKey, int]] = [(root, data, (), 1)]
    pop, push = stack.pop, stack.append
    try:
        while stack:
            node, target, path, depth = pop()
            if depth >= MAX_DEPTH:  # its children would be too deep (scalars included)
                return None
            inner = depth + 1
            if target.__class__ is dict:
                for key_node, value_node in node.value:
                    if key_node.tag != _STR or key_node.__class__ is not yaml.ScalarNode:
                        return None
                    key = key_node.value
                    if key in target:
                        return None
                    child = (*path, key)
                    km, vm = key_node.start_mark, value_node.start_mark
                    index[child] = Span(km.line + 1, km.column + 1, vm.line + 1, vm.column + 1)
                    target[key] = _value(value_node, loader, push, child, inner)
            else:
                for i, item in enumerate(node.value):
                    child = (*path, i)
                    im = item.start_mark
                    index[child] = Span(im.line + 1, im.column + 1, im.line + 1, im.column + 1)
                    target.append(_value(item, loader, push, child, inner))
    except _Careful:
        return None
    if len(index) > MAX_NODES:
        return None
    return data, index


_BOOLS = yaml.constructor.SafeConstructor.bool_values


def _value(node: yaml.Node, loader: Any, push: Any, path: PathKey, depth: int) -> Any:
    """A node's value: a scalar constructed now, an empty collection filled when popped."""
    tag = node.tag
    cls = node.__class__
    if cls is yaml.ScalarNode:
        if tag == _STR:
            return node.value
        if tag == _NULL:
            return None
        try:
            if tag == _BOOL:
                return _BOOLS[node.value.lower()]
            if tag == _INT:
                return loader.construct_yaml_int(node)
            if tag == _FLOAT:
                if _NOT_FINITE.fullmatch(node.value) or _overflows(node.value):
                    raise _Careful
                return loader.construct_yaml_float(node)
            if tag == _TIMESTAMP:
                return str(node.value)
        except (ValueError, KeyError, TypeError, OverflowError, yaml.YAMLError):
            raise _Careful from None
        raise _Careful
    if cls is yaml.MappingNode and tag == _MAP:
        mapping: dict[str, Any] = {}
        push((node, mapping, path, depth))
        return mapping
    if cls is yaml.SequenceNode and tag == _SEQ:
        sequence: list[Any] = []
        push((node, sequence, path, depth))
        return sequence
    raise _Careful


def _problem(display: str, node: yaml.Node, message: Msg) -> Problem:
    """A problem located at a node's start (1-based)."""
    mark = node.start_mark
    return Problem.at(display, mark.line + 1, mark.column + 1, message)


def _too_many_nodes(aliases: str = "") -> Msg:
    more = Msg(", alias compris", ", aliases included") if aliases else Msg("", "")
    return Msg(
        f"manifeste trop volumineux (plus de {MAX_NODES} nœuds{more.fr})",
        f"manifest too large (more than {MAX_NODES} nodes{more.en})",
    )


_TOO_DEEP = Msg(
    f"imbrication trop profonde (plus de {MAX_DEPTH} niveaux)",
    f"nesting too deep (more than {MAX_DEPTH} levels)",
)


def _at(error: type[DoctrineLintError], display: str, node: yaml.Node, message: Msg) -> DoctrineLintError:
    return error([_problem(display, node, message)])


def _could_be_deep(text: str) -> bool:
    longest = max((len(line) for line in text.splitlines()), default=0)
    return longest + text.count("[") + text.count("{") >= _DEPTH_SCAN_THRESHOLD


def node_bound(text: str) -> int:
    """An upper bound on the nodes libyaml composes from `text` (aliases not expanded), counted
    in C at memory speed. Every node but the root is a sequence item or the key or value of a
    mapping pair; an item is introduced by `-`, `[` or `,`, a pair (two nodes) by `:`, `?`, `{`
    or `,`. Characters inside scalars only make the bound looser."""
    items = text.count("-") + text.count("[")
    pairs = text.count(",") + text.count(":") + text.count("?") + text.count("{")
    return 1 + items + 2 * pairs


def _scan(text: str, display: str, error: type[DoctrineLintError]) -> None:
    """Depth and node count measured on the event stream, before anything is composed.

    libyaml's composer recurses in C (extreme nesting crashes the process) and keeps every node
    with its marks in memory (a 4 MB flow list would take hundreds of MiB before the node limit
    could be checked): the event parser is iterative and keeps nothing, so the limits are
    enforced while parsing and the scan stops at the first event beyond them. Syntax and
    character errors are left to the real parse, which reports them with their position."""
    depth = nodes = 0
    try:
        for event in yaml.parse(text, Loader=_Loader):
            if isinstance(event, yaml.NodeEvent):  # scalar, alias, sequence or mapping start
                nodes += 1
                if nodes > MAX_NODES:
                    raise _event_error(error, display, event, _too_many_nodes())
                if isinstance(event, yaml.CollectionStartEvent):
                    depth += 1
                    if depth > MAX_DEPTH:
                        raise _event_error(error, display, event, _TOO_DEEP)
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    except yaml.YAMLError:
        return  # ReaderError (control character) included: the real parse reports it, located


def _event_error(
    error: type[DoctrineLintError], display: str, event: yaml.Event, message: Msg
) -> DoctrineLintError:
    mark = event.start_mark
    return error.single(display, mark.line + 1 if mark else 0, mark.column + 1 if mark else 0, message)


def _check_structure(root: yaml.Node, display: str, error: type[DoctrineLintError]) -> None:
    """Before construction: duplicate keys, recursive aliases, depth and node count."""
    problems: list[Problem] = []
    seen_nodes = 0
    # (node, depth, ancestors) - ancestors detect an alias that points at its own parent.
    stack: list[tuple[yaml.Node, int, frozenset[int]]] = [(root, 1, frozenset())]
    while stack:
        node, depth, ancestors = stack.pop()
        seen_nodes += 1
        if seen_nodes > MAX_NODES:
            raise error.single(display, 0, 0, _too_many_nodes("aliases"))
        if depth > MAX_DEPTH:
            raise _at(error, display, node, _TOO_DEEP)
        if id(node) in ancestors:
            raise _at(error, display, node, Msg("alias récursif interdit", "recursive alias not allowed"))
        bad = _unsupported(node)
        if bad:
            problems.append(_problem(display, node, bad))
            continue
        if isinstance(node, yaml.MappingNode):
            inner = ancestors | {id(node)}
            keys: dict[tuple[str, str], yaml.Node] = {}
            for key_node, value_node in node.value:
                if isinstance(key_node, yaml.ScalarNode):
                    if key_node.tag == "tag:yaml.org,2002:merge":
                        stack.append((value_node, depth + 1, inner))
                        continue
                    if key_node.tag != _STR:
                        problems.append(
                            _problem(
                                display,
                                key_node,
                                Msg(
                                    f"clé « {key_node.value} » lue comme {_kind(key_node.tag).fr} : "
                                    "les clés doivent être du texte, mettez-la entre guillemets",
                                    f'key "{key_node.value}" read as {_kind(key_node.tag).en}: '
                                    "keys must be text, put it in quotes",
                                ),
                            )
                        )
                        continue
                    ident = (key_node.tag, key_node.value)
                    first = keys.get(ident)
                    if first is not None:
                        problems.append(
                            _problem(
                                display,
                                key_node,
                                Msg(
                                    f"clé « {key_node.value} » en double (déjà définie ligne "
                                    f"{first.start_mark.line + 1}) : YAML garderait la dernière en silence",
                                    f'duplicate key "{key_node.value}" (already defined at line '
                                    f"{first.start_mark.line + 1}): YAML would silently keep the last one",
                                ),
                            )
                        )
                    else:
                        keys[ident] = key_node
                else:
                    problems.append(
                        _problem(
                            display,
                            key_node,
                            Msg(
                                "clé complexe interdite : les clés doivent être des scalaires",
                                "complex key not allowed: keys must be scalars",
                            ),
                        )
                    )
                stack.append((value_node, depth + 1, inner))
        elif isinstance(node, yaml.SequenceNode):
            inner = ancestors | {id(node)}
            stack.extend((item, depth + 1, inner) for item in node.value)
    if problems:
        problems.sort(key=lambda p: (p.line, p.column))
        raise error(problems)


_STR = "tag:yaml.org,2002:str"
_NULL = "tag:yaml.org,2002:null"
_BOOL = "tag:yaml.org,2002:bool"
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"
_SCALAR_TAGS = {
    _STR,
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:timestamp",
}
_KIND = {
    "tag:yaml.org,2002:int": Msg("un entier", "an integer"),
    "tag:yaml.org,2002:float": Msg("un nombre", "a number"),
    "tag:yaml.org,2002:bool": Msg("un booléen", "a boolean"),
    "tag:yaml.org,2002:null": Msg("une valeur nulle", "a null value"),
    "tag:yaml.org,2002:timestamp": Msg("une date", "a date"),
}


_NON_TEXT = Msg("non-texte", "non-text")


def _kind(tag: str, unknown: Msg = _NON_TEXT) -> Msg:
    return _KIND.get(tag, unknown)


_NOT_FINITE = re.compile(r"[-+]?\.(?:inf|nan)", re.IGNORECASE)


def _overflows(text: str) -> bool:
    try:
        return math.isinf(float(text.replace("_", "")))
    except ValueError:
        return False  # sexagesimal or other YAML 1.1 forms: PyYAML constructs them finitely


def _unsupported_tag(tag: str) -> Msg:
    return Msg(f"étiquette YAML « {tag} » non prise en charge", f'YAML tag "{tag}" not supported')


def _unsupported(node: yaml.Node) -> Msg | None:
    """Only JSON-like data is accepted: no binary, sets, ordered maps or non-finite numbers."""
    if isinstance(node, yaml.ScalarNode):
        if node.tag not in _SCALAR_TAGS:
            return _unsupported_tag(node.tag)
        if node.tag == "tag:yaml.org,2002:float" and (
            _NOT_FINITE.fullmatch(node.value) or _overflows(node.value)
        ):
            return Msg(
                f"nombre non fini « {node.value} » interdit", f'non-finite number "{node.value}" not allowed'
            )
    elif (isinstance(node, yaml.SequenceNode) and node.tag != "tag:yaml.org,2002:seq") or (
        isinstance(node, yaml.MappingNode) and node.tag != "tag:yaml.org,2002:map"
    ):
        return _unsupported_tag(node.tag)
    return None


def _bad_scalar(
    root: yaml.Node, loader: Any, display: str, error: type[DoctrineLintError], exc: Exception
) -> DoctrineLintError:
    """Find the scalar whose construction failed (e.g. `!!int abc`), to report its position."""
    stack = [root]
    seen: set[int] = set()
    probe = _Loader("")  # the failed loader's state is unusable: construct each scalar afresh
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, yaml.ScalarNode):
            try:
                probe.construct_object(node)
            except (ValueError, KeyError, TypeError, OverflowError, yaml.YAMLError):
                kind = _kind(node.tag, Msg.same(node.tag))
                value = node.value[:40]
                return _at(
                    error,
                    display,
                    node,
                    Msg(
                        f"valeur « {value} » illisible comme {kind.fr}",
                        f'value "{value}" cannot be read as {kind.en}',
                    ),
                )
        elif isinstance(node, yaml.MappingNode):
            stack.extend(v for pair in node.value for v in pair)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
    return error.single(display, 0, 0, Msg(f"valeur illisible : {exc}", f"unreadable value: {exc}"))


def _key_of(node: yaml.Node, loader: Any) -> str | int:
    if isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:str":
        return str(node.value)
    value = loader.construct_object(node, deep=True)
    if isinstance(value, bool) or not isinstance(value, int | str):
        return str(value)
    return value


def _build_index(
    root: yaml.Node, data: Any, loader: Any, display: str, error: type[DoctrineLintError]
) -> dict[PathKey, Span]:
    # Walked after construction: merge keys are flattened into node.value by then, so a
    # merged key points at its anchor's definition and last-wins matches the data.
    mark = root.start_mark
    index: dict[PathKey, Span] = {(): Span(mark.line + 1, mark.column + 1, mark.line + 1, mark.column + 1)}
    stack: list[tuple[yaml.Node, PathKey]] = [(root, ())]
    while stack:
        node, path = stack.pop()
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                child = (*path, _key_of(key_node, loader))
                km, vm = key_node.start_mark, value_node.start_mark
                index[child] = Span(km.line + 1, km.column + 1, vm.line + 1, vm.column + 1)
                stack.append((value_node, child))
        elif isinstance(node, yaml.SequenceNode):
            for i, item in enumerate(node.value):
                child = (*path, i)
                im = item.start_mark
                index[child] = Span(im.line + 1, im.column + 1, im.line + 1, im.column + 1)
                stack.append((item, child))
        if len(index) > MAX_NODES:
            raise error.single(display, 0, 0, _too_many_nodes("aliases"))
    return index


_PLAIN_KEY = re.compile(r"[\w$-]+")


@lru_cache(maxsize=16384)
def format_path(path: PathKey) -> str:
    """Render a path tuple as the dotted form used in packs and reports: a.b[0].c."""
    out: list[str] = []
    for part in path:
        if isinstance(part, int):
            out.append(f"[{part}]")
        elif _PLAIN_KEY.fullmatch(part):
            out.append(f".{part}" if out else part)
        else:
            escaped = part.replace("\\", "\\\\").replace('"', '\\"')
            out.append(f'["{escaped}"]')
    return "".join(out)
