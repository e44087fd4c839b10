"""One language's texts and number formats, merged from every catalogue domain."""

from __future__ import annotations

import datetime as dt
import functools
import gettext
import math
import string
from typing import Any

from babel import Locale
from babel.dates import format_date
from babel.lists import format_list

from .catalogues import DOMAINS, load_catalogue

LANGUAGES = ("en", "de", "fr", "it", "sl")
DEFAULT = "en"

# Each language names itself (language switches, report headers).
LANGUAGE_NAMES = {
    "en": "English",
    "de": "Deutsch",
    "fr": "Français",
    "it": "Italiano",
    "sl": "Slovenščina",
}

MISSING = "–"


def N_(message: str) -> str:
    """Marks a text for extraction where it is defined; it is translated where it is shown (`t._(message)`)."""
    return message


def check_language(language: str) -> str:
    """The language code, or a ValueError naming the supported ones."""
    code = (language or "").strip().lower()
    if code not in LANGUAGES:
        raise ValueError(f"unsupported language {language!r}: use one of {', '.join(LANGUAGES)}")
    return code


def _missing(v: Any) -> bool:
    if v is None:
        return True
    try:
        return bool(v != v) or (isinstance(v, float) and math.isnan(v))
    except (TypeError, ValueError):
        return False


def placeholders(text: str) -> set[str]:
    """The `{name}` fields of a message (the same set must appear in every translation)."""
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


class Translator:
    """Texts and formats of one language.

    `_`/`gettext` translate a message and fill its `{fields}` with `str.format`;
    `ngettext` picks the plural form by `n` (also available as `{n}`). Numbers are rounded
    exactly as in English (Python's rounding) and only the symbols change, so every
    language shows the same digits.
    """

    def __init__(self, language: str = DEFAULT):
        self.language = check_language(language)
        self.locale = Locale.parse(self.language)
        # English dates as written in Europe ("15 March 2027"), not Babel's US default for "en"
        self._date_locale = Locale.parse("en_GB") if self.language == "en" else self.locale
        chain: gettext.NullTranslations = gettext.NullTranslations()
        if self.language != "en":
            for domain in DOMAINS:
                catalogue = load_catalogue(self.language, domain)
                if catalogue is not None:
                    catalogue.add_fallback(chain)
                    chain = catalogue
        self._translations = chain
        symbols = self.locale.number_symbols["latn"]
        self._decimal = symbols["decimal"]
        self._group = symbols["group"]
        self._minus = symbols["minusSign"]
        self._percent_pattern = self.locale.percent_formats[None].pattern

    # --- texts -----------------------------------------------------------------------
    def gettext(self, message: str, **values: Any) -> str:
        text = self._translations.gettext(message)
        return text.format(**values) if values else text

    _ = gettext

    def ngettext(self, singular: str, plural: str, n: int, **values: Any) -> str:
        text = self._translations.ngettext(singular, plural, n)
        return text.format(n=n, **values)

    def pgettext(self, context: str, message: str, **values: Any) -> str:
        text = self._translations.pgettext(context, message)
        return text.format(**values) if values else text

    def language_name(self, code: str | None = None) -> str:
        return LANGUAGE_NAMES[code or self.language]

    def join(self, parts: list[str], style: str = "and") -> str:
        """'A, B and C' ('A, B or C' with `style="or"`) by the language's list pattern (CLDR, Babel), so no
        text joins names with a hand-made 'and'. English as written in Europe, with a serial comma only
        where a part has its own 'and'/'or' ('monitoring and evaluation, and the portfolio')."""
        parts = [str(p) for p in parts if p]
        if len(parts) <= 1:
            return "".join(parts)
        locale: Locale = self._date_locale
        if self.language == "en" and len(parts) > 2 and any(f" {style} " in p for p in parts):
            locale = self.locale  # CLDR "en": serial comma
        return format_list(parts, style="standard" if style == "and" else "or", locale=locale)

    def conjunction(self, style: str = "and") -> str:
        """The word that joins the last two parts of a list ('und', 'in', 'et'), for telling whether a
        name of a list has it too."""
        return self.join(["\0", "\1"], style).split("\0", 1)[1].split("\1", 1)[0].strip()

    # --- numbers ---------------------------------------------------------------------
    def _localise(self, text: str) -> str:
        text = text.replace(",", "\0").replace(".", self._decimal).replace("\0", self._group)
        return text.replace("-", self._minus) if text.startswith("-") else text

    def number(self, v: Any, digits: int = 0, grouping: bool = False) -> str:
        """A figure with `digits` decimals ('–' when missing)."""
        if _missing(v):
            return MISSING
        return self._localise(f"{float(v):{',' if grouping else ''}.{digits}f}")

    def integer(self, v: Any) -> str:
        """A count with thousands grouped ('–' when missing)."""
        return self.number(v, 0, grouping=True)

    def percent(self, share: Any, digits: int = 0) -> str:
        """A share (0–1) as a percentage in the language's pattern ('72,5 %', '72,5%')."""
        if _missing(share):
            return MISSING
        figure = self.number(100 * float(share), digits)
        return self._percent_pattern.replace("#,##0", "\0").replace("%", "%").replace("\0", figure)

    def big(self, v: Any) -> str:
        """Context statistics: thousands grouped, sensible decimals."""
        if _missing(v):
            return MISSING
        v = float(v)
        if abs(v) >= 1000:
            return self.number(v, 0, grouping=True)
        if abs(v) >= 100:
            return self.number(v, 1)
        return self.number(v, 2)

    def interval(self, score: Any, low: Any, high: Any, digits: int = 0) -> str:
        """'62 [55–70]' — a score and its interval."""
        if _missing(score):
            return MISSING
        if _missing(low) or _missing(high):
            return self.number(score, digits)
        return f"{self.number(score, digits)} [{self.number(low, digits)}–{self.number(high, digits)}]"

    def date(self, d: dt.date | dt.datetime, format: str = "long") -> str:
        return format_date(d, format=format, locale=self._date_locale)

    def __repr__(self) -> str:
        return f"Translator({self.language!r})"


@functools.cache
def translator(language: str = DEFAULT) -> Translator:
    """The (cached) translator of a language."""
    return Translator(language)
