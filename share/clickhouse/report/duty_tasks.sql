-- Per compound and task, one day: the tasks done (cg-duty done events,
-- each rid once), the places they were done at, the staff fevers (alert
-- events) and who did them (distinct "by": hashes with --redact, else
-- empty and not counted).  Replace the day and the compounds as in
-- totals.sql.  Right without merges (GROUP BY rid), no FINAL.
--
-- cg-report's duty "tasks" counts slots (config.json duty.tasks cuts each
-- task's day into them): done there is the slots with a done event, so a
-- slot done twice counts once, and missed needs the plan, which is not
-- upstream.  done here equals cg-report's when no slot is done twice
-- (t0590 checks it).
SELECT compound, tk AS task, countIf(ev = 'done') AS done,
    uniqExactIf(pl, ev = 'done') AS places,
    countIf(ev = 'alert') AS staff_fevers,
    uniqExactIf(who, ev = 'done' AND who != '') AS doers
FROM (
    SELECT compound, rid, any(task) AS tk, any(place) AS pl, any(event) AS ev,
        any(`by`) AS who
    FROM cg_duty
    WHERE day = toDate('2026-01-25') AND compound IN ('DEMO-0001')
        AND event IN ('done', 'alert')
    GROUP BY compound, rid
)
GROUP BY compound, tk
ORDER BY compound, task
FORMAT JSONEachRow
