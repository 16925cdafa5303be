-- Per compound, the corrections of one day's check-ins, as cg-report lists
-- them, in the order they were journaled.  Replace the day and the
-- compounds as in totals.sql.  A correction is on the day of the record
-- it corrects, so the day's partition holds them all; GROUP BY rid folds
-- a row sent twice (right without merges, no FINAL).
SELECT compound, rid, action, replaces, original, reason, by, at
FROM (
    SELECT compound, rid, any(if(voids != '', 'void', 'amend')) AS action,
        any(if(voids != '', voids, amends)) AS replaces, any(correction_of) AS original,
        any(correction_reason) AS reason, any(corrected_by) AS by,
        any(corrected_at) AS at,
        any(toUInt64(replaceAll(splitByChar('/', rid)[3], '-', '')) * 10000000000 + seq) AS o
    FROM cg_checkin
    WHERE day = toDate('2026-01-25') AND compound IN ('DEMO-0001') AND correction_of != ''
    GROUP BY compound, rid
)
ORDER BY compound, o
FORMAT JSONEachRow
