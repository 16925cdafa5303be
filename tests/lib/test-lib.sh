# Test harness for cg's shell tests, after git's t/test-lib.sh.
#
#   test_description='...'
#   . "${0%/*}/../lib/test-lib.sh"
#   test_expect_success 'title' '
#           cmd1 &&
#           cmd2
#   '
#   test_done
#
# Each test runs in a subshell inside a fresh trash directory shared by the
# script; CG_HOME points into it.  Output is "ok - N title" or
# "not ok - N title"; tests/run counts those lines.

set -u
LC_ALL=C
LANG=C
unset LANGUAGE
TZ=Asia/Shanghai
export LC_ALL LANG TZ
unset CG_NOW XDG_STATE_HOME

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
	if (eval "$2") >"$TRASH/.out" 2>&1; then
		say_result "ok - $test_count $1"
	else
		test_failures=$((test_failures + 1))
		say_result "not ok - $test_count $1"
		sed -e 's/^/#  /' "$TRASH/.out"
		printf '#  --- test body:\n'
		printf '%s\n' "$2" | sed -e 's/^/#  /'
	fi
}

test_have_prereq() {
	case $1 in
	*,*)
		test_have_prereq "${1%%,*}" && test_have_prereq "${1#*,}"
		return ;;
	ZH_LOCALE) locale -a 2>/dev/null | grep -qi '^zh_CN\.utf-\?8$' ;;
	DE_LOCALE) locale -a 2>/dev/null | grep -qi '^de_DE\.utf-\?8$' ;;
	PYTHON) command -v python3 >/dev/null ;;
	JQ) command -v jq >/dev/null ;;
	MANDOC) command -v mandoc >/dev/null ;;
	CG_PASS) [ -x "$CG_BUILD/bin/cg-pass" ] &&
		! "$CG_BUILD/bin/cg-pass" --help </dev/null 2>&1 | grep -q "not implemented yet" ;;
	CLICKHOUSE) command -v clickhouse-server >/dev/null && command -v curl >/dev/null &&
		command -v python3 >/dev/null && command -v jq >/dev/null ;;
	ZBAR) command -v zbarimg >/dev/null && command -v rsvg-convert >/dev/null ;;
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
	jq -r --arg f "$1" '.[$f] | if type == "array" then join(",") else tostring end' "${2:--}"
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
	jq -r '.decision + " " + (.reasons | join(","))' "$TRASH/.verdict" | sed -e 's/ $//'
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

journal_append() {
	"$CG_BUILD/tests/helper-journal-append" "$@"
}
