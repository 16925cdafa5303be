#!/bin/sh
test_description='cg-sync: the duty stream (cg-duty) once, guards as persons; cg_duty in ClickHouse, report/duty*.sql (and the needs of cg_quarantine) and duty_now.sql against cg-report'
. "${0%/*}/../lib/test-lib.sh"
. "$SRC_DIR/tests/lib/sync-lib.sh"
. "$SRC_DIR/tests/lib/clickhouse-lib.sh"

D=2026-01-25
N=2026-01-26T12:00:00+08:00

# The day at north: 丙 on from 22:00 the day before to 06:00, 甲 05:00 to
# 08:00 (an hour with both on), 乙 08:30:30 to 20:00, nobody from 20:00
# (戊 signs on at 01:00 the next day): 480 + 689.5 minutes, 1169 whole
# minutes of the 1440.  south: 丁 09:00 to 17:00, 480.  Tasks on the day:
# disinfect lift-1 at 07:00 and 12:00 (slots 06-11 and 11-16; 16-21
# missed), lift-2 at 08:00; staff_temp at north 08:40 (37.8, a fever);
# the call to C01 at 10:00.  Masks: 300 in on the 20th, 150 to 钱 on the
# day.  The next day: disinfect lift-1 at 07:00.
test_expect_success 'setup: a day of duty, with persons' '
	write_config "{\"compound\":{\"code\":\"SH-0001\",\"tz\":\"Asia/Shanghai\",\"street\":\"S-1\",\"district\":\"D-1\"},
		\"gates\":[\"north\",\"south\",\"east\"],\"duty\":{
		\"roster\":{\"north\":[[\"00:00\",\"08:00\"],[\"08:00\",\"24:00\"]],\"south\":[[\"09:00\",\"17:00\"]]},
		\"tasks\":{\"disinfect\":{\"places\":[\"lift-1\",\"lift-2\"],\"times\":3,\"hours\":[\"06:00\",\"21:00\"]},
			\"staff_temp\":{\"per\":\"shift\"},\"care_call\":{\"per\":\"care\"}},
		\"care\":{\"C01\":{\"name\":\"张三\",\"household\":\"3-2-501\"}},
		\"stock\":{\"mask\":{\"unit\":\"piece\",\"min\":200}}}}" &&
	on() { echo "{\"guard\":\"$1\",\"gate\":\"$2\",\"ts\":\"$3+08:00\"}" | TZ=UTC cg-duty on --now $N >/dev/null; } &&
	off() { echo "{\"guard\":\"$1\",\"ts\":\"$2+08:00\"}" | TZ=UTC cg-duty off --now $N >/dev/null; } &&
	on 丙 north 2026-01-24T22:00:00 &&
	on 甲 north ${D}T05:00:00 &&
	off 丙 ${D}T06:00:00 &&
	off 甲 ${D}T08:00:00 &&
	on 乙 north ${D}T08:30:30 &&
	on 丁 south ${D}T09:00:00 &&
	off 丁 ${D}T17:00:00 &&
	off 乙 ${D}T20:00:00 &&
	on 戊 north 2026-01-26T01:00:00 &&
	printf "%s\n" "{\"task\":\"disinfect\",\"place\":\"lift-1\",\"by\":\"赵师傅\",\"agent\":\"84\",\"ts\":\"${D}T07:00:00+08:00\"}" \
		"{\"task\":\"disinfect\",\"place\":\"lift-1\",\"by\":\"赵师傅\",\"ts\":\"${D}T12:00:00+08:00\"}" \
		"{\"task\":\"disinfect\",\"place\":\"lift-2\",\"ts\":\"${D}T08:00:00+08:00\"}" \
		"{\"task\":\"staff_temp\",\"place\":\"north\",\"by\":\"乙\",\"temp\":37.8,\"ts\":\"${D}T08:40:00+08:00\"}" \
		"{\"task\":\"care_call\",\"place\":\"C01\",\"by\":\"孙\",\"ts\":\"${D}T10:00:00+08:00\"}" \
		"{\"task\":\"disinfect\",\"place\":\"lift-1\",\"ts\":\"2026-01-26T07:00:00+08:00\"}" |
		TZ=UTC cg-duty done --now $N >/dev/null &&
	printf "%s\n" "{\"item\":\"mask\",\"qty\":300,\"op\":\"receive\",\"ts\":\"2026-01-20T09:00:00+08:00\"}" \
		"{\"item\":\"mask\",\"qty\":150,\"op\":\"issue\",\"to\":\"钱\",\"ts\":\"${D}T09:00:00+08:00\"}" |
		TZ=UTC cg-duty stock --now $N >/dev/null &&
	test_line_count = 18 "$CG_HOME/journal/duty.jsonl" &&
	for t in north:05:10 north:09:00 north:20:30 south:11:00 east:11:30; do
		echo "{\"gate\":\"${t%%:*}\",\"dir\":\"in\",\"kind\":\"resident\",\"temp\":36.5,\"mask\":true,\"ts\":\"${D}T${t#*:}:00+08:00\"}"
	done | TZ=UTC cg-checkin --now $N >/dev/null
'

if test_have_prereq PYTHON,JQ; then
	start_upstream up --bodies --plan ok,reset,ok,500
fi
BODIES=$TRASH/up/bodies.jsonl

test_expect_success PYTHON,JQ 'push: every duty record once, though a batch was sent twice' '
	cg-sync push --target a --url "$URL/a" --stream duty --from-start --batch-records 5 \
		--backoff-base 0.01 >out &&
	test "$(jq -s "map(.records) | add" out)" = 18 &&
	jq -r .stream out | sort -u >got && echo duty >want && test_cmp want got &&
	delivered up | sort >got &&
	seq 1 18 | sed "s|^|SH-0001/duty/|" | sort >want &&
	test_cmp want got &&
	test "$(requests up | jq -s "map(select(.accepted)) | length")" -gt 4 &&
	test "$(jq .duty.seq "$CG_HOME/sync/a/cursor.json")" = 18
'

test_expect_success PYTHON,JQ 'no guard, doer or recipient leaves by default; the allowlist only' '
	for p in 丙 甲 乙 丁 戊 赵师傅 孙 钱; do
		test_must_fail grep -q "$p" "$BODIES" || return 1
	done &&
	jq -r "keys_unsorted | join(\",\")" "$BODIES" | sort -u >got &&
	cat >want <<-\EOF &&
	ts,compound,event,gate,seq,rid,day,tz,street,district
	ts,compound,event,item,op,qty,unit,seq,rid,day,tz,street,district
	ts,compound,event,task,place,slot,agent,seq,rid,day,tz,street,district
	ts,compound,event,task,place,slot,seq,rid,day,tz,street,district
	ts,compound,event,task,place,slot,temp,seq,rid,day,tz,street,district
	ts,compound,event,task,place,temp,reason,severity,seq,rid,day,tz,street,district
	EOF
	test_cmp want got
'

test_expect_success PYTHON,JQ 'a second push sends nothing; a new record only; status counts the backlog' '
	: >"$BODIES" &&
	cg-sync push --target a --url "$URL/a" --stream duty >out &&
	test_line_count = 0 out &&
	cg-sync status --target a --stream duty >st && test "$(jq .backlog st)" = 0 &&
	TZ=UTC cg-duty off --guard 戊 --at 2026-01-26T09:00:00+08:00 --now $N >/dev/null &&
	cg-sync status --target a --stream duty >st && test "$(jq .backlog st)" = 1 &&
	cg-sync push --target a --url "$URL/a" --stream duty >out &&
	jq -r .rid "$BODIES" >got && echo SH-0001/duty/19 >want && test_cmp want got
'

test_expect_success PYTHON,JQ 'a cursor from before the duty stream sends the duty journal from its first' '
	jq -c "del(.duty)" "$CG_HOME/sync/a/cursor.json" >c && cp c "$CG_HOME/sync/a/cursor.json" &&
	: >"$BODIES" &&
	cg-sync push --target a --url "$URL/a" --stream duty >out &&
	test "$(jq -s length "$BODIES")" = 19 &&
	test "$(jq .duty.seq "$CG_HOME/sync/a/cursor.json")" = 19
'

test_expect_success PYTHON,JQ '--redact hashes the guard, doer and recipient; allow_fields sends a guard raw' '
	: >"$BODIES" &&
	cg-sync push --target r --url "$URL/r" --stream duty --from-start --redact >out &&
	for p in 丙 甲 乙 丁 戊 赵师傅 孙 钱; do
		test_must_fail grep -q "$p" "$BODIES" || return 1
	done &&
	jq -r "select(.event == \"on\" or .event == \"off\") | .guard" "$BODIES" | grep -c "^h:[0-9a-f]\{32\}\$" >n &&
	test "$(cat n)" = 10 &&
	jq -r "select(.by) | .by" "$BODIES" | sort -u | grep -c "^h:" >n && test "$(cat n)" = 3 &&
	jq -r "select(.to) | .to" "$BODIES" | grep -c "^h:" >n && test "$(cat n)" = 1 &&
	jq ".targets = {raw: {url: \"$URL/raw\", allow_fields: [\"guard\"]}}" "$CG_HOME/config.json" >cfg &&
	cp "$CG_HOME/config.json" cfg.orig && cp cfg "$CG_HOME/config.json" &&
	: >"$BODIES" &&
	cg-sync push --target raw --url "$URL/raw" --stream duty --from-start >out &&
	jq -r "select(.guard) | .guard" "$BODIES" | sort -u | tr "\n" " " >got &&
	test "$(cat got)" = "丁 丙 乙 戊 甲 " &&
	test_must_fail grep -q -e 赵师傅 -e 钱 "$BODIES" &&
	cp cfg.orig "$CG_HOME/config.json"
'

test_expect_success PYTHON,JQ 'the Elasticsearch index template maps every duty field es-bulk sends' '
	: >"$BODIES" &&
	cg-sync push --target es --format es-bulk --url "$URL/es" --stream duty --from-start --redact >out &&
	T=$SRC_DIR/share/elasticsearch/index-template.json &&
	jq -r ".template.mappings.properties | keys[]" "$T" | sort >mapped &&
	jq -r "select(has(\"create\") | not) | keys[]" "$BODIES" | sort -u >sent &&
	grep -qx guard sent && grep -qx task sent &&
	comm -23 sent mapped >unmapped && echo by >want && echo guard >>want &&
	test_cmp want unmapped
'

test_expect_success PYTHON,JQ 'four pushes of the duty stream at once: every record once, no batch twice' '
	cg-sync push --target cc --url "$URL/cc" --stream checkin --from-start >/dev/null &&
	for i in 1 2 3 4; do
		{ cg-sync push --target cc --url "$URL/cc" --stream duty --batch-records 2 --wait 60 \
			>"out$i" 2>"err$i"; echo $? >"code$i"; } &
	done &&
	wait &&
	cat code1 code2 code3 code4 | sort -u >codes && echo 0 >want && test_cmp want codes &&
	test "$(cat out1 out2 out3 out4 | jq -s "map(.records) | add")" = 19 &&
	requests up | jq -r "select(.accepted and .path == \"/cc\") | .key" | sort | uniq -d >twice &&
	test_line_count = 0 twice &&
	requests up | jq -r "select(.accepted and .path == \"/cc\") | .rids[]" | grep /duty/ | sort >got &&
	seq 1 19 | sed "s|^|SH-0001/duty/|" | sort >want &&
	test_cmp want got
'

test_expect_success 'an unknown --stream names duty among the streams' '
	test_expect_code 2 cg-sync push --target a --url http://127.0.0.1:9/ --stream dutty 2>err &&
	grep -q "checkin, pass, quarantine, duty, checkpoint" err
'

P=$((20000 + ($$ + 9000) % 20000))
if test_have_prereq CLICKHOUSE && start_clickhouse ch "$P"; then
	CHOK=CLICKHOUSE
else
	echo "# clickhouse-server did not start; skipping"
	CHOK=NO_CLICKHOUSE
fi
CHURL=http://127.0.0.1:$P/

NUM='with_entries(if (.value | type) == "string" and (.value | test("^[0-9]+$")) then .value |= tonumber else . end)'

# sql FILE [NOW]: FILE of share/clickhouse for SH-0001 on $D, now() NOW.
sql() {
	grep -v "^--" "$SRC_DIR/share/clickhouse/$1" |
		sed -e "s/2026-01-25/$D/g" -e "s/DEMO-0001/SH-0001/g" \
			-e "s/now()/toDateTime('${2:-2026-01-26 04:00:00}')/g" \
			-e "s/today()/toDate('${2%% *}')/g" | chq "$P"
}

test_expect_success $CHOK 'clickhouse: cg_duty holds each record once, also after every batch was sent twice' '
	ch_schema "$P" "$SRC_DIR/share/clickhouse/schema.sql" &&
	TZ=UTC cg-sync push --redact --target ch --format clickhouse --url "$CHURL" --stream duty \
		--from-start --batch-records 4 >out &&
	echo "SELECT count(), uniqExact(rid) FROM cg_duty FORMAT TSV" | chq "$P" >got &&
	printf "19\t19\n" >want && test_cmp want got &&
	echo "SYSTEM STOP MERGES" | chq "$P" &&
	TZ=UTC cg-sync push --redact --target ch-twice --format clickhouse --url "$CHURL" --stream duty \
		--from-start --batch-records 4 >out &&
	echo "SELECT count(), uniqExact(rid) FROM cg_duty FORMAT TSV" | chq "$P" >got &&
	printf "38\t19\n" >want && test_cmp want got &&
	echo "SELECT day, count() / 2 FROM cg_duty GROUP BY day ORDER BY day FORMAT TSV" | chq "$P" >got &&
	printf "2026-01-20\t1\n2026-01-24\t1\n2026-01-25\t14\n2026-01-26\t3\n" >want &&
	test_cmp want got &&
	echo "SELECT DISTINCT tz, street, district, length(guard) FROM cg_duty WHERE event = '"'"'on'"'"' FORMAT TSV" |
		chq "$P" >got &&
	printf "Asia/Shanghai\tS-1\tD-1\t34\n" >want && test_cmp want got &&
	echo "SELECT temp, isNull(qty) FROM cg_duty WHERE event = '"'"'alert'"'"' GROUP BY rid, temp, qty FORMAT TSV" |
		chq "$P" >got &&
	printf "37.8\t1\n" >want && test_cmp want got
'

# report NOW: cg-report of $D at NOW (+08:00), and now() for the SQL.
report_at() {
	TZ=UTC cg-report --date $D --now "$1+08:00" >rep.json &&
	echo "SELECT toString(parseDateTimeBestEffort('$1+08:00'))" | chq "$P" >now
}

# The gates of report/duty.sql as cg-report has them.
gates_sql() {
	sql report/duty.sql "$(cat now)" | jq -c "$NUM | [.gate, .duty_min, .staffed_min, .unstaffed_min]"
}
gates_report() {
	jq -c ".duty.gates | to_entries[] | [.key, .value.duty_min, .value.staffed_min, .value.unstaffed_min]" rep.json
}

test_expect_success $CHOK 'report/duty.sql: per gate the minutes with a guard on, as cg-report has them (hand-computed)' '
	report_at 2026-01-26T12:00:00 &&
	gates_sql >got && gates_report >want &&
	test_cmp want got &&
	cat >hand <<-\EOF &&
	["north",1440,1169,271]
	["south",1440,480,960]
	EOF
	test_cmp hand got &&
	sql report/duty.sql "$(cat now)" | jq -c "$NUM | [.gate, .signed_on, .signed_off]" >got &&
	printf "%s\n" "[\"north\",2,3]" "[\"south\",1,1]" >want &&
	test_cmp want got &&
	TZ=UTC cg-sync push --redact --target ch --format clickhouse --url "$CHURL" --stream checkin >out &&
	sql report/duty.sql "$(cat now)" | jq -c "$NUM | [.gate, .checkins_without_guard]" >got &&
	jq -c ".duty.gates | to_entries[] | [.key, .value.checkins_without_guard]" rep.json >want &&
	test_cmp want got &&
	printf "%s\n" "[\"north\",1]" "[\"south\",0]" >hand &&
	test_cmp hand got
'

test_expect_success $CHOK 'report/duty.sql: a day not over counts up to now, as cg-report does' '
	report_at 2026-01-25T12:00:00 &&
	gates_sql >got && gates_report >want &&
	test_cmp want got &&
	printf "%s\n" "[\"north\",720,689,31]" "[\"south\",720,180,540]" >hand &&
	test_cmp hand got &&
	report_at 2026-01-25T04:59:59 &&
	gates_sql >got && gates_report >want &&
	test_cmp want got
'

test_expect_success $CHOK 'report/duty_tasks.sql: the tasks done and staff fevers of the day, as cg-report has them' '
	report_at 2026-01-26T12:00:00 &&
	sql report/duty_tasks.sql "$(cat now)" | jq -c "$NUM | [.task, .done]" >got &&
	jq -c ".duty.tasks | to_entries | sort_by(.key)[] | [.key, .value.done]" rep.json >want &&
	test_cmp want got &&
	printf "%s\n" "[\"care_call\",1]" "[\"disinfect\",3]" "[\"staff_temp\",1]" >hand &&
	test_cmp hand got &&
	sql report/duty_tasks.sql "$(cat now)" | jq -c "$NUM" | jq -s -c "[(map(.staff_fevers) | add), (map(.places) | add), (map(.doers) | add)]" >got &&
	echo "[$(jq .duty.staff_fevers rep.json),4,3]" >want &&
	test_cmp want got
'

# board NOW: duty_now.sql at NOW (+08:00): gate, guard_on, guards_on, last_sign, signs_on.
board() {
	echo "SELECT toString(parseDateTimeBestEffort('$1+08:00'))" | chq "$P" >now &&
	sql duty_now.sql "$(cat now)" | jq -c "$NUM | [.gate, .guard_on, .guards_on, .last_sign, .signs_on]"
}

at() {
	echo "SELECT toString(parseDateTimeBestEffort('$1+08:00'))" | chq "$P"
}

test_expect_success $CHOK 'duty_now.sql: the guard on duty per gate from cg_duty, at four times' '
	board ${D}T12:00:00 >got &&
	cat >want <<-EOF &&
	["east",0,0,"",0]
	["north",1,1,"$(at ${D}T08:30:30)",1]
	["south",1,1,"$(at ${D}T09:00:00)",1]
	EOF
	test_cmp want got &&
	board ${D}T21:00:00 >got &&
	cat >want <<-EOF &&
	["east",0,0,"",0]
	["north",0,0,"$(at ${D}T20:00:00)",1]
	["south",0,0,"$(at ${D}T17:00:00)",1]
	EOF
	test_cmp want got &&
	board 2026-01-26T02:00:00 >got &&
	cat >want <<-EOF &&
	["east",0,0,"",0]
	["north",1,1,"$(at 2026-01-26T01:00:00)",1]
	["south",0,0,"$(at ${D}T17:00:00)",1]
	EOF
	test_cmp want got &&
	board ${D}T05:30:00 >got &&
	echo "[\"north\",1,2,\"$(at ${D}T05:00:00)\",1]" >want
	test_cmp want got
'

# retention.sql drops whole days: 丙's on (the 24th) goes, his off at
# 06:00 stays.  The off counts as nothing rather than as -1 for ever after:
# north is staffed 05:00-06:00 (甲; the lost off takes him too, until the
# gate is empty at 08:00) and 08:30:30-20:00, 749 minutes.
test_expect_success $CHOK 'report/duty.sql: an off whose on retention dropped spoils only until the gate is empty' '
	echo "ALTER TABLE cg_duty DROP PARTITION '"'"'2026-01-24'"'"'" | chq "$P" &&
	echo "SELECT toString(parseDateTimeBestEffort('"'"'2026-01-26T12:00:00+08:00'"'"'))" | chq "$P" >now &&
	sql report/duty.sql "$(cat now)" | jq -c "$NUM | [.gate, .staffed_min, .checkins_without_guard]" >got &&
	printf "%s\n" "[\"north\",749,1]" "[\"south\",480,0]" >want &&
	test_cmp want got
'

# Added after the rest: a second disinfection of lift-1 in its 06-11
# slot (08:00), so that done counts slots.
test_expect_success $CHOK 'report/duty_tasks.sql: two done events in one slot count once, as cg-report counts them' '
	echo "{\"task\":\"disinfect\",\"place\":\"lift-1\",\"ts\":\"${D}T08:00:00+08:00\"}" |
		TZ=UTC cg-duty done --now $N >done.out &&
	test "$(jq -r .slot done.out)" = "$D 06:00-11:00" &&
	TZ=UTC cg-sync push --redact --target ch --format clickhouse --url "$CHURL" --stream duty >out &&
	report_at 2026-01-26T12:00:00 &&
	sql report/duty_tasks.sql "$(cat now)" | jq -c "$NUM | [.task, .done]" >got &&
	jq -c ".duty.tasks | to_entries | sort_by(.key)[] | [.key, .value.done]" rep.json >want &&
	test_cmp want got &&
	printf "%s\n" "[\"care_call\",1]" "[\"disinfect\",3]" "[\"staff_temp\",1]" >hand &&
	test_cmp hand got &&
	sql report/duty_tasks.sql "$(cat now)" | jq -c "$NUM | select(.task == \"disinfect\") | .places" >got &&
	echo 2 >want && test_cmp want got
'

# The care ledger kept by records: C02 and C03 added, C01 of config
# removed, C02 called.
test_expect_success $CHOK 'setup: the care ledger by records, pushed by id alone' '
	printf "%s\n" "{\"care_id\":\"C02\",\"name\":\"李\",\"phone\":\"13900001111\",\"ts\":\"${D}T06:00:00+08:00\"}" \
		"{\"care_id\":\"C03\",\"name\":\"王\",\"ts\":\"${D}T06:00:00+08:00\"}" \
		"{\"care_id\":\"C01\",\"remove\":true,\"ts\":\"${D}T06:30:00+08:00\"}" |
		TZ=UTC cg-duty care --format json --now $N >/dev/null &&
	echo "{\"task\":\"care_call\",\"place\":\"C02\",\"ts\":\"${D}T11:00:00+08:00\"}" |
		TZ=UTC cg-duty done --now $N >/dev/null &&
	TZ=UTC cg-sync push --redact --target ch --format clickhouse --url "$CHURL" --stream duty >out &&
	echo "SELECT care_id, op FROM cg_duty WHERE event = '"'"'care'"'"' GROUP BY rid, care_id, op ORDER BY care_id FORMAT TSV" |
		chq "$P" >got &&
	printf "C01\tremove\nC02\tadd\nC03\tadd\n" >want && test_cmp want got &&
	echo "SELECT count() FROM cg_duty WHERE position(toString(tuple(*)), '"'"'13900001111'"'"') > 0 FORMAT TSV" |
		chq "$P" >got && echo 0 >want && test_cmp want got &&
	report_at 2026-01-26T12:00:00
'

test_expect_success $CHOK 'report/duty_stock.sql: the levels at the end of the day, as cg-report has them' '
	sql report/duty_stock.sql "$(cat now)" | jq -c "$NUM | [.item, .level, .unit, .issued_7d, .per_day, .days_left]" >got &&
	jq -c ".duty.stock[] | [.item, .level, .unit, .issued_7d, .per_day, .days_left]" rep.json >want &&
	test_cmp want got &&
	echo "[\"mask\",150,\"piece\",150,21.43,7]" >hand &&
	test_cmp hand got
'

test_expect_success $CHOK 'report/duty_care.sql: the ledger kept by records, its calls and misses, as cg-report has them' '
	sql report/duty_care.sql "$(cat now)" | jq -c "$NUM | [.entries, .calls, .missed]" >got &&
	jq -c ".duty.care | [.entries, .calls, .missed]" rep.json >want &&
	test_cmp want got &&
	echo "[2,1,1]" >hand &&
	test_cmp hand got
'

# The needs of households under observation (cg-quarantine need): A
# (1-1-101, open since the 24th) asks on the 24th at 09:00 (N1, delivered
# on the day at 10:00), at 09:00 (N2, delivered at 18:00) and at 11:00
# (N3, never); B (2-2-202, opened at 08:00) at 12:00 (N1, delivered the
# next day at 09:00); C (3-3-303) at 10:00 (N1, never; the case closed at
# 15:00).  The day: open A-N3 and B-N1 (C's ended), delivered A-N1 and
# A-N2, missed A-N3, B-N1 and C-N1; at 20:00 the day is not over: none
# missed yet.
test_expect_success $CHOK 'setup: cases with needs, delivered by cg-duty done --need, pushed' '
	for c in "1-1-101 2026-01-24T08:00" "2-2-202 ${D}T08:00" "3-3-303 2026-01-24T08:00"; do
		echo "{\"name\":\"甲\",\"household\":\"${c% *}\",\"reason\":\"close_contact\"}" |
			TZ=UTC cg-quarantine open --now "${c#* }:00+08:00" >/dev/null || return 1
	done &&
	printf "%s\n" "{\"case_id\":\"Q260124-001\",\"need\":\"supplies\",\"ts\":\"2026-01-24T09:00:00+08:00\"}" \
		"{\"case_id\":\"Q260124-001\",\"need\":\"garbage\",\"ts\":\"${D}T09:00:00+08:00\"}" \
		"{\"case_id\":\"Q260124-001\",\"need\":\"medicine\",\"ts\":\"${D}T11:00:00+08:00\"}" \
		"{\"case_id\":\"Q260125-001\",\"need\":\"supplies\",\"ts\":\"${D}T12:00:00+08:00\"}" \
		"{\"case_id\":\"Q260124-002\",\"need\":\"supplies\",\"ts\":\"${D}T10:00:00+08:00\"}" |
		TZ=UTC cg-quarantine need --now $N >/dev/null &&
	echo "{\"case_id\":\"Q260124-002\",\"reason\":\"moved_out\"}" |
		TZ=UTC cg-quarantine close --now ${D}T15:00:00+08:00 >/dev/null &&
	TZ=UTC cg-duty done --need Q260124-001-N1 --at ${D}T10:00:00+08:00 --now $N >/dev/null &&
	TZ=UTC cg-duty done --need Q260124-001-N2 --at ${D}T18:00:00+08:00 --now $N >/dev/null &&
	TZ=UTC cg-duty done --need Q260125-001-N1 --at 2026-01-26T09:00:00+08:00 --now $N >/dev/null &&
	TZ=UTC cg-sync push --redact --target ch --format clickhouse --url "$CHURL" --stream quarantine \
		--from-start >out &&
	echo "SELECT need_id, need FROM cg_quarantine WHERE event = '"'"'need_done'"'"' ORDER BY need_id FORMAT TSV" |
		chq "$P" >got &&
	printf "Q260124-001-N1\tsupplies\nQ260124-001-N2\tgarbage\nQ260125-001-N1\tsupplies\n" >want &&
	test_cmp want got
'

test_expect_success $CHOK 'report/duty_needs.sql: needs open, delivered and missed, as cg-report has them (hand-computed)' '
	report_at 2026-01-26T12:00:00 &&
	sql report/duty_needs.sql "$(cat now)" | jq -c "$NUM | [.open, .delivered, .missed]" >got &&
	jq -c ".duty.needs | [.open, .delivered, .missed]" rep.json >want &&
	test_cmp want got &&
	echo "[2,2,3]" >hand &&
	test_cmp hand got &&
	report_at 2026-01-25T20:00:00 &&
	sql report/duty_needs.sql "$(cat now)" | jq -c "$NUM | [.open, .delivered, .missed]" >got &&
	jq -c ".duty.needs | [.open, .delivered, .missed]" rep.json >want &&
	test_cmp want got &&
	echo "[2,2,0]" >hand &&
	test_cmp hand got
'

test_done
