#!/bin/sh
test_description='cg-checkin: the rules that need state (journals, passes, cases)'

# The rules decided on one event alone are data: tests/cases/cg-checkin-rules.cases.
. "${0%/*}/../lib/test-lib.sh"

R='"gate":"north","kind":"resident","name":"张三","id_no":"110101199003074514","household":"3-2-501"'

test_expect_success 'remeasure wait: first high reading referred, second within the wait decides' '
	write_config "{\"policy\":{\"remeasure_wait_min\":10}}" &&
	test_when_finished "rm -f \"\$CG_HOME/config.json\"" &&
	cat >events <<-EOF &&
	{$R,"ts":"2026-01-25T08:00:00+08:00","dir":"in","temp":37.6,"mask":true}
	{$R,"ts":"2026-01-25T08:05:00+08:00","dir":"in","temp":37.5,"mask":true}
	{$R,"ts":"2026-01-25T09:00:00+08:00","dir":"in","temp":37.6,"mask":true}
	{$R,"ts":"2026-01-25T09:04:00+08:00","dir":"in","temp":36.8,"mask":true}
	{$R,"ts":"2026-01-25T10:00:00+08:00","dir":"in","temp":37.6,"mask":true}
	{$R,"ts":"2026-01-25T10:11:00+08:00","dir":"in","temp":37.6,"mask":true}
	EOF
	cg-checkin --now "$NOW" <events >out &&
	jq -r ".decision + \" \" + (.reasons|join(\",\"))" out >actual &&
	cat >expect <<-EOF &&
	refer remeasure
	deny fever
	refer remeasure
	admit 
	refer remeasure
	refer remeasure
	EOF
	test_cmp expect actual
'

test_expect_success 'remeasure wait: a high reading journaled by an earlier run is remembered' '
	write_config "{\"policy\":{\"remeasure_wait_min\":10}}" &&
	test_when_finished "rm -f \"\$CG_HOME/config.json\"" &&
	printf "%s\n" "{$R,\"ts\":\"2026-01-25T10:15:00+08:00\",\"dir\":\"in\",\"temp\":37.7,\"mask\":true}" |
	cg-checkin --now "$NOW" >out &&
	test "$(jq -r .decision out)" = deny
'

test_expect_success 'vehicle with a valid vehicle pass is admitted, until it expires' '
	cat >passes <<-EOF &&
	{"ts":"2026-01-01T00:00:00+08:00","event":"issue","pass_id":"VH01-0000-Y","class":"vehicle","plate":"京A·12345","valid_from":"2026-01-01T00:00:00+08:00","valid_until":"2026-01-25T08:00:01+08:00"}
	EOF
	journal_append pass <passes >/dev/null &&
	expect_verdict "{\"gate\":\"north\",\"kind\":\"vehicle\",\"dir\":\"in\",\"plate\":\"京a 12345\"}" "admit" &&
	printf "%s\n" "{\"gate\":\"north\",\"kind\":\"vehicle\",\"dir\":\"in\",\"plate\":\"京A12345\"}" |
	cg-checkin --dry-run --now 2026-01-25T08:00:01+08:00 >out &&
	test "$(jq -r .reasons[0] out)" = vehicle_unregistered
'

test_expect_success 'pass checking: passes for residents, refer without, deny a bad one' '
	write_config "{\"policy\":{\"pass_check\":true}}" &&
	test_when_finished "rm -f \"\$CG_HOME/config.json\"" &&
	cat >passes <<-EOF &&
	{"ts":"2026-01-01T00:00:00+08:00","event":"issue","pass_id":"AB12-CD34-S","class":"resident","name":"张三","id_no":"110101199003074514","household":"3-2-501","valid_from":"2026-01-01T00:00:00+08:00","valid_until":"2026-07-01T00:00:00+08:00"}
	{"ts":"2026-01-01T00:00:00+08:00","event":"issue","pass_id":"OLD0-0000-C","class":"resident","name":"李四","id_no":"11010519491231002X","valid_from":"2025-01-01T00:00:00+08:00","valid_until":"2026-01-01T00:00:00+08:00"}
	{"ts":"2026-01-01T00:00:00+08:00","event":"issue","pass_id":"REV0-0000-3","class":"resident","name":"李四","id_no":"11010519491231002X","valid_from":"2026-01-01T00:00:00+08:00","valid_until":"2026-07-01T00:00:00+08:00"}
	{"ts":"2026-01-02T00:00:00+08:00","event":"revoke","pass_id":"REV0-0000-3","reason":"lost"}
	EOF
	journal_append pass <passes >/dev/null &&
	L="\"gate\":\"north\",\"kind\":\"resident\",\"dir\":\"in\",\"temp\":36.5,\"mask\":true,\"id_no\":\"11010519491231002X\"" &&
	expect_verdict "{$R,\"dir\":\"in\",\"temp\":36.5,\"mask\":true,\"pass\":\"ab12-cd34-s\"}" "admit" &&
	expect_verdict "{$R,\"dir\":\"in\",\"temp\":36.5,\"mask\":true}" "admit" &&
	expect_verdict "{$L}" "refer no_pass" &&
	expect_verdict "{$L,\"pass\":\"OLD0-0000-C\"}" "deny pass_invalid" &&
	expect_verdict "{$L,\"pass\":\"REV0-0000-3\"}" "deny pass_invalid" &&
	expect_verdict "{$L,\"pass\":\"NOPE-0000-1\"}" "deny pass_invalid" &&
	expect_verdict "{$L,\"pass\":\"AB12-CD34-S\"}" "deny pass_invalid" &&
	expect_verdict "{\"gate\":\"north\",\"kind\":\"tenant\",\"dir\":\"in\",\"temp\":36.5,\"mask\":true,\"phone\":\"13812348000\"}" "refer no_pass" &&
	expect_verdict "{\"gate\":\"north\",\"kind\":\"staff\",\"dir\":\"in\",\"temp\":36.5,\"mask\":true}" "admit"
'

test_expect_success 'pass expiry instant: valid one second before valid_until, not at it' '
	write_config "{\"policy\":{\"pass_check\":true}}" &&
	test_when_finished "rm -f \"\$CG_HOME/config.json\"" &&
	E="{$R,\"dir\":\"in\",\"temp\":36.5,\"mask\":true,\"pass\":\"AB12-CD34-S\"}" &&
	printf "%s\n" "$E" | cg-checkin --dry-run --now 2026-06-30T23:59:59+08:00 >out &&
	test "$(jq -r .decision out)" = admit &&
	printf "%s\n" "$E" | cg-checkin --dry-run --now 2026-07-01T00:00:00+08:00 >out &&
	test "$(jq -r .decision out)" = deny
'

test_expect_success 'quarantined: an open case may not go out, may come in; released may go out' '
	cat >cases <<-EOF &&
	{"ts":"2026-01-20T09:00:00+08:00","event":"open","case_id":"C1","name":"张三","id_no":"110101199003074514","household":"3-2-501","start":"2026-01-20","end":"2026-02-02"}
	EOF
	journal_append quarantine <cases >/dev/null &&
	expect_verdict "{$R,\"dir\":\"out\",\"mask\":true}" "deny quarantined" &&
	expect_verdict "{$R,\"dir\":\"in\",\"temp\":36.5,\"mask\":true}" "admit" &&
	echo "{\"event\":\"escalate\",\"case_id\":\"C1\",\"reason\":\"fever\"}" | journal_append quarantine >/dev/null &&
	expect_verdict "{$R,\"dir\":\"out\",\"mask\":true}" "deny quarantined" &&
	echo "{\"event\":\"close\",\"case_id\":\"C1\",\"reason\":\"hospital\"}" | journal_append quarantine >/dev/null &&
	expect_verdict "{$R,\"dir\":\"out\",\"mask\":true}" "admit"
'

test_expect_success 'identity: a case or pass recorded with ID and phone, met by the phone alone, is checked' '
	cat >cases <<-EOF &&
	{"ts":"2026-01-21T09:00:00+08:00","event":"open","case_id":"C2","name":"赵六","id_no":"310104198506151237","phone":"13912345678","start":"2026-01-21","end":"2026-02-03"}
	EOF
	journal_append quarantine <cases >/dev/null &&
	expect_verdict "{\"gate\":\"north\",\"kind\":\"resident\",\"dir\":\"out\",\"mask\":true,\"phone\":\"139 1234 5678\"}" "refer identity_check" &&
	expect_verdict "{\"gate\":\"north\",\"kind\":\"resident\",\"dir\":\"out\",\"mask\":true,\"name\":\"赵六\"}" "refer identity_check" &&
	expect_verdict "{\"gate\":\"north\",\"kind\":\"resident\",\"dir\":\"out\",\"mask\":true,\"id_no\":\"310104198506151237\"}" "deny quarantined" &&
	expect_verdict "{\"gate\":\"north\",\"kind\":\"resident\",\"dir\":\"out\",\"mask\":true,\"phone\":\"13912345678\",\"id_no\":\"110101199003074514\"}" "admit" &&
	write_config "{\"policy\":{\"pass_check\":true}}" &&
	test_when_finished "rm -f \"\$CG_HOME/config.json\"" &&
	cat >passes <<-EOF &&
	{"ts":"2026-01-01T00:00:00+08:00","event":"issue","pass_id":"PH00-0000-D","class":"tenant","name":"孙七","id_no":"510107200012298761","phone":"13700001111","valid_from":"2026-01-01T00:00:00+08:00","valid_until":"2026-07-01T00:00:00+08:00"}
	EOF
	journal_append pass <passes >/dev/null &&
	expect_verdict "{\"gate\":\"north\",\"kind\":\"tenant\",\"dir\":\"in\",\"temp\":36.5,\"mask\":true,\"phone\":\"13700001111\"}" "refer identity_check" &&
	expect_verdict "{\"gate\":\"north\",\"kind\":\"tenant\",\"dir\":\"in\",\"temp\":36.5,\"mask\":true,\"id_no\":\"510107200012298761\"}" "admit" &&
	expect_verdict "{\"gate\":\"north\",\"kind\":\"tenant\",\"dir\":\"in\",\"temp\":36.5,\"mask\":true,\"phone\":\"13700001111\",\"pass\":\"PH00-0000-D\"}" "admit" &&
	expect_verdict "{\"gate\":\"north\",\"kind\":\"tenant\",\"dir\":\"in\",\"temp\":36.5,\"mask\":true,\"phone\":\"13700001111\",\"id_no\":\"11010519491231002X\"}" "refer no_pass"
'

test_done
