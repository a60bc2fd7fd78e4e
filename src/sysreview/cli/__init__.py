"""The ``sysreview`` command: a thin shell over the facade.

Commands parse their arguments, call one facade method and print.  Errors the core
raises on purpose (``SysreviewError``) become one line on stderr, a hint, and the
error's exit code -- never a traceback; so does a file that cannot be read or written
(``OSError``: exit code 74).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

import click

from .. import __version__
from ..errors import SysreviewError
from . import (
    account_commands,
    dedup_commands,
    extract_commands,
    fulltext_commands,
    grade_commands,
    ingest_commands,
    meta_command,
    protocol_commands,
    report_commands,
    review_commands,
    revman_commands,
    rob_commands,
    screen_commands,
    screening_commands,
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="sysreview")
@click.option(
    "--review",
    "review_dir",
    type=click.Path(file_okay=False, path_type=str),
    default=None,
    help="The review directory (default: the working directory or its parents).",
)
@click.pass_context
def cli(ctx: click.Context, review_dir: str | None) -> None:
    """sysreview: systematic reviews from search exports to GRADE Summary of Findings."""
    ctx.obj = review_dir


review_commands.register(cli)
cli.add_command(meta_command.meta)
cli.add_command(ingest_commands.convert)
dedup_commands.register(cli)
screen_commands.register(cli)
screening_commands.register(cli)
fulltext_commands.register(cli)
grade_commands.register(cli)
rob_commands.register(cli)
extract_commands.register(cli)
account_commands.register(cli)
report_commands.register(cli)
revman_commands.register(cli)
protocol_commands.register(cli)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point: run the CLI, turning domain errors into one-line messages."""
    try:
        # without standalone mode click returns the code a command exits with
        code = cli.main(
            args=list(argv) if argv is not None else None,
            prog_name="sysreview",
            standalone_mode=False,
        )
    except SysreviewError as exc:
        click.echo(f"error: {' '.join(exc.message.split())}", err=True)
        if exc.hint:
            click.echo(f"hint: {exc.hint}", err=True)
        return exc.exit_code
    except OSError as exc:  # a file the command reads or writes: no traceback
        where = f"{exc.filename}: " if exc.filename else ""
        click.echo(f"error: {where}{exc.strerror or exc}", err=True)
        return 74  # EX_IOERR
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        return 130
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except click.exceptions.Exit as exc:
        return exc.exit_code
    return code if isinstance(code, int) else 0


def run() -> None:
    sys.exit(main())
