"""What an action plan needs of a planned call: its dates, or why it cannot run.

`plan build --calls DIR` reads these from the calls folder's `plan.json` (written from the same
records), so the action plan shows the calls as they were planned and never replans them.

    outcomes = read_outcomes("calls-out")        # or: call_plan.outcomes()
    outcomes[0].feasible, outcomes[0].open, outcomes[0].reason(translator("de"))
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..i18n import Translator
from .plan import Call
from .window import Change, Window


def why_not(
    regions: Sequence[str],
    changes: Sequence[Change],
    t: Translator,
    not_before: dt.date | None = None,
    earlier: Window | None = None,
) -> str:
    """Why a call cannot run, in t's language: too few regions, or no common window (and the smallest change);
    `earlier`: the window the programmes allow only before its action starts (`not_before`)."""
    if earlier is not None and not_before is not None:
        text = t._(
            "The programmes' dates allow a common window only before the action starts in {start}: "
            "the earliest opens on {open} and closes on {close}.",
            start=t.date(not_before, "MMMM y"),
            open=t.date(earlier.open),
            close=t.date(earlier.close),
        )
        if changes:
            return (
                text
                + " "
                + t._(
                    "The smallest change that makes the call feasible from the action's start: {change}.",
                    change=changes[0].text(t),
                )
            )
        return text + " " + t._("No change of a single date makes it feasible from the action's start.")
    if changes:
        return t._(
            "The programmes' dates leave no common window. The smallest change that makes the call feasible: {change}.",
            change=changes[0].text(t),
        )
    if not regions:
        return t._("No region has a programme on this topic.")
    if len(regions) < 2:
        return t._("Fewer than two regions have a programme on this topic.")
    return t._("The programmes' dates leave no common window, and no change of a single date does.")


@dataclass(frozen=True)
class CallOutcome:
    """One planned call as the action plan shows it. `regions`: whose programmes join the call;
    `without`: the action's partners that have no programme on the topic. The dates are set only
    for a feasible call."""

    call: str
    action: str
    topic: str  # axis:code
    regions: tuple[str, ...]
    without: tuple[str, ...]
    open: dt.date | None = None
    close: dt.date | None = None
    decision: dt.date | None = None
    changes: tuple[Change, ...] = ()
    synthetic: bool = False
    not_before: dt.date | None = None  # the action's start: the call was planned to open no earlier
    earlier: Window | None = None  # the only kind of window the programmes allow: before the action starts

    @property
    def feasible(self) -> bool:
        return self.open is not None and self.close is not None and self.decision is not None

    @property
    def partners(self) -> frozenset[str]:
        return frozenset(self.regions) | frozenset(self.without)

    def reason(self, t: Translator) -> str:
        """Why the call cannot run (empty for a feasible call)."""
        return "" if self.feasible else why_not(self.regions, self.changes, t, self.not_before, self.earlier)

    @classmethod
    def of(cls, call: Call, synthetic: bool = False) -> CallOutcome:
        feasible = call.feasible and call.window is not None and call.decision is not None
        return cls(
            call=call.id,
            action=call.action,
            topic=f"{call.topic[0]}:{call.topic[1]}",
            regions=tuple(call.regions),
            without=tuple(call.regions_without_programme),
            open=call.window.open if feasible and call.window else None,
            close=call.window.close if feasible and call.window else None,
            decision=call.decision if feasible else None,
            changes=call.changes,
            synthetic=synthetic,
            not_before=call.not_before,
            earlier=None if feasible else call.earlier,
        )

    def record(self) -> dict[str, Any]:
        """The call's entry in `plan.json`."""
        return {
            "call": self.call,
            "action": self.action,
            "topic": self.topic,
            "status": "feasible" if self.feasible else "infeasible",
            "regions": list(self.regions),
            "regions_without_programme": list(self.without),
            "open": self.open.isoformat() if self.open else None,
            "close": self.close.isoformat() if self.close else None,
            "decision": self.decision.isoformat() if self.decision else None,
            "changes": [c.__dict__ for c in self.changes],
            "not_before": self.not_before.isoformat() if self.not_before else None,
            "earlier_window": [self.earlier.open.isoformat(), self.earlier.close.isoformat()] if self.earlier else None,
        }


def _date(v: Any) -> dt.date | None:
    return dt.date.fromisoformat(v) if v else None


def read_outcomes(folder: str | Path) -> list[CallOutcome]:
    """The calls of a calls folder (`calls plan --out`), from its `plan.json`."""
    path = Path(folder) / "plan.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(f"cannot read the planned calls: {exc.strerror}", source=str(path)) from None
    except json.JSONDecodeError as exc:
        raise InputError(f"not valid JSON: {exc.msg}", source=str(path)) from None
    calls = data.get("calls") if isinstance(data, dict) else None
    if not isinstance(calls, list) or data.get("format") != "s3stresstest-calls/1":
        raise InputError("not a joint calls plan (format s3stresstest-calls/1)", source=str(path))
    if any("status" not in c for c in calls):
        raise InputError("planned by an older version without the calls' dates: plan the calls again", source=str(path))
    synthetic = bool(data.get("synthetic"))
    return [
        CallOutcome(
            call=str(c["call"]),
            action=str(c.get("action") or ""),
            topic=str(c["topic"]),
            regions=tuple(c.get("regions") or ()),
            without=tuple(c.get("regions_without_programme") or ()),
            open=_date(c.get("open")),
            close=_date(c.get("close")),
            decision=_date(c.get("decision")),
            changes=tuple(Change(**x) for x in c.get("changes") or ()),
            synthetic=synthetic,
            not_before=_date(c.get("not_before")),
            earlier=Window(*map(dt.date.fromisoformat, c["earlier_window"])) if c.get("earlier_window") else None,
        )
        for c in calls
    ]
