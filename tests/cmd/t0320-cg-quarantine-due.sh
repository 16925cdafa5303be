#!/bin/sh
test_description='cg-quarantine due: windows due, missed windows, day numbers, ending cases, needs'
. "${0%/*}/../lib/test-lib.sh"
. "$SRC_DIR/tests/lib/quarantine-fold.sh"

D1=2026-01-25
D2=2026-01-26
D3=2026-01-27

# due_at NOW [OPTION...]: the due records in short form.
due_at() {
	da_now=$1
	shift
	cg-quarantine due --now "$da_now" "$@" >due.out &&
	jq -c "{case_id, status, day, windows_due, windows_done, missed, missed_windows}" due.out
}

test_expect_success 'setup: cases opened before and after the morning window, one starting tomorrow' '
	echo "{\"name\":\"甲\",\"household\":\"1-1-101\",\"reason\":\"close_contact\",\"officer\":\"王五\"}" |
		cg-quarantine open --now ${D1}T05:00:00+08:00 >/dev/null &&
	echo "{\"name\":\"乙\",\"household\":\"1-1-102\",\"reason\":\"close_contact\"}" |
		cg-quarantine open --now ${D1}T12:00:00+08:00 >/dev/null &&
	echo "{\"name\":\"丙\",\"household\":\"1-1-103\",\"reason\":\"risk_area_return\",\"start\":\"$D2\"}" |
		cg-quarantine open --now ${D1}T12:00:00+08:00 >/dev/null &&
	echo "{\"name\":\"丁\",\"household\":\"1-1-104\",\"reason\":\"other\"}" |
		cg-quarantine open --now ${D1}T12:00:00+08:00 >/dev/null &&
	echo "{\"case_id\":\"Q260125-004\",\"reason\":\"cancelled\"}" |
		cg-quarantine close --now ${D1}T12:05:00+08:00 >/dev/null &&
	echo "{\"case_id\":\"Q260125-001\",\"temp\":36.4,\"ts\":\"${D1}T07:00:00+08:00\"}" |
		cg-quarantine check --now ${D1}T12:10:00+08:00 >/dev/null
'

test_expect_success 'midday: the evening window is due; a window that closed before the case was opened is not missed' '
	due_at ${D1}T13:00:00+08:00 >actual &&
	cat >expect <<-EOF &&
	{"case_id":"Q260125-001","status":"open","day":"1 of 14","windows_due":["16:00-20:00"],"windows_done":["06:00-10:00"],"missed":0,"missed_windows":[]}
	{"case_id":"Q260125-002","status":"open","day":"1 of 14","windows_due":["16:00-20:00"],"windows_done":[],"missed":0,"missed_windows":[]}
	EOF
	test_cmp expect actual
'

test_expect_success 'the full record of a case' '
	jq -c "select(.case_id == \"Q260125-001\")" due.out >actual &&
	cat >expect <<-EOF &&
	{"compound":"DEMO-0001","date":"$D1","case_id":"Q260125-001","name":"甲","household":"1-1-101","officer":"王五","status":"open","start":"$D1","end":"2026-02-07","day":"1 of 14","day_number":1,"days":14,"windows_due":["16:00-20:00"],"windows_done":["06:00-10:00"],"missed":0,"missed_windows":[],"ending_today":false,"ending_tomorrow":false,"period_over":false,"days_not_seen":0,"lost":false,"needs_open":[]}
	EOF
	test_cmp expect actual
'

test_expect_success 'a window is missed once the clock reaches its end, not before' '
	due_at ${D1}T19:59:59+08:00 >actual &&
	grep -q "\"case_id\":\"Q260125-001\".*\"windows_due\":\\[\"16:00-20:00\"\\].*\"missed\":0" actual &&
	due_at ${D1}T20:00:00+08:00 >actual &&
	cat >expect <<-EOF &&
	{"case_id":"Q260125-001","status":"open","day":"1 of 14","windows_due":[],"windows_done":["06:00-10:00"],"missed":1,"missed_windows":["$D1 16:00-20:00"]}
	{"case_id":"Q260125-002","status":"open","day":"1 of 14","windows_due":[],"windows_done":[],"missed":1,"missed_windows":["$D1 16:00-20:00"]}
	EOF
	test_cmp expect actual
'

test_expect_success 'a check outside every window does not do a window' '
	echo "{\"case_id\":\"Q260125-002\",\"temp\":36.4,\"ts\":\"${D1}T21:00:00+08:00\"}" |
		cg-quarantine check --now ${D1}T21:00:00+08:00 >/dev/null 2>&1 &&
	due_at ${D1}T21:30:00+08:00 >actual &&
	grep -q "\"case_id\":\"Q260125-002\".*\"windows_done\":\\[\\],\"missed\":1" actual
'

test_expect_success 'a later date: its windows are due, missed ones before it are counted' '
	due_at ${D2}T12:00:00+08:00 >actual &&
	cat >expect <<-EOF &&
	{"case_id":"Q260125-001","status":"open","day":"2 of 14","windows_due":["16:00-20:00"],"windows_done":[],"missed":2,"missed_windows":["$D1 16:00-20:00","$D2 06:00-10:00"]}
	{"case_id":"Q260125-002","status":"open","day":"2 of 14","windows_due":["16:00-20:00"],"windows_done":[],"missed":2,"missed_windows":["$D1 16:00-20:00","$D2 06:00-10:00"]}
	{"case_id":"Q260125-003","status":"open","day":"1 of 14","windows_due":["16:00-20:00"],"windows_done":[],"missed":1,"missed_windows":["$D2 06:00-10:00"]}
	EOF
	test_cmp expect actual
'

test_expect_success '--date ahead of the clock: every window of that date is due, none missed yet' '
	due_at ${D1}T13:00:00+08:00 --date $D3 >actual &&
	cat >expect <<-EOF &&
	{"case_id":"Q260125-001","status":"open","day":"3 of 14","windows_due":["06:00-10:00","16:00-20:00"],"windows_done":[],"missed":0,"missed_windows":[]}
	{"case_id":"Q260125-002","status":"open","day":"3 of 14","windows_due":["06:00-10:00","16:00-20:00"],"windows_done":[],"missed":0,"missed_windows":[]}
	{"case_id":"Q260125-003","status":"open","day":"2 of 14","windows_due":["06:00-10:00","16:00-20:00"],"windows_done":[],"missed":0,"missed_windows":[]}
	EOF
	test_cmp expect actual
'

test_expect_success '--date in the past: that day is over, its windows are missed or done' '
	due_at ${D3}T12:00:00+08:00 --date $D1 >actual &&
	cat >expect <<-EOF &&
	{"case_id":"Q260125-001","status":"open","day":"1 of 14","windows_due":[],"windows_done":["06:00-10:00"],"missed":1,"missed_windows":["$D1 16:00-20:00"]}
	{"case_id":"Q260125-002","status":"open","day":"1 of 14","windows_due":[],"windows_done":[],"missed":1,"missed_windows":["$D1 16:00-20:00"]}
	EOF
	test_cmp expect actual
'

test_expect_success 'ending tomorrow, ending today, period over (day 15 of 14)' '
	cg-quarantine due --now 2026-02-06T12:00:00+08:00 >out &&
	jq -c "select(.case_id == \"Q260125-001\") | [.day, .ending_today, .ending_tomorrow, .period_over]" out >actual &&
	cg-quarantine due --now 2026-02-07T12:00:00+08:00 >out &&
	jq -c "select(.case_id == \"Q260125-001\") | [.day, .ending_today, .ending_tomorrow, .period_over]" out >>actual &&
	cg-quarantine due --now 2026-02-08T12:00:00+08:00 >out &&
	jq -c "select(.case_id == \"Q260125-001\") | [.day, .ending_today, .ending_tomorrow, .period_over, .windows_due, .missed]" out >>actual &&
	cat >expect <<-EOF &&
	["13 of 14",false,true,false]
	["14 of 14",true,false,false]
	["15 of 14",false,false,true,[],27]
	EOF
	test_cmp expect actual
'

test_expect_success 'missed windows: a day by day count over the whole case' '
	for d in 26 27 28; do
		echo "{\"case_id\":\"Q260125-001\",\"temp\":36.5,\"ts\":\"2026-01-${d}T07:00:00+08:00\"}"
		echo "{\"case_id\":\"Q260125-001\",\"temp\":36.6,\"ts\":\"2026-01-${d}T17:00:00+08:00\"}"
	done | cg-quarantine check --now 2026-01-28T18:00:00+08:00 >/dev/null &&
	cg-quarantine due --now 2026-01-29T12:00:00+08:00 >out &&
	jq -c "select(.case_id == \"Q260125-001\") | [.day, .missed, .missed_windows, .windows_due]" out >actual &&
	echo "[\"5 of 14\",2,[\"$D1 16:00-20:00\",\"2026-01-29 06:00-10:00\"],[\"16:00-20:00\"]]" >expect &&
	test_cmp expect actual
'

test_expect_success 'escalated cases are listed with their status; closed and released ones are not' '
	echo "{\"case_id\":\"Q260125-002\",\"reason\":\"送医观察\"}" |
		cg-quarantine escalate --now 2026-01-29T08:00:00+08:00 >/dev/null &&
	cg-quarantine due --now 2026-01-29T12:00:00+08:00 >out &&
	jq -r "[.case_id, .status] | join(\" \")" out >actual &&
	printf "%s\n" "Q260125-001 open" "Q260125-002 escalated" "Q260125-003 open" >expect &&
	test_cmp expect actual
'

test_expect_success 'open service requests are listed until done' '
	printf "%s\n" "{\"case_id\":\"Q260125-001\",\"need\":\"supplies\",\"note\":\"米、油\"}" \
		"{\"case_id\":\"Q260125-001\",\"need\":\"garbage\"}" |
		cg-quarantine need --now 2026-01-29T09:00:00+08:00 >/dev/null &&
	cg-quarantine due --now 2026-01-29T12:00:00+08:00 >out &&
	jq -c "select(.case_id == \"Q260125-001\") | .needs_open" out >actual &&
	echo "[{\"need_id\":\"Q260125-001-N1\",\"need\":\"supplies\",\"ts\":\"2026-01-29T09:00:00+08:00\"},{\"need_id\":\"Q260125-001-N2\",\"need\":\"garbage\",\"ts\":\"2026-01-29T09:00:00+08:00\"}]" >expect &&
	test_cmp expect actual &&
	echo "{\"need_id\":\"Q260125-001-N1\",\"done\":true}" |
		cg-quarantine need --now 2026-01-29T10:00:00+08:00 >/dev/null &&
	cg-quarantine due --now 2026-01-29T12:00:00+08:00 >out &&
	test "$(jq -r "select(.case_id == \"Q260125-001\") | [.needs_open[].need_id] | join(\",\")" out)" = Q260125-001-N2
'

test_expect_success 'due journals nothing; no cases, no output' '
	cp "$CG_HOME/journal/quarantine.jsonl" before &&
	cg-quarantine due --now 2026-01-29T12:00:00+08:00 >/dev/null &&
	cmp before "$CG_HOME/journal/quarantine.jsonl" &&
	cg-quarantine due --home "$TRASH/empty" --now 2026-01-29T12:00:00+08:00 >out &&
	test_must_fail test -s out
'

test_expect_success 'due -v counts the cases on standard error' '
	cg-quarantine due -v --now 2026-01-29T12:00:00+08:00 >out 2>err &&
	grep -q "^cg-quarantine: 3 cases under observation$" err
'

test_expect_success 'list, stats and show from the case index print what a fold prints' '
	quarantine_as_fold 2026-02-08T12:00:00+08:00
'

test_done
