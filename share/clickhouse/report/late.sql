-- Per compound: the late registrations of one day's check-ins, as
-- cg-report lists them (warning late_registration): records of the day
-- registered after it ended plus policy.late_grace_min (60 minutes: the
-- 01:00 below).  They are on their own day all the same (day follows ts),
-- so the day's partition holds them; totals.sql counts them there.
-- registered_at and ts are the compound's local time, compared as text.
-- Replace the day and the compounds as in totals.sql.  Right without
-- merges: the event's latest row by GROUP BY and argMax, as totals.sql.
SELECT compound, ts, registered_at, gate, dir, kind, decision
FROM (
    SELECT compound, event, argMax(ts, o) AS ts, argMax(registered_at, o) AS registered_at,
        argMax(gate, o) AS gate, argMax(dir, o) AS dir, argMax(kind, o) AS kind,
        argMax(decision, o) AS decision, argMax(voids, o) AS voided
    FROM (
        SELECT compound, ts, registered_at, gate, dir, kind, decision, voids,
            if(correction_of = '', rid, correction_of) AS event,
            toUInt64(replaceAll(splitByChar('/', rid)[3], '-', '')) * 10000000000 + seq AS o
        FROM cg_checkin
        WHERE day = toDate('2026-01-25') AND compound IN ('DEMO-0001')
    )
    GROUP BY compound, event
)
WHERE voided = ''
    AND substring(registered_at, 1, 19) > concat(toString(toDate('2026-01-25') + 1), 'T01:00:00')
ORDER BY compound, ts
FORMAT JSONEachRow
