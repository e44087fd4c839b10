"""The one check of a campaign's territory codes, shared by the store (web upload, API, scripts).

A territory is a NUTS 2021 code of the registry (`NutsRegistry`), or a code outside NUTS that
the admin marks explicitly as a custom territory (a `custom` column true) and names. A made-up
code such as `XX99` is refused with "did you mean" suggestions, because a typo would otherwise
become a territory of its own with its own report.

Without the NUTS reference data (a server where `s3stresstest data pull` was not run) nothing
can be checked: every row that is not marked custom is then refused with a message saying so,
rather than accepted unchecked. Custom rows still work, so an offline server is not stuck.
The flag is checked when regions are added; the stored region keeps its code and name only.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from pathlib import Path

from ..campaign.model import TERRITORY_CODE
from ..errors import InputError, Problem
from .nuts import GISCO_FILE, NutsRegistry

TRUE = {"true", "1", "yes", "y", "x", "custom"}
FALSE = {"", "false", "0", "no", "n"}


@functools.lru_cache(maxsize=4)
def _load(folder: str, stamp: float) -> NutsRegistry:
    return NutsRegistry.load(folder)


def nuts_registry(folder: str | Path | None = None) -> NutsRegistry | None:
    """The NUTS registry of the data directory, read once per process; None when it is not installed."""
    from .datadir import data_dir

    base = Path(folder) if folder else data_dir()
    first = base / GISCO_FILE.format(level=0)
    try:
        return _load(str(base), first.stat().st_mtime)
    except (OSError, InputError):
        return None


def parse_custom(value: object) -> bool | None:
    """The custom-territory flag of a cell (true/yes/1/x, or empty/false/no/0); None when unreadable."""
    text = "" if value is None else str(value).strip().casefold()
    if text in TRUE:
        return True
    if text in FALSE:
        return False
    return None


def territory_problems(rows: Iterable[tuple[int, str, str, object]], registry: NutsRegistry | None) -> list[Problem]:
    """Problems of `(line, code, name, custom)` rows; `registry` None means the data is missing."""
    problems = []
    for line, code, name, raw_custom in rows:
        custom = parse_custom(raw_custom)
        if custom is None:
            problems.append(Problem(f"custom must be true or false, not '{raw_custom}'", line, "custom"))
            continue
        if not TERRITORY_CODE.fullmatch(code):
            problems.append(
                Problem(
                    f"'{code}' is not a territory code (a NUTS code such as DE2, ITH2, SI or CH022)", line, "region"
                )
            )
        elif custom:
            if not name:
                problems.append(Problem(f"custom territory '{code}' needs a name", line, "name"))
            elif registry is not None and code in registry:
                problems.append(
                    Problem(
                        f"'{code}' is a NUTS 2021 code ({registry.name(code)}), not a custom territory; "
                        "leave custom empty",
                        line,
                        "custom",
                    )
                )
        elif registry is None:
            problems.append(
                Problem(
                    f"'{code}' cannot be checked: the NUTS 2021 reference data is not installed on this server "
                    "(run `s3stresstest data pull`); mark it custom=true with a name to add it unchecked",
                    line,
                    "region",
                )
            )
        elif code not in registry:
            hint = registry.suggest(code)
            message = f"'{code}' is not a NUTS 2021 code"
            if hint:
                message += "; did you mean " + ", ".join(registry.get(c).label() for c in hint) + "?"
            message += " A territory outside NUTS needs custom=true and a name."
            problems.append(Problem(message, line, "region"))
    return problems
