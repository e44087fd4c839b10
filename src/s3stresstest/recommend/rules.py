"""Recommendation rules as data: the built-in YAML file, plus the user's own.

    rules = load_rules()                                   # built-in rules
    rules = load_rules("my_rules.yaml")                    # built-in, plus or replaced by mine (same id)
    rules = load_rules("my_rules.yaml", replace=True)      # mine only

A rules file is YAML::

    format: s3stresstest-rules/1
    disable: [b6-far-from-frontrunners]      # optional: switch built-in rules off by id
    rules:
    - id: b3-no-mgmt-funding
      title: No funding for cluster management
      blocks: [b3]
      topics: [cluster_support_schemes]
      trigger: {item_share: {item: b3_mgmt_funding, choices: ['no'], min_share: 0.5}}
      recommendation: ...
      rationale: ...
      priority: 1                             # 1 high, 2 medium, 3 low
      evidence: [block_scores, item_distribution:b3_mgmt_funding, open_answers:open_obstacles]
      peer_group: own                         # optional: whose frontrunners to show (own, any, none, a group)
      translations:                           # the texts in the other report languages (de, fr, it, sl)
        de: {title: ..., recommendation: ..., rationale: ...}

`translations` gives, per language, every text field of the rule (title, recommendation,
rationale) with the same `{fields}` as the English one. It is optional in a user's rules
file: a language it lacks shows the English texts, and the run record lists the rule under
`untranslated`; the built-in rules have all four languages.

The trigger vocabulary is described in `s3stresstest.recommend.triggers`. Every problem
of a file is reported at once, each naming the file, the rule id and the field.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path
from typing import TypeGuard

import yaml

from ..errors import InputError, Problem
from .triggers import AnyTrigger, parse_trigger

FORMAT = "s3stresstest-rules/1"
TOPICS = ("cluster_support_schemes", "monitoring", "alignment", "edp", "portfolio", "impact", "participation")
EVIDENCE_KINDS = ("block_scores", "benchmarks", "group_breakdown", "alignment", "synergies")
EVIDENCE_ITEM_KINDS = ("item_distribution", "open_answers")
RULE_FIELDS = (
    "id",
    "title",
    "blocks",
    "topics",
    "trigger",
    "recommendation",
    "rationale",
    "priority",
    "evidence",
    "peer_group",
    "translations",
)
TEXT_FIELDS = ("title", "recommendation", "rationale")
TRANSLATED_LANGUAGES = ("de", "fr", "it", "sl")
REQUIRED_FIELDS = ("id", "title", "trigger", "recommendation", "rationale", "priority")
FILE_KEYS = ("format", "version", "description", "disable", "rules")
PEER_GROUP_HELP = "a peer-group name, 'own' (the territory's own groups), 'any' or 'none'"


def builtin_rules_path() -> Path:
    return Path(str(files("s3stresstest.recommend") / "data" / "rules.yaml"))


@dataclass(frozen=True)
class Rule:
    """One validated rule; `trigger` is a parsed trigger (see `triggers`)."""

    id: str
    title: str
    blocks: tuple[str, ...]
    topics: tuple[str, ...]
    trigger: AnyTrigger
    recommendation: str
    rationale: str
    priority: int
    evidence: tuple[str, ...] = ()
    peer_group: str = "own"
    source: str = ""
    # language -> text field -> text (the languages other than English; see `text`)
    translations: Mapping[str, Mapping[str, str]] = field(default_factory=dict, hash=False)

    def text(self, name: str, language: str = "en") -> str:
        """A text field (title, recommendation, rationale) in a language; English when the rule lacks it."""
        return (self.translations.get(language) or {}).get(name) or getattr(self, name)

    def untranslated(self) -> list[str]:
        """The report languages whose texts this rule lacks (they show English)."""
        return [lang for lang in TRANSLATED_LANGUAGES if lang not in self.translations]

    @property
    def open_items(self) -> list[str]:
        return [e.split(":", 1)[1] for e in self.evidence if e.startswith("open_answers:")]

    @property
    def distribution_items(self) -> list[str]:
        return [e.split(":", 1)[1] for e in self.evidence if e.startswith("item_distribution:")]

    def referenced_items(self) -> set[str]:
        return set(self.trigger.items()) | set(self.open_items) | set(self.distribution_items)

    def referenced_blocks(self) -> set[str]:
        return set(self.blocks) | set(self.trigger.blocks())

    def spec(self) -> dict:
        """The rule as plain data (what its file says, normalised)."""
        return {
            "id": self.id,
            "title": self.title,
            "blocks": list(self.blocks),
            "topics": list(self.topics),
            "trigger": self.trigger.describe(),
            "recommendation": self.recommendation,
            "rationale": self.rationale,
            "priority": self.priority,
            "evidence": list(self.evidence),
            "peer_group": self.peer_group,
            **({"translations": {k: dict(v) for k, v in self.translations.items()}} if self.translations else {}),
        }


@dataclass
class RuleSet:
    """The rules in effect, with where they came from (for the record)."""

    rules: list[Rule]
    sources: list[dict] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)
    disabled: list[str] = field(default_factory=list)

    def __iter__(self) -> Iterator[Rule]:
        return iter(self.rules)

    def __len__(self) -> int:
        return len(self.rules)

    def __getitem__(self, rule_id: str) -> Rule:
        for r in self.rules:
            if r.id == rule_id:
                return r
        raise KeyError(rule_id)

    @property
    def ids(self) -> list[str]:
        return [r.id for r in self.rules]


# -- validation ---------------------------------------------------------------------------------


def _text(value: object) -> TypeGuard[str]:
    return isinstance(value, str) and value.strip() != ""


def _str_list(value) -> bool:
    return isinstance(value, list) and all(_text(v) for v in value)


def parse_rule(raw, position: int, source: str) -> tuple[Rule | None, list[Problem]]:
    """One rule from its mapping; every problem names the rule id and the field."""
    rid = raw.get("id") if isinstance(raw, dict) else None
    label = f"rule '{rid}'" if _text(rid) else f"rule #{position} (no id)"

    def bad(fld: str, msg: str) -> Problem:
        return Problem(f"{label}, field '{fld}': {msg}", source=source)

    if not isinstance(raw, dict):
        return None, [Problem(f"{label}: a rule must be a mapping of fields", source=source)]
    problems = []
    for key in raw:
        if key not in RULE_FIELDS:
            problems.append(bad(str(key), f"unknown field (known: {', '.join(RULE_FIELDS)})"))
    for key in REQUIRED_FIELDS:
        if key not in raw:
            problems.append(bad(key, "missing"))
    if "id" in raw and not (_text(rid) and all(c.isalnum() or c in "-_." for c in rid)):
        problems.append(bad("id", "must be a non-empty name of letters, digits, '-', '_' or '.'"))
    for key in ("title", "recommendation", "rationale"):
        if key in raw and not _text(raw[key]):
            problems.append(bad(key, "must be non-empty text"))
    blocks, topics, evidence = raw.get("blocks", []), raw.get("topics", []), raw.get("evidence", [])
    if not _str_list(blocks):
        problems.append(bad("blocks", "must be a list of block names"))
        blocks = []
    if not _str_list(topics):
        problems.append(bad("topics", "must be a list of topics"))
        topics = []
    for t in topics:
        if t not in TOPICS:
            problems.append(bad("topics", f"unknown topic '{t}' (known: {', '.join(TOPICS)})"))
    if not blocks and not topics:
        problems.append(bad("blocks", "a rule concerns at least one block or topic"))
    priority = raw.get("priority")
    if "priority" in raw and (isinstance(priority, bool) or priority not in (1, 2, 3)):
        problems.append(bad("priority", f"must be 1 (high), 2 or 3 (low), not {priority!r}"))
    if not _str_list(evidence):
        problems.append(bad("evidence", "must be a list of evidence names"))
        evidence = []
    for e in evidence:
        kind, _, item = e.partition(":")
        if kind in EVIDENCE_ITEM_KINDS and item.strip():
            continue
        if kind in EVIDENCE_KINDS and not item:
            continue
        problems.append(
            bad(
                "evidence",
                f"unknown evidence '{e}' (known: {', '.join(EVIDENCE_KINDS)}, "
                + ", ".join(f"{k}:<item>" for k in EVIDENCE_ITEM_KINDS)
                + ")",
            )
        )
    peer_group = raw.get("peer_group", "own")
    if not _text(peer_group):
        problems.append(bad("peer_group", f"must be {PEER_GROUP_HELP}"))
    translations, tprobs = _translations(raw)
    problems.extend(bad(path, msg) for path, msg in tprobs)
    trigger: AnyTrigger | None = None
    if "trigger" in raw:
        trigger, tprobs = parse_trigger(raw["trigger"])
        problems.extend(bad(path, msg) for path, msg in tprobs)
        if trigger is not None and _str_list(blocks):
            for b in sorted(trigger.blocks() - set(blocks)):
                problems.append(bad("trigger", f"names block '{b}', which is not among the rule's blocks"))
    if problems:
        return None, problems
    # Each was checked above, with a problem when wrong.
    assert isinstance(rid, str) and trigger is not None and isinstance(priority, int)
    return Rule(
        id=rid,
        title=raw["title"].strip(),
        blocks=tuple(blocks),
        topics=tuple(topics),
        trigger=trigger,
        recommendation=" ".join(raw["recommendation"].split()),
        rationale=" ".join(raw["rationale"].split()),
        priority=int(priority),
        evidence=tuple(evidence),
        peer_group=peer_group.strip(),
        source=source,
        translations=translations,
    ), []


def _translations(raw: dict) -> tuple[dict[str, dict[str, str]], list[tuple[str, str]]]:
    """The `translations` of a rule: per language, every text field, with the English `{fields}`."""
    from ..i18n.translator import placeholders

    value = raw.get("translations", {})
    if value is None or value == {}:
        return {}, []
    if not isinstance(value, dict):
        return {}, [("translations", f"must be a mapping of languages ({', '.join(TRANSLATED_LANGUAGES)})")]
    out: dict[str, dict[str, str]] = {}
    problems: list[tuple[str, str]] = []
    for lang, texts in value.items():
        where = f"translations.{lang}"
        if lang not in TRANSLATED_LANGUAGES:
            problems.append((where, f"unknown language (known: {', '.join(TRANSLATED_LANGUAGES)})"))
            continue
        if not isinstance(texts, dict):
            problems.append((where, f"must be a mapping of the text fields {', '.join(TEXT_FIELDS)}"))
            continue
        for key in texts:
            if key not in TEXT_FIELDS:
                problems.append((f"{where}.{key}", f"unknown text field (known: {', '.join(TEXT_FIELDS)})"))
        got = {}
        for key in TEXT_FIELDS:
            text = texts.get(key)
            if not _text(text):
                problems.append((f"{where}.{key}", "missing or empty: a language gives every text field"))
                continue
            english = raw.get(key)
            if _text(english) and placeholders(text) != placeholders(english):
                problems.append(
                    (
                        f"{where}.{key}",
                        f"fields {sorted(placeholders(text))} differ from the English {sorted(placeholders(english))}",
                    )
                )
            got[key] = text.strip() if key == "title" else " ".join(text.split())
        out[lang] = got
    return out, problems


def parse_rules_data(data, source: str) -> tuple[list[Rule], list[str]]:
    """Rules (and ids to disable) from a loaded YAML document: a mapping with `rules`, or a plain list."""
    if isinstance(data, list):
        data = {"rules": data}
    if not isinstance(data, dict):
        raise InputError("a rules file must be a mapping with a 'rules' list (or a list of rules)", source=source)
    problems = [
        Problem(f"unknown top-level key '{k}' (known: {', '.join(FILE_KEYS)})", source=source)
        for k in data
        if k not in FILE_KEYS
    ]
    fmt = data.get("format", FORMAT)
    if fmt != FORMAT:
        problems.append(Problem(f"unknown format '{fmt}' (expected '{FORMAT}')", source=source))
    raw_rules = data.get("rules", [])
    if not isinstance(raw_rules, list):
        raise InputError(problems + [Problem("'rules' must be a list of rules", source=source)])
    disable = data.get("disable", [])
    if not _str_list(disable):
        problems.append(Problem("'disable' must be a list of rule ids", source=source))
        disable = []
    rules, seen = [], set()
    for k, raw in enumerate(raw_rules, start=1):
        rule, p = parse_rule(raw, k, source)
        problems.extend(p)
        if rule is not None:
            if rule.id in seen:
                problems.append(
                    Problem(f"rule '{rule.id}', field 'id': the id is used twice in this file", source=source)
                )
            seen.add(rule.id)
            rules.append(rule)
    if problems:
        raise InputError(problems)
    return rules, list(disable)


def read_rules_file(path: str | Path) -> tuple[list[Rule], list[str], dict]:
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read the rules file: {exc}", source=str(path)) from exc
    try:
        data = yaml.safe_load(raw.decode("utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise InputError(f"not a readable YAML file: {exc}", source=path.name) from exc
    rules, disable = parse_rules_data(data, path.name)
    return rules, disable, {"path": str(path.resolve()), "sha256": hashlib.sha256(raw).hexdigest()}


def check_rules(rules: Iterable[Rule], instrument) -> list[Problem]:
    """Problems of rules that name items or blocks the instrument does not have."""
    blocks = {b.name for b in instrument.blocks}
    out = []
    for r in rules:
        for it in sorted(r.referenced_items()):
            if not instrument.has_item(it):
                out.append(Problem(f"rule '{r.id}': the instrument has no item '{it}'", source=r.source or None))
        for b in sorted(r.referenced_blocks() - blocks):
            out.append(Problem(f"rule '{r.id}': the instrument has no block '{b}'", source=r.source or None))
    return out


def load_rules(path: str | Path | None = None, *, extra=None, replace: bool = False, instrument=None) -> RuleSet:
    """The rules in effect: built-in ones, then `path` (a user rules file), then `extra`.

    A later rule with the id of an earlier one replaces it (in place); new ids are added.
    `replace=True` drops the built-in rules. `extra` is another file path, a list of rule
    mappings, or a mapping like a rules file (for notebooks). A file's `disable` list
    removes rules by id. With `instrument`, the user's rules must name only its items
    and blocks.
    """
    layers: list[tuple[list[Rule], list[str], dict]] = []
    if not replace:
        rules, disable, src = read_rules_file(builtin_rules_path())
        layers.append((rules, disable, {**src, "role": "built-in"}))
    if path is not None:
        rules, disable, src = read_rules_file(path)
        layers.append((rules, disable, {**src, "role": "user"}))
    for k, item in enumerate(_as_list(extra)):
        if isinstance(item, (str, Path)):
            rules, disable, src = read_rules_file(item)
        else:
            data = item if isinstance(item, (Mapping, list)) else None
            if data is None:
                raise InputError(f"extra rules must be a file path, a mapping or a list of rules, not {type(item)}")
            rules, disable = parse_rules_data(_plain(data), f"extra rules #{k + 1}")
            src = {"path": None, "sha256": _digest(_plain(data))}
        layers.append((rules, disable, {**src, "role": "user"}))
    if replace and len(layers) == 0:
        raise InputError("replace=True needs a rules file (or extra rules) to replace the built-in ones")
    merged: dict[str, Rule] = {}
    replaced, disabled, problems = [], [], []
    for rules, disable, src in layers:
        if instrument is not None and src["role"] == "user":
            problems.extend(check_rules(rules, instrument))
        for r in rules:
            if r.id in merged:
                replaced.append(r.id)
            merged[r.id] = r
        for rid in disable:
            if rid not in merged:
                problems.append(
                    Problem(
                        f"'disable' names rule '{rid}', which no earlier rules file defines",
                        source=Path(src["path"]).name if src.get("path") else None,
                    )
                )
            else:
                del merged[rid]
                disabled.append(rid)
    if problems:
        raise InputError(problems)
    if not merged:
        raise InputError("no recommendation rules are left")
    return RuleSet(list(merged.values()), [src for _, _, src in layers], replaced, disabled)


def _as_list(extra) -> list:
    if extra is None:
        return []
    if isinstance(extra, (str, Path, Mapping)):
        return [extra]
    if isinstance(extra, list) and extra and all(isinstance(x, Mapping) for x in extra):
        return [extra]  # one list of rule mappings
    return list(extra)


def _plain(data):
    return json.loads(json.dumps(data, default=str))


def _digest(data) -> str:
    return hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False).encode("utf-8")).hexdigest()


def as_ruleset(rules) -> RuleSet:
    """A RuleSet from None (built-in), a path, a RuleSet or a list of Rule objects."""
    if rules is None:
        return load_rules()
    if isinstance(rules, RuleSet):
        return rules
    if isinstance(rules, (str, Path)):
        return load_rules(rules)
    rules = list(rules)
    if not all(isinstance(r, Rule) for r in rules):
        raise InputError("rules must be a RuleSet, a rules file path or a list of Rule objects")
    return RuleSet(rules, [{"path": None, "sha256": None, "role": "given"}])


def rules_record(rules) -> dict:
    """What a report cites: the rule files with their checksums, and the rules in effect."""
    rs = as_ruleset(rules)
    specs = [r.spec() for r in rs]
    by_block: dict[str, int] = {}
    by_topic: dict[str, int] = {}
    for r in rs:
        for b in r.blocks:
            by_block[b] = by_block.get(b, 0) + 1
        for t in r.topics:
            by_topic[t] = by_topic.get(t, 0) + 1
    return {
        "format": FORMAT,
        "files": rs.sources,
        "rules_sha256": _digest(specs),
        "count": len(rs),
        "ids": rs.ids,
        "replaced": rs.replaced,
        "disabled": rs.disabled,
        "by_block": dict(sorted(by_block.items())),
        "by_topic": dict(sorted(by_topic.items())),
        "by_priority": {str(p): sum(r.priority == p for r in rs) for p in (1, 2, 3)},
    }
