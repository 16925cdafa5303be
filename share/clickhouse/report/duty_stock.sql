-- Per compound and item, at the end of one day: the stock level
-- (receipts less issues of every day kept up to it), what was issued in
-- the seven days ending with it, that per day (to two decimals) and the
-- days it lasts at that rate (rounded down; NULL when nothing was
-- issued), and the unit last used: cg-report's duty "stock" of that day
-- (t0590 checks it).  The minimum and "low" need the plan, which is not
-- upstream.  Replace the day and the compounds as in totals.sql.  Right
-- without merges (GROUP BY rid), no FINAL; the duty table is small, and
-- every day up to the one asked is read.
SELECT compound, item, level, unit, issued_7d, per_day,
    if(issued_7d > 0, floor(level / (issued_7d / 7)), NULL) AS days_left
FROM (
    SELECT compound, it AS item,
        sumIf(q, o = 'receive') - sumIf(q, o = 'issue') AS level,
        argMaxIf(u, s, u != '') AS unit,
        sumIf(q, o = 'issue' AND d > toDate('2026-01-25') - 7) AS issued_7d,
        round(issued_7d / 7, 2) AS per_day
    FROM (
        SELECT compound, rid, any(day) AS d, any(item) AS it, any(op) AS o,
            any(qty) AS q, any(unit) AS u, any(seq) AS s
        FROM cg_duty
        WHERE day <= toDate('2026-01-25') AND compound IN ('DEMO-0001')
            AND event = 'stock'
        GROUP BY compound, rid
    )
    GROUP BY compound, it
)
ORDER BY compound, item
FORMAT JSONEachRow
