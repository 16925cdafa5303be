#!/bin/sh
test_description='cg-quarantine due and release: read from the case index, the same as a fold of the journal'
. "${0%/*}/../lib/test-lib.sh"

D1=2026-01-25
D2=2026-01-26
DB=$CG_HOME/index/quarantine.db
JQ=$CG_HOME/journal/quarantine.jsonl

# sql STATEMENT: run it on the case index, print the rows.
sql() {
	python3 "$SRC_DIR/tests/lib/sql.py" "$DB" "$1"
}

# fold_home: a data directory with the same journal where the index cannot
# be made ("index" is a file), so that cg-quarantine folds the journal.
fold_home() {
	rm -rf fold &&
	mkdir -p fold/journal &&
	chmod -R 700 fold &&
	: >fold/index &&
	cp "$JQ" fold/journal/
}

# same NOW SUBCOMMAND [OPTION...]: what SUBCOMMAND prints from the index
# is what it prints from a fold; leaves the output in index.out.
same() {
	sm_now=$1
	shift
	fold_home &&
	cg-quarantine "$@" --home fold --now "$sm_now" >fold.out &&
	test -f fold/index &&
	cg-quarantine "$@" --now "$sm_now" >index.out &&
	test_cmp fold.out index.out
}

# The writers keep the index current (see t0326); it is removed after
# them so that due builds it.
test_expect_success 'setup: cases with checks, a need, an escalation, a closed case' '
	for n in 甲 乙 丙 丁 戊; do
		echo "{\"name\":\"$n\",\"household\":\"1-1-10$n\",\"reason\":\"close_contact\",\"officer\":\"王五\"}"
	done | sed "s/10甲/101/; s/10乙/102/; s/10丙/103/; s/10丁/104/; s/10戊/105/" |
		cg-quarantine open --now ${D1}T05:00:00+08:00 >opened &&
	test "$(wc -l <opened)" = 5 &&
	printf "%s\n" \
		"{\"case_id\":\"Q260125-001\",\"temp\":36.4,\"ts\":\"${D1}T07:00:00+08:00\"}" \
		"{\"case_id\":\"Q260125-001\",\"temp\":36.5,\"ts\":\"${D1}T17:00:00+08:00\"}" \
		"{\"case_id\":\"Q260125-002\",\"temp\":36.6,\"ts\":\"${D1}T07:10:00+08:00\"}" \
		"{\"case_id\":\"Q260125-003\",\"temp\":38.6,\"ts\":\"${D1}T07:20:00+08:00\"}" |
		cg-quarantine check --now ${D1}T18:00:00+08:00 >/dev/null &&
	echo "{\"case_id\":\"Q260125-002\",\"need\":\"groceries\"}" |
		cg-quarantine need --now ${D1}T18:05:00+08:00 >/dev/null &&
	echo "{\"case_id\":\"Q260125-004\",\"reason\":\"cancelled\"}" |
		cg-quarantine close --now ${D1}T18:10:00+08:00 >/dev/null &&
	test "$(jq -r .event "$JQ" | sort | uniq -c | tr -s " " | tr "\n" ";")" = \
		" 1 alert; 4 check; 1 close; 1 escalate; 1 need; 5 open;" &&
	test -f "$DB" &&
	test "$(sql "SELECT seq FROM meta")" = "$(wc -l <"$JQ")" &&
	rm -f "$DB" "$DB-wal" "$DB-shm"
'

test_expect_success 'due builds the index and prints what a fold prints' '
	same ${D1}T20:30:00+08:00 due &&
	test "$(wc -l <index.out)" = 4 &&
	test -f "$DB" &&
	test "$(sql "SELECT seq FROM meta")" = "$(wc -l <"$JQ")" &&
	test "$(sql "SELECT case_id, length(checks) FROM qcase WHERE checks IS NOT NULL ORDER BY ord")" = \
		"$(printf "Q260125-001|34\nQ260125-002|17\nQ260125-003|17")" &&
	test "$(jq -c "[.case_id, .status, .windows_done, .missed, (.needs_open | map(.need))]" index.out)" = \
		"$(printf "%s\n" "[\"Q260125-001\",\"open\",[\"06:00-10:00\",\"16:00-20:00\"],0,[]]" \
			"[\"Q260125-002\",\"open\",[\"06:00-10:00\"],1,[\"groceries\"]]" \
			"[\"Q260125-003\",\"escalated\",[\"06:00-10:00\"],1,[]]" \
			"[\"Q260125-005\",\"open\",[],2,[]]")"
'

# Planted first in opening order: ord 0, and rowid 0 (due reads the rows in
# rowid order, which is opening order; see sql_load in rules/caseindex.c).
test_expect_success 'a case only the index holds is listed: due reads the index, not the journal' '
	sql "INSERT INTO qcase(rowid, case_id, ord, status, rec, brief) VALUES (0, '\''Q260101-999'\'', 0, '\''open'\'',
		'\''{}'\'', '\''{\"case_id\":\"Q260101-999\",\"name\":\"planted\",\"start\":\"$D1\",\"end\":\"$D2\"}'\'')" &&
	cg-quarantine due --now ${D1}T20:30:00+08:00 >planted.out &&
	test "$(jq -r .case_id planted.out | head -n 1)" = Q260101-999 &&
	test "$(wc -l <planted.out)" = 5
'

test_expect_success 'what another writer appends is folded from the tail, the rest kept' '
	seq=$(wc -l <"$JQ") &&
	echo "{\"event\":\"check\",\"case_id\":\"Q260125-005\",\"ts\":\"${D1}T17:30:00+08:00\",\"temp\":36.2,\"by\":\"x\",\"day\":1,\"window\":\"16:00-20:00\",\"result\":\"ok\"}" |
		journal_append quarantine >/dev/null &&
	cg-quarantine due --now ${D1}T20:30:00+08:00 >tail.out &&
	test "$(jq -c "select(.case_id == \"Q260125-005\") | .windows_done" tail.out)" = "[\"16:00-20:00\"]" &&
	test "$(jq -r .case_id tail.out | head -n 1)" = Q260101-999 &&
	test "$(sql "SELECT seq FROM meta")" = $((seq + 1)) &&
	sql "DELETE FROM qcase WHERE case_id = '\''Q260101-999'\''" &&
	same ${D1}T20:30:00+08:00 due
'

test_expect_success 'a void and an amend take checks out, as the fold does' '
	cg-quarantine void --now ${D1}T20:40:00+08:00 --reason "not measured" --by x 6 >/dev/null &&
	cg-quarantine amend --now ${D1}T20:41:00+08:00 --set temp=38.9 --reason typo --by x 8 >amended &&
	test "$(jq -r .event amended | sort | tr "\n" " ")" = "alert check escalate " &&
	same ${D1}T20:45:00+08:00 due &&
	test "$(jq -c "select(.case_id == \"Q260125-001\") | [.windows_done, .missed_windows]" index.out)" = \
		"[[\"16:00-20:00\"],[\"$D1 06:00-10:00\"]]" &&
	test "$(sql "SELECT length(checks) FROM qcase WHERE case_id = '\''Q260125-001'\''")" = 17 &&
	test "$(sql "SELECT length(checks) FROM qcase WHERE case_id = '\''Q260125-002'\''")" = 17 &&
	test "$(jq -r "select(.case_id == \"Q260125-002\") | .status" index.out)" = escalated
'

test_expect_success 'a need done leaves the due list; an extension moves the end' '
	echo "{\"need_id\":\"Q260125-002-N1\",\"done\":true}" |
		cg-quarantine need --now ${D1}T20:50:00+08:00 >/dev/null &&
	test "$(jq -r .event "$JQ" | grep -c need_done)" = 1 &&
	echo "{\"case_id\":\"Q260125-005\",\"add_days\":3}" |
		cg-quarantine extend --now ${D1}T20:55:00+08:00 >/dev/null &&
	same ${D2}T12:00:00+08:00 due &&
	test "$(jq -c "select(.case_id == \"Q260125-002\") | .needs_open" index.out)" = "[]" &&
	test "$(jq -r "select(.case_id == \"Q260125-005\") | .end" index.out)" = 2026-02-10
'

test_expect_success 'release and release --explain: the same as a fold, journaled the same' '
	printf "%s\n" \
		"{\"case_id\":\"Q260125-001\",\"temp\":36.4,\"ts\":\"2026-02-07T07:00:00+08:00\"}" \
		"{\"case_id\":\"Q260125-001\",\"temp\":36.5,\"ts\":\"2026-02-07T17:00:00+08:00\"}" |
		cg-quarantine check --now 2026-02-07T18:00:00+08:00 >/dev/null &&
	same 2026-02-08T09:00:00+08:00 release --explain &&
	test "$(jq -r .case_id index.out | tr "\n" " ")" = "Q260125-002 Q260125-003 " &&
	same 2026-02-08T09:00:00+08:00 release &&
	test "$(jq -r .case_id index.out)" = Q260125-001 &&
	test "$(tail -n 1 "$JQ" | jq -r "[.event, .case_id] | @tsv")" = "$(printf "release\tQ260125-001")" &&
	tail -n 1 fold/journal/quarantine.jsonl | jq -c "del(.chain)" >fold.rel &&
	tail -n 1 "$JQ" | jq -c "del(.chain)" >index.rel &&
	test_cmp fold.rel index.rel &&
	same 2026-02-08T09:00:00+08:00 due &&
	test "$(jq -r .case_id index.out | tr "\n" " ")" = "Q260125-002 Q260125-003 Q260125-005 "
'

test_expect_success 'a damaged index is built again; due prints the same' '
	cg-quarantine due --now ${D2}T12:00:00+08:00 >expect &&
	rm -f "$DB-wal" "$DB-shm" &&
	head -c 5000 /dev/urandom >"$DB" &&
	cg-quarantine due --now ${D2}T12:00:00+08:00 >actual &&
	test_cmp expect actual &&
	test "$(head -c 15 "$DB")" = "SQLite format 3"
'

test_expect_success 'no case journal: cg-pass verify opens no case index; a case opened later is seen' '
	mkdir -p bare &&
	chmod 700 bare &&
	echo "{\"name\":\"张三\",\"id_no\":\"110101199003074514\",\"household\":\"3-2-501\"}" |
		cg-pass issue --home bare --now ${D1}T05:00:00+08:00 >pass &&
	jq -r .pass_id pass | cg-pass verify --home bare --now ${D1}T06:00:00+08:00 >v &&
	test "$(jq -r .reason v)" = ok &&
	test -f bare/index/pass.db &&
	test ! -e bare/index/quarantine.db &&
	echo "{\"name\":\"张三\",\"id_no\":\"110101199003074514\",\"household\":\"3-2-501\",\"reason\":\"close_contact\"}" |
		cg-quarantine open --home bare --now ${D1}T07:00:00+08:00 >/dev/null &&
	jq -r .pass_id pass | cg-pass verify --home bare --now ${D1}T08:00:00+08:00 >v &&
	test "$(jq -r .reason v)" = holder_quarantined &&
	test -f bare/index/quarantine.db
'

test_done
