# The data directory the command would use: --home on the command line,
# else $CG_HOME, else /var/lib/cg for a user whose passwd home it is (the
# package's cg user), else $XDG_STATE_HOME/cg, else ~/.local/state/cg.
(( $+functions[_cg_home] )) ||
_cg_home() {
  local home=${opt_args[--home]:-$_cg_top_home}
  [[ -n $home ]] || home=$CG_HOME
  if [[ -z $home && $(getent passwd $EUID 2>/dev/null | cut -d: -f6) == /var/lib/cg ]]; then
    home=/var/lib/cg
  fi
  [[ -n $home ]] || home=${XDG_STATE_HOME:-$HOME/.local/state}/cg
  print -r -- ${home/#\~/$HOME}
}

# The values of KIND (see struct cg_option in lib/core/options.h).
(( $+functions[_cg_value] )) ||
_cg_value() {
  local kind=$1 config=$(_cg_home)/config.json journal
  local -a words
  case $kind in
  gate)
    if [[ -r $config ]] && (( $+commands[jq] )); then
      words=(${(f)"$(jq -r 'if has("gates") then .gates[] else ("north", "south") end' \
        $config 2>/dev/null)"})
    fi
    (( $#words )) || words=(north south)
    _wanted gates expl gate compadd -a words
    ;;
  journal-day|day)
    words=($(_cg_home)/journal/checkin/<->-<->-<->.jsonl(|.gz)(N:t))
    words=(${(u)words%%.*})
    [[ $kind == day ]] && words=(today yesterday $words)
    _wanted dates expl day compadd -a words
    ;;
  class)
    words=(resident returnee tenant temporary visitor vehicle staff)
    if [[ -r $config ]] && (( $+commands[jq] )); then
      words+=(${(f)"$(jq -r '(.passes.classes // {}) | keys[]' $config 2>/dev/null)"})
    fi
    words=(${(u)words})
    _wanted classes expl 'pass class' compadd -a words
    ;;
  household|pass)
    journal=$(_cg_home)/journal/pass.jsonl
    local field=.household
    [[ $kind == pass ]] && field=.pass_id
    if [[ -r $journal ]] && (( $+commands[jq] )); then
      words=(${(fu)"$(jq -r "select(.event == \"issue\") | $field // empty" \
        $journal 2>/dev/null)"})
    fi
    _wanted $kind expl $kind compadd -a words
    ;;
  case)
    journal=$(_cg_home)/journal/quarantine.jsonl
    if [[ -r $journal ]]; then
      words=(${(f)"$(sed -n 's/.*"event":"open","case_id":"\([^"]*\)".*/\1/p' $journal 2>/dev/null)"})
    fi
    _wanted cases expl 'case id' compadd -a words
    ;;
  target)
    if [[ -r $config ]] && (( $+commands[jq] )); then
      words=(${(f)"$(jq -r '(.targets // {}) | keys[]' $config 2>/dev/null)"})
    fi
    _wanted targets expl target compadd -a words
    ;;
  esac
}
