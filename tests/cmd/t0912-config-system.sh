#!/bin/sh
test_description='the installed share/cg/config.json is the system layer: built-in < installed < data directory'
. "${0%/*}/../lib/test-lib.sh"

EV='{"gate":"north","dir":"in","kind":"staff","temp":37.5,"mask":true}'

# A tree laid out as make install PREFIX=$TRASH/p lays it out: the
# command in p/bin, the defaults in p/share/cg/config.json.
P=$TRASH/p
test_expect_success 'an installed tree: the command and its share/cg' '
	mkdir -p "$P/bin" "$P/share/cg" &&
	cp "$CG_BUILD/bin/cg-checkin" "$CG_BUILD/bin/cg-journal" "$P/bin/" &&
	cp "$SRC_DIR/share/cg/config.json" "$P/share/cg/config.json"
'

test_expect_success JQ 'as installed, the defaults are the built-in ones' '
	echo "$EV" | "$P/bin/cg-checkin" --dry-run --now "$NOW" >rec &&
	test "$(jq -r ".compound + \" \" + .decision" rec)" = "DEMO-0001 deny"
'

test_expect_success JQ 'what the administrator changes in the installed file applies' '
	jq ".compound.code = \"SYS-1\" | .compound.district = \"310104\" | .policy.fever_threshold = 38" \
		"$SRC_DIR/share/cg/config.json" >"$P/share/cg/config.json" &&
	echo "$EV" | "$P/bin/cg-checkin" --dry-run --now "$NOW" >rec &&
	test "$(jq -r ".compound + \" \" + .decision" rec)" = "SYS-1 admit"
'

test_expect_success JQ 'the data directory overrides it key by key' '
	echo "{\"compound\": {\"code\": \"OWN-1\"}}" >"$CG_HOME/config.json" &&
	echo "$EV" | "$P/bin/cg-checkin" --dry-run --now "$NOW" >rec &&
	test "$(jq -r ".compound + \" \" + .decision" rec)" = "OWN-1 admit"
'

test_expect_success 'a layer of only the keys it changes is enough' '
	echo "{\"policy\": {\"fever_threshold\": 37.0}}" >"$P/share/cg/config.json" &&
	echo "$EV" | "$P/bin/cg-checkin" --dry-run --now "$NOW" >rec &&
	test "$(jq -r ".compound + \" \" + .decision" rec)" = "OWN-1 deny"
'

test_expect_success 'a bad installed file is an error naming it and the key' '
	echo "{\"policy\": {\"fever\": 1}}" >"$P/share/cg/config.json" &&
	echo "$EV" | test_expect_code 3 "$P/bin/cg-checkin" --dry-run --now "$NOW" 2>err &&
	grep -q "$P/share/cg/config.json: unknown key .policy.fever." err &&
	echo "{" >"$P/share/cg/config.json" &&
	echo "$EV" | test_expect_code 3 "$P/bin/cg-checkin" --dry-run --now "$NOW" 2>err &&
	grep -q "$P/share/cg/config.json:2: " err
'

test_expect_success JQ 'cg-journal init offers the installed defaults and checks against them' '
	echo "{\"compound\": {\"district\": \"310104\"}, \"gates\": [\"east\"]}" >"$P/share/cg/config.json" &&
	rm -rf other && mkdir -m 700 other &&
	"$P/bin/cg-journal" init --home other --code C1 --name 名 >out &&
	echo "{\"gate\":\"EAST\",\"dir\":\"in\",\"kind\":\"staff\",\"temp\":36.5,\"mask\":true}" |
		"$P/bin/cg-checkin" --home other --dry-run --now "$NOW" >rec &&
	test "$(jq -r ".gate" rec)" = east
'

test_expect_success 'without an installed file, the built-in defaults alone' '
	rm "$P/share/cg/config.json" &&
	rm "$CG_HOME/config.json" &&
	echo "$EV" | "$P/bin/cg-checkin" --dry-run --now "$NOW" >rec &&
	grep -q "\"compound\":\"DEMO-0001\"" rec
'

test_expect_success 'the build tree has its own copy, and the binaries know the installed place' '
	test_cmp "$SRC_DIR/share/cg/config.json" "$CG_BUILD/share/cg/config.json" &&
	strings "$CG_BUILD/bin/cg-checkin" | grep -q "^/usr/local/share/cg/config.json$"
'

test_done
