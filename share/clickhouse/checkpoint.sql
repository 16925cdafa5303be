-- The checkpoints compounds sign of their journals (cg-journal(1)), as
-- cg-sync push sends them in its checkpoint stream (default table name
-- cg_checkpoint).  Written for ClickHouse 18.16 (Debian's) and later.
--
-- A row is one signed checkpoint: origin (CODE/checkin/DAY, CODE/pass,
-- CODE/quarantine), tree size, base64 root, the whole C2SP signed note,
-- and the RFC 6962 consistency proof from the checkpoint the compound
-- signed before it (old 0 and no proof for the first), so that a city can
-- check, with the compound's verifier key, that every register only grew.
-- rid is CODE/checkpoint/KEY/N (the Nth checkpoint of that journal);
-- ReplacingMergeTree keeps one row per sorting key, so a batch sent twice
-- collapses at merge time: query with FINAL for exact counts.

CREATE TABLE IF NOT EXISTS cg_checkpoint (
    rid String,
    compound String,
    ts String,
    time DateTime MATERIALIZED parseDateTimeBestEffort(ts),
    journal String,
    origin String,
    size UInt64,
    root String,
    checkpoint String,
    old UInt64,
    proof Array(String)
) ENGINE = ReplacingMergeTree()
PARTITION BY toYYYYMM(parseDateTimeBestEffort(ts))
ORDER BY (compound, origin, size, rid);
