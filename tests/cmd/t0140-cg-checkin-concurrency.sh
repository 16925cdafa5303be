#!/bin/sh
test_description='cg-checkin: several writers on one journal at once'
. "${0%/*}/../lib/test-lib.sh"

WRITERS=4
LINES=3000
J=$CG_HOME/journal/checkin/2026-01-25.jsonl

test_expect_success 'inputs, one per writer, each line marked' '
	w=0 && while [ $w -lt $WRITERS ]; do
		awk -v w=$w -v n=$LINES "BEGIN { for (i = 0; i < n; i++)
			printf(\"{\\\"gate\\\":\\\"north\\\",\\\"dir\\\":\\\"in\\\",\\\"kind\\\":\\\"staff\\\",\\\"temp\\\":36.5,\\\"mask\\\":true,\\\"x_w\\\":%d,\\\"x_n\\\":%d}\\n\", w, i) }" >in.$w &&
		w=$((w + 1)) || exit 1
	done
'

test_expect_success 'writers in parallel: no interleaved or lost lines, seq gap-free' '
	w=0 && while [ $w -lt $WRITERS ]; do
		# A pipe that trickles makes each writer commit many small
		# batches, so that their appends interleave.
		(while read -r l; do printf "%s\n" "$l"; done <in.$w) |
		cg-checkin --now "$NOW" >out.$w 2>err.$w &
		w=$((w + 1))
	done &&
	wait &&
	test "$(wc -l <"$J")" = $((WRITERS * LINES)) &&
	cg-checkin --verify 2026-01-25 >v &&
	test "$(jq -r .records v)" = $((WRITERS * LINES)) &&
	jq -r "[.x_w, .x_n] | @tsv" "$J" | sort -u | wc -l >n &&
	test "$(cat n)" = $((WRITERS * LINES)) &&
	jq -r .seq "$J" >seqs && seq 1 $((WRITERS * LINES)) >expect && test_cmp expect seqs
'

test_expect_success 'each writer printed exactly its own lines, in its input order' '
	w=0 && while [ $w -lt $WRITERS ]; do
		test "$(jq -r .x_w out.$w | sort -u)" = $w &&
		jq -r .x_n out.$w >got && seq 0 $((LINES - 1)) >want && test_cmp want got &&
		awk "NR == FNR { seen[\$0] = 1; next } !(\$0 in seen) { exit 1 }" "$J" out.$w &&
		w=$((w + 1)) || exit 1
	done
'

# wait_lines FILE N: until FILE has N lines (at most 60 s).
wait_lines() {
	wl_n=0
	while [ "$(cat "$1" 2>/dev/null | wc -l)" -lt "$2" ]; do
		wl_n=$((wl_n + 1))
		test $wl_n -lt 6000 || { echo "$1: not $2 lines after 60 s" >&2; return 1; }
		sleep 0.01
	done
}

test_expect_success 'writers fed in turns: their batches interleave, seq gap-free, nothing lost' '
	J2=$CG_HOME/journal/checkin/2026-01-26.jsonl &&
	w=0 && while [ $w -lt $WRITERS ]; do
		rm -f fifo.$w && mkfifo fifo.$w || exit 1
		cg-checkin --now 2026-01-26T08:00:00+08:00 <fifo.$w >turns.$w &
		eval "exec $((w + 4))>fifo.$w"
		w=$((w + 1))
	done &&
	# Each writer is given a chunk only when the one before is journaled,
	# so the journal holds exactly ROUNDS x WRITERS runs, in turn.
	ROUNDS=5 CHUNK=7 total=0 &&
	r=0 && while [ $r -lt $ROUNDS ]; do
		w=0 && while [ $w -lt $WRITERS ]; do
			sed -n "$((r * CHUNK + 1)),$(((r + 1) * CHUNK))p" in.$w >&$((w + 4)) &&
			total=$((total + CHUNK)) &&
			wait_lines "$J2" $total &&
			w=$((w + 1)) || exit 1
		done
		r=$((r + 1))
	done &&
	w=0 && while [ $w -lt $WRITERS ]; do eval "exec $((w + 4))>&-"; w=$((w + 1)); done &&
	wait &&
	jq -r .x_w "$J2" | uniq >runs &&
	test_line_count = $((ROUNDS * WRITERS)) runs &&
	jq -r .seq "$J2" >seqs && seq 1 $total >expect && test_cmp expect seqs &&
	cg-checkin --verify 2026-01-26 >v && test "$(jq -r .records v)" = $total &&
	cat turns.* | sort >printed && sort "$J2" >journaled && test_cmp journaled printed
'

# Big inputs read at once: each writer commits batches of 1 MiB whose
# fdatasync runs while it decides the next batch (the loop's commit
# behind); still, printed only once durable, in input order, nothing lost.
BIG=9000
test_expect_success 'writers of several batches each, read at once: printed in order, nothing lost' '
	J3=$CG_HOME/journal/checkin/2026-01-27.jsonl &&
	w=0 && while [ $w -lt 2 ]; do
		awk -v w=$w -v n=$BIG "BEGIN { for (i = 0; i < n; i++)
			printf(\"{\\\"gate\\\":\\\"north\\\",\\\"dir\\\":\\\"in\\\",\\\"kind\\\":\\\"visitor\\\",\\\"name\\\":\\\"Visitor %d\\\",\\\"phone\\\":\\\"13800138000\\\",\\\"host\\\":\\\"3-2-501\\\",\\\"temp\\\":36.5,\\\"mask\\\":true,\\\"x_w\\\":%d,\\\"x_n\\\":%d,\\\"x_pad\\\":\\\"%0100d\\\"}\\n\", i, w, i, i) }" >big.$w &&
		cg-checkin --now 2026-01-27T09:00:00+08:00 <big.$w >bigout.$w 2>bigerr.$w &
		w=$((w + 1))
	done &&
	wait &&
	test "$(wc -c <"$J3")" -gt $((4 * 1024 * 1024)) &&
	test "$(wc -l <"$J3")" = $((2 * BIG)) &&
	cg-checkin --verify 2026-01-27 >v && test "$(jq -r .records v)" = $((2 * BIG)) &&
	w=0 && while [ $w -lt 2 ]; do
		! test -s bigerr.$w &&
		jq -r .x_n bigout.$w >got && seq 0 $((BIG - 1)) >want && test_cmp want got &&
		grep -F "\"x_w\":$w," "$J3" >mine.$w && test_cmp mine.$w bigout.$w &&
		w=$((w + 1)) || exit 1
	done
'

test_done
