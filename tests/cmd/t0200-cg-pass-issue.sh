#!/bin/sh
test_description='cg-pass issue, list, revoke, revocations, key'
. "${0%/*}/../lib/test-lib.sh"

P1='{"name":"张三","id_no":"110101199003074514","household":"3-2-501"}'
P2='{"name":"李四","phone":"13812348000","household":"3-2-502"}'
CAR='{"plate":"京A·12345","household":"3-2-501"}'
HOUSE='{"household":"5-1-101"}'

test_expect_success 'issue: one pass per record, journaled as printed' '
	printf "%s\n" "$P1" "$P2" "$CAR" "$HOUSE" | cg-pass issue --now "$NOW" >out &&
	test_line_count = 4 out &&
	cmp out "$CG_HOME/journal/pass.jsonl" &&
	test "$(jq -r .event out | sort -u)" = issue &&
	test "$(jq -r .class out | tr "\n" " ")" = "resident resident vehicle resident " &&
	test "$(jq -r .colour out | tr "\n" " ")" = "pink pink grey pink " &&
	jq -r .pass_id out | grep -c "^[0-9A-HJKMNP-TV-Z]\{4\}-[0-9A-HJKMNP-TV-Z]\{4\}-[0-9A-HJKMNP-TV-Z]$" >n &&
	test "$(cat n)" = 4 &&
	jq -r .token out | grep -c "^CG1:" >n && test "$(cat n)" = 4
'

test_expect_success 'issue: validity runs through the end of the last day of the class' '
	test "$(head -n 1 out | jq -r ".valid_from + \" \" + .valid_until")" = \
		"2026-01-25T08:00:00+08:00 2027-01-25T00:00:00+08:00"
'

test_expect_success 'issue: keys are made on first use, the secret 0600' '
	test "$(stat -c %a "$CG_HOME/keys")" = 700 &&
	k=$(cat "$CG_HOME/keys/current") &&
	test "$(stat -c %a "$CG_HOME/keys/pass-$k.json")" = 600 &&
	test "$(head -n 1 out | jq -r .key_id)" = "$k"
'

test_expect_success 'issue again: the same pass comes back marked existing, nothing journaled' '
	printf "%s\n" "$P1" "$CAR" | cg-pass issue --now 2026-02-01T08:00:00+08:00 >again &&
	test "$(jq -r .existing again | tr "\n" " ")" = "true true " &&
	test "$(jq -r .pass_id again | tr "\n" " ")" = "$(sed -n "1p;3p" out | jq -r .pass_id | tr "\n" " ")" &&
	test "$(wc -l <"$CG_HOME/journal/pass.jsonl")" = 4
'

test_expect_success 'issue twice in one input: the second is the first, marked existing' '
	P3="{\"name\":\"王五\",\"id_no\":\"310104198506151237\"}" &&
	printf "%s\n" "$P3" "$P3" | cg-pass issue --now "$NOW" >twice &&
	test "$(jq -r .pass_id twice | sort -u | wc -l)" = 1 &&
	test "$(jq -r ".existing // false" twice | tr "\n" " ")" = "false true " &&
	test "$(wc -l <"$CG_HOME/journal/pass.jsonl")" = 5
'

test_expect_success 'asked again on a weaker identifier than the pass was issued to: refused, not handed out' '
	P4="{\"name\":\"孙七\",\"id_no\":\"510107200012298761\",\"phone\":\"13700001111\"}" &&
	echo "$P4" | cg-pass issue --now "$NOW" >p4 &&
	before=$(wc -l <"$CG_HOME/journal/pass.jsonl") &&
	echo "{\"name\":\"孙七\",\"phone\":\"13700001111\"}" |
		test_expect_code 1 cg-pass issue --now "$NOW" >weak 2>err &&
	test_line_count = 0 weak &&
	grep -q "stdin:1: a .resident. pass is on file for this person under a stronger identifier" err &&
	test "$(wc -l <"$CG_HOME/journal/pass.jsonl")" = $before &&
	echo "{\"phone\":\"13700001111\",\"id_no\":\"510107200012298761\"}" | cg-pass issue --now "$NOW" >strong &&
	test "$(jq -r ".pass_id + \" \" + (.existing | tostring)" strong)" = "$(jq -r .pass_id p4) true"
'

test_expect_success 'another class for the same person is another pass' '
	echo "$P1" | cg-pass issue --class staff --now "$NOW" >staff &&
	test "$(jq -r ".class + \" \" + (.existing // false | tostring)" staff)" = "staff false"
'

test_expect_success '--class, --days and --valid-until' '
	echo "{\"name\":\"赵六\",\"phone\":\"13900001111\"}" | cg-pass issue --class temporary --days 3 --now "$NOW" >t &&
	test "$(jq -r ".class + \" \" + .colour + \" \" + .valid_until" t)" = "temporary yellow 2026-01-28T00:00:00+08:00" &&
	echo "{\"name\":\"钱七\",\"phone\":\"13900002222\"}" | cg-pass issue --class temporary --valid-until 2026-02-10 --now "$NOW" >t &&
	test "$(jq -r .valid_until t)" = "2026-02-11T00:00:00+08:00" &&
	echo "{\"name\":\"钱八\",\"phone\":\"13900002223\"}" | cg-pass issue --class temporary --valid-until 2026-02-10T12:00:00+08:00 --now "$NOW" >t &&
	test "$(jq -r .valid_until t)" = "2026-02-10T12:00:00+08:00" &&
	test_expect_code 2 cg-pass issue --days 3 --valid-until 2026-02-10 </dev/null &&
	test_expect_code 2 cg-pass issue --days 0 </dev/null &&
	test_expect_code 2 cg-pass issue --valid-until soon </dev/null
'

test_expect_success 'a visitor pass lasts the day; a tenant pass runs through lease_until' '
	echo "{\"name\":\"孙八\",\"phone\":\"13900003333\",\"class\":\"visitor\"}" | cg-pass issue --now 2026-01-25T21:30:00+08:00 >v &&
	test "$(jq -r .valid_until v)" = "2026-01-26T00:00:00+08:00" &&
	echo "{\"name\":\"周九\",\"phone\":\"13900004444\",\"class\":\"tenant\",\"lease_until\":\"2026-06-30\"}" | cg-pass issue --now "$NOW" >t &&
	test "$(jq -r ".colour + \" \" + .valid_until" t)" = "blue 2026-07-01T00:00:00+08:00"
'

test_expect_success 'classes come from the config; an office may add its own' '
	write_config "{\"passes\":{\"classes\":{\"volunteer\":{\"colour\":\"red\",\"days\":7},\"resident\":{\"colour\":\"#ffc0cb\",\"days\":30}}}}" &&
	test_when_finished "rm -f \"\$CG_HOME/config.json\"" &&
	echo "{\"name\":\"吴十\",\"phone\":\"13900005555\"}" | cg-pass issue --class volunteer --now "$NOW" >vol &&
	test "$(jq -r ".colour + \" \" + .valid_until" vol)" = "red 2026-02-01T00:00:00+08:00" &&
	echo "{\"name\":\"郑一\",\"phone\":\"13900006666\"}" | cg-pass issue --now "$NOW" >res &&
	test "$(jq -r .colour res)" = "#ffc0cb" &&
	echo "{\"name\":\"x\",\"phone\":\"13900007777\"}" | test_expect_code 2 cg-pass issue --class nosuch --now "$NOW" 2>err &&
	grep -q "unknown pass class .nosuch." err &&
	echo "{\"name\":\"x\",\"phone\":\"13900007777\",\"class\":\"nosuch\"}" | test_expect_code 1 cg-pass issue --now "$NOW" 2>err &&
	grep -q "stdin:1: unknown pass class .nosuch." err &&
	write_config "{\"passes\":{\"classes\":{\"bad\":{\"colour\":\"red\"}}}}" &&
	test_expect_code 3 cg-pass list 2>err &&
	grep -q "passes.classes.bad" err
'

test_expect_success 'refused: a person under home observation' '
	echo "{\"event\":\"open\",\"case_id\":\"Q1\",\"name\":\"冯二\",\"id_no\":\"510107200012298761\",\"start\":\"2026-01-20\",\"end\":\"2026-02-02\"}" |
	journal_append quarantine >/dev/null &&
	before=$(wc -l <"$CG_HOME/journal/pass.jsonl") &&
	echo "{\"name\":\"冯二\",\"id_no\":\"510107200012298761\"}" | test_expect_code 1 cg-pass issue --now "$NOW" >o 2>err &&
	grep -q "stdin:1: under home observation (case Q1)" err &&
	test_must_fail test -s o &&
	test "$(wc -l <"$CG_HOME/journal/pass.jsonl")" = $before
'

test_expect_success 'returnee: refused without a released case, issued after release' '
	echo "{\"event\":\"open\",\"case_id\":\"Q2\",\"name\":\"陈三\",\"phone\":\"13700009999\",\"start\":\"2026-01-01\",\"end\":\"2026-01-14\"}" |
	journal_append quarantine >/dev/null &&
	R="{\"name\":\"陈三\",\"phone\":\"13700009999\"}" &&
	echo "$R" | test_expect_code 1 cg-pass issue --class returnee --now "$NOW" 2>err &&
	grep -q "under home observation" err &&
	echo "{\"event\":\"release\",\"case_id\":\"Q2\"}" | journal_append quarantine >/dev/null &&
	echo "$R" | cg-pass issue --class returnee --now "$NOW" >ret &&
	test "$(jq -r ".class + \" \" + .colour" ret)" = "returnee green" &&
	test_must_fail jq -e .force_reason ret >/dev/null
'

test_expect_success 'returnee: a release journaled after cg-pass started is seen (release | issue)' '
	echo "{\"event\":\"open\",\"case_id\":\"Q3\",\"name\":\"韩五\",\"phone\":\"13700005555\",\"start\":\"2026-01-01\",\"end\":\"2026-01-14\"}" |
	journal_append quarantine >/dev/null &&
	mkfifo records &&
	{ cg-pass issue --class returnee --now "$NOW" <records >late 2>err & } &&
	exec 9>records &&
	sleep 0.3 &&
	echo "{\"event\":\"release\",\"case_id\":\"Q3\"}" | journal_append quarantine >/dev/null &&
	echo "{\"name\":\"韩五\",\"phone\":\"13700005555\"}" >&9 &&
	exec 9>&- &&
	wait &&
	test "$(jq -r .class late)" = returnee
'

test_expect_success 'returnee without any case: refused, unless --force --reason (journaled)' '
	R="{\"name\":\"褚四\",\"phone\":\"13700008888\"}" &&
	echo "$R" | test_expect_code 1 cg-pass issue --class returnee --now "$NOW" 2>err &&
	grep -q "needs a released observation case" err &&
	test_expect_code 2 cg-pass issue --class returnee --force </dev/null 2>err &&
	grep -q "needs --reason" err &&
	test_expect_code 2 cg-pass issue --reason "no force" </dev/null 2>err &&
	grep -q "goes with --force" err &&
	echo "$R" | cg-pass issue --class returnee --force --reason "released by the street office, paper record" --now "$NOW" >f &&
	test "$(jq -r .force_reason f)" = "released by the street office, paper record" &&
	tail -n 1 "$CG_HOME/journal/pass.jsonl" | grep -q force_reason
'

test_expect_success '--dry-run issues nothing into the journal' '
	before=$(wc -l <"$CG_HOME/journal/pass.jsonl") &&
	echo "{\"name\":\"卫五\",\"phone\":\"13700007777\"}" | cg-pass issue -n --now "$NOW" >d &&
	test_line_count = 1 d &&
	test "$(wc -l <"$CG_HOME/journal/pass.jsonl")" = $before
'

test_expect_success 'revoke: ids as arguments or on stdin, --reason needed, twice is harmless' '
	id1=$(sed -n 1p out | jq -r .pass_id) && id2=$(sed -n 2p out | jq -r .pass_id) &&
	test_expect_code 2 cg-pass revoke "$id1" 2>err &&
	cg-pass revoke --reason lost --now "$NOW" "$id1" >r1 &&
	test "$(jq -r ".event + \" \" + .pass_id + \" \" + .reason" r1)" = "revoke $id1 lost" &&
	echo "{\"pass_id\":\"$(echo $id2 | tr A-Z a-z)\"}" | cg-pass revoke --reason "moved out" --now "$NOW" >r2 &&
	test "$(jq -r .pass_id r2)" = "$id2" &&
	cg-pass revoke --reason again --now "$NOW" "$id1" >r3 &&
	test "$(jq -r .existing r3)" = true &&
	test_expect_code 1 cg-pass revoke --reason x --now "$NOW" NOPE-NOPE-0 2>err &&
	grep -q "unknown pass" err
'

test_expect_success 'revocations: the list a gate takes offline' '
	id1=$(sed -n 1p out | jq -r .pass_id) && id2=$(sed -n 2p out | jq -r .pass_id) &&
	cg-pass revocations >rev &&
	test_line_count = 2 rev &&
	test "$(jq -r ".pass_id + \" \" + .reason" rev | sort | tr "\n" "|")" = "$(printf "%s lost\n%s moved out\n" "$id1" "$id2" | sort | tr "\n" "|")"
'

test_expect_success 'list: all, --active, --expired, --revoked, --class, --household' '
	cg-pass list --now "$NOW" >all &&
	test "$(wc -l <all)" = "$(grep -c "\"event\":\"issue\"" "$CG_HOME/journal/pass.jsonl")" &&
	cg-pass list --revoked --now "$NOW" >l && test_line_count = 2 l &&
	test "$(jq -r .status l | sort -u)" = revoked &&
	cg-pass list --class vehicle --now "$NOW" >l && test "$(jq -r .plate l)" = "京A·12345" &&
	cg-pass list --household 5-1-101 --now "$NOW" >l && test_line_count = 1 l &&
	cg-pass list --household a3-1-1102 --now "$NOW" >l && test_must_fail test -s l &&
	test_expect_code 2 cg-pass list --household 501 &&
	cg-pass list --expired --now 2026-01-29T00:00:00+08:00 >l &&
	test "$(jq -r .class l | sort | tr "\n" " ")" = "temporary visitor " &&
	cg-pass list --active --now "$NOW" >l &&
	test "$(jq -r .status l | sort -u)" = ok &&
	test_expect_code 2 cg-pass list --active --revoked
'

test_expect_success 'key export and rotate: old tokens still verify, new ones use the new key' '
	cg-pass key export >k1 && test_line_count = 1 k1 &&
	test_must_fail grep -q secret k1 &&
	old=$(jq -r .key_id k1) &&
	cg-pass key rotate --now "$NOW" >k2 &&
	new=$(jq -r .key_id k2) && test "$old" != "$new" &&
	cg-pass key export >k3 && test_line_count = 2 k3 &&
	test "$(jq -r "select(.current) | .key_id" k3)" = "$new" &&
	echo "{\"name\":\"蒋六\",\"phone\":\"13700006666\"}" | cg-pass issue --now "$NOW" >n &&
	test "$(jq -r .key_id n)" = "$new" &&
	{ sed -n 3p out | jq -r .token; jq -r .token n; } | cg-pass verify --now "$NOW" >v &&
	test "$(jq -r .reason v | tr "\n" " ")" = "ok ok " &&
	test_expect_code 2 cg-pass key 2>/dev/null && test_expect_code 2 cg-pass key burn 2>/dev/null
'

test_expect_success 'revoke on stdin: bare ids, scanned tokens, records; bad lines by number' '
	printf "%s\n" "{\"name\":\"r1\",\"phone\":\"13600000001\"}" "{\"name\":\"r2\",\"phone\":\"13600000002\"}" \
		"{\"name\":\"r3\",\"phone\":\"13600000003\"}" | cg-pass issue --now "$NOW" >rp &&
	{ sed -n 1p rp | jq -r .pass_id; sed -n 2p rp | jq -r .token; sed -n 3p rp | jq -c "{pass_id}";
	  echo "CG1:XYZ"; echo "{\"pass_id\":7}"; } >rin &&
	test_expect_code 1 cg-pass revoke --reason "moved out" --now "$NOW" <rin >rout 2>err &&
	test "$(jq -r .pass_id rout | tr "\n" " ")" = "$(jq -r .pass_id rp | tr "\n" " ")" &&
	grep -q "stdin:4: not a pass id or token" err &&
	grep -q "stdin:5: .pass_id. must be a string" err
'

test_expect_success 'list and verify go together: a list is verified as it stands' '
	cg-pass list --now "$NOW" >l &&
	cg-pass verify --now "$NOW" <l >v &&
	test "$(wc -l <v)" = "$(wc -l <l)" &&
	test "$(jq -r "select(.status == \"revoked\") | .pass_id" l | sort)" = \
		"$(jq -r "select(.reason == \"revoked\") | .pass_id" v | sort)"
'

test_expect_success 'usage errors' '
	test_expect_code 2 cg-pass 2>err && grep -q "missing subcommand" err &&
	test_expect_code 2 cg-pass frobnicate 2>err && grep -q "unknown subcommand" err &&
	test_expect_code 2 cg-pass list --format svg &&
	test_expect_code 2 cg-pass verify --class resident &&
	test_expect_code 2 cg-pass issue --pubkey x 2>err &&
	grep -q "^cg-pass: --pubkey does not go with .issue.$" err &&
	test_expect_code 2 cg-pass --format svg list 2>err &&
	grep -q "^cg-pass: unknown format .svg. for --format (text, json)$" err &&
	test_expect_code 2 cg-pass --pubkey x list 2>err &&
	grep -q "^cg-pass: --pubkey does not go with .list.$" err &&
	test_expect_code 2 cg-pass list -n 2>err &&
	grep -q "^cg-pass: -n does not go with .list.$" err &&
	test_expect_code 2 cg-pass print --format pdf &&
	cg-pass --help | grep -q "^Usage: cg-pass issue" &&
	cg-pass --version | grep -q "^cg-pass (cg) "
'

test_done
