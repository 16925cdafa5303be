#!/bin/sh
test_description='cg-report: the journals entries carry the signed checkpoint and its consistency proof'
. "${0%/*}/../lib/test-lib.sh"
. "$SRC_DIR/tests/fixtures/report/lib.sh"

GOOD='{"gate":"north","dir":"in","kind":"staff","temp":36.5,"mask":true}'
DAYJ=journal/checkin/2026-01-25.jsonl

events() {
	awk -v n="$1" -v g="$GOOD" 'BEGIN { for (i = 0; i < n; i++) print g }'
}

# entry FILTER: of the check-in day's journals entry of the last report.
entry() {
	jq -r ".journals[] | select(.journal == \"$DAYJ\") | $1" report.json
}

test_expect_success JQ 'a journal never signed has no checkpoint in the report' '
	events 5 | cg-checkin --now "$NOW" >/dev/null &&
	cg_report --date 2026-01-25 --format json >report.json &&
	test "$(entry .checkpoint)" = null
'

test_expect_success JQ 'after a checkpoint: its note, size and root; no consistency for the first' '
	cg-journal checkpoint 2026-01-25 >one.jsonl &&
	cg_report --date 2026-01-25 --format json >report.json &&
	test "$(entry .checkpoint.note)" = "$(jq -r .checkpoint one.jsonl)" &&
	test "$(entry .checkpoint.size)" = 5 &&
	test "$(entry .checkpoint.root)" = "$(jq -r .root one.jsonl)" &&
	test "$(entry .checkpoint.origin)" = DEMO-0001/checkin/2026-01-25 &&
	test "$(entry .checkpoint.consistency)" = null
'

test_expect_success JQ 'after appends and a second checkpoint: the proof from the first' '
	events 3 | cg-checkin --now "$NOW" >/dev/null &&
	cg-journal checkpoint 2026-01-25 >two.jsonl &&
	cg_report --date 2026-01-25 --format json >report.json &&
	test "$(entry .checkpoint.size)" = 8 &&
	test "$(entry .checkpoint.consistency.old)" = 5 &&
	entry ".checkpoint.consistency.proof[]" >got &&
	cg-journal consistency --from one.jsonl | sed -n "2,/^\$/p" | sed "/^\$/d" >want &&
	test_cmp want got
'

test_expect_success PYNACL,JQ 'the report is enough for a street to check the compound, independently' '
	cg-journal key export >log.vkey &&
	jq -r .checkpoint one.jsonl >old.note && truncate -s -1 old.note &&
	{ echo "old $(entry .checkpoint.consistency.old)" &&
	  entry ".checkpoint.consistency.proof[]" && echo &&
	  entry .checkpoint.note | head -c -1; } >body &&
	"$(nacl_python)" "$SRC_DIR/tests/lib/tlog-check.py" consistency log.vkey old.note body >out &&
	echo "ok 5 8" >want && test_cmp want out
'

test_reports_valid

test_done
