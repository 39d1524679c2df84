"""The record's tiles in the open data: record/checkpoint and record/tile/..., as /record/ serves them.

Copied as they are to any static host, the folder `record/` is a C2SP tlog-tiles log (c2sp.org/tlog-tiles) that
generic clients and witnesses can read without this site. A full tile never changes, so it is written once and
skipped by every later export; the partial tiles and the checkpoint are written by each export, the checkpoint
last, so a mirror never names a tile it does not hold.
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
    written = _missing_full([tile for tile in every if tile.is_full], storage)
    for tile in written:
        storage.save(tile_file(tile), ContentFile(tiles.tile_data(tile)))
    partial = [tile for tile in every if not tile.is_full]
    for tile in partial:
        files.replace(tile_file(tile), tiles.tile_data(tile))
    files.replace(f"{FOLDER}/checkpoint", checkpoint.cosigned_note().encode())
    return len(written) + len(partial)


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
