"""Where the message catalogues live, which source files feed each domain, and compiling.

`.po` files are the source (committed; translators edit them with Poedit, Weblate or any
gettext tool). `.mo` files are compiled from them by `make install` / `s3stresstest i18n
compile` and are not committed; when a `.mo` file is missing or older than its `.po`, the
catalogue is read from the `.po` directly, so an edited translation never goes stale.
"""

from __future__ import annotations

import gettext
import io
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
PACKAGE_DIR = LOCALE_DIR.parent

# domain -> source files (globs relative to the package) whose `_()` / `ngettext()` texts
# it holds. Each file belongs to exactly one domain (a test checks it).
DOMAINS: dict[str, tuple[str, ...]] = {
    "web": ("web/**/*.py", "web/templates/**/*.html"),
    "report": (
        "report/__init__.py",
        "report/common.py",
        "report/charts*.py",
        "report/svg.py",
        "report/evidence.py",
        "report/maps.py",
        "report/palette.py",
        "report/render.py",
        "report/inputs.py",
        "report/indicator_names.py",
        "report/topic_names.py",
        "report/scales.py",
        "report/templates/base.html.j2",
        "report/templates/index.html.j2",
        "formatting.py",
        "run/reasons.py",
    ),
    "regional": ("report/regional.py", "report/alignment_notes.py", "report/templates/regional.html.j2"),
    "synthesis": (
        "report/synthesis.py",
        "report/memo.py",
        "report/templates/synthesis.html.j2",
        "report/templates/memo.html.j2",
    ),
    "findings": ("findings.py", "run/summary.py"),
    "recommend": ("recommend/**/*.py",),
    # from findings to action: cooperation topics, action plans, joint calls, pilot services
    "action": ("calls/**/*.py", "cooperation/**/*.py", "actionplan/**/*.py", "pilots/**/*.py"),
}


def po_path(language: str, domain: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{domain}.po"


def load_catalogue(language: str, domain: str) -> gettext.GNUTranslations | None:
    """The compiled catalogue of one domain, or None when the language has none."""
    po = po_path(language, domain)
    mo = po.with_suffix(".mo")
    if mo.exists() and (not po.exists() or mo.stat().st_mtime >= po.stat().st_mtime):
        with mo.open("rb") as f:
            return gettext.GNUTranslations(f)
    if not po.exists():
        return None
    with po.open("rb") as f:
        catalogue = read_po(f, locale=language, domain=domain)
    buffer = io.BytesIO()
    write_mo(buffer, catalogue, use_fuzzy=False)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


def compile_catalogues(locale_dir: Path = LOCALE_DIR) -> list[Path]:
    """Compile every `.po` under `locale_dir` into its `.mo` (fuzzy entries left out)."""
    written = []
    for po in sorted(locale_dir.glob("*/LC_MESSAGES/*.po")):
        with po.open("rb") as f:
            catalogue = read_po(f, locale=po.parent.parent.name, domain=po.stem)
        mo = po.with_suffix(".mo")
        with mo.open("wb") as f:
            write_mo(f, catalogue, use_fuzzy=False)
        written.append(mo)
    return written


def domain_files(domain: str) -> list[Path]:
    """The source files of a domain, for extraction."""
    files: set[Path] = set()
    for pattern in DOMAINS[domain]:
        files.update(p for p in PACKAGE_DIR.glob(pattern) if p.is_file())
    return sorted(files)
