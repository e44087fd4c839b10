"""Export answers: the long responses CSV, and wide CSV/XLSX (one row per respondent, one column per item).

The wide table has `respondent_id, region, stakeholder_group[, language]`, then one
column per answerable item of the instrument, in instrument order; a
select_multiple answer stays one cell of space-separated choice names. An item
whose name is one of those first columns (the StressTest's own
`stakeholder_group` profile question) gets its group path as a prefix
(`profile/stakeholder_group`), the way KoboToolbox writes group prefixes, so the
file reads back unambiguously. Such a column is left out when no respondent answered it: the
StressTest's profile question is stored as the respondent's `stakeholder_group`, so its own
column would always be empty. `from_wide(to_wide(x), instrument)` gives back `x`
(rows in respondent and instrument order, unanswered items as blank values).
"""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd

from ..campaign.model import RESPONSE_COLUMNS
from ..instrument import Instrument
from .kobo import kobo_candidates
from .safe import csv_safe, unguard, xlsx_text
from .tables import Table, read_table
from .wide import Dialect, ImportReport, ImportResult, Respondents, import_table

RESPONDENT_COLUMNS = ("respondent_id", "region", "stakeholder_group", "language")

WIDE = Dialect(
    name="wide responses", id_columns=("respondent_id",), language_column="language", candidates=kobo_candidates
)


def wide_column(instrument: Instrument, name: str) -> str:
    """The wide column of item `name`: its name, or `group/name` when that would clash."""
    if name not in RESPONDENT_COLUMNS:
        return name
    return f"{instrument.item(name).group or 'item'}/{name}"


def to_wide(responses: pd.DataFrame, instrument: Instrument) -> pd.DataFrame:
    """One row per respondent (in order of first appearance), one text column per answerable item."""
    fixed = ["respondent_id", "region", "stakeholder_group"]
    if "language" in responses.columns:
        fixed.append("language")
    known = responses[responses["item"].isin([i.name for i in instrument.answerable_items])]
    items = wide_items(instrument, set(known["item"]))
    people = responses[fixed].drop_duplicates("respondent_id").reset_index(drop=True)
    if len(known):
        table = known.pivot(index="respondent_id", columns="item", values="value")
    else:
        table = pd.DataFrame(index=pd.Index([], name="respondent_id"))
    table = table.reindex(index=people["respondent_id"], columns=items)
    table = table.astype(object).where(table.notna(), "")
    table.columns = [wide_column(instrument, n) for n in items]
    out = pd.concat([people.astype(object), table.reset_index(drop=True)], axis=1)
    return out.astype(object)


def wide_items(instrument: Instrument, answered: set[str]) -> list[str]:
    """The items that get a wide column: all answerable items but those named like a respondent
    column (`stakeholder_group`) that nobody answered as an item (always-empty columns)."""
    return [i.name for i in instrument.answerable_items if i.name not in RESPONDENT_COLUMNS or i.name in answered]


def _table_from_frame(wide: pd.DataFrame, source: str) -> Table:
    cols = [str(c) for c in wide.columns]
    rows = [
        ["" if v is None or (isinstance(v, float) and pd.isna(v)) else str(v).strip() for v in r]
        for r in wide.itertuples(index=False, name=None)
    ]
    return Table(source=source, columns=cols, rows=rows, lines=list(range(2, len(rows) + 2)))


def from_wide(
    wide: pd.DataFrame,
    instrument: Instrument,
    *,
    source: str = "wide responses",
    known_regions: set[str] | None = None,
    keep_blank: bool = True,
) -> pd.DataFrame:
    """The validated long responses of a wide table made by `to_wide` (or edited by hand)."""
    return import_wide_table(
        _table_from_frame(wide, source), instrument, known_regions=known_regions, keep_blank=keep_blank
    ).responses


def import_wide_table(table: Table, instrument: Instrument, **options) -> ImportResult:
    report = ImportReport(source=table.source, format=WIDE.name)
    return import_table(table, instrument, WIDE, who=Respondents(), attribute_only=True, report=report, **options)


def import_wide(
    path: str | Path, instrument: Instrument, *, known_regions: set[str] | None = None, keep_blank: bool = True
) -> ImportResult:
    """Read back a wide CSV or XLSX written by `write_wide_csv` / `write_wide_xlsx` (first sheet).
    A CSV loses the formula guard `csv_safe` gave it (an XLSX has none: its cells are typed)."""
    table = read_table(path)
    if table.delimiter is not None:
        table.columns = [unguard(c) for c in table.columns]
        table.rows = [[unguard(c) for c in row] for row in table.rows]
    return import_wide_table(table, instrument, known_regions=known_regions, keep_blank=keep_blank)


def read_wide(path: str | Path, instrument: Instrument, **options) -> pd.DataFrame:
    return import_wide(path, instrument, **options).responses


def _prepare(path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def write_long_csv(responses: pd.DataFrame, path: str | Path) -> Path:
    """The canonical long format: respondent_id,region,stakeholder_group,item,value[,language]; UTF-8."""
    cols = list(RESPONSE_COLUMNS) + (["language"] if "language" in responses.columns else [])
    path = _prepare(path)
    csv_safe(responses[cols]).to_csv(
        path, index=False, encoding="utf-8", lineterminator="\n", quoting=csv.QUOTE_MINIMAL
    )
    return path


def write_wide_csv(responses: pd.DataFrame, instrument: Instrument, path: str | Path) -> Path:
    path = _prepare(path)
    csv_safe(to_wide(responses, instrument)).to_csv(path, index=False, encoding="utf-8", lineterminator="\n")
    return path


def items_table(instrument: Instrument, language: str | None = None, columns: list[str] | None = None) -> pd.DataFrame:
    """Name, label, type, block (and choice list) of every answerable item (of those with a wide
    column among `columns`, when given): the key to a wide table."""
    rows = []
    for item in instrument.answerable_items:
        if columns is not None and wide_column(instrument, item.name) not in columns:
            continue
        rows.append(
            {
                "column": wide_column(instrument, item.name),
                "item": item.name,
                "label": instrument.item_label(item.name, language),
                "type": item.type,
                "choices": item.list_name or "",
                "block": item.block or "",
                "block_label": instrument.block_label(item.block, language) if item.block else "",
            }
        )
    return pd.DataFrame(rows, columns=["column", "item", "label", "type", "choices", "block", "block_label"])


def write_wide_xlsx(
    responses: pd.DataFrame,
    instrument: Instrument,
    path,
    *,
    synthetic: bool = False,
    notice: str = "",
    language: str | None = None,
):
    """Sheets `responses` (header bold and frozen; first, so `read_wide` finds it), `items` (what each
    column is) and, for synthetic campaigns or when a notice is given, `README` saying so."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    wide = to_wide(responses, instrument)
    wb = Workbook()
    wb.remove(wb.active)
    ws = wb.create_sheet("responses")
    ws.append(list(wide.columns))
    for row in wide.itertuples(index=False, name=None):
        ws.append([v if v != "" else None for v in row])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    ws.freeze_panes = "B2"
    xlsx_text(ws)
    for k, col in enumerate(wide.columns, start=1):
        ws.column_dimensions[get_column_letter(k)].width = min(max(len(str(col)) + 2, 10), 40)

    items = items_table(instrument, language, columns=list(wide.columns))
    wi = wb.create_sheet("items")
    wi.append(list(items.columns))
    for row in items.itertuples(index=False, name=None):
        wi.append(list(row))
    for cell in wi[1]:
        cell.font = Font(bold=True)
    wi.freeze_panes = "A2"
    xlsx_text(wi)

    if synthetic or notice:
        text = notice or ""
        if synthetic and "synthetic" not in text.lower():
            text = ("SYNTHETIC DATA: these answers were generated, not given by real respondents. " + text).strip()
        wr = wb.create_sheet("README")
        wr["A1"] = "SYNTHETIC DATA" if synthetic else "Notice"
        wr["A1"].font = Font(bold=True, size=14, color="C00000" if synthetic else None)
        wr["A2"] = text
        wr["A2"].alignment = Alignment(wrap_text=True, vertical="top")
        wr["A4"] = f"Instrument: {instrument.title} ({instrument.form_id} {instrument.version})".strip()
        wr["A5"] = f"{len(wide)} respondents, {len(items)} items; sheet 'items' describes each column."
        wr.column_dimensions["A"].width = 100
    if hasattr(path, "write"):
        wb.save(path)
        return path
    path = _prepare(path)
    wb.save(path)
    return path
