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
  on which the stakeholder groups disagree (item_dispersion ``groups_disagree``).
- ``stakeholder_groups_below``: block [any], min_groups [2]. Fewer than min_groups
  stakeholder groups have a published score for the block.
- ``insufficient_data``: block [any]. The block score is not published (status
  insufficient or suppressed).
- ``alignment_below``: kind (vertical or neighbour), threshold, statistic [mean]
  (neighbour only: mean or min). The measured alignment of the territory's S3 is below
  threshold (0-100).
- ``perception_flag``: flag (perceived higher, perceived lower or consistent). The
  perception-versus-evidence table flags the territory so.
- ``synergy_shared``: min_strength [0], min_topics [1], axes [every axis]. The territory
  shares at least min_topics synergy topics of that strength with its neighbours.

`gap` (points, used to rank) is the figure minus what it was compared with: score minus
peer mean, minus frontrunner level, minus threshold; share minus min/max share (in
percentage points); the largest spread between stakeholder groups; alignment minus
threshold; the perception table's gap. Triggers without such a figure give no gap.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import ClassVar, Literal, TypeAlias

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

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


class Context:
    """The result tables indexed by territory, published figures only where it matters."""

    def __init__(self, result, alignment=None, min_respondents: int = 3):
        self.min_respondents = int(min_respondents)
        self.block = _index(result.block_scores, ["region", "block"])
        self.item = _index(result.item_scores, ["region", "item"])
        self.bench = _group(result.benchmarks, ["region", "block"])
        self.dispersion_by_block = _group(result.item_dispersion, ["region", "block"])
        self.dispersion_by_item = _index(result.item_dispersion, ["region", "item"])
        self.group_blocks = _group(result.group_block_scores, ["region", "block"])
        self.has_group_blocks = result.group_block_scores is not None and len(result.group_block_scores) > 0
        self.dist = _distributions(result.distributions, self.min_respondents)
        bs = result.block_scores
        self.blocks = list(dict.fromkeys(bs["block"].astype(str))) if bs is not None and len(bs) else []
        bench = result.benchmarks
        self.all_groups = sorted(bench["peer_group"].astype(str).unique()) if bench is not None and len(bench) else []
        self.groups_of: dict[str, set[str]] = {}
        self.group_size: dict[str, int] = {}
        for group, members in ((result.record or {}).get("peer_groups") or {}).items():
            self.group_size[str(group)] = len(members)
            for m in members:
                self.groups_of.setdefault(str(m), set()).add(str(group))
        self.alignment = alignment

    # Published figures.
    def block_ok(self, region: str, block: str) -> dict | None:
        row = self.block.get((region, block))
        if row is None or str(row.get("status")) != OK or not _isnum(row.get("score")):
            return None
        if _isnum(row.get("n")) and float(row["n"]) < self.min_respondents:
            return None
        return row

    def group_ok(self, row: dict) -> bool:
        """A published stakeholder-group figure (status ok, a score, enough respondents)."""
        if str(row.get("status")) != OK or not _isnum(row.get("score")):
            return False
        return not (_isnum(row.get("n")) and float(row["n"]) < self.min_respondents)

    def item_ok(self, region: str, item: str) -> dict | None:
        row = self.item.get((region, item))
        if row is None or str(row.get("status")) != OK or not _isnum(row.get("score")):
            return None
        if _isnum(row.get("n")) and float(row["n"]) < self.min_respondents:
            return None
        return row

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
            return sorted(own & set(self.all_groups)) if own else list(self.all_groups)
        return [peer_group] if peer_group in self.all_groups else []

    def bench_rows(self, region: str, block: str, groups: list[str]) -> list[dict]:
        """Benchmark rows of a territory's published block score for the given peer groups."""
        if self.block_ok(region, block) is None:
            return []
        wanted = set(groups)
        return [
            r for r in self.bench.get((region, block), []) if str(r["peer_group"]) in wanted and _isnum(r.get("score"))
        ]


def _records(df: pd.DataFrame | None) -> list[dict]:
    if df is None or not len(df):
        return []
    return df.to_dict("records")


def _index(df: pd.DataFrame | None, keys: list[str]) -> dict:
    return {tuple(str(r[k]) for k in keys): r for r in _records(df)}


def _group(df: pd.DataFrame | None, keys: list[str]) -> dict:
    out: dict = {}
    for r in _records(df):
        out.setdefault(tuple(str(r[k]) for k in keys), []).append(r)
    return out


def _distributions(df: pd.DataFrame | None, k: int) -> dict:
    """(region, item) -> {'n', 'shares'} for published distributions only (every share present, n >= k)."""
    out: dict = {}
    for (region, item), rows in _group(df, ["region", "item"]).items():
        shares = {str(r["choice"]): r["share"] for r in rows}
        n = rows[0].get("n")
        if not _isnum(n) or float(n) < k or not all(_isnum(s) for s in shares.values()):
            continue
        out[(region, item)] = {"n": int(float(n)), "shares": {c: float(s) for c, s in shares.items()}}
    return out


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
        own = ctx.block_ok(region, self.block)
        figures, fired, gaps = [], set(), []
        for r in ctx.bench_rows(region, self.block, ctx.resolve_groups(region, self.peer_group)):
            gap = r.get("gap_to_mean")
            if not _isnum(gap) or not _isnum(r.get("peer_mean")) or not float(gap) < -self.min_gap:
                continue
            if self.ci_excludes_mean and _flag(r.get("indistinguishable")) is not False:
                continue
            fired.add(str(r["peer_group"]))
            gaps.append(float(gap))
            figures.append(
                {
                    "trigger": self.kind,
                    "block": self.block,
                    "peer_group": str(r["peer_group"]),
                    **_score_figures(own),
                    "peer_mean": num(r["peer_mean"]),
                    "gap_to_mean": num(gap),
                    "interval_excludes_mean": _flag(r.get("indistinguishable")) is False,
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
        own = ctx.block_ok(region, self.block)
        figures, fired, gaps = [], set(), []
        for r in ctx.bench_rows(region, self.block, ctx.resolve_groups(region, self.peer_group)):
            gap, level = r.get("gap_to_frontrunner"), r.get("frontrunner_level")
            if not _isnum(gap) or not _isnum(level) or not float(gap) <= -self.min_gap:
                continue
            if self.ci_excludes_level and not (_isnum(own.get("ci_high")) and float(own["ci_high"]) < float(level)):
                continue
            fired.add(str(r["peer_group"]))
            gaps.append(float(gap))
            figures.append(
                {
                    "trigger": self.kind,
                    "block": self.block,
                    "peer_group": str(r["peer_group"]),
                    **_score_figures(own),
                    "frontrunner_level": num(level),
                    "gap_to_frontrunner": num(gap),
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
            for t in al.synergies_of(region)
            if (t["strength"] or 0) >= self.min_strength and (self.axes is None or t["axis"] in self.axes)
        ]
        if len(topics) < self.min_topics:
            return None
        return Hit(
            [{"trigger": self.kind, "min_strength": self.min_strength, "n_topics": len(topics), "topics": topics[:5]}]
        )


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
