"""The statistics' names and units read in the report's language."""

from __future__ import annotations

from s3stresstest.regions.indicators import CATALOGUE
from s3stresstest.report.indicator_names import TEXTS, indicator_label, indicator_text


def test_every_catalogue_name_and_unit_can_be_translated():
    missing = {t for i in CATALOGUE for t in (i.name, i.unit)} - set(TEXTS)
    assert not missing, f"add to report/indicator_names.py: {sorted(missing)}"


def test_names_and_units_in_other_languages():
    assert indicator_text("Population density", "de") == "Bevölkerungsdichte"
    assert indicator_text("% of GDP", "fr") == "% du PIB"
    assert indicator_text("not a catalogue text", "it") == "not a catalogue text"
    assert indicator_label("gdp_eur_hab", "sl") == "BDP na prebivalca (EUR na prebivalca)"
    assert indicator_label("gdp_eur_hab") == "GDP per inhabitant (EUR per inhabitant)"
    for language in ("de", "fr", "it", "sl"):
        for text in TEXTS:
            if text != "km²":
                assert indicator_text(text, language) != text, (language, text)


def test_the_source_of_a_statistic_is_introduced_in_the_reports_language():
    from s3stresstest.i18n import translator
    from s3stresstest.report.regional import _source

    assert _source("Source: Eurostat (reg_area3)", translator("de")) == "Quelle: Eurostat (reg_area3)"
    assert _source("Source: Eurostat (reg_area3)", translator("en")) == "Source: Eurostat (reg_area3)"
    assert _source("derived", translator("fr")) == "derived"
