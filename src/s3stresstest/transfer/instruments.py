"""The questionnaire an import is checked against, from whatever file the user has.

Answers often arrive with the form they were collected with rather than the project's own
instrument: a KoboToolbox/ODK form (`.xls`, or an `.xlsx` that needs adapting) or a LimeSurvey
survey structure (`.lss`). `load_import_instrument` accepts those as well as the project's
XLSForm/text form, and says what it had to leave out.
"""

from __future__ import annotations

from pathlib import Path

from ..instrument import Instrument
from ..instrument.files import load_instrument_file


def load_import_instrument(path: str | Path | None, *, adapt: bool = False) -> tuple[Instrument, list[str]]:
    """The instrument in `path` and notes on what was left out of it.

    None: the built-in StressTest v1. `.lss`: a LimeSurvey survey structure (`limesurvey.read_lss`;
    the note counts the questions skipped). `.xls`, or any form when `adapt` is true: a Kobo/ODK form
    adapted by `xlsform.load_form` (repeats and unsupported types left out; the notes name at
    most ten rows of each kind). Otherwise the project's XLSForm `.xlsx` or text form `.yaml`, with
    no notes. Bad files raise `InputError`.
    """
    if path is None:
        return load_instrument_file(None), []
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".lss":
        from .limesurvey import read_lss

        instrument, lss_report = read_lss(path)
        if not lss_report.skipped:
            return instrument, []
        return instrument, [f"{len(lss_report.skipped)} question(s) of {path.name} skipped (see `import lss`)"]
    if suffix == ".xls" or adapt:
        from .xlsform import load_form

        instrument, form_report = load_form(path)
        return instrument, form_report.lines(limit=10)
    return load_instrument_file(path), []
