"""What people read for an enum value of the manifest: the `x-labels` of the manifest schema.

A manifest says `security.declared_level: avance`; a message says « avancé » (French) or
"advanced" (English). The labels are data, next to each `enum` of `schemas/manifest.schema.json`
(`"x-labels": {"avance": {"fr": "avancé", "en": "advanced"}}`), so no rule and no presenter
holds a table of its own. Machine fields (a finding's `value`, paths, fingerprints) keep the raw
value: only the texts people read are labelled.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from .document import PathKey
from .validation import load_schema

Labels = dict[str, dict[str, str]]


def _resolve(node: Any, root: dict[str, Any]) -> Any:
    while isinstance(node, dict) and isinstance(node.get("$ref"), str) and node["$ref"].startswith("#/"):
        target: Any = root
        for part in node["$ref"][2:].split("/"):
            target = target.get(part) if isinstance(target, dict) else None
        node = target
    return node


def _child(node: Any, seg: str | int, root: dict[str, Any]) -> Any:
    node = _resolve(node, root)
    if not isinstance(node, dict):
        return None
    if isinstance(seg, int):
        return node.get("items")
    props = node.get("properties") or {}
    if seg in props:
        return props[seg]
    for pattern, sub in (node.get("patternProperties") or {}).items():
        if re.search(pattern, seg):
            return sub
    extra = node.get("additionalProperties")
    return extra if isinstance(extra, dict) else None


def _labels_of(node: Any, root: dict[str, Any]) -> Labels | None:
    node = _resolve(node, root)
    if not isinstance(node, dict):
        return None
    if isinstance(node.get("x-labels"), dict):
        labels: Labels = node["x-labels"]
        return labels
    for key in ("oneOf", "anyOf"):
        for alt in node.get(key) or []:
            found = _labels_of(alt, root)
            if found is not None:
                return found
    return None


@lru_cache(maxsize=4096)
def labels_at(path: PathKey) -> Labels | None:
    """The labels of the enum at a manifest path (indexes and keys concrete), if it has any."""
    root = load_schema("manifest")
    node: Any = root
    for seg in path:
        node = _child(node, seg, root)
        if node is None:
            return None
    found = _labels_of(node, root)
    if found is None:  # a list of enum values: the labels of its items
        resolved = _resolve(node, root)
        if isinstance(resolved, dict) and isinstance(resolved.get("items"), dict):
            found = _labels_of(resolved["items"], root)
    return found


@lru_cache(maxsize=1)
def all_labels() -> Labels:
    """Every labelled value of the schema. A value has one meaning wherever it appears (a test
    holds the schema to that), so a value with no path of its own, such as a computed fact
    (`$derived.niveau_securite: avance`), can be labelled too."""
    root = load_schema("manifest")
    out: Labels = {}

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for value, label in (node.get("x-labels") or {}).items():
                out.setdefault(value, label)
            for sub in node.values():
                walk(sub)
        elif isinstance(node, list):
            for sub in node:
                walk(sub)

    walk(root)
    return out


def label(value: Any, lang: str, labels: Labels | None) -> str | None:
    """The label of `value` in `lang` from `labels`, or None when it has none."""
    if labels is None or not isinstance(value, str) or value not in labels:
        return None
    entry = labels[value]
    return entry.get("en" if lang == "en" else "fr") or entry.get("fr")


def label_at(path: PathKey, value: Any, lang: str) -> str | None:
    """The label of a value found at `path`: the enum's at that manifest path; for a computed
    fact (`$derived.…`), the value's label anywhere in the schema."""
    labels = all_labels() if path[:1] == ("$derived",) else labels_at(path)
    return label(value, lang, labels)
