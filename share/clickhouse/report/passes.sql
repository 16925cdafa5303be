-- Passes per compound and class for the day, as cg-report counts them:
-- issued and revoked that day, and active at its end (valid from before
-- the end of the day to after it, and not revoked by then), from every
-- pass event up to the day.  Times compare as the compound wrote them
-- (its own offset).  A rid sent twice is one event.  A revocation has no
-- class: it is counted on the class of the pass it revokes.
SELECT compound, class,
    countIf(event = 'issue' AND today) AS issued,
    countIf(event = 'issue' AND revoked_today) AS revoked,
    countIf(event = 'issue' AND substring(valid_from, 1, 19) < concat(toString(toDate('2026-01-25') + 1), 'T00:00:00')
        AND substring(valid_until, 1, 19) > concat(toString(toDate('2026-01-25') + 1), 'T00:00:00')
        AND NOT revoked_by_end) AS active
FROM (
    SELECT compound, pass_id, any(event) AS event, any(class) AS class, any(valid_from) AS valid_from,
        any(valid_until) AS valid_until, any(day) = toDate('2026-01-25') AS today
    FROM cg_pass
    WHERE day <= toDate('2026-01-25') AND compound IN ('DEMO-0001')
    GROUP BY compound, rid, pass_id
    HAVING event = 'issue'
)
ANY LEFT JOIN (
    SELECT compound, pass_id, 1 AS revoked_by_end, max(day) = toDate('2026-01-25') AS revoked_today
    FROM cg_pass
    WHERE day <= toDate('2026-01-25') AND compound IN ('DEMO-0001') AND event = 'revoke'
    GROUP BY compound, pass_id
) USING compound, pass_id
GROUP BY compound, class
ORDER BY compound, class
FORMAT JSONEachRow
