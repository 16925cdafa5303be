# fish completion for cg-checkin(1).  Options are kept in step with --help
# and the man page by tests/cmd/t0900-options-docs.sh.

# The data directory the command would use: --home on the command line,
# else $CG_HOME, else $XDG_STATE_HOME/cg, else ~/.local/state/cg.
function __cg_checkin_home
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

# The gates of config.json, else the built-in "north south".
function __cg_checkin_gates
    set -l config (__cg_checkin_home)/config.json
    set -l gates
    if test -r $config; and command -sq jq
        set gates (jq -r 'if has("gates") then .gates[] else ("north", "south") end' $config 2>/dev/null)
    end
    if test (count $gates) -eq 0
        set gates north south
    end
    printf '%s\n' $gates
end

# The days that have a check-in journal, for --verify.
function __cg_checkin_days
    set -l dir (__cg_checkin_home)/journal/checkin
    for f in $dir/????-??-??.jsonl $dir/????-??-??.jsonl.gz
        string replace -r '^.*/(\d{4}-\d\d-\d\d)\.jsonl(\.gz)?$' '$1' -- $f
    end | sort -u
end

complete -c cg-checkin -s a -l ask -d 'Interactive guard mode at a terminal'
complete -c cg-checkin -s g -l gate -x -a '(__cg_checkin_gates)' -d 'The gate --ask registers at'
complete -c cg-checkin -s n -l dry-run -d 'Decide and print, but journal nothing'
complete -c cg-checkin -l home -x -a '(__fish_complete_directories (commandline -ct))' -d 'Data directory'
complete -c cg-checkin -l line-buffered -d 'Flush every record'
complete -c cg-checkin -l max-line -x -d 'Reject input lines longer than BYTES'
complete -c cg-checkin -l now -x -d 'Fix the clock (RFC 3339)'
complete -c cg-checkin -s q -l quiet -d 'No warnings'
complete -c cg-checkin -l rejects -r -F -d 'Append every rejected input line to FILE'
complete -c cg-checkin -l strict -d 'Stop at the first rejected line'
complete -c cg-checkin -s v -l verbose -d 'A summary on standard error at the end'
complete -c cg-checkin -l verify -d 'Verify the check-in journals (all days, or DATEs)'
complete -c cg-checkin -s h -l help -d 'Show the help and exit'
complete -c cg-checkin -s V -l version -d 'Show the version and exit'

# Operands: DATEs after --verify, nothing after --ask, else input FILEs.
complete -c cg-checkin -n '__fish_seen_argument -l verify' -f -a '(__cg_checkin_days)'
complete -c cg-checkin -n '__fish_seen_argument -s a -l ask' -f
