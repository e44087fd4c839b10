"""A name two territories share is shown with its code.

GISCO's NUTS 2021 names the Swiss canton CH022 "Freiburg" (its own French "Fribourg" is not in the source)
and so the German Regierungsbezirk DE13; a reader of the French report, the synthesis or the plan took
the canton for the German region. The sourced name stays, and the outputs add the code.
"""

from __future__ import annotations

import json

import pytest
from report_support import make_results

from s3stresstest.regions.names import AMBIGUOUS_NUTS_NAMES, ambiguous_names, in_brackets, shown_name, with_code
from s3stresstest.report import ReportInputs


def test_the_list_of_shared_names_is_the_sources(shared_data):
    regions = []
    for level in range(4):
        path = shared_data / "gisco" / f"NUTS_RG_20M_2021_4326_LEVL_{level}.geojson"
        features = json.loads(path.read_text(encoding="utf-8"))["features"]
        regions += [(f["properties"]["NUTS_ID"], f["properties"]["NAME_LATN"]) for f in features]
    names = dict(regions)
    assert names["CH022"] == names["DE13"] == "Freiburg"  # the source has no other spelling
    assert ambiguous_names(regions) == set(AMBIGUOUS_NUTS_NAMES)


def test_a_shared_name_carries_its_code_once():
    assert shown_name("CH022", "Freiburg") == "Freiburg (CH022)"
    assert shown_name("AT32", "Salzburg") == "Salzburg"
    assert with_code("CH022", shown_name("CH022", "Freiburg")) == "Freiburg (CH022)"
    assert with_code("AT32", "Salzburg") == "Salzburg (AT32)"
    assert in_brackets("Freiburg (CH022)") == "Freiburg, CH022"
    assert in_brackets("Limburg (NL)") == "Limburg (NL)"  # GISCO's own name, not ours to change
    assert ambiguous_names([("AT13", "Wien"), ("AT130", "Wien")]) == set()  # one territory at two levels


@pytest.fixture(scope="module")
def inputs(tmp_path_factory, shared_data):
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("S3ST_DATA_DIR", str(shared_data))
        folder = make_results(tmp_path_factory.mktemp("names") / "results", ["CH022", "AT32", "DE1"], seed=3)
    return ReportInputs.load(folder, data_folder=shared_data)


def test_the_run_names_fribourg_with_its_code(inputs):
    assert inputs.name("CH022") == "Freiburg (CH022)"
    assert inputs.label("CH022") == "Freiburg (CH022)"
    assert inputs.name("AT32") == "Salzburg" and inputs.label("AT32") == "Salzburg (AT32)"
    assert inputs.check_territories(["Freiburg"]) == ["CH022"]  # still found by its sourced name
