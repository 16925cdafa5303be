#!/bin/sh
test_description='cg-pass verify: every reason, offline gates, tampered tokens'
. "${0%/*}/../lib/test-lib.sh"

P1='{"name":"张三","id_no":"110101199003074514","household":"3-2-501"}'
P2='{"name":"李四","phone":"13812348000","household":"3-2-502"}'
P3='{"name":"王五","id_no":"310104198506151237","household":"1-1-101"}'

reasons() {
	jq -r .reason "$1" | tr "\n" " "
}

test_expect_success 'setup: three passes' '
	printf "%s\n" "$P1" "$P2" "$P3" | cg-pass issue --now "$NOW" >passes &&
	jq -r .token passes >tokens &&
	jq -r .pass_id passes >ids &&
	T1=$(sed -n 1p tokens) && echo "$T1" >t1
'

test_expect_success 'ok for tokens, pass ids (any spelling) and records with "pass"' '
	{ cat tokens; cat ids; sed -n 1p ids | tr A-Z a-z | tr -d -; echo "{\"pass\":\"$(sed -n 2p ids)\",\"gate\":\"north\"}"; } |
	cg-pass verify --now "$NOW" >v &&
	test "$(reasons v)" = "ok ok ok ok ok ok ok ok " &&
	test "$(jq -r .valid v | sort -u)" = true &&
	test "$(jq -r .revocation v | sort -u)" = checked &&
	test "$(tail -n 1 v | jq -r ".gate + \" \" + .pass_id + \" \" + .class")" = "north $(sed -n 2p ids) resident"
'

test_expect_success 'expired and not_yet_valid at the exact instants' '
	until=$(sed -n 1p passes | jq -r .valid_until) &&
	cg-pass verify --now 2027-01-24T23:59:59+08:00 <t1 >v && test "$(reasons v)" = "ok " &&
	cg-pass verify --now "$until" <t1 >v && test "$(reasons v)" = "expired " &&
	cg-pass verify --now 2026-01-25T07:59:59+08:00 <t1 >v && test "$(reasons v)" = "not_yet_valid " &&
	sed -n 1p ids | cg-pass verify --now "$until" >v && test "$(reasons v)" = "expired " &&
	sed -n 1p ids | cg-pass verify --now 2026-01-25T07:59:59+08:00 >v && test "$(reasons v)" = "not_yet_valid "
'

test_expect_success 'malformed: garbage, a bad check symbol, a truncated token' '
	id=$(sed -n 1p ids) &&
	bad=$(printf "%s" "$id" | sed "s/.$//")$(printf "%s" "$id" | tail -c 1 | tr 0-9A-Z 1-9A-Z0) &&
	{ echo garbage; echo "$bad"; cut -c 1-60 t1; echo "CG1:"; echo "CG1:%%%"; } | cg-pass verify --now "$NOW" >v &&
	test "$(reasons v)" = "malformed malformed malformed malformed malformed " &&
	test "$(jq -r .valid v | sort -u)" = false
'

test_expect_success 'bad_signature: every single character of a token changed' '
	len=$(tr -d "\n" <t1 | wc -c) &&
	awk -v t="$(cat t1)" "BEGIN {
		a = \"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ \$%*+-./:\"
		for (i = 5; i <= length(t); i++) {
			c = substr(t, i, 1); k = index(a, c); n = substr(a, k % 45 + 1, 1)
			print substr(t, 1, i - 1) n substr(t, i + 1)
		}
	}" >mutants &&
	test "$(wc -l <mutants)" = $((len - 4)) &&
	cg-pass verify --now "$NOW" <mutants >v &&
	test "$(jq -r .valid v | sort -u)" = false &&
	test "$(jq -r .reason v | sort -u | tr "\n" " ")" = "bad_signature malformed " &&
	test "$(jq -r .reason v | grep -c bad_signature)" -gt $((len / 2))
'

test_expect_success 'bad_signature: a token signed by another office key' '
	H2=$TRASH/other && echo "$P1" | cg-pass issue --home "$H2" --now "$NOW" >p2 &&
	jq -r .token p2 | cg-pass verify --now "$NOW" >v &&
	test "$(reasons v)" = "bad_signature " &&
	test "$(jq -r ".pass_id // \"none\"" v)" = none
'

test_expect_success 'unknown: a pass id or a signed token the journal does not know' '
	echo 0000-0000-0 | cg-pass verify --now "$NOW" >v && test "$(reasons v)" = "unknown " &&
	H3=$TRASH/gate && mkdir -m 700 "$H3" && cp -a "$CG_HOME/keys" "$H3/keys" &&
	cg-pass verify --home "$H3" --now "$NOW" <t1 >v && test "$(reasons v)" = "unknown "
'

test_expect_success 'revoked: a token replayed after revocation' '
	cg-pass revoke --reason lost --now "$NOW" "$(sed -n 2p ids)" >/dev/null &&
	sed -n 2p tokens | cg-pass verify --now "$NOW" >v && test "$(reasons v)" = "revoked " &&
	sed -n 2p ids | cg-pass verify --now "$NOW" >v && test "$(reasons v)" = "revoked "
'

test_expect_success 'holder_quarantined: the holder has an open observation case' '
	echo "{\"event\":\"open\",\"case_id\":\"Q9\",\"name\":\"王五\",\"id_no\":\"310104198506151237\",\"start\":\"2026-01-26\",\"end\":\"2026-02-08\"}" |
	journal_append quarantine >/dev/null &&
	sed -n 3p tokens | cg-pass verify --now "$NOW" >v && test "$(reasons v)" = "holder_quarantined "
'

test_expect_success 'offline at a gate: --pubkey alone checks signature and validity' '
	cg-pass key export >gate.pub &&
	cat tokens | cg-pass verify --pubkey gate.pub --now "$NOW" >v &&
	test "$(reasons v)" = "ok ok ok " &&
	test "$(jq -r .revocation v | sort -u)" = unchecked &&
	test "$(head -n 1 v | jq -r .household)" = 3-2-501 &&
	cg-pass verify --pubkey gate.pub --now 2028-01-01T00:00:00+08:00 <t1 >v && test "$(reasons v)" = "expired " &&
	jq -r .token p2 | cg-pass verify --pubkey gate.pub --now "$NOW" >v && test "$(reasons v)" = "bad_signature "
'

test_expect_success 'offline with an exported revocation list' '
	cg-pass revocations >revoked.jsonl &&
	cat tokens | cg-pass verify --pubkey gate.pub --revocations revoked.jsonl --now "$NOW" >v &&
	test "$(reasons v)" = "ok revoked ok " &&
	test "$(jq -r .revocation v | sort -u)" = list
'

test_expect_success 'offline: --pubkey files are checked' '
	echo "{}" >empty.pub &&
	test_expect_code 3 cg-pass verify --pubkey empty.pub </dev/null 2>err &&
	test_expect_code 3 cg-pass verify --pubkey nosuch.pub </dev/null 2>err &&
	echo "{\"pass_id\":1}" >bad.rev &&
	test_expect_code 3 cg-pass verify --pubkey gate.pub --revocations bad.rev </dev/null 2>err
'

test_expect_success 'bad input lines: reported with their line, the others verified' '
	{ cat t1; echo "{\"pass\":42}"; echo "{\"gate\":\"north\"}"; echo "{\"pass\":"; cat t1; } >in &&
	test_expect_code 1 cg-pass verify --now "$NOW" --rejects rej <in >v 2>err &&
	test_line_count = 2 v &&
	grep -q "stdin:2: .pass. must be a string" err &&
	grep -q "stdin:3: missing field .pass." err &&
	grep -q "stdin:4: invalid JSON" err &&
	test_line_count = 3 rej &&
	test_expect_code 1 cg-pass verify --strict --now "$NOW" <in >v 2>/dev/null &&
	test_line_count = 1 v
'

test_expect_success 'empty input: nothing out, exit 0' '
	cg-pass verify --now "$NOW" </dev/null >v && test_must_fail test -s v
'

test_expect_success 'many tokens at once give the same answers as one at a time' '
	for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25; do cat tokens mutants; done >many &&
	cg-pass verify --now "$NOW" <many >v &&
	test "$(wc -l <v)" = "$(wc -l <many)" &&
	head -n $(( $(wc -l <tokens) + $(wc -l <mutants) )) many | while IFS= read -r t; do
		printf "%s\n" "$t" | cg-pass verify --now "$NOW"
	done >one &&
	head -n "$(wc -l <one)" v | jq -r .reason >a && jq -r .reason one >b && test_cmp b a
'

test_expect_success 'the journal and the public key alone agree on every signature' '
	cat tokens mutants >mixed &&
	cg-pass verify --now "$NOW" <mixed | jq -r "[.reason == \"bad_signature\" or .reason == \"malformed\"] | .[0]" >with-journal &&
	cg-pass verify --pubkey gate.pub --now "$NOW" <mixed | jq -r "[.reason == \"bad_signature\" or .reason == \"malformed\"] | .[0]" >with-key &&
	test_cmp with-key with-journal &&
	test "$(grep -c false with-journal)" = 3
'

test_expect_success 'a key taken out of the keyring voids its passes, journal or not' '
	H4=$TRASH/retired && cp -a "$CG_HOME" "$H4" &&
	old=$(cat "$H4/keys/current") &&
	cg-pass key rotate --home "$H4" --now "$NOW" >/dev/null &&
	cg-pass verify --home "$H4" --now "$NOW" <t1 >v && test "$(reasons v)" = "ok " &&
	rm "$H4/keys/pass-$old.json" &&
	cg-pass verify --home "$H4" --now "$NOW" <t1 >v && test "$(reasons v)" = "bad_signature "
'

test_done
