#!/bin/sh
test_description='cg-quarantine: bad input is reported by FILE:LINE, kept whole, never lost'
. "${0%/*}/../lib/test-lib.sh"

ID_A=110101199003074514
T=2026-01-25T12:00:00+08:00

# Two good records for each subcommand that reads records.
G1_open='{"name":"甲","household":"1-1-101","reason":"other"}'
G2_open='{"name":"乙","household":"1-1-102","reason":"other"}'
G1_check='{"case_id":"Q260125-001","temp":36.5,"ts":"2026-01-25T07:00:00+08:00"}'
G2_check='{"case_id":"Q260125-001","temp":36.6,"ts":"2026-01-25T09:00:00+08:00"}'
G1_escalate='{"case_id":"Q260125-001"}'
G2_escalate='{"case_id":"Q260125-002"}'
G1_close='{"case_id":"Q260125-001","reason":"error"}'
G2_close='{"case_id":"Q260125-002","reason":"error"}'
G1_extend='{"case_id":"Q260125-001","days":15}'
G2_extend='{"case_id":"Q260125-002","days":16}'
B_open='"name":"甲","household":"1-1-101","reason":"other"'
B_check='"case_id":"Q260125-001","temp":36.5'
B_escalate='"case_id":"Q260125-001"'
B_close='"case_id":"Q260125-001","reason":"error"'
B_extend='"case_id":"Q260125-001","days":15'
B_need='"case_id":"Q260125-001","need":"supplies"'
G1_need='{"case_id":"Q260125-001","need":"supplies"}'
G2_need='{"case_id":"Q260125-002","need":"garbage"}'

# bad SUBCOMMAND LINE REASON: LINE between two good records is rejected as
# stdin:2 with REASON (a grep pattern), kept whole in the rejects file; the
# good ones are accepted; exit status 1.
bad() {
	eval "bad_g1=\$G1_$1 bad_g2=\$G2_$1"
	rm -f rej &&
	printf "%s\n" "$bad_g1" "$2" "$bad_g2" >in &&
	test_expect_code 1 cg-quarantine "$1" -n --now "$T" --rejects rej <in >out 2>err &&
	test "$(jq -r .event out | sort -u)" = "$1" &&
	test_line_count = 2 out &&
	grep -q "^cg-quarantine: stdin:2: $3" err &&
	test_line_count = 1 err &&
	printf "%s\n" "$2" >expect_rej &&
	test_cmp expect_rej rej
}

test_expect_success 'setup: two open cases' '
	printf "%s\n" "{\"name\":\"张三\",\"id_no\":\"$ID_A\",\"phone\":\"13812348000\",\"household\":\"3-2-501\",\"reason\":\"close_contact\"}" \
		"{\"name\":\"李四\",\"household\":\"3-2-502\",\"reason\":\"close_contact\"}" |
		cg-quarantine open --now 2026-01-25T05:00:00+08:00 >opened &&
	test_line_count = 2 opened
'

for sub in open check escalate close extend need; do
	test_expect_success "$sub: malformed JSON, truncated lines, not objects" '
		bad $sub "{\"case_id\":" "invalid JSON" &&
		bad $sub "{\"case_id\":\"Q260125-001\",\"te" "invalid JSON" &&
		bad $sub "[1,2]" "not a JSON object" &&
		bad $sub "\"Q260125-001\"" "not a JSON object" &&
		bad $sub "{\"case_id\":\"Q260125-001\",\"case_id\":\"Q260125-002\"}" "invalid JSON at column 26: duplicate object key" &&
		bad $sub "{\"x\":[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]}" "nesting deeper"
	'

	test_expect_success "$sub: wrong types" '
		eval "base=\$B_$sub" &&
		bad $sub "{$base,\"ts\":20260125}" ".ts. must be a string" &&
		bad $sub "{$base,\"ts\":\"yesterday\"}" ".ts. is not an RFC 3339 time" &&
		bad $sub "{$base,\"ts\":\"2026-01-25T07:00:00\"}" ".ts. is not an RFC 3339 time" &&
		bad $sub "{$base,\"id_no\":110101199003074514}" ".id_no. must be a string" &&
		bad $sub "{$base,\"phone\":13812348000}" ".phone. must be a string" &&
		bad $sub "{$base,\"by\":7}" ".by. must be a string"
	'

	test_expect_success "$sub: invalid ID numbers, phones, households" '
		bad $sub "{\"case_id\":\"Q260125-001\",\"name\":\"甲\",\"reason\":\"other\",\"id_no\":\"110101199003074515\"}" "invalid id_no .1101\*\*\*\*\*\*\*\*\*\*4515.: wrong check character" &&
		bad $sub "{\"case_id\":\"Q260125-001\",\"name\":\"甲\",\"reason\":\"other\",\"id_no\":\"11010119900230451X\"}" "invalid id_no .*invalid birth date" &&
		bad $sub "{\"case_id\":\"Q260125-001\",\"name\":\"甲\",\"reason\":\"other\",\"id_no\":\"11010119900307451\"}" "invalid id_no .*18 characters" &&
		bad $sub "{\"case_id\":\"Q260125-001\",\"name\":\"甲\",\"reason\":\"other\",\"phone\":\"12812348000\"}" "invalid phone .128\*\*\*\*8000." &&
		bad $sub "{\"case_id\":\"Q260125-001\",\"name\":\"甲\",\"reason\":\"other\",\"household\":\"501\"}" "invalid household .501.: .*building-unit-room"
	'
done

test_expect_success 'messages never show a whole ID or phone number' '
	bad check "{\"id_no\":\"110101199003074515\",\"temp\":36.5}" "invalid id_no" &&
	bad check "{\"phone\":\"12812348000\",\"temp\":36.5}" "invalid phone" &&
	test_must_fail grep -q 12812348000 err
'

test_expect_success 'open: missing and wrong fields' '
	bad open "{\"household\":\"1-1-101\",\"reason\":\"other\"}" "missing field .name." &&
	bad open "{\"name\":\"\",\"household\":\"1-1-101\",\"reason\":\"other\"}" ".name. must not be empty" &&
	bad open "{\"name\":[\"甲\"],\"household\":\"1-1-101\",\"reason\":\"other\"}" ".name. must be a string" &&
	bad open "{\"name\":\"甲\",\"reason\":\"other\"}" "missing field .id_no., .phone. or .household. (one identifies the person)" &&
	bad open "{\"name\":\"甲\",\"household\":\"1-1-101\"}" "missing field .reason." &&
	bad open "{\"name\":\"甲\",\"household\":\"1-1-101\",\"reason\":\"other\",\"from\":7}" ".from. must be a string" &&
	bad open "{\"name\":\"甲\",\"household\":\"1-1-101\",\"reason\":\"other\",\"officer\":\"\"}" ".officer. must not be empty" &&
	bad open "{\"name\":\"甲\",\"household\":\"1-1-101\",\"reason\":\"other\",\"start\":\"2026-02-30\"}" ".start. is not a date (YYYY-MM-DD) or an RFC 3339 time: .2026-02-30." &&
	bad open "{\"name\":\"甲\",\"household\":\"1-1-101\",\"reason\":\"other\",\"start\":20260125}" ".start. must be a string" &&
	bad open "{\"name\":\"甲\",\"household\":\"1-1-101\",\"reason\":\"other\",\"days\":\"14\"}" ".days. must be a whole number" &&
	bad open "{\"name\":\"甲\",\"household\":\"1-1-101\",\"reason\":\"other\",\"days\":14.5}" ".days. must be a whole number" &&
	bad open "{\"name\":\"甲\",\"household\":\"1-1-101\",\"reason\":\"other\",\"days\":0}" ".days. must be from 1 to 365, not 0"
'

test_expect_success 'check: missing and wrong fields' '
	bad check "{\"case_id\":\"Q260125-001\"}" "missing field .temp." &&
	bad check "{\"case_id\":\"Q260125-001\",\"temp\":\"36.5\"}" ".temp. must be a number" &&
	bad check "{\"case_id\":\"Q260125-001\",\"temp\":null}" ".temp. must be a number" &&
	bad check "{\"case_id\":\"Q260125-001\",\"temp\":36.5,\"symptoms\":\"cough\"}" ".symptoms. must be an array of strings" &&
	bad check "{\"case_id\":\"Q260125-001\",\"temp\":36.5,\"symptoms\":[1]}" ".symptoms. must be an array of strings" &&
	bad check "{\"case_id\":\"Q260125-001\",\"temp\":36.5,\"symptoms\":[\"\"]}" ".symptoms. must be an array of strings" &&
	bad check "{\"case_id\":7,\"temp\":36.5}" ".case_id. must be a string" &&
	bad check "{\"case_id\":\"\",\"temp\":36.5}" ".case_id. must not be empty" &&
	bad check "{\"temp\":36.5}" "missing field .case_id."
'

test_expect_success 'a good line is never lost: bad lines around it, journaled as printed' '
	printf "%s\n" "not json" "$G1_check" "{\"case_id\":\"Q260125-009\",\"temp\":36.5}" \
		"$G2_check" "{\"case_id\":" >in &&
	rm -f rej &&
	test_expect_code 1 cg-quarantine check --now "$T" --rejects rej <in >out 2>err &&
	test_line_count = 2 out &&
	tail -n 2 "$CG_HOME/journal/quarantine.jsonl" >last &&
	test_cmp out last &&
	test_line_count = 3 err &&
	grep -q "^cg-quarantine: stdin:1: invalid JSON" err &&
	grep -q "^cg-quarantine: stdin:3: unknown case .Q260125-009." err &&
	grep -q "^cg-quarantine: stdin:5: invalid JSON" err &&
	sed -n "1p;3p;5p" in >expect_rej &&
	test_cmp expect_rej rej
'

test_expect_success '--strict stops at the first bad line; what came before is journaled' '
	printf "%s\n" "{\"case_id\":\"Q260125-002\",\"temp\":36.5,\"ts\":\"2026-01-25T07:00:00+08:00\"}" \
		"{\"case_id\":\"Q260125-002\",\"temp\":\"hot\"}" \
		"{\"case_id\":\"Q260125-002\",\"temp\":36.5,\"ts\":\"2026-01-25T11:00:00+08:00\"}" >in &&
	lines=$(wc -l <"$CG_HOME/journal/quarantine.jsonl") &&
	test_expect_code 1 cg-quarantine check --strict --now "$T" <in >out 2>err &&
	test_line_count = 1 out &&
	test "$(wc -l <"$CG_HOME/journal/quarantine.jsonl")" -eq $((lines + 1)) &&
	grep -q "stdin:2: .temp. must be a number" err
'

test_expect_success 'FILE operands and - for stdin; FILE:LINE names the file' '
	echo "$G1_open" >a.jsonl &&
	printf "%s\nbad\n" "$G2_open" >b.jsonl &&
	echo "{\"name\":\"丙\",\"household\":\"1-1-103\",\"reason\":\"other\"}" |
		test_expect_code 1 cg-quarantine open -n --now "$T" a.jsonl - b.jsonl >out 2>err &&
	test_line_count = 3 out &&
	grep -q "^cg-quarantine: b.jsonl:2: invalid JSON" err
'

test_expect_success 'a FILE that cannot be read is a system error (exit 3)' '
	test_expect_code 3 cg-quarantine open -n --now "$T" nonexistent.jsonl >out 2>err &&
	grep -q "nonexistent.jsonl" err
'

test_expect_success 'empty input, only blank lines: nothing out, exit 0, nothing journaled' '
	cp "$CG_HOME/journal/quarantine.jsonl" before &&
	for sub in open check escalate close extend need; do
		cg-quarantine $sub --now "$T" </dev/null >out 2>err || return 1
		test_must_fail test -s out || return 1
		test_must_fail test -s err || return 1
		printf "\n  \n\n" | cg-quarantine $sub --now "$T" >out || return 1
		test_must_fail test -s out || return 1
	done &&
	cmp before "$CG_HOME/journal/quarantine.jsonl" &&
	rm -rf "$TRASH/fresh" &&
	cg-quarantine open --home "$TRASH/fresh" --now "$T" </dev/null >out &&
	test_must_fail test -e "$TRASH/fresh/journal/quarantine.jsonl"
'

test_expect_success 'CRLF, a BOM on line 1 and no final newline are fine' '
	printf "\357\273\277%s\r\n\r\n%s" "$G1_open" "$G2_open" >in &&
	cg-quarantine open -n --now "$T" <in >out 2>err &&
	test_line_count = 2 out &&
	test_must_fail test -s err
'

test_expect_success 'NUL bytes and invalid UTF-8 are refused with their column' '
	printf "%s\n{\"name\":\"\000\"}\n{\"name\":\"\377\"}\n%s\n" "$G1_open" "$G2_open" >in &&
	rm -f rej &&
	test_expect_code 1 cg-quarantine open -n --now "$T" --rejects rej <in >out 2>err &&
	test_line_count = 2 out &&
	grep -q "stdin:2: NUL byte at column" err &&
	grep -q "stdin:3: invalid UTF-8 at column" err &&
	sed -n 2,3p in >expect_rej && cmp expect_rej rej
'

test_expect_success 'a line over 1 MiB is rejected and still kept whole' '
	head -c 1100000 /dev/zero | tr "\0" " " >big &&
	{ echo "$G1_open"; printf "{\"name\":\"x\""; cat big; echo "}"; echo "$G2_open"; } >in &&
	rm -f rej &&
	test_expect_code 1 cg-quarantine open -n --now "$T" --rejects rej <in >out 2>err &&
	test_line_count = 2 out &&
	grep -q "stdin:2: line longer than 1048576 bytes" err &&
	sed -n 2p in >expect_rej && cmp expect_rej rej
'

test_done
