"""The whole cluster (deploy/cluster/up): a primary and a streaming replica applying changes 2 s late, two app hosts
behind nginx, two workers and beat. A citizen comments through nginx while one app host and one worker are killed
(SIGKILL) and restarted: nothing lost or doubled, no 5xx, and each comment on the citizen's next page at once.

Its own directory and ports (var/cluster-test, 7450-7470), never a developer's cluster; `down` afterwards.
"""

import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest
import requests

from tests.real_services import require_cluster

ROOT = Path(__file__).resolve().parent.parent
KILL_START = "deploy/cluster/cluster.py"
BASE = 7450
ENV = {
    **os.environ,
    "CLUSTER_DIR": str(ROOT / "var" / "cluster-test"),
    "CLUSTER_PORT_BASE": str(BASE),
    "CLUSTER_REPLICA_DELAY": "2s",
}
SITE = f"http://127.0.0.1:{BASE + 20}"
PRIMARY = f"postgres://postgres@127.0.0.1:{BASE}/whodecides"
REPLICA = f"postgres://postgres@127.0.0.1:{BASE + 1}/whodecides"
QUERY_JOURNEY_COMMENTS = (
    "SELECT body, count(*) FROM consultation_comment WHERE body LIKE 'Cluster journey comment %%' GROUP BY body"
)
VERSION = "/guidelines/acme-ai/cybersecurity/v1/"
PASSWORD = "demo-pass-2026"  # seed_demo's
CITIZEN = {"login": "citizen@demo.whodecides.test", "password": PASSWORD}
COMMENTS = 10


def cluster(program: str, *args: str) -> str:
    """deploy/cluster/up, status, down as documented; cluster.py's kill and start for what happens to a host."""
    path = ROOT / program
    command = [sys.executable, str(path)] if path.suffix == ".py" else [str(path)]
    done = subprocess.run([*command, *args], env=ENV, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


@pytest.fixture(scope="module")
def site():
    require_cluster()
    cluster("deploy/cluster/down")  # what a run that was itself killed left behind
    shutil.rmtree(ENV["CLUSTER_DIR"], ignore_errors=True)
    try:
        assert cluster("deploy/cluster/up").strip().splitlines()[-1] == SITE
        yield SITE
    finally:
        cluster("deploy/cluster/down")


def csrf(page: requests.Response) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)


def signed_in(email: str) -> requests.Session:
    session = requests.Session()
    page = session.get(f"{SITE}/accounts/login/")
    form = {"login": email, "password": PASSWORD, "csrfmiddlewaretoken": csrf(page)}
    answer = session.post(f"{SITE}/accounts/login/", data=form, headers={"Referer": page.url})
    assert answer.status_code == 200 and "sessionid" in session.cookies
    return session


def admit_an_appeal(statuses: list[int]) -> str:
    """The moderator admits the first appeal in the queue; the page they land on no longer offers to admit it."""
    moderator = signed_in("moderator@demo.whodecides.test")
    queue = moderator.get(f"{SITE}/moderation/appeals/")
    screening = re.search(r'href="(/moderation/appeals/(A-[^"/]+)/)"', queue.text)
    page = moderator.get(f"{SITE}{screening.group(1)}")
    action = f"{screening.group(1)}admit/"
    answer = moderator.post(
        f"{SITE}{action}", data={"csrfmiddlewaretoken": csrf(page)}, headers={"Referer": page.url}, timeout=30
    )
    statuses += [queue.status_code, page.status_code, answer.status_code]
    assert answer.status_code == 200 and f'action="{action}"' not in answer.text
    return screening.group(2)


def post_comment(api: requests.Session, text: str, key: str, statuses: list[int]) -> int:
    """Sent again with the same Idempotency-Key if the connection fails, as a good client does."""
    path = "/api/v1/guidelines/acme-ai/cybersecurity/versions/1/comments/"
    for _ in range(5):
        try:
            answer = api.post(f"{SITE}{path}", json={"body": text}, headers={"Idempotency-Key": key}, timeout=30)
        except requests.ConnectionError:
            continue
        statuses.append(answer.status_code)
        assert answer.status_code == 201, answer.text
        return int(answer.json()["id"])
    raise AssertionError(f"{key}: no answer after 5 tries")


def test_a_host_and_a_worker_die_mid_way_and_nobody_notices(site):
    reader = signed_in(CITIZEN["login"])
    api = requests.Session()
    token = api.post(f"{site}/api/v1/auth/token/", json={"email": CITIZEN["login"], "password": PASSWORD})
    api.headers["Authorization"] = f"Token {token.json()['token']}"
    statuses: list[int] = []
    posted: dict[int, str] = {}

    def comment(number: int) -> None:
        text = f"Cluster journey comment {number}: the replica is two seconds behind."
        pk = post_comment(api, text, f"cluster-{number}", statuses)
        posted[pk] = text
        # The citizen's very next page shows it, whichever host answers, though the replica has not replayed it.
        page = reader.get(f"{site}{VERSION}comments/{pk}/", timeout=30)
        statuses.append(page.status_code)
        assert text in page.text

    for number in range(3):
        comment(number)
    cluster(KILL_START, "kill", "app-1")
    cluster(KILL_START, "kill", "worker-1")
    for number in range(3, 6):
        comment(number)
    admitted = admit_an_appeal(statuses)
    cluster(KILL_START, "start", "app-1")
    cluster(KILL_START, "start", "worker-1")
    for number in range(6, COMMENTS):
        comment(number)
    # Anonymous readers are served too (the replica's pages, nginx's cache).
    statuses.append(requests.get(f"{site}{VERSION}", timeout=30).status_code)
    assert [status for status in statuses if status >= 500] == []

    with psycopg.connect(PRIMARY) as database:
        bodies = database.execute(QUERY_JOURNEY_COMMENTS).fetchall()
        entries = database.execute(
            "SELECT subject, count(*) FROM ledger_entry WHERE kind = 'comment.posted' AND subject = ANY(%s) "
            "GROUP BY subject",
            ([f"comment:{pk}" for pk in posted],),
        ).fetchall()
        admissions = database.execute(
            "SELECT count(*) FROM ledger_entry WHERE kind = 'appeal.admitted' AND subject = %s", (f"appeal:{admitted}",)
        ).fetchone()
        streaming = database.execute("SELECT state FROM pg_stat_replication").fetchall()
    assert streaming == [("streaming",)]
    assert sorted(bodies) == sorted((text, 1) for text in posted.values())
    assert sorted(entries) == sorted((f"comment:{pk}", 1) for pk in posted)
    assert admissions == (1,)
    assert "(not running)" not in cluster("deploy/cluster/status")
    # The replica was behind, not apart: it applies every comment, late.
    with psycopg.connect(REPLICA, autocommit=True) as replica:
        for _ in range(300):
            applied = replica.execute(QUERY_JOURNEY_COMMENTS).fetchall()
            if len(applied) == len(posted):
                break
            time.sleep(0.1)
    assert len(applied) == len(posted)
