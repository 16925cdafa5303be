#!/bin/sh
test_description='cg-quarantine: options, usage errors, the journal, locking, the EXAMPLES of cg-quarantine.1'
. "${0%/*}/../lib/test-lib.sh"

T=2026-01-25T09:00:00+08:00
OPEN1='{"name":"甲","household":"1-1-101","reason":"other"}'

test_expect_success '--help lists every subcommand and exits 0; SUB --help is that of SUB' '
	cg-quarantine --help >out 2>err &&
	test_must_fail test -s err &&
	for s in open check escalate close extend need due release list show; do
		grep -q "^  $s  " out || return 1
		grep -q "^ *\(Usage\|or\): cg-quarantine $s " out || return 1
	done &&
	cg-quarantine due --help >out2 &&
	grep -q "^Usage: cg-quarantine due " out2 &&
	test_must_fail grep -q "^ *or: " out2 &&
	grep -q -- "--date DATE" out2 &&
	test_must_fail grep -q -- "--officer" out2
'

test_expect_success '--version' '
	cg-quarantine --version >out &&
	grep -q "^cg-quarantine (cg) " out
'

test_expect_success 'usage errors: no or unknown subcommand, bad options (exit 2, a hint)' '
	test_expect_code 2 cg-quarantine >out 2>err &&
	grep -q "^cg-quarantine: missing subcommand" err &&
	grep -q "^Try .cg-quarantine --help. for more information.$" err &&
	test_expect_code 2 cg-quarantine frobnicate 2>err &&
	grep -q "^cg-quarantine: unknown subcommand .frobnicate." err &&
	test_expect_code 2 cg-quarantine due --bogus 2>err &&
	test_expect_code 2 cg-quarantine due --date 2026-02-30 2>err &&
	grep -q "invalid date .2026-02-30. for --date (YYYY-MM-DD)" err &&
	test_expect_code 2 cg-quarantine open --days 0 2>err &&
	grep -q "invalid number of days .0. for --days" err &&
	test_expect_code 2 cg-quarantine extend --days +x 2>err &&
	test_expect_code 2 cg-quarantine extend --days 366 2>err &&
	test_expect_code 2 cg-quarantine open --days +3 2>err &&
	grep -q -- "--days +N goes with .extend. only" err &&
	test_expect_code 2 cg-quarantine list --status sleeping 2>err &&
	grep -q "unknown status .sleeping. for --status" err &&
	test_expect_code 2 cg-quarantine list --household 501 2>err &&
	grep -q "invalid household .501. for --household" err &&
	test_expect_code 2 cg-quarantine due --now yesterday 2>err &&
	grep -q "invalid time .yesterday." err &&
	CG_NOW=yesterday test_expect_code 2 cg-quarantine due 2>err &&
	test_expect_code 2 cg-quarantine due extra 2>err &&
	grep -q "^cg-quarantine: .due. takes no operands" err &&
	test_expect_code 2 cg-quarantine show 2>err &&
	grep -q "^cg-quarantine: .show. needs at least one CASE_ID" err &&
	test_must_fail test -e "$CG_HOME/journal"
'

test_expect_success 'an option that does not go with the subcommand is a usage error' '
	for bad in "due --reason x" "open --date 2026-01-25" "list --strict" \
		"show --dry-run Q1" "due --explain" "check --days 3" "list --rejects r" \
		"open --status open" "release --officer 王五" "due --household 1-1-101" \
		"check --no-final-day-check" "due -n"; do
		test_expect_code 2 cg-quarantine $bad >out 2>err || return 1
		grep -q "does not go with" err || return 1
		test_must_fail test -s out || return 1
	done
'

test_expect_success 'options go before or after the subcommand; CG_NOW fixes the clock' '
	echo "$OPEN1" | cg-quarantine --now "$T" -n open >a &&
	echo "$OPEN1" | cg-quarantine open -n --now "$T" >b &&
	test_cmp a b &&
	echo "$OPEN1" | CG_NOW="$T" cg-quarantine open -n >c &&
	test_cmp a c &&
	test "$(field ts a)" = "$T"
'

test_expect_success '-v: a summary on standard error' '
	printf "%s\n" "$OPEN1" "$OPEN1" "bad" | test_expect_code 1 cg-quarantine open -v --now "$T" >out 2>err &&
	grep -q "^cg-quarantine: 2 accepted (1 already open), 1 rejected$" err &&
	echo "{\"case_id\":\"Q260125-001\",\"temp\":38}" | cg-quarantine check -v -n --now "$T" >out 2>err &&
	grep -q "^cg-quarantine: 1 accepted (1 alerts), 0 rejected$" err &&
	echo "{\"case_id\":\"Q260125-001\",\"need\":\"garbage\"}" | cg-quarantine need -v -n --now "$T" >out 2>err &&
	grep -q "^cg-quarantine: 1 accepted, 0 rejected$" err &&
	cg-quarantine list -v >out 2>err &&
	grep -q "^cg-quarantine: 1 cases$" err
'

test_expect_success PYTHON 'over a pipe each record is answered before the next is sent' '
	cat >dialog.py <<-\EOF &&
	import select, subprocess, sys
	p = subprocess.Popen(sys.argv[1:], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
	for i in range(3):
	    p.stdin.write(b"{\"name\":\"D%d\",\"household\":\"9-9-%d\",\"reason\":\"other\"}\n" % (i, i))
	    p.stdin.flush()
	    r, _, _ = select.select([p.stdout], [], [], 5)
	    if not r or not p.stdout.readline():
	        sys.exit("no answer to line %d" % (i + 1))
	p.stdin.close()
	sys.exit(p.wait())
	EOF
	python3 dialog.py cg-quarantine open --now "$T" &&
	python3 dialog.py cg-quarantine open --dry-run --now "$T"
'

test_expect_success 'runs that change cases take turns; readers do not wait' '
	command -v flock >/dev/null || return 0
	flock "$CG_HOME/journal/.quarantine.run.lock" sleep 2 &
	sleep 0.5 &&
	cg-quarantine list >/dev/null &&
	echo "{\"name\":\"轮\",\"household\":\"8-8-8\",\"reason\":\"other\"}" |
		cg-quarantine open --now "$T" >out 2>err &&
	wait &&
	grep -q "warning: waiting for another cg-quarantine that changes cases to finish" err &&
	test "$(field case_id out)" = Q260125-005 &&
	echo "{\"name\":\"轮\",\"household\":\"8-8-9\",\"reason\":\"other\"}" |
		cg-quarantine open -q --now "$T" >out 2>err &&
	test_must_fail test -s err
'

test_expect_success 'a journal damaged before its last line: exit 6, nothing changed' '
	cp "$CG_HOME/journal/quarantine.jsonl" good &&
	sed "1s/\"甲\"/\"乙\"/" good >"$CG_HOME/journal/quarantine.jsonl" &&
	test_expect_code 6 cg-quarantine due --now "$T" >out 2>err &&
	grep -q "journal/quarantine.jsonl:1: journal damaged" err &&
	echo "$OPEN1" | test_expect_code 6 cg-quarantine open --now "$T" >out 2>err &&
	test_must_fail test -s out &&
	cp good "$CG_HOME/journal/quarantine.jsonl"
'

test_expect_success 'a torn last line is not read, and set aside at the next append' '
	printf "{\"ts\":\"%s\",\"event\":\"close\",\"case_id\":\"Q260125-001\",\"rea" "$T" \
		>>"$CG_HOME/journal/quarantine.jsonl" &&
	cg-quarantine list --status open >out &&
	grep -q "\"case_id\":\"Q260125-001\"" out &&
	echo "{\"name\":\"撕\",\"household\":\"7-7-7\",\"reason\":\"other\"}" |
		cg-quarantine open --now "$T" >out 2>err &&
	grep -q "torn last line" err &&
	test -s "$CG_HOME/journal/quarantine.jsonl.torn" &&
	jq -r .seq "$CG_HOME/journal/quarantine.jsonl" >seqs &&
	seq 1 "$(wc -l <"$CG_HOME/journal/quarantine.jsonl")" >expect &&
	test_cmp expect seqs
'

test_expect_success 'a bad quarantine configuration is a system error (exit 3)' '
	write_config "{\"quarantine\":{\"min_days\":30}}" &&
	test_when_finished "rm -f \"\$CG_HOME/config.json\"" &&
	test_expect_code 3 cg-quarantine due --now "$T" 2>err &&
	grep -q "quarantine.min_days. must not exceed .quarantine.days." err &&
	write_config "{\"quarantine\":{\"check_windows\":[[\"10:00\",\"06:00\"]]}}" &&
	test_expect_code 3 cg-quarantine due --now "$T" 2>err
'

test_expect_success 'a write error on standard output is an error' '
	test -w /dev/full || return 0
	test_expect_code 3 cg-quarantine list >/dev/full 2>err &&
	grep -q "cg-quarantine: " err
'

# The EXAMPLES of cg-quarantine(1): the lines of its literal displays, roff
# escapes removed; those that run cg-quarantine (not crontab lines, not
# mail) are run in turn, in a fresh data directory, a minute apart.
man_examples() {
	awk '
		/^\.Sh / { ex = ($0 ~ /^\.Sh EXAMPLES/); next }
		!ex { next }
		/^\.Bd -literal/ { lit = 1; next }
		/^\.Ed/ { lit = 0; next }
		lit && !/^\.\\"/ { print }
	' "$1" | sed -e 's/\\&//g' -e 's/\\-/-/g' -e "s/\\\\(aq/'/g" \
		-e 's/\\(dq/"/g' -e 's/\\e/\\/g'
}

test_expect_success JQ 'the EXAMPLES of cg-quarantine.1 run' '
	man_examples "$SRC_DIR/share/man/man1/cg-quarantine.1" >examples.all &&
	grep -E "^(echo|cg-quarantine) " examples.all | grep -v "mail " >examples.run &&
	test_line_count -ge 12 examples.run &&
	mkdir -p wrap ex &&
	printf "%s\n" "#!/bin/sh" \
		"\"\$CG_BUILD/bin/cg-quarantine\" \"\$@\"" \
		"st=\$?" \
		"echo \"\$st \$*\" >>\"\$TRASH/ex.status\"" \
		"exit \$st" >wrap/cg-quarantine &&
	chmod +x wrap/cg-quarantine &&
	: >"$TRASH/ex.status" &&
	CG_HOME=$TRASH/exhome && export CG_HOME &&
	k=10 &&
	while IFS= read -r ex
	do
		k=$((k + 1))
		run=$(printf "%s\n" "$ex" | sed "s#<[[:space:]]*[^[:space:]<>|&;]*#</dev/null#g")
		echo "\$ $run"
		(cd ex && CG_NOW=2026-01-25T08:$k:00+08:00 PATH=$TRASH/wrap:$PATH sh -c "$run" </dev/null) ||
			{ echo "=> exit $?"; return 1; }
	done <examples.run &&
	cat "$TRASH/ex.status" &&
	test_must_fail grep -v "^0 " "$TRASH/ex.status" &&
	test "$(wc -l <"$TRASH/ex.status")" -ge 14 &&
	cg-quarantine list >cases &&
	test "$(jq -r "[.case_id, .status, .close_reason, (.days|tostring)] | join(\" \")" cases)" = \
		"Q260125-001 closed transferred 17"
'

test_done
