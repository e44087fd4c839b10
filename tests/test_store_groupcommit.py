"""Group commit (store/groupcommit.py): saves share a transaction, never an outcome.

Each caller must get its own result or error, a refused save must leave nothing behind while
the others of its group are kept, nothing may be acknowledged before its commit, and a failed
commit fails every save of its group. Checked on a real SQLite file with the store's engine
(BEGIN IMMEDIATE, savepoints) and through `Store.save_page`.
"""

from __future__ import annotations

import threading
import time
from contextlib import contextmanager

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Connection, text

from s3stresstest.errors import InputError
from s3stresstest.store.db import make_engine
from s3stresstest.store.groupcommit import GroupCommit


class Refused(Exception):
    pass


@pytest.fixture
def engine(tmp_path):
    eng = make_engine(f"sqlite:///{tmp_path / 'g.db'}")
    with eng.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT NOT NULL)")
    yield eng
    eng.dispose()


def _keys(engine) -> set[int]:
    """The committed rows, read as the web pages read (plain BEGIN: never waits for the writer)."""
    with engine.execution_options(s3st_readonly=True).connect() as conn:
        return {r[0] for r in conn.execute(text("SELECT k FROM t"))}


def _insert(k: int, *, refuse: bool = False):
    def fn(conn: Connection) -> int:
        conn.execute(text("INSERT INTO t (k, v) VALUES (:k, 'x')"), {"k": k})
        if refuse:  # after writing: the savepoint must take the row back
            raise Refused(f"save {k} refused")
        return k

    return fn


def _at_once(calls: list, hold: threading.Event | None = None) -> list:
    """Call each from its own thread at once (`hold` set once all have started); [(result or exception)]
    in call order."""
    out: list = [None] * len(calls)
    start = threading.Barrier(len(calls))

    def worker(i: int) -> None:
        start.wait()
        try:
            out[i] = calls[i]()
        except Exception as exc:  # noqa: BLE001 - the outcome under test
            out[i] = exc

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(len(calls))]
    for t in threads:
        t.start()
    if hold is not None:
        hold.set()
    for t in threads:
        t.join(30)
    assert not any(t.is_alive() for t in threads)
    return out


def _run_concurrently(gc: GroupCommit, jobs: list, hold: threading.Event | None = None) -> list:
    """Each job through `gc.run`, from its own thread at once."""
    return _at_once([lambda job=job: gc.run(job) for job in jobs], hold)


def _slow_transaction(engine, delay: threading.Event):
    """A writing transaction that waits for `delay` before its first statement, so the callers
    that arrive meanwhile queue behind it (what happens while a commit waits for the disk)."""

    @contextmanager
    def tx():
        delay.wait(5)
        with engine.begin() as conn:
            yield conn

    return tx


def test_each_caller_gets_its_own_outcome_and_refused_saves_leave_nothing(engine):
    gate = threading.Event()
    gc = GroupCommit(_slow_transaction(engine, gate))
    jobs = [_insert(k, refuse=k % 3 == 0) for k in range(1, 31)]
    out = _run_concurrently(gc, jobs, hold=gate)
    for k, got in zip(range(1, 31), out, strict=True):
        if k % 3 == 0:
            assert isinstance(got, Refused) and str(got) == f"save {k} refused"
        else:
            assert got == k
    assert _keys(engine) == {k for k in range(1, 31) if k % 3}
    assert gc.saves == 20
    assert gc.groups < 20  # the saves that waited went together (fewer commits than saves)


def test_a_failed_commit_fails_every_save_of_its_group_and_the_next_group_works(engine):
    fail = {"on": True}

    @contextmanager
    def tx():
        with engine.begin() as conn:
            yield conn
            if fail["on"]:
                raise OSError("disk full")  # leaves the block: the transaction is rolled back

    gc = GroupCommit(tx)
    with pytest.raises(OSError, match="disk full"):
        gc.run(_insert(1))
    gate = threading.Event()
    gc_slow = GroupCommit(_slow_transaction(engine, gate))
    fail["on"] = True
    out = _run_concurrently(gc, [_insert(k) for k in range(2, 8)])
    assert all(isinstance(x, OSError) for x in out)
    assert _keys(engine) == set()  # nothing of a failed group is kept, though each save "succeeded"
    fail["on"] = False
    assert gc.run(_insert(9)) == 9
    assert _run_concurrently(gc_slow, [_insert(10), _insert(11)], hold=gate) == [10, 11]
    assert _keys(engine) == {9, 10, 11}


def test_nothing_is_acknowledged_before_its_commit(engine):
    """A caller returns only after the transaction holding its save has committed: another
    connection sees the row as soon as run() returns."""
    committed_before_return: list[bool] = []
    gate = threading.Event()

    @contextmanager
    def slow_commit():
        gate.wait(5)
        with engine.begin() as conn:
            yield conn
            time.sleep(0.2)  # a slow disk: an early acknowledgement would be seen now

    gc = GroupCommit(slow_commit)

    def job(k: int):
        def fn(conn: Connection) -> int:
            conn.execute(text("INSERT INTO t (k, v) VALUES (:k, 'x')"), {"k": k})
            return k

        return fn

    def check(k: int) -> None:
        gc.run(job(k))
        committed_before_return.append(k in _keys(engine))

    threads = [threading.Thread(target=check, args=(k,)) for k in range(12)]
    for t in threads:
        t.start()
    gate.set()
    for t in threads:
        t.join(30)
    assert committed_before_return == [True] * 12


def test_a_failed_begin_does_not_wedge_the_queue(engine):
    calls = {"n": 0}

    @contextmanager
    def tx():
        calls["n"] += 1
        if calls["n"] == 1:
            raise OSError("cannot open the database")
        with engine.begin() as conn:
            yield conn

    gc = GroupCommit(tx)
    with pytest.raises(OSError):
        gc.run(_insert(1))
    assert gc.run(_insert(2)) == 2
    assert _keys(engine) == {2}


def test_groups_are_bounded(engine):
    gate = threading.Event()
    gc = GroupCommit(_slow_transaction(engine, gate), max_group=4)
    out = _run_concurrently(gc, [_insert(k) for k in range(20)], hold=gate)
    assert out == list(range(20))
    assert gc.groups >= 5


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(refusals=st.lists(st.booleans(), min_size=1, max_size=24), max_group=st.integers(1, 8))
def test_the_database_holds_exactly_the_acknowledged_saves(tmp_path_factory, refusals, max_group):
    """Whatever the mix of accepted and refused saves and however they group, the table holds
    exactly the saves whose caller got a result."""
    eng = make_engine(f"sqlite:///{tmp_path_factory.mktemp('p') / 'p.db'}")
    try:
        with eng.begin() as conn:
            conn.exec_driver_sql("CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT NOT NULL)")
        gate = threading.Event()
        gc = GroupCommit(_slow_transaction(eng, gate), max_group=max_group)
        out = _run_concurrently(gc, [_insert(k, refuse=r) for k, r in enumerate(refusals)], hold=gate)
        acknowledged = {k for k, got in enumerate(out) if got == k}
        assert acknowledged == {k for k, r in enumerate(refusals) if not r}
        assert _keys(eng) == acknowledged
        assert gc.saves == len(acknowledged)
    finally:
        eng.dispose()


def test_store_saves_from_many_threads_keep_their_own_refusals(tmp_path, tiny_instrument):
    """Through Store.save_page on SQLite: concurrent saves of many respondents, some with a bad
    answer, one of a submitted respondent: each gets its own answer; the good ones are kept."""
    from test_store import setup_campaign

    from s3stresstest.store import Store
    from s3stresstest.store.api import Locked

    good = {"q1": "yes", "q2": "partly"}
    bad = {"q1": "yes", "q2": "not an option"}
    with Store.open(f"sqlite:///{tmp_path / 's.db'}") as store:
        cid = setup_campaign(store, tiny_instrument)
        invs = store.create_invitations(cid, [("AT33", "company", "en")] * 16)
        rids = [store.start_respondent(i["token"]) for i in invs]
        store.submit(rids[0])
        out = _at_once(
            [lambda i=i: store.save_page(rids[i], "g1", bad if i % 4 == 1 else good) for i in range(len(rids))]
        )
        assert isinstance(out[0], Locked)
        for i in range(1, len(rids)):
            if i % 4 == 1:
                assert isinstance(out[i], InputError) and not isinstance(out[i], Locked)
                assert "q2" in str(out[i])
                assert store.answers(rids[i]) == {}
            else:
                assert out[i] == {"saved": 2, "page": "g1"}
                assert store.answers(rids[i]) == good
        assert store.answers(rids[0]) == {}
        assert store._group is not None and store._group.saves == 11  # the accepted saves went through it


def test_consents_from_many_threads_share_commits_and_keep_their_own_refusals(tmp_path, tiny_instrument):
    """start_with_consent goes through the group commit as well: each link gets its respondent
    (the same one for the same invitation), a dead link its own error."""
    from test_store import setup_campaign

    from s3stresstest.store import Store

    with Store.open(f"sqlite:///{tmp_path / 'c.db'}") as store:
        cid = setup_campaign(store, tiny_instrument)
        tokens = [i["token"] for i in store.create_invitations(cid, [("SI", "company", "en")] * 12)]
        calls = [*tokens, tokens[0], "not-a-token"]
        out = _at_once([lambda c=c: store.start_with_consent(c, "The notice as shown.") for c in calls])
        assert isinstance(out[-1], InputError) and "not valid" in str(out[-1])
        assert out[12] == out[0] and len(set(out[:12])) == 12
        for rid in out[:12]:
            assert store.respondent(rid)["consented_at"] is not None
        assert store._group is not None and store._group.saves >= 12
