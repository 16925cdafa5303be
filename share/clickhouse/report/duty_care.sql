-- Per compound, one day: the special-care ledger at the end of the day
-- (the entries whose last care event up to it is not a remove), the
-- entries called that day (a done event of the day at the entry's id)
-- and those not called: cg-report's duty "care" entries, calls and
-- missed (t0590 checks it) when the ledger is kept by records (cg-duty
-- care: config.json's seed is not upstream) and the care task has one
-- slot a day (its default).  Replace the day and the compounds as in
-- totals.sql.  Right without merges (GROUP BY rid), no FINAL; every day
-- up to the one asked is read, the duty table being small.
SELECT compound, count() AS entries, sum(called) AS calls,
    count() - sum(called) AS missed
FROM (
    SELECT compound, care_id, last_op
    FROM (
        SELECT compound, cid AS care_id, argMax(o, s) AS last_op
        FROM (
            SELECT compound, rid, any(care_id) AS cid, any(op) AS o, any(seq) AS s
            FROM cg_duty
            WHERE day <= toDate('2026-01-25') AND compound IN ('DEMO-0001')
                AND event = 'care'
            GROUP BY compound, rid
        )
        GROUP BY compound, cid
    )
    WHERE last_op != 'remove'
) ANY LEFT JOIN (
    SELECT compound, place AS care_id, toUInt64(1) AS called
    FROM (
        SELECT compound, rid, any(place) AS place
        FROM cg_duty
        WHERE day = toDate('2026-01-25') AND compound IN ('DEMO-0001')
            AND event = 'done'
        GROUP BY compound, rid
    )
    GROUP BY compound, place
) USING (compound, care_id)
GROUP BY compound
ORDER BY compound
FORMAT JSONEachRow
