#!/bin/sh
test_description='cg-quarantine due --format html: the daily follow-up sheet per officer'
. "${0%/*}/../lib/test-lib.sh"

NOW=2026-01-25T12:00:00+08:00

test_expect_success 'setup: cases of two officers and one without, checks, a need, one period over' '
	cat >open <<-\EOF &&
	{"name":"王小一","household":"10-1-101","reason":"close_contact","officer":"张网格"}
	{"name":"王小二","household":"9-2-602","reason":"close_contact","officer":"张网格"}
	{"name":"王小三","household":"9-2-101","reason":"close_contact","officer":"李网格"}
	{"name":"赵大","household":"2-1-301","reason":"risk_area_return"}
	EOF
	head -3 open | cg-quarantine open --now 2026-01-20T08:00:00+08:00 >/dev/null &&
	sed -n 4p open | cg-quarantine open --now 2026-01-20T08:00:00+08:00 >/dev/null &&
	echo "{\"name\":\"钱老\",\"household\":\"1-1-101\",\"reason\":\"other\",\"start\":\"2026-01-05\",\"officer\":\"李网格\"}" |
		cg-quarantine open --now 2026-01-05T08:00:00+08:00 >/dev/null &&
	echo "{\"case_id\":\"Q260120-002\",\"temp\":36.5}" | cg-quarantine check --now 2026-01-25T07:00:00+08:00 >/dev/null &&
	for need in supplies garbage "换灯泡"; do
		echo "{\"case_id\":\"Q260120-003\",\"need\":\"$need\"}" |
			cg-quarantine need --now 2026-01-25T09:00:00+08:00 >/dev/null || return 1
	done &&
	cg-quarantine due --format html --now $NOW >sheet.html
'

# rows: the sheet's table rows as "officer|household|case|day|first window|needs".
rows() {
	awk "
		/<section>/ { o = \$0; sub(/.*Officer: /, \"\", o); sub(/ &middot;.*/, \"\", o) }
		/^<tr><td>/ { print o \"|\" \$0 }
	" sheet.html | sed -e "s#<tr><td>##" -e "s#</td><td[^>]*>#|#g" -e "s#</td></tr>##" \
		-e "s#<span class=\"box\">time</span><span class=\"box\">&deg;C</span>#box#g" \
		-e "s#<br><span class=\"flag\">#,#g" -e "s#</span>##g" | cut -d"|" -f1-6,9
}

test_expect_success 'a page per officer (none last), households in building/unit/room order, names masked' '
	LC_ALL=C rows >actual &&
	cat >expect <<-\EOF &&
	张网格|9-2-602|王**|Q260120-002|6/14,missed 10|done|
	张网格|10-1-101|王**|Q260120-001|6/14,lost to follow-up|box|
	李网格|9-2-101|王**|Q260120-003|6/14,lost to follow-up|box|supplies to bring<br>garbage to take out<br>换灯泡
	(none)|2-1-301|赵*|Q260120-004|6/14,lost to follow-up|box|
	EOF
	test_cmp expect actual &&
	test "$(grep -c "<section>" sheet.html)" = 3 &&
	test_must_fail grep -q "王小" sheet.html &&
	test_must_fail grep -q "钱老" sheet.html &&
	grep -q "@page{size:A4" sheet.html &&
	grep -q "<th>06:00-10:00<br>time, &deg;C</th><th>16:00-20:00<br>time, &deg;C</th>" sheet.html
'

test_expect_success 'text from records is escaped; no case is a page that says so; labels (service requests too) in Chinese' '
	LANGUAGE=zh_CN LC_ALL=zh_CN.UTF-8 cg-quarantine due --format html --now $NOW >zh.html &&
	grep -q "<td>代购物资<br>清运垃圾<br>换灯泡</td>" zh.html &&
	CG_HOME=$TRASH/esc && export CG_HOME &&
	cg-quarantine due --format html --now $NOW >empty.html &&
	grep -q "No case to follow up today." empty.html &&
	LANGUAGE=zh_CN LC_ALL=zh_CN.UTF-8 cg-quarantine due --format html --now $NOW >zh.html &&
	grep -q "今天没有需要随访的个案。" zh.html && grep -q "每日随访表" zh.html &&
	echo "{\"name\":\"孙\",\"phone\":\"13800138000\",\"reason\":\"other\",\"officer\":\"<i>x</i>\"}" |
		cg-quarantine open --now $NOW >/dev/null &&
	cg-quarantine due --format html --now $NOW >esc.html &&
	grep -q "Officer: &lt;i&gt;x&lt;/i&gt;" esc.html &&
	test_must_fail grep -q "<i>" esc.html
'

test_expect_success 'due --format: json is the default to a pipe, an unknown one a usage error' '
	cg-quarantine due --format json --now $NOW >a &&
	cg-quarantine due --now $NOW >b &&
	test_cmp a b &&
	test_expect_code 2 cg-quarantine due --format pdf --now $NOW 2>err &&
	grep -q "unknown format .pdf. for --format (text, json, html)" err
'

test_done
