"""Signed notes (c2sp.org/signed-note) and witness cosignatures (c2sp.org/tlog-cosignature), Ed25519 only.

The byte layout is the one of Go's golang.org/x/mod/sumdb/note, so the site's checkpoints verify with
that package and with any other tool that speaks the format.
"""

import base64
import binascii
import hashlib
import os
import struct
from dataclasses import dataclass
from functools import cache
from urllib.parse import urlsplit

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

ED25519 = 0x01
COSIGNATURE_V1 = 0x04  # timestamped Ed25519 cosignature of a checkpoint
DASH = "\u2014"  # em dash, which starts every signature line


class NoteError(ValueError):
    """A key or a note that cannot be read or does not verify; the message says which."""


def valid_name(name: str) -> bool:
    return bool(name) and "+" not in name and not any(character.isspace() for character in name)


def key_id(name: str, algorithm: int, public_key: bytes) -> bytes:
    return hashlib.sha256(name.encode() + b"\n" + bytes([algorithm]) + public_key).digest()[:4]


def _raw_public(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


@dataclass(frozen=True)
class Verifier:
    name: str
    algorithm: int
    public_key: bytes

    @property
    def id(self) -> bytes:
        return key_id(self.name, self.algorithm, self.public_key)

    def __str__(self) -> str:
        material = base64.b64encode(bytes([self.algorithm]) + self.public_key).decode()
        return f"{self.name}+{self.id.hex()}+{material}"

    def verifies(self, message: bytes, signature: bytes) -> bool:
        try:
            Ed25519PublicKey.from_public_bytes(self.public_key).verify(signature, message)
        except InvalidSignature:
            return False
        return True


def parse_verifier(vkey: str, *, algorithms: tuple[int, ...] = (ED25519, COSIGNATURE_V1)) -> Verifier:
    """A verifier key `<name>+<8 hex key id>+<base64(type || public key)>`, checked like Go's note.NewVerifier."""
    name, _, rest = vkey.strip().partition("+")
    hex_id, _, material = rest.partition("+")
    try:
        decoded = base64.b64decode(material, validate=True)
        stated_id = bytes.fromhex(hex_id)
    except (binascii.Error, ValueError):
        raise NoteError("A verifier key is name+keyid+base64key; this one is not.") from None
    if not valid_name(name) or len(hex_id) != 8 or len(decoded) != 33 or decoded[0] not in algorithms:
        raise NoteError("A verifier key is name+keyid+base64key with a 32-byte Ed25519 key; this one is not.")
    verifier = Verifier(name=name, algorithm=decoded[0], public_key=decoded[1:])
    if verifier.id != stated_id:
        raise NoteError("The key id of this verifier key does not match its name and key.")
    return verifier


@dataclass(frozen=True)
class Signer:
    name: str
    private_key: Ed25519PrivateKey

    @property
    def verifier(self) -> Verifier:
        return Verifier(name=self.name, algorithm=ED25519, public_key=_raw_public(self.private_key.public_key()))

    def __str__(self) -> str:
        """The private key in Go's note.NewSigner form, for RECORD_SIGNING_KEY."""
        seed = self.private_key.private_bytes(
            serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
        )
        material = base64.b64encode(bytes([ED25519]) + seed).decode()
        return f"PRIVATE+KEY+{self.name}+{self.verifier.id.hex()}+{material}"

    def signature_line(self, text: str) -> str:
        signature = self.verifier.id + self.private_key.sign(text.encode())
        return f"{DASH} {self.name} {base64.b64encode(signature).decode()}\n"

    def sign(self, text: str) -> str:
        if not text.endswith("\n"):
            raise NoteError("A note's text ends in a newline.")
        return text + "\n" + self.signature_line(text)


def generate_signer(name: str) -> Signer:
    if not valid_name(name):
        raise NoteError(f"A key name has no spaces and no '+': {name!r} cannot be one.")
    return Signer(name=name, private_key=Ed25519PrivateKey.generate())


def parse_signer(skey: str) -> Signer:
    """A private key `PRIVATE+KEY+<name>+<key id>+<base64(0x01 || seed)>`, checked like Go's note.NewSigner."""
    parts = skey.strip().split("+", 4)  # base64 may itself contain '+'
    if len(parts) != 5 or parts[:2] != ["PRIVATE", "KEY"]:
        raise NoteError(
            "A signing key looks like PRIVATE+KEY+name+keyid+base64key (make one with manage.py record_key)."
        )
    name, hex_id, material = parts[2:]
    decoded = _strict_b64decode(material)
    if decoded is None:
        raise NoteError("The signing key's last part is not base64.")
    if not valid_name(name) or len(decoded) != 33 or decoded[0] != ED25519:
        raise NoteError("The signing key is not an Ed25519 note key.")
    signer = Signer(name=name, private_key=Ed25519PrivateKey.from_private_bytes(decoded[1:]))
    if signer.verifier.id.hex() != hex_id.lower():
        raise NoteError("The signing key's key id does not match its name and key.")
    return signer


@dataclass(frozen=True)
class Signature:
    name: str
    key_id: bytes
    signature: bytes  # what follows the key id: an Ed25519 signature, or a timestamp and one for a cosignature

    @property
    def line(self) -> str:
        return f"{DASH} {self.name} {base64.b64encode(self.key_id + self.signature).decode()}\n"


def parse_signature_line(line: str) -> Signature:
    if not line.endswith("\n"):
        line += "\n"
    prefix = DASH + " "
    body = line[len(prefix) : -1]
    name, _, encoded = body.partition(" ")
    decoded = _strict_b64decode(encoded) or b""
    if not line.startswith(prefix) or not valid_name(name) or len(decoded) < 5 or "\n" in body:
        raise NoteError(f"A signature line is '{DASH} <name> <base64 signature>'; this one is not.")
    return Signature(name=name, key_id=decoded[:4], signature=decoded[4:])


def split_note(note: str) -> tuple[str, list[Signature]]:
    """The text of a signed note and its signature lines."""
    text, separator, signatures = note.rpartition("\n\n")
    if not separator or not signatures.endswith("\n"):
        raise NoteError("A signed note is text, a blank line and signature lines, each ending in a newline.")
    return text + "\n", [parse_signature_line(line) for line in signatures.splitlines()]


def verify_note(note: str, verifier: Verifier) -> str:
    """The text of `note` if `verifier` signed it; otherwise NoteError."""
    text, signatures = split_note(note)
    for signature in signatures:
        if signature.name == verifier.name and signature.key_id == verifier.id:
            if verifier.verifies(text.encode(), signature.signature):
                return text
            raise NoteError(f"The signature of {verifier.name} on this note does not verify.")
    raise NoteError(f"This note carries no signature of {verifier.name}.")


def cosigned_message(text: str, timestamp: int) -> bytes:
    return f"cosignature/v1\ntime {timestamp}\n{text}".encode()


def cosign(text: str, *, name: str, private_key: Ed25519PrivateKey, timestamp: int) -> str:
    """A c2sp.org/tlog-cosignature v1 signature line over a checkpoint's text."""
    public = _raw_public(private_key.public_key())
    signature = struct.pack(">Q", timestamp) + private_key.sign(cosigned_message(text, timestamp))
    return Signature(name=name, key_id=key_id(name, COSIGNATURE_V1, public), signature=signature).line


def verify_cosignature(text: str, signature: Signature, verifier: Verifier) -> bool:
    if verifier.algorithm != COSIGNATURE_V1 or (signature.name, signature.key_id) != (verifier.name, verifier.id):
        return False
    if len(signature.signature) != 8 + 64:
        return False
    (timestamp,) = struct.unpack(">Q", signature.signature[:8])
    return timestamp < 2**63 and verifier.verifies(cosigned_message(text, timestamp), signature.signature[8:])


def record_origin() -> str:
    """The checkpoint origin line: the site's host and /record, so two deployments never share one."""
    return urlsplit(settings.SITE_URL).netloc + "/record"


@cache
def site_signer() -> Signer:
    """The record's signing key: RECORD_SIGNING_KEY, or on the embedded default one generated into VAR_DIR."""
    if settings.RECORD_SIGNING_KEY:
        return parse_signer(settings.RECORD_SIGNING_KEY)
    path = settings.RECORD_GENERATED_KEY_PATH
    if path is None:
        raise ImproperlyConfigured(
            "Set RECORD_SIGNING_KEY (or RECORD_SIGNING_KEY_FILE); manage.py record_key makes one."
        )
    try:
        # Exclusive creation, so two processes starting together never sign with two different keys.
        with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w") as file:
            file.write(str(generate_signer(record_origin())) + "\n")
    except FileExistsError:
        pass
    return parse_signer(path.read_text())


def sign_note(text: str) -> str:
    """The note `text` signed with the record key: text, a blank line, the site's signature line."""
    return site_signer().sign(text)


def _strict_b64decode(text: str) -> bytes | None:
    """The bytes `text` encodes in standard base64, or None when it is not that (including non-ASCII text, which
    base64 refuses with a plain ValueError rather than binascii.Error)."""
    try:
        return base64.b64decode(text, validate=True)
    except ValueError:
        return None
