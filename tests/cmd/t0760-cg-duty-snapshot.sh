#!/bin/sh
test_description='cg-duty: index/duty.snap, the fold at a place in the journal; derived, never trusted over the journal'
. "${0%/*}/../lib/test-lib.sh"

T=2026-01-25T12:00:00+08:00

test_expect_success 'setup: a plan and a few events' '
	write_config "{\"gates\":[\"north\",\"south\"],\"duty\":{
		\"roster\":{\"north\":[[\"08:00\",\"20:00\"]]},
		\"tasks\":{\"disinfect\":{\"places\":[\"lift-1\",\"lift-2\"],\"times\":2,\"hours\":[\"06:00\",\"18:00\"]}},
		\"stock\":{\"mask\":{\"unit\":\"piece\",\"min\":10}}}}" &&
	cg-duty on --guard 甲 --gate north --at 2026-01-25T08:30:00+08:00 --now $T >/dev/null &&
	cg-duty done --task disinfect --place lift-1 --at 2026-01-25T07:00:00+08:00 --now $T >/dev/null &&
	echo "{\"item\":\"mask\",\"qty\":50,\"op\":\"receive\"}" | cg-duty stock --now $T >/dev/null &&
	test -s "$CG_HOME/index/duty.snap" &&
	cg-duty due --now $T >due.ref &&
	cg-duty stock --now $T </dev/null >levels.ref &&
	test_line_count = 6 due.ref
'

# same_as_journal: due through the snapshot is due from the journal alone as they are now, to compare with the journal's.
same_as_journal() {
	cg-duty due --now $T >due.got &&
	test_cmp due.ref due.got &&
	mv "$CG_HOME/index" index.keep &&
	cg-duty due --now $T >due.full &&
	rm -rf "$CG_HOME/index" && mv index.keep "$CG_HOME/index" &&
	test_cmp due.full due.got
}

test_expect_success 'a reader uses the snapshot and gets what the journal says' '
	same_as_journal
'

test_expect_success 'a damaged snapshot is ignored' '
	printf "garbage" | dd of="$CG_HOME/index/duty.snap" bs=1 seek=100 conv=notrunc 2>/dev/null &&
	same_as_journal &&
	: >"$CG_HOME/index/duty.snap" &&
	same_as_journal
'

test_expect_success 'the next writer writes it again; a snapshot behind the journal is read on from' '
	cg-duty on --guard 乙 --gate south --now $T >/dev/null &&
	cp "$CG_HOME/index/duty.snap" snap.old &&
	cg-duty off --guard 乙 --now $T >/dev/null &&
	cp snap.old "$CG_HOME/index/duty.snap" &&
	cg-duty list --guard 乙 >both && test_line_count = 2 both &&
	# The old snapshot still has 乙 on: only the line after it says off.
	echo "{\"guard\":\"乙\",\"gate\":\"south\"}" | cg-duty on -n --now $T >out &&
	test_line_count = 1 out
'

test_expect_success 'a journal replaced under the snapshot: the snapshot is not used' '
	cp "$CG_HOME/journal/duty.jsonl" journal.keep &&
	head -n 1 journal.keep >"$CG_HOME/journal/duty.jsonl" &&
	cg-duty stock --now $T </dev/null >levels &&
	test_line_count = 1 levels &&
	test "$(jq -r .level levels)" = 0 &&
	cp journal.keep "$CG_HOME/journal/duty.jsonl" &&
	cg-duty stock --now $T </dev/null >levels &&
	test_cmp levels.ref levels
'

test_done
