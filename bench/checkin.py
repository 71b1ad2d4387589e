"""Time the check-in API as doors use it: gunicorn on PostgreSQL, 2,000 confirmed people, 20 paired stations.

Usage: .venv/bin/python bench/checkin.py [--people 2000] [--stations 20] [--rate 200] [--seconds 12]
       [--clients 50] [--peak-seconds 10] [--workers 3] [--threads 4]

A fresh PostgreSQL database is built by the migrations and filled with the demo convening (program,
speakers), its seat limits lifted, and --people confirmed people registered in one transaction through
registration.services.add_registrations (speakers first, then the demo's sample attendees, all on the free
ticket), plus --stations front-door stations with their bearer keys. Then gunicorn serves wsgi:app on a free
local port as production runs it (CONVENING_ENV=production, gthread workers, the rate limiter off), and this
process sends real HTTP requests to POST /api/checkin over one kept-alive connection per client:

  pace  --stations stations send --rate scans per second in all for --seconds, open loop: each scan leaves
        at its scheduled moment whatever became of the one before. Most are a badge's first scan (ok), some
        a badge scanned a second or more earlier (already checked in), a few a token nobody holds (unknown).
        Latency runs from the scheduled moment to the answer, so a station that falls behind is counted.
  peak  --clients clients sharing the station keys scan as fast as answers come back for --peak-seconds:
        mostly people already in (the full path, row lock included), some not yet in, a few unknown.

Afterwards the database must hold exactly one "ok" at the front door per person admitted. Prints the
figures and the targets of issue 6 with OK or MISSED; exits 1 when a target is missed. The load generator
runs on the same machine as gunicorn and PostgreSQL and takes its share of the CPUs. Each phase also prints
the CPU milliseconds per scan of gunicorn's processes, the database's backends and this process: other work
on the machine stretches the wall times, not what a scan costs, and 2,000 ms of CPU per second on two cores
divided by that sum is the most scans per second this machine can answer.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import secrets
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

from flask import Flask
from sqlalchemy import func, select, text

import benchkit  # first: it selects the testing configuration before convening is imported
from convening.audit.services import COMMAND_LINE
from convening.badges.tokens import new_token
from convening.checkin.models import CheckIn, CheckInResult
from convening.checkin.services import create_station
from convening.convenings.models import Convening
from convening.convenings.services import by_slug
from convening.demo import data
from convening.demo.services import sample_attendees
from convening.extensions import db
from convening.program.models import Speaker
from convening.registration.models import TicketType
from convening.registration.services import AttendeeDetails, add_registrations, lock_convening
from convening.sqltypes import utcnow

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
TARGET_P95_MS = 30.0
TARGET_PEAK_PER_SECOND = 500.0
REPEAT_SHARE = 0.15  # pace: scans of a badge already in
UNKNOWN_SHARE = 0.05  # pace and peak: tokens nobody holds
FRESH_PEAK_SHARE = 0.10  # peak: people not yet in, while they last
KEPT_FOR_PEAK = 200  # people nobody scans at pace, so the peak admits some too
REPEAT_AFTER = 1.0  # seconds: a repeat is of a badge scheduled at least this long before
WARMUP_SCANS = 20  # per worker thread, roughly: unknown tokens, untimed
STARTUP_SECONDS = 30.0


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--people", type=int, default=2000, help="confirmed people stored before timing")
    parser.add_argument("--stations", type=int, default=20, help="front-door stations (bearer keys)")
    parser.add_argument("--rate", type=float, default=200.0, help="scans per second in all at pace")
    parser.add_argument("--seconds", type=float, default=12.0, help="how long the pace lasts")
    parser.add_argument("--clients", type=int, default=50, help="clients scanning flat out at peak")
    parser.add_argument("--peak-seconds", type=float, default=10.0, help="how long the peak lasts")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=4, help="gunicorn threads per worker (gthread)")
    args = parser.parse_args()
    if args.people <= KEPT_FOR_PEAK or args.stations < 1 or args.clients < 1:
        parser.error(f"--people must be over {KEPT_FOR_PEAK}, --stations and --clients at least 1")
    if args.rate <= 0 or args.seconds <= 0 or args.peak_seconds <= 0 or args.workers < 1 or args.threads < 1:
        parser.error("--rate, --seconds, --peak-seconds, --workers and --threads must be positive")
    return args


# --- the database ------------------------------------------------------------------------------------


@dataclass
class Seeded:
    slug: str
    tokens: list[str]  # every confirmed person's badge token, shuffled
    keys: list[str]  # the stations' bearer keys


def seed(app: Flask, people_count: int, stations: int) -> Seeded:
    """The demo convening with `people_count` confirmed people and `stations` front-door stations."""
    with app.app_context():
        convening = benchkit.demo_without_limits()
        slug = convening.slug
        lock_convening(convening.id)
        registrations = add_registrations(
            convening, people(convening, people_count), now=utcnow(), notify=False, actor=COMMAND_LINE
        )
        db.session.commit()
        tokens = [registration.badge_token for registration in registrations]
        keys = [
            create_station(convening, f"Front door {number + 1}", session_id=None, actor=COMMAND_LINE).key
            for number in range(stations)
        ]
    random.Random(2027).shuffle(tokens)
    return Seeded(slug, tokens, keys)


def people(convening: Convening, count: int) -> list[tuple[TicketType, AttendeeDetails]]:
    """Speakers first (their answers say "Speaker"), then sample attendees, all on the free ticket."""
    free = next(t for t in convening.ticket_types if t.name == data.ELECTED_OFFICIAL)
    chosen = []
    emails = set()
    for speaker in db.session.scalars(select(Speaker).where(Speaker.convening_id == convening.id)):
        first_name, _, family_name = speaker.name.rpartition(" ")
        details = AttendeeDetails(
            first_name=first_name or family_name,
            family_name=family_name if first_name else "",
            email=speaker.email,
            title=speaker.title,
            organization=speaker.organization,
        )
        chosen.append((free, details))
        emails.add(details.email)
    for attendee in sample_attendees(2027):
        if len(chosen) >= count:
            break
        if attendee.details.email not in emails:
            chosen.append((free, attendee.details))
            emails.add(attendee.details.email)
    return chosen[:count]


def front_door_oks(app: Flask, slug: str) -> tuple[int, int]:
    """Front-door "ok" rows, and how many people have more than one of them (must be none)."""
    with app.app_context():
        convening = by_slug(slug)
        assert convening is not None
        per_person = (
            select(CheckIn.registration_id, func.count().label("oks"))
            .where(
                CheckIn.convening_id == convening.id,
                CheckIn.session_id.is_(None),
                CheckIn.result == CheckInResult.OK,
            )
            .group_by(CheckIn.registration_id)
            .subquery()
        )
        rows = db.session.scalar(select(func.coalesce(func.sum(per_person.c.oks), 0)))
        doubled = db.session.scalar(select(func.count()).select_from(per_person).where(per_person.c.oks > 1))
    return int(rows or 0), int(doubled or 0)


# --- the server --------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


@contextmanager
def gunicorn(database_url: str, workdir: Path, workers: int, threads: int) -> Iterator[tuple[int, int]]:
    """gunicorn serving wsgi:app in production mode on a free port, until it answers; stopped afterwards.

    Yields the port and the master's process id."""
    port = free_port()
    env = {
        **os.environ,
        "CONVENING_ENV": "production",
        "SECRET_KEY": "bench-" + secrets.token_urlsafe(32),
        "DATABASE_URL": database_url,
        "RATELIMIT_ENABLED": "false",
        "PUBLIC_URL": "https://convening.example.org",
    }
    command = [
        str(ROOT / ".venv" / "bin" / "gunicorn"),
        "--bind",
        f"{HOST}:{port}",
        "--worker-class",
        "gthread",
        "--workers",
        str(workers),
        "--threads",
        str(threads),
        "--keep-alive",
        "60",
        "--log-level",
        "warning",
        "wsgi:app",
    ]
    log_path = workdir / "gunicorn.log"
    with open(log_path, "wb") as log:
        server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_until_up(server, port, log_path)
        yield port, server.pid
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def wait_until_up(server: subprocess.Popen[bytes], port: int, log_path: Path) -> None:
    """Until the API answers (401 without a key); fails with gunicorn's log when it exits or never answers."""
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {server.returncode}:\n{log_path.read_text()[-3000:]}")
        try:
            connection = http.client.HTTPConnection(HOST, port, timeout=2)
            connection.request(
                "POST", "/api/checkin", body=b"{}", headers={"Content-Type": "application/json"}
            )
            status = connection.getresponse().status
            connection.close()
            if status == 401:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer in {STARTUP_SECONDS:.0f} s:\n{log_path.read_text()[-3000:]}")


# --- CPU accounting ----------------------------------------------------------------------------------


TICKS = os.sysconf("SC_CLK_TCK")


def cpu_of(pid: int) -> float:
    """CPU seconds a process has used (user and system), 0 for one that is gone."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as file:
            fields = file.read().rpartition(")")[2].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICKS


def children_of(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text(encoding="ascii")
            except OSError:
                continue
            if int(stat.rpartition(")")[2].split()[1]) == pid:
                found.append(int(entry.name))
    return found


@dataclass
class CpuMeter:
    """Who burns the CPUs during a phase: gunicorn's workers, the database's backends, this process.

    The other work on the machine stretches wall times; CPU seconds per scan say what a scan costs."""

    app: Flask
    server_pid: int

    def sample(self) -> dict[str, dict[int, float]]:
        with self.app.app_context():
            backends = db.session.scalars(
                text("SELECT pid FROM pg_stat_activity WHERE datname = current_database()")
            ).all()
            db.session.rollback()
        return {
            "gunicorn": {pid: cpu_of(pid) for pid in [self.server_pid, *children_of(self.server_pid)]},
            "postgres": {pid: cpu_of(pid) for pid in backends},
            "load generator": {os.getpid(): cpu_of(os.getpid())},
        }

    @staticmethod
    def per_scan(before: dict[str, dict[int, float]], after: dict[str, dict[int, float]], scans: int) -> str:
        parts = []
        for name, pids in after.items():
            seconds = sum(cpu - before[name].get(pid, 0.0) for pid, cpu in pids.items())
            parts.append(f"{name} {seconds * 1000 / max(scans, 1):.1f}")
        return "CPU ms per scan: " + ", ".join(parts)


# --- the load ----------------------------------------------------------------------------------------


class Client:
    """One device: a kept-alive connection and its station key. A dropped connection is reopened and the
    scan sent again with the same nonce, which the API answers as the same scan."""

    def __init__(self, port: int, key: str) -> None:
        self.port = port
        self.headers = {"Content-Type": "application/json", "Authorization": f"Bearer {key}"}
        self.connection = http.client.HTTPConnection(HOST, port, timeout=30)

    def scan(self, token: str) -> str:
        body = json.dumps({"token": token, "nonce": secrets.token_urlsafe(12)}).encode()
        for attempt in (1, 2):
            try:
                self.connection.request("POST", "/api/checkin", body=body, headers=self.headers)
                response = self.connection.getresponse()
                answer = response.read()
                break
            except (http.client.RemoteDisconnected, ConnectionError):
                self.connection.close()
                self.connection = http.client.HTTPConnection(HOST, self.port, timeout=30)
                if attempt == 2:
                    raise
        if response.status != 200:
            return f"HTTP {response.status}"
        return json.loads(answer)["result"]

    def close(self) -> None:
        self.connection.close()


def unknown_token(rng: random.Random) -> str:
    """A well-formed token nobody holds, or now and then something that is not a token at all."""
    return new_token() if rng.random() < 0.8 else f"https://example.org/{rng.randrange(10**6)}"


@dataclass(frozen=True)
class Planned:
    at: float  # seconds after the start
    token: str


def plan_pace(tokens: list[str], rate: float, seconds: float) -> list[Planned]:
    """The door's scans in time order: first scans, repeats of earlier badges, and unknown tokens."""
    rng = random.Random(6)
    fresh = iter(tokens[:-KEPT_FOR_PEAK])
    scheduled: list[Planned] = []
    first_scans: list[Planned] = []
    for number in range(round(rate * seconds)):
        at = number / rate
        roll = rng.random()
        earlier = [p for p in first_scans[-400:] if p.at <= at - REPEAT_AFTER]
        token = None
        if roll < UNKNOWN_SHARE:
            token = unknown_token(rng)
        elif roll < UNKNOWN_SHARE + REPEAT_SHARE and earlier:
            token = rng.choice(earlier).token
        if token is None:
            token = next(fresh, None) or rng.choice(first_scans).token
            first_scans.append(Planned(at, token))
        scheduled.append(Planned(at, token))
    return scheduled


@dataclass
class Timed:
    results: Counter[str]
    latencies_ms: list[float]  # from the scheduled moment (pace) or the send (peak) to the answer
    service_ms: list[float]  # from the send to the answer
    elapsed: float
    errors: list[str]


def warm_up(port: int, keys: list[str], threads: int) -> None:
    """Open every worker's pool connections and code paths before timing (unknown tokens: nothing stored)."""

    def run(key: str) -> None:
        client = Client(port, key)
        for _ in range(WARMUP_SCANS):
            client.scan(new_token())
        client.close()

    workers = [threading.Thread(target=run, args=(keys[n % len(keys)],)) for n in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()


def run_pace(port: int, keys: list[str], planned: list[Planned]) -> Timed:
    """Each station sends its share of the plan on schedule; scan n goes to station n mod stations."""
    timed = Timed(Counter(), [], [], 0.0, [])
    lock = threading.Lock()
    start = time.perf_counter() + 0.5

    def station(index: int) -> None:
        client = Client(port, keys[index])
        for scan in planned[index :: len(keys)]:
            due = start + scan.at
            pause = due - time.perf_counter()
            if pause > 0:
                time.sleep(pause)
            sent = time.perf_counter()
            try:
                result = client.scan(scan.token)
            except OSError as error:
                result = f"error {type(error).__name__}"
                with lock:
                    timed.errors.append(str(error))
            done = time.perf_counter()
            with lock:
                timed.results[result] += 1
                timed.latencies_ms.append((done - due) * 1000)
                timed.service_ms.append((done - sent) * 1000)
        client.close()

    threads = [threading.Thread(target=station, args=(index,)) for index in range(len(keys))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    timed.elapsed = time.perf_counter() - start
    return timed


def run_peak(
    port: int, keys: list[str], admitted: list[str], kept: list[str], clients: int, seconds: float
) -> Timed:
    """`clients` devices scanning back to back: mostly people already in, some not yet in, a few unknown."""
    timed = Timed(Counter(), [], [], 0.0, [])
    lock = threading.Lock()
    waiting = list(kept)
    start = time.perf_counter()
    stop = start + seconds

    def device(index: int) -> None:
        rng = random.Random(index)
        client = Client(port, keys[index % len(keys)])
        while time.perf_counter() < stop:
            roll = rng.random()
            token = None
            if roll < UNKNOWN_SHARE:
                token = unknown_token(rng)
            elif roll < UNKNOWN_SHARE + FRESH_PEAK_SHARE:
                with lock:
                    token = waiting.pop() if waiting else None
            token = token or rng.choice(admitted)
            sent = time.perf_counter()
            try:
                result = client.scan(token)
            except OSError as error:
                result = f"error {type(error).__name__}"
                with lock:
                    timed.errors.append(str(error))
            done = time.perf_counter()
            with lock:
                timed.results[result] += 1
                timed.latencies_ms.append((done - sent) * 1000)
                timed.service_ms.append((done - sent) * 1000)
        client.close()

    threads = [threading.Thread(target=device, args=(index,)) for index in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    timed.elapsed = time.perf_counter() - start
    return timed


# --- the report --------------------------------------------------------------------------------------


def percentiles(values: list[float]) -> tuple[float, float, float, float]:
    """p50, p95, p99 and max of a list of at least two values."""
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    return cuts[49], cuts[94], cuts[98], max(values)


def describe_results(results: Counter[str]) -> str:
    return ", ".join(f"{name} {count}" for name, count in sorted(results.items(), key=lambda item: -item[1]))


def verdict(ok: bool) -> str:
    return "OK" if ok else "MISSED"


def main() -> int:
    args = parse_args()
    load_before = os.getloadavg()[0]  # before our own work: shows what else competes for the CPUs
    with ExitStack() as stack:
        workdir = stack.enter_context(benchkit.temporary_workdir())
        database_url = stack.enter_context(benchkit.fresh_database("postgresql", workdir))
        app = stack.enter_context(benchkit.bench_app(database_url, quiet_logger="convening.mail"))
        seeded = seed(app, args.people, args.stations)
        planned = plan_pace(seeded.tokens, args.rate, args.seconds)
        port, server_pid = stack.enter_context(gunicorn(database_url, workdir, args.workers, args.threads))
        meter = CpuMeter(app, server_pid)
        print(benchkit.machine(load_before))
        print(benchkit.describe("postgresql", app))
        print(
            f"server: gunicorn gthread, {args.workers} workers x {args.threads} threads, "
            f"CONVENING_ENV=production; load generator: Python threads with http.client in this process, "
            f"on the same {os.cpu_count()} CPUs as gunicorn and PostgreSQL"
        )
        print(f"data: {args.people} confirmed people, {args.stations} front-door stations", flush=True)
        warm_up(port, seeded.keys, args.workers * args.threads)

        before = meter.sample()
        pace = run_pace(port, seeded.keys, planned)
        pace_cpu = meter.per_scan(before, meter.sample(), len(pace.latencies_ms))
        p50, p95, p99, worst = percentiles(pace.latencies_ms)
        s50, s95, s99, _ = percentiles(pace.service_ms)
        pace_ok = p95 < TARGET_P95_MS and not pace.errors
        print(
            f"pace     {args.stations} stations, {len(planned)} scans planned at {args.rate:.0f}/s for "
            f"{args.seconds:.0f} s: achieved {len(pace.latencies_ms) / pace.elapsed:.0f}/s\n"
            f"         from schedule p50={p50:.1f} ms  p95={p95:.1f} ms  p99={p99:.1f} ms  "
            f"max={worst:.1f} ms\n"
            f"         from send     p50={s50:.1f} ms  p95={s95:.1f} ms  p99={s99:.1f} ms\n"
            f"         results: {describe_results(pace.results)}\n"
            f"         {pace_cpu}",
            flush=True,
        )
        pace_oks = pace.results[CheckInResult.OK.value]

        known = set(seeded.tokens)
        admitted = list(dict.fromkeys(p.token for p in planned if p.token in known))
        kept = seeded.tokens[-KEPT_FOR_PEAK:]
        before = meter.sample()
        peak = run_peak(port, seeded.keys, admitted, kept, args.clients, args.peak_seconds)
        peak_cpu = meter.per_scan(before, meter.sample(), len(peak.latencies_ms))
        rate = len(peak.latencies_ms) / peak.elapsed
        _, peak95, peak99, peak_worst = percentiles(peak.latencies_ms)
        peak_ok = rate >= TARGET_PEAK_PER_SECOND and not peak.errors
        print(
            f"peak     {args.clients} clients flat out for {args.peak_seconds:.0f} s: {rate:.0f} scans/s  "
            f"p95={peak95:.1f} ms  p99={peak99:.1f} ms  max={peak_worst:.1f} ms\n"
            f"         results: {describe_results(peak.results)}\n"
            f"         {peak_cpu}",
            flush=True,
        )

        rows, doubled = front_door_oks(app, seeded.slug)
        expected = pace_oks + peak.results[CheckInResult.OK.value]
        once_ok = doubled == 0 and rows == expected and pace_oks == len(admitted)
        print(
            f"check    front-door ok rows {rows} (answers said ok {expected}; people admitted at pace "
            f"{len(admitted)}, ok answers at pace {pace_oks}); people with two oks: {doubled}: "
            f"{verdict(once_ok)}"
        )
        for error in (pace.errors + peak.errors)[:5]:
            print(f"error    {error}")
        print(f"target   p95 < {TARGET_P95_MS:.0f} ms at {args.rate:.0f} scans/s: {verdict(pace_ok)}")
        print(f"target   peak >= {TARGET_PEAK_PER_SECOND:.0f} scans/s: {verdict(peak_ok)}")
        print(f"load average at the end {os.getloadavg()[0]:.2f}")
    return 0 if pace_ok and peak_ok and once_ok else 1


if __name__ == "__main__":
    sys.exit(main())
