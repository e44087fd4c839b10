"""The NUTS 2021 registry: codes, names, levels, parents, countries and boundaries.

Everything comes from the four Eurostat/GISCO files
`gisco/NUTS_RG_20M_2021_4326_LEVL_{0,1,2,3}.geojson` of the data directory (1:20 million,
EPSG:4326 longitude/latitude; © EuroGeographics for the administrative boundaries,
source: Eurostat - GISCO). Geometries stay shapely objects in degrees.

    reg = NutsRegistry.load()            # or NutsRegistry.load(folder="../shared/data")
    reg.get("AT33")                      # NutsRegion(code='AT33', name_latn='Tirol', level=2, ...)
    reg.get("AT3X")                      # InputError: ... did you mean AT3 (Westösterreich), AT33 (Tirol), ...
    reg.find("bayern")                   # DataFrame of regions named so (accent- and case-insensitive)
    reg.resolve("Tirol")                 # a code or a name -> one NutsRegion
    reg.parents("AT33")                  # ('AT3', 'AT'), nearest first
    reg.nuts2_parts("DE2")               # ('DE21', ..., 'DE27')
    reg.geometry("MT00")                 # shapely (Multi)Polygon

Hierarchy. A NUTS code's parent is the code without its last character (AT33 -> AT3 -> AT);
the loader checks that every parent exists in the next level's file.

NUTS-2 parts (`nuts2_parts`), used to compare territories of mixed levels: a country or
NUTS-1 region stands for its NUTS-2 descendants, a NUTS-2 region for itself, and a NUTS-3
region for the NUTS-2 region that contains it. The adjacency of territories
(`adjacency.territory_adjacency`) goes one step further for NUTS-3 territories so that a
small territory is never stretched to its whole NUTS-2 parent; see `parts(code, level)`
and the rule documented in `adjacency.py`.
"""

from __future__ import annotations

import difflib
import json
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import pandas as pd
import shapely

from ..errors import InputError, Problem
from .datadir import require_file

LEVELS = (0, 1, 2, 3)
GISCO_FILE = "gisco/NUTS_RG_20M_2021_4326_LEVL_{level}.geojson"
TABLE_COLUMNS = ["code", "name_latn", "name_national", "level", "country", "parent"]


@dataclass(frozen=True)
class NutsRegion:
    code: str
    name_latn: str
    name_national: str
    level: int
    country: str
    parent: str | None

    @property
    def name(self) -> str:
        return self.name_latn

    def label(self) -> str:
        return f"{self.code} ({self.name_latn})"


def normalise_name(text: str) -> str:
    """Case-, accent- and punctuation-insensitive form of a name ("Baden-Württemberg" -> "baden wurttemberg")."""
    decomposed = unicodedata.normalize("NFKD", str(text))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    folded = stripped.casefold()
    return re.sub(r"[\W_]+", " ", folded).strip()


def _read_level(path: Path, level: int) -> tuple[list[dict], list[str]]:
    """Rows and GeoJSON geometry strings of one level file; every defect becomes a Problem."""
    source = path.name
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"cannot read GISCO file: {exc}", source=source) from exc
    features = doc.get("features") if isinstance(doc, dict) else None
    if not isinstance(features, list):
        raise InputError("not a GeoJSON FeatureCollection (no 'features' list)", source=source)
    rows, geoms, problems = [], [], []
    for n, feat in enumerate(features, start=1):
        props = (feat or {}).get("properties") or {}
        geom = (feat or {}).get("geometry")
        missing = [k for k in ("NUTS_ID", "CNTR_CODE", "LEVL_CODE", "NAME_LATN") if props.get(k) in (None, "")]
        if missing or not geom:
            what = ", ".join(missing + ([] if geom else ["geometry"]))
            problems.append(Problem(f"feature {n} lacks {what}", source=source))
            continue
        if int(props["LEVL_CODE"]) != level:
            problems.append(
                Problem(
                    f"feature {props['NUTS_ID']} has LEVL_CODE {props['LEVL_CODE']}, expected {level}", source=source
                )
            )
            continue
        code = str(props["NUTS_ID"]).strip().upper()
        # Names are kept as published except for surrounding whitespace: three national
        # names at level 0 (EL, BG, CY) end in a no-break space in the 2021 files.
        rows.append(
            {
                "code": code,
                "name_latn": str(props["NAME_LATN"]).strip(),
                "name_national": str(props.get("NUTS_NAME") or props["NAME_LATN"]).strip(),
                "level": level,
                "country": str(props["CNTR_CODE"]).strip().upper(),
                "parent": code[:-1] if level > 0 else None,
            }
        )
        geoms.append(json.dumps(geom))
    if problems:
        raise InputError(problems)
    return rows, geoms


@dataclass(eq=False)
class NutsRegistry:
    """All NUTS 2021 regions of the GISCO 1:20M files, levels 0-3."""

    table: pd.DataFrame  # code, name_latn, name_national, level, country, parent (NA at level 0)
    geometries: pd.Series  # shapely geometry by code (EPSG:4326)
    source: Path | None = None
    cache: dict = field(default_factory=dict, repr=False)  # per-registry memo (e.g. adjacency per level)

    def __post_init__(self) -> None:
        self.table = self.table.reset_index(drop=True)
        self._by_code = {}
        # The table's columns are text, so every record is keyed by str.
        records = cast("list[dict[str, Any]]", self.table.to_dict("records"))
        for r in records:
            r["parent"] = r["parent"] if isinstance(r["parent"], str) and r["parent"] else None
            r["level"] = int(r["level"])
            self._by_code[r["code"]] = NutsRegion(**r)
        self._children: dict[str, list[str]] = {}
        for region in self._by_code.values():
            if region.parent is not None:
                self._children.setdefault(region.parent, []).append(region.code)
        self._by_name: dict[str, list[str]] = {}
        for region in self._by_code.values():
            for name in {normalise_name(region.name_latn), normalise_name(region.name_national)}:
                self._by_name.setdefault(name, []).append(region.code)

    # -- loading -----------------------------------------------------------------------------------

    @classmethod
    def load(cls, folder: str | Path | None = None) -> NutsRegistry:
        """Read the four GISCO level files from `folder` (default: the data directory)."""
        rows, geoms, problems = [], [], []
        first_path = None
        for level in LEVELS:
            path = require_file(GISCO_FILE.format(level=level), folder)
            first_path = first_path or path
            r, g = _read_level(path, level)
            rows += r
            geoms += g
        table = pd.DataFrame(rows, columns=TABLE_COLUMNS)
        dupes = table.loc[table["code"].duplicated(), "code"].tolist()
        if dupes:
            problems.append(Problem(f"duplicate NUTS codes: {', '.join(dupes[:10])}", source="gisco"))
        known = set(table["code"])
        orphans = [
            c for c, p in zip(table["code"], table["parent"], strict=True) if isinstance(p, str) and p not in known
        ]
        if orphans:
            problems.append(Problem(f"regions whose parent is missing: {', '.join(orphans[:10])}", source="gisco"))
        if problems:
            raise InputError(problems)
        shapes = shapely.from_geojson(geoms)
        invalid = ~shapely.is_valid(shapes)
        if invalid.any():  # not the case in the published files; repair rather than fail in GEOS later
            shapes[invalid] = shapely.make_valid(shapes[invalid])
        table["level"] = table["level"].astype(int)
        return cls(
            table=table,
            geometries=pd.Series(shapes, index=table["code"].tolist(), name="geometry"),
            source=first_path.parent if first_path else None,
        )

    # -- lookup ------------------------------------------------------------------------------------

    def __contains__(self, code: object) -> bool:
        return isinstance(code, str) and code.strip().upper() in self._by_code

    def __len__(self) -> int:
        return len(self._by_code)

    def codes(self, level: int | None = None) -> list[str]:
        if level is None:
            return list(self._by_code)
        return [c for c, r in self._by_code.items() if r.level == level]

    def get(self, code: str) -> NutsRegion:
        """The region with this NUTS code (case-insensitive), or InputError with suggestions."""
        key = str(code).strip().upper()
        region = self._by_code.get(key)
        if region is None:
            raise InputError(self._unknown_message(code))
        return region

    def find(self, name: str) -> pd.DataFrame:
        """Regions whose Latin or national name equals `name`, ignoring case, accents and punctuation.

        Several levels may share a name (Malta is MT, MT0, MT00 and MT001); rows are sorted
        by level then code. An empty frame when nothing matches.
        """
        codes = self._by_name.get(normalise_name(name), [])
        rows = self.table[self.table["code"].isin(codes)]
        return rows.sort_values(["level", "code"]).reset_index(drop=True)

    def resolve(self, text: str) -> NutsRegion:
        """A code or a name to one region.

        A name shared by a chain of nested regions (MT, MT0, MT00, MT001) means the least
        detailed of them; a name shared by unrelated regions is refused with the candidates.
        """
        key = str(text).strip()
        if key.upper() in self._by_code:
            return self._by_code[key.upper()]
        found = self.find(key)
        if found.empty:
            raise InputError(self._unknown_message(text))
        codes = found["code"].tolist()
        top = codes[0]
        if all(c.startswith(top) for c in codes):
            return self._by_code[top]
        listed = ", ".join(f"{c} (NUTS-{self._by_code[c].level}, {self._by_code[c].country})" for c in codes)
        raise InputError(f"the name '{text}' is ambiguous: {listed}; give the code")

    def suggest(self, text: str, n: int = 6) -> list[str]:
        """Codes close to `text`, by code spelling first, then by name."""
        key = str(text).strip()
        out: list[str] = []
        for code in difflib.get_close_matches(key.upper(), list(self._by_code), n=n, cutoff=0.6):
            out.append(code)
        norm = normalise_name(key)
        if norm:
            for name in difflib.get_close_matches(norm, list(self._by_name), n=n, cutoff=0.75):
                out.extend(self._by_name[name])
        seen: list[str] = []
        for code in out:
            if code not in seen:
                seen.append(code)
        return seen[:n]

    def _unknown_message(self, text: str) -> str:
        hint = self.suggest(text)
        msg = f"unknown NUTS 2021 region '{text}'"
        if hint:
            msg += "; did you mean " + ", ".join(self._by_code[c].label() for c in hint) + "?"
        else:
            msg += " (give a NUTS 2021 code such as AT33, or a region name such as Tirol)"
        return msg

    # -- hierarchy ---------------------------------------------------------------------------------

    def parents(self, code: str) -> tuple[str, ...]:
        """Ancestors of a region, nearest first: AT33 -> ('AT3', 'AT')."""
        region = self.get(code)
        chain = []
        while region.parent is not None:
            region = self._by_code[region.parent]
            chain.append(region.code)
        return tuple(chain)

    def children(self, code: str) -> tuple[str, ...]:
        """Direct children (one level down), sorted."""
        return tuple(sorted(self._children.get(self.get(code).code, [])))

    def descendants(self, code: str, level: int) -> tuple[str, ...]:
        """Descendants at `level` (deeper than the region's own level), sorted."""
        current = [self.get(code).code]
        for _ in range(self.get(code).level, level):
            current = [c for p in current for c in self._children.get(p, [])]
        return tuple(sorted(current))

    def ancestor(self, code: str, level: int) -> str:
        """The region's ancestor at `level` (itself at its own level)."""
        region = self.get(code)
        if level > region.level:
            raise ValueError(f"{region.code} is at NUTS-{region.level}; it has no ancestor at NUTS-{level}")
        return region.code[: len(region.code) - (region.level - level)]

    def parts(self, code: str, level: int) -> tuple[str, ...]:
        """The region at `level`: its descendants when `level` is deeper, else its ancestor there."""
        region = self.get(code)
        if level >= region.level:
            return self.descendants(region.code, level) if level > region.level else (region.code,)
        return (self.ancestor(region.code, level),)

    def nuts2_parts(self, code: str) -> tuple[str, ...]:
        """NUTS-2 descendants of a country or NUTS-1 region; a NUTS-2 region itself; a NUTS-3 region's parent."""
        return self.parts(code, 2)

    def contains(self, outer: str, inner: str) -> bool:
        """True when `inner` is `outer` or lies inside it in the hierarchy."""
        a, b = self.get(outer).code, self.get(inner).code
        return b.startswith(a)

    # -- geometry ----------------------------------------------------------------------------------

    def geometry(self, code: str):
        """Shapely (Multi)Polygon of a region, EPSG:4326 (longitude, latitude in degrees)."""
        return self.geometries[self.get(code).code]

    def level_geometries(self, level: int) -> pd.Series:
        """Shapely geometries of all regions of one level, indexed by code (in file order)."""
        if level not in LEVELS:
            raise InputError(f"NUTS level must be one of 0, 1, 2, 3, not {level}")
        return self.geometries[self.codes(level)]

    def level_table(self, level: int) -> pd.DataFrame:
        return self.table[self.table["level"] == level].reset_index(drop=True)

    def name(self, code: str) -> str:
        return self.get(code).name_latn
