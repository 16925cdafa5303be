#!/bin/sh
test_description='cg-quarantine due, list, show: aligned, translated, masked text on a terminal or with --format text; JSON lines to a pipe'
. "${0%/*}/../lib/test-lib.sh"

D=2026-01-25
LATE=${D}T21:00:00+08:00

# on_tty CMD...: CMD with its standard output on a pseudo-terminal.
on_tty() {
	python3 "$SRC_DIR/tests/lib/ttyout.py" "$@"
}

zh() {
	LANGUAGE=zh_CN LC_ALL=zh_CN.UTF-8 "$@"
}

test_expect_success 'setup: two cases, a fever, a need' '
	printf "%s\n" "{\"name\":\"张三\",\"phone\":\"13912345678\",\"household\":\"3-2-501\",\"reason\":\"close_contact\",\"officer\":\"王五\"}" \
		"{\"name\":\"欧阳娜娜\",\"id_no\":\"110101199003074514\",\"household\":\"12-1-1201\",\"reason\":\"risk_area_return\",\"from\":\"武汉市\"}" |
		cg-quarantine open --now ${D}T07:00:00+08:00 >/dev/null &&
	echo "{\"case_id\":\"Q260125-001\",\"temp\":37.6,\"symptoms\":[\"cough\"]}" |
		cg-quarantine check --now ${D}T08:30:00+08:00 >/dev/null &&
	echo "{\"case_id\":\"Q260125-002\",\"need\":\"supplies\",\"what\":\"米\"}" |
		cg-quarantine need --now ${D}T09:00:00+08:00 >/dev/null
'

test_expect_success 'list --format text: a line a case, aligned, names masked' '
	cg-quarantine list --format text --now $LATE >actual &&
	cat >expect <<-\EOF &&
	case         status     name   household  reason                 start       end         officer  checks  last check        needs
	Q260125-001  escalated  张*    3-2-501    close contact          2026-01-25  2026-02-07  王*           1  2026-01-25 08:30      0
	Q260125-002  open       欧***  12-1-1201  back from a risk area  2026-01-25  2026-02-07                0                        1
	EOF
	test_cmp expect actual
'

test_expect_success 'due --format txt: the windows done and missed, the needs' '
	cg-quarantine due --format txt --now $LATE >actual &&
	cat >expect <<-\EOF &&
	case         name   household   day  status     due  done         missed  needs  note  officer
	Q260125-001  张*    3-2-501    1/14  escalated       06:00-10:00  1           0        王*
	Q260125-002  欧***  12-1-1201  1/14  open                         2           1
	EOF
	test_cmp expect actual
'

test_expect_success 'show --format text: the case, then its checks, needs and history' '
	cg-quarantine show --format text --now $LATE Q260125-001 Q260125-002 >actual &&
	cat >expect <<-\EOF &&
	case       Q260125-001
	status     escalated
	name       张*
	phone      139****5678
	household  3-2-501
	reason     close contact
	period     2026-01-25 to 2026-02-07 (14 days)
	officer    王*
	opened     2026-01-25 07:00
	escalated  2026-01-25 08:30 (fever)
	checks     1 (alerts 1, needs open 0)

	Checks:
	time              day  window       temp  symptoms  result
	2026-01-25 08:30  1    06:00-10:00  37.6  cough     alert

	Needs:
	(nothing to list)

	History:
	time              event      detail
	2026-01-25 07:00  opened
	2026-01-25 08:30  escalated  fever, 37.6 °C
	2026-01-25 08:30  alert      37.6 °C, fever, symptoms

	case       Q260125-002
	status     open
	name       欧***
	ID number  1101**********4514
	household  12-1-1201
	reason     back from a risk area
	came from  武汉市
	period     2026-01-25 to 2026-02-07 (14 days)
	opened     2026-01-25 07:00
	checks     0 (alerts 0, needs open 1)

	Checks:
	(nothing to list)

	Needs:
	time              need id         need      what  status
	2026-01-25 09:00  Q260125-002-N1  supplies  米    open need

	History:
	time              event   detail
	2026-01-25 07:00  opened

	EOF
	test_cmp expect actual
'

test_expect_success 'release --explain --format text: each case, a line a reason; nothing released' '
	cg-quarantine release --explain --format text --now 2026-02-09T09:00:00+08:00 >actual &&
	cat >expect <<-\EOF &&
	case         name   household  status     end         why not released
	Q260125-001  张*    3-2-501    escalated  2026-02-07  the case is escalated: close it (transferred, hospital) once dealt with
	                                                      1 check(s) recorded, the policy wants the last 2 normal
	                                                      no check in the final day'"'"'s window(s) 2026-02-07 06:00-10:00, 2026-02-07 16:00-20:00 (see --no-final-day-check)
	Q260125-002  欧***  12-1-1201  open       2026-02-07  0 check(s) recorded, the policy wants the last 2 normal
	                                                      no check in the final day'"'"'s window(s) 2026-02-07 06:00-10:00, 2026-02-07 16:00-20:00 (see --no-final-day-check)
	EOF
	test_cmp expect actual &&
	cg-quarantine release --explain --now 2026-02-09T09:00:00+08:00 >pipe &&
	cg-quarantine release --explain --format json --now 2026-02-09T09:00:00+08:00 >json &&
	test_cmp pipe json &&
	test "$(grep -c "^{.*\"name\":\"张三\".*\"releasable\":false" json)" = 1 &&
	test "$(cg-quarantine list --status active --format json | wc -l)" = 2 &&
	test_expect_code 2 cg-quarantine release --format text 2>err &&
	grep -q "^cg-quarantine: --format goes with --explain\$" err
'

test_expect_success 'to a pipe, and with --format json: JSON lines as before' '
	for sub in list due "show Q260125-001"; do
		cg-quarantine $sub --now $LATE >pipe &&
		cg-quarantine $sub --now $LATE --format json >json &&
		test_cmp pipe json &&
		test -s json &&
		! grep -v "^{\"compound\":\"DEMO-0001\",.*}\$" json || return 1
	done &&
	grep -q "\"name\":\"张三\"" pipe
'

test_expect_success PYTHON,PLAIN_BUILD 'on a terminal: text, as --format text prints it' '
	for sub in list due "show Q260125-002"; do
		on_tty cg-quarantine $sub --now $LATE >tty &&
		cg-quarantine $sub --now $LATE --format text >text &&
		test_cmp text tty || return 1
	done &&
	on_tty cg-quarantine list --now $LATE --format json >tty &&
	grep -q "^{\"compound\"" tty
'

test_expect_success 'zh_CN: headings, statuses, reasons and results in Chinese' '
	zh cg-quarantine list --format text --now $LATE >actual &&
	head -n 1 actual | grep -q "^个案 *状态 *姓名 *住户" &&
	grep -q "^Q260125-001  已升级处置  张\* *3-2-501 *密切接触者" actual &&
	grep -q "^Q260125-002  观察中 *欧\*\*\* *12-1-1201 *风险地区返回" actual &&
	zh cg-quarantine show --format text --now $LATE Q260125-001 >actual &&
	grep -q "^观察期 *2026-01-25 至 2026-02-07（14 天）\$" actual &&
	grep -q "^2026-01-25 08:30  1 *06:00-10:00  37.6  咳嗽 *警报\$" actual &&
	grep -q "^2026-01-25 08:30  已升级处置  发热, 37.6 °C\$" actual &&
	grep -q "^（无）\$" actual &&
	zh cg-quarantine show --format text --now $LATE Q260125-002 >actual &&
	grep -q "^2026-01-25 09:00  Q260125-002-N1  物资  米  *待办\$" actual
'

test_expect_success 'no name, phone or ID number in full in any text' '
	for sub in list due "show Q260125-001 Q260125-002"; do
		cg-quarantine $sub --format text --now $LATE || return 1
	done >all &&
	cg-quarantine release --explain --format text --now 2026-02-09T09:00:00+08:00 >>all &&
	grep -q "^Q260125-002  欧\*\*\*" all &&
	! grep -e 张三 -e 欧阳娜娜 -e 13912345678 -e 110101199003074514 -e 王五 all
'

test_expect_success 'a bad --format is a usage error that lists the formats' '
	test_expect_code 2 cg-quarantine list --format xml 2>err &&
	grep -q "^cg-quarantine: unknown format .xml. for --format (text, json)\$" err &&
	test_expect_code 2 cg-quarantine due --format csv 2>err &&
	grep -q "^cg-quarantine: unknown format .csv. for --format (text, json, html)\$" err &&
	test_expect_code 2 cg-quarantine show --format "" Q260125-001 2>err &&
	grep -q "(text, json)\$" err &&
	test_expect_code 2 cg-quarantine open --format text </dev/null 2>err &&
	grep -q "format" err
'

test_done
