-- The day's temperature readings of each compound in tenths of a degree
-- (rounded half away from zero, as cg-report rounds them): daily-report
-- makes cg-report's histogram (35.0 to 42.5) and its below and above of
-- them.  A check-in without a reading (NULL) is none.  Folded as
-- totals.sql.
SELECT compound, toInt32(if(t < 30, 0, if(t > 50, 9999, round(t * 10 + 0.0000001)))) AS tenths,
    count() AS n
FROM (
    SELECT compound, event, argMax(t, o) AS t, argMax(voids, o) AS voided
    FROM (
        SELECT compound, ifNull(temp, -1) AS t, voids,
            if(correction_of = '', rid, correction_of) AS event,
            toUInt64(replaceAll(splitByChar('/', rid)[3], '-', '')) * 10000000000 + seq AS o
        FROM cg_checkin
        WHERE day = toDate('2026-01-25') AND compound IN ('DEMO-0001')
    )
    GROUP BY compound, event
)
WHERE voided = '' AND t != -1
GROUP BY compound, tenths
ORDER BY compound, tenths
FORMAT JSONEachRow
