-- Per compound and task, one day: the slots done (cg-report's duty
-- "tasks" done), the places tasks were done at, the staff fevers (alert
-- events) and who did them (distinct "by": hashes with --redact, else
-- empty and not counted).  Replace the day and the compounds as in
-- totals.sql.  Right without merges (GROUP BY rid), no FINAL.
--
-- config.json's duty.tasks cuts each task's day into slots, and cg-report
-- counts a slot done once however many done events fall in it.  The plan
-- is not upstream, but every done carries its slot ("DATE HH:MM-HH:MM",
-- the local day the slot begins): done here is the distinct places and
-- slots of the day's slots, read from the day and the next (a night's
-- slot may be done after midnight), equal to cg-report's while the plan
-- is the one the done events were journaled under (t0590 checks it, with
-- two events in one slot).  Missed needs the plan; done events journaled
-- before slots were recorded have none and count as no slot; calls of a
-- task per care to an entry removed since count here, not in cg-report,
-- which reads today's ledger.  places, doers and staff_fevers are of the
-- day's own events.
SELECT compound, tk AS task,
    uniqExactIf(pl, sl, ev = 'done' AND substring(sl, 1, 10) = '2026-01-25') AS done,
    uniqExactIf(pl, ev = 'done' AND d = toDate('2026-01-25')) AS places,
    countIf(ev = 'alert' AND d = toDate('2026-01-25')) AS staff_fevers,
    uniqExactIf(who, ev = 'done' AND who != '' AND d = toDate('2026-01-25')) AS doers
FROM (
    SELECT compound, rid, any(day) AS d, any(task) AS tk, any(place) AS pl,
        any(slot) AS sl, any(event) AS ev, any(`by`) AS who
    FROM cg_duty
    WHERE day IN (toDate('2026-01-25'), toDate('2026-01-25') + 1)
        AND compound IN ('DEMO-0001') AND event IN ('done', 'alert')
    GROUP BY compound, rid
)
WHERE d = toDate('2026-01-25') OR substring(sl, 1, 10) = '2026-01-25'
GROUP BY compound, tk
ORDER BY compound, task
FORMAT JSONEachRow
