-- The day's check-ins of each compound per gate: in, out, admit, deny,
-- refer, the first and last event, decisions per kind, per local hour in
-- and out (sumMap: [hours], [counts]) and per set of reason codes
-- ([codes], count): what daily-report adds up into cg-report's totals,
-- kinds, reasons, gates and hours.  Folded as totals.sql folds them
-- (voids applied, amendments standing for their original, copies once).
-- The hour is the local one, from ts's own text (written in the
-- compound's zone).
SELECT compound, gate,
    sumIf(n, dir = 'in') AS in, sumIf(n, dir = 'out') AS out,
    sumIf(n, decision = 'admit') AS admit, sumIf(n, decision = 'deny') AS deny,
    sumIf(n, decision = 'refer') AS refer, min(first) AS first, max(last) AS last,
    sumIf(n, kind = 'resident') AS resident, sumIf(n, kind = 'tenant') AS tenant,
    sumIf(n, kind = 'visitor') AS visitor, sumIf(n, kind = 'courier') AS courier,
    sumIf(n, kind = 'staff') AS staff, sumIf(n, kind = 'vehicle') AS vehicle,
    sumMapIf([hour], [n], dir = 'in') AS hours_in,
    sumMapIf([hour], [n], dir = 'out') AS hours_out,
    groupArrayIf((reasons, n), notEmpty(reasons)) AS reason_sets
FROM (
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
)
GROUP BY compound, gate
ORDER BY compound, gate
FORMAT JSONEachRow
