#!/bin/sh
test_description='cg-checkin: the household exit quota across runs, days and the terminal'
. "${0%/*}/../lib/test-lib.sh"

# The rule itself, event by event, is in tests/cases/cg-checkin-exit-quota.cases;
# here the exits come from earlier runs' journals, plain and compressed.

TAB=$(printf '\t')

out() { # out TIME NAME [HOUSEHOLD]
	printf '{"ts":"%s","gate":"north","dir":"out","kind":"resident","name":"%s","household":"%s","temp":36.5,"mask":true}\n' \
		"$1" "$2" "${3:-3-2-501}"
}

test_expect_success 'setup: one exit per household every two days' '
	mkdir -p "$CG_HOME" && chmod 700 "$CG_HOME" &&
	echo "{\"policy\":{\"exit_quota\":{\"persons\":1,\"days\":2,\"hours\":3}}}" >"$CG_HOME/config.json"
'

test_expect_success 'an exit journaled two days ago, in a compressed day, still counts' '
	out 2026-01-23T20:00:00+08:00 张三 | cg-checkin --now 2026-01-23T20:00:00+08:00 >d1 &&
	test "$(jq -r .decision d1)" = admit &&
	out 2026-01-24T09:00:00+08:00 王五 5-1-101 | cg-checkin --now 2026-01-24T09:00:00+08:00 >d2 &&
	test "$(jq -r .decision d2)" = admit &&
	test -f "$CG_HOME/journal/checkin/2026-01-23.jsonl.gz" &&
	out 2026-01-25T08:00:00+08:00 张丽 | cg-checkin --now 2026-01-25T08:00:00+08:00 >d3 &&
	test "$(jq -r ".decision + \" \" + (.reasons|join(\",\")) + \" \" + .next_exit" d3)" = \
		"deny exit_quota 2026-01-25T20:00:00+08:00"
'

test_expect_success 'the refused exit did not count; at the end of the window the household goes out' '
	out 2026-01-25T20:00:00+08:00 张丽 | cg-checkin --now 2026-01-25T20:00:00+08:00 >d4 &&
	test "$(jq -r .decision d4)" = admit &&
	out 2026-01-25T21:00:00+08:00 王六 5-1-101 | cg-checkin --now 2026-01-25T21:00:00+08:00 >d5 &&
	test "$(jq -r .next_exit d5)" = 2026-01-26T09:00:00+08:00 &&
	out 2026-01-26T09:00:00+08:00 王六 5-1-101 | cg-checkin --now 2026-01-26T09:00:00+08:00 >d5 &&
	test "$(jq -r .decision d5)" = admit
'

test_expect_success 'exits older than the window are not read as counting' '
	out 2026-01-27T20:00:00+08:00 张三 | cg-checkin --now 2026-01-27T20:00:00+08:00 >d6 &&
	test "$(jq -r .decision d6)" = admit
'

test_expect_success 'with the quota on, a damaged journal within the window stops the run (exit 6)' '
	mkdir -p home2 && chmod 700 home2 && cp "$CG_HOME/config.json" home2/ &&
	out 2026-01-26T10:00:00+08:00 赵六 6-1-101 |
		CG_HOME=$PWD/home2 cg-checkin --now 2026-01-26T10:00:00+08:00 >d7 &&
	sed -i "s/赵六/赵七/" home2/journal/checkin/2026-01-26.jsonl &&
	test_expect_code 6 env CG_HOME=$PWD/home2 cg-checkin --now 2026-01-27T09:00:00+08:00 </dev/null 2>err &&
	grep -q "2026-01-26.jsonl:1:" err &&
	echo "{\"policy\":{\"exit_quota\":{\"persons\":0}}}" >home2/config.json &&
	CG_HOME=$PWD/home2 cg-checkin --now 2026-01-27T09:00:00+08:00 </dev/null
'

test_expect_success PYTHON '--ask: going out under the quota, the household must be given' '
	cat >script <<-EOF &&
	Direction${TAB}o${TAB}keys
	Pass or QR${TAB}13812348000
	Kind${TAB}r${TAB}keys
	Name${TAB}孙八
	Household${TAB}
	an answer is needed${TAB}7-3-302
	Coming from${TAB}
	Temperature${TAB}
	Direction${TAB}o${TAB}keys
	Pass or QR${TAB}13812348001
	Kind${TAB}r${TAB}keys
	Name${TAB}孙九
	Household${TAB}7-3-302
	Coming from${TAB}
	Temperature${TAB}
	Direction${TAB}^D
	EOF
	python3 "$SRC_DIR/tests/lib/ptyrun.py" script screen \
		cg-checkin --ask --gate north --now 2026-01-28T09:00:00+08:00 >records &&
	test "$(jq -r .decision records | tr "\n" " ")" = "admit deny " &&
	grep -q "next exit allowed from 2026-01-30T09:00:00+08:00" screen
'

test_done
