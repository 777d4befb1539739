
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'flags' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'flags'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'flags' {
            [CompletionResult]::new('-C', '-C ', [CompletionResultType]::ParameterName, 'Run as if started in DIR (the flags root is found by walking up from there)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (also off when NO_COLOR is set)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('init', 'init', [CompletionResultType]::ParameterValue, 'Create a flags repository: flags.yaml, three gated environments, two segments')
            [CompletionResult]::new('validate', 'validate', [CompletionResultType]::ParameterValue, 'Check every file and report every problem (exit 1 on errors)')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List flags with their stage in each environment')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one flag: definition and audience per environment')
            [CompletionResult]::new('new', 'new', [CompletionResultType]::ParameterValue, 'Create a flag at the first stage in every environment')
            [CompletionResult]::new('promote', 'promote', [CompletionResultType]::ParameterValue, 'Move flags one stage forward (or to --to) in an environment; diff, confirm, commit')
            [CompletionResult]::new('demote', 'demote', [CompletionResultType]::ParameterValue, 'Roll flags back one stage (or to --to STAGE|off); never blocked')
            [CompletionResult]::new('schedule', 'schedule', [CompletionResultType]::ParameterValue, 'Plan a move to the next stage (or --to) at a time, or --clear the plan; diff, confirm, commit')
            [CompletionResult]::new('advance', 'advance', [CompletionResultType]::ParameterValue, 'Write every scheduled move that is due into the flag files, in one commit')
            [CompletionResult]::new('diff', 'diff', [CompletionResultType]::ParameterValue, 'Show what changed between two revisions in flag terms (default: HEAD vs working tree)')
            [CompletionResult]::new('eval', 'eval', [CompletionResultType]::ParameterValue, 'Tell whether a flag is on for a user in an environment, and why')
            [CompletionResult]::new('export', 'export', [CompletionResultType]::ParameterValue, 'Compile environments for run time: flagd definitions or OpenFeature Operator resources')
            [CompletionResult]::new('log', 'log', [CompletionResultType]::ParameterValue, 'Show stage changes from git history, newest first')
            [CompletionResult]::new('stale', 'stale', [CompletionResultType]::ParameterValue, 'List cleanup candidates: ready, expired or stalled flags (exit 1 with --check)')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Delete flags whose cleanup is done (refuses while code still mentions them)')
            [CompletionResult]::new('refs', 'refs', [CompletionResultType]::ParameterValue, 'Show where source code mentions flag keys (file:line), honouring .gitignore')
            [CompletionResult]::new('schema', 'schema', [CompletionResultType]::ParameterValue, 'Print the JSON Schema of the file formats')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('manpage', 'manpage', [CompletionResultType]::ParameterValue, 'Print the man page (roff): `flags manpage > flags.1`')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'flags;init' {
            [CompletionResult]::new('-C', '-C ', [CompletionResultType]::ParameterName, 'Run as if started in DIR (the flags root is found by walking up from there)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (also off when NO_COLOR is set)')
            [CompletionResult]::new('--no-commit', '--no-commit', [CompletionResultType]::ParameterName, 'Write the files but do not commit them (in a git work tree they are committed)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Do not run the `pre-commit` and `commit-msg` hooks (as `git commit --no-verify`)')
            [CompletionResult]::new('--no-verify', '--no-verify', [CompletionResultType]::ParameterName, 'Do not run the `pre-commit` and `commit-msg` hooks (as `git commit --no-verify`)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'flags;validate' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--against', '--against', [CompletionResultType]::ParameterName, 'Also enforce the pipeline on what changed since REV (e.g. `origin/main`)')
            [CompletionResult]::new('-C', '-C ', [CompletionResultType]::ParameterName, 'Run as if started in DIR (the flags root is found by walking up from there)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (also off when NO_COLOR is set)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'flags;list' {
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Only this environment''s stage is matched by --stage')
            [CompletionResult]::new('--stage', '--stage', [CompletionResultType]::ParameterName, 'Only flags at this stage (in --env, or in any environment)')
            [CompletionResult]::new('--owner', '--owner', [CompletionResultType]::ParameterName, 'Only flags owned by OWNER')
            [CompletionResult]::new('--type', '--type', [CompletionResultType]::ParameterName, 'Only flags of this type (release, experiment, operational, kill-switch, permission)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('-C', '-C ', [CompletionResultType]::ParameterName, 'Run as if started in DIR (the flags root is found by walking up from there)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (also off when NO_COLOR is set)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'flags;show' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('-C', '-C ', [CompletionResultType]::ParameterName, 'Run as if started in DIR (the flags root is found by walking up from there)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (also off when NO_COLOR is set)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'flags;new' {
            [CompletionResult]::new('--owner', '--owner', [CompletionResultType]::ParameterName, 'Team or person responsible (asked for on a terminal when left out)')
            [CompletionResult]::new('--description', '--description', [CompletionResultType]::ParameterName, 'What the flag controls (asked for on a terminal when left out)')
            [CompletionResult]::new('--type', '--type', [CompletionResultType]::ParameterName, 'Kind of flag')
            [CompletionResult]::new('--expires', '--expires', [CompletionResultType]::ParameterName, 'Date past which the flag is overdue for cleanup (YYYY-MM-DD)')
            [CompletionResult]::new('--variant', '--variant', [CompletionResultType]::ParameterName, 'A variant of a typed flag: its name and JSON value (`dark=''"#000"''`, `limit=100`, `cfg=''{"rows": 10}''`); repeat for each variant')
            [CompletionResult]::new('--default', '--default', [CompletionResultType]::ParameterName, 'The variant served outside the audience (with --variant)')
            [CompletionResult]::new('--serve', '--serve', [CompletionResultType]::ParameterName, 'The variant served to the audience (with --variant)')
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'Sub-folder of `flags/` to create the file in (a team''s folder, e.g. `checkout` or `web/checkout`)')
            [CompletionResult]::new('--branch', '--branch', [CompletionResultType]::ParameterName, 'Commit on branch NAME (created from HEAD if new) instead of the current branch; the work tree, the index and the current branch are not touched')
            [CompletionResult]::new('-C', '-C ', [CompletionResultType]::ParameterName, 'Run as if started in DIR (the flags root is found by walking up from there)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (also off when NO_COLOR is set)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Apply without asking for confirmation (required without a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Apply without asking for confirmation (required without a terminal)')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print the diff and change nothing')
            [CompletionResult]::new('--no-commit', '--no-commit', [CompletionResultType]::ParameterName, 'Write the file but do not commit it')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Do not run the `pre-commit` and `commit-msg` hooks (as `git commit --no-verify`)')
            [CompletionResult]::new('--no-verify', '--no-verify', [CompletionResultType]::ParameterName, 'Do not run the `pre-commit` and `commit-msg` hooks (as `git commit --no-verify`)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'flags;promote' {
            [CompletionResult]::new('-e', '-e', [CompletionResultType]::ParameterName, 'Environment to promote in; repeat for several (asked for on a terminal when left out)')
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Environment to promote in; repeat for several (asked for on a terminal when left out)')
            [CompletionResult]::new('--to', '--to', [CompletionResultType]::ParameterName, 'Stage to promote to (default: the next one)')
            [CompletionResult]::new('--branch', '--branch', [CompletionResultType]::ParameterName, 'Commit on branch NAME (created from HEAD if new) instead of the current branch; the work tree, the index and the current branch are not touched')
            [CompletionResult]::new('-C', '-C ', [CompletionResultType]::ParameterName, 'Run as if started in DIR (the flags root is found by walking up from there)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (also off when NO_COLOR is set)')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Promote past a gate, before soak time ends, or more than one stage at once')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Apply without asking for confirmation (required without a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Apply without asking for confirmation (required without a terminal)')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print the diff and change nothing')
            [CompletionResult]::new('--no-commit', '--no-commit', [CompletionResultType]::ParameterName, 'Write the file but do not commit it')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Do not run the `pre-commit` and `commit-msg` hooks (as `git commit --no-verify`)')
            [CompletionResult]::new('--no-verify', '--no-verify', [CompletionResultType]::ParameterName, 'Do not run the `pre-commit` and `commit-msg` hooks (as `git commit --no-verify`)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'flags;demote' {
            [CompletionResult]::new('-e', '-e', [CompletionResultType]::ParameterName, 'Environment to demote in; repeat for several (asked for on a terminal when left out)')
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Environment to demote in; repeat for several (asked for on a terminal when left out)')
            [CompletionResult]::new('--to', '--to', [CompletionResultType]::ParameterName, 'Stage to roll back to, or `off` (default: the previous one)')
            [CompletionResult]::new('--branch', '--branch', [CompletionResultType]::ParameterName, 'Commit on branch NAME (created from HEAD if new) instead of the current branch; the work tree, the index and the current branch are not touched')
            [CompletionResult]::new('-C', '-C ', [CompletionResultType]::ParameterName, 'Run as if started in DIR (the flags root is found by walking up from there)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (also off when NO_COLOR is set)')
            [CompletionResult]::new('--cascade', '--cascade', [CompletionResultType]::ParameterName, 'Also demote every environment that comes after (directly or through other gates) and would be left ahead, to the same stage, in the same commit')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Apply without asking for confirmation (required without a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Apply without asking for confirmation (required without a terminal)')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print the diff and change nothing')
            [CompletionResult]::new('--no-commit', '--no-commit', [CompletionResultType]::ParameterName, 'Write the file but do not commit it')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Do not run the `pre-commit` and `commit-msg` hooks (as `git commit --no-verify`)')
            [CompletionResult]::new('--no-verify', '--no-verify', [CompletionResultType]::ParameterName, 'Do not run the `pre-commit` and `commit-msg` hooks (as `git commit --no-verify`)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'flags;schedule' {
            [CompletionResult]::new('-e', '-e', [CompletionResultType]::ParameterName, 'Environment to plan in (asked for on a terminal when left out)')
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Environment to plan in (asked for on a terminal when left out)')
            [CompletionResult]::new('--at', '--at', [CompletionResultType]::ParameterName, 'When the move happens: RFC 3339 with `Z` or an offset (2026-12-01T09:00:00Z)')
            [CompletionResult]::new('--to', '--to', [CompletionResultType]::ParameterName, 'Stage to move to (default: the one after the last planned stage)')
            [CompletionResult]::new('--branch', '--branch', [CompletionResultType]::ParameterName, 'Commit on branch NAME (created from HEAD if new) instead of the current branch; the work tree, the index and the current branch are not touched')
            [CompletionResult]::new('-C', '-C ', [CompletionResultType]::ParameterName, 'Run as if started in DIR (the flags root is found by walking up from there)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (also off when NO_COLOR is set)')
            [CompletionResult]::new('--clear', '--clear', [CompletionResultType]::ParameterName, 'Remove every planned move of the flag in the environment')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Plan past a gate, before soak time ends, or more than one stage at once')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Apply without asking for confirmation (required without a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Apply without asking for confirmation (required without a terminal)')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print the diff and change nothing')
            [CompletionResult]::new('--no-commit', '--no-commit', [CompletionResultType]::ParameterName, 'Write the file but do not commit it')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Do not run the `pre-commit` and `commit-msg` hooks (as `git commit --no-verify`)')
            [CompletionResult]::new('--no-verify', '--no-verify', [CompletionResultType]::ParameterName, 'Do not run the `pre-commit` and `commit-msg` hooks (as `git commit --no-verify`)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'flags;advance' {
            [CompletionResult]::new('--branch', '--branch', [CompletionResultType]::ParameterName, 'Commit on branch NAME (created from HEAD if new) instead of the current branch; the work tree, the index and the current branch are not touched')
            [CompletionResult]::new('-C', '-C ', [CompletionResultType]::ParameterName, 'Run as if started in DIR (the flags root is found by walking up from there)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (also off when NO_COLOR is set)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Apply without asking for confirmation (required without a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Apply without asking for confirmation (required without a terminal)')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print the diff and change nothing')
            [CompletionResult]::new('--no-commit', '--no-commit', [CompletionResultType]::ParameterName, 'Write the file but do not commit it')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Do not run the `pre-commit` and `commit-msg` hooks (as `git commit --no-verify`)')
            [CompletionResult]::new('--no-verify', '--no-verify', [CompletionResultType]::ParameterName, 'Do not run the `pre-commit` and `commit-msg` hooks (as `git commit --no-verify`)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'flags;diff' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('-C', '-C ', [CompletionResultType]::ParameterName, 'Run as if started in DIR (the flags root is found by walking up from there)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (also off when NO_COLOR is set)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'flags;eval' {
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Environment to evaluate in')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'Targeting key of the user (the attribute `key`)')
            [CompletionResult]::new('--attr', '--attr', [CompletionResultType]::ParameterName, 'A user attribute; JSON numbers are numbers, anything else (or "quoted") a string')
            [CompletionResult]::new('--at', '--at', [CompletionResultType]::ParameterName, 'Evaluate at this instant (RFC 3339 with `Z` or an offset; default: now), schedules applied')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('-C', '-C ', [CompletionResultType]::ParameterName, 'Run as if started in DIR (the flags root is found by walking up from there)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (also off when NO_COLOR is set)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'flags;export' {
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Environment to export')
            [CompletionResult]::new('--out-dir', '--out-dir', [CompletionResultType]::ParameterName, 'Directory for --all: DIR/ENV.flagd.json (ENV.json, ENV.openfeature.json, ENV.featureflag.yaml for the other formats)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Write to FILE (atomically; through a symbolic link, to its target) instead of standard output; relative to -C DIR when given')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Write to FILE (atomically; through a symbolic link, to its target) instead of standard output; relative to -C DIR when given')
            [CompletionResult]::new('-C', '-C ', [CompletionResultType]::ParameterName, 'Run as if started in DIR (the flags root is found by walking up from there)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (also off when NO_COLOR is set)')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Export every environment, one file each in --out-dir')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'flags;log' {
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Only this environment')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('-C', '-C ', [CompletionResultType]::ParameterName, 'Run as if started in DIR (the flags root is found by walking up from there)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (also off when NO_COLOR is set)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'flags;stale' {
            [CompletionResult]::new('--as-of', '--as-of', [CompletionResultType]::ParameterName, 'Report what will be stale by DATE (YYYY-MM-DD) instead of today')
            [CompletionResult]::new('--refs', '--refs', [CompletionResultType]::ParameterName, 'Count references in DIR (default: the enclosing git repository)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('-C', '-C ', [CompletionResultType]::ParameterName, 'Run as if started in DIR (the flags root is found by walking up from there)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (also off when NO_COLOR is set)')
            [CompletionResult]::new('--check', '--check', [CompletionResultType]::ParameterName, 'Exit 1 when there are candidates (for scheduled CI jobs)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'flags;remove' {
            [CompletionResult]::new('--refs', '--refs', [CompletionResultType]::ParameterName, 'Where to look for references (default: the enclosing git repository, else the flags root)')
            [CompletionResult]::new('--branch', '--branch', [CompletionResultType]::ParameterName, 'Commit on branch NAME (created from HEAD if new) instead of the current branch; the work tree, the index and the current branch are not touched')
            [CompletionResult]::new('-C', '-C ', [CompletionResultType]::ParameterName, 'Run as if started in DIR (the flags root is found by walking up from there)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (also off when NO_COLOR is set)')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Delete even while source code still mentions the key')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Apply without asking for confirmation (required without a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Apply without asking for confirmation (required without a terminal)')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print the diff and change nothing')
            [CompletionResult]::new('--no-commit', '--no-commit', [CompletionResultType]::ParameterName, 'Write the file but do not commit it')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Do not run the `pre-commit` and `commit-msg` hooks (as `git commit --no-verify`)')
            [CompletionResult]::new('--no-verify', '--no-verify', [CompletionResultType]::ParameterName, 'Do not run the `pre-commit` and `commit-msg` hooks (as `git commit --no-verify`)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'flags;refs' {
            [CompletionResult]::new('--path', '--path', [CompletionResultType]::ParameterName, 'Directory to search (default: the enclosing git repository, else the flags root)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('-C', '-C ', [CompletionResultType]::ParameterName, 'Run as if started in DIR (the flags root is found by walking up from there)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (also off when NO_COLOR is set)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'flags;schema' {
            [CompletionResult]::new('-C', '-C ', [CompletionResultType]::ParameterName, 'Run as if started in DIR (the flags root is found by walking up from there)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (also off when NO_COLOR is set)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'flags;completions' {
            [CompletionResult]::new('-C', '-C ', [CompletionResultType]::ParameterName, 'Run as if started in DIR (the flags root is found by walking up from there)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (also off when NO_COLOR is set)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'flags;manpage' {
            [CompletionResult]::new('-C', '-C ', [CompletionResultType]::ParameterName, 'Run as if started in DIR (the flags root is found by walking up from there)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (also off when NO_COLOR is set)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'flags;help' {
            [CompletionResult]::new('init', 'init', [CompletionResultType]::ParameterValue, 'Create a flags repository: flags.yaml, three gated environments, two segments')
            [CompletionResult]::new('validate', 'validate', [CompletionResultType]::ParameterValue, 'Check every file and report every problem (exit 1 on errors)')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List flags with their stage in each environment')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one flag: definition and audience per environment')
            [CompletionResult]::new('new', 'new', [CompletionResultType]::ParameterValue, 'Create a flag at the first stage in every environment')
            [CompletionResult]::new('promote', 'promote', [CompletionResultType]::ParameterValue, 'Move flags one stage forward (or to --to) in an environment; diff, confirm, commit')
            [CompletionResult]::new('demote', 'demote', [CompletionResultType]::ParameterValue, 'Roll flags back one stage (or to --to STAGE|off); never blocked')
            [CompletionResult]::new('schedule', 'schedule', [CompletionResultType]::ParameterValue, 'Plan a move to the next stage (or --to) at a time, or --clear the plan; diff, confirm, commit')
            [CompletionResult]::new('advance', 'advance', [CompletionResultType]::ParameterValue, 'Write every scheduled move that is due into the flag files, in one commit')
            [CompletionResult]::new('diff', 'diff', [CompletionResultType]::ParameterValue, 'Show what changed between two revisions in flag terms (default: HEAD vs working tree)')
            [CompletionResult]::new('eval', 'eval', [CompletionResultType]::ParameterValue, 'Tell whether a flag is on for a user in an environment, and why')
            [CompletionResult]::new('export', 'export', [CompletionResultType]::ParameterValue, 'Compile environments for run time: flagd definitions or OpenFeature Operator resources')
            [CompletionResult]::new('log', 'log', [CompletionResultType]::ParameterValue, 'Show stage changes from git history, newest first')
            [CompletionResult]::new('stale', 'stale', [CompletionResultType]::ParameterValue, 'List cleanup candidates: ready, expired or stalled flags (exit 1 with --check)')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Delete flags whose cleanup is done (refuses while code still mentions them)')
            [CompletionResult]::new('refs', 'refs', [CompletionResultType]::ParameterValue, 'Show where source code mentions flag keys (file:line), honouring .gitignore')
            [CompletionResult]::new('schema', 'schema', [CompletionResultType]::ParameterValue, 'Print the JSON Schema of the file formats')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('manpage', 'manpage', [CompletionResultType]::ParameterValue, 'Print the man page (roff): `flags manpage > flags.1`')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'flags;help;init' {
            break
        }
        'flags;help;validate' {
            break
        }
        'flags;help;list' {
            break
        }
        'flags;help;show' {
            break
        }
        'flags;help;new' {
            break
        }
        'flags;help;promote' {
            break
        }
        'flags;help;demote' {
            break
        }
        'flags;help;schedule' {
            break
        }
        'flags;help;advance' {
            break
        }
        'flags;help;diff' {
            break
        }
        'flags;help;eval' {
            break
        }
        'flags;help;export' {
            break
        }
        'flags;help;log' {
            break
        }
        'flags;help;stale' {
            break
        }
        'flags;help;remove' {
            break
        }
        'flags;help;refs' {
            break
        }
        'flags;help;schema' {
            break
        }
        'flags;help;completions' {
            break
        }
        'flags;help;manpage' {
            break
        }
        'flags;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
