-- The day's check-in figures of each compound in one read of cg_checkin
-- (one row per compound): what daily-report puts into cg-report's totals,
-- kinds, reasons, gates, hours, temperatures, fever and visitors, the
-- lists and corrections aside (lists.sql, corrections.sql).  Replace the
-- day and the compounds as in totals.sql.
--
--   gates         per gate [gate, in, out, admit, deny, refer, first,
--                 last, resident, tenant, visitor, courier, staff,
--                 vehicle, [24 hours' ways in], [24 hours' exits],
--                 [reason codes], [counts]], by gate
--   measured, temp_counts, temp_below, temp_above
--                 the readings (rounded as temperatures.sql rounds
--                 them): how many, the counts of 35.0 to 42.5 by tenths
--                 (76), and those below and above (cg-report's
--                 temperatures, made here: jq took a fifth of its time
--                 on them, after the last answer)
--   fever_decisions  as totals.sql
--
-- Folded as totals.sql folds (voids applied, amendments standing for
-- their original, copies once), but only where a fold is needed, for
-- speed: a compound whose rows are all distinct (count() = uniqExact(rid):
-- nothing inserted twice, or merged since) and an event without
-- corrections are one row each and are counted as they are; the rows of
-- the other compounds and the corrected events are folded (GROUP BY the
-- event, argMax by journal day and seq).  Right without merges either way
-- (t0548 inserts every batch twice; the fast path is checked against the
-- fold there too).  The persons' figures (fever persons, visitors) come
-- the same way from persons.sql, a request of its own.
--
-- The compounds with a row twice are found by one subquery, on one line
-- and the same in persons.sql and lists.sql: daily-report asks it once and puts the
-- answer in its place (README, Speed).
SELECT compound, gates, measured, temp_counts, temp_below, temp_above, fever_decisions
FROM (
    SELECT compound,
        arraySort(groupArray((gate, in, out, admit, deny, refer, first, last, resident,
            tenant, visitor, courier, staff, vehicle, hours_in, hours_out, reason_codes,
            reason_counts))) AS gates,
        -- The readings counted per value: sorted, a value's count is
        -- the distance between the ends of its run.
        arraySort(groupArrayArray(gtemps)) AS readings,
        arrayPopFront(arrayPushBack(readings, -1)) AS next_readings,
        arrayFilter((x, nx) -> x != nx, readings, next_readings) AS tkeys,
        arrayPopFront(arrayDifference(arrayPushFront(arrayFilter((i, x, nx) -> x != nx,
            arrayEnumerate(readings), readings, next_readings), 0))) AS tcounts,
        length(readings) AS measured,
        arrayMap(v -> arraySum(arrayFilter((c, k) -> k = v, tcounts, tkeys)),
            arrayMap(i -> toInt32(i + 350), range(76))) AS temp_counts,
        arraySum(arrayFilter((c, k) -> k < 350, tcounts, tkeys)) AS temp_below,
        arraySum(arrayFilter((c, k) -> k > 425, tcounts, tkeys)) AS temp_above,
        sum(decisions) AS fever_decisions
    FROM (
        SELECT compound, gate,
            sumIf(n, dir = 'in') AS in, sumIf(n, dir = 'out') AS out,
            sumIf(n, decision = 'admit') AS admit, sumIf(n, decision = 'deny') AS deny,
            sumIf(n, decision = 'refer') AS refer, min(cfirst) AS first, max(clast) AS last,
            sumIf(n, kind = 'resident') AS resident, sumIf(n, kind = 'tenant') AS tenant,
            sumIf(n, kind = 'visitor') AS visitor, sumIf(n, kind = 'courier') AS courier,
            sumIf(n, kind = 'staff') AS staff, sumIf(n, kind = 'vehicle') AS vehicle,
            arrayResize(sumForEachIf(hour24, dir = 'in'), 24) AS hours_in,
            arrayResize(sumForEachIf(hour24, dir = 'out'), 24) AS hours_out,
            -- A gate's reason codes, summed by their cityHash64 (sumMap
            -- takes no strings in 18.16) and named again from the gate's
            -- codes, in code order.  Two codes of one hash would have one
            -- sum: throwIf makes that an error, not a figure.
            sumMap(arrayMap(r -> cityHash64(r), reasons), arrayMap(r -> n, reasons)) AS rmap,
            groupUniqArrayArray(reasons) AS names,
            arrayMap(h -> arrayFirst(r -> cityHash64(r) = h, names), rmap.1) AS rnames,
            arraySort(rnames) AS reason_codes,
            arraySort((c, r) -> r,
                arrayMap(c -> c + throwIf(length(names) != length(rmap.1)), rmap.2),
                rnames) AS reason_counts,
            groupArrayArray(ctemps) AS gtemps,
            sumIf(n, has(reasons, 'fever')) AS decisions
        FROM (
            -- The cube: one row per compound, gate, direction, kind,
            -- decision, set of reasons and local hour (from ts's text,
            -- written in the compound's zone), with its count at its
            -- hour of 24 (summed per gate with sumForEach) and its
            -- readings in tenths of a degree (rounded as
            -- temperatures.sql rounds), each: sumMap (a tree of Fields
            -- per group in 18.16) took a fifth of the query per row.
            SELECT compound, gate, dir, kind, decision, reasons,
                toUInt8(substring(ts, 12, 2)) AS hour,
                count() AS n, min(ts) AS cfirst, max(ts) AS clast,
                arrayConcat(arrayResize(emptyArrayUInt64(), hour), [n],
                    arrayResize(emptyArrayUInt64(), 23 - hour)) AS hour24,
                groupArrayIf(toInt32(if(t < 30, 0, if(t > 50, 9999, round(t * 10 + 0.0000001)))),
                    t != -1) AS ctemps
            FROM (
                -- Events counted as they are: the compound has no row
                -- twice, the event no correction.
                SELECT compound, gate, dir, kind, decision, reasons, ts, ifNull(temp, -1) AS t
                FROM cg_checkin
                WHERE day = toDate('2026-01-25') AND correction_of = ''
                    AND compound IN ('DEMO-0001')
                    AND compound GLOBAL NOT IN (
                        SELECT compound FROM cg_checkin WHERE day = toDate('2026-01-25') AND compound IN ('DEMO-0001') GROUP BY compound HAVING count() != uniqExact(cityHash64(rid)))
                    AND rid GLOBAL NOT IN (
                        SELECT correction_of FROM cg_checkin
                                WHERE day = toDate('2026-01-25') AND correction_of != ''
                                    AND compound IN ('DEMO-0001'))
                UNION ALL
                -- The others, folded: each event's latest row.
                SELECT compound, gate, dir, kind, decision, reasons, ts, t
                FROM (
                    SELECT event, any(compound) AS compound, argMax(gate, o) AS gate,
                        argMax(dir, o) AS dir, argMax(kind, o) AS kind,
                        argMax(decision, o) AS decision, argMax(reasons, o) AS reasons,
                        argMax(ts, o) AS ts, argMax(tt, o) AS t, argMax(voids, o) AS voided
                    FROM (
                        SELECT compound, gate, dir, kind, decision, reasons, ts,
                            ifNull(temp, -1) AS tt, voids,
                            if(correction_of = '', rid, correction_of) AS event,
                            toUInt64(replaceAll(splitByChar('/', rid)[3], '-', '')) * 10000000000
                                + seq AS o
                        FROM cg_checkin
                        PREWHERE correction_of != '' OR compound GLOBAL IN (
                                SELECT compound FROM cg_checkin WHERE day = toDate('2026-01-25') AND compound IN ('DEMO-0001') GROUP BY compound HAVING count() != uniqExact(cityHash64(rid)))
                        WHERE day = toDate('2026-01-25')
                            AND compound IN ('DEMO-0001')
                    )
                    GROUP BY event
                )
                WHERE voided = ''
            )
            GROUP BY compound, gate, dir, kind, decision, reasons, hour
        )
        GROUP BY compound, gate
    )
    GROUP BY compound
)
ORDER BY compound
FORMAT JSONEachRow
