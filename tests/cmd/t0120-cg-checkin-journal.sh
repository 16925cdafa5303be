#!/bin/sh
test_description='cg-checkin: the journal, its chain, torn tails, days and permissions'
. "${0%/*}/../lib/test-lib.sh"

GOOD='{"gate":"north","dir":"in","kind":"staff","temp":36.5,"mask":true}'
J=$CG_HOME/journal/checkin

three() {
	printf '%s\n%s\n%s\n' "$GOOD" "$GOOD" "$GOOD"
}

test_expect_success 'decisions are journaled with seq and chain, exactly as printed' '
	three | cg-checkin --now "$NOW" >out &&
	cmp out "$J/2026-01-25.jsonl" &&
	test "$(jq -r .seq out | tr "\n" " ")" = "1 2 3 " &&
	jq -r .chain out | grep -c "^[0-9a-f]\{64\}$" >n && test "$(cat n)" = 3
'

test_expect_success 'the chain is SHA-256 over the previous chain and the line up to seq' '
	first=$(head -n 1 out) &&
	body=$(printf "%s" "$first" | sed -e "s/,\"chain\":\"[0-9a-f]*\"}$/}/") &&
	want=$( { printf "%064d" 0; printf "%s" "$body"; } | sha256sum | cut -d" " -f1) &&
	test "$(printf "%s" "$first" | jq -r .chain)" = "$want"
'

test_expect_success 'seq goes on across runs without gaps' '
	three | cg-checkin --now "$NOW" >out2 &&
	test "$(jq -r .seq out2 | tr "\n" " ")" = "4 5 6 " &&
	cg-checkin --verify 2026-01-25 >v &&
	test "$(jq -r ".records, .ok" v | tr "\n" " ")" = "6 true "
'

test_expect_success '--dry-run journals nothing' '
	three | cg-checkin --dry-run --now "$NOW" >out3 &&
	test_line_count = 3 out3 &&
	test_must_fail grep -q "\"seq\"" out3 &&
	test "$(wc -l <"$J/2026-01-25.jsonl")" = 6
'

test_expect_success 'an edited line is detected (exit 6, line number)' '
	cp "$J/2026-01-25.jsonl" saved &&
	sed -i "3s/36.5/35.9/" "$J/2026-01-25.jsonl" &&
	test_expect_code 6 cg-checkin --verify 2026-01-25 2>err &&
	grep -q "2026-01-25.jsonl:3: journal damaged: chain mismatch" err &&
	cp saved "$J/2026-01-25.jsonl"
'

test_expect_success 'a deleted line is detected' '
	sed -i 2d "$J/2026-01-25.jsonl" &&
	test_expect_code 6 cg-checkin --verify 2026-01-25 2>err &&
	grep -q ":2: journal damaged: seq out of order" err &&
	cp saved "$J/2026-01-25.jsonl"
'

test_expect_success 'an inserted line (even a copy of a real one, even blank) is detected' '
	sed -i "2p" "$J/2026-01-25.jsonl" &&
	test_expect_code 6 cg-checkin --verify 2026-01-25 2>err &&
	grep -q ":3: journal damaged" err &&
	cp saved "$J/2026-01-25.jsonl" &&
	sed -i "2s/^$//;2a\\\\" "$J/2026-01-25.jsonl" &&
	test_expect_code 6 cg-checkin --verify 2026-01-25 2>err &&
	grep -q ":3: journal damaged" err &&
	cp saved "$J/2026-01-25.jsonl"
'

test_expect_success 'a damaged last line refuses appends with exit 6, nothing printed' '
	sed -i "\$s/\"chain\":\"/\"chain\":\"x/" "$J/2026-01-25.jsonl" &&
	three | test_expect_code 6 cg-checkin --now "$NOW" >out 2>err &&
	test_must_fail test -s out &&
	grep -q "2026-01-25.jsonl:6: journal damaged" err &&
	cp saved "$J/2026-01-25.jsonl"
'

test_expect_success 'damage further up refuses appends too: nothing is sealed over it' '
	sed -i "2s/36.5/39.5/" "$J/2026-01-25.jsonl" &&
	cp "$J/2026-01-25.jsonl" damaged &&
	three | test_expect_code 6 cg-checkin --now "$NOW" >out 2>err &&
	test_must_fail test -s out &&
	grep -q "2026-01-25.jsonl:2: journal damaged: chain mismatch" err &&
	test_cmp damaged "$J/2026-01-25.jsonl" &&
	cp saved "$J/2026-01-25.jsonl"
'

test_expect_success 'a torn last line is set aside with a warning at the next append' '
	printf "{\"ts\":\"2026-01-25T08:00:00+08:00\",\"gate\":\"no" >>"$J/2026-01-25.jsonl" &&
	test_expect_code 0 cg-checkin --verify 2026-01-25 >v &&
	test "$(jq -r .torn v)" = 1 &&
	three | cg-checkin --now "$NOW" >out 2>err &&
	grep -q "warning: journal/checkin/2026-01-25.jsonl: torn last line (44 bytes" err &&
	printf "{\"ts\":\"2026-01-25T08:00:00+08:00\",\"gate\":\"no\n" >expect &&
	test_cmp expect "$J/2026-01-25.jsonl.torn" &&
	test "$(jq -r .seq out | tr "\n" " ")" = "7 8 9 " &&
	cg-checkin --verify 2026-01-25 >v && test "$(jq -r .torn v)" = 0
'

test_expect_success '-q silences the torn-tail warning, not the work' '
	printf "garbage" >>"$J/2026-01-25.jsonl" &&
	three | cg-checkin -q --now "$NOW" >out 2>err &&
	test_must_fail test -s err &&
	test_line_count = 3 out &&
	cg-checkin --verify 2026-01-25 >/dev/null
'

test_expect_success 'a journal that is only a torn line starts again at seq 1' '
	printf "{\"ts\"" >"$J/2026-01-20.jsonl" &&
	echo "$GOOD" | cg-checkin --now 2026-01-20T09:00:00+08:00 >out 2>err &&
	test "$(jq -r .seq out)" = 1 &&
	grep -q "torn last line" err
'

test_expect_success 'days are separate files; finished days are gzip-compressed and still read' '
	echo "$GOOD" | cg-checkin --now 2026-01-26T00:00:01+08:00 >out &&
	test "$(jq -r .seq out)" = 1 &&
	test -f "$J/2026-01-26.jsonl" &&
	test -f "$J/2026-01-25.jsonl.gz" && test_must_fail test -e "$J/2026-01-25.jsonl" &&
	test -f "$J/2026-01-20.jsonl.gz" &&
	gzip -dc "$J/2026-01-25.jsonl.gz" | wc -l >n && test "$(cat n)" = 12 &&
	cg-checkin --verify >v &&
	test "$(jq -r .journal v | tr "\n" " ")" = "journal/checkin/2026-01-20.jsonl.gz journal/checkin/2026-01-25.jsonl.gz journal/checkin/2026-01-26.jsonl "
'

test_expect_success 'the day follows TZ: 23:30 in Shanghai is the same UTC day, not in New York' '
	echo "$GOOD" | cg-checkin --now 2026-01-26T23:30:00+08:00 >/dev/null &&
	test -f "$J/2026-01-26.jsonl" &&
	echo "$GOOD" | TZ=America/New_York cg-checkin --now 2026-01-27T00:30:00+08:00 >out &&
	test "$(jq -r .ts out)" = "2026-01-26T11:30:00-05:00" &&
	test -f "$J/2026-01-26.jsonl"
'

test_expect_success 'a back-fill into a compressed day reopens it and keeps the chain' '
	echo "$GOOD" | cg-checkin --now 2026-01-25T21:00:00+08:00 >out &&
	test "$(jq -r .seq out)" = 13 &&
	test -f "$J/2026-01-25.jsonl" && test_must_fail test -e "$J/2026-01-25.jsonl.gz" &&
	cg-checkin --verify 2026-01-25 >/dev/null
'

test_expect_success '--verify reports every day, the damaged ones on stderr, and exits 6' '
	gzip -dc "$J/2026-01-20.jsonl.gz" >day20 &&
	sed -i "1s/36.5/36.6/" day20 && gzip -c day20 >"$J/2026-01-20.jsonl.gz" &&
	test_expect_code 6 cg-checkin --verify >v 2>err &&
	grep -q "2026-01-20.jsonl.gz:1: journal damaged: chain mismatch" err &&
	test "$(jq -r .journal v | tr "\n" " ")" = "journal/checkin/2026-01-25.jsonl journal/checkin/2026-01-26.jsonl " &&
	test_expect_code 6 cg-checkin --verify 2026-01-26 2026-01-20 >v 2>err &&
	test_line_count = 1 v
'

test_expect_success 'CG_NOW fixes the clock; --now wins over it' '
	echo "$GOOD" | CG_NOW=2026-02-01T10:00:00+08:00 cg-checkin --dry-run >out &&
	test "$(jq -r .ts out)" = "2026-02-01T10:00:00+08:00" &&
	echo "$GOOD" | CG_NOW=2026-02-01T10:00:00+08:00 cg-checkin --dry-run --now 2026-02-02T10:00:00+08:00 >out &&
	test "$(jq -r .ts out)" = "2026-02-02T10:00:00+08:00"
'

test_expect_success '--verify of a day without a journal, and of a bad date' '
	test_expect_code 1 cg-checkin --verify 2025-01-01 2>err &&
	grep -q "no check-in journal for 2025-01-01" err &&
	test_expect_code 2 cg-checkin --verify 2025-13-01 2>err
'

test_expect_success 'files 0600 and directories 0700 even under umask 000' '
	H=$TRASH/fresh &&
	(umask 000 && echo "$GOOD" | cg-checkin --home "$H" --now "$NOW" >/dev/null) &&
	test "$(stat -c %a "$H")" = 700 &&
	test "$(stat -c %a "$H/journal")" = 700 &&
	test "$(stat -c %a "$H/journal/checkin")" = 700 &&
	test "$(stat -c %a "$H/journal/checkin/2026-01-25.jsonl")" = 600 &&
	test "$(stat -c %a "$H/journal/checkin/.lock")" = 600
'

test_expect_success 'a data directory writable by group or others is refused' '
	H=$TRASH/open && mkdir -m 770 "$H" &&
	echo "$GOOD" | test_expect_code 3 cg-checkin --home "$H" --now "$NOW" 2>err &&
	grep -q "writable by group or others" err &&
	chmod 702 "$H" &&
	echo "$GOOD" | test_expect_code 3 cg-checkin --home "$H" --now "$NOW" 2>err
'

test_expect_success 'a symbolic link as data directory or journal is not followed' '
	mkdir -m 700 real && ln -s real link &&
	echo "$GOOD" | test_expect_code 3 cg-checkin --home "$TRASH/link" --now "$NOW" 2>err &&
	grep -q "it is a symbolic link, which is not followed" err &&
	echo x >plain &&
	echo "$GOOD" | test_expect_code 3 cg-checkin --home "$TRASH/plain" --now "$NOW" 2>err &&
	grep -q "it is not a directory" err &&
	H=$TRASH/h2 && mkdir -m 700 "$H" "$H/journal" && chmod 700 "$H/journal" &&
	ln -s /tmp "$H/journal/checkin" &&
	echo "$GOOD" | test_expect_code 3 cg-checkin --home "$H" --now "$NOW" 2>err &&
	H=$TRASH/h3 && mkdir -p "$H/journal/checkin" && chmod -R 700 "$H" &&
	echo x >target && ln -s "$TRASH/target" "$H/journal/checkin/2026-01-25.jsonl" &&
	echo "$GOOD" | test_expect_code 3 cg-checkin --home "$H" --now "$NOW" 2>err &&
	test "$(cat target)" = x
'

test_expect_success 'the data directory comes from --home, CG_HOME, XDG_STATE_HOME, then HOME' '
	echo "$GOOD" | CG_HOME= XDG_STATE_HOME=$TRASH/xdg cg-checkin --now "$NOW" >/dev/null &&
	test -f "$TRASH/xdg/cg/journal/checkin/2026-01-25.jsonl" &&
	echo "$GOOD" | CG_HOME= HOME=$TRASH/hh cg-checkin --now "$NOW" >/dev/null &&
	test -f "$TRASH/hh/.local/state/cg/journal/checkin/2026-01-25.jsonl" &&
	echo "$GOOD" | CG_HOME=$TRASH/envh cg-checkin --home "$TRASH/opth" --now "$NOW" >/dev/null &&
	test -d "$TRASH/opth" && test_must_fail test -d "$TRASH/envh"
'

test_expect_success 'an invalid config.json is a clear error naming the key' '
	H=$TRASH/cfg && mkdir -m 700 "$H" &&
	echo "{\"policy\":{\"fevr_threshold\":37}}" >"$H/config.json" &&
	echo "$GOOD" | test_expect_code 3 cg-checkin --home "$H" 2>err &&
	grep -q "config.json: unknown key .policy.fevr_threshold." err &&
	echo "{\"policy\":{\"fever_threshold\":\"high\"}}" >"$H/config.json" &&
	echo "$GOOD" | test_expect_code 3 cg-checkin --home "$H" 2>err &&
	grep -q "policy.fever_threshold. has the wrong type" err &&
	echo "{\"gates\":[\"north\"" >"$H/config.json" &&
	echo "$GOOD" | test_expect_code 3 cg-checkin --home "$H" 2>err &&
	grep -q "config.json:[0-9]*: .]. expected" err
'

test_expect_success 'a damaged pass journal is refused before deciding anything' '
	H=$TRASH/pj && mkdir -p "$H/journal" && chmod -R 700 "$H" &&
	echo "{\"event\":\"issue\",\"seq\":1,\"chain\":\"00\"}" >"$H/journal/pass.jsonl" &&
	echo "$GOOD" | test_expect_code 6 cg-checkin --home "$H" >out 2>err &&
	grep -q "journal/pass.jsonl:1: journal damaged" err &&
	test_must_fail test -s out
'

test_done
