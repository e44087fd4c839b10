"""What every command module shares: the two consoles and the one way to refuse input."""

from __future__ import annotations

from typing import NoReturn

import typer
from rich.console import Console

from ..errors import InputError

err = Console(stderr=True, highlight=False)
out = Console(highlight=False)


def fail(exc: InputError, what: str = "input refused.") -> NoReturn:
    """Print every problem on stderr and exit with code 2 (bad input)."""
    err.print(f"[bold red]error:[/] {what} {exc.report()}", markup=True, soft_wrap=True)
    raise typer.Exit(code=2)


def parse_weights(items: list[str], example: str = "name=2") -> dict[str, float]:
    """`--weight NAME=NUMBER` options as a dict; a malformed one is refused with what was given."""
    weights: dict[str, float] = {}
    for item in items:
        name, sep, value = item.partition("=")
        name = name.strip()
        try:
            w = float(value)
        except ValueError:
            w = None
        if not sep or not name or w is None:
            raise InputError(f"--weight must be NAME=NUMBER (e.g. {example}), got {item!r}")
        weights[name] = w
    return weights
