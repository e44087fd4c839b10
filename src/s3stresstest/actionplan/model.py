"""A joint cluster action plan as data: action lines, actions with owners, timeline, KPIs, budget.

The plan is a YAML file that the partners edit together (`starter_plan` writes a first one from
the cooperation topics, with every unknown left as a marked gap). Validation names the action
and field of every problem; a budget that is not set stays "not set", never 0.

    format: s3stresstest-action-plan/1
    title: Joint cluster action plan
    status: draft               # or: agreed (then `source:` says who agreed it and when)
    synthetic: false            # true for an invented example
    territories: [AT32, ITC1, SI]
    start: 2027-01
    end: 2029-12
    lines: [...]                # optional: replaces the default action lines
    actions:
      - id: A1
        line: cooperation
        title: Cross-border matchmaking on health technologies
        topic: ecosystem:health
        owner: Cluster organisation X
        partners: [AT32, SI]
        start: 2027-03
        end: 2028-06
        budget_eur: 120000       # optional
        kpis:
          - {indicator: Companies taking part, target: 40, unit: companies}

The partners' texts (the plan's title; an action's title, owner and description; a KPI's
indicator and unit) are one text for every language, or one per language with English required:
`title: {en: Joint call on health, de: Gemeinsame Ausschreibung zu Gesundheit}`. A document in
a language without its own text shows the English one. The gap marker `GAP` ("[to be agreed by
the partners]") is read as a gap in any of the five languages and shown in the document's.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from ..errors import InputError, Problem
from ..i18n import LANGUAGES, N_, translator

FORMAT = "s3stresstest-action-plan/1"
MONTH = re.compile(r"^(\d{4})-(\d{2})$")
#: what the partners still have to agree (an owner of a draft); in brackets in every language
GAP = N_("[to be agreed by the partners]")
DEFAULT_TITLE = N_("Joint cluster action plan")


def _texts(v: Any) -> dict[str, str]:
    """A text typed by the partners -> {language: text}: a string stands for every language (kept
    under en, the fallback); a mapping needs English and knows only the five languages."""
    if isinstance(v, str):
        return {"en": v}
    if not isinstance(v, dict):
        raise ValueError(f"must be a text or a mapping of languages to texts ({', '.join(LANGUAGES)}), got {v!r}")
    unknown = [str(k) for k in v if k not in LANGUAGES]
    if unknown:
        raise ValueError(f"unknown language {', '.join(unknown)}; use {', '.join(LANGUAGES)}")
    bad = [str(k) for k, x in v.items() if x is not None and not isinstance(x, str)]
    if bad:
        raise ValueError(f"the text in {', '.join(bad)} must be a text")
    out = {str(k): x for k, x in v.items() if x is not None and x.strip()}  # a blank language: English shown
    if "en" not in out:
        raise ValueError("needs at least an English text (en)")
    return out


def _required(v: dict[str, str]) -> dict[str, str]:
    if not v.get("en", "").strip():
        raise ValueError("must not be empty")
    return v


#: a text of the partners, one for every language or one per language (English required)
Text = Annotated[dict[str, str], BeforeValidator(_texts)]
RequiredText = Annotated[dict[str, str], BeforeValidator(_texts), AfterValidator(_required)]


def text_in(texts: dict[str, str], language: str) -> str:
    """The text in `language`, else the English one; a gap marker in any language as the gap marker in
    `language` (a draft's English "[to be agreed by the partners]" reads as a gap in German too)."""
    text = texts.get(language) or texts.get("en", "")
    return translator(language)._(GAP) if is_gap(text) else text


def is_gap(text: str) -> bool:
    """Whether `text` is the gap marker in any of the five languages (a plan drafted in one
    language and built in another still shows its gaps as gaps)."""
    return text.strip() in _gap_markers()


@functools.cache
def _gap_markers() -> frozenset[str]:
    return frozenset(translator(x)._(GAP) for x in LANGUAGES)


def _month(v: Any) -> dt.date:
    """'2027-03' (or a date) -> the first day of that month."""
    if isinstance(v, dt.date):
        return v.replace(day=1)
    m = MONTH.match(str(v).strip())
    if not m or not 1 <= int(m.group(2)) <= 12:
        raise ValueError(f"must be a month written YYYY-MM, got {v!r}")
    return dt.date(int(m.group(1)), int(m.group(2)), 1)


class Line(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str = Field(min_length=1)
    title: dict[str, str]

    @field_validator("title")
    @classmethod
    def _english(cls, v: dict[str, str]) -> dict[str, str]:
        if not str(v.get("en", "")).strip():
            raise ValueError("needs at least an English title (en)")
        unknown = [k for k in v if k not in LANGUAGES]
        if unknown:
            raise ValueError(f"unknown language {', '.join(unknown)}; use {', '.join(LANGUAGES)}")
        return v

    def title_in(self, language: str) -> str:
        return self.title.get(language) or self.title["en"]


class Kpi(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    indicator: RequiredText
    target: float | None = None
    unit: Text = Field(default_factory=dict)
    baseline: float | None = None


FUNDING_LINE = "funding"  # the action line of synchronised funding and joint calls


class Action(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str = Field(min_length=1)
    line: str = Field(min_length=1)
    title: RequiredText
    topic: str = ""
    owner: RequiredText
    partners: tuple[str, ...] = ()
    start: dt.date
    end: dt.date
    budget_eur: float | None = Field(default=None, ge=0)
    kpis: tuple[Kpi, ...] = ()
    description: Text = Field(default_factory=dict)

    _months = field_validator("start", "end", mode="before")(_month)

    @model_validator(mode="after")
    def _order(self) -> Action:
        if self.end < self.start:
            raise ValueError(f"end {self.end:%Y-%m} is before start {self.start:%Y-%m}")
        return self

    @property
    def months(self) -> int:
        return (self.end.year - self.start.year) * 12 + self.end.month - self.start.month + 1


class ActionPlan(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    format: str = FORMAT
    title: Text = Field(default_factory=dict)  # none: "Joint cluster action plan" in each language
    synthetic: bool = False
    status: str = Field(default="draft", pattern="^(draft|agreed)$")
    source: str = ""
    territories: tuple[str, ...] = ()
    start: dt.date
    end: dt.date
    lines: tuple[Line, ...] = ()
    actions: tuple[Action, ...] = Field(min_length=1)

    _months = field_validator("start", "end", mode="before")(_month)

    def title_in(self, language: str) -> str:
        return text_in(self.title, language) or translator(language)._(DEFAULT_TITLE)

    def line(self, line_id: str) -> Line:
        return next(x for x in self.lines if x.id == line_id)

    def joint_calls(self) -> list[tuple[str, str, tuple[str, ...], dt.date]]:
        """(action id, topic, partners, start) of every action of the `funding` line with a topic: the joint
        calls the plan asks for, so that `calls plan --plan` plans these and no others, none opening before
        its action starts (a call follows the matchmaking the plan puts before it)."""
        return [(a.id, a.topic, a.partners, a.start) for a in self.actions if a.line == FUNDING_LINE and a.topic]


def default_lines_path() -> Path:
    return Path(__file__).resolve().parent / "data" / "action_lines.yaml"


def default_lines() -> tuple[Line, ...]:
    data = yaml.safe_load(default_lines_path().read_text(encoding="utf-8"))
    return tuple(Line.model_validate(x) for x in data["lines"])


def _problem(e: dict, data: dict, source: str) -> Problem:
    loc = list(e["loc"])
    where = ".".join(str(x) for x in loc)
    if len(loc) >= 2 and loc[0] == "actions" and isinstance(loc[1], int):
        actions = data.get("actions") or []
        raw = actions[loc[1]] if loc[1] < len(actions) else {}
        aid = raw.get("id") if isinstance(raw, dict) else None
        field = ".".join(str(x) for x in loc[2:])
        where = f"action {loc[1] + 1}" + (f" ({aid})" if aid else "") + (f", field {field}" if field else "")
    return Problem(f"{where}: {e['msg']}" if where else e["msg"], source=source)


def plan_from_data(data: Any, source: str = "action plan") -> ActionPlan:
    """Validate a parsed plan; every problem names its action and field; lines default to the built-in ones."""
    if not isinstance(data, dict):
        raise InputError("an action plan file is a mapping with 'actions' (a list)", source=source)
    if data.get("format", FORMAT) != FORMAT:
        raise InputError(f"format must be '{FORMAT}'", source=source)
    try:
        plan = ActionPlan.model_validate(
            {**data, "lines": data.get("lines") or [x.model_dump() for x in default_lines()]}
        )
    except ValidationError as exc:
        errors: list[dict[str, Any]] = [dict(e) for e in exc.errors()]
        if any(len(e["loc"]) > 1 and e["loc"][0] == "actions" for e in errors):  # no "empty list" echo
            errors = [e for e in errors if not (tuple(e["loc"]) == ("actions",) and e["type"] == "too_short")]
        raise InputError([_problem(e, data, source) for e in errors]) from None
    problems = []
    if plan.status == "agreed" and not plan.source.strip():
        problems.append(Problem("an agreed plan says who agreed it and when ('source: ...')", source=source))
    lines = {x.id for x in plan.lines}
    seen: set[str] = set()
    for k, a in enumerate(plan.actions, start=1):
        label = f"action {k} ({a.id})"
        if a.id in seen:
            problems.append(Problem(f"{label}, field id: used by an earlier action", source=source))
        seen.add(a.id)
        if a.line not in lines:
            problems.append(
                Problem(
                    f"{label}, field line: unknown line '{a.line}'; the lines are {', '.join(lines)}", source=source
                )
            )
        outside = [p for p in a.partners if plan.territories and p not in plan.territories]
        if outside:
            problems.append(
                Problem(f"{label}, field partners: not territories of the plan: {', '.join(outside)}", source=source)
            )
        if a.start < plan.start or a.end > plan.end:
            runs = f"runs {a.start:%Y-%m} to {a.end:%Y-%m}, outside the plan's {plan.start:%Y-%m} to {plan.end:%Y-%m}"
            problems.append(Problem(f"{label}: {runs}", source=source))
    if problems:
        raise InputError(problems)
    return plan


def load_plan(path: str | Path) -> ActionPlan:
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(f"cannot read the action plan: {exc.strerror}", source=str(path)) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise InputError(
            Problem(
                f"not valid YAML: {getattr(exc, 'problem', exc)}",
                line=mark.line + 1 if mark else None,
                source=path.name,
            )
        ) from None
    return plan_from_data(data, source=path.name)
