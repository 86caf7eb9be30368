# fish completion for sockscope(8): options and their values, field names
# for --output/--sort/--count-by (after commas too), files for
# --record/--replay, state names after state/exclude, and the words of a
# filter expression. Kept in step with src/cli.c by
# tests/integration/completions.sh.

# The field names, "name<TAB>description": the program's own
# --output=help when it can be run, so that a newer sockscope brings its
# new fields; else the names below, which completions.sh holds equal to
# the program's.
function __sockscope_fields
    set -l prog (commandline -opc)[1]
    set -l path (command -s -- $prog 2>/dev/null)
    if test -n "$path"
        set -l found ($path --output=help 2>/dev/null |
            string replace -r -f '^  ([a-z][a-z0-9_]*) +(.*)$' '$1\t$2')
        if set -q found[1]
            printf '%s\n' $found
            return
        end
    end
    printf '%s\n' netid state recv_q send_q local peer src sport dst dport \
        process pid comm uid user inode cookie path file mode owner group \
        peer_process peer_pid peer_comm peer_name peer_inode timer family
end

# A comma-separated list of fields: the items typed so far, then each
# field not among them. For --output, "help" as the whole list.
function __sockscope_field_list
    set -l tok (commandline -ct | string replace -r '^--[a-z-]+=' '')
    set -l done (string match -r '^.*,' -- $tok)
    set -l used (string split , -- "$done")
    for f in (__sockscope_fields)
        set -l name (string split -m1 \t -- $f)[1]
        contains -- $name $used; or printf '%s%s\n' "$done" $f
    end
    set -l opt (commandline -opc)[-1]
    if test -z "$done"; and string match -q -- '--output*' (commandline -ct) $opt
        printf 'help\tlist the fields and exit\n'
    end
end

set -g __sockscope_states established estab syn-sent syn-recv fin-wait-1 \
    fin-wait-2 time-wait closed unconnected unconn close-wait last-ack \
    listening listen closing all connected synchronized bucket big

# Where the word being completed is, one of: options (getopt stops at the
# first word that is not an option), start (the first other word), names
# (a state name must follow a keyword), more (after a state name), filter
# (a new condition), operator NAME (after a predicate), operand NAME
# (after a predicate and an operator).
function __sockscope_where
    set -l words (commandline -opc)[2..-1]
    set -l where options
    set -l kw
    set -l names 0
    set -l i 1
    while test $i -le (count $words)
        set -l w $words[$i]
        set i (math $i + 1)
        if test $where = options
            switch $w
                case --
                    set where start
                    continue
                case --backend --record --replay --output --sort --count-by
                    set i (math $i + 1) # the argument is the next word
                    continue
                case '-?*'
                    continue
            end
            set where start
        end
        switch $w
            case state exclude excl
                set kw $w
                set names 0
                continue
        end
        if test -n "$kw"
            if test $names -eq 0; or contains -- (string lower -- $w) $__sockscope_states
                set names (math $names + 1)
                continue
            end
        end
        # the rest is the filter expression
        set where filter
        break
    end
    if test $where = options
        # an option's argument is not the first word
        if test $i -gt (math (count $words) + 1)
            echo argument
        else
            echo options
        end
        return
    end
    if test $where = start
        if test -z "$kw"
            echo start
        else if test $names -eq 0
            echo names
        else
            echo more
        end
        return
    end
    set -l prev $words[-1]
    set -l before
    if test (count $words) -ge 2
        set before $words[-2]
    end
    switch $prev
        case sport dport pid uid inode src dst comm user path peer_comm
            echo operator $prev
            return
        case '=' '==' '!=' eq ne neq lt le gt ge
            switch $before
                case sport dport src dst pid comm uid user path peer_comm inode
                    echo operand $before
                    return
            end
    end
    echo filter
end

function __sockscope_is
    set -l where (__sockscope_where)
    test "$where" = "$argv"
end

function __sockscope_opt
    __sockscope_is options
end

complete -c sockscope -f

# Options, as long as no other word came before.
complete -c sockscope -n __sockscope_opt -s t -l tcp -d 'TCP sockets'
complete -c sockscope -n __sockscope_opt -s u -l udp -d 'UDP sockets'
complete -c sockscope -n __sockscope_opt -s x -l unix -d 'Unix domain sockets'
complete -c sockscope -n __sockscope_opt -s 4 -l ipv4 -d 'only IPv4'
complete -c sockscope -n __sockscope_opt -s 6 -l ipv6 -d 'only IPv6'
complete -c sockscope -n __sockscope_opt -s l -l listening -d 'only listening sockets'
complete -c sockscope -n __sockscope_opt -s a -l all -d 'sockets in every state'
complete -c sockscope -n __sockscope_opt -s n -l numeric -d 'do not resolve service names'
complete -c sockscope -n __sockscope_opt -s r -l resolve -d 'resolve host names'
complete -c sockscope -n __sockscope_opt -s H -l no-header -d 'suppress the header line'
complete -c sockscope -n __sockscope_opt -s p -l processes -d 'show the processes holding each socket'
complete -c sockscope -n __sockscope_opt -s e -l extended -d 'show uid, inode, cookie, socket file'
complete -c sockscope -n __sockscope_opt -s o -l options -d 'show TCP timers'
complete -c sockscope -n __sockscope_opt -s i -l info -d 'show TCP internals'
complete -c sockscope -n __sockscope_opt -s m -l memory -d 'show socket memory'
complete -c sockscope -n __sockscope_opt -s s -l summary -d 'counts per protocol and state, as ss -s'
complete -c sockscope -n __sockscope_opt -s J -d 'JSON: one document'
complete -c sockscope -n __sockscope_opt -l json -a 'document lines' -d 'JSON: one document, or one object per line'
complete -c sockscope -n '__sockscope_opt; or __sockscope_is argument' -l output -x -a '(__sockscope_field_list)' -d 'show these columns'
complete -c sockscope -n '__sockscope_opt; or __sockscope_is argument' -l sort -x -a '(__sockscope_field_list)' -d 'order the rows by these fields'
complete -c sockscope -n __sockscope_opt -l reverse -d 'reverse the order'
complete -c sockscope -n '__sockscope_opt; or __sockscope_is argument' -l count-by -x -a '(__sockscope_field_list)' -d 'count the sockets per value of these fields'
complete -c sockscope -n __sockscope_opt -l color -a 'auto always never' -d 'colour states and headers'
complete -c sockscope -n __sockscope_opt -l colour -a 'auto always never' -d 'colour states and headers'
complete -c sockscope -n __sockscope_opt -l explain -d 'explain each state the listing shows'
complete -c sockscope -n '__sockscope_opt; or __sockscope_is argument' -l backend -x -a 'auto netlink proc' -d 'where the sockets are read from'
complete -c sockscope -n '__sockscope_opt; or __sockscope_is argument' -l record -r -F -d "save the kernel's netlink answers to FILE"
complete -c sockscope -n '__sockscope_opt; or __sockscope_is argument' -l replay -r -F -d 'read netlink answers from FILE'
complete -c sockscope -n __sockscope_opt -s h -l help -d 'show help and exit'
complete -c sockscope -n __sockscope_opt -s V -l version -d 'show version information and exit'

# The words after the options.
set -l __sockscope_predicates sport dport src dst pid comm uid user path peer_comm inode
complete -c sockscope -n '__sockscope_is options; or __sockscope_is start; or __sockscope_is more' -a 'state exclude' -d keyword
complete -c sockscope -n '__sockscope_is names; or __sockscope_is more' -a "$__sockscope_states" -d state
complete -c sockscope -n '__sockscope_is options; or __sockscope_is start; or __sockscope_is more; or __sockscope_is filter' -a "$__sockscope_predicates" -d predicate
complete -c sockscope -n '__sockscope_is options; or __sockscope_is start; or __sockscope_is more; or __sockscope_is filter' -a not -d 'negation'
complete -c sockscope -n '__sockscope_is filter' -a 'and or' -d 'connective'

# In the filter: operators after a predicate (< <= > >= left out, which
# need quoting), and what can be offered as an operand.
complete -c sockscope -n 'string match -q -r "^operator " -- (__sockscope_where)' -a '= != eq ne' -d operator
complete -c sockscope -n 'string match -q -r "^operator (sport|dport|pid|uid|inode)\$" -- (__sockscope_where)' -a 'lt le gt ge' -d operator
complete -c sockscope -n '__sockscope_is operand user' -a '(__fish_complete_users)'
complete -c sockscope -n '__sockscope_is operand path' -F
