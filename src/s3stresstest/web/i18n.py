"""Interface text of the web pages (respondent and admin) in the five languages.

Questions, hints and answer options come from the instrument (its `label::Deutsch (de)`
columns); everything the pages add around them (buttons, headings, messages, the admin pages)
is marked with `_()` in the templates and modules of this package, English being the source
text, and translated through the gettext catalogues of the `web` domain
(`locale/<language>/LC_MESSAGES/web.po`), read by `s3stresstest.i18n.translator`.

The texts chosen at run time by a name (error pages, stakeholder groups, validation messages)
are listed here with `N_()`, so that extraction finds them.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from ..i18n import DEFAULT, LANGUAGE_NAMES, LANGUAGES, N_, Translator
from ..i18n import translator as _translator

__all__ = [
    "DEFAULT",
    "LANGUAGES",
    "LANGUAGE_NAMES",
    "MESSAGES",
    "N_",
    "from_accept_language",
    "gettext_for",
    "normalise",
    "t",
    "translator",
]


# name -> English source text of the texts looked up by name at run time
MESSAGES: dict[str, str] = {
    "questions": N_("Questions"),
    "invalid_integer": N_("Please enter a whole number, for example 3."),
    "invalid_decimal": N_("Please enter a number, for example 2.5."),
    "invalid_choice": N_("Please choose one of the options."),
    "invalid_value": N_("This answer is not valid."),
    "group_required": N_("Please choose your group."),
    "group_cluster_manager": N_("Cluster manager"),
    "group_policy_maker": N_("Policy maker"),
    "group_development_agency": N_("Regional development agency"),
    "group_research_institution": N_("Research institution (university, research centre)"),
    "group_industry_association": N_("Industry association or chamber"),
    "group_company": N_("Company"),
    "group_other": N_("Other"),
    "not_found_heading": N_("Page not found"),
    "not_found_text": N_(
        "This link does not work. Please check that you copied the whole link from your "
        "invitation. If the survey has ended, the link no longer opens."
    ),
    "closed_heading": N_("This survey has closed"),
    "closed_text": N_(
        "The survey this link belongs to has ended, so no more answers can be given. Thank you for your interest."
    ),
    "forbidden_heading": N_("This form has expired"),
    "forbidden_text": N_(
        "Your answers could not be accepted because the form's security check failed. "
        "Please go back, reload the page and try again."
    ),
    "too_large_heading": N_("Too much data"),
    "too_large_text": N_(
        "What you sent is larger than the server accepts ({limit}). Please shorten your "
        "answers, or send a smaller file."
    ),
    "rate_heading": N_("Too many requests"),
    "rate_text": N_("Too many requests came from your network in a short time. Please wait a minute and try again."),
    "error_heading": N_("Something went wrong"),
    "error_text": N_(
        "The server could not complete your request. Your saved answers are safe; please try again in a moment."
    ),
}

# Error pages of the admin side: admins are not respondents ("your answers", "shorten your answers"
# would mislead them). Keyed like MESSAGES so `core.error_page` swaps them in.
ADMIN_ERRORS: dict[str, str] = {
    "forbidden_heading": N_("Session check failed"),
    "forbidden_text": N_(
        "Nothing was changed: the form's security token was missing or out of date (the page was open "
        "too long, or you signed in again in another tab). Go back, reload the page and repeat the action."
    ),
    "too_large_heading": N_("Upload too large"),
    "too_large_text": N_(
        "The file or form you sent is larger than the server accepts ({limit}); nothing was imported or "
        "changed. Split the file, or remove unused sheets and columns, and upload it again."
    ),
}

# Titles of the built-in questionnaires (an instrument has one title; the header shows it translated).
INSTRUMENT_TITLES = (
    N_("S3 StressTest questionnaire"),
    N_("Pilot cluster service validation"),
)


def normalise(language: str | None) -> str:
    """'de-CH' / 'DE' / 'Deutsch (de)' -> 'de'; anything else -> 'en'."""
    if not language:
        return DEFAULT
    text = language.strip()
    m = re.search(r"\(([A-Za-z]{2,3})(?:-[A-Za-z0-9]+)?\)\s*$", text)
    code = (m.group(1) if m else text.replace("_", "-").split("-")[0]).lower()
    return code if code in LANGUAGES else DEFAULT


def translator(language: str | None) -> Translator:
    """The Translator of a (possibly loose) language code: 'de-CH' -> German, unknown -> English."""
    return _translator(normalise(language))


def t(language: str | None, name: str, **values: Any) -> str:
    """A text of `MESSAGES` by name (or an English source text itself) in `language`."""
    return translator(language)._(MESSAGES.get(name, name), **values)


def instrument_title(title: str | None, language: str | None) -> str:
    """The questionnaire's title in `language` when it is a built-in one, else as the form gives it."""
    if not title:
        return "S3 StressTest"
    return translator(language)._(title) if title in INSTRUMENT_TITLES else title


def gettext_for(language: str | None) -> Callable[..., str]:
    """`_` for templates: `_("Save and continue")`, `_("Page {k} of {n}", k=1, n=9)`."""
    return translator(language)._


def from_accept_language(header: str | None) -> str:
    """Best supported language of an Accept-Language header, else English."""
    if not header:
        return DEFAULT
    best, best_q = DEFAULT, -1.0
    for part in header.split(","):
        piece = part.strip().split(";")
        tag = piece[0].strip()
        q = 1.0
        for param in piece[1:]:
            name, _, val = param.strip().partition("=")
            if name == "q":
                try:
                    q = float(val)
                except ValueError:
                    q = 0.0
        code = tag.split("-")[0].lower()
        if code in LANGUAGES and q > best_q:
            best, best_q = code, q
    return best
