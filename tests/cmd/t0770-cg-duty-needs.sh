#!/bin/sh
test_description='cg-duty and cg-quarantine need: the open needs of households under observation in due, their delivery by done (need_done in the quarantine journal); bad input; concurrent deliveries'
. "${0%/*}/../lib/test-lib.sh"

D1=2026-01-25
D2=2026-01-26
T=${D2}T10:00:00+08:00

test_expect_success 'setup: two cases under observation, three needs asked' '
	write_config "{\"gates\":[\"north\"]}" &&
	echo "{\"name\":\"甲\",\"household\":\"1-1-101\",\"reason\":\"close_contact\"}" |
		cg-quarantine open --now ${D1}T08:00:00+08:00 >/dev/null &&
	echo "{\"name\":\"乙\",\"household\":\"1-1-102\",\"reason\":\"close_contact\"}" |
		cg-quarantine open --now ${D1}T08:00:00+08:00 >/dev/null &&
	printf "%s\n" "{\"case_id\":\"Q260125-001\",\"need\":\"supplies\",\"note\":\"米、油\"}" \
		"{\"case_id\":\"Q260125-001\",\"need\":\"garbage\",\"ts\":\"${D1}T09:05:00+08:00\"}" |
		cg-quarantine need --now ${D1}T09:00:00+08:00 >/dev/null &&
	echo "{\"case_id\":\"Q260125-002\",\"need\":\"supplies\"}" |
		cg-quarantine need --now ${D2}T08:00:00+08:00 >/dev/null
'

# Hand-computed at 10:00 on the 26th: N1 asked 25 h before (1500 min), N2
# 24 h 55 min (1495), both on the 25th, a day that has ended: missed;
# 002-N1 asked at 08:00 today (120): due.
test_expect_success 'due lists the open needs: household, need, minutes open, missed after their day' '
	cg-duty due --now $T >out &&
	jq -c "[.date, .task, .place, .need_id, .need, .case_id, .asked, .open_min, .status, .severity]" out >got &&
	cat >expect <<-EOF &&
	["$D2","need","1-1-101","Q260125-001-N1","supplies","Q260125-001","${D1}T09:00:00+08:00",1500,"missed","warning"]
	["$D2","need","1-1-101","Q260125-001-N2","garbage","Q260125-001","${D1}T09:05:00+08:00",1495,"missed","warning"]
	["$D2","need","1-1-102","Q260125-002-N1","supplies","Q260125-002","${D2}T08:00:00+08:00",120,"due","notice"]
	EOF
	test_cmp expect got &&
	cg-duty due --date $D1 --now $T >past &&
	test_line_count = 0 past
'

test_expect_success 'due as text for a person' '
	cg-duty due --format text --now $T >out &&
	grep -q "^$D2  errand  *1-1-102  *due  *supplies  *Q260125-002-N1 asked 01-26 08:00$" out &&
	grep -q "^$D2  errand  *1-1-101  *not done  *garbage  *Q260125-001-N2 asked 01-25 09:05$" out
'

test_expect_success 'done --need: need_done in the quarantine journal, then done in the duty journal' '
	cg-duty done --need Q260125-001-N1 --by 李四 --now $T >out &&
	jq -c "[.event, .task, .place, .need_id, .need, .by, .seq]" out >got &&
	echo "[\"done\",\"need\",\"1-1-101\",\"Q260125-001-N1\",\"supplies\",\"李四\",1]" >expect &&
	test_cmp expect got &&
	cmp out "$CG_HOME/journal/duty.jsonl" &&
	tail -n 1 "$CG_HOME/journal/quarantine.jsonl" |
		jq -c "[.event, .case_id, .need_id, .need, .by, .ts]" >got &&
	echo "[\"need_done\",\"Q260125-001\",\"Q260125-001-N1\",\"supplies\",\"李四\",\"$T\"]" >expect &&
	test_cmp expect got &&
	cg-quarantine show Q260125-001 --now $T | jq -c "[.needs[] | .done]" >got &&
	echo "[true,false]" >expect &&
	test_cmp expect got &&
	cg-duty due --now $T | jq -r .need_id >got &&
	printf "%s\n" Q260125-001-N2 Q260125-002-N1 >expect &&
	test_cmp expect got
'

test_expect_success 'done with need_id from records; free fields go to both journals' '
	echo "{\"need_id\":\"Q260125-001-N2\",\"by\":\"王五\",\"note\":\"两袋\"}" |
		cg-duty done --now $T >out &&
	jq -c "[.task, .need, .note, .seq]" out >got &&
	echo "[\"need\",\"garbage\",\"两袋\",2]" >expect &&
	test_cmp expect got &&
	tail -n 1 "$CG_HOME/journal/quarantine.jsonl" | jq -r .note >got &&
	echo 两袋 >expect &&
	test_cmp expect got
'

test_expect_success 'bad deliveries are rejected with FILE:LINE: and journal nothing' '
	cp "$CG_HOME/journal/quarantine.jsonl" q.before &&
	cp "$CG_HOME/journal/duty.jsonl" d.before &&
	printf "%s\n" "{\"need_id\":\"Q260125-001-N1\"}" "{\"need_id\":\"Q260125-009-N1\"}" \
		"{\"need_id\":\"Q260125-002-N1\",\"task\":\"disinfect\"}" "{\"need_id\":7}" \
		"{\"need_id\":\"\"}" "{\"need_id\":\"Q260125-002-N1\",\"ts\":\"2027-01-01T00:00:00+08:00\"}" \
		"{\"need_id\":\"Q260125-002-N1\",\"by\":3}" "{\"need_id\":\"Q260125-002-N1\"" >in &&
	test_expect_code 1 cg-duty done --now $T <in >out 2>err &&
	test_line_count = 0 out &&
	grep -q "^cg-duty: stdin:1: need .Q260125-001-N1. is already done" err &&
	grep -q "^cg-duty: stdin:2: unknown need .Q260125-009-N1." err &&
	grep -q "^cg-duty: stdin:3: .need_id. delivers a need: no .task." err &&
	grep -q "^cg-duty: stdin:4: " err &&
	grep -q "^cg-duty: stdin:5: " err &&
	grep -q "^cg-duty: stdin:6: .ts. .* is in the future" err &&
	grep -q "^cg-duty: stdin:7: " err &&
	grep -q "^cg-duty: stdin:8: " err &&
	test "$(wc -l <err)" = 8 &&
	cmp q.before "$CG_HOME/journal/quarantine.jsonl" &&
	cmp d.before "$CG_HOME/journal/duty.jsonl"
'

test_expect_success 'usage: --need not with --task or --place' '
	test_expect_code 2 cg-duty done --need Q260125-002-N1 --task disinfect --place lift-1 2>err &&
	grep -q "need goes without" err
'

test_expect_success 'a dry run checks, journals nothing, and refuses the same need twice' '
	printf "%s\n" "{\"need_id\":\"Q260125-002-N1\"}" "{\"need_id\":\"Q260125-002-N1\"}" |
		test_expect_code 1 cg-duty done -n --now $T >out 2>err &&
	test_line_count = 1 out &&
	test "$(jq .seq out)" = null &&
	grep -q -- "stdin:2: need .Q260125-002-N1. is already done" err &&
	cmp q.before "$CG_HOME/journal/quarantine.jsonl" &&
	cmp d.before "$CG_HOME/journal/duty.jsonl"
'

test_expect_success 'the needs of an ended case leave due' '
	echo "{\"case_id\":\"Q260125-002\",\"reason\":\"cancelled\"}" |
		cg-quarantine close --now $T >/dev/null &&
	cg-duty due --now $T >out &&
	test_line_count = 0 out
'

test_expect_success 'no quarantine journal: due and done without needs work as before' '
	CG_HOME=$TRASH/plain && write_config "{\"gates\":[\"north\"]}" &&
	cg-duty due --now $T >out &&
	test_line_count = 0 out &&
	test_expect_code 1 cg-duty done --need Q260125-001-N1 --now $T 2>err &&
	grep -q "unknown need" err
'

# Concurrent: N processes deliver the same need, and N others each
# a need of their own, at once.
N=6
test_expect_success "concurrent: $N deliveries of one need, exactly one wins; $N of $N needs, all journaled once" '
	CG_HOME=$TRASH/conc && write_config "{\"gates\":[\"north\"]}" &&
	echo "{\"name\":\"丙\",\"household\":\"2-1-101\",\"reason\":\"close_contact\"}" |
		cg-quarantine open --now ${D2}T08:00:00+08:00 >/dev/null &&
	i=0 && while [ $i -le $N ]; do
		echo "{\"case_id\":\"Q260126-001\",\"need\":\"supplies\"}"; i=$((i + 1))
	done | cg-quarantine need --now ${D2}T09:00:00+08:00 >/dev/null &&
	p=1 && while [ $p -le $N ]; do
		cg-duty done --need Q260126-001-N1 --now $T >w.$p 2>x.$p &
		cg-duty done --need Q260126-001-N$((p + 1)) --now $T >y.$p 2>z.$p &
		p=$((p + 1))
	done &&
	wait &&
	cat w.* >won && test_line_count = 1 won &&
	test "$(cat x.* | grep -c "is already done")" = $((N - 1)) &&
	cat y.* >all && test_line_count = $N all &&
	test "$(cat z.* | grep -vc "waiting for another")" = 0 &&
	test "$(grep -c "\"need_done\"" "$CG_HOME/journal/quarantine.jsonl")" = $((N + 1)) &&
	test_line_count = $((N + 1)) "$CG_HOME/journal/duty.jsonl" &&
	jq -r .seq "$CG_HOME/journal/duty.jsonl" >seqs && seq 1 $((N + 1)) >expect &&
	test_cmp expect seqs &&
	cg-duty due --now $T >left && test_line_count = 0 left
'

test_done
