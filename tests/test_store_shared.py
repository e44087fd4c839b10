"""State shared by several server processes: rate counters and the signing secret (SQLite, PostgreSQL)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from s3stresstest.store import Store


def test_rate_counts_slide_over_two_buckets(store):
    t0 = 1_000_000.0 * 60  # the start of a 60 s bucket
    for k in range(5):
        assert store.rate_hit("bad-token 10.0.0.1", 60, now=t0 + k) == k + 1
    assert store.rate_count("bad-token 10.0.0.1", 60, now=t0 + 30) == 5
    assert store.rate_count("bad-token 10.0.0.2", 60, now=t0 + 30) == 0
    # half a window later the previous bucket counts half
    assert store.rate_hit("bad-token 10.0.0.1", 60, now=t0 + 90) == pytest.approx(1 + 5 * 0.5)
    assert store.rate_count("bad-token 10.0.0.1", 60, now=t0 + 200) == 0


def test_two_stores_on_one_database_share_counters_and_the_secret(store_url):
    a, b = Store.open(store_url), Store.open(store_url)
    try:
        with ThreadPoolExecutor(8) as pool:
            list(pool.map(lambda i: (a if i % 2 else b).rate_hit("login 10.0.0.9", 3600, now=7200.0), range(40)))
        assert a.rate_count("login 10.0.0.9", 3600, now=7200.0) == 40  # no hit lost between processes
        assert a.shared_secret("signing") == b.shared_secret("signing") == a.shared_secret("signing")
        assert len(a.shared_secret("signing")) >= 32
    finally:
        a.close()
        b.close()
