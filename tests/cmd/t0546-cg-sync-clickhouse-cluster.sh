#!/bin/sh
# build-independent: the cluster schema and its SQL; cg-sync's push runs under the sanitizers in t0500-t0570
test_description='ClickHouse cluster: two shards on loopback, the city report over Distributed tables equals one node and cg-report --merge'
. "${0%/*}/../lib/test-lib.sh"
. "$SRC_DIR/tests/lib/sync-lib.sh"
. "$SRC_DIR/tests/lib/clickhouse-lib.sh"

P1=$((20000 + ($$ + 11000) % 20000))
P2=$((P1 + 2))
CLUSTER="<remote_servers><cg_city>
  <shard><replica><host>127.0.0.1</host><port>$((P1 + 1))</port></replica></shard>
  <shard><replica><host>127.0.0.1</host><port>$((P2 + 1))</port></replica></shard>
</cg_city></remote_servers>"

if test_have_prereq CLICKHOUSE && start_clickhouse s1 "$P1" "$CLUSTER" &&
   start_clickhouse s2 "$P2" "$CLUSTER"; then
	CHOK=CLICKHOUSE
else
	echo "# clickhouse-server did not start; skipping"
	CHOK=NO_CLICKHOUSE
fi

COMPOUNDS="NJ-GL-0001 NJ-GL-0002 NJ-XW-0003 NJ-XW-0004"
DAY=2026-01-25

# city FILE: report/FILE.sql for every compound of the day.
city() {
	grep -v "^--" "$SRC_DIR/share/clickhouse/report/$1.sql" |
		sed -e "s/ AND compound IN ('DEMO-0001')//" -e "s/2026-01-25/$DAY/g"
}

NUM='with_entries(if (.value | type) == "string" and (.value | test("^[0-9]+$")) then .value |= tonumber else . end)'

test_expect_success $CHOK 'setup: the cluster tables on both servers, one node'"'"'s in database single' '
	ch_schema "$P1" "$SRC_DIR/share/clickhouse/cluster/schema.sql" &&
	ch_schema "$P2" "$SRC_DIR/share/clickhouse/cluster/schema.sql" &&
	echo "CREATE DATABASE single" | chq "$P1" &&
	CH_DB=single ch_schema "$P1" "$SRC_DIR/share/clickhouse/schema.sql"
'

test_expect_success 'cluster/schema.sql is made from schema.sql (make cluster-schema)' '
	sh "$SRC_DIR/scripts/gen-cluster-schema" >made &&
	test_cmp "$SRC_DIR/share/clickhouse/cluster/schema.sql" made &&
	sed "s/^    ts String,/    ts String,\n    extra String,/" "$SRC_DIR/share/clickhouse/schema.sql" >more.sql &&
	sh "$SRC_DIR/scripts/gen-cluster-schema" more.sql >made2 &&
	test "$(grep -c "^    extra String,\$" made2)" = 8
'

test_expect_success $CHOK 'cluster/schema.sql has the columns of schema.sql' '
	for t in checkin pass quarantine duty; do
		echo "SELECT name, type FROM system.columns WHERE database = '"'"'single'"'"' AND table = '"'"'cg_$t'"'"' FORMAT TSV" |
			chq "$P1" >want &&
		echo "SELECT name, type FROM system.columns WHERE database = '"'"'default'"'"' AND table = '"'"'cg_${t}_local'"'"' FORMAT TSV" |
			chq "$P2" >got &&
		test -s want && test_cmp want got || return 1
	done
'

test_expect_success $CHOK 'four compounds of two streets push to the Distributed tables and to one node' '
	i=0 &&
	for c in $COMPOUNDS; do
		i=$((i + 1)) &&
		h=$TRASH/home-$c && mkdir -p "$h" &&
		street=${c%-*} &&
		echo "{\"compound\": {\"code\": \"$c\", \"tz\": \"Asia/Shanghai\", \"street\": \"$street\", \"district\": \"NJ\"}}" >"$h/config.json" &&
		awk -v n=$((100 * i)) -v c=$i "BEGIN { for (k = 1; k <= n; k++)
			printf \"{\\\"gate\\\":\\\"%s\\\",\\\"dir\\\":\\\"%s\\\",\\\"kind\\\":\\\"resident\\\",\\\"phone\\\":\\\"1380013%04d\\\",\\\"household\\\":\\\"1-1-%d\\\",\\\"temp\\\":%.1f,\\\"mask\\\":true}\\n\",
				(k % 3) ? \"north\" : \"south\", (k % 2) ? \"in\" : \"out\", k % 50, k, (k % (5 + c)) ? 36.5 : 37.9 }" |
			cg-checkin --home "$h" --now "${DAY}T08:00:00+08:00" >/dev/null &&
		cg-checkin --home "$h" --now "${DAY}T20:00:00+08:00" --void $DAY/2 --reason twice --by g >/dev/null &&
		cg-duty on --home "$h" --guard g$i --gate north --at "${DAY}T0$i:00:00+08:00" \
			--now "${DAY}T20:00:00+08:00" >/dev/null &&
		cg-duty off --home "$h" --guard g$i --at "${DAY}T1$i:00:30+08:00" \
			--now "${DAY}T20:00:00+08:00" >/dev/null &&
		echo "{\"item\":\"mask\",\"qty\":$((100 * i)),\"op\":\"receive\",\"ts\":\"${DAY}T09:00:00+08:00\"}" |
			cg-duty stock --home "$h" --now "${DAY}T20:00:00+08:00" >/dev/null &&
		echo "{\"care_id\":\"C$i\",\"name\":\"甲\",\"ts\":\"${DAY}T09:00:00+08:00\"}" |
			cg-duty care --home "$h" --now "${DAY}T20:00:00+08:00" >/dev/null &&
		cg-sync push --home "$h" --redact --target city --format clickhouse --from-start \
			--url "http://127.0.0.1:$P1/?insert_distributed_sync=1" >out &&
		test "$(jq -r .result out | sort -u)" = sent &&
		cg-sync push --home "$h" --redact --target single --format clickhouse --from-start \
			--url "http://127.0.0.1:$P1/?database=single" >out &&
		cg-report --home "$h" --date $DAY >"rep-$c.json" || return 1
	done
'

test_expect_success $CHOK 'each compound is on one shard, and both shards hold some' '
	echo "SELECT DISTINCT compound FROM cg_checkin_local ORDER BY compound" | chq "$P1" >on1 &&
	echo "SELECT DISTINCT compound FROM cg_checkin_local ORDER BY compound" | chq "$P2" >on2 &&
	test -s on1 && test -s on2 &&
	sort on1 on2 | uniq -d >both && test_line_count = 0 both &&
	test "$(cat on1 on2 | wc -l)" = 4 &&
	echo "SELECT count() FROM cg_checkin" | chq "$P2" >n &&
	test "$(cat n)" = $((100 + 200 + 300 + 400 + 4))
'

test_expect_success $CHOK 'the city report over the Distributed tables equals one node'"'"'s' '
	for q in totals gates reasons corrections duty duty_tasks duty_stock duty_care day persons lists; do
		city $q | chq "$P1" >"dist-$q" &&
		city $q | chq "$P2" >"dist2-$q" &&
		city $q | CH_DB=single chq "$P1" >"single-$q" &&
		test_cmp "single-$q" "dist-$q" && test_cmp "single-$q" "dist2-$q" || return 1
	done &&
	test_line_count = 4 dist-totals && test_line_count = 4 dist-duty &&
	jq -c "$NUM | [.compound, .staffed_min]" dist-duty >got &&
	for c in $COMPOUNDS; do
		jq -c "[.compound.code, .duty.gates.north.staffed_min]" "rep-$c.json" || return 1
	done | sort >want &&
	test_cmp want got && test "$(grep -c ",600\]\$" got)" = 4 &&
	jq -c "$NUM | [.compound, .level]" dist-duty_stock >got &&
	for c in $COMPOUNDS; do
		jq -c "[.compound.code, .duty.stock[0].level]" "rep-$c.json" || return 1
	done | sort >want &&
	test_cmp want got &&
	jq -c "$NUM | [.compound, .entries]" dist-duty_care >got &&
	for c in $COMPOUNDS; do
		jq -c "[.compound.code, .duty.care.entries]" "rep-$c.json" || return 1
	done | sort >want &&
	test_cmp want got
'

test_expect_success $CHOK 'and equals each compound'"'"'s cg-report, and cg-report --merge' '
	jq -c "$NUM" dist-totals >got &&
	for c in $COMPOUNDS; do
		jq -c "{compound: .compound.code, events: .totals.events, entries: .totals.in,
			exits: .totals.out, admit: .totals.admit, deny: .totals.deny,
			refer: .totals.refer, fever_persons: .fever.persons,
			fever_readings: .fever.readings, fever_decisions: .fever.decisions}" "rep-$c.json" || return 1
	done >want &&
	test_cmp want got &&
	cat rep-*.json | cg-report --merge >merged &&
	jq -s -c "{events: map(.events) | add, in: map(.entries) | add, out: map(.exits) | add,
		admit: map(.admit) | add, deny: map(.deny) | add, refer: map(.refer) | add,
		readings: map(.fever_readings) | add}" got >sql &&
	jq -c "{events: .totals.events, in: .totals.in, out: .totals.out, admit: .totals.admit,
		deny: .totals.deny, refer: .totals.refer, readings: .fever.readings}" merged >want &&
	test_cmp want sql
'

test_expect_success $CHOK 'a street'"'"'s report is a filter on the street column' '
	grep -v "^--" "$SRC_DIR/share/clickhouse/report/totals.sql" |
		sed -e "s/compound IN ('"'"'DEMO-0001'"'"')/street = '"'"'NJ-XW'"'"'/" |
		chq "$P2" | jq -r .compound >got &&
	printf "NJ-XW-0003\nNJ-XW-0004\n" >want &&
	test_cmp want got
'

test_expect_success $CHOK 'daily-report over the Distributed tables equals one node'"'"'s, a compound pushed twice' '
	echo "SYSTEM STOP MERGES" | chq "$P1" && echo "SYSTEM STOP MERGES" | chq "$P2" &&
	h=$TRASH/home-NJ-GL-0002 &&
	cg-sync push --home "$h" --redact --target city2 --format clickhouse --from-start \
		--url "http://127.0.0.1:$P1/?insert_distributed_sync=1" >out &&
	cg-sync push --home "$h" --redact --target single2 --format clickhouse --from-start \
		--url "http://127.0.0.1:$P1/?database=single" >out &&
	sh "$SRC_DIR/share/clickhouse/daily-report" -n "$DAY 20:00:00" "http://127.0.0.1:$P1/" $DAY |
		jq -c "del(.generated_at)" >dist-daily &&
	sh "$SRC_DIR/share/clickhouse/daily-report" -n "$DAY 20:00:00" "http://127.0.0.1:$P1/?database=single" $DAY |
		jq -c "del(.generated_at)" >single-daily &&
	echo "SELECT count() - uniqExact(rid) FROM cg_checkin WHERE compound = '"'"'NJ-GL-0002'"'"'" |
		chq "$P1" >n && test "$(cat n)" = 201 &&
	city one_part | chq "$P1" >n && test "$(cat n)" = 0 &&
	test_line_count = 4 dist-daily &&
	test_cmp single-daily dist-daily &&
	jq -c "[.compound.code, .totals, .fever]" dist-daily >got &&
	for c in $COMPOUNDS; do
		jq -c "[.compound.code, .totals, (.fever | {threshold, persons, readings, decisions})]" "rep-$c.json" || return 1
	done >want &&
	test_cmp want got
'

stop_clickhouse s1
stop_clickhouse s2
test_done
