#!/bin/sh
test_description='cg-journal verify --against: every tampering of issue 15 is caught (exit 6), and no checkpoint is signed over it'
. "${0%/*}/../lib/test-lib.sh"

GOOD='{"gate":"north","dir":"in","kind":"staff","temp":36.5,"mask":true}'
PERSON='{"name":"张三","id_no":"110101199003074514","household":"3-2-501"}'
DAY=journal/checkin/2026-01-25.jsonl

# attack NAME: a copy of the signed data directory to tamper with.
attack() {
	rm -rf "$TRASH/$1" && cp -rp "$CG_HOME" "$TRASH/$1" && chmod 700 "$TRASH/$1"
}

# rechain FILE: seq and chain recomputed, as the forger does.
rechain() {
	python3 "$SRC_DIR/tests/lib/rechain.py" "$1"
}

# caught HOME WHAT: verify --against fails with exit 6 naming the journal,
# and a new checkpoint of it is refused with nothing appended.
caught() {
	test_expect_code 6 cg-journal --home "$1" verify --against signed.jsonl >out 2>err &&
	grep -q "^cg-journal: $2 does not extend the checkpoint signed at size" err &&
	test "$(jq -r "select(.journal == \"$2\") | .ok" out)" = false &&
	cp "$1/checkpoints/$3.jsonl" before &&
	test_expect_code 6 cg-journal --home "$1" checkpoint >out2 2>err2 &&
	grep -q "no longer extends the checkpoint signed at size .*nothing signed" err2 &&
	cmp before "$1/checkpoints/$3.jsonl"
}

test_expect_success PYTHON,JQ 'a day of check-ins and a pass journal, signed' '
	for i in 1 2 3 4 5; do printf "%s\n" "$GOOD"; done |
		cg-checkin --now "$NOW" >/dev/null &&
	printf "%s\n" "$PERSON" | cg-pass issue --now "$NOW" >/dev/null &&
	cg-journal checkpoint >signed.jsonl &&
	test_line_count = 2 signed.jsonl &&
	test "$(field new signed.jsonl | tr "\n" " ")" = "true true " &&
	cg-journal verify --against signed.jsonl >out &&
	test "$(field extends out | tr "\n" " ")" = "true true "
'

test_expect_success PYTHON,JQ 'the tail dropped is caught' '
	attack cut &&
	head -n 3 "cut/$DAY" >t && cat t >"cut/$DAY" &&
	cg-checkin --home cut --verify 2026-01-25 >/dev/null &&
	caught cut "$DAY" checkin-2026-01-25
'

test_expect_success PYTHON,JQ 'a forged line put in with the chain recomputed is caught' '
	attack forged &&
	{ head -n 2 "forged/$DAY" &&
	  head -n 1 "forged/$DAY" | sed -e "s/\"temp\":36.5/\"temp\":36.4/" &&
	  tail -n 3 "forged/$DAY"; } >t && cat t >"forged/$DAY" &&
	rechain "forged/$DAY" &&
	cg-checkin --home forged --verify 2026-01-25 >/dev/null &&
	caught forged "$DAY" checkin-2026-01-25
'

test_expect_success PYTHON,JQ 'a middle line rewritten with the chain recomputed is caught' '
	attack rewritten &&
	sed -e "3s/\"temp\":36.5/\"temp\":36.6/" "rewritten/$DAY" >t &&
	cat t >"rewritten/$DAY" && rechain "rewritten/$DAY" &&
	cg-checkin --home rewritten --verify 2026-01-25 >/dev/null &&
	caught rewritten "$DAY" checkin-2026-01-25 &&
	test_expect_code 6 cg-journal --home rewritten prove DEMO-0001/checkin/2026-01-25/5 >out &&
	test_must_fail test -s out &&
	test_expect_code 6 cg-journal --home rewritten consistency --from signed.jsonl >out &&
	test_must_fail test -s out
'

test_expect_success PYTHON,JQ 'a pass extended in pass.jsonl is caught' '
	attack extended &&
	sed -e "s/\"valid_until\":\"[^\"]*\"/\"valid_until\":\"2036-01-25T00:00:00+08:00\"/" \
		extended/journal/pass.jsonl >t &&
	cat t >extended/journal/pass.jsonl && rechain extended/journal/pass.jsonl &&
	grep -q 2036 extended/journal/pass.jsonl &&
	caught extended journal/pass.jsonl pass
'

test_expect_success PYTHON,JQ 'a line appended after the checkpoint extends it, and shows as unsigned' '
	printf "%s\n" "$GOOD" | cg-checkin --now "$NOW" >/dev/null &&
	cg-journal verify --against signed.jsonl "2026-01-25" >out &&
	test "$(field unsigned out)" = 1 &&
	cg-journal checkpoint 2026-01-25 >next.jsonl &&
	test "$(field size next.jsonl)" = 6
'

test_expect_success JQ 'the untouched journals still verify, and --against checks only those named' '
	cg-journal --home extended verify --against signed.jsonl 2026-01-25 >out &&
	test "$(field extends out)" = true
'

test_expect_success JQ 'a checkpoint signed by another key is refused (exit 1), not taken as evidence' '
	mkdir -p other && chmod 700 other &&
	printf "%s\n" "$GOOD" | cg-checkin --home other --now "$NOW" >/dev/null &&
	cg-journal --home other checkpoint >theirs.jsonl &&
	test_expect_code 1 cg-journal verify --against theirs.jsonl >out 2>err &&
	grep -q "^cg-journal: theirs.jsonl:1: not signed by a known key" err &&
	test_must_fail test -s out
'

test_expect_success 'a damaged --against file is an error naming its line' '
	printf "{\"x\":1}\n" >bad.jsonl &&
	test_expect_code 1 cg-journal verify --against bad.jsonl 2>err &&
	grep -q "^cg-journal: bad.jsonl:1: not a checkpoint line" err &&
	printf "not a note\n" >bad.note &&
	test_expect_code 1 cg-journal verify --against bad.note 2>err &&
	grep -q "^cg-journal: bad.note:1: not a signed note" err
'

test_done
