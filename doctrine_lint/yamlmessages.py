"""What people are told when a YAML file cannot be read: where to look, how to fix (French and
English, as `errors.Msg`).

`syntax_error` turns a PyYAML/libyaml syntax error into one located message: the construct left
open (a `[`, a `{`, a quote) is where the reader must look, so the error points there and says
where the parser gave up; other errors point where the parser stopped and name the construct
they were in. `encoding_error` names the encoding a file that is not UTF-8 seems to be in
(UTF-16 or UTF-32 as Windows tools write them, Latin-1/Windows-1252) and how to convert it.
`document.py` raises them; the wording lives here.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import yaml

from .errors import Msg

# The construct a parser was in ("while parsing a flow sequence"): its name (French, English),
# whether the French noun is feminine (« ouverte »), and whether it has a closing delimiter one
# can forget.
_CONSTRUCTS: dict[str, tuple[Msg, bool, bool]] = {
    "while parsing a flow sequence": (
        Msg("la liste entre crochets « [ »", 'the list in brackets "["'),
        True,
        True,
    ),
    "while parsing a flow mapping": (
        Msg("le dictionnaire entre accolades « { »", 'the mapping in braces "{"'),
        False,
        True,
    ),
    "while scanning a quoted scalar": (Msg("le texte entre guillemets", "the quoted text"), False, True),
    "while parsing a quoted scalar": (Msg("le texte entre guillemets", "the quoted text"), False, True),
    "while scanning a simple key": (Msg("la clé", "the key"), True, False),
    "while parsing a block mapping": (Msg("le dictionnaire", "the mapping"), False, False),
    "while parsing a block collection": (Msg("la liste", "the list"), True, False),
    "while parsing a block sequence": (Msg("la liste", "the list"), True, False),
    "while parsing a block node": (Msg("la valeur", "the value"), True, False),
    "while parsing a flow node": (Msg("la valeur", "the value"), True, False),
    "while parsing a node": (Msg("la valeur", "the value"), True, False),
    "while scanning a block scalar": (
        Msg("le bloc de texte (« | » ou « > »)", 'the text block ("|" or ">")'),
        False,
        False,
    ),
    "while scanning a plain scalar": (Msg("la valeur", "the value"), True, False),
    "while scanning an alias": (Msg("l'alias (« * »)", 'the alias ("*")'), False, False),
    "while scanning an anchor": (Msg("l'ancre (« & »)", 'the anchor ("&")'), True, False),
    "while scanning a tag": (Msg("l'étiquette (« ! »)", 'the tag ("!")'), True, False),
    "while parsing a tag": (Msg("l'étiquette (« ! »)", 'the tag ("!")'), True, False),
    "while scanning a directive": (Msg("la directive (« % »)", 'the directive ("%")'), True, False),
    "while composing a mapping": (Msg("le dictionnaire", "the mapping"), False, False),
    "expected a single document in the stream": (Msg("le document", "the document"), False, False),
    "found duplicate anchor": (
        Msg("la première ancre de ce nom", "the first anchor of that name"),
        True,
        False,
    ),
}

_QUOTE_FLOW = Msg(
    " (entre crochets ou accolades, une valeur qui contient « [ », « { », « , » ou « : » s'écrit entre guillemets)",
    ' (inside brackets or braces, a value containing "[", "{", "," or ":" is written in quotes)',
)
_COLON = Msg(
    "« : » inattendu : une valeur qui contient « : » s'écrit entre guillemets",
    'unexpected ":": a value containing ":" is written in quotes',
)
_TAB = Msg(
    "tabulation dans l'indentation : YAML n'indente qu'avec des espaces",
    "tab in the indentation: YAML indents with spaces only",
)

# What went wrong, libyaml's wording first (the C loader is the one normally used), then the
# pure-Python loader's.
_PROBLEMS: dict[str, Msg] = {
    "did not find expected ',' or ']'": Msg("« , » ou « ] » attendu", '"," or "]" expected').then(
        _QUOTE_FLOW, ""
    ),
    "did not find expected ',' or '}'": Msg("« , » ou « } » attendu", '"," or "}" expected').then(
        _QUOTE_FLOW, ""
    ),
    "found unexpected end of stream": Msg(
        "fin du fichier atteinte sans la refermer", "end of file reached before closing it"
    ),
    "could not find expected ':'": Msg("« : » attendu après la clé", '":" expected after the key'),
    "mapping values are not allowed in this context": _COLON,
    "mapping values are not allowed here": _COLON,
    "did not find expected key": Msg(
        "clé attendue (indentation incohérente ?)", "key expected (inconsistent indentation?)"
    ),
    "did not find expected '-' indicator": Msg(
        "« - » attendu (élément de liste mal indenté ?)", '"-" expected (list item badly indented?)'
    ),
    "found character that cannot start any token": Msg(
        "caractère qui ne peut pas commencer une valeur (« @ », « ` », tabulation…) : "
        "mettez la valeur entre guillemets",
        'character that cannot start a value ("@", "`", tab…): put the value in quotes',
    ),
    "found a tab character that violates indentation": _TAB,
    "found a tab character where an indentation space is expected": _TAB,
    "block sequence entries are not allowed in this context": Msg(
        "élément de liste « - » interdit ici (indentation ?)", 'list item "-" not allowed here (indentation?)'
    ),
    "found unknown escape character": Msg(
        "séquence d'échappement inconnue entre guillemets doubles : écrivez « \\\\ » pour une barre "
        "oblique inverse, ou utilisez des guillemets simples",
        'unknown escape sequence in double quotes: write "\\\\" for a backslash, or use single quotes',
    ),
    "found invalid Unicode character escape code": Msg(
        "code de caractère invalide dans une séquence « \\u »", 'invalid character code in a "\\u" sequence'
    ),
    "did not find expected hexdecimal number": Msg(
        "chiffre hexadécimal attendu dans une séquence « \\x » ou « \\u »",
        'hexadecimal digit expected in a "\\x" or "\\u" sequence',
    ),
    "did not find expected node content": Msg("valeur attendue", "value expected"),
    "did not find expected <document start>": Msg(
        "texte après la fin du document : un seul document YAML par fichier (indentation ?)",
        "text after the end of the document: one YAML document per file (indentation?)",
    ),
    "but found another document": Msg(
        "un seul document YAML est attendu par fichier", "a single YAML document is expected per file"
    ),
    "found undefined alias": Msg("alias sans ancre correspondante", "alias without a matching anchor"),
    "found undefined tag handle": Msg("préfixe d'étiquette inconnu", "unknown tag handle"),
    "found unexpected document indicator": Msg(
        "« --- » ou « ... » inattendu dans une valeur", '"---" or "..." unexpected in a value'
    ),
    "found unexpected ':'": Msg("« : » inattendu", 'unexpected ":"'),
    "did not find expected comment or line break": Msg(
        "commentaire ou fin de ligne attendu", "comment or line break expected"
    ),
    "did not find expected alphabetic or numeric character": Msg(
        "lettre ou chiffre attendu (nom d'ancre ou d'alias)",
        "letter or digit expected (anchor or alias name)",
    ),
    "did not find expected whitespace or line break": Msg(
        "espace ou fin de ligne attendu", "space or line break expected"
    ),
    "found an indentation indicator equal to 0": Msg(
        "indicateur d'indentation 0 interdit", "indentation indicator 0 not allowed"
    ),
    "control characters are not allowed": Msg(
        "caractère de contrôle interdit", "control character not allowed"
    ),
    "second occurrence": Msg("ancre déjà définie plus haut", "anchor already defined above"),
}

# what a parser says when it reaches a place where the open construct should have been closed
_NOT_CLOSED = frozenset(
    {
        "found unexpected end of stream",
        "did not find expected ',' or ']'",
        "did not find expected ',' or '}'",
        "found unexpected document indicator",
        "expected ',' or ']', but got '<stream end>'",
    }
)

# pure-Python wordings that quote what was found: "expected <block end>, but found '-'"
_FOUND = re.compile(r"^(?:expected|did not find expected) (.+?), but (?:found|got) (.+)$")
_TOKENS = {
    "<block end>": Msg("la fin du bloc (indentation)", "the end of the block (indentation)"),
    "<document start>": Msg("un début de document", "a document start"),
    "<block mapping start>": Msg("un dictionnaire", "a mapping"),
    "<block sequence start>": Msg("une liste", "a list"),
    "<scalar>": Msg("une valeur", "a value"),
    **{f"'{c}'": Msg(f"« {c} »", f'"{c}"') for c in "-:,]}?"},
}


def _token(text: str) -> Msg:
    return _TOKENS.get(text, Msg.same(text))


def _translate(problem: str) -> Msg:
    known = _PROBLEMS.get(problem.strip())
    if known is not None:
        return known
    found = _FOUND.match(problem.strip())
    if found:
        expected, got = (_token(g) for g in found.groups())
        return Msg(f"{expected.fr} attendu(e), trouvé {got.fr}", f"{expected.en} expected, found {got.en}")
    if "that cannot start any token" in problem:  # pure Python quotes the character
        return _PROBLEMS["found character that cannot start any token"]
    return Msg(f"« {problem} » (message de l'analyseur YAML)", f'"{problem}" (YAML parser message)')


_SYNTAX = Msg("erreur de syntaxe YAML", "YAML syntax error")


def syntax_error(exc: yaml.MarkedYAMLError) -> tuple[int, int, Msg]:
    """(line, column, message) of a YAML syntax error, 1-based.

    Located at the construct left open when it has a closing delimiter (`[`, `{`, a quote) and
    the parser went past its line looking for it — the place to fix — with where the parser
    stopped in the message; otherwise where the parser stopped, with where the construct it was
    in began."""
    problem, context = exc.problem_mark, exc.context_mark
    what = _translate(exc.problem or exc.context or "error")
    construct = _CONSTRUCTS.get((exc.context or "").strip()) if exc.problem else None
    if problem is None and context is None:
        return 0, 0, Msg(f"{_SYNTAX.fr} : {what.fr}", f"{_SYNTAX.en}: {what.en}")
    if problem is None or construct is None or context is None or _same(problem, context):
        mark = problem or context
        assert mark is not None
        return mark.line + 1, mark.column + 1, Msg(f"{_SYNTAX.fr} : {what.fr}", f"{_SYNTAX.en}: {what.en}")
    name, feminine, closes = construct
    opened = "ouverte" if feminine else "ouvert"
    stop_line, stop_col = problem.line + 1, problem.column + 1
    # left open: the parser ran past the end of the construct's line looking for its end
    if closes and (exc.problem or "").strip() in _NOT_CLOSED and problem.line > context.line:
        return (
            context.line + 1,
            context.column + 1,
            Msg(
                f"{_SYNTAX.fr} : {name.fr} {opened} ici n'est pas {'fermée' if feminine else 'fermé'} "
                f"— l'analyse s'est arrêtée ligne {stop_line}, colonne {stop_col} : {what.fr}",
                f"{_SYNTAX.en}: {name.en} opened here is not closed "
                f"— parsing stopped at line {stop_line}, column {stop_col}: {what.en}",
            ),
        )
    begun = "commencée" if feminine else "commencé"
    return (
        stop_line,
        stop_col,
        Msg(
            f"{_SYNTAX.fr} : {what.fr} (dans {name.fr} {begun} ligne {context.line + 1}, "
            f"colonne {context.column + 1})",
            f"{_SYNTAX.en}: {what.en} (in {name.en} begun at line {context.line + 1}, column {context.column + 1})",
        ),
    )


def _same(a: yaml.Mark, b: yaml.Mark) -> bool:
    return (a.line, a.column) == (b.line, b.column)


# --- encodings ---------------------------------------------------------------------------------

_BOMS: tuple[tuple[bytes, Msg, str], ...] = (
    (b"\x00\x00\xfe\xff", Msg("UTF-32 (gros-boutiste, avec BOM)", "UTF-32 (big-endian, with BOM)"), "UTF-32"),
    (
        b"\xff\xfe\x00\x00",
        Msg("UTF-32 (petit-boutiste, avec BOM)", "UTF-32 (little-endian, with BOM)"),
        "UTF-32",
    ),
    (b"\xfe\xff", Msg("UTF-16 (gros-boutiste, avec BOM)", "UTF-16 (big-endian, with BOM)"), "UTF-16"),
    (b"\xff\xfe", Msg("UTF-16 (petit-boutiste, avec BOM)", "UTF-16 (little-endian, with BOM)"), "UTF-16"),
)


def _convert(source: str) -> Msg:
    return Msg(
        f"enregistrez-le en UTF-8 (dans l'éditeur : « Enregistrer sous… » → UTF-8 ; ou "
        f"`iconv -f {source} -t UTF-8`)",
        f'save it as UTF-8 (in the editor: "Save as…" → UTF-8; or `iconv -f {source} -t UTF-8`)',
    )


def wide_encoding(raw: bytes) -> Msg | None:
    """The message for a file in UTF-16 or UTF-32 (with a BOM, or ASCII text without one, which is
    valid UTF-8 full of NUL bytes), else None."""
    for bom, name, source in _BOMS:
        if raw.startswith(bom):
            how = _convert(source)
            return Msg(
                f"le fichier est encodé en {name.fr}, pas en UTF-8 : {how.fr}",
                f"the file is encoded in {name.en}, not UTF-8: {how.en}",
            )
    head = raw[:400]
    if len(head) >= 4 and head.count(0) * 4 >= len(head):  # a NUL in every second or fourth byte
        width = "UTF-32" if head.count(0) * 3 >= 2 * len(head) else "UTF-16"
        how = _convert(width)
        return Msg(
            f"le fichier semble encodé en {width} (sans BOM), pas en UTF-8 : {how.fr}",
            f"the file seems encoded in {width} (without BOM), not UTF-8: {how.en}",
        )
    return None


def encoding_error(
    raw: bytes, offset: int, position: Callable[[bytes, int], tuple[int, int]]
) -> tuple[int, int, Msg]:
    """(line, column, message) for a byte at `offset` that is not UTF-8; names Latin-1 or
    Windows-1252 when the file reads as such (an « é » written as the single byte 0xe9)."""
    line, column = position(raw, offset)
    byte = raw[offset]
    message = Msg(
        f"octet 0x{byte:02x} invalide : le fichier doit être en UTF-8",
        f"invalid byte 0x{byte:02x}: the file must be UTF-8",
    )
    try:
        raw.decode("cp1252")
    except UnicodeDecodeError:
        return line, column, message
    char = raw[offset : offset + 1].decode("cp1252")
    how = _convert("WINDOWS-1252")
    return (
        line,
        column,
        Msg(
            f"octet 0x{byte:02x} invalide en UTF-8 : le fichier semble encodé en Latin-1 (ISO-8859-1) ou "
            f"Windows-1252, où cet octet est « {char} » ; {how.fr}",
            f"byte 0x{byte:02x} is not valid UTF-8: the file seems encoded in Latin-1 (ISO-8859-1) or "
            f'Windows-1252, where this byte is "{char}"; {how.en}',
        ),
    )
