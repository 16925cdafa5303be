#!/bin/sh
test_description='cg-report: the needs of households under observation (open, delivered, missed) in the duty section, in every format and in --merge'
. "${0%/*}/../lib/test-lib.sh"
. "$SRC_DIR/tests/fixtures/report/lib.sh"

D=2026-01-25
N=2026-01-26T12:00:00+08:00

# A (1-1-101, open since the 24th) asks on the 24th at 09:00 (N1,
# delivered on the 25th at 10:00), on the 25th at 09:00 (N2, delivered at
# 18:00) and at 11:00 (N3, never); B (2-2-202, opened on the 25th) at
# 12:00 (N1, delivered on the 26th at 09:00); C (3-3-303) on the 25th at
# 10:00 (N1, never; the case closed at 15:00).  The report of the 25th:
# open A-N3 and B-N1 (C's case ended), delivered A-N1 and A-N2, missed
# A-N3, B-N1 and C-N1 (asked that day, not delivered by its end).
test_expect_success 'setup: cases with needs, some delivered' '
	write_config "{\"gates\":[\"north\"],\"duty\":{\"tasks\":{\"garbage\":{\"per\":\"observed\"}}}}" &&
	for c in "1-1-101 2026-01-24T08:00" "2-2-202 ${D}T08:00" "3-3-303 2026-01-24T08:00"; do
		echo "{\"name\":\"甲\",\"household\":\"${c% *}\",\"reason\":\"close_contact\"}" |
			cg-quarantine open --now "${c#* }:00+08:00" >/dev/null || return 1
	done &&
	printf "%s\n" "{\"case_id\":\"Q260124-001\",\"need\":\"supplies\",\"ts\":\"2026-01-24T09:00:00+08:00\"}" \
		"{\"case_id\":\"Q260124-001\",\"need\":\"garbage\",\"ts\":\"${D}T09:00:00+08:00\"}" \
		"{\"case_id\":\"Q260124-001\",\"need\":\"medicine\",\"ts\":\"${D}T11:00:00+08:00\"}" \
		"{\"case_id\":\"Q260125-001\",\"need\":\"supplies\",\"ts\":\"${D}T12:00:00+08:00\"}" \
		"{\"case_id\":\"Q260124-002\",\"need\":\"supplies\",\"ts\":\"${D}T10:00:00+08:00\"}" |
		cg-quarantine need --now $N >/dev/null &&
	echo "{\"case_id\":\"Q260124-002\",\"reason\":\"moved_out\"}" |
		cg-quarantine close --now ${D}T15:00:00+08:00 >/dev/null &&
	cg-duty done --need Q260124-001-N1 --at ${D}T10:00:00+08:00 --now $N >/dev/null &&
	cg-duty done --need Q260124-001-N2 --at ${D}T18:00:00+08:00 --now $N >/dev/null &&
	cg-duty done --need Q260125-001-N1 --at 2026-01-26T09:00:00+08:00 --now $N >/dev/null
'

test_expect_success 'json: open, delivered and missed, hand-computed' '
	cg_report --date $D --now $N >rep.json &&
	jq -c .duty.needs rep.json >got &&
	echo "{\"open\":2,\"delivered\":2,\"missed\":3}" >expect &&
	test_cmp expect got &&
	jq -r ".duty | keys_unsorted | join(\" \")" rep.json >got &&
	echo "gates tasks stock care needs staff_fevers" >expect &&
	test_cmp expect got
'

# Over the 24th and the 25th A-N1 is missed too: asked on the 24th,
# delivered on the 25th.
test_expect_success 'a day not over: nothing missed yet; the next day: B-N1 delivered, A-N3 still open; two days' '
	cg_report --date $D --now ${D}T20:00:00+08:00 >r1.json &&
	jq -c .duty.needs r1.json >got &&
	echo "{\"open\":2,\"delivered\":2,\"missed\":0}" >expect &&
	test_cmp expect got &&
	cg_report --date 2026-01-26 --now $N >r2.json &&
	jq -c .duty.needs r2.json >got &&
	echo "{\"open\":1,\"delivered\":1,\"missed\":0}" >expect &&
	test_cmp expect got &&
	cg_report --since 2026-01-24 --until $D --now $N >r3.json &&
	jq -c .duty.needs r3.json >got &&
	echo "{\"open\":2,\"delivered\":2,\"missed\":4}" >expect &&
	test_cmp expect got
'

test_expect_success PLAIN_BUILD 'text, md, html and csv show the needs' '
	line="Needs of households under observation: 2 open, 2 delivered, 3 missed." &&
	cg-report --date $D --now $N --format text >rep.txt &&
	grep -q "^  $line\$" rep.txt &&
	cg-report --date $D --now $N --format md >rep.md &&
	grep -q "^$line\$" rep.md &&
	cg-report --date $D --now $N --format html >rep.html &&
	grep -q "$line" rep.html &&
	cg-report --date $D --now $N --format csv >rep.csv &&
	grep "^duty\.needs\." rep.csv | tr -d "\r" >got &&
	printf "%s\n" duty.needs.open,2 duty.needs.delivered,2 duty.needs.missed,3 >expect &&
	test_cmp expect got
'

test_expect_success PLAIN_BUILD 'zh_CN: the needs in Chinese' '
	LANGUAGE=zh_CN LC_ALL=zh_CN.UTF-8 cg-report --date $D --now $N --format text >zh.txt 2>/dev/null ||
		LANGUAGE=zh_CN cg-report --date $D --now $N --format text >zh.txt &&
	grep -q "居家观察户的服务需求：未办 2 件，已送达 2 件，逾期 3 件。" zh.txt
'

test_expect_success '--merge: the needs of two compounds summed; a report without them adds nothing' '
	jq -c ".compound.code = \"OTHER-2\"" rep.json >rep2.json &&
	jq -c ".compound.code = \"OLD-3\" | del(.duty.needs)" rep.json >rep3.json &&
	cg_report --merge rep.json rep2.json rep3.json >m.json &&
	jq -c .duty.needs m.json >got &&
	echo "{\"open\":4,\"delivered\":4,\"missed\":6}" >expect &&
	test_cmp expect got &&
	cg-report --merge m.json --format text | grep -q "^  Needs of households under observation: 4 open, 4 delivered, 6 missed.\$" &&
	cg-report --merge m.json >again.json &&
	test "$(jq -c .duty.needs again.json)" = "$(jq -c .duty.needs m.json)" &&
	cg-report --merge rep3.json >old.json &&
	test "$(jq -r ".duty | has(\"needs\")" old.json)" = false
'

test_expect_success 'every JSON report of this script validates against report.schema.json' '
	check_schema "$TRASH/reports.jsonl"
'

test_done
