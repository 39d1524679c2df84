"""The side-by-side load test behind bench/run.sh: two gunicorns (demo data, large data), wrk, interleaved rounds.

run.sh starts the servers and calls this with their base URLs and database URLs. Each round runs every target
once against the demo server, then once against the large one, so a busy machine slows both alike; the table
shows the median of the rounds. Targets are plain data (TARGETS, below): add a page by adding a line.

    python bench/load.py --demo http://127.0.0.1:8141 --large http://127.0.0.1:8142 \\
        --demo-db postgres://.../wd_bench_demo --large-db postgres://.../wd_bench_large

bench/against.sh calls it with two servers on the same data (one on an older commit's code, one on this
checkout's) and `--labels base,head`, which names the two sides in the table and the JSON.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python")
DEMO_PASSWORD = "demo-pass-2026"
CITIZEN = "citizen@demo.whodecides.test"
COMMENT_BODY = '{"clause": "R-1.1", "body": "A comment from the load test, number %d, about this clause."}'


@dataclass
class Target:
    """One thing to measure: a page (path with {placeholders} filled from bench/paths.py) or a write."""

    name: str
    path: str
    method: str = "GET"
    body: str | None = None
    token: bool = False
    results: dict[str, list[dict]] = field(default_factory=dict)


TARGETS = [
    Target("one-query endpoint (/healthz)", "/healthz"),
    Target("one-insert endpoint (bench)", "/bench/insert/", method="POST", body="{}"),
    Target("comment POST (API, token)", "{version_api}comments/", method="POST", body=COMMENT_BODY, token=True),
    Target("home", "/"),
    Target("guideline list", "/guidelines/"),
    Target("version page", "{version}"),
    Target("clause page", "{version}clauses/R-1.1/"),
    Target("decisions, first page", "/decisions/"),
    Target("decisions, filter", "/decisions/?outcome=overturned"),
    Target("decisions, search q=", "/decisions/?q=translation"),
    Target("decisions, search without a match", "/decisions/?q=zyzzyva"),
    Target("decisions, deep cursor", "/decisions/?before={deep_before}"),
    Target("appeal page", "{appeal}"),
    Target("record page", "/record/"),
    Target("statistics", "/statistics/"),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    for name in ["demo", "large", "demo-db", "large-db"]:
        parser.add_argument(f"--{name}", required=True)
    parser.add_argument("--rounds", type=int, default=int(os.environ.get("BENCH_ROUNDS", 3)))
    parser.add_argument("--seconds", type=int, default=int(os.environ.get("BENCH_SECONDS", 5)))
    parser.add_argument("--connections", type=int, default=int(os.environ.get("BENCH_CONNECTIONS", 8)))
    parser.add_argument("--json", default=os.environ.get("BENCH_JSON", ""), help="Also write the figures here.")
    parser.add_argument(
        "--labels",
        default="demo,large",
        help="Names of the two sides (--demo's, then --large's) in the table and the JSON, e.g. base,head.",
    )
    args = parser.parse_args()
    sides = args.labels.split(",")
    if len(sides) != 2 or sides[0] == sides[1]:
        parser.error("--labels takes two different names, comma-separated")
    servers = dict(zip(sides, [args.demo, args.large], strict=True))
    databases = dict(zip(sides, [args.demo_db, args.large_db], strict=True))
    for target in TARGETS:
        target.results = {side: [] for side in sides}
    paths = {side: django_json(databases[side], "bench/paths.py") for side in servers}
    tokens = {side: api_token(servers[side]) for side in servers}
    targets = [t for t in TARGETS if reachable(t, servers, paths, tokens)]
    rows_before = {side: count_rows(databases[side]) for side in servers}
    for round_ in range(1, args.rounds + 1):
        for target in targets:
            for side in sides:
                url = servers[side] + target.path.format(**paths[side])
                result = wrk(url, target, tokens[side], args.seconds, args.connections)
                drain(servers[side], args.connections)
                target.results[side].append(result)
                print(f"round {round_} {side:5} {target.name:38} {result['rps']:8.1f} req/s", file=sys.stderr)
    rows_after = {side: count_rows(databases[side]) for side in servers}
    checks = {side: post_check(servers[side], paths[side], tokens[side], databases[side]) for side in servers}
    routing = routing_rates(databases, args.rounds)
    verification = django_json(databases[sides[1]], "bench/verify.py")
    if args.json:  # before the table, so a long run's figures are kept whatever happens
        Path(args.json).write_text(json.dumps(summary(targets, checks, routing, verification), indent=2))
    print(render(targets, sides, rows_before, rows_after, checks, routing, verification, args))


def django_json(database_url: str, script: str, *extra: str) -> dict:
    """Run a bench script against one database (as DEBUG=1 management code) and read the JSON it prints."""
    env = {**os.environ, "DATABASE_URL": database_url, "DEBUG": "1"}
    done = subprocess.run([PYTHON, str(ROOT / script), *extra], env=env, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def api_token(base: str) -> str:
    body = json.dumps({"email": CITIZEN, "password": DEMO_PASSWORD}).encode()
    request = urllib.request.Request(f"{base}/api/v1/auth/token/", body, {"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response)["token"]


def call(url: str, target: Target, token: str, body: bytes | None = None) -> int:
    headers = {"Content-Type": "application/json"} if target.body else {}
    if target.token:
        headers["Authorization"] = f"Token {token}"
    request = urllib.request.Request(url, body, headers, method=target.method)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def reachable(target: Target, servers, paths, tokens) -> bool:
    """A page this build does not have (a 404 on either side) is left out, with a note, rather than measured."""
    for side, base in servers.items():
        if target.method == "POST":
            continue  # a trial write would change the counts the write checks compare
        status = call(base + target.path.format(**paths[side]), target, tokens[side])
        if status != 200:
            print(f"skipped {target.name}: {side} answered {status}", file=sys.stderr)
            return False
    return True


def wrk(url: str, target: Target, token: str, seconds: int, connections: int) -> dict:
    env = {**os.environ, "BENCH_METHOD": target.method, "BENCH_TOKEN": token if target.token else ""}
    if target.body:
        env["BENCH_BODY"] = target.body
    else:
        env.pop("BENCH_BODY", None)
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", "30s", "-s"]
    done = subprocess.run(
        [*command, str(HERE / "wrk_report.lua"), url], env=env, capture_output=True, text=True, check=True
    )
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result["rps"] = result["requests"] / (result["duration_us"] / 1e6)
    result["ok"] = result["requests"] - result["non_2xx_3xx"]
    return result


def drain(base: str, connections: int) -> None:
    """Wait for the requests wrk left queued when it stopped: sync workers answer them before anything sent after,
    so once a health check per connection is answered the server is idle and the next target starts clean."""
    with ThreadPoolExecutor(connections) as pool:
        list(pool.map(lambda _: urllib.request.urlopen(f"{base}/healthz", timeout=600).read(), range(connections)))


def count_rows(database_url: str) -> dict:
    return django_json(database_url, "bench/paths.py", "--counts")


def post_check(base: str, paths: dict, token: str, database_url: str, n: int = 200) -> dict:
    """Exactly `n` comment POSTs from 8 threads: every 201 is one new row, and nothing else is answered."""
    target = next(t for t in TARGETS if t.token)
    url = base + target.path.format(**paths)
    before = count_rows(database_url)["comments"]
    with ThreadPoolExecutor(8) as pool:
        statuses = list(pool.map(lambda k: call(url, target, token, (COMMENT_BODY % k).encode()), range(n)))
    after = count_rows(database_url)["comments"]
    return {"sent": n, "created_201": statuses.count(201), "other": n - statuses.count(201), "rows": after - before}


def routing_rates(databases: dict, rounds: int) -> dict:
    rates: dict[str, list[dict]] = {side: [] for side in databases}
    for _ in range(rounds):
        for side in databases:
            rates[side].append(django_json(databases[side], "bench/routing.py"))
    return rates


def median(results: list[dict], key: str) -> float:
    return statistics.median(result[key] for result in results)


def ratio(numerator: float, denominator: float) -> float:
    """nan when the baseline got no answer in time (a page slower than a round), shown as such in the table."""
    return numerator / denominator if denominator else float("nan")


def cells(results: list[dict]) -> str:
    if not median(results, "requests"):
        return "no answer within a run | – | –"
    return f"{median(results, 'rps'):.1f} | {median(results, 'p50_ms'):.1f} | {median(results, 'p95_ms'):.1f}"


def render(targets, sides, rows_before, rows_after, checks, routing, verification, args) -> str:
    by_name = {t.name: t for t in targets}
    demo, large = sides
    lines = [
        f"{args.rounds} interleaved rounds of {args.seconds} s per target and side, {args.connections} connections; "
        "medians.",
        "",
        f"| target | {demo} req/s | {demo} p50 ms | {demo} p95 ms | {large} req/s | {large} p50 ms | {large} p95 ms "
        f"| p95 {large}/{demo} |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for t in targets:
        d, g = t.results[demo], t.results[large]
        p95_ratio = ratio(median(g, "p95_ms"), median(d, "p95_ms"))
        lines.append(f"| {t.name} | {cells(d)} | {cells(g)} | {p95_ratio:.2f} |")
    lines += ["", "| goal | measured | target | met |", "| --- | ---: | ---: | --- |"]

    def goal(text: str, value: float, target: float, higher: bool = True) -> None:
        met = value >= target if higher else value <= target
        lines.append(f"| {text} | {value:.2f} | {'≥' if higher else '≤'} {target} | {'yes' if met else 'NO'} |")

    one_query, one_insert = by_name.get("one-query endpoint (/healthz)"), by_name.get("one-insert endpoint (bench)")
    version, posts = by_name.get("version page"), by_name.get("comment POST (API, token)")
    if one_query and version:
        goal(
            f"version page ({demo} server, 200 clauses / 10,000 comments) ÷ one-query req/s",
            ratio(median(version.results[demo], "rps"), median(one_query.results[demo], "rps")),
            0.5,
        )
    if one_insert and posts:
        for side in sides:
            goal(
                f"comment POST ÷ one-insert req/s ({side})",
                ratio(median(posts.results[side], "rps"), median(one_insert.results[side], "rps")),
                0.25,
            )
    for name in [
        "version page",
        "clause page",
        "decisions, first page",
        "decisions, filter",
        "decisions, search q=",
        "decisions, search without a match",
        "decisions, deep cursor",
        "record page",
        "statistics",
    ]:
        if t := by_name.get(name):
            goal(
                f"p95 {large} ÷ p95 {demo}: {name}",
                ratio(median(t.results[large], "p95_ms"), median(t.results[demo], "p95_ms")),
                1.3,
                higher=False,
            )
    demo_rate = statistics.median(r["appeals_per_second"] for r in routing[demo])
    large_rate = statistics.median(r["appeals_per_second"] for r in routing[large])
    goal(f"routing appeals/s, {large} ÷ {demo}", ratio(large_rate, demo_rate), 0.8)
    goal("ledger verification, entries/s (thousands)", verification["entries_per_second"] / 1000, 150)
    lines += ["", "Writes:"]
    for side in sides:
        wrk_posts = sum(r["ok"] for r in posts.results[side]) if posts else 0
        wrk_errors = sum(r["errors"] + r["non_2xx_3xx"] for r in posts.results[side]) if posts else 0
        grown = rows_after[side]["comments"] - rows_before[side]["comments"]
        check = checks[side]
        lines.append(
            f"- {side}: wrk counted {wrk_posts:,} comment POSTs answered 2xx and {wrk_errors} errors; the database "
            f"grew by {grown:,} comments (requests still in flight when wrk stops are answered but not counted). "
            f"Exact check: {check['sent']} POSTs → {check['created_201']} × 201, {check['other']} other answers, "
            f"{check['rows']} new rows."
        )
    lines += ["", "Routing (median of rounds):"]
    for side, rate in [(demo, demo_rate), (large, large_rate)]:
        sample = routing[side][0]
        lines.append(
            f"- {side}: {rate:.1f} appeals/s over {sample['appeals']} appeals, with {sample['past_assignments']:,} "
            f"past assignments and {sample['reviewers']} reviewers"
        )
    lines.append(
        f"\nLedger verification (manage.py verify_record's check_chain) on the {large} database: "
        f"{verification['entries']:,} entries in {verification['seconds']:.1f} s = "
        f"{verification['entries_per_second']:,.0f} entries/s by the clock; its own CPU time was "
        f"{verification['cpu_seconds']:.1f} s = {verification['entries'] / verification['cpu_seconds']:,.0f} entries/s "
        "(the clock rate also counts waiting for the database and for a core on a shared machine)"
    )
    return "\n".join(lines)


def summary(targets, checks, routing, verification) -> dict:
    return {
        "targets": {t.name: t.results for t in targets},
        "post_checks": checks,
        "routing": routing,
        "verification": verification,
        "at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }


if __name__ == "__main__":
    main()
