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

from ..i18n import translator
from .render import N_, Figure, Table

log = logging.getLogger(__name__)


# -- words ---------------------------------------------------------------------------------------


# Stakeholder groups of the questionnaire, as a reader says them (other codes: 'my_group' -> 'My group').
GROUP_NAMES = {
    "cluster_manager": N_("Cluster manager"),
    "policy_maker": N_("Policy maker"),
    "development_agency": N_("Development agency"),
    "research_institution": N_("Research institution"),
    "industry_association": N_("Industry association"),
    "company": N_("Company"),
    # TRANSLATORS: a stakeholder group: respondents who belong to none of the named groups
    "other": N_("Other"),
}


def group_label(g: str, *, language: str = "en", instrument=None) -> str:
    """A stakeholder group code as a reader says it: 'cluster_manager' -> 'Cluster manager' ('Clustermanager/in').

    The questionnaire's own label first (`instrument`, default the built-in one), so a report names a group
    as the survey and the admin pages do; then the report's words, then the code made readable."""
    from ..instrument.groups import builtin_instrument
    from ..instrument.groups import group_label as instrument_label

    own = instrument_label(instrument if instrument is not None else builtin_instrument(), str(g), language)
    if own:
        return own
    name = GROUP_NAMES.get(str(g))
    if name is not None:
        return translator(language)._(name)
    return str(g).replace("_", " ").capitalize()


# Peer groups whose ids are words of ours: 'all' of every campaign, 'alpine' and 'european' of the demo
# campaign (`campaign.territories.demo_groups`). 'european' is the reference set of regions outside the
# Alpine group, not an EU average, so it is named as a set.
PEER_GROUP_NAMES = {
    # TRANSLATORS: the peer group made of every territory of the campaign
    "all": N_("All territories"),
    # TRANSLATORS: the demo's peer group of the Alpine S3-4AlpClusters territories
    "alpine": N_("Alpine regions"),
    # TRANSLATORS: the demo's peer group of European regions outside the Alpine group; not an EU average
    "european": N_("European reference set"),
}


def peer_label(g: str, *, language: str = "en") -> str:
    """A peer group's name as a reader says it: 'all' -> 'All territories', 'european' -> 'European
    reference set', 'alpine_space' -> 'Alpine Space'.

    Only the ids of `PEER_GROUP_NAMES` are words of ours; other peer groups are names from the data and
    stay as they are (underscores as spaces, title case)."""
    name = PEER_GROUP_NAMES.get(str(g))
    if name is not None:
        return translator(language)._(name)
    return str(g).replace("_", " ").title()


def withheld_text(status: str, k: int, *, group: bool = False, language: str = "en") -> str:
    """What stands in place of a figure that is not published, given its status and the threshold k.

    `group=True` for stakeholder-group figures, which are also withheld to protect a smaller
    group (secondary suppression).
    """
    t = translator(language)
    if status == "insufficient":
        return t._("insufficient (fewer than half of the block's items published)")
    if group:
        return t._("suppressed (fewer than {k} respondents, or protecting a smaller group)", k=t.integer(k))
    return t._("suppressed (fewer than {k} respondents)", k=t.integer(k))


def ci_level_text(inputs, *, language: str = "en") -> str:
    """The run's interval level as a percentage ('90%', '90 %'), from its scoring parameters (90% when absent)."""
    lvl = inputs.parameters.get("ci_level")
    return translator(language).percent(float(lvl) if lvl else 0.9, 0)


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


def figure(svg, caption: str = "", data: Table | None = None, wide: bool = False, narrow=None) -> Figure | None:
    """A report figure from a chart's `Svg` (title and alt text taken from it); None when there is no chart.
    `narrow`: the chart's phone layout (an `Svg`), shown instead on narrow screens."""
    if svg is None:
        return None
    return Figure(
        svg=svg.svg,
        title=svg.title,
        alt=svg.alt,
        caption=caption,
        data=data,
        wide=wide,
        narrow=narrow.svg if narrow is not None else "",
    )


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
    "GROUP_NAMES",
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
