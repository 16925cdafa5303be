-- Per compound and reason code, one day (cg-report's "reasons", the codes
-- that occurred).  Replace the day and the compounds as in totals.sql;
-- the events are folded the same way (right without merges, no FINAL).
SELECT compound, reason, count() AS n
FROM (
    SELECT compound, event, argMax(reasons, o) AS reasons, argMax(voids, o) AS voided
    FROM (
        SELECT compound, reasons, voids,
            if(correction_of = '', rid, correction_of) AS event,
            toUInt64(replaceAll(splitByChar('/', rid)[3], '-', '')) * 10000000000 + seq AS o
        FROM cg_checkin
        WHERE day = toDate('2026-01-25') AND compound IN ('DEMO-0001')
    )
    GROUP BY compound, event
)
ARRAY JOIN reasons AS reason
WHERE voided = ''
GROUP BY compound, reason
ORDER BY compound, reason
FORMAT JSONEachRow
