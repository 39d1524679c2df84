"""The record's tiles in the open data: record/checkpoint and record/tile/..., as /record/ serves them.

Copied as they are to any static host, the folder `record/` is a C2SP tlog-tiles log (c2sp.org/tlog-tiles) that
generic clients and witnesses can read without this site. A tile's bytes depend on its address alone (a partial
one's too: its width is in its name), so each is written once and skipped by every later export; each export adds
its checkpoint's new tiles, then replaces the checkpoint, last, so a mirror never names a tile it does not hold.
"""

from django.core.files.base import ContentFile
from django.core.files.storage import Storage

from ledger import tiles
from ledger.models import Checkpoint
from opendata import files

FOLDER = "record"


def tile_file(tile: tiles.Tile) -> str:
    return f"{FOLDER}/{tile.path}"


def write_tiles(checkpoint: Checkpoint) -> int:
    """Write the tiles of the tree `checkpoint` signs that are not written yet, then the checkpoint; how many."""
    storage = files.open_data_storage()
    every = tiles.tiles_of(checkpoint.size)
    partial = [tile for tile in every if not tile.is_full and not storage.exists(tile_file(tile))]
    missing = _missing_full([tile for tile in every if tile.is_full], storage) + partial
    for tile in missing:
        name = tile_file(tile)
        saved = storage.save(name, ContentFile(tiles.tile_data(tile)))
        if saved != name:  # an export running at the same time wrote the same bytes first; the storage kept both
            storage.delete(saved)
    files.replace(f"{FOLDER}/checkpoint", checkpoint.cosigned_note().encode())
    return len(missing)


def _missing_full(full: list[tiles.Tile], storage: Storage) -> list[tiles.Tile]:
    """The full tiles not written yet. Each series (a level, or the entry bundles) is written in order of index, so
    what exists is a prefix of it: looking back from the newest tile to the first one found costs one check per new
    tile, not one per tile of the record."""
    missing: list[tiles.Tile] = []
    series = sorted({(tile.level, tile.entries) for tile in full})
    for level, entries in series:
        ordered = [tile for tile in full if (tile.level, tile.entries) == (level, entries)]
        new = []
        for tile in reversed(ordered):
            if storage.exists(tile_file(tile)):
                break
            new.append(tile)
        missing += reversed(new)
    return missing
