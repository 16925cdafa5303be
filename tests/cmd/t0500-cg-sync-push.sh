#!/bin/sh
test_description='cg-sync push: cursor, batches, rid, outbox, stdin, tokens, redaction'
. "${0%/*}/../lib/test-lib.sh"
. "$SRC_DIR/tests/lib/sync-lib.sh"

C=$CG_HOME/sync/city

if test_have_prereq PYTHON,JQ; then
	start_upstream up
fi

test_expect_success PYTHON,JQ 'setup: a day of check-ins' '
	checkins 25
'

test_expect_success PYTHON,JQ 'no cursor is an error, and nothing is sent' '
	test_expect_code 3 cg-sync push --target city --url "$URL/in" 2>err &&
	grep "no cursor for target .city." err &&
	grep -e --from-start err &&
	test_line_count = 0 "$TRASH/up/requests.jsonl"
'

test_expect_success PYTHON,JQ '--from-start sends every record once, in batches, with rid and compound' '
	cg-sync push --target city --url "$URL/in" --from-start --batch-records 10 >out &&
	test_line_count = 3 out &&
	test "$(field records out | tr "\n" " ")" = "10 10 5 " &&
	test "$(field status out | tr "\n" " ")" = "200 200 200 " &&
	test "$(field batch out | tr "\n" " ")" = "1 2 3 " &&
	for f in target batch records bytes gzip_bytes status attempts ms; do
		jq -e "has(\"$f\")" out >/dev/null || return 1
	done &&
	requests up >req &&
	test_line_count = 3 req &&
	test "$(jq -r "select(.key_ok and .encoding == \"gzip\" and .content_type == \"application/x-ndjson\") | .n" req | wc -l)" = 3 &&
	delivered up | sort >got &&
	seq 1 25 | sed "s#^#DEMO-0001/checkin/2026-01-25/#" | sort >want &&
	test_cmp want got &&
	jq -c "{c: (.checkin | del(.days)), b: .batches}" "$C/cursor.json" >cur &&
	echo "{\"c\":{\"file\":\"2026-01-25\",\"seq\":25},\"b\":3}" >want &&
	test_cmp want cur &&
	test ! -e "$C/outbox"
'

test_expect_success PYTHON,JQ 'the next push sends only what is new' '
	cg-sync push --target city --url "$URL/in" >out &&
	test_line_count = 0 out &&
	checkins 3 &&
	cg-sync push --target city --url "$URL/in" >out &&
	test "$(field records out)" = 3 &&
	requests up | tail -n 1 | jq -r ".rids[]" >got &&
	printf "DEMO-0001/checkin/2026-01-25/%s\n" 26 27 28 >want &&
	test_cmp want got
'

test_expect_success PYTHON,JQ 'the records sent are the journal lines without chain and persons, plus rid and day' '
	checkins 1 &&
	cg-sync push --target city --dry-run >dry &&
	test_line_count = 1 dry &&
	tail -n 1 "$CG_HOME/journal/checkin/2026-01-25.jsonl" |
		jq -c "del(.chain, .name, .id_no, .phone) + {rid: \"DEMO-0001/checkin/2026-01-25/29\",
			day: \"2026-01-25\", tz: \"Asia/Shanghai\"}" >want &&
	jq -c . dry >got &&
	test_cmp want got &&
	test "$(jq -r .checkin.seq "$C/cursor.json")" = 28
'

test_expect_success PYTHON,JQ 'passes and cases are pushed with their own rids' '
	if test_have_prereq CG_PASS; then
		echo "{\"name\":\"李四\",\"id_no\":\"11010519491231002X\",\"household\":\"2-1-101\",\"class\":\"resident\"}" |
			cg-pass issue --now "$NOW" >/dev/null &&
		cg-sync push --target city --url "$URL/in" >out &&
		requests up | tail -n 1 | jq -r ".rids[]" >got &&
		grep -x "DEMO-0001/pass/1" got
	fi
'

test_expect_success PYTHON,JQ 'an empty or corrupt cursor is an error, never a restart' '
	cp "$C/cursor.json" saved &&
	: >"$C/cursor.json" &&
	n=$(requests up | wc -l) &&
	test_expect_code 3 cg-sync push --target city --url "$URL/in" 2>err &&
	grep "empty or corrupt" err &&
	echo "{\"target\":\"city\",\"batches\":\"x\"}" >"$C/cursor.json" &&
	test_expect_code 3 cg-sync push --target city --url "$URL/in" 2>err &&
	grep "empty or corrupt" err &&
	test "$(requests up | wc -l)" = "$n" &&
	cp saved "$C/cursor.json"
'

test_expect_success PYTHON,JQ 'a target from config.json' '
	write_config "{\"targets\":{\"city\":{\"url\":\"$URL/in\",\"batch_records\":2,\"gzip_level\":1}}}" &&
	test_when_finished "rm -f \"\$CG_HOME/config.json\"" &&
	checkins 3 &&
	cg-sync push >out &&
	test "$(field records out | tr "\n" " ")" = "2 1 " &&
	write_config "{\"targets\":{\"city\":{\"url\":\"$URL/in\",\"colour\":1}}}" &&
	test_expect_code 3 cg-sync push 2>err &&
	grep "unknown key .targets.city.colour." err
'

test_expect_success PYTHON,JQ 'standard input: bad lines are reported, the others sent' '
	printf "%s\n" "{\"a\":1}" "not json" "{\"a\":2,\"rid\":\"mine-2\"}" >in &&
	test_expect_code 1 cg-sync push --url "$URL/in" - <in >out 2>err &&
	grep "stdin:2:" err &&
	test "$(field records out)" = 2 &&
	requests up | tail -n 1 | jq -r ".rids[]" >got &&
	grep -x "mine-2" got &&
	grep "^DEMO-0001/stdin/[0-9a-f]\{32\}$" got &&
	test ! -e "$CG_HOME/sync/stdin/cursor.json"
'

test_expect_success PYTHON,JQ 'a token file readable by others is refused; the token is sent, never shown' '
	echo s3cret-token >tok &&
	chmod 644 tok &&
	test_expect_code 3 cg-sync push --url "$URL/in" --token-file tok - </dev/null 2>err &&
	grep "readable by group or others" err &&
	chmod 600 tok &&
	echo "{\"a\":3}" | cg-sync push -v --url "$URL/in" --token-file tok - >out 2>err &&
	grep "Authorization: \[redacted\]" err &&
	test_must_fail grep s3cret err &&
	want=$(printf "Authorization: Bearer s3cret-token" | cut -d" " -f2- | tr -d "\n" | sha256sum | cut -d" " -f1) &&
	test "$(requests up | tail -n 1 | jq -r .auth)" = "$want" &&
	echo "{\"a\":4}" | CG_SYNC_TOKEN="Basic dXNlcjpwdw==" cg-sync push --url "$URL/in" - >out &&
	want=$(printf "Basic dXNlcjpwdw==" | sha256sum | cut -d" " -f1) &&
	test "$(requests up | tail -n 1 | jq -r .auth)" = "$want"
'

test_expect_success PYTHON,JQ '--redact replaces id_no, phone and name with stable keyed hashes' '
	printf "%s\n" "{\"name\":\"张三\",\"id_no\":\"11010519491231002X\",\"phone\":\"13800138000\"}" >p &&
	cg-sync push --redact --url "$URL/r" --target r - <p >/dev/null &&
	test -f "$CG_HOME/keys/sync-redact.key" &&
	cg-sync push --redact --dry-run --target r - <p >a &&
	cg-sync push --redact --dry-run --target r - <p >b &&
	test_cmp a b &&
	test_must_fail grep -e 11010519491231002X -e 13800138000 -e 张三 a &&
	test "$(jq -r "[.id_no, .phone, .name] | map(test(\"^h:[0-9a-f]{32}$\")) | all" a)" = true
'

test_expect_success PYTHON,JQ 'usage errors exit 2' '
	test_expect_code 2 cg-sync &&
	test_expect_code 2 cg-sync fly &&
	test_expect_code 2 cg-sync push --format xml city &&
	test_expect_code 2 cg-sync push --url ftp://x/ city &&
	echo "{}" | test_expect_code 2 cg-sync push - 2>err &&
	grep -q "push - needs --url" err
'

test_expect_success PYTHON,JQ 'status of a target never configured nor pushed is an error, and makes nothing' '
	test_expect_code 2 cg-sync status nosuch 2>err &&
	grep -q "no target .nosuch.: not in config.json, and never pushed" err &&
	test_must_fail test -e "$CG_HOME/sync/nosuch" &&
	cg-sync status city >st && test "$(jq -r .target st)" = city
'

stop_upstream up
test_done
