-- The daily figures of cg-report, from ClickHouse: gate traffic,
-- decisions, reasons and fevers of check-ins.  Replace the day
-- (2026-01-25) and the compounds; one compound gives its report, the
-- compounds of a district give every compound's row at once.
-- ts is the local time the compound wrote, so its first ten characters
-- are the compound's local day.  FINAL drops records sent twice.

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
                        rid),
                temp >= 37.3 AND temp <= 42.5) AS fever_persons,
    countIf(temp >= 37.3 AND temp <= 42.5) AS fever_readings,
    countIf(has(reasons, 'fever')) AS fever_decisions
FROM cg_checkin FINAL
WHERE substring(ts, 1, 10) = '2026-01-25' AND compound IN ('DEMO-0001')
GROUP BY compound
ORDER BY compound
FORMAT JSONEachRow;

-- 2. per compound and gate: traffic in and out
SELECT compound, gate, countIf(dir = 'in') AS entries, countIf(dir = 'out') AS exits,
    countIf(decision = 'deny') AS deny
FROM cg_checkin FINAL
WHERE substring(ts, 1, 10) = '2026-01-25' AND compound IN ('DEMO-0001')
GROUP BY compound, gate
ORDER BY compound, gate
FORMAT JSONEachRow;

-- 3. per compound and reason code
SELECT compound, reason, count() AS n
FROM cg_checkin FINAL
ARRAY JOIN reasons AS reason
WHERE substring(ts, 1, 10) = '2026-01-25' AND compound IN ('DEMO-0001')
GROUP BY compound, reason
ORDER BY compound, reason
FORMAT JSONEachRow;
