"""Demo territories of the S3 StressTest: the Alpine regions and a European reference set.

Codes are NUTS 2021 codes of whatever level owns the S3 (a country, NUTS-1, NUTS-2 or
NUTS-3 region); names are the official Latin-script NUTS names (`NAME_LATN`) of the
Eurostat GISCO NUTS 2021 files (`NUTS_RG_20M_2021_4326_LEVL_{0,1,2,3}.geojson`), copied
verbatim - so Trento is "Provincia Autonoma di Trento", Slovenia "Slovenija" and
Fribourg "Freiburg", as GISCO spells them.

`ALPINE_DEMO` lists the eleven territories of the Interreg Alpine Space project
S3-4AlpClusters that took part in the StressTest. `EUROPEAN_DEMO` is an illustrative
set of 25 European regions with active cluster policies, chosen for the demo and for
benchmarks only: it makes no claim that these regions took part in any StressTest.
"""

from __future__ import annotations

import pandas as pd

# (NUTS 2021 code, NAME_LATN), in the order of the StressTest partnership.
ALPINE_DEMO: tuple[tuple[str, str], ...] = (
    ("ITC1", "Piemonte"),  # NUTS-2
    ("ITC4", "Lombardia"),  # NUTS-2
    ("ITH2", "Provincia Autonoma di Trento"),  # NUTS-2
    ("ITH3", "Veneto"),  # NUTS-2
    ("SI", "Slovenija"),  # country (NUTS-0)
    ("AT31", "Oberösterreich"),  # NUTS-2
    ("AT32", "Salzburg"),  # NUTS-2
    ("DE2", "Bayern"),  # NUTS-1
    ("DE1", "Baden-Württemberg"),  # NUTS-1
    ("FRC2", "Franche-Comté"),  # NUTS-2
    ("CH022", "Freiburg"),  # NUTS-3 (canton of Fribourg)
)

# Illustrative European reference set (not StressTest participants).
EUROPEAN_DEMO: tuple[tuple[str, str], ...] = (
    ("ES21", "País Vasco"),
    ("ES51", "Cataluña"),
    ("ES22", "Comunidad Foral de Navarra"),
    ("SE22", "Sydsverige"),
    ("SE23", "Västsverige"),
    ("FI1B", "Helsinki-Uusimaa"),
    ("NL41", "Noord-Brabant"),
    ("NL42", "Limburg (NL)"),
    ("BE2", "Vlaams Gewest"),  # NUTS-1
    ("BE3", "Région wallonne"),  # NUTS-1
    ("FR10", "Ile-de-France"),
    ("FRJ", "Occitanie"),  # NUTS-1
    ("DEA", "Nordrhein-Westfalen"),  # NUTS-1
    ("DED", "Sachsen"),  # NUTS-1
    ("DK01", "Hovedstaden"),
    ("DK04", "Midtjylland"),
    ("ITH5", "Emilia-Romagna"),
    ("ITI1", "Toscana"),
    ("PT11", "Norte"),
    ("PL21", "Małopolskie"),
    ("CZ06", "Jihovýchod"),
    ("IE06", "Eastern and Midland"),
    ("EE", "Eesti"),  # country (NUTS-0)
    ("HU11", "Budapest"),
    ("EL30", "Attiki"),
)


def demo_language(code: str) -> str:
    """The report language of demo territory `code`: the default of `regions.languages` (Fribourg and
    Wallonia French, AT/DE German, ...), "" where that is only the English fallback."""
    from ..regions.languages import FALLBACK, territory_language

    lang = territory_language(code)
    return "" if lang == FALLBACK else lang


def demo_regions() -> pd.DataFrame:
    """All 36 demo territories as `region,name` (Alpine first, then the European set)."""
    rows = ALPINE_DEMO + EUROPEAN_DEMO
    return pd.DataFrame({"region": [c for c, _ in rows], "name": [n for _, n in rows]})


def demo_groups() -> pd.DataFrame:
    """Peer groups as `region,group`: `alpine` (11), `european` (25) and `all` (36)."""
    pairs = (
        [(c, "alpine") for c, _ in ALPINE_DEMO]
        + [(c, "european") for c, _ in EUROPEAN_DEMO]
        + [(c, "all") for c, _ in ALPINE_DEMO + EUROPEAN_DEMO]
    )
    return pd.DataFrame({"region": [c for c, _ in pairs], "group": [g for _, g in pairs]})
