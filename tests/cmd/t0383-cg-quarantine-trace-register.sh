#!/bin/sh
test_description='cg-quarantine trace: who a record is, and which records are corrections, on the fast paths of the reading'
. "${0%/*}/../lib/test-lib.sh"
. "$SRC_DIR/tests/fixtures/trace/fortnight.sh"

# The reading finds a person already known by a cache of ID numbers and
# phones in front of the register's keys, and tells a correction by the
# fast scan's finding of "corrected_at" instead of searching the line:
# both must answer as the register and cg_correction_maybe would.

NOW=2026-01-25T12:00:00+08:00
J=$CG_HOME/journal/checkin
C1=110101197001010016  # 快递甲, a courier first seen by phone alone
A1=110101197102020029  # 甲, with the courier on 01-18
A2=110101197203030031  # 乙, with the courier on 01-20
S1=110101197304040044  # 丙, staff without a household, then a resident with one
D1=110101197405050057  # 丁, phone 13800138031
D2=11010119750606006X  # 戊, the same phone, another person
G1=110101197707070088  # 庚, voided with a reason in quotes (an escape)
X1=110101197808080090  # 辛, "voided" by a record that is not a correction
R1=110101197909090108  # 壬, whose time was given in UTC, "voided" so too
K1=110101198010100114  # 己, at the north gate after the phone-only record

# trace [OPTION...]: trace at NOW; contacts in short form.
trace() {
	cg-quarantine trace --now $NOW "$@" >trace.out &&
	jq -c "[.name, .rank, [.why[] | .code], ([.why[] | .minutes // empty] | min)]" trace.out
}

courier() { # DAY TIME [ID]: 快递甲 at the north gate, by phone (and ID number)
	printf '{"ts":"%sT%s+08:00","gate":"north","dir":"in","kind":"courier","name":"快递甲","phone":"13800138021"%s,"temp":36.5,"mask":true}\n' \
		"$1" "$2" "${3:+,\"id_no\":\"$3\"}"
}

test_expect_success 'setup: five days, a void with an escaped reason, and two lines that only look like voids' '
	{ courier 2026-01-18 09:00:00 &&
	  ev 2026-01-18 09:05:00 north resident 甲 $A1 1-1-101 &&
	  ev 2026-01-18 09:10:00 north staff 丙 $S1; } | day 2026-01-18 &&
	{ courier 2026-01-19 10:00:00 $C1 &&
	  printf "{\"ts\":\"2026-01-19T12:00:00+08:00\",\"gate\":\"south\",\"dir\":\"in\",\"kind\":\"resident\",\"name\":\"丁\",\"id_no\":\"$D1\",\"phone\":\"13800138031\",\"household\":\"3-1-101\",\"temp\":36.5,\"mask\":true}\n" &&
	  printf "{\"ts\":\"2026-01-19T12:01:00+08:00\",\"gate\":\"south\",\"dir\":\"in\",\"kind\":\"resident\",\"name\":\"戊\",\"id_no\":\"$D2\",\"phone\":\"13800138031\",\"household\":\"3-1-102\",\"temp\":36.5,\"mask\":true}\n"; } |
		day 2026-01-19 &&
	{ courier 2026-01-20 11:00:00 &&
	  ev 2026-01-20 11:10:00 north resident 乙 $A2 1-1-102 &&
	  ev 2026-01-20 11:11:00 north resident 庚 $G1 1-1-103 &&
	  ev 2026-01-20 11:12:00 north resident 辛 $X1 1-1-104 &&
	  printf "{\"ts\":\"2026-01-20T03:13:00Z\",\"gate\":\"north\",\"dir\":\"in\",\"kind\":\"resident\",\"name\":\"壬\",\"id_no\":\"$R1\",\"household\":\"1-1-105\",\"temp\":36.5,\"mask\":true}\n"; } |
		day 2026-01-20 &&
	printf "{\"ts\":\"2026-01-21T08:00:00+08:00\",\"gate\":\"south\",\"dir\":\"in\",\"kind\":\"resident\",\"name\":\"丙\",\"id_no\":\"$S1\",\"phone\":\"13800138041\",\"household\":\"2-1-101\",\"temp\":36.5,\"mask\":true}\n" |
		day 2026-01-21 &&
	{ printf "{\"ts\":\"2026-01-22T12:00:00+08:00\",\"gate\":\"north\",\"dir\":\"in\",\"kind\":\"visitor\",\"name\":\"丁\",\"phone\":\"13800138031\",\"host\":\"5-1-101\",\"temp\":36.5,\"mask\":true}\n" &&
	  ev 2026-01-22 12:05:00 north resident 己 $K1 5-1-102; } | day 2026-01-22 &&
	cg-checkin --now 2026-01-22T20:00:00+08:00 --void 2026-01-20/3 \
		--reason "typed \"庚\" by mistake" --by guard >/dev/null &&
	cg-checkin --now 2026-01-22T20:01:00+08:00 --void 2026-01-20/4 --reason wrong --by guard >/dev/null &&
	cg-checkin --now 2026-01-22T20:02:00+08:00 --void 2026-01-20/5 --reason wrong --by guard >/dev/null &&
	test -f $J/2026-01-20.jsonl.gz &&
	grep -q "typed \\\\\"庚\\\\\"" $J/2026-01-22.jsonl &&
	# The voids of 辛 and 壬 made into lines that are not corrections:
	# "corrected_at" first, and 300 bytes after it.
	pad=$(printf "%0300d" 0) &&
	sed -i -e "4s/^{\(.*\),\(\"corrected_at\":\"[^\"]*\"\)\(,\"seq\".*\)/{\2,\1\3/" \
		-e "5s/\(\"corrected_at\":\"[^\"]*\"\)/\1,\"note\":\"$pad\"/" $J/2026-01-22.jsonl &&
	python3 "$SRC_DIR/tests/lib/rechain.py" $J/2026-01-22.jsonl &&
	sed -n 4p $J/2026-01-22.jsonl | grep -q "^{\"corrected_at\":" &&
	sed -n 5p $J/2026-01-22.jsonl | grep -q "\"note\":\"0000"
'

test_expect_success 'a person first seen by phone alone is one with their later records by ID number and phone' '
	echo "{\"id_no\":\"$C1\"}" | trace >actual &&
	cat >expect <<-\EOF &&
	["甲",3,["same_gate_window"],5]
	["丙",3,["same_gate_window"],10]
	["辛",3,["same_gate_window"],12]
	["壬",3,["same_gate_window"],13]
	["乙",3,["same_gate_window"],10]
	EOF
	sort expect >expect.sorted && sort actual >actual.sorted &&
	test_cmp expect.sorted actual.sorted &&
	test "$(jq -c ".index" trace.out | sort -u)" = \
		"{\"name\":\"快递甲\",\"id_no\":\"$C1\",\"phone\":\"13800138021\"}" &&
	echo "{\"phone\":\"13800138021\"}" | trace >actual2 &&
	test_cmp actual actual2
'

test_expect_success 'fields a person gains later are theirs in the contact record (丙: household and phone)' '
	test "$(jq -c "select(.name == \"丙\") | [.id_no, .phone, .household]" trace.out)" = \
		"[\"$S1\",\"13800138041\",\"2-1-101\"]"
'

test_expect_success 'a time given in UTC is the same instant (壬 at 03:13Z, 13 minutes after 11:00 local)' '
	test "$(jq -r "select(.name == \"壬\") | .why[0].contact_at" trace.out)" = 2026-01-20T11:13:00+08:00
'

test_expect_success 'a void with an escaped reason voids; lines that only look like voids do not' '
	test_must_fail grep -q "庚" actual &&
	grep -q "辛" actual && grep -q "壬" actual
'

test_expect_success 'a shared phone: a record by the phone alone is its first holder'"'"'s, not the other'"'"'s' '
	echo "{\"id_no\":\"$D1\"}" | trace >actual &&
	cat >expect <<-\EOF &&
	["戊",3,["same_gate_window"],1]
	["己",3,["same_gate_window"],5]
	EOF
	test_cmp expect actual &&
	echo "{\"id_no\":\"$D2\"}" | trace >actual &&
	echo "[\"丁\",3,[\"same_gate_window\"],1]" >expect &&
	test_cmp expect actual
'

# Names as typed: 张三 of 6-1-101, without ID number or phone, written
# "张 三", "张　三" (an ideographic, full-width space) and "张三" on three
# days; 李四 lives with him.
test_expect_success 'a name in another form (spaces, full width) is the same person of the household' '
	CG_HOME=$TRASH/names && export CG_HOME &&
	nm() { # DAY TIME NAME: the north gate, household 6-1-101
		printf "{\"ts\":\"%sT%s+08:00\",\"gate\":\"north\",\"dir\":\"in\",\"kind\":\"resident\",\"name\":\"%s\",\"household\":\"6-1-101\",\"temp\":36.5,\"mask\":true}\n" "$1" "$2" "$3"
	} &&
	{ nm 2026-01-23 08:00:00 "张 三" &&
	  nm 2026-01-23 08:30:00 "李四" &&
	  ev 2026-01-23 08:05:00 north resident 甲 $A1 1-1-101; } | day 2026-01-23 &&
	{ nm 2026-01-24 09:00:00 "张　三" &&
	  ev 2026-01-24 09:07:00 north resident 乙 $A2 1-1-102; } | day 2026-01-24 &&
	nm 2026-01-25 10:00:00 "张三" | day 2026-01-25 &&
	gzip -dc $CG_HOME/journal/checkin/2026-01-24.jsonl.gz | grep -q "\"name\":\"张　三\"" &&
	echo "{\"name\":\"张三\",\"household\":\"6-1-101\"}" | trace >actual &&
	cat >expect <<-\EOF &&
	["李四",1,["same_household"],null]
	["甲",3,["same_gate_window"],5]
	["乙",3,["same_gate_window"],7]
	EOF
	test_cmp expect actual &&
	echo "{\"name\":\"张 三\",\"household\":\"6-1-101\"}" | trace >actual &&
	test_cmp expect actual
'

# 2,100 persons by phone alone at the north gate, one a second, on two
# days; on the second each names a household.  The cache grows past its
# first size on the first day and is asked again for every one of them
# on the second, when each adds a household it did not have.
test_expect_success 'a cache past its first size: everyone found again, with the household they add' '
	CG_HOME=$TRASH/many && export CG_HOME &&
	for d in 23 24; do
		awk -v d=$d "BEGIN { for (i = 0; i < 2100; i++)
			printf \"{\\\"ts\\\":\\\"2026-01-%dT%02d:%02d:%02d+08:00\\\",\\\"gate\\\":\\\"north\\\",\\\"dir\\\":\\\"in\\\",\\\"kind\\\":\\\"resident\\\",\\\"name\\\":\\\"居民%d\\\",\\\"phone\\\":\\\"139%08d\\\"%s,\\\"temp\\\":36.5,\\\"mask\\\":true}\\n\",
				d, (d == 23 ? 6 : 16) + int(i / 3600), int(i / 60) % 60, i % 60, i, i,
				d == 24 ? sprintf(\",\\\"household\\\":\\\"%d-1-101\\\"\", i + 1) : \"\" }" |
			day 2026-01-$d || return 1
	done &&
	echo "{\"phone\":\"13900001050\"}" | cg-quarantine trace --now $NOW >out &&
	test $(wc -l <out) = 1800 &&
	test "$(jq -r "select(.household == null) | .name" out | wc -l)" = 0 &&
	test "$(jq -c "select(.name == \"居民150\") | [.household, (.why | length), .why[0].minutes]" out)" = \
		"[\"151-1-101\",2,15]" &&
	test "$(jq -r .name out | sort -u | wc -l)" = 1800
'

# Records journaled out of time order at a gate (back-filled): the
# gate's events are sorted by time before the windows are looked at, so
# the contacts are those of the same records journaled in order.
test_expect_success 'back-filled records: the same contacts as the records in time order' '
	backfilled() { # ORDER: the records of 2026-01-23 at the south gate
		for t in $1; do
			case $t in
			1030) ev 2026-01-23 10:30:00 south resident 甲 $A1 1-1-101 ;;
			1000) ev 2026-01-23 10:00:00 south resident 乙 $A2 1-1-102 ;;
			1020) ev 2026-01-23 10:20:00 south resident 丙 $S1 1-1-103 ;;
			1044) ev 2026-01-23 10:44:00 south resident 丁 $D1 1-1-104 ;;
			1046) ev 2026-01-23 10:46:00 south resident 戊 $D2 1-1-105 ;;
			1015) ev 2026-01-23 10:15:00 south resident 庚 $G1 1-1-106 ;;
			esac || return 1
		done
	} &&
	CG_HOME=$TRASH/backfilled && export CG_HOME &&
	backfilled "1030 1000 1044 1020 1046 1015" | day 2026-01-23 &&
	echo "{\"id_no\":\"$A1\"}" | cg-quarantine trace --now $NOW >backfilled.out &&
	CG_HOME=$TRASH/in-order && export CG_HOME &&
	backfilled "1000 1015 1020 1030 1044 1046" | day 2026-01-23 &&
	echo "{\"id_no\":\"$A1\"}" | cg-quarantine trace --now $NOW >in-order.out &&
	test_cmp in-order.out backfilled.out &&
	test "$(jq -c "[.name, .why[0].minutes]" backfilled.out | tr "\n" " ")" = \
		"[\"丙\",10] [\"丁\",14] [\"庚\",15] "
'

test_done
