"""One composite-indicator analysis in one object: data, structure, every dataset and a log.

Modelled on COINr's "coin": each step (denominate, impute, screen, treat, normalise, aggregate)
reads one named dataset and writes another, and appends its name and parameters to `log`, so
`regenerate()` rebuilds every result from the raw data and the log alone (and a variation of
the log is a variation of the analysis, which the uncertainty analysis uses). Steps return a new
`Coin`; nothing is changed in place.

    coin = Coin.from_frames(idata, imeta)
    coin = coin.normalise("Raw", "n_minmax", {"l_u": (0, 100)}).aggregate("Normalised", "a_amean")
    coin.ranks()
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from ..errors import InputError, Problem
from . import methods as m

META_COLUMNS = ("Level", "iCode", "iName", "Direction", "Weight", "Parent", "Type")


@dataclass(frozen=True)
class Structure:
    """The framework from the metadata: levels, parents, weights, directions, denominators, groups."""

    levels: dict[int, list[str]]
    parent: dict[str, str]
    weight: dict[str, float]
    direction: dict[str, int]
    denominator: dict[str, str]
    names: dict[str, str]
    groups: list[str]
    denominators: list[str]

    @property
    def indicators(self) -> list[str]:
        return self.levels[1]

    @property
    def top(self) -> int:
        return max(self.levels)

    def children(self, code: str) -> list[str]:
        return [c for c, p in self.parent.items() if p == code]

    @classmethod
    def from_meta(cls, meta: pd.DataFrame) -> Structure:
        missing = [c for c in META_COLUMNS if c not in meta.columns]
        if missing:
            raise InputError(f"the metadata lacks the column(s) {', '.join(missing)}", source="iMeta")
        problems = []
        levels: dict[int, list[str]] = {}
        parent, weight, direction, denom, names = {}, {}, {}, {}, {}
        groups, denominators = [], []
        for i, r in enumerate(meta.to_dict("records"), start=2):
            code, kind = str(r["iCode"]), str(r["Type"])
            names[code] = str(r["iName"])
            if kind == "Group":
                groups.append(code)
                continue
            if kind == "Denominator":
                denominators.append(code)
                continue
            if kind not in ("Indicator", "Aggregate"):
                problems.append(Problem(f"unknown Type '{kind}' of {code}", line=i, field="Type", source="iMeta"))
                continue
            try:
                level = int(r["Level"])
                w = float(r["Weight"])
            except (TypeError, ValueError):
                problems.append(Problem(f"{code} needs a numeric Level and Weight", line=i, source="iMeta"))
                continue
            levels.setdefault(level, []).append(code)
            weight[code] = w
            if kind == "Indicator":
                d = r["Direction"]
                if d not in (1, -1, 1.0, -1.0):
                    problems.append(
                        Problem(f"Direction of {code} must be 1 or -1", line=i, field="Direction", source="iMeta")
                    )
                direction[code] = int(d) if d in (1, -1, 1.0, -1.0) else 1
                den = r.get("Denominator")
                if isinstance(den, str) and den.strip():
                    denom[code] = den.strip()
            p = r["Parent"]
            if isinstance(p, str) and p.strip():
                parent[code] = p.strip()
        codes = {c for cs in levels.values() for c in cs}
        for c, p in parent.items():
            if p not in codes:
                problems.append(Problem(f"parent '{p}' of {c} is not in the metadata", field="Parent", source="iMeta"))
        if 1 not in levels:
            problems.append(Problem("no indicators (Type Indicator, Level 1)", source="iMeta"))
        if problems:
            raise InputError(problems)
        return cls(levels, parent, weight, direction, denom, names, groups, denominators)


@dataclass
class Coin:
    """Data, structure, datasets and the log of the steps that made them."""

    data: pd.DataFrame  # uCode index: indicators, groups, denominators
    structure: Structure
    datasets: dict[str, pd.DataFrame] = field(default_factory=dict)
    log: list[dict[str, Any]] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_frames(cls, idata: pd.DataFrame, imeta: pd.DataFrame) -> Coin:
        s = Structure.from_meta(imeta)
        if "uCode" not in idata.columns:
            raise InputError("the data need a uCode column (one row per unit)", source="iData")
        dup = idata["uCode"][idata["uCode"].duplicated()].tolist()
        if dup:
            raise InputError(f"uCode repeated: {', '.join(map(str, dup[:5]))}", source="iData")
        absent = [c for c in s.indicators + list(s.denominator.values()) if c not in idata.columns]
        if absent:
            raise InputError(f"columns missing from the data: {', '.join(sorted(set(absent)))}", source="iData")
        data = idata.set_index(idata["uCode"].astype(str))
        raw = data[s.indicators].apply(pd.to_numeric, errors="raise").astype(float)
        return cls(data, s, {"Raw": raw}, [])

    # -- plumbing --------------------------------------------------------------------------------

    def get(self, dset: str) -> pd.DataFrame:
        try:
            return self.datasets[dset]
        except KeyError:
            raise InputError(f"no dataset '{dset}'; this coin has {', '.join(self.datasets)}") from None

    def _with(self, name: str, df: pd.DataFrame, step: dict[str, Any], **details: Any) -> Coin:
        datasets = dict(self.datasets)
        datasets[name] = df
        return replace(self, datasets=datasets, log=[*self.log, step], details={**self.details, **details})

    # -- steps -----------------------------------------------------------------------------------

    def denominate(self, dset: str = "Raw", write_to: str = "Denominated") -> Coin:
        """Divide each indicator with a denominator in the metadata by that column of the data."""
        x = self.get(dset).copy()
        for code, den in self.structure.denominator.items():
            x[code] = x[code] / self.data.loc[x.index, den].astype(float)
        return self._with(write_to, x, {"step": "denominate", "dset": dset, "write_to": write_to})

    def impute(self, dset: str, method: str = "i_mean", group: str | None = None, write_to: str = "Imputed") -> Coin:
        if method not in m.IMPUTERS:
            raise InputError(f"unknown imputation '{method}'; use {', '.join(m.IMPUTERS)}")
        grouped = method.endswith("_grp")
        if grouped and (group is None or group not in self.data.columns):
            raise InputError(f"{method} needs a group column of the data (got {group!r})")
        x = self.get(dset).copy()
        f: Callable[..., np.ndarray] = m.IMPUTERS[method]
        for code in x.columns:
            col = x[code].to_numpy(dtype=float)
            x[code] = f(col, self.data.loc[x.index, group].to_numpy()) if grouped else f(col)
        step = {"step": "impute", "dset": dset, "method": method, "group": group, "write_to": write_to}
        return self._with(write_to, x, step)

    def screen(
        self, dset: str, dat_thresh: float = 2 / 3, unit_screen: str = "byNA", nonzero_thresh: float = 0.05,
        write_to: str = "Screened",
    ) -> Coin:  # fmt: skip
        """Keep the units whose share of available (and of non-zero) values reaches the thresholds."""
        x = self.get(dset)
        avail = 1 - x.isna().mean(axis=1)
        nonzero = (x.fillna(0) != 0).mean(axis=1)
        keep = {
            "byNA": avail >= dat_thresh,
            "byzeros": nonzero >= nonzero_thresh,
            "byNAandzeros": (avail >= dat_thresh) & (nonzero >= nonzero_thresh),
        }.get(unit_screen)
        if keep is None:
            raise InputError(f"unknown unit_screen '{unit_screen}'; use byNA, byzeros or byNAandzeros")
        step = {"step": "screen", "dset": dset, "dat_thresh": dat_thresh, "unit_screen": unit_screen,
                "nonzero_thresh": nonzero_thresh, "write_to": write_to}  # fmt: skip
        return self._with(write_to, x[keep].copy(), step, removed_units=list(x.index[~keep]))

    def treat(
        self, dset: str, winmax: int | None = 5, skew_thresh: float = 2.0, kurt_thresh: float = 3.5,
        write_to: str = "Treated",
    ) -> Coin:  # fmt: skip
        """COINr's default outlier treatment, indicator by indicator (see `methods.treat`)."""
        x = self.get(dset).copy()
        rows = []
        for code in x.columns:
            treated, info = m.treat(x[code].to_numpy(dtype=float), winmax, skew_thresh, kurt_thresh)
            x[code] = treated
            rows.append({"iCode": code, **info})
        step = {"step": "treat", "dset": dset, "winmax": winmax, "skew_thresh": skew_thresh,
                "kurt_thresh": kurt_thresh, "write_to": write_to}  # fmt: skip
        return self._with(write_to, x, step, treat_details=pd.DataFrame(rows))

    def normalise(
        self, dset: str, method: str = "n_minmax", params: dict[str, Any] | None = None, write_to: str = "Normalised"
    ) -> Coin:
        """Each indicator times its direction, then normalised by `method` with `params`."""
        if method not in m.NORMALISERS:
            raise InputError(f"unknown normalisation '{method}'; use {', '.join(m.NORMALISERS)}")
        x = self.get(dset).copy()
        f = m.NORMALISERS[method]
        for code in x.columns:
            col = x[code].to_numpy(dtype=float) * self.structure.direction.get(code, 1)
            x[code] = f(col, **(params or {}))
        step = {"step": "normalise", "dset": dset, "method": method, "params": copy.deepcopy(params or {}),
                "write_to": write_to}  # fmt: skip
        return self._with(write_to, x, step)

    def aggregate(
        self, dset: str, method: str | list[str] = "a_amean", weights: dict[str, float] | None = None,
        write_to: str = "Aggregated",
    ) -> Coin:  # fmt: skip
        """Level by level, each aggregate from its children with the metadata weights (or `weights`)."""
        s = self.structure
        methods = [method] * (s.top - 1) if isinstance(method, str) else list(method)
        if len(methods) != s.top - 1 or any(x not in m.AGGREGATORS for x in methods):
            raise InputError(f"aggregation: one of {', '.join(m.AGGREGATORS)} per level above the indicators")
        w = {**s.weight, **(weights or {})}
        x = self.get(dset)
        out = {c: x[c].to_numpy(dtype=float) for c in x.columns}
        for level in range(2, s.top + 1):
            f = m.AGGREGATORS[methods[level - 2]]
            for code in s.levels.get(level, []):
                kids = s.children(code)
                values = np.column_stack([out[k] for k in kids])
                out[code] = f(values, np.array([w[k] for k in kids]))
        df = pd.DataFrame(out, index=x.index)
        step = {"step": "aggregate", "dset": dset, "method": methods, "weights": dict(weights or {}),
                "write_to": write_to}  # fmt: skip
        return self._with(write_to, df, step)

    # -- results ---------------------------------------------------------------------------------

    def ranks(self, dset: str = "Aggregated", code: str | None = None) -> pd.DataFrame:
        """`uCode, uName, <code>, Rank` sorted by rank (1 = highest; ties share the lowest rank)."""
        s = self.structure
        code = code or s.levels[s.top][0]
        x = self.get(dset)[code]
        names = self.data["uName"] if "uName" in self.data.columns else pd.Series(x.index, index=x.index)
        df = pd.DataFrame({"uCode": x.index, "uName": names.loc[x.index].to_numpy(), code: x.to_numpy()})
        df["Rank"] = m.rank_desc(df[code].to_numpy(dtype=float))
        return df.sort_values(["Rank", "uCode"], kind="stable").reset_index(drop=True)

    def regenerate(self, log: list[dict[str, Any]] | None = None) -> Coin:
        """Rebuild every dataset from the raw data by replaying `log` (default: this coin's own)."""
        fresh = replace(self, datasets={"Raw": self.datasets["Raw"]}, log=[], details={})
        return fresh.apply(log if log is not None else self.log)

    def apply(self, log: list[dict[str, Any]]) -> Coin:
        """The steps of `log` run on this coin as it is (its datasets and log kept)."""
        coin = self
        for entry in log:
            params = {k: v for k, v in entry.items() if k != "step"}
            coin = getattr(coin, entry["step"])(**params)
        return coin
