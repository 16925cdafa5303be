#!/bin/sh
test_description='cg-checkin --void and --amend: corrections that name a rid, and the report'
. "${0%/*}/../lib/test-lib.sh"

J=$CG_HOME/journal/checkin
N1=2026-01-25T03:00:00+08:00
N2=2026-01-26T09:00:00+08:00
R=DEMO-0001/checkin/2026-01-25

ev() {
	printf '{"gate":"%s","dir":"in","kind":"staff","temp":%s,"mask":true}\n' "$1" "$2"
}

test_expect_success 'four decisions at night' '
	{ ev north 36.5; ev north 38.5; ev north 36.6; ev south 36.7; } |
	cg-checkin --now $N1 >out &&
	test "$(jq -r .decision out | tr "\n" " ")" = "admit deny admit admit "
'

test_expect_success 'amend a wrong gate by the seq just printed: the same event, corrected' '
	cg-checkin --now $N1 --amend 1 --set gate=south --reason "输错门岗" --by guard1 >a1 &&
	test_line_count = 1 a1 &&
	test "$(jq -r "[.ts, .gate, .decision, .seq, .amends, .correction_of, (.changed|tojson),
		.correction_reason, .corrected_by, .corrected_at] | @tsv" a1)" = \
	"$(printf "%s\t" 2026-01-25T03:00:00+08:00 south admit 5 $R/1 $R/1 "{\"gate\":\"north\"}" 输错门岗 guard1)2026-01-25T03:00:00+08:00" &&
	tail -n 1 "$J/2026-01-25.jsonl" | cmp - a1
'

test_expect_success 'the original line stays and the chain verifies' '
	head -n 4 "$J/2026-01-25.jsonl" >orig && test_cmp out orig &&
	cg-checkin --verify 2026-01-25 >v && test "$(jq -r ".records, .ok" v | tr "\n" " ")" = "5 true "
'

test_expect_success 'amend a temperature typo the next day: decided again (deny becomes admit)' '
	cg-checkin --now $N2 --amend 2026-01-25/2 --set temp=36.8 --reason "typo" --by guard2 >a2 &&
	test "$(jq -r "[.decision, (.reasons|length), .amends, (.changed|tojson)] | @tsv" a2)" = \
	"$(printf "admit\t0\t%s\t%s" $R/2 "{\"temp\":38.5,\"decision\":\"deny\",\"reasons\":[\"fever\"]}")" &&
	test "$(jq -r .seq a2)" = 1 && test -f "$J/2026-01-26.jsonl"
'

test_expect_success 'a correction of a correction: the latest wins, the original is named' '
	cg-checkin --now $N2 --amend $R/5 --set temp=36.9 --reason again --by guard2 >a3 &&
	test "$(jq -r "[.gate, .temp, .amends, .correction_of] | @tsv" a3)" = \
	"$(printf "south\t36.9\t%s\t%s" $R/5 $R/1)" &&
	cg-checkin --now $N2 --amend 2026-01-25/1 --set dir=out --reason "wrong way" --by guard2 >a4 &&
	test "$(jq -r "[.gate, .temp, .dir, .amends] | @tsv" a4)" = \
	"$(printf "south\t36.9\tout\tDEMO-0001/checkin/2026-01-26/2")"
'

test_expect_success 'void a record; voiding an amendment voids the event' '
	cg-checkin --now $N2 --void 2026-01-25/3 --reason "entered twice" --by guard2 >v1 &&
	test "$(jq -r "[.ts, .voids, .correction_of, .correction_reason] | @tsv" v1)" = \
	"$(printf "2026-01-26T09:00:00+08:00\t%s\t%s\tentered twice" $R/3 $R/3)" &&
	test_must_fail jq -e .decision v1 &&
	cg-checkin --now $N2 --void 2026-01-26/1 --reason "the person never came" --by guard2 >v2 &&
	test "$(jq -r "[.voids, .correction_of] | @tsv" v2)" = "$(printf "%s\t%s" DEMO-0001/checkin/2026-01-26/1 $R/2)"
'

test_expect_success 'refused: voiding twice, amending a voided record, correcting a void' '
	test_expect_code 1 cg-checkin --now $N2 --void 2026-01-25/3 --reason x 2>e1 &&
	grep -q "^cg-checkin: record .2026-01-25/3. is already voided$" e1 &&
	test_expect_code 1 cg-checkin --now $N2 --amend 2026-01-25/2 --set temp=36.5 --reason x 2>e2 &&
	grep -q "is already voided" e2 &&
	test_expect_code 1 cg-checkin --now $N2 --void 2026-01-26/4 --reason x 2>e3 &&
	grep -q "is a void: it cannot be corrected" e3
'

test_expect_success 'refused: unknown, malformed, another compound, too old, changing nothing' '
	test_expect_code 1 cg-checkin --now $N2 --void 2026-01-25/99 --reason x 2>e &&
	grep -q "^cg-checkin: no record .2026-01-25/99. in the check-in journal$" e &&
	test_expect_code 1 cg-checkin --now $N2 --void 2026-01-20/1 --reason x 2>e &&
	grep -q "no record" e &&
	test_expect_code 1 cg-checkin --now $N2 --void OTHER-1/checkin/2026-01-25/1 --reason x 2>e &&
	grep -q "invalid record id .OTHER-1/checkin/2026-01-25/1.: a record of another compound" e &&
	test_expect_code 1 cg-checkin --now $N2 --void DEMO-0001/pass/3 --reason x 2>e &&
	grep -q "not a record of this journal" e &&
	for bad in 0 -1 x 2026-13-01/1 2026-01-25/1x DEMO-0001/checkin/2026-01-25 /checkin/2026-01-25/1; do
		test_expect_code 1 cg-checkin --now $N2 --void "$bad" --reason x 2>e &&
		grep -q "^cg-checkin: invalid record id" e || return 1
	done &&
	test_expect_code 1 cg-checkin --now 2026-02-02T09:00:00+08:00 --void 2026-01-25/4 --reason x 2>e &&
	grep -q "is not of the last 7 days" e &&
	test_expect_code 1 cg-checkin --now $N2 --amend 2026-01-25/4 --set gate=south --reason x 2>e &&
	grep -q "changes nothing" e &&
	test_expect_code 1 cg-checkin --now $N2 --amend 2026-01-25/4 --set gate=nowhere --reason x 2>e &&
	grep -q "the amended record of .2026-01-25/4. is not valid: unknown gate" e
'

test_expect_success 'usage errors: no reason, no --set, both, fixed fields, with files' '
	test_expect_code 2 cg-checkin --now $N2 --void 2026-01-25/4 2>e &&
	grep -q "a correction needs --reason TEXT" e &&
	test_expect_code 2 cg-checkin --now $N2 --void 2026-01-25/4 --reason "" 2>e &&
	test_expect_code 2 cg-checkin --now $N2 --amend 2026-01-25/4 --reason x 2>e &&
	grep -q "needs at least one --set" e &&
	test_expect_code 2 cg-checkin --now $N2 --void 1 --amend 1 --set a=1 --reason x 2>e &&
	test_expect_code 2 cg-checkin --now $N2 --void 1 --set gate=x --reason x 2>e &&
	for f in ts compound decision reasons seq chain amends correction_of; do
		test_expect_code 2 cg-checkin --now $N2 --amend 1 --set $f=1 --reason x 2>e &&
		grep -q "invalid --set .$f=1." e || return 1
	done &&
	test_expect_code 2 cg-checkin --now $N2 --amend 1 --set gate --reason x 2>e &&
	test_expect_code 2 cg-checkin --now $N2 --reason x 2>e &&
	grep -q "go with --void or --amend" e &&
	test_expect_code 2 cg-checkin --now $N2 --void 1 --reason x file 2>e &&
	cg-checkin --verify >v && test "$(jq -s "map(.ok) | all" v)" = true
'

test_expect_success 'the report of the day counts the corrected state, found in later days' '
	cg-report --now $N2 --date 2026-01-25 >rep &&
	test "$(jq -c .totals rep)" = "{\"events\":2,\"in\":1,\"out\":1,\"admit\":2,\"deny\":0,\"refer\":0}" &&
	test "$(jq -c "[.gates.south.out, .gates.south.in, .gates.north.in, .reasons.fever, (.fevers|length)]" rep)" = "[1,1,0,0,0]" &&
	test "$(jq -r ".corrections[] | [.action, .original, .reason, .by] | @tsv" rep)" = "$(printf "%s\n" \
		"amend	$R/1	输错门岗	guard1" \
		"amend	$R/2	typo	guard2" \
		"amend	$R/1	again	guard2" \
		"amend	$R/1	wrong way	guard2" \
		"void	$R/3	entered twice	guard2" \
		"void	$R/2	the person never came	guard2")"
'

test_expect_success 'the report of the day the corrections were made counts none of them' '
	cg-report --now $N2 --date 2026-01-26 >rep2 &&
	test "$(jq -c "[.totals.events, (.corrections|length), .unknown]" rep2)" = "[0,0,0]" &&
	cg-report --now $N2 --since 2026-01-25 --until 2026-01-26 >rep3 &&
	test "$(jq -c "[.totals.events, (.corrections|length)]" rep3)" = "[2,6]"
'

test_expect_success 'corrections in every format' '
	cg-report --now $N2 --date 2026-01-25 --format text >t &&
	grep -q "^Corrections (6)" t && grep -q "gate north → south" t &&
	grep -q "temp 38.5 → 36.8, decision deny → admit, reasons fever → -" t && grep -q "2026-01-26 09:00" t &&
	grep -q "the record no longer counts" t &&
	cg-report --now $N2 --date 2026-01-25 --format md >m && grep -q "^## Corrections (6)" m &&
	cg-report --now $N2 --date 2026-01-25 --format html >h && grep -q "Corrections (6)" h &&
	cg-report --now $N2 --date 2026-01-25 --format csv --table corrections >c &&
	test_line_count = 7 c && head -n 1 c | grep -q "^rid,action,replaces,original,ts,gate,changed" &&
	LANGUAGE=zh_CN LC_ALL=C.UTF-8 cg-report --now $N2 --date 2026-01-25 --format text >z &&
	grep -q "^更正 (6)" z && grep -q "作废" z
'

test_expect_success 'records read from a file: corrections listed, never counted as events' '
	zcat -f "$J"/2026-01-25.jsonl* "$J/2026-01-26.jsonl" | cg-report --now $N2 --date 2026-01-25 - >f &&
	test "$(jq -c "[.totals.events, (.corrections|length), .unknown]" f)" = "[4,6,0]"
'

test_expect_success 'a roll-up keeps the corrections' '
	cg-report --now $N2 --date 2026-01-25 >r1 &&
	cat r1 | cg-report --merge >mg &&
	test "$(jq -c "[(.corrections|length), .corrections[0].compound]" mg)" = "[6,\"DEMO-0001\"]"
'

test_expect_success 'concurrent voids of one record journal exactly one (4 processes, 10 rounds)' '
	round=0 && while [ $round -lt 10 ]; do
		ev north 36.5 | cg-checkin --now $N2 >new &&
		seq=$(jq -r .seq new) &&
		for p in 1 2 3 4; do
			cg-checkin --now $N2 --void $seq --reason "round $round" --by p$p >vo.$p 2>ve.$p &
		done &&
		wait &&
		cat vo.1 vo.2 vo.3 vo.4 >all &&
		test_line_count = 1 all &&
		test "$(cat ve.1 ve.2 ve.3 ve.4 | grep -c "is already voided")" = 3 &&
		round=$((round + 1)) || return 1
	done &&
	test "$(grep -c "\"voids\":\"DEMO-0001/checkin/2026-01-26/" "$J/2026-01-26.jsonl")" = 11 &&
	cg-checkin --verify 2026-01-26 >v && test "$(jq -r .ok v)" = true
'

TAB=$(printf '\t')

test_expect_success PYTHON '--ask works as before and tells the guard how to correct what it journaled' '
	cat >script <<-EOF &&
	Direction${TAB}i${TAB}keys
	Pass or QR${TAB}s
	Name${TAB}
	Household${TAB}
	Coming from${TAB}
	Temperature${TAB}36.5
	Direction${TAB}^D
	EOF
	python3 "$SRC_DIR/tests/lib/ptyrun.py" script screen cg-checkin --ask --gate north --now $N2 >asked &&
	test_line_count = 1 asked && seq=$(jq -r .seq asked) &&
	grep -q "journaled as 2026-01-26/$seq; to correct it: cg-checkin --amend 2026-01-26/$seq" screen &&
	cg-checkin --now $N2 --amend 2026-01-26/$seq --set gate=south --reason "wrong gate" --by g >fixed &&
	test "$(jq -r "[.gate, .amends] | @tsv" fixed)" = "$(printf "south\tDEMO-0001/checkin/2026-01-26/$seq")"
'

test_expect_success 'a corrected name or phone is masked in the report, and in a roll-up' '
	echo "{\"gate\":\"north\",\"dir\":\"in\",\"kind\":\"visitor\",\"name\":\"张三\",\"phone\":\"13812348000\",\"host\":\"3-2-501\",\"temp\":36.5,\"mask\":true}" |
		cg-checkin --now $N2 >vis &&
	cg-checkin --now $N2 --amend "$(jq -r .seq vis)" --set name=李四 --set phone=13912348001 \
		--reason "wrong person, called 13812348000" --by g >am &&
	cg-report --now $N2 --date 2026-01-26 >m1 &&
	test "$(jq -c ".corrections[-1] | [.changed.name, .changed.phone, .reason]" m1)" = \
		"[{\"from\":\"张*\",\"to\":\"李*\"},{\"from\":\"138****8000\",\"to\":\"139****8001\"},\"wrong person, called 138****8000\"]" &&
	cg-report --now $N2 --date 2026-01-26 --no-mask >u1 &&
	test "$(jq -r ".corrections[-1].changed.name.from" u1)" = 张三 &&
	cg-report --merge <u1 >mu &&
	test "$(jq -c ".corrections[-1] | [.changed.name.from, .changed.phone.to, .reason]" mu)" = \
		"[\"张*\",\"139****8001\",\"wrong person, called 138****8000\"]"
'

test_expect_success 'a correction made 7 days later is still found, in a compressed week' '
	cg-checkin --now 2026-02-01T10:00:00+08:00 --amend 2026-01-25/4 --set temp=38.2 \
		--reason "late find" --by g >late &&
	test "$(jq -r .decision late)" = deny &&
	test -f "$J/2026-01-26.jsonl.gz" &&
	cg-report --now 2026-02-01T11:00:00+08:00 --date 2026-01-25 >rep7 &&
	test "$(jq -c "[.totals.deny, .reasons.fever, (.corrections|length), .corrections[-1].reason]" rep7)" = "[1,1,7,\"late find\"]" &&
	cg-report --now 2026-02-01T11:00:00+08:00 --date 2026-01-24 >rep0 &&
	test "$(jq -c "[.totals.events, (.corrections|length)]" rep0)" = "[0,0]"
'

test_done
