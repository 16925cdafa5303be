-- The daily figures of cg-report, from ClickHouse: gate traffic,
-- decisions, reasons and fevers of check-ins.  Replace the day
-- (2026-01-25) and the compounds; one compound gives its report, the
-- compounds of a district give every compound's row at once.
-- ts is the local time the compound wrote, so its first ten characters
-- are the compound's local day.  FINAL drops records sent twice.

-- 1. per compound: events, decisions, fevers
SELECT
    compound,
    count() AS events,
    countIf(dir = 'in') AS entries,
    countIf(dir = 'out') AS exits,
    countIf(decision = 'admit') AS admit,
    countIf(decision = 'deny') AS deny,
    countIf(decision = 'refer') AS refer,
    countIf(has(reasons, 'fever')) AS fevers
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
