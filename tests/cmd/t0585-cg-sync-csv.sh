#!/bin/sh
test_description='cg-sync push: CSV in through the input loop of every command (BOM, GB18030, Chinese headers, a bad row by its number), files as well as standard input'
. "${0%/*}/../lib/test-lib.sh"
. "$SRC_DIR/tests/lib/sync-lib.sh"

if test_have_prereq PYTHON,JQ; then
	start_upstream up --bodies
fi

# The sheet the office keeps: UTF-8 with a BOM, CRLF, Chinese headers.
sheet() {
	printf "\357\273\277门岗,方向,类型,房号,体温,口罩,症状\r\n" &&
	printf "north,进,居民,3-2-501,36.5,是,\r\n" &&
	printf "south,出,访客,1-1-101,36.8,否,\"咳嗽、乏力\"\r\n" &&
	printf "north,in,staff,,37.6,yes,\"cough, fever\"\r\n"
}

test_expect_success PYTHON,JQ 'a sheet with a BOM and Chinese headers, by its .csv name: the rows reach the server as records' '
	sheet >visits.csv &&
	cg-sync push --url "$URL/in" --target up visits.csv >out &&
	test "$(jq -r .records out)" = 3 &&
	jq -c "[.gate, .dir, .kind, .household, .temp, .mask, .symptoms]" "$TRASH/up/bodies.jsonl" >actual &&
	cat >expect <<-\EOF &&
	["north","in","resident","3-2-501",36.5,true,null]
	["south","out","visitor","1-1-101",36.8,false,["咳嗽","乏力"]]
	["north","in","staff",null,37.6,true,["cough","fever"]]
	EOF
	test_cmp expect actual &&
	test "$(jq -r .compound "$TRASH/up/bodies.jsonl" | sort -u)" = DEMO-0001 &&
	test "$(jq -r .rid "$TRASH/up/bodies.jsonl" | grep -c "^DEMO-0001/stdin/[0-9a-f]\{32\}$")" = 3
'

test_expect_success JQ 'GB18030 from standard input with --input-format csv is the same records' '
	sheet >visits.csv &&
	cg-sync push --dry-run --target t visits.csv >utf8 &&
	tail -c +4 visits.csv | iconv -f UTF-8 -t GB18030 >gb.txt &&
	! iconv -f UTF-8 -t UTF-8 <gb.txt >/dev/null 2>&1 &&
	cg-sync push --dry-run --target t --input-format csv - <gb.txt >gb &&
	test_line_count = 3 gb &&
	test_cmp utf8 gb
'

test_expect_success JQ 'UTF-8 without a BOM, LF, English headers; the same row twice is one rid' '
	printf "gate,dir,kind,temp\nnorth,in,staff,36.5\nnorth,in,staff,36.5\n" >plain.csv &&
	cg-sync push --dry-run --target t plain.csv >out &&
	test_line_count = 2 out &&
	test "$(jq -r .rid out | sort -u | wc -l)" = 1
'

test_expect_success JQ 'a bad row is reported by its row number, kept whole, and the others go' '
	printf "门岗,体温\nnorth,36.5\nnorth,36.6,extra\n\"south,36.7\n" >bad.csv &&
	test_expect_code 1 cg-sync push --dry-run --target t --rejects rej bad.csv >out 2>err &&
	test_line_count = 1 out &&
	grep -q "^cg-sync: bad.csv:3: 3 cells, but the header names 2 columns" err &&
	grep -q "^cg-sync: bad.csv:4: " err &&
	test_line_count = 2 rej &&
	grep -q "^north,36.6,extra" rej
'

test_expect_success JQ '--strict stops at the first bad row; a file and standard input in one push' '
	printf "门岗,体温\nnorth,36.5,x\nnorth,36.6\n" >bad.csv &&
	test_expect_code 1 cg-sync push --dry-run --target t --strict bad.csv >out 2>err &&
	test_must_fail test -s out &&
	printf "gate,temp\nsouth,36.1\n" >more.csv &&
	echo "{\"gate\":\"east\"}" | cg-sync push --dry-run --target t more.csv - >out &&
	test "$(jq -r .gate out | tr "\n" " ")" = "south east "
'

test_expect_success 'the input options go with files or -, not with the journals' '
	test_expect_code 2 cg-sync push --dry-run --target t --input-format csv 2>err &&
	grep -q "go with records read from files or .-." err &&
	test_expect_code 2 cg-sync push --dry-run --target t --input-format xlsx - </dev/null 2>err
'

test_expect_success 'a file that is not there is a system error' '
	test_expect_code 3 cg-sync push --dry-run --target t nothere.csv 2>err &&
	grep -q "nothere.csv" err
'

test_done
