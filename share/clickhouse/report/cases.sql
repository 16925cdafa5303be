-- Home observation per compound for the day, as cg-report counts it:
-- the case events of the day (opened, released, closed, extended,
-- checks; escalated and alerts as cases) and the cases open (open or
-- escalated) at its end, from every case event up to the day (the
-- partitions up to it).  A rid sent twice is one event; a voided event
-- is none (amendments are not applied here).
SELECT compound,
    uniqExactIf(case_id, last NOT IN ('release', 'close') AND opened_by_end) AS open,
    sum(opened) AS opened, sum(escalated) AS escalated, sum(released) AS released,
    sum(closed) AS closed, sum(extended) AS extended, sum(checks) AS checks,
    sum(alerts) AS alerts
FROM (
    SELECT compound, case_id,
        argMaxIf(event, (ts, seq), event IN ('open', 'release', 'close')) AS last,
        countIf(event = 'open') > 0 AS opened_by_end,
        countIf(event = 'open' AND today) AS opened,
        countIf(event = 'escalate' AND today) > 0 AS escalated,
        countIf(event = 'release' AND today) AS released,
        countIf(event = 'close' AND today) AS closed,
        countIf(event = 'extend' AND today) AS extended,
        countIf(event = 'check' AND today) AS checks,
        countIf(event = 'check' AND result = 'alert' AND today) > 0 AS alerts
    FROM (
        SELECT compound, rid, any(case_id) AS case_id, any(event) AS event, any(ts) AS ts,
            any(seq) AS seq, any(result) AS result, any(day) = toDate('2026-01-25') AS today
        FROM cg_quarantine
        WHERE day <= toDate('2026-01-25') AND compound IN ('DEMO-0001') AND correction_of = ''
        GROUP BY compound, rid
    )
    WHERE rid NOT IN (
        SELECT voids FROM cg_quarantine
        WHERE day <= toDate('2026-01-25') + 7 AND compound IN ('DEMO-0001') AND voids != '')
    GROUP BY compound, case_id
)
GROUP BY compound
ORDER BY compound
FORMAT JSONEachRow
