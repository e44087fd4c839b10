"""Commands over the survey database: `admin create`, `respondent delete`, `db upgrade|url`.

Three Typer apps; `register(app)` adds them to the main CLI as `admin`, `respondent` and `db`.
The database is `--database-url`, else $S3ST_DATABASE_URL, else the SQLite file in the data
directory. Bad input gives the problems on
stderr and exit code 2, as every other command.
"""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from ..errors import InputError
from .common import fail as _fail
from .common import out

admin_app = typer.Typer(help="Administrators of the survey web app.", no_args_is_help=True)
respondent_app = typer.Typer(help="Respondents of survey campaigns (pseudonymous ids).", no_args_is_help=True)
db_app = typer.Typer(help="The survey database: migrations and location.", no_args_is_help=True)

DB_OPTION = typer.Option(
    None,
    "--database-url",
    metavar="URL",
    show_default=False,
    help="sqlite:///PATH or postgresql+psycopg://USER@HOST/DB "
    "(default: $S3ST_DATABASE_URL, else s3stresstest.db in the data directory).",
)


def _open(url: str | None):
    from ..store import Store

    try:
        return Store.open(url)
    except ValueError as exc:  # unsupported URL
        _fail(InputError(str(exc)))
    except Exception as exc:  # noqa: BLE001 - unreachable server, bad path: say so, exit 2
        _fail(InputError(f"cannot open the database: {type(exc).__name__}: {exc}"))


@admin_app.command("create")
def admin_create(
    username: str = typer.Option(..., "--username", "-u", help="Login name of the new admin."),
    password_stdin: bool = typer.Option(
        False, "--password-stdin", help="Read the password from the first line of stdin instead of prompting."
    ),
    database_url: str | None = DB_OPTION,
) -> None:
    """Create an admin (the first one included); the password is stored as an argon2 hash."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    store = _open(database_url)
    try:
        admin_id = store.create_admin(username, password)
    except InputError as exc:
        _fail(exc)
    finally:
        store.close()
    out.print(f"admin '{username.strip()}' created (id {admin_id})")


@respondent_app.command("delete")
def respondent_delete(
    respondent_id: str = typer.Argument(..., help="The pseudonymous respondent id."),
    yes: bool = typer.Option(False, "--yes", "-y", help="Do not ask for confirmation."),
    database_url: str | None = DB_OPTION,
) -> None:
    """Delete a respondent with all their answers, comments and contact details."""
    store = _open(database_url)
    try:
        store.respondent(respondent_id)  # unknown id: exit 2 before asking
        if not yes:
            typer.confirm(f"Delete respondent {respondent_id} and all their answers?", abort=True)
        rows = store.delete_respondent(respondent_id)
    except InputError as exc:
        _fail(exc)
    finally:
        store.close()
    out.print(f"respondent {respondent_id} deleted ({rows} rows); the audit log records the deletion")


@db_app.command("upgrade")
def db_upgrade(database_url: str | None = DB_OPTION) -> None:
    """Create or migrate the database schema to the newest revision."""
    from ..store.db import current_revision

    store = _open(database_url)  # opening runs the migrations
    try:
        out.print(f"{store.url}: schema at revision {current_revision(store.engine)}", soft_wrap=True)
    finally:
        store.close()


@db_app.command("url")
def db_url(database_url: str | None = DB_OPTION) -> None:
    """Print the database URL in use (password hidden)."""
    from sqlalchemy.engine import make_url

    from ..store import database_url as resolve

    try:
        url = make_url(resolve(database_url))
    except Exception as exc:  # noqa: BLE001 - unparsable URL
        _fail(InputError(f"not a database URL: {exc}"))
    out.print(url.render_as_string(hide_password=True), soft_wrap=True)


privacy_app = typer.Typer(
    help="Data protection: retention purge, a person's data export and erasure.", no_args_is_help=True
)
CAMPAIGN = typer.Option(..., "--campaign", help="Campaign id.")
INVITATION = typer.Option(None, "--invitation", help="The person's personal invitation id.")
RESPONDENT = typer.Option(None, "--respondent", help="Or their pseudonymous respondent id (open links).")
LINK = typer.Option(
    None, "--link", help="Or the personal invitation link they quote (for an open link: the admin pages)."
)


def _link_token(link: str | None) -> str | None:
    """The token of `--link`; a text that is no survey link is refused."""
    if link is None:
        return None
    from ..store.privacy import link_token

    token = link_token(link)
    if token is None:
        _fail(InputError(f"'{link[:80]}' is not a survey link (…/s/TOKEN): paste the whole link the person received"))
    return token


ADMIN = typer.Option(..., "--admin", help="Your admin name (the audit log records who acted).")


@privacy_app.command("purge")
def privacy_purge(
    retention_days: int = typer.Option(365, "--retention-days", min=0, help="Days after closing a campaign."),
    database_url: str | None = DB_OPTION,
) -> None:
    """Delete contact details and invitation tokens of campaigns closed longer than the retention period."""
    store = _open(database_url)
    try:
        done = store.purge_expired(retention_days, admin="cli")
    except InputError as exc:
        _fail(exc)
    finally:
        store.close()
    if not done:
        out.print(f"no campaign closed more than {retention_days} days ago is left to purge")
    for d in done:
        out.print(f"campaign {d['campaign_id']}: {d['contacts']} contact details and {d['tokens']} tokens purged")


@privacy_app.command("export")
def privacy_export(
    campaign: int = CAMPAIGN,
    invitation: int | None = INVITATION,
    respondent: str | None = RESPONDENT,
    link: str | None = LINK,
    admin: str = ADMIN,
    out_file: Path = typer.Option(..., "--out", help="JSON file to write (never overwritten)."),
    database_url: str | None = DB_OPTION,
) -> None:
    """Everything stored about one person (GDPR Art. 15), as JSON; logged with your name."""
    import json

    if out_file.exists():
        _fail(InputError(f"{out_file} exists: choose a new file"))
    store = _open(database_url)
    try:
        data = store.respondent_data(
            campaign, invitation_id=invitation, respondent_id=respondent, token=_link_token(link), admin=admin
        )
    except InputError as exc:
        _fail(exc)
    finally:
        store.close()
    out_file.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    out.print(f"{len(data['respondents'])} record(s) written to {out_file}; the export is logged")


@privacy_app.command("erase")
def privacy_erase(
    campaign: int = CAMPAIGN,
    invitation: int | None = INVITATION,
    respondent: str | None = RESPONDENT,
    link: str | None = LINK,
    admin: str = ADMIN,
    yes: bool = typer.Option(False, "--yes", "-y", help="Do not ask for confirmation."),
    database_url: str | None = DB_OPTION,
) -> None:
    """Erase one person's answers, open answers and contact details (GDPR Art. 17); logged with your name."""
    if not yes:
        typer.confirm("Erase this person's data for good?", abort=True)
    store = _open(database_url)
    try:
        rows = store.erase_respondent_data(
            campaign, invitation_id=invitation, respondent_id=respondent, token=_link_token(link), admin=admin
        )
    except InputError as exc:
        _fail(exc)
    finally:
        store.close()
    out.print(f"erased ({rows} rows); the audit log records the erasure")


def audit(
    campaign: int | None = typer.Option(None, "--campaign", help="The campaign whose audit log to write."),
    admin_log: bool = typer.Option(False, "--admin-log", help="Instead: the admin log (logins, failed logins...)."),
    out_file: Path = typer.Option(..., "--out", help="CSV file to write (never overwritten)."),
    database_url: str | None = DB_OPTION,
) -> None:
    """Download an audit log as CSV (spreadsheet-safe): a campaign's, or the admin log."""
    from ..transfer.safe import to_safe_csv

    if (campaign is None) == (not admin_log):
        _fail(InputError("give either --campaign ID or --admin-log"))
    if out_file.exists():
        _fail(InputError(f"{out_file} exists: choose a new file"))
    store = _open(database_url)
    try:
        df = store.admin_log() if admin_log else store.audit_log(campaign)
    except InputError as exc:
        _fail(exc)
    finally:
        store.close()
    out_file.write_text(to_safe_csv(df), encoding="utf-8")
    out.print(f"{len(df)} entries written to {out_file}")


def register(app: typer.Typer) -> None:
    """Add the `admin`, `respondent` and `db` groups to the main CLI."""
    app.add_typer(admin_app, name="admin", help="Administrator accounts of the web service.")
    app.add_typer(respondent_app, name="respondent", help="Respondents: delete one with all their answers.")
    app.add_typer(db_app, name="db", help="The database: upgrade its schema, show its URL.")
    app.command()(audit)
    app.add_typer(privacy_app, name="privacy", help="Data protection: purge, a person's data export and erasure.")
