"""Command-line interface: a thin shell over the library.

Every command maps bad input to exit code 2 with the problems on stderr, and
writes nothing when it refuses.

`app` is the console entry point (``s3stresstest = "s3stresstest.cli:app"``). Each command
group lives in its own module with a `register(app)` that adds its commands; the order of
registration below is the order of `s3stresstest --help`.
"""

from __future__ import annotations

import typer

from .. import __version__
from . import (
    actionplan,
    align,
    calls,
    composite,
    cooperation,
    data,
    instrument,
    peers,
    pilots,
    regions,
    report,
    run,
    store,
    transfer,
    web,
)
from .common import out

app = typer.Typer(
    help="S3 StressTest: how regions implement their Smart Specialisation Strategies through clusters.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def version() -> None:
    """Print the software version."""
    out.print(__version__)


for _module in (
    instrument,
    data,
    regions,
    peers,
    transfer,
    store,
    report,
    web,
    align,
    cooperation,
    actionplan,
    calls,
    composite,
    pilots,
):
    _module.register(app)
del _module
app.command()(version)
run.register(app)


def main() -> None:  # pragma: no cover - console entry
    app()


__all__ = ["app", "main"]
