# The data directory the command would use: --home on the command line,
# else $CG_HOME, else /var/lib/cg for a user whose passwd home it is (the
# package's cg user), else $XDG_STATE_HOME/cg, else ~/.local/state/cg.
function __cg_home
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
    else if contains -- /var/lib/cg (getent passwd (id -u) 2>/dev/null | cut -d: -f6)
        echo /var/lib/cg
    else if set -q XDG_STATE_HOME; and test -n "$XDG_STATE_HOME"
        echo $XDG_STATE_HOME/cg
    else
        echo $HOME/.local/state/cg
    end
end

# The values of KIND (see struct cg_option in lib/core/options.h).
function __cg_value
    set -l home (__cg_home)
    set -l config $home/config.json
    switch $argv[1]
        case gate
            set -l gates
            if test -r $config; and command -sq jq
                set gates (jq -r 'if has("gates") then .gates[] else ("north", "south") end' $config 2>/dev/null)
            end
            if test (count $gates) -eq 0
                set gates north south
            end
            printf '%s\n' $gates
        case journal-day day
            if test $argv[1] = day
                printf '%s\n' today yesterday
            end
            for f in $home/journal/checkin/????-??-??.jsonl $home/journal/checkin/????-??-??.jsonl.gz
                string replace -r '^.*/(\d{4}-\d\d-\d\d)\.jsonl(\.gz)?$' '$1' -- $f
            end | sort -u
        case class
            begin
                printf '%s\n' resident returnee tenant temporary visitor vehicle staff
                if test -r $config; and command -sq jq
                    jq -r '(.passes.classes // {}) | keys[]' $config 2>/dev/null
                end
            end | sort -u
        case household pass
            set -l field .household
            if test $argv[1] = pass
                set field .pass_id
            end
            if test -r $home/journal/pass.jsonl; and command -sq jq
                jq -r "select(.event == \"issue\") | $field // empty" $home/journal/pass.jsonl 2>/dev/null | sort -u
            end
        case case
            if test -r $home/journal/quarantine.jsonl
                sed -n 's/.*"event":"open","case_id":"\([^"]*\)".*/\1/p' $home/journal/quarantine.jsonl 2>/dev/null
            end
        case target
            if test -r $config; and command -sq jq
                jq -r '(.targets // {}) | keys[]' $config 2>/dev/null
            end
    end
end
