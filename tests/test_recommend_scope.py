"""A country's S3 is the national strategy: questions comparing the regional S3 with the national level
lead to no recommendation and count in no cross-territory finding there (`instrument.scope`)."""

from __future__ import annotations

from types import SimpleNamespace

import pandas as pd
import recommend_support as h

from s3stresstest.findings import FindingParams, item_spread
from s3stresstest.instrument import load_builtin
from s3stresstest.instrument.scope import applicable, applies, is_country
from s3stresstest.recommend import recommend
from s3stresstest.recommend.compose import ITEM_WEAKEST, compose

NATIONAL = "b2_national_ri_alignment"
OTHERS = ("b2_neighbour_alignment", "b2_knows_national_strategy", "b2_knows_neighbour_s3", "b2_cross_border_clusters")
RULE = h.rule("low-national", {"item_below": {"item": NATIONAL, "threshold": 40}}, blocks=("b2",), priority=1)


def _result():
    """SI (a country) and AA11 (a region) with the same answers: the national question far the weakest."""
    items = []
    for region in ("SI", "AA11", "PP1", "PP2", "PP3"):
        items.append(h.item(region, NATIONAL, 15, half=5.0, n=20))
        for k, name in enumerate(OTHERS):
            items.append(h.item(region, name, 60 + 5 * k, half=5.0, n=20))
    return h.make_result(items=items, peer_groups={"g": ["SI", "AA11", "PP1", "PP2", "PP3"]})


def test_country_codes_and_what_applies():
    assert is_country("SI") and is_country("EE") and not is_country("AT32") and not is_country("DE2")
    assert not applies(NATIONAL, "SI") and applies(NATIONAL, "AT32") and applies("b2_neighbour_alignment", "SI")
    df = pd.DataFrame({"region": ["SI", "SI", "AT32"], "item": [NATIONAL, "b1_x", NATIONAL]})
    assert applicable(df).values.tolist() == [["SI", "b1_x"], ["AT32", NATIONAL]]


def test_no_recommendation_on_the_national_question_for_a_country():
    res = _result()
    rules = h.ruleset(RULE)
    out = compose(recommend(res, rules=rules), res, rules=rules)

    def about_national(region):
        rows = out[out["region"] == region]
        return rows[rows["evidence"].str.contains(NATIONAL)]["rule_id"].tolist()

    assert set(about_national("AA11")) == {"low-national"}  # a region: the rule fires (the weak point joins it)
    assert about_national("SI") == []
    weakest_si = out[(out["region"] == "SI") & (out["rule_id"] == ITEM_WEAKEST)]
    assert len(weakest_si) == 3  # its three weakest questions among those that apply


def test_a_country_is_not_counted_on_the_national_question_across_territories():
    res = _result()
    inputs = SimpleNamespace(item_scores=res.item_scores, instrument=load_builtin())
    spread = item_spread(inputs, FindingParams()).set_index("item")
    assert spread.loc[NATIONAL, "territories"] == 4 and spread.loc[NATIONAL, "below"] == 4
    assert spread.loc["b2_neighbour_alignment", "territories"] == 5
