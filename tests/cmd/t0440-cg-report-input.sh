#!/bin/sh
test_description='cg-report: journals (verified, compressed, damaged), bad input, exit statuses'
. "${0%/*}/../lib/test-lib.sh"
. "$SRC_DIR/tests/fixtures/report/lib.sh"

F=$REPORT_FIXTURES
DAY=journal/checkin/2026-01-25.jsonl

test_expect_success 'setup: the day, the passes and the cases journaled' '
	write_config "{\"gates\":[\"north\",\"south\",\"east\"],\"policy\":{\"duty_hours\":[\"08:00\",\"20:00\"]}}" &&
	grep -v hello "$F/day.jsonl" | CG_NOW=2026-01-25T21:00:00+08:00 journal_append checkin >/dev/null &&
	CG_NOW=2026-01-25T21:00:00+08:00 journal_append pass <"$F/passes.jsonl" >/dev/null &&
	CG_NOW=2026-01-25T21:00:00+08:00 journal_append quarantine <"$F/cases.jsonl" >/dev/null &&
	test_line_count = 16 "$CG_HOME/$DAY"
'

test_expect_success 'the journals of the day: the same figures as from the files' '
	cg_report >out &&
	cg_report --date 2026-01-25 "$F/day.jsonl" "$F/passes.jsonl" "$F/cases.jsonl" >files.json &&
	for f in .totals .reasons .gates .hours .temperatures .fevers .visitors .cases .passes; do
		test "$(rq "$f | tojson")" = "$(rq "$f | tojson" files.json)" ||
			{ echo "$f differs" >&2; return 1; }
	done &&
	test "$(rq "[.unknown, .outside] | @tsv")" = "$(printf "0\t1")"
'

test_expect_success 'journals: each with its records, last seq, chain head, verified' '
	rq ".journals[] | [.journal, .records, .seq, .verified, .torn] | @tsv" >actual &&
	cat >expect <<-EOF &&
	journal/checkin/2026-01-25.jsonl	16	16	true	0
	journal/pass.jsonl	7	7	true	0
	journal/quarantine.jsonl	13	13	true	0
	EOF
	test_cmp expect actual &&
	test "$(rq ".journals[0].chain")" = "$(cg-checkin --verify 2026-01-25 | jq -r .chain)" &&
	test "$(rq ".journals[1].chain")" = "$(tail -n 1 "$CG_HOME/journal/pass.jsonl" | jq -r .chain)"
'

test_expect_success 'a day without a journal is no journal read' '
	cg_report --date 2026-01-20 >out &&
	test "$(rq "[.journals[].journal] | join(\",\")")" = "journal/pass.jsonl,journal/quarantine.jsonl" &&
	test "$(rq .totals.events)" = 0
'

test_expect_success 'a compressed day reads the same' '
	cg_report --date 2026-01-25 >plain.json &&
	gzip "$CG_HOME/$DAY" &&
	cg_report --date 2026-01-25 >gz.json &&
	test "$(rq ".journals[0].journal" gz.json)" = "$DAY.gz" &&
	test "$(rq "del(.journals) | tojson" gz.json)" = "$(rq "del(.journals) | tojson" plain.json)" &&
	test "$(rq ".journals[0] | del(.journal) | tojson" gz.json)" = "$(rq ".journals[0] | del(.journal) | tojson" plain.json)" &&
	gunzip "$CG_HOME/$DAY.gz"
'

test_expect_success 'days finished and compressed by cg-checkin, in a range' '
	echo "{\"gate\":\"north\",\"dir\":\"in\",\"kind\":\"resident\",\"temp\":36.5,\"mask\":true}" |
		cg-checkin --now 2026-01-26T09:00:00+08:00 >/dev/null &&
	test -f "$CG_HOME/$DAY.gz" && ! test -f "$CG_HOME/$DAY" &&
	cg_report --since 2026-01-25 --until 2026-01-26 --now 2026-01-26T10:00:00+08:00 >out &&
	test "$(rq "[.journals[].journal] | join(\",\")")" = \
		"$DAY.gz,journal/checkin/2026-01-26.jsonl,journal/pass.jsonl,journal/quarantine.jsonl" &&
	test "$(rq .totals.events)" = 16 &&
	test "$(rq "[.journals[].verified] | all")" = true
'

test_expect_success 'compressed files on the command line too' '
	gzip -c "$F/day.jsonl" >day.jsonl.gz &&
	cg_report --date 2026-01-25 day.jsonl.gz >out &&
	test "$(rq ".totals | tojson")" = "$(rq ".totals | tojson" files.json)"
'

test_expect_success 'a torn last line is set aside and counted, the journal verifies' '
	cp -R "$CG_HOME" torn-home &&
	printf "{\"ts\":\"2026-01-25T12:00:00+08:00\",\"gate\":\"nor" >>torn-home/journal/pass.jsonl &&
	cg_report --home torn-home --date 2026-01-25 >out &&
	test "$(rq ".journals[] | select(.journal == \"journal/pass.jsonl\") | [.records, .torn, .verified] | @tsv")" = \
		"$(printf "7\t1\ttrue")"
'

test_expect_success 'a journal damaged in the middle: reported, the report still made, exit 6' '
	cp -R "$CG_HOME" bad-home &&
	gunzip bad-home/$DAY.gz &&
	sed -i "5s/\"temp\":36.5/\"temp\":35.5/" bad-home/$DAY &&
	test_expect_code 6 cg_report --home bad-home --date 2026-01-25 >out 2>err &&
	echo "cg-report: $DAY:5: journal damaged: chain mismatch (the line or one before it was edited)" >expect &&
	test_cmp expect err &&
	test_must_fail cg-checkin --home bad-home --verify 2026-01-25 2>verify.err &&
	grep -q "$DAY:5: journal damaged: chain mismatch" verify.err &&
	test "$(rq ".journals[0] | [.records, .seq, .verified, .damaged_line, .reason] | @tsv")" = \
		"$(printf "15\t4\tfalse\t5\tjournal damaged: chain mismatch (the line or one before it was edited)")" &&
	test "$(rq ".warnings[0] | [.code, .journal, .line] | @tsv")" = \
		"$(printf "journal_damaged\t$DAY\t5")" &&
	test "$(rq .totals.events)" = 14
'

test_expect_success 'a line deleted or inserted: seq out of order' '
	sed -i 8d bad-home/journal/quarantine.jsonl &&
	test_expect_code 6 cg_report --home bad-home --date 2026-01-25 >out 2>err &&
	grep -q "^cg-report: journal/quarantine.jsonl:8: journal damaged: seq out of order (a line was inserted or deleted)$" err &&
	test "$(rq "[.journals[] | select(.verified | not) | .journal] | join(\",\")")" = \
		"$DAY,journal/quarantine.jsonl"
'

test_expect_success 'damage of every kind: both ways of verifying agree' '
	for edit in "3s/,\"chain\":\"/,\"chain\":\"x/" "3s/\"seq\":3,/\"seq\":,/" "3s/.*/{}/" \
		"3s/\"}$/\"} /" "3s/\"chain\":\"\(.\)/\"chain\":\"A/"; do
		rm -rf d-home && cp -R "$CG_HOME" d-home &&
		sed -i "$edit" d-home/journal/pass.jsonl &&
		test_expect_code 6 cg_report --home d-home --date 2026-01-25 >out 2>err &&
		cat err || return 1
	done >reasons &&
	cat >expect <<-EOF &&
	cg-report: journal/pass.jsonl:3: journal damaged: no chain field at the end of the line
	cg-report: journal/pass.jsonl:3: journal damaged: no seq field before the chain
	cg-report: journal/pass.jsonl:3: journal damaged: line too short for a journal record
	cg-report: journal/pass.jsonl:3: journal damaged: no chain field at the end of the line
	cg-report: journal/pass.jsonl:3: journal damaged: no chain field at the end of the line
	EOF
	test_cmp expect reasons
'

# bad LINE REASON: a file of one good check-in, LINE, and another good one.
GOOD='{"ts":"2026-01-25T09:00:00+08:00","gate":"north","dir":"in","kind":"resident","name":"张三","id_no":"110101199003074514","temp":36.5,"mask":true,"decision":"admit","reasons":[]}'

test_expect_success 'every class of bad input: FILE:LINE: reason, the others counted, exit 1' '
	{
		echo "$GOOD" &&
		echo "{\"ts\":\"2026-01-25T09:00:00+08:00\",\"gate\":\"north\"" &&
		echo "not json" &&
		echo "{\"a\":1,\"a\":2}" &&
		echo "[1,2]" &&
		printf "{\"gate\":\"n\\000\"}\n" &&
		printf "{\"name\":\"\\377\"}\n" &&
		echo "{\"ts\":\"2026-01-25T09:00:00+08:00\",\"gate\":\"north\",\"dir\":\"in\",\"kind\":\"resident\",\"decision\":\"admit\"}" &&
		echo "{\"ts\":\"2026-01-25T09:00:00+08:00\",\"gate\":7,\"dir\":\"in\",\"kind\":\"resident\",\"decision\":\"admit\",\"reasons\":[]}" &&
		echo "{\"ts\":\"25/01/2026\",\"gate\":\"north\",\"dir\":\"in\",\"kind\":\"resident\",\"decision\":\"admit\",\"reasons\":[]}" &&
		echo "{\"ts\":\"2026-01-25T09:00:00+08:00\",\"gate\":\"north\",\"dir\":\"up\",\"kind\":\"resident\",\"decision\":\"admit\",\"reasons\":[]}" &&
		echo "{\"ts\":\"2026-01-25T09:00:00+08:00\",\"gate\":\"north\",\"dir\":\"in\",\"kind\":\"alien\",\"decision\":\"admit\",\"reasons\":[]}" &&
		echo "{\"ts\":\"2026-01-25T09:00:00+08:00\",\"gate\":\"north\",\"dir\":\"in\",\"kind\":\"resident\",\"decision\":\"maybe\",\"reasons\":[]}" &&
		echo "{\"ts\":\"2026-01-25T09:00:00+08:00\",\"gate\":\"north\",\"dir\":\"in\",\"kind\":\"resident\",\"decision\":\"deny\",\"reasons\":[\"hunch\"]}" &&
		echo "{\"ts\":\"2026-01-25T09:00:00+08:00\",\"gate\":\"north\",\"dir\":\"in\",\"kind\":\"resident\",\"decision\":\"deny\",\"reasons\":\"fever\"}" &&
		echo "{\"ts\":\"2026-01-25T09:00:00+08:00\",\"gate\":\"north\",\"dir\":\"in\",\"kind\":\"resident\",\"decision\":\"admit\",\"reasons\":[],\"temp\":\"36.5\"}" &&
		echo "{\"ts\":\"2026-01-25T09:00:00+08:00\",\"gate\":\"north\",\"dir\":\"in\",\"kind\":\"resident\",\"decision\":\"admit\",\"reasons\":[],\"id_no\":\"110101199003074515\"}" &&
		echo "{\"ts\":\"2026-01-25T09:00:00+08:00\",\"gate\":\"north\",\"dir\":\"in\",\"kind\":\"resident\",\"decision\":\"admit\",\"reasons\":[],\"phone\":\"12345\"}" &&
		echo "{\"ts\":\"2026-01-25T09:00:00+08:00\",\"gate\":\"\",\"dir\":\"in\",\"kind\":\"resident\",\"decision\":\"admit\",\"reasons\":[]}" &&
		echo "{\"event\":\"issue\",\"pass_id\":\"X\",\"ts\":\"2026-01-25T09:00:00+08:00\"}" &&
		echo "{\"event\":\"open\",\"case_id\":5,\"ts\":\"2026-01-25T09:00:00+08:00\"}" &&
		echo "$GOOD" &&
		printf "%s" "{\"ts\":\"2026-01-25T09:00:00+08:00\",\"gate\":\"no"
	} >bad.jsonl &&
	test_expect_code 1 cg_report --date 2026-01-25 bad.jsonl >out 2>err &&
	cat >expect <<-\EOF &&
	cg-report: bad.jsonl:2: invalid JSON at column 49: '"'"','"'"' or '"'"'}'"'"' expected
	cg-report: bad.jsonl:3: invalid JSON at column 1: unexpected character
	cg-report: bad.jsonl:4: invalid JSON at column 8: duplicate object key
	cg-report: bad.jsonl:5: not a JSON object
	cg-report: bad.jsonl:6: NUL byte at column 11
	cg-report: bad.jsonl:7: invalid UTF-8 at column 10
	cg-report: bad.jsonl:8: missing field '"'"'reasons'"'"'
	cg-report: bad.jsonl:9: '"'"'gate'"'"' must be a string
	cg-report: bad.jsonl:10: '"'"'ts'"'"' is not an RFC 3339 time: '"'"'25/01/2026'"'"'
	cg-report: bad.jsonl:11: '"'"'dir'"'"' must be "in" or "out", not '"'"'up'"'"'
	cg-report: bad.jsonl:12: unknown kind '"'"'alien'"'"' (resident, tenant, visitor, courier, staff, vehicle)
	cg-report: bad.jsonl:13: '"'"'decision'"'"' must be admit, deny or refer, not '"'"'maybe'"'"'
	cg-report: bad.jsonl:14: unknown reason '"'"'hunch'"'"' (fever, symptoms, no_mask, courier, visitor_no_host, vehicle_unregistered, pass_invalid, quarantined, identity_check, remeasure, no_pass, risk_area, exit_quota, household_unknown)
	cg-report: bad.jsonl:15: '"'"'reasons'"'"' must be an array of strings
	cg-report: bad.jsonl:16: '"'"'temp'"'"' must be a number
	cg-report: bad.jsonl:17: invalid id_no '"'"'1101**********4515'"'"': wrong check character
	cg-report: bad.jsonl:18: invalid phone '"'"'*2345'"'"': not a mainland mobile number
	cg-report: bad.jsonl:19: '"'"'gate'"'"' must not be empty
	cg-report: bad.jsonl:20: pass '"'"'X'"'"' has no valid_from or valid_until
	cg-report: bad.jsonl:21: '"'"'case_id'"'"' must be a string
	cg-report: bad.jsonl:23: invalid JSON at column 42: unterminated string
	EOF
	test_cmp expect err &&
	test "$(rq "[.totals.events, .rejected, .unknown] | @tsv")" = "$(printf "2\t21\t0")" &&
	test "$(rq ".warnings[] | select(.code == \"rejected_records\") | .count")" = 21
'

test_expect_success '--rejects keeps every rejected line whole; --strict stops with no report' '
	test_expect_code 1 cg_report --date 2026-01-25 --rejects rejects.jsonl bad.jsonl >out 2>/dev/null &&
	test_line_count = 21 rejects.jsonl &&
	sed -n 2p bad.jsonl >expect && head -n 1 rejects.jsonl >actual && test_cmp expect actual &&
	test_expect_code 1 cg_report --date 2026-01-25 --strict bad.jsonl >out 2>err &&
	test ! -s out &&
	test_line_count = 1 err
'

test_expect_success 'a line too long is rejected, and kept whole by --rejects' '
	python3 -c "print(\"{\\\"name\\\":\\\"\" + \"x\" * 1100000 + \"\\\"}\")" >long.jsonl &&
	echo "$GOOD" >>long.jsonl &&
	test_expect_code 1 cg_report --date 2026-01-25 --rejects long-rejects long.jsonl >out 2>err &&
	echo "cg-report: long.jsonl:1: line longer than 1048576 bytes" >expect &&
	test_cmp expect err &&
	head -n 1 long.jsonl >expect &&
	cmp expect long-rejects &&
	test "$(rq ".totals.events")" = 1
'

test_expect_success 'empty input, and blank lines: a report of nothing, exit 0' '
	: >empty.jsonl &&
	cg_report --date 2026-01-25 empty.jsonl >out &&
	test "$(rq "[.totals.events, .rejected] | @tsv")" = "$(printf "0\t0")" &&
	printf "\n  \n\r\n" | cg_report --date 2026-01-25 - >out &&
	test "$(rq .rejected)" = 0
'

test_expect_success 'standard input as "-", among files' '
	grep -v hello "$F/day.jsonl" | cg_report --date 2026-01-25 - "$F/cases.jsonl" >out &&
	test "$(rq "[.totals.events, .cases.open] | @tsv")" = "$(printf "15\t3")"
'

test_expect_success '--fail-on warnings: exit 5 only when there are warnings' '
	write_config "{\"gates\":[\"north\"],\"policy\":{\"duty_hours\":[\"08:00\",\"09:00\"]}}" &&
	printf "%s\n" "$GOOD" | sed "s/09:00:00/08:30:00/" >calm.jsonl &&
	cg_report --date 2026-01-25 --fail-on warnings calm.jsonl >out &&
	test "$(rq ".warnings | length")" = 0 &&
	test_expect_code 5 cg_report --date 2026-01-25 --fail-on warnings "$F/day.jsonl" >out &&
	test -s out &&
	cg_report --date 2026-01-25 "$F/day.jsonl" >out &&
	test_expect_code 6 cg_report --home bad-home --date 2026-01-25 --fail-on warnings >out 2>/dev/null &&
	test_expect_code 5 cg_report --date 2026-01-25 --fail-on warnings bad.jsonl >out 2>/dev/null
'

test_expect_success '--fail-on SEVERITY: alerts, warnings and notices each in their place' '
	write_config "{\"gates\":[\"north\"],\"policy\":{\"duty_hours\":[\"08:00\",\"09:00\"]}}" &&
	printf "%s\n" "$GOOD" | sed "s/09:00:00/08:30:00/; s/\"temp\":[0-9.]*/\"temp\":38.2/" >hot.jsonl &&
	test_expect_code 5 cg_report --date 2026-01-25 --fail-on alert hot.jsonl >out &&
	test "$(rq "[.warnings[] | .code + \" \" + .severity] | join(\",\")")" = "fever_at_gate alert" &&
	test "$(rq "[.fever.persons, .fever.readings] | @tsv")" = "$(printf "1\t1")" &&
	write_config "{\"gates\":[\"north\"],\"policy\":{\"duty_hours\":[\"08:00\",\"12:00\"]}}" &&
	cg_report --date 2026-01-25 --fail-on alert calm.jsonl >out &&
	test "$(rq "[.warnings[] | .code + \" \" + .severity] | join(\",\")")" = "gate_unattended warning" &&
	test_expect_code 5 cg_report --date 2026-01-25 --fail-on warning calm.jsonl >out &&
	mkdir -m 700 quiet-home && echo "{\"gates\":[]}" >quiet-home/config.json &&
	cg_report --home quiet-home --date 2026-01-25 --fail-on warning empty.jsonl >out &&
	test "$(rq "[.warnings[] | .code + \" \" + .severity] | join(\",\")")" = "no_checkins notice" &&
	test_expect_code 5 cg_report --home quiet-home --date 2026-01-25 --fail-on notice empty.jsonl >out
'

test_expect_success 'usage errors exit 2' '
	test_expect_code 2 cg-report --date 2026-13-01 2>err && grep -q "invalid date" err &&
	test_expect_code 2 cg-report --since 2026-01-25 --until 2026-01-24 2>err && grep -q "before --since" err &&
	test_expect_code 2 cg-report --until 2026-01-24 2>err && grep -q "goes with --since" err &&
	test_expect_code 2 cg-report --date today --since yesterday 2>err && grep -q "excludes" err &&
	test_expect_code 2 cg-report --fail-on errors 2>err && grep -q "takes .alert., .warning. or .notice." err &&
	test_expect_code 2 cg-report --now yesterday 2>err && grep -q "invalid time" err &&
	test_expect_code 2 cg-report --bogus 2>err && grep -q "Try .cg-report --help." err
'

test_expect_success 'today and yesterday follow the clock' '
	cg_report --date yesterday --now 2026-01-26T08:00:00+08:00 >out &&
	test "$(rq .date)" = 2026-01-25 &&
	cg_report --now 2026-01-26T08:00:00+08:00 >out &&
	test "$(rq .date)" = 2026-01-26
'

test_expect_success 'a missing file, an unreadable data directory: exit 3' '
	test_expect_code 3 cg-report nosuch.jsonl 2>err &&
	grep -q "cannot open .nosuch.jsonl." err
'

test_expect_success '-v: a summary on standard error; -q and no terminal: nothing else' '
	cg_report --date 2026-01-25 -v "$F/day.jsonl" >out 2>err &&
	grep -q "^cg-report: 15 check-ins, 0 pass events, 0 case events, 1 unknown, 1 outside the period, 0 rejected; 0 journals, [0-9]* warnings; " err &&
	cg_report --date 2026-01-25 "$F/day.jsonl" >out 2>err &&
	test ! -s err
'

test_expect_success 'a write error is an error' '
	if test -w /dev/full; then
		test_expect_code 3 cg-report --date 2026-01-25 "$F/day.jsonl" >/dev/full 2>err &&
		grep -q "cannot write" err
	fi
'

test_reports_valid
test_done
