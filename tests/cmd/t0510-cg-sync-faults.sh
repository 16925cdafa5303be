#!/bin/sh
test_description='cg-sync: what a failing upstream does to retries, the cursor, the outbox and the dead letters'
. "${0%/*}/../lib/test-lib.sh"
. "$SRC_DIR/tests/lib/sync-lib.sh"

C=$CG_HOME/sync/t
FAST="--backoff-base 0.01 --backoff-cap 0.05 --timeout 2"

# fault NAME PLAN: a fresh upstream $URL with PLAN, a fresh cursor over the
# same 5 check-ins.
fault() {
	stop_upstream "$1"
	start_upstream "$1" --plan "$2" &&
	rm -rf "$C"
}

seq_of() {
	jq -r .checkin.seq "$C/cursor.json"
}

test_expect_success PYTHON,JQ 'setup' '
	checkins 5
'

for case in 500,500,ok:3 429,ok:2 429date,ok:2 hang,ok:2 reset,ok:2 trickle,ok:2; do
	plan=${case%:*} want=${case##*:}
	test_have_prereq PYTHON,JQ && fault up "$plan"
	test_expect_success PYTHON,JQ "retried after $plan: delivered once, same key and body" '
		start=$(date +%s) &&
		cg-sync push --target t --url "$URL/in" --from-start $FAST >out &&
		end=$(date +%s) &&
		test "$(field attempts out)" = "$want" &&
		test "$(field status out)" = 200 &&
		requests up >req &&
		test_line_count = "$want" req &&
		test "$(jq -r .key req | sort -u | wc -l)" = 1 &&
		test "$(jq -r .body_sha req | sort -u | wc -l)" = 1 &&
		test "$(jq -r .key_ok req | sort -u)" = true &&
		test "$(seq_of)" = 5 &&
		test ! -e "$C/outbox" &&
		case $plan in
		429*) test $((end - start)) -ge 1 ;;	# Retry-After was honoured
		esac
	'
done

test_have_prereq PYTHON,JQ && fault up 500,500,500,500
test_expect_success PYTHON,JQ 'retries are bounded by --max-retries: exit 4, cursor and outbox kept' '
	test_expect_code 4 cg-sync push --target t --url "$URL/in" --from-start $FAST --max-retries 2 >out 2>err &&
	test "$(field attempts out)" = 3 &&
	test "$(field result out)" = failed &&
	test "$(seq_of)" = 0 &&
	test -s "$C/outbox" &&
	grep "stays in the outbox" err &&
	cg-sync push --target t --url "$URL/in" $FAST >out &&
	test "$(field status out)" = 200 &&
	requests up >req &&
	test "$(jq -r .body_sha req | sort -u | wc -l)" = 1 &&
	test "$(seq_of)" = 5
'

test_have_prereq PYTHON,JQ && fault up 429
test_expect_success PYTHON,JQ '--max-time stops a Retry-After that would go past it' '
	test_expect_code 4 cg-sync push --target t --url "$URL/in" --from-start $FAST --max-time 0.5 >out 2>err &&
	grep "max-time" err &&
	test -s "$C/outbox"
'

test_have_prereq PYTHON,JQ && fault up 400
test_expect_success PYTHON,JQ 'a 400 is permanent: dead letter, cursor past it, exit 4' '
	test_expect_code 4 cg-sync push --target t --url "$URL/in" --from-start $FAST >out 2>err &&
	test "$(field attempts out)" = 1 &&
	test "$(field result out)" = dead &&
	test "$(seq_of)" = 5 &&
	test ! -e "$C/outbox" &&
	cg-sync dead list t >dead &&
	test_line_count = 1 dead &&
	test "$(field status dead)" = 400 &&
	id=$(field id dead) &&
	test -s "$C/dead/$id.body" &&
	grep "bad record" "$C/dead/$id.json" &&
	cg-sync dead retry t --url "$URL/in" $FAST >out &&
	test "$(field status out)" = 200 &&
	requests up >req &&
	test "$(jq -r .body_sha req | sort -u | wc -l)" = 1 &&
	cg-sync dead list t >dead &&
	test_line_count = 0 dead
'

test_have_prereq PYTHON,JQ && fault up 400,ok,ok
test_expect_success PYTHON,JQ '--keep-going goes on after a dead letter; dead drop removes it' '
	test_expect_code 4 cg-sync push --target t --url "$URL/in" --from-start $FAST --batch-records 2 --keep-going >out &&
	test "$(field result out | tr "\n" " ")" = "dead sent sent " &&
	test "$(seq_of)" = 5 &&
	id=$(cg-sync dead list t | field id) &&
	cg-sync dead drop t "$id" &&
	test "$(cg-sync dead list t | wc -l)" = 0 &&
	test_expect_code 1 cg-sync dead drop t "$id" 2>err &&
	grep -q "^cg-sync: no dead letter .$id. for target .t.$" err &&
	test_line_count = 1 err
'

test_have_prereq PYTHON,JQ && fault up redirect
test_expect_success PYTHON,JQ 'a redirect is not followed: exit 4, the batch stays' '
	test_expect_code 4 cg-sync push --target t --url "$URL/in" --from-start $FAST >out 2>err &&
	grep "redirect to .http://other.invalid/ingest. not followed" err &&
	test "$(field attempts out)" = 1 &&
	test -s "$C/outbox" && test "$(seq_of)" = 0
'

test_have_prereq PYTHON,JQ && fault up 401
test_expect_success PYTHON,JQ 'a 401 stops without dead-lettering: the next run re-sends' '
	test_expect_code 4 cg-sync push --target t --url "$URL/in" --from-start $FAST >out &&
	test -s "$C/outbox" && test ! -d "$C/dead" &&
	cg-sync push --target t --url "$URL/in" $FAST >out &&
	test "$(seq_of)" = 5
'

test_have_prereq PYTHON,JQ && fault up chexc
test_expect_success PYTHON,JQ 'clickhouse: a 200 reporting a parse exception is a failure (dead letter)' '
	test_expect_code 4 cg-sync push --target t --format clickhouse --table cg_{stream} --url "$URL/" --from-start $FAST >out &&
	test "$(field result out)" = dead &&
	requests up | jq -r .path >path &&
	grep "query=INSERT%20INTO%20cg_checkin%20FORMAT%20JSONEachRow" path
'

test_have_prereq PYTHON,JQ && fault up bulk429,bulkpart
test_expect_success PYTHON,JQ 'es-bulk: 429 items are retried, 409 counts as delivered, a 400 item is a dead letter' '
	test_expect_code 4 cg-sync push --target t --format es-bulk --url "$URL" --from-start $FAST >out &&
	test "$(field attempts out)" = 2 &&
	test "$(field result out)" = dead &&
	requests up | jq -r .path | sort -u >path &&
	echo /_bulk >want && test_cmp want path &&
	cg-sync dead list t >dead &&
	test "$(field records dead)" = 1 &&
	id=$(field id dead) &&
	sed -n 2p "$C/dead/$id.body" | jq -r .rid >rid &&
	echo DEMO-0001/checkin/2026-01-25/2 >want && test_cmp want rid &&
	test "$(seq_of)" = 5
'

stop_upstream up
test_expect_success PYTHON,JQ 'an unreachable upstream: exit 4, nothing lost' '
	rm -rf "$C" &&
	test_expect_code 4 cg-sync push --target t --url "http://127.0.0.1:9/in" --from-start $FAST --max-retries 1 >out &&
	test -s "$C/outbox" &&
	test "$(seq_of)" = 0 &&
	cg-sync status t >st &&
	test "$(jq -r ".backlog, .outbox.records" st | tr "\n" " ")" = "5 5 "
'

test_done
