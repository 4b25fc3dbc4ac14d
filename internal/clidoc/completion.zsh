#compdef micsync
# zsh completion for micsync. Made by "micsync completion zsh" from micsync's grammar: change
# cmd/micsync, not this file.
{{- /* A text/template: clidoc.Completion runs it on the grammar, with the functions of scriptFuncs. */}}

# _micsync_words KIND offers the configuration names, location roots or trash runs (stamps) that
# the micsync being completed prints for the config file of the command line. _arguments puts its own options
# before KIND.
_micsync_words() {
  local kind=${@[-1]} cfg expl i=${words[(I)--config-file]}
  local -a list
  if (( i )); then
    cfg=${words[i+1]}
  elif [[ -n ${words[(r)--config-file=*]} ]]; then
    cfg=${${words[(r)--config-file=*]}#--config-file=}
  fi
  cfg=${cfg/#\~/$HOME}
  list=(${(f)"$(${words[1]/#\~/$HOME} ${cfg:+--config-file} ${cfg:+$cfg} completion-words $kind 2>/dev/null)"})
  if [[ $kind == roots ]]; then
    _wanted roots expl 'location root' compadd -a list || _directories # a root typed as ~/...
  elif [[ $kind == stamps ]]; then
    _wanted stamps expl 'trash run' compadd -a list
  else
    _wanted configurations expl 'configuration' compadd -a list
  fi
}

# _micsync_value COMMAND OPTION succeeds when OPTION takes a value after COMMAND ("" before any).
_micsync_value() {
  case "$1 $2" in
{{- range .ValueCases}}
    ({{join .Patterns "|"}}) return 0 ;;
{{- end}}
  esac
  return 1
}

# _micsync_commands COMMAND offers the subcommands of COMMAND, or for "" the top-level commands,
# or there the path that comes first in the original form (micsync PATH --backup). _arguments
# puts its own options before COMMAND.
_micsync_commands() {
  local parent=${@[-1]}
  local -a cmds
  case $parent in
{{- range .Parents}}
    ({{sq .}})
      cmds=(
{{- range $.Children .}}
        {{sq (printf "%s:%s" (zshname .Name) .Help)}}
{{- end}}
      ) ;;
{{- end}}
  esac
  _describe -t commands 'micsync command' cmds || { [[ -z $parent ]] && _files }
}

_micsync() {
  local cmd word i nargs=0
  local -a specs drop rest
  # The command is named by words (micsync trash list ...) or, in the original form, by a flag
  # anywhere before "--" (micsync ... --backup ...). Those words are dropped for _arguments.
  for (( i = 2; i < CURRENT; i++ )); do
    word=$words[i]
    [[ $word == -- ]] && break
    if _micsync_value "$cmd" "$word"; then
      (( i++ ))
      continue
    fi
    case $word in
      ({{join (prefix "--" .Actions) "|"}}) cmd=${word#--}; drop+=($i) ;;
      (-*) ;;
      (*)
        case "${cmd:+$cmd }$word" in
          ({{join (sqall .Paths) "|"}}) (( nargs )) || { cmd="${cmd:+$cmd }$word"; drop+=($i) } ;;
          (*) (( nargs++ )) ;;
        esac ;;
    esac
  done
  if (( ${#drop} )); then
    rest=()
    for (( i = 1; i <= ${#words}; i++ )); do
      (( ${drop[(Ie)$i]} )) || rest+=("$words[i]")
    done
    (( CURRENT -= ${#drop} ))
    words=("${rest[@]}")
  fi
  specs=(
{{- range zshspecs .Global}}
    {{.}}
{{- end}}
  )
  case $cmd in
    ('')
      specs+=(
{{- range .Commands}}{{if .Action}}
        {{sq (printf "--%s[%s]" .Name (zshdesc .Help))}}
{{- end}}{{end}}
        '1: :_micsync_commands ""'
        '*:path:_files'
      ) ;;
{{- range .Commands}}
    ({{sq .Path}})
      specs+=(
{{- if .Leaf}}
{{- range zshspecs .Flags}}
        {{.}}
{{- end}}
{{- range .ZshArgs}}
        {{.}}
{{- end}}
{{- else}}
        {{sq (printf "1: :_micsync_commands %s" (sq .Path))}}
{{- end}}
      ) ;;
{{- end}}
  esac
  _arguments -s -S : $specs
}

_micsync "$@"
