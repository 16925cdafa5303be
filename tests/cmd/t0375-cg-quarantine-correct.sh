#!/bin/sh
test_description='cg-quarantine void and amend: a wrong temperature corrected by rid'
. "${0%/*}/../lib/test-lib.sh"
. "$SRC_DIR/tests/lib/quarantine-fold.sh"

ID_A=110101199003074514
D1=2026-01-25
Q=DEMO-0001/quarantine
JQ=$CG_HOME/journal/quarantine.jsonl

test_expect_success 'setup: a case, two good checks and a mistyped fever' '
	echo "{\"name\":\"张三\",\"id_no\":\"$ID_A\",\"household\":\"3-2-501\",\"reason\":\"close_contact\",\"start\":\"$D1\"}" |
		cg-quarantine open --now ${D1}T05:00:00+08:00 >opened &&
	printf "%s\n" \
		"{\"case_id\":\"Q260125-001\",\"temp\":36.6,\"by\":\"王五\",\"ts\":\"${D1}T07:30:00+08:00\"}" \
		"{\"case_id\":\"Q260125-001\",\"temp\":38.6,\"by\":\"王五\",\"ts\":\"${D1}T15:30:00+08:00\"}" |
		cg-quarantine check --now ${D1}T16:00:00+08:00 >checked &&
	test "$(jq -r "[.seq, .event, .result // \"-\"] | @tsv" checked | tr "\t" " ")" = "$(printf "2 check ok\n3 check alert\n4 escalate -\n5 alert -")"
'

test_expect_success 'amend the fever reading: a check that replaces check 3, result decided again' '
	cg-quarantine amend --now ${D1}T16:05:00+08:00 --set temp=36.8 --reason "typo: 36.8" --by 王五 3 >a1 &&
	test_line_count = 1 a1 &&
	test "$(jq -r "[.ts, .event, .temp, .result, .amends, .correction_of, (.changed|tojson), .correction_reason, .corrected_by] | @tsv" a1)" = \
	"$(printf "%s\t" ${D1}T15:30:00+08:00 check 36.8 ok $Q/3 $Q/3 "{\"temp\":38.6,\"result\":\"alert\"}" "typo: 36.8")王五" &&
	cg-quarantine show Q260125-001 >show &&
	test "$(jq -c "[.checks[] | .temp]" show)" = "[36.6,36.8]"
'

test_expect_success 'a correction of a correction, then a void: the case follows' '
	cg-quarantine amend --now ${D1}T16:10:00+08:00 --set temp=36.9 --reason again --by x 6 >a2 &&
	test "$(jq -r "[.amends, .correction_of] | @tsv" a2)" = "$(printf "%s\t%s" $Q/6 $Q/3)" &&
	cg-quarantine void --now ${D1}T16:20:00+08:00 --reason "not measured" --by x 2 >v1 &&
	test "$(jq -r "[.event, .case_id, .voids, .correction_of] | @tsv" v1)" = "$(printf "void\tQ260125-001\t%s\t%s" $Q/2 $Q/2)" &&
	cg-quarantine show Q260125-001 >show &&
	test "$(jq -c "[.checks[] | .temp]" show)" = "[36.9]"
'

test_expect_success 'refused: twice, a replaced check, not a check, unknown, malformed, another compound' '
	test_expect_code 1 cg-quarantine void --now ${D1}T17:00:00+08:00 --reason x 2 2>e &&
	grep -q "^cg-quarantine: check .2. was already voided or amended$" e &&
	test_expect_code 1 cg-quarantine amend --now ${D1}T17:00:00+08:00 --set temp=36.5 --reason x 3 2>e &&
	grep -q "already voided or amended" e &&
	test_expect_code 1 cg-quarantine void --now ${D1}T17:00:00+08:00 --reason x 1 2>e &&
	grep -q "is not a check" e &&
	test_expect_code 1 cg-quarantine void --now ${D1}T17:00:00+08:00 --reason x 99 2>e &&
	grep -q "no record .99. in the quarantine journal" e &&
	test_expect_code 1 cg-quarantine void --now ${D1}T17:00:00+08:00 --reason x X-1/quarantine/2 2>e &&
	grep -q "a record of another compound" e &&
	test_expect_code 1 cg-quarantine void --now ${D1}T17:00:00+08:00 --reason x DEMO-0001/checkin/$D1/2 2>e &&
	grep -q "not a record of this journal" e &&
	test_expect_code 1 cg-quarantine void --now ${D1}T17:00:00+08:00 --reason x 2x 2>e &&
	grep -q "invalid record id" e &&
	test_expect_code 1 cg-quarantine amend --now ${D1}T17:00:00+08:00 --set temp=36.9 --reason x 7 2>e &&
	grep -q "changes nothing" e &&
	test_expect_code 1 cg-quarantine amend --now ${D1}T17:00:00+08:00 --set temp=\"hot\" --reason x 7 2>e &&
	grep -q "is not valid" e &&
	test_expect_code 2 cg-quarantine void --now ${D1}T17:00:00+08:00 7 2>e &&
	grep -q "needs --reason" e &&
	test_expect_code 2 cg-quarantine amend --now ${D1}T17:00:00+08:00 --reason x 7 2>e &&
	test_expect_code 2 cg-quarantine void --now ${D1}T17:00:00+08:00 --reason x 2>e &&
	test_expect_code 2 cg-quarantine amend --now ${D1}T17:00:00+08:00 --set seq=1 --reason x 7 2>e
'

test_expect_success 'the report counts the corrected checks' '
	cg-report --now ${D1}T23:00:00+08:00 --date $D1 >rep &&
	test "$(jq -c "[.cases.checks, .cases.alerts]" rep)" = "[1,0]" &&
	test "$(jq -r ".corrections[] | [.rid, .action, .case_id, .original, .reason] | @tsv" rep)" = "$(printf "%s\n" \
		"$Q/6	amend	Q260125-001	$Q/3	typo: 36.8" \
		"$Q/7	amend	Q260125-001	$Q/3	again" \
		"$Q/8	void	Q260125-001	$Q/2	not measured")" &&
	cg-report --now ${D1}T23:00:00+08:00 --date $D1 --format text >t &&
	grep -q "temp 38.6 → 36.8, result alert → ok" t
'

test_expect_success 'concurrent voids of one check journal exactly one (4 processes, 5 rounds)' '
	round=0 && while [ $round -lt 5 ]; do
		echo "{\"case_id\":\"Q260125-001\",\"temp\":36.5,\"ts\":\"${D1}T18:0$round:00+08:00\"}" |
			cg-quarantine check --now ${D1}T19:00:00+08:00 >c &&
		seq=$(jq -r .seq c) &&
		for p in 1 2 3 4; do
			cg-quarantine void --now ${D1}T19:00:00+08:00 --reason r$round $seq >vo.$p 2>ve.$p &
		done &&
		wait &&
		cat vo.1 vo.2 vo.3 vo.4 >all && test_line_count = 1 all &&
		test "$(cat ve.1 ve.2 ve.3 ve.4 | grep -c "already voided")" = 3 &&
		round=$((round + 1)) || return 1
	done
'

test_expect_success 'list, stats and show from the case index print what a fold prints' '
	quarantine_as_fold 2026-01-26T23:00:00+08:00
'

test_done
