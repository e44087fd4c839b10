"""The questionnaire as data: XLSForm workbooks, their text form and the built-in StressTest."""

from .builtin import BUILTIN, builtin_path, load_builtin
from .loader import instrument_from_workbook, load_instrument
from .model import Block, Choice, ChoiceList, Instrument, Item, pick_label
from .sheets import Sheet, read_xlsx, write_xlsx
from .textform import read_text, write_text

__all__ = [
    "BUILTIN",
    "Block",
    "Choice",
    "ChoiceList",
    "Instrument",
    "Item",
    "Sheet",
    "builtin_path",
    "instrument_from_workbook",
    "load_builtin",
    "load_instrument",
    "pick_label",
    "read_text",
    "read_xlsx",
    "write_text",
    "write_xlsx",
]
