#!/bin/sh
test_description='cg-duty: the EXAMPLES of cg-duty.1 run'
. "${0%/*}/../lib/test-lib.sh"

# The lines of the literal displays of EXAMPLES, roff escapes removed.
man_examples() {
	awk '
		/^\.Sh / { ex = ($0 ~ /^\.Sh EXAMPLES/); next }
		!ex { next }
		/^\.Bd -literal/ { lit = 1; next }
		/^\.Ed/ { lit = 0; next }
		lit && !/^\.\\"/ { print }
	' "$1" | sed -e 's/\\&//g' -e 's/\\-/-/g' -e "s/\\\\(aq/'/g" \
		-e 's/\\(dq/"/g' -e 's/\\e/\\/g'
}

test_expect_success JQ 'the EXAMPLES of cg-duty.1 run, in a data directory with a plan' '
	man_examples "$SRC_DIR/share/man/man1/cg-duty.1" >examples.all &&
	grep -E "^(echo|cg-duty) " examples.all >examples.run &&
	test_line_count -ge 8 examples.run &&
	CG_HOME=$TRASH/exhome && export CG_HOME &&
	write_config "{\"duty\":{\"roster\":{\"north\":[[\"08:00\",\"20:00\"],[\"20:00\",\"08:00\"]]},
		\"tasks\":{\"disinfect\":{\"places\":[\"lift-1\"],\"times\":3,\"hours\":[\"06:00\",\"21:00\"]},
		\"staff_temp\":{\"per\":\"shift\"}},\"stock\":{\"mask\":{\"unit\":\"piece\",\"min\":100}}}}" &&
	k=10 &&
	while IFS= read -r ex
	do
		k=$((k + 1))
		echo "\$ $ex"
		(CG_NOW=2026-01-25T08:$k:00+08:00 sh -c "$ex" </dev/null >>ex.out 2>>ex.err) ||
			{ echo "=> exit $?"; cat ex.err; return 1; }
	done <examples.run &&
	grep -q "^alert\$" ex.out &&
	test "$(grep "\"level\":" ex.out | jq -r .level)" = 800 &&
	test "$(grep -c "\"seq\":" "$CG_HOME/journal/duty.jsonl")" = 6
'

test_expect_success '--help of each subcommand, and a usage error is exit 2 with a hint' '
	for sub in on off done stock due care; do
		cg-duty $sub --help >help &&
		grep -q "^Usage: cg-duty $sub" help || return 1
	done &&
	test_expect_code 2 cg-duty fly 2>err &&
	grep -q "Try .cg-duty --help." err
'

test_done
