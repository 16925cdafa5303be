#!/bin/sh
test_description='the forms people type: ID numbers, phones and households normalised by every command, impossible numbers refused'
. "${0%/*}/../lib/test-lib.sh"

EV='"gate":"north","dir":"in","kind":"resident","temp":36.5,"mask":true'

# normal FIELD VALUE: the value cg-checkin records for FIELD typed as VALUE
# (a JSON string body).
normal() {
	printf '{%s,"%s":"%s"}\n' "$EV" "$1" "$2" |
	cg-checkin --dry-run --now "$NOW" | jq -r --arg f "$1" '.[$f]'
}

# expect_normal FIELD VALUE WANT
expect_normal() {
	got=$(normal "$1" "$2") || return 1
	if [ "$got" != "$3" ]; then
		echo "$1 '$2': got '$got', expected '$3'" >&2
		return 1
	fi
}

test_expect_success 'ID numbers: stray spaces, newlines and full-width digits' '
	expect_normal id_no "110101199003074514 " 110101199003074514 &&
	expect_normal id_no "110101199003074514\\n" 110101199003074514 &&
	expect_normal id_no "\\t110101 19900307 4514" 110101199003074514 &&
	expect_normal id_no "１１０１０１１９９００３０７４５１４" 110101199003074514 &&
	expect_normal id_no "11010519491231002ｘ" 11010519491231002X &&
	expect_normal id_no "110101\\u3000199003074514\\u00a0" 110101199003074514
'

test_expect_success 'phones: +86, 0086, (0), the national 0, any space, full width' '
	expect_normal phone 013800138000 13800138000 &&
	expect_normal phone "+86 (0) 138 0013 8000" 13800138000 &&
	expect_normal phone "0086 138 0013 8000" 13800138000 &&
	expect_normal phone "138\\t0013\\t8000" 13800138000 &&
	expect_normal phone "138\\u30000013\\u30008000" 13800138000 &&
	expect_normal phone "138\\u00a00013\\u00a08000" 13800138000 &&
	expect_normal phone "＋８６　１３８００１３８０００" 13800138000 &&
	expect_normal phone "13800138000\\n" 13800138000
'

test_expect_success 'households: the written forms, one canonical form' '
	expect_normal household 3栋2单元501 3-2-501 &&
	expect_normal household 3号楼2单元501室 3-2-501 &&
	expect_normal household 3－2－501 3-2-501 &&
	expect_normal household 3/2/501 3-2-501 &&
	expect_normal household "a3 - 1 - 1102" A3-1-1102 &&
	expect_normal household 12-301 12-301 &&
	expect_normal household 12栋301 12-301
'

test_expect_success 'a visitor host is a household in the same forms' '
	printf "{\"gate\":\"north\",\"dir\":\"in\",\"kind\":\"visitor\",\"temp\":36.5,\"mask\":true,\"name\":\"王五\",\"host\":\"3栋2单元501\"}\n" |
	cg-checkin --dry-run --now "$NOW" >out &&
	test "$(field host out)" = 3-2-501
'

# check_bad LINE REASON: rejected as stdin:1 with REASON, kept whole.
check_bad() {
	rm -f rej &&
	printf "%s\n" "$1" >in &&
	test_expect_code 1 cg-checkin --dry-run --now "$NOW" --rejects rej <in >out 2>err &&
	test_line_count = 0 out &&
	grep -q "^cg-checkin: stdin:1: .*$2" err &&
	test_cmp in rej
}

test_expect_success 'numbers no carrier uses are refused, masked in the message' '
	for p in 14012348000 14412348000 14612348000 14812348000 14912348000 \
		 15412348000 16012348000 16112348000 16312348000 16412348000 \
		 16812348000 16912348000 17412348000 17406000000 17912348000 \
		 19412348000 "+86 194 1234 8000" 014012348000; do
		check_bad "{$EV,\"phone\":\"$p\"}" "invalid phone .*not in a mobile range" || return 1
		! grep -q 1234800 err || return 1
	done &&
	expect_normal phone 16100000000 16100000000 &&
	expect_normal phone 17405000000 17405000000 &&
	expect_normal phone 14512348000 14512348000
'

test_expect_success 'bad forms are still refused' '
	check_bad "{$EV,\"phone\":\"0013800138000\"}" "not a mainland mobile number" &&
	check_bad "{$EV,\"phone\":\"\\u3000\"}" "not a mainland mobile number" &&
	check_bad "{$EV,\"id_no\":\"１１０１０１１９９００３０７４５１５\"}" "wrong check character" &&
	check_bad "{$EV,\"household\":\"3单元2栋501\"}" "building-unit-room or building-room" &&
	check_bad "{$EV,\"household\":\"501室\"}" "building-unit-room or building-room" &&
	check_bad "{$EV,\"household\":7}" "household.* must be a string"
'

test_expect_success 'compound.household: a compound without units' '
	write_config "{\"compound\":{\"household\":\"building-room\"}}" &&
	expect_normal household 12幢301室 12-301 &&
	check_bad "{$EV,\"household\":\"3-2-501\"}" "must be building-room, e.g. 12-301" &&
	write_config "{\"compound\":{\"household\":\"building-unit-room\"}}" &&
	expect_normal household 3栋2单元501 3-2-501 &&
	check_bad "{$EV,\"household\":\"12-301\"}" "must be building-unit-room, e.g. 3-2-501" &&
	write_config "{\"compound\":{\"household\":\"flat\"}}" &&
	test_expect_code 3 cg-checkin --dry-run --now "$NOW" </dev/null 2>err &&
	grep -q "compound.household.* must be \"building-unit-room\", \"building-room\" or \"any\"" err &&
	write_config "{\"compound\":{\"household\":1}}" &&
	test_expect_code 3 cg-checkin --dry-run --now "$NOW" </dev/null 2>err &&
	grep -q "compound.household" err &&
	rm "$CG_HOME/config.json"
'

test_expect_success 'one form everywhere: a pass issued for one form matches the other' '
	printf "{\"name\":\"张三\",\"phone\":\"＋86 (0) 138 0013 8000\",\"household\":\"3栋2单元501\"}\n" |
	cg-pass issue --now "$NOW" >pass &&
	test "$(field phone pass)" = 13800138000 &&
	test "$(field household pass)" = 3-2-501 &&
	grep -q "\"phone\":\"13800138000\",\"household\":\"3-2-501\"" "$CG_HOME/journal/pass.jsonl" &&
	printf "{\"name\":\"李四\",\"phone\":\"013900001111\",\"household\":\"3/2/502\",\"reason\":\"close_contact\"}\n" |
	cg-quarantine open --now "$NOW" >case &&
	test "$(field phone case)" = 13900001111 &&
	test "$(field household case)" = 3-2-502 &&
	printf "{\"gate\":\"north\",\"dir\":\"out\",\"kind\":\"resident\",\"mask\":true,\"phone\":\"139 0000 1111\\u3000\"}\n" |
	cg-checkin --dry-run --now "$NOW" >out &&
	test "$(field reasons out)" = quarantined
'

test_expect_success 'cg-pass and cg-quarantine refuse an impossible mobile' '
	printf "{\"name\":\"王五\",\"phone\":\"14012348000\"}\n" >in &&
	test_expect_code 1 cg-pass issue --now "$NOW" <in >out 2>err &&
	grep -q "^cg-pass: stdin:1: invalid phone .*not in a mobile range" err &&
	printf "{\"name\":\"王五\",\"phone\":\"16912348000\",\"reason\":\"close_contact\"}\n" >in &&
	test_expect_code 1 cg-quarantine open --now "$NOW" <in >out 2>err &&
	grep -q "^cg-quarantine: stdin:1: invalid phone .*not in a mobile range" err
'

test_expect_success 'a correction is normalised as the record was' '
	rm -rf "$CG_HOME" &&
	printf "{$EV,\"name\":\"张三\",\"household\":\"3-2-501\"}\n" |
	cg-checkin --now "$NOW" >/dev/null &&
	cg-checkin --now "$NOW" --amend 2026-01-25/1 --set "household=3栋2单元502" --reason typo >out &&
	test "$(field household out)" = 3-2-502 &&
	cg-checkin --now "$NOW" --amend 2026-01-25/2 --set "gate=SOUTH" --reason typo >out &&
	test "$(field gate out)" = south &&
	test_expect_code 1 cg-checkin --now "$NOW" --amend 2026-01-25/3 --set "phone=14012348000" --reason typo 2>err &&
	grep -q "not in a mobile range" err
'

test_done
