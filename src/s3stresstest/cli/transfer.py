"""`s3stresstest import ...` and `s3stresstest export ...`: thin commands over `s3stresstest.transfer`.

Every import checks the whole file first and writes the long responses CSV only
when every row is valid; bad input exits with code 2 and the problems on stderr,
each with its file, line or row, and column. Nothing is written on refusal.

With `--campaign ID` the answers go into the survey database instead of (or as well as)
`--out`, through `transfer.into_store.import_into_campaign` (the admin page and the API use
the same function): checked against the campaign's instrument and regions, stored in one
transaction, all rows or none.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any, NoReturn

import typer

from ..errors import InputError
from ..files import write_atomically
from .common import err, out
from .common import fail as _fail

import_app = typer.Typer(
    help="Import answers (KoboToolbox/ODK, LimeSurvey, wide CSV/XLSX) and LimeSurvey survey structures.",
    no_args_is_help=True,
    add_completion=False,
)
export_app = typer.Typer(
    help="Export answers as wide CSV or XLSX (one row per respondent).", no_args_is_help=True, add_completion=False
)


@import_app.callback()
def _import_group() -> None:
    """Import answers (KoboToolbox/ODK, LimeSurvey, wide CSV/XLSX) and LimeSurvey survey structures."""


@export_app.callback()
def _export_group() -> None:
    """Export answers as wide CSV or XLSX (one row per respondent)."""


def _usage(message: str) -> NoReturn:
    err.print(f"[bold red]error:[/] {message}", markup=True, soft_wrap=True)
    raise typer.Exit(code=2)


def _load_instrument(path: Path | None, adapt: bool = False):
    """`transfer.instruments.load_import_instrument`, its notes on stderr."""
    from ..transfer.instruments import load_import_instrument

    instrument, notes = load_import_instrument(path, adapt=adapt)
    for note in notes:
        err.print(f"note: {note}", soft_wrap=True)
    return instrument


def _known_regions(regions: Path | None) -> set[str] | None:
    if regions is None:
        return None
    from ..campaign import read_regions

    return set(read_regions(regions)["region"])


def _check_target(path: Path, overwrite: bool, suffixes: tuple[str, ...]) -> None:
    if path.suffix.lower() not in suffixes:
        _usage(f"--out must end in {' or '.join(suffixes)}, not '{path.name}'")
    if path.exists() and not overwrite:
        _usage(f"{path} exists; pass --overwrite to replace it")


def _write_responses(result, out_path: Path) -> None:
    from ..transfer.export import write_long_csv

    write_atomically(out_path, lambda p: write_long_csv(result.responses, p))
    for line in result.report.lines():
        out.print(line, soft_wrap=True)
    out.print(f"Responses written to {out_path}")


def _need_target(out_path: Path | None, campaign: int | None, database_url: str | None) -> None:
    if out_path is None and campaign is None:
        _usage("give --out FILE (a long responses CSV), --campaign ID (import into the survey database), or both")
    if database_url is not None and campaign is None:
        _usage("--database-url needs --campaign ID (the campaign to import into)")


def _to_campaign(
    kind: str,
    file: Path,
    campaign: int,
    database_url: str | None,
    out_path: Path | None,
    overwrite: bool,
    *,
    mapping: Path | None = None,
    options: dict | None = None,
    conflicts: dict | None = None,
) -> None:
    """Import into a campaign of the database (one transaction), and write --out as well when given."""
    from ..transfer.into_store import import_into_campaign
    from .store import _open

    bad = [flag for flag, given in (conflicts or {}).items() if given]
    if bad:
        _usage(
            f"{', '.join(bad)} cannot be used with --campaign: the answers are checked against the "
            "campaign's questionnaire and regions"
        )
    if out_path is not None:
        _check_target(out_path, overwrite, (".csv",))
    store = _open(database_url)
    try:
        summary = import_into_campaign(
            store, campaign, kind, file, mapping=mapping, options=options, with_responses=out_path is not None
        )
    except InputError as exc:
        _fail(exc)
    finally:
        store.close()
    for line in summary["report"]:
        out.print(line, soft_wrap=True)
    out.print(f"Imported {summary['answers']} answers of {summary['respondents']} respondents into campaign {campaign}")
    if out_path is not None:
        from ..transfer.export import write_long_csv

        responses = summary["responses"]
        write_atomically(out_path, lambda p: write_long_csv(responses, p))
        out.print(f"Responses written to {out_path}")


# -- shared options ----------------------------------------------------------------------------

_INSTRUMENT = typer.Option(
    None,
    "--instrument",
    help="XLSForm .xlsx/.yaml, Kobo form .xls, or LimeSurvey .lss; default: the built-in StressTest v1.",
)
_OUT = typer.Option(
    None,
    "--out",
    help="Long responses CSV to write "
    "(respondent_id,region,stakeholder_group,item,value); "
    "required unless --campaign is given.",
)
_CAMPAIGN = typer.Option(
    None,
    "--campaign",
    metavar="ID",
    help="Import into this campaign of the survey database (one transaction: all rows or none).",
)
_DB = typer.Option(
    None,
    "--database-url",
    metavar="URL",
    show_default=False,
    help="Database of --campaign: sqlite:///PATH or postgresql+psycopg://USER@HOST/DB "
    "(default: $S3ST_DATABASE_URL, else s3stresstest.db in the data directory).",
)
_MAPPING = typer.Option(
    None, "--mapping", help="CSV source,item[,value_map]: source columns to items, answer recoding."
)
_REGION = typer.Option(None, "--region", help="Territory code of every respondent (e.g. ITC1).")
_REGION_COL = typer.Option(None, "--region-column", help="Column holding each respondent's territory code.")
_GROUP = typer.Option(None, "--stakeholder-group", help="Stakeholder group of every respondent.")
_GROUP_COL = typer.Option(None, "--group-column", help="Column holding each respondent's stakeholder group.")
_ID_COL = typer.Option(None, "--id-column", help="Column holding the respondent id.")
_ID_PREFIX = typer.Option("", "--id-prefix", help="Prefix for respondent ids (keeps ids of several imports apart).")
_LANG = typer.Option(None, "--language", help="Questionnaire language of every respondent (e.g. en).")
_LANG_COL = typer.Option(None, "--language-column", help="Column holding each respondent's language code.")
_IGNORE = typer.Option(False, "--ignore-unknown", help="Leave out columns that match no item instead of refusing.")
_REGIONS = typer.Option(None, "--regions", help="CSV region,name: refuse territories not listed there.")
_OVERWRITE = typer.Option(False, "--overwrite", help="Replace an existing output file.")


_RESPONDENT_OPTIONS = {  # how every answer file names each respondent's territory, group, id and language
    "region": (str | None, _REGION),
    "region_column": (str | None, _REGION_COL),
    "stakeholder_group": (str | None, _GROUP),
    "group_column": (str | None, _GROUP_COL),
    "id_column": (str | None, _ID_COL),
    "id_prefix": (str, _ID_PREFIX),
    "language": (str | None, _LANG),
    "language_column": (str | None, _LANG_COL),
    "ignore_unknown": (bool, _IGNORE),
}
_TARGET_OPTIONS = {  # where imported answers go besides --out
    "overwrite": (bool, _OVERWRITE),
    "campaign": (int | None, _CAMPAIGN),
    "database_url": (str | None, _DB),
}


def _option_group(name: str, options: dict):
    """A decorator giving a command the `options` (parameter -> (type, typer.Option)) in place of its parameter `name`.

    Typer sees them as ordinary options (same names, same place in --help); the command receives
    their values as one dict under `name`, keyed by parameter, to pass on as keyword arguments.
    """

    def decorate(command):
        sig = inspect.signature(command, eval_str=True)
        params = []
        for p in sig.parameters.values():
            if p.name == name:
                params += [
                    inspect.Parameter(key, p.POSITIONAL_OR_KEYWORD, annotation=kind, default=option)
                    for key, (kind, option) in options.items()
                ]
            else:
                params.append(p)

        @functools.wraps(command)
        def wrapper(**kwargs):
            group = {key: kwargs.pop(key) for key in options}
            return command(**kwargs, **{name: group})

        wrapper.__signature__ = sig.replace(parameters=params)
        wrapper.__annotations__ = {p.name: p.annotation for p in params}  # Typer reads the types here as well
        return wrapper

    return decorate


_FILLED_IN: Mapping[str, Any] = MappingProxyType({})  # default of a group's parameter; the decorator fills it in
_respondent_options = _option_group("who", _RESPONDENT_OPTIONS)
_target_options = _option_group("target", _TARGET_OPTIONS)


def _import_answers(
    kind: str,
    file: Path,
    read: Callable[[], object],
    out_path: Path | None,
    *,
    overwrite: bool,
    campaign: int | None,
    database_url: str | None,
    mapping: Path | None = None,
    options: dict | None = None,
    conflicts: dict | None = None,
) -> None:
    """Into the campaign's database with --campaign (and --out as well when given); else `read()`, then --out."""
    _need_target(out_path, campaign, database_url)
    if campaign is not None:
        _to_campaign(
            kind,
            file,
            campaign,
            database_url,
            out_path,
            overwrite,
            mapping=mapping,
            options=options,
            conflicts=conflicts,
        )
        return
    assert out_path is not None  # _need_target refused neither --out nor --campaign
    _check_target(out_path, overwrite, (".csv",))
    try:
        result = read()
    except InputError as exc:
        _fail(exc)
    _write_responses(result, out_path)


@import_app.command("kobo")
@_respondent_options
@_target_options
def import_kobo_command(
    file: Path = typer.Argument(..., help="KoboToolbox/ODK export: CSV (',' or ';') or XLSX, one row per submission."),
    out_path: Path | None = _OUT,
    instrument: Path | None = _INSTRUMENT,
    mapping: Path | None = _MAPPING,
    who: Mapping[str, Any] = _FILLED_IN,
    regions: Path | None = _REGIONS,
    sheet: str | None = typer.Option(None, "--sheet", help="Worksheet of an XLSX export (default: the first)."),
    adapt_form: bool = typer.Option(
        False,
        "--adapt-form",
        help="Load the instrument as a Kobo/ODK form: leave out repeats and unsupported types, and say so.",
    ),
    target: Mapping[str, Any] = _FILLED_IN,
) -> None:
    """Import a KoboToolbox/ODK wide export (column names = XLSForm names, group prefixes allowed)."""
    from ..transfer.kobo import import_kobo

    _import_answers(
        "kobo",
        file,
        lambda: import_kobo(
            file,
            _load_instrument(instrument, adapt_form),
            mapping=mapping,
            **who,
            sheet=sheet,
            known_regions=_known_regions(regions),
        ),
        out_path,
        **target,
        mapping=mapping,
        options={**who, "sheet": sheet},
        conflicts={"--instrument": instrument, "--regions": regions, "--adapt-form": adapt_form},
    )


@import_app.command("limesurvey")
@_respondent_options
@_target_options
def import_limesurvey_command(
    file: Path = typer.Argument(..., help="LimeSurvey response export (CSV, question codes, answer codes)."),
    out_path: Path | None = _OUT,
    instrument: Path | None = _INSTRUMENT,
    mapping: Path | None = _MAPPING,
    who: Mapping[str, Any] = _FILLED_IN,
    regions: Path | None = _REGIONS,
    include_incomplete: bool = typer.Option(
        False, "--include-incomplete", help="Also import responses without a submitdate."
    ),
    target: Mapping[str, Any] = _FILLED_IN,
) -> None:
    """Import a LimeSurvey response export; incomplete responses are skipped and counted."""
    from ..transfer.limesurvey import import_limesurvey_csv

    _import_answers(
        "limesurvey",
        file,
        lambda: import_limesurvey_csv(
            file,
            _load_instrument(instrument),
            mapping=mapping,
            **who,
            include_incomplete=include_incomplete,
            known_regions=_known_regions(regions),
        ),
        out_path,
        **target,
        mapping=mapping,
        options={**who, "include_incomplete": include_incomplete},
        conflicts={"--instrument": instrument, "--regions": regions},
    )


@import_app.command("wide")
@_target_options
def import_wide_command(
    file: Path = typer.Argument(..., help="Wide CSV or XLSX as written by `export wide`."),
    out_path: Path | None = _OUT,
    instrument: Path | None = _INSTRUMENT,
    regions: Path | None = _REGIONS,
    target: Mapping[str, Any] = _FILLED_IN,
) -> None:
    """Import a wide table (respondent_id, region, stakeholder_group[, language], one column per item)."""
    from ..transfer.export import import_wide

    _import_answers(
        "wide",
        file,
        lambda: import_wide(file, _load_instrument(instrument), known_regions=_known_regions(regions)),
        out_path,
        **target,
        conflicts={"--instrument": instrument, "--regions": regions},
    )


@import_app.command("long")
def import_long_command(
    file: Path = typer.Argument(
        ..., help="Long responses CSV (respondent_id,region,stakeholder_group,item,value[,language])."
    ),
    campaign: int = typer.Option(
        ...,
        "--campaign",
        metavar="ID",
        help="Import into this campaign of the survey database (one transaction: all rows or none).",
    ),
    database_url: str | None = _DB,
) -> None:
    """Import the project's long responses CSV into a campaign of the survey database."""
    _to_campaign("long", file, campaign, database_url, None, False)


@import_app.command("lss")
def import_lss_command(
    file: Path = typer.Argument(..., help="LimeSurvey survey structure (.lss)."),
    out_path: Path = typer.Option(..., "--out", help="Instrument to write: .yaml (text form) or .xlsx (XLSForm)."),
    overwrite: bool = _OVERWRITE,
) -> None:
    """Convert a LimeSurvey survey structure into an instrument; list the questions skipped and why."""
    from ..instrument import write_text, write_xlsx
    from ..transfer.limesurvey import read_lss

    _check_target(out_path, overwrite, (".yaml", ".yml", ".xlsx"))
    try:
        instrument, report = read_lss(file)
    except InputError as exc:
        _fail(exc)
    if out_path.suffix.lower() == ".xlsx":
        write_atomically(out_path, lambda p: write_xlsx(instrument.workbook, p))
    else:
        header = f"Converted from the LimeSurvey survey structure {file.name} by `s3stresstest import lss`."
        write_atomically(out_path, lambda p: write_text(instrument.workbook, p, header_comment=header))
    for line in report.lines():
        out.print(line, soft_wrap=True)
    out.print(f"Instrument written to {out_path}")


@export_app.command("wide")
def export_wide_command(
    responses: Path = typer.Option(..., "--responses", help="Long responses CSV."),
    out_path: Path = typer.Option(..., "--out", help="Wide table to write: .csv or .xlsx."),
    instrument: Path | None = _INSTRUMENT,
    synthetic: bool = typer.Option(False, "--synthetic", help="Mark the XLSX as synthetic data (README sheet)."),
    notice: str = typer.Option("", "--notice", help="Text of the README sheet of the XLSX."),
    language: str | None = typer.Option(None, "--language", help="Language of the labels in the 'items' sheet."),
    overwrite: bool = _OVERWRITE,
) -> None:
    """Write answers as one row per respondent and one column per item (CSV, or XLSX with an items sheet)."""
    from ..campaign import read_responses
    from ..transfer.export import write_wide_csv, write_wide_xlsx

    _check_target(out_path, overwrite, (".csv", ".xlsx"))
    try:
        ins = _load_instrument(instrument)
        df = read_responses(responses, ins)
    except InputError as exc:
        _fail(exc)
    if out_path.suffix.lower() == ".xlsx":
        write_atomically(
            out_path, lambda p: write_wide_xlsx(df, ins, p, synthetic=synthetic, notice=notice, language=language)
        )
    else:
        write_atomically(out_path, lambda p: write_wide_csv(df, ins, p))
    out.print(f"{df['respondent_id'].nunique()} respondents written to {out_path}")


def register(app: typer.Typer) -> None:
    """Add the `import` and `export` groups to the main CLI."""
    app.add_typer(
        import_app,
        name="import",
        help="Import answers (KoboToolbox/ODK, LimeSurvey, wide CSV/XLSX) "
        "and instruments (LimeSurvey .lss) into the project's formats.",
    )
    app.add_typer(export_app, name="export", help="Export answers as wide CSV/XLSX.")
