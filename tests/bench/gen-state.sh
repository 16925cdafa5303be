#!/bin/sh
# Build a big data directory through the commands themselves, for measuring
# start-up with state (kept out of make check: it takes minutes).
#
#   tests/bench/gen-state.sh BUILD HOME [PASSES] [CASES] [DAY_RECORDS]
#
# PASSES resident passes (default 100000), CASES home-observation cases
# opened 13 days before 2026-01-25 with two checks a day for 14 days
# (default 10000, 28 checks each), and a check-in journal for 2026-01-25
# of DAY_RECORDS records (default 1000000).  The clock is
# 2026-01-25T20:00:00+08:00 ($NOW below); TZ is Asia/Shanghai.
set -eu

BUILD=${1:?usage: gen-state.sh BUILD HOME [PASSES] [CASES] [DAY_RECORDS]}
HOME_DIR=${2:?usage: gen-state.sh BUILD HOME [PASSES] [CASES] [DAY_RECORDS]}
PASSES=${3:-100000}
CASES=${4:-10000}
DAY=${5:-1000000}
HERE=$(cd "${0%/*}" && pwd)
BIN=$(cd "$BUILD/bin" && pwd)
NOW=2026-01-25T20:00:00+08:00
export CG_HOME="$HOME_DIR" LC_ALL=C.UTF-8 TZ=Asia/Shanghai

mkdir -p "$CG_HOME" && chmod 700 "$CG_HOME"
test -f "$CG_HOME/config.json" ||
	printf '%s\n' '{"compound":{"code":"BENCH-0001"},"policy":{"remeasure_wait_min":10}}' >"$CG_HOME/config.json"

people() {	# people COUNT SEED: person records
	python3 - "$1" "$2" "$HERE" <<'EOF'
import random, sys
sys.path.insert(0, sys.argv[3])
import importlib.util
spec = importlib.util.spec_from_file_location("ge", sys.argv[3] + "/gen-events.py")
ge = importlib.util.module_from_spec(spec); spec.loader.exec_module(ge)
rng = random.Random(int(sys.argv[2]))
seen = set()
out = []
n = int(sys.argv[1])
while len(out) < n:
    idn = ge.make_id(rng)
    if idn in seen:
        continue
    seen.add(idn)
    out.append('{"name":"%s","id_no":"%s","phone":"%s","household":"%s"}' % (
        ge.make_name(rng), idn, ge.make_phone(rng), ge.make_household(rng)))
sys.stdout.write("\n".join(out) + ("\n" if out else ""))
EOF
}

checks() {	# checks CASES_FILE: two checks a day for 14 days, in time order
	python3 - "$1" <<'EOF'
import json, sys
people = [json.loads(l) for l in open(sys.argv[1])]
for day in range(12, 26):
    for hh in ("07:30", "17:30"):
        ts = "2026-01-%02dT%s:00+08:00" % (day, hh)
        for p in people:
            print('{"ts":"%s","id_no":"%s","temp":36.5,"by":"bench"}' % (ts, p["id_no"]))
EOF
}

if [ "$PASSES" -gt 0 ]; then
	people "$PASSES" 1 | "$BIN/cg-pass" issue --now 2026-01-01T09:00:00+08:00 >/dev/null
fi
if [ "$CASES" -gt 0 ]; then
	people "$CASES" 2 >"$CG_HOME/.cases.jsonl"
	sed -e 's/}$/,"from":"武汉市","reason":"risk_area_return"}/' "$CG_HOME/.cases.jsonl" |
		"$BIN/cg-quarantine" open --now 2026-01-12T09:00:00+08:00 >/dev/null
	checks "$CG_HOME/.cases.jsonl" |
		"$BIN/cg-quarantine" check --now 2026-01-25T18:00:00+08:00 >/dev/null
	rm -f "$CG_HOME/.cases.jsonl"
fi
if [ "$DAY" -gt 0 ]; then
	python3 "$HERE/gen-events.py" -n "$DAY" --day 2026-01-25 --until 19:59 |
		"$BIN/cg-checkin" --now "$NOW" >/dev/null
fi
echo "$CG_HOME: $PASSES passes, $CASES cases, $DAY check-ins on 2026-01-25 (now $NOW)"
