#!/bin/sh
test_description='cg-report: residents not back within the exit quota'"'"'s hours, listed with known answers'
. "${0%/*}/../lib/test-lib.sh"
. "$SRC_DIR/tests/fixtures/report/lib.sh"

# policy.exit_quota: one exit per household every two days, back within 3 hours.
# exits.jsonl, 2026-01-25:
#   08:00 out 张三 (phone)   3-2-501, in 10:30 by name and household: in time
#   09:00 out 王五           5-1-101, in 13:30: 4.5 hours, late
#   10:00 out 周九 no mask   refused: no exit
#   10:30 out 孙八 visitor   not a resident: not counted
#   11:00 out 吴十 (phone)   9-1-101, in 15:00 by the phone alone: 4 hours, late
#   12:00 out 李四 tenant (ID number) 6-1-101, never back
#   20:00 out 赵六           7-1-101, never back (due 23:00, in the day)
#   22:00 out 钱七           8-1-101, due 01:00 the next day: not this day's

QUOTA='"exit_quota":{"persons":1,"days":2,"hours":3}'

rec() { # rec TIME DIR KIND NAME HOUSEHOLD [EXTRA] [DECISION]
	printf '{"ts":"2026-01-25T%s:00+08:00","compound":"DEMO-0001","gate":"north","dir":"%s","kind":"%s","name":"%s"%s%s,"mask":true,"decision":"%s","reasons":[%s]}\n' \
		"$1" "$2" "$3" "$4" "${5:+,\"household\":\"$5\"}" "${6:+,$6}" "${7:-admit}" \
		"$(test "${7:-admit}" = admit || echo '"no_mask"')"
}

test_expect_success 'setup: the day of exits' '
	write_config "{\"gates\":[\"north\"],\"policy\":{$QUOTA}}" &&
	{
		rec 08:00 out resident 张三 3-2-501 "\"phone\":\"13812348000\"" &&
		rec 10:30 in resident 张三 3-2-501 &&
		rec 09:00 out resident 王五 5-1-101 &&
		rec 13:30 in resident 王五 5-1-101 &&
		rec 10:00 out resident 周九 4-1-101 "" deny &&
		rec 10:30 out visitor 孙八 "" &&
		rec 11:00 out resident 吴十 9-1-101 "\"phone\":\"13912348000\"" &&
		printf "%s\n" "{\"ts\":\"2026-01-25T15:00:00+08:00\",\"compound\":\"DEMO-0001\",\"gate\":\"north\",\"dir\":\"in\",\"kind\":\"resident\",\"phone\":\"13912348000\",\"mask\":true,\"decision\":\"admit\",\"reasons\":[]}" &&
		rec 12:00 out tenant 李四 6-1-101 "\"id_no\":\"110101199003074514\"" &&
		rec 20:00 out resident 赵六 7-1-101 &&
		rec 22:00 out resident 钱七 8-1-101
	} >exits.jsonl
'

test_expect_success 'the late and the missing, in time order, masked, as warnings' '
	cg_report --date 2026-01-25 --now 2026-01-26T09:00:00+08:00 exits.jsonl >out &&
	rq ".warnings[] | select(.code == \"exit_overdue\") | [.severity, .ts[11:16], .household, .name, .id_no // \"-\", (if .back then .back[11:16] else \"none\" end), .hours_out, .hours] | @tsv" >actual &&
	cat >expect <<-EOF &&
	warning	09:00	5-1-101	王*	-	13:30	4.5	3
	warning	11:00	9-1-101	吴*	-	15:00	4	3
	warning	12:00	6-1-101	李*	1101**********4514	none	12	3
	warning	20:00	7-1-101	赵*	-	none	4	3
	EOF
	test_cmp expect actual
'

test_expect_success 'by the clock: a time to be back not yet come is not judged' '
	cg_report --date 2026-01-25 --now 2026-01-25T21:00:00+08:00 exits.jsonl >out &&
	rq "[.warnings[] | select(.code == \"exit_overdue\") | .household + \" \" + (.hours_out | tostring)] | join(\",\")" >actual &&
	echo "5-1-101 4.5,9-1-101 4,6-1-101 9" >expect &&
	test_cmp expect actual
'

test_expect_success 'off by default: nothing listed' '
	write_config "{\"gates\":[\"north\"]}" &&
	cg_report --date 2026-01-25 --now 2026-01-26T09:00:00+08:00 exits.jsonl >out &&
	test "$(rq "[.warnings[] | select(.code == \"exit_overdue\")] | length")" = 0 &&
	write_config "{\"gates\":[\"north\"],\"policy\":{$QUOTA}}"
'

test_expect_success 'from the journals: an exit at 22:00 is judged by the next day'"'"'s report' '
	out() { printf "{\"ts\":\"%s\",\"gate\":\"north\",\"dir\":\"%s\",\"kind\":\"resident\",\"name\":\"%s\",\"household\":\"%s\",\"temp\":36.5,\"mask\":true}\n" "$@"; } &&
	out 2026-01-25T22:00:00+08:00 out 钱七 8-1-101 | cg-checkin --now 2026-01-25T22:00:00+08:00 >/dev/null &&
	out 2026-01-25T23:00:00+08:00 out 郑一 8-2-101 | cg-checkin --now 2026-01-25T23:00:00+08:00 >/dev/null &&
	out 2026-01-26T01:00:00+08:00 in 郑一 8-2-101 | cg-checkin --now 2026-01-26T01:00:00+08:00 >/dev/null &&
	out 2026-01-26T01:30:00+08:00 in 钱七 8-1-101 | cg-checkin --now 2026-01-26T01:30:00+08:00 >/dev/null &&
	cg_report --date 2026-01-25 --now 2026-01-26T09:00:00+08:00 >out &&
	test "$(rq "[.warnings[] | select(.code == \"exit_overdue\")] | length")" = 0 &&
	cg_report --date 2026-01-26 --now 2026-01-26T09:00:00+08:00 >out &&
	rq ".warnings[] | select(.code == \"exit_overdue\") | [.ts, .name, .back[11:16], .hours_out] | @tsv" >actual &&
	printf "2026-01-25T22:00:00+08:00\t钱*\t01:30\t3.5\n" >expect &&
	test_cmp expect actual &&
	test "$(rq .totals.events)" = 2
'

test_expect_success 'text, Markdown and HTML say it; zh_CN in Chinese' '
	cg_report --date 2026-01-25 --now 2026-01-26T09:00:00+08:00 --format text exits.jsonl >out.txt &&
	grep -q "^  warning   not back in time  王\* of 5-1-101 went out at 09:00 (gate north), back at 13:30: 4.5 hours out, 3 allowed$" out.txt &&
	grep -q "李\* of 6-1-101 went out at 12:00 (gate north), not back: 12.0 hours out at the end of the period, 3 allowed" out.txt &&
	cg_report --date 2026-01-25 --now 2026-01-26T09:00:00+08:00 --format md exits.jsonl >out.md &&
	grep -F -q "| warning | not back in time | 赵\\* of 7-1-101 went out at 20:00" out.md &&
	cg_report --date 2026-01-25 --now 2026-01-26T09:00:00+08:00 --format html exits.jsonl >out.html &&
	grep -q "吴\* of 9-1-101 went out at 11:00 (gate north), back at 15:00" out.html &&
	cg_report --date 2026-01-25 --now 2026-01-26T09:00:00+08:00 --format csv --table warnings exits.jsonl >out.csv &&
	grep -q "^exit_overdue,warning,north,2026-01-25T09:00:00+08:00,王\*,5-1-101,,,,,,,,,2026-01-25T13:30:00+08:00,4.5.$" out.csv
'

test_expect_success ZH_LOCALE 'zh_CN: the label and the line in Chinese' '
	LANGUAGE=zh_CN LC_ALL=zh_CN.UTF-8 cg_report --date 2026-01-25 --now 2026-01-26T09:00:00+08:00 --format text exits.jsonl >zh.txt &&
	grep -q "^  警告  未按时返回    王\*（5-1-101）于 09:00 从门岗 north 外出，13:30 返回：外出 4.5 小时，限 3 小时$" zh.txt &&
	grep -q "李\*（6-1-101）于 12:00 从门岗 north 外出，未返回：至统计期末已外出 12.0 小时，限 3 小时" zh.txt &&
	! grep -q exit_overdue zh.txt &&
	LANGUAGE=zh_CN LC_ALL=zh_CN.UTF-8 cg_report --date 2026-01-25 --now 2026-01-26T09:00:00+08:00 --format csv --table warnings exits.jsonl >zh.csv &&
	head -n 1 zh.csv | grep -q "返回时间,外出小时数"
'

test_expect_success '--merge keeps each compound'"'"'s list, masked, and --fail-on warning fails' '
	cg_report --date 2026-01-25 --now 2026-01-26T09:00:00+08:00 --no-mask exits.jsonl >A.json &&
	test "$(jq -r "[.warnings[] | select(.code == \"exit_overdue\")][0].name" A.json)" = 王五 &&
	mkdir -p b && chmod 700 b &&
	echo "{\"compound\":{\"code\":\"B-0002\",\"name\":\"乙\"},\"gates\":[\"north\"],\"policy\":{$QUOTA}}" >b/config.json &&
	sed "s/DEMO-0001/B-0002/" exits.jsonl | head -n 4 >b.jsonl &&
	cg_report --home b --date 2026-01-25 --now 2026-01-26T09:00:00+08:00 b.jsonl >B.json &&
	cat A.json B.json | cg_report --merge >M.json &&
	rq "[.warnings[] | select(.code == \"exit_overdue\") | .compound + \" \" + .name] | join(\",\")" M.json >actual &&
	echo "DEMO-0001 王*,DEMO-0001 吴*,DEMO-0001 李*,DEMO-0001 赵*,B-0002 王*" >expect &&
	test_cmp expect actual &&
	test_expect_code 5 cg-report --date 2026-01-25 --now 2026-01-26T09:00:00+08:00 --fail-on warning exits.jsonl >/dev/null
'

test_expect_success 'every JSON report of this script validates against report.schema.json' '
	check_schema "$TRASH/reports.jsonl"
'

test_done
