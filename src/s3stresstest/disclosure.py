"""What of an answer distribution may be published: no share standing for 1 to k-1 respondents.

    shown, withheld = publishable_shares({"yes": 0.7, "partly": 0.2, "no": 0.1}, n=10, k=3)
    table = publishable_distributions(distributions, k=3, multiple={"b6_tools"})

The reports draw and print only the shares `publishable_shares` lets through; files meant for
publication (the pilots' distributions.csv, the shares a finding counts) pass through
`publishable_distributions`, so a CSV beside a report never gives back what the report hides.
The run folder keeps the raw shares: it is the analyst's working record (docs/anonymity.md).
Run totals (the synthesis, the memo) come from `publishable_total`, so that the total minus the
territories' printed counts never gives back a territory shown as "fewer than k".
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import pandas as pd

STATUS_COLUMN = "status"


def publishable_shares(
    shares: Mapping[str, float], n: int, k: int, *, multiple: bool = False
) -> tuple[dict[str, float], list[str]]:
    """Split answer shares into those that may be printed and those withheld for anonymity.

    A share standing for 1 to k-1 respondents would let a reader count them, so it is never
    shown. Single-choice items pool such answers into one unlabelled segment; while the pool
    itself stands for fewer than k respondents the next smallest answer joins it (secondary
    suppression), so no printed share, nor the pool, stands for fewer than k. Multiple-response
    items (each choice its own yes/no count) withhold each small choice on its own.
    Returns (printable shares, withheld choices in input order).
    """
    counts = {c: round(s * n) for c, s in shares.items()}
    small = [c for c, m in counts.items() if 0 < m < k]
    if multiple or not small:
        return {c: s for c, s in shares.items() if c not in small}, small
    pool = set(small)
    rest = sorted((m, c) for c, m in counts.items() if c not in pool and m > 0)
    while sum(counts[c] for c in pool) < k and rest:
        pool.add(rest.pop(0)[1])
    withheld = [c for c in shares if c in pool]
    return {c: s for c, s in shares.items() if c not in pool}, withheld


def publishable_distributions(dist: pd.DataFrame, k: int, multiple: Iterable[str] = ()) -> pd.DataFrame:
    """`region, item, choice, share, n` with every share a reader could count people from blanked.

    An item answered by fewer than k respondents loses its shares and its n (status "suppressed");
    inside a published item, the shares `publishable_shares` withholds are blank (status
    "withheld": fewer than k respondents, or pooled with such an answer so that none can be
    worked out by difference). `multiple`: the items where several answers may be ticked.
    """
    multi = set(multiple)
    out = dist.copy()
    out["share"] = pd.to_numeric(out["share"], errors="coerce").astype(float)
    out["n"] = pd.to_numeric(out["n"], errors="coerce").astype("Float64")
    out[STATUS_COLUMN] = "ok"
    for (_, item), part in out.groupby(["region", "item"], sort=False):
        n = part["n"].max()
        if pd.isna(n) or n < k or part["share"].isna().any():
            out.loc[part.index, ["share", "n"]] = pd.NA
            out.loc[part.index, STATUS_COLUMN] = "suppressed"
            continue
        shares = dict(zip(part["choice"], part["share"], strict=True))
        _, withheld = publishable_shares(shares, int(n), k, multiple=item in multi)
        hit = part.index[part["choice"].isin(withheld)]
        out.loc[hit, "share"] = float("nan")
        out.loc[hit, STATUS_COLUMN] = "withheld"
    return out


def publishable_scores(scores: pd.DataFrame, k: int) -> pd.DataFrame:
    """Item or block scores with nothing a report would withhold: a row that is not "ok" keeps its status
    and loses its score and interval, and an n below k is blank."""
    out = scores.copy()
    withheld = out["status"] != "ok"
    figures = [c for c in ("score", "ci_low", "ci_high") if c in out.columns]
    out[figures] = out[figures].astype(float)
    out.loc[withheld, figures] = float("nan")
    out["n"] = pd.to_numeric(out["n"], errors="coerce").astype("Float64")
    out.loc[out["n"] < k, "n"] = pd.NA
    return out


@dataclass(frozen=True)
class RespondentTotal:
    """What a publication may say about how many answered (`publishable_total`).

    `respondents` sums the territories with at least k respondents only: a territory with 1 to
    k-1 is printed as "fewer than k", and a total holding it would give it back by difference.
    """

    territories: int  # every territory of the run
    answered: int  # territories with at least one respondent
    published: int  # territories with at least k respondents, whose counts are printed
    below_k: int  # territories with 1 to k-1 respondents, printed as "fewer than k"
    respondents: int  # respondents of the `published` territories only

    @property
    def complete(self) -> bool:
        """Whether `respondents` is every respondent of the run (no territory below k)."""
        return self.below_k == 0


def publishable_total(per_territory: Mapping[str, int], k: int) -> RespondentTotal:
    """The run total a report may print, from each territory's number of respondents.

    A territory's own count is printed only from k up (zero too: it is about nobody), so the
    total counts those territories only; subtracting their printed counts from it leaves 0.
    """
    counts = [int(n) for n in per_territory.values()]
    shown = [n for n in counts if n >= k]
    return RespondentTotal(
        territories=len(counts),
        answered=sum(1 for n in counts if n > 0),
        published=len(shown),
        below_k=sum(1 for n in counts if 0 < n < k),
        respondents=sum(shown),
    )
