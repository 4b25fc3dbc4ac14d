# fish completion for micsync. Made by "micsync completion fish" from micsync's grammar: change
# cmd/micsync, not this file.
{{- /* A text/template: clidoc.Completion runs it on the grammar, with the functions of scriptFuncs. */}}

# __micsync_value COMMAND OPTION succeeds when OPTION takes a value after COMMAND ("" before any).
function __micsync_value
    contains -- "$argv[2]"{{range .ValueCases}}{{range .Globals}} {{fishq .}}{{end}}{{end}}
    or contains -- "$argv[1] $argv[2]"{{range .ValueCases}}{{range .Pairs}} {{fishq .}}{{end}}{{end}}
end

# __micsync_command prints the command of the command line, named by words (micsync trash list ...)
# or, in the original form, by a flag anywhere before "--" (micsync ... --backup ...); and on a
# second line the number of arguments after it.
function __micsync_command
    set -l tokens (commandline -opc)
    set -e tokens[1]
    set -l cmd ""
    set -l skip 0
    set -l args 0
    for token in $tokens
        if test $skip = 1
            set skip 0
            continue
        end
        if test "$token" = --
            break
        end
        if __micsync_value "$cmd" "$token"
            set skip 1
        else if contains -- "$token" {{join (fishqall (prefix "--" .Actions)) " "}}
            set cmd (string sub -s 3 -- "$token")
        else if string match -q -- '-*' "$token"
            continue
        else if test $args = 0; and contains -- (string trim -- "$cmd $token") {{join (fishqall .Paths) " "}}
            set cmd (string trim -- "$cmd $token")
        else
            set args (math $args + 1)
        end
    end
    printf '%s\n' "$cmd" $args
end

# __micsync_using COMMAND succeeds when the command line's command is COMMAND ("" for none yet).
function __micsync_using
    set -l parsed (__micsync_command)
    test "$parsed[1]" = "$argv[1]"
end

# __micsync_at COMMAND N succeeds when the command line's command is COMMAND and the word being
# completed is its argument N (from 0).
function __micsync_at
    set -l parsed (__micsync_command)
    test "$parsed[1]" = "$argv[1]"; and test "$parsed[2]" = "$argv[2]"
end

# __micsync_words KIND prints the configuration names, location roots or trash runs that the
# micsync being completed prints for the config file of the command line.
function __micsync_words
    set -l tokens (commandline -opc)
    set -l config
    set -l i (contains -i -- --config-file $tokens)
    if test -n "$i"
        set config --config-file (string replace -r '^~' "$HOME" -- $tokens[(math $i + 1)])
    else if set -l given (string match -- '--config-file=*' $tokens)
        set config --config-file (string replace -r '^~' "$HOME" -- (string sub -s 15 -- $given[1]))
    end
    $tokens[1] $config completion-words $argv[1] 2>/dev/null
end
{{range .Parents}}
complete -c micsync -n {{fishq (printf "__micsync_using \"%s\"" .)}} -f
{{- range $.Children .}}
complete -c micsync -n {{fishq (printf "__micsync_using \"%s\"" .Parent)}} -a {{fishq .Name}} -d {{fishq .Help}}
{{- end}}
{{- end}}
{{- range .Commands}}{{if .Action}}
complete -c micsync -n '__micsync_using ""' -l {{.Name}} -d {{fishq .Help}}
{{- end}}{{end}}
{{- range .Global}}
complete -c micsync{{template "fishflag" .}}
{{- end}}
{{- range $c := .Leaves}}
{{- range .Flags}}
complete -c micsync -n {{fishq (printf "__micsync_using \"%s\"" $c.Path)}}{{template "fishflag" .}}
{{- end}}
{{- range .FishArgs}}
complete -c micsync -n {{fishq (fishcond $c.Path .N)}} -f{{if ne .Words "none"}} -a '(__micsync_words {{.Words}})'{{end}}
{{- end}}
{{- end}}
{{define "fishflag"}}{{if .Short}} -s {{.Short}}{{end}} -l {{.Long}}
{{- if eq .Value "file"}} -r -F
{{- else if eq .Value "configuration"}} -x -a '(__micsync_words configurations)'
{{- else if eq .Value "root"}} -x -a '(__micsync_words roots)'
{{- else if eq .Value "text"}} -x
{{- end}} -d {{fishq .Help}}{{end -}}
