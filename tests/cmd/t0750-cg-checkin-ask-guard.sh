#!/bin/sh
test_description='cg-checkin --ask --guard: the guard signed on for the session and off at its end (cg-duty), through a pseudo-terminal'
. "${0%/*}/../lib/test-lib.sh"

ask() {
	python3 "$SRC_DIR/tests/lib/ptyrun.py" "$@"
}

TAB=$(printf '\t')

test_expect_success PYTHON 'the session signs the guard on at its gate, and off at Ctrl-D' '
	cat >script <<-EOF &&
	Direction${TAB}i${TAB}keys
	Pass or QR${TAB}110101199003074514
	Kind${TAB}r${TAB}keys
	Name${TAB}张三
	Household${TAB}3-2-501
	Coming from${TAB}
	Temperature${TAB}36.5
	Direction${TAB}^D
	EOF
	ask script screen cg-checkin --ask --gate south --guard 王师傅 --now "$NOW" >records &&
	test_line_count = 1 records &&
	test "$(jq -r .gate records)" = south &&
	jq -c "[.event, .gate, .guard, .ts, .seq]" "$CG_HOME/journal/duty.jsonl" >got &&
	cat >expect <<-EOF &&
	["on","south","王师傅","$NOW",1]
	["off","south","王师傅","$NOW",2]
	EOF
	test_cmp expect got &&
	grep -q "guard 王\*\* signed on at gate .south." screen &&
	grep -q "guard 王\*\* signed off at gate .south." screen &&
	test_must_fail grep -q 王师傅 screen
'

test_expect_success PYTHON 'a guard already on at the gate is left on' '
	cg-duty on --guard 李师傅 --gate north --now "$NOW" >/dev/null &&
	printf "Direction\t^D\n" >script2 &&
	ask script2 screen2 cg-checkin --ask --guard 李师傅 --now "$NOW" &&
	test "$(grep -c 李师傅 "$CG_HOME/journal/duty.jsonl")" = 1 &&
	cg-duty off --guard 李师傅 --now "$NOW" >/dev/null
'

test_expect_success PYTHON 'a guard on at another gate is refused before the session' '
	cg-duty on --guard 赵师傅 --gate north --now "$NOW" >/dev/null &&
	: >script3 &&
	test_expect_code 2 ask script3 screen3 cg-checkin --ask --gate south --guard 赵师傅 --now "$NOW" &&
	grep -q "already on duty at gate .north." screen3 &&
	test "$(grep -c 赵师傅 "$CG_HOME/journal/duty.jsonl")" = 1
'

test_expect_success '--guard goes with --ask, not with --dry-run' '
	test_expect_code 2 cg-checkin --guard 王 </dev/null 2>err &&
	grep -q "guard goes with --ask" err &&
	test_expect_code 2 cg-checkin --ask --dry-run --guard 王 </dev/null 2>err
'

test_done
