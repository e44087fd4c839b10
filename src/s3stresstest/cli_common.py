"""What every command module shares: the two consoles and the one way to refuse input."""

from __future__ import annotations

import typer
from rich.console import Console

from .errors import InputError

err = Console(stderr=True, highlight=False)
out = Console(highlight=False)


def fail(exc: InputError, what: str = "input refused.") -> None:
    """Print every problem on stderr and exit with code 2 (bad input)."""
    err.print(f"[bold red]error:[/] {what} {exc.report()}", markup=True, soft_wrap=True)
    raise typer.Exit(code=2)
