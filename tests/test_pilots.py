"""Pilot-cluster service validation: the second instrument, scores, verdicts, reports, commands."""

from __future__ import annotations

import re

import pandas as pd
import pytest
from typer.testing import CliRunner

from s3stresstest.cli import app
from s3stresstest.errors import InputError
from s3stresstest.i18n.tools import template
from s3stresstest.instrument import load_builtin
from s3stresstest.instrument.model import pick_label
from s3stresstest.pilots import DEMO_PILOTS, check_pilots, pilot_demo, verdicts
from s3stresstest.pilots.report import overview_document, pilot_document


def test_the_instrument_has_the_five_dimensions_in_five_languages():
    ins = load_builtin("pilot_services_v1")
    assert [b.name for b in ins.blocks] == ["s1", "s2", "s3", "s4", "s5"]
    scored = [i.name for i in ins.answerable_items if ins.is_scored(i)]
    assert {i.split("_")[0] for i in scored} == {"s1", "s2", "s3", "s4", "s5"}
    for lang in ("de", "fr", "it", "sl"):
        for name in scored:
            assert ins.item_label(name, lang) != ins.item_label(name, "en"), (name, lang)


def test_verdict_rule_by_hand():
    result = pilot_demo().result
    blocks = result.block_scores.copy()

    # force one pilot clearly above neutral on need, usefulness and recommendation, one not, one withheld
    def set_low(code, value, status="ok"):
        for b in ("s1", "s3", "s5"):
            mask = (blocks["region"] == code) & (blocks["block"] == b)
            blocks.loc[mask, "ci_low"] = value
            blocks.loc[mask, "status"] = status

    set_low("PC001", 51.0)
    set_low("PC002", 50.0)
    set_low("PC003", 70.0, status="withheld")
    result.block_scores = blocks
    v = verdicts(result, ["PC001", "PC002", "PC003"]).set_index("code")
    assert v.loc["PC001", "verdict"] == "validated"
    assert (
        v.loc["PC002", "verdict"] == "not validated" and "need, usefulness, recommendation" in v.loc["PC002", "reason"]
    )
    assert v.loc["PC003", "verdict"] == "open"


def test_demo_scores_every_pilot_and_reports_in_german_without_english_fixed_text():
    v = pilot_demo()
    assert v.synthetic and set(v.result.block_scores["region"]) == set(DEMO_PILOTS["code"])
    assert set(v.verdicts["verdict"]) <= {"validated", "not validated", "open"}
    english = [m.id for m in template("action") if isinstance(m.id, str) and len(m.id) > 12 and "{" not in m.id]
    for doc in (overview_document(v, "de"), pilot_document(v, "PC002", "de")):
        text = doc.text()
        assert not [e for e in english if e in text]
        assert "SYNTHETISCHE DATEN" in (doc.banner or "")
    assert "Weiterempfehlung" in pilot_document(v, "PC002", "de").text()


def test_small_pilots_show_no_figures():
    v = pilot_demo()
    k = int(v.result.record["parameters"]["min_respondents"])
    blocks = v.result.block_scores
    small = blocks[blocks["status"] != "ok"]["region"].unique()
    for code in small:
        text = pilot_document(v, code).text()
        assert f"fewer than {k}" in text


def test_pilots_table_is_checked_by_row():
    bad = pd.DataFrame({"code": ["PC001", "x1", "PC001"], "name": ["A", "B", ""], "region": ["AT32"] * 3,
                        "service": ["s", "", "t"]})  # fmt: skip
    with pytest.raises(InputError) as caught:
        check_pilots(bad, source="pilots.csv")
    text = caught.value.report()
    assert "line 3" in text and "'x1' is not a unit code" in text and "service is empty" in text
    assert "codes listed twice: PC001" in text


def test_pilots_commands(tmp_path):
    runner = CliRunner()
    result = runner.invoke(app, ["pilots", "demo", "--out", str(tmp_path / "demo"), "--language", "it"])
    assert result.exit_code == 0, result.output
    html = (tmp_path / "demo" / "reports" / "it" / "pilot_PC001.html").read_text(encoding="utf-8")
    assert 'lang="it"' in html and "Convalida del servizio" in html
    assert sorted(f.name for f in (tmp_path / "demo" / "reports").iterdir()) == ["it"]  # as asked, every report
    assert len(list((tmp_path / "demo" / "reports" / "it").glob("*.html"))) == 6
    # the same answers through the files a real pilot would supply
    v = pilot_demo()
    v.result.instrument  # noqa: B018 - the instrument the answers follow
    responses = tmp_path / "responses.csv"
    from s3stresstest.campaign.synthetic import SyntheticSpec, generate_campaign

    campaign = generate_campaign(
        load_builtin("pilot_services_v1"),
        DEMO_PILOTS[["code", "name"]].rename(columns={"code": "region"}),
        spec=SyntheticSpec(seed=2018, min_respondents=4, max_respondents=30, group_weights={"company": 1.0}),
    )
    campaign.responses.to_csv(responses, index=False)
    DEMO_PILOTS.to_csv(tmp_path / "pilots.csv", index=False)
    result = runner.invoke(
        app, ["pilots", "validate", "--responses", str(responses), "--pilots", str(tmp_path / "pilots.csv"),
              "--out", str(tmp_path / "real")]
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    got = pd.read_csv(tmp_path / "real" / "verdicts.csv")
    assert list(got["verdict"]) == list(v.verdicts["verdict"])
    # by default each pilot's report in its region's language, the overview in English
    reports = tmp_path / "real" / "reports"
    written = sorted(str(f.relative_to(reports)) for f in reports.rglob("*.html"))
    assert written == ["de/pilot_PC001.html", "de/pilot_PC004.html", "en/pilots_overview.html",
                       "fr/pilot_PC005.html", "it/pilot_PC002.html", "sl/pilot_PC003.html"]  # fmt: skip
    assert 'lang="sl"' in (reports / "sl" / "pilot_PC003.html").read_text(encoding="utf-8")
    assert 'lang="en"' in (reports / "en" / "pilots_overview.html").read_text(encoding="utf-8")


def test_fee_shares_standing_for_fewer_than_k_companies_are_not_shown():
    v = pilot_demo()
    k = int(v.result.record["parameters"]["min_respondents"])
    dist = v.result.distributions
    fees = dist[dist["item"] == "fee_band"]
    checked = 0
    for code, g in fees.groupby("region"):
        n = int(g["n"].max())
        if n < k:
            continue
        text = pilot_document(v, code).text()
        for share in g["share"]:
            count = round(float(share) * n)
            if 0 < count < k:
                section = text.split("What companies would pay")[1]
                assert not re.search(rf"\| {round(100 * float(share))}%(\s|$)", section), section
                checked += 1
        assert "fewer than" in text or checked == 0
    assert checked > 0, "the demo has small fee bands: the test must see some"


def _fee_table(doc):
    from s3stresstest.report.render import Table

    sec = next(s for s in doc.sections if s.id == "fees")
    return next(b for b in sec.blocks if isinstance(b, Table))


def test_a_fee_share_hidden_to_protect_a_smaller_one_is_not_called_fewer_than_k():
    """PC004 (demo): 'over 2000' stands for 2 companies, 'nothing' for 3; both are hidden, but only the
    first is 'fewer than 3' - the second is withheld so that the first cannot be worked out."""
    v = pilot_demo()
    k = int(v.result.record["parameters"]["min_respondents"])
    fees = v.result.distributions
    fees = fees[(fees["region"] == "PC004") & (fees["item"] == "fee_band")]
    n = int(fees["n"].max())
    counts = {c: round(float(s) * n) for c, s in zip(fees["choice"], fees["share"], strict=True)}
    assert counts["over_2000"] == 2 and counts["none"] == 3, counts
    ins = load_builtin("pilot_services_v1")
    label = {c.name: pick_label(c.labels, "en") or c.name for c in ins.lists["fee_band"].choices}
    cells = {r[0]: r[1] for r in _fee_table(pilot_document(v, "PC004")).rows}
    assert cells[label["over_2000"]] == f"fewer than {k}"
    assert cells[label["none"]] == "not shown (protects a smaller share)"
    for lang in ("de", "fr", "it", "sl"):
        rows = _fee_table(pilot_document(v, "PC004", lang)).rows
        assert len({r[1] for r in rows if not r[1].rstrip().endswith("%")}) == 2, (lang, rows)


def test_pilot_intervals_are_labelled_with_the_level_they_were_computed_at():
    v = pilot_demo()
    level = v.result.record["parameters"]["ci_level"]
    text = pilot_document(v, "PC001").text()
    assert f"with their {round(100 * level)}% intervals" in text
    assert "95%" not in text or level == 0.95


def test_the_pilot_csvs_beside_the_reports_follow_k(tmp_path):
    from s3stresstest.pilots import write_validation

    v = pilot_demo()
    k = int(v.result.record["parameters"]["min_respondents"])
    out = write_validation(v, tmp_path / "p")
    dist = pd.read_csv(out / "distributions.csv")
    assert set(dist["status"]) <= {"ok", "withheld", "suppressed"}
    shown = dist[dist["share"].notna()]
    counts = (shown["share"] * shown["n"]).round()
    assert ((counts == 0) | (counts >= k)).all(), shown[(counts > 0) & (counts < k)]
    # the PC004 fee bands: the 2-company cell and the cell hiding it are blank
    fee = dist[(dist["region"] == "PC004") & (dist["item"] == "fee_band")].set_index("choice")
    assert fee.loc[["over_2000", "none"], "share"].isna().all() and (fee.loc["over_2000", "status"] == "withheld")
    # what is left does not give the hidden cells back one by one
    assert fee["share"].sum() < 1 - 2 * (k - 1) / fee["n"].max() or fee["share"].isna().sum() >= 2
    for name in ("item_scores", "block_scores"):
        t = pd.read_csv(out / f"{name}.csv")
        assert (t["n"].dropna() >= k).all()
        assert t.loc[t["status"] != "ok", "score"].isna().all()


def test_a_pilot_report_names_its_region_with_the_code_only_in_brackets(shared_data, monkeypatch):
    monkeypatch.setenv("S3ST_DATA_DIR", str(shared_data))
    v = pilot_demo()
    doc = pilot_document(v, "PC001", "en")  # region AT32 (NUTS 2021: Salzburg)
    assert doc.subtitle == "Synthetic pilot cluster A (PC001), region Salzburg (AT32)"
    assert pilot_document(v, "PC003", "sl").subtitle.endswith("Slovenija (SI)")
