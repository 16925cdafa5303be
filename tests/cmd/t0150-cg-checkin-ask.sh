#!/bin/sh
test_description='cg-checkin --ask: the guard at a terminal'
. "${0%/*}/../lib/test-lib.sh"

ask() {
	python3 "$SRC_DIR/tests/lib/ptyrun.py" "$@"
}

TAB=$(printf '\t')
SP=' '

test_expect_success PYTHON 'a fever is denied in red, a healthy resident admitted in green, both journaled' '
	cat >script <<-EOF &&
	Direction${TAB}
	Pass or QR${TAB}110101199003074514
	Kind${TAB}r${TAB}keys
	Name${TAB}张三
	Household${TAB}3-2-501
	Coming from${TAB}
	Temperature${TAB}37.8
	Direction${TAB}i${TAB}keys
	Pass or QR${TAB}13812348000
	Kind${TAB}
	Name${TAB}李四
	Household${TAB}
	Coming from${TAB}
	Temperature${TAB}36.4
	Direction${TAB}^D
	EOF
	ask script screen cg-checkin --ask --gate south --now "$NOW" >records &&
	test_line_count = 2 records &&
	test "$(jq -r ".decision + \" \" + .gate + \" \" + (.seq|tostring)" records | tr "\n" "|")" = "deny south 1|admit south 2|" &&
	test "$(jq -r .temp records | head -n 1)" = 37.8 &&
	grep -q "$(printf "\033\\[1;31mDENY")" screen &&
	grep -q "fever: temperature at or above the threshold" screen &&
	grep -q "$(printf "\033\\[1;32mADMIT")" screen &&
	grep -q "张\* 1101\*\*\*\*\*\*\*\*\*\*4514" screen &&
	cmp records "$CG_HOME/journal/checkin/2026-01-25.jsonl"
'

test_expect_success PYTHON 'a bad answer is explained and asked again' '
	cat >script <<-EOF &&
	Direction${TAB}sideways
	not one of the choices${TAB}o${TAB}keys
	Pass or QR${TAB}110101199003074515
	wrong check character${TAB}
	Kind${TAB}visitor
	Name${TAB}王五
	Household${TAB}
	Household visited${TAB}3-2-501
	Coming from${TAB}
	Temperature${TAB}hot
	temperature in${TAB}36.6 s
	Symptoms${TAB}cough, fever
	Direction${TAB}^D
	EOF
	ask script screen cg-checkin --ask --gate north --now "$NOW" >records &&
	test "$(jq -r ".decision + \" \" + (.symptoms|join(\",\"))" records)" = "deny cough,fever" &&
	grep -q "symptoms reported" screen
'

test_expect_success PYTHON 'a vehicle asks for its plate only; --dry-run journals nothing' '
	cat >script <<-EOF &&
	Direction${TAB}i${TAB}keys
	Pass or QR${TAB}a
	Plate${TAB}京A12345
	Direction${TAB}^D
	EOF
	before=$(wc -l <"$CG_HOME/journal/checkin/2026-01-25.jsonl") &&
	ask script screen cg-checkin --ask --dry-run --now "$NOW" >records &&
	test "$(jq -r ".reasons[0]" records)" = vehicle_unregistered &&
	test_must_fail grep -q "\"seq\"" records &&
	test "$(wc -l <"$CG_HOME/journal/checkin/2026-01-25.jsonl")" = $before &&
	grep -q "Gate .north." screen
'

test_expect_success PYTHON 'an unknown --gate is a usage error' '
	printf "" >script &&
	test_expect_code 2 ask script screen cg-checkin --ask --gate west --now "$NOW"
'

test_expect_success PYTHON 'a resident going out gives an ID number, phone or pass; a weak match is referred with its cases' '
	echo "{\"name\":\"胡建华\",\"id_no\":\"310104198506151237\",\"phone\":\"13700001111\",\"household\":\"5-1-101\",\"reason\":\"close_contact\"}" |
		cg-quarantine open --now 2026-01-24T10:00:00+08:00 >case &&
	case_id=$(jq -r .case_id case) &&
	echo "{\"name\":\"李四\",\"id_no\":\"11010519491231002X\",\"household\":\"3-2-502\"}" |
		cg-pass issue --now 2026-01-20T08:00:00+08:00 >pass &&
	cat >script <<-EOF &&
	Direction${TAB}o${TAB}keys
	Pass or QR${TAB}
	Kind${TAB}r${TAB}keys
	Name${TAB}胡 建华
	Household${TAB}
	Coming from${TAB}
	or pass${TAB}
	an answer is needed${TAB}胡建华
	not an ID number, a mobile number or a pass${TAB}137 0000 1111
	Temperature${TAB}
	Direction${TAB}o${TAB}keys
	Pass or QR${TAB}
	Kind${TAB}
	Name${TAB}胡建华
	Household${TAB}
	Coming from${TAB}
	or pass${TAB}310104198506151237
	Temperature${TAB}
	Direction${TAB}o${TAB}keys
	Pass or QR${TAB}
	Kind${TAB}t${TAB}keys
	Name${TAB}李四
	Household${TAB}
	Coming from${TAB}
	or pass${TAB}$(jq -r .pass_id pass)
	Temperature${TAB}
	Direction${TAB}o${TAB}keys
	Pass or QR${TAB}
	Kind${TAB}v${TAB}keys
	Name${TAB}胡建华
	Household${TAB}
	Household visited${TAB}
	Coming from${TAB}
	Temperature${TAB}
	Direction${TAB}^D
	EOF
	ask script screen cg-checkin --ask --gate north --now "$NOW" >records &&
	jq -r "[.decision, (.reasons | join(\",\")), (.cases // [] | join(\",\")), .phone // \"-\", .id_no // \"-\", .pass // \"-\"] | join(\" \")" records >actual &&
	cat >expect <<-EOF &&
	refer identity_check $case_id 13700001111 - -
	deny quarantined  - 310104198506151237 -
	admit   - 11010519491231002X $(jq -r .pass_id pass)
	refer identity_check $case_id - - -
	EOF
	test_cmp expect actual &&
	test "$(grep -c "going out: an ID number, mobile number or pass is needed" screen)" = 3 &&
	grep -q "check identity: ask for their ID card or pass" screen &&
	grep -q "cases: $case_id" screen
'

test_expect_success PYTHON 'the strong identifier is not asked again when one was given, nor going in' '
	cat >script <<-EOF &&
	Direction${TAB}o${TAB}keys
	Pass or QR${TAB}13812348000
	Kind${TAB}r${TAB}keys
	Name${TAB}胡建华
	Household${TAB}
	Coming from${TAB}
	Temperature${TAB}
	Direction${TAB}i${TAB}keys
	Pass or QR${TAB}
	Kind${TAB}r${TAB}keys
	Name${TAB}胡建华
	Household${TAB}
	Coming from${TAB}
	Temperature${TAB}36.5
	Direction${TAB}^D
	EOF
	ask script screen cg-checkin --ask --dry-run --gate north --now "$NOW" >records &&
	test "$(jq -r .decision records | tr "\n" " ")" = "admit admit " &&
	test_must_fail grep -q "going out: an ID number" screen
'

test_expect_success PYTHON 'a scanned token keeps its last space (base45 has one); other answers lose theirs' '
	cat >script <<-EOF &&
	Direction${TAB}o${TAB}keys
	Pass or QR${TAB}CG1:ABC${SP}
	Kind${TAB}r${TAB}keys
	Name${TAB}张三${SP}
	Household${TAB}
	Coming from${TAB}
	Temperature${TAB}
	Direction${TAB}o${TAB}keys
	Pass or QR${TAB}
	Kind${TAB}r${TAB}keys
	Name${TAB}张三
	Household${TAB}
	Coming from${TAB}
	or pass${TAB}CG1:XYZ${SP}
	Temperature${TAB}
	Direction${TAB}^D
	EOF
	ask script screen cg-checkin --ask --dry-run --gate north --now "$NOW" >records &&
	test "$(jq -r ".name + \"|\" + .pass + \"|\" + .decision" records | tr "\n" " ")" = "张三|CG1:ABC |deny 张三|CG1:XYZ |deny "
'

test_expect_success PYTHON 'Ctrl-D at the strong identifier question, then x: the entry discarded, nothing journaled' '
	before=$(wc -l <"$CG_HOME/journal/checkin/2026-01-25.jsonl") &&
	cat >script <<-EOF &&
	Direction${TAB}o${TAB}keys
	Pass or QR${TAB}
	Kind${TAB}r${TAB}keys
	Name${TAB}胡建华
	Household${TAB}
	Coming from${TAB}
	or pass${TAB}^D
	in progress${TAB}x${TAB}keys
	EOF
	ask script screen cg-checkin --ask --gate north --now "$NOW" >records &&
	test_line_count = 0 records &&
	test "$(wc -l <"$CG_HOME/journal/checkin/2026-01-25.jsonl")" = $before
'

test_expect_success PYTHON,ZH_LOCALE 'LANGUAGE=zh_CN: Chinese prompts, answers and verdicts' '
	cat >script <<-EOF &&
	方向${TAB}进
	出入证${TAB}
	类别${TAB}快递外卖
	姓名${TAB}张三
	住户${TAB}
	从哪里来${TAB}
	体温${TAB}38.2 s
	症状${TAB}咳嗽、乏力
	方向${TAB}^D
	EOF
	LANGUAGE=zh_CN LC_ALL=zh_CN.UTF-8 ask script screen cg-checkin --ask --dry-run --now "$NOW" >records &&
	test "$(jq -r ".decision + \" \" + .dir + \" \" + .kind + \" \" + (.symptoms | join(\"|\"))" records)" = "deny in courier 咳嗽|乏力" &&
	grep -q "—— 一问 ——" screen &&
	grep -q "拦截" screen &&
	grep -q "发热" screen &&
	grep -q "本班结束" screen
'

test_expect_success PYTHON 'without a Chinese locale the prompts stay English' '
	printf "Direction\t^D\n" >script.en &&
	LANGUAGE=zh_CN ask script.en screen.en cg-checkin --ask --dry-run --now "$NOW" &&
	grep -q "Direction (i in, o out)" screen.en &&
	test_must_fail grep -q "方向" screen.en
'

test_done
