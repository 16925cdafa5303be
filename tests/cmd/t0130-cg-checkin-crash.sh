#!/bin/sh
test_description='cg-checkin: killed at random points, nothing printed is ever lost'
. "${0%/*}/../lib/test-lib.sh"

RUNS=${CG_CRASH_RUNS:-50}
JD=$CG_HOME/journal/checkin

random_ms() {
	# 0..$1-1 milliseconds, from /dev/urandom (dash has no $RANDOM)
	echo $(( $(od -An -N2 -tu2 /dev/urandom | tr -d " ") % $1 ))
}

test_expect_success 'a large batch' '
	awk "BEGIN { for (i = 0; i < 30000; i++)
		printf(\"{\\\"gate\\\":\\\"north\\\",\\\"dir\\\":\\\"in\\\",\\\"kind\\\":\\\"staff\\\",\\\"temp\\\":36.%d,\\\"mask\\\":true,\\\"x_n\\\":%d}\\n\", i % 10, i) }" >big &&
	test_line_count = 30000 big
'

test_expect_success "$RUNS runs killed with SIGKILL: whole lines, printed lines journaled, chain verifies" '
	i=0 && while [ $i -lt $RUNS ]; do
		# Ten runs a day, so that days are also compressed between kills.
		day=2026-01-$((10 + i / 10)); J=$JD/$day.jsonl
		cg-checkin --now "${day}T20:00:00+08:00" <big >out.$i 2>err.$i &
		pid=$! &&
		sleep "0.$(printf %03d "$(random_ms 300)")" &&
		kill -9 $pid 2>/dev/null; wait $pid 2>/dev/null
		# The last stdout line may itself be cut by the kill.
		if [ -s out.$i ] && [ "$(tail -c 1 out.$i | od -An -c | tr -d " ")" != "\\n" ]; then
			sed -i "\$d" out.$i
		fi
		# Killed before its first commit, a run leaves no journal.
		if ! [ -f "$J" ]; then
			test_must_fail test -s out.$i || exit 1
			echo "{\"records\":0}" >v.$i
			i=$((i + 1))
			continue
		fi
		awk "NR == FNR { seen[\$0] = 1; next } !(\$0 in seen) { print \"missing: \" \$0; bad = 1 } END { exit bad }" \
			"$J" out.$i || exit 1
		cg-checkin --verify $day >v.$i || exit 1
		grep -q "torn last line" err.$i && echo "run $i set a torn tail aside"
		i=$((i + 1))
	done &&
	cut=0 && for f in out.*; do if [ "$(wc -l <$f)" -lt 30000 ]; then cut=$((cut + 1)); fi; done &&
	echo "# $cut of $RUNS runs were killed mid-batch" >&3 &&
	test $cut -ge $((RUNS / 2))
'

test_expect_success 'the run after the last kill sets any torn tail aside and continues the chain' '
	day=2026-01-$((10 + (RUNS - 1) / 10)) && J=$JD/$day.jsonl &&
	before=$(jq -r .records v.$((RUNS - 1))) &&
	head -n 10 big | cg-checkin --now "${day}T21:00:00+08:00" >out.last &&
	test "$(head -n 1 out.last | jq -r .seq)" = $((before + 1)) &&
	cg-checkin --verify $day >v &&
	test "$(jq -r .torn v)" = 0 &&
	test "$(jq -r .records v)" = "$(wc -l <"$J")"
'

test_expect_success 'every journaled line of every day is a whole decision' '
	cg-checkin --verify >days &&
	test "$(wc -l <days)" = $(( (RUNS + 9) / 10 )) &&
	day=2026-01-10 && J=$JD/$day.jsonl.gz &&
	gzip -dc "$J" >plain && J=plain &&
	jq -c "select(.decision == \"admit\" and (.seq | type) == \"number\")" "$J" >whole &&
	test "$(wc -l <whole)" = "$(wc -l <"$J")"
'

test_done
