"""c2sp.org/tlog-witness end to end: the real `tools/witness.py serve` in a subprocess (one per module, restarted where
a test says so), and the site pushing it each checkpoint. Each test writes under its own origin (SITE_URL), so the
witness's saved state of one test never meets another's record."""

import base64
import hashlib
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.conf import settings
from django.db import transaction

from ledger import tasks, witnessing
from ledger.checkpoints import publish_checkpoint
from ledger.kinds import EntryKind
from ledger.models import Checkpoint, Cosignature, Witness
from ledger.notes import generate_signer
from ledger.selectors import root_at
from ledger.services import append

pytestmark = pytest.mark.django_db

EMPTY_ROOT = base64.b64encode(hashlib.sha256(b"").digest()).decode()
BOOTSTRAPPED = ["push", "again", "forged", "behind", "restart", "race", "malformed", "away"]
NEVER_BOOTSTRAPPED = "fresh"


class WitnessServer:
    def __init__(self, folder, record_verifier: str) -> None:
        self.folder, self.record_verifier = folder, record_verifier
        key = folder / "witness.key"
        self.verifier_key = run_tool("--generate", "witness.example.org/w1", "--signing-key", str(key)).stdout.strip()
        logs = [f"{name}.test/record" for name in [*BOOTSTRAPPED, NEVER_BOOTSTRAPPED]]
        self.args = ["serve", "--signing-key", str(key), "--state", str(folder / "state")]
        self.listen = "127.0.0.1:0"  # a free port, kept across restarts
        self.args += [f"--log={origin}={record_verifier}" for origin in logs]
        self.args += [f"--bootstrap={name}.test/record=0:{EMPTY_ROOT}" for name in BOOTSTRAPPED]
        self.start()

    def start(self, *extra: str) -> None:
        command = [sys.executable, str(settings.BASE_DIR / "tools" / "witness.py"), *self.args, *extra]
        command += ["--listen", self.listen]
        self.log = (self.folder / "witness.log").open("a")
        self.process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=self.log, text=True)  # noqa: S603
        assert self.process.stdout is not None
        for line in self.process.stdout:
            if " listening on " in line:
                self.url = line.split(" listening on ")[1].strip()
                self.listen = self.url.removeprefix("http://").removesuffix("/add-checkpoint")
                return
        raise AssertionError(f"the witness did not start: {(self.folder / 'witness.log').read_text()}")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)
        self.log.close()

    def restart(self, *extra: str) -> None:
        self.stop()
        self.start(*extra)

    def stderr(self) -> str:
        return (self.folder / "witness.log").read_text()


def run_tool(*args: str) -> subprocess.CompletedProcess:
    command = [sys.executable, str(settings.BASE_DIR / "tools" / "witness.py"), *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=30, check=True)  # noqa: S603


@pytest.fixture(scope="module")
def server(tmp_path_factory, record_signer):
    started = WitnessServer(tmp_path_factory.mktemp("witness"), str(record_signer.verifier))
    yield started
    started.stop()


@pytest.fixture
def registered(server):
    return Witness.objects.create(
        name="witness.example.org/w1", verifier_key=server.verifier_key, add_checkpoint_url=server.url
    )


def as_origin(settings, name: str) -> None:
    settings.SITE_URL = f"http://{name}.test"


def record(count: int, *, start: int = 0, text: str = "as it happened") -> None:
    for n in range(start, start + count):
        append(kind=EntryKind.SCALE_FILLER, subject=f"thing:{n}", payload={"n": n, "text": text})


def publish_and_push(capture) -> Checkpoint:
    with capture(execute=True):
        checkpoint = publish_checkpoint()
    assert checkpoint is not None
    return checkpoint


def post(url: str, body: bytes) -> tuple[int, str, str]:
    request = urllib.request.Request(url, data=body, method="POST")  # noqa: S310  the test's own server
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return response.status, response.headers["Content-Type"], response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers["Content-Type"], error.read().decode()


def test_the_site_pushes_each_checkpoint_and_serves_the_cosignature(
    client, settings, server, registered, django_capture_on_commit_callbacks
):
    as_origin(settings, "push")
    record(3)
    first = publish_and_push(django_capture_on_commit_callbacks)
    record(2, start=3)
    second = publish_and_push(django_capture_on_commit_callbacks)  # proven from 3 to 5
    assert [c.checkpoint.size for c in Cosignature.objects.filter(witness=registered)] == [3, 5]
    served = client.get("/record/checkpoint").content.decode()
    assert served == second.cosigned_note() and served.endswith(second.cosignatures.get().line)
    assert served.count("— witness.example.org/w1 ") == 1 and first.cosignatures.exists()


def test_pushing_again_stores_nothing_twice(settings, server, registered, django_capture_on_commit_callbacks):
    as_origin(settings, "again")
    record(2)
    checkpoint = publish_and_push(django_capture_on_commit_callbacks)
    again = tasks.push_checkpoint_to_witness.delay(registered.pk, checkpoint.pk).get()
    assert again == checkpoint.cosignatures.get().pk and Cosignature.objects.count() == 1


def test_a_rewritten_history_is_refused_and_alarms_the_admins(
    settings, server, registered, django_capture_on_commit_callbacks, mailoutbox, caplog
):
    as_origin(settings, "forged")
    settings.ADMINS = [("", "ops@whodecides.example")]
    truth = transaction.savepoint()
    record(3)
    publish_and_push(django_capture_on_commit_callbacks)  # the witness cosigns 3 entries as they were
    transaction.savepoint_rollback(truth)  # the record is rewritten from entry #2 on and re-signed
    record(1)
    record(4, start=1, text="rewritten")
    forged = publish_and_push(django_capture_on_commit_callbacks)
    assert not Cosignature.objects.exists()
    assert "THE LOG MAY HAVE FORKED: forged.test/record at 5 is not proven to extend 3" in server.stderr()
    assert "refused to cosign checkpoint 5 with 422" in caplog.text
    assert mailoutbox[0].to == ["ops@whodecides.example"] and f"checkpoint {forged.size}" in mailoutbox[0].subject


def test_a_witness_never_bootstrapped_refuses_a_first_checkpoint(
    settings, server, registered, django_capture_on_commit_callbacks, caplog
):
    as_origin(settings, NEVER_BOOTSTRAPPED)
    record(2)
    checkpoint = publish_and_push(django_capture_on_commit_callbacks)
    assert not Cosignature.objects.exists()
    assert "fresh.test/record is not bootstrapped" in caplog.text
    status, _, body = post(server.url, witnessing.add_checkpoint_body(checkpoint, old=0))
    assert (status, body) == (404, "fresh.test/record is not bootstrapped: no first checkpoint is trusted blindly.\n")


def test_a_witness_ahead_of_the_site_answers_409_and_is_proven_from_its_size(
    settings, server, registered, django_capture_on_commit_callbacks
):
    as_origin(settings, "behind")
    record(2)
    with django_capture_on_commit_callbacks(execute=False):  # published, but its push lost
        lost = publish_checkpoint()
    assert post(server.url, witnessing.add_checkpoint_body(lost, old=0))[0] == 200
    assert post(server.url, witnessing.add_checkpoint_body(lost, old=0)) == (409, "text/x.tlog.size", "2\n")
    record(2, start=2)
    checkpoint = publish_and_push(django_capture_on_commit_callbacks)  # guesses 0, told 2, proves 2 → 4
    assert checkpoint.cosignatures.get().witness == registered


def test_concurrent_offers_of_one_size_are_cosigned_once(settings, server):
    as_origin(settings, "race")
    record(2)
    body = witnessing.add_checkpoint_body(publish_checkpoint(), old=0)
    statuses: list[int] = []
    offers = [threading.Thread(target=lambda: statuses.append(post(server.url, body)[0])) for _ in range(8)]
    for offer in offers:
        offer.start()
    for offer in offers:
        offer.join()
    assert sorted(statuses) == [200] + [409] * 7  # checking the old size and saving the new one are one step


def test_the_witness_keeps_its_state_across_a_restart(settings, server, registered, django_capture_on_commit_callbacks):
    as_origin(settings, "restart")
    record(2)
    publish_and_push(django_capture_on_commit_callbacks)
    server.restart()
    checkpoint_2 = Checkpoint.objects.get(size=2)
    assert post(server.url, witnessing.add_checkpoint_body(checkpoint_2, old=0))[:3:2] == (409, "2\n")
    record(1, start=2)
    assert publish_and_push(django_capture_on_commit_callbacks).cosignatures.exists()


def test_a_log_bootstrapped_at_a_trusted_size_is_cosigned_from_there(
    settings, server, registered, django_capture_on_commit_callbacks, record_signer
):
    as_origin(settings, "late")
    record(3)
    trusted = base64.b64encode(root_at(3)).decode()
    server.restart(f"--log=late.test/record={record_signer.verifier}", f"--bootstrap=late.test/record=3:{trusted}")
    record(2, start=3)
    checkpoint = publish_and_push(django_capture_on_commit_callbacks)  # told 3, proves 3 → 5
    assert checkpoint.cosignatures.get().witness == registered


def signed(text: str, signer) -> str:
    return signer.sign(text)


def a_checkpoint(size: int = 1, origin: str = "malformed.test/record") -> str:
    return f"{origin}\n{size}\n{base64.b64encode(b'r' * 32).decode()}\n"


PROOF_LINE = base64.b64encode(b"p" * 32).decode() + "\n"


@pytest.mark.parametrize(
    "body",
    [
        "",
        "old 0\n",
        "old 01\n\n{note}",
        "old -1\n\n{note}",
        "new 0\n\n{note}",
        "old 2\n\n{note}",  # larger than the checkpoint
        "old 0\nnot base64!\n\n{note}",
        "old 0\nAAAA\n\n{note}",  # base64, but not a hash
        "old 0\n" + PROOF_LINE * 64 + "\n{note}",
        "old 0\n\nmalformed.test/record\n01\nAAAA\n\n— x AAAAAAAA\n",
        "old 0\n\n{text}\n— testserver/record ¡no es base64!\n",
        "old 0\n\n{text}",
    ],
)
def test_a_malformed_body_is_a_400(server, record_signer, body):
    text = a_checkpoint()
    filled = body.replace("{note}", signed(text, record_signer)).replace("{text}", text)
    status, _, message = post(server.url, filled.encode())
    assert status == 400 and message.endswith("\n")


def test_a_body_that_is_not_utf8_or_too_long_is_a_400(server):
    assert post(server.url, b"old 0\n\n\xff\xfe")[0] == 400
    assert post(server.url, b"old 0\n" + b"x" * 70_000)[0] == 400


def test_the_witness_refuses_what_it_cannot_trust(server, record_signer):
    forger = generate_signer(record_signer.name)  # the log's name, another key
    assert post(server.url, f"old 0\n\n{signed(a_checkpoint(), forger)}".encode())[0] == 403
    unknown = a_checkpoint(origin="elsewhere.test/record")
    assert post(server.url, f"old 0\n\n{signed(unknown, record_signer)}".encode())[0] == 404
    note = signed(a_checkpoint(), record_signer)
    assert post(server.url, f"old 0\n{PROOF_LINE}\n{note}".encode())[0] == 422  # from 0 nothing needs proving


def test_an_unreachable_witness_is_tried_again_later(settings, registered, monkeypatch):
    Witness.objects.filter(pk=registered.pk).update(add_checkpoint_url="http://127.0.0.1:9/add-checkpoint")
    record(1)
    checkpoint = publish_checkpoint()
    retries = []
    monkeypatch.setattr(tasks.push_checkpoint_to_witness, "retry", lambda **kw: retries.append(kw) or RuntimeError())
    with pytest.raises(RuntimeError):
        tasks.push_checkpoint_to_witness.run(registered.pk, checkpoint.pk)
    assert isinstance(retries[0]["exc"], witnessing.WitnessUnavailable) and retries[0]["countdown"] >= 0
    assert tasks.push_checkpoint_to_witness.delay(registered.pk, checkpoint.pk).get() is None  # eager: next time
    record(1, start=1)
    publish_checkpoint()  # whose push proves the first checkpoint's history too
    assert tasks.push_checkpoint_to_witness.run(registered.pk, checkpoint.pk) is None and len(retries) == 1


def test_a_record_that_stopped_growing_is_offered_again_to_a_witness_that_was_away(
    settings, server, registered, django_capture_on_commit_callbacks
):
    as_origin(settings, "away")
    Witness.objects.filter(pk=registered.pk).update(add_checkpoint_url="http://127.0.0.1:9/add-checkpoint")
    record(2)
    checkpoint = publish_and_push(django_capture_on_commit_callbacks)
    assert not checkpoint.cosignatures.exists()
    Witness.objects.filter(pk=registered.pk).update(add_checkpoint_url=server.url)  # back
    with django_capture_on_commit_callbacks(execute=True):
        assert publish_checkpoint() is None  # nothing new to sign
    assert checkpoint.cosignatures.get().witness == registered
    with django_capture_on_commit_callbacks(execute=True) as offered:
        publish_checkpoint()
    assert offered == []  # cosigned: not offered again


def a_witness_answering(status: int, body: str) -> HTTPServer:
    """A stand-in witness that answers one request with `status` and `body`."""

    class Answering(BaseHTTPRequestHandler):
        def do_POST(self):
            self.send_response(status)
            self.send_header("Content-Length", str(len(body.encode())))
            self.end_headers()
            self.wfile.write(body.encode())

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Answering)
    threading.Thread(target=server.handle_request, daemon=True).start()
    return server


def test_a_witness_failing_with_5xx_is_unavailable(registered):
    failing = a_witness_answering(503, "")
    registered.add_checkpoint_url = f"http://127.0.0.1:{failing.server_address[1]}/add-checkpoint"
    record(1)
    with pytest.raises(witnessing.WitnessUnavailable, match="answered 503"):
        witnessing.push_checkpoint(witness=registered, checkpoint=publish_checkpoint())
    failing.server_close()


def test_an_answer_that_is_not_a_valid_cosignature_stores_nothing(registered, caplog):
    bogus = a_witness_answering(200, "— witness.example.org/w1 " + base64.b64encode(b"x" * 76).decode() + "\n")
    registered.add_checkpoint_url = f"http://127.0.0.1:{bogus.server_address[1]}/add-checkpoint"
    record(1)
    assert witnessing.push_checkpoint(witness=registered, checkpoint=publish_checkpoint()) is None
    assert not Cosignature.objects.exists() and "not a valid cosignature by witness.example.org/w1" in caplog.text
    bogus.server_close()


def test_only_staff_set_the_add_checkpoint_url_in_the_admin(admin_client, client, registered, citizen, moderator):
    page = f"/admin/ledger/witness/{registered.pk}/change/"
    form = {"operator": "Example Watch", "active": "on", "add_checkpoint_url": "https://w.example/add-checkpoint"}
    assert admin_client.post(page, form).status_code == 302
    assert Witness.objects.get().add_checkpoint_url == "https://w.example/add-checkpoint"
    refused = admin_client.post(page, {**form, "add_checkpoint_url": "https://w.example/"})
    assert "submission prefix + /add-checkpoint" in refused.content.decode()
    for outsider in (None, citizen, moderator):
        if outsider:
            client.force_login(outsider)
        assert client.post(page, {**form, "add_checkpoint_url": ""}).status_code == 302  # to the admin's login
    assert Witness.objects.get().add_checkpoint_url == "https://w.example/add-checkpoint"
