-- The day's persons' figures of each compound (one row per compound
-- with a visitor's check-in or a fever reading): what daily-report puts
-- into cg-report's fever persons and readings and visitors, beside
-- day.sql's check-in figures.  A request of its own so that the server
-- reads it while day.sql counts (the two took 1.9 s in one request, the
-- join's right side first); the same folds as day.sql.  Replace the day
-- and the compounds as in totals.sql.
--
-- Read once, of the rows with a person's figure in them (a visitor's
-- check-in, a reading from the threshold to temp_max) and the
-- corrections, folded (each event's latest row):
--
-- fever_persons and fever_readings (totals.sql): the events with such
-- a reading at their latest row, and their persons;
-- the visitors (visitors.sql): count (admitted in), refused (denied
-- or referred at the way in), out, and inside: admitted in with no
-- exit at or after it sharing the ID number or the phone, or, the
-- exit naming neither, the name.  Linear: every check-in under '#'
-- (for the counts) and a visitor's way in and exit under its keys
-- (ID number, phone, name); a way in is inside unless a key of it has
-- an exit at or after it: the ways in less those matched (each once).
SELECT compound, max(c) AS v_count, max(r) AS v_refused, max(xo) AS v_out,
    max(cts) - uniqExactArray(matched) AS v_inside,
    max(fp) AS fever_persons, max(fr) AS fever_readings
FROM (
    -- (last_out as an array beside ins, not a lambda's capture:
    -- 18.16 drops a subquery's columns named only in a lambda)
    SELECT compound, c, r, xo, cts, fp, fr,
        arrayMap(x -> x.1, arrayFilter((x, lo) -> lo != '' AND lo >= x.2, ins,
            arrayResize([last_out], length(ins), last_out))) AS matched
    FROM (
        SELECT compound, key,
            countIf(key = '#' AND visitor AND dir = 'in' AND decision = 'admit') AS c,
            countIf(key = '#' AND visitor AND dir = 'in' AND decision = 'admit'
                AND ts != '') AS cts,
            countIf(key = '#' AND visitor AND dir = 'in' AND decision IN ('deny', 'refer'))
                AS r,
            countIf(key = '#' AND visitor AND dir = 'out') AS xo,
            uniqExactIf(person, key = '#' AND fever) AS fp,
            countIf(key = '#' AND fever) AS fr,
            maxIf(ts, dir = 'out' AND key != '#') AS last_out,
            groupArrayIf((event, ts), key != '#' AND dir = 'in' AND decision = 'admit'
                AND ts != '') AS ins
        FROM (
            SELECT event, compound, ts, dir, decision, id_no, phone, name, voided,
                kind = 'visitor' AS visitor, t >= 37.3 AND t <= 42.5 AS fever,
                multiIf(id_no != '', concat('id:', id_no),
                    phone != '', concat('phone:', phone),
                    name != '' AND household != '', concat('name:', name, '@', household),
                    event) AS person
            FROM (
                -- Events taken as they are (as the cube's): the
                -- compound has no row twice, the event no correction.
                SELECT rid AS event, compound, ts, dir, kind, decision, id_no, phone,
                    name, household, ifNull(temp, -1) AS t, voids AS voided
                FROM cg_checkin
                PREWHERE kind = 'visitor' OR (temp >= 37.3 AND temp <= 42.5)
                WHERE day = toDate('2026-01-25') AND correction_of = ''
                    AND compound IN ('DEMO-0001')
                    AND compound GLOBAL NOT IN (
                        SELECT compound FROM cg_checkin WHERE day = toDate('2026-01-25') AND compound IN ('DEMO-0001') GROUP BY compound HAVING count() != uniqExact(cityHash64(rid)))
                    AND rid GLOBAL NOT IN (
                        SELECT correction_of FROM cg_checkin
                        WHERE day = toDate('2026-01-25') AND correction_of != ''
                            AND compound IN ('DEMO-0001'))
                UNION ALL
                -- The others, folded: the corrections, and the rows of
                -- a compound with a row twice that can count.
                SELECT event, any(compound) AS compound, argMax(ts, o) AS ts,
                    argMax(dir, o) AS dir, argMax(kind, o) AS kind,
                    argMax(decision, o) AS decision, argMax(id_no, o) AS id_no,
                    argMax(phone, o) AS phone, argMax(name, o) AS name,
                    argMax(household, o) AS household, argMax(tt, o) AS t,
                    argMax(voids, o) AS voided
                FROM (
                    SELECT compound, ts, dir, kind, decision, id_no, phone, name,
                        household, ifNull(temp, -1) AS tt, voids,
                        if(correction_of = '', rid, correction_of) AS event,
                        toUInt64(replaceAll(splitByChar('/', rid)[3], '-', ''))
                            * 10000000000 + seq AS o
                    FROM cg_checkin
                    PREWHERE correction_of != '' OR compound GLOBAL IN (
                            SELECT compound FROM cg_checkin WHERE day = toDate('2026-01-25') AND compound IN ('DEMO-0001') GROUP BY compound HAVING count() != uniqExact(cityHash64(rid)))
                    WHERE day = toDate('2026-01-25')
                        AND compound IN ('DEMO-0001')
                        AND (correction_of != '' OR kind = 'visitor'
                            OR (temp >= 37.3 AND temp <= 42.5))
                )
                GROUP BY event
            )
        )
        ARRAY JOIN arrayFilter(x -> x != '', ['#',
            if(visitor AND id_no != '' AND dir IN ('in', 'out'), concat('i', id_no), ''),
            if(visitor AND phone != '' AND dir IN ('in', 'out'), concat('p', phone), ''),
            if(visitor AND name != ''
                AND (dir = 'in' OR (dir = 'out' AND id_no = '' AND phone = '')),
                concat('n', name), '')]) AS key
        WHERE voided = '' AND (visitor OR fever)
        GROUP BY compound, key
    )
)
GROUP BY compound
ORDER BY compound
FORMAT JSONEachRow
