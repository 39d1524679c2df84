#!/usr/bin/env python3
"""Witness a Who Decides public record: cosign its checkpoint only after proving it grew append-only.

    python tools/witness.py --generate witness.example.org/w1 --signing-key witness.key
        # writes a private key, prints the verifier key to send the site's staff for registration
    python tools/witness.py https://whodecides.example.org --key '<site verifier key>' \\
        --signing-key witness.key --state witness-state.json
        # pull mode, from cron: fetch the checkpoint, check it, post the cosignature to the site's API
    python tools/witness.py serve --listen 127.0.0.1:8400 --signing-key witness.key --state witness-state/ \\
        --log 'whodecides.example.org/record=<site verifier key>' --bootstrap 'whodecides.example.org/record=SIZE:ROOT'
        # push mode, a c2sp.org/tlog-witness server: the site posts each checkpoint to POST /add-checkpoint

Either way the witness checks the site's signature and proves with a consistency proof that the checkpoint extends
the last one it saw (kept in --state); if it does not, it refuses to sign and says so loudly: the log forked or
rewrote its history. The server witnesses a log only from a size and root its operator trusts (--bootstrap, once):
one that trusted whatever it saw first would cosign a history rewritten before it started. Cosignatures are
c2sp.org/tlog-cosignature v1 (Ed25519, key type 0x04). Needs only Python 3.11+ and `cryptography`; shares its checks
with verify_record.py.
"""

import argparse
import base64
import fcntl
import hashlib
import json
import os
import re
import struct
import sys
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from verify_record import (
    COSIGNATURE_V1,
    DASH,
    ED25519,
    USER_AGENT,
    Checkpoint,
    Failed,
    Key,
    Site,
    Unreachable,
    check_grew_from,
    check_signature,
    parse_checkpoint,
    parse_key,
    sha256,
    verify_consistency,
)

EMPTY_ROOT = sha256(b"")
MAX_BODY_BYTES = 64 * 1024  # 63 proof lines and a checkpoint with a few signatures fit many times over
MAX_PROOF_LINES = 63
DECIMAL = re.compile(r"(0|[1-9][0-9]{0,18})")


def _public(private: Ed25519PrivateKey) -> bytes:
    return private.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def generate(name: str, path: Path) -> str:
    if path.exists():
        raise SystemExit(f"{path} exists; not overwriting a witness key.")
    private = Ed25519PrivateKey.generate()
    seed = private.private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )
    key = Key(name, COSIGNATURE_V1, _public(private))
    material = base64.b64encode(bytes([COSIGNATURE_V1]) + seed).decode()
    path.write_text(f"PRIVATE+KEY+{name}+{key.id.hex()}+{material}\n")
    path.chmod(0o600)
    return f"{name}+{key.id.hex()}+{base64.b64encode(bytes([COSIGNATURE_V1]) + key.public).decode()}"


def load_signing_key(path: Path) -> tuple[str, Ed25519PrivateKey]:
    parts = path.read_text().strip().split("+", 4)
    decoded = base64.b64decode(parts[4]) if len(parts) == 5 else b""
    if parts[:2] != ["PRIVATE", "KEY"] or len(decoded) != 33 or decoded[0] != COSIGNATURE_V1:
        raise SystemExit(f"{path} is not a witness key made by --generate.")
    return parts[2], Ed25519PrivateKey.from_private_bytes(decoded[1:])


def cosignature_line(text: str, name: str, private: Ed25519PrivateKey, timestamp: int) -> str:
    key = Key(name, COSIGNATURE_V1, _public(private))
    message = f"cosignature/v1\ntime {timestamp}\n{text}".encode()
    signature = key.id + struct.pack(">Q", timestamp) + private.sign(message)
    return f"{DASH} {name} {base64.b64encode(signature).decode()}\n"


# --- pull mode -----------------------------------------------------------------------------------------------


def post(site: Site, size: int, line: str) -> int:
    body = json.dumps({"cosignature": line}).encode()
    request = urllib.request.Request(  # noqa: S310  Site accepts only http(s)
        f"{site.url}/api/v1/record/checkpoints/{size}/cosignatures/",
        data=body,
        headers={"Content-Type": "application/json", "User-Agent": USER_AGENT},
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310  Site accepts only http(s)
            return response.status
    except urllib.error.HTTPError as error:
        detail = error.read()[:300].decode(errors="replace")
        raise Unreachable(f"the site refused the cosignature ({error.code}): {detail}") from None
    except urllib.error.URLError as error:
        raise Unreachable(f"posting the cosignature failed: {error}") from None


def witness(args) -> str:
    site = Site(args.url)
    key = parse_key(args.key, ED25519)
    name, private = load_signing_key(Path(args.signing_key))
    checkpoint = site.checkpoint()
    check_signature(checkpoint, key)
    state = Path(args.state)
    if state.exists():
        seen = parse_checkpoint(json.loads(state.read_text())["checkpoint"])
        check_signature(seen, key)
        check_grew_from(site, seen, checkpoint)
    # Saved before posting: this checkpoint is proven, whether or not the site accepts the cosignature.
    state.write_text(json.dumps({"checkpoint": checkpoint.note}, indent=1) + "\n")
    status = post(site, checkpoint.size, cosignature_line(checkpoint.text, name, private, int(time.time())))
    done = "cosigned" if status == 201 else "had already cosigned"
    return f"OK: {done} checkpoint {checkpoint.size} of {checkpoint.origin} as {name}."


# --- push mode: c2sp.org/tlog-witness ------------------------------------------------------------------------


class Refused(Exception):
    """An add-checkpoint request answered with `status` and `body` instead of a cosignature."""

    def __init__(self, status: int, body: str, content_type: str = "text/plain; charset=utf-8") -> None:
        super().__init__(body)
        self.status, self.body, self.content_type = status, body, content_type


@dataclass(frozen=True)
class LogState:
    size: int
    root: bytes
    note: str  # the last checkpoint cosigned, with the log's signature and ours; empty when only bootstrapped


class StateDir:
    """The latest checkpoint cosigned per log, one file each, named by the SHA-256 of the origin as tlog-witness
    names a log in URLs. Each file is replaced atomically and synced before the witness answers, so a crash leaves
    the old state or the new one, never a cosignature the state does not remember. One process at a time holds a
    directory: two would each think they held the latest size."""

    def __init__(self, path: Path) -> None:
        path.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._lock_file = (path / ".lock").open("w")
        try:
            fcntl.flock(self._lock_file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise SystemExit(f"Another witness process holds {path}.") from None

    def file(self, origin: str) -> Path:
        return self.path / f"{hashlib.sha256(origin.encode()).hexdigest()}.json"

    def load(self, origin: str) -> LogState | None:
        if not self.file(origin).exists():
            return None
        saved = json.loads(self.file(origin).read_text())
        return LogState(saved["size"], base64.b64decode(saved["root"]), saved["checkpoint"])

    def save(self, origin: str, state: LogState) -> None:
        saved = {"origin": origin, "size": state.size, "root": base64.b64encode(state.root).decode()}
        temporary = self.file(origin).with_suffix(".tmp")
        with temporary.open("w") as file:
            file.write(json.dumps({**saved, "checkpoint": state.note}, indent=1) + "\n")
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, self.file(origin))
        directory = os.open(self.path, os.O_RDONLY)  # the rename itself reaches the disk before the answer
        os.fsync(directory)
        os.close(directory)


def bootstrap(state: StateDir, trusted: str) -> str:
    """Start witnessing a log from `ORIGIN=SIZE:ROOT`, a size and base64 root hash its operator checked."""
    origin, _, size_root = trusted.partition("=")
    size, _, root_text = size_root.partition(":")
    try:
        root = base64.b64decode(root_text, validate=True)
    except ValueError:  # binascii.Error, or text that is not ASCII
        root = b""
    if not origin or not DECIMAL.fullmatch(size) or len(root) != 32 or (size == "0" and root != EMPTY_ROOT):
        raise SystemExit(f"Bootstrap a log as ORIGIN=SIZE:ROOT (base64 root hash of that size): {trusted!r}")
    if state.load(origin) is not None:
        return f"{origin} is witnessed already; its state in {state.path} is kept."
    state.save(origin, LogState(int(size), root, ""))
    return f"{origin} bootstrapped at size {size}: the first checkpoint cosigned must extend it."


def parse_request(body: bytes) -> tuple[int, list[bytes], str]:
    """The old size, the consistency proof and the checkpoint note of an add-checkpoint body, or Refused(400)."""
    try:
        text = body.decode()
    except UnicodeDecodeError:
        raise Refused(400, "The body is not UTF-8.\n") from None
    head, separator, note = text.partition("\n\n")
    lines = head.split("\n")
    old = lines[0].removeprefix("old ")
    if not separator or not lines[0].startswith("old ") or not DECIMAL.fullmatch(old):
        raise Refused(400, "The body starts with 'old <size>', the proof lines and an empty line.\n")
    if len(lines) - 1 > MAX_PROOF_LINES:
        raise Refused(400, f"A consistency proof has at most {MAX_PROOF_LINES} lines.\n")
    proof = []
    for line in lines[1:]:
        try:
            proof.append(base64.b64decode(line, validate=True))
        except ValueError:
            proof.append(b"")
        if len(proof[-1]) != 32:
            raise Refused(400, f"A proof line is one base64 SHA-256 hash; {line[:60]!r} is not.\n")
    return int(old), proof, note


def parse_checkpoint_strictly(note: str) -> Checkpoint:
    """c2sp.org/tlog-checkpoint: origin, size without leading zeroes, root, non-empty extension lines."""
    try:
        checkpoint = parse_checkpoint(note)
    except (Failed, ValueError) as failure:  # ValueError: base64 of text that is not ASCII
        raise Refused(400, f"The checkpoint cannot be read: {failure}\n") from None
    lines = checkpoint.text.split("\n")[:-1]
    if not checkpoint.origin or not DECIMAL.fullmatch(lines[1]) or not all(lines):
        raise Refused(400, "The checkpoint is not origin, size and root hash, each on its own line.\n")
    return checkpoint


class Witnessing:
    """The checks of add-checkpoint, in the order c2sp.org/tlog-witness gives them, and the state they move."""

    def __init__(self, name: str, private: Ed25519PrivateKey, logs: dict[str, list[Key]], state: StateDir) -> None:
        self.name, self.private, self.logs, self.state = name, private, logs, state
        # One lock per log, made before any request: checking the old size and saving the new one happen as one.
        self.locks = {origin: threading.Lock() for origin in logs}
        self.origin_by_hash = {hashlib.sha256(origin.encode()).hexdigest(): origin for origin in logs}

    def log_signatures(self, checkpoint: Checkpoint) -> str:
        """The log's own signature lines that verify; Refused(403) if there is none, or one of its keys fails."""
        trusted = ""
        for key in self.logs[checkpoint.origin]:
            for name, key_id, signature in checkpoint.signatures:
                if (name, key_id) == (key.name, key.id):
                    if not key.verifies(checkpoint.text.encode(), signature):
                        raise Refused(403, f"The signature of {key.name} does not verify.\n")
                    trusted += f"{DASH} {name} {base64.b64encode(key_id + signature).decode()}\n"
        if not trusted:
            raise Refused(403, f"The checkpoint is not signed by a key this witness trusts for {checkpoint.origin}.\n")
        return trusted

    def add_checkpoint(self, body: bytes) -> str:
        old, proof, note = parse_request(body)
        checkpoint = parse_checkpoint_strictly(note)
        if checkpoint.origin not in self.logs:
            raise Refused(404, f"This witness does not witness {checkpoint.origin}.\n")
        signed = self.log_signatures(checkpoint)
        if old > checkpoint.size:
            raise Refused(400, f"The old size {old} is larger than the checkpoint's {checkpoint.size}.\n")
        with self.locks[checkpoint.origin]:
            state = self.state.load(checkpoint.origin)
            if state is None:
                raise Refused(
                    404, f"{checkpoint.origin} is not bootstrapped: no first checkpoint is trusted blindly.\n"
                )
            if old != state.size:
                raise Refused(409, f"{state.size}\n", "text/x.tlog.size")
            self.check_consistency(state, old, proof, checkpoint)
            line = cosignature_line(checkpoint.text, self.name, self.private, int(time.time()))
            self.state.save(
                checkpoint.origin, LogState(checkpoint.size, checkpoint.root, f"{checkpoint.text}\n{signed}{line}")
            )
        return line

    def check_consistency(self, state: LogState, old: int, proof: list[bytes], checkpoint: Checkpoint) -> None:
        if checkpoint.size == 0 and checkpoint.root != EMPTY_ROOT:
            raise Refused(422, "A checkpoint of size 0 has the empty tree's root.\n")
        consistent = (
            not proof if old == 0 else verify_consistency(old, checkpoint.size, state.root, checkpoint.root, proof)
        )
        if not consistent:
            print(
                f"REFUSING TO COSIGN. THE LOG MAY HAVE FORKED: {checkpoint.origin} at {checkpoint.size} is not proven "
                f"to extend {state.size}. Its signed checkpoint:\n{checkpoint.note}",
                file=sys.stderr,
                flush=True,
            )
            raise Refused(422, f"The consistency proof from {old} to {checkpoint.size} does not verify.\n")

    def latest(self, origin_hash: str) -> str | None:
        origin = self.origin_by_hash.get(origin_hash)
        state = self.state.load(origin) if origin else None
        return state.note if state and state.note else None


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as the spec asks of witnesses
    timeout = 30  # a client that stops sending does not hold a thread for ever
    witnessing: Witnessing

    def do_POST(self) -> None:
        if self.path != "/add-checkpoint":
            return self.answer(404, "Not found: this witness answers POST /add-checkpoint.\n")
        declared = self.headers.get("Content-Length", "")
        length = int(declared) if declared.isascii() and declared.isdigit() else -1
        if not 0 <= length <= MAX_BODY_BYTES:
            self.close_connection = True
            return self.answer(400, f"Send the body with a Content-Length of at most {MAX_BODY_BYTES} bytes.\n")
        try:
            self.answer(200, self.witnessing.add_checkpoint(self.rfile.read(length)))
        except Refused as refused:
            self.answer(refused.status, refused.body, refused.content_type)

    def do_GET(self) -> None:
        origin_hash, _, rest = self.path.lstrip("/").partition("/")
        note = self.witnessing.latest(origin_hash) if rest == "checkpoint" else None
        self.answer(200 if note else 404, note or "No checkpoint of that log was cosigned here.\n")

    def answer(self, status: int, body: str, content_type: str = "text/plain; charset=utf-8") -> None:
        encoded = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(encoded)))
        self.end_headers()
        self.wfile.write(encoded)


class Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128  # a log offering to many witnesses at once is not made to wait for a dropped SYN


def serve(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="witness.py serve", description="A c2sp.org/tlog-witness server.")
    parser.add_argument("--listen", default="127.0.0.1:8400", help="host:port (port 0 picks a free one)")
    parser.add_argument("--signing-key", required=True, help="this witness's private key file")
    parser.add_argument("--state", required=True, help="directory keeping the latest cosigned checkpoint per log")
    parser.add_argument("--log", action="append", required=True, help="ORIGIN=VERIFIER_KEY of a log to witness")
    parser.add_argument("--bootstrap", action="append", default=[], help="ORIGIN=SIZE:ROOT, a log's trusted start")
    args = parser.parse_args(argv)
    name, private = load_signing_key(Path(args.signing_key))
    logs: dict[str, list[Key]] = {}
    for log in args.log:
        origin, _, vkey = log.partition("=")
        logs.setdefault(origin, []).append(parse_key(vkey, ED25519))
    state = StateDir(Path(args.state))
    for trusted in args.bootstrap:  # once: a log with saved state keeps it, so restarting with the flag is safe
        print(bootstrap(state, trusted), flush=True)
    host, _, port = args.listen.rpartition(":")
    Handler.witnessing = Witnessing(name, private, logs, state)
    server = Server((host, int(port)), Handler)
    print(f"Witness {name} listening on http://{host}:{server.server_address[1]}/add-checkpoint", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        server.server_close()


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["serve"]:
        serve(argv[1:])
        return 0
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("url", nargs="?", help="the site, e.g. https://whodecides.example.org")
    parser.add_argument("--key", help="the site's verifier key")
    parser.add_argument("--signing-key", required=True, help="this witness's private key file")
    parser.add_argument("--state", help="file keeping the last checkpoint this witness saw")
    parser.add_argument("--generate", metavar="NAME", help="make a new witness key with this name and stop")
    args = parser.parse_args(argv)
    if args.generate:
        print(generate(args.generate, Path(args.signing_key)))
        return 0
    if not (args.url and args.key and args.state):
        parser.error("give the site's URL, --key and --state (or --generate NAME), or serve")
    try:
        print(witness(args))
    except Failed as failure:
        print(f"REFUSING TO COSIGN. THE LOG FORKED OR REWROTE HISTORY: {failure}", file=sys.stderr)
        return 1
    except Unreachable as error:
        print(f"Could not witness: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
