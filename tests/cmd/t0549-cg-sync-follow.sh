#!/bin/sh
test_description='cg-sync push --follow: rows as the journals grow, SIGTERM loses and doubles nothing, outages survived'
. "${0%/*}/../lib/test-lib.sh"
. "$SRC_DIR/tests/lib/sync-lib.sh"
. "$SRC_DIR/tests/lib/clickhouse-lib.sh"

P=$((20000 + ($$ + 15000) % 20000))

if test_have_prereq CLICKHOUSE && start_clickhouse ch "$P"; then
	CHOK=CLICKHOUSE
else
	echo "# clickhouse-server did not start; skipping"
	CHOK=NO_CLICKHOUSE
fi
start_upstream up --plan 500,500,500

# gen N FROM: N check-ins, households FROM+1..FROM+N.
gen() {
	awk -v n="$1" -v o="$2" 'BEGIN { for (i = 1; i <= n; i++)
		printf "{\"gate\":\"north\",\"dir\":\"in\",\"kind\":\"resident\",\"household\":\"1-1-%d\",\"temp\":36.5,\"mask\":true}\n", o + i }'
}

# rows: "count() uniqExact(rid)" of cg_checkin.
rows() {
	echo "SELECT count(), uniqExact(rid) FROM cg_checkin FORMAT TSV" | chq "$P" | tr "\t" " "
}

# until_rows N: wait (up to 60 s) until ClickHouse holds N check-in rows.
until_rows() {
	ur_i=0
	while [ $ur_i -lt 600 ]; do
		[ "$(rows)" = "$1 $1" ] && return 0
		sleep 0.1
		ur_i=$((ur_i + 1))
	done
	echo "still $(rows), not $1" >&2
	return 1
}

# follow TARGET [OPTION]...: cg-sync push --follow in the background, its
# pid in follow.pid.
follow() {
	cg-sync push -q --follow "$@" >>follow.out 2>>follow.err &
	echo $! >follow.pid
}

# halt: SIGTERM to it, and its exit status.
halt() {
	kill -TERM "$(cat follow.pid)" && wait "$(cat follow.pid)"
}

test_expect_success 'setup: the tables, a target looking every 100 ms' '
	mkdir -p "$CG_HOME" &&
	cat >"$CG_HOME/config.json" <<-EOF &&
	{"compound": {"code": "F-1", "tz": "Asia/Shanghai"},
	 "targets": {"ch": {"url": "http://127.0.0.1:$P/", "format": "clickhouse", "redact": true,
	                    "batch_records": 20, "follow_interval_ms": 100}}}
	EOF
	if [ $CHOK = CLICKHOUSE ]; then ch_schema "$P" "$SRC_DIR/share/clickhouse/schema.sql"; fi
'

test_expect_success 'usage: --follow goes with the journals only' '
	test_expect_code 2 cg-sync push --follow --url "$URL/" - </dev/null 2>err &&
	grep -- "--follow goes with the journals" err &&
	test_expect_code 2 cg-sync push --follow --dry-run ch 2>err &&
	grep -- "--follow goes with the journals" err
'

test_expect_success $CHOK 'rows follow the appends, a new day'"'"'s journal too; SIGTERM exits 0' '
	gen 100 0 | cg-checkin --now 2026-01-25T08:00:00+08:00 >/dev/null &&
	follow ch --from-start &&
	until_rows 100 &&
	gen 50 100 | cg-checkin --now 2026-01-25T09:00:00+08:00 >/dev/null &&
	until_rows 150 &&
	gen 10 150 | cg-checkin --now 2026-01-26T09:00:00+08:00 >/dev/null &&
	until_rows 160 &&
	halt &&
	test "$(jq -r .result follow.out | sort -u)" = sent &&
	test "$(jq -s "map(.records) | add" follow.out)" = 160 &&
	echo "SELECT day, count() FROM cg_checkin GROUP BY day ORDER BY day FORMAT TSV" | chq "$P" >got &&
	printf "2026-01-25\t150\n2026-01-26\t10\n" >want &&
	test_cmp want got
'

test_expect_success $CHOK 'a lock: another push on the target while it follows exits 7' '
	gen 1 160 | cg-checkin --now 2026-01-26T09:30:00+08:00 >/dev/null &&
	follow ch &&
	until_rows 161 &&
	test_expect_code 7 cg-sync push ch 2>err &&
	halt
'

test_expect_success $CHOK 'SIGTERM amid a backlog: what it sent, once; a push then sends the rest, once' '
	gen 2000 1000 | cg-checkin --now 2026-01-26T10:00:00+08:00 >/dev/null &&
	: >follow.out &&
	follow ch &&
	i=0 &&
	while [ "$(rows | cut -d" " -f1)" -le 161 ] && [ $i -lt 1200 ]; do
		sleep 0.05; i=$((i + 1))
	done &&
	halt &&
	n=$(rows) && echo "halted at $n" &&
	test "${n% *}" = "${n#* }" &&
	test "$(jq -s "map(.records) | add + 161" follow.out)" = "${n% *}" &&
	cg-sync status ch >st &&
	test "$(jq ".backlog + ${n% *}" st)" = 2161 &&
	cg-sync push -q ch >/dev/null &&
	test "$(rows)" = "2161 2161"
'

# The upstream tests use their own data directory: they need no ClickHouse.
H2=$TRASH/home-up

# accepted: the rids the fake upstream took, one a line.
accepted() {
	requests up | jq -r "select(.accepted) | .rids[]"
}

test_expect_success 'an upstream down for three rounds: reported, then all sent, each record once' '
	mkdir -p "$H2" &&
	echo "{\"compound\": {\"code\": \"F-2\"}, \"targets\": {\"up\": {\"url\": \"$URL/\", \"follow_interval_ms\": 100}}}" \
		>"$H2/config.json" &&
	gen 300 0 | cg-checkin --home "$H2" --now 2026-01-25T08:00:00+08:00 >/dev/null &&
	: >follow.out && : >follow.err &&
	follow up --home "$H2" --from-start --max-retries 0 &&
	i=0 &&
	while [ "$(accepted | wc -l)" -lt 300 ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i + 1)); done &&
	halt &&
	test "$(grep -c "not delivered" follow.err)" = 3 &&
	accepted >rids &&
	test_line_count = 300 rids &&
	sort -u rids >uniq && test_line_count = 300 uniq
'

test_expect_success 'SIGTERM while it waits between rounds: exit 0' '
	: >follow.out &&
	follow up --home "$H2" &&
	gen 1 5000 | cg-checkin --home "$H2" --now 2026-01-25T11:00:00+08:00 >/dev/null &&
	i=0 && while [ ! -s follow.out ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i + 1)); done &&
	halt &&
	test "$(jq -r .result follow.out)" = sent &&
	test "$(jq .records follow.out)" = 1
'

stop_upstream up
stop_clickhouse ch
test_done
