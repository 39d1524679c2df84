#!/usr/bin/env python3
"""Witness a Who Decides public record: cosign its checkpoint only after proving it grew append-only.

    python tools/witness.py --generate witness.example.org/w1 --signing-key witness.key
        # writes a private key, prints the verifier key to send the site's staff for registration
    python tools/witness.py https://whodecides.example.org --key '<site verifier key>' \\
        --signing-key witness.key --state witness-state.json
        # run it every few minutes (cron): check, then cosign

Each run fetches the latest checkpoint, checks the site's signature, and proves with the site's consistency proof
that it extends the last checkpoint this witness saw (kept in --state). If it does not, the witness refuses to
sign and says so loudly: the log forked or rewrote its history. Otherwise it posts a c2sp.org/tlog-cosignature v1
line (Ed25519, key type 0x04). Needs only Python 3.11+ and `cryptography`; shares its checks with verify_record.py.
"""

import argparse
import base64
import json
import struct
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from verify_record import (
    COSIGNATURE_V1,
    DASH,
    ED25519,
    USER_AGENT,
    Failed,
    Key,
    Site,
    Unreachable,
    check_grew_from,
    check_signature,
    parse_checkpoint,
    parse_key,
)


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


def main(argv=None) -> int:
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
        parser.error("give the site's URL, --key and --state (or --generate NAME)")
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
