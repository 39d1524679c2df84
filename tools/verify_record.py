#!/usr/bin/env python3
"""Check a Who Decides public record from the outside: every entry, its hash chain, the Merkle tree, and the
signed checkpoint, against what you saw last time.

    python tools/verify_record.py https://whodecides.example.org --key 'host/record+1234abcd+AbC...' \\
        --state record-state.json --witness 'witness.example/w1+5678ef01+BdE...' [--witness ... --quorum K]
    python tools/verify_record.py receipt entry-42.tlog-proof --key KEY --witness VKEY [--site URL --state FILE]

Needs only Python 3.11+ and the `cryptography` package. Exits 0 when everything checks, 1 naming the first bad
entry or broken proof, 2 when the site cannot be read. The checkpoint is saved in --state only when it checks,
so the next run proves the record only grew since: a rewritten history, even one re-signed consistently, fails
there. Checkpoints count only when witnesses cosigned them as your policy asks (--witness and --quorum, or a
c2sp.org/tlog-policy file with --policy; --no-witness to go without, and be told what that cannot detect). The
`receipt` command verifies an entry's receipt (c2sp.org/tlog-proof) offline, and again against the site's current
checkpoint with --site (tools/receipts.py, beside this file, which also reads the policies). Run from a checkout
of the site's source, it also notes each entry whose kind or payload the record's vocabulary (ledger/kinds.py) does
not declare. With --content it also reads every public text through the API and
names each one that does not hash to what its entry carries (tools/verify_content.py, beside this file).
Formats: c2sp.org/signed-note, c2sp.org/tlog-checkpoint, c2sp.org/tlog-cosignature, c2sp.org/tlog-policy,
c2sp.org/tlog-proof, RFC 9162 proofs.
"""

import argparse
import base64
import binascii
import hashlib
import importlib.util
import json
import struct
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

# The record's vocabulary (ledger/kinds.py, which needs no Django), when this runs from a checkout of the site's
# source: entries of kinds it does not declare are then reported. A copy of this file and receipts.py checks the rest.
sys.path.append(str(Path(__file__).resolve().parent.parent))
try:
    from ledger.kinds import check_payload
except ImportError:
    check_payload = None  # type: ignore[assignment]  # a copy of this file alone: checked where it is used

GENESIS_HASH = "0" * 64
ED25519, COSIGNATURE_V1 = 0x01, 0x04
DASH = "\u2014"
USER_AGENT = "who-decides-verify-record/1"
MAX_NOTES = 20


class Failed(Exception):
    """The record does not check: the message says where."""


class Unreachable(Exception):
    """The site could not be read."""


# --- hashing -------------------------------------------------------------------------------------------------


def sha256(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def node(left: bytes, right: bytes) -> bytes:
    return sha256(b"\x01" + left + right)


_encode = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode


def entry_hash(prev_hash: str, entry: dict) -> str:
    """The chain hash the site computes: sha256(prev_hash + canonical JSON of seq, at, kind, subject, payload).

    Canonical JSON has sorted keys and no spaces; it is spelled out here because this loop is most of the time a
    verification takes. The API writes UTC as Z where the hashed form has +00:00.
    """
    at = entry["at"]
    if at.endswith("Z"):
        at = at[:-1] + "+00:00"
    kind, payload, seq, subject = _encode(entry["kind"]), _encode(entry["payload"]), entry["seq"], entry["subject"]
    content = f'{{"at":{_encode(at)},"kind":{kind},"payload":{payload},"seq":{seq:d},"subject":{_encode(subject)}}}'
    return hashlib.sha256((prev_hash + content).encode()).hexdigest()


class Tree:
    """The right edge of the Merkle tree, built leaf by leaf: its root at any size in O(log n) memory."""

    def __init__(self) -> None:
        self.size, self.stack = 0, list[bytes]()

    def append(self, chain_hash: str) -> None:
        self.stack.append(sha256(b"\x00" + bytes.fromhex(chain_hash)))
        size = self.size
        while size % 2:
            right = self.stack.pop()
            self.stack[-1] = node(self.stack[-1], right)
            size //= 2
        self.size += 1

    def root(self) -> bytes:
        if not self.stack:
            return sha256(b"")
        result = self.stack[-1]
        for left in reversed(self.stack[:-1]):
            result = node(left, result)
        return result


def verify_inclusion(leaf: bytes, index: int, size: int, proof: list[bytes], root: bytes) -> bool:
    """RFC 9162 section 2.1.3.2."""
    if index >= size:
        return False
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node(p, r)
            while not fn & 1 and fn:
                fn, sn = fn >> 1, sn >> 1
        else:
            r = node(r, p)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and r == root


def verify_consistency(old: int, new: int, old_root: bytes, new_root: bytes, proof: list[bytes]) -> bool:
    """RFC 9162 section 2.1.4.2."""
    if old == new:
        return not proof and old_root == new_root
    if old == 0 or old > new or not proof:
        return False
    if old & (old - 1) == 0:
        proof = [old_root, *proof]
    fn, sn = old - 1, new - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = proof[0]
    for c in proof[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr, sr = node(c, fr), node(c, sr)
            while not fn & 1 and fn:
                fn, sn = fn >> 1, sn >> 1
        else:
            sr = node(sr, c)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and fr == old_root and sr == new_root


# --- notes ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Key:
    name: str
    algorithm: int
    public: bytes

    @property
    def id(self) -> bytes:
        return sha256(self.name.encode() + b"\n" + bytes([self.algorithm]) + self.public)[:4]

    def verifies(self, message: bytes, signature: bytes) -> bool:
        try:
            Ed25519PublicKey.from_public_bytes(self.public).verify(signature, message)
        except InvalidSignature:
            return False
        return True


def parse_key(vkey: str, algorithm: int) -> Key:
    """A verifier key, name+keyid+base64(type || key), as Go's sumdb/note and c2sp.org/signed-note write it."""
    name, _, rest = vkey.strip().partition("+")
    hex_id, _, material = rest.partition("+")
    try:
        decoded = base64.b64decode(material, validate=True)
        stated = bytes.fromhex(hex_id)
    except (binascii.Error, ValueError):
        raise SystemExit(f"Not a verifier key: {vkey!r}") from None
    if not name or len(decoded) != 33 or decoded[0] != algorithm:
        raise SystemExit(f"Not an Ed25519 verifier key of type {algorithm:#04x}: {vkey!r}")
    key = Key(name, algorithm, decoded[1:])
    if key.id != stated:
        raise SystemExit(f"The key id in {vkey!r} does not match its name and key.")
    return key


@dataclass(frozen=True)
class Checkpoint:
    note: str
    text: str
    origin: str
    size: int
    root: bytes
    signatures: list[tuple[str, bytes, bytes]]  # name, key id, signature bytes


def parse_checkpoint(note: str) -> Checkpoint:
    text, separator, lines = note.rpartition("\n\n")
    body = text.split("\n")
    if not separator or not lines.endswith("\n") or len(body) < 3:
        raise Failed("The checkpoint is not a signed note of origin, size and root.")
    signatures = []
    for line in lines.splitlines():
        name, _, encoded = line.removeprefix(DASH + " ").partition(" ")
        try:
            decoded = base64.b64decode(encoded, validate=True)
        except binascii.Error:
            decoded = b""
        if not line.startswith(DASH + " ") or len(decoded) < 5:
            raise Failed(f"The checkpoint has a malformed signature line: {line!r}")
        signatures.append((name, decoded[:4], decoded[4:]))
    try:
        size, root = int(body[1]), base64.b64decode(body[2], validate=True)
    except (ValueError, binascii.Error):
        raise Failed("The checkpoint's size or root hash cannot be read.") from None
    if len(root) != 32 or size < 0:
        raise Failed("The checkpoint's size or root hash cannot be read.")
    return Checkpoint(note, text + "\n", body[0], size, root, signatures)


def check_signature(checkpoint: Checkpoint, key: Key) -> None:
    for name, key_id, signature in checkpoint.signatures:
        if (name, key_id) == (key.name, key.id):
            if key.verifies(checkpoint.text.encode(), signature):
                return
            raise Failed(f"The signature of {key.name} on checkpoint {checkpoint.size} does not verify.")
    raise Failed(f"Checkpoint {checkpoint.size} is not signed by {key.name} with the key you gave.")


def check_cosignature(checkpoint: Checkpoint, key: Key) -> int:
    """The time a witness cosigned (c2sp.org/tlog-cosignature v1), or Failed."""
    for name, key_id, signature in checkpoint.signatures:
        if (name, key_id) == (key.name, key.id) and len(signature) == 72:
            (timestamp,) = struct.unpack(">Q", signature[:8])
            message = f"cosignature/v1\ntime {timestamp}\n{checkpoint.text}".encode()
            if key.verifies(message, signature[8:]):
                return timestamp
            raise Failed(f"The cosignature of witness {key.name} on checkpoint {checkpoint.size} does not verify.")
    raise Failed(f"Witness {key.name} has not cosigned checkpoint {checkpoint.size}.")


# --- the site ------------------------------------------------------------------------------------------------


class Site:
    def __init__(self, url: str, token: str = "") -> None:
        if not url.startswith(("https://", "http://")):
            raise Unreachable(f"{url} is not an http(s) address")
        self.url, self.token = url.rstrip("/"), token

    def get(self, path_or_url: str) -> bytes:
        url = path_or_url if "://" in path_or_url else self.url + path_or_url
        headers = {"User-Agent": USER_AGENT}
        if self.token:
            headers["Authorization"] = f"Token {self.token}"
        for _ in range(20):
            try:
                # Only http(s): Site refuses any other scheme, and links the site returns are on the site itself.
                request = urllib.request.Request(url, headers=headers)  # noqa: S310
                with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
                    return response.read()
            except urllib.error.HTTPError as error:
                if error.code != 429:
                    detail = error.read()[:300].decode(errors="replace")
                    raise Unreachable(f"GET {url} answered {error.code}: {detail}") from None
                wait = int(error.headers.get("Retry-After") or 5)
                print(f"\nthrottled by the site; waiting {wait} s", file=sys.stderr)
                time.sleep(wait)
            except (urllib.error.URLError, TimeoutError) as error:
                raise Unreachable(f"GET {url} failed: {error}") from None
        raise Unreachable(f"GET {url} stayed throttled.")

    def json(self, path_or_url: str):
        return json.loads(self.get(path_or_url))

    def checkpoint(self) -> Checkpoint:
        return parse_checkpoint(self.get("/record/checkpoint").decode())

    def consistency(self, old: int, new: int) -> list[bytes]:
        query = urllib.parse.urlencode({"from": old, "to": new})
        return [base64.b64decode(h) for h in self.json(f"/api/v1/record/consistency/?{query}")["hashes"]]

    def entries(self, page_size: int = 200):
        url = f"/api/v1/record/?page_size={page_size}"
        while url:
            page = self.json(url)
            yield from page["results"]
            url = page["next"]


def check_grew_from(site: Site, saved: Checkpoint, current: Checkpoint) -> None:
    """The current checkpoint extends the one saved earlier, by the site's own consistency proof."""
    if current.origin != saved.origin:
        raise Failed(f"The saved checkpoint is of {saved.origin}, this site signs {current.origin}.")
    if current.size < saved.size:
        raise Failed(
            f"The record shrank: you saved a checkpoint of {saved.size} entries, the site now signs {current.size}. "
            "Entries were removed from the record."
        )
    proof = site.consistency(saved.size, current.size) if current.size > saved.size else []
    if not verify_consistency(saved.size, current.size, saved.root, current.root, proof):
        raise Failed(
            f"The consistency proof from your saved checkpoint ({saved.size} entries) to the current one "
            f"({current.size}) does not verify: the record forked or its history was rewritten."
        )


def vocabulary_problem(entry: dict) -> str:
    """What is wrong with the entry's kind or payload by the record's vocabulary; not a failure, since a site newer
    than this checkout may write kinds it does not know yet, and the hashes, not the kinds, prove the history."""
    if check_payload is None:
        return ""
    try:
        check_payload(entry["kind"], entry["payload"] if isinstance(entry["payload"], dict) else {})
    except ValueError as error:
        return str(error)
    return ""


def check_entries(
    site: Site, checkpoint: Checkpoint, saved: Checkpoint | None, progress, notes: list[str] | None = None, seen=None
) -> int:
    """Download every entry, recompute the chain and the tree; the number of entries checked, or Failed. Entries
    the record's vocabulary does not declare are added to `notes`; each checked entry goes to `seen`, if given."""
    tree, prev_hash = Tree(), GENESIS_HASH
    pins = {checkpoint.size: ("the signed checkpoint", checkpoint.root)}
    if saved:
        pins.setdefault(saved.size, ("the checkpoint you saved", saved.root))
    for entry in site.entries():
        seq = tree.size + 1
        if entry["seq"] != seq:
            raise Failed(f"Entry #{entry['seq']} is bad: expected entry #{seq} here (an entry is missing).")
        if entry["prev_hash"] != prev_hash:
            raise Failed(f"Entry #{seq} is bad: its prev_hash is not the hash of entry #{seq - 1}.")
        if entry_hash(prev_hash, entry) != entry["hash"]:
            raise Failed(f"Entry #{seq} is bad: its contents do not match its hash (it was altered).")
        if notes is not None and (problem := vocabulary_problem(entry)):
            notes.append(f"Entry #{seq}: {problem}")
        if seen is not None:
            seen(entry)
        tree.append(entry["hash"])
        prev_hash = entry["hash"]
        if tree.size in pins and tree.root() != pins[tree.size][1]:
            raise Failed(
                f"The first {tree.size} entries do not hash to the root of {pins[tree.size][0]}: "
                f"history up to entry #{tree.size} was rewritten."
            )
        progress(tree.size)
    if tree.size < checkpoint.size:
        raise Failed(
            f"The site serves {tree.size} entries but signed a checkpoint of {checkpoint.size}: "
            f"entries #{tree.size + 1} to #{checkpoint.size} are gone."
        )
    return tree.size


def witness_policy(args):
    """The witness policy the options ask for, and the key of each witness it names."""
    receipts = load_sibling("receipts")
    try:
        policy = receipts.policy_from_options(
            witnesses=args.witness, quorum=args.quorum, policy_file=args.policy, no_witness=args.no_witness
        )
    except receipts.PolicyError as error:
        raise SystemExit(str(error)) from None
    for note in receipts.note_lines(policy):
        print(f"Note: {note}", file=sys.stderr)
    return policy, {name: parse_key(vkey, COSIGNATURE_V1) for name, vkey in policy.witnesses.items()}


def check_policy(checkpoint: Checkpoint, policy, keys: dict[str, Key]) -> str:
    """Failed unless the witnesses whose cosignatures verify meet the policy's quorum; else who cosigned."""
    cosigned, problems = set(), []
    for name, key in keys.items():
        try:
            check_cosignature(checkpoint, key)
            cosigned.add(name)
        except Failed as problem:
            problems.append(str(problem))
    if not policy.satisfied(cosigned):
        raise Failed(
            f"Checkpoint {checkpoint.size} is not cosigned as your witness policy requires "
            f"({policy.describe()}): {' '.join(problems)}"
        )
    return f", cosigned by {', '.join(keys[name].name for name in sorted(cosigned))}" if cosigned else ""


def load_state(path: str | None, key: Key) -> Checkpoint | None:
    if not path or not Path(path).exists():
        return None
    saved = parse_checkpoint(json.loads(Path(path).read_text())["checkpoint"])
    check_signature(saved, key)
    return saved


def save_state(path: str | None, checkpoint: Checkpoint) -> None:
    if path:
        state = json.dumps({"checkpoint": checkpoint.note}, indent=1) + "\n"
        load_sibling("receipts").write_atomically(Path(path), state)


def run(args) -> str:
    site = Site(args.url, args.token)
    key = parse_key(args.key, ED25519)
    policy = witness_policy(args)
    checkpoint = site.checkpoint()
    check_signature(checkpoint, key)
    witnessed = check_policy(checkpoint, *policy)
    saved = load_state(args.state, key)
    if saved:
        check_grew_from(site, saved, checkpoint)
    started = time.monotonic()

    def progress(count: int) -> None:
        if count % 1000 == 0 or count == checkpoint.size:
            rate = count / max(time.monotonic() - started, 1e-6)
            print(f"\rchecked {count} of {checkpoint.size}+ entries ({rate:,.0f}/s)", end="", file=sys.stderr)

    notes: list[str] = []
    content = load_sibling("verify_content").ContentIndex() if args.content else None
    count = check_entries(site, checkpoint, saved, progress, notes, content.see if content else None)
    print(file=sys.stderr)
    texts = content.check(site.json) if content else None
    if texts and not texts.ok:
        raise Failed(f"Texts: {texts.summary()}.")
    for note in notes[:MAX_NOTES]:
        print(f"Note: {note}", file=sys.stderr)
    save_state(args.state, checkpoint)
    grew = f", consistent with your saved checkpoint of {saved.size}" if saved else ""
    unknown = f" Entries not of the record's declared vocabulary: {len(notes)} (see the notes)." if notes else ""
    served = f" Texts: {texts.summary()}." if texts else ""
    return (
        f"OK: {count} entries, hash chain intact, Merkle root matches the checkpoint of {checkpoint.size} "
        f"signed by {key.name}{witnessed}{grew}.{unknown}{served}"
    )


def load_sibling(name: str):
    """tools/<name>.py, beside this file, loaded by its path so these files work without the site's."""
    if name in sys.modules:
        return sys.modules[name]
    path = Path(__file__).resolve().with_name(f"{name}.py")
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None or not path.exists():
        raise SystemExit(f"This needs {path.name} beside {Path(__file__).name}.")
    module = sys.modules[name] = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    receipt = argv[:1] == ["receipt"]
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    if receipt:
        parser.add_argument("command", choices=["receipt"])
        parser.add_argument("file", help="a receipt downloaded from the site (.tlog-proof)")
        parser.add_argument("--site", help="also prove the site's current checkpoint still contains it")
    else:
        parser.add_argument("url", help="the site, e.g. https://whodecides.example.org")
        parser.add_argument("--content", action="store_true", help="also check every served text against its entry")
        parser.add_argument("--token", default="", help="an API token, for the higher rate limit of signed-in clients")
    parser.add_argument("--key", required=True, help="the site's verifier key, from /record/key (check it elsewhere)")
    parser.add_argument("--state", help="file keeping the last checkpoint that checked; created on the first run")
    parser.add_argument("--witness", action="append", default=[], help="a witness's verifier key (repeat for more)")
    parser.add_argument("--quorum", type=int, default=1, help="how many of the --witness keys must cosign (1)")
    parser.add_argument("--policy", default="", help="a c2sp.org/tlog-policy file instead of --witness/--quorum")
    parser.add_argument("--no-witness", action="store_true", help="check without witnesses (cannot see a split view)")
    args = parser.parse_args(argv)
    try:
        print(load_sibling("receipts").check_receipt(args, sys.modules[__name__]) if receipt else run(args))
    except Failed as failure:
        print(f"\nFAILED: {failure}", file=sys.stderr)
        return 1
    except Unreachable as error:
        print(f"\nCould not read the site: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
