"""Milvus Lite's stored vectors memory-mapped from their index files (knowledge/lite_memory.py): a store
opened again maps the vectors of every collection instead of holding them, and reads by id (with the
vectors taken from the segment's arrays) and searches return what the library's own loading and
reading return."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from knowledge import lite_memory
from knowledge.chunk_cache import ChunkCache
from knowledge.chunking import Chunk
from knowledge.store import EVERY_ACCESS_KEY, MilvusStore, load_entries

QUESTIONS = ["how do I reset my password?", "export my data", "invite people to the team"]


def _chunks(count: int) -> list[Chunk]:
    return [
        Chunk(id=f"c{n}", doc_id=f"d{n}", source=f"{n}.md", title=f"Article {n}", url=None, heading="Settings",
              text=f"To reset item {n}, open Settings. Then press Reset {n}. The password changes at once. Export data {n % 7}.", position=0)
        for n in range(count)
    ]


def _fill(uri: str) -> list[Chunk]:
    rng = np.random.default_rng(3)
    chunks = _chunks(300)
    store = MilvusStore(uri=uri, dim=8)
    store.open()
    try:
        for part in (chunks[:200], chunks[200:]):  # two flushes: two segments per collection
            vectors = rng.standard_normal((3, len(part), 8)).astype(np.float32)
            windows = [rng.standard_normal((len(c.sentence_texts), 8)).astype(np.float32) for c in part]
            store.insert(tenant="acme", access="public", chunks=part, dense=vectors[0], title_dense=vectors[1], lead_dense=vectors[2], sentences=windows)
            store.flush()
    finally:
        store.close()
    return chunks


def _reopened(uri: str) -> MilvusStore:
    """The store opened afresh from its files: Milvus Lite keeps a store's server, and its loaded
    segments, in the process until it is released."""
    from milvus_lite.server_manager import server_manager_instance

    server_manager_instance.release_server(uri)
    return MilvusStore(uri=uri, dim=8)


def _read(uri: str, chunks: list[Chunk]) -> tuple[list, list, tuple, list]:
    """Every chunk read by id with its vectors, and the blended and BM25 searches' hits."""
    store = _reopened(uri)
    store.open()
    try:
        found = load_entries(store._client, ChunkCache(), {c.id for c in chunks}, tenant="acme", access_keys=["public"])
        entries = sorted((i, chunk, views.tolist()) for i, (chunk, views) in found.items())
        vectors = np.random.default_rng(9).standard_normal((len(QUESTIONS), 8)).astype(np.float32)
        hits = store.search_many(tenant="acme", access_keys=["public"], vectors=vectors, texts=QUESTIONS, limit=10)
        searched = [[(h.chunk.id, h.dense, h.title, h.lead, h.sentence, h.lexical, h.blend_rank) for h in per] for per in hits]
        # a whole row read by id, every field (the read of a chunk names them all; this one names none)
        whole = store._client.query("chunks_v4_data", filter='id in ["c7", "c250"]')
        # filtered queries returning some fields (a tenant's first question reads these)
        parts = (store.chunk_parts(tenant="acme"), store.titles(tenant="acme", access_keys=["public"]), store.count(tenant="acme"))
        assert len(parts[0]) == len(chunks) and parts[2] == len(chunks)
        assert EVERY_ACCESS_KEY is None
    finally:
        store.close()
    return entries, searched, parts, sorted(whole, key=lambda r: r["id"])


def test_a_reopened_store_maps_its_vectors_and_reads_what_the_library_reads(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from milvus_lite.adapter.grpc.translators import records
    from milvus_lite.engine import collection
    from milvus_lite.index.brute_force import BruteForceIndex
    from milvus_lite.storage import segment

    if not lite_memory.install():
        pytest.skip("an installed milvus-lite this was not checked against keeps its own segment loading")
    uri = str(tmp_path / "milvus.db")
    chunks = _fill(uri)

    mapped: list[str] = []
    real = lite_memory.mapped_vectors

    def recorded(path: str) -> np.ndarray:
        mapped.append(Path(path).name)
        return real(path)

    monkeypatch.setattr(lite_memory, "mapped_vectors", recorded)
    ours = _read(uri, chunks)
    # every vector field of every segment: the three views, the blend and the sentence windows
    fields = {name.split(".")[1] for name in mapped}
    assert fields == {"dense", "title_dense", "lead_dense", "blend", "windows"}
    assert len({name for name in mapped if ".dense." in name}) == 2  # both segments

    monkeypatch.setattr(segment, "read_data_file", segment._supportbot_read_data_file)
    monkeypatch.setattr(BruteForceIndex, "load", BruteForceIndex.load._supportbot_library)
    monkeypatch.setattr(segment.Segment, "row_to_dict", segment.Segment.row_to_dict._supportbot_library)
    for name in ("query", "get"):
        library = getattr(collection.Collection, name)
        while hasattr(library, "_supportbot_library"):  # a read by id is wrapped twice (lite_wire.py too)
            library = library._supportbot_library
        monkeypatch.setattr(collection.Collection, name, library)
    if hasattr(records._build_field_data, "_supportbot_library"):
        monkeypatch.setattr(records, "_build_field_data", records._build_field_data._supportbot_library)
    monkeypatch.setattr(collection, "assemble_candidates", collection.assemble_candidates._supportbot_library)
    mapped.clear()
    own = _read(uri, chunks)
    assert not mapped  # the library's loading this time
    assert len(own[0]) == len(chunks) and all(len(views) > 3 for _, _, views in own[0])  # sentence windows read too
    assert sum(len(per) for per in own[1]) >= 20
    assert len(own[3]) == 2 and len(own[3][0]["title_dense"]) == 8
    assert ours == own


def _mapped_rss_kb(folder: str, field: str) -> tuple[int, int]:
    """(mappings, kB resident in this process) of the store's index files of `field` (/proc/self/smaps)."""
    mappings, resident, current = 0, 0, False
    for line in Path("/proc/self/smaps").read_text().splitlines():
        head = line.split()
        if head and "-" in head[0] and len(head) >= 5 and not head[0].endswith(":"):  # a mapping's first line
            current = len(head) >= 6 and head[5].startswith(folder) and f".{field}." in head[5]
            mappings += current
        elif current and head[:1] == ["Rss:"]:
            resident += int(head[1])
    return mappings, resident


def test_reads_by_id_leave_the_mapped_vectors_out_of_the_process_memory(tmp_path: Path) -> None:
    """A chunk read by id takes its vectors from the file, not through the mapping: at 100,000 chunks the
    pages those reads touched (and the kernel's neighbours of each) were +885 MB of the store process's RSS."""
    if not lite_memory.install():
        pytest.skip("an installed milvus-lite this was not checked against keeps its own segment loading")
    if not Path("/proc/self/smaps").exists():
        pytest.skip("no /proc/self/smaps here")
    uri = str(tmp_path / "milvus.db")
    chunks = _fill(uri)
    store = _reopened(uri)
    store.open()
    try:
        found = load_entries(store._client, ChunkCache(), {c.id for c in chunks}, tenant="acme", access_keys=["public"])
        assert len(found) == len(chunks) and all(len(views) > 3 for _, views in found.values())
        for field in ("title_dense", "windows"):  # read by id only, never searched
            mappings, resident = _mapped_rss_kb(str(tmp_path), field)
            assert mappings >= 2 and resident == 0, (field, mappings, resident)
    finally:
        store.close()


def test_the_bm25_text_stays_on_disk_and_searches_find_what_they_found(tmp_path: Path) -> None:
    """The BM25 collection's "lexical" text, which no read returns, is not loaded (a column of nulls): 53 MB at
    100,000 chunks. That BM25 and every other search still return the library's hits is the first test's."""
    import pyarrow.parquet as pq

    uri = str(tmp_path / "milvus.db")
    _fill(uri)
    files = sorted((tmp_path / "milvus.db").rglob("chunks_v4/partitions/*/data/*.parquet"))
    assert files
    for file in files:
        on_disk = pq.read_table(file)
        loaded = lite_memory.read_mapped(str(file))
        assert loaded.column_names == on_disk.column_names and len(loaded) == len(on_disk) > 0
        assert loaded.column("lexical").null_count == len(loaded) and loaded.column("lexical").nbytes < on_disk.column("lexical").nbytes / 10
        assert loaded.column("sparse").equals(on_disk.column("sparse")) and loaded.column("id").equals(on_disk.column("id"))


def test_the_chunks_text_is_kept_in_a_file_and_reads_return_it_as_stored(tmp_path: Path) -> None:
    """The data collection's shown strings (text, title, heading, source, URL), which only reads return, are not
    held in the loaded table (~60 MB of the store process at 100,000 chunks) but read from a file when a row is
    read: a read by id returns every chunk as it was stored. That whole rows and a tenant's queries return what
    the library returns is the first test's."""
    import pyarrow.parquet as pq

    if not lite_memory.install():
        pytest.skip("an installed milvus-lite this was not checked against keeps its own segment loading")
    uri = str(tmp_path / "milvus.db")
    chunks = _fill(uri)
    files = sorted((tmp_path / "milvus.db").rglob("chunks_v4_data/partitions/*/data/*.parquet"))
    assert len(files) == 2
    for file in files:
        on_disk = pq.read_table(file)
        loaded = lite_memory.read_mapped(str(file))
        assert loaded.column_names == on_disk.column_names and loaded.column("id").equals(on_disk.column("id"))
        for field in ("text", "title", "heading", "source", "url"):
            assert loaded.column(field).null_count == len(loaded) > 0, field
        assert loaded.column("text").nbytes < on_disk.column("text").nbytes / 10
    store = _reopened(uri)
    store.open()
    try:
        found = load_entries(store._client, ChunkCache(), {c.id for c in chunks}, tenant="acme", access_keys=["public"])
        assert {i: chunk for i, (chunk, _) in found.items()} == {c.id: c for c in chunks}
        assert sorted(store.chunk_parts(tenant="acme")) == sorted((c.title, c.heading, c.text) for c in chunks)
    finally:
        store.close()


def test_the_bm25_column_is_dropped_once_indexed_and_comes_back_before_its_index_is_rebuilt(tmp_path: Path) -> None:
    """A segment's BM25 column (48 MB at 100,000 chunks) is not kept once its index holds the same postings;
    an index taken out (the library's `release_index`, a new index spec) first puts the column back from the
    file, so an index built again scores what the first one scored."""
    import pyarrow.parquet as pq
    from milvus_lite.index.sparse_factory import create_sparse_index
    from milvus_lite.storage.segment import Segment

    from knowledge import lite_bm25

    uri = str(tmp_path / "milvus.db")
    _fill(uri)
    lite_bm25.install()
    file = min((tmp_path / "milvus.db").rglob("chunks_v4/partitions/*/data/*.parquet"))
    on_disk = pq.read_table(file).column("sparse")
    segment = Segment.load(str(file), "_default", "id", None)

    def built() -> tuple[np.ndarray, np.ndarray]:
        index = create_sparse_index("BM25", {})
        assert lite_bm25.compact(index, lite_memory.restore_sparse(segment, "sparse").column("sparse"))
        segment.sparse_indexes["sparse"] = index
        return index.search([{int(k): 1.0 for k in list(index._df)[:3]}], 5)

    before = built()
    lite_memory.drop_indexed_sparse(segment, "sparse")
    assert segment.table.column("sparse").null_count == len(on_disk) and segment.table.column("id").equals(pq.read_table(file).column("id"))
    segment.release_index("sparse")
    assert segment.table.column("sparse").equals(on_disk)
    again = built()
    assert all(np.array_equal(a, b) for a, b in zip(before, again, strict=True))
    lite_memory.drop_indexed_sparse(segment, "sparse")
    segment.release_index()  # every index: the column comes back too
    assert segment.table.column("sparse").equals(on_disk)


def test_the_collections_of_one_chunk_share_its_id(tmp_path: Path) -> None:
    """The blended vector's, BM25's and the data's segments hold the same chunk ids: one string each, not three
    (~100 bytes a chunk each), and each id still finds its row."""
    import pyarrow.parquet as pq
    from milvus_lite.storage.segment import Segment

    if not lite_memory.install():
        pytest.skip("an installed milvus-lite this was not checked against keeps its own segment loading")
    uri = str(tmp_path / "milvus.db")
    _fill(uri)
    loaded = {}
    for name, vector in (("chunks_v4_data", "dense"), ("chunks_v4_dense", "blend"), ("chunks_v4", None)):
        file = min((tmp_path / "milvus.db").rglob(f"{name}/partitions/*/data/*.parquet"))
        loaded[name] = Segment.load(str(file), "_default", "id", vector)
        on_disk = pq.read_table(file).column("id").to_pylist()
        assert loaded[name].pks == on_disk and loaded[name].pk_to_row == {pk: row for row, pk in enumerate(on_disk)}
    data = {pk: pk for pk in loaded["chunks_v4_data"].pks}
    for other in ("chunks_v4_dense", "chunks_v4"):
        assert all(data[pk] is pk for pk in loaded[other].pks)
