#!/bin/sh
test_description='the README examples run as printed'
. "${0%/*}/../lib/test-lib.sh"

# The blocks of the README run in order in one shell (bash, -o pipefail:
# a failing command before a pipe counts), from a directory that stands
# for the clone: build is the build under test, and nothing else of the
# tree is there, so that an example that needs a file makes it.  PATH has
# no build: the README's own "export PATH=$PWD/build/bin:$PATH" must do.
# Each command must exit 0, or what a following "$ echo $?" shows.  The
# blocks marked "<!-- examples: skip REASON -->" are listed as skipped
# (tests/lib/examples.py says how the README is read).

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
		bash -o pipefail .script </dev/null) >"$2/.out" 2>&1
	cat "$2/.out"
	if [ -s "$2/.failed" ]; then
		cat "$2/.failed" >&2
		return 1
	fi
}

test_expect_success PYTHON,JQ 'every README example that can run in a test runs as printed' '
	python3 "$SRC_DIR/tests/lib/examples.py" script "$SRC_DIR/README.md" >readme.sh &&
	test_line_count -ge 20 readme.sh &&
	examples_run "$TRASH/readme.sh" "$TRASH/readme"
'

test_expect_success PYTHON,JQ 'the README tour speaks of its own compound, not the demo one' '
	cat readme/tour/journal/pass.jsonl readme/tour/journal/checkin/2026-01-25.jsonl |
	jq -r .compound | sort -u >compounds &&
	test "$(cat compounds)" = 310104-012-007
'

# The blocks that cannot run here, each counted as a skipped test.
if command -v python3 >/dev/null; then
	python3 "$SRC_DIR/tests/lib/examples.py" skips "$SRC_DIR/README.md" >"$TRASH/skips" ||
		echo "0	examples.py failed" >"$TRASH/skips"
	while IFS="	" read -r line reason; do
		test_count=$((test_count + 1))
		test_skips=$((test_skips + 1))
		say_result "ok - $test_count README.md:$line # skip $reason"
	done <"$TRASH/skips"
fi

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
