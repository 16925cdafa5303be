# daily-report's assembly: the rows of the report/ queries of one day
# ($day, $persons, $cases, ...: arrays of JSONEachRow objects) into one cg-report
# report per compound, in code order.  Keys in cg-report's order; what
# the tables cannot tell is left out.  The lists (fevers and denials) are
# left empty here: daily-report splices lists.sql's rows into them as
# text, since parsing and printing them was most of jq's time.
def zeros(keys): reduce keys[] as $k ({}; .[$k] = 0);
# Rows by compound, once: {CODE: [rows]}.
def index: group_by(.compound) | map({key: .[0].compound, value: .}) | from_entries;
def kinds: ["resident", "tenant", "visitor", "courier", "staff", "vehicle"];
def codes: ["fever", "symptoms", "no_mask", "courier", "visitor_no_host", "vehicle_unregistered",
	"pass_invalid", "quarantined", "identity_check", "remeasure", "no_pass", "risk_area",
	"exit_quota", "household_unknown"];
def classes: ["resident", "returnee", "tenant", "temporary", "visitor", "vehicle", "staff"];
# A gate's reasons: those seen, in the order of the codes (others after).
def in_order($o): (reduce codes[] as $k ({}; if $o[$k] then .[$k] = $o[$k] else . end)) + $o;

($day + $cases + $passes + $duty + $tasks | map(.compound) | unique) as $all
| ($day | index) as $DAY | ($persons | index) as $PERSONS | ($cases | index) as $CASES
| ($passes | index) as $PASSES | ($duty | index) as $DUTY | ($tasks | index) as $TASKS
| ($corrections | index) as $CORR | ($needs | index) as $NEEDS
| $all[] as $c
| (($DAY[$c][0] // {gates: [], measured: 0, temp_counts: [range(76) | 0], temp_below: 0,
	temp_above: 0}) + ($PERSONS[$c][0] // {})) as $t
# The compound's gates (day.sql's arrays, by name), and the compound's
# reasons added up from theirs.
| ($t.gates | sort_by(.[0]) | map({gate: .[0], in: .[1], out: .[2], admit: .[3], deny: .[4],
	refer: .[5], first: .[6], last: .[7], resident: .[8], tenant: .[9], visitor: .[10],
	courier: .[11], staff: .[12], vehicle: .[13], hours_in: .[14], hours_out: .[15],
	reasons: (. as $g | reduce range(.[16] | length) as $i ({}; .[$g[16][$i]] = $g[17][$i]))}))
	as $gates
| (reduce $gates[].reasons as $g ({}; reduce ($g | to_entries[]) as $e (.; .[$e.key] += $e.value)))
	as $reasons
| ($CASES[$c][0] // {}) as $k
| ($PASSES[$c] // []) as $p
| ($DUTY[$c] // []) as $d
| ($TASKS[$c] // []) as $tk
| {
	merged: false,
	compound: {code: $c},
	date: $date, since: $date, until: $date,
	generated_at: $at,
	generator: "cg-report 0.1.0 (ClickHouse, daily-report)",
	masked: true,
	policy: {fever_threshold: 37.3},
	totals: {events: ($gates | map(.in + .out) | add // 0), in: ($gates | map(.in) | add // 0),
		out: ($gates | map(.out) | add // 0), admit: ($gates | map(.admit) | add // 0),
		deny: ($gates | map(.deny) | add // 0), refer: ($gates | map(.refer) | add // 0)},
	kinds: (reduce kinds[] as $k ({}; .[$k] = ($gates | map(.[$k]) | add // 0))),
	reasons: (zeros(codes) + $reasons),
	gates: ($gates | map({key: .gate, value: {in, out, admit, deny, refer,
		reasons: in_order(.reasons), first, last,
		longest_gap_min: null, longest_gap_from: null, longest_gap_to: null}}) | from_entries),
	hours: ($gates | map({key: .gate, value: {in: .hours_in, out: .hours_out}}) | from_entries),
	temperatures: {measured: $t.measured, from: 35, step: 0.1, counts: $t.temp_counts,
		below: $t.temp_below, above: $t.temp_above},
	fever: {threshold: 37.3, persons: ($t.fever_persons // 0), readings: ($t.fever_readings // 0),
		decisions: ($t.fever_decisions // 0)},
	fevers: [], denials: [],
	visitors: {count: ($t.v_count // 0), refused: ($t.v_refused // 0), out: ($t.v_out // 0),
		inside: ($t.v_inside // 0)},
	cases: ({open: 0, opened: 0, escalated: 0, released: 0, closed: 0, extended: 0, checks: 0,
		alerts: 0} + ($k | del(.compound))),
	passes: {
		issued: (zeros(classes) + ($p | map({key: .class, value: .issued}) | from_entries)),
		issued_total: ($p | map(.issued) | add // 0),
		revoked: ($p | map(.revoked) | add // 0),
		active: (zeros(classes) + ($p | map({key: .class, value: .active}) | from_entries)),
		active_total: ($p | map(.active) | add // 0)
	}
}
| if ($d | length) > 0 or ($tk | length) > 0 then .duty = {
	gates: ($d | map({key: .gate, value: {duty_min, staffed_min, unstaffed_min,
		checkins_without_guard}}) | from_entries),
	tasks: ($tk | map({key: .task, value: {done}}) | from_entries),
	needs: ($NEEDS[$c][0] // {} | {open: (.open // 0), delivered: (.delivered // 0),
		missed: (.missed // 0)}),
	staff_fevers: ($tk | map(.staff_fevers) | add // 0)
} else . end
| .corrections = ($CORR[$c] // [] | map(del(.compound)))
| .journals = [] | .warnings = []
