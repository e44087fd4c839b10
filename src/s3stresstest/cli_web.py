"""Command-line entry points of the survey web service.

`serve` runs the web app (register as `s3stresstest serve`); `admin_app` holds
`admin create` (register with `app.add_typer(admin_app, name="admin")`) for the first
admin account, since the web pages only let existing admins in.
"""

from __future__ import annotations

import sys
from typing import Optional

import typer

from .errors import InputError

admin_app = typer.Typer(help="Admin accounts of the survey web service.", no_args_is_help=True)


def serve(
    host: str = typer.Option("127.0.0.1", help="Address to listen on (127.0.0.1: this machine only)."),
    port: int = typer.Option(8000, min=0, max=65535, help="Port to listen on (0: any free port)."),
    database_url: Optional[str] = typer.Option(
        None, "--database-url", help="sqlite:///path or postgresql+psycopg://...; default $S3ST_DATABASE_URL "
        "or the SQLite file in the data directory."),
) -> None:
    """Run the survey web service (respondent pages, admin pages, JSON API) with one worker."""
    from .web.server import serve as run

    try:
        run(host, port, database_url)
    except InputError as exc:
        typer.echo(f"error: {exc.report()}", err=True)
        raise typer.Exit(code=2)


@admin_app.command("create")
def admin_create(
    username: str = typer.Argument(..., help="User name of the new admin."),
    password_stdin: bool = typer.Option(False, "--password-stdin", help="Read the password from standard input "
                                        "(first line) instead of asking for it."),
    database_url: Optional[str] = typer.Option(None, "--database-url", help="Database URL (default as for serve)."),
) -> None:
    """Create an admin account (password stored as an argon2 hash)."""
    from .store import Store

    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    if len(password) < 8:
        typer.echo("error: the password needs at least 8 characters", err=True)
        raise typer.Exit(code=2)
    store = Store.open(database_url)
    try:
        store.create_admin(username, password)
    except InputError as exc:
        typer.echo(f"error: input refused. {exc.report()}", err=True)
        raise typer.Exit(code=2)
    finally:
        store.close()
    typer.echo(f"admin '{username}' created")


@admin_app.command("list")
def admin_list(
    database_url: Optional[str] = typer.Option(None, "--database-url", help="Database URL (default as for serve)."),
) -> None:
    """List the admin accounts (user names and creation times, never passwords)."""
    from .store import Store

    store = Store.open(database_url)
    try:
        for admin in store.list_admins():
            typer.echo(f"{admin['username']}\t{admin['created']:%Y-%m-%d %H:%M} UTC")
    finally:
        store.close()
