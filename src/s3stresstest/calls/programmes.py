"""Regional funding programmes that a synchronised joint call is built on, read from YAML.

A programme file lists the programmes each region already runs; a joint call aligns them so that
a transregional consortium applies once and each region funds its own participants. The file
says whether it is synthetic (an example) or sourced; outputs carry that mark.

    format: s3stresstest-programmes/1
    synthetic: true            # or: source: <where the facts come from>
    programmes:
      - id: at32-innovation
        region: AT32
        name: ...
        topics: [ecosystem:digital, nace:C26]
        budget_eur: 1500000
        funding_rate: 0.5
        max_grant_eur: 200000
        earliest_open: 2027-02-01
        latest_close: 2027-09-30
        min_open_days: 60
        evaluation_days: 90
        blackout: [[2027-07-15, 2027-08-31]]
        eligible_beneficiaries: [SME, research organisation]   # optional
        languages: [de, en]                                     # optional
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from ..errors import InputError, Problem

FORMAT = "s3stresstest-programmes/1"


class Programme(BaseModel):
    """One regional funding programme; dates are calendar days, blackouts inclusive."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(min_length=1)
    region: str = Field(min_length=1)
    name: str = Field(min_length=1)
    topics: tuple[str, ...] = Field(min_length=1)
    budget_eur: float = Field(ge=0)
    funding_rate: float = Field(gt=0, le=1)
    max_grant_eur: float = Field(gt=0)
    earliest_open: dt.date
    latest_close: dt.date
    min_open_days: int = Field(ge=0)
    evaluation_days: int = Field(ge=0)
    blackout: tuple[tuple[dt.date, dt.date], ...] = ()
    eligible_beneficiaries: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()

    @field_validator("id", "region", "name")
    @classmethod
    def _strip(cls, v: str) -> str:
        v = v.strip()
        if not v:
            raise ValueError("must not be empty")
        return v

    @field_validator("blackout")
    @classmethod
    def _ordered(cls, v: tuple[tuple[dt.date, dt.date], ...]) -> tuple[tuple[dt.date, dt.date], ...]:
        for start, end in v:
            if end < start:
                raise ValueError(f"blackout [{start}, {end}] ends before it starts")
        return v

    @model_validator(mode="after")
    def _window(self) -> Programme:
        if self.latest_close < self.earliest_open:
            raise ValueError(f"latest_close {self.latest_close} is before earliest_open {self.earliest_open}")
        return self


@dataclass(frozen=True)
class Programmes:
    """The programmes of one file and what the file says about its facts."""

    programmes: tuple[Programme, ...]
    synthetic: bool
    source: str = ""
    path: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def __iter__(self):
        return iter(self.programmes)

    def __len__(self) -> int:
        return len(self.programmes)

    def by_id(self) -> dict[str, Programme]:
        return {p.id: p for p in self.programmes}


def _where(loc: tuple[Any, ...]) -> str:
    return ".".join(str(x) for x in loc)


def programmes_from_data(data: Any, source: str = "programmes") -> Programmes:
    """Validate parsed YAML; every problem is named by programme (id or position) and field."""
    if not isinstance(data, dict):
        raise InputError("a programmes file is a mapping with 'programmes' (a list)", source=source)
    problems: list[Problem] = []
    fmt = data.get("format", FORMAT)
    if fmt != FORMAT:
        problems.append(Problem(f"format must be '{FORMAT}', got {fmt!r}", field="format", source=source))
    synthetic = data.get("synthetic", False)
    where_from = str(data.get("source") or "").strip()
    if not isinstance(synthetic, bool):
        problems.append(Problem("synthetic must be true or false", field="synthetic", source=source))
        synthetic = False
    if not synthetic and not where_from:
        problems.append(
            Problem(
                "say where the facts come from ('source: ...') or mark the file 'synthetic: true'",
                field="source",
                source=source,
            )
        )
    raw = data.get("programmes")
    if not isinstance(raw, list) or not raw:
        problems.append(Problem("'programmes' must be a non-empty list", field="programmes", source=source))
        raise InputError(problems)
    out: list[Programme] = []
    seen: dict[str, int] = {}
    for i, item in enumerate(raw, start=1):
        name = item.get("id") if isinstance(item, dict) else None
        label = f"programme {i}" + (f" ({name})" if name else "")
        if isinstance(name, str) and name.strip() in seen:
            problems.append(Problem(f"{label}, field id: also used by programme {seen[name.strip()]}", source=source))
        elif isinstance(name, str):
            seen[name.strip()] = i
        try:
            out.append(Programme.model_validate(item))
        except ValidationError as exc:
            for e in exc.errors():
                where = _where(e["loc"])
                problems.append(Problem(f"{label}{', field ' + where if where else ''}: {e['msg']}", source=source))
    if problems:
        raise InputError(problems)
    extra = {k: v for k, v in data.items() if k not in ("format", "synthetic", "source", "programmes")}
    return Programmes(tuple(out), synthetic=synthetic, source=where_from, path=source, extra=extra)


def load_programmes(path: str | Path) -> Programmes:
    """Read and validate a programmes YAML file (InputError naming every problem)."""
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(f"cannot read the programmes file: {exc.strerror}", source=str(path)) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        raise InputError(
            Problem(f"not valid YAML: {getattr(exc, 'problem', exc)}", line=line, source=path.name)
        ) from None
    return programmes_from_data(data, source=path.name)


def example_programmes_path() -> Path:
    """The built-in synthetic example (a few invented programmes for the demo regions)."""
    return Path(__file__).resolve().parent / "data" / "example_programmes.yaml"
