"""The record as C2SP tlog-tiles, checked by a client written here from the specs alone (c2sp.org/tlog-tiles,
c2sp.org/tlog-checkpoint, c2sp.org/signed-note, RFC 6962): it imports nothing of ledger.merkle or ledger.tiles, so
it fails when our tiles differ from what any generic client expects."""

import base64
import hashlib

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from ledger.bulk import append_many
from ledger.checkpoints import publish_checkpoint
from ledger.kinds import EntryKind
from ledger.models import Entry
from opendata.files import open_data_storage
from opendata.writing import export_open_data

pytestmark = pytest.mark.django_db

IMMUTABLE = "public, max-age=31536000, immutable"
MOST_QUERIES_PER_TILE = 2  # the latest checkpoint's size, then the tile's hashes or entries


def grow(count: int, *, checkpoint: bool = True) -> None:
    append_many((EntryKind.SCALE_FILLER, f"thing:{n}", {"n": n}) for n in range(count))
    if checkpoint:
        publish_checkpoint()


# The spec-only client ------------------------------------------------------------------------------------------


def sha256(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def tile_path(level: str | int, n: int, width: int = 256) -> str:
    """tlog-tiles: N in zero-padded groups of three digits, all but the last prefixed with x."""
    groups = []
    while True:
        groups.insert(0, f"{n % 1000:03d}")
        n //= 1000
        if not n:
            break
    index = "/".join([f"x{group}" for group in groups[:-1]] + groups[-1:])
    return f"tile/{level}/{index}" + ("" if width == 256 else f".p/{width}")


class SpecClient:
    """Reads a tiled log through `get(path) -> bytes`, trusting nothing but the verifier key."""

    def __init__(self, get, vkey: str):
        self.get, self.tiles = get, {}
        name, key_id, material = vkey.strip().split("+", 2)
        key = base64.b64decode(material)
        assert key[0] == 0x01 and sha256(name.encode() + b"\n" + key)[:4].hex() == key_id
        self.key_name, self.key_id, self.public_key = name, bytes.fromhex(key_id), key[1:]

    def checkpoint(self) -> tuple[str, int, bytes]:
        """tlog-checkpoint: origin, size, base64 root, signed by the key (signed-note)."""
        note = self.get("checkpoint").decode()
        text, signatures = note.split("\n\n", 1)
        text += "\n"
        for line in signatures.splitlines():
            dash, name, blob = line.split(" ")
            signature = base64.b64decode(blob)
            if dash == "\u2014" and name == self.key_name and signature[:4] == self.key_id:
                Ed25519PublicKey.from_public_bytes(self.public_key).verify(signature[4:], text.encode())
                origin, size, root = text.splitlines()
                assert str(int(size)) == size
                return origin, int(size), base64.b64decode(root, validate=True)
        raise AssertionError("no signature by the log's key")

    def tile(self, level: int, n: int, size: int) -> list[bytes]:
        """Tile n of a level, full or as wide as the tree of `size` leaves makes it."""
        hashes_at_level = size >> (8 * level)
        width = min(256, hashes_at_level - 256 * n)
        path = tile_path(level, n, width)
        if path not in self.tiles:
            data = self.get(path)
            assert len(data) == 32 * width
            self.tiles[path] = [data[i : i + 32] for i in range(0, len(data), 32)]
        return self.tiles[path]

    def node(self, height: int, n: int, size: int) -> bytes:
        """MTH of the complete subtree of 2**height leaves starting at leaf n * 2**height."""
        if height % 8 == 0:
            return self.tile(height // 8, n // 256, size)[n % 256]
        return sha256(b"\x01" + self.node(height - 1, 2 * n, size) + self.node(height - 1, 2 * n + 1, size))

    def mth(self, lo: int, hi: int, size: int) -> bytes:
        """RFC 6962 section 2.1, from the tiles."""
        count = hi - lo
        if count & (count - 1) == 0 and lo % count == 0:
            return self.node(count.bit_length() - 1, lo // count, size)
        k = 1 << ((count - 1).bit_length() - 1)
        return sha256(b"\x01" + self.mth(lo, lo + k, size) + self.mth(lo + k, hi, size))

    def inclusion_path(self, index: int, lo: int, hi: int, size: int) -> list[bytes]:
        """RFC 6962 section 2.1.1 PATH, from the tiles."""
        if hi - lo == 1:
            return []
        k = 1 << ((hi - lo - 1).bit_length() - 1)
        if index < lo + k:
            return self.inclusion_path(index, lo, lo + k, size) + [self.mth(lo + k, hi, size)]
        return self.inclusion_path(index, lo + k, hi, size) + [self.mth(lo, lo + k, size)]

    def bundle(self, n: int, size: int) -> list[bytes]:
        width = min(256, size - 256 * n)
        data, entries = self.get(tile_path("entries", n, width)), []
        while data:
            length = int.from_bytes(data[:2], "big")
            entries.append(data[2 : 2 + length])
            data = data[2 + length :]
        assert len(entries) == width
        return entries


def root_from_path(index: int, size: int, leaf: bytes, path: list[bytes]) -> bytes:
    """RFC 9162 section 2.1.3.2: the root an inclusion proof leads to."""
    fn, sn, r = index, size - 1, leaf
    for p in path:
        if fn & 1 or fn == sn:
            r = sha256(b"\x01" + p + r)
            while not fn & 1 and fn:
                fn, sn = fn >> 1, sn >> 1
        else:
            r = sha256(b"\x01" + r + p)
        fn, sn = fn >> 1, sn >> 1
    assert sn == 0
    return r


def over_http(client):
    def get(path: str) -> bytes:
        response = client.get(f"/record/{path}")
        assert response.status_code == 200, (path, response.content)
        return response.content

    return get


@pytest.fixture
def spec_client(client):
    return SpecClient(over_http(client), client.get("/record/key").content.decode())


# The tests -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("size", [1, 255, 256, 257, 513])
def test_a_generic_client_recomputes_the_signed_root_from_the_tiles(spec_client, client, size):
    grow(size)
    origin, signed_size, root = spec_client.checkpoint()
    assert (origin, signed_size) == ("testserver/record", size)
    assert client.get("/record/checkpoint")["Content-Type"] == "text/plain; charset=utf-8"
    assert spec_client.mth(0, size, size) == root


@pytest.mark.parametrize("size", [1, 257, 513])
def test_the_entry_bundles_hash_to_the_leaves_which_are_the_entries_chain_hashes(spec_client, size):
    grow(size)
    leaves, entries = [], []
    for n in range((size + 255) // 256):
        entries += spec_client.bundle(n, size)
        leaves += spec_client.tile(0, n, size)
    assert entries == [bytes.fromhex(value) for value in Entry.objects.values_list("hash", flat=True)]
    assert [sha256(b"\x00" + entry) for entry in entries] == leaves


@pytest.mark.parametrize("seq", [1, 256, 257, 300])
def test_an_entry_is_proved_included_from_the_tiles_alone(spec_client, client, seq):
    grow(513)
    _, size, root = spec_client.checkpoint()
    entry = spec_client.bundle((seq - 1) // 256, size)[(seq - 1) % 256]
    path = spec_client.inclusion_path(seq - 1, 0, size, size)
    assert root_from_path(seq - 1, size, sha256(b"\x00" + entry), path) == root
    served = client.get(f"/api/v1/record/{seq}/proof/", {"size": size}).json()["hashes"]
    assert [base64.b64encode(value).decode() for value in path] == served


@pytest.mark.parametrize(
    "size, served, absent",
    [
        (1, ["tile/0/000.p/1", "tile/entries/000.p/1"], ["tile/0/000", "tile/1/000.p/1", "tile/0/000.p/2"]),
        (255, ["tile/0/000.p/255", "tile/0/000.p/7"], ["tile/0/000", "tile/entries/000", "tile/1/000.p/1"]),
        (256, ["tile/0/000", "tile/entries/000", "tile/1/000.p/1"], ["tile/0/001.p/1", "tile/1/000", "tile/2/000.p/1"]),
        (257, ["tile/0/001.p/1", "tile/entries/001.p/1", "tile/1/000.p/1"], ["tile/0/001", "tile/1/000.p/2"]),
        (513, ["tile/0/001", "tile/0/002.p/1", "tile/1/000.p/2", "tile/1/000.p/1"], ["tile/1/000", "tile/0/003.p/1"]),
    ],
)
def test_tiles_are_served_exactly_as_far_as_the_checkpoint_reaches(client, size, served, absent):
    grow(size)
    assert [client.get(f"/record/{path}").status_code for path in served] == [200] * len(served)
    for path in absent:
        response = client.get(f"/record/{path}")
        assert response.status_code == 404
        assert f"the latest is of {size}" in response.content.decode()


@pytest.mark.parametrize("size, checkpoint", [(0, True), (3, False)])  # an empty record is never signed
def test_no_tile_is_served_before_the_first_checkpoint(client, size, checkpoint):
    grow(size, checkpoint=checkpoint)
    assert client.get("/record/checkpoint").status_code == 404
    response = client.get("/record/tile/0/000.p/1")
    assert response.status_code == 404
    assert "the latest is of 0" in response.content.decode()


def test_entries_appended_since_the_checkpoint_wait_for_the_next_one(client):
    grow(255)
    grow(1, checkpoint=False)
    assert client.get("/record/tile/0/000").status_code == 404
    publish_checkpoint()
    assert client.get("/record/tile/0/000").status_code == 200


def test_full_tiles_are_cached_forever_partial_ones_briefly_and_refusals_not_at_all(client, citizen):
    grow(257)
    full, partial = client.get("/record/tile/0/000"), client.get("/record/tile/entries/001.p/1")
    assert (full["Cache-Control"], full["Content-Type"]) == (IMMUTABLE, "application/octet-stream")
    assert (partial["Cache-Control"], partial["Content-Type"]) == ("public, max-age=60", "application/octet-stream")
    assert client.get("/record/tile/0/001")["Cache-Control"] == "no-cache"
    assert client.get("/record/tile/0/1")["Cache-Control"] == "no-cache"
    client.force_login(citizen)
    assert client.get("/record/tile/0/000")["Cache-Control"] == IMMUTABLE  # the same bytes for everyone


def test_a_client_on_another_site_may_read_the_tiles_the_checkpoint_and_the_key(client):
    grow(3)
    for path in ["/record/tile/0/000.p/3", "/record/checkpoint", "/record/key"]:
        response = client.get(path, headers={"Origin": "https://verifier.example"})
        assert response.status_code == 200, path
        assert response["Access-Control-Allow-Origin"] == "*", path
        assert "Access-Control-Allow-Credentials" not in response, path


@pytest.mark.parametrize(
    "path, says",
    [
        ("tile/0/1", "is not a tile's address"),
        ("tile/0/0000", "is not a tile's address"),
        ("tile/0/x001", "is not a tile's address"),
        ("tile/0/000/", "is not a tile's address"),
        ("tile/-1/000", "is not a tile's address"),
        ("tile/data/000", "is not a tile's address"),
        ("tile/0/000.p/", "is not a tile's address"),
        ("tile/0/x999/x999/x999/x999/x999/x999/x999/999", "is not a tile's address"),
        ("tile/00/000", "The level must be a whole number from 0 to 63"),
        ("tile/64/000", "The level must be a whole number from 0 to 63"),
        ("tile/0/000.p/256", "width must be from 1 to 255"),
        ("tile/0/000.p/0", "width must be from 1 to 255"),
        ("tile/0/000.p/01", "width must be from 1 to 255"),
        ("tile/1/x000/001", "This tile's address is tile/1/001"),
    ],
)
def test_a_malformed_tile_address_is_a_clear_400(client, path, says):
    response = client.get(f"/record/{path}")
    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert says in response.content.decode()


def test_tiles_are_read_only(client):
    grow(256)
    assert client.post("/record/tile/0/000").status_code == 405
    assert client.head("/record/tile/0/000").status_code == 200


def test_a_tile_costs_the_same_queries_at_any_level(client, django_assert_max_num_queries):
    grow(513)
    for path in ["tile/0/000", "tile/entries/002.p/1", "tile/1/000.p/2"]:
        with django_assert_max_num_queries(MOST_QUERIES_PER_TILE):
            assert client.get(f"/record/{path}").status_code == 200


# The same tiles in the open data ---------------------------------------------------------------------------------


@pytest.fixture
def open_data(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "open_data": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": tmp_path}},
    }
    return tmp_path / "record"


def from_files(folder):
    return lambda path: (folder / path).read_bytes()


def test_the_open_data_holds_the_tiles_as_served_so_a_static_host_can_mirror_the_record(client, open_data):
    grow(257)
    export_open_data()
    for path in ["checkpoint", "tile/0/000", "tile/entries/000", "tile/0/001.p/1", "tile/1/000.p/1"]:
        assert (open_data / path).read_bytes() == client.get(f"/record/{path}").content
    mirror = SpecClient(from_files(open_data), client.get("/record/key").content.decode())
    _, size, root = mirror.checkpoint()
    assert (size, mirror.mth(0, size, size)) == (257, root)


def test_an_export_writes_each_tile_once_and_the_checkpoint_each_time(client, open_data):
    grow(257)
    export_open_data()
    for path in ["tile/0/000", "tile/1/000.p/1"]:
        (open_data / path).write_bytes(b"left alone")
    grow(256)
    export_open_data()
    assert (open_data / "tile/0/000").read_bytes() == (open_data / "tile/1/000.p/1").read_bytes() == b"left alone"
    for path in ["checkpoint", "tile/0/001", "tile/entries/001", "tile/0/002.p/1", "tile/1/000.p/2"]:
        assert (open_data / path).read_bytes() == client.get(f"/record/{path}").content
    assert (open_data / "tile/0/001.p/1").exists()  # an older checkpoint's partial tiles stay for older clients
    assert open_data_storage().exists("513/manifest.json")
