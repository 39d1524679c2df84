"""nginx in front of the app, against nginx serving a static file: the version page of 200 clauses and 10,000
comments through deploy/nginx.conf.in's micro-cache, and a file of exactly its bytes from /static/, on one nginx,
measured with wrk in interleaved rounds (page, file; file, page; ...). The goal: page ÷ file ≥ 0.8 (median rps).

    python bench/nginx.py --db postgres://postgres@127.0.0.1:5432/wd_bench_demo [--upstream 127.0.0.1:8141]

bench/run.sh calls it last, with its demo database and gunicorn. Alone, it starts a gunicorn of its own (4 workers,
production mode, as run.sh does) on that database, after collectstatic into VAR_DIR/static if needed; set REDIS_URL
as production does, or each gunicorn worker renders the page into a cache of its own. The nginx is
deploy/nginx_conf.py's LocalNginx: its own port and directories under VAR_DIR, one worker per core, access log on
as in production. Environment: BENCH_SECONDS (5), BENCH_ROUNDS (3), BENCH_CONNECTIONS (8), VAR_DIR (var/bench).
"""

import argparse
import json
import os
import re
import secrets
import statistics
import subprocess
import sys
import urllib.request
from collections import Counter
from pathlib import Path

from load import PYTHON, ROOT, Target, django_json, wrk

sys.path.insert(0, str(ROOT))

from deploy.nginx_conf import LocalNginx, free_port, wait_for_port  # noqa: E402

STATIC_NAME = "bench-version-page.html"
GOAL = 0.8
# Answered by nginx from its copy: fresh, or while that copy is being replaced in the background.
FROM_CACHE = {"HIT", "STALE", "UPDATING"}
WARM_UP_SECONDS = 2


def production_env(var_dir: Path, database_url: str) -> dict[str, str]:
    """run.sh's production mode over plain HTTP on the loopback; its key, secret and static files if it set them."""
    env = {
        "VAR_DIR": str(var_dir),
        "RECORD_SIGNING_KEY_FILE": str(var_dir / "record-signing.key"),
        "SECRET_KEY": "bench-" + secrets.token_hex(32),
        "STATIC_ROOT": str(var_dir / "static"),
        "LOG_LEVEL": "WARNING",
        **os.environ,
    }
    production = {"DEBUG": "0", "ALLOWED_HOSTS": "127.0.0.1", "SECURE_SSL_REDIRECT": "0", "SECURE_HSTS_SECONDS": "0"}
    return {**env, **production, "DATABASE_URL": database_url, "TRUSTED_PROXIES": "127.0.0.1"}


def start_gunicorn(env: dict[str, str], var_dir: Path) -> tuple[subprocess.Popen[bytes], str]:
    static_root = Path(env["STATIC_ROOT"])
    if not (static_root / "staticfiles.json").exists():
        subprocess.run([PYTHON, "manage.py", "collectstatic", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True)
    port = free_port()
    command = [str(ROOT / ".venv" / "bin" / "gunicorn"), "config.wsgi", "--bind", f"127.0.0.1:{port}"]
    command += ["--workers", "4", "--no-control-socket", "--error-logfile", str(var_dir / "gunicorn-nginx.log")]
    server = subprocess.Popen(command, cwd=ROOT, env=env)
    wait_for_port(port, seconds=60)
    return server, f"127.0.0.1:{port}"


def get(url: str) -> tuple[bytes, dict[str, str]]:
    with urllib.request.urlopen(url, timeout=60) as response:
        return response.read(), dict(response.headers)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", required=True, help="A database seeded as run.sh's demo side.")
    parser.add_argument("--upstream", default="", help="host:port of a running gunicorn on that database.")
    parser.add_argument("--rounds", type=int, default=int(os.environ.get("BENCH_ROUNDS", 3)))
    parser.add_argument("--seconds", type=int, default=int(os.environ.get("BENCH_SECONDS", 5)))
    parser.add_argument("--connections", type=int, default=int(os.environ.get("BENCH_CONNECTIONS", 8)))
    args = parser.parse_args()
    var_dir = Path(os.environ.get("VAR_DIR", ROOT / "var" / "bench"))
    var_dir.mkdir(parents=True, exist_ok=True)
    env = production_env(var_dir, args.db)
    server = None
    upstream = args.upstream
    if not upstream:
        server, upstream = start_gunicorn(env, var_dir)
    static_root = Path(env["STATIC_ROOT"])
    (var_dir / "nginx" / "logs" / "access.log").unlink(missing_ok=True)  # this run's requests only
    try:
        with LocalNginx(
            var_dir / "nginx", upstreams=[upstream], static_root=static_root, workers=os.cpu_count() or 1
        ) as nginx:
            results = measure(nginx, static_root, args)
        results["cache_statuses"] = cache_statuses(nginx.directory / "logs" / "access.log")  # flushed at stop
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=60)
    (var_dir / "nginx-results.json").write_text(json.dumps(results, indent=2))
    print(report(results, args))


def measure(nginx: LocalNginx, static_root: Path, args: argparse.Namespace) -> dict:
    version = django_json(args.db, "bench/paths.py")["version"]
    page_url = nginx.url + version
    body, headers = get(page_url)
    again = get(page_url)[1].get("X-Cache-Status")
    assert again in FROM_CACHE, f"the version page is not micro-cached (X-Cache-Status: {again})"
    (static_root / STATIC_NAME).write_bytes(body)  # the same bytes: the same size on the wire
    file_url = f"{nginx.url}/static/{STATIC_NAME}"
    assert len(get(file_url)[0]) == len(body)
    targets = {"version page through nginx": page_url, "static file of its size": file_url}
    rounds: dict[str, list[dict]] = {name: [] for name in targets}
    for name, url in targets.items():  # unmeasured: files into the page cache, the app's copy into Redis
        wrk(url, Target(name, url), "", WARM_UP_SECONDS, args.connections)
    for round_ in range(1, args.rounds + 1):
        # Page then file, then file then page: on a machine whose load drifts, neither side always goes first.
        order = list(targets.items()) if round_ % 2 else list(reversed(targets.items()))
        for name, url in order:
            result = wrk(url, Target(name, url), "", args.seconds, args.connections)
            rounds[name].append(result)
            print(f"round {round_} {name:28} {result['rps']:9.1f} req/s", file=sys.stderr)
    return {"bytes": len(body), "path": version, "cache_control": headers.get("Cache-Control"), "rounds": rounds}


def cache_statuses(access_log: Path) -> dict[str, int]:
    """How the micro-cache answered the page's requests (static files are not logged), from nginx's access log."""
    found = Counter(re.findall(r" cache=(\S+) ", access_log.read_text()))
    return dict(found.most_common())


def report(results: dict, args: argparse.Namespace) -> str:
    page, file = results["rounds"].values()
    page_rps = statistics.median(r["rps"] for r in page)
    file_rps = statistics.median(r["rps"] for r in file)
    ratio = page_rps / file_rps if file_rps else float("nan")
    per_round = ", ".join(f"{p['rps'] / f['rps']:.2f}" for p, f in zip(page, file, strict=True))
    errors = sum(r["non_2xx_3xx"] + r["errors"] for r in page + file)
    verdict = "meets" if ratio >= GOAL else "MISSES"
    return "\n".join(
        [
            f"nginx: {results['path']} ({results['bytes']:,} bytes, {results['cache_control']}), "
            f"{args.rounds} rounds of {args.seconds} s, {args.connections} connections; load {os.getloadavg()[0]:.1f}",
            "| target | req/s (median) | p95 ms (median) |",
            "| --- | ---: | ---: |",
            f"| version page through nginx | {page_rps:.0f} | {statistics.median(r['p95_ms'] for r in page):.2f} |",
            f"| static file of its size | {file_rps:.0f} | {statistics.median(r['p95_ms'] for r in file):.2f} |",
            f"page ÷ file: {ratio:.2f} (per round: {per_round}); {verdict} the goal of ≥ {GOAL}; "
            f"{errors} errors or non-2xx answers",
            "How nginx answered the page (its access log; `-` is the app's own answer): "
            + ", ".join(f"{status} {count:,}" for status, count in results["cache_statuses"].items()),
        ]
    )


if __name__ == "__main__":
    main()
