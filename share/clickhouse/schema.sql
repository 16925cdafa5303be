-- ClickHouse tables for cg-sync --format clickhouse (default table names
-- cg_{stream}).  Written for ClickHouse 18.16 (Debian's) and later.
--
-- Every record carries rid (compound/journal/seq): ReplacingMergeTree
-- keeps one row per sorting key, and rid is the last column of the key,
-- so a batch sent twice collapses at merge time; query with FINAL (or
-- GROUP BY rid) for exact counts before the merge.
-- cg_checkin keeps name, id_no and phone: the daily report counts fever
-- persons, and a person is the ID number, else the phone, else name and
-- household (the same definition as cg-report's).
-- ts is kept as sent ("2026-01-25T08:03:11+08:00"); time is parsed from
-- it on insert.  Fields the tables do not name are skipped
-- (input_format_skip_unknown_fields=1).
--
-- Corrections (cg-checkin --void, --amend) are rows of cg_checkin like
-- any other: the original row stays.  correction_of names the original
-- record's rid on every correction of it; voids or amends the version it
-- replaces.  An event's state is its latest row (by journal day and seq,
-- see daily_report.sql): a void drops it, an amendment replaces it.
-- cg_quarantine carries the same columns for corrections of checks
-- (cg-quarantine void, amend: an event "void", or a check with amends).
-- Tables made before these columns existed take them with
--   ALTER TABLE cg_checkin ADD COLUMN voids String, ADD COLUMN amends String,
--     ADD COLUMN correction_of String, ADD COLUMN correction_reason String,
--     ADD COLUMN corrected_by String, ADD COLUMN corrected_at String
-- registered_at is set on a check-in of a day already ended when it was
-- registered (a back-filled register): the row belongs to the day of its
-- ts all the same.  ALTER TABLE cg_checkin ADD COLUMN registered_at String

CREATE TABLE IF NOT EXISTS cg_checkin (
    rid String,
    compound String,
    ts String,
    time DateTime MATERIALIZED parseDateTimeBestEffort(ts),
    gate String,
    dir String,
    kind String,
    name String,
    id_no String,
    phone String,
    household String,
    temp Float64,
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
PARTITION BY toDate(parseDateTimeBestEffort(ts))
ORDER BY (compound, parseDateTimeBestEffort(ts), rid);

CREATE TABLE IF NOT EXISTS cg_pass (
    rid String,
    compound String,
    ts String,
    time DateTime MATERIALIZED parseDateTimeBestEffort(ts),
    event String,
    pass_id String,
    class String,
    household String,
    seq UInt64
) ENGINE = ReplacingMergeTree()
PARTITION BY toDate(parseDateTimeBestEffort(ts))
ORDER BY (compound, parseDateTimeBestEffort(ts), rid);

CREATE TABLE IF NOT EXISTS cg_quarantine (
    rid String,
    compound String,
    ts String,
    time DateTime MATERIALIZED parseDateTimeBestEffort(ts),
    event String,
    case_id String,
    household String,
    temp Float64,
    result String,
    seq UInt64,
    voids String,
    amends String,
    correction_of String,
    correction_reason String,
    corrected_by String,
    corrected_at String
) ENGINE = ReplacingMergeTree()
PARTITION BY toDate(parseDateTimeBestEffort(ts))
ORDER BY (compound, parseDateTimeBestEffort(ts), rid);
