#!/bin/sh
test_description='cg-report: the fast path and the strict one agree on mutated input'
. "${0%/*}/../lib/test-lib.sh"
. "$SRC_DIR/tests/fixtures/report/lib.sh"

# Every cg_report call runs cg-report twice, with and without the fast scan
# (see tests/fixtures/report/lib.sh): same output, messages and status.
SAMPLE=$REPORT_FIXTURES/checkin-sample.jsonl

# mutate SEED COUNT FILE: COUNT mutations of the lines of FILE, one to
# three edits each: bytes replaced, runs deleted, snippets inserted, cuts.
mutate() {
	python3 - "$1" "$2" "$3" <<-\PY
	import random, sys
	rng = random.Random(int(sys.argv[1]))
	lines = [l.rstrip(b"\n") for l in open(sys.argv[3], "rb")]
	snippets = [b"\\u0041", b"\\n", b',"ts":1', b',"gate":"north"', b"[1,[2]]", b"{}",
	            b"1e5", b"-0", b"01", b"true", b"null", b',"reasons":["fever"]',
	            b'"temp":37.3,', "张".encode(), b"\\ud800", b"36.50", b"3.65e1",
	            b',"decision":"deny"', b',"temp":"36"', b',"id_no":"110101199003074515"',
	            b',"kind":"visitor"', b',"visit_until":"2026-01-25T23:00:00+08:00"',
	            b',"event":"open","case_id":"Q1"', b"\x00", b"\xff", b"\xc3"]
	out = sys.stdout.buffer
	for _ in range(int(sys.argv[2])):
	    b = bytearray(rng.choice(lines))
	    for _ in range(rng.choice((1, 1, 2, 3))):
	        at = rng.randrange(len(b) + 1)
	        op = rng.randrange(4)
	        if op == 0 and b:
	            b[rng.randrange(len(b))] = rng.choice(b'"\\{}[],: 09-.etnux')
	        elif op == 1:
	            del b[at:at + rng.randrange(1, 5)]
	        elif op == 2:
	            b[at:at] = rng.choice(snippets)
	        else:
	            b = b[:max(at, 1)]
	    out.write(bytes(b).replace(b"\n", b" ") + b"\n")
	PY
}

test_expect_success PYTHON 'mutated check-in lines from a file: the same report both ways' '
	mutate 1 3000 "$SAMPLE" >fuzz.jsonl &&
	cat "$SAMPLE" >>fuzz.jsonl &&
	test_expect_code 1 cg_report --date 2026-01-25 fuzz.jsonl >out 2>err &&
	test "$(rq .rejected)" -gt 100 &&
	test "$(rq .totals.events)" -gt 240 &&
	test "$(wc -l <err)" -eq "$(rq .rejected)"
'

test_expect_success PYTHON 'every format of that report, both ways' '
	for fmt in text csv md html; do
		test_expect_code 1 cg_report --date 2026-01-25 --format $fmt fuzz.jsonl >/dev/null 2>&1 || return 1
	done
'

test_expect_success PYTHON 'journals with a mutated line: the same damage found both ways' '
	mkdir -p "$CG_HOME/journal/checkin" && chmod -R 700 "$CG_HOME" &&
	damaged=0 &&
	for seed in 1 2 3 4 5 6 7 8 9 10 11 12; do
		n=$((seed * 19 % 240 + 1)) &&
		sed -n "${n}p" "$SAMPLE" >one &&
		mutate $seed 1 one >line &&
		{ head -n $((n - 1)) "$SAMPLE" && cat line && tail -n +$((n + 1)) "$SAMPLE"; } \
			>"$CG_HOME/journal/checkin/2026-01-25.jsonl" || return 1
		cg_report --date 2026-01-25 >out 2>err
		st=$?
		case $st in
		6) damaged=$((damaged + 1)) ;;
		0|1) ;;
		*) echo "seed $seed: exit $st" >&2; return 1 ;;
		esac
		test -s out || return 1
	done &&
	test $damaged -ge 10
'

test_reports_valid
test_done
