#!/bin/sh
test_description='cg-sync --format clickhouse against a real clickhouse-server'
. "${0%/*}/../lib/test-lib.sh"
. "$SRC_DIR/tests/lib/sync-lib.sh"

. "$SRC_DIR/tests/lib/clickhouse-lib.sh"

CHPORT=$((20000 + $$ % 20000))

if test_have_prereq CLICKHOUSE && start_clickhouse ch "$CHPORT"; then
	CHURL=http://127.0.0.1:$CHPORT/
else
	echo "# clickhouse-server did not start; skipping"
fi
test_have_prereq CLICKHOUSE && [ -n "${CHURL:-}" ] && CHOK=CLICKHOUSE || CHOK=NO_CLICKHOUSE

test_expect_success $CHOK 'the tables of share/clickhouse/schema.sql' '
	ch_schema "$CHPORT" "$SRC_DIR/share/clickhouse/schema.sql" &&
	echo "EXISTS TABLE cg_checkin" | chq "$CHPORT" >e && test "$(cat e)" = 1
'

test_expect_success $CHOK 'a day of check-ins, pushed with a kill and a restart midway' '
	awk "BEGIN { srand(7); for (i = 1; i <= 2000; i++) {
		t = 36 + rand() * 2; g = (i % 3) ? \"north\" : \"south\"; d = (i % 2) ? \"in\" : \"out\";
		printf \"{\\\"gate\\\":\\\"%s\\\",\\\"dir\\\":\\\"%s\\\",\\\"kind\\\":\\\"resident\\\",\\\"temp\\\":%.1f,\\\"mask\\\":%s}\\n\", g, d, t, (i % 17) ? \"true\" : \"false\" } }" |
		cg-checkin --now "$NOW" >/dev/null
	test "$(wc -l <"$CG_HOME/journal/checkin/2026-01-25.jsonl")" = 2000 &&
	cg-sync push --redact --target ch --format clickhouse --url "$CHURL" --from-start --batch-records 50 >out1 &
	pid=$! && sleep 0.3 && kill -9 $pid; wait $pid
	cg-sync push --redact --target ch --format clickhouse --url "$CHURL" --batch-records 50 >out2 &&
	echo "SELECT count() FROM cg_checkin FINAL" | chq "$CHPORT" >n &&
	test "$(cat n)" = 2000 &&
	echo "SELECT uniqExact(rid) FROM cg_checkin" | chq "$CHPORT" >n &&
	test "$(cat n)" = 2000
'

test_expect_success $CHOK 'sending everything again is dropped by FINAL and by the reports' '
	cg-sync push --redact --target ch-again --format clickhouse --url "$CHURL" --from-start --batch-records 500 >out3 &&
	test "$(jq -s "map(.records) | add" out3)" = 2000 &&
	test "$(jq -r .result out3 | sort -u)" = sent &&
	echo "SELECT count() FROM cg_checkin FINAL" | chq "$CHPORT" >n && test "$(cat n)" = 2000
'

NUM='with_entries(if (.value | type) == "string" and (.value | test("^[0-9]+$")) then .value |= tonumber else . end)'

report() {
	grep -v "^--" "$SRC_DIR/share/clickhouse/report/$1.sql" | chq "$CHPORT"
}

test_expect_success $CHOK 'report/*.sql give the figures of the journal' '
	J=$CG_HOME/journal/checkin/2026-01-25.jsonl &&
	report totals | jq -c "$NUM" >got &&
	jq -s -c "{compound: \"DEMO-0001\", events: length,
		entries: map(select(.dir == \"in\")) | length,
		exits: map(select(.dir == \"out\")) | length,
		admit: map(select(.decision == \"admit\")) | length,
		deny: map(select(.decision == \"deny\")) | length,
		refer: map(select(.decision == \"refer\")) | length,
		fever_persons: map(select((.temp // 0) >= 37.3 and (.temp // 0) <= 42.5)
			| if .id_no then \"id:\" + .id_no elif .phone then \"phone:\" + .phone
			  elif .name and .household then \"name:\(.name)@\(.household)\" else \"seq:\(.seq)\" end)
			| unique | length,
		fever_readings: map(select((.temp // 0) >= 37.3 and (.temp // 0) <= 42.5)) | length,
		fever_decisions: map(select(.reasons | index(\"fever\"))) | length}" "$J" >want &&
	test "$(jq -r .fever_persons got)" = "$(cg-report --date 2026-01-25 | jq .fever.persons)" &&
	test "$(jq -r .fever_readings got)" = "$(cg-report --date 2026-01-25 | jq .fever.readings)" &&
	test_cmp want got &&
	report gates | jq -c "$NUM" >got &&
	jq -s -c "group_by(.gate)[] | {compound: \"DEMO-0001\", gate: .[0].gate,
		entries: map(select(.dir == \"in\")) | length,
		exits: map(select(.dir == \"out\")) | length,
		deny: map(select(.decision == \"deny\")) | length}" "$J" >want &&
	test_cmp want got &&
	report reasons | jq -c "$NUM" >got &&
	jq -s -c "[.[] | .reasons[]] | group_by(.)[] | {compound: \"DEMO-0001\", reason: .[0], n: length}" "$J" >want &&
	test_cmp want got
'

NEXT=2026-01-26T09:00:00+08:00

test_expect_success $CHOK 'with corrections pushed, report/*.sql give the figures of cg-report' '
	R=2026-01-25 &&
	seqs=$(jq -r "select(.decision == \"deny\" and .seq > 2) | .seq" "$CG_HOME/journal/checkin/$R.jsonl" | head -n 3) &&
	set -- $seqs &&
	cg-checkin --now "$NOW" --amend 1 --set gate=south --reason "wrong gate" --by g1 >c1 &&
	cg-checkin --now "$NOW" --amend $R/$1 --set temp=36.5 --set mask=true --reason "typo" --by g1 >c2 &&
	test "$(jq -r .decision c2)" = admit &&
	cg-checkin --now "$NEXT" --void $R/2 --reason "twice" --by g2 >c3 &&
	cg-checkin --now "$NEXT" --amend $R/1 --set dir=out --reason "again" --by g2 >c4 &&
	cg-checkin --now "$NEXT" --amend $R/$2 --set temp=36.6 --set mask=true --reason "typo" --by g2 >c5 &&
	cg-checkin --now "$NEXT" --void 2026-01-26/$(jq -r .seq c5) --reason "not here" --by g2 >c6 &&
	test "$(jq -r .correction_of c6)" = "DEMO-0001/checkin/$R/$2" &&
	cg-sync push --redact --target ch --format clickhouse --url "$CHURL" >out4 &&
	cg-report --now "$NEXT" --date $R >rep &&
	test "$(jq -r "[.totals.events, (.corrections | length)] | @tsv" rep)" = "$(printf "1998\t6")" &&
	report totals | jq -c "$NUM" >got &&
	jq -c "{compound: .compound.code, events: .totals.events, entries: .totals.in,
		exits: .totals.out, admit: .totals.admit, deny: .totals.deny,
		refer: .totals.refer, fever_persons: .fever.persons,
		fever_readings: .fever.readings, fever_decisions: .fever.decisions}" rep >want &&
	test_cmp want got &&
	report gates | jq -c "$NUM" >got &&
	jq -c ".gates | to_entries[] | {compound: \"DEMO-0001\", gate: .key,
		entries: .value.in, exits: .value.out, deny: .value.deny}" rep >want &&
	test_cmp want got &&
	report reasons | jq -c "$NUM" >got &&
	jq -c ".reasons | to_entries[] | select(.value > 0) |
		{compound: \"DEMO-0001\", reason: .key, n: .value}" rep >want &&
	test_cmp want got &&
	report corrections | jq -c "[.rid, .action, .replaces, .original, .reason, .by, .at]" >got &&
	jq -c ".corrections[] | [.rid, .action, .replaces, .original, .reason, .by, .at]" rep >want &&
	test_cmp want got
'

test_expect_success $CHOK 'fever persons: the same person read twice is one, in SQL as in cg-report' '
	before=$(report totals | jq -r "$NUM | .fever_persons") &&
	printf "%s\n" \
		"{\"gate\":\"north\",\"dir\":\"in\",\"kind\":\"resident\",\"name\":\"王五\",\"id_no\":\"310104198506151237\",\"temp\":37.8,\"mask\":true}" \
		"{\"gate\":\"north\",\"dir\":\"in\",\"kind\":\"resident\",\"name\":\"王五\",\"id_no\":\"310104198506151237\",\"temp\":37.9,\"mask\":true}" \
		"{\"gate\":\"south\",\"dir\":\"in\",\"kind\":\"resident\",\"name\":\"李四\",\"household\":\"3-2-502\",\"temp\":38.0,\"mask\":true}" \
		"{\"gate\":\"south\",\"dir\":\"in\",\"kind\":\"resident\",\"name\":\"李四\",\"household\":\"3-2-502\",\"temp\":38.1,\"mask\":true}" |
		cg-checkin --now "$NOW" >/dev/null &&
	cg-sync push --redact --target ch --format clickhouse --url "$CHURL" >out5 &&
	report totals | jq -c "$NUM" >got &&
	test "$(jq .fever_persons got)" = $((before + 2)) &&
	test "$(jq .fever_persons got)" = "$(cg-report --date 2026-01-25 | jq .fever.persons)" &&
	test "$(jq .fever_readings got)" = "$(cg-report --date 2026-01-25 | jq .fever.readings)" &&
	test "$(jq .fever_decisions got)" = "$(cg-report --date 2026-01-25 | jq .fever.decisions)"
'

test_expect_success $CHOK 'a register of the day typed the next morning: on its own day in SQL as in cg-report' '
	printf "%s\n" \
		"{\"ts\":\"2026-01-25T21:00:00+08:00\",\"gate\":\"north\",\"dir\":\"in\",\"kind\":\"resident\",\"name\":\"赵六\",\"household\":\"3-1-101\",\"temp\":36.5,\"mask\":true}" \
		"{\"ts\":\"2026-01-25T22:00:00+08:00\",\"gate\":\"south\",\"dir\":\"out\",\"kind\":\"resident\",\"name\":\"赵六\",\"household\":\"3-1-101\",\"temp\":36.5,\"mask\":true}" |
		cg-checkin --now 2026-01-26T09:30:00+08:00 >/dev/null &&
	cg-sync push --redact --target ch --format clickhouse --url "$CHURL" >out6 &&
	test "$(jq -s "map(.records) | add" out6)" = 2 &&
	cg-report --now 2026-01-26T10:00:00+08:00 --date 2026-01-25 >rep &&
	report totals | jq -c "$NUM" >got &&
	jq -c "{compound: .compound.code, events: .totals.events, entries: .totals.in,
		exits: .totals.out, admit: .totals.admit, deny: .totals.deny,
		refer: .totals.refer, fever_persons: .fever.persons,
		fever_readings: .fever.readings, fever_decisions: .fever.decisions}" rep >want &&
	test_cmp want got &&
	report late | jq -c "[.ts, .registered_at, .gate, .dir]" >got &&
	jq -c ".warnings[] | select(.code == \"late_registration\") | .records[] | [.ts, .registered_at, .gate, .dir]" rep >want &&
	test_line_count = 2 want &&
	test_cmp want got
'

stop_clickhouse ch
test_done
