#!/bin/sh
test_description='cg-checkin: the table of event ids (index/checkin-events-DAY.tab) missing, stale, damaged, shared'
. "${0%/*}/../lib/test-lib.sh"

J=$CG_HOME/journal/checkin
T=$CG_HOME/index/checkin-events-2026-01-25.tab

ev() {
	printf '{"event_id":"%s","gate":"north","dir":"in","kind":"resident","name":"张三","id_no":"110101199003074514","household":"3-2-501","temp":%s,"mask":true}\n' "$1" "${2:-36.5}"
}

summary() {
	jq -r '[.event_id, (.seq|tostring), (.existing // false | tostring)] | join(" ")' "$1"
}

# again ID SEQ: ID sent again today is found as the line SEQ, and nothing
# is journaled.
again() {
	n=$(wc -l <"$J/2026-01-25.jsonl") &&
	ev "$1" 39.5 | cg-checkin --now "$NOW" >out 2>err &&
	test_must_fail test -s err &&
	test "$(summary out)" = "$1 $2 true" &&
	test "$(wc -l <"$J/2026-01-25.jsonl")" = "$n"
}

test_expect_success 'the table is written, and found again by the next run' '
	for i in 1 2 3 4 5 6 7 8; do ev "e-$i"; done | cg-checkin --now "$NOW" >/dev/null &&
	test -f "$T" &&
	again e-1 1 && again e-8 8
'

test_expect_success 'missing: built again from the journal' '
	rm -f "$T" &&
	again e-3 3 && test -f "$T"
'

test_expect_success 'damaged: a header of garbage, cut short, grown, slots zeroed' '
	head -c 100 /dev/urandom | dd of="$T" conv=notrunc 2>/dev/null &&
	again e-2 2 &&
	truncate -s 1000 "$T" && again e-4 4 &&
	truncate -s +16 "$T" && again e-5 5 &&
	dd if=/dev/zero of="$T" bs=256 seek=1 count=1 conv=notrunc 2>/dev/null && again e-6 6 &&
	size=$(wc -c <"$T") &&
	dd if=/dev/zero of="$T" bs=1 count=$((size - 256)) seek=256 conv=notrunc 2>/dev/null &&
	again e-7 7 && again e-1 1
'

test_expect_success PYTHON 'damaged: every filled slot pointing one byte off' '
	python3 -c "
import sys
with open(sys.argv[1], \"r+b\") as f:
    d = bytearray(f.read())
    for i in range(256, len(d), 8):
        if any(d[i:i + 8]):
            d[i] ^= 1
    f.seek(0)
    f.write(d)
" "$T" &&
	again e-8 8 && again e-3 3
'

# head FILE [BOOT]: the table's seed, and boot id (python3); with BOOT, the
# boot id replaced (and the header's checksum made good again), as a table
# written before a reboot has it.
head_of() {
	python3 - "$@" <<-\EOF
	import struct, sys
	with open(sys.argv[1], "r+b") as f:
	    h = bytearray(f.read(256))
	    if len(sys.argv) > 2:
	        h[168:208] = sys.argv[2].encode().ljust(40, b"\0")
	        s = 0xcbf29ce484222325
	        for b in h[:208]:
	            s = ((s ^ b) * 0x100000001b3) & 0xffffffffffffffff
	        h[208:216] = struct.pack("<Q", s)
	        f.seek(0)
	        f.write(h)
	    print(struct.unpack("<Q", h[16:24])[0], h[168:208].rstrip(b"\0").decode())
	EOF
}

test_expect_success PYTHON 'stale: a table written before the last boot is built again' '
	again e-2 2 &&
	head_of "$T" >before &&
	test "$(cut -d" " -f2 before)" = "$(cat /proc/sys/kernel/random/boot_id)" &&
	head_of "$T" 00000000-0000-0000-0000-000000000000 >/dev/null &&
	again e-2 2 &&
	head_of "$T" >after &&
	test "$(cut -d" " -f2 after)" = "$(cut -d" " -f2 before)" &&
	test "$(cut -d" " -f1 after)" != "$(cut -d" " -f1 before)"
'

test_expect_success 'stale: lines another writer appended, an old copy of the table' '
	cp "$T" old.tab &&
	ev w-1 | cg-checkin --dry-run --now "$NOW" |
	CG_NOW=$NOW journal_append checkin >/dev/null &&
	again w-1 9 &&
	ev e-9 | cg-checkin --now "$NOW" >/dev/null &&
	cp old.tab "$T" &&
	again e-9 10 && again w-1 9 && again e-1 1
'

test_expect_success 'stale: a journal replaced by another is read again, never trusted' '
	cp "$J/2026-01-25.jsonl" saved.jsonl &&
	rm "$J/2026-01-25.jsonl" &&
	ev n-1 | cg-checkin --now "$NOW" >out &&
	test "$(summary out)" = "n-1 1 false" &&
	ev e-1 | cg-checkin --now "$NOW" >out &&
	test "$(summary out)" = "e-1 2 false" &&
	again n-1 1 &&
	cp saved.jsonl "$J/2026-01-25.jsonl" &&
	again e-1 1 && again e-9 10
'

test_expect_success 'ids with escapes, and an event_id in a nested object is not one' '
	cat >in <<-\EOF &&
	{"event_id":"q\"b\\s","gate":"north","dir":"in","kind":"resident","name":"张三","id_no":"110101199003074514","household":"3-2-501","temp":36.5,"mask":true}
	{"device":{"event_id":"nested"},"gate":"north","dir":"in","kind":"resident","name":"张三","id_no":"110101199003074514","household":"3-2-501","temp":36.5,"mask":true}
	EOF
	cg-checkin --now "$NOW" <in >out &&
	test "$(jq -r .event_id in | head -n 1)" = "q\"b\\s" &&
	cg-checkin --now "$NOW" <in >out2 &&
	test "$(jq -r ".existing // false" out2 | tr "\n" " ")" = "true false " &&
	ev nested | cg-checkin --now "$NOW" >out &&
	test "$(jq -r ".existing // false" out)" = false
'

test_expect_success 'a compressed day before: its ids found in the archive' '
	ev e-1 | cg-checkin --now 2026-01-26T07:00:00+08:00 >out &&
	test "$(summary out)" = "e-1 1 true" &&
	cg-checkin --compress --now 2026-01-26T07:00:00+08:00 &&
	test -f "$J/2026-01-25.jsonl.gz" && ! test -f "$J/2026-01-25.jsonl" &&
	ev e-8 | cg-checkin --now 2026-01-26T07:10:00+08:00 >out &&
	test "$(summary out)" = "e-8 8 true" &&
	rm -f "$CG_HOME"/index/checkin-events-* &&
	ev w-1 | cg-checkin --now 2026-01-26T07:20:00+08:00 >out &&
	test "$(summary out)" = "w-1 9 true" &&
	test_line_count = 0 "$J/2026-01-26.jsonl"
'

test_expect_success 'the index cannot be written: a warning, and the ids are still found' '
	rm -rf "$CG_HOME/index" && : >"$CG_HOME/index" &&
	test_when_finished "rm -f \"$CG_HOME/index\"" &&
	ev e-5 | cg-checkin --now 2026-01-26T08:00:00+08:00 >out 2>err &&
	test "$(summary out)" = "e-5 5 true" &&
	grep -q "are kept in memory" err &&
	{ ev t-1; ev t-1; } | cg-checkin --now 2026-01-26T08:00:00+08:00 >out 2>err &&
	test "$(summary out | tr "\n" " ")" = "t-1 1 false t-1 1 true " &&
	test_line_count = 1 "$J/2026-01-26.jsonl"
'

test_expect_success 'four processes, the table missing or damaged at each round: each id journaled once' '
	D=2026-01-28T08:00:00+08:00 T28=$CG_HOME/index/checkin-events-2026-01-28.tab &&
	for round in 0 1 2 3 4 5 6 7; do
		case $round in
		0 | 4) rm -f "$T28" ;;
		2 | 6) test -f "$T28" && head -c 64 /dev/urandom | dd of="$T28" conv=notrunc 2>/dev/null ;;
		esac
		for r in 1 2 3 4; do
			{ for i in 1 2 3 4 5 6 7 8; do ev "r$round-$i"; ev "p$((round / 2))-$r"; done |
			  cg-checkin --now "$D" >o.$round.$r 2>e.$round.$r
			  echo $? >c.$round.$r; } &
		done
		wait
		for r in 1 2 3 4; do
			test "$(cat c.$round.$r)" = 0 && ! test -s e.$round.$r &&
			test_line_count = 16 o.$round.$r || return 1
		done
	done &&
	jq -r .event_id "$J/2026-01-28.jsonl" | sort | uniq -d >dup &&
	test_must_fail test -s dup &&
	jq -r .event_id "$J/2026-01-28.jsonl" | wc -l >n && test "$(cat n)" = 80 &&
	cat o.* | jq -r "select(.existing != true) | .event_id" | sort | uniq -d >dup &&
	test_must_fail test -s dup &&
	cat o.* | jq -r "[.event_id, .seq] | @tsv" | sort -u | wc -l >n && test "$(cat n)" = 80 &&
	cg-checkin --verify 2026-01-28 >/dev/null
'

test_done
