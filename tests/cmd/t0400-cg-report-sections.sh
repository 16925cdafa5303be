#!/bin/sh
test_description='cg-report: every section of the report on a hand-built day with known answers'
. "${0%/*}/../lib/test-lib.sh"
. "$SRC_DIR/tests/fixtures/report/lib.sh"

# tests/fixtures/report/day.jsonl, 2026-01-25, duty 08:00-20:00, clock 20:30:
#   north  08:00 in  resident 张三       admit
#          08:30 out resident 李四       admit
#          09:00 in  resident 王五 37.5  deny fever
#          09:10 in  courier  赵六       deny courier
#          09:20 in  visitor  钱七       admit, until 11:20 (leaves 10:50 south)
#          09:30 in  visitor  孙八       admit, until 11:30 (never leaves)
#          10:00 in  resident 刘一       refer remeasure (no temp)
#          10:20 in  resident 陈二 37.3  deny fever (the threshold)
#          11:00 in  vehicle  京A12345   deny vehicle_unregistered
#   south  10:50 out visitor  钱七       admit
#          12:00 in  visitor  周九       admit, until 14:00
#          14:30 out visitor  周九       admit (late)
#          15:00 in  resident 吴十       deny no_mask
#          16:00 in  tenant   郑十一     admit
#          19:00 in  visitor  冯十二     admit, until 21:00 (inside at 20:30)
#   and a check-in of the day before (outside), and {"hello":"world"}.
# passes.jsonl and cases.jsonl: see the tests below.

F=$REPORT_FIXTURES

test_expect_success 'setup: three gates, duty 08:00-20:00' '
	write_config "{\"gates\":[\"north\",\"south\",\"east\"],\"policy\":{\"duty_hours\":[\"08:00\",\"20:00\"]}}"
'

test_expect_success 'a report from files: one JSON line, exit 0' '
	cg_report --date 2026-01-25 "$F/day.jsonl" "$F/passes.jsonl" "$F/cases.jsonl" >out &&
	test_line_count = 1 out &&
	test "$(rq ".compound.code + \" \" + .compound.name + \" \" + .date")" = "DEMO-0001 示范小区 2026-01-25" &&
	test "$(rq "[.since, .until, .generated_at, .generator] | join(\" \")")" = \
		"2026-01-25 2026-01-25 2026-01-25T20:30:00+08:00 cg-report 0.1.0"
'

test_expect_success 'totals, kinds and reasons' '
	rq ".totals | [.events, .in, .out, .admit, .deny, .refer] | @tsv" >actual &&
	printf "15\t12\t3\t9\t5\t1\n" >expect &&
	test_cmp expect actual &&
	rq ".kinds | [.resident, .tenant, .visitor, .courier, .staff, .vehicle] | @tsv" >actual &&
	printf "6\t1\t6\t1\t0\t1\n" >expect &&
	test_cmp expect actual &&
	rq ".reasons | to_entries | map(select(.value > 0) | \"\(.key)=\(.value)\") | join(\" \")" >actual &&
	echo "fever=2 no_mask=1 courier=1 vehicle_unregistered=1 remeasure=1" >expect &&
	test_cmp expect actual &&
	test "$(rq ".reasons | length")" = 14
'

test_expect_success 'unknown records are counted, records of another day are outside' '
	test "$(rq "[.unknown, .rejected, .outside] | @tsv")" = "$(printf "1\t0\t1")"
'

test_expect_success 'gates: counts, first and last event, per-gate reasons' '
	rq ".gates | to_entries[] | [.key, .value.in, .value.out, .value.admit, .value.deny, .value.refer] | @tsv" >actual &&
	printf "north\t8\t1\t4\t4\t1\nsouth\t4\t2\t5\t1\t0\neast\t0\t0\t0\t0\t0\n" >expect &&
	test_cmp expect actual &&
	test "$(rq ".gates.north.first + \" \" + .gates.north.last")" = \
		"2026-01-25T08:00:00+08:00 2026-01-25T11:00:00+08:00" &&
	test "$(rq ".gates.east.first")" = null &&
	test "$(rq ".gates.north.reasons | tojson")" = \
		"{\"fever\":2,\"courier\":1,\"vehicle_unregistered\":1,\"remeasure\":1}"
'

test_expect_success 'duty coverage: the longest gap of each gate, one gate_unattended row per gate' '
	rq ".gates | to_entries[] | [.key, .value.longest_gap_min, .value.longest_gap_from[11:16], .value.longest_gap_to[11:16]] | @tsv" >actual &&
	printf "north\t540\t11:00\t20:00\nsouth\t180\t16:00\t19:00\neast\t720\t08:00\t20:00\n" >expect &&
	test_cmp expect actual &&
	rq ".warnings[] | select(.code == \"gate_unattended\") | .gate as \$g | .gaps[] | [\$g, .from[11:16], .to[11:16], .gap_min] | @tsv" >actual &&
	cat >expect <<-EOF &&
	north	11:00	20:00	540
	south	08:00	10:50	170
	south	10:50	12:00	70
	south	12:00	14:30	150
	south	16:00	19:00	180
	east	08:00	20:00	720
	EOF
	test_cmp expect actual &&
	rq "[.warnings[] | select(.code == \"gate_unattended\") | [.gate, .severity, .count, .gap_min] | @tsv] | .[]" >actual &&
	printf "north\twarning\t1\t540\nsouth\twarning\t4\t180\neast\twarning\t1\t720\n" >expect &&
	test_cmp expect actual
'

test_expect_success 'hours: 24 buckets per gate and direction, local time' '
	test "$(rq "[.hours[] | .in, .out | length] | unique | tojson")" = "[24]" &&
	test "$(rq ".hours.north.in | tojson")" = "[0,0,0,0,0,0,0,0,1,4,2,1,0,0,0,0,0,0,0,0,0,0,0,0]" &&
	test "$(rq ".hours.north.out[8]")" = 1 &&
	test "$(rq ".hours.south.in | to_entries | map(select(.value > 0) | .key) | tojson")" = "[12,15,16,19]" &&
	test "$(rq ".hours.south.out | to_entries | map(select(.value > 0) | .key) | tojson")" = "[10,14]"
'

test_expect_success 'temperatures: a histogram of every reading' '
	test "$(rq ".temperatures | [.measured, .from, .step, (.counts | length), .below, .above] | @tsv")" = \
		"$(printf "11\t35\t0.1\t76\t0\t0")" &&
	rq ".temperatures.counts | to_entries | map(select(.value > 0) | \"\(35 + .key / 10)=\(.value)\") | join(\" \")" >actual &&
	echo "36.2=1 36.4=1 36.5=3 36.6=2 36.7=1 36.8=1 37.3=1 37.5=1" >expect &&
	test_cmp expect actual
'

test_expect_success 'fevers (37.3 is one) and the other denials, masked' '
	rq ".fevers[] | [.ts[11:16], .gate, .name, .id_no // \"-\", .phone // \"-\", .temp, .decision, (.reasons | join(\",\"))] | @tsv" >actual &&
	cat >expect <<-EOF &&
	09:00	north	王*	3101**********1237	137****1234	37.5	deny	fever
	10:20	north	陈*	-	-	37.3	deny	fever
	EOF
	test_cmp expect actual &&
	rq ".denials[] | [.ts[11:16], .kind, .name // .plate, (.reasons | join(\",\"))] | @tsv" >actual &&
	cat >expect <<-EOF &&
	09:10	courier	赵*	courier
	11:00	vehicle	京A12345	vehicle_unregistered
	15:00	resident	吴*	no_mask
	EOF
	test_cmp expect actual
'

test_expect_success 'visitors: counts, overstays with no exit and with a late exit' '
	test "$(rq ".visitors | [.count, .refused, .out, .inside, .overstay_count] | @tsv")" = \
		"$(printf "4\t0\t2\t2\t2")" &&
	rq ".visitors.inside_list[] | [.ts[11:16], .name, .visit_until[11:16], .overstay] | @tsv" >actual &&
	printf "09:30\t孙*\t11:30\ttrue\n19:00\t冯**\t21:00\tfalse\n" >expect &&
	test_cmp expect actual &&
	rq ".visitors.overstays[] | [.ts[11:16], .gate, .name, .visit_until[11:16], (if .out then .out[11:16] else \"none\" end)] | @tsv" >actual &&
	cat >expect <<-EOF &&
	09:30	north	孙*	11:30	none
	12:00	south	周*	14:00	14:30
	EOF
	test_cmp expect actual &&
	test "$(rq "[.warnings[] | select(.code == \"visitor_overstay\") | .count] | tojson")" = "[2]"
'

test_expect_success 'a visitor whose visit ends after the clock is inside, not overstaying' '
	cg_report --date 2026-01-25 --now 2026-01-25T20:59:59+08:00 "$F/day.jsonl" >out &&
	test "$(rq ".visitors | [.inside, .overstay_count] | @tsv")" = "$(printf "2\t2")" &&
	test "$(rq ".policy.visit_grace_min")" = 10 &&
	cg_report --date 2026-01-25 --now 2026-01-25T21:10:00+08:00 "$F/day.jsonl" >out &&
	test "$(rq ".visitors | [.inside, .overstay_count] | @tsv")" = "$(printf "2\t2")" &&
	cg_report --date 2026-01-25 --now 2026-01-25T21:10:01+08:00 "$F/day.jsonl" >out &&
	test "$(rq ".visitors | [.inside, .overstay_count] | @tsv")" = "$(printf "2\t3")" &&
	test "$(rq "[.visitors.inside_list[].overstay] | tojson")" = "[true,true]"
'

test_expect_success 'an exit matched by another identity key of the visitor' '
	cat >visit.jsonl <<-EOF &&
	{"ts":"2026-01-25T09:00:00+08:00","gate":"north","dir":"in","kind":"visitor","name":"甲","id_no":"110101199003074514","phone":"13812348000","host":"1-1-101","mask":true,"decision":"admit","reasons":[],"visit_until":"2026-01-25T11:00:00+08:00"}
	{"ts":"2026-01-25T10:00:00+08:00","gate":"south","dir":"out","kind":"visitor","name":"甲","phone":"138 1234 8000","mask":true,"decision":"admit","reasons":[]}
	{"ts":"2026-01-25T09:00:00+08:00","gate":"north","dir":"in","kind":"visitor","name":"乙","id_no":"310104198506151237","phone":"13900000000","host":"1-1-101","mask":true,"decision":"admit","reasons":[],"visit_until":"2026-01-25T11:00:00+08:00"}
	{"ts":"2026-01-25T10:00:00+08:00","gate":"south","dir":"out","kind":"visitor","name":"乙","id_no":"510107200012298761","phone":"13900000000","mask":true,"decision":"admit","reasons":[]}
	EOF
	cg_report --date 2026-01-25 visit.jsonl >out &&
	test "$(rq ".visitors | [.count, .out, .overstay_count] | @tsv")" = "$(printf "2\t2\t1")" &&
	test "$(rq ".visitors.overstays[0].id_no")" = "3101**********1237"
'

test_expect_success 'in with a phone, out with the name only: one visit, left in time' '
	cat >visit2.jsonl <<-EOF &&
	{"ts":"2026-01-25T09:00:00+08:00","gate":"north","dir":"in","kind":"visitor","name":"王丙","phone":"13812348000","host":"1-1-101","mask":true,"decision":"admit","reasons":[],"visit_until":"2026-01-25T12:02:00+08:00"}
	{"ts":"2026-01-25T12:05:00+08:00","gate":"north","dir":"out","kind":"visitor","name":"王丙","mask":true,"decision":"admit","reasons":[]}
	{"ts":"2026-01-25T09:10:00+08:00","gate":"north","dir":"in","kind":"visitor","name":"李丁","phone":"13900000000","host":"1-1-102","mask":true,"decision":"admit","reasons":[],"visit_until":"2026-01-25T10:00:00+08:00"}
	{"ts":"2026-01-25T10:30:00+08:00","gate":"north","dir":"out","kind":"visitor","name":"李丁","phone":"13900000001","mask":true,"decision":"admit","reasons":[]}
	EOF
	cg_report --date 2026-01-25 visit2.jsonl >out &&
	test "$(rq ".visitors | [.count, .out, .inside, .overstay_count] | @tsv")" = "$(printf "2\t2\t1\t1")" &&
	test "$(rq ".visitors.inside_list[0].name")" = "李*" &&
	test "$(rq ".visitors.overstays[0] | [.name, .out == null] | @tsv")" = "$(printf "李*\ttrue")"
'

test_expect_success 'visitors matched on the pass: in with a token, out with the id it carries, or the token' '
	echo "{\"name\":\"王丙\",\"phone\":\"13812348000\",\"household\":\"1-1-101\",\"class\":\"visitor\"}" |
		cg-pass issue --now 2026-01-25T08:00:00+08:00 >pass.json &&
	ID=$(jq -r .pass_id pass.json) && TOKEN=$(jq -r .token pass.json) &&
	low=$(echo "$ID" | tr -d - | tr A-Z a-z) &&
	cat >visit3.jsonl <<-EOF &&
	{"ts":"2026-01-25T09:00:00+08:00","gate":"north","dir":"in","kind":"visitor","name":"王丙","phone":"13812348000","host":"1-1-101","pass":"$TOKEN","mask":true,"decision":"admit","reasons":[],"visit_until":"2026-01-25T11:00:00+08:00"}
	{"ts":"2026-01-25T10:00:00+08:00","gate":"south","dir":"out","kind":"visitor","pass":"$low","mask":true,"decision":"admit","reasons":[]}
	{"ts":"2026-01-25T09:10:00+08:00","gate":"north","dir":"in","kind":"visitor","name":"李丁","host":"1-1-102","pass":"$ID","mask":true,"decision":"admit","reasons":[],"visit_until":"2026-01-25T11:00:00+08:00"}
	{"ts":"2026-01-25T10:10:00+08:00","gate":"south","dir":"out","kind":"visitor","pass":"$TOKEN","mask":true,"decision":"admit","reasons":[]}
	{"ts":"2026-01-25T09:20:00+08:00","gate":"north","dir":"in","kind":"visitor","name":"赵戊","host":"1-1-103","pass":"AAAA-AAAA-A","mask":true,"decision":"admit","reasons":[],"visit_until":"2026-01-25T11:00:00+08:00"}
	{"ts":"2026-01-25T10:20:00+08:00","gate":"south","dir":"out","kind":"visitor","pass":"BBBB-BBBB-B","mask":true,"decision":"admit","reasons":[]}
	EOF
	cg_report --date 2026-01-25 --now 2026-01-25T20:00:00+08:00 visit3.jsonl >out &&
	test "$(rq ".visitors | [.count, .out, .inside, .overstay_count] | @tsv")" = "$(printf "3\t3\t1\t1")" &&
	test "$(rq ".visitors.overstays[0] | [.name, .out == null] | @tsv")" = "$(printf "赵*\ttrue")"
'

test_expect_success 'cases: from the quarantine events up to the end of the period' '
	cg_report --date 2026-01-25 "$F/day.jsonl" "$F/passes.jsonl" "$F/cases.jsonl" >out &&
	test "$(rq "[.warnings[] | select(.severity == \"alert\" and .cases) | .code + \" \" + (.cases | join(\",\"))] | join(\";\")")" = \
		"observation_alert Q260122-001;case_escalated Q260122-001" &&
	rq ".cases | [.open, .opened, .escalated, .released, .closed, .extended, .checks, .alerts, .missed_windows, .ending_today, .ending_tomorrow, .needs_open] | @tsv" >actual &&
	printf "3\t1\t1\t1\t1\t0\t3\t1\t2\t0\t1\t1\n" >expect &&
	test_cmp expect actual &&
	rq ".cases.list[] | [.case_id, .name, .status, .missed, .needs_open, .ending_tomorrow] | @tsv" >actual &&
	cat >expect <<-EOF &&
	Q260110-001	卫*	released	0	0	false
	Q260115-001	蒋*	closed	0	0	false
	Q260120-001	沈*	open	1	1	false
	Q260122-001	韩*	escalated	1	0	false
	Q260125-001	杨*	open	0	0	true
	EOF
	test_cmp expect actual &&
	test "$(rq "[.warnings[] | select(.code == \"missed_checks\") | .count] | tojson")" = "[2]"
'

test_expect_success 'cases: under observation at the end of each of the last 14 days' '
	rq ".cases.by_day[] | [.date[5:], .open] | @tsv" >actual &&
	cat >expect <<-EOF &&
	01-12	1
	01-13	1
	01-14	1
	01-15	2
	01-16	2
	01-17	2
	01-18	2
	01-19	2
	01-20	3
	01-21	3
	01-22	4
	01-23	4
	01-24	4
	01-25	3
	EOF
	test_cmp expect actual
'

test_expect_success 'cases of the day before: what was missed then, nothing of the 25th' '
	cg_report --date 2026-01-24 "$F/cases.jsonl" >out &&
	test "$(rq ".cases | [.open, .opened, .released, .checks, .ending_tomorrow] | @tsv")" = \
		"$(printf "4\t0\t0\t0\t0")" &&
	test "$(rq ".cases.missed_windows")" -gt 0
'

test_expect_success 'passes: issued and revoked in the period, valid at its end, by class' '
	cg_report --date 2026-01-25 "$F/passes.jsonl" >out &&
	test "$(rq ".passes.issued | to_entries | map(select(.value > 0) | \"\(.key)=\(.value)\") | join(\" \")")" = \
		"resident=2 returnee=1" &&
	test "$(rq ".passes | [.issued_total, .revoked, .active_total] | @tsv")" = "$(printf "3\t1\t3")" &&
	test "$(rq ".passes.active | to_entries | map(select(.value > 0) | \"\(.key)=\(.value)\") | join(\" \")")" = \
		"resident=2 returnee=1" &&
	test "$(rq ".passes.issued | keys_unsorted | join(\",\")")" = \
		"resident,returnee,tenant,temporary,visitor,vehicle,staff"
'

# passes_many: 3000 passes issued on the 20th (ids P0000..P2999, every
# third of class "guest", which the config does not name), every fifth
# revoked on the 22nd (spelt in lower case, with a dash), every tenth of
# those issued again on the 23rd; 50 not yet valid at the end of the 25th,
# 70 expired on the 24th; a revoke of a pass never issued, and one after
# the period.
passes_many() {
	awk "BEGIN {
		for (i = 0; i < 3000; i++) {
			cls = i % 3 ? \"resident\" : \"guest\"
			from = i < 50 ? \"2026-01-26T08:00:00+08:00\" : \"2026-01-20T08:00:00+08:00\"
			until = i >= 50 && i < 120 ? \"2026-01-24T00:00:00+08:00\" : \"2027-01-01T00:00:00+08:00\"
			printf \"{\\\"ts\\\":\\\"2026-01-20T09:00:00+08:00\\\",\\\"event\\\":\\\"issue\\\",\\\"pass_id\\\":\\\"P%04d\\\",\\\"class\\\":\\\"%s\\\",\\\"valid_from\\\":\\\"%s\\\",\\\"valid_until\\\":\\\"%s\\\"}\\n\", i, cls, from, until
		}
		for (i = 0; i < 3000; i += 5)
			printf \"{\\\"ts\\\":\\\"2026-01-22T09:00:00+08:00\\\",\\\"event\\\":\\\"revoke\\\",\\\"pass_id\\\":\\\"p-%04d\\\"}\\n\", i
		for (i = 0; i < 3000; i += 50)
			printf \"{\\\"ts\\\":\\\"2026-01-23T09:00:00+08:00\\\",\\\"event\\\":\\\"issue\\\",\\\"pass_id\\\":\\\"P%04d\\\",\\\"class\\\":\\\"resident\\\",\\\"valid_from\\\":\\\"2026-01-23T08:00:00+08:00\\\",\\\"valid_until\\\":\\\"2027-01-01T00:00:00+08:00\\\"}\\n\", i
		print \"{\\\"ts\\\":\\\"2026-01-22T09:00:00+08:00\\\",\\\"event\\\":\\\"revoke\\\",\\\"pass_id\\\":\\\"Z9999\\\"}\"
		print \"{\\\"ts\\\":\\\"2026-01-27T09:00:00+08:00\\\",\\\"event\\\":\\\"revoke\\\",\\\"pass_id\\\":\\\"P2999\\\"}\"
	}"
}

test_expect_success 'passes: thousands, revoked and issued again, valid at the end by class' '
	passes_many >many.jsonl &&
	test_line_count = 3662 many.jsonl &&
	cg_report --since 2026-01-20 --until 2026-01-25 many.jsonl >out &&
	test "$(rq ".passes | [.issued_total, .revoked, .active_total] | @tsv")" = "$(printf "3060\t601\t2364")" &&
	test "$(rq ".passes.active | to_entries | map(select(.value > 0) | \"\(.key)=\(.value)\") | join(\" \")")" = \
		"resident=1596 guest=768" &&
	cg_report --date 2026-01-25 many.jsonl >out &&
	test "$(rq ".passes | [.issued_total, .revoked, .active_total] | @tsv")" = "$(printf "0\t0\t2364")"
'

test_expect_success 'no --date with files: the period is the days of the records' '
	cg_report "$F/day.jsonl" >out &&
	test "$(rq "[.date // \"-\", .since, .until, .totals.events, .outside] | @tsv")" = \
		"$(printf -- "-\t2026-01-24\t2026-01-25\t16\t0")"
'

test_expect_success 'a range of days: --since and --until' '
	cg_report --since 2026-01-24 --until 2026-01-25 "$F/day.jsonl" >out &&
	test "$(rq "[has(\"date\"), .since, .until, .totals.events] | @tsv")" = \
		"$(printf "false\t2026-01-24\t2026-01-25\t16")" &&
	test "$(rq ".gates.north.first[0:10]")" = 2026-01-24
'

test_expect_success 'records of another compound are counted, with a warning' '
	sed "s/DEMO-0001/XH-0002/" "$F/day.jsonl" | head -n 3 >other.jsonl &&
	cg_report --date 2026-01-25 "$F/day.jsonl" other.jsonl >out &&
	test "$(rq ".totals.events")" = 18 &&
	test "$(rq ".warnings[] | select(.code == \"foreign_records\") | [.count, .foreign] | @tsv")" = \
		"$(printf "3\tXH-0002")"
'

test_expect_success 'an empty day: zeros, every gate unattended, no_checkins' '
	cg_report --date 2026-01-25 </dev/null >out &&
	test "$(rq ".totals.events")" = 0 &&
	test "$(rq "[.warnings[].code] | unique | join(\",\")")" = "gate_unattended,no_checkins" &&
	test "$(rq "[.warnings[] | select(.code == \"gate_unattended\") | .gap_min] | tojson")" = "[720,720,720]"
'

test_expect_success 'a temperature is listed as it was stored and decided: 37.29999999999999 is 37.3, a fever' '
	mkdir -m 700 home-temp &&
	printf "%s\n" \
		"{\"gate\":\"north\",\"dir\":\"in\",\"kind\":\"resident\",\"name\":\"张三\",\"id_no\":\"110101199003074514\",\"temp\":37.29999999999999,\"mask\":true,\"ts\":\"2026-01-25T09:00:00+08:00\"}" \
		"{\"gate\":\"north\",\"dir\":\"in\",\"kind\":\"resident\",\"name\":\"李四\",\"phone\":\"13812348000\",\"temp\":37.24999,\"mask\":true,\"ts\":\"2026-01-25T09:10:00+08:00\"}" |
		cg-checkin --home home-temp >decided &&
	jq -r "[.temp, .decision] | @tsv" decided >actual &&
	printf "37.3\tdeny\n37.2\tadmit\n" >expect &&
	test_cmp expect actual &&
	cat home-temp/journal/checkin/2026-01-25.jsonl >journaled &&
	grep -o "\"temp\":[^,]*" journaled >actual &&
	printf "%s\n" "\"temp\":37.3" "\"temp\":37.2" >expect &&
	test_cmp expect actual &&
	cg_report --home home-temp --date 2026-01-25 >out &&
	rq ".fevers[] | [.temp, .decision, (.reasons | join(\",\"))] | @tsv" >actual &&
	printf "37.3\tdeny\tfever\n" >expect &&
	test_cmp expect actual &&
	cg_report --home home-temp --date 2026-01-25 --format text >text &&
	grep "37\.3" text >lines &&
	grep -q deny lines &&
	test_must_fail grep -q "37\.3.*admit" text
'

test_done_report() {
	test_reports_valid
	test_done
}
test_done_report
