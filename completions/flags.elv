
use builtin;
use str;

set edit:completion:arg-completer[flags] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'flags'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'flags'= {
            cand -C 'Run as if started in DIR (the flags root is found by walking up from there)'
            cand --color 'When to use colour (also off when NO_COLOR is set)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand init 'Create a flags repository: flags.yaml, three gated environments, two segments'
            cand validate 'Check every file and report every problem (exit 1 on errors)'
            cand list 'List flags with their stage in each environment'
            cand show 'Show one flag: definition and audience per environment'
            cand new 'Create a flag at the first stage in every environment'
            cand promote 'Move flags one stage forward (or to --to) in an environment; diff, confirm, commit'
            cand demote 'Roll flags back one stage (or to --to STAGE|off); never blocked'
            cand schedule 'Plan a move to the next stage (or --to) at a time, or --clear the plan; diff, confirm, commit'
            cand advance 'Write every scheduled move that is due into the flag files, in one commit'
            cand diff 'Show what changed between two revisions in flag terms (default: HEAD vs working tree)'
            cand eval 'Tell whether a flag is on for a user in an environment, and why'
            cand export 'Compile environments for run time: flagd definitions or OpenFeature Operator resources'
            cand log 'Show stage changes from git history, newest first'
            cand stale 'List cleanup candidates: ready, expired or stalled flags (exit 1 with --check)'
            cand remove 'Delete flags whose cleanup is done (refuses while code still mentions them)'
            cand refs 'Show where source code mentions flag keys (file:line), honouring .gitignore'
            cand schema 'Print the JSON Schema of the file formats'
            cand completions 'Print a shell completion script'
            cand manpage 'Print the man page (roff): `flags manpage > flags.1`'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'flags;init'= {
            cand -C 'Run as if started in DIR (the flags root is found by walking up from there)'
            cand --color 'When to use colour (also off when NO_COLOR is set)'
            cand --no-commit 'Write the files but do not commit them (in a git work tree they are committed)'
            cand -n 'Do not run the `pre-commit` and `commit-msg` hooks (as `git commit --no-verify`)'
            cand --no-verify 'Do not run the `pre-commit` and `commit-msg` hooks (as `git commit --no-verify`)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'flags;validate'= {
            cand --format 'Output format'
            cand --against 'Also enforce the pipeline on what changed since REV (e.g. `origin/main`)'
            cand -C 'Run as if started in DIR (the flags root is found by walking up from there)'
            cand --color 'When to use colour (also off when NO_COLOR is set)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'flags;list'= {
            cand --env 'Only this environment''s stage is matched by --stage'
            cand --stage 'Only flags at this stage (in --env, or in any environment)'
            cand --owner 'Only flags owned by OWNER'
            cand --type 'Only flags of this type (release, experiment, operational, kill-switch, permission)'
            cand --format 'Output format'
            cand -C 'Run as if started in DIR (the flags root is found by walking up from there)'
            cand --color 'When to use colour (also off when NO_COLOR is set)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'flags;show'= {
            cand --format 'Output format'
            cand -C 'Run as if started in DIR (the flags root is found by walking up from there)'
            cand --color 'When to use colour (also off when NO_COLOR is set)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'flags;new'= {
            cand --owner 'Team or person responsible (asked for on a terminal when left out)'
            cand --description 'What the flag controls (asked for on a terminal when left out)'
            cand --type 'Kind of flag'
            cand --expires 'Date past which the flag is overdue for cleanup (YYYY-MM-DD)'
            cand --variant 'A variant of a typed flag: its name and JSON value (`dark=''"#000"''`, `limit=100`, `cfg=''{"rows": 10}''`); repeat for each variant'
            cand --default 'The variant served outside the audience (with --variant)'
            cand --serve 'The variant served to the audience (with --variant)'
            cand --dir 'Sub-folder of `flags/` to create the file in (a team''s folder, e.g. `checkout` or `web/checkout`)'
            cand --branch 'Commit on branch NAME (created from HEAD if new) instead of the current branch; the work tree, the index and the current branch are not touched'
            cand -C 'Run as if started in DIR (the flags root is found by walking up from there)'
            cand --color 'When to use colour (also off when NO_COLOR is set)'
            cand -y 'Apply without asking for confirmation (required without a terminal)'
            cand --yes 'Apply without asking for confirmation (required without a terminal)'
            cand --dry-run 'Print the diff and change nothing'
            cand --no-commit 'Write the file but do not commit it'
            cand -n 'Do not run the `pre-commit` and `commit-msg` hooks (as `git commit --no-verify`)'
            cand --no-verify 'Do not run the `pre-commit` and `commit-msg` hooks (as `git commit --no-verify`)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'flags;promote'= {
            cand -e 'Environment to promote in; repeat for several (asked for on a terminal when left out)'
            cand --env 'Environment to promote in; repeat for several (asked for on a terminal when left out)'
            cand --to 'Stage to promote to (default: the next one)'
            cand --branch 'Commit on branch NAME (created from HEAD if new) instead of the current branch; the work tree, the index and the current branch are not touched'
            cand -C 'Run as if started in DIR (the flags root is found by walking up from there)'
            cand --color 'When to use colour (also off when NO_COLOR is set)'
            cand --force 'Promote past a gate, before soak time ends, or more than one stage at once'
            cand -y 'Apply without asking for confirmation (required without a terminal)'
            cand --yes 'Apply without asking for confirmation (required without a terminal)'
            cand --dry-run 'Print the diff and change nothing'
            cand --no-commit 'Write the file but do not commit it'
            cand -n 'Do not run the `pre-commit` and `commit-msg` hooks (as `git commit --no-verify`)'
            cand --no-verify 'Do not run the `pre-commit` and `commit-msg` hooks (as `git commit --no-verify`)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'flags;demote'= {
            cand -e 'Environment to demote in; repeat for several (asked for on a terminal when left out)'
            cand --env 'Environment to demote in; repeat for several (asked for on a terminal when left out)'
            cand --to 'Stage to roll back to, or `off` (default: the previous one)'
            cand --branch 'Commit on branch NAME (created from HEAD if new) instead of the current branch; the work tree, the index and the current branch are not touched'
            cand -C 'Run as if started in DIR (the flags root is found by walking up from there)'
            cand --color 'When to use colour (also off when NO_COLOR is set)'
            cand --cascade 'Also demote every environment that comes after (directly or through other gates) and would be left ahead, to the same stage, in the same commit'
            cand -y 'Apply without asking for confirmation (required without a terminal)'
            cand --yes 'Apply without asking for confirmation (required without a terminal)'
            cand --dry-run 'Print the diff and change nothing'
            cand --no-commit 'Write the file but do not commit it'
            cand -n 'Do not run the `pre-commit` and `commit-msg` hooks (as `git commit --no-verify`)'
            cand --no-verify 'Do not run the `pre-commit` and `commit-msg` hooks (as `git commit --no-verify`)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'flags;schedule'= {
            cand -e 'Environment to plan in (asked for on a terminal when left out)'
            cand --env 'Environment to plan in (asked for on a terminal when left out)'
            cand --at 'When the move happens: RFC 3339 with `Z` or an offset (2026-12-01T09:00:00Z)'
            cand --to 'Stage to move to (default: the one after the last planned stage)'
            cand --branch 'Commit on branch NAME (created from HEAD if new) instead of the current branch; the work tree, the index and the current branch are not touched'
            cand -C 'Run as if started in DIR (the flags root is found by walking up from there)'
            cand --color 'When to use colour (also off when NO_COLOR is set)'
            cand --clear 'Remove every planned move of the flag in the environment'
            cand --force 'Plan past a gate, before soak time ends, or more than one stage at once'
            cand -y 'Apply without asking for confirmation (required without a terminal)'
            cand --yes 'Apply without asking for confirmation (required without a terminal)'
            cand --dry-run 'Print the diff and change nothing'
            cand --no-commit 'Write the file but do not commit it'
            cand -n 'Do not run the `pre-commit` and `commit-msg` hooks (as `git commit --no-verify`)'
            cand --no-verify 'Do not run the `pre-commit` and `commit-msg` hooks (as `git commit --no-verify`)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'flags;advance'= {
            cand --branch 'Commit on branch NAME (created from HEAD if new) instead of the current branch; the work tree, the index and the current branch are not touched'
            cand -C 'Run as if started in DIR (the flags root is found by walking up from there)'
            cand --color 'When to use colour (also off when NO_COLOR is set)'
            cand -y 'Apply without asking for confirmation (required without a terminal)'
            cand --yes 'Apply without asking for confirmation (required without a terminal)'
            cand --dry-run 'Print the diff and change nothing'
            cand --no-commit 'Write the file but do not commit it'
            cand -n 'Do not run the `pre-commit` and `commit-msg` hooks (as `git commit --no-verify`)'
            cand --no-verify 'Do not run the `pre-commit` and `commit-msg` hooks (as `git commit --no-verify`)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'flags;diff'= {
            cand --format 'Output format'
            cand -C 'Run as if started in DIR (the flags root is found by walking up from there)'
            cand --color 'When to use colour (also off when NO_COLOR is set)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'flags;eval'= {
            cand --env 'Environment to evaluate in'
            cand --user 'Targeting key of the user (the attribute `key`)'
            cand --attr 'A user attribute; JSON numbers are numbers, anything else (or "quoted") a string'
            cand --at 'Evaluate at this instant (RFC 3339 with `Z` or an offset; default: now), schedules applied'
            cand --format 'Output format'
            cand -C 'Run as if started in DIR (the flags root is found by walking up from there)'
            cand --color 'When to use colour (also off when NO_COLOR is set)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'flags;export'= {
            cand --env 'Environment to export'
            cand --out-dir 'Directory for --all: DIR/ENV.flagd.json (ENV.json, ENV.openfeature.json, ENV.featureflag.yaml for the other formats)'
            cand --format 'Output format'
            cand -o 'Write to FILE (atomically; through a symbolic link, to its target) instead of standard output; relative to -C DIR when given'
            cand --output 'Write to FILE (atomically; through a symbolic link, to its target) instead of standard output; relative to -C DIR when given'
            cand -C 'Run as if started in DIR (the flags root is found by walking up from there)'
            cand --color 'When to use colour (also off when NO_COLOR is set)'
            cand --all 'Export every environment, one file each in --out-dir'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'flags;log'= {
            cand --env 'Only this environment'
            cand --format 'Output format'
            cand -C 'Run as if started in DIR (the flags root is found by walking up from there)'
            cand --color 'When to use colour (also off when NO_COLOR is set)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'flags;stale'= {
            cand --as-of 'Report what will be stale by DATE (YYYY-MM-DD) instead of today'
            cand --refs 'Count references in DIR (default: the enclosing git repository)'
            cand --format 'Output format'
            cand -C 'Run as if started in DIR (the flags root is found by walking up from there)'
            cand --color 'When to use colour (also off when NO_COLOR is set)'
            cand --check 'Exit 1 when there are candidates (for scheduled CI jobs)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'flags;remove'= {
            cand --refs 'Where to look for references (default: the enclosing git repository, else the flags root)'
            cand --branch 'Commit on branch NAME (created from HEAD if new) instead of the current branch; the work tree, the index and the current branch are not touched'
            cand -C 'Run as if started in DIR (the flags root is found by walking up from there)'
            cand --color 'When to use colour (also off when NO_COLOR is set)'
            cand --force 'Delete even while source code still mentions the key'
            cand -y 'Apply without asking for confirmation (required without a terminal)'
            cand --yes 'Apply without asking for confirmation (required without a terminal)'
            cand --dry-run 'Print the diff and change nothing'
            cand --no-commit 'Write the file but do not commit it'
            cand -n 'Do not run the `pre-commit` and `commit-msg` hooks (as `git commit --no-verify`)'
            cand --no-verify 'Do not run the `pre-commit` and `commit-msg` hooks (as `git commit --no-verify`)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'flags;refs'= {
            cand --path 'Directory to search (default: the enclosing git repository, else the flags root)'
            cand --format 'Output format'
            cand -C 'Run as if started in DIR (the flags root is found by walking up from there)'
            cand --color 'When to use colour (also off when NO_COLOR is set)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'flags;schema'= {
            cand -C 'Run as if started in DIR (the flags root is found by walking up from there)'
            cand --color 'When to use colour (also off when NO_COLOR is set)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'flags;completions'= {
            cand -C 'Run as if started in DIR (the flags root is found by walking up from there)'
            cand --color 'When to use colour (also off when NO_COLOR is set)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'flags;manpage'= {
            cand -C 'Run as if started in DIR (the flags root is found by walking up from there)'
            cand --color 'When to use colour (also off when NO_COLOR is set)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'flags;help'= {
            cand init 'Create a flags repository: flags.yaml, three gated environments, two segments'
            cand validate 'Check every file and report every problem (exit 1 on errors)'
            cand list 'List flags with their stage in each environment'
            cand show 'Show one flag: definition and audience per environment'
            cand new 'Create a flag at the first stage in every environment'
            cand promote 'Move flags one stage forward (or to --to) in an environment; diff, confirm, commit'
            cand demote 'Roll flags back one stage (or to --to STAGE|off); never blocked'
            cand schedule 'Plan a move to the next stage (or --to) at a time, or --clear the plan; diff, confirm, commit'
            cand advance 'Write every scheduled move that is due into the flag files, in one commit'
            cand diff 'Show what changed between two revisions in flag terms (default: HEAD vs working tree)'
            cand eval 'Tell whether a flag is on for a user in an environment, and why'
            cand export 'Compile environments for run time: flagd definitions or OpenFeature Operator resources'
            cand log 'Show stage changes from git history, newest first'
            cand stale 'List cleanup candidates: ready, expired or stalled flags (exit 1 with --check)'
            cand remove 'Delete flags whose cleanup is done (refuses while code still mentions them)'
            cand refs 'Show where source code mentions flag keys (file:line), honouring .gitignore'
            cand schema 'Print the JSON Schema of the file formats'
            cand completions 'Print a shell completion script'
            cand manpage 'Print the man page (roff): `flags manpage > flags.1`'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'flags;help;init'= {
        }
        &'flags;help;validate'= {
        }
        &'flags;help;list'= {
        }
        &'flags;help;show'= {
        }
        &'flags;help;new'= {
        }
        &'flags;help;promote'= {
        }
        &'flags;help;demote'= {
        }
        &'flags;help;schedule'= {
        }
        &'flags;help;advance'= {
        }
        &'flags;help;diff'= {
        }
        &'flags;help;eval'= {
        }
        &'flags;help;export'= {
        }
        &'flags;help;log'= {
        }
        &'flags;help;stale'= {
        }
        &'flags;help;remove'= {
        }
        &'flags;help;refs'= {
        }
        &'flags;help;schema'= {
        }
        &'flags;help;completions'= {
        }
        &'flags;help;manpage'= {
        }
        &'flags;help;help'= {
        }
    ]
    $completions[$command]
}
