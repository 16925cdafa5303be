#!/bin/sh
test_description='cg-checkin --ask: single keys, a scanned pass, remeasure, back, and the end of a shift, through a pseudo-terminal'
. "${0%/*}/../lib/test-lib.sh"

ask() {
	python3 "$SRC_DIR/tests/lib/ptyrun.py" "$@"
}

TAB=$(printf '\t')

# prompts_of SCREEN: the questions asked for the first entry on the screen.
prompts_of() {
	tr -d '\r' <"$1" | sed -n '/-- 1. ask --/,/-- 3. register --/{p;/-- 3. register --/q;}' |
		grep -c '^> '
}

test_expect_success PYTHON 'setup: a resident with a pass' '
	echo "{\"name\":\"李四\",\"id_no\":\"11010519491231002X\",\"household\":\"3-2-502\"}" |
		cg-pass issue --now 2026-01-20T08:00:00+08:00 >pass &&
	P=$(jq -r .pass_id pass) && T=$(jq -r .token pass) &&
	test -n "$P" && test -n "$T"
'
P=$(jq -r .pass_id pass)
T=$(jq -r .token pass)

test_expect_success PYTHON 'a resident with a pass: three questions, the QR code fills in the holder, six keys typed; Ctrl-C at the first question ends the shift' '
	cat >script <<-EOF &&
	Direction${TAB}i${TAB}keys
	Pass or QR${TAB}$T${TAB}scan
	Temperature${TAB}365\r${TAB}keys
	Direction${TAB}^C
	EOF
	ask --stats stats --stty stty script screen cg-checkin --ask --gate north --now "$NOW" >records &&
	jq -c "[.dir, .kind, .name, .id_no, .household, .pass == \"$T\", .temp, .mask, .decision]" records >actual &&
	echo "[\"in\",\"resident\",\"李四\",\"11010519491231002X\",\"3-2-502\",true,36.5,true,\"admit\"]" >expect &&
	test_cmp expect actual &&
	test "$(prompts_of screen)" = 3 &&
	printf "typed 6\nscanned %d\n" $(($(printf "%s" "$T" | wc -c) + 1)) >expect &&
	test_cmp expect stats &&
	grep -q "pass $P: 李\* 3-2-502 resident" screen &&
	grep -q "ADMIT.*  李\* 1101\*\*\*\*\*\*\*\*\*\*002X  36.5 °C" screen &&
	test_must_fail grep -q 李四 screen &&
	grep -q "1 registered (1 admitted, 0 denied, 0 referred), 0 discarded" screen &&
	test_line_count = 2 stty && test "$(sed -n 1p stty)" = "$(sed -n 2p stty)"
'

# Four entries of one shift: the screen and records of each are checked
# by the tests after this one.
test_expect_success PYTHON 'a shift of single keys, a typed pass id, the temperature line and the back key' '
	cat >script <<-EOF &&
	Direction${TAB}o${TAB}keys
	Pass or QR${TAB}$P
	Temperature${TAB}\r${TAB}keys
	Direction${TAB}\r${TAB}keys
	Pass or QR${TAB}\r${TAB}keys
	Kind${TAB}c${TAB}keys
	Name${TAB}\r${TAB}keys
	Household${TAB}\r${TAB}keys
	Coming from${TAB}\r${TAB}keys
	Temperature${TAB}36.6 n s\r${TAB}keys
	Symptoms${TAB}咳嗽、乏力
	Direction${TAB}o${TAB}keys
	Pass or QR${TAB}\r${TAB}keys
	Kind${TAB}v${TAB}keys
	Name${TAB}\r${TAB}keys
	Household${TAB}\r${TAB}keys
	Household visited${TAB}3-2-501
	Coming from${TAB}\r${TAB}keys
	Temperature${TAB}\r${TAB}keys
	Direction${TAB}\x7f${TAB}keys
	this is the first question${TAB}o${TAB}keys
	Pass or QR${TAB}\r${TAB}keys
	Kind${TAB}v${TAB}keys
	Name${TAB}\x7f${TAB}keys
	Kind${TAB}s${TAB}keys
	Name${TAB}<${TAB}keys
	Kind${TAB}t${TAB}keys
	Name${TAB}王五x\x7f\r${TAB}keys
	Household${TAB}7-3-302
	Coming from${TAB}\r${TAB}keys
	or pass${TAB}13812348001
	Temperature${TAB}\r${TAB}keys
	Direction${TAB}^D
	EOF
	ask script shift cg-checkin --ask --dry-run --gate north --now "$NOW" >shift.jsonl &&
	test_line_count = 4 shift.jsonl
'

test_expect_success PYTHON 'its pass id typed, going out: the holder filled in, no other identifier asked, the temperature optional' '
	test "$(sed -n 1p shift.jsonl | jq -c "[.dir, .name, .household, .temp, .mask, .decision]")" = "[\"out\",\"李四\",\"3-2-502\",null,true,\"admit\"]" &&
	test "$(prompts_of shift)" = 3 &&
	test "$(grep -c "going out: an ID number" shift)" = 1
'

test_expect_success PYTHON 'single keys answer at once; Enter takes the default; n no mask, s symptoms on the temperature line' '
	sed -n 2,3p shift.jsonl | jq -c "[.dir, .kind, .temp, .mask, .symptoms, .decision]" >actual &&
	cat >expect <<-EOF &&
	["in","courier",36.6,false,["咳嗽","乏力"],"deny"]
	["out","visitor",null,true,null,"admit"]
	EOF
	test_cmp expect actual
'

test_expect_success PYTHON 'one key goes back a field: Backspace on an empty answer, or <' '
	test "$(sed -n 4p shift.jsonl | jq -c "[.dir, .kind, .name, .household, .phone, .host]")" = "[\"out\",\"tenant\",\"王五\",\"7-3-302\",\"13812348001\",null]" &&
	test "$(grep -c "Household visited" shift)" = 1
'

test_expect_success 'the holder is looked up in the pass index: a pass only the index holds fills it in' '
	mkdir -m 700 h3 &&
	echo "{\"name\":\"钱七\",\"id_no\":\"110101199001011237\",\"household\":\"9-9-901\"}" |
		CG_HOME=$PWD/h3 cg-pass issue --now 2026-01-20T08:00:00+08:00 >p3 &&
	python3 -c "
import sqlite3, sys
src = sqlite3.connect(sys.argv[1])
dst = sqlite3.connect(sys.argv[2])
for pid, rec in src.execute(\"SELECT id, rec FROM pass\"):
    dst.execute(\"INSERT INTO pass(id, ord, rec) VALUES (?, 999, ?)\", (pid, rec))
dst.commit()
" h3/index/pass.db "$CG_HOME/index/pass.db" &&
	test_must_fail grep -q 钱七 "$CG_HOME/journal/pass.jsonl" &&
	printf "in\n%s\n36.5\n" "$(jq -r .pass_id p3)" |
		cg-checkin --ask --dry-run --gate north --now "$NOW" >records 2>screen &&
	test "$(jq -c "[.name, .household, .kind]" records)" = "[\"钱七\",\"9-9-901\",\"resident\"]"
'

test_expect_success 'every key, digit and word of a choice is taken (快递外卖 too), answered a line at a time' '
	entry() { printf "%s\n\n%s\n\n\n%s\n36.5\n" "$1" "$2" "$3"; } &&
	for w in r 1 resident Resident 居民 住户 业主; do entry in "$w" ""; done >in &&
	for w in t 2 tenant 租户 租客; do entry in "$w" ""; done >>in &&
	for w in v 3 visitor 访客 来访 来访人员; do entry in "$w" "3-2-501
"; done >>in &&
	for w in c 4 courier 快递 外卖 快递外卖 快递员 外卖员; do entry in "$w" ""; done >>in &&
	for w in s 5 staff 工作人员 员工 物业; do entry in "$w" ""; done >>in &&
	for w in a 6 vehicle 车辆 车 汽车; do printf "in\n\n%s\n京A12345\n" "$w"; done >>in &&
	for w in i 1 in 进 入 进入 进门 进来; do entry "$w" s ""; done >>in &&
	for w in o 2 out 出 外出 出门 出去; do entry "$w" s ""; done >>in &&
	cg-checkin --ask --dry-run --gate north --now "$NOW" <in >records 2>screen &&
	jq -r ".dir + \" \" + .kind" records | sort | uniq -c | sed "s/^ *//" >actual &&
	cat >expect <<-EOF &&
	8 in courier
	7 in resident
	14 in staff
	5 in tenant
	6 in vehicle
	6 in visitor
	7 out staff
	EOF
	test_cmp expect actual &&
	test_must_fail grep -q "not one of the choices" screen
'

test_expect_success PYTHON 'remeasure (m): the last person again, only the temperature asked; the high reading then counts' '
	mkdir -m 700 h2 && echo "{\"policy\":{\"remeasure_wait_min\":5}}" >h2/config.json &&
	cat >script <<-EOF &&
	Direction${TAB}\r${TAB}keys
	Pass or QR${TAB}m
	nobody to measure again yet${TAB}110101199003074514
	Kind${TAB}r${TAB}keys
	Name${TAB}张三
	Household${TAB}3-2-501
	Coming from${TAB}\r${TAB}keys
	Temperature${TAB}380\r${TAB}keys
	Direction${TAB}\r${TAB}keys
	Pass or QR${TAB}m
	Temperature${TAB}38.1
	Direction${TAB}^D
	EOF
	CG_HOME=$PWD/h2 ask script screen cg-checkin --ask --gate north --now "$NOW" >records &&
	jq -c "[.name, .id_no, .household, .temp, .decision, .reasons]" records >actual &&
	cat >expect <<-EOF &&
	["张三","110101199003074514","3-2-501",38,"refer",["remeasure"]]
	["张三","110101199003074514","3-2-501",38.1,"deny",["fever"]]
	EOF
	test_cmp expect actual &&
	tr -d "\r" <screen | sed -n "/measuring again/,/-- 3. register --/p" | grep -c "^> " >count &&
	echo 1 >expect && test_cmp expect count &&
	grep -q "measuring again: 张\* 3-2-501" screen
'

test_expect_success PYTHON 'one key goes back a field: Backspace on an empty answer, or <' '
	cat >script <<-EOF &&
	Direction${TAB}\x7f${TAB}keys
	this is the first question${TAB}o${TAB}keys
	Pass or QR${TAB}\r${TAB}keys
	Kind${TAB}v${TAB}keys
	Name${TAB}\x7f${TAB}keys
	Kind${TAB}s${TAB}keys
	Name${TAB}<${TAB}keys
	Kind${TAB}t${TAB}keys
	Name${TAB}王五x\x7f\r${TAB}keys
	Household${TAB}7-3-302
	Coming from${TAB}\r${TAB}keys
	or pass${TAB}13812348001
	Temperature${TAB}\r${TAB}keys
	Direction${TAB}^D
	EOF
	ask script screen cg-checkin --ask --dry-run --gate north --now "$NOW" >records &&
	test "$(jq -c "[.dir, .kind, .name, .household, .phone, .host]" records)" = "[\"out\",\"tenant\",\"王五\",\"7-3-302\",\"13812348001\",null]" &&
	test_must_fail grep -q "Household visited" screen
'

test_expect_success PYTHON 'Ctrl-D during an entry: Enter finishes it, then the shift ends with its summary; the terminal is as before' '
	before=$(wc -l <"$CG_HOME/journal/checkin/2026-01-25.jsonl") &&
	cat >script <<-EOF &&
	Direction${TAB}\r${TAB}keys
	Pass or QR${TAB}$T${TAB}scan
	Temperature${TAB}\x04${TAB}keys
	in progress${TAB}\r${TAB}keys
	Temperature${TAB}36.6
	EOF
	ask --stty stty script screen cg-checkin --ask --gate north --now "$NOW" >records &&
	test "$(jq -r ".decision + \" \" + (.temp|tostring)" records)" = "admit 36.6" &&
	test "$(wc -l <"$CG_HOME/journal/checkin/2026-01-25.jsonl")" = $((before + 1)) &&
	grep -q "Shift ended at gate .north.: 1 registered (1 admitted, 0 denied, 0 referred), 0 discarded" screen &&
	test_line_count = 2 stty && test "$(sed -n 1p stty)" = "$(sed -n 2p stty)"
'

test_expect_success PYTHON 'Ctrl-C during an entry: x discards it, nothing journaled; the summary counts by decision' '
	before=$(wc -l <"$CG_HOME/journal/checkin/2026-01-25.jsonl") &&
	cat >script <<-EOF &&
	Direction${TAB}\r${TAB}keys
	Pass or QR${TAB}$T${TAB}scan
	Temperature${TAB}38.5
	Direction${TAB}\r${TAB}keys
	Pass or QR${TAB}$T${TAB}scan
	Temperature${TAB}36.5
	Direction${TAB}o${TAB}keys
	Pass or QR${TAB}$T${TAB}scan
	Temperature${TAB}\x03${TAB}keys
	in progress${TAB}x${TAB}keys
	EOF
	ask --stty stty script screen cg-checkin --ask --gate north --now "$NOW" >records &&
	test "$(jq -r .decision records | tr "\n" " ")" = "deny admit " &&
	test "$(wc -l <"$CG_HOME/journal/checkin/2026-01-25.jsonl")" = $((before + 2)) &&
	grep -q "the entry in progress is discarded" screen &&
	grep -q "2 registered (1 admitted, 1 denied, 0 referred), 1 discarded" screen &&
	test "$(sed -n 1p stty)" = "$(sed -n 2p stty)"
'

test_expect_success PYTHON 'SIGTERM during an entry: the terminal restored, the entry discarded, the summary shown' '
	cat >script <<-EOF &&
	Direction${TAB}\r${TAB}keys
	Pass or QR${TAB}$P
	Temperature${TAB}TERM${TAB}signal
	EOF
	ask --stty stty script screen cg-checkin --ask --dry-run --gate north --now "$NOW" >records &&
	test_line_count = 0 records &&
	grep -q "0 registered (0 admitted, 0 denied, 0 referred), 1 discarded" screen &&
	test "$(sed -n 1p stty)" = "$(sed -n 2p stty)"
'

test_expect_success 'a line at a time (standard input not a terminal): < goes back, a visitor shown until when, end of input discards the entry in progress' '
	printf "in\n%s\n36.5\nin\n\nv\n<\nv\n王五\n\n3-2-501\n\n36.7\nout\n\n" "$P" |
		cg-checkin --ask --gate south --now "$NOW" >records 2>screen &&
	test "$(jq -r ".kind + \" \" + .decision" records | tr "\n" "|")" = "resident admit|visitor admit|" &&
	until=$(jq -r "select(.kind == \"visitor\") | .visit_until" records) &&
	test -n "$until" &&
	grep -q "ADMIT  王\*  36.7 °C  visit until $(echo "$until" | cut -c12-16)" screen &&
	grep -q "the entry in progress is discarded" screen &&
	grep -q "2 registered (2 admitted, 0 denied, 0 referred), 1 discarded" screen
'

test_expect_success 'a line at a time: the shift ends at end of input between entries, discarding nothing' '
	printf "in\n%s\n36.5\n" "$P" | cg-checkin --ask --dry-run --gate south --now "$NOW" >records 2>screen &&
	test_line_count = 1 records &&
	grep -q "1 registered (1 admitted, 0 denied, 0 referred), 0 discarded" screen
'

test_done
