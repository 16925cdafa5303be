#!/bin/sh
test_description='cg-report --merge: seven daily reports add up to the week, figure by figure'
. "${0%/*}/../lib/test-lib.sh"
. "$SRC_DIR/tests/fixtures/report/lib.sh"

# week.jsonl: one compound from 2026-01-19 to 01-25, hand-built (readings
# at and above 37.3, a person read twice, a visitor who left late, cases
# opened, checked, escalated and released, passes issued and revoked).
WEEK=$REPORT_FIXTURES/week.jsonl
CG_NOW=2026-01-26T08:00:00+08:00
export CG_NOW

# compound DIR CODE NAME
compound() {
	mkdir -p "$1" && chmod 700 "$1" &&
	printf '{"compound":{"code":"%s","name":"%s"},"gates":["north","south"],"policy":{"duty_hours":["08:00","20:00"]}}\n' \
		"$2" "$3" >"$1/config.json"
}

# days DIR CODE: the seven daily reports of DIR's compound in DIR/D*.json,
# each from the check-ins of its day and every pass and case event (the
# journals a compound keeps), and the week's report in DIR/week.json.
days() {
	sed "s/\"W-0001\"/\"$2\"/" "$WEEK" >"$1/all.jsonl" &&
	grep -v "\"decision\"" "$1/all.jsonl" >"$1/events.jsonl" &&
	for d in 19 20 21 22 23 24 25; do
		grep "\"decision\"" "$1/all.jsonl" | grep "^{\"ts\":\"2026-01-${d}T" >"$1/checkins.jsonl" &&
		cg_report --home "$1" --date 2026-01-$d "$1/checkins.jsonl" "$1/events.jsonl" \
			>"$1/D$d.json" || return 1
	done &&
	cg_report --home "$1" --since 2026-01-19 --until 2026-01-25 "$1/all.jsonl" >"$1/week.json"
}

# figures FILE: the figures of a report, gates and hours by gate name
# without the compound, lists by what identifies their entries, in time
# order (a roll-up lists in the order its reports came).
figures() {
	jq -S '
	def by_gate: with_entries(.key |= sub("^[^/]*/"; ""));
	{totals, kinds, reasons, temperatures, fever,
	 gates: (.gates | by_gate | map_values({in, out, admit, deny, refer, reasons, first, last, longest_gap_min})),
	 hours: (.hours | by_gate),
	 fevers: (.fevers | map({ts, gate, temp, decision}) | sort_by(.ts)),
	 denials: (.denials | map({ts, gate, decision}) | sort_by(.ts)),
	 visitors: (.visitors | del(.overstays)),
	 overstays: (.visitors.overstays | map({ts, visit_until, out}) | sort_by(.ts)),
	 cases: (.cases | del(.list)),
	 case_list: (.cases.list | map({case_id, status, start, "end": .end, needs_open, ending_tomorrow}) | sort_by(.case_id)),
	 passes, unknown, rejected, outside}' "$1"
}

test_expect_success 'setup: a week of two compounds, day by day and whole' '
	compound w W-0001 周小区 && days w W-0001 &&
	compound v V-0002 维小区 && days v V-0002
'

test_expect_success 'the week has the known answers' '
	test "$(rq "[.totals.events, .fever.persons, .fever.readings, .fever.decisions] | @tsv" w/week.json)" = \
		"$(printf "137\t2\t3\t2")" &&
	test "$(rq "[.cases.open, .cases.opened, .cases.escalated, .cases.released] | @tsv" w/week.json)" = \
		"$(printf "2\t2\t1\t2")" &&
	test "$(rq "[.passes.issued_total, .passes.revoked, .passes.active_total] | @tsv" w/week.json)" = \
		"$(printf "4\t1\t3")" &&
	test "$(rq "[.visitors.count, .visitors.out, .visitors.inside, .visitors.overstay_count] | @tsv" w/week.json)" = \
		"$(printf "7\t7\t0\t1")"
'

test_expect_success 'follow-up: seen in every window, missed, lost, released and followed every day' '
	test "$(rq ".cases.followup | [.followed, .missed, .lost, .released, .released_followed] | @tsv" w/week.json)" = \
		"$(printf "1\t1\t0\t2\t1")" &&
	test "$(rq ".cases.followup | [.followed, .missed, .lost] | @tsv" w/D23.json)" = "$(printf "3\t0\t0")" &&
	cg_report --home w --date 2026-01-27 --now 2026-01-28T08:00:00+08:00 w/all.jsonl >out &&
	test "$(rq ".cases.followup | [.followed, .missed, .lost] | @tsv")" = "$(printf "0\t2\t1")" &&
	test "$(rq ".warnings[] | select(.code == \"lost_to_followup\") | [.severity, .count, .days] | @tsv")" = \
		"$(printf "warning\t1\t3")" &&
	cg_report --home w --format text --date 2026-01-27 --now 2026-01-28T08:00:00+08:00 w/all.jsonl >out.txt &&
	grep -q "lost to follow-up 1; released 0, followed every day 0 (-)" out.txt &&
	cg_report --home w --format text --since 2026-01-19 --until 2026-01-25 w/all.jsonl >out.txt &&
	grep -q "released 2, followed every day 1 (50%)" out.txt
'

test_expect_success 'seven daily reports merged == the week, figure by figure' '
	cat w/D*.json | cg_report --merge >w/merged.json &&
	figures w/week.json >expect &&
	figures w/merged.json >actual &&
	test_cmp expect actual
'

test_expect_success 'stocks are not summed over days (the test can fail)' '
	test "$(jq -s "map(.cases.open) | add" w/D*.json)" -gt "$(rq .cases.open w/merged.json)" &&
	test "$(jq -s "map(.passes.active_total) | add" w/D*.json)" -gt "$(rq .passes.active_total w/merged.json)"
'

test_expect_success 'one row per compound: the period and the days it covers' '
	test "$(rq "[.compound.count, .since, .until, (.compounds | length)] | @tsv" w/merged.json)" = \
		"$(printf "1\t2026-01-19\t2026-01-25\t1")" &&
	test "$(rq ".compounds[0] | [.code, .since, .until, .days, .events, .cases_open, .passes_active] | @tsv" w/merged.json)" = \
		"$(printf "W-0001\t2026-01-19\t2026-01-25\t7\t137\t2\t3")"
'

test_expect_success 'two compounds: fourteen daily reports merged == the two weeks merged' '
	cat w/D*.json v/D*.json | cg_report --merge >both.json &&
	cat w/week.json v/week.json | cg_report --merge >weeks.json &&
	figures weeks.json >expect &&
	figures both.json >actual &&
	test_cmp expect actual &&
	test "$(rq "[.compound.count, .totals.events, .cases.open, .passes.active_total, .fever.persons] | @tsv" both.json)" = \
		"$(printf "2\t274\t4\t6\t4")"
'

test_expect_success 'associative however the days are grouped' '
	cat w/D19.json w/D20.json w/D21.json | cg_report --merge >a.json &&
	cat w/D22.json w/D23.json w/D24.json w/D25.json v/D*.json | cg_report --merge >b.json &&
	cat b.json a.json | cg_report --merge >ba.json &&
	figures both.json >expect &&
	figures ba.json >actual &&
	test_cmp expect actual &&
	test "$(rq ".compounds | map([.code, .days] | join(\":\")) | join(\",\")" ba.json)" = "W-0001:7,V-0002:7"
'

test_reports_valid
test_done
