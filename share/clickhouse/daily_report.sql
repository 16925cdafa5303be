-- The daily figures of cg-report, from ClickHouse: gate traffic,
-- decisions, reasons and fevers of check-ins.  Replace the day
-- (2026-01-25) and the compounds; one compound gives its report, the
-- compounds of a district give every compound's row at once.
-- ts is the local time the compound wrote, so its first ten characters
-- are the compound's local day.  FINAL drops records sent twice.
--
-- Corrections count as cg-report counts them: every row of one event
-- (the original and its corrections, which carry correction_of) is
-- folded to its latest row, by the day of its journal (in its rid) and
-- its seq; a latest row that voids drops the event, an amendment stands
-- for it (with the original's ts).  A correction is journaled up to 7
-- days after the record's day, hence the 8 days read.

-- 1. per compound: events, decisions, fevers
-- A fever is cg-report's (cg-report(1), FEVERS): fever_persons, the
-- headline, is the persons with a reading at or above the threshold
-- (37.3, policy.fever_threshold; up to temp_max, 42.5), a person being
-- the ID number, else the phone, else name and household; fever_readings
-- is those readings; fever_decisions the check-ins with the fever reason.
-- A check-in with no temperature has temp 0.
SELECT
    compound,
    count() AS events,
    countIf(dir = 'in') AS entries,
    countIf(dir = 'out') AS exits,
    countIf(decision = 'admit') AS admit,
    countIf(decision = 'deny') AS deny,
    countIf(decision = 'refer') AS refer,
    uniqExactIf(multiIf(id_no != '', concat('id:', id_no),
                        phone != '', concat('phone:', phone),
                        name != '' AND household != '', concat('name:', name, '@', household),
                        event),
                temp >= 37.3 AND temp <= 42.5) AS fever_persons,
    countIf(temp >= 37.3 AND temp <= 42.5) AS fever_readings,
    countIf(has(reasons, 'fever')) AS fever_decisions
FROM (
    SELECT compound, event, argMax(ts, o) AS ts, argMax(gate, o) AS gate,
        argMax(dir, o) AS dir, argMax(decision, o) AS decision,
        argMax(reasons, o) AS reasons, argMax(voids, o) AS voided,
        argMax(temp, o) AS temp, argMax(id_no, o) AS id_no,
        argMax(phone, o) AS phone, argMax(name, o) AS name,
        argMax(household, o) AS household
    FROM (
        SELECT compound, ts, gate, dir, decision, reasons, voids,
            temp, id_no, phone, name, household,
            if(correction_of = '', rid, correction_of) AS event,
            toUInt64(replaceAll(splitByChar('/', rid)[3], '-', '')) * 10000000000 + seq AS o
        FROM cg_checkin FINAL
        WHERE substring(ts, 1, 10) >= '2026-01-25'
            AND substring(ts, 1, 10) <= toString(toDate('2026-01-25') + 7)
            AND compound IN ('DEMO-0001')
    )
    GROUP BY compound, event
)
WHERE voided = '' AND substring(ts, 1, 10) = '2026-01-25'
GROUP BY compound
ORDER BY compound
FORMAT JSONEachRow;

-- 2. per compound and gate: traffic in and out
SELECT compound, gate, countIf(dir = 'in') AS entries, countIf(dir = 'out') AS exits,
    countIf(decision = 'deny') AS deny
FROM (
    SELECT compound, event, argMax(ts, o) AS ts, argMax(gate, o) AS gate,
        argMax(dir, o) AS dir, argMax(decision, o) AS decision, argMax(voids, o) AS voided
    FROM (
        SELECT compound, ts, gate, dir, decision, voids,
            if(correction_of = '', rid, correction_of) AS event,
            toUInt64(replaceAll(splitByChar('/', rid)[3], '-', '')) * 10000000000 + seq AS o
        FROM cg_checkin FINAL
        WHERE substring(ts, 1, 10) >= '2026-01-25'
            AND substring(ts, 1, 10) <= toString(toDate('2026-01-25') + 7)
            AND compound IN ('DEMO-0001')
    )
    GROUP BY compound, event
)
WHERE voided = '' AND substring(ts, 1, 10) = '2026-01-25'
GROUP BY compound, gate
ORDER BY compound, gate
FORMAT JSONEachRow;

-- 3. per compound and reason code
SELECT compound, reason, count() AS n
FROM (
    SELECT compound, event, argMax(ts, o) AS ts, argMax(reasons, o) AS reasons,
        argMax(voids, o) AS voided
    FROM (
        SELECT compound, ts, reasons, voids,
            if(correction_of = '', rid, correction_of) AS event,
            toUInt64(replaceAll(splitByChar('/', rid)[3], '-', '')) * 10000000000 + seq AS o
        FROM cg_checkin FINAL
        WHERE substring(ts, 1, 10) >= '2026-01-25'
            AND substring(ts, 1, 10) <= toString(toDate('2026-01-25') + 7)
            AND compound IN ('DEMO-0001')
    )
    GROUP BY compound, event
)
ARRAY JOIN reasons AS reason
WHERE voided = '' AND substring(ts, 1, 10) = '2026-01-25'
GROUP BY compound, reason
ORDER BY compound, reason
FORMAT JSONEachRow;

-- 4. per compound: the corrections of the day's records, as cg-report
-- lists them
SELECT compound, rid, if(voids != '', 'void', 'amend') AS action,
    if(voids != '', voids, amends) AS replaces, correction_of AS original,
    correction_reason AS reason, corrected_by AS by, corrected_at AS at
FROM cg_checkin FINAL
WHERE correction_of != ''
    AND splitByChar('/', correction_of)[3] = '2026-01-25'
    AND substring(ts, 1, 10) >= '2026-01-25'
    AND substring(ts, 1, 10) <= toString(toDate('2026-01-25') + 7)
    AND compound IN ('DEMO-0001')
ORDER BY compound, toUInt64(replaceAll(splitByChar('/', rid)[3], '-', '')) * 10000000000 + seq
FORMAT JSONEachRow;

-- 5. per compound: late registrations, as cg-report lists them: records
-- of the day registered after it ended plus policy.late_grace_min (60
-- minutes: the 01:00 below).  They count on their own day in 1-3 all the
-- same (every query goes by ts, whatever journal day the rid names).
-- ts and registered_at are the compound's local time, compared as text.
SELECT compound, ts, registered_at, gate, dir, kind, decision
FROM (
    SELECT compound, event, argMax(ts, o) AS ts, argMax(registered_at, o) AS registered_at,
        argMax(gate, o) AS gate, argMax(dir, o) AS dir, argMax(kind, o) AS kind,
        argMax(decision, o) AS decision, argMax(voids, o) AS voided
    FROM (
        SELECT compound, ts, registered_at, gate, dir, kind, decision, voids,
            if(correction_of = '', rid, correction_of) AS event,
            toUInt64(replaceAll(splitByChar('/', rid)[3], '-', '')) * 10000000000 + seq AS o
        FROM cg_checkin FINAL
        WHERE substring(ts, 1, 10) >= '2026-01-25'
            AND substring(ts, 1, 10) <= toString(toDate('2026-01-25') + 7)
            AND compound IN ('DEMO-0001')
    )
    GROUP BY compound, event
)
WHERE voided = '' AND substring(ts, 1, 10) = '2026-01-25'
    AND substring(registered_at, 1, 19) > concat(toString(toDate('2026-01-25') + 1), 'T01:00:00')
ORDER BY compound, ts
FORMAT JSONEachRow;
