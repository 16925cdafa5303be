# fish completion for cg-report(1).  Options are kept in step with --help
# and the man page by tests/cmd/t0900-options-docs.sh.

# The data directory the command would use: --home on the command line,
# else $CG_HOME, else $XDG_STATE_HOME/cg, else ~/.local/state/cg.
function __cg_report_home
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

# today, yesterday and the days that have a check-in journal.
function __cg_report_days
    echo today
    echo yesterday
    set -l dir (__cg_report_home)/journal/checkin
    for f in $dir/????-??-??.jsonl $dir/????-??-??.jsonl.gz
        string replace -r '^.*/(\d{4}-\d\d-\d\d)\.jsonl(\.gz)?$' '$1' -- $f
    end | sort -u
end

complete -c cg-report -l date -x -a '(__cg_report_days)' -d 'The day of the report'
complete -c cg-report -l since -x -a '(__cg_report_days)' -d 'The first day of a period'
complete -c cg-report -l until -x -a '(__cg_report_days)' -d 'The last day of a period'
complete -c cg-report -l merge -d 'Roll JSON reports of many compounds up into one'
complete -c cg-report -l format -x -a 'json text csv md html' -d 'Output format'
complete -c cg-report -l table -x -a 'fevers denials gates hours cases overstays warnings journals compounds' -d 'One list as CSV'
complete -c cg-report -l no-mask -d 'Show names, phone and ID numbers in full'
complete -c cg-report -l fail-on -x -a warnings -d 'Exit 5 when the report has warnings'
complete -c cg-report -l home -x -a '(__fish_complete_directories (commandline -ct))' -d 'Data directory'
complete -c cg-report -l line-buffered -d 'Flush the output as soon as it is written'
complete -c cg-report -l now -x -d 'Fix the clock (RFC 3339)'
complete -c cg-report -s q -l quiet -d 'No warnings and no progress'
complete -c cg-report -l rejects -r -F -d 'Append every rejected input line to FILE'
complete -c cg-report -l strict -d 'Stop at the first rejected line, with no report'
complete -c cg-report -s v -l verbose -d 'A summary on standard error at the end'
complete -c cg-report -s h -l help -d 'Show the help and exit'
complete -c cg-report -s V -l version -d 'Show the version and exit'
