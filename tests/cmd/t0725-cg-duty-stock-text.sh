#!/bin/sh
test_description='cg-duty stock levels: a table on a terminal or with --format text; JSON lines to a pipe'
. "${0%/*}/../lib/test-lib.sh"

T=2026-01-27T08:00:00+08:00

test_expect_success 'setup: masks in and out, disinfectant in, a minimum' '
	write_config "{\"duty\":{\"stock\":{\"口罩\":{\"unit\":\"piece\",\"min\":400}}}}" &&
	echo "{\"item\":\"口罩\",\"qty\":500,\"op\":\"receive\"}" |
		cg-duty stock --now 2026-01-25T08:00:00+08:00 >/dev/null &&
	echo "{\"item\":\"口罩\",\"qty\":120,\"op\":\"issue\",\"to\":\"north\"}" |
		cg-duty stock --now 2026-01-26T08:00:00+08:00 >/dev/null &&
	echo "{\"item\":\"disinfectant\",\"qty\":20,\"unit\":\"L\",\"op\":\"receive\"}" |
		cg-duty stock --now 2026-01-26T08:00:00+08:00 >/dev/null
'

test_expect_success 'stock --format text with no input: a line an item, the low one marked' '
	cg-duty stock --format text --now $T </dev/null >actual 2>err &&
	cat >expect <<-\EOF &&
	item          level  unit   minimum  issued in 7 days  a day  days left
	口罩            380  piece      400               120  17.14         22  supplies low
	disinfectant     20  L                              0      0
	EOF
	test_cmp expect actual &&
	grep -q "under its minimum" err &&
	cg-duty stock --format txt --now $T </dev/null >txt 2>/dev/null &&
	test_cmp expect txt
'

test_expect_success 'to a pipe, and with --format json: JSON lines as before' '
	cg-duty stock --now $T </dev/null >pipe 2>/dev/null &&
	cg-duty stock --format json --now $T </dev/null >json 2>/dev/null &&
	test_cmp pipe json &&
	test_line_count = 2 json &&
	grep -q "^{\"item\":\"口罩\",\"level\":380.0,.*\"low\":true,\"severity\":\"warning\"}\$" json
'

test_expect_success PYTHON,PLAIN_BUILD 'on a terminal: text, as --format text prints it' '
	python3 "$SRC_DIR/tests/lib/ttyout.py" cg-duty stock --now $T </dev/null >tty 2>/dev/null &&
	cg-duty stock --format text --now $T </dev/null >text 2>/dev/null &&
	test_cmp text tty
'

test_expect_success 'zh_CN: the headings in Chinese' '
	LANGUAGE=zh_CN LC_ALL=zh_CN.UTF-8 cg-duty stock --format text --now $T </dev/null >zh 2>/dev/null &&
	head -n 1 zh | grep -q "^物资 *库存 *单位 *最低库存" &&
	grep -q "^口罩 .* 22  物资不足\$" zh
'

test_expect_success 'a bad --format lists the formats; records read stay JSON' '
	test_expect_code 2 cg-duty stock --format csv </dev/null 2>err &&
	grep -q "^cg-duty: unknown format .csv. for --format (text, json)\$" err &&
	echo "{\"item\":\"口罩\",\"qty\":10,\"op\":\"issue\"}" |
		cg-duty stock --format text -n --now $T >out &&
	grep -q "^{.*\"item\":\"口罩\"" out
'

test_done
