#!/bin/sh
test_description='passes at the gate: issue, check in, revoke, check in'
. "${0%/*}/../lib/test-lib.sh"

P1='{"name":"张三","id_no":"110101199003074514","household":"3-2-501"}'

gate() {
	# gate JSON-FIELDS: one event through cg-checkin, "decision reasons"
	printf "{\"gate\":\"north\",\"dir\":\"in\",\"temp\":36.5,\"mask\":true,%s}\n" "$1" |
	cg-checkin --now "${2:-$NOW}" >g &&
	jq -r ".decision + \" \" + (.reasons | join(\",\"))" g | sed -e "s/ $//"
}

test_expect_success 'setup: pass checking on, a resident pass and a vehicle pass' '
	write_config "{\"policy\":{\"pass_check\":true}}" &&
	printf "%s\n" "$P1" "{\"plate\":\"京A·12345\",\"household\":\"3-2-501\"}" |
	cg-pass issue --now 2026-01-20T08:00:00+08:00 >passes &&
	T=$(sed -n 1p passes | jq -r .token) && echo "$T" >token &&
	V=$(sed -n 2p passes | jq -r .token) && echo "$V" >vtoken
'

test_expect_success 'issue -> check in with the token: admitted' '
	test "$(gate "\"kind\":\"resident\",\"name\":\"张三\",\"id_no\":\"110101199003074514\",\"pass\":\"$(cat token)\"")" = admit
'

test_expect_success 'with the pass id, and with no pass but a pass held: admitted' '
	id=$(sed -n 1p passes | jq -r .pass_id) &&
	test "$(gate "\"kind\":\"resident\",\"id_no\":\"110101199003074514\",\"pass\":\"$id\"")" = admit &&
	test "$(gate "\"kind\":\"resident\",\"id_no\":\"110101199003074514\"")" = admit
'

test_expect_success 'someone else showing the token: denied pass_invalid' '
	test "$(gate "\"kind\":\"resident\",\"id_no\":\"310104198506151237\",\"pass\":\"$(cat token)\"")" = "deny pass_invalid"
'

test_expect_success 'a tampered token: denied pass_invalid' '
	bad=$(sed "s/.\$/$(tail -c 2 token | head -c 1 | tr 0-9A-Z 1-9A-Z0)/" token) &&
	test "$bad" != "$(cat token)" &&
	test "$(gate "\"kind\":\"resident\",\"id_no\":\"110101199003074514\",\"pass\":\"$bad\"")" = "deny pass_invalid"
'

test_expect_success 'vehicle with its vehicle token: admitted; the token on another plate: denied' '
	test "$(gate "\"kind\":\"vehicle\",\"plate\":\"京A12345\",\"pass\":\"$(cat vtoken)\"")" = admit &&
	test "$(gate "\"kind\":\"vehicle\",\"plate\":\"京B99999\",\"pass\":\"$(cat vtoken)\"")" = "deny vehicle_unregistered,pass_invalid"
'

test_expect_success 'revoke -> check in again: denied pass_invalid, and no_pass without a token' '
	cg-pass revoke --reason lost --now "$NOW" "$(sed -n 1p passes | jq -r .pass_id)" >/dev/null &&
	test "$(gate "\"kind\":\"resident\",\"id_no\":\"110101199003074514\",\"pass\":\"$(cat token)\"")" = "deny pass_invalid" &&
	test "$(gate "\"kind\":\"resident\",\"id_no\":\"110101199003074514\"")" = "refer no_pass"
'

test_expect_success 'expired: denied the moment it ends' '
	until=$(sed -n 2p passes | jq -r .valid_until) &&
	test "$(gate "\"kind\":\"vehicle\",\"plate\":\"京A12345\",\"pass\":\"$(cat vtoken)\"" "$until")" = "deny vehicle_unregistered,pass_invalid"
'

test_expect_success 'a new pass after the revoked one: admitted again' '
	echo "$P1" | cg-pass issue --now "$NOW" >p2 &&
	test "$(jq -r ".existing // false" p2)" = false &&
	test "$(gate "\"kind\":\"resident\",\"id_no\":\"110101199003074514\",\"pass\":\"$(jq -r .token p2)\"")" = admit
'

test_expect_success 'pass checking off: a pass shown is still checked, in and out' '
	write_config "{\"policy\":{\"pass_check\":false}}" &&
	test "$(gate "\"kind\":\"resident\",\"id_no\":\"110101199003074514\"")" = admit &&
	test "$(gate "\"kind\":\"resident\",\"id_no\":\"110101199003074514\",\"pass\":\"$(cat token)\"")" = "deny pass_invalid" &&
	test "$(gate "\"kind\":\"resident\",\"id_no\":\"110101199003074514\",\"pass\":\"$(jq -r .token p2)\"")" = admit &&
	printf "{\"gate\":\"north\",\"dir\":\"out\",\"kind\":\"resident\",\"mask\":true,\"pass\":\"%s\"}\n" "$(cat token)" |
		cg-checkin --now "$NOW" >g &&
	test "$(jq -r ".decision + \" \" + (.reasons | join(\",\"))" g)" = "deny pass_invalid" &&
	test "$(gate "\"kind\":\"staff\",\"id_no\":\"310104198506151237\",\"pass\":\"$(jq -r .token p2)\"")" = "deny pass_invalid" &&
	test "$(gate "\"kind\":\"visitor\",\"host\":\"3-2-501\",\"pass\":\"K3F9-2XQ7-M\"")" = "deny pass_invalid" &&
	test "$(gate "\"kind\":\"visitor\",\"host\":\"3-2-501\",\"pass\":\"CG1:not a token\"")" = "deny pass_invalid" &&
	good=$(jq -r .token p2) &&
	c=$(printf "%s" "$good" | cut -c 20) && r=A && { [ "$c" != A ] || r=B; } &&
	forged=$(printf "%s" "$good" | sed "s/^\(.\{19\}\)./\1$r/") &&
	test "$forged" != "$good" &&
	test "$(gate "\"kind\":\"resident\",\"id_no\":\"110101199003074514\",\"pass\":\"$forged\"")" = "deny pass_invalid" &&
	until=$(jq -r .valid_until p2) &&
	test "$(gate "\"kind\":\"resident\",\"id_no\":\"110101199003074514\",\"pass\":\"$(jq -r .token p2)\"" "$until")" = "deny pass_invalid" &&
	test "$(gate "\"kind\":\"resident\",\"id_no\":\"110101199003074514\",\"pass\":\"$(jq -r .token p2)\"" 2026-01-01T00:00:00+08:00)" = "deny pass_invalid"
'

test_done
