"""The language a territory's regional report is written in by default.

A territory added to a campaign (web admin, API, CSV) gets this language unless the admin
chooses another: its country's language where that is one of the five report languages
(AT, DE, LI and CH German, FR French, IT Italian, SI Slovenian), English elsewhere.

Where a country has several languages the territory's own majority language wins, for the
NUTS 2021 territories where it is one of the report languages: the French-speaking Swiss
cantons (Vaud, Valais, Genève, Neuchâtel, Jura and bilingual Fribourg, whose majority speaks
French; NUTS names it "Freiburg"), Ticino (Italian), Wallonia and Brussels (French; the
German-speaking community, BE336, German) and South Tyrol (ITH1, German majority). Bern and
Graubünden (German-speaking majorities) keep the country's language. The admin can change any
territory's language: these are defaults, not facts about every reader.
"""

from __future__ import annotations

#: The report language of a country's territories (the first two letters of the NUTS code).
COUNTRY_LANGUAGES = {"AT": "de", "DE": "de", "LI": "de", "CH": "de", "FR": "fr", "IT": "it", "SI": "sl"}

#: Territories (and everything below them in NUTS) whose majority language is not the country's.
TERRITORY_LANGUAGES = {
    "CH01": "fr",  # Région lémanique: Vaud, Valais, Genève
    "CH022": "fr",  # Fribourg/Freiburg: bilingual, French-speaking majority
    "CH024": "fr",  # Neuchâtel
    "CH025": "fr",  # Jura
    "CH07": "it",  # Ticino
    "BE1": "fr",  # Brussels-Capital: bilingual, French-speaking majority
    "BE3": "fr",  # Wallonia
    "BE336": "de",  # Bezirk Verviers - Deutschsprachige Gemeinschaft
    "ITH1": "de",  # Provincia Autonoma di Bolzano/Bozen: German-speaking majority
}

#: The language of a territory none of the rules above names.
FALLBACK = "en"


def territory_language(code: str) -> str:
    """The default report language of territory `code`: its own (the longest listed prefix of the
    code), else its country's, else English. 'CH022' -> 'fr', 'CH021' -> 'de', 'AT32' -> 'de'."""
    code = str(code).strip().upper()
    for n in range(len(code), 1, -1):
        lang = TERRITORY_LANGUAGES.get(code[:n])
        if lang:
            return lang
    return COUNTRY_LANGUAGES.get(code[:2], FALLBACK)
