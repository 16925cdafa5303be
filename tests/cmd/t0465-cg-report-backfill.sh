#!/bin/sh
test_description='cg-report: every record on its own day, late registrations listed'
. "${0%/*}/../lib/test-lib.sh"
. "$SRC_DIR/tests/fixtures/report/lib.sh"

# The journals, as cg-checkin writes them (a record goes into the journal
# of the day it is registered; one of a day already ended says when):
#   2026-01-24  10:00 张三 in, registered then
#   2026-01-25  00:30 registers 23:50 of the 24th (within the hour's grace)
#               09:00 registers 10:00, 11:00 and 12:00 of the 24th (the paper
#                     register, typed the next morning: late)
#               09:10 李四 in, of the 25th
#   2026-01-27  08:00 registers 15:00 of the 24th (three days late)
#   2026-02-01  08:00 registers 16:00 of the 24th: eight days late (found
#               all the same, once the report is made on or after the 1st)

ci() { # ci TS NOW NAME
	printf '{"ts":"%s","gate":"north","dir":"in","kind":"resident","name":"%s","household":"1-1-101","temp":36.5,"mask":true}\n' "$1" "$3" |
		cg-checkin --now "$2" >/dev/null
}

test_expect_success 'setup: the registers' '
	write_config "{\"gates\":[\"north\"]}" &&
	ci 2026-01-24T10:00:00+08:00 2026-01-24T10:00:00+08:00 张三 &&
	ci 2026-01-24T23:50:00+08:00 2026-01-25T00:30:00+08:00 王五 &&
	for t in 10 11 12; do
		ci 2026-01-24T$t:00:00+08:00 2026-01-25T09:00:00+08:00 赵六 || return 1
	done &&
	ci 2026-01-25T09:10:00+08:00 2026-01-25T09:10:00+08:00 李四 &&
	ci 2026-01-24T15:00:00+08:00 2026-01-27T08:00:00+08:00 钱七 &&
	ci 2026-01-24T16:00:00+08:00 2026-02-01T08:00:00+08:00 孙八 &&
	test "$(gzip -dcf "$CG_HOME"/journal/checkin/2026-01-25.jsonl* | grep -c registered_at)" = 4
'

test_expect_success 'the day counts its records from the later journals, each once' '
	cg_report --date 2026-01-24 --now 2026-01-27T09:00:00+08:00 >out &&
	test "$(rq "[.totals.events, .totals.in, .outside] | @tsv")" = "$(printf "6\t6\t0")" &&
	test "$(rq ".gates.north | [.in, .first[11:16], .last[11:16]] | @tsv")" = "$(printf "6\t10:00\t23:50")"
'

test_expect_success 'the day of registration counts them only as outside' '
	cg_report --date 2026-01-25 --now 2026-01-27T09:00:00+08:00 >out &&
	test "$(rq "[.totals.events, .outside] | @tsv")" = "$(printf "1\t4")"
'

test_expect_success 'late registrations: a warning, with when each was registered' '
	cg_report --date 2026-01-24 --now 2026-01-27T09:00:00+08:00 >out &&
	rq ".warnings[] | select(.code == \"late_registration\") | [.severity, .count, .grace_min] | @tsv" >actual &&
	printf "warning\t4\t60\n" >expect &&
	test_cmp expect actual &&
	rq ".warnings[] | select(.code == \"late_registration\") | .records[] | [.ts[11:16], .registered_at, .name] | @tsv" >actual &&
	cat >expect <<-EOF &&
	10:00	2026-01-25T09:00:00+08:00	赵*
	11:00	2026-01-25T09:00:00+08:00	赵*
	12:00	2026-01-25T09:00:00+08:00	赵*
	15:00	2026-01-27T08:00:00+08:00	钱*
	EOF
	test_cmp expect actual &&
	cg_report --date 2026-01-24 --now 2026-01-27T09:00:00+08:00 --format text >out.txt &&
	grep -q "^  warning   late registration  4 records registered after their day ended: 10:00 north, registered 01-25 09:00, 11:00 north, registered 01-25 09:00," out.txt &&
	test_expect_code 5 cg-report --date 2026-01-24 --now 2026-01-27T09:00:00+08:00 --fail-on warning >/dev/null
'

test_expect_success 'policy.late_grace_min: with none, 00:30 for 23:50 is late too' '
	write_config "{\"gates\":[\"north\"],\"policy\":{\"late_grace_min\":0}}" &&
	cg_report --date 2026-01-24 --now 2026-01-27T09:00:00+08:00 >out &&
	test "$(rq ".warnings[] | select(.code == \"late_registration\") | .count")" = 5 &&
	write_config "{\"gates\":[\"north\"],\"policy\":{\"late_grace_min\":-1}}" &&
	test_expect_code 3 cg-report --date 2026-01-24 2>err &&
	grep -q "late_grace_min" err &&
	write_config "{\"gates\":[\"north\"]}"
'

test_expect_success 'look-through up to today only: the report made on the 25th sees the 25th' '
	cg_report --date 2026-01-24 --now 2026-01-25T12:00:00+08:00 >out &&
	test "$(rq .totals.events)" = 5
'

test_expect_success 'a range counts each record once: read in its period, or looked for after it' '
	cg_report --since 2026-01-24 --until 2026-01-25 --now 2026-01-27T09:00:00+08:00 >out &&
	test "$(rq "[.totals.events, .outside] | @tsv")" = "$(printf "7\t0")" &&
	test "$(rq ".warnings[] | select(.code == \"late_registration\") | .count")" = 4
'

test_expect_success 'a back-filled record voided or amended counts as corrected; an amendment is no late registration' '
	rid=$(gzip -dcf "$CG_HOME"/journal/checkin/2026-01-27.jsonl* | jq -r "select(.ts == \"2026-01-24T15:00:00+08:00\") | .seq") &&
	cg-checkin --void "2026-01-27/$rid" --reason "typed twice" --now 2026-01-27T08:30:00+08:00 >/dev/null &&
	cg_report --date 2026-01-24 --now 2026-01-27T09:00:00+08:00 >out &&
	test "$(rq .totals.events)" = 5 &&
	test "$(rq ".warnings[] | select(.code == \"late_registration\") | .count")" = 3 &&
	rid=$(gzip -dcf "$CG_HOME"/journal/checkin/2026-01-25.jsonl* | jq -r "select(.ts == \"2026-01-24T12:00:00+08:00\") | .seq") &&
	cg-checkin --amend "2026-01-25/$rid" --set dir=out --reason "wrong way" --now 2026-01-27T08:40:00+08:00 >/dev/null &&
	cg_report --date 2026-01-24 --now 2026-01-27T09:00:00+08:00 >out &&
	test "$(rq "[.totals.events, .totals.in, .totals.out] | @tsv")" = "$(printf "5\t4\t1")" &&
	test "$(rq ".warnings[] | select(.code == \"late_registration\") | .count")" = 3 &&
	cg-checkin --amend 2026-01-24/1 --set gate=north --set temp=36.6 --reason "misread" \
		--now 2026-01-27T08:50:00+08:00 >amend.json &&
	test "$(jq -r ".registered_at // \"none\"" amend.json)" = none &&
	cg_report --date 2026-01-24 --now 2026-01-27T09:00:00+08:00 >out &&
	test "$(rq ".warnings[] | select(.code == \"late_registration\") | .count")" = 3 &&
	test "$(rq .totals.events)" = 5
'

test_expect_success 'a case check of the day typed days later: on its day, a late registration' '
	echo "{\"name\":\"胡建华\",\"id_no\":\"310104198506151237\",\"household\":\"5-1-101\",\"reason\":\"close_contact\"}" |
		cg-quarantine open --now 2026-01-23T10:00:00+08:00 >/dev/null &&
	echo "{\"case_id\":\"Q260123-001\",\"temp\":36.5,\"ts\":\"2026-01-24T07:00:00+08:00\",\"by\":\"王五\"}" |
		cg-quarantine check --now 2026-01-26T09:00:00+08:00 >check.json &&
	test "$(jq -r .registered_at check.json)" = 2026-01-26T09:00:00+08:00 &&
	cg_report --date 2026-01-24 --now 2026-01-27T09:00:00+08:00 >out &&
	test "$(rq .cases.checks)" = 1 &&
	rq ".warnings[] | select(.code == \"late_registration\") | .records[] | select(.case_id) | [.ts, .registered_at, .case_id, .event] | @tsv" >actual &&
	printf "2026-01-24T07:00:00+08:00\t2026-01-26T09:00:00+08:00\tQ260123-001\tcheck\n" >expect &&
	test_cmp expect actual &&
	test "$(rq ".warnings[] | select(.code == \"late_registration\") | .count")" = 4 &&
	cg_report --date 2026-01-26 --now 2026-01-27T09:00:00+08:00 >out &&
	test "$(rq .cases.checks)" = 0 &&
	cg-quarantine amend --now 2026-01-27T08:00:00+08:00 --set temp=36.7 --reason typo "$(jq -r .seq check.json)" >a.json &&
	test "$(jq -r "select(.event == \"check\") | .registered_at" a.json)" = 2026-01-26T09:00:00+08:00 &&
	cg_report --date 2026-01-24 --now 2026-01-27T09:00:00+08:00 >out &&
	test "$(rq ".warnings[] | select(.code == \"late_registration\") | .count")" = 4
'

test_expect_success '--merge keeps the late registrations per compound, masked' '
	cg_report --date 2026-01-24 --now 2026-01-27T09:00:00+08:00 --no-mask >A.json &&
	test "$(jq -r "[.warnings[] | select(.code == \"late_registration\") | .records[] | .name // empty] | unique | join(\",\")" A.json)" = 赵六 &&
	cg_report --merge <A.json >M.json &&
	rq "[.warnings[] | select(.code == \"late_registration\") | .compound, .count, (.records[] | .name // empty)] | unique | join(\",\")" M.json >actual &&
	echo "4,DEMO-0001,赵*" >expect &&
	test_cmp expect actual &&
	test "$(jq -r "[.warnings[] | select(.code == \"late_registration\") | .records[] | .name // empty] | unique | join(\",\")" A.json)" = 赵六
'

test_expect_success 'registered eight and ten days late: still counted on its day, listed late' '
	ci 2026-01-24T17:00:00+08:00 2026-02-03T08:00:00+08:00 周九 &&
	cg_report --date 2026-01-24 --now 2026-02-03T09:00:00+08:00 --no-mask >out &&
	test "$(rq .totals.events)" = 7 &&
	rq ".warnings[] | select(.code == \"late_registration\") | .records[] | select(.name == \"孙八\" or .name == \"周九\") | [.ts[11:16], .registered_at] | @tsv" >actual &&
	printf "16:00\t2026-02-01T08:00:00+08:00\n17:00\t2026-02-03T08:00:00+08:00\n" >expect &&
	test_cmp expect actual &&
	cg_report --since 2026-01-20 --until 2026-01-24 --now 2026-02-03T09:00:00+08:00 >out &&
	test "$(rq .totals.events)" = 7 &&
	cg_report --date 2026-02-03 --now 2026-02-03T09:00:00+08:00 >out &&
	test "$(rq "[.totals.events, .outside] | @tsv")" = "$(printf "0\t1")"
'

test_expect_success 'registered ten days late and voided the day after: not counted' '
	seq=$(jq -r "select(.ts == \"2026-01-24T17:00:00+08:00\") | .seq" "$CG_HOME"/journal/checkin/2026-02-03.jsonl) &&
	cg-checkin --void "2026-02-03/$seq" --reason "typed twice" --now 2026-02-04T08:00:00+08:00 >/dev/null &&
	cg_report --date 2026-01-24 --now 2026-02-05T09:00:00+08:00 --no-mask >out &&
	test "$(rq .totals.events)" = 6 &&
	! rq ".warnings[] | select(.code == \"late_registration\") | .records[] | .name" | grep -q 周九
'

# What index/lookthrough keeps of a finished day: its odd lines (other
# days' records, corrections) between a header naming the compressed file
# and a last line saying they are complete.
K=$CG_HOME/index/lookthrough

test_expect_success 'the finished days odd lines are kept, and deleting them changes nothing' '
	cg_report --date 2026-01-24 --now 2026-02-05T09:00:00+08:00 >first &&
	test -f "$K/2026-01-25.jsonl" && test -f "$K/2026-02-01.jsonl" &&
	test -f "$K/2026-02-03.jsonl" && test -f "$CG_HOME/journal/checkin/2026-02-04.jsonl" &&
	test ! -e "$K/2026-02-04.jsonl" &&
	test "$(head -n 1 "$K/2026-01-25.jsonl" | jq -r .day)" = 2026-01-25 &&
	test "$(tail -n 1 "$K/2026-01-25.jsonl")" = "{\"complete\":true}" &&
	test "$(grep -c "\"ts\":\"2026-01-24T" "$K/2026-01-25.jsonl")" = 4 &&
	! grep -q 李四 "$K/2026-01-25.jsonl" &&
	rm -rf "$K" &&
	cg_report --date 2026-01-24 --now 2026-02-05T09:00:00+08:00 >again &&
	test_cmp first again &&
	test -f "$K/2026-01-25.jsonl"
'

test_expect_success 'kept lines are taken as they are when they name the file, found again when not' '
	cg_report --date 2026-01-24 --now 2026-02-03T09:00:00+08:00 >first &&
	cp "$K/2026-02-01.jsonl" kept &&
	# A line only the kept copy has is counted: the day is not read again.
	line=$(sed -n 2p kept | sed "s/16:00:00/16:30:00/") &&
	{ sed -n 1p kept; echo "$line"; sed -n "2,\$p" kept; } >"$K/2026-02-01.jsonl" &&
	cg-report --date 2026-01-24 --now 2026-02-03T09:00:00+08:00 >out &&
	test "$(rq .totals.events)" = 8 &&
	# Cut short (no last line), or of another file: found again.
	sed "\$d" kept >"$K/2026-02-01.jsonl" && echo "$line" >>"$K/2026-02-01.jsonl" &&
	cg_report --date 2026-01-24 --now 2026-02-03T09:00:00+08:00 >out &&
	test_cmp first out &&
	test_cmp kept "$K/2026-02-01.jsonl" &&
	{ sed -n 1p kept | sed "s/\"ino\":[0-9]*/\"ino\":1/"; echo "$line"; sed -n "2,\$p" kept; } >"$K/2026-02-01.jsonl" &&
	cg_report --date 2026-01-24 --now 2026-02-03T09:00:00+08:00 >out &&
	test_cmp first out &&
	test_cmp kept "$K/2026-02-01.jsonl"
'

test_expect_success 'a data directory where nothing can be kept is read all the same' '
	rm -rf "$K" && mkdir -p "$CG_HOME/index" && : >"$K" &&
	cg_report --date 2026-01-24 --now 2026-02-03T09:00:00+08:00 >out &&
	test_cmp first out &&
	rm -f "$K"
'

# Reports at once on one data directory, none of them finding anything
# kept (finished days, and today's plain journal up to its last line):
# each prints what one alone prints, and what they keep (each
# writes its own temporary file, then renames it) is what one alone
# keeps, with no temporary file left.
test_expect_success 'six reports at once: the same report each, and what is kept is whole' '
	cg-report --date 2026-01-24 --now 2026-02-05T09:00:00+08:00 >alone &&
	test -f "$K/2026-02-04.open.jsonl" &&
	cp -R "$K" kept-alone &&
	rm -rf "$K" &&
	for i in 1 2 3 4 5 6; do
		{ cg-report --date 2026-01-24 --now 2026-02-05T09:00:00+08:00 >at-once.$i; echo $? >status.$i; } &
	done &&
	wait &&
	for i in 1 2 3 4 5 6; do
		test "$(cat status.$i)" = 0 && test_cmp alone at-once.$i || return 1
	done &&
	diff -r kept-alone "$K" &&
	cg-report --date 2026-01-24 --now 2026-02-05T09:00:00+08:00 >after &&
	test_cmp alone after
'

test_expect_success 'every JSON report of this script validates against report.schema.json' '
	check_schema "$TRASH/reports.jsonl"
'

test_done
