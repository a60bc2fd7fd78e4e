"""``sysreview account``: the team's accounts for the team server — add, list, role,
password, remove.  Passwords are read from the terminal (asked twice) or, for
scripts, one line of standard input (``--password-stdin``); never from the command
line, where other users and the shell's history would see them."""

from __future__ import annotations

import json
import sys

import click

from . import review_commands

_STDIN = click.option(
    "--password-stdin", is_flag=True, help="Read the password from one line of standard input."
)


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return str(click.prompt("Password", hide_input=True, confirmation_prompt=True))


@click.group("account")
def account() -> None:
    """The team's accounts.  While a review has none, anyone who names themselves may
    screen and settle conflicts; once it has any, every name acting must have one, the
    team server asks for a password, and only leads settle conflicts."""


@account.command("add")
@click.argument("name")
@click.option(
    "--role",
    type=click.Choice(["lead", "reviewer"]),
    default="reviewer",
    show_default=True,
    help="A lead also settles conflicts (the first account must be a lead's).",
)
@_STDIN
@click.pass_context
def add(ctx: click.Context, name: str, role: str, password_stdin: bool) -> None:
    """Give NAME an account."""
    password = _password(password_stdin)
    with review_commands.open_review(ctx) as review:
        added = review.add_account(name, password, role=role)
    click.echo(f"{added.name} has an account ({added.role})")


@account.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
@click.pass_context
def list_accounts(ctx: click.Context, as_json: bool) -> None:
    """Everyone with an account, and their role."""
    with review_commands.open_review(ctx) as review:
        found = review.accounts()
    rows = [{"name": a.name, "role": a.role, "created_at": a.created_at} for a in found]
    if as_json:
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    for row in rows:
        click.echo(f"{row['name']}\t{row['role']}\tsince {row['created_at']}")
    if not rows:
        click.echo("no accounts: anyone who names themselves may screen and settle conflicts")


@account.command("role")
@click.argument("name")
@click.argument("role", type=click.Choice(["lead", "reviewer"]))
@click.pass_context
def role(ctx: click.Context, name: str, role: str) -> None:
    """Make NAME a lead or a reviewer (the team keeps at least one lead)."""
    with review_commands.open_review(ctx) as review:
        changed = review.set_role(name, role)
    click.echo(f"{changed.name} is now a {changed.role}")


@account.command("password")
@click.argument("name")
@_STDIN
@click.pass_context
def password(ctx: click.Context, name: str, password_stdin: bool) -> None:
    """Give NAME a new password."""
    new = _password(password_stdin)
    with review_commands.open_review(ctx) as review:
        review.set_password(name, new)
    click.echo(f"{name}'s password is changed")


@account.command("remove")
@click.argument("name")
@click.pass_context
def remove(ctx: click.Context, name: str) -> None:
    """Remove NAME's account (their decisions stay, under their name)."""
    with review_commands.open_review(ctx) as review:
        review.remove_account(name)
    click.echo(f"{name}'s account is removed")


def register(cli: click.Group) -> None:
    cli.add_command(account)
