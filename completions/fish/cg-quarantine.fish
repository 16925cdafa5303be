# fish completion for cg-quarantine(1).  Options are kept in step with --help
# and the man page by tests/cmd/t0900-options-docs.sh.

# The data directory the command would use: --home on the command line,
# else $CG_HOME, else $XDG_STATE_HOME/cg, else ~/.local/state/cg.
function __cg_quarantine_home
    set -l args (commandline -opc)
    set -l n (count $args)
    for i in (seq 2 $n)
        switch $args[$i]
            case --home
                if test $i -lt $n
                    set -l j (math $i + 1)
                    echo $args[$j]
                    return
                end
            case '--home=*'
                string replace -- --home= '' $args[$i]
                return
        end
    end
    if set -q CG_HOME; and test -n "$CG_HOME"
        echo $CG_HOME
    else if set -q XDG_STATE_HOME; and test -n "$XDG_STATE_HOME"
        echo $XDG_STATE_HOME/cg
    else
        echo $HOME/.local/state/cg
    end
end

# The case ids of the quarantine journal, for show.
function __cg_quarantine_cases
    set -l journal (__cg_quarantine_home)/journal/quarantine.jsonl
    test -r $journal; or return
    sed -n 's/.*"event":"open","case_id":"\([^"]*\)".*/\1/p' $journal 2>/dev/null
end

set -l __cg_quarantine_subs open check escalate close extend need due release list show

complete -c cg-quarantine -f
complete -c cg-quarantine -n "not __fish_seen_subcommand_from $__cg_quarantine_subs" -a open -d 'Person records in, cases out'
complete -c cg-quarantine -n "not __fish_seen_subcommand_from $__cg_quarantine_subs" -a check -d 'Temperature checks in; alerts escalate'
complete -c cg-quarantine -n "not __fish_seen_subcommand_from $__cg_quarantine_subs" -a escalate -d 'Escalate open cases by hand'
complete -c cg-quarantine -n "not __fish_seen_subcommand_from $__cg_quarantine_subs" -a close -d 'Close cases'
complete -c cg-quarantine -n "not __fish_seen_subcommand_from $__cg_quarantine_subs" -a extend -d 'Change the length of cases'
complete -c cg-quarantine -n "not __fish_seen_subcommand_from $__cg_quarantine_subs" -a need -d 'Service requests'
complete -c cg-quarantine -n "not __fish_seen_subcommand_from $__cg_quarantine_subs" -a due -d 'What is due on a day'
complete -c cg-quarantine -n "not __fish_seen_subcommand_from $__cg_quarantine_subs" -a release -d 'Release the finished cases'
complete -c cg-quarantine -n "not __fish_seen_subcommand_from $__cg_quarantine_subs" -a list -d 'The cases'
complete -c cg-quarantine -n "not __fish_seen_subcommand_from $__cg_quarantine_subs" -a show -d 'Cases with checks, needs, history'

complete -c cg-quarantine -l date -x -d 'The day due and release look at'
complete -c cg-quarantine -l days -x -d 'open: the length; extend: the new length, or +N'
complete -c cg-quarantine -s n -l dry-run -d 'Check and print, but journal nothing'
complete -c cg-quarantine -l explain -d 'release: why ended cases are not releasable'
complete -c cg-quarantine -l home -x -a '(__fish_complete_directories (commandline -ct))' -d 'Data directory'
complete -c cg-quarantine -l household -x -d 'list: only the cases of this household'
complete -c cg-quarantine -l line-buffered -d 'Flush every record'
complete -c cg-quarantine -l no-final-day-check -d 'release: no final day check windows needed'
complete -c cg-quarantine -l now -x -d 'Fix the clock (RFC 3339)'
complete -c cg-quarantine -l officer -x -d 'list: only the cases of this officer'
complete -c cg-quarantine -s q -l quiet -d 'No warnings'
complete -c cg-quarantine -l reason -x -a 'transferred hospital moved_out cancelled error' -d 'escalate, close: the reason'
complete -c cg-quarantine -l rejects -r -F -d 'Append every rejected input line to FILE'
complete -c cg-quarantine -l status -x -a 'open escalated released closed active' -d 'list: only cases with this status'
complete -c cg-quarantine -l strict -d 'Stop at the first rejected line'
complete -c cg-quarantine -s v -l verbose -d 'A summary on standard error at the end'
complete -c cg-quarantine -s h -l help -d 'Show the help and exit'
complete -c cg-quarantine -s V -l version -d 'Show the version and exit'

# Operands: case ids for show, input FILEs for the subcommands that read records.
complete -c cg-quarantine -n '__fish_seen_subcommand_from show' -a '(__cg_quarantine_cases)'
complete -c cg-quarantine -n '__fish_seen_subcommand_from open check escalate close extend need' -F
