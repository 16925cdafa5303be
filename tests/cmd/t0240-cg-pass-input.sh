#!/bin/sh
test_description='cg-pass issue: bad input is reported by line, kept whole, never lost'
. "${0%/*}/../lib/test-lib.sh"

GOOD1='{"name":"张三","id_no":"110101199003074514","household":"3-2-501"}'
GOOD2='{"name":"李四","phone":"13812348000","household":"3-2-502"}'

# check_bad LINE REASON: between two good records, LINE is rejected as
# line 2 with REASON, both good ones are issued and journaled, exit 1.
check_bad() {
	rm -rf "$CG_HOME" rej &&
	printf "%s\n%s\n%s\n" "$GOOD1" "$1" "$GOOD2" >in &&
	test_expect_code 1 cg-pass issue --now "$NOW" --rejects rej <in >out 2>err &&
	test_line_count = 2 out &&
	test "$(wc -l <"$CG_HOME/journal/pass.jsonl")" = 2 &&
	grep -q "^cg-pass: stdin:2: .*$2" err &&
	test_line_count = 1 err &&
	printf "%s\n" "$1" >expect && test_cmp expect rej
}

test_expect_success 'malformed JSON and a truncated line' '
	check_bad "{\"name\":\"王五\",\"id_no\":" "invalid JSON" &&
	check_bad "{\"name\":\"王五\",\"phone\":\"1380" "invalid JSON"
'

test_expect_success 'not an object' '
	check_bad "[\"王五\"]" "not a JSON object"
'

test_expect_success 'wrong types' '
	check_bad "{\"name\":\"王五\",\"id_no\":110101199003074514}" "id_no.* must be a string" &&
	check_bad "{\"name\":\"\",\"phone\":\"13900001111\"}" "name.* must be a non-empty string" &&
	check_bad "{\"plate\":12345,\"household\":\"1-1-101\"}" "plate.* must be a non-empty string" &&
	check_bad "{\"name\":\"王五\",\"phone\":\"13900001111\",\"valid_until\":\"soon\"}" "valid_until.* is not" &&
	check_bad "{\"name\":\"王五\",\"phone\":\"13900001111\",\"class\":5}" "class.* must be a string" &&
	check_bad "{\"name\":\"王五\",\"phone\":\"13900001111\",\"class\":null}" "class.* must be a string"
'

test_expect_success 'missing fields: no holder, a vehicle pass without a plate' '
	check_bad "{\"name\":\"王五\"}" "no holder" &&
	check_bad "{\"name\":\"王五\",\"phone\":\"13900001111\",\"class\":\"vehicle\"}" "missing field .plate."
'

test_expect_success 'invalid ID numbers, phones and households' '
	check_bad "{\"name\":\"王五\",\"id_no\":\"110101199003074515\"}" "wrong check character" &&
	check_bad "{\"name\":\"王五\",\"id_no\":\"11010119900230451X\"}" "invalid birth date" &&
	check_bad "{\"name\":\"王五\",\"phone\":\"12812348000\"}" "not a mainland mobile number" &&
	check_bad "{\"name\":\"王五\",\"phone\":\"13900001111\",\"household\":\"501\"}" "building-unit-room"
'

test_expect_success 'messages mask the ID number they quote' '
	check_bad "{\"name\":\"王五\",\"id_no\":\"110101199003074515\"}" "1101\\*\\*\\*\\*\\*\\*\\*\\*\\*\\*4515" &&
	test_must_fail grep -q 110101199003074515 err
'

test_expect_success 'empty input: nothing issued, exit 0, no journal' '
	rm -rf "$CG_HOME" &&
	cg-pass issue --now "$NOW" </dev/null >out &&
	test_must_fail test -s out &&
	test_must_fail test -e "$CG_HOME/journal/pass.jsonl"
'

test_expect_success 'CRLF, a BOM and blank lines are fine' '
	rm -rf "$CG_HOME" &&
	printf "\357\273\277%s\r\n\r\n%s\r\n" "$GOOD1" "$GOOD2" | cg-pass issue --now "$NOW" >out &&
	test_line_count = 2 out
'

test_expect_success '--strict stops at the first bad line, the ones before are issued' '
	rm -rf "$CG_HOME" &&
	printf "%s\nbad\n%s\n" "$GOOD1" "$GOOD2" | test_expect_code 1 cg-pass issue --strict --now "$NOW" >out 2>/dev/null &&
	test_line_count = 1 out &&
	test "$(wc -l <"$CG_HOME/journal/pass.jsonl")" = 1
'

test_expect_success 'nothing lost: issued + rejected = input, in a long mixed stream' '
	rm -rf "$CG_HOME" rej &&
	i=0 && while [ $i -lt 120 ]; do
		printf "{\"name\":\"住户%d\",\"phone\":\"1390000%04d\"}\n" $i $i
		[ $((i % 9)) -eq 0 ] && echo "{\"name\":\"x$i\",\"id_no\":\"110101199003074515\"}"
		[ $((i % 13)) -eq 0 ] && echo "{broken"
		i=$((i + 1))
	done >in &&
	test_expect_code 1 cg-pass issue --now "$NOW" --rejects rej <in >out 2>err &&
	test $(( $(wc -l <out) + $(wc -l <rej) )) -eq "$(wc -l <in)" &&
	test "$(wc -l <err)" = "$(wc -l <rej)" &&
	cmp out "$CG_HOME/journal/pass.jsonl"
'

test_done
