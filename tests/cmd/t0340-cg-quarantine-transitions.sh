#!/bin/sh
test_description='cg-quarantine escalate, close, extend, need: the transitions and those refused'
. "${0%/*}/../lib/test-lib.sh"
. "$SRC_DIR/tests/lib/quarantine-fold.sh"

ID_A=110101199003074514
T=2026-01-25T09:00:00+08:00

# one SUBCOMMAND JSON [OPTION...]: feed one record, at time $T.
one() {
	one_sub=$1 one_rec=$2
	shift 2
	echo "$one_rec" | cg-quarantine "$one_sub" --now "$T" "$@"
}

# refused SUBCOMMAND JSON MESSAGE [OPTION...]: rejected as stdin:1 with
# MESSAGE (a grep pattern), nothing printed, nothing journaled.
refused() {
	rf_sub=$1 rf_rec=$2 rf_msg=$3
	shift 3
	cp "$CG_HOME/journal/quarantine.jsonl" rf.before &&
	rm -f rf.rej &&
	test_expect_code 1 one "$rf_sub" "$rf_rec" --rejects rf.rej "$@" >rf.out 2>rf.err &&
	test_must_fail test -s rf.out &&
	grep -q "^cg-quarantine: stdin:1: $rf_msg" rf.err &&
	echo "$rf_rec" >rf.expect &&
	test_cmp rf.expect rf.rej &&
	cmp rf.before "$CG_HOME/journal/quarantine.jsonl"
}

test_expect_success 'setup: four cases opened on 2026-01-20' '
	for i in 1 2 3 4; do
		echo "{\"name\":\"住户$i\",\"household\":\"2-1-10$i\",\"reason\":\"close_contact\",\"start\":\"2026-01-20\",\"officer\":\"王五\"}"
	done | cg-quarantine open --now 2026-01-20T08:00:00+08:00 >opened &&
	echo "{\"name\":\"张三\",\"id_no\":\"$ID_A\",\"household\":\"2-1-105\",\"reason\":\"close_contact\",\"start\":\"2026-01-20\"}" |
		cg-quarantine open --now 2026-01-20T08:00:00+08:00 >>opened &&
	test_line_count = 5 opened
'

test_expect_success 'escalate: by case id, with its reason and who did it' '
	one escalate "{\"case_id\":\"Q260120-001\",\"reason\":\"转集中隔离\",\"by\":\"李医生\",\"note\":\"咳嗽\"}" >out &&
	jq -c "del(.seq, .chain)" out >actual &&
	echo "{\"ts\":\"$T\",\"compound\":\"DEMO-0001\",\"event\":\"escalate\",\"case_id\":\"Q260120-001\",\"reason\":\"转集中隔离\",\"by\":\"李医生\",\"note\":\"咳嗽\"}" >expect &&
	test_cmp expect actual
'

test_expect_success 'escalate: by the person, reason "manual" by default, --reason over the record' '
	one escalate "{\"id_no\":\"$ID_A\"}" -n >out &&
	test "$(jq -r ".case_id + \" \" + .reason" out)" = "Q260120-005 manual" &&
	one escalate "{\"id_no\":\"$ID_A\",\"reason\":\"x\"}" -n --reason 发热门诊 >out &&
	test "$(field reason out)" = 发热门诊
'

test_expect_success 'refused: escalating an escalated case' '
	refused escalate "{\"case_id\":\"Q260120-001\"}" "case .Q260120-001. is already escalated"
'

test_expect_success 'close: every reason code; an escalated case may be closed' '
	one close "{\"case_id\":\"Q260120-001\",\"reason\":\"hospital\"}" >out &&
	test "$(jq -r ".event + \" \" + .reason" out)" = "close hospital" &&
	for r in transferred hospital moved_out cancelled error; do
		one close "{\"case_id\":\"Q260120-002\",\"reason\":\"$r\"}" -n >out || return 1
		test "$(field reason out)" = $r || return 1
	done &&
	one close "{\"case_id\":\"Q260120-002\"}" -n --reason moved_out >out &&
	test "$(field reason out)" = moved_out &&
	cg-quarantine list --status closed >list &&
	test "$(jq -r ".case_id + \" \" + .close_reason + \" \" + .closed_at" list)" = "Q260120-001 hospital $T"
'

test_expect_success 'refused: a close reason not in the list, or none' '
	refused close "{\"case_id\":\"Q260120-002\",\"reason\":\"bored\"}" \
		"unknown close reason .bored. (transferred, hospital, moved_out, cancelled, error)" &&
	refused close "{\"case_id\":\"Q260120-002\"}" "missing field .reason." &&
	test_expect_code 2 one close "{\"case_id\":\"Q260120-002\"}" --reason bored 2>err &&
	grep -q "unknown close reason .bored. for --reason" err
'

test_expect_success 'refused: transitions of ended cases' '
	refused close "{\"case_id\":\"Q260120-001\",\"reason\":\"error\"}" "case .Q260120-001. is already closed" &&
	refused escalate "{\"case_id\":\"Q260120-001\"}" "case .Q260120-001. is closed: only open cases can be escalated" &&
	refused extend "{\"case_id\":\"Q260120-001\",\"days\":21}" "case .Q260120-001. is closed: only open or escalated cases can be extended" &&
	refused need "{\"case_id\":\"Q260120-001\",\"need\":\"supplies\"}" "case .Q260120-001. is closed: no new needs after a case has ended" &&
	refused check "{\"case_id\":\"Q260120-001\",\"temp\":36.5}" "case .Q260120-001. is closed: no checks after a case has ended"
'

test_expect_success 'close fed from list: the case fields of list records are not copied' '
	cg-quarantine list --household 2-1-104 | cg-quarantine close --reason moved_out --now "$T" >out &&
	jq -c "del(.seq, .chain)" out >actual &&
	echo "{\"ts\":\"$T\",\"compound\":\"DEMO-0001\",\"event\":\"close\",\"case_id\":\"Q260120-004\",\"reason\":\"moved_out\"}" >expect &&
	test_cmp expect actual
'

test_expect_success 'extend: the new length (--days N or "days"), end and previous end' '
	one extend "{\"case_id\":\"Q260120-002\"}" --days 21 >out &&
	jq -c "del(.seq, .chain)" out >actual &&
	echo "{\"ts\":\"$T\",\"compound\":\"DEMO-0001\",\"event\":\"extend\",\"case_id\":\"Q260120-002\",\"days\":21,\"end\":\"2026-02-09\",\"previous_end\":\"2026-02-02\"}" >expect &&
	test_cmp expect actual &&
	one extend "{\"case_id\":\"Q260120-002\",\"add_days\":3}" >out &&
	test "$(jq -r "[.days, .end, .previous_end] | map(tostring) | join(\" \")" out)" = "24 2026-02-12 2026-02-09" &&
	one extend "{\"case_id\":\"Q260120-002\"}" --days +2 >out &&
	test "$(jq -r "[.days, .end] | map(tostring) | join(\" \")" out)" = "26 2026-02-14" &&
	one extend "{\"case_id\":\"Q260120-002\",\"days\":14}" >out &&
	test "$(jq -r "[.days, .end] | map(tostring) | join(\" \")" out)" = "14 2026-02-02" &&
	cg-quarantine list --household 2-1-102 >list &&
	test "$(jq -r "[.days, .end] | map(tostring) | join(\" \")" list)" = "14 2026-02-02"
'

test_expect_success 'an extended case counts its days to the new end' '
	one extend "{\"case_id\":\"Q260120-003\",\"days\":21}" >/dev/null &&
	cg-quarantine due --now 2026-02-03T12:00:00+08:00 >out &&
	jq -r "select(.case_id == \"Q260120-003\") | .day + \" \" + (.period_over|tostring)" out >actual &&
	echo "15 of 21 false" >expect &&
	test_cmp expect actual
'

test_expect_success 'refused: extends that shorten below the minimum or the days served, and others' '
	refused extend "{\"case_id\":\"Q260120-002\",\"days\":13}" \
		"case .Q260120-002. cannot be shorter than 14 days (quarantine.min_days), asked 13" &&
	write_config "{\"quarantine\":{\"min_days\":3}}" &&
	test_when_finished "rm -f \"\$CG_HOME/config.json\"" &&
	refused extend "{\"case_id\":\"Q260120-002\",\"days\":5}" \
		"case .Q260120-002. is on day 6: it cannot end after 5 days" &&
	one extend "{\"case_id\":\"Q260120-002\",\"days\":6}" -n >out &&
	test "$(field end out)" = 2026-01-25 &&
	refused extend "{\"case_id\":\"Q260120-002\",\"days\":14}" "case .Q260120-002. already lasts 14 days" &&
	refused extend "{\"case_id\":\"Q260120-002\",\"days\":400}" ".days. must be from 1 to 365, not 400" &&
	refused extend "{\"case_id\":\"Q260120-002\",\"add_days\":360}" "case .Q260120-002. would last 374 days, more than 365" &&
	refused extend "{\"case_id\":\"Q260120-002\",\"days\":21,\"add_days\":1}" "give .days. (the new length) or .add_days., not both" &&
	refused extend "{\"case_id\":\"Q260120-002\"}" "missing field .days. (the new length) or .add_days. (see --days)" &&
	refused extend "{\"case_id\":\"Q260120-002\",\"days\":\"21\"}" ".days. must be a whole number" &&
	refused extend "{\"case_id\":\"Q260120-002\",\"days\":21.5}" ".days. must be a whole number"
'

test_expect_success 'need: service requests get need ids; free text is a need too' '
	printf "%s\n" "{\"case_id\":\"Q260120-002\",\"need\":\"supplies\",\"note\":\"米、油、酱油\",\"by\":\"王五\"}" \
		"{\"case_id\":\"Q260120-002\",\"need\":\"修水管\"}" |
		cg-quarantine need --now "$T" >out &&
	jq -c "del(.seq, .chain, .ts, .compound)" out >actual &&
	cat >expect <<-EOF &&
	{"event":"need","case_id":"Q260120-002","need_id":"Q260120-002-N1","need":"supplies","by":"王五","note":"米、油、酱油"}
	{"event":"need","case_id":"Q260120-002","need_id":"Q260120-002-N2","need":"修水管"}
	EOF
	test_cmp expect actual &&
	one need "{\"id_no\":\"$ID_A\",\"need\":\"medical\"}" >out &&
	test "$(field need_id out)" = Q260120-005-N1
'

test_expect_success 'need done: closes it, once' '
	one need "{\"need_id\":\"Q260120-002-N1\",\"done\":true,\"by\":\"王五\"}" >out &&
	jq -c "del(.seq, .chain)" out >actual &&
	echo "{\"ts\":\"$T\",\"compound\":\"DEMO-0001\",\"event\":\"need_done\",\"case_id\":\"Q260120-002\",\"need_id\":\"Q260120-002-N1\",\"need\":\"supplies\",\"by\":\"王五\"}" >expect &&
	test_cmp expect actual &&
	refused need "{\"need_id\":\"Q260120-002-N1\",\"done\":true}" "need .Q260120-002-N1. is already done" &&
	cg-quarantine show Q260120-002 >show &&
	jq -c "[.needs_open, (.needs | map([.need_id, .done]))]" show >actual &&
	echo "[1,[[\"Q260120-002-N1\",true],[\"Q260120-002-N2\",false]]]" >expect &&
	test_cmp expect actual
'

test_expect_success 'refused: bad needs' '
	refused need "{\"case_id\":\"Q260120-002\"}" "missing field .need." &&
	refused need "{\"case_id\":\"Q260120-002\",\"need\":\"\"}" ".need. must not be empty" &&
	refused need "{\"case_id\":\"Q260120-002\",\"need\":[\"supplies\"]}" ".need. must be a string" &&
	refused need "{\"need_id\":\"Q260120-002-N9\",\"done\":true}" "unknown need .Q260120-002-N9." &&
	refused need "{\"need_id\":\"Q260120-002-N2\"}" ".need_id. names a need to close: add \"done\":true" &&
	refused need "{\"need_id\":\"Q260120-002-N2\",\"done\":\"yes\"}" ".done. must be true or false" &&
	refused need "{\"done\":true}" "missing field .need_id."
'

test_expect_success 'the needs of a case closed later can still be marked done' '
	one close "{\"case_id\":\"Q260120-002\",\"reason\":\"transferred\"}" >/dev/null &&
	one need "{\"need_id\":\"Q260120-002-N2\",\"done\":true}" >out &&
	test "$(field event out)" = need_done
'

test_expect_success 'show: the case with its checks, needs and history' '
	printf "%s\n" "{\"case_id\":\"Q260120-003\",\"temp\":36.5,\"ts\":\"2026-01-21T07:00:00+08:00\",\"by\":\"王五\"}" |
		cg-quarantine check --now "$T" >/dev/null &&
	cg-quarantine show Q260120-003 >show &&
	test_line_count = 1 show &&
	jq -c "{case_id, status, days, \"end\": .end, check_count, checks, history}" show >actual &&
	echo "{\"case_id\":\"Q260120-003\",\"status\":\"open\",\"days\":21,\"end\":\"2026-02-09\",\"check_count\":1,\"checks\":[{\"ts\":\"2026-01-21T07:00:00+08:00\",\"registered_at\":\"$T\",\"temp\":36.5,\"symptoms\":[],\"by\":\"王五\",\"day\":2,\"window\":\"06:00-10:00\",\"result\":\"ok\"}],\"history\":[{\"ts\":\"2026-01-20T08:00:00+08:00\",\"event\":\"open\"},{\"ts\":\"$T\",\"event\":\"extend\",\"days\":21,\"end\":\"2026-02-09\",\"previous_end\":\"2026-02-02\"}]}" >expect &&
	test_cmp expect actual
'

test_expect_success 'show: several cases; an unknown one is an error, the others are shown' '
	test_expect_code 1 cg-quarantine show Q260120-001 Q260199-001 Q260120-003 >out 2>err &&
	field case_id out >actual &&
	printf "%s\n" Q260120-001 Q260120-003 >expect &&
	test_cmp expect actual &&
	grep -q "^cg-quarantine: unknown case .Q260199-001.$" err
'

test_expect_success 'list: every case, or by --status, --officer, --household' '
	cg-quarantine list >out &&
	test_line_count = 5 out &&
	cg-quarantine list --status active | field case_id >actual &&
	printf "%s\n" Q260120-003 Q260120-005 >expect &&
	test_cmp expect actual &&
	cg-quarantine list --status open | field case_id >actual &&
	test_cmp expect actual &&
	cg-quarantine list --status escalated >out &&
	test_must_fail test -s out &&
	cg-quarantine list --status closed | field case_id >actual &&
	printf "%s\n" Q260120-001 Q260120-002 Q260120-004 >expect &&
	test_cmp expect actual &&
	cg-quarantine list --status released >out &&
	test_must_fail test -s out &&
	cg-quarantine list --officer 王五 --status active | field case_id >actual &&
	echo Q260120-003 >expect &&
	test_cmp expect actual &&
	cg-quarantine list --household 2-1-105 | field case_id >actual &&
	echo Q260120-005 >expect &&
	test_cmp expect actual &&
	cg-quarantine list --household a1-1-105 >out &&
	test_must_fail test -s out
'

test_expect_success 'list: the record of a case' '
	cg-quarantine list --household 2-1-103 >out &&
	jq -c "del(.last_check)" out >actual &&
	echo "{\"compound\":\"DEMO-0001\",\"case_id\":\"Q260120-003\",\"status\":\"open\",\"name\":\"住户3\",\"household\":\"2-1-103\",\"reason\":\"close_contact\",\"start\":\"2026-01-20\",\"end\":\"2026-02-09\",\"days\":21,\"officer\":\"王五\",\"opened_at\":\"2026-01-20T08:00:00+08:00\",\"check_count\":1,\"alert_count\":0,\"needs_open\":0}" >expect &&
	test_cmp expect actual
'

test_expect_success 'list, stats and show from the case index print what a fold prints' '
	quarantine_as_fold 2026-02-03T12:00:00+08:00
'

test_done
