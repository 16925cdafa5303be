#!/bin/sh
test_description='gate names without case, "did you mean", and errors that list the allowed values'
. "${0%/*}/../lib/test-lib.sh"

EV='"dir":"in","kind":"staff","temp":36.5,"mask":true'

test_expect_success 'a gate typed in another case is the configured gate' '
	printf "{\"gate\":\"North\",$EV}\n{\"gate\":\"SOUTH\",$EV}\n" >in &&
	cg-checkin --now "$NOW" <in >out &&
	test "$(field gate out | tr "\n" " ")" = "north south " &&
	test "$(jq -r .gate "$CG_HOME"/journal/checkin/2026-01-25.jsonl | tr "\n" " ")" = "north south "
'

test_expect_success 'configured gates in Chinese and mixed case' '
	write_config "{\"gates\":[\"北门\",\"East-2\"]}" &&
	printf "{\"gate\":\"east-2\",$EV}\n{\"gate\":\"北门\",$EV}\n" >in &&
	cg-checkin --dry-run --now "$NOW" <in >out &&
	test "$(field gate out | tr "\n" " ")" = "East-2 北门 " &&
	rm "$CG_HOME/config.json"
'

# check_bad LINE MESSAGE: rejected as stdin:1 with exactly MESSAGE.
check_bad() {
	printf "%s\n" "$1" >in &&
	test_expect_code 1 cg-checkin --dry-run --now "$NOW" <in >out 2>err &&
	test_line_count = 0 out &&
	echo "cg-checkin: stdin:1: $2" >expect &&
	test_cmp expect err
}

test_expect_success 'an unknown gate lists the gates and suggests the near one' '
	check_bad "{\"gate\":\"nrth\",$EV}" "unknown gate '"'"'nrth'"'"' (north, south); did you mean '"'"'north'"'"'?" &&
	check_bad "{\"gate\":\"Sout\",$EV}" "unknown gate '"'"'Sout'"'"' (north, south); did you mean '"'"'south'"'"'?" &&
	check_bad "{\"gate\":\"west\",$EV}" "unknown gate '"'"'west'"'"' (north, south)" &&
	check_bad "{\"gate\":\"\",$EV}" "'"'"'gate'"'"' must not be empty"
'

test_expect_success ZH_LOCALE 'the same in Chinese' '
	printf "{\"gate\":\"nrth\",$EV}\n" >in &&
	test_expect_code 1 env LANGUAGE=zh_CN LC_ALL=zh_CN.UTF-8 cg-checkin --dry-run --now "$NOW" <in 2>err &&
	grep -q "^cg-checkin: stdin:1: 未知门岗 .nrth.（north, south）；是否指 .north.？" err
'

test_expect_success '--ask --gate: a wrong one lists the gates' '
	test_expect_code 2 cg-checkin --ask --gate nort --now "$NOW" </dev/null 2>err &&
	grep -q "unknown gate .nort. (north, south); did you mean .north.?" err
'

test_expect_success 'an unknown pass class lists the classes' '
	classes=$(jq -r ".passes.classes | keys_unsorted | join(\", \")" "$SRC_DIR/share/cg/config.json") &&
	test -n "$classes" &&
	printf "{\"name\":\"王五\",\"phone\":\"13900001111\",\"class\":\"visiter\"}\n" >in &&
	test_expect_code 1 cg-pass issue --dry-run --now "$NOW" <in >out 2>err &&
	echo "cg-pass: stdin:1: unknown pass class '"'"'visiter'"'"' ($classes); did you mean '"'"'visitor'"'"'?" >expect &&
	test_cmp expect err &&
	test_expect_code 2 cg-pass issue --class vip --dry-run --now "$NOW" </dev/null 2>err &&
	grep -q "^cg-pass: unknown pass class .vip. ($classes) for --class" err
'

test_done
