#!/bin/sh
test_description='cg-report: the duty section (cg-duty), gate_unstaffed and register_without_guard, in every format and in --merge'
. "${0%/*}/../lib/test-lib.sh"

D=2026-01-25
N=2026-01-26T00:00:00+08:00

# A day at north: 甲 on 00:00-08:00, 乙 from 08:30 (still on): 30 of the
# 1440 minutes of duty hours (00:00-24:00) with nobody on.  Check-ins at
# north at 08:10 and 08:20 (nobody on) and 09:00; at south, where no guard
# signs on, at 09:00 and 10:00 (the gap warning stays there).  lift-1
# disinfected at 07:00 and 12:00 of three slots (06-11, 11-16, 16-21): one
# missed; the staff temperature of the 08:00 shift (37.8, a fever) but not
# of the 00:00 one; no call to C01; masks 300 in, 150 out: 150 under the
# minimum of 200, 150 issued in the 7 days before the 26th: 21.43 a day,
# 7 days left.
test_expect_success 'setup: a day of duty and check-ins' '
	write_config "{\"gates\":[\"north\",\"south\"],\"duty\":{
		\"roster\":{\"north\":[[\"00:00\",\"08:00\"],[\"08:00\",\"24:00\"]]},
		\"tasks\":{\"disinfect\":{\"places\":[\"lift-1\"],\"times\":3,\"hours\":[\"06:00\",\"21:00\"]},
			\"staff_temp\":{\"per\":\"shift\"},\"care_call\":{\"per\":\"care\"}},
		\"care\":{\"C01\":{\"name\":\"张三\",\"household\":\"3-2-501\"}},
		\"stock\":{\"mask\":{\"unit\":\"piece\",\"min\":200}}}}" &&
	echo "{\"guard\":\"甲\",\"gate\":\"north\",\"ts\":\"${D}T00:00:00+08:00\"}" | cg-duty on --now $N >/dev/null &&
	echo "{\"guard\":\"甲\",\"ts\":\"${D}T08:00:00+08:00\"}" | cg-duty off --now $N >/dev/null &&
	echo "{\"guard\":\"乙\",\"gate\":\"north\",\"ts\":\"${D}T08:30:00+08:00\"}" | cg-duty on --now $N >/dev/null &&
	printf "%s\n" "{\"task\":\"disinfect\",\"place\":\"lift-1\",\"ts\":\"${D}T07:00:00+08:00\"}" \
		"{\"task\":\"disinfect\",\"place\":\"lift-1\",\"ts\":\"${D}T12:00:00+08:00\"}" \
		"{\"task\":\"staff_temp\",\"place\":\"north\",\"temp\":37.8,\"ts\":\"${D}T08:40:00+08:00\"}" |
		cg-duty done --now $N >/dev/null &&
	printf "%s\n" "{\"item\":\"mask\",\"qty\":300,\"op\":\"receive\",\"ts\":\"2026-01-20T09:00:00+08:00\"}" \
		"{\"item\":\"mask\",\"qty\":150,\"op\":\"issue\",\"ts\":\"${D}T09:00:00+08:00\"}" |
		cg-duty stock --now $N >/dev/null &&
	for t in 08:10 08:20 09:00; do
		echo "{\"gate\":\"north\",\"dir\":\"in\",\"kind\":\"resident\",\"temp\":36.5,\"mask\":true,\"ts\":\"${D}T$t:00+08:00\"}"
	done >ci &&
	for t in 09:00 10:00; do
		echo "{\"gate\":\"south\",\"dir\":\"in\",\"kind\":\"resident\",\"temp\":36.5,\"mask\":true,\"ts\":\"${D}T$t:00+08:00\"}"
	done >>ci &&
	cg-checkin --now ${D}T10:05:00+08:00 <ci >/dev/null
'

test_expect_success 'json: the duty section, hand-computed' '
	cg-report --date $D --now $N >rep.json &&
	jq -c .duty rep.json >got &&
	echo "{\"gates\":{\"north\":{\"duty_min\":1440,\"staffed_min\":1410,\"unstaffed_min\":30,\"checkins_without_guard\":2}},\"tasks\":{\"disinfect\":{\"slots\":3,\"done\":2,\"missed\":1},\"staff_temp\":{\"slots\":2,\"done\":1,\"missed\":1},\"care_call\":{\"slots\":1,\"done\":0,\"missed\":1}},\"stock\":[{\"item\":\"mask\",\"level\":150,\"unit\":\"piece\",\"min\":200,\"issued_7d\":150,\"per_day\":21.43,\"days_left\":7,\"low\":true,\"severity\":\"warning\"}],\"care\":{\"entries\":1,\"calls\":0,\"missed\":1},\"needs\":{\"open\":0,\"delivered\":0,\"missed\":0},\"staff_fevers\":1}" >expect &&
	test_cmp expect got &&
	jq -r "keys_unsorted | join(\" \")" rep.json | grep -q " passes duty corrections "
'

test_expect_success 'warnings: the two alerts at north, the gap warning only at south' '
	jq -c "[.warnings[] | [.code, .severity, .gate, (.unstaffed_min // .count)]]" rep.json >got &&
	echo "[[\"gate_unstaffed\",\"alert\",\"north\",30],[\"register_without_guard\",\"alert\",\"north\",2],[\"gate_unattended\",\"warning\",\"south\",2],[\"care_call_missed\",\"warning\",null,1],[\"stock_low\",\"warning\",null,1]]" >expect &&
	test_cmp expect got &&
	test_expect_code 5 cg-report --date $D --now $N --fail-on alert >/dev/null
'

test_expect_success 'without a duty journal: no duty section, the gap warning as before' '
	mv "$CG_HOME/journal/duty.jsonl" duty.keep &&
	cg-report --date $D --now $N >plain.json &&
	mv duty.keep "$CG_HOME/journal/duty.jsonl" &&
	test "$(jq -r "has(\"duty\")" plain.json)" = false &&
	jq -r "[.warnings[] | .code + \":\" + (.gate // \"\")] | join(\" \")" plain.json >got &&
	echo "gate_unattended:north gate_unattended:south care_call_missed: stock_low:" >not &&
	test "$(cat got)" = "gate_unattended:north gate_unattended:south"
'

test_expect_success 'text, md, html and csv show the duty section' '
	cg-report --date $D --now $N --format text >rep.txt &&
	grep -q "^Duty (值班、消杀、物资、关爱)" rep.txt &&
	grep -q "^  north *1440 *1410 *30 *2\$" rep.txt &&
	grep -q "^  disinfect *3 *2 *1\$" rep.txt &&
	grep -q "^  mask *150 *piece *21.43 *7\$" rep.txt &&
	grep -q "Special care: 1 entries, 0 calls made, 1 missed; staff fevers 1." rep.txt &&
	grep -q "alert *gate without a guard *gate north: 30 minutes of duty hours with no guard signed on" rep.txt &&
	grep -q "alert *register without a guard *gate north: 2 check-ins with no guard signed on" rep.txt &&
	cg-report --date $D --now $N --format md >rep.md &&
	grep -q "^## Duty" rep.md &&
	grep -q "| north *| *1440 *| *1410 *| *30 *| *2 *|" rep.md &&
	cg-report --date $D --now $N --format html >rep.html &&
	grep -q "Duty (值班、消杀、物资、关爱)" rep.html &&
	grep -q "register without a guard" rep.html &&
	cg-report --date $D --now $N --format csv >rep.csv &&
	grep -q "^duty.gates.north.unstaffed_min,30.\?$" rep.csv &&
	grep -q "^duty.care.missed,1.\?$" rep.csv
'

test_expect_success 'zh_CN: the duty section and its warnings in Chinese' '
	LANGUAGE=zh_CN LC_ALL=zh_CN.UTF-8 cg-report --date $D --now $N --format text >zh.txt 2>/dev/null ||
		LANGUAGE=zh_CN cg-report --date $D --now $N --format text >zh.txt &&
	grep -q "值班" zh.txt
'

test_expect_success '--merge: the duty sections of two compounds summed' '
	jq -c ".compound.code = \"OTHER-2\"" rep.json >rep2.json &&
	cg-report --merge rep.json rep2.json >m.json &&
	jq -c ".duty | [.gates[\"DEMO-0001/north\"].unstaffed_min, .gates[\"OTHER-2/north\"].checkins_without_guard, .tasks.disinfect, .stock[0].level, .stock[0].per_day, .stock[0].low_compounds, .care, .staff_fevers]" m.json >got &&
	echo "[30,2,{\"slots\":6,\"done\":4,\"missed\":2},300,42.86,2,{\"entries\":2,\"calls\":0,\"missed\":2},2]" >expect &&
	test_cmp expect got &&
	test "$(jq "[.warnings[] | select(.code == \"gate_unstaffed\")] | length" m.json)" = 2 &&
	cg-report --merge m.json --format text | grep -q "^  OTHER-2/north *1440 *1410 *30 *2\$" &&
	cg-report --merge m.json >again.json &&
	test "$(jq -c .duty again.json)" = "$(jq -c .duty m.json)"
'

test_done
