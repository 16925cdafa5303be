-- Per compound, one day: the needs of households under observation
-- (cg-quarantine need, delivered by cg-duty done --need), as cg-report's
-- duty "needs" counts them (t0590 checks it): open, those asked up to the
-- end of the day and not delivered by then, of a case not released or
-- closed by then; delivered, the need_done events of the day; missed,
-- those asked on the day and not delivered by its end, once the day is
-- over (now() past its midnight).  Replace the day and the compounds as
-- in totals.sql.  Right without merges (GROUP BY rid), no FINAL; every
-- day up to the one asked is read.  The day's end is the need's own time
-- less its time of day (from ts, which carries the compound's offset),
-- plus a day: a day with a change of offset (summer time) is off by the
-- change.  need_id came later (a table made before it: ALTER TABLE
-- cg_quarantine ADD COLUMN need_id String, ADD COLUMN need String; on a
-- cluster, cg_quarantine_local on every node and then cg_quarantine);
-- needs pushed before it have none and are not counted.
SELECT compound,
    countIf(asked AND NOT done_by AND NOT ended) AS open,
    countIf(done_today) AS delivered,
    countIf(asked AND asked_day = toDate('2026-01-25') AND NOT done_by
        AND toInt64(toUInt32(now())) >= day_end) AS missed
FROM (
    SELECT compound, nid AS need_id, anyIf(cid, ev = 'need') AS case_id,
        countIf(ev = 'need') > 0 AS asked,
        anyIf(d, ev = 'need') AS asked_day,
        anyIf(mid, ev = 'need') + 86400 AS day_end,
        countIf(ev = 'need_done') > 0 AS done_by,
        countIf(ev = 'need_done' AND d = toDate('2026-01-25')) > 0 AS done_today
    FROM (
        SELECT compound, rid, any(need_id) AS nid, any(case_id) AS cid, any(event) AS ev,
            any(day) AS d,
            toInt64(toUInt32(any(time))) - toInt64(substring(any(ts), 12, 2)) * 3600
                - toInt64(substring(any(ts), 15, 2)) * 60
                - toInt64(substring(any(ts), 18, 2)) AS mid
        FROM cg_quarantine
        WHERE day <= toDate('2026-01-25') AND compound IN ('DEMO-0001')
            AND event IN ('need', 'need_done') AND need_id != ''
        GROUP BY compound, rid
    )
    GROUP BY compound, nid
) ANY LEFT JOIN (
    SELECT compound, cid AS case_id, toUInt8(1) AS ended
    FROM (
        SELECT compound, rid, any(case_id) AS cid
        FROM cg_quarantine
        WHERE day <= toDate('2026-01-25') AND compound IN ('DEMO-0001')
            AND event IN ('release', 'close')
        GROUP BY compound, rid
    )
    GROUP BY compound, cid
) USING (compound, case_id)
GROUP BY compound
ORDER BY compound
FORMAT JSONEachRow
