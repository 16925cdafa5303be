-- The cluster variant of schema.sql, made from it by
-- scripts/gen-cluster-schema (make cluster-schema): do not edit, edit
-- schema.sql.  On every server of the cluster cg_city (remote_servers in
-- the server's config, README), the local tables cg_*_local that hold its
-- shard's rows, and the Distributed tables cg_* over them, sharded by
-- compound: every row of a compound is on one shard, so a compound's day
-- (and every fold of an event's rows, and every duplicate of a row) stays
-- on one shard.
--
-- Run this file on each server: ON CLUSTER needs ZooKeeper (18.16's
-- distributed DDL queue lives there), which a cluster without replicas
-- does not otherwise need.  With ZooKeeper, add ON CLUSTER cg_city after
-- each table name and run it once.
--
-- cg-sync inserts into the Distributed tables (the default table names
-- cg_{stream}) of any server, with insert_distributed_sync=1 in the URL
-- (?insert_distributed_sync=1): the insert is acknowledged when every
-- shard has its rows, so that the cursor never moves ahead of data that
-- sits only in a local queue.  Or point each compound at its shard's
-- cg_*_local (--table 'cg_{stream}_local').
--
-- A Distributed table computes time (ALIAS) rather than holding it
-- (MATERIALIZED): 18.16 refuses an insert through a Distributed table
-- that would write a MATERIALIZED column of the shard's table.
--
-- The report queries (report/*.sql) run unchanged on the Distributed
-- tables: their GROUP BY of rid or event is answered per shard and merged.
-- FINAL on a Distributed table removes duplicates only within a shard,
-- which is enough here (a rid's copies are on one shard) but not in
-- general: prefer GROUP BY rid.

CREATE TABLE IF NOT EXISTS cg_checkin_local (
    rid String,
    compound String,
    day Date,
    tz String,
    street String,
    district String,
    ts String,
    time DateTime MATERIALIZED parseDateTimeBestEffort(ts),
    gate String,
    dir String,
    kind String,
    name String,
    id_no String,
    phone String,
    household String,
    host String,
    temp Nullable(Float64),
    mask Nullable(UInt8),
    decision String,
    reasons Array(String),
    seq UInt64,
    voids String,
    amends String,
    correction_of String,
    correction_reason String,
    corrected_by String,
    corrected_at String,
    registered_at String
) ENGINE = ReplacingMergeTree()
PARTITION BY day
ORDER BY (compound, day, rid);

CREATE TABLE IF NOT EXISTS cg_checkin (
    rid String,
    compound String,
    day Date,
    tz String,
    street String,
    district String,
    ts String,
    time DateTime ALIAS parseDateTimeBestEffort(ts),
    gate String,
    dir String,
    kind String,
    name String,
    id_no String,
    phone String,
    household String,
    host String,
    temp Nullable(Float64),
    mask Nullable(UInt8),
    decision String,
    reasons Array(String),
    seq UInt64,
    voids String,
    amends String,
    correction_of String,
    correction_reason String,
    corrected_by String,
    corrected_at String,
    registered_at String
) ENGINE = Distributed(cg_city, default, cg_checkin_local, cityHash64(compound));

CREATE TABLE IF NOT EXISTS cg_pass_local (
    rid String,
    compound String,
    day Date,
    tz String,
    street String,
    district String,
    ts String,
    time DateTime MATERIALIZED parseDateTimeBestEffort(ts),
    event String,
    pass_id String,
    class String,
    household String,
    valid_from String,
    valid_until String,
    reason String,
    seq UInt64
) ENGINE = ReplacingMergeTree()
PARTITION BY day
ORDER BY (compound, day, rid);

CREATE TABLE IF NOT EXISTS cg_pass (
    rid String,
    compound String,
    day Date,
    tz String,
    street String,
    district String,
    ts String,
    time DateTime ALIAS parseDateTimeBestEffort(ts),
    event String,
    pass_id String,
    class String,
    household String,
    valid_from String,
    valid_until String,
    reason String,
    seq UInt64
) ENGINE = Distributed(cg_city, default, cg_pass_local, cityHash64(compound));

CREATE TABLE IF NOT EXISTS cg_quarantine_local (
    rid String,
    compound String,
    day Date,
    tz String,
    street String,
    district String,
    ts String,
    time DateTime MATERIALIZED parseDateTimeBestEffort(ts),
    event String,
    case_id String,
    household String,
    reason String,
    start String,
    days Nullable(UInt16),
    end String,
    status String,
    temp Nullable(Float64),
    case_day Nullable(UInt16),
    window String,
    result String,
    seq UInt64,
    voids String,
    amends String,
    correction_of String,
    correction_reason String,
    corrected_by String,
    corrected_at String,
    need_id String,
    need String
) ENGINE = ReplacingMergeTree()
PARTITION BY day
ORDER BY (compound, day, rid);

CREATE TABLE IF NOT EXISTS cg_quarantine (
    rid String,
    compound String,
    day Date,
    tz String,
    street String,
    district String,
    ts String,
    time DateTime ALIAS parseDateTimeBestEffort(ts),
    event String,
    case_id String,
    household String,
    reason String,
    start String,
    days Nullable(UInt16),
    end String,
    status String,
    temp Nullable(Float64),
    case_day Nullable(UInt16),
    window String,
    result String,
    seq UInt64,
    voids String,
    amends String,
    correction_of String,
    correction_reason String,
    corrected_by String,
    corrected_at String,
    need_id String,
    need String
) ENGINE = Distributed(cg_city, default, cg_quarantine_local, cityHash64(compound));

CREATE TABLE IF NOT EXISTS cg_duty_local (
    rid String,
    compound String,
    day Date,
    tz String,
    street String,
    district String,
    ts String,
    time DateTime MATERIALIZED parseDateTimeBestEffort(ts),
    event String,
    gate String,
    guard String,
    task String,
    place String,
    `by` String,
    temp Nullable(Float64),
    item String,
    op String,
    qty Nullable(Float64),
    unit String,
    `to` String,
    reason String,
    severity String,
    seq UInt64,
    slot String,
    care_id String
) ENGINE = ReplacingMergeTree()
PARTITION BY day
ORDER BY (compound, day, rid);

CREATE TABLE IF NOT EXISTS cg_duty (
    rid String,
    compound String,
    day Date,
    tz String,
    street String,
    district String,
    ts String,
    time DateTime ALIAS parseDateTimeBestEffort(ts),
    event String,
    gate String,
    guard String,
    task String,
    place String,
    `by` String,
    temp Nullable(Float64),
    item String,
    op String,
    qty Nullable(Float64),
    unit String,
    `to` String,
    reason String,
    severity String,
    seq UInt64,
    slot String,
    care_id String
) ENGINE = Distributed(cg_city, default, cg_duty_local, cityHash64(compound));
