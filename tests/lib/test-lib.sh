# Test harness for cg's shell tests, after git's t/test-lib.sh.
#
#   test_description='...'
#   . "${0%/*}/../lib/test-lib.sh"
#   test_expect_success 'title' '
#           cmd1 &&
#           test_when_finished "rm -f scratch" &&
#           cmd2
#   '
#   test_done
#
# Each test runs in a subshell inside a fresh trash directory shared by the
# script; CG_HOME points into it.  Output is "ok - N title" or
# "not ok - N title" (and "ok - N title # skip why"); tests/run counts
# those lines.  A script takes:
#
#   -v, --verbose    show every test's output, not only a failing one's
#   --run=LIST       run only the tests numbered in LIST (e.g. 3 or 1,4-6);
#                    the others are reported as skipped
#   -i, --immediate  stop at the first failure (the trash is kept)
#   --keep-trash     keep the trash directory (also KEEP_TRASH=1)

set -u

test_verbose= test_run_list= test_immediate=
for test_arg in "$@"; do
	case $test_arg in
	-v | --verbose) test_verbose=1 ;;
	--run=*) test_run_list=${test_arg#--run=} ;;
	-i | --immediate) test_immediate=1 KEEP_TRASH=1 ;;
	--keep-trash) KEEP_TRASH=1 ;;
	*)
		echo "${0##*/}: unknown option '$test_arg' (-v, --run=LIST, -i, --keep-trash)" >&2
		exit 2
		;;
	esac
done
LC_ALL=C
LANG=C
unset LANGUAGE
TZ=Asia/Shanghai
export LC_ALL LANG TZ
unset CG_NOW XDG_STATE_HOME
# Finished days are compressed in the command itself, so that what a test
# finds after a command does not depend on a background process; the
# tests of the default (a detached process) unset it.
CG_COMPRESS=wait
export CG_COMPRESS

TEST_DIR=$(cd "${0%/*}" && pwd)
SRC_DIR=$(cd "$TEST_DIR/../.." && pwd)
: "${CG_BUILD:=$SRC_DIR/build}"
case $CG_BUILD in /*) ;; *) CG_BUILD=$SRC_DIR/$CG_BUILD ;; esac
PATH=$CG_BUILD/bin:$PATH
CG_LOCALEDIR=$CG_BUILD/locale
export PATH CG_LOCALEDIR CG_BUILD SRC_DIR TEST_DIR

TRASH=$(mktemp -d "${TMPDIR:-/tmp}/cg-test.XXXXXX")
trap '[ -n "${KEEP_TRASH:-}" ] || rm -rf "$TRASH"' EXIT
CG_HOME=$TRASH/home
export CG_HOME TRASH
cd "$TRASH" || exit 1

exec 3>&1
test_count=0
test_failures=0
test_skips=0

say_result() {
	printf '%s\n' "$*"
}

# test_selected N: whether --run (if given) names test N.
test_selected() {
	[ -z "$test_run_list" ] && return 0
	echo "$test_run_list" | tr ',' '\n' | while IFS=- read -r ts_lo ts_hi; do
		[ -n "$ts_hi" ] || ts_hi=$ts_lo
		[ "$1" -ge "$ts_lo" ] && [ "$1" -le "$ts_hi" ] && echo yes
	done | grep -q yes
}

# test_when_finished CMD: run CMD when the current test ends, whether it
# passed or failed (in the test's subshell, after its body; the last
# registered runs first); a failing CMD fails the test.  As git's, so that
# cleanup never leaks into the tests after it.
test_cleanup=:
test_when_finished() {
	test_cleanup="{ $*
	} || test_cleanup_failed=1; $test_cleanup"
}

# test_run_body BODY: the body, then its cleanups, in a subshell.
test_run_body() {
	(
		test_cleanup=: test_cleanup_failed=
		eval "$1"
		test_eval_status=$?
		eval "$test_cleanup"
		if [ -n "$test_cleanup_failed" ]; then
			echo "test_when_finished: a cleanup failed" >&2
			test_eval_status=1
		fi
		exit "$test_eval_status"
	)
}

test_expect_success() {
	test_count=$((test_count + 1))
	if [ $# -eq 3 ]; then
		if ! test_have_prereq "$1"; then
			test_skips=$((test_skips + 1))
			say_result "ok - $test_count $2 # skip missing $1"
			return 0
		fi
		shift
	fi
	if ! test_selected "$test_count"; then
		test_skips=$((test_skips + 1))
		say_result "ok - $test_count $1 # skip not in --run=$test_run_list"
		return 0
	fi
	if test_run_body "$2" >"$TRASH/.out" 2>&1 </dev/null; then
		say_result "ok - $test_count $1"
		if [ -n "$test_verbose" ]; then
			sed -e 's/^/#  /' "$TRASH/.out"
		fi
	else
		test_failures=$((test_failures + 1))
		say_result "not ok - $test_count $1"
		sed -e 's/^/#  /' "$TRASH/.out"
		printf '#  --- test body:\n'
		printf '%s\n' "$2" | sed -e 's/^/#  /'
		if [ -n "$test_immediate" ]; then
			printf '# stopped at the first failure; trash kept in %s\n' "$TRASH"
			exit 1
		fi
	fi
}

# A python3 with PyNaCl (Debian's python3-nacl), for the independent
# checks of signatures: the first python3 on PATH may be another one.
nacl_python() {
	for np in python3 /usr/bin/python3; do
		if "$np" -c "import nacl.signing" 2>/dev/null; then
			echo "$np"
			return 0
		fi
	done
	return 1
}

test_have_prereq() {
	case $1 in
	*,*)
		test_have_prereq "${1%%,*}" && test_have_prereq "${1#*,}"
		return ;;
	ZH_LOCALE) locale -a 2>/dev/null | grep -qi '^zh_CN\.utf-\?8$' ;;
	DE_LOCALE) locale -a 2>/dev/null | grep -qi '^de_DE\.utf-\?8$' ;;
	PYTHON) command -v python3 >/dev/null ;;
	PYNACL) nacl_python >/dev/null ;;
	JQ) command -v jq >/dev/null ;;
	MANDOC) command -v mandoc >/dev/null ;;
	PO4A) command -v po4a >/dev/null && command -v msgattrib >/dev/null ;;
	CG_PASS) [ -x "$CG_BUILD/bin/cg-pass" ] &&
		! "$CG_BUILD/bin/cg-pass" --help </dev/null 2>&1 | grep -q "not implemented yet" ;;
	CLICKHOUSE) command -v clickhouse-server >/dev/null && command -v curl >/dev/null &&
		command -v python3 >/dev/null && command -v jq >/dev/null ;;
	RSVG) command -v rsvg-convert >/dev/null ;;
	ZBAR) command -v zbarimg >/dev/null && command -v rsvg-convert >/dev/null ;;
	DEBBUILD) command -v dpkg-buildpackage >/dev/null && command -v dh >/dev/null &&
		command -v lintian >/dev/null &&
		(cd "$SRC_DIR" && dpkg-checkbuilddeps) 2>/dev/null ;;
	SYSTEMD_ANALYZE) command -v systemd-analyze >/dev/null ;;
	# Root that may make a mount namespace and run as another uid.
	# Root, a private mount namespace, and a tree an unprivileged user
	# can reach (not one under /root, as in a bare root's clone).
	ROOT_NS) [ "$(id -u)" -eq 0 ] && command -v unshare >/dev/null &&
		command -v setpriv >/dev/null && unshare -m true 2>/dev/null &&
		setpriv --reuid=4242 --regid=4242 --clear-groups \
			test -x "$CG_BUILD/bin/cg-checkin" -a -r "$SRC_DIR/completions/bash/cg-report" ;;
	# One build of what does not depend on the build under test.
	PLAIN_BUILD) case $CG_BUILD in *-san) return 1 ;; esac ;;
	*) return 1 ;;
	esac
}

# Fails for success and for death by a signal (a crash is no expected
# failure).
test_must_fail() {
	"$@"
	code=$?
	if [ $code -eq 0 ]; then
		echo "test_must_fail: command succeeded: $*" >&2
		return 1
	elif [ $code -gt 128 ]; then
		echo "test_must_fail: died by signal $((code - 128)): $*" >&2
		return 1
	fi
	return 0
}

# test_expect_code N cmd...: exactly exit status N.
test_expect_code() {
	want=$1
	shift
	"$@"
	code=$?
	if [ $code -ne "$want" ]; then
		echo "test_expect_code: wanted $want, got $code: $*" >&2
		return 1
	fi
	return 0
}

test_cmp() {
	diff -u "$1" "$2"
}

test_line_count() {
	n=$(wc -l <"$3" | tr -d ' ')
	if ! [ "$n" "$1" "$2" ]; then
		echo "test_line_count: $3 has $n lines, expected $1 $2" >&2
		return 1
	fi
}

# The value of a top-level field of each JSON line, one per line.
field() {
	if [ -x "$CG_BUILD/tests/helper-jq-field" ]; then
		"$CG_BUILD/tests/helper-jq-field" --tostring "$1" ${2:+"$2"}
		return
	fi
	command jq -r --arg f "$1" '.[$f] | if type == "array" then join(",") else tostring end' "${2:--}"
}

test_done() {
	printf '# %s: %d tests, %d failed, %d skipped\n' "${0##*/}" \
		"$test_count" "$test_failures" "$test_skips"
	[ "$test_failures" -eq 0 ]
}

NOW=2026-01-25T08:00:00+08:00

# verdict JSON: "decision reasons" of one event decided in a dry run.
verdict() {
	printf '%s\n' "$1" | cg-checkin --dry-run --now "$NOW" >"$TRASH/.verdict" &&
	if [ -x "$CG_BUILD/tests/helper-jq-field" ]; then
		"$CG_BUILD/tests/helper-jq-field" --verdict "$TRASH/.verdict"
	else
		command jq -r '.decision + " " + (.reasons | join(","))' "$TRASH/.verdict"
	fi | sed -e 's/ $//'
}

# expect_verdict JSON "decision reasons"
expect_verdict() {
	got=$(verdict "$1") || return 1
	if [ "$got" != "$2" ]; then
		echo "for $1: got '$got', expected '$2'" >&2
		return 1
	fi
}

# A policy overlay for the data directory.
write_config() {
	mkdir -p "$CG_HOME" && chmod 700 "$CG_HOME" && printf '%s\n' "$1" >"$CG_HOME/config.json"
}

# jq -r .NAME [FILE]...: the tests' commonest question, answered by a
# helper where it prints what jq would (jq 1.6 takes 35 ms of CPU to
# start, a quarter of make check); every other use goes to jq, as does
# anything the helper is not sure of.
jq() {
	if [ $# -ge 2 ] && [ "$1" = -r ] && [ -x "$CG_BUILD/tests/helper-jq-field" ]; then
		case $2 in
		.*[!A-Za-z0-9_]* | . | .[0-9]*) ;;
		.*)
			jq_field_=${2#.}
			shift 2
			"$CG_BUILD/tests/helper-jq-field" "$jq_field_" "$@"
			return
			;;
		esac
	fi
	command jq "$@"
}

journal_append() {
	"$CG_BUILD/tests/helper-journal-append" "$@"
}
