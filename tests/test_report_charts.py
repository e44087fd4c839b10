"""Report charts and maps: valid self-contained SVG, accessible, deterministic, never a suppressed figure."""

from __future__ import annotations

import itertools
import re
import xml.etree.ElementTree as ET

import numpy as np
import pandas as pd
import pytest

from s3stresstest.i18n import translator
from s3stresstest.report import charts, maps, palette
from s3stresstest.report.svg import Svg, text_width

SVG_NS = "{http://www.w3.org/2000/svg}"
ALLOWED_URIS = {"http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"}
ATTRIBUTION = "© EuroGeographics for the administrative boundaries; source: Eurostat – GISCO"


# -- helpers ------------------------------------------------------------------------------------


def outside(chart: Svg, tolerance: float = 2.0) -> list[str]:
    """Texts whose estimated extent (svg.text_width, bold ~10% wider) leaves the image sideways."""
    root = parse(chart)
    width = float(root.get("width"))
    out = []
    for el in root.iter(SVG_NS + "text"):
        text = "".join(el.itertext())
        if not text.strip() or el.get("x") is None:
            continue
        w = text_width(text, float(el.get("font-size", 12))) * (1.1 if el.get("font-weight") == "bold" else 1)
        x = float(el.get("x"))
        left = {"end": x - w, "middle": x - w / 2}.get(el.get("text-anchor"), x)
        if left < -tolerance or left + w > width + tolerance:
            out.append(f"{text!r} spans {left:.0f}..{left + w:.0f} px of {width:.0f}")
    return out


def parse(chart: Svg) -> ET.Element:
    assert isinstance(chart, Svg)
    assert chart.svg.startswith("<svg"), "no XML prolog or DOCTYPE: the SVG is inlined in HTML"
    return ET.fromstring(chart.svg)


def texts(chart: Svg) -> list[str]:
    """Every piece of text a reader (or a screen reader) gets: <text>, <title>, <desc>."""
    root = parse(chart)
    out = []
    for el in root.iter():
        if el.tag in (SVG_NS + "text", SVG_NS + "title", SVG_NS + "desc", SVG_NS + "tspan"):
            out.append("".join(el.itertext()))
    return out


def numbers(chart: Svg) -> set[str]:
    """Numeric tokens in the chart's text (percent signs and dashes split off; not digits inside codes like DE2)."""
    return set(re.findall(r"(?<![A-Za-z\d.])\d+(?:\.\d+)?", " ".join(texts(chart))))


def check_svg(chart: Svg) -> ET.Element:
    root = parse(chart)
    assert root.tag == SVG_NS + "svg"
    assert root.get("role") == "img"
    for attr in ("width", "height", "viewBox"):
        assert root.get(attr), f"missing {attr}"
    w, h = int(root.get("width")), int(root.get("height"))
    assert root.get("viewBox") == f"0 0 {w} {h}"
    assert w > 100 and h > 60
    kids = list(root)
    assert kids[0].tag == SVG_NS + "title" and kids[0].text and kids[0].text.strip() == chart.title
    assert kids[1].tag == SVG_NS + "desc" and kids[1].text and kids[1].text.strip() == chart.alt
    assert len(chart.alt) > 40
    labelled = root.get("aria-labelledby").split()
    ids = {el.get("id") for el in root.iter() if el.get("id")}
    assert set(labelled) <= ids
    # nothing from elsewhere: only the namespace URIs, no href at all, no url() but local ones
    uris = set(re.findall(r"https?://[^\s\"'<>)]+", chart.svg))
    assert uris <= ALLOWED_URIS, uris - ALLOWED_URIS
    assert "href" not in chart.svg
    assert "@import" not in chart.svg and "<image" not in chart.svg and "<script" not in chart.svg
    for ref in re.findall(r"url\(([^)]*)\)", chart.svg):
        assert ref.startswith("#") and ref[1:] in ids, f"dangling or external reference url({ref})"
    # text stays text (searchable PDFs): at least the title is drawn as <text>
    assert any(el.tag == SVG_NS + "text" for el in root.iter())
    return root


# -- fixtures -----------------------------------------------------------------------------------

BLOCKS = ["b1", "b2", "b3"]
LABELS = {
    "b1": "What role do clusters play in S3 development?",
    "b2": "Alignment",
    "b3": "How is S3 being implemented in the region? (including the regional support schemes)",
}


@pytest.fixture
def block_scores() -> pd.DataFrame:
    rows = [
        ("AT33", "b1", 61.2, 55.1, 67.4, 30, "ok"),
        ("AT33", "b2", 47.0, 40.2, 52.8, 30, "ok"),
        # a hypothetical number in an unpublished row: must never be shown
        ("AT33", "b3", 93.3, 88.0, 97.0, 2, "insufficient"),
        ("DE2", "b1", 58.0, np.nan, np.nan, 12, "ok"),
        ("DE2", "b2", np.nan, np.nan, np.nan, 1, "suppressed"),
        ("DE2", "b3", 33.0, 30.0, 36.0, 12, "ok"),
        ("CH022", "b1", 72.0, 65.0, 79.0, 9, "ok"),
        ("CH022", "b2", 81.9, 70.0, 88.0, 9, "ok"),
        ("CH022", "b3", 29.0, 20.0, 38.0, 9, "ok"),
    ]
    return pd.DataFrame(rows, columns=["region", "block", "score", "ci_low", "ci_high", "n", "status"])


@pytest.fixture
def benchmarks() -> pd.DataFrame:
    rows = []
    for block, (alp, eur, front) in {
        "b1": (55.0, 52.5, 70.1),
        "b2": (44.4, 49.6, 64.2),
        "b3": (38.8, np.nan, 51.7),
    }.items():
        for group, mean in (("alpine", alp), ("european", eur), ("all", (alp + (alp if np.isnan(eur) else eur)) / 2)):
            rows.append(
                {
                    "region": "AT33",
                    "block": block,
                    "peer_group": group,
                    "score": np.nan,
                    "peer_mean": mean,
                    "peer_median": mean,
                    "frontrunner_level": front,
                    "gap_to_mean": np.nan,
                    "gap_to_frontrunner": np.nan,
                    "frontrunners": "",
                    "indistinguishable": None,
                }
            )
    return pd.DataFrame(rows)


@pytest.fixture
def distribution() -> pd.DataFrame:
    """One item, three regions: AT33 published, DE2 below the threshold but with shares in the frame."""
    rows = []
    for region, n, shares in (
        ("AT33", 20, [0.45, 0.30, 0.15, 0.10]),
        ("DE2", 2, [0.37, 0.63, 0.0, 0.0]),  # n < 3: suppressed, shares leaked in
        ("CH022", 11, [np.nan, np.nan, np.nan, np.nan]),
    ):
        for choice, share in zip(["yes", "partly", "no", "dk"], shares, strict=True):
            rows.append((region, "q1", choice, share, n))
    return pd.DataFrame(rows, columns=["region", "item", "choice", "share", "n"])


@pytest.fixture(scope="module")
def registry(shared_data):
    from s3stresstest.regions.nuts import NutsRegistry

    return NutsRegistry.load(shared_data)


# -- palette ------------------------------------------------------------------------------------


def test_sequential_palette_reads_in_greyscale():
    lum = [palette.relative_luminance(c) for c in palette.SEQUENTIAL]
    assert all(a > b for a, b in itertools.pairwise(lum)), lum  # strictly darker class by class
    assert min(a - b for a, b in itertools.pairwise(lum)) > 0.08  # and visibly so
    for k in range(2, 10):
        ramp = [palette.relative_luminance(c) for c in palette.ordinal_colours(k)]
        assert all(a > b for a, b in itertools.pairwise(ramp)), (k, ramp)
    greys = [palette.grey_equivalent(c) for c in palette.SEQUENTIAL]
    assert len(set(greys)) == len(greys)


def test_palette_classes_and_text_contrast():
    assert palette.sequential_class(0) == 0 and palette.sequential_class(19.99) == 0
    assert palette.sequential_class(20) == 1 and palette.sequential_class(100) == 4
    assert palette.class_bounds()[2] == (40.0, 60.0)
    with pytest.raises(ValueError):
        palette.sequential_class(float("nan"))
    for c in palette.SEQUENTIAL + palette.DIVERGING:
        assert palette.contrast_ratio(palette.text_colour_on(c), c) >= 4.5
    assert palette.diverging_colour(-50) == palette.DIVERGING[0]
    assert palette.diverging_colour(0) == palette.DIVERGING[2]
    assert palette.diverging_colour(50) == palette.DIVERGING[-1]
    pat = palette.missing_pattern("x-missing")
    assert ET.fromstring(pat).get("id") == "x-missing"


# -- charts -------------------------------------------------------------------------------------


def test_block_profile(block_scores, benchmarks):
    chart = charts.block_profile(
        block_scores[block_scores["region"] == "AT33"], benchmarks, BLOCKS, LABELS, ci_level=0.9
    )
    check_svg(chart)
    t = " ".join(texts(chart))
    assert chart.title == "Block scores (0–100)"
    # a score and its interval read as in the tables and the text (Translator.interval): "61 [55–67]"
    assert "61 [55–67]" in t and "47 [40–53]" in t
    assert translator("en").interval(61, 55, 67) in t and "(55–67)" not in t
    assert "insufficient answers" in t
    assert not {"93", "88", "97"} & numbers(chart), "an insufficient block leaked its figures"
    # peer groups named as the tables name them, not by their ids
    assert "Alpine regions" in t and "European reference set" in t and "frontrunner level ('All territories')" in t
    assert "90% interval" in chart.alt and "70" in chart.alt  # frontrunner level of b1
    root = parse(chart)
    assert len(root.findall(f".//{SVG_NS}polygon")) >= 5  # diamonds + squares (no colour needed)
    with pytest.raises(ValueError, match="several regions"):
        charts.block_profile(block_scores, benchmarks, BLOCKS, LABELS)
    by_region = charts.block_profile(block_scores, benchmarks, BLOCKS, LABELS, region="AT33", ci_level=0.9)
    assert by_region.svg == chart.svg


def test_block_vs_peers(block_scores, benchmarks):
    chart = charts.block_vs_peers("AT33", "b1", benchmarks, block_scores=block_scores, block_label=LABELS["b1"])
    check_svg(chart)
    t = " ".join(texts(chart))
    assert (
        "61 [55–67]" in t and "mean of 'Alpine regions'" in t and "frontrunner level of 'European reference set'" in t
    )
    hidden = charts.block_vs_peers("AT33", "b3", benchmarks, block_scores=block_scores)
    check_svg(hidden)
    assert "insufficient answers" in " ".join(texts(hidden))
    assert not {"93", "88", "97"} & numbers(hidden)
    assert "not available" in " ".join(texts(hidden))  # european mean is NaN for b3


def test_block_vs_peers_wraps_long_names_inside_the_image(block_scores, benchmarks):
    long_name = "Provincia Autonoma di Trento / Autonome Provinz Bozen-Südtirol and surroundings"
    renamed = benchmarks.replace({"peer_group": {"alpine": "alpine_space_cooperation_programme_regions"}})
    chart = charts.block_vs_peers("AT33", "b1", renamed, block_scores=block_scores, region_label=long_name)
    root = check_svg(chart)
    shown = [el for el in root.iter(SVG_NS + "text") if el.get("text-anchor") == "end"]
    assert shown
    for el in shown:  # right-aligned labels: their estimated left edge stays inside the image
        bold = 1.1 if el.get("font-weight") == "bold" else 1.0
        left = float(el.get("x")) - bold * text_width(el.text or "", float(el.get("font-size", 11)))
        assert left >= 0, f"label {el.text!r} starts {left:.0f} px left of the image"
    joined = "".join(el.text.replace(" ", "") for el in shown)
    assert "ProvinciaAutonomadiTrento" in joined and "AlpineSpaceCooperationProgrammeRegions" in joined
    assert long_name in chart.alt  # the full name is kept for screen readers
    ys = sorted(float(el.get("y")) for el in shown)
    assert all(b - a >= 12 for a, b in itertools.pairwise(ys)), "label lines overlap"


def test_item_distribution_never_shows_suppressed_shares(distribution):
    labels = {"yes": "Yes", "partly": "Partly", "no": "No", "dk": "Don't know"}
    chart = charts.item_distribution(
        distribution, ["yes", "partly", "no", "dk"], labels, item_label="Q1 asked", min_respondents=3
    )
    root = check_svg(chart)
    t = texts(chart)
    joined = " ".join(t)
    assert "45%" in joined and "30%" in joined and "n = 20" in joined and "n = 11" not in joined
    assert joined.count("suppressed (fewer than 3 answers)") >= 3  # legend, DE2, CH022 (+ alt)
    nums = numbers(chart)
    assert not {"37", "63", "2"} & nums, "DE2 is below the threshold: neither its shares nor its n may appear"
    assert "Don't know" in joined
    # don't know is drawn with its own (dotted) pattern, apart from the answer colours
    assert any("dontknow" in (el.get("fill") or "") for el in root.iter(SVG_NS + "rect"))
    # same rule when the threshold alone decides
    strict = charts.item_distribution(
        distribution[distribution["region"] == "AT33"], ["yes", "partly", "no", "dk"], labels, min_respondents=21
    )
    assert "45" not in numbers(strict) and "suppressed (fewer than 21 answers)" in " ".join(texts(strict))


def test_item_distribution_multiple_response():
    frame = pd.DataFrame(
        {"region": "AT33", "item": "q3", "choice": ["a", "b", "c", "dk"], "share": [0.6, 0.55, 0.2, 0.05], "n": 20}
    )
    chart = charts.item_distribution(frame, ["a", "b", "c", "dk"], {"a": "Alpha"})
    check_svg(chart)
    assert "several answers possible" in chart.title
    assert {"60", "55", "20"} <= numbers(chart)
    assert "5" not in numbers(chart) and "fewer than 3" in " ".join(texts(chart))  # 5% of 20: one person
    assert "Alpha" in " ".join(texts(chart))


def test_group_breakdown_labels_suppressed_cells():
    frame = pd.DataFrame(
        {
            "region": "AT33",
            "block": ["b1"] * 4 + ["b2"],
            "stakeholder_group": ["policy_maker", "cluster_manager", "company", "other", "company"],
            "score": [66.6, 52.0, np.nan, 91.4, 12.0],
            "n": [2, 8, 1, 3, 8],
            "status": ["suppressed", "ok", "suppressed", "insufficient", "ok"],
        }
    )
    chart = charts.group_breakdown(frame, "b1", block_label="Role of clusters", reference=61.2)
    check_svg(chart)
    t = texts(chart)
    joined = " ".join(t)
    assert "52 (n = 8)" in joined
    assert joined.count("suppressed") >= 2 and "insufficient answers" in joined
    assert not {"66", "67", "91", "2", "1", "12"} & numbers(chart)
    # questionnaire order of the groups: cluster manager before policy maker
    assert joined.index("Cluster manager") < joined.index("Policy maker") < joined.index("Company")


def test_heatmap_sorted_by_code_with_insufficient_cells(block_scores):
    territories = ["DE2", "CH022", "AT33", "SI"]
    chart = charts.heatmap(block_scores, territories, BLOCKS, LABELS)
    check_svg(chart)
    t = texts(chart)
    joined = " ".join(t)
    assert "insufficient" in t and "suppressed" in t and "no data" in t  # SI has no rows
    assert not {"93", "88", "97"} & numbers(chart)
    assert {"61", "47", "58", "33", "72", "82", "29"} <= numbers(chart)
    rows = [s for s in t if s in territories]
    assert rows == sorted(territories), "rows go by code: no league table"
    kept = charts.heatmap(block_scores, territories, BLOCKS, LABELS, sort=None)
    assert [s for s in texts(kept) if s in territories] == territories
    assert "b3: How is S3 being implemented" in joined  # long labels go to the key
    with pytest.raises(ValueError):
        charts.heatmap(block_scores, territories, BLOCKS, LABELS, sort="score")


def test_unique_ids_when_several_charts_share_a_page(block_scores, benchmarks, distribution):
    page = [
        charts.block_profile(block_scores, benchmarks, BLOCKS, LABELS, region="AT33"),
        charts.heatmap(block_scores),
        charts.item_distribution(distribution, ["yes", "partly", "no", "dk"], {}),
        charts.block_vs_peers("AT33", "b2", benchmarks),
    ]
    ids = [el.get("id") for c in page for el in parse(c).iter() if el.get("id")]
    assert len(ids) == len(set(ids)), [i for i in ids if ids.count(i) > 1]
    html = "<html><body>" + "".join(c.svg for c in page) + "</body></html>"
    ET.fromstring(html)
    explicit = charts.heatmap(block_scores, id_prefix="fig7")
    assert 'id="fig7-missing"' in explicit.svg and 'aria-labelledby="fig7-title fig7-desc"' in explicit.svg
    with pytest.raises(ValueError):
        charts.heatmap(block_scores, id_prefix="7 bad")


def test_charts_are_deterministic(block_scores, benchmarks, distribution):
    a = charts.block_profile(block_scores, benchmarks, BLOCKS, LABELS, region="AT33")
    b = charts.block_profile(block_scores.sample(frac=1, random_state=3), benchmarks, BLOCKS, LABELS, region="AT33")
    assert a.svg == b.svg
    assert charts.heatmap(block_scores).svg == charts.heatmap(block_scores.copy()).svg
    d1 = charts.item_distribution(distribution, ["yes", "partly", "no", "dk"], {})
    assert d1.svg == charts.item_distribution(distribution.copy(), ["yes", "partly", "no", "dk"], {}).svg


def test_text_is_escaped():
    frame = pd.DataFrame(
        {
            "region": ['A<&>"1'],
            "block": ["b1"],
            "score": [50.0],
            "ci_low": [np.nan],
            "ci_high": [np.nan],
            "n": [5],
            "status": ["ok"],
        }
    )
    chart = charts.heatmap(frame, labels={"b1": "R&D <policy>"})
    check_svg(chart)
    assert "R&D <policy>" in " ".join(texts(chart))


def test_charts_from_a_real_run():
    """Every chart of a (synthetic) scoring run: valid, self-contained, and no suppressed group figure."""
    from s3stresstest.campaign.synthetic import SyntheticSpec, generate_campaign
    from s3stresstest.campaign.territories import demo_groups, demo_regions
    from s3stresstest.instrument import load_builtin, pick_label
    from s3stresstest.pipeline import run_stresstest
    from s3stresstest.scoring import ScoringParams

    ins = load_builtin()
    camp = generate_campaign(ins, demo_regions(), demo_groups(), SyntheticSpec(seed=7))
    res = run_stresstest(camp, ins, ScoringParams(bootstrap=40))
    labels = {b.name: pick_label(b.labels, "en") for b in ins.blocks}
    blocks = [b.name for b in ins.blocks]
    out = [
        charts.block_profile(res.block_scores, res.benchmarks, blocks, labels, region="AT31", ci_level=0.9),
        charts.heatmap(res.block_scores, None, blocks, labels),
    ]
    gbs = res.group_block_scores
    hidden = gbs[gbs["status"] != "ok"]
    assert len(hidden)
    region = hidden["region"].iloc[0]
    for block in blocks:
        out.append(charts.group_breakdown(gbs, block, region=region, block_label=labels[block]))
    item = ins.item("b1_edp_informed")
    choices = [c.name for c in ins.choices_of(item).choices]
    dist = res.distributions[res.distributions["item"] == item.name]
    out.append(
        charts.item_distribution(
            dist,
            choices,
            {c.name: pick_label(c.labels, "en") for c in ins.choices_of(item).choices},
            scores={c.name: c.score for c in ins.choices_of(item).choices},
        )
    )
    for chart in out:
        check_svg(chart)
        assert len(chart.svg) < 150_000
        assert not outside(chart), chart.title
    mine = gbs[gbs["region"] == region]
    shown = " ".join(" ".join(texts(c)) for c in out[2 : 2 + len(blocks)])
    assert shown.count("suppressed") + shown.count("insufficient") >= (mine["status"] != "ok").sum()


# -- maps on the real GISCO boundaries ----------------------------------------------------------


def test_territory_map_at33(registry):
    from s3stresstest.regions.adjacency import neighbours

    codes = neighbours(registry, "AT33")["code"].tolist()
    assert {"AT32", "AT34", "DE21", "ITH1"} <= set(codes)
    scores = {"AT32": 71.2, "DE27": 45.0, "ITH1": 88.0, "CH05": None}
    chart = maps.territory_map(registry, "AT33", codes, scores)
    root = check_svg(chart)
    assert len(chart.svg.encode("utf-8")) < 150_000
    t = texts(chart)
    assert ATTRIBUTION in t and maps.ATTRIBUTION == ATTRIBUTION
    assert "AT32 71" in t and "ITH1 88" in t and "DE27 45" in t and "CH05" in t and "AT33" in t
    assert "Tirol" in chart.title and "no score" in chart.alt
    paths = root.findall(f".//{SVG_NS}path")
    coloured = [p for p in paths if p.get("fill") in palette.SEQUENTIAL]
    assert len(coloured) == 3
    assert re.search(r"\d\.\d\d", " ".join(p.get("d") for p in paths)) is None, "coordinates have one decimal"
    assert chart.svg == maps.territory_map(registry, "AT33", list(reversed(codes)), dict(scores)).svg


def test_map_title_of_a_long_territory_name_stays_inside(registry):
    from s3stresstest.regions.adjacency import neighbours

    codes = neighbours(registry, "ITH2")["code"].tolist()
    chart = maps.territory_map(
        registry,
        "ITH2",
        codes,
        dict.fromkeys(codes, 40.0),
        title="Strategic alignment of Provincia Autonoma di Trento (ITH2) with its neighbours",
    )
    check_svg(chart)
    assert not outside(chart)


def test_territory_map_mixed_levels(registry):
    from s3stresstest.regions.adjacency import territory_neighbours

    territories = ["AT33", "DE2", "AT32", "AT34", "ITH1", "ITH2", "CH05", "AT21"]
    nb = territory_neighbours(registry, territories, "AT33")
    assert "DE2" in set(nb["code"])
    chart = maps.territory_map(registry, "AT33", nb["code"].tolist(), {"DE2": 52.0})
    check_svg(chart)
    assert "DE2 52" in texts(chart) and len(chart.svg.encode("utf-8")) < 150_000


def test_alpine_space_map(registry):
    values = {"DE2": 57.0, "CH022": 63.4, "SI": None, "ITC4": 22.0, "AT31": 91.0, "ES21": 40.0}
    chart = maps.alpine_space_map(registry, values, "Block b1: role of clusters", "Block score (0–100)")
    root = check_svg(chart)
    size = len(chart.svg.encode("utf-8"))
    assert size < 150_000, size
    t = texts(chart)
    assert ATTRIBUTION in t and maps.ATTRIBUTION == ATTRIBUTION
    for label in ("DE2 57", "CH022 63", "ITC4 22", "AT31 91", "SI"):
        assert label in t
    assert "ES21 40" not in t and "ES21" in chart.alt  # outside the Alpine Space: not drawn
    assert "no data" in t
    paths = root.findall(f".//{SVG_NS}path")
    coloured = [p for p in paths if p.get("fill") in palette.SEQUENTIAL]
    assert len(coloured) == 4  # DE2, CH022, ITC4, AT31 on own geometry
    # Bayern is one territory drawn from DE2's own outline, not seven NUTS-2 pieces
    de2 = [p for p in coloured if p.get("fill") == palette.sequential_colour(57.0)]
    assert len(de2) == 1
    assert (
        chart.svg
        == maps.alpine_space_map(
            registry, dict(reversed(values.items())), "Block b1: role of clusters", "Block score (0–100)"
        ).svg
    )
    other = maps.territory_map(registry, "AT33", ["AT32"], {"AT32": 50})
    ids = [el.get("id") for c in (chart, other) for el in parse(c).iter() if el.get("id")]
    assert len(ids) == len(set(ids))


def test_item_distribution_pools_answers_of_fewer_than_k_people_and_its_legend_is_true():
    frame = pd.DataFrame(
        {
            "region": ["AT31"] * 3 + ["AT32"] * 3,
            "item": "q",
            "choice": ["yes", "partly", "no"] * 2,
            "share": [0.7, 0.2, 0.1, 0.5, 0.3, 0.2],
            "n": [10] * 3 + [10] * 3,
        }
    )
    chart = charts.item_distribution(frame, ["yes", "partly", "no"], min_respondents=3)
    joined = " ".join(texts(chart))
    assert "70%" in joined and "20%" not in joined and "10%" not in joined  # AT31: 2 + 1 people pooled
    # AT32: "no" (2 people) alone would be given back by 100% - 50% - 30%: "partly" joins the pool
    assert "50%" in joined and "30%" not in joined
    assert "pooled" in joined and "whole bar suppressed" not in joined  # no bar is withheld here
    assert "pooled" in chart.alt
    clean = charts.item_distribution(frame[frame["region"] == "AT32"], ["yes", "partly", "no"], min_respondents=2)
    assert "pooled" not in " ".join(texts(clean)) and "suppressed" not in " ".join(texts(clean))


def test_likert_palette_diverges_around_a_neutral_midpoint_and_yes_reads_green():
    for k in range(2, 8):
        cols = palette.likert_colours(k)
        assert len(set(cols)) == k
        if k % 2:  # the midpoint is a neutral grey
            r, g, b = palette.hex_rgb(cols[k // 2])
            assert max(r, g, b) - min(r, g, b) < 8
        # low end brown-ish (red > blue), high end green-ish (green > red)
        lo, hi = palette.hex_rgb(cols[0]), palette.hex_rgb(cols[-1])
        assert lo[0] > lo[2] and hi[1] > hi[0]
    no, yes = palette.likert_colours(2)
    assert palette.relative_luminance(no) > palette.relative_luminance(yes), "'no' is not the darkest colour"
    frame = pd.DataFrame(
        {"region": "AT33", "item": "q", "choice": ["yes", "no", "dk"], "share": [0.5, 0.3, 0.2], "n": 20}
    )
    svg = str(charts.item_distribution(frame, ["yes", "no", "dk"], scores={"yes": 100, "no": 0}))
    assert yes in svg and no in svg
    dk = palette.hex_rgb(palette.DONT_KNOW_FILL)
    assert max(dk) - min(dk) < 8 and dk[0] < 250  # "don't know": neutral grey


def test_group_breakdown_legend_names_withheld_cells_only_when_there_are_some():
    frame = pd.DataFrame(
        {
            "region": "AT33",
            "block": "b1",
            "stakeholder_group": ["policy_maker", "company"],
            "score": [60.0, 40.0],
            "n": [5, 7],
            "status": "ok",
        }
    )
    assert "not shown" not in " ".join(texts(charts.group_breakdown(frame, "b1")))
    frame.loc[1, ["score", "status"]] = [np.nan, "suppressed"]
    assert "not shown (suppressed" in " ".join(texts(charts.group_breakdown(frame, "b1")))


def _tile_tone(pattern: ET.Element) -> float:
    """Mean relative luminance of a pattern tile as printed (rasterised 20×; rect, line and circle, as the
    palette's patterns are made); rotation does not change it."""
    from PIL import Image, ImageDraw

    s = 20
    w, h = float(pattern.get("width")), float(pattern.get("height"))
    img = Image.new("RGB", (round(w * s), round(h * s)), "white")
    draw = ImageDraw.Draw(img)
    for el in pattern:
        tag = el.tag.replace(SVG_NS, "")
        if tag == "rect":
            draw.rectangle([0, 0, float(el.get("width")) * s - 1, float(el.get("height")) * s - 1], fill=el.get("fill"))
        elif tag == "line":  # a stroke on the tile's edge shows half here and half on the next tile: wrap it
            xy = [float(el.get(k)) * s for k in ("x1", "y1", "x2", "y2")]
            width = round(float(el.get("stroke-width")) * s)
            for dx, dy in ((0, 0), (w * s, 0), (0, h * s)):
                draw.line([xy[0] + dx, xy[1] + dy, xy[2] + dx, xy[3] + dy], fill=el.get("stroke"), width=width)
        elif tag == "circle":
            cx, cy, r = (float(el.get(k)) * s for k in ("cx", "cy", "r"))
            draw.ellipse([cx - r, cy - r, cx + r, cy + r], fill=el.get("fill"))
    counts = img.getcolors(maxcolors=1 << 16)
    total = sum(n for n, _ in counts)
    return sum(n * palette.relative_luminance("#{:02x}{:02x}{:02x}".format(*rgb)) for n, rgb in counts) / total


def test_dont_know_and_merged_segments_look_clearly_different_and_the_legend_names_each():
    frame = pd.DataFrame(
        {
            "region": "AT31",
            "item": "q",
            "choice": ["yes", "partly", "no", "dk"],
            "share": [0.5, 0.1, 0.05, 0.35],  # partly 2 and no 1 of 20: merged beside "Don't know"
            "n": 20,
        }
    )
    labels = {"yes": "Yes", "partly": "Partly", "no": "No", "dk": "Don't know"}
    chart = charts.item_distribution(frame, ["yes", "partly", "no", "dk"], labels, min_respondents=3)
    root = check_svg(chart)
    patterns = {f"url(#{p.get('id')})": p for p in root.iter(SVG_NS + "pattern")}
    swatch = {}  # legend label -> the fill of the swatch before it
    shapes = list(root.iter())
    for i, el in enumerate(shapes):
        if el.tag == SVG_NS + "text" and i and shapes[i - 1].tag == SVG_NS + "rect":
            swatch[el.text] = shapes[i - 1].get("fill")
    merged = next(v for k, v in swatch.items() if k.startswith("merged, no figure"))
    dont_know = swatch["Don't know"]
    assert merged in patterns and dont_know in patterns and merged != dont_know
    tones = _tile_tone(patterns[merged]), _tile_tone(patterns[dont_know])
    # before: a light diagonal hatch (0.70) beside light dots (0.71), alike on a printed page
    assert abs(tones[0] - tones[1]) >= 0.2, tones
    # the bar draws its segments with the legend's fills
    fills = [el.get("fill") for el in root.iter(SVG_NS + "rect")]
    assert fills.count(merged) >= 2 and fills.count(dont_know) >= 2
