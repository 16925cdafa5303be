#!/usr/bin/env python3
"""Generate a realistic day of gate events for cg-checkin, as JSON lines.

    tests/bench/gen-events.py [-n COUNT] [--day YYYY-MM-DD] [--until HH:MM]
                              [--seed N] [-o FILE]

The mix follows a compound's gate traffic: mostly residents (with a valid
GB 11643 id_no, phone and household), some tenants and staff, couriers
(who are refused at the gate), visitors naming the household they visit
(a few without), registered and unregistered vehicles with plates, both
gates, in and out.  Temperatures lie in 35.8-37.8 with a few fevers, a few
masks are missing, a few people report symptoms, a few entries lack a
temperature (referred to re-measure).  Timestamps rise through
the day from 00:00 to --until (default 19:59, before the bench's --now).

Every line is one that cg-checkin accepts (none is rejected), and the
output is the same for the same seed.  Importable: events(n, ...) yields
the lines without their newlines.
"""

import argparse
import datetime
import random
import sys

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华建国志红文辉玉萍鹏飞婷雪慧宇浩然子轩梓涵欣怡一诺思雨俊杰晨阳佳琪"
AREAS = ["110101", "110105", "310104", "310115", "440305", "440106",
         "420102", "510107", "330106", "320102", "370102", "610113"]
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
PLATE_PREFIX = ["京A", "京B", "京N", "京Q", "沪A", "沪C", "粤B", "鄂A", "川A", "浙A"]
PLATE_CHARS = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"
COMPANIES = ["顺丰", "京东", "美团", "饿了么", "中通", "圆通", "邮政"]
ORIGINS = ["北京市朝阳区", "上海市浦东新区", "武汉市", "广州市", "成都市", "杭州市"]
SYMPTOMS = ['["cough"]', '["fatigue"]', '["fever","cough"]']


def id_check(first17):
    return "10X98765432"[sum(int(c) * w for c, w in zip(first17, WEIGHTS)) % 11]


def make_id(rng):
    birth = datetime.date(1935, 1, 1) + datetime.timedelta(days=rng.randrange(0, 80 * 365))
    first17 = "%s%s%03d" % (rng.choice(AREAS), birth.strftime("%Y%m%d"), rng.randrange(1, 1000))
    return first17 + id_check(first17)


def make_name(rng):
    n = 1 if rng.random() < 0.4 else 2
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(n))


# Three-digit prefixes wholly inside a mobile range of China's numbering
# plan (cg-checkin(1), phone: libphonenumber's metadata for CN); numbers
# outside them are refused.
MOBILE_PREFIXES = ([130 + i for i in range(10)] + [145, 147, 150, 151, 152, 153]
                   + [155, 156, 157, 158, 159, 162, 165, 166, 167, 170, 171, 172, 173]
                   + [175, 176, 177, 178] + [180 + i for i in range(10)]
                   + [190, 191, 192, 193, 195, 196, 197, 198, 199])


def make_phone(rng):
    return "%d%08d" % (rng.choice(MOBILE_PREFIXES), rng.randrange(10 ** 8))


def make_household(rng):
    # building-unit-room: 12 buildings, 4 units, 18 floors, 4 rooms a floor
    return "%d-%d-%d%02d" % (rng.randint(1, 12), rng.randint(1, 4),
                             rng.randint(1, 18), rng.randint(1, 4))


def make_plate(rng):
    return rng.choice(PLATE_PREFIX) + "".join(rng.choice(PLATE_CHARS) for _ in range(5))


def person_pool(rng, size):
    """People who live or work here: (name, id_no, phone, household)."""
    return [(make_name(rng), make_id(rng), make_phone(rng), make_household(rng))
            for _ in range(size)]


def events(n, day="2026-01-25", until="19:59", seed=2020, offset="+08:00"):
    rng = random.Random(seed)
    residents = person_pool(rng, 6000)
    tenants = person_pool(rng, 800)
    staff = person_pool(rng, 60)
    couriers = [(make_name(rng), make_phone(rng), rng.choice(COMPANIES)) for _ in range(150)]
    plates = [(make_plate(rng), make_household(rng)) for _ in range(900)]
    hh, mm = (int(x) for x in until.split(":"))
    span = hh * 3600 + mm * 60 + 59
    step = span / max(n, 1)
    gates = ('"north"', '"north"', '"north"', '"south"', '"south"')
    rand = rng.random

    def temp():
        r = rand()
        if r < 0.01:
            t = rng.uniform(37.3, 37.8)       # a fever
        else:
            t = min(37.8, max(35.8, rng.gauss(36.5, 0.3)))
        return "%.1f" % t

    def mask():
        return "false" if rand() < 0.03 else "true"

    def extras():
        r = rand()
        if r < 0.005:
            return ',"symptoms":' + rng.choice(SYMPTOMS)
        if r < 0.02:
            return ',"from":"%s"' % rng.choice(ORIGINS)
        return ""

    for i in range(n):
        s = int(i * step)
        ts = '"%sT%02d:%02d:%02d%s"' % (day, s // 3600, s // 60 % 60, s % 60, offset)
        gate = rng.choice(gates)
        into = rand() < 0.55
        d = '"in"' if into else '"out"'
        head = '{"ts":%s,"gate":%s,"dir":%s,"kind":' % (ts, gate, d)
        k = rand()
        # Entries are measured (a few slip through: refer, remeasure);
        # exits only sometimes.
        measured = rand() >= 0.005 if into else rand() < 0.3
        if k < 0.70 or k >= 0.99:
            kind = "resident" if k < 0.70 else "staff"
            name, idn, phone, house = rng.choice(residents if k < 0.70 else staff)
            body = '"%s","name":"%s","id_no":"%s","phone":"%s","household":"%s"' % (
                kind, name, idn, phone, house)
            if measured:
                body += ',"temp":%s' % temp()
            body += ',"mask":%s%s' % (mask(), extras())
        elif k < 0.78:
            name, idn, phone, house = rng.choice(tenants)
            body = '"tenant","name":"%s","id_no":"%s","phone":"%s","household":"%s"' % (
                name, idn, phone, house)
            if measured:
                body += ',"temp":%s' % temp()
            body += ',"mask":%s%s' % (mask(), extras())
        elif k < 0.85:
            name, phone, company = rng.choice(couriers)
            body = '"courier","name":"%s","phone":"%s","company":"%s"' % (name, phone, company)
            if measured:
                body += ',"temp":%s' % temp()
            body += ',"mask":%s' % mask()
        elif k < 0.91:
            body = '"visitor","name":"%s","phone":"%s"' % (make_name(rng), make_phone(rng))
            if rand() < 0.5:
                body += ',"id_no":"%s"' % make_id(rng)
            if rand() < 0.95:
                body += ',"host":"%s"' % make_household(rng)
            if measured:
                body += ',"temp":%s' % temp()
            body += ',"mask":%s%s' % (mask(), extras())
        else:
            if rand() < 0.85:
                plate, house = rng.choice(plates)
                body = '"vehicle","plate":"%s","household":"%s"' % (plate, house)
            else:
                body = '"vehicle","plate":"%s"' % make_plate(rng)
        yield head + body + "}"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("-n", "--count", type=int, default=1000000)
    ap.add_argument("--day", default="2026-01-25")
    ap.add_argument("--until", default="19:59", help="last HH:MM of the day's events")
    ap.add_argument("--seed", type=int, default=2020)
    ap.add_argument("-o", "--output", help="write here instead of standard output")
    a = ap.parse_args()
    out = open(a.output, "w", encoding="utf-8") if a.output else \
        open(sys.stdout.fileno(), "w", encoding="utf-8", closefd=False)
    with out:
        buf = []
        for line in events(a.count, a.day, a.until, a.seed):
            buf.append(line)
            if len(buf) >= 10000:
                out.write("\n".join(buf) + "\n")
                buf.clear()
        if buf:
            out.write("\n".join(buf) + "\n")


if __name__ == "__main__":
    main()
