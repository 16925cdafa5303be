#!/bin/sh
test_description='stdin-to-stdout cases as data: tests/cases/*.cases'
. "${0%/*}/../lib/test-lib.sh"

# A .cases file holds cases for one command, as jq's tests/*.test and
# trurl's tests.json do: adding a case is adding data.  Its lines:
#
#   # ...              a comment
#   command: CMD ARGS  the command line of the cases below (shell words)
#   === TITLE          starts a case
#   config: JSON       the data directory's config.json for this case
#   setup: SHELL       a command run first, in order, with CG_HOME set (to
#                      open a case, issue a pass...); its output is
#                      discarded and it must succeed
#   in: LINE           a line of standard input (in order; none: empty)
#   out: LINE          a line expected on standard output, exactly
#   err: LINE          a line expected on standard error, exactly
#   exit: N            the expected exit status (default 0)
#
# Every case runs in a fresh data directory; stdout and stderr must be
# exactly the out: and err: lines (none: empty).

# split_cases FILE DIR: DIR/NNN/{title,command,config,in,out,err,exit}.
split_cases() {
	awk -v dir="$2" '
		function field(name, text) {
			f = dir "/" sprintf("%03d", n) "/" name
			printf "%s\n", text >>f
			close(f)
		}
		/^#/ || /^[[:space:]]*$/ { next }
		/^command: / { command = substr($0, 10); next }
		/^=== / {
			n++
			system("mkdir -p \"" dir "/" sprintf("%03d", n) "\"")
			field("title", substr($0, 5))
			field("command", command)
			next
		}
		!n { print FILENAME ":" NR ": a line before the first case" >"/dev/stderr"; bad = 1; next }
		/^config: / { field("config", substr($0, 9)); next }
		/^setup: / { field("setup", substr($0, 8)); next }
		/^in: / { field("in", substr($0, 5)); next }
		/^out: / { field("out", substr($0, 6)); next }
		/^err: / { field("err", substr($0, 6)); next }
		/^exit: [0-9]+$/ { field("exit", substr($0, 7)); next }
		{ print FILENAME ":" NR ": not a case line: " $0 >"/dev/stderr"; bad = 1 }
		END { exit bad }
	' "$1"
}

# run_case DIR: run it and compare.
run_case() {
	rc_home=$1/home &&
	if [ -f "$1/config" ]; then
		mkdir -p "$rc_home" && chmod 700 "$rc_home" && cp "$1/config" "$rc_home/config.json"
	fi &&
	touch "$1/in" "$1/out" "$1/err" &&
	rc_want=$(cat "$1/exit" 2>/dev/null || echo 0) &&
	if [ -f "$1/setup" ]; then
		(CG_HOME=$rc_home && export CG_HOME && eval "$(cat "$1/setup")") \
			</dev/null >"$1/setup.out" 2>&1 ||
		{ echo "setup failed:" >&2; cat "$1/setup.out" >&2; false; }
	fi &&
	(CG_HOME=$rc_home && export CG_HOME && eval "$(cat "$1/command")") \
		<"$1/in" >"$1/actual.out" 2>"$1/actual.err"
	rc_got=$?
	test_cmp "$1/out" "$1/actual.out" &&
	test_cmp "$1/err" "$1/actual.err" &&
	{ [ "$rc_got" = "$rc_want" ] || { echo "exit status $rc_got, expected $rc_want" >&2; false; }; }
}

for cases in "$SRC_DIR"/tests/cases/*.cases; do
	name=${cases##*/}
	name=${name%.cases}
	if ! split_cases "$cases" "$TRASH/$name" 2>"$TRASH/$name.err"; then
		test_expect_success "$name.cases is well formed" "cat '$TRASH/$name.err' >&2; false"
		continue
	fi
	for c in "$TRASH/$name"/*/; do
		c=${c%/}
		test_expect_success "$name: $(cat "$c/title")" "run_case '$c'"
	done
done

test_expect_success 'a case whose output differs fails' '
	mkdir -p bad && printf "%s\n" "command: cat" "=== cat" "in: a" "out: b" >bad.cases &&
	split_cases bad.cases bad &&
	test_must_fail run_case bad/001
'

test_expect_success 'a case whose exit status differs fails' '
	mkdir -p bad2 && printf "%s\n" "command: false" "=== false" >bad2.cases &&
	split_cases bad2.cases bad2 &&
	test_must_fail run_case bad2/001
'

test_expect_success 'a case whose setup fails fails' '
	mkdir -p bad4 && printf "%s\n" "command: cat" "=== setup" "setup: true" "setup: false" >bad4.cases &&
	split_cases bad4.cases bad4 &&
	test_must_fail run_case bad4/001
'

test_expect_success 'setup lines run in order, in the case data directory' '
	mkdir -p good && printf "%s\n" "command: cat \"\$CG_HOME/x\"" "=== setup" \
		"setup: mkdir -p \"\$CG_HOME\" && echo 1 >\"\$CG_HOME/x\"" \
		"setup: echo 2 >>\"\$CG_HOME/x\"" "out: 1" "out: 2" >good.cases &&
	split_cases good.cases good &&
	run_case good/001
'

test_expect_success 'a malformed cases file is refused with FILE:LINE' '
	printf "%s\n" "command: cat" "=== x" "inn: a" >bad3.cases &&
	test_must_fail split_cases bad3.cases bad3 2>err &&
	grep -q "bad3.cases:3: not a case line: inn: a" err
'

test_done
