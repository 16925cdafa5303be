#!/bin/sh
test_description='cg-quarantine open, check, escalate, need, show, list, stats, ...: answered from the case index, the same as a fold of the journal'
. "${0%/*}/../lib/test-lib.sh"

D1=2026-01-25
D2=2026-01-26

# Two data directories fed the same runs: idx, where cg-quarantine uses
# the case index, and fold, where it cannot make one ("index" is a file)
# and folds the journal.  What each run prints, its exit status, its
# messages and the journal it leaves must be the same in both.
test_expect_success 'setup: two data directories, one without an index' '
	mkdir -p idx fold &&
	chmod 700 idx fold &&
	: >fold/index
'

# both NOW SUBCOMMAND [ARG...] <INPUT: the run in both; its output left in
# idx.out.
both() {
	both_now=$1
	shift
	cat >both.in &&
	{ cg-quarantine "$@" --home idx --now "$both_now" <both.in >idx.out 2>idx.err
	  echo $? >idx.rc; } &&
	{ cg-quarantine "$@" --home fold --now "$both_now" <both.in >fold.out 2>fold.err
	  echo $? >fold.rc; } &&
	sed "s/--home [a-z]* //" idx.err >idx.msg &&
	sed "s/--home [a-z]* //" fold.err >fold.msg &&
	test_cmp fold.rc idx.rc &&
	test_cmp fold.out idx.out &&
	test_cmp fold.msg idx.msg &&
	if test -f fold/journal/quarantine.jsonl; then
		cmp fold/journal/quarantine.jsonl idx/journal/quarantine.jsonl
	fi &&
	test -f fold/index
}

# sql STATEMENT: run it on idx's case index, print the rows.
sql() {
	python3 "$SRC_DIR/tests/lib/sql.py" idx/index/quarantine.db "$1"
}

P1='"name":"张三","id_no":"110101199003074514","household":"3-2-501"'
P2='"name":"李四","phone":"13800138000","household":"3-2-502"'
P3='"name":"王五","household":"5-1-101"'
P4='"name":"赵六","id_no":"11010519491231002X","phone":"13900139000","household":"7-3-702"'

test_expect_success 'open: new cases, a person already open, a dry run' '
	printf "%s\n" "{$P1,\"reason\":\"close_contact\",\"officer\":\"网格员1\"}" \
		"{$P2,\"reason\":\"risk_area_return\",\"from\":\"武汉市\",\"officer\":\"网格员2\"}" \
		"{$P3,\"reason\":\"other\",\"days\":21}" \
		"{$P1,\"reason\":\"close_contact\"}" |
		both ${D1}T08:00:00+08:00 open &&
	test "$(jq -r .case_id idx.out | tr "\n" " ")" = "Q260125-001 Q260125-002 Q260125-003 Q260125-001 " &&
	echo "{$P4,\"reason\":\"other\"}" | both ${D1}T08:10:00+08:00 open -n &&
	echo "{$P4,\"reason\":\"close_contact\",\"officer\":\"网格员1\"}" |
		both ${D1}T08:20:00+08:00 open &&
	test "$(jq -r .case_id idx.out)" = Q260125-004
'

test_expect_success 'the writer keeps the index current, under its lock' '
	test "$(sql "SELECT seq FROM meta")" = "$(wc -l <idx/journal/quarantine.jsonl)" &&
	test "$(sql "SELECT count(*) FROM qcase")" = 4
'

test_expect_success 'check: by case id, id_no, phone; a fever escalates; refusals' '
	printf "%s\n" \
		"{\"case_id\":\"Q260125-001\",\"temp\":36.4,\"ts\":\"${D1}T09:00:00+08:00\",\"by\":\"甲\"}" \
		"{\"id_no\":\"110101199003074514\",\"temp\":36.5,\"ts\":\"${D1}T17:00:00+08:00\"}" \
		"{\"phone\":\"13800138000\",\"temp\":36.6,\"ts\":\"${D1}T09:10:00+08:00\"}" \
		"{\"name\":\"王五\",\"household\":\"5-1-101\",\"temp\":38.2,\"ts\":\"${D1}T09:20:00+08:00\"}" \
		"{\"case_id\":\"Q260125-001\",\"temp\":36.4,\"ts\":\"${D1}T09:00:00+08:00\"}" \
		"{\"case_id\":\"Q260125-009\",\"temp\":36.4}" \
		"{\"id_no\":\"110101199003074514\",\"name\":\"别人\",\"temp\":36.4}" \
		"{\"case_id\":\"Q260125-002\",\"temp\":36.3,\"ts\":\"${D1}T12:00:00+08:00\"}" \
		"{\"case_id\":\"Q260125-004\",\"temp\":36.3,\"ts\":\"${D1}T01:00:00+08:00\"}" |
		both ${D1}T18:00:00+08:00 check &&
	test "$(cat idx.rc)" = 1 &&
	test "$(jq -r .event idx.out | sort | uniq -c | tr -s " " | tr "\n" ";")" = \
		" 1 alert; 7 check; 1 escalate;"
'

test_expect_success 'escalate, close, extend, need and need done; refusals' '
	printf "%s\n" "{\"case_id\":\"Q260125-002\",\"reason\":\"contact confirmed\"}" \
		"{\"case_id\":\"Q260125-003\"}" |
		both ${D1}T18:10:00+08:00 escalate &&
	test "$(cat idx.rc)" = 1 &&
	printf "%s\n" "{\"case_id\":\"Q260125-001\",\"need\":\"groceries\"}" \
		"{\"id_no\":\"110101199003074514\",\"need\":\"garbage\"}" |
		both ${D1}T18:20:00+08:00 need &&
	printf "%s\n" "{\"need_id\":\"Q260125-001-N2\",\"done\":true}" \
		"{\"need_id\":\"Q260125-001-N2\",\"done\":true}" \
		"{\"need_id\":\"Q260125-001-N9\",\"done\":true}" |
		both ${D1}T18:30:00+08:00 need &&
	echo "{\"case_id\":\"Q260125-004\",\"add_days\":3}" | both ${D1}T18:40:00+08:00 extend &&
	echo "{\"case_id\":\"Q260125-003\",\"reason\":\"hospital\"}" | both ${D1}T18:50:00+08:00 close &&
	echo "{\"case_id\":\"Q260125-003\",\"reason\":\"hospital\"}" | both ${D1}T18:51:00+08:00 close &&
	test "$(cat idx.rc)" = 1
'

test_expect_success 'a person whose case ended: a check says so; a new open is a new case' '
	echo "{\"name\":\"王五\",\"household\":\"5-1-101\",\"temp\":36.5}" |
		both ${D1}T19:00:00+08:00 check &&
	grep -q "Q260125-003" idx.err &&
	echo "{$P3,\"reason\":\"other\"}" | both ${D2}T08:00:00+08:00 open &&
	test "$(jq -r .case_id idx.out)" = Q260126-001 &&
	echo "{\"name\":\"王五\",\"household\":\"5-1-101\",\"temp\":36.5}" |
		both ${D2}T09:00:00+08:00 check &&
	test "$(jq -r .case_id idx.out)" = Q260126-001
'

test_expect_success 're-exposure extends an open case' '
	echo "{$P1,\"reason\":\"close_contact\",\"start\":\"$D2\"}" | both ${D2}T09:30:00+08:00 open &&
	test "$(jq -r .event idx.out)" = extend
'

test_expect_success 'void and amend a check' '
	seq=$(grep -n "\"event\":\"check\"" idx/journal/quarantine.jsonl | head -n 1 | cut -d: -f1) &&
	both ${D2}T10:00:00+08:00 void --reason "not measured" --by x $seq </dev/null &&
	seq=$(grep -n "\"event\":\"check\"" idx/journal/quarantine.jsonl | sed -n 3p | cut -d: -f1) &&
	both ${D2}T10:01:00+08:00 amend --set temp=38.9 --reason typo --by x $seq </dev/null &&
	test "$(jq -r .event idx.out | sort | tr "\n" " ")" = "alert check " &&
	both ${D2}T10:02:00+08:00 void --reason again --by x $seq </dev/null &&
	test "$(cat idx.rc)" = 1
'

test_expect_success 'show: cases with their history; an unknown one' '
	both ${D2}T12:00:00+08:00 show Q260125-001 Q260125-002 Q260125-003 Q260126-001 </dev/null &&
	test_line_count = 4 idx.out &&
	both ${D2}T12:00:00+08:00 show Q260125-004 Q260125-099 Q260125-004 </dev/null &&
	test "$(cat idx.rc)" = 1 &&
	both ${D2}T12:00:00+08:00 show --format text Q260125-001 </dev/null
'

test_expect_success 'list: every case, by status, officer, household; as text' '
	both ${D2}T12:00:00+08:00 list </dev/null &&
	test_line_count = 5 idx.out &&
	for st in closed active; do
		both ${D2}T12:00:00+08:00 list --status $st </dev/null || return 1
	done &&
	both ${D2}T12:00:00+08:00 list --officer 网格员1 </dev/null &&
	test_line_count = 2 idx.out &&
	both ${D2}T12:00:00+08:00 list --household 5-1-101 </dev/null &&
	test_line_count = 2 idx.out &&
	both ${D2}T12:00:00+08:00 list --format text </dev/null
'

test_expect_success 'stats: a day, a range, as text' '
	both ${D2}T12:00:00+08:00 stats --date $D1 </dev/null &&
	both ${D2}T12:00:00+08:00 stats --since 2026-01-20 </dev/null &&
	test_line_count = 7 idx.out &&
	both ${D2}T12:00:00+08:00 stats --since $D1 --until $D2 --format text </dev/null
'

test_expect_success 'lookups read the index: a case only the index holds is found' '
	sql "INSERT INTO qcase(case_id, ord, status, k_phone, rec, brief, lines) VALUES (
		'\''Q260101-999'\'', 0, '\''open'\'', '\''phone:13700137000'\'',
		'\''{\"ts\":\"2026-01-01T08:00:00+08:00\",\"case_id\":\"Q260101-999\",\"name\":\"planted\",\"phone\":\"13700137000\",\"start\":\"2026-01-01\",\"end\":\"2026-01-30\",\"status\":\"open\"}'\'',
		'\''{}'\'', '\''0'\'')" &&
	cg-quarantine list --home idx --now ${D2}T12:00:00+08:00 >out &&
	test "$(jq -r .case_id out | tail -n 1)" = Q260101-999 &&
	echo "{\"case_id\":\"Q260101-999\"}" |
		cg-quarantine escalate -n --home idx --now ${D2}T12:00:00+08:00 >out &&
	test "$(jq -r .event out)" = escalate &&
	echo "{\"phone\":\"13700137000\",\"name\":\"planted\",\"temp\":36.5}" |
		cg-quarantine check -n --home idx --now ${D2}T12:00:00+08:00 >out &&
	test "$(jq -r .case_id out)" = Q260101-999 &&
	sql "DELETE FROM qcase WHERE case_id = '\''Q260101-999'\''"
'

# show reads the lines the index points at; lines not where it says are
# no case of the journal: the journal is folded instead, with a warning.
test_expect_success 'show: a case whose lines are not where the index says' '
	cg-quarantine show --home fold --now ${D2}T12:00:00+08:00 Q260125-001 Q260125-002 >expect &&
	sql "UPDATE qcase SET lines = '\''0 1'\'' WHERE case_id = '\''Q260125-002'\''" &&
	cg-quarantine show --home idx --now ${D2}T12:00:00+08:00 Q260125-001 Q260125-002 >actual 2>err &&
	test_cmp expect actual &&
	grep -q "warning: .*index/quarantine.db.*reading the journal instead" err &&
	rm -f idx/index/quarantine.db idx/index/quarantine.db-wal idx/index/quarantine.db-shm
'

test_expect_success 'a missing index is built again by a writer; the same results' '
	rm -f idx/index/quarantine.db idx/index/quarantine.db-wal idx/index/quarantine.db-shm &&
	echo "{\"case_id\":\"Q260125-001\",\"temp\":36.5,\"ts\":\"${D2}T17:00:00+08:00\"}" |
		both ${D2}T18:00:00+08:00 check &&
	test "$(sql "SELECT seq FROM meta")" = "$(wc -l <idx/journal/quarantine.jsonl)" &&
	both ${D2}T18:00:00+08:00 show Q260125-001 </dev/null
'

test_expect_success 'a stale index (another writer appended) folds the tail' '
	line="{\"event\":\"check\",\"case_id\":\"Q260125-002\",\"ts\":\"${D2}T17:30:00+08:00\",\"temp\":36.2,\"by\":\"x\",\"day\":2,\"window\":\"16:00-20:00\",\"result\":\"ok\"}" &&
	echo "$line" | CG_HOME=idx journal_append quarantine >/dev/null &&
	echo "$line" | CG_HOME=fold journal_append quarantine >/dev/null &&
	both ${D2}T18:00:00+08:00 show Q260125-002 </dev/null &&
	test "$(jq -r .check_count idx.out)" = 3 &&
	echo "{\"case_id\":\"Q260125-002\",\"temp\":36.5,\"ts\":\"${D2}T17:30:00+08:00\"}" |
		both ${D2}T18:00:00+08:00 check &&
	test "$(cat idx.rc)" = 1 &&
	both ${D2}T18:00:00+08:00 list </dev/null
'

test_expect_success 'a damaged index is built again; the same results' '
	rm -f idx/index/quarantine.db-wal idx/index/quarantine.db-shm &&
	head -c 5000 /dev/urandom >idx/index/quarantine.db &&
	both ${D2}T18:00:00+08:00 stats --since $D1 </dev/null &&
	test "$(head -c 15 idx/index/quarantine.db)" = "SQLite format 3" &&
	echo "{$P2,\"reason\":\"risk_area_return\"}" | both ${D2}T18:10:00+08:00 open &&
	test "$(jq -r .existing idx.out)" = true
'

test_expect_success 'a rewritten journal: the index is built again from it' '
	head -n 8 idx/journal/quarantine.jsonl >short &&
	cp short idx/journal/quarantine.jsonl &&
	cp short fold/journal/quarantine.jsonl &&
	both ${D2}T18:00:00+08:00 list </dev/null &&
	test_line_count = 4 idx.out &&
	echo "{\"case_id\":\"Q260125-004\",\"temp\":36.5,\"ts\":\"${D2}T17:00:00+08:00\"}" |
		both ${D2}T18:00:00+08:00 check &&
	both ${D2}T18:00:00+08:00 show Q260125-004 </dev/null
'

# Four writers at once, each checking its own cases and opening one; the
# run lock makes them take turns, the index follows every one.
test_expect_success 'writers at once: exact counts, the index as the fold' '
	for w in 1 2 3 4; do
		for i in 1 2 3 4 5; do
			echo "{\"name\":\"并发$w-$i\",\"household\":\"9-$w-10$i\",\"reason\":\"other\"}"
		done >open$w.in || return 1
	done &&
	for w in 1 2 3 4; do
		cg-quarantine open --home idx --now ${D2}T19:00:00+08:00 open$w.in >open$w.out &
	done &&
	wait &&
	test "$(cat open1.out open2.out open3.out open4.out | jq -r .case_id | sort -u | wc -l)" = 20 &&
	for w in 1 2 3 4; do
		jq -c "{case_id, temp: 36.5}" open$w.out >check$w.in || return 1
	done &&
	checks=$(grep -c "\"event\":\"check\"" idx/journal/quarantine.jsonl) &&
	for w in 1 2 3 4; do
		cg-quarantine check --home idx --now ${D2}T19:30:00+08:00 check$w.in >check$w.out &
	done &&
	wait &&
	test "$(cat check1.out check2.out check3.out check4.out | wc -l)" = 20 &&
	test "$(grep -c "\"event\":\"check\"" idx/journal/quarantine.jsonl)" = $((checks + 20)) &&
	test "$(sql "SELECT seq FROM meta")" = "$(wc -l <idx/journal/quarantine.jsonl)" &&
	cp idx/journal/quarantine.jsonl fold/journal/ &&
	both ${D2}T20:00:00+08:00 list </dev/null &&
	test_line_count = 24 idx.out &&
	both ${D2}T20:00:00+08:00 stats </dev/null
'

test_done
