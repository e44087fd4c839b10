"""Write a call plan to a folder.

calls.csv                       one row per call (see `plan.CALL_COLUMNS`)
harmonisation/<call>.csv        what differs between the call's programmes
calls.ics                       opening, closing and decision dates of the feasible calls
call_texts/<call>.<lang>.md     call-text skeletons in each language
plan.json                       the record: programmes file, synthetic or source; per call its action,
                                dates or the changes that would free a window (`outcome.CallOutcome`)
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Sequence
from pathlib import Path

from .. import __version__
from ..files import staged_output_dir
from ..i18n import LANGUAGES, check_language
from ..transfer.safe import to_safe_csv
from .ics import calendar
from .plan import CallPlan
from .texts import call_text, topic_name

SYNTHETIC_NOTE = "SYNTHETIC EXAMPLE: invented programmes, not real funding programmes"


def _events(plan: CallPlan) -> list[tuple[str, dt.date, str, str]]:
    """Three all-day events per feasible call; UIDs stable for the same call on the same programmes,
    distinct across plans, so re-importing an updated plan updates the events instead of doubling them."""
    mark = f" ({SYNTHETIC_NOTE})" if plan.synthetic else ""
    events = []
    for c in plan.calls:
        if not (c.feasible and c.window and c.decision):
            continue
        who = ", ".join(p.id for p in c.programmes)
        key = hashlib.sha256(f"{c.topic[0]}:{c.topic[1]}|{who}".encode()).hexdigest()[:12]
        title = topic_name(c.topic[0], c.topic[1], c.topic_title, "en")
        about = f"{title}; programmes {who}; budget EUR {sum(p.budget_eur for p in c.programmes):,.0f}{mark}"
        events += [
            (f"{key}-open@s3stresstest", c.window.open, f"Joint call opens: {title} ({c.id})", about),
            (f"{key}-close@s3stresstest", c.window.close, f"Joint call closes: {title} ({c.id})", about),
            (f"{key}-decision@s3stresstest", c.decision, f"Funding decisions: {title} ({c.id})", about),
        ]
    return events


def write_plan(
    plan: CallPlan,
    out: str | Path,
    *,
    languages: Sequence[str] = LANGUAGES,
    overwrite: bool = False,
    now: dt.datetime | None = None,
) -> Path:
    """Write every output of `plan` to `out` (all or nothing); returns `out`."""
    langs = [check_language(x) for x in languages]
    stamp = now or dt.datetime.now(dt.UTC)
    with staged_output_dir(out, overwrite) as tmp:
        (tmp / "calls.csv").write_text(to_safe_csv(plan.table()), encoding="utf-8")
        (tmp / "harmonisation").mkdir()
        for c in plan.calls:
            (tmp / "harmonisation" / f"{c.id}.csv").write_text(to_safe_csv(plan.harmonisation(c.id)), encoding="utf-8")
        name = "S3 StressTest joint calls" + (f" ({SYNTHETIC_NOTE})" if plan.synthetic else "")
        with (tmp / "calls.ics").open("w", encoding="utf-8", newline="") as f:
            f.write(calendar(_events(plan), stamp, name))
        texts = tmp / "call_texts"
        texts.mkdir()
        for c in plan.calls:
            for lang in langs:
                (texts / f"{c.id}.{lang}.md").write_text(call_text(c, plan, lang), encoding="utf-8")
        record = {
            "format": "s3stresstest-calls/1",
            "software": __version__,
            "created": stamp.isoformat(timespec="seconds"),
            "programmes_file": plan.source.path,
            "synthetic": plan.synthetic,
            "source": plan.source.source,
            "calls": [x.record() for x in plan.outcomes()],  # what `plan build --calls` reads
        }
        (tmp / "plan.json").write_text(json.dumps(record, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return Path(out)
