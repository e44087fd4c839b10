"""Imports and exports of answers and instruments: KoboToolbox/ODK, LimeSurvey, wide CSV/XLSX.

Every importer is a pure function from a file to a validated long responses
DataFrame (`campaign.RESPONSE_COLUMNS`, plus `language` when known): it checks
everything first and returns only when every row is valid, so the caller can
insert the result in one transaction. Problems name the file, the line or row and
the column.
"""

from .export import (
    from_wide,
    import_wide,
    items_table,
    read_wide,
    to_wide,
    write_long_csv,
    write_wide_csv,
    write_wide_xlsx,
)
from .kobo import import_kobo, read_kobo
from .limesurvey import LssReport, import_limesurvey_csv, read_limesurvey_csv, read_lss
from .mapping import MapEntry, Mapping, parse_mapping, read_mapping
from .tables import Table, read_table
from .wide import ImportReport, ImportResult
from .xlsform import FormReport, load_form

__all__ = [
    "FormReport",
    "ImportReport",
    "ImportResult",
    "LssReport",
    "MapEntry",
    "Mapping",
    "Table",
    "from_wide",
    "import_kobo",
    "import_limesurvey_csv",
    "import_wide",
    "items_table",
    "load_form",
    "parse_mapping",
    "read_kobo",
    "read_limesurvey_csv",
    "read_lss",
    "read_mapping",
    "read_table",
    "read_wide",
    "to_wide",
    "write_long_csv",
    "write_wide_csv",
    "write_wide_xlsx",
]
