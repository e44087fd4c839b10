"""NUTS codes of older versions (2010/2013/2016) recoded to NUTS 2021 - only pure renamings.

The statistics files mix NUTS versions: the EURITO indicator CSVs carry the codes Eurostat
published in March 2022 (France under NUTS 2013 codes such as FR71 for today's FRK2, Poland
under NUTS 2013, Greece under NUTS 2010 in the patent files), the population and area TSVs keep
codes of every version for the years each was valid.

`RECODES` is the correspondence table, written out as data. It lists only codes that occur in
the shared files and whose territory is *identical* to that of a NUTS 2021 region: the code
changed, the boundary did not. A value published for such a code is the value of the NUTS 2021
region, so it is recoded and keeps its old code in ``recoded_from``. Three entries change the
level (the territory of a former NUTS-2 region is a NUTS-1 region in 2021: HU10 -> HU1,
PL12 -> PL9, LT00 -> LT0).

Codes whose boundary changed (e.g. HR04 split into HR02/HR05/HR06, IE01/IE02, NO01/NO03/NO04/
NO05, UKM2/UKM3, SI01/SI02, PL3, the French NUTS-1 regions of 2013 other than FR7 and FRA,
NUTS-3 codes of older versions) are **not** recoded: their rows stay in the table under their
own code and `unmatched_codes` lists them, so nothing is dropped silently.

When a recoded row meets a row published under the NUTS 2021 code for the same indicator and
year, the published row is kept and the recoded one is reported in the load report
(`collisions`), with both values.

`nuts2021_regions(folder)` reads the NUTS 2021 code list (code, level, country, name) from the
GISCO GeoJSON files of the data folder; it stands alone so that this module does not depend on
the NUTS registry module.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd

from ..errors import InputError
from .datadir import require_file

GISCO_FILE = "gisco/NUTS_RG_20M_2021_4326_LEVL_{level}.geojson"

# NUTS 2021 regions that the 1:20 million GISCO layer does not draw (README: NO0B is not among
# the 20M polygons) but Eurostat publishes statistics for.
EXTRA_NUTS2021 = (
    ("NO0B", 2, "NO", "Jan Mayen and Svalbard"),
    ("NO0B1", 3, "NO", "Jan Mayen"),
    ("NO0B2", 3, "NO", "Svalbard"),
)


@dataclass(frozen=True)
class Recode:
    old: str
    new: str
    version: str  # NUTS version of the old code
    name: str
    note: str = "code changed, boundary unchanged"


def _r(old: str, new: str, version: str, name: str, note: str = "code changed, boundary unchanged") -> Recode:
    return Recode(old, new, version, name, note)


RECODES: tuple[Recode, ...] = (
    # France, NUTS 2013 -> 2016 (unchanged in 2021): the former regions became NUTS-2 regions of
    # the new NUTS-1 regions with new codes, same boundaries.
    _r("FR21", "FRF2", "2013", "Champagne-Ardenne"),
    _r("FR22", "FRE2", "2013", "Picardie"),
    _r("FR23", "FRD2", "2013", "Haute-Normandie"),
    _r("FR24", "FRB0", "2013", "Centre (- Val de Loire)"),
    _r("FR25", "FRD1", "2013", "Basse-Normandie"),
    _r("FR26", "FRC1", "2013", "Bourgogne"),
    _r("FR30", "FRE1", "2013", "Nord-Pas-de-Calais"),
    _r("FR41", "FRF3", "2013", "Lorraine"),
    _r("FR42", "FRF1", "2013", "Alsace"),
    _r("FR43", "FRC2", "2013", "Franche-Comté"),
    _r("FR51", "FRG0", "2013", "Pays de la Loire"),
    _r("FR52", "FRH0", "2013", "Bretagne"),
    _r("FR53", "FRI3", "2013", "Poitou-Charentes"),
    _r("FR61", "FRI1", "2013", "Aquitaine"),
    _r("FR62", "FRJ2", "2013", "Midi-Pyrénées"),
    _r("FR63", "FRI2", "2013", "Limousin"),
    _r("FR71", "FRK2", "2013", "Rhône-Alpes"),
    _r("FR72", "FRK1", "2013", "Auvergne"),
    _r("FR81", "FRJ1", "2013", "Languedoc-Roussillon"),
    _r("FR82", "FRL0", "2013", "Provence-Alpes-Côte d'Azur"),
    _r("FR83", "FRM0", "2013", "Corse"),
    _r("FR7", "FRK", "2013", "Centre-Est = Auvergne-Rhône-Alpes (FR71 + FR72)"),
    _r("FRA", "FRY", "2013", "Départements d'outre-mer (incl. Mayotte)"),
    _r("FRA1", "FRY1", "2013", "Guadeloupe"),
    _r("FRA2", "FRY2", "2013", "Martinique"),
    _r("FRA3", "FRY3", "2013", "Guyane"),
    _r("FRA4", "FRY4", "2013", "La Réunion"),
    _r("FRA5", "FRY5", "2013", "Mayotte"),
    # France, NUTS 2010 overseas regions (patent files).
    _r("FR91", "FRY1", "2010", "Guadeloupe"),
    _r("FR92", "FRY2", "2010", "Martinique"),
    _r("FR93", "FRY3", "2010", "Guyane"),
    _r("FR94", "FRY4", "2010", "Réunion"),
    # Greece, NUTS 2010 -> 2013 (patent files): new NUTS-1 grouping, NUTS-2 regions renamed.
    _r("EL11", "EL51", "2010", "Anatoliki Makedonia, Thraki"),
    _r("EL12", "EL52", "2010", "Kentriki Makedonia"),
    _r("EL13", "EL53", "2010", "Dytiki Makedonia"),
    _r("EL14", "EL61", "2010", "Thessalia"),
    _r("EL21", "EL54", "2010", "Ipeiros"),
    _r("EL22", "EL62", "2010", "Ionia Nisia"),
    _r("EL23", "EL63", "2010", "Dytiki Ellada"),
    _r("EL24", "EL64", "2010", "Sterea Ellada"),
    _r("EL25", "EL65", "2010", "Peloponnisos"),
    # Poland, NUTS 2013 -> 2016: new macro-regions (NUTS-1), voivodeships renamed; Mazowieckie
    # (PL12) was split into PL91/PL92, and as a whole is the NUTS-1 region PL9.
    _r("PL11", "PL71", "2013", "Łódzkie"),
    _r("PL33", "PL72", "2013", "Świętokrzyskie"),
    _r("PL31", "PL81", "2013", "Lubelskie"),
    _r("PL32", "PL82", "2013", "Podkarpackie"),
    _r("PL34", "PL84", "2013", "Podlaskie"),
    _r("PL12", "PL9", "2013", "Mazowieckie", "same territory, now the NUTS-1 region (split into PL91/PL92)"),
    # Hungary, NUTS 2016 -> 2021: Közép-Magyarország split into HU11/HU12; as a whole it is HU1.
    _r("HU10", "HU1", "2016", "Közép-Magyarország", "same territory, now the NUTS-1 region (split into HU11/HU12)"),
    # Lithuania, NUTS 2013 -> 2016: one NUTS-2 region, now split into LT01/LT02; as a whole LT0.
    _r("LT00", "LT0", "2013", "Lietuva", "same territory, now the NUTS-1 region (split into LT01/LT02)"),
)

RECODE_MAP: dict[str, str] = {r.old: r.new for r in RECODES}


def recode_table() -> pd.DataFrame:
    """The correspondence table as a DataFrame (old, new, version, name, note)."""
    return pd.DataFrame([r.__dict__ for r in RECODES])


def _read_gisco(folder: Path) -> pd.DataFrame:
    rows = []
    for level in range(4):
        rel = GISCO_FILE.format(level=level)
        path = require_file(rel, folder)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            feats = data["features"]
            for f in feats:
                p = f["properties"]
                rows.append(
                    (str(p["NUTS_ID"]), int(p["LEVL_CODE"]), str(p["CNTR_CODE"]), str(p.get("NAME_LATN") or ""))
                )
        except (OSError, UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
            raise InputError(
                f"not a readable GISCO NUTS GeoJSON ({type(exc).__name__}: {exc}); the file is corrupt or truncated",
                source=rel,
            ) from exc
    known = {r[0] for r in rows}
    rows += [r for r in EXTRA_NUTS2021 if r[0] not in known]
    df = pd.DataFrame(rows, columns=["code", "level", "country", "name"]).drop_duplicates("code")
    return df.sort_values(["level", "code"]).reset_index(drop=True)


@lru_cache(maxsize=8)
def _cached(folder: str, stamp: tuple) -> pd.DataFrame:
    return _read_gisco(Path(folder))


def nuts2021_regions(folder: str | Path | None = None) -> pd.DataFrame:
    """NUTS 2021 regions (code, level, country, name) from the GISCO files in the data folder."""
    from .datadir import data_dir

    base = Path(folder) if folder else data_dir()
    paths = [require_file(GISCO_FILE.format(level=lv), base) for lv in range(4)]
    stamp = tuple((p.stat().st_mtime_ns, p.stat().st_size) for p in paths)
    return _cached(str(base.resolve()), stamp).copy()


def recode(df: pd.DataFrame, region_col: str = "region") -> pd.DataFrame:
    """Recode old codes in `region_col` to NUTS 2021; sets ``recoded_from`` (old code or '')."""
    out = df.copy()
    old = out[region_col].astype(str)
    new = old.map(RECODE_MAP)
    hit = new.notna()
    out["recoded_from"] = old.where(hit, "")
    out[region_col] = new.where(hit, old)
    return out


_NON_NUTS = {"US", "JP", "KR", "RU", "CN", "BA", "XK", "UA", "MD", "GE", "BY", "AM", "AZ", "CN_X_HK"}


def classify_code(code: str, known: set[str] | frozenset[str]) -> str:
    """'nuts2021', 'aggregate' (EU/EA...), 'extra_regio' (..Z), 'not_regionalised' (..X),
    'non_nuts' (country outside NUTS) or 'other_version' (a NUTS code of another version)."""
    if code in known:
        return "nuts2021"
    if re.match(r"^(EU|EA|EFTA|EEA)", code):
        return "aggregate"
    if code in _NON_NUTS or code[:2] in _NON_NUTS or "_" in code:
        return "non_nuts"
    tail = code[2:]
    if len(code) > 2 and set(tail) == {"Z"}:
        return "extra_regio"
    if len(code) > 2 and set(tail) == {"X"}:
        return "not_regionalised"
    return "other_version"


def unmatched_codes(
    stats: pd.DataFrame, folder: str | Path | None = None, known: set[str] | None = None
) -> pd.DataFrame:
    """Codes in a statistics table that are not NUTS 2021 regions, with what they are and where.

    Columns: code, kind (see `classify_code`), indicators (comma-separated), years ('2011-2013'),
    rows. These rows stay in the table (nothing is dropped); they just cannot be joined to the
    NUTS 2021 map.
    """
    if known is None:
        known = set(nuts2021_regions(folder)["code"])
    sub = stats[~stats["region"].isin(known)]
    if sub.empty:
        return pd.DataFrame(columns=["code", "kind", "indicators", "years", "rows"])
    g = sub.groupby("region", sort=True)
    out = pd.DataFrame(
        {
            "code": list(g.groups.keys()),
            "indicators": g["indicator"].agg(lambda s: ",".join(sorted(set(s)))).to_numpy(),
            "years": g["year"]
            .agg(lambda s: f"{int(s.min())}-{int(s.max())}" if s.min() != s.max() else str(int(s.min())))
            .to_numpy(),
            "rows": g.size().to_numpy(),
        }
    )
    out.insert(1, "kind", [classify_code(c, known) for c in out["code"]])
    return out.reset_index(drop=True)
