"""Demo territories and the synthetic campaign generator."""

from __future__ import annotations

import json
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pydantic
import pytest

from s3stresstest.campaign import RESPONSE_COLUMNS, STAKEHOLDER_GROUPS, validate_responses
from s3stresstest.campaign.synthetic import (
    OPEN_TEMPLATES,
    OPEN_TEMPLATES_BY_LANGUAGE,
    SyntheticSpec,
    generate_campaign,
    is_open_question,
)
from s3stresstest.campaign.territories import ALPINE_DEMO, EUROPEAN_DEMO, demo_groups, demo_regions
from s3stresstest.instrument import instrument_from_workbook, load_builtin
from s3stresstest.instrument.textform import loads
from s3stresstest.recommend.engine import NON_ANSWER, clean_excerpt
from s3stresstest.recommend.keywords import BLOCK_KEYWORDS, detect_language, language_of, mark, mentions
from s3stresstest.regions import languages
from s3stresstest.report.regional import SYNTHETIC_CAMPAIGN

GISCO = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "gisco"


@pytest.fixture(scope="module")
def instrument():
    return load_builtin()


@pytest.fixture(scope="module")
def demo(instrument):
    return generate_campaign(instrument, demo_regions(), demo_groups())


def _score_table(instrument) -> dict[tuple[str, str], float]:
    out = {}
    for item in instrument.scored_items:
        for c in instrument.choices_of(item).choices:
            if c.score is not None:
                out[(item.name, c.name)] = c.score
    return out


def _scores(responses: pd.DataFrame, instrument) -> pd.DataFrame:
    table = _score_table(instrument)
    df = responses[responses["item"].isin({i.name for i in instrument.scored_items})].copy()
    df["score"] = [table.get(k, np.nan) for k in zip(df["item"], df["value"], strict=True)]
    return df


# -- territories ---------------------------------------------------------------
def test_demo_regions_are_36_unique_codes_split_11_and_25():
    regions = demo_regions()
    assert list(regions.columns) == ["region", "name"]
    assert len(regions) == 36 and regions["region"].is_unique
    assert len(ALPINE_DEMO) == 11 and len(EUROPEAN_DEMO) == 25
    assert {"DE2", "ITH2", "SI", "CH022"} <= set(regions["region"])


def test_demo_groups():
    groups = demo_groups()
    assert list(groups.columns) == ["region", "group"]
    sizes = groups.groupby("group")["region"].nunique().to_dict()
    assert sizes == {"alpine": 11, "european": 25, "all": 36}
    assert set(groups.loc[groups["group"] == "all", "region"]) == set(demo_regions()["region"])
    assert not groups.duplicated().any()


def test_demo_codes_and_names_match_gisco_nuts_2021():
    assert GISCO.is_dir(), f"GISCO NUTS files not found at {GISCO}"
    names = {}
    for level in range(4):
        path = GISCO / f"NUTS_RG_20M_2021_4326_LEVL_{level}.geojson"
        for feature in json.loads(path.read_text(encoding="utf-8"))["features"]:
            props = feature["properties"]
            names[props["NUTS_ID"]] = props["NAME_LATN"]
    for code, name in demo_regions().itertuples(index=False):
        assert code in names, f"{code} is not a NUTS 2021 code"
        assert name == names[code], f"{code}: '{name}' != GISCO '{names[code]}'"


# -- generator: validity and structure ---------------------------------------------
def test_generated_responses_pass_validation(instrument, demo):
    df = demo.responses
    assert tuple(df.columns) == RESPONSE_COLUMNS
    assert all(df[c].map(type).eq(str).all() for c in df.columns)
    checked = validate_responses(df, instrument, known_regions=set(demo.regions["region"]))
    assert len(checked) == len(df)
    assert demo.synthetic is True
    assert "synthetic" in demo.description.lower() and '"seed":2017' in demo.description
    assert "each territory's default report language" in demo.description
    # the reports recognise the description and word it in their language
    assert SYNTHETIC_CAMPAIGN.fullmatch(demo.description)
    assert demo.groups.equals(demo_groups())
    assert list(demo.regions["region"]) == list(demo_regions()["region"])


def test_rows_sorted_by_respondent_then_item_order(instrument, demo):
    df = demo.responses
    assert df["respondent_id"].is_monotonic_increasing
    names = [i.name for i in instrument.answerable_items]
    first = df[df["respondent_id"] == df["respondent_id"].iloc[0]]
    assert list(first["item"]) == names


def test_respondent_counts_and_one_row_per_item(instrument, demo):
    spec = SyntheticSpec()
    resp = demo.respondents
    counts = resp.groupby("region").size()
    assert set(counts.index) == set(demo_regions()["region"])
    assert counts.between(spec.min_respondents, spec.max_respondents).all()
    assert counts.nunique() > 1  # drawn, not fixed
    per = demo.responses.groupby("respondent_id")["item"].agg(["size", "nunique"])
    n_items = len(instrument.answerable_items)
    assert (per["size"] == n_items).all() and (per["nunique"] == n_items).all()
    ids = resp["respondent_id"]
    assert ids.str.fullmatch(r"[A-Z0-9]+-\d{4}").all()
    assert (ids.str.rsplit("-", n=1).str[0] == resp["region"]).all()


def test_fixed_respondents_per_region(instrument):
    c = generate_campaign(instrument, demo_regions().head(3), respondents=5)
    assert c.respondents.groupby("region").size().tolist() == [5, 5, 5]
    assert c.groups.empty and list(c.groups.columns) == ["region", "group"]
    assert sorted(c.respondents["respondent_id"])[:2] == ["ITC1-0001", "ITC1-0002"]


def test_stakeholder_group_item_equals_column_and_follows_weights(instrument):
    c = generate_campaign(instrument, demo_regions(), respondents=60)
    df = c.responses
    sg = df[df["item"] == "stakeholder_group"]
    assert (sg["value"] == sg["stakeholder_group"]).all()
    shares = c.respondents["stakeholder_group"].value_counts(normalize=True)
    assert set(shares.index) <= set(STAKEHOLDER_GROUPS)
    assert shares.idxmax() == "cluster_manager"
    only = generate_campaign(
        instrument, demo_regions().head(2), respondents=20, spec=SyntheticSpec(group_weights={"company": 1.0})
    )
    assert set(only.respondents["stakeholder_group"]) == {"company"}


# -- determinism ------------------------------------------------------------------
def test_same_seed_same_campaign_other_seed_differs(instrument):
    regions = demo_regions()
    a = generate_campaign(instrument, regions, spec=SyntheticSpec(seed=7))
    b = generate_campaign(instrument, regions, spec=SyntheticSpec(seed=7))
    c = generate_campaign(instrument, regions, spec=SyntheticSpec(seed=8))
    pd.testing.assert_frame_equal(a.responses, b.responses)
    assert a.description == b.description
    assert not (len(a.responses) == len(c.responses) and a.responses.equals(c.responses))
    same_shape = generate_campaign(instrument, regions, spec=SyntheticSpec(seed=8), respondents=10)
    again = generate_campaign(instrument, regions, spec=SyntheticSpec(seed=7), respondents=10)
    assert (same_shape.responses["value"] != again.responses["value"]).mean() > 0.3


# -- missing and don't know ------------------------------------------------------
def test_blank_and_dont_know_shares(instrument):
    spec = SyntheticSpec(seed=3, p_missing=0.10, p_dont_know=0.15)
    c = generate_campaign(instrument, demo_regions(), spec=spec, respondents=100)
    scored = c.responses[c.responses["item"].isin({i.name for i in instrument.scored_items})]
    assert len(scored) > 150_000
    assert abs((scored["value"] == "").mean() - 0.10) < 0.005
    assert abs((scored["value"] == "dont_know").mean() - 0.15) < 0.005


def test_no_blanks_no_dont_know_when_probabilities_are_zero(instrument):
    c = generate_campaign(instrument, demo_regions(), spec=SyntheticSpec(p_missing=0, p_dont_know=0), respondents=20)
    scored = c.responses[c.responses["item"].isin({i.name for i in instrument.scored_items})]
    assert (scored["value"] != "").all()
    assert (scored["value"] != "dont_know").all()
    # every scored category occurs somewhere
    for item in instrument.scored_items[:5]:
        seen = set(scored.loc[scored["item"] == item.name, "value"])
        assert seen == {ch.name for ch in instrument.choices_of(item).choices if ch.score is not None}


# -- latent model ---------------------------------------------------------------
def test_region_levels_drive_scores(instrument):
    """Strong region effects: region means are reproducible across halves of respondents."""
    spec = SyntheticSpec(seed=11, region_sd=2.0, block_sd=0.2, group_bias_sd=0.1, respondent_sd=0.3)
    c = generate_campaign(instrument, demo_regions(), spec=spec, respondents=30)
    df = _scores(c.responses, instrument)
    df["half"] = df["respondent_id"].str[-1].astype(int) % 2
    means = df.groupby(["region", "half"])["score"].mean().unstack()
    assert means[0].corr(means[1]) > 0.9
    spread_strong = df.groupby("region")["score"].mean().std()

    flat = SyntheticSpec(seed=11, region_sd=0.0, block_sd=0.0, group_bias_sd=0.0, respondent_sd=0.3)
    f = _scores(generate_campaign(instrument, demo_regions(), spec=flat, respondents=30).responses, instrument)
    spread_flat = f.groupby("region")["score"].mean().std()
    assert spread_strong > 4 * spread_flat
    assert spread_flat < 3.0  # only sampling noise left (scores are 0-100)


def test_higher_latent_gives_better_answers(instrument):
    """Within a region, a respondent's mean score in one half of the items predicts the other half."""
    spec = SyntheticSpec(
        seed=5,
        region_sd=0.0,
        block_sd=0.0,
        group_bias_sd=0.0,
        respondent_sd=1.5,
        item_noise_sd=0.5,
        p_missing=0,
        p_dont_know=0,
    )
    df = _scores(
        generate_campaign(instrument, demo_regions().head(1), spec=spec, respondents=400).responses, instrument
    )
    names = [i.name for i in instrument.scored_items]
    df["half"] = df["item"].map({n: k % 2 for k, n in enumerate(names)})
    per = df.groupby(["respondent_id", "half"])["score"].mean().unstack()
    assert per[0].corr(per[1]) > 0.8


# -- text ------------------------------------------------------------------------
def test_open_questions_are_marked_synthetic(instrument, demo):
    open_items = [i.name for i in instrument.answerable_items if is_open_question(i)]
    assert len(open_items) == 4
    df = demo.responses
    texts = df.loc[df["item"].isin(open_items) & (df["value"] != ""), "value"]
    assert len(texts) > 0
    assert texts.str.startswith("[synthetic] ").all()
    share = len(texts) / (len(demo.respondents) * len(open_items))
    assert 0.2 < share < 0.4
    other_text = [i.name for i in instrument.answerable_items if i.type == "text" and i.name not in open_items]
    filled = df.loc[df["item"].isin(other_text) & (df["value"] != ""), "value"]
    assert filled.str.startswith("[synthetic] ").all()


# -- open answers in the territory's language (issue 11, point 7) -------------------------
# Territories where a country's language is not every territory's: the generator once kept its own
# country table (all CH German, all BE English), so the French Fribourg report quoted German answers.
LANGUAGE_OF = {
    "CH022": "fr",  # Fribourg: French-speaking majority
    "CH021": "de",  # Bern
    "CH07": "it",  # Ticino
    "BE3": "fr",  # Wallonia
    "BE336": "de",  # German-speaking community
    "BE2": "en",  # Flanders: Dutch is no report language
    "ITH1": "de",  # South Tyrol
    "ITC1": "it",
    "LI0": "de",
    "AT32": "de",
    "FRC2": "fr",
    "SI": "sl",
    "ES21": "en",
}


def test_territory_language_follows_the_report_language_table(instrument):
    # one table: the generator's language is the default report language of regions.languages
    assert {c: languages.territory_language(c) for c in LANGUAGE_OF} == LANGUAGE_OF
    regions = pd.DataFrame({"region": list(LANGUAGE_OF)})
    answers = _open_answers(
        generate_campaign(instrument, regions, spec=SyntheticSpec(seed=11), respondents=30), instrument
    )
    for code, language in LANGUAGE_OF.items():
        texts = set(answers.loc[answers["region"] == code, "value"])
        assert texts, code
        assert texts <= set(OPEN_TEMPLATES_BY_LANGUAGE[language]), (code, language, texts)


def test_every_language_the_table_returns_has_templates():
    returned = {*languages.COUNTRY_LANGUAGES.values(), *languages.TERRITORY_LANGUAGES.values(), languages.FALLBACK}
    assert returned <= set(OPEN_TEMPLATES_BY_LANGUAGE)


def _blocks(text: str) -> set[str]:
    return {b for b in BLOCK_KEYWORDS if mentions(text, b)}


@pytest.mark.parametrize("language", ["de", "fr", "it", "sl"])
def test_templates_keep_each_theme_and_are_recognised_in_their_language(language):
    pool = OPEN_TEMPLATES_BY_LANGUAGE[language]
    assert len(pool) == len(OPEN_TEMPLATES)
    for english, text in zip(OPEN_TEMPLATES, pool, strict=True):
        if NON_ANSWER.match(english):
            assert text is None  # a non-answer is left blank, never written in another language
            continue
        assert text is not None and text.startswith("[synthetic] ")
        assert _blocks(text) == _blocks(english), (language, text)
        assert detect_language(text) == language, text
        assert not NON_ANSWER.match(clean_excerpt(text))
    assert len(set(pool)) == len(pool)
    # the English pool itself is recognised as English (except the non-answer)
    assert all(detect_language(t) == "en" for t in OPEN_TEMPLATES if not NON_ANSWER.match(t))


def _open_answers(campaign, instrument) -> pd.DataFrame:
    open_items = {i.name for i in instrument.answerable_items if is_open_question(i)}
    df = campaign.responses
    return df[df["item"].isin(open_items) & (df["value"] != "")]


def test_synthetic_open_answers_are_in_the_territory_language_and_quoted_as_excerpts(instrument):
    regions = pd.DataFrame({"region": ["AT32", "ITC1"], "name": ["Salzburg", "Piemonte"]})
    c = generate_campaign(instrument, regions, spec=SyntheticSpec(seed=5), respondents=40)
    answers = _open_answers(c, instrument)
    assert "language" not in c.responses.columns  # no recorded language: excerpts rely on detection
    for region, language in (("AT32", "de"), ("ITC1", "it")):
        texts = answers.loc[answers["region"] == region, "value"]
        assert len(texts) > 20
        assert texts.str.startswith("[synthetic] ").all()
        assert set(texts) <= set(OPEN_TEMPLATES_BY_LANGUAGE[language])
        assert not set(texts) & set(OPEN_TEMPLATES)
        for block in ("b1", "b2", "b3", "b4", "b6"):
            # what the keyword selection makes of this territory's answers for the block
            excerpts = {
                mark(clean_excerpt(t), language_of(clean_excerpt(t)))
                for t in texts
                if mentions(t, block) and not NON_ANSWER.match(clean_excerpt(t))
            }
            assert excerpts, (region, block)
            assert all(e.endswith(f" ({language})") for e in excerpts), excerpts
    assert not any(mentions(t, "b5") for t in answers["value"])  # no template speaks about b5


def test_language_changes_only_the_wording_not_the_draws(instrument):
    spec = SyntheticSpec(seed=3)
    german = generate_campaign(instrument, pd.DataFrame({"region": ["AT32"]}), spec=spec, respondents=60)
    english = generate_campaign(instrument, pd.DataFrame({"region": ["ES21"]}), spec=spec, respondents=60)
    g, e = german.responses, english.responses
    open_items = {i.name for i in instrument.answerable_items if is_open_question(i)}
    other = ~g["item"].isin(open_items)
    assert g.loc[other, "value"].tolist() == e.loc[other, "value"].tolist()
    slot_en = {t: k for k, t in enumerate(OPEN_TEMPLATES)}
    slot_de = {t: k for k, t in enumerate(OPEN_TEMPLATES_BY_LANGUAGE["de"]) if t}
    pairs = list(zip(g.loc[~other, "value"], e.loc[~other, "value"], strict=True))
    assert any(de for de, _ in pairs)
    for de, en in pairs:
        if de:
            assert slot_de[de] == slot_en[en]
        else:  # blank in German: blank in English too, or the English non-answer
            assert en == "" or NON_ANSWER.match(clean_excerpt(en))
    again = generate_campaign(instrument, pd.DataFrame({"region": ["AT32"]}), spec=spec, respondents=60)
    assert again.responses.equals(g)


def test_integer_profile_item_is_small_whole_number(demo):
    v = demo.responses.loc[demo.responses["item"] == "years_involved", "value"]
    nums = v[v != ""].astype(int)
    assert nums.between(1, 15).all() and nums.nunique() > 5


# -- other item types (select_multiple, decimal, date) -------------------------------
CUSTOM = """
format: xlsform-text/1
sheets:
  settings:
    columns: [form_title, form_id, version]
    rows:
    - {form_title: Custom, form_id: custom, version: '1'}
  blocks:
    columns: [name, label]
    rows:
    - {name: b1, label: Block one}
  survey:
    columns: [type, name, label, block]
    rows:
    - {type: select_one stakeholder_group, name: stakeholder_group, label: Group}
    - {type: decimal, name: budget, label: Budget}
    - {type: date, name: when, label: When}
    - {type: select_multiple involve, name: m_involve, label: Involvement, block: b1}
    - {type: select_multiple forms, name: m_forms, label: Forms, block: b1}
    - {type: select_one agree3, name: s_one, label: Agree, block: b1}
    - {type: text, name: comments, label: Comments}
  choices:
    columns: [list_name, name, label, score]
    rows:
    - {list_name: stakeholder_group, name: cluster_manager, label: CM}
    - {list_name: stakeholder_group, name: policy_maker, label: PM}
    - {list_name: stakeholder_group, name: development_agency, label: DA}
    - {list_name: stakeholder_group, name: research_institution, label: RI}
    - {list_name: stakeholder_group, name: industry_association, label: IA}
    - {list_name: stakeholder_group, name: company, label: C}
    - {list_name: stakeholder_group, name: other, label: O}
    - {list_name: involve, name: informed, label: Informed, score: '25'}
    - {list_name: involve, name: consulted, label: Consulted, score: '25'}
    - {list_name: involve, name: drafted, label: Drafted, score: '50'}
    - {list_name: involve, name: none, label: None, score: '0'}
    - {list_name: involve, name: dont_know, label: Don't know}
    - {list_name: forms, name: a, label: A, score: '50'}
    - {list_name: forms, name: b, label: B, score: '50'}
    - {list_name: agree3, name: disagree, label: Disagree, score: '0'}
    - {list_name: agree3, name: agree, label: Agree, score: '100'}
    - {list_name: agree3, name: neutral, label: Neutral, score: '50'}
"""


@pytest.fixture(scope="module")
def custom():
    return instrument_from_workbook(loads(CUSTOM), source="custom")


def test_custom_instrument_all_types(custom):
    regions = pd.DataFrame({"region": ["DE2", "ITH2"], "name": ["Bayern", "Trento"]})
    spec = SyntheticSpec(seed=1, p_missing=0.05, p_dont_know=0.1)
    c = generate_campaign(custom, regions, spec=spec, respondents=500)
    df = validate_responses(c.responses, custom, known_regions={"DE2", "ITH2"})
    val = {name: df.loc[df["item"] == name, "value"] for name in df["item"].unique()}

    inv = val["m_involve"]
    assert not inv.str.split().map(lambda xs: len(xs) > 1 and ("none" in xs or "dont_know" in xs)).any()
    assert (inv == "none").any() and (inv == "dont_know").any() and (inv == "").any()
    assert inv.str.contains(" ").any()  # several choices ticked at once
    assert abs((inv == "dont_know").mean() - 0.1) < 0.03

    forms = val["m_forms"]  # no 'none', no 'don't know': blank only when missing, else >= 1 choice
    assert set(forms) <= {"", "a", "b", "a b"}
    assert abs((forms == "").mean() - 0.05) < 0.02

    one = val["s_one"]  # list without an unscored choice: no don't know
    assert set(one) == {"", "disagree", "neutral", "agree"}

    budget = val["budget"][val["budget"] != ""].astype(float)
    assert (budget > 0).all() and budget.nunique() > 50
    assert (val["when"] == "").all()
    comments = val["comments"][val["comments"] != ""]
    assert len(comments) > 0 and comments.str.startswith("[synthetic] ").all()


def test_select_multiple_breadth_follows_latent(custom):
    regions = pd.DataFrame({"region": ["AT31", "AT32"]})
    low = SyntheticSpec(
        seed=2,
        region_sd=0,
        block_sd=0,
        group_bias_sd=0,
        respondent_sd=0,
        item_noise_sd=0.1,
        item_difficulty_sd=0,
        p_missing=0,
        p_dont_know=0,
    )
    c = generate_campaign(custom, regions, spec=low, respondents=2000)
    v = c.responses.loc[c.responses["item"] == "m_forms", "value"]
    # latent ~ 0: each choice ticked with probability ~1/2, 'a b' about 1/4 of all
    assert abs((v == "a b").mean() - 0.25) < 0.03


# -- spec and inputs ----------------------------------------------------------------
def test_spec_is_frozen_and_strict():
    spec = SyntheticSpec()
    with pytest.raises(pydantic.ValidationError):
        spec.seed = 3
    with pytest.raises(pydantic.ValidationError):
        SyntheticSpec(sedd=3)
    with pytest.raises(pydantic.ValidationError):
        SyntheticSpec(min_respondents=10, max_respondents=5)
    with pytest.raises(pydantic.ValidationError):
        SyntheticSpec(p_missing=0.6, p_dont_know=0.6)
    with pytest.raises(pydantic.ValidationError):
        SyntheticSpec(group_weights={"astronaut": 1.0})
    assert max(spec.group_weights, key=spec.group_weights.get) == "cluster_manager"


def test_bad_regions_are_refused(instrument):
    with pytest.raises(ValueError):
        generate_campaign(instrument, pd.DataFrame({"region": ["DE2", "DE2"]}))
    with pytest.raises(ValueError):
        generate_campaign(instrument, pd.DataFrame({"region": ["Bavaria"]}))
    with pytest.raises(ValueError):
        generate_campaign(instrument, demo_regions(), groups=pd.DataFrame({"region": ["XX1"], "group": ["g"]}))


def test_large_campaign_is_fast(instrument):
    regions = pd.DataFrame({"region": [f"XX{i:03d}" for i in range(300)]})
    start = time.perf_counter()
    c = generate_campaign(instrument, regions, respondents=40)
    elapsed = time.perf_counter() - start
    assert len(c.responses) == 300 * 40 * len(instrument.answerable_items)
    assert elapsed < 5.0
