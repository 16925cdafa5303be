#!/bin/sh
# build-independent: the examples as printed in the README and the man pages; the commands they run are under the sanitizers in their own tests
test_description='the examples of the README and of the man pages run as printed'
. "${0%/*}/../lib/test-lib.sh"

# The blocks of the README run in order in one shell (bash, -o pipefail:
# a failing command before a pipe counts), from a directory that stands
# for the clone: build is the build under test, and nothing else of the
# tree is there, so that an example that needs a file makes it.  PATH has
# no build: the README's own "export PATH=$PWD/build/bin:$PATH" must do.
# Each command must exit 0, or what a following "$ echo $?" shows.  The
# blocks marked "<!-- examples: skip REASON -->" are listed as skipped
# (tests/lib/examples.py says how the README is read).

PAGES="man7/cg.7 man1/cg-checkin.1 man1/cg-journal.1 man1/cg-pass.1 man1/cg-quarantine.1 man1/cg-report.1 man1/cg-sync.1"

# The scripts and skips of them all, made at once (a python start is
# slow on a loaded machine): EX/NAME.script, EX/NAME.skips.
EX=$TRASH/ex
mkdir "$EX"
if command -v python3 >/dev/null; then
	(cd "$SRC_DIR/share/man" && python3 "$SRC_DIR/tests/lib/examples.py" all "$EX" \
		"$SRC_DIR/README.md" $PAGES) 2>"$EX/error" || EX_ERROR=1
fi
# skips NAME WHERE: each skip of NAME as a skipped test.
skips() {
	[ -f "$EX/$1.skips" ] || return 0
	while IFS="	" read -r line reason; do
		test_count=$((test_count + 1))
		test_skips=$((test_skips + 1))
		say_result "ok - $test_count $2:$line # skip $reason"
	done <"$EX/$1.skips"
}

SYSPATH=$(printf "%s" "$PATH" | tr ":" "\n" | grep -v -x "$CG_BUILD/bin" | paste -s -d: -)

# examples_run SCRIPT DIR: run SCRIPT in DIR with a home of its own; print
# each command's line, status and expected status; fail if one differs.
examples_run() {
	mkdir -p "$2/home" && ln -s "$CG_BUILD" "$2/build" &&
	printf "%s\n" \
		"examples_check() {" \
		"	echo \"# line \$3: exit \$1 (expected \$2)\"" \
		"	[ \"\$1\" = \"\$2\" ] || echo \"line \$3: exit \$1, expected \$2: \$4\" >>\"$2/.failed\"" \
		"}" >"$2/.prelude" &&
	cat "$2/.prelude" "$1" >"$2/.script" &&
	(cd "$2" && env -u CG_HOME -u CG_LOCALEDIR HOME="$2/home" PATH="$SYSPATH" \
		bash -o pipefail .script </dev/null) >"$2/.out" 2>&1 ||
		{ echo "$1: the run failed" >&2; return 1; }
	cat "$2/.out"
	if [ -s "$2/.failed" ]; then
		cat "$2/.failed" >&2
		return 1
	fi
}

test_expect_success PYTHON,JQ 'every README example that can run in a test runs as printed' '
	if [ -n "${EX_ERROR-}" ]; then cat "$EX/error" >&2; false; fi &&
	test_line_count -ge 20 "$EX/README.md.script" &&
	examples_run "$EX/README.md.script" "$TRASH/readme"
'

test_expect_success PYTHON,JQ 'the README tour speaks of its own compound, not the demo one' '
	cat readme/tour/journal/pass.jsonl readme/tour/journal/checkin/2026-01-25.jsonl |
	jq -r .compound | sort -u >compounds &&
	test "$(cat compounds)" = 310104-012-007
'

# The blocks that cannot run here, each counted as a skipped test.
skips README.md README.md

# The EXAMPLES of the man pages run the same way, each page in a directory
# and data directory of its own, with the commands on PATH as after make
# install and CG_HOME set; the files an example reads as the user's own
# (gate.jsonl, residents.jsonl ...) are made first by man_setup_PAGE.
ev() { # ev GATE DIR KIND [TEMP]: one gate event
	printf '{"gate":"%s","dir":"%s","kind":"%s","temp":%s,"mask":true}\n' "$1" "$2" "$3" "${4:-36.5}"
}

man_setup_cg_7() {
	ev north in staff | cg-checkin >/dev/null
}

man_setup_cg_checkin_1() {
	echo '{"gates": ["north", "south", "east"]}' >"$CG_HOME/config.json" &&
	for t in 36.5 36.6 38.6; do ev north in staff $t; done |
		cg-checkin --now "$(date -d yesterday +%F)T12:00:00" >/dev/null &&
	for i in 1 2 3 4; do ev north in resident; ev south out staff; done >gate.jsonl &&
	for i in 1 2 3; do ev north in resident; done >north.jsonl &&
	for i in 1 2 3; do ev south in staff; done >south.jsonl &&
	{ ev east in resident; ev east in courier; } | gzip >east.jsonl.gz &&
	{ ev north in resident 36.4; ev north out staff 37.5; } >paper-north-0125.jsonl
}

# A day of 2026-01-25 signed and cosigned by the street's witness (in
# ~/street) at 3 records, then 2 more: yesterday.jsonl is what the street
# holds, compounds.vkeys the compounds' keys it trusts.
man_setup_cg_journal_1() {
	for i in 1 2 3; do ev north in staff; done | cg-checkin --now 2026-01-25T08:00:00 >/dev/null &&
	cg-journal checkpoint >yesterday.jsonl &&
	cg-journal key export >compounds.vkeys &&
	cg-journal consistency 2026-01-25 |
		cg-journal --home "$PWD/street" witness --trust compounds.vkeys >/dev/null &&
	for i in 1 2; do ev south in staff; done | cg-checkin --now 2026-01-25T09:00:00 >/dev/null
}

# The office's list, a pass shown at a gate today and its token scanned.
man_setup_cg_pass_1() {
	printf "%s\n" '{"name":"张三","id_no":"110101199003074514","household":"3-2-501"}' \
		'{"name":"李四","phone":"13812348000","household":"3-2-502"}' \
		'{"name":"王五","id_no":"310104198506151237","household":"1-1-101"}' >residents.jsonl &&
	echo '{"name":"赵六","phone":"13912348001","household":"5-1-102"}' |
		cg-pass issue >shown.jsonl &&
	jq -r .token shown.jsonl >scans.txt &&
	jq -c '{gate: "north", dir: "in", kind: "resident", name, phone, household,
		temp: 36.5, mask: true, pass: .pass_id}' shown.jsonl | cg-checkin >/dev/null
}

# A case of the day before, whose morning readings of 26 January were
# kept on paper.
man_setup_cg_quarantine_1() {
	echo '{"name":"李四","phone":"13812348000","household":"3-2-502","reason":"close_contact","officer":"王五"}' |
		cg-quarantine open --now 2026-01-24T10:00:00 >/dev/null &&
	echo '{"phone":"13812348000","temp":36.4,"by":"王五","ts":"2026-01-26T07:40:00+08:00"}' >checks-0126.jsonl
}

# A day at the gates, the reports two compounds sent the street, and a
# gate's own log.
man_setup_cg_report_1() {
	for i in 1 2 3; do ev north in resident; ev south out staff; done |
		cg-checkin --now 2026-01-25T09:00:00 >/dev/null &&
	mkdir reports &&
	for c in 310104-012-007 310104-012-008; do
		mkdir -m 700 "$c" &&
		echo "{\"compound\": {\"code\": \"$c\", \"name\": \"$c\"}}" >"$c/config.json" &&
		ev north in resident | cg-checkin --home "$c" --now 2026-01-25T09:00:00 >/dev/null &&
		cg-report --home "$c" --date 2026-01-25 >reports/$c.json || return 1
	done &&
	for i in 1 2; do ev north in resident; done | cg-checkin --dry-run --now 2026-01-25T10:00:00 |
		gzip >north-2026-01-25.jsonl.gz
}

man_run() { # man_run PAGE: the EXAMPLES of share/man/PAGE
	name=$(echo "${1##*/}" | tr ".-" "__") &&
	d=$TRASH/man-$name &&
	mkdir -p "$d/home" && chmod 700 "$d/home" &&
	test -s "$EX/${1##*/}.script" &&
	printf "%s\n" \
		"examples_check() {" \
		"	echo \"# line \$3: exit \$1 (expected \$2)\"" \
		"	[ \"\$1\" = \"\$2\" ] || echo \"$1:\$3: exit \$1, expected \$2: \$4\" >>\"$d/.failed\"" \
		"}" >"$d/.prelude" &&
	(cd "$d" && CG_HOME=$d/home && export CG_HOME && man_setup_$name) &&
	cat "$d/.prelude" "$EX/${1##*/}.script" >"$d/.script" &&
	(cd "$d" && env CG_HOME="$d/home" HOME="$d" bash -o pipefail .script </dev/null) >"$d/.out" 2>&1 ||
		{ echo "$1: the setup or the run failed" >&2; return 1; }
	cat "$d/.out"
	if [ -s "$d/.failed" ]; then
		cat "$d/.failed" >&2
		return 1
	fi
}

for page in $PAGES; do
	# A page whose every display is skipped (cg-sync: the network) has
	# only its skips.
	if ! [ -f "$EX/${page##*/}.script" ] || [ -s "$EX/${page##*/}.script" ]; then
		test_expect_success PYTHON,JQ "the EXAMPLES of $page run as printed" "
			man_run $page
		"
	fi
	skips "${page##*/}" "$page"
done

test_expect_success PYTHON 'the check fails on an example that fails, and on an unmarked root or cron block' '
	printf "%s\n" "# t" "" "\`\`\`console" "\$ true" "\$ false" "\`\`\`" >bad.md &&
	python3 "$SRC_DIR/tests/lib/examples.py" script bad.md >bad.sh &&
	test_must_fail examples_run "$TRASH/bad.sh" "$TRASH/bad" 2>err &&
	grep -q "^line 5: exit 1, expected 0: false" err &&
	printf "%s\n" "\`\`\`console" "\$ false" "\$ echo \$?" "1" "\`\`\`" >status.md &&
	python3 "$SRC_DIR/tests/lib/examples.py" script status.md >status.sh &&
	examples_run "$TRASH/status.sh" "$TRASH/status" &&
	printf "%s\n" "\`\`\`console" "# make deb" "\`\`\`" >root.md &&
	test_must_fail python3 "$SRC_DIR/tests/lib/examples.py" script root.md 2>err &&
	grep -q "root.md:2: a root command" err &&
	printf "%s\n" "<!-- examples: skip cron -->" "\`\`\`crontab" "* * * * * x" "\`\`\`" \
		"\`\`\`crontab" "* * * * * y" "\`\`\`" >cron.md &&
	test_must_fail python3 "$SRC_DIR/tests/lib/examples.py" script cron.md 2>err &&
	grep -q "cron.md:5: a crontab block" err &&
	python3 "$SRC_DIR/tests/lib/examples.py" skips cron.md >skips &&
	test "$(cut -f1 skips)" = 2 && test "$(cut -f2 skips)" = cron
'

test_done
