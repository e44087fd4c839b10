"""What the regional report, the synthesis and the memo say and draw alike.

Words: how a peer group, a stakeholder group, a withheld figure and the interval level are
written, so every report names them the same way. Figures: a chart is drawn through
`draw_chart`, which never lets a failing chart stop a report (the figures it would show are
always in a table beside it), and wrapped as a `render.Figure` by `figure`. The chart and map
modules are loaded through `load_charts` / `load_maps`, which give None when they cannot be
imported (the maps need shapely), so a report is still written without them.
"""

from __future__ import annotations

import logging
from types import ModuleType

from .render import Figure, Table

log = logging.getLogger(__name__)


# -- words ---------------------------------------------------------------------------------------


def group_label(g: str) -> str:
    """A stakeholder group code as a reader says it: 'cluster_manager' -> 'Cluster manager'."""
    return str(g).replace("_", " ").capitalize()


def peer_label(g: str) -> str:
    """A peer group's name as a heading: 'all' -> 'All territories', 'alpine_space' -> 'Alpine Space'."""
    return {"all": "All territories"}.get(g, str(g).replace("_", " ").title())


def withheld_text(status: str, k: int, *, group: bool = False) -> str:
    """What stands in place of a figure that is not published, given its status and the threshold k.

    `group=True` for stakeholder-group figures, which are also withheld to protect a smaller
    group (secondary suppression).
    """
    if status == "insufficient":
        return "insufficient (fewer than half of the block's items published)"
    if group:
        return f"suppressed (fewer than {k} respondents, or protecting a smaller group)"
    return f"suppressed (fewer than {k} respondents)"


def ci_level_text(inputs) -> str:
    """The run's interval level as a percentage ('90%'), from its scoring parameters (90% when absent)."""
    lvl = inputs.parameters.get("ci_level")
    return f"{float(lvl):.0%}" if lvl else "90%"


def error_message(exc: Exception) -> str:
    """The first problem of an error that lists them (InputError), else the error's text: one line for a report."""
    probs = getattr(exc, "problems", None)
    return probs[0].message if probs else str(exc)


# -- figures -------------------------------------------------------------------------------------


def draw_chart(fn, *args, **kwargs):
    """`fn(*args, **kwargs)`, or None when it cannot be drawn (logged as a warning): a chart never stops a
    report, and the figures it would show are always in a table beside it."""
    try:
        return fn(*args, **kwargs)
    except Exception as exc:  # noqa: BLE001
        log.warning(
            "chart %s (%s) not drawn: %s: %s",
            getattr(fn, "__name__", fn),
            kwargs.get("id_prefix", ""),
            exc.__class__.__name__,
            exc,
        )
        return None


def figure(svg, caption: str = "", data: Table | None = None, wide: bool = False) -> Figure | None:
    """A report figure from a chart's `Svg` (title and alt text taken from it); None when there is no chart."""
    if svg is None:
        return None
    return Figure(svg=svg.svg, title=svg.title, alt=svg.alt, caption=caption, data=data, wide=wide)


def load_charts() -> ModuleType | None:
    """The `charts` module, or None when it cannot be imported (the report then shows tables only)."""
    try:
        from . import charts
    except ImportError:
        return None
    return charts


def load_maps() -> ModuleType | None:
    """The `maps` module, or None when it cannot be imported (shapely missing): the report says so instead."""
    try:
        from . import maps
    except ImportError:
        return None
    return maps


__all__ = [
    "ci_level_text",
    "draw_chart",
    "error_message",
    "figure",
    "group_label",
    "load_charts",
    "load_maps",
    "peer_label",
    "withheld_text",
]
