"""One synergy subject, several classifications: collapse a territory's synergy topics.

The alignment step codes every priority area on several axes (NACE, NABS, industrial
ecosystems, priority groups), so one shared subject, e.g. agri-food, comes out as several
synergy topics. A recommendation that lists them separately counts and names one subject
several times. `collapse_topics` keeps, of the topics that belong to one subject
(``data/topic_subjects.yaml``) and join the same territories, the strongest one, and lists the
others under its ``same_as``; topics without a subject merge likewise when their titles are the same
("Health" on three axes). Topics with other partners stay apart.
The alignment outputs themselves are not changed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from importlib.resources import files

import yaml


@cache
def topic_subjects() -> tuple[dict[str, str], list[tuple[str, frozenset[str]]]]:
    """(axis:code -> subject, [(subject, title words)] in file order), from the data file."""
    raw = (files("s3stresstest.recommend") / "data" / "topic_subjects.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(raw) or {}
    codes: dict[str, str] = {}
    words: list[tuple[str, frozenset[str]]] = []
    for subject, spec in (data.get("subjects") or {}).items():
        for c in spec.get("codes") or []:
            codes.setdefault(str(c).lower(), str(subject))
        words.append((str(subject), frozenset(str(w).lower() for w in spec.get("words") or [])))
    return codes, words


def subject_of(axis: str, code: str, title: str | None) -> str | None:
    """The subject of a topic: by its axis:code, else by a whole word of its title; None if neither."""
    codes, words = topic_subjects()
    hit = codes.get(f"{axis}:{code}".lower())
    if hit:
        return hit
    tokens = set(re.findall(r"[a-z]+", (title or "").lower()))
    return next((s for s, ws in words if tokens & ws), None)


def collapse_topics(topics: Iterable[dict]) -> list[dict]:
    """The topics, strongest first as given, with those of one subject and the same partners merged
    into the first (strongest) of them; the merged ones are listed under its ``same_as``."""
    out: list[dict] = []
    host: dict[tuple[str, frozenset[str]], dict] = {}
    for t in topics:
        subject = subject_of(str(t.get("axis", "")), str(t.get("code", "")), t.get("title"))
        if subject is None and str(t.get("title") or "").strip():
            subject = "title:" + " ".join(str(t["title"]).casefold().split())
        key = (subject or "", frozenset(str(p) for p in t.get("partners") or []))
        if subject is None or key not in host:
            t = dict(t)
            if subject is not None:
                host[key] = t
            out.append(t)
            continue
        host[key].setdefault("same_as", []).append(
            {"axis": t.get("axis"), "code": t.get("code"), "title": t.get("title")}
        )
    return out
