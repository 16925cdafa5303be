#!/bin/sh
test_description='cg-quarantine check: results, windows, alerts and escalation, refused checks'
. "${0%/*}/../lib/test-lib.sh"
. "$SRC_DIR/tests/lib/quarantine-fold.sh"

ID_A=110101199003074514
ID_B=310104198506151237
ID_C=510107200012298761
D1=2026-01-25

# check_at TIME JSON-FIELDS: one check of Q260125-001 at local TIME of day 1.
check_at() {
	ca_t=$1 ca_f=$2
	shift 2
	echo "{\"case_id\":\"Q260125-001\",\"ts\":\"${D1}T$ca_t+08:00\",$ca_f}" |
		cg-quarantine check --now "${D1}T23:59:59+08:00" "$@"
}

test_expect_success 'setup: two cases' '
	printf "%s\n" \
		"{\"name\":\"张三\",\"id_no\":\"$ID_A\",\"phone\":\"13812348000\",\"household\":\"3-2-501\",\"reason\":\"close_contact\",\"officer\":\"王五\"}" \
		"{\"name\":\"李四\",\"id_no\":\"$ID_B\",\"household\":\"3-2-502\",\"reason\":\"risk_area_return\",\"from\":\"武汉市\"}" |
		cg-quarantine open --now ${D1}T05:00:00+08:00 >opened &&
	field case_id opened >actual &&
	printf "%s\n" Q260125-001 Q260125-002 >expect &&
	test_cmp expect actual
'

test_expect_success 'a normal check: result ok, its day and window' '
	echo "{\"case_id\":\"Q260125-001\",\"temp\":36.6,\"by\":\"王五\",\"ts\":\"${D1}T07:30:00+08:00\"}" |
		cg-quarantine check --now ${D1}T08:00:00+08:00 >out 2>err &&
	test_must_fail test -s err &&
	jq -c "del(.seq, .chain)" out >actual &&
	echo "{\"ts\":\"${D1}T07:30:00+08:00\",\"compound\":\"DEMO-0001\",\"event\":\"check\",\"case_id\":\"Q260125-001\",\"temp\":36.6,\"symptoms\":[],\"by\":\"王五\",\"day\":1,\"window\":\"06:00-10:00\",\"result\":\"ok\"}" >expect &&
	test_cmp expect actual &&
	tail -n 1 "$CG_HOME/journal/quarantine.jsonl" >last &&
	cmp out last
'

test_expect_success 'the case is found by ID number, by phone, by name and household' '
	echo "{\"id_no\":\"$ID_A\",\"temp\":36.5,\"ts\":\"${D1}T16:00:00+08:00\"}" |
		cg-quarantine check -n --now ${D1}T20:00:00+08:00 >out &&
	test "$(field case_id out)" = Q260125-001 &&
	echo "{\"phone\":\"138-1234-8000\",\"temp\":36.5,\"ts\":\"${D1}T16:00:00+08:00\"}" |
		cg-quarantine check -n --now ${D1}T20:00:00+08:00 >out &&
	test "$(field case_id out)" = Q260125-001 &&
	echo "{\"name\":\"李四\",\"household\":\"3-2-502\",\"temp\":36.5,\"ts\":\"${D1}T16:00:00+08:00\"}" |
		cg-quarantine check -n --now ${D1}T20:00:00+08:00 >out &&
	test "$(field case_id out)" = Q260125-002 &&
	test "$(jq -r "has(\"id_no\") or has(\"phone\") or has(\"name\")" out)" = false
'

test_expect_success 'window bounds: start inclusive, end exclusive; outside a window is said' '
	for t in 06:00:00 09:59:59 16:00:00 19:59:59; do
		check_at $t "\"temp\":36.5" -n >out 2>err || return 1
		test "$(field window out)" != null || return 1
		test_must_fail test -s err || return 1
	done &&
	for t in 05:59:59 10:00:00 12:30:00 20:00:00 23:00:00; do
		check_at $t "\"temp\":36.5" -n >out 2>err || return 1
		test "$(field window out)" = null || return 1
		test "$(field result out)" = ok || return 1
		grep -q "stdin:1: check at ..:.. is outside every check window: it counts for its day, not for a window" err || return 1
	done &&
	check_at 12:30:00 "\"temp\":36.5" -n -q >out 2>err &&
	test_must_fail test -s err
'

test_expect_success 'windows come from the policy' '
	write_config "{\"quarantine\":{\"check_windows\":[[\"08:00\",\"09:00\"],[\"12:00\",\"13:00\"],[\"20:00\",\"24:00\"]]}}" &&
	test_when_finished "rm -f \"\$CG_HOME/config.json\"" &&
	check_at 12:30:00 "\"temp\":36.5" -n >out &&
	test "$(field window out)" = 12:00-13:00 &&
	check_at 23:59:59 "\"temp\":36.5" -n >out &&
	test "$(field window out)" = 20:00-24:00 &&
	check_at 07:45:00 "\"temp\":36.5" -n >out 2>/dev/null &&
	test "$(field window out)" = null
'

test_expect_success 'fever: 37.2 is ok, 37.3 is an alert (policy.fever_threshold)' '
	check_at 16:10:00 "\"temp\":37.2" -n >out &&
	test "$(field result out)" = ok &&
	check_at 16:10:00 "\"temp\":37.3" -n >out &&
	test "$(field event out | tr "\n" " ")" = "check escalate alert " &&
	test "$(head -n 1 out | jq -r .result)" = alert &&
	write_config "{\"policy\":{\"fever_threshold\":37.5}}" &&
	test_when_finished "rm -f \"\$CG_HOME/config.json\"" &&
	check_at 16:10:00 "\"temp\":37.4" -n >out &&
	test "$(field result out)" = ok
'

test_expect_success 'a temperature is stored rounded to 0.1, as it was decided' '
	check_at 16:10:00 "\"temp\":37.24999" -n >out &&
	test "$(field result out)" = ok &&
	grep -o "\"temp\":[^,]*" out >actual &&
	echo "\"temp\":37.2" >expect &&
	test_cmp expect actual &&
	for t in 37.25 37.2999999 37.29999999999999; do
		check_at 16:10:00 "\"temp\":$t" -n >out || return 1
		test "$(field event out | tr "\n" " ")" = "check escalate alert " || return 1
		grep -o "\"temp\":[^,]*" out >actual &&
		printf "%s\n" "\"temp\":37.3" "\"temp\":37.3" "\"temp\":37.3" >expect &&
		test_cmp expect actual || return 1
	done &&
	check_at 16:10:00 "\"temp\":36.95" -n >out &&
	test "$(grep -o "\"temp\":[^,]*" out)" = "\"temp\":37.0"
'

test_expect_success 'symptoms alert at any temperature; an empty list is fine' '
	check_at 16:10:00 "\"temp\":36.5,\"symptoms\":[]" -n >out &&
	test "$(field result out)" = ok &&
	check_at 16:10:00 "\"temp\":36.5,\"symptoms\":[\"cough\"]" -n >out &&
	test_line_count = 3 out &&
	test "$(sed -n 2p out | jq -r .reason)" = symptoms &&
	test "$(sed -n 3p out | jq -r ".reasons | join(\",\")")" = symptoms
'

test_expect_success 'an alert: check, escalate and alert records, all journaled; the case is escalated' '
	check_at 16:20:00 "\"temp\":38.1,\"symptoms\":[\"cough\"],\"by\":\"王五\"" >out &&
	test_line_count = 3 out &&
	tail -n 3 "$CG_HOME/journal/quarantine.jsonl" >last &&
	cmp out last &&
	jq -c "del(.seq, .chain, .ts, .compound)" out >actual &&
	cat >expect <<-EOF &&
	{"event":"check","case_id":"Q260125-001","temp":38.1,"symptoms":["cough"],"by":"王五","day":1,"window":"16:00-20:00","result":"alert"}
	{"event":"escalate","case_id":"Q260125-001","reason":"fever","by":"王五","temp":38.1,"symptoms":["cough"]}
	{"event":"alert","case_id":"Q260125-001","name":"张三","id_no":"$ID_A","phone":"13812348000","household":"3-2-501","officer":"王五","temp":38.1,"symptoms":["cough"],"by":"王五","reasons":["fever","symptoms"],"status":"escalated"}
	EOF
	test_cmp expect actual &&
	cg-quarantine list --status escalated >list &&
	test "$(field case_id list)" = Q260125-001 &&
	test "$(field escalate_reason list)" = fever
'

test_expect_success 'an escalated person still may not go out' '
	expect_verdict "{\"gate\":\"north\",\"kind\":\"resident\",\"dir\":\"out\",\"mask\":true,\"id_no\":\"$ID_A\"}" \
		"deny quarantined"
'

test_expect_success 'checks of an escalated case are accepted, with a warning; no second escalate' '
	check_at 17:00:00 "\"temp\":36.9" >out 2>err &&
	test "$(field result out)" = ok &&
	grep -q "warning: stdin:1: case .Q260125-001. is escalated; the check is recorded" err &&
	check_at 17:30:00 "\"temp\":38.5" >out 2>err &&
	test "$(field event out | tr "\n" " ")" = "check alert "
'

test_expect_success 'refused: unknown case, wrong person, no case for the person' '
	echo "{\"case_id\":\"Q260125-099\",\"temp\":36.5}" >in &&
	test_expect_code 1 cg-quarantine check --now ${D1}T18:00:00+08:00 <in >out 2>err &&
	grep -q "stdin:1: unknown case .Q260125-099." err &&
	echo "{\"case_id\":\"Q260125-002\",\"id_no\":\"$ID_A\",\"temp\":36.5}" >in &&
	test_expect_code 1 cg-quarantine check --now ${D1}T18:00:00+08:00 <in >out 2>err &&
	grep -q "stdin:1: case .Q260125-002. is someone else.s" err &&
	echo "{\"id_no\":\"$ID_C\",\"temp\":36.5}" >in &&
	test_expect_code 1 cg-quarantine check --now ${D1}T18:00:00+08:00 <in >out 2>err &&
	grep -q "stdin:1: no case for this person" err &&
	echo "{\"temp\":36.5}" >in &&
	test_expect_code 1 cg-quarantine check --now ${D1}T18:00:00+08:00 <in >out 2>err &&
	grep -q "stdin:1: missing field .case_id. (or the person.s id_no, phone, or name and household)" err &&
	test_must_fail test -s out
'

test_expect_success 'refused: checks of a closed or released case' '
	echo "{\"case_id\":\"Q260125-002\",\"reason\":\"moved_out\"}" |
		cg-quarantine close --now ${D1}T18:00:00+08:00 >/dev/null &&
	echo "{\"case_id\":\"Q260125-002\",\"temp\":36.5}" >in &&
	test_expect_code 1 cg-quarantine check --now ${D1}T18:30:00+08:00 <in >out 2>err &&
	grep -q "stdin:1: case .Q260125-002. is closed: no checks after a case has ended" err &&
	echo "{\"id_no\":\"$ID_B\",\"temp\":36.5}" >in &&
	test_expect_code 1 cg-quarantine check --now ${D1}T18:30:00+08:00 <in >out 2>err &&
	grep -q "stdin:1: no open case for this person (their case .Q260125-002. is closed)" err &&
	echo "{\"name\":\"赵六\",\"household\":\"1-1-101\",\"reason\":\"other\",\"start\":\"2026-01-01\"}" |
		cg-quarantine open --now ${D1}T18:00:00+08:00 >opened &&
	printf "%s\n" "{\"case_id\":\"Q260125-003\",\"temp\":36.5,\"ts\":\"2026-01-14T07:00:00+08:00\"}" \
		"{\"case_id\":\"Q260125-003\",\"temp\":36.5,\"ts\":\"2026-01-14T17:00:00+08:00\"}" |
		cg-quarantine check --now ${D1}T18:00:00+08:00 >/dev/null &&
	cg-quarantine release --now ${D1}T19:00:00+08:00 >released &&
	test "$(field case_id released)" = Q260125-003 &&
	echo "{\"case_id\":\"Q260125-003\",\"temp\":36.5}" >in &&
	test_expect_code 1 cg-quarantine check --now ${D1}T19:30:00+08:00 <in >out 2>err &&
	grep -q "stdin:1: case .Q260125-003. is released: no checks after a case has ended" err
'

test_expect_success 'refused: before day 1, in the future, twice at the same time' '
	echo "{\"case_id\":\"Q260125-001\",\"temp\":36.5,\"ts\":\"2026-01-24T17:00:00+08:00\"}" >in &&
	test_expect_code 1 cg-quarantine check --now ${D1}T18:00:00+08:00 <in 2>err &&
	grep -q "stdin:1: check on 2026-01-24 is before day 1 of case .Q260125-001. (2026-01-25)" err &&
	echo "{\"case_id\":\"Q260125-001\",\"temp\":36.5,\"ts\":\"${D1}T19:00:00+08:00\"}" >in &&
	test_expect_code 1 cg-quarantine check --now ${D1}T18:00:00+08:00 <in 2>err &&
	grep -q "stdin:1: check at ${D1}T19:00:00+08:00 is in the future (see --now)" err &&
	echo "{\"case_id\":\"Q260125-001\",\"temp\":36.5,\"ts\":\"${D1}T18:04:00+08:00\"}" >in &&
	cg-quarantine check --now ${D1}T18:00:00+08:00 <in >/dev/null &&
	test_expect_code 1 cg-quarantine check --now ${D1}T18:10:00+08:00 <in 2>err &&
	grep -q "stdin:1: case .Q260125-001. already has a check at ${D1}T18:04:00+08:00" err
'

test_expect_success 'refused: implausible or missing temperatures' '
	for t in 34.9 42.6; do
		echo "{\"case_id\":\"Q260125-001\",\"temp\":$t}" |
			test_expect_code 1 cg-quarantine check -n --now ${D1}T18:00:00+08:00 2>err || return 1
		grep -q "stdin:1: implausible temperature $t (policy.temp_min 35.0 to policy.temp_max 42.5): measure again" err || return 1
	done &&
	echo "{\"case_id\":\"Q260125-001\",\"temp\":35.0,\"ts\":\"${D1}T18:01:00+08:00\"}" |
		cg-quarantine check -n --now ${D1}T18:00:00+08:00 >out &&
	test "$(field result out)" = ok &&
	echo "{\"case_id\":\"Q260125-001\",\"symptoms\":[]}" |
		test_expect_code 1 cg-quarantine check -n --now ${D1}T18:00:00+08:00 2>err &&
	grep -q "stdin:1: missing field .temp." err
'

test_expect_success 'list, stats and show from the case index print what a fold prints' '
	quarantine_as_fold 2026-01-26T20:00:00+08:00
'

test_done
