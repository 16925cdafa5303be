#!/bin/sh
test_description='cg-sync: SIGKILL at random moments loses and duplicates nothing'
. "${0%/*}/../lib/test-lib.sh"
. "$SRC_DIR/tests/lib/sync-lib.sh"

N=3000
KILLS=${CG_SYNC_KILLS:-60}
# The sanitizer build, five times slower, checks the same paths for
# memory errors with fewer kills; the plain build does all of them.
case $CG_BUILD in *-san) KILLS=${CG_SYNC_KILLS:-25} ;; esac
OPTS="--target k --batch-records 25 --backoff-base 0.01 --backoff-cap 0.05 --timeout 0.5"

if test_have_prereq PYTHON,JQ; then
	# A platform 40 ms away keeps the backlog long enough that nearly
	# every run is killed in the middle of it.
	FAKEUPSTREAM_HANG=2 start_upstream up --latency 0.04 --fail-rate 0.2 \
		--fail-actions 500,reset,hang,429
fi

test_expect_success PYTHON,JQ "setup: $N check-ins over two days" '
	checkins 1000 2026-01-24T12:00:00+08:00 &&
	checkins 2000 &&
	cg-sync push $OPTS --url "$URL/in" --from-start --dry-run >/dev/null
'

test_expect_success PYTHON,JQ "$KILLS runs killed with SIGKILL at random moments" '
	cg-sync push $OPTS --url "$URL/in" --from-start --max-retries 0 >/dev/null 2>&1
	i=0 killed=0 &&
	while [ $i -lt $KILLS ]
	do
		cg-sync push $OPTS --url "$URL/in" >>out 2>>err &
		pid=$!
		sleep "0.0$(awk -v s=$i "BEGIN { srand(s); printf \"%02d\", int(rand() * 99) }")"
		kill -9 $pid 2>/dev/null
		wait $pid
		test $? = 137 && killed=$((killed + 1))
		i=$((i + 1))
	done &&
	echo "$killed of $KILLS runs killed before they finished" &&
	# How many die mid-backlog depends on the machine; that the first
	# does not: its backlog takes seconds at 40 ms a batch, the kill
	# comes within one.
	test $killed -ge 1 &&
	test_must_fail grep -e "corrupt" -e "damaged" -e "does not follow" err
'

test_expect_success PYTHON,JQ 'then runs to the end: every rid reached the upstream exactly once' '
	tries=0 &&
	until cg-sync push $OPTS --url "$URL/in" >>out 2>>err
	do
		tries=$((tries + 1))
		test $tries -lt 30 || return 1
	done &&
	test ! -e "$CG_HOME/sync/k/outbox" &&
	delivered up >rids &&
	test "$(sort rids | uniq -d | wc -l)" = 0 &&
	{
		seq 1 1000 | sed "s#^#DEMO-0001/checkin/2026-01-24/#" &&
		seq 1 2000 | sed "s#^#DEMO-0001/checkin/2026-01-25/#"
	} | sort >want &&
	sort rids >got &&
	test_cmp want got &&
	test "$(jq -r "select(.key_ok | not) | .n" "$TRASH/up/requests.jsonl" | wc -l)" = 0 &&
	cg-sync status k >st &&
	test "$(jq -r .backlog st)" = 0
'

test_expect_success PYTHON,JQ 'repeats were sent with the same key and the same bytes' '
	jq -r "[.key, .body_sha] | @tsv" "$TRASH/up/requests.jsonl" | sort -u | cut -f 1 | uniq -d >twice &&
	test_line_count = 0 twice
'

stop_upstream up
test_done
