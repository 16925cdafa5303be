#!/usr/bin/env python3
"""gen-duty.py config|done|guards|quarantine: a year of duty work for cg-duty's bench.

200 places disinfected three times a day, 50 special-care households
called once a day, 4 gates staffed in three shifts, from 2025-01-25 to
2026-01-24; and the garbage of every household under observation
collected twice a day (08:00-14:00 and 14:00-20:00): a case opened every
other day at 10:00, observed for 14 days, released on the 15th at 09:00
(the 7 opened since 2026-01-12 still open), with a check at 08:00 and
18:00 of its days 2 to 14: the config.json, the done records (237,250,
then the households' 5,202), the guards' sign-ons and sign-offs (8,760)
and the quarantine journal (183 cases, 5,019 events) as the journals
hold them (for helper-journal-append), as JSON lines, each part in time
order.
"""
import datetime
import json
import sys

GATES = ["g1", "g2", "g3", "g4"]
PLACES = ["p%03d" % i for i in range(200)]
CARE = ["C%02d" % i for i in range(50)]
DAYS = [datetime.date(2025, 1, 25) + datetime.timedelta(d) for d in range(365)]
END = datetime.datetime(2026, 1, 25)
OPEN, RELEASE = datetime.time(10, 0), datetime.time(9, 0)
SLOTS = ((datetime.time(8, 0), datetime.time(14, 0), "11:00"),
         (datetime.time(14, 0), datetime.time(20, 0), "15:00"))


def cases():
    """(case id, household, opened, released or None) of each case."""
    out = []
    for i, day in enumerate(DAYS[::2]):
        opened = datetime.datetime.combine(day, OPEN)
        released = datetime.datetime.combine(day + datetime.timedelta(14), RELEASE)
        out.append(("Q%s-001" % day.strftime("%y%m%d"), "9-%d-%03d" % (i // 100 + 1, i % 100),
                    opened, released if released < END else None))
    return out


def ts(day, hhmm):
    return "%sT%s:00+08:00" % (day.isoformat(), hhmm)


def config():
    shifts = [["00:00", "08:00"], ["08:00", "16:00"], ["16:00", "24:00"]]
    print(json.dumps({"gates": GATES, "duty": {
        "roster": {g: shifts for g in GATES},
        "tasks": {"disinfect": {"places": PLACES, "times": 3, "hours": ["06:00", "21:00"]},
                  "care_call": {"per": "care"},
                  "garbage": {"per": "observed", "times": 2, "hours": ["08:00", "20:00"]}},
        "care": {c: {"name": "张三", "household": "1-1-%d01" % (i + 1)} for i, c in enumerate(CARE)},
        "stock": {"mask": {"unit": "piece", "min": 100}}}}, ensure_ascii=False))


def done():
    out = sys.stdout
    for day in DAYS:
        for hhmm in ("06:30", "11:30", "16:30"):
            for p in PLACES:
                out.write('{"task":"disinfect","place":"%s","ts":"%s","by":"李四"}\n' % (p, ts(day, hhmm)))
        for c in CARE:
            out.write('{"task":"care_call","place":"%s","ts":"%s"}\n' % (c, ts(day, "10:00")))
    # The households' garbage, after the rest: the first 100,000 records
    # (the bench of done) are the same as before.
    for cid, hh, opened, released in cases():
        until = released or END
        day = opened.date()
        while datetime.datetime.combine(day, datetime.time(0)) < until:
            for start, end, at in SLOTS:
                if (datetime.datetime.combine(day, start) < until and
                        datetime.datetime.combine(day, end) > opened):
                    out.write('{"task":"garbage","place":"%s","ts":"%s","by":"周"}\n' % (hh, ts(day, at)))
            day += datetime.timedelta(1)


def guards():
    out = sys.stdout
    for day in DAYS:
        nxt = day + datetime.timedelta(1)
        for start, end, who in ((ts(day, "00:00"), ts(day, "08:00"), "a"),
                                (ts(day, "08:00"), ts(day, "16:00"), "b"),
                                (ts(day, "16:00"), ts(nxt, "00:00"), "c")):
            for g in GATES:
                out.write('{"ts":"%s","compound":"DEMO-0001","event":"on","gate":"%s","guard":"%s-%s"}\n'
                          % (start, g, g, who))
            for g in GATES:
                out.write('{"ts":"%s","compound":"DEMO-0001","event":"off","gate":"%s","guard":"%s-%s"}\n'
                          % (end, g, g, who))


def quarantine():
    out = sys.stdout
    events = []
    for cid, hh, opened, released in cases():
        start = opened.date()
        events.append((opened, json.dumps({
            "ts": opened.isoformat() + "+08:00", "compound": "DEMO-0001", "event": "open",
            "case_id": cid, "name": "张三", "household": hh, "reason": "close_contact",
            "start": start.isoformat(), "days": 14,
            "end": (start + datetime.timedelta(13)).isoformat(), "status": "open"},
            ensure_ascii=False, separators=(",", ":"))))
        for n in range(1, 14):
            day = start + datetime.timedelta(n)
            for hhmm, window in (("08:00", "06:00-10:00"), ("18:00", "16:00-20:00")):
                at = datetime.datetime.combine(day, datetime.time(int(hhmm[:2])))
                if at >= (released or END):
                    continue
                events.append((at, json.dumps({
                    "ts": at.isoformat() + "+08:00", "compound": "DEMO-0001", "event": "check",
                    "case_id": cid, "temp": 36.5, "symptoms": [], "day": n + 1,
                    "window": window, "result": "ok"}, separators=(",", ":"))))
        if released:
            events.append((released, json.dumps({
                "ts": released.isoformat() + "+08:00", "compound": "DEMO-0001",
                "event": "release", "case_id": cid, "household": hh, "class": "returnee"},
                separators=(",", ":"))))
    for _, line in sorted(events, key=lambda e: e[0]):
        out.write(line + "\n")


{"config": config, "done": done, "guards": guards,
 "quarantine": quarantine}[sys.argv[1]]()
