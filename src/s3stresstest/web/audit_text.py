"""An audit entry's details as the admin reads them: "By: anna; Regions: AT32, CH022" in the admin's
language, instead of the stored JSON. The stored form stays data (the CSV download keeps it); this
only names the known fields and writes their values in words (languages by name, yes/no, lists).
"""

from __future__ import annotations

import json
import re

from .i18n import LANGUAGE_NAMES, N_

# the fields of audit details (written by the store and the admin operations), as the admin reads them
FIELDS = {
    "admin": N_("By"),
    "name": N_("Name"),
    "languages": N_("Languages"),
    "language": N_("Language"),
    "instrument_id": N_("Questionnaire id"),
    "regions": N_("Regions"),
    "region": N_("Region"),
    "rows": N_("Rows"),
    "count": N_("Links"),
    "format": N_("Format"),
    "respondents": N_("Respondents"),
    "all": N_("Including respondents who have not submitted"),
    "answers": N_("Answers"),
    "source": N_("Source"),
    "run": N_("Run"),
    "regional": N_("Regional reports"),
    "contacts": N_("Contact details"),
    "tokens": N_("Links made unusable"),
    "retention_days": N_("Kept for (days)"),
    "invitation_id": N_("Invitation id"),
    "notice": N_("Privacy notice (checksum)"),
    "changed": N_("Changed"),
}
# what a `changed` entry of a privacy-notice edit names
CHANGED = {"controller": N_("controller"), "contact": N_("privacy contact")}
NOTICE_KEY = re.compile(r"notice:([a-z]{2})")
CHECKSUM = re.compile(r"[0-9a-f]{64}")


def _value(t, key: str, value) -> str:
    if isinstance(value, bool):
        return t._("yes") if value else t._("no")
    if value is None or value == "":
        return "–"
    if key in ("language", "languages"):
        codes = value if isinstance(value, list) else [value]
        return ", ".join(LANGUAGE_NAMES.get(str(c), str(c)) for c in codes)
    if key == "changed" and isinstance(value, list):
        return ", ".join(_changed(t, str(v)) for v in value)
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, int) and not isinstance(value, bool):
        return t.integer(value)
    text = str(value)
    if CHECKSUM.fullmatch(text):
        return text[:12] + "…"
    if text == "built-in":
        return t._("the built-in text")
    return text


def _changed(t, what: str) -> str:
    lang = NOTICE_KEY.fullmatch(what)
    if lang:
        return t._("notice in {language}", language=LANGUAGE_NAMES.get(lang.group(1), lang.group(1)))
    return t._(CHANGED[what]) if what in CHANGED else what


def describe(t, detail) -> str:
    """The details of one audit entry (its stored JSON text, or a dict) as one line in `t`'s language."""
    if isinstance(detail, str):
        try:
            detail = json.loads(detail) if detail.strip() else {}
        except ValueError:
            return detail
    if not isinstance(detail, dict):
        return "" if detail is None else str(detail)
    parts = []
    for key in sorted(detail, key=lambda k: (k != "admin", k)):  # who first
        value = detail[key]
        lang = NOTICE_KEY.fullmatch(key)
        if lang:
            label = t._("Privacy notice in {language}", language=LANGUAGE_NAMES.get(lang.group(1), lang.group(1)))
        else:
            label = t._(FIELDS[key]) if key in FIELDS else key
        parts.append(t._("{field}: {value}", field=label, value=_value(t, key, value)))
    return "; ".join(parts)
