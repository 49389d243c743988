"""Chapters as their sources number them, and the one way to show a chapter to people.

A pack declares each chapter with the text it comes from (`source`) and, only for a numbered
section of that text, its `number`. `chapter_label` renders it: « Doctrine §6.1.1 — RGS… » for a
numbered section, « MonServiceSécurisé — Défense » for a named group (never a « § » there).

An old-form chapter (a plain title, no source) keeps working: it is shown as « §key title » when
its key is a section number (digits and dots, « 6.1.4 »), else as its title alone, since the
text it numbers is unknown.

This module depends on `model` only, so that every presenter can import it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from .model import Text

_NUMERIC = re.compile(r"^[0-9]+(?:\.[0-9]+)*$")


@dataclass(frozen=True, slots=True)
class Chapter(Text):
    """A chapter's title (`fr`/`en`, so that a `Chapter` is also the title `Text` scores carry),
    the text it belongs to and, for a numbered section of that text, its number."""

    source: Text | None = None
    number: str | None = None

    @classmethod
    def declared(cls, key: str, raw: Any) -> Chapter:
        """A chapter as a pack header declares it: `{title, source, number?}` or an old plain title."""
        if isinstance(raw, dict) and "title" in raw:
            title = Text.of(raw["title"])
            number = str(raw["number"]) if raw.get("number") is not None else None
            return cls(title.fr, title.en, Text.of(raw["source"]), number)
        title = Text.of(raw)
        return cls(title.fr, title.en, None, key if _NUMERIC.match(key) else None)

    def label(self, lang: str) -> str:
        return chapter_label(self, lang)


def chapter_label(chapter: Text, lang: str) -> str:
    """A chapter for people, in `lang`: « <source> §<number> — <title> » for a numbered section,
    « <source> — <title> » for a named group; a plain `Text` is its title alone."""
    title = chapter.get(lang)
    if not isinstance(chapter, Chapter):
        return title
    source = chapter.source.get(lang) if chapter.source is not None else None
    if chapter.number is not None:
        return f"{source} §{chapter.number} — {title}" if source else f"§{chapter.number} {title}"
    return f"{source} — {title}" if source else title


# --- the transverse référentiels of doctrine §6.1, placed under the three education référentiels --

# (doctrine section, référentiel it names, education référentiel, chapter key in the shipped packs)
PLACEMENT: tuple[tuple[str, str, str, str], ...] = (
    ("6.1.1", "RGS", "securite", "doctrine-6.1.1"),
    ("6.1.2", "RGAA", "numerique-responsable", "doctrine-6.1.2"),
    ("6.1.3", "RGI", "interoperabilite", "doctrine-6.1.3"),
    ("6.1.4", "RGPD", "securite", "doctrine-6.1.4"),
)

PLACEMENT_NOTE = Text(
    # the référentiels in their usual order (model.REFERENTIEL_ORDER)
    "Les référentiels que cite la doctrine au §6.1 sont comptés sous les trois référentiels de "
    "l'éducation : le RGI (§6.1.3) sous Interopérabilité, le RGS (§6.1.1) et le RGPD (§6.1.4) "
    "sous Sécurité, le RGAA (§6.1.2) sous Numérique responsable.",
    "The frameworks the doctrine cites in §6.1 are scored under the three education référentiels: "
    "RGI (§6.1.3) under Interoperability, RGS (§6.1.1) and GDPR (§6.1.4) under Security, RGAA "
    "(§6.1.2) under Responsible digital.",
)


def placement_json() -> dict[str, Any]:
    """The `placement` entry of the JSON report."""
    return {
        "note": PLACEMENT_NOTE.as_json(),
        "sections": [
            {"doctrine_section": s, "framework": name, "referentiel": ref, "chapter": key}
            for s, name, ref, key in PLACEMENT
        ],
    }


# --- chapter keys before they said which text they number (profiles written then) --------------

RENAMED: dict[str, tuple[str, ...]] = {
    "interoperabilite:2.1": ("interoperabilite:ri-2.1",),
    "interoperabilite:3.2": ("interoperabilite:ri-3.2",),
    "interoperabilite:6.1": ("interoperabilite:ri-6.1",),
    "interoperabilite:6.1.1": ("interoperabilite:ri-6.1.1",),
    "interoperabilite:RGI": ("interoperabilite:doctrine-6.1.3",),
    "interoperabilite:GAR": ("interoperabilite:gar",),
    "interoperabilite:DNMA": ("interoperabilite:dnma",),
    "securite:6.1.1": ("securite:doctrine-6.1.1",),
    "securite:6.1.4": ("securite:doctrine-6.1.4",),
    "securite:ANSSI": (
        "securite:mss-gouvernance",
        "securite:mss-protection",
        "securite:mss-defense",
        "securite:mss-resilience",
    ),
    "securite:HEBERGEMENT": ("securite:mss-gouvernance",),
    "securite:gouvernance": ("securite:mss-gouvernance",),
    "securite:protection": ("securite:mss-protection",),
    "securite:defense": ("securite:mss-defense",),
    "securite:resilience": ("securite:mss-resilience",),
    "numerique-responsable:6.1.2": ("numerique-responsable:doctrine-6.1.2",),
    "numerique-responsable:7.1.1": ("numerique-responsable:doctrine-7.1.1",),
    "numerique-responsable:7.1.2": ("numerique-responsable:doctrine-7.1.2",),
    **{f"numerique-responsable:RGESN.{n}": (f"numerique-responsable:rgesn-{n}",) for n in range(1, 10)},
}


def renamed(token: str) -> tuple[str, ...]:
    """The keys to write instead of an old chapter key: `securite:6.1.1` gives
    `securite:doctrine-6.1.1`; a bare `6.1.1` gives every chapter it could have meant."""
    if ":" in token:
        return RENAMED.get(token, ())
    return tuple(
        dict.fromkeys(
            new.partition(":")[2]
            for old, news in RENAMED.items()
            if old.partition(":")[2] == token
            for new in news
        )
    )
