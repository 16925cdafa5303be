#!/bin/sh
test_description='cg-report --merge --trust [--witness]: each compound held to the checkpoints its reports carry; unknown keys, unverifiable and inconsistent checkpoints are alerts'
. "${0%/*}/../lib/test-lib.sh"
. "$SRC_DIR/tests/fixtures/report/lib.sh"

GOOD='{"gate":"north","dir":"in","kind":"staff","temp":36.5,"mask":true}'
P1='{"name":"张三","id_no":"110101199003074514","household":"3-2-501"}'
P2='{"name":"王五","id_no":"310104198506151237","household":"3-2-502"}'
D1=2026-01-24
D2=2026-01-25
OTHER=$TRASH/other
STREET=$TRASH/street

events() {
	awk -v n="$1" -v g="$GOOD" 'BEGIN { for (i = 0; i < n; i++) print g }'
}

# day HOME DAY PERSON: a day of the compound at HOME: three check-ins, a
# pass, every journal signed; its report on standard output.
day() {
	events 3 | cg-checkin --home "$1" --now "${2}T09:00:00+08:00" >/dev/null &&
	echo "$3" | cg-pass --home "$1" issue --now "${2}T10:00:00+08:00" >/dev/null &&
	cg-journal --home "$1" --now "${2}T20:00:00+08:00" checkpoint >/dev/null &&
	cg-report --home "$1" --now "${2}T20:30:00+08:00" --date "$2" --format json
}

# alerts: the checkpoint alerts of roll-up.json, "COMPOUND CODE JOURNAL".
alerts() {
	jq -r '.warnings[] | select(.code | startswith("checkpoint_")) |
	       "\(.compound) \(.code) \(.journal)"' roll-up.json
}

# merge ARGS...: the roll-up into roll-up.json.
merge() {
	cg_report --merge --fail-on alert "$@" >roll-up.json
}

# forge HOME: a copy of the compound at HOME whose first pass line is
# rewritten and chained again, and whose checkpoints are thrown away, so
# that it signs whatever its journal now says.
forge() {
	rm -rf forged && cp -rp "$1" forged && rm -r forged/checkpoints forged/index &&
	sed -e "1s/3-2-501/3-2-909/" forged/journal/pass.jsonl >t &&
	! cmp -s t forged/journal/pass.jsonl && cat t >forged/journal/pass.jsonl &&
	python3 "$SRC_DIR/tests/lib/rechain.py" forged/journal/pass.jsonl
}

test_expect_success JQ 'setup: two compounds, two days each, every journal signed' '
	mkdir -m 700 "$OTHER" "$STREET" &&
	echo "{\"compound\":{\"code\":\"DEMO-0002\",\"name\":\"二号小区\"}}" >"$OTHER/config.json" &&
	echo "{\"compound\":{\"code\":\"STREET-0001\",\"name\":\"街道\"}}" >"$STREET/config.json" &&
	day "$CG_HOME" $D1 "$P1" >a1.json &&
	cp -rp "$CG_HOME" home-d1 &&
	cg-journal --now "${D1}T20:00:00+08:00" consistency pass >pass-body1 &&
	day "$CG_HOME" $D2 "$P2" >a2.json &&
	day "$OTHER" $D1 "$P1" >b1.json &&
	day "$OTHER" $D2 "$P2" >b2.json &&
	cg-journal key export >a.vkey &&
	cg-journal --home "$OTHER" key export >b.vkey &&
	cat a.vkey b.vkey >keys &&
	jq -r ".journals[].journal" a2.json >got &&
	printf "%s\n" journal/checkin/$D2.jsonl journal/pass.jsonl >want &&
	test_cmp want got &&
	test "$(jq ".journals[1].checkpoint.consistency.old" a2.json)" = 1
'

test_expect_success JQ 'every checkpoint verifies: no alert, exit 0' '
	merge --trust keys a1.json a2.json b1.json b2.json &&
	alerts >got && test_line_count = 0 got &&
	test "$(jq "[.compounds[].alerts] | add" roll-up.json)" = 0
'

test_expect_success JQ 'a key not in the trust file: checkpoint_unknown_key for each journal, exit 5' '
	test_expect_code 5 merge --trust a.vkey a1.json b1.json b2.json &&
	alerts >got &&
	cat >want <<-EOT &&
	DEMO-0002 checkpoint_unknown_key journal/checkin/$D1.jsonl
	DEMO-0002 checkpoint_unknown_key journal/pass.jsonl
	DEMO-0002 checkpoint_unknown_key journal/checkin/$D2.jsonl
	DEMO-0002 checkpoint_unknown_key journal/pass.jsonl
	EOT
	test_cmp want got &&
	test "$(jq -r ".warnings[0].severity" roll-up.json)" = alert &&
	test "$(jq ".compounds[] | select(.code == \"DEMO-0002\") | .alerts" roll-up.json)" = 4 &&
	test "$(jq ".compounds[] | select(.code == \"DEMO-0001\") | .alerts" roll-up.json)" = 0
'

# unverifiable REASON JQ-FILTER: a1.json changed by the filter is one
# checkpoint_unverifiable alert of DEMO-0001 with REASON.
unverifiable() {
	jq -c "$2" a1.json >bad.json &&
	test_expect_code 5 merge --trust keys bad.json b1.json &&
	alerts >got && test_line_count = 1 got &&
	grep -q "^DEMO-0001 checkpoint_unverifiable journal/" got &&
	test "$(jq -r ".warnings[0].reason" roll-up.json)" = "$1"
}

test_expect_success JQ 'a journal never signed is unverifiable' '
	unverifiable "the report carries no signed checkpoint of the journal" \
		"del(.journals[0].checkpoint)"
'

test_expect_success JQ 'a signature with one character changed is unverifiable' '
	unverifiable "a signature does not verify" \
		".journals[0].checkpoint.note |= .[0:-10] + (if .[-10:-9] == \"A\" then \"B\" else \"A\" end) + .[-9:]"
'

test_expect_success JQ 'a size in the report that is not the signed one is unverifiable' '
	unverifiable "the report'\''s origin, size or root is not the one signed" \
		".journals[0].checkpoint.size += 1"
'

test_expect_success JQ 'another journal'\''s checkpoint is unverifiable' '
	unverifiable "the checkpoint is of another journal" \
		".journals[0].checkpoint = .journals[1].checkpoint"
'

test_expect_success JQ 'another compound'\''s checkpoint is unverifiable' '
	jq -c ".journals[0].checkpoint" b1.json >theirs &&
	unverifiable "the checkpoint is signed with another compound'\''s key" \
		".journals[0].checkpoint = $(cat theirs)"
'

test_expect_success JQ 'a malformed consistency proof is unverifiable' '
	jq -c ".journals[1].checkpoint.consistency.old = 7" a2.json >bad.json &&
	test_expect_code 5 merge --trust keys bad.json &&
	alerts >got && echo "DEMO-0001 checkpoint_unverifiable journal/pass.jsonl" >want &&
	test_cmp want got
'

test_expect_success JQ 'a consistency proof that does not hold is inconsistent' '
	jq -c ".journals[1].checkpoint.consistency.proof[0] = .journals[0].checkpoint.root" \
		a2.json >bad.json &&
	test_expect_code 5 merge --trust keys a1.json bad.json &&
	alerts >got && echo "DEMO-0001 checkpoint_inconsistent journal/pass.jsonl" >want &&
	test_cmp want got &&
	test "$(jq -r ".warnings[0].reason" roll-up.json)" = \
		"the consistency proof does not lead from the earlier checkpoint"
'

test_expect_success JQ,PYTHON 'yesterday'\''s register rewritten and signed again: inconsistent with today'\''s' '
	forge home-d1 &&
	cg-journal --home forged --now "${D1}T21:00:00+08:00" checkpoint >/dev/null &&
	cg-report --home forged --now "${D1}T21:00:00+08:00" --date $D1 --format json >forged1.json &&
	test "$(jq -r ".journals[1].checkpoint.root" forged1.json)" != \
		"$(jq -r ".journals[1].checkpoint.root" a1.json)" &&
	test_expect_code 5 merge --trust keys forged1.json a2.json &&
	alerts >got && echo "DEMO-0001 checkpoint_inconsistent journal/pass.jsonl" >want &&
	test_cmp want got &&
	merge --trust keys a1.json a2.json
'

test_expect_success JQ,PYTHON 'today'\''s register rewritten, its checkpoints thrown away: no proof from yesterday'\''s' '
	forge "$CG_HOME" &&
	cg-journal --home forged --now "${D2}T21:00:00+08:00" checkpoint >/dev/null &&
	cg-report --home forged --now "${D2}T21:00:00+08:00" --date $D2 --format json >forged2.json &&
	test "$(jq ".journals[1].checkpoint.consistency" forged2.json)" = null &&
	test_expect_code 5 merge --trust keys a1.json forged2.json &&
	alerts >got && echo "DEMO-0001 checkpoint_unverifiable journal/pass.jsonl" >want &&
	test_cmp want got
'

witness() {
	cg-journal --home "$STREET" --now "${D2}T22:00:00+08:00" witness --trust keys "$@" >/dev/null
}

test_expect_success JQ 'with the witness: a checkpoint that extends what it holds, by the proof the report carries' '
	witness pass-body1 &&
	grep -q "\"size\":1," "$STREET/witness/DEMO-0001~pass.json" &&
	cg-journal consistency $D2 >day-body2 && witness day-body2 &&
	merge --trust keys --witness "$STREET" a2.json &&
	alerts >got && test_line_count = 0 got &&
	test_must_fail test -e "$STREET/witness/DEMO-0002~pass.json"
'

test_expect_success JQ,PYTHON 'with the witness: the day rewritten and signed again at the size it holds is inconsistent' '
	rm -rf forged && cp -rp "$CG_HOME" forged && rm -r forged/checkpoints forged/index &&
	sed -e "2s/36.5/36.6/" forged/journal/checkin/$D2.jsonl >t &&
	cat t >forged/journal/checkin/$D2.jsonl &&
	python3 "$SRC_DIR/tests/lib/rechain.py" forged/journal/checkin/$D2.jsonl &&
	cg-journal --home forged checkpoint $D2 >/dev/null &&
	cg-report --home forged --now "${D2}T21:00:00+08:00" --date $D2 --format json >forged3.json &&
	merge --trust keys a2.json &&
	test_expect_code 5 merge --trust keys --witness "$STREET" forged3.json &&
	alerts >got && test_line_count = 2 got &&
	grep -q "^DEMO-0001 checkpoint_inconsistent journal/checkin/$D2.jsonl\$" got &&
	jq -r ".warnings[].reason" roll-up.json | sort -u >reasons &&
	grep -q "^two checkpoints of the same size with different roots\$" reasons
'

test_expect_success JQ 'with the witness: a grown journal without a proof from its size is unverifiable' '
	rm -rf grown && cp -rp "$CG_HOME" grown &&
	events 2 | cg-checkin --home grown --now "${D2}T21:00:00+08:00" >/dev/null &&
	cg-journal --home grown checkpoint $D2 >/dev/null &&
	events 1 | cg-checkin --home grown --now "${D2}T21:10:00+08:00" >/dev/null &&
	cg-journal --home grown checkpoint $D2 >/dev/null &&
	cg-report --home grown --now "${D2}T21:30:00+08:00" --date $D2 --format json >grown.json &&
	test "$(jq ".journals[0].checkpoint.consistency.old" grown.json)" = 5 &&
	test_expect_code 5 merge --trust keys --witness "$STREET" grown.json &&
	alerts >got && echo "DEMO-0001 checkpoint_unverifiable journal/checkin/$D2.jsonl" >want &&
	test_cmp want got &&
	test "$(jq -r ".warnings[0].reason" roll-up.json)" = \
		"no consistency proof from the checkpoint the witness holds"
'

test_expect_success JQ 'with the witness: a checkpoint smaller than the one it holds is rolled back' '
	sed -e "1,/^\$/d" pass-body1 >old.note &&
	cg-journal consistency --from old.note >pass-body2 &&
	witness pass-body2 &&
	grep -q "\"size\":2," "$STREET/witness/DEMO-0001~pass.json" &&
	test_expect_code 5 merge --trust keys --witness "$STREET" a1.json &&
	alerts >got && echo "DEMO-0001 checkpoint_inconsistent journal/pass.jsonl" >want &&
	test_cmp want got &&
	test "$(jq -r ".warnings[0].reason" roll-up.json)" = \
		"the checkpoint is smaller than the one the witness holds: rolled back"
'

test_expect_success JQ 'in the text report, the alert in Chinese' '
	LANGUAGE=zh_CN LC_ALL=C.UTF-8 cg-report --merge --trust a.vkey --format text a1.json b1.json >text &&
	grep -q "签名密钥未知" text
'

test_expect_success 'usage: --trust only with --merge, --witness only with --trust' '
	test_expect_code 2 cg-report --trust keys 2>err &&
	test_expect_code 2 cg-report --merge --witness "$STREET" a1.json 2>err &&
	test_expect_code 3 cg-report --merge --trust keys --witness "$TRASH/nowhere" a1.json 2>err &&
	test_must_fail test -e "$TRASH/nowhere"
'

test_reports_valid

test_done
