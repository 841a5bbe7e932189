"""What bench/bench_growth.py prints for a configuration (the serve's line), and what it measured, pass
by pass, on this machine.

Where the time per question goes (2026-12-02, same loaded machine, `--sizes 1000,3000 --tenants 0 --asks 50`):
  before (main): 1k p50 104 ms p99 207 ms; 3k p50 94 ms p99 369 ms (RSS serve 610 -> 671 MB, child 245 -> 321 MB)
  after (growth): 1k p50 111 ms p99 249 ms; 3k p50 107 ms p99 212 ms (RSS serve 621 -> 682 MB, child 231 -> 318 MB)
No per-question code path of ours reads every chunk (vocabulary, terms, levels and access keys are cached
per tenant until an ingest). What grew: Milvus Lite's FLAT search of the blended vector (one call, 30
questions, random vectors: ~2.5 ms at 1k chunks, 26-140 ms at 10k), and the read of missing chunks by
id within the scope, which Lite answered by scanning every row (34-43 ms at 10k vs 8 ms by id alone:
now by id, the scope checked on the rows, knowledge/store.py `_in_scope`). BM25 stayed at 3-7 ms.

Second pass (2026-12-02, branch growth; same 2-core machine, load average 7-13 throughout):
Ingest is the embedder. py-spy of the ingest at 1k chunks, and a timed ingest of 4,000 chunks (per batch
of 256: embedding vs writing to Milvus): 372.7 s of 385 s embedding (97%), 7.8 s writing (2%), the
rest (loading, chunking, the database, the final flush) ~5 s; the write time per batch did not grow
(0.2-0.4 s from the first batch to the last). Each chunk is three ONNX calls (body, title, lead) of
one text each (knowledge/embedding.py CALL_BATCH = 1: batching changes the int8 model's vectors),
already batched across documents and sorted by length; nothing per document or per chunk grows with
the store. So the rate follows the machine's load: 15.4 chunks/s at 1k, 10.4 at 4k, 8.2 at 10k
(`--sizes 10000 --tenants 0 --asks 300 --keep` on main's code: 1213 s) with batches of 256 taking
7 to 56 s as the other sessions' load came and went. 100k chunks (one tenant or 1,000 x 100) would
have taken 1-3.5 hours of embedding here: not run (see `--replicate`).

What grew per question: Milvus Lite 3's BM25 search walks every posting of every question word in
Python (py-spy of the Milvus child during the asks at 4k: 20% of its samples in
`SparseInvertedIndex.search`, 2.5% in the dense search). knowledge/lite_bm25.py computes the same
scores per posting list with numpy (bit for bit, same order; tests/knowledge/test_lite_bm25.py): one
BM25 search at 4k chunks 72-95 ms -> 8.7 ms (200 questions, identical ids and distances). Before/after
on the same kept stores, back to back (`--asks-on DIR --asks 200`, main's code vs growth's):
  1k chunks:  p50 50.5 -> 44.8 ms, p99 108.7 -> 93.4 ms; RSS serve 619 / 595 MB, child 224 / 224 MB
  4k chunks:  p50 383 -> 187 ms, p99 1552 -> 956 ms (100 asks, load ~10)
  10k chunks: p50 254 -> 154 ms, p99 656 -> 352 ms; RSS serve 713 / 710 MB, child 538 / 549 MB
At 10k after the change the child's time is the dense search (23% of its samples: Lite copies the
segment's vectors for every search, `BruteForceIndex.search`, and loops over every row in Python to
build the mask), the sparse search's filter and bookkeeping (9%) and BM25 itself (3.6%).

The index of the blended vector stays FLAT. HNSW (faiss, which milvus-lite 3.2.2 uses when faiss-cpu
is installed; it is) measured with bench/bench_index_recall.py on the 10k store's real vectors and 300
embedded questions (seed 2), one BLAS thread: one tenant, FLAT 17.6 ms per search, HNSW (M 16,
efConstruction 200) ef 64: 7.7 ms, recall@10 0.9997. But Lite filters HNSW by an id selector inside a
partition holding many tenants: the same rows dealt to 100 tenants, ef 64 recall@10 0.980 (12.9 ms vs
FLAT 13.1), ef 128 0.9993; dealt to 1,000 tenants, recall@10 0.535 at ef 64 and 0.740 at ef 128. One
index serves every tenant of a collection, so HNSW would lose most of a small tenant's answers.

100k chunks, by `--replicate` (the 10k store above x 10, same vectors, a sentence of its own per copy,
documents registered; no embedder, so no ingest rate), the 10k run's questions, back to back:
  100k chunks, one tenant: main p50 5024 ms p99 12339 ms (100 asks) -> growth p50 994 ms p99 2078 ms
  (200 asks); store 1.27 GB; RSS serve 799 / 745 MB, Milvus child 2835 / 2875 MB.
One BM25 search at 100k (30 questions, in-process): library 975-1540 ms, vectorised 82-107 ms,
identical results. Against the goal (1k -> 100k: p99 at most 2x, RSS per process +300 MB), on
growth's code: p99 93 ms -> 2078 ms (22x), serve 595 -> 745 MB (+150 MB, within), Milvus child
224 MB -> 2.9 GB: Milvus Lite keeps every segment's columns and vectors in its process (the data
collection holds the three 384-float views of every chunk and a FLAT "index" file duplicating each).
What still grows per question in Lite at 100k: the dense search copies the tenant's partition's
vectors per call and loops over its rows in Python, the BM25 postings of common words (this corpus
weaves 8 product names into every row, so a question's product name matches 1/8 of the store), the
filter evaluation. A Milvus server (SUPPORTBOT_MILVUS_URI) is the way past that; not measured here.
1,000 tenants x 100 (`--replicate ... --factor 10 --tenants 1000`): `serve` did not become ready in
11 minutes: its start measures every tenant (Pipeline.warm_up -> the redaction terms of each tenant,
`MilvusStore.chunk_parts`, one filtered query of the store per tenant; then `warm_profiles`, 100
titles embedded and searched per tenant), so start time is tenants x store size.
Fixed on branch tenants: nothing is measured per tenant at start; a tenant's terms and levels are
measured on its first question (knowledge/tenant_cache.py) and again after an ingest. Before (main
a2ec446) / after, back to back per configuration, 2026-12-02 10:37-10:40 UTC, load average 1.9-3.2,
stores from `--replicate` of a kept 120-chunk configuration (12 chunks a tenant, or 100 for 60x100),
`--asks-on DIR --asks 20`:
  50 tenants x 12:   ready  9.3 -> 6.6 s; first question of a tenant p50  21 ->  69 ms (max  48 -> 294), second 14 -> 13 ms
  200 tenants x 12:  ready 17.1 -> 6.8 s; first question of a tenant p50  25 ->  77 ms (max  50 -> 321), second 14 -> 13 ms
  500 tenants x 12:  ready 41.9 -> 6.8 s; first question of a tenant p50  31 ->  93 ms (max  78 -> 459), second 17 -> 18 ms
  1000 tenants x 12: ready 114.9 -> 7.9 s; first question of a tenant p50  51 -> 140 ms (max 114 -> 602), second 24 -> 28 ms
                     (10:44-10:47 UTC, load average 1.9-3.6)
  60 tenants x 100:  ready 26.4 -> 7.2 s; first question of a tenant p50  41 -> 400 ms (max  73 -> 887), second 26 -> 25 ms
The price: a tenant's first question after each start measures its knowledge base (~100 titles
embedded one at a time and searched for a 100-chunk tenant); `ask` p50 with 4 customers on random,
mostly not yet asked tenants 88 -> 610 ms at 60 x 100. Not kept across restarts (no table yet).

Third pass (2026-12-02 14:03-15:10 UTC, branch growth2; load average 6-14 on the 2 cores throughout).
Where a question's Milvus Lite time went at 100k chunks in one tenant (`python bench/bench_lite_search.py
DIR --questions 30` at 1k, `--questions 20` at 100k: the three calls of `MilvusStore.search_many`
in-process, p50 thread CPU, warm): the library
walked every row of the collection in Python per search, twice (the newest version of each id, then
each row's tombstone check: `execute_search_with_index`, `Collection._search_sparse`), and its FLAT
search copied every vector (`vectors[arange(N)]`, 150 MB) before the product. knowledge/lite_live.py
keeps which rows are live per state of the store (segment files + tombstones; the library's path while
anything is unflushed) and searches the vectors in place; same ids, distances and order (tests/knowledge/
test_lite_live.py; identical on the 1k and 100k stores below). Milvus Lite's own paths -> this tree:
  1k chunks:   dense 1.9 -> 1.4 ms, BM25 3.7 -> 1.4 ms, read by id 2.0 / 3.4 ms (not changed: noise)
  100k chunks: dense 227 -> 23 ms, BM25 521 -> 9 ms with its words' posting lists warm (92 ms on their
               first use: each list becomes arrays once, knowledge/lite_bm25.py), read by id 4.4 / 4.6 ms
(main had lite_bm25 already: at 100k its BM25 cost 226 ms of CPU per search, mostly the row walk.)
Reading a tenant's whole knowledge base (the query of `chunk_parts`, 16,384 rows) costs ~1.1 s of CPU
at 100k either way: a version of the query path with the live rows cached was slower (1.4 s; reverted).
Stores: `--sizes 1000 --tenants 10 --per-tenant 100 --asks 50 --keep` (1k chunks in one tenant:
ingest 6.0 chunks/s; 10 tenants x 100: 3.8 chunks/s, same run), then `--replicate KEPT/1-tenant-x-1000
TARGET --factor 100` (100k chunks, one tenant: 1.28 GB) and `--factor 100 --tenants 1000` (1,000
tenants x 100 chunks). Serve and ask on each, main's code (d1395ca) then this tree's, back to back,
`--asks-on DIR --asks 200`:
  1k chunks:   main p50   77 ms p99  147 ms | growth2 p50  79 ms p99 168 ms; RSS serve 591 / 589 MB, Milvus child 217 / 213 MB
  100k chunks: main p50 1836 ms p99 4308 ms | growth2 p50 317 ms p99 660 ms; RSS serve 738 / 724 MB, Milvus child 3349 / 3328 MB
  (a tenant's first question at 100k, which measures its knowledge base: 61 s / 56 s)
  1,000 tenants x 100 (store 821 MB): main: the first question of the first tenant not answered after
    4 min 46 s (its knowledge base measured through searches that each walked all 100k rows; stopped).
    growth2: ready 30.7 s; a tenant's first question p50 14.4 s (max 39.8 s), its second p50 313 ms; ask
    p50 18.2 s p99 51.0 s: 200 questions on random tenants of 1,000 are almost all a tenant's first,
    each measuring its knowledge base (100 titles embedded and searched, its chunks read), with 4 at a
    time; RSS serve 635 MB, Milvus child 2619 MB.
Against the goal (1k -> 100k, p99 at most 2x, RSS per process at most +300 MB), in this run: p99 168 ->
660 ms (3.9x; main 29x), serve 589 -> 724 MB (+135 MB), Milvus child 213 MB -> 3.3 GB. What is left
per question at 100k: the FLAT search's product over every vector of the tenant (~20 ms CPU, exact;
the 1,000-tenant figures of bench_index_recall.py rule HNSW out), the first use of each word's posting
list, and queueing behind them in the one Milvus Lite process under 4 concurrent customers; the
filter (Arrow, over every row of every partition: Lite does not prune partitions by the partition key)
costs a few ms. A tenant's first question after a start measures its knowledge base (100 titles
embedded and searched, and its chunks read): about a minute at 100k chunks in one tenant. The child's
memory is Milvus Lite holding every segment's columns and index files in its process; a Milvus server
(SUPPORTBOT_MILVUS_URI) needs none of this. Ingest of 1,000 tenants x 100 through the embedder was not
run: at the 3.8-6 chunks/s of this run, 100k chunks is 5-7 hours of embedding.
With the sentence windows (2026-12-04, bot/core/passages.py `Chunk.sentence_texts`: the floor reads the best
of each chunk's pairs of consecutive sentences, embedded at ingest), on a quiet machine, `--sizes 1000 --tenants 0
--asks 100`, the code before them then after, back to back:
  before: 1k chunks ingest 68.5 chunks/s (15 s), store 15.4 MB, ask p50 54.9 ms p99 99.8 ms, RSS serve 610 MB + child 236 MB
  after:  1k chunks ingest 17.2 chunks/s (58 s), store 39.5 MB, ask p50 51.7 ms p99 96.7 ms, RSS serve 643 MB + child 271 MB
Ingest is ~4x slower (a chunk of these rows has 4-6 sentences: 3-5 windows, each longer than a lead) and the
store 2.6x larger; asks are unchanged. A re-ingest embeds only texts it has not seen (knowledge/vector_cache.py).
Ingest on every core (2026-12-04, knowledge/embedding.py `PARALLEL_FROM`: a long list is embedded by one call per
core at once, one ONNX thread each, instead of one call with every core's threads; the same vectors). `--sizes 1000
--tenants 0 --asks 30` with SUPPORTBOT_EMBED_CACHE=0, before and after, interleaved, on a machine shared with two
helpers' benchmarks: ingest 10.9 / 10.3 -> 23.1 / 26.2 chunks/s. Then `--sizes 1000,10000 --tenants 0 --asks 200`
(same load): 1k chunks ingest 27.7 chunks/s, ask p50 49 ms p99 101 ms, RSS serve 643 MB + child 249 MB; 10k chunks
ingest 16.3 chunks/s (614 s), store 395 MB, ask p50 220 ms p99 536 ms, RSS serve 782 MB + child 801 MB. The 10k serve
ran the start that measures its tenants before it is ready (bot/app/lifecycle.py WARM_BEFORE_READY): ready in 33 s
(7 s at 1k), and the tenant's first question took 208 ms against 1,351 ms at 1k, where it still measured.

Fourth pass (2026-12-06 12:15-13:00 UTC, branch perf20; the 2 cores shared with other helpers, load average 5-15).
`--replicate` now copies each chunk's sentence windows (before, a replicated store had none, and they are the
largest collection: 8.9 windows a chunk here, 885,594 rows at 100k chunks); the stores: `--sizes 1000 --tenants 0
--keep` (1k chunks), `--replicate KEPT DIR --factor 10` (10k) and `--factor 100` (100k, 3.9 GB on disk).
Where the Milvus child's memory went (the collections loaded in-process, RSS): main holds every segment's Parquet
file decoded (every column, vectors included, with mimalloc keeping the decode's peak: 452 MB to read 135 MB of
window vectors) and each FLAT index file read again beside it; at 10k, 1139 MB. knowledge/lite_memory.py maps
the vector columns and the indexes from the index files and allocates Arrow's buffers from the system: 213 MB.
The BM25 index was a Python list of tuples per word (lite_bm25.compact: two arrays). Loaded at 100k (perf20):
RSS 666 MB (anon 594), of which the BM25 collection's words and packed vectors 111 MB, the data collection's text
~50 MB, and the ids of 885,594 windows with their dicts most of the sentences' +189 MB.
Per question at 100k, py-spy of the Milvus child during the asks (steady state, 40 s at 50 Hz, perf20 at 9d57af0): the blended vector's FLAT product (`ip_distance`, 100,000 x 384 floats read per call) 13.4% of
samples, reads by id (`Collection.get`: `row_to_dict` 6.6%, the reply's encoding 6.6%) 13%, BM25 7.8% (its full
argsort of every chunk a common word hits 5.3%: now only those at or above the k-th score are sorted), idle the
rest; the serve process mostly waits on the child (12%) and decodes the rows read (~10%). The reads grow with the
store because the serve's chunk cache misses more often (1k chunks all fit; at 100k most hits are new).
Main (7428986) then perf20 (68c9884), one run, `--asks-on DIR --asks 200`, back to back on the same stores:
  1k chunks:   main   p50  57.6 ms p99 201.1 ms; RSS serve 613 MB, Milvus child  287 MB (files   86 MB); ready 24.8 s
               perf20 p50  91.2 ms p99 283.4 ms; RSS serve 606 MB, Milvus child  252 MB (files  104 MB); ready 45.0 s
  100k chunks: main   p50 434.8 ms p99 886.2 ms; RSS serve 793 MB, Milvus child 6319 MB (files   62 MB); ready 101.4 s,
               a tenant's first question 49.3 s
               perf20 p50 342.6 ms p99 752.6 ms; RSS serve 838 MB, Milvus child 1806 MB (files  989 MB); ready 36.2 s,
               a tenant's first question 23.8 s
(perf20's 1k run came in the heaviest load of the four: ready 45 s against 25 s. The 1k pair again, interleaved
main / perf20 / perf20 / main at 13:03-13:09, load average 15-17: p50 102 / 127 / 123 / 136 ms, p99 242 / 389 / 365 /
408 ms, child 294 / 216 / 243 / 249 MB: no difference the load's swings don't cover. The 1k -> 100k ratios below
take each tree's own 1k run of the first set, which flatters perf20's.)
Against the goal: p99 1k -> 100k 4.4x on main, 2.7x on perf20 (goal 2x); serve +180 / +232 MB; Milvus child
+6.0 GB on main, +1.55 GB on perf20, of which +885 MB are pages of the mapped vector files (RssFile: the kernel maps
more than the row a read needs, ~190 kB a row read at random, and drops them under memory pressure; the blended
vectors, 154 MB, are scanned whole by every search) and +669 MB the heap (RssAnon 148 -> 817 MB: the ids and
their dicts, the words, the text). Not met: p99 2x and +300 MB a process. What is left in Lite: the exact FLAT
product over every vector of the tenant per search call (HNSW: see the second pass, it loses a small tenant's
answers in a shared partition), a Python dict and list entry per stored row and window (one row per window: a
collection of one row per chunk with its windows in one field would take ~9x fewer), Python-level reads by id,
and the one interpreter all of it runs in. A Milvus server (SUPPORTBOT_MILVUS_URI) needs none of this.
Answers unchanged: `python bench/bench_answers.py` on main and on perf20 (68c9884), 13:00-13:16 UTC: every line of
every table identical (REPORT pooled right 0.6802, wrong 0.0291; held out pooled 0.6876 / 0.0348; kb4-kb8 alike).

Fifth pass (2026-12-06 15:30-16:19 UTC, branch perf21; the 2 cores shared with other helpers, load average 3-22).
Stores: `--sizes 1000 --tenants 0 --keep` (1k chunks, main's layout), `--replicate KEPT DIR --factor 100` (100k
chunks, 885,594 sentence-window rows, 3.9 GB); each copied, and the copy opened once by this tree's store, which
packs its windows (below: 1k in 19 s, 100k in 1,027 s at load average 7-22, most of it Milvus Lite writing 2 GB).
Where the Milvus child's memory went at 100k (main's layout and loading, each collection loaded in-process, /proc RssAnon,
/tmp script): the windows' collection +236 MB of heap (per row a Python id string 79 MB, its dict entry 37 MB, the
Arrow rows of id, tenant, access and document ~90 MB), the BM25 collection +232 MB (Arrow 111 MB: the text 53 MB,
the sparse vectors 48 MB), the data collection +111 MB (text 49 MB, ids); and RssFile: reads by id touched the
mapped vector files, and the kernel maps the neighbouring pages the page cache holds (fault-around), 1.2 GB of
mapped pages after 200 asks. Changed (knowledge/lite_memory.py, knowledge/store*.py):
- a vector read by id comes from its file by `os.pread`, not through the mapping (only searches touch it: the
  blended vectors); same bytes;
- sentence windows packed eight a row (`chunks_v4_windows`, one 8 x 384 vector, zeros after the last window):
  152,786 rows at 100k instead of 885,594 (and ~60 rows read per question instead of ~360); a store of the
  layout before is packed when opened (tests/knowledge/test_store.py, whole and interrupted: same floats);
- the BM25 collection's text, which no read returns, is left on disk (a column of nulls in the loaded table).
Loaded in-process at 100k, heap (RssAnon) 585 -> 346 MB: windows +236 -> +31 MB, BM25 +232 -> +148 MB.
Serve and ask, this tree then main's (53bd452), one run, `--asks-on DIR --asks 200`, 16:09-16:11 UTC, load 2.7-4.9:
  100k: perf21 p50 277.0 ms p99 512.2 ms; RSS serve 821 MB, Milvus child  699 MB (files  234 MB); ready 20.9 s,
        a tenant's first question 3.1 s
        main  p50 300.8 ms p99 583.4 ms; RSS serve 788 MB, Milvus child 2063 MB (files 1220 MB); ready 24.8 s,
        a tenant's first question 6.3 s
  1k:   perf21 p50  66.2 ms p99 121.9 ms; RSS serve 625 MB, Milvus child  194 MB (files   89 MB)
        main  p50  59.6 ms p99 110.9 ms; RSS serve 615 MB, Milvus child  243 MB (files  105 MB)
Again, main first this time, 16:17-16:19 UTC, load 2.5-3.2:
  100k: main  p50 205.9 ms p99 520.1 ms; RSS serve 868 MB, Milvus child 1965 MB (files 1172 MB)
        perf21 p50 296.8 ms p99 517.5 ms; RSS serve 875 MB, Milvus child  731 MB (files  234 MB)
  1k:   main  p50  74.0 ms p99 124.7 ms; RSS serve 618 MB, Milvus child  212 MB (files  105 MB)
        perf21 p50  72.0 ms p99 114.1 ms; RSS serve 642 MB, Milvus child  195 MB (files   89 MB)
(and a pair at 15:56-16:00, load 10-16: 1k main p99 198 / perf21 150 ms; 100k main p99 1511 ms, child 2109 MB.)
Latency: no difference between the trees that the runs' spread does not cover (100k p50 277 / 301 and 297 / 206 ms).
Against the goal, 1k -> 100k: p99 4.2x and 4.5x on perf21 (main 5.3x, 4.2x; goal 2x); serve +196 / +233 MB (main +173
/ +250; within +300); Milvus child +505 / +536 MB (main +1820 / +1753 MB; goal +300), of which ~+145 MB mapped pages of the blended vectors every
search scans and ~+360 MB heap: the BM25 collection (sparse vectors 48 MB, its posting arrays, ids), the data
collection's text and ids, the ids and dicts of 450k rows over four collections. Still left: a smaller scan copy of
the blended vectors (int8 or float16 with an exact float32 re-score of the top few; numpy has no fast int8 product,
faiss's scalar quantizer has), the sparse column dropped once its BM25 index is built, and per question at 100k the
exact FLAT product, the reads by id of ~40 chunks the serve's cache misses, and one interpreter for all of it under
4 concurrent customers. The 1k -> 100k p99 ratio moves with the load more than with these changes.
Answers unchanged: `python bench/bench_answers.py` before (53bd452) and after (the final tree), 15:30-16:05 UTC: every
line of every table identical (REPORT pooled right 0.7031, wrong 0.0358); the records differ in one field of one kb7
case (coverage 0.15625 printed 0.1562 / 0.1563, apparently a sum over words in string-hash order; outcome the same).

Sixth pass (2026-12-06 16:33-17:00 UTC, branch perf22; the 2 cores shared with other helpers, load average 7-22).
Stores: the fifth pass's, copied (1k and 100k chunks, already in the packed layout). Changed:
- the collections' creation and upgrades (an earlier version's collection copied, one-row-a-window sentence windows
  packed) run under the database's lock (`MilvusStore._changing`: bot/core/database.py `exclusive`, which `db upgrade`
  and ingest use), and what is to be done is checked again once it is held. Two stores opening one Milvus server
  at once (tests/knowledge/test_store.py) no longer drop and fill the collections under each other: without the
  lock an open failed in each of three runs; the second now waits for the first's packing and finds it done. With
  two processes opening a `python -m knowledge.milvus_endpoint` server on a copy of the 1k store of the layout before
  (/tmp script): with the lock both opened in 28-30 s (one packed, one waited) and read 1,514 window rows and 1,000
  chunks; without it one failed (StoreUnavailableError: File exists .../collections/chunks_v4_windows);
- knowledge/lite_memory.py `drop_indexed_sparse`: a flushed segment's BM25 column (the packed word/frequency pairs,
  48 MB at 100k chunks) is dropped from its table once lite_bm25.compact has built its index from it; an index taken
  out (the library's `release_index`, a new index spec) first reads the column back from the segment's file.
  (Also tried: glibc's `malloc_trim` after the drop, child 756 MB against 730 / 743 without: not kept.)
Serve and ask, `--asks-on DIR --asks 200` (DIR: the 100k copy, then the 1k copy), both trees back to back per store:
  perf22 first, 16:42-16:49 UTC, load 11-22:
  100k: perf22 p50 774.0 ms p99 1805.4 ms; RSS serve 851 MB, Milvus child 730 MB (files 234 MB); ready 55.0 s
        main   p50 606.2 ms p99 1589.4 ms; RSS serve 869 MB, Milvus child 777 MB (files 234 MB); ready 83.1 s
  1k:   perf22 p50 116.2 ms p99  399.9 ms; RSS serve 626 MB, Milvus child 196 MB (files  89 MB)
        main   p50  63.6 ms p99  142.9 ms; RSS serve 627 MB, Milvus child 195 MB (files  89 MB)
  main first, 16:50-16:54 UTC, load 7.6-11.9:
  100k: main   p50 338.1 ms p99 1370.1 ms; RSS serve 835 MB, Milvus child 808 MB (files 234 MB); ready 26.3 s
        perf22 p50 356.1 ms p99  879.8 ms; RSS serve 846 MB, Milvus child 743 MB (files 234 MB); ready 36.3 s
  1k:   main   p50  86.5 ms p99  259.3 ms; RSS serve 700 MB, Milvus child 195 MB (files  89 MB)
        perf22 p50  65.0 ms p99  150.5 ms; RSS serve 632 MB, Milvus child 196 MB (files  89 MB)
Milvus child at 100k: -47 and -65 MB against main in the same run (the column's 48 MB and its share of the heap's
fragments); at 1k no difference. Latency: the load's swings (ready 26-83 s for the same store) cover any difference.
Against the goal, 1k -> 100k: Milvus child +534 / +547 MB on perf22 (main +582 / +613 in these runs; goal +300), of
which +145 MB are the mapped pages of the blended vectors every search scans; serve +225 / +214 MB (within); p99 4.5x /
5.8x (main 11x / 5.3x; goal 2x), under a load that moved each figure more than any change did. Still left: a smaller
scan copy of the blended vectors (float16 or faiss's scalar quantizer, with an exact float32 re-score of a candidate
set wide enough to be provably exact: a row's score error is bounded by |q| x |v - v16|), the per-row Python ids and
dicts of ~450k rows over four collections (a chunk's id is a separate 32-character string in each of three
collections), the data collection's text.
Answers unchanged: `python bench/bench_answers.py --records FILE` on main (7c1373e) and on perf22 (f385ba6), 16:35-16:57
UTC: every line of every table identical; the records differ only in latencies and in the kb4 case's coverage printed
0.1562 / 0.1563 that the fifth pass saw.

Seventh pass (2026-12-06 18:47-19:50 UTC, branch perf23; the 2 cores shared with other helpers, load average 13-24).
Stores: `--sizes 1000 --tenants 0 --keep` (1k chunks, ingest 2.8 chunks/s at load 10-16), a copy of it, and `--replicate
KEPT DIR --factor 100` (100k chunks, 4.4 GB, 34 minutes; the blended vectors in two segments of 82,000 and 18,000 rows).
Where the Milvus child's memory was at 100k on main (/proc/PID/smaps during the asks, /tmp script): RSS 713-720 MB, of
which the two mapped blend index files 120 + 26 MB (every search reads every vector), anonymous memory 475-482 MB
(heap 74, other anonymous mappings 381-388), shared libraries ~88 MB as at 1k. Loaded in-process (/tmp script, RSS
after each collection): dense +68 MB, BM25 +119 MB (its 48 MB sparse column is dropped at the first search), data +121 MB
(text 48 MB, ids and their dict 11 MB), windows +11 MB; each collection's ids a Python list and dict (~11 MB each).
Changed:
- knowledge/lite_scan.py: a segment of 10,000 rows or more is searched over an 8-bit copy of its blended vectors
  (faiss `IndexScalarQuantizer` QT_8bit, 38 MB at 100k) and the candidates re-scored from the float32 file by
  `pread`; a row's bound |q| |v - v8| (+ float32 rounding) decides which rows can be among the k best, so the hits are
  the exact search's (ties of exactly equal score go by row; where two products of the same vectors differ in the
  last bit, the order of such near-ties can differ from the library's: tests/knowledge/test_lite_scan.py). No page
  of the mapped file is touched by a search (test: 0 against 30 MB resident on the old path).
- knowledge/milvus_child.py: the child runs with MALLOC_ARENA_MAX=2 and MALLOC_MMAP_THRESHOLD_=131072 (an operator's
  own settings win): glibc's per-thread arenas and its dynamic mmap threshold kept freed blocks in the heap.
Serve and ask, `--asks-on DIR --asks 200`, one after the other:
  1k   19:15-19:19, load 13-19:  main   p50 147.5 ms p99 1715.4 ms; RSS serve 637 MB, Milvus child 198 MB (files 89 MB)
                                 perf23 p50 113.2 ms p99  307.1 ms; RSS serve 649 MB, Milvus child 190 MB (files 89 MB)
  100k 19:28-19:35, load 19-24:  main   p50 644.4 ms p99 1573.3 ms; RSS serve 841 MB, Milvus child 703 MB (files 233 MB)
                                 perf23 (lite_scan, arenas 2) p50 475.8 ms p99 2211.3 ms; serve 789 MB, child 562 MB (files 88 MB)
  100k 19:37-19:41, load 14-19:  perf23 (codes of exact size) p50 269.9 ms p99 755.8 ms; serve 783 MB, child 579 MB
                                 same, MALLOC_MMAP_THRESHOLD_=131072 on the bench: p50 412.6 ms p99 929.8 ms; serve 748 MB, child 509 MB
  the final tree (the two settings on the child only), 19:42-19:45, load 16-19:
  100k:  perf23 p50 389.5 ms p99 920.2 ms; RSS serve 786 MB, Milvus child 507 MB (files 88 MB); ready 69.1 s
  1k:    perf23 p50  97.8 ms p99 252.1 ms; RSS serve 624 MB, Milvus child 190 MB (files 88 MB)
The blended-vector search on the 100k store in-process (/tmp script, 40 questions: chunks' dense vectors with noise,
top 20), 8-bit copy vs exact scan: the same distances in the same order for all 40 (largest difference 3.6e-7, the
last bit), CPU per search 15.1 / 18.2 ms. The id lists differ for all 40 because this store holds every vector 100
times (`--replicate`): which of the equal copies fill the last places is the library's argpartition's choice, and
row order here. bench_answers' knowledge bases are below 10,000 rows (the exact path): TUNE pooled right 0.7425, wrong
0.0377, clarified 0.1386, off-topic answered 0.0488 on this tree at 7b48193 (18:57-19:30 UTC), as before.
Against the goal, 1k -> 100k: Milvus child +317 MB on the final tree (190 -> 507; main +505 in this run: 198 -> 703;
goal +300): the mapped vectors are gone from it (files 88 MB at both sizes); what is left is anonymous memory,
~+320 MB: the data collection's text and the ids of ~450k rows, each collection's Python list and dict of ids, the
BM25 postings. Serve +162 MB (within). p99 3.7x (252 -> 920 ms; goal 2x), under a load (16-24) that moved main's 1k
p99 to 1,715 ms in the first pair: not a figure to compare across runs. Still left: the data collection's text
(48 MB) read by id from a file of our own instead of held; one Python string per id shared by the three collections
that hold the same chunk ids.

Eighth pass (2026-12-06 21:30-23:00 UTC, branch perf24; the 2 cores shared with six other helpers, load average 11-28
throughout: no quiet moment came). Stores: `--sizes 1000 --tenants 0 --keep` (1k chunks, ingest 1.4 chunks/s at load
15-20), `--replicate KEPT DIR --factor 100` (100k chunks; 56 minutes). Changed:
- knowledge/lite_rows.py: the data collection's shown strings (text, title, heading, source, URL), which only reads
  return, are written once per loaded segment to an unnamed file and read by `pread` when a row is read (a column of
  nulls in the loaded table); the chunk ids that the blended-vector, BM25 and data collections share are one string
  each (`sys.intern`), the row numbers of every segment's id dict one int object each;
- knowledge/lite_bm25.py: a compact BM25 index keeps each posting's term frequency in one byte (the narrowest
  unsigned type that holds every value exactly): 5 bytes a posting instead of 8, the same scores;
- knowledge/kept_measures.py: a tenant's terms, words and own names and levels (what its first question, or the
  warm-up from the start, measured by reading its knowledge base) are kept in the data dir (`measures/`) with a
  digest of its registry of documents and of the measuring code, and read back by a later start (an ingest or an
  upgrade measures again). Where the first question's time went, in-process on the 1k store (/tmp script, load ~13):
  the levels 11.4-19.6 s (100 titles searched: 7.3 s reading the candidates' chunks and sentence windows, 4.8 s of
  it the windows), the terms 0.7-1.6 s, the words 0.8-2.3 s; read back: 0.12, 0.18 and 0.10 s, the same values.
Where the Milvus child's heap grows at 100k (the store loaded in-process as the child does, /proc/self/status RssAnon
after each step, /tmp script, 22:52-22:54, load 3), main -> perf24: blended vectors +45 / +50 MB, BM25 +117 / +108, the
data collection +127 / +42 (its shown strings now in files), windows +9 / +22, the first searches (BM25 index built,
the 8-bit scan copy) +135 / +74, a tenant's read of 16,384 chunks' text +48 / +47: anonymous memory 562 / 424 MB.
Serve and ask, `--asks-on DIR --asks N`, main's code (13756b4) and this tree's:
  1k (N 200)  22:05-22:12, load 19-28: main   p50 338.8 ms p99  960.4 ms; ready 163.9 s, first question 29.2 s;
                                             RSS serve 638 MB, Milvus child 191 MB (files 88 MB)
                                      perf24 p50 788.9 ms p99 3495.7 ms; ready 157.1 s, first question 2.1 s (kept);
                                             RSS serve 595 MB, Milvus child 187 MB (files 88 MB)  (this repo's tests ran beside it)
  100k (N 60) 22:45-22:49, load 6-8:  perf24, the first start on the store (measures, then keeps): ready 76.4 s, first
                                             question 60.5 s, p50 474.5 ms p99 760.5 ms; serve 891 MB (the child's RSS was
                                             not read: the bench found no child at the end of this run)
                                      main   ready 40.4 s, first question 11.3 s, p50 265.2 ms p99 409.9 ms; serve 874 MB,
                                             Milvus child 518 MB (files 87 MB)
                                      perf24, the next start (kept): ready 18.9 s, first question 3.5 s, p50 370.4 ms p99
                                             692.7 ms; serve 655 MB, Milvus child 371 MB (files 88 MB)
  again 22:50-22:52, load 3: main   ready 30.1 s, first question 11.5 s, p50 322.6 ms p99 534.6 ms; serve 862 MB,
                                             Milvus child 505 MB (files 87 MB)
                                      perf24 (kept): ready 19.9 s, first question 3.2 s, p50 344.6 ms p99 648.9 ms; serve
                                             631 MB, Milvus child 371 MB (files 88 MB)
Against the goal, 1k -> 100k (each tree's own 1k and 100k runs above): Milvus child main 191 -> 518 / 505 MB (+327 / +314),
perf24 187 -> 371 / 371 MB (+184; goal +300); serve main +236 / +224 MB, perf24 +60 / +36 MB
(the levels, read back, fill no chunk cache with the ~4,000 chunks measuring reads). p99: no figure to trust: the 1k pair ran at load 19-28
(main's p99 960 ms there, 410 ms at 100k at load 6-8), so the ratio (0.4x main, 0.2x perf24) says only that load
moved p99 more than size did. A tenant's first question on a start that finds its measurements kept: 3.5 s at 100k
(2.1 s at 1k), against 11-60 s measuring. Left: the kept path reads a digest of the tenant's registry of documents
three times (terms, words, levels; 4.2-4.7 s wall, 1 s CPU, at 100,000 documents under load: /tmp script); an
aggregate (count, latest change) would make it milliseconds. The first start after an ingest by another process
(`supportbot ingest` without a server) still measures once. bench/bench_answers.py was started on main and on this
tree (21:53) and stopped unfinished at 22:29 (1.5 CPU-minutes each in 35 minutes at load 20-28): not compared.
"""

from __future__ import annotations

from bench.growth_measurement import Served


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))] if ordered else float("nan")


def served_line(served: Served) -> str:
    return (f"serve ready in {served.start_seconds:5.1f} s | first question of a tenant p50 {pct(served.first_ms, 50):6.1f} ms "
            f"max {max(served.first_ms):6.1f} ms, its second p50 {pct(served.second_ms, 50):6.1f} ms ({len(served.first_ms)} tenants, "
            f"one at a time) | ask p50 {pct(served.latencies, 50):6.1f} ms p99 {pct(served.latencies, 99):7.1f} ms "
            f"({len(served.latencies)} asks, {served.errors} errors) | RSS serve {served.serve_rss:6.0f} MB, "
            f"Milvus child {served.child_rss:6.0f} MB (of which files {served.child_file:5.0f} MB)")
