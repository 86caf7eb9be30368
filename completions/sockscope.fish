# fish completion for sockscope(8): options and their values, field names
# for --output/--sort/--count-by (after commas too), files for
# --record/--replay, state names after state/exclude, the words of a
# filter expression, and the commands: tui with the listing's words and
# the options it lists, serve, connect, demo, bench and why with their own
# options and arguments. Kept in step with src/cli.c, src/tui/cmd_tui.c
# and src/serve/cmd_*.c by tests/integration/completions.sh.

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
        peer_process peer_pid peer_comm peer_name peer_inode timer family \
        netns netns_inode container
end

# A comma-separated list: the items typed so far, then each ITEM
# ("name<TAB>description") not among them.
function __sockscope_list
    set -l tok (commandline -ct | string replace -r '^--[a-z-]+=' '')
    set -l done (string match -r '^.*,' -- $tok)
    set -l used (string split , -- "$done")
    for f in $argv
        set -l name (string split -m1 \t -- $f)[1]
        contains -- $name $used; or printf '%s%s\n' "$done" $f
    end
end

# A comma-separated list of fields. For --output, "help" as the whole list.
function __sockscope_field_list
    __sockscope_list (__sockscope_fields)
    set -l opt (commandline -opc)[-1]
    set -l tok (commandline -ct)
    if not string match -q -- '*,*' $tok; and string match -q -- '--output*' $tok $opt
        printf 'help\tlist the fields and exit\n'
    end
end

set -g __sockscope_commands tui serve connect demo bench why

set -g __sockscope_states established estab syn-sent syn-recv fin-wait-1 \
    fin-wait-2 time-wait closed unconnected unconn close-wait last-ack \
    listening listen closing all connected synchronized bucket big

# Where the word being completed is, in the listing or after "sockscope
# tui" (which takes the listing's words), one of: command (after a first
# word that names another command: see __sockscope_cmd_where), options
# (getopt stops at the first word that is not an option), argument (the
# value of an option, as the next word), start (the first other word),
# names (a state name must follow a keyword), more (after a state name),
# filter (a new condition), operator NAME (after a predicate), operand
# NAME (after a predicate and an operator).
function __sockscope_where
    set -l words (commandline -opc)[2..-1]
    if set -q words[1]; and test "$words[1]" = tui
        set -e words[1]
    else if set -q words[1]; and contains -- $words[1] $__sockscope_commands
        echo command
        return
    end
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
                case --backend --record --replay --output --sort --count-by --delay --netns
                    set i (math $i + 1) # the argument is the next word
                    continue
                case '-?*'
                    # -d 5, -nd 5, -N ns (but -d5, -dd): the argument is
                    # the next word
                    if string match -q -r -- '^-[^-dN]*[dN]$' $w
                        set i (math $i + 1)
                    end
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
        case sport dport pid uid inode src dst comm user path peer_comm netns container
            echo operator $prev
            return
        case '=' '==' '!=' eq ne neq lt le gt ge
            switch $before
                case sport dport src dst pid comm uid user path peer_comm inode netns container
                    echo operand $before
                    return
            end
    end
    echo filter
end

# A network namespace for -N: the names under /var/run/netns (ip netns
# add), or a path to an nsfs file; a pid is a number, nothing to offer.
function __sockscope_netns
    set -l tok (string replace -r -- '^(--netns=|-[^-]*N)' '' (commandline -ct))
    if string match -q -- '*/*' $tok
        __fish_complete_path $tok
        return
    end
    for f in /var/run/netns/*
        string replace -r '.*/' '' -- $f
    end
end

function __sockscope_is
    set -l where (__sockscope_where)
    test "$where" = "$argv"
end

# An option of the listing or of tui.
function __sockscope_opt
    __sockscope_is options
end

# After "sockscope tui".
function __sockscope_tui
    set -l words (commandline -opc)
    test "$words[2]" = tui
end

# An option of the listing that tui does not take.
function __sockscope_listing_opt
    not __sockscope_tui; and __sockscope_opt
end

# Such an option that takes a value, or its value.
function __sockscope_listing_valued
    not __sockscope_tui; and begin
        __sockscope_opt; or __sockscope_is argument
    end
end

# The first word: a command name runs the command.
function __sockscope_first
    set -l words (commandline -opc)
    not set -q words[2]
end

# The options of COMMAND that take a value, which may be the next word.
function __sockscope_cmd_valued -a cmd
    switch $cmd
        case serve
            printf '%s\n' --type --mode --group --max-conn --backlog \
                --idle-timeout --io-timeout
        case connect
            printf '%s\n' -n --connections --interval --count --duration \
                --closer --type --timeout
        case demo
            printf '%s\n' --port --closer --step
        case bench
            printf '%s\n' --transports --size --count --duration --warmup --pin
        case why
            printf '%s\n' --type --user --timeout
    end
end

# A comma-separated list of bench transports, each once; "all" as the
# whole list.
function __sockscope_transports
    __sockscope_list unix\t'Unix stream' unix-dgram\t'Unix datagram' \
        unix-seqpacket\t'Unix seqpacket' tcp4\t'TCP over 127.0.0.1' \
        tcp6\t'TCP over ::1' udp4\t'UDP over 127.0.0.1' udp6\t'UDP over ::1'
    string match -q -- '*,*' (commandline -ct); or printf 'all\tevery transport\n'
end

# After "sockscope COMMAND": COMMAND, then where the word being completed
# is, one of: value (of an option), kind (the first argument), target
# KIND (the second), more (later), ended (after "--"); why has no KIND,
# its first argument is "target". Options may come after the arguments
# too (getopt permutes).
function __sockscope_cmd_where
    set -l words (commandline -opc)[2..-1]
    set -l valued (__sockscope_cmd_valued $words[1])
    set -l args
    set -l ended
    set -l i 2
    while test $i -le (count $words)
        set -l w $words[$i]
        set i (math $i + 1)
        if test -n "$ended"; or test "$w" = -; or not string match -q -- '-*' $w
            set -a args $w
        else if test "$w" = --
            set ended 1
        else if contains -- $w $valued
            # --count 5, -n 5: the value is the next word
            set i (math $i + 1)
        else if string match -q -r -- '^-[^-]' $w
            # -qn 5: a short option taking a value, last in the group
            set -l letters (string split '' -- (string sub -s 2 -- $w))
            for j in (seq (count $letters))
                if contains -- -$letters[$j] $valued
                    test $j -eq (count $letters); and set i (math $i + 1)
                    break
                end
            end
        end
    end
    if test $i -gt (math (count $words) + 1)
        echo $words[1] value
    else if test -n "$ended"
        echo $words[1] ended
    else if not set -q args[1]; and test $words[1] = why
        echo $words[1] target
    else if not set -q args[1]
        echo $words[1] kind
    else if not set -q args[2]
        echo $words[1] target $args[1]
    else
        echo $words[1] more
    end
end

# __sockscope_cmd COMMAND [WHERE...]: after "sockscope COMMAND" (and at
# WHERE, see __sockscope_cmd_where).
function __sockscope_cmd
    set -l where (commandline -opc)[2]
    test "$where" = "$argv[1]"; or return
    set -q argv[2]; or return 0
    set where (__sockscope_cmd_where)
    test "$where" = "$argv"
end

# An option of COMMAND: not after "--".
function __sockscope_cmd_opt -a cmd
    __sockscope_cmd $cmd; and not __sockscope_cmd $cmd ended
end

complete -c sockscope -f

# Options, as long as no other word came before: the listing's and tui's,
# then the listing's alone.
complete -c sockscope -n __sockscope_opt -s t -l tcp -d 'TCP sockets'
complete -c sockscope -n __sockscope_opt -s u -l udp -d 'UDP sockets'
complete -c sockscope -n __sockscope_opt -s x -l unix -d 'Unix domain sockets'
complete -c sockscope -n __sockscope_opt -s 4 -l ipv4 -d 'only IPv4'
complete -c sockscope -n __sockscope_opt -s 6 -l ipv6 -d 'only IPv6'
complete -c sockscope -n __sockscope_opt -s l -l listening -d 'only listening sockets'
complete -c sockscope -n __sockscope_opt -s a -l all -d 'sockets in every state'
complete -c sockscope -n __sockscope_opt -s n -l numeric -d 'do not resolve service names'
complete -c sockscope -n __sockscope_opt -s r -l resolve -d 'resolve host names'
complete -c sockscope -n '__sockscope_opt; or __sockscope_is argument' -s d -l delay -x -d 'refresh the live view every TENTHS of a second'
complete -c sockscope -n '__sockscope_opt; or __sockscope_is argument' -l output -x -a '(__sockscope_field_list)' -d 'show these columns'
complete -c sockscope -n '__sockscope_opt; or __sockscope_is argument' -l sort -x -a '(__sockscope_field_list)' -d 'order the rows by these fields'
complete -c sockscope -n __sockscope_opt -l reverse -d 'reverse the order'
complete -c sockscope -n __sockscope_opt -l color -a 'auto always never' -d 'colour states and headers'
complete -c sockscope -n '__sockscope_opt; or __sockscope_is argument' -l backend -x -a 'auto netlink proc' -d 'where the sockets are read from'
complete -c sockscope -n __sockscope_opt -s h -l help -d 'show help and exit'
complete -c sockscope -n __sockscope_listing_opt -s H -l no-header -d 'suppress the header line'
complete -c sockscope -n __sockscope_listing_opt -s p -l processes -d 'show the processes holding each socket'
complete -c sockscope -n __sockscope_listing_opt -s e -l extended -d 'show uid, inode, cookie, socket file'
complete -c sockscope -n __sockscope_listing_opt -s o -l options -d 'show TCP timers'
complete -c sockscope -n __sockscope_listing_opt -s i -l info -d 'show TCP internals'
complete -c sockscope -n __sockscope_listing_opt -s m -l memory -d 'show socket memory'
complete -c sockscope -n __sockscope_listing_opt -s s -l summary -d 'counts per protocol and state, as ss -s'
complete -c sockscope -n __sockscope_listing_opt -s J -d 'JSON: one document'
complete -c sockscope -n __sockscope_listing_opt -l json -a 'document lines' -d 'JSON: one document, or one object per line'
complete -c sockscope -n __sockscope_listing_valued -l count-by -x -a '(__sockscope_field_list)' -d 'count the sockets per value of these fields'
complete -c sockscope -n __sockscope_listing_opt -l colour -a 'auto always never' -d 'colour states and headers'
complete -c sockscope -n __sockscope_listing_opt -l explain -d 'explain each state the listing shows'
complete -c sockscope -n __sockscope_listing_opt -l tui -d 'show the sockets live, refreshed'
complete -c sockscope -n __sockscope_listing_valued -l record -r -F -d "save the kernel's netlink answers to FILE"
complete -c sockscope -n __sockscope_listing_valued -l replay -r -F -d 'read netlink answers from FILE'
complete -c sockscope -n __sockscope_listing_valued -s N -l netns -x -a '(__sockscope_netns)' -d 'the sockets of this network namespace'
complete -c sockscope -n __sockscope_listing_opt -l all-netns -d 'every network namespace on the host'
complete -c sockscope -n __sockscope_listing_opt -s c -l continuous -d 'list again every SECS seconds (default 1)'
complete -c sockscope -n __sockscope_listing_opt -l events -d 'one line per socket born, changed state or died'
complete -c sockscope -n __sockscope_listing_opt -s K -l kill -d 'close the matching TCP and UDP sockets (dry run without --yes)'
complete -c sockscope -n __sockscope_listing_opt -l yes -d 'with -K: close the sockets'
complete -c sockscope -n __sockscope_listing_opt -s V -l version -d 'show version information and exit'

# The words after the options.
set -l __sockscope_predicates sport dport src dst pid comm uid user path peer_comm inode netns container
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
complete -c sockscope -n '__sockscope_is operand netns' -x -a '(__sockscope_netns)'

# The commands, at the first word.
complete -c sockscope -n __sockscope_first -a tui -d 'show the sockets live, as they are born, change and die'
complete -c sockscope -n __sockscope_first -a serve -d 'run a test server (ping/pong, echo) on one endpoint'
complete -c sockscope -n __sockscope_first -a connect -d 'connect to a server, ping it and time the replies'
complete -c sockscope -n __sockscope_first -a demo -d 'watch listen(), accept(), close() and TIME-WAIT happen'
complete -c sockscope -n __sockscope_first -a bench -d 'time Unix vs loopback TCP/UDP round trips'
complete -c sockscope -n __sockscope_first -a why -d 'find out why a connection fails'

# sockscope serve KIND TARGET
complete -c sockscope -n '__sockscope_cmd serve kind' -a 'tcp udp unix' -d kind
complete -c sockscope -n '__sockscope_cmd serve target unix' -F
complete -c sockscope -n '__sockscope_cmd_opt serve' -l type -x -a 'stream dgram seqpacket' -d 'Unix socket type'
complete -c sockscope -n '__sockscope_cmd_opt serve' -l mode -x -d 'permissions of the socket file (octal)'
complete -c sockscope -n '__sockscope_cmd_opt serve' -l group -x -a '(__fish_complete_groups)' -d 'group of the socket file'
complete -c sockscope -n '__sockscope_cmd_opt serve' -l allow-remote -d 'allow an address that is not loopback'
complete -c sockscope -n '__sockscope_cmd_opt serve' -l max-conn -x -d 'serve at most N connections at once'
complete -c sockscope -n '__sockscope_cmd_opt serve' -l backlog -x -d 'listen backlog'
complete -c sockscope -n '__sockscope_cmd_opt serve' -l no-accept -d 'never accept, so that the queue fills'
complete -c sockscope -n '__sockscope_cmd_opt serve' -l idle-timeout -x -d 'close a connection idle this long'
complete -c sockscope -n '__sockscope_cmd_opt serve' -l io-timeout -x -d 'close a connection that leaves the replies unread'
complete -c sockscope -n '__sockscope_cmd_opt serve' -s q -l quiet -d 'print only the listening line'
complete -c sockscope -n '__sockscope_cmd_opt serve' -s h -l help -d 'show help and exit'

# sockscope connect KIND TARGET
complete -c sockscope -n '__sockscope_cmd connect kind' -a 'tcp udp unix' -d kind
complete -c sockscope -n '__sockscope_cmd connect target unix' -F
complete -c sockscope -n '__sockscope_cmd_opt connect' -s n -l connections -x -d 'open N connections'
complete -c sockscope -n '__sockscope_cmd_opt connect' -l count -x -d 'pings per connection'
complete -c sockscope -n '__sockscope_cmd_opt connect' -l interval -x -d 'time between pings'
complete -c sockscope -n '__sockscope_cmd_opt connect' -l duration -x -d 'keep the connections open this long'
complete -c sockscope -n '__sockscope_cmd_opt connect' -l closer -x -a 'client server' -d 'who closes first, and so ends in TIME-WAIT'
complete -c sockscope -n '__sockscope_cmd_opt connect' -l type -x -a 'stream dgram seqpacket' -d 'Unix socket type'
complete -c sockscope -n '__sockscope_cmd_opt connect' -l timeout -x -d 'time allowed for each connect and reply'
complete -c sockscope -n '__sockscope_cmd_opt connect' -s q -l quiet -d 'print only the summary line'
complete -c sockscope -n '__sockscope_cmd_opt connect' -s h -l help -d 'show help and exit'

# sockscope demo [KIND]
complete -c sockscope -n '__sockscope_cmd demo kind' -a 'tcp unix' -d kind
complete -c sockscope -n '__sockscope_cmd_opt demo' -s 6 -l ipv6 -d 'TCP over ::1 rather than 127.0.0.1'
complete -c sockscope -n '__sockscope_cmd_opt demo' -l port -x -d "the server's TCP port"
complete -c sockscope -n '__sockscope_cmd_opt demo' -l closer -x -a 'client server' -d 'who closes first, and so ends in TIME-WAIT'
complete -c sockscope -n '__sockscope_cmd_opt demo' -l step -x -d 'pause after each step'
complete -c sockscope -n '__sockscope_cmd_opt demo' -l wait -d 'stay until the TIME-WAIT socket is gone'
complete -c sockscope -n '__sockscope_cmd_opt demo' -l text -d 'print the timeline even on a terminal'
complete -c sockscope -n '__sockscope_cmd_opt demo' -l color -x -a 'auto always never' -d 'colours in the live view'
complete -c sockscope -n '__sockscope_cmd_opt demo' -s h -l help -d 'show help and exit'

# sockscope bench
complete -c sockscope -n '__sockscope_cmd_opt bench' -l transports -x -a '(__sockscope_transports)' -d 'the transports to time'
complete -c sockscope -n '__sockscope_cmd_opt bench' -l size -x -d 'message sizes in bytes (K, M)'
complete -c sockscope -n '__sockscope_cmd_opt bench' -l count -x -d 'timed round trips per transport and size'
complete -c sockscope -n '__sockscope_cmd_opt bench' -l duration -x -d 'time per transport and size'
complete -c sockscope -n '__sockscope_cmd_opt bench' -l warmup -x -d 'untimed round trips before each'
complete -c sockscope -n '__sockscope_cmd_opt bench' -l bulk -d 'throughput: stream messages one way'
complete -c sockscope -n '__sockscope_cmd_opt bench' -l pin -x -d "the measuring end's CPU, then the echo end's"
complete -c sockscope -n '__sockscope_cmd_opt bench' -l json -d 'one JSON document instead of the table'
complete -c sockscope -n '__sockscope_cmd_opt bench' -s h -l help -d 'show help and exit'

# sockscope why TARGET: a socket file, an @NAME or a HOST:PORT (only the
# files can be offered)
complete -c sockscope -n '__sockscope_cmd why target' -F
complete -c sockscope -n '__sockscope_cmd_opt why' -l type -x -a 'stream dgram seqpacket' -d "the client's Unix socket type"
complete -c sockscope -n '__sockscope_cmd_opt why' -s u -l udp -d 'HOST:PORT is a UDP port'
complete -c sockscope -n '__sockscope_cmd_opt why' -l user -x -a '(__fish_complete_users)' -d 'judge for USER (root only)'
complete -c sockscope -n '__sockscope_cmd_opt why' -l timeout -x -d 'how long the probe waits'
complete -c sockscope -n '__sockscope_cmd_opt why' -s J -l json -d 'the findings as one JSON document'
complete -c sockscope -n '__sockscope_cmd_opt why' -s h -l help -d 'show help and exit'
