#!/bin/sh
test_description='cg-sync push: one run per target at a time (sync/NAME/lock, --wait, exit 7)'
. "${0%/*}/../lib/test-lib.sh"
. "$SRC_DIR/tests/lib/sync-lib.sh"

# The plain build runs the 20 rounds the issue asks for; the sanitizer
# build, five times slower, checks the same paths for memory errors in 8.
ROUNDS=20
case $CG_BUILD in *-san) ROUNDS=8 ;; esac
RUNS=4
OPTS="--target x --batch-records 100"
# 1000 + 2000 check-ins and 10 passes: 10 + 20 + 1 batches.
RECORDS=3010
BATCHES=31

if test_have_prereq PYTHON,JQ; then
	# A platform a few milliseconds away keeps a push going long enough
	# for the runs started with it to find the target busy.
	start_upstream up --latency 0.005
fi

# wait_lines FILE N: until FILE has N lines (at most 60 s).
wait_lines() {
	wl_n=0
	while [ "$(cat "$1" 2>/dev/null | wc -l)" -lt "$2" ]; do
		wl_n=$((wl_n + 1))
		test $wl_n -lt 6000 || { echo "$1: not $2 lines after 60 s" >&2; return 1; }
		sleep 0.01
	done
}

# hold_lock FILE: hold an flock of FILE from this shell (descriptor 9),
# as another cg-sync would, until release_lock; a failing test lets it go
# by exiting.  A run started in the background must not inherit
# descriptor 9 (9>&-): it would keep the lock held for as long as it runs.
hold_lock() {
	exec 9>>"$1" && flock 9
}

release_lock() {
	flock -u 9 && exec 9>&-
}

# received PATH: what the upstream accepted at PATH, one request per line:
# its Idempotency-Key, whether the key is the body's hash, and its rids.
received() {
	jq -c --arg p "$1" 'select(.accepted and (.path == $p)) | [.key, .key_ok, .rids]' \
		"$TRASH/up/requests.jsonl"
}

# check_delivered PATH: every record reached PATH exactly once, under one
# Idempotency-Key, and no batch went twice.
check_delivered() {
	received "$1" >req &&
	test_line_count = $BATCHES req &&
	jq -r ".[0]" req | sort | uniq -d >twice && test_line_count = 0 twice &&
	test "$(jq -r ".[1]" req | sort -u)" = true &&
	jq -r ".[2][]" req | sort >got &&
	sort want >want.sorted && test_cmp want.sorted got
}

test_expect_success PYTHON,JQ "setup: a cursor, then $RECORDS records to push" '
	cg-sync push $OPTS --url "$URL/setup" --from-start >out &&
	test_line_count = 0 out &&
	test -f "$CG_HOME/sync/x/cursor.json" &&
	checkins 1000 2026-01-24T12:00:00+08:00 &&
	checkins 2000 &&
	awk "BEGIN { for (i = 0; i < 10; i++) printf \"{\\\"name\\\":\\\"访客%d\\\",\\\"phone\\\":\\\"1390000%04d\\\"}\\n\", i, i }" |
		cg-pass issue --now "$NOW" >/dev/null &&
	{
		seq 1 1000 | sed "s#^#DEMO-0001/checkin/2026-01-24/#" &&
		seq 1 2000 | sed "s#^#DEMO-0001/checkin/2026-01-25/#" &&
		seq 1 10 | sed "s#^#DEMO-0001/pass/#"
	} >want &&
	test_line_count = $RECORDS want &&
	cg-sync push $OPTS --dry-run | jq -r .rid | sort >dry &&
	sort want >want.sorted && test_cmp want.sorted dry &&
	cp -a "$CG_HOME" "$TRASH/tmpl"
'

test_expect_success PYTHON,JQ 'a push finds the target held: exit 7 at once, nothing sent or written' '
	hold_lock "$CG_HOME/sync/x/lock" &&
	cp "$CG_HOME/sync/x/cursor.json" cursor.before &&
	test_expect_code 7 cg-sync push $OPTS --url "$URL/held" >out 2>err &&
	release_lock &&
	test_line_count = 0 out &&
	test_line_count = 1 err &&
	grep -q "target .x. is busy: another run holds .sync/x/lock." err &&
	grep -q -e "--wait" err &&
	test "$(received /held | wc -l)" = 0 &&
	test_cmp cursor.before "$CG_HOME/sync/x/cursor.json" &&
	test ! -e "$CG_HOME/sync/x/outbox"
'

test_expect_success PYTHON,JQ '--wait SECONDS: still held after them, exit 7 saying so' '
	hold_lock "$CG_HOME/sync/x/lock" &&
	test_expect_code 7 cg-sync push $OPTS --url "$URL/held" --wait 0.3 >out 2>err &&
	release_lock &&
	test_line_count = 0 out &&
	grep -q "target .x. is busy: waiting up to 0.3 seconds" err &&
	grep -q "target .x. is still busy after 0.3 seconds" err &&
	test "$(received /held | wc -l)" = 0
'

test_expect_success PYTHON,JQ '--wait SECONDS: a run that waits pushes once the lock is let go' '
	hold_lock "$CG_HOME/sync/x/lock" &&
	{ { cg-sync push $OPTS --url "$URL/waited" --wait 600 >out 2>err; echo $? >code; } 9>&- & } &&
	wait_lines err 1 &&
	{ grep -q "waiting up to 600 seconds" err || { release_lock; wait; cat err >&2; false; }; } &&
	release_lock &&
	wait &&
	{ test "$(cat code)" = 0 || { echo "exit $(cat code):" >&2; cat err >&2; false; }; } &&
	test_line_count = $BATCHES out &&
	check_delivered /waited
'

test_expect_success PYTHON,JQ 'dead letters are retried and dropped under the same lock; stdin and --dry-run need none' '
	hold_lock "$CG_HOME/sync/x/lock" &&
	test_expect_code 7 cg-sync dead retry x --url "$URL/held" 2>err &&
	grep -q "is busy" err &&
	test_expect_code 7 cg-sync dead drop x some-id 2>err &&
	grep -q "is busy" err &&
	cg-sync dead list x >dead &&
	echo "{\"a\":1}" | cg-sync push --url "$URL/stdin" x - >out &&
	test "$(jq -r .records out)" = 1 &&
	cg-sync push $OPTS --dry-run >out &&
	release_lock &&
	test_expect_code 2 cg-sync push $OPTS --wait soon 2>err &&
	test_expect_code 2 cg-sync push $OPTS --wait -1 2>err
'

test_expect_success PYTHON,JQ "$ROUNDS rounds of $RUNS pushes at once: every record once, under one key" '
	i=0 &&
	while [ $i -lt $ROUNDS ]; do
		rm -rf "$TRASH/h" && cp -a "$TRASH/tmpl" "$TRASH/h" && CG_HOME=$TRASH/h &&
		rm -f out.* err.* code.* &&
		if [ $((i % 2)) = 0 ]; then
			# All wait for the lock held here, then go at once.
			hold_lock "$CG_HOME/sync/x/lock" && wait_opt=600
		else
			# All start at once; whoever finds the target busy gives up.
			wait_opt=0
		fi &&
		r=0 &&
		while [ $r -lt $RUNS ]; do
			{ cg-sync push $OPTS --url "$URL/r$i" --wait $wait_opt >out.$r 2>err.$r; echo $? >code.$r; } &
			r=$((r + 1))
		done &&
		if [ $wait_opt = 600 ]; then
			r=0 &&
			while [ $r -lt $RUNS ]; do
				wait_lines err.$r 1 &&
				r=$((r + 1)) || exit 1
			done &&
			release_lock
		fi &&
		wait &&
		cat code.* | sort -u | tr "\n" " " >codes &&
		if [ $wait_opt = 600 ]; then
			test "$(cat codes)" = "0 "
		else
			grep -q "^0 " codes && { test "$(cat codes)" = "0 " || test "$(cat codes)" = "0 7 "; } &&
			for r in $(seq 0 $((RUNS - 1))); do
				if [ "$(cat code.$r)" = 7 ]; then
					grep -q "target .x. is busy" err.$r && test_line_count = 0 out.$r || exit 1
				else
					test_line_count = 0 err.$r || exit 1
				fi
			done
		fi &&
		cat out.* >results &&
		test_line_count = $BATCHES results &&
		test "$(jq -r .result results | sort -u)" = sent &&
		check_delivered /r$i &&
		cg-sync status x >st &&
		test "$(jq -r .backlog st)" = 0 &&
		test ! -e "$CG_HOME/sync/x/outbox" &&
		i=$((i + 1)) || exit 1
	done
'

test_done
