"""The names and units of the indicator catalogue's statistics, for translation.

The catalogue (`regions.indicators`) keeps them in English, as the run's context table does; a
report shows them in its language through `indicator_text`. A test checks that every name and
unit of the catalogue is listed here.
"""

from __future__ import annotations

from ..i18n import translator
from .render import N_

TEXTS = (
    N_("Population on 1 January"),
    N_("Area (total, incl. inland waters)"),
    N_("Population density"),
    N_("GDP at current market prices"),
    N_("GDP per inhabitant"),
    N_("GDP per inhabitant in PPS"),
    N_("GDP per inhabitant in PPS, % of EU27 average"),
    N_("GERD, all sectors (R&D intensity)"),
    N_("GERD, business enterprise sector (BERD)"),
    N_("GERD, government sector"),
    N_("GERD, higher education sector"),
    N_("GERD per inhabitant, all sectors"),
    N_("Business enterprise share of GERD"),
    N_("Human resources in science and technology (HRST)"),
    N_("Scientists and engineers"),
    N_("R&D personnel, all sectors (FTE)"),
    N_("Researchers, all sectors (FTE)"),
    N_("EPO patent applications (priority year)"),
    N_("EPO high-tech patent applications (priority year)"),
    N_("persons"),
    N_("km²"),
    N_("inhabitants per km²"),
    N_("million EUR"),
    N_("EUR per inhabitant"),
    N_("PPS (EU27 2020) per inhabitant"),
    N_("% of EU27 (2020) average"),
    N_("% of GDP"),
    N_("% of GERD"),
    N_("% of active population"),
    N_("per million inhabitants"),
)


def indicator_text(text: str, language: str = "en") -> str:
    """A catalogue name or unit in `language` (unchanged when it is not a catalogue text)."""
    return translator(language)._(text) if text in TEXTS else text


def indicator_label(var: str, language: str = "en") -> str:
    """'Name (unit)' of a catalogue variable in `language`; the variable id when unknown."""
    from ..regions.indicators import BY_ID

    ind = BY_ID.get(var)
    if ind is None:
        return var
    return f"{indicator_text(ind.name, language)} ({indicator_text(ind.unit, language)})"
