#!/bin/sh
test_description='cg-checkin: killed at random points, nothing printed is ever lost'
. "${0%/*}/../lib/test-lib.sh"

# Under the sanitizers each run costs ten times the CPU: fewer runs there
# (what a kill can break is the same in both builds).
RUNS=${CG_CRASH_RUNS:-50}
case $CG_BUILD in *-san) RUNS=${CG_CRASH_RUNS:-20} ;; esac
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

# lines FILE: its line count, 0 when it does not exist.
lines() {
	if [ -f "$1" ]; then wc -l <"$1" | tr -d " "; else echo 0; fi
}

# kill_after RUN DAY N: cg-checkin on big, its input kept open so that it
# is alive whatever happens, killed with SIGKILL once it has journaled N
# more lines of DAY (so every kill lands in a running process, at a point
# that varies with N and with how far it got meanwhile).
kill_after() {
	J=$JD/$2.jsonl && before=$(lines "$J") && rm -f fifo && mkfifo fifo || return 1
	cg-checkin --now "${2}T20:00:00+08:00" <fifo >out.$1 2>err.$1 &
	pid=$!
	exec 7>fifo
	# No more than N + 2000 lines: a kill can still land past them,
	# with the process waiting for input, and the days stay small.
	echo $(($3 + 2000)) >fed.$1
	head -n $(($3 + 2000)) big >&7 &
	feeder=$!
	waited=0
	while [ "$(lines "$J")" -lt $((before + $3)) ]; do
		kill -0 $pid 2>/dev/null || { echo "run $1 died before the kill" >&2; return 1; }
		waited=$((waited + 1))
		test $waited -lt 6000 || { echo "run $1 journaled nothing for 60 s" >&2; return 1; }
		sleep 0.01
	done
	kill -9 $pid
	wait $pid
	status=$?
	exec 7>&-
	kill $feeder 2>/dev/null
	wait $feeder
	test $status = 137 || { echo "run $1 ended with $status, not by the kill" >&2; return 1; }
}

test_expect_success "$RUNS runs killed with SIGKILL: whole lines, printed lines journaled, chain verifies" '
	i=0 && while [ $i -lt $RUNS ]; do
		# Ten runs a day, so that days are also compressed between kills.
		day=2026-01-$((10 + i / 10)); J=$JD/$day.jsonl
		kill_after $i $day $((1 + $(random_ms 2000))) || exit 1
		# The last stdout line may itself be cut by the kill.
		if [ -s out.$i ] && [ "$(tail -c 1 out.$i | od -An -c | tr -d " ")" != "\\n" ]; then
			sed -i "\$d" out.$i
		fi
		awk "NR == FNR { seen[\$0] = 1; next } !(\$0 in seen) { print \"missing: \" \$0; bad = 1 } END { exit bad }" \
			"$J" out.$i || exit 1
		cg-checkin --verify $day >v.$i || exit 1
		grep -q "torn last line" err.$i && echo "run $i set a torn tail aside"
		i=$((i + 1))
	done &&
	cut=0 && for f in out.*; do if [ "$(wc -l <$f)" -lt "$(cat fed.${f#out.})" ]; then cut=$((cut + 1)); fi; done &&
	echo "# $cut of $RUNS runs were killed before the end of their input" >&3
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
	# A finished day is compressed by a later run, unless every later
	# run was killed before it got there: either form is right.
	jq -r ".journal" days >names &&
	while read -r name; do
		day=${name##*/} && day=${day%%.*} &&
		if [ -f "$JD/$day.jsonl.gz" ]; then
			gzip -dc "$JD/$day.jsonl.gz" >plain || exit 1
		else
			cp "$JD/$day.jsonl" plain || exit 1
		fi &&
		jq -c "select(.decision == \"admit\" and (.seq | type) == \"number\")" plain >whole &&
		test "$(wc -l <whole)" = "$(wc -l <plain)" &&
		test "$(wc -l <plain)" = "$(jq -r "select(.journal == \"$name\") | .records" days)" ||
		exit 1
	done <names
'

test_done
