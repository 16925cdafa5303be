-- The live duty board: per compound and gate, the last event, the minutes
-- the gate has been silent, and the refusals (decision deny: a fever, no
-- mask, a person under observation going out, ...) of the last hour.
-- Run it every minute or so over the check-ins cg-sync pushes.
--
-- Reads today's and yesterday's partitions only (today() is the server's
-- day; yesterday covers the compounds whose zone is ahead and the hours
-- after midnight): a gate silent for more than a day drops off the board,
-- which is the alarm.  Counts each rid once (a batch sent twice counts
-- once, without merges); corrections are not applied (an event voided
-- later still counts as it was seen), and the last event is by ts, so
-- a back-filled record can make a gate look recent.  The guard on duty
-- needs the duty journal upstream, which cg-sync does not push yet.
-- A row stamped later than now (a clock ahead) is left out, so that it
-- cannot hide a silence.  Replace the compound test, or drop it for the
-- city.
SELECT
    compound,
    gate,
    toString(max(time)) AS last_event,
    intDiv(toUInt32(now()) - toUInt32(max(time)), 60) AS minutes_silent,
    uniqExactIf(rid, decision = 'deny' AND time > now() - 3600) AS denied_last_hour
FROM cg_checkin
WHERE day >= today() - 1 AND time <= now() AND correction_of = ''
    AND compound IN ('DEMO-0001')
GROUP BY compound, gate
ORDER BY compound, gate
FORMAT JSONEachRow
