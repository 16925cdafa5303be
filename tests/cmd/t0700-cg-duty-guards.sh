#!/bin/sh
test_description='cg-duty on/off: guards sign on and off per gate, due lists shifts with nobody on; bad input; concurrent writers'
. "${0%/*}/../lib/test-lib.sh"

D=2026-01-25
T=${D}T12:00:00+08:00

test_expect_success 'setup: a roster of three shifts at north, one at south' '
	write_config "{\"gates\":[\"north\",\"south\"],\"duty\":{\"roster\":{
		\"north\":[[\"00:00\",\"08:00\"],[\"08:00\",\"16:00\"],[\"16:00\",\"24:00\"]],
		\"south\":[[\"06:00\",\"22:00\"]]}}}"
'

test_expect_success 'on from the options, journaled with seq and chain' '
	cg-duty on --guard 王师傅 --gate north --at ${D}T00:00:00+08:00 --now $T >out &&
	jq -c "[.event, .gate, .guard, .ts, .seq]" out >got &&
	echo "[\"on\",\"north\",\"王师傅\",\"${D}T00:00:00+08:00\",1]" >expect &&
	test_cmp expect got &&
	test "$(jq -r .chain out | wc -c)" = 65 &&
	cmp out "$CG_HOME/journal/duty.jsonl"
'

test_expect_success 'a guard on duty cannot sign on again; the message masks the name' '
	test_expect_code 1 cg-duty on --guard 王师傅 --gate south --now $T >out 2>err &&
	test_line_count = 0 out &&
	grep -q "^cg-duty: options:1: guard .王\*\*. is already on duty at gate .north." err &&
	! grep -q 王师傅 err
'

test_expect_success 'off from records on stdin; the gate is the one signed on at' '
	echo "{\"guard\":\"王师傅\",\"ts\":\"${D}T07:00:00+08:00\",\"note\":\"handover\"}" |
		cg-duty off --now $T >out &&
	jq -c "[.event, .gate, .guard, .note, .seq]" out >got &&
	echo "[\"off\",\"north\",\"王师傅\",\"handover\",2]" >expect &&
	test_cmp expect got
'

test_expect_success 'off of a guard not on, or at another gate, is rejected' '
	test_expect_code 1 cg-duty off --guard 王师傅 --now $T 2>err &&
	grep -q "is not on duty" err &&
	cg-duty on --guard 李师傅 --gate north --at ${D}T08:30:00+08:00 --now $T >/dev/null &&
	test_expect_code 1 cg-duty off --guard 李师傅 --gate south --now $T 2>err &&
	grep -q "is not on duty at gate .south." err
'

# Hand-computed at 12:00: north 00:00-08:00 covered 00:00-07:00 (420 of
# 480 minutes, 60 unstaffed); 08:00-16:00 so far 240 minutes, 李 on from
# 08:30 (210), 30 unstaffed, someone on now; 16:00-24:00 not started.
# south 06:00-22:00: nobody, 360 minutes so far.  Yesterday: every shift
# whole (north 3 x 480, south 960).
test_expect_success 'due: the shifts with minutes nobody covered, with counts' '
	cg-duty due --date $D --now $T >out &&
	jq -c "[.place, .shift, .status, .staffed_min, .unstaffed_min, .nobody_on, .severity]" out >got &&
	cat >expect <<-\EOF &&
	["north","00:00-08:00","missed",420,60,false,"alert"]
	["north","08:00-16:00","due",210,30,false,"alert"]
	["south","06:00-22:00","due",0,360,true,"alert"]
	EOF
	test_cmp expect got &&
	cg-duty due --now $T >out2 &&
	jq -c "[.date, .place, .unstaffed_min]" out2 >got2 &&
	cat >expect2 <<-EOF &&
	["2026-01-24","north",480]
	["2026-01-24","north",480]
	["2026-01-24","north",480]
	["2026-01-24","south",960]
	["$D","north",60]
	["$D","north",30]
	["$D","south",360]
	EOF
	test_cmp expect2 got2
'

test_expect_success 'a fully covered shift is not listed; overlapping guards count once' '
	cg-duty on --guard 赵 --gate south --at ${D}T06:00:00+08:00 --now $T >/dev/null &&
	cg-duty on --guard 钱 --gate south --at ${D}T07:00:00+08:00 --now $T >/dev/null &&
	cg-duty off --guard 赵 --at ${D}T09:00:00+08:00 --now $T >/dev/null &&
	cg-duty due --date $D --now $T >out &&
	test "$(jq -r "select(.place == \"south\") | .place" out)" = "" &&
	cg-duty due --date $D --now ${D}T23:00:00+08:00 >out &&
	jq -c "select(.place == \"south\") | [.staffed_min, .unstaffed_min]" out >got &&
	test "$(cat got)" = "" &&
	cg-duty off --guard 钱 --at ${D}T20:00:00+08:00 --now ${D}T23:00:00+08:00 >/dev/null &&
	cg-duty due --date $D --now ${D}T23:00:00+08:00 >out &&
	jq -c "select(.place == \"south\") | [.status, .staffed_min, .unstaffed_min]" out >got &&
	echo "[\"missed\",840,120]" >expect &&
	test_cmp expect got
'

test_expect_success 'dry run journals nothing' '
	cp "$CG_HOME/journal/duty.jsonl" before &&
	cg-duty on -n --guard 孙 --gate north --now $T >out &&
	test "$(jq -r .seq out)" = null &&
	test_cmp before "$CG_HOME/journal/duty.jsonl"
'

# bad SUB LINE REASON: LINE between two good records is stdin:2, kept whole.
bad() {
	rm -f rej &&
	printf "%s\n" "$2" "$3" "$4" >in &&
	test_expect_code 1 cg-duty "$1" -n --now $T --rejects rej <in >out 2>err &&
	test_line_count = 2 out &&
	grep -q "^cg-duty: stdin:2: $5" err &&
	test_line_count = 1 err &&
	printf "%s\n" "$3" >expect_rej &&
	test_cmp expect_rej rej
}

G1='{"guard":"新甲","gate":"north"}'
G2='{"guard":"新乙","gate":"south"}'

test_expect_success 'on: every class of bad input is FILE:LINE, kept whole, never stops the stream' '
	bad on "$G1" "{\"guard\":" "$G2" "invalid JSON" &&
	bad on "$G1" "{\"guard\":\"x\",\"ga" "$G2" "invalid JSON" &&
	bad on "$G1" "[1,2]" "$G2" "not a JSON object" &&
	bad on "$G1" "{\"gate\":\"north\"}" "$G2" "missing field .guard." &&
	bad on "$G1" "{\"guard\":\"x\"}" "$G2" "missing field .gate." &&
	bad on "$G1" "{\"guard\":7,\"gate\":\"north\"}" "$G2" ".guard. must be a string" &&
	bad on "$G1" "{\"guard\":\"\",\"gate\":\"north\"}" "$G2" ".guard. must not be empty" &&
	bad on "$G1" "{\"guard\":\"x\",\"gate\":\"west\"}" "$G2" "unknown gate .west." &&
	bad on "$G1" "{\"guard\":\"x\",\"gate\":\"north\",\"ts\":\"yesterday\"}" "$G2" ".ts. is not an RFC 3339 time" &&
	bad on "$G1" "{\"guard\":\"x\",\"gate\":\"north\",\"ts\":5}" "$G2" ".ts. must be a string" &&
	bad on "$G1" "{\"guard\":\"x\",\"gate\":\"north\",\"ts\":\"2027-01-01T00:00:00+08:00\"}" "$G2" ".ts. .* is in the future"
'

test_expect_success 'off: bad input; off before on is rejected' '
	cg-duty on --guard 周 --gate north --at ${D}T10:00:00+08:00 --now $T >/dev/null &&
	cg-duty on --guard 吴 --gate north --at ${D}T10:00:00+08:00 --now $T >/dev/null &&
	bad off "{\"guard\":\"周\"}" "{\"guard\":\"吴\",\"ts\":\"${D}T09:00:00+08:00\"}" "{\"guard\":\"吴\"}" \
		".ts. .* is before the guard signed on" &&
	bad off "{\"guard\":\"周\"}" "{\"gate\":\"north\"}" "{\"guard\":\"吴\"}" "missing field .guard."
'

test_expect_success '--strict stops at the first rejected line' '
	printf "%s\n" "$G1" "{}" "$G2" | test_expect_code 1 cg-duty on -n --strict --now $T >out 2>err &&
	test_line_count = 1 out
'

test_expect_success 'usage errors exit 2' '
	test_expect_code 2 cg-duty on --guard x 2>err &&
	grep -q "needs --gate" err &&
	test_expect_code 2 cg-duty on --gate north 2>err &&
	test_expect_code 2 cg-duty due --date 2026-13-01 2>err &&
	test_expect_code 2 cg-duty due extra 2>err &&
	test_expect_code 2 cg-duty 2>err
'

test_expect_success 'a bad plan in config.json is an error naming the key' '
	mkdir bad && CG_HOME=$TRASH/bad/h && mkdir -p $CG_HOME && chmod 700 $CG_HOME &&
	printf "{\"duty\":{\"roster\":{\"west\":[[\"08:00\",\"16:00\"]]}}}\n" >$CG_HOME/config.json &&
	test_expect_code 3 cg-duty due 2>err &&
	grep -q "duty.roster.west" err &&
	printf "{\"duty\":{\"rota\":{}}}\n" >$CG_HOME/config.json &&
	test_expect_code 3 cg-duty due 2>err &&
	grep -q "unknown key .duty.rota." err
'

# Concurrent writers: N processes at once on one data directory.
N=6
test_expect_success "concurrent: $N processes sign on $N guards each, every line journaled once" '
	CG_HOME=$TRASH/conc && write_config "{\"gates\":[\"north\",\"south\"]}" &&
	p=1 && while [ $p -le $N ]; do
		i=1 && while [ $i -le $N ]; do
			echo "{\"guard\":\"g$p-$i\",\"gate\":\"north\"}"; i=$((i + 1))
		done >in.$p && p=$((p + 1)) || return 1
	done &&
	p=1 && while [ $p -le $N ]; do
		cg-duty on --now $T <in.$p >o.$p 2>e.$p &
		p=$((p + 1))
	done &&
	wait &&
	cat o.* >all && test_line_count = $((N * N)) all &&
	test_line_count = $((N * N)) "$CG_HOME/journal/duty.jsonl" &&
	jq -r .seq "$CG_HOME/journal/duty.jsonl" >seqs && seq 1 $((N * N)) >expect && test_cmp expect seqs
'

test_expect_success "concurrent: $N processes sign one guard on, exactly one wins" '
	CG_HOME=$TRASH/conc &&
	p=1 && while [ $p -le $N ]; do
		cg-duty on --guard 同一人 --gate south --now $T >w.$p 2>x.$p &
		p=$((p + 1))
	done &&
	wait &&
	cat w.* >won && test_line_count = 1 won &&
	test "$(cat x.* | grep -c "already on duty")" = $((N - 1)) &&
	test "$(grep -c 同一人 "$CG_HOME/journal/duty.jsonl")" = 1
'

test_done
