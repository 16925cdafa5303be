#!/bin/sh
test_description='cg-report: text, CSV, Markdown and HTML; masking in every format'
. "${0%/*}/../lib/test-lib.sh"
. "$SRC_DIR/tests/fixtures/report/lib.sh"

F=$REPORT_FIXTURES
IN="$F/day.jsonl $F/passes.jsonl $F/cases.jsonl"

test_expect_success 'setup' '
	write_config "{\"gates\":[\"north\",\"south\",\"east\"],\"policy\":{\"duty_hours\":[\"08:00\",\"20:00\"]}}" &&
	cg_report --date 2026-01-25 $IN >report.json
'

test_expect_success 'text: the sections, for a terminal or a mail' '
	cg_report --date 2026-01-25 --format text $IN >out.txt &&
	head -n 1 out.txt >actual &&
	echo "Daily report (日报): 示范小区 (DEMO-0001), 2026-01-25" >expect &&
	test_cmp expect actual &&
	for h in Warnings Totals Gates Reasons "Traffic per hour (in + out)" "Fevers (2)" \
		"Other denials (3)" Visitors "Home observation (居家观察)" "Passes (出入证)" Journals; do
		grep -q -x "$h" out.txt || { echo "no heading $h" >&2; return 1; }
	done &&
	grep -q "^  warning   gate unattended    gate east unattended 08:00-20:00 (720 min)$" out.txt &&
	grep -q "^  alert     fever at the gate  王\* at gate north at 09:00: 37.5 °C, deny$" out.txt &&
	sed -n "/^Warnings/,/^\$/p" out.txt | sed -n "3p" | grep -q "^  alert " &&
	grep -q "^  north   8    1      4     4      1  08:00  11:00  540 min (11:00-20:00)$" out.txt &&
	! grep -q " $" out.txt
'

# starts FILE HEADING WORD...: for the table under HEADING, the display
# column (wide characters count two) where the first of the WORDs found
# in each line starts: one number per line that has one.
starts() {
	python3 - "$@" <<-'PY'
	import sys, unicodedata
	path, heading, words = sys.argv[1], sys.argv[2], sys.argv[3:]
	lines = open(path, encoding="utf-8").read().split("\n")
	i = lines.index(heading) + 1
	width = lambda s: sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)
	while i < len(lines) and lines[i].startswith("  "):
	    at = [lines[i].find(w) for w in words if lines[i].find(w) >= 0]
	    if at:
	        print(width(lines[i][:min(at)]))
	    i += 1
	PY
}

test_expect_success PYTHON 'text: tables stay aligned with Chinese names (two columns each)' '
	starts out.txt "Fevers (2)" "ID number" "3101" >cols &&
	test_line_count = 2 cols &&
	test "$(sort -u cols | wc -l)" -eq 1 &&
	starts out.txt "Fevers (2)" Decision deny >cols &&
	test "$(sort -u cols | wc -l)" -eq 1 &&
	starts out.txt "Home observation (居家观察)" Household 7-1- >cols &&
	test_line_count = 6 cols &&
	test "$(sort -u cols | wc -l)" -eq 1 &&
	starts out.txt "Visitors" Host 1-1-101 2-2-202 >cols &&
	test "$(sort -u cols | wc -l)" -eq 1
'

test_expect_success 'text: no control character of a record reaches the terminal' '
	printf "%s\n" "{\"ts\":\"2026-01-25T09:00:00+08:00\",\"gate\":\"north\",\"dir\":\"in\",\"kind\":\"resident\",\"name\":\"\\u001b[31m坏\\u0007\",\"temp\":37.9,\"mask\":true,\"decision\":\"deny\",\"reasons\":[\"fever\"]}" >esc.jsonl &&
	cg_report --date 2026-01-25 --no-mask --format text esc.jsonl >esc.txt &&
	! grep -q "$(printf "\033")" esc.txt &&
	! grep -q "$(printf "\007")" esc.txt &&
	grep -q "\[31m坏" esc.txt
'

test_expect_success PYTHON 'csv: metric,value rows, parsed back with the csv module' '
	cg_report --date 2026-01-25 --format csv $IN >out.csv &&
	python3 - out.csv report.json <<-\PY
	import csv, json, sys
	rows = list(csv.reader(open(sys.argv[1], newline="", encoding="utf-8")))
	rep = json.load(open(sys.argv[2], encoding="utf-8"))
	assert rows[0] == ["metric", "value"], rows[0]
	m = dict(rows[1:])
	assert len(m) == len(rows) - 1, "a metric twice"
	assert m["compound.code"] == "DEMO-0001" and m["compound.name"] == "示范小区"
	assert m["date"] == "2026-01-25"
	for k, v in rep["totals"].items():
	    assert m["totals." + k] == str(v), k
	assert m["gates.north.longest_gap_min"] == "540"
	assert m["gates.east.first"] == ""
	assert m["reasons.fever"] == "2" and m["reasons.risk_area"] == "0"
	assert m["visitors.overstay_count"] == "2" and m["cases.open"] == "3"
	assert m["passes.active.resident"] == "2"
	assert m["fevers"] == "2" and m["denials"] == "3" and m["warnings"] == str(len(rep["warnings"]))
	assert not any(k.startswith(("hours", "fevers.", "cases.list")) for k in m)
	print(len(m), "metrics")
	PY
'

test_expect_success PYTHON 'csv: every --table, with its header, parsed back' '
	for t in fevers denials gates hours cases overstays warnings journals compounds; do
		cg_report --date 2026-01-25 --table $t $IN >$t.csv || return 1
	done &&
	python3 - <<-\PY
	import csv
	def read(t):
	    return list(csv.DictReader(open(t + ".csv", newline="", encoding="utf-8")))
	f = read("fevers")
	assert [r["ts"][11:16] for r in f] == ["09:00", "10:20"], f
	assert f[0]["name"] == "王*" and f[0]["id_no"] == "3101**********1237" and f[0]["reasons"] == "fever"
	assert f[0]["temp"] == "37.5"
	g = read("gates")
	assert [(r["gate"], r["in"], r["longest_gap_min"]) for r in g] == \
	    [("north", "8", "540"), ("south", "4", "180"), ("east", "0", "720")], g
	h = read("hours")
	assert len(h) == 72 and h[9] == {"gate": "north", "hour": "9", "in": "4", "out": "0"}, h[9]
	c = read("cases")
	assert [r["case_id"] for r in c][-1] == "Q260125-001" and c[-1]["ending_tomorrow"] == "true"
	o = read("overstays")
	assert [r["visit_until"][11:16] for r in o] == ["11:30", "14:00"] and o[0]["out"] == ""
	w = read("warnings")
	assert [(r["code"], r["severity"]) for r in w][:3] == \
	    [("fever_at_gate", "alert"), ("fever_at_gate", "alert"), ("observation_alert", "alert")], w
	assert w[0]["name"] == "王*" and w[0]["temp"] == "37.5"
	g = [r for r in w if r["code"] == "gate_unattended"]
	assert g[0]["severity"] == "warning" and g[0]["gap_min"] == "540" and g[1]["count"] == "4", g
	assert read("journals") == [] and read("compounds") == []
	assert len(read("denials")) == 3
	PY
'

test_expect_success PYTHON 'csv: RFC 4180 quoting of commas, quotes and line breaks; CRLF' '
	printf "%s\n" "{\"ts\":\"2026-01-25T09:00:00+08:00\",\"gate\":\"north\",\"dir\":\"in\",\"kind\":\"resident\",\"name\":\"Smith, \\\"Jo\\\"\\nJr\",\"temp\":37.9,\"mask\":true,\"decision\":\"deny\",\"reasons\":[\"fever\",\"no_mask\"]}" >odd.jsonl &&
	cg_report --date 2026-01-25 --no-mask --table fevers odd.jsonl >odd.csv &&
	grep -q "\"Smith, \"\"Jo\"\"" odd.csv &&
	test "$(head -n 1 odd.csv | od -c | grep -c "\\\\r")" -eq 1 &&
	python3 -c "
import csv
r = list(csv.DictReader(open(\"odd.csv\", newline=\"\", encoding=\"utf-8\")))
assert len(r) == 1 and r[0][\"name\"] == \"Smith, \\\"Jo\\\"\\nJr\", r
assert r[0][\"reasons\"] == \"fever no_mask\"
"
'

test_expect_success 'md: headings and pipe tables, a pipe in a name escaped' '
	cg_report --date 2026-01-25 --format md $IN >out.md &&
	head -n 1 out.md | grep -q "^# Daily report (日报): 示范小区 (DEMO-0001), 2026-01-25$" &&
	grep -q "^## Gates$" out.md &&
	grep -q "^| Gate | In | Out | Admit | Deny | Refer | First | Last | Longest gap |$" out.md &&
	grep -q "^| --- | ---: | ---: |" out.md &&
	grep -q "^| north | 8 | 1 | 4 | 4 | 1 | 08:00 | 11:00 | 540 min (11:00-20:00) |$" out.md &&
	sed "s/王五/王|五/" "$F/day.jsonl" >pipe.jsonl &&
	cg_report --date 2026-01-25 --no-mask --format md pipe.jsonl >pipe.md &&
	grep -q "| 王\\\\|五 |" pipe.md
'

test_expect_success 'html: one self-contained page, three charts, nothing fetched' '
	cg_report --date 2026-01-25 --format html $IN >out.html &&
	head -n 1 out.html | grep -q "^<!DOCTYPE html>$" &&
	tail -n 1 out.html | grep -q "^</html>$" &&
	test "$(grep -c "<svg class=\"chart\"" out.html)" -eq 3 &&
	grep -q "data-chart=\"hours\"" out.html &&
	grep -q "data-chart=\"temperatures\"" out.html &&
	grep -q "data-chart=\"cases\"" out.html &&
	grep -q "data-threshold=\"37.3\"" out.html &&
	! grep -i -E "(src|href)=|url\\(|@import|<script|<link" out.html &&
	test "$(grep -o "https\\{0,1\\}://[^\"]*" out.html | sort -u)" = "http://www.w3.org/2000/svg"
'

test_expect_success PYTHON 'html: well-formed (every tag closed)' '
	python3 - out.html <<-\PY
	import sys
	from html.parser import HTMLParser
	void = {"meta", "br", "img", "input", "hr", "link", "rect", "line"}
	class P(HTMLParser):
	    def __init__(self):
	        super().__init__(); self.stack = []
	    def handle_starttag(self, tag, a):
	        if tag not in void: self.stack.append(tag)
	    def handle_startendtag(self, tag, a):
	        pass
	    def handle_endtag(self, tag):
	        if tag in void: return
	        assert self.stack and self.stack[-1] == tag, (tag, self.stack[-5:])
	        self.stack.pop()
	p = P(); p.feed(open(sys.argv[1], encoding="utf-8").read()); p.close()
	assert p.stack == [], p.stack
	PY
'

# chromium TMP ARGS...: headless, no network, a throwaway profile.
chromium_run() {
	cr_prof=$(mktemp -d "$TRASH/chromium.XXXXXX")
	timeout 120 chromium --headless --no-sandbox --disable-gpu \
		--disable-background-networking --disable-component-update --disable-sync \
		--no-first-run --user-data-dir="$cr_prof" "$@" 2>chromium.err
}

test_expect_with chromium 'html: rendered by headless Chromium, the three charts are drawn' '
	chromium_run --dump-dom "file://$TRASH/out.html" >dom.html &&
	test "$(grep -o "<svg class=\"chart\"" dom.html | wc -l)" -eq 3 &&
	test "$(grep -o "<rect " dom.html | wc -l)" -gt 30 &&
	chromium_run --screenshot="$TRASH/shot.png" --window-size=1200,2000 "file://$TRASH/out.html" >/dev/null &&
	test -s shot.png &&
	test "$(od -A n -t x1 -N 8 shot.png | tr -d " ")" = 89504e470d0a1a0a &&
	test "$(wc -c <shot.png)" -gt 50000
'

# The IDs and phone numbers of the inputs, whole.
secrets() {
	cat "$@" | grep -o -E "\"(id_no|phone)\":\"[0-9X ]+\"" | sed -e "s/.*:\"//" -e "s/\"//" -e "s/ //g" | sort -u
}

test_expect_success 'masked: no whole ID or phone number in any format' '
	secrets $IN >secrets &&
	test "$(wc -l <secrets)" -ge 8 &&
	for fmt in json text csv md html; do
		cg_report --date 2026-01-25 --format $fmt $IN >masked.$fmt &&
		if grep -F -f secrets masked.$fmt; then
			echo "a secret in --format $fmt" >&2
			return 1
		fi || return 1
	done &&
	for t in fevers denials overstays cases; do
		cg_report --date 2026-01-25 --table $t $IN >masked.$t.csv &&
		! grep -F -f secrets masked.$t.csv || return 1
	done &&
	grep -q "1101\*\*\*\*\*\*\*\*\*\*4514" masked.json ||
	grep -q "3101\*\*\*\*\*\*\*\*\*\*1237" masked.json
'

test_expect_success 'names are masked too: first character kept' '
	test "$(rq "[.fevers[], .denials[], .visitors.overstays[], .cases.list[] | .name // empty] | map(select(test(\"^.\\\\*+$\") | not)) | length" masked.json)" = 0 &&
	! grep -q "王五\|孙八\|沈丙" masked.text
'

test_expect_success '--no-mask shows them whole, in every format' '
	for fmt in json text md html; do
		cg_report --date 2026-01-25 --no-mask --format $fmt $IN >clear.$fmt &&
		grep -q 310104198506151237 clear.$fmt &&
		grep -q 王五 clear.$fmt || return 1
	done &&
	cg_report --date 2026-01-25 --no-mask --table fevers $IN >clear.csv &&
	grep -q "王五,310104198506151237,13700001234" clear.csv &&
	test "$(rq .masked clear.json)" = false
'

test_expect_success 'a merged report masks what it is given unmasked' '
	cg_report --merge --now 2026-01-25T21:00:00+08:00 clear.json >merged.json &&
	! grep -F -f secrets merged.json &&
	cg_report --merge --no-mask clear.json >merged-clear.json &&
	grep -q 310104198506151237 merged-clear.json
'

test_expect_success '--table implies CSV; other formats refuse it' '
	test_expect_code 2 cg-report --date 2026-01-25 --format text --table gates $IN 2>err &&
	grep -q "table goes with --format csv" err &&
	test_expect_code 2 cg-report --table nope $IN 2>err &&
	grep -q "unknown table" err &&
	test_expect_code 2 cg-report --format pdf $IN 2>err &&
	grep -q "unknown format" err
'

test_expect_success 'txt is text: one spelling of each format name' '
	cg-report --date 2026-01-25 --format text $IN >text.out &&
	cg-report --date 2026-01-25 --format txt $IN >txt.out &&
	test -s text.out &&
	test_cmp text.out txt.out
'

test_expect_success 'zh_CN: every code a person reads is Chinese; JSON keeps the codes' '
	LANGUAGE=zh_CN LC_ALL=zh_CN.UTF-8 cg_report --date 2026-01-25 --format text $IN >zh.txt &&
	grep -q "^  警报  门岗发热      王\* 于 09:00 在门岗 north：37.5 °C，拦截$" zh.txt &&
	grep -q "^  警告  门岗无人值守  门岗 east 在 08:00-20:00 无人值守（720 分钟）$" zh.txt &&
	grep -q "按类别： 居民 6 租户 1 访客 6 快递外卖 1 工作人员 0 车辆 1" zh.txt &&
	grep -q "^  未登记车辆     1$" zh.txt &&
	grep -q "^  09:00  north  进    居民  王\*" zh.txt &&
	grep -q "已升级处置" zh.txt && grep -q "^  返回人员     1     1$" zh.txt &&
	for code in fever no_mask courier in out deny refer admit open escalated released closed \
		resident tenant returnee gate_unattended fever_at_gate alert warning; do
		! grep -w -q "$code" zh.txt || { echo "code $code in the Chinese text" >&2; return 1; }
	done &&
	LANGUAGE=zh_CN LC_ALL=zh_CN.UTF-8 cg_report --date 2026-01-25 --format html $IN >zh.html &&
	grep -q "门岗发热" zh.html && ! grep -q ">gate_unattended<" zh.html &&
	test "$(grep -c "<tr class=\"alert\">" zh.html)" = 4 &&
	grep -A1 "<b>2</b>" zh.html | grep -q "<span>发热</span>" &&
	: >empty.jsonl &&
	write_config "{\"gates\":[]}" &&
	cg_report --date 2026-01-25 --format html empty.jsonl >empty.html &&
	grep -q "<details class=\"notices\"><summary>Notices (1)</summary>" empty.html &&
	cg_report --date 2026-01-25 --format text empty.jsonl >empty.txt &&
	grep -q "^  Notices: no check-in recorded in the period$" empty.txt &&
	write_config "{\"gates\":[\"north\",\"south\",\"east\"],\"policy\":{\"duty_hours\":[\"08:00\",\"20:00\"]}}" &&
	LANGUAGE=zh_CN LC_ALL=zh_CN.UTF-8 cg_report --date 2026-01-25 --format md $IN >zh.md &&
	grep -q "| 警报 | 门岗发热 |" zh.md &&
	LANGUAGE=zh_CN LC_ALL=zh_CN.UTF-8 cg_report --date 2026-01-25 $IN >zh.json &&
	test "$(rq "[.warnings[0].code, .warnings[0].severity, .fevers[0].decision] | @tsv" zh.json)" = \
		"$(printf "fever_at_gate\talert\tdeny")"
'

test_expect_success 'zh_CN: CSV headers are Chinese, the cells keep the codes; in C they are the keys' '
	LANGUAGE=zh_CN LC_ALL=zh_CN.UTF-8 cg_report --date 2026-01-25 --table fevers $IN >zh.csv &&
	head -n 1 zh.csv | grep -q "^时间,门岗,方向,类别,姓名,身份证号,手机号,住户,被访住户,车牌,体温,判定,原因" &&
	sed -n 2p zh.csv | grep -q ",in,resident,.*,deny,fever" &&
	cg_report --date 2026-01-25 --table fevers $IN >c.csv &&
	head -n 1 c.csv | grep -q "^ts,gate,dir,kind,name," &&
	LANGUAGE=zh_CN LC_ALL=zh_CN.UTF-8 cg_report --date 2026-01-25 --format csv $IN >zh-all.csv &&
	head -n 1 zh-all.csv | grep -q "^指标,数值" &&
	LANGUAGE=zh_CN LC_ALL=zh_CN.UTF-8 cg_report --date 2026-01-25 --table warnings $IN >zh-w.csv &&
	head -n 1 zh-w.csv | grep -q "^代码,级别,门岗,"
'

test_expect_success '--excel: a UTF-8 byte order mark, then the CSV with CRLF' '
	cg_report --date 2026-01-25 --excel --table fevers $IN >x.csv &&
	test "$(head -c 3 x.csv | od -An -tx1 | tr -d " ")" = efbbbf &&
	tail -c +4 x.csv >x-body.csv &&
	cg_report --date 2026-01-25 --table fevers $IN >plain.csv &&
	test_cmp plain.csv x-body.csv &&
	test "$(grep -c "$(printf "\r")\$" x.csv)" = "$(wc -l <x.csv)" &&
	cg_report --date 2026-01-25 --excel $IN >x-all.csv &&
	test "$(head -c 3 x-all.csv | od -An -tx1 | tr -d " ")" = efbbbf &&
	test_expect_code 2 cg-report --date 2026-01-25 --excel --format text $IN 2>err &&
	grep -q "excel goes with --format csv" err
'

test_reports_valid
test_done
