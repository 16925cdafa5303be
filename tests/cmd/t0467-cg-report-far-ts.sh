#!/bin/sh
test_description='cg-report: a record whose ts is years away walks nothing (issue 14)'
. "${0%/*}/../lib/test-lib.sh"
. "$SRC_DIR/tests/fixtures/report/lib.sh"

# One line dated 0816 or 2926 once made the report walk every day in
# between (the duty gaps, calling mktime for each): minutes of CPU, and a
# gap of eleven centuries.  Every run here is guarded by a timeout: the
# report takes milliseconds, the old code minutes.

# ev DATE HH:MM [NAME]: an admitted check-in at the north gate.
ev() {
	printf '{"ts":"%sT%s:00+08:00","gate":"north","dir":"in","kind":"resident","name":"%s","temp":36.5,"mask":true,"decision":"admit","reasons":[]}\n' \
		"$1" "$2" "${3:-张三}"
}

# guard ARGS...: cg-report within 20 s (a hang fails, it does not wait).
guard() {
	timeout 20 cg-report "$@" <"${GUARD_IN:-/dev/null}" >/dev/null 2>&1
	test $? -ne 124
}

# strays [FILE]: the ts_outside_period warning as "severity count", then
# its records as "line day count".
strays() {
	rq '.warnings[] | select(.code == "ts_outside_period") | "\(.severity) \(.count)", (.records[] | "\(.line) \(.day) \(.count)")' "${1:-out}"
}

test_expect_success 'setup: a gate with 24-hour duty, and a day of records with strays' '
	write_config "{\"compound\":{\"code\":\"C1\",\"name\":\"一小区\"},\"gates\":[\"north\"],\"policy\":{\"duty_gap_max_min\":120}}" &&
	{
		ev 2026-01-25 08:00 &&
		ev 0816-01-25 10:00 李四 &&
		ev 2026-01-25 09:00 &&
		ev 2926-01-25 10:00 王五 &&
		ev 2025-12-25 10:00 &&
		ev 2926-01-25 11:00 王五 &&
		ev 2026-01-25 10:00
	} >day.jsonl
'

test_expect_success 'standard input: the period is the run of days holding the records' '
	GUARD_IN=day.jsonl guard - &&
	cg_report - <day.jsonl >out 2>err &&
	test "$(rq "[.since, .until, .totals.events, .outside] | @tsv")" = \
		"$(printf "2025-12-25\t2026-01-25\t7\t0")" &&
	strays >actual &&
	cat >expect <<-\EOF &&
	warning 3
	stdin:2 0816-01-25 1
	stdin:4 2926-01-25 2
	EOF
	test_cmp expect actual &&
	cat >expect <<-\EOF &&
	cg-report: warning: stdin:2: ts outside the report'"'"'s period (0816-01-25)
	cg-report: warning: stdin:4: ts outside the report'"'"'s period (2926-01-25)
	EOF
	test_cmp expect err
'

test_expect_success 'no gap is stretched to the strays: the period ends at the clock' '
	cg_report day.jsonl >out 2>/dev/null &&
	rq ".warnings[] | select(.code == \"gate_unattended\") | .gaps[] | \"\(.from) \(.to)\"" >gaps &&
	test "$(tail -n 1 gaps)" = "2026-01-25T10:00:00+08:00 2026-01-25T20:30:00+08:00" &&
	! grep -e "^0816" -e "2926-" gaps &&
	test "$(rq ".gates.north.longest_gap_min")" -lt $((32 * 1440))
'

test_expect_success 'a stray alone beside the day: the day is the period, the stray is named' '
	{ ev 0816-01-25 10:00 && ev 2026-01-25 09:00 && ev 2926-01-25 10:00; } >three.jsonl &&
	guard three.jsonl &&
	cg_report three.jsonl >out 2>/dev/null &&
	test "$(rq "[.since, .until, .totals.events] | @tsv")" = "$(printf "2026-01-25\t2026-01-25\t3")" &&
	strays >actual &&
	printf "%s\n" "warning 2" "three.jsonl:1 0816-01-25 1" "three.jsonl:3 2926-01-25 1" >expect &&
	test_cmp expect actual
'

test_expect_success 'records years apart, most on the far side: the far side is the period' '
	{ ev 2016-01-25 10:00 && ev 2026-01-24 09:00 && ev 2026-01-24 10:00; } >far.jsonl &&
	cg_report far.jsonl >out 2>/dev/null &&
	test "$(rq "[.since, .until] | @tsv")" = "$(printf "2026-01-24\t2026-01-24")" &&
	test "$(strays | head -n 1)" = "warning 1"
'

test_expect_success 'a period of records without strays has no warning (and --date none)' '
	{ ev 2026-01-20 09:00 && ev 2026-01-25 09:00; } >week.jsonl &&
	cg_report week.jsonl >out &&
	test "$(rq "[.since, .until] | @tsv")" = "$(printf "2026-01-20\t2026-01-25")" &&
	test -z "$(strays)" &&
	cg_report --date 2026-01-25 day.jsonl >out &&
	test "$(rq "[.totals.events, .outside] | @tsv")" = "$(printf "3\t4")" &&
	test -z "$(strays)"
'

test_expect_success 'a day'"'"'s journal with strays: counted outside, named, nothing walked' '
	rm -rf "$CG_HOME/journal" &&
	for d in 2026-01-25T08:00 0816-01-25T10:00 2926-01-25T10:00 2025-12-25T10:00 \
		2026-02-25T10:00 2026-01-25T10:00; do
		printf "{\"ts\":\"%s:00+08:00\",\"gate\":\"north\",\"dir\":\"in\",\"kind\":\"resident\",\"name\":\"张三\",\"temp\":36.5,\"mask\":true}\n" "$d" ||
			return 1
	done | cg-checkin --now 2026-01-25T10:30:00+08:00 >/dev/null &&
	guard --date 2026-01-25 &&
	cg_report --date 2026-01-25 >out 2>err &&
	test "$(rq "[.totals.events, .outside] | @tsv")" = "$(printf "2\t4")" &&
	strays >actual &&
	cat >expect <<-\EOF &&
	warning 3
	journal/checkin/2026-01-25.jsonl:2 0816-01-25 1
	journal/checkin/2026-01-25.jsonl:3 2926-01-25 1
	journal/checkin/2026-01-25.jsonl:5 2026-02-25 1
	EOF
	test_cmp expect actual &&
	test "$(grep -c "ts outside the report'"'"'s period" err)" = 3 &&
	test "$(rq ".gates.north.longest_gap_min")" -lt 1440
'

test_expect_success 'the month-old record of the journal is its own day'"'"'s (a back-fill)' '
	cg_report --date 2025-12-25 >out 2>err &&
	test "$(rq "[.totals.events, .outside] | @tsv")" = "$(printf "1\t0")" &&
	test -z "$(strays)"
'

test_expect_success 'a report of a day in 0816 looks through the days there are, not every day since' '
	guard --date 0816-01-25 &&
	cg_report --date 0816-01-25 >out 2>err &&
	test "$(rq "[.since, .totals.events, .outside] | @tsv")" = "$(printf "0816-01-25\t1\t0")"
'

test_expect_success 'text: the warning and its lines; zh_CN has a label for the code' '
	cg_report --format text three.jsonl >out.txt 2>/dev/null &&
	grep -q "^  warning   record outside the period  2 records whose ts is outside the report'"'"'s period: three.jsonl:1 (0816-01-25), three.jsonl:3 (2926-01-25)$" out.txt &&
	LANGUAGE=zh_CN LC_ALL=zh_CN.UTF-8 cg_report --format text three.jsonl >zh.txt 2>/dev/null &&
	grep -q "^  警告  时间超出报表时段的记录  2 条记录的时间（ts）不在报表时段内：three.jsonl:1 (0816-01-25), three.jsonl:3 (2926-01-25)$" zh.txt &&
	! grep -w -q ts_outside_period zh.txt
'

test_expect_success 'a case whose start and end are centuries apart: the period'"'"'s windows only' '
	{
		printf "{\"ts\":\"2026-01-24T08:00:00+08:00\",\"event\":\"open\",\"case_id\":\"Q1\",\"name\":\"李四\",\"household\":\"1-1-101\",\"start\":\"0816-01-01\",\"end\":\"2926-01-01\"}\n" &&
		ev 2026-01-25 08:00
	} >case.jsonl &&
	GUARD_IN=case.jsonl guard --date 2026-01-25 - &&
	cg_report --date 2026-01-25 case.jsonl >out &&
	test "$(rq "[.cases.open, .cases.missed_windows, .cases.followup.missed] | @tsv")" = "$(printf "1\t2\t1")" &&
	cg_report --since 2026-01-20 --until 2026-01-25 case.jsonl >out &&
	test "$(rq "[.cases.missed_windows, .cases.list[0].missed, .cases.list[0].start] | @tsv")" = \
		"$(printf "4\t4\t0816-01-01")"
'

test_expect_success 'a roll-up keeps the warning, with its compound' '
	cg_report three.jsonl >r.json 2>/dev/null &&
	cg_report --merge r.json >out &&
	rq ".warnings[] | select(.code == \"ts_outside_period\") | [.compound, .count, .records[0].line] | @tsv" >actual &&
	printf "C1\t2\tthree.jsonl:1\n" >expect &&
	test_cmp expect actual
'

test_expect_success 'every JSON report of this script validates against report.schema.json' '
	check_schema "$TRASH/reports.jsonl"
'

test_done
