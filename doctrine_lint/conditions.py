"""Declarative conditions: compile a pack's condition tree once, evaluate it many times.

A condition is a combination (`all`, `any`, `not`, `if`/`then`/`else`), a reference to a named
condition of the pack (`use`), or a test on a path with one operator of the registry
(`operators.py`). Evaluation is three-valued (`logic.py`): TRUE, FALSE or UNKNOWN when a fact the
condition needs is not declared.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from .document import PathKey
from .errors import Msg
from .logic import FALSE, TRUE, UNKNOWN, ConditionError, Context, Evaluator, Predicate, Verdict
from .operators import MAX_MATCHED, MAX_REGEX, REGISTRY, Call
from .paths import PathSyntaxError, parse_path
from .saferegex import regex_risk
from .suggest import did_you_mean

__all__ = [
    "FALSE",
    "MAX_MATCHED",
    "MAX_REGEX",
    "OPERATORS",
    "TRUE",
    "UNKNOWN",
    "Compiler",
    "ConditionError",
    "Context",
    "Evaluator",
    "Predicate",
    "Verdict",
    "compile_condition",
    "regex_risk",
]

OPERATORS: tuple[str, ...] = tuple(REGISTRY)
COMBINATIONS = ("all", "any", "not", "if", "use")
MAX_NAMED_DEPTH = 50  # named conditions referring to named conditions: far beyond any real pack


class Compiler:
    """Compiles conditions for one pack: knows its named conditions (and those it inherits),
    compiles each once on first use, and refuses cycles between them.

    `trusted` skips the costly meta-validation of embedded JSON Schemas, for a pack that this
    version of the tool already compiled cleanly (served from the pack cache)."""

    def __init__(
        self,
        named: Mapping[str, Any] | None = None,
        inherited: Mapping[str, Evaluator] | None = None,
        *,
        trusted: bool = False,
    ) -> None:
        self.trusted = trusted
        self._raw = dict(named or {})
        self._compiled: dict[str, Evaluator] = dict(inherited or {})
        self._compiling: list[str] = []

    @property
    def names(self) -> list[str]:
        return sorted({*self._raw, *self._compiled})

    def named(self, name: str) -> Evaluator:
        """The compiled named condition `name` (compiling it, and what it uses, if needed)."""
        found = self._compiled.get(name)
        if found is not None and name not in self._raw:
            return found
        if name in self._compiling:
            cycle = " -> ".join([*self._compiling[self._compiling.index(name) :], name])
            raise ConditionError(
                Msg(f"conditions nommées circulaires : {cycle}", f"circular named conditions: {cycle}"), ()
            )
        if found is not None:
            return found
        if len(self._compiling) >= MAX_NAMED_DEPTH:
            raise ConditionError(
                Msg("conditions nommées imbriquées trop profondément", "named conditions nested too deeply"),
                (),
            )
        self._compiling.append(name)
        try:
            compiled = self.compile(self._raw[name], ())
        except ConditionError as exc:
            raise NamedConditionError(name, exc) from None
        finally:
            self._compiling.pop()
        self._compiled[name] = compiled
        return compiled

    def compile_all(self) -> dict[str, Evaluator]:
        """Compile every named condition (so an unused one is checked too)."""
        for name in self._raw:
            self.named(name)
        return dict(self._compiled)

    def compile(self, spec: Any, where: tuple[str | int, ...] = ()) -> Evaluator:
        """Compile a condition mapping into an evaluator; raise ConditionError when malformed."""
        if not isinstance(spec, dict):
            raise ConditionError(
                Msg("une condition doit être un dictionnaire", "a condition must be a mapping"), where
            )
        kinds = [k for k in (*COMBINATIONS, "path") if k in spec]
        if len(kinds) > 1 and set(kinds) != {"if"}:
            raise ConditionError(
                Msg(
                    f"une condition est soit une combinaison (all, any, not, if, use), soit un test (path) : "
                    f"trouvé {', '.join(kinds)} ensemble — imbriquez-les dans « all »",
                    f"a condition is either a combination (all, any, not, if, use) or a test (path): "
                    f'found {", ".join(kinds)} together — nest them in "all"',
                ),
                where,
            )
        kind = kinds[0] if kinds else None
        if kind == "if":
            return self._implication(spec, where)
        if kind is not None and kind != "path" and len(spec) > 1:
            extra = sorted(k for k in spec if k != kind)[0]
            raise ConditionError(_unexpected(extra, kind), (*where, extra))
        if kind in ("all", "any"):
            children = spec[kind]
            if not isinstance(children, list) or not children:
                raise ConditionError(
                    Msg(
                        f"« {kind} » attend une liste non vide de conditions",
                        f'"{kind}" expects a non-empty list of conditions',
                    ),
                    where,
                )
            compiled = [self.compile(c, (*where, kind, i)) for i, c in enumerate(children)]
            return _combine(compiled, FALSE if kind == "all" else TRUE)
        if kind == "not":
            return _not(self.compile(spec["not"], (*where, "not")))
        if kind == "use":
            name = spec["use"]
            if not isinstance(name, str) or (name not in self._raw and name not in self._compiled):
                known = ", ".join(self.names)
                raise ConditionError(
                    Msg(
                        f"condition nommée inconnue « {name} » (connues : {known or 'aucune'})",
                        f'unknown named condition "{name}" (known: {known or "none"})',
                    ).then(did_you_mean(name, self.names), ""),
                    (*where, "use"),
                )
            try:
                return self.named(name)
            except NamedConditionError:
                raise
            except ConditionError as exc:
                raise ConditionError(exc.msg, (*where, "use")) from None
        if kind is None:
            raise ConditionError(
                Msg(
                    "condition sans « path » ni « all », « any », « not », « if », « use »",
                    'condition without "path" nor "all", "any", "not", "if", "use"',
                ),
                where,
            )
        return self._test(spec, where)

    def _implication(self, spec: dict[str, Any], where: tuple[str | int, ...]) -> Evaluator:
        extra = sorted(set(spec) - {"if", "then", "else"})
        if extra:
            raise ConditionError(_unexpected(extra[0], "if"), (*where, extra[0]))
        if "then" not in spec:
            raise ConditionError(
                Msg(
                    "« if » attend « then » (et « else » facultatif)",
                    '"if" expects "then" (and an optional "else")',
                ),
                where,
            )
        cond = self.compile(spec["if"], (*where, "if"))
        then = self.compile(spec["then"], (*where, "then"))
        otherwise = self.compile(spec["else"], (*where, "else")) if "else" in spec else None
        return _implies(cond, then, otherwise)

    def _test(self, spec: dict[str, Any], where: tuple[str | int, ...]) -> Evaluator:
        try:
            path = parse_path(spec["path"]) if isinstance(spec["path"], str) else None
        except PathSyntaxError as exc:
            raise ConditionError(exc.msg, (*where, "path")) from None
        if path is None:
            raise ConditionError(
                Msg("« path » doit être une chaîne", '"path" must be a string'), (*where, "path")
            )
        quantifier = spec.get("quantifier", "all")
        if quantifier not in ("all", "any", "none"):
            raise ConditionError(
                Msg(f"quantificateur inconnu « {quantifier} »", f'unknown quantifier "{quantifier}"').then(
                    did_you_mean(quantifier, ("all", "any", "none")), ""
                ),
                (*where, "quantifier"),
            )
        if "quantifier" in spec and not path.has_wildcard:
            raise ConditionError(
                Msg(
                    "« quantifier » ne s'applique qu'à un chemin avec [*]",
                    '"quantifier" only applies to a path with [*]',
                ),
                (*where, "quantifier"),
            )
        unknown_keys = set(spec) - {"path", "quantifier", *REGISTRY}
        if unknown_keys:
            name = sorted(unknown_keys)[0]
            raise ConditionError(
                Msg(
                    f"opérateur inconnu « {name} »",
                    f'unknown operator "{name}"',
                ).then(
                    did_you_mean(
                        name,
                        REGISTRY,
                        otherwise=Msg(
                            f" (connus : {', '.join(REGISTRY)})", f" (known: {', '.join(REGISTRY)})"
                        ),
                    ),
                    "",
                ),
                (*where, name),
            )
        found = [k for k in REGISTRY if k in spec]
        ops = [
            k
            for k in found
            if not (REGISTRY[k].partner in found and found.index(REGISTRY[k].partner or "") < found.index(k))
        ]
        if len(ops) != 1:
            raise ConditionError(
                Msg(
                    f"une condition sur un chemin doit avoir exactement un opérateur (trouvé : {', '.join(found) or 'aucun'})",
                    f"a condition on a path must have exactly one operator (found: {', '.join(found) or 'none'})",
                ),
                where,
            )
        operator = REGISTRY[ops[0]]
        if "quantifier" in spec and not operator.quantified:
            raise ConditionError(
                Msg(
                    f"« quantifier » ne s'applique pas à « {operator.name} »",
                    f'"quantifier" does not apply to "{operator.name}"',
                ),
                (*where, "quantifier"),
            )
        return operator.build(Call(path, spec, where, quantifier, self))


def _unexpected(key: str, beside: str) -> Msg:
    return Msg(
        f"clé « {key} » inattendue à côté de « {beside} »", f'unexpected key "{key}" beside "{beside}"'
    )


class NamedConditionError(ConditionError):
    """An error inside a named condition: reported at the named condition, not at its use."""

    def __init__(self, name: str, inner: ConditionError) -> None:
        super().__init__(
            Msg(f"condition nommée « {name} » : {inner.msg.fr}", f'named condition "{name}": {inner.msg.en}'),
            inner.where,
        )
        self.name = name
        self.inner = inner


def compile_condition(
    spec: Any,
    where: tuple[str | int, ...] = (),
    *,
    trusted: bool = False,
    compiler: Compiler | None = None,
) -> Evaluator:
    """Compile one condition (with the named conditions of `compiler`, if given)."""
    return (compiler or Compiler(trusted=trusted)).compile(spec, where)


def _combine(children: Sequence[Evaluator], decisive: int) -> Evaluator:
    """`all` (decisive FALSE) and `any` (decisive TRUE) in Kleene's three-valued logic:
    the first decisive child wins; otherwise any unknown child makes the result unknown."""

    def run(data: Any, ctx: Context) -> Verdict:
        unknown: Verdict | None = None
        missing: list[tuple[PathKey, str]] = []
        first: Verdict | None = None
        for child in children:
            v = child(data, ctx)
            if v.state == decisive:
                return v
            if v.state == UNKNOWN:
                unknown = unknown or v
                missing.extend(v.missing)
            elif first is None:
                first = v
        if unknown is not None:
            return Verdict(UNKNOWN, unknown.path, None, missing)
        assert first is not None
        return first

    return run


def _not(child: Evaluator) -> Evaluator:
    def run(data: Any, ctx: Context) -> Verdict:
        v = child(data, ctx)
        if v.state == UNKNOWN:
            return v
        return Verdict(TRUE if v.state == FALSE else FALSE, v.path, v.value, v.missing, v.other, v.elements)

    return run


def _implies(cond: Evaluator, then: Evaluator, otherwise: Evaluator | None) -> Evaluator:
    """`if A then B [else C]`: B when A holds, C (or true) when it does not. When A is unknown
    the answer is still known if both branches agree; otherwise it is unknown."""

    def run(data: Any, ctx: Context) -> Verdict:
        a = cond(data, ctx)
        if a.state == TRUE:
            return then(data, ctx)
        if a.state == FALSE:
            return otherwise(data, ctx) if otherwise is not None else Verdict(TRUE, a.path, a.value)
        b = then(data, ctx)
        c = otherwise(data, ctx) if otherwise is not None else Verdict(TRUE, a.path)
        if b.state == c.state and b.state != UNKNOWN:
            return b if b.state == FALSE else c
        missing = list(a.missing) + [m for v in (b, c) if v.state == UNKNOWN for m in v.missing]
        return Verdict(UNKNOWN, a.path, None, missing)

    return run
