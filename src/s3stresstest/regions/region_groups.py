"""Built-in groups of NUTS 2021 regions.

`ALPINE_SPACE`: the programme area of the Interreg Alpine Space programme as 42 NUTS-2
regions (all of Austria, Switzerland and Liechtenstein; Baden-Württemberg and Bayern;
Franche-Comté, Alsace, Rhône-Alpes and Provence-Alpes-Côte d'Azur; Piemonte, Valle d'Aosta,
Liguria, Lombardia, Bolzano/Bozen, Trento, Veneto and Friuli-Venezia Giulia; Slovenia).

`S3_4ALPCLUSTERS`: the eleven territories of the S3-4AlpClusters project that took part in
the StressTest demo, at mixed NUTS levels (a country, NUTS-1, NUTS-2 and a NUTS-3 canton);
the codes are those of `campaign.territories.ALPINE_DEMO`, kept in one place.

Every code is checked against the GISCO registry by the tests.
"""

from __future__ import annotations

from ..campaign.territories import ALPINE_DEMO
from ..errors import InputError

ALPINE_SPACE: tuple[str, ...] = (
    "AT11",
    "AT12",
    "AT13",
    "AT21",
    "AT22",
    "AT31",
    "AT32",
    "AT33",
    "AT34",
    "CH01",
    "CH02",
    "CH03",
    "CH04",
    "CH05",
    "CH06",
    "CH07",
    "DE11",
    "DE12",
    "DE13",
    "DE14",
    "DE21",
    "DE22",
    "DE23",
    "DE24",
    "DE25",
    "DE26",
    "DE27",
    "FRC2",
    "FRF1",
    "FRK2",
    "FRL0",
    "ITC1",
    "ITC2",
    "ITC3",
    "ITC4",
    "ITH1",
    "ITH2",
    "ITH3",
    "ITH4",
    "LI00",
    "SI03",
    "SI04",
)

S3_4ALPCLUSTERS: tuple[str, ...] = tuple(code for code, _ in ALPINE_DEMO)

REGION_GROUPS: dict[str, tuple[str, ...]] = {
    "alpine-space": ALPINE_SPACE,
    "s3-4alpclusters": S3_4ALPCLUSTERS,
}

DESCRIPTIONS: dict[str, str] = {
    "alpine-space": "Interreg Alpine Space programme area (42 NUTS-2 regions)",
    "s3-4alpclusters": "S3-4AlpClusters StressTest territories of the demo (11, mixed NUTS levels)",
}


def _key(name: str) -> str:
    return "".join(ch for ch in str(name).lower() if ch.isalnum())


_LOOKUP = {_key(k): k for k in REGION_GROUPS} | {"alpine": "alpine-space"}


def region_group(name: str) -> tuple[str, ...]:
    """Codes of a built-in group: 'alpine-space' or 's3-4alpclusters' (case and punctuation ignored)."""
    key = _LOOKUP.get(_key(name))
    if key is None:
        raise InputError(f"unknown region group '{name}'; built-in groups: {', '.join(REGION_GROUPS)}")
    return REGION_GROUPS[key]
