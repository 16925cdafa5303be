#!/bin/sh
test_description='cg-quarantine trace: gate records as corrected; the hosts of an index person who came as a visitor'
. "${0%/*}/../lib/test-lib.sh"
. "$SRC_DIR/tests/fixtures/trace/fortnight.sh"

NOW=2026-01-25T12:00:00+08:00

# trace [OPTION...]: trace at NOW; contacts in short form.
trace() {
	cg-quarantine trace --now $NOW "$@" >trace.out &&
	jq -c "[.name, .rank, [.why[] | .code], ([.why[] | .minutes // empty] | min)]" trace.out
}

# void/amend DATE/SEQ AT [--set F=V]: a correction made at AT (journaled
# in AT's day).
void() {
	cg-checkin --now "$2" --void "$1" --reason "recorded by mistake" --by guard >/dev/null
}
amend() {
	at=$2 && rid=$1 && shift 2 &&
	cg-checkin --now "$at" --amend "$rid" "$@" --reason "typed wrong" --by guard >/dev/null
}

# 2026-01-20: 张三 north 08:00; 赵六 north 08:05 (voided the day after);
# 钱七 "south" 08:10 (amended to north on 01-23, after the period of
# onset 01-20); 孙八 at 09:00 journaled in 张三's household (amended to
# his own the same evening).  2026-01-22: 张三 north 10:00 (voided the
# same day), 吴十 north 10:05.  2026-01-21: 卫, a visitor, to 6-1-101,
# where 陈 and 蒋 live.
test_expect_success 'setup: the gate records, then their corrections on the same and later days' '
	{ ev 2026-01-19 07:00:00 north resident 陈 $CH 6-1-101 &&
	  ev 2026-01-19 18:00:00 south resident 蒋 $JI 6-1-101; } | day 2026-01-19 &&
	{ ev 2026-01-20 08:00:00 north resident 张三 $ZS 3-2-501 &&
	  ev 2026-01-20 08:05:00 north resident 赵六 $ZL 4-1-101 &&
	  ev 2026-01-20 08:10:00 south resident 钱七 $QQ 9-1-101 &&
	  ev 2026-01-20 09:00:00 north resident 孙八 $SB 3-2-501; } | day 2026-01-20 &&
	amend 2026-01-20/4 2026-01-20T20:00:00+08:00 --set household=8-1-101 &&
	printf "{\"ts\":\"2026-01-21T15:00:00+08:00\",\"gate\":\"south\",\"dir\":\"in\",\"kind\":\"visitor\",\"name\":\"卫\",\"id_no\":\"$WEI\",\"host\":\"6-1-101\",\"temp\":36.5,\"mask\":true}\n" |
		day 2026-01-21 &&
	void 2026-01-20/2 2026-01-21T16:00:00+08:00 &&
	{ ev 2026-01-22 10:00:00 north resident 张三 $ZS 3-2-501 &&
	  ev 2026-01-22 10:05:00 north resident 吴十 $WS 5-1-101; } | day 2026-01-22 &&
	void 2026-01-22/1 2026-01-22T11:00:00+08:00 &&
	amend 2026-01-20/3 2026-01-23T09:00:00+08:00 --set gate=north &&
	test -f $CG_HOME/journal/checkin/2026-01-20.jsonl.gz &&
	test -f $CG_HOME/journal/checkin/2026-01-23.jsonl
'

test_expect_success 'voided records find nobody, amended ones count as amended' '
	echo "{\"id_no\":\"$ZS\"}" | trace >actual &&
	echo "[\"钱七\",3,[\"same_gate_window\"],10]" >expect &&
	test_cmp expect actual &&
	test "$(jq -r ".why[0] | .gate, .contact_at" trace.out)" = \
		"$(printf "north\n2026-01-20T08:10:00+08:00")"
'

test_expect_success 'a correction journaled after the period is read for it (onset 01-20, amended 01-23)' '
	echo "{\"id_no\":\"$ZS\"}" | trace --onset 2026-01-20 >actual &&
	echo "[\"钱七\",3,[\"same_gate_window\"],10]" >expect &&
	test_cmp expect actual
'

test_expect_success 'the index person known only from a voided record is unknown' '
	echo "{\"id_no\":\"$ZL\"}" | test_expect_code 1 cg-quarantine trace --now $NOW >out 2>err &&
	grep -q "^cg-quarantine: stdin:1: unknown person" err &&
	test_must_fail test -s out
'

test_expect_success 'an index person who came as a visitor: the household they visited are contacts' '
	echo "{\"id_no\":\"$WEI\"}" | trace >actual &&
	cat >expect <<-\EOF &&
	["陈",2,["visited_by_index"],null]
	["蒋",2,["visited_by_index"],null]
	EOF
	test_cmp expect actual &&
	test "$(jq -c "select(.name == \"陈\") | [.start, .why[0].household, .why[0].gate, .why[0].index_at, .why[0].index, .index.name]" trace.out)" = \
		"[\"2026-01-21\",\"6-1-101\",\"south\",\"2026-01-21T15:00:00+08:00\",\"id:$WEI\",\"卫\"]"
'

test_expect_success '--dry-run counts them apart from the visitors hosted' '
	echo "{\"id_no\":\"$WEI\"}" | cg-quarantine trace --dry-run --now $NOW >out 2>err &&
	test "$(jq -c "[.hosted_visitor, .visited_by_index, .contacts]" out)" = "[0,2,2]" &&
	grep -q "^cg-quarantine: 1 index persons, 2 contacts (0 same household, 0 hosted visitors, 2 visited by the index, 0 same gate window, 0 secondary), 0 already under observation$" err
'

J=$CG_HOME/journal/checkin

test_expect_success 'damage in a compressed day amid the period stops the trace (exit 6), whichever reader has it' '
	for d in 19 20; do
		cp $J/2026-01-$d.jsonl.gz saved-$d.gz &&
		zcat saved-$d.gz | sed "1s/36.5/36.6/" | gzip >$J/2026-01-$d.jsonl.gz &&
		echo "{\"id_no\":\"$ZS\"}" | test_expect_code 6 cg-quarantine trace --now $NOW >out 2>err &&
		grep -q "journal/checkin/2026-01-$d.jsonl.gz:1: journal damaged" err &&
		cp saved-$d.gz $J/2026-01-$d.jsonl.gz || return 1
	done
'

test_expect_success 'a torn last line is set aside with a warning; the trace goes on' '
	cp $J/2026-01-23.jsonl saved-23 &&
	printf "{\"ts\":\"2026-01-23T10:00:00+08:00\",\"gate\":\"north\"" >>$J/2026-01-23.jsonl &&
	echo "{\"id_no\":\"$ZS\"}" | trace >actual 2>err &&
	echo "[\"钱七\",3,[\"same_gate_window\"],10]" >expect &&
	test_cmp expect actual &&
	grep -q "2026-01-23.jsonl: a torn last line was set aside" err &&
	cp saved-23 $J/2026-01-23.jsonl
'

# A day of 1,600 passages at the north gate, one a second from 14:00:00,
# journaled at once: the readers hand it over in several batches.
test_expect_success 'a day of many passages: everyone within the window of the index, none lost between batches' '
	CG_HOME=$TRASH/busy && export CG_HOME &&
	awk "BEGIN { for (i = 0; i < 1600; i++)
		printf \"{\\\"ts\\\":\\\"2026-01-24T%02d:%02d:%02d+08:00\\\",\\\"gate\\\":\\\"north\\\",\\\"dir\\\":\\\"in\\\",\\\"kind\\\":\\\"resident\\\",\\\"name\\\":\\\"居民%d\\\",\\\"phone\\\":\\\"139%08d\\\",\\\"household\\\":\\\"%d-1-101\\\",\\\"temp\\\":36.5,\\\"mask\\\":true}\\n\",
			14 + int(i / 3600), int(i / 60) % 60, i % 60, i, i, i + 1 }" |
		day 2026-01-24 &&
	echo "{\"phone\":\"13900001250\"}" | cg-quarantine trace --dry-run --now $NOW >out &&
	test "$(jq -c "[.contacts, .same_gate_window, .events]" out)" = "[1249,1249,1600]" &&
	echo "{\"phone\":\"13900001250\"}" | cg-quarantine trace --now $NOW >out &&
	test "$(jq -r .name out | sort -u | wc -l)" = 1249 &&
	test "$(jq -r .name out | sed -n "1p;\$p" | tr "\n" " ")" = "居民1191 居民350 "
'

# A record that names nobody (a vehicle: no ID number, phone or name) is
# nobody's passage, and is not kept by the readers; amended to name
# someone, it is that person's, as every record counts as it stands.
test_expect_success 'a record that named nobody, amended to name someone, is theirs' '
	CG_HOME=$TRASH/nobody && export CG_HOME &&
	{ ev 2026-01-20 08:00:00 north resident 张三 $ZS 3-2-501 &&
	  printf "{\"ts\":\"2026-01-20T08:03:00+08:00\",\"gate\":\"north\",\"dir\":\"in\",\"kind\":\"vehicle\",\"plate\":\"京A12345\",\"household\":\"7-1-101\"}\n" &&
	  printf "{\"ts\":\"2026-01-20T08:04:00+08:00\",\"gate\":\"north\",\"dir\":\"in\",\"kind\":\"vehicle\",\"plate\":\"京A54321\",\"household\":\"7-1-102\"}\n"; } |
		day 2026-01-20 &&
	echo "{\"id_no\":\"$ZS\"}" | trace >actual &&
	test ! -s actual &&
	amend 2026-01-20/2 2026-01-20T20:00:00+08:00 --set name=钱七 --set id_no=$QQ &&
	echo "{\"id_no\":\"$ZS\"}" | trace >actual &&
	echo "[\"钱七\",3,[\"same_gate_window\"],3]" >expect &&
	test_cmp expect actual
'

test_done
