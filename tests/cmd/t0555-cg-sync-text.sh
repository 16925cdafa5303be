#!/bin/sh
test_description='cg-sync status and dead list: aligned, translated text on a terminal or with --format text; JSON lines to a pipe'
. "${0%/*}/../lib/test-lib.sh"
. "$SRC_DIR/tests/lib/sync-lib.sh"

FAST="--backoff-base 0.01 --backoff-cap 0.05 --timeout 2"

on_tty() {
	python3 "$SRC_DIR/tests/lib/ttyout.py" "$@"
}

zh() {
	LANGUAGE=zh_CN LC_ALL=zh_CN.UTF-8 "$@"
}

test_expect_success 'setup: 3 check-ins, a target whose upstream is down: a batch in the outbox' '
	checkins 3 &&
	test_expect_code 4 cg-sync push --target t --url "http://127.0.0.1:9/in" -s checkin \
		$FAST --max-retries 0 --from-start >/dev/null 2>&1 &&
	test -s "$CG_HOME/sync/t/outbox"
'

test_expect_success 'status --format text: a block a target' '
	cg-sync status --format text t >actual &&
	cat >expect <<-\EOF &&
	target        t
	url           -
	format        ndjson
	backlog       3 records
	last success  never
	outbox        batch 1 of 3 records, waiting to be sent
	dead letters  0
	cursor        checkin 0, pass 0, quarantine 0, duty 0

	EOF
	test_cmp expect actual
'

test_have_prereq PYTHON && start_upstream up --plan 400
test_expect_success PYTHON 'dead list --format txt: a line a dead letter with the upstream error' '
	test_expect_code 4 cg-sync push --target d --url "$URL/in" -s checkin $FAST \
		--from-start >/dev/null 2>&1 &&
	cg-sync dead list --format txt d >actual &&
	id=$(ls "$CG_HOME/sync/d/dead" | sed -n "s/\.json\$//p") &&
	cat >expect <<-EOF &&
	dead letter            stream   batch  records  status  error                             first record                    last record
	$id  checkin      1        3     400  HTTP 400: {"error":"bad record"}  DEMO-0001/checkin/2026-01-25/1  DEMO-0001/checkin/2026-01-25/3
	EOF
	test_cmp expect actual
'
test_have_prereq PYTHON && stop_upstream up

test_expect_success 'to a pipe, and with --format json: JSON lines as before' '
	cg-sync status t >pipe &&
	cg-sync status --format json t >json &&
	test_cmp pipe json &&
	test_line_count = 1 json &&
	grep -q "^{\"target\":\"t\",.*\"backlog\":3,.*}\$" json
'

test_expect_success PYTHON,PLAIN_BUILD 'on a terminal: text, as --format text prints it' '
	on_tty cg-sync status t >tty &&
	cg-sync status --format text t >text &&
	test_cmp text tty &&
	on_tty cg-sync dead list d >tty &&
	cg-sync dead list --format text d >text &&
	test_cmp text tty &&
	on_tty cg-sync status --format json t >tty &&
	grep -q "^{\"target\":\"t\"" tty
'

test_expect_success 'zh_CN: the labels in Chinese' '
	zh cg-sync status --format text t >actual &&
	grep -q "^待推送 *3 条记录\$" actual &&
	grep -q "^发件箱 *第 1 批，3 条记录，等待发送\$" actual &&
	grep -q "^上次成功 *从未\$" actual
'

test_expect_success '--format: text or json for status and dead list; the wire format for push' '
	test_expect_code 2 cg-sync status --format ndjson 2>err &&
	grep -q "^cg-sync: unknown format .ndjson. for --format (text, json)\$" err &&
	test_expect_code 2 cg-sync dead retry --format text t 2>err &&
	grep -q "^cg-sync: --format goes with .dead list. only\$" err &&
	test_expect_code 2 cg-sync push --format text t 2>err &&
	grep -q "^cg-sync: unknown format .text. for --format (ndjson, clickhouse, es-bulk)\$" err
'

test_expect_success 'a push knowing no time zone (no TZ, no compound.tz) sends records with no tz' '
	env -u TZ cg-sync push -n --url "http://127.0.0.1:9/in" -s checkin --from-start z >out &&
	test_line_count = 3 out &&
	! grep -q "\"tz\":" out
'

test_done
