#!/bin/sh
test_description='cg-sync push: what leaves the compound (allowlists, allow_fields, --redact, --dry-run)'
. "${0%/*}/../lib/test-lib.sh"
. "$SRC_DIR/tests/lib/sync-lib.sh"

if test_have_prereq PYTHON,JQ; then
	start_upstream up --bodies
fi
BODIES=$TRASH/up/bodies.jsonl

ID=11010519491231002X
PHONE=13800138000

test_expect_success PYTHON,JQ 'setup: a check-in, a pass and a case, all with persons' '
	checkins 2 &&
	echo "{\"gate\":\"south\",\"dir\":\"in\",\"kind\":\"visitor\",\"name\":\"王五\",\"phone\":\"13900139000\",\"host\":\"1-1-1\",\"temp\":36.4,\"mask\":true,\"symptoms\":[],\"plate\":\"京A12345\",\"own_field\":\"x\"}" |
		cg-checkin --now "$NOW" >/dev/null &&
	echo "{\"name\":\"张三\",\"id_no\":\"$ID\",\"phone\":\"$PHONE\",\"household\":\"1-1-1\",\"class\":\"resident\"}" |
		cg-pass issue --now "$NOW" >pass.out &&
	jq -r .token pass.out >token && test -s token &&
	echo "{\"name\":\"李四\",\"id_no\":\"$ID\",\"phone\":\"13800138001\",\"household\":\"1-1-2\",\"reason\":\"close_contact\"}" |
		cg-quarantine open --now "$NOW" >case.out &&
	echo "{\"case_id\":\"$(jq -r .case_id case.out)\",\"temp\":36.6}" |
		cg-quarantine check --now "$NOW" >/dev/null
'

# fields FILE: every key sent, per stream, sorted.
fields() {
	jq -r "(.rid | split(\"/\")[1]) + \" \" + (keys_unsorted | join(\",\"))" "$1" | sort -u
}

no_person() {
	test_must_fail grep -e "$ID" -e "$PHONE" -e 13900139000 -e 张三 -e 李四 -e 王五 \
		-e 京A12345 -e "CG1:" "$1"
}

test_expect_success PYTHON,JQ 'by default no name, id_no, phone, plate or token leaves, nor a field of its own' '
	cg-sync push --target a --url "$URL/a" --from-start >out &&
	test "$(jq -s "map(.records) | add" out)" = 6 &&
	no_person "$BODIES" &&
	cat >want <<-\EOF &&
	checkin ts,compound,gate,dir,kind,household,temp,mask,decision,reasons,seq,rid,day,tz
	checkin ts,compound,gate,dir,kind,temp,mask,symptoms,host,visit_until,decision,reasons,seq,rid,day,tz
	pass ts,compound,event,pass_id,class,colour,household,valid_from,valid_until,seq,rid,day,tz
	quarantine ts,compound,event,case_id,temp,symptoms,case_day,window,result,seq,rid,day,tz
	quarantine ts,compound,event,case_id,household,reason,start,days,end,status,seq,rid,day,tz
	EOF
	fields "$BODIES" >got &&
	sort want >want.sorted && sort got >got.sorted &&
	test_cmp want.sorted got.sorted
'

test_expect_success PYTHON,JQ 'clickhouse gets only what its tables hold' '
	rm -f "$BODIES" &&
	cg-sync push --target ch --format clickhouse --url "$URL/ch" --from-start >out &&
	no_person "$BODIES" &&
	test_must_fail grep -e "\"symptoms\"" -e "\"colour\"" -e "\"visit_until\"" "$BODIES" &&
	test "$(jq -r "select(.event == \"check\") | .case_day" "$BODIES")" = 1
'

test_expect_success PYTHON,JQ 'the Elasticsearch index template maps every field es-bulk sends by default, and no person' '
	rm -f "$BODIES" &&
	cg-sync push --target es --format es-bulk --url "$URL/es" --from-start >out &&
	no_person "$BODIES" &&
	T=$SRC_DIR/share/elasticsearch/index-template.json &&
	jq -r ".template.mappings.properties | keys[]" "$T" | sort >mapped &&
	jq -r "select(has(\"create\") | not) | keys[]" "$BODIES" | sort -u >sent &&
	test -s sent &&
	comm -23 sent mapped >unmapped && test_line_count = 0 unmapped &&
	test_must_fail grep -x -e name -e id_no -e phone -e plate -e pass -e token mapped &&
	test "$(jq -r .template.mappings.dynamic "$T")" = false
'

test_expect_success PYTHON,JQ 'a target whose allow_fields names them gets those fields raw, tokens never' '
	rm -f "$BODIES" &&
	cat >"$CG_HOME/config.json" <<-EOF &&
	{"targets": {"raw": {"url": "$URL/raw", "allow_fields": ["name", "phone", "own_field", "token", "pass"]}}}
	EOF
	cg-sync push --from-start raw >out &&
	grep -q "$PHONE" "$BODIES" && grep -q 王五 "$BODIES" &&
	test "$(jq -r "select(.own_field) | .own_field" "$BODIES")" = x &&
	test_must_fail grep -e "$ID" -e "CG1:" -e "\"token\"" -e 京A12345 "$BODIES"
'

test_expect_success PYTHON,JQ 'a gate credential in a check-in'"'"'s pass field never leaves; a pass id may' '
	rm -f "$BODIES" &&
	printf "%s\n" "{\"gate\":\"north\",\"dir\":\"out\",\"kind\":\"resident\",\"household\":\"1-1-1\",\"pass\":\"$(cat token)\",\"temp\":36.5,\"mask\":true}" \
		"{\"gate\":\"north\",\"dir\":\"in\",\"kind\":\"resident\",\"household\":\"1-1-1\",\"pass\":\"$(jq -r .pass_id pass.out)\",\"temp\":36.5,\"mask\":true}" |
		cg-checkin --now "$NOW" >/dev/null &&
	cg-sync push raw >out &&
	test_line_count = 2 "$BODIES" &&
	test_must_fail grep "CG1:" "$BODIES" &&
	test "$(jq -r ".pass // empty" "$BODIES")" = "$(jq -r .pass_id pass.out)"
'

test_expect_success PYTHON,JQ 'two compounds with the city'"'"'s key hash one person alike' '
	rm -f "$BODIES" &&
	head -c 32 /dev/urandom | od -An -tx1 | tr -d " \n" >city.key && echo >>city.key &&
	chmod 600 city.key &&
	for c in A B; do
		mkdir -p "$TRASH/home$c" &&
		cat >"$TRASH/home$c/config.json" <<-EOF &&
		{"compound": {"code": "C-$c"},
		 "targets": {"city": {"url": "$URL/city", "redact": true, "redact_key_file": "$TRASH/city.key"}}}
		EOF
		echo "{\"gate\":\"north\",\"dir\":\"in\",\"kind\":\"visitor\",\"name\":\"张三\",\"id_no\":\"$ID\",\"host\":\"9-9-9\",\"temp\":36.5,\"mask\":true}" |
			cg-checkin --home "$TRASH/home$c" --now "$NOW" >/dev/null &&
		cg-sync push --home "$TRASH/home$c" --from-start city >out || return 1
	done &&
	no_person "$BODIES" &&
	jq -r "[.compound, .id_no, .name] | @tsv" "$BODIES" >got &&
	test_line_count = 2 got &&
	test "$(cut -f 2,3 got | sort -u | wc -l)" = 1 &&
	grep -q "^C-A	h:" got && grep -q "^C-B	h:" got &&
	test ! -e "$TRASH/homeA/keys/sync-redact.key"
'

test_expect_success PYTHON,JQ 'a redact key file others may read, or not a key, is refused' '
	chmod 644 city.key &&
	test_expect_code 3 cg-sync push --home "$TRASH/homeA" city 2>err &&
	grep "readable by group or others" err &&
	chmod 600 city.key && echo short >city.key &&
	test_expect_code 3 cg-sync push --home "$TRASH/homeA" city 2>err &&
	grep "not a 32-byte key" err
'

test_expect_success PYTHON,JQ '--dry-run writes nothing: no key, no sync folder' '
	mkdir -p "$TRASH/homeD" &&
	checkins 3 >/dev/null &&
	cp -r "$CG_HOME/journal" "$TRASH/homeD/" &&
	(cd "$TRASH/homeD" && find . | sort) >before &&
	n=$(wc -l <"$TRASH/up/requests.jsonl") &&
	cg-sync push --home "$TRASH/homeD" --dry-run --redact --from-start --target t \
		--url "$URL/t" >dry 2>err &&
	grep "throwaway key" err &&
	test "$(jq -r .rid dry | wc -l)" -gt 0 &&
	no_person dry &&
	(cd "$TRASH/homeD" && find . | sort) >after &&
	test_cmp before after &&
	test "$(wc -l <"$TRASH/up/requests.jsonl")" = "$n"
'

test_expect_success PYTHON,JQ 'allow_fields and redact of the wrong type name the key' '
	echo "{\"targets\": {\"x\": {\"url\": \"http://h/\", \"allow_fields\": \"name\"}}}" >"$TRASH/homeD/config.json" &&
	test_expect_code 3 cg-sync status --home "$TRASH/homeD" 2>err &&
	grep "targets.x.allow_fields. has the wrong type" err &&
	echo "{\"targets\": {\"x\": {\"url\": \"http://h/\", \"redact\": 1}}}" >"$TRASH/homeD/config.json" &&
	test_expect_code 3 cg-sync status --home "$TRASH/homeD" 2>err &&
	grep "targets.x.redact. has the wrong type" err
'

test_done
