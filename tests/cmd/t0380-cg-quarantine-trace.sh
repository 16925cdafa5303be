#!/bin/sh
test_description='cg-quarantine trace: contacts from the gate register over a hand-built fortnight'
. "${0%/*}/../lib/test-lib.sh"
. "$SRC_DIR/tests/fixtures/trace/fortnight.sh"

NOW=2026-01-25T12:00:00+08:00
J=$CG_HOME/journal/checkin

# trace [OPTION...]: trace at NOW with onset today; contacts in short form.
trace() {
	cg-quarantine trace --now $NOW "$@" >trace.out &&
	jq -c "[.name, .reason, .rank, [.why[] | .code], ([.why[] | .minutes // empty] | min), .under_observation]" trace.out
}

test_expect_success 'setup: the fortnight; 周九 under observation; 张三 and 卫 escalated' '
	build_fortnight &&
	for p in "周九 $ZJ 7-1-101" "张三 $ZS 3-2-501" "卫 $WEI 10-1-101"; do
		set -- $p &&
		echo "{\"name\":\"$1\",\"id_no\":\"$2\",\"household\":\"$3\",\"reason\":\"other\"}" |
			cg-quarantine open --now 2026-01-20T20:00:00+08:00 >>cases.out || return 1
	done &&
	echo "{\"case_id\":\"Q260120-002\",\"reason\":\"confirmed\"}" |
		cg-quarantine escalate --now 2026-01-24T10:00:00+08:00 >/dev/null &&
	echo "{\"case_id\":\"Q260120-003\",\"reason\":\"confirmed\"}" |
		cg-quarantine escalate --now 2026-01-25T09:00:00+08:00 >/dev/null &&
	test -f $J/2026-01-12.jsonl.gz && test_must_fail test -e $J/2026-01-12.jsonl
'

cat >expect.index <<EOF
["李四","close_contact",1,["same_household"],null,null]
["王五","close_contact",2,["hosted_visitor"],null,null]
["郑","close_contact",3,["same_gate_window"],2,null]
["吴十","close_contact",3,["same_gate_window"],10,null]
["周九","close_contact",3,["same_gate_window"],10,"Q260120-001"]
["赵六","close_contact",3,["same_gate_window"],14,null]
EOF

test_expect_success 'one index person by ID number: household, visitor, 14 minutes in, 16 out, other gate and courier out' '
	echo "{\"id_no\":\"$ZS\"}" | trace --onset 2026-01-25 >actual &&
	test_cmp expect.index actual &&
	test "$(jq -c "select(.name == \"赵六\") | .why[0] | [.gate, .index_at, .contact_at, .index]" trace.out)" = \
		"[\"north\",\"2026-01-20T08:00:00+08:00\",\"2026-01-20T08:14:00+08:00\",\"id:$ZS\"]" &&
	test "$(jq -c ".index" trace.out | sort -u)" = \
		"{\"name\":\"张三\",\"id_no\":\"$ZS\",\"household\":\"3-2-501\"}" &&
	test "$(jq -c "select(.name == \"王五\") | .why[0] | [.household, .gate, .contact_at]" trace.out)" = \
		"[\"3-2-501\",\"north\",\"2026-01-14T10:00:00+08:00\"]"
'

test_expect_success 'the contact seen only in a compressed day is found (吴十, 2026-01-12.jsonl.gz)' '
	test "$(jq -r "select(.name == \"吴十\") | .why[0].contact_at" trace.out)" = 2026-01-12T18:10:00+08:00
'

test_expect_success 'the same index person by name and household, and by case id; onset defaults to today' '
	echo "{\"name\":\"张三\",\"household\":\"3-2-501\"}" | trace >actual &&
	test_cmp expect.index actual &&
	echo "{\"case_id\":\"Q260120-002\"}" | trace >actual &&
	test_cmp expect.index actual &&
	test "$(jq -r "select(.name == \"李四\") | .index.case_id, .why[0].index" trace.out)" = \
		"$(printf "Q260120-002\nQ260120-002")"
'

test_expect_success 'the window: 16 minutes takes 钱七 in, 0 only the same second; --onset moves the period' '
	echo "{\"id_no\":\"$ZS\"}" | trace --window 16 >actual &&
	grep -q "^\[\"钱七\",\"close_contact\",3,\[\"same_gate_window\"\],16,null\]$" actual &&
	echo "{\"id_no\":\"$ZS\"}" | trace --window 0 >actual &&
	test "$(jq -r .name trace.out | tr "\n" " ")" = "李四 王五 " &&
	echo "{\"id_no\":\"$ZS\"}" | trace --onset 2026-01-15 >actual &&
	test "$(jq -r .name trace.out | tr "\n" " ")" = "李四 王五 吴十 "
'

test_expect_success 'policy: staff may not count, couriers may; the window and households from trace.*' '
	cat >"$CG_HOME/config.json" <<-\EOF &&
	{"trace":{"staff":false,"couriers":true,"window_min":5,"households":false}}
	EOF
	echo "{\"id_no\":\"$ZS\"}" | trace >actual &&
	test "$(jq -r .name trace.out | tr "\n" " ")" = "王五 快递员 " &&
	rm "$CG_HOME/config.json"
'

test_expect_success '--depth 2: contacts of contacts after their exposure, reason secondary_contact' '
	echo "{\"id_no\":\"$ZS\"}" | trace --depth 2 >actual &&
	head -6 actual >first &&
	test_cmp expect.index first &&
	tail -n +7 actual >second &&
	cat >expect <<-\EOF &&
	["钱七","secondary_contact",3,["same_gate_window","same_gate_window"],2,null]
	["冯","secondary_contact",3,["same_gate_window"],5,null]
	EOF
	test_cmp expect second &&
	test "$(jq -r "select(.name == \"冯\") | .index.name" trace.out)" = 赵六
'

test_expect_success 'trace | open --reason close_contact opens the cases, the one under observation is not repeated' '
	cp -R "$CG_HOME" home.saved &&
	echo "{\"id_no\":\"$ZS\"}" | cg-quarantine trace --now $NOW |
		cg-quarantine open --reason close_contact --now $NOW >opened &&
	test "$(jq -r "select(.event == \"open\") | .name" opened | tr "\n" " ")" = "李四 王五 郑 吴十 赵六 " &&
	test "$(jq -r "select(.existing) | .case_id" opened)" = Q260120-001 &&
	test "$(jq -r "select(.event == \"open\") | .reason" opened | sort -u)" = close_contact &&
	echo "{\"id_no\":\"$ZS\"}" | trace >actual &&
	test "$(jq -r "select(.under_observation) | .name" trace.out | tr "\n" " ")" = "李四 王五 郑 吴十 周九 赵六 " &&
	rm -rf "$CG_HOME" && mv home.saved "$CG_HOME"
'

test_expect_success '--dry-run: counts and a summary, nothing open acts on' '
	echo "{\"id_no\":\"$ZS\"}" | cg-quarantine trace --dry-run --depth 2 --now $NOW >out 2>err &&
	cat >expect <<-EOF &&
	{"since":"2026-01-11","until":"2026-01-25","index":1,"contacts":8,"same_household":1,"hosted_visitor":1,"visited_by_index":0,"same_gate_window":6,"secondary_contact":2,"under_observation":1,"events":18,"dry_run":true}
	EOF
	test_cmp expect out &&
	grep -q "^cg-quarantine: 1 index persons, 8 contacts (1 same household, 1 hosted visitors, 0 visited by the index, 6 same gate window, 2 secondary), 1 already under observation$" err &&
	test_expect_code 1 cg-quarantine open --now $NOW <out >opened 2>err &&
	test_must_fail test -s opened
'

test_expect_success 'the sweep (--from-cases) is the union of the single traces of the escalated cases' '
	{ echo "{\"case_id\":\"Q260120-002\"}" | cg-quarantine trace --now $NOW &&
	  echo "{\"case_id\":\"Q260120-003\"}" | cg-quarantine trace --now $NOW; } >singles &&
	cg-quarantine trace --from-cases --now $NOW >sweep &&
	jq -r .name singles | sort -u >expect &&
	jq -r .name sweep | sort >actual &&
	test_cmp expect actual &&
	grep -qx 蒋 actual &&
	test "$(jq -r "select(.name == \"蒋\") | .index.case_id" sweep)" = Q260120-003 &&
	cg-quarantine trace --from-cases --onset 2026-01-24 --now $NOW >sweep &&
	test "$(jq -r .index.case_id sweep | sort -u)" = Q260120-002
'

test_expect_success 'bad input: unknown person and case, wrong types, malformed and empty lines (FILE:LINE, exit 1)' '
	cat >in <<-EOF &&
	{"id_no":"$FE"}
	{"id_no":"110101199201130134"}
	{"case_id":"Q990101-001"}
	{"id_no":12}
	{"id_no":"12345"}
	{"name":"张三"
	[]
	{}
	EOF
	test_expect_code 1 cg-quarantine trace --now $NOW in >out 2>err &&
	grep -q "^cg-quarantine: in:2: unknown person: neither they nor their household are in the register of 2026-01-11..2026-01-25$" err &&
	grep -q "^cg-quarantine: in:3: unknown case .Q990101-001.$" err &&
	grep -q "^cg-quarantine: in:4: .*id_no" err &&
	grep -q "^cg-quarantine: in:5: .*id_no" err &&
	grep -q "^cg-quarantine: in:6: " err &&
	grep -q "^cg-quarantine: in:7: " err &&
	grep -q "^cg-quarantine: in:8: missing field .case_id." err &&
	test $(grep -c "^cg-quarantine: in:" err) = 7 &&
	test_must_fail grep -q "110101199201130134" err &&
	test "$(jq -r .index.name out | sort -u)" = 冯 &&
	cg-quarantine trace --now $NOW </dev/null >out 2>err &&
	test_must_fail test -s out
'

test_expect_success 'usage errors: a period in the future, a window or depth that is not one (exit 2)' '
	test_expect_code 2 cg-quarantine trace --now $NOW --onset 2026-01-26 </dev/null 2>err &&
	grep -q "^cg-quarantine: --onset 2026-01-26 is after today (2026-01-25): the period to trace is in the future$" err &&
	test_expect_code 2 cg-quarantine trace --now $NOW --onset 2026-02-30 </dev/null 2>err &&
	grep -q "invalid date .2026-02-30. for --onset" err &&
	for w in abc -1 1441 "" 1.5 " 3"; do
		test_expect_code 2 cg-quarantine trace --now $NOW --window "$w" </dev/null 2>err &&
		grep -q "invalid number of minutes .$w. for --window (0 to 1440)" err || return 1
	done &&
	test_expect_code 2 cg-quarantine trace --now $NOW --depth 3 </dev/null 2>err &&
	grep -q "invalid depth .3. for --depth (1 or 2)" err &&
	test_expect_code 2 cg-quarantine trace --from-cases --now $NOW in 2>err &&
	test_expect_code 2 cg-quarantine open --reason confirmed </dev/null 2>err &&
	grep -q "unknown reason .confirmed. for --reason" err
'

test_expect_success 'a damaged journal of the period stops the trace (exit 6)' '
	cp $J/2026-01-25.jsonl saved &&
	sed -i "s/07:00:00/07:00:01/" $J/2026-01-25.jsonl &&
	echo "{\"id_no\":\"$ZS\"}" | test_expect_code 6 cg-quarantine trace --now $NOW >out 2>err &&
	grep -q "journal/checkin/2026-01-25.jsonl:1: journal damaged" err &&
	cp saved $J/2026-01-25.jsonl
'

test_done
