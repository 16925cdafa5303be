#!/bin/sh
test_description='cg-checkin: bad input is reported by line, kept whole, never lost'
. "${0%/*}/../lib/test-lib.sh"

GOOD='{"gate":"north","dir":"in","kind":"staff","temp":36.5,"mask":true}'

# check_bad LINE REASON: LINE between two good ones is rejected as line 2
# with REASON; the good ones are decided and journaled; exit status 1.
check_bad() {
	rm -f rej &&
	{ echo "$GOOD"; printf '%s\n' "$1"; echo "$GOOD"; } >in &&
	test_expect_code 1 cg-checkin --now "$NOW" --rejects rej <in >out 2>err &&
	test_line_count = 2 out &&
	grep -q "^cg-checkin: stdin:2: .*$2" err &&
	test_line_count = 1 err &&
	printf '%s\n' "$1" >expect_rej &&
	test_cmp expect_rej rej
}

test_expect_success 'malformed JSON' '
	check_bad "{\"gate\":\"north\",\"dir\":" "invalid JSON"
'

test_expect_success 'a truncated line (cut mid-record)' '
	check_bad "{\"gate\":\"north\",\"dir\":\"in\",\"ki" "invalid JSON"
'

test_expect_success 'not an object' '
	check_bad "[1,2,3]" "not a JSON object" &&
	check_bad "\"north\"" "not a JSON object" &&
	check_bad "42" "not a JSON object"
'

test_expect_success 'duplicate keys' '
	check_bad "{\"gate\":\"north\",\"gate\":\"south\",\"dir\":\"in\",\"kind\":\"staff\"}" "duplicate"
'

test_expect_success 'nesting too deep' '
	check_bad "{\"gate\":\"north\",\"dir\":\"in\",\"kind\":\"staff\",\"x\":[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]}" "nesting deeper"
'

test_expect_success 'wrong types' '
	check_bad "{\"gate\":\"north\",\"dir\":\"in\",\"kind\":\"staff\",\"temp\":\"36.5\",\"mask\":true}" "temp.* must be a number" &&
	check_bad "{\"gate\":\"north\",\"dir\":\"in\",\"kind\":\"staff\",\"temp\":36.5,\"mask\":\"yes\"}" "mask.* must be true or false" &&
	check_bad "{\"gate\":7,\"dir\":\"in\",\"kind\":\"staff\"}" "gate.* must be a string" &&
	check_bad "{\"gate\":\"north\",\"dir\":\"in\",\"kind\":\"staff\",\"symptoms\":\"cough\"}" "symptoms.* must be an array" &&
	check_bad "{\"gate\":\"north\",\"dir\":\"in\",\"kind\":\"staff\",\"id_no\":110101199003074514}" "id_no.* must be a string" &&
	check_bad "{\"gate\":\"north\",\"dir\":\"in\",\"kind\":\"staff\",\"ts\":\"yesterday\"}" "RFC 3339"
'

test_expect_success 'missing fields' '
	check_bad "{\"dir\":\"in\",\"kind\":\"staff\"}" "missing field .gate." &&
	check_bad "{\"gate\":\"north\",\"kind\":\"staff\"}" "missing field .dir." &&
	check_bad "{\"gate\":\"north\",\"dir\":\"in\"}" "missing field .kind." &&
	check_bad "{\"gate\":\"north\",\"dir\":\"in\",\"kind\":\"vehicle\"}" "missing field .plate."
'

test_expect_success 'unknown values' '
	check_bad "{\"gate\":\"north\",\"dir\":\"sideways\",\"kind\":\"staff\"}" "dir" &&
	check_bad "{\"gate\":\"north\",\"dir\":\"in\",\"kind\":\"alien\"}" "unknown kind" &&
	check_bad "{\"gate\":\"west\",\"dir\":\"in\",\"kind\":\"staff\"}" "unknown gate .west."
'

test_expect_success 'invalid ID numbers: check character, birth date, length' '
	check_bad "{\"gate\":\"north\",\"dir\":\"in\",\"kind\":\"resident\",\"id_no\":\"110101199003074515\"}" "wrong check character" &&
	check_bad "{\"gate\":\"north\",\"dir\":\"in\",\"kind\":\"resident\",\"id_no\":\"11010119900230451X\"}" "invalid birth date" &&
	check_bad "{\"gate\":\"north\",\"dir\":\"in\",\"kind\":\"resident\",\"id_no\":\"11010119900307451\"}" "18 characters" &&
	check_bad "{\"gate\":\"north\",\"dir\":\"in\",\"kind\":\"resident\",\"phone\":\"12812348000\"}" "mobile" &&
	check_bad "{\"gate\":\"north\",\"dir\":\"in\",\"kind\":\"visitor\",\"host\":\"501\"}" "building-unit-room"
'

test_expect_success 'messages mask the ID and phone numbers they quote' '
	printf "%s\n" "{\"gate\":\"north\",\"dir\":\"in\",\"kind\":\"resident\",\"id_no\":\"110101199003074515\"}" \
		"{\"gate\":\"north\",\"dir\":\"in\",\"kind\":\"resident\",\"phone\":\"12812348000\"}" >in &&
	rm -f rej &&
	test_expect_code 1 cg-checkin --dry-run --now "$NOW" --rejects rej <in 2>err &&
	grep -q "stdin:1: invalid id_no .1101\*\*\*\*\*\*\*\*\*\*4515." err &&
	grep -q "stdin:2: invalid phone .128\*\*\*\*8000." err &&
	test_must_fail grep -q "110101199003074515\|12812348000" err &&
	test_cmp in rej
'

test_expect_success 'a birth date after today (per --now) is refused' '
	{ echo "$GOOD"; echo "{\"gate\":\"north\",\"dir\":\"in\",\"kind\":\"resident\",\"id_no\":\"110101202601260011\"}"; } >in &&
	test_expect_code 1 cg-checkin --dry-run --now 2026-01-25T08:00:00+08:00 <in >out 2>err &&
	grep -q "stdin:2: .*future" err
'

test_expect_success 'NUL bytes and invalid UTF-8 are refused with their column' '
	printf "%s\n{\"gate\":\"no\000rth\"}\n{\"name\":\"\377\"}\n%s\n" "$GOOD" "$GOOD" >in &&
	rm -f rej &&
	test_expect_code 1 cg-checkin --now "$NOW" --rejects rej <in >out 2>err &&
	test_line_count = 2 out &&
	grep -q "stdin:2: NUL byte at column 12" err &&
	grep -q "stdin:3: invalid UTF-8 at column 10" err &&
	sed -n 2,3p in >expect_rej && cmp expect_rej rej
'

test_expect_success 'a line over --max-line is rejected without being held, kept whole in rejects' '
	long=$(head -c 3000 /dev/zero | tr "\0" "a") &&
	{ echo "$GOOD"; echo "{\"gate\":\"north\",\"pad\":\"$long\"}"; echo "$GOOD"; } >in &&
	rm -f rej &&
	test_expect_code 1 cg-checkin --now "$NOW" --max-line 1k --rejects rej <in >out 2>err &&
	test_line_count = 2 out &&
	grep -q "stdin:2: line longer than 1024 bytes" err &&
	sed -n 2p in >expect_rej && cmp expect_rej rej
'

test_expect_success 'the default line cap is 1 MiB' '
	head -c 1100000 /dev/zero | tr "\0" " " >big &&
	{ echo "$GOOD"; printf "{\"gate\":\"north\""; cat big; echo "}"; echo "$GOOD"; } >in &&
	test_expect_code 1 cg-checkin --dry-run --now "$NOW" <in >out 2>err &&
	test_line_count = 2 out &&
	grep -q "stdin:2: line longer than 1048576 bytes" err
'

test_expect_success 'CRLF, a BOM on line 1, blank lines and no final newline are fine' '
	printf "\357\273\277%s\r\n\r\n   \n%s\r\n\n%s" "$GOOD" "$GOOD" "$GOOD" >in &&
	cg-checkin --now "$NOW" <in >out 2>err &&
	test_line_count = 3 out &&
	test_must_fail test -s err
'

test_expect_success 'a BOM on a later line is an error with its line number' '
	printf "%s\n\357\273\277%s\n" "$GOOD" "$GOOD" >in &&
	test_expect_code 1 cg-checkin --dry-run --now "$NOW" <in >out 2>err &&
	grep -q "stdin:2: invalid JSON" err
'

test_expect_success 'empty input: nothing out, exit 0, no journal written' '
	rm -rf "$CG_HOME" &&
	cg-checkin --now "$NOW" </dev/null >out 2>err &&
	test_must_fail test -s out &&
	test_must_fail test -s err &&
	test_must_fail test -e "$CG_HOME/journal/checkin/2026-01-25.jsonl"
'

test_expect_success 'only blank lines is empty input too' '
	printf "\n\n  \n" | cg-checkin --now "$NOW" >out &&
	test_must_fail test -s out
'

test_expect_success 'files named on the command line, and - for stdin; FILE:LINE names the file' '
	echo "$GOOD" >a.jsonl &&
	printf "%s\nbad\n" "$GOOD" >b.jsonl &&
	echo "$GOOD" | test_expect_code 1 cg-checkin --dry-run --now "$NOW" a.jsonl - b.jsonl >out 2>err &&
	test_line_count = 3 out &&
	grep -q "^cg-checkin: b.jsonl:2: invalid JSON" err
'

test_expect_success 'gzip-compressed input files are read' '
	printf "%s\n%s\n" "$GOOD" "$GOOD" | gzip >c.jsonl.gz &&
	cg-checkin --dry-run --now "$NOW" c.jsonl.gz >out &&
	test_line_count = 2 out
'

test_expect_success 'a missing input file is a system error' '
	test_expect_code 3 cg-checkin --dry-run --now "$NOW" nosuch.jsonl 2>err &&
	grep -q "cannot open .nosuch.jsonl." err
'

test_expect_success '--strict stops at the first bad line, after deciding the ones before' '
	{ echo "$GOOD"; echo "bad"; echo "$GOOD"; } >in &&
	rm -f rej &&
	test_expect_code 1 cg-checkin --strict --now "$NOW" --rejects rej <in >out 2>err &&
	test_line_count = 1 out &&
	echo bad >expect_rej && test_cmp expect_rej rej
'

test_expect_success 'nothing lost: every input line is either decided and journaled or rejected' '
	rm -rf "$CG_HOME" rej &&
	{
		i=0; while [ $i -lt 200 ]; do
			echo "$GOOD"
			[ $((i % 7)) -eq 0 ] && echo "{\"gate\":\"north\",\"dir\":\"in\",\"kind\":\"x$i\"}"
			[ $((i % 11)) -eq 0 ] && echo "{broken $i"
			i=$((i + 1))
		done
	} >in &&
	test_expect_code 1 cg-checkin --now "$NOW" --rejects rej <in >out 2>err &&
	total=$(wc -l <in) && decided=$(wc -l <out) && rejected=$(wc -l <rej) &&
	test $((decided + rejected)) -eq $total &&
	test_line_count = $rejected err &&
	test "$(wc -l <"$CG_HOME/journal/checkin/2026-01-25.jsonl")" -eq $decided &&
	cmp out "$CG_HOME/journal/checkin/2026-01-25.jsonl"
'

test_expect_success 'usage errors exit 2 with a hint' '
	test_expect_code 2 cg-checkin --no-such-option 2>err &&
	grep -q "Try .cg-checkin --help." err &&
	test_expect_code 2 cg-checkin --now yesterday </dev/null 2>err &&
	grep -q "invalid time" err &&
	test_expect_code 2 cg-checkin --max-line lots </dev/null &&
	test_expect_code 2 cg-checkin --max-line 3M </dev/null &&
	test_expect_code 2 cg-checkin --gate north </dev/null
'

test_expect_success '--help and --version go to stdout and exit 0' '
	cg-checkin --help >out && grep -q "^Usage: cg-checkin" out &&
	cg-checkin -h >out && grep -q "^Usage: cg-checkin" out &&
	cg-checkin --version >out && grep -q "^cg-checkin (cg) " out &&
	cg-checkin -V >out && grep -q "^cg-checkin (cg) " out
'

test_expect_success '--verbose prints a summary, --quiet does not change records' '
	{ echo "$GOOD"; echo bad; } >in &&
	test_expect_code 1 cg-checkin -v --dry-run --now "$NOW" <in >out 2>err &&
	grep -q "1 decided, 1 rejected" err &&
	test_expect_code 1 cg-checkin -q --dry-run --now "$NOW" <in >out2 2>err &&
	test_cmp out out2
'

test_expect_success PYTHON 'a program on a pipe gets each answer before it sends the next line' '
	python3 "$SRC_DIR/tests/lib/pipe-dialog.py" 20 cg-checkin --now "$NOW" &&
	python3 "$SRC_DIR/tests/lib/pipe-dialog.py" 5 cg-checkin --dry-run --now "$NOW"
'

test_expect_success '--line-buffered flushes every record even in a batch' '
	i=0; while [ $i -lt 3000 ]; do echo "$GOOD"; i=$((i + 1)); done >batch &&
	cg-checkin --dry-run --line-buffered --now "$NOW" <batch | head -n 1 >first &&
	test_line_count = 1 first &&
	ASAN_OPTIONS=detect_leaks=0 strace -f -e trace=write -o trace cg-checkin --dry-run --line-buffered --now "$NOW" <batch >/dev/null 2>&1 &&
	test "$(grep -c "^[0-9]* *write(1," trace)" -ge 3000 ||
	{ ! command -v strace >/dev/null && echo "(no strace: write count not checked)"; }
'

test_expect_success 'a closed stdout ends quietly; a full disk is a clear error, exit 3' '
	i=0; while [ $i -lt 5000 ]; do echo "$GOOD"; i=$((i + 1)); done >many &&
	cg-checkin --dry-run --now "$NOW" <many 2>err | head -n 1 >/dev/null &&
	test_must_fail grep -q . err &&
	if test -w /dev/full; then
		test_expect_code 3 cg-checkin --dry-run --now "$NOW" <many >/dev/full 2>err &&
		grep -q "cannot write to standard output" err
	fi
'

test_done
