"""Structural peers: the territories most similar to a territory on structural indicators.

Method (every choice is visible in the result's ``attrs`` and settable):

* variables: catalogue indicators, by default `DEFAULT_VARIABLES` - size (population), density,
  GDP per inhabitant in PPS, R&D intensity (GERD % of GDP) and R&D structure (business
  enterprise share of GERD). Any indicator of the statistics table can be used.
* values: each region's latest available value of each variable (published, recoded or
  aggregated; `year` caps it: the latest year <= `year`). Years can differ between regions
  (e.g. French GERD ends in 2013); they are returned with the values.
* transform: ``log`` for size-like, strongly skewed variables (`LOG_VARIABLES`: population,
  area, density, GDP in million EUR), else none; values <= 0 cannot be logged and count as missing.
* pool: the NUTS 2021 regions of the level (default: the target's level) that have a value for
  every variable. Regions missing any variable are left out of the pool and listed
  (``attrs["dropped"]``), never imputed.
* standardisation: z-scores over the whole pool (mean 0, population standard deviation 1); a
  variable with no spread gets z = 0. The pool is the same whatever the options below, so a
  distance does not depend on who is excluded.
* distance: weighted Euclidean, ``d = sqrt(sum_j w_j (z_j - z_target_j)^2)``, weights default 1.
* candidates: the pool minus the target itself, minus regions of the target's country when
  `exclude_same_country`, restricted to `within` (codes or code prefixes: ``["DE", "AT3"]``).
  Ranked by distance ascending (ties: by code); the k nearest are returned.

Peers are context for reading StressTest results; these indicators are shown next to the
StressTest results and never enter StressTest scores.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..errors import InputError
from .indicators import BY_ID
from .statistics import latest_wide

DEFAULT_VARIABLES: tuple[str, ...] = ("population", "density", "gdp_pps_hab", "gerd_total_pc_gdp", "bes_share_gerd")
LOG_VARIABLES = frozenset({"population", "area", "density", "gdp_mio_eur"})


def _weights(variables: list[str], weights: Mapping[str, float] | Sequence[float] | None) -> np.ndarray:
    if weights is None:
        w = np.ones(len(variables))
    elif isinstance(weights, Mapping):
        unknown = [k for k in weights if k not in variables]
        if unknown:
            raise InputError(
                f"weight given for {', '.join(unknown)}, which is not among the variables ({', '.join(variables)})"
            )
        w = np.array([float(weights.get(v, 1.0)) for v in variables])
    else:
        w = np.asarray(list(weights), dtype=float)
        if len(w) != len(variables):
            raise InputError(f"{len(w)} weights for {len(variables)} variables ({', '.join(variables)})")
    if not np.all(np.isfinite(w)) or (w < 0).any():
        raise InputError(f"weights must be finite and >= 0, got {dict(zip(variables, w.tolist(), strict=True))}")
    if w.sum() == 0:
        raise InputError("all weights are 0: at least one variable must count")
    return w


def _matches(codes: np.ndarray, within: Sequence[str] | None) -> np.ndarray:
    if not within:
        return np.ones(len(codes), dtype=bool)
    prefixes = tuple(str(w).strip().upper() for w in within)
    if any(not p for p in prefixes):
        raise InputError("an entry of 'within' is empty")
    return np.fromiter((c.startswith(prefixes) for c in codes), dtype=bool, count=len(codes))


@dataclass
class PeerSpace:
    """Standardised structural variables of all regions of one level; answers peer queries fast."""

    level: int
    variables: list[str]
    weights: np.ndarray
    transforms: dict[str, str]
    regions: np.ndarray  # pool codes (complete data), sorted
    values: pd.DataFrame  # pool x variables, raw values
    years: pd.DataFrame  # pool x variables, year of each value
    z: np.ndarray  # pool x variables, standardised
    dropped: pd.DataFrame  # region, missing (comma-separated variables)
    names: dict[str, str] = field(default_factory=dict)
    _pos: dict[str, int] = field(default_factory=dict)

    @classmethod
    def build(
        cls,
        stats: pd.DataFrame,
        variables: Iterable[str] | None = None,
        weights: Mapping[str, float] | Sequence[float] | None = None,
        *,
        level: int = 2,
        year: int | None = None,
        transforms: Mapping[str, str] | None = None,
        names: Mapping[str, str] | None = None,
    ) -> PeerSpace:
        variables = list(DEFAULT_VARIABLES if variables is None else variables)
        if not variables:
            raise InputError("no variables chosen")
        if len(set(variables)) != len(variables):
            raise InputError(f"a variable is listed twice: {', '.join(variables)}")
        in_table = set(stats["indicator"].unique())
        missing = [v for v in variables if v not in in_table]
        if missing:
            known = sorted(in_table)
            raise InputError(f"variable(s) {', '.join(missing)} not in the statistics; available: {', '.join(known)}")
        w = _weights(variables, weights)
        tr = {v: ("log" if v in LOG_VARIABLES else "none") for v in variables}
        for v, t in (transforms or {}).items():
            if v not in tr:
                raise InputError(f"transform given for {v}, which is not among the variables")
            if t not in ("log", "none"):
                raise InputError(f"transform for {v} must be 'log' or 'none', got {t!r}")
            tr[v] = t
        vals, yrs = latest_wide(stats, variables, level=level, max_year=year)
        x = vals.to_numpy(dtype=float).copy()
        for j, v in enumerate(variables):
            if tr[v] == "log":
                col = x[:, j]
                with np.errstate(invalid="ignore", divide="ignore"):
                    x[:, j] = np.where(col > 0, np.log(np.where(col > 0, col, 1.0)), np.nan)
        complete = ~np.isnan(x).any(axis=1)
        idx = vals.index.to_numpy(dtype=object)
        miss = [", ".join(v for v, m in zip(variables, row, strict=True) if m) for row in np.isnan(x[~complete])]
        dropped = pd.DataFrame({"region": idx[~complete].astype(str), "missing": miss})
        xs = x[complete]
        if len(xs):
            mean = xs.mean(axis=0)
            sd = xs.std(axis=0)
            z = np.where(sd > 0, (xs - mean) / np.where(sd > 0, sd, 1.0), 0.0)
        else:
            z = xs
        regions = idx[complete].astype(str)
        return cls(
            level=level,
            variables=variables,
            weights=w,
            transforms=tr,
            regions=regions,
            values=vals[complete],
            years=yrs[complete],
            z=z,
            dropped=dropped,
            names=dict(names or {}),
            _pos={c: i for i, c in enumerate(regions)},
        )

    # --------------------------------------------------------------------------------------

    def _target(self, code: str) -> int:
        code = code.strip().upper()
        if code in self._pos:
            return self._pos[code]
        if len(code) - 2 != self.level:
            raise InputError(
                f"{code} is not a NUTS-{self.level} code; peers are compared within one level "
                f"(level {len(code) - 2} for {code})"
            )
        hit = self.dropped[self.dropped["region"] == code]
        if len(hit):
            raise InputError(
                f"{code} has no value for {hit['missing'].iloc[0]}: choose other variables "
                f"(now {', '.join(self.variables)})"
            )
        raise InputError(f"{code} has no statistics at NUTS level {self.level} (not a NUTS 2021 region?)")

    def distances(self, code: str) -> np.ndarray:
        """Distance of every pool region to `code` (same order as `regions`)."""
        t = self._target(code)
        d = self.z - self.z[t]
        return np.sqrt((d * d) @ self.weights)

    def _candidates(self, target: str, exclude_same_country: bool, within: Sequence[str] | None) -> np.ndarray:
        ok = _matches(self.regions, within)
        ok &= self.regions != target
        if exclude_same_country:
            ok &= np.fromiter((c[:2] != target[:2] for c in self.regions), dtype=bool, count=len(self.regions))
        return ok

    def peers(
        self, code: str, k: int = 10, *, exclude_same_country: bool = False, within: Sequence[str] | None = None
    ) -> pd.DataFrame:
        """The k nearest candidates: rank, region, [name], distance, then the variables' values."""
        if k < 1:
            raise InputError(f"k must be at least 1, got {k}")
        code = code.strip().upper()
        dist = self.distances(code)
        ok = self._candidates(code, exclude_same_country, within)
        cand = np.nonzero(ok)[0]
        order = cand[np.lexsort((self.regions[cand], dist[cand]))][:k]
        out = pd.DataFrame({"rank": np.arange(1, len(order) + 1), "region": self.regions[order]})
        if self.names:
            out["name"] = [self.names.get(c, "") for c in out["region"]]
        out["distance"] = dist[order]
        vals = self.values.to_numpy(dtype=float)[order]
        for j, v in enumerate(self.variables):
            out[v] = vals[:, j]
        out.attrs.update(self.describe(code, exclude_same_country, within, candidates=int(ok.sum()), k=k))
        return out

    def describe(
        self,
        code: str,
        exclude_same_country: bool = False,
        within: Sequence[str] | None = None,
        candidates: int | None = None,
        k: int | None = None,
    ) -> dict:
        t = self._pos.get(code)
        return {
            "target": code,
            "level": self.level,
            "variables": list(self.variables),
            "weights": dict(zip(self.variables, self.weights.tolist(), strict=True)),
            "transforms": dict(self.transforms),
            "target_values": (
                {v: float(x) for v, x in zip(self.variables, self.values.iloc[t], strict=True)} if t is not None else {}
            ),
            "target_years": (
                {v: int(x) for v, x in zip(self.variables, self.years.iloc[t], strict=True)} if t is not None else {}
            ),
            "pool": len(self.regions),
            "candidates": candidates,
            "k": k,
            "exclude_same_country": exclude_same_country,
            "within": list(within or []),
            "dropped": self.dropped.copy(),
        }

    def all_peers(
        self, k: int = 10, *, exclude_same_country: bool = False, within: Sequence[str] | None = None
    ) -> pd.DataFrame:
        """Peers of every pool region at once (vectorised): region, rank, peer, distance."""
        if k < 1:
            raise InputError(f"k must be at least 1, got {k}")
        n = len(self.regions)
        if n == 0:
            return pd.DataFrame(columns=["region", "rank", "peer", "distance"])
        diff = self.z[:, None, :] - self.z[None, :, :]
        dist = np.sqrt(np.einsum("ijk,ijk,k->ij", diff, diff, self.weights))
        masked = dist.copy()
        np.fill_diagonal(masked, np.inf)
        masked[:, ~_matches(self.regions, within)] = np.inf
        if exclude_same_country:
            country = np.array([c[:2] for c in self.regions])
            masked[country[:, None] == country[None, :]] = np.inf
        # ties broken by code: the regions are sorted, so a stable sort on distance does it
        order = np.argsort(masked, axis=1, kind="stable")[:, :k]
        d = np.take_along_axis(masked, order, axis=1)
        rows, ranks = np.nonzero(np.isfinite(d))
        return pd.DataFrame(
            {
                "region": self.regions[rows],
                "rank": ranks + 1,
                "peer": self.regions[order[rows, ranks]],
                "distance": d[rows, ranks],
            }
        )


def structural_peers(
    stats: pd.DataFrame,
    code: str,
    k: int = 10,
    variables: Iterable[str] | None = None,
    weights: Mapping[str, float] | Sequence[float] | None = None,
    *,
    exclude_same_country: bool = False,
    within: Sequence[str] | None = None,
    level: int | None = None,
    year: int | None = None,
    transforms: Mapping[str, str] | None = None,
    names: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """The k structural peers of `code` (see the module docstring for the method).

    Returns rank, region, [name], distance and the variables' values; ``attrs`` holds the
    target's values and years, variables, weights, transforms, pool size, candidate count and
    the regions left out for missing data.
    """
    code = code.strip().upper()
    lvl = len(code) - 2 if level is None else level
    space = PeerSpace.build(stats, variables, weights, level=lvl, year=year, transforms=transforms, names=names)
    return space.peers(code, k, exclude_same_country=exclude_same_country, within=within)


def peer_matrix(
    stats: pd.DataFrame,
    k: int = 10,
    variables: Iterable[str] | None = None,
    weights: Mapping[str, float] | Sequence[float] | None = None,
    *,
    exclude_same_country: bool = False,
    within: Sequence[str] | None = None,
    level: int = 2,
    year: int | None = None,
) -> pd.DataFrame:
    """Peers of every region of `level` with complete data: region, rank, peer, distance."""
    space = PeerSpace.build(stats, variables, weights, level=level, year=year)
    out = space.all_peers(k, exclude_same_country=exclude_same_country, within=within)
    out.attrs.update(
        {
            "variables": space.variables,
            "weights": dict(zip(space.variables, space.weights.tolist(), strict=True)),
            "pool": len(space.regions),
            "dropped": space.dropped.copy(),
        }
    )
    return out


def indicator_label(var: str) -> str:
    ind = BY_ID.get(var)
    return f"{ind.name} ({ind.unit})" if ind else var
