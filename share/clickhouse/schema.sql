-- ClickHouse tables for cg-sync --format clickhouse (default table names
-- cg_{stream}), one node.  Written for ClickHouse 18.16 (Debian's) and
-- later.  The cluster variant is in cluster/; README says how to move
-- tables made before these columns.
--
-- Days: cg-sync stamps every row with its compound's local "day" (of ts,
-- in the compound's zone, config.json compound.tz; a void's is the day of
-- the check-in it voids), "tz", and the "street" and "district" codes.
-- Tables are partitioned by day and ordered by (compound, day, rid): a
-- query for one compound and day reads that day's partition and, in it,
-- that compound's granules only.
--
-- Duplicates: every row carries rid (compound/journal/seq).  A batch sent
-- twice (a kill after ClickHouse committed, before the cursor moved)
-- inserts its rows twice; ReplacingMergeTree collapses them at some merge,
-- never at a known time.  The shipped queries are right without merges:
-- they fold the rows of one rid (or one event) with GROUP BY and argMax,
-- never count raw rows, and never need FINAL.
--
-- Persons: name, id_no and phone hold keyed hashes when pushed with
-- --redact (and are empty unless the target allows them raw): cg-sync
-- sends no personal data by default (cg-sync(1), UPSTREAM DATA).
-- Nullable: temp and mask, where a record may have none (a missing
-- temperature is NULL, not 0).  Fields the tables do not name are skipped
-- (input_format_skip_unknown_fields=1).
--
-- Corrections (cg-checkin --void, --amend) are rows like any other: the
-- original row stays.  correction_of names the original record's rid on
-- every correction of it; voids or amends the version it replaces.  An
-- event's state is its latest row (by journal day and seq, see
-- report/totals.sql): a void drops it, an amendment replaces it.
-- registered_at is set on a check-in of a day already ended when it was
-- registered (a back-filled register): the row belongs to the day of its
-- ts all the same (report/late.sql lists them).
--
-- 18.16 has no TTL: retention.sql drops old partitions.

CREATE TABLE IF NOT EXISTS cg_checkin (
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

CREATE TABLE IF NOT EXISTS cg_pass (
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

-- cg-quarantine's journal.  need_id and need (a service request and its
-- delivery, need and need_done events) came later (a table made before
-- them: ALTER TABLE cg_quarantine ADD COLUMN need_id String, ADD COLUMN
-- need String; on a cluster, cg_quarantine_local on every node and then
-- cg_quarantine).
CREATE TABLE IF NOT EXISTS cg_quarantine (
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

-- cg-duty's journal (cg-sync --stream duty): guards signing on and off
-- at a gate, tasks done, staff fevers, supplies.  guard, by (who did a
-- task) and to (who received supplies) are persons: keyed hashes with
-- --redact, empty unless the target allows them raw.  temp and qty are
-- Nullable: an event without them has NULL.  by and to are quoted, being
-- words of SQL.  slot is the slot of the task a done falls in ("DATE
-- HH:MM-HH:MM", the day it begins), care_id the entry a care event
-- adds, changes or removes; both came later (a table made before them:
-- ALTER TABLE cg_duty ADD COLUMN slot String, ADD COLUMN care_id String;
-- on a cluster, cg_duty_local on every node and then cg_duty).
CREATE TABLE IF NOT EXISTS cg_duty (
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
