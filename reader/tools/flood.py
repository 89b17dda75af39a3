"""`make flood`: does hostile traffic grow the workers' memory? Serves the demo with the production
server (`make serve`, 2 workers), then sends 20,000 requests that each try to make a new
page-cache entry (distinct pages, searches, unknown parameters) with 100 KB header values, and
prints each worker's resident memory before and after, against the configured cache size."""

from __future__ import annotations

import argparse
import http.client
import json
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from . import CHECKOUT
from .benchmark import app_server, worker_memory

# wrk cannot send requests with more than 80 KB of headers, so the flood is sent from threads here.
THREADS = 8
HEADER_BYTES = 100 * 1024


def hostile_request(n: int) -> tuple[str, dict[str, str]]:
    """A distinct path (a page beyond the last, a search, an unknown parameter, an article that
    does not exist), and 100 KB of header values meant to land in a cache key."""
    kind = n % 4
    if kind == 0:
        path = f"/en/?page={n + 2}"
    elif kind == 1:
        path = f"/hy/search?q=w{n}"
    elif kind == 2:
        path = f"/en/articles/paris-statement-south-caucasus?v={n}&pad={'p' * 2000}"
    else:
        path = f"/hy/articles/missing-{n}"
    third = "x" * (HEADER_BYTES // 3)
    if n % 8 < 4:
        # Header values a browser could send, around the 100 KB: these requests fill the cache.
        return path, {"Accept-Encoding": "gzip, br", "Cookie": f"theme=dark; text_size=lg; junk={n}",
                      "X-Forwarded-Host": f"{third}{n}", "User-Agent": f"{third}{n}",
                      "Accept-Language": f"en;q=0.{n % 10}, {third}"}
    return path, {"Accept-Encoding": f"gzip;{n}{third}", "X-Forwarded-Host": f"{third}{n}",
                  "Cookie": f"theme=dark; junk={third}{n}"}


def flood(port: int, total: int) -> tuple[int, int]:
    """Send `total` hostile requests over THREADS kept-alive connections; (sent, header bytes)."""
    counter = iter(range(total))
    lock = threading.Lock()
    sent = [0, 0]

    def run() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        while True:
            with lock:
                n = next(counter, None)
            if n is None:
                break
            path, headers = hostile_request(n)
            conn.request("GET", path, headers=headers)
            conn.getresponse().read()
            with lock:
                sent[0] += 1
                sent[1] += sum(len(k) + len(v) for k, v in headers.items())
        conn.close()

    threads = [threading.Thread(target=run) for _ in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sent[0], sent[1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m reader.tools.flood", description=__doc__)
    parser.add_argument("--requests", type=int, default=20_000)
    parser.add_argument("--cache-mb", type=float, default=16)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="reader-flood-"))
    try:
        database = work / "demo.sqlite3"
        subprocess.run([str(Path(sys.executable).with_name("flask")), "--app", "app", "articles", "import",
                        str(CHECKOUT / "reader" / "demo")], cwd=CHECKOUT, check=True, stdout=subprocess.DEVNULL,
                       env={"READER_DATABASE": str(database), "READER_LOAD_DEMO": "false",
                            "PATH": str(Path(sys.executable).parent) + ":/usr/bin:/bin"})
        env = {"READER_PAGE_CACHE_MB": str(args.cache_mb)}
        with app_server(database, args.workers, extra_env=env) as (port, session):
            # Warm up: serve a few pages, so "before" is a serving worker.
            subprocess.run(["wrk", "-t1", "-c4", "-d2s", f"http://127.0.0.1:{port}/hy/"], check=True,
                           capture_output=True)
            before = worker_memory(session)
            started = time.perf_counter()
            sent, header_bytes = flood(port, args.requests)
            seconds = time.perf_counter() - started
            after = worker_memory(session)
        growth = {pid: after[pid][0] - before[pid][0] for pid in before if pid in after}
        result = {
            "requests": sent, "seconds": round(seconds, 1),
            "header_kb_per_request": round(header_bytes / sent / 1024, 1), "cache_mb": args.cache_mb,
            "workers": len(before),
            "before_mb": {str(p): round(v[0], 1) for p, v in before.items()},
            "after_mb": {str(p): round(v[0], 1) for p, v in after.items()},
            "peak_mb": {str(p): round(v[1], 1) for p, v in after.items()},
            "growth_mb": {str(p): round(g, 1) for p, g in growth.items()},
            "limit_mb": 2 * args.cache_mb,
        }
        print(f"{sent:,} hostile requests in {seconds:.0f} s ({header_bytes / sent / 1024:.0f} KB of headers "
              f"each, distinct keys) to {len(before)} workers, page cache {args.cache_mb:g} MB per worker")
        print(f"{'worker':>8} {'before MB':>10} {'after MB':>9} {'peak MB':>8} {'growth MB':>10}")
        for pid in before:
            if pid in after:
                print(f"{pid:>8} {before[pid][0]:>10.1f} {after[pid][0]:>9.1f} {after[pid][1]:>8.1f} "
                      f"{growth[pid]:>10.1f}")
        worst = max(growth.values(), default=0.0)
        ok = worst <= 2 * args.cache_mb
        print(f"largest growth {worst:.1f} MB; target ≤ {2 * args.cache_mb:g} MB (2 × cache): "
              f"{'met' if ok else 'NOT met'}")
        out_file = CHECKOUT / "instance" / "flood.json"
        out_file.parent.mkdir(exist_ok=True)
        out_file.write_text(json.dumps(result, indent=2))
        return 0 if ok else 1
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
