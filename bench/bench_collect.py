"""Benchmark: survey collection under load, on SQLite and on PostgreSQL (loopback only).

For each backend: a fresh database (SQLite: a temporary file; PostgreSQL: a throwaway 15
cluster from the Debian binaries, started by `tests/pg.py`), a campaign on the built-in
questionnaire with 200 personal invitations, and the real service as a subprocess
(`python -m s3stresstest.web --port 0` with 2 worker processes, as `s3stresstest serve --workers 2` runs it,
rate limits off). Then 200 simulated respondents run at once (asyncio, each with its own
keep-alive connection and cookie jar): each reads the privacy notice and agrees (the consent
step, which starts the respondent), opens its first page (for the CSRF cookie and token; neither
is counted as a save) and saves 10 pages of answers, each save a real form POST
answered by the 303 redirect to the next page. The built-in questionnaire has 8 pages
(profile, blocks 1-6, comments), so a respondent saves pages 1..8 and then pages 1 and 2 again
with new answers (cyclic): every save writes one whole real page (3 to 10 answers).

Simulated respondents read before they answer: each waits a random think time (default
0.2-0.8 s, mean 0.5 s) before each save, and they start spread over the first think time. The
think times of one respondent are stratified (one from each tenth of the range, shuffled), so each
respondent thinks 10 x 0.5 s in all: with independent draws the slowest of 200 respondents thinks
~1.6 s longer, which capped the figure at ~285 saves/s even for an infinitely fast server.
With 200 respondents that offers about 200 / 0.5 s = 400 saves/s when the server keeps up;
the p99 latency shows whether it does. `--think-ms 0,0` runs them flat out (closed loop): then
latency is simply queueing, p50 ~ 200 / throughput (Little's law).

Afterwards the server is stopped and the database read directly: every answer whose save was
acknowledged must be there with the last acknowledged value (a later save of the same page
replaces the earlier one; a save that got no answer may have replaced it too). Prints, per
backend (`sqlite`, `postgres`), after comment lines with the details (CPU per save of the
server and of the load generator, the machine's load average: other jobs on the machine
lower the figures):

    BENCH collect_<backend>_saves_per_s <v> 1/s   acknowledged saves / wall time of the load
    BENCH collect_<backend>_p50_ms <v> ms         save latency seen by the client (POST -> 303)
    BENCH collect_<backend>_p99_ms <v> ms
    BENCH collect_<backend>_errors <v> n          saves not acknowledged (any other status, timeouts)
    BENCH collect_<backend>_lost <v> n            acknowledged answers missing or different in the DB

then the same again with `capacity_` after the backend (`collect_sqlite_capacity_saves_per_s`...):
a second round on a fresh database with no think time at all (closed loop, saturation; targets
>= 600 saves/s and p99 < 500 ms at saturation, 0 errors, 0 lost; `--no-capacity` skips it).

Targets on the 2-core machine: >= 300 saves/s, p99 < 250 ms, 0 errors, 0 lost. Bounded:
fixed counts, 30 s per request, 120 s per backend.

    .venv/bin/python bench/bench_collect.py [--backends sqlite,postgres] [--think-ms 200,800]

`--servers N` runs N server processes on the same database and spreads the respondents over
them, as a load balancer in front of N workers would (an experiment: `s3stresstest serve` runs
one process).
"""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import random
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlsplit

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))  # the server-process and PostgreSQL helpers of the tests
sys.path.insert(0, str(REPO / "src"))

RESPONDENTS = 200
SAVES_EACH = 10
THINK_MS = (200, 800)
WORKERS = 2  # `s3stresstest serve --workers 2`: one per core of the 2-core benchmark machine
REQUEST_TIMEOUT_S = 30
BACKEND_TIMEOUT_S = 120
TARGETS = {"saves_per_s": 300, "p99_ms": 250, "errors": 0, "lost": 0}
# closed loop (no think time): the saturation throughput and its tail latency
CAPACITY_TARGETS = {"saves_per_s": 600, "p99_ms": 500, "errors": 0, "lost": 0}


@dataclass
class Result:
    latencies: list = field(default_factory=list)  # seconds, acknowledged saves
    trace: list = field(default_factory=list)  # (start s since the load began, latency s, page, respondent)
    t0: float = 0.0
    errors: int = 0
    error_kinds: dict = field(default_factory=dict)
    acked: dict = field(default_factory=dict)  # token -> {item: last acknowledged value}
    unsure: dict = field(default_factory=dict)  # token -> {item: values of later saves that got no answer}
    wall_s: float = 0.0


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    s = sorted(values)  # nearest rank
    return s[max(0, min(len(s) - 1, math.ceil(q / 100 * len(s)) - 1))]


class Http:
    """A minimal HTTP/1.1 keep-alive client over asyncio streams: one connection, one cookie jar.

    The benchmark measures the server, so its client must be cheap: httpx spends about as much
    CPU on a request as the server spends on a save, which on this 2-core machine would halve
    what the server gets. This one handles what the survey pages answer (Content-Length or
    chunked bodies, Set-Cookie, Connection: close) and nothing more.
    """

    def __init__(self, host: str, port: int, timeout: float = REQUEST_TIMEOUT_S):
        self.host, self.port, self.timeout = host, port, timeout
        self.cookies: dict[str, str] = {}
        self.reader = self.writer = None

    async def request(self, method: str, path: str, form: dict | None = None) -> tuple[int, dict, bytes]:
        return await asyncio.wait_for(self._request(method, path, form), self.timeout)

    async def _request(self, method: str, path: str, form: dict | None) -> tuple[int, dict, bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        body = urlencode(form, doseq=True).encode() if form is not None else b""
        head = [f"{method} {path} HTTP/1.1", f"Host: {self.host}:{self.port}"]
        if self.cookies:
            head.append("Cookie: " + "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
        if form is not None:
            head += ["Content-Type: application/x-www-form-urlencoded", f"Content-Length: {len(body)}"]
        self.writer.write(("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + body)
        try:
            raw = await self.reader.readuntil(b"\r\n\r\n")
        except asyncio.IncompleteReadError as exc:
            await self.close()
            raise ConnectionError("connection closed before the answer") from exc
        lines = raw.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        headers: dict[str, str] = {}
        for line in lines[1:]:
            if ":" in line:
                k, v = line.split(":", 1)
                k, v = k.strip().lower(), v.strip()
                if k == "set-cookie":
                    name, _, value = v.split(";", 1)[0].partition("=")
                    if "max-age=0" in v.lower() or not value:
                        self.cookies.pop(name, None)
                    else:
                        self.cookies[name] = value
                headers[k] = v
        if headers.get("transfer-encoding", "").lower() == "chunked":
            chunks = []
            while True:
                size = int((await self.reader.readuntil(b"\r\n")).split(b";")[0], 16)
                chunks.append(await self.reader.readexactly(size + 2))
                if size == 0:
                    break
            data = b"".join(c[:-2] for c in chunks)
        else:
            data = await self.reader.readexactly(int(headers.get("content-length", "0")))
        if headers.get("connection", "").lower() == "close":
            await self.close()
        return status, headers, data

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            try:
                await self.writer.wait_closed()
            except OSError:
                pass
        self.reader = self.writer = None


async def respondent(
    host: str,
    port: int,
    token: str,
    plan: list,
    think: tuple[float, float],
    rng: random.Random,
    result: Result,
    n_pages: int,
) -> None:
    client = Http(host, port)
    try:
        await _respondent(client, token, plan, think, rng, result, n_pages)
    finally:
        await client.close()


async def _respondent(
    client, token: str, plan: list, think: tuple[float, float], rng: random.Random, result: Result, n_pages: int
) -> None:
    from browser_support import CSRF_RE, consent_form, stored_form

    def error(kind: str) -> None:
        result.errors += 1
        result.error_kinds[kind] = result.error_kinds.get(kind, 0) + 1

    await asyncio.sleep(rng.uniform(0, think[1]))  # arrivals spread over the first think time
    thinks = stratified(rng, think, len(plan))
    try:
        _status, _headers, notice = await client.request("GET", f"/s/{token}/consent")
        status, headers, _body = await client.request("POST", f"/s/{token}/consent", consent_form(notice.decode()))
        if status != 303 or headers.get("location") != f"/s/{token}/page/1":
            raise RuntimeError(f"consent refused: HTTP {status}")
        status, _headers, page = await client.request("GET", f"/s/{token}/page/1")
        csrf = CSRF_RE.search(page.decode()).group(1)
    except Exception as exc:  # noqa: BLE001 - every failure counts, each of its saves too
        for _ in plan:
            error(f"open: {type(exc).__name__}")
        return
    for (number, answers), pause in zip(plan, thinks, strict=True):
        if pause > 0:
            await asyncio.sleep(pause)
        following = f"/s/{token}/page/{number + 1}" if number < n_pages else f"/s/{token}/review"
        t0 = time.perf_counter()
        try:
            status, headers, _body = await client.request(
                "POST", f"/s/{token}/page/{number}", {**answers, "csrf_token": csrf, "nav": "next"}
            )
        except Exception as exc:  # noqa: BLE001 - no answer: the save may or may not have happened
            error(type(exc).__name__)
            for item, value in stored_form(answers).items():
                result.unsure.setdefault(token, {}).setdefault(item, set()).add(value)
            continue
        dt = time.perf_counter() - t0
        if status == 303 and headers.get("location") == following:
            result.latencies.append(dt)
            result.trace.append((t0 - result.t0, dt, number, token[:8]))
            saved = stored_form(answers)
            result.acked.setdefault(token, {}).update(saved)
            for item in saved:
                result.unsure.get(token, {}).pop(item, None)
        else:
            error(f"HTTP {status}")


def stratified(rng: random.Random, think: tuple[float, float], n: int) -> list[float]:
    """n think times, each uniform over [min, max] (one from each n-th of the range, in random order):
    every respondent thinks about n * mean in total. Independent draws made the slowest of the 200
    respondents think ~1.6 s longer than the mean, and the run's wall time is set by the slowest:
    even an infinitely fast server could not reach 300 saves/s (~285 with the default think time)."""
    lo, hi = think
    out = [lo + (k + rng.random()) / n * (hi - lo) for k in range(n)]
    rng.shuffle(out)
    return out


async def run_load(
    base_urls: list[str], tokens: list[str], think: tuple[float, float], saves_each: int, result: Result
) -> None:
    from browser_support import builtin_pages, page_answers

    instrument, pages = builtin_pages()
    rng = random.Random(2026)
    plans = []
    for _ in tokens:  # answers drawn before the clock starts
        plans.append(
            [
                (pages[i % len(pages)].number, page_answers(instrument, pages[i % len(pages)], rng))
                for i in range(saves_each)
            ]
        )
    where = [urlsplit(u) for u in base_urls]  # several servers: respondents spread over them in turn
    t0 = result.t0 = time.perf_counter()
    tasks = [
        asyncio.create_task(
            respondent(
                where[i % len(where)].hostname,
                where[i % len(where)].port,
                tok,
                plan,
                think,
                random.Random(i),
                result,
                len(pages),
            )
        )
        for i, (tok, plan) in enumerate(zip(tokens, plans, strict=True))
    ]
    _done, pending = await asyncio.wait(tasks, timeout=BACKEND_TIMEOUT_S)
    for t in pending:
        t.cancel()
    result.wall_s = time.perf_counter() - t0
    if pending:
        n_missing = len(tokens) * saves_each - len(result.latencies) - result.errors
        result.errors += n_missing
        result.error_kinds["unfinished at the time limit"] = n_missing


def process_cpu_s(pid: int) -> float:
    """User + system CPU seconds of a process so far (Linux /proc; 0 elsewhere)."""
    try:
        with open(f"/proc/{pid}/stat") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return 0.0


def tree_cpu_s(pid: int) -> float:
    """process_cpu_s of a process and all its descendants (a server with worker processes)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc") if os.path.isdir("/proc") else ():
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as fh:
                    ppid = int(fh.read().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            children.setdefault(ppid, []).append(int(entry))
    total, todo = 0.0, [pid]
    while todo:
        p = todo.pop()
        total += process_cpu_s(p)
        todo.extend(children.get(p, ()))
    return total


def postmaster_pid(srv) -> int | None:
    """The main process of a PostgreSQL cluster started by tests/pg.py (None for an external server)."""
    try:
        return int((srv.workdir / "data" / "postmaster.pid").read_text().split()[0])
    except (AttributeError, TypeError, OSError, ValueError, IndexError):
        return None


def count_lost(url: str, campaign_id: int, acked: dict, unsure: dict) -> tuple[int, int]:
    """(acknowledged answers, those missing or different in the database). A save that got no
    answer after the acknowledged one may have replaced it: its value counts as found too."""
    from s3stresstest.store import Store

    with Store.open(url) as store:
        rows = store.responses(campaign_id, submitted_only=False, include_language=False)
        saved = {(r, i): v for r, i, v in zip(rows["respondent_id"], rows["item"], rows["value"], strict=True)}
        n = lost = 0
        for token, answers in acked.items():
            rid = store.resolve_token(token)["respondent_id"]
            for item, value in answers.items():
                n += 1
                found = saved.get((rid, item))
                lost += found != value and found not in unsure.get(token, {}).get(item, ())
    return n, lost


def bench_backend(
    backend: str,
    url: str,
    workdir: Path,
    think: tuple[float, float],
    respondents: int,
    saves_each: int,
    servers: int = 1,
    workers: int = WORKERS,
    trace_to: Path | None = None,
    label: str = "",
    db_pid: int | None = None,
) -> dict:
    """One round; `db_pid`: the PostgreSQL server's main process, whose CPU per save is reported too."""
    from browser_support import WebServer, prepare_campaign

    prepared = prepare_campaign(url, respondents, admin=False)
    print(f"# {backend}: load average before the run {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores", flush=True)
    started = []
    result = Result()
    try:
        for k in range(servers):
            started.append(
                WebServer(
                    url,
                    workdir / f"server-{backend}-{k}.log",
                    env={"S3ST_TOKEN_RATE": "0", "S3ST_BAD_TOKEN_RATE": "0", "S3ST_WORKERS": str(workers)},
                ).start()
            )
        cpu0, own0 = sum(tree_cpu_s(s.pid) for s in started), time.process_time()
        db0 = tree_cpu_s(db_pid) if db_pid else 0.0
        asyncio.run(run_load([s.base_url for s in started], prepared.tokens, think, saves_each, result))
        server_cpu = sum(tree_cpu_s(s.pid) for s in started) - cpu0
        client_cpu = time.process_time() - own0
        db_cpu = tree_cpu_s(db_pid) - db0 if db_pid else None
    finally:
        for s in started:
            s.stop()
    if trace_to is not None:
        with open(trace_to / f"trace-{backend}.csv", "w") as fh:
            fh.write("start_s,latency_ms,page,respondent\n")
            for start, dt, page, who in sorted(result.trace):
                fh.write(f"{start:.4f},{dt * 1000:.1f},{page},{who}\n")
    acked_answers, lost = count_lost(url, prepared.campaign_id, result.acked, result.unsure)
    saves = len(result.latencies)
    figures = {
        "saves_per_s": saves / result.wall_s if result.wall_s else 0.0,
        "p50_ms": percentile(result.latencies, 50) * 1000,
        "p99_ms": percentile(result.latencies, 99) * 1000,
        "errors": result.errors,
        "lost": lost,
    }
    print(
        f"# {backend}: {servers} server(s) of {workers} worker process(es), "
        f"{respondents} respondents x {saves_each} saves, think "
        f"{think[0] * 1000:.0f}-{think[1] * 1000:.0f} ms: {saves} acknowledged in {result.wall_s:.1f} s, max "
        f"{max(result.latencies, default=0) * 1000:.0f} ms; {acked_answers} acknowledged answers, "
        f"{acked_answers - lost} found in the database" + (f"; errors: {result.error_kinds}" if result.errors else ""),
        flush=True,
    )
    if saves:
        print(
            f"# {backend}: CPU per acknowledged save (opening page 1 included): server "
            f"{server_cpu / saves * 1000:.1f} ms, load generator {client_cpu / saves * 1000:.1f} ms"
            + (f", PostgreSQL {db_cpu / saves * 1000:.1f} ms" if db_cpu is not None else ""),
            flush=True,
        )
    name = f"collect_{backend}_{label}"
    print(f"BENCH {name}saves_per_s {figures['saves_per_s']:.0f} 1/s")
    print(f"BENCH {name}p50_ms {figures['p50_ms']:.0f} ms")
    print(f"BENCH {name}p99_ms {figures['p99_ms']:.0f} ms")
    print(f"BENCH {name}errors {figures['errors']} n")
    print(f"BENCH {name}lost {figures['lost']} n", flush=True)
    return figures


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--backends", default="sqlite,postgres")
    ap.add_argument("--respondents", type=int, default=RESPONDENTS)
    ap.add_argument("--saves", type=int, default=SAVES_EACH)
    ap.add_argument("--think-ms", default=f"{THINK_MS[0]},{THINK_MS[1]}", help="min,max think time before each save")
    ap.add_argument(
        "--servers",
        type=int,
        default=1,
        help="server processes on the same database (experiment: "
        "respondents are spread over them as a load balancer would); `s3stresstest serve` runs one",
    )
    ap.add_argument(
        "--workers",
        type=int,
        default=WORKERS,
        help="worker processes of each server (`s3stresstest serve --workers N`)",
    )
    ap.add_argument(
        "--keep",
        type=Path,
        default=None,
        help="keep the databases, server logs and a trace of every save (trace-<backend>.csv) in this folder",
    )
    ap.add_argument(
        "--no-capacity",
        action="store_true",
        help="skip the second, closed-loop round (think time 0: the saturation figures collect_<backend>_capacity_*)",
    )
    args = ap.parse_args(argv)
    lo, hi = (float(x) / 1000 for x in args.think_ms.split(","))
    rounds = [((lo, hi), "")] + ([] if args.no_capacity or hi == 0 else [((0.0, 0.0), "capacity_")])
    out = {}
    with tempfile.TemporaryDirectory(prefix="s3st-bench-collect-") as tmp:
        workdir = Path(args.keep or tmp)
        workdir.mkdir(parents=True, exist_ok=True)
        for backend in [b.strip() for b in args.backends.split(",") if b.strip()]:
            if backend not in ("sqlite", "postgres"):
                raise SystemExit(f"unknown backend '{backend}' (sqlite, postgres)")
            srv = None
            if backend == "postgres":
                import pg

                srv = pg.server()  # one throwaway cluster for both rounds, a fresh database each
            try:
                for think, label in rounds:
                    key = backend if not label else f"{backend}_capacity"
                    if srv is None:
                        url = f"sqlite:///{workdir / f'collect-{label}{int(time.time())}.db'}"
                    else:
                        url = srv.url(srv.new_database())
                    out[key] = bench_backend(
                        backend, url, workdir, think, args.respondents, args.saves, args.servers, args.workers,
                        args.keep, label, postmaster_pid(srv),
                    )  # fmt: skip
            finally:
                if srv is not None:
                    pg.stop()
    missed = [
        f"{b} {k}"
        for b, f in out.items()
        for k, target in (CAPACITY_TARGETS if b.endswith("_capacity") else TARGETS).items()
        if (f[k] < target if k == "saves_per_s" else f[k] >= target if k == "p99_ms" else f[k] > target)
    ]
    print(
        f"# targets (>= {TARGETS['saves_per_s']} saves/s, p99 < {TARGETS['p99_ms']} ms; at capacity "
        f">= {CAPACITY_TARGETS['saves_per_s']} saves/s, p99 < {CAPACITY_TARGETS['p99_ms']} ms; 0 errors, 0 lost): "
        + ("all met" if not missed else "MISSED " + ", ".join(missed)),
        flush=True,
    )
    return out


if __name__ == "__main__":
    main()
