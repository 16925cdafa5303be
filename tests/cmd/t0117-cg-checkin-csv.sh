#!/bin/sh
test_description='CSV in: a header row, Chinese column names, UTF-8 with or without a BOM or GB18030, a bad row rejected with its row number, for every command that takes records'
. "${0%/*}/../lib/test-lib.sh"

test_expect_success 'cg-checkin: a sheet with Chinese headers and values' '
	printf "\357\273\277门岗,方向,类型,姓名,手机号,房号,体温,口罩,症状\r\n" >gate.csv &&
	printf "north,进,居民,张三,138 0013 8000,3栋2单元501,36.5,是,\r\n" >>gate.csv &&
	printf "South,出,访客,李四,,,36.8,否,\"咳嗽、乏力\"\r\n" >>gate.csv &&
	printf "north,in,staff,王五,,,37.6,yes,\"cough, fever\"\r\n" >>gate.csv &&
	cg-checkin --dry-run --now "$NOW" gate.csv >out &&
	test_line_count = 3 out &&
	jq -c "[.gate,.dir,.kind,.phone,.household,.temp,.mask,.decision]" out >actual &&
	cat >expect <<-\EOF &&
	["north","in","resident","13800138000","3-2-501",36.5,true,"admit"]
	["south","out","visitor",null,null,36.8,false,"deny"]
	["north","in","staff",null,null,37.6,true,"deny"]
	EOF
	test_cmp expect actual &&
	jq -c .symptoms out >actual &&
	printf "%s\n" null "[\"咳嗽\",\"乏力\"]" "[\"cough\",\"fever\"]" >expect &&
	test_cmp expect actual
'

test_expect_success 'the same sheet as GB18030, from standard input with --input-format csv' '
	printf "\357\273\277门岗,方向,类型,姓名,手机号,房号,体温,口罩,症状\r\n" >gate.csv &&
	printf "north,进,居民,张三,138 0013 8000,3栋2单元501,36.5,是,\r\n" >>gate.csv &&
	printf "South,出,访客,李四,,,36.8,否,\"咳嗽、乏力\"\r\n" >>gate.csv &&
	printf "north,in,staff,王五,,,37.6,yes,\"cough, fever\"\r\n" >>gate.csv &&
	cg-checkin --dry-run --now "$NOW" gate.csv >out &&
	tail -c +4 gate.csv | iconv -f UTF-8 -t GB18030 >gb.txt &&
	! iconv -f UTF-8 -t UTF-8 <gb.txt >/dev/null 2>&1 &&
	cg-checkin --dry-run --now "$NOW" --input-format csv <gb.txt >out2 &&
	test_cmp out out2
'

test_expect_success 'UTF-8 without a BOM, LF, English headers, quoted cells with newlines' '
	printf "gate,dir,kind,name,from,temp,mask\n" >plain.csv &&
	printf "north,in,courier,\"Li, \"\"Ming\"\"\",\"Line 1\nLine 2\",36.4,true\n" >>plain.csv &&
	cg-checkin --dry-run --now "$NOW" plain.csv >out &&
	test "$(jq -r .name out)" = "Li, \"Ming\"" &&
	test "$(jq -r .from out)" = "$(printf "Line 1\nLine 2")" &&
	test "$(jq -r .decision out)" = deny
'

test_expect_success 'a .csv file read as JSON lines with --input-format json' '
	printf "{\"gate\":\"north\",\"dir\":\"in\",\"kind\":\"staff\",\"temp\":36.5,\"mask\":true}\n" >lines.csv &&
	cg-checkin --dry-run --now "$NOW" --input-format json lines.csv >out &&
	test "$(jq -r .decision out)" = admit &&
	test_expect_code 2 cg-checkin --input-format xls lines.csv 2>err &&
	grep -q "unknown input format .xls. (json, csv)" err
'

# check_bad CSV ROW REASON: the sheet (header and CSV) has its row ROW
# rejected with REASON, reported as sheet.csv:ROW; the good rows go through.
check_bad() {
	rm -f rej &&
	printf "gate,dir,kind,temp,mask,id_no\n" >sheet.csv &&
	printf "$1" >>sheet.csv &&
	test_expect_code 1 cg-checkin --dry-run --now "$NOW" --rejects rej sheet.csv >out 2>err &&
	grep -q "^cg-checkin: sheet.csv:$2: .*$3" err &&
	test_line_count = 1 err &&
	test_line_count = 1 rej
}

test_expect_success 'bad rows: wrong values, too many cells, an open quote, bad encoding' '
	G="north,in,staff,36.5,true," &&
	check_bad "$G\nnorth,in,staff,hot,true,\n" 3 "temp.* must be a number" &&
	check_bad "$G\nnorth,in,staff,36.5,maybe,\n" 3 "mask.* must be true or false" &&
	check_bad "north,in,staff,36.5,true,1101\n$G\n" 2 "invalid id_no" &&
	check_bad "$G\n$G\nwest,in,staff,36.5,true,\n" 4 "unknown gate .west." &&
	check_bad "$G\nnorth,in,staff,36.5,true,,extra\n" 3 "7 cells, but the header names 6 columns" &&
	check_bad "$G\nnorth,in,staff,36.5,true,\"open\n" 3 "quoted cell does not end" &&
	check_bad "$G\nnorth,in,staff,36.5,true,\"a\"b\n" 3 "text after the closing quote" &&
	test_line_count = 1 out &&
	check_bad "$G\nnorth,in,staff,36.5,true,\377\n" 3 "neither UTF-8 nor GB18030"
'

test_expect_success 'a quoted cell left open runs to the end, kept whole' '
	printf "gate,dir,kind,from\nnorth,in,staff,\"a\nb\n\nc\n" >sheet.csv &&
	test_expect_code 1 cg-checkin --dry-run --now "$NOW" --rejects rej2 sheet.csv >out 2>err &&
	grep -q "^cg-checkin: sheet.csv:2: a quoted cell does not end" err &&
	printf "north,in,staff,\"a\nb\n\nc\n" >expect &&
	test_cmp expect rej2
'

test_expect_success 'a file that began as UTF-8 does not turn GB18030' '
	printf "姓名,gate,dir,kind,temp,mask\n张三,north,in,staff,36.5,true\n" >sheet.csv &&
	printf "\325\305\310\375,north,in,staff,36.5,true\n" >>sheet.csv &&
	test_expect_code 1 cg-checkin --dry-run --now "$NOW" sheet.csv >out 2>err &&
	test_line_count = 1 out &&
	grep -q "^cg-checkin: sheet.csv:3: invalid UTF-8 (the file began as UTF-8)" err
'

test_expect_success 'a rejected row is kept as the JSON line it was read as' '
	rm -f rej &&
	printf "gate,dir,kind,temp,mask\nwest,进,staff,36.5,是\n" >sheet.csv &&
	test_expect_code 1 cg-checkin --dry-run --now "$NOW" --rejects rej sheet.csv 2>err &&
	echo "{\"gate\":\"west\",\"dir\":\"in\",\"kind\":\"staff\",\"temp\":36.5,\"mask\":true}" >expect &&
	test_cmp expect rej
'

test_expect_success 'a bad header: every row is refused, the header first' '
	printf "gate,dir,,temp\nnorth,in,staff,36.5\n" >sheet.csv &&
	test_expect_code 1 cg-checkin --dry-run --now "$NOW" sheet.csv >out 2>err &&
	test_line_count = 0 out &&
	grep -q "^cg-checkin: sheet.csv:1: header: column 3 has no name" err &&
	grep -q "^cg-checkin: sheet.csv:2: no usable header row" err &&
	printf "姓名,name\n张三,张三\n" >dup.csv &&
	test_expect_code 1 cg-pass issue --dry-run --now "$NOW" dup.csv 2>err &&
	grep -q "^cg-pass: dup.csv:1: header: columns 1 and 2 both name .name." err
'

test_expect_success 'empty input and a header alone: nothing, exit 0' '
	: >empty.csv &&
	cg-checkin --dry-run --now "$NOW" empty.csv >out &&
	test_line_count = 0 out &&
	printf "gate,dir,kind\r\n" >header.csv &&
	cg-checkin --dry-run --now "$NOW" header.csv >out &&
	test_line_count = 0 out &&
	printf "gate,dir,kind\n,,\n\n" >blank.csv &&
	cg-checkin --dry-run --now "$NOW" blank.csv >out &&
	test_line_count = 0 out
'

test_expect_success 'cg-pass issue: the office list, journaled' '
	printf "\357\273\277姓名,身份证号,手机号,房号,出入证类别\r\n" >list.csv &&
	printf "张三,110101199003074514,,3-2-501,\r\n李四,,０１３９００００１１１１,3/2/502,resident\r\n" >>list.csv &&
	printf "王五,,14012348000,3-2-503,\r\n" >>list.csv &&
	test_expect_code 1 cg-pass issue --now "$NOW" list.csv >out 2>err &&
	test_line_count = 2 out &&
	test "$(jq -r .phone out | tail -1)" = 13900001111 &&
	grep -q "^cg-pass: list.csv:4: invalid phone .*not in a mobile range" err &&
	test "$(wc -l <"$CG_HOME/journal/pass.jsonl")" = 2
'

test_expect_success 'cg-quarantine open and check from sheets' '
	printf "姓名,手机号,房号,原因\n赵六,13700001111,5-1-101,close_contact\n" >open.csv &&
	cg-quarantine open --now "$NOW" open.csv >out &&
	test "$(jq -r .phone out)" = 13700001111 &&
	printf "手机号,体温,症状\n13700001111,36.6,无\n" >check.csv &&
	cg-quarantine check --now "$NOW" check.csv >out &&
	test "$(jq -r .temp out)" = 36.6
'

test_expect_success 'cg-report reads a sheet of decisions as it reads their JSON lines' '
	cg-checkin --now "$NOW" gate.csv >dec.jsonl &&
	{
		echo "ts,compound,gate,dir,kind,name,temp,mask,decision,reasons" &&
		jq -r "[.ts,.compound,.gate,.dir,.kind,.name,(.temp|tostring),(.mask|tostring),.decision,(.reasons|join(\";\"))] | @csv" dec.jsonl
	} >dec.csv &&
	jq -c "del(.seq,.chain,.phone,.household,.symptoms)" dec.jsonl >plain.jsonl &&
	cg-report --now "$NOW" --format json plain.jsonl >want &&
	cg-report --now "$NOW" --format json dec.csv >got &&
	test_cmp want got &&
	grep -q "\"fever\"" got
'

test_expect_success 'four cg-checkin runs on one data directory, each from a sheet' '
	rm -rf "$CG_HOME" &&
	for r in 1 2 3 4; do
		{
			printf "\357\273\277门岗,方向,类型,体温,口罩,姓名\r\n" &&
			i=0 && while [ $i -lt 25 ]; do
				printf "north,进,工作人员,36.5,是,员工%d-%d\r\n" $r $i
				i=$((i + 1))
			done
		} >run$r.csv || return 1
	done &&
	{ cg-checkin --now "$NOW" run1.csv >o1 & p1=$!
	  cg-checkin --now "$NOW" run2.csv >o2 & p2=$!
	  cg-checkin --now "$NOW" run3.csv >o3 & p3=$!
	  cg-checkin --now "$NOW" run4.csv >o4 & p4=$!
	  wait $p1 && wait $p2 && wait $p3 && wait $p4; } &&
	cat o1 o2 o3 o4 >all &&
	test_line_count = 100 all &&
	J="$CG_HOME/journal/checkin/2026-01-25.jsonl" &&
	test "$(wc -l <"$J")" = 100 &&
	jq -r .seq "$J" >seqs && seq 1 100 >expect && test_cmp expect seqs &&
	test "$(jq -r .name "$J" | sort -u | wc -l)" = 100 &&
	cg-journal verify 2026-01-25 >/dev/null
'

test_done
