#!/bin/sh
test_description='cg-pass: issue, revoke and the first key pair with four runs at once'
. "${0%/*}/../lib/test-lib.sh"

# The plain build runs the 20 rounds the issue asks for; the sanitizer
# build, five times slower, checks the same paths for memory errors in 8.
ROUNDS=20
case $CG_BUILD in *-san) ROUNDS=8 ;; esac
RUNS=4
PEOPLE=100
CHUNK=33

# people: PEOPLE person records, each with a valid ID number of its own.
people() {
	awk -v n=$PEOPLE 'BEGIN {
		split("7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2", w, " ")
		check = "10X98765432"
		for (i = 0; i < n; i++) {
			id = sprintf("1101011990%02d%02d%03d", 1 + int(i / 28), 1 + i % 28, 100 + i)
			s = 0
			for (k = 1; k <= 17; k++)
				s += substr(id, k, 1) * w[k]
			printf "{\"name\":\"人%d\",\"id_no\":\"%s%s\",\"household\":\"1-1-%d\"}\n",
				i, id, substr(check, s % 11 + 1, 1), 101 + i
		}
	}'
}

# wait_lines FILE N: until FILE has N lines (at most 60 s).
wait_lines() {
	wl_n=0
	while [ "$(cat "$1" 2>/dev/null | wc -l)" -lt "$2" ]; do
		wl_n=$((wl_n + 1))
		test $wl_n -lt 6000 || { echo "$1: not $2 lines after 60 s" >&2; return 1; }
		sleep 0.01
	done
}

# start_runs ARG...: RUNS runs of "cg-pass ARG..." at once, run R reading
# fifo.R (written through descriptor R + 4) and writing out.R, err.R and its
# exit status to code.R.  They start together: each waits at the open of
# its fifo until all are opened.
start_runs() {
	r=0
	while [ $r -lt $RUNS ]; do
		rm -f fifo.$r out.$r err.$r code.$r && mkfifo fifo.$r || return 1
		{ cg-pass "$@" <fifo.$r >out.$r 2>err.$r; echo $? >code.$r; } &
		r=$((r + 1))
	done
	r=0
	while [ $r -lt $RUNS ]; do
		eval "exec $((r + 4))>fifo.$r"
		r=$((r + 1))
	done
}

# feed_all FILE N: FILE to every run at once, then wait until each has
# answered N lines in all.
feed_all() {
	r=0
	while [ $r -lt $RUNS ]; do
		cat "$1" >&$((r + 4)) || return 1
		r=$((r + 1))
	done
	r=0
	while [ $r -lt $RUNS ]; do
		wait_lines out.$r "$2" || return 1
		r=$((r + 1))
	done
}

# end_runs: close their input, wait for them, and check that each exited
# 0 and said nothing.
end_runs() {
	r=0
	while [ $r -lt $RUNS ]; do
		eval "exec $((r + 4))>&-"
		r=$((r + 1))
	done
	wait
	r=0
	while [ $r -lt $RUNS ]; do
		test "$(cat code.$r)" = 0 || { echo "run $r: exit $(cat code.$r)" >&2; cat err.$r >&2; return 1; }
		test_line_count = 0 err.$r || { cat err.$r >&2; return 1; }
		r=$((r + 1))
	done
}

# rounds_of INPUT ARG...: feed INPUT to RUNS runs of "cg-pass ARG...": its
# first line alone (every run has loaded the journal once it answered it),
# then the rest in chunks of CHUNK lines, each chunk to every run at once.
rounds_of() {
	input=$1
	shift
	start_runs "$@" &&
	head -n 1 "$input" >chunk && feed_all chunk 1 &&
	total=$(wc -l <"$input") && done_=1 &&
	while [ $done_ -lt $total ]; do
		sed -n "$((done_ + 1)),$((done_ + CHUNK))p" "$input" >chunk &&
		done_=$((done_ + $(wc -l <chunk))) &&
		feed_all chunk $done_ || return 1
	done &&
	end_runs
}

# runs_each FILE: FILE's lines once for each run, each after "out.RUN<TAB>"
# (what one jq over every run's output prints with input_filename: one
# jq instead of one per run, each some 40 ms of CPU).
runs_each() {
	re_r=0
	while [ $re_r -lt $RUNS ]; do
		sed "s/^/out.$re_r	/" "$1" || return 1
		re_r=$((re_r + 1))
	done
}

test_expect_success 'the people, and a data directory where the first has a pass' '
	people >people.jsonl &&
	test_line_count = $PEOPLE people.jsonl &&
	test "$(jq -r .id_no people.jsonl | sort -u | wc -l)" = $PEOPLE &&
	CG_HOME=$TRASH/h-with-one &&
	head -n 1 people.jsonl | cg-pass issue --now "$NOW" >one &&
	test "$(jq -r ".existing // false" one)" = false
'

test_expect_success "issue: $ROUNDS rounds of $RUNS runs of the same $PEOPLE people, one pass each" '
	i=0 &&
	while [ $i -lt $ROUNDS ]; do
		rm -rf "$TRASH/h-issue" && cp -a "$TRASH/h-with-one" "$TRASH/h-issue" &&
		CG_HOME=$TRASH/h-issue &&
		rounds_of people.jsonl issue --now "$NOW" &&
		J=$CG_HOME/journal/pass.jsonl &&
		# exactly one issue event per person, seq without gaps
		test "$(grep -c "\"event\":\"issue\"" "$J")" = $PEOPLE &&
		test "$(jq -r .id_no "$J" | sort -u | wc -l)" = $PEOPLE &&
		jq -r .seq "$J" >seqs && seq 1 $PEOPLE >want && test_cmp want seqs &&
		cg-pass list --active --now "$NOW" >active &&
		test_line_count = $PEOPLE active &&
		# every run answered every person, with the one pass journaled
		jq -r "[.id_no, .pass_id] | @tsv" "$J" >pairs &&
		runs_each pairs | sort >want &&
		jq -r "[input_filename, .id_no, .pass_id] | @tsv" out.* | sort >got &&
		test_cmp want got &&
		# and only one run said a pass was new (the first person had one)
		cat out.* | jq -r "select(.existing != true) | .pass_id" | sort >new &&
		test_line_count = $((PEOPLE - 1)) new &&
		test "$(uniq -d new | wc -l)" = 0 &&
		i=$((i + 1)) || exit 1
	done
'

test_expect_success 'a data directory with a pass for everyone, the first revoked' '
	rm -rf "$TRASH/h-all" && cp -a "$TRASH/h-with-one" "$TRASH/h-all" &&
	CG_HOME=$TRASH/h-all &&
	cg-pass issue --now "$NOW" <people.jsonl >all &&
	jq -r .pass_id all >ids &&
	test_line_count = $PEOPLE ids &&
	cg-pass revoke --reason "moved out" --now "$NOW" "$(head -n 1 ids)" >r &&
	test "$(grep -c "\"event\":\"revoke\"" "$CG_HOME/journal/pass.jsonl")" = 1
'

test_expect_success "revoke: $ROUNDS rounds of $RUNS runs revoking the same $PEOPLE passes, one revoke each" '
	i=0 &&
	while [ $i -lt $ROUNDS ]; do
		rm -rf "$TRASH/h-revoke" && cp -a "$TRASH/h-all" "$TRASH/h-revoke" &&
		CG_HOME=$TRASH/h-revoke &&
		rounds_of ids revoke --reason "left the compound" --now 2026-01-26T08:00:00+08:00 &&
		J=$CG_HOME/journal/pass.jsonl &&
		jq -r "select(.event == \"revoke\") | .pass_id" "$J" | sort >revoked &&
		sort ids >want && test_cmp want revoked &&
		jq -r .seq "$J" >seqs && seq 1 $((2 * PEOPLE)) >want && test_cmp want seqs &&
		cg-pass list --revoked --now 2026-01-26T09:00:00+08:00 >list &&
		test_line_count = $PEOPLE list &&
		runs_each ids | sort >want &&
		jq -r "[input_filename, .pass_id] | @tsv" out.* | sort >got &&
		test_cmp want got &&
		cat out.* | jq -r "select(.existing != true) | .pass_id" | sort >new &&
		test_line_count = $((PEOPLE - 1)) new &&
		test "$(uniq -d new | wc -l)" = 0 &&
		i=$((i + 1)) || exit 1
	done
'

test_expect_success "the first key pair: $ROUNDS rounds of $RUNS first issues at once, one pair, every issue signed" '
	i=0 &&
	while [ $i -lt $ROUNDS ]; do
		rm -rf "$TRASH/h-first" && CG_HOME=$TRASH/h-first &&
		start_runs issue --now "$NOW" &&
		r=0 &&
		while [ $r -lt $RUNS ]; do
			sed -n "$((r + 1))p" people.jsonl >&$((r + 4)) &&
			r=$((r + 1)) || exit 1
		done &&
		end_runs &&
		cat out.* >passes &&
		test_line_count = $RUNS passes &&
		ls "$CG_HOME/keys" >keys &&
		printf "%s\n" current "pass-$(cat "$CG_HOME/keys/current").json" >want &&
		test_cmp want keys &&
		test "$(jq -r .key_id passes | sort -u)" = "$(cat "$CG_HOME/keys/current")" &&
		jq -r .token passes | cg-pass verify --now "$NOW" >verified &&
		test "$(jq -r .valid verified | sort -u)" = true &&
		i=$((i + 1)) || exit 1
	done
'

# A pair and the line that should have named it, as the first issue of
# $CG_HOME wrote them.
test_expect_success 'a data directory with its key pair, for breaking' '
	rm -rf "$TRASH/h-keys" && CG_HOME=$TRASH/h-keys &&
	head -n 1 people.jsonl | cg-pass issue --now "$NOW" >/dev/null &&
	K=$(cat "$CG_HOME/keys/current") &&
	test -f "$CG_HOME/keys/pass-$K.json"
'

# broken: a copy of $TRASH/h-keys as $CG_HOME, to break.
broken() {
	rm -rf "$TRASH/h-broken" && cp -a "$TRASH/h-keys" "$TRASH/h-broken" &&
	CG_HOME=$TRASH/h-broken && K=$(cat "$CG_HOME/keys/current")
}

# refused_for_keys: issuing is refused as a system error before any record
# is read: exit 3, nothing printed, nothing journaled or rejected.
refused_for_keys() {
	sed -n 2,4p people.jsonl >in &&
	test_expect_code 3 cg-pass issue --now "$NOW" --rejects rejects <in >out 2>err &&
	test_line_count = 0 out &&
	test_line_count = 1 err &&
	test_must_fail test -s rejects &&
	test "$(wc -l <"$CG_HOME/journal/pass.jsonl")" = 1 &&
	grep -q "cg-pass key rotate" err
}

test_expect_success 'a pair without keys/current (a crash half-way): exit 3 naming the repair, no record rejected' '
	broken && rm "$CG_HOME/keys/current" &&
	refused_for_keys &&
	grep -q "keys/current. is missing" err &&
	cg-pass key rotate --now "$NOW" >rotated &&
	test "$(jq -r .current rotated)" = true &&
	cg-pass issue --now "$NOW" <in >out &&
	test_line_count = 3 out &&
	test "$(jq -r .key_id out | sort -u)" = "$(cat "$CG_HOME/keys/current")" &&
	cg-pass key export >pub && test_line_count = 2 pub
'

test_expect_success 'keys/current naming a pair that is not there: exit 3 naming the file and the repair' '
	broken && rm "$CG_HOME/keys/pass-$K.json" &&
	refused_for_keys &&
	grep -q "keys/pass-$K.json" err &&
	cg-pass key rotate --now "$NOW" >/dev/null &&
	cg-pass issue --now "$NOW" <in >out && test_line_count = 3 out
'

test_expect_success 'a damaged keys/current: exit 3 naming the repair' '
	broken && printf "x\n" >"$CG_HOME/keys/current" &&
	refused_for_keys &&
	grep -q "keys/current. is damaged" err &&
	cg-pass key rotate --now "$NOW" >/dev/null &&
	cg-pass issue --now "$NOW" <in >out && test_line_count = 3 out
'

test_expect_success 'keys/current cannot be written: the new pair is taken back, the next run makes one' '
	rm -rf "$TRASH/h-nocur" && CG_HOME=$TRASH/h-nocur &&
	mkdir -p "$CG_HOME/keys/.current.tmp" && chmod -R 700 "$CG_HOME" &&
	head -n 1 people.jsonl | test_expect_code 3 cg-pass issue --now "$NOW" >out 2>err &&
	test_line_count = 0 out &&
	grep -q "keys/current" err &&
	ls "$CG_HOME/keys" >left && test_line_count = 0 left &&
	rmdir "$CG_HOME/keys/.current.tmp" &&
	head -n 1 people.jsonl | cg-pass issue --now "$NOW" >out &&
	test_line_count = 1 out
'

# RLIMIT_FSIZE (ulimit -f) makes every write to a regular file fail, as a
# full disk does (EFBIG for ENOSPC), without root.  Standard error is a
# pipe here, since a file could not take the message either.
test_expect_success 'a full disk at the first key pair: exit 3, keys/ left empty, the next run makes the pair' '
	rm -rf "$TRASH/h-full" && CG_HOME=$TRASH/h-full &&
	head -n 1 people.jsonl >in &&
	res=$( (trap "" XFSZ; ulimit -f 0; cg-pass issue --now "$NOW" <in 2>&1 >/dev/null; echo "exit $?") ) &&
	echo "$res" >res &&
	test "$(tail -n 1 res)" = "exit 3" &&
	grep -q "cannot write .keys/pass-.*json." res &&
	ls -A "$CG_HOME/keys" >left && printf ".lock\n" >want && test_cmp want left &&
	cg-pass issue --now "$NOW" <in >out && test_line_count = 1 out
'

test_expect_success 'the temporary files of a key pair a crash left are removed with the first pair' '
	rm -rf "$TRASH/h-crashed" && CG_HOME=$TRASH/h-crashed &&
	mkdir -p "$CG_HOME/keys" && chmod -R 700 "$CG_HOME" &&
	echo "{\"secret_key\":\"half" >"$CG_HOME/keys/.pass-0badc0de.json.tmp" &&
	head -n 1 people.jsonl | cg-pass issue --now "$NOW" >out &&
	test_line_count = 1 out &&
	ls -A "$CG_HOME/keys" | grep -v "^\.lock$" >left &&
	printf "%s\n" current "pass-$(cat "$CG_HOME/keys/current").json" >want &&
	test_cmp want left
'

test_done
