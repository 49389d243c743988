"""click's own messages (usage errors, bad values, unknown options) in the reader's language.

click words its errors in English and looks each one up through `gettext` when it raises it
(`_("Option {name!r} requires an argument.")`), with no hook for a per-run language. Two parts:

- the inner messages click's parser and parameter types write ("'x' is not one of 'a', 'b'.",
  "Got unexpected extra argument (…)"): `install()` points the `_`/`ngettext` names of click's
  modules at `_gettext`/`_ngettext`, which return the French of a message from `_FRENCH` when
  the run is in French (`use("fr")`) and click's own text otherwise. A message missing from the
  catalogue stays English; help texts (Options, Show this message and exit) are left as they are;
- the frame (usage line, "Try … for help", "Error: …", "Invalid value for …", "No such option",
  "Missing argument"): `show()` writes it from the exception's type and attributes, the message
  on one line with what was typed escaped (`safetext.visible`), like every other stderr line.

The exit codes are click's: 2 for a usage error, 1 for an interrupted run.
"""

from __future__ import annotations

import gettext
import types
from typing import IO

import click

from .errors import Msg
from .safetext import visible
from .suggest import did_you_mean

# click's message ids (English) → French, with the same placeholders ({value!r} keeps Python's
# quotes: it shows the exact value typed, spaces included).
_FRENCH: dict[str, str] = {
    "{value!r} is not {choice}.": "{value!r} n'est pas {choice}.",
    "{value!r} is not one of {choices}.": "{value!r} n'est pas parmi {choices}.",
    "{value!r} is not a valid {number_type}.": "{value!r} n'est pas un nombre valide.",
    "{value} is not in the range {range}.": "{value} n'est pas dans l'intervalle {range}.",
    "{value!r} is not a valid boolean. Recognized values: {states}": (
        "{value!r} n'est pas un booléen valide. Valeurs reconnues : {states}"
    ),
    "{value!r} is not a valid UUID.": "{value!r} n'est pas un UUID valide.",
    "{value!r} does not match the format {format}.": "{value!r} ne respecte pas le format {format}.",
    "{value!r} does not match the formats {formats}.": "{value!r} ne respecte aucun des formats {formats}.",
    "{name} {filename!r} does not exist.": "{filename!r} n'existe pas.",
    "{name} {filename!r} is a file.": "{filename!r} est un fichier.",
    "{name} {filename!r} is a directory.": "{filename!r} est un répertoire.",
    "{name} {filename!r} is not readable.": "{filename!r} n'est pas lisible.",
    "{name} {filename!r} is not writable.": "{filename!r} n'est pas accessible en écriture.",
    "{name} {filename!r} is not executable.": "{filename!r} n'est pas exécutable.",
    "Option {name!r} requires an argument.": "l'option {name!r} attend une valeur.",
    "Option {name!r} requires {nargs} arguments.": "l'option {name!r} attend {nargs} valeurs.",
    "Option {name!r} does not take a value.": "l'option {name!r} ne prend pas de valeur.",
    "Argument {name!r} takes {nargs} values.": "l'argument {name!r} attend {nargs} valeurs.",
    "Got unexpected extra argument ({args})": "argument en trop ({args})",
    "Got unexpected extra arguments ({args})": "arguments en trop ({args})",
    "Missing command.": "commande manquante.",
    "Value must be an iterable.": "une liste de valeurs est attendue.",
    "Takes {nargs} values but 1 was given.": "attend {nargs} valeurs, 1 donnée.",
    "Takes {nargs} values but {len} were given.": "attend {nargs} valeurs, {len} données.",
    "{len_type} values are required, but {len_value} was given.": (
        "{len_type} valeurs sont attendues, {len_value} donnée."
    ),
    "{len_type} values are required, but {len_value} were given.": (
        "{len_type} valeurs sont attendues, {len_value} données."
    ),
    "Invalid start character for option ({option})": "caractère initial invalide pour une option ({option})",
}

_state = {"lang": "fr"}


def use(lang: str) -> None:
    """The language of click's messages for this run."""
    _state["lang"] = "en" if lang == "en" else "fr"


def _gettext(message: str) -> str:
    if _state["lang"] == "fr":
        return _FRENCH.get(message, message)
    return gettext.gettext(message)


def _ngettext(singular: str, plural: str, n: int) -> str:
    return _gettext(singular if n == 1 else plural)


def install() -> None:
    """Route click's message look-ups through the catalogue (idempotent)."""
    import click.core
    import click.parser
    import click.types

    for module in (click.core, click.parser, click.types):
        assert isinstance(module, types.ModuleType)
        if hasattr(module, "_"):
            module._ = _gettext  # type: ignore[attr-defined]
        if hasattr(module, "ngettext"):
            module.ngettext = _ngettext  # type: ignore[attr-defined]


# --- the frame -----------------------------------------------------------------------------------


def _hint(exc: click.BadParameter) -> str:
    """The option or argument at fault, as typed: `--date`, `RULE_ID` (click quotes each)."""
    if exc.param_hint is not None:
        hints = [exc.param_hint] if isinstance(exc.param_hint, str) else list(exc.param_hint)
    elif exc.param is not None:
        hints = exc.param.get_error_hint(exc.ctx).split(" / ")
    else:
        return ""
    return " / ".join(h.strip("'") for h in hints)


def _quoted(text: str, lang: str) -> str:
    return f"'{text}'" if lang == "en" else f"« {text} »"


def message(exc: click.ClickException, lang: str) -> str:
    """The error itself, after « Erreur : » / "Error: " (in English, click's own wording but for
    a bad value, whose option is always quoted)."""
    if isinstance(exc, click.MissingParameter):
        if lang == "en":
            return exc.format_message()
        kind = exc.param_type or (exc.param.param_type_name if exc.param is not None else "parameter")
        what = {"argument": "argument manquant", "option": "option manquante"}.get(kind, "paramètre manquant")
        name = _hint(exc)
        return f"{what} : {_quoted(name, lang)}" if name else what
    if isinstance(exc, click.BadParameter):
        name = _hint(exc)
        if lang == "en":
            return f"Invalid value for {_quoted(name, lang)}: {exc.message}" if name else exc.format_message()
        return f"valeur invalide{f' pour {_quoted(name, lang)}' if name else ''} : {exc.message}"
    if lang == "en":
        return exc.format_message()
    if isinstance(exc, click.NoSuchOption):
        suggestion = did_you_mean(exc.option_name, exc.possibilities or [])
        return f"option inconnue : {_quoted(exc.option_name, lang)}{suggestion.fr}"
    if isinstance(exc, click.FileError):
        return f"impossible d'ouvrir le fichier {_quoted(exc.ui_filename, lang)} : {exc.message}"
    return exc.message


_ERROR = Msg("Erreur : ", "Error: ")
_USAGE = Msg("Utilisation :", "Usage:")


def show(exc: click.ClickException, lang: str, file: IO[str] | None = None) -> None:
    """What click would print for `exc`, in `lang`: for a usage error the usage line and where to
    find help first, then the error."""
    if isinstance(exc, click.UsageError) and exc.ctx is not None:
        ctx = exc.ctx
        usage = ctx.get_usage()
        if usage.startswith(_USAGE.en):
            usage = _USAGE.get(lang) + usage[len(_USAGE.en) :]
        lines = [usage]
        if ctx.command.get_help_option(ctx) is not None:
            command = f"{ctx.command_path} {max(ctx.command.get_help_option_names(ctx), key=len)}"
            lines.append(
                f"Try '{command}' for help." if lang == "en" else f"Essayez « {command} » pour l'aide."
            )
        click.echo("\n".join(lines) + "\n", file=file, err=True, color=ctx.color)
    # what was typed (an option name, a value) is quoted in the message: shown escaped, on one line
    click.echo(_ERROR.get(lang) + visible(message(exc, lang)), file=file, err=True)


def aborted(lang: str) -> str:
    return "Aborted!" if lang == "en" else "Interrompu."
