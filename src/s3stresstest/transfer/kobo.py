"""Import wide exports of KoboToolbox and ODK (CSV or XLSX, one row per submission).

Column names are the XLSForm `name`s, possibly under group prefixes
(`block1/q3`, `group/sub/q3`). A select_multiple answer is one column of
space-separated choice names (`q3` = `a c`), and/or one 0/1 column per choice
(`q3/a`, `q3/b`, ...); the combined column wins when both are there, otherwise the
answer is rebuilt from the option columns. Kobo's and ODK's metadata columns are
left out. Kobo's "labels" export (choice labels instead of names) is not supported:
export with "XML values and headers".
"""

from __future__ import annotations

from pathlib import Path

from ..instrument import Instrument
from .mapping import Mapping, as_mapping
from .tables import read_table
from .wide import Dialect, ImportReport, ImportResult, Respondents, import_table

KOBO_ID_COLUMNS = ("_uuid", "_id", "KEY", "instanceID", "meta/instanceID")

# Submission metadata of KoboToolbox, ODK Central / Briefcase and the XLSForm meta types.
KOBO_METADATA = frozenset(
    {
        "start",
        "end",
        "today",
        "deviceid",
        "subscriberid",
        "simserial",
        "phonenumber",
        "username",
        "email",
        "audit",
        "instanceID",
        "instanceName",
        "deprecatedID",
        "KEY",
        "PARENT_KEY",
        "SubmissionDate",
        "SubmitterID",
        "SubmitterName",
        "AttachmentsPresent",
        "AttachmentsExpected",
        "Status",
        "ReviewState",
        "DeviceID",
        "Edits",
        "FormVersion",
        "__version__",
        "uuid",
    }
)
METADATA_PREFIXES = ("meta/", "formhub/", "__")


def kobo_candidates(column: str) -> list[str]:
    """'block1/q3' -> ['block1/q3', 'q3']; 'group/sub/q3' -> [..., 'q3']."""
    parts = column.split("/")
    return [column] if len(parts) == 1 else [column, parts[-1]]


def kobo_split(column: str) -> tuple[str, str] | None:
    """'q3/choice_a' -> ('q3', 'choice_a'); also under group prefixes: 'g/q3/a' -> ('g/q3', 'a')."""
    if "/" not in column:
        return None
    question, _, option = column.rpartition("/")
    return (question, option) if question and option else None


def kobo_metadata(column: str, columns: list[str]) -> str | None:
    last = column.rsplit("/", 1)[-1]
    if column.startswith("_") or last.startswith("_"):
        return "submission metadata"
    if column.startswith(METADATA_PREFIXES) or last in KOBO_METADATA:
        return "submission metadata"
    return None


KOBO = Dialect(
    name="KoboToolbox/ODK export",
    id_columns=KOBO_ID_COLUMNS,
    language_column=None,
    candidates=kobo_candidates,
    split=kobo_split,
    metadata=kobo_metadata,
    ticked=frozenset({"1", "true", "yes"}),
    unticked=frozenset({"", "0", "false", "no"}),
)


def import_kobo(
    path: str | Path,
    instrument: Instrument,
    *,
    mapping: Mapping | str | Path | dict | None = None,
    region: str | None = None,
    region_column: str | None = None,
    stakeholder_group: str | None = None,
    group_column: str | None = None,
    id_column: str | None = None,
    language: str | None = None,
    language_column: str | None = None,
    id_prefix: str = "",
    ignore_unknown: bool = False,
    sheet: str | None = None,
    known_regions: set[str] | None = None,
    keep_blank: bool = True,
) -> ImportResult:
    """Read a Kobo/ODK export; return the validated long responses and a report, or raise `InputError`.

    Region and stakeholder group come from constants (`region='ITC1'`) or columns
    (`region_column='region'`); by default from the columns of the items named
    `region` and `stakeholder_group`. The respondent id is `id_column` or the first of
    `_uuid`, `_id`, `KEY`, `instanceID`, `meta/instanceID`.
    """
    path = Path(path)
    table = read_table(path, sheet=sheet)
    mapping = as_mapping(mapping)
    who = Respondents(
        id_column=id_column,
        region=region,
        region_column=region_column,
        stakeholder_group=stakeholder_group,
        group_column=group_column,
        language=language,
        language_column=language_column,
        id_prefix=id_prefix,
    )
    report = ImportReport(source=table.source, format=KOBO.name)
    if table.delimiter and table.delimiter != ",":
        report.notes.append(f"separator: '{table.delimiter}'")
    return import_table(
        table,
        instrument,
        KOBO,
        mapping=mapping,
        who=who,
        ignore_unknown=ignore_unknown,
        known_regions=known_regions,
        keep_blank=keep_blank,
        report=report,
    )


def read_kobo(path: str | Path, instrument: Instrument, **options):
    """`import_kobo(...).responses`: the validated long DataFrame."""
    return import_kobo(path, instrument, **options).responses
