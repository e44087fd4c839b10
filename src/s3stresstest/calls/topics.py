"""Topic codes of calls and programmes, on the taxonomies of the alignment (`axis:code`).

A programme's topic covers a call's topic when they are the same code, or one is an ancestor of
the other in the taxonomy's hierarchy (a programme for NACE section C funds a call on C26; a
programme for C26 can take part in a call on C). Codes may be written without the axis when only
one taxonomy knows them.
"""

from __future__ import annotations

from ..alignment.taxonomy import Taxonomy
from ..errors import InputError, Problem


def resolve(code: str, taxonomies: dict[str, Taxonomy]) -> tuple[str, str]:
    """(axis, canonical code) of `code`; an unknown or ambiguous code is an InputError."""
    text = str(code).strip()
    axis, sep, rest = text.partition(":")
    if sep:
        tax = taxonomies.get(axis.strip().lower())
        if tax is None:
            raise InputError(f"unknown taxonomy '{axis}' in topic '{text}'; use one of {', '.join(taxonomies)}")
        canon = tax.canonical(rest)
        if canon is None:
            raise InputError(tax.unknown_message(rest.strip()))
        return axis.strip().lower(), canon
    hits = [(a, t.canonical(text)) for a, t in taxonomies.items() if t.canonical(text) is not None]
    if not hits:
        raise InputError(f"unknown topic '{text}': write it as axis:code with an axis of {', '.join(taxonomies)}")
    if len(hits) > 1:
        axes = ", ".join(f"{a}:{c}" for a, c in hits)
        raise InputError(f"topic '{text}' is a code of several taxonomies; write one of {axes}")
    axis, canon = hits[0]
    assert canon is not None
    return axis, canon


def label(topic: tuple[str, str], taxonomies: dict[str, Taxonomy]) -> str:
    axis, code = topic
    return f"{axis}:{code}"


def title(topic: tuple[str, str], taxonomies: dict[str, Taxonomy]) -> str:
    axis, code = topic
    return taxonomies[axis].title(code)


def covers(programme_topic: tuple[str, str], topic: tuple[str, str], taxonomies: dict[str, Taxonomy]) -> bool:
    if programme_topic[0] != topic[0]:
        return False
    if programme_topic[1] == topic[1]:
        return True
    tax = taxonomies[topic[0]]
    return programme_topic[1] in tax.ancestors(topic[1]) or topic[1] in tax.ancestors(programme_topic[1])


def check_programme_topics(programmes, taxonomies: dict[str, Taxonomy], source: str = "") -> None:
    """Every topic of every programme must be a known code (all problems at once)."""
    problems = []
    for p in programmes:
        for t in p.topics:
            try:
                resolve(t, taxonomies)
            except InputError as exc:
                problems += [
                    Problem(f"programme {p.id}: {q.message}", field="topics", source=source or None)
                    for q in exc.problems
                ]
    if problems:
        raise InputError(problems)
