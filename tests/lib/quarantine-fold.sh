# Sourced by the cg-quarantine tests after test-lib.sh.
#
# quarantine_as_fold NOW: what list, stats and show of every case print
# from the case index of $CG_HOME is what they print from a fold of the
# same journal (in qfold/, where "index" is a file, so that no index can be
# made), NOW being the clock of both.  The journals the tests leave are
# many and varied: each one is checked the same way (t0326 does the same
# for the writers, and for the text layouts, which are laid out from the
# same records).
quarantine_as_fold() {
	qf_now=$1
	rm -rf qfold &&
	mkdir -p qfold/journal &&
	chmod -R 700 qfold &&
	: >qfold/index &&
	cp "$CG_HOME/journal/quarantine.jsonl" qfold/journal/ &&
	if test -f "$CG_HOME/config.json"; then cp "$CG_HOME/config.json" qfold/; fi &&
	qf_since=$(head -n 1 qfold/journal/quarantine.jsonl | command jq -r .ts | cut -c1-10) &&
	qf_ids=$(cg-quarantine list --now "$qf_now" | command jq -r .case_id) &&
	test -n "$qf_ids" &&
	for qf_args in "list" "stats --since $qf_since" "show $(echo $qf_ids)"; do
		cg-quarantine $qf_args --now "$qf_now" >qf.index &&
		cg-quarantine $qf_args --home qfold --now "$qf_now" >qf.fold &&
		test_cmp qf.fold qf.index || return 1
	done &&
	test -f qfold/index
}
