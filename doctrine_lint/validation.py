"""JSON Schema validation of loaded YAML documents, reported at the document's own positions.

Used for manifests and rule packs alike. Messages are in French and English (`errors.Msg`), one
per violation, with a "did you mean" for a mistyped key or value, located by the
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
from .errors import Msg, Problem
from .jsonsubset import Check, compile_schema
from .resources import schema_path
from .suggest import did_you_mean

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


_TYPE_NAMES = {
    "string": Msg("texte", "text"),
    "integer": Msg("entier", "integer"),
    "number": Msg("nombre", "number"),
    "boolean": Msg("booléen (true/false)", "boolean (true/false)"),
    "array": Msg("liste", "list"),
    "object": Msg("dictionnaire", "mapping"),
    "null": Msg("vide", "empty"),
}
_FORMAT_NAMES = {
    "date": Msg("une date AAAA-MM-JJ", "a YYYY-MM-DD date"),
    "uri": Msg("une URL http(s)", "an http(s) URL"),
    "email": Msg("une adresse e-mail", "an e-mail address"),
}


def _describe(error: ValidationError) -> Msg:
    v, inst = error.validator, error.instance
    arg: Any = error.validator_value
    if v == "required":
        missing = error.message.split("'")[1] if "'" in error.message else error.message
        return Msg(f"clé obligatoire manquante : « {missing} »", f'required key missing: "{missing}"')
    if v == "additionalProperties":
        keys = _unknown_keys(error)
        return Msg(
            "clé inconnue : " + ", ".join(f"« {k} »" for k in keys),
            "unknown key: " + ", ".join(f'"{k}"' for k in keys),
        )
    if v == "enum":
        if _is_number(inst) and any(isinstance(a, str) for a in arg):
            return _number_for_text(inst, [a for a in arg if isinstance(a, str)])
        allowed = ", ".join(str(a) for a in arg)
        hint = did_you_mean(inst, [a for a in arg if isinstance(a, str)])
        return Msg(
            f"valeur « {inst} » non reconnue{hint.fr} (valeurs permises : {allowed})",
            f'value "{inst}" not recognised{hint.en} (allowed values: {allowed})',
        )
    if v == "const":
        return Msg(
            f"valeur « {_short(inst)} » interdite ici, attendu : « {_short(arg)} »",
            f'value "{_short(inst)}" not allowed here, expected: "{_short(arg)}"',
        )
    if v == "type":
        wanted = [str(w) for w in (arg if isinstance(arg, list) else [arg])]
        if wanted == ["string"] and _is_number(inst):
            return _number_for_text(inst, [])
        names = [_TYPE_NAMES.get(w, Msg.same(w)) for w in wanted]
        return Msg(
            f"type attendu : {' ou '.join(n.fr for n in names)} (reçu : {_short(inst)})",
            f"expected type: {' or '.join(n.en for n in names)} (got: {_short(inst)})",
        )
    if v == "format":
        name = _FORMAT_NAMES.get(arg, Msg.same(str(arg)))
        return Msg(f"« {_short(inst)} » n'est pas {name.fr}", f'"{_short(inst)}" is not {name.en}')
    if v == "pattern":
        return Msg(
            f"« {_short(inst)} » ne respecte pas le motif {arg}",
            f'"{_short(inst)}" does not match the pattern {arg}',
        )
    if v in ("minimum", "exclusiveMinimum"):
        return Msg(f"{inst} est inférieur au minimum {arg}", f"{inst} is below the minimum {arg}")
    if v in ("maximum", "exclusiveMaximum"):
        return Msg(f"{inst} est supérieur au maximum {arg}", f"{inst} is above the maximum {arg}")
    if v == "minItems":
        return Msg(f"au moins {arg} élément(s) attendu(s)", f"at least {arg} item(s) expected")
    if v == "minLength":
        if isinstance(inst, str) and inst and isinstance(arg, int) and arg > 1:
            return Msg(
                f"texte trop court (au moins {arg} caractères)", f"text too short (at least {arg} characters)"
            )
        return Msg("texte vide", "empty text")
    if v == "maxLength":
        return Msg(f"texte trop long (maximum {arg} caractères)", f"text too long (at most {arg} characters)")
    if v == "uniqueItems":
        return Msg("éléments en double dans la liste", "duplicate items in the list")
    if v == "minProperties":
        return Msg("dictionnaire vide", "empty mapping")
    if v == "contains":
        return Msg("la liste ne contient pas l'élément requis", "the list does not contain the required item")
    if v == "not":
        return Msg(f"valeur « {_short(inst)} » interdite ici", f'value "{_short(inst)}" not allowed here')
    if v in ("oneOf", "anyOf"):
        if "is valid under each of" in error.message:
            return Msg(
                "la valeur correspond à plusieurs des formes permises, une seule est attendue",
                "the value matches several of the allowed forms, only one is expected",
            )
        return Msg(
            "la valeur ne correspond à aucune des formes permises (voir le schéma)",
            "the value matches none of the allowed forms (see the schema)",
        )
    if v == "propertyNames":
        return Msg(f"nom de clé invalide : {error.message}", f"invalid key name: {error.message}")
    return Msg.same(error.message)  # jsonschema's own (English) wording: a keyword the schemas do not use


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _number_for_text(value: object, allowed: list[str]) -> Msg:
    """A number where a text is expected (`version: 3.10`, `min_version: 1.2`): YAML read it as
    a number, and may have dropped its trailing zeros; say so, and how to write it."""
    try:
        shown = repr(value)
    except ValueError:  # an integer too long to print (sys.get_int_max_str_digits)
        shown = "…"
    # the permitted value the writer most likely meant: the one with this numeric value
    meant = next((a for a in allowed if _numeric(a) == value), None) if allowed else None
    if meant is not None:
        fix = Msg.same(f'"{meant}"')
    elif shown == "…":
        fix = Msg("la valeur telle qu'écrite", "the value as written")
    elif isinstance(value, float) and "." in shown and "e" not in shown:
        # YAML drops trailing zeros: 3.10 is read 3.1, and only the writer knows which was meant
        fix = Msg(
            f'"{shown}" (ou "{shown}0" : YAML lit 3.10 comme 3.1, recopiez la valeur voulue)',
            f'"{shown}" (or "{shown}0": YAML reads 3.10 as 3.1, copy the value you meant)',
        )
    else:
        fix = Msg.same(f'"{shown}"')
    listed = ", ".join(allowed)
    return Msg(
        f"texte attendu, reçu le nombre {shown}{f' (valeurs permises : {listed})' if allowed else ''} : "
        f"sans guillemets, YAML lit cette valeur comme un nombre ; écrivez-la entre guillemets, par ex. {fix.fr}",
        f"text expected, got the number {shown}{f' (allowed values: {listed})' if allowed else ''}: "
        f"without quotes, YAML reads this value as a number; write it in quotes, e.g. {fix.en}",
    )


def _numeric(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def _short(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else value
    return text if len(text) <= 60 else text[:57] + "…"


def _where(path: PathKey, message: Msg) -> Msg:
    """The message after the path it is about (« (racine) » / "(root)" for the whole document)."""
    if path:
        return message.after(format_path(path))
    return Msg(f"(racine) : {message.fr}", f"(root): {message.en}")


def _known_keys(error: ValidationError) -> list[str]:
    """The keys the schema names where an unknown key was found (what it may have meant)."""
    props = error.schema.get("properties", {}) if isinstance(error.schema, dict) else {}
    return [str(k) for k in props]


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


def _any_huge_integer(data: Any) -> bool:
    """Whether `_huge_integers` would find one: the same walk without building paths (almost
    every manifest has none)."""
    stack = [data]
    limit = sys.float_info.max
    pop, extend = stack.pop, stack.extend
    while stack:
        value = pop()
        if isinstance(value, dict):
            extend(value.values())
        elif isinstance(value, list):
            extend(value)
        elif isinstance(value, int) and not isinstance(value, bool) and (value > limit or value < -limit):
            return True
    return False


def _number_problems(doc: Document) -> list[Problem]:
    if not _any_huge_integer(doc.data):
        return []
    problems = []
    for where, value in _huge_integers(doc.data):
        digits = int(value.bit_length() * 0.30103) + 1  # never str(value): it may be unprintable
        message = Msg(
            f"entier trop grand (environ {digits} chiffres) : un nombre doit rester entre -1,8e308 et 1,8e308",
            f"integer too large (about {digits} digits): a number must stay between -1.8e308 and 1.8e308",
        )
        problems.append(doc.problem(where, _where(where, message)))
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
                known = _known_keys(error)
                message = Msg("clé inconnue", "unknown key").then(did_you_mean(key, known), "")
                problems.append(Problem.at(doc.file, line, column, message.after(format_path((*path, key)))))
            continue
        line, column, _ = doc.locate(path)
        if error.validator == "required" and path:
            line, column = doc.key_position(path)
        problems.append(Problem.at(doc.file, line, column, _where(path, _describe(error))))
    problems.sort(key=lambda p: (p.line, p.column, p.message))
    return problems
