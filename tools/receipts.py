"""Witness policies and receipts for tools/verify_record.py, which loads this file by its path.

Standard library only and no import of the site's code, so a copy of verify_record.py with this file beside it
works anywhere; verify_record hands itself in (`tools`) for the signatures, hashes and proofs it already checks.

- A witness policy is c2sp.org/tlog-policy: `--policy FILE` in that format, or `--witness VKEY` repeated with
  `--quorum K` (at least K of them must cosign; 1 by default), which is the policy "group given K ...; quorum given".
  Without any witness the check needs `--no-witness`, which says what it cannot detect.
- A receipt is a c2sp.org/tlog-proof: its `extra` line is the entry as the API serves it (canonical JSON, base64),
  from which the chain hash, and so the leaf, are recomputed; then the inclusion proof, the checkpoint as served
  with its cosignatures, the site's signature and the witness policy. With --site the receipt's checkpoint is
  proved again to be a prefix of the site's current one, by a consistency proof.
"""

import base64
import binascii
import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

PROOF_HEADER = "c2sp.org/tlog-proof@v1"
NONE = "none"
NO_WITNESS_NOTE = (
    "checked without any witness, so a split view goes unnoticed: a site that shows you alone a history other than "
    "everyone else's, signed with its own key, passes this check. Only --state notices a rewrite of what you saw "
    "before; give --witness VKEY (with --quorum K) or --policy FILE to require outside cosignatures."
)


class PolicyError(ValueError):
    """A policy file or witness options that do not make a policy: the message says where."""


@dataclass
class Policy:
    """c2sp.org/tlog-policy: known logs and witnesses, groups of them with thresholds, and the quorum."""

    logs: list[str] = field(default_factory=list)
    witnesses: dict[str, str] = field(default_factory=dict)  # name -> verifier key
    groups: dict[str, tuple[int, list[str]]] = field(default_factory=dict)  # name -> (threshold, members)
    quorum: str = ""

    def witnessed(self, name: str, cosigned: set[str]) -> bool:
        """Whether a witness cosigned, or a group has at least its threshold of members that witnessed."""
        if name == NONE:
            return True
        if name in self.witnesses:
            return name in cosigned
        threshold, members = self.groups[name]
        return sum(self.witnessed(member, cosigned) for member in members) >= threshold

    def satisfied(self, cosigned: set[str]) -> bool:
        return self.witnessed(self.quorum, cosigned)

    def describe(self, name: str = "") -> str:
        name = name or self.quorum
        if name == NONE or name in self.witnesses:
            return "no witness" if name == NONE else name
        threshold, members = self.groups[name]
        return f"{threshold} of ({', '.join(self.describe(member) for member in members)})"


def parse_policy(text: str) -> Policy:
    """A policy in c2sp.org/tlog-policy format; PolicyError naming the line that is wrong."""
    policy, defined = Policy(), {NONE}
    for number, raw in enumerate(text.split("\n"), start=1):
        words = raw.split()
        if not words or words[0].startswith("#"):
            continue
        where = f"policy line {number}"
        keyword, rest = words[0], words[1:]
        if keyword == "log" and 1 <= len(rest) <= 2:
            policy.logs.append(rest[0])
        elif keyword == "witness" and 2 <= len(rest) <= 3:
            _define(rest[0], defined, where)
            if rest[1] in policy.witnesses.values():
                raise PolicyError(f"{where}: the witness key of {rest[0]} is listed twice.")
            policy.witnesses[rest[0]] = rest[1]
        elif keyword == "group" and len(rest) >= 3:
            policy.groups[rest[0]] = _group(rest, defined, where)
        elif keyword == "quorum" and len(rest) == 1:
            if policy.quorum:
                raise PolicyError(f"{where}: a policy has exactly one quorum line.")
            if rest[0] not in defined:
                raise PolicyError(f"{where}: the quorum names {rest[0]}, which no earlier line defines.")
            policy.quorum = rest[0]
        else:
            raise PolicyError(f"{where} is not a log, witness, group or quorum line: {raw.strip()!r}")
    if not policy.quorum:
        raise PolicyError("The policy has no quorum line (write `quorum none` to require no witness).")
    return policy


def _define(name: str, defined: set[str], where: str) -> None:
    if name in defined:
        raise PolicyError(f"{where}: {name} is already defined.")
    defined.add(name)


def _group(rest: list[str], defined: set[str], where: str) -> tuple[int, list[str]]:
    name, size, members = rest[0], rest[1], rest[2:]
    if len(set(members)) != len(members) or NONE in members or not set(members) <= defined:
        raise PolicyError(f"{where}: a group's members are distinct witnesses or groups defined on earlier lines.")
    threshold = {"all": len(members), "any": 1}.get(size)
    if threshold is None:
        if not size.isdigit() or not 1 <= int(size) <= len(members):
            raise PolicyError(f"{where}: the threshold is all, any or a number from 1 to {len(members)}.")
        threshold = int(size)
    _define(name, defined, where)
    return threshold, members


def policy_from_options(*, witnesses: list[str], quorum: int, policy_file: str, no_witness: bool) -> Policy:
    """The policy that verify_record's options ask for; PolicyError when they ask for none or for two."""
    if policy_file and (witnesses or no_witness):
        raise PolicyError("Give either --policy FILE or --witness/--no-witness, not both.")
    if policy_file:
        try:
            return parse_policy(Path(policy_file).read_text(encoding="utf-8"))
        except OSError as error:
            raise PolicyError(f"Cannot read the policy {policy_file}: {error.strerror}.") from None
    if witnesses and no_witness:
        raise PolicyError("Give --witness VKEY or --no-witness, not both.")
    if no_witness:
        return Policy(quorum=NONE)
    if not witnesses:
        raise PolicyError(
            "No witness is configured. Give --witness VKEY (repeated, with --quorum K) or --policy FILE, so that a "
            "checkpoint counts only once outside witnesses cosigned it; or --no-witness to check without them, "
            "which cannot detect a split view."
        )
    if not 1 <= quorum <= len(witnesses):
        raise PolicyError(f"--quorum is a number from 1 to the number of witnesses given ({len(witnesses)}).")
    # Named by their keys' names, as the messages name them; the group is the quorum "at least K of these".
    policy = Policy(quorum="--witness")
    for vkey in witnesses:
        name = vkey.strip().partition("+")[0]
        if name in policy.witnesses:
            raise PolicyError(f"The witness {name} is given twice.")
        policy.witnesses[name] = vkey
    policy.groups["--witness"] = (quorum, list(policy.witnesses))
    return policy


def write_atomically(path: Path, text: str) -> None:
    """Replace the file in one step, so a run killed mid-write leaves the old state, never half a new one."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(text)
            file.flush()
            os.fsync(file.fileno())
        Path(temporary).replace(path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


@dataclass(frozen=True)
class Receipt:
    entry: dict[str, Any]
    index: int
    hashes: list[bytes]
    checkpoint: str  # the note as served, with its cosignatures


def parse_receipt(text: str) -> Receipt:
    """A c2sp.org/tlog-proof whose extra data is the entry; ValueError saying what is malformed."""
    head, separator, checkpoint = text.partition("\n\n")
    lines = head.split("\n")
    if not separator or lines[0] != PROOF_HEADER:
        raise ValueError(f"This is not a receipt: a receipt is a {PROOF_HEADER} file.")
    if len(lines) < 3 or not lines[1].startswith("extra ") or not lines[2].startswith("index "):
        raise ValueError("The receipt has no entry (its extra line) or no index line.")
    try:
        entry = json.loads(base64.b64decode(lines[1].removeprefix("extra "), validate=True))
        hashes = [base64.b64decode(line, validate=True) for line in lines[3:]]
    except (binascii.Error, ValueError):
        raise ValueError("The receipt's entry or proof hashes are not valid base64 of JSON and hashes.") from None
    index = lines[2].removeprefix("index ")
    fields = {"seq", "at", "kind", "subject", "payload", "prev_hash", "hash"}
    if not index.isdigit() or not isinstance(entry, dict) or not fields <= entry.keys():
        raise ValueError("The receipt's index or entry is malformed.")
    if any(len(value) != 32 for value in hashes):
        raise ValueError("The receipt's inclusion proof holds something other than SHA-256 hashes.")
    return Receipt(entry, int(index), hashes, checkpoint)


def check_receipt(args: Any, tools: Any) -> str:
    """Verify a receipt offline, then (with --site) against the site's current checkpoint; Failed names the step."""
    try:
        receipt = parse_receipt(Path(args.file).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise tools.Failed(f"Cannot read the receipt {args.file}: {error}") from None
    except ValueError as error:
        raise tools.Failed(str(error)) from None
    entry, seq = receipt.entry, receipt.entry["seq"]
    if tools.entry_hash(entry["prev_hash"], entry) != entry["hash"]:
        raise tools.Failed(f"Entry #{seq} in the receipt does not match its hash: its contents were altered.")
    if receipt.index != seq - 1:
        raise tools.Failed(f"The receipt proves leaf {receipt.index}, but entry #{seq} is leaf {seq - 1}.")
    key, policy = tools.parse_key(args.key, tools.ED25519), tools.witness_policy(args)
    checkpoint = tools.parse_checkpoint(receipt.checkpoint)
    tools.check_signature(checkpoint, key)
    witnessed = tools.check_policy(checkpoint, *policy)
    leaf = tools.sha256(b"\x00" + bytes.fromhex(entry["hash"]))
    if not tools.verify_inclusion(leaf, receipt.index, checkpoint.size, receipt.hashes, checkpoint.root):
        raise tools.Failed(
            f"The inclusion proof does not lead from entry #{seq} to the root of checkpoint {checkpoint.size}."
        )
    done = (
        f"OK: receipt of entry #{seq} ({entry['kind']} {entry['subject']}, {entry['at']}): its hash matches, and it "
        f"is in the checkpoint of {checkpoint.size} entries signed by {key.name}{witnessed}."
    )
    if not args.site:
        return done
    site = tools.Site(args.site)
    current = site.checkpoint()
    tools.check_signature(current, key)
    tools.check_policy(current, *policy)
    saved = tools.load_state(args.state, key)
    if saved:
        tools.check_grew_from(site, saved, current)
    try:
        tools.check_grew_from(site, checkpoint, current)
    except tools.Failed as failure:
        raise tools.Failed(f"The site's current checkpoint does not extend your receipt's: {failure}") from None
    tools.save_state(args.state, current)
    return f"{done} The site's current checkpoint of {current.size} entries still contains it (consistency proof)."


def note_lines(policy: Policy) -> list[str]:
    return [NO_WITNESS_NOTE] if policy.quorum == NONE else []
