
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
            cand schema 'Print the JSON Schema of the file formats'
            cand completions 'Print a shell completion script'
            cand manpage 'Print the man page (roff)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'flags;init'= {
            cand -C 'Run as if started in DIR (the flags root is found by walking up from there)'
            cand --color 'When to use colour (also off when NO_COLOR is set)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'flags;validate'= {
            cand --format 'Output format'
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
            cand schema 'Print the JSON Schema of the file formats'
            cand completions 'Print a shell completion script'
            cand manpage 'Print the man page (roff)'
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
