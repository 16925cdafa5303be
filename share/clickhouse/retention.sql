-- Retention.  ClickHouse 18.16 has no TTL: old data goes by dropping
-- whole partitions, which the tables have one of per day (schema.sql,
-- PARTITION BY day).  This query lists the statements that drop the days
-- older than kept -- 180 days of check-ins, cases and the rest, 400 of
-- passes (a pass is valid up to a year: its issue must outlive it) --
-- one statement a line; run each of them (one statement per request):
--
--   curl -sS --data-binary @retention.sql http://127.0.0.1:8123/ |
--   while read -r q; do
--       echo "$q" | curl -sS --data-binary @- http://127.0.0.1:8123/ || break
--   done
--
-- daily from cron.  Dropping a partition is immediate and cannot be
-- undone (FREEZE PARTITION first to keep a copy in shadow/).  On a cluster
-- run it on every server: it finds the cg_*_local tables there (the
-- Distributed tables hold nothing).  Only tables of cg (names cg_...)
-- partitioned by a date are touched: min_date is 1970-01-01 for any
-- other partitioning, and those are left alone.  Change 180 and 400 (or
-- today()) to keep more or less.
SELECT DISTINCT concat('ALTER TABLE ', database, '.', table,
                       ' DROP PARTITION ''', partition, '''') AS statement
FROM system.parts
WHERE active
    AND database = currentDatabase()
    AND match(table, '^cg_[a-z_]+$')
    AND min_date > toDate('1970-01-01')
    AND max_date < today() - if(match(table, '^cg_pass'), 400, 180)
ORDER BY statement
FORMAT TSVRaw
