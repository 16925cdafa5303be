#!/bin/sh
test_description='cg-checkin: the day index (verified point, readings) follows the journal'
. "${0%/*}/../lib/test-lib.sh"

R='"gate":"north","kind":"resident","name":"张三","id_no":"110101199003074514","household":"3-2-501"'
J=$CG_HOME/journal/checkin
DB=$CG_HOME/index/checkin.db

sql() {
	python3 "$SRC_DIR/tests/lib/sql.py" "$DB" "$1"
}

# ev TIME TEMP: one resident coming in at TIME (local, 2026-01-25 unless
# TIME is a full time) with temperature TEMP.
ev() {
	case $1 in
	*T*) t=$1 ;;
	*) t=2026-01-25T$1:00+08:00 ;;
	esac
	printf '{%s,"ts":"%s","dir":"in","temp":%s,"mask":true}\n' "$R" "$t" "$2"
}

decision() {
	jq -r '.decision + " " + (.reasons | join(","))' "$1"
}

test_expect_success 'setup: a wait of 10 minutes; the point follows each run' '
	write_config "{\"policy\":{\"remeasure_wait_min\":10}}" &&
	{ ev 08:00 36.5; ev 08:01 36.6; ev 08:02 36.7; } | cg-checkin --now "$NOW" >out &&
	test "$(sql "SELECT day, seq, end FROM point")" = "2026-01-25|3|$(wc -c <"$J/2026-01-25.jsonl")" &&
	test "$(stat -c %a "$DB")" = 600
'

test_expect_success 'a held reading of an earlier run decides the re-measurement' '
	ev 09:00 37.6 | cg-checkin --now "$NOW" >out &&
	test "$(decision out)" = "refer remeasure" &&
	test "$(sql "SELECT held, temp FROM reading")" = "1|37.6" &&
	ev 09:05 37.5 | cg-checkin --now "$NOW" >out &&
	test "$(decision out)" = "deny fever" &&
	ev 09:06 37.8 | cg-checkin --now "$NOW" >out &&
	test "$(decision out)" = "refer remeasure"
'

test_expect_success 'the index deleted: the day is read again, nothing is lost' '
	rm -rf "$CG_HOME/index" &&
	ev 09:10 37.4 | cg-checkin --now "$NOW" >out &&
	test "$(decision out)" = "deny fever" &&
	test "$(sql "SELECT seq FROM point")" = 7
'

test_expect_success 'lines another writer appended are verified and their readings found' '
	ev 10:00 37.9 | cg-checkin --dry-run --now "$NOW" | CG_NOW=$NOW journal_append checkin >/dev/null &&
	test "$(sql "SELECT seq FROM point")" = 7 &&
	ev 10:04 37.5 | cg-checkin --now "$NOW" >out &&
	test "$(decision out)" = "deny fever" &&
	test "$(jq -r .seq out)" = 9 &&
	test "$(sql "SELECT seq FROM point")" = 9
'

test_expect_success 'damage in what was appended since the point: exit 6, nothing appended' '
	cp "$J/2026-01-25.jsonl" saved &&
	ev 10:20 36.5 | cg-checkin --dry-run --now "$NOW" | CG_NOW=$NOW journal_append checkin >/dev/null &&
	sed -i "\$s/36.5/39.5/" "$J/2026-01-25.jsonl" &&
	cp "$J/2026-01-25.jsonl" damaged &&
	ev 10:30 36.5 | test_expect_code 6 cg-checkin --now "$NOW" >out 2>err &&
	grep -q "2026-01-25.jsonl:10: journal damaged: chain mismatch" err &&
	test_cmp damaged "$J/2026-01-25.jsonl" &&
	cp saved "$J/2026-01-25.jsonl"
'

test_expect_success 'an edit in place before the point: found, nothing sealed over it' '
	ev 10:31 36.5 | cg-checkin --now "$NOW" >/dev/null &&
	cp "$J/2026-01-25.jsonl" saved &&
	python3 -c "
import sys
p = sys.argv[1]
b = bytearray(open(p, \"rb\").read())
i = b.index(b\"36.6\")
b[i:i + 4] = b\"39.6\"
open(p, \"r+b\").write(bytes(b))
" "$J/2026-01-25.jsonl" &&
	ev 10:32 36.5 | test_expect_code 6 cg-checkin --now "$NOW" >out 2>err &&
	grep -q "2026-01-25.jsonl:2: journal damaged: chain mismatch" err &&
	cp saved "$J/2026-01-25.jsonl"
'

test_expect_success 'a journal shorter than the point: read again, appends go on from its end' '
	head -n 3 saved >"$J/2026-01-25.jsonl" &&
	ev 10:40 36.5 | cg-checkin --now "$NOW" >out &&
	test "$(jq -r .seq out)" = 4 &&
	test "$(sql "SELECT seq FROM point")" = 4 &&
	cg-checkin --verify 2026-01-25 >v &&
	test "$(jq -r .records v)" = 4
'

test_expect_success 'after midnight the wait reaches into yesterday, with or without the index' '
	ev 2026-01-25T23:58:00+08:00 37.7 | cg-checkin --now 2026-01-25T23:58:00+08:00 >out &&
	test "$(decision out)" = "refer remeasure" &&
	ev 2026-01-26T00:03:00+08:00 37.6 | cg-checkin --now 2026-01-26T00:03:00+08:00 >out &&
	test "$(decision out)" = "deny fever" &&
	rm -rf "$CG_HOME/index" &&
	ev 2026-01-26T00:05:00+08:00 37.6 | cg-checkin --dry-run --now 2026-01-26T00:05:00+08:00 >out &&
	test "$(decision out)" = "refer remeasure" &&
	rm -rf "$CG_HOME/index" "$J/2026-01-26.jsonl" &&
	ev 2026-01-26T00:05:00+08:00 37.6 | cg-checkin --now 2026-01-26T00:05:00+08:00 >out &&
	test "$(decision out)" = "deny fever"
'

test_expect_success 'another schema version: rebuilt' '
	sql "INSERT INTO reading(key, ord, at, temp, held) VALUES (\"planted\", 0, 0, 0, 0)" &&
	sql "PRAGMA user_version = 3" &&
	ev 2026-01-26T08:00:00+08:00 36.5 | cg-checkin --now 2026-01-26T08:00:00+08:00 >out &&
	test "$(sql "PRAGMA user_version")" = 2003 &&
	test "$(sql "SELECT count(*) FROM reading WHERE key = \"planted\"")" = 0
'

test_expect_success 'four writers at once, five rounds: every line once, the chain whole, the point at the end' '
	n0=$(wc -l <"$J/2026-01-26.jsonl") &&
	for round in 1 2 3 4 5; do
		for r in 1 2 3 4; do
			{ for i in 1 2 3 4 5 6 7 8 9 10; do ev 2026-01-26T09:0$r:00+08:00 36.$i; done |
			  cg-checkin --line-buffered --now 2026-01-26T09:30:00+08:00 >w.$round.$r 2>e.$round.$r
			  echo $? >c.$round.$r; } &
		done
		wait
		for r in 1 2 3 4; do
			test "$(cat c.$round.$r)" = 0 && ! test -s e.$round.$r &&
			test_line_count = 10 w.$round.$r || return 1
		done
	done &&
	test "$(wc -l <"$J/2026-01-26.jsonl")" = $((n0 + 200)) &&
	cat w.* | jq -r .seq | sort -n | uniq | wc -l >n && test "$(cat n)" = 200 &&
	cg-checkin --verify 2026-01-26 >v &&
	ev 2026-01-26T10:00:00+08:00 36.5 | cg-checkin --now 2026-01-26T10:00:00+08:00 >out &&
	test "$(jq -r .seq out)" = $((n0 + 201)) &&
	test "$(sql "SELECT seq, end FROM point WHERE day = \"2026-01-26\"")" = "$((n0 + 201))|$(wc -c <"$J/2026-01-26.jsonl")"
'

test_done
