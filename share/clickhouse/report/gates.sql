-- Per compound and gate, one day: entries, exits and refusals (cg-report's
-- "gates").  Replace the day and the compounds as in totals.sql; the
-- events are folded the same way (right without merges, no FINAL).
SELECT compound, gate, countIf(dir = 'in') AS entries, countIf(dir = 'out') AS exits,
    countIf(decision = 'deny') AS deny
FROM (
    SELECT compound, event, argMax(gate, o) AS gate, argMax(dir, o) AS dir,
        argMax(decision, o) AS decision, argMax(voids, o) AS voided
    FROM (
        SELECT compound, gate, dir, decision, voids,
            if(correction_of = '', rid, correction_of) AS event,
            toUInt64(replaceAll(splitByChar('/', rid)[3], '-', '')) * 10000000000 + seq AS o
        FROM cg_checkin
        WHERE day = toDate('2026-01-25') AND compound IN ('DEMO-0001')
    )
    GROUP BY compound, event
)
WHERE voided = ''
GROUP BY compound, gate
ORDER BY compound, gate
FORMAT JSONEachRow
