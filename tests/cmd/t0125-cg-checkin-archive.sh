#!/bin/sh
test_description='cg-checkin: compressed days are whole or damaged, compressing never delays a decision'
. "${0%/*}/../lib/test-lib.sh"

GOOD='{"gate":"north","dir":"in","kind":"staff","temp":36.5,"mask":true}'
J=$CG_HOME/journal/checkin
DAY=2026-12-01
AFTER=2026-12-02T00:00:01+08:00

# events N: N gate events.
events() {
	awk -v n="$1" -v ev="$GOOD" "BEGIN { for (i = 0; i < n; i++) print ev }"
}

# fresh_day N: the day DAY with N decisions, plain, nothing else.
fresh_day() {
	rm -rf "$CG_HOME" &&
	events "$1" | cg-checkin --now "${DAY}T10:00:00+08:00" >/dev/null &&
	cg-checkin --verify $DAY >head.want
}

# Verifies DAY: exit 0, and the same records and chain as head.want.
same_head() {
	cg-checkin --verify $DAY >head.got 2>head.err &&
	test "$(jq -c "[.records, .chain]" head.got)" = "$(jq -c "[.records, .chain]" head.want)"
}

# renamed PID: wait until process PID, a detached compression stopped by
# strace on its rename, has renamed the compressed copy into place (a
# state, not a time: every traced call stops it briefly too, so its
# state says nothing).
renamed() {
	while ! test -f $J/$DAY.jsonl.gz; do
		kill -0 $1 || return 1
	done
}

# lock_holder FILE: the process that has FILE open, if one has.
lock_holder() {
	find /proc/[0-9]*/fd -maxdepth 1 -lname "$1" 2>/dev/null | cut -d/ -f3 | sort -u
}

test_expect_success 'setup: a day of 500 decisions, compressed at the first commit after midnight' '
	fresh_day 500 &&
	echo "$GOOD" | cg-checkin --now $AFTER >/dev/null &&
	test -f $J/$DAY.jsonl.gz && test_must_fail test -e $J/$DAY.jsonl &&
	same_head &&
	cp $J/$DAY.jsonl.gz good.gz
'

test_expect_success 'a truncated archive is damage (exit 6), never a torn tail (issue 13)' '
	truncate -s -3000 $J/$DAY.jsonl.gz &&
	test_expect_code 6 cg-checkin --verify $DAY >out 2>err &&
	test ! -s out &&
	grep -q "^cg-checkin: journal/checkin/$DAY.jsonl.gz:[0-9]*: journal damaged: the compressed data ends early" err &&
	test_expect_code 6 cg-report --date $DAY >rep 2>err &&
	test "$(jq -c ".journals[0] | [.verified, .torn, (.records < 500)]" rep)" = "[false,0,true]" &&
	test "$(jq -r ".warnings[] | select(.code == \"journal_damaged\") | .journal" rep)" = "journal/checkin/$DAY.jsonl.gz" &&
	grep -q "journal damaged: the compressed data ends early" err &&
	printf "{\"targets\":{\"city\":{\"url\":\"http://127.0.0.1:9/in\"}}}\n" >"$CG_HOME/config.json" &&
	test_expect_code 6 cg-sync status city >/dev/null 2>err &&
	grep -q "$DAY.jsonl.gz:[0-9]*: journal damaged" err &&
	test_expect_code 6 cg-sync push --from-start city >/dev/null 2>err &&
	grep -q "$DAY.jsonl.gz:[0-9]*: journal damaged" err &&
	rm "$CG_HOME/config.json"
'

test_expect_success 'cut at the end of a line, a bad CRC, bytes after the data: damage' '
	for cut in 4 8 ; do
		size=$(wc -c <good.gz) &&
		head -c $((size - cut)) good.gz >$J/$DAY.jsonl.gz &&
		test_expect_code 6 cg-checkin --verify $DAY 2>err || return 1
	done &&
	size=$(wc -c <good.gz) &&
	{ head -c $((size - 8)) good.gz; printf "\000\000\000\000"; tail -c 4 good.gz; } >$J/$DAY.jsonl.gz &&
	test_expect_code 6 cg-checkin --verify $DAY 2>err &&
	grep -q ":501: journal damaged: incorrect data check" err &&
	{ cat good.gz; printf "x"; } >$J/$DAY.jsonl.gz &&
	test_expect_code 6 cg-checkin --verify $DAY 2>err &&
	grep -q "journal damaged" err &&
	{ cat good.gz; printf "\000\000\000\000"; } >$J/$DAY.jsonl.gz &&
	test_expect_code 6 cg-checkin --verify $DAY 2>err
'

test_expect_success 'an archive whose last line has no newline, or that is not gzip, is damaged' '
	gzip -dc good.gz | head -c -1 | gzip >$J/$DAY.jsonl.gz &&
	test_expect_code 6 cg-checkin --verify $DAY 2>err &&
	grep -q ":500: journal damaged: the last line has no newline" err &&
	gzip -dc good.gz >$J/$DAY.jsonl.gz &&
	test_expect_code 6 cg-checkin --verify $DAY 2>err &&
	grep -q ":1: journal damaged: not gzip data" err &&
	cp good.gz $J/$DAY.jsonl.gz && same_head
'

test_expect_success 'a back-fill into a damaged archive is refused and leaves it as it is' '
	truncate -s -3000 $J/$DAY.jsonl.gz && cp $J/$DAY.jsonl.gz cut.gz &&
	echo "$GOOD" | test_expect_code 6 cg-checkin --now ${DAY}T23:00:00+08:00 >out 2>err &&
	test ! -s out &&
	cmp cut.gz $J/$DAY.jsonl.gz && test_must_fail test -e $J/$DAY.jsonl &&
	cp good.gz $J/$DAY.jsonl.gz
'

test_expect_success 'both plain and compressed, the same records: the plain file counts, with a warning' '
	gzip -dc good.gz >$J/$DAY.jsonl &&
	same_head &&
	test "$(jq -r .journal head.got)" = "journal/checkin/$DAY.jsonl" &&
	test "$(jq -r .leftover head.got)" = "journal/checkin/$DAY.jsonl.gz" &&
	grep -q "^cg-checkin: warning: journal/checkin/$DAY.jsonl: also found compressed as journal/checkin/$DAY.jsonl.gz" head.err &&
	cg-report --date $DAY >rep 2>err &&
	test "$(jq -c ".journals[0] | [.journal, .verified, .leftover]" rep)" = "[\"journal/checkin/$DAY.jsonl\",true,\"journal/checkin/$DAY.jsonl.gz\"]" &&
	grep -q "warning: journal/checkin/$DAY.jsonl: also found compressed" err &&
	cg-report --date $DAY --format text 2>/dev/null | grep -q "left by an interrupted compression"
'

test_expect_success 'a back-fill goes to the plain file; the copy is still its first records' '
	echo "$GOOD" | cg-checkin --now ${DAY}T23:00:00+08:00 >out 2>err &&
	test "$(jq -r .seq out)" = 501 &&
	cg-checkin --verify $DAY >v 2>err &&
	test "$(jq -c "[.records, .leftover]" v)" = "[501,\"journal/checkin/$DAY.jsonl.gz\"]" &&
	cg-checkin --compress --now $AFTER &&
	test_must_fail test -e $J/$DAY.jsonl &&
	cg-checkin --verify $DAY >v 2>err && test ! -s err &&
	test "$(jq -c "[.journal, .records, .leftover]" v)" = "[\"journal/checkin/$DAY.jsonl.gz\",501,null]"
'

test_expect_success 'both forms with other records: damage, and compression leaves both' '
	fresh_day 20 &&
	cp $J/$DAY.jsonl first &&
	events 20 | sed "s/36.5/36.6/" | cg-checkin --now ${DAY}T10:00:00+08:00 >/dev/null &&
	events 40 | CG_HOME=$TRASH/other cg-checkin --now ${DAY}T10:00:00+08:00 >/dev/null &&
	gzip -c $TRASH/other/journal/checkin/$DAY.jsonl >$J/$DAY.jsonl.gz &&
	cp $J/$DAY.jsonl.gz other.gz &&
	test_expect_code 6 cg-checkin --verify $DAY 2>err &&
	grep -q ":40: journal damaged: not the same record as the last of the compressed copy" err &&
	test_expect_code 6 cg-report --date $DAY >rep 2>/dev/null &&
	test "$(jq ".journals[0].verified" rep)" = false &&
	test_expect_code 6 cg-checkin --compress --now $AFTER 2>err &&
	cmp other.gz $J/$DAY.jsonl.gz && test -f $J/$DAY.jsonl &&
	gzip -c first >$J/$DAY.jsonl.gz &&
	head -n 10 first >$J/$DAY.jsonl &&
	test_expect_code 6 cg-checkin --verify $DAY 2>err &&
	grep -q "the compressed copy journal/checkin/$DAY.jsonl.gz has 20 records, this file only 10" err &&
	truncate -s -100 $J/$DAY.jsonl.gz && cp first $J/$DAY.jsonl &&
	test_expect_code 6 cg-checkin --verify $DAY 2>err &&
	grep -q "$DAY.jsonl.gz:[0-9]*: journal damaged" err
'

# Killed with SIGKILL by strace at the Nth call of SYSCALL (delivered as
# the call returns): after each step of a compression run by --compress.
for point in write:1 fsync:1 renameat,renameat2:1 fsync:2 unlinkat:1 fsync:3; do
	test_expect_success "compression killed at its ${point%:*} #${point##*:}: the day still verifies" "
		fresh_day 300 &&
		test_expect_code 137 env ASAN_OPTIONS=detect_leaks=0 strace -f -o /dev/null -e inject=${point%:*}:signal=KILL:when=${point##*:} \
			cg-checkin --compress --now $AFTER &&
		same_head &&
		test -f $J/$DAY.jsonl -o -f $J/$DAY.jsonl.gz &&
		cg-checkin --compress --now $AFTER &&
		test_must_fail test -e $J/$DAY.jsonl && same_head && test ! -s head.err &&
		test -z \"\$(find $J -name \"*.tmp\")\"
	"
done

test_expect_success 'a compression killed between its rename and the unlink leaves both, which read as one' '
	fresh_day 300 &&
	test_expect_code 137 env ASAN_OPTIONS=detect_leaks=0 strace -f -o /dev/null -e inject=unlinkat:signal=KILL:when=1 \
		cg-checkin --compress --now $AFTER &&
	test -f $J/$DAY.jsonl && test -f $J/$DAY.jsonl.gz &&
	same_head && grep -q "also found compressed" head.err
'

test_expect_success 'the decision after midnight is written and flushed before compressing starts' '
	fresh_day 300 &&
	echo "$GOOD" | CG_COMPRESS= ASAN_OPTIONS=detect_leaks=0 strace -f -o trace -e trace=write,openat,clone,clone3,fork,vfork \
		cg-checkin --now $AFTER >out &&
	test "$(jq -r .seq out)" = 1 &&
	flock $J/.compress.lock true &&
	test -f $J/$DAY.jsonl.gz && same_head &&
	dec=$(grep -n -m1 " write(1, " trace | cut -d: -f1) &&
	fork=$(grep -n -m1 " clone(\| clone3(\| fork(\| vfork(" trace | cut -d: -f1) &&
	tmp=$(grep -n -m1 "$DAY.jsonl.gz.tmp" trace | cut -d: -f1) &&
	test -n "$dec" && test -n "$fork" && test -n "$tmp" &&
	test "$dec" -lt "$fork" && test "$fork" -lt "$tmp"
'

test_expect_success 'CG_COMPRESS=wait compresses in the process, after the decision is flushed' '
	fresh_day 300 &&
	echo "$GOOD" | ASAN_OPTIONS=detect_leaks=0 strace -f -o trace -e trace=write,openat,clone,clone3,fork,vfork \
		cg-checkin --now $AFTER >out &&
	test -f $J/$DAY.jsonl.gz && test_must_fail test -e $J/$DAY.jsonl &&
	test_must_fail grep -q " clone(\| clone3(\| fork(\| vfork(" trace &&
	dec=$(grep -n -m1 " write(1, " trace | cut -d: -f1) &&
	tmp=$(grep -n -m1 "$DAY.jsonl.gz.tmp" trace | cut -d: -f1) &&
	test -n "$dec" && test -n "$tmp" && test "$dec" -lt "$tmp"
'

# held_compression: one event after midnight, its output into the FIFO
# fifo, under strace, which stops the detached compression (SIGSTOP) on
# its rename (signals are delivered as the call returns: the day is then
# both compressed and plain).  $strace is strace's pid.
held_compression() {
	rm -f fifo && mkfifo fifo &&
	{ echo "$GOOD" | CG_COMPRESS= ASAN_OPTIONS=detect_leaks=0 strace -f -o /dev/null \
		-e inject=renameat,renameat2:signal=STOP:when=1 \
		sh -c "exec cg-checkin --now $AFTER >fifo" >/dev/null 2>&1 3>&- & } &&
	strace=$! &&
	test_when_finished "kill -KILL \$(lock_holder $J/.compress.lock) $strace 2>/dev/null; :"
}

test_expect_success 'the decision and the end of output reach a FIFO while the compression is held' '
	fresh_day 300 &&
	held_compression &&
	cat fifo >dec &&
	test "$(jq -r .seq dec)" = 1 &&
	pid=$(lock_holder $J/.compress.lock) && test -n "$pid" &&
	renamed $pid &&
	test -f $J/$DAY.jsonl && test -f $J/$DAY.jsonl.gz && same_head &&
	kill -CONT $pid &&
	flock $J/.compress.lock true &&
	test_must_fail test -e $J/$DAY.jsonl && same_head && test ! -s head.err
'

test_expect_success 'a detached compression killed after its rename leaves both, which read as one' '
	fresh_day 300 &&
	held_compression &&
	cat fifo >dec && test "$(jq -r .seq dec)" = 1 &&
	pid=$(lock_holder $J/.compress.lock) && test -n "$pid" &&
	renamed $pid && kill -KILL $pid &&
	flock $J/.compress.lock true &&
	test -f $J/$DAY.jsonl && same_head &&
	grep -q "also found compressed" head.err &&
	cg-checkin --compress --now $AFTER && test_must_fail test -e $J/$DAY.jsonl &&
	same_head && test ! -s head.err
'

test_expect_success 'CG_COMPRESS=off leaves finished days to --compress; a bad value is a usage error' '
	fresh_day 30 &&
	echo "$GOOD" | CG_COMPRESS=off cg-checkin --now $AFTER >/dev/null &&
	test -f $J/$DAY.jsonl && test_must_fail test -e $J/$DAY.jsonl.gz &&
	echo "$GOOD" | test_expect_code 2 env CG_COMPRESS=later cg-checkin --now $AFTER 2>err &&
	grep -q "invalid CG_COMPRESS .later." err &&
	test_expect_code 2 cg-checkin --compress --verify 2>err &&
	test_expect_code 2 cg-checkin --compress some.jsonl 2>err &&
	cg-checkin --compress --now $AFTER &&
	test_must_fail test -e $J/$DAY.jsonl && same_head
'

test_expect_success PYTHON 'a day over a megabyte: gzip members of a megabyte each, the same bytes' '
	fresh_day 10000 &&
	cp $J/$DAY.jsonl big.plain &&
	echo "$GOOD" | CG_COMPRESS=wait cg-checkin --now $AFTER >/dev/null &&
	test -f $J/$DAY.jsonl.gz && same_head &&
	python3 -c "
import sys, zlib
data, sizes, plain = open(sys.argv[1], \"rb\").read(), [], b\"\"
while data:
    d = zlib.decompressobj(31)
    out = d.decompress(data)
    sizes.append(len(out))
    plain += out
    data = d.unused_data
assert plain == open(sys.argv[2], \"rb\").read(), \"not the same bytes\"
print(len(sizes), max(sizes), sizes[-1], len(plain))
" $J/$DAY.jsonl.gz big.plain >members &&
	read n max last size <members &&
	test $size -gt 2097152 && test $max -eq 1048576 &&
	test $n -eq $(( (size + 1048575) / 1048576 )) &&
	test $last -eq $(( size - (n - 1) * 1048576 ))
'

test_expect_success 'an empty finished day is compressed to gzip data, and verifies' '
	rm -rf "$CG_HOME" && : | cg-checkin --now "${DAY}T10:00:00+08:00" &&
	: >$J/$DAY.jsonl &&
	echo "$GOOD" | CG_COMPRESS=wait cg-checkin --now $AFTER >/dev/null 2>err &&
	test ! -s err &&
	test -f $J/$DAY.jsonl.gz && test_must_fail test -e $J/$DAY.jsonl &&
	gzip -t $J/$DAY.jsonl.gz &&
	cg-checkin --verify $DAY >v &&
	test "$(jq -c "[.records, .ok]" v)" = "[0,true]"
'

test_done
