"""The ``runner`` command: wiring only. Arguments → library calls → output and exit codes.

Every RunnerError becomes ``path:line: message`` on stderr and its exit code here, in one
place; Ctrl-C exits 130. Commands live in small modules and are imported only when run,
so ``runner show --json`` does not pay for rich or for other commands' imports.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any, ClassVar, TypeVar

import click

from runner import __version__
from runner.errors import ExitStatus, RunnerError
from runner.i18n import current_lang

LANG_CHOICE = click.Choice(["nb", "nn", "en"], case_sensitive=False)


class LazyGroup(click.Group):
    """Subcommands by module, imported on first use (keeps start-up fast)."""

    commands_by_module: ClassVar[dict[str, tuple[str, str]]] = {
        "list": ("runner.cli.catalog", "list_cmd"),
        "show": ("runner.cli.catalog", "show_cmd"),
        "lint": ("runner.cli.lint", "lint_cmd"),
        "exec": ("runner.cli.exec", "exec_cmd"),
        "check": ("runner.cli.check", "check_cmd"),
        "kube": ("runner.cli.kube", "kube_cmd"),
        "test": ("runner.cli.test", "test_cmd"),
        "review": ("runner.cli.review", "review_cmd"),
        "stats": ("runner.cli.telemetry", "stats_cmd"),
        "history": ("runner.cli.telemetry", "history_cmd"),
        "telemetry": ("runner.cli.telemetry", "telemetry_cmd"),
        "site": ("runner.cli.site", "site_cmd"),
        "alerts": ("runner.cli.alerts", "alerts_cmd"),
        "serve": ("runner.cli.serve", "serve_cmd"),
    }

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(self.commands_by_module)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = self.commands_by_module.get(cmd_name)
        if target is None:
            return None
        import importlib

        module = importlib.import_module(target[0])
        command: click.Command = getattr(module, target[1])
        return command


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="runner")
@click.option(
    "--lang",
    "lang",
    type=LANG_CHOICE,
    envvar="RUNNER_LANG",
    help="Message language (nb or en). Default: RUNNER_LANG, then LANG.",
)
@click.pass_context
def cli(ctx: click.Context, lang: str | None) -> None:
    """Executable runbooks: read, check and run Markdown and YAML runbooks.

    RUNBOOK is a path, a runbook id or an alert name. Without paths, commands look in
    the project's docs/ and runbooks/ (the folder with mkdocs.yml, searched upwards).
    """
    ctx.obj = {"lang": current_lang(lang)}


def lang_of(ctx: click.Context) -> str:
    obj: dict[str, Any] = ctx.find_root().obj or {}
    return str(obj.get("lang") or current_lang())


def _set_lang(ctx: click.Context, _param: click.Parameter, value: str | None) -> None:
    if value:
        root = ctx.find_root()
        root.obj = {**(root.obj or {}), "lang": current_lang(value)}


F = TypeVar("F", bound=Callable[..., Any])


def lang_option(func: F) -> F:
    """``--lang`` after the subcommand too (``runner lint --lang nb``)."""
    option = click.option(
        "--lang",
        type=LANG_CHOICE,
        expose_value=False,
        callback=_set_lang,
        help="Message language (nb or en).",
    )
    return option(func)


def params_option(help_text: str) -> Callable[[F], F]:
    """``--param/-p K=V`` (repeatable), as every command that takes parameters spells it."""
    return click.option("--param", "-p", "params", multiple=True, metavar="K=V", help=help_text)


def main(argv: list[str] | None = None) -> None:
    try:
        code = cli.main(args=argv, prog_name="runner", standalone_mode=False)
    except RunnerError as exc:
        lang = current_lang(_lang_from_argv(argv))
        click.echo(f"runner: {exc.render(lang)}", err=True)
        from runner.i18n import hint

        tip = hint(exc.code, lang, **exc.args_map)
        if tip:
            click.echo(f"  {tip}", err=True)
        sys.exit(exc.exit_status)
    except click.exceptions.Abort:
        click.echo("", err=True)
        sys.exit(ExitStatus.INTERRUPTED)
    except click.ClickException as exc:
        exc.show()
        sys.exit(ExitStatus.USAGE)
    except KeyboardInterrupt:
        sys.exit(ExitStatus.INTERRUPTED)
    except BrokenPipeError:
        sys.exit(ExitStatus.OK)
    sys.exit(code if isinstance(code, int) else ExitStatus.OK)


def _lang_from_argv(argv: list[str] | None) -> str | None:
    args = sys.argv[1:] if argv is None else argv
    for i, arg in enumerate(args):
        if arg == "--lang" and i + 1 < len(args):
            return args[i + 1]
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1]
    return None
