#!/bin/sh
test_description='cg-duty: a task per household under observation ("per":"observed"): due only on the days and slots of each case, done at a household under observation, missed slots; in the report'
. "${0%/*}/../lib/test-lib.sh"
. "$SRC_DIR/tests/fixtures/report/lib.sh"

NOW=2026-01-25T12:00:00+08:00
ts() { printf "2026-01-%sT%s:00+08:00" "$1" "$2"; }

# garbage twice a day (slots 08-14, 14-20), supplies once (the whole day),
# for every household under observation.  Cases (a week, Mon 19 to Sun 25):
#   1-1-101  opened Wed 21 10:00, released Fri 23 09:00
#   2-2-202  opened Thu 22 15:00, still open; a second person of the
#            household opened Fri 23 08:00, closed Sat 24 12:00
#   3-3-303  opened Sat 24 21:00, still open
# A household's slot counts when it was under observation at some time in
# it: 1-1-101 has 08-14 and 14-20 on the 21st, both on the 22nd, 08-14 on
# the 23rd; 2-2-202 has 14-20 on the 22nd, then every slot; 3-3-303 no
# garbage on the 24th (its hours were over), supplies that day.
test_expect_success 'setup: the plan and the cases' '
	write_config "{\"gates\":[\"north\"],\"quarantine\":{\"days\":2,\"min_days\":1},\"duty\":{
	  \"tasks\":{\"garbage\":{\"per\":\"observed\",\"times\":2,\"hours\":[\"08:00\",\"20:00\"]},
	    \"supplies\":{\"per\":\"observed\"}}}}" &&
	echo "{\"name\":\"甲\",\"household\":\"1-1-101\",\"reason\":\"close_contact\"}" |
		cg-quarantine open --now $(ts 21 10:00) >/dev/null &&
	for t in 08:00 18:00; do
		echo "{\"case_id\":\"Q260121-001\",\"temp\":36.5}" |
			cg-quarantine check --now $(ts 22 $t) >/dev/null || return 1
	done &&
	echo "{\"name\":\"乙\",\"household\":\"2-2-202\",\"reason\":\"close_contact\"}" |
		cg-quarantine open --now $(ts 22 15:00) >/dev/null &&
	cg-quarantine release --now $(ts 23 09:00) >released &&
	test "$(jq -r .case_id released)" = Q260121-001 &&
	echo "{\"name\":\"丙\",\"household\":\"2-2-202\",\"reason\":\"close_contact\"}" |
		cg-quarantine open --now $(ts 23 08:00) >/dev/null &&
	echo "{\"case_id\":\"Q260123-001\",\"reason\":\"moved_out\"}" |
		cg-quarantine close --now $(ts 24 12:00) >/dev/null &&
	echo "{\"name\":\"丁\",\"household\":\"3-3-303\",\"reason\":\"close_contact\"}" |
		cg-quarantine open --now $(ts 24 21:00) >/dev/null
'

# Done: 1-1-101 garbage 21 13:00, 22 09:00 and 15:00, 23 08:30; supplies
# 21 11:00.  2-2-202 garbage 22 16:00, 23 09:00, 24 09:00 and 15:00;
# supplies 22 15:30, 23 10:00.
test_expect_success 'done at households under observation, with their slot' '
	printf "%s\n" \
	  "{\"task\":\"garbage\",\"place\":\"1-1-101\",\"ts\":\"$(ts 21 13:00)\",\"by\":\"王\"}" \
	  "{\"task\":\"supplies\",\"place\":\"1-1-101\",\"ts\":\"$(ts 21 11:00)\",\"note\":\"米、油\"}" \
	  "{\"task\":\"garbage\",\"place\":\"1-1-101\",\"ts\":\"$(ts 22 09:00)\"}" \
	  "{\"task\":\"garbage\",\"place\":\"1-1-101\",\"ts\":\"$(ts 22 15:00)\"}" \
	  "{\"task\":\"garbage\",\"place\":\"1-1-101\",\"ts\":\"$(ts 23 08:30)\"}" \
	  "{\"task\":\"garbage\",\"place\":\"2-2-202\",\"ts\":\"$(ts 22 16:00)\"}" \
	  "{\"task\":\"supplies\",\"place\":\"2-2-202\",\"ts\":\"$(ts 22 15:30)\"}" \
	  "{\"task\":\"garbage\",\"place\":\"2-2-202\",\"ts\":\"$(ts 23 09:00)\"}" \
	  "{\"task\":\"supplies\",\"place\":\"2-2-202\",\"ts\":\"$(ts 23 10:00)\"}" \
	  "{\"task\":\"garbage\",\"place\":\"2-2-202\",\"ts\":\"$(ts 24 09:00)\"}" \
	  "{\"task\":\"garbage\",\"place\":\"2-2-202\",\"ts\":\"$(ts 24 15:00)\"}" >in &&
	cg-duty done --now $NOW <in >out &&
	test_line_count = 11 out &&
	jq -r "[.task, .place, .slot, .by // \"-\"] | join(\" \")" out >got &&
	head -n 2 got >first &&
	cat >expect <<-EOF &&
	garbage 1-1-101 2026-01-21 08:00-14:00 王
	supplies 1-1-101 2026-01-21 00:00-24:00 -
	EOF
	test_cmp expect first
'

test_expect_success 'done at a household not under observation then is rejected with FILE:LINE:' '
	cp "$CG_HOME/journal/duty.jsonl" before &&
	printf "%s\n" \
	  "{\"task\":\"garbage\",\"place\":\"1-1-101\",\"ts\":\"$(ts 23 14:30)\"}" \
	  "{\"task\":\"garbage\",\"place\":\"1-1-101\",\"ts\":\"$(ts 20 09:00)\"}" \
	  "{\"task\":\"supplies\",\"place\":\"9-9-909\",\"ts\":\"$(ts 24 10:00)\"}" \
	  "{\"task\":\"garbage\",\"place\":\"2-2-202\",\"ts\":\"$(ts 22 13:00)\"}" |
		test_expect_code 1 cg-duty done --now $NOW >out 2>err &&
	test_line_count = 0 out &&
	grep -q "^cg-duty: stdin:1: household .1-1-101. was not under observation then" err &&
	grep -q "^cg-duty: stdin:2: household .1-1-101. was not under observation then" err &&
	grep -q "^cg-duty: stdin:3: household .9-9-909. was not under observation then" err &&
	grep -q "^cg-duty: stdin:4: household .2-2-202. was not under observation then" err &&
	test_line_count = 4 err &&
	cmp before "$CG_HOME/journal/duty.jsonl"
'

fields() {
	jq -r "[.date, .task, .place, .slots, .done, .due, .missed, (.missed_slots | join(\",\")), .due_slot // \"-\"] | join(\" \")" "$@"
}

test_expect_success 'due, day by day: slots only on the days and hours of observation' '
	for d in 19 20 21 22 23 24; do
		cg-duty due --date 2026-01-$d --now $NOW || return 1
	done >days &&
	fields days >got &&
	cat >expect <<-EOF &&
	2026-01-21 garbage 1-1-101 2 1 0 1 14:00-20:00 -
	2026-01-22 supplies 1-1-101 1 0 0 1 00:00-24:00 -
	2026-01-23 garbage 2-2-202 2 1 0 1 14:00-20:00 -
	2026-01-23 supplies 1-1-101 1 0 0 1 00:00-24:00 -
	2026-01-24 supplies 2-2-202 1 0 0 1 00:00-24:00 -
	2026-01-24 supplies 3-3-303 1 0 0 1 00:00-24:00 -
	EOF
	test_cmp expect got
'

test_expect_success 'due by default: yesterday missed, today due at noon' '
	cg-duty due --now $NOW >out &&
	fields out >got &&
	cat >expect <<-EOF &&
	2026-01-24 supplies 2-2-202 1 0 0 1 00:00-24:00 -
	2026-01-24 supplies 3-3-303 1 0 0 1 00:00-24:00 -
	2026-01-25 garbage 2-2-202 1 0 1 0  08:00-14:00
	2026-01-25 garbage 3-3-303 1 0 1 0  08:00-14:00
	2026-01-25 supplies 2-2-202 1 0 1 0  00:00-24:00
	2026-01-25 supplies 3-3-303 1 0 1 0  00:00-24:00
	EOF
	test_cmp expect got &&
	jq -r "[.status, .severity] | join(\" \")" out | sort | uniq -c | sed "s/^ *//" >got &&
	printf "%s\n" "4 due notice" "2 missed warning" >expect &&
	test_cmp expect got
'

test_expect_success 'the same without the case index (the journal folded)' '
	cg-duty due --now $NOW >with &&
	mv "$CG_HOME/index" index.keep && touch "$CG_HOME/index" &&
	cg-duty due --now $NOW >without 2>err &&
	rm "$CG_HOME/index" && mv index.keep "$CG_HOME/index" &&
	test_line_count = 6 without &&
	cmp with without
'

test_expect_success 'due as text: the household, no person' '
	cg-duty due --format text --now $NOW >out &&
	grep -q "^2026-01-25  garbage  *3-3-303  *due  *0/1 done" out &&
	! grep -q "丁" out
'

# Concurrent: N done of the task at once, while cases are opened (the
# case index brought up to the journal by whoever opens it first).
N=6
test_expect_success "concurrent: $N done at households under observation while $N cases open" '
	before=$(wc -l <"$CG_HOME/journal/duty.jsonl") &&
	p=1 && while [ $p -le $N ]; do
		cg-duty done --task supplies --place 2-2-202 --at $(ts 25 0$p:00) --now $NOW >d.$p 2>e.$p &
		echo "{\"name\":\"戊$p\",\"household\":\"5-5-50$p\",\"reason\":\"close_contact\"}" |
			cg-quarantine open --now $(ts 25 11:0$p) >q.$p 2>r.$p &
		p=$((p + 1))
	done &&
	wait &&
	cat d.* >done.all && test_line_count = $N done.all &&
	cat q.* >opened && test_line_count = $N opened &&
	test "$(cat e.* r.* | grep -vc "waiting for another")" = 0 &&
	test_line_count = $((before + N)) "$CG_HOME/journal/duty.jsonl" &&
	jq -r .seq "$CG_HOME/journal/duty.jsonl" >seqs && seq 1 $((before + N)) >expect &&
	test_cmp expect seqs &&
	cg-duty due --date 2026-01-25 --now $NOW | jq -r "select(.task == \"garbage\") | .place" >got &&
	printf "%s\n" 2-2-202 3-3-303 5-5-501 5-5-502 5-5-503 5-5-504 5-5-505 5-5-506 >expect &&
	test_cmp expect got
'

test_expect_success 'no quarantine journal: the task has no places' '
	CG_HOME=$TRASH/none && write_config "{\"gates\":[\"north\"],\"duty\":{
	  \"tasks\":{\"supplies\":{\"per\":\"observed\"}}}}" &&
	cg-duty due --now $NOW >out &&
	test_line_count = 0 out &&
	test_expect_code 1 cg-duty done --task supplies --place 1-1-101 --now $NOW 2>err &&
	grep -q "was not under observation" err
'

test_expect_success 'the plan: "per":"observed" with places or a shift is refused' '
	CG_HOME=$TRASH/bad && write_config "{\"gates\":[\"north\"],\"duty\":{
	  \"tasks\":{\"supplies\":{\"per\":\"observed\",\"places\":[\"a\"]}}}}" &&
	test_expect_code 3 cg-duty due --now $NOW 2>err &&
	grep -q "duty.tasks.supplies" err
'

# The report of the 23rd: garbage 1-1-101 1 slot done, 2-2-202 2 slots,
# 1 done, 1 missed; supplies 1-1-101 missed, 2-2-202 done.
test_expect_success 'the report counts the slots of households under observation' '
	cg_report --date 2026-01-23 --now $NOW >rep.json &&
	jq -c ".duty.tasks" rep.json >got &&
	echo "{\"garbage\":{\"slots\":3,\"done\":2,\"missed\":1},\"supplies\":{\"slots\":2,\"done\":1,\"missed\":1}}" >expect &&
	test_cmp expect got
'

test_done
