# The data directory the command would use: --home on the command line,
# else $CG_HOME, else /var/lib/cg for a user whose passwd home it is (the
# package's cg user), else $XDG_STATE_HOME/cg, else ~/.local/state/cg.
_cg_home()
{
	local i home=
	for ((i = 1; i < ${#COMP_WORDS[@]} - 1; i++)); do
		case ${COMP_WORDS[i]} in
		--home)
			if [[ ${COMP_WORDS[i + 1]} == = ]]; then
				home=${COMP_WORDS[i + 2]}
			else
				home=${COMP_WORDS[i + 1]}
			fi
			break
			;;
		--home=?*)
			home=${COMP_WORDS[i]#--home=}
			break
			;;
		esac
	done
	[[ -n $home ]] || home=$CG_HOME
	if [[ -z $home && $(getent passwd "$EUID" 2>/dev/null | cut -d: -f6) == /var/lib/cg ]]; then
		home=/var/lib/cg
	fi
	[[ -n $home ]] || home=${XDG_STATE_HOME:-$HOME/.local/state}/cg
	printf '%s\n' "${home/#\~/$HOME}"
}

# The days that have a check-in journal.
_cg_journal_days()
{
	local home f
	home=$(_cg_home)
	for f in "$home"/journal/checkin/????-??-??.jsonl "$home"/journal/checkin/????-??-??.jsonl.gz; do
		[[ -e $f ]] || continue
		f=${f##*/}
		printf '%s\n' "${f%%.*}"
	done
}

# The words of a value of KIND (see struct cg_option in lib/core/options.h).
_cg_words()
{
	local config journal
	config=$(_cg_home)/config.json
	case $1 in
	gate)
		local gates=
		if [[ -r $config ]] && type jq >/dev/null 2>&1; then
			gates=$(jq -r 'if has("gates") then .gates[] else ("north", "south") end' \
				"$config" 2>/dev/null)
		fi
		printf '%s\n' "${gates:-north
south}"
		;;
	journal-day)
		_cg_journal_days
		;;
	day)
		printf '%s\n' today yesterday
		_cg_journal_days
		;;
	class)
		{
			printf '%s\n' resident returnee tenant temporary visitor vehicle staff
			if [[ -r $config ]] && type jq >/dev/null 2>&1; then
				jq -r '(.passes.classes // {}) | keys[]' "$config" 2>/dev/null
			fi
		} | sort -u
		;;
	household | pass)
		journal=$(_cg_home)/journal/pass.jsonl
		if [[ -r $journal ]] && type jq >/dev/null 2>&1; then
			local field=.household
			[[ $1 == pass ]] && field=.pass_id
			jq -r "select(.event == \"issue\") | $field // empty" "$journal" 2>/dev/null | sort -u
		fi
		;;
	case)
		journal=$(_cg_home)/journal/quarantine.jsonl
		[[ -r $journal ]] &&
			sed -n 's/.*"event":"open","case_id":"\([^"]*\)".*/\1/p' "$journal" 2>/dev/null
		;;
	target)
		if [[ -r $config ]] && type jq >/dev/null 2>&1; then
			jq -r '(.targets // {}) | keys[]' "$config" 2>/dev/null
		fi
		;;
	choice:*)
		local IFS=' '
		printf '%s\n' ${1#choice:}
		;;
	esac
}

# Complete the word being completed, $cur, as a value of KIND.
_cg_value()
{
	local IFS=$'\n'
	case $1 in
	file)
		compopt -o filenames 2>/dev/null
		COMPREPLY=($(compgen -f -- "$cur"))
		;;
	dir)
		compopt -o filenames 2>/dev/null
		COMPREPLY=($(compgen -d -- "$cur"))
		;;
	gate | journal-day | day | class | household | pass | case | target | choice:*)
		COMPREPLY=($(compgen -W "$(_cg_words "$1")" -- "$cur"))
		;;
	*)
		# A time, a number, a name, free text: nothing to offer.
		COMPREPLY=()
		;;
	esac
}
