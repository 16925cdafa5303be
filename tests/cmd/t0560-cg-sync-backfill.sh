#!/bin/sh
test_description='cg-sync push: days back-filled behind the cursor are sent, once'
. "${0%/*}/../lib/test-lib.sh"
. "$SRC_DIR/tests/lib/sync-lib.sh"

J=$CG_HOME/journal/checkin
C=$CG_HOME/sync/city

if test_have_prereq PYTHON,JQ; then
	start_upstream up
fi

push() {
	cg-sync push --target city --url "$URL/in" "$@"
}

backlog() {
	cg-sync status city --url "$URL/in" | jq -r .backlog
}

# sent_once: every rid the upstream accepted, each exactly once, equals the
# journals' records.
sent_once() {
	delivered up | sort >got &&
	test "$(uniq -d got | wc -l)" = 0 &&
	for f in "$J"/*.jsonl*; do
		d=$(basename "$f" | cut -c 1-10) &&
		{ gzip -dcf "$f" | jq -r ".seq" | sed "s#^#DEMO-0001/checkin/$d/#"; } || return 1
	done | sort >want &&
	test_cmp want got
}

# add_and_push N WHEN: N check-ins at WHEN are the backlog, and one push
# sends exactly them.
add_and_push() {
	checkins "$1" "$2" &&
	test "$(backlog)" = "$1" &&
	push >out &&
	test "$(jq -r .records out)" = "$1" &&
	sent_once
}

test_expect_success PYTHON,JQ 'setup: two days of check-ins, sent' '
	checkins 3 2026-01-24T10:00:00+08:00 &&
	checkins 2 2026-01-25T10:00:00+08:00 &&
	push --from-start >out &&
	sent_once &&
	test "$(jq -r .checkin.file "$C/cursor.json")" = 2026-01-25 &&
	test "$(jq -r ".checkin.days[\"2026-01-24\"].seq" "$C/cursor.json")" = 3
'

test_expect_success PYTHON,JQ 'a back-fill into a day behind the cursor is counted and sent' '
	add_and_push 2 2026-01-24T23:00:00+08:00 &&
	test "$(jq -c "{file: .checkin.file, seq: .checkin.seq}" "$C/cursor.json")" = "{\"file\":\"2026-01-25\",\"seq\":2}" &&
	test "$(jq -r ".checkin.days[\"2026-01-24\"].seq" "$C/cursor.json")" = 5
'

test_expect_success PYTHON,JQ 'and only once: the next push sends nothing, the cursor holds' '
	cp "$C/cursor.json" before &&
	test "$(backlog)" = 0 &&
	push >out &&
	test_line_count = 0 out &&
	test_cmp before "$C/cursor.json" &&
	sent_once
'

test_expect_success PYTHON,JQ 'a day begun behind the cursor is sent whole' '
	add_and_push 4 2026-01-20T09:00:00+08:00 &&
	test "$(backlog)" = 0
'

test_expect_success PYTHON,JQ 'a day compressed after it was sent is read again, and nothing repeated' '
	gzip "$J/2026-01-24.jsonl" &&
	test "$(backlog)" = 0 &&
	push >out &&
	test_line_count = 0 out &&
	sent_once
'

test_expect_success PYTHON,JQ 'a back-fill into a compressed day: only the new records' '
	add_and_push 1 2026-01-24T23:30:00+08:00 &&
	test -f "$J/2026-01-24.jsonl"
'

test_expect_success PYTHON,JQ 'back-fills and new days in one push, in small batches' '
	checkins 3 2026-01-24T23:40:00+08:00 &&
	checkins 3 2026-01-26T08:00:00+08:00 &&
	checkins 2 2026-01-20T23:00:00+08:00 &&
	test "$(backlog)" = 8 &&
	push --batch-records 2 >out &&
	test "$(jq -s "map(.records) | add" out)" = 8 &&
	sent_once &&
	test "$(jq -r .checkin.file "$C/cursor.json")" = 2026-01-26 &&
	test "$(backlog)" = 0
'

test_expect_success PYTHON,JQ 'a register of yesterday typed today: in today'"'"'s journal, sent once, registered_at kept' '
	printf "%s\n" "{\"ts\":\"2026-01-25T21:00:00+08:00\",\"gate\":\"north\",\"dir\":\"in\",\"kind\":\"resident\",\"name\":\"李四\",\"household\":\"2-1-101\",\"temp\":36.5,\"mask\":true}" |
		cg-checkin --now 2026-01-26T08:30:00+08:00 >rec &&
	test "$(jq -r .registered_at rec)" = 2026-01-26T08:30:00+08:00 &&
	test "$(grep -c "\"ts\":\"2026-01-25T21:00:00+08:00\".*\"registered_at\"" "$J/2026-01-26.jsonl")" = 1 &&
	test "$(backlog)" = 1 &&
	push >out &&
	test "$(jq -r .records out)" = 1 &&
	sent_once &&
	test "$(backlog)" = 0 &&
	push >out &&
	test_line_count = 0 out &&
	sent_once
'

test_expect_success PYTHON,JQ 'a register ten days late: counted on its day by the report, sent once' '
	printf "%s\n" "{\"ts\":\"2026-01-16T09:00:00+08:00\",\"gate\":\"north\",\"dir\":\"in\",\"kind\":\"resident\",\"name\":\"王五\",\"household\":\"2-1-102\",\"temp\":36.5,\"mask\":true}" |
		cg-checkin --now 2026-01-26T08:40:00+08:00 >rec &&
	test "$(jq -r .registered_at rec)" = 2026-01-26T08:40:00+08:00 &&
	cg-report --date 2026-01-16 --now 2026-01-26T08:45:00+08:00 >report &&
	test "$(jq -r .totals.events report)" = 1 &&
	test -d "$CG_HOME/index/lookthrough" &&
	test "$(backlog)" = 1 &&
	push >out &&
	test "$(jq -r .records out)" = 1 &&
	sent_once &&
	push >out &&
	test_line_count = 0 out &&
	sent_once
'

test_expect_success PYTHON,JQ 'a cursor from before "days" goes on as it did' '
	jq -c "del(.checkin.days)" "$C/cursor.json" >old &&
	cp old "$C/cursor.json" &&
	add_and_push 1 2026-01-26T09:00:00+08:00
'

test_expect_success PYTHON,JQ 'a cursor whose "days" is damaged is refused, nothing sent' '
	jq -c ".checkin.days = {\"2026-01-24\": {\"seq\": \"x\"}}" "$C/cursor.json" >bad &&
	cp bad "$C/cursor.json" &&
	n=$(wc -l <"$TRASH/up/requests.jsonl") &&
	test_expect_code 3 push 2>err &&
	grep -q "corrupt" err &&
	test "$(wc -l <"$TRASH/up/requests.jsonl")" = "$n"
'

test_done
