"""`make bench`: reader's speed and size, measured on this machine and printed.

Builds a database of synthetic articles through the real import, serves it with the production
server (granian, one worker per core) and loads it with wrk on loopback; serves the same article
bytes from nginx in the same run for comparison. Prints a table and writes a JSON file."""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import resource
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import brotli

from . import CHECKOUT as ROOT

CONNECTIONS = 32


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(port: int, path: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", path)
            if conn.getresponse().status < 500:
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"nothing answered on port {port} within {seconds} s")


@contextmanager
def app_server(database: Path, workers: int, page_cache: bool = True,
               extra_env: dict[str, str] | None = None) -> Iterator[tuple[int, int]]:
    """The production server, started by `make serve` as the README says; yields (port, session)."""
    port = free_port()
    env = {**os.environ, "READER_DATABASE": str(database), "READER_LOAD_DEMO": "false",
           "READER_PAGE_CACHE": "true" if page_cache else "false", "HOST": "127.0.0.1",
           "READER_SITE_URL": "http://127.0.0.1", "PORT": str(port), "WORKERS": str(workers),
           **(extra_env or {})}
    proc = subprocess.Popen(["make", "--no-print-directory", "serve"], cwd=ROOT, env=env,
                            start_new_session=True, stdout=subprocess.DEVNULL)
    try:
        wait_for(port, "/hy/")
        yield port, proc.pid
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(30)


@contextmanager
def nginx_server(root: Path, workers: int) -> Iterator[int]:
    port = free_port()
    conf = root / "nginx.conf"
    conf.write_text(f"""
worker_processes {workers};
pid {root}/nginx.pid;
error_log {root}/error.log warn;
daemon off;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 1000000;
    client_body_temp_path {root}/tmp;
    proxy_temp_path {root}/tmp;
    fastcgi_temp_path {root}/tmp;
    uwsgi_temp_path {root}/tmp;
    scgi_temp_path {root}/tmp;
    server {{
        listen 127.0.0.1:{port};
        root {root}/www;
        default_type text/html;
    }}
}}
""")
    (root / "tmp").mkdir(exist_ok=True)
    proc = subprocess.Popen(["nginx", "-c", str(conf), "-p", str(root)])
    try:
        wait_for(port, "/article.html")
        yield port
    finally:
        proc.terminate()
        proc.wait(30)


def _ms(text: str) -> float:
    value, unit = re.match(r"([\d.]+)(us|ms|s)", text).groups()  # type: ignore[union-attr]
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


# Readers spread over the archive: each request the next address of a list drawn beforehand (by
# the load's distribution), with the compression browsers ask for, and a cookie from a list when
# given.
SPREAD_LUA = r"""
local paths, cookies, n = {}, {}, 0
init = function(args)
  for line in io.lines(args[1]) do paths[#paths + 1] = line end
  if args[2] then for line in io.lines(args[2]) do cookies[#cookies + 1] = line end end
  math.randomseed(os.time() + #paths + tonumber(tostring({}):sub(8), 16))
  n = math.random(#paths)
end
request = function()
  n = n % #paths + 1
  local headers = {["Accept-Encoding"] = "br, gzip"}
  if #cookies > 0 then headers["Cookie"] = cookies[n % #cookies + 1] end
  return wrk.format("GET", paths[n], headers)
end
"""


def wrk(port: int, path: str, seconds: int, cookie: str | None = None,
        spread: tuple[Path, Path | None] | None = None) -> dict[str, float]:
    """Requests per second and latency percentiles from wrk (2 threads, 32 connections); with
    `spread`, over a file of addresses (and one of cookies) instead of one address."""
    command = ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{seconds}s", "--latency"]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    target = [f"http://127.0.0.1:{port}{path}"]
    if spread is not None:
        script = spread[0].with_suffix(".lua")
        script.write_text(SPREAD_LUA)
        target = ["-s", str(script), target[0], "--", str(spread[0]), *([str(spread[1])] if spread[1] else [])]
    out = subprocess.run([*command, *target], check=True, capture_output=True, text=True).stdout
    result = {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))}  # type: ignore[union-attr]
    for pct in ("50", "99"):
        result[f"p{pct}_ms"] = _ms(re.search(rf"\s{pct}%\s+(\S+)", out).group(1))  # type: ignore[union-attr]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    result["errors"] = float(errors.group(1)) if errors else 0.0
    return result


def sequential_latency(port: int, paths: list[str]) -> dict[str, float]:
    """p50/p95 of one request at a time over a kept-alive connection."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    times = []
    for path in paths:
        started = time.perf_counter()
        conn.request("GET", path)
        response = conn.getresponse()
        response.read()
        times.append((time.perf_counter() - started) * 1000)
        assert response.status == 200, (path, response.status)
    times.sort()
    return {"p50_ms": statistics.median(times), "p95_ms": times[int(len(times) * 0.95) - 1],
            "requests": len(times)}


def alternating_latency(*servers: tuple[int, list[str]]) -> list[dict[str, float]]:
    """Like sequential_latency for several servers, one request to each in turn."""
    conns = [http.client.HTTPConnection("127.0.0.1", port, timeout=30) for port, _ in servers]
    times: list[list[float]] = [[] for _ in servers]
    for i in range(min(len(paths) for _, paths in servers)):
        for n, (conn, (_, paths)) in enumerate(zip(conns, servers, strict=True)):
            started = time.perf_counter()
            conn.request("GET", paths[i])
            response = conn.getresponse()
            response.read()
            times[n].append((time.perf_counter() - started) * 1000)
            assert response.status == 200, (paths[i], response.status)
    return [{"p50_ms": statistics.median(t), "p95_ms": sorted(t)[int(len(t) * 0.95) - 1],
             "requests": len(t)} for t in times]


def worker_memory(session: int) -> dict[int, tuple[float, float]]:
    """{pid: (resident MB now, peak MB)} of each worker: the processes of the server's session whose
    parent is the server's main process."""
    procs: dict[int, tuple[int, str, str]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            status = (stat.parent / "status").read_text()
            cmdline = (stat.parent / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except (OSError, IndexError):
            continue
        if int(fields[3]) == session:  # fields[3]: the session id
            procs[int(stat.parent.name)] = (int(fields[1]), cmdline, status)
    mains = {pid for pid, (_, cmd, _) in procs.items() if "granian" in cmd}
    found: dict[int, tuple[float, float]] = {}
    for pid, (ppid, _, status) in procs.items():
        rss = re.search(r"VmRSS:\s+(\d+) kB", status)
        hwm = re.search(r"VmHWM:\s+(\d+) kB", status)
        if ppid in mains and rss and hwm:
            found[pid] = (int(rss.group(1)) / 1024, int(hwm.group(1)) / 1024)
    return found


def worker_peak_mb(session: int) -> list[float]:
    """Peak resident memory (VmHWM) of each worker."""
    return [peak for _, peak in worker_memory(session).values()]


def import_articles(folder: Path, database: Path) -> tuple[int, float, float]:
    """Import every subfolder of `folder` (each an all-or-nothing run); (articles, seconds, CPU
    seconds of every process the imports ran: the commands and their parsing processes)."""
    env = {**os.environ, "READER_DATABASE": str(database), "READER_LOAD_DEMO": "false"}
    flask = str(Path(sys.executable).with_name("flask"))
    parts = sorted(p for p in folder.iterdir() if p.is_dir())
    batches = [parts[i : i + 10] for i in range(0, len(parts), 10)]
    started, cpu = time.perf_counter(), _children_cpu()
    for batch in batches:
        subprocess.run([flask, "--app", "app", "articles", "import", *map(str, batch)],
                       cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
    seconds, cpu = time.perf_counter() - started, _children_cpu() - cpu
    count = sqlite3.connect(database).execute("SELECT count(*) FROM articles").fetchone()[0]
    return count, seconds, cpu


def _children_cpu() -> float:
    """User and system CPU seconds of the finished child processes (and theirs, waited for)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def flask_env(database: Path) -> dict[str, str]:
    return {**os.environ, "READER_DATABASE": str(database), "READER_LOAD_DEMO": "false",
            "READER_SITE_URL": "http://127.0.0.1"}


def prepare_pages(database: Path, jobs: int) -> dict[str, float]:
    """`flask pages prepare` over the whole edition: pages, seconds, and the file's growth."""
    flask = str(Path(sys.executable).with_name("flask"))
    size = database.stat().st_size
    started = time.perf_counter()
    out = subprocess.run([flask, "--app", "app", "pages", "prepare", "--jobs", str(jobs)], cwd=ROOT,
                         env=flask_env(database), check=True, capture_output=True, text=True).stdout
    seconds = time.perf_counter() - started
    pages = int(re.search(r"prepared (\d+) page", out).group(1))  # type: ignore[union-attr]
    return {"pages": pages, "seconds": seconds, "per_s": pages / seconds,
            "mb_before": size / 1e6, "mb_after": database.stat().st_size / 1e6}


def one_article_update(work: Path, port: int) -> dict[str, float]:
    """Change one article's title and import it while the server runs: how long the import command
    takes, and how long after it ends readers (a fresh connection, no validator) see the change."""
    source = sorted((work / "articles").rglob("*.md"))[0]
    text = source.read_text(encoding="utf-8")
    slug = re.search(r"^slug: (.+)$", text, re.M).group(1).strip()  # type: ignore[union-attr]
    lang = re.search(r"^lang: (.+)$", text, re.M).group(1).strip()  # type: ignore[union-attr]
    path = f"/{lang}/articles/{slug}"
    title = f"Updated at {time.time():.0f}"
    changed = work / "update" / source.name
    changed.parent.mkdir(exist_ok=True)
    changed.write_text(re.sub(r"^title: .*$", f"title: {title}", text, count=1, flags=re.M), encoding="utf-8")
    flask = str(Path(sys.executable).with_name("flask"))
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", path, headers={"Accept-Encoding": "identity"})
    assert title.encode() not in conn.getresponse().read()
    started = time.perf_counter()
    subprocess.run([flask, "--app", "app", "articles", "import", str(changed)], cwd=ROOT,
                   env=flask_env(work / "big.sqlite3"), check=True, capture_output=True)
    imported = time.perf_counter()
    while True:
        conn.request("GET", path, headers={"Accept-Encoding": "identity"})
        if title.encode() in conn.getresponse().read():
            break
        if time.perf_counter() - imported > 60:
            raise RuntimeError("the update did not show within a minute")
    seen = time.perf_counter()
    return {"import_s": imported - started, "visible_after_import_ms": (seen - imported) * 1000}


def page_weight(port: int, path: str) -> dict[str, float]:
    conn = http.client.HTTPConnection("127.0.0.1", port)
    conn.request("GET", path)
    html = conn.getresponse().read()
    assets = re.findall(rb'<(?:link rel="stylesheet"|script|link rel="icon")[^>]*(?:href|src)="(/[^"]+)"',
                        html)
    compressed = len(brotli.compress(html, quality=5))
    for asset in assets:
        conn.request("GET", asset.decode(), headers={"Accept-Encoding": "br"})
        body = conn.getresponse().read()
        if not asset.endswith(b".svg"):
            compressed += len(body)
    return {"html_bytes": len(html), "html_css_js_br_bytes": compressed,
            "requests_before_images": 1 + len(assets)}


def read_through(path: Path) -> None:
    """Read a file once, whole (so the system's cache holds it)."""
    with path.open("rb") as f:
        while f.read(1 << 20):
            pass


def spread_paths(database: Path, n: int, seed: int, zipf: bool) -> list[str]:
    """`n` article addresses drawn from every article in both interfaces: uniformly, or by Zipf's
    law (s = 1: the k-th most read article read 1/k as often as the first; ranks shuffled)."""
    rows = sqlite3.connect(database).execute("SELECT lang, slug FROM articles").fetchall()
    pages = [f"/{code}/articles/{slug}" for _, slug in rows for code in ("hy", "en")]
    rng = random.Random(seed)
    rng.shuffle(pages)
    if not zipf:
        return [rng.choice(pages) for _ in range(n)]
    weights = [1 / k for k in range(1, len(pages) + 1)]
    return rng.choices(pages, weights=weights, k=n)


# A realistic mix of the readers who chose something: mostly a size, some a theme, a few both.
COOKIE_MIX = ["text_size=lg", "text_size=lg", "text_size=sm", "text_size=xs", "theme=dark",
              "theme=contrast", "text_size=lg; theme=dark", "text_size=lg; theme=contrast; line_spacing=wider",
              "line_spacing=widest", "text_size=md; letter_spacing=wider"]


def sample_paths(database: Path, n: int, seed: int) -> list[str]:
    rows = sqlite3.connect(database).execute("SELECT lang, slug FROM articles").fetchall()
    rng = random.Random(seed)
    return [f"/{lang}/articles/{slug}" for lang, slug in (rng.choice(rows) for _ in range(n))]


def search_paths(n: int, seed: int) -> list[str]:
    from urllib.parse import quote

    from .synthetic import vocabulary

    words = vocabulary()
    rng = random.Random(seed)
    paths = []
    for i in range(n):
        lang = "hy" if i % 2 else "en"
        query = " ".join(rng.choice(words[lang]) for _ in range(rng.choice((1, 1, 2))))
        paths.append(f"/{lang}/search?q={quote(query)}")
    return paths


def run(args: argparse.Namespace) -> dict[str, Any]:
    from .synthetic import generate

    work = Path(args.workdir)
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    workers = os.cpu_count() or 1
    results: dict[str, Any] = {"articles": args.articles, "workers": workers,
                               "connections": CONNECTIONS, "seconds_per_run": args.seconds}

    print(f"generating {args.articles} synthetic articles ...", flush=True)
    generate(work / "articles", args.articles, seed=1)
    generate(work / "small-articles", 100, seed=2)
    print("importing ...", flush=True)
    count, seconds, cpu = import_articles(work / "articles", work / "big.sqlite3")
    results["import"] = {"articles": count, "seconds": seconds, "per_s": count / seconds,
                         "cpu_ms_per_article": 1000 * cpu / count}
    import_articles(work / "small-articles", work / "small.sqlite3")

    article = sample_paths(work / "big.sqlite3", 1, seed=5)[0]
    with app_server(work / "big.sqlite3", workers) as (port, pid):
        www = work / "nginx" / "www"
        www.mkdir(parents=True)
        conn = http.client.HTTPConnection("127.0.0.1", port)
        conn.request("GET", article)
        (www / "article.html").write_bytes(conn.getresponse().read())
        os.chmod(work / "nginx", 0o755)
        for folder in (work, www):
            os.chmod(folder, 0o755)
        os.chmod(www / "article.html", 0o644)
        results["page_weight"] = page_weight(port, article)
        with nginx_server(work / "nginx", workers) as static_port:
            print("load: static file from nginx ...", flush=True)
            results["static"] = wrk(static_port, "/article.html", args.seconds)
        loads = {
            "article": article,
            "home": "/hy/",
            "search": "/en/search?q=" + article.rsplit("-", 1)[-1],
        }
        for name, path in loads.items():
            for who, cookie in (("anonymous", None), ("with_cookie", "text_size=lg; theme=dark")):
                print(f"load: {name} ({who}) ...", flush=True)
                results[f"{name}_{who}"] = wrk(port, path, args.seconds, cookie)
        spreads = {"uniform": False, "zipf": True}
        for name, zipf in spreads.items():
            listing = work / f"{name}.txt"
            listing.write_text("\n".join(spread_paths(work / "big.sqlite3", 200_000, 13, zipf)) + "\n")
        # First reads: pages not prepared yet are rendered (and prepared) as readers ask for them.
        print("load: articles, uniform over the archive, first reads (pages not prepared) ...", flush=True)
        results["spread_uniform_cold"] = wrk(port, "/", args.seconds, spread=(work / "uniform.txt", None))
        print("preparing every page ahead (flask pages prepare) ...", flush=True)
        results["prepare"] = prepare_pages(work / "big.sqlite3", workers)
        # As a serving machine holds its edition in the system's cache (and nginx its file): the
        # loads measure the server, not this machine's disk.
        print("reading the edition once into the system's cache ...", flush=True)
        read_through(work / "big.sqlite3")
        for name in spreads:
            print(f"load: articles, {name} over the archive ...", flush=True)
            results[f"spread_{name}"] = wrk(port, "/", args.seconds, spread=(work / f"{name}.txt", None))
        cookies = work / "cookies.txt"
        cookies.write_text("\n".join(COOKIE_MIX) + "\n")
        print("load: articles, uniform over the archive, with preference cookies ...", flush=True)
        results["spread_uniform_cookie"] = wrk(port, "/", args.seconds,
                                               spread=(work / "uniform.txt", cookies))
        print("a one-article update: import it, then read it ...", flush=True)
        results["update"] = one_article_update(work, port)
        print("search latency (distinct queries, one at a time) ...", flush=True)
        results["search_latency"] = sequential_latency(port, search_paths(300, seed=7))
        results["worker_peak_mb"] = worker_peak_mb(pid)

    print("article latency at 100 and at all articles (page cache off) ...", flush=True)
    # Both servers at once, requests alternating between them, so drift on a shared machine
    # (other load, CPU clocks) falls on both alike.
    with app_server(work / "small.sqlite3", 1, page_cache=False) as (small, _), \
            app_server(work / "big.sqlite3", 1, page_cache=False) as (big, _):
        small_paths = sample_paths(work / "small.sqlite3", 600, seed=11)
        big_paths = sample_paths(work / "big.sqlite3", 600, seed=11)
        sequential_latency(small, small_paths[:100])  # warm up
        sequential_latency(big, big_paths[:100])
        results["article_latency_small"], results["article_latency_big"] = alternating_latency(
            (small, small_paths), (big, big_paths))
    return results


def verdicts(r: dict[str, Any]) -> list[tuple[str, str, str, bool]]:
    ratio = r["article_anonymous"]["rps"] / r["static"]["rps"]
    scaling = r["article_latency_big"]["p50_ms"] / r["article_latency_small"]["p50_ms"]
    peak = max(r["worker_peak_mb"] or [0.0])
    w = r["page_weight"]
    imported = r["import"]["articles"]
    with_pages = imported / (r["import"]["seconds"] + r["prepare"]["seconds"])
    static = r["static"]["rps"]
    spread = [
        (f"{label} ÷ static file (rps)", f"{r[key]['rps'] / static:.2f}", f"≥ {goal}",
         r[key]["rps"] / static >= goal)
        for key, label, goal in (("spread_uniform", "articles, uniform over the archive", 0.25),
                                 ("spread_zipf", "articles, Zipf over the archive", 0.35),
                                 ("spread_uniform_cookie", "uniform, with preference cookies", 0.15))
    ] + [
        (f"{key.removeprefix('spread_').replace('_', ' ')} p99", f"{r[key]['p99_ms']:.1f} ms", "≤ 50 ms",
         r[key]["p99_ms"] <= 50)
        for key in ("spread_uniform", "spread_zipf", "spread_uniform_cookie")
    ] + [
        ("one-article update seen after its import", f"{r['update']['visible_after_import_ms']:.0f} ms",
         "≤ 1000 ms", r["update"]["visible_after_import_ms"] <= 1000),
    ]
    return [
        ("anonymous article ÷ static file (rps)", f"{ratio:.2f}", "≥ 0.5", ratio >= 0.5),
        *spread,
        ("anonymous article p99 at 32 conns", f"{r['article_anonymous']['p99_ms']:.1f} ms",
         "≤ 50 ms", r["article_anonymous"]["p99_ms"] <= 50),
        (f"search p95 at {r['articles']:,} articles", f"{r['search_latency']['p95_ms']:.1f} ms",
         "≤ 50 ms", r["search_latency"]["p95_ms"] <= 50),
        (f"article p50 at {r['articles']:,} ÷ at 100", f"{scaling:.2f}", "≤ 1.2", scaling <= 1.2),
        ("import rate", f"{r['import']['per_s']:.0f} articles/s", "≥ 500", r["import"]["per_s"] >= 500),
        ("import rate, every page prepared ahead too", f"{with_pages:.0f} articles/s", "≥ 500",
         with_pages >= 500),
        ("peak memory per worker", f"{peak:.0f} MB", "≤ 150 MB", peak <= 150),
        ("article HTML", f"{w['html_bytes'] / 1024:.1f} KB", "≤ 30 KB", w["html_bytes"] <= 30 * 1024),
        ("HTML + CSS + JS, brotli", f"{w['html_css_js_br_bytes'] / 1024:.1f} KB", "≤ 14 KB",
         w["html_css_js_br_bytes"] <= 14 * 1024),
        ("requests before images", f"{w['requests_before_images']}", "≤ 4",
         w["requests_before_images"] <= 4),
    ]


def report(r: dict[str, Any]) -> str:
    lines = [f"reader benchmark: {r['articles']:,} articles, {r['workers']} workers, "
             f"wrk {CONNECTIONS} connections × {r['seconds_per_run']} s", ""]
    lines.append(f"{'load':34} {'req/s':>10} {'÷ static':>9} {'p50 ms':>8} {'p99 ms':>8} {'non-2xx':>8}")
    for key in ("static", "article_anonymous", "article_with_cookie", "home_anonymous",
                "home_with_cookie", "search_anonymous", "search_with_cookie", "spread_uniform",
                "spread_uniform_cold", "spread_zipf", "spread_uniform_cookie"):
        v = r[key]
        lines.append(f"{key:34} {v['rps']:>10.0f} {v['rps'] / r['static']['rps']:>9.2f} "
                     f"{v['p50_ms']:>8.2f} {v['p99_ms']:>8.2f} {v['errors']:>8.0f}")
    lines.append("")
    for key in ("search_latency", "article_latency_small", "article_latency_big"):
        v = r[key]
        lines.append(f"{key:34} p50 {v['p50_ms']:.2f} ms   p95 {v['p95_ms']:.2f} ms   "
                     f"({v['requests']} requests, one at a time)")
    lines.append(f"{'import':34} {r['import']['articles']:,} articles in "
                 f"{r['import']['seconds']:.1f} s; {r['import']['cpu_ms_per_article']:.1f} ms of CPU "
                 "per article (all its processes)")
    p = r["prepare"]
    lines.append(f"{'prepare every page ahead':34} {p['pages']:,.0f} pages in {p['seconds']:.1f} s "
                 f"({p['per_s']:.0f}/s); database {p['mb_before']:,.0f} MB -> {p['mb_after']:,.0f} MB")
    u = r["update"]
    lines.append(f"{'one-article update':34} import command {u['import_s']:.2f} s; seen by readers "
                 f"{u['visible_after_import_ms']:.0f} ms after it ended")
    lines.append(f"{'worker peak memory':34} " + ", ".join(f"{m:.0f} MB" for m in r["worker_peak_mb"]))
    rows = verdicts(r)
    width = max(len(name) for name, *_ in rows)
    lines += ["", f"{'target':{width}} {'measured':>16} {'goal':>10}  met"]
    for name, measured, goal, met in rows:
        lines.append(f"{name:{width}} {measured:>16} {goal:>10}  {'yes' if met else 'NO'}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--seconds", type=int, default=10, help="length of each wrk run")
    parser.add_argument("--workdir", default=str(Path(tempfile.gettempdir()) / "reader-bench"))
    parser.add_argument("--json", default=str(ROOT / "instance" / "bench.json"))
    args = parser.parse_args()
    results = run(args)
    results["verdicts"] = [
        {"target": n, "measured": m, "goal": g, "met": ok} for n, m, g, ok in verdicts(results)
    ]
    Path(args.json).parent.mkdir(parents=True, exist_ok=True)
    Path(args.json).write_text(json.dumps(results, indent=2, ensure_ascii=False))
    print()
    print(report(results))
    print(f"\nJSON: {args.json}")


if __name__ == "__main__":
    main()
