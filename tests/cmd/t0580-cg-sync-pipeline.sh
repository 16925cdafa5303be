#!/bin/sh
test_description='cg-sync: batches by bytes, two fsyncs a batch, a cursor that catches up with its outbox'
. "${0%/*}/../lib/test-lib.sh"
. "$SRC_DIR/tests/lib/sync-lib.sh"

C=$CG_HOME/sync/p
FAST="--backoff-base 0.01 --backoff-cap 0.05 --timeout 2"

# fresh NAME [PLAN]: a fresh upstream $URL and no state for target p.
fresh() {
	stop_upstream "$1"
	start_upstream "$1" ${2:+--plan "$2"} &&
	rm -rf "$C"
}

# every_rid_once NAME: the upstream took each of the 1000 check-ins once.
every_rid_once() {
	delivered "$1" | sort >got &&
	seq 1 1000 | sed "s#^#DEMO-0001/checkin/2026-01-25/#" | sort >want &&
	test_cmp want got
}

test_expect_success PYTHON,JQ 'setup: 1000 check-ins' '
	checkins 1000
'

test_have_prereq PYTHON,JQ && fresh up
test_expect_success PYTHON,JQ 'by default a batch ends at --batch-bytes, not at a record count' '
	cg-sync push --target p --url "$URL/in" --from-start $FAST >out &&
	test_line_count = 1 out &&
	test "$(field records out)" = 1000 &&
	every_rid_once up
'

test_have_prereq PYTHON,JQ && fresh up
test_expect_success PYTHON,JQ '--batch-bytes: every batch but the last reaches it, records sent once' '
	cg-sync push --target p --url "$URL/in" --from-start --batch-bytes 32K $FAST >out &&
	test "$(wc -l <out)" -gt 3 &&
	sed "\$d" out | jq -c "select(.bytes < 32768)" >small &&
	test_line_count = 0 small &&
	test "$(jq -s "map(.records) | add" out)" = 1000 &&
	test "$(jq -r .gzip_bytes out | head -n 1)" -lt 32768 &&
	every_rid_once up
'

test_have_prereq PYTHON,JQ && fresh up
test_expect_success PYTHON,JQ 'the default gzip level is 1' '
	cg-sync push --target p --url "$URL/in" --from-start $FAST >out &&
	cg-sync push --target q --url "$URL/in" --from-start --gzip-level 1 $FAST >out1 &&
	test "$(field gzip_bytes out)" = "$(field gzip_bytes out1)"
'

command -v strace >/dev/null && STRACE=1
test_have_prereq PYTHON,JQ && fresh up
test_expect_success PYTHON,JQ '20 batches: two fsyncs and one rename each, the cursor written once' '
	if [ -z "${STRACE:-}" ]; then echo "(no strace: not checked)"; return 0; fi &&
	ASAN_OPTIONS=detect_leaks=0 strace -f -o trace -e trace=fsync,fdatasync,rename,renameat,renameat2 \
		cg-sync push --target p --url "$URL/in" --from-start --batch-records 50 $FAST >out &&
	test_line_count = 20 out &&
	syncs=$(grep -c -e "fsync(" -e "fdatasync(" trace) &&
	renames=$(grep -c "rename" trace) &&
	echo "fsyncs $syncs, renames $renames" &&
	# The fresh cursor, 20 outboxes, the cursor at the end: before the
	# outbox carried the cursor, 4 fsyncs and 2 renames a batch.
	test "$syncs" -le 46 &&
	test "$renames" -le 22 &&
	test ! -e "$C/outbox" &&
	test "$(jq -r .checkin.seq "$C/cursor.json")" = 1000 &&
	test "$(jq -r .batches "$C/cursor.json")" = 20 &&
	every_rid_once up
'

test_have_prereq PYTHON,JQ && fresh up ok,ok,ok,500
test_expect_success PYTHON,JQ 'a batch not delivered: the cursor is written up to the batch before it' '
	test_expect_code 4 cg-sync push --target p --url "$URL/in" --from-start --batch-records 100 \
		--max-retries 0 $FAST >out 2>err &&
	test "$(jq -r .result out | tr "\n" " ")" = "sent sent sent failed " &&
	test "$(jq -r .checkin.seq "$C/cursor.json")" = 300 &&
	test "$(jq -r .batches "$C/cursor.json")" = 3 &&
	test "$(head -n 1 "$C/outbox" | jq -r .batch)" = 4 &&
	cp "$C/cursor.json" cursor.after-failure &&
	cp "$C/outbox" outbox.batch4
'

test_expect_success PYTHON,JQ 'an outbox ahead of a cursor a crash left behind: the cursor catches up, the outbox is sent again' '
	# A crash before the cursor was written at the end of the stream
	# leaves it where the run began (here: the fresh cursor).
	jq -c ".batches = 0 | .checkin = {\"file\":\"\",\"seq\":0,\"days\":{}}" \
		cursor.after-failure >"$C/cursor.json" &&
	cg-sync push --target p --url "$URL/in" --batch-records 100 $FAST >out 2>err &&
	test_must_fail grep -e "does not follow" -e damaged err &&
	test "$(jq -r .batch out | tr "\n" " ")" = "4 5 6 7 8 9 10 " &&
	key=$(head -n 1 outbox.batch4 | jq -r .key) &&
	jq -r "select(.key == \"$key\") | .body_sha" "$TRASH/up/requests.jsonl" | sort -u >sha &&
	test_line_count = 1 sha &&
	test "$(jq -r "select(.key == \"$key\") | .n" "$TRASH/up/requests.jsonl" | wc -l)" = 2 &&
	test "$(jq -r .checkin.seq "$C/cursor.json")" = 1000 &&
	test "$(jq -r .batches "$C/cursor.json")" = 10 &&
	test ! -e "$C/outbox" &&
	every_rid_once up
'

test_expect_success PYTHON,JQ 'an outbox that neither follows nor leads its cursor is damaged: exit 6, nothing sent' '
	jq -c ".checkin.seq = 250" cursor.after-failure >"$C/cursor.json" &&
	cp outbox.batch4 "$C/outbox" &&
	n=$(wc -l <"$TRASH/up/requests.jsonl") &&
	test_expect_code 6 cg-sync push --target p --url "$URL/in" $FAST >out 2>err &&
	grep "does not follow" err &&
	test "$(wc -l <"$TRASH/up/requests.jsonl")" = "$n"
'

stop_upstream up
test_done
