"""`s3stresstest serve`: the survey web service (`register(app)` adds it to the main CLI).

The first admin account comes from `s3stresstest admin create` (in `cli.store`).
"""

from __future__ import annotations

import typer

from ..errors import InputError


def serve(
    host: str = typer.Option("127.0.0.1", help="Address to listen on (127.0.0.1: this machine only)."),
    port: int = typer.Option(8000, min=0, max=65535, help="Port to listen on (0: any free port)."),
    database_url: str | None = typer.Option(
        None,
        "--database-url",
        metavar="URL",
        show_default=False,
        help="sqlite:///PATH or postgresql+psycopg://USER@HOST/DB (default: $S3ST_DATABASE_URL, else "
        "s3stresstest.db in the data directory).",
    ),
    workers: int | None = typer.Option(
        None,
        "--workers",
        min=1,
        show_default=False,
        help="Worker processes (default: $S3ST_WORKERS, else 1). They share the database and the secret key; "
        "rate limits are counted per worker.",
    ),
) -> None:
    """Run the survey web service (respondent pages, admin pages, JSON API), one worker unless --workers.

    Prints `s3stresstest web: ready on http://HOST:PORT` once it accepts requests. Settings come from
    the environment: S3ST_SECRET_KEY, S3ST_BASE_URL, S3ST_MAX_BODY_BYTES, S3ST_LOGIN_RATE,
    S3ST_TOKEN_RATE, S3ST_BAD_TOKEN_RATE, S3ST_SECURE_COOKIES, S3ST_SESSION_HOURS, S3ST_WORKERS.
    """
    from ..web.server import serve as run

    try:
        run(host, port, database_url, workers=workers)
    except InputError as exc:
        typer.echo(f"error: input refused. {exc.report()}", err=True)
        raise typer.Exit(code=2) from None
    except ValueError as exc:  # unsupported database URL
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(code=2) from None


def register(app: typer.Typer) -> None:
    """Add the `serve` command to the main CLI."""
    app.command("serve", help="Run the web service (questionnaire, admin pages, JSON API).")(serve)
