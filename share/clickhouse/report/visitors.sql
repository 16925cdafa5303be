-- The day's visitors of each compound, as cg-report counts them: count
-- (admitted in), refused (denied or referred at the way in), out (exits
-- recorded) and inside (admitted, with no exit recorded after it).  An
-- exit is a visitor's "out" that shares the ID number or the phone with
-- the way in, or, naming neither, the name (keyed hashes alike when
-- pushed with --redact).  The pass shown and visit_until are not sent
-- upstream: overstays are not known here.  Folded as totals.sql.
SELECT compound, any(count) AS count, any(refused) AS refused, any(out) AS out,
    countIf(i.1 != '' AND NOT arrayExists(x -> x.1 >= i.1 AND ((i.2 != '' AND x.2 = i.2)
            OR (i.3 != '' AND x.3 = i.3) OR (x.2 = '' AND x.3 = '' AND x.4 != '' AND x.4 = i.4)),
        outs)) AS inside
FROM (
    SELECT compound,
        countIf(dir = 'in' AND decision = 'admit') AS count,
        countIf(dir = 'in' AND decision IN ('deny', 'refer')) AS refused,
        countIf(dir = 'out') AS out,
        groupArrayIf((ts, id_no, phone, name), dir = 'in' AND decision = 'admit') AS ins,
        groupArrayIf((ts, id_no, phone, name), dir = 'out') AS outs
    FROM (
        SELECT compound, event, argMax(ts, o) AS ts, argMax(dir, o) AS dir,
            argMax(kind, o) AS kind, argMax(decision, o) AS decision,
            argMax(id_no, o) AS id_no, argMax(phone, o) AS phone, argMax(name, o) AS name,
            argMax(voids, o) AS voided
        FROM (
            SELECT compound, ts, dir, kind, decision, id_no, phone, name, voids,
                if(correction_of = '', rid, correction_of) AS event,
                toUInt64(replaceAll(splitByChar('/', rid)[3], '-', '')) * 10000000000 + seq AS o
            FROM cg_checkin
            WHERE day = toDate('2026-01-25') AND compound IN ('DEMO-0001')
        )
        GROUP BY compound, event
    )
    WHERE voided = '' AND kind = 'visitor'
    GROUP BY compound
)
LEFT ARRAY JOIN ins AS i
GROUP BY compound
ORDER BY compound
FORMAT JSONEachRow
