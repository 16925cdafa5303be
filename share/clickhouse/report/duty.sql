-- Per compound and gate, one day: the guards' sign-ons and sign-offs, the
-- minutes of duty hours and, of them, those with a guard signed on
-- (cg-report's duty "gates": duty_min, staffed_min, unstaffed_min,
-- checkins_without_guard; t0590 checks them against it).  Replace the day
-- and the compounds as in totals.sql, and the duty hours: 0 * 60 and
-- 1440 * 60 are the minutes from midnight of policy.duty_hours (default
-- 00:00 to 24:00; a gate's own in policy.gate_duty).  A day not over yet counts up to now(); a
-- gate is listed when guards ever signed on there, as in cg-report.
--
-- Right without merges: each rid once (GROUP BY rid).  A gate is staffed
-- while more guards have signed on there than off, counted over every
-- earlier day kept (the duty table is small), so a guard on since the
-- night before counts from midnight, and the guards need no name upstream
-- (guard is a hash, or empty).  checkins_without_guard: the day's
-- check-ins (folded as in gates.sql, up to now()) at a moment when nobody
-- was signed on at their gate.  Times of day are read from ts, which
-- carries the compound's offset: a day with a change of offset (summer
-- time) is off by the change.  A gate where no guard signed on in the
-- days read is not listed (cg-report leaves it out too).
SELECT compound, gate, signed_on, signed_off, duty_min, staffed_min, unstaffed_min,
    checkins_without_guard
FROM (
    SELECT
        compound,
        gate,
        signed_on,
        signed_off,
        intDiv(greatest(e_end - s_start, 0), 60) AS duty_min,
        if(e_end > s_start, intDiv(covered, 60), 0) AS staffed_min,
        duty_min - staffed_min AS unstaffed_min
    FROM (
        SELECT
            compound, gate, signed_on, signed_off, s_start, e_end,
            -- Every on (+1) and off (-1) so far, by time, ons first at a
            -- tie; the guards on after each (never below 0: an off whose
            -- on was dropped by retention.sql counts as nothing); each
            -- level lasts to the next event, clipped to the duty hours.
            arraySort((p, d) -> p * 4 - d, ps, ds) AS sps,
            arraySort((d, p) -> p * 4 - d, ds, ps) AS sds,
            arrayFilter(p -> p < e_end, sps) AS fps,
            arrayFilter((d, p) -> p < e_end, sds, sps) AS fds,
            arrayCumSumNonNegative(fds) AS lv,
            arrayConcat(arrayMap(p -> greatest(p, toInt64(0 * 60)), fps),
                [greatest(e_end, s_start)]) AS pts,
            arraySum(arrayMap((l, a, b) -> if(l > 0, b - a, 0), lv, arrayPopBack(pts),
                arrayPopFront(pts))) AS covered
        FROM (
            SELECT
                compound,
                gate,
                toInt64(0 * 60) AS s_start,
                least(toInt64(1440 * 60), toInt64(toUInt32(now())) - any(mid)) AS e_end,
                countIf(event = 'on' AND pos >= 0 AND pos < 86400 AND past) AS signed_on,
                countIf(event = 'off' AND pos >= 0 AND pos < 86400 AND past) AS signed_off,
                groupArrayIf(pos, past) AS ps,
                groupArrayIf(toInt64(if(event = 'on', 1, -1)), past) AS ds
            FROM (
                SELECT compound, gate, rid, any(event) AS event, any(pos) AS pos, any(mid) AS mid,
                    any(seen) AS past
                FROM (
                    SELECT compound, gate, rid, event,
                        toInt64(toDate(substring(ts, 1, 10)) - toDate('2026-01-25')) * 86400
                            + toInt64(substring(ts, 12, 2)) * 3600 + toInt64(substring(ts, 15, 2)) * 60
                            + toInt64(substring(ts, 18, 2)) AS pos,
                        toInt64(toUInt32(time)) - pos AS mid, time <= now() AS seen
                    FROM cg_duty
                    WHERE day <= toDate('2026-01-25') + 1 AND compound IN ('DEMO-0001')
                        AND event IN ('on', 'off')
                )
                GROUP BY compound, gate, rid
            )
            GROUP BY compound, gate
        )
    )
)
ANY LEFT JOIN (
    -- The day's check-ins (folded as in gates.sql) at a moment with no
    -- guard on at their gate: the level after the last on or off up to it
    -- (k of them), as above.
    SELECT compound, gate, countIf(if(k = 0, 0, lv[k]) <= 0) AS checkins_without_guard
    FROM (
        SELECT compound, gate, voided, lv,
            toInt64(toDate(substring(cts, 1, 10)) - toDate('2026-01-25')) * 86400
                + toInt64(substring(cts, 12, 2)) * 3600 + toInt64(substring(cts, 15, 2)) * 60
                + toInt64(substring(cts, 18, 2)) AS cpos,
            arrayCount((p, c) -> p <= c, sps, arrayResize([cpos], length(sps), cpos)) AS k
        FROM (
        SELECT compound, argMax(gate, o) AS gate, argMax(cts, o) AS cts,
            argMax(voids, o) AS voided
        FROM (
            SELECT compound, gate, ts AS cts, voids,
                if(correction_of = '', rid, correction_of) AS event,
                toUInt64(replaceAll(splitByChar('/', rid)[3], '-', '')) * 10000000000 + seq AS o
            FROM cg_checkin
            -- only the compounds with guards' sign-ons (the others have
            -- no row here: no fold of their check-ins, and no read of
            -- their other columns)
            PREWHERE compound GLOBAL IN (
                SELECT compound FROM cg_duty
                WHERE day <= toDate('2026-01-25') + 1 AND event IN ('on', 'off')
                    AND compound IN ('DEMO-0001'))
            WHERE day = toDate('2026-01-25') AND compound IN ('DEMO-0001') AND time <= now()
        )
        GROUP BY compound, event
    )
    ANY INNER JOIN (
        SELECT compound, gate, groupArrayIf(pos, past) AS ps,
            groupArrayIf(toInt64(if(event = 'on', 1, -1)), past) AS ds,
            arraySort((p, d) -> p * 4 - d, ps, ds) AS sps,
            arrayCumSumNonNegative(arraySort((d, p) -> p * 4 - d, ds, ps)) AS lv
        FROM (
            SELECT compound, gate, rid, any(event) AS event, any(pos) AS pos, any(seen) AS past
            FROM (
                SELECT compound, gate, rid, event,
                    toInt64(toDate(substring(ts, 1, 10)) - toDate('2026-01-25')) * 86400
                        + toInt64(substring(ts, 12, 2)) * 3600 + toInt64(substring(ts, 15, 2)) * 60
                        + toInt64(substring(ts, 18, 2)) AS pos,
                    time <= now() AS seen
                FROM cg_duty
                WHERE day <= toDate('2026-01-25') + 1 AND compound IN ('DEMO-0001')
                    AND event IN ('on', 'off')
            )
            GROUP BY compound, gate, rid
        )
        GROUP BY compound, gate
        ) USING compound, gate
    )
    WHERE voided = ''
    GROUP BY compound, gate
) USING compound, gate
ORDER BY compound, gate
FORMAT JSONEachRow
