#!/bin/sh
test_description='cg-journal checkpoint: the log key, signed checkpoints kept append-only, the frontier, an independent check, four runs at once, a full disk'
. "${0%/*}/../lib/test-lib.sh"

GOOD='{"gate":"north","dir":"in","kind":"staff","temp":36.5,"mask":true}'
CP=$CG_HOME/checkpoints

# events N: N check-in events.
events() {
	awk -v n="$1" -v g="$GOOD" 'BEGIN { for (i = 0; i < n; i++) print g }'
}

# note FILE LINE: the signed note of a line of checkpoint output.
note() {
	sed -n "${2}p" "$1" | jq -j .checkpoint
}

test_expect_success JQ 'the first checkpoint makes the log key and signs each journal' '
	events 5 | cg-checkin --now "$NOW" >/dev/null &&
	events 3 | journal_append quarantine >/dev/null &&
	cg-journal checkpoint >one.jsonl &&
	test "$(field journal one.jsonl | tr "\n" " ")" = "journal/quarantine.jsonl journal/checkin/2026-01-25.jsonl " &&
	test "$(field size one.jsonl | tr "\n" " ")" = "3 5 " &&
	test "$(field new one.jsonl | tr "\n" " ")" = "true true " &&
	test "$(field origin one.jsonl | tr "\n" " ")" = "DEMO-0001/quarantine DEMO-0001/checkin/2026-01-25 " &&
	test "$(stat -c %a "$CG_HOME/keys/log.json")" = 600 &&
	test_line_count = 1 "$CP/quarantine.jsonl" &&
	test_line_count = 1 "$CP/checkin-2026-01-25.jsonl"
'

test_expect_success JQ 'the note is a C2SP checkpoint: origin, size, base64 root, a blank line, the signature' '
	note one.jsonl 2 >n2 &&
	sed -n 1,3p n2 >text &&
	printf "DEMO-0001/checkin/2026-01-25\n5\n%s\n" "$(sed -n 2p one.jsonl | jq -r .root)" >want &&
	test_cmp want text &&
	test "$(sed -n 4p n2)" = "" &&
	sed -n 5p n2 | grep -q "^— DEMO-0001 [A-Za-z0-9+/]\{91\}=\$" &&
	test_line_count = 5 n2
'

test_expect_success JQ 'an unchanged journal is not signed again' '
	cg-journal checkpoint >two.jsonl &&
	test "$(field new two.jsonl | tr "\n" " ")" = "false false " &&
	test "$(field checkpoint two.jsonl)" = "$(field checkpoint one.jsonl)" &&
	test_line_count = 1 "$CP/checkin-2026-01-25.jsonl"
'

test_expect_success JQ 'after appends, a new checkpoint; every one signed is kept' '
	events 4 | cg-checkin --now "$NOW" >/dev/null &&
	cg-journal checkpoint 2026-01-25 >three.jsonl &&
	test "$(field size three.jsonl)" = 9 &&
	test_line_count = 2 "$CP/checkin-2026-01-25.jsonl" &&
	cg-journal verify --against "$CP/checkin-2026-01-25.jsonl" >out &&
	test "$(field checkpoint_size out | tr "\n" " ")" = "5 9 "
'

test_expect_success JQ 'key export prints the verifier key of the signatures' '
	cg-journal key export >log.vkey &&
	grep -q "^DEMO-0001+[0-9a-f]\{8\}+A[A-Za-z0-9+/]\{43\}\$" log.vkey &&
	id=$(cut -d+ -f2 log.vkey) &&
	sig=$(note three.jsonl 1 | tail -n 1 | cut -d" " -f3) &&
	test "$(printf "%s" "$sig" | base64 -d | head -c 4 | od -An -tx1 | tr -d " \n")" = "$id"
'

test_expect_success PYNACL,JQ 'an implementation written from the C2SP texts verifies checkpoint, proof and consistency' '
	py=$(nacl_python) && check="$SRC_DIR/tests/lib/tlog-check.py" &&
	note one.jsonl 2 >old.note && note three.jsonl 1 >new.note &&
	$py "$check" note log.vkey old.note "$CG_HOME/journal/checkin/2026-01-25.jsonl" >out &&
	echo "ok DEMO-0001/checkin/2026-01-25 5" >want && test_cmp want out &&
	$py "$check" note log.vkey new.note "$CG_HOME/journal/checkin/2026-01-25.jsonl" &&
	for seq in 1 5 9; do
		cg-journal prove DEMO-0001/checkin/2026-01-25/$seq >p.tlog-proof &&
		$py "$check" proof log.vkey p.tlog-proof || return 1
	done &&
	cg-journal consistency --from old.note >body &&
	$py "$check" consistency log.vkey old.note body >out &&
	echo "ok 5 9" >want && test_cmp want out &&
	sed -e "2s/^./A/" body >bad && if cmp -s bad body; then sed -e "2s/^./B/" body >bad; fi &&
	test_must_fail $py "$check" consistency log.vkey old.note bad >/dev/null
'

test_expect_success PYNACL 'the independent check fails a changed journal (it can fail)' '
	py=$(nacl_python) &&
	sed -e "1s/36.5/36.6/" "$CG_HOME/journal/checkin/2026-01-25.jsonl" >copy &&
	test_must_fail $py "$SRC_DIR/tests/lib/tlog-check.py" note log.vkey old.note copy >out &&
	grep -q "do not give the root" out
'

test_expect_success JQ 'consistency --from: the add-checkpoint body of c2sp.org/tlog-witness' '
	cg-journal consistency --from one.jsonl >body &&
	head -n 1 body >first && echo "old 5" >want && test_cmp want first &&
	sed -n "2,/^\$/p" body | grep -c "^[A-Za-z0-9+/]\{43\}=\$" >n && test "$(cat n)" -ge 1 &&
	sed -e "1,/^\$/d" body >cp && note three.jsonl 1 >want && test_cmp want cp &&
	sed -n "2,/^\$/p" body | sed "/^\$/d" >hashes &&
	jq -r ".consistency.proof[]" three.jsonl >kept && test_cmp hashes kept &&
	test "$(jq -r .consistency.old three.jsonl)" = 5 &&
	test "$(jq -r .consistency one.jsonl | sort -u)" = null
'

test_expect_success JQ 'consistency --from a bigger tree than the journal is refused (exit 6)' '
	rm -rf ahead && cp -rp "$CG_HOME" ahead &&
	events 2 | cg-checkin --home ahead --now "$NOW" >/dev/null &&
	cg-journal --home ahead checkpoint 2026-01-25 >ahead.jsonl &&
	test_expect_code 6 cg-journal consistency --from ahead.jsonl 2>err &&
	grep -q "shorter than the checkpoint" err
'

test_expect_success JQ 'the frontier is derived: removed, it is rebuilt the same' '
	cp "$CG_HOME/index/tlog/checkin-2026-01-25.json" frontier &&
	jq -r ".size, (.frontier | length)" frontier | tr "\n" " " >sizes &&
	test "$(cat sizes)" = "9 2 " &&
	rm -r "$CG_HOME/index/tlog" &&
	cg-journal checkpoint 2026-01-25 >out &&
	test "$(field new out)" = false &&
	test_cmp frontier "$CG_HOME/index/tlog/checkin-2026-01-25.json" &&
	echo "{not json" >"$CG_HOME/index/tlog/checkin-2026-01-25.json" &&
	events 1 | cg-checkin --now "$NOW" >/dev/null &&
	cg-journal checkpoint 2026-01-25 >out &&
	test "$(field size out)" = 10 &&
	jq -c .consistency out >kept &&
	cg-journal consistency --from three.jsonl >body &&
	sed -n "2,/^\$/p" body | sed "/^\$/d" | jq -R . | jq -s -c "{old: 9, proof: .}" >want &&
	test_cmp want kept
'

test_expect_success JQ 'a finished day, gzipped, still extends its checkpoints' '
	events 2 | cg-checkin --now 2026-01-26T08:00:00+08:00 >/dev/null &&
	test -f "$CG_HOME/journal/checkin/2026-01-25.jsonl.gz" &&
	cg-journal checkpoint >out &&
	test "$(field new out | tr "\n" " ")" = "false false true " &&
	cg-journal verify --against "$CP/checkin-2026-01-25.jsonl" >out &&
	test "$(field extends out | sort -u)" = true
'

test_expect_success JQ 'verify: chains, seqs and trees of every journal' '
	cg-journal verify >out &&
	test "$(field records out | tr "\n" " ")" = "3 10 2 " &&
	test "$(field ok out | sort -u)" = true &&
	test "$(sed -n 2p out | jq -r .root)" = "$(jq -r .root "$CP/checkin-2026-01-25.jsonl" | tail -n 1)"
'

test_expect_success 'unknown journals and subcommands are usage errors' '
	test_expect_code 2 cg-journal verify visitors 2>err &&
	grep -q "unknown journal .visitors." err &&
	test_expect_code 2 cg-journal key rotate &&
	test_expect_code 2 cg-journal consistency &&
	test_expect_code 3 cg-journal checkpoint 2026-02-01 2>err &&
	grep -q "no journal .journal/checkin/2026-02-01.jsonl." err &&
	test_must_fail test -e "$CP/checkin-2026-02-01.jsonl"
'

RUNS=4
test_expect_success JQ 'four checkpoints at once on a new data directory: one key, one checkpoint' '
	rm -rf four && mkdir -m 700 four &&
	events 20 | cg-checkin --home four --now "$NOW" >/dev/null &&
	for i in $(seq $RUNS); do
		cg-journal --home four checkpoint >run$i.out 2>run$i.err &
	done && wait &&
	for i in $(seq $RUNS); do test_must_fail test -s run$i.err || return 1; done &&
	test_line_count = 1 four/checkpoints/checkin-2026-01-25.jsonl &&
	cat run*.out | jq -r .checkpoint | sort -u >notes &&
	test_line_count = 5 notes &&
	ls four/keys | grep -c "^log.json\$" >n && test "$(cat n)" = 1 &&
	cat run*.out | jq -r .new | sort | uniq -c | tr -s " " >counts &&
	printf " 3 false\n 1 true\n" >want && test_cmp want counts
'

test_expect_success JQ 'checkpoints while four writers append: every one kept is a prefix, sizes grow' '
	for i in $(seq $RUNS); do
		events 50 | journal_append quarantine >/dev/null &
		cg-journal checkpoint quarantine >/dev/null 2>cp$i.err &
	done && wait &&
	for i in $(seq $RUNS); do test_must_fail test -s cp$i.err || return 1; done &&
	cg-journal checkpoint quarantine >/dev/null &&
	cg-journal verify --against "$CP/quarantine.jsonl" >out &&
	test "$(field extends out | sort -u)" = true &&
	field size "$CP/quarantine.jsonl" >sizes && sort -n -u sizes >sorted && test_cmp sizes sorted &&
	test "$(tail -n 1 sizes)" = $((3 + 50 * RUNS))
'

test_expect_success JQ 'a checkpoint line torn by a crash is dropped at the next checkpoint' '
	cp "$CP/quarantine.jsonl" before &&
	printf "{\"ts\":\"2026-01-25T08:00:00+08:00\",\"journal\":\"journal/quar" >>"$CP/quarantine.jsonl" &&
	cg-journal checkpoint quarantine >out &&
	test "$(field new out)" = false &&
	events 1 | journal_append quarantine >/dev/null &&
	cg-journal checkpoint quarantine >out &&
	test "$(field new out)" = true &&
	test_line_count = $(( $(wc -l <before) + 1 )) "$CP/quarantine.jsonl" &&
	head -n "$(wc -l <before)" "$CP/quarantine.jsonl" >kept && test_cmp before kept &&
	cg-journal verify --against "$CP/quarantine.jsonl" >/dev/null
'

# The unit of ulimit -f in this shell (512 or 1024 bytes).
fsize_unit() {
	rm -f probe && (ulimit -f 1 && head -c 4096 /dev/zero >probe) 2>/dev/null
	wc -c <probe | tr -d " "
}

# full_disk_checkpoint BLOCKS: a checkpoint of the quarantine journal with
# files limited to BLOCKS; it must fail (exit 3) and leave the store as it
# was.
full_disk_checkpoint() {
	cp "$CP/quarantine.jsonl" before &&
	test_expect_code 3 sh -c "ulimit -f $1 && exec cg-journal checkpoint quarantine" >out 2>err &&
	grep -q "^cg-journal: cannot write .checkpoints/quarantine.jsonl.: File too large" err &&
	test_must_fail test -s out &&
	cmp before "$CP/quarantine.jsonl"
}

test_expect_success JQ 'a full disk before the checkpoint: nothing written (exit 3)' '
	unit=$(fsize_unit) &&
	events 1 | journal_append quarantine >/dev/null &&
	full_disk_checkpoint $(( $(wc -c <"$CP/quarantine.jsonl") / unit ))
'

test_expect_success JQ 'a full disk half-way through the checkpoint: the half written is taken back' '
	unit=$(fsize_unit) && tries=0 &&
	# Sign until the store ends less than 200 bytes before a block
	# boundary: a checkpoint line (some 370 bytes) is then cut there.
	while :; do
		size=$(wc -c <"$CP/quarantine.jsonl") &&
		gap=$(( (size / unit + 1) * unit - size )) &&
		if [ $gap -lt 200 ]; then break; fi &&
		tries=$((tries + 1)) && test $tries -lt 20 &&
		events 1 | journal_append quarantine >/dev/null &&
		cg-journal checkpoint quarantine >/dev/null || return 1
	done &&
	events 1 | journal_append quarantine >/dev/null &&
	full_disk_checkpoint $(( size / unit + 1 )) &&
	cg-journal checkpoint quarantine >out &&
	test "$(field new out)" = true &&
	test_line_count = $(( $(wc -l <before) + 1 )) "$CP/quarantine.jsonl" &&
	cg-journal verify --against "$CP/quarantine.jsonl" >out &&
	test "$(field extends out | sort -u)" = true
'

# A day of more than 8 MiB: its leaves are hashed by a second thread
# while the reader verifies the chain (store/tlog.c).
BIG=$TRASH/big
BIGJ=$BIG/journal/checkin/2026-01-25.jsonl

test_expect_success PYNACL,JQ 'a day of more than 8 MiB: the root an independent implementation computes' '
	mkdir -m 700 "$BIG" &&
	awk "BEGIN { pad = sprintf(\"%400s\", \"\"); gsub(/ /, \"x\", pad);
		for (i = 0; i < 20000; i++)
			printf \"{\\\"gate\\\":\\\"north\\\",\\\"dir\\\":\\\"in\\\",\\\"kind\\\":\\\"staff\\\",\\\"temp\\\":36.5,\\\"mask\\\":true,\\\"note\\\":\\\"%d%s\\\"}\\n\", i, pad }" |
		cg-checkin --home "$BIG" --now "$NOW" >/dev/null &&
	test "$(wc -c <"$BIGJ")" -gt $((8 * 1024 * 1024)) &&
	cg-journal --home "$BIG" checkpoint 2026-01-25 >big1.jsonl &&
	test "$(jq .size big1.jsonl)" = 20000 &&
	cg-journal --home "$BIG" key export >big.vkey &&
	jq -j .checkpoint big1.jsonl >big1.note &&
	"$(nacl_python)" "$SRC_DIR/tests/lib/tlog-check.py" note big.vkey big1.note "$BIGJ" >out &&
	echo "ok DEMO-0001/checkin/2026-01-25 20000" >want && test_cmp want out
'

test_expect_success PYNACL,JQ 'the big day read again from nothing: the same root, and the proof after appends' '
	rm -r "$BIG/index/tlog" &&
	printf "%s\n" "$GOOD" "$GOOD" "$GOOD" | cg-checkin --home "$BIG" --now "$NOW" >/dev/null &&
	cg-journal --home "$BIG" consistency --from big1.note >body &&
	"$(nacl_python)" "$SRC_DIR/tests/lib/tlog-check.py" consistency big.vkey big1.note body >out &&
	echo "ok 20000 20003" >want && test_cmp want out
'

test_expect_success PYTHON 'the big day rewritten early and chained again: refused (exit 6), nothing signed' '
	cp "$BIG/checkpoints/checkin-2026-01-25.jsonl" before &&
	rm -r "$BIG/index/tlog" &&
	sed -e "100s/\"temp\":36.5/\"temp\":36.6/" "$BIGJ" >t && ! cmp -s t "$BIGJ" &&
	cat t >"$BIGJ" && python3 "$SRC_DIR/tests/lib/rechain.py" "$BIGJ" &&
	test_expect_code 6 cg-journal --home "$BIG" checkpoint 2026-01-25 2>err &&
	grep -q "lines were changed" err &&
	test_cmp before "$BIG/checkpoints/checkin-2026-01-25.jsonl"
'

# The tree kept current by the appends (store/tlog.h: cg_tlog_appended).
TREE=$TRASH/tree
TJ=$TREE/journal/checkin/2026-01-25.jsonl
TI=$TREE/index/tlog

lines() {
	wc -l <"$1" | tr -d " "
}

test_expect_success JQ 'each commit after a checkpoint moves the head and the leaves on: check-ins, passes, cases' '
	mkdir -m 700 "$TREE" &&
	printf "%s\n" "$GOOD" "$GOOD" | cg-checkin --home "$TREE" --now "$NOW" >/dev/null &&
	echo "{\"name\":\"张三\",\"id_no\":\"110101199003074514\"}" |
		cg-pass --home "$TREE" issue --now "$NOW" >/dev/null &&
	echo "{\"name\":\"李四\",\"id_no\":\"310104198506151237\",\"household\":\"1-1-101\",\"reason\":\"risk_area_return\",\"from\":\"武汉市\"}" |
		cg-quarantine --home "$TREE" open --now "$NOW" >/dev/null &&
	cg-journal --home "$TREE" checkpoint >/dev/null &&
	for i in 1 2 3; do echo "$GOOD" | cg-checkin --home "$TREE" --now "$NOW" >/dev/null || return 1; done &&
	echo "{\"name\":\"王五\",\"id_no\":\"510107200012298761\"}" |
		cg-pass --home "$TREE" issue --now "$NOW" >/dev/null &&
	echo "{\"name\":\"赵六\",\"id_no\":\"11010519491231002X\",\"household\":\"1-1-102\",\"reason\":\"close_contact\"}" |
		cg-quarantine --home "$TREE" open --now "$NOW" >/dev/null &&
	for k in checkin-2026-01-25:journal/checkin/2026-01-25.jsonl pass:journal/pass.jsonl \
		 quarantine:journal/quarantine.jsonl; do
		n=$(lines "$TREE/${k#*:}") &&
		test "$(jq .size "$TI/${k%%:*}.head.json")" = $n &&
		test "$(jq ".[\"end\"]" "$TI/${k%%:*}.head.json")" = $(wc -c <"$TREE/${k#*:}") &&
		test $(wc -c <"$TI/${k%%:*}.leaves") = $((n * 32)) || return 1
	done &&
	test $(lines "$TJ") = 5
'

test_expect_success PYNACL,JQ 'the checkpoint after appends is made from the head: the root of the journal as appended' '
	cp -rp "$TREE" tree-copy &&
	jq -j "select(.size == 2) | .checkpoint" "$TREE/checkpoints/checkin-2026-01-25.jsonl" >t2.note &&
	cg-journal --home "$TREE" consistency --from t2.note >tbody &&
	cg-journal --home "$TREE" key export >tree.vkey &&
	"$(nacl_python)" "$SRC_DIR/tests/lib/tlog-check.py" consistency tree.vkey t2.note tbody >out &&
	echo "ok 2 5" >want && test_cmp want out &&
	sed -e "1,/^\$/d" tbody >t5.note &&
	"$(nacl_python)" "$SRC_DIR/tests/lib/tlog-check.py" note tree.vkey t5.note "$TJ"
'

test_expect_success JQ 'read from the head, not the lines: a line changed in place since is not signed; verify finds it' '
	rm -rf tree2 && cp -rp tree-copy tree2 &&
	sed -e "4s/\"temp\":36.5/\"temp\":39.5/" tree2/journal/checkin/2026-01-25.jsonl >t &&
	cat t >tree2/journal/checkin/2026-01-25.jsonl &&
	cg-journal --home tree2 checkpoint 2026-01-25 >a.jsonl &&
	cg-journal --home tree-copy checkpoint 2026-01-25 >b.jsonl &&
	test "$(jq .root a.jsonl)" = "$(jq .root b.jsonl)" &&
	test_expect_code 6 cg-journal --home tree2 verify 2026-01-25 >/dev/null 2>err &&
	grep -q "2026-01-25.jsonl:4: " err
'

test_expect_success JQ 'a head out of step is left alone: the checkpoint reads the lines, the same root' '
	rm -rf tree3 && cp -rp tree-copy tree3 &&
	rm tree3/index/tlog/checkin-2026-01-25.leaves &&
	echo "$GOOD" | cg-checkin --home tree3 --now "$NOW" >/dev/null &&
	test_must_fail test -e tree3/index/tlog/checkin-2026-01-25.head.json &&
	cg-journal --home tree3 checkpoint 2026-01-25 >c.jsonl &&
	rm -rf tree4 && cp -rp tree3 tree4 && rm -r tree4/index tree4/checkpoints &&
	cg-journal --home tree4 checkpoint 2026-01-25 >d.jsonl &&
	test "$(jq .root c.jsonl)" = "$(jq .root d.jsonl)" &&
	test "$(jq .size c.jsonl)" = 6 &&
	test "$(jq .size tree3/index/tlog/checkin-2026-01-25.head.json)" = 6 &&
	echo "$GOOD" | cg-checkin --home tree3 --now "$NOW" >/dev/null &&
	test "$(jq .size tree3/index/tlog/checkin-2026-01-25.head.json)" = 7
'

test_done
