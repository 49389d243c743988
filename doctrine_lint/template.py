"""`doctrine-lint init`: a commented starting manifest for one kind of service.

Generated from the manifest schema (order, titles, allowed values and their labels) and the packs
(which fields their rules read, and which rules apply to the kind): only the facts some rule
applicable to that kind reads, grouped by the schema's sections, which follow the doctrine
(interoperability, then security, then numérique responsable). Each fact comes with its allowed
values and the rules it decides.

Nothing is declared for the user: the manifest is valid as written (the `service` block and the
format version only), and every fact is a commented line to uncomment and fill, whole blocks at
once with an editor's « toggle comment » (descriptions are doubly commented so they stay comments).
A value never declared is « à renseigner » in a report, never assumed.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from . import __version__
from .derived import DERIVED_ROOT
from .labels import label_at
from .logic import FALSE, Context
from .packs import Pack, Rule, all_rules
from .reads import Reads
from .validation import load_schema

KIND_PATH = ("service", "kind")
WIDTH = 80  # a terminal (`init -` prints it) as much as an editor
RULES_NAMED = 3  # rules named after a fact; the others are counted


def kinds() -> list[str]:
    """The kinds of service of the manifest schema, in its order."""
    node = _resolve(load_schema("manifest")["properties"]["service"]["properties"]["kind"])
    return [str(k) for k in node["enum"]]


def _resolve(node: Any) -> Any:
    root = load_schema("manifest")
    while isinstance(node, dict) and "$ref" in node:
        node = root["$defs"][node["$ref"].rsplit("/", 1)[-1]]
    return node


def applicable_rules(packs: Sequence[Pack], kind: str, today: date) -> list[Rule]:
    """The rules that may apply to a service of `kind`: every rule whose gate is not already
    false once only the kind is known (unknown facts keep a rule in)."""
    data: dict[str, Any] = {"service": {"kind": kind}, DERIVED_ROOT: {}}
    ctx = Context(today, data)
    out = []
    for rule in all_rules(packs):
        if rule.applies_when is not None and rule.applies_when(data, ctx).state == FALSE:
            continue
        out.append(rule)
    return out


def facts_for(packs: Sequence[Pack], kind: str, today: date) -> dict[str, list[Rule]]:
    """Each manifest field read by a rule applicable to `kind`, with those rules."""
    reads = Reads(packs)
    out: dict[str, list[Rule]] = {}
    for rule in applicable_rules(packs, kind, today):
        for path in sorted(reads.of_rule(rule)):
            # a named condition used inside a list reads paths relative to its elements, which
            # `reads` cannot place: only fields the schema documents are facts to write
            if _documented(path):
                out.setdefault(path, []).append(rule)
    return out


def _documented(path: str) -> bool:
    node: Any = load_schema("manifest")
    for key in path.split("."):
        node = _resolve(node)
        if node.get("type") == "array" and isinstance(node.get("items"), dict):
            node = _resolve(node["items"])
        props = node.get("properties") or {}
        if key not in props:
            # a map keyed by id (criteria, measures): its entries are the facts
            keyed = set(node.get("patternProperties") or ()) - {"^x-"}
            return bool(keyed) or isinstance(node.get("additionalProperties"), dict)
        node = props[key]
    return True


# --- writing -------------------------------------------------------------------------------------

_TEXTS: dict[str, dict[str, Any]] = {
    # paragraphs of the header, each folded to 80 columns ("" is a blank comment line)
    "head": {
        "fr": [
            "Manifeste doctrine-lint : {kind_label}",
            "Écrit par `doctrine-lint init --kind {kind}` (doctrine-lint {version}) à partir du schéma "
            "du manifeste et des packs : seuls les faits que lisent les règles applicables à ce type de "
            "service y figurent ({count} faits, {rules} règles).",
            "",
            "Chaque fait est une ligne en commentaire : retirez le « # » de la ligne et de ses blocs "
            "parents (« Basculer le commentaire » de l'éditeur sur le bloc), puis donnez la valeur. Un "
            "fait laissé en commentaire est « à renseigner » dans le rapport, jamais supposé.",
            "Vérifier : doctrine-lint {file}",
        ],
        "en": [
            "doctrine-lint manifest: {kind_label}",
            "Written by `doctrine-lint init --kind {kind} --lang en` (doctrine-lint {version}) from the "
            "manifest schema and the packs: only the facts read by the rules that apply to this kind of "
            "service ({count} facts, {rules} rules).",
            "",
            "Each fact is a commented line: remove the « # » of the line and of its parent blocks (your "
            "editor's « toggle comment » on the block), then give the value. A fact left commented is "
            "« to declare » in the report, never assumed. Field titles and descriptions are those of the "
            "schema, in French.",
            "Check: doctrine-lint {file} --lang en",
        ],
    },
    "values": {"fr": "valeurs", "en": "values"},
    "type": {
        "fr": {
            "boolean": "true ou false",
            "integer": "nombre entier",
            "number": "nombre",
            "string": "texte",
            "array": "liste",
        },
        "en": {
            "boolean": "true or false",
            "integer": "whole number",
            "number": "number",
            "string": "text",
            "array": "list",
        },
    },
    "date": {"fr": "date AAAA-MM-JJ", "en": "date YYYY-MM-DD"},
    "decides": {"fr": "décide", "en": "decides"},
    "more": {"fr": "et {n} autre{s}", "en": "and {n} more"},
    "name": {"fr": "Nom du service (à remplacer)", "en": "Name of the service (to replace)"},
    "editor": {"fr": "Éditeur (à remplacer)", "en": "Publisher (to replace)"},
    "element": {
        "fr": "un élément par {title} ; recopiez le bloc pour chacun",
        "en": "one element per {title}; copy the block for each",
    },
}


def _t(key: str, lang: str) -> Any:
    return _TEXTS[key]["en" if lang == "en" else "fr"]


def _plain(text: str) -> str:
    """One line of comment text: no line break can end the comment early."""
    return " ".join(str(text).split())


def _values(node: dict[str, Any], lang: str) -> str | None:
    """What a field accepts, as people read it: enum values with their labels, or a type."""
    node = _resolve(node)
    types = _t("type", lang)
    if node.get("type") == "array" and isinstance(node.get("items"), dict):
        inner = _values(node["items"], lang)
        return f"{types['array']} [{inner}]" if inner else str(types["array"])
    enum = node.get("enum")
    if enum:
        labels = node.get("x-labels") or {}
        shown = []
        for value in enum:
            entry = labels.get(value) if isinstance(value, str) else None
            name = entry.get("en" if lang == "en" else "fr") if isinstance(entry, dict) else None
            shown.append(f"{value} ({name})" if name and name != value else str(value))
        return ", ".join(shown)
    if node.get("format") == "date":
        return str(_t("date", lang))
    kind = node.get("type")
    return str(types[kind]) if isinstance(kind, str) and kind in types else None


def _rules_comment(rules: Sequence[Rule], lang: str) -> str:
    named = [f"{r.id} ({_plain(r.title.get(lang))})" for r in rules[:RULES_NAMED]]
    rest = len(rules) - RULES_NAMED
    if rest > 0:
        named.append(str(_t("more", lang)).format(n=rest, s="s" if rest > 1 else ""))
    colon = ": " if lang == "en" else " : "
    return (
        f"{_t('decides', lang)}{colon}" + " ; ".join(named)
        if lang != "en"
        else "decides: " + "; ".join(named)
    )


@dataclass
class _Writer:
    facts: Mapping[str, list[Rule]]
    lang: str
    lines: list[str]
    notes: dict[str, str]

    def wanted(self, path: str) -> bool:
        return any(p == path or p.startswith(path + ".") for p in self.facts)

    def comment(self, indent: str, text: str) -> None:
        # wrapped at WIDTH columns: a comment line people can read in a terminal or a diff
        self.lines += textwrap.wrap(
            text,
            WIDTH,
            initial_indent=f"# {indent}# ",
            subsequent_indent=f"# {indent}#   ",
            break_on_hyphens=False,
            break_long_words=False,
        )

    def node(self, key: str, node: dict[str, Any], path: str, indent: str, item: bool = False) -> None:
        node = _resolve(node)
        title = _plain(node.get("title", ""))
        lead = f"{indent}- " if item else indent
        inner = indent + ("    " if item else "  ")  # past the dash of a list element
        props = node.get("properties")
        if node.get("type") == "array" and isinstance(_resolve(node.get("items")), dict):
            items = _resolve(node["items"])
            if "properties" in items:
                if title:
                    self.comment(indent, title)
                element = _plain(items.get("title", title)).lower()
                self.comment(indent, str(_t("element", self.lang)).format(title=element))
                self.lines.append(f"# {lead}{key}:")
                self.children(items, path, inner, first_item=True)
                return
        if isinstance(props, dict) and props:
            if title:
                self.comment(indent, title)
            self.lines.append(f"# {lead}{key}:")
            self.children(node, path, inner)
            return
        self.leaf(key, node, path, lead, indent)

    def children(self, node: dict[str, Any], base: str, indent: str, first_item: bool = False) -> None:
        first = first_item
        required = set(node.get("required") or ())  # written too: the element is invalid without them
        for key, child in node.get("properties", {}).items():
            path = f"{base}.{key}"
            if not self.wanted(path) and key not in required:
                continue
            if first:  # the first field of a list element carries its dash
                self.node(key, child, path, indent, item=True)
                indent = indent + "  "
                first = False
            else:
                self.node(key, child, path, indent)

    def leaf(self, key: str, node: dict[str, Any], path: str, lead: str, indent: str) -> None:
        title = _plain(node.get("title", ""))
        values = _values(node, self.lang)
        about = " — ".join(x for x in (title, values) if x)
        if about:
            self.comment(indent, about)
        rules = self.facts.get(path, [])
        if rules:
            self.comment(indent, _rules_comment(rules, self.lang))
        if path in self.notes:
            self.comment(indent, self.notes[path])
        self.lines.append(f"# {lead}{key}:")


def render(
    packs: Sequence[Pack],
    kind: str,
    lang: str = "fr",
    *,
    file: str = "manifeste.yaml",
    today: date | None = None,
    notes: Mapping[str, str] | None = None,
    title: str | None = None,
) -> str:
    """The commented manifest for `kind` (a value of `kinds()`), in `lang`; `notes` adds a comment
    to the facts it names (what a tender demands of them), `title` replaces the first line."""
    if kind not in kinds():
        raise ValueError(kind)
    day = today or date.today()
    facts = facts_for(packs, kind, day)
    schema = load_schema("manifest")
    kind_label = label_at(KIND_PATH, kind, lang) or kind
    facts = {
        p: r for p, r in facts.items() if not p.startswith(("service.name", "service.editor", "service.kind"))
    }
    applicable = {r.id for rules in facts.values() for r in rules}
    head = [
        line.format(
            kind=kind,
            kind_label=kind_label,
            version=__version__,
            count=len(facts),
            rules=len(applicable),
            file=file,
        )
        for line in _t("head", lang)
    ]
    if title is not None:
        head[0] = title
    lines: list[str] = []
    for paragraph in head:  # folded to the width of a terminal (`init -` prints it)
        lines += textwrap.wrap(
            paragraph, 80, initial_indent="## ", subsequent_indent="## ", break_long_words=False
        ) or ["##"]
    lines += ["", "manifest_version: 1", "", "service:"]
    lines.append(f"  name: {_t('name', lang)}")
    lines.append(f"  editor: {_t('editor', lang)}")
    lines.append(f"  kind: {kind}")
    writer = _Writer(facts, lang, lines, dict(notes or {}))
    service = _resolve(schema["properties"]["service"])
    for key, child in service.get("properties", {}).items():
        path = f"service.{key}"
        if key in ("name", "editor", "kind") or not writer.wanted(path):
            continue
        writer.node(key, child, path, "  ")
    for key, child in schema["properties"].items():
        if key in ("manifest_version", "service") or not writer.wanted(key):
            continue
        node = _resolve(child)
        lines.append("")
        title = _plain(node.get("title", key))
        lines.append(f"# ## {title} " + "#" * max(3, WIDTH - 8 - len(title)))
        description = _plain(node.get("description", ""))
        if description:
            writer.comment("", description)
        lines.append(f"# {key}:")
        writer.children(node, key, "  ")
    return "\n".join(lines) + "\n"


def uncommented(text: str) -> str:
    """The template with every fact line uncommented, descriptions left as comments: what a
    user gets by toggling the comment on the whole file (fact lines are `# ` then YAML; every
    description starts with a second `#`)."""
    out = [
        line[2:] if line.startswith("# ") and not line[2:].lstrip().startswith("#") else line
        for line in text.splitlines()
    ]
    return "\n".join(out) + "\n"


def as_markdown(text: str, kind: str, lang: str = "fr") -> str:
    """The template as a Markdown document (`init cctp.md`): a title, a word on how it is read,
    and the manifest in a block marked for doctrine-lint (`markdowndoc`), to write prose around."""
    label = label_at(KIND_PATH, kind, lang) or kind
    if lang == "en":
        head = [
            f"# Specification — {label}",
            "",
            "doctrine-lint reads the blocks marked `yaml doctrine-lint` of this document as its manifest;",
            "write the prose of the specification around them, and split the block where it helps.",
        ]
    else:
        head = [
            f"# Cahier des charges — {label}",
            "",
            "doctrine-lint lit comme manifeste les blocs marqués `yaml doctrine-lint` de ce document ;",
            "écrivez la prose du cahier des charges autour, et coupez le bloc là où c'est utile.",
        ]
    return "\n".join([*head, "", "```yaml doctrine-lint", text.rstrip("\n"), "```", ""])
