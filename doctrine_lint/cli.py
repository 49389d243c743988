"""Command line: thin click glue over the library (`linter`, `packs`, `explain`, `ruletest`).

It parses arguments, calls the library, prints or writes the reports and exits with the code the
library decided (`Report.exit_code`); scoring, baselines and profiles live in the library.

Exit codes: 0 nothing at or above the fail level is non conforme or à renseigner and the
thresholds hold; 1 otherwise; 2 usage, input or pack error; 3 internal error (a bug).

Errors and warnings on stderr, click's own usage errors included, are in the language
`_error_lang` decides before click parses anything (`--lang`, then DOCTRINE_LINT_LANG).
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from functools import partial
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, NoReturn, TypeVar

import click
from click.core import ParameterSource
from click.shell_completion import CompletionItem

from . import __version__, clicktext
from .errors import DoctrineLintError, ExitCode, LocalizedWarning, Msg, UsageError, cannot_write
from .safetext import json_safe, visible, visible_lines
from .suggest import did_you_mean, unknown_rule

if TYPE_CHECKING:
    from .config import AppliedConfig
    from .formats import RenderOptions
    from .linter import Item, LintOptions, Report

F = TypeVar("F", bound=Callable[..., Any])

FAIL_LEVELS = ("bloquant", "majeur", "mineur", "info", "aucun")


EXIT_HELP = """\b
Codes de sortie / exit codes:
  0  rien de non conforme ni à renseigner au niveau --fail-on ou au-dessus, seuils tenus
  1  au moins un constat au niveau --fail-on ou au-dessus, ou un seuil --fail-under manqué
  2  erreur d'utilisation, manifeste ou pack invalide (fichier:ligne:colonne sur stderr)
  3  erreur interne (bogue de doctrine-lint)
"""


LANG_ENV = "DOCTRINE_LINT_LANG"
LANGS = ("fr", "en")
# the language of this run's errors, decided by `_error_lang` when the command line is read
# ("chosen": by --lang or DOCTRINE_LINT_LANG, which a configuration file's `lang` does not override)
_run = {"lang": "fr", "chosen": ""}


def _error_lang(args: Sequence[str] | None = None) -> str:
    """The language of errors and warnings on stderr (click's own messages included): the last
    `--lang X` / `--lang=X` of the command line, read before click parses it (a usage error can
    come before --lang is parsed, or be about it); else DOCTRINE_LINT_LANG; else French. A
    configuration file's `lang` then applies to what follows its loading (`_config_lang`)."""
    return _chosen_lang(args) or "fr"


def _chosen_lang(args: Sequence[str] | None) -> str | None:
    args = sys.argv[1:] if args is None else args
    chosen = None
    for i, arg in enumerate(args):
        if arg == "--":
            break
        if arg == "--lang" and i + 1 < len(args):
            chosen = args[i + 1]
        elif arg.startswith("--lang="):
            chosen = arg.partition("=")[2]
    if chosen in LANGS:
        return chosen
    env = os.environ.get(LANG_ENV, "")
    return env if env in LANGS else None


def _set_lang(lang: str) -> None:
    _run["lang"] = lang
    clicktext.use(lang)


def _config_lang(lang: object) -> None:
    """A configuration file's `lang` for the errors that follow it, unless the command line or
    the environment chose (the file's values are defaults: the command line wins)."""
    if not _run["chosen"] and lang in LANGS:
        _set_lang(str(lang))


def _lang() -> str:
    return _run["lang"]


def _tr(message: Msg) -> str:
    """One of our own messages for click (usage errors, bad values) in the run's language."""
    return message.get(_lang())


_KINDS = {"error": Msg("erreur", "error"), "warning": Msg("avertissement", "warning")}


def _say(kind: str, text: object) -> None:
    """One line on stderr, always: « doctrine-lint: erreur: … » / "doctrine-lint: error: …". A
    manifest's or pack's text (file name, key, value) comes out with its control and
    bidirectional characters visibly escaped (`safetext.visible`), so that it can neither drive
    the terminal nor forge a `file:line:col` line for a CI log parser."""
    click.echo(f"doctrine-lint: {_KINDS[kind].get(_lang())}: {visible(str(text))}", err=True)


def _fail(exc: DoctrineLintError) -> NoReturn:
    for problem in exc.problems:
        _say("error", problem.render(_lang()))
    sys.exit(ExitCode.ERROR)


def _staged(target: Path, text: str) -> Path:
    """`text` in a new file of a fresh name beside `target` (created, never opened over a file or
    a link someone put there), for `os.replace` to move into place: the link itself is then
    replaced, never written through."""
    import tempfile

    fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(name)
        raise
    return Path(name)


class _Percent(click.FloatRange):
    """A rate between 0 and 100: `nan` is refused (FloatRange lets it through, and a NaN threshold
    hides every change and fails every run)."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        number = super().convert(value, param, ctx)
        if number != number:  # NaN, the only value not equal to itself
            self.fail(_tr(Msg("« nan » n'est pas un nombre", "'nan' is not a number")), param, ctx)
        return number


PERCENT = _Percent(0, 100)


def _write(target: str, text: str) -> None:
    """Write a report file, or stop with exit code 2 and a one-line reason."""
    try:
        Path(target).write_text(text, encoding="utf-8")
    except OSError as exc:
        _fail(DoctrineLintError.single(target, 0, 0, cannot_write(exc)))


def _split(values: Iterable[str]) -> list[str]:
    return [v.strip() for value in values for v in value.split(",") if v.strip()]


def _parse_date(value: str | None) -> date:
    from .dates import parse_day

    if value is None:
        return date.today()
    day = parse_day(value)
    if day is None:
        raise click.BadParameter(
            _tr(Msg(f"« {value} » n'est pas une date AAAA-MM-JJ", f"'{value}' is not a YYYY-MM-DD date")),
            param_hint="--date",
        )
    return day


def _shipped_rules() -> list[Any]:
    """The shipped packs' rules, for shell completion: read from the validated-pack cache, so a
    completion costs a fraction of a second; a broken pack completes nothing rather than fail."""
    from .packs import all_rules, load_packs

    try:
        return all_rules(load_packs())
    except DoctrineLintError:
        return []


def _complete_rule_ids(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[CompletionItem]:
    from .synthetic import SYNTHETIC_RULES

    ids = sorted({*(r.id for r in _shipped_rules()), *SYNTHETIC_RULES})
    return [CompletionItem(i) for i in ids if i.startswith(incomplete)]


def _complete_selectors(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[CompletionItem]:
    from .selection import selectors

    return [CompletionItem(s) for s in sorted(selectors(_shipped_rules())) if s.startswith(incomplete)]


def pack_options(func: F) -> F:
    """Options shared by every command that loads packs."""
    func = click.option(
        "--only-packs",
        is_flag=True,
        help="N'utiliser que les packs donnés par --pack (sans les packs livrés). / Use only --pack packs.",
    )(func)
    func = click.option(
        "--pack",
        "packs",
        multiple=True,
        metavar="FICHIER",
        help="Ajouter un pack de règles (un pack qui étend un pack livré le remplace). / Add a rule pack.",
    )(func)
    return func


def selection_options(func: F) -> F:
    func = click.option(
        "--min-evidence",
        type=click.Choice(["doctrine", "officiel", "secondaire", "inference"]),
        help="N'évaluer que les règles dont la source est au moins de ce niveau "
        "(doctrine > officiel > secondaire > inference). / Only rules backed by at least this evidence.",
    )(func)
    func = click.option(
        "--ignore",
        multiple=True,
        metavar="SEL",
        shell_complete=_complete_selectors,
        help="Écarter des règles (même syntaxe que --select). / Skip rules.",
    )(func)
    func = click.option(
        "--select",
        multiple=True,
        metavar="SEL",
        shell_complete=_complete_selectors,
        help="Ne garder que ces règles : id (glob), chapitre, référentiel, pack, étiquette, ou référentiel:chapitre. / Keep only these rules.",
    )(func)
    return func


_CONFIG = "doctrine_lint.config"


def config_options(command: str) -> Callable[[F], F]:
    """`--config FILE` and `--isolated`: where the defaults of `command`'s options come from
    (`config`). Both are eager, so click resolves them before every other option: the file's
    values become the context's `default_map`, and an option given on the command line wins."""

    def decorate(func: F) -> F:
        func = click.option(
            "--isolated",
            is_flag=True,
            is_eager=True,
            expose_value=False,
            callback=partial(_configure, command),
            help="Ignorer tout fichier de configuration. / Ignore every configuration file.",
        )(func)
        func = click.option(
            "--config",
            "config_file",
            metavar="FICHIER",
            is_eager=True,
            expose_value=False,
            callback=partial(_configure, command),
            help="Lire les options dans ce fichier (.doctrine-lint.yaml ou pyproject.toml), sans "
            "recherche ; sinon le premier trouvé du dossier courant vers le haut. / Read options "
            "from this file instead of the one found upward.",
        )(func)
        return func

    return decorate


def _configure(command: str, ctx: click.Context, param: click.Parameter, value: Any) -> Any:
    """Called for --config and for --isolated (both always are, given or not): once both are
    known, load the configuration and make it the defaults of the command's options."""
    seen: dict[str, Any] = ctx.meta.setdefault(f"{_CONFIG}.{id(ctx)}", {})
    seen[str(param.name)] = value
    if len(seen) < 2:
        return value
    path, isolated = seen["config_file"], seen["isolated"]
    if path is not None and isolated:
        raise click.UsageError(
            _tr(
                Msg(
                    "--config et --isolated s'excluent (--isolated ignore tout fichier de configuration)",
                    "--config and --isolated exclude each other (--isolated ignores every configuration file)",
                )
            )
        )
    from .config import find_config, load_config

    try:
        found = None if isolated else load_config(path) if path is not None else find_config()
    except DoctrineLintError as exc:
        _fail(exc)
    ctx.meta[_CONFIG] = found
    if found is not None:
        ctx.default_map = {**found.defaults(command), **(ctx.default_map or {})}
        _config_lang(found.defaults(command).get("lang"))
    return value


def _applied_config(ctx: click.Context) -> AppliedConfig | None:
    """The configuration in force, with the values the command line did not override."""
    found = ctx.meta.get(_CONFIG)
    if found is None:
        return None
    applied: AppliedConfig = found.applied(
        name for name in ctx.params if ctx.get_parameter_source(name) is ParameterSource.DEFAULT_MAP
    )
    return applied


def jobs_option(what: Msg) -> Callable[[F], F]:
    """`-j/--jobs`, shared by the commands that lint batches; `what` they write (« sortie », « revue »)."""
    return click.option(
        "-j",
        "--jobs",
        type=click.IntRange(min=0),
        default=1,
        show_default=True,
        metavar="N",
        help=f"Analyser dans N processus (0 : un par cœur) ; {what.fr} identique à un seul processus. / Lint in "
        f"N worker processes (0: one per core); same {what.en} as one process.",
    )


lang_option = click.option(
    "--lang",
    type=click.Choice(LANGS),
    default="fr",
    show_default=True,
    envvar=LANG_ENV,
    help="Langue des rapports et des erreurs (aussi DOCTRINE_LINT_LANG). / Report and error language.",
)


def _load(packs: Sequence[str], only: bool) -> list[Any]:
    from .packs import load_packs

    if only and not packs:
        raise UsageError.single(
            "--only-packs",
            0,
            0,
            Msg("--only-packs demande au moins un --pack", "--only-packs needs at least one --pack"),
        )
    loaded = load_packs(packs, shipped=not only)
    # The packs live until the process ends: out of the collector's sight, full collections no
    # longer walk the thousands of objects they hold (a fifth of a one-manifest run's CPU). The
    # start-up threshold (`startup`) then gives way to the default for the linting itself.
    import gc

    from .startup import DEFAULT_THRESHOLD, START_THRESHOLD

    gc.freeze()
    if gc.get_threshold() == START_THRESHOLD:  # not a threshold the caller chose
        gc.set_threshold(*DEFAULT_THRESHOLD)
    return loaded


def _report_targets(values: Iterable[str]) -> list[tuple[str, str]]:
    from .formats import FORMATS

    out = []
    for value in values:
        name, sep, target = value.partition(":")
        if not sep or not target or name not in FORMATS:
            raise click.BadParameter(
                _tr(
                    Msg(
                        f"« {value} » : attendu FORMAT:FICHIER avec FORMAT parmi {', '.join(FORMATS)}",
                        f"'{value}': expected FORMAT:FILE with FORMAT among {', '.join(FORMATS)}",
                    ).then(did_you_mean(name, FORMATS), "")
                ),
                param_hint="--report",
            )
        # checked before any work, so a typo never leaves a half-written set of reports
        folder = Path(target).parent
        if not folder.is_dir() or not os.access(folder, os.W_OK) or Path(target).is_dir():
            raise click.BadParameter(
                _tr(
                    Msg(
                        f"« {target} » ne peut pas être écrit (dossier absent ou protégé)",
                        f"'{target}' cannot be written (missing or protected folder)",
                    )
                ),
                param_hint="--report",
            )
        out.append((name, target))
    return out


class DefaultGroup(click.Group):
    """A group whose default command is `lint`: `doctrine-lint manifest.yaml` just works; its
    usage errors are in the run's language (`clicktext`)."""

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        """click's `main`, with its errors shown by `clicktext` in the language of the run."""
        lang = _error_lang(args)
        _run["chosen"] = _chosen_lang(args) or ""
        clicktext.install()
        _set_lang(lang)
        try:
            code = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except click.ClickException as exc:
            if not standalone_mode:
                raise
            clicktext.show(exc, _lang())
            sys.exit(exc.exit_code)
        except click.Abort:
            if not standalone_mode:
                raise
            click.echo(clicktext.aborted(_lang()), err=True)
            sys.exit(1)
        if not standalone_mode:
            return code
        sys.exit(code if isinstance(code, int) else 0)

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h", "--version"):
            args = ["lint", *args]
        return super().parse_args(ctx, args)


@click.group(cls=DefaultGroup, epilog=EXIT_HELP, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="doctrine-lint")
def cli() -> None:
    """Vérifie un manifeste d'architecture déclarée au regard de la Doctrine technique du
    numérique pour l'éducation (interopérabilité, sécurité, numérique responsable).

    Checks a declared architecture manifest against the French education digital doctrine.
    Default command: lint (doctrine-lint MANIFESTE…).
    """
    _show_renamed_warnings()


def _show_renamed_warnings() -> None:
    """A renamed rule id used anywhere (dérogation, baseline, profile, --select…) is accepted with
    a warning on stderr that gives the new id (`renames`). A cache folder that is not private is
    named once, on one line (`packcache`)."""
    import warnings

    from .packcache import CacheFolderWarning
    from .renames import RenamedRuleWarning

    original = warnings.showwarning

    def show(message: Warning | str, category: type[Warning], *args: Any, **kwargs: Any) -> None:
        if issubclass(category, (RenamedRuleWarning, CacheFolderWarning)):
            _say("warning", message.msg.get(_lang()) if isinstance(message, LocalizedWarning) else message)
        else:
            original(message, category, *args, **kwargs)

    if getattr(original, "__name__", "") != "show":
        warnings.showwarning = show
    warnings.simplefilter("always", RenamedRuleWarning)
    warnings.simplefilter("once", CacheFolderWarning)


@cli.command(epilog=EXIT_HELP)
@click.argument("manifests", nargs=-1, metavar="MANIFESTE…")
@config_options("lint")
@pack_options
@selection_options
@click.option(
    "--format",
    "fmt",
    type=click.Choice(
        ["text", "concise", "github", "json", "jsonl", "sarif", "junit", "gitlab", "markdown", "html"]
    ),
    default="text",
    show_default=True,
    help="Format de sortie (concise : une ligne par constat ; github : annotations GitHub Actions ; "
    "jsonl : une ligne JSON par manifeste, pour les gros lots). / Output format.",
)
@jobs_option(Msg("sortie", "output"))
@click.option(
    "-q",
    "--quiet",
    is_flag=True,
    help="Rien sur la sortie standard si l'analyse passe (code 0) ; sinon les constats seuls, sans scores ni "
    "résumé (text, concise, github ; les autres formats restent entiers). / Nothing when the run passes, "
    "findings only otherwise.",
)
@click.option(
    "--statistics",
    is_flag=True,
    help="Compter les constats par règle au lieu de les lister (avec --format text ou concise). / Count "
    "findings per rule instead of listing them.",
)
@click.option(
    "--stdin-filename",
    metavar="CHEMIN",
    help="Nom du manifeste lu sur l'entrée standard (« - ») : positions, empreintes et chemins de preuve "
    "relatifs à son dossier ; seul, lit l'entrée standard. / Name of the manifest read from stdin.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, writable=True),
    help="Écrire le rapport dans ce fichier. / Write the report to this file.",
)
@click.option(
    "--fail-on",
    type=click.Choice(FAIL_LEVELS),
    default="mineur",
    show_default=True,
    help="Sévérité minimale qui fait échouer (code 1). / Lowest failing severity.",
)
@click.option(
    "--fail-under",
    type=PERCENT,
    help="Taux de conformité global minimal (0-100, sur ce qui est décidé). / Minimum overall conformity rate.",
)
@click.option(
    "--min-completeness",
    type=PERCENT,
    help="Taux de complétude global minimal (0-100, part décidée). / Minimum overall completeness rate.",
)
@lang_option
@click.option("--no-color", is_flag=True, help="Sans couleurs (NO_COLOR est aussi respecté). / No colours.")
@click.option(
    "--date",
    "when",
    metavar="AAAA-MM-JJ",
    help="Date d'évaluation (défaut : aujourd'hui), pour des résultats reproductibles.",
)
@click.option(
    "--show-all",
    is_flag=True,
    help="Montrer aussi les règles conformes et non applicables. / Show passing rules too.",
)
@click.option(
    "--report",
    "reports",
    multiple=True,
    metavar="FORMAT:FICHIER",
    help="Écrire aussi un rapport dans ce format (répétable), ex. --report sarif:out.sarif --report html:rapport.html.",
)
@click.option(
    "--baseline",
    "baseline_file",
    type=click.Path(dir_okay=False),
    help="Ne signaler que les constats absents de cette référence ; lister ceux corrigés depuis.",
)
@click.option(
    "--write-baseline",
    "write_baseline_file",
    type=click.Path(dir_okay=False),
    help="Enregistrer les constats actuels comme référence.",
)
@click.option(
    "--profile",
    "profile_file",
    type=click.Path(dir_okay=False),
    help="Appliquer un profil d'acceptation (scores minimaux, règles exigées).",
)
@click.option(
    "--no-derogations",
    is_flag=True,
    help="Mode relecteur : ignorer toutes les dérogations du manifeste et montrer l'écart de score. / Reviewer mode: ignore every waiver.",
)
@click.option(
    "--decided-by",
    type=click.Choice(["preuve", "declaration"]),
    help="Ne lister que les constats décidés par une preuve (export d'outil officiel) ou sur la seule "
    "déclaration du manifeste ; les scores restent calculés sur tout. / Only list findings decided by "
    "evidence, or by the manifest's word alone.",
)
def lint(
    manifests: tuple[str, ...],
    packs: tuple[str, ...],
    only_packs: bool,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    min_evidence: str | None,
    fmt: str,
    quiet: bool,
    statistics: bool,
    stdin_filename: str | None,
    output: str | None,
    fail_on: str,
    fail_under: float | None,
    min_completeness: float | None,
    lang: str,
    no_color: bool,
    when: str | None,
    show_all: bool,
    reports: tuple[str, ...],
    baseline_file: str | None,
    write_baseline_file: str | None,
    profile_file: str | None,
    no_derogations: bool,
    decided_by: str | None,
    jobs: int,
) -> None:
    """Évalue un ou plusieurs manifestes (« - » : l'entrée standard). / Lint one or more manifests
    (« - »: standard input)."""
    from .baseline import load as load_baseline
    from .files import StdinSource
    from .formats import STREAMED, RenderOptions, get_formatter, piece_makers
    from .linter import LintOptions, expand_manifests, iter_results, start, write_baseline
    from .model import Severity
    from .packs import all_rules
    from .profiles import load_profile
    from .progress import tracked
    from .progress import wanted as progress_wanted
    from .renames import renamed_ids

    if stdin_filename is not None and not manifests:
        manifests = ("-",)  # as ruff: the name alone says the manifest comes on standard input
    if not manifests:
        raise click.UsageError(
            _tr(
                Msg(
                    "aucun manifeste donné (doctrine-lint MANIFESTE.yaml…, ou - pour l'entrée standard)",
                    "no manifest given (doctrine-lint MANIFEST.yaml…, or - for standard input)",
                )
            )
        )
    if stdin_filename is not None and "-" not in manifests:
        raise click.UsageError(
            _tr(
                Msg(
                    "--stdin-filename nomme le manifeste lu sur l'entrée standard : donnez aussi « - »",
                    '--stdin-filename names the manifest read on standard input: give "-" too',
                )
            )
        )
    if statistics and fmt not in ("text", "concise"):
        raise click.BadParameter(
            _tr(
                Msg(
                    f"--statistics remplace la liste des constats : --format text ou concise, pas {fmt}",
                    f"--statistics replaces the list of findings: --format text or concise, not {fmt}",
                )
            ),
            param_hint="--statistics",
        )
    today = _parse_date(when)
    targets = _report_targets(reports)
    streamed = False
    try:
        files = expand_manifests(
            manifests, StdinSource(getattr(sys.stdin, "buffer", None), stdin_filename or None)
        )
        loaded = _load(packs, only_packs)
        options = LintOptions(
            select=tuple(_split(select)),
            ignore=tuple(_split(ignore)),
            min_evidence=min_evidence,
            decided_by=decided_by,
            today=today,
            ignore_derogations=no_derogations,
            baseline=load_baseline(Path(baseline_file)) if baseline_file else None,
            profile=load_profile(profile_file, all_rules(loaded), renamed_ids(loaded))
            if profile_file
            else None,
            fail_on=None if fail_on == "aucun" else Severity.from_slug(fail_on),
            fail_under=fail_under,
            min_completeness=min_completeness,
            config=_applied_config(click.get_current_context()),
        )
        if options.baseline is not None and options.baseline.legacy:
            from .baseline import LEGACY_WARNING

            _say("warning", f"{baseline_file}: {LEGACY_WARNING.get(_lang())}")
        report = start(loaded, options)
        opts = RenderOptions(lang=lang, show_all=show_all, quiet=quiet)
        whole = RenderOptions(lang=lang, show_all=show_all)  # --report files are kept: --quiet is for stdout
        main = "statistics" if statistics else fmt
        presented = output is None and main == "text" and not quiet and sys.stdout.isatty()
        # written as the manifests are linted, nothing kept, when every output can be
        streamed = (
            not presented
            and not write_baseline_file
            and main in STREAMED
            and all(name in STREAMED for name, _ in targets)
        )
        specs = [(main, opts), *((name, whole) for name, _ in targets)] if streamed else []
        # forked workers turn results into the outputs' pieces: the parent only writes them
        prepare = piece_makers(report, specs) if specs else None
        items = iter_results(files, loaded, options, _jobs(jobs), report=report, prepare=prepare)
        # a bar on standard error, unless the report itself scrolls by on the same terminal
        scrolls = streamed and output is None and sys.stdout.isatty()
        if progress_wanted(len(files), quiet, sys.stderr) and not scrolls:
            items = tracked(items, len(files), lang, sys.stderr)
        if streamed:
            _stream_run(report, items, options, main, opts, output, [(n, whole, t) for n, t in targets])
        else:
            _drain(items, lambda item: report.add(item, options))
            if write_baseline_file:
                write_baseline(report, Path(write_baseline_file))
    except DoctrineLintError as exc:
        _fail(exc)
    if not streamed:
        _print_run(report, main, opts, output, presented, no_color)
        for name, target in targets:
            _write(target, get_formatter(name)(report, whole))
    for problem in report.errors:
        _say("error", problem.render(_lang()))
    sys.exit(report.exit_code)


def _drain(items: Iterable[Item], each: Callable[[Item], object]) -> None:
    """`each` item of the batch; on Ctrl-C or an error, the batch is closed at once (the workers
    stopped, the progress bar erased) before anything is said on stderr."""
    try:
        for item in items:
            each(item)
    finally:
        close = getattr(items, "close", None)
        if close is not None:
            close()


def _jobs(jobs: int) -> int:
    if jobs != 0:  # the worker machinery (multiprocessing) is only imported when it runs
        return jobs
    from .batch import cores

    return cores()


def _print_run(
    report: Report, main: str, opts: RenderOptions, output: str | None, presented: bool, no_color: bool
) -> None:
    """A whole run's report on standard output (or `-o`), after every manifest was linted."""
    from .formats import QUIET_FORMATS, get_formatter

    if (
        opts.quiet
        and output is None
        and main in (*QUIET_FORMATS, "statistics")
        and report.exit_code == ExitCode.OK
    ):
        return  # --quiet: a run that passes prints nothing (errors and warnings still go to stderr)
    if presented:
        from rich.console import Console

        from .console import present

        # no emoji codes: ":name:" in a manifest's text stays text
        present(report, Console(no_color=no_color or None, highlight=False, emoji=False), opts)
        return
    text = get_formatter(main)(report, opts)
    if output is not None:
        _write(output, text)
    else:
        click.echo(text, nl=False)


def _open(target: str) -> IO[str]:
    try:
        return open(target, "w", encoding="utf-8")
    except OSError as exc:
        _fail(DoctrineLintError.single(target, 0, 0, cannot_write(exc)))


def _stream_run(
    report: Report,
    items: Iterable[Item],
    options: LintOptions,
    main: str,
    opts: RenderOptions,
    output: str | None,
    targets: list[tuple[str, RenderOptions, str]],
) -> None:
    """Lint and write at once: each result goes to every output as it comes, then is dropped.

    Under --quiet a run that passes prints nothing on standard output: what a quiet format says
    (the findings alone) is held until the exit code is known."""
    from .formats import QUIET_FORMATS, Streams
    from .linter import Prepared, Unreadable

    held: list[str] = []
    hold = opts.quiet and output is None and main in QUIET_FORMATS
    with contextlib.ExitStack() as files:
        main_write: Callable[[str], object]
        if output is not None:
            main_write = files.enter_context(_open(output)).write
        else:
            main_write = held.append if hold else sys.stdout.write
        outputs = [(main, opts, main_write)]
        outputs += [(name, o, files.enter_context(_open(target)).write) for name, o, target in targets]
        streams = Streams(report, outputs)

        def write(item: Item) -> None:
            report.add(item, options, keep=False)
            if isinstance(item, Prepared):
                streams.push_pieces(item.payload)
            elif not isinstance(item, Unreadable):
                streams.push(item)

        _drain(items, write)
        streams.close()
    if held and report.exit_code != ExitCode.OK:
        sys.stdout.write("".join(held))
    sys.stdout.flush()


@cli.group(invoke_without_command=True)
@config_options("rules")
@pack_options
@selection_options
@lang_option
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json", "markdown"]), default="text", show_default=True
)
@click.pass_context
def rules(
    ctx: click.Context,
    packs: tuple[str, ...],
    only_packs: bool,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    min_evidence: str | None,
    lang: str,
    fmt: str,
) -> None:
    """Liste les règles chargées (id, sévérité, chapitre, titre). / List the rules."""
    if ctx.invoked_subcommand is not None:
        return
    import json

    from .chapters import chapter_label
    from .i18n import evidence, severity
    from .model import natural_key, referentiel_rank
    from .packs import all_rules
    from .renames import renamed_ids
    from .selection import at_least, select_rules

    try:
        loaded = _load(packs, only_packs)
        chosen = at_least(
            select_rules(all_rules(loaded), _split(select), _split(ignore), renamed_ids(loaded)), min_evidence
        )
    except DoctrineLintError as exc:
        _fail(exc)
    # référentiels in their usual order, then ids naturally (RGESN-1.2 before RGESN-1.10)
    loaded = sorted(loaded, key=lambda p: (referentiel_rank(p.referentiel), p.id))
    chosen = sorted(chosen, key=lambda r: (referentiel_rank(r.referentiel), natural_key(r.id)))
    if fmt == "markdown":
        from .explain import catalogue_markdown

        click.echo(visible_lines(catalogue_markdown(loaded, chosen, lang)), nl=False)
        return
    if fmt == "json":
        rows = [
            {
                "id": r.id,
                "severity": r.severity.slug,
                "referentiel": r.referentiel,
                "chapter": r.chapter,
                "chapter_label": chapter_label(r.chapter_title, lang),
                "pack": r.pack_id,
                "evidence": r.provenance.evidence.value,
                "title": r.title.get(lang),
            }
            for r in chosen
        ]
        click.echo(json_safe(json.dumps(rows, ensure_ascii=False, indent=2)))
        return
    width = max((len(r.id) for r in chosen), default=4)
    for r in chosen:
        click.echo(
            visible(
                f"{r.id:<{width}}  {severity(r.severity, lang):<9} {r.referentiel:<22} {r.chapter:<16} "
                f"{evidence(r.provenance.evidence, lang):<26} {r.title.get(lang)}"
            )
        )
    click.echo(f"{len(chosen)} règle(s)" if lang == "fr" else f"{len(chosen)} rule(s)")


@rules.command("test")
@click.argument("pack_files", nargs=-1, metavar="[PACK…]")
@click.option(
    "--date",
    "when",
    metavar="AAAA-MM-JJ",
    help="Date d'évaluation des exemples (défaut : examples_date du pack, sinon aujourd'hui).",
)
@click.option("-v", "--verbose", is_flag=True, help="Afficher chaque exemple. / Show every example.")
def rules_test(pack_files: tuple[str, ...], when: str | None, verbose: bool) -> None:
    """Exécute les exemples de chaque règle. / Run every rule's examples."""
    from .packs import all_derivations, load_packs
    from .ruletest import run_examples

    try:
        loaded = load_packs(pack_files, shipped=not pack_files)
        # packs tested alone still see the facts derived by the shipped packs (e.g. the level)
        context = load_packs(pack_files) if pack_files else loaded
    except DoctrineLintError as exc:
        _fail(exc)
    today = _parse_date(when) if when else None
    results = run_examples(loaded, today, all_derivations(context))
    failed = 0
    for r in results:
        if r.ok:
            if verbose:
                click.echo(
                    visible(f"ok    {r.source}: {r.rule_id} exemple {r.index + 1} ({r.expected.value})")
                )
            continue
        failed += 1
        detail = r.problem or f"attendu {r.expected.value}, obtenu {r.actual.value if r.actual else '?'}"
        click.echo(visible(f"ÉCHEC {r.source}: {r.rule_id} exemple {r.index + 1} : {detail}"))
    click.echo(f"{len(results) - failed} passed, {failed} failed")
    sys.exit(ExitCode.FINDINGS if failed else ExitCode.OK)


@cli.command()
@click.argument("rule_id", required=False, shell_complete=_complete_rule_ids)
@click.option(
    "--score",
    "score_manifest",
    metavar="MANIFESTE",
    help="Expliquer les scores de ce manifeste. / Explain this manifest's scores.",
)
@config_options("explain")
@pack_options
@lang_option
@click.option("--date", "when", metavar="AAAA-MM-JJ", help="Date d'évaluation (défaut : aujourd'hui).")
def explain(
    rule_id: str | None,
    score_manifest: str | None,
    packs: tuple[str, ...],
    only_packs: bool,
    lang: str,
    when: str | None,
) -> None:
    """Explique une règle, ou le calcul des scores d'un manifeste (--score). / Explain a rule or a score."""
    from .explain import rule_markdown, score_explanation
    from .linter import lint as run_lint

    if (rule_id is None) == (score_manifest is None):
        raise click.UsageError(
            _tr(
                Msg(
                    "donnez soit un identifiant de règle, soit --score MANIFESTE",
                    "give either a rule id or --score MANIFEST",
                )
            )
        )
    try:
        loaded = _load(packs, only_packs)
        if score_manifest is not None:
            report = run_lint([score_manifest], loaded, today=_parse_date(when))
            if report.errors:
                raise DoctrineLintError(report.errors)
            click.echo(visible_lines(score_explanation(report.results[0], lang)), nl=False)
            return
        found = [(p, r) for p in loaded for r in p.rules if r.id == rule_id]
        from .i18n import colon
        from .synthetic import SYNTHETIC_RULES

        if not found and rule_id in SYNTHETIC_RULES:
            # a finding doctrine-lint gives of its own (dérogations, profiles, evidence files)
            own = SYNTHETIC_RULES[rule_id]
            click.echo(
                f"# {own.id} — {own.title.get(lang)}\n\n{own.description.get(lang)}\n\n"
                f"**{'Remediation' if lang == 'en' else 'Remédiation'}**{colon(lang)}{own.remediation.get(lang)}\n"
            )
            return
        if not found:
            known = [*(r.id for p in loaded for r in p.rules), *SYNTHETIC_RULES]
            raise UsageError.single("explain", 0, 0, unknown_rule(str(rule_id), known))
    except DoctrineLintError as exc:
        _fail(exc)
    pack, rule = found[0]
    text = visible_lines(rule_markdown(rule, pack, lang))
    if sys.stdout.isatty():
        from rich.console import Console
        from rich.markdown import Markdown

        Console(emoji=False).print(Markdown(text))
    else:
        click.echo(text, nl=False)


DIFF_EXIT_HELP = """\b
Codes de sortie / exit codes:
  0  la nouvelle version n'apporte aucun nouvel échec au niveau --fail-on ou au-dessus
  1  au moins un nouvel échec (nouveau constat non conforme ou à renseigner, ou constat qui se
     met à échouer ou dont la sévérité monte) au niveau --fail-on ou au-dessus
  2  erreur d'utilisation, manifeste, rapport ou pack invalide
  3  erreur interne (bogue de doctrine-lint)
"""


def comparison_options(func: F) -> F:
    """Options shared by `diff` and `impact`: how the manifests are linted and shown."""
    for option in reversed(
        [
            click.option(
                "--format",
                "fmt",
                type=click.Choice(["text", "markdown", "json"]),
                default="text",
                show_default=True,
                help="Format de sortie (markdown : pour un commentaire de merge request). / Output format.",
            ),
            click.option(
                "-o",
                "--output",
                type=click.Path(dir_okay=False, writable=True),
                help="Écrire le résultat dans ce fichier. / Write the result to this file.",
            ),
            lang_option,
            click.option(
                "--date", "when", metavar="AAAA-MM-JJ", help="Date d'évaluation (défaut : aujourd'hui)."
            ),
            click.option(
                "--profile",
                "profile_file",
                type=click.Path(dir_okay=False),
                help="Appliquer un profil d'acceptation aux manifestes (verdict du profil avant → après). "
                "/ Apply an acceptance profile.",
            ),
            click.option(
                "--no-derogations",
                is_flag=True,
                help="Mode relecteur : ignorer les dérogations des manifestes. / Ignore waivers.",
            ),
        ]
    ):
        func = option(func)
    return func


def _lint_options(
    loaded: Callable[[], Sequence[Any]],
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    min_evidence: str | None,
    when: str | None,
    no_derogations: bool,
    profile_file: str | None,
) -> Any:
    """The `LintOptions` of a comparison (no threshold: comparisons decide their own exit)."""
    from .linter import LintOptions
    from .packs import all_rules
    from .profiles import load_profile
    from .renames import renamed_ids

    profile = None
    if profile_file:
        packs = loaded()
        profile = load_profile(profile_file, all_rules(packs), renamed_ids(packs))
    return LintOptions(
        select=tuple(_split(select)),
        ignore=tuple(_split(ignore)),
        min_evidence=min_evidence,
        today=_parse_date(when),
        ignore_derogations=no_derogations,
        profile=profile,
        fail_on=None,
    )


def _emit(text: str, output: str | None) -> None:
    if output is not None:
        _write(output, text)
    else:
        click.echo(text, nl=False)


@cli.command(epilog=DIFF_EXIT_HELP)
@click.argument("old", metavar="ANCIEN")
@click.argument("new", metavar="NOUVEAU")
@click.option(
    "--manifest",
    "manifest_name",
    metavar="NOM",
    help="Le manifeste à comparer dans un rapport JSON qui en contient plusieurs (son chemin, ou la "
    "fin de son chemin). / The manifest to compare in a JSON report holding several.",
)
@click.option(
    "--fail-on",
    type=click.Choice(FAIL_LEVELS),
    default="mineur",
    show_default=True,
    help="Sévérité minimale d'un nouvel échec qui fait échouer (code 1). / Lowest failing severity of a new failure.",
)
@comparison_options
@pack_options
@selection_options
def diff(
    old: str,
    new: str,
    manifest_name: str | None,
    fail_on: str,
    fmt: str,
    output: str | None,
    lang: str,
    when: str | None,
    profile_file: str | None,
    no_derogations: bool,
    packs: tuple[str, ...],
    only_packs: bool,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    min_evidence: str | None,
) -> None:
    """Compare deux versions d'une soumission : deux manifestes, ou deux rapports JSON
    (--format json), quels que soient leurs noms de fichier. / Compare two versions of a
    submission: two manifests or two JSON reports, whatever their file names.

    Listés : constats nouveaux, corrigés et modifiés (reconnus par règle et chemin, éléments de
    liste nommés par leur clé d'identité), scores et verdicts qui changent, par référentiel et
    chapitre ; les constats présents dans les deux versions sont comptés, pas listés."""
    from functools import cache

    from .diff import compare, is_report, read_version
    from .formats.diffreport import render
    from .model import Severity

    reports = [s for s in (old, new) if is_report(s)]
    if profile_file and reports:
        raise click.UsageError(
            _tr(
                Msg(
                    "--profile s'applique aux manifestes ; un rapport JSON porte déjà le verdict du profil "
                    "avec lequel il a été écrit",
                    "--profile applies to manifests; a JSON report already carries the verdict of the "
                    "profile it was written with",
                )
            )
        )
    if manifest_name is not None and not reports:
        raise click.UsageError(
            _tr(
                Msg(
                    "--manifest choisit un manifeste dans un rapport JSON : donnez au moins un rapport",
                    "--manifest picks a manifest in a JSON report: give at least one report",
                )
            )
        )
    loaded = cache(partial(_load, packs, only_packs))
    try:
        options = _lint_options(loaded, select, ignore, min_evidence, when, no_derogations, profile_file)
        before = read_version(old, loaded, options, lang, manifest_name)
        after = read_version(new, loaded, options, lang, manifest_name)
    except DoctrineLintError as exc:
        _fail(exc)
    result = compare(before, after)
    threshold = None if fail_on == "aucun" else Severity.from_slug(fail_on)
    _emit(render(result, fmt, lang, (old, new), threshold), output)
    sys.exit(ExitCode.FINDINGS if result.regressions(threshold) else ExitCode.OK)


IMPACT_EXIT_HELP = """\b
Codes de sortie / exit codes:
  0  aucune soumission ne change de verdict (statut global, verdict du profil)
  1  au moins une soumission change de verdict
  2  erreur d'utilisation, pack invalide, ou soumission illisible (listée ; les autres sont comparées)
  3  erreur interne (bogue de doctrine-lint)
"""


@cli.command(epilog=IMPACT_EXIT_HELP)
@click.argument("corpus", nargs=-1, metavar="SOUMISSION…")
@click.option(
    "--packs-old",
    metavar="DOSSIER",
    help="Les packs d'avant : un dossier de packs YAML, ou « shipped » (les packs livrés). / Old packs.",
)
@click.option(
    "--packs-new",
    metavar="DOSSIER",
    help="Les packs d'après : un dossier de packs YAML, ou « shipped ». / New packs.",
)
@click.option(
    "--reports",
    nargs=2,
    metavar="ANCIEN.json NOUVEAU.json",
    help="Au lieu de relancer l'analyse : deux rapports JSON du même corpus (causes sans effet chiffré). "
    "/ Two JSON reports of the same corpus instead.",
)
@click.option(
    "--threshold",
    type=PERCENT,
    default=0.1,
    show_default=True,
    help="Écart minimal d'un taux, en points, pour qu'une soumission change. / Smallest rate move that counts.",
)
@comparison_options
@selection_options
def impact(
    corpus: tuple[str, ...],
    packs_old: str | None,
    packs_new: str | None,
    reports: tuple[str, str] | None,
    threshold: float,
    fmt: str,
    output: str | None,
    lang: str,
    when: str | None,
    profile_file: str | None,
    no_derogations: bool,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    min_evidence: str | None,
) -> None:
    """Mesure l'effet d'une mise à jour des packs sur un corpus : soumissions dont le verdict ou
    les scores changent, et règles en cause. / Measure a pack upgrade on a corpus: submissions
    whose verdict or scores change, and the rules that cause it."""
    from .files import StdinSource
    from .formats.impactreport import render
    from .impact import compare_reports, load_pack_set, measure
    from .linter import expand_manifests
    from .reportfile import read_report

    live = bool(corpus or packs_old or packs_new)
    if live == bool(reports) or (live and not (corpus and packs_old and packs_new)):
        raise click.UsageError(
            _tr(
                Msg(
                    "donnez soit un corpus avec --packs-old et --packs-new, soit --reports ANCIEN.json NOUVEAU.json",
                    "give either a corpus with --packs-old and --packs-new, or --reports OLD.json NEW.json",
                )
            )
        )
    try:
        if reports:
            old_report, new_report = read_report(reports[0]), read_report(reports[1])
            result = compare_reports(old_report.manifests, new_report.manifests, threshold)
            sets = (reports[0], reports[1])
        else:
            assert packs_old is not None and packs_new is not None
            old_packs, new_packs = load_pack_set(packs_old), load_pack_set(packs_new)
            options = _lint_options(
                lambda: new_packs, select, ignore, min_evidence, when, no_derogations, profile_file
            )
            files = expand_manifests(corpus, StdinSource(getattr(sys.stdin, "buffer", None)))
            result = measure(files, old_packs, new_packs, options, lang, threshold)
            sets = (packs_old, packs_new)
    except DoctrineLintError as exc:
        _fail(exc)
    _emit(render(result, fmt, lang, sets), output)
    for file, _side, problems in result.unreadable:
        for problem in problems:
            _say(
                "error",
                problem.render(_lang()) if problem.file == file else f"{file}: {problem.render(_lang())}",
            )
    if result.unreadable:
        sys.exit(ExitCode.ERROR)
    sys.exit(ExitCode.FINDINGS if any(s.verdict_changed for s in result.submissions) else ExitCode.OK)


REVIEW_FORMATS = ("text", "csv", "html", "json", "markdown")


@cli.command(
    epilog="""\b
Codes de sortie / exit codes:
  0  revue produite (une revue est un rapport, pas un seuil : voir lint --fail-on, --profile)
  2  au moins un dossier illisible (listé, les autres sont évalués), ou erreur d'utilisation
  3  erreur interne (bogue de doctrine-lint)
"""
)
@click.argument("paths", nargs=-1, metavar="CHEMIN…")
@click.option(
    "--from-list",
    "from_list",
    metavar="FICHIER",
    help="Lire les dossiers dans ce fichier, un chemin par ligne (relatif au dossier de la liste). "
    "/ Read the submissions from this file, one path per line.",
)
@config_options("review")
@pack_options
@selection_options
@lang_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(REVIEW_FORMATS),
    default="text",
    show_default=True,
    help="Format de la revue. / Review format.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, writable=True),
    help="Écrire la revue dans ce fichier. / Write the review to this file.",
)
@click.option(
    "--level",
    type=click.Choice(["referentiel", "chapter"]),
    default="referentiel",
    show_default=True,
    help="Colonnes : par référentiel, ou aussi par chapitre (text, csv, html, markdown ; le JSON a tout). "
    "/ Columns per référentiel, or per chapter too.",
)
@click.option(
    "--sort",
    "sort_name",
    default="global",
    show_default=True,
    metavar="CLÉ",
    help="Classer par global, completeness, bloquants, name, file, un référentiel (securite) ou "
    "référentiel:chapitre. / Rank by this column.",
)
@click.option(
    "--reverse", is_flag=True, help="Afficher le classement à l'envers. / Show the ranking reversed."
)
@click.option(
    "--kind",
    "kinds",
    multiple=True,
    metavar="NATURE",
    help="Ne montrer que ces natures de service (ent-1d, ent-2d, ressource…, séparées par des virgules). "
    "/ Only these kinds of service.",
)
@click.option(
    "--verdict",
    "verdicts",
    multiple=True,
    metavar="STATUT",
    help="Ne montrer que ces statuts globaux (conforme, partiellement-conforme, non-conforme, incomplet). "
    "/ Only these overall statuses.",
)
@click.option(
    "--min-score",
    type=PERCENT,
    help="Ne montrer que les dossiers de conformité globale au moins égale (0-100). / Minimum overall conformity.",
)
@click.option(
    "--reports-dir",
    metavar="DOSSIER",
    help="Écrire le rapport HTML de chaque dossier montré dans ce dossier, et y renvoyer depuis la revue. "
    "/ Write each shown submission's HTML report there and link to it.",
)
@click.option(
    "--profile",
    "profile_file",
    type=click.Path(dir_okay=False),
    help="Appliquer un profil d'acceptation : son verdict pour chaque dossier. / Apply an acceptance profile.",
)
@click.option(
    "--no-derogations",
    is_flag=True,
    help="Mode relecteur : ignorer les dérogations des manifestes. / Reviewer mode: ignore every waiver.",
)
@click.option("--no-color", is_flag=True, help="Sans couleurs. / No colours.")
@click.option("--date", "when", metavar="AAAA-MM-JJ", help="Date d'évaluation (défaut : aujourd'hui).")
@jobs_option(Msg("revue", "review"))
def review(
    paths: tuple[str, ...],
    from_list: str | None,
    packs: tuple[str, ...],
    only_packs: bool,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    min_evidence: str | None,
    lang: str,
    fmt: str,
    output: str | None,
    level: str,
    sort_name: str,
    reverse: bool,
    kinds: tuple[str, ...],
    verdicts: tuple[str, ...],
    min_score: float | None,
    reports_dir: str | None,
    profile_file: str | None,
    no_derogations: bool,
    no_color: bool,
    when: str | None,
    jobs: int,
) -> None:
    """Revue de plusieurs dossiers : matrice dossiers × référentiels (× chapitres), classement,
    filtres ; texte, CSV, HTML, JSON, Markdown. / Review many submissions at once: a ranked matrix."""
    from .formats.review import RENDERERS, ReviewOptions
    from .linter import LintOptions, expand_manifests
    from .packs import all_rules
    from .profiles import load_profile
    from .renames import renamed_ids
    from .review import Columns, Filters, build, check_filters, read_list, resolve_rules, results, sort_key

    if not paths and from_list is None:
        raise click.UsageError(
            _tr(
                Msg(
                    "aucun dossier donné (doctrine-lint review DOSSIER/, *.yaml, ou --from-list LISTE)",
                    "no submission given (doctrine-lint review FOLDER/, *.yaml, or --from-list LIST)",
                )
            )
        )
    today = _parse_date(when)
    try:
        named = [*paths, *(read_list(from_list) if from_list is not None else [])]
        files = expand_manifests(named)
        filters = Filters(tuple(_split(kinds)), tuple(_split(verdicts)), min_score)
        check_filters(filters.kinds, filters.verdicts)
        loaded = _load(packs, only_packs)
        options = LintOptions(
            select=tuple(_split(select)),
            ignore=tuple(_split(ignore)),
            min_evidence=min_evidence,
            today=today,
            ignore_derogations=no_derogations,
            profile=load_profile(profile_file, all_rules(loaded), renamed_ids(loaded))
            if profile_file
            else None,
            fail_on=None,
        )
        chosen = resolve_rules(loaded, options)
        columns = Columns.of(loaded, chosen)
        key = sort_key(sort_name, columns)
        write_report = (
            _report_writer(reports_dir, output, loaded, chosen, options, lang) if reports_dir else None
        )
        table = build(
            results(files, loaded, options, _jobs(jobs)), columns, filters=filters, on_result=write_report
        ).sorted(key, reverse)
    except DoctrineLintError as exc:
        _fail(exc)
    opts = ReviewOptions(
        lang=lang,
        level=level,
        today=today,
        packs=loaded,
        profile=options.profile.id if options.profile is not None else None,
    )
    if output is None and fmt == "text" and sys.stdout.isatty():
        from rich.console import Console

        from .formats.review import present

        present(table, Console(no_color=no_color or None, highlight=False, emoji=False), opts)
    else:
        if fmt == "html":
            from .formats.review_html import render_html

            text = visible_lines(render_html(table, opts))
        elif fmt == "json":
            text = json_safe(RENDERERS[fmt](table, opts))
        else:
            text = visible_lines(RENDERERS[fmt](table, opts))
        if output is not None:
            _write(output, text)
        else:
            click.echo(text, nl=False)
    for unreadable in table.unreadable:
        for problem in unreadable.problems:
            _say("error", problem.render(_lang()))
    sys.exit(ExitCode.ERROR if table.unreadable else ExitCode.OK)


def _report_writer(
    folder: str, output: str | None, packs: Sequence[Any], rules: Sequence[Any], options: Any, lang: str
) -> Callable[[Any], str]:
    """`--reports-dir`: write each shown submission's HTML report into `folder` (made if missing)
    and return its link, relative to the review's own file (or the working directory)."""
    from .formats import RenderOptions, get_formatter
    from .linter import Report, failures
    from .review import report_filename

    target = Path(folder)
    try:
        target.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DoctrineLintError.single(folder, 0, 0, cannot_write(exc)) from None
    render = get_formatter("html")
    base = Path(output).parent if output is not None else Path(".")
    day = options.today

    def write(result: Any) -> str:
        report = Report(
            [result], list(packs), list(rules), day, derogations_ignored=options.ignore_derogations
        )
        report.reasons = failures(result, options)
        path = target / report_filename(result.file)
        try:  # a generated name: replaced whole, a link planted there is not followed
            os.replace(_staged(path, render(report, RenderOptions(lang=lang))), path)
        except OSError as exc:
            raise DoctrineLintError.single(str(path), 0, 0, cannot_write(exc)) from None
        return Path(os.path.relpath(path, base)).as_posix()

    return write


@cli.command()
@click.argument(
    "name",
    type=click.Choice(["manifest", "rulepack", "report", "profile", "config", "diff", "review"]),
    default="manifest",
)
def schema(name: str) -> None:
    """Affiche un schéma JSON (manifeste par défaut). / Print a JSON Schema."""
    from .resources import schema_path

    click.echo(schema_path(name).read_text(encoding="utf-8"), nl=False)


def _exists(target: str) -> DoctrineLintError:
    return UsageError.single(
        target,
        0,
        0,
        Msg(
            "le fichier existe déjà : choisissez un autre nom ou ajoutez --force pour le remplacer",
            "the file already exists: choose another name or add --force to overwrite it",
        ),
    )


_KINDS_OF_SERVICE = ("ent-1d", "ent-2d", "ressource", "vie-scolaire", "service-tiers", "service-collectivite")


@cli.command()
@click.argument("target", metavar="FICHIER", default="manifeste.yaml")
@click.option(
    "--kind",
    required=True,
    type=click.Choice(_KINDS_OF_SERVICE),
    help="Nature du service : les faits que lisent les règles qui s'y appliquent. / Kind of service.",
)
@click.option("--force", is_flag=True, help="Remplacer un fichier existant. / Overwrite an existing file.")
@click.option(
    "--date", "when", metavar="AAAA-MM-JJ", help="Date d'évaluation des règles (défaut : aujourd'hui)."
)
@lang_option
@pack_options
def init(
    target: str, kind: str, force: bool, when: str | None, lang: str, packs: tuple[str, ...], only_packs: bool
) -> None:
    """Écrit un manifeste commenté pour une nature de service (FICHIER, « - » : la sortie
    standard), sans jamais remplacer un fichier existant sans --force. / Write a commented
    starting manifest for a kind of service."""
    from .template import as_markdown, render

    today = _parse_date(when)
    if target != "-" and os.path.lexists(target) and not force:  # a dangling link counts too
        _fail(_exists(target))
    try:
        loaded = _load(packs, only_packs)
    except DoctrineLintError as exc:
        _fail(exc)
    shown = ("manifest.yaml" if lang == "en" else "manifeste.yaml") if target == "-" else target
    text = render(loaded, kind, lang, file=shown, today=today)
    if target.lower().endswith((".md", ".markdown")):  # a document: the manifest in a marked block
        text = as_markdown(text, kind, lang)
    if target == "-":
        click.echo(text, nl=False)
        return
    if force:
        _write(target, text)
    else:
        try:  # created, never opened over a file (or a link) that appeared meanwhile
            with open(target, "x", encoding="utf-8") as out:
                out.write(text)
        except FileExistsError:
            _fail(_exists(target))
        except OSError as exc:
            _fail(DoctrineLintError.single(target, 0, 0, cannot_write(exc)))
    done = Msg(
        f"{target} écrit : renseignez les faits en commentaire, puis lancez doctrine-lint {target}",
        f"{target} written: fill in the commented facts, then run doctrine-lint {target} --lang en",
    )
    click.echo(visible(done.get(lang)), err=True)


TENDER_FILES = {
    "fr": ("annexe-cctp.md", "questionnaire-candidats.yaml", "profil-acceptation.yaml"),
    "en": ("specification-annex.md", "bidder-questionnaire.yaml", "acceptance-profile.yaml"),
}


def _tender_analysis(spec: str, packs: tuple[str, ...], only_packs: bool, today: date) -> Any:
    """The specification linted and read as a tender (exit 2 when it cannot be)."""
    from .errors import ManifestError
    from .linter import LintOptions, lint
    from .tender import TenderError, analyse

    try:
        loaded = _load(packs, only_packs)
        # read without its dérogations: a specification that waives a requirement does not make it
        report = lint([spec], loaded, LintOptions(today=today, fail_on=None, ignore_derogations=True))
        if report.errors:
            raise ManifestError(report.errors)
        return analyse(report.results[0], loaded)
    except TenderError:
        _fail(
            UsageError.single(
                spec,
                0,
                0,
                Msg(
                    "le cahier des charges doit déclarer service.kind (la nature du service attendu)",
                    "the specification must declare service.kind (the kind of service wanted)",
                ),
            )
        )
    except DoctrineLintError as exc:
        _fail(exc)


@cli.command()
@click.argument("spec", metavar="CCTP")
@click.option(
    "-o",
    "--out",
    "out_dir",
    metavar="DOSSIER",
    help="Écrire dans ce dossier l'annexe de clauses (Markdown), le questionnaire des candidats et le profil "
    "d'acceptation. / Write the annex, the bidders' questionnaire and the acceptance profile there.",
)
@click.option("--force", is_flag=True, help="Remplacer des fichiers existants. / Overwrite existing files.")
@click.option("--date", "when", metavar="AAAA-MM-JJ", help="Date d'évaluation (défaut : aujourd'hui).")
@lang_option
@pack_options
def tender(
    spec: str,
    out_dir: str | None,
    force: bool,
    when: str | None,
    lang: str,
    packs: tuple[str, ...],
    only_packs: bool,
) -> None:
    """Lit un manifeste (YAML ou CCTP en Markdown) comme le cahier des charges d'un marché :
    complétude face à la doctrine, clauses à ajouter ou à corriger, questionnaire des candidats,
    profil d'acceptation. / Read a manifest as a tender's specification."""
    from .tender import annex, profile, questionnaire, summary

    today = _parse_date(when)
    analysis = _tender_analysis(spec, packs, only_packs, today)
    click.echo(visible_lines(summary(analysis, lang)), nl=False)
    if out_dir is None:
        return
    folder = Path(out_dir)
    names = TENDER_FILES["en" if lang == "en" else "fr"]
    targets = [folder / name for name in names]
    existing = [t for t in targets if os.path.lexists(t)]  # a dangling link counts: never written through
    folders = [t for t in targets if t.is_dir()]
    if folders:  # found before anything is written: the three files go together
        _fail(
            UsageError.single(
                str(folders[0]),
                0,
                0,
                Msg(
                    "un dossier porte ce nom : le fichier ne peut y être écrit",
                    "a folder has this name: the file cannot be written",
                ),
            )
        )
    if existing and not force:
        _fail(
            UsageError.single(
                str(existing[0]),
                0,
                0,
                Msg(
                    "le fichier existe déjà : choisissez un autre dossier ou ajoutez --force pour le remplacer",
                    "the file already exists: choose another folder or add --force to overwrite it",
                ),
            )
        )
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        _fail(DoctrineLintError.single(out_dir, 0, 0, cannot_write(exc)))
    texts = (
        annex(analysis, lang, today),
        questionnaire(analysis, analysis.packs, lang, today),
        profile(analysis, today, lang),
    )
    # all three or none: each is written beside its target, then the three are moved in place
    staged: list[Path] = []
    try:
        for target, text in zip(targets, texts, strict=True):
            staged.append(_staged(target, text))
        for temp, target in zip(staged, targets, strict=True):
            os.replace(temp, target)
    except OSError as exc:
        for temp in staged:
            with contextlib.suppress(OSError):
                temp.unlink()
        _fail(DoctrineLintError.single(str(exc.filename or out_dir), 0, 0, cannot_write(exc)))
    for target in targets:
        click.echo(visible(f"{'written:' if lang == 'en' else 'écrit :'} {target}"), err=True)


@cli.command()
@click.argument("spec", metavar="CCTP")
@click.argument("bids", nargs=-1, required=True, metavar="OFFRE...")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["markdown", "json"]),
    default="markdown",
    show_default=True,
    help="Format de la comparaison. / Output format.",
)
@click.option(
    "-o", "--output", metavar="FICHIER", help="Écrire la comparaison dans ce fichier. / Output file."
)
@click.option("--date", "when", metavar="AAAA-MM-JJ", help="Date d'évaluation (défaut : aujourd'hui).")
@lang_option
@pack_options
def bids(
    spec: str,
    bids: tuple[str, ...],
    fmt: str,
    output: str | None,
    when: str | None,
    lang: str,
    packs: tuple[str, ...],
    only_packs: bool,
) -> None:
    """Compare les offres des candidats au cahier des charges : chaque offre évaluée avec le profil
    dérivé du CCTP, classement, exigences non tenues et faits non déclarés. / Compare bids against
    the tender's specification."""
    import json

    from .linter import LintOptions, expand_manifests, lint
    from .tender import compare, comparison_json, comparison_markdown, derived_profile

    today = _parse_date(when)
    analysis = _tender_analysis(spec, packs, only_packs, today)
    files: list[Any] = []  # paths, as expand_manifests gives them
    problems = []
    for bid in bids:  # a bid that cannot be found is reported; the others are still compared
        try:
            files += expand_manifests([bid])
        except DoctrineLintError as exc:
            problems += exc.problems
    # reviewer mode: a bidder's own dérogations are not the buyer's
    options = LintOptions(today=today, profile=derived_profile(analysis), ignore_derogations=True)
    report = lint(files, analysis.packs, options)
    problems += report.errors
    for problem in problems:
        click.echo(visible(f"doctrine-lint: {_KINDS['error'].get(lang)}: {problem.render(lang)}"), err=True)
    if not report.results:
        _fail(
            UsageError.single(
                spec,
                0,
                0,
                Msg("aucune offre lisible : rien à comparer", "no readable bid: nothing to compare"),
            )
        )
    required, ranked = compare(analysis, report.results)
    if fmt == "json":
        text = (
            json_safe(json.dumps(comparison_json(analysis, required, ranked), ensure_ascii=False, indent=2))
            + "\n"
        )
    else:
        text = visible_lines(comparison_markdown(analysis, required, ranked, lang))
    if output:
        _write(output, text)
    else:
        click.echo(text, nl=False)
    if problems:
        sys.exit(ExitCode.ERROR)


_EVIDENCE_KINDS = ("ara-json", "ara-csv", "mss-csv", "rgesn-xlsx", "rgesn-ods", "rgaa-grille-ods")


@cli.command("import")
@click.argument("kind", type=click.Choice(_EVIDENCE_KINDS), metavar="TYPE")
@click.argument("evidence_file", metavar="FICHIER")
@click.option(
    "-m",
    "--manifest",
    "manifest",
    metavar="MANIFESTE",
    help="Manifeste où écrire les faits (sinon un fragment YAML est affiché). / Manifest to write the facts into.",
)
@click.option(
    "--write",
    is_flag=True,
    help="Remplacer le manifeste (sinon le manifeste modifié est affiché). / Overwrite the manifest.",
)
@click.option(
    "--lang",
    type=click.Choice(LANGS),
    default="fr",
    envvar=LANG_ENV,
    help="Langue des messages (aussi DOCTRINE_LINT_LANG). / Language.",
)
def import_evidence(kind: str, evidence_file: str, manifest: str | None, write: bool, lang: str) -> None:
    """Lit l'export d'un outil officiel (Ara, MonServiceSécurisé, RGESN, grille RGAA) et en écrit
    les faits en YAML. / Read an official tool's export and write its facts as YAML.

    TYPE : ara-json, ara-csv, mss-csv, rgesn-xlsx, rgesn-ods, rgaa-grille-ods."""
    from .document import format_path
    from .evidence import read_evidence
    from .evidence.importer import fragment, write_into

    if manifest is not None and manifest.lower().endswith((".md", ".markdown")):
        _fail(
            UsageError.single(
                manifest,
                0,
                0,
                Msg(
                    "import écrit dans un manifeste YAML, pas dans un document Markdown : lancez-le sans -m "
                    "et collez le fragment affiché dans un bloc « ```yaml doctrine-lint »",
                    "import writes into a YAML manifest, not into a Markdown document: run it without -m "
                    "and paste the fragment it prints into a « ```yaml doctrine-lint » block",
                ),
            )
        )
    try:
        report = read_evidence(kind, Path(evidence_file), evidence_file)
        if manifest is None:
            click.echo(fragment(report, lang), nl=False)
            return
        text, changes = write_into(Path(manifest), report)
    except DoctrineLintError as exc:
        _fail(exc)
    for change in changes:
        before = "—" if change.before is None else change.before
        click.echo(visible(f"{manifest}: {format_path(change.path)} : {before} → {change.after}"), err=True)
    if write:
        _write(manifest, text)
    else:
        click.echo(text, nl=False)


def main() -> None:
    """Console-script entry point: never shows a traceback for bad input.

    Exit 2 when the output cannot be written (full disk, closed stream…), exit 3 for anything
    else that reaches here: a bug, whatever DOCTRINE_LINT_DEBUG says (it only adds the traceback).
    """
    try:
        cli.main(prog_name="doctrine-lint")
    except KeyboardInterrupt:
        sys.exit(130)
    except BrokenPipeError:
        sys.stderr.close()
        sys.exit(ExitCode.OK)
    except OSError as exc:
        # Every file doctrine-lint opens is reported where it is opened; what reaches here is a
        # write to an already open stream (standard output on a full disk, a quota, EIO).
        _silence_stdout()
        reason = exc.strerror or str(exc)
        if exc.filename is not None:
            _last_words(
                f"doctrine-lint: {_KINDS['error'].get(_lang())}: {visible(str(exc.filename))}: {visible(reason)}"
            )
        else:
            why = cannot_write(exc)
            stdout = Msg(f"sortie standard : {why.fr}", f"standard output: {why.en}")
            _last_words(f"doctrine-lint: {_KINDS['error'].get(_lang())}: {stdout.get(_lang())}")
        sys.exit(ExitCode.ERROR)
    except Exception as exc:
        if os.environ.get("DOCTRINE_LINT_DEBUG"):
            import traceback

            traceback.print_exc()
        internal = Msg("erreur interne : ", "internal error: ").get(_lang())
        _last_words(f"doctrine-lint: {internal}{visible(f'{type(exc).__name__}: {exc}')}")
        sys.exit(ExitCode.INTERNAL)


def _silence_stdout() -> None:
    """Point standard output at /dev/null, so the interpreter's final flush of what could not be
    written does not fail again (and turn the exit code into 120)."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass  # no real file descriptor (tests) or already closed: nothing left to protect


def _last_words(message: str) -> None:
    # when standard error itself is unusable, the exit code still tells
    with contextlib.suppress(OSError, ValueError):
        click.echo(message, err=True)
