"""One error type for bad input, carrying every problem found rather than the first.

Users fix files in one pass when they see all problems, each with its place
(file, line, column), so validators collect `Problem`s and raise once.
"""

from __future__ import annotations

from dataclasses import dataclass

MAX_SHOWN = 20


@dataclass(frozen=True)
class Problem:
    message: str
    line: int | None = None  # 1-based line (CSV) or row (worksheet); header is line 1
    field: str | None = None  # column, sheet or field name
    source: str | None = None  # file name or sheet

    def __str__(self) -> str:
        where = []
        if self.source:
            where.append(self.source)
        if self.line is not None:
            where.append(f"line {self.line}")
        if self.field:
            where.append(f"column '{self.field}'")
        prefix = ", ".join(where)
        return f"{prefix}: {self.message}" if prefix else self.message


class InputError(ValueError):
    """Raised when input is refused; `problems` lists each one with its place."""

    def __init__(self, problems: list[Problem] | Problem | str, *, source: str | None = None):
        if isinstance(problems, str):
            problems = [Problem(problems, source=source)]
        elif isinstance(problems, Problem):
            problems = [problems]
        self.problems = list(problems)
        super().__init__(self.report())

    def report(self, limit: int = MAX_SHOWN) -> str:
        shown = [f"  - {p}" for p in self.problems[:limit]]
        rest = len(self.problems) - limit
        if rest > 0:
            shown.append(f"  ... and {rest} more problem{'s' if rest != 1 else ''}")
        head = f"{len(self.problems)} problem{'s' if len(self.problems) != 1 else ''} found:"
        return "\n".join([head, *shown])
