#!/bin/sh
test_description='cg-report: duty coverage of the gates, at the boundaries'
. "${0%/*}/../lib/test-lib.sh"
. "$SRC_DIR/tests/fixtures/report/lib.sh"

# ev HH:MM:SS [DATE]: one admitted check-in at the north gate.
ev() {
	printf '{"ts":"%sT%s+08:00","gate":"north","dir":"in","kind":"resident","name":"张三","temp":36.5,"mask":true,"decision":"admit","reasons":[]}\n' \
		"${2:-2026-01-25}" "$1"
}

# gaps FILE: the gaps of the gate_unattended warnings as "from to gap".
gaps() {
	rq '.warnings[] | select(.code == "gate_unattended") | .gaps[] | "\(.from[11:19]) \(.to[11:19]) \(.gap_min)"' "$1"
}

test_expect_success 'setup: one gate, duty 08:00-20:00, at most 60 minutes without an event' '
	write_config "{\"gates\":[\"north\"],\"policy\":{\"duty_hours\":[\"08:00\",\"20:00\"],\"duty_gap_max_min\":60}}"
'

test_expect_success 'a gap of exactly the limit is no warning, one minute more is' '
	{
		ev 07:00:00 &&		# before duty: not looked at
		ev 09:00:00 &&		# 08:00 -> 09:00: 60 min from the start of duty
		ev 10:00:59 &&		# 60 min 59 s: 60 whole minutes
		ev 11:01:59 &&		# 61 min: a warning
		for h in 11:30 12:00 12:30 13:00 13:30 14:00 14:30 15:00 15:30 16:00 \
			16:30 17:00 17:30 18:00 18:30 19:00; do ev $h:00; done &&
		ev 21:00:00		# after duty
	} >day.jsonl &&
	cg_report --date 2026-01-25 day.jsonl >out &&
	gaps out >actual &&
	echo "10:00:59 11:01:59 61" >expect &&
	test_cmp expect actual &&
	test "$(rq ".gates.north | [.longest_gap_min, .longest_gap_from[11:19], .longest_gap_to[11:19]] | @tsv")" = \
		"$(printf "61\t10:00:59\t11:01:59")"
'

test_expect_success 'from the start of duty to the first event, and from the last to the end' '
	{
		ev 09:01:00 &&		# 61 min after 08:00
		for h in 09:30 10:00 10:30 11:00 11:30 12:00 12:30 13:00 13:30 14:00 14:30 \
			15:00 15:30 16:00 16:30 17:00 17:30 18:00 18:30; do ev $h:00; done &&
		ev 18:59:00		# 61 min before 20:00
	} >day.jsonl &&
	cg_report --date 2026-01-25 day.jsonl >out &&
	gaps out >actual &&
	printf "%s\n" "08:00:00 09:01:00 61" "18:59:00 20:00:00 61" >expect &&
	test_cmp expect actual
'

test_expect_success 'at the limit at both ends: no warning' '
	{
		ev 09:00:00 && ev 10:00:00 && ev 11:00:00 && ev 12:00:00 && ev 13:00:00 &&
		ev 14:00:00 && ev 15:00:00 && ev 16:00:00 && ev 17:00:00 && ev 18:00:00 &&
		ev 19:00:00
	} >day.jsonl &&
	cg_report --date 2026-01-25 day.jsonl >out &&
	gaps out >actual &&
	test ! -s actual &&
	test "$(rq ".gates.north.longest_gap_min")" = 60
'

test_expect_success 'the limit comes from the policy' '
	write_config "{\"gates\":[\"north\"],\"policy\":{\"duty_hours\":[\"08:00\",\"20:00\"],\"duty_gap_max_min\":59}}" &&
	cg_report --date 2026-01-25 day.jsonl >out &&
	test "$(gaps out | wc -l)" -eq 12 &&
	write_config "{\"gates\":[\"north\"],\"policy\":{\"duty_hours\":[\"08:00\",\"20:00\"],\"duty_gap_max_min\":60}}"
'

test_expect_success 'today: duty is looked at up to the clock, and the open gap is reported' '
	{ ev 08:10:00 && ev 09:00:00 && ev 12:30:00; } >day.jsonl &&
	cg_report --date today --now 2026-01-25T14:00:00+08:00 day.jsonl >out &&
	gaps out >actual &&
	printf "%s\n" "09:00:00 12:30:00 210" "12:30:00 14:00:00 90" >expect &&
	test_cmp expect actual &&
	cg_report --date today --now 2026-01-25T07:00:00+08:00 day.jsonl >out &&
	test "$(rq ".gates.north.longest_gap_min")" = null &&
	test -z "$(gaps out)"
'

test_expect_success 'a day after the clock has no duty time yet' '
	cg_report --date 2026-01-26 --now 2026-01-25T20:30:00+08:00 day.jsonl >out &&
	test "$(rq ".gates.north.longest_gap_min")" = null &&
	test "$(rq "[.warnings[].code] | join(\",\")")" = no_checkins
'

test_expect_success 'duty around the clock, no night: a gap over midnight is one gap' '
	write_config "{\"gates\":[\"north\"],\"policy\":{\"duty_hours\":[\"00:00\",\"24:00\"],\"night_hours\":[\"00:00\",\"00:00\"]}}" &&
	{
		for h in 00:00 01:00 02:00 03:00 04:00 05:00 06:00 07:00 08:00 09:00 10:00 11:00 \
			12:00 13:00 14:00 15:00 16:00 17:00 18:00 19:00 20:00 21:00 22:00 23:00 23:30; do
			ev $h:00 2026-01-24
		done &&
		for h in 00:40 01:30 02:30 03:30 04:30 05:30 06:30 07:30 08:30 09:30 10:30 11:30 \
			12:30 13:30 14:30 15:30 16:30 17:30 18:30 19:30 20:00; do
			ev $h:00 2026-01-25
		done
	} >days.jsonl &&
	cg_report --since 2026-01-24 --until 2026-01-25 days.jsonl >out &&
	rq ".warnings[] | select(.code == \"gate_unattended\") | \"\(.from[5:16]) \(.to[5:16]) \(.gap_min)\"" >actual &&
	echo "01-24T23:30 01-25T00:40 70" >expect &&
	test_cmp expect actual &&
	test "$(rq ".gates.north.longest_gap_min")" = 70
'

test_expect_success 'the night: a quiet hour is no warning, a quiet evening or whole night is' '
	write_config "{\"gates\":[\"north\"],\"policy\":{\"duty_hours\":[\"00:00\",\"24:00\"],\"night_hours\":[\"23:00\",\"06:00\"],\"night_gap_max_min\":420}}" &&
	cg_report --since 2026-01-24 --until 2026-01-25 days.jsonl >out &&
	test -z "$(gaps out)" &&
	test "$(rq ".policy | [.night_hours[0], .night_hours[1], .night_gap_max_min] | @tsv")" = \
		"$(printf "23:00\t06:00\t420")" &&
	{
		ev 20:00:00 2026-01-24 &&	# 20:00 -> 23:30: 180 min before the night
		ev 23:30:00 2026-01-24 &&	# 23:30 -> 06:10: 400 min, 390 at night
		ev 06:10:00 2026-01-25 &&
		ev 06:50:00 2026-01-25 &&
		for h in 07:30 08:30 09:30 10:30 11:30 12:30 13:30 14:30 15:30 16:30 17:30 \
			18:30 19:30 20:30 21:30 22:30; do ev $h:00 2026-01-25; done &&
		ev 05:59:00 2026-01-26		# 22:30 -> 05:59: 449 min, the whole night
	} >nights.jsonl &&
	cg_report --since 2026-01-24 --until 2026-01-26 --now 2026-01-26T12:00:00+08:00 nights.jsonl >out &&
	rq ".warnings[] | select(.code == \"gate_unattended\") | .gaps[] | \"\(.from[5:16]) \(.to[5:16]) \(.gap_min)\"" >actual &&
	cat >expect <<-EOF &&
	01-24T00:00 01-24T20:00 1200
	01-24T20:00 01-24T23:30 210
	01-25T22:30 01-26T05:59 449
	01-26T05:59 01-26T12:00 361
	EOF
	test_cmp expect actual
'

test_expect_success 'a gate has its own duty hours and night limit (policy.gate_duty)' '
	write_config "{\"gates\":[\"north\"],\"policy\":{\"duty_hours\":[\"00:00\",\"24:00\"],\"gate_duty\":{\"north\":{\"duty_hours\":[\"06:00\",\"22:00\"],\"duty_gap_max_min\":240}}}}" &&
	cg_report --date 2026-01-25 nights.jsonl >out &&
	test -z "$(gaps out)" &&
	test "$(rq ".gates.north.longest_gap_min")" = 60 &&
	write_config "{\"gates\":[\"north\"],\"policy\":{\"gate_duty\":{\"north\":{\"night_gap_max_min\":360,\"night_hours\":[\"22:00\",\"07:00\"]}}}}" &&
	cg_report --date 2026-01-25 nights.jsonl >out &&
	test "$(gaps out)" = "00:00:00 06:10:00 370" &&
	write_config "{\"gates\":[\"north\"],\"policy\":{\"gate_duty\":{\"north\":{\"night_gap_max_min\":0}}}}" &&
	test_must_fail cg-report --date 2026-01-25 nights.jsonl 2>err &&
	grep "policy.gate_duty.north" err
'

test_expect_success 'a gate of the configuration with no event is unattended all duty long' '
	write_config "{\"gates\":[\"north\",\"west\"],\"policy\":{\"duty_hours\":[\"06:00\",\"22:00\"]}}" &&
	cg_report --date 2026-01-25 days.jsonl >out &&
	test "$(rq ".warnings[] | select(.gate == \"west\") | \"\(.from[11:16]) \(.to[11:16]) \(.gap_min)\"")" = \
		"06:00 20:30 870" &&
	test "$(rq ".gates.west.longest_gap_min")" = 870
'

test_expect_success 'a gate seen only in the records is looked at too' '
	sed "s/\"north\"/\"side\"/" days.jsonl >side.jsonl &&
	cg_report --date 2026-01-25 side.jsonl >out &&
	test "$(rq ".gates | keys_unsorted | join(\",\")")" = "north,west,side" &&
	test "$(rq ".gates.side.longest_gap_min")" = 60
'

test_reports_valid
test_done
