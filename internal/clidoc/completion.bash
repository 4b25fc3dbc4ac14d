# bash completion for micsync                              -*- shell-script -*-
# Made by "micsync completion bash" from micsync's grammar: change cmd/micsync, not this file.
{{- /* A text/template: clidoc.Completion runs it on the grammar, with the functions of scriptFuncs. */}}

# _micsync_value COMMAND OPTION prints what OPTION takes as its value after COMMAND ("" before
# any): file, configuration, root or text; nothing when it takes no value.
_micsync_value() {
	case "$1 $2" in
{{- range .ValueCases}}
	{{join .Patterns " | "}}) echo {{.Kind}} ;;
{{- end}}
	esac
}

# _micsync_arg COMMAND N prints what the positional argument N (from 0) after COMMAND is:
# commands, file, root, stamp (a trash run) or text.
_micsync_arg() {
	case "$1 $2" in
{{- range .ArgCases}}
	{{.Pattern}}) echo {{.Kind}} ;;
{{- end}}
	esac
}

# _micsync_command PATH succeeds when PATH names a command: "backup", "trash list".
_micsync_command() {
	case $1 in
	{{join (sqall .Paths) " | "}}) return 0 ;;
	esac
	return 1
}

# _micsync_children COMMAND prints the subcommands of COMMAND ("" for the top level).
_micsync_children() {
	case $1 in
{{- range .Parents}}
	{{sq .}}) echo {{join ($.ChildNames .) " "}} ;;
{{- end}}
	esac
}

# _micsync_options COMMAND prints the options valid after COMMAND ("" before any).
_micsync_options() {
	case $1 in
{{- range .Paths}}
	{{sq .}}) echo {{join ($.Options .) " "}} ;;
{{- end}}
	"") echo {{join ($.Options "") " "}} ;;
	esac
}

# _micsync_words KIND CONFIG adds to COMPREPLY the configuration names, location roots or trash
# runs that start with $cur, as the micsync being completed prints them for the config file CONFIG.
_micsync_words() {
	local word
	compopt -o filenames 2>/dev/null
	while IFS= read -r word; do
		[[ $word == "$cur"* ]] && COMPREPLY+=("$word")
	done < <("$micsync" ${2:+--config-file "$2"} completion-words "$1" 2>/dev/null)
}

_micsync() {
	local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}
	local micsync=${COMP_WORDS[0]/#\~/$HOME} cmd="" config="" word i n=0
	# bash splits --option=value into three words at the "=".
	if [[ $cur == = ]]; then
		cur=""
	elif [[ $prev == = ]]; then
		prev=${COMP_WORDS[COMP_CWORD-2]}
	fi
	# The command is named by words (micsync trash list ...) or, in the original form, by a flag
	# anywhere before "--" (micsync ... --backup ...). n counts the arguments after it.
	for ((i = 1; i < COMP_CWORD; i++)); do
		word=${COMP_WORDS[i]}
		if [[ $word == -- ]]; then
			[[ $(_micsync_arg "$cmd" "$n") == file ]] || compopt +o default 2>/dev/null
			return # only arguments follow
		fi
		if [[ -n $(_micsync_value "$cmd" "$word") ]]; then
			[[ ${COMP_WORDS[i+1]} == = ]] && ((i++))
			((i++))
			[[ $word == --config-file ]] && config=${COMP_WORDS[i]/#\~/$HOME}
			continue
		fi
		case $word in
		{{join (prefix "--" .Actions) " | "}}) cmd=${word#--} n=0 ;;
		-*) ;;
		*)
			if ((n == 0)) && _micsync_command "${cmd:+$cmd }$word"; then
				cmd="${cmd:+$cmd }$word"
			else
				((n++))
			fi
			;;
		esac
	done
	case $(_micsync_value "$cmd" "$prev") in
	file) return ;; # readline completes file names: complete -o default
	configuration) _micsync_words configurations "$config"; return ;;
	root) _micsync_words roots "$config"; return ;;
	text) compopt +o default 2>/dev/null; return ;;
	esac
	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "$(_micsync_options "$cmd")" -- "$cur"))
		return
	fi
	case $(_micsync_arg "$cmd" "$n") in
	commands)
		COMPREPLY=($(compgen -W "$(_micsync_children "$cmd")" -- "$cur"))
		[[ -n $cmd ]] && compopt +o default 2>/dev/null # at the top, no match: a path of the original form
		;;
	file) ;;
	root) _micsync_words roots "$config" ;;
	stamp) compopt +o default 2>/dev/null; _micsync_words stamps "$config" ;;
	*) compopt +o default 2>/dev/null ;;
	esac
} &&
	complete -o default -F _micsync micsync
