#!/bin/sh
test_description='cg-checkin: an event_id makes an event idempotent, across runs and processes'
. "${0%/*}/../lib/test-lib.sh"

J=$CG_HOME/journal/checkin

# ev ID [TEMP]: a resident coming in, from a device that numbers its events.
ev() {
	printf '{"event_id":"%s","gate":"north","dir":"in","kind":"resident","name":"张三","id_no":"110101199003074514","household":"3-2-501","temp":%s,"mask":true}\n' "$1" "${2:-36.5}"
}

summary() {
	jq -r '[.event_id, (.seq|tostring), (.existing // false | tostring), .decision] | join(" ")' "$1"
}

test_expect_success 'the same id again: the first decision, "existing": true, nothing journaled' '
	{ ev d-1; ev d-1 38.5; ev d-2; } | cg-checkin --now "$NOW" >out &&
	summary out >actual &&
	cat >expect <<-EOF &&
	d-1 1 false admit
	d-1 1 true admit
	d-2 2 false admit
	EOF
	test_cmp expect actual &&
	test_line_count = 2 "$J/2026-01-25.jsonl"
'

test_expect_success 'in a later run, and the day after; not two days after' '
	ev d-1 39.0 | cg-checkin --now "$NOW" >out &&
	test "$(summary out)" = "d-1 1 true admit" &&
	head -n 1 "$J/2026-01-25.jsonl" | jq -c ". + {existing: true}" >expect &&
	test_cmp expect out &&
	ev d-2 | cg-checkin --now 2026-01-26T07:00:00+08:00 >out &&
	test "$(summary out)" = "d-2 2 true admit" &&
	ev d-2 | cg-checkin --now 2026-01-27T07:00:00+08:00 >out &&
	test "$(summary out)" = "d-2 1 false admit"
'

test_expect_success 'the index deleted: ids are found in the journals again' '
	rm -rf "$CG_HOME/index" &&
	ev d-2 | cg-checkin --now 2026-01-27T08:00:00+08:00 >out &&
	test "$(summary out)" = "d-2 1 true admit" &&
	ev d-1 | cg-checkin --dry-run --now 2026-01-26T08:00:00+08:00 >out &&
	test "$(summary out)" = "d-1 1 true admit"
'

test_expect_success 'an id journaled by another writer is found' '
	ev w-1 | cg-checkin --dry-run --now 2026-01-27T09:00:00+08:00 |
	CG_NOW=2026-01-27T09:00:00+08:00 journal_append checkin >/dev/null &&
	ev w-1 | cg-checkin --now 2026-01-27T09:00:00+08:00 >out &&
	test "$(summary out)" = "w-1 2 true admit"
'

test_expect_success 'bad ids are rejected with FILE:LINE' '
	printf "%s\n" "{\"event_id\":5,\"gate\":\"north\"}" "{\"event_id\":\"\",\"gate\":\"north\"}" "{\"event_id\":null}" |
	test_expect_code 1 cg-checkin --now "$NOW" >out 2>err &&
	test_must_fail test -s out &&
	cat >expect <<-EOF &&
	cg-checkin: stdin:1: '\''event_id'\'' must be a non-empty string
	cg-checkin: stdin:2: '\''event_id'\'' must be a non-empty string
	cg-checkin: stdin:3: '\''event_id'\'' must be a non-empty string
	EOF
	test_cmp expect err
'

test_expect_success 'four processes sending the same ids, ten rounds: each id journaled once' '
	D=2026-01-28T08:00:00+08:00 &&
	for round in 0 1 2 3 4 5 6 7 8 9; do
		for r in 1 2 3 4; do
			{ for i in 1 2 3 4 5 6 7 8 9 10; do ev "r$round-$i"; done |
			  cg-checkin --now "$D" >o.$round.$r 2>e.$round.$r
			  echo $? >c.$round.$r; } &
		done
		wait
		for r in 1 2 3 4; do
			test "$(cat c.$round.$r)" = 0 && ! test -s e.$round.$r &&
			test_line_count = 10 o.$round.$r || return 1
		done
	done &&
	test_line_count = 100 "$J/2026-01-28.jsonl" &&
	jq -r .event_id "$J/2026-01-28.jsonl" | sort -u | wc -l >n && test "$(cat n)" = 100 &&
	cat o.* | jq -r "select(.existing != true) | .event_id" | sort | uniq -c | awk "\$1 != 1" >dup &&
	test_must_fail test -s dup &&
	cat o.* | jq -r "select(.existing == true)" | jq -s length >n && test "$(cat n)" = 300 &&
	cat o.* | jq -r "[.event_id, .seq] | @tsv" | sort -u | wc -l >n && test "$(cat n)" = 100 &&
	cg-checkin --verify 2026-01-28 >/dev/null
'

# Past 1 MiB a batch is committed and its sync runs while the next one is
# decided: an id repeated then is found in that batch, printed after it.
test_expect_success 'ids repeated after a batch committed behind: in order, journaled once' '
	awk "BEGIN { pad = sprintf(\"%0300d\", 0)
		for (i = 0; i < 8000; i++) {
			id = i < 7000 ? \"b-\" i : \"b-\" (i - 7000) * 3
			printf(\"{\\\"event_id\\\":\\\"%s\\\",\\\"gate\\\":\\\"north\\\",\\\"dir\\\":\\\"in\\\",\\\"kind\\\":\\\"staff\\\",\\\"temp\\\":36.5,\\\"mask\\\":true,\\\"x_n\\\":%d,\\\"x_pad\\\":\\\"%s\\\"}\\n\", id, i, pad) } }" >big &&
	cg-checkin --now 2026-01-29T08:00:00+08:00 <big >out 2>err &&
	! test -s err &&
	test "$(wc -c <"$J/2026-01-29.jsonl")" -gt $((2 * 1024 * 1024)) &&
	test_line_count = 7000 "$J/2026-01-29.jsonl" &&
	test_line_count = 8000 out &&
	jq -r .x_n out >got &&
	awk "BEGIN { for (i = 0; i < 8000; i++) print i < 7000 ? i : (i - 7000) * 3 }" >want &&
	test_cmp want got &&
	jq -r "select(.existing == true) | .seq" out >seqs &&
	awk "BEGIN { for (i = 0; i < 1000; i++) print i * 3 + 1 }" >want && test_cmp want seqs &&
	head -n 7000 out >first && test_cmp "$J/2026-01-29.jsonl" first
'

test_done
