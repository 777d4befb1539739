# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_flags_global_optspecs
    string join \n C= color= h/help V/version
end

function __fish_flags_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_flags_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_flags_using_subcommand
    set -l cmd (__fish_flags_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c flags -n "__fish_flags_needs_command" -s C -d 'Run as if started in DIR (the flags root is found by walking up from there)' -r -F
complete -c flags -n "__fish_flags_needs_command" -l color -d 'When to use colour (also off when NO_COLOR is set)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c flags -n "__fish_flags_needs_command" -s h -l help -d 'Print help'
complete -c flags -n "__fish_flags_needs_command" -s V -l version -d 'Print version'
complete -c flags -n "__fish_flags_needs_command" -f -a "init" -d 'Create a flags repository: flags.yaml, three gated environments, two segments'
complete -c flags -n "__fish_flags_needs_command" -f -a "validate" -d 'Check every file and report every problem (exit 1 on errors)'
complete -c flags -n "__fish_flags_needs_command" -f -a "list" -d 'List flags with their stage in each environment'
complete -c flags -n "__fish_flags_needs_command" -f -a "show" -d 'Show one flag: definition and audience per environment'
complete -c flags -n "__fish_flags_needs_command" -f -a "new" -d 'Create a flag at the first stage in every environment'
complete -c flags -n "__fish_flags_needs_command" -f -a "promote" -d 'Move flags one stage forward (or to --to) in an environment; diff, confirm, commit'
complete -c flags -n "__fish_flags_needs_command" -f -a "demote" -d 'Roll flags back one stage (or to --to STAGE|off); never blocked'
complete -c flags -n "__fish_flags_needs_command" -f -a "schedule" -d 'Plan a move to the next stage (or --to) at a time, or --clear the plan; diff, confirm, commit'
complete -c flags -n "__fish_flags_needs_command" -f -a "advance" -d 'Write every scheduled move that is due into the flag files, in one commit'
complete -c flags -n "__fish_flags_needs_command" -f -a "diff" -d 'Show what changed between two revisions in flag terms (default: HEAD vs working tree)'
complete -c flags -n "__fish_flags_needs_command" -f -a "eval" -d 'Tell whether a flag is on for a user in an environment, and why'
complete -c flags -n "__fish_flags_needs_command" -f -a "export" -d 'Compile environments for run time: flagd definitions or OpenFeature Operator resources'
complete -c flags -n "__fish_flags_needs_command" -f -a "log" -d 'Show stage changes from git history, newest first'
complete -c flags -n "__fish_flags_needs_command" -f -a "stale" -d 'List cleanup candidates: ready, expired or stalled flags (exit 1 with --check)'
complete -c flags -n "__fish_flags_needs_command" -f -a "remove" -d 'Delete flags whose cleanup is done (refuses while code still mentions them)'
complete -c flags -n "__fish_flags_needs_command" -f -a "refs" -d 'Show where source code mentions flag keys (file:line), honouring .gitignore'
complete -c flags -n "__fish_flags_needs_command" -f -a "schema" -d 'Print the JSON Schema of the file formats'
complete -c flags -n "__fish_flags_needs_command" -f -a "completions" -d 'Print a shell completion script'
complete -c flags -n "__fish_flags_needs_command" -f -a "manpage" -d 'Print the man page (roff): `flags manpage > flags.1`'
complete -c flags -n "__fish_flags_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c flags -n "__fish_flags_using_subcommand init" -s C -d 'Run as if started in DIR (the flags root is found by walking up from there)' -r -F
complete -c flags -n "__fish_flags_using_subcommand init" -l color -d 'When to use colour (also off when NO_COLOR is set)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c flags -n "__fish_flags_using_subcommand init" -l no-commit -d 'Write the files but do not commit them (in a git work tree they are committed)'
complete -c flags -n "__fish_flags_using_subcommand init" -s n -l no-verify -d 'Do not run the `pre-commit` and `commit-msg` hooks (as `git commit --no-verify`)'
complete -c flags -n "__fish_flags_using_subcommand init" -s h -l help -d 'Print help'
complete -c flags -n "__fish_flags_using_subcommand validate" -l format -d 'Output format' -r -f -a "text\t'`file:line:column: severity: message`, one per line'
json\t'One JSON object with every problem'
github\t'GitHub Actions workflow commands (annotations on the pull request)'"
complete -c flags -n "__fish_flags_using_subcommand validate" -l against -d 'Also enforce the pipeline on what changed since REV (e.g. `origin/main`)' -r
complete -c flags -n "__fish_flags_using_subcommand validate" -s C -d 'Run as if started in DIR (the flags root is found by walking up from there)' -r -F
complete -c flags -n "__fish_flags_using_subcommand validate" -l color -d 'When to use colour (also off when NO_COLOR is set)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c flags -n "__fish_flags_using_subcommand validate" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c flags -n "__fish_flags_using_subcommand list" -l env -d 'Only this environment\'s stage is matched by --stage' -r
complete -c flags -n "__fish_flags_using_subcommand list" -l stage -d 'Only flags at this stage (in --env, or in any environment)' -r
complete -c flags -n "__fish_flags_using_subcommand list" -l owner -d 'Only flags owned by OWNER' -r
complete -c flags -n "__fish_flags_using_subcommand list" -l type -d 'Only flags of this type (release, experiment, operational, kill-switch, permission)' -r
complete -c flags -n "__fish_flags_using_subcommand list" -l format -d 'Output format' -r -f -a "table\t'Human-readable table'
json\t'Machine-readable JSON'"
complete -c flags -n "__fish_flags_using_subcommand list" -s C -d 'Run as if started in DIR (the flags root is found by walking up from there)' -r -F
complete -c flags -n "__fish_flags_using_subcommand list" -l color -d 'When to use colour (also off when NO_COLOR is set)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c flags -n "__fish_flags_using_subcommand list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c flags -n "__fish_flags_using_subcommand show" -l format -d 'Output format' -r -f -a "table\t'Human-readable table'
json\t'Machine-readable JSON'"
complete -c flags -n "__fish_flags_using_subcommand show" -s C -d 'Run as if started in DIR (the flags root is found by walking up from there)' -r -F
complete -c flags -n "__fish_flags_using_subcommand show" -l color -d 'When to use colour (also off when NO_COLOR is set)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c flags -n "__fish_flags_using_subcommand show" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c flags -n "__fish_flags_using_subcommand new" -l owner -d 'Team or person responsible (asked for on a terminal when left out)' -r
complete -c flags -n "__fish_flags_using_subcommand new" -l description -d 'What the flag controls (asked for on a terminal when left out)' -r
complete -c flags -n "__fish_flags_using_subcommand new" -l type -d 'Kind of flag' -r -f -a "release\t''
experiment\t''
operational\t''
kill-switch\t''
permission\t''"
complete -c flags -n "__fish_flags_using_subcommand new" -l expires -d 'Date past which the flag is overdue for cleanup (YYYY-MM-DD)' -r
complete -c flags -n "__fish_flags_using_subcommand new" -l variant -d 'A variant of a typed flag: its name and JSON value (`dark=\'"#000"\'`, `limit=100`, `cfg=\'{"rows": 10}\'`); repeat for each variant' -r
complete -c flags -n "__fish_flags_using_subcommand new" -l default -d 'The variant served outside the audience (with --variant)' -r
complete -c flags -n "__fish_flags_using_subcommand new" -l serve -d 'The variant served to the audience (with --variant)' -r
complete -c flags -n "__fish_flags_using_subcommand new" -l dir -d 'Sub-folder of `flags/` to create the file in (a team\'s folder, e.g. `checkout` or `web/checkout`)' -r
complete -c flags -n "__fish_flags_using_subcommand new" -l branch -d 'Commit on branch NAME (created from HEAD if new) instead of the current branch; the work tree, the index and the current branch are not touched' -r
complete -c flags -n "__fish_flags_using_subcommand new" -s C -d 'Run as if started in DIR (the flags root is found by walking up from there)' -r -F
complete -c flags -n "__fish_flags_using_subcommand new" -l color -d 'When to use colour (also off when NO_COLOR is set)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c flags -n "__fish_flags_using_subcommand new" -s y -l yes -d 'Apply without asking for confirmation (required without a terminal)'
complete -c flags -n "__fish_flags_using_subcommand new" -l dry-run -d 'Print the diff and change nothing'
complete -c flags -n "__fish_flags_using_subcommand new" -l no-commit -d 'Write the file but do not commit it'
complete -c flags -n "__fish_flags_using_subcommand new" -s n -l no-verify -d 'Do not run the `pre-commit` and `commit-msg` hooks (as `git commit --no-verify`)'
complete -c flags -n "__fish_flags_using_subcommand new" -s h -l help -d 'Print help'
complete -c flags -n "__fish_flags_using_subcommand promote" -s e -l env -d 'Environment to promote in; repeat for several (asked for on a terminal when left out)' -r
complete -c flags -n "__fish_flags_using_subcommand promote" -l to -d 'Stage to promote to (default: the next one)' -r
complete -c flags -n "__fish_flags_using_subcommand promote" -l branch -d 'Commit on branch NAME (created from HEAD if new) instead of the current branch; the work tree, the index and the current branch are not touched' -r
complete -c flags -n "__fish_flags_using_subcommand promote" -s C -d 'Run as if started in DIR (the flags root is found by walking up from there)' -r -F
complete -c flags -n "__fish_flags_using_subcommand promote" -l color -d 'When to use colour (also off when NO_COLOR is set)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c flags -n "__fish_flags_using_subcommand promote" -l force -d 'Promote past a gate, before soak time ends, or more than one stage at once'
complete -c flags -n "__fish_flags_using_subcommand promote" -s y -l yes -d 'Apply without asking for confirmation (required without a terminal)'
complete -c flags -n "__fish_flags_using_subcommand promote" -l dry-run -d 'Print the diff and change nothing'
complete -c flags -n "__fish_flags_using_subcommand promote" -l no-commit -d 'Write the file but do not commit it'
complete -c flags -n "__fish_flags_using_subcommand promote" -s n -l no-verify -d 'Do not run the `pre-commit` and `commit-msg` hooks (as `git commit --no-verify`)'
complete -c flags -n "__fish_flags_using_subcommand promote" -s h -l help -d 'Print help'
complete -c flags -n "__fish_flags_using_subcommand demote" -s e -l env -d 'Environment to demote in; repeat for several (asked for on a terminal when left out)' -r
complete -c flags -n "__fish_flags_using_subcommand demote" -l to -d 'Stage to roll back to, or `off` (default: the previous one)' -r
complete -c flags -n "__fish_flags_using_subcommand demote" -l branch -d 'Commit on branch NAME (created from HEAD if new) instead of the current branch; the work tree, the index and the current branch are not touched' -r
complete -c flags -n "__fish_flags_using_subcommand demote" -s C -d 'Run as if started in DIR (the flags root is found by walking up from there)' -r -F
complete -c flags -n "__fish_flags_using_subcommand demote" -l color -d 'When to use colour (also off when NO_COLOR is set)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c flags -n "__fish_flags_using_subcommand demote" -l cascade -d 'Also demote every environment that comes after (directly or through other gates) and would be left ahead, to the same stage, in the same commit'
complete -c flags -n "__fish_flags_using_subcommand demote" -s y -l yes -d 'Apply without asking for confirmation (required without a terminal)'
complete -c flags -n "__fish_flags_using_subcommand demote" -l dry-run -d 'Print the diff and change nothing'
complete -c flags -n "__fish_flags_using_subcommand demote" -l no-commit -d 'Write the file but do not commit it'
complete -c flags -n "__fish_flags_using_subcommand demote" -s n -l no-verify -d 'Do not run the `pre-commit` and `commit-msg` hooks (as `git commit --no-verify`)'
complete -c flags -n "__fish_flags_using_subcommand demote" -s h -l help -d 'Print help'
complete -c flags -n "__fish_flags_using_subcommand schedule" -s e -l env -d 'Environment to plan in (asked for on a terminal when left out)' -r
complete -c flags -n "__fish_flags_using_subcommand schedule" -l at -d 'When the move happens: RFC 3339 with `Z` or an offset (2026-12-01T09:00:00Z)' -r
complete -c flags -n "__fish_flags_using_subcommand schedule" -l to -d 'Stage to move to (default: the one after the last planned stage)' -r
complete -c flags -n "__fish_flags_using_subcommand schedule" -l branch -d 'Commit on branch NAME (created from HEAD if new) instead of the current branch; the work tree, the index and the current branch are not touched' -r
complete -c flags -n "__fish_flags_using_subcommand schedule" -s C -d 'Run as if started in DIR (the flags root is found by walking up from there)' -r -F
complete -c flags -n "__fish_flags_using_subcommand schedule" -l color -d 'When to use colour (also off when NO_COLOR is set)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c flags -n "__fish_flags_using_subcommand schedule" -l clear -d 'Remove every planned move of the flag in the environment'
complete -c flags -n "__fish_flags_using_subcommand schedule" -l force -d 'Plan past a gate, before soak time ends, or more than one stage at once'
complete -c flags -n "__fish_flags_using_subcommand schedule" -s y -l yes -d 'Apply without asking for confirmation (required without a terminal)'
complete -c flags -n "__fish_flags_using_subcommand schedule" -l dry-run -d 'Print the diff and change nothing'
complete -c flags -n "__fish_flags_using_subcommand schedule" -l no-commit -d 'Write the file but do not commit it'
complete -c flags -n "__fish_flags_using_subcommand schedule" -s n -l no-verify -d 'Do not run the `pre-commit` and `commit-msg` hooks (as `git commit --no-verify`)'
complete -c flags -n "__fish_flags_using_subcommand schedule" -s h -l help -d 'Print help'
complete -c flags -n "__fish_flags_using_subcommand advance" -l branch -d 'Commit on branch NAME (created from HEAD if new) instead of the current branch; the work tree, the index and the current branch are not touched' -r
complete -c flags -n "__fish_flags_using_subcommand advance" -s C -d 'Run as if started in DIR (the flags root is found by walking up from there)' -r -F
complete -c flags -n "__fish_flags_using_subcommand advance" -l color -d 'When to use colour (also off when NO_COLOR is set)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c flags -n "__fish_flags_using_subcommand advance" -s y -l yes -d 'Apply without asking for confirmation (required without a terminal)'
complete -c flags -n "__fish_flags_using_subcommand advance" -l dry-run -d 'Print the diff and change nothing'
complete -c flags -n "__fish_flags_using_subcommand advance" -l no-commit -d 'Write the file but do not commit it'
complete -c flags -n "__fish_flags_using_subcommand advance" -s n -l no-verify -d 'Do not run the `pre-commit` and `commit-msg` hooks (as `git commit --no-verify`)'
complete -c flags -n "__fish_flags_using_subcommand advance" -s h -l help -d 'Print help'
complete -c flags -n "__fish_flags_using_subcommand diff" -l format -d 'Output format' -r -f -a "table\t'Human-readable table'
json\t'Machine-readable JSON'"
complete -c flags -n "__fish_flags_using_subcommand diff" -s C -d 'Run as if started in DIR (the flags root is found by walking up from there)' -r -F
complete -c flags -n "__fish_flags_using_subcommand diff" -l color -d 'When to use colour (also off when NO_COLOR is set)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c flags -n "__fish_flags_using_subcommand diff" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c flags -n "__fish_flags_using_subcommand eval" -l env -d 'Environment to evaluate in' -r
complete -c flags -n "__fish_flags_using_subcommand eval" -l user -d 'Targeting key of the user (the attribute `key`)' -r
complete -c flags -n "__fish_flags_using_subcommand eval" -l attr -d 'A user attribute; JSON numbers are numbers, anything else (or "quoted") a string' -r
complete -c flags -n "__fish_flags_using_subcommand eval" -l at -d 'Evaluate at this instant (RFC 3339 with `Z` or an offset; default: now), schedules applied' -r
complete -c flags -n "__fish_flags_using_subcommand eval" -l format -d 'Output format' -r -f -a "text\t'The answer, the stage and the reason, one per line'
json\t'One JSON object'"
complete -c flags -n "__fish_flags_using_subcommand eval" -s C -d 'Run as if started in DIR (the flags root is found by walking up from there)' -r -F
complete -c flags -n "__fish_flags_using_subcommand eval" -l color -d 'When to use colour (also off when NO_COLOR is set)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c flags -n "__fish_flags_using_subcommand eval" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c flags -n "__fish_flags_using_subcommand export" -l env -d 'Environment to export' -r
complete -c flags -n "__fish_flags_using_subcommand export" -l out-dir -d 'Directory for --all: DIR/ENV.flagd.json (ENV.json, ENV.openfeature.json, ENV.featureflag.yaml for the other formats)' -r -F
complete -c flags -n "__fish_flags_using_subcommand export" -l format -d 'Output format' -r -f -a "flagd\t'flagd flag definitions (flagd --uri file:..., OpenFeature in-process providers)'
json\t'Plain snapshot: {flag: {"stage", "segments", "rollout"}}'
openfeature\t'OpenFeature CLI flag manifest ({"flags": {KEY: {"flagType", "defaultValue", "description"}}}), for `openfeature generate`'
openfeature-operator\t'Kubernetes FeatureFlag resource (core.openfeature.dev/v1beta1) for the OpenFeature Operator'"
complete -c flags -n "__fish_flags_using_subcommand export" -s o -l output -d 'Write to FILE (atomically; through a symbolic link, to its target) instead of standard output; relative to -C DIR when given' -r -F
complete -c flags -n "__fish_flags_using_subcommand export" -s C -d 'Run as if started in DIR (the flags root is found by walking up from there)' -r -F
complete -c flags -n "__fish_flags_using_subcommand export" -l color -d 'When to use colour (also off when NO_COLOR is set)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c flags -n "__fish_flags_using_subcommand export" -l all -d 'Export every environment, one file each in --out-dir'
complete -c flags -n "__fish_flags_using_subcommand export" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c flags -n "__fish_flags_using_subcommand log" -l env -d 'Only this environment' -r
complete -c flags -n "__fish_flags_using_subcommand log" -l format -d 'Output format' -r -f -a "table\t'Human-readable table'
json\t'Machine-readable JSON'"
complete -c flags -n "__fish_flags_using_subcommand log" -s C -d 'Run as if started in DIR (the flags root is found by walking up from there)' -r -F
complete -c flags -n "__fish_flags_using_subcommand log" -l color -d 'When to use colour (also off when NO_COLOR is set)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c flags -n "__fish_flags_using_subcommand log" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c flags -n "__fish_flags_using_subcommand stale" -l as-of -d 'Report what will be stale by DATE (YYYY-MM-DD) instead of today' -r
complete -c flags -n "__fish_flags_using_subcommand stale" -l refs -d 'Count references in DIR (default: the enclosing git repository)' -r -F
complete -c flags -n "__fish_flags_using_subcommand stale" -l format -d 'Output format' -r -f -a "table\t'Human-readable table'
json\t'Machine-readable JSON'"
complete -c flags -n "__fish_flags_using_subcommand stale" -s C -d 'Run as if started in DIR (the flags root is found by walking up from there)' -r -F
complete -c flags -n "__fish_flags_using_subcommand stale" -l color -d 'When to use colour (also off when NO_COLOR is set)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c flags -n "__fish_flags_using_subcommand stale" -l check -d 'Exit 1 when there are candidates (for scheduled CI jobs)'
complete -c flags -n "__fish_flags_using_subcommand stale" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c flags -n "__fish_flags_using_subcommand remove" -l refs -d 'Where to look for references (default: the enclosing git repository, else the flags root)' -r -F
complete -c flags -n "__fish_flags_using_subcommand remove" -l branch -d 'Commit on branch NAME (created from HEAD if new) instead of the current branch; the work tree, the index and the current branch are not touched' -r
complete -c flags -n "__fish_flags_using_subcommand remove" -s C -d 'Run as if started in DIR (the flags root is found by walking up from there)' -r -F
complete -c flags -n "__fish_flags_using_subcommand remove" -l color -d 'When to use colour (also off when NO_COLOR is set)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c flags -n "__fish_flags_using_subcommand remove" -l force -d 'Delete even while source code still mentions the key'
complete -c flags -n "__fish_flags_using_subcommand remove" -s y -l yes -d 'Apply without asking for confirmation (required without a terminal)'
complete -c flags -n "__fish_flags_using_subcommand remove" -l dry-run -d 'Print the diff and change nothing'
complete -c flags -n "__fish_flags_using_subcommand remove" -l no-commit -d 'Write the file but do not commit it'
complete -c flags -n "__fish_flags_using_subcommand remove" -s n -l no-verify -d 'Do not run the `pre-commit` and `commit-msg` hooks (as `git commit --no-verify`)'
complete -c flags -n "__fish_flags_using_subcommand remove" -s h -l help -d 'Print help'
complete -c flags -n "__fish_flags_using_subcommand refs" -l path -d 'Directory to search (default: the enclosing git repository, else the flags root)' -r -F
complete -c flags -n "__fish_flags_using_subcommand refs" -l format -d 'Output format' -r -f -a "text\t'`file:line: key` lines'
json\t'Machine-readable JSON'"
complete -c flags -n "__fish_flags_using_subcommand refs" -s C -d 'Run as if started in DIR (the flags root is found by walking up from there)' -r -F
complete -c flags -n "__fish_flags_using_subcommand refs" -l color -d 'When to use colour (also off when NO_COLOR is set)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c flags -n "__fish_flags_using_subcommand refs" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c flags -n "__fish_flags_using_subcommand schema" -s C -d 'Run as if started in DIR (the flags root is found by walking up from there)' -r -F
complete -c flags -n "__fish_flags_using_subcommand schema" -l color -d 'When to use colour (also off when NO_COLOR is set)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c flags -n "__fish_flags_using_subcommand schema" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c flags -n "__fish_flags_using_subcommand completions" -s C -d 'Run as if started in DIR (the flags root is found by walking up from there)' -r -F
complete -c flags -n "__fish_flags_using_subcommand completions" -l color -d 'When to use colour (also off when NO_COLOR is set)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c flags -n "__fish_flags_using_subcommand completions" -s h -l help -d 'Print help'
complete -c flags -n "__fish_flags_using_subcommand manpage" -s C -d 'Run as if started in DIR (the flags root is found by walking up from there)' -r -F
complete -c flags -n "__fish_flags_using_subcommand manpage" -l color -d 'When to use colour (also off when NO_COLOR is set)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c flags -n "__fish_flags_using_subcommand manpage" -s h -l help -d 'Print help'
complete -c flags -n "__fish_flags_using_subcommand help; and not __fish_seen_subcommand_from init validate list show new promote demote schedule advance diff eval export log stale remove refs schema completions manpage help" -f -a "init" -d 'Create a flags repository: flags.yaml, three gated environments, two segments'
complete -c flags -n "__fish_flags_using_subcommand help; and not __fish_seen_subcommand_from init validate list show new promote demote schedule advance diff eval export log stale remove refs schema completions manpage help" -f -a "validate" -d 'Check every file and report every problem (exit 1 on errors)'
complete -c flags -n "__fish_flags_using_subcommand help; and not __fish_seen_subcommand_from init validate list show new promote demote schedule advance diff eval export log stale remove refs schema completions manpage help" -f -a "list" -d 'List flags with their stage in each environment'
complete -c flags -n "__fish_flags_using_subcommand help; and not __fish_seen_subcommand_from init validate list show new promote demote schedule advance diff eval export log stale remove refs schema completions manpage help" -f -a "show" -d 'Show one flag: definition and audience per environment'
complete -c flags -n "__fish_flags_using_subcommand help; and not __fish_seen_subcommand_from init validate list show new promote demote schedule advance diff eval export log stale remove refs schema completions manpage help" -f -a "new" -d 'Create a flag at the first stage in every environment'
complete -c flags -n "__fish_flags_using_subcommand help; and not __fish_seen_subcommand_from init validate list show new promote demote schedule advance diff eval export log stale remove refs schema completions manpage help" -f -a "promote" -d 'Move flags one stage forward (or to --to) in an environment; diff, confirm, commit'
complete -c flags -n "__fish_flags_using_subcommand help; and not __fish_seen_subcommand_from init validate list show new promote demote schedule advance diff eval export log stale remove refs schema completions manpage help" -f -a "demote" -d 'Roll flags back one stage (or to --to STAGE|off); never blocked'
complete -c flags -n "__fish_flags_using_subcommand help; and not __fish_seen_subcommand_from init validate list show new promote demote schedule advance diff eval export log stale remove refs schema completions manpage help" -f -a "schedule" -d 'Plan a move to the next stage (or --to) at a time, or --clear the plan; diff, confirm, commit'
complete -c flags -n "__fish_flags_using_subcommand help; and not __fish_seen_subcommand_from init validate list show new promote demote schedule advance diff eval export log stale remove refs schema completions manpage help" -f -a "advance" -d 'Write every scheduled move that is due into the flag files, in one commit'
complete -c flags -n "__fish_flags_using_subcommand help; and not __fish_seen_subcommand_from init validate list show new promote demote schedule advance diff eval export log stale remove refs schema completions manpage help" -f -a "diff" -d 'Show what changed between two revisions in flag terms (default: HEAD vs working tree)'
complete -c flags -n "__fish_flags_using_subcommand help; and not __fish_seen_subcommand_from init validate list show new promote demote schedule advance diff eval export log stale remove refs schema completions manpage help" -f -a "eval" -d 'Tell whether a flag is on for a user in an environment, and why'
complete -c flags -n "__fish_flags_using_subcommand help; and not __fish_seen_subcommand_from init validate list show new promote demote schedule advance diff eval export log stale remove refs schema completions manpage help" -f -a "export" -d 'Compile environments for run time: flagd definitions or OpenFeature Operator resources'
complete -c flags -n "__fish_flags_using_subcommand help; and not __fish_seen_subcommand_from init validate list show new promote demote schedule advance diff eval export log stale remove refs schema completions manpage help" -f -a "log" -d 'Show stage changes from git history, newest first'
complete -c flags -n "__fish_flags_using_subcommand help; and not __fish_seen_subcommand_from init validate list show new promote demote schedule advance diff eval export log stale remove refs schema completions manpage help" -f -a "stale" -d 'List cleanup candidates: ready, expired or stalled flags (exit 1 with --check)'
complete -c flags -n "__fish_flags_using_subcommand help; and not __fish_seen_subcommand_from init validate list show new promote demote schedule advance diff eval export log stale remove refs schema completions manpage help" -f -a "remove" -d 'Delete flags whose cleanup is done (refuses while code still mentions them)'
complete -c flags -n "__fish_flags_using_subcommand help; and not __fish_seen_subcommand_from init validate list show new promote demote schedule advance diff eval export log stale remove refs schema completions manpage help" -f -a "refs" -d 'Show where source code mentions flag keys (file:line), honouring .gitignore'
complete -c flags -n "__fish_flags_using_subcommand help; and not __fish_seen_subcommand_from init validate list show new promote demote schedule advance diff eval export log stale remove refs schema completions manpage help" -f -a "schema" -d 'Print the JSON Schema of the file formats'
complete -c flags -n "__fish_flags_using_subcommand help; and not __fish_seen_subcommand_from init validate list show new promote demote schedule advance diff eval export log stale remove refs schema completions manpage help" -f -a "completions" -d 'Print a shell completion script'
complete -c flags -n "__fish_flags_using_subcommand help; and not __fish_seen_subcommand_from init validate list show new promote demote schedule advance diff eval export log stale remove refs schema completions manpage help" -f -a "manpage" -d 'Print the man page (roff): `flags manpage > flags.1`'
complete -c flags -n "__fish_flags_using_subcommand help; and not __fish_seen_subcommand_from init validate list show new promote demote schedule advance diff eval export log stale remove refs schema completions manpage help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
