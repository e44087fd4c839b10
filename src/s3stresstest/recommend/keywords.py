"""Which block an open answer speaks about, and in which language it is written.

Respondents answer in English, German, French, Italian or Slovenian, so excerpts are chosen
by keyword stems in all five languages. Matching folds case and accents ("Förderprogramme"
and "forderprogramme" match alike) and a stem matches the start of a word; German stems also
match inside a word, because German joins words into compounds ("Innovationsförderung").
A phrase (a stem with a space) matches the folded text at a word start.

The stems are search keywords written for this tool, not facts about any region.
The language of an answer is the respondent's recorded language when there is one; else it
is guessed from counts of common short words (`detect_language`), and left unmarked when
the counts do not single out one language.
"""

from __future__ import annotations

import re
import unicodedata

LANGUAGES = ("en", "de", "fr", "it", "sl")
LANGUAGE_NAMES = {"en": "English", "de": "German", "fr": "French", "it": "Italian", "sl": "Slovenian"}

#: Keyword stems per block and language, already folded (lower case, no accents), comma-separated.
_KEYWORDS = {
    "b1": {
        "en": "design, draft, edp, entrepreneurial discovery, revision, revise, involv, steer, consult, governance",
        "de": (
            "entwurf, uberarbeit, revision, einbezog, einbezieh, einbind, beteilig, mitwirk, "
            "steuerung, konsult, governance, unternehmerische entdeck, strategieprozess"
        ),
        "fr": (
            "concept, elabor, redaction, revision, reviser, impliqu, associer, participat, consult, "
            "gouvernance, pilotage, decouverte entrepreneuriale"
        ),
        "it": (
            "progettaz, elabora, redazion, revision, coinvol, partecipa, consulta, governance, "
            "pilotaggio, scoperta imprenditoriale"
        ),
        "sl": (
            "zasnov, oblikovan, priprav, revizij, prenov, vkljuc, posvetov, upravljan, "
            "podjetnisko odkrivanj, podjetniskega odkrivanj"
        ),
    },
    "b2": {
        "en": "neighbour, neighbor, national, cross-border, cross border, other regions, align, interreg",
        "de": "nachbar, national, bundes, grenzuberschreit, anderen region, andere region, abstimm, interreg",
        "fr": "voisin, national, transfrontal, autres regions, aligne, coheren, interreg",
        "it": "vicin, nazional, transfrontalier, altre region, allinea, coeren, interreg",
        "sl": "sosed, nacional, drzavn, cezmej, drugimi regij, druge regij, drugih regij, uskla, interreg",
    },
    "b3": {
        "en": "fund, call, support, administrative, scheme, implement, grant, paperwork",
        "de": (
            "forder, finanzier, ausschreib, aufruf, zuschuss, zuschusse, antrag, antrage, burokrat, "
            "verwaltungsaufwand, umsetz, unterstutz"
        ),
        "fr": "financ, appel, subvention, aides, soutien, administrati, bureaucrat, mise en oeuvre, dispositif",
        "it": "finanz, bando, bandi, contribut, sostegn, supporto, agevolaz, burocra, amministrativ, attuazion",
        "sl": "financ, sredstv, razpis, subvencij, spodbud, podpor, birokrac, administrativ, izvajan",
    },
    "b4": {
        "en": "indicator, monitor, evaluat, data, measure",
        "de": "indikator, kennzahl, monitoring, uberwach, evaluier, evaluation, daten, messung, messbar",
        "fr": "indicateur, suivi, monitor, evalua, donnees, mesur",
        "it": "indicator, monitora, valutaz, dati, misura",
        "sl": "kazalnik, indikator, spremljan, monitor, vrednoten, evalvac, podatk, merjen",
    },
    "b5": {
        "en": "impact, members, new service, effect, benefit",
        "de": "wirkung, auswirk, mitglied, dienstleist, nutzen, effekt, mehrwert",
        "fr": "impact, membres, adherent, nouveaux services, nouveau service, effet, benefic, retombee",
        "it": "impatt, membri, aderent, nuovi servizi, nuovo servizio, effett, benefic, ricadut",
        "sl": "vpliv, ucin, clan, storit, korist, dodana vrednost, dodano vrednost",
    },
    "b6": {
        "en": "portfolio, overlap, critical mass, cluster managers, joint, all clusters",
        "de": (
            "portfolio, uberschneid, doppelstruktur, kritische masse, clustermanag, gemeinsam, "
            "alle cluster, allen cluster"
        ),
        "fr": (
            "portefeuille, chevauch, doublon, masse critique, gestionnaires de cluster, conjoint, "
            "en commun, tous les clusters"
        ),
        "it": "portafoglio, sovrappos, duplicaz, massa critica, cluster manager, congiunt, in comune, tutti i cluster",
        "sl": (
            "portfelj, prekriv, podvaj, kriticne mase, kriticno maso, kriticna masa, skupn, "
            "vsi grozdi, vseh grozd, upravljavci grozd"
        ),
    },
}
BLOCK_KEYWORDS: dict[str, dict[str, tuple[str, ...]]] = {
    block: {lang: tuple(x.strip() for x in stems.split(",")) for lang, stems in by_lang.items()}
    for block, by_lang in _KEYWORDS.items()
}

#: Words that start with a stem but mean something else ("Herausforderung" is a challenge,
#: not a "Förderung").
FALSE_FRIENDS = ("herausforder",)

#: Common short words per language, folded; their counts tell the language of an answer.
STOP_WORDS: dict[str, frozenset[str]] = {
    "en": frozenset(
        "the and of to is are would could should with for be more this that we our it not they there "
        "from have has was been their which".split()
    ),
    "de": frozenset(
        "der die das und ist sind nicht mit fur wir ein eine einen zu den dem des auch sollte sollten "
        "werden wird mehr bei von im uns unsere sich oder waren ware konnte".split()
    ),
    "fr": frozenset(
        "le la les de et est sont des du un une pour avec nous pas plus dans que qui au aux devrait "
        "serait entre leur nos ce cette sur ou".split()
    ),
    "it": frozenset(
        "il lo gli di del della delle dei che per con sono una non piu tra sarebbe dovrebbe nel nella "
        "degli anche questo questa nostri ai alle".split()
    ),
    "sl": frozenset(
        "je so da za na ki bi pri bilo tudi ter ne od bolj med lahko morali smo kot pa ali naj bili vec".split()
    ),
}

_WORD = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_MARK = re.compile(r" \((" + "|".join(LANGUAGES) + r")\)$")


def fold(text: str) -> str:
    """Lower case without accents, whitespace collapsed: what keywords are matched against."""
    s = str(text).casefold().replace("ß", "ss")
    s = "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c))
    return " ".join(s.split())


def words(text: str) -> list[str]:
    """The folded words of a text."""
    return _WORD.findall(fold(text))


def _stems(block: str) -> tuple[list[str], list[str], list[str]]:
    """A block's single-word stems, German single-word stems (also matched inside compounds), phrases."""
    prefix: list[str] = []
    inner: list[str] = []
    phrases: list[str] = []
    for lang, stems in BLOCK_KEYWORDS.get(block, {}).items():
        for s in stems:
            if " " in s:
                phrases.append(s)
            elif lang == "de" and len(s) >= 5:
                inner.append(s)
            else:
                prefix.append(s)
    return prefix, inner, phrases


def mentions(text: str, block: str) -> bool:
    """Whether an answer mentions one of the block's keywords in any of the five languages."""
    prefix, inner, phrases = _stems(block)
    folded = fold(text)
    tokens = [w for w in _WORD.findall(folded) if not w.startswith(FALSE_FRIENDS)]
    for w in tokens:
        if w.startswith(tuple(prefix)) or any(s in w for s in inner):
            return True
    padded = " " + " ".join(tokens) + " "
    return any(" " + p in padded for p in phrases)


def detect_language(text: str) -> str:
    """The language whose common words occur most often in the text; "" when none or a tie."""
    tokens = words(text)
    counts = {lang: sum(w in stop for w in tokens) for lang, stop in STOP_WORDS.items()}
    best = max(counts.values())
    if best < 1:
        return ""
    top = [lang for lang, n in counts.items() if n == best]
    return top[0] if len(top) == 1 else ""


def language_of(text: str, recorded: object = None) -> str:
    """The recorded language (a code like "de" or "de-AT") when it is one of the five; else detected."""
    code = "" if recorded is None or recorded != recorded else str(recorded).strip().lower()[:2]
    if code in LANGUAGES:
        return code
    return detect_language(text)


def mark(excerpt: str, language: str) -> str:
    """The excerpt with its language appended as " (de)"; unchanged when the language is unknown."""
    return f"{excerpt} ({language})" if language in LANGUAGES else excerpt


def unmark(excerpt: str) -> str:
    """The excerpt without the language mark `mark` appended."""
    m = _MARK.search(excerpt)
    return excerpt[: m.start()] if m else excerpt


def quoted(excerpt: str, language: str = "en") -> str:
    """A marked excerpt for a page in `language`: „text“ in German (the language's quotation marks), the
    answer's language named in the page's language ("Deutsch", "allemand", "tedesco"...: CLDR names) after
    it. A synthetic answer (the demo's "[synthetic] " data mark) is said to be synthetic in the page's
    language instead of its English mark, so the label stays but reads in every report."""
    from ..campaign.synthetic import SYNTHETIC_PREFIX
    from ..i18n import translator

    t = translator(language)
    m = _MARK.search(excerpt)
    text, code = (excerpt[: m.start()], m.group(1)) if m else (excerpt, "")
    synthetic = text.startswith(SYNTHETIC_PREFIX)
    if synthetic:
        text = text[len(SYNTHETIC_PREFIX) :]
    # TRANSLATORS: quotation marks around a respondent's answer; use your language's marks (de „…“, fr « … »)
    quote = t.pgettext("answer quotation", "\u201c{text}\u201d", text=text)
    name = ""
    if code and language == "en":
        name = LANGUAGE_NAMES[code]
    elif code:
        from babel import Locale

        name = Locale.parse(language).languages.get(code, LANGUAGE_NAMES[code])
    if synthetic and name:
        # TRANSLATORS: after a quoted answer: the answer's language, and that the answer is made up for the demo
        return t._("{quote} ({language}; synthetic answer)", quote=quote, language=name)
    if synthetic:
        return t._("{quote} (synthetic answer)", quote=quote)
    return f"{quote} ({name})" if name else quote


def describe() -> str:
    """The keyword stems per block and language, for a report's provenance."""
    return "; ".join(
        f"{block}: " + " / ".join(f"{lang} {', '.join(stems)}" for lang, stems in by_lang.items())
        for block, by_lang in BLOCK_KEYWORDS.items()
    )
