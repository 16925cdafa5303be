-- The day's lists of cg-report: "fevers" (the fever reason, or a reading
-- from the threshold, 37.3, up to temp_max, 42.5) and "denials" (the
-- other denials): each compound's fevers, then its denials, in time
-- order (daily-report splices them in that order), each check-in folded
-- as totals.sql folds them.  Persons are not listed: upstream they are
-- keyed hashes at most (cg-sync(1), UPSTREAM DATA); the household is.
--
-- Only the rows that can be on a list are read (PREWHERE), and folded
-- only where a fold is needed, as day.sql does: a compound with no row
-- twice has its uncorrected events listed as they are; the corrections
-- (a corrected event's latest row is always one) and the other
-- compounds' rows are folded.  The compounds with a row twice: the
-- subquery of day.sql, on one line (daily-report replaces it).
SELECT compound, if(has(reasons, 'fever') OR (t >= 37.3 AND t <= 42.5), 'fevers', 'denials') AS list,
    ts, gate, dir, kind, household, if(t = -1, NULL, t) AS temp, decision, reasons
FROM (
    SELECT compound, rid AS event, ts, gate, dir, kind, household, ifNull(temp, -1) AS t,
        decision, reasons
    FROM cg_checkin
    PREWHERE decision = 'deny' OR has(reasons, 'fever') OR (temp >= 37.3 AND temp <= 42.5)
    WHERE day = toDate('2026-01-25') AND correction_of = ''
        AND compound IN ('DEMO-0001')
        AND compound GLOBAL NOT IN (
            SELECT compound FROM cg_checkin WHERE day = toDate('2026-01-25') AND compound IN ('DEMO-0001') GROUP BY compound HAVING count() != uniqExact(cityHash64(rid)))
        AND rid GLOBAL NOT IN (
            SELECT correction_of FROM cg_checkin
            WHERE day = toDate('2026-01-25') AND correction_of != ''
                AND compound IN ('DEMO-0001'))
    UNION ALL
    SELECT compound, event, ts, gate, dir, kind, household, t, decision, reasons
    FROM (
        SELECT event, any(compound) AS compound, argMax(ts, o) AS ts, argMax(gate, o) AS gate,
            argMax(dir, o) AS dir, argMax(kind, o) AS kind, argMax(household, o) AS household,
            argMax(tt, o) AS t, argMax(decision, o) AS decision, argMax(reasons, o) AS reasons,
            argMax(voids, o) AS voided
        FROM (
            SELECT compound, ts, gate, dir, kind, household, ifNull(temp, -1) AS tt, decision,
                reasons, voids, if(correction_of = '', rid, correction_of) AS event,
                toUInt64(replaceAll(splitByChar('/', rid)[3], '-', '')) * 10000000000 + seq AS o
            FROM cg_checkin
            PREWHERE correction_of != '' OR compound GLOBAL IN (
                SELECT compound FROM cg_checkin WHERE day = toDate('2026-01-25') AND compound IN ('DEMO-0001') GROUP BY compound HAVING count() != uniqExact(cityHash64(rid)))
            WHERE day = toDate('2026-01-25')
                AND compound IN ('DEMO-0001')
                AND (correction_of != '' OR decision = 'deny' OR has(reasons, 'fever')
                    OR (temp >= 37.3 AND temp <= 42.5))
        )
        GROUP BY event
    )
    WHERE voided = ''
)
WHERE has(reasons, 'fever') OR (t >= 37.3 AND t <= 42.5) OR decision = 'deny'
ORDER BY compound, list DESC, ts, event
FORMAT JSONEachRow
