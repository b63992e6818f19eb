"""Sale-like postings through the HTTP API by 16 concurrent clients, and GET ATP latency.

Server: the API under uvicorn (uvloop + httptools) in its own process on a loopback port,
against a fresh database seeded with 200 stores and stock. Clients: 16 keep-alive connections
driven by ``wrk`` (C, from Debian's package, so the load generator does not eat the server's
CPU), each request one sale (store → customer) with its own Idempotency-Key; without ``wrk``,
16 Python threads with httpx (reported as ``client``).
Baseline in the same run: the same sales through the Python service layer (``Ledger.post``),
16 threads, no HTTP. Then 500 sequential ``GET /items/{sku}/atp?by=site`` for an item stocked at
200 sites.

Targets (issue 3): ≥ 800 postings/s with p99 ≤ 50 ms; GET ATP p99 ≤ 20 ms.
"""

from __future__ import annotations

import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import httpx
from common import Timer, emit, fresh_database, log, parser, ready_app, seed_network, summary_ms

from jxc.access import services as access
from jxc.inventory.commands import MoveLine, PostStock

CLIENTS = 16


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


WRK_SCRIPT = """
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end
function init(args)
  counter = 0
end
local sales = {SALES}
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer {TOKEN}"
function request()
  counter = counter + 1
  local sale = sales[(counter * 7 + tid) % #sales + 1]
  wrk.headers["Idempotency-Key"] = "wrk-" .. tid .. "-" .. counter
  wrk.body = '{"kind":"sale","lines":[{"sku":"' .. sale[1] .. '","quantity":"1","from_site":"' .. sale[2] .. '","to_site":"@customer"}]}'
  return wrk.format(nil, "/api/v1/movements")
end
function done(summary, latency, requests)
  io.write(string.format("JXC %d %d %d %.3f %.3f %.3f\\n", summary.requests, summary.duration,
    summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
"""


def run_wrk(base: str, sales: list[tuple[str, str]], seconds: int, token: str) -> tuple[float, dict[str, float]]:
    """16 connections for ``seconds``: (requests/s, latency summary in ms); fails on any non-2xx."""
    table = ", ".join(f'{{"{sku}", "{site}"}}' for sku, site in sales[:2000])
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT.replace("{SALES}", "{" + table + "}").replace("{TOKEN}", token))
    out = subprocess.run(
        ["wrk", "-t2", f"-c{CLIENTS}", f"-d{seconds}s", "-s", script.name, base.removesuffix("/api/v1")],
        capture_output=True, text=True, check=True,
    ).stdout
    os.unlink(script.name)
    line = next(row for row in out.splitlines() if row.startswith("JXC "))
    requests, duration_us, errors, p50, p99, worst = line.split()[1:]
    if int(errors):
        raise RuntimeError(f"wrk saw {errors} failed requests:\n{out}")
    return int(requests) / (int(duration_us) / 1e6), {"p50_ms": float(p50), "p99_ms": float(p99),
                                                       "max_ms": float(worst)}


def main() -> None:
    p = parser("API benchmark")
    p.add_argument("--postings", type=int, default=8000)
    p.add_argument("--sites", type=int, default=200)
    p.add_argument("--items", type=int, default=200)
    p.add_argument("--workers", type=int, default=1, help="uvicorn worker processes")
    p.add_argument("--atp-queries", type=int, default=500)
    p.add_argument("--seconds", type=int, default=15, help="wrk duration")
    args = p.parse_args()
    if args.backend == "postgres":
        raise SystemExit("the API benchmark runs on the embedded SQLite file (the server is a separate process)")
    rng = random.Random(5)
    with fresh_database(args.backend, args.pg_url, label="api") as db:
        app = ready_app(db)
        sites, skus = seed_network(app, sites=args.sites, items=args.items)
        app.ledger.import_postings(app.uow, [
            PostStock(idempotency_key=f"stock:{sku}:{site}", lines=(
                MoveLine(sku=sku, quantity=100_000, from_site="@supplier", to_site=site),))
            for sku in skus[:20] for site in sites
        ])
        sales = [(skus[rng.randrange(20)], sites[rng.randrange(len(sites))]) for _ in range(2 * args.postings)]
        with app.uow() as uow:  # every request is signed in, as in production
            access.add_user(uow, username="bench", password="bench-password-1", roles=["purchasing_director"])

        # Baseline: the service layer, 16 threads, no HTTP.
        def direct(n: int) -> float:
            sku, site = sales[n]
            with Timer() as one, app.uow() as uow:
                app.ledger.post(uow, PostStock(idempotency_key=f"direct:{n}", kind="sale", lines=(
                    MoveLine(sku=sku, quantity=1, from_site=site, to_site="@customer"),)))
            return one.seconds

        with Timer() as direct_time, ThreadPoolExecutor(CLIENTS) as pool:
            direct_latency = list(pool.map(direct, range(args.postings)))
        app.engine.dispose()

        port = free_port()
        env = {**os.environ, "JXC_DATABASE_URL": db.url, "JXC_SECRET_KEY": app.secret}
        server = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "jxc.api.server:api", "--host", "127.0.0.1", "--port", str(port),
             "--workers", str(args.workers), "--log-level", "warning"],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )
        base = f"http://127.0.0.1:{port}/api/v1"
        try:
            deadline = time.monotonic() + 30
            while True:
                try:
                    if httpx.get(f"{base}/openapi.json", timeout=1).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError(server.stderr.read().decode() if server.stderr else "server did not start")
                time.sleep(0.2)
            login = httpx.post(f"{base}/auth/login", json={"username": "bench", "password": "bench-password-1"})
            token = login.json()["access_token"]
            auth = {"Authorization": f"Bearer {token}"}
            clients = [httpx.Client(base_url=base, timeout=30, headers=auth) for _ in range(CLIENTS)]

            def over_http(n: int) -> float:
                sku, site = sales[args.postings + n]
                client = clients[n % CLIENTS]
                with Timer() as one:
                    response = client.post("/movements", headers={"Idempotency-Key": f"api:{n}"}, json={
                        "kind": "sale", "lines": [{"sku": sku, "quantity": "1", "from_site": site,
                                                   "to_site": "@customer"}]})
                assert response.status_code == 201, response.text
                return one.seconds

            if shutil.which("wrk"):
                log(f"wrk: {CLIENTS} connections for {args.seconds} s, {args.workers} server worker(s) …")
                http_rate, http_summary = run_wrk(base, sales, args.seconds, token)
                load_generator = "wrk"
            else:
                log(f"{args.postings:,} sales over HTTP from {CLIENTS} httpx threads, {args.workers} server workers …")
                with Timer() as http_time, ThreadPoolExecutor(CLIENTS) as pool:
                    http_latency = list(pool.map(over_http, range(args.postings)))
                http_rate, http_summary = args.postings / http_time.seconds, summary_ms(http_latency)
                load_generator = "httpx-threads"
            atp_latency = []
            for _ in range(args.atp_queries):
                with Timer() as one:
                    response = clients[0].get(f"/items/{skus[0]}/atp", params={"by": "site"})
                assert response.status_code == 200 and len(response.json()["groups"]) == args.sites
                atp_latency.append(one.seconds)
            for client in clients:
                client.close()
        finally:
            server.terminate()
            server.wait(timeout=30)

    direct_rate = args.postings / direct_time.seconds
    atp_summary = summary_ms(atp_latency)
    emit({
        "benchmark": "api_postings", "backend": args.backend, "clients": CLIENTS, "load_generator": load_generator,
        "server_workers": args.workers, "http_postings_per_s": round(http_rate), "http_latency": http_summary,
        "service_postings_per_s": round(direct_rate), "service_latency": summary_ms(direct_latency),
        "ratio_http_vs_service": round(http_rate / direct_rate, 3), "atp_get_latency": atp_summary,
        "target": {"postings_per_s": 800, "p99_ms": 50, "atp_p99_ms": 20},
        "meets_target": http_rate >= 800 and http_summary["p99_ms"] <= 50 and atp_summary["p99_ms"] <= 20,
    })


if __name__ == "__main__":
    main()
