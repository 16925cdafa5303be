#!/usr/bin/env python3
"""gen-duty.py config|done|guards: a year of duty work for cg-duty's bench.

200 places disinfected three times a day, 50 special-care households
called once a day, 4 gates staffed in three shifts, from 2025-01-25 to
2026-01-24: the config.json, the done records (237,250) and the guards'
sign-ons and sign-offs (8,760) as the journal holds them (for
helper-journal-append), as JSON lines in time order.
"""
import datetime
import json
import sys

GATES = ["g1", "g2", "g3", "g4"]
PLACES = ["p%03d" % i for i in range(200)]
CARE = ["C%02d" % i for i in range(50)]
DAYS = [datetime.date(2025, 1, 25) + datetime.timedelta(d) for d in range(365)]


def ts(day, hhmm):
    return "%sT%s:00+08:00" % (day.isoformat(), hhmm)


def config():
    shifts = [["00:00", "08:00"], ["08:00", "16:00"], ["16:00", "24:00"]]
    print(json.dumps({"gates": GATES, "duty": {
        "roster": {g: shifts for g in GATES},
        "tasks": {"disinfect": {"places": PLACES, "times": 3, "hours": ["06:00", "21:00"]},
                  "care_call": {"per": "care"}},
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


{"config": config, "done": done, "guards": guards}[sys.argv[1]]()
