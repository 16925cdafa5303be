-- The day's check-ins of each compound counted by gate, direction, kind,
-- decision, reasons and local hour (with the first and last event of
-- each group): what daily-report adds up into cg-report's totals, kinds,
-- reasons, gates and hours.  Folded as totals.sql folds them (voids
-- applied, amendments standing for their original, copies once).  The
-- hour is the local one, from ts's own text (written in the compound's
-- zone).
SELECT compound, gate, dir, kind, decision, reasons,
    toUInt8(substring(ts, 12, 2)) AS hour, count() AS n, min(ts) AS first, max(ts) AS last
FROM (
    SELECT compound, event, argMax(gate, o) AS gate, argMax(dir, o) AS dir,
        argMax(kind, o) AS kind, argMax(decision, o) AS decision,
        argMax(reasons, o) AS reasons, argMax(ts, o) AS ts, argMax(voids, o) AS voided
    FROM (
        SELECT compound, gate, dir, kind, decision, reasons, ts, voids,
            if(correction_of = '', rid, correction_of) AS event,
            toUInt64(replaceAll(splitByChar('/', rid)[3], '-', '')) * 10000000000 + seq AS o
        FROM cg_checkin
        WHERE day = toDate('2026-01-25') AND compound IN ('DEMO-0001')
    )
    GROUP BY compound, event
)
WHERE voided = ''
GROUP BY compound, gate, dir, kind, decision, reasons, hour
ORDER BY compound, gate, dir, kind, decision, reasons, hour
FORMAT JSONEachRow
