"""The trigger vocabulary of recommendation rules: small, declarative, and checked.

A trigger is a mapping with exactly one key, the trigger type, whose value holds its
fields, e.g. ``{block_below_peers: {block: b3, peer_group: any}}``. ``all: [...]`` fires
when every member fires, ``any: [...]`` when at least one does.

Every trigger reads published figures only: a block, item, distribution or
stakeholder-group figure whose status is not ``ok`` (or whose answer count is below
the anonymity threshold) never fires a trigger and never appears in its evidence.

Types (fields; defaults in brackets):

- ``block_below_peers``: block, peer_group [any], ci_excludes_mean [true], min_gap [0].
  The block score is below the peer-group mean by more than min_gap points and, with
  ci_excludes_mean, the score's interval excludes that mean (benchmarks
  ``indistinguishable`` is false). peer_group: a group name, ``any`` (any group) or
  ``own`` (the groups the territory belongs to).
- ``block_below``: block, threshold, ci_below [false]. Published block score below
  threshold (with ci_below: the whole interval below it).
- ``block_gap_to_frontrunner``: block, peer_group [any], min_gap, ci_excludes_level
  [false]. Score at least min_gap points below the peer group's frontrunner level.
- ``item_below``: item, threshold, ci_below [false]. Published item score below threshold.
- ``item_share``: item, choices, min_share or max_share. The summed share of the
  choices among those who answered (published distributions, "don't know" counts as an
  answer) is at least min_share, or at most max_share.
- ``groups_disagree``: block or items, min_items [1]. At least min_items published items
  on which the stakeholder groups disagree (item_dispersion ``groups_disagree``); each figure
  names the published groups scoring highest and lowest on the item (group_item_scores).
- ``stakeholder_groups_below``: block [any], min_groups [2]. Fewer than min_groups
  stakeholder groups have a published score for the block.
- ``insufficient_data``: block [any]. The block score is not published (status
  insufficient or suppressed).
- ``alignment_below``: kind (vertical or neighbour), threshold, statistic [mean]
  (neighbour only: mean or min). The measured alignment of the territory's S3 is below
  threshold (0-100). A vertical hit records the period of the national S3 compared
  (``national_period``), which may differ from the territory's own.
- ``perception_flag``: flag (perceived higher, perceived lower or consistent). The
  perception-versus-evidence table flags the territory so (with ``national_period`` when a
  national comparison is part of the measured side).
- ``synergy_shared``: min_strength [0], min_topics [1], axes [every axis]. The territory
  shares at least min_topics synergy topics with its own neighbours whose strength over its own
  pairs (the sum of its pair scores, 0-1 each, as its report's synergy table shows;
  `alignment.own_synergies`) is at least min_strength; a topic's group may reach further through
  chains of neighbour pairs, which does not count. Topics of one subject on several classifications
  joining the same territories count once (`topics.collapse_topics`). Results written before
  ``pair_scores`` have no own strength: the trigger does not fire on them.

`gap` (points, used to rank) is the figure minus what it was compared with: score minus
peer mean, minus frontrunner level, minus threshold; share minus min/max share (in
percentage points); the largest spread between stakeholder groups; alignment minus
threshold; the perception table's gap. Triggers without such a figure give no gap.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal, TypeAlias

import numpy as np
import pandas as pd
from pandas.core.dtypes.cast import maybe_box_native  # type: ignore[attr-defined]  # what to_dict uses
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from ..disclosure import publishable_shares
from ..instrument.scope import applicable
from .topics import collapse_topics

PERCEPTION_FLAGS = ("perceived higher", "perceived lower", "consistent")
OK = "ok"


# -- small helpers ------------------------------------------------------------------------------


def num(x, digits: int = 2):
    """A JSON-safe rounded float, or None for missing values."""
    try:
        f = float(x)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(f) or math.isinf(f) else round(f, digits)


def rounded(f: float, digits: int = 2) -> float | None:
    """`num` of a value `_Table.floats` has read already (NaN for whatever is not a finite number)."""
    return None if f != f else round(f, digits)


def _flag(v) -> bool | None:
    """True/False from bools, numpy bools or 'true'/'false' strings; None when unknown."""
    if v is None:
        return None
    if isinstance(v, (bool, np.bool_)):
        return bool(v)
    if isinstance(v, float) and math.isnan(v):
        return None
    s = str(v).strip().lower()
    if s in ("true", "1", "yes"):
        return True
    if s in ("false", "0", "no"):
        return False
    return None


def _isnum(x) -> bool:
    return num(x, 6) is not None


@dataclass
class Hit:
    """A fired trigger: the figures behind it, its gap, and the peer groups it fired on per block."""

    figures: list[dict]
    gap: float = float("nan")
    groups: dict[str, set[str]] = field(default_factory=dict)


def merge_hits(hits: list[Hit]) -> Hit:
    figures = [f for h in hits for f in h.figures]
    gaps = [h.gap for h in hits if not math.isnan(h.gap)]
    gap = max(gaps, key=abs) if gaps else float("nan")
    groups: dict[str, set[str]] = {}
    for h in hits:
        for b, g in h.groups.items():
            groups.setdefault(b, set()).update(g)
    return Hit(figures, gap, groups)


# -- the data a trigger looks at ----------------------------------------------------------------

_NATIVE = (str, float, int, bool, type(None))
_UNSET: Any = object()


def _pylist(s: pd.Series) -> list:
    """A column's values as Python scalars, exactly as `DataFrame.to_dict("records")` gives them."""
    dtype = s.dtype
    if isinstance(dtype, np.dtype) and dtype.kind in "biuf":
        return s.to_numpy().tolist()
    if (isinstance(dtype, np.dtype) and dtype.kind == "O") or isinstance(dtype, pd.StringDtype):
        return [v if type(v) in _NATIVE else maybe_box_native(v) for v in s.to_numpy(dtype=object).tolist()]
    return list(map(maybe_box_native, s))


class _Table:
    """A result table read column by column, each column once and only when used.

    A large run has hundreds of thousands of rows of which the rules look at a fraction: turning
    every row into a dict up front (`to_dict("records")`) was most of the engine's time, much of
    it the garbage collector walking the new dicts. Rows become dicts, identical to those of
    `to_dict("records")`, only when a trigger asks for them.
    """

    def __init__(self, df: pd.DataFrame | None):
        self.df = df if df is not None and len(df) else None
        self.columns: list = [] if self.df is None else self.df.columns.tolist()
        self.size = 0 if self.df is None else len(self.df)
        self._values: dict[int, list] = {}
        self._rows: dict[int, dict] = {}
        self._floats: dict[str, list[float]] = {}
        self._flags: dict[str, list[bool | None]] = {}
        self._codes: dict[str, tuple[np.ndarray, list[str]]] = {}

    def _find(self, name: str) -> int | None:
        for j in range(len(self.columns) - 1, -1, -1):  # the last of equal names, as in a row dict
            if self.columns[j] == name:
                return j
        return None

    def _series(self, j: int) -> pd.Series:
        assert self.df is not None
        return self.df.iloc[:, j]

    def _column(self, j: int) -> list:
        got = self._values.get(j)
        if got is None:
            got = self._values[j] = _pylist(self._series(j))
        return got

    def column(self, name: str, required: bool = False) -> list:
        """A column's values as a row dict has them; a missing one reads as None throughout, as `row.get` does."""
        j = self._find(name)
        if j is not None:
            return self._column(j)
        if required and self.size:
            raise KeyError(name)
        return [None] * self.size

    def floats(self, name: str) -> list[float]:
        """A column as floats, NaN wherever `_isnum` says no: `_isnum(v)` and `float(v)` worked out once."""
        got = self._floats.get(name)
        if got is None:
            j = self._find(name)
            dtype = None if j is None else self._series(j).dtype
            if j is not None and isinstance(dtype, np.dtype) and dtype.kind in "biuf":
                a = self._series(j).to_numpy().astype(float)  # as float(v) of each value
                got = np.where(np.isfinite(a), a, np.nan).tolist()
            else:
                got = [float(v) if _isnum(v) else math.nan for v in self.column(name)]
            self._floats[name] = got
        return got

    def flags(self, name: str) -> list[bool | None]:
        """A column read with `_flag`, once."""
        got = self._flags.get(name)
        if got is None:
            got = self._flags[name] = [v if type(v) is bool else _flag(v) for v in self.column(name)]
        return got

    def codes(self, name: str) -> tuple[np.ndarray, list[str]]:
        """Every row's value as a string (`str(v)`), as codes into a list of the distinct strings."""
        got = self._codes.get(name)
        if got is None:
            j = self._find(name)
            if j is None:
                if self.size:
                    raise KeyError(name)
                got = (np.zeros(0, dtype=np.intp), [])
            else:
                s = self._series(j)
                if isinstance(s.dtype, pd.StringDtype):  # strings or one missing value: equal as strings iff equal
                    codes, _ = pd.factorize(s, use_na_sentinel=False)
                    values = s.to_numpy(dtype=object)
                else:
                    values = np.array(list(map(str, self.column(name))), dtype=object)
                    codes, _ = pd.factorize(values)
                first = np.unique(codes, return_index=True)[1]
                strings = [str(v) for v in values[first]]
                if len(set(strings)) < len(strings):  # e.g. a missing value and the text 'nan'
                    merged: dict[str, int] = {}
                    codes = np.array([merged.setdefault(v, len(merged)) for v in strings], dtype=np.intp)[codes]
                    strings = list(merged)
                got = (np.asarray(codes, dtype=np.intp), strings)
            self._codes[name] = got
        return got

    def strings(self, name: str) -> list[str]:
        """A column as `str(v)` of each value."""
        codes, strings = self.codes(name)
        return [strings[c] for c in codes.tolist()]

    def row(self, pos: int) -> dict:
        r = self._rows.get(pos)
        if r is None:
            if len(self._values) < len(self.columns):
                for j in range(len(self.columns)):
                    self._column(j)
            r = self._rows[pos] = dict(
                zip(self.columns, [self._values[j][pos] for j in range(len(self.columns))], strict=True)
            )
        return r


class _Grouped:
    """key -> the table's rows with that key, in table order (read with `get`, as a dict of lists).

    The key columns are read as strings; rows are grouped with numpy, not one dict entry per row.
    """

    def __init__(self, table: _Table, keys: list[str]):
        self.table = table
        combined = np.zeros(table.size, dtype=np.int64)
        parts = []
        for name in keys:
            codes, strings = table.codes(name)
            combined = combined * len(strings) + codes
            parts.append(strings)
        self._order = np.argsort(combined, kind="stable")  # by key, table order within a key
        ordered = combined[self._order]
        starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]]) if table.size else np.zeros(0, np.intp)
        self._bounds = [*starts.tolist(), table.size]
        firsts = ordered[starts]
        columns = []
        for strings in reversed(parts):  # the key columns back from the combined codes
            firsts, codes = np.divmod(firsts, len(strings)) if len(strings) else (firsts, firsts)
            columns.append([strings[c] for c in codes.tolist()])
        self.index: dict[tuple, int] = {key: g for g, key in enumerate(zip(*reversed(columns), strict=True))}
        self._positions: dict[tuple, list[int]] = {}
        self._rows: dict[tuple, list[dict]] = {}

    def positions(self, key: tuple) -> list[int]:
        """Row positions of a key, in table order (none for an unknown key)."""
        got = self._positions.get(key)
        if got is None:
            g = self.index.get(key)
            got = [] if g is None else self._order[self._bounds[g] : self._bounds[g + 1]].tolist()
            self._positions[key] = got
        return got

    def last(self, key: tuple) -> int | None:
        g = self.index.get(key)
        return None if g is None else int(self._order[self._bounds[g + 1] - 1])

    def get(self, key: tuple, default: Any = None) -> Any:
        rows = self._rows.get(key)
        if rows is None:
            if key not in self.index:
                return default
            rows = self._rows[key] = [self.table.row(p) for p in self.positions(key)]
        return rows


class _Indexed:
    """key -> the table's last row with that key (read with `get`, as a dict)."""

    def __init__(self, table: _Table, keys: list[str]):
        self.table = table
        self.groups = _Grouped(table, keys)

    def get(self, key: tuple, default: Any = None) -> Any:
        pos = self.groups.last(key)
        return default if pos is None else self.table.row(pos)


class _Distributions:
    """(region, item) -> {'n', 'shares'} for published distributions only (every share present, n >= k)."""

    def __init__(self, df: pd.DataFrame | None, k: int):
        table = _Table(df)
        self.k = k
        self.groups = _Grouped(table, ["region", "item"])
        self.choice = table.strings("choice")
        if table.size and table._find("share") is None:
            raise KeyError("share")
        self.share = table.floats("share")
        self.n = table.floats("n")
        self._memo: dict[tuple, dict | None] = {}

    def get(self, key: tuple, default: Any = None) -> Any:
        got = self._memo.get(key, _UNSET)
        if got is _UNSET:
            got = self._memo[key] = self._build(key)
        return default if got is None else got

    def _build(self, key: tuple) -> dict | None:
        where = self.groups.positions(key)
        if not where:
            return None
        shares = {self.choice[p]: self.share[p] for p in where}  # floats: NaN when not a number
        n = self.n[where[0]]
        if not n >= self.k or any(math.isnan(s) for s in shares.values()):
            return None
        return {"n": int(n), "shares": shares}


class Context:
    """The result tables indexed by territory, published figures only where it matters.

    Built once per `recommend` call; each lookup (a row, whether a figure is published) is worked
    out on first use and kept for the rest of the call.
    """

    def __init__(self, result, alignment=None, min_respondents: int = 3):
        self.min_respondents = int(min_respondents)
        blocks = _Table(result.block_scores)
        # a question that does not apply to a territory (instrument.scope) triggers nothing there
        items = _Table(applicable(result.item_scores))
        bench = _Table(result.benchmarks)
        dispersion = _Table(applicable(result.item_dispersion))
        group_blocks = _Table(result.group_block_scores)
        self.block = _Indexed(blocks, ["region", "block"])
        self.item = _Indexed(items, ["region", "item"])
        self.bench = _Grouped(bench, ["region", "block"])
        self.dispersion_by_block = _Grouped(dispersion, ["region", "block"])
        self.dispersion_by_item = _Indexed(dispersion, ["region", "item"])
        self.group_blocks = _Grouped(group_blocks, ["region", "block"])
        self.has_group_blocks = group_blocks.size > 0
        self.group_items = _Grouped(_Table(getattr(result, "group_item_scores", None)), ["region", "item"])
        self.dist = _Distributions(applicable(result.distributions), self.min_respondents)
        self.blocks = list(dict.fromkeys(blocks.strings("block")))
        self.all_groups = sorted(set(bench.codes("peer_group")[1]))
        self._all_groups = set(self.all_groups)
        self.groups_of: dict[str, set[str]] = {}
        self.group_size: dict[str, int] = {}
        for group, members in ((result.record or {}).get("peer_groups") or {}).items():
            self.group_size[str(group)] = len(members)
            for m in members:
                self.groups_of.setdefault(str(m), set()).add(str(group))
        self.alignment = alignment
        self._block_ok: dict[tuple, dict | None] = {}
        self._item_ok: dict[tuple, dict | None] = {}
        self.bench_table = bench
        self.bench_group = bench.strings("peer_group")  # per row of bench_table
        self._bench_scored: dict[tuple, list[int]] = {}
        self._groups_published: dict[tuple, list[dict]] = {}
        self._block_figures: dict[tuple, dict] = {}
        self.figures: dict[tuple, Any] = {}  # evidence figures the engine worked out once, see engine

    # Published figures.
    def _published(self, row: dict | None) -> dict | None:
        if row is None or str(row.get("status")) != OK or not _isnum(row.get("score")):
            return None
        if _isnum(row.get("n")) and float(row["n"]) < self.min_respondents:
            return None
        return row

    def block_ok(self, region: str, block: str) -> dict | None:
        key = (region, block)
        got = self._block_ok.get(key, _UNSET)
        if got is _UNSET:
            got = self._block_ok[key] = self._published(self.block.get(key))
        return got

    def group_ok(self, row: dict) -> bool:
        """A published stakeholder-group figure (status ok, a score, enough respondents)."""
        return self._published(row) is not None

    def groups_published(self, region: str, block: str) -> list[dict]:
        """The stakeholder-group rows of a block that are published (`group_ok`), in table order."""
        key = (region, block)
        got = self._groups_published.get(key)
        if got is None:
            got = self._groups_published[key] = [r for r in self.group_blocks.get(key, []) if self.group_ok(r)]
        return got

    def group_extremes(self, region: str, item: str) -> dict:
        """The published stakeholder groups (`group_ok`, never one below k) scoring highest and lowest on a
        question, so that a text names who disagrees instead of assuming which groups they are; nothing
        when fewer than two groups are published."""
        rows = [r for r in self.group_items.get((region, item), []) if self.group_ok(r)]
        if len(rows) < 2:
            return {}
        rows.sort(key=lambda r: (-float(r["score"]), str(r["stakeholder_group"])))
        high, low = rows[0], rows[-1]
        return {
            "highest_group": str(high["stakeholder_group"]),
            "highest_score": num(high["score"]),
            "lowest_group": str(low["stakeholder_group"]),
            "lowest_score": num(low["score"]),
        }

    def item_ok(self, region: str, item: str) -> dict | None:
        key = (region, item)
        got = self._item_ok.get(key, _UNSET)
        if got is _UNSET:
            got = self._item_ok[key] = self._published(self.item.get(key))
        return got

    def dist_ok(self, region: str, item: str) -> dict | None:
        """A published answer distribution whose item score is not suppressed either."""
        dist = self.dist.get((region, item))
        row = self.item.get((region, item))
        if dist is None or (row is not None and str(row.get("status")) != OK):
            return None
        return dist

    def resolve_groups(self, region: str, peer_group: str) -> list[str]:
        if peer_group == "any":
            return list(self.all_groups)
        if peer_group == "none":
            return []
        if peer_group == "own":
            own = self.groups_of.get(region)
            return sorted(own & self._all_groups) if own else list(self.all_groups)
        return [peer_group] if peer_group in self._all_groups else []

    def block_figures(self, region: str, block: str) -> dict:
        """`_score_figures` of a published block score (the caller checked `block_ok`)."""
        key = (region, block)
        got = self._block_figures.get(key)
        if got is None:
            got = self._block_figures[key] = _score_figures(self.block_ok(region, block))
        return got

    def bench_scored(self, region: str, block: str) -> list[int]:
        """Positions in `bench_table` of the benchmark rows with a score, for a published block score;
        none for an unpublished one."""
        key = (region, block)
        got = self._bench_scored.get(key)
        if got is None:
            got = []
            positions = self.bench.positions(key)
            if positions and self.block_ok(region, block) is not None:
                score = self.bench_table.floats("score")
                got = [p for p in positions if not math.isnan(score[p])]
            self._bench_scored[key] = got
        return got

    def bench_rows(self, region: str, block: str, groups: list[str]) -> list[dict]:
        """Benchmark rows of a territory's published block score for the given peer groups."""
        wanted = set(groups)
        return [self.bench_table.row(p) for p in self.bench_scored(region, block) if self.bench_group[p] in wanted]


# -- trigger types ------------------------------------------------------------------------------


class Trigger(BaseModel):
    """Base of the trigger types; `evaluate` returns a Hit or None."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    kind: ClassVar[str] = ""
    needs_alignment: ClassVar[bool] = False

    def blocks(self) -> set[str]:
        b = getattr(self, "block", None)
        return {b} if isinstance(b, str) else set()

    def items(self) -> set[str]:
        it = getattr(self, "item", None)
        return {it} if isinstance(it, str) else set()

    def alignment_needed(self) -> bool:
        return self.needs_alignment

    def evaluate(self, ctx: Context, region: str) -> Hit | None:  # pragma: no cover - abstract
        raise NotImplementedError

    def describe(self) -> dict:
        return {self.kind: self.model_dump(exclude_defaults=False)}


def _name():
    return Field(min_length=1, pattern=r"^[A-Za-z0-9_.\-]+$")


class BlockBelowPeers(Trigger):
    kind: ClassVar[str] = "block_below_peers"
    block: str = _name()
    peer_group: str = Field("any", min_length=1)
    ci_excludes_mean: bool = True
    min_gap: float = Field(0.0, ge=0)

    def evaluate(self, ctx, region):
        scored = ctx.bench_scored(region, self.block)
        if not scored:
            return None
        table = ctx.bench_table
        gaps_to_mean, means = table.floats("gap_to_mean"), table.floats("peer_mean")
        indistinguishable = table.flags("indistinguishable")
        wanted = set(ctx.resolve_groups(region, self.peer_group))
        figures, fired, gaps = [], set(), []
        for p in scored:
            group, gap = ctx.bench_group[p], gaps_to_mean[p]  # NaN when not a number: never below
            if group not in wanted or not gap < -self.min_gap or math.isnan(means[p]):
                continue
            if self.ci_excludes_mean and indistinguishable[p] is not False:
                continue
            fired.add(group)
            gaps.append(gap)
            figures.append(
                {
                    "trigger": self.kind,
                    "block": self.block,
                    "peer_group": group,
                    **ctx.block_figures(region, self.block),
                    "peer_mean": rounded(means[p]),
                    "gap_to_mean": rounded(gap),
                    "interval_excludes_mean": indistinguishable[p] is False,
                }
            )
        if not fired:
            return None
        return Hit(figures, min(gaps), {self.block: fired})


class BlockBelow(Trigger):
    kind: ClassVar[str] = "block_below"
    block: str = _name()
    threshold: float = Field(ge=0, le=100)
    ci_below: bool = False

    def evaluate(self, ctx, region):
        row = ctx.block_ok(region, self.block)
        if row is None or not float(row["score"]) < self.threshold:
            return None
        if self.ci_below and not (_isnum(row.get("ci_high")) and float(row["ci_high"]) < self.threshold):
            return None
        return Hit(
            [{"trigger": self.kind, "block": self.block, **_score_figures(row), "threshold": self.threshold}],
            float(row["score"]) - self.threshold,
        )


class BlockGapToFrontrunner(Trigger):
    kind: ClassVar[str] = "block_gap_to_frontrunner"
    block: str = _name()
    peer_group: str = Field("any", min_length=1)
    min_gap: float = Field(gt=0, le=100)
    ci_excludes_level: bool = False

    def evaluate(self, ctx, region):
        scored = ctx.bench_scored(region, self.block)
        if not scored:
            return None
        own = ctx.block_ok(region, self.block)
        table = ctx.bench_table
        gaps_to_level, levels = table.floats("gap_to_frontrunner"), table.floats("frontrunner_level")
        wanted = set(ctx.resolve_groups(region, self.peer_group))
        figures, fired, gaps = [], set(), []
        for p in scored:
            group, gap, level = ctx.bench_group[p], gaps_to_level[p], levels[p]  # NaN when not a number
            if group not in wanted or not gap <= -self.min_gap or math.isnan(level):
                continue
            if self.ci_excludes_level and not (_isnum(own.get("ci_high")) and float(own["ci_high"]) < level):
                continue
            fired.add(group)
            gaps.append(gap)
            figures.append(
                {
                    "trigger": self.kind,
                    "block": self.block,
                    "peer_group": group,
                    **ctx.block_figures(region, self.block),
                    "frontrunner_level": rounded(level),
                    "gap_to_frontrunner": rounded(gap),
                }
            )
        if not fired:
            return None
        return Hit(figures, min(gaps), {self.block: fired})


class ItemBelow(Trigger):
    kind: ClassVar[str] = "item_below"
    item: str = _name()
    threshold: float = Field(ge=0, le=100)
    ci_below: bool = False

    def evaluate(self, ctx, region):
        row = ctx.item_ok(region, self.item)
        if row is None or not float(row["score"]) < self.threshold:
            return None
        if self.ci_below and not (_isnum(row.get("ci_high")) and float(row["ci_high"]) < self.threshold):
            return None
        return Hit(
            [
                {
                    "trigger": self.kind,
                    "item": self.item,
                    "block": _str(row.get("block")),
                    **_score_figures(row),
                    "threshold": self.threshold,
                }
            ],
            float(row["score"]) - self.threshold,
        )


class ItemShare(Trigger):
    kind: ClassVar[str] = "item_share"
    item: str = _name()
    choices: list[str] = Field(min_length=1)
    min_share: float | None = Field(None, gt=0, le=1)
    max_share: float | None = Field(None, ge=0, lt=1)

    @model_validator(mode="after")
    def _one_bound(self):
        if (self.min_share is None) == (self.max_share is None):
            raise ValueError("give exactly one of min_share and max_share")
        return self

    def evaluate(self, ctx, region):
        dist = ctx.dist_ok(region, self.item)
        if dist is None or any(c not in dist["shares"] for c in self.choices):
            return None
        # the evidence prints the share with its n: only answers the report's chart prints may enter it (none
        # given by 1 to k-1 respondents nor pooled with one), else the share would count those people
        _, withheld = publishable_shares(dist["shares"], dist["n"], ctx.min_respondents)
        if any(c in withheld for c in self.choices):
            return None
        share = sum(dist["shares"][c] for c in self.choices)
        if self.min_share is not None:
            if not share >= self.min_share - 1e-12:
                return None
            bound, gap = self.min_share, (share - self.min_share) * 100
        else:
            if not share <= self.max_share + 1e-12:
                return None
            bound, gap = self.max_share, (share - self.max_share) * 100
        fig = {
            "trigger": self.kind,
            "item": self.item,
            "choices": list(self.choices),
            "share": num(share, 4),
            "n": dist["n"],
            ("min_share" if self.min_share is not None else "max_share"): bound,
        }
        return Hit([fig], gap)


class GroupsDisagree(Trigger):
    kind: ClassVar[str] = "groups_disagree"
    block: str | None = Field(None, min_length=1)
    item_list: list[str] | None = Field(None, alias="items", min_length=1)
    min_items: int = Field(1, ge=1)

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    @model_validator(mode="after")
    def _one_scope(self):
        if (self.block is None) == (self.item_list is None):
            raise ValueError("give exactly one of block and items")
        return self

    def items(self) -> set[str]:
        return set(self.item_list or ())

    def describe(self) -> dict:
        return {self.kind: self.model_dump(by_alias=True)}

    def evaluate(self, ctx, region):
        if self.block is not None:
            rows = ctx.dispersion_by_block.get((region, self.block), [])
        else:
            rows = [r for it in self.item_list if (r := ctx.dispersion_by_item.get((region, it))) is not None]
        hits = [
            r
            for r in rows
            if str(r.get("status")) == OK
            and _flag(r.get("groups_disagree")) is True
            and ctx.item_ok(region, str(r["item"])) is not None
            and _isnum(r.get("group_spread"))
        ]
        if len(hits) < self.min_items:
            return None
        figures = [
            {
                "trigger": self.kind,
                "item": str(r["item"]),
                "block": _str(r.get("block")),
                "group_spread": num(r["group_spread"]),
                "groups_published": _int(r.get("groups_published")),
                **ctx.group_extremes(region, str(r["item"])),
            }
            for r in hits
        ]
        return Hit(figures, max(float(r["group_spread"]) for r in hits))


class StakeholderGroupsBelow(Trigger):
    kind: ClassVar[str] = "stakeholder_groups_below"
    block: str | None = Field(None, min_length=1)
    min_groups: int = Field(2, ge=2)

    def evaluate(self, ctx, region):
        if not ctx.has_group_blocks:
            return None
        blocks = [self.block] if self.block else ctx.blocks
        figures = []
        for b in blocks:
            rows = ctx.group_blocks.get((region, b), [])
            published = sorted({str(r["stakeholder_group"]) for r in rows if ctx.group_ok(r)})
            if len(published) < self.min_groups:
                figures.append(
                    {
                        "trigger": self.kind,
                        "block": b,
                        "groups_published": len(published),
                        "min_groups": self.min_groups,
                    }
                )
        return Hit(figures) if figures else None


class InsufficientData(Trigger):
    kind: ClassVar[str] = "insufficient_data"
    block: str | None = Field(None, min_length=1)

    def evaluate(self, ctx, region):
        blocks = [self.block] if self.block else ctx.blocks
        figures = []
        for b in blocks:
            row = ctx.block.get((region, b))
            if row is not None and ctx.block_ok(region, b) is None:
                # The status only: a suppressed block's score and count are never shown.
                figures.append({"trigger": self.kind, "block": b, "status": str(row.get("status") or "missing")})
        return Hit(figures) if figures else None


class AlignmentBelow(Trigger):
    kind: ClassVar[str] = "alignment_below"
    needs_alignment: ClassVar[bool] = True
    alignment_kind: Literal["vertical", "neighbour"] = Field(alias="kind")
    threshold: float = Field(ge=0, le=100)
    statistic: Literal["mean", "min"] = "mean"

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    def describe(self) -> dict:
        return {self.kind: self.model_dump(by_alias=True)}

    def evaluate(self, ctx, region):
        al = ctx.alignment
        if al is None:
            return None
        row = al.territory(region)
        if row is None:
            return None
        column = "vertical" if self.alignment_kind == "vertical" else f"neighbours_{self.statistic}"
        value = row.get(column)
        if not _isnum(value) or not float(value) < self.threshold:
            return None
        fig = {
            "trigger": self.kind,
            "kind": self.alignment_kind,
            "statistic": column,
            "score": num(value),
            "threshold": self.threshold,
            "pairs": al.pairs_of(region, self.alignment_kind),
        }
        if self.alignment_kind == "vertical":
            fig.update(national_figures(row))
        return Hit([fig], float(value) - self.threshold)


class PerceptionFlag(Trigger):
    kind: ClassVar[str] = "perception_flag"
    needs_alignment: ClassVar[bool] = True
    flag: Literal["perceived higher", "perceived lower", "consistent"]

    def evaluate(self, ctx, region):
        al = ctx.alignment
        if al is None:
            return None
        row = al.perception_of(region)
        if row is None or str(row.get("flag")) != self.flag:
            return None
        fig = {"trigger": self.kind, **perception_figures(row)}
        if fig["vertical"] is not None:
            fig.update(national_figures(al.territory(region) or {}))
        gap = row.get("gap")
        return Hit([fig], float(gap) if _isnum(gap) else float("nan"))


class SynergyShared(Trigger):
    kind: ClassVar[str] = "synergy_shared"
    needs_alignment: ClassVar[bool] = True
    min_strength: float = Field(0.0, ge=0)
    min_topics: int = Field(1, ge=1)
    axes: list[str] | None = Field(None, min_length=1)

    def evaluate(self, ctx, region):
        al = ctx.alignment
        if al is None:
            return None
        topics = [
            t
            for t in collapse_topics(al.synergies_of(region))  # one subject across classifications: once
            if t["strength"] is not None  # results without pair_scores: no own strength, no hit
            and t["strength"] >= self.min_strength
            and (self.axes is None or t["axis"] in self.axes)
        ]
        if len(topics) < self.min_topics:
            return None
        return Hit(
            [{"trigger": self.kind, "min_strength": self.min_strength, "n_topics": len(topics), "topics": topics[:5]}]
        )


def national_figures(row: dict) -> dict:
    """The period of the national S3 a territory was compared with (alignment_territories'
    ``national_period``), so that the evidence names it: it may be older than the territory's own."""
    period = row.get("national_period")
    if period is None or (isinstance(period, float) and math.isnan(period)) or not str(period).strip():
        return {}
    return {"national_period": str(period).strip()}


def perception_figures(row: dict) -> dict:
    return {
        "perceived": num(row.get("perceived")),
        "perceived_ci_low": num(row.get("perceived_ci_low")),
        "perceived_ci_high": num(row.get("perceived_ci_high")),
        "vertical": num(row.get("vertical")),
        "neighbours": num(row.get("neighbours")),
        "measured": num(row.get("measured")),
        "gap": num(row.get("gap")),
        "flag": str(row.get("flag")),
    }


def _score_figures(row) -> dict:
    """A published score with its interval and n, as every score trigger reports it."""
    return {
        "score": num(row["score"]),
        "ci_low": num(row.get("ci_low")),
        "ci_high": num(row.get("ci_high")),
        "n": _int(row.get("n")),
    }


def _int(x):
    return int(float(x)) if _isnum(x) else None


def _str(x):
    return None if x is None or (isinstance(x, float) and math.isnan(x)) else str(x)


TRIGGER_TYPES: dict[str, type[Trigger]] = {
    t.kind: t
    for t in (
        BlockBelowPeers,
        BlockBelow,
        BlockGapToFrontrunner,
        ItemBelow,
        ItemShare,
        GroupsDisagree,
        StakeholderGroupsBelow,
        InsufficientData,
        AlignmentBelow,
        PerceptionFlag,
        SynergyShared,
    )
}
COMBINATORS = ("all", "any")


@dataclass(frozen=True)
class Combined:
    """`all` (every member fires) or `any` (at least one fires) of other triggers."""

    mode: str
    members: tuple[AnyTrigger, ...]

    def blocks(self) -> set[str]:
        return set().union(*(m.blocks() for m in self.members))

    def items(self) -> set[str]:
        return set().union(*(m.items() for m in self.members))

    def alignment_needed(self) -> bool:
        return any(m.alignment_needed() for m in self.members)

    def describe(self) -> dict:
        return {self.mode: [m.describe() for m in self.members]}

    def evaluate(self, ctx: Context, region: str) -> Hit | None:
        hits = []
        for m in self.members:
            h = m.evaluate(ctx, region)
            if h is None and self.mode == "all":
                return None
            if h is not None:
                hits.append(h)
        return merge_hits(hits) if hits else None


AnyTrigger: TypeAlias = Trigger | Combined  # what a rule's `trigger:` parses into


def parse_trigger(raw: object, path: str = "trigger") -> tuple[AnyTrigger | None, list[tuple[str, str]]]:
    """A trigger from its YAML mapping; problems as (field path, message) pairs."""
    if not isinstance(raw, dict) or len(raw) != 1:
        known = ", ".join([*TRIGGER_TYPES, *COMBINATORS])
        return None, [(path, f"a trigger is a mapping with exactly one key, the trigger type (one of {known})")]
    ((key, value),) = raw.items()
    key = str(key)
    if key in COMBINATORS:
        if not isinstance(value, list) or not value:
            return None, [(f"{path}.{key}", "needs a non-empty list of triggers")]
        members: list[AnyTrigger] = []
        problems: list[tuple[str, str]] = []
        for k, sub in enumerate(value):
            t, p = parse_trigger(sub, f"{path}.{key}[{k}]")
            problems.extend(p)
            if t is not None:  # None comes with a problem
                members.append(t)
        return (None, problems) if problems else (Combined(key, tuple(members)), [])
    cls = TRIGGER_TYPES.get(key)
    if cls is None:
        known = ", ".join([*TRIGGER_TYPES, *COMBINATORS])
        return None, [(f"{path}.{key}", f"unknown trigger type '{key}' (known: {known})")]
    if not isinstance(value, dict):
        return None, [(f"{path}.{key}", "the trigger's fields must be a mapping")]
    try:
        return cls.model_validate(value), []
    except ValidationError as exc:
        out = []
        for e in exc.errors():
            loc = ".".join(str(x) for x in e["loc"])
            msg = e["msg"].removeprefix("Value error, ")
            out.append((f"{path}.{key}" + (f".{loc}" if loc else ""), msg))
        return None, out
