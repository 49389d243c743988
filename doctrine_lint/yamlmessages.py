"""What people are told when a YAML file cannot be read: in French, where to look, how to fix.

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

# The construct a parser was in ("while parsing a flow sequence"): its name, whether the noun
# is feminine (« ouverte »), and whether it has a closing delimiter one can forget.
_CONSTRUCTS: dict[str, tuple[str, bool, bool]] = {
    "while parsing a flow sequence": ("la liste entre crochets « [ »", True, True),
    "while parsing a flow mapping": ("le dictionnaire entre accolades « { »", False, True),
    "while scanning a quoted scalar": ("le texte entre guillemets", False, True),
    "while parsing a quoted scalar": ("le texte entre guillemets", False, True),
    "while scanning a simple key": ("la clé", True, False),
    "while parsing a block mapping": ("le dictionnaire", False, False),
    "while parsing a block collection": ("la liste", True, False),
    "while parsing a block sequence": ("la liste", True, False),
    "while parsing a block node": ("la valeur", True, False),
    "while parsing a flow node": ("la valeur", True, False),
    "while parsing a node": ("la valeur", True, False),
    "while scanning a block scalar": ("le bloc de texte (« | » ou « > »)", False, False),
    "while scanning a plain scalar": ("la valeur", True, False),
    "while scanning an alias": ("l'alias (« * »)", False, False),
    "while scanning an anchor": ("l'ancre (« & »)", True, False),
    "while scanning a tag": ("l'étiquette (« ! »)", True, False),
    "while parsing a tag": ("l'étiquette (« ! »)", True, False),
    "while scanning a directive": ("la directive (« % »)", True, False),
    "while composing a mapping": ("le dictionnaire", False, False),
    "expected a single document in the stream": ("le document", False, False),
    "found duplicate anchor": ("la première ancre de ce nom", True, False),
}

_QUOTE_FLOW = " (entre crochets ou accolades, une valeur qui contient « [ », « { », « , » ou « : » s'écrit entre guillemets)"

# What went wrong, libyaml's wording first (the C loader is the one normally used), then the
# pure-Python loader's.
_PROBLEMS: dict[str, str] = {
    "did not find expected ',' or ']'": "« , » ou « ] » attendu" + _QUOTE_FLOW,
    "did not find expected ',' or '}'": "« , » ou « } » attendu" + _QUOTE_FLOW,
    "found unexpected end of stream": "fin du fichier atteinte sans la refermer",
    "could not find expected ':'": "« : » attendu après la clé",
    "mapping values are not allowed in this context": (
        "« : » inattendu : une valeur qui contient « : » s'écrit entre guillemets"
    ),
    "mapping values are not allowed here": (
        "« : » inattendu : une valeur qui contient « : » s'écrit entre guillemets"
    ),
    "did not find expected key": "clé attendue (indentation incohérente ?)",
    "did not find expected '-' indicator": "« - » attendu (élément de liste mal indenté ?)",
    "found character that cannot start any token": (
        "caractère qui ne peut pas commencer une valeur (« @ », « ` », tabulation…) : "
        "mettez la valeur entre guillemets"
    ),
    "found a tab character that violates indentation": (
        "tabulation dans l'indentation : YAML n'indente qu'avec des espaces"
    ),
    "found a tab character where an indentation space is expected": (
        "tabulation dans l'indentation : YAML n'indente qu'avec des espaces"
    ),
    "block sequence entries are not allowed in this context": (
        "élément de liste « - » interdit ici (indentation ?)"
    ),
    "found unknown escape character": (
        "séquence d'échappement inconnue entre guillemets doubles : écrivez « \\\\ » pour une barre "
        "oblique inverse, ou utilisez des guillemets simples"
    ),
    "found invalid Unicode character escape code": "code de caractère invalide dans une séquence « \\u »",
    "did not find expected hexdecimal number": "chiffre hexadécimal attendu dans une séquence « \\x » ou « \\u »",
    "did not find expected node content": "valeur attendue",
    "did not find expected <document start>": (
        "texte après la fin du document : un seul document YAML par fichier (indentation ?)"
    ),
    "but found another document": "un seul document YAML est attendu par fichier",
    "found undefined alias": "alias sans ancre correspondante",
    "found undefined tag handle": "préfixe d'étiquette inconnu",
    "found unexpected document indicator": "« --- » ou « ... » inattendu dans une valeur",
    "found unexpected ':'": "« : » inattendu",
    "did not find expected comment or line break": "commentaire ou fin de ligne attendu",
    "did not find expected alphabetic or numeric character": "lettre ou chiffre attendu (nom d'ancre ou d'alias)",
    "did not find expected whitespace or line break": "espace ou fin de ligne attendu",
    "found an indentation indicator equal to 0": "indicateur d'indentation 0 interdit",
    "control characters are not allowed": "caractère de contrôle interdit",
    "second occurrence": "ancre déjà définie plus haut",
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
    "<block end>": "la fin du bloc (indentation)",
    "<document start>": "un début de document",
    "<block mapping start>": "un dictionnaire",
    "<block sequence start>": "une liste",
    "<scalar>": "une valeur",
    "'-'": "« - »",
    "':'": "« : »",
    "','": "« , »",
    "']'": "« ] »",
    "'}'": "« } »",
    "'?'": "« ? »",
}


def _translate(problem: str) -> str:
    known = _PROBLEMS.get(problem.strip())
    if known is not None:
        return known
    found = _FOUND.match(problem.strip())
    if found:
        expected, got = found.groups()
        return f"{_TOKENS.get(expected, expected)} attendu(e), trouvé {_TOKENS.get(got, got)}"
    if "that cannot start any token" in problem:  # pure Python quotes the character
        return _PROBLEMS["found character that cannot start any token"]
    return f"« {problem} » (message de l'analyseur YAML)"


def syntax_error(exc: yaml.MarkedYAMLError) -> tuple[int, int, str]:
    """(line, column, message) of a YAML syntax error, 1-based, in French.

    Located at the construct left open when it has a closing delimiter (`[`, `{`, a quote) and
    the parser went past its line looking for it — the place to fix — with where the parser
    stopped in the message; otherwise where the parser stopped, with where the construct it was
    in began."""
    problem, context = exc.problem_mark, exc.context_mark
    what = _translate(exc.problem or exc.context or "erreur")
    construct = _CONSTRUCTS.get((exc.context or "").strip()) if exc.problem else None
    if problem is None and context is None:
        return 0, 0, f"erreur de syntaxe YAML : {what}"
    if problem is None or construct is None or context is None or _same(problem, context):
        mark = problem or context
        assert mark is not None
        return mark.line + 1, mark.column + 1, f"erreur de syntaxe YAML : {what}"
    name, feminine, closes = construct
    opened = "ouverte" if feminine else "ouvert"
    # left open: the parser ran past the end of the construct's line looking for its end
    if closes and (exc.problem or "").strip() in _NOT_CLOSED and problem.line > context.line:
        return (
            context.line + 1,
            context.column + 1,
            f"erreur de syntaxe YAML : {name} {opened} ici n'est pas {'fermée' if feminine else 'fermé'} "
            f"— l'analyse s'est arrêtée ligne {problem.line + 1}, colonne {problem.column + 1} : {what}",
        )
    begun = "commencée" if feminine else "commencé"
    return (
        problem.line + 1,
        problem.column + 1,
        f"erreur de syntaxe YAML : {what} (dans {name} {begun} ligne {context.line + 1}, "
        f"colonne {context.column + 1})",
    )


def _same(a: yaml.Mark, b: yaml.Mark) -> bool:
    return (a.line, a.column) == (b.line, b.column)


# --- encodings ---------------------------------------------------------------------------------

_BOMS: tuple[tuple[bytes, str, str], ...] = (
    (b"\x00\x00\xfe\xff", "UTF-32 (gros-boutiste, avec BOM)", "UTF-32"),
    (b"\xff\xfe\x00\x00", "UTF-32 (petit-boutiste, avec BOM)", "UTF-32"),
    (b"\xfe\xff", "UTF-16 (gros-boutiste, avec BOM)", "UTF-16"),
    (b"\xff\xfe", "UTF-16 (petit-boutiste, avec BOM)", "UTF-16"),
)


def _convert(source: str) -> str:
    return (
        f"enregistrez-le en UTF-8 (dans l'éditeur : « Enregistrer sous… » → UTF-8 ; ou "
        f"`iconv -f {source} -t UTF-8`)"
    )


def wide_encoding(raw: bytes) -> str | None:
    """The message for a file in UTF-16 or UTF-32 (with a BOM, or ASCII text without one, which is
    valid UTF-8 full of NUL bytes), else None."""
    for bom, name, source in _BOMS:
        if raw.startswith(bom):
            return f"le fichier est encodé en {name}, pas en UTF-8 : {_convert(source)}"
    head = raw[:400]
    if len(head) >= 4 and head.count(0) * 4 >= len(head):  # a NUL in every second or fourth byte
        width = "UTF-32" if head.count(0) * 3 >= 2 * len(head) else "UTF-16"
        return f"le fichier semble encodé en {width} (sans BOM), pas en UTF-8 : {_convert(width)}"
    return None


def encoding_error(
    raw: bytes, offset: int, position: Callable[[bytes, int], tuple[int, int]]
) -> tuple[int, int, str]:
    """(line, column, message) for a byte at `offset` that is not UTF-8; names Latin-1 or
    Windows-1252 when the file reads as such (an « é » written as the single byte 0xe9)."""
    line, column = position(raw, offset)
    byte = raw[offset]
    message = f"octet 0x{byte:02x} invalide : le fichier doit être en UTF-8"
    try:
        raw.decode("cp1252")
    except UnicodeDecodeError:
        return line, column, message
    char = raw[offset : offset + 1].decode("cp1252")
    return (
        line,
        column,
        f"octet 0x{byte:02x} invalide en UTF-8 : le fichier semble encodé en Latin-1 (ISO-8859-1) ou "
        f"Windows-1252, où cet octet est « {char} » ; {_convert('WINDOWS-1252')}",
    )
