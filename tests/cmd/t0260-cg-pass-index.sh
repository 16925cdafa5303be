#!/bin/sh
test_description='cg-pass, cg-checkin: the pass index is derived, checked at open, rebuilt when it must be'
. "${0%/*}/../lib/test-lib.sh"

P1='{"name":"张三","id_no":"110101199003074514","household":"3-2-501"}'
P2='{"name":"李四","phone":"13812348000","household":"3-2-502"}'
P3='{"name":"王五","id_no":"310104198506151237","household":"1-1-101"}'
P4='{"name":"赵六","id_no":"110101199001011237","household":"1-1-102"}'
DB=$CG_HOME/index/pass.db

# sql STATEMENT: run it on the pass index, print the rows.
sql() {
	python3 "$SRC_DIR/tests/lib/sql.py" "$DB" "$1"
}

# A row no journal line makes: it survives a fold of the tail and is gone
# after a rebuild.
plant() {
	sql "INSERT INTO pass(id, ord, rec) VALUES ('PLANTED', 0, '{}')"
}
planted() {
	test "$(sql "SELECT count(*) FROM pass WHERE id = 'PLANTED'")" = 1
}

# The list as the journal alone says it.
expect_list() {
	cg-pass list --now "$NOW" >actual &&
	test_cmp expect actual
}

test_expect_success 'setup: three passes; the index is made, 0600, covering the journal' '
	printf "%s\n" "$P1" "$P2" "$P3" | cg-pass issue --now "$NOW" >passes &&
	jq -r .pass_id passes >ids &&
	test -f "$DB" &&
	test "$(stat -c %a "$DB")" = 600 &&
	test "$(stat -c %a "$CG_HOME/index")" = 700 &&
	test "$(sql "SELECT seq FROM meta")" = 3 &&
	test "$(sql "SELECT end FROM meta")" = "$(wc -c <"$CG_HOME/journal/pass.jsonl")" &&
	test "$(sql "SELECT count(*) FROM pass")" = 3 &&
	cg-pass list --now "$NOW" >expect &&
	test "$(wc -l <expect)" = 3
'

test_expect_success 'lookups by id, token, holder and plate come from the index' '
	{ cat ids; jq -r .token passes; } | cg-pass verify --now "$NOW" >v &&
	test "$(jq -r .reason v | sort -u)" = ok &&
	printf "%s\n" "$P1" | cg-pass issue --now "$NOW" >again &&
	test "$(jq -r .existing again)" = true &&
	test "$(jq -r .pass_id again)" = "$(sed -n 1p ids)" &&
	test "$(wc -l <"$CG_HOME/journal/pass.jsonl")" = 3 &&
	echo "{\"gate\":\"north\",\"dir\":\"in\",\"kind\":\"resident\",\"pass\":\"$(sed -n 2p ids)\",\"temp\":36.5,\"mask\":true}" |
	cg-checkin --dry-run --now "$NOW" >d &&
	test "$(jq -r .decision d)" = admit
'

test_expect_success 'deleted: rebuilt from the journal, nothing lost' '
	rm -rf "$CG_HOME/index" &&
	expect_list &&
	test "$(sql "SELECT seq FROM meta")" = 3
'

test_expect_success 'garbage in place of the index: rebuilt' '
	rm -f "$DB-wal" "$DB-shm" &&
	head -c 10000 /dev/urandom >"$DB" &&
	expect_list &&
	test "$(head -c 15 "$DB")" = "SQLite format 3" &&
	test "$(sql "SELECT count(*) FROM pass")" = 3
'

test_expect_success 'a truncated index: rebuilt' '
	rm -f "$DB-wal" "$DB-shm" &&
	truncate -s 1500 "$DB" &&
	expect_list &&
	test "$(sql "SELECT count(*) FROM pass")" = 3
'

test_expect_success 'an empty index file: rebuilt' '
	rm -f "$DB-wal" "$DB-shm" &&
	: >"$DB" &&
	expect_list &&
	test "$(sql "SELECT count(*) FROM pass")" = 3
'

test_expect_success 'another schema version: rebuilt' '
	plant &&
	sql "PRAGMA user_version = 7" &&
	expect_list &&
	test "$(sql "PRAGMA user_version")" = 2001 &&
	test_must_fail planted
'

test_expect_success 'stale: a pass appended by another writer is folded from the tail' '
	plant &&
	printf "%s\n" "$P4" | cg-pass issue --now "$NOW" --dry-run >p4 &&
	jq -c "del(.existing)" p4 | journal_append pass >/dev/null &&
	test "$(sql "SELECT seq FROM meta")" = 3 &&
	jq -r .pass_id p4 | cg-pass verify --now "$NOW" >v &&
	test "$(jq -r .reason v)" = ok &&
	planted &&
	test "$(sql "SELECT seq FROM meta")" = 4 &&
	sql "DELETE FROM pass WHERE id = '\''PLANTED'\''" &&
	cg-pass list --now "$NOW" >expect &&
	test "$(wc -l <expect)" = 4
'

test_expect_success 'a revoke appended by another writer is seen' '
	id=$(sed -n 3p ids) &&
	echo "{\"event\":\"revoke\",\"pass_id\":\"$id\",\"reason\":\"moved\"}" | journal_append pass >/dev/null &&
	echo "$id" | cg-pass verify --now "$NOW" >v &&
	test "$(jq -r .reason v)" = revoked &&
	cg-pass list --now "$NOW" --revoked >r &&
	test "$(jq -r .pass_id r)" = "$id"
'

test_expect_success 'the journal shorter than the index: rebuilt from what is left' '
	cp "$CG_HOME/journal/pass.jsonl" full.jsonl &&
	plant &&
	head -n 2 full.jsonl >"$CG_HOME/journal/pass.jsonl" &&
	cg-pass list --now "$NOW" >actual &&
	test "$(wc -l <actual)" = 2 &&
	test_must_fail planted &&
	test "$(sql "SELECT seq FROM meta")" = 2 &&
	sed -n 3p ids | cg-pass verify --now "$NOW" >v &&
	test "$(jq -r .reason v)" = unknown &&
	cp full.jsonl "$CG_HOME/journal/pass.jsonl"
'

test_expect_success 'a journal replaced by another of as many lines: the chain disagrees, rebuilt' '
	cg-pass list --now "$NOW" >actual &&
	test "$(sql "SELECT seq FROM meta")" = 5 &&
	plant &&
	mkdir other &&
	printf "%s\n" "$P4" "$P3" "$P2" "$P1" |
	CG_HOME=$TRASH/other/home cg-pass issue --now "$NOW" >/dev/null &&
	echo "{\"event\":\"revoke\",\"pass_id\":\"X\"}" |
	CG_HOME=$TRASH/other/home journal_append pass >/dev/null &&
	CG_HOME=$TRASH/other/home cg-pass list --now "$NOW" >expect &&
	cp other/home/journal/pass.jsonl "$CG_HOME/journal/pass.jsonl" &&
	expect_list &&
	test_must_fail planted &&
	cp full.jsonl "$CG_HOME/journal/pass.jsonl" &&
	cg-pass list --now "$NOW" >actual &&
	test "$(wc -l <actual)" = 4
'

test_expect_success 'damage in the tail being folded: exit 6, the index left as it was' '
	plant &&
	{ echo "{}"; sed -n 1p full.jsonl; } >>"$CG_HOME/journal/pass.jsonl" &&
	test_expect_code 6 cg-pass list --now "$NOW" 2>err &&
	grep "journal/pass.jsonl:6: journal damaged" err &&
	test_expect_code 6 cg-checkin --dry-run --now "$NOW" </dev/null 2>err &&
	grep "journal/pass.jsonl:6: journal damaged" err &&
	planted &&
	test "$(sql "SELECT seq FROM meta")" = 5 &&
	cp full.jsonl "$CG_HOME/journal/pass.jsonl" &&
	sql "DELETE FROM pass WHERE id = '\''PLANTED'\''"
'

test_expect_success 'four processes opening a stale index at once fold it once, all answer' '
	rm -rf "$CG_HOME/index" &&
	cat ids >q &&
	for r in 1 2 3 4; do
		{ cg-pass verify --now "$NOW" <q >v.$r 2>e.$r; echo $? >c.$r; } &
	done &&
	wait &&
	for r in 1 2 3 4; do
		test "$(cat c.$r)" = 0 && ! test -s e.$r &&
		test "$(jq -r .reason v.$r | tr "\n" " ")" = "ok ok revoked " || return 1
	done &&
	test "$(sql "SELECT count(*) FROM pass")" = 4 &&
	test "$(sql "SELECT seq FROM meta")" = 5
'

# More passes than a process keeps once read from the index: the kept
# ones are let go between batches (and between a gate's events), and
# every lookup after that reads the index again.
test_expect_success 'more passes looked up than are kept: 9000 tokens, twice in one run, all ok' '
	awk "BEGIN { for (i = 0; i < 9000; i++) printf \"{\\\"name\\\":\\\"居民%d\\\",\\\"phone\\\":\\\"138%08d\\\",\\\"household\\\":\\\"9-%d-%d\\\"}\\n\", i, i, 1 + i % 9, 101 + i % 97 }" >many &&
	cg-pass issue --now "$NOW" <many >many.passes &&
	test "$(jq -r .pass_id many.passes | sort -u | wc -l)" = 9000 &&
	jq -r .token many.passes >many.tokens &&
	cat many.tokens many.tokens | cg-pass verify --now "$NOW" >many.v &&
	test "$(wc -l <many.v)" = 18000 &&
	test "$(jq -r .reason many.v | sort -u)" = ok &&
	jq -c "{gate: \"north\", dir: \"in\", kind: \"resident\", pass: .token, temp: 36.5, mask: true}" many.passes >many.events &&
	cg-checkin --dry-run --now "$NOW" <many.events >many.d &&
	test "$(jq -r .decision many.d | sort | uniq -c | tr -s " ")" = " 9000 admit"
'

test_done
