#!/bin/sh
# build-independent: the test harness itself, which runs no command under test
test_description='the test harness itself: results, cleanup, --run, -v, -i'
. "${0%/*}/../lib/test-lib.sh"

# A script of four tests on the harness, in a directory of its own so that
# "${0%/*}/../lib/test-lib.sh" finds the real harness.
mkdir -p "$TRASH/h/cmd" &&
ln -s "$SRC_DIR/tests/lib" "$TRASH/h/lib" &&
cat >"$TRASH/h/cmd/t-sample.sh" <<\SAMPLE
#!/bin/sh
. "${0%/*}/../lib/test-lib.sh"
test_expect_success 'passes, cleans up after itself' '
	test_when_finished "echo cleaned-1 >>$OUT" &&
	echo visible-with-v
'
test_expect_success 'fails, and its cleanup still runs' '
	test_when_finished "echo cleaned-2 >>$OUT" &&
	echo said-something &&
	false
'
test_expect_success NO_SUCH_PREREQ 'needs what is missing' '
	false
'
test_expect_success 'a failing cleanup fails the test' '
	test_when_finished "false" &&
	true
'
test_done
SAMPLE

test_expect_success 'results, counts and status of a script' '
	OUT=$TRASH/cleanups && export OUT && : >"$OUT" &&
	test_expect_code 1 sh h/cmd/t-sample.sh >out &&
	grep -v "^#" out >results &&
	cat >expect <<-\EOF &&
	ok - 1 passes, cleans up after itself
	not ok - 2 fails, and its cleanup still runs
	ok - 3 needs what is missing # skip missing NO_SUCH_PREREQ
	not ok - 4 a failing cleanup fails the test
	EOF
	test_cmp expect results &&
	grep -q "^#  said-something" out &&
	grep -q "^# t-sample.sh: 4 tests, 2 failed, 1 skipped" out &&
	printf "cleaned-1\ncleaned-2\n" >expect && test_cmp expect "$OUT"
'

test_expect_success '--run runs only the tests it names' '
	OUT=$TRASH/cleanups && export OUT && : >"$OUT" &&
	sh h/cmd/t-sample.sh --run=1,3-3 >out &&
	grep -v "^#" out >results &&
	cat >expect <<-\EOF &&
	ok - 1 passes, cleans up after itself
	ok - 2 fails, and its cleanup still runs # skip not in --run=1,3-3
	ok - 3 needs what is missing # skip missing NO_SUCH_PREREQ
	ok - 4 a failing cleanup fails the test # skip not in --run=1,3-3
	EOF
	test_cmp expect results &&
	echo cleaned-1 >expect && test_cmp expect "$OUT"
'

test_expect_success '-v shows the output of passing tests too; -i stops at the first failure' '
	OUT=/dev/null && export OUT &&
	sh h/cmd/t-sample.sh --run=1 >out &&
	test_must_fail grep -q "visible-with-v" out &&
	sh h/cmd/t-sample.sh --run=1 -v >out &&
	grep -q "^#  visible-with-v" out &&
	test_expect_code 1 sh h/cmd/t-sample.sh -i >out &&
	tail -n 1 out >last &&
	grep -q "^# stopped at the first failure; trash kept in " last &&
	test_must_fail grep -q "^ok - 3" out &&
	rm -rf "$(sed -n "s/^# stopped.*kept in //p" last)"
'

test_expect_success 'an unknown option is a usage error' '
	test_expect_code 2 sh h/cmd/t-sample.sh --frobnicate 2>err &&
	grep -q "unknown option" err
'

# The answer the harness's jq function gets from helper-jq-field must be
# jq's own, whatever the input: each case through both, output and status.
test_expect_success 'jq -r .NAME through the helper prints what jq prints' '
	printf "%s\n" "{\"a\":\"x y\",\"n\":5,\"b\":true}" "{\"a\":\"\\u4e2d\\t\\\\\\\"q\"}" \
		"{\"a\":null}" "{}" "null" "{\"a\":-9007199254740992,\"a2\":1}" \
		"  {\"a\" : false}  {\"a\":\"two on a line\"}" >plain.jsonl &&
	printf "%s\n" "{\"a\":36.5}" "{\"a\":9007199254740993}" "{\"a\":{\"b\":[1,2]}}" \
		"{\"a\":[]}" "{\"a\":1e2}" >handed.jsonl &&
	printf "%s\n" "{\"a\":1}" "[1]" >notobj.jsonl &&
	printf "%s\n" "{\"a\":1}" "{\"a\":" >broken.jsonl &&
	printf "{\"a\":\"no newline\"}" >last.jsonl &&
	: >empty.jsonl &&
	for f in plain handed notobj broken last empty; do
		for field in a b n a2 zz; do
			{ command jq -r ".$field" $f.jsonl >want.out 2>want.err; echo $? >want.st; } &&
			{ jq -r ".$field" $f.jsonl >got.out 2>got.err; echo $? >got.st; } &&
			test_cmp want.out got.out && test_cmp want.st got.st &&
			test_cmp want.err got.err &&
			{ command jq -r ".$field" <$f.jsonl >want.out 2>&1; echo $? >>want.out; } &&
			{ jq -r ".$field" <$f.jsonl >got.out 2>&1; echo $? >>got.out; } &&
			test_cmp want.out got.out || exit 1
		done
	done &&
	{ command jq -r .a plain.jsonl last.jsonl >want.out; jq -r .a plain.jsonl last.jsonl >got.out; } &&
	test_cmp want.out got.out &&
	test_must_fail jq -r .a no-such-file 2>err && grep -q no-such-file err &&
	# the helper answers the plain ones itself (no jq on its PATH)
	PATH=/nonexistent "$CG_BUILD/tests/helper-jq-field" a plain.jsonl >got.out &&
	command jq -r .a plain.jsonl >want.out && test_cmp want.out got.out
'

# The same for the harness's field and verdict, whose programs the
# helper answers too (--tostring, --verdict).
test_expect_success 'field and verdict through the helper print what jq prints' '
	printf "%s\n" "{\"a\":[\"x\",\"y z\"],\"b\":[]}" "{\"a\":[null,\"\\u4e2d\"],\"n\":7}" \
		"{\"a\":\"s\",\"b\":false}" "null" "{}" >arrays.jsonl &&
	printf "%s\n" "{\"a\":[1,\"x\"]}" "{\"a\":{\"b\":1}}" "{\"a\":[[]]}" "{\"a\":0.5}" >odd.jsonl &&
	printf "%s\n" "{\"decision\":\"admit\",\"reasons\":[]}" \
		"{\"decision\":\"deny\",\"reasons\":[\"fever\",\"no_pass\"]}" >verdicts.jsonl &&
	printf "%s\n" "{\"decision\":null,\"reasons\":[]}" "{\"reasons\":[\"x\"]}" \
		"{\"decision\":\"x\"}" "{\"decision\":\"x\",\"reasons\":[1]}" "null" "[1]" >badverdicts.jsonl &&
	for f in arrays odd plain handed notobj broken last empty verdicts badverdicts; do
		[ -f $f.jsonl ] || continue
		for name in a b n zz; do
			{ command jq -r --arg f $name ".[\$f] | if type == \"array\" then join(\",\") else tostring end" \
				$f.jsonl >want.out 2>&1; echo $? >>want.out; } &&
			{ field $name $f.jsonl >got.out 2>&1; echo $? >>got.out; } &&
			test_cmp want.out got.out &&
			{ command jq -r --arg f $name ".[\$f] | if type == \"array\" then join(\",\") else tostring end" \
				<$f.jsonl >want.out 2>&1; echo $? >>want.out; } &&
			{ field $name <$f.jsonl >got.out 2>&1; echo $? >>got.out; } &&
			test_cmp want.out got.out || exit 1
		done
		{ command jq -r ".decision + \" \" + (.reasons | join(\",\"))" $f.jsonl >want.out 2>&1; echo $? >>want.out; } &&
		{ "$CG_BUILD/tests/helper-jq-field" --verdict $f.jsonl >got.out 2>&1; echo $? >>got.out; } &&
		test_cmp want.out got.out || exit 1
	done &&
	# the helper answers the plain ones itself (no jq on its PATH)
	PATH=/nonexistent "$CG_BUILD/tests/helper-jq-field" --tostring a arrays.jsonl >got.out &&
	printf "%s\n" "x,y z" ",中" s null null >want.out && test_cmp want.out got.out &&
	PATH=/nonexistent "$CG_BUILD/tests/helper-jq-field" --verdict verdicts.jsonl >got.out &&
	printf "%s\n" "admit " "deny fever,no_pass" >want.out && test_cmp want.out got.out
'

test_done
