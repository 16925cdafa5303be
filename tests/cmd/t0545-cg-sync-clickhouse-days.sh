#!/bin/sh
test_description='ClickHouse by local day: compound.tz, day/tz/street/district on every row, a day read alone, right without merges'
. "${0%/*}/../lib/test-lib.sh"
. "$SRC_DIR/tests/lib/sync-lib.sh"
. "$SRC_DIR/tests/lib/clickhouse-lib.sh"

P=$((20000 + ($$ + 7000) % 20000))

if test_have_prereq CLICKHOUSE && start_clickhouse ch "$P"; then
	CHOK=CLICKHOUSE
else
	echo "# clickhouse-server did not start; skipping"
	CHOK=NO_CLICKHOUSE
fi
CHURL=http://127.0.0.1:$P/

# sql NAME [DAY]: report/NAME.sql for SH-0001 and DAY.
sql() {
	grep -v "^--" "$SRC_DIR/share/clickhouse/report/$1.sql" |
		sed -e "s/2026-01-25/${2:-2026-01-25}/g" -e "s/DEMO-0001/SH-0001/g"
}

report() {
	sql "$1" "${2:-2026-01-25}" | chq "$P"
}

NUM='with_entries(if (.value | type) == "string" and (.value | test("^[0-9]+$")) then .value |= tonumber else . end)'

# day_events N TIME: N check-ins at TIME, some feverish, some without a temperature.
day_events() {
	awk -v n="$1" 'BEGIN { for (i = 1; i <= n; i++) {
		t = (i % 7 == 0) ? "" : sprintf(",\"temp\":%.1f", (i % 11 == 0) ? 37.8 : 36.5);
		printf "{\"gate\":\"%s\",\"dir\":\"%s\",\"kind\":\"resident\",\"id_no\":\"11010519491231002X\",\"household\":\"1-1-%d\"%s,\"mask\":%s}\n",
			(i % 3) ? "north" : "south", (i % 2) ? "in" : "out", i % 40, t, (i % 13) ? "true" : "false" } }' |
		TZ=UTC cg-checkin --now "$2" >/dev/null
}

test_expect_success 'compound.tz decides local days and offsets, whatever TZ the machine has' '
	for tz in UTC Asia/Shanghai America/New_York; do
		h=h-$(echo $tz | tr / _) &&
		mkdir -p "$h" &&
		echo "{\"compound\": {\"code\": \"SH-1\", \"tz\": \"Asia/Shanghai\"}}" >"$h/config.json" &&
		echo "{\"gate\":\"north\",\"dir\":\"in\",\"kind\":\"resident\",\"household\":\"1-1-1\",\"temp\":36.5,\"mask\":true}" |
			TZ=$tz cg-checkin --home "$h" --now 2026-01-24T17:30:00Z >"$h.out" || return 1
	done &&
	test "$(jq -r .ts h-UTC.out)" = 2026-01-25T01:30:00+08:00 &&
	test_cmp h-UTC.out h-Asia_Shanghai.out && test_cmp h-UTC.out h-America_New_York.out &&
	test -f h-UTC/journal/checkin/2026-01-25.jsonl &&
	TZ=UTC cg-report --home h-UTC --date 2026-01-25 | jq .totals.events >n && test "$(cat n)" = 1 &&
	echo "{\"compound\": {\"code\": \"SH-1\", \"tz\": \"Nowhere/Atlantis\"}}" >h-UTC/config.json &&
	test_expect_code 3 cg-report --home h-UTC --date 2026-01-25 2>err &&
	grep "compound.tz.*unknown time zone .Nowhere/Atlantis." err
'

test_expect_success $CHOK 'setup: the tables, and three days of a Shanghai compound written on a UTC machine' '
	ch_schema "$P" "$SRC_DIR/share/clickhouse/schema.sql" &&
	mkdir -p "$CG_HOME" &&
	cat >"$CG_HOME/config.json" <<-\EOF &&
	{"compound": {"code": "SH-0001", "tz": "Asia/Shanghai", "street": "S-310104-012", "district": "D-310104"}}
	EOF
	day_events 300 2026-01-24T12:00:00+08:00 &&
	day_events 500 2026-01-25T07:00:00+08:00 &&
	day_events 200 2026-01-26T07:00:00+08:00 &&
	TZ=UTC cg-sync push --redact --target ch --format clickhouse --url "$CHURL" --from-start \
		--batch-records 100 >out &&
	echo "SELECT day, count(), uniqExact(rid) FROM cg_checkin GROUP BY day ORDER BY day FORMAT TSV" |
		chq "$P" >got &&
	printf "2026-01-24\t300\t300\n2026-01-25\t500\t500\n2026-01-26\t200\t200\n" >want &&
	test_cmp want got
'

test_expect_success $CHOK 'every row has the local day, zone, street and district; 07:00 in Shanghai is its day' '
	echo "SELECT DISTINCT tz, street, district FROM cg_checkin FORMAT TSV" | chq "$P" >got &&
	printf "Asia/Shanghai\tS-310104-012\tD-310104\n" >want &&
	test_cmp want got &&
	echo "SELECT DISTINCT day, substring(ts, 1, 10), substring(toString(time, '"'"'UTC'"'"'), 1, 10) FROM cg_checkin WHERE day = toDate('"'"'2026-01-25'"'"') FORMAT TSV" |
		chq "$P" >got &&
	printf "2026-01-25\t2026-01-25\t2026-01-24\n" >want &&
	test_cmp want got
'

test_expect_success $CHOK 'a missing temperature is NULL, not 0, and no fever' '
	echo "SELECT countIf(isNull(temp)), countIf(temp = 0) FROM cg_checkin WHERE day = toDate('"'"'2026-01-25'"'"') FORMAT TSV" |
		chq "$P" >got &&
	printf "71\t0\n" >want && test_cmp want got &&
	report totals | jq -c "$NUM" >got &&
	TZ=UTC cg-report --date 2026-01-25 >rep &&
	jq -c "{compound: .compound.code, events: .totals.events, entries: .totals.in,
		exits: .totals.out, admit: .totals.admit, deny: .totals.deny,
		refer: .totals.refer, fever_persons: .fever.persons,
		fever_readings: .fever.readings, fever_decisions: .fever.decisions}" rep >want &&
	test_cmp want got
'

# rows_read QUERYID: what the query log says the query read (the log is
# written in the background: flushed, and looked at until the row is there).
rows_read() {
	rr_i=0
	while [ $rr_i -lt 50 ]; do
		echo "SYSTEM FLUSH LOGS" | chq "$P" &&
		rr=$(echo "SELECT count(), max(read_rows) FROM system.query_log WHERE query_id = '$1' AND type = 2 FORMAT TSV" | chq "$P") || return 1
		case $rr in
		0*) sleep 0.1 ;;
		*) echo "${rr#*	}"; return 0 ;;
		esac
		rr_i=$((rr_i + 1))
	done
	return 1
}

test_expect_success $CHOK 'a query for one compound and day reads only that day' '
	for q in totals gates reasons corrections; do
		sql $q |
			curl -sSf --data-binary @- "${CHURL}?query_id=city-$q-$$" >/dev/null || return 1
		n=$(rows_read "city-$q-$$") &&
		echo "$q read $n rows" &&
		test "$n" -gt 0 && test "$n" -le 500 || return 1
	done &&
	sql totals 2026-02-01 |
		curl -sSf --data-binary @- "${CHURL}?query_id=city-empty-$$" >empty &&
	test_line_count = 0 empty &&
	test "$(rows_read "city-empty-$$")" = 0
'

test_expect_success $CHOK 'merges stopped, every batch inserted twice: the same figures' '
	for q in totals gates reasons corrections; do
		report $q >"before-$q" || return 1
	done &&
	echo "SYSTEM STOP MERGES" | chq "$P" &&
	TZ=UTC cg-sync push --redact --target ch-twice --format clickhouse --url "$CHURL" --from-start \
		--batch-records 100 >out &&
	echo "SELECT count() FROM cg_checkin WHERE day = toDate('"'"'2026-01-25'"'"')" | chq "$P" >n &&
	test "$(cat n)" = 1000 &&
	for q in totals gates reasons corrections; do
		report $q >"after-$q" &&
		test_cmp "before-$q" "after-$q" || return 1
	done &&
	test -s before-totals && test -s before-gates && test -s before-reasons
'

test_expect_success $CHOK 'duty_now.sql: per gate the last event, minutes silent, refusals of the last hour' '
	grep -v "^--" "$SRC_DIR/share/clickhouse/duty_now.sql" |
		sed -e "s/DEMO-0001/SH-0001/" -e "s/now()/toDateTime('"'"'2026-01-25 07:30:00'"'"')/g" \
			-e "s/today()/toDate('"'"'2026-01-25'"'"')/" | chq "$P" | jq -c "$NUM" >got &&
	J=$CG_HOME/journal/checkin/2026-01-25.jsonl &&
	{ cat "$J" 2>/dev/null || zcat "$J.gz"; } |
	jq -s -c "map(select(.correction_of | not)) | group_by(.gate)[] | {compound: \"SH-0001\", gate: .[0].gate,
		last_event: \"2026-01-25 07:00:00\", minutes_silent: 30,
		denied_last_hour: map(select(.decision == \"deny\")) | length,
		guard_on: 0, guards_on: 0, last_sign: \"\", signs_on: 0}" >want &&
	test_cmp want got
'

test_expect_success $CHOK 'corrections too: a void on a later day is on its event'"'"'s day, folded once' '
	R=2026-01-25 &&
	TZ=UTC cg-checkin --now 2026-01-27T09:00:00+08:00 --void $R/3 --reason twice --by g1 >c1 &&
	TZ=UTC cg-checkin --now 2026-01-27T09:00:00+08:00 --amend $R/4 --set gate=south --reason gate --by g1 >c2 &&
	TZ=UTC cg-sync push --redact --target ch --format clickhouse --url "$CHURL" >o1 &&
	TZ=UTC cg-sync push --redact --target ch-twice --format clickhouse --url "$CHURL" >o2 &&
	echo "SELECT count() FROM cg_checkin WHERE day = toDate('"'"'2026-01-27'"'"')" | chq "$P" >n &&
	test "$(cat n)" = 0 &&
	TZ=UTC cg-report --now 2026-01-27T10:00:00+08:00 --date $R >rep &&
	report totals | jq -c "$NUM | .events" >got && jq .totals.events rep >want &&
	test_cmp want got && test "$(cat got)" = 499 &&
	report gates | jq -c "$NUM | [.gate, .entries, .exits, .deny]" >got &&
	jq -c ".gates | to_entries[] | [.key, .value.in, .value.out, .value.deny]" rep >want &&
	test_cmp want got &&
	report corrections | jq -c "[.rid, .action, .original]" >got &&
	jq -c ".corrections[] | [.rid, .action, .original]" rep >want &&
	test_line_count = 2 got && test_cmp want got
'

test_expect_success $CHOK 'a void of a back-filled check-in is on the check-in'"'"'s day, not its journal'"'"'s' '
	echo "{\"ts\":\"2026-01-24T21:00:00+08:00\",\"gate\":\"north\",\"dir\":\"in\",\"kind\":\"resident\",\"id_no\":\"11010519491231002X\",\"household\":\"1-1-1\",\"temp\":36.5,\"mask\":true}" |
		TZ=UTC cg-checkin --now 2026-01-27T10:00:00+08:00 >bf &&
	test "$(jq -r .registered_at bf)" = 2026-01-27T10:00:00+08:00 &&
	rid=2026-01-27/$(jq .seq bf) &&
	TZ=UTC cg-checkin --now 2026-01-27T10:05:00+08:00 --void $rid --reason typo --by g1 >v &&
	TZ=UTC cg-sync push --redact --target ch --format clickhouse --url "$CHURL" >o1 &&
	echo "SELECT day, voids != '"'"''"'"' FROM cg_checkin WHERE rid = '"'"'SH-0001/checkin/$rid'"'"' OR correction_of = '"'"'SH-0001/checkin/$rid'"'"' ORDER BY rid FORMAT TSV" |
		chq "$P" >got &&
	printf "2026-01-24\t0\n2026-01-24\t1\n" >want &&
	test_cmp want got &&
	TZ=UTC cg-report --now 2026-01-27T11:00:00+08:00 --date 2026-01-24 >rep &&
	report totals 2026-01-24 | jq -c "$NUM | .events" >got && jq .totals.events rep >want &&
	test_cmp want got && test "$(cat got)" = 300
'

test_expect_success $CHOK 'retention.sql drops the days older than kept, and only those' '
	grep -v "^--" "$SRC_DIR/share/clickhouse/retention.sql" |
		sed "s/today()/toDate('"'"'2026-07-24'"'"')/" | chq "$P" >drops &&
	printf "%s\n" "ALTER TABLE default.cg_checkin DROP PARTITION '"'"'2026-01-24'"'"'" >want &&
	test_cmp want drops &&
	while read -r q; do
		echo "$q" | chq "$P" || return 1
	done <drops &&
	echo "SELECT DISTINCT day FROM cg_checkin ORDER BY day" | chq "$P" >got &&
	printf "2026-01-25\n2026-01-26\n" >want &&
	test_cmp want got &&
	grep -v "^--" "$SRC_DIR/share/clickhouse/retention.sql" | chq "$P" >drops &&
	test_line_count = 2 drops
'

stop_clickhouse ch
test_done
