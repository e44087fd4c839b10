"""The titles of the small EU topic lists (industrial ecosystems, Horizon Europe clusters, EU missions),
for translation.

The alignment's taxonomy files keep them in English, as the European Commission lists them; a report,
a call text or a plan shows them in its language through `topic_name`. Only a title equal to the
built-in English one is translated, so a user's own taxonomy keeps its own words. NACE and NABS
titles (hundreds of official statistical titles) and a strategy's own priority areas stay as written.
A test checks that every title of the built-in files is listed here.
"""

from __future__ import annotations

from collections.abc import Mapping

from ..i18n import translator
from .render import N_

TITLES: dict[tuple[str, str], str] = {
    # TRANSLATORS: the European Commission's 14 industrial ecosystems (Annual Single Market Report 2021)
    ("ecosystem", "aerospace_defence"): N_("Aerospace & defence"),
    ("ecosystem", "agri_food"): N_("Agri-food"),
    ("ecosystem", "construction"): N_("Construction"),
    ("ecosystem", "cci"): N_("Cultural and creative industries (CCI)"),
    ("ecosystem", "digital"): N_("Digital"),
    ("ecosystem", "electronics"): N_("Electronics"),
    ("ecosystem", "eii"): N_("Energy-intensive industries (EII)"),
    ("ecosystem", "energy_renewables"): N_("Energy-renewables"),
    ("ecosystem", "health"): N_("Health"),
    ("ecosystem", "mobility_transport_automotive"): N_("Mobility-Transport-Automotive"),
    ("ecosystem", "proximity_social_economy"): N_("Proximity, social economy and civil society"),
    ("ecosystem", "retail"): N_("Retail"),
    ("ecosystem", "textiles"): N_("Textiles"),
    ("ecosystem", "tourism"): N_("Tourism"),
    # TRANSLATORS: the six clusters of Horizon Europe Pillar II (Regulation (EU) 2021/695)
    ("horizon_cluster", "CL1"): N_("Health"),
    ("horizon_cluster", "CL2"): N_("Culture, Creativity and Inclusive Society"),
    ("horizon_cluster", "CL3"): N_("Civil Security for Society"),
    ("horizon_cluster", "CL4"): N_("Digital, Industry and Space"),
    ("horizon_cluster", "CL5"): N_("Climate, Energy and Mobility"),
    ("horizon_cluster", "CL6"): N_("Food, Bioeconomy, Natural Resources, Agriculture and Environment"),
    # TRANSLATORS: the five EU missions of Horizon Europe
    ("mission", "adaptation"): N_("Adaptation to Climate Change"),
    ("mission", "cancer"): N_("Cancer"),
    ("mission", "ocean"): N_("Restore our Ocean and Waters"),
    ("mission", "cities"): N_("Climate-Neutral and Smart Cities"),
    ("mission", "soil"): N_("A Soil Deal for Europe"),
}


#: English titles the source spells like labels ("Energy-renewables"), in words as a reader writes
#: them; the taxonomy files keep the source's spelling, and the other languages translate it anyway
READABLE: dict[tuple[str, str], str] = {
    ("ecosystem", "energy_renewables"): "Renewable energy",
    ("ecosystem", "mobility_transport_automotive"): "Mobility, transport and automotive",
}


def _shown(key: tuple[str, str], language: str) -> str:
    t = translator(language)
    return READABLE.get(key, TITLES[key]) if t.language == "en" else t._(TITLES[key])


def topic_name(axis: object, code: object, title: object, language: str = "en") -> str:
    """A topic's title in `language` when it is a built-in EU list's title; else the title as written."""
    text = "" if title is None else str(title)
    key = (str(axis), str(code))
    builtin = TITLES.get(key)
    if builtin is None or text.strip() != builtin:
        return text
    return _shown(key, language)


def topic_title(topic: Mapping, language: str = "en") -> str:
    """The title of a collapsed synergy topic (`recommend.topics.collapse_topics`) in `language`: its own
    when translatable, else that of the first classification it was merged with that is ("Health" of NABS
    07 merged with the Health ecosystem reads "Gesundheit"), else its own as written."""
    own = "" if topic.get("title") is None else str(topic.get("title"))
    for x in [topic, *(topic.get("same_as") or [])]:
        if not isinstance(x, Mapping):
            continue
        key = (str(x.get("axis")), str(x.get("code")))
        if key in TITLES and str(x.get("title") or "").strip() == TITLES[key]:
            return _shown(key, language)
    return own


__all__ = ["TITLES", "topic_name", "topic_title"]
