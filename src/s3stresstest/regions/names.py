"""Territory names a reader can tell apart.

NUTS 2021 (Eurostat GISCO, `NAME_LATN` and `NUTS_NAME` alike) gives three names to two unrelated
territories each: "Freiburg" is both the Swiss canton CH022 (Fribourg in its own French, a spelling the
source does not have) and the German Regierungsbezirk DE13, "Jura" the canton CH025 and the French
département FRC22, "Nord-Est" the Italian NUTS-1 ITH and the Romanian region RO21. The outputs keep the
sourced name and add the code wherever the name stands alone: "Freiburg (CH022)".
"""

from __future__ import annotations

from collections.abc import Iterable

# NAME_LATN shared by NUTS 2021 territories of which neither contains the other (`ambiguous_names` on the
# GISCO files finds exactly these; tests/test_region_names.py checks it when the reference data is there)
AMBIGUOUS_NUTS_NAMES = frozenset({"Freiburg", "Jura", "Nord-Est"})


def shown_name(code: str, name: str) -> str:
    """The name as the outputs show it: with its code in brackets when another territory has it too."""
    if name in AMBIGUOUS_NUTS_NAMES and f"({code})" not in name:
        return f"{name} ({code})"
    return name


def with_code(code: str, name: str) -> str:
    """'Salzburg (AT32)'; a shown name that carries its code already stays as it is."""
    return name if name.endswith(f"({code})") else f"{name} ({code})"


def in_brackets(name: str) -> str:
    """A shown name for a place already in brackets: 'Freiburg, CH022' rather than '(Freiburg (CH022))'."""
    plain, _, code = name.partition(" (")
    return f"{plain}, {code.removesuffix(')')}" if plain in AMBIGUOUS_NUTS_NAMES and code else name


def ambiguous_names(regions: Iterable[tuple[str, str]]) -> set[str]:
    """Names that `(code, name)` pairs give to two territories of which neither contains the other
    (NUTS codes nest by prefix: 'Wien' AT13 and AT130 are one territory at two levels)."""
    by_name: dict[str, set[str]] = {}
    for code, name in regions:
        by_name.setdefault(name, set()).add(code)
    return {
        name
        for name, codes in by_name.items()
        if any(not (a.startswith(b) or b.startswith(a)) for a in codes for b in codes if a != b)
    }
