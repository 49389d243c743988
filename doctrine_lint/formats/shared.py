"""Small layout helpers shared by presenters: one-line clipping of untrusted text, text bars,
fixed-width percentages. What to show, and in which order, is `formats.view`'s business."""

from __future__ import annotations

from .. import i18n
from ..safetext import prose

MAX_CHARS = 500  # untrusted text is cut beyond this in Markdown and HTML reports
SHORT_SHA = 12


def clip(text: str, limit: int = MAX_CHARS) -> str:
    """`text` on one line, at most `limit` characters (an ellipsis marks a cut): line breaks
    read as a space, other control and bidirectional characters are escaped (`safetext.prose`)."""
    one = prose(text).strip()
    return one if len(one) <= limit else one[: limit - 1] + "…"


def percent(score: float | None, lang: str) -> str:
    """A percentage in a fixed-width column (text tables), formatted by `i18n.percent`."""
    return i18n.percent(score, lang).rjust(7) if score is not None else "   —   "


def bar(score: float | None, width: int = 20, full: str = "#", empty: str = "-") -> str:
    if score is None:
        return " " * width
    filled = round(width * score / 100.0)
    return full * filled + empty * (width - filled)
