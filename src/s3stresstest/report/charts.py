"""Static SVG charts of a StressTest run, for HTML, PDF and DOCX reports.

Every function returns an `Svg` (see `svg`): one complete `<svg>` element with `role="img"`,
a `<title>` and a `<desc>` (the alt text, which states every figure shown), width, height
and viewBox, and no external reference of any kind. Text stays text, so a PDF made from it
is searchable. Ids are prefixed per chart, so several charts can be inlined in one HTML page;
the same input always gives the same string.

Suppression: only figures whose status is `ok` (scores) or whose `n` reaches the threshold
and whose shares are present (distributions) are ever written. A suppressed or insufficient
figure is drawn as a hatched grey cell with the word, never with its value – not even when
the frame handed in happens to carry one.

    block_profile(block_scores, benchmarks, blocks, labels)     # one territory, all blocks
    block_vs_peers("AT33", "b1", benchmarks)                     # one block, small
    item_distribution(distributions, ["yes", "no", "dk"], labels)
    group_breakdown(group_block_scores, "b1")
    heatmap(block_scores)                                       # territories x blocks, by code

This module is the one place callers import charts from. The charts live by family in
`charts_scores` (territories' block scores) and `charts_answers` (answer shares and
stakeholder groups); the generic SVG
writer they share (document, text measuring and wrapping, escaping, legend, axis) is `svg`.
"""

from __future__ import annotations

from .charts_answers import DONT_KNOW, group_breakdown, item_distribution
from .charts_scores import STATUS_WORDS, block_profile, block_vs_peers, heatmap
from .svg import Svg, text_width, wrap

__all__ = [
    "DONT_KNOW",
    "STATUS_WORDS",
    "Svg",
    "block_profile",
    "block_vs_peers",
    "group_breakdown",
    "heatmap",
    "item_distribution",
    "text_width",
    "wrap",
]
