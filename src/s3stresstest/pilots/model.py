"""Pilot clusters and the validation of their new services, scored with the StressTest machinery.

S3-4AlpClusters ended with pilot clusters testing new cluster services with their companies.
Here a pilot cluster is the unit of a campaign, as a territory is in the StressTest: its code
(territory-like, e.g. PC001) keys the responses, and its region, name and service are
properties. The companies answer the built-in `pilot_services_v1` questionnaire; scoring,
intervals and the anonymity threshold are the StressTest's (`pipeline.run_stresstest`).

A service counts as **validated** when the lower ends of the intervals of need (s1), usefulness
(s3) and recommendation (s5) all lie above 50, the neutral answer: the companies, beyond
sampling noise, lean towards agreeing that it meets a need, helps them and deserves
recommending. Missing or withheld figures leave the verdict open ("not enough answers").
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from ..campaign.model import TERRITORY_CODE, Campaign
from ..errors import InputError, Problem
from ..instrument import Instrument, load_builtin
from ..pipeline import StressTestResult, run_stresstest

INSTRUMENT = "pilot_services_v1"
DIMENSIONS = ("s1", "s2", "s3", "s4", "s5")
VALIDATING = ("s1", "s3", "s5")
THRESHOLD = 50.0
PILOT_COLUMNS = ["code", "name", "region", "service"]


@dataclass
class PilotValidation:
    """The pilots, their scores (a StressTest scoring result) and the verdict per pilot."""

    pilots: pd.DataFrame  # code, name, region, service
    result: StressTestResult
    instrument: Instrument
    verdicts: pd.DataFrame  # code, verdict (validated|not validated|open), reason
    synthetic: bool


def check_pilots(pilots: pd.DataFrame, source: str = "pilots") -> pd.DataFrame:
    """code,name,region,service with codes a campaign accepts; every problem named by row."""
    missing = [c for c in PILOT_COLUMNS if c not in pilots.columns]
    if missing:
        raise InputError(f"the pilots table lacks the column(s) {', '.join(missing)}", source=source)
    out = pilots[PILOT_COLUMNS].astype(str).apply(lambda s: s.str.strip())
    problems = []
    for i, r in enumerate(out.itertuples(index=False), start=2):
        if not TERRITORY_CODE.fullmatch(r.code):
            problems.append(Problem(f"'{r.code}' is not a unit code (2 capital letters and up to 3 more)", line=i,
                                    field="code", source=source))  # fmt: skip
        for f in ("name", "service"):
            if not getattr(r, f):
                problems.append(Problem(f"{f} is empty", line=i, field=f, source=source))
    dup = out.loc[out["code"].duplicated(), "code"].tolist()
    if dup:
        problems.append(Problem(f"codes listed twice: {', '.join(dup)}", field="code", source=source))
    if problems:
        raise InputError(problems)
    return out.reset_index(drop=True)


def verdicts(result: StressTestResult, codes: Sequence[str]) -> pd.DataFrame:
    rows = []
    blocks = {(str(r["region"]), str(r["block"])): r for r in result.block_scores.to_dict("records")}
    for code in codes:
        lows: list[float | None] = []
        for b in VALIDATING:
            r = blocks.get((code, b))
            ok = r is not None and r["status"] == "ok" and pd.notna(r["ci_low"])
            lows.append(float(r["ci_low"]) if ok and r is not None else None)
        if any(v is None for v in lows):
            rows.append(
                {"code": code, "verdict": "open", "reason": "not enough answers on need, usefulness or recommendation"}
            )
        elif all(v > THRESHOLD for v in lows):  # type: ignore[operator]
            rows.append(
                {"code": code, "verdict": "validated", "reason": "need, usefulness and recommendation above neutral"}
            )
        else:
            words = {"s1": "need", "s3": "usefulness", "s5": "recommendation"}
            weak = [words[b] for b, v in zip(VALIDATING, lows, strict=True) if v is not None and v <= THRESHOLD]
            rows.append(
                {"code": code, "verdict": "not validated", "reason": "not clearly above neutral: " + ", ".join(weak)}
            )
    return pd.DataFrame(rows, columns=["code", "verdict", "reason"])


def validate_services(
    campaign: Campaign, pilots: pd.DataFrame, instrument: Instrument | None = None
) -> PilotValidation:
    """Score the companies' answers per pilot cluster and give each service its verdict."""
    pilots = check_pilots(pilots)
    instrument = instrument or load_builtin(INSTRUMENT)
    unknown = sorted(set(campaign.territories) - set(pilots["code"]))
    if unknown:
        raise InputError(f"answers for units not in the pilots table: {', '.join(unknown)}")
    result = run_stresstest(campaign, instrument)
    return PilotValidation(pilots, result, instrument, verdicts(result, list(pilots["code"])), bool(campaign.synthetic))
