# fish completion for cg-pass(1).  Options are kept in step with --help
# and the man page by tests/cmd/t0900-options-docs.sh.

# The data directory the command would use: --home on the command line,
# else $CG_HOME, else $XDG_STATE_HOME/cg, else ~/.local/state/cg.
function __cg_pass_home
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

# The built-in pass classes and those of config.json's passes.classes.
function __cg_pass_classes
    set -l config (__cg_pass_home)/config.json
    begin
        printf '%s\n' resident returnee tenant temporary visitor vehicle staff
        if test -r $config; and command -sq jq
            jq -r '(.passes.classes // {}) | keys[]' $config 2>/dev/null
        end
    end | sort -u
end

# A field of the issue events of the pass journal (households, pass ids).
function __cg_pass_journal
    set -l journal (__cg_pass_home)/journal/pass.jsonl
    if test -r $journal; and command -sq jq
        jq -r "select(.event == \"issue\") | $argv[1] // empty" $journal 2>/dev/null | sort -u
    end
end

# The subcommand on the command line, if any (options with an argument
# are skipped with it).
function __cg_pass_subcommand
    set -l args (commandline -opc)
    set -l skip 0
    for a in $args[2..-1]
        if test $skip -eq 1
            set skip 0
            continue
        end
        switch $a
            case --class --days --valid-until --reason --pubkey --revocations \
                --household --format --home --now --rejects
                set skip 1
            case '-*'
            case '*'
                echo $a
                return 0
        end
    end
    return 1
end

# True before the subcommand, or when it is one of argv.
function __cg_pass_takes
    set -l sub (__cg_pass_subcommand); or return 0
    contains -- $sub $argv
end

# True when the subcommand is one of argv.
function __cg_pass_using
    set -l sub (__cg_pass_subcommand); or return 1
    contains -- $sub $argv
end

# key takes one action.
function __cg_pass_key_action_needed
    __cg_pass_using key; or return 1
    set -l args (commandline -opc)
    not contains -- export $args; and not contains -- rotate $args
end

complete -c cg-pass -f

# Subcommands.
complete -c cg-pass -n 'not __cg_pass_subcommand' -a issue -d 'Issue passes for person, household or vehicle records'
complete -c cg-pass -n 'not __cg_pass_subcommand' -a verify -d 'Verify tokens, pass ids or records with a "pass" field'
complete -c cg-pass -n 'not __cg_pass_subcommand' -a revoke -d 'Revoke passes'
complete -c cg-pass -n 'not __cg_pass_subcommand' -a revocations -d 'Print the revocation list for offline gates'
complete -c cg-pass -n 'not __cg_pass_subcommand' -a list -d 'List the passes of the journal'
complete -c cg-pass -n 'not __cg_pass_subcommand' -a print -d 'Make printable cards of pass records'
complete -c cg-pass -n 'not __cg_pass_subcommand' -a key -d 'Export the public keys or rotate the signing key'

# issue
complete -c cg-pass -n '__cg_pass_takes issue list' -l class -x -a '(__cg_pass_classes)' -d 'Pass class'
complete -c cg-pass -n '__cg_pass_takes issue' -l days -x -d 'Valid for N days (through the end of the last)'
complete -c cg-pass -n '__cg_pass_takes issue' -l valid-until -x -d 'Valid until TIME (RFC 3339 or YYYY-MM-DD)'
complete -c cg-pass -n '__cg_pass_takes issue' -l force -d 'Issue a returnee pass without a released case'
complete -c cg-pass -n '__cg_pass_takes issue revoke' -l reason -x -d 'Why (journaled; --force and revoke need it)'

# verify
complete -c cg-pass -n '__cg_pass_takes verify' -l pubkey -r -F -d 'Verify with exported public keys only (offline)'
complete -c cg-pass -n '__cg_pass_takes verify' -l revocations -r -F -d 'Also refuse the passes revoked in FILE'

# list
complete -c cg-pass -n '__cg_pass_takes list' -l active -d 'Only passes valid now'
complete -c cg-pass -n '__cg_pass_takes list' -l expired -d 'Only expired passes'
complete -c cg-pass -n '__cg_pass_takes list' -l revoked -d 'Only revoked passes'
complete -c cg-pass -n '__cg_pass_takes list' -l household -x -a '(__cg_pass_journal .household)' -d 'Only that household\'s passes'

# print
complete -c cg-pass -n '__cg_pass_takes print' -l format -x -a 'html\t"A4 sheets of eight cards (default)" svg\t"One SVG document per sheet" txt\t"Cards for a terminal"' -d 'Output format'

# Every subcommand.
complete -c cg-pass -l home -x -a '(__fish_complete_directories (commandline -ct))' -d 'Data directory'
complete -c cg-pass -s n -l dry-run -d 'Do everything but journal'
complete -c cg-pass -l line-buffered -d 'Flush every record'
complete -c cg-pass -l now -x -d 'Fix the clock (RFC 3339)'
complete -c cg-pass -s q -l quiet -d 'No warnings'
complete -c cg-pass -l rejects -r -F -d 'Append every rejected input line to FILE'
complete -c cg-pass -l strict -d 'Stop at the first rejected line'
complete -c cg-pass -s v -l verbose -d 'A summary on standard error at the end'
complete -c cg-pass -s h -l help -d 'Show the help and exit'
complete -c cg-pass -s V -l version -d 'Show the version and exit'

# Operands: input FILEs, pass ids to revoke, the key action.
complete -c cg-pass -n '__cg_pass_using issue verify print' -F
complete -c cg-pass -n '__cg_pass_using revoke' -a '(__cg_pass_journal .pass_id)' -d 'Pass id'
complete -c cg-pass -n __cg_pass_key_action_needed -a export -d 'Print the public keys'
complete -c cg-pass -n __cg_pass_key_action_needed -a rotate -d 'Make a new signing key'
