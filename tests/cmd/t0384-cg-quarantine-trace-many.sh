#!/bin/sh
test_description='cg-quarantine trace: many contacts, written by two threads as by one'
. "${0%/*}/../lib/test-lib.sh"

# More than two chunks (128 records each) of contacts, so that trace writes
# them on two threads; CG_TRACE_ONE_THREAD=1 writes them on one, as
# before: the records must be the same, byte for byte, in the same order.
NOW=2026-01-25T12:00:00+08:00
ZS=110101198001010010  # 张三, the index, 3-2-501

# visits FIRST LAST DAY GATE START STEP: visitor i (FIRST..LAST), phone
# 139 and i, passing GATE at START (HH:MM:SS) + (i - FIRST) * STEP seconds;
# every 50th names the index household as host, every 3rd a name with a
# full-width space.
visits() {
	awk -v a="$1" -v b="$2" -v day="$3" -v gate="$4" -v start="$5" -v step="$6" 'BEGIN {
		split(start, t, ":"); s0 = t[1] * 3600 + t[2] * 60 + t[3]
		for (i = a; i <= b; i++) {
			s = s0 + (i - a) * step
			host = i % 50 == 0 ? "3-2-501" : (i % 40) "-1-101"
			name = i % 3 == 1 ? "访客　" i : "访客 " i
			printf "{\"ts\":\"%sT%02d:%02d:%02d+08:00\",\"gate\":\"%s\",\"dir\":\"in\",\"kind\":\"visitor\",\"name\":\"%s\",\"phone\":\"139%08d\",\"host\":\"%s\",\"temp\":36.5,\"mask\":true}\n",
				day, s / 3600, s / 60 % 60, s % 60, gate, name, i, host
		}
	}'
}
index_at() { # DAY TIME GATE
	printf '{"ts":"%sT%s+08:00","gate":"%s","dir":"in","kind":"resident","name":"张三","id_no":"%s","household":"3-2-501","temp":36.5,"mask":true}\n' \
		"$1" "$2" "$3" "$ZS"
}

test_expect_success 'setup: 1,500 visitors over two days (the first compressed), 20 staff, 3 under observation' '
	{ index_at 2026-01-19 12:00:00 north &&
	  visits 900 1199 2026-01-19 north 11:50:00 4; } |
		cg-checkin --now 2026-01-19T23:59:00+08:00 >/dev/null &&
	{ index_at 2026-01-20 08:00:00 north &&
	  visits 0 599 2026-01-20 north 07:45:00 3 &&
	  awk "BEGIN { for (i = 0; i < 20; i++) printf \"{\\\"ts\\\":\\\"2026-01-20T08:00:%02d+08:00\\\",\\\"gate\\\":\\\"north\\\",\\\"dir\\\":\\\"in\\\",\\\"kind\\\":\\\"staff\\\",\\\"name\\\":\\\"保安%d\\\",\\\"phone\\\":\\\"137%08d\\\",\\\"temp\\\":36.5,\\\"mask\\\":true}\\n\", i, i, i }" &&
	  index_at 2026-01-20 18:00:00 south &&
	  visits 600 899 2026-01-20 south 17:40:00 8 &&
	  visits 0 599 2026-01-20 south 17:59:00 0 | awk "NR % 7 == 1"; } |
		cg-checkin --now 2026-01-20T23:59:00+08:00 >/dev/null &&
	test -f "$CG_HOME/journal/checkin/2026-01-19.jsonl.gz" &&
	for i in 5 650 1000; do
		printf "{\"name\":\"访客 %d\",\"phone\":\"139%08d\",\"reason\":\"other\"}\n" $i $i || return 1
	done | cg-quarantine open --now 2026-01-21T09:00:00+08:00 >/dev/null &&
	echo "{\"name\":\"张三\",\"id_no\":\"$ZS\",\"household\":\"3-2-501\",\"reason\":\"other\"}" |
		cg-quarantine open --now 2026-01-21T09:00:00+08:00 | jq -c "{case_id, reason: \"confirmed\"}" |
		cg-quarantine escalate --now 2026-01-21T10:00:00+08:00 >/dev/null
'

# 300 on 01-19 and 600 at north on 01-20 all within 15 minutes; of the 300
# at south 225 (17:45:04..18:14:56), and visitor 600 (17:40) hosted by the
# index household; and the 20 staff at north (trace.staff is on by default).
test_expect_success 'one index person: 1,146 contacts, the same records on two threads as on one' '
	echo "{\"id_no\":\"$ZS\"}" >in &&
	cg-quarantine trace --now $NOW <in >two 2>err2 &&
	CG_TRACE_ONE_THREAD=1 cg-quarantine trace --now $NOW <in >one 2>err1 &&
	test_cmp one two &&
	test_cmp err1 err2 &&
	test "$(wc -l <two)" -eq 1146 &&
	test "$(jq -r "select(.under_observation) | .phone" two | sort | tr "\n" " ")" = "13900000005 13900000650 13900001000 " &&
	test "$(jq -r "select(.phone == \"13900000600\") | [.why[].code] | join(\" \")" two)" = hosted_visitor &&
	test "$(jq -r "select(.phone == \"13900000007\") | [.why[].code] | join(\" \")" two)" = "same_gate_window same_gate_window" &&
	test "$(grep -c 保安 two)" -eq 20
'

# The 74 others at south (visitor 600 is a contact already) passed within
# 15 minutes of contacts: secondary.
test_expect_success '--depth 2, --dry-run and the sweep: the same on two threads as on one' '
	cg-quarantine trace --depth 2 --now $NOW <in >two &&
	CG_TRACE_ONE_THREAD=1 cg-quarantine trace --depth 2 --now $NOW <in >one &&
	test_cmp one two &&
	test "$(jq -sc "group_by(.reason) | map([.[0].reason, length])" two)" = \
		"[[\"close_contact\",1146],[\"secondary_contact\",74]]" &&
	cg-quarantine trace --dry-run --depth 2 --now $NOW <in >two 2>err2 &&
	CG_TRACE_ONE_THREAD=1 cg-quarantine trace --dry-run --depth 2 --now $NOW <in >one 2>err1 &&
	test_cmp one two &&
	test_cmp err1 err2 &&
	test "$(jq .contacts two)" -eq 1220 &&
	cg-quarantine trace --from-cases --now $NOW >two &&
	CG_TRACE_ONE_THREAD=1 cg-quarantine trace --from-cases --now $NOW >one &&
	test_cmp one two &&
	test "$(wc -l <two)" -eq 1146
'

test_expect_success 'a reader that stops early: the first records come, then trace stops' '
	cg-quarantine trace --now $NOW <in 2>err | head -n 300 >two &&
	CG_TRACE_ONE_THREAD=1 cg-quarantine trace --now $NOW <in | head -n 300 >one &&
	test_cmp one two
'

test_done
