#!/bin/sh
test_description='cg-journal witness: a street cosigns only checkpoints that extend what it saw; rollbacks and rewritten registers are refused'
. "${0%/*}/../lib/test-lib.sh"

GOOD='{"gate":"north","dir":"in","kind":"staff","temp":36.5,"mask":true}'
DAYJ=journal/checkin/2026-01-25.jsonl
STREET=$TRASH/street

events() {
	awk -v n="$1" -v g="$GOOD" 'BEGIN { for (i = 0; i < n; i++) print g }'
}

# witness BODY: the street cosigns (or refuses) the body.
witness() {
	cg-journal --home "$STREET" --now "$NOW" witness --trust compound.vkey "$@"
}

test_expect_success 'setup: a compound with a day of check-ins, a street with its own code' '
	events 5 | cg-checkin --now "$NOW" >/dev/null &&
	mkdir -m 700 "$STREET" &&
	echo "{\"compound\":{\"code\":\"STREET-0001\",\"name\":\"街道\"}}" >"$STREET/config.json" &&
	cg-journal key export >compound.vkey &&
	cg-journal --home "$STREET" key witness >street.vkey &&
	grep -q "^STREET-0001+[0-9a-f]\{8\}+B" street.vkey
'

test_expect_success 'the first sight of a journal: old 0, cosigned, kept' '
	cg-journal consistency 2026-01-25 >body0 &&
	head -n 2 body0 >head && printf "old 0\n\n" >want && test_cmp want head &&
	witness body0 >cosig0 &&
	test_line_count = 1 cosig0 &&
	grep -q "^— STREET-0001 [A-Za-z0-9+/]\{102\}==\$" cosig0 &&
	test -f "$STREET/witness/DEMO-0001~checkin~2026-01-25.json" &&
	cg-journal checkpoint 2026-01-25 >first.jsonl
'

test_expect_success PYNACL 'the cosignature verifies with an implementation written from the C2SP texts' '
	sed -e "1,/^\$/d" body0 >note0 &&
	"$(nacl_python)" "$SRC_DIR/tests/lib/tlog-check.py" cosig street.vkey note0 cosig0 >out &&
	grep -q "^ok DEMO-0001/checkin/2026-01-25 " out &&
	sed -e "s/ \(.\)/ \1X/2" cosig0 >bad &&
	test_must_fail "$(nacl_python)" "$SRC_DIR/tests/lib/tlog-check.py" cosig street.vkey note0 bad >/dev/null
'

test_expect_success 'the next day: a proof from what the street holds is cosigned; from older, refused' '
	events 3 | cg-checkin --now "$NOW" >/dev/null &&
	cg-journal consistency --from first.jsonl >body1 &&
	witness body1 >cosig1 && test_line_count = 1 cosig1 &&
	grep -q "\"size\":8" "$STREET/witness/DEMO-0001~checkin~2026-01-25.json" &&
	test_expect_code 6 witness <body1 2>err &&
	grep -q "the proof is from size 5, the witness holds size 8; not cosigned" err
'

test_expect_success 'a rollback to the smaller tree is refused (exit 6), and nothing changes' '
	cp "$STREET/witness/DEMO-0001~checkin~2026-01-25.json" held &&
	test_expect_code 6 witness body0 >out 2>err &&
	grep -q "a checkpoint of 5 records after one of 8: rolled back; not cosigned" err &&
	test_must_fail test -s out &&
	cmp held "$STREET/witness/DEMO-0001~checkin~2026-01-25.json"
'

# forger NAME: a copy of the compound as the witness saw it at 8 lines,
# whose own checkpoints and frontier are thrown away, so that it signs
# again whatever its journal says.
forger() {
	rm -rf "$1" && cp -rp "$CG_HOME" "$1" && rm -r "$1/checkpoints" "$1/index"
}

test_expect_success PYTHON 'a rewritten register, signed again, is refused by the witness (exit 6)' '
	forger rewritten &&
	sed -e "3s/36.5/36.6/" "rewritten/$DAYJ" >t && cat t >"rewritten/$DAYJ" &&
	python3 "$SRC_DIR/tests/lib/rechain.py" "rewritten/$DAYJ" &&
	cg-journal --home rewritten checkpoint 2026-01-25 >f1.jsonl &&
	events 2 | cg-checkin --home rewritten --now "$NOW" >/dev/null &&
	cg-journal --home rewritten consistency --from f1.jsonl >body-forged &&
	test_expect_code 6 witness body-forged 2>err &&
	grep -q "does not extend the one of 8 the witness holds; not cosigned" err
'

test_expect_success 'a register cut short and signed again is refused by the witness (exit 6)' '
	forger cut &&
	head -n 6 "cut/$DAYJ" >t && cat t >"cut/$DAYJ" &&
	cg-journal --home cut consistency 2026-01-25 >body-cut &&
	sed -e "1s/^old 0\$/old 8/" body-cut >body-cut8 &&
	test_expect_code 6 witness body-cut8 2>err &&
	grep -q "rolled back" err
'

test_expect_success PYTHON 'a pass extended in pass.jsonl and signed again is refused by the witness (exit 6)' '
	echo "{\"name\":\"张三\",\"id_no\":\"110101199003074514\",\"household\":\"3-2-501\"}" |
		cg-pass issue --now "$NOW" >/dev/null &&
	cg-journal consistency pass >pass0 && witness pass0 >/dev/null &&
	forger extended &&
	sed -e "s/\"valid_until\":\"[^\"]*\"/\"valid_until\":\"2036-01-25T00:00:00+08:00\"/" \
		extended/journal/pass.jsonl >t &&
	cat t >extended/journal/pass.jsonl &&
	python3 "$SRC_DIR/tests/lib/rechain.py" extended/journal/pass.jsonl &&
	cg-journal --home extended checkpoint pass >ext.jsonl &&
	cg-journal --home extended consistency --from ext.jsonl >ext-body &&
	head -n 1 ext-body >first && echo "old 1" >want && test_cmp want first &&
	test_expect_code 6 witness ext-body 2>err &&
	grep -q "DEMO-0001/pass: the checkpoint of 1 records does not extend the one of 1 the witness holds" err
'

test_expect_success 'four submissions of one body at once: exactly one is cosigned' '
	rm -rf "$STREET/witness" &&
	witness body0 >/dev/null &&
	for i in 1 2 3 4; do
		{ witness body1 >w$i.out 2>w$i.err; echo $? >w$i.st; } &
	done && wait &&
	cat w1.st w2.st w3.st w4.st | sort | uniq -c | tr -s " " >counts &&
	printf " 1 0\n 3 6\n" >want && test_cmp want counts &&
	cat w*.out >cosigs && test_line_count = 1 cosigs &&
	grep -q "\"size\":8" "$STREET/witness/DEMO-0001~checkin~2026-01-25.json"
'

test_expect_success 'a checkpoint of an unknown key, or no body at all, is refused (exit 1)' '
	rm -rf other && mkdir -m 700 other &&
	events 1 | cg-checkin --home other --now "$NOW" >/dev/null &&
	cg-journal --home other consistency 2026-01-25 >body-other &&
	test_expect_code 1 witness body-other 2>err &&
	grep -q "not signed by a known key" err &&
	echo nonsense >junk &&
	test_expect_code 1 witness junk 2>err &&
	grep -q "not an add-checkpoint body" err &&
	test_expect_code 2 cg-journal witness body0 2>err &&
	grep -q "witness needs --trust" err
'

test_done
