"""JSON Schema validation of loaded YAML documents, reported at the document's own positions.

Used for manifests and rule packs alike. Messages are French, one per violation, located by the
error's path through the document's position index (closest declared ancestor when the
offending key is missing).
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterator
from functools import lru_cache
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from .dates import parse_day
from .document import Document, PathKey, format_path
from .errors import Problem
from .jsonsubset import Check, compile_schema
from .resources import schema_path

if TYPE_CHECKING:  # jsonschema is imported only to explain invalid input (start-up time)
    import jsonschema
    from jsonschema.exceptions import ValidationError

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _is_date(value: object) -> bool:
    # the schemas' "date" format is the bare day, as on the command line: no time part
    return not isinstance(value, str) or parse_day(value) is not None


def _is_uri(value: object) -> bool:
    if not isinstance(value, str):
        return True
    try:
        parts = urlsplit(value)
    except ValueError:  # e.g. "https://[x": an unclosed IPv6 bracket is simply not a URL
        return False
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def _is_email(value: object) -> bool:
    return not isinstance(value, str) or bool(_EMAIL.match(value))


FORMATS = {"date": _is_date, "uri": _is_uri, "email": _is_email}


class FormatChecks:
    """The formats the schemas use, without importing jsonschema (same `conforms` contract)."""

    def conforms(self, instance: object, format: str) -> bool:
        check = FORMATS.get(format)
        return True if check is None else check(instance)


FORMAT_CHECKS = FormatChecks()


@lru_cache(maxsize=1)
def jsonschema_format_checker() -> jsonschema.FormatChecker:
    import jsonschema

    checker = jsonschema.FormatChecker(formats=())
    for name, check in FORMATS.items():
        checker.checks(name)(check)
    return checker


@lru_cache(maxsize=8)
def load_schema(name: str) -> dict[str, Any]:
    """Load one of the JSON Schemas shipped with the tool (manifest, rulepack, report…)."""
    with schema_path(name).open(encoding="utf-8") as fh:
        data: dict[str, Any] = json.load(fh)
    return data


@lru_cache(maxsize=8)
def runtime_schema(name: str) -> dict[str, Any]:
    schema = load_schema(name)
    if name == "rulepack":
        # The shipped schema describes conditions fully, for editors. At load time the
        # condition compiler is the authority: it names the unknown operator or the bad
        # regex instead of jsonschema's "not valid under any of the given schemas".
        schema = {**schema, "$defs": {**schema["$defs"], "condition": {"type": "object"}}}
    return schema


@lru_cache(maxsize=8)
def validator_for(name: str) -> jsonschema.Draft202012Validator:
    import jsonschema

    return jsonschema.Draft202012Validator(runtime_schema(name), format_checker=jsonschema_format_checker())


@lru_cache(maxsize=8)
def _fast_check(name: str) -> Check:
    return compile_schema(runtime_schema(name), FORMAT_CHECKS)


def is_valid(data: Any, schema_name: str) -> bool:
    """Whether `data` satisfies a shipped schema (the fast path only; no error details)."""
    return bool(_fast_check(schema_name)(data))


def _describe(error: ValidationError) -> str:
    v, inst = error.validator, error.instance
    arg: Any = error.validator_value
    if v == "required":
        missing = error.message.split("'")[1] if "'" in error.message else error.message
        return f"clé obligatoire manquante : « {missing} »"
    if v == "additionalProperties":
        return "clé inconnue : " + ", ".join(f"« {k} »" for k in _unknown_keys(error))
    if v == "enum":
        if _is_number(inst) and any(isinstance(a, str) for a in arg):
            return _number_for_text(inst, [a for a in arg if isinstance(a, str)])
        allowed = ", ".join(str(a) for a in arg)
        return f"valeur « {inst} » non reconnue (valeurs permises : {allowed})"
    if v == "const":
        return f"valeur « {_short(inst)} » interdite ici, attendu : « {_short(arg)} »"
    if v == "type":
        names = {
            "string": "texte",
            "integer": "entier",
            "number": "nombre",
            "boolean": "booléen (true/false)",
            "array": "liste",
            "object": "dictionnaire",
            "null": "vide",
        }
        wanted = [str(w) for w in (arg if isinstance(arg, list) else [arg])]
        if wanted == ["string"] and _is_number(inst):
            return _number_for_text(inst, [])
        return f"type attendu : {' ou '.join(names.get(w, w) for w in wanted)} (reçu : {_short(inst)})"
    if v == "format":
        names = {"date": "une date AAAA-MM-JJ", "uri": "une URL http(s)", "email": "une adresse e-mail"}
        return f"« {_short(inst)} » n'est pas {names.get(arg, arg)}"
    if v == "pattern":
        return f"« {_short(inst)} » ne respecte pas le motif {arg}"
    if v in ("minimum", "exclusiveMinimum"):
        return f"{inst} est inférieur au minimum {arg}"
    if v in ("maximum", "exclusiveMaximum"):
        return f"{inst} est supérieur au maximum {arg}"
    if v == "minItems":
        return f"au moins {arg} élément(s) attendu(s)"
    if v == "minLength":
        return "texte vide"
    if v == "maxLength":
        return f"texte trop long (maximum {arg} caractères)"
    if v == "uniqueItems":
        return "éléments en double dans la liste"
    if v == "minProperties":
        return "dictionnaire vide"
    if v == "contains":
        return "la liste ne contient pas l'élément requis"
    if v == "not":
        return f"valeur « {_short(inst)} » interdite ici"
    if v in ("oneOf", "anyOf"):
        if "is valid under each of" in error.message:
            return "la valeur correspond à plusieurs des formes permises, une seule est attendue"
        return "la valeur ne correspond à aucune des formes permises (voir le schéma)"
    if v == "propertyNames":
        return f"nom de clé invalide : {error.message}"
    return error.message


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _number_for_text(value: object, allowed: list[str]) -> str:
    """A number where a text is expected (`version: 3.10`, `min_version: 1.2`): YAML read it as
    a number, and may have dropped its trailing zeros; say so, and how to write it."""
    try:
        shown = repr(value)
    except ValueError:  # an integer too long to print (sys.get_int_max_str_digits)
        shown = "…"
    # the permitted value the writer most likely meant: the one with this numeric value
    meant = next((a for a in allowed if _numeric(a) == value), None) if allowed else None
    if meant is not None:
        fix = f'"{meant}"'
    elif shown == "…":
        fix = "la valeur telle qu'écrite"
    elif isinstance(value, float) and "." in shown and "e" not in shown:
        # YAML drops trailing zeros: 3.10 is read 3.1, and only the writer knows which was meant
        fix = f'"{shown}" (ou "{shown}0" : YAML lit 3.10 comme 3.1, recopiez la valeur voulue)'
    else:
        fix = f'"{shown}"'
    permitted = f" (valeurs permises : {', '.join(allowed)})" if allowed else ""
    return (
        f"texte attendu, reçu le nombre {shown}{permitted} : sans guillemets, YAML lit cette valeur "
        f"comme un nombre ; écrivez-la entre guillemets, par ex. {fix}"
    )


def _numeric(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def _short(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else value
    return text if len(text) <= 60 else text[:57] + "…"


def _unknown_keys(error: ValidationError) -> list[str]:
    props = error.schema.get("properties", {}) if isinstance(error.schema, dict) else {}
    patterns = error.schema.get("patternProperties", {}) if isinstance(error.schema, dict) else {}
    instance = error.instance if isinstance(error.instance, dict) else {}
    return sorted(
        str(k) for k in instance if k not in props and not any(re.search(p, str(k)) for p in patterns)
    )


def _huge_integers(data: Any) -> Iterator[tuple[PathKey, int]]:
    """(path, value) of every integer that no float can hold.

    YAML reads `0xfff…` or `1_000…_000` as exact integers of any size. Past ±1.8e308 they cannot
    be compared with a float (OverflowError) and past 4,300 digits Python refuses to print them
    (ValueError), so they are refused here, before anything compares or shows them, as
    non-finite floats are refused when the YAML is read. (Keys are text: the loader refuses
    integer keys.)"""
    stack: list[tuple[PathKey, Any]] = [((), data)]
    while stack:
        where, value = stack.pop()
        if isinstance(value, dict):
            stack.extend(((*where, key), item) for key, item in value.items())
        elif isinstance(value, list):
            stack.extend(((*where, i), item) for i, item in enumerate(value))
        elif isinstance(value, int) and not isinstance(value, bool) and abs(value) > sys.float_info.max:
            yield where, value


def _number_problems(doc: Document) -> list[Problem]:
    problems = []
    for where, value in _huge_integers(doc.data):
        digits = int(value.bit_length() * 0.30103) + 1  # never str(value): it may be unprintable
        message = (
            f"{format_path(where) or '(racine)'} : entier trop grand (environ {digits} chiffres) : "
            "un nombre doit rester entre -1,8e308 et 1,8e308"
        )
        problems.append(doc.problem(where, message))
    return problems


def validate_document(doc: Document, schema_name: str) -> list[Problem]:
    """Validate `doc.data` against a shipped schema; return problems sorted by position."""
    huge = _number_problems(doc)
    if huge:  # jsonschema would fail to print them in its own messages
        return sorted(huge, key=lambda p: (p.line, p.column, p.message))
    if _fast_check(schema_name)(doc.data):
        return []  # valid: jsonschema's detailed walk is only needed to explain errors
    from jsonschema.exceptions import best_match

    validator = validator_for(schema_name)
    problems: list[Problem] = []
    for top in validator.iter_errors(doc.data):
        error = best_match([top]) if top.context else top
        path = tuple(error.absolute_path)
        if error.validator == "additionalProperties" and isinstance(error.instance, dict):
            for key in _unknown_keys(error):
                line, column = doc.key_position((*path, key))
                problems.append(
                    Problem(doc.file, line, column, f"{format_path((*path, key))} : clé inconnue")
                )
            continue
        line, column, _ = doc.locate(path)
        if error.validator == "required" and path:
            line, column = doc.key_position(path)
        where = format_path(path) or "(racine)"
        problems.append(Problem(doc.file, line, column, f"{where} : {_describe(error)}"))
    problems.sort(key=lambda p: (p.line, p.column, p.message))
    return problems
