"""Evidence files from the official tools (Ara, MonServiceSécurisé, the RGESN workbook, the DINUM
RGAA grid): what every reader returns, the limits every reader obeys, and the registry of readers.

A reader turns one untrusted file into an `EvidenceReport`: manifest-shaped facts, each located in
the file (row, column, cell or JSON pointer), and the official figures the file carries or that its
own rows give by the tool's formula. A reader never half-reads: any problem raises `EvidenceError`
with every problem located, and nothing of the file is used. Readers know nothing of manifests or
rules; merging the facts into a manifest and judging them is `evidence.merge`'s job.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import Msg
from .contract import (
    DEFAULT_LIMITS,
    KINDS,
    READERS,
    EvidencedFact,
    EvidenceError,
    EvidenceReport,
    Figure,
    Limits,
    Located,
    Reader,
    fail,
    problem,
    read_bytes,
    register,
    sha256,
)

__all__ = [
    "DEFAULT_LIMITS",
    "KINDS",
    "READERS",
    "EvidenceError",
    "EvidenceReport",
    "EvidencedFact",
    "Figure",
    "Limits",
    "Located",
    "Reader",
    "fail",
    "problem",
    "read_bytes",
    "read_evidence",
    "register",
    "sha256",
]


def read_evidence(kind: str, path: Path, display: str, limits: Limits = DEFAULT_LIMITS) -> EvidenceReport:
    """Read one evidence file of `kind`; EvidenceError (exit 2) when it cannot be used."""
    _load_readers()
    reader = READERS.get(kind)
    if reader is None:
        known = ", ".join(sorted(KINDS))
        raise fail(
            Located(display),
            Msg(
                f"type de preuve inconnu « {kind} » (attendu : {known})",
                f'unknown evidence kind "{kind}" (expected: {known})',
            ),
        )
    return reader(read_bytes(path, display, limits), display, limits)


def _load_readers() -> None:
    # imported on first use: a run without evidence files pays nothing for the readers
    from . import ara, mss, rgaa_grid, rgesn  # noqa: F401
