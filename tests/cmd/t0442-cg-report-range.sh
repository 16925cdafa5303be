#!/bin/sh
test_description='cg-report --since/--until: the days read through one pipeline, each as alone'
. "${0%/*}/../lib/test-lib.sh"
. "$SRC_DIR/tests/fixtures/report/lib.sh"

F=$REPORT_FIXTURES
J=journal/checkin
export CG_NOW=2026-01-24T21:00:00+08:00

# day DD: the fixture's records of its day (15) moved to 2026-01-DD,
# journaled on that day.
day() {
	grep "^{\"ts\":\"2026-01-25T" "$F/day.jsonl" | sed "s/2026-01-25T/2026-01-$1T/g" |
		CG_COMPRESS=wait CG_NOW=2026-01-$1T21:00:00+08:00 journal_append checkin >/dev/null
}

test_expect_success 'setup: five days, the finished ones compressed, none on the 21st' '
	write_config "{\"gates\":[\"north\",\"south\"]}" &&
	day 19 && day 20 && day 22 && day 23 && day 24 &&
	cg-checkin --compress &&
	test -f "$CG_HOME/$J/2026-01-23.jsonl.gz" &&
	test_line_count = 15 "$CG_HOME/$J/2026-01-24.jsonl"
'

# The figures that add up over days, of the report in FILE.
flows() {
	rq "[.totals.events, .totals.admit, .totals.deny, .totals.refer, .rejected] | @tsv" "$1"
}

test_expect_success 'a range counts what its days count alone, every journal listed in order' '
	for d in 19 20 21 22 23 24; do
		cg_report --date 2026-01-$d >d$d.json || return 1
	done &&
	cg_report --since 2026-01-19 --until 2026-01-24 >range.json &&
	test "$(rq "[.journals[].journal] | join(\",\")" range.json)" = \
		"$J/2026-01-19.jsonl.gz,$J/2026-01-20.jsonl.gz,$J/2026-01-22.jsonl.gz,$J/2026-01-23.jsonl.gz,$J/2026-01-24.jsonl" &&
	for d in 19 20 22 23 24; do
		test "$(rq ".journals[0] | tojson" d$d.json)" = \
			"$(rq ".journals[] | select(.journal | startswith(\"$J/2026-01-$d\")) | tojson" range.json)" ||
			return 1
	done &&
	cat d*.json | jq -s "[map(.totals.events), map(.totals.admit), map(.totals.deny), map(.totals.refer), map(.rejected)] | map(add) | @tsv" -r >expect &&
	flows range.json >actual &&
	test_cmp expect actual &&
	test "$(rq .totals.events range.json)" = 75
'

test_expect_success 'damage in a middle day: its lines and its journal told, the days after verified' '
	gunzip "$CG_HOME/$J/2026-01-22.jsonl.gz" &&
	sed -i -e "5s/\"temp\":36/\"temp\":35/" -e "7s/\"dir\":\"[a-z]*\"/\"dir\":\"up\"/" \
		"$CG_HOME/$J/2026-01-22.jsonl" &&
	test_expect_code 6 cg_report --since 2026-01-19 --until 2026-01-24 >out 2>err &&
	cat >expect <<-EOF &&
	cg-report: $J/2026-01-22.jsonl:5: journal damaged: chain mismatch (the line or one before it was edited)
	cg-report: $J/2026-01-22.jsonl:7: '"'"'dir'"'"' must be "in" or "out", not '"'"'up'"'"'
	EOF
	test_cmp expect err &&
	rq ".journals[] | [.journal, .records, .verified, .damaged_line // \"-\"] | @tsv" >actual &&
	cat >expect <<-EOF &&
	$J/2026-01-19.jsonl.gz	15	true	-
	$J/2026-01-20.jsonl.gz	15	true	-
	$J/2026-01-22.jsonl	14	false	5
	$J/2026-01-23.jsonl.gz	15	true	-
	$J/2026-01-24.jsonl	15	true	-
	EOF
	test_cmp expect actual &&
	test "$(rq "[.totals.events, .rejected] | @tsv")" = "$(printf "73\t1")"
'

test_expect_success '--strict stops at the damaged day with no report' '
	test_expect_code 1 cg_report --strict --since 2026-01-19 --until 2026-01-24 >out 2>err &&
	test ! -s out &&
	grep -q "$J/2026-01-22.jsonl:7: .dir. must be" err
'

test_expect_success 'a day that cannot be opened: a system error, exit 3, no report' '
	mv "$CG_HOME/$J/2026-01-23.jsonl.gz" 23.gz &&
	ln -s "$TRASH/23.gz" "$CG_HOME/$J/2026-01-23.jsonl.gz" &&
	test_expect_code 3 cg_report --since 2026-01-19 --until 2026-01-24 >out 2>err &&
	rm "$CG_HOME/$J/2026-01-23.jsonl.gz" && mv 23.gz "$CG_HOME/$J/2026-01-23.jsonl.gz" &&
	test ! -s out &&
	cat err &&
	grep -q "2026-01-23.jsonl" err
'

test_reports_valid
test_done
