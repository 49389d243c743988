"""Small layout helpers shared by presenters: one-line clipping of untrusted text, text bars,
fixed-width percentages. What to show, and in which order, is `formats.view`'s business."""

from __future__ import annotations

import re

from .. import i18n

MAX_CHARS = 500  # untrusted text is cut beyond this in Markdown and HTML reports
SHORT_SHA = 12

# Line breaks (those YAML and Unicode know) and other control characters become one space.
_BREAKS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")


def clip(text: str, limit: int = MAX_CHARS) -> str:
    """`text` on one line, at most `limit` characters (an ellipsis marks a cut)."""
    one = _BREAKS.sub(" ", text).strip()
    return one if len(one) <= limit else one[: limit - 1] + "…"


def percent(score: float | None, lang: str) -> str:
    """A percentage in a fixed-width column (text tables), formatted by `i18n.percent`."""
    return i18n.percent(score, lang).rjust(7) if score is not None else "   —   "


def bar(score: float | None, width: int = 20, full: str = "#", empty: str = "-") -> str:
    if score is None:
        return " " * width
    filled = round(width * score / 100.0)
    return full * filled + empty * (width - filled)
