#!/bin/sh
test_description='cg-duty: a simulated week (roster with a gap, disinfection missed on one day, a missed care call, a staff fever, stock running down), every figure hand-computed'
. "${0%/*}/../lib/test-lib.sh"

NOW=2026-01-25T12:00:00+08:00

# The plan: north staffed in three shifts; two places disinfected three
# times between 06:00 and 21:00 (slots 06-11, 11-16, 16-21); a patrol
# every two hours from 22:00 to 06:00 (4 slots, the night belongs to the
# day it starts); a staff temperature per shift; a call a day to each of
# two care households; masks with a minimum of 200.
test_expect_success 'setup: the plan' '
	write_config "{\"gates\":[\"north\",\"south\"],\"duty\":{
	  \"roster\":{\"north\":[[\"00:00\",\"08:00\"],[\"08:00\",\"16:00\"],[\"16:00\",\"24:00\"]]},
	  \"tasks\":{
	    \"disinfect\":{\"places\":[\"lift-1\",\"gs-1\"],\"times\":3,\"hours\":[\"06:00\",\"21:00\"]},
	    \"patrol\":{\"places\":[\"compound\"],\"every_min\":120,\"hours\":[\"22:00\",\"06:00\"]},
	    \"staff_temp\":{\"per\":\"shift\"},
	    \"care_call\":{\"per\":\"care\"}},
	  \"care\":{
	    \"C01\":{\"name\":\"张三\",\"household\":\"3-2-501\",\"phone\":\"13812348000\",\"needs\":[\"shopping\"]},
	    \"C02\":{\"name\":\"李四\",\"household\":\"5-1-302\",\"contact\":\"李小四\",\"contact_phone\":\"13900001111\"}},
	  \"stock\":{\"mask\":{\"unit\":\"piece\",\"min\":200}}}}"
'

# The week: 19 to 24 January whole, 25 January up to noon.  The guard of
# the 16:00 shift of the 23rd signs on at 16:45 (45 minutes with nobody);
# nobody disinfects lift-1 on the 22nd; nobody calls C02 on the 23rd; the
# guard of the 16:00 shift of the 24th has 37.6.
ts() { printf "2026-01-%sT%s:00+08:00" "$1" "$2"; }

guards() {
	for d in 19 20 21 22 23 24; do
		[ $d = 19 ] || echo "{\"guard\":\"丙\",\"ts\":\"$(ts $d 00:00)\",\"event\":\"off\"}"
		echo "{\"guard\":\"甲\",\"gate\":\"north\",\"ts\":\"$(ts $d 00:00)\",\"event\":\"on\"}"
		echo "{\"guard\":\"甲\",\"ts\":\"$(ts $d 08:00)\",\"event\":\"off\"}"
		echo "{\"guard\":\"乙\",\"gate\":\"north\",\"ts\":\"$(ts $d 08:00)\",\"event\":\"on\"}"
		echo "{\"guard\":\"乙\",\"ts\":\"$(ts $d 16:00)\",\"event\":\"off\"}"
		if [ $d = 23 ]; then on=16:45; else on=16:00; fi
		echo "{\"guard\":\"丙\",\"gate\":\"north\",\"ts\":\"$(ts $d $on)\",\"event\":\"on\"}"
	done
	echo "{\"guard\":\"丙\",\"ts\":\"$(ts 25 00:00)\",\"event\":\"off\"}"
	echo "{\"guard\":\"甲\",\"gate\":\"north\",\"ts\":\"$(ts 25 00:00)\",\"event\":\"on\"}"
	echo "{\"guard\":\"甲\",\"ts\":\"$(ts 25 08:00)\",\"event\":\"off\"}"
	echo "{\"guard\":\"乙\",\"gate\":\"north\",\"ts\":\"$(ts 25 08:00)\",\"event\":\"on\"}"
}

done_day() {
	d=$1
	for s in 06:30 11:30 16:30; do
		[ $d = 22 ] || echo "{\"task\":\"disinfect\",\"place\":\"lift-1\",\"ts\":\"$(ts $d $s)\",\"agent\":\"84消毒液\"}"
		echo "{\"task\":\"disinfect\",\"place\":\"gs-1\",\"ts\":\"$(ts $d $s)\"}"
	done
	for s in 00:10 08:10 16:10; do
		t=36.5; [ $d$s = 2416:10 ] && t=37.6
		echo "{\"task\":\"staff_temp\",\"place\":\"north\",\"ts\":\"$(ts $d $s)\",\"temp\":$t}"
	done
	echo "{\"task\":\"care_call\",\"place\":\"C01\",\"ts\":\"$(ts $d 10:00)\",\"by\":\"王\"}"
	[ $d = 23 ] || echo "{\"task\":\"care_call\",\"place\":\"C02\",\"ts\":\"$(ts $d 10:00)\",\"by\":\"王\"}"
	echo "{\"task\":\"patrol\",\"place\":\"compound\",\"ts\":\"$(ts $d 22:30)\"}"
	n=$((d + 1))
	for s in 00:30 02:30 04:30; do
		echo "{\"task\":\"patrol\",\"place\":\"compound\",\"ts\":\"$(ts $n $s)\"}"
	done
}

test_expect_success 'setup: the week journaled' '
	guards >g.jsonl &&
	# on and off alternate in time: feed them in order, one at a time.
	while read -r l; do
		case $l in
		*\"on\"*) echo "$l" | jq -c "del(.event)" | cg-duty on --now $NOW ;;
		*) echo "$l" | jq -c "del(.event)" | cg-duty off --now $NOW ;;
		esac || return 1
	done <g.jsonl >guards.out &&
	test_line_count = $(wc -l <g.jsonl) guards.out &&
	for d in 19 20 21 22 23 24; do done_day $d; done >done.jsonl &&
	echo "{\"task\":\"disinfect\",\"place\":\"lift-1\",\"ts\":\"$(ts 25 06:30)\"}" >>done.jsonl &&
	echo "{\"task\":\"disinfect\",\"place\":\"gs-1\",\"ts\":\"$(ts 25 06:30)\"}" >>done.jsonl &&
	echo "{\"task\":\"staff_temp\",\"place\":\"north\",\"ts\":\"$(ts 25 00:10)\",\"temp\":36.4}" >>done.jsonl &&
	echo "{\"task\":\"staff_temp\",\"place\":\"north\",\"ts\":\"$(ts 25 08:10)\",\"temp\":36.4}" >>done.jsonl &&
	echo "{\"task\":\"care_call\",\"place\":\"C01\",\"ts\":\"$(ts 25 10:00)\"}" >>done.jsonl &&
	cg-duty done -v --now $NOW <done.jsonl >done.out 2>done.err &&
	grep -q "accepted (1 alerts), 0 rejected" done.err &&
	test "$(jq -r .event done.out | sort | uniq -c | tr -s " ")" = " 1 alert
 $(wc -l <done.jsonl | tr -d " ") done"
'

test_expect_success 'the staff fever is an alert event after its done' '
	jq -c "select(.event == \"alert\") | [.ts, .task, .place, .temp, .reason, .severity]" done.out >got &&
	echo "[\"2026-01-24T16:10:00+08:00\",\"staff_temp\",\"north\",37.6,\"staff_fever\",\"alert\"]" >expect &&
	test_cmp expect got
'

# Noon of the 25th: yesterday is all done; today lift-1 and gs-1 are due
# in the 11:00-16:00 slot (one done, the 06:00-11:00 one), C02 has not
# been called yet; the 08:00 shift is covered, the patrol not started.
test_expect_success 'due now: what is due today, nothing missed' '
	cg-duty due --now $NOW >out &&
	jq -c "[.date, .task, .place, .status, .slots, .done, .due, .missed, .due_slot]" out >got &&
	cat >expect <<-\EOF &&
	["2026-01-25","disinfect","lift-1","due",2,1,1,0,"11:00-16:00"]
	["2026-01-25","disinfect","gs-1","due",2,1,1,0,"11:00-16:00"]
	["2026-01-25","care_call","C02","due",1,0,1,0,"00:00-24:00"]
	EOF
	test_cmp expect got
'

test_expect_success 'the 22nd: the three rounds of lift-1 missed' '
	cg-duty due --date 2026-01-22 --now $NOW >out &&
	jq -c "[.task, .place, .status, .slots, .done, .missed, .missed_slots, .severity]" out >got &&
	echo "[\"disinfect\",\"lift-1\",\"missed\",3,0,3,[\"06:00-11:00\",\"11:00-16:00\",\"16:00-21:00\"],\"warning\"]" >expect &&
	test_cmp expect got
'

test_expect_success 'the 23rd: 45 minutes of the 16:00 shift with nobody on, C02 not called' '
	cg-duty due --date 2026-01-23 --now $NOW >out &&
	jq -c "[.task, .place, .status, .shift, .staffed_min, .unstaffed_min, .missed]" out >got &&
	cat >expect <<-\EOF &&
	["shift","north","missed","16:00-24:00",435,45,null]
	["care_call","C02","missed",null,null,null,1]
	EOF
	test_cmp expect got
'

test_expect_success 'the other days: nothing due or missed' '
	for d in 19 20 21 24; do
		cg-duty due --date 2026-01-$d --now $NOW >out &&
		test_line_count = 0 out || return 1
	done
'

test_expect_success 'done: bad input is FILE:LINE and kept whole' '
	printf "%s\n" "{\"task\":\"disinfect\",\"place\":\"gs-1\"}" \
		"{\"task\":\"disinfect\",\"place\":\"lift-9\"}" \
		"{\"task\":\"sweep\",\"place\":\"gs-1\"}" \
		"{\"task\":\"staff_temp\",\"place\":\"south\"}" \
		"{\"task\":\"care_call\",\"place\":\"C99\"}" \
		"{\"task\":\"staff_temp\",\"place\":\"north\",\"temp\":\"hot\"}" \
		"{\"task\":\"staff_temp\",\"place\":\"north\",\"temp\":45}" \
		"{\"place\":\"gs-1\"}" \
		"{\"task\":\"disinfect\"}" \
		"{\"task\":\"disinfect\",\"place\":\"gs-1\",\"by\":3}" \
		"{\"task\":\"disinfect\",\"place\":\"gs-1\",\"ts\":\"2026-02-30T00:00:00+08:00\"}" \
		"{\"task\":\"disinfect\",\"pla" >in &&
	test_expect_code 1 cg-duty done -n --now $NOW --rejects rej <in >out 2>err &&
	test_line_count = 1 out &&
	test_line_count = 11 err &&
	sed 1d in >expect && test_cmp expect rej &&
	grep -q "^cg-duty: stdin:2: unknown place .lift-9. for this task" err &&
	grep -q "^cg-duty: stdin:3: unknown task .sweep." err &&
	grep -q "^cg-duty: stdin:4: unknown place .south." err &&
	grep -q "^cg-duty: stdin:5: unknown place .C99." err &&
	grep -q "^cg-duty: stdin:6: .temp. must be a number" err &&
	grep -q "^cg-duty: stdin:7: implausible temperature 45.0" err &&
	grep -q "^cg-duty: stdin:8: missing field .task." err &&
	grep -q "^cg-duty: stdin:9: missing field .place." err &&
	grep -q "^cg-duty: stdin:10: .by. must be a string" err &&
	grep -q "^cg-duty: stdin:11: .ts. is not an RFC 3339 time" err &&
	grep -q "^cg-duty: stdin:12: invalid JSON" err
'

test_expect_success 'done from the options' '
	cg-duty done -n --task disinfect --place gs-1 --by 李 --at 2026-01-25T11:40:00+08:00 --now $NOW >out &&
	jq -c "[.ts, .event, .task, .place, .by]" out >got &&
	echo "[\"2026-01-25T11:40:00+08:00\",\"done\",\"disinfect\",\"gs-1\",\"李\"]" >expect &&
	test_cmp expect got
'

# Masks: 1200 received on the 19th, 150 issued at 09:00 every day from
# the 19th to the 25th: 1200 - 7 x 150 = 150 left, under the minimum of
# 200.  The last week before today (18th to 24th) issued 6 x 150 = 900,
# 128.57 a day: floor(150 / 128.571...) = 1 day left.
test_expect_success 'stock running down: levels, use per day, days left, a warning under the minimum' '
	echo "{\"item\":\"mask\",\"qty\":1200,\"op\":\"receive\",\"ts\":\"$(ts 19 08:00)\"}" >stock.jsonl &&
	for d in 19 20 21 22 23 24 25; do
		echo "{\"item\":\"mask\",\"qty\":150,\"op\":\"issue\",\"to\":\"north\",\"ts\":\"$(ts $d 09:00)\"}"
	done >>stock.jsonl &&
	echo "{\"item\":\"gloves\",\"qty\":50,\"unit\":\"pair\",\"op\":\"receive\",\"ts\":\"$(ts 20 08:00)\"}" >>stock.jsonl &&
	cg-duty stock --now $NOW <stock.jsonl >stock.out &&
	test_line_count = 9 stock.out &&
	jq -r .unit stock.out | sort -u >units && printf "pair\npiece\n" >expect && test_cmp expect units &&
	cg-duty stock --now $NOW </dev/null >levels 2>err &&
	jq -c "[.item, .level, .unit, .issued_7d, .per_day, .days_left, .low, .severity]" levels >got &&
	cat >expect <<-\EOF &&
	["mask",150,"piece",900,128.57,1,true,"warning"]
	["gloves",50,"pair",0,0,null,false,null]
	EOF
	test_cmp expect got &&
	grep -q "^cg-duty: warning: .mask. is under its minimum: 150 left, minimum 200" err
'

test_expect_success 'stock: an issue beyond the level and bad fields are rejected' '
	printf "%s\n" "{\"item\":\"mask\",\"qty\":151,\"op\":\"issue\"}" \
		"{\"item\":\"mask\",\"qty\":0,\"op\":\"receive\"}" \
		"{\"item\":\"mask\",\"qty\":\"5\",\"op\":\"receive\"}" \
		"{\"item\":\"mask\",\"op\":\"receive\"}" \
		"{\"item\":\"mask\",\"qty\":5,\"op\":\"lend\"}" \
		"{\"qty\":5,\"op\":\"receive\"}" >in &&
	test_expect_code 1 cg-duty stock -n --now $NOW <in >out 2>err &&
	test_line_count = 0 out && test_line_count = 6 err &&
	grep -q "stdin:1: cannot issue 151 of .mask.: 150 in stock" err &&
	grep -q "stdin:2: .qty. must be a number above 0" err &&
	grep -q "stdin:3: .qty. must be a number above 0" err &&
	grep -q "stdin:4: missing field .qty." err &&
	grep -q "stdin:5: .op. must be" err &&
	grep -q "stdin:6: missing field .item." err
'

# The care ledger at noon of the 25th: the seven days before today are the
# 18th to the 24th; the journal starts on the 19th, so C01 missed the 18th
# (1 day), C02 the 18th and the 23rd (2 days).
test_expect_success 'care: the ledger with the last call and the days missed' '
	cg-duty care --now $NOW >out 2>err &&
	jq -c "[.care_id, .last_call, .called_today, .missed_7d, .severity]" out >got &&
	cat >expect <<-\EOF &&
	["C01","2026-01-25T10:00:00+08:00",true,1,"warning"]
	["C02","2026-01-24T10:00:00+08:00",false,2,"warning"]
	EOF
	test_cmp expect got &&
	grep -q "^cg-duty: warning: 2 care entries missed a call in the last 7 days" err &&
	test "$(jq -r .needs[0] out | head -n 1)" = shopping
'

test_expect_success 'care --format text: aligned, names and phones masked' '
	cg-duty care --format text --now $NOW >out 2>/dev/null &&
	test_line_count = 2 out &&
	grep -q "^C01 *张\* *3-2-501 *138\*\*\*\*8000 *- *- *01-25 10:00 *1 *shopping\$" out &&
	grep -q "^C02 *李\* *5-1-302 *- *李\*\* *139\*\*\*\*1111 *01-24 10:00 *2\$" out &&
	test_must_fail grep -e 张三 -e 13812348000 -e 李小四 -e 13900001111 out
'

test_expect_success 'list: filters by task, place, guard and date' '
	cg-duty list --task care_call --place C02 >out &&
	test_line_count = 5 out &&
	cg-duty list --guard 丙 --date 2026-01-23 >out &&
	jq -c "[.event, .ts]" out >got &&
	cat >expect <<-\EOF &&
	["off","2026-01-23T00:00:00+08:00"]
	["on","2026-01-23T16:45:00+08:00"]
	EOF
	test_cmp expect got &&
	cg-duty list --task disinfect --date 2026-01-22 >out &&
	test_line_count = 3 out &&
	test "$(jq -r .place out | sort -u)" = gs-1 &&
	cg-duty list --place north --task staff_temp --date 2026-01-24 >out &&
	test "$(jq -r .event out | tr "\n" " ")" = "done done done alert " &&
	cg-duty list >all &&
	test_line_count = $(wc -l <"$CG_HOME/journal/duty.jsonl") all &&
	test_cmp "$CG_HOME/journal/duty.jsonl" all
'

test_expect_success 'list --format text: aligned lines, the guard masked (one character: whole)' '
	cg-duty list --format text --guard 丙 --date 2026-01-23 >out &&
	cat >expect <<-\EOF &&
	01-23 00:00  off duty  north                     *
	01-23 16:45  on duty   north                     *
	EOF
	test_cmp expect out &&
	cg-duty list --format text --task staff_temp --date 2026-01-24 >out &&
	tail -n 1 out >got &&
	echo "01-24 16:10  alert     north       staff_temp    -         37.6 staff fever" >expect &&
	test_cmp expect got &&
	cg-duty list --format text --task stock --date 2026-01-25 >out &&
	test_line_count = 0 out &&
	cg-duty list --format text --date 2026-01-25 | grep "mask" >out &&
	echo "01-25 09:00  stock     mask                      -         issued 150 piece -> north" >expect &&
	test_cmp expect out
'

test_expect_success 'due --format text: a line per shift and per task and place' '
	cg-duty due --format text --date 2026-01-23 --now $NOW >out &&
	cat >expect <<-\EOF &&
	2026-01-23  shift         north       not done  45 min nobody on    16:00-24:00
	2026-01-23  care_call     C02         not done  0/1 done            00:00-24:00
	EOF
	test_cmp expect out &&
	cg-duty due --format text --now $NOW >out &&
	grep -q "^2026-01-25  disinfect     lift-1      due       1/2 done            due 11:00-16:00\$" out &&
	cg-duty due --format json --now $NOW | jq -r .task >tasks &&
	test_line_count = 3 tasks
'

test_expect_success 'list and care: usage errors' '
	test_expect_code 2 cg-duty list --format csv 2>err &&
	grep -q "unknown format .csv." err &&
	test_expect_code 2 cg-duty list --date 25/01 2>err &&
	test_expect_code 2 cg-duty care --date 2026-01-25 2>err &&
	test_expect_code 3 cg-duty care no-such-file 2>err &&
	grep -q "no-such-file" err
'

test_done
