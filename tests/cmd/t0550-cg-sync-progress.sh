#!/bin/sh
test_description='cg-sync: a progress bar on a terminal, none elsewhere'
. "${0%/*}/../lib/test-lib.sh"
. "$SRC_DIR/tests/lib/sync-lib.sh"

# on_tty OUT CMD...: run CMD with standard error on a pseudo-terminal,
# saving what the terminal showed in OUT.
on_tty() {
	python3 - "$@" <<'PY'
import os, pty, subprocess, sys
out, cmd = sys.argv[1], sys.argv[2:]
m, s = pty.openpty()
p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=s)
os.close(s)
got = b""
while True:
    try:
        d = os.read(m, 4096)
    except OSError:
        break
    if not d:
        break
    got += d
open(out, "wb").write(got)
sys.exit(p.wait())
PY
}

if test_have_prereq PYTHON; then
	start_upstream up
fi

test_expect_success PYTHON 'setup: 2000 check-ins' '
	awk "BEGIN { for (i = 0; i < 2000; i++)
		print \"{\\\"gate\\\":\\\"north\\\",\\\"dir\\\":\\\"in\\\",\\\"kind\\\":\\\"staff\\\",\\\"temp\\\":36.5,\\\"mask\\\":true}\" }" |
	cg-checkin --now "$NOW" >/dev/null
'

test_expect_success PYTHON 'on a terminal: the bar counts the backlog up to 100%' '
	on_tty screen cg-sync push --target t --url "$URL" --from-start --batch-records 500 &&
	tr "\r" "\n" <screen | grep "records" >bars &&
	test_line_count = 4 bars &&
	grep -q "25% 500/2000 records" bars &&
	grep -q "100% 2000/2000 records" bars
'

test_expect_success PYTHON 'not on a terminal, or with -q: no bar' '
	echo "{\"gate\":\"north\",\"dir\":\"in\",\"kind\":\"staff\",\"temp\":36.5,\"mask\":true}" |
	cg-checkin --now "$NOW" >/dev/null &&
	cg-sync push --target t --url "$URL" 2>err >/dev/null &&
	test_must_fail grep -q "records" err &&
	echo "{\"gate\":\"north\",\"dir\":\"in\",\"kind\":\"staff\",\"temp\":36.5,\"mask\":true}" |
	cg-checkin --now "$NOW" >/dev/null &&
	on_tty screen2 cg-sync push -q --target t --url "$URL" &&
	test_must_fail grep -q "records" screen2
'

stop_upstream up

test_done
