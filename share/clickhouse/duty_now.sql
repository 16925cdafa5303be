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
-- a back-filled record can make a gate look recent.
--
-- The guard on duty comes from cg_duty (cg-sync --stream duty): per gate
-- and guard the last sign-on or sign-off of the last 7 days; guards_on is
-- how many of them last signed on, guard_on whether any did, last_sign
-- the time of the gate's last one, and signs_on whether guards sign on at
-- the gate at all (0: the compound does not use cg-duty there, and only
-- minutes_silent speaks for it).  Guards are told apart by guard, a hash
-- with --redact: pushed without it, guard is empty and guards_on is the
-- gate's last on or off (one guard at a time counts right; two overlapping
-- show as off once one of them signs off).
-- A row stamped later than now (a clock ahead) is left out, so that it
-- cannot hide a silence.  Replace the compound test, or drop it for the
-- city.
SELECT compound, gate, last_event, minutes_silent, denied_last_hour,
    toUInt8(guards_on > 0) AS guard_on, guards_on, last_sign, signs_on
FROM (
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
)
ANY LEFT JOIN (
    SELECT compound, gate, countIf(last = 'on') AS guards_on,
        toString(max(at)) AS last_sign, toUInt8(1) AS signs_on
    FROM (
        SELECT compound, gate, guard,
            argMax(event, toUInt64(toUInt32(time)) * 1000000000 + seq) AS last,
            max(time) AS at
        FROM cg_duty
        WHERE day >= today() - 7 AND time <= now() AND event IN ('on', 'off')
            AND compound IN ('DEMO-0001')
        GROUP BY compound, gate, guard
    )
    GROUP BY compound, gate
) USING compound, gate
ORDER BY compound, gate
FORMAT JSONEachRow
