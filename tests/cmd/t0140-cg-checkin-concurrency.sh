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

test_expect_success 'the writers really interleaved (more than one batch each)' '
	jq -r .x_w "$J" | uniq | wc -l >runs &&
	test "$(cat runs)" -gt $WRITERS
'

test_done
