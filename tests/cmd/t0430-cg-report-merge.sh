#!/bin/sh
test_description='cg-report --merge: the roll-up of many compounds, associative'
. "${0%/*}/../lib/test-lib.sh"
. "$SRC_DIR/tests/fixtures/report/lib.sh"

F=$REPORT_FIXTURES

# compound DIR CODE NAME: a data directory for another compound.
compound() {
	mkdir -p "$1" && chmod 700 "$1" &&
	printf '{"compound":{"code":"%s","name":"%s"},"gates":["north","south"],"policy":{"duty_hours":["08:00","20:00"]}}\n' \
		"$2" "$3" >"$1/config.json"
}

test_expect_success 'setup: the reports of three compounds' '
	compound a A-0001 甲小区 && compound b B-0002 乙小区 && compound c C-0003 丙小区 &&
	cg_report --home a --date 2026-01-25 "$F/day.jsonl" "$F/cases.jsonl" >A.json &&
	head -n 8 "$F/day.jsonl" | sed "s/DEMO-0001/B-0002/" >b.jsonl &&
	cg_report --home b --date 2026-01-25 b.jsonl "$F/passes.jsonl" >B.json &&
	printf "%s\n" "{\"ts\":\"2026-01-25T12:00:00+08:00\",\"gate\":\"gate1\",\"dir\":\"out\",\"kind\":\"staff\",\"name\":\"丙\",\"mask\":true,\"decision\":\"admit\",\"reasons\":[]}" >c.jsonl &&
	cg_report --home c --date 2026-01-25 c.jsonl >C.json
'

test_expect_success 'the sums, a row per compound, gates by compound' '
	cat A.json B.json C.json | cg_report --merge >ABC.json &&
	test_line_count = 1 ABC.json &&
	test "$(rq "[.merged, .compound.count, .date, .since, .until] | @tsv" ABC.json)" = \
		"$(printf "true\t3\t2026-01-25\t2026-01-25\t2026-01-25")" &&
	for k in events in out admit deny refer; do
		test "$(jq -s "map(.totals.$k) | add" A.json B.json C.json)" = "$(rq .totals.$k ABC.json)" || return 1
	done &&
	test "$(rq .totals.events ABC.json)" = 24 &&
	rq ".compounds[] | [.code, .name, .events, .fevers, .cases_open, .longest_gap_min, .verified] | @tsv" ABC.json >actual &&
	cat >expect <<-EOF &&
	A-0001	甲小区	15	2	3	540	true
	B-0002	乙小区	8	2	0	720	true
	C-0003	丙小区	1	0	0	720	true
	EOF
	test_cmp expect actual &&
	test "$(rq ".gates | keys_unsorted | join(\",\")" ABC.json)" = \
		"A-0001/north,A-0001/south,B-0002/north,B-0002/south,C-0003/north,C-0003/south,C-0003/gate1" &&
	test "$(rq ".hours[\"A-0001/north\"].in[9]" ABC.json)" = 4
'

test_expect_success 'the lists and warnings say whose they are' '
	test "$(rq "[.fevers[].compound] | join(\",\")" ABC.json)" = "A-0001,A-0001,B-0002,B-0002" &&
	test "$(rq "[.warnings[] | select(.code == \"gate_unattended\") | .compound] | unique | join(\",\")" ABC.json)" = \
		"A-0001,B-0002,C-0003" &&
	test "$(rq "[.warnings | length] | .[0]" ABC.json)" = \
		"$(jq -s "map(.warnings | length) | add" A.json B.json C.json)" &&
	test "$(rq ".cases.list[0].compound" ABC.json)" = A-0001
'

test_expect_success 'sections summed: reasons, kinds, temperatures, visitors, cases, passes' '
	for f in ".reasons.fever" ".kinds.visitor" ".temperatures.measured" ".temperatures.counts[15]" \
		".visitors.count" ".visitors.overstay_count" ".cases.open" ".cases.missed_windows" \
		".passes.issued_total" ".passes.active.resident" ".unknown" ".outside"; do
		test "$(jq -s "map($f) | add" A.json B.json C.json)" = "$(rq "$f" ABC.json)" ||
			{ echo "$f differs" >&2; return 1; }
	done &&
	test "$(rq ".cases.by_day | length" ABC.json)" = 14
'

test_expect_success 'associative: merging merged reports gives the same report' '
	cat A.json B.json | cg_report --merge >AB.json &&
	cat AB.json C.json | cg_report --merge >AB_C.json &&
	cat B.json C.json | cg_report --merge >BC.json &&
	cat A.json BC.json | cg_report --merge >A_BC.json &&
	test_cmp ABC.json AB_C.json &&
	test_cmp ABC.json A_BC.json &&
	cg_report --merge ABC.json >again.json &&
	test_cmp ABC.json again.json
'

test_expect_success 'associative on other days and on damaged input too' '
	cg_report --home a --date 2026-01-24 "$F/day.jsonl" "$F/cases.jsonl" >A24.json &&
	cat A24.json A.json B.json | cg_report --merge >m1.json &&
	cat A24.json A.json | cg_report --merge >p.json &&
	cat p.json B.json | cg_report --merge >m2.json &&
	test_cmp m1.json m2.json &&
	test "$(rq "[has(\"date\"), .since, .until] | @tsv" m1.json)" = "$(printf "false\t2026-01-24\t2026-01-25")" &&
	test "$(rq ".cases.by_day | map(.date[5:]) | first + \" \" + last" m1.json)" = "01-12 01-25"
'

test_expect_success 'a line that is not a report is rejected, the others merged' '
	{ cat A.json && echo "{\"totals\":{}}" && echo "not json" && cat C.json; } >mixed.jsonl &&
	test_expect_code 1 cg_report --merge mixed.jsonl >out 2>err &&
	cat >expect <<-EOF &&
	cg-report: mixed.jsonl:2: not a report of cg-report
	cg-report: mixed.jsonl:3: invalid JSON at column 1: unexpected character
	EOF
	test_cmp expect err &&
	test "$(rq ".compound.count")" = 2
'

test_expect_success 'a compound twice for the same days is refused, not counted twice' '
	cat A.json B.json A.json >twice.jsonl &&
	test_expect_code 1 cg_report --merge twice.jsonl >out 2>err &&
	echo "cg-report: twice.jsonl:3: compound A-0001 is already in the roll-up for 2026-01-25 (the same report twice?)" >expect &&
	test_cmp expect err &&
	cat A.json B.json | cg_report --merge >AB.json &&
	test_cmp AB.json out &&
	cat AB.json A.json | test_expect_code 1 cg_report --merge >out 2>err &&
	grep -q "stdin:2: compound A-0001 is already in the roll-up" err &&
	cat A24.json A.json | cg_report --merge >out &&
	test "$(rq ".compound.count" out)" = 1 &&
	test "$(rq ".compounds[] | [.code, .since, .until, .days, (.dates | join(\",\"))] | @tsv" out)" = \
		"$(printf "A-0001\t2026-01-24\t2026-01-25\t2\t2026-01-24,2026-01-25")"
'

test_expect_success 'the policy is kept when all agree, left out when not' '
	test "$(rq ".policy.duty_hours | join(\"-\")" ABC.json)" = "08:00-20:00" &&
	compound d D-0004 丁小区 &&
	write_config "{\"policy\":{\"fever_threshold\":37.5}}" &&
	cg_report --date 2026-01-25 "$F/day.jsonl" >D.json &&
	cat A.json D.json | cg_report --merge >AD.json &&
	test "$(rq "has(\"policy\")" AD.json)" = false
'

test_expect_success 'nothing to merge: an empty roll-up' '
	cg_report --merge </dev/null >out &&
	test "$(rq "[.compound.count, .totals.events, (.compounds | length)] | @tsv")" = "$(printf "0\t0\t0")"
'

test_expect_success 'every format of a roll-up: the rows per compound' '
	cg_report --merge --format text ABC.json >out.txt &&
	grep -q "^Daily report (日报): 3 compounds, 2026-01-25$" out.txt &&
	grep -q "^Compounds$" out.txt &&
	grep -q "^  A-0001  甲小区  2026-01-25      15  12    3     5       2         4          2      3          540       4         9  yes$" out.txt &&
	grep -q "^  warning   gate unattended              C-0003    gate gate1 unattended 2 times, longest 12:00-20:00 (480 min): 08:00-12:00, 12:00-20:00$" out.txt &&
	grep -q "^  warning   records of another compound  A-0001    15 records of another compound (DEMO-0001)$" out.txt &&
	cg_report --merge --table compounds ABC.json >rows.csv &&
	test_line_count = 4 rows.csv &&
	head -n 1 rows.csv | grep -q "^code,name,since,until,days,events," &&
	cg_report --merge --format html ABC.json >out.html &&
	test "$(grep -c "<svg class=\"chart\"" out.html)" -eq 3 &&
	cg_report --merge --format md ABC.json | grep -q "^| B-0002 | 乙小区 | 2026-01-25 | 8 |"
'

test_expect_success '--merge takes no period options' '
	test_expect_code 2 cg-report --merge --date today A.json 2>err &&
	grep -q "merge takes no --date" err
'

test_reports_valid
test_done
