#!/bin/sh
test_description='cg-journal init: config.json from options or questions, checked as it is loaded, never overwritten by mistake, written whole'
. "${0%/*}/../lib/test-lib.sh"

TAB=$(printf '\t')
CONF=$CG_HOME/config.json

ask() {
	python3 "$SRC_DIR/tests/lib/ptyrun.py" "$@"
}

test_expect_success JQ 'options write config.json (0600), print it, and the commands use it' '
	cg-journal init --code 310104-012-007 --name 梅花新村 --street 310104012 \
		--district 310104 --gate north --gate South,east >out &&
	test_line_count = 1 out &&
	test "$(jq -c . "$CONF")" = "$(cat out)" &&
	test "$(jq -r ".compound | [.code, .name, .street, .district, .tz] | join(\" \")" out)" = \
		"310104-012-007 梅花新村 310104012 310104 Asia/Shanghai" &&
	test "$(jq -c .gates out)" = "[\"north\",\"South\",\"east\"]" &&
	test "$(stat -c %a "$CONF")" = 600 &&
	echo "{\"gate\":\"SOUTH\",\"dir\":\"in\",\"kind\":\"staff\",\"temp\":36.5,\"mask\":true}" |
		cg-checkin --now "$NOW" >rec &&
	test "$(jq -r ".compound + \" \" + .gate" rec)" = "310104-012-007 South" &&
	echo "{\"gate\":\"west\",\"dir\":\"in\",\"kind\":\"staff\",\"temp\":36.5,\"mask\":true}" |
		test_must_fail cg-checkin --now "$NOW" 2>err &&
	grep -q "unknown gate .west. (north, South, east)" err &&
	ls -a "$CG_HOME" >files &&
	! grep -q "\\.tmp\$" files
'

test_expect_success JQ 'compound.tz decides the day and the offset whatever TZ the machine has' '
	echo "{\"gate\":\"north\",\"dir\":\"in\",\"kind\":\"staff\",\"temp\":36.5,\"mask\":true}" |
		TZ=UTC cg-checkin --now 2026-01-26T17:30:00Z >rec &&
	test "$(jq -r .ts rec)" = 2026-01-27T01:30:00+08:00 &&
	test -f "$CG_HOME/journal/checkin/2026-01-27.jsonl"
'

test_expect_success 'an existing config.json is refused without --force, and left as it was' '
	cp "$CONF" before &&
	test_expect_code 1 cg-journal init --code X1 --name 别处 2>err &&
	grep -q "config.json. is there already: give --force" err &&
	test_cmp before "$CONF"
'

test_expect_success JQ '--force replaces what it is given and keeps the other settings' '
	jq ".policy = {\"fever_threshold\": 37.5}" "$CONF" >c && cp c "$CONF" &&
	cg-journal init --force --name 梅花二村 --tz - --household building-room >out &&
	test "$(jq -r ".compound | [.code, .name, .tz, .household] | join(\"|\")" "$CONF")" = \
		"310104-012-007|梅花二村||building-room" &&
	test "$(jq .policy.fever_threshold "$CONF")" = 37.5 &&
	test "$(jq -c .gates "$CONF")" = "[\"north\",\"South\",\"east\"]"
'

test_expect_success '--force replaces a file that is not JSON whole' '
	echo "{not json" >"$CONF" &&
	test_must_fail cg-checkin --now "$NOW" </dev/null 2>err &&
	cg-journal init --force --code A-1 --name 甲 --gate gate1 >out &&
	cg-checkin --now "$NOW" </dev/null
'

# bad OPTIONS... KEY: refused (2) with a message naming KEY, nothing written.
bad() {
	key=$1 && shift &&
	rm -rf other && mkdir -m 700 other &&
	test_expect_code 2 cg-journal init --home other --code C1 --name 名 "$@" 2>err &&
	grep -q "config.json: .$key" err &&
	test "$(ls -A other)" = ""
}

test_expect_success 'every value is checked as the loader checks it; nothing is written' '
	bad compound.tz --tz Nowhere/City &&
	bad compound.tz --tz ../../etc/passwd &&
	bad gates --gate north --gate NORTH &&
	bad gates --gate "north gate" &&
	bad gates --gate "a\"b" &&
	bad gates --gate "a/b" &&
	bad compound.household --household building &&
	bad compound.street --street "a b" &&
	bad compound.code --code "3 栋" &&
	test_expect_code 2 cg-journal init --home other --code C1 2>err &&
	grep -q "give --code and --name, or --ask" err &&
	test_expect_code 2 cg-journal init --home other --name 名 extra 2>err
'

test_expect_success 'the loader itself refuses twice-named gates and bad gate names' '
	rm -rf other && mkdir -m 700 other &&
	echo "{\"gates\": [\"north\", \"North\"]}" >other/config.json &&
	test_expect_code 3 cg-checkin --home other --now "$NOW" </dev/null 2>err &&
	grep -q "gate .North. named twice" err &&
	echo "{\"gates\": [\"north,south\"]}" >other/config.json &&
	test_expect_code 3 cg-checkin --home other --now "$NOW" </dev/null 2>err &&
	grep -q "bad gate name" err
'

test_expect_success 'a write that fails leaves the old config.json and no temporary file' '
	cp "$CONF" before &&
	# stderr a pipe: the limit is for files
	sh -c "ulimit -f 0; cg-journal init --force --name 乙 2>&1; echo rc=\$?" | cat >err &&
	grep -q "cannot write .\.config\.json\.[0-9]*\.tmp.: File too large" err &&
	grep -q "^rc=3\$" err &&
	test_cmp before "$CONF" &&
	test "$(ls -A "$CG_HOME" | grep -c "\\.tmp\$")" = 0
'

test_expect_success 'four runs at once: exactly one writes, three are refused, the file is whole' '
	rm -rf other && mkdir -m 700 other &&
	for i in 1 2 3 4; do
		{ cg-journal init --home other --code C$i --name 名$i >out$i 2>err$i; echo $? >rc$i; } &
	done &&
	wait &&
	test "$(cat rc1 rc2 rc3 rc4 | sort | tr "\n" " ")" = "0 1 1 1 " &&
	cat out1 out2 out3 out4 >won &&
	test_line_count = 1 won &&
	test "$(jq -c . other/config.json)" = "$(cat won)" &&
	test "$(ls -A other)" = config.json
'

test_expect_success PYTHON,JQ '--ask: questions on the terminal, a bad answer asked again, defaults kept' '
	rm -rf other && mkdir -m 700 other &&
	cat >script <<-EOF &&
	Compound code${TAB}310104-012-008
	Compound name${TAB}
	an answer is needed${TAB}桃园小区
	Street code${TAB}310104012
	District code${TAB}-
	Time zone (- for the machine${TAB}Mars/Olympus
	unknown time zone${TAB}
	Households are written${TAB}building-room
	Gates, separated by commas${TAB}东门，西门、north，NORTH
	named twice${TAB}东门, 西门
	EOF
	ask script screen cg-journal init --home other --ask >out &&
	grep -q "Time zone (- for the machine.s) \[Asia/Shanghai\]: " screen &&
	grep -q "Gates, separated by commas \[north,south\]: " screen &&
	test "$(jq -r ".compound | [.code, .name, .street, .district, .tz, .household] | join(\"|\")" other/config.json)" = \
		"310104-012-008|桃园小区|310104012||Asia/Shanghai|building-room" &&
	test "$(jq -c .gates other/config.json)" = "[\"东门\",\"西门\"]" &&
	test "$(jq -c . other/config.json)" = "$(cat out)"
'

test_expect_success PYTHON '--ask asks only what the options leave out; Ctrl-D writes nothing' '
	rm -rf other && mkdir -m 700 other &&
	cat >script <<-EOF &&
	Compound name${TAB}^D
	EOF
	test_expect_code 2 ask script screen cg-journal init --home other --ask --code C9 &&
	! grep -q "Compound code" screen &&
	grep -q "no answer for .compound.name.: config.json not written" screen &&
	test "$(ls -A other)" = ""
'

test_expect_success PYTHON 'the questions and their answers in Chinese under zh_CN' '
	rm -rf other && mkdir -m 700 other &&
	cat >script <<-EOF &&
	小区名称${TAB}
	此项必填${TAB}梅花新村
	门岗，用逗号分隔${TAB}北门，北门
	重复${TAB}北门，南门
	EOF
	LANGUAGE=zh_CN LC_ALL=zh_CN.UTF-8 ask script screen \
		cg-journal init --home other --ask --code C8 --street - --district - --tz - \
		--household any >out &&
	test "$(jq -c .gates other/config.json)" = "[\"北门\",\"南门\"]"
'

test_done
