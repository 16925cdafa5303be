#!/bin/sh
test_description='cg-pass list and verify: aligned, translated, masked text on a terminal or with --format text; JSON lines to a pipe'
. "${0%/*}/../lib/test-lib.sh"

LATER=2026-01-26T08:00:00+08:00

on_tty() {
	python3 "$SRC_DIR/tests/lib/ttyout.py" "$@"
}

zh() {
	LANGUAGE=zh_CN LC_ALL=zh_CN.UTF-8 "$@"
}

test_expect_success JQ 'setup: a resident, a visitor (revoked) and a vehicle pass' '
	printf "%s\n" "{\"name\":\"张三\",\"id_no\":\"110101199003074514\",\"household\":\"3-2-501\"}" \
		"{\"name\":\"李四\",\"phone\":\"13812348000\",\"household\":\"3-2-502\",\"class\":\"visitor\"}" \
		"{\"plate\":\"京A12345\",\"household\":\"1-1-101\",\"kind\":\"vehicle\"}" |
		cg-pass issue --now "$NOW" >passes &&
	jq -r .pass_id passes >ids &&
	cg-pass revoke --reason lost "$(sed -n 2p ids)" --now "$NOW" >/dev/null &&
	{ jq -r .token passes; echo garbage; } >scans
'

test_expect_success JQ 'list --format text: a line a pass, statuses, holders masked' '
	cg-pass list --format text --now $LATER >actual &&
	cat >expect <<-EOF &&
	pass         class     status   holder    household  valid from        valid until
	$(sed -n 1p ids)  resident  valid    张*       3-2-501    2026-01-25 08:00  2027-01-25 00:00
	$(sed -n 2p ids)  visitor   revoked  李*       3-2-502    2026-01-25 08:00  2026-01-26 00:00
	$(sed -n 3p ids)  vehicle   valid    京A12345  1-1-101    2026-01-25 08:00  2027-01-25 00:00
	EOF
	test_cmp expect actual
'

test_expect_success JQ 'verify --format txt: a verdict a line, the reason when invalid' '
	cg-pass verify --format txt --now $LATER <scans >actual &&
	cat >expect <<-EOF &&
	VALID                     $(sed -n 1p ids)  resident  3-2-501     until 2027-01-25 00:00
	INVALID   revoked         $(sed -n 2p ids)  visitor   3-2-502     until 2026-01-26 00:00
	VALID                     $(sed -n 3p ids)  vehicle               until 2027-01-25 00:00
	INVALID   unreadable      -
	EOF
	test_cmp expect actual
'

test_expect_success JQ 'verify offline at a gate (--pubkey, --revocations): the same verdicts' '
	cg-pass key export >gate.pub &&
	cg-pass revocations >revoked.jsonl &&
	CG_HOME=$TRASH/nowhere cg-pass verify --pubkey gate.pub --revocations revoked.jsonl \
		--format text --now $LATER <scans >offline &&
	test ! -e "$TRASH/nowhere" &&
	cut -c 1-26 offline >actual &&
	printf "%s\n" "VALID" "INVALID   revoked" "VALID" "INVALID   unreadable" >expect &&
	sed "s/ *\$//" actual >trimmed &&
	test_cmp expect trimmed &&
	grep -q "^VALID  .* $(sed -n 1p ids)  resident  3-2-501     until 2027-01-25 00:00\$" offline
'

test_expect_success 'to a pipe, and with --format json: JSON lines as before' '
	cg-pass list --now $LATER >pipe &&
	cg-pass list --now $LATER --format json >json &&
	test_cmp pipe json &&
	test_line_count = 3 json &&
	grep -q "\"name\":\"张三\"" json &&
	cg-pass verify --now $LATER <scans >pipe &&
	cg-pass verify --now $LATER --format json <scans >json &&
	test_cmp pipe json &&
	test "$(grep -c "^{\"pass\":" json)" = 4
'

test_expect_success PYTHON,PLAIN_BUILD 'on a terminal: text, as --format text prints it' '
	on_tty cg-pass list --now $LATER >tty &&
	cg-pass list --now $LATER --format text >text &&
	test_cmp text tty &&
	on_tty cg-pass verify --now $LATER <scans >tty &&
	cg-pass verify --now $LATER --format text <scans >text &&
	test_cmp text tty &&
	on_tty cg-pass verify --now $LATER --format json <scans >tty &&
	test "$(grep -c "^{\"pass\":" tty)" = 4
'

test_expect_success 'zh_CN: classes, statuses and verdicts in Chinese; nothing in full' '
	zh cg-pass list --format text --now $LATER >actual &&
	head -n 1 actual | grep -q "^出入证 *类别 *状态 *持证人" &&
	grep -q "  访客  已吊销  李\*  " actual &&
	grep -q "  居民  有效  *张\*  " actual &&
	zh cg-pass verify --format text --now $LATER <scans >verdicts &&
	grep -q "^有效  " verdicts &&
	grep -q "^无效  *已吊销  " verdicts &&
	grep -q "^无效  *无法识别  *-\$" verdicts &&
	! grep -e 张三 -e 李四 -e 13812348000 -e 110101199003074514 actual verdicts
'

test_expect_success 'a bad --format is a usage error that lists the formats' '
	test_expect_code 2 cg-pass list --format html 2>err &&
	grep -q "^cg-pass: unknown format .html. for --format (text, json)\$" err &&
	test_expect_code 2 cg-pass verify --format svg </dev/null 2>err &&
	grep -q "(text, json)\$" err &&
	test_expect_code 2 cg-pass print --format json </dev/null 2>err &&
	grep -q "^cg-pass: unknown format .json. for --format (html, svg, text)\$" err
'

test_done
