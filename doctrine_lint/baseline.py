"""Baselines: remember today's failing findings, then report only new ones and list those fixed.

A finding is identified by a fingerprint of the manifest file name, the rule id and the manifest
path with each list element named by its identity key (`identity.providers[audience=parents]`,
a scalar by its value, else its position) — never a line number — so editing unrelated parts of
a manifest, reordering a list or inserting into it changes nothing, while a newly failing element
is new.

Format 2 (this version). Format 1 (doctrine-lint 0.x before per-occurrence findings) dropped list
positions, assuming one finding per rule: it is still read, matching each failing element of a
rule at the same path, with a warning asking to write the baseline again.

This module works on findings and file names only; `linter` applies it to a run's results.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from . import __version__
from .errors import Msg, UsageError, cannot_write
from .files import read_json
from .model import Finding, Outcome, natural_key
from .renames import final_id, resolve
from .safetext import json_safe

FORMAT_VERSION = 2
# A baseline is read whole: 64 MiB holds about 200,000 findings (some 300 bytes each), far more
# than any batch writes, and keeps a hostile or mistaken file from exhausting memory.
MAX_BYTES = 64 * 1024 * 1024
LEGACY_VERSION = 1
_FAILING = (Outcome.NON_CONFORME, Outcome.A_RENSEIGNER)


_INDEX = re.compile(r"\[[0-9]+\]")


def stable_file(file: str) -> str:
    """The manifest's name as fingerprints see it: relative to the working directory when it is
    inside it, with forward slashes, so `./a.yaml`, `a.yaml` and `$PWD/a.yaml` agree."""
    absolute = os.path.abspath(file)
    relative = os.path.relpath(absolute)
    shown = absolute if relative.startswith("..") else relative
    return shown.replace(os.sep, "/")


def occurrence_path(path: str, keyed_path: str | None) -> str:
    """Where an occurrence is, whatever its line and its file's name: the manifest path with list
    elements named by identity (see the module docstring). A dérogation's own finding keeps its
    position: it names which waiver it is about. Baselines and comparisons of two versions
    (`diff`, `impact`) identify occurrences by their rule and this path."""
    return path if path.startswith("derogations[") else (keyed_path or path)


def occurrence(finding: Finding) -> tuple[str, str]:
    """The identity of one occurrence within its manifest, independent of the file's name."""
    return finding.rule_id, occurrence_path(finding.path, finding.keyed_path)


def fingerprint(file: str, finding: Finding) -> str:
    """Stable identity of one occurrence in one file: the file, then `occurrence`."""
    return _digest(stable_file(file), *occurrence(finding))


def _digest(file: str, rule_id: str, path: str) -> str:
    return hashlib.sha256(f"{file}\x00{rule_id}\x00{path}".encode()).hexdigest()[:32]


def legacy_fingerprint(file: str, finding: Finding) -> str:
    """The format-1 fingerprint: list positions dropped (one finding per rule was assumed)."""
    return _digest(stable_file(file), finding.rule_id, _legacy_path(finding.path))


def _legacy_path(path: str) -> str:
    return path if path.startswith("derogations[") else _INDEX.sub("[*]", path)


@dataclass(slots=True)
class Baseline:
    entries: dict[str, dict[str, Any]] = field(default_factory=dict)
    format_version: int = FORMAT_VERSION

    @property
    def legacy(self) -> bool:
        return self.format_version == LEGACY_VERSION

    def rename(self, renamed: Mapping[str, str]) -> None:
        """Entries recorded under a renamed rule's old id stand for its new id (with a warning):
        their fingerprints are computed again with the new id."""
        for fp, item in list(self.entries.items()):
            new = final_id(item["rule_id"], renamed)
            if new is None:
                continue
            resolve(item["rule_id"], renamed, f"baseline {item['file']} ({item['path']})")
            path = (
                _legacy_path(item["path"])
                if self.legacy
                else occurrence_path(item["path"], item.get("keyed_path"))
            )
            del self.entries[fp]
            item = {**item, "rule_id": new, "fingerprint": _digest(item["file"], new, path)}
            self.entries[item["fingerprint"]] = item

    def identify(self, file: str, finding: Finding) -> str:
        """The fingerprint of `finding` in this baseline's format."""
        return legacy_fingerprint(file, finding) if self.legacy else fingerprint(file, finding)


LEGACY_WARNING = Msg(
    "référence au format 1 (un constat par règle) : chaque élément en échec d'une règle déjà "
    "connue est tenu pour connu ; réécrivez-la avec --write-baseline pour suivre chaque élément",
    "baseline in format 1 (one finding per rule): every failing element of an already known rule "
    "counts as known; write it again with --write-baseline to follow each element",
)


def build(manifests: Iterable[tuple[str, Iterable[Finding]]], today: date) -> dict[str, Any]:
    """The baseline document for a run: every failing finding of every (file, findings) pair."""
    items = [
        {
            "fingerprint": fingerprint(file, f),
            "file": stable_file(file),
            "rule_id": f.rule_id,
            "path": f.path,
            "keyed_path": f.keyed_path or f.path,
            "outcome": f.outcome.value,
        }
        for file, findings in manifests
        for f in findings
        if f.outcome in _FAILING
    ]
    items.sort(key=lambda i: (i["file"], natural_key(i["rule_id"]), natural_key(i["path"])))
    return {
        "format_version": FORMAT_VERSION,
        "tool_version": __version__,
        "evaluation_date": today.isoformat(),
        "findings": items,
    }


def write(path: Path, manifests: Iterable[tuple[str, Iterable[Finding]]], today: date) -> None:
    """Write the baseline of a run (see `build`); an unwritable path is a usage error."""
    # the same data, with no raw control or bidirectional character for whoever reads the file
    text = json_safe(json.dumps(build(manifests, today), ensure_ascii=False, indent=2)) + "\n"
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise UsageError.single(str(path), 0, 0, cannot_write(exc)) from None


def load(path: Path) -> Baseline:
    """Read a baseline written by --write-baseline; a clear error otherwise."""
    data = read_json(
        path, MAX_BYTES, missing=Msg("fichier de référence (baseline) introuvable", "baseline file not found")
    )
    version = data.get("format_version") if isinstance(data, dict) else None
    if type(version) is int and version > FORMAT_VERSION and isinstance(data.get("findings"), list):
        raise UsageError.single(
            str(path),
            1,
            1,
            Msg(
                f"référence au format {version}, plus récent que cette version de doctrine-lint "
                f"(format {FORMAT_VERSION}) : mettez doctrine-lint à jour",
                f"baseline in format {version}, newer than this version of doctrine-lint "
                f"(format {FORMAT_VERSION}): upgrade doctrine-lint",
            ),
        )
    if (
        not isinstance(data, dict)
        or type(version) is not int
        or version not in (FORMAT_VERSION, LEGACY_VERSION)
        or not isinstance(data.get("findings"), list)
    ):
        raise UsageError.single(
            str(path),
            1,
            1,
            Msg(
                "ce fichier n'est pas une référence écrite par doctrine-lint --write-baseline",
                "this file is not a baseline written by doctrine-lint --write-baseline",
            ),
        )
    entries = {}
    for i, item in enumerate(data["findings"]):
        fields = ("fingerprint", "file", "rule_id", "path")
        if not isinstance(item, dict) or not all(isinstance(item.get(k), str) for k in fields):
            raise UsageError.single(
                str(path),
                0,
                0,
                Msg(
                    f"entrée {i + 1} mal formée : {', '.join(fields)} doivent être du texte",
                    f"entry {i + 1} malformed: {', '.join(fields)} must be text",
                ),
            )
        entries[item["fingerprint"]] = item
    return Baseline(entries, data["format_version"])


def apply(
    file: str, findings: Sequence[Finding], baseline: Baseline, evaluated: Collection[str]
) -> list[dict[str, Any]]:
    """Mark the findings of manifest `file` already in the baseline as known; return the
    baseline entries of that file now fixed.

    Fixed means: the rule was evaluated this time (`evaluated` rule ids) and no longer fails. A
    finding now covered by a dérogation is still there underneath, and a rule left out by
    --select says nothing."""
    present: set[str] = set()
    for f in findings:
        fp = baseline.identify(file, f)
        if f.outcome in _FAILING or f.waived_from is not None:
            present.add(fp)
        if f.outcome in _FAILING and fp in baseline.entries:
            f.known = True
    name = stable_file(file)
    return [
        item
        for fp, item in sorted(baseline.entries.items())
        if item["file"] == name and fp not in present and item["rule_id"] in evaluated
    ]
