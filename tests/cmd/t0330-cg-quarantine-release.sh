#!/bin/sh
test_description='cg-quarantine release: the release rules, --explain, --no-final-day-check, --date'
. "${0%/*}/../lib/test-lib.sh"
. "$SRC_DIR/tests/lib/quarantine-fold.sh"

ID_A=110101199003074514
ID_B=310104198506151237

OPENED=2026-01-01T05:30:00+08:00
AFTER=2026-01-15T09:00:00+08:00

# checks CASE [SKIP...]: checks at 07:00 and 17:00 of each of the 14 days
# of a case starting 2026-01-01, but for the times "DD HH" named in SKIP.
checks() {
	ck_case=$1
	shift
	for ck_d in 01 02 03 04 05 06 07 08 09 10 11 12 13 14; do
		for ck_h in 07 17; do
			case " $* " in *" $ck_d $ck_h "*) continue ;; esac
			echo "{\"case_id\":\"$ck_case\",\"temp\":36.5,\"ts\":\"2026-01-${ck_d}T$ck_h:00:00+08:00\",\"by\":\"王五\"}"
		done
	done
}

# A separate word per skipped time: "14 07" is the final morning.
test_expect_success 'setup: seven cases of 2026-01-01..14' '
	{
		echo "{\"name\":\"甲\",\"id_no\":\"$ID_A\",\"household\":\"1-1-101\",\"reason\":\"close_contact\"}"
		echo "{\"name\":\"乙\",\"id_no\":\"$ID_B\",\"phone\":\"13812348000\",\"household\":\"1-1-102\",\"reason\":\"close_contact\"}"
		echo "{\"name\":\"丙\",\"household\":\"1-1-103\",\"reason\":\"close_contact\"}"
		echo "{\"name\":\"丁\",\"household\":\"1-1-104\",\"reason\":\"close_contact\"}"
		echo "{\"name\":\"戊\",\"household\":\"1-1-105\",\"reason\":\"close_contact\"}"
		echo "{\"name\":\"己\",\"household\":\"1-1-106\",\"reason\":\"close_contact\",\"start\":\"2026-01-02\"}"
		echo "{\"name\":\"庚\",\"household\":\"1-1-107\",\"reason\":\"close_contact\"}"
	} | cg-quarantine open --now $OPENED >opened &&
	test_line_count = 7 opened &&
	{
		checks Q260101-001
		checks Q260101-002
		echo "{\"case_id\":\"Q260101-003\",\"temp\":36.5,\"ts\":\"2026-01-14T17:00:00+08:00\"}"
		checks Q260101-005 "14 07"
		checks Q260101-006 "01 07" "01 17"
		checks Q260101-007 "14 07" "14 17"
	} | cg-quarantine check --now 2026-01-14T20:30:00+08:00 >/dev/null &&
	echo "{\"case_id\":\"Q260101-002\",\"reason\":\"转集中隔离\"}" |
		cg-quarantine escalate --now 2026-01-14T21:00:00+08:00 >/dev/null
'

test_expect_success 'nothing is released while the last day is not over' '
	cg-quarantine release --now 2026-01-14T23:59:59+08:00 >out &&
	test_must_fail test -s out &&
	cg-quarantine release --explain --now 2026-01-14T23:59:59+08:00 >out &&
	test_must_fail test -s out
'

test_expect_success 'release --explain: why each ended case is not releasable, journaling nothing' '
	cp "$CG_HOME/journal/quarantine.jsonl" before &&
	cg-quarantine release --explain --now $AFTER >out &&
	cmp before "$CG_HOME/journal/quarantine.jsonl" &&
	jq -c "[.case_id, .status, .reasons]" out >actual &&
	cat >expect <<-EOF &&
	["Q260101-002","escalated",["escalated"]]
	["Q260101-003","open",["too_few_checks","final_day_missed"]]
	["Q260101-004","open",["too_few_checks","final_day_missed"]]
	["Q260101-005","open",["final_day_missed"]]
	["Q260101-007","open",["final_day_missed"]]
	EOF
	test_cmp expect actual &&
	jq -r "select(.case_id == \"Q260101-005\") | .why[]" out >actual &&
	test_line_count = 1 actual &&
	grep -x "no check in the final day.s window(s) 2026-01-14 06:00-10:00 (see --no-final-day-check)" actual &&
	jq -r "select(.case_id == \"Q260101-003\") | .why[0]" out >actual &&
	echo "1 check(s) recorded, the policy wants the last 2 normal" >expect &&
	test_cmp expect actual &&
	jq -c "select(.case_id == \"Q260101-004\") | del(.why)" out >actual &&
	echo "{\"compound\":\"DEMO-0001\",\"date\":\"2026-01-15\",\"case_id\":\"Q260101-004\",\"name\":\"丁\",\"household\":\"1-1-104\",\"status\":\"open\",\"start\":\"2026-01-01\",\"end\":\"2026-01-14\",\"releasable\":false,\"reasons\":[\"too_few_checks\",\"final_day_missed\"]}" >expect &&
	test_cmp expect actual
'

test_expect_success 'release: the good cases, records ready for cg-pass issue, journaled' '
	cg-quarantine release --now $AFTER >out &&
	test_line_count = 1 out &&
	tail -n 1 "$CG_HOME/journal/quarantine.jsonl" >last &&
	cmp out last &&
	jq -c "del(.chain)" out >actual &&
	n=$(jq -r .seq out) &&
	echo "{\"ts\":\"$AFTER\",\"compound\":\"DEMO-0001\",\"event\":\"release\",\"case_id\":\"Q260101-001\",\"name\":\"甲\",\"id_no\":\"$ID_A\",\"household\":\"1-1-101\",\"class\":\"returnee\",\"released_at\":\"$AFTER\",\"seq\":$n}" >expect &&
	test_cmp expect actual
'

test_expect_success 'a case that started a day later is not over yet' '
	cg-quarantine list --status open >list &&
	grep -q "\"case_id\":\"Q260101-006\"" list
'

test_expect_success 'released cases stay released: nothing to do the second time' '
	cg-quarantine release --now $AFTER >out &&
	test_must_fail test -s out &&
	cg-quarantine list --status released >list &&
	test "$(field case_id list)" = Q260101-001
'

test_expect_success 'the released person may go out; the escalated one may not' '
	expect_verdict "{\"gate\":\"north\",\"kind\":\"resident\",\"dir\":\"out\",\"mask\":true,\"id_no\":\"$ID_A\"}" "admit" &&
	expect_verdict "{\"gate\":\"north\",\"kind\":\"resident\",\"dir\":\"out\",\"mask\":true,\"id_no\":\"$ID_B\"}" "deny quarantined"
'

test_expect_success '--no-final-day-check releases a case without the final day windows' '
	cg-quarantine release --dry-run --no-final-day-check --now $AFTER >out &&
	field case_id out >actual &&
	printf "%s\n" Q260101-005 Q260101-007 >expect &&
	test_cmp expect actual
'

test_expect_success 'so does the policy switch quarantine.release_needs_final_day_check false' '
	write_config "{\"quarantine\":{\"release_needs_final_day_check\":false}}" &&
	test_when_finished "rm -f \"\$CG_HOME/config.json\"" &&
	cg-quarantine release --dry-run --now $AFTER >out &&
	field case_id out >actual &&
	test_cmp expect actual
'

test_expect_success 'release --dry-run journals nothing' '
	cp "$CG_HOME/journal/quarantine.jsonl" before &&
	cg-quarantine release -n --no-final-day-check --now $AFTER >out &&
	test "$(jq -r "has(\"seq\")" out | sort -u)" = false &&
	cmp before "$CG_HOME/journal/quarantine.jsonl"
'

test_expect_success 'quarantine.release_checks_normal: how many last checks must be normal' '
	write_config "{\"quarantine\":{\"release_checks_normal\":1}}" &&
	test_when_finished "rm -f \"\$CG_HOME/config.json\"" &&
	cg-quarantine release --dry-run --now $AFTER >out &&
	test_must_fail test -s out &&
	cg-quarantine release --dry-run --no-final-day-check --now $AFTER >out &&
	field case_id out >actual &&
	printf "%s\n" Q260101-003 Q260101-005 Q260101-007 >expect &&
	test_cmp expect actual &&
	write_config "{\"quarantine\":{\"release_checks_normal\":0,\"release_needs_final_day_check\":false}}" &&
	cg-quarantine release --dry-run --now $AFTER >out &&
	field case_id out >actual &&
	printf "%s\n" Q260101-003 Q260101-004 Q260101-005 Q260101-007 >expect &&
	test_cmp expect actual
'

test_expect_success 'an abnormal check among the last ones (a journal without its escalation)' '
	rm -rf "$CG_HOME" &&
	echo "{\"name\":\"甲\",\"household\":\"1-1-101\",\"reason\":\"close_contact\"}" |
		cg-quarantine open --now $OPENED >/dev/null &&
	checks Q260101-001 "14 17" | cg-quarantine check --now 2026-01-14T20:30:00+08:00 >/dev/null &&
	echo "{\"ts\":\"2026-01-14T17:00:00+08:00\",\"event\":\"check\",\"case_id\":\"Q260101-001\",\"temp\":37.8,\"result\":\"alert\"}" |
		journal_append quarantine >/dev/null &&
	cg-quarantine release --explain --now $AFTER >out &&
	test "$(jq -c .reasons out)" = "[\"abnormal_check\"]" &&
	test "$(jq -r ".why[]" out)" = "one of the last 2 checks was an alert"
'

test_expect_success 'release --date: as of a past date; not after today' '
	rm -rf "$CG_HOME" &&
	printf "%s\n" "{\"name\":\"甲\",\"household\":\"1-1-101\",\"reason\":\"close_contact\"}" \
		"{\"name\":\"乙\",\"household\":\"1-1-102\",\"reason\":\"close_contact\",\"start\":\"2026-01-03\"}" |
		cg-quarantine open --now $OPENED >/dev/null &&
	write_config "{\"quarantine\":{\"release_checks_normal\":0,\"release_needs_final_day_check\":false}}" &&
	test_when_finished "rm -f \"\$CG_HOME/config.json\"" &&
	cg-quarantine release -n --date 2026-01-15 --now 2026-02-01T09:00:00+08:00 >out &&
	test "$(field case_id out)" = Q260101-001 &&
	cg-quarantine release -n --now 2026-02-01T09:00:00+08:00 >out &&
	test_line_count = 2 out &&
	test_expect_code 2 cg-quarantine release --date 2026-02-02 --now 2026-02-01T09:00:00+08:00 >out 2>err &&
	grep -q "^cg-quarantine: --date 2026-02-02 is after today (2026-02-01): a period is over only once its last day has passed" err &&
	test_must_fail test -s out
'

test_expect_success 'release -v counts' '
	cg-quarantine release -v -n --no-final-day-check --now 2026-02-01T09:00:00+08:00 >out 2>err &&
	grep -q "^cg-quarantine: 0 cases released$" err &&
	cg-quarantine release -v --explain --now 2026-02-01T09:00:00+08:00 >out 2>err &&
	grep -q "^cg-quarantine: 2 cases not releasable$" err
'

test_expect_success 'list, stats and show from the case index print what a fold prints' '
	quarantine_as_fold 2026-02-01T09:00:00+08:00
'

test_done
