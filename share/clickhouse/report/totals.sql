-- The daily figures of cg-report for one compound and day, from
-- ClickHouse: events, entries and exits, decisions, fevers.  Replace the
-- day (2026-01-25) and the compounds: one compound gives its report;
-- several, or "street = 'S01'" or "district = 'D1'" for the compound
-- test, give every compound's row at once.
--
-- Reads only the day asked for: every row of an event is on the event's
-- day (cg-sync stamps a void with the day of the check-in it voids; an
-- amendment keeps the original's ts), and the tables are partitioned by
-- day and ordered by (compound, day, rid).
--
-- Right without merges: rows sent twice are folded by the GROUP BY of the
-- event (the original's rid, which every correction names in
-- correction_of); the event's state is its latest row, by the day of its
-- journal (in its rid) and its seq: a void drops it, an amendment stands
-- for it.  No FINAL (README: measured).
--
-- A fever is cg-report's (cg-report(1), FEVERS): fever_persons, the
-- headline, is the persons with a reading at or above the threshold
-- (37.3, policy.fever_threshold; up to temp_max, 42.5), a person being
-- the ID number, else the phone, else name and household (keyed hashes
-- when pushed with --redact); fever_readings is those readings;
-- fever_decisions the check-ins with the fever reason.  A check-in with
-- no temperature (NULL) is no reading.
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
    SELECT compound, event, argMax(dir, o) AS dir, argMax(decision, o) AS decision,
        argMax(reasons, o) AS reasons, argMax(voids, o) AS voided,
        argMax(t, o) AS temp, argMax(id_no, o) AS id_no,
        argMax(phone, o) AS phone, argMax(name, o) AS name,
        argMax(household, o) AS household
    FROM (
        SELECT compound, dir, decision, reasons, voids, ifNull(temp, 0) AS t,
            id_no, phone, name, household,
            if(correction_of = '', rid, correction_of) AS event,
            toUInt64(replaceAll(splitByChar('/', rid)[3], '-', '')) * 10000000000 + seq AS o
        FROM cg_checkin
        WHERE day = toDate('2026-01-25') AND compound IN ('DEMO-0001')
    )
    GROUP BY compound, event
)
WHERE voided = ''
GROUP BY compound
ORDER BY compound
FORMAT JSONEachRow
