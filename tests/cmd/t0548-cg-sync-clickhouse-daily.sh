#!/bin/sh
# build-independent: the SQL of the 日报 against cg-report; cg-sync and cg-report run under the sanitizers in t0500-t0570 and t04*
test_description='ClickHouse: the whole 日报 from the tables (share/clickhouse/daily-report) equals cg-report figure by figure'
. "${0%/*}/../lib/test-lib.sh"
. "$SRC_DIR/tests/lib/clickhouse-lib.sh"

P=$((20000 + ($$ + 13000) % 20000))

if test_have_prereq CLICKHOUSE && start_clickhouse ch "$P"; then
	CHOK=CLICKHOUSE
else
	echo "# clickhouse-server did not start; skipping"
	CHOK=NO_CLICKHOUSE
fi
CHURL=http://127.0.0.1:$P/
DAY=2026-01-25
NOW=${DAY}T20:30:00+08:00
F=$SRC_DIR/tests/fixtures/report

# compound HOME CODE STREET: a day of tests/fixtures/report/day.jsonl
# (fevers, denials, visitors in and out), passes issued before and on the
# day and one revoked, cases opened before and on the day with a check
# outside any window and an alert, needs of their households (one
# delivered), a guard on duty at north 07:50-12:00,
# and a check-in voided.
compound() {
	mkdir -p "$1" &&
	cat >"$1/config.json" <<-EOF &&
	{"compound": {"code": "$2", "tz": "Asia/Shanghai", "street": "$3", "district": "NJ"},
	 "gates": ["north", "south"], "policy": {"duty_hours": ["08:00", "20:00"]}}
	EOF
	echo "{\"name\":\"孙八\",\"household\":\"1-1-101\"}" |
		cg-pass issue --home "$1" --now 2026-01-20T09:00:00+08:00 --days 3 --class visitor >/dev/null &&
	printf "%s\n" "{\"name\":\"张三\",\"id_no\":\"110101199003074514\",\"household\":\"3-2-501\"}" \
		"{\"name\":\"赵一\",\"phone\":\"13812340001\",\"household\":\"3-2-503\"}" |
		cg-pass issue --home "$1" --now 2026-01-24T09:00:00+08:00 --days 365 >/dev/null &&
	printf "%s\n" "{\"name\":\"李四\",\"phone\":\"13812348000\",\"household\":\"3-2-502\"}" \
		"{\"name\":\"钱二\",\"phone\":\"13812340002\",\"household\":\"3-2-504\",\"class\":\"tenant\"}" |
		cg-pass issue --home "$1" --now ${DAY}T09:00:00+08:00 --days 365 >/dev/null &&
	cg-pass list --home "$1" --now ${DAY}T10:00:00+08:00 | jq -r "select(.household == \"3-2-503\") | .pass_id" |
		cg-pass revoke --home "$1" --now ${DAY}T10:00:00+08:00 --reason moved >/dev/null &&
	echo "{\"name\":\"蒋乙\",\"phone\":\"13811110001\",\"household\":\"7-1-102\"}" |
		cg-quarantine open --home "$1" --now 2026-01-15T09:00:00+08:00 --reason close_contact >/dev/null &&
	printf "%s\n" "{\"name\":\"沈丙\",\"phone\":\"13811112222\",\"household\":\"7-1-103\"}" \
		"{\"name\":\"韩丁\",\"phone\":\"13811113333\",\"household\":\"7-1-104\"}" |
		cg-quarantine open --home "$1" --now ${DAY}T09:00:00+08:00 --reason risk_area_return >/dev/null &&
	printf "%s\n" "{\"phone\":\"13811110001\",\"temp\":36.6}" "{\"phone\":\"13811112222\",\"temp\":37.9}" |
		cg-quarantine check --home "$1" --now ${DAY}T10:00:00+08:00 >/dev/null &&
	printf "%s\n" "{\"case_id\":\"Q260115-001\",\"need\":\"supplies\",\"ts\":\"2026-01-24T09:00:00+08:00\"}" \
		"{\"case_id\":\"Q260115-001\",\"need\":\"garbage\",\"ts\":\"${DAY}T09:00:00+08:00\"}" \
		"{\"case_id\":\"Q260125-001\",\"need\":\"medicine\",\"ts\":\"${DAY}T11:00:00+08:00\"}" |
		cg-quarantine need --home "$1" --now ${DAY}T11:00:00+08:00 >/dev/null &&
	cg-duty done --home "$1" --need Q260115-001-N2 --at ${DAY}T10:00:00+08:00 --now $NOW >/dev/null &&
	cg-duty on --home "$1" --guard g --gate north --at ${DAY}T07:50:00+08:00 --now $NOW >/dev/null &&
	cg-duty off --home "$1" --guard g --at ${DAY}T12:00:00+08:00 --now $NOW >/dev/null &&
	jq -c "select(.ts) | select(.ts | startswith(\"$DAY\")) | del(.decision, .reasons, .compound)" "$F/day.jsonl" |
		cg-checkin --home "$1" --now $NOW >/dev/null &&
	cg-checkin --home "$1" --now $NOW --void $DAY/2 --reason twice --by g >/dev/null
}

# daily ARGS: share/clickhouse/daily-report for the day, at the tests' clock.
daily() {
	sh "$SRC_DIR/share/clickhouse/daily-report" -H 08:00-20:00 -n "$DAY 20:30:00" "$@" "$CHURL" $DAY
}

# The figures both reports have, one per line (path and value), the gates
# of config.json that saw nothing (and their duty gaps) and the lists'
# persons aside: ClickHouse has neither.
FIGURES='del(.gates.east, .hours.east) | {totals, kinds, reasons,
	gates: (.gates | map_values(del(.longest_gap_min, .longest_gap_from, .longest_gap_to))),
	hours, temperatures, fever,
	fevers: [.fevers[] | {ts, gate, dir, kind, temp, decision, reasons}],
	denials: [.denials[] | {ts, gate, dir, kind, temp, decision, reasons}],
	visitors: (.visitors | {count, refused, out, inside}),
	cases: (.cases | {open, opened, escalated, released, closed, extended, checks, alerts}),
	passes, duty: (.duty | {gates, needs, staff_fevers}),
	corrections: [.corrections[] | {rid, action, replaces, original, reason, by, at}]} |
	paths(scalars) as $p | [$p, getpath($p)] | tojson'

test_expect_success $CHOK 'setup: two compounds of two streets pushed, merges stopped, every batch twice' '
	ch_schema "$P" "$SRC_DIR/share/clickhouse/schema.sql" &&
	echo "SYSTEM STOP MERGES" | chq "$P" &&
	compound h1 NJ-GL-0001 NJ-GL && compound h2 NJ-XW-0002 NJ-XW &&
	for h in h1 h2; do
		for t in once twice; do
			cg-sync push --home $h --redact --target $t --format clickhouse --url "$CHURL" \
				--from-start --batch-records 10 >out-$h-$t &&
			test "$(jq -r .result out-$h-$t | sort -u)" = sent || return 1
		done &&
		cg-report --home $h --now $NOW --date $DAY >rep-$h.json || return 1
	done &&
	echo "SELECT count() FROM cg_quarantine WHERE event = '"'"'check'"'"' AND window = '"'"''"'"'" |
		chq "$P" >n &&
	test "$(cat n)" = 8
'

test_expect_success $CHOK 'one line per compound, in cg-report'"'"'s shape, code order' '
	daily >all &&
	test_line_count = 2 all &&
	jq -r ".compound.code" all >got &&
	printf "NJ-GL-0001\nNJ-XW-0002\n" >want && test_cmp want got &&
	jq -r "[.merged, .date, .since, .until, (.generator | startswith(\"cg-report\")), .masked] | @tsv" all | sort -u >got &&
	printf "false\t$DAY\t$DAY\t$DAY\ttrue\ttrue\n" >want && test_cmp want got &&
	jq -c "keys_unsorted" all | sort -u >got &&
	echo "[\"merged\",\"compound\",\"date\",\"since\",\"until\",\"generated_at\",\"generator\",\"masked\",\"policy\",\"totals\",\"kinds\",\"reasons\",\"gates\",\"hours\",\"temperatures\",\"fever\",\"fevers\",\"denials\",\"visitors\",\"cases\",\"passes\",\"duty\",\"corrections\",\"journals\",\"warnings\"]" >want &&
	test_cmp want got
'

test_expect_success $CHOK 'every figure equals cg-report'"'"'s, the zero rows too' '
	daily -c NJ-GL-0001 >one &&
	test_line_count = 1 one &&
	jq -r "$FIGURES" rep-h1.json >want &&
	jq -r "$FIGURES" one >got &&
	test_cmp want got &&
	test "$(wc -l <want)" -gt 250 &&
	grep -F "[[\"reasons\",\"symptoms\"],0]" got &&
	grep -F "[[\"passes\",\"active\",\"resident\"],2]" got &&
	grep -F "[[\"cases\",\"escalated\"],1]" got &&
	grep -F "[[\"visitors\",\"inside\"],2]" got &&
	grep -F "[[\"duty\",\"gates\",\"north\",\"staffed_min\"],240]" got &&
	grep -F "[[\"duty\",\"needs\",\"open\"],2]" got &&
	grep -F "[[\"duty\",\"needs\",\"delivered\"],1]" got &&
	grep -F "[[\"totals\",\"events\"],14]" got &&
	grep -F "[[\"corrections\",0,\"action\"],\"void\"]" got &&
	# The entries of the lists as cg-report has them: no household or
	# temp when the check-in had none (daily-report drops them from the
	# rows of lists.sql), the persons (name, ID number, phone, plate) aside.
	KEYS="[.fevers[], .denials[] | keys_unsorted - [\"name\", \"id_no\", \"phone\", \"plate\"]]" &&
	jq -c "$KEYS" rep-h1.json >want &&
	jq -c "$KEYS" one >got &&
	test_cmp want got &&
	grep -F "[\"ts\",\"gate\",\"dir\",\"kind\",\"decision\",\"reasons\"]" got &&
	grep -F "[\"ts\",\"gate\",\"dir\",\"kind\",\"temp\",\"decision\",\"reasons\"]" got
'

test_expect_success $CHOK 'a street: -s; cg-report --merge of it equals the merge of the compounds'"'"' own' '
	daily -s NJ-XW >street &&
	test "$(jq -r .compound.code street)" = NJ-XW-0002 &&
	daily | cg-report --merge --now $NOW >merged-sql &&
	cat rep-h1.json rep-h2.json | cg-report --merge --now $NOW >merged-own &&
	jq -r "$FIGURES" merged-own | grep -v "\"gates\"\|\"hours\"" >want &&
	jq -r "$FIGURES" merged-sql | grep -v "\"gates\"\|\"hours\"" >got &&
	test_cmp want got &&
	daily | cg-report --merge --format html --now $NOW >city.html &&
	grep -q "NJ-XW-0002" city.html
'

test_expect_success $CHOK 'a day before any row: no line; bad arguments: exit 2' '
	sh "$SRC_DIR/share/clickhouse/daily-report" "$CHURL" 2026-01-01 >empty &&
	test_line_count = 0 empty &&
	test_expect_code 2 sh "$SRC_DIR/share/clickhouse/daily-report" "$CHURL" 25.1.2026 2>err &&
	grep "DATE wants YYYY-MM-DD" err &&
	test_expect_code 2 sh "$SRC_DIR/share/clickhouse/daily-report" -H 8-20 "$CHURL" $DAY 2>err &&
	grep "HH:MM-HH:MM" err &&
	test_expect_code 1 sh "$SRC_DIR/share/clickhouse/daily-report" http://127.0.0.1:1/ $DAY 2>err &&
	grep "report/day.sql failed" err
'

# day.sql counts the rows of a compound with no row twice as they are
# and folds only its corrected events; the others it folds whole.  Both
# ways give cg-report's figures (and both ways of daily-report: run at
# once with no compound twice, and run again told the list): h3 pushed once (no copy, one void), then
# every batch again (folded); two check-ins amended, one to a fever.
test_expect_success $CHOK 'a compound with no row twice (counted unfolded) and then twice (folded): cg-report'"'"'s figures' '
	compound h3 NJ-GL-0003 NJ-GL &&
	cg-checkin --home h3 --now $NOW --amend $DAY/3 --set temp=38.2 --reason typo --by g >/dev/null &&
	cg-checkin --home h3 --now $NOW --amend $DAY/4 --set gate=south --reason typo --by g >/dev/null &&
	cg-sync push --home h3 --redact --target once --format clickhouse --url "$CHURL" \
		--from-start --batch-records 10 >out-h3 &&
	cg-report --home h3 --now $NOW --date $DAY >rep-h3.json &&
	echo "SELECT count() = uniqExact(rid) FROM cg_checkin WHERE compound = '"'"'NJ-GL-0003'"'"'" |
		chq "$P" >n && test "$(cat n)" = 1 &&
	jq -r "$FIGURES" rep-h3.json >want &&
	daily -c NJ-GL-0003 >once && jq -r "$FIGURES" once >got &&
	test_cmp want got &&
	test "$(jq ".fevers + .denials | length" once)" -gt 0 &&
	grep -F "[[\"corrections\",0,\"action\"],\"void\"]" got &&
	grep -F "[[\"corrections\",2,\"action\"],\"amend\"]" got &&
	grep -F "[[\"totals\",\"events\"],14]" got &&
	cg-sync push --home h3 --redact --target twice --format clickhouse --url "$CHURL" \
		--from-start --batch-records 7 >out-h3 &&
	daily -c NJ-GL-0003 >twice && jq -r "$FIGURES" twice >got &&
	test_cmp want got
'

# A day that one part holds has no row twice, and daily-report does not
# ask which compounds have (report/one_part.sql says 1): h3 pushed in one
# batch into database op (one INSERT, one part), then again (two parts,
# every row twice: 0, and the question folds them).  cg-report's figures
# both ways; the Distributed tables' answer (0) is in t0546.
test_expect_success $CHOK 'one part: the question of rows twice not asked, and the same figures' '
	echo "CREATE DATABASE op" | chq "$P" &&
	CH_DB=op ch_schema "$P" "$SRC_DIR/share/clickhouse/schema.sql" &&
	onepart() {
		grep -v "^--" "$SRC_DIR/share/clickhouse/report/one_part.sql" | CH_DB=op chq "$P"
	} &&
	onepart >n && test "$(cat n)" = 1 &&
	jq -r "$FIGURES" rep-h3.json >want &&
	for t in op1 op2; do
		cg-sync push --home h3 --redact --target $t --format clickhouse \
			--url "${CHURL}?database=op" --from-start --batch-records 100000 >out-op &&
		test "$(jq -r .result out-op | sort -u)" = sent &&
		sh "$SRC_DIR/share/clickhouse/daily-report" -H 08:00-20:00 -n "$DAY 20:30:00" \
			-c NJ-GL-0003 "${CHURL}?database=op" $DAY >op-$t &&
		jq -r "$FIGURES" op-$t >got &&
		test_cmp want got &&
		onepart >n-$t || return 1
	done &&
	test "$(cat n-op1)" = 1 && test "$(cat n-op2)" = 0
'

# persons.sql's figures (one read; an uncorrected event of a
# compound with no row twice taken as it is; the ways in less those
# matched) against the plain folds of visitors.sql and totals.sql, on
# generated visitors sharing ID numbers, phones and names (so that exits
# match ways in, some by several keys), a few fevers, in database vt:
# as inserted, and with the first 1000 rows inserted again (folded).
test_expect_success $CHOK 'persons.sql'"'"'s visitors and fever persons equal visitors.sql'"'"'s and totals.sql'"'"'s' '
	echo "CREATE DATABASE vt" | chq "$P" &&
	CH_DB=vt ch_schema "$P" "$SRC_DIR/share/clickhouse/schema.sql" &&
	echo "SYSTEM STOP MERGES" | chq "$P" &&
	awk "BEGIN { x = 7; for (c = 1; c <= 3; c++) for (s = 1; s <= 600; s++) {
		x = (x * 1103515245 + 12345) % 2147483648; r = int(x / 65536)
		k = (r % 5) ? \"visitor\" : \"resident\"; d = (r % 3) ? \"in\" : \"out\"
		dec = (r % 7 == 0) ? \"deny\" : ((r % 11 == 0) ? \"refer\" : \"admit\")
		i = (r % 4) ? \"i\" (r % 23) : \"\"; p = (r % 5 > 1) ? \"p\" (r % 19) : \"\"
		n = (r % 6) ? \"n\" (r % 17) : \"\"; t = (r % 9 == 0) ? \"37.9\" : ((r % 4) ? \"36.5\" : \"null\")
		printf \"{\\\"rid\\\":\\\"VT-%d/checkin/2026-01-25/%d\\\",\\\"compound\\\":\\\"VT-%d\\\",\", c, s, c
		printf \"\\\"day\\\":\\\"2026-01-25\\\",\\\"ts\\\":\\\"2026-01-25T%02d:%02d:00+08:00\\\",\", 6 + r % 14, r % 60
		printf \"\\\"gate\\\":\\\"g\\\",\\\"dir\\\":\\\"%s\\\",\\\"kind\\\":\\\"%s\\\",\\\"decision\\\":\\\"%s\\\",\", d, k, dec
		printf \"\\\"id_no\\\":\\\"%s\\\",\\\"phone\\\":\\\"%s\\\",\\\"name\\\":\\\"%s\\\",\", i, p, n
		printf \"\\\"household\\\":\\\"1-1\\\",\\\"temp\\\":%s,\\\"reasons\\\":[],\\\"seq\\\":%d}\\n\", t, s } }" >vt.jsonl &&
	for copy in once twice; do
		if test $copy = once; then cat vt.jsonl; else head -n 1000 vt.jsonl; fi |
			curl -sS -f --data-binary @- "${CHURL}?database=vt&query=INSERT%20INTO%20cg_checkin%20FORMAT%20JSONEachRow" &&
		for q in persons visitors totals; do
			grep -v "^--" "$SRC_DIR/share/clickhouse/report/$q.sql" |
				sed -e "s/ AND compound IN ('"'"'DEMO-0001'"'"')//" | CH_DB=vt chq "$P" >vt-$q || return 1
		done &&
		jq -c "[.compound, .count, .refused, .out, .inside]" vt-visitors >want &&
		jq -c "[.compound, .v_count, .v_refused, .v_out, .v_inside]" vt-persons >got &&
		test_cmp want got &&
		jq -c "[.compound, .fever_persons, .fever_readings] | map(tostring)" vt-totals >want &&
		jq -c "[.compound, .fever_persons, .fever_readings] | map(tostring)" vt-persons >got &&
		test_cmp want got || return 1
	done &&
	test_line_count = 3 got &&
	jq -r "select((.v_inside | tonumber) < (.v_count | tonumber) and (.v_inside | tonumber) > 0)
		| .compound" vt-persons >some &&
	test_line_count = 3 some
'

stop_clickhouse ch
test_done
