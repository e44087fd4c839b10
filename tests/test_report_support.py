"""Small campaigns for the report tests (imported by the other test_report_* modules), and checks of them.

`make_results(folder, ...)` generates a synthetic campaign for a handful of demo territories,
optionally edits its answers (to force suppressed figures), scores it with the real pipeline
and writes a results folder exactly as `s3stresstest demo` does: tables, run.json, inputs/,
context.csv and alignment/ (when reference data is installed).

Also: helpers that read what a PDF file really holds (page count and outline titles) without
a PDF library, and the text of every laid-out page of a WeasyPrint document.
"""

from __future__ import annotations

import hashlib
import io
import re
import zlib
from pathlib import Path

import pandas as pd
import pytest

ALPINE = ["ITC1", "ITC4", "ITH2", "AT31", "DE2"]
EUROPEAN = ["ES21"]


def make_results(folder: Path, regions: list[str] | None = None, *, bootstrap: int = 30, seed: int = 5,
                 edit=None, alignment: bool = True, context: bool = True) -> Path:
    """Write a synthetic results folder; `edit(responses) -> responses` changes the answers before scoring."""
    from s3stresstest.campaign.synthetic import SyntheticSpec, generate_campaign
    from s3stresstest.campaign.territories import demo_regions
    from s3stresstest.context import context_table
    from s3stresstest.demo import _demo_alignment
    from s3stresstest.instrument import load_builtin
    from s3stresstest.instrument.sheets import write_xlsx
    from s3stresstest.pipeline import run_stresstest
    from s3stresstest.results import write_results
    from s3stresstest.scoring import ScoringParams

    regions = regions or ALPINE + EUROPEAN
    instrument = load_builtin()
    all_regions = demo_regions()
    reg = all_regions[all_regions["region"].isin(regions)].reset_index(drop=True)
    groups = pd.DataFrame([(r, "alpine" if r in ALPINE else "european") for r in reg["region"]]
                          + [(r, "all") for r in reg["region"]], columns=["region", "group"])
    campaign = generate_campaign(instrument, reg, groups, SyntheticSpec(seed=seed, min_respondents=9,
                                                                        max_respondents=14))
    if edit is not None:
        campaign.responses = edit(campaign.responses.copy())
    result = run_stresstest(campaign, instrument, ScoringParams(bootstrap=bootstrap))

    def csv_bytes(df):
        buf = io.StringIO()
        df.to_csv(buf, index=False, lineterminator="\n")
        return buf.getvalue().encode()

    xlsx = io.BytesIO()
    write_xlsx(instrument.workbook, xlsx)
    extra = {"inputs/responses.csv": csv_bytes(campaign.responses), "inputs/regions.csv": csv_bytes(reg),
             "inputs/groups.csv": csv_bytes(groups), "inputs/stresstest_v1.xlsx": xlsx.getvalue()}
    roles = {"instrument": "inputs/stresstest_v1.xlsx", "responses": "inputs/responses.csv",
             "regions": "inputs/regions.csv", "groups": "inputs/groups.csv"}
    result.record["inputs"] = {role: {"path": rel, "sha256": hashlib.sha256(extra[rel]).hexdigest()}
                               for role, rel in roles.items()}
    if context:
        ctx = context_table(list(reg["region"]))
        if ctx is not None:
            extra["context.csv"] = csv_bytes(ctx)
    if alignment:
        extra.update(_demo_alignment(result.block_scores))
    return write_results(result, folder, overwrite=True, extra_files=extra, instrument=instrument)


def keep_only(responses: pd.DataFrame, region: str, items: list[str], keep: int, values: dict | None = None):
    """Blank the answers of `region` to `items` except for the first `keep` respondents (optionally set their values)."""
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
            chunks.append(zlib.decompress(data[m.end():end]))
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
    return {"pages": max(counts) if counts else 0, "outline": titles,
            "tagged": b"/StructTreeRoot" in plain, "table_headers": len(re.findall(rb"/S\s*/TH\b", plain))}


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


# -- checks of the helpers themselves ---------------------------------------------------------------

def test_keep_only_blanks_all_but_k(tmp_path):
    df = pd.DataFrame({"respondent_id": ["A-1", "A-2", "A-3", "B-1"], "region": ["A", "A", "A", "B"],
                       "stakeholder_group": "other", "item": "q", "value": ["yes", "no", "yes", "no"]})
    out = keep_only(df.copy(), "A", ["q"], 2, {(0, "q"): "partly"})
    assert list(out["value"]) == ["partly", "no", "", "no"]


def test_pdf_facts_reads_a_weasyprint_file(tmp_path):
    from s3stresstest.report.render import write_pdf

    html = ("<html><head><title>T</title></head><body><h1>First</h1><p>x</p>"
            "<h2 style='break-before: page'>Second – part</h2><p>y</p></body></html>")
    path = write_pdf(html, tmp_path / "t.pdf")
    facts = pdf_facts(path)
    assert facts["pages"] == 2
    assert "First" in facts["outline"] and "Second – part" in facts["outline"]
    with pytest.raises(AssertionError):
        (tmp_path / "bad.pdf").write_bytes(b"hello")
        pdf_facts(tmp_path / "bad.pdf")
