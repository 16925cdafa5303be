-- Whether one part holds the day's check-ins (1) or not (0): the day has
-- been merged since its last insert (or has no rows).  A part has no rid
-- twice: a merge of a ReplacingMergeTree keeps one row per sorting key
-- (compound, day, rid), and one INSERT of cg-sync never carries a record
-- twice.  So such a day has no compound with a row twice, and
-- daily-report need not ask which (day.sql; README, Speed).  0 for a
-- table that is not a MergeTree of this database (the Distributed tables
-- of a cluster: their parts are on the shards) and for a part whose days
-- are not known.  Replace the day as in totals.sql.
SELECT (SELECT engine FROM system.tables
        WHERE database = currentDatabase() AND name = 'cg_checkin') LIKE '%MergeTree'
    AND (SELECT count() FROM system.parts
        WHERE database = currentDatabase() AND table = 'cg_checkin' AND active
            AND ((min_date <= toDate('2026-01-25') AND max_date >= toDate('2026-01-25'))
                OR max_date = toDate(0))) <= 1 AS one_part
FORMAT TSV
