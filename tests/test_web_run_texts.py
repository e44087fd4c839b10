"""What the reports of a run made on the web pages say about the run (second review, 2026-12-06): why
alignment is missing (the web takes no strategies file), in the report's language, and the index names the
run by its id and date instead of "the results folder results"."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from s3stresstest.campaign.synthetic import SyntheticSpec, generate_campaign
from s3stresstest.i18n import translator
from s3stresstest.instrument import load_builtin
from s3stresstest.store import Store

REGIONS = pd.DataFrame({"region": ["AT32", "SI"], "name": ["Salzburg", "Slovenija"]})
GROUPS = pd.DataFrame({"region": ["AT32", "SI"], "group": ["alps"] * 2})


@pytest.fixture(scope="module")
def kept(tmp_path_factory, shared_data):
    """A stored campaign scored into a run kept on the server, its HTML reports written (index in German)."""
    from s3stresstest.web import reports

    tmp = tmp_path_factory.mktemp("web-run")
    store = Store.open(f"sqlite:///{tmp / 's3.db'}")
    instrument = load_builtin()
    synthetic = generate_campaign(
        instrument, REGIONS, GROUPS, SyntheticSpec(seed=4, min_respondents=6, max_respondents=7)
    )
    cid = store.create_campaign("Alps 2026", store.add_instrument(instrument), languages=["en", "de", "sl"])
    store.add_regions(cid, REGIONS)
    store.add_groups(cid, GROUPS)
    store.import_responses(cid, synthetic.responses, source="test")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("S3ST_DATA_DIR", str(shared_data))
        run_id = reports.keep_run(store, cid, tmp / "runs")
        reports.write_reports(tmp / "runs", cid, run_id, "de")
    store.close()
    return reports.run_dir(tmp / "runs", cid, run_id), run_id


def test_a_web_run_records_that_the_web_takes_no_strategies_file(kept):
    import json

    from s3stresstest.run.reasons import NO_STRATEGIES_WEB

    folder, _ = kept
    record = json.loads((folder / "results" / "run.json").read_text(encoding="utf-8"))
    assert record["left_out"]["alignment"] == NO_STRATEGIES_WEB


def test_web_reports_say_why_alignment_is_missing_in_their_language(kept):
    from s3stresstest.run.reasons import NO_STRATEGIES, NO_STRATEGIES_WEB

    folder, _ = kept
    for code, lang in (("AT32", "de"), ("SI", "sl")):
        html = (folder / "reports" / "regional" / f"{code}.html").read_text(encoding="utf-8")
        assert f'<html lang="{lang}"' in html
        assert translator(lang)._(NO_STRATEGIES_WEB) in html
        assert "S3 priorities" not in html and NO_STRATEGIES not in html and "left out" not in html


def test_the_web_index_names_the_run_by_its_id_and_date(kept):
    import datetime as dt

    folder, run_id = kept
    index = (folder / "reports" / "index.html").read_text(encoding="utf-8")
    subtitle = re.search(r'<p class="subtitle">(.*?)</p>', index, re.S)[1]
    assert "results" not in subtitle and run_id in subtitle
    assert (
        translator("de").date(dt.datetime.now(dt.UTC)) in subtitle
        or translator("de").date(dt.datetime.now(dt.UTC) - dt.timedelta(days=1)) in subtitle
    )
