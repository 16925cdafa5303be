#!/bin/sh
test_description='cg-duty care: the special-care ledger kept by records (add, update, remove) over the config seed, masked for a person; due, done, the report and the snapshot follow it; bad input; concurrent writers'
. "${0%/*}/../lib/test-lib.sh"

D=2026-01-25
T=${D}T12:00:00+08:00

# ledger: the ledger as care_id name household phone, one line each.
ledger() {
	cg-duty care --format json --now $T </dev/null |
		jq -r "[.care_id, .name, (.household // \"-\"), (.phone // \"-\")] | join(\" \")"
}

test_expect_success 'setup: a plan with a care call a day and one entry in config' '
	write_config "{\"gates\":[\"north\"],\"duty\":{
		\"tasks\":{\"care_call\":{\"per\":\"care\"}},
		\"care\":{\"C01\":{\"name\":\"张奶奶\",\"household\":\"1-1-101\",\"phone\":\"13800138000\"}}}}" &&
	ledger >got &&
	echo "C01 张奶奶 1-1-101 13800138000" >expect &&
	test_cmp expect got
'

test_expect_success 'add an entry by record: journaled, phone and household normalised' '
	echo "{\"care_id\":\"C02\",\"name\":\"李爷爷\",\"household\":\"2栋1单元201\",\"phone\":\"+86 139-0000-1111\",\"needs\":[\"shopping\"],\"category\":\"disabled\"}" |
		cg-duty care --format json --now $T >out &&
	jq -c "[.event, .op, .care_id, .name, .household, .phone, .needs, .category, .seq]" out >got &&
	echo "[\"care\",\"add\",\"C02\",\"李爷爷\",\"2-1-201\",\"13900001111\",[\"shopping\"],\"disabled\",1]" >expect &&
	test_cmp expect got &&
	cmp out "$CG_HOME/journal/duty.jsonl" &&
	ledger >got &&
	printf "%s\n" "C01 张奶奶 1-1-101 13800138000" "C02 李爷爷 2-1-201 13900001111" >expect &&
	test_cmp expect got
'

test_expect_success 'update changes the fields given, of a seed entry too' '
	echo "{\"care_id\":\"C01\",\"phone\":\"13700137000\",\"contact\":\"张小三\"}" |
		cg-duty care --format json --now $T >out &&
	test "$(jq -r .op out)" = update &&
	cg-duty care --format json --now $T </dev/null >all &&
	jq -c "select(.care_id == \"C01\") | [.name, .household, .phone, .contact]" all >got &&
	echo "[\"张奶奶\",\"1-1-101\",\"13700137000\",\"张小三\"]" >expect &&
	test_cmp expect got
'

test_expect_success 'the changes on a terminal form (text): name, phones and contact masked' '
	echo "{\"care_id\":\"C03\",\"name\":\"王阿姨\",\"household\":\"3-1-301\",\"phone\":\"13600136000\",\"contact\":\"王小明\",\"contact_phone\":\"13500135000\"}" |
		cg-duty care --format text --now $T >out &&
	grep -q "^C03  *added  *王\*\*  *3-1-301  *136\*\*\*\*6000  *王\*\*  *135\*\*\*\*5000$" out &&
	! grep -q "13600136000\|王阿姨\|13500135000" out &&
	test "$(tail -n 1 "$CG_HOME/journal/duty.jsonl" | jq -r .phone)" = 13600136000
'

test_expect_success 'remove: the entry leaves the ledger, due and done; added again it starts anew' '
	echo "{\"care_id\":\"C01\",\"remove\":true,\"note\":\"moved to her son\"}" |
		cg-duty care --format json --now $T >out &&
	jq -c "[.op, .care_id, .note]" out >got &&
	echo "[\"remove\",\"C01\",\"moved to her son\"]" >expect &&
	test_cmp expect got &&
	ledger | cut -d" " -f1 >got &&
	printf "%s\n" C02 C03 >expect &&
	test_cmp expect got &&
	cg-duty due --date $D --now $T | jq -r .place >got &&
	test_cmp expect got &&
	test_expect_code 1 cg-duty done --task care_call --place C01 --now $T 2>err &&
	grep -q "unknown place .C01." err &&
	cg-duty done --task care_call --place C02 --at ${D}T09:00:00+08:00 --now $T >/dev/null &&
	echo "{\"care_id\":\"C01\",\"name\":\"张奶奶\"}" | cg-duty care --format json --now $T >out &&
	test "$(jq -r .op out)" = add &&
	ledger | grep "^C01" >got &&
	echo "C01 张奶奶 - -" >expect &&
	test_cmp expect got
'

test_expect_success 'list as text: the changes by id, no name or phone' '
	cg-duty list --format text --now $T >out &&
	grep -q "^01-25 12:00  care ledger  *C02  *- *added$" out &&
	grep -q "^01-25 12:00  care ledger  *C01  *- *removed$" out &&
	! grep -q "李爷爷\|13900001111" out
'

test_expect_success 'the report counts the ledger as the records left it' '
	cg-report --date $D --now 2026-01-26T00:00:00+08:00 >rep.json &&
	jq -c .duty.care rep.json >got &&
	echo "{\"entries\":3,\"calls\":1,\"missed\":2}" >expect &&
	test_cmp expect got
'

test_expect_success 'the snapshot holds the ledger: the same with and without it' '
	test -f "$CG_HOME/index/duty.snap" &&
	cg-duty care --format json --now $T </dev/null >with &&
	rm "$CG_HOME/index/duty.snap" &&
	cg-duty care --format json --now $T </dev/null >without &&
	test_cmp with without &&
	echo "{\"care_id\":\"C09\",\"name\":\"赵\"}" | cg-duty care --now $T >/dev/null &&
	test -f "$CG_HOME/index/duty.snap" &&
	cg-duty care --format json --now $T </dev/null | jq -r .care_id >got &&
	printf "%s\n" C02 C01 C03 C09 >expect &&
	test_cmp expect got
'

test_expect_success 'bad records are rejected with FILE:LINE:, phones masked in the message' '
	cp "$CG_HOME/journal/duty.jsonl" before &&
	printf "%s\n" "{\"name\":\"甲\"}" "{\"care_id\":5,\"name\":\"甲\"}" "{\"care_id\":\"C20\"}" \
		"{\"care_id\":\"C20\",\"name\":\"甲\",\"phone\":\"12345678901\"}" \
		"{\"care_id\":\"C20\",\"name\":\"甲\",\"household\":\"???\"}" \
		"{\"care_id\":\"C20\",\"name\":\"甲\",\"needs\":\"shopping\"}" \
		"{\"care_id\":\"C02\",\"remove\":\"yes\"}" "{\"care_id\":\"C77\",\"remove\":true}" \
		"{\"care_id\":\"\",\"name\":\"甲\"}" "{\"care_id\":\"C20\",\"name\":\"甲\"" >in &&
	test_expect_code 1 cg-duty care --format json --now $T <in >out 2>err &&
	test_line_count = 0 out &&
	grep -q "^cg-duty: stdin:1: missing field .care_id." err &&
	grep -q "^cg-duty: stdin:2: .care_id. must be a string" err &&
	grep -q "^cg-duty: stdin:3: missing field .name." err &&
	grep -q "^cg-duty: stdin:4: invalid phone .123\*\*\*\*8901." err &&
	! grep -q 12345678901 err &&
	grep -q "^cg-duty: stdin:5: invalid household" err &&
	grep -q "^cg-duty: stdin:6: .needs. must be an array of strings" err &&
	grep -q "^cg-duty: stdin:7: .remove. must be true or false" err &&
	grep -q "^cg-duty: stdin:8: unknown care entry .C77." err &&
	grep -q "^cg-duty: stdin:9: " err &&
	grep -q "^cg-duty: stdin:10: " err &&
	test "$(wc -l <err)" = 10 &&
	cmp before "$CG_HOME/journal/duty.jsonl"
'

test_expect_success 'a dry run journals nothing' '
	echo "{\"care_id\":\"C30\",\"name\":\"甲\"}" | cg-duty care -n --format json --now $T >out &&
	test "$(jq .seq out)" = null &&
	cmp before "$CG_HOME/journal/duty.jsonl"
'

N=6
test_expect_success "concurrent: $N processes add $N entries each, every one journaled once" '
	CG_HOME=$TRASH/conc && write_config "{\"gates\":[\"north\"]}" &&
	p=1 && while [ $p -le $N ]; do
		i=1 && while [ $i -le $N ]; do
			echo "{\"care_id\":\"C$p-$i\",\"name\":\"甲\"}"; i=$((i + 1))
		done >in.$p && p=$((p + 1)) || return 1
	done &&
	p=1 && while [ $p -le $N ]; do
		cg-duty care --format json --now $T <in.$p >o.$p 2>e.$p &
		p=$((p + 1))
	done &&
	wait &&
	cat o.* >all && test_line_count = $((N * N)) all &&
	jq -r .seq "$CG_HOME/journal/duty.jsonl" >seqs && seq 1 $((N * N)) >expect &&
	test_cmp expect seqs &&
	cg-duty care --format json --now $T </dev/null >ledger &&
	test_line_count = $((N * N)) ledger
'

test_done
