"""Catalogue maintenance: extract texts from the sources, update the `.po` files, compile.

    python -m s3stresstest.i18n extract [DOMAIN ...]   # refresh the .po files from the code
    python -m s3stresstest.i18n status                 # untranslated / fuzzy / stale per file
    python -m s3stresstest.i18n compile                # .po -> .mo (make install does this)

`extract` keeps every existing translation, adds new texts with an empty translation and
drops texts the code no longer uses; translators then fill the empty `msgstr`s.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_file
from babel.messages.pofile import read_po, write_po

from .catalogues import DOMAINS, PACKAGE_DIR, compile_catalogues, domain_files, po_path
from .translator import LANGUAGES, placeholders

KEYWORDS = {
    "_": None,
    "gettext": None,
    "ngettext": (1, 2),
    "pgettext": ((1, "c"), 2),
    "N_": None,
}
JINJA = "jinja2.ext:babel_extract"


def template(domain: str) -> Catalog:
    """Every text the domain's source files mark for translation."""
    catalogue = Catalog(domain=domain, project="S3 StressTest", charset="utf-8")
    for path in domain_files(domain):
        method = "python" if path.suffix == ".py" else JINJA
        options = {"extensions": "jinja2.ext.do"} if method == JINJA else {}
        where = str(path.relative_to(PACKAGE_DIR))
        for lineno, message, comments, context in extract_from_file(
            method, path, keywords=KEYWORDS, comment_tags=("TRANSLATORS:",), options=options
        ):
            catalogue.add(message, None, [(where, lineno)], auto_comments=comments, context=context)
    return catalogue


def read(path: Path, language: str, domain: str) -> Catalog:
    with path.open("rb") as f:
        return read_po(f, locale=language, domain=domain)


def write(path: Path, catalogue: Catalog) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as f:
        write_po(f, catalogue, width=100, include_lineno=False, sort_output=False)


def extract(domains: list[str] | None = None) -> list[Path]:
    """Bring each domain's `.po` files in line with the code (translations kept)."""
    written = []
    for domain in domains or list(DOMAINS):
        pot = template(domain)
        for language in LANGUAGES[1:]:
            path = po_path(language, domain)
            if path.exists():
                catalogue = read(path, language, domain)
                catalogue.update(pot, no_fuzzy_matching=True)
                catalogue.obsolete.clear()
            else:
                catalogue = Catalog(locale=language, domain=domain, project="S3 StressTest")
                catalogue.update(pot, no_fuzzy_matching=True)
            write(path, catalogue)
            written.append(path)
    return written


@dataclass
class Problem:
    file: str
    message: str
    problem: str


def problems(domains: list[str] | None = None) -> list[Problem]:
    """Everything that keeps a catalogue from being complete: a text the code uses but the
    `.po` lacks, an empty or fuzzy translation, or a translation whose `{fields}` differ."""
    found = []
    for domain in domains or list(DOMAINS):
        wanted = {m.id if isinstance(m.id, str) else m.id[0] for m in template(domain) if m.id}
        for language in LANGUAGES[1:]:
            path = po_path(language, domain)
            name = str(path.relative_to(PACKAGE_DIR))
            if not path.exists():
                if wanted:
                    found.append(Problem(name, "", "catalogue missing"))
                continue
            catalogue = read(path, language, domain)
            have = set()
            for m in catalogue:
                if not m.id:
                    continue
                ids = [m.id] if isinstance(m.id, str) else list(m.id)
                strs = [m.string] if isinstance(m.string, str) else [str(x) for x in m.string or ()]
                have.add(ids[0])
                if m.fuzzy:
                    found.append(Problem(name, ids[0], "fuzzy"))
                elif not all(strs):
                    found.append(Problem(name, ids[0], "untranslated"))
                else:
                    expected = set().union(*(placeholders(i) for i in ids))
                    for s in strs:
                        if placeholders(s) - expected or (len(ids) == 1 and placeholders(s) != expected):
                            found.append(
                                Problem(name, ids[0], f"fields {sorted(placeholders(s))} != {sorted(expected)}")
                            )
            for missing in sorted(wanted - have):
                found.append(Problem(name, missing, "not in catalogue (run extract)"))
    return found


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    command = args.pop(0) if args else "status"
    if command == "extract":
        for path in extract(args or None):
            print(path.relative_to(PACKAGE_DIR))
    elif command == "compile":
        print(f"{len(compile_catalogues())} catalogues compiled")
    elif command == "status":
        found = problems(args or None)
        for p in found:
            print(f"{p.file}: {p.problem}: {p.message[:90]!r}")
        print(f"{len(found)} problems")
        sys.exit(1 if found else 0)
    else:
        sys.exit(f"unknown command {command!r}: use extract, status or compile")
