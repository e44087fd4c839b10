"""Alignment metrics: code overlap with hierarchy credit, text similarity, pair scores, matching, strategy scores."""

from __future__ import annotations

import sys

import numpy as np
import pytest
from alignment_support import prio, small_taxonomies, strategy

from s3stresstest.alignment import (
    PairScorer,
    code_similarity,
    match_priorities,
    priority_pair_scores,
    strategy_alignment,
    taxonomy_from_rows,
    text_similarity_matrix,
)
from s3stresstest.alignment.metrics import _axis_matrix, code_overlap, strategy_score
from s3stresstest.errors import InputError

TAX = small_taxonomies()
NACE = TAX["nace"]


# -- code overlap -------------------------------------------------------------------------------


def test_identical_code_sets_score_one_and_disjoint_sections_zero():
    assert code_similarity(["C26", "J62"], ["J62", "C26"], NACE) == 1.0
    assert code_similarity(["C26"], ["J62"], NACE) == 0.0
    assert code_similarity(["C26", "C27"], ["Q86", "J"], NACE) == 0.0


def test_partial_credit_for_same_section_different_division():
    # one division each, same section: the matched credit is partial_credit, dice = 2*pc/2
    assert code_similarity(["C26"], ["C27"], NACE, partial_credit=0.5) == pytest.approx(0.5)
    assert code_similarity(["C26"], ["C27"], NACE, partial_credit=0.3) == pytest.approx(0.3)
    assert code_similarity(["C26"], ["C27"], NACE, partial_credit=0.0) == 0.0
    # jaccard of the same credit: pc / (1 + 1 - pc)
    assert code_similarity(["C26"], ["C27"], NACE, 0.5, measure="jaccard") == pytest.approx(0.5 / 1.5)
    # a section against one of its divisions is one step: partial credit
    assert code_similarity(["C"], ["C26"], NACE, 0.5) == pytest.approx(0.5)
    # {C26, J62} vs {C27, J62}: one exact (1) + one partial (0.5) -> 2 * 1.5 / 4
    assert code_similarity(["C26", "J62"], ["C27", "J62"], NACE, 0.5) == pytest.approx(0.75)
    # matched one to one: {C26, C27} vs {C29} has one partial match only -> 2 * 0.5 / 3
    assert code_similarity(["C26", "C27"], ["C29"], NACE, 0.5) == pytest.approx(1 / 3)
    ov = code_overlap(["C26", "J62"], ["C27", "J62"], NACE, 0.5)
    assert ov.exact == ("J62",) and ov.partial == (("C26", "C27", 0.5),)


def test_flat_lists_give_no_partial_credit_and_missing_codes_are_not_evidence():
    eco = TAX["ecosystem"]
    assert code_similarity(["digital"], ["health"], eco, 0.5) == 0.0
    assert np.isnan(code_similarity([], ["health"], eco))
    assert np.isnan(code_similarity(["C26"], [], NACE))


def test_deeper_hierarchies_count_steps_to_the_common_ancestor():
    rows = [
        {"code": "C", "title": "c"},
        {"code": "C26", "parent": "C", "title": "d"},
        {"code": "C27", "parent": "C", "title": "d"},
        {"code": "C26.1", "parent": "C26", "title": "g"},
        {"code": "C27.1", "parent": "C27", "title": "g"},
        {"code": "C26.2", "parent": "C26", "title": "g"},
    ]
    tax = taxonomy_from_rows(rows, name="deep")
    assert tax.max_depth == 3
    assert code_similarity(["C26.1"], ["C26.2"], tax, 0.5) == pytest.approx(0.5)  # one step to C26
    assert code_similarity(["C26.1"], ["C27.1"], tax, 0.5) == pytest.approx(0.25)  # two steps to C
    assert code_similarity(["C26"], ["C27"], tax, 0.5) == pytest.approx(0.5)  # divisions still one step
    m = _axis_matrix([("C26.1",), ("C26",)], [("C27.1",), ("C27",)], tax, 0.5, "dice")
    assert m == pytest.approx(np.array([[0.25, 0.25], [0.25, 0.5]]))


def test_matrix_computation_equals_the_pairwise_definition():
    rng = np.random.default_rng(7)
    codes = list(NACE.codes)
    sets = [tuple(rng.choice(codes, size=rng.integers(1, 5), replace=False)) for _ in range(40)]
    for measure in ("dice", "jaccard"):
        m = _axis_matrix(sets, sets, NACE, 0.4, measure)
        expected = np.array([[code_similarity(a, b, NACE, 0.4, measure) for b in sets] for a in sets])
        assert m == pytest.approx(expected)
        assert m == pytest.approx(m.T)


# -- text ---------------------------------------------------------------------------------------


def test_text_similarity_identical_disjoint_and_empty():
    a = [prio("a1", "Microelectronics and smart sensors"), prio("a2", "Tourism")]
    b = [prio("b1", "Microelectronics and smart sensors"), prio("b2", "Dairy farming"), prio("b3", "and the of")]
    m = text_similarity_matrix(a, b)
    assert m.shape == (2, 3)
    assert m[0, 0] == pytest.approx(1.0)
    assert m[0, 1] == 0.0 and m[1, 1] == 0.0
    assert np.isnan(m[0, 2])  # only stop words: no usable text, not a 0
    assert text_similarity_matrix(b, a) == pytest.approx(m.T, nan_ok=True)


def test_text_similarity_tfidf_fitted_on_a_given_corpus():
    a = [prio("a1", "green hydrogen valleys")]
    b = [prio("b1", "hydrogen mobility")]
    corpus = [p.text for p in a + b] + ["hydrogen"] * 20  # hydrogen is common in this corpus: low idf
    default = text_similarity_matrix(a, b)[0, 0]
    with_corpus = text_similarity_matrix(a, b, corpus=corpus)[0, 0]
    assert 0 < with_corpus < default


def test_embedding_uses_only_a_local_model():
    a = [prio("a1", "alpha"), prio("a2", "beta")]

    def embed(texts):  # a deterministic stand-in for a local model
        return np.array([[1.0, 0.0] if "alpha" in t else [1.0, 1.0] for t in texts])

    m = text_similarity_matrix(a, a, method="embedding", embedding_model=embed)
    assert m == pytest.approx(np.array([[1, 1 / np.sqrt(2)], [1 / np.sqrt(2), 1]]))
    with pytest.raises(InputError, match="never downloaded"):
        text_similarity_matrix(a, a, method="embedding")
    with pytest.raises(InputError, match="not found"):
        text_similarity_matrix(a, a, method="embedding", embedding_model="/no/such/model")
    with pytest.raises(InputError, match="text method"):
        text_similarity_matrix(a, a, method="word2vec")


def test_embedding_without_the_optional_package_is_a_clear_error(tmp_path, monkeypatch):
    from s3stresstest.alignment import metrics

    metrics._sentence_model.cache_clear()
    monkeypatch.setitem(sys.modules, "sentence_transformers", None)  # import fails
    with pytest.raises(InputError, match="sentence-transformers"):
        text_similarity_matrix([prio("a", "x")], [prio("b", "y")], method="embedding", embedding_model=tmp_path)
    metrics._sentence_model.cache_clear()


# -- pair scores --------------------------------------------------------------------------------


def test_pair_score_renormalises_weights_over_available_components():
    p = prio("p", "Microelectronics chips", nace="C26", ecosystem="digital")
    q = prio("q", "Batteries storage", nace="C27")
    s = priority_pair_scores([p], [q], TAX)
    # nace 0.5 (same section) and text 0 are available; nabs, policy, ecosystem are not
    assert s.score[0, 0] == pytest.approx((0.35 * 0.5 + 0.25 * 0.0) / (0.35 + 0.25))
    assert np.isnan(s.components["ecosystem"][0, 0]) and np.isnan(s.components["nabs"][0, 0])
    only_codes = priority_pair_scores([p], [q], TAX, weights={"nace": 1.0})
    assert only_codes.score[0, 0] == pytest.approx(0.5)
    with pytest.raises(InputError, match="unknown weight"):
        priority_pair_scores([p], [q], TAX, weights={"sector": 1.0})
    with pytest.raises(InputError, match="positive"):
        priority_pair_scores([p], [q], TAX, weights={"nace": 0.0})


def test_pair_scores_are_symmetric():
    a = [
        prio("a1", "Smart manufacturing robots", "Industry 4.0", nace="C26 C27", nabs="01"),
        prio("a2", "Health technologies", nace="Q86", ecosystem="health"),
    ]
    b = [
        prio("b1", "Robots for health", nace="C27 Q86", ecosystem="health digital"),
        prio("b2", "Software and data", nace="J62", policy="PO1"),
        prio("b3", "Car parts", nace="C29"),
    ]
    ab = priority_pair_scores(a, b, TAX).score
    ba = priority_pair_scores(b, a, TAX).score
    assert ab == pytest.approx(ba.T)
    assert ((ab >= 0) & (ab <= 1)).all()


# -- matching and strategy scores ---------------------------------------------------------------


def test_matching_is_optimal_where_greedy_is_not():
    m = np.array([[0.90, 0.80, 0.10], [0.85, 0.10, 0.00], [0.00, 0.30, 0.60]])
    # greedy: take 0.90 (0,0), then the best of the rest 0.60 (2,2), then 0.10 (1,1): 1.60
    greedy, free_r, free_c = 0.0, {0, 1, 2}, {0, 1, 2}
    while free_r:
        i, j = max(((i, j) for i in free_r for j in free_c), key=lambda ij: m[ij])
        greedy += m[i, j]
        free_r.discard(i)
        free_c.discard(j)
    assert greedy == pytest.approx(1.60)
    pairs = match_priorities(m)
    assert [(i, j) for i, j, _ in pairs] == [(0, 1), (1, 0), (2, 2)]
    assert sum(s for *_, s in pairs) == pytest.approx(2.25)
    assert strategy_score([s for *_, s in pairs], 3, 3) == pytest.approx(75.0)
    # a threshold turns weak pairs into no match: 0.8 and 0.85 stay, 0.6 goes at 0.7
    assert [(i, j) for i, j, _ in match_priorities(m, min_pair_score=0.7)] == [(0, 1), (1, 0)]


def test_strategy_score_definitions():
    assert strategy_score([1.0, 1.0], 2, 4) == pytest.approx(50.0)  # unmatched priorities count 0
    assert strategy_score([1.0, 1.0], 2, 4, "mean_coverage") == pytest.approx(75.0)
    assert strategy_score([], 3, 3) == 0.0
    with pytest.raises(InputError):
        strategy_score([1.0], 1, 1, "median")


def _two_strategies():
    a = strategy(
        "AT31",
        prio(
            "a1",
            "Smart manufacturing robots",
            "Industry 4.0 automation",
            nace="C26 C27",
            nabs="01",
            ecosystem="digital",
        ),
        prio("a2", "Health technologies", "medical devices", nace="Q86", ecosystem="health"),
        prio("a3", "Sustainable mobility", nace="C29", ecosystem="mobility"),
    )
    b = strategy(
        "AT32",
        prio("b1", "Robots for health", nace="C27 Q86", ecosystem="health digital"),
        prio("b2", "Software and data", nace="J62", policy="PO1"),
    )
    return a, b


def test_identical_strategies_score_100_and_disjoint_ones_0():
    a, _ = _two_strategies()
    same = strategy_alignment(a, a, TAX)
    assert same.score == pytest.approx(100.0)
    assert [(m.a.id, m.b.id) for m in same.matches] == [("a1", "a1"), ("a2", "a2"), ("a3", "a3")]
    copy = strategy("DE2", *a.priorities)
    assert strategy_alignment(a, copy, TAX).score == pytest.approx(100.0)
    disjoint = strategy(
        "DE1",
        prio("d1", "Tourism hospitality", nace="J63", ecosystem="health", nabs="02"),
        prio("d2", "Dairy cheese", nace="J62"),
    )
    other = strategy("DE3", prio("e1", "Space satellites", nace="C26", ecosystem="digital", nabs="03"))
    res = strategy_alignment(disjoint, other, TAX)
    assert res.score == 0.0 and res.matches == ()


def test_strategy_alignment_is_symmetric_and_lists_its_evidence():
    a, b = _two_strategies()
    ab = strategy_alignment(a, b, TAX)
    ba = strategy_alignment(b, a, TAX)
    assert ab.score == pytest.approx(ba.score)
    assert 0 < ab.score < 100
    assert sorted((m.a.id, m.b.id) for m in ab.matches) == sorted((m.b.id, m.a.id) for m in ba.matches)
    # b1 (C27 Q86; health digital) goes to a2 (Q86; health): nace 2/3 and ecosystem 2/3 beat
    # a1 (C26 C27; digital): nace 2*(1 + 0)/4 = 1/2 (C26 has no partner in C left), ecosystem 2/3
    robots = next(m for m in ab.matches if m.b.id == "b1")
    assert robots.a.id == "a2"
    assert robots.shared_codes == ("nace:Q86", "ecosystem:health")
    assert robots.components["nace"] == pytest.approx(200 / 3)
    assert robots.components["ecosystem"] == pytest.approx(200 / 3)
    assert [m.b.id for m in ab.matches] == ["b1"]  # b2 (software) shares nothing with a1 or a3
    # score = 100 * sum of matched pair scores / max(n_a, n_b)
    assert ab.score == pytest.approx(sum(m.score for m in ab.matches) / 3)


def test_pair_scorer_blocks_are_transposes():
    a, b = _two_strategies()
    c = strategy("AT33", prio("c1", "Robots", nace="C27"))
    scorer = PairScorer([a, b, c], TAX)
    assert np.array_equal(scorer.block(a, b), scorer.block(b, a).T)
    assert scorer.align(a, c).score == pytest.approx(scorer.align(c, a).score)
    with pytest.raises(InputError, match="partial credit"):
        PairScorer([a], TAX, partial_credit=1.5)
