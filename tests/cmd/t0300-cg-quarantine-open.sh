#!/bin/sh
test_description='cg-quarantine open: cases, ids, existing cases, day counting'
. "${0%/*}/../lib/test-lib.sh"
. "$SRC_DIR/tests/lib/quarantine-fold.sh"

ID_A=110101199003074514
ID_B=310104198506151237
ID_C=510107200012298761
P_A="\"name\":\"张三\",\"id_no\":\"$ID_A\",\"household\":\"3-2-501\""
P_B="\"name\":\"李四\",\"id_no\":\"$ID_B\",\"phone\":\"13812348000\",\"household\":\"3-2-502\""

test_expect_success 'open: one case out, journaled as printed' '
	echo "{$P_A,\"reason\":\"risk_area_return\",\"from\":\"武汉市\",\"officer\":\"王五\"}" |
		cg-quarantine open --now 2026-01-25T09:00:00+08:00 >out &&
	test_line_count = 1 out &&
	cmp out "$CG_HOME/journal/quarantine.jsonl" &&
	jq -c "del(.chain)" out >actual &&
	cat >expect <<-EOF &&
	{"ts":"2026-01-25T09:00:00+08:00","compound":"DEMO-0001","event":"open","case_id":"Q260125-001","name":"张三","id_no":"$ID_A","household":"3-2-501","reason":"risk_area_return","from":"武汉市","start":"2026-01-25","days":14,"end":"2026-02-07","officer":"王五","status":"open","seq":1}
	EOF
	test_cmp expect actual
'

test_expect_success 'opening again for a person with an open case returns it, journals nothing' '
	cp "$CG_HOME/journal/quarantine.jsonl" before &&
	echo "{$P_A,\"reason\":\"close_contact\",\"days\":21}" |
		cg-quarantine open --now 2026-01-26T09:00:00+08:00 >out &&
	cmp before "$CG_HOME/journal/quarantine.jsonl" &&
	test "$(jq -r "[.case_id, .existing, .status, .start, .end, .reason] | join(\" \")" out)" = \
		"Q260125-001 true open 2026-01-25 2026-02-07 risk_area_return" &&
	test "$(jq -r "has(\"seq\")" out)" = false
'

test_expect_success 'the same person by phone only, or ID in lower case, is the same case' '
	echo "{$P_B,\"reason\":\"close_contact\"}" | cg-quarantine open --now 2026-01-25T10:00:00+08:00 >out &&
	test "$(jq -r .case_id out)" = Q260125-002 &&
	echo "{\"name\":\"李四\",\"phone\":\"+86 138 1234 8000\",\"reason\":\"other\"}" |
		cg-quarantine open --now 2026-01-25T11:00:00+08:00 >out &&
	test "$(jq -r ".case_id + \" \" + (.existing|tostring)" out)" = "Q260125-002 true"
'

test_expect_success 'someone else under the same phone gets their own case' '
	echo "{\"name\":\"王六\",\"id_no\":\"$ID_C\",\"phone\":\"13812348000\",\"reason\":\"other\"}" |
		cg-quarantine open --now 2026-01-25T12:00:00+08:00 >out &&
	test "$(jq -r ".case_id + \" \" + (.existing // false | tostring)" out)" = "Q260125-003 false"
'

test_expect_success 'case ids: open date and running number, derived from the journal' '
	printf "%s\n" "{\"name\":\"甲\",\"household\":\"1-1-101\",\"reason\":\"other\"}" \
		"{\"name\":\"乙\",\"household\":\"1-1-102\",\"reason\":\"other\"}" |
		cg-quarantine open --now 2026-01-26T08:00:00+08:00 >out &&
	field case_id out >actual &&
	printf "%s\n" Q260126-001 Q260126-002 >expect &&
	test_cmp expect actual &&
	echo "{\"name\":\"丙\",\"household\":\"1-1-103\",\"reason\":\"other\"}" |
		cg-quarantine open --now 2026-01-26T09:00:00+08:00 >out &&
	test "$(field case_id out)" = Q260126-003 &&
	echo "{\"name\":\"丁\",\"household\":\"1-1-104\",\"reason\":\"other\",\"ts\":\"2026-01-25T20:00:00+08:00\"}" |
		cg-quarantine open --now 2026-01-26T09:00:00+08:00 >out &&
	test "$(field case_id out)" = Q260125-004
'

test_expect_success 'case ids stay unique when two runs open cases at once' '
	rm -rf "$CG_HOME" &&
	for i in 1 2 3 4 5 6 7 8 9; do
		echo "{\"name\":\"A$i\",\"household\":\"1-1-10$i\",\"reason\":\"other\"}"
	done >a.jsonl &&
	sed "s/\"A/\"B/; s/1-1-/2-1-/" a.jsonl >b.jsonl &&
	{ cg-quarantine open --line-buffered --now 2026-01-27T08:00:00+08:00 a.jsonl >a.out &
	  cg-quarantine open --line-buffered --now 2026-01-27T08:00:00+08:00 b.jsonl >b.out; wait; } &&
	cat a.out b.out | field case_id | sort >ids &&
	test_line_count = 18 ids &&
	sort -u ids >uniq && test_cmp ids uniq &&
	tail -n 1 ids | grep -x Q260127-018
'

test_expect_success 'unknown fields pass through; fields the command sets are replaced' '
	echo "{\"name\":\"戊\",\"household\":\"1-1-105\",\"reason\":\"other\",\"case_id\":\"X1\",\"end\":\"2030-01-01\",\"status\":\"closed\",\"seq\":9,\"compound\":\"EVIL\",\"ticket\":\"T-17\",\"note\":\"楼下\"}" |
		cg-quarantine open --now 2026-01-28T08:00:00+08:00 >out &&
	jq -c "{case_id, \"end\": .end, status, compound, ticket, note, seq}" out >actual &&
	echo "{\"case_id\":\"Q260128-001\",\"end\":\"2026-02-10\",\"status\":\"open\",\"compound\":\"DEMO-0001\",\"ticket\":\"T-17\",\"note\":\"楼下\",\"seq\":19}" >expect &&
	test_cmp expect actual
'

test_expect_success 'the compound code comes from the configuration' '
	write_config "{\"compound\":{\"code\":\"310104-012\"}}" &&
	test_when_finished "rm -f \"\$CG_HOME/config.json\"" &&
	echo "{\"name\":\"己\",\"household\":\"1-1-106\",\"reason\":\"other\"}" |
		cg-quarantine open -n --now 2026-01-28T08:00:00+08:00 >out &&
	test "$(field compound out)" = 310104-012
'

# Day counting: day 1 is the start date, the end is day "days".
# Each line: the record's extra fields | --now | start end days.
cat >golden <<'EOF'
"start":"2026-01-25T23:59:00+08:00"|2026-01-25T23:59:30+08:00|2026-01-25 2026-02-07 14
"start":"2026-01-25T00:00:00+08:00"|2026-01-25T08:00:00+08:00|2026-01-25 2026-02-07 14
"start":"2026-01-25T23:59:00Z"|2026-01-26T08:00:00+08:00|2026-01-26 2026-02-08 14
"start":"2026-01-31"|2026-01-31T08:00:00+08:00|2026-01-31 2026-02-13 14
"start":"2028-02-20"|2028-02-20T08:00:00+08:00|2028-02-20 2028-03-04 14
"start":"2027-02-20"|2027-02-20T08:00:00+08:00|2027-02-20 2027-03-05 14
"start":"2028-02-29","days":14|2028-02-29T08:00:00+08:00|2028-02-29 2028-03-13 14
"start":"2026-12-25"|2026-12-25T08:00:00+08:00|2026-12-25 2027-01-07 14
"days":21|2026-01-25T23:59:59+08:00|2026-01-25 2026-02-14 21
"ts":"2026-01-20T10:00:00+08:00"|2026-01-25T08:00:00+08:00|2026-01-20 2026-02-02 14
"start":"2026-01-20"|2026-01-25T08:00:00+08:00|2026-01-20 2026-02-02 14
EOF

test_expect_success 'day counting golden cases (TZ=Asia/Shanghai)' '
	rm -rf "$CG_HOME" &&
	: >actual &&
	: >expect &&
	while IFS="|" read -r extra now want
	do
		echo "{\"name\":\"甲\",\"household\":\"1-1-101\",\"reason\":\"other\",$extra}" |
			cg-quarantine open -n --now "$now" >out &&
		echo "$extra => $(jq -r "[.start, .end, (.days|tostring)] | join(\" \")" out)" >>actual &&
		echo "$extra => $want" >>expect || return 1
	done <golden &&
	test_cmp expect actual
'

test_expect_success 'days: 1 day ends on its start date (with quarantine.min_days 1)' '
	write_config "{\"quarantine\":{\"min_days\":1}}" &&
	test_when_finished "rm -f \"\$CG_HOME/config.json\"" &&
	echo "{\"name\":\"甲\",\"household\":\"1-1-101\",\"reason\":\"other\",\"start\":\"2026-01-31\",\"days\":1}" |
		cg-quarantine open -n --now 2026-01-31T08:00:00+08:00 >out &&
	test "$(jq -r ".start + \" \" + .end" out)" = "2026-01-31 2026-01-31"
'

test_expect_success 'days default from the policy (quarantine.days), and --days' '
	write_config "{\"quarantine\":{\"days\":7,\"min_days\":7}}" &&
	test_when_finished "rm -f \"\$CG_HOME/config.json\"" &&
	echo "{\"name\":\"甲\",\"household\":\"1-1-101\",\"reason\":\"other\",\"start\":\"2026-01-25\"}" >in &&
	cg-quarantine open -n --now 2026-01-25T08:00:00+08:00 <in >out &&
	test "$(jq -r ".end + \" \" + (.days|tostring)" out)" = "2026-01-31 7" &&
	cg-quarantine open -n --days 10 --now 2026-01-25T08:00:00+08:00 <in >out &&
	test "$(jq -r ".end + \" \" + (.days|tostring)" out)" = "2026-02-03 10"
'

test_expect_success 'days below quarantine.min_days or above 365 are refused' '
	echo "{\"name\":\"甲\",\"household\":\"1-1-101\",\"reason\":\"other\",\"days\":7}" >in &&
	test_expect_code 1 cg-quarantine open -n --now "$NOW" <in >out 2>err &&
	grep -q "stdin:1: .days. must be at least 14 (quarantine.min_days), not 7" err &&
	echo "{\"name\":\"甲\",\"household\":\"1-1-101\",\"reason\":\"other\",\"days\":366}" >in &&
	test_expect_code 1 cg-quarantine open -n --now "$NOW" <in >out 2>err &&
	grep -q "stdin:1: .days. must be from 1 to 365, not 366" err &&
	test_expect_code 1 cg-quarantine open -n --days 7 --now "$NOW" <in 2>err &&
	test_must_fail test -s out
'

test_expect_success 'every reason code is accepted, others are not' '
	for r in risk_area_return close_contact secondary_contact other; do
		echo "{\"name\":\"甲\",\"household\":\"1-1-101\",\"reason\":\"$r\"}" |
			cg-quarantine open -n --now "$NOW" >out || return 1
		test "$(field reason out)" = "$r" || return 1
	done &&
	echo "{\"name\":\"甲\",\"household\":\"1-1-101\",\"reason\":\"holiday\"}" |
		test_expect_code 1 cg-quarantine open -n --now "$NOW" 2>err &&
	grep -q "unknown reason .holiday. (risk_area_return, close_contact, secondary_contact, other)" err
'

test_expect_success 'the gate denies a person with an open case going out' '
	rm -rf "$CG_HOME" &&
	echo "{$P_A,\"reason\":\"close_contact\"}" | cg-quarantine open --now "$NOW" >/dev/null &&
	expect_verdict "{\"gate\":\"north\",\"kind\":\"resident\",\"dir\":\"out\",\"mask\":true,\"id_no\":\"$ID_A\"}" \
		"deny quarantined" &&
	expect_verdict "{\"gate\":\"north\",\"kind\":\"resident\",\"dir\":\"out\",\"mask\":true,\"id_no\":\"$ID_B\"}" \
		"admit"
'

test_expect_success '--dry-run journals nothing' '
	cp "$CG_HOME/journal/quarantine.jsonl" before &&
	echo "{$P_B,\"reason\":\"close_contact\"}" | cg-quarantine open --dry-run --now "$NOW" >out &&
	test "$(field case_id out)" = Q260125-002 &&
	test "$(jq -r "has(\"seq\")" out)" = false &&
	cmp before "$CG_HOME/journal/quarantine.jsonl"
'

test_expect_success 'list, stats and show from the case index print what a fold prints' '
	quarantine_as_fold 2026-02-15T12:00:00+08:00
'

test_done
