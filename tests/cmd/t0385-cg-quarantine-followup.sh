#!/bin/sh
test_description='cg-quarantine: lost to follow-up, re-exposure, stats per day, the same figures in cg-report'
. "${0%/*}/../lib/test-lib.sh"

# Three cases opened on D1 (14 days, to 2026-03-14), released on D15:
#   甲 checked in both windows on D1, nothing on D2-D4, the morning of D5
#   乙 checked in both windows every day
#   丙 the same, except nothing at all on D3
NOW=2026-03-15T10:00:00+08:00

check() { # NAME DAY HH
	printf '{"name":"%s","household":"%s","temp":36.5,"ts":"2026-03-%sT%s:00:00+08:00"}\n' \
		"$1" "$(hh_of "$1")" "$2" "$3"
}
hh_of() {
	case $1 in 甲) echo 1-1-101 ;; 乙) echo 1-1-102 ;; 丙) echo 1-1-103 ;; esac
}

test_expect_success 'setup: three cases, their checks, two releases' '
	for p in 甲 乙 丙; do
		echo "{\"name\":\"$p\",\"household\":\"$(hh_of $p)\",\"reason\":\"close_contact\"}" || return 1
	done | cg-quarantine open --now 2026-03-01T05:00:00+08:00 >/dev/null &&
	{ check 甲 01 07 && check 甲 01 17 && check 甲 05 07 &&
	  for d in 01 02 03 04 05 06 07 08 09 10 11 12 13 14; do
		check 乙 $d 07 && check 乙 $d 17 &&
		if test $d != 03; then check 丙 $d 07 && check 丙 $d 17; fi || return 1
	  done; } >checks &&
	cg-quarantine check --now $NOW <checks >/dev/null &&
	cg-quarantine release --now 2026-03-15T09:00:00+08:00 >released &&
	test "$(jq -r .name released | tr "\n" " ")" = "乙 丙 "
'

test_expect_success 'due: lost to follow-up on the third day without a check, not after the next check' '
	for d in 02 03 04 05; do
		cg-quarantine due --now $NOW --date 2026-03-$d |
			jq -r "select(.name == \"甲\") | [.date, .days_not_seen, .lost] | @tsv" || return 1
	done >actual &&
	printf "2026-03-02\t1\tfalse\n2026-03-03\t2\tfalse\n2026-03-04\t3\ttrue\n2026-03-05\t0\tfalse\n" >expect &&
	test_cmp expect actual &&
	cg-quarantine due --now $NOW | jq -r "[.name, .days_not_seen, .lost] | @tsv" >actual &&
	printf "甲\t10\ttrue\n" >expect &&
	test_cmp expect actual
'

test_expect_success 'lost follows quarantine.lost_after_days' '
	echo "{\"quarantine\":{\"lost_after_days\":2}}" >"$CG_HOME/config.json" &&
	test "$(cg-quarantine due --now $NOW --date 2026-03-03 | jq -r "select(.name == \"甲\") | .lost")" = true &&
	rm "$CG_HOME/config.json"
'

cat >expect.stats <<\EOF
{"date":"2026-03-01","open":3,"followed":3,"missed":0,"lost":0,"released":0,"released_followed":0,"shares":{"followed":1.0,"missed":0.0,"lost":0.0,"released_followed":null}}
{"date":"2026-03-02","open":3,"followed":2,"missed":1,"lost":0,"released":0,"released_followed":0,"shares":{"followed":0.667,"missed":0.333,"lost":0.0,"released_followed":null}}
{"date":"2026-03-03","open":3,"followed":1,"missed":2,"lost":0,"released":0,"released_followed":0,"shares":{"followed":0.333,"missed":0.667,"lost":0.0,"released_followed":null}}
{"date":"2026-03-04","open":3,"followed":2,"missed":1,"lost":1,"released":0,"released_followed":0,"shares":{"followed":0.667,"missed":0.333,"lost":0.333,"released_followed":null}}
{"date":"2026-03-05","open":3,"followed":2,"missed":1,"lost":0,"released":0,"released_followed":0,"shares":{"followed":0.667,"missed":0.333,"lost":0.0,"released_followed":null}}
EOF

test_expect_success 'stats --since/--until: one record a day, counts and shares' '
	cg-quarantine stats --now $NOW --since 2026-03-01 --until 2026-03-05 >actual &&
	test_cmp expect.stats actual &&
	cg-quarantine stats --now $NOW --date 2026-03-04 >actual &&
	sed -n 4p expect.stats >expect &&
	test_cmp expect actual
'

test_expect_success 'stats on the day of the releases: one followed every day, one not (丙 missed D3)' '
	cg-quarantine stats --now $NOW >actual &&
	echo "{\"date\":\"2026-03-15\",\"open\":1,\"followed\":1,\"missed\":0,\"lost\":1,\"released\":2,\"released_followed\":1,\"shares\":{\"followed\":1.0,\"missed\":0.0,\"lost\":1.0,\"released_followed\":0.5}}" >expect &&
	test_cmp expect actual
'

test_expect_success 'stats --format text: a table, shares in per cent, aligned in Chinese too' '
	LANGUAGE=zh_CN LC_ALL=zh_CN.UTF-8 cg-quarantine stats --now $NOW --since 2026-03-03 \
		--until 2026-03-04 --format text >zh &&
	head -n 1 zh | grep -q "^日期 " &&
	test "$(sed -n 2p zh | wc -c)" = "$(sed -n 3p zh | wc -c)" &&
	cg-quarantine stats --now $NOW --since 2026-03-03 --until 2026-03-04 --format txt >actual &&
	cat >expect <<-\EOF &&
	date        open  followed       missed       lost       released  followed all
	2026-03-03     3         1  33%       2  67%     0   0%         0             0  -
	2026-03-04     3         2  67%       1  33%     1  33%         0             0  -
	EOF
	test_cmp expect actual
'

test_expect_success 'cg-report carries the same follow-up figures' '
	for d in 2026-03-04 2026-03-15; do
		cg-report --now $NOW --date $d --format json >rep &&
		jq -c ".cases.followup | [.followed, .missed, .lost, .released, .released_followed]" rep >r &&
		cg-quarantine stats --now $NOW --date $d |
			jq -c "[.followed, .missed, .lost, .released, .released_followed]" >s &&
		test_cmp s r || return 1
	done
'

test_expect_success 'stats: usage errors (dates, a period in the future, both forms)' '
	test_expect_code 2 cg-quarantine stats --now $NOW --date 2026-03-16 2>err &&
	grep -q "^cg-quarantine: --date 2026-03-16 is after today (2026-03-15): nothing to count yet$" err &&
	test_expect_code 2 cg-quarantine stats --now $NOW --since 2026-03-10 --until 2026-03-16 2>err &&
	test_expect_code 2 cg-quarantine stats --now $NOW --since 2026-03-10 --until 2026-03-09 2>err &&
	grep -q "since 2026-03-10 is after --until" err &&
	test_expect_code 2 cg-quarantine stats --now $NOW --since x 2>err &&
	grep -q "invalid date .x. for --since" err &&
	test_expect_code 2 cg-quarantine stats --now $NOW --date 2026-03-01 --since 2026-03-01 2>err &&
	test_expect_code 2 cg-quarantine stats --now $NOW --until 2026-03-01 2>err &&
	test_expect_code 2 cg-quarantine stats --now $NOW --format csv 2>err
'

test_expect_success 're-exposure: a later start moves the end later and says so; never earlier' '
	CG_HOME=$TRASH/re && export CG_HOME &&
	echo "{\"name\":\"丁\",\"id_no\":\"110101198001010010\",\"reason\":\"close_contact\"}" |
		cg-quarantine open --now 2026-03-01T08:00:00+08:00 >/dev/null &&
	echo "{\"name\":\"丁\",\"id_no\":\"110101198001010010\",\"reason\":\"close_contact\",\"start\":\"2026-03-05\"}" |
		cg-quarantine open --now 2026-03-05T08:00:00+08:00 >out 2>err &&
	test "$(jq -c "[.event, .case_id, .days, .end, .previous_end, .reexposure]" out)" = \
		"[\"extend\",\"Q260301-001\",18,\"2026-03-18\",\"2026-03-14\",\"2026-03-05\"]" &&
	grep -q "^cg-quarantine: warning: stdin:1: re-exposure on 2026-03-05: case .Q260301-001. now ends on 2026-03-18, not 2026-03-14$" err &&
	echo "{\"name\":\"丁\",\"id_no\":\"110101198001010010\",\"reason\":\"close_contact\",\"start\":\"2026-03-03\"}" |
		cg-quarantine open --now 2026-03-06T08:00:00+08:00 >out 2>err &&
	test "$(jq -c "[.case_id, .end, .existing]" out)" = "[\"Q260301-001\",\"2026-03-18\",true]" &&
	grep -q "re-exposure on 2026-03-03: case .Q260301-001. still ends on 2026-03-18 (an end never moves earlier)$" err &&
	cg-quarantine list --now 2026-03-06T09:00:00+08:00 | jq -r "[.end, .days] | @tsv" >actual &&
	printf "2026-03-18\t18\n" >expect &&
	test_cmp expect actual
'

test_done
