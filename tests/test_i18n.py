"""The translation machinery: locale formats, catalogue completeness, compiling."""

from __future__ import annotations

import datetime as dt
import gettext

import pytest
from hypothesis import given
from hypothesis import strategies as st

from s3stresstest.i18n import DOMAINS, LANGUAGES, Translator, check_language, compile_catalogues, translator
from s3stresstest.i18n.catalogues import LOCALE_DIR, domain_files
from s3stresstest.i18n.tools import problems, template


def test_percent_and_numbers_follow_the_locale():
    assert translator("en").percent(0.725, 1) == "72.5%"
    assert translator("de").percent(0.725, 1) == "72,5\xa0%"
    assert translator("fr").percent(0.725, 1) == "72,5\xa0%"
    assert translator("it").percent(0.725, 1) == "72,5%"
    assert translator("de").integer(1234567) == "1.234.567"
    assert translator("fr").integer(1234567) == "1\u202f234\u202f567"
    assert translator("sl").number(-3.5, 1) == "\u22123,5"
    assert translator("de").interval(62, 55.4, 70) == "62 [55–70]"
    assert translator("de").number(float("nan")) == "–"
    assert translator("it").date(dt.date(2026, 12, 6)) == "6 dicembre 2026"
    assert translator("en").date(dt.date(2026, 12, 6)) == "6 December 2026"  # European order, not US


@given(st.floats(min_value=-1e9, max_value=1e9, allow_nan=False), st.integers(0, 3), st.sampled_from(LANGUAGES))
def test_every_language_shows_the_same_digits(value, digits, language):
    english = translator("en").number(value, digits)
    local = translator(language).number(value, digits)
    t = translator(language)
    back = local.replace(t._minus, "-").replace(t._decimal, ".")
    assert back == english


def test_unknown_language_is_refused_with_the_supported_ones():
    with pytest.raises(ValueError, match="en, de, fr, it, sl"):
        check_language("es")
    with pytest.raises(ValueError):
        Translator("xx")


def test_every_source_file_belongs_to_at_most_one_domain():
    seen: dict[str, str] = {}
    for domain in DOMAINS:
        for path in domain_files(domain):
            assert str(path) not in seen, f"{path} is in {seen.get(str(path))} and {domain}"
            seen[str(path)] = domain


def test_catalogues_are_complete_in_every_language():
    """No text the code marks for translation is missing, empty, fuzzy or has other fields."""
    found = problems()
    listing = "\n".join(f"{p.file}: {p.problem}: {p.message[:80]!r}" for p in found[:40])
    assert not found, f"{len(found)} catalogue problems (python -m s3stresstest.i18n status):\n{listing}"


def test_catalogues_compile_and_translate(tmp_path):
    import shutil

    shutil.copytree(LOCALE_DIR, tmp_path / "locale")
    written = compile_catalogues(tmp_path / "locale")
    assert written, "no catalogue to compile"
    for mo in written:
        with mo.open("rb") as f:
            catalogue = gettext.GNUTranslations(f)
        assert catalogue.info()["language"] in LANGUAGES


def test_extraction_finds_marked_texts_in_every_domain():
    for domain in DOMAINS:
        assert len(template(domain)) > 0, f"domain {domain} marks no text for translation"


def test_no_translation_call_hides_inside_an_f_string():
    """`f"{t._('Contents')}"` runs but is never extracted (Babel skips f-strings), so the text would
    stay English in every language without the completeness test noticing."""
    import io
    import re
    import tokenize

    call = re.compile(r"(?<![\w.])(?:\w+\.)?(?:_|gettext|ngettext|pgettext)\(")
    found = []
    for domain in DOMAINS:
        for path in domain_files(domain):
            if path.suffix != ".py":
                continue
            tokens = tokenize.generate_tokens(io.StringIO(path.read_text(encoding="utf-8")).readline)
            for tok in tokens:
                prefix = re.match(r"[A-Za-z]*", tok.string)
                is_f = tok.type == tokenize.STRING and prefix is not None and "f" in prefix.group().lower()
                if (is_f or tok.type == getattr(tokenize, "FSTRING_MIDDLE", -1)) and call.search(tok.string):
                    found.append(f"{path.name}:{tok.start[0]}")
    assert not found, "translation calls inside f-strings (not extractable): " + ", ".join(found)
