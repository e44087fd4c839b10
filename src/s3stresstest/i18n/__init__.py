"""Translations and locale formats for every text the StressTest writes or shows.

Fixed texts live in gettext catalogues (`locale/<language>/LC_MESSAGES/<domain>.po`), one
domain per part of the product so that people can work on them independently; English is
the source language and needs no catalogue. A `Translator` merges every domain of one
language and formats numbers, shares and dates by that language's conventions (Babel's
CLDR data), so a German report reads "72,5 %" and an Italian one "72,5%".

    t = translator("de")
    t._("Page {k} of {n}", k=2, n=7)
    t.percent(0.725, 1)
"""

from __future__ import annotations

from .catalogues import DOMAINS, LOCALE_DIR, compile_catalogues, load_catalogue
from .translator import DEFAULT, LANGUAGE_NAMES, LANGUAGES, N_, Translator, check_language, translator

__all__ = [
    "DEFAULT",
    "DOMAINS",
    "LANGUAGES",
    "LANGUAGE_NAMES",
    "LOCALE_DIR",
    "N_",
    "Translator",
    "check_language",
    "compile_catalogues",
    "load_catalogue",
    "translator",
]
