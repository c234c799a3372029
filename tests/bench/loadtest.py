"""``make loadtest``: the API under load, served the way production serves it, beside the
data floor measured in the same run.

Serves ``DATABASE_URL`` (a ``manage.py seed_scale`` dataset on PostgreSQL; ``REDIS_URL`` for
the cache) with gunicorn and uvicorn workers (``gunicorn.conf.py``, ``DJANGO_DEBUG=0``), then
for each endpoint:

- saturated: ``wrk`` with 100 connections and no think time → requests/s and p50/p95/p99;
- 100 users, each waiting 1 s between its requests (a Python load generator) → requests/s,
  p50/p95/p99 and errors;
- ``POST /flights/quote`` (two legs over every aircraft; each request stores a quote): one
  user, then ten, without think time;

and prints the table, with each list endpoint's saturated rate as a multiple of the floor's
(the simplest correct DRF list over the same table: ``tests.bench.loadtest_urls``) and the
flight detail's against the floor's detail.

Environment: ``DURATION`` seconds per measurement (30), ``USERS`` (100), ``THINK`` seconds
(1.0), ``CONNECTIONS`` for wrk (100), ``ONLY`` comma-separated endpoint names, ``PORT``
(18080), ``WEB_CONCURRENCY`` (gunicorn's default). Development keys under ``var/`` stand in
for the production secrets; throttling stays on with limits no test reaches.
"""

from __future__ import annotations

import http.client
import json
import os
import platform
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
VAR = ROOT / "var"
sys.path.insert(0, str(ROOT))

DURATION = float(os.environ.get("DURATION", "30"))
USERS = int(os.environ.get("USERS", "100"))
THINK = float(os.environ.get("THINK", "1.0"))
CONNECTIONS = int(os.environ.get("CONNECTIONS", "100"))
PORT = int(os.environ.get("PORT", "18080"))
ONLY = {name for name in os.environ.get("ONLY", "").split(",") if name}
WRK_REPORT = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('{"requests": %d, "seconds": %f, "p50": %f, "p95": %f, "p99": %f, "errors": %d}\\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1e3, latency:percentile(95) / 1e3,
    latency:percentile(99) / 1e3, e.connect + e.read + e.write + e.status + e.timeout))
end
"""


@dataclass(frozen=True)
class Endpoint:
    name: str
    path: str
    floor: str  # the floor it is compared with ("" for the floors themselves)
    body: str = ""  # a JSON body to POST (measured by users only: each request writes)


@dataclass
class Result:
    rate: float
    p50: float
    p95: float
    p99: float
    errors: int


def server_environment() -> dict[str, str]:
    """Production settings (DEBUG off) with the development keys of ``var/``."""
    from jetops.config import EnvReader, dev_secret, read_fernet_keys, read_jwt_keys

    dev_secret(VAR / "secret_key.txt")
    read_jwt_keys(EnvReader({}), VAR / "jwt", allow_generate=True)
    read_fernet_keys(EnvReader({}), "FIELD_ENCRYPTION_KEYS", VAR / "field_keys.txt", allow_generate=True)
    env = dict(os.environ)
    for name in (
        "DJANGO_DEBUG",
        "DJANGO_SECRET_KEY",
        "FIELD_ENCRYPTION_KEYS",
        "JWT_PRIVATE_KEY",
        "JWT_PUBLIC_KEY",
    ):
        env.pop(name, None)
    env.update(
        DJANGO_SETTINGS_MODULE="tests.bench.loadtest_settings",
        DJANGO_SECRET_KEY_FILE=str(VAR / "secret_key.txt"),
        JWT_PRIVATE_KEY_FILE=str(VAR / "jwt" / "private.pem"),
        JWT_PUBLIC_KEY_FILE=str(VAR / "jwt" / "public.pem"),
        FIELD_ENCRYPTION_KEYS_FILE=str(VAR / "field_keys.txt"),
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DJANGO_SECURE_SSL_REDIRECT="0",
        THROTTLE_USER="100000000/min",
        THROTTLE_ANON="100000000/min",
        THROTTLE_QUOTE="100000000/min",
        HOST="127.0.0.1",
        PORT=str(PORT),
    )
    return env


def prepare(env: dict[str, str]) -> tuple[Callable[[], str], list[Endpoint]]:
    """A maker of access tokens for a staff user (a run outlasts one token) and the
    endpoints, with ids and dates from the data."""
    os.environ.update(env)
    import django

    django.setup()
    from django.utils import timezone

    from flights.models import Flight
    from jetops.auth.tokens import access_issue
    from jetops.models import User
    from jetops.permissions import user_can

    staff = [u for u in User.objects.filter(is_active=True).order_by("pk") if u.is_staff]
    user = next(
        (u for u in staff if user_can(u, "flights.view_flight") and user_can(u, "crew.view_crewmember")), None
    )
    if user is None:
        sys.exit("No staff user may read flights and crew: load a dataset first (manage.py seed_scale).")

    def token() -> str:
        return access_issue(user, otp_at=timezone.now(), family_id=None)

    now = datetime.now(UTC).replace(microsecond=0)
    middle = Flight.objects.order_by("pk").values_list("pk", flat=True)[Flight.objects.count() // 2]

    def iso(at: datetime) -> str:
        return at.strftime("%Y-%m-%dT%H:%M:%SZ")

    endpoints = [
        Endpoint("floor", "/loadtest/floor/flights", ""),
        Endpoint("floor-detail", f"/loadtest/floor/flights/{middle}", ""),
        Endpoint("flights", "/api/v1/flights", "floor"),
        Endpoint("flights-scheduled", f"/api/v1/flights?status=scheduled&date_from={iso(now)}", "floor"),
        Endpoint(
            "flights-completed-month",
            f"/api/v1/flights?status=completed&date_from={iso(now - timedelta(days=30))}&date_to={iso(now)}",
            "floor",
        ),
        Endpoint("clients-search", "/api/v1/clients?search=smith", "floor"),
        Endpoint("aircraft", "/api/v1/aircraft", "floor"),
        Endpoint("flight-detail", f"/api/v1/flights/{middle}", "floor-detail"),
        Endpoint("crew", "/api/v1/crew", "floor"),
        Endpoint(
            "crew-assignments-week",
            f"/api/v1/crew/assignments?from={iso(now)}&to={iso(now + timedelta(days=7))}",
            "floor",
        ),
    ]
    endpoints.append(Endpoint("quote", "/api/v1/flights/quote", "", quote_body(now)))
    wanted = ONLY | {e.floor for e in endpoints if e.name in ONLY}
    return token, [e for e in endpoints if not ONLY or e.name in wanted]


def quote_body(now: datetime) -> str:
    """A two-leg round trip between the two airports the fleet flies most, for the client
    with the most trips, over every aircraft (``POST /flights/quote``), a week after the last
    flight booked: every aircraft is free, so each is priced and stored as an option."""
    from django.db.models import Count, Max

    from flights.models import Flight

    busiest = Flight.objects.values("client_id").annotate(n=Count("id")).order_by("-n")[0]["client_id"]
    routes = Flight.objects.values("departure_airport", "arrival_airport").annotate(n=Count("id"))
    route = routes.order_by("-n")[0]
    last = Flight.objects.aggregate(last=Max("busy_until"))["last"] or now
    out = (max(last, now) + timedelta(days=7)).replace(hour=14, minute=0, second=0)
    legs = [
        (route["departure_airport"], route["arrival_airport"], out),
        (route["arrival_airport"], route["departure_airport"], out + timedelta(days=2)),
    ]
    return json.dumps(
        {
            "client_id": busiest,
            "legs": [
                {
                    "departure_airport": dep,
                    "arrival_airport": arr,
                    "departure_datetime": at.isoformat(),
                    "passengers": 2,
                }
                for dep, arr, at in legs
            ],
        }
    )


def serve(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    server = subprocess.Popen(  # noqa: S603
        [str(Path(sys.executable).parent / "gunicorn"), "jetops.asgi:application"],
        cwd=ROOT,
        env=env,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{PORT}/healthz", timeout=5) as answer:  # noqa: S310
                if answer.status == 200:
                    return server
        except OSError:
            time.sleep(0.5)
    server.terminate()
    sys.exit(f"The server did not answer /healthz within 90 s; see {log}.")


def saturate(endpoint: Endpoint, token: str, script: Path) -> Result:
    command = [
        "wrk",
        "-t2",
        f"-c{CONNECTIONS}",
        f"-d{max(1, round(DURATION))}s",
        "--timeout",
        "10s",
        "-s",
        str(script),
        "-H",
        f"Authorization: Bearer {token}",
        f"http://127.0.0.1:{PORT}{endpoint.path}",
    ]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout  # noqa: S603
    report = json.loads(output.strip().splitlines()[-1])
    return Result(
        report["requests"] / report["seconds"], report["p50"], report["p95"], report["p99"], report["errors"]
    )


def users(endpoint: Endpoint, token: str, count: int = USERS, think: float = THINK) -> Result:
    """``count`` users, each on its own keep-alive connection, waiting ``think`` s between
    requests, for ``DURATION`` s."""
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop = time.monotonic() + DURATION
    method, expected = ("POST", 201) if endpoint.body else ("GET", 200)
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

    def user(offset: float) -> None:
        time.sleep(offset)
        conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
        while time.monotonic() < stop:
            started = time.perf_counter()
            try:
                conn.request(method, endpoint.path, body=endpoint.body or None, headers=headers)
                answer = conn.getresponse()
                answer.read()
                ok = answer.status == expected
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
                ok = False
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                latencies.append(elapsed)
                errors[0] += not ok
            time.sleep(think)
        conn.close()

    threads = [threading.Thread(target=user, args=(think * n / count,)) for n in range(count)]
    began = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.monotonic() - began
    if len(latencies) < 2:
        return Result(len(latencies) / seconds, float("nan"), float("nan"), float("nan"), errors[0])
    cuts = statistics.quantiles(latencies, n=100)
    return Result(len(latencies) / seconds, cuts[49], cuts[94], cuts[98], errors[0])


def table(results: dict[str, tuple[Endpoint, Result, Result]]) -> str:
    lines = [
        f"| endpoint | req/s saturated | × floor | p50/p95/p99 saturated (ms) | req/s at {USERS} users | "
        f"p50/p95/p99 at {USERS} users, {THINK:g} s think (ms) | errors |",
        "|---|---|---|---|---|---|---|",
    ]
    for endpoint, saturated, loaded in results.values():
        if endpoint.body:
            continue
        floor = results.get(endpoint.floor)
        ratio = f"{saturated.rate / floor[1].rate:.2f}" if floor and floor[1].rate else "—"
        lines.append(
            f"| `{endpoint.name}` | {saturated.rate:.0f} | {ratio} | {saturated.p50:.0f}/{saturated.p95:.0f}/"
            f"{saturated.p99:.0f} | {loaded.rate:.0f} | {loaded.p50:.0f}/{loaded.p95:.0f}/{loaded.p99:.0f} | "
            f"{saturated.errors + loaded.errors} |"
        )
    for endpoint, one, ten in results.values():
        if endpoint.body:
            lines.append(
                f"\n`POST {endpoint.path}` (2 legs, every aircraft): 1 user, no think: {one.rate:.1f} req/s, "
                f"p50/p95/p99 {one.p50:.0f}/{one.p95:.0f}/{one.p99:.0f} ms; 10 users, no think: "
                f"{ten.rate:.1f} req/s, p50/p95/p99 {ten.p50:.0f}/{ten.p95:.0f}/{ten.p99:.0f} ms; "
                f"errors {one.errors + ten.errors}"
            )
    return "\n".join(lines)


def machine() -> str:
    """When and on what the figures were measured: date, CPUs, PostgreSQL and the data's size."""
    from django.db import connection

    from flights.models import Flight

    model = platform.processor() or platform.machine()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        names = [
            line.split(":", 1)[1].strip()
            for line in cpuinfo.read_text().splitlines()
            if line.startswith("model name")
        ]
        model = names[0] if names else model
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0]
    return (
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC; {os.cpu_count()} CPUs ({model}); PostgreSQL {version}; "
        f"{Flight.objects.count():,} flights"
    )


def main() -> None:
    if "DATABASE_URL" not in os.environ:
        sys.exit("Set DATABASE_URL to the PostgreSQL database holding a seed_scale dataset.")
    env = server_environment()
    token, endpoints = prepare(env)
    work = Path(tempfile.mkdtemp(prefix="jetops-loadtest-"))
    script = work / "report.lua"
    script.write_text(WRK_REPORT)
    server = serve(env, work / "server.log")
    results: dict[str, tuple[Endpoint, Result, Result]] = {}
    try:
        for endpoint in endpoints:
            print(f"{endpoint.name}: {endpoint.path}", flush=True)
            if endpoint.body:  # a write: one user after another, then ten at once
                results[endpoint.name] = (
                    endpoint,
                    users(endpoint, token(), 1, 0),
                    users(endpoint, token(), 10, 0),
                )
            else:
                results[endpoint.name] = (
                    endpoint,
                    saturate(endpoint, token(), script),
                    users(endpoint, token()),
                )
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    workers = env.get("WEB_CONCURRENCY", "gunicorn.conf.py's default")
    print(f"\n{machine()}")
    print(f"{DURATION:g} s per measurement, {workers} web workers, wrk -c{CONNECTIONS}; server log: {work}")
    print(table(results))


if __name__ == "__main__":
    main()
