#!/bin/sh
test_description='cg-journal verify: a line a journal for a person on a terminal or with --format text; JSON lines to a pipe'
. "${0%/*}/../lib/test-lib.sh"

test_expect_success 'setup: a check-in day, two passes, a checkpoint, then one more pass' '
	echo "{\"gate\":\"north\",\"dir\":\"in\",\"kind\":\"resident\",\"name\":\"张三\",\"household\":\"3-2-501\",\"temp\":36.5,\"mask\":true}" |
		cg-checkin --now "$NOW" >/dev/null &&
	printf "%s\n" "{\"name\":\"张三\",\"household\":\"3-2-501\"}" "{\"name\":\"李四\",\"household\":\"3-2-502\"}" |
		cg-pass issue --now "$NOW" >/dev/null &&
	cg-journal checkpoint pass >signed.jsonl &&
	echo "{\"name\":\"王五\",\"household\":\"3-2-503\"}" | cg-pass issue --now "$NOW" >/dev/null
'

test_expect_success 'verify --format text: the verdict, the journal, its records' '
	cg-journal verify --format text >actual &&
	cat >expect <<-\EOF &&
	OK      journal/pass.jsonl                3 records
	OK      journal/checkin/2026-01-25.jsonl  1 record
	EOF
	test_cmp expect actual
'

test_expect_success 'verify --against --format txt: whether it extends its checkpoint' '
	cg-journal verify --against signed.jsonl --format txt >actual &&
	echo "OK      journal/pass.jsonl                3 records, extends its checkpoint of 2 (1 since)" >expect &&
	test_cmp expect actual &&
	LANGUAGE=zh_CN LC_ALL=zh_CN.UTF-8 cg-journal verify --against signed.jsonl --format text >zh &&
	grep -q "^正常  *journal/pass.jsonl  *3 条记录，延续了大小 2 的检查点（其后 1 条）\$" zh
'

test_expect_success 'to a pipe, and with --format json: JSON lines as before' '
	cg-journal verify >pipe &&
	cg-journal verify --format json >json &&
	test_cmp pipe json &&
	test_line_count = 2 json &&
	grep -q "^{\"journal\":\"journal/pass.jsonl\",\"records\":3,.*\"ok\":true}\$" json
'

test_expect_success PYTHON,PLAIN_BUILD 'on a terminal: text, as --format text prints it' '
	python3 "$SRC_DIR/tests/lib/ttyout.py" cg-journal verify >tty &&
	cg-journal verify --format text >text &&
	test_cmp text tty
'

test_expect_success 'a bad --format is a usage error that lists the formats' '
	test_expect_code 2 cg-journal verify --format md 2>err &&
	grep -q "^cg-journal: unknown format .md. for --format (text, json)\$" err &&
	test_expect_code 2 cg-journal checkpoint --format text 2>err &&
	grep -q "^cg-journal: --format does not go with .checkpoint.\$" err
'

test_done
