"""Small campaigns for the report tests (no tests here; test_report_support.py checks these helpers).

`make_results(folder, ...)` generates a synthetic campaign for a handful of demo territories,
optionally edits its answers (to force suppressed figures), scores it with the real pipeline
and writes a results folder exactly as `s3stresstest demo` does: tables, run.json, inputs/,
context.csv and alignment/ (when reference data is installed).

Also: helpers that read what a PDF file really holds (page count and outline titles) without
a PDF library, and the text of every laid-out page of a WeasyPrint document.
"""

from __future__ import annotations

import re
import zlib
from pathlib import Path

import pandas as pd

ALPINE = ["ITC1", "ITC4", "ITH2", "AT31", "DE2"]
EUROPEAN = ["ES21"]


def make_results(
    folder: Path,
    regions: list[str] | None = None,
    *,
    bootstrap: int = 30,
    seed: int = 5,
    edit=None,
    alignment: bool = True,
    context: bool = True,
    period: str | None = None,
) -> Path:
    """Write a synthetic run folder; `edit(responses) -> responses` changes the answers before scoring; `period`
    pins the alignment to one S3 period (default: each territory's latest)."""

    from s3stresstest.campaign.synthetic import SyntheticSpec, generate_campaign
    from s3stresstest.campaign.territories import demo_regions
    from s3stresstest.instrument import load_builtin
    from s3stresstest.run import ReferenceData, RunParams, build_run, write_run
    from s3stresstest.run.build import BUILTIN_STRATEGIES, builtin_strategies
    from s3stresstest.scoring import ScoringParams

    regions = regions or ALPINE + EUROPEAN
    instrument = load_builtin()
    all_regions = demo_regions()
    reg = all_regions[all_regions["region"].isin(regions)].reset_index(drop=True)
    groups = pd.DataFrame(
        [(r, "alpine" if r in ALPINE else "european") for r in reg["region"]] + [(r, "all") for r in reg["region"]],
        columns=["region", "group"],
    )
    campaign = generate_campaign(
        instrument, reg, groups, SyntheticSpec(seed=seed, min_respondents=9, max_respondents=14)
    )
    if edit is not None:
        campaign.responses = edit(campaign.responses.copy())
    reference = ReferenceData.load()
    if not context:
        reference.statistics = None
        reference.missing["context"] = reference.missing["structural_peers"] = "left out by the test"
    strategies = builtin_strategies() if alignment else None
    run = build_run(
        campaign,
        instrument,
        RunParams(scoring=ScoringParams(bootstrap=bootstrap), alignment_period=period),
        strategies=strategies,
        strategies_name=BUILTIN_STRATEGIES,
        reference=reference,
    )
    return write_run(run, folder, overwrite=True)


def keep_only(responses: pd.DataFrame, region: str, items: list[str], keep: int, values: dict | None = None):
    """Blank the answers of `region` to `items` except for the first `keep` respondents (optionally set values)."""
    ids = sorted(responses.loc[responses["region"] == region, "respondent_id"].unique())
    kept = set(ids[:keep])
    mask = (responses["region"] == region) & responses["item"].isin(items)
    responses.loc[mask & ~responses["respondent_id"].isin(kept), "value"] = ""
    for (rid_pos, item), value in (values or {}).items():
        responses.loc[(responses["respondent_id"] == ids[rid_pos]) & (responses["item"] == item), "value"] = value
    return responses


# -- PDF files, read without a PDF library --------------------------------------------------------


def _pdf_plain(data: bytes) -> bytes:
    chunks = [data]
    for m in re.finditer(rb"stream\r?\n", data):
        end = data.find(b"endstream", m.end())
        try:
            chunks.append(zlib.decompress(data[m.end() : end]))
        except zlib.error:
            pass
    return b"\n".join(chunks)


def _pdf_string(raw: bytes) -> str:
    if raw.startswith(b"<"):
        b = bytes.fromhex(raw[1:-1].decode())
        return b[2:].decode("utf-16-be") if b.startswith(b"\xfe\xff") else b.decode("latin-1")
    body = raw[1:-1]
    body = re.sub(rb"\\([()\\])", rb"\1", body)
    if body.startswith(b"\xfe\xff"):
        return body[2:].decode("utf-16-be")
    return body.decode("latin-1")


def pdf_facts(path: Path) -> dict:
    """{'pages', 'outline' (titles), 'tagged', 'table_headers' (TH structure elements)} read from the PDF file
    itself (object streams decompressed)."""
    data = Path(path).read_bytes()
    assert data.startswith(b"%PDF-"), "not a PDF file"
    assert data.rstrip().endswith(b"%%EOF"), "PDF file is truncated"
    plain = _pdf_plain(data)
    counts = [int(x) for x in re.findall(rb"/Type\s*/Pages\b[^>]*?/Count\s+(\d+)", plain)]
    titles = [_pdf_string(t) for t in re.findall(rb"/Title\s*(\((?:[^()\\]|\\.)*\)|<[0-9A-Fa-f]+>)", plain)]
    return {
        "pages": max(counts) if counts else 0,
        "outline": titles,
        "tagged": b"/StructTreeRoot" in plain,
        "table_headers": len(re.findall(rb"/S\s*/TH\b", plain)),
    }


def page_texts(document) -> list[str]:
    """The text of every laid-out page of a WeasyPrint document, margin boxes (page headers) included."""
    out = []

    def walk(box, parts):
        text = getattr(box, "text", None)
        if isinstance(text, str):
            parts.append(text)
        for child in getattr(box, "children", None) or []:
            walk(child, parts)

    for page in document.pages:
        parts: list[str] = []
        walk(page._page_box, parts)
        out.append(" ".join(parts))
    return out
