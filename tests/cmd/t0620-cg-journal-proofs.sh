#!/bin/sh
test_description='cg-journal prove and check-proof: first, middle and last records of trees of 1, 2, 3, 7, 8 and 9 lines; changed proofs fail'
. "${0%/*}/../lib/test-lib.sh"

# records N: N small records for the quarantine journal.
records() {
	awk -v n="$1" 'BEGIN { for (i = 1; i <= n; i++) printf "{\"event\":\"note\",\"n\":%d}\n", i }'
}

for size in 1 2 3 7 8 9; do
	test_expect_success JQ "a journal of $size lines: the first, middle and last records are proved" '
		rm -rf "$CG_HOME" && mkdir -m 700 "$CG_HOME" &&
		records '"$size"' | journal_append quarantine >/dev/null &&
		cg-journal key export >log.vkey &&
		for seq in 1 $(( ('"$size"' + 1) / 2 )) '"$size"'; do
			cg-journal prove DEMO-0001/quarantine/$seq >p$seq.tlog-proof &&
			cg-journal check-proof --key log.vkey p$seq.tlog-proof >ok$seq &&
			test "$(field index ok$seq)" = $((seq - 1)) &&
			test "$(field size ok$seq)" = '"$size"' &&
			test "$(jq -r .record.n ok$seq)" = $seq &&
			sed -n "${seq}p" "$CG_HOME/journal/quarantine.jsonl" >want &&
			jq -c .record ok$seq >got && test_cmp want got || return 1
		done &&
		test_line_count = 1 "$CG_HOME/checkpoints/quarantine.jsonl"
	'
done

test_expect_success JQ 'the proof of the 9-line tree has the form of c2sp.org/tlog-proof' '
	head -n 1 p5.tlog-proof >first && echo "c2sp.org/tlog-proof@v1" >want && test_cmp want first &&
	sed -n 2p p5.tlog-proof | grep -q "^extra [A-Za-z0-9+/]*=*\$" &&
	sed -n 3p p5.tlog-proof >third && echo "index 4" >want && test_cmp want third &&
	sed -n "4,/^\$/p" p5.tlog-proof | grep -c "^[A-Za-z0-9+/]\{43\}=\$" >n &&
	test "$(cat n)" = 4 &&
	grep -q "^DEMO-0001/quarantine\$" p5.tlog-proof &&
	grep -q "^— DEMO-0001 " p5.tlog-proof
'

# flip FILE LINE: one character of line LINE changed.
flip() {
	awk -v l="$2" 'NR == l { c = substr($0, 10, 1); $0 = substr($0, 1, 9) (c == "A" ? "B" : "A") substr($0, 11) } { print }' "$1"
}

test_expect_success JQ 'a proof with one character changed anywhere does not verify (exit 1)' '
	lines=$(wc -l <p5.tlog-proof) &&
	for l in $(seq 2 $lines); do
		case $(sed -n "${l}p" p5.tlog-proof) in "") continue ;; esac
		flip p5.tlog-proof $l >bad.tlog-proof &&
		if cmp -s bad.tlog-proof p5.tlog-proof; then continue; fi
		test_expect_code 1 cg-journal check-proof --key log.vkey bad.tlog-proof >out 2>err &&
		test_must_fail test -s out &&
		grep -q "^cg-journal: bad.tlog-proof: the proof does not verify: " err || {
			echo "line $l changed still verifies" >&2; return 1
		}
	done
'

test_expect_success JQ 'after a good proof, its checkpoint is verified once; changed copies still fail' '
	lines=$(wc -l <p5.tlog-proof) && set -- && n=0 &&
	for l in $(seq 2 $lines); do
		case $(sed -n "${l}p" p5.tlog-proof) in "") continue ;; esac
		flip p5.tlog-proof $l >bad$l.tlog-proof &&
		if cmp -s bad$l.tlog-proof p5.tlog-proof; then continue; fi
		set -- "$@" p5.tlog-proof bad$l.tlog-proof && n=$((n + 1))
	done &&
	test $n -gt 5 &&
	test_expect_code 1 cg-journal check-proof --key log.vkey "$@" >out 2>err &&
	test "$(field proof out | sort -u)" = p5.tlog-proof &&
	test_line_count = $n out &&
	test_line_count = $n err
'

test_expect_success JQ 'a proof of another record, or with another index, does not verify' '
	{ sed -n 1p p5.tlog-proof && sed -n 2p p1.tlog-proof && sed -n "3,\$p" p5.tlog-proof; } >swapped &&
	test_expect_code 1 cg-journal check-proof --key log.vkey swapped 2>err &&
	grep -q "does not verify: the inclusion proof does not lead to the signed root" err &&
	sed -e "s/^index 4\$/index 5/" p5.tlog-proof >moved &&
	test_expect_code 1 cg-journal check-proof --key log.vkey moved 2>err
'

test_expect_success JQ 'check-proof takes many proofs, prints the good ones and fails for the bad' '
	test_expect_code 1 cg-journal check-proof --key log.vkey p1.tlog-proof moved p9.tlog-proof >out 2>err &&
	test "$(field index out | tr "\n" " ")" = "0 8 " &&
	test_line_count = 1 err
'

test_expect_success 'check-proof works without a data directory' '
	CG_HOME=/nonexistent cg-journal check-proof --key log.vkey p9.tlog-proof >out &&
	test -s out
'

test_expect_success 'another key, a damaged key file or a missing proof: clear errors' '
	rm -rf other && mkdir -m 700 other &&
	cg-journal --home other key export >other.vkey &&
	test_expect_code 1 cg-journal check-proof --key other.vkey p9.tlog-proof 2>err &&
	grep -q "does not verify: not signed by a known key" err &&
	echo "nonsense" >bad.vkey &&
	test_expect_code 3 cg-journal check-proof --key bad.vkey p9.tlog-proof 2>err &&
	grep -q "^cg-journal: bad.vkey:1: not a verifier key" err &&
	test_expect_code 3 cg-journal check-proof --key log.vkey missing.tlog-proof 2>err &&
	grep -q "missing.tlog-proof" err &&
	: >empty.tlog-proof &&
	test_expect_code 1 cg-journal check-proof --key log.vkey empty.tlog-proof 2>err &&
	grep -q "not a tlog proof" err
'

test_expect_success 'prove refuses ids of other compounds and records that are not there' '
	test_expect_code 2 cg-journal prove OTHER-0001/quarantine/1 2>err &&
	grep -q "is not a record id of this compound" err &&
	test_expect_code 2 cg-journal prove DEMO-0001/quarantine/0 &&
	test_expect_code 2 cg-journal prove DEMO-0001/visitors/1 &&
	test_expect_code 1 cg-journal prove DEMO-0001/quarantine/10 2>err &&
	grep -q "has no record 10 (9 records)" err &&
	test_expect_code 2 cg-journal check-proof p9.tlog-proof 2>err &&
	grep -q "check-proof needs --key" err
'

test_expect_success JQ 'prove takes the leaves the checkpoints kept; damaged or missing, it reads the journal' '
	L="$CG_HOME/index/tlog/quarantine.leaves" &&
	test "$(wc -c <"$L")" = $((9 * 32)) &&
	cg-journal prove DEMO-0001/quarantine/5 >kept.tlog-proof &&
	test_cmp p5.tlog-proof kept.tlog-proof &&
	printf "\377\377\377\377" | dd of="$L" bs=1 seek=200 conv=notrunc 2>/dev/null &&
	cg-journal prove DEMO-0001/quarantine/5 >damaged.tlog-proof &&
	test_cmp p5.tlog-proof damaged.tlog-proof &&
	printf "\377\377\377\377" | dd of="$L" bs=1 seek=130 conv=notrunc 2>/dev/null &&
	cg-journal prove DEMO-0001/quarantine/5 >own.tlog-proof &&
	test_cmp p5.tlog-proof own.tlog-proof &&
	rm "$L" &&
	cg-journal prove DEMO-0001/quarantine/5 >read.tlog-proof &&
	test_cmp p5.tlog-proof read.tlog-proof &&
	test "$(wc -c <"$L")" = $((9 * 32))
'

test_expect_success JQ 'a record appended after the last checkpoint is proved under a new one' '
	records 1 | journal_append quarantine >/dev/null &&
	cg-journal prove DEMO-0001/quarantine/10 >p10.tlog-proof &&
	cg-journal check-proof --key log.vkey p10.tlog-proof >out &&
	test "$(field size out)" = 10 &&
	test_line_count = 2 "$CG_HOME/checkpoints/quarantine.jsonl"
'

test_done
