"""The record's Merkle tree as C2SP tlog-tiles (c2sp.org/tlog-tiles): static, cacheable files any client can check.

A tile of level L holds up to 256 consecutive hashes of subtrees of 256**L leaves: hash i of tile N at level L is
the stored node (8 * L, 256 * N + i) of ledger.merkle, so a tile is one primary-key lookup of TreeNode rows. An
entry bundle holds the entries behind a level-0 tile: each entry's chain hash, 32 raw bytes with the spec's
big-endian uint16 length prefix, so a generic client's leaf hash SHA-256(0x00 || data) is our merkle.leaf_hash.

A tile is served only when the latest checkpoint covers every leaf under it: a full tile then never changes, and a
partial one (fewer than 256 hashes, `.p/<W>`) is the prefix of the full tile that will replace it.
"""

import re
from dataclasses import dataclass

from ledger import merkle
from ledger.models import Checkpoint, Entry
from ledger.selectors import stored_nodes

HEIGHT = 8  # levels of the tree inside one tile
WIDTH = 1 << HEIGHT  # hashes in a full tile
MAX_LEVEL = 63
HASH_BYTES = 32
BUNDLE_LENGTH_PREFIX = HASH_BYTES.to_bytes(2, "big")

# At most 21 digits of N: more than any tree of 2**63 leaves has tiles, and no int of unbounded length is parsed.
_PATH = re.compile(
    r"tile/(?P<level>entries|[0-9]{1,3})/(?P<index>(?:x[0-9]{3}/){0,6}[0-9]{3})(?:\.p/(?P<width>[0-9]{1,3}))?"
)
USAGE = (
    "A tile's address is tile/<L>/<N> or tile/entries/<N>, with .p/<W> after N for a partial tile: L from 0 to 63, "
    "N in groups of three digits with an x before all but the last (1234067 is x001/x234/067), W from 1 to 255."
)


class BadTilePath(ValueError):
    """An address that names no tile in the spec's encoding; its message says what is wrong."""


@dataclass(frozen=True)
class Tile:
    """Hash tile `index` of `level`, or (entries) the entry bundle `index`, `width` hashes or entries wide."""

    level: int
    index: int
    width: int = WIDTH
    entries: bool = False

    @property
    def is_full(self) -> bool:
        return self.width == WIDTH

    @property
    def path(self) -> str:
        """Its address under the log's prefix, as the spec encodes it: tile/0/x001/x234/067.p/12."""
        digits = f"{self.index:03d}"
        digits = "0" * (-len(digits) % 3) + digits
        groups = [digits[i : i + 3] for i in range(0, len(digits), 3)]
        index = "/".join([*(f"x{group}" for group in groups[:-1]), groups[-1]])
        partial = "" if self.is_full else f".p/{self.width}"
        return f"tile/{'entries' if self.entries else self.level}/{index}{partial}"

    @property
    def leaves_needed(self) -> int:
        """The size a tree must have for this tile to exist: the end of the last subtree it holds."""
        return (self.index * WIDTH + self.width) << (HEIGHT * self.level)

    def nodes(self) -> list[merkle.Node]:
        """The stored subtrees whose hashes it holds, in order."""
        first = self.index * WIDTH
        return [(HEIGHT * self.level, n) for n in range(first, first + self.width)]


def parse_tile_path(path: str) -> Tile:
    """The tile an address names, in the one encoding the spec allows, so each tile has exactly one address."""
    match = _PATH.fullmatch(path)
    if match is None:
        raise BadTilePath(f"“{path}” is not a tile's address. {USAGE}")
    level_text, index_text, width_text = match.group("level", "index", "width")
    entries = level_text == "entries"
    level = 0 if entries else int(level_text)
    if not entries and (level > MAX_LEVEL or level_text != str(level)):
        raise BadTilePath(f"The level must be a whole number from 0 to {MAX_LEVEL} without leading zeroes. {USAGE}")
    width = WIDTH
    if width_text is not None:
        width = int(width_text)
        if not 0 < width < WIDTH or width_text != str(width):
            raise BadTilePath(f"A partial tile's width must be from 1 to {WIDTH - 1}, without leading zeroes. {USAGE}")
    tile = Tile(level=level, index=int(index_text.replace("x", "").replace("/", "")), width=width, entries=entries)
    if tile.path != path:
        raise BadTilePath(f"This tile's address is {tile.path}: N is written without leading x000 groups. {USAGE}")
    return tile


def tiles_of(size: int) -> list[Tile]:
    """Every tile and entry bundle of the tree of `size` leaves: the full ones, then each level's partial one."""
    found = []
    level = 0
    while size >> (HEIGHT * level):
        hashes = size >> (HEIGHT * level)
        for entries in (True, False) if level == 0 else (False,):
            found += [Tile(level=level, index=n, entries=entries) for n in range(hashes // WIDTH)]
            if hashes % WIDTH:
                found.append(Tile(level=level, index=hashes // WIDTH, width=hashes % WIDTH, entries=entries))
        level += 1
    return found


def latest_checkpoint_size() -> int:
    """What tiles may be served: those the latest signed checkpoint covers; 0 before the first one."""
    return Checkpoint.objects.order_by("-size").values_list("size", flat=True).first() or 0


class IncompleteTree(RuntimeError):
    """The stored tree lacks a node or an entry that a checkpoint covers: the record is damaged (verify_record)."""


def tile_data(tile: Tile) -> bytes:
    """The tile's bytes, read in one query: its hashes concatenated, or its entries each prefixed by its length."""
    if tile.entries:
        first = tile.index * WIDTH
        hashes = list(
            Entry.objects.filter(seq__gt=first, seq__lte=first + tile.width)
            .order_by("seq")
            .values_list("hash", flat=True)
        )
        if len(hashes) != tile.width:
            raise IncompleteTree(f"{tile.path}: {tile.width - len(hashes)} of its entries are missing")
        return b"".join(BUNDLE_LENGTH_PREFIX + bytes.fromhex(value) for value in hashes)
    wanted = tile.nodes()
    found = stored_nodes(wanted)
    if len(found) != len(wanted):
        raise IncompleteTree(f"{tile.path}: {len(wanted) - len(found)} of its stored hashes are missing")
    return b"".join(found[node] for node in wanted)
