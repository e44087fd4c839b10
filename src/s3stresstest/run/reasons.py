"""Why a part of a run is left out: the reasons a run records in English (`run.missing`, `left_out` in
run.json, read by people and the command line), kept as messages so that a report says them in its own
language (`reason_text`). A reason recorded by an older version that matches none of them stays as is.
"""

from __future__ import annotations

import re
from functools import lru_cache

from ..i18n import N_, translator

# TRANSLATORS: why a part of the run is left out (recorded in English, translated in the reports)
NO_STRATEGIES = N_("no strategies given (the S3 priorities file): alignment is left out")
# a run made on the web: the admin pages take no strategies file and do not use the built-in sourced
# priorities (`run.build.builtin_strategies`, the demo's), so the alignment stage does not run
NO_STRATEGIES_WEB = N_(
    "the web pages do not yet take the file of the territories' S3 priorities that it needs (only the command "
    "line does: s3stresstest campaign score --strategies)"
)
NO_NEIGHBOURS = N_("NUTS boundaries are not installed, so neighbours cannot be found: alignment is left out")
NO_REFERENCE = N_(
    "no reference data installed in {folder} (s3stresstest data seed FOLDER or data pull): context statistics "
    "and structural peers are left out"
)
NO_STATISTICS = N_("no Eurostat statistics installed: context statistics and structural peers are left out")
REFERENCE_OFF = N_("reference data switched off for this run")
NO_NUTS = N_("NUTS boundaries are not installed ({error})")
UNTRANSLATED = N_("rules without texts in some languages show their English texts there: {rules}")

REASONS = (
    NO_STRATEGIES,
    NO_STRATEGIES_WEB,
    NO_NEIGHBOURS,
    NO_REFERENCE,
    NO_STATISTICS,
    REFERENCE_OFF,
    NO_NUTS,
    UNTRANSLATED,
)


@lru_cache(maxsize=1)
def _patterns() -> list[tuple[str, re.Pattern[str]]]:
    out = []
    for message in REASONS:
        parts = re.split(r"\{(\w+)\}", message)
        regex = "".join(re.escape(p) if i % 2 == 0 else f"(?P<{p}>.*)" for i, p in enumerate(parts))
        out.append((message, re.compile(regex, re.S)))
    return out


def reason_text(text: str, language: str = "en") -> str:
    """A recorded reason in `language`: the message it was made from, translated with the same values
    (paths, rule ids, error messages stay as recorded); an unknown reason as recorded."""
    for message, pattern in _patterns():
        m = pattern.fullmatch(text)
        if m:
            return translator(language).gettext(message, **m.groupdict())
    return text


# The parts of a run that can be left out (the keys of `run.missing`), as a list of them names them.
PARTS = {
    "alignment": N_("alignment"),
    "maps": N_("maps"),
    "context": N_("context statistics"),
    "structural_peers": N_("structural peers"),
    "nuts": N_("NUTS boundaries"),
    "recommendation_translations": N_("translations of the recommendations"),
}


def part_text(key: str, language: str = "en") -> str:
    """The name of a part of the run (a key of `run.missing`) in `language`; an unknown key as written."""
    return translator(language).gettext(PARTS[key]) if key in PARTS else key.replace("_", " ")
