"""The common window of a synchronised call, and the smallest change that makes one possible.

Every programme of the call must be able to run it: it opens on or after every programme's
`earliest_open`, closes on or before every `latest_close`, stays open at least every
`min_open_days` (days from opening to closing), and neither opens nor closes on a day inside
any programme's blackout (inclusive). The proposal is the earliest feasible opening day with
the earliest feasible closing day after it.

When no window exists, `smallest_change` tries each single-field relaxation (one programme's
`latest_close` later, `earliest_open` earlier, `min_open_days` shorter, one blackout shortened
from either end) and finds by bisection the fewest days that make the call feasible: relaxing a
constraint never removes a feasible window, so feasibility is monotone in the days changed.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass

from ..i18n import Translator
from .programmes import Programme

DAY = dt.timedelta(days=1)
MAX_CHANGE_DAYS = 3660  # ten years: beyond this a change is no longer "small"


@dataclass(frozen=True)
class Window:
    open: dt.date
    close: dt.date


@dataclass(frozen=True)
class Change:
    """One field of one programme changed by `days` (blackout: which one and which end)."""

    programme: str
    field: str
    days: int
    old: str
    new: str

    def describe(self) -> str:
        """The change as the plan's record states it (English, field names as in the programmes file)."""
        return f"{self.programme}.{self.field} {self.old} -> {self.new} ({self.days} days)"

    def text(self, t: Translator) -> str:
        """The change in words of t's language, dates in its format: for a call text a reader acts on."""
        days = t.ngettext("{n} day", "{n} days", self.days)
        old, new = _dates(self.old, t), _dates(self.new, t)
        if self.field == "latest_close":
            return t._(
                "programme {programme}: latest closing date {old} → {new} ({days} later)",
                programme=self.programme,
                old=old,
                new=new,
                days=days,
            )
        if self.field == "earliest_open":
            return t._(
                "programme {programme}: earliest opening date {old} → {new} ({days} earlier)",
                programme=self.programme,
                old=old,
                new=new,
                days=days,
            )
        if self.field == "min_open_days":
            return t._(
                "programme {programme}: minimum days open {old} → {new}", programme=self.programme, old=old, new=new
            )
        if self.new == "removed":
            return t._("programme {programme}: blackout period {old} removed", programme=self.programme, old=old)
        return t._(
            "programme {programme}: blackout period {old} → {new} ({days} shorter)",
            programme=self.programme,
            old=old,
            new=new,
            days=days,
        )


def _dates(text: str, t: Translator) -> str:
    """ISO dates in `text` in t's date format ('[2027-01-01, 2027-01-31]' -> '[01.01.2027, 31.01.2027]')."""
    return re.sub(r"\d{4}-\d{2}-\d{2}", lambda m: t.date(dt.date.fromisoformat(m[0])), text)


def _blocked(day: dt.date, blackouts: Sequence[tuple[dt.date, dt.date]]) -> dt.date | None:
    """The last day of a blackout containing `day`, or None when `day` is free."""
    ends = [end for start, end in blackouts if start <= day <= end]
    return max(ends) if ends else None


def earliest_window(programmes: Sequence[Programme], not_before: dt.date | None = None) -> Window | None:
    """The earliest feasible opening day (on or after `not_before`, e.g. the start of the action the call
    belongs to) with the earliest feasible closing day after it, or None. The earliest window also has
    the earliest closing day, hence the earliest decision."""
    if not programmes:
        return None
    first = max(p.earliest_open for p in programmes)
    if not_before is not None:
        first = max(first, not_before)
    last = min(p.latest_close for p in programmes)
    need = dt.timedelta(days=max(p.min_open_days for p in programmes))
    blackouts = [b for p in programmes for b in p.blackout]
    day = first
    while day + need <= last:
        end = _blocked(day, blackouts)
        if end is not None:
            day = end + DAY
            continue
        close = day + need
        while close <= last and (stop := _blocked(close, blackouts)) is not None:
            close = stop + DAY
        # a later opening can only push the first free closing day later: no window at all
        return Window(day, close) if close <= last else None
    return None


def _relaxations(p: Programme) -> list[tuple[str, object]]:
    out: list[tuple[str, object]] = [("latest_close", None), ("earliest_open", None)]
    if p.min_open_days > 0:
        out.append(("min_open_days", None))
    for i in range(len(p.blackout)):
        out += [(f"blackout[{i}].start", i), (f"blackout[{i}].end", i)]
    return out


def _relaxed(p: Programme, name: str, days: int) -> tuple[Programme, str, str] | None:
    """`p` with field `name` relaxed by `days`, and the field's old and new value as text."""
    delta = dt.timedelta(days=days)
    if name == "latest_close":
        return (
            p.model_copy(update={"latest_close": p.latest_close + delta}),
            str(p.latest_close),
            str(p.latest_close + delta),
        )
    if name == "earliest_open":
        return (
            p.model_copy(update={"earliest_open": p.earliest_open - delta}),
            str(p.earliest_open),
            str(p.earliest_open - delta),
        )
    if name == "min_open_days":
        if days > p.min_open_days:
            return None
        new = p.min_open_days - days
        return p.model_copy(update={"min_open_days": new}), str(p.min_open_days), str(new)
    i = int(name[len("blackout[") : name.index("]")])
    start, end = p.blackout[i]
    span = (end - start).days + 1
    if days > span:
        return None
    rest = list(p.blackout)
    if days == span:
        del rest[i]
        new_text = "removed"
    elif name.endswith(".start"):
        rest[i] = (start + delta, end)
        new_text = f"[{start + delta}, {end}]"
    else:
        rest[i] = (start, end - delta)
        new_text = f"[{start}, {end - delta}]"
    return p.model_copy(update={"blackout": tuple(rest)}), f"[{start}, {end}]", new_text


def _feasible_with(
    programmes: Sequence[Programme], k: int, name: str, days: int, not_before: dt.date | None = None
) -> bool:
    relaxed = _relaxed(programmes[k], name, days)
    if relaxed is None:
        return False
    trial = list(programmes)
    trial[k] = relaxed[0]
    return earliest_window(trial, not_before) is not None


def blocking_changes(programmes: Sequence[Programme], not_before: dt.date | None = None) -> list[Change]:
    """For each single field whose change alone would make the call feasible (opening on or after
    `not_before`), the smallest such change; sorted by days (fewest first). Empty when the call is
    feasible or no single change suffices."""
    if earliest_window(programmes, not_before) is not None:
        return []
    found: list[Change] = []
    for k, p in enumerate(programmes):
        for name, _ in _relaxations(p):
            top = MAX_CHANGE_DAYS
            if name == "min_open_days":
                top = p.min_open_days
            elif name.startswith("blackout"):
                i = int(name[len("blackout[") : name.index("]")])
                top = (p.blackout[i][1] - p.blackout[i][0]).days + 1
            if top < 1 or not _feasible_with(programmes, k, name, top, not_before):
                continue
            lo, hi = 1, top  # hi feasible; find the smallest feasible
            while lo < hi:
                mid = (lo + hi) // 2
                if _feasible_with(programmes, k, name, mid, not_before):
                    hi = mid
                else:
                    lo = mid + 1
            relaxed = _relaxed(p, name, lo)
            assert relaxed is not None
            found.append(Change(p.id, name, lo, relaxed[1], relaxed[2]))
    order = {"latest_close": 0, "earliest_open": 1, "min_open_days": 2}
    found.sort(key=lambda c: (c.days, order.get(c.field, 3), c.programme, c.field))
    return found
